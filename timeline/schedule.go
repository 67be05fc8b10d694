package timeline

import (
	"fmt"
	"slices"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// ScheduleType names a kind of schedule. The values are the words of the
// "type" field of a schedule's JSON form.
type ScheduleType string

// The schedule kinds. Every kind but [ScheduleRRule] answers "is it due on
// date D?" in constant time, without walking from the start date.
const (
	// ScheduleDaily is due every day.
	ScheduleDaily ScheduleType = "daily"
	// ScheduleWeekdays is due Monday to Friday.
	ScheduleWeekdays ScheduleType = "weekdays"
	// ScheduleWeekly is due on the weekdays in Days; with Interval N > 1 it
	// is due only every N-th week, counted in weeks that begin on WeekStart
	// (Monday unless set) from the week that holds StartDate.
	ScheduleWeekly ScheduleType = "weekly"
	// ScheduleOnce is due on Date only.
	ScheduleOnce ScheduleType = "once"
	// ScheduleEveryNDays is due on StartDate and every Interval days after.
	ScheduleEveryNDays ScheduleType = "every_n_days"
	// ScheduleMonthly is due once a month (every Interval months from
	// StartDate's month when Interval > 1): on day DayOfMonth, counted from
	// the end when negative (-1 is the last day), or on the Week-th Weekday
	// (Week -1 is the last such weekday of the month).
	//
	// A day of the month that a month does not have is not moved: "the 31st"
	// is not due in April, and "the 30th" is not due in February, exactly as
	// RFC 5545 drops invalid dates. Use DayOfMonth -1 for "the last day of
	// every month".
	ScheduleMonthly ScheduleType = "monthly"
	// ScheduleYearly is due once a year (every Interval years from
	// StartDate's year when Interval > 1) in Month, on DayOfMonth or on the
	// Week-th Weekday of that month. February 29 is due in leap years only.
	ScheduleYearly ScheduleType = "yearly"
	// ScheduleRRule is due on the dates an iCalendar recurrence rule
	// (RFC 5545 section 3.3.10) generates from StartDate. See [ParseRule] for
	// the rule parts accepted. As in [Rule], a StartDate the rule does not
	// select is not a due date. An UNTIL with a time of day bounds an item's
	// occurrences by their instants in the person's zone, as RFC 5545 asks
	// (see [Item.DueOn]); a schedule on its own, having no times, is bounded
	// by the date written in UNTIL.
	ScheduleRRule ScheduleType = "rrule"
)

// WeekStart is the day a week begins on, for a weekly schedule that counts
// weeks. Its zero value is Monday, the week start of iCalendar (WKST=MO) and
// of the JSON form, so a Schedule written as a Go literal without one means
// what the same schedule decoded from JSON means. [WeekStartOn] makes any
// other.
type WeekStart struct {
	// off is the number of days after Monday (0 to 6), or, for a value that
	// is not a weekday, that value plus badWeekStart.
	off int16
}

const badWeekStart = 100

// WeekStartOn returns the week start d. A d that is not a weekday (0 to 6)
// gives a WeekStart that [Schedule.Validate] refuses.
func WeekStartOn(d time.Weekday) WeekStart {
	if d < time.Sunday || d > time.Saturday {
		return WeekStart{off: int16(d) + badWeekStart}
	}
	return WeekStart{off: int16(floorMod(int(d)-int(time.Monday), 7))}
}

// Weekday returns the day the week begins on.
func (w WeekStart) Weekday() time.Weekday {
	if !w.valid() {
		return time.Weekday(w.off - badWeekStart)
	}
	return time.Weekday((int(w.off) + int(time.Monday)) % 7)
}

// String returns the weekday's name, "Monday" for the zero value.
func (w WeekStart) String() string { return w.Weekday().String() }

// Equal reports whether w and o are the same week start.
func (w WeekStart) Equal(o WeekStart) bool { return w == o }

func (w WeekStart) valid() bool { return w.off >= 0 && w.off < 7 }

// MaxInterval is the largest Interval a schedule accepts.
const MaxInterval = 1000

// Schedule says on which calendar dates an item is due. The zero value is
// invalid; [Schedule.Validate] names every field that is wrong. Which fields
// a kind uses is listed on its [ScheduleType] constant; a field set for a kind
// that does not use it is an error, so a typo cannot silently change meaning.
//
// A schedule works on civil dates only: it never sees an instant or a zone,
// and so cannot be fooled by DST. Times of day come from the item's anchor.
type Schedule struct {
	// Type is the kind of schedule.
	Type ScheduleType
	// Days are the weekdays of a weekly schedule.
	Days []time.Weekday
	// Date is the date of a once schedule.
	Date civil.Date
	// Interval is N in "every N days / weeks / months / years". It is
	// required for every_n_days; for weekly, monthly and yearly 0 and 1 both
	// mean "every".
	Interval int
	// StartDate is the first date the schedule can be due and the date its
	// intervals are counted from. It is required by every_n_days and rrule,
	// and by weekly, monthly and yearly when Interval > 1; elsewhere it is an
	// optional lower bound.
	StartDate civil.Date
	// WeekStart is the first day of the week when weekly counts weeks
	// (Interval > 1). Its zero value is Monday, as in iCalendar and the JSON
	// form; [WeekStartOn] sets another day.
	WeekStart WeekStart
	// DayOfMonth is a day of the month for monthly and yearly: 1 to 31, or
	// -1 to -31 counted from the month's end (-1 is the last day).
	DayOfMonth int
	// Week with Weekday picks the n-th weekday of the month for monthly and
	// yearly: 1 to 5, or -1 to -5 counted from the month's end.
	Week int
	// Weekday is the weekday Week counts.
	Weekday time.Weekday
	// Month is the month of a yearly schedule.
	Month time.Month
	// RRule is the recurrence rule of an rrule schedule, without DTSTART
	// (StartDate plays that part), for example "FREQ=MONTHLY;BYDAY=-1FR".
	RRule string
	// ExceptDates are dates the schedule skips though its kind selects
	// them, as iCalendar's EXDATE ("not on public holidays"), and ExtraDates
	// dates it is due on besides, as RDATE. Any kind takes both, at most
	// [MaxScheduleDates] each, in any order, none twice and none in both.
	// An extra date is due whatever StartDate, COUNT or UNTIL say (an
	// item's active dates still bound it); an excepted date is skipped
	// after COUNT has counted it, as RFC 5545 says.
	ExceptDates []civil.Date
	ExtraDates  []civil.Date
}

// MaxScheduleDates is the most dates ExceptDates, and ExtraDates, may hold.
const MaxScheduleDates = 1000

// inDates reports whether d is one of ds.
func inDates(ds []civil.Date, d civil.Date) bool {
	for _, x := range ds {
		if x == d {
			return true
		}
	}
	return false
}

// dated applies the except and extra dates to due, whether the schedule's
// kind selects d.
func (s *Schedule) dated(d civil.Date, due bool) bool {
	if len(s.ExceptDates) == 0 && len(s.ExtraDates) == 0 {
		return due
	}
	if inDates(s.ExceptDates, d) {
		return false
	}
	return due || inDates(s.ExtraDates, d)
}

// nextExtra returns the first extra date on or after from that is not
// also excepted.
func (s *Schedule) nextExtra(from civil.Date) (civil.Date, bool) {
	var best civil.Date
	for _, x := range s.ExtraDates {
		if x.IsValid() && !x.Before(from) && (best.IsZero() || x.Before(best)) && !inDates(s.ExceptDates, x) {
			best = x
		}
	}
	return best, !best.IsZero()
}

// validateDates checks ExceptDates and ExtraDates.
func (s *Schedule) validateDates(p *problems) {
	if len(s.ExceptDates) == 0 && len(s.ExtraDates) == 0 {
		return
	}
	for _, l := range []struct {
		field string
		ds    []civil.Date
	}{{"except_dates", s.ExceptDates}, {"extra_dates", s.ExtraDates}} {
		if len(l.ds) > MaxScheduleDates {
			p.add("schedule."+l.field, "at most %d dates, not %d", MaxScheduleDates, len(l.ds))
			continue
		}
		for i, x := range l.ds {
			field := fmt.Sprintf("schedule.%s[%d]", l.field, i)
			switch {
			case x.IsZero() || !x.IsValid():
				p.add(field, "%s is not a date", x)
			case slices.Contains(l.ds[:i], x):
				p.add(field, "%s is listed twice", x)
			case l.field == "extra_dates" && inDates(s.ExceptDates, x):
				p.add(field, "%s is also an except date", x)
			}
		}
	}
	if s.Type == ScheduleOnce && inDates(s.ExceptDates, s.Date) && len(s.ExtraDates) == 0 {
		p.add("schedule.except_dates", "the once date %s is excepted: the schedule is never due", s.Date)
	}
}

// Validate reports every problem of s as [*ValidationError] values (joined
// with [errors.Join] when there are several), with fields written as JSON
// paths under "schedule". It returns nil for a valid schedule.
func (s Schedule) Validate() error {
	var p problems
	s.validate(&p)
	return p.err()
}

// The fields a schedule kind uses, as bits.
const (
	fDays = 1 << iota
	fDate
	fInterval
	fStartDate
	fWeekStart
	fDayOfMonth
	fWeek
	fWeekday
	fMonth
	fRRule
)

func (s *Schedule) validate(p *problems) { s.check(p, nil) }

// scheduleFields are the optional fields, in the order problems with them
// are reported.
var scheduleFields = [...]struct {
	bit  int
	name string
}{
	{fDays, "days"}, {fDate, "date"}, {fInterval, "interval"}, {fStartDate, "start_date"},
	{fDayOfMonth, "day_of_month"}, {fWeek, "week"}, {fWeekday, "weekday"}, {fMonth, "month"},
	{fRRule, "rrule"}, {fWeekStart, "week_start"},
}

// fieldsSet returns the bits of the optional fields that hold a value. A
// WeekStart of Monday, the zero value, counts as unset.
func (s *Schedule) fieldsSet() int {
	set := 0
	if len(s.Days) > 0 {
		set |= fDays
	}
	if !s.Date.IsZero() {
		set |= fDate
	}
	if s.Interval != 0 {
		set |= fInterval
	}
	if !s.StartDate.IsZero() {
		set |= fStartDate
	}
	if s.DayOfMonth != 0 {
		set |= fDayOfMonth
	}
	if s.Week != 0 {
		set |= fWeek
	}
	if s.Weekday != 0 {
		set |= fWeekday
	}
	if s.Month != 0 {
		set |= fMonth
	}
	if s.RRule != "" {
		set |= fRRule
	}
	if s.WeekStart != (WeekStart{}) {
		set |= fWeekStart
	}
	return set
}

// check validates s. An rrule schedule's rule is compiled into rule (a
// temporary one when rule is nil; rule is used as it is when it is already
// compiled) and asked whether it ever happens.
func (s *Schedule) check(p *problems, rule *compiledRule) {
	before := len(*p)
	uses := 0
	switch s.Type {
	case ScheduleDaily, ScheduleWeekdays:
		uses = fStartDate
	case ScheduleWeekly:
		uses = fDays | fInterval | fStartDate | fWeekStart
		if len(s.Days) == 0 {
			p.add("schedule.days", "a weekly schedule needs at least one weekday")
		}
		seen := 0
		for _, d := range s.Days {
			if d < time.Sunday || d > time.Saturday {
				p.add("schedule.days", "%d is not a weekday", int(d))
				continue
			}
			if seen&(1<<d) != 0 {
				p.add("schedule.days", "%s is listed twice", weekdayName(d))
			}
			seen |= 1 << d
		}
		s.validateInterval(p, false)
		if !s.WeekStart.valid() {
			p.add("schedule.week_start", "%d is not a weekday", int(s.WeekStart.Weekday()))
		}
	case ScheduleOnce:
		uses = fDate
		if s.Date.IsZero() {
			p.add("schedule.date", "a once schedule needs a date")
		} else if !s.Date.IsValid() {
			p.add("schedule.date", "%s is not a date", s.Date)
		}
	case ScheduleEveryNDays:
		uses = fInterval | fStartDate
		s.validateInterval(p, true)
	case ScheduleMonthly:
		uses = fInterval | fStartDate | fDayOfMonth | fWeek | fWeekday
		s.validateInterval(p, false)
		s.validateDayInMonth(p)
	case ScheduleYearly:
		uses = fInterval | fStartDate | fDayOfMonth | fWeek | fWeekday | fMonth
		s.validateInterval(p, false)
		if s.Month < time.January || s.Month > time.December {
			p.add("schedule.month", "a yearly schedule needs a month from 1 to 12")
		}
		s.validateDayInMonth(p)
	case ScheduleRRule:
		uses = fStartDate | fRRule
		if s.StartDate.IsZero() {
			p.add("schedule.start_date", "an rrule schedule needs a start date (its DTSTART)")
		}
		switch {
		case s.RRule == "":
			p.add("schedule.rrule", "an rrule schedule needs a rule, such as FREQ=WEEKLY;BYDAY=MO")
		case s.StartDate.IsZero() || !s.StartDate.IsValid():
			if _, err := parseRule(s.RRule, true); err != nil {
				p.addMessage("schedule.rrule", err.Error())
			}
		default:
			if rule == nil {
				rule = new(compiledRule)
			}
			if !rule.compiled() {
				if err := rule.compile(s, datesOnly); err != nil {
					*p = append(*p, err)
					break
				}
			}
			if !rule.happens() {
				p.add("schedule.rrule", "the rule never happens on or after start_date %s", s.StartDate)
			}
		}
	case "":
		p.add("schedule.type", "a schedule needs a type: daily, weekdays, weekly, once, every_n_days, monthly, yearly or rrule")
		return
	default:
		p.add("schedule.type", "%q is not a schedule type: use daily, weekdays, weekly, once, every_n_days, monthly, yearly or rrule", string(s.Type))
		return
	}
	if !s.StartDate.IsZero() && !s.StartDate.IsValid() {
		p.add("schedule.start_date", "%s is not a date", s.StartDate)
	}
	s.validateDates(p)
	if s.Week == 0 {
		uses &^= fWeekday // a weekday counts only with week
	}
	if extra := s.fieldsSet() &^ uses; extra != 0 {
		for _, f := range scheduleFields {
			switch {
			case extra&f.bit == 0:
			case f.bit == fWeekday:
				p.add("schedule.weekday", "weekday is used only with week, in a monthly or yearly schedule")
			default:
				p.add("schedule."+f.name, "a %s schedule does not use %s", s.Type, f.name)
			}
		}
	}
	// Every month has days 1 to 28 and four of each weekday, so such a
	// schedule falls due within an interval of its start, unless that runs
	// past the end of the calendar; other days need a search.
	everyMonth := s.DayOfMonth >= -28 && s.DayOfMonth <= 28 && s.Week >= -4 && s.Week <= 4 && s.StartDate.Year+MaxInterval < lastDate().Year
	if len(*p) == before && !everyMonth && (s.Type == ScheduleMonthly || s.Type == ScheduleYearly) {
		if _, ok := s.nextKind(s.firstDate()); !ok {
			field := "schedule.day_of_month"
			if s.Week != 0 {
				field = "schedule.week"
			}
			p.add(field, "this schedule is never due: no month it visits has that day")
		}
	}
}

func (s *Schedule) validateInterval(p *problems, required bool) {
	switch {
	case required && s.Interval == 0:
		p.add("schedule.interval", "an %s schedule needs an interval of at least 1", s.Type)
	case s.Interval < 0 || s.Interval > MaxInterval:
		p.add("schedule.interval", "interval must be between 1 and %d, not %d", MaxInterval, s.Interval)
	}
	if (required || s.Interval > 1) && s.StartDate.IsZero() {
		p.add("schedule.start_date", "an interval is counted from a start date; set start_date")
	}
}

func (s *Schedule) validateDayInMonth(p *problems) {
	switch {
	case s.DayOfMonth != 0 && s.Week != 0:
		p.add("schedule.week", "use either day_of_month or week with weekday, not both")
	case s.DayOfMonth == 0 && s.Week == 0:
		p.add("schedule.day_of_month", "set day_of_month (1 to 31, or -1 for the last day) or week with weekday")
	case s.DayOfMonth > 31 || s.DayOfMonth < -31:
		p.add("schedule.day_of_month", "day_of_month must be 1 to 31, or -1 (last day) to -31, not %d", s.DayOfMonth)
	case s.Week > 5 || s.Week < -5:
		p.add("schedule.week", "week must be 1 to 5, or -1 (last) to -5, not %d", s.Week)
	}
	if s.Week != 0 && (s.Weekday < time.Sunday || s.Weekday > time.Saturday) {
		p.add("schedule.weekday", "%d is not a weekday", int(s.Weekday))
	}
}

func (s *Schedule) interval() int {
	if s.Interval < 1 {
		return 1
	}
	return s.Interval
}

// firstDate is the earliest date the schedule can be due.
func (s *Schedule) firstDate() civil.Date {
	if !s.StartDate.IsZero() {
		return s.StartDate
	}
	return civil.D(1, time.January, 1)
}

// DueOn reports whether s is due on date d. It runs in constant time for
// every built-in kind; an rrule schedule expands its rule from the period
// that holds d, so its cost does not grow with the distance from the start
// date either, unless the rule has a COUNT: that one is counted from the
// start to d, and no further. DueOn does not validate s: an rrule schedule
// whose rule does not parse is never due, and for any other schedule that
// [Schedule.Validate] rejects the answer is unspecified (but never a
// panic). To ask about many dates, make a [Calendar] once: an rrule
// schedule parses (and walks a COUNT) on every DueOn call.
//
// A schedule on its own has dates, not times, so an UNTIL with a time of
// day bounds it by the date written in it, as iCalendar bounds a rule whose
// DTSTART is a date. An item's occurrences have a time and a zone, and
// [Item.DueOn] and [Item.Plan] compare UNTIL with them as RFC 5545 asks.
func (s Schedule) DueOn(d civil.Date) bool { return s.dueOn(d, datesOnly) }

// dueOn is DueOn with the schedule's dates placed by pl.
func (s *Schedule) dueOn(d civil.Date, pl placement) bool {
	if !d.IsValid() {
		return false
	}
	if s.Type == ScheduleRRule {
		c, err := compileSchedule(s, pl)
		if err != nil {
			return false
		}
		return s.dated(d, c.dueOnDay(calDayOf(d)))
	}
	return s.dated(d, s.dueBuiltin(d))
}

// calDay is a date with its day number and weekday, worked out once for
// the many schedules asked about it.
type calDay struct {
	date    civil.Date
	n       int // civil.Date.Days
	weekday time.Weekday
}

func calDayOf(d civil.Date) calDay {
	n := d.Days()
	return calDay{date: d, n: n, weekday: time.Weekday(floorMod(n+4, 7))} // 1970-01-01 was a Thursday
}

func (s *Schedule) dueBuiltin(d civil.Date) bool { return s.dueOnDay(calDayOf(d)) }

// dueOnDay is DueOn for the built-in kinds, before the except and extra
// dates (see dated).
func (s *Schedule) dueOnDay(c calDay) bool {
	d := c.date
	if !s.StartDate.IsZero() && d.Before(s.StartDate) {
		return false
	}
	switch s.Type {
	case ScheduleDaily:
		return true
	case ScheduleWeekdays:
		return c.weekday != time.Saturday && c.weekday != time.Sunday
	case ScheduleWeekly:
		if !hasDay(s.Days, c.weekday) {
			return false
		}
		n := s.interval()
		return n == 1 || floorMod(weekIndex(c, s.StartDate, s.WeekStart.Weekday()), n) == 0
	case ScheduleOnce:
		return d == s.Date
	case ScheduleEveryNDays:
		if s.Interval < 1 || s.StartDate.IsZero() {
			return false
		}
		return floorMod(c.n-s.StartDate.Days(), s.Interval) == 0
	case ScheduleMonthly:
		if !s.monthInStep(d) {
			return false
		}
		return s.dayMatches(c)
	case ScheduleYearly:
		if d.Month != s.Month {
			return false
		}
		if n := s.interval(); n > 1 && floorMod(d.Year-s.StartDate.Year, n) != 0 {
			return false
		}
		return s.dayMatches(c)
	}
	return false
}

func (s *Schedule) monthInStep(d civil.Date) bool {
	n := s.interval()
	if n == 1 {
		return true
	}
	return floorMod(monthNumber(d.Year, d.Month)-monthNumber(s.StartDate.Year, s.StartDate.Month), n) == 0
}

// dayMatches reports whether d is the schedule's day within d's month.
func (s *Schedule) dayMatches(c calDay) bool {
	d := c.date
	day, ok := s.dayInMonth(d.Year, d.Month, time.Weekday(floorMod(int(c.weekday)-(d.Day-1), 7)))
	return ok && day == d.Day
}

// dayIn returns the day of month y-m the schedule picks, and false when the
// month has no such day.
func (s *Schedule) dayIn(y int, m time.Month) (int, bool) {
	return s.dayInMonth(y, m, civil.D(y, m, 1).Weekday())
}

// dayInMonth is dayIn for a month whose first day is the weekday first.
func (s *Schedule) dayInMonth(y int, m time.Month, first time.Weekday) (int, bool) {
	n := civil.DaysIn(y, m)
	switch {
	case s.DayOfMonth > 0:
		return s.DayOfMonth, s.DayOfMonth <= n
	case s.DayOfMonth < 0:
		day := n + s.DayOfMonth + 1
		return day, day >= 1
	case s.Week > 0 && s.Week <= 5:
		day := 1 + floorMod(int(s.Weekday)-int(first), 7) + (s.Week-1)*7
		return day, day <= n
	case s.Week < 0 && s.Week >= -5:
		last := (int(first) + n - 1) % 7
		day := n - floorMod(last-int(s.Weekday), 7) + (s.Week+1)*7
		return day, day >= 1
	}
	return 0, false
}

// NextDue returns the first date on or after from on which s is due, and
// false when there is none (a once date in the past, a rule whose COUNT or
// UNTIL has run out, a date past 9999-12-31). It agrees with
// [Schedule.DueOn], and like it does not validate s. Built-in kinds compute
// the answer directly or in a bounded number of steps (at most one 400-year
// Gregorian cycle of months for the rarest monthly and yearly schedules);
// a rule reads the periods near from, then searches year by year (see the
// package documentation), and a rule with a COUNT is counted from its start.
func (s Schedule) NextDue(from civil.Date) (civil.Date, bool) { return s.nextDue(from, datesOnly) }

// nextDue is NextDue with the schedule's dates placed by pl.
func (s *Schedule) nextDue(from civil.Date, pl placement) (civil.Date, bool) {
	if !from.IsValid() {
		return civil.Date{}, false
	}
	var c *compiledRule
	if s.Type == ScheduleRRule {
		var err error
		if c, err = compileSchedule(s, pl); err != nil {
			return civil.Date{}, false
		}
	}
	next := func(from civil.Date) (civil.Date, bool) {
		if c != nil {
			return c.nextDue(from)
		}
		return s.nextKind(from)
	}
	d, ok := next(from)
	for ok && inDates(s.ExceptDates, d) {
		d, ok = next(d.AddDays(1))
	}
	if e, extra := s.nextExtra(from); extra && (!ok || e.Before(d)) {
		return e, true
	}
	return d, ok
}

// nextKind is NextDue for the built-in kinds, before the except and extra
// dates.
func (s *Schedule) nextKind(from civil.Date) (civil.Date, bool) {
	lo := from
	if !s.StartDate.IsZero() && lo.Before(s.StartDate) {
		if !s.StartDate.IsValid() {
			return civil.Date{}, false
		}
		lo = s.StartDate
	}
	d, ok := s.nextBuiltin(lo)
	if !ok || d.After(lastDate()) {
		return civil.Date{}, false
	}
	return d, true
}

func lastDate() civil.Date { return civil.D(9999, time.December, 31) }

func (s *Schedule) nextBuiltin(lo civil.Date) (civil.Date, bool) {
	switch s.Type {
	case ScheduleDaily:
		return lo, true
	case ScheduleWeekdays:
		switch lo.Weekday() {
		case time.Saturday:
			return lo.AddDays(2), true
		case time.Sunday:
			return lo.AddDays(1), true
		}
		return lo, true
	case ScheduleWeekly:
		if len(s.Days) == 0 {
			return civil.Date{}, false
		}
		n := s.interval()
		if n == 1 {
			for i := 0; i < 7; i++ {
				if d := lo.AddDays(i); hasDay(s.Days, d.Weekday()) {
					return d, true
				}
			}
			return civil.Date{}, false
		}
		// Finish lo's week if it is an active one, then jump to the first
		// day of the next active week and scan it.
		ws := s.WeekStart.Weekday()
		wi := weekIndex(calDayOf(lo), s.StartDate, ws)
		weekFirst := lo.AddDays(-floorMod(int(lo.Weekday())-int(ws), 7))
		if floorMod(wi, n) == 0 {
			for d := lo; d.Sub(weekFirst) < 7; d = d.AddDays(1) {
				if hasDay(s.Days, d.Weekday()) {
					return d, true
				}
			}
			wi++
			weekFirst = weekFirst.AddDays(7)
		}
		skip := floorMod(-wi, n)
		start := weekFirst.AddDays(7 * skip)
		for i := 0; i < 7; i++ {
			if d := start.AddDays(i); hasDay(s.Days, d.Weekday()) {
				return d, true
			}
		}
		return civil.Date{}, false
	case ScheduleOnce:
		if !s.Date.IsValid() || s.Date.Before(lo) {
			return civil.Date{}, false
		}
		return s.Date, true
	case ScheduleEveryNDays:
		if s.Interval < 1 || s.StartDate.IsZero() {
			return civil.Date{}, false
		}
		k := lo.Sub(s.StartDate)
		k = k + floorMod(-k, s.Interval)
		return s.StartDate.AddDays(k), true
	case ScheduleMonthly:
		n := s.interval()
		m := monthNumber(lo.Year, lo.Month)
		if n > 1 {
			m += floorMod(monthNumber(s.StartDate.Year, s.StartDate.Month)-m, n)
		}
		// Months repeat their lengths and weekdays every 4800 months.
		for i := 0; i <= 4800/gcd(n, 4800)+1; i++ {
			y, mo := fromMonthNumber(m)
			if y > 9999 {
				break
			}
			if day, ok := s.dayIn(y, mo); ok {
				if d := civil.D(y, mo, day); !d.Before(lo) {
					return d, true
				}
			}
			m += n
		}
		return civil.Date{}, false
	case ScheduleYearly:
		if s.Month < time.January || s.Month > time.December {
			return civil.Date{}, false
		}
		n := s.interval()
		y := lo.Year
		if n > 1 {
			y += floorMod(s.StartDate.Year-y, n)
		}
		for i := 0; i <= 400/gcd(n, 400)+1 && y <= 9999; i++ {
			if day, ok := s.dayIn(y, s.Month); ok {
				if d := civil.D(y, s.Month, day); !d.Before(lo) {
					return d, true
				}
			}
			y += n
		}
		return civil.Date{}, false
	}
	return civil.Date{}, false
}

func hasDay(days []time.Weekday, wd time.Weekday) bool {
	for _, d := range days {
		if d == wd {
			return true
		}
	}
	return false
}

// weekIndex is the number of whole weeks (beginning on ws) from the week
// holding start to the week holding d.
func weekIndex(d calDay, start civil.Date, ws time.Weekday) int {
	s := calDayOf(start)
	return floorDiv(d.weekStart(ws)-s.weekStart(ws), 7)
}

// weekStart is the day number of the first day, a ws, of the week that
// holds d.
func (d calDay) weekStart(ws time.Weekday) int {
	return d.n - floorMod(int(d.weekday)-int(ws), 7)
}

func monthNumber(y int, m time.Month) int { return y*12 + int(m) - 1 }

func fromMonthNumber(n int) (int, time.Month) {
	return floorDiv(n, 12), time.Month(floorMod(n, 12) + 1)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func floorMod(a, b int) int {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	if a < 0 {
		return -a
	}
	return a
}

func weekdayName(d time.Weekday) string {
	if d < 0 || d > 6 {
		return "?"
	}
	return [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}[d]
}
