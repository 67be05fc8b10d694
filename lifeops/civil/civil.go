// Package civil holds the calendar values every LifeOps package shares: a
// [Date] on the proleptic Gregorian calendar with no zone attached, and a
// [Clock], a wall-clock time of day to the minute.
//
// A civil date is what a person means by "Tuesday the 10th": it is not an
// instant and it does not move when the person crosses a time zone. LifeOps
// keys every day-level record (health days, scores, streak days, timeline
// occurrences) by a Date and does all day arithmetic on it, never by adding
// 24 hours to an instant. Turning a date and a clock into an instant in a
// particular zone is the timeline package's resolver.
//
// The package imports only the standard library so that the pure packages
// (score, timeline) and every adapter can share it.
package civil

import (
	"errors"
	"fmt"
	"time"
)

// ErrInvalid is wrapped by every parse and validation error of this package.
var ErrInvalid = errors.New("civil: invalid value")

// Date is a calendar date with no time of day and no zone. The zero value is
// not a valid date; [Date.IsZero] reports it. Dates compare with ==, and
// order with [Date.Compare], [Date.Before] and [Date.After].
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// D returns the date y-m-d. It does not normalise: D(2026, 2, 30) is invalid
// (see [Date.IsValid]). Use [FromDays] or [Date.AddDays] to step across months.
func D(y int, m time.Month, d int) Date { return Date{Year: y, Month: m, Day: d} }

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{Year: y, Month: m, Day: d}
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// IsValid reports whether d names a real day between 0001-01-01 and
// 9999-12-31, the range that the YYYY-MM-DD text form can carry.
func (d Date) IsValid() bool {
	return d.Year >= 1 && d.Year <= 9999 &&
		d.Month >= time.January && d.Month <= time.December &&
		d.Day >= 1 && d.Day <= DaysIn(d.Year, d.Month)
}

// DaysIn returns the number of days in month m of year y (28 to 31).
func DaysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if IsLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	default:
		return 31
	}
}

// IsLeap reports whether y is a leap year on the Gregorian calendar.
func IsLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// Days returns the number of days from 1970-01-01 to d (negative before it).
// It is the day number all date arithmetic in LifeOps is built on: O(1),
// exact, and free of DST.
func (d Date) Days() int {
	// Howard Hinnant's days_from_civil, on a year that starts in March.
	y := d.Year
	m := int(d.Month)
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d.Day - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// FromDays returns the date n days after 1970-01-01; it is the inverse of
// [Date.Days].
func FromDays(n int) Date {
	z := n + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return Date{Year: y, Month: time.Month(m), Day: day}
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// AddDays returns the date n days after d (before it when n is negative).
func (d Date) AddDays(n int) Date { return FromDays(d.Days() + n) }

// Sub returns the number of days from o to d: d.Sub(o) == d.Days()-o.Days().
func (d Date) Sub(o Date) int { return d.Days() - o.Days() }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	// 1970-01-01 was a Thursday.
	return time.Weekday(floorMod(d.Days()+4, 7))
}

func floorMod(a, b int) int {
	m := a % b
	if m < 0 {
		m += b
	}
	return m
}

// Compare returns -1 when d is before o, +1 when it is after, and 0 when they
// are the same date.
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmpInt(d.Year, o.Year)
	case d.Month != o.Month:
		return cmpInt(int(d.Month), int(o.Month))
	default:
		return cmpInt(d.Day, o.Day)
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	default:
		return 0
	}
}

// Before reports whether d is before o.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }

// After reports whether d is after o.
func (d Date) After(o Date) bool { return d.Compare(o) > 0 }

// String returns d as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// ParseDate parses a date written as YYYY-MM-DD (four-digit year, two-digit
// month and day) and rejects dates that do not exist, such as 2026-02-29.
// The error wraps [ErrInvalid].
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, fmt.Errorf("%w: date %q: want YYYY-MM-DD", ErrInvalid, s)
	}
	y, ok1 := digits(s[0:4])
	m, ok2 := digits(s[5:7])
	dd, ok3 := digits(s[8:10])
	if !ok1 || !ok2 || !ok3 {
		return Date{}, fmt.Errorf("%w: date %q: want YYYY-MM-DD", ErrInvalid, s)
	}
	d := Date{Year: y, Month: time.Month(m), Day: dd}
	if !d.IsValid() {
		return Date{}, fmt.Errorf("%w: date %q does not exist", ErrInvalid, s)
	}
	return d, nil
}

// MustParseDate is like [ParseDate] but panics on a malformed date. It is for
// literals in tests and examples.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func digits(s string) (int, bool) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// MarshalText encodes d as YYYY-MM-DD. The zero Date encodes as an empty
// string; any other invalid date is an error.
func (d Date) MarshalText() ([]byte, error) {
	if d.IsZero() {
		return []byte{}, nil
	}
	if !d.IsValid() {
		return nil, fmt.Errorf("%w: date %04d-%02d-%02d does not exist", ErrInvalid, d.Year, int(d.Month), d.Day)
	}
	return []byte(d.String()), nil
}

// UnmarshalText decodes YYYY-MM-DD; an empty string decodes as the zero Date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Clock is a wall-clock time of day to the minute, 00:00 to 23:59, with no
// date and no zone: "07:30" as a person would write it.
type Clock struct {
	Hour   int
	Minute int
}

// ClockOf returns the wall clock of t in t's own location, seconds dropped.
func ClockOf(t time.Time) Clock { return Clock{Hour: t.Hour(), Minute: t.Minute()} }

// IsValid reports whether c is between 00:00 and 23:59.
func (c Clock) IsValid() bool {
	return c.Hour >= 0 && c.Hour <= 23 && c.Minute >= 0 && c.Minute <= 59
}

// Minutes returns the minutes from midnight to c on the wall clock.
func (c Clock) Minutes() int { return c.Hour*60 + c.Minute }

// ClockFromMinutes returns the clock m minutes after midnight, wrapping
// around the 24-hour dial in either direction.
func ClockFromMinutes(m int) Clock {
	m = floorMod(m, 24*60)
	return Clock{Hour: m / 60, Minute: m % 60}
}

// String returns c as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// ParseClock parses a time of day written as HH:MM (24-hour clock). The error
// wraps [ErrInvalid].
func ParseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' {
		return Clock{}, fmt.Errorf("%w: time of day %q: want HH:MM", ErrInvalid, s)
	}
	h, ok1 := digits(s[0:2])
	m, ok2 := digits(s[3:5])
	c := Clock{Hour: h, Minute: m}
	if !ok1 || !ok2 || !c.IsValid() {
		return Clock{}, fmt.Errorf("%w: time of day %q: want HH:MM between 00:00 and 23:59", ErrInvalid, s)
	}
	return c, nil
}

// MustParseClock is like [ParseClock] but panics on a malformed clock. It is
// for literals in tests and examples.
func MustParseClock(s string) Clock {
	c, err := ParseClock(s)
	if err != nil {
		panic(err)
	}
	return c
}

// MarshalText encodes c as HH:MM.
func (c Clock) MarshalText() ([]byte, error) {
	if !c.IsValid() {
		return nil, fmt.Errorf("%w: time of day %02d:%02d", ErrInvalid, c.Hour, c.Minute)
	}
	return []byte(c.String()), nil
}

// UnmarshalText decodes HH:MM.
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}
