package timeline_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// on returns 09:00 New York time on each day of month m of year y. 09:00 is
// never inside a DST change there, so time.Date is exact for these and the
// expected values do not depend on the resolver under test.
func on(y int, m time.Month, days ...int) []time.Time {
	ny := mustLoad("America/New_York")
	out := make([]time.Time, len(days))
	for i, d := range days {
		out[i] = time.Date(y, m, d, 9, 0, 0, 0, ny)
	}
	return out
}

func span(a, b int) []int {
	var out []int
	for d := a; d <= b; d++ {
		out = append(out, d)
	}
	return out
}

func step(a, b, s int) []int {
	var out []int
	for d := a; d <= b; d += s {
		out = append(out, d)
	}
	return out
}

func cat(parts ...[]time.Time) []time.Time {
	var out []time.Time
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// TestRFC5545Examples runs every example of RFC 5545 section 3.8.5.3 with
// FREQ=DAILY, WEEKLY, MONTHLY or YEARLY. For the rules that run forever, the
// window ends on the last date the RFC lists, and every instance up to it must
// match.
func TestRFC5545Examples(t *testing.T) {
	t.Parallel()
	ny := mustLoad("America/New_York")
	tests := []struct {
		name   string
		start  string // DTSTART date, at 09:00 New York
		rule   string
		window time.Time // end of the comparison window; zero = open
		want   []time.Time
	}{
		{"daily for 10", "1997-09-02", "FREQ=DAILY;COUNT=10", time.Time{}, on(1997, 9, span(2, 11)...)},
		{"daily until Dec 24", "1997-09-02", "FREQ=DAILY;UNTIL=19971224T000000Z", time.Time{},
			cat(on(1997, 9, span(2, 30)...), on(1997, 10, span(1, 31)...), on(1997, 11, span(1, 30)...), on(1997, 12, span(1, 23)...))},
		{"every other day", "1997-09-02", "FREQ=DAILY;INTERVAL=2", endOf(1997, 12, 31),
			cat(on(1997, 9, step(2, 30, 2)...), on(1997, 10, step(2, 30, 2)...), on(1997, 11, step(1, 29, 2)...), on(1997, 12, step(1, 31, 2)...))},
		{"every 10 days, 5", "1997-09-02", "FREQ=DAILY;INTERVAL=10;COUNT=5", time.Time{},
			cat(on(1997, 9, 2, 12, 22), on(1997, 10, 2, 12))},
		{"january for 3 years (yearly)", "1998-01-01", "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA", time.Time{},
			cat(on(1998, 1, span(1, 31)...), on(1999, 1, span(1, 31)...), on(2000, 1, span(1, 31)...))},
		{"january for 3 years (daily)", "1998-01-01", "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1", time.Time{},
			cat(on(1998, 1, span(1, 31)...), on(1999, 1, span(1, 31)...), on(2000, 1, span(1, 31)...))},
		{"weekly for 10", "1997-09-02", "FREQ=WEEKLY;COUNT=10", time.Time{},
			cat(on(1997, 9, 2, 9, 16, 23, 30), on(1997, 10, 7, 14, 21, 28), on(1997, 11, 4))},
		{"weekly until Dec 24", "1997-09-02", "FREQ=WEEKLY;UNTIL=19971224T000000Z", time.Time{},
			cat(on(1997, 9, 2, 9, 16, 23, 30), on(1997, 10, 7, 14, 21, 28), on(1997, 11, 4, 11, 18, 25), on(1997, 12, 2, 9, 16, 23))},
		{"every other week", "1997-09-02", "FREQ=WEEKLY;INTERVAL=2;WKST=SU", endOf(1998, 2, 17),
			cat(on(1997, 9, 2, 16, 30), on(1997, 10, 14, 28), on(1997, 11, 11, 25), on(1997, 12, 9, 23), on(1998, 1, 6, 20), on(1998, 2, 3, 17))},
		{"tue and thu for five weeks (until)", "1997-09-02", "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH", time.Time{},
			cat(on(1997, 9, 2, 4, 9, 11, 16, 18, 23, 25, 30), on(1997, 10, 2))},
		{"tue and thu for five weeks (count)", "1997-09-02", "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH", time.Time{},
			cat(on(1997, 9, 2, 4, 9, 11, 16, 18, 23, 25, 30), on(1997, 10, 2))},
		{"every other week mon wed fri", "1997-09-01", "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR", time.Time{},
			cat(on(1997, 9, 1, 3, 5, 15, 17, 19, 29), on(1997, 10, 1, 3, 13, 15, 17, 27, 29, 31), on(1997, 11, 10, 12, 14, 24, 26, 28), on(1997, 12, 8, 10, 12, 22))},
		{"every other week tue thu, 8", "1997-09-02", "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH", time.Time{},
			cat(on(1997, 9, 2, 4, 16, 18, 30), on(1997, 10, 2, 14, 16))},
		{"monthly first friday, 10", "1997-09-05", "FREQ=MONTHLY;COUNT=10;BYDAY=1FR", time.Time{},
			cat(on(1997, 9, 5), on(1997, 10, 3), on(1997, 11, 7), on(1997, 12, 5), on(1998, 1, 2), on(1998, 2, 6), on(1998, 3, 6), on(1998, 4, 3), on(1998, 5, 1), on(1998, 6, 5))},
		{"monthly first friday until Dec 24", "1997-09-05", "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR", time.Time{},
			cat(on(1997, 9, 5), on(1997, 10, 3), on(1997, 11, 7), on(1997, 12, 5))},
		{"every other month first and last sunday, 10", "1997-09-07", "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", time.Time{},
			cat(on(1997, 9, 7, 28), on(1997, 11, 2, 30), on(1998, 1, 4, 25), on(1998, 3, 1, 29), on(1998, 5, 3, 31))},
		{"second-to-last monday, 6", "1997-09-22", "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", time.Time{},
			cat(on(1997, 9, 22), on(1997, 10, 20), on(1997, 11, 17), on(1997, 12, 22), on(1998, 1, 19), on(1998, 2, 16))},
		{"third-to-last day", "1997-09-28", "FREQ=MONTHLY;BYMONTHDAY=-3", endOf(1998, 2, 26),
			cat(on(1997, 9, 28), on(1997, 10, 29), on(1997, 11, 28), on(1997, 12, 29), on(1998, 1, 29), on(1998, 2, 26))},
		{"2nd and 15th, 10", "1997-09-02", "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", time.Time{},
			cat(on(1997, 9, 2, 15), on(1997, 10, 2, 15), on(1997, 11, 2, 15), on(1997, 12, 2, 15), on(1998, 1, 2, 15))},
		{"first and last day, 10", "1997-09-30", "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1", time.Time{},
			cat(on(1997, 9, 30), on(1997, 10, 1, 31), on(1997, 11, 1, 30), on(1997, 12, 1, 31), on(1998, 1, 1, 31), on(1998, 2, 1))},
		{"every 18 months 10th-15th, 10", "1997-09-10", "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15", time.Time{},
			cat(on(1997, 9, span(10, 15)...), on(1999, 3, 10, 11, 12, 13))},
		{"every tuesday every other month", "1997-09-02", "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU", endOf(1998, 3, 31),
			cat(on(1997, 9, 2, 9, 16, 23, 30), on(1997, 11, 4, 11, 18, 25), on(1998, 1, 6, 13, 20, 27), on(1998, 3, 3, 10, 17, 24, 31))},
		{"yearly june and july, 10", "1997-06-10", "FREQ=YEARLY;COUNT=10;BYMONTH=6,7", time.Time{},
			cat(on(1997, 6, 10), on(1997, 7, 10), on(1998, 6, 10), on(1998, 7, 10), on(1999, 6, 10), on(1999, 7, 10), on(2000, 6, 10), on(2000, 7, 10), on(2001, 6, 10), on(2001, 7, 10))},
		{"every other year jan feb mar, 10", "1997-03-10", "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3", time.Time{},
			cat(on(1997, 3, 10), on(1999, 1, 10), on(1999, 2, 10), on(1999, 3, 10), on(2001, 1, 10), on(2001, 2, 10), on(2001, 3, 10), on(2003, 1, 10), on(2003, 2, 10), on(2003, 3, 10))},
		{"every third year day 1 100 200, 10", "1997-01-01", "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", time.Time{},
			cat(on(1997, 1, 1), on(1997, 4, 10), on(1997, 7, 19), on(2000, 1, 1), on(2000, 4, 9), on(2000, 7, 18), on(2003, 1, 1), on(2003, 4, 10), on(2003, 7, 19), on(2006, 1, 1))},
		{"20th monday", "1997-05-19", "FREQ=YEARLY;BYDAY=20MO", endOf(1999, 5, 17),
			cat(on(1997, 5, 19), on(1998, 5, 18), on(1999, 5, 17))},
		{"monday of week 20", "1997-05-12", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", endOf(1999, 5, 17),
			cat(on(1997, 5, 12), on(1998, 5, 11), on(1999, 5, 17))},
		{"every thursday in march", "1997-03-13", "FREQ=YEARLY;BYMONTH=3;BYDAY=TH", endOf(1999, 3, 31),
			cat(on(1997, 3, 13, 20, 27), on(1998, 3, 5, 12, 19, 26), on(1999, 3, 4, 11, 18, 25))},
		{"thursdays in june july august", "1997-06-05", "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8", endOf(1999, 8, 31),
			cat(on(1997, 6, 5, 12, 19, 26), on(1997, 7, 3, 10, 17, 24, 31), on(1997, 8, 7, 14, 21, 28),
				on(1998, 6, 4, 11, 18, 25), on(1998, 7, 2, 9, 16, 23, 30), on(1998, 8, 6, 13, 20, 27),
				on(1999, 6, 3, 10, 17, 24), on(1999, 7, 1, 8, 15, 22, 29), on(1999, 8, 5, 12, 19, 26))},
		{"friday the 13th", "1997-09-02", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", endOf(2000, 10, 13),
			cat(on(1998, 2, 13), on(1998, 3, 13), on(1998, 11, 13), on(1999, 8, 13), on(2000, 10, 13))},
		{"first saturday after first sunday", "1997-09-13", "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13", endOf(1998, 6, 13),
			cat(on(1997, 9, 13), on(1997, 10, 11), on(1997, 11, 8), on(1997, 12, 13), on(1998, 1, 10), on(1998, 2, 7), on(1998, 3, 7), on(1998, 4, 11), on(1998, 5, 9), on(1998, 6, 13))},
		{"election day", "1996-11-05", "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", endOf(2004, 11, 2),
			cat(on(1996, 11, 5), on(2000, 11, 7), on(2004, 11, 2))},
		{"third tue wed or thu, 3", "1997-09-04", "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", time.Time{},
			cat(on(1997, 9, 4), on(1997, 10, 7), on(1997, 11, 6))},
		{"second-to-last weekday", "1997-09-29", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", endOf(1998, 3, 30),
			cat(on(1997, 9, 29), on(1997, 10, 30), on(1997, 11, 27), on(1997, 12, 30), on(1998, 1, 29), on(1998, 2, 26), on(1998, 3, 30))},
		{"wkst=mo", "1997-08-05", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", time.Time{},
			on(1997, 8, 5, 10, 19, 24)},
		{"wkst=su", "1997-08-05", "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", time.Time{},
			on(1997, 8, 5, 17, 19, 31)},
		{"invalid date ignored", "2007-01-15", "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", time.Time{},
			cat(on(2007, 1, 15, 30), on(2007, 2, 15), on(2007, 3, 15, 30))},
		// UNTIL in UTC bounds the instants: 2025-01-31 09:00 EST is after
		// 04:59:59 UTC that day.
		{"until just before midnight in new york", "2025-01-25", "FREQ=DAILY;UNTIL=20250131T045959Z", time.Time{},
			on(2025, 1, span(25, 30)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r, err := timeline.ParseRule("RRULE:" + tt.rule)
			if err != nil {
				t.Fatalf("ParseRule(%q): %v", tt.rule, err)
			}
			start := civil.MustParseDate(tt.start)
			from := time.Date(start.Year, start.Month, start.Day, 0, 0, 0, 0, ny)
			to := tt.window
			if to.IsZero() {
				to = from.AddDate(20, 0, 0)
			}
			got := r.Between(start, civil.MustParseClock("09:00"), ny, from, to)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.rule, diff)
			}
			// An item with the rule as its schedule, at 09:00 in New York,
			// is due on the same dates.
			it := timeline.Item{Schedule: timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: start, RRule: tt.rule},
				Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.MustParseClock("09:00")}}
			p := it.Plan(ny)
			var due []time.Time
			for x := start; !x.After(civil.DateOf(to)); x = x.AddDays(1) {
				if p.DueOn(x) {
					due = append(due, timeline.Resolve(x, civil.MustParseClock("09:00"), ny))
				}
			}
			if diff := cmp.Diff(tt.want, due); diff != "" {
				t.Errorf("%s as an item's schedule (-want +got):\n%s", tt.rule, diff)
			}
		})
	}
}

