package timeline_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
	rrule "github.com/teambition/rrule-go"
)

// benchItems returns n items of every schedule kind and anchor, in the
// proportions of a busy person's timeline.
func benchItems(n int) []timeline.Item {
	kinds := []timeline.Schedule{
		{Type: timeline.ScheduleDaily},
		{Type: timeline.ScheduleWeekdays},
		{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday, time.Wednesday, time.Friday}},
		{Type: timeline.ScheduleEveryNDays, Interval: 2, StartDate: d("2025-01-01")},
		{Type: timeline.ScheduleWeekly, Interval: 2, StartDate: d("2025-01-06"), Days: []time.Weekday{time.Monday}},
		{Type: timeline.ScheduleMonthly, DayOfMonth: 10},
		{Type: timeline.ScheduleDaily},
		{Type: timeline.ScheduleMonthly, Week: 2, Weekday: time.Monday},
		{Type: timeline.ScheduleOnce, Date: d("2025-03-10")},
		{Type: timeline.ScheduleRRule, StartDate: d("2025-01-01"), RRule: "FREQ=WEEKLY;BYDAY=MO,TH"},
	}
	anchors := []timeline.Anchor{wake, fixed("08:00"), {Type: timeline.AnchorBedtime}, fixed("12:30")}
	items := make([]timeline.Item, n)
	for i := range items {
		it := item(byte(i+1), fmt.Sprintf("item %03d", i), kinds[i%len(kinds)], anchors[i%len(anchors)], (i%9)*10-30, 15)
		it.ID[14] = byte((i + 1) >> 8)
		if i%3 == 0 {
			it.Missed = timeline.MissedCarryOver
		}
		items[i] = it
	}
	return items
}

// BenchmarkBuildFeed200 builds the expanded feed of a day with 200 items and
// 60 events. The floor, measured in the same loop, is the least any feed of
// 200 entries costs: resolving 200 wall clocks with time.Date and sorting
// 200 instants. feed-ns is the feed alone (ns/op holds both), x-floor is
// the feed's cost in floors, and feed-cpu-ns the feed's CPU time (garbage
// collection included), which a busy machine does not inflate.
func BenchmarkBuildFeed200(b *testing.B) {
	loc := mustLoad("America/New_York")
	date := d("2025-03-10")
	items := benchItems(200)
	var events []timeline.Event
	for i := 0; i < 60; i++ {
		typ := []timeline.EventType{timeline.EventCompleted, timeline.EventSkipped, timeline.EventPostponed}[i%3]
		e := timeline.Event{ItemID: items[i*3].ID, Date: date, Type: typ, At: time.Date(2025, 3, 10, 7, 0, 0, 0, loc)}
		if typ == timeline.EventPostponed {
			e.To = time.Date(2025, 3, 10, 19, 0, 0, 0, loc)
		}
		events = append(events, e)
	}
	in := timeline.FeedInput{
		Date: date, Location: loc, Now: time.Date(2025, 3, 10, 13, 0, 0, 0, loc), View: timeline.ViewExpanded,
		Items: items, Events: events,
		Anchors: timeline.Anchors{DefaultWake: clock("07:00"), DefaultBedtime: clock("23:00")},
	}
	if f, err := timeline.BuildFeed(in); err != nil || len(f.Entries) < 100 {
		b.Fatalf("feed: %d entries, %v", len(f.Entries), err)
	}
	// The floor and the feed run in turn inside one loop, so both see the
	// same load on a shared machine; x-floor is the ratio of their sums.
	ts := make([]time.Time, 200)
	floor := func() {
		for i := range ts {
			ts[i] = time.Date(2025, 3, 10, 6+i%16, (i*7)%60, 0, 0, loc)
		}
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	}
	var feedNs, floorNs int64
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if _, err := timeline.BuildFeed(in); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		floor()
		feedNs += t1.Sub(t0).Nanoseconds()
		floorNs += time.Since(t1).Nanoseconds()
	}
	b.StopTimer()
	b.ReportMetric(float64(feedNs)/float64(b.N), "feed-ns")
	b.ReportMetric(float64(floorNs)/float64(b.N), "floor-ns")
	b.ReportMetric(float64(feedNs)/float64(floorNs), "x-floor")
	// CPU time of the feed alone, which other processes on a shared machine
	// do not inflate.
	n := min(b.N, 2000)
	c0 := cpuNanos()
	for i := 0; i < n; i++ {
		_, _ = timeline.BuildFeed(in)
	}
	b.ReportMetric(float64(cpuNanos()-c0)/float64(n), "feed-cpu-ns")
}

