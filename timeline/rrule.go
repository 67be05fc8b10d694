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
)

// MaxCount is the largest COUNT a recurrence rule accepts.
const MaxCount = 5000

// Rule is a parsed iCalendar recurrence rule (RFC 5545 section 3.3.10) with
// FREQ=DAILY, WEEKLY, MONTHLY or YEARLY. It is expanded in civil
// arithmetic, on wall clocks that have no DST and no horizon, and every wall
// clock it yields is turned into an instant by [Resolve] (see the package
// documentation).
//
// Like python-dateutil and rrule-go, a Rule yields only the dates its parts
// select: a DTSTART that does not fit the rule is not an occurrence (RFC 5545
// would count it as the first one).
type Rule struct {
	src   string
	parts ruleParts
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
// BYSECOND (in a [Schedule], whose times are whole minutes, BYSECOND is
// refused, and BYHOUR and BYMINUTE may give at most [MaxSlots] times a
// day; see [Occurrence] for items due several times a day). Any other
// part, a repeated part, COUNT together with UNTIL, or a value out of range
// is an error; the error is a [*ValidationError] for field "rrule".
func ParseRule(s string) (*Rule, error) {
	r := new(Rule)
	if err := r.parse(s, false); err != nil {
		return nil, &ValidationError{Field: "rrule", Reason: err.Error()}
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
func parseRule(s string, inSchedule bool) (*Rule, error) {
	r := new(Rule)
	if err := r.parse(s, inSchedule); err != nil {
		return nil, err
	}
	return r, nil
}

// parse parses s into r, which must be zero. In a schedule (inSchedule)
// times of day are whole minutes, so BYSECOND is refused, and BYHOUR and
// BYMINUTE may give at most MaxSlots times a day.
func (r *Rule) parse(s string, inSchedule bool) error {
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
	r.parts.wkst = time.Monday // RFC 5545's default WKST
	seen := 0
	var byDayRaw string
	for rest, more := s, true; more; {
		var part string
		part, rest, more = strings.Cut(rest, ";")
		key, val, ok := strings.Cut(part, "=")
		key = strings.ToUpper(strings.TrimSpace(key))
		val = strings.TrimSpace(val)
		if !ok || key == "" {
			return fmt.Errorf("%q is not a NAME=VALUE rule part", clip(part))
		}
		if val == "" {
			return fmt.Errorf("%s has no value", clip(key))
		}
		bit := rulePart(key)
		if seen&bit != 0 {
			return fmt.Errorf("%s is given twice", clip(key))
		}
		seen |= bit
		var err error
		switch key {
		case "FREQ":
			switch strings.ToUpper(val) {
			case "DAILY":
				r.parts.freq = freqDaily
			case "WEEKLY":
				r.parts.freq = freqWeekly
			case "MONTHLY":
				r.parts.freq = freqMonthly
			case "YEARLY":
				r.parts.freq = freqYearly
			case "HOURLY", "MINUTELY", "SECONDLY":
				return fmt.Errorf("FREQ=%s is not supported: an item happens at most once a day; use DAILY, WEEKLY, MONTHLY or YEARLY", clip(strings.ToUpper(val)))
			default:
				return fmt.Errorf("FREQ=%s is not a frequency; use DAILY, WEEKLY, MONTHLY or YEARLY", clip(val))
			}
		case "INTERVAL":
			r.parts.interval, err = parseInt(key, val, 1, MaxInterval)
		case "COUNT":
			r.parts.count, err = parseInt(key, val, 1, MaxCount)
		case "UNTIL":
			err = r.parseUntil(val)
		case "WKST":
			r.parts.wkst, _, err = parseWeekday(key, val, false)
		case "BYDAY":
			byDayRaw = val
		case "BYMONTHDAY":
			r.parts.monthDays, err = parseInts(key, val, 1, 31, true)
		case "BYMONTH":
			r.parts.months, err = parseInts(key, val, 1, 12, false)
		case "BYYEARDAY":
			r.parts.yearDays, err = parseInts(key, val, 1, 366, true)
		case "BYWEEKNO":
			r.parts.weekNos, err = parseInts(key, val, 1, 53, true)
		case "BYSETPOS":
			r.parts.setPos, err = parseInts(key, val, 1, 366, true)
		case "BYHOUR", "BYMINUTE", "BYSECOND":
			if inSchedule && key == "BYSECOND" {
				return errors.New("BYSECOND is not allowed in a schedule: its times of day are whole minutes")
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
				r.parts.hours = v
			case "BYMINUTE":
				r.parts.minutes = v
			default:
				r.parts.seconds = v
			}
		default:
			return fmt.Errorf("%s is not a supported rule part", clip(key))
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
	if inSchedule && r.hasTimes {
		n := max(len(slices.Compact(slices.Sorted(slices.Values(r.parts.hours)))), 1) *
			max(len(slices.Compact(slices.Sorted(slices.Values(r.parts.minutes)))), 1)
		if n > MaxSlots {
			return fmt.Errorf("BYHOUR and BYMINUTE give %d times a day; a schedule is due at most %d times a day", n, MaxSlots)
		}
	}
	freq := r.parts.freq
	if byDayRaw != "" {
		ordinalOK := (freq == freqMonthly || freq == freqYearly) && seen&pByWeekNo == 0
		for rest, more := byDayRaw, true; more; {
			var item string
			item, rest, more = strings.Cut(rest, ",")
			wd, n, err := parseWeekday("BYDAY", strings.TrimSpace(item), true)
			if err != nil {
				return err
			}
			if n != 0 {
				if !ordinalOK {
					return fmt.Errorf("BYDAY=%s: an ordinal weekday needs FREQ=MONTHLY or FREQ=YEARLY without BYWEEKNO", clip(item))
				}
				if freq == freqMonthly && (n > 5 || n < -5) {
					return fmt.Errorf("BYDAY=%s: a month has at most 5 of each weekday", clip(item))
				}
				r.parts.nth = append(r.parts.nth, nthDay{n, wd})
			} else {
				r.parts.weekdays |= 1 << wd
			}
		}
	}
	if len(r.parts.monthDays) > 0 && freq == freqWeekly {
		return errors.New("BYMONTHDAY cannot be used with FREQ=WEEKLY")
	}
	if len(r.parts.yearDays) > 0 && freq != freqYearly {
		return errors.New("BYYEARDAY needs FREQ=YEARLY")
	}
	if len(r.parts.weekNos) > 0 && freq != freqYearly {
		return errors.New("BYWEEKNO needs FREQ=YEARLY")
	}
	if len(r.parts.setPos) > 0 && seen&(pByDay|pByMonthDay|pByMonth|pByYearDay|pByWeekNo|pByHour|pByMinute|pBySecond) == 0 {
		return errors.New("BYSETPOS needs another BYxxx part to pick from")
	}
	return r.checkPossible()
}

// checkPossible refuses the combinations of BYMONTH and BYMONTHDAY that no
// year has, so that expanding the rule cannot search forever.
func (r *Rule) checkPossible() error {
	if len(r.parts.monthDays) == 0 || len(r.parts.yearDays) > 0 || len(r.parts.weekNos) > 0 {
		return nil
	}
	months := r.parts.months
	if len(months) == 0 {
		return nil
	}
	for _, m := range months {
		n := civil.DaysIn(2000, time.Month(m)) // a leap year: the longest February
		for _, d := range r.parts.monthDays {
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
			return fmt.Errorf("UNTIL=%s: want YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ", clip(v))
		}
		h, e1 := strconv.Atoi(v[9:11])
		mi, e2 := strconv.Atoi(v[11:13])
		sec, e3 := strconv.Atoi(v[13:15])
		if e1 != nil || e2 != nil || e3 != nil || !allDigits(v[9:15]) || h > 23 || mi > 59 || sec > 60 {
			return fmt.Errorf("UNTIL=%s: the time is not HHMMSS", clip(v))
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
		return fmt.Errorf("UNTIL=%s: want YYYYMMDD, YYYYMMDDTHHMMSS or YYYYMMDDTHHMMSSZ", clip(v))
	}
	return nil
}

func parseICalDate(v string) (civil.Date, error) {
	if !allDigits(v) {
		return civil.Date{}, fmt.Errorf("UNTIL=%s: the date is not YYYYMMDD", clip(v))
	}
	y, _ := strconv.Atoi(v[:4])
	m, _ := strconv.Atoi(v[4:6])
	d, _ := strconv.Atoi(v[6:8])
	date := civil.D(y, time.Month(m), d)
	if !date.IsValid() {
		return civil.Date{}, fmt.Errorf("UNTIL=%s: there is no such date", clip(v))
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
		return 0, fmt.Errorf("%s=%s: want a whole number from %d to %d", clip(key), clip(v), lo, hi)
	}
	n, _ := strconv.Atoi(v)
	if n < lo || n > hi {
		return 0, fmt.Errorf("%s=%s: want a whole number from %d to %d", clip(key), clip(v), lo, hi)
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
			return nil, fmt.Errorf("%s=%s: %q is not a number", clip(key), clip(v), clip(f))
		}
		n, _ := strconv.Atoi(num)
		if neg {
			n = -n
		}
		okPos := n >= lo && n <= hi
		okNeg := signed && n <= -lo && n >= -hi
		if !okPos && !okNeg {
			if signed {
				return nil, fmt.Errorf("%s=%s: %d is out of range (%d to %d, or %d to %d)", clip(key), clip(v), n, lo, hi, -hi, -lo)
			}
			return nil, fmt.Errorf("%s=%s: %d is out of range (%d to %d)", clip(key), clip(v), n, lo, hi)
		}
		out = append(out, n)
	}
	return out, nil
}

// parseWeekday parses MO..SU, with an optional signed ordinal (1FR, -1SU)
// when ordinal is true; the ordinal is 0 when there is none.
func parseWeekday(key, v string, ordinal bool) (time.Weekday, int, error) {
	u := strings.ToUpper(v)
	if len(u) < 2 {
		return 0, 0, fmt.Errorf("%s=%s: want a weekday such as MO or -1FR", clip(key), clip(v))
	}
	name, num := u[len(u)-2:], u[:len(u)-2]
	var wd time.Weekday
	switch name {
	case "MO":
		wd = time.Monday
	case "TU":
		wd = time.Tuesday
	case "WE":
		wd = time.Wednesday
	case "TH":
		wd = time.Thursday
	case "FR":
		wd = time.Friday
	case "SA":
		wd = time.Saturday
	case "SU":
		wd = time.Sunday
	default:
		return 0, 0, fmt.Errorf("%s=%s: %q is not a weekday (MO, TU, WE, TH, FR, SA, SU)", clip(key), clip(v), clip(name))
	}
	if num == "" {
		return wd, 0, nil
	}
	if !ordinal {
		return 0, 0, fmt.Errorf("%s=%s: want a plain weekday such as MO", clip(key), clip(v))
	}
	sign := 1
	switch num[0] {
	case '+':
		num = num[1:]
	case '-':
		num, sign = num[1:], -1
	}
	if !allDigits(num) || len(num) > 2 {
		return 0, 0, fmt.Errorf("%s=%s: the ordinal is not a number", clip(key), clip(v))
	}
	n, _ := strconv.Atoi(num)
	if n < 1 || n > 53 {
		return 0, 0, fmt.Errorf("%s=%s: the ordinal must be 1 to 53 or -1 to -53", clip(key), clip(v))
	}
	return wd, sign * n, nil
}

// floating writes a civil date and seconds of the day as a UTC wall clock.
func floating(d civil.Date, sec int) time.Time {
	return time.Unix(wallSeconds(d, sec), 0).UTC()
}

func dateOfFloating(t time.Time) civil.Date {
	y, m, d := t.Date()
	return civil.D(y, m, d)
}

// occOfFloating returns the floating wall clock t as an occurrence.
func occOfFloating(t time.Time) occ {
	return occ{int32(dateOfFloating(t).Days()), int32(t.Hour()*3600 + t.Minute()*60 + t.Second())}
}

// endOfTime is the last occurrence any rule can have.
var endOfTime = occ{int32(lastDay), 86399}

// Between returns the instants of the rule, started at wall clock at on date
// start in loc (its DTSTART), that lie in [from, to]. Each wall clock the rule
// yields is resolved with [Resolve]; two wall clocks that resolve to the same
// instant (both inside one DST gap) count once. An UNTIL written in UTC is
// compared with the resolved instants, as RFC 5545 asks. A rule without a
// COUNT is expanded from the period that holds from, so its cost does not
// grow with the distance from start; one with a COUNT is counted from
// start. No rule has a horizon: one without COUNT or UNTIL repeats through
// the year 9999.
func (r *Rule) Between(start civil.Date, at civil.Clock, loc *time.Location, from, to time.Time) []time.Time {
	if loc == nil {
		loc = time.UTC
	}
	if !start.IsValid() || to.Before(from) {
		return nil
	}
	p := newPattern(&r.parts, start, at.Minutes()*60)
	end := endOfTime
	switch r.untilKind {
	case untilDate, untilFloating:
		end = occOfFloating(r.untilWall)
	case untilUTC:
		// The wall clock of UNTIL in loc, with a day's slack for DST; the
		// exact test is on instants below.
		end = occOfFloating(floatingOf(r.untilUTC.In(loc)).Add(24 * time.Hour))
	}
	// Wall clocks of the window, with slack for offsets and gaps.
	lo := occOfFloating(floatingOf(from.In(loc)).Add(-26 * time.Hour))
	if hi := occOfFloating(floatingOf(to.In(loc)).Add(26 * time.Hour)); hi.before(end) {
		end = hi
	}
	var c *cursor
	if r.parts.count > 0 {
		c = p.walk(p.idx0, end, r.parts.count)
	} else {
		c = p.walk(p.periodOf(int(lo.day)), end, 0)
	}
	var out []time.Time
	for o, ok := c.next(); ok; o, ok = c.next() {
		if o.before(lo) {
			continue
		}
		t := resolveWall(int64(o.day)*86400+int64(o.sec), loc).Time
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
		p := newPattern(&r.parts, start, at.Minutes()*60)
		end := endOfTime
		switch r.untilKind {
		case untilDate, untilFloating:
			end = occOfFloating(r.untilWall)
		case untilUTC:
			end = occOfFloating(floatingOf(r.untilUTC.In(loc)).Add(24 * time.Hour))
		}
		c := p.walk(p.idx0, end, r.parts.count)
		var last time.Time
		for o, ok := c.next(); ok; o, ok = c.next() {
			t := resolveWall(int64(o.day)*86400+int64(o.sec), loc).Time
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
