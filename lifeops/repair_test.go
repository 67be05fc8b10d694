package lifeops_test

import (
	"context"
	"errors"
	"strings"
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

// crashingStore is a memstore whose chosen write fails once, as if the
// process had died between two writes of a use case.
type crashingStore struct {
	*memstore.Store
	failAddXP       atomic.Bool
	failDeleteEvent atomic.Bool
}

var _ lifeops.Store = (*crashingStore)(nil)

var errCrash = errors.New("crash")

func (s *crashingStore) AddXP(ctx context.Context, e lifeops.XPEntry) (lifeops.XPEntry, bool, error) {
	if s.failAddXP.CompareAndSwap(true, false) {
		return lifeops.XPEntry{}, false, errCrash
	}
	return s.Store.AddXP(ctx, e)
}

func (s *crashingStore) DeleteEvent(ctx context.Context, userID, itemID uuid.UUID, d civil.Date, kind lifeops.EventKind) (bool, error) {
	if s.failDeleteEvent.CompareAndSwap(true, false) {
		return false, errCrash
	}
	return s.Store.DeleteEvent(ctx, userID, itemID, d, kind)
}

// TestRetryRepairsAnInterruptedWrite stops Complete between storing the
// completion and its XP, and Undo between taking the XP back and deleting
// the completion; repeating each request gives the state one clean request
// gives.
func TestRetryRepairsAnInterruptedWrite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	now := time.Date(2026, 3, 10, 7, 40, 0, 0, loc)
	store := &crashingStore{Store: memstore.New()}
	svc, err := lifeops.New(&lifeops.Config{Store: store, Clock: lifeops.ClockFunc(func() time.Time { return now })})
	if err != nil {
		t.Fatal(err)
	}
	u := mustOK[lifeops.User](t)(svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"}))
	b := &bundle{svc: svc, store: store.Store}
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})

	store.failAddXP.Store(true)
	if _, err := svc.Complete(ctx, u.ID, it.ID, day(10)); !errors.Is(err, errCrash) {
		t.Fatalf("Complete with a crash = %v", err)
	}
	if hasXP(t, b, u.ID, "completion:"+it.ID.String()+":2026-03-10") {
		t.Fatal("the crash did not happen between the two writes")
	}
	out := mustOK[lifeops.Outcome](t)(svc.Complete(ctx, u.ID, it.ID, day(10)))
	if out.Award == nil || out.Award.Points != 6 || len(out.Events) != 1 {
		t.Errorf("retried completion: award %+v, %d events", out.Award, len(out.Events))
	}

	// A clean run of the same request on another service, for comparison.
	clean := setup(t, now)
	cu := clean.user(t)
	cit := clean.item(t, cu.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	want := mustOK[lifeops.Outcome](t)(clean.svc.Complete(ctx, cu.ID, cit.ID, day(10)))
	if out.XP != want.XP {
		t.Errorf("XP after a repaired completion = %+v, after a clean one = %+v", out.XP, want.XP)
	}

	store.failDeleteEvent.Store(true)
	if _, err := svc.Undo(ctx, u.ID, it.ID, day(10)); !errors.Is(err, errCrash) {
		t.Fatalf("Undo with a crash = %v", err)
	}
	undone := mustOK[lifeops.Outcome](t)(svc.Undo(ctx, u.ID, it.ID, day(10)))
	cleanUndone := mustOK[lifeops.Outcome](t)(clean.svc.Undo(ctx, cu.ID, cit.ID, day(10)))
	if len(undone.Events) != 0 || undone.Award != nil || undone.XP != cleanUndone.XP {
		t.Errorf("retried undo: %+v, want the state of a clean undo %+v", undone, cleanUndone)
	}
}

func TestScoringAndGoalsAreIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 9, 0, 0, 0, loc))
	u := b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 8, Minute: 50})
	mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10)))
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
	g1 := mustOK[lifeops.Goals](t)(b.svc.SetGoals(ctx, u.ID, g))
	g2 := mustOK[lifeops.Goals](t)(b.svc.SetGoals(ctx, u.ID, g))
	if diff := cmp.Diff(g1, g2); diff != "" {
		t.Errorf("setting goals twice (-first +second):\n%s", diff)
	}
}

// raceStore is a memstore that runs a hook, once, just before a chosen
// write, so a test can put another request exactly between two writes of a
// use case.
type raceStore struct {
	*memstore.Store
	beforeAddXP       atomic.Pointer[func()]
	beforeSecondDelXP atomic.Pointer[func()]
	delXP             atomic.Int32
}

func (s *raceStore) AddXP(ctx context.Context, e lifeops.XPEntry) (lifeops.XPEntry, bool, error) {
	if f := s.beforeAddXP.Swap(nil); f != nil && strings.HasPrefix(e.Key, "completion:") {
		(*f)()
	}
	return s.Store.AddXP(ctx, e)
}

func (s *raceStore) DeleteXP(ctx context.Context, userID uuid.UUID, key string) (bool, error) {
	if strings.HasPrefix(key, "completion:") && s.delXP.Add(1) == 2 {
		if f := s.beforeSecondDelXP.Swap(nil); f != nil {
			(*f)()
		}
	}
	return s.Store.DeleteXP(ctx, userID, key)
}

// TestCompleteRacingUndoKeepsXPWithItsCompletion: a completion and an undo
// of the same occurrence that interleave their writes end as one of them
// after the other would: completed with its XP, or undone without it;
// never a completion without XP or XP without a completion.
func TestCompleteRacingUndoKeepsXPWithItsCompletion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	now := time.Date(2026, 3, 10, 7, 40, 0, 0, loc)
	tests := []struct {
		name string
		// arm sets the hook on the store; first runs, and the hook runs
		// the other request in the middle of it.
		arm func(s *raceStore, other func())
		// first is the request interrupted; other the one that runs inside.
		firstUndo bool
	}{
		// Complete stores the completion; an undo runs whole before its
		// XP is written.
		{"undo between the completion and its XP", func(s *raceStore, other func()) { s.beforeAddXP.Store(&other) }, false},
		// Undo deleted the events; a completion runs whole before the
		// undo takes the XP back a second time.
		{"complete between an undo's deletes", func(s *raceStore, other func()) { s.beforeSecondDelXP.Store(&other) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			store := &raceStore{Store: memstore.New()}
			svc, err := lifeops.New(&lifeops.Config{Store: store, Clock: lifeops.ClockFunc(func() time.Time { return now })})
			if err != nil {
				t.Fatal(err)
			}
			u := mustOK[lifeops.User](t)(svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"}))
			b := &bundle{svc: svc, store: store.Store}
			it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
			complete := func() {
				if _, err := svc.Complete(ctx, u.ID, it.ID, day(10)); err != nil {
					t.Errorf("Complete: %v", err)
				}
			}
			undo := func() {
				if _, err := svc.Undo(ctx, u.ID, it.ID, day(10)); err != nil {
					t.Errorf("Undo: %v", err)
				}
			}
			if tt.firstUndo {
				complete()
				store.delXP.Store(0)
				tt.arm(store, complete)
				undo()
			} else {
				tt.arm(store, undo)
				complete()
			}
			events := mustOK[[]lifeops.Event](t)(store.Events(ctx, u.ID, day(10), day(10)))
			completed := len(events) == 1 && events[0].Kind == lifeops.EventCompleted
			xp := hasXP(t, b, u.ID, score.CompletionKey(it.ID.String(), day(10)))
			if completed != xp {
				t.Errorf("completed %v but completion XP %v (events %+v)", completed, xp, events)
			}
		})
	}
}
