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
// to the rounded score. Shown weights are apportioned the same way, so they
// add up to exactly 1.
const ScorePlaces = 1

// WeightPlaces is the number of decimal places of a contributor's Weight as
// shown, and the most decimal places a Life Score weight may have. Shown
// weights are apportioned to add up to 1; scores are computed with the exact
// shares.
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
	effects := make([]int64, len(cs))
	shares := make([]int64, len(cs))
	for i, c := range cs {
		effects[i] = c.weight * c.value
		shares[i] = c.weight * 10000
	}
	effects = apportion(effects, total, score)
	shares = apportion(shares, total, 10000)
	out := make([]Contributor, len(cs))
	for i, c := range cs {
		out[i] = Contributor{
			Name:   c.name,
			Value:  fromTenths(c.value),
			Weight: decimal.New(shares[i], -WeightPlaces),
			Effect: fromTenths(effects[i]),
			Input:  c.input,
			Parts:  c.parts,
		}
	}
	return fromTenths(score), out, true
}

// apportion divides each of ns by total, rounding down, and hands the units
// still missing to reach sum to the largest remainders, the earlier one
// first on a tie (the largest remainder method). sum must be the rounded
// total of the exact quotients, which leaves at most one unit for each.
// It reuses ns for the result.
func apportion(ns []int64, total, sum int64) []int64 {
	rems := make([]int64, len(ns))
	order := make([]int, len(ns))
	for i, n := range ns {
		rems[i] = n % total
		ns[i] = n / total
		sum -= ns[i]
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case rems[a] > rems[b]:
			return -1
		case rems[a] < rems[b]:
			return 1
		}
		return 0
	})
	for k := 0; int64(k) < sum && k < len(order); k++ {
		ns[order[k]]++
	}
	return ns
}
