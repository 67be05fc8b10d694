package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing/fstest"
	"time"

	"github.com/lifeops/lifeops/store"
)

// A host service runs its own migrations beside the library's: its own
// folder of SQL files (os.DirFS or an embed.FS), its own bookkeeping
// table, the same lock.
func ExampleDB_MigrationSet() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	db, _ := store.Open(ctx, filepath.Join(dir, "lifeops.db"), nil)
	defer db.Close()
	db.Migrate(ctx) // the library's first: the host's tables refer to users

	hostFiles := fstest.MapFS{ // in a real service: os.DirFS("db/migrations")
		"sqlite/20270101000000_notes.tx.up.sql":   {Data: []byte("CREATE TABLE notes (user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE, body TEXT NOT NULL) STRICT;")},
		"sqlite/20270101000000_notes.tx.down.sql": {Data: []byte("DROP TABLE notes;")},
	}
	host, err := db.MigrationSet(hostFiles, "notes_migrations")
	if err != nil {
		fmt.Println(err)
		return
	}
	applied, err := host.Migrate(ctx)
	fmt.Println(applied, err)
	fmt.Println(db.CheckMigrations(ctx), host.Check(ctx))
	// Output:
	// [20270101000000_notes] <nil>
	// <nil> <nil>
}

// What rolling back to a version would undo, before doing it.
func ExampleRollbackPlan() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	db, _ := store.Open(ctx, filepath.Join(dir, "lifeops.db"), nil)
	defer db.Close()
	db.MigrateTo(ctx, "20261127100000")

	history, _ := db.MigrationHistory(ctx)
	plan, err := store.RollbackPlan(history, "20261125234500")
	fmt.Println(plan, err)
	// Output: [20261127100000_work_day_optional_minutes 20261127090000_zone_changes] <nil>
}

// What stamping a version would mark, before doing it.
func ExampleStampPlan() {
	history := []store.Migration{
		{Version: "20261125233000", Name: "core", Group: 1},
		{Version: "20261125234500", Name: "scores_game_timeline"},
		{Version: "20261127090000", Name: "zone_changes"},
	}
	plan, err := store.StampPlan(history, "20261125234500")
	fmt.Println(plan, err)
	current, _ := store.CurrentMigration(history)
	fmt.Println(current)
	// Output:
	// [20261125234500_scores_game_timeline] <nil>
	// 20261125233000_core
}

// A host's migrations folder for Postgres alone.
func ExampleCreateMigration_hostFolder() {
	dir, done := exampleDir()
	defer done()
	os.Mkdir(filepath.Join(dir, "pg"), 0o755)
	paths, err := store.CreateMigration(dir, "notes", time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC))
	for _, p := range paths {
		rel, _ := filepath.Rel(dir, p)
		fmt.Println(filepath.ToSlash(rel))
	}
	fmt.Println(err)
	// Output:
	// pg/20270102030405_notes.tx.up.sql
	// pg/20270102030405_notes.tx.down.sql
	// <nil>
}
