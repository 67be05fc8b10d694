package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// migrationFiles holds the schema of both dialects: migrations/pg and
// migrations/sqlite carry the same versions and names.
//
//go:embed migrations
var migrationFiles embed.FS

// migrationsTable and migrationLocksTable are bun/migrate's bookkeeping
// tables. The locks table is created by bun's Init but never used: the
// store serializes runs with a Postgres advisory lock instead.
const (
	migrationsTable     = "bun_migrations"
	migrationLocksTable = "bun_migration_locks"
)

// Migration is one schema change and whether it has been applied.
type Migration struct {
	// Version is the 14-digit UTC timestamp that orders migrations.
	Version string
	// Name is the lowercase description after the version.
	Name string
	// Group is the run that applied the migration; 0 when pending.
	Group int64
	// AppliedAt is when it was applied; zero when pending.
	AppliedAt time.Time
}

// Applied reports whether the migration has been applied.
func (m Migration) Applied() bool { return m.Group != 0 }

// String returns VERSION_NAME.
func (m Migration) String() string { return m.Version + "_" + m.Name }

// PendingError is returned by CheckMigrations when the schema is behind
// the code.
type PendingError struct {
	// Pending lists the migrations not applied yet, oldest first.
	Pending []Migration
}

// Error counts and names the pending migrations.
func (e *PendingError) Error() string {
	names := make([]string, len(e.Pending))
	for i, m := range e.Pending {
		names[i] = m.String()
	}
	return fmt.Sprintf("store: %d migration(s) pending: %s", len(e.Pending), strings.Join(names, ", "))
}

// migrations loads the embedded migration set of the DB's dialect. Only
// that dialect's folder is given to Discover: the two folders share
// versions, and one walk over both would let one silently replace the
// other.
func (db *DB) migrations() (*migrate.Migrations, error) {
	var fsys fs.FS = migrationFiles
	if db.migrationFS != nil {
		fsys = db.migrationFS
	}
	sub, err := fs.Sub(fsys, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(sub); err != nil {
		return nil, fmt.Errorf("store: load migrations: %w", err)
	}
	return ms, nil
}

func (db *DB) migrator() (*migrate.Migrator, error) {
	ms, err := db.migrations()
	if err != nil {
		return nil, err
	}
	return migrate.NewMigrator(db.bun, ms,
		migrate.WithTableName(migrationsTable),
		migrate.WithLocksTableName(migrationLocksTable),
		migrate.WithMarkAppliedOnSuccess(true),
	), nil
}

// Migrate applies every pending migration, in version order, as one group.
// Each migration runs in its own transaction; one that fails is rolled
// back, left pending, and stops the run with an error. On Postgres the whole
// run holds a session advisory lock keyed by the current schema, so
// processes that start at once migrate exactly once: the others wait, then
// find nothing to do. It returns the migrations it applied.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) {
	var applied []Migration
	err := db.withMigrationLock(ctx, "migrate", func(m *migrate.Migrator) error {
		group, err := m.Migrate(ctx)
		if group != nil {
			applied = fromBun(group.Migrations)
		}
		if err != nil {
			applied = keepIf(ctx, m, applied, true) // the one that failed is not marked
		}
		return err
	})
	return applied, err
}

// Rollback undoes the most recent group of migrations, newest first, and
// returns them. With nothing applied it returns an empty list.
func (db *DB) Rollback(ctx context.Context) ([]Migration, error) {
	var undone []Migration
	err := db.withMigrationLock(ctx, "rollback", func(m *migrate.Migrator) error {
		group, err := m.Rollback(ctx)
		if group != nil {
			undone = fromBun(group.Migrations)
			slices.Reverse(undone)
		}
		if err != nil {
			undone = keepIf(ctx, m, undone, false) // the group is undone only up to the failure
		}
		return err
	})
	return undone, err
}

// MigrationStatus lists every migration the code knows, oldest first, with
// its state in the database. It creates the bookkeeping table when missing
// and changes nothing else.
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	var out []Migration
	err := db.withMigrationLock(ctx, "migration status", func(m *migrate.Migrator) error {
		ms, err := m.MigrationsWithStatus(ctx)
		out = fromBun(ms)
		return err
	})
	return out, err
}

