package score_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/shopspring/decimal"
)

var equateDecimal = cmp.Comparer(func(a, b decimal.Decimal) bool { return a.Equal(b) })

func d(s string) decimal.Decimal { return decimal.RequireFromString(s) }

func c(name, value, weight, effect, input string, parts ...score.Part) score.Contributor {
	return score.Contributor{Name: name, Value: d(value), Weight: d(weight), Effect: d(effect), Input: input, Parts: parts}
}

func fullDay() score.Day {
	return score.Day{
		Date: civil.D(2026, 3, 10),
		Sleep: &score.Sleep{
			Score:        score.Int(80),
			Contributors: map[string]int{"rem_sleep": 70, "deep_sleep": 90},
			TotalSeconds: score.Int(7 * 3600),
			Efficiency:   score.Int(89),
		},
		Readiness: &score.Readiness{Score: score.Int(70)},
		Activity:  &score.Activity{Score: score.Int(90), Steps: score.Int(6000)},
		Work:      &score.Work{Minutes: 540, AfterHoursMinutes: 30, MeetingMinutes: score.Int(180), BreakMinutes: score.Int(30)},
		Habits:    &score.Habits{Due: 5, Completed: 3, Skipped: 1, OnTime: score.Int(2)},
	}
}

func TestComputeFullDay(t *testing.T) {
	t.Parallel()
	got, err := score.Compute(fullDay(), score.Goals{})
	if err != nil {
		t.Fatal(err)
	}
	want := score.Breakdown{
		Date: civil.D(2026, 3, 10),
		Sleep: &score.DomainScore{Domain: score.DomainSleep, Value: d("79.5"), Contributors: []score.Contributor{
			c("sleep_score", "80", "0.5", "40", "ring sleep score 80", score.Part{Name: "deep_sleep", Value: 90}, score.Part{Name: "rem_sleep", Value: 70}),
			c("readiness", "70", "0.2", "14", "ring readiness score 70"),
			c("total_sleep", "87.5", "0.2", "17.5", "7h 00m of 8h 00m"),
			c("efficiency", "80", "0.1", "8", "89% of time in bed asleep"),
		}},
		Activity: &score.DomainScore{Domain: score.DomainActivity, Value: d("84"), Contributors: []score.Contributor{
			c("activity_score", "90", "0.6", "54", "ring activity score 90"),
			c("steps", "75", "0.4", "30", "6000 of 8000 steps"),
		}},
		WorkLife: &score.DomainScore{Domain: score.DomainWorkLife, Value: d("76.7"), Contributors: []score.Contributor{
			c("workload", "75", "0.4", "30", "9h 00m worked of a 8h 00m goal"),
			c("after_hours", "75", "0.4", "30", "0h 30m after hours, 0h 00m allowed"),
			c("meetings", "100", "0.1", "10", "3h 00m of meetings"),
			c("breaks", "66.7", "0.1", "6.7", "0h 30m of breaks"),
		}},
		Habits: &score.DomainScore{Domain: score.DomainHabits, Value: d("73.3"), Contributors: []score.Contributor{
			c("completed", "75", "0.8", "60", "3 of 4 items done, 1 skipped"),
			c("on_time", "66.7", "0.2", "13.3", "2 of 3 done on time"),
		}},
		Life: score.LifeScore{
			Value: decimal.NewNullDecimal(d("78.4")),
			Contributors: []score.Contributor{
				// 78.375 exactly; effects 19.875, 21, 19.175, 18.325 apportioned.
				c("sleep", "79.5", "0.25", "19.9", ""),
				c("activity", "84", "0.25", "21", ""),
				c("work_life", "76.7", "0.25", "19.2", ""),
				c("habits", "73.3", "0.25", "18.3", ""),
			},
			Missing: []score.Domain{},
		},
	}
	if diff := cmp.Diff(want, got, equateDecimal); diff != "" {
		t.Errorf("Compute (-want +got):\n%s", diff)
	}
	assertEffectsAddUp(t, got)
}

