package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/store/pgtest"
)

// backupCase is one backend with one backup method.
type backupCase struct {
	name   string
	open   func(tb testing.TB) *store.DB
	method store.BackupMethod
}

var backupCases = []backupCase{
	{"sqlite", openSQLite, store.BackupSQLite},
	{"sqlite/logical", openSQLite, store.BackupLogical},
	{"postgres/pg_dump", openPostgres, store.BackupPGDump},
	{"postgres/logical", openPostgres, store.BackupLogical},
}

// verifyOpts lets VerifyBackup make its scratch databases on the test
// server.
func verifyOpts() *store.VerifyOptions { return &store.VerifyOptions{Postgres: pgtest.URL()} }

func mustBackup(tb testing.TB, db *store.DB, dir string, method store.BackupMethod) *store.Manifest {
	tb.Helper()
	m, err := db.BackupTo(context.Background(), dir, &store.BackupOptions{Method: method})
	if err != nil {
		tb.Fatalf("backup: %v", err)
	}
	return m
}

// TestBackupRefusesURIs: a backup goes to a file; a URL, or a SQLite URI
// that is not a plain file (VACUUM INTO would take it as one and write to
// memory or elsewhere), is refused and nothing is written.
func TestBackupRefusesURIs(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mustMigrate(t, openSQLite(t))
	dir := t.TempDir()
	for _, target := range []string{
		"file:" + filepath.Join(dir, "memory.db") + "?mode=memory",
		"file:" + filepath.Join(dir, "rwc.db") + "?mode=rwc",
		"file::memory:",
		":memory:",
		"postgres://postgres@127.0.0.1/test",
		"s3://bucket/lifeops.db",
		"https://example.com/lifeops.db",
		"",
	} {
		if err := db.Backup(ctx, target); !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("Backup(%q) = %v, want a refusal matching ErrInvalid", target, err)
		}
		if _, err := db.BackupTo(ctx, target, nil); !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("BackupTo(%q) = %v, want a refusal matching ErrInvalid", target, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused backups wrote %v", entries)
	}
	// A file: URL without parameters names a file.
	path := filepath.Join(dir, "ok.db")
	if err := db.Backup(ctx, "file:"+path); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(path); err != nil || st.Size() == 0 {
		t.Errorf("Backup to a file: URL wrote nothing at %s: %v", path, err)
	}
}

// TestBackupWhileWriting backs every backend up, with every method, while
// writers add people and heart rate: the backup is of one moment, so its
// manifest's counts are exactly what a restore of it holds, and it
// verifies.
func TestBackupWhileWriting(t *testing.T) {
	t.Parallel()
	for _, c := range backupCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := mustMigrate(t, c.open(t))
			fillUser(t, db)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			var written atomic.Int64
			errs := make(chan error, 4)
			for range 3 {
				wg.Go(func() {
					for {
						select {
						case <-stop:
							return
						default:
						}
						u := lifeops.User{ID: uuid.New(), Name: "Writer", Zone: "UTC", DayStartHour: 4, CreatedAt: t0, UpdatedAt: t0}
						var hr []lifeops.HeartRateSample
						for i := range 50 {
							hr = append(hr, lifeops.HeartRateSample{At: t0.Add(time.Duration(i) * time.Minute), BPM: 60 + i%30})
						}
						if err := db.CreateUser(ctx, u); err != nil {
							errs <- err
							return
						}
						if err := db.PutHeartRate(ctx, u.ID, hr); err != nil {
							errs <- err
							return
						}
						written.Add(1)
					}
				})
			}
			for written.Load() < 5 {
				time.Sleep(time.Millisecond)
			}
			m := mustBackup(t, db, t.TempDir(), c.method)
			during := written.Load()
			for written.Load() < during+5 {
				time.Sleep(time.Millisecond)
			}
			close(stop)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatalf("writer: %v", err)
			}
			if m.Method != c.method || m.Tables["users"] < 2 || m.Tables["heart_rate"] < 300 {
				t.Errorf("manifest = %+v", m)
			}
			final, err := db.RowCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if m.Tables["users"] >= final["users"] {
				t.Errorf("the backup has %d users and the store %d after more writes; the test wrote nothing after the backup", m.Tables["users"], final["users"])
			}
			report, err := store.VerifyBackup(ctx, m.Path(), verifyOpts())
			if err != nil {
				t.Fatalf("verify: %v\n%+v", err, report)
			}
			if got := checkNames(report, true); !slices.Equal(got, []string{"manifest", "checksum", "restore", "schema version", "row counts"}) {
				t.Errorf("checks passed = %v", got)
			}
		})
	}
}

