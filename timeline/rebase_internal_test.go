package timeline

import (
	"fmt"
	"testing"

	"github.com/lifeops/lifeops/lifeops/civil"
	rrule "github.com/teambition/rrule-go"
)

// TestRebaseMatchesFullWalk checks the one trick that keeps rrule schedules
// flat: re-basing DTSTART to a period near the query date gives the same
// dates as walking the rule from its real start.
func TestRebaseMatchesFullWalk(t *testing.T) {
	t.Parallel()
	rules := []string{
		"FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=DAILY;INTERVAL=2;BYDAY=TU,WE", "FREQ=DAILY;BYMONTH=2,3;BYMONTHDAY=-1,1",
		"FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,SU;WKST=SU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=MO",
		"FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
		"FREQ=MONTHLY", "FREQ=MONTHLY;INTERVAL=5", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;INTERVAL=2;BYDAY=1SU,-1SU",
		"FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", "FREQ=MONTHLY;INTERVAL=18;BYMONTHDAY=10,15",
		"FREQ=YEARLY", "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO",
		"FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH", "FREQ=YEARLY;INTERVAL=3;BYYEARDAY=1,-1,100", "FREQ=YEARLY;BYDAY=20MO", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
		"FREQ=DAILY;UNTIL=20290101", "FREQ=WEEKLY;COUNT=40;BYDAY=SA",
		"FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYDAY=-1MO", "FREQ=MONTHLY;INTERVAL=2;BYDAY=2MO", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1",
		"FREQ=YEARLY;INTERVAL=3", "FREQ=MONTHLY;BYDAY=5FR", "FREQ=WEEKLY;INTERVAL=4;BYDAY=SU,SA;WKST=TH", "FREQ=DAILY;INTERVAL=9;COUNT=30", "FREQ=WEEKLY;BYMONTH=1,7", "FREQ=MONTHLY;BYMONTH=3,9", "FREQ=YEARLY;BYMONTH=4,10",
	}
	starts := []civil.Date{civil.D(2023, 12, 31), civil.D(2024, 2, 29), civil.D(2024, 7, 17)}
	for _, src := range rules {
		for _, start := range starts {
			t.Run(fmt.Sprintf("%s from %s", src, start), func(t *testing.T) {
				t.Parallel()
				c, err := compileSchedule(&Schedule{Type: ScheduleRRule, StartDate: start, RRule: src})
				if err != nil {
					t.Fatal(err)
				}
				// Every date the full walk yields over six years.
				r, _ := parseRule(src, true)
				opts := r.opts
				opts.Dtstart = floating(start, 0)
				if r.untilKind != untilNone {
					opts.Until = r.untilWall
				}
				rr, err := rrule.NewRRule(opts)
				if err != nil {
					t.Fatal(err)
				}
				end := start.AddDays(6 * 366)
				var all []civil.Date
				next := rr.Iterator()
				for {
					w, ok := next()
					if !ok {
						break
					}
					x := dateOfFloating(w)
					if x.After(end) {
						break
					}
					all = append(all, x)
				}
				i := 0
				for q := start.AddDays(-3); q.Before(end.AddDays(-400)); q = q.AddDays(5) {
					for i < len(all) && all[i].Before(q) {
						i++
					}
					got, ok := c.nextDue(q)
					switch {
					case i < len(all) && (!ok || got != all[i]):
						t.Fatalf("nextDue(%s) = %s, %v; want %s", q, got, ok, all[i])
					case i == len(all) && ok && !got.After(end):
						t.Fatalf("nextDue(%s) = %s; want none", q, got)
					}
				}
			})
		}
	}
}
