package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/lifeops/lifeops/store"
)

// Back a store up with a manifest, verify the backup in a scratch copy,
// and restore it into an empty store.
func ExampleDB_BackupTo() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	db, _ := store.Open(ctx, filepath.Join(dir, "lifeops.db"), nil)
	defer db.Close()
	db.Migrate(ctx)
	db.CreateUser(ctx, exampleUser)

	at := func() time.Time { return time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC) }
	m, err := db.BackupTo(ctx, dir, &store.BackupOptions{Now: at}) // a folder: the file is named after the time
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.File, m.Method, m.Tables["users"])

	report, err := store.VerifyBackup(ctx, m.Path(), nil)
	for _, c := range report.Checks {
		fmt.Println(c.Name, c.OK)
	}
	fmt.Println(err)

	empty, _ := store.Open(ctx, filepath.Join(dir, "restored.db"), nil)
	defer empty.Close()
	_, err = empty.RestoreFrom(ctx, m.Path(), nil)
	u, _ := empty.User(ctx, exampleUser.ID)
	fmt.Println(u.Name, err)
	// Output:
	// lifeops-20270102T030405Z.sqlite sqlite 1
	// manifest true
	// checksum true
	// restore true
	// schema version true
	// row counts true
	// <nil>
	// Ada <nil>
}

// Keep a week of daily backups and a month of weekly ones: of forty
// daily backups up to Tuesday 9 February, the seven last days stay, and
// the newest of each of the four last ISO weeks (9, 7, 31 and 24).
func ExamplePruneBackups() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	db, _ := store.Open(ctx, filepath.Join(dir, "lifeops.db"), nil)
	defer db.Close()
	db.Migrate(ctx)

	backups := filepath.Join(dir, "backups")
	os.Mkdir(backups, 0o755)
	for day := 1; day <= 40; day++ {
		at := time.Date(2027, 1, 1, 2, 0, 0, 0, time.UTC).AddDate(0, 0, day-1)
		db.BackupTo(ctx, backups, &store.BackupOptions{Now: func() time.Time { return at }})
	}
	removed, err := store.PruneBackups(backups, 7, 4)
	left, _ := store.ListBackups(backups)
	fmt.Println(len(removed), len(left), err)
	fmt.Println("newest:", left[0].File)
	fmt.Println("oldest:", left[len(left)-1].File)
	// Output:
	// 31 9 <nil>
	// newest: lifeops-20270209T020000Z.sqlite
	// oldest: lifeops-20270124T020000Z.sqlite
}

// Count every table's rows in one snapshot; HoldsData tells a store with
// people in it from one with only a schema.
func ExampleDB_RowCounts() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	db, _ := store.Open(ctx, filepath.Join(dir, "lifeops.db"), nil)
	defer db.Close()
	db.Migrate(ctx)

	counts, _ := db.RowCounts(ctx)
	fmt.Println(counts["bun_migrations"] > 0, counts["users"], store.HoldsData(counts))
	db.CreateUser(ctx, exampleUser)
	counts, _ = db.RowCounts(ctx)
	fmt.Println(counts["users"], store.HoldsData(counts))
	// Output:
	// true 0 false
	// 1 true
}
