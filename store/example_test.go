package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/store"
)

// exampleDir makes a scratch folder for an example.
func exampleDir() (string, func()) {
	dir, err := os.MkdirTemp("", "lifeops-example-")
	if err != nil {
		panic(err)
	}
	return dir, func() { os.RemoveAll(dir) }
}

var exampleUser = lifeops.User{
	ID: uuid.MustParse("0b7c0a52-52b5-4f55-9a39-3c2f4d0a7e11"), Name: "Ada", Zone: "Europe/Berlin", DayStartHour: 4,
	WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23},
	CreatedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC),
}

// Open a SQLite file (a postgres:// URL works the same way), bring its
// schema up to date, and use it as a lifeops.Store.
func ExampleOpen() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()

	db, err := store.Open(ctx, filepath.Join(dir, "lifeops.db"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		fmt.Println(err)
		return
	}
	if err := db.CreateUser(ctx, exampleUser); err != nil {
		fmt.Println(err)
		return
	}
	u, err := db.User(ctx, exampleUser.ID)
	fmt.Println(db.Dialect(), u.Name, u.Zone, u.WakeTime, err)
	// Output: sqlite Ada Europe/Berlin 07:00 <nil>
}

// Share a pool the host already has.
func ExampleOpenDB() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	sqldb, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "host.db")+"?_pragma=foreign_keys(1)")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sqldb.Close()
	db, err := store.OpenDB(ctx, sqldb, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(db.Dialect())
	// Output: sqlite
}

// Wrap an existing *bun.DB.
func ExampleOpenBun() {
	dir, done := exampleDir()
	defer done()
	sqldb, err := sql.Open("sqlite", filepath.Join(dir, "host.db")+"?_pragma=foreign_keys(1)")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sqldb.Close()
	db, err := store.OpenBun(context.Background(), bun.NewDB(sqldb, sqlitedialect.New()), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(db.Dialect())
	// Output: sqlite
}

// Migrations: up to a version, roll back to a version, a refused stamp,
// the current version, then up to the end.
func ExampleDB_Migrate() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	db, err := store.Open(ctx, filepath.Join(dir, "lifeops.db"), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer db.Close()

	fmt.Println("check:", db.CheckMigrations(ctx) != nil)
	applied, _ := db.MigrateTo(ctx, "20261125234500")
	fmt.Println("applied:", applied)
	applied, _ = db.MigrateTo(ctx, "20261127090000")
	fmt.Println("applied:", applied)
	undone, _ := db.RollbackTo(ctx, "20261125233000")
	fmt.Println("rolled back:", undone)
	_, err = db.Stamp(ctx, "20261125234500", nil)
	fmt.Println("stamp refused:", errors.As(err, new(*store.MissingTablesError)))
	history, _ := db.MigrationHistory(ctx)
	current, _ := store.CurrentMigration(history)
	fmt.Println("current:", current)
	applied, _ = db.Migrate(ctx)
	fmt.Println("check:", db.CheckMigrations(ctx), len(applied) == len(history)-1)
	// Output:
	// check: true
	// applied: [20261125233000_core 20261125234500_scores_game_timeline]
	// applied: [20261127090000_zone_changes]
	// rolled back: [20261127090000_zone_changes 20261125234500_scores_game_timeline]
	// stamp refused: true
	// current: 20261125233000_core
	// check: <nil> true
}

// Create an empty migration pair for both dialects in a source checkout.
func ExampleCreateMigration() {
	dir, done := exampleDir()
	defer done()
	os.Mkdir(filepath.Join(dir, "pg"), 0o755)
	os.Mkdir(filepath.Join(dir, "sqlite"), 0o755)
	paths, err := store.CreateMigration(dir, "add_streaks", time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC))
	for _, p := range paths {
		rel, _ := filepath.Rel(dir, p)
		fmt.Println(filepath.ToSlash(rel))
	}
	fmt.Println(err)
	// Output:
	// pg/20270102030405_add_streaks.tx.up.sql
	// pg/20270102030405_add_streaks.tx.down.sql
	// sqlite/20270102030405_add_streaks.tx.up.sql
	// sqlite/20270102030405_add_streaks.tx.down.sql
	// <nil>
}

