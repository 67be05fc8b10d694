package icaltest

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// Self is the address of the person whose calendar the generated feeds
// are: the events they declined name it with PARTSTAT=DECLINED.
const Self = "ada@example.com"

// Workweeks writes a realistic work calendar of days days from start in
// zone (an IANA name), the same for the same seed: a daily stand-up on
// weekdays (with a holiday taken out by EXDATE, one instance moved and one
// cancelled by overrides), a weekly one-to-one, a monthly review, and
// one-off meetings on most weekdays, some overlapping, some declined,
// tentative, free, cancelled, all-day or running past midnight. Lines are
// folded at 75 octets with CRLF, as RFC 5545 asks.
func Workweeks(seed uint64, start civil.Date, days int, zone string) []byte {
	rng := rand.New(rand.NewPCG(seed, seed^0x5eed))
	var b feedWriter
	b.line("BEGIN:VCALENDAR")
	b.line("VERSION:2.0")
	b.line("PRODID:-//LifeOps//icaltest//EN")
	stamp := "20240101T000000Z"
	ts := func(d civil.Date, h, m int) string {
		return fmt.Sprintf("%04d%02d%02dT%02d%02d00", d.Year, d.Month, d.Day, h, m)
	}
	tz := ";TZID=" + zone
	// The stand-up: weekdays 09:30–09:45.
	b.line("BEGIN:VEVENT")
	b.line("UID:standup-" + fmt.Sprint(seed) + "@icaltest")
	b.line("DTSTAMP:" + stamp)
	b.line("DTSTART" + tz + ":" + ts(start, 9, 30))
	b.line("DTEND" + tz + ":" + ts(start, 9, 45))
	b.line("RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR")
	holiday := start.AddDays(days / 3)
	b.line("EXDATE" + tz + ":" + ts(holiday, 9, 30))
	b.line("SUMMARY:Stand-up")
	b.line("ATTENDEE;PARTSTAT=ACCEPTED:mailto:" + Self)
	b.line("ATTENDEE;PARTSTAT=ACCEPTED:mailto:team@example.com")
	b.line("END:VEVENT")
	moved, cancelled := firstWeekday(start.AddDays(2)), firstWeekday(start.AddDays(days/2))
	b.line("BEGIN:VEVENT")
	b.line("UID:standup-" + fmt.Sprint(seed) + "@icaltest")
	b.line("DTSTAMP:" + stamp)
	b.line("RECURRENCE-ID" + tz + ":" + ts(moved, 9, 30))
	b.line("DTSTART" + tz + ":" + ts(moved, 16, 0))
	b.line("DTEND" + tz + ":" + ts(moved, 16, 20))
	b.line("SUMMARY:Stand-up (moved)")
	b.line("END:VEVENT")
	b.line("BEGIN:VEVENT")
	b.line("UID:standup-" + fmt.Sprint(seed) + "@icaltest")
	b.line("DTSTAMP:" + stamp)
	b.line("RECURRENCE-ID" + tz + ":" + ts(cancelled, 9, 30))
	b.line("DTSTART" + tz + ":" + ts(cancelled, 9, 30))
	b.line("DTEND" + tz + ":" + ts(cancelled, 9, 45))
	b.line("STATUS:CANCELLED")
	b.line("SUMMARY:Stand-up")
	b.line("END:VEVENT")
	// A weekly one-to-one and a monthly review, with DURATION.
	b.line("BEGIN:VEVENT")
	b.line("UID:one-to-one-" + fmt.Sprint(seed) + "@icaltest")
	b.line("DTSTAMP:" + stamp)
	b.line("DTSTART" + tz + ":" + ts(firstWeekday(start.AddDays(1)), 14, 0))
	b.line("DURATION:PT30M")
	b.line("RRULE:FREQ=WEEKLY;INTERVAL=1")
	b.line("SUMMARY:One-to-one with a long title that the writer folds over more than one line of the feed")
	b.line("END:VEVENT")
	b.line("BEGIN:VEVENT")
	b.line("UID:review-" + fmt.Sprint(seed) + "@icaltest")
	b.line("DTSTAMP:" + stamp)
	b.line("DTSTART" + tz + ":" + ts(start, 15, 0))
	b.line("DURATION:PT1H30M")
	b.line("RRULE:FREQ=MONTHLY;BYDAY=-1FR")
	b.line("SUMMARY:Monthly review")
	b.line("END:VEVENT")
	// One-off meetings.
	n := 0
	for i := range days {
		d := start.AddDays(i)
		if wd := d.Weekday(); wd == 0 || wd == 6 {
			continue
		}
		for range rng.IntN(4) {
			n++
			h, m := 10+rng.IntN(8), 15*rng.IntN(4)
			mins := []int{15, 30, 45, 60, 90}[rng.IntN(5)]
			end := civil.Clock{Hour: h, Minute: m}.Minutes() + mins
			b.line("BEGIN:VEVENT")
			b.line(fmt.Sprintf("UID:meeting-%d-%d@icaltest", seed, n))
			b.line("DTSTAMP:" + stamp)
			b.line("DTSTART" + tz + ":" + ts(d, h, m))
			b.line("DTEND" + tz + ":" + ts(d, end/60, end%60))
			b.line(fmt.Sprintf("SUMMARY:Meeting %d", n))
			switch rng.IntN(10) {
			case 0:
				b.line("ATTENDEE;PARTSTAT=DECLINED:mailto:" + Self)
			case 1:
				b.line("ATTENDEE;PARTSTAT=TENTATIVE:mailto:" + Self)
			case 2:
				b.line("TRANSP:TRANSPARENT")
			case 3:
				b.line("STATUS:CANCELLED")
			default:
				b.line("ATTENDEE;PARTSTAT=ACCEPTED:mailto:" + Self)
			}
			b.line("ATTENDEE;PARTSTAT=ACCEPTED:mailto:colleague@example.com")
			b.line("END:VEVENT")
		}
		if rng.IntN(7) == 0 {
			n++
			b.line("BEGIN:VEVENT")
			b.line(fmt.Sprintf("UID:allday-%d-%d@icaltest", seed, n))
			b.line("DTSTAMP:" + stamp)
			b.line(fmt.Sprintf("DTSTART;VALUE=DATE:%04d%02d%02d", d.Year, d.Month, d.Day))
			b.line("SUMMARY:Offsite (all day)")
			b.line("END:VEVENT")
		}
		if rng.IntN(9) == 0 {
			n++
			b.line("BEGIN:VEVENT")
			b.line(fmt.Sprintf("UID:late-%d-%d@icaltest", seed, n))
			b.line("DTSTAMP:" + stamp)
			b.line("DTSTART" + tz + ":" + ts(d, 23, 15))
			b.line("DURATION:PT1H30M")
			b.line("SUMMARY:Call with another continent, past midnight")
			b.line("END:VEVENT")
		}
	}
	b.line("END:VCALENDAR")
	return []byte(b.String())
}

