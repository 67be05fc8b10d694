package timeline

import (
	"slices"
	"sync"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// Calendar is a schedule made ready for many "is it due on D?" questions.
// Its answers are exactly those of [Schedule.DueOn] and [Schedule.NextDue]
// for the schedule it was made from, valid or not, but the work those redo
// on every call is done once:
//
//   - a built-in kind answers in constant time, as it does anyway;
//   - a rule is parsed once, and one that a built-in kind expresses
//     (FREQ=WEEKLY;BYDAY=MO,TH and the like) answers in constant time;
//   - a rule with a COUNT is walked from its start once, as far as the
//     dates asked about reach, and answers by binary search over the dates
//     walked so far;
//   - any other rule is walked a stretch of dates at a time, and the dates
//     of the last stretch answer the questions that fall inside it, so
//     asking about consecutive days walks the rule about once a year.
//
// Make one with [Schedule.Calendar], or [Item.Plan] for an item. A Calendar
// keeps its own copy of the schedule and is safe for concurrent use.
type Calendar struct {
	s  Schedule
	pl placement
	// The except and extra dates as sorted day numbers.
	except, extra []int32
	rule          *compiledRule // an rrule schedule whose rule compiles
	never         bool          // an rrule schedule whose rule does not compile

	// The stretch of an open rule with no built-in equivalent: every date
	// it is due on in the day numbers [lo, hi], ascending.
	mu      sync.Mutex
	stretch struct {
		ok     bool
		lo, hi int
		span   int
		dates  []int32
	}
}

// Stretches of an open rule grow from firstStretch days, doubling each time
// a question falls outside the last one, up to maxStretch days.
const (
	firstStretch = 64
	maxStretch   = 1024
)

// Calendar returns s made ready for many date questions; see [Calendar]. It
// does not validate s: a Calendar answers as s does even when s is invalid.
// Making one costs a parse of the rule; nothing is walked until asked.
func (s Schedule) Calendar() *Calendar {
	c := new(Calendar)
	c.init(&s, datesOnly)
	return c
}

func (c *Calendar) init(s *Schedule, pl placement) {
	c.s = *s
	c.s.Days = slices.Clone(s.Days)
	c.s.ExceptDates, c.s.ExtraDates = slices.Clone(s.ExceptDates), slices.Clone(s.ExtraDates)
	c.except, c.extra = dayNumbers(s.ExceptDates), dayNumbers(s.ExtraDates)
	c.pl = pl
	if c.s.Type != ScheduleRRule {
		return
	}
	r, err := compileSchedule(&c.s, pl)
	if err != nil {
		c.never = true
		return
	}
	c.rule = r
}

// DueOn reports whether the schedule is due on d, as [Schedule.DueOn] does.
func (c *Calendar) DueOn(d civil.Date) bool {
	if !d.IsValid() {
		return false
	}
	return c.dueOnDay(calDayOf(d))
}

// dayNumbers returns the valid dates of ds as sorted day numbers.
func dayNumbers(ds []civil.Date) []int32 {
	var out []int32
	for _, d := range ds {
		if d.IsValid() {
			out = append(out, int32(d.Days()))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func has(ns []int32, n int) bool {
	_, ok := slices.BinarySearch(ns, int32(n))
	return ok
}

func (c *Calendar) dueOnDay(d calDay) bool {
	if c.never {
		return false
	}
	if has(c.except, d.n) {
		return false
	}
	return c.kindDue(d) || has(c.extra, d.n)
}

// kindDue is dueOnDay before the except and extra dates.
func (c *Calendar) kindDue(d calDay) bool {
	switch r := c.rule; {
	case c.never:
		return false
	case r == nil:
		return c.s.dueOnDay(d)
	case r.builtin != nil, r.counted:
		return r.dueOnDay(d)
	default:
		return c.stretchDue(d)
	}
}

// stretchDue answers DueOn for an open rule from the stretch that holds d,
// walking a new stretch from d when the last one does not.
func (c *Calendar) stretchDue(d calDay) bool {
	r := c.rule
	if !r.inRange(d.n) {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	st := &c.stretch
	if !st.ok || d.n < st.lo || d.n > st.hi {
		st.span = min(max(2*st.span, firstStretch), maxStretch)
		to := d.date.AddDays(st.span - 1)
		if last := lastDate(); to.After(last) {
			to = last
		}
		st.dates = st.dates[:0]
		for _, x := range r.dueBetween(d.date, to) {
			st.dates = append(st.dates, int32(x.Days()))
		}
		st.ok, st.lo, st.hi = true, d.n, to.Days()
	}
	_, ok := slices.BinarySearch(st.dates, int32(d.n))
	return ok
}

// NextDue returns the first date on or after from on which the schedule is
// due, as [Schedule.NextDue] does.
func (c *Calendar) NextDue(from civil.Date) (civil.Date, bool) {
	if !from.IsValid() || c.never {
		return civil.Date{}, false
	}
	d, ok := c.nextKind(from)
	for ok && has(c.except, d.Days()) {
		d, ok = c.nextKind(d.AddDays(1))
	}
	i, _ := slices.BinarySearch(c.extra, int32(from.Days()))
	for ; i < len(c.extra); i++ {
		if e := int(c.extra[i]); !has(c.except, e) {
			if !ok || e < d.Days() {
				return civil.FromDays(e), true
			}
			break
		}
	}
	return d, ok
}

// nextKind is NextDue before the except and extra dates.
func (c *Calendar) nextKind(from civil.Date) (civil.Date, bool) {
	switch r := c.rule; {
	case c.never:
		return civil.Date{}, false
	case r == nil:
		return c.s.nextKind(from)
	default:
		return r.nextDue(from)
	}
}

// Plan is an item made ready for many questions about its dates: whether
// it is due, when next, and its occurrence on a date. Its answers are
// exactly those of [Item.DueOn], [Item.NextDue] and [Item.Occurrence] for
// the item it was made from and the zone it was made for, at the cost of a
// [Calendar]'s. Make one with [Item.Plan]; [FeedInput] takes plans too, so
// a caller that builds many feeds or asks about many dates compiles each
// rule once. A Plan keeps its own copy of the item and is safe for
// concurrent use.
type Plan struct {
	item Item
	cal  Calendar
}

// Plan returns it made ready for many date questions, for a person who
// lives in loc (nil means UTC); see [Plan] and, for what the zone decides,
// [Item.DueOn]. Like [Item.DueOn] it does not validate it.
func (it Item) Plan(loc *time.Location) *Plan {
	p := &Plan{item: it}
	p.cal.init(&it.Schedule, it.placement(loc))
	p.item.Schedule = p.cal.s
	return p
}

// DueOn reports whether the item is due on d, as [Item.DueOn] does in the
// plan's zone.
func (p *Plan) DueOn(d civil.Date) bool {
	return p.item.active(d) && p.cal.DueOn(d)
}

// NextDue returns the first date on or after from on which the item is due,
// as [Item.NextDue] does in the plan's zone.
func (p *Plan) NextDue(from civil.Date) (civil.Date, bool) {
	it := &p.item
	if !it.ActiveFrom.IsZero() && from.Before(it.ActiveFrom) {
		from = it.ActiveFrom
	}
	d, ok := p.cal.NextDue(from)
	if !ok || !it.active(d) {
		return civil.Date{}, false
	}
	return d, true
}

// Occurrence returns the item's first occurrence on feed date d, as
// [Item.Occurrence] does, with the plan's zone deciding whether it is due
// (see [Item.DueOn]) and loc placing it: the two differ only for a person
// who has since moved to another zone.
func (p *Plan) Occurrence(d civil.Date, a Anchors, loc *time.Location) (Occurrence, bool) {
	occs := p.Occurrences(d, a, loc)
	if len(occs) == 0 {
		return Occurrence{}, false
	}
	return occs[0], true
}

// Occurrences returns the item's occurrences on feed date d, one a slot, as
// [Item.Occurrences] does, with the zones as [Plan.Occurrence] says.
func (p *Plan) Occurrences(d civil.Date, a Anchors, loc *time.Location) []Occurrence {
	if !d.IsValid() || !DayExists(d, loc) {
		return nil
	}
	cd := calDayOf(d)
	if p.cal.never {
		return nil
	}
	var buf [1]int
	clocks := p.item.slotClocks(buf[:0], cd, p.cal.rule, p.cal.kindDue(cd))
	return p.item.occurrences(cd, clocks, a, loc)
}

// sameSchedule reports whether a and b are the same schedule, field by
// field.
func sameSchedule(a, b *Schedule) bool {
	return a.Type == b.Type && slices.Equal(a.Days, b.Days) && a.Date == b.Date && a.Interval == b.Interval &&
		a.StartDate == b.StartDate && a.WeekStart == b.WeekStart && a.DayOfMonth == b.DayOfMonth &&
		a.Week == b.Week && a.Weekday == b.Weekday && a.Month == b.Month && a.RRule == b.RRule &&
		slices.Equal(a.ExceptDates, b.ExceptDates) && slices.Equal(a.ExtraDates, b.ExtraDates)
}
