package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// kindDay returns a day whose every field is set to values derived from n,
// all different from fullDay's, so a test can tell whose write a field
// shows.
func kindDay(userID uuid.UUID, d civil.Date, n int) lifeops.HealthDay {
	bed := at(d.Year, d.Month, d.Day, 0, 0).Add(-time.Duration(5*60+n) * time.Minute)
	wake := bed.Add(6*time.Hour + time.Duration(n)*time.Minute)
	return lifeops.HealthDay{
		UserID: userID, Date: d, Source: name("source-%d", n),
		Sleep:     &lifeops.ProviderScore{Value: 10 + n%30, Contributors: map[string]int{"rem_sleep": n % 100}},
		Readiness: &lifeops.ProviderScore{Value: 40 + n%30},
		Activity:  &lifeops.ProviderScore{Value: 70 + n%30, Contributors: map[string]int{"stay_active": 1 + n%99}},
		Steps:     ptr(1000 + n), TotalSleepSeconds: ptr(20000 + n), Efficiency: ptr(50 + n%50),
		RestingHeartRate: ptr(40 + n%50), HRV: ptr(30 + n%50), Bedtime: &bed, WakeTime: &wake,
		UpdatedAt: at(2026, 6, 1, 0, 0).Add(time.Duration(n) * time.Minute),
	}
}

// merged is what a store holds after MergeHealthDays(kind, src) onto old
// (nil: no stored day).
func merged(old *lifeops.HealthDay, kind lifeops.DataKind, src lifeops.HealthDay) lifeops.HealthDay {
	out := lifeops.HealthDay{UserID: src.UserID, Date: src.Date}
	if old != nil {
		out = *old
	}
	out.Merge(kind, src)
	out.UpdatedAt = src.UpdatedAt
	return storedDay(out)
}

