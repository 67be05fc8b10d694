package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"time"
)

// openSQLitePool checks that a new SQLite pool answers. The first
// connection to a new file switches it to WAL, and SQLite fails that
// switch at once with SQLITE_BUSY, busy timeout or not, while a connection
// of another process is making the same switch; so a busy first
// connection is tried again, with growing pauses, for up to the busy
// timeout. Once the file is in WAL mode, which it keeps, opening it takes
// no such lock.
func openSQLitePool(ctx context.Context, sqldb *sql.DB, busy time.Duration) error {
	deadline := time.Now().Add(busy)
	pause := 2 * time.Millisecond
	for {
		err := sqldb.PingContext(ctx)
		if err == nil || !isRetryable(err) || time.Now().After(deadline) {
			return err
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, 100*time.Millisecond)
	}
}

// sqliteLockSuffix names the lock file of a SQLite database: the
// database's path with this appended.
const sqliteLockSuffix = "-migratelock"

// lockSQLiteFile serializes migrations of one SQLite file across
// processes. It holds a write transaction (BEGIN IMMEDIATE) on an empty
// SQLite database beside the file, NAME-migratelock, which only one
// connection anywhere can hold: SQLite's own file locks, which the system
// releases when a process dies, so a crash never leaves the lock taken.
// The lock file stays in place; it is never written to, and removing it
// while another process waits on it would let two in at once. A database
// without a file (in memory) has no other process to keep out, and gets a
// no-op.
func (db *DB) lockSQLiteFile(ctx context.Context) (release func(), err error) {
	var seq int
	var name, file string
	if err := db.bun.QueryRowContext(ctx, "SELECT seq, name, file FROM pragma_database_list WHERE name = 'main'").Scan(&seq, &name, &file); err != nil {
		return nil, err
	}
	if file == "" {
		return func() {}, nil
	}
	lockPath := file + sqliteLockSuffix
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: lockPath}).EscapedPath(), RawQuery: "_pragma=busy_timeout(0)"}
	ldb, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, fmt.Errorf("open migration lock file %s: %w", lockPath, err)
	}
	ldb.SetMaxOpenConns(1)
	conn, err := ldb.Conn(ctx)
	if err != nil {
		_ = ldb.Close()
		return nil, fmt.Errorf("open migration lock file %s: %w", lockPath, err)
	}
	closeAll := func() { _ = conn.Close(); _ = ldb.Close() }
	pause := 5 * time.Millisecond
	for {
		_, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE")
		if err == nil {
			break
		}
		if !isRetryable(err) {
			closeAll()
			return nil, fmt.Errorf("take migration lock %s: %w", lockPath, err)
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			closeAll()
			return nil, ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, 250*time.Millisecond)
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		closeAll()
	}, nil
}
