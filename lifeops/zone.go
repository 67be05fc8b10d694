package lifeops

import (
	"errors"
	"sync"
	"time"

	"github.com/google/uuid"
)

// ZoneChange records that a person's zone changed at an instant, for
// example on landing after a flight: their calendar follows From up to At
// and To from then on. The Service records one whenever a profile update
// sets another zone, and gives the history to every streak, so that a
// flight east that jumps the calendar past a day does not break a streak
// and a flight west that makes a date happen twice does not double one.
//
// A user's changes are keyed by At (to the microsecond): recording the same
// change again stores nothing new.
type ZoneChange struct {
	UserID uuid.UUID `json:"-"`
	At     time.Time `json:"at"`   // when the zone changed
	From   string    `json:"from"` // the IANA zone before At
	To     string    `json:"to"`   // the IANA zone from At on
}

// Validate checks c. It returns nil, or one *ValidationError per bad field
// joined with errors.Join.
func (c ZoneChange) Validate() error {
	var p problems
	if c.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	if y := c.At.UTC().Year(); c.At.IsZero() || y < 1 || y > 9999 {
		p.add("at", "must be an instant between the years 1 and 9999")
	}
	for _, z := range []struct{ field, name string }{{"from", c.From}, {"to", c.To}} {
		if _, err := LoadZone(z.name); err != nil {
			ve := &ValidationError{Reason: "must be an IANA zone name", Err: err}
			if errors.As(err, &ve) {
				ve = &ValidationError{Reason: ve.Reason, Err: ve.Err}
			}
			ve.Field = z.field
			p.addErr(ve)
		}
	}
	if c.From != "" && c.From == c.To {
		p.add("to", "must differ from from (%s)", quote(c.From))
	}
	return p.err()
}

// zoneCache keeps the zones LoadZone loaded, by name. A *time.Location
// never changes, so one loaded serves every later call. The zero value is
// ready to use.
type zoneCache struct{ m sync.Map }

// load returns LoadZone(name), loading each name once.
func (c *zoneCache) load(name string) (*time.Location, error) {
	if loc, ok := c.m.Load(name); ok {
		return loc.(*time.Location), nil
	}
	loc, err := LoadZone(name)
	if err != nil {
		return nil, err
	}
	c.m.Store(name, loc)
	return loc, nil
}
