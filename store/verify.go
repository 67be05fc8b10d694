package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/lifeops/lifeops/lifeops"
)

// VerifyOptions tunes VerifyBackup. A nil *VerifyOptions means the
// defaults.
type VerifyOptions struct {
	// Postgres is the DSN of a Postgres server on which VerifyBackup
	// creates a scratch database to restore a pg_dump backup into, and
	// drops it after; its role needs CREATEDB. Required for pg_dump
	// backups, unused for the others, which restore into a scratch SQLite
	// file.
	Postgres string
	// PGRestore is the pg_restore program. Default: pg_restore, found on
	// PATH.
	PGRestore string
}

// Check is one finding of VerifyBackup.
type Check struct {
	// Name is manifest, checksum, restore, schema version or row counts.
	Name string `json:"name"`
	OK   bool   `json:"ok"`
	// Detail says what was found.
	Detail string `json:"detail"`
}

// VerifyReport is what VerifyBackup found.
type VerifyReport struct {
	// Path is the backup file.
	Path string `json:"path"`
	// Method is the backup's, from its manifest or its first bytes.
	Method BackupMethod `json:"method"`
	// Manifest is the backup's manifest; nil when it could not be read.
	Manifest *Manifest `json:"manifest"`
	Checks   []Check   `json:"checks"`
}

// OK reports whether every check passed.
func (r *VerifyReport) OK() bool {
	return !slices.ContainsFunc(r.Checks, func(c Check) bool { return !c.OK })
}

func (r *VerifyReport) add(name string, ok bool, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, OK: ok, Detail: fmt.Sprintf(format, args...)})
}

// VerifyError is returned by VerifyBackup when a check failed. It
// matches lifeops.ErrInvalid.
type VerifyError struct {
	Report *VerifyReport
}

// Error names the backup and every failed check.
func (e *VerifyError) Error() string {
	var failed []string
	for _, c := range e.Report.Checks {
		if !c.OK {
			failed = append(failed, c.Name+": "+c.Detail)
		}
	}
	return "store: backup " + e.Report.Path + " failed verification: " + strings.Join(failed, "; ")
}

// Is reports that a VerifyError is invalid input (lifeops.ErrInvalid).
func (e *VerifyError) Is(target error) bool { return target == lifeops.ErrInvalid }

// restored is what a restore into a scratch store holds.
type restored struct {
	tables     map[string]int64
	migrations []string
	dialect    Dialect
}

// VerifyBackup checks the backup at path (the backup file or its
// manifest) without touching any store in use:
//
//   - manifest: it is there and readable;
//   - checksum: the file has the manifest's size and SHA-256;
//   - restore: it restores into a scratch copy — a SQLite backup into a
//     temporary file that must pass PRAGMA integrity_check and
//     foreign_key_check, a pg_dump archive into a scratch database on
//     opts.Postgres with pg_restore in one transaction, a logical backup
//     into a temporary SQLite store, every document imported;
//   - schema version: every migration the backup records as applied is one
//     this build knows, and the newest is the manifest's;
//   - row counts: every table holds the rows the manifest counted at
//     backup time (for a logical backup, the tables it carries).
//
// Every check runs that can; the report lists them all. The error is a
// *VerifyError when a check failed, or another error when the
// verification itself could not run (no scratch space, say).
func VerifyBackup(ctx context.Context, path string, opts *VerifyOptions) (*VerifyReport, error) {
	var o VerifyOptions
	if opts != nil {
		o = *opts
	}
	path = strings.TrimSuffix(path, ManifestSuffix)
	r := &VerifyReport{Path: path}
	m, err := ReadManifest(path)
	if err != nil {
		r.add("manifest", false, "%v", err)
	} else {
		r.Manifest = m
		r.Method = m.Method
		r.add("manifest", true, "%s backup of %s taken %s at schema version %s", m.Method, m.Dialect, m.CreatedAt.Format(time.RFC3339), m.SchemaVersion)
		if err := m.checkSum(); err != nil {
			r.add("checksum", false, "%v", err)
		} else {
			r.add("checksum", true, "%d bytes, SHA-256 %s", m.Size, m.SHA256)
		}
	}
	if r.Method == "" {
		if r.Method, err = detectMethod(path); err != nil {
			r.add("restore", false, "%v", err)
			return r, &VerifyError{Report: r}
		}
	}

	var got *restored
	switch r.Method {
	case BackupSQLite:
		got, err = verifySQLite(ctx, path)
		if err == nil {
			r.add("restore", true, "copied to a scratch file: integrity_check ok, no foreign key violations")
		}
	case BackupPGDump:
		if o.Postgres == "" {
			return r, errors.New("store: verify: a pg_dump backup restores into a scratch database: give a Postgres server (VerifyOptions.Postgres)")
		}
		got, err = verifyPGDump(ctx, path, o)
		if err == nil {
			r.add("restore", true, "pg_restore into a scratch database succeeded in one transaction")
		}
	case BackupLogical:
		got, err = verifyLogical(ctx, path)
		if err == nil {
			r.add("restore", true, "every document imported into a scratch SQLite store")
		}
	}
	var setup *setupError
	switch {
	case errors.As(err, &setup):
		return r, setup.err
	case err != nil:
		r.add("restore", false, "%v", err)
		r.add("schema version", false, "not checked: the backup did not restore")
		r.add("row counts", false, "not checked: the backup did not restore")
		return r, &VerifyError{Report: r}
	}
	r.checkVersion(got, m)
	r.checkCounts(got, m)
	if !r.OK() {
		return r, &VerifyError{Report: r}
	}
	return r, nil
}

