package timeline

import (
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// TestDayResolverMatchesResolve checks the feed's whole-day shortcut against
// the resolver on every quarter hour of the days around each transition.
func TestDayResolverMatchesResolve(t *testing.T) {
	t.Parallel()
	zones := []string{"America/New_York", "Europe/London", "Australia/Lord_Howe", "Pacific/Chatham", "America/Havana", "America/Santiago", "Pacific/Apia", "Asia/Kolkata", "UTC"}
	for _, z := range zones {
		t.Run(z, func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(z)
			if err != nil {
				t.Fatal(err)
			}
			uniformDays := 0
			// Every day of 2011 (Apia's jump) and 2025.
			for _, year := range []int{2011, 2025} {
				for d := civil.D(year, 1, 1); d.Year == year; d = d.AddDays(1) {
					r := newDayResolver(d, loc, Anchors{})
					if r.uniform {
						uniformDays++
					} else {
						continue
					}
					for m := 0; m < 24*60; m += 15 {
						c := civil.ClockFromMinutes(m)
						if got, want := r.at(c), Resolve(d, c, loc); !got.Equal(want) || got.Location() != loc {
							t.Fatalf("%s %s: day shortcut %v, Resolve %v", d, c, got, want)
						}
					}
				}
			}
			if uniformDays < 600 {
				t.Errorf("only %d of 730 days took the shortcut", uniformDays)
			}
		})
	}
}
