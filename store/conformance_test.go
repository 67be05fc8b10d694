package store_test

import (
	"testing"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/store/storetest"
)

// TestConformance runs the behaviour suite of every store port on SQLite
// (a temp file) and on Postgres (a fresh schema).
func TestConformance(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			storetest.Run(t, func(t *testing.T) lifeops.Store { return mustMigrate(t, b.open(t)) })
		})
	}
}