// checkNames lists the checks of a report that passed (ok) or failed.
func checkNames(r *store.VerifyReport, ok bool) []string {
	var out []string
	for _, c := range r.Checks {
		if c.OK == ok {
			out = append(out, c.Name)
		}
	}
	return out
}

// TestVerifyCatches damages backups of every kind and checks that
// verification fails, and why: a truncated file, a corrupted file (also
// with a manifest rewritten to match it, so only the restore can tell), a
// backup whose schema this build does not know, a manifest that names
// another version, and a backup without its manifest.
func TestVerifyCatches(t *testing.T) {
	t.Parallel()
	for _, c := range backupCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := mustMigrate(t, c.open(t))
			for range 3 {
				fillUser(t, db)
			}
			good := mustBackup(t, db, t.TempDir(), c.method)
			if _, err := store.VerifyBackup(ctx, good.Path(), verifyOpts()); err != nil {
				t.Fatalf("verify of an undamaged backup: %v", err)
			}

			// damaged copies the backup and its manifest, changes the copy
			// with damage and, when reseal is set, rewrites the manifest's
			// size and checksum to match the damaged file.
			damaged := func(t *testing.T, damage func(path string, data []byte) []byte, reseal bool) string {
				t.Helper()
				dir := t.TempDir()
				path := filepath.Join(dir, good.File)
				data, err := os.ReadFile(good.Path())
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, damage(path, data), 0o600); err != nil {
					t.Fatal(err)
				}
				mdata, err := os.ReadFile(good.Path() + store.ManifestSuffix)
				if err != nil {
					t.Fatal(err)
				}
				if reseal {
					mdata = resealed(t, mdata, path)
				}
				if err := os.WriteFile(path+store.ManifestSuffix, mdata, 0o644); err != nil {
					t.Fatal(err)
				}
				return path
			}
			truncate := func(_ string, data []byte) []byte { return data[:len(data)/2] }
			corrupt := func(_ string, data []byte) []byte {
				out := slices.Clone(data)
				at := len(out) / 2
				if c.method == store.BackupSQLite { // the header of the second page, a b-tree page
					at = 4096
				}
				copy(out[at:], make([]byte, 512))
				return out
			}

			for _, tt := range []struct {
				name   string
				path   func(t *testing.T) string
				failed []string
			}{
				{"truncated", func(t *testing.T) string { return damaged(t, truncate, false) }, []string{"checksum", "restore", "schema version", "row counts"}},
				{"truncated, manifest resealed", func(t *testing.T) string { return damaged(t, truncate, true) }, []string{"restore", "schema version", "row counts"}},
				{"corrupted", func(t *testing.T) string { return damaged(t, corrupt, false) }, []string{"checksum", "restore", "schema version", "row counts"}},
				{"corrupted, manifest resealed", func(t *testing.T) string { return damaged(t, corrupt, true) }, []string{"restore", "schema version", "row counts"}},
				{"manifest names another version", func(t *testing.T) string {
					path := damaged(t, func(_ string, data []byte) []byte { return data }, false)
					editManifest(t, path, func(m map[string]any) { m["schema_version"] = "20261125233000" })
					return path
				}, []string{"schema version"}},
				{"manifest counts another number of rows", func(t *testing.T) string {
					path := damaged(t, func(_ string, data []byte) []byte { return data }, false)
					editManifest(t, path, func(m map[string]any) { m["tables"].(map[string]any)["heart_rate"] = 1 })
					return path
				}, []string{"row counts"}},
				{"no manifest", func(t *testing.T) string {
					path := damaged(t, func(_ string, data []byte) []byte { return data }, false)
					if err := os.Remove(path + store.ManifestSuffix); err != nil {
						t.Fatal(err)
					}
					return path
				}, []string{"manifest", "row counts"}},
			} {
				t.Run(tt.name, func(t *testing.T) {
					report, err := store.VerifyBackup(ctx, tt.path(t), verifyOpts())
					var ve *store.VerifyError
					if !errors.As(err, &ve) || !errors.Is(err, lifeops.ErrInvalid) {
						t.Fatalf("verify = %v, want a *VerifyError", err)
					}
					for _, c := range report.Checks {
						t.Logf("%s ok=%v: %s", c.Name, c.OK, c.Detail)
					}
					if diff := cmp.Diff(tt.failed, checkNames(report, false)); diff != "" {
						t.Errorf("failed checks (-want +got):\n%s\nreport: %+v", diff, report.Checks)
					}
				})
			}

			// A backup of a schema that a newer build migrated: this build
			// does not know its newest migration.
			t.Run("unknown schema version", func(t *testing.T) {
				if _, err := db.Bun().ExecContext(ctx, "INSERT INTO bun_migrations (name, group_id, migrated_at) VALUES ('20990101000000', 99, CURRENT_TIMESTAMP)"); err != nil {
					t.Fatal(err)
				}
				newer := mustBackup(t, db, t.TempDir(), c.method)
				if newer.SchemaVersion != "20990101000000" {
					t.Errorf("manifest schema version = %s", newer.SchemaVersion)
				}
				report, err := store.VerifyBackup(ctx, newer.Path(), verifyOpts())
				if !errors.As(err, new(*store.VerifyError)) {
					t.Fatalf("verify = %v, want a *VerifyError", err)
				}
				if diff := cmp.Diff([]string{"schema version"}, checkNames(report, false)); diff != "" {
					t.Errorf("failed checks (-want +got):\n%s\nreport: %+v", diff, report.Checks)
				}
			})
		})
	}
}

