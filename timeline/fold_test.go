package timeline_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// TestFold: the latest completion or skip settles an occurrence, the latest
// postponement moves it whether settled or not, slots are occurrences of
// their own, and MovedTo finds what was moved to a date.
func TestFold(t *testing.T) {
	t.Parallel()
	day := d("2025-03-10")
	at := func(h int) time.Time { return time.Date(2025, 3, 10, h, 0, 0, 0, time.UTC) }
	ev := func(item byte, date civil.Date, slot int, typ timeline.EventType, h int) timeline.Event {
		return timeline.Event{ItemID: id(item), Date: date, Slot: slot, Type: typ, At: at(h)}
	}
	skipThenDone := ev(1, day, 0, timeline.EventCompleted, 9)
	postponed := ev(2, day, 0, timeline.EventPostponed, 8)
	postponed.ToDate = day.AddDays(2)
	later := postponed
	later.ToDate, later.At = day.AddDays(3), at(10)
	slot1 := ev(3, day, 1, timeline.EventSkipped, 12)
	slot1.Reason = "out"
	events := []timeline.Event{
		ev(1, day, 0, timeline.EventSkipped, 8), skipThenDone, // the later of the two settles it
		postponed, ev(2, day, 0, timeline.EventCompleted, 9), later, // settled and moved, by the latest move
		ev(3, day, 0, timeline.EventCompleted, 9), slot1, // two slots, two occurrences
	}
	s := timeline.Fold(events)
	want := []timeline.State{
		{Key: timeline.OccurrenceKey{ItemID: id(1), Date: day}, Settled: skipThenDone},
		{Key: timeline.OccurrenceKey{ItemID: id(2), Date: day}, Settled: ev(2, day, 0, timeline.EventCompleted, 9), Postponed: later},
		{Key: timeline.OccurrenceKey{ItemID: id(3), Date: day}, Settled: ev(3, day, 0, timeline.EventCompleted, 9)},
		{Key: timeline.OccurrenceKey{ItemID: id(3), Date: day, Slot: 1}, Settled: slot1},
	}
	if diff := cmp.Diff(want, s.All()); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	got := map[string]string{}
	for _, st := range want {
		o, ok := s.Of(st.Key)
		got[fmt.Sprintf("%d/%d", st.Key.ItemID[15], st.Key.Slot)] = fmt.Sprintf("%v %s %s", ok, o.Outcome(), o.MovedTo())
	}
	_, ok := s.Of(timeline.OccurrenceKey{ItemID: id(3), Date: day, Slot: 2})
	got["3/2"] = fmt.Sprint(ok)
	if diff := cmp.Diff(map[string]string{
		"1/0": "true completed 2025-03-10", "2/0": "true completed 2025-03-13", "3/0": "true completed 2025-03-10", "3/1": "true skipped 2025-03-10", "3/2": "false",
	}, got); diff != "" {
		t.Errorf("Of (-want +got):\n%s", diff)
	}
	if moved := s.MovedTo(day.AddDays(3)); len(moved) != 1 || moved[0].Key.ItemID != id(2) {
		t.Errorf("MovedTo(03-13) = %v, want item 2", moved)
	}
	if moved := s.MovedTo(day.AddDays(2)); len(moved) != 0 {
		t.Errorf("MovedTo(03-12) = %v: a later postponement moved it on", moved)
	}
	if len(timeline.Fold(nil).All()) != 0 {
		t.Error("Fold(nil) has states")
	}
}

// TestFoldIsTheFeedsReading: the feed's statuses are Fold's states, for
// every order of the same events of a store that keeps one event of each
// type.
func TestFoldIsTheFeedsReading(t *testing.T) {
	t.Parallel()
	f := newFixture(item(1, "Pill", daily, fixed("08:00"), 0, 10))
	f.in.Now = f.at("20:00")
	done := timeline.Event{ItemID: id(1), Date: f.date, Type: timeline.EventCompleted, At: f.at("11:00")}
	moved := timeline.Event{ItemID: id(1), Date: f.date, Type: timeline.EventPostponed, At: f.at("08:30"), To: f.at("10:30")}
	for _, events := range [][]timeline.Event{{done, moved}, {moved, done}} {
		f.in.Events = events
		e := mustFeed(t, f.in).Entries[0]
		st, _ := timeline.Fold(events).Of(timeline.OccurrenceKey{ItemID: id(1), Date: f.date})
		if e.Status != timeline.StatusCompleted || st.Outcome() != timeline.EventCompleted || !e.Start.Equal(st.Postponed.To) || !e.CompletedAt.Equal(st.Settled.At) {
			t.Errorf("events %v: entry %s at %s, done %s; fold %s, moved to %s", events, e.Status, e.Start, e.CompletedAt, st.Outcome(), st.Postponed.To)
		}
	}
}

func TestUndoIsNotAnEvent(t *testing.T) {
	t.Parallel()
	err := timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: "undone", At: time.Now()}.Validate()
	var ve *timeline.ValidationError
	if !errors.As(err, &ve) || ve.Field != "type" {
		t.Errorf("Validate of an undone event = %v, want a ValidationError for type", err)
	}
}
