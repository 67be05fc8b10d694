package score_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load zone %s: %v", name, err)
	}
	return loc
}

func TestPersonDay(t *testing.T) {
	t.Parallel()
	ny := mustLoad(t, "America/New_York")
	berlin := mustLoad(t, "Europe/Berlin")
	plus2 := time.FixedZone("UTC+2", 2*3600)
	tests := []struct {
		name  string
		at    time.Time
		loc   *time.Location
		start int
		want  civil.Date
	}{
		// Habitica's startOfDay vectors, restated as days.
		{"09:30Z, no day start", time.Date(2020, 2, 2, 9, 30, 0, 0, time.UTC), time.UTC, 0, civil.D(2020, 2, 2)},
		{"09:30Z, day start 5", time.Date(2020, 2, 2, 9, 30, 0, 0, time.UTC), time.UTC, 5, civil.D(2020, 2, 2)},
		{"04:30Z, day start 5", time.Date(2020, 2, 2, 4, 30, 0, 0, time.UTC), time.UTC, 5, civil.D(2020, 2, 1)},
		{"04:30Z at UTC+2, day start 5", time.Date(2020, 2, 2, 4, 30, 0, 0, time.UTC), plus2, 5, civil.D(2020, 2, 2)},
		{"00:30 with day start 4 is the evening before", time.Date(2026, 3, 10, 0, 30, 0, 0, berlin), berlin, 4, civil.D(2026, 3, 9)},
		{"03:59 with day start 4", time.Date(2026, 3, 10, 3, 59, 59, 0, berlin), berlin, 4, civil.D(2026, 3, 9)},
		{"04:00 with day start 4", time.Date(2026, 3, 10, 4, 0, 0, 0, berlin), berlin, 4, civil.D(2026, 3, 10)},
		{"23:59 with day start 23", time.Date(2026, 3, 10, 23, 59, 0, 0, berlin), berlin, 23, civil.D(2026, 3, 10)},
		{"22:59 with day start 23", time.Date(2026, 3, 10, 22, 59, 0, 0, berlin), berlin, 23, civil.D(2026, 3, 9)},
		// 2026-03-08: New York jumps from 02:00 EST to 03:00 EDT.
		{"DST gap, before the jump", time.Date(2026, 3, 8, 6, 59, 0, 0, time.UTC), ny, 2, civil.D(2026, 3, 7)},
		{"DST gap, right after the jump", time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC), ny, 2, civil.D(2026, 3, 8)},
		// 2026-11-01: New York falls back from 02:00 EDT to 01:00 EST.
		{"DST overlap, first 01:30", time.Date(2026, 11, 1, 5, 30, 0, 0, time.UTC), ny, 1, civil.D(2026, 11, 1)},
		{"DST overlap, second 01:30", time.Date(2026, 11, 1, 6, 30, 0, 0, time.UTC), ny, 1, civil.D(2026, 11, 1)},
		{"DST overlap, 00:30 before", time.Date(2026, 11, 1, 4, 30, 0, 0, time.UTC), ny, 1, civil.D(2026, 10, 31)},
		{"instant in another zone", time.Date(2026, 3, 10, 1, 0, 0, 0, time.UTC), ny, 0, civil.D(2026, 3, 9)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := score.PersonDay(tt.at, tt.loc, tt.start)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("PersonDay(%s, %s, %d) = %s, want %s", tt.at.Format(time.RFC3339), tt.loc, tt.start, got, tt.want)
			}
		})
	}
}

