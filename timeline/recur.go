package timeline

import (
	"math/bits"
	"slices"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// This file expands recurrence rules in civil arithmetic: dates are day
// numbers, times of day are seconds, and nothing is ever an instant, so
// there is no DST and no horizon. A rule's occurrences are found period by
// period (a day, a week, a month or a year, by its FREQ): the days of the
// period that pass every BYxxx part, times the times of day, less those
// BYSETPOS does not pick. The semantics are RFC 5545 section 3.3.10's, as
// python-dateutil and rrule-go implement them, with two differences where
// those depart from the RFC: a BYDAY list that mixes plain and numbered
// weekdays (MO,1FR) selects their union, and the week that holds DTSTART is
// the whole week for BYSETPOS, not the part of it from DTSTART on.

// frequency is the FREQ of a rule.
type frequency uint8

const (
	freqDaily frequency = iota + 1
	freqWeekly
	freqMonthly
	freqYearly
)

func (f frequency) String() string {
	switch f {
	case freqDaily:
		return "DAILY"
	case freqWeekly:
		return "WEEKLY"
	case freqMonthly:
		return "MONTHLY"
	case freqYearly:
		return "YEARLY"
	}
	return "?"
}

// nthDay is a numbered weekday of BYDAY: the n-th (from the end when n < 0)
// wd of the month or year.
type nthDay struct {
	n  int
	wd time.Weekday
}

// ruleParts are the parts of a recurrence rule, as parsed.
type ruleParts struct {
	freq      frequency
	interval  int // 0 means 1
	count     int // 0: no COUNT
	wkst      time.Weekday
	months    []int
	weekNos   []int
	yearDays  []int
	monthDays []int
	weekdays  uint8    // plain BYDAY entries: bit wd for weekday wd
	nth       []nthDay // numbered BYDAY entries
	setPos    []int
	hours     []int
	minutes   []int
	seconds   []int
}

// occ is one occurrence of a rule: a day number (civil.Date.Days) and the
// seconds of the day of its wall clock.
type occ struct {
	day int32
	sec int32
}

func (o occ) before(p occ) bool { return o.day < p.day || (o.day == p.day && o.sec < p.sec) }

// lastDay is the day number of 9999-12-31, the last date anything is due.
var lastDay = civil.D(9999, time.December, 31).Days()

// pattern is a rule made ready to expand from one DTSTART: its parts, with
// the defaults that DTSTART supplies written out, in the forms the
// expansion reads quickly. A pattern reuses buffers between periods, so it
// is not safe for concurrent use.
type pattern struct {
	freq     frequency
	n        int // INTERVAL, at least 1
	start    occ // DTSTART
	idx0     int // the period that holds DTSTART
	wkst     time.Weekday
	wkOff    int    // day number, modulo 7, of the first day of a week
	months   uint16 // bit m: month m; 0: every month
	mdPos    uint32 // bit d: day d of the month
	mdNeg    uint32 // bit d: day -d of the month
	weekdays uint8  // bit wd: plain weekday wd
	nth      []nthDay
	byDay    bool // BYDAY given (or defaulted)
	yearDays []int
	weekNos  []int
	setPos   []int
	times    []int32 // seconds of the day, ascending; never empty
	maxPicks int     // most occurrences a period can hold

	days  []int32 // scratch: the days of a period
	picks []occ   // scratch: the occurrences of a period

	// Tables of the year search (see first), by shape of year.
	tables *[64]*yearTable
}

// newPattern returns the pattern of rule parts rp started on date start at
// startSec seconds of the day.
func newPattern(rp *ruleParts, start civil.Date, startSec int) *pattern {
	p := &pattern{
		freq:  rp.freq,
		n:     max(rp.interval, 1),
		start: occ{int32(start.Days()), int32(startSec)},
		wkst:  rp.wkst,
	}
	p.wkOff = floorMod(int(p.wkst)-4, 7) // day 0, 1970-01-01, was a Thursday
	for _, m := range rp.months {
		p.months |= 1 << m
	}
	for _, d := range rp.monthDays {
		if d > 0 {
			p.mdPos |= 1 << d
		} else {
			p.mdNeg |= 1 << -d
		}
	}
	p.weekdays = rp.weekdays
	p.nth = rp.nth
	p.yearDays, p.weekNos, p.setPos = rp.yearDays, rp.weekNos, rp.setPos
	if len(rp.weekNos) == 0 && len(rp.yearDays) == 0 && len(rp.monthDays) == 0 && rp.weekdays == 0 && len(rp.nth) == 0 {
		// The defaults RFC 5545 takes from DTSTART.
		switch p.freq {
		case freqWeekly:
			p.weekdays = 1 << start.Weekday()
		case freqMonthly:
			p.mdPos = 1 << start.Day
		case freqYearly:
			p.mdPos = 1 << start.Day
			if p.months == 0 {
				p.months = 1 << start.Month
			}
		}
	}
	p.byDay = p.weekdays != 0 || len(p.nth) > 0
	hours, minutes, seconds := rp.hours, rp.minutes, rp.seconds
	if len(hours) == 0 {
		hours = []int{startSec / 3600}
	}
	if len(minutes) == 0 {
		minutes = []int{startSec / 60 % 60}
	}
	if len(seconds) == 0 {
		seconds = []int{startSec % 60}
	}
	for _, h := range hours {
		for _, m := range minutes {
			for _, s := range seconds {
				p.times = append(p.times, int32(h*3600+m*60+s))
			}
		}
	}
	slices.Sort(p.times)
	p.times = slices.Compact(p.times)
	p.maxPicks = p.maxDays() * len(p.times)
	p.idx0 = p.periodOf(int(p.start.day))
	return p
}

// maxDays bounds the days one period can select, from the parts alone.
func (p *pattern) maxDays() int {
	n := map[frequency]int{freqDaily: 1, freqWeekly: 7, freqMonthly: 31, freqYearly: 366}[p.freq]
	months := bits.OnesCount16(p.months)
	if months == 0 {
		months = 12
	}
	perMonth := 31
	if p.mdPos != 0 || p.mdNeg != 0 {
		perMonth = bits.OnesCount32(p.mdPos) + bits.OnesCount32(p.mdNeg)
	} else if p.byDay {
		perMonth = 5*bits.OnesCount8(p.weekdays) + len(p.nth)
	}
	switch p.freq {
	case freqWeekly:
		n = bits.OnesCount8(p.weekdays)
	case freqMonthly:
		n = min(n, perMonth)
	case freqYearly:
		if len(p.nth) == 0 || p.months != 0 {
			n = min(n, months*perMonth)
		}
		if len(p.yearDays) > 0 {
			n = min(n, len(p.yearDays))
		}
		if len(p.weekNos) > 0 {
			n = min(n, 7*len(p.weekNos))
		}
	}
	return n
}

func weekdayOf(day int) time.Weekday { return time.Weekday(floorMod(day+4, 7)) }

// periodOf returns the index of the period that holds day number day:
// the day number itself, the week number, the month number or the year.
func (p *pattern) periodOf(day int) int {
	switch p.freq {
	case freqDaily:
		return day
	case freqWeekly:
		return floorDiv(day-p.wkOff, 7)
	case freqMonthly:
		d := civil.FromDays(day)
		return monthNumber(d.Year, d.Month)
	default:
		return civil.FromDays(day).Year
	}
}

// firstDay returns the day number of the first day of period idx.
func (p *pattern) firstDay(idx int) int {
	switch p.freq {
	case freqDaily:
		return idx
	case freqWeekly:
		return 7*idx + p.wkOff
	case freqMonthly:
		y, m := fromMonthNumber(idx)
		return civil.D(y, m, 1).Days()
	default:
		return civil.D(idx, time.January, 1).Days()
	}
}

// visitedFrom returns the first period the rule visits (the period of
// DTSTART, then every INTERVAL-th) at or after period idx.
func (p *pattern) visitedFrom(idx int) int {
	if idx <= p.idx0 {
		return p.idx0
	}
	return p.idx0 + (idx-p.idx0+p.n-1)/p.n*p.n
}

// visitedAtOrBefore returns the last visited period at or before idx, or
// the first one when idx comes before it.
func (p *pattern) visitedAtOrBefore(idx int) int {
	if idx <= p.idx0 {
		return p.idx0
	}
	return p.idx0 + (idx-p.idx0)/p.n*p.n
}

// period returns the occurrences of period idx in order, before DTSTART
// and any end are applied. The result is reused by the next call.
func (p *pattern) period(idx int) []occ {
	days := p.days[:0]
	switch p.freq {
	case freqDaily:
		d := civil.FromDays(idx)
		if p.matches(idx, d.Year, d.Month, d.Day, civil.DaysIn(d.Year, d.Month), 0, 0) {
			days = append(days, int32(idx))
		}
	case freqWeekly:
		first := 7*idx + p.wkOff
		d := civil.FromDays(first)
		n := civil.DaysIn(d.Year, d.Month)
		for day := first; day < first+7; day++ {
			if p.months == 0 || p.months&(1<<d.Month) != 0 {
				if p.weekdays&(1<<weekdayOf(day)) != 0 {
					days = append(days, int32(day))
				}
			}
			if d.Day++; d.Day > n {
				d.Day = 1
				if d.Month++; d.Month > time.December {
					d.Month, d.Year = time.January, d.Year+1
				}
				n = civil.DaysIn(d.Year, d.Month)
			}
		}
	case freqMonthly:
		y, m := fromMonthNumber(idx)
		if p.months == 0 || p.months&(1<<m) != 0 {
			days = p.monthCandidates(days, y, m, civil.D(y, m, 1).Days(), 0, 0)
		}
	case freqYearly:
		days = p.yearCandidates(days, idx)
	}
	p.days = days
	picks := p.picks[:0]
	nt := len(p.times)
	if len(p.setPos) == 0 {
		for _, day := range days {
			for _, t := range p.times {
				picks = append(picks, occ{day, t})
			}
		}
	} else if total := len(days) * nt; total > 0 {
		for _, pos := range p.setPos {
			i := pos - 1
			if pos < 0 {
				i = total + pos
			}
			if i >= 0 && i < total {
				picks = append(picks, occ{days[i/nt], p.times[i%nt]})
			}
		}
		slices.SortFunc(picks, func(a, b occ) int {
			if a.before(b) {
				return -1
			}
			if b.before(a) {
				return 1
			}
			return 0
		})
		picks = slices.Compact(picks)
	}
	p.picks = picks
	return picks
}

// monthCandidates appends the days of month y-m (whose first day is day
// number first) that pass the rule's day parts. doy0 and ylen, when
// ylen > 0, place the month in its year for BYYEARDAY and BYWEEKNO.
func (p *pattern) monthCandidates(days []int32, y int, m time.Month, first, doy0, ylen int) []int32 {
	n := civil.DaysIn(y, m)
	if p.mdPos != 0 || p.mdNeg != 0 {
		// Only the days of the month listed can pass: visit those.
		for d := 1; d <= n; d++ {
			if p.mdPos&(1<<d) != 0 || p.mdNeg&(1<<(n-d+1)) != 0 {
				if p.matches(first+d-1, y, m, d, n, doy0+d-1, ylen) {
					days = append(days, int32(first+d-1))
				}
			}
		}
		return days
	}
	for d := 1; d <= n; d++ {
		if p.matches(first+d-1, y, m, d, n, doy0+d-1, ylen) {
			days = append(days, int32(first+d-1))
		}
	}
	return days
}

// yearCandidates appends the days of year y that pass the rule's day parts.
func (p *pattern) yearCandidates(days []int32, y int) []int32 {
	jan1 := civil.D(y, time.January, 1).Days()
	ylen := 365
	if civil.IsLeap(y) {
		ylen = 366
	}
	if len(p.yearDays) > 0 {
		// Only the listed days of the year can pass: visit those.
		start := len(days)
		for _, yd := range p.yearDays {
			doy := yd - 1
			if yd < 0 {
				doy = ylen + yd
			}
			if doy < 0 || doy >= ylen {
				continue
			}
			d := civil.FromDays(jan1 + doy)
			if p.matches(jan1+doy, y, d.Month, d.Day, civil.DaysIn(y, d.Month), doy, ylen) {
				days = append(days, int32(jan1+doy))
			}
		}
		slices.Sort(days[start:])
		return slices.Compact(days)
	}
	doy0 := 0
	for m := time.January; m <= time.December; m++ {
		n := civil.DaysIn(y, m)
		if p.months == 0 || p.months&(1<<m) != 0 {
			days = p.monthCandidates(days, y, m, jan1+doy0, doy0, ylen)
		}
		doy0 += n
	}
	return days
}

// matches reports whether the day number day, which is day d of month m
// of year y (a month of n days), passes every day part of the rule but
// BYSETPOS. doy is its day of the year from 0, and ylen the year's length,
// for a yearly rule; other rules pass 0 for both.
func (p *pattern) matches(day, y int, m time.Month, d, n, doy, ylen int) bool {
	if p.months != 0 && p.months&(1<<m) == 0 {
		return false
	}
	if (p.mdPos != 0 || p.mdNeg != 0) && p.mdPos&(1<<d) == 0 && p.mdNeg&(1<<(n-d+1)) == 0 {
		return false
	}
	if len(p.yearDays) > 0 {
		ok := false
		for _, yd := range p.yearDays {
			if yd == doy+1 || yd == doy-ylen {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(p.weekNos) > 0 && !p.inWeekNos(day, y) {
		return false
	}
	if !p.byDay {
		return true
	}
	wd := weekdayOf(day)
	if p.weekdays&(1<<wd) != 0 {
		return true
	}
	if len(p.nth) == 0 {
		return false
	}
	// A numbered weekday counts within the month for a monthly rule, and
	// for a yearly one that names months; else within the year.
	lo, hi := day-d+1, day-d+n
	if p.freq == freqYearly && p.months == 0 {
		lo, hi = day-doy, day-doy+ylen-1
	}
	for _, x := range p.nth {
		var at int
		if x.n > 0 {
			at = lo + floorMod(int(x.wd)-int(weekdayOf(lo)), 7) + (x.n-1)*7
		} else {
			at = hi - floorMod(int(weekdayOf(hi))-int(x.wd), 7) + (x.n+1)*7
		}
		if at == day {
			return true
		}
	}
	return false
}

// week1Start returns the day number of the first day of week 1 of year y,
// for weeks that begin on wkst: the first week with at least four days in
// y (ISO 8601 with WKST=MO).
func week1Start(y int, wkst time.Weekday) int {
	jan1 := civil.D(y, time.January, 1).Days()
	back := floorMod(int(weekdayOf(jan1))-int(wkst), 7)
	if 7-back >= 4 {
		return jan1 - back
	}
	return jan1 + 7 - back
}

// inWeekNos reports whether day number day, a day of year y, lies in one
// of the rule's week numbers, counted in the year its week belongs to.
func (p *pattern) inWeekNos(day, y int) bool {
	ws := week1Start(y, p.wkst)
	wy := y
	if day < ws {
		wy = y - 1
		ws = week1Start(wy, p.wkst)
	} else if next := week1Start(y+1, p.wkst); day >= next {
		wy, ws = y+1, next
	}
	wn := (day-ws)/7 + 1
	total := (week1Start(wy+1, p.wkst) - ws) / 7
	for _, n := range p.weekNos {
		if n == wn || n == wn-total-1 {
			return true
		}
	}
	return false
}

// cursor walks a pattern's occurrences in order, from a period on. After a
// long stretch of periods with nothing in them it jumps to the next one
// that has something, by first's year search, so a rule whose dates are
// decades apart, or that has none, is walked in microseconds.
type cursor struct {
	p     *pattern
	idx   int   // the next period to read
	q     []occ // occurrences read but not yet returned
	end   occ   // the last occurrence it may return
	left  int   // occurrences COUNT still allows; -1 without COUNT
	empty int   // periods read in a row with nothing in them
	done  bool
}

// jumpAfter is how many empty periods in a row make a cursor jump.
const jumpAfter = 512

// walk returns a cursor over the occurrences of p from the visited period
// at or before period from, up to end; count > 0 limits how many it
// returns (a rule with COUNT must be walked from DTSTART's period).
func (p *pattern) walk(from int, end occ, count int) *cursor {
	c := &cursor{p: p, idx: p.visitedAtOrBefore(from), end: end, left: -1}
	if count > 0 {
		c.left = count
	}
	return c
}

// next returns the next occurrence, and false when there are no more.
func (c *cursor) next() (occ, bool) {
	if c.left == 0 {
		return occ{}, false
	}
	for len(c.q) == 0 {
		if c.done {
			return occ{}, false
		}
		first := c.p.firstDay(c.idx)
		if first > int(c.end.day) || first > lastDay {
			c.done = true
			return occ{}, false
		}
		if c.empty >= jumpAfter {
			// Nothing for a while: find the next occurrence directly. It
			// does not use up COUNT, which counts occurrences, not periods.
			c.empty = 0
			o, ok := c.p.first(occ{int32(first), 0}, c.end)
			if !ok {
				c.done = true
				return occ{}, false
			}
			c.idx = c.p.visitedAtOrBefore(c.p.periodOf(int(o.day)))
			continue
		}
		picks := c.p.period(c.idx)
		c.idx += c.p.n
		c.q = c.q[:0]
		for _, o := range picks {
			if !o.before(c.p.start) {
				c.q = append(c.q, o)
			}
		}
		if len(c.q) == 0 {
			c.empty++
		} else {
			c.empty = 0
		}
	}
	o := c.q[0]
	if c.end.before(o) || int(o.day) > lastDay {
		c.done = true
		c.q = c.q[:0]
		return occ{}, false
	}
	c.q = c.q[1:]
	if c.left > 0 {
		c.left--
	}
	return o, true
}

// shortWalk is how many days past the date asked about first reads period
// by period before it searches year by year.
const shortWalk = 800

// first returns the first occurrence at or after from (and at or after
// DTSTART) up to end, ignoring COUNT: a rule's first occurrence is within
// any COUNT. It reads the periods near from one by one; past them it
// searches year by year, using that the days a year's periods select
// depend only on the year's shape (its first weekday and length, and its
// neighbours' lengths for BYWEEKNO), so each shape is expanded once and a
// year is then checked in constant time. A rule that never occurs is
// answered after at most one check per year up to 9999, and most are
// refused at once by never.
func (p *pattern) first(from, end occ) (occ, bool) {
	if from.before(p.start) {
		from = p.start
	}
	if end.before(from) || p.never() {
		return occ{}, false
	}
	idx := p.visitedAtOrBefore(p.periodOf(int(from.day)))
	limit := min(int(from.day)+shortWalk, int(end.day), lastDay)
	for ; p.firstDay(idx) <= limit; idx += p.n {
		for _, o := range p.period(idx) {
			if !o.before(from) {
				if end.before(o) {
					return occ{}, false
				}
				return o, true
			}
		}
	}
	return p.searchYears(idx, end)
}

// never reports the rules that can be seen never to occur without
// expanding them: BYSETPOS beyond any period's size, and a daily rule
// whose interval fixes the weekday to one BYDAY does not list.
func (p *pattern) never() bool {
	if len(p.setPos) > 0 {
		ok := false
		for _, pos := range p.setPos {
			if pos <= p.maxPicks && -pos <= p.maxPicks {
				ok = true
				break
			}
		}
		if !ok {
			return true
		}
	}
	if p.freq == freqDaily && p.n%7 == 0 && p.weekdays != 0 && len(p.nth) == 0 {
		return p.weekdays&(1<<weekdayOf(int(p.start.day))) == 0
	}
	return false
}

// yearTable is what one shape of year selects: which of the periods that
// begin in such a year hold an occurrence.
type yearTable struct {
	offs [6]uint64 // bit o: the o-th period beginning in the year
	any  bool
	// res has bit r when some selecting offset is r modulo the interval;
	// built when the interval is smaller than the periods of a year.
	res []uint64
}

func bit(set []uint64, i int) bool { return set[i>>6]&(1<<(i&63)) != 0 }
func setBit(set []uint64, i int)   { set[i>>6] |= 1 << (i & 63) }

// yearPeriods returns the index of the first period that begins in year y
// (its Jan 1 is day number jan1, and it has ylen days), and how many begin
// in it.
func (p *pattern) yearPeriods(y, jan1, ylen int) (int, int) {
	switch p.freq {
	case freqDaily:
		return jan1, ylen
	case freqWeekly:
		first := floorDiv(jan1-p.wkOff+6, 7)
		last := floorDiv(jan1+ylen-1-p.wkOff, 7)
		return first, last - first + 1
	case freqMonthly:
		return monthNumber(y, time.January), 12
	default:
		return y, 1
	}
}

// shape is the key of year y's table: what the periods beginning in it
// select depends on nothing else.
func (p *pattern) shape(y, jan1 int) uint8 {
	k := uint8(weekdayOf(jan1)) << 1
	if civil.IsLeap(y) {
		k |= 1
	}
	if len(p.weekNos) > 0 {
		if civil.IsLeap(y - 1) {
			k |= 1 << 4
		}
		if civil.IsLeap(y + 1) {
			k |= 1 << 5
		}
	}
	return k
}

// cycleShift is how far, in periods, the Gregorian cycle of 400 years
// (146097 days, 20871 weeks, 4800 months) moves a rule's periods.
var cycleShift = map[frequency]int{freqDaily: 146097, freqWeekly: 20871, freqMonthly: 4800, freqYearly: 400}

// searchYears is the year-by-year part of first: the first occurrence in
// a visited period at or after period idx, up to end.
//
// Both the calendar and the periods a rule visits repeat: after 400 years
// the years have the same shapes again, and the visited periods have moved
// by a whole number of cycles, shifted by the cycle's length modulo the
// interval. So after n/gcd(n, shift) cycles every year and every offset of
// the visited periods in it has been seen, and a year after that cannot
// hold an occurrence that an earlier one did not: the search stops there,
// after 400 years for most rules, and at 9999 at the latest.
func (p *pattern) searchYears(idx int, end occ) (occ, bool) {
	if p.tables == nil {
		p.tables = new([64]*yearTable)
	}
	fd := civil.FromDays(p.firstDay(idx))
	y := fd.Year
	stop := y + 400*(p.n/gcd(p.n, cycleShift[p.freq]%p.n+p.n)) + 1
	jan1 := civil.D(y, time.January, 1).Days()
	shapes := 14
	if len(p.weekNos) > 0 {
		shapes = 56
	}
	empty := 0
	for ; jan1 <= int(end.day) && jan1 <= lastDay && y <= stop; y++ {
		ylen := 365
		if civil.IsLeap(y) {
			ylen = 366
		}
		P, N := p.yearPeriods(y, jan1, ylen)
		key := p.shape(y, jan1)
		t := p.tables[key]
		if t == nil {
			t = p.buildTable(y, P, N)
			p.tables[key] = t
			if !t.any {
				empty++
			}
		}
		if t.any && p.yearHas(t, P, N, idx) {
			for o := p.visitedFrom(max(P, idx)); o < P+N; o += p.n {
				for _, x := range p.period(o) {
					if end.before(x) {
						return occ{}, false
					}
					return x, true
				}
			}
		}
		if empty == shapes {
			return occ{}, false // no shape of year selects anything
		}
		jan1 += ylen
	}
	return occ{}, false
}

// buildTable expands the N periods that begin at period P, in year y.
func (p *pattern) buildTable(y, P, N int) *yearTable {
	t := new(yearTable)
	if p.freq == freqDaily && len(p.setPos) == 0 {
		// A day is its own period: read the year's days in order.
		o := 0
		for m := time.January; m <= time.December; m++ {
			n := civil.DaysIn(y, m)
			for d := 1; d <= n; d, o = d+1, o+1 {
				if p.matches(P+o, y, m, d, n, 0, 0) {
					setBit(t.offs[:], o)
					t.any = true
				}
			}
		}
	} else {
		for o := 0; o < N; o++ {
			if len(p.period(P+o)) > 0 {
				setBit(t.offs[:], o)
				t.any = true
			}
		}
	}
	if t.any && p.n < N {
		t.res = make([]uint64, (p.n+63)/64)
		for o := 0; o < N; o++ {
			if bit(t.offs[:], o) {
				setBit(t.res, o%p.n)
			}
		}
	}
	return t
}

// yearHas reports whether a visited period at or after period idx among
// the N that begin at period P selects something, by table t.
func (p *pattern) yearHas(t *yearTable, P, N, idx int) bool {
	r := floorMod(p.idx0-P, p.n) // offsets of visited periods are r modulo n
	if idx > P || t.res == nil {
		for o := p.visitedFrom(max(P, idx)) - P; o < N; o += p.n {
			if bit(t.offs[:], o) {
				return true
			}
		}
		return false
	}
	return bit(t.res, r)
}
