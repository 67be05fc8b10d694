package score

import (
	"slices"

	"github.com/shopspring/decimal"
)

// The rounding rule, in one place. Every score and contributor value the
// package returns is rounded to ScorePlaces decimal places, half away from
// zero (so 72.25 shows as 72.3 and 72.24 as 72.2). Sums are formed from the
// rounded contributor values and rounded once, at the end; contributor
// effects are rounded with the largest-remainder method so that they add up
// exactly to the rounded score.
const ScorePlaces = 1

// WeightPlaces is the number of decimal places of a contributor's Weight.
// Weights are shown rounded; the score is computed with the exact shares.
const WeightPlaces = 4

// divPlaces is the precision of intermediate divisions, far below what
// rounding to ScorePlaces can see.
const divPlaces = 12

var (
	hundred = decimal.NewFromInt(100)
	zero    = decimal.Zero
)

// Round applies the package's rounding rule to v: ScorePlaces decimal
// places, half away from zero.
func Round(v decimal.Decimal) decimal.Decimal { return v.Round(ScorePlaces) }

func clamp100(v decimal.Decimal) decimal.Decimal {
	if v.IsNegative() {
		return zero
	}
	if v.GreaterThan(hundred) {
		return hundred
	}
	return v
}

// ratio100 returns num/den×100 clamped to 0–100; den must be positive.
func ratio100(num, den int64) decimal.Decimal {
	return clamp100(decimal.NewFromInt(num).Mul(hundred).DivRound(decimal.NewFromInt(den), divPlaces))
}

// component is one weighted input of a score before rounding.
type component struct {
	name   string
	value  decimal.Decimal // 0–100, exact
	weight decimal.Decimal // relative, non-negative
	input  string
	parts  []Part
}

// combine turns weighted components into a score and contributors under the
// rounding rule. It reports false when the weights sum to zero.
func combine(cs []component) (decimal.Decimal, []Contributor, bool) {
	total := zero
	for _, c := range cs {
		total = total.Add(c.weight)
	}
	if !total.IsPositive() {
		return zero, nil, false
	}
	exact := make([]decimal.Decimal, len(cs))
	sum := zero
	out := make([]Contributor, len(cs))
	for i, c := range cs {
		v := Round(c.value)
		exact[i] = c.weight.Mul(v).DivRound(total, divPlaces)
		sum = sum.Add(exact[i])
		out[i] = Contributor{
			Name:   c.name,
			Value:  v,
			Weight: c.weight.DivRound(total, WeightPlaces),
			Input:  c.input,
			Parts:  c.parts,
		}
	}
	score := Round(sum)
	effects := apportion(exact, score)
	for i := range out {
		out[i].Effect = effects[i]
	}
	return score, out, true
}

// apportion rounds the non-negative values xs to ScorePlaces so that the
// rounded values add up exactly to total, which must be the rounded sum of
// xs: each value is rounded down, and the units still missing go to the
// values with the largest remainders (the earlier one on a tie).
func apportion(xs []decimal.Decimal, total decimal.Decimal) []decimal.Decimal {
	unit := decimal.New(1, -ScorePlaces)
	out := make([]decimal.Decimal, len(xs))
	rems := make([]int, len(xs))
	floorSum := zero
	for i, x := range xs {
		out[i] = x.RoundFloor(ScorePlaces)
		floorSum = floorSum.Add(out[i])
		rems[i] = i
	}
	missing := total.Sub(floorSum).Div(unit).IntPart()
	slices.SortStableFunc(rems, func(a, b int) int {
		ra := xs[a].Sub(out[a])
		rb := xs[b].Sub(out[b])
		return rb.Cmp(ra)
	})
	for k := int64(0); k < missing && int(k) < len(rems); k++ {
		i := rems[k]
		out[i] = out[i].Add(unit)
	}
	return out
}
