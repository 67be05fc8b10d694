package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"modernc.org/sqlite"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/store/internal/pgdsn"
)

// Dialect names the database family a DB talks to.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "pg"
	SQLite   Dialect = "sqlite"
)

// Options configures a DB. A nil *Options means every default.
type Options struct {
	// Logger receives the store's own log lines (migrations, retries).
	// Default: a logger that discards everything.
	Logger *slog.Logger

	// Keys encrypts and decrypts credentials at rest. Default: none, in
	// which case storing or reading an Oura token fails with ErrNoKey.
	Keys *Keyring

	// BusyTimeout is how long a SQLite connection waits for a lock held by
	// another connection before failing. Default: 5s. Ignored on Postgres.
	BusyTimeout time.Duration

	// MaxOpenConns caps the pool that Open creates. Default: 10 on
	// Postgres, 4 on SQLite. Ignored by OpenDB and OpenBun, whose pool
	// belongs to the caller.
	MaxOpenConns int

	// Retries is how many times an idempotent operation is retried after a
	// serialization failure, deadlock or lock timeout. Default: 5. A
	// negative value disables retries.
	Retries int

	// Dialect says which database an *sql.DB given to OpenDB talks to when
	// its driver is neither pgx nor modernc.org/sqlite. Default: detected
	// from the driver.
	Dialect Dialect
}

func (o *Options) withDefaults() Options {
	var out Options
	if o != nil {
		out = *o
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	if out.BusyTimeout <= 0 {
		out.BusyTimeout = 5 * time.Second
	}
	switch {
	case out.Retries == 0:
		out.Retries = 5
	case out.Retries < 0:
		out.Retries = 0
	}
	return out
}

// DB is a LifeOps store on Postgres or SQLite. It is safe for concurrent
// use. Close it when done.
type DB struct {
	bun     *bun.DB
	dialect Dialect
	opts    Options
	owned   bool // Close closes the pool only when Open created it
	closed  atomic.Bool

	// tx and conn are set on the DB that InTx hands to its function: every
	// query runs in tx, on conn.
	tx   *bun.Tx
	conn *bun.Conn
	// unit is the person whose unit of work tx is (see Update), or zero.
	unit uuid.UUID

	// migrationFS replaces the embedded migrations, in tests.
	migrationFS fs.FS

	// migrateMu serializes migration runs of this DB (a one-slot
	// semaphore, so waiting honours the context).
	migrateMu chan struct{}

	// dsn is the Postgres DSN Open was given, for the programs a backup
	// runs (pg_dump), which connect on their own; empty otherwise.
	dsn string
}

// Open opens the store named by dsn without migrating it:
//
//   - postgres://… or postgresql://…, or libpq's keyword/value form
//     (host=… dbname=…), opens PostgreSQL through pgx;
//   - file:… or any other string, taken as a file path, opens SQLite with
//     WAL journaling, foreign keys enforced and a busy timeout.
//
// Open checks that the database answers before it returns. Run Migrate
// before the first use of a new database.
func Open(ctx context.Context, dsn string, opts *Options) (*DB, error) {
	o := opts.withDefaults()
	switch kind, err := dsnKind(dsn); {
	case err != nil:
		return nil, err
	case kind == Postgres:
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("store: open: %w", &DSNError{DSN: pgdsn.Redact(dsn), Err: err})
		}
		// Bun writes strings as standard SQL literals, in which a backslash
		// is an ordinary character: every session must say so, whatever
		// the server, role or DSN sets.
		sqldb := stdlib.OpenDB(*cfg, stdlib.OptionAfterConnect(func(ctx context.Context, c *pgx.Conn) error {
			_, err := c.Exec(ctx, "SET standard_conforming_strings = on")
			return err
		}))
		max := o.MaxOpenConns
		if max <= 0 {
			max = 10
		}
		sqldb.SetMaxOpenConns(max)
		sqldb.SetMaxIdleConns(max)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		db, err := finishOpen(ctx, bun.NewDB(sqldb, pgdialect.New()), Postgres, o, true)
		if err != nil {
			return nil, err
		}
		db.dsn = dsn
		return db, nil
	default:
		name, err := sqliteDSN(dsn, o.BusyTimeout)
		if err != nil {
			return nil, err
		}
		sqldb, err := sql.Open("sqlite", name)
		if err != nil {
			return nil, fmt.Errorf("store: open: %w", err)
		}
		max := o.MaxOpenConns
		if max <= 0 {
			max = 4
		}
		sqldb.SetMaxOpenConns(max)
		sqldb.SetMaxIdleConns(max)
		if err := openSQLitePool(ctx, sqldb, o.BusyTimeout); err != nil {
			_ = sqldb.Close()
			return nil, wrapErr("open", err)
		}
		return finishOpen(ctx, bun.NewDB(sqldb, sqlitedialect.New()), SQLite, o, true)
	}
}

