package timeline_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

func dates(ss ...string) []civil.Date {
	out := make([]civil.Date, len(ss))
	for i, s := range ss {
		out[i] = d(s)
	}
	return out
}

// TestExceptAndExtraDates: a schedule of any kind skips its except dates
// and is due on its extra dates besides; Schedule, Calendar and an item's
// Plan agree, and NextDue finds both.
func TestExceptAndExtraDates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		s        timeline.Schedule
		from, to string
		want     []string
	}{
		{"daily except two holidays", timeline.Schedule{Type: timeline.ScheduleDaily, ExceptDates: dates("2025-12-26", "2025-12-25")},
			"2025-12-24", "2025-12-28", []string{"2025-12-24", "2025-12-27", "2025-12-28"}},
		{"weekdays with a Saturday added", timeline.Schedule{Type: timeline.ScheduleWeekdays, ExtraDates: dates("2025-11-29")},
			"2025-11-27", "2025-12-01", []string{"2025-11-27", "2025-11-28", "2025-11-29", "2025-12-01"}},
		{"an extra date before the start date", timeline.Schedule{Type: timeline.ScheduleEveryNDays, Interval: 7, StartDate: d("2025-03-10"), ExtraDates: dates("2025-03-01")},
			"2025-02-28", "2025-03-18", []string{"2025-03-01", "2025-03-10", "2025-03-17"}},
		{"once, moved by except and extra", timeline.Schedule{Type: timeline.ScheduleOnce, Date: d("2025-07-04"), ExceptDates: dates("2025-07-04"), ExtraDates: dates("2025-07-05")},
			"2025-07-01", "2025-07-10", []string{"2025-07-05"}},
		{"monthly last day except one", timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: -1, ExceptDates: dates("2025-02-28")},
			"2025-01-01", "2025-04-30", []string{"2025-01-31", "2025-03-31", "2025-04-30"}},
		// COUNT counts the excepted date: three occurrences, one skipped.
		{"a count rule with an except date", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-06"), RRule: "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=3", ExceptDates: dates("2025-01-08")},
			"2025-01-01", "2025-01-31", []string{"2025-01-06", "2025-01-13"}},
		// UNTIL bounds the rule, not the extra dates.
		{"an extra date after UNTIL", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-29"), RRule: "FREQ=DAILY;UNTIL=20250131", ExtraDates: dates("2025-02-14")},
			"2025-01-28", "2025-02-28", []string{"2025-01-29", "2025-01-30", "2025-01-31", "2025-02-14"}},
		{"an expanded rule except a date", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", ExceptDates: dates("2025-02-28")},
			"2025-01-01", "2025-03-31", []string{"2025-01-31", "2025-03-31"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := tt.s.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			from, to := d(tt.from), d(tt.to)
			if diff := cmp.Diff(tt.want, dueDates(tt.s, from, to)); diff != "" {
				t.Errorf("Schedule.DueOn (-want +got):\n%s", diff)
			}
			c := tt.s.Calendar()
			p := timeline.Item{Schedule: tt.s, Anchor: fixed("09:00")}.Plan(mustLoad("Asia/Tokyo"))
			var cal, plan, next []string
			for x := from; !x.After(to); x = x.AddDays(1) {
				if c.DueOn(x) {
					cal = append(cal, x.String())
				}
				if p.DueOn(x) {
					plan = append(plan, x.String())
				}
			}
			for x, ok := tt.s.NextDue(from); ok && !x.After(to); x, ok = tt.s.NextDue(x.AddDays(1)) {
				next = append(next, x.String())
				if y, yok := c.NextDue(x); !yok || y != x {
					t.Errorf("Calendar.NextDue(%s) = %s, %v", x, y, yok)
				}
			}
			for name, got := range map[string][]string{"Calendar.DueOn": cal, "Plan.DueOn": plan, "Schedule.NextDue": next} {
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("%s (-want +got):\n%s", name, diff)
				}
			}
		})
	}
}

