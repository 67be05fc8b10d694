package api

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// ICS writes the timeline tr of the person u as an iCalendar feed (RFC
// 5545) in the person's zone, with a VTIMEZONE built from the zone
// database.
//
// Each item is one recurring event: DTSTART is its first due date in the
// range at the time its anchor gives on a day without measurements (the
// profile's wake time or bedtime, or the fixed clock, plus the offset),
// and an RRULE repeats it as its schedule does (an rrule schedule, or an
// anchor and offset that cross midnight on a weekly or monthly schedule,
// list their dates as RDATEs instead). Within the range, exceptions make
// the feed say what the timeline says: a skipped occurrence is an EXDATE,
// and an occurrence whose start differs from the planned one (a measured
// wake time or bedtime, a postponement, a wall clock in a DST gap or
// overlap, which calendar programs resolve in different ways) is an
// override (RECURRENCE-ID) with its start as a UTC instant. Items not due
// in the range are left out.
func ICS(tr lifeops.TimelineRange, u lifeops.User, now time.Time) ([]byte, error) {
	loc, err := lifeops.LoadZone(tr.Timezone)
	if err != nil {
		return nil, err
	}
	w := &icsWriter{}
	w.line("BEGIN:VCALENDAR")
	w.line("VERSION:2.0")
	w.line("PRODID:-//LifeOps//Timeline//EN")
	w.line("CALSCALE:GREGORIAN")
	w.line("METHOD:PUBLISH")
	w.prop("X-WR-CALNAME", "LifeOps: "+u.Name)
	w.line("X-WR-TIMEZONE:" + tr.Timezone)
	writeTimezone(w, loc, tr.From.AddDays(-400), tr.To.AddDays(3*366))

	// Each occurrence of the range as the timeline gives it, by item and
	// scheduled date: an entry moved into another day wins over the one
	// left behind.
	entries := map[occKey]timeline.Entry{}
	for _, f := range tr.Days {
		for _, e := range f.Entries {
			if e.CarriedOver {
				continue
			}
			k := occKey{e.ItemID, e.Date, e.Slot}
			if old, ok := entries[k]; ok && !old.PostponedFrom.IsZero() {
				continue
			}
			entries[k] = e
		}
	}
	stamp := now.UTC().Format("20060102T150405Z")
	for _, it := range tr.Items {
		if len(it.Due) == 0 {
			continue
		}
		for slot, clock := range slotClocks(it.Item, u) {
			writeSeries(w, tr, loc, it, slot, clock, entries, stamp)
		}
	}
	w.line("END:VCALENDAR")
	return w.buf.Bytes(), nil
}

// occKey names an occurrence: its item, scheduled date and slot.
type occKey struct {
	item uuid.UUID
	date civil.Date
	slot int
}

// slotClocks returns the wall clock of each of an item's daily
// occurrences, and how many days after the scheduled date each falls.
func slotClocks(it lifeops.Item, u lifeops.User) []slotClock {
	if len(it.Anchor.Times) > 0 {
		out := make([]slotClock, len(it.Anchor.Times))
		for i, c := range it.Anchor.Times {
			one := it
			one.Anchor.Times, one.Anchor.Time = nil, c
			out[i].clock, out[i].shift = nominal(one, u)
		}
		return out
	}
	c, shift := nominal(it, u)
	return []slotClock{{c, shift}}
}

type slotClock struct {
	clock civil.Clock
	shift int
}

