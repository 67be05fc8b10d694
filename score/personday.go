package score

import (
	"fmt"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// PersonDay returns the person's own day that the instant t belongs to: the
// calendar date of t's wall clock in loc, moved back one day when the wall
// clock hour is before dayStartHour. With a day start of 4, 00:30 on Tuesday
// belongs to Monday, and 04:00 on Tuesday starts Tuesday.
//
// The rule reads the wall clock, never adds hours to an instant, so it is
// exact across DST changes: on the night a clock jumps from 02:00 to 03:00,
// a day start of 2 begins the new day at 03:00; on the night it falls back,
// both passes through the repeated hour belong to the same day.
//
// dayStartHour must be 0–23 (field "day_start_hour"), loc must not be nil
// (field "timezone"), and the day must fall in the years 1 to 9999 (field
// "time"); the error matches [ErrInvalid].
func PersonDay(t time.Time, loc *time.Location, dayStartHour int) (civil.Date, error) {
	if err := checkDayStart(loc, dayStartHour); err != nil {
		return civil.Date{}, err
	}
	d := personDay(t, loc, dayStartHour)
	if !d.IsValid() {
		return civil.Date{}, &ValidationError{Field: "time", Message: fmt.Sprintf("%s falls outside the years 1 to 9999", t.UTC().Format(time.RFC3339))}
	}
	return d, nil
}

func personDay(t time.Time, loc *time.Location, dayStartHour int) civil.Date {
	lt := t.In(loc)
	d := civil.DateOf(lt)
	if lt.Hour() < dayStartHour {
		d = d.AddDays(-1)
	}
	return d
}

func checkDayStart(loc *time.Location, dayStartHour int) error {
	var p problems
	if loc == nil {
		p.add("timezone", "must name a time zone (a nil *time.Location was given)")
	}
	if dayStartHour < 0 || dayStartHour > 23 {
		p.add("day_start_hour", "must be an hour from 0 to 23, got %d", dayStartHour)
	}
	return p.err()
}

// DayStart returns the first instant of the person's day d: the first moment
// whose wall clock in loc reads dayStartHour:00 or later on date d. When that
// wall time does not exist because a DST jump skips it, the day starts at the
// instant of the jump. The day ends where DayStart of d.AddDays(1) begins, so
// a person's day may last 23, 24 or 25 hours.
//
// The errors are those of [PersonDay], plus field "date" for an invalid date.
func DayStart(d civil.Date, loc *time.Location, dayStartHour int) (time.Time, error) {
	if err := checkDayStart(loc, dayStartHour); err != nil {
		return time.Time{}, err
	}
	if !d.IsValid() {
		return time.Time{}, &ValidationError{Field: "date", Message: fmt.Sprintf("%04d-%02d-%02d is not a calendar date", d.Year, int(d.Month), d.Day)}
	}
	// Binary search, to the second, for the first instant whose person's day
	// is d or later. Zone offsets and transitions fall on whole seconds.
	guess := time.Date(d.Year, d.Month, d.Day, dayStartHour, 0, 0, 0, loc).Unix()
	lo, hi := guess-36*3600, guess+36*3600
	for lo < hi {
		mid := lo + (hi-lo)/2
		if personDay(time.Unix(mid, 0), loc, dayStartHour).Compare(d) >= 0 {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return time.Unix(lo, 0).In(loc), nil
}
