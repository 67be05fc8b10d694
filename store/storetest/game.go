package storetest

import (
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

func testScores(t *testing.T, s lifeops.Store) {
	t.Run("DecimalsAndAbsentDomains", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Scores")
		life := dec("71.3")
		full := lifeops.DayScores{
			UserID: u.ID, Date: civil.D(2026, 3, 9), Life: &life,
			Sleep: &lifeops.DomainScore{Value: dec("82.5"), Contributors: []lifeops.Contributor{
				{Name: "total_sleep", Value: dec("91.2"), Weight: dec("0.5"), Effect: dec("45.6")},
				{Name: "efficiency", Value: dec("73.8"), Weight: dec("0.5"), Effect: dec("36.9")},
			}},
			Activity:   &lifeops.DomainScore{Value: dec("100"), Contributors: []lifeops.Contributor{{Name: "steps", Value: dec("100"), Weight: dec("1"), Effect: dec("100")}}},
			WorkLife:   &lifeops.DomainScore{Value: dec("0")},
			Habits:     &lifeops.DomainScore{Value: dec("33.3"), Contributors: []lifeops.Contributor{{Name: "completed", Value: dec("33.333333333333"), Weight: dec("0.333333333333"), Effect: dec("-0.1")}}},
			ComputedAt: at(2026, 3, 10, 7, 0),
		}
		partial := lifeops.DayScores{UserID: u.ID, Date: civil.D(2026, 3, 10), Life: ptr(dec("64")), Sleep: &lifeops.DomainScore{Value: dec("64")}, ComputedAt: at(2026, 3, 10, 7, 0)}
		empty := lifeops.DayScores{UserID: u.ID, Date: civil.D(2026, 3, 11), ComputedAt: at(2026, 3, 11, 7, 0)}
		for _, sc := range []lifeops.DayScores{full, partial, empty} {
			must(t, "PutScores", s.PutScores(ctx(t), sc))
		}
		got, err := s.Scores(ctx(t), u.ID, civil.D(2026, 3, 9), civil.D(2026, 3, 11))
		must(t, "Scores", err)
		want := []lifeops.DayScores{full, partial, empty}
		for i := range want {
			want[i].ComputedAt = stored(want[i].ComputedAt)
		}
		diff(t, "scores", want, got)
		if len(got) == 3 && (got[1].Activity != nil || got[2].Life != nil) {
			t.Error("an absent domain or Life Score came back as a value")
		}
		if len(got) == 3 && got[0].Habits != nil && got[0].Habits.Contributors[0].Value.String() != "33.333333333333" {
			t.Errorf("decimal lost digits: %s", got[0].Habits.Contributors[0].Value)
		}
	})
	t.Run("UpsertReplaces", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Rescore")
		d := civil.D(2026, 3, 9)
		must(t, "PutScores", s.PutScores(ctx(t), lifeops.DayScores{UserID: u.ID, Date: d, Life: ptr(dec("50")), Habits: &lifeops.DomainScore{Value: dec("50")}}))
		again := lifeops.DayScores{UserID: u.ID, Date: d, Life: ptr(dec("90")), Sleep: &lifeops.DomainScore{Value: dec("90")}}
		for range 2 {
			must(t, "PutScores again", s.PutScores(ctx(t), again))
		}
		got, err := s.Scores(ctx(t), u.ID, d, d)
		must(t, "Scores", err)
		diff(t, "rescored day", []lifeops.DayScores{again}, got)
	})
	t.Run("InvalidAndUnknownUser", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Scores bad")
		wantErr(t, "PutScores invalid", s.PutScores(ctx(t), lifeops.DayScores{UserID: u.ID, Date: civil.D(2026, 1, 1), Life: ptr(dec("100.1")), Sleep: &lifeops.DomainScore{Value: dec("1")}}), lifeops.ErrInvalid)
		wantErr(t, "PutScores unknown user", s.PutScores(ctx(t), lifeops.DayScores{UserID: uuid.New(), Date: civil.D(2026, 1, 1)}), lifeops.ErrNotFound)
	})
}

func xpEntry(userID uuid.UUID, key string, d civil.Date, points int64) lifeops.XPEntry {
	return lifeops.XPEntry{UserID: userID, Key: key, Date: d, Kind: "completion", Points: points, Reason: "Done.",
		Parts: []lifeops.XPPart{{Name: "base", Points: points}}, CreatedAt: at(d.Year, d.Month, d.Day, 8, 0)}
}

func storedXP(e lifeops.XPEntry) lifeops.XPEntry {
	e.CreatedAt = stored(e.CreatedAt)
	return e
}