// TestRFC5545EveryTwentyMinutes is the DAILY example with BYHOUR and
// BYMINUTE: 24 instances a day from 09:00 to 16:40.
func TestRFC5545EveryTwentyMinutes(t *testing.T) {
	t.Parallel()
	ny := mustLoad("America/New_York")
	r, err := timeline.ParseRule("FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40")
	if err != nil {
		t.Fatal(err)
	}
	var want []time.Time
	for _, day := range []int{2, 3} {
		for h := 9; h <= 16; h++ {
			for _, m := range []int{0, 20, 40} {
				want = append(want, time.Date(1997, 9, day, h, m, 0, 0, ny))
			}
		}
	}
	got := r.Between(civil.D(1997, 9, 2), civil.MustParseClock("09:00"), ny,
		time.Date(1997, 9, 2, 0, 0, 0, 0, ny), time.Date(1997, 9, 3, 23, 59, 0, 0, ny))
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func endOf(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 23, 59, 0, 0, mustLoad("America/New_York"))
}

// TestUntilBoundsTheInstant: an item's UNTIL in UTC bounds the start of each
// occurrence, as RFC 5545 bounds instants of a zoned DTSTART, and agrees
// with Rule.Between; a wake or bedtime item is bounded by the date UNTIL
// falls on in the person's zone; a schedule on its own by the date written.
func TestUntilBoundsTheInstant(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, zone, start, clock string
		offset                   int
		rule                     string
		fixed, wake, schedule    string // the last date due
	}{
		{"RFC daily until Dec 24, New York 09:00", "America/New_York", "1997-09-02", "09:00", 0, "FREQ=DAILY;UNTIL=19971224T000000Z",
			"1997-12-23", "1997-12-23", "1997-12-24"},
		{"New York 09:00 until 04:59:59 UTC", "America/New_York", "2025-01-25", "09:00", 0, "FREQ=DAILY;UNTIL=20250131T045959Z",
			"2025-01-30", "2025-01-30", "2025-01-31"},
		{"Tokyo 07:00 until the last second of 2025 UTC", "Asia/Tokyo", "2025-12-28", "07:00", 0, "FREQ=DAILY;UNTIL=20251231T235959Z",
			"2026-01-01", "2026-01-01", "2025-12-31"},
		{"an offset past midnight counts", "America/New_York", "1997-12-15", "23:00", 120, "FREQ=DAILY;UNTIL=19971224T000000Z",
			"1997-12-22", "1997-12-23", "1997-12-24"},
		{"a floating UNTIL compares wall clocks", "Asia/Tokyo", "2025-01-25", "09:00", 0, "FREQ=DAILY;UNTIL=20250131T080000",
			"2025-01-30", "2025-01-31", "2025-01-31"},
		{"a date UNTIL bounds by date", "Asia/Tokyo", "2025-01-25", "09:00", 0, "FREQ=DAILY;UNTIL=20250131",
			"2025-01-31", "2025-01-31", "2025-01-31"},
		{"an expanded rule", "America/New_York", "2025-01-01", "09:00", 0, "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;UNTIL=20250331T125959Z",
			"2025-02-28", "2025-03-31", "2025-03-31"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			loc := mustLoad(tt.zone)
			s := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: d(tt.start), RRule: tt.rule}
			fixedItem := timeline.Item{Schedule: s, Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: clock(tt.clock)}, OffsetMinutes: tt.offset}
			wakeItem := timeline.Item{Schedule: s, Anchor: timeline.Anchor{Type: timeline.AnchorWake}, OffsetMinutes: tt.offset}
			lastOf := func(due func(civil.Date) bool) string {
				last := ""
				for x := d(tt.start); x.Before(d(tt.start).AddDays(120)); x = x.AddDays(1) {
					if due(x) {
						last = x.String()
					}
				}
				return last
			}
			plan := fixedItem.Plan(loc)
			got := map[string]string{
				"item":      lastOf(func(x civil.Date) bool { return fixedItem.DueOn(x, loc) }),
				"plan":      lastOf(plan.DueOn),
				"wake item": lastOf(func(x civil.Date) bool { return wakeItem.DueOn(x, loc) }),
				"wake plan": lastOf(wakeItem.Plan(loc).DueOn),
				"schedule":  lastOf(s.DueOn),
			}
			want := map[string]string{"item": tt.fixed, "plan": tt.fixed, "wake item": tt.wake, "wake plan": tt.wake, "schedule": tt.schedule}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("last date due (-want +got):\n%s", diff)
			}
			if next, ok := plan.NextDue(d(tt.fixed)); !ok || next.String() != tt.fixed {
				t.Errorf("Plan.NextDue(%s) = %s, %v", tt.fixed, next, ok)
			}
			if next, ok := plan.NextDue(d(tt.fixed).AddDays(1)); ok {
				t.Errorf("Plan.NextDue after the last date = %s", next)
			}
			if tt.offset != 0 {
				return
			}
			// Rule.Between with the same DTSTART ends on the same date.
			r, err := timeline.ParseRule(tt.rule)
			if err != nil {
				t.Fatal(err)
			}
			all := r.Between(d(tt.start), clock(tt.clock), loc, timeline.Resolve(d(tt.start), clock("00:00"), loc), timeline.Resolve(d(tt.start).AddDays(120), clock("00:00"), loc))
			if len(all) == 0 || civil.DateOf(all[len(all)-1]).String() != tt.fixed {
				t.Errorf("Rule.Between ends with %v, want %s", all[len(all)-1:], tt.fixed)
			}
		})
	}
}
