package store_test

import (
	"context"
	"errors"
	"io/fs"
	"slices"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/store"
)

// hostMigrations is a host service's own migrations: a table of notes
// that hangs on the library's users, in both dialects.
var hostMigrations = fstest.MapFS{
	"pg/20270101000000_notes.tx.up.sql":       {Data: []byte("CREATE TABLE host_notes (user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE, body text NOT NULL);\n")},
	"pg/20270101000000_notes.tx.down.sql":     {Data: []byte("DROP TABLE host_notes;\n")},
	"pg/20270102000000_tags.tx.up.sql":        {Data: []byte("CREATE TABLE host_tags (name text PRIMARY KEY);\n")},
	"pg/20270102000000_tags.tx.down.sql":      {Data: []byte("DROP TABLE host_tags;\n")},
	"sqlite/20270101000000_notes.tx.up.sql":   {Data: []byte("CREATE TABLE host_notes (user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE, body TEXT NOT NULL) STRICT;\n")},
	"sqlite/20270101000000_notes.tx.down.sql": {Data: []byte("DROP TABLE host_notes;\n")},
	"sqlite/20270102000000_tags.tx.up.sql":    {Data: []byte("CREATE TABLE host_tags (name TEXT PRIMARY KEY) STRICT;\n")},
	"sqlite/20270102000000_tags.tx.down.sql":  {Data: []byte("DROP TABLE host_tags;\n")},
}

// TestMigrationSet runs a host's migrations beside the library's on every
// backend: they have their own record, move up and down on their own, and
// leave the library's alone.
func TestMigrationSet(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := mustMigrate(t, b.open(t))
			library := mustStatus(t, db)
			host, err := db.MigrationSet(hostMigrations, "host_migrations")
			if err != nil {
				t.Fatal(err)
			}
			applied, err := host.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"20270101000000", "20270102000000"}, versions(applied)); diff != "" {
				t.Errorf("host Migrate applied (-want +got):\n%s", diff)
			}
			for _, table := range []string{"host_notes", "host_tags", "host_migrations"} {
				if !slices.Contains(tableNames(t, db), table) {
					t.Errorf("no table %s after the host's migrations", table)
				}
			}
			if diff := cmp.Diff(library, mustStatus(t, db)); diff != "" {
				t.Errorf("the host's migrations changed the library's record (-before +after):\n%s", diff)
			}
			if err := host.Check(ctx); err != nil {
				t.Error(err)
			}
			u := newUser(t, db)
			if _, err := db.Bun().ExecContext(ctx, "INSERT INTO host_notes (user_id, body) VALUES (?, 'hello')", u.ID.String()); err != nil {
				t.Fatalf("a host row on a library user: %v", err)
			}
			undone, err := host.RollbackTo(ctx, "20270101000000")
			if err != nil || !slices.Equal(versions(undone), []string{"20270102000000"}) {
				t.Errorf("host RollbackTo = %v, %v", versions(undone), err)
			}
			history, err := host.History(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff([]string{"20270101000000"}, appliedVersions(history)); diff != "" {
				t.Errorf("host history applied (-want +got):\n%s", diff)
			}
			if err := db.CheckMigrations(ctx); err != nil {
				t.Errorf("library after the host's rollback: %v", err)
			}
			var pending *store.PendingError
			if err := host.Check(ctx); !errors.As(err, &pending) || len(pending.Pending) != 1 {
				t.Errorf("host Check = %v, want one pending", err)
			}
		})
	}
}

func TestMigrationSetRefusals(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)
	for _, tt := range []struct {
		name  string
		fsys  fs.FS
		table string
	}{
		{"no files", nil, "host_migrations"},
		{"the library's table", hostMigrations, "bun_migrations"},
		{"the library's locks", hostMigrations, "bun_migration_locks"},
		{"not a name", hostMigrations, "host migrations; DROP TABLE users"},
		{"upper case", hostMigrations, "Host"},
		{"no folder for the dialect", fstest.MapFS{"pg/20270101000000_x.tx.up.sql": {}}, "host_migrations"},
	} {
		if _, err := db.MigrationSet(tt.fsys, tt.table); err == nil {
			t.Errorf("%s: MigrationSet accepted it", tt.name)
		}
	}
}

// TestPlans checks the pure planning of rollbacks and stamps.
func TestPlans(t *testing.T) {
	t.Parallel()
	m := func(v string, group int64) store.Migration {
		return store.Migration{Version: v, Name: "m" + v[:1], Group: group}
	}
	history := []store.Migration{m("1", 1), m("2", 1), m("3", 2), m("4", 0), m("5", 0)}
	for _, tt := range []struct {
		name    string
		plan    func([]store.Migration, string) ([]store.Migration, error)
		history []store.Migration
		to      string
		want    []string
		wantErr bool
	}{
		{"down to 1 crosses groups", store.RollbackPlan, history, "1", []string{"3", "2"}, false},
		{"down to 3", store.RollbackPlan, history, "3", nil, false},
		{"down to 0", store.RollbackPlan, history, "0", []string{"3", "2", "1"}, false},
		{"down to a pending version", store.RollbackPlan, history, "4", nil, false},
		{"down to an unknown version", store.RollbackPlan, history, "9", nil, true},
		{"down past an unknown applied", store.RollbackPlan, append(slices.Clone(history), store.Migration{Version: "6", Group: 3, Unknown: true}), "1", nil, true},
		{"stamp 4", store.StampPlan, history, "4", []string{"4"}, false},
		{"stamp 5", store.StampPlan, history, "5", []string{"4", "5"}, false},
		{"stamp an applied version", store.StampPlan, history, "2", nil, false},
		{"stamp an unknown version", store.StampPlan, history, "9", nil, true},
		{"stamp 0", store.StampPlan, history, "0", nil, true},
	} {
		got, err := tt.plan(tt.history, tt.to)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: error %v, want error %v", tt.name, err, tt.wantErr)
			continue
		}
		var gotV []string
		for _, g := range got {
			gotV = append(gotV, g.Version)
		}
		if diff := cmp.Diff(tt.want, gotV); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	if cur, ok := store.CurrentMigration(history); !ok || cur.Version != "3" {
		t.Errorf("CurrentMigration = %v, %v; want 3", cur, ok)
	}
	if _, ok := store.CurrentMigration(history[3:]); ok {
		t.Error("CurrentMigration of nothing applied reported one")
	}
}
