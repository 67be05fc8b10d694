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

// TestStamp marks migrations applied without running them, on a schema
// made another way, and refuses to mark migrations whose tables do not
// exist unless forced, on every backend.
func TestStamp(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.open(t)
			all := versions(mustStatus(t, db))
			first, second := all[0], all[1]

			if _, err := db.Stamp(ctx, "20990101000000", nil); !errors.As(err, new(*store.UnknownVersionError)) {
				t.Errorf("Stamp(unknown) = %v, want *UnknownVersionError", err)
			}
			// An empty database: the tables of the first migration are
			// missing, and the refusal names them.
			_, err := db.Stamp(ctx, first, nil)
			var missing *store.MissingTablesError
			if !errors.As(err, &missing) || !slices.Contains(missing.Tables, "users") || missing.Version != first {
				t.Fatalf("Stamp on an empty database = %v, want a *MissingTablesError naming users", err)
			}
			if got := appliedVersions(mustStatus(t, db)); len(got) != 0 {
				t.Errorf("a refused Stamp marked %v", got)
			}

			// The schema of the first two made another way, with no record
			// of it: Stamp marks them and runs nothing.
			if _, err := db.MigrateTo(ctx, second); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Bun().ExecContext(ctx, "DELETE FROM bun_migrations"); err != nil {
				t.Fatal(err)
			}
			tables := tableNames(t, db)
			if _, err := db.Stamp(ctx, all[2], nil); !errors.As(err, &missing) || !slices.Equal(missing.Tables, []string{"zone_changes"}) {
				t.Errorf("Stamp past the schema = %v, want zone_changes missing", err)
			}
			marked, err := db.Stamp(ctx, second, nil)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{first, second}, versions(marked)); diff != "" {
				t.Errorf("Stamp marked (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tables, tableNames(t, db)); diff != "" {
				t.Errorf("Stamp changed the tables (-before +after):\n%s", diff)
			}
			if diff := cmp.Diff([]string{first, second}, appliedVersions(mustStatus(t, db))); diff != "" {
				t.Errorf("applied after Stamp (-want +got):\n%s", diff)
			}
			marked, err = db.Stamp(ctx, second, nil)
			if err != nil || len(marked) != 0 {
				t.Errorf("second Stamp = %v, %v; want nothing marked", versions(marked), err)
			}
			// The rest applies on top of the stamped schema.
			if applied, err := db.Migrate(ctx); err != nil || len(applied) != len(all)-2 {
				t.Errorf("Migrate after Stamp = %v, %v", versions(applied), err)
			}

			// Forced, a stamp marks what it is told to.
			empty := b.open(t)
			marked, err = empty.Stamp(ctx, first, &store.StampOptions{Force: true})
			if err != nil || !slices.Equal(versions(marked), []string{first}) {
				t.Errorf("forced Stamp = %v, %v", versions(marked), err)
			}
		})
	}
}

// TestMigrateToRollbackTo moves the schema up and down by version on every
// backend: up to a version applies exactly the migrations up to it, down
// to a version undoes exactly those after it whatever group applied them,
// and each step leaves the tables the migrations up to there create.
func TestMigrateToRollbackTo(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := b.open(t)
			all := versions(mustStatus(t, db))
			if len(all) < 3 {
				t.Fatalf("want at least three migrations, have %v", all)
			}
			if _, err := db.MigrateTo(ctx, "20990101000000"); !errors.As(err, new(*store.UnknownVersionError)) {
				t.Errorf("MigrateTo(unknown) = %v, want *UnknownVersionError", err)
			}
			applied, err := db.MigrateTo(ctx, all[0])
			if err != nil || !slices.Equal(versions(applied), all[:1]) {
				t.Fatalf("MigrateTo(%s) = %v, %v", all[0], versions(applied), err)
			}
			afterFirst := tableNames(t, db)
			applied, err = db.MigrateTo(ctx, all[2])
			if err != nil || !slices.Equal(versions(applied), all[1:3]) {
				t.Fatalf("MigrateTo(%s) = %v, %v", all[2], versions(applied), err)
			}
			if again, err := db.MigrateTo(ctx, all[1]); err != nil || len(again) != 0 {
				t.Errorf("MigrateTo an applied version = %v, %v; want nothing", versions(again), err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			groups := map[int64]bool{}
			for _, m := range mustStatus(t, db) {
				groups[m.Group] = true
			}
			if len(groups) < 3 {
				t.Errorf("three runs made groups %v", groups)
			}

			// Down to the first version crosses every group but the first.
			undone, err := db.RollbackTo(ctx, all[0])
			want := slices.Clone(all[1:])
			slices.Reverse(want)
			if err != nil || !slices.Equal(versions(undone), want) {
				t.Fatalf("RollbackTo(%s) = %v, %v; want %v", all[0], versions(undone), err, want)
			}
			if diff := cmp.Diff(afterFirst, tableNames(t, db)); diff != "" {
				t.Errorf("tables after down to the first (-after up to it +after down to it):\n%s", diff)
			}
			if diff := cmp.Diff(all[:1], appliedVersions(mustStatus(t, db))); diff != "" {
				t.Errorf("applied after RollbackTo (-want +got):\n%s", diff)
			}
			if undone, err := db.RollbackTo(ctx, all[0]); err != nil || len(undone) != 0 {
				t.Errorf("second RollbackTo = %v, %v; want nothing", versions(undone), err)
			}
			if _, err := db.RollbackTo(ctx, "20990101000000"); !errors.As(err, new(*store.UnknownVersionError)) {
				t.Errorf("RollbackTo(unknown) = %v", err)
			}
			undone, err = db.RollbackTo(ctx, "0")
			if err != nil || !slices.Equal(versions(undone), all[:1]) {
				t.Errorf("RollbackTo(0) = %v, %v", versions(undone), err)
			}
			if diff := cmp.Diff([]string{"bun_migration_locks", "bun_migrations"}, tableNames(t, db)); diff != "" {
				t.Errorf("tables left after down to 0 (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMigrationHistory lists a migration the database has applied but
// the build does not know, which can be listed but not rolled back.
func TestMigrationHistory(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := mustMigrate(t, b.open(t))
			all := versions(mustStatus(t, db))
			if _, err := db.Bun().ExecContext(ctx, "INSERT INTO bun_migrations (name, group_id, migrated_at) VALUES ('20990101000000', 7, CURRENT_TIMESTAMP)"); err != nil {
				t.Fatal(err)
			}
			history, err := db.MigrationHistory(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(append(slices.Clone(all), "20990101000000"), versions(history)); diff != "" {
				t.Errorf("history (-want +got):\n%s", diff)
			}
			last := history[len(history)-1]
			if !last.Unknown || last.Group != 7 || last.AppliedAt.IsZero() || last.Name != "" {
				t.Errorf("unknown migration in history = %+v", last)
			}
			if cur, ok := store.CurrentMigration(history); !ok || cur.Version != "20990101000000" {
				t.Errorf("CurrentMigration = %v, %v", cur, ok)
			}
			var ue *store.UnknownVersionError
			if _, err := db.RollbackTo(ctx, all[0]); !errors.As(err, &ue) || !ue.Applied || ue.Version != "20990101000000" {
				t.Errorf("RollbackTo past an unknown applied migration = %v", err)
			}
			if got := appliedVersions(mustStatus(t, db)); !slices.Equal(got, all) {
				t.Errorf("a refused rollback changed the applied set: %v", got)
			}
		})
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