// resealed returns the manifest with the size and SHA-256 of the file at
// path: what a careless copy tool that re-made the sums would leave.
func resealed(t *testing.T, manifest []byte, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(manifest, &m); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	m["sha256"], m["size"] = hex.EncodeToString(sum[:]), len(data)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// editManifest rewrites the manifest of the backup at path with edit.
func editManifest(t *testing.T, path string, edit func(map[string]any)) {
	t.Helper()
	data, err := os.ReadFile(path + store.ManifestSuffix)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if data, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path+store.ManifestSuffix, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRestore restores every kind of backup and checks that the restored
// store exports exactly what the source exported at backup time: into an
// empty store, across backends for logical backups, and over a store that
// holds data only when told to.
func TestRestore(t *testing.T) {
	t.Parallel()
	for _, c := range backupCases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := mustMigrate(t, c.open(t))
			var users []lifeops.User
			for range 2 {
				users = append(users, fillUser(t, db))
			}
			want := exportAll(t, db, users)
			m := mustBackup(t, db, t.TempDir(), c.method)

			// The mistake a backup undoes: a person deleted after it.
			if err := db.DeleteUser(ctx, users[0].ID); err != nil {
				t.Fatal(err)
			}
			var targets []*store.DB
			switch c.method {
			case store.BackupSQLite:
				targets = []*store.DB{openSQLite(t), mustMigrate(t, openSQLite(t))}
			case store.BackupLogical:
				targets = []*store.DB{openSQLite(t), openPostgres(t)}
			case store.BackupPGDump:
				// pg_restore keeps the schema's name: the store's own
				// schema is the target, and it holds data.
				if _, err := db.RestoreFrom(ctx, m.Path(), nil); !errors.As(err, new(*store.NotEmptyError)) || !errors.Is(err, lifeops.ErrConflict) {
					t.Fatalf("restore over data = %v, want a *NotEmptyError", err)
				}
				if _, err := openPostgres(t).RestoreFrom(ctx, m.Path(), nil); err == nil || !strings.Contains(err.Error(), "pg_restore restores a schema under its own name") {
					t.Errorf("restore into another schema = %v, want a refusal naming the schemas", err)
				}
				got, err := db.RestoreFrom(ctx, m.Path(), &store.RestoreOptions{Replace: true})
				if err != nil {
					t.Fatal(err)
				}
				if got.SHA256 != m.SHA256 {
					t.Errorf("restore returned manifest %+v", got)
				}
				targets = []*store.DB{reopen(t, db)}
			}
			for i, target := range targets {
				if c.method != store.BackupPGDump {
					if _, err := target.RestoreFrom(ctx, m.Path(), nil); err != nil {
						t.Fatalf("restore into target %d: %v", i, err)
					}
				}
				if diff := cmp.Diff(want, exportAll(t, target, users), ignoreExportedAt); diff != "" {
					t.Errorf("target %d: restored (-at backup +restored):\n%s", i, diff)
				}
				if err := target.CheckMigrations(ctx); err != nil {
					t.Errorf("target %d: %v", i, err)
				}
			}
			if c.method == store.BackupPGDump {
				return
			}
			// Restoring again over the restored data needs Replace, and
			// then gives the same.
			target := targets[0]
			if _, err := target.RestoreFrom(ctx, m.Path(), nil); !errors.As(err, new(*store.NotEmptyError)) {
				t.Errorf("second restore without Replace = %v, want a *NotEmptyError", err)
			}
			extra := fillUser(t, target)
			if _, err := target.RestoreFrom(ctx, m.Path(), &store.RestoreOptions{Replace: true}); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, exportAll(t, target, users), ignoreExportedAt); diff != "" {
				t.Errorf("restore with Replace (-at backup +restored):\n%s", diff)
			}
			if _, err := target.User(ctx, extra.ID); !errors.Is(err, lifeops.ErrNotFound) {
				t.Errorf("a person added after the backup survived a replacing restore: %v", err)
			}
		})
	}
}

