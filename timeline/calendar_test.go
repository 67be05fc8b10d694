package timeline_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// calendarSchedules are schedules of every kind, valid and not: the
// built-in kinds, rules a built-in kind expresses, and rules that must be
// expanded, open, with an UNTIL, with a COUNT, with BYSETPOS.
func calendarSchedules() []timeline.Schedule {
	start := d("2024-01-10")
	rule := func(s string) timeline.Schedule {
		return timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: start, RRule: s}
	}
	return []timeline.Schedule{
		{Type: timeline.ScheduleDaily},
		{Type: timeline.ScheduleDaily, StartDate: start},
		{Type: timeline.ScheduleWeekdays},
		{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Saturday, time.Tuesday}},
		{Type: timeline.ScheduleWeekly, Interval: 3, StartDate: start, WeekStart: timeline.WeekStartOn(time.Sunday), Days: []time.Weekday{time.Sunday, time.Wednesday}},
		{Type: timeline.ScheduleOnce, Date: d("2024-07-04")},
		{Type: timeline.ScheduleEveryNDays, Interval: 17, StartDate: start},
		{Type: timeline.ScheduleMonthly, DayOfMonth: 31},
		{Type: timeline.ScheduleMonthly, DayOfMonth: -2, Interval: 5, StartDate: start},
		{Type: timeline.ScheduleMonthly, Week: -1, Weekday: time.Sunday},
		{Type: timeline.ScheduleMonthly, Week: 5, Weekday: time.Friday, Interval: 2, StartDate: start},
		{Type: timeline.ScheduleYearly, Month: time.February, DayOfMonth: 29},
		{Type: timeline.ScheduleYearly, Month: time.May, Week: -1, Weekday: time.Monday, Interval: 2, StartDate: start},
		// Rules a built-in kind expresses, open and bounded.
		rule("FREQ=WEEKLY;BYDAY=MO,TH"),
		rule("FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,SA;WKST=SU"),
		rule("FREQ=DAILY;INTERVAL=11;UNTIL=20260101"),
		rule("FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20250615T120000Z"),
		rule("FREQ=WEEKLY;BYDAY=SA;COUNT=40"),
		rule("FREQ=YEARLY;COUNT=12"),
		{Type: timeline.ScheduleRRule, StartDate: d("2024-02-29"), RRule: "FREQ=YEARLY"},
		// Rules that are expanded.
		rule("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"),
		rule("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1,-2;COUNT=30"),
		rule("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;UNTIL=20251231"),
		rule("FREQ=DAILY;INTERVAL=2;BYDAY=TU,WE"),
		rule("FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=200"),
		rule("FREQ=DAILY;BYMONTH=2,3;BYMONTHDAY=-1,1;UNTIL=20270301"),
		rule("FREQ=YEARLY;BYWEEKNO=1,20;BYDAY=MO"),
		rule("FREQ=YEARLY;INTERVAL=3;BYYEARDAY=1,-1,100;COUNT=9"),
		rule("FREQ=YEARLY;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8"),
		rule("FREQ=MONTHLY;BYMONTHDAY=10,15;INTERVAL=18"),
		// Invalid schedules: never due, or whatever DueOn says.
		{Type: timeline.ScheduleEveryNDays},
		{Type: timeline.ScheduleRRule, RRule: "FREQ=DAILY"},
		rule("nonsense"),
		rule("FREQ=HOURLY"),
		{Type: timeline.ScheduleWeekly},
		{Type: "bogus"},
		{Type: timeline.ScheduleYearly},
	}
}

