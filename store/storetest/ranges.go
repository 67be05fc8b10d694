package storetest

import (
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// testWideRanges asks for everything with bounds far outside the data, as
// callers do who want "all of it": the earliest and latest dates and
// instants a time.Time holds must work as bounds on every store.
func testWideRanges(t *testing.T, s lifeops.Store) {
	t.Run("HeartRate", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Wide heart")
		base := time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)
		samples := []lifeops.HeartRateSample{{At: base, BPM: 55}, {At: base.Add(time.Hour), BPM: 56}}
		must(t, "PutHeartRate", s.PutHeartRate(ctx(t), u.ID, samples))
		for _, tt := range []struct {
			name       string
			start, end time.Time
		}{
			{"zero to year 9999", time.Time{}, time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
			{"zero to year 10000", time.Time{}, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
			{"before the epoch to far away", time.Unix(-1<<40, 0), time.Unix(1<<40, 0)},
		} {
			got, err := s.HeartRate(ctx(t), u.ID, tt.start, tt.end)
			must(t, "HeartRate "+tt.name, err)
			diff(t, "samples "+tt.name, samples, got)
		}
	})
	t.Run("Dates", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Wide days")
		d := civil.D(2026, 8, 1)
		must(t, "PutWorkDay", s.PutWorkDay(ctx(t), lifeops.WorkDay{UserID: u.ID, Date: d, WorkMinutes: 90}))
		for _, r := range [][2]civil.Date{
			{civil.D(1, 1, 1), civil.D(9999, 12, 31)},
			{civil.Date{}, civil.D(2026, 8, 1)},
			{d, {Year: 10000, Month: 1, Day: 1}},
		} {
			got, err := s.WorkDays(ctx(t), u.ID, r[0], r[1])
			must(t, "WorkDays", err)
			if len(got) != 1 {
				t.Errorf("WorkDays %s to %s = %d days, want 1", r[0], r[1], len(got))
			}
		}
	})
}