// measure returns the mean nanoseconds of n calls of f.
func measure(n int, f func()) float64 {
	if n < 100 {
		n = 100
	}
	start := time.Now()
	for i := 0; i < n; i++ {
		f()
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

// BenchmarkDueOn asks "is it due on D?" for every kind of schedule, with D
// one year and thirty years after the start date. ns/op is the 30-year
// question; ns-1y and ns-30y are both questions timed the same way in the
// same run, and 30y/1y is their ratio: about 1 when the cost does not grow
// with the distance.
func BenchmarkDueOn(b *testing.B) {
	start := d("1995-03-01")
	schedules := []timeline.Schedule{
		{Type: timeline.ScheduleDaily, StartDate: start},
		{Type: timeline.ScheduleWeekdays, StartDate: start},
		{Type: timeline.ScheduleWeekly, StartDate: start, Days: []time.Weekday{time.Tuesday, time.Saturday}},
		{Type: timeline.ScheduleWeekly, Interval: 3, StartDate: start, Days: []time.Weekday{time.Tuesday}},
		{Type: timeline.ScheduleOnce, Date: start},
		{Type: timeline.ScheduleEveryNDays, Interval: 3, StartDate: start},
		{Type: timeline.ScheduleMonthly, StartDate: start, DayOfMonth: -1},
		{Type: timeline.ScheduleMonthly, Interval: 2, StartDate: start, Week: -1, Weekday: time.Friday},
		{Type: timeline.ScheduleYearly, StartDate: start, Month: time.February, DayOfMonth: 29},
		{Type: timeline.ScheduleRRule, StartDate: start, RRule: "FREQ=DAILY;INTERVAL=3"},
		{Type: timeline.ScheduleRRule, StartDate: start, RRule: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"},
		{Type: timeline.ScheduleRRule, StartDate: start, RRule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"},
		{Type: timeline.ScheduleRRule, StartDate: start, RRule: "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH"},
	}
	for _, s := range schedules {
		name := string(s.Type)
		if s.Interval > 1 {
			name += fmt.Sprintf("-%d", s.Interval)
		}
		if s.RRule != "" {
			name += "/" + s.RRule
		}
		b.Run(name, func(b *testing.B) {
			if err := s.Validate(); err != nil {
				b.Fatal(err)
			}
			// Thirteen consecutive days, so both answers occur.
			at := func(years int) []civil.Date {
				q := make([]civil.Date, 13)
				for i := range q {
					q[i] = civil.D(start.Year+years, 6, 10).AddDays(i)
				}
				return q
			}
			q1, q30 := at(1), at(30)
			// Interleave the two questions and keep the best of three
			// rounds of each, so both see the same machine.
			n := min(b.N, 20000)
			one, thirty := 0.0, 0.0
			for r := 0; r < 3; r++ {
				i := 0
				a := measure(n, func() { s.DueOn(q1[i%13]); i++ })
				i = 0
				c := measure(n, func() { s.DueOn(q30[i%13]); i++ })
				if r == 0 || a < one {
					one = a
				}
				if r == 0 || c < thirty {
					thirty = c
				}
			}
			b.ResetTimer()
			i := 0
			for b.Loop() {
				s.DueOn(q30[i%13])
				i++
			}
			b.ReportMetric(one, "ns-1y")
			b.ReportMetric(thirty, "ns-30y")
			b.ReportMetric(thirty/one, "30y/1y")
		})
	}
}

// rruleGoFloating returns src started at 00:00 on start in rrule-go's
// floating mode, the floor the calendar benchmarks compare with. Its UNTIL
// is set far ahead, as rrule-go otherwise stops 292 years after DTSTART.
func rruleGoFloating(b *testing.B, src string, start civil.Date) *rrule.RRule {
	b.Helper()
	o, err := rrule.StrToROption(src)
	if err != nil {
		b.Fatal(err)
	}
	o.Dtstart = time.Date(start.Year, start.Month, start.Day, 0, 0, 0, 0, time.UTC)
	if o.Count == 0 {
		o.Until = time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC)
	}
	r, err := rrule.NewRRule(*o)
	if err != nil {
		b.Fatal(err)
	}
	return r
}

// BenchmarkCalendar asks "is it due on D?" about every day of 2026, as a
// history of a person's days does, of rules that must be expanded: with a
// Calendar made once per round (its making included), and, as the floor,
// with rrule-go listing the same window (Between, which walks the rule from
// its start). ns-calendar and ns-rrule-go are per day asked, x-rrule-go
// the ratio, and ns-schedule the cost of one Schedule.DueOn on those days.
func BenchmarkCalendar(b *testing.B) {
	start := d("2025-01-06")
	for _, src := range []string{
		"FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=5000",
		"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
	} {
		b.Run(src, func(b *testing.B) {
			s := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: start, RRule: src}
			if err := s.Validate(); err != nil {
				b.Fatal(err)
			}
			q := d("2026-01-01")
			lo, hi := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
			var schedNs, calNs, floorNs int64
			sink, want := 0, 0
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				for i := range 30 {
					if s.DueOn(q.AddDays(i * 12)) {
						sink++
					}
				}
				t1 := time.Now()
				c := s.Calendar()
				for i := range 365 {
					if c.DueOn(q.AddDays(i)) {
						sink++
					}
				}
				t2 := time.Now()
				want += len(rruleGoFloating(b, src, start).Between(lo, hi, true))
				schedNs += t1.Sub(t0).Nanoseconds()
				calNs += t2.Sub(t1).Nanoseconds()
				floorNs += time.Since(t2).Nanoseconds()
			}
			if sink == 0 || want == 0 {
				b.Fatal("never due")
			}
			perSched, perCal, perFloor := float64(schedNs)/float64(b.N)/30, float64(calNs)/float64(b.N)/365, float64(floorNs)/float64(b.N)/365
			b.ReportMetric(perSched, "ns-schedule")
			b.ReportMetric(perCal, "ns-calendar")
			b.ReportMetric(perFloor, "ns-rrule-go")
			b.ReportMetric(perCal/perFloor, "x-rrule-go")
		})
	}
}

// BenchmarkCountDueOn asks Schedule.DueOn, which keeps nothing between
// calls, about a date one year and one ten years into a COUNT=5000 rule.
// The floor is the least any answer costs: rrule-go walking the rule from
// its start to that date. x-walk-1y and x-walk-10y are the ratios.
func BenchmarkCountDueOn(b *testing.B) {
	const src = "FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=5000"
	start := d("2025-01-06")
	s := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: start, RRule: src}
	walk := func(to civil.Date) {
		next := rruleGoFloating(b, src, start).Iterator()
		end := time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, time.UTC)
		for t, ok := next(); ok && t.Before(end); t, ok = next() {
		}
	}
	var metrics []float64
	for _, years := range []int{1, 10} {
		q := civil.D(start.Year+years, 6, 11)
		n := 200 / years
		best := func(f func()) float64 {
			m := 0.0
			for r := 0; r < 3; r++ {
				if x := measure(n, f); r == 0 || x < m {
					m = x
				}
			}
			return m
		}
		due, floor := best(func() { s.DueOn(q) }), best(func() { walk(q) })
		metrics = append(metrics, []float64{due, floor}...)
	}
	for b.Loop() {
		s.DueOn(d("2026-06-11"))
	}
	for i, years := range []int{1, 10} {
		due, floor := metrics[2*i], metrics[2*i+1]
		b.ReportMetric(due, fmt.Sprintf("ns-%dy", years))
		b.ReportMetric(floor, fmt.Sprintf("ns-walk-%dy", years))
		b.ReportMetric(due/floor, fmt.Sprintf("x-walk-%dy", years))
	}
}

