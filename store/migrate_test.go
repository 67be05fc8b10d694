package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/store/pgtest"
)

var migrationFileRE = regexp.MustCompile(`^(\d{14})_([a-z][a-z0-9_]*)\.(tx\.)?(up|down)\.sql$`)

// TestMigrationFoldersMatch checks that both dialects carry the same
// migrations: identical versions and names, an up and a down for each,
// 14-digit UTC versions, and transactional files throughout.
func TestMigrationFoldersMatch(t *testing.T) {
	t.Parallel()
	list := func(dialect string) []string {
		entries, err := os.ReadDir(filepath.Join("migrations", dialect))
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return names
	}
	pg, lite := list("pg"), list("sqlite")
	if diff := cmp.Diff(pg, lite); diff != "" {
		t.Errorf("migrations/pg and migrations/sqlite differ (-pg +sqlite):\n%s", diff)
	}
	if len(pg) == 0 {
		t.Fatal("no migrations")
	}
	ups, downs := map[string]bool{}, map[string]bool{}
	for _, name := range pg {
		m := migrationFileRE.FindStringSubmatch(name)
		if m == nil {
			t.Errorf("%s: want VERSION_name.tx.up.sql or .tx.down.sql with a 14-digit version and a lowercase name", name)
			continue
		}
		if _, err := time.Parse("20060102150405", m[1]); err != nil {
			t.Errorf("%s: version is not a UTC timestamp: %v", name, err)
		}
		if m[3] == "" {
			t.Errorf("%s: not a .tx. file; only statements that cannot run in a transaction may go without one", name)
		}
		if m[4] == "up" {
			ups[m[1]+"_"+m[2]] = true
		} else {
			downs[m[1]+"_"+m[2]] = true
		}
	}
	if diff := cmp.Diff(ups, downs); diff != "" {
		t.Errorf("every up needs a down (-up +down):\n%s", diff)
	}
}

// TestMigrateUpDownUp applies every migration, rolls back group by group
// to an empty schema, and applies them again, on every backend.
func TestMigrateUpDownUp(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.open(t)

			status, err := db.MigrationStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			all := versions(status)
			if len(all) == 0 {
				t.Fatal("no migrations known")
			}
			if got := appliedVersions(status); len(got) != 0 {
				t.Fatalf("fresh database has applied migrations %v", got)
			}
			var pending *store.PendingError
			if err := db.CheckMigrations(ctx); !errors.As(err, &pending) || len(pending.Pending) != len(all) {
				t.Fatalf("CheckMigrations on a fresh database = %v, want a PendingError listing %d migrations", err, len(all))
			}

			applied, err := db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(all, versions(applied)); diff != "" {
				t.Errorf("Migrate applied (-want +got):\n%s", diff)
			}
			if err := db.CheckMigrations(ctx); err != nil {
				t.Errorf("CheckMigrations after Migrate: %v", err)
			}
			again, err := db.Migrate(ctx)
			if err != nil || len(again) != 0 {
				t.Errorf("second Migrate = %v, %v; want nothing to do", versions(again), err)
			}
			tables := tableNames(t, db)
			if !slices.Contains(tables, "users") || !slices.Contains(tables, "heart_rate") {
				t.Fatalf("tables after up = %v", tables)
			}

			// One Migrate is one group: one Rollback undoes all of it,
			// newest first, and a second finds nothing to undo.
			undone, err := db.Rollback(ctx)
			if err != nil {
				t.Fatal(err)
			}
			reversed := slices.Clone(all)
			slices.Reverse(reversed)
			if diff := cmp.Diff(reversed, versions(undone)); diff != "" {
				t.Errorf("Rollback undid (-want +got):\n%s", diff)
			}
			if undone, err := db.Rollback(ctx); err != nil || len(undone) != 0 {
				t.Errorf("second Rollback = %v, %v; want nothing to undo", versions(undone), err)
			}
			status, err = db.MigrationStatus(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got := appliedVersions(status); len(got) != 0 {
				t.Errorf("after rolling back everything, applied = %v", got)
			}
			if diff := cmp.Diff([]string{"bun_migration_locks", "bun_migrations"}, tableNames(t, db)); diff != "" {
				t.Errorf("tables left after down to zero (-want +got):\n%s", diff)
			}

			applied, err = db.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(all, versions(applied)); diff != "" {
				t.Errorf("Migrate after down applied (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tables, tableNames(t, db)); diff != "" {
				t.Errorf("tables after up, down, up differ from after up (-first +second):\n%s", diff)
			}
		})
	}
}

