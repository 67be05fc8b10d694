package timeline_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// TestRulesHaveNoHorizon: COUNT is the number of occurrences however long
// they take, and a rule without COUNT or UNTIL repeats through 9999; no
// date vanishes 292 years after the start.
func TestRulesHaveNoHorizon(t *testing.T) {
	t.Parallel()
	ny := mustLoad("America/New_York")

	// The last weekday of 5000 months: 417 years, from 2026-01 to 2442-08 (the last a Friday, the 29th).
	const lastWeekday = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=5000"
	s := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2026-01-01"), RRule: lastWeekday}
	if err := s.Validate(); err != nil {
		t.Fatal(err)
	}
	c := s.Calendar()
	n, last := 0, civil.Date{}
	for x, ok := c.NextDue(s.StartDate); ok; x, ok = c.NextDue(x.AddDays(1)) {
		n, last = n+1, x
	}
	if n != 5000 || last != d("2442-08-29") {
		t.Errorf("Calendar: %d dates, the last %s; want 5000, the last 2442-08-29 (a Friday)", n, last)
	}
	if !s.DueOn(d("2442-08-29")) || s.DueOn(d("2442-09-30")) {
		t.Errorf("Schedule.DueOn(2442-08-29) = %v, DueOn(2442-09-30) = %v; want true, false", s.DueOn(d("2442-08-29")), s.DueOn(d("2442-09-30")))
	}
	r, err := timeline.ParseRule(lastWeekday)
	if err != nil {
		t.Fatal(err)
	}
	all := r.Between(d("2026-01-01"), clock("09:00"), ny, time.Date(2026, 1, 1, 0, 0, 0, 0, ny), time.Date(9999, 1, 1, 0, 0, 0, 0, ny))
	if len(all) != 5000 || civil.DateOf(all[4999]) != d("2442-08-29") {
		t.Errorf("Between: %d instants; want 5000, the last on 2442-08-29", len(all))
	}

	// Independence Day from 1700, asked about in 2026.
	r, err = timeline.ParseRule("FREQ=YEARLY")
	if err != nil {
		t.Fatal(err)
	}
	got := r.Between(d("1700-07-04"), clock("09:00"), ny, time.Date(2026, 1, 1, 0, 0, 0, 0, ny), time.Date(2026, 12, 31, 0, 0, 0, 0, ny))
	if diff := cmp.Diff([]time.Time{time.Date(2026, 7, 4, 9, 0, 0, 0, ny)}, got); diff != "" {
		t.Errorf("FREQ=YEARLY from 1700-07-04, in 2026 (-want +got):\n%s", diff)
	}
	july4 := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("1700-07-04"), RRule: "FREQ=YEARLY"}
	if !july4.DueOn(d("2026-07-04")) || !july4.Calendar().DueOn(d("9999-07-04")) {
		t.Error("FREQ=YEARLY from 1700-07-04 is not due on 2026-07-04 or 9999-07-04")
	}

	// Rules that must be expanded, far from their start.
	for _, tt := range []struct {
		rule string
		due  []string
	}{
		{"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", []string{"2026-07-31", "9999-12-31"}},
		{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", []string{"2016-02-29", "2044-02-29"}},
		{"FREQ=DAILY;INTERVAL=3;BYMONTHDAY=1", []string{"1700-07-01"}},
	} {
		s := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("1700-07-01"), RRule: tt.rule}
		for _, x := range tt.due {
			if !s.DueOn(d(x)) || !s.Calendar().DueOn(d(x)) {
				t.Errorf("%s from 1700-07-01 is not due on %s", tt.rule, x)
			}
		}
	}
}

// neverRules are rules that can never occur from their start dates: the
// interval keeps the weekday, the month or the kind of year that BYxxx
// would need away, or BYSETPOS asks for more than a period holds.
var neverRules = []struct{ start, rule string }{
	{"2025-01-07", "FREQ=DAILY;INTERVAL=7;BYDAY=MO"}, // every 7 days from a Tuesday is never a Monday
	{"2025-01-07", "FREQ=DAILY;INTERVAL=14;BYDAY=SA,SU"},
	{"2025-01-07", "FREQ=DAILY;INTERVAL=7;BYMONTHDAY=13;BYDAY=FR"},
	{"2025-01-06", "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2"},
	{"2025-01-06", "FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6"},
	{"2025-04-01", "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=31"}, // every April
	{"2025-01-01", "FREQ=YEARLY;INTERVAL=4;BYYEARDAY=366"},   // 2025, 2029, … are never leap years
	{"2025-01-01", "FREQ=YEARLY;INTERVAL=400;BYWEEKNO=53"},   // 2025 has 52 weeks, and so has 2425
	{"2025-01-05", "FREQ=DAILY;INTERVAL=189;BYMONTH=2;BYMONTHDAY=29"},
}

// TestNeverOccurringRulesAreRefused: Validate refuses each rule, and a feed
// refuses an item with one as Item.Validate does.
func TestNeverOccurringRulesAreRefused(t *testing.T) {
	t.Parallel()
	loc := mustLoad("Europe/Berlin")
	for _, tt := range neverRules {
		t.Run(tt.rule, func(t *testing.T) {
			t.Parallel()
			s := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d(tt.start), RRule: tt.rule}
			var ve *timeline.ValidationError
			if err := s.Validate(); !errors.As(err, &ve) || ve.Field != "schedule.rrule" {
				t.Fatalf("Validate = %v, want a ValidationError for schedule.rrule", err)
			}
			if x, ok := s.NextDue(d(tt.start)); ok {
				t.Errorf("NextDue = %s, want none", x)
			}
			it := item(1, "Never", s, fixed("09:00"), 0, 10)
			itemErr := it.Validate()
			_, err := timeline.BuildFeed(timeline.FeedInput{Date: d("2025-06-02"), Location: loc, Now: time.Date(2025, 6, 2, 8, 0, 0, 0, loc), Items: []timeline.Item{it}})
			var fields []string
			for _, fe := range timeline.FieldErrors(err) {
				fields = append(fields, fe.Field)
			}
			if itemErr == nil || !errors.Is(err, timeline.ErrInvalid) || !cmp.Equal(fields, []string{"items[0].schedule.rrule"}) {
				t.Errorf("Item.Validate = %v; BuildFeed = %v, want an error for items[0].schedule.rrule", itemErr, err)
			}
		})
	}
}

// TestInstantsJumpOverEmptyYears: walking a rule whose dates are decades
// apart, or that has none, ends: the walk jumps over the empty stretches.
func TestInstantsJumpOverEmptyYears(t *testing.T) {
	t.Parallel()
	ny := mustLoad("America/New_York")
	never, err := timeline.ParseRule("FREQ=DAILY;INTERVAL=7;BYDAY=MO")
	if err != nil {
		t.Fatal(err)
	}
	for got := range never.Instants(d("2025-01-07"), clock("09:00"), ny) {
		t.Fatalf("a rule that never happens yielded %s", got)
	}
	leap, err := timeline.ParseRule("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO;COUNT=4")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for at := range leap.Instants(d("2000-01-01"), clock("09:00"), ny) {
		got = append(got, at.Format("2006-01-02"))
	}
	if diff := cmp.Diff([]string{"2016-02-29", "2044-02-29", "2072-02-29", "2112-02-29"}, got); diff != "" {
		t.Errorf("Mondays that are February 29 (-want +got):\n%s", diff)
	}
}