func testMergeHealthDays(t *testing.T, s lifeops.Store) {
	t.Run("WritesOnlyItsKind", func(t *testing.T) {
		t.Parallel()
		for _, kind := range lifeops.DayKinds() {
			u := mustUser(t, s, "Merge "+string(kind))
			d := civil.D(2026, 6, 1)
			old := fullDay(u.ID, d)
			must(t, "PutHealthDays", s.PutHealthDays(ctx(t), []lifeops.HealthDay{old}))
			// The source day has every field set; only the kind's may land.
			src := kindDay(u.ID, d, 7)
			for range 2 { // twice: the second write changes nothing
				must(t, "MergeHealthDays "+string(kind), s.MergeHealthDays(ctx(t), kind, []lifeops.HealthDay{src}))
			}
			got, err := s.HealthDays(ctx(t), u.ID, d, d)
			must(t, "HealthDays", err)
			diff(t, "day after merging "+string(kind), []lifeops.HealthDay{merged(&old, kind, src)}, got)

			// A day not stored yet holds the kind's fields and nothing else.
			fresh := kindDay(u.ID, d.AddDays(1), 8)
			must(t, "MergeHealthDays onto no day", s.MergeHealthDays(ctx(t), kind, []lifeops.HealthDay{fresh}))
			got, err = s.HealthDays(ctx(t), u.ID, fresh.Date, fresh.Date)
			must(t, "HealthDays", err)
			diff(t, "new day of "+string(kind), []lifeops.HealthDay{merged(nil, kind, fresh)}, got)
		}
	})
	t.Run("EmptySourceKeepsTheStoredOne", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Merge source")
		d := civil.D(2026, 6, 3)
		old := fullDay(u.ID, d)
		must(t, "PutHealthDays", s.PutHealthDays(ctx(t), []lifeops.HealthDay{old}))
		src := kindDay(u.ID, d, 3)
		src.Source = ""
		must(t, "MergeHealthDays", s.MergeHealthDays(ctx(t), lifeops.KindDailyActivity, []lifeops.HealthDay{src}))
		got, err := s.HealthDays(ctx(t), u.ID, d, d)
		must(t, "HealthDays", err)
		want := merged(&old, lifeops.KindDailyActivity, src)
		if want.Source != "oura" {
			t.Fatalf("test bug: Merge replaced the source with an empty one")
		}
		diff(t, "day merged without a source", []lifeops.HealthDay{want}, got)
	})
	t.Run("NoDataClearsTheKindAndCreatesNoDay", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Merge clear")
		d := civil.D(2026, 6, 5)
		old := fullDay(u.ID, d)
		must(t, "PutHealthDays", s.PutHealthDays(ctx(t), []lifeops.HealthDay{old}))
		// The provider deleted that night's sleep; the next day never had one.
		clear := []lifeops.HealthDay{
			{UserID: u.ID, Date: d, UpdatedAt: at(2026, 6, 6, 8, 0)},
			{UserID: u.ID, Date: d.AddDays(1), UpdatedAt: at(2026, 6, 6, 8, 0)},
		}
		must(t, "MergeHealthDays", s.MergeHealthDays(ctx(t), lifeops.KindSleep, clear))
		got, err := s.HealthDays(ctx(t), u.ID, d, d.AddDays(1))
		must(t, "HealthDays", err)
		want := merged(&old, lifeops.KindSleep, clear[0])
		if want.WakeTime != nil || want.Sleep == nil {
			t.Fatalf("test bug: clearing sleep left %+v", want)
		}
		diff(t, "days after clearing sleep", []lifeops.HealthDay{want}, got)
	})
	t.Run("LastOfTheSameDayWins", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Merge twice")
		d := civil.D(2026, 6, 7)
		first, second := kindDay(u.ID, d, 1), kindDay(u.ID, d, 2)
		must(t, "MergeHealthDays", s.MergeHealthDays(ctx(t), lifeops.KindDailySleep, []lifeops.HealthDay{first, second}))
		got, err := s.HealthDays(ctx(t), u.ID, d, d)
		must(t, "HealthDays", err)
		diff(t, "day given twice", []lifeops.HealthDay{merged(nil, lifeops.KindDailySleep, second)}, got)
	})
	t.Run("Refusals", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Merge refusals")
		d := civil.D(2026, 6, 9)
		good := kindDay(u.ID, d, 1)
		bad := kindDay(u.ID, d.AddDays(1), 2)
		bad.Sleep.Value = 101
		for _, kind := range []lifeops.DataKind{lifeops.KindHeartRate, lifeops.KindWork, "", "daily_mood"} {
			err := s.MergeHealthDays(ctx(t), kind, []lifeops.HealthDay{good})
			wantErr(t, name("MergeHealthDays of kind %q", kind), err, lifeops.ErrInvalid)
			var fields []string
			for _, f := range lifeops.FieldErrors(err) {
				fields = append(fields, f.Field)
			}
			diff(t, name("fields of the error for kind %q", kind), []string{"kind"}, fields)
		}
		wantErr(t, "MergeHealthDays with an invalid day", s.MergeHealthDays(ctx(t), lifeops.KindDailySleep, []lifeops.HealthDay{good, bad}), lifeops.ErrInvalid)
		stranger := kindDay(uuid.New(), d, 3)
		wantErr(t, "MergeHealthDays with an unknown user", s.MergeHealthDays(ctx(t), lifeops.KindDailySleep, []lifeops.HealthDay{good, stranger}), lifeops.ErrNotFound)
		strangerClear := lifeops.HealthDay{UserID: stranger.UserID, Date: d}
		wantErr(t, "MergeHealthDays clearing a day of an unknown user", s.MergeHealthDays(ctx(t), lifeops.KindDailySleep, []lifeops.HealthDay{good, strangerClear}), lifeops.ErrNotFound)
		got, err := s.HealthDays(ctx(t), u.ID, d, d.AddDays(1))
		must(t, "HealthDays", err)
		diff(t, "days after refused merges", []lifeops.HealthDay(nil), got)
		must(t, "MergeHealthDays of nothing", s.MergeHealthDays(ctx(t), lifeops.KindSleep, nil))
	})
	t.Run("ConcurrentKindsKeepEachOther", func(t *testing.T) {
		t.Parallel()
		// Each round, one writer per kind merges its fields into the same
		// days at once (half of them in reverse date order), as syncs of
		// different kinds in several processes do. Every kind's write of
		// the round must be there afterwards, whatever the interleaving.
		u := mustUser(t, s, "Merge storm")
		const rounds, days = 30, 8
		first := civil.D(2026, 7, 1)
		kinds := lifeops.DayKinds()
		for r := range rounds {
			batches := make([][]lifeops.HealthDay, len(kinds))
			for i := range kinds {
				for j := range days {
					batches[i] = append(batches[i], kindDay(u.ID, first.AddDays(j), r*len(kinds)+i))
				}
				if i%2 == 1 {
					slices.Reverse(batches[i])
				}
			}
			concurrently(len(kinds), func(i int) {
				if err := s.MergeHealthDays(ctx(t), kinds[i], batches[i]); err != nil {
					t.Errorf("round %d: MergeHealthDays %s: %v", r, kinds[i], err)
				}
			})
			got, err := s.HealthDays(ctx(t), u.ID, first, first.AddDays(days-1))
			must(t, "HealthDays", err)
			if len(got) != days {
				t.Fatalf("round %d: %d days stored, want %d", r, len(got), days)
			}
			for j, g := range got {
				want := lifeops.HealthDay{UserID: u.ID, Date: first.AddDays(j)}
				for i, kind := range kinds {
					want.Merge(kind, kindDay(u.ID, want.Date, r*len(kinds)+i))
				}
				// Source and UpdatedAt are whichever writer came last.
				want.Source, want.UpdatedAt = g.Source, g.UpdatedAt
				diff(t, name("round %d, %s: every kind's fields", r, want.Date), storedDay(want), g)
			}
			if t.Failed() {
				return
			}
		}
	})
}