// Many writes a feed of n one-hour meetings, one every two hours from
// 08:00 UTC on start, and nothing else: a large feed for limits and
// benchmarks.
func Many(n int, start civil.Date) []byte {
	var b feedWriter
	b.Grow(n * 190)
	b.line("BEGIN:VCALENDAR")
	b.line("VERSION:2.0")
	b.line("PRODID:-//LifeOps//icaltest many//EN")
	for i := range n {
		d := start.AddDays(i / 12)
		h := (i % 12) * 2
		b.line("BEGIN:VEVENT")
		b.line(fmt.Sprintf("UID:many-%d@icaltest", i))
		b.line("DTSTAMP:20240101T000000Z")
		b.line(fmt.Sprintf("DTSTART:%04d%02d%02dT%02d0000Z", d.Year, d.Month, d.Day, h))
		b.line(fmt.Sprintf("DTEND:%04d%02d%02dT%02d0000Z", d.Year, d.Month, d.Day, h+1))
		b.line(fmt.Sprintf("SUMMARY:Meeting %d", i))
		b.line("END:VEVENT")
	}
	b.line("END:VCALENDAR")
	return []byte(b.String())
}

// firstWeekday returns d, or the Monday after it when d falls on a weekend.
func firstWeekday(d civil.Date) civil.Date {
	for d.Weekday() == 0 || d.Weekday() == 6 {
		d = d.AddDays(1)
	}
	return d
}

// feedWriter writes content lines folded at 75 octets.
type feedWriter struct{ strings.Builder }

func (w *feedWriter) line(s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 1 && s[cut]&0xC0 == 0x80 { // never inside a UTF-8 sequence
			cut--
		}
		w.WriteString(s[:cut] + "\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s + "\r\n")
}
