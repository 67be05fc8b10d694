package workstats

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// Calendar is how a person's days are laid on the time line: their zone,
// the history of their zone changes, and the hour their day starts. A work
// day D runs from DayStartHour:00 on D to DayStartHour:00 on D+1 in the zone
// in force, so it may last 23 or 25 hours, and with a day start of 4 a
// meeting at 01:00 belongs to the evening before.
//
// Across a zone change each instant belongs to the day of the zone in force
// at that instant: a date that a flight east jumps over gets nothing, and a
// date lived twice after a flight west gets the work of both passes.
type Calendar struct {
	Zone         string               `json:"timezone"`               // the IANA zone in force now (after the last change)
	DayStartHour int                  `json:"day_start_hour"`         // 0–23
	ZoneChanges  []lifeops.ZoneChange `json:"zone_changes,omitempty"` // any order
}

// CalendarOf returns the calendar of u with its zone history.
func CalendarOf(u lifeops.User, changes []lifeops.ZoneChange) Calendar {
	return Calendar{Zone: u.Zone, DayStartHour: u.DayStartHour, ZoneChanges: changes}
}

// Validate checks the zone names and the day-start hour; the errors match
// lifeops.ErrInvalid.
func (c Calendar) Validate() error {
	_, err := c.zones()
	return err
}

// ZonePeriod is a stretch of time with one zone: [From, To), either end
// open when zero.
type ZonePeriod struct {
	From, To time.Time
	Loc      *time.Location
}

// Periods returns the stretches of time with one zone each, ordered by
// time: [From, To), the first with a zero From and the last with a zero To.
// Adapters lay days on them.
func (c Calendar) Periods() ([]ZonePeriod, error) { return c.zones() }

// zones returns the periods of the calendar's zones, ordered by time.
func (c Calendar) zones() ([]ZonePeriod, error) {
	if c.DayStartHour < 0 || c.DayStartHour > 23 {
		return nil, invalidf("day_start_hour", "must be between 0 and 23, got %d", c.DayStartHour)
	}
	now, err := lifeops.LoadZone(c.Zone)
	if err != nil {
		return nil, err
	}
	changes := slices.Clone(c.ZoneChanges)
	slices.SortFunc(changes, func(a, b lifeops.ZoneChange) int { return a.At.Compare(b.At) })
	var out []ZonePeriod
	var from time.Time
	for i, ch := range changes {
		loc, err := lifeops.LoadZone(ch.From)
		if err != nil {
			return nil, invalidf(fmt.Sprintf("zone_changes[%d].from", i), "unknown time zone %q", ch.From)
		}
		if _, err := lifeops.LoadZone(ch.To); err != nil {
			return nil, invalidf(fmt.Sprintf("zone_changes[%d].to", i), "unknown time zone %q", ch.To)
		}
		if ch.At.IsZero() {
			return nil, invalidf(fmt.Sprintf("zone_changes[%d].at", i), "is required")
		}
		if ch.At.Equal(from) && i > 0 {
			continue // two changes at one instant: the later in the list wins below
		}
		out = append(out, ZonePeriod{From: from, To: ch.At, Loc: loc})
		from = ch.At
	}
	return append(out, ZonePeriod{From: from, Loc: now}), nil
}

// Shift is one stretch of working time on a weekday, in the person's zone.
// An End at or before Start ends on the next date (a night shift 22:00 to
// 06:00); End 00:00 means midnight at the end of the day.
type Shift struct {
	Start civil.Clock `json:"start"`
	End   civil.Clock `json:"end"`
}

// WorkingHours are when a person works, by weekday. Time worked outside
// them is after-hours work; breaks are counted inside them. A weekday with
// no shifts is a day off.
type WorkingHours struct {
	Monday    []Shift `json:"monday,omitempty"`
	Tuesday   []Shift `json:"tuesday,omitempty"`
	Wednesday []Shift `json:"wednesday,omitempty"`
	Thursday  []Shift `json:"thursday,omitempty"`
	Friday    []Shift `json:"friday,omitempty"`
	Saturday  []Shift `json:"saturday,omitempty"`
	Sunday    []Shift `json:"sunday,omitempty"`
}

// MaxShifts is the most shifts a weekday may have.
const MaxShifts = 8

// DefaultWorkingHours returns Monday to Friday, 09:00 to 17:00.
func DefaultWorkingHours() WorkingHours {
	day := func() []Shift { return []Shift{{Start: civil.Clock{Hour: 9}, End: civil.Clock{Hour: 17}}} }
	return WorkingHours{Monday: day(), Tuesday: day(), Wednesday: day(), Thursday: day(), Friday: day()}
}

// On returns the shifts of weekday d.
func (h WorkingHours) On(d time.Weekday) []Shift {
	return [...][]Shift{h.Sunday, h.Monday, h.Tuesday, h.Wednesday, h.Thursday, h.Friday, h.Saturday}[d]
}

// IsZero reports whether no weekday has a shift.
func (h WorkingHours) IsZero() bool {
	for d := time.Sunday; d <= time.Saturday; d++ {
		if len(h.On(d)) > 0 {
			return false
		}
	}
	return true
}

// Validate checks every shift: real clocks, a start different from the end,
// at most MaxShifts a day. Shifts may overlap; their union counts. The
// errors match lifeops.ErrInvalid, one per bad field, joined.
func (h WorkingHours) Validate() error {
	var errs []error
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}[d]
		shifts := h.On(d)
		if len(shifts) > MaxShifts {
			errs = append(errs, invalidf("working_hours."+name, "has %d shifts; at most %d", len(shifts), MaxShifts))
		}
		for i, s := range shifts {
			field := fmt.Sprintf("working_hours.%s[%d]", name, i)
			switch {
			case !s.Start.IsValid() || !s.End.IsValid():
				errs = append(errs, invalidf(field, "start and end must be times of day between 00:00 and 23:59"))
			case s.Start == s.End:
				errs = append(errs, invalidf(field, "start and end are both %s; a shift must last", s.Start))
			}
		}
	}
	return joinErrs(errs)
}

func joinErrs(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}