func TestExceptAndExtraDatesValidate(t *testing.T) {
	t.Parallel()
	many := make([]civil.Date, timeline.MaxScheduleDates+1)
	for i := range many {
		many[i] = d("2025-01-01").AddDays(i)
	}
	tests := []struct {
		name   string
		s      timeline.Schedule
		fields []string
	}{
		{"a date twice", timeline.Schedule{Type: timeline.ScheduleDaily, ExceptDates: dates("2025-12-25", "2025-12-26", "2025-12-25")}, []string{"schedule.except_dates[2]"}},
		{"a date in both", timeline.Schedule{Type: timeline.ScheduleDaily, ExceptDates: dates("2025-12-25"), ExtraDates: dates("2025-12-24", "2025-12-25")}, []string{"schedule.extra_dates[1]"}},
		{"not a date", timeline.Schedule{Type: timeline.ScheduleDaily, ExtraDates: []civil.Date{civil.D(2025, 2, 30), {}}}, []string{"schedule.extra_dates[0]", "schedule.extra_dates[1]"}},
		{"too many", timeline.Schedule{Type: timeline.ScheduleDaily, ExceptDates: many}, []string{"schedule.except_dates"}},
		{"the only date excepted", timeline.Schedule{Type: timeline.ScheduleOnce, Date: d("2025-07-04"), ExceptDates: dates("2025-07-04")}, []string{"schedule.except_dates"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.s.Validate()
			if !errors.Is(err, timeline.ErrInvalid) {
				t.Fatalf("Validate = %v, want ErrInvalid", err)
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
}

// TestExceptAndExtraDatesJSON: the dates travel as "except_dates" and
// "extra_dates", in the order given, and come back exactly; a bad one is
// reported by its index.
func TestExceptAndExtraDatesJSON(t *testing.T) {
	t.Parallel()
	s := timeline.Schedule{Type: timeline.ScheduleWeekdays, ExceptDates: dates("2025-12-26", "2025-12-25"), ExtraDates: dates("2025-11-29")}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	const wire = `{"type":"weekdays","except_dates":["2025-12-26","2025-12-25"],"extra_dates":["2025-11-29"]}`
	if string(b) != wire {
		t.Errorf("Marshal = %s, want %s", b, wire)
	}
	var back timeline.Schedule
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	err = json.Unmarshal([]byte(`{"type":"daily","except_dates":["2025-12-25","2025-02-30"],"extra_dates":[7]}`), &back)
	var fields []string
	for _, fe := range timeline.FieldErrors(err) {
		fields = append(fields, fe.Field)
	}
	if !cmp.Equal([]string{"schedule.extra_dates"}, fields) {
		t.Errorf("a number for a date: fields %v (%v)", fields, err)
	}
	err = json.Unmarshal([]byte(`{"type":"daily","except_dates":["2025-12-25","2025-02-30"]}`), &back)
	fields = nil
	for _, fe := range timeline.FieldErrors(err) {
		fields = append(fields, fe.Field)
	}
	if !cmp.Equal([]string{"schedule.except_dates[1]"}, fields) {
		t.Errorf("a day that does not exist: fields %v (%v)", fields, err)
	}
	// In an item, and in the feed.
	loc := mustLoad("Europe/Berlin")
	var it timeline.Item
	if err := json.Unmarshal([]byte(`{"id":"00000000-0000-0000-0000-000000000001","title":"Run","kind":"workout",`+
		`"schedule":{"type":"daily","except_dates":["2025-12-25"]},"anchor":{"type":"fixed","time":"07:00"},"offset_minutes":0,"duration_minutes":30}`), &it); err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		date    string
		entries int
	}{{"2025-12-24", 1}, {"2025-12-25", 0}} {
		f := mustFeed(t, timeline.FeedInput{Date: d(x.date), Location: loc, Now: time.Date(2025, 12, 20, 0, 0, 0, 0, loc), View: timeline.ViewExpanded, Items: []timeline.Item{it}})
		if len(f.Entries) != x.entries {
			t.Errorf("feed of %s has %d entries, want %d", x.date, len(f.Entries), x.entries)
		}
	}
}
