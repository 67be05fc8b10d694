package memstore_test

import (
	"testing"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/store/storetest"
)

// TestConformance runs the shared store suite against the in-memory store.
func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) lifeops.Store { return memstore.New() })
}
