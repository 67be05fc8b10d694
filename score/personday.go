package score

import (
	"fmt"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// PersonDay returns the person's own day that the instant t belongs to: the
// calendar date of t's wall clock in loc, or, when the wall clock hour is
// before dayStartHour, the evening before: the date before it. With a day
// start of 4, 00:30 on Tuesday belongs to Monday, and 04:00 on Tuesday
// starts Tuesday. Where a zone skipped a date whole (Pacific/Apia,
// 2011-12-30), the evening before is the last date that happened, so
// PersonDay never returns a skipped date.
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
		return civil.Date{}, &ValidationError{Field: "time", Reason: fmt.Sprintf("%s falls outside the years 1 to 9999", t.UTC().Format(time.RFC3339))}
	}
	return d, nil
}

func personDay(t time.Time, loc *time.Location, dayStartHour int) civil.Date {
	lt := t.In(loc)
	if lt.Hour() < dayStartHour {
		return dateBefore(lt, loc)
	}
	return civil.DateOf(lt)
}

// dateBefore returns the calendar date that was current in loc just before
// the date of lt began: the day before, unless the zone skipped that day
// whole (Pacific/Apia went from 2011-12-29 to 2011-12-31), in which case it
// is the last date that happened.
func dateBefore(lt time.Time, loc *time.Location) civil.Date {
	d := civil.DateOf(lt)
	prev := d.AddDays(-1)
	if civil.DateOf(time.Date(prev.Year, prev.Month, prev.Day, 12, 0, 0, 0, loc)) == prev {
		return prev // the day before happened: its noon, or a wall clock near it, exists
	}
	// Search, to the second, for the first instant of d; the date just
	// before it is the one sought. d began less than a day before lt.
	lo, hi := lt.Unix()-48*3600, lt.Unix()
	for lo < hi {
		mid := lo + (hi-lo)/2
		if civil.DateOf(time.Unix(mid, 0).In(loc)).Compare(d) >= 0 {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return civil.DateOf(time.Unix(lo-1, 0).In(loc))
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
// a person's day may last 23, 24 or 25 hours, and a date the zone skipped
// is an empty day that starts where the next one does.
//
// The errors are those of [PersonDay], plus field "date" for an invalid date.
func DayStart(d civil.Date, loc *time.Location, dayStartHour int) (time.Time, error) {
	if err := checkDayStart(loc, dayStartHour); err != nil {
		return time.Time{}, err
	}
	if !d.IsValid() {
		return time.Time{}, &ValidationError{Field: "date", Reason: fmt.Sprintf("%04d-%02d-%02d is not a calendar date", d.Year, int(d.Month), d.Day)}
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