// assertEffectsAddUp checks the explainability promise: the effects of every
// score's contributors add up exactly to the score, and weights to about 1.
func assertEffectsAddUp(t *testing.T, b score.Breakdown) {
	t.Helper()
	check := func(name string, v decimal.Decimal, cs []score.Contributor) {
		sum, wsum := decimal.Zero, decimal.Zero
		for _, c := range cs {
			sum = sum.Add(c.Effect)
			wsum = wsum.Add(c.Weight)
		}
		if !sum.Equal(v) {
			t.Errorf("%s: effects add up to %s, score is %s", name, sum, v)
		}
		if len(cs) > 0 && !wsum.IsZero() && !wsum.Equal(decimal.NewFromInt(1)) {
			t.Errorf("%s: weights add up to %s, not 1", name, wsum)
		}
		if v.IsNegative() || v.GreaterThan(decimal.NewFromInt(100)) || !v.Equal(v.Round(1)) {
			t.Errorf("%s: score %s is not on 0–100 with one decimal", name, v)
		}
	}
	for _, dm := range score.AllDomains() {
		if s := b.Domain(dm); s != nil {
			check(string(dm), s.Value, s.Contributors)
		}
	}
	if b.Life.Value.Valid {
		check("life", b.Life.Value.Decimal, b.Life.Contributors)
	}
}

func TestComputeAbsentDomains(t *testing.T) {
	t.Parallel()
	w := score.Weights{Sleep: d("2"), Activity: d("1"), WorkLife: d("1"), Habits: d("1")}
	tests := []struct {
		name    string
		day     score.Day
		goals   score.Goals
		present []score.Domain
		missing []score.Domain
		life    string // "" when absent
	}{
		{"nothing at all", score.Day{Date: civil.D(2026, 3, 10)}, score.Goals{}, nil,
			[]score.Domain{score.DomainSleep, score.DomainActivity, score.DomainWorkLife, score.DomainHabits}, ""},
		{"empty sections are no data, not zero", score.Day{Date: civil.D(2026, 3, 10), Sleep: &score.Sleep{}, Activity: &score.Activity{}, Readiness: &score.Readiness{}, Habits: &score.Habits{}},
			score.Goals{}, nil, []score.Domain{score.DomainSleep, score.DomainActivity, score.DomainWorkLife, score.DomainHabits}, ""},
		{"everything skipped leaves habits absent", score.Day{Date: civil.D(2026, 3, 10), Habits: &score.Habits{Due: 3, Skipped: 3}},
			score.Goals{}, nil, []score.Domain{score.DomainSleep, score.DomainActivity, score.DomainWorkLife, score.DomainHabits}, ""},
		{"sleep and habits, weighted 2:1, re-normalised", score.Day{Date: civil.D(2026, 3, 10), Sleep: &score.Sleep{Score: score.Int(90)}, Habits: &score.Habits{Due: 2, Completed: 1}},
			score.Goals{Weights: &w}, []score.Domain{score.DomainSleep, score.DomainHabits}, []score.Domain{score.DomainActivity, score.DomainWorkLife}, "76.7"},
		{"a day off scores 100 for work-life", score.Day{Date: civil.D(2026, 3, 10), Work: &score.Work{}},
			score.Goals{}, []score.Domain{score.DomainWorkLife}, []score.Domain{score.DomainSleep, score.DomainActivity, score.DomainHabits}, "100"},
		{"a zero-weight domain is present but outside the mean", score.Day{Date: civil.D(2026, 3, 10), Sleep: &score.Sleep{Score: score.Int(50)}, Activity: &score.Activity{Score: score.Int(100)}},
			score.Goals{Weights: &score.Weights{Activity: d("1")}}, []score.Domain{score.DomainSleep, score.DomainActivity}, []score.Domain{score.DomainWorkLife, score.DomainHabits}, "100"},
		{"only zero-weight domains present: no Life Score", score.Day{Date: civil.D(2026, 3, 10), Sleep: &score.Sleep{Score: score.Int(50)}},
			score.Goals{Weights: &score.Weights{Activity: d("1")}}, []score.Domain{score.DomainSleep}, []score.Domain{score.DomainActivity, score.DomainWorkLife, score.DomainHabits}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := score.Compute(tt.day, tt.goals)
			if err != nil {
				t.Fatal(err)
			}
			var present []score.Domain
			for _, dm := range score.AllDomains() {
				if b.Domain(dm) != nil {
					present = append(present, dm)
				}
			}
			if diff := cmp.Diff(tt.present, present); diff != "" {
				t.Errorf("present (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.missing, b.Life.Missing); diff != "" {
				t.Errorf("missing (-want +got):\n%s", diff)
			}
			var life string
			if b.Life.Value.Valid {
				life = b.Life.Value.Decimal.String()
			}
			if life != tt.life {
				t.Errorf("life = %q, want %q", life, tt.life)
			}
			assertEffectsAddUp(t, b)
		})
	}
}