// Seal and open a secret; a ring with a new primary still opens what the
// old key sealed.
func ExampleNewKeyring() {
	old, _ := store.NewKeyring(store.Key{ID: "2026", Secret: lifeops.NewSecret(string(bytes.Repeat([]byte{1}, store.KeySize)))})
	sealed, _ := old.Seal([]byte("oura-token"), []byte("user-1"))

	rotated, _ := store.NewKeyring(
		store.Key{ID: "2027", Secret: lifeops.NewSecret(string(bytes.Repeat([]byte{2}, store.KeySize)))},
		store.Key{ID: "2026", Secret: lifeops.NewSecret(string(bytes.Repeat([]byte{1}, store.KeySize)))},
	)
	plain, err := rotated.Open(sealed, []byte("user-1"))
	id, _ := store.SealedKeyID(sealed)
	fmt.Println(string(plain), err, id, rotated.Primary())
	_, err = rotated.Open(sealed, []byte("user-2"))
	fmt.Println(err != nil)
	// Output:
	// oura-token <nil> 2026 2027
	// true
}

// Read a key from its ID:BASE64 form, as in LIFEOPS_ENCRYPTION_KEY.
func ExampleParseKey() {
	k, err := store.ParseKey("main:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=")
	fmt.Println(k.ID, k.Secret.Len(), err)
	// Output: main 32 <nil>
}

// Credentials are sealed at rest; RotateKeys re-seals them under a new
// primary key.
func ExampleDB_RotateKeys() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	k1 := store.Key{ID: "k1", Secret: lifeops.NewSecret(string(bytes.Repeat([]byte{1}, store.KeySize)))}
	k2 := store.Key{ID: "k2", Secret: lifeops.NewSecret(string(bytes.Repeat([]byte{2}, store.KeySize)))}
	ring1, _ := store.NewKeyring(k1)
	path := filepath.Join(dir, "lifeops.db")
	db, _ := store.Open(ctx, path, &store.Options{Keys: ring1})
	db.Migrate(ctx)
	db.CreateUser(ctx, exampleUser)
	db.PutCredential(ctx, lifeops.Credential{UserID: exampleUser.ID, Provider: "oura", AccessToken: lifeops.NewSecret("secret"), UpdatedAt: exampleUser.CreatedAt})
	db.Close()

	ring2, _ := store.NewKeyring(k2, k1)
	db, _ = store.Open(ctx, path, &store.Options{Keys: ring2})
	defer db.Close()
	n, err := db.RotateKeys(ctx)
	fmt.Println("re-sealed:", n, err)
	c, err := db.Credential(ctx, exampleUser.ID, "oura")
	fmt.Println(c.AccessToken.Reveal(), err)
	// Output:
	// re-sealed: 1 <nil>
	// secret <nil>
}

// Export one person to a JSON document and import it into another store.
func ExampleExportUser() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	src, _ := store.Open(ctx, filepath.Join(dir, "a.db"), nil)
	defer src.Close()
	dst, _ := store.Open(ctx, filepath.Join(dir, "b.db"), nil)
	defer dst.Close()
	src.Migrate(ctx)
	dst.Migrate(ctx)
	src.CreateUser(ctx, exampleUser)
	src.PutHeartRate(ctx, exampleUser.ID, []lifeops.HeartRateSample{{At: exampleUser.CreatedAt, BPM: 58, Source: "rest"}})
	src.AddZoneChange(ctx, lifeops.ZoneChange{UserID: exampleUser.ID, At: exampleUser.CreatedAt.Add(time.Hour), From: exampleUser.Zone, To: "Asia/Tokyo"})

	x, err := store.ExportUser(ctx, src, exampleUser.ID, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	var file bytes.Buffer
	store.WriteExport(&file, x)
	doc, err := store.ReadExport(&file)
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := store.ImportUser(ctx, dst, doc, nil)
	fmt.Println(doc.Format, doc.Version, res.Users, res.HeartRate, res.ZoneChanges, err)
	// Output: lifeops-export 4 1 1 1 <nil>
}

