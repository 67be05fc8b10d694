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

	"github.com/lifeops/lifeops/lifeops"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"
)

// migrationFiles holds the schema of both dialects: migrations/pg and
// migrations/sqlite carry the same versions and names.
//
//go:embed migrations
var migrationFiles embed.FS

// migrationsTable and migrationLocksTable are bun/migrate's bookkeeping
// tables of the library's own migrations. The locks table is created by
// bun's Init but never used: the store serializes runs with its own lock
// instead (lockMigrations).
const (
	migrationsTable     = "bun_migrations"
	migrationLocksTable = "bun_migration_locks"
)

// Migration is one schema change and whether it has been applied.
type Migration struct {
	// Version is the 14-digit UTC timestamp that orders migrations.
	Version string
	// Name is the lowercase description after the version; empty for an
	// Unknown migration, whose files this build does not have.
	Name string
	// Group is the run that applied the migration; 0 when pending.
	Group int64
	// AppliedAt is when it was applied; zero when pending.
	AppliedAt time.Time
	// Unknown marks a migration the database lists as applied that this
	// build does not have: applied by a newer build, or its files removed.
	// It can be listed, never rolled back.
	Unknown bool
}

// Applied reports whether the migration has been applied.
func (m Migration) Applied() bool { return m.Group != 0 }

// String returns VERSION_NAME, or VERSION alone when the name is unknown.
func (m Migration) String() string {
	if m.Name == "" {
		return m.Version
	}
	return m.Version + "_" + m.Name
}

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

// UnknownVersionError reports a migration version the code does not have:
// a target that names no migration, or (Applied) one the database lists as
// applied, which cannot be rolled back without its files.
type UnknownVersionError struct {
	Version string
	// Applied is set when the database lists the version as applied.
	Applied bool
}

// Error names the version.
func (e *UnknownVersionError) Error() string {
	if e.Applied {
		return fmt.Sprintf("store: migration %s is applied in the database but this build does not have it; roll it back with the build that applied it", e.Version)
	}
	return fmt.Sprintf("store: no migration has version %q", e.Version)
}

// MissingTablesError is returned by Stamp when tables that the migrations
// up to Version create do not exist: marking them applied would leave the
// schema and its record disagreeing, and every later up or down failing.
type MissingTablesError struct {
	Version string
	// Tables lists the missing tables, sorted.
	Tables []string
}

// Error names the version and the missing tables.
func (e *MissingTablesError) Error() string {
	return fmt.Sprintf("store: cannot stamp %s: its migrations create tables that do not exist (%s); run up instead, or stamp with force if the schema was made another way",
		e.Version, strings.Join(e.Tables, ", "))
}

// MigrationSet is one set of migrations with its own bookkeeping table,
// run on a store's database: the library's own, which the DB's migration
// methods run, or a host service's, from DB.MigrationSet. Every set of one
// database (one Postgres schema, one SQLite file) takes the same
// migration lock, so no two runs of any sets overlap, across processes
// too.
type MigrationSet struct {
	db *DB
	// fsys holds a host's folders per dialect; nil for the library's.
	fsys  fs.FS
	table string
}

