package timeline

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	rrule "github.com/teambition/rrule-go"
)

// rruleGoWeekday is d as rrule-go names it.
func rruleGoWeekday(d time.Weekday) rrule.Weekday {
	return [7]rrule.Weekday{rrule.SU, rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA}[d]
}

// rruleGo returns rule src started at start, at sec seconds of the day, as
// an rrule-go rule in floating mode, ending at until (which is never zero,
// so rrule-go's own horizon of 292 years does not apply).
func rruleGo(t *testing.T, src string, start civil.Date, sec int, until time.Time) *rrule.RRule {
	t.Helper()
	r, err := parseRule(src, false)
	if err != nil {
		t.Fatal(err)
	}
	rp := r.parts
	o := rrule.ROption{
		Freq:       map[frequency]rrule.Frequency{freqDaily: rrule.DAILY, freqWeekly: rrule.WEEKLY, freqMonthly: rrule.MONTHLY, freqYearly: rrule.YEARLY}[rp.freq],
		Interval:   rp.interval,
		Count:      rp.count,
		Wkst:       rruleGoWeekday(rp.wkst),
		Bymonth:    rp.months,
		Byweekno:   rp.weekNos,
		Byyearday:  rp.yearDays,
		Bymonthday: rp.monthDays,
		Bysetpos:   rp.setPos,
		Byhour:     rp.hours,
		Byminute:   rp.minutes,
		Bysecond:   rp.seconds,
		Dtstart:    floating(start, sec),
		Until:      until,
	}
	if r.untilKind != untilNone && r.untilWall.Before(until) {
		o.Until = r.untilWall
	}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		if rp.weekdays&(1<<wd) != 0 {
			o.Byweekday = append(o.Byweekday, rruleGoWeekday(wd))
		}
	}
	for _, x := range rp.nth {
		wd := rruleGoWeekday(x.wd)
		o.Byweekday = append(o.Byweekday, wd.Nth(x.n))
	}
	rr, err := rrule.NewRRule(o)
	if err != nil {
		t.Fatal(err)
	}
	return rr
}

// engineRules are rules of every frequency and part, for the differential
// tests. None mixes plain and numbered BYDAY entries, and no weekly rule
// with BYSETPOS starts after its week's first day, where rrule-go departs
// from RFC 5545 (see recur.go).
var engineRules = []string{
	"FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=DAILY;INTERVAL=2;BYDAY=TU,WE", "FREQ=DAILY;BYMONTH=2,3;BYMONTHDAY=-1,1",
	"FREQ=DAILY;INTERVAL=9;COUNT=30", "FREQ=DAILY;BYMONTHDAY=13;BYDAY=FR", "FREQ=DAILY;INTERVAL=7;BYMONTH=2;BYMONTHDAY=29",
	"FREQ=DAILY;UNTIL=20290101", "FREQ=DAILY;BYHOUR=9,12,15;BYMINUTE=0,30", "FREQ=DAILY;BYHOUR=9,21;BYSETPOS=-1",
	"FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,SU;WKST=SU", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=MO",
	"FREQ=WEEKLY;COUNT=40;BYDAY=SA", "FREQ=WEEKLY;INTERVAL=4;BYDAY=SU,SA;WKST=TH", "FREQ=WEEKLY;BYMONTH=1,7", "FREQ=WEEKLY;BYMONTH=3;BYDAY=MO,FR",
	"FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=8,18",
	"FREQ=MONTHLY", "FREQ=MONTHLY;INTERVAL=5", "FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;INTERVAL=2;BYDAY=1SU,-1SU",
	"FREQ=MONTHLY;BYMONTHDAY=31", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", "FREQ=MONTHLY;INTERVAL=18;BYMONTHDAY=10,15",
	"FREQ=MONTHLY;INTERVAL=2;BYDAY=2MO", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1", "FREQ=MONTHLY;BYDAY=5FR", "FREQ=MONTHLY;BYMONTH=3,9",
	"FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13", "FREQ=MONTHLY;BYDAY=TU,WE,TH;BYSETPOS=3;COUNT=20",
	"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=100", "FREQ=MONTHLY;BYMONTHDAY=1,-1;BYHOUR=7,19;BYSETPOS=1,-1",
	"FREQ=YEARLY", "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO",
	"FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH", "FREQ=YEARLY;BYWEEKNO=-1;BYDAY=SU;WKST=SU", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO,FR",
	"FREQ=YEARLY;INTERVAL=3;BYYEARDAY=1,-1,100", "FREQ=YEARLY;BYDAY=20MO", "FREQ=YEARLY;BYDAY=-1SU", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
	"FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "FREQ=YEARLY;INTERVAL=2;BYMONTH=2;BYDAY=-1MO", "FREQ=YEARLY;INTERVAL=3", "FREQ=YEARLY;BYMONTH=4,10",
	"FREQ=YEARLY;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA", "FREQ=YEARLY;BYMONTH=3;BYDAY=TH", "FREQ=YEARLY;BYYEARDAY=366",
	"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "FREQ=YEARLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "FREQ=YEARLY;COUNT=12;BYMONTH=6,7",
}

