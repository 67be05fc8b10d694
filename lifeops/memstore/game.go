package memstore

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// ---- scores

func cloneContributors(cs []lifeops.Contributor) []lifeops.Contributor {
	cs = slices.Clone(cs)
	for i := range cs {
		cs[i].Parts = slices.Clone(cs[i].Parts)
	}
	return cs
}

func cloneDomain(p *lifeops.DomainScore) *lifeops.DomainScore {
	if p == nil {
		return nil
	}
	c := *p
	c.Contributors = cloneContributors(p.Contributors)
	return &c
}

func cloneScores(sc lifeops.DayScores) lifeops.DayScores {
	if sc.Life != nil {
		v := *sc.Life
		sc.Life = &v
	}
	sc.LifeParts = cloneContributors(sc.LifeParts)
	sc.Sleep, sc.Activity = cloneDomain(sc.Sleep), cloneDomain(sc.Activity)
	sc.WorkLife, sc.Habits = cloneDomain(sc.WorkLife), cloneDomain(sc.Habits)
	sc.ComputedAt = instant(sc.ComputedAt)
	sc.State = slices.Clone(sc.State)
	return sc
}

// PutScores implements [lifeops.ScoreStore].
func (s *Store) PutScores(ctx context.Context, scores ...lifeops.DayScores) error {
	for _, sc := range scores {
		if err := sc.Validate(); err != nil {
			return err
		}
	}
	return s.write(ctx, func() error {
		for _, sc := range scores {
			if _, err := s.user(sc.UserID); err != nil {
				return err
			}
		}
		for _, sc := range scores {
			d := s.users[sc.UserID]
			set(d, d.scores, sc.Date, cloneScores(sc))
		}
		return nil
	})
}

// Scores implements [lifeops.ScoreStore].
func (s *Store) Scores(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.DayScores, error) {
	var out []lifeops.DayScores
	err := s.readUser(ctx, userID, func(d *userData) error {
		out = sortedByDate(d.scores, from, to, cloneScores)
		return nil
	})
	return out, err
}

// ---- XP

func cloneXP(e lifeops.XPEntry) lifeops.XPEntry {
	e.Parts = slices.Clone(e.Parts)
	e.CreatedAt = instant(e.CreatedAt)
	return e
}

// AddXP implements [lifeops.XPStore].
func (s *Store) AddXP(ctx context.Context, e lifeops.XPEntry) (lifeops.XPEntry, bool, error) {
	if err := e.Validate(); err != nil {
		return lifeops.XPEntry{}, false, err
	}
	var out lifeops.XPEntry
	var created bool
	err := s.writeUser(ctx, e.UserID, func(d *userData) error {
		if old, ok := d.xp[e.Key]; ok {
			out = cloneXP(old)
			return nil
		}
		out, created = cloneXP(e), true
		set(d, d.xp, e.Key, cloneXP(e))
		d.addXPTotal(e.Points)
		return nil
	})
	return out, created, err
}

// DeleteXP implements [lifeops.XPStore].
func (s *Store) DeleteXP(ctx context.Context, userID uuid.UUID, key string) (bool, error) {
	var deleted bool
	err := s.writeUser(ctx, userID, func(d *userData) error {
		var old lifeops.XPEntry
		if old, deleted = d.xp[key]; deleted {
			del(d, d.xp, key)
			d.addXPTotal(-old.Points)
		}
		return nil
	})
	return deleted, err
}

// UpdateXP implements [lifeops.XPStore].
func (s *Store) UpdateXP(ctx context.Context, userID uuid.UUID, add []lifeops.XPEntry, remove []string) error {
	for _, e := range add {
		if err := e.Validate(); err != nil {
			return err
		}
		if e.UserID != userID {
			return lifeops.Errorf(lifeops.CodeInvalid, "An XP entry of another person cannot be added.")
		}
		if slices.Contains(remove, e.Key) {
			return lifeops.Errorf(lifeops.CodeInvalid, "An XP key cannot be added and removed at once.")
		}
	}
	return s.writeUser(ctx, userID, func(d *userData) error {
		for _, key := range remove {
			if old, ok := d.xp[key]; ok {
				del(d, d.xp, key)
				d.addXPTotal(-old.Points)
			}
		}
		for _, e := range add {
			if _, ok := d.xp[e.Key]; !ok {
				set(d, d.xp, e.Key, cloneXP(e))
				d.addXPTotal(e.Points)
			}
		}
		return nil
	})
}

// XPTotal implements [lifeops.XPStore].
func (s *Store) XPTotal(ctx context.Context, userID uuid.UUID) (int64, error) {
	var sum int64
	err := s.readUser(ctx, userID, func(d *userData) error {
		sum = d.xpTotal
		return nil
	})
	return sum, err
}

// XPEntries implements [lifeops.XPStore].
func (s *Store) XPEntries(ctx context.Context, userID uuid.UUID, q lifeops.XPQuery) ([]lifeops.XPEntry, error) {
	var out []lifeops.XPEntry
	err := s.readUser(ctx, userID, func(d *userData) error {
		for _, e := range d.xp {
			if (q.From.IsZero() || !e.Date.Before(q.From)) && (q.To.IsZero() || !e.Date.After(q.To)) {
				out = append(out, cloneXP(e))
			}
		}
		return nil
	})
	slices.SortFunc(out, compareXP)
	return page(out, q.Page), err
}

// compareXP orders entries by Date, then CreatedAt, then Key, comparing
// only as far as it must.
func compareXP(a, b lifeops.XPEntry) int {
	if c := a.Date.Compare(b.Date); c != 0 {
		return c
	}
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}

// ---- achievements

// UnlockAchievement implements [lifeops.AchievementStore].
func (s *Store) UnlockAchievement(ctx context.Context, a lifeops.Achievement) (lifeops.Achievement, bool, error) {
	if err := a.Validate(); err != nil {
		return lifeops.Achievement{}, false, err
	}
	var out lifeops.Achievement
	var created bool
	err := s.writeUser(ctx, a.UserID, func(d *userData) error {
		if old, ok := d.achievements[a.Code]; ok {
			out = old
			return nil
		}
		a.UnlockedAt = instant(a.UnlockedAt)
		set(d, d.achievements, a.Code, a)
		out, created = a, true
		return nil
	})
	return out, created, err
}

// Achievements implements [lifeops.AchievementStore].
func (s *Store) Achievements(ctx context.Context, userID uuid.UUID) ([]lifeops.Achievement, error) {
	var out []lifeops.Achievement
	err := s.readUser(ctx, userID, func(d *userData) error {
		out = slices.Collect(maps.Values(d.achievements))
		return nil
	})
	slices.SortFunc(out, compareAchievements)
	return out, err
}

// compareAchievements orders achievements by UnlockedAt, then Code.
func compareAchievements(a, b lifeops.Achievement) int {
	return cmp.Or(a.UnlockedAt.Compare(b.UnlockedAt), cmp.Compare(a.Code, b.Code))
}
