package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"
	"modernc.org/sqlite"

	"github.com/lifeops/lifeops/lifeops"
)

// RestoreOptions tunes RestoreFrom. A nil *RestoreOptions means the
// defaults.
type RestoreOptions struct {
	// Replace restores into a store that holds data, replacing it: a
	// SQLite or pg_dump backup replaces the whole schema, a logical one
	// every person. Without it, such a restore is refused.
	Replace bool
	// PGRestore is the pg_restore program. Default: pg_restore, found on
	// PATH.
	PGRestore string
}

// NotEmptyError is returned by RestoreFrom when the target holds data
// and RestoreOptions.Replace is not set. It matches lifeops.ErrConflict.
type NotEmptyError struct {
	// Rows counts the rows of the tables that hold data, by table.
	Rows map[string]int64
}

// Error says how much data the target holds.
func (e *NotEmptyError) Error() string {
	var total int64
	for _, n := range e.Rows {
		total += n
	}
	return fmt.Sprintf("store: restore: the target holds data (%d rows in %d tables); restore into an empty store, or replace what it holds", total, len(e.Rows))
}

// Is reports that a NotEmptyError is a conflict (lifeops.ErrConflict).
func (e *NotEmptyError) Is(target error) bool { return target == lifeops.ErrConflict }

// RestoreFrom restores the backup at path (as BackupTo wrote it) into the
// store, and returns the backup's manifest (or, for a backup without one,
// what the file says of itself). When the manifest is there, the file must
// match its checksum. A store that holds data (rows in any table but the
// migration bookkeeping) is refused with a *NotEmptyError unless
// opts.Replace.
//
//   - A SQLite backup restores into a SQLite store only, through SQLite's
//     online backup: the file becomes the backup, page for page, while
//     other connections stay open.
//   - A pg_dump backup restores into a Postgres store opened with Open, in
//     a schema of the same name as the one dumped (pg_restore keeps schema
//     names), with pg_restore in one transaction; the tables of the
//     target are replaced by the dump's. Restart the programs that use the
//     store afterwards: their connections cache statements on the old
//     tables.
//   - A logical backup restores into either backend: the target is first
//     migrated to this build's schema, then every person is imported in
//     one transaction. Credentials need the target's key.
func (db *DB) RestoreFrom(ctx context.Context, path string, opts *RestoreOptions) (*Manifest, error) {
	var o RestoreOptions
	if opts != nil {
		o = *opts
	}
	if db.isClosed() {
		return nil, &Error{Op: "restore", Code: lifeops.CodeUnavailable, Err: ErrClosed}
	}
	path = strings.TrimSuffix(path, ManifestSuffix)
	m, err := ReadManifest(path)
	switch {
	case err == nil:
		if err := m.checkSum(); err != nil {
			return nil, &BackupError{Path: path, Reason: "does not match its manifest; it may be damaged", Err: err}
		}
	case errors.Is(err, os.ErrNotExist):
		// A backup without its manifest (copied alone, say) still
		// restores; what it is comes from its first bytes.
		method, err := detectMethod(path)
		if err != nil {
			return nil, err
		}
		m = &Manifest{Format: ManifestFormat, Version: ManifestVersion, File: filepath.Base(path), Method: method, dir: filepath.Dir(path)}
	default:
		return nil, err
	}
	counts, err := db.RowCounts(ctx)
	if err != nil {
		return nil, err
	}
	if HoldsData(counts) && !o.Replace {
		rows := map[string]int64{}
		for t, n := range counts {
			if n > 0 && t != migrationsTable && t != migrationLocksTable {
				rows[t] = n
			}
		}
		return nil, &NotEmptyError{Rows: rows}
	}
	switch m.Method {
	case BackupSQLite:
		if db.dialect != SQLite {
			return nil, &BackupError{Path: path, Reason: "is a SQLite backup, which restores into SQLite; to move its people to Postgres, copy them from the backup file (migrate copy -from BACKUP -to DSN)"}
		}
		err = db.restoreSQLite(ctx, m.Path())
	case BackupPGDump:
		if db.dialect != Postgres {
			return nil, &BackupError{Path: path, Reason: "is a pg_dump archive, which restores into Postgres"}
		}
		err = db.restorePGDump(ctx, m.Path(), cmpOr(o.PGRestore, "pg_restore"))
	case BackupLogical:
		if _, err := db.Migrate(ctx); err != nil {
			return nil, err
		}
		err = db.restoreLogical(ctx, m.Path(), o.Replace)
	}
	if err != nil {
		return nil, wrapErr("restore", err)
	}
	return m, nil
}

