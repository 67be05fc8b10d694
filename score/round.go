package score

import (
	"slices"

	"github.com/shopspring/decimal"
)

// The rounding rule, in one place. Every score and contributor value the
// package returns is rounded to ScorePlaces decimal places, half away from
// zero (so 72.25 shows as 72.3 and 72.24 as 72.2). A score is the weighted
// mean of its contributors' rounded values, computed exactly and rounded
// once, at the end; contributor effects are rounded down and the tenths
// still missing go to the largest remainders, so the effects add up exactly
// to the rounded score.
const ScorePlaces = 1

// WeightPlaces is the number of decimal places of a contributor's Weight as
// shown, and the most decimal places a Life Score weight may have. Shown
// weights are rounded; scores are computed with the exact shares.
const WeightPlaces = 4

var hundred = decimal.NewFromInt(100)

// Round applies the package's rounding rule to v: ScorePlaces decimal
// places, half away from zero.
func Round(v decimal.Decimal) decimal.Decimal { return v.Round(ScorePlaces) }

// Internally every value on 0–100 is an int64 count of tenths (0–1000) and
// every weight an integer, so the arithmetic below is exact.

// divRound returns n/d rounded half away from zero; d must be positive.
func divRound(n, d int64) int64 {
	if n < 0 {
		return -divRound(-n, d)
	}
	return (2*n + d) / (2 * d)
}

// tenths returns n/d×100 as tenths, rounded, clamped to 0–1000; d > 0.
func tenths(n, d int64) int64 {
	return clampTenths(divRound(n*1000, d))
}

func clampTenths(v int64) int64 { return min(max(v, 0), 1000) }

func fromTenths(v int64) decimal.Decimal { return decimal.New(v, -ScorePlaces) }

// component is one weighted input of a score.
type component struct {
	name   string
	value  int64 // tenths, 0–1000
	weight int64 // relative, non-negative
	input  string
	parts  []Part
}

// combine turns weighted components into a score and contributors under the
// rounding rule. It reports false when the weights sum to zero.
func combine(cs []component) (decimal.Decimal, []Contributor, bool) {
	var total, sum int64
	for _, c := range cs {
		total += c.weight
		sum += c.weight * c.value
	}
	if total <= 0 {
		return decimal.Decimal{}, nil, false
	}
	score := divRound(sum, total)
	out := make([]Contributor, len(cs))
	rems := make([]int64, len(cs))
	order := make([]int, len(cs))
	var floors int64
	for i, c := range cs {
		n := c.weight * c.value
		out[i] = Contributor{
			Name:   c.name,
			Value:  fromTenths(c.value),
			Weight: decimal.New(divRound(c.weight*10000, total), -WeightPlaces),
			Input:  c.input,
			Parts:  c.parts,
		}
		rems[i] = n % total
		floors += n / total
		order[i] = i
	}
	// Largest remainder: the tenths the floors miss go to the largest
	// remainders, the earlier contributor first on a tie.
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rems[a] > rems[b]:
			return -1
		case rems[a] < rems[b]:
			return 1
		}
		return 0
	})
	extra := make([]int64, len(cs))
	for k := int64(0); k < score-floors && int(k) < len(order); k++ {
		extra[order[k]] = 1
	}
	for i, c := range cs {
		out[i].Effect = fromTenths(c.weight*c.value/total + extra[i])
	}
	return fromTenths(score), out, true
}
