package lifeops

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// Domain names one area of life that gets a daily score: the score
// package's, which defines them.
type Domain = score.Domain

// The scored domains, in the order they are shown.
const (
	DomainSleep    = score.DomainSleep
	DomainActivity = score.DomainActivity
	DomainWorkLife = score.DomainWorkLife
	DomainHabits   = score.DomainHabits
)

// Domains returns every domain in display order.
func Domains() []Domain { return score.AllDomains() }

// Contributor is one input of a score, so a screen can say why the score is
// what it is (see score.Contributor, which this is): the input's own Value
// on 0–100, its Weight (its share of the score; the shares sum to 1), and
// its Effect, the points it adds to the score.
type Contributor = score.Contributor

// maxContributor bounds a contributor's value, weight and effect: far
// beyond any a score computes, near enough to keep them cheap to handle.
const maxContributor = 1_000_000_000

// ContributorPart is one of a provider's own contributors behind a provider
// score, as the provider reported it (0–100): a score.Part.
type ContributorPart = score.Part

// DomainScore is one domain's score for a day, on 0–100, with its
// contributors.
type DomainScore struct {
	Value        decimal.Decimal `json:"value"`
	Contributors []Contributor   `json:"contributors"`
}

// DayScores are a person's scores for one of their days, as computed and
// stored by the Service. A nil domain had no data that day: it is absent,
// never zero, and the Life Score is the weighted mean over the domains
// present. Life is nil only when every domain is absent. Keyed by (user,
// date); storing a day again replaces it.
type DayScores struct {
	UserID     uuid.UUID        `json:"-"`
	Date       civil.Date       `json:"date"`
	Life       *decimal.Decimal `json:"life_score"`
	LifeParts  []Contributor    `json:"life_contributors,omitempty"` // each domain's effect on the Life Score
	Sleep      *DomainScore     `json:"sleep"`
	Activity   *DomainScore     `json:"activity"`
	WorkLife   *DomainScore     `json:"work_life"`
	Habits     *DomainScore     `json:"habits"`
	ComputedAt time.Time        `json:"computed_at"`
	// State is what the Service counted through the end of the day
	// (streaks, achievement measures, habit strength), so that it counts
	// later days on from here; nil for a day not over when it was scored.
	// Stores keep it byte for byte and never read it; it is derived, so
	// an export leaves it out and the Service counts it again.
	State json.RawMessage `json:"-"`
}

// Domain returns the score of d, nil when it is absent or d is unknown.
func (s DayScores) Domain(d Domain) *DomainScore {
	switch d {
	case DomainSleep:
		return s.Sleep
	case DomainActivity:
		return s.Activity
	case DomainWorkLife:
		return s.WorkLife
	case DomainHabits:
		return s.Habits
	}
	return nil
}

// Missing returns the domains with no score, in display order.
func (s DayScores) Missing() []Domain {
	var out []Domain
	for _, d := range Domains() {
		if s.Domain(d) == nil {
			out = append(out, d)
		}
	}
	return out
}

// Validate checks s. It returns nil, or one *ValidationError per bad field
// joined with errors.Join.
func (s DayScores) Validate() error {
	var p problems
	if s.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	if !s.Date.IsValid() {
		p.add("date", "must be a real date")
	}
	if s.Life != nil {
		if why := decimalProblem(*s.Life, 0, 100, maxDecimalPlaces); why != "" {
			p.add("life_score", "%s, got %s", why, shortDecimal(*s.Life))
		}
	}
	if s.Life == nil && len(s.Missing()) < len(Domains()) {
		p.add("life_score", "is required when a domain has a score")
	}
	for _, d := range Domains() {
		ds := s.Domain(d)
		if ds == nil {
			continue
		}
		if why := decimalProblem(ds.Value, 0, 100, maxDecimalPlaces); why != "" {
			p.add(string(d)+".value", "%s, got %s", why, shortDecimal(ds.Value))
		}
		for i, c := range ds.Contributors {
			field := fmt.Sprintf("%s.contributors[%d]", d, i)
			if c.Name == "" || len(c.Name) > 64 {
				p.add(string(d)+".contributors", "names must have 1 to 64 bytes")
			}
			p.checkText(field+".name", c.Name)
			p.checkText(field+".input", c.Input)
			for j, part := range c.Parts {
				p.checkText(fmt.Sprintf("%s.parts[%d].name", field, j), part.Name)
			}
			for _, x := range []struct {
				name string
				v    decimal.Decimal
			}{{"value", c.Value}, {"weight", c.Weight}, {"effect", c.Effect}} {
				if why := decimalProblem(x.v, -maxContributor, maxContributor, maxDecimalPlaces); why != "" {
					p.add(field+"."+x.name, "%s, got %s", why, shortDecimal(x.v))
				}
			}
		}
	}
	return p.err()
}

// ScoresDay is one day of stored scores as the HTTP API writes it (an
// element of GET /v1/me/scores): the scores as JSON numbers with one decimal
// place, an absent domain null and named in Missing. DayScores' own JSON is
// the storage and export form, with exact decimals.
type ScoresDay struct {
	Date      civil.Date         `json:"date"`
	LifeScore *Number            `json:"life_score"` // null when every domain is absent
	Missing   []Domain           `json:"missing"`
	LifeParts []TodayContributor `json:"life_contributors"`
	Sleep     *TodayDomain       `json:"sleep"`
	Activity  *TodayDomain       `json:"activity"`
	WorkLife  *TodayDomain       `json:"work_life"`
	Habits    *TodayDomain       `json:"habits"`
}

// View returns s in the shape the HTTP API writes.
func (s DayScores) View() ScoresDay {
	v := ScoresDay{Date: s.Date, Missing: s.Missing(), LifeParts: viewContributors(s.LifeParts)}
	if v.Missing == nil {
		v.Missing = []Domain{}
	}
	if s.Life != nil {
		v.LifeScore = &Number{*s.Life}
	}
	dom := func(d *DomainScore) *TodayDomain {
		if d == nil {
			return nil
		}
		return &TodayDomain{Value: Number{d.Value}, Contributors: viewContributors(d.Contributors)}
	}
	v.Sleep, v.Activity, v.WorkLife, v.Habits = dom(s.Sleep), dom(s.Activity), dom(s.WorkLife), dom(s.Habits)
	return v
}