// TestCalendarMatchesSchedule asks a Calendar and its schedule about every
// day of four years around the start, forwards and then backwards (so an
// expanded rule moves its stretch both ways), about a date every 97 days
// for 40 years, and about a date that does not exist; and asks NextDue
// every 5 days. Every answer must be the schedule's.
func TestCalendarMatchesSchedule(t *testing.T) {
	t.Parallel()
	from, to := d("2023-12-01"), d("2027-12-31")
	for i, s := range calendarSchedules() {
		t.Run(fmt.Sprintf("%d-%s-%s", i, s.Type, s.RRule), func(t *testing.T) {
			t.Parallel()
			c := s.Calendar()
			var days []civil.Date
			for x := from; !x.After(to); x = x.AddDays(1) {
				days = append(days, x)
			}
			for x := to; !x.Before(from); x = x.AddDays(-1) {
				days = append(days, x)
			}
			for x := d("2000-01-01"); x.Before(d("2040-01-01")); x = x.AddDays(97) {
				days = append(days, x)
			}
			days = append(days, civil.D(2025, 2, 30), civil.Date{}, civil.D(9999, 12, 31))
			for _, x := range days {
				if got, want := c.DueOn(x), s.DueOn(x); got != want {
					t.Fatalf("Calendar.DueOn(%s) = %v, Schedule.DueOn = %v", x, got, want)
				}
			}
			for x := from.AddDays(-40); !x.After(to); x = x.AddDays(5) {
				got, gotOK := c.NextDue(x)
				want, wantOK := s.NextDue(x)
				if got != want || gotOK != wantOK {
					t.Fatalf("Calendar.NextDue(%s) = %s, %v; Schedule.NextDue = %s, %v", x, got, gotOK, want, wantOK)
				}
			}
		})
	}
}

// TestCalendarLongCount compares a rule with COUNT=5000 that must be
// expanded on a sample of dates (each Schedule.DueOn call walks all 5000).
func TestCalendarLongCount(t *testing.T) {
	t.Parallel()
	s := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2020-03-02"), RRule: "FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=5000"}
	c := s.Calendar()
	last := 0
	for x := d("2020-02-20"); x.Before(d("2055-01-01")); x = x.AddDays(347) {
		for k := range 3 {
			y := x.AddDays(k)
			got, want := c.DueOn(y), s.DueOn(y)
			if got != want {
				t.Fatalf("Calendar.DueOn(%s) = %v, Schedule.DueOn = %v", y, got, want)
			}
			if got {
				last = y.Year
			}
		}
	}
	if last < 2050 {
		t.Errorf("last year with a due date sampled = %d, want 2050 or later", last)
	}
	// 5000 dates three a week run out 32 years on.
	for _, x := range []civil.Date{d("2020-01-01"), d("2052-01-01"), d("2052-03-01")} {
		got, gotOK := c.NextDue(x)
		want, wantOK := s.NextDue(x)
		if got != want || gotOK != wantOK {
			t.Errorf("Calendar.NextDue(%s) = %s, %v; Schedule.NextDue = %s, %v", x, got, gotOK, want, wantOK)
		}
	}
}

// TestCalendarCopiesSchedule: changing the schedule after making its
// Calendar changes nothing.
func TestCalendarCopiesSchedule(t *testing.T) {
	t.Parallel()
	s := timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday}}
	c := s.Calendar()
	s.Days[0] = time.Tuesday
	if !c.DueOn(d("2025-03-10")) || c.DueOn(d("2025-03-11")) {
		t.Error("the Calendar follows a change of the schedule's days")
	}
}

