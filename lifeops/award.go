package lifeops

import "github.com/lifeops/lifeops/score"

// CheckAward reports, as a *ValidationError, an entry the award rules of
// package score could not have given: an unknown kind, more points than
// the kind's largest award, bonuses that do not follow from the base
// points. Validate checks what a ledger can hold (the Service's own
// awards, and grants a host records through the store); CheckAward is for
// entries that claim to be awards and come from outside, such as an
// imported ledger.
func (e XPEntry) CheckAward() error {
	parts := make([]score.AwardPart, len(e.Parts))
	for i, p := range e.Parts {
		parts[i] = score.AwardPart{Name: p.Name, Points: p.Points}
	}
	return translate(score.CheckAward(score.AwardKind(e.Kind), e.Points, parts))
}
