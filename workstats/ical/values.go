package ical

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// wallTime is a DATE or DATE-TIME value as written: a date, seconds into
// the day, and the zone it is read in (nil for a floating time, which is
// read in the person's zone of that date; UTC for a value ending in Z).
type wallTime struct {
	date   civil.Date
	sec    int
	loc    *time.Location
	allDay bool // a DATE value
}

// floatingUnix returns the wall clock as seconds since 1970 as if it were
// UTC.
func (w wallTime) floatingUnix() int64 {
	return int64(w.date.Days())*86400 + int64(w.sec)
}

// clock returns the hours and minutes of w.
func (w wallTime) clock() civil.Clock {
	return civil.Clock{Hour: w.sec / 3600, Minute: w.sec / 60 % 60}
}

// resolve returns the instant of w, reading a floating time in floating.
// Gaps and overlaps follow timeline.Resolve (RFC 5545 section 3.3.5).
func (w wallTime) resolve(floating *time.Location) time.Time {
	loc := w.loc
	if loc == nil {
		loc = floating
	}
	return timeline.Resolve(w.date, w.clock(), loc).Add(time.Duration(w.sec%60) * time.Second)
}

// wallOf returns the wall clock of t in loc.
func wallOf(t time.Time, loc *time.Location) wallTime {
	t = t.In(loc)
	return wallTime{date: civil.DateOf(t), sec: t.Hour()*3600 + t.Minute()*60 + t.Second(), loc: loc}
}

// errValue is wrapped by every error about a value.
var errValue = errors.New("bad value")

// parseWall parses a DATE (YYYYMMDD) or DATE-TIME (YYYYMMDDTHHMMSS with an
// optional Z) value. A DATE-TIME reads in loc unless it ends in Z.
func parseWall(v string, loc *time.Location) (wallTime, error) {
	v = strings.TrimSpace(v)
	bad := func() (wallTime, error) {
		return wallTime{}, fmt.Errorf("%w: %q is not a DATE or DATE-TIME", errValue, clip(v))
	}
	if len(v) < 8 || !digits(v[:8]) {
		return bad()
	}
	y, _ := strconv.Atoi(v[:4])
	m, _ := strconv.Atoi(v[4:6])
	d, _ := strconv.Atoi(v[6:8])
	date := civil.D(y, time.Month(m), d)
	if !date.IsValid() || y < 1 {
		return bad()
	}
	if len(v) == 8 {
		return wallTime{date: date, allDay: true}, nil
	}
	rest := v[8:]
	if (rest[0] != 'T' && rest[0] != 't') || len(rest) < 7 || !digits(rest[1:7]) {
		return bad()
	}
	h, _ := strconv.Atoi(rest[1:3])
	mi, _ := strconv.Atoi(rest[3:5])
	s, _ := strconv.Atoi(rest[5:7])
	if h > 23 || mi > 59 || s > 60 {
		return bad()
	}
	s = min(s, 59) // a leap second
	w := wallTime{date: date, sec: h*3600 + mi*60 + s, loc: loc}
	switch tail := rest[7:]; tail {
	case "":
	case "Z", "z":
		w.loc = time.UTC
	default:
		return bad()
	}
	return w, nil
}

// duration is an iCalendar DURATION: nominal days (a day is a calendar day,
// 23 or 25 hours across DST) plus exact seconds.
type duration struct {
	days int
	secs int
}

// parseDuration parses an RFC 5545 duration such as PT1H30M, P1D, P2W or
// P1DT12H. Negative durations are refused.
func parseDuration(v string) (duration, error) {
	orig := v
	bad := func() (duration, error) {
		return duration{}, fmt.Errorf("%w: %q is not a duration", errValue, clip(orig))
	}
	v = strings.ToUpper(strings.TrimSpace(v))
	if strings.HasPrefix(v, "+") {
		v = v[1:]
	}
	if strings.HasPrefix(v, "-") {
		return duration{}, fmt.Errorf("%w: %q is negative", errValue, clip(orig))
	}
	if !strings.HasPrefix(v, "P") || len(v) < 3 {
		return bad()
	}
	v = v[1:]
	var d duration
	inTime := false
	seen := false
	for v != "" {
		if v[0] == 'T' {
			if inTime {
				return bad()
			}
			inTime, v = true, v[1:]
			continue
		}
		i := 0
		for i < len(v) && v[i] >= '0' && v[i] <= '9' {
			i++
		}
		if i == 0 || i > 7 || i == len(v) {
			return bad()
		}
		n, _ := strconv.Atoi(v[:i])
		unit := v[i]
		v = v[i+1:]
		seen = true
		switch {
		case unit == 'W' && !inTime:
			d.days += 7 * n
		case unit == 'D' && !inTime:
			d.days += n
		case unit == 'H' && inTime:
			d.secs += 3600 * n
		case unit == 'M' && inTime:
			d.secs += 60 * n
		case unit == 'S' && inTime:
			d.secs += n
		default:
			return bad()
		}
	}
	if !seen || d.days > 3660 || d.secs > 3660*86400 {
		return bad()
	}
	return d, nil
}

// after returns the end of a span of d that starts at t, with t's days
// counted on the wall clock of loc.
func (d duration) after(t time.Time, loc *time.Location) time.Time {
	if d.days != 0 {
		w := wallOf(t, loc)
		w.date = w.date.AddDays(d.days)
		t = w.resolve(loc)
	}
	return t.Add(time.Duration(d.secs) * time.Second)
}

// parseOffset parses a UTC offset such as +0100, -0330 or +053730.
func parseOffset(v string) (int, error) {
	v = strings.TrimSpace(v)
	if (len(v) != 5 && len(v) != 7) || (v[0] != '+' && v[0] != '-') || !digits(v[1:]) {
		return 0, fmt.Errorf("%w: %q is not a UTC offset", errValue, clip(v))
	}
	h, _ := strconv.Atoi(v[1:3])
	m, _ := strconv.Atoi(v[3:5])
	s := 0
	if len(v) == 7 {
		s, _ = strconv.Atoi(v[5:7])
	}
	off := h*3600 + m*60 + s
	if v[0] == '-' {
		off = -off
	}
	return off, nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// clip shortens s for an error message.
func clip(s string) string { return clipN(s, 40) }

// clipN shortens s to n bytes and valid UTF-8.
func clipN(s string, n int) string {
	if len(s) > n {
		return strings.ToValidUTF8(s[:n], "") + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
