package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"github.com/lifeops/lifeops/lifeops"
)

// BackupMethod says how a backup was made, and so how it restores.
type BackupMethod string

// The backup methods.
const (
	// BackupSQLite is a copy of a SQLite database file made online with
	// VACUUM INTO.
	BackupSQLite BackupMethod = "sqlite"
	// BackupPGDump is a pg_dump archive (custom format, -Fc) of the store's
	// Postgres schema, taken in one snapshot.
	BackupPGDump BackupMethod = "pg_dump"
	// BackupLogical is every person's export document (ExportUser), read in
	// one snapshot: made when pg_dump is not at hand, and restorable into
	// either backend.
	BackupLogical BackupMethod = "logical"
)

// ManifestFormat and ManifestVersion identify a manifest document;
// ManifestSuffix is appended to a backup's file name to name its
// manifest.
const (
	ManifestFormat  = "lifeops-backup-manifest"
	ManifestVersion = 1
	ManifestSuffix  = ".manifest.json"
)

// Manifest describes one backup file. BackupTo writes it beside the
// backup, as FILE.manifest.json; VerifyBackup checks the backup against it.
type Manifest struct {
	Format  string `json:"format"`
	Version int    `json:"version"`
	// CreatedAt is when the backup's snapshot was taken, in UTC.
	CreatedAt time.Time `json:"created_at"`
	// File is the backup file's name, in the manifest's folder.
	File   string       `json:"file"`
	Method BackupMethod `json:"method"`
	// Dialect is the backend the backup was taken from.
	Dialect Dialect `json:"dialect"`
	// Schema is the Postgres schema backed up; empty for SQLite.
	Schema string `json:"schema,omitempty"`
	// SchemaVersion is the newest migration applied when the backup was
	// taken, and Migrations every applied one, oldest first.
	SchemaVersion string   `json:"schema_version"`
	Migrations    []string `json:"migrations"`
	// Tables counts the rows of every table of the store's schema in the
	// backup's snapshot.
	Tables map[string]int64 `json:"tables"`
	// Omitted names the tables of Tables whose rows the backup does not
	// carry, with why: a logical backup carries what ExportUser exports,
	// and credentials only when the store has its key.
	Omitted map[string]string `json:"omitted,omitempty"`
	// Size and SHA256 are the backup file's length and SHA-256, hex.
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`

	// dir is the folder the manifest was read from or written to.
	dir string
}

// Path is where the backup file is: File in the manifest's folder.
func (m *Manifest) Path() string { return filepath.Join(m.dir, m.File) }

// BackupOptions tunes BackupTo. A nil *BackupOptions means the defaults.
type BackupOptions struct {
	// Method is how to back up. Default: BackupSQLite on SQLite; on
	// Postgres BackupPGDump when pg_dump is found and the DB was opened
	// with Open (pg_dump connects with the DSN Open was given), else
	// BackupLogical.
	Method BackupMethod
	// PGDump is the pg_dump program. Default: pg_dump, found on PATH. It
	// must be of the server's major version or newer.
	PGDump string
	// Now stamps the backup. Default: time.Now.
	Now func() time.Time
}

// BackupError reports a backup, restore or verification that cannot go
// ahead: a file that is not a backup, a backup of the wrong kind for the
// target, a checksum that does not match. It matches lifeops.ErrInvalid.
type BackupError struct {
	Path   string
	Reason string
	Err    error
}

// Error says which file and why.
func (e *BackupError) Error() string {
	s := "store: backup " + e.Path + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error, if any.
func (e *BackupError) Unwrap() error { return e.Err }

// Is reports that a BackupError is invalid input (lifeops.ErrInvalid).
func (e *BackupError) Is(target error) bool { return target == lifeops.ErrInvalid }

// BackupTo writes a backup of the store, while it stays in use, and its
// manifest. path names the new file, which must not exist, or an existing
// folder, in which the file is named after the time and method
// (lifeops-20270102T030405Z.sqlite, .pgdump or .logical.json). The backup
// is written under a temporary name and renamed when complete, with mode
// 0600: it holds every person's data. Its manifest (FILE.manifest.json)
// records the time, the schema version, the row count of every table in
// the backup's snapshot, the size and the SHA-256.
func (db *DB) BackupTo(ctx context.Context, path string, opts *BackupOptions) (*Manifest, error) {
	var o BackupOptions
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if db.isClosed() {
		return nil, &Error{Op: "backup", Code: lifeops.CodeUnavailable, Err: ErrClosed}
	}
	method, err := db.backupMethod(o)
	if err != nil {
		return nil, err
	}
	target, err := fileTarget("path", path)
	if err != nil {
		return nil, err
	}
	now := o.Now().UTC()
	if st, err := os.Stat(target); err == nil && st.IsDir() {
		target = filepath.Join(target, BackupFileName(method, now))
	}
	for _, p := range []string{target, target + ManifestSuffix} {
		if _, err := os.Lstat(p); err == nil {
			return nil, &Error{Op: "backup", Code: lifeops.CodeConflict, Err: fmt.Errorf("%s already exists", p)}
		}
	}
	m := &Manifest{
		Format: ManifestFormat, Version: ManifestVersion, CreatedAt: now,
		File: filepath.Base(target), Method: method, Dialect: db.dialect, dir: filepath.Dir(target),
	}
	tmp := filepath.Join(m.dir, "."+m.File+".partial")
	_ = os.Remove(tmp) // the leftover of a backup that died
	defer os.Remove(tmp)
	switch method {
	case BackupSQLite:
		err = db.backupSQLite(ctx, tmp, m)
	case BackupPGDump:
		err = db.backupPGDump(ctx, tmp, m, o.PGDump)
	case BackupLogical:
		err = db.backupLogical(ctx, tmp, m)
	}
	if err != nil {
		return nil, wrapErr("backup", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil {
		return nil, wrapErr("backup", err)
	}
	if m.Size, m.SHA256, err = fileSum(tmp); err != nil {
		return nil, wrapErr("backup", err)
	}
	if err := syncFile(tmp); err != nil {
		return nil, wrapErr("backup", err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return nil, wrapErr("backup", err)
	}
	if err := m.write(); err != nil {
		return m, wrapErr("backup", err)
	}
	return m, nil
}

// backupMethod picks the method of a backup.
func (db *DB) backupMethod(o BackupOptions) (BackupMethod, error) {
	switch {
	case o.Method == "" && db.dialect == SQLite:
		return BackupSQLite, nil
	case o.Method == "":
		if db.dsn == "" {
			return BackupLogical, nil
		}
		if _, err := findPGTool(cmpOr(o.PGDump, "pg_dump")); err != nil {
			return BackupLogical, nil
		}
		return BackupPGDump, nil
	case o.Method == BackupSQLite && db.dialect != SQLite, o.Method == BackupPGDump && db.dialect != Postgres:
		return "", &lifeops.ValidationError{Field: "method", Reason: fmt.Sprintf("%s backs up %s, not %s", o.Method, map[BackupMethod]string{BackupSQLite: "SQLite", BackupPGDump: "Postgres"}[o.Method], db.dialect)}
	case o.Method == BackupPGDump && db.dsn == "":
		return "", &lifeops.ValidationError{Field: "method", Reason: "pg_dump needs the DSN the store was opened with: open it with Open, or back up with the logical method"}
	case o.Method == BackupSQLite, o.Method == BackupPGDump, o.Method == BackupLogical:
		return o.Method, nil
	}
	return "", &lifeops.ValidationError{Field: "method", Reason: fmt.Sprintf("%q is not a backup method (want sqlite, pg_dump or logical)", o.Method)}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// BackupFileName names a backup made at t with method, as BackupTo does
// in a folder: lifeops-YYYYMMDDThhmmssZ and .sqlite, .pgdump or
// .logical.json.
func BackupFileName(method BackupMethod, t time.Time) string {
	ext := map[BackupMethod]string{BackupSQLite: ".sqlite", BackupPGDump: ".pgdump", BackupLogical: ".logical.json"}[method]
	return "lifeops-" + t.UTC().Format("20060102T150405Z") + ext
}

// fileTarget checks that path names a file: a path, or a file: URL with
// no query (which is turned into its path). Anything else, a URL of
// another scheme or a SQLite URI that is not a plain file (mode=memory,
// :memory:), is refused: VACUUM INTO would take such a name as a
// database URI and write somewhere that is not the file named.
func fileTarget(field, path string) (string, error) {
	bad := func(reason string) error {
		return &lifeops.ValidationError{Field: field, Reason: reason}
	}
	switch {
	case strings.TrimSpace(path) == "":
		return "", bad("is required")
	case path == ":memory:" || strings.HasPrefix(path, ":memory:"):
		return "", bad("must name a file, not an in-memory database")
	case strings.HasPrefix(path, "file:"):
		u, err := url.Parse(path)
		if err != nil || u.RawQuery != "" || u.Fragment != "" || (u.Host != "" && u.Host != "localhost") {
			return "", bad("must be a file path or a file: URL without parameters")
		}
		p := u.Path
		if p == "" {
			p, _ = url.PathUnescape(u.Opaque)
		}
		if p == "" || strings.HasPrefix(p, ":memory:") {
			return "", bad("must name a file")
		}
		return p, nil
	case strings.Contains(path, "://"):
		return "", bad("is a URL, not a file path: a backup is written to a local file")
	}
	return path, nil
}

// fileSum returns the size and SHA-256 of a file.
func fileSum(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// write writes the manifest beside its backup, under a temporary name
// renamed into place.
func (m *Manifest) write() error {
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	path := m.Path() + ManifestSuffix
	tmp := filepath.Join(m.dir, "."+m.File+ManifestSuffix+".partial")
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	if err := syncFile(tmp); err != nil {
		_ = os.Remove(tmp)
		return err
	}
	return os.Rename(tmp, path)
}

// ReadManifest reads the manifest of a backup: path is the backup file or
// its manifest (FILE.manifest.json).
func ReadManifest(path string) (*Manifest, error) {
	mpath := path
	if !strings.HasSuffix(path, ManifestSuffix) {
		mpath = path + ManifestSuffix
	}
	data, err := os.ReadFile(mpath)
	if err != nil {
		return nil, &BackupError{Path: path, Reason: "no manifest", Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, &BackupError{Path: mpath, Reason: "the manifest is not valid", Err: err}
	}
	switch {
	case m.Format != ManifestFormat:
		return nil, &BackupError{Path: mpath, Reason: fmt.Sprintf("format is %q, want %q", m.Format, ManifestFormat)}
	case m.Version < 1 || m.Version > ManifestVersion:
		return nil, &BackupError{Path: mpath, Reason: fmt.Sprintf("manifest version %d; this build reads versions 1 to %d", m.Version, ManifestVersion)}
	case m.File == "" || m.File != filepath.Base(m.File) || m.File == "." || m.File == "..":
		return nil, &BackupError{Path: mpath, Reason: fmt.Sprintf("file %q is not a file name", m.File)}
	case !slices.Contains([]BackupMethod{BackupSQLite, BackupPGDump, BackupLogical}, m.Method):
		return nil, &BackupError{Path: mpath, Reason: fmt.Sprintf("unknown method %q", m.Method)}
	case strings.TrimSuffix(mpath, ManifestSuffix) != filepath.Join(filepath.Dir(mpath), m.File):
		return nil, &BackupError{Path: mpath, Reason: fmt.Sprintf("describes %s, not %s", m.File, filepath.Base(strings.TrimSuffix(mpath, ManifestSuffix)))}
	}
	m.dir = filepath.Dir(mpath)
	return &m, nil
}

// checkSum compares a backup file with its manifest's size and SHA-256.
func (m *Manifest) checkSum() error {
	size, sum, err := fileSum(m.Path())
	switch {
	case err != nil:
		return err
	case size != m.Size:
		return fmt.Errorf("the file has %d bytes, the manifest says %d", size, m.Size)
	case sum != m.SHA256:
		return fmt.Errorf("the file's SHA-256 is %s, the manifest says %s", sum, m.SHA256)
	}
	return nil
}

// backupSQLite copies the database with VACUUM INTO, which reads one
// snapshot while writers go on, and describes the copy from the copy
// itself, so the counts are those of the snapshot.
func (db *DB) backupSQLite(ctx context.Context, tmp string, m *Manifest) error {
	if err := db.retry(ctx, "backup", func(ctx context.Context) error {
		_ = os.Remove(tmp) // an attempt that failed may have left part of it
		_, err := db.bun.ExecContext(ctx, "VACUUM INTO ?", tmp)
		return err
	}); err != nil {
		return err
	}
	c, err := openSQLiteFile(ctx, tmp, true)
	if err != nil {
		return err
	}
	defer c.Close()
	if m.Tables, err = c.rowCounts(ctx, c.bun); err != nil {
		return err
	}
	m.Migrations, err = appliedMigrations(ctx, c, c.bun)
	m.SchemaVersion = lastOf(m.Migrations)
	return err
}

// openSQLiteFile opens a SQLite file other than a store's own (a backup,
// a scratch copy) without changing its journal mode, read-only when asked.
func openSQLiteFile(ctx context.Context, path string, readOnly bool) (*DB, error) {
	q := url.Values{}
	q.Set("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Set("mode", "ro")
		q.Add("_pragma", "query_only(1)")
	}
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: q.Encode()}
	sqldb, err := sql.Open("sqlite", u.String())
	if err != nil {
		return nil, err
	}
	sqldb.SetMaxOpenConns(1)
	db, err := finishOpen(ctx, bun.NewDB(sqldb, sqlitedialect.New()), SQLite, (*Options)(nil).withDefaults(), true)
	if err != nil {
		return nil, err
	}
	return db, nil
}

// appliedMigrations lists the library's applied migration versions,
// oldest first; none when the bookkeeping table does not exist.
func appliedMigrations(ctx context.Context, db *DB, q bun.IDB) ([]string, error) {
	tables, err := db.tableNames(ctx, q)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(tables, migrationsTable) {
		return []string{}, nil
	}
	var names []string
	if err := q.NewRaw("SELECT name FROM ? ORDER BY name", bun.Ident(migrationsTable)).Scan(ctx, &names); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	if names == nil {
		names = []string{}
	}
	return names, nil
}

func lastOf(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[len(s)-1]
}

// backupPGDump runs pg_dump on the store's schema in a snapshot exported
// from a transaction that also counts the rows, so the dump and the
// counts are of one moment however many writers run.
func (db *DB) backupPGDump(ctx context.Context, tmp string, m *Manifest, program string) error {
	path, err := findPGTool(cmpOr(program, "pg_dump"))
	if err != nil {
		return err
	}
	env, err := pgEnv(db.dsn, "")
	if err != nil {
		return err
	}
	return db.view(ctx, "backup", func(tx *DB) error {
		q := tx.idb()
		var snapshot string
		var schema sql.NullString
		if err := q.QueryRowContext(ctx, "SELECT pg_export_snapshot(), current_schema()").Scan(&snapshot, &schema); err != nil {
			return err
		}
		if !schema.Valid {
			return errNoSchema
		}
		m.Schema = schema.String
		var err error
		if m.Tables, err = tx.rowCounts(ctx, q); err != nil {
			return err
		}
		if m.Migrations, err = appliedMigrations(ctx, tx, q); err != nil {
			return err
		}
		m.SchemaVersion = lastOf(m.Migrations)
		_, err = pgTool{path: path, env: env}.run(ctx, "--format=custom", "--schema="+quoteSchemaPattern(m.Schema),
			"--snapshot="+snapshot, "--file="+tmp)
		return err
	})
}