// TestSkipIsNeutral: skipping an item scores the day as if it had not been due.
func TestSkipIsNeutral(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ due, done int }{{4, 3}, {5, 0}, {2, 2}, {10, 7}} {
		notDue, err := score.Compute(score.Day{Date: civil.D(2026, 3, 10), Habits: &score.Habits{Due: tc.due, Completed: tc.done}}, score.Goals{})
		if err != nil {
			t.Fatal(err)
		}
		for skipped := 1; skipped <= 3; skipped++ {
			withSkips, err := score.Compute(score.Day{Date: civil.D(2026, 3, 10), Habits: &score.Habits{Due: tc.due + skipped, Completed: tc.done, Skipped: skipped}}, score.Goals{})
			if err != nil {
				t.Fatal(err)
			}
			if !withSkips.Habits.Value.Equal(notDue.Habits.Value) {
				t.Errorf("due %d done %d skipped %d: habits %s, want %s as without the skipped items", tc.due+skipped, tc.done, skipped, withSkips.Habits.Value, notDue.Habits.Value)
			}
		}
	}
}

func TestComputeContributorsTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		day    score.Day
		goals  score.Goals
		domain score.Domain
		want   map[string]string // contributor name → value
		score  string
	}{
		{"efficiency floor", score.Day{Sleep: &score.Sleep{Efficiency: score.Int(60)}}, score.Goals{}, score.DomainSleep, map[string]string{"efficiency": "0"}, "0"},
		{"efficiency full", score.Day{Sleep: &score.Sleep{Efficiency: score.Int(97)}}, score.Goals{}, score.DomainSleep, map[string]string{"efficiency": "100"}, "100"},
		{"oversleep is capped", score.Day{Sleep: &score.Sleep{TotalSeconds: score.Int(10 * 3600)}}, score.Goals{}, score.DomainSleep, map[string]string{"total_sleep": "100"}, "100"},
		{"sleep goal of 7h", score.Day{Sleep: &score.Sleep{TotalSeconds: score.Int(6 * 3600)}}, score.Goals{SleepSeconds: 7 * 3600}, score.DomainSleep, map[string]string{"total_sleep": "85.7"}, "85.7"},
		{"resting heart rate 3 above usual", score.Day{Sleep: &score.Sleep{Score: score.Int(80), RestingHeartRate: score.Int(58)}}, score.Goals{RestingHeartRate: 55}, score.DomainSleep,
			map[string]string{"sleep_score": "80", "resting_heart_rate": "70"}, "78.3"},
		{"resting heart rate ignored without a usual one", score.Day{Sleep: &score.Sleep{Score: score.Int(80), RestingHeartRate: score.Int(58)}}, score.Goals{}, score.DomainSleep,
			map[string]string{"sleep_score": "80"}, "80"},
		{"steps over goal capped", score.Day{Activity: &score.Activity{Steps: score.Int(20000)}}, score.Goals{Steps: 10000}, score.DomainActivity, map[string]string{"steps": "100"}, "100"},
		{"12h workday is zero workload", score.Day{Work: &score.Work{Minutes: 720}}, score.Goals{}, score.DomainWorkLife, map[string]string{"workload": "0", "after_hours": "100"}, "50"},
		{"after-hours allowance", score.Day{Work: &score.Work{Minutes: 480, AfterHoursMinutes: 90}}, score.Goals{AfterHoursMinutes: 30}, score.DomainWorkLife, map[string]string{"workload": "100", "after_hours": "50"}, "75"},
		{"all meetings", score.Day{Work: &score.Work{Minutes: 300, MeetingMinutes: score.Int(300)}}, score.Goals{}, score.DomainWorkLife, map[string]string{"workload": "100", "after_hours": "100", "meetings": "0"}, "88.9"},
		{"habits none done", score.Day{Habits: &score.Habits{Due: 3}}, score.Goals{}, score.DomainHabits, map[string]string{"completed": "0"}, "0"},
		{"on time needs a completion", score.Day{Habits: &score.Habits{Due: 3, OnTime: score.Int(0)}}, score.Goals{}, score.DomainHabits, map[string]string{"completed": "0"}, "0"},
		{"a third rounds to one decimal", score.Day{Habits: &score.Habits{Due: 3, Completed: 1}}, score.Goals{}, score.DomainHabits, map[string]string{"completed": "33.3"}, "33.3"},
		{"two thirds round half up", score.Day{Habits: &score.Habits{Due: 3, Completed: 2}}, score.Goals{}, score.DomainHabits, map[string]string{"completed": "66.7"}, "66.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.day.Date = civil.D(2026, 3, 10)
			b, err := score.Compute(tt.day, tt.goals)
			if err != nil {
				t.Fatal(err)
			}
			s := b.Domain(tt.domain)
			if s == nil {
				t.Fatalf("%s absent", tt.domain)
			}
			got := map[string]string{}
			for _, c := range s.Contributors {
				got[c.Name] = c.Value.String()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("contributor values (-want +got):\n%s", diff)
			}
			if s.Value.String() != tt.score {
				t.Errorf("score = %s, want %s", s.Value, tt.score)
			}
			assertEffectsAddUp(t, b)
		})
	}
}

