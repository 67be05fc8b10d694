package lifeops

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// ScoreDay computes the scores of one of the person's days from what is
// stored (health, work, the timeline's completions), stores them, and
// settles the day's bonus XP: the perfect-day and high-Life-Score awards are
// recorded when earned and taken back when no longer earned. A zero date
// means the person's current day; days after it are refused. Scoring a day
// twice stores the same scores and awards nothing twice.
func (s *Service) ScoreDay(ctx context.Context, userID uuid.UUID, d civil.Date) (DayScores, error) {
	p, err := s.person(ctx, userID)
	if err != nil {
		return DayScores{}, err
	}
	if d, err = s.dayOrToday(p, d, "date"); err != nil {
		return DayScores{}, err
	}
	h, err := s.historyOf(ctx, p, d, d)
	if err != nil {
		return DayScores{}, err
	}
	if d.After(h.today) {
		return DayScores{}, invalid("date", "must not be after today (%s)", h.today)
	}
	sc, _, err := s.scoreDay(ctx, h, d)
	return sc, err
}

// Scores returns the stored scores of the user's days in [from, to], at
// most 3 years. Days never scored are absent.
func (s *Service) Scores(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]DayScores, error) {
	if err := checkRange(from, to, maxSyncDays); err != nil {
		return nil, err
	}
	return s.store.Scores(ctx, userID, from, to)
}

// scoreDay scores day d of h, stores the scores and settles the day awards.
// The scores of the current day count the timeline so far (see
// history.habits); the day's bonuses always count the whole day, so they do
// not come and go as the day's items fall due.
func (s *Service) scoreDay(ctx context.Context, h *history, d civil.Date) (DayScores, score.Breakdown, error) {
	_, b, err := h.breakdown(d, d == h.today)
	if err != nil {
		return DayScores{}, b, err
	}
	in, whole := h.scoreInput(d, false), b
	if d == h.today {
		if _, whole, err = h.breakdown(d, false); err != nil {
			return DayScores{}, b, err
		}
	}
	sc := dayScores(h.ID, b)
	sc.ComputedAt = s.now()
	if err := s.store.PutScores(ctx, sc); err != nil {
		return DayScores{}, b, fmt.Errorf("store scores of %s: %w", d, err)
	}
	earned := map[string]bool{}
	for _, a := range score.DayAwards(in, whole) {
		earned[a.Key] = true
		if _, _, err := s.store.AddXP(ctx, s.xpEntry(h.ID, a)); err != nil {
			return DayScores{}, b, fmt.Errorf("award %s: %w", a.Key, err)
		}
	}
	for _, key := range []string{score.PerfectDayKey(d), score.HighLifeScoreKey(d)} {
		if !earned[key] {
			if _, err := s.store.DeleteXP(ctx, h.ID, key); err != nil {
				return DayScores{}, b, fmt.Errorf("take back %s: %w", key, err)
			}
		}
	}
	return sc, b, nil
}

// xpEntry maps an award of the score package onto a ledger entry.
func (s *Service) xpEntry(userID uuid.UUID, a score.Award) XPEntry {
	e := XPEntry{UserID: userID, Key: a.Key, Date: a.Date, Kind: string(a.Kind), Points: a.Points,
		Reason: a.Reason, Code: a.Code, CreatedAt: s.now()}
	if id, err := uuid.Parse(a.ItemID); err == nil {
		e.ItemID = id
	}
	for _, p := range a.Parts {
		e.Parts = append(e.Parts, XPPart{Name: p.Name, Points: p.Points})
	}
	return e
}

// dayScores maps a breakdown onto the stored scores.
func dayScores(userID uuid.UUID, b score.Breakdown) DayScores {
	sc := DayScores{UserID: userID, Date: b.Date,
		Sleep: domainScore(b.Sleep), Activity: domainScore(b.Activity), WorkLife: domainScore(b.WorkLife), Habits: domainScore(b.Habits)}
	if b.Life.Value.Valid {
		v := b.Life.Value.Decimal
		sc.Life = &v
		sc.LifeParts = contributors(b.Life.Contributors)
	}
	return sc
}

func domainScore(d *score.DomainScore) *DomainScore {
	if d == nil {
		return nil
	}
	return &DomainScore{Value: d.Value, Contributors: contributors(d.Contributors)}
}

func contributors(cs []score.Contributor) []Contributor {
	out := make([]Contributor, 0, len(cs))
	for _, c := range cs {
		lc := Contributor{Name: c.Name, Value: c.Value, Weight: c.Weight, Effect: c.Effect, Input: c.Input}
		for _, p := range c.Parts {
			lc.Parts = append(lc.Parts, ContributorPart{Name: p.Name, Value: p.Value})
		}
		out = append(out, lc)
	}
	return out
}

// breakdownOf maps stored scores back onto a breakdown, for the message.
func breakdownOf(sc DayScores) score.Breakdown {
	b := score.Breakdown{Date: sc.Date}
	set := func(d score.Domain, ds *DomainScore) *score.DomainScore {
		if ds == nil {
			return nil
		}
		return &score.DomainScore{Domain: d, Value: ds.Value}
	}
	b.Sleep, b.Activity = set(score.DomainSleep, sc.Sleep), set(score.DomainActivity, sc.Activity)
	b.WorkLife, b.Habits = set(score.DomainWorkLife, sc.WorkLife), set(score.DomainHabits, sc.Habits)
	if sc.Life != nil {
		b.Life.Value = decimal.NewNullDecimal(*sc.Life)
	}
	for _, d := range sc.Missing() {
		b.Life.Missing = append(b.Life.Missing, score.Domain(d))
	}
	b.Life.Missing = slices.Clip(b.Life.Missing)
	return b
}
