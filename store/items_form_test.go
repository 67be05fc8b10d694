package store

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata")

// storedItems is one item of every schedule kind and anchor, with every
// optional field set somewhere: the forms a database holds.
func storedItems() []timeline.Item {
	xp := 25
	d := func(s string) civil.Date {
		v, err := civil.ParseDate(s)
		if err != nil {
			panic(err)
		}
		return v
	}
	return []timeline.Item{
		{Title: "Stretch", Kind: timeline.KindRoutine, Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
			Anchor: timeline.Anchor{Type: timeline.AnchorWake}, OffsetMinutes: 10, DurationMinutes: 15},
		{Title: "Gym", Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleWeekly,
			Days: []time.Weekday{time.Monday, time.Thursday}, Interval: 2, StartDate: d("2026-01-05"),
			WeekStart: timeline.WeekStartOn(time.Sunday)},
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 18, Minute: 30}}, DurationMinutes: 60, XP: &xp,
			Missed: timeline.MissedCarryOver, ActiveFrom: d("2026-01-01"), ActiveUntil: d("2026-12-31")},
		{Title: "Pills", Kind: timeline.KindMedication, Schedule: timeline.Schedule{Type: timeline.ScheduleDaily,
			ExceptDates: []civil.Date{d("2026-03-29")}, ExtraDates: []civil.Date{d("2026-04-01")}},
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Times: []civil.Clock{{Hour: 8}, {Hour: 20}}}},
		{Title: "Rent", Kind: timeline.KindTask, Schedule: timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: -1},
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 9}}},
		{Title: "Review", Kind: timeline.KindTask, Schedule: timeline.Schedule{Type: timeline.ScheduleMonthly, Week: -1, Weekday: time.Friday},
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 16}}},
		{Title: "Birthday", Kind: timeline.KindTask, Schedule: timeline.Schedule{Type: timeline.ScheduleYearly, Month: time.May, DayOfMonth: 4},
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 8}}},
		{Title: "Water plants", Kind: timeline.KindTask, Schedule: timeline.Schedule{Type: timeline.ScheduleEveryNDays, Interval: 3, StartDate: d("2026-02-01")},
			Anchor: timeline.Anchor{Type: timeline.AnchorBedtime}, OffsetMinutes: -30},
		{Title: "Dentist", Kind: timeline.KindTask, Schedule: timeline.Schedule{Type: timeline.ScheduleOnce, Date: d("2026-06-15")},
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 14, Minute: 45}}},
		{Title: "Standup", Kind: timeline.KindRoutine, Schedule: timeline.Schedule{Type: timeline.ScheduleRRule,
			RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261231", StartDate: d("2026-01-05")},
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 9, Minute: 15}}},
		{Title: "Read", Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleWeekdays},
			Anchor: timeline.Anchor{Type: timeline.AnchorBedtime}, OffsetMinutes: -60, DurationMinutes: 30},
	}
}

// TestStoredItemForm pins the form a stored item's definition takes. A
// database keeps these bytes across releases, so a change to the golden file
// is a change every existing row must still decode under: add fields, never
// rename or drop one. Rewrite with go test ./store -run TestStoredItemForm -update.
func TestStoredItemForm(t *testing.T) {
	t.Parallel()
	var defs []json.RawMessage
	for i, it := range storedItems() {
		if err := it.Validate(); err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		row, err := toItemRow(lifeops.Item{Item: it, UserID: uuid.New(), Difficulty: lifeops.Difficulty("easy")})
		if err != nil {
			t.Fatalf("item %d: %v", i, err)
		}
		defs = append(defs, json.RawMessage(row.Definition))
	}
	got, err := json.MarshalIndent(defs, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "item_definitions.golden.json")
	if *updateGolden {
		if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	var wantDefs []json.RawMessage
	if err := json.Unmarshal(want, &wantDefs); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)+"\n"); diff != "" {
		t.Errorf("stored item form changed (-golden +now):\n%s", diff)
	}
	// Every definition ever written decodes to the item it was written from.
	items := storedItems()
	for i, def := range wantDefs {
		r := itemRow{ID: uuid.New(), Definition: jsonText(def), Difficulty: "easy", Version: 1}
		back, err := r.item()
		if err != nil {
			t.Errorf("definition %d does not decode: %v", i, err)
			continue
		}
		if i < len(items) {
			items[i].ID = r.ID
			if diff := cmp.Diff(items[i], back.Item, cmp.Comparer(func(a, b timeline.WeekStart) bool { return a.Weekday() == b.Weekday() })); diff != "" {
				t.Errorf("definition %d decodes differently (-written +read):\n%s", i, diff)
			}
		}
	}
}

// TestStoredItemFormReadsOlderRows: rows written while the definition was
// the timeline's JSON carry the item's id; they read as the item, and a
// definition the store cannot read is an error, not a zero value.
func TestStoredItemFormReadsOlderRows(t *testing.T) {
	t.Parallel()
	old := `{"id":"6f1c1b1e-3c55-4f55-9d2e-0c7b1f0c2a11","title":"Gym","kind":"habit","schedule":{"type":"weekly","days":["Monday","thu"],"interval":2,"start_date":"2026-01-05","week_start":"sun"},"anchor":{"type":"fixed","time":"18:30"},"offset_minutes":0,"duration_minutes":60}`
	got, err := decodeItem([]byte(old))
	if err != nil {
		t.Fatal(err)
	}
	want := storedItems()[1]
	want.XP, want.Missed, want.ActiveFrom, want.ActiveUntil = nil, "", civil.Date{}, civil.Date{}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b timeline.WeekStart) bool { return a.Weekday() == b.Weekday() })); diff != "" {
		t.Errorf("older row (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{"title":"x","schedule":{"type":"once","date":"2026-02-30"},"anchor":{"type":"wake"}}`,
		`{"title":"x","schedule":{"type":"weekly","days":["someday"]},"anchor":{"type":"wake"}}`,
		`{"title":"x","schedule":{"type":"daily"},"anchor":{"type":"fixed","time":"25:00"}}`, `[1]`} {
		if _, err := decodeItem([]byte(bad)); err == nil {
			t.Errorf("decodeItem(%s) = nil error", bad)
		}
	}
}
