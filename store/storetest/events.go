package storetest

import (
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// newEvent returns a valid event of kind on (itemID, d).
func newEvent(userID, itemID uuid.UUID, d civil.Date, kind lifeops.EventKind) lifeops.Event {
	e := lifeops.Event{ID: uuid.New(), UserID: userID, ItemID: itemID, Date: d, Kind: kind,
		At: at(d.Year, d.Month, d.Day, 7, 30), CreatedAt: at(d.Year, d.Month, d.Day, 7, 30)}
	switch kind {
	case lifeops.EventSkipped:
		e.Reason = "raining"
	case lifeops.EventPostponed:
		e.To = at(d.Year, d.Month, d.Day, 9, 0)
	}
	return e
}

func storedEvent(e lifeops.Event) lifeops.Event {
	e.At, e.To, e.CreatedAt = stored(e.At), stored(e.To), stored(e.CreatedAt)
	return e
}

func testEvents(t *testing.T, s lifeops.Store) {
	t.Run("InsertIfAbsentPerSlot", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Events")
		item := mustItem(t, s, u.ID, "Stretch")
		d := civil.D(2026, 3, 10)
		done := newEvent(u.ID, item, d, lifeops.EventCompleted)
		got, created, err := s.AddEvent(ctx(t), done)
		must(t, "AddEvent completed", err)
		if !created {
			t.Error("first completion reported created=false")
		}
		diff(t, "stored completion", storedEvent(done), got)
		checkUTC(t, "Event", got.At, got.CreatedAt)

		// The same request again, with a new id: the first one wins.
		got, created, err = s.AddEvent(ctx(t), newEvent(u.ID, item, d, lifeops.EventCompleted))
		must(t, "AddEvent completed again", err)
		if created {
			t.Error("second completion reported created=true")
		}
		diff(t, "completion returned for a repeat", storedEvent(done), got)

		// A skip shares the outcome slot: the completion is returned.
		got, created, err = s.AddEvent(ctx(t), newEvent(u.ID, item, d, lifeops.EventSkipped))
		must(t, "AddEvent skipped", err)
		if created || got.Kind != lifeops.EventCompleted {
			t.Errorf("a skip of a completed occurrence: created=%v kind=%s, want false and the completion", created, got.Kind)
		}

		// A postponement has its own slot.
		moved := newEvent(u.ID, item, d, lifeops.EventPostponed)
		moved.ToDate = d.AddDays(2)
		moved.CreatedAt = moved.CreatedAt.Add(time.Minute)
		_, created, err = s.AddEvent(ctx(t), moved)
		must(t, "AddEvent postponed", err)
		if !created {
			t.Error("a postponement beside a completion was not created")
		}
		all, err := s.Events(ctx(t), u.ID, d, d)
		must(t, "Events", err)
		diff(t, "events of the occurrence", []lifeops.Event{storedEvent(done), storedEvent(moved)}, all)
	})
	t.Run("EachSlotOfADayIsAnOccurrence", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Slots")
		item := mustItem(t, s, u.ID, "Water")
		d := civil.D(2026, 3, 10)
		var want []lifeops.Event
		for slot := range 3 {
			e := newEvent(u.ID, item, d, lifeops.EventCompleted)
			e.Slot = slot
			e.CreatedAt = e.CreatedAt.Add(time.Duration(slot) * time.Minute)
			stored, created, err := s.AddEvent(ctx(t), e)
			must(t, "AddEvent", err)
			if !created || stored.Slot != slot {
				t.Fatalf("the completion of slot %d: created %v, stored %+v", slot, created, stored)
			}
			want = append(want, storedEvent(e))
		}
		// A skip of a completed slot stays refused; slot 1's completion goes.
		skip := newEvent(u.ID, item, d, lifeops.EventSkipped)
		skip.Slot = 2
		if _, created, err := s.AddEvent(ctx(t), skip); err != nil || created {
			t.Errorf("a skip of a completed slot: created %v, %v", created, err)
		}
		deleted, err := s.DeleteEvent(ctx(t), u.ID, item, d, 1, lifeops.EventCompleted)
		must(t, "DeleteEvent of slot 1", err)
		if !deleted {
			t.Error("DeleteEvent of slot 1 reported nothing deleted")
		}
		got, err := s.Events(ctx(t), u.ID, d, d)
		must(t, "Events", err)
		diff(t, "events after undoing slot 1", []lifeops.Event{want[0], want[2]}, got)
		bad := newEvent(u.ID, item, d, lifeops.EventCompleted)
		bad.Slot = timeline.MaxSlots
		_, _, err = s.AddEvent(ctx(t), bad)
		wantErr(t, "AddEvent of a slot past the last", err, lifeops.ErrInvalid)
	})
	t.Run("DeleteByKind", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Undo")
		item := mustItem(t, s, u.ID, "Read")
		d := civil.D(2026, 3, 10)
		skip := newEvent(u.ID, item, d, lifeops.EventSkipped)
		_, _, err := s.AddEvent(ctx(t), skip)
		must(t, "AddEvent", err)
		deleted, err := s.DeleteEvent(ctx(t), u.ID, item, d, 0, lifeops.EventCompleted)
		must(t, "DeleteEvent of another kind in the slot", err)
		if deleted {
			t.Error("deleting a completion removed a skip")
		}
		deleted, err = s.DeleteEvent(ctx(t), u.ID, item, d, 0, lifeops.EventSkipped)
		must(t, "DeleteEvent", err)
		if !deleted {
			t.Error("DeleteEvent of the skip reported false")
		}
		deleted, err = s.DeleteEvent(ctx(t), u.ID, item, d, 0, lifeops.EventSkipped)
		must(t, "DeleteEvent again", err)
		if deleted {
			t.Error("deleting a missing event reported true")
		}
		// The slot is free again.
		_, created, err := s.AddEvent(ctx(t), newEvent(u.ID, item, d, lifeops.EventCompleted))
		must(t, "AddEvent after undo", err)
		if !created {
			t.Error("a completion after undo was not created")
		}
	})
	t.Run("RangeAndOrder", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Range")
		a, b := mustItem(t, s, u.ID, "A"), mustItem(t, s, u.ID, "B")
		var want []lifeops.Event
		for i, d := range []civil.Date{civil.D(2026, 2, 28), civil.D(2026, 3, 1), civil.D(2026, 3, 1), civil.D(2026, 3, 2), civil.D(2026, 3, 3)} {
			item := a
			if i == 2 {
				item = b
			}
			e := newEvent(u.ID, item, d, lifeops.EventCompleted)
			e.CreatedAt = e.CreatedAt.Add(time.Duration(-i) * time.Minute) // the later item was recorded first
			_, _, err := s.AddEvent(ctx(t), e)
			must(t, "AddEvent", err)
			if i >= 1 && i <= 3 {
				want = append(want, storedEvent(e))
			}
		}
		want[0], want[1] = want[1], want[0] // Mar 1: by CreatedAt
		got, err := s.Events(ctx(t), u.ID, civil.D(2026, 3, 1), civil.D(2026, 3, 2))
		must(t, "Events", err)
		diff(t, "events Mar 1 to Mar 2", want, got)
		other := mustUser(t, s, "Other")
		none, err := s.Events(ctx(t), other.ID, civil.D(2026, 1, 1), civil.D(2026, 12, 31))
		must(t, "Events of another user", err)
		diff(t, "another user's events", []lifeops.Event(nil), none)
	})
	t.Run("ItemOfAnotherUserIsNotFound", func(t *testing.T) {
		t.Parallel()
		owner, intruder := mustUser(t, s, "Owner"), mustUser(t, s, "Intruder")
		item := mustItem(t, s, owner.ID, "Private")
		_, _, err := s.AddEvent(ctx(t), newEvent(intruder.ID, item, civil.D(2026, 3, 10), lifeops.EventCompleted))
		wantErr(t, "AddEvent on another user's item", err, lifeops.ErrNotFound)
		_, _, err = s.AddEvent(ctx(t), newEvent(owner.ID, uuid.New(), civil.D(2026, 3, 10), lifeops.EventCompleted))
		wantErr(t, "AddEvent on a missing item", err, lifeops.ErrNotFound)
	})
	t.Run("Invalid", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Bad event")
		item := mustItem(t, s, u.ID, "Bad")
		e := newEvent(u.ID, item, civil.D(2026, 3, 10), lifeops.EventPostponed)
		e.To = time.Time{}
		_, _, err := s.AddEvent(ctx(t), e)
		wantErr(t, "AddEvent postponed nowhere", err, lifeops.ErrInvalid)
	})
	t.Run("FiftyConcurrentCompletionsCountOnce", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Race")
		item := mustItem(t, s, u.ID, "Meditate")
		d := civil.D(2026, 3, 10)
		const n = 50
		var wg sync.WaitGroup
		var mu sync.Mutex
		events, awards := 0, 0
		for range n {
			wg.Go(func() {
				// What the Service does for one complete request.
				_, created, err := s.AddEvent(ctx(t), newEvent(u.ID, item, d, lifeops.EventCompleted))
				if err != nil {
					t.Errorf("AddEvent: %v", err)
					return
				}
				e := xpEntry(u.ID, "completion:"+item.String()+":"+d.String(), d, 10)
				e.ItemID = item
				_, awarded, err := s.AddXP(ctx(t), e)
				if err != nil {
					t.Errorf("AddXP: %v", err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				if created {
					events++
				}
				if awarded {
					awards++
				}
			})
		}
		wg.Wait()
		if events != 1 || awards != 1 {
			t.Errorf("%d concurrent completions created %d events and %d XP entries, want 1 and 1", n, events, awards)
		}
		stored, err := s.Events(ctx(t), u.ID, d, d)
		must(t, "Events", err)
		total, err := s.XPTotal(ctx(t), u.ID)
		must(t, "XPTotal", err)
		if len(stored) != 1 || total != 10 {
			t.Errorf("store holds %d events and %d XP, want 1 event and 10 XP", len(stored), total)
		}
	})
}