// CheckMigrations returns a *PendingError when any migration is pending,
// and nil when the schema is up to date.
func (db *DB) CheckMigrations(ctx context.Context) error {
	ms, err := db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	var pending []Migration
	for _, m := range ms {
		if !m.Applied() {
			pending = append(pending, m)
		}
	}
	if len(pending) > 0 {
		return &PendingError{Pending: pending}
	}
	return nil
}

// Stamp marks every pending migration up to and including version as
// applied, in one new group and one transaction, without running it: for
// a database whose schema was created another way (a restore, say). It
// returns the migrations it marked.
func (db *DB) Stamp(ctx context.Context, version string) ([]Migration, error) {
	var marked []Migration
	err := db.withMigrationLock(ctx, "stamp", func(m *migrate.Migrator) error {
		ms, err := m.MigrationsWithStatus(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(ms, func(x migrate.Migration) bool { return x.Name == version }) {
			return &UnknownVersionError{Version: version}
		}
		group, now := ms.LastGroupID()+1, time.Now()
		var todo migrate.MigrationSlice
		for _, mg := range ms {
			if mg.Name <= version && !mg.IsApplied() {
				mg.GroupID, mg.MigratedAt = group, now
				todo = append(todo, mg)
			}
		}
		if len(todo) == 0 {
			return nil
		}
		// What Migrator.MarkApplied writes, for all of them at once.
		if _, err := db.bun.NewInsert().Model(&todo).ModelTableExpr(migrationsTable).Exec(ctx); err != nil {
			return err
		}
		marked = fromBun(todo)
		return nil
	})
	return marked, err
}

// keepIf returns those of ms that the database now lists as applied (or,
// with applied false, as pending), to report what a run that failed
// part-way did. Should
// the state be unreadable, it returns none: a report may say too little,
// never too much.
func keepIf(ctx context.Context, m *migrate.Migrator, ms []Migration, applied bool) []Migration {
	status, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil
	}
	var out []Migration
	for _, mg := range ms {
		if slices.ContainsFunc(status, func(s migrate.Migration) bool { return s.Name == mg.Version && s.IsApplied() == applied }) {
			out = append(out, mg)
		}
	}
	return out
}

// UnknownVersionError reports a migration version the code does not have.
type UnknownVersionError struct{ Version string }

// Error names the version.
func (e *UnknownVersionError) Error() string {
	return fmt.Sprintf("store: no migration has version %q", e.Version)
}

// withMigrationLock runs fn with a migrator whose tables exist, holding the
// store's migration lock for the whole call.
func (db *DB) withMigrationLock(ctx context.Context, op string, fn func(*migrate.Migrator) error) error {
	if db.isClosed() {
		return &Error{Op: op, Kind: KindUnavailable, Err: ErrClosed}
	}
	m, err := db.migrator()
	if err != nil {
		return err
	}
	unlock, err := db.lockMigrations(ctx)
	if err != nil {
		return wrapErr(op, err)
	}
	defer unlock()
	if err := m.Init(ctx); err != nil {
		return wrapErr(op, err)
	}
	if err := fn(m); err != nil {
		var pe *UnknownVersionError
		if errors.As(err, &pe) {
			return err
		}
		return wrapErr(op, err)
	}
	return nil
}