func testXP(t *testing.T, s lifeops.Store) {
	t.Run("InsertIfAbsent", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "XP")
		first := xpEntry(u.ID, "completion:x:2026-03-10", civil.D(2026, 3, 10), 12)
		first.ItemID = uuid.New()
		got, created, err := s.AddXP(ctx(t), first)
		must(t, "AddXP", err)
		if !created {
			t.Error("first AddXP reported created=false")
		}
		diff(t, "created entry", storedXP(first), got)
		second := xpEntry(u.ID, first.Key, civil.D(2026, 3, 11), 99)
		got, created, err = s.AddXP(ctx(t), second)
		must(t, "AddXP same key", err)
		if created {
			t.Error("AddXP with an existing key reported created=true")
		}
		diff(t, "entry returned for an existing key", storedXP(first), got)
		total, err := s.XPTotal(ctx(t), u.ID)
		must(t, "XPTotal", err)
		if total != 12 {
			t.Errorf("XPTotal = %d, want 12", total)
		}
	})
	t.Run("DeleteAndTotal", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "XP delete")
		for i, p := range []int64{5, 20, -3} {
			_, _, err := s.AddXP(ctx(t), xpEntry(u.ID, name("k%d", i), civil.D(2026, 3, 10), p))
			must(t, "AddXP", err)
		}
		deleted, err := s.DeleteXP(ctx(t), u.ID, "k1")
		must(t, "DeleteXP", err)
		if !deleted {
			t.Error("DeleteXP of an existing key reported false")
		}
		deleted, err = s.DeleteXP(ctx(t), u.ID, "k1")
		must(t, "DeleteXP again", err)
		if deleted {
			t.Error("DeleteXP of a missing key reported true")
		}
		total, err := s.XPTotal(ctx(t), u.ID)
		must(t, "XPTotal", err)
		if total != 2 {
			t.Errorf("XPTotal = %d, want 2", total)
		}
		_, created, err := s.AddXP(ctx(t), xpEntry(u.ID, "k1", civil.D(2026, 3, 12), 7))
		must(t, "AddXP after delete", err)
		if !created {
			t.Error("a deleted key could not be awarded again")
		}
		empty := mustUser(t, s, "XP none")
		total, err = s.XPTotal(ctx(t), empty.ID)
		must(t, "XPTotal of nobody's ledger", err)
		if total != 0 {
			t.Errorf("XPTotal of an empty ledger = %d", total)
		}
	})
	t.Run("ListOrderFilterPage", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "XP list")
		e := []lifeops.XPEntry{
			xpEntry(u.ID, "b", civil.D(2026, 3, 10), 1),
			xpEntry(u.ID, "a", civil.D(2026, 3, 10), 2), // same date and time: by key
			xpEntry(u.ID, "c", civil.D(2026, 3, 9), 3),
			xpEntry(u.ID, "d", civil.D(2026, 3, 12), 4),
		}
		e[3].Kind, e[3].Code, e[3].Parts = "achievement", "streak_7", nil
		for _, x := range e {
			_, _, err := s.AddXP(ctx(t), x)
			must(t, "AddXP", err)
		}
		tests := []struct {
			name string
			q    lifeops.XPQuery
			want []lifeops.XPEntry
		}{
			{"all", lifeops.XPQuery{}, []lifeops.XPEntry{e[2], e[1], e[0], e[3]}},
			{"inclusive dates", lifeops.XPQuery{From: civil.D(2026, 3, 10), To: civil.D(2026, 3, 12)}, []lifeops.XPEntry{e[1], e[0], e[3]}},
			{"open end", lifeops.XPQuery{From: civil.D(2026, 3, 11)}, []lifeops.XPEntry{e[3]}},
			{"page", lifeops.XPQuery{Page: lifeops.Page{Offset: 1, Limit: 2}}, []lifeops.XPEntry{e[1], e[0]}},
			{"past the end", lifeops.XPQuery{Page: lifeops.Page{Offset: 10}}, nil},
		}
		for _, tt := range tests {
			got, err := s.XPEntries(ctx(t), u.ID, tt.q)
			must(t, "XPEntries "+tt.name, err)
			var want []lifeops.XPEntry
			for _, x := range tt.want {
				want = append(want, storedXP(x))
			}
			diff(t, "XPEntries "+tt.name, want, got)
		}
	})
	t.Run("ConcurrentAwardsCountOnce", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "XP race")
		const n = 50
		var wg sync.WaitGroup
		createdCount := make(chan bool, n)
		for i := range n {
			wg.Go(func() {
				_, created, err := s.AddXP(ctx(t), xpEntry(u.ID, "perfect_day:2026-03-10", civil.D(2026, 3, 10), int64(10+i)))
				if err != nil {
					t.Errorf("AddXP: %v", err)
				}
				createdCount <- created
			})
		}
		wg.Wait()
		close(createdCount)
		winners := 0
		for c := range createdCount {
			if c {
				winners++
			}
		}
		if winners != 1 {
			t.Errorf("%d concurrent AddXP calls created %d entries, want 1", n, winners)
		}
		entries, err := s.XPEntries(ctx(t), u.ID, lifeops.XPQuery{})
		must(t, "XPEntries", err)
		total, err := s.XPTotal(ctx(t), u.ID)
		must(t, "XPTotal", err)
		if len(entries) != 1 || total != entries[0].Points {
			t.Errorf("ledger holds %d entries and total %d, want one entry", len(entries), total)
		}
	})
	t.Run("InvalidAndUnknownUser", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "XP bad")
		bad := xpEntry(u.ID, "", civil.D(2026, 3, 10), 1)
		_, _, err := s.AddXP(ctx(t), bad)
		wantErr(t, "AddXP invalid", err, lifeops.ErrInvalid)
		_, _, err = s.AddXP(ctx(t), xpEntry(uuid.New(), "k", civil.D(2026, 3, 10), 1))
		wantErr(t, "AddXP unknown user", err, lifeops.ErrNotFound)
	})
}