// TestRestoreRefusesDamage: a backup that does not match its manifest is
// not restored, and a file that is no backup is not taken for one.
func TestRestoreRefusesDamage(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mustMigrate(t, openSQLite(t))
	fillUser(t, db)
	m := mustBackup(t, db, t.TempDir(), store.BackupSQLite)
	f, err := os.OpenFile(m.Path(), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("tail"))
	f.Close()
	target := openSQLite(t)
	if _, err := target.RestoreFrom(ctx, m.Path(), nil); !errors.Is(err, lifeops.ErrInvalid) || !strings.Contains(err.Error(), "does not match its manifest") {
		t.Errorf("restore of a damaged backup = %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(junk, []byte("hello"), 0o600)
	if _, err := target.RestoreFrom(ctx, junk, nil); !errors.Is(err, lifeops.ErrInvalid) || !strings.Contains(err.Error(), "not a LifeOps backup") {
		t.Errorf("restore of a file that is no backup = %v", err)
	}
	if counts, err := target.RowCounts(ctx); err != nil || store.HoldsData(counts) {
		t.Errorf("the target after refused restores = %v, %v", counts, err)
	}
}

// exportAll exports each of users from db, credentials included.
func exportAll(tb testing.TB, db *store.DB, users []lifeops.User) []*store.Export {
	tb.Helper()
	var out []*store.Export
	for _, u := range users {
		x, err := store.ExportUser(context.Background(), db, u.ID, &store.ExportOptions{Credentials: true})
		if err != nil {
			tb.Fatalf("export %s: %v", u.ID, err)
		}
		out = append(out, x)
	}
	return out
}

// reopen opens the store db is a pool of anew: after a pg_dump restore,
// the old pool's connections hold statements on the dropped tables.
func reopen(tb testing.TB, db *store.DB) *store.DB {
	tb.Helper()
	var dsn string
	if err := db.Bun().QueryRowContext(context.Background(), "SELECT current_schema()").Scan(&dsn); err != nil {
		tb.Fatal(err)
	}
	url, err := pgtest.WithSearchPath(pgtest.URL(), dsn)
	if err != nil {
		tb.Fatal(err)
	}
	return mustOpen(tb, url)
}
