package score

import (
	"math/big"
	"slices"

	"github.com/shopspring/decimal"
)

// The rounding rule, in one place. Every score and contributor value the
// package returns is rounded to ScorePlaces decimal places, half away from
// zero (so 72.25 shows as 72.3 and 72.24 as 72.2), and every score is
// rounded exactly once, from an exactly computed mean:
//
//   - a contributor's value is a measurement against a goal (7h 13m of 8h
//     is 90.2), rounded to a tenth when it is measured; that tenth is the
//     value shown and the value its domain uses;
//   - a domain's score is the weighted mean of its contributors' values,
//     computed exactly and rounded once;
//   - the Life Score is the weighted mean of the domains' exact means (not
//     of their rounded scores), computed exactly and rounded once, so
//     domains of 80.04, 70.04 and 60.04 give 70.0 (their rounded 80, 70 and
//     60 would too), and domains whose exact mean is 72.619 give 72.6 even
//     when their rounded scores average 72.7.
//
// Contributor effects are the exact weighted terms of the mean, rounded
// down, with the tenths still missing handed to the largest remainders, so
// the effects add up exactly to the rounded score. Shown weights are
// apportioned the same way, so they add up to exactly 1.
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
	source string
	parts  []Part
}

// combine turns weighted components into a score and contributors under the
// rounding rule, and returns the exact mean (in tenths) beside the rounded
// score. It reports false when the weights sum to zero.
func combine(cs []component) (decimal.Decimal, *big.Rat, []Contributor, bool) {
	var total, sum int64
	for _, c := range cs {
		total += c.weight
		sum += c.weight * c.value
	}
	if total <= 0 {
		return decimal.Decimal{}, nil, nil, false
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
			Source: c.source,
			Parts:  c.parts,
		}
	}
	return fromTenths(score), big.NewRat(sum, total), out, true
}

// combineExact is combine for components whose values are exact fractions
// of tenths: the weighted mean is computed exactly, rounded once, and the
// effects are the exact weighted terms apportioned to add up to it. values
// and weights are parallel; shown are the contributor values to display.
func combineExact(names []string, shown []decimal.Decimal, values []*big.Rat, weights []int64) (decimal.Decimal, []Contributor, bool) {
	var total int64
	for _, w := range weights {
		total += w
	}
	if total <= 0 {
		return decimal.Decimal{}, nil, false
	}
	// Each term is weight × value / total tenths; write them all over one
	// denominator so that the apportioning works on integers.
	den := big.NewInt(total)
	for _, v := range values {
		den.Mul(den, v.Denom())
	}
	terms := make([]*big.Int, len(values))
	sum := new(big.Int)
	for i, v := range values {
		t := new(big.Int).Mul(v.Num(), big.NewInt(weights[i]))
		t.Mul(t, new(big.Int).Quo(den, new(big.Int).Mul(v.Denom(), big.NewInt(total))))
		terms[i] = t
		sum.Add(sum, t)
	}
	score := roundRatio(sum, den)
	effects := apportionBig(terms, den, score)
	shares := make([]int64, len(weights))
	for i, w := range weights {
		shares[i] = w * 10000
	}
	shares = apportion(shares, total, 10000)
	out := make([]Contributor, len(values))
	for i := range values {
		out[i] = Contributor{
			Name:   names[i],
			Value:  shown[i],
			Weight: decimal.New(shares[i], -WeightPlaces),
			Effect: fromTenths(effects[i]),
		}
	}
	return fromTenths(score), out, true
}

// roundRatio returns n/d rounded half away from zero, for n ≥ 0 and d > 0.
func roundRatio(n, d *big.Int) int64 {
	q := new(big.Int).Mul(n, big.NewInt(2))
	q.Add(q, d)
	q.Quo(q, new(big.Int).Mul(d, big.NewInt(2)))
	return q.Int64()
}

// apportionBig is apportion for big numerators over one denominator d: each
// n/d rounded down, the units still missing to reach sum handed to the
// largest remainders, the earlier one first on a tie.
func apportionBig(ns []*big.Int, d *big.Int, sum int64) []int64 {
	out := make([]int64, len(ns))
	rems := make([]*big.Int, len(ns))
	order := make([]int, len(ns))
	for i, n := range ns {
		q, r := new(big.Int).QuoRem(n, d, new(big.Int))
		out[i], rems[i], order[i] = q.Int64(), r, i
		sum -= out[i]
	}
	slices.SortStableFunc(order, func(a, b int) int { return -rems[a].Cmp(rems[b]) })
	for k := 0; int64(k) < sum && k < len(order); k++ {
		out[order[k]]++
	}
	return out
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
