package score

import (
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// MessageInput is what today's message is chosen from.
type MessageInput struct {
	// Today is today's breakdown (from [Compute]).
	Today Breakdown
	// Yesterday is yesterday's breakdown, if there is one.
	Yesterday *Breakdown
	// Streak is the day-goal streak as of today (from [CountStreak]), if any.
	Streak *Streak
	// New are the achievements unlocked today (from [Evaluate]).
	New []Unlock
}

// Message is today's message and the codes of the rules that chose it.
type Message struct {
	Text  string   `json:"text"`
	Rules []string `json:"rules"`
}

// Life Score bands, after the ring's own: 85 and up optimal, 70 good, 60
// fair, below that "pay attention".
const (
	BandOptimal = 85
	BandGood    = 70
	BandFair    = 60
)

// MoverThreshold is the smallest change against yesterday, in points, that
// the message calls out.
const MoverThreshold = 5

// TodayMessage picks the day's message by fixed rules, so the same input
// always gives the same text, and the text is never blank.
//
// The first sentence reads the Life Score band ("band_optimal",
// "band_good", "band_fair", "band_attention"), or says there is no score yet
// ("no_data"). A second sentence is added by the first rule that applies:
//
//  1. "streak_at_risk": a day-goal streak of 2 days or more is at risk today;
//  2. "streak_milestone": the streak reached a milestone (3, 7, 14, 21, 30,
//     50, 75, 100, 150, 200, 365 days, then every 100) today;
//  3. "achievement": an achievement was unlocked today (the first in catalog
//     order is named);
//  4. "mover": a domain moved MoverThreshold points or more against
//     yesterday (the largest move; on a tie, the first domain);
//  5. "missing_data": a domain has no data today (the first is named);
//  6. "weakest": the lowest domain today, when below BandFair.
//
// The error is a [*ValidationError] for a score outside 0–100.
func TodayMessage(in MessageInput) (Message, error) {
	if err := checkBreakdown(in.Today, "today"); err != nil {
		return Message{}, err
	}
	if in.Yesterday != nil {
		if err := checkBreakdown(*in.Yesterday, "yesterday"); err != nil {
			return Message{}, err
		}
	}
	var m Message
	var text []string
	if v := in.Today.Life.Value; v.Valid {
		code, s := band(v.Decimal)
		m.Rules = append(m.Rules, code)
		text = append(text, s)
	} else {
		m.Rules = append(m.Rules, "no_data")
		text = append(text, "No scores yet today: sync your ring or complete an item to get started.")
	}
	if code, s := highlight(in); code != "" {
		m.Rules = append(m.Rules, code)
		text = append(text, s)
	}
	m.Text = strings.Join(text, " ")
	return m, nil
}

func checkBreakdown(b Breakdown, prefix string) error {
	var p problems
	check := func(field string, v decimal.Decimal) {
		if v.IsNegative() || v.GreaterThan(hundred) {
			p.add(prefix+"."+field, "must be between 0 and 100, got %s", v)
		}
	}
	if b.Life.Value.Valid {
		check("life_score.value", b.Life.Value.Decimal)
	}
	for _, d := range AllDomains() {
		if s := b.Domain(d); s != nil {
			check(string(d)+".value", s.Value)
		}
	}
	return p.err()
}

func band(v decimal.Decimal) (string, string) {
	s := v.StringFixed(ScorePlaces)
	switch {
	case v.GreaterThanOrEqual(decimal.NewFromInt(BandOptimal)):
		return "band_optimal", fmt.Sprintf("Life Score %s: an optimal day.", s)
	case v.GreaterThanOrEqual(decimal.NewFromInt(BandGood)):
		return "band_good", fmt.Sprintf("Life Score %s: a good day.", s)
	case v.GreaterThanOrEqual(decimal.NewFromInt(BandFair)):
		return "band_fair", fmt.Sprintf("Life Score %s: a fair day.", s)
	default:
		return "band_attention", fmt.Sprintf("Life Score %s: a day to go easy and look after the basics.", s)
	}
}

func domainTitle(d Domain) string {
	switch d {
	case DomainSleep:
		return "Sleep"
	case DomainActivity:
		return "Activity"
	case DomainWorkLife:
		return "Work-life"
	}
	return "Habits"
}

// isMilestone reports whether a streak length is celebrated: 3, 7, 14, 21,
// 30, 50, 75, 100, 150, 200, 365 days, then every multiple of 100.
func isMilestone(n int) bool {
	switch n {
	case 3, 7, 14, 21, 30, 50, 75, 100, 150, 200, 365:
		return true
	}
	return n > 365 && n%100 == 0
}

func highlight(in MessageInput) (string, string) {
	today := in.Today
	if s := in.Streak; s != nil {
		if s.AtRisk && s.Current >= 2 {
			if s.Freezes > 0 {
				return "streak_at_risk", fmt.Sprintf("Your %d-day streak is at risk: meet today's goal to keep it (a freeze will cover today if not).", s.Current)
			}
			return "streak_at_risk", fmt.Sprintf("Your %d-day streak is at risk: meet today's goal to keep it.", s.Current)
		}
		if !s.AtRisk && s.LastDone == today.Date && isMilestone(s.Current) {
			return "streak_milestone", fmt.Sprintf("%d days in a row. Keep it going!", s.Current)
		}
	}
	if len(in.New) > 0 {
		for _, a := range Catalog() {
			if slices.ContainsFunc(in.New, func(u Unlock) bool { return u.Code == a.Code }) {
				more := ""
				if n := len(in.New) - 1; n == 1 {
					more = " and 1 more"
				} else if n > 1 {
					more = fmt.Sprintf(" and %d more", n)
				}
				return "achievement", fmt.Sprintf("Achievement unlocked: %s%s.", a.Title, more)
			}
		}
	}
	if y := in.Yesterday; y != nil {
		var best Domain
		bestDelta := decimal.Zero
		for _, d := range AllDomains() {
			a, b := y.Domain(d), today.Domain(d)
			if a == nil || b == nil {
				continue
			}
			delta := b.Value.Sub(a.Value)
			if delta.Abs().GreaterThan(bestDelta.Abs()) {
				best, bestDelta = d, delta
			}
		}
		if best != "" && bestDelta.Abs().GreaterThanOrEqual(decimal.NewFromInt(MoverThreshold)) {
			dir := "up"
			if bestDelta.IsNegative() {
				dir = "down"
			}
			return "mover", fmt.Sprintf("%s is %s %s points on yesterday.", domainTitle(best), dir, bestDelta.Abs().StringFixed(ScorePlaces))
		}
	}
	if today.Life.Value.Valid && len(today.Life.Missing) > 0 {
		d := today.Life.Missing[0]
		if d == DomainSleep {
			return "missing_data", "Sleep data has not arrived yet; it usually syncs by mid-morning."
		}
		return "missing_data", fmt.Sprintf("No %s data yet today.", strings.ToLower(domainTitle(d)))
	}
	var low Domain
	var lowValue decimal.Decimal
	for _, d := range AllDomains() {
		if s := today.Domain(d); s != nil && (low == "" || s.Value.LessThan(lowValue)) {
			low, lowValue = d, s.Value
		}
	}
	if low != "" && lowValue.LessThan(decimal.NewFromInt(BandFair)) {
		return "weakest", fmt.Sprintf("%s is lowest at %s; a small step there helps most.", domainTitle(low), lowValue.StringFixed(ScorePlaces))
	}
	return "", ""
}
