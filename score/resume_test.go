package score_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// roundTrip stores v as JSON and reads it back, as a caller that keeps a
// state between calls does.
func roundTrip[T any](t *testing.T, v T) T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// randomCodes returns n day codes drawn from alphabet.
func randomCodes(r *rand.Rand, n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(b)
}

func codeStatus(ch byte) score.Status {
	switch ch {
	case 'D':
		return score.Done
	case 'M':
		return score.Missed
	case 'S':
		return score.Skipped
	case 'R':
		return score.Rest
	}
	return score.Pending
}

// A streak counted up to a day, stored, read back and counted on gives what
// counting every day at once gives, wherever the walk is cut.
func TestStreakStateResumesAsCountStreak(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	today := civil.D(2026, 3, 20)
	for round := range 300 {
		codes := randomCodes(r, 1+r.IntN(60), "DDDDMSRP")
		rules := score.StreakRules{FreezeEvery: r.IntN(5), MaxFreezes: r.IntN(3)}
		want, err := score.CountStreak(score.StreakInput{Marks: seq(today, codes), Today: today, Rules: rules})
		if err != nil {
			t.Fatal(err)
		}
		cut := r.IntN(len(codes) + 1)
		var st score.StreakState
		pending := false
		first := today.AddDays(1 - len(codes))
		for i := range len(codes) {
			if i == cut {
				st = roundTrip(t, st)
			}
			pending = st.Advance(rules, first.AddDays(i), codeStatus(codes[i]), today, false)
		}
		if diff := cmp.Diff(want, st.Streak(pending)); diff != "" {
			t.Fatalf("round %d: %s with rules %+v cut at %d (-CountStreak +resumed):\n%s", round, codes, rules, cut, diff)
		}
	}
}

// Habit strength counted up to a day, stored, read back and counted on
// gives what HabitStrength gives.
func TestStrengthStateResumesAsHabitStrength(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	today := civil.D(2026, 3, 20)
	freqs := []score.Frequency{score.Daily(), {Times: 3, Days: 7}, {Times: 5, Days: 7}, {Times: 1, Days: 30}}
	for round := range 200 {
		codes := randomCodes(r, 1+r.IntN(90), "DDDMSR")
		f := freqs[r.IntN(len(freqs))]
		want, err := score.HabitStrength(score.StrengthInput{Marks: seq(today, codes), Frequency: f, Through: today})
		if err != nil {
			t.Fatal(err)
		}
		cut := r.IntN(len(codes) + 1)
		var st score.StrengthState
		first := today.AddDays(1 - len(codes))
		for i := range len(codes) {
			if i == cut {
				st = roundTrip(t, st)
			}
			st.Advance(f, first.AddDays(i), codeStatus(codes[i]), i == len(codes)-1)
		}
		if st.Value != want.Exact || !st.Percent().Equal(want.Value) {
			t.Fatalf("round %d: %s at %+v cut at %d: resumed %v (%s), HabitStrength %v (%s)", round, codes, f, cut, st.Value, st.Percent(), want.Exact, want.Value)
		}
	}
}

// randomDay returns a day with data drawn at random, some fields absent.
func randomDay(r *rand.Rand, d civil.Date) score.Day {
	day := score.Day{Date: d}
	if r.IntN(4) > 0 {
		due := r.IntN(5)
		skipped := r.IntN(due + 1)
		done := r.IntN(due - skipped + 1)
		day.Habits = &score.Habits{Due: due, Skipped: skipped, Completed: done}
	}
	if r.IntN(3) > 0 {
		s := 60 + r.IntN(40)
		secs := 5*3600 + r.IntN(4*3600)
		day.Sleep = &score.Sleep{Score: &s, TotalSeconds: &secs}
	}
	if r.IntN(3) > 0 {
		steps := r.IntN(25000)
		day.Activity = &score.Activity{Steps: &steps}
	}
	if r.IntN(2) > 0 {
		m := r.IntN(600)
		day.Work = &score.Work{Minutes: m, AfterHoursMinutes: r.IntN(m/4 + 1)}
	}
	return day
}