// writeSeries writes the recurring event of one slot of an item, and its
// overrides.
func writeSeries(w *icsWriter, tr lifeops.TimelineRange, loc *time.Location, it lifeops.RangeItem, slot int, sc slotClock, entries map[occKey]timeline.Entry, stamp string) {
	clock, shift := sc.clock, sc.shift
	local := func(d civil.Date) string { return icsLocal(d.AddDays(shift), clock) }
	uid := "item-" + it.ID.String() + "@lifeops"
	if len(it.Anchor.Times) > 0 {
		uid = "item-" + it.ID.String() + "-" + strconv.Itoa(slot) + "@lifeops"
	}
	dur := "PT" + strconv.Itoa(it.DurationMinutes) + "M"
	first := it.Due[0]
	w.line("BEGIN:VEVENT")
	w.line("UID:" + uid)
	w.line("DTSTAMP:" + stamp)
	w.line("DTSTART;TZID=" + tr.Timezone + ":" + local(first))
	w.line("DURATION:" + dur)
	w.prop("SUMMARY", it.Title)
	w.prop("CATEGORIES", string(it.Kind))
	rule, ok := rrule(it.Item, shift, loc, clock)
	switch {
	case it.Schedule.Type == timeline.ScheduleOnce && len(it.Due) == 1:
	case ok:
		w.line("RRULE:" + rule)
	default:
		// Every date, the first too: the recurrence set holds DTSTART
		// once however often it is named, and some readers leave it
		// out of a set of RDATEs.
		for _, d := range it.Due {
			w.line("RDATE;TZID=" + tr.Timezone + ":" + local(d))
		}
	}
	var overrides []timeline.Entry
	var planned []civil.Date
	for _, d := range it.Due {
		e, ok := entries[occKey{it.ID, d, slot}]
		switch {
		case !ok || e.Status == timeline.StatusSkipped:
			w.line("EXDATE;TZID=" + tr.Timezone + ":" + local(d))
		default:
			res := timeline.ResolveDetail(d.AddDays(shift), clock, loc)
			if res.Kind != timeline.WallNormal || !res.Time.Equal(e.Start) {
				overrides = append(overrides, e)
				planned = append(planned, d)
			}
		}
	}
	w.line("END:VEVENT")
	for i, e := range overrides {
		w.line("BEGIN:VEVENT")
		w.line("UID:" + uid)
		w.line("DTSTAMP:" + stamp)
		w.line("RECURRENCE-ID;TZID=" + tr.Timezone + ":" + local(planned[i]))
		w.line("DTSTART:" + e.Start.UTC().Format("20060102T150405Z"))
		w.line("DURATION:" + dur)
		w.prop("SUMMARY", it.Title)
		w.prop("CATEGORIES", string(it.Kind))
		w.line("X-LIFEOPS-STATUS:" + string(e.Status))
		w.line("END:VEVENT")
	}
}

// nominal returns the wall clock an item starts at on a day without
// measurements, and how many days after its scheduled date that clock
// falls (the anchor plus the offset may cross midnight).
func nominal(it lifeops.Item, u lifeops.User) (civil.Clock, int) {
	base := it.Anchor.Time
	switch it.Anchor.Type {
	case timeline.AnchorWake:
		base = u.WakeTime
	case timeline.AnchorBedtime:
		base = u.Bedtime
	}
	m := base.Minutes() + it.OffsetMinutes
	shift := 0
	for m < 0 {
		m += 24 * 60
		shift--
	}
	for m >= 24*60 {
		m -= 24 * 60
		shift++
	}
	return civil.ClockFromMinutes(m), shift
}

var icsDays = [...]string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}

