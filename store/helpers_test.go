package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/store/pgtest"
)

// backend opens a fresh, empty store of one kind for a test.
type backend struct {
	name string
	open func(tb testing.TB) *store.DB
}

// backends lists every store kind: SQLite always, Postgres when reachable
// (pgtest skips or fails the test otherwise).
var backends = []backend{
	{"sqlite", openSQLite},
	{"postgres", openPostgres},
}

// forEachBackend runs test in parallel on a fresh, migrated store of
// every backend.
func forEachBackend(t *testing.T, test func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			test(t, mustMigrate(t, b.open(t)))
		})
	}
}

// openSQLite opens an unmigrated SQLite store in a temp dir.
func openSQLite(tb testing.TB) *store.DB {
	tb.Helper()
	return mustOpen(tb, filepath.Join(tb.TempDir(), "lifeops.db"))
}

// openPostgres opens an unmigrated store on a fresh Postgres schema.
func openPostgres(tb testing.TB) *store.DB {
	tb.Helper()
	return mustOpen(tb, pgtest.Schema(tb))
}

func mustOpen(tb testing.TB, dsn string) *store.DB {
	tb.Helper()
	db, err := store.Open(context.Background(), dsn, &store.Options{MaxOpenConns: 4, Keys: testKeys(tb)})
	if err != nil {
		tb.Fatalf("open %s: %v", dsn, err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return db
}

// mustMigrate brings db's schema up to date.
func mustMigrate(tb testing.TB, db *store.DB) *store.DB {
	tb.Helper()
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

func testKeys(tb testing.TB) *store.Keyring {
	tb.Helper()
	secret := make([]byte, store.KeySize)
	for i := range secret {
		secret[i] = byte(i)
	}
	k, err := store.NewKeyring(store.Key{ID: "test-1", Secret: lifeops.NewSecret(string(secret))})
	if err != nil {
		tb.Fatal(err)
	}
	return k
}