var engineStarts = []civil.Date{civil.D(2023, 12, 31), civil.D(2024, 2, 29), civil.D(2024, 7, 17), civil.D(1997, 9, 1)}

// TestRuleEngineMatchesRRuleGo compares every occurrence over six years of
// the rules above, from several starts and times of day, with rrule-go's.
func TestRuleEngineMatchesRRuleGo(t *testing.T) {
	t.Parallel()
	for _, src := range engineRules {
		for _, start := range engineStarts {
			for _, sec := range []int{0, 9*3600 + 30*60, 23*3600 + 59*60 + 59} {
				t.Run(fmt.Sprintf("%s from %s at %d", src, start, sec), func(t *testing.T) {
					t.Parallel()
					until := floating(start.AddDays(6*366), 86399)
					want := rruleGo(t, src, start, sec, until).All()
					r, err := parseRule(src, false)
					if err != nil {
						t.Fatal(err)
					}
					p := newPattern(&r.parts, start, sec)
					end := occOfFloating(until)
					if r.untilKind != untilNone && r.untilWall.Before(until) {
						end = occOfFloating(r.untilWall)
					}
					c := p.walk(p.idx0, end, r.parts.count)
					var got []time.Time
					for o, ok := c.next(); ok; o, ok = c.next() {
						got = append(got, time.Unix(int64(o.day)*86400+int64(o.sec), 0).UTC())
					}
					if len(got) != len(want) {
						t.Fatalf("%d occurrences, rrule-go has %d", len(got), len(want))
					}
					for i := range want {
						if !got[i].Equal(want[i]) {
							t.Fatalf("occurrence %d: %s, rrule-go has %s", i, got[i], want[i])
						}
					}
				})
			}
		}
	}
}

// TestFirstMatchesTheWalk checks first, which starts near the date asked
// about and searches year by year past it, against a plain walk of the rule
// from its start, for dates spread over twelve years and for rules whose
// next date lies decades away.
func TestFirstMatchesTheWalk(t *testing.T) {
	t.Parallel()
	rare := []string{
		"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "FREQ=DAILY;INTERVAL=7;BYMONTH=2;BYMONTHDAY=29",
		"FREQ=DAILY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=29;BYDAY=SU", "FREQ=MONTHLY;INTERVAL=7;BYMONTH=2;BYMONTHDAY=29",
		"FREQ=WEEKLY;INTERVAL=5;BYMONTH=2;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=7", "FREQ=YEARLY;INTERVAL=7;BYWEEKNO=53;BYDAY=MO",
		"FREQ=YEARLY;INTERVAL=4;BYYEARDAY=366",
	}
	for _, src := range append(rare, engineRules...) {
		for _, start := range engineStarts {
			t.Run(fmt.Sprintf("%s from %s", src, start), func(t *testing.T) {
				t.Parallel()
				r, err := parseRule(src, false)
				if err != nil {
					t.Fatal(err)
				}
				p := newPattern(&r.parts, start, 0)
				end := endOfTime
				if r.untilKind != untilNone {
					end = occOfFloating(r.untilWall)
				}
				// Every occurrence to 2200, from one walk without COUNT.
				horizon := occ{int32(civil.D(2200, 1, 1).Days()), 0}
				if horizon.before(end) {
					end = horizon
				}
				var all []occ
				c := p.walk(p.idx0, end, 0)
				for o, ok := c.next(); ok; o, ok = c.next() {
					all = append(all, o)
				}
				q := newPattern(&r.parts, start, 0) // its own buffers and tables
				i := 0
				for day := int(p.start.day) - 3; day < int(p.start.day)+12*366; day += 7 {
					from := occ{int32(day), 0}
					for i < len(all) && all[i].before(from) {
						i++
					}
					got, ok := q.first(from, end)
					switch {
					case i < len(all) && (!ok || got != all[i]):
						t.Fatalf("first(%s) = %v, %v; want %v", civil.FromDays(day), got, ok, all[i])
					case i == len(all) && ok:
						t.Fatalf("first(%s) = %v; want none", civil.FromDays(day), got)
					}
				}
			})
		}
	}
}