// TestStamp marks migrations applied without running them.
func TestStamp(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := openSQLite(t)
	status, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all := versions(status)
	first := all[0]

	if _, err := db.Stamp(ctx, "20990101000000"); !errors.As(err, new(*store.UnknownVersionError)) {
		t.Errorf("Stamp(unknown) = %v, want *UnknownVersionError", err)
	}
	marked, err := db.Stamp(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{first}, versions(marked)); diff != "" {
		t.Errorf("Stamp marked (-want +got):\n%s", diff)
	}
	if tables := tableNames(t, db); slices.Contains(tables, "users") {
		t.Errorf("Stamp ran the migration: tables %v", tables)
	}
	status, err = db.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{first}, appliedVersions(status)); diff != "" {
		t.Errorf("applied after Stamp (-want +got):\n%s", diff)
	}
	marked, err = db.Stamp(ctx, first)
	if err != nil || len(marked) != 0 {
		t.Errorf("second Stamp = %v, %v; want nothing marked", versions(marked), err)
	}
}

// TestConcurrentMigratorsPostgres starts several migrators on one schema at
// once: the advisory lock lets exactly one apply the migrations.
func TestConcurrentMigratorsPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn := pgtest.Schema(t)
	const n = 4
	var dbs []*store.DB
	for range n {
		dbs = append(dbs, mustOpen(t, dsn))
	}
	first := dbs[0]
	results := make([][]store.Migration, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, db := range dbs {
		wg.Go(func() { results[i], errs[i] = db.Migrate(ctx) })
	}
	wg.Wait()
	winners := 0
	for i := range n {
		if errs[i] != nil {
			t.Errorf("migrator %d: %v", i, errs[i])
		}
		if len(results[i]) > 0 {
			winners++
		}
	}
	if winners != 1 {
		t.Errorf("%d migrators applied migrations, want exactly 1", winners)
	}
	status, err := first.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(versions(status), appliedVersions(status)); diff != "" {
		t.Errorf("not everything applied (-all +applied):\n%s", diff)
	}
}

// TestMigrateWithoutSchemaPostgres: a DSN whose search_path names no
// schema that exists cannot be migrated, and every migration call says so
// instead of failing on the lock key that has no schema to be made from.
func TestMigrateWithoutSchemaPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, err := pgtest.WithSearchPath(pgtest.Schema(t), "lifeops_no_such_schema")
	if err != nil {
		t.Fatal(err)
	}
	db := mustOpen(t, dsn)
	for name, call := range map[string]func() error{
		"Migrate":         func() error { _, err := db.Migrate(ctx); return err },
		"MigrationStatus": func() error { _, err := db.MigrationStatus(ctx); return err },
		"CheckMigrations": func() error { return db.CheckMigrations(ctx) },
	} {
		err := call()
		if err == nil || !strings.Contains(err.Error(), "search_path names no schema that exists") {
			t.Errorf("%s = %v, want an error saying the search_path names no schema that exists", name, err)
		}
	}
}

func TestCreateMigration(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, d := range []string{"pg", "sqlite"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Date(2027, 3, 4, 5, 6, 7, 0, time.FixedZone("X", 3600))
	paths, err := store.CreateMigration(dir, "add_streaks", now)
	if err != nil {
		t.Fatal(err)
	}
	var rel []string
	for _, p := range paths {
		r, _ := filepath.Rel(dir, p)
		rel = append(rel, filepath.ToSlash(r))
	}
	want := []string{
		"pg/20270304040607_add_streaks.tx.up.sql",
		"pg/20270304040607_add_streaks.tx.down.sql",
		"sqlite/20270304040607_add_streaks.tx.up.sql",
		"sqlite/20270304040607_add_streaks.tx.down.sql",
	}
	if diff := cmp.Diff(want, rel); diff != "" {
		t.Errorf("created (-want +got):\n%s", diff)
	}
	if _, err := store.CreateMigration(dir, "again", now); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("second CreateMigration with the same version = %v, want an 'already exists' error", err)
	}
	for _, bad := range []string{"", "Add", "add-streaks", "1x", "a b", "../x"} {
		if _, err := store.CreateMigration(dir, bad, now.Add(time.Hour)); err == nil {
			t.Errorf("CreateMigration(%q) succeeded", bad)
		}
	}
	if _, err := store.CreateMigration(t.TempDir(), "x", now); err == nil {
		t.Error("CreateMigration in a folder without pg and sqlite succeeded")
	}
}

func versions(ms []store.Migration) []string {
	out := []string{}
	for _, m := range ms {
		out = append(out, m.Version)
	}
	return out
}

func appliedVersions(ms []store.Migration) []string {
	out := []string{}
	for _, m := range ms {
		if m.Applied() {
			out = append(out, m.Version)
		}
	}
	return out
}

// tableNames lists the tables of the store's schema, sorted.
func tableNames(tb testing.TB, db *store.DB) []string {
	tb.Helper()
	var q string
	if db.Dialect() == store.Postgres {
		q = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1"
	} else {
		q = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY 1"
	}
	var names []string
	if err := db.Bun().NewRaw(q).Scan(context.Background(), &names); err != nil {
		tb.Fatal(err)
	}
	return names
}
