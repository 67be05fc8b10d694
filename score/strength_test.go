package score_test

import (
	"errors"
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

const loopTolerance = 1e-6

// TestStrengthStepLoopReference reproduces Loop Habit Tracker's published
// ScoreTest vectors for Score.compute(freq, prev, check).
func TestStrengthStepLoopReference(t *testing.T) {
	t.Parallel()
	tests := []struct {
		freq, prev, check, want float64
	}{
		{1, 0, 1, 0.051922},
		{1, 0.5, 1, 0.525961},
		{1, 0.75, 1, 0.762981},
		{1, 0.5, 0, 0.474039},
		{1, 0.75, 0, 0.711058},
		{1.0 / 3, 0, 1, 0.030314},
		{1.0 / 3, 0.5, 1, 0.515157},
		{1.0 / 3, 0.75, 1, 0.757578},
		{1.0 / 3, 0.5, 0, 0.484842},
		{1.0 / 3, 0.75, 0, 0.727263},
	}
	for _, tt := range tests {
		got, err := score.StrengthStep(tt.freq, tt.prev, tt.check)
		if err != nil {
			t.Fatalf("StrengthStep(%v, %v, %v): %v", tt.freq, tt.prev, tt.check, err)
		}
		if math.Abs(got-tt.want) > loopTolerance {
			t.Errorf("StrengthStep(%v, %v, %v) = %.6f, want %.6f", tt.freq, tt.prev, tt.check, got, tt.want)
		}
	}
}

var today = civil.D(2026, 3, 20)

// marks builds a history from a map of "days ago" to status.
func marks(ago map[int]score.Status) []score.Mark {
	var out []score.Mark
	for n, st := range ago {
		out = append(out, score.Mark{Date: today.AddDays(-n), Status: st})
	}
	return out
}

func doneRange(from, to int) map[int]score.Status {
	m := map[int]score.Status{}
	for i := from; i < to; i++ {
		m[i] = score.Done
	}
	return m
}

// backwards returns the series values from Through backwards, n of them,
// padding with 0 before the first mark as Loop does.
func backwards(s score.Strength, n int) []float64 {
	out := make([]float64, n)
	for i := range n {
		if j := len(s.Series) - 1 - i; j >= 0 {
			out[i] = s.Series[j].Value
		}
	}
	return out
}

func approx(tol float64) cmp.Option {
	return cmp.Comparer(func(a, b float64) bool { return math.Abs(a-b) <= tol })
}

// TestHabitStrengthLoopReference reproduces Loop Habit Tracker's published
// ScoreListTest vectors within 1e-6.
func TestHabitStrengthLoopReference(t *testing.T) {
	t.Parallel()
	twenty := []float64{
		0.655747, 0.636894, 0.617008, 0.596033, 0.573910, 0.550574, 0.525961,
		0.500000, 0.472617, 0.443734, 0.413270, 0.381137, 0.347244, 0.311495,
		0.273788, 0.234017, 0.192067, 0.147820, 0.101149, 0.051922, 0, 0, 0,
	}
	withSkips := doneRange(0, 20)
	withSkips[5], withSkips[10], withSkips[11] = score.Skipped, score.Skipped, score.Skipped
	withSkip2 := map[int]score.Status{5: score.Done, 4: score.Skipped, 0: score.Missed}
	tests := []struct {
		name string
		ago  map[int]score.Status
		freq score.Frequency
		want []float64
	}{
		{"twenty daily checks", doneRange(0, 20), score.Daily(), twenty},
		{"skips carry the score", withSkips, score.Daily(), []float64{
			0.596033, 0.573910, 0.550574, 0.525961, 0.500000, 0.472617, 0.472617,
			0.443734, 0.413270, 0.381137, 0.347244, 0.347244, 0.347244, 0.311495,
			0.273788, 0.234017, 0.192067, 0.147820, 0.101149, 0.051922, 0, 0, 0,
		}},
		{"one check then a skip then misses", withSkip2, score.Daily(), []float64{
			0.041949, 0.044247, 0.046670, 0.049226, 0.051922, 0.051922, 0,
		}},
		{"two daily checks", doneRange(0, 2), score.Daily(), []float64{0.101149}},
		{"two checks of a 1-in-2 habit", doneRange(0, 2), score.Frequency{Times: 1, Days: 2}, []float64{0.054816}},
		{"one check", doneRange(0, 1), score.Daily(), []float64{0.051922}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := score.HabitStrength(score.StrengthInput{Marks: marks(tt.ago), Frequency: tt.freq, Through: today})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, backwards(got, len(tt.want)), approx(loopTolerance)); diff != "" {
				t.Errorf("series (-want +got):\n%s", diff)
			}
			if math.Abs(got.Exact-tt.want[0]) > loopTolerance {
				t.Errorf("Exact = %.6f, want %.6f", got.Exact, tt.want[0])
			}
		})
	}
}

// TestHabitStrengthLoopConvergence reproduces Loop's long-run behaviour:
// 2 of 3-a-week converges to 2/3, 2 of 4-a-week to 1/2, a weekly habit on
// varying weekdays to 1, and a daily habit passes 0.99 within 90 days.
func TestHabitStrengthLoopConvergence(t *testing.T) {
	t.Parallel()
	twoAWeek := map[int]score.Status{}
	irregular := map[int]score.Status{}
	for k := range 100 {
		twoAWeek[7*k], twoAWeek[7*k+1] = score.Done, score.Done
		irregular[14*k] = score.Done
		irregular[14*k+13] = score.Done
	}
	for i := range 700 {
		if _, ok := twoAWeek[i]; !ok {
			twoAWeek[i] = score.Missed
		}
	}
	tests := []struct {
		name string
		ago  map[int]score.Status
		freq score.Frequency
		want float64
		tol  float64
	}{
		{"2 of 3 a week", twoAWeek, score.Frequency{Times: 3, Days: 7}, 2.0 / 3, loopTolerance},
		{"2 of 4 a week", twoAWeek, score.Frequency{Times: 4, Days: 7}, 0.5, loopTolerance},
		{"weekly on varying days", irregular, score.Frequency{Times: 1, Days: 7}, 1, 1e-3},
		{"daily for 90 days", doneRange(0, 90), score.Daily(), 0.995, 0.005},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := score.HabitStrength(score.StrengthInput{Marks: marks(tt.ago), Frequency: tt.freq, Through: today})
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got.Exact-tt.want) > tt.tol {
				t.Errorf("Exact = %.6f, want %.6f ± %g", got.Exact, tt.want, tt.tol)
			}
		})
	}
}

func TestHabitStrengthInvalid(t *testing.T) {
	t.Parallel()
	_, err := score.HabitStrength(score.StrengthInput{Frequency: score.Frequency{Times: 3, Days: 2}, Through: today})
	if !errors.Is(err, score.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	got := score.FieldErrors(err)
	if len(got) != 1 || got[0].Field != "frequency.times" {
		t.Errorf("FieldErrors = %v, want one for frequency.times", got)
	}
}
