package lifeops

import "time"

// Clock tells the Service what time it is. It is the only source of "now" in
// LifeOps: the pure packages take time as an argument, and tests give the
// Service a fixed or stepping clock. Implementations must be safe for
// concurrent use. A nil Clock in [Config] means the system clock.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to a [Clock]:
//
//	lifeops.ClockFunc(func() time.Time { return fixed })
type ClockFunc func() time.Time

// Now returns f().
func (f ClockFunc) Now() time.Time { return f() }

// systemClock is the real clock. It keeps the monotonic reading; instants are
// converted to UTC only at the storage and wire edges.
type systemClock struct{}

// Now returns time.Now().
func (systemClock) Now() time.Time { return time.Now() }

var (
	_ Clock = ClockFunc(nil)
	_ Clock = systemClock{}
)
