package store

import (
	"context"
	"io/fs"
	"path"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

// TestEachDownUndoesItsUp applies the embedded migrations one at a time on
// both backends and checks, after each, that rolling it back restores the
// schema exactly as it was before it (tables, columns with their types,
// defaults and collations, indexes, constraints) and that applying it
// again gives the same schema as the first time.
func TestEachDownUndoesItsUp(t *testing.T) {
	t.Parallel()
	for _, b := range internalBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openRaw(t, b.dsn(t))
			dir := "migrations/" + string(db.dialect)
			entries, err := fs.ReadDir(migrationFiles, dir)
			if err != nil {
				t.Fatal(err)
			}
			var versions []string
			for _, e := range entries {
				if v, _, _ := strings.Cut(e.Name(), "_"); !slices.Contains(versions, v) {
					versions = append(versions, v)
				}
			}
			// firstN holds the files of the first n versions.
			firstN := func(n int) fstest.MapFS {
				out := fstest.MapFS{}
				for _, e := range entries {
					if v, _, _ := strings.Cut(e.Name(), "_"); slices.Index(versions, v) < n {
						data, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
						if err != nil {
							t.Fatal(err)
						}
						out[path.Join(dir, e.Name())] = &fstest.MapFile{Data: data}
					}
				}
				return out
			}
			db.migrationFS = firstN(1)
			if _, err := db.MigrationStatus(ctx); err != nil { // only creates the bookkeeping tables
				t.Fatal(err)
			}
			before := schemaOf(t, db)
			for n := 1; n <= len(versions); n++ {
				db.migrationFS = firstN(n)
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatalf("up %s: %v", versions[n-1], err)
				}
				after := schemaOf(t, db)
				if undone, err := db.Rollback(ctx); err != nil || len(undone) != 1 {
					t.Fatalf("down %s = %v, %v; want it alone undone", versions[n-1], undone, err)
				}
				if diff := cmp.Diff(before, schemaOf(t, db)); diff != "" {
					t.Errorf("down %s does not undo its up (-before up +after down):\n%s", versions[n-1], diff)
				}
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatalf("up %s again: %v", versions[n-1], err)
				}
				if diff := cmp.Diff(after, schemaOf(t, db)); diff != "" {
					t.Errorf("up %s after its down differs (-first +second):\n%s", versions[n-1], diff)
				}
				before = after
			}
		})
	}
}

// schemaOf describes the store's schema, one line per table, column,
// index and constraint, sorted.
func schemaOf(tb testing.TB, db *DB) []string {
	tb.Helper()
	queries := []string{
		"SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
	}
	if db.dialect == Postgres {
		queries = []string{
			`SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '') ||
				' null=' || is_nullable || ' default=' || coalesce(column_default, '') || ' collate=' || coalesce(collation_name, '')
			FROM information_schema.columns WHERE table_schema = current_schema()`,
			`SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()`,
			`SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid)
			FROM pg_constraint WHERE connamespace = current_schema()::regnamespace`,
		}
	}
	var out []string
	for _, q := range queries {
		var lines []string
		if err := db.bun.NewRaw(q).Scan(context.Background(), &lines); err != nil {
			tb.Fatal(err)
		}
		out = append(out, lines...)
	}
	slices.Sort(out)
	return out
}