func TestComputeInvalid(t *testing.T) {
	t.Parallel()
	neg := d("-1")
	tests := []struct {
		name   string
		day    score.Day
		goals  score.Goals
		fields []string
	}{
		{"sleep score 101", score.Day{Sleep: &score.Sleep{Score: score.Int(101)}}, score.Goals{}, []string{"sleep.score"}},
		{"negative work minutes", score.Day{Work: &score.Work{Minutes: -5}}, score.Goals{}, []string{"work.minutes"}},
		{"after hours above total", score.Day{Work: &score.Work{Minutes: 60, AfterHoursMinutes: 90}}, score.Goals{}, []string{"work.after_hours_minutes"}},
		{"meetings above total", score.Day{Work: &score.Work{Minutes: 60, MeetingMinutes: score.Int(90)}}, score.Goals{}, []string{"work.meeting_minutes"}},
		{"contributor out of range", score.Day{Readiness: &score.Readiness{Contributors: map[string]int{"hrv_balance": 120, "a": -1}}}, score.Goals{}, []string{"readiness.contributors.a", "readiness.contributors.hrv_balance"}},
		{"empty contributor name", score.Day{Activity: &score.Activity{Contributors: map[string]int{"": 1}}}, score.Goals{}, []string{"activity.contributors"}},
		{"habits over-counted", score.Day{Habits: &score.Habits{Due: 2, Completed: 2, Skipped: 1}}, score.Goals{}, []string{"habits.completed"}},
		{"on time above completed", score.Day{Habits: &score.Habits{Due: 2, Completed: 1, OnTime: score.Int(2)}}, score.Goals{}, []string{"habits.on_time"}},
		{"many at once", score.Day{Sleep: &score.Sleep{Efficiency: score.Int(-1), TotalSeconds: score.Int(90000), RestingHeartRate: score.Int(5)}, Activity: &score.Activity{Steps: score.Int(-2)}},
			score.Goals{}, []string{"sleep.total_seconds", "sleep.efficiency", "sleep.resting_heart_rate", "activity.steps"}},
		{"weights all zero", score.Day{}, score.Goals{Weights: &score.Weights{}}, []string{"weights"}},
		{"negative weight", score.Day{}, score.Goals{Weights: &score.Weights{Sleep: d("1"), Habits: neg}}, []string{"weights.habits"}},
		{"weight too precise or too large", score.Day{}, score.Goals{Weights: &score.Weights{Sleep: d("0.00001"), Activity: d("1000001"), WorkLife: d("0.0001")}}, []string{"weights.sleep", "weights.activity"}},
		{"negative goals", score.Day{}, score.Goals{Steps: -1, SleepSeconds: -1, WorkMinutes: 2000, AfterHoursMinutes: -1, DayGoalPercent: 101, RestingHeartRate: 300},
			[]string{"goals.sleep_seconds", "goals.steps", "goals.work_minutes", "goals.after_hours_minutes", "goals.resting_heart_rate", "goals.day_goal_percent"}},
		{"bad date", score.Day{Date: civil.D(2026, 2, 29)}, score.Goals{}, []string{"date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if tt.day.Date.IsZero() {
				tt.day.Date = civil.D(2026, 3, 10)
			}
			_, err := score.Compute(tt.day, tt.goals)
			if !errors.Is(err, score.ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if diff := cmp.Diff(tt.fields, fieldsOf(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLife(t *testing.T) {
	t.Parallel()
	w := score.DefaultWeights()
	got, err := score.Life([]score.DomainScore{
		{Domain: score.DomainHabits, Value: d("50")},
		{Domain: score.DomainSleep, Value: d("80")},
	}, w)
	if err != nil {
		t.Fatal(err)
	}
	want := score.LifeScore{
		Value: decimal.NewNullDecimal(d("65")),
		Contributors: []score.Contributor{
			c("sleep", "80", "0.5", "40", ""),
			c("habits", "50", "0.5", "25", ""),
		},
		Missing: []score.Domain{score.DomainActivity, score.DomainWorkLife},
	}
	if diff := cmp.Diff(want, got, equateDecimal); diff != "" {
		t.Errorf("Life (-want +got):\n%s", diff)
	}

	_, err = score.Life([]score.DomainScore{
		{Domain: "mood", Value: d("50")},
		{Domain: score.DomainSleep, Value: d("101")},
		{Domain: score.DomainSleep, Value: d("1")},
	}, score.Weights{WorkLife: d("-2")})
	wantFields := []string{"weights.work_life", "weights", "domains[0].domain", "domains[1].value", "domains[2].domain"}
	if diff := cmp.Diff(wantFields, fieldsOf(err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if !errors.Is(err, score.ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid", err)
	}
}

// TestWeightsAddUpToOne: shown weights are rounded to WeightPlaces, and the
// rounding is apportioned so that they still add up to exactly 1, as the
// effects add up to the score.
func TestWeightsAddUpToOne(t *testing.T) {
	t.Parallel()
	got, err := score.Life([]score.DomainScore{
		{Domain: score.DomainSleep, Value: d("80")},
		{Domain: score.DomainActivity, Value: d("70")},
		{Domain: score.DomainHabits, Value: d("60")},
	}, score.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	want := []score.Contributor{
		c("sleep", "80", "0.3334", "26.7", ""),
		c("activity", "70", "0.3333", "23.3", ""),
		c("habits", "60", "0.3333", "20", ""),
	}
	if diff := cmp.Diff(want, got.Contributors, equateDecimal); diff != "" {
		t.Errorf("Life contributors (-want +got):\n%s", diff)
	}
	b, err := score.Compute(score.Day{Date: civil.D(2026, 3, 10),
		Sleep:     &score.Sleep{Score: score.Int(80), TotalSeconds: score.Int(7 * 3600), Efficiency: score.Int(90)},
		Readiness: &score.Readiness{Score: score.Int(70)},
		Work:      &score.Work{Minutes: 500, AfterHoursMinutes: 30, MeetingMinutes: score.Int(100), BreakMinutes: score.Int(20)},
	}, score.Goals{RestingHeartRate: 55, Weights: &score.Weights{Sleep: d("1"), Activity: d("1"), WorkLife: d("1"), Habits: d("1")}})
	if err != nil {
		t.Fatal(err)
	}
	assertEffectsAddUp(t, b)
}

func TestRound(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"72.25": "72.3", "72.24": "72.2", "72.35": "72.4", "0.05": "0.1", "99.95": "100", "0.04": "0"} {
		if got := score.Round(d(in)); !got.Equal(d(want)) {
			t.Errorf("Round(%s) = %s, want %s", in, got, want)
		}
	}
}

// TestLifeScoreRoundsTheExactMean: the Life Score is the mean of the
// domains' exact means, rounded once. Here they are 68.2857…, 70.48, 88.35
// and 63.36, whose mean is 72.619, so the Life Score is 72.6; the mean of
// the rounded scores (68.3, 70.5, 88.4, 63.4) would be 72.65, shown as 72.7.
// The effects are the exact terms apportioned to add up to 72.6.
func TestLifeScoreRoundsTheExactMean(t *testing.T) {
	t.Parallel()
	day := score.Day{Date: civil.D(2026, 3, 10),
		Sleep:     &score.Sleep{Score: score.Int(70)},
		Readiness: &score.Readiness{Score: score.Int(64)},
		Activity:  &score.Activity{Score: score.Int(61), Steps: score.Int(6776)},
		Work:      &score.Work{Minutes: 536},
		Habits:    &score.Habits{Due: 3, Completed: 2, OnTime: score.Int(1)},
	}
	b, err := score.Compute(day, score.Goals{})
	if err != nil {
		t.Fatal(err)
	}
	domains := map[string]string{}
	for _, dom := range []*score.DomainScore{b.Sleep, b.Activity, b.WorkLife, b.Habits} {
		domains[string(dom.Domain)] = dom.Value.String()
	}
	if diff := cmp.Diff(map[string]string{"sleep": "68.3", "activity": "70.5", "work_life": "88.4", "habits": "63.4"}, domains); diff != "" {
		t.Errorf("domain scores (-want +got):\n%s", diff)
	}
	want := score.LifeScore{
		Value: decimal.NewNullDecimal(d("72.6")),
		Contributors: []score.Contributor{
			// Exact terms 17.0714…, 17.62, 22.0875, 15.84: rounded down to
			// 72.4, the two tenths missing go to work-life and sleep.
			c("sleep", "68.3", "0.25", "17.1", ""),
			c("activity", "70.5", "0.25", "17.6", ""),
			c("work_life", "88.4", "0.25", "22.1", ""),
			c("habits", "63.4", "0.25", "15.8", ""),
		},
		Missing: []score.Domain{},
	}
	if diff := cmp.Diff(want, b.Life, equateDecimal); diff != "" {
		t.Errorf("Life Score (-want +got):\n%s", diff)
	}
	assertEffectsAddUp(t, b)

	// Life takes the values it is given as exact: over the rounded scores
	// it gives their mean, 72.65, rounded once.
	got, err := score.Life([]score.DomainScore{*b.Sleep, *b.Activity, *b.WorkLife, *b.Habits}, score.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	if !got.Value.Decimal.Equal(d("72.7")) {
		t.Errorf("Life over the rounded scores = %s, want 72.7", got.Value.Decimal)
	}
}