var migrationTableRE = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,56}$`)

// MigrationSet returns the migrations of a host service that keeps its own
// tables in the store's database, beside the library's. fsys holds one
// folder per dialect, pg and sqlite, laid out as the library's
// (VERSION_NAME.tx.up.sql and VERSION_NAME.tx.down.sql, VERSION a 14-digit
// UTC timestamp; CreateMigration writes such pairs); only the folder of the
// DB's dialect is read, and it may be the only one. table names the
// bookkeeping table that records which of them are applied (bun creates
// table_locks beside it); it must be a lowercase SQL name other than the
// library's bun_migrations. Migrate the library first: a host's tables may
// refer to the library's.
func (db *DB) MigrationSet(fsys fs.FS, table string) (*MigrationSet, error) {
	switch {
	case fsys == nil:
		return nil, errors.New("store: migration set: no files")
	case !migrationTableRE.MatchString(table):
		return nil, fmt.Errorf("store: migration set: table %q: want lowercase letters, digits and underscores", table)
	case table == migrationsTable || table == migrationLocksTable:
		return nil, fmt.Errorf("store: migration set: table %s is the library's own", table)
	}
	if st, err := fs.Stat(fsys, string(db.dialect)); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("store: migration set: no %s folder for this %s database", db.dialect, db.dialect)
	}
	return &MigrationSet{db: db, fsys: fsys, table: table}, nil
}

// LibraryMigrations returns the library's own migrations as a
// MigrationSet, the set the DB's migration methods run: for code that
// handles the library's set and a host's alike.
func (db *DB) LibraryMigrations() *MigrationSet { return db.own() }

// own is the library's migration set.
func (db *DB) own() *MigrationSet { return &MigrationSet{db: db, table: migrationsTable} }

// BookkeepingTables names the tables that record the set's state: the
// table of applied migrations and bun's locks table beside it.
func (s *MigrationSet) BookkeepingTables() []string {
	if s.fsys == nil {
		return []string{migrationsTable, migrationLocksTable}
	}
	return []string{s.table, s.table + "_locks"}
}

// Migrate applies every pending migration of the library, in version
// order, as one group. Each migration runs in its own transaction; one that
// fails is rolled back, left pending, and stops the run with an error. The
// run holds the migration lock (on Postgres a session advisory lock keyed
// by the current schema; on SQLite a lock file beside the database), so
// processes that start at once migrate exactly once: the others wait, then
// find nothing to do. It returns the migrations it applied.
func (db *DB) Migrate(ctx context.Context) ([]Migration, error) { return db.own().Migrate(ctx) }

// MigrateTo is Migrate restricted to the migrations whose version is at
// most version, which must be one the code has.
func (db *DB) MigrateTo(ctx context.Context, version string) ([]Migration, error) {
	return db.own().MigrateTo(ctx, version)
}

// Rollback undoes the most recent group of the library's migrations,
// newest first, and returns them. With nothing applied it returns an empty
// list. RollbackTo undoes to a named version instead.
func (db *DB) Rollback(ctx context.Context) ([]Migration, error) { return db.own().Rollback(ctx) }

// RollbackTo undoes every applied migration of the library newer than
// version, newest first, whatever group applied it, and returns them;
// version "0" undoes every one. Each down runs in its own transaction and
// is unmarked when it succeeded; the first that fails stops the run.
func (db *DB) RollbackTo(ctx context.Context, version string) ([]Migration, error) {
	return db.own().RollbackTo(ctx, version)
}

// MigrationStatus lists every migration of the library the code knows,
// oldest first, with its state in the database. It creates the
// bookkeeping table when missing and changes nothing else.
func (db *DB) MigrationStatus(ctx context.Context) ([]Migration, error) {
	return db.own().Status(ctx)
}

// MigrationHistory is MigrationStatus plus the migrations the database
// lists as applied that this build does not have (Unknown), in version
// order.
func (db *DB) MigrationHistory(ctx context.Context) ([]Migration, error) {
	return db.own().History(ctx)
}

// CheckMigrations returns a *PendingError when any migration of the
// library is pending, and nil when the schema is up to date.
func (db *DB) CheckMigrations(ctx context.Context) error { return db.own().Check(ctx) }

// StampOptions tunes Stamp. A nil *StampOptions means the defaults.
type StampOptions struct {
	// Force marks the migrations applied even when tables they create do
	// not exist.
	Force bool
}

// Stamp marks every pending migration of the library up to and including
// version as applied, in one new group and one transaction, without
// running it: for a database whose schema was made another way (a
// restore, say). It first checks that every table the migrations up to
// version leave behind exists, and returns a *MissingTablesError
// otherwise, unless opts.Force. It returns the migrations it marked.
func (db *DB) Stamp(ctx context.Context, version string, opts *StampOptions) ([]Migration, error) {
	return db.own().Stamp(ctx, version, opts)
}

// files returns the set's folder for the DB's dialect.
func (s *MigrationSet) files() (fs.FS, error) {
	if s.fsys != nil {
		return fs.Sub(s.fsys, string(s.db.dialect))
	}
	// Only that dialect's folder is given to Discover: the two folders
	// share versions, and one walk over both would let one silently
	// replace the other.
	var fsys fs.FS = migrationFiles
	if s.db.migrationFS != nil {
		fsys = s.db.migrationFS
	}
	return fs.Sub(fsys, "migrations/"+string(s.db.dialect))
}

func (s *MigrationSet) migrator(ms *migrate.Migrations) *migrate.Migrator {
	locks := migrationLocksTable
	if s.fsys != nil {
		locks = s.table + "_locks"
	}
	return migrate.NewMigrator(s.db.bun, ms,
		migrate.WithTableName(s.table),
		migrate.WithLocksTableName(locks),
		migrate.WithMarkAppliedOnSuccess(true),
	)
}

// run is one migration call: the set's files, a migrator over them whose
// tables exist, and the migration lock held for the whole of fn.
func (s *MigrationSet) run(ctx context.Context, op string, fn func(m *migrate.Migrator, files fs.FS) error) error {
	db := s.db
	if db.isClosed() {
		return &Error{Op: op, Code: lifeops.CodeUnavailable, Err: ErrClosed}
	}
	files, err := s.files()
	if err != nil {
		return err
	}
	ms := migrate.NewMigrations()
	if err := ms.Discover(files); err != nil {
		return fmt.Errorf("store: load migrations: %w", err)
	}
	m := s.migrator(ms)
	unlock, err := db.lockMigrations(ctx)
	if err != nil {
		return wrapErr(op, err)
	}
	defer unlock()
	if err := m.Init(ctx); err != nil {
		return wrapErr(op, err)
	}
	if err := fn(m, files); err != nil {
		var ue *UnknownVersionError
		var me *MissingTablesError
		if errors.As(err, &ue) || errors.As(err, &me) {
			return err
		}
		return wrapErr(op, err)
	}
	return nil
}

// Migrate applies every pending migration of the set, in version order,
// as one group, as DB.Migrate does for the library's.
func (s *MigrationSet) Migrate(ctx context.Context) ([]Migration, error) {
	return s.migrateTo(ctx, "")
}

// MigrateTo applies the pending migrations of the set whose version is at
// most version, as one group.
func (s *MigrationSet) MigrateTo(ctx context.Context, version string) ([]Migration, error) {
	if version == "" {
		return nil, &UnknownVersionError{}
	}
	return s.migrateTo(ctx, version)
}

func (s *MigrationSet) migrateTo(ctx context.Context, to string) ([]Migration, error) {
	var applied []Migration
	err := s.run(ctx, "migrate", func(m *migrate.Migrator, _ fs.FS) error {
		if to != "" {
			known, err := m.MigrationsWithStatus(ctx)
			if err != nil {
				return err
			}
			if !slices.ContainsFunc(known, func(x migrate.Migration) bool { return x.Name == to }) {
				return &UnknownVersionError{Version: to}
			}
			upTo := migrate.NewMigrations()
			for _, mg := range known {
				if mg.Name <= to {
					mg.ID, mg.GroupID, mg.MigratedAt = 0, 0, time.Time{}
					upTo.Add(mg)
				}
			}
			m = s.migrator(upTo)
		}
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

// Rollback undoes the most recent group of the set's migrations, newest
// first, and returns them.
func (s *MigrationSet) Rollback(ctx context.Context) ([]Migration, error) {
	var undone []Migration
	err := s.run(ctx, "rollback", func(m *migrate.Migrator, _ fs.FS) error {
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

// RollbackTo undoes every applied migration of the set newer than version
// ("0": every one), newest first, and returns them; see DB.RollbackTo.
func (s *MigrationSet) RollbackTo(ctx context.Context, version string) ([]Migration, error) {
	var undone []Migration
	err := s.run(ctx, "rollback", func(m *migrate.Migrator, _ fs.FS) error {
		history, err := history(ctx, m)
		if err != nil {
			return err
		}
		plan, err := RollbackPlan(history, version)
		if err != nil {
			return err
		}
		known, err := m.MigrationsWithStatus(ctx)
		if err != nil {
			return err
		}
		for _, p := range plan {
			i := slices.IndexFunc(known, func(x migrate.Migration) bool { return x.Name == p.Version })
			if i < 0 {
				return &UnknownVersionError{Version: p.Version, Applied: true}
			}
			mg := known[i]
			if mg.Down != nil {
				if err := mg.Down(ctx, m, &mg); err != nil {
					return fmt.Errorf("%s: down: %w", mg.Name, err)
				}
			}
			if err := m.MarkUnapplied(ctx, &mg); err != nil {
				return err
			}
			undone = append(undone, p)
		}
		return nil
	})
	return undone, err
}

// Status lists every migration of the set the code knows, oldest first,
// with its state in the database.
func (s *MigrationSet) Status(ctx context.Context) ([]Migration, error) {
	var out []Migration
	err := s.run(ctx, "migration status", func(m *migrate.Migrator, _ fs.FS) error {
		ms, err := m.MigrationsWithStatus(ctx)
		out = fromBun(ms)
		return err
	})
	return out, err
}

// History is Status plus the migrations the database lists as applied
// that the set does not have (Unknown), in version order.
func (s *MigrationSet) History(ctx context.Context) ([]Migration, error) {
	var out []Migration
	err := s.run(ctx, "migration history", func(m *migrate.Migrator, _ fs.FS) error {
		var err error
		out, err = history(ctx, m)
		return err
	})
	return out, err
}

// Check returns a *PendingError when any migration of the set is
// pending.
func (s *MigrationSet) Check(ctx context.Context) error {
	ms, err := s.Status(ctx)
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

// Stamp marks the set's pending migrations up to version applied without
// running them, after checking their tables exist; see DB.Stamp.
func (s *MigrationSet) Stamp(ctx context.Context, version string, opts *StampOptions) ([]Migration, error) {
	var marked []Migration
	err := s.run(ctx, "stamp", func(m *migrate.Migrator, files fs.FS) error {
		history, err := history(ctx, m)
		if err != nil {
			return err
		}
		plan, err := StampPlan(history, version)
		if err != nil || len(plan) == 0 {
			return err
		}
		if opts == nil || !opts.Force {
			want, err := tablesAfter(files, version)
			if err != nil {
				return err
			}
			have, err := s.db.tableNames(ctx, s.db.bun)
			if err != nil {
				return err
			}
			var missing []string
			for _, t := range want {
				if !slices.ContainsFunc(have, func(h string) bool { return strings.EqualFold(h, t) }) {
					missing = append(missing, t)
				}
			}
			if len(missing) > 0 {
				return &MissingTablesError{Version: version, Tables: missing}
			}
		}
		ms, err := m.MigrationsWithStatus(ctx)
		if err != nil {
			return err
		}
		group, now := ms.LastGroupID()+1, time.Now()
		var todo migrate.MigrationSlice
		for _, mg := range ms {
			if slices.ContainsFunc(plan, func(p Migration) bool { return p.Version == mg.Name }) {
				mg.GroupID, mg.MigratedAt = group, now
				todo = append(todo, mg)
			}
		}
		// What Migrator.MarkApplied writes, for all of them at once.
		if _, err := s.db.bun.NewInsert().Model(&todo).ModelTableExpr(s.table).Exec(ctx); err != nil {
			return err
		}
		marked = fromBun(todo)
		return nil
	})
	return marked, err
}

// history lists the known migrations with their state and the applied
// ones the code does not know, in version order.
func history(ctx context.Context, m *migrate.Migrator) ([]Migration, error) {
	known, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, err
	}
	applied, err := m.AppliedMigrations(ctx)
	if err != nil {
		return nil, err
	}
	out := fromBun(known)
	for _, a := range applied {
		if !slices.ContainsFunc(known, func(k migrate.Migration) bool { return k.Name == a.Name }) {
			out = append(out, Migration{Version: a.Name, Group: a.GroupID, AppliedAt: a.MigratedAt, Unknown: true})
		}
	}
	slices.SortStableFunc(out, func(a, b Migration) int { return strings.Compare(a.Version, b.Version) })
	return out, nil
}

// RollbackPlan returns what rolling back to version does given a history
// (MigrationHistory): every applied migration newer than version, newest
// first. version must be a known migration's or "0", which undoes all.
// An Unknown migration in the plan makes it fail with an
// *UnknownVersionError, as it cannot be undone.
func RollbackPlan(history []Migration, version string) ([]Migration, error) {
	if version != "0" && !slices.ContainsFunc(history, func(m Migration) bool { return m.Version == version && !m.Unknown }) {
		return nil, &UnknownVersionError{Version: version}
	}
	var plan []Migration
	for _, m := range history {
		if m.Applied() && m.Version > version {
			if m.Unknown {
				return nil, &UnknownVersionError{Version: m.Version, Applied: true}
			}
			plan = append(plan, m)
		}
	}
	slices.SortFunc(plan, func(a, b Migration) int { return strings.Compare(b.Version, a.Version) })
	return plan, nil
}

// StampPlan returns what stamping version marks given a history: every
// pending known migration up to and including version, oldest first.
func StampPlan(history []Migration, version string) ([]Migration, error) {
	if !slices.ContainsFunc(history, func(m Migration) bool { return m.Version == version && !m.Unknown }) {
		return nil, &UnknownVersionError{Version: version}
	}
	var plan []Migration
	for _, m := range history {
		if !m.Applied() && !m.Unknown && m.Version <= version {
			plan = append(plan, m)
		}
	}
	return plan, nil
}

// CurrentMigration returns the applied migration of highest version in a
// history, and false when none is applied.
func CurrentMigration(history []Migration) (Migration, bool) {
	var cur Migration
	for _, m := range history {
		if m.Applied() && m.Version > cur.Version {
			cur = m
		}
	}
	return cur, cur.Version != ""
}

// keepIf returns those of ms that the database now lists as applied (or,
// with applied false, as pending), to report what a run that failed
// part-way did. Should the state be unreadable, it returns none: a report
// may say too little, never too much.
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

// sqlTableRE finds the statements that create, drop and rename tables in
// migration SQL whose comments are removed.
var sqlTableRE = regexp.MustCompile(`(?is)\bCREATE\s+(?:(?:GLOBAL|LOCAL)\s+)?(TEMP\s+|TEMPORARY\s+|UNLOGGED\s+|VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(` + sqlName + `)` +
	`|\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?(` + sqlName + `(?:\s*,\s*` + sqlName + `)*)` +
	`|\bALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(` + sqlName + `)\s+RENAME\s+TO\s+(` + sqlName + `)`)

// sqlName matches a table name, quoted or not, schema-qualified or not.
const sqlName = `(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*))?`

var sqlCommentRE = regexp.MustCompile(`(?s)--[^\n]*|/\*.*?\*/`)

// tablesAfter returns the tables that the up files of files up to and
// including version leave behind, sorted: those their CREATE TABLE, DROP
// TABLE and ALTER TABLE … RENAME TO statements name, played in order.
// Temporary tables are left out.
func tablesAfter(files fs.FS, version string) ([]string, error) {
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		return nil, err
	}
	tables := map[string]bool{}
	for _, e := range entries { // ReadDir sorts by name, so by version
		v, _, _ := strings.Cut(e.Name(), "_")
		if e.IsDir() || v > version || !strings.HasSuffix(e.Name(), ".up.sql") {
			continue
		}
		data, err := fs.ReadFile(files, e.Name())
		if err != nil {
			return nil, err
		}
		text := sqlCommentRE.ReplaceAllString(string(data), " ")
		for _, m := range sqlTableRE.FindAllStringSubmatch(text, -1) {
			switch {
			case m[2] != "":
				if !strings.Contains(strings.ToUpper(m[1]), "TEMP") {
					tables[unquoteName(m[2])] = true
				}
			case m[3] != "":
				for _, n := range splitNames(m[3]) {
					delete(tables, unquoteName(n))
				}
			case m[4] != "":
				delete(tables, unquoteName(m[4]))
				tables[unquoteName(m[5])] = true
			}
		}
	}
	out := make([]string, 0, len(tables))
	for t := range tables {
		out = append(out, t)
	}
	slices.Sort(out)
	return out, nil
}

var (
	sqlNameRE  = regexp.MustCompile(sqlName)
	namePartRE = regexp.MustCompile(`"(?:[^"]|"")+"|[^."\s]+`)
)

func splitNames(list string) []string { return sqlNameRE.FindAllString(list, -1) }

// unquoteName returns the table part of a possibly qualified name,
// unquoted, and lowercased when it was not quoted.
func unquoteName(name string) string {
	parts := namePartRE.FindAllString(name, -1)
	last := parts[len(parts)-1]
	if strings.HasPrefix(last, `"`) {
		return strings.ReplaceAll(last[1:len(last)-1], `""`, `"`)
	}
	return strings.ToLower(last)
}

var migrationNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// CreateMigration writes an empty pair of transactional migration files
// (VERSION_NAME.tx.up.sql and .tx.down.sql) into each dialect folder, pg
// and sqlite, that dir holds; there must be at least one. dir is the
// caller's: a host's own migrations folder (see DB.MigrationSet), or, to
// change the library itself, store/migrations in its source checkout,
// which a build embeds. VERSION is now in UTC as YYYYMMDDhhmmss. It
// returns the paths it wrote and refuses to overwrite anything.
func CreateMigration(dir, name string, now time.Time) ([]string, error) {
	if !migrationNameRE.MatchString(name) {
		return nil, fmt.Errorf("store: migration name %q: want lowercase letters, digits and underscores, starting with a letter", name)
	}
	version := now.UTC().Format("20060102150405")
	var dialects []Dialect
	for _, d := range []Dialect{Postgres, SQLite} {
		sub := filepath.Join(dir, string(d))
		if st, err := os.Stat(sub); err != nil || !st.IsDir() {
			continue
		}
		dialects = append(dialects, d)
		existing, err := filepath.Glob(filepath.Join(sub, version+"_*"))
		if err != nil {
			return nil, err
		}
		if len(existing) > 0 {
			return nil, fmt.Errorf("store: create migration: version %s already exists in %s", version, sub)
		}
	}
	if len(dialects) == 0 {
		return nil, fmt.Errorf("store: create migration: %s is not a migrations folder: it holds neither pg nor sqlite", dir)
	}
	var paths []string
	for _, d := range dialects {
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
