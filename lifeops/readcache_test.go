package lifeops_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
)

// countingStore counts the snapshots read through it.
type countingStore struct {
	lifeops.Store
	snapshots atomic.Int64
}

func (c *countingStore) Snapshot(ctx context.Context, id uuid.UUID, q lifeops.SnapshotQuery) (lifeops.Snapshot, error) {
	c.snapshots.Add(1)
	return c.Store.Snapshot(ctx, id, q)
}

// TestTodayAnswersFromItsCache: Today asked again within the minute, with
// nothing written, is answered without a snapshot and equals a Today built
// afresh; a write through any Service on the store, or the next minute,
// builds it again; and the caller's changes to an answer never reach the
// next one.
func TestTodayAnswersFromItsCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	clock := &testClock{t: time.Date(2026, 3, 10, 9, 30, 10, 0, loc)}
	shared := memstore.New()
	st := &countingStore{Store: shared}
	svc := mustOK[*lifeops.Service](t)(lifeops.New(&lifeops.Config{Store: st, Clock: clock}))
	other := mustOK[*lifeops.Service](t)(lifeops.New(&lifeops.Config{Store: shared, Clock: clock})) // another process
	fresh := mustOK[*lifeops.Service](t)(lifeops.New(&lifeops.Config{Store: shared, Clock: clock, TodayCache: -1}))
	u := mustOK[lifeops.User](t)(svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"}))
	b := &bundle{store: shared, clock: clock, svc: other}
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 9})

	today := func() lifeops.Today { return mustOK[lifeops.Today](t)(svc.Today(ctx, u.ID, civil.Date{})) }
	check := func(what string, wantSnapshots int64) lifeops.Today {
		t.Helper()
		before := st.snapshots.Load()
		got := today()
		if n := st.snapshots.Load() - before; n != wantSnapshots {
			t.Errorf("%s: %d snapshots, want %d", what, n, wantSnapshots)
		}
		want := mustOK[lifeops.Today](t)(fresh.Today(ctx, u.ID, civil.Date{}))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: Today differs from one built afresh (-fresh +got):\n%s", what, diff)
		}
		return got
	}
	first := check("first Today", 1)
	check("asked again", 0)

	// The caller owns what it got.
	first.Feed[0].Title = "changed by the caller"
	first.Streaks = nil
	check("after the caller changed an answer", 0)

	// A completion through another Service on the same store.
	mustOK[lifeops.Outcome](t)(other.Complete(ctx, u.ID, it.ID, civil.Date{}, 0))
	done := check("after a completion elsewhere", 1)
	if done.XP.Total == 0 {
		t.Errorf("Today after the completion shows no XP: %+v", done.XP)
	}
	check("asked again after the completion", 0)

	// The next minute.
	clock.Set(clock.Now().Add(time.Minute))
	check("the next minute", 1)

	// A Service without the cache always reads.
	before := st.snapshots.Load()
	nocache := mustOK[*lifeops.Service](t)(lifeops.New(&lifeops.Config{Store: st, Clock: clock, TodayCache: -1}))
	for range 3 {
		mustOK[lifeops.Today](t)(nocache.Today(ctx, u.ID, civil.Date{}))
	}
	if n := st.snapshots.Load() - before; n != 3 {
		t.Errorf("without the cache, 3 Todays read %d snapshots", n)
	}
}