// OpenDB wraps a pool the caller already has. The dialect is taken from the
// driver (pgx's stdlib or modernc.org/sqlite) or from opts.Dialect. Close
// on the returned DB leaves sqldb open: it belongs to the caller. A SQLite
// pool must have foreign keys on (_pragma=foreign_keys(1) in its DSN), or
// OpenDB refuses it: cascades and ownership checks depend on them. A
// Postgres pool must keep standard_conforming_strings on (the default),
// or OpenDB refuses it: the store's string literals depend on it.
func OpenDB(ctx context.Context, sqldb *sql.DB, opts *Options) (*DB, error) {
	if sqldb == nil {
		return nil, errors.New("store: open: nil *sql.DB")
	}
	o := opts.withDefaults()
	d := o.Dialect
	if d == "" {
		switch sqldb.Driver().(type) {
		case *stdlib.Driver:
			d = Postgres
		case *sqlite.Driver:
			d = SQLite
		default:
			return nil, fmt.Errorf("store: open: cannot tell the dialect of driver %T: set Options.Dialect", sqldb.Driver())
		}
	}
	switch d {
	case Postgres:
		return finishOpen(ctx, bun.NewDB(sqldb, pgdialect.New()), Postgres, o, false)
	case SQLite:
		return finishOpen(ctx, bun.NewDB(sqldb, sqlitedialect.New()), SQLite, o, false)
	default:
		return nil, fmt.Errorf("store: open: unknown dialect %q", d)
	}
}

// OpenBun wraps a *bun.DB the caller already has, on pgdialect or
// sqlitedialect. Close on the returned DB leaves db open. As with OpenDB,
// a SQLite pool must have foreign keys on and a Postgres pool
// standard_conforming_strings.
func OpenBun(ctx context.Context, db *bun.DB, opts *Options) (*DB, error) {
	if db == nil {
		return nil, errors.New("store: open: nil *bun.DB")
	}
	o := opts.withDefaults()
	switch db.Dialect().Name() {
	case dialect.PG:
		return finishOpen(ctx, db, Postgres, o, false)
	case dialect.SQLite:
		return finishOpen(ctx, db, SQLite, o, false)
	default:
		return nil, fmt.Errorf("store: open: unsupported bun dialect %s", db.Dialect().Name())
	}
}

func finishOpen(ctx context.Context, db *bun.DB, d Dialect, o Options, owned bool) (*DB, error) {
	if err := db.PingContext(ctx); err != nil {
		if owned {
			_ = db.Close()
		}
		return nil, wrapErr("open", err)
	}
	if d == Postgres {
		// Bun writes strings as standard SQL literals; with this setting
		// off, Postgres would read a backslash in one as an escape, which
		// changes the text or ends the literal early.
		var on string
		if err := db.QueryRowContext(ctx, "SHOW standard_conforming_strings").Scan(&on); err != nil || on != "on" {
			if owned {
				_ = db.Close()
			}
			if err == nil {
				err = errors.New("standard_conforming_strings is off: turn it on for the pool's sessions (it is on by default)")
			}
			return nil, &Error{Op: "open", Code: lifeops.CodeInvalid, Err: err}
		}
	}
	if d == SQLite {
		// Cascades and ownership checks rest on foreign keys, which SQLite
		// leaves off unless each connection turns them on.
		var on int
		if err := db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&on); err != nil || on != 1 {
			if owned {
				_ = db.Close()
			}
			if err == nil {
				err = errors.New("foreign keys are off: open the pool with _pragma=foreign_keys(1) in its DSN")
			}
			return nil, &Error{Op: "open", Code: lifeops.CodeInvalid, Err: err}
		}
	}
	return &DB{bun: db, dialect: d, opts: o, owned: owned, migrateMu: make(chan struct{}, 1)}, nil
}

