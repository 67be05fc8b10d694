package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/servicetest"
	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/store/pgtest"
)

func TestMain(m *testing.M) {
	if servicetest.Child(openService) {
		return
	}
	os.Exit(m.Run())
}

// openService opens another pool on dsn, as another process does.
func openService(tb testing.TB, dsn string) lifeops.Store {
	tb.Helper()
	db, err := store.Open(context.Background(), dsn, &store.Options{MaxOpenConns: 4})
	if err != nil {
		tb.Fatalf("open %s: %v", dsn, err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}

// TestService runs the Service's concurrency scenarios on SQLite and
// Postgres, with a second pool and a second process on the same database.
func TestService(t *testing.T) {
	t.Parallel()
	dsns := map[string]func(t *testing.T) string{
		"sqlite":   func(t *testing.T) string { return filepath.Join(t.TempDir(), "lifeops.db") },
		"postgres": func(t *testing.T) string { return pgtest.Schema(t) },
	}
	for name, dsn := range dsns {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			servicetest.Run(t, servicetest.Backend{
				New: func(t *testing.T) (lifeops.Store, string) {
					d := dsn(t)
					return mustMigrate(t, mustOpen(t, d)), d
				},
				Open: openService,
			})
		})
	}
}
