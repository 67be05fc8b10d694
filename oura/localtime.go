package oura

import (
	"fmt"
	"strconv"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// LocalDateTime is a wall-clock date and time as tags carry it:
// "2024-01-12T21:30:00", with no offset, so it is not an instant until a
// zone is chosen with [LocalDateTime.In]. When Oura does send an offset it is
// kept in Offset.
type LocalDateTime struct {
	Date                       civil.Date
	Hour, Minute, Second, Nano int
	// Offset is the offset Oura sent, in seconds east of UTC, or nil (the
	// usual case) when it sent none.
	Offset *int
}

// In returns the instant the wall clock names in loc, or in its own offset
// when it carries one. A wall clock that loc skips (a DST gap) is read with
// the offset before the change, landing as far past the gap as it was into
// it (02:30 becomes 03:30); a wall clock that occurs twice (a DST overlap)
// is the earlier of the two instants.
func (t LocalDateTime) In(loc *time.Location) time.Time {
	if t.Offset != nil {
		loc = time.FixedZone("", *t.Offset)
	}
	wall := time.Date(t.Date.Year, t.Date.Month, t.Date.Day, t.Hour, t.Minute, t.Second, t.Nano, time.UTC)
	_, before := wall.Add(-36 * time.Hour).In(loc).Zone()
	_, after := wall.Add(36 * time.Hour).In(loc).Zone()
	early := wall.Add(-time.Duration(before) * time.Second).In(loc)
	late := wall.Add(-time.Duration(after) * time.Second).In(loc)
	same := func(u time.Time) bool {
		y, m, d := u.Date()
		return y == t.Date.Year && m == t.Date.Month && d == t.Date.Day && u.Hour() == t.Hour && u.Minute() == t.Minute && u.Second() == t.Second
	}
	switch {
	case same(early) && same(late):
		if late.Before(early) {
			return late
		}
		return early
	case same(late):
		return late
	default:
		return early
	}
}

// IsZero reports whether t is the zero value.
func (t LocalDateTime) IsZero() bool {
	return t.Date.IsZero() && t.Hour == 0 && t.Minute == 0 && t.Second == 0 && t.Nano == 0 && t.Offset == nil
}

// String returns t as YYYY-MM-DDTHH:MM:SS, with fractional seconds and the
// offset when present.
func (t LocalDateTime) String() string {
	s := fmt.Sprintf("%sT%02d:%02d:%02d", t.Date, t.Hour, t.Minute, t.Second)
	if t.Nano != 0 {
		frac := strconv.FormatFloat(float64(t.Nano)/1e9, 'f', -1, 64)
		s += frac[1:]
	}
	if t.Offset != nil {
		s += formatOffset(*t.Offset)
	}
	return s
}

func formatOffset(off int) string {
	if off == 0 {
		return "Z"
	}
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d:%02d", sign, off/3600, off/60%60)
}

// MarshalText encodes t as [LocalDateTime.String] does; the zero value
// encodes as an empty string.
func (t LocalDateTime) MarshalText() ([]byte, error) {
	if t.IsZero() {
		return []byte{}, nil
	}
	if !t.Date.IsValid() {
		return nil, fmt.Errorf("oura: local date-time with invalid date %04d-%02d-%02d", t.Date.Year, int(t.Date.Month), t.Date.Day)
	}
	return []byte(t.String()), nil
}

// UnmarshalText decodes YYYY-MM-DDTHH:MM[:SS[.fraction]][Z|±HH:MM]; an
// empty string decodes as the zero value.
func (t *LocalDateTime) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*t = LocalDateTime{}
		return nil
	}
	v, err := ParseLocalDateTime(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// ParseLocalDateTime parses YYYY-MM-DDTHH:MM[:SS[.fraction]] with an optional
// Z or ±HH:MM offset; a space may stand for the T.
func ParseLocalDateTime(s string) (LocalDateTime, error) {
	bad := func(why string) (LocalDateTime, error) {
		return LocalDateTime{}, fmt.Errorf("oura: local date-time %q: %s", s, why)
	}
	if len(s) < 16 || (s[10] != 'T' && s[10] != ' ') {
		return bad("want YYYY-MM-DDTHH:MM:SS")
	}
	d, err := civil.ParseDate(s[:10])
	if err != nil {
		return bad("bad date")
	}
	t := LocalDateTime{Date: d}
	rest := s[11:]
	num := func(p string) (int, bool) {
		if len(p) != 2 || p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9' {
			return 0, false
		}
		return int(p[0]-'0')*10 + int(p[1]-'0'), true
	}
	var ok bool
	if t.Hour, ok = num(rest[0:2]); !ok || rest[2] != ':' || t.Hour > 23 {
		return bad("bad hour")
	}
	if t.Minute, ok = num(rest[3:5]); !ok || t.Minute > 59 {
		return bad("bad minute")
	}
	rest = rest[5:]
	if len(rest) >= 3 && rest[0] == ':' {
		if t.Second, ok = num(rest[1:3]); !ok || t.Second > 60 {
			return bad("bad second")
		}
		if t.Second == 60 {
			t.Second = 59 // a leap second; time.Date would roll over
		}
		rest = rest[3:]
		if len(rest) > 0 && rest[0] == '.' {
			i := 1
			for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
				i++
			}
			if i == 1 || i > 10 {
				return bad("bad fraction")
			}
			frac := rest[1:i]
			n, _ := strconv.Atoi(frac)
			for range 9 - len(frac) {
				n *= 10
			}
			t.Nano = n
			rest = rest[i:]
		}
	}
	switch {
	case rest == "":
	case rest == "Z":
		z := 0
		t.Offset = &z
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		h, ok1 := num(rest[1:3])
		m, ok2 := num(rest[4:6])
		if !ok1 || !ok2 || h > 23 || m > 59 {
			return bad("bad offset")
		}
		off := h*3600 + m*60
		if rest[0] == '-' {
			off = -off
		}
		t.Offset = &off
	default:
		return bad("trailing characters")
	}
	return t, nil
}