// setupError is a failure to prepare the scratch space, which says
// nothing about the backup.
type setupError struct{ err error }

func (e *setupError) Error() string { return e.err.Error() }

// checkVersion checks the restored migration record against this build
// and the manifest.
func (r *VerifyReport) checkVersion(got *restored, m *Manifest) {
	known, err := knownVersions(got.dialect)
	if err != nil {
		r.add("schema version", false, "%v", err)
		return
	}
	var unknown []string
	for _, v := range got.migrations {
		if !slices.Contains(known, v) {
			unknown = append(unknown, v)
		}
	}
	current := lastOf(got.migrations)
	switch {
	case len(got.migrations) == 0:
		r.add("schema version", false, "the backup records no applied migration")
	case len(unknown) > 0:
		r.add("schema version", false, "the backup records migrations this build does not know: %s (a backup from a newer build?)", strings.Join(unknown, ", "))
	case m != nil && current != m.SchemaVersion:
		r.add("schema version", false, "the backup is at %s, its manifest says %s", current, m.SchemaVersion)
	case m != nil && !slices.Equal(got.migrations, m.Migrations):
		r.add("schema version", false, "the backup records migrations %v, its manifest %v", got.migrations, m.Migrations)
	default:
		pending := 0
		for _, v := range known {
			if !slices.Contains(got.migrations, v) {
				pending++
			}
		}
		r.add("schema version", true, "%s, known to this build (%d newer pending)", current, pending)
	}
}

// checkCounts compares the restored row counts with the manifest's.
func (r *VerifyReport) checkCounts(got *restored, m *Manifest) {
	if m == nil {
		r.add("row counts", false, "no manifest to compare with")
		return
	}
	var diffs []string
	compared := 0
	for _, t := range slices.Sorted(maps.Keys(m.Tables)) {
		if _, omitted := m.Omitted[t]; omitted {
			continue
		}
		compared++
		if n, ok := got.tables[t]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s missing (manifest: %d rows)", t, m.Tables[t]))
		} else if n != m.Tables[t] {
			diffs = append(diffs, fmt.Sprintf("%s has %d rows, manifest %d", t, n, m.Tables[t]))
		}
	}
	if r.Method != BackupLogical {
		for _, t := range slices.Sorted(maps.Keys(got.tables)) {
			if _, ok := m.Tables[t]; !ok {
				diffs = append(diffs, fmt.Sprintf("%s is not in the manifest", t))
			}
		}
	}
	if len(diffs) > 0 {
		r.add("row counts", false, "%s", strings.Join(diffs, "; "))
		return
	}
	var total int64
	for t, n := range got.tables {
		if _, omitted := m.Omitted[t]; !omitted {
			total += n
		}
	}
	detail := fmt.Sprintf("%d tables, %d rows, as the manifest counted", compared, total)
	if len(m.Omitted) > 0 {
		detail += fmt.Sprintf("; not carried by this backup: %s", strings.Join(slices.Sorted(maps.Keys(m.Omitted)), ", "))
	}
	r.add("row counts", true, "%s", detail)
}

// knownVersions lists the versions of the library's migrations for d.
func knownVersions(d Dialect) ([]string, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations/"+string(d))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if v, _, ok := strings.Cut(e.Name(), "_"); ok && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out, nil
}

// scratchDir makes a temporary folder for a verification.
func scratchDir() (string, error) {
	dir, err := os.MkdirTemp("", "lifeops-verify-")
	if err != nil {
		return "", &setupError{err: fmt.Errorf("store: verify: scratch folder: %w", err)}
	}
	return dir, nil
}