func testAchievements(t *testing.T, s lifeops.Store) {
	t.Run("UnlockKeepsFirstDate", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Achiever")
		first := lifeops.Achievement{UserID: u.ID, Code: "streak_7", Date: civil.D(2026, 3, 10), UnlockedAt: at(2026, 3, 10, 21, 0)}
		got, created, err := s.UnlockAchievement(ctx(t), first)
		must(t, "UnlockAchievement", err)
		want := first
		want.UnlockedAt = stored(first.UnlockedAt)
		if !created {
			t.Error("first unlock reported created=false")
		}
		diff(t, "unlocked", want, got)
		later := first
		later.Date, later.UnlockedAt = civil.D(2026, 4, 1), at(2026, 4, 1, 8, 0)
		got, created, err = s.UnlockAchievement(ctx(t), later)
		must(t, "UnlockAchievement again", err)
		if created {
			t.Error("second unlock reported created=true")
		}
		diff(t, "unlock again keeps the first date", want, got)

		other := lifeops.Achievement{UserID: u.ID, Code: "first_completion", Date: civil.D(2026, 3, 1), UnlockedAt: at(2026, 3, 1, 7, 0)}
		_, _, err = s.UnlockAchievement(ctx(t), other)
		must(t, "UnlockAchievement other", err)
		all, err := s.Achievements(ctx(t), u.ID)
		must(t, "Achievements", err)
		wantOther := other
		wantOther.UnlockedAt = stored(other.UnlockedAt)
		diff(t, "achievements by unlock time", []lifeops.Achievement{wantOther, want}, all)
	})
	t.Run("ConcurrentUnlocksCountOnce", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Achiever race")
		const n = 50
		var wg sync.WaitGroup
		var mu sync.Mutex
		winners := 0
		for i := range n {
			wg.Go(func() {
				a := lifeops.Achievement{UserID: u.ID, Code: "level_5", Date: civil.D(2026, 3, 10).AddDays(i % 3), UnlockedAt: at(2026, 3, 10, 9, i%60)}
				_, created, err := s.UnlockAchievement(ctx(t), a)
				if err != nil {
					t.Errorf("UnlockAchievement: %v", err)
				}
				if created {
					mu.Lock()
					winners++
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if winners != 1 {
			t.Errorf("%d concurrent unlocks created %d, want 1", n, winners)
		}
		all, err := s.Achievements(ctx(t), u.ID)
		must(t, "Achievements", err)
		if len(all) != 1 {
			t.Errorf("got %d achievements, want 1", len(all))
		}
	})
	t.Run("InvalidAndUnknownUser", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Achiever bad")
		_, _, err := s.UnlockAchievement(ctx(t), lifeops.Achievement{UserID: u.ID, Code: "x"})
		wantErr(t, "UnlockAchievement invalid", err, lifeops.ErrInvalid)
		_, _, err = s.UnlockAchievement(ctx(t), lifeops.Achievement{UserID: uuid.New(), Code: "x", Date: civil.D(2026, 1, 1), UnlockedAt: at(2026, 1, 1, 0, 0)})
		wantErr(t, "UnlockAchievement unknown user", err, lifeops.ErrNotFound)
	})
}