// Stream an export document into a store: into the document's own person
// the first time, and then, as that person exists, either with Replace or
// into a new person.
func ExampleImportFrom() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	db, _ := store.Open(ctx, filepath.Join(dir, "lifeops.db"), nil)
	defer db.Close()
	db.Migrate(ctx)
	src := memstore.New()
	src.CreateUser(ctx, exampleUser)
	src.PutHeartRate(ctx, exampleUser.ID, []lifeops.HeartRateSample{{At: exampleUser.CreatedAt, BPM: 58}})
	x, _ := store.ExportUser(ctx, src, exampleUser.ID, nil)
	var file bytes.Buffer
	store.WriteExport(&file, x)
	doc := file.Bytes()

	res, err := store.ImportFrom(ctx, db, bytes.NewReader(doc), nil)
	fmt.Println(res.UserID == exampleUser.ID, res.HeartRate, err)
	_, err = store.ImportFrom(ctx, db, bytes.NewReader(doc), nil)
	fmt.Println(errors.Is(err, lifeops.ErrConflict))
	res, err = store.ImportFrom(ctx, db, bytes.NewReader(doc), &store.ImportOptions{NewUser: true})
	fmt.Println(res.UserID != exampleUser.ID, res.HeartRate, err)
	_, err = store.ImportFrom(ctx, db, bytes.NewReader(doc), &store.ImportOptions{MaxBytes: 100})
	fmt.Println(errors.Is(err, store.ErrImportTooLarge))
	// Output:
	// true 1 <nil>
	// true
	// true 1 <nil>
	// true
}

// Copy every person between stores, SQLite to Postgres for instance.
func ExampleCopyUsers() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	src, _ := store.Open(ctx, filepath.Join(dir, "a.db"), nil)
	defer src.Close()
	dst, _ := store.Open(ctx, filepath.Join(dir, "b.db"), nil)
	defer dst.Close()
	src.Migrate(ctx)
	dst.Migrate(ctx)
	src.CreateUser(ctx, exampleUser)
	res, err := store.CopyUsers(ctx, src, dst, nil)
	fmt.Println(res.Users, err)
	// Output: 1 <nil>
}

// Back a SQLite store up while it is in use, and open the copy.
func ExampleDB_Backup() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	db, _ := store.Open(ctx, filepath.Join(dir, "lifeops.db"), nil)
	defer db.Close()
	db.Migrate(ctx)
	db.CreateUser(ctx, exampleUser)

	backup := filepath.Join(dir, "backup.db")
	fmt.Println(db.Backup(ctx, backup))
	restored, _ := store.Open(ctx, backup, nil)
	defer restored.Close()
	u, err := restored.User(ctx, exampleUser.ID)
	fmt.Println(u.Name, err)
	// Output:
	// <nil>
	// Ada <nil>
}

// Several writes as one transaction.
func ExampleDB_InTx() {
	dir, done := exampleDir()
	defer done()
	ctx := context.Background()
	db, _ := store.Open(ctx, filepath.Join(dir, "lifeops.db"), nil)
	defer db.Close()
	db.Migrate(ctx)
	err := db.InTx(ctx, func(tx *store.DB) error {
		if err := tx.CreateUser(ctx, exampleUser); err != nil {
			return err
		}
		return tx.PutGoals(ctx, lifeops.DefaultGoals(exampleUser.ID))
	})
	g, _ := db.Goals(ctx, exampleUser.ID)
	fmt.Println(err, g.Steps)
	// Output: <nil> 8000
}