// verifySQLite copies the backup to a scratch file and checks it there.
func verifySQLite(ctx context.Context, path string) (*restored, error) {
	dir, err := scratchDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	scratch := filepath.Join(dir, "restore.db")
	if err := copyFile(path, scratch); err != nil {
		return nil, err
	}
	db, err := openSQLiteFile(ctx, scratch, false)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	var problems []string
	if err := db.bun.NewRaw("PRAGMA integrity_check(20)").Scan(ctx, &problems); err != nil {
		return nil, fmt.Errorf("integrity_check: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return nil, fmt.Errorf("integrity_check: %s", strings.Join(problems, "; "))
	}
	rows, err := db.bun.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return nil, fmt.Errorf("foreign_key_check: %w", err)
	}
	violations := 0
	for rows.Next() {
		violations++
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return nil, fmt.Errorf("foreign_key_check: %w", err)
	}
	if violations > 0 {
		return nil, fmt.Errorf("foreign_key_check: %d rows refer to rows that do not exist", violations)
	}
	return describe(ctx, db)
}

// describe reads the row counts and migration record of a scratch store.
func describe(ctx context.Context, db *DB) (*restored, error) {
	tables, err := db.rowCounts(ctx, db.bun)
	if err != nil {
		return nil, err
	}
	migrations, err := appliedMigrations(ctx, db, db.bun)
	if err != nil {
		return nil, err
	}
	return &restored{tables: tables, migrations: migrations, dialect: db.dialect}, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// verifyLogical imports a logical backup into a scratch SQLite store.
// The scratch store seals credentials with a key of its own, thrown away
// with it.
func verifyLogical(ctx context.Context, path string) (*restored, error) {
	dir, err := scratchDir()
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	secret := make([]byte, KeySize)
	if _, err := rand.Read(secret); err != nil {
		return nil, &setupError{err: err}
	}
	keys, err := NewKeyring(Key{ID: "verify", Secret: lifeops.NewSecret(string(secret))})
	if err != nil {
		return nil, &setupError{err: err}
	}
	db, err := Open(ctx, filepath.Join(dir, "restore.db"), &Options{Keys: keys})
	if err != nil {
		return nil, &setupError{err: err}
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		return nil, &setupError{err: err}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lr, err := newLogicalReader(f)
	if err != nil {
		return nil, err
	}
	if err := db.restoreLogical(ctx, path, false); err != nil {
		return nil, err
	}
	tables, err := db.rowCounts(ctx, db.bun)
	if err != nil {
		return nil, err
	}
	return &restored{tables: tables, migrations: lr.header.Migrations, dialect: lr.header.Dialect}, nil
}

// verifyPGDump restores a pg_dump archive into a scratch database made on
// o.Postgres, reads it and drops it.
func verifyPGDump(ctx context.Context, path string, o VerifyOptions) (*restored, error) {
	bin, err := findPGTool(cmpOr(o.PGRestore, "pg_restore"))
	if err != nil {
		return nil, &setupError{err: err}
	}
	list, schema, tables, err := dumpContents(ctx, pgTool{path: bin, env: os.Environ()}, path)
	if err != nil {
		return nil, err
	}
	cfg, err := pgx.ParseConfig(o.Postgres)
	if err != nil {
		return nil, &setupError{err: err}
	}
	admin := stdlib.OpenDB(*cfg)
	defer admin.Close()
	name := scratchName("lifeops_verify_")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return nil, &setupError{err: fmt.Errorf("store: verify: create a scratch database (the role needs CREATEDB): %w", err)}
	}
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(dctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	}()
	dsn, err := withDatabase(o.Postgres, name, schema)
	if err != nil {
		return nil, &setupError{err: err}
	}
	env, err := pgEnv(o.Postgres, name)
	if err != nil {
		return nil, &setupError{err: err}
	}
	db, err := Open(ctx, dsn, &Options{MaxOpenConns: 2})
	if err != nil {
		return nil, &setupError{err: err}
	}
	defer db.Close()
	if _, err := db.bun.ExecContext(ctx, "CREATE SCHEMA IF NOT EXISTS "+pgx.Identifier{schema}.Sanitize()); err != nil {
		return nil, &setupError{err: err}
	}
	if err := restoreDump(ctx, db, pgTool{path: bin, env: env}, name, path, list, tables); err != nil {
		return nil, err
	}
	return describe(ctx, db)
}
