package timeline

import (
	"slices"
	"sync"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// compiledRule is an rrule schedule ready for date questions. Three kinds
// of rule answer in three ways:
//
//   - an open rule (no COUNT) that a built-in kind expresses
//     (FREQ=WEEKLY;BYDAY=MO,TH and the like) asks that kind, in constant
//     time;
//   - any other open rule is expanded from the period that holds the date
//     asked about, so its cost does not grow with the distance from its
//     start;
//   - a rule with a COUNT is walked from its start, once, and only as far
//     as the questions have gone: its dates so far are kept, and a later
//     question continues the walk where the last one stopped.
//
// A compiledRule may be shared (a Plan hands its rules to every feed built
// with it), so the walk and the pattern's buffers are guarded by mu.
type compiledRule struct {
	start civil.Date
	// last is the day number of the last date the rule can be due: the last
	// one UNTIL allows, or 9999-12-31; lastDate is the same for the
	// schedule on its own, by the date written in UNTIL.
	last, lastDate int
	// builtin is the same rule as a built-in schedule; it points at own,
	// whose weekdays live in days.
	builtin *Schedule
	own     Schedule
	days    [7]time.Weekday
	// pat is the rule expanded from its start; nil for a built-in one.
	pat     *pattern
	counted bool
	// timed is set for a rule with BYHOUR or BYMINUTE, whose occurrences
	// have their own wall clocks.
	timed bool
	pl    placement
	bound bound

	mu sync.Mutex
	// ever caches happens: 0 unknown, 1 yes, 2 no.
	ever uint8
	// The walk of a counted rule: its occurrences up to the last one in
	// walked, ascending, and the cursor that continues it.
	walked    []occ
	cur       *cursor
	exhausted bool
}

// placement puts a schedule's dates on the time line, as the time and TZID
// of DTSTART place an iCalendar rule's, so that an UNTIL with a time of day
// can be compared with its occurrences: the zone, and the start of an
// occurrence on a date, which is a wall clock of the anchor there plus an
// offset of elapsed minutes. A clock of -1 means the occurrence has no
// fixed wall clock (a wake or bedtime anchor, or a schedule on its own):
// UNTIL then bounds it by the date UNTIL falls on in the zone.
type placement struct {
	loc    *time.Location
	clock  int   // the anchor's wall clock, minutes after midnight, or -1
	times  []int // the anchor's wall clocks when it has several, ascending
	offset int   // minutes
}

// datesOnly is the placement of a schedule on its own: no times, in UTC,
// so an UNTIL bounds it by the date written in it.
var datesOnly = placement{loc: time.UTC, clock: -1}

func (pl placement) same(o placement) bool {
	return pl.clock == o.clock && pl.offset == o.offset && slices.Equal(pl.times, o.times) &&
		locOrUTC(pl.loc).String() == locOrUTC(o.loc).String()
}

// first is the earliest wall clock of the anchor, or -1.
func (pl placement) first() int {
	if len(pl.times) > 0 {
		return pl.times[0]
	}
	return pl.clock
}

// startAt returns the instant an occurrence on day number n at wall clock
// m (minutes) starts.
func (pl placement) startAt(n, m int) time.Time {
	return resolveWall(int64(n)*86400+int64(m)*60, locOrUTC(pl.loc)).Time.Add(time.Duration(pl.offset) * time.Minute)
}

// bound is a rule's UNTIL.
type bound struct {
	kind untilKind
	wall occ       // floating, for a date (23:59:59 of it) or a floating date-time
	utc  time.Time // for a UTC date-time
}

// allows reports whether an occurrence on day number n at wall clock m
// (minutes; -1 when it has none) is within b, placed by pl: RFC 5545
// compares an UNTIL written in UTC with the instant of each occurrence, one
// written as a floating date-time with its wall clock, and a date with its
// date.
func (pl placement) allows(b *bound, n, m int) bool {
	switch {
	case b.kind == untilNone:
		return true
	case b.kind == untilDate || m < 0 && b.kind == untilFloating:
		return n <= int(b.wall.day)
	case b.kind == untilFloating:
		return n*86400+m*60+pl.offset*60 <= int(b.wall.day)*86400+int(b.wall.sec)
	case m < 0:
		return n <= civil.DateOf(b.utc.In(locOrUTC(pl.loc))).Days()
	default:
		return !pl.startAt(n, m).After(b.utc)
	}
}

// lastUntil returns the day number of the last date on which an
// occurrence at wall clock m (minutes, or -1) is within b.
func (pl placement) lastUntil(b *bound, m int) int {
	if b.kind == untilNone {
		return lastDay
	}
	// The date of UNTIL is within two days of the answer, and allows is
	// monotonic in the date: step to it.
	n := int(b.wall.day)
	if b.kind == untilUTC {
		n = civil.DateOf(b.utc.In(locOrUTC(pl.loc))).Days()
	}
	for n <= lastDay && pl.allows(b, n+1, m) {
		n++
	}
	for !pl.allows(b, n, m) {
		n--
	}
	return n
}

func compileSchedule(s *Schedule, pl placement) (*compiledRule, error) {
	c := new(compiledRule)
	if err := c.compile(s, pl); err != nil {
		return nil, err
	}
	return c, nil
}

// compile compiles the rrule schedule s, placed by pl, into c, which must
// be zero.
func (c *compiledRule) compile(s *Schedule, pl placement) error {
	if s.StartDate.IsZero() || !s.StartDate.IsValid() {
		return invalid("schedule.start_date", "an rrule schedule needs a start date")
	}
	var r Rule
	if err := r.parse(s.RRule, true); err != nil {
		return &ValidationError{Field: "schedule.rrule", Reason: err.Error()}
	}
	c.start, c.pl, c.timed = s.StartDate, pl, r.hasTimes
	c.bound = bound{kind: r.untilKind, utc: r.untilUTC}
	if r.untilKind != untilNone && r.untilKind != untilUTC {
		c.bound.wall = occOfFloating(r.untilWall)
	}
	first := pl.first()
	startSec := 0
	if c.timed && pl.clock >= 0 {
		startSec = pl.clock * 60 // DTSTART's time, which the rule's times default to
	}
	if b, ok := asBuiltin(&r, s.StartDate, c.days[:0]); ok {
		c.own = b
		c.builtin = &c.own
	} else {
		c.pat = newPattern(&r.parts, s.StartDate, startSec)
		c.counted = r.parts.count > 0
		if c.timed && first >= 0 {
			first = int(c.pat.times[0]) / 60
		}
	}
	c.last = min(lastDay, pl.lastUntil(&c.bound, first))
	c.lastDate = min(lastDay, datesOnly.lastUntil(&c.bound, -1))
	if c.counted {
		c.cur = c.pat.walk(c.pat.idx0, occ{int32(c.last), 86399}, r.parts.count)
	}
	return nil
}

// compiled reports whether compile has run (successfully) on c.
func (c *compiledRule) compiled() bool {
	return !c.start.IsZero() && (c.builtin != nil || c.pat != nil)
}

// inRange reports whether day number n lies between the rule's start and
// its last date.
func (c *compiledRule) inRange(n int) bool {
	return n >= c.start.Days() && n <= c.last
}

// dueOnDay reports whether the rule is due on d.
func (c *compiledRule) dueOnDay(d calDay) bool {
	if !c.inRange(d.n) {
		return false
	}
	if c.builtin != nil {
		return c.builtin.dueOnDay(d)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var due bool
	if c.counted {
		i := c.walkTo(d.n)
		due = i < len(c.walked) && int(c.walked[i].day) == d.n
	} else {
		o, ok := c.pat.first(occ{int32(d.n), 0}, occ{int32(d.n), 86399})
		due = ok && int(o.day) == d.n
	}
	if due && c.timed && d.n == c.last {
		due = len(c.slotsLocked(nil, d.n)) > 0 // UNTIL may fall between its times
	}
	return due
}

// walkTo continues the walk of a counted rule until it has passed day
// number n or ended, and returns the index in walked of the first
// occurrence on or after n (len(walked) when there is none). c.mu must be
// held.
func (c *compiledRule) walkTo(n int) int {
	for !c.exhausted && (len(c.walked) == 0 || int(c.walked[len(c.walked)-1].day) < n) {
		o, ok := c.cur.next()
		if !ok {
			c.exhausted = true
			break
		}
		c.walked = append(c.walked, o)
	}
	i, _ := slices.BinarySearchFunc(c.walked, int32(n), func(o occ, n int32) int { return int(o.day - n) })
	return i
}

// slots appends to dst the wall clocks, in minutes, of a timed rule's
// occurrences on day number n that its UNTIL allows, in order.
func (c *compiledRule) slots(dst []int, n int) []int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slotsLocked(dst, n)
}

func (c *compiledRule) slotsLocked(dst []int, n int) []int {
	add := func(o occ) {
		if int(o.day) == n && c.pl.allows(&c.bound, n, int(o.sec)/60) {
			dst = append(dst, int(o.sec)/60)
		}
	}
	if c.counted {
		c.walkTo(n + 1)
		for i := c.walkTo(n); i < len(c.walked) && int(c.walked[i].day) == n; i++ {
			add(c.walked[i])
		}
		return dst
	}
	cur := c.pat.walk(c.pat.periodOf(n), occ{int32(n), 86399}, 0)
	for o, ok := cur.next(); ok; o, ok = cur.next() {
		add(o)
	}
	return dst
}

// nextDue returns the first date on or after from on which the rule is due.
func (c *compiledRule) nextDue(from civil.Date) (civil.Date, bool) {
	if from.Before(c.start) {
		from = c.start
	}
	n := from.Days()
	if n > c.last {
		return civil.Date{}, false
	}
	if c.builtin != nil {
		d, ok := c.builtin.NextDue(from)
		if !ok || d.Days() > c.last {
			return civil.Date{}, false
		}
		return d, true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var next int
	if c.counted {
		i := c.walkTo(n)
		if i == len(c.walked) {
			return civil.Date{}, false
		}
		next = int(c.walked[i].day)
	} else {
		o, ok := c.pat.first(occ{int32(n), 0}, occ{int32(c.last), 86399})
		if !ok {
			return civil.Date{}, false
		}
		next = int(o.day)
	}
	if c.timed && next == c.last && len(c.slotsLocked(nil, next)) == 0 {
		return civil.Date{}, false
	}
	return civil.FromDays(next), true
}

// happens reports whether the rule is ever due, as a schedule on its own
// (by the dates its UNTIL writes, whatever its placement), so that the
// answer is the same wherever the item lives. Unlike nextDue it never walks
// a counted rule: a rule's first date is within any COUNT.
func (c *compiledRule) happens() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ever == 0 {
		var ok bool
		if c.builtin != nil {
			d, next := c.builtin.NextDue(c.start)
			ok = next && d.Days() <= c.lastDate
		} else {
			_, ok = c.pat.first(c.pat.start, occ{int32(c.lastDate), 86399})
		}
		c.ever = 2
		if ok {
			c.ever = 1
		}
	}
	return c.ever == 1
}

// dueBetween returns the dates in [from, to] on which the rule is due, from
// one walk of the rule.
func (c *compiledRule) dueBetween(from, to civil.Date) []civil.Date {
	lo, hi := max(from.Days(), c.start.Days()), min(to.Days(), c.last)
	if hi < lo {
		return nil
	}
	var out []civil.Date
	if c.builtin != nil || c.counted || c.timed {
		for n := lo; n <= hi; n++ {
			if c.dueOnDay(calDayOf(civil.FromDays(n))) {
				out = append(out, civil.FromDays(n))
			}
		}
		return out
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cur := c.pat.walk(c.pat.periodOf(lo), occ{int32(hi), 86399}, 0)
	last := int32(-1 << 31)
	for o, ok := cur.next(); ok; o, ok = cur.next() {
		if int(o.day) >= lo && o.day != last {
			out = append(out, civil.FromDays(int(o.day)))
			last = o.day
		}
	}
	return out
}

// asBuiltin returns the built-in schedule equal to rule r started on start,
// and false when r uses parts a built-in kind cannot express. The dates of
// the two agree on and after start; TestRuleEngineMatchesRRuleGo and
// TestBuiltinRulesMatchTheEngine check them. A weekly schedule's days are
// appended to days, which has room for seven.
func asBuiltin(r *Rule, start civil.Date, days []time.Weekday) (Schedule, bool) {
	o := &r.parts
	if len(o.setPos) > 0 || len(o.yearDays) > 0 || len(o.weekNos) > 0 || r.hasTimes || o.count > 0 {
		return Schedule{}, false
	}
	n := max(o.interval, 1)
	byDay := o.weekdays != 0 || len(o.nth) > 0
	// nth returns the single numbered weekday of BYDAY, if that is all it
	// holds.
	nth := func() (int, time.Weekday, bool) {
		if len(o.nth) != 1 || o.weekdays != 0 || o.nth[0].n > 5 || o.nth[0].n < -5 {
			return 0, 0, false
		}
		return o.nth[0].n, o.nth[0].wd, true
	}
	switch o.freq {
	case freqDaily:
		if len(o.months) > 0 || len(o.monthDays) > 0 || byDay {
			return Schedule{}, false
		}
		return Schedule{Type: ScheduleEveryNDays, Interval: n, StartDate: start}, true
	case freqWeekly:
		if len(o.months) > 0 {
			return Schedule{}, false
		}
		if o.weekdays == 0 {
			days = append(days, start.Weekday())
		}
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			if o.weekdays&(1<<wd) != 0 {
				days = append(days, wd)
			}
		}
		return Schedule{Type: ScheduleWeekly, Interval: n, StartDate: start, Days: days, WeekStart: WeekStartOn(o.wkst)}, true
	case freqMonthly:
		if len(o.months) > 0 {
			return Schedule{}, false
		}
		switch {
		case !byDay && len(o.monthDays) <= 1:
			day := start.Day
			if len(o.monthDays) == 1 {
				day = o.monthDays[0]
			}
			return Schedule{Type: ScheduleMonthly, Interval: n, StartDate: start, DayOfMonth: day}, true
		case len(o.monthDays) == 0:
			if k, wd, ok := nth(); ok {
				return Schedule{Type: ScheduleMonthly, Interval: n, StartDate: start, Week: k, Weekday: wd}, true
			}
		}
	case freqYearly:
		month := start.Month
		switch len(o.months) {
		case 0:
			if byDay || len(o.monthDays) > 0 {
				return Schedule{}, false // BYDAY or BYMONTHDAY over the whole year
			}
		case 1:
			month = time.Month(o.months[0])
		default:
			return Schedule{}, false
		}
		switch {
		case !byDay && len(o.monthDays) <= 1:
			day := start.Day
			if len(o.monthDays) == 1 {
				day = o.monthDays[0]
			}
			return Schedule{Type: ScheduleYearly, Interval: n, StartDate: start, Month: month, DayOfMonth: day}, true
		case len(o.monthDays) == 0:
			if k, wd, ok := nth(); ok {
				return Schedule{Type: ScheduleYearly, Interval: n, StartDate: start, Month: month, Week: k, Weekday: wd}, true
			}
		}
	}
	return Schedule{}, false
}
