package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// newItem returns a valid daily item 30 minutes after waking.
func newItem(userID uuid.UUID, title string) lifeops.Item {
	return lifeops.Item{
		Item: timeline.Item{
			ID: uuid.New(), Title: title, Kind: timeline.KindRoutine,
			Schedule:      timeline.Schedule{Type: timeline.ScheduleDaily},
			Anchor:        timeline.Anchor{Type: timeline.AnchorWake},
			OffsetMinutes: 30, DurationMinutes: 10,
		},
		UserID: userID, Difficulty: lifeops.DifficultyEasy, Version: 1,
		CreatedAt: at(2026, 3, 1, 6, 0), UpdatedAt: at(2026, 3, 1, 6, 0),
	}
}

// mustItem stores a new item of the user and returns its id.
func mustItem(t *testing.T, s lifeops.Store, userID uuid.UUID, title string) uuid.UUID {
	t.Helper()
	it := newItem(userID, title)
	must(t, "CreateItem", s.CreateItem(ctx(t), it))
	return it.ID
}

func storedItem(it lifeops.Item) lifeops.Item {
	it.CreatedAt, it.UpdatedAt = stored(it.CreatedAt), stored(it.UpdatedAt)
	return it
}

func testItems(t *testing.T, s lifeops.Store) {
	t.Run("EverySchedulePersists", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Items")
		xp := 40
		schedules := []timeline.Schedule{
			{Type: timeline.ScheduleDaily},
			{Type: timeline.ScheduleWeekdays},
			{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday, time.Thursday}, Interval: 2, StartDate: civil.D(2026, 3, 2), WeekStart: timeline.WeekStartOn(time.Sunday)},
			{Type: timeline.ScheduleOnce, Date: civil.D(2026, 4, 1)},
			{Type: timeline.ScheduleEveryNDays, Interval: 3, StartDate: civil.D(2026, 3, 1)},
			{Type: timeline.ScheduleMonthly, DayOfMonth: -1},
			{Type: timeline.ScheduleMonthly, Week: -1, Weekday: time.Friday},
			{Type: timeline.ScheduleYearly, Month: time.February, DayOfMonth: 29},
			{Type: timeline.ScheduleRRule, RRule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", StartDate: civil.D(2026, 1, 1)},
		}
		for i, sc := range schedules {
			it := newItem(u.ID, name("Item %d", i))
			it.Schedule = sc
			it.Anchor = timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 23, Minute: 59}}
			it.OffsetMinutes, it.DurationMinutes = -90, 1440
			it.XP, it.Missed = &xp, timeline.MissedCarryOver
			it.ActiveFrom, it.ActiveUntil = civil.D(2026, 1, 1), civil.D(2026, 12, 31)
			it.Difficulty = lifeops.DifficultyHard
			it.CreatedAt = it.CreatedAt.Add(time.Duration(i) * time.Second)
			must(t, "CreateItem", s.CreateItem(ctx(t), it))
			got, err := s.Item(ctx(t), u.ID, it.ID)
			must(t, "Item", err)
			diff(t, name("item with a %s schedule", sc.Type), storedItem(it), got)
		}
		all, err := s.Items(ctx(t), u.ID)
		must(t, "Items", err)
		if len(all) != len(schedules) {
			t.Fatalf("Items returned %d items, want %d", len(all), len(schedules))
		}
		for i, it := range all {
			if it.Title != name("Item %d", i) {
				t.Errorf("Items[%d] is %q: not ordered by CreatedAt", i, it.Title)
			}
		}
	})
	t.Run("DuplicateIsConflict", func(t *testing.T) {
		t.Parallel()
		a, b := mustUser(t, s, "A"), mustUser(t, s, "B")
		it := newItem(a.ID, "Mine")
		must(t, "CreateItem", s.CreateItem(ctx(t), it))
		wantErr(t, "CreateItem again", s.CreateItem(ctx(t), it), lifeops.ErrConflict)
		theirs := it
		theirs.UserID = b.ID
		wantErr(t, "CreateItem with another user's id", s.CreateItem(ctx(t), theirs), lifeops.ErrConflict)
	})
	t.Run("UpdateKeepsOwnerAndCreatedAt", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Editor")
		it := newItem(u.ID, "Before")
		must(t, "CreateItem", s.CreateItem(ctx(t), it))
		changed := it
		changed.Title, changed.Kind = "After", timeline.KindHabit
		changed.Schedule = timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Saturday}}
		changed.Anchor = timeline.Anchor{Type: timeline.AnchorBedtime}
		changed.OffsetMinutes = -45
		changed.CreatedAt, changed.UpdatedAt = at(2031, 1, 1, 0, 0), at(2026, 3, 5, 5, 5)
		must(t, "UpdateItem", s.UpdateItem(ctx(t), changed))
		got, err := s.Item(ctx(t), u.ID, it.ID)
		must(t, "Item", err)
		want := storedItem(changed)
		want.CreatedAt = stored(it.CreatedAt)
		diff(t, "updated item", want, got)
	})
	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		owner, other := mustUser(t, s, "Owner"), mustUser(t, s, "Other")
		it := newItem(owner.ID, "Private")
		must(t, "CreateItem", s.CreateItem(ctx(t), it))
		_, err := s.Item(ctx(t), other.ID, it.ID)
		wantErr(t, "Item of another user", err, lifeops.ErrNotFound)
		_, err = s.Item(ctx(t), owner.ID, uuid.New())
		wantErr(t, "Item missing", err, lifeops.ErrNotFound)
		stolen := it
		stolen.UserID, stolen.Title = other.ID, "Stolen"
		wantErr(t, "UpdateItem of another user", s.UpdateItem(ctx(t), stolen), lifeops.ErrNotFound)
		wantErr(t, "DeleteItem of another user", s.DeleteItem(ctx(t), other.ID, it.ID), lifeops.ErrNotFound)
		wantErr(t, "CreateItem for an unknown user", s.CreateItem(ctx(t), newItem(uuid.New(), "Orphan")), lifeops.ErrNotFound)
		got, err := s.Item(ctx(t), owner.ID, it.ID)
		must(t, "Item", err)
		if got.Title != "Private" {
			t.Errorf("another user changed the item: title %q", got.Title)
		}
	})
	t.Run("InvalidIsRejected", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Invalid items")
		it := newItem(u.ID, "")
		it.Schedule = timeline.Schedule{Type: timeline.ScheduleWeekly}
		err := s.CreateItem(ctx(t), it)
		wantErr(t, "CreateItem invalid", err, lifeops.ErrInvalid)
		var fields []string
		for _, fe := range lifeops.FieldErrors(err) {
			fields = append(fields, fe.Field)
		}
		diff(t, "invalid fields", []string{"title", "schedule.days"}, fields)
	})
	t.Run("DeleteRemovesEventsButNotXP", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Deleter")
		item := mustItem(t, s, u.ID, "Gone soon")
		keep := mustItem(t, s, u.ID, "Stays")
		d := civil.D(2026, 3, 10)
		for _, id := range []uuid.UUID{item, keep} {
			_, _, err := s.AddEvent(ctx(t), newEvent(u.ID, id, d, lifeops.EventCompleted))
			must(t, "AddEvent", err)
		}
		_, _, err := s.AddXP(ctx(t), xpEntry(u.ID, "completion:gone", d, 5))
		must(t, "AddXP", err)
		must(t, "DeleteItem", s.DeleteItem(ctx(t), u.ID, item))
		_, err = s.Item(ctx(t), u.ID, item)
		wantErr(t, "Item after delete", err, lifeops.ErrNotFound)
		wantErr(t, "DeleteItem again", s.DeleteItem(ctx(t), u.ID, item), lifeops.ErrNotFound)
		events, err := s.Events(ctx(t), u.ID, d, d)
		must(t, "Events", err)
		if len(events) != 1 || events[0].ItemID != keep {
			t.Errorf("events after deleting an item: %v, want only the other item's", events)
		}
		total, err := s.XPTotal(ctx(t), u.ID)
		must(t, "XPTotal", err)
		if total != 5 {
			t.Errorf("XPTotal after deleting an item = %d, want 5", total)
		}
	})
}