// TestCalendarConcurrent asks one Calendar of an expanded rule about
// dates far apart from several goroutines at once (run it with -race).
func TestCalendarConcurrent(t *testing.T) {
	t.Parallel()
	s := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2024-01-01"), RRule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"}
	c := s.Calendar()
	p := timeline.Item{Schedule: s}.Plan(nil)
	var days []civil.Date
	for x := d("2024-01-01"); x.Before(d("2030-01-01")); x = x.AddDays(3) {
		days = append(days, x)
	}
	want := make([]bool, len(days))
	for i, x := range days {
		want[i] = s.DueOn(x)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for g := range 4 {
		wg.Go(func() {
			for k := range days {
				i := (k*7 + g*len(days)/4) % len(days) // each goroutine in its own order
				if c.DueOn(days[i]) != want[i] || p.DueOn(days[i]) != want[i] {
					errs <- fmt.Sprintf("goroutine %d: DueOn(%s) != %v", g, days[i], want[i])
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestPlanMatchesItem compares a Plan's DueOn, NextDue and Occurrence with
// the item's, with active dates, across DST changes in New York and the day
// Pacific/Apia skipped.
func TestPlanMatchesItem(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		loc  string
		it   timeline.Item
		from civil.Date
	}{
		{"daily with active dates", "America/New_York", timeline.Item{ID: id(1), Title: "Walk", Kind: timeline.KindHabit,
			Schedule: daily, Anchor: fixed("02:30"), OffsetMinutes: 30, DurationMinutes: 20,
			ActiveFrom: d("2025-03-01"), ActiveUntil: d("2025-11-10")}, d("2025-02-20")},
		{"counted rule after wake", "America/New_York", timeline.Item{ID: id(2), Title: "Pill", Kind: timeline.KindMedication,
			Schedule: timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=DAILY;BYDAY=TU,SA;COUNT=80"},
			Anchor:   wake, OffsetMinutes: -90, DurationMinutes: 5, ActiveUntil: d("2025-09-01")}, d("2024-12-01")},
		{"expanded rule at bedtime", "Pacific/Apia", timeline.Item{ID: id(3), Title: "Read", Kind: timeline.KindRoutine,
			Schedule: timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2011-06-01"), RRule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR,SA;BYSETPOS=-1,-2"},
			Anchor:   timeline.Anchor{Type: timeline.AnchorBedtime}, DurationMinutes: 30, ActiveFrom: d("2011-07-01")}, d("2011-05-01")},
		{"every day in Apia", "Pacific/Apia", timeline.Item{ID: id(4), Title: "Tea", Kind: timeline.KindHabit,
			Schedule: daily, Anchor: fixed("09:00")}, d("2011-12-01")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := mustLoad(tt.loc)
			a := timeline.Anchors{DefaultWake: clock("07:00"), DefaultBedtime: clock("23:30")}
			p := tt.it.Plan(loc)
			due := 0
			for x := tt.from; x.Before(tt.from.AddDays(400)); x = x.AddDays(1) {
				if got, want := p.DueOn(x), tt.it.DueOn(x, loc); got != want {
					t.Fatalf("Plan.DueOn(%s) = %v, Item.DueOn = %v", x, got, want)
				}
				gotOcc, gotOK := p.Occurrence(x, a, loc)
				wantOcc, wantOK := tt.it.Occurrence(x, a, loc)
				if diff := cmp.Diff(wantOcc, gotOcc); diff != "" || gotOK != wantOK {
					t.Fatalf("Occurrence(%s): ok %v, want %v; (-want +got):\n%s", x, gotOK, wantOK, diff)
				}
				if gotOK {
					due++
				}
				got, gotOK := p.NextDue(x)
				want, wantOK := tt.it.NextDue(x, loc)
				if got != want || gotOK != wantOK {
					t.Fatalf("Plan.NextDue(%s) = %s, %v; Item.NextDue = %s, %v", x, got, gotOK, want, wantOK)
				}
			}
			if due == 0 {
				t.Error("no occurrence in 400 days: the test compares nothing")
			}
		})
	}
}

// TestFeedWithPlans: a feed given plans equals the feed without them, and
// a plan made from another schedule is ignored.
func TestFeedWithPlans(t *testing.T) {
	t.Parallel()
	loc := mustLoad("Europe/London")
	counted := item(1, "Report", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=24"}, fixed("09:00"), 0, 60)
	counted.Missed = timeline.MissedCarryOver
	open := item(2, "Swim", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-03-30"), RRule: "FREQ=DAILY;INTERVAL=2;BYDAY=TU,WE,SA"}, fixed("18:00"), 0, 45)
	builtin := item(3, "Stretch", timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=WEEKLY;BYDAY=TU;COUNT=50"}, fixed("07:30"), 0, 10)
	plain := item(4, "Water", daily, wake, 10, 5)
	items := []timeline.Item{counted, open, builtin, plain}
	other := builtin
	other.Schedule.RRule = "FREQ=WEEKLY;BYDAY=WE"
	plans := []*timeline.Plan{counted.Plan(loc), open.Plan(loc), other.Plan(loc), plain.Plan(loc)}
	for x := d("2025-03-25"); x.Before(d("2025-05-05")); x = x.AddDays(1) {
		in := timeline.FeedInput{
			Date: x, Location: loc, Now: time.Date(x.Year, x.Month, x.Day, 12, 0, 0, 0, loc), View: timeline.ViewExpanded,
			Items: items, Anchors: timeline.Anchors{DefaultWake: clock("07:00"), DefaultBedtime: clock("23:00")},
		}
		want := mustFeed(t, in)
		in.Plans = plans
		if diff := cmp.Diff(want, mustFeed(t, in)); diff != "" {
			t.Fatalf("%s: feed with plans (-want +got):\n%s", x, diff)
		}
		in.Plans = plans[:1] // fewer plans than items
		if diff := cmp.Diff(want, mustFeed(t, in)); diff != "" {
			t.Fatalf("%s: feed with one plan (-want +got):\n%s", x, diff)
		}
	}
}
