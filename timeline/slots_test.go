package timeline_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

func times(cs ...string) timeline.Anchor {
	a := timeline.Anchor{Type: timeline.AnchorFixed}
	for _, c := range cs {
		a.Times = append(a.Times, clock(c))
	}
	return a
}

// slotLine is an entry as the slot tests compare it.
type slotLine struct {
	Start  string
	Date   string
	Slot   int
	Status timeline.Status
	Extra  string `json:",omitempty"`
}

func slotLines(f timeline.Feed) []slotLine {
	var out []slotLine
	for _, e := range f.Entries {
		l := slotLine{Start: e.Start.Format("15:04"), Date: e.Date.String(), Slot: e.Slot, Status: e.Status}
		switch {
		case e.CarriedOver:
			l.Extra = "carried"
		case !e.PostponedFrom.IsZero():
			l.Extra = "from " + e.PostponedFrom.String()
		case !e.PostponedTo.IsZero():
			l.Extra = "to " + e.PostponedTo.String()
		}
		out = append(out, l)
	}
	return out
}

// TestSeveralTimesADay: an item due at 09:00, 12:00 and 15:00, by its
// anchor's times or by a rule's BYHOUR, has three occurrences a day, slots
// 0 to 2, each completed, skipped, postponed and carried over on its own.
func TestSeveralTimesADay(t *testing.T) {
	t.Parallel()
	byTimes := item(1, "Water", daily, times("09:00", "12:00", "15:00"), 0, 10)
	byRule := item(1, "Water", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-03-01"), RRule: "FREQ=DAILY;BYHOUR=9,12,15"}, fixed("09:00"), 0, 10)
	for name, it := range map[string]timeline.Item{"anchor times": byTimes, "BYHOUR": byRule} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			it.Missed = timeline.MissedCarryOver
			if err := it.Validate(); err != nil {
				t.Fatal(err)
			}
			f := newFixture(it)
			// Occurrences, directly and from a plan.
			occs := it.Occurrences(f.date, f.in.Anchors, f.loc)
			var got []string
			for _, o := range occs {
				got = append(got, o.Start.Format("15:04")+"/"+string(rune('0'+o.Slot)))
			}
			if diff := cmp.Diff([]string{"09:00/0", "12:00/1", "15:00/2"}, got); diff != "" {
				t.Errorf("Occurrences (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(occs, it.Plan(f.loc).Occurrences(f.date, f.in.Anchors, f.loc)); diff != "" {
				t.Errorf("Plan.Occurrences (-Item +Plan):\n%s", diff)
			}
			if o, ok := it.Occurrence(f.date, f.in.Anchors, f.loc); !ok || o != occs[0] {
				t.Errorf("Occurrence = %v, %v; want slot 0", o, ok)
			}
			// Events on single slots: slot 0 done, slot 1 moved to 13:30;
			// yesterday's slot 2 was missed and is carried over.
			f.in.Now = f.at("14:00")
			f.in.Events = []timeline.Event{
				{ItemID: it.ID, Date: f.date, Type: timeline.EventCompleted, At: f.at("09:05")},
				{ItemID: it.ID, Date: f.date, Slot: 1, Type: timeline.EventPostponed, At: f.at("11:50"), To: f.at("13:30")},
				{ItemID: it.ID, Date: f.date.AddDays(-1), Type: timeline.EventCompleted, At: f.at("09:00").AddDate(0, 0, -1)},
				{ItemID: it.ID, Date: f.date.AddDays(-1), Slot: 1, Type: timeline.EventSkipped, At: f.at("12:00").AddDate(0, 0, -1)},
			}
			want := []slotLine{
				{"15:00", "2025-03-09", 2, timeline.StatusOverdue, "carried"},
				{"09:00", "2025-03-10", 0, timeline.StatusCompleted, ""},
				{"13:30", "2025-03-10", 1, timeline.StatusOverdue, ""},
				{"15:00", "2025-03-10", 2, timeline.StatusPending, ""},
			}
			if diff := cmp.Diff(want, slotLines(mustFeed(t, f.in))); diff != "" {
				t.Errorf("feed (-want +got):\n%s", diff)
			}
			// A postponement to another date moves one slot, at its own time.
			it.Missed = timeline.MissedDrop
			f.in.Items = []timeline.Item{it}
			f.in.Events = []timeline.Event{{ItemID: it.ID, Date: f.date, Slot: 2, Type: timeline.EventPostponed, At: f.at("08:00"), ToDate: f.date.AddDays(1)}}
			f.in.Now = f.at("08:00")
			want = []slotLine{
				{"09:00", "2025-03-10", 0, timeline.StatusPending, ""},
				{"12:00", "2025-03-10", 1, timeline.StatusPending, ""},
				{"15:00", "2025-03-10", 2, timeline.StatusPostponed, "to 2025-03-11"},
			}
			if diff := cmp.Diff(want, slotLines(mustFeed(t, f.in))); diff != "" {
				t.Errorf("feed with slot 2 moved away (-want +got):\n%s", diff)
			}
			next := f.in
			next.Date, next.Now = f.date.AddDays(1), f.at("08:00").AddDate(0, 0, 1)
			want = []slotLine{
				{"09:00", "2025-03-11", 0, timeline.StatusPending, ""},
				{"12:00", "2025-03-11", 1, timeline.StatusPending, ""},
				{"15:00", "2025-03-10", 2, timeline.StatusPending, "from 2025-03-10"},
				{"15:00", "2025-03-11", 2, timeline.StatusPending, ""},
			}
			if diff := cmp.Diff(want, slotLines(mustFeed(t, next))); diff != "" {
				t.Errorf("next day's feed (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSlotsAndUntil: a rule's DTSTART time cuts its first day, and UNTIL in
// UTC can end its last day between two times, for a rule's times and for
// an anchor's.
func TestSlotsAndUntil(t *testing.T) {
	t.Parallel()
	ny := mustLoad("America/New_York")
	a := timeline.Anchors{DefaultWake: clock("07:00")}
	starts := func(it timeline.Item, day string) []string {
		var out []string
		for _, o := range it.Occurrences(d(day), a, ny) {
			out = append(out, o.Start.Format("15:04"))
		}
		return out
	}
	// 12:00 EST is 17:00 UTC: after the end, 09:00 (14:00 UTC) is not.
	rule := item(1, "Water", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-29"), RRule: "FREQ=DAILY;BYHOUR=9,12,15;UNTIL=20250131T160000Z"}, fixed("12:00"), 0, 5)
	list := item(2, "Water", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-29"), RRule: "FREQ=DAILY;UNTIL=20250131T160000Z"}, times("09:00", "12:00", "15:00"), 0, 5)
	got := map[string][]string{
		"rule 01-29": starts(rule, "2025-01-29"), "rule 01-30": starts(rule, "2025-01-30"), "rule 01-31": starts(rule, "2025-01-31"), "rule 02-01": starts(rule, "2025-02-01"),
		"list 01-30": starts(list, "2025-01-30"), "list 01-31": starts(list, "2025-01-31"), "list 02-01": starts(list, "2025-02-01"),
	}
	want := map[string][]string{
		"rule 01-29": {"12:00", "15:00"}, // DTSTART is 12:00: 09:00 on the first day comes before it
		"rule 01-30": {"09:00", "12:00", "15:00"}, "rule 01-31": {"09:00"}, "rule 02-01": nil,
		"list 01-30": {"09:00", "12:00", "15:00"}, "list 01-31": {"09:00"}, "list 02-01": nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("occurrences (-want +got):\n%s", diff)
	}
	for _, it := range []timeline.Item{rule, list} {
		if !it.DueOn(d("2025-01-31"), ny) || it.DueOn(d("2025-02-01"), ny) {
			t.Errorf("%s: DueOn 01-31 = %v, 02-01 = %v; want true, false", it.Schedule.RRule, it.DueOn(d("2025-01-31"), ny), it.DueOn(d("2025-02-01"), ny))
		}
	}
	// An UNTIL before the last day's first time ends the rule the day before.
	early := rule
	early.Schedule.RRule = "FREQ=DAILY;BYHOUR=9,12,15;UNTIL=20250131T130000Z"
	if early.DueOn(d("2025-01-31"), ny) || !early.DueOn(d("2025-01-30"), ny) {
		t.Error("a rule whose UNTIL falls before 09:00 on 01-31 is due on 01-31")
	}
	if next, ok := early.NextDue(d("2025-01-31"), ny); ok {
		t.Errorf("NextDue(01-31) = %s, want none", next)
	}
}

func TestSlotsValidate(t *testing.T) {
	t.Parallel()
	hourly := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=DAILY;BYHOUR=9,12"}
	tests := []struct {
		name   string
		it     timeline.Item
		fields []string
	}{
		{"one time in times", item(1, "x", daily, times("09:00"), 0, 0), []string{"anchor.times"}},
		{"times out of order", item(1, "x", daily, times("09:00", "12:00", "11:00", "11:00"), 0, 0), []string{"anchor.times[2]", "anchor.times[3]"}},
		{"time and times", item(1, "x", daily, timeline.Anchor{Type: timeline.AnchorFixed, Time: clock("08:00"), Times: []civil.Clock{clock("09:00"), clock("10:00")}}, 0, 0), []string{"anchor.time"}},
		{"times at wake", item(1, "x", daily, timeline.Anchor{Type: timeline.AnchorWake, Times: []civil.Clock{clock("09:00"), clock("10:00")}}, 0, 0), []string{"anchor.times"}},
		{"a bad time", item(1, "x", daily, timeline.Anchor{Type: timeline.AnchorFixed, Times: []civil.Clock{clock("09:00"), {Hour: 24}}}, 0, 0), []string{"anchor.times[1]"}},
		{"BYHOUR at wake", item(1, "x", hourly, wake, 0, 0), []string{"anchor.type"}},
		{"BYHOUR with times", item(1, "x", hourly, times("09:00", "12:00"), 0, 0), []string{"anchor.times"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.it.Validate()
			if !errors.Is(err, timeline.ErrInvalid) {
				t.Fatalf("Validate = %v", err)
			}
			var fields []string
			for _, fe := range timeline.FieldErrors(err) {
				fields = append(fields, fe.Field)
			}
			if diff := cmp.Diff(tt.fields, fields); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
	if err := (timeline.Event{ItemID: id(1), Date: d("2025-01-01"), Slot: timeline.MaxSlots, Type: timeline.EventCompleted, At: time.Now()}).Validate(); err == nil {
		t.Error("an event for slot MaxSlots is valid")
	}
}

// TestSlotsJSON: an anchor's several times travel as "times", and a slot
// appears in events and entries only when it is not 0, so the JSON of an
// item due once a day is what it always was.
func TestSlotsJSON(t *testing.T) {
	t.Parallel()
	a := times("09:00", "12:00", "15:00")
	b, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"type":"fixed","times":["09:00","12:00","15:00"]}` {
		t.Errorf("Marshal = %s", b)
	}
	var back timeline.Anchor
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(a, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	err = json.Unmarshal([]byte(`{"type":"fixed","times":["09:00","9am"]}`), &back)
	if fes := timeline.FieldErrors(err); len(fes) != 1 || fes[0].Field != "anchor.times[1]" {
		t.Errorf("a bad time: %v", err)
	}
	at := time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		e    timeline.Event
		slot bool
	}{{timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Type: timeline.EventCompleted, At: at}, false},
		{timeline.Event{ItemID: id(1), Date: d("2025-03-10"), Slot: 2, Type: timeline.EventCompleted, At: at}, true}} {
		b, err := json.Marshal(tt.e)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), `"slot"`) != tt.slot {
			t.Errorf("event JSON %s: slot shown %v, want %v", b, !tt.slot, tt.slot)
		}
		var e timeline.Event
		if err := json.Unmarshal(b, &e); err != nil || e.Slot != tt.e.Slot {
			t.Errorf("event round trip: slot %d, %v", e.Slot, err)
		}
	}
}
