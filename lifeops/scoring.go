package lifeops

import (
	"context"
	"slices"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// ScoreDay counts the person's day d again from what is stored (health,
// work, the timeline's completions) and every day after it up to their
// current day, in one unit of work: it stores their scores and standings
// and settles the day bonuses (the perfect-day and high-Life-Score awards
// are recorded when earned and taken back when no longer earned) and the
// achievements reached. It returns the scores of d. A zero date means the
// person's current day; days after it are refused. Scoring a day twice
// stores the same scores and awards nothing twice. The Service scores the
// days a write changes by itself; ScoreDay is for repairs and tests.
func (s *Service) ScoreDay(ctx context.Context, userID uuid.UUID, d civil.Date) (DayScores, error) {
	if !d.IsZero() && !d.IsValid() {
		return DayScores{}, invalid("date", "must be a real date")
	}
	var out DayScores
	err := s.update(ctx, userID, func(u *unit) error {
		h, err := u.load(ctx, d)
		if err != nil {
			return err
		}
		if d.IsZero() {
			d = h.today
		}
		if d.After(h.today) {
			return invalid("date", "must not be after today (%s)", h.today)
		}
		if _, err := u.recount(); err != nil {
			return err
		}
		if sc := h.scores[d]; sc != nil {
			out = *sc
			out.State = nil
		} else {
			out = DayScores{UserID: userID, Date: d}
		}
		return nil
	})
	return out, err
}

// Scores returns the stored scores of the user's days in [from, to], at
// most 3 years. Days never scored are absent.
func (s *Service) Scores(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]DayScores, error) {
	if err := checkRange(from, to, maxSyncDays); err != nil {
		return nil, err
	}
	return s.store.Scores(ctx, userID, from, to)
}

// Settled says what [Service.Settle] did.
type Settled struct {
	// Through is the person's last day that is over: every day up to it is
	// counted and stored with its standing.
	Through civil.Date `json:"through"`
	// Days is how many days this call counted; 0 when they were settled
	// already.
	Days int `json:"days"`
	// NewAchievements are the achievements this call unlocked.
	NewAchievements []Achievement `json:"new_achievements"`
}

// Settle settles the person's days that are over: their final scores,
// the items missed, the streak freezes spent, the day bonuses and the
// achievements reached, stored with each day's standing, so that reads
// count on from yesterday. The Service settles the days every write
// changes as part of that write; Settle is for the days nobody wrote to
// (the person did nothing, or a day simply ended), for a scheduler to run
// after each person's day ends. It is idempotent: a second call finds
// nothing to do and writes nothing.
func (s *Service) Settle(ctx context.Context, userID uuid.UUID) (Settled, error) {
	var out Settled
	err := s.update(ctx, userID, func(u *unit) error {
		h, err := u.load(ctx, civil.Date{})
		if err != nil {
			return err
		}
		out = Settled{Through: h.today.AddDays(-1), NewAchievements: []Achievement{}}
		start := h.next(u.st)
		if _, err := u.recount(); err != nil {
			return err
		}
		if start.Before(h.today) {
			out.Days = h.today.Sub(start)
		}
		out.NewAchievements = append(out.NewAchievements, u.unlocked...)
		return nil
	})
	return out, err
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

// contributors copies a breakdown's contributors for storing, never nil.
func contributors(cs []score.Contributor) []Contributor {
	out := make([]Contributor, 0, len(cs))
	for _, c := range cs {
		c.Parts = slices.Clone(c.Parts)
		out = append(out, c)
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
		b.Life.Missing = append(b.Life.Missing, d)
	}
	b.Life.Missing = slices.Clip(b.Life.Missing)
	return b
}