// BenchmarkNeverOccurs validates rules that can never occur from their
// start (the RFC 5545 expansion would search forever). ns/op is the
// refusal; x-parse is its cost in parses of the same rule, the least any
// validation costs.
func BenchmarkNeverOccurs(b *testing.B) {
	for _, tt := range []struct{ start, rule string }{
		{"2025-01-07", "FREQ=DAILY;INTERVAL=7;BYDAY=MO"},
		{"2025-01-06", "FREQ=WEEKLY;BYDAY=MO;BYSETPOS=2"},
		{"2025-04-01", "FREQ=MONTHLY;INTERVAL=12;BYMONTHDAY=31"},
		{"2025-01-01", "FREQ=YEARLY;INTERVAL=4;BYYEARDAY=366"},
		{"2025-01-05", "FREQ=DAILY;INTERVAL=189;BYMONTH=2;BYMONTHDAY=29"},
	} {
		b.Run(tt.rule, func(b *testing.B) {
			s := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d(tt.start), RRule: tt.rule}
			if s.Validate() == nil {
				b.Fatal("accepted")
			}
			var valNs, parseNs int64
			for b.Loop() {
				t0 := time.Now()
				_ = s.Validate()
				t1 := time.Now()
				_, _ = timeline.ParseRule(tt.rule)
				valNs += t1.Sub(t0).Nanoseconds()
				parseNs += time.Since(t1).Nanoseconds()
			}
			b.ReportMetric(float64(valNs)/float64(b.N), "ns-refuse")
			b.ReportMetric(float64(valNs)/float64(parseNs), "x-parse")
		})
	}
}
