package timeline

import (
	"strings"
	"time"
)

// LoadZone returns the IANA zone called name ("Europe/London"), reading the
// zone database through [time.LoadLocation]. An empty name, "Local" (whose
// meaning depends on the machine) and a name the database does not know are
// each a [*ValidationError] for field "timezone".
func LoadZone(name string) (*time.Location, error) {
	switch {
	case strings.TrimSpace(name) == "":
		return nil, invalid("timezone", "a time zone is required, such as Europe/London")
	case name == "Local":
		return nil, invalid("timezone", "use an IANA zone name such as Europe/London, not Local")
	case len(name) > 64:
		return nil, invalid("timezone", "%.64q… is not a time zone", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, invalid("timezone", "%q is not a known time zone", name)
	}
	return loc, nil
}
