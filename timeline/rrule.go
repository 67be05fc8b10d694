package timeline

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	rrule "github.com/teambition/rrule-go"
)

// MaxCount is the largest COUNT a recurrence rule accepts.
const MaxCount = 5000

// Rule is a parsed iCalendar recurrence rule (RFC 5545 section 3.3.10) with
// FREQ=DAILY, WEEKLY, MONTHLY or YEARLY. Expansion is done by
// github.com/teambition/rrule-go in "floating" mode only: the rule runs on
// wall clocks written as UTC, where no DST exists, and every wall clock it
// yields is turned into an instant by [Resolve]. That sidesteps the library's
// own DST handling, which moves gap times backwards west of UTC and loses
// days in zones whose midnight is skipped.
//
// Like python-dateutil and rrule-go, a Rule yields only the dates its parts
// select: a DTSTART that does not fit the rule is not an occurrence (RFC 5545
// would count it as the first one).
type Rule struct {
	src  string
	opts rrule.ROption
	// until in floating form: untilKind says how UNTIL was written.
	untilKind untilKind
	untilWall time.Time // floating wall clock (date form: 23:59:59 of the date)
	untilUTC  time.Time // the instant, when written with Z
	hasTimes  bool      // BYHOUR, BYMINUTE or BYSECOND present
}

type untilKind int

const (
	untilNone untilKind = iota
	untilDate
	untilFloating
	untilUTC
)

// ParseRule parses a recurrence rule such as "FREQ=MONTHLY;BYDAY=-1FR". An
// optional "RRULE:" prefix is accepted, part names are case-insensitive, and
// these parts are understood: FREQ (DAILY, WEEKLY, MONTHLY, YEARLY), INTERVAL
// (1 to [MaxInterval]), COUNT (1 to [MaxCount]), UNTIL (a DATE, a floating
// DATE-TIME, or a UTC DATE-TIME ending in Z), BYDAY (with ordinals such as
// 1FR and -1SU where the frequency allows them), BYMONTHDAY (negative too),
// BYMONTH, BYYEARDAY, BYWEEKNO, BYSETPOS, WKST, and BYHOUR, BYMINUTE and
// BYSECOND (not in a [Schedule], whose times come from the anchor). Any other
// part, a repeated part, COUNT together with UNTIL, or a value out of range
// is an error; the error is a [*ValidationError] for field "rrule".
func ParseRule(s string) (*Rule, error) {
	r := new(Rule)
	if err := r.parse(s, false); err != nil {
		return nil, &ValidationError{Field: "rrule", Message: err.Error()}
	}
	return r, nil
}

// String returns the rule as it was given.
func (r *Rule) String() string { return r.src }

// The rule parts, as bits of a set.
const (
	pFreq = 1 << iota
	pInterval
	pCount
	pUntil
	pWkst
	pByDay
	pByMonthDay
	pByMonth
	pByYearDay
	pByWeekNo
	pBySetPos
	pByHour
	pByMinute
	pBySecond
)

// rulePart returns the bit of a rule part's name, or 0 for a name this
// package does not know.
func rulePart(name string) int {
	switch name {
	case "FREQ":
		return pFreq
	case "INTERVAL":
		return pInterval
	case "COUNT":
		return pCount
	case "UNTIL":
		return pUntil
	case "WKST":
		return pWkst
	case "BYDAY":
		return pByDay
	case "BYMONTHDAY":
		return pByMonthDay
	case "BYMONTH":
		return pByMonth
	case "BYYEARDAY":
		return pByYearDay
	case "BYWEEKNO":
		return pByWeekNo
	case "BYSETPOS":
		return pBySetPos
	case "BYHOUR":
		return pByHour
	case "BYMINUTE":
		return pByMinute
	case "BYSECOND":
		return pBySecond
	}
	return 0
}

// parseRule parses s into a new Rule.
func parseRule(s string, dateOnly bool) (*Rule, error) {
	r := new(Rule)
	if err := r.parse(s, dateOnly); err != nil {
		return nil, err
	}
	return r, nil
}