// A tally counted up to a day, stored, read back and counted on reaches
// the same values, and each target on the same day, as Evaluate over the
// whole history.
func TestTallyResumesAsEvaluate(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	asOf := civil.D(2026, 3, 20)
	rules := score.DefaultStreakRules()
	for round := range 60 {
		n := 1 + r.IntN(120)
		first := asOf.AddDays(1 - n)
		h := score.History{Rules: rules, AsOf: asOf}
		xp := map[civil.Date]int64{}
		for i := range n {
			d := first.AddDays(i)
			if r.IntN(5) > 0 {
				h.Days = append(h.Days, randomDay(r, d))
			}
			if r.IntN(3) == 0 {
				p := int64(r.IntN(400))
				h.Awards = append(h.Awards, score.Award{Key: d.String(), Date: d, Points: p})
				xp[d] += p
			}
		}
		ev, err := score.Evaluate(h, nil)
		if err != nil {
			t.Fatal(err)
		}
		byDate := map[civil.Date]score.Day{}
		for _, d := range h.Days {
			byDate[d.Date] = d
		}
		cut := r.IntN(n + 1)
		var tally score.Tally
		reached := map[string]civil.Date{}
		for i := range n {
			d := first.AddDays(i)
			if i == cut {
				tally = roundTrip(t, tally)
			}
			day, ok := byDate[d]
			if !ok {
				day = score.Day{Date: d}
			}
			if _, _, err := tally.Step(score.TallyDay{Day: day, Rules: rules, AsOf: asOf, XP: xp[d]}); err != nil {
				t.Fatal(err)
			}
			for _, code := range tally.Reached() {
				if _, ok := reached[code]; !ok {
					reached[code] = d
				}
			}
		}
		want := map[string]civil.Date{}
		for _, u := range ev.New {
			want[u.Code] = u.Date
		}
		if diff := cmp.Diff(want, reached); diff != "" {
			t.Fatalf("round %d, cut at %d: unlock days (-Evaluate +resumed tally):\n%s", round, cut, diff)
		}
		for i, p := range tally.Progress(nil) {
			if p.Current != ev.Progress[i].Current && !ev.Progress[i].Unlocked {
				t.Fatalf("round %d: %s at %d, Evaluate says %d", round, p.Code, p.Current, ev.Progress[i].Current)
			}
		}
	}
}

// Step refuses a day that does not follow the last one counted.
func TestTallyStepRefusesAGap(t *testing.T) {
	t.Parallel()
	var tally score.Tally
	d := civil.D(2026, 3, 1)
	if _, _, err := tally.Step(score.TallyDay{Day: score.Day{Date: d}, AsOf: d}); err != nil {
		t.Fatal(err)
	}
	_, _, err := tally.Step(score.TallyDay{Day: score.Day{Date: d.AddDays(2)}, AsOf: d.AddDays(2)})
	if fe := score.FieldErrors(err); len(fe) != 1 || fe[0].Field != "day.date" {
		t.Fatalf("Step over a gap: %v, want one error for day.date", err)
	}
	if tally.Through != d {
		t.Fatalf("a refused step moved the tally to %s", tally.Through)
	}
}

// The day a tally steps gives the scores Compute gives for it.
func TestTallyStepScoresTheDay(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 8))
	d := civil.D(2026, 3, 1)
	day := randomDay(r, d)
	want, err := score.Compute(day, score.Goals{})
	if err != nil {
		t.Fatal(err)
	}
	var tally score.Tally
	got, _, err := tally.Step(score.TallyDay{Day: day, AsOf: d.AddDays(1)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })); diff != "" {
		t.Fatalf("(-Compute +Step):\n%s", diff)
	}
}