// Close releases the pool when Open created it. For a DB made by OpenDB or
// OpenBun it does nothing: the pool belongs to the caller.
func (db *DB) Close() error {
	if db.closed.Swap(true) || !db.owned {
		return nil
	}
	return db.bun.Close()
}

func (db *DB) isClosed() bool { return db.closed.Load() }

// Bun returns the underlying *bun.DB, for queries the store does not offer.
func (db *DB) Bun() *bun.DB { return db.bun }

// Dialect reports which database the DB talks to.
func (db *DB) Dialect() Dialect { return db.dialect }

// DSNError reports a data source name that cannot be used. DSN has its
// password removed.
type DSNError struct {
	DSN string
	Err error
}

// Error shows the DSN, password removed, and why it cannot be used.
func (e *DSNError) Error() string { return fmt.Sprintf("bad DSN %q: %v", e.DSN, e.Err) }

// Unwrap returns the underlying parse error.
func (e *DSNError) Unwrap() error { return e.Err }

// dsnKind tells a Postgres URL or key-value string from a SQLite file name.
func dsnKind(dsn string) (Dialect, error) {
	s := strings.TrimSpace(dsn)
	switch {
	case s == "":
		return "", fmt.Errorf("store: open: %w", &DSNError{Err: errors.New("empty")})
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"), pgdsn.KeywordValue(s):
		return Postgres, nil
	case strings.Contains(s, "://") && !strings.HasPrefix(s, "file:"):
		u, _ := url.Parse(s)
		scheme := "?"
		if u != nil {
			scheme = u.Scheme
		}
		return "", fmt.Errorf("store: open: %w", &DSNError{DSN: pgdsn.Redact(s), Err: fmt.Errorf("unsupported scheme %q: want postgres://, file: or a file path", scheme)})
	default:
		return SQLite, nil
	}
}

// sqliteDSN turns a file path or file: URL into a modernc.org/sqlite name
// with WAL, foreign keys, a busy timeout and immediate write transactions.
func sqliteDSN(dsn string, busy time.Duration) (string, error) {
	var u *url.URL
	if strings.HasPrefix(dsn, "file:") {
		var err error
		u, err = url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("store: open: %w", &DSNError{DSN: dsn, Err: err})
		}
	} else {
		u = &url.URL{Scheme: "file", Opaque: (&url.URL{Path: dsn}).EscapedPath()}
	}
	q := u.Query()
	q.Set("_pragma", "foreign_keys(1)")
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	if q.Get("mode") != "memory" {
		q.Add("_pragma", "journal_mode(WAL)")
	}
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// DB implements every store port of the core.
var (
	_ lifeops.Store            = (*DB)(nil)
	_ lifeops.ItemStore        = (*DB)(nil)
	_ lifeops.UserStore        = (*DB)(nil)
	_ lifeops.HealthStore      = (*DB)(nil)
	_ lifeops.HeartRateStore   = (*DB)(nil)
	_ lifeops.SyncStateStore   = (*DB)(nil)
	_ lifeops.WorkStore        = (*DB)(nil)
	_ lifeops.ScoreStore       = (*DB)(nil)
	_ lifeops.XPStore          = (*DB)(nil)
	_ lifeops.AchievementStore = (*DB)(nil)
	_ lifeops.EventStore       = (*DB)(nil)
	_ lifeops.CredentialStore  = (*DB)(nil)
	_ lifeops.ZoneStore        = (*DB)(nil)
	_ lifeops.AccessStore      = (*DB)(nil)
)