// parse parses s into r, which must be zero; in a schedule (dateOnly) the
// time-of-day parts are refused because the anchor gives the time.
func (r *Rule) parse(s string, dateOnly bool) error {
	src := s
	s = strings.TrimSpace(s)
	if len(s) >= 6 && strings.EqualFold(s[:6], "RRULE:") {
		s = s[6:]
	}
	if s == "" {
		return errors.New("the rule is empty")
	}
	if len(s) > 1000 {
		return errors.New("the rule is longer than 1000 characters")
	}
	r.src = src
	seen := 0
	var byDayRaw string
	for rest, more := s, true; more; {
		var part string
		part, rest, more = strings.Cut(rest, ";")
		key, val, ok := strings.Cut(part, "=")
		key = strings.ToUpper(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		if !ok || key == "" {
			return fmt.Errorf("%q is not a NAME=VALUE rule part", part)
		}
		if val == "" {
			return fmt.Errorf("%s has no value", key)
		}
		bit := rulePart(key)
		if seen&bit != 0 {
			return fmt.Errorf("%s is given twice", key)
		}
		seen |= bit
		var err error
		switch key {
		case "FREQ":
			switch strings.ToUpper(val) {
			case "DAILY":
				r.opts.Freq = rrule.DAILY
			case "WEEKLY":
				r.opts.Freq = rrule.WEEKLY
			case "MONTHLY":
				r.opts.Freq = rrule.MONTHLY
			case "YEARLY":
				r.opts.Freq = rrule.YEARLY
			case "HOURLY", "MINUTELY", "SECONDLY":
				return fmt.Errorf("FREQ=%s is not supported: an item happens at most once a day; use DAILY, WEEKLY, MONTHLY or YEARLY", strings.ToUpper(val))
			default:
				return fmt.Errorf("FREQ=%s is not a frequency; use DAILY, WEEKLY, MONTHLY or YEARLY", val)
			}
		case "INTERVAL":
			r.opts.Interval, err = parseInt(key, val, 1, MaxInterval)
		case "COUNT":
			r.opts.Count, err = parseInt(key, val, 1, MaxCount)
		case "UNTIL":
			err = r.parseUntil(val)
		case "WKST":
			var wd rrule.Weekday
			wd, _, err = parseWeekday(key, val, false)
			r.opts.Wkst = wd
		case "BYDAY":
			byDayRaw = val
		case "BYMONTHDAY":
			r.opts.Bymonthday, err = parseInts(key, val, 1, 31, true)
		case "BYMONTH":
			r.opts.Bymonth, err = parseInts(key, val, 1, 12, false)
		case "BYYEARDAY":
			r.opts.Byyearday, err = parseInts(key, val, 1, 366, true)
		case "BYWEEKNO":
			r.opts.Byweekno, err = parseInts(key, val, 1, 53, true)
		case "BYSETPOS":
			r.opts.Bysetpos, err = parseInts(key, val, 1, 366, true)
		case "BYHOUR", "BYMINUTE", "BYSECOND":
			if dateOnly {
				return fmt.Errorf("%s is not allowed in a schedule: the time of day comes from the item's anchor", key)
			}
			r.hasTimes = true
			hi := 59
			if key == "BYHOUR" {
				hi = 23
			}
			var v []int
			v, err = parseInts(key, val, 0, hi, false)
			switch key {
			case "BYHOUR":
				r.opts.Byhour = v
			case "BYMINUTE":
				r.opts.Byminute = v
			default:
				r.opts.Bysecond = v
			}
		default:
			return fmt.Errorf("%s is not a supported rule part", key)
		}
		if err != nil {
			return err
		}
	}
	if seen&pFreq == 0 {
		return errors.New("FREQ is required, for example FREQ=WEEKLY")
	}
	if seen&pCount != 0 && seen&pUntil != 0 {
		return errors.New("COUNT and UNTIL cannot both be given")
	}
	freq := r.opts.Freq
	if byDayRaw != "" {
		ordinalOK := (freq == rrule.MONTHLY || freq == rrule.YEARLY) && seen&pByWeekNo == 0
		r.opts.Byweekday = make([]rrule.Weekday, 0, strings.Count(byDayRaw, ",")+1)
		for rest, more := byDayRaw, true; more; {
			var item string
			item, rest, more = strings.Cut(rest, ",")
			wd, n, err := parseWeekday("BYDAY", strings.TrimSpace(item), true)
			if err != nil {
				return err
			}
			if n != 0 {
				if !ordinalOK {
					return fmt.Errorf("BYDAY=%s: an ordinal weekday needs FREQ=MONTHLY or FREQ=YEARLY without BYWEEKNO", item)
				}
				if freq == rrule.MONTHLY && (n > 5 || n < -5) {
					return fmt.Errorf("BYDAY=%s: a month has at most 5 of each weekday", item)
				}
			}
			r.opts.Byweekday = append(r.opts.Byweekday, wd)
		}
	}
	if len(r.opts.Bymonthday) > 0 && freq == rrule.WEEKLY {
		return errors.New("BYMONTHDAY cannot be used with FREQ=WEEKLY")
	}
	if len(r.opts.Byyearday) > 0 && freq != rrule.YEARLY {
		return errors.New("BYYEARDAY needs FREQ=YEARLY")
	}
	if len(r.opts.Byweekno) > 0 && freq != rrule.YEARLY {
		return errors.New("BYWEEKNO needs FREQ=YEARLY")
	}
	if len(r.opts.Bysetpos) > 0 && seen&(pByDay|pByMonthDay|pByMonth|pByYearDay|pByWeekNo|pByHour|pByMinute|pBySecond) == 0 {
		return errors.New("BYSETPOS needs another BYxxx part to pick from")
	}
	return r.checkPossible()
}

// checkPossible refuses the combinations of BYMONTH and BYMONTHDAY that no
// year has, so that expanding the rule cannot search forever.
func (r *Rule) checkPossible() error {
	if len(r.opts.Bymonthday) == 0 || len(r.opts.Byyearday) > 0 || len(r.opts.Byweekno) > 0 {
		return nil
	}
	months := r.opts.Bymonth
	if len(months) == 0 {
		return nil
	}
	for _, m := range months {
		n := civil.DaysIn(2000, time.Month(m)) // a leap year: the longest February
		for _, d := range r.opts.Bymonthday {
			if d <= n && -d <= n {
				return nil
			}
		}
	}
	return errors.New("BYMONTH and BYMONTHDAY select no date that exists; the rule would never happen")
}

func (r *Rule) parseUntil(v string) error {
	switch {
	case len(v) == 8:
		d, err := parseICalDate(v)
		if err != nil {
			return err
		}
		r.untilKind = untilDate
		r.untilWall = time.Date(d.Year, d.Month, d.Day, 23, 59, 59, 0, time.UTC)
	case len(v) == 15 || (len(v) == 16 && (v[15] == 'Z' || v[15] == 'z')):
		d, err := parseICalDate(v[:8])
		if err != nil {
			return err
		}
		if v[8] != 'T' && v[8] != 't' {
			return fmt.Errorf("UNTIL=%s: want YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ", v)
		}
		h, e1 := strconv.Atoi(v[9:11])
		mi, e2 := strconv.Atoi(v[11:13])
		sec, e3 := strconv.Atoi(v[13:15])
		if e1 != nil || e2 != nil || e3 != nil || !allDigits(v[9:15]) || h > 23 || mi > 59 || sec > 60 {
			return fmt.Errorf("UNTIL=%s: the time is not HHMMSS", v)
		}
		if sec == 60 {
			sec = 59
		}
		w := time.Date(d.Year, d.Month, d.Day, h, mi, sec, 0, time.UTC)
		if len(v) == 16 {
			r.untilKind = untilUTC
			r.untilUTC = w
			r.untilWall = w
		} else {
			r.untilKind = untilFloating
			r.untilWall = w
		}
	default:
		return fmt.Errorf("UNTIL=%s: want YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ", v)
	}
	return nil
}

func parseICalDate(v string) (civil.Date, error) {
	if !allDigits(v) {
		return civil.Date{}, fmt.Errorf("UNTIL=%s: the date is not YYYYMMDD", v)
	}
	y, _ := strconv.Atoi(v[:4])
	m, _ := strconv.Atoi(v[4:6])
	d, _ := strconv.Atoi(v[6:8])
	date := civil.D(y, time.Month(m), d)
	if !date.IsValid() {
		return civil.Date{}, fmt.Errorf("UNTIL=%s: there is no such date", v)
	}
	return date, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func parseInt(key, v string, lo, hi int) (int, error) {
	if !allDigits(v) || len(v) > 6 {
		return 0, fmt.Errorf("%s=%s: want a whole number from %d to %d", key, v, lo, hi)
	}
	n, _ := strconv.Atoi(v)
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s=%s: want a whole number from %d to %d", key, v, lo, hi)
	}
	return n, nil
}

// parseInts parses a comma-separated list of integers in [lo, hi], or also
// in [-hi, -lo] when signed.
func parseInts(key, v string, lo, hi int, signed bool) ([]int, error) {
	out := make([]int, 0, strings.Count(v, ",")+1)
	for rest, more := v, true; more; {
		var f string
		f, rest, more = strings.Cut(rest, ",")
		f = strings.TrimSpace(f)
		neg := false
		num := f
		if strings.HasPrefix(num, "+") {
			num = num[1:]
		} else if strings.HasPrefix(num, "-") {
			num, neg = num[1:], true
		}
		if !allDigits(num) || len(num) > 4 {
			return nil, fmt.Errorf("%s=%s: %q is not a number", key, v, f)
		}
		n, _ := strconv.Atoi(num)
		if neg {
			n = -n
		}
		okPos := n >= lo && n <= hi
		okNeg := signed && n <= -lo && n >= -hi
		if !okPos && !okNeg {
			if signed {
				return nil, fmt.Errorf("%s=%s: %d is out of range (%d to %d, or %d to %d)", key, v, n, lo, hi, -hi, -lo)
			}
			return nil, fmt.Errorf("%s=%s: %d is out of range (%d to %d)", key, v, n, lo, hi)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseWeekday parses MO..SU, with an optional signed ordinal (1FR, -1SU)
// when ordinal is true.
func parseWeekday(key, v string, ordinal bool) (rrule.Weekday, int, error) {
	u := strings.ToUpper(v)
	if len(u) < 2 {
		return rrule.Weekday{}, 0, fmt.Errorf("%s=%s: want a weekday such as MO or -1FR", key, v)
	}
	name, num := u[len(u)-2:], u[:len(u)-2]
	var wd rrule.Weekday
	switch name {
	case "MO":
		wd = rrule.MO
	case "TU":
		wd = rrule.TU
	case "WE":
		wd = rrule.WE
	case "TH":
		wd = rrule.TH
	case "FR":
		wd = rrule.FR
	case "SA":
		wd = rrule.SA
	case "SU":
		wd = rrule.SU
	default:
		return rrule.Weekday{}, 0, fmt.Errorf("%s=%s: %q is not a weekday (MO, TU, WE, TH, FR, SA, SU)", key, v, name)
	}
	if num == "" {
		return wd, 0, nil
	}
	if !ordinal {
		return rrule.Weekday{}, 0, fmt.Errorf("%s=%s: want a plain weekday such as MO", key, v)
	}
	sign := 1
	switch num[0] {
	case '+':
		num = num[1:]
	case '-':
		num, sign = num[1:], -1
	}
	if !allDigits(num) || len(num) > 2 {
		return rrule.Weekday{}, 0, fmt.Errorf("%s=%s: the ordinal is not a number", key, v)
	}
	n, _ := strconv.Atoi(num)
	if n < 1 || n > 53 {
		return rrule.Weekday{}, 0, fmt.Errorf("%s=%s: the ordinal must be 1 to 53 or -1 to -53", key, v)
	}
	return wd.Nth(sign * n), sign * n, nil
}

// floating writes a civil date and seconds of the day as a UTC wall clock.
func floating(d civil.Date, sec int) time.Time {
	return time.Unix(wallSeconds(d, sec), 0).UTC()
}

func dateOfFloating(t time.Time) civil.Date {
	y, m, d := t.Date()
	return civil.D(y, m, d)
}

// Between returns the instants of the rule, started at wall clock at on date
// start in loc (its DTSTART), that lie in [from, to]. Each wall clock the rule
// yields is resolved with [Resolve]; two wall clocks that resolve to the same
// instant (both inside one DST gap) count once. An UNTIL written in UTC is
// compared with the resolved instants, as RFC 5545 asks. Between walks the
// rule from start, so its cost grows with the distance from start to to.
func (r *Rule) Between(start civil.Date, at civil.Clock, loc *time.Location, from, to time.Time) []time.Time {
	if loc == nil {
		loc = time.UTC
	}
	if !start.IsValid() || to.Before(from) {
		return nil
	}
	opts := r.opts
	opts.Dtstart = floating(start, at.Minutes()*60)
	switch r.untilKind {
	case untilDate, untilFloating:
		opts.Until = r.untilWall
	case untilUTC:
		// The wall clock of UNTIL in loc, with a day's slack for DST; the
		// exact test is on instants below.
		opts.Until = floatingOf(r.untilUTC.In(loc)).Add(24 * time.Hour)
	}
	rr, err := rrule.NewRRule(opts)
	if err != nil {
		return nil
	}
	// Wall clocks of the window, with slack for offsets and gaps.
	lo := floatingOf(from.In(loc)).Add(-26 * time.Hour)
	hi := floatingOf(to.In(loc)).Add(26 * time.Hour)
	var out []time.Time
	next := rr.Iterator()
	for {
		w, ok := next()
		if !ok || w.After(hi) {
			break
		}
		if w.Before(lo) {
			continue
		}
		d := dateOfFloating(w)
		sec := w.Hour()*3600 + w.Minute()*60 + w.Second()
		t := resolveWall(wallSeconds(d, sec), loc).Time
		if r.untilKind == untilUTC && t.After(r.untilUTC) {
			continue
		}
		if t.Before(from) || t.After(to) {
			continue
		}
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Before(out[j]) })
	dedup := out[:0]
	for i, t := range out {
		if i > 0 && t.Equal(out[i-1]) {
			continue
		}
		dedup = append(dedup, t)
	}
	return dedup
}

// Instants yields the instants of the rule started at wall clock at on date
// start in loc (its DTSTART), from the first on, for as long as the caller
// keeps asking: the rule may be unbounded, so the caller decides where to
// stop. Each wall clock the rule yields is resolved with [Resolve]; a wall
// clock that resolves to the instant yielded just before it (both inside one
// DST gap) is yielded once, and an UNTIL written in UTC is compared with the
// resolved instants, as in [Rule.Between].
//
// The instants come in the order of their wall clocks. Resolving keeps that
// order except inside a DST gap, where a wall clock moved forward may land
// after the next one: an instant is never earlier than one yielded before it
// by more than the length of a gap (at most a day), so a caller may stop
// once an instant lies a day past the end of what it wants.
func (r *Rule) Instants(start civil.Date, at civil.Clock, loc *time.Location) iter.Seq[time.Time] {
	return func(yield func(time.Time) bool) {
		if loc == nil {
			loc = time.UTC
		}
		if !start.IsValid() || !at.IsValid() {
			return
		}
		opts := r.opts
		opts.Dtstart = floating(start, at.Minutes()*60)
		switch r.untilKind {
		case untilDate, untilFloating:
			opts.Until = r.untilWall
		case untilUTC:
			opts.Until = floatingOf(r.untilUTC.In(loc)).Add(24 * time.Hour)
		}
		rr, err := rrule.NewRRule(opts)
		if err != nil {
			return
		}
		next := rr.Iterator()
		var last time.Time
		for {
			w, ok := next()
			if !ok {
				return
			}
			d := dateOfFloating(w)
			t := resolveWall(wallSeconds(d, w.Hour()*3600+w.Minute()*60+w.Second()), loc).Time
			if (r.untilKind == untilUTC && t.After(r.untilUTC)) || t.Equal(last) {
				continue
			}
			last = t
			if !yield(t) {
				return
			}
		}
	}
}

// floatingOf writes the wall clock of t (in t's location) as UTC.
func floatingOf(t time.Time) time.Time {
	y, m, d := t.Date()
	hh, mm, ss := t.Clock()
	return time.Date(y, m, d, hh, mm, ss, 0, time.UTC)
}

// compiledRule is an rrule schedule ready for date queries: the rule, its
// start date, and the last date it can be due (from COUNT or UNTIL).
type compiledRule struct {
	start civil.Date
	last  civil.Date // zero: no end
	// builtin is the same rule as a built-in schedule, when it is one of
	// the shapes those express (FREQ=WEEKLY;BYDAY=MO,TH and the like); it
	// answers in constant time without expanding the rule. It points at
	// own, whose weekdays live in days.
	builtin *Schedule
	own     Schedule
	days    [7]time.Weekday
	// rule is the parsed rule, kept for expansion when there is no
	// built-in equivalent.
	rule *Rule
	// counted is set for a rule with a COUNT and no built-in equivalent:
	// dates then holds every date it is due on, as day numbers in
	// ascending order, from the one walk that COUNT needs anyway.
	counted bool
	dates   []int32
}

func compileSchedule(s *Schedule) (*compiledRule, error) {
	c := new(compiledRule)
	if err := c.compile(s); err != nil {
		return nil, err
	}
	return c, nil
}

// compile compiles the rrule schedule s into c, which must be zero.
func (c *compiledRule) compile(s *Schedule) error {
	if s.StartDate.IsZero() || !s.StartDate.IsValid() {
		return invalid("schedule.start_date", "an rrule schedule needs a start date")
	}
	c.start = s.StartDate
	var r Rule
	if err := r.parse(s.RRule, true); err != nil {
		return invalid("schedule.rrule", "%s", err.Error())
	}
	if b, ok := asBuiltin(&r, s.StartDate, c.days[:0]); ok {
		c.own = b
		c.builtin = &c.own
	} else {
		c.rule = new(Rule)
		*c.rule = r
	}
	switch r.untilKind {
	case untilDate, untilFloating, untilUTC:
		// In a schedule UNTIL is compared by date: the time of day comes
		// from the anchor, so the date written in UNTIL is the last one.
		c.last = dateOfFloating(r.untilWall)
	}
	if r.opts.Count > 0 {
		opts := r.opts
		opts.Dtstart = floating(s.StartDate, 0)
		rr, err := rrule.NewRRule(opts)
		if err != nil {
			return invalid("schedule.rrule", "%s", err.Error())
		}
		all := rr.All()
		if len(all) == 0 {
			c.last = s.StartDate.AddDays(-1)
		} else {
			c.last = dateOfFloating(all[len(all)-1])
		}
		if c.builtin == nil {
			c.counted = true
			c.dates = make([]int32, 0, len(all))
			for _, w := range all {
				// Midnights, ascending: one date each.
				c.dates = append(c.dates, int32(dateOfFloating(w).Days()))
			}
			slices.Sort(c.dates) // already in order; binary search relies on it
		}
	}
	return nil
}

// countedDue reports whether a counted rule is due on day number n.
func (c *compiledRule) countedDue(n int) bool {
	_, ok := slices.BinarySearch(c.dates, int32(n))
	return ok
}

// countedNext returns the first date of a counted rule on or after from.
func (c *compiledRule) countedNext(from civil.Date) (civil.Date, bool) {
	i, _ := slices.BinarySearch(c.dates, int32(from.Days()))
	if i == len(c.dates) {
		return civil.Date{}, false
	}
	return civil.FromDays(int(c.dates[i])), true
}

// asBuiltin returns the built-in schedule equal to rule r started on start,
// and false when r uses parts a built-in kind cannot express. The dates of
// the two agree on and after start; TestRebaseMatchesFullWalk checks them
// against the full expansion. A weekly schedule's days are appended to
// days, which has room for seven.
func asBuiltin(r *Rule, start civil.Date, days []time.Weekday) (Schedule, bool) {
	o := &r.opts
	if len(o.Bysetpos) > 0 || len(o.Byyearday) > 0 || len(o.Byweekno) > 0 || r.hasTimes {
		return Schedule{}, false
	}
	n := o.Interval
	if n < 1 {
		n = 1
	}
	// nth returns the single ordinal weekday of BYDAY, if that is all it
	// holds.
	nth := func() (int, time.Weekday, bool) {
		if len(o.Byweekday) != 1 {
			return 0, 0, false
		}
		w := o.Byweekday[0]
		k := w.N()
		if k == 0 || k > 5 || k < -5 {
			return 0, 0, false
		}
		return k, time.Weekday((w.Day() + 1) % 7), true
	}
	switch o.Freq {
	case rrule.DAILY:
		if len(o.Bymonth) > 0 || len(o.Bymonthday) > 0 || len(o.Byweekday) > 0 {
			return Schedule{}, false
		}
		return Schedule{Type: ScheduleEveryNDays, Interval: n, StartDate: start}, true
	case rrule.WEEKLY:
		if len(o.Bymonth) > 0 {
			return Schedule{}, false
		}
		if len(o.Byweekday) == 0 {
			days = append(days, start.Weekday())
		} else {
			for _, w := range o.Byweekday {
				wd := time.Weekday((w.Day() + 1) % 7)
				if !hasDay(days, wd) {
					days = append(days, wd)
				}
			}
		}
		return Schedule{Type: ScheduleWeekly, Interval: n, StartDate: start, Days: days, WeekStart: WeekStartOn(time.Weekday((r.wkstDay() + 1) % 7))}, true
	case rrule.MONTHLY:
		if len(o.Bymonth) > 0 {
			return Schedule{}, false
		}
		switch {
		case len(o.Byweekday) == 0 && len(o.Bymonthday) <= 1:
			day := start.Day
			if len(o.Bymonthday) == 1 {
				day = o.Bymonthday[0]
			}
			return Schedule{Type: ScheduleMonthly, Interval: n, StartDate: start, DayOfMonth: day}, true
		case len(o.Bymonthday) == 0:
			if k, wd, ok := nth(); ok {
				return Schedule{Type: ScheduleMonthly, Interval: n, StartDate: start, Week: k, Weekday: wd}, true
			}
		}
	case rrule.YEARLY:
		month := start.Month
		switch len(o.Bymonth) {
		case 0:
			if len(o.Byweekday) > 0 || len(o.Bymonthday) > 0 {
				return Schedule{}, false // BYDAY or BYMONTHDAY over the whole year
			}
		case 1:
			month = time.Month(o.Bymonth[0])
		default:
			return Schedule{}, false
		}
		switch {
		case len(o.Byweekday) == 0 && len(o.Bymonthday) <= 1:
			day := start.Day
			if len(o.Bymonthday) == 1 {
				day = o.Bymonthday[0]
			}
			return Schedule{Type: ScheduleYearly, Interval: n, StartDate: start, Month: month, DayOfMonth: day}, true
		case len(o.Bymonthday) == 0:
			if k, wd, ok := nth(); ok {
				return Schedule{Type: ScheduleYearly, Interval: n, StartDate: start, Month: month, Week: k, Weekday: wd}, true
			}
		}
	}
	return Schedule{}, false
}

// iterFrom returns an rrule-go iterator over floating midnights whose
// DTSTART is re-based to the start of the rule's period that holds q (or an
// earlier one), so the walk is short however far q lies from the start. The
// rule's defaults that rrule-go takes from DTSTART (the weekday of a WEEKLY
// rule, the day of a MONTHLY one, the month and day of a YEARLY one) are
// written out first so that moving DTSTART cannot change them.
func (c *compiledRule) iterFrom(q civil.Date) (rrule.Next, error) {
	opts := c.rule.opts
	opts.Count = 0
	opts.Until = time.Time{}
	if !c.last.IsZero() {
		opts.Until = floating(c.last, 0)
	}
	start := c.start
	noBy := len(opts.Byweekno) == 0 && len(opts.Byyearday) == 0 && len(opts.Bymonthday) == 0 && len(opts.Byweekday) == 0
	switch opts.Freq {
	case rrule.WEEKLY:
		if noBy {
			opts.Byweekday = []rrule.Weekday{rruleWeekday(start.Weekday())}
		}
	case rrule.MONTHLY:
		if noBy {
			opts.Bymonthday = []int{start.Day}
		}
	case rrule.YEARLY:
		if noBy {
			if len(opts.Bymonth) == 0 {
				opts.Bymonth = []int{int(start.Month)}
			}
			opts.Bymonthday = []int{start.Day}
		}
	}
	base := start
	if q.After(start) {
		n := opts.Interval
		if n < 1 {
			n = 1
		}
		var cand civil.Date
		switch opts.Freq {
		case rrule.DAILY:
			k := floorDiv(q.Sub(start), n)
			cand = start.AddDays(k * n)
		case rrule.WEEKLY:
			ws := time.Weekday((c.rule.wkstDay() + 1) % 7)
			w0 := start.AddDays(-floorMod(int(start.Weekday())-int(ws), 7))
			k := floorDiv(weekIndex(calDayOf(q), start, ws), n)
			cand = w0.AddDays(7 * n * k)
		case rrule.MONTHLY:
			k := floorDiv(monthNumber(q.Year, q.Month)-monthNumber(start.Year, start.Month), n)
			y, m := fromMonthNumber(monthNumber(start.Year, start.Month) + k*n)
			cand = civil.D(y, m, 1)
		case rrule.YEARLY:
			k := floorDiv(q.Year-start.Year, n)
			cand = civil.D(start.Year+k*n, time.January, 1)
		}
		if cand.After(start) {
			base = cand
		}
	}
	opts.Dtstart = floating(base, 0)
	rr, err := rrule.NewRRule(opts)
	if err != nil {
		return nil, err
	}
	return rr.Iterator(), nil
}

// wkstDay is WKST as rrule-go numbers weekdays (0 is Monday).
func (r *Rule) wkstDay() int { return r.opts.Wkst.Day() }

func rruleWeekday(d time.Weekday) rrule.Weekday {
	switch d {
	case time.Monday:
		return rrule.MO
	case time.Tuesday:
		return rrule.TU
	case time.Wednesday:
		return rrule.WE
	case time.Thursday:
		return rrule.TH
	case time.Friday:
		return rrule.FR
	case time.Saturday:
		return rrule.SA
	default:
		return rrule.SU
	}
}

// dueBetween returns the dates in [from, to] on which the rule is due, from
// one walk of the rule (a rule with a built-in equivalent asks that
// instead; see builtinDue).
func (c *compiledRule) dueBetween(from, to civil.Date) []civil.Date {
	if from.Before(c.start) {
		from = c.start
	}
	if !c.last.IsZero() && to.After(c.last) {
		to = c.last
	}
	if to.Before(from) {
		return nil
	}
	next, err := c.iterFrom(from)
	if err != nil {
		return nil
	}
	var out []civil.Date
	for {
		w, ok := next()
		if !ok {
			return out
		}
		d := dateOfFloating(w)
		if d.After(to) {
			return out
		}
		if !d.Before(from) {
			out = append(out, d)
		}
	}
}

// builtinDue reports whether a rule with a built-in equivalent is due on d:
// within its start and last date, and due by the built-in kind.
func (c *compiledRule) builtinDue(d calDay) bool {
	return !d.date.Before(c.start) && (c.last.IsZero() || !d.date.After(c.last)) && c.builtin.dueOnDay(d)
}

func (c *compiledRule) dueOn(d civil.Date) bool {
	got, ok := c.nextDue(d)
	return ok && got == d
}

func (c *compiledRule) nextDue(from civil.Date) (civil.Date, bool) {
	if from.Before(c.start) {
		from = c.start
	}
	if !c.last.IsZero() && from.After(c.last) {
		return civil.Date{}, false
	}
	if c.builtin != nil {
		d, ok := c.builtin.NextDue(from)
		if !ok || (!c.last.IsZero() && d.After(c.last)) {
			return civil.Date{}, false
		}
		return d, true
	}
	next, err := c.iterFrom(from)
	if err != nil {
		return civil.Date{}, false
	}
	for {
		w, ok := next()
		if !ok {
			return civil.Date{}, false
		}
		d := dateOfFloating(w)
		if d.Before(from) {
			continue
		}
		return d, true
	}
}
