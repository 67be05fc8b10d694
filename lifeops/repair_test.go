package lifeops_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/score"
)

// crashingStore is a store whose chosen write fails once, as if the
// process had died in the middle of a unit of work. It wraps the store a
// unit of work hands out too, where the Service does its writes.
type crashingStore struct {
	lifeops.Store
	faults *faults
}

type faults struct {
	updateXP    atomic.Bool
	deleteEvent atomic.Bool
	putScores   atomic.Bool
}

var _ lifeops.Store = crashingStore{}

var errCrash = errors.New("crash")

func (s crashingStore) Update(ctx context.Context, userID uuid.UUID, fn func(tx lifeops.Store) error) error {
	return s.Store.Update(ctx, userID, func(tx lifeops.Store) error { return fn(crashingStore{tx, s.faults}) })
}

func (s crashingStore) UpdateXP(ctx context.Context, userID uuid.UUID, add []lifeops.XPEntry, remove []string) error {
	if s.faults.updateXP.CompareAndSwap(true, false) {
		return errCrash
	}
	return s.Store.UpdateXP(ctx, userID, add, remove)
}

func (s crashingStore) DeleteEvent(ctx context.Context, userID, itemID uuid.UUID, d civil.Date, slot int, kind lifeops.EventKind) (bool, error) {
	if s.faults.deleteEvent.CompareAndSwap(true, false) {
		return false, errCrash
	}
	return s.Store.DeleteEvent(ctx, userID, itemID, d, slot, kind)
}

func (s crashingStore) PutScores(ctx context.Context, scores ...lifeops.DayScores) error {
	if s.faults.putScores.CompareAndSwap(true, false) {
		return errCrash
	}
	return s.Store.PutScores(ctx, scores...)
}

// TestACrashInAUnitOfWorkLeavesNothing stops Complete and Undo at each of
// their writes: the failed request leaves the store exactly as it was, and
// sending it again gives the state one clean request gives.
func TestACrashInAUnitOfWorkLeavesNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	now := time.Date(2026, 3, 10, 7, 40, 0, 0, loc)
	for _, crash := range []string{"xp", "scores"} {
		t.Run(crash, func(t *testing.T) {
			t.Parallel()
			mem := memstore.New()
			store := crashingStore{mem, &faults{}}
			svc, err := lifeops.New(&lifeops.Config{Store: store, Clock: lifeops.ClockFunc(func() time.Time { return now })})
			if err != nil {
				t.Fatal(err)
			}
			u := mustOK[lifeops.User](t)(svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"}))
			b := &bundle{svc: svc, store: mem}
			it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
			before := exportOf(t, mem, u.ID)

			arm := func() {
				if crash == "xp" {
					store.faults.updateXP.Store(true)
				} else {
					store.faults.putScores.Store(true)
				}
			}
			arm()
			if _, err := svc.Complete(ctx, u.ID, it.ID, day(10), 0); !errors.Is(err, errCrash) {
				t.Fatalf("Complete with a crash = %v", err)
			}
			if diff := cmp.Diff(before, exportOf(t, mem, u.ID)); diff != "" {
				t.Fatalf("a crashed Complete left writes behind (-before +after):\n%s", diff)
			}
			out := mustOK[lifeops.Outcome](t)(svc.Complete(ctx, u.ID, it.ID, day(10), 0))

			clean := setup(t, now)
			cu := clean.user(t)
			cit := clean.item(t, cu.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
			want := mustOK[lifeops.Outcome](t)(clean.svc.Complete(ctx, cu.ID, cit.ID, day(10), 0))
			if out.Award == nil || out.Award.Points != want.Award.Points || len(out.Events) != 1 || out.XP != want.XP {
				t.Errorf("retried completion: award %+v, %d events, XP %+v; a clean one: award %+v, XP %+v", out.Award, len(out.Events), out.XP, want.Award, want.XP)
			}

			completed := exportOf(t, mem, u.ID)
			store.faults.deleteEvent.Store(true)
			if _, err := svc.Undo(ctx, u.ID, it.ID, day(10), 0); !errors.Is(err, errCrash) {
				t.Fatalf("Undo with a crash = %v", err)
			}
			if diff := cmp.Diff(completed, exportOf(t, mem, u.ID)); diff != "" {
				t.Fatalf("a crashed Undo left writes behind (-before +after):\n%s", diff)
			}
			undone := mustOK[lifeops.Outcome](t)(svc.Undo(ctx, u.ID, it.ID, day(10), 0))
			cleanUndone := mustOK[lifeops.Outcome](t)(clean.svc.Undo(ctx, cu.ID, cit.ID, day(10), 0))
			if len(undone.Events) != 0 || undone.Award != nil || undone.XP != cleanUndone.XP {
				t.Errorf("retried undo: %+v, want the state of a clean undo %+v", undone, cleanUndone)
			}
			if hasXP(t, b, u.ID, score.CompletionKey(it.ID.String(), day(10), 0)) {
				t.Error("the completion XP is still in the ledger after the undo")
			}
		})
	}
}

// ledgerState is what a crash test compares: the records a unit of work
// writes.
type ledgerState struct {
	Events []lifeops.Event
	XP     []lifeops.XPEntry
	Total  int64
	Scores []lifeops.DayScores
}

func exportOf(t *testing.T, s *memstore.Store, userID uuid.UUID) ledgerState {
	t.Helper()
	ctx := context.Background()
	from, to := civil.D(2026, 1, 1), civil.D(2026, 12, 31)
	return ledgerState{
		Events: mustOK[[]lifeops.Event](t)(s.Events(ctx, userID, from, to)),
		XP:     mustOK[[]lifeops.XPEntry](t)(s.XPEntries(ctx, userID, lifeops.XPQuery{})),
		Total:  mustOK[int64](t)(s.XPTotal(ctx, userID)),
		Scores: mustOK[[]lifeops.DayScores](t)(s.Scores(ctx, userID, from, to)),
	}
}

func TestScoringAndGoalsAreIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 9, 0, 0, 0, loc))
	u := b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 8, Minute: 50})
	mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10), 0))
	first := mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, day(10)))
	ledger := mustOK[lifeops.XPLedger](t)(b.svc.XP(ctx, u.ID, lifeops.XPQuery{}))
	second := mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, day(10)))
	if diff := cmp.Diff(first, second); diff != "" {
		t.Errorf("scoring a day twice (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(ledger, mustOK[lifeops.XPLedger](t)(b.svc.XP(ctx, u.ID, lifeops.XPQuery{}))); diff != "" {
		t.Errorf("scoring a day twice changed the ledger (-before +after):\n%s", diff)
	}
	g := lifeops.DefaultGoals(u.ID)
	g.Steps = 12000
	g1 := mustOK[lifeops.Goals](t)(b.svc.PutGoals(ctx, u.ID, g))
	g2 := mustOK[lifeops.Goals](t)(b.svc.PutGoals(ctx, u.ID, g))
	if diff := cmp.Diff(g1, g2); diff != "" {
		t.Errorf("setting goals twice (-first +second):\n%s", diff)
	}
}