// detectMethod tells a backup's method from its first bytes.
func detectMethod(path string) (BackupMethod, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", &BackupError{Path: path, Reason: "cannot be read", Err: err}
	}
	defer f.Close()
	head := make([]byte, 64)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", &BackupError{Path: path, Reason: "cannot be read", Err: err}
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("SQLite format 3\x00")):
		return BackupSQLite, nil
	case bytes.HasPrefix(head, []byte("PGDMP")):
		return BackupPGDump, nil
	case bytes.HasPrefix(bytes.TrimLeft(head, " \t\r\n"), []byte(`{"format":"`+LogicalFormat+`"`)):
		return BackupLogical, nil
	}
	return "", &BackupError{Path: path, Reason: "is not a LifeOps backup (neither a SQLite file, a pg_dump archive nor a logical backup)"}
}

// sqliteRestorer is what modernc.org/sqlite's connection offers to copy a
// database file into it.
type sqliteRestorer interface {
	NewRestore(srcURI string) (*sqlite.Backup, error)
}

// restoreSQLite copies the backup file over the store's database with
// SQLite's online backup, which takes the database's write lock and
// replaces every page at once.
func (db *DB) restoreSQLite(ctx context.Context, path string) error {
	conn, err := db.bun.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	src := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: "mode=ro"}
	return conn.Raw(func(dc any) error {
		r, ok := dc.(sqliteRestorer)
		if !ok {
			return fmt.Errorf("the SQLite driver %T cannot restore a backup", dc)
		}
		b, err := r.NewRestore(src.String())
		if err != nil {
			return err
		}
		for {
			more, err := b.Step(1024)
			if err != nil {
				_ = b.Finish()
				return err
			}
			if !more {
				return b.Finish()
			}
			if err := ctx.Err(); err != nil {
				_ = b.Finish()
				return err
			}
		}
	})
}

// restorePGDump restores a pg_dump archive into the store's schema with
// pg_restore, in one transaction, after dropping the tables of the
// schema that the archive does not hold (pg_restore --clean drops those it
// does).
func (db *DB) restorePGDump(ctx context.Context, path, program string) error {
	if db.dsn == "" {
		return errors.New("pg_restore needs the DSN the store was opened with: open it with Open")
	}
	bin, err := findPGTool(program)
	if err != nil {
		return err
	}
	env, err := pgEnv(db.dsn, "")
	if err != nil {
		return err
	}
	cfg, err := pgx.ParseConfig(db.dsn)
	if err != nil {
		return err
	}
	tool := pgTool{path: bin, env: env}
	list, schema, tables, err := dumpContents(ctx, tool, path)
	if err != nil {
		return &BackupError{Path: path, Reason: "is not a readable pg_dump archive", Err: err}
	}
	var current sql.NullString
	if err := db.bun.QueryRowContext(ctx, "SELECT current_schema()").Scan(&current); err != nil {
		return err
	}
	if !current.Valid {
		return errNoSchema
	}
	if current.String != schema {
		return &BackupError{Path: path, Reason: fmt.Sprintf("holds schema %s and the store's schema is %s: pg_restore restores a schema under its own name, so restore into a database whose search_path names %s", schema, current.String, schema)}
	}
	return restoreDump(ctx, db, tool, cfg.Database, path, list, tables)
}

// restoreDump drops the tables of db's schema that the archive does not
// hold and runs pg_restore with the archive's list.
func restoreDump(ctx context.Context, db *DB, tool pgTool, database, path string, list []byte, tables []string) error {
	existing, err := db.tableNames(ctx, db.bun)
	if err != nil {
		return err
	}
	for _, t := range existing {
		if !slices.Contains(tables, t) {
			if _, err := db.bun.ExecContext(ctx, "DROP TABLE IF EXISTS ? CASCADE", bun.Ident(t)); err != nil {
				return err
			}
		}
	}
	dir, err := os.MkdirTemp("", "lifeops-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	listFile := filepath.Join(dir, "list")
	if err := os.WriteFile(listFile, list, 0o600); err != nil {
		return err
	}
	_, err = tool.run(ctx, "--use-list="+listFile, "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
		"--no-owner", "--no-privileges", "--dbname="+database, path)
	return err
}