// TestRareRulesAgreeWithRRuleGoFarAhead walks rules whose dates are decades
// apart through four centuries with both engines.
func TestRareRulesAgreeWithRRuleGoFarAhead(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "FREQ=YEARLY;INTERVAL=7;BYWEEKNO=53;BYDAY=MO", "FREQ=DAILY;INTERVAL=9;BYMONTH=2;BYMONTHDAY=29"} {
		start := civil.D(1900, 1, 1)
		until := floating(civil.D(2300, 12, 31), 86399)
		want := rruleGo(t, src, start, 0, until).All()
		r, _ := parseRule(src, false)
		p := newPattern(&r.parts, start, 0)
		var got []time.Time
		for o, ok := p.first(p.start, occOfFloating(until)); ok; o, ok = p.first(occ{o.day + 1, 0}, occOfFloating(until)) {
			got = append(got, time.Unix(int64(o.day)*86400, 0).UTC())
		}
		if len(got) != len(want) || len(want) == 0 {
			t.Fatalf("%s: %d dates, rrule-go has %d", src, len(got), len(want))
		}
		for i := range want {
			if !got[i].Equal(want[i]) {
				t.Fatalf("%s: date %d is %s, rrule-go has %s", src, i, got[i], want[i])
			}
		}
	}
}

// FuzzRuleEngine compares the expansion of any rule that parses with
// rrule-go's, over the first occurrences within twelve years, leaving out
// the cases where rrule-go departs from RFC 5545: the two recur.go names,
// and a value listed twice in one part, which rrule-go turns into two
// occurrences at one instant where the RFC's parts are sets.
func FuzzRuleEngine(f *testing.F) {
	for _, src := range engineRules {
		f.Add(src, int16(0), int32(9*3600))
	}
	f.Fuzz(func(t *testing.T, src string, startOffset int16, sec int32) {
		r, err := parseRule(src, false)
		if err != nil {
			return
		}
		rp := &r.parts
		if rp.weekdays != 0 && len(rp.nth) > 0 {
			return // rrule-go intersects plain and numbered weekdays
		}
		for _, l := range [][]int{rp.months, rp.weekNos, rp.yearDays, rp.monthDays, rp.setPos, rp.hours, rp.minutes, rp.seconds} {
			if len(slices.Compact(slices.Sorted(slices.Values(l)))) != len(l) {
				return // rrule-go repeats an occurrence whose time is listed twice
			}
		}
		start := civil.D(2024, 1, 1).AddDays(int(startOffset) % 3000)
		if rp.freq == freqWeekly && len(rp.setPos) > 0 && start.Weekday() != rp.wkst {
			return // rrule-go cuts the first week at DTSTART
		}
		sec = int32(floorMod(int(sec), 86400))
		p := newPattern(rp, start, int(sec))
		if p.never() {
			return
		}
		until := floating(start.AddDays(12*366), 86399)
		end := occOfFloating(until)
		if r.untilKind != untilNone && r.untilWall.Before(until) {
			end = occOfFloating(r.untilWall)
		}
		c := p.walk(p.idx0, end, rp.count)
		var got []time.Time
		for o, ok := c.next(); ok && len(got) < 60; o, ok = c.next() {
			got = append(got, time.Unix(int64(o.day)*86400+int64(o.sec), 0).UTC())
		}
		next := rruleGo(t, src, start, int(sec), until).Iterator()
		var want []time.Time
		for w, ok := next(); ok && len(want) < 60; w, ok = next() {
			want = append(want, w)
		}
		if len(got) != len(want) {
			t.Fatalf("%s from %s at %d: %d occurrences, rrule-go has %d", src, start, sec, len(got), len(want))
		}
		for i := range want {
			if !got[i].Equal(want[i]) {
				t.Fatalf("%s from %s at %d: occurrence %d is %s, rrule-go has %s", src, start, sec, i, got[i], want[i])
			}
		}
	})
}