// lockMigrations takes the migration lock. On Postgres it is a session
// advisory lock keyed by the current schema, held on one dedicated
// connection until unlock; bun's own Lock is a row insert that fails at
// once instead of waiting and survives a crash, so it is not used. On
// SQLite it is this DB's mutex, then a write transaction on the lock file
// beside the database (see lockSQLiteFile), which keeps out every other
// DB and process.
func (db *DB) lockMigrations(ctx context.Context) (unlock func(), err error) {
	if db.dialect != Postgres {
		select {
		case db.migrateMu <- struct{}{}:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		release, err := db.lockSQLiteFile(ctx)
		if err != nil {
			<-db.migrateMu
			return nil, err
		}
		return func() { release(); <-db.migrateMu }, nil
	}
	if db.bun.Stats().MaxOpenConnections == 1 {
		return nil, errors.New("migrating Postgres needs a pool of at least two connections: one holds the advisory lock while the others run the migrations")
	}
	conn, err := db.bun.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if err := tryLockUntil(ctx, conn); err != nil {
		_ = conn.Close()
		return nil, err
	}
	return func() {
		// Unlock with a fresh context: the caller's may be cancelled, and a
		// lock left on a pooled connection would block every later run.
		uctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(uctx, "SELECT pg_advisory_unlock("+migrationLockKey+")"); err != nil {
			db.opts.Logger.WarnContext(ctx, "store: release migration lock", "err", err)
			_ = conn.Raw(func(any) error { return errDiscardConn })
		}
		_ = conn.Close()
	}, nil
}

// tryLockUntil takes the migration lock on conn, trying again with growing
// pauses while another process holds it, until ctx ends. It never waits
// inside the server: a server-side wait that the caller abandons goes on
// in the server and takes the lock later for a session nobody uses any
// more, which holds it until the server notices the client is gone.
func tryLockUntil(ctx context.Context, conn bun.Conn) error {
	pause := 10 * time.Millisecond
	for {
		var ok sql.NullBool
		if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock("+migrationLockKey+")").Scan(&ok); err != nil {
			return err
		}
		if !ok.Valid { // the key is NULL because current_schema() is
			return errNoSchema
		}
		if ok.Bool {
			return nil
		}
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		pause = min(2*pause, time.Second)
	}
}

// migrationLockKey is the SQL expression of the advisory lock key: one per
// schema, so stores in different schemas of one database migrate apart.
const migrationLockKey = `('x' || substr(md5('lifeops.store.migrate.' || current_schema()), 1, 16))::bit(64)::bigint`

// errNoSchema is the failure to lock, and so to migrate, a database whose
// search_path names no schema that exists.
var errNoSchema = errors.New("the search_path names no schema that exists: create the schema, or name one in the DSN's search_path")

// errDiscardConn makes database/sql drop a connection instead of pooling it.
var errDiscardConn = fmt.Errorf("discard connection: %w", driver.ErrBadConn)

func fromBun(ms migrate.MigrationSlice) []Migration {
	out := make([]Migration, 0, len(ms))
	for _, m := range ms {
		mg := Migration{Version: m.Name, Name: m.Comment, Group: m.GroupID}
		if m.IsApplied() || m.GroupID != 0 {
			mg.AppliedAt = m.MigratedAt
		}
		out = append(out, mg)
	}
	return out
}

var migrationNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// CreateMigration writes an empty pair of transactional migration files
// (VERSION_NAME.tx.up.sql and .tx.down.sql) into both dialect folders under
// dir, which is the store's migrations folder in a source checkout
// (store/migrations). VERSION is now in UTC as YYYYMMDDhhmmss. It returns
// the paths it wrote and refuses to overwrite anything.
func CreateMigration(dir, name string, now time.Time) ([]string, error) {
	if !migrationNameRE.MatchString(name) {
		return nil, fmt.Errorf("store: migration name %q: want lowercase letters, digits and underscores, starting with a letter", name)
	}
	version := now.UTC().Format("20060102150405")
	var paths []string
	for _, d := range []Dialect{Postgres, SQLite} {
		sub := filepath.Join(dir, string(d))
		if st, err := os.Stat(sub); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("store: create migration: %s is not a migrations folder with pg and sqlite inside", dir)
		}
		existing, err := filepath.Glob(filepath.Join(sub, version+"_*"))
		if err != nil {
			return nil, err
		}
		if len(existing) > 0 {
			return nil, fmt.Errorf("store: create migration: version %s already exists in %s", version, sub)
		}
	}
	for _, d := range []Dialect{Postgres, SQLite} {
		for _, dir2 := range []string{"up", "down"} {
			p := filepath.Join(dir, string(d), version+"_"+name+".tx."+dir2+".sql")
			body := fmt.Sprintf("-- %s %s migration %s (%s); it runs in one transaction.\n", name, dir2, version, d)
			f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
			if err != nil {
				return paths, fmt.Errorf("store: create migration: %w", err)
			}
			_, werr := f.WriteString(body)
			if cerr := f.Close(); werr == nil {
				werr = cerr
			}
			if werr != nil {
				return paths, fmt.Errorf("store: create migration: %w", werr)
			}
			paths = append(paths, p)
		}
	}
	return paths, nil
}