func TestPersonDayInvalid(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		loc    *time.Location
		start  int
		fields []string
	}{
		{"hour 25", time.UTC, 25, []string{"day_start_hour"}},
		{"hour -1", time.UTC, -1, []string{"day_start_hour"}},
		{"nil zone", nil, 4, []string{"timezone"}},
		{"both", nil, 24, []string{"timezone", "day_start_hour"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := score.PersonDay(at, tt.loc, tt.start)
			if !errors.Is(err, score.ErrInvalid) {
				t.Fatalf("err = %v, want one matching ErrInvalid", err)
			}
			var ve *score.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("err = %v, want a *ValidationError", err)
			}
			if diff := cmp.Diff(tt.fields, fieldsOf(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPersonDayOutsideCalendar(t *testing.T) {
	t.Parallel()
	_, err := score.PersonDay(time.Time{}, time.UTC, 4) // 0001-01-01 00:00 belongs to year 0
	if diff := cmp.Diff([]string{"time"}, fieldsOf(err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	got, err := score.PersonDay(time.Time{}, time.UTC, 0)
	if err != nil || got != civil.D(1, 1, 1) {
		t.Errorf("PersonDay(zero time) = %s, %v", got, err)
	}
}

func fieldsOf(err error) []string {
	var out []string
	for _, e := range score.FieldErrors(err) {
		out = append(out, e.Field)
	}
	return out
}

func TestDayStart(t *testing.T) {
	t.Parallel()
	ny := mustLoad(t, "America/New_York")
	tests := []struct {
		name  string
		day   civil.Date
		start int
		want  time.Time
		hours float64 // length of the person's day
	}{
		{"ordinary day", civil.D(2026, 3, 10), 4, time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC), 24},
		{"day start inside the DST gap begins at the jump", civil.D(2026, 3, 8), 2, time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC), 23},
		{"day of the spring jump, midnight start", civil.D(2026, 3, 8), 0, time.Date(2026, 3, 8, 5, 0, 0, 0, time.UTC), 23},
		{"day of the autumn fall-back", civil.D(2026, 11, 1), 0, time.Date(2026, 11, 1, 4, 0, 0, 0, time.UTC), 25},
		{"autumn fall-back with day start 1 takes the first 01:00", civil.D(2026, 11, 1), 1, time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC), 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := score.DayStart(tt.day, ny, tt.start)
			if err != nil {
				t.Fatal(err)
			}
			if !got.Equal(tt.want) {
				t.Errorf("DayStart = %s, want %s", got.UTC(), tt.want)
			}
			next, err := score.DayStart(tt.day.AddDays(1), ny, tt.start)
			if err != nil {
				t.Fatal(err)
			}
			if h := next.Sub(got).Hours(); h != tt.hours {
				t.Errorf("day lasts %vh, want %vh", h, tt.hours)
			}
			// The instant before the start belongs to the day before; the start to the day.
			for _, c := range []struct {
				at   time.Time
				want civil.Date
			}{{got.Add(-time.Second), tt.day.AddDays(-1)}, {got, tt.day}, {next.Add(-time.Second), tt.day}} {
				d, err := score.PersonDay(c.at, ny, tt.start)
				if err != nil || d != c.want {
					t.Errorf("PersonDay(%s) = %s, %v; want %s", c.at.UTC(), d, err, c.want)
				}
			}
		})
	}
	if _, err := score.DayStart(civil.D(2026, 2, 30), ny, 0); !errors.Is(err, score.ErrInvalid) {
		t.Errorf("DayStart(2026-02-30) err = %v, want ErrInvalid", err)
	}
	if _, err := score.DayStart(civil.D(2026, 2, 3), ny, 24); !errors.Is(err, score.ErrInvalid) {
		t.Errorf("DayStart(hour 24) err = %v, want ErrInvalid", err)
	}
}

// TestSkippedDate: Pacific/Apia went from 2011-12-29 23:59:59 (UTC−10)
// straight to 2011-12-31 00:00 (UTC+14). The small hours of the 31st,
// before a day start of 4, belong to the evening before, which was the
// 29th: no instant belongs to the 30th, whose person's day is empty
// (DayStart of the 30th and of the 31st are the same instant). America/Havana
// has no midnight on its spring-forward day; its days are unaffected.
func TestSkippedDate(t *testing.T) {
	t.Parallel()
	apia := mustLoad(t, "Pacific/Apia")
	havana := mustLoad(t, "America/Havana")
	tests := []struct {
		name  string
		at    time.Time
		loc   *time.Location
		start int
		want  civil.Date
	}{
		{"Apia, 23:30 on the 29th", time.Date(2011, 12, 29, 23, 30, 0, 0, apia), apia, 4, civil.D(2011, 12, 29)},
		{"Apia, 00:00 on the 31st, day start 4", time.Date(2011, 12, 31, 0, 0, 0, 0, apia), apia, 4, civil.D(2011, 12, 29)},
		{"Apia, 03:59 on the 31st, day start 4", time.Date(2011, 12, 31, 3, 59, 0, 0, apia), apia, 4, civil.D(2011, 12, 29)},
		{"Apia, 04:00 on the 31st, day start 4", time.Date(2011, 12, 31, 4, 0, 0, 0, apia), apia, 4, civil.D(2011, 12, 31)},
		{"Apia, 00:00 on the 31st, day start 0", time.Date(2011, 12, 31, 0, 0, 0, 0, apia), apia, 0, civil.D(2011, 12, 31)},
		// 2026-03-08: Havana jumps from 00:00 to 01:00.
		{"Havana, 23:59 before the jump, day start 0", time.Date(2026, 3, 8, 4, 59, 0, 0, time.UTC), havana, 0, civil.D(2026, 3, 7)},
		{"Havana, 01:00 after the jump, day start 0", time.Date(2026, 3, 8, 5, 0, 0, 0, time.UTC), havana, 0, civil.D(2026, 3, 8)},
		{"Havana, 01:00 after the jump, day start 4", time.Date(2026, 3, 8, 5, 0, 0, 0, time.UTC), havana, 4, civil.D(2026, 3, 7)},
	}
	for _, tt := range tests {
		got, err := score.PersonDay(tt.at, tt.loc, tt.start)
		if err != nil || got != tt.want {
			t.Errorf("%s: PersonDay = %s, %v; want %s", tt.name, got, err, tt.want)
		}
	}
	d30, err30 := score.DayStart(civil.D(2011, 12, 30), apia, 4)
	d31, err31 := score.DayStart(civil.D(2011, 12, 31), apia, 4)
	want := time.Date(2011, 12, 31, 4, 0, 0, 0, apia)
	if err30 != nil || err31 != nil || !d30.Equal(want) || !d31.Equal(want) {
		t.Errorf("DayStart of the 30th and 31st = %s, %s (%v, %v); want both %s", d30, d31, err30, err31, want)
	}
	h, err := score.DayStart(civil.D(2026, 3, 8), havana, 0)
	if want := time.Date(2026, 3, 8, 5, 0, 0, 0, time.UTC); err != nil || !h.Equal(want) {
		t.Errorf("Havana's day without midnight starts at %s, %v; want the jump, %s", h.UTC(), err, want)
	}
}