// rrule returns the RRULE of an item's schedule, when one says exactly
// what the schedule says for dates moved by shift days.
func rrule(it lifeops.Item, shift int, loc *time.Location, clock civil.Clock) (string, bool) {
	s := it.Schedule
	if len(s.ExceptDates) > 0 || len(s.ExtraDates) > 0 {
		return "", false // listed date by date
	}
	interval := ""
	if s.Interval > 1 {
		interval = ";INTERVAL=" + strconv.Itoa(s.Interval)
	}
	var rule string
	switch {
	case s.Type == timeline.ScheduleDaily:
		rule = "FREQ=DAILY"
	case s.Type == timeline.ScheduleEveryNDays:
		rule = "FREQ=DAILY" + interval
	case shift != 0:
		return "", false
	case s.Type == timeline.ScheduleWeekdays:
		rule = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
	case s.Type == timeline.ScheduleWeekly:
		days := make([]string, len(s.Days))
		for i, d := range s.Days {
			days[i] = icsDays[d]
		}
		rule = "FREQ=WEEKLY" + interval + ";BYDAY=" + strings.Join(days, ",") + ";WKST=" + icsDays[s.WeekStart.Weekday()]
	case s.Type == timeline.ScheduleMonthly && s.DayOfMonth != 0:
		rule = "FREQ=MONTHLY" + interval + ";BYMONTHDAY=" + strconv.Itoa(s.DayOfMonth)
	case s.Type == timeline.ScheduleMonthly:
		rule = "FREQ=MONTHLY" + interval + ";BYDAY=" + strconv.Itoa(s.Week) + icsDays[s.Weekday]
	case s.Type == timeline.ScheduleYearly && s.DayOfMonth != 0:
		rule = "FREQ=YEARLY" + interval + ";BYMONTH=" + strconv.Itoa(int(s.Month)) + ";BYMONTHDAY=" + strconv.Itoa(s.DayOfMonth)
	case s.Type == timeline.ScheduleYearly:
		rule = "FREQ=YEARLY" + interval + ";BYMONTH=" + strconv.Itoa(int(s.Month)) + ";BYDAY=" + strconv.Itoa(s.Week) + icsDays[s.Weekday]
	default:
		return "", false
	}
	if !it.ActiveUntil.IsZero() {
		until := timeline.Resolve(it.ActiveUntil.AddDays(shift), clock, loc)
		rule += ";UNTIL=" + until.UTC().Format("20060102T150405Z")
	}
	return rule, true
}

func icsLocal(d civil.Date, c civil.Clock) string {
	return fmt.Sprintf("%04d%02d%02dT%02d%02d00", d.Year, int(d.Month), d.Day, c.Hour, c.Minute)
}

// writeTimezone writes a VTIMEZONE for loc with every offset change
// between from and to.
func writeTimezone(w *icsWriter, loc *time.Location, from, to civil.Date) {
	start := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, time.UTC)
	end := time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, time.UTC)
	w.line("BEGIN:VTIMEZONE")
	w.line("TZID:" + loc.String())
	name, off := start.In(loc).Zone()
	comp := func(at time.Time, fromOff, toOff int, name string, dst bool) {
		kind := "STANDARD"
		if dst {
			kind = "DAYLIGHT"
		}
		w.line("BEGIN:" + kind)
		w.line("DTSTART:" + at.UTC().Add(time.Duration(fromOff)*time.Second).Format("20060102T150405"))
		w.line("TZOFFSETFROM:" + icsOffset(fromOff))
		w.line("TZOFFSETTO:" + icsOffset(toOff))
		if name != "" && !strings.ContainsAny(name, "+-") {
			w.line("TZNAME:" + name)
		}
		w.line("END:" + kind)
	}
	comp(start, off, off, name, start.In(loc).IsDST())
	prev := off
	for t := start; t.Before(end); {
		next := t.Add(6 * time.Hour)
		if _, o := next.In(loc).Zone(); o != prev {
			lo, hi := t, next // the change lies in (lo, hi]
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, o := mid.In(loc).Zone(); o == prev {
					lo = mid
				} else {
					hi = mid
				}
			}
			n, o := hi.In(loc).Zone()
			comp(hi, prev, o, n, hi.In(loc).IsDST())
			prev = o
		}
		t = next
	}
	w.line("END:VTIMEZONE")
}

func icsOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// icsWriter writes content lines folded at 75 octets, with CRLF.
type icsWriter struct{ buf bytes.Buffer }

func (w *icsWriter) line(s string) {
	limit := 75 // octets; a continuation line's leading space counts
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.buf.WriteString(s[:cut])
		w.buf.WriteString("\r\n ")
		s = s[cut:]
		limit = 74
	}
	w.buf.WriteString(s)
	w.buf.WriteString("\r\n")
}

// prop writes a text property, escaped.
func (w *icsWriter) prop(name, text string) {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	w.line(name + ":" + r.Replace(text))
}
