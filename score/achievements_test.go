package score_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// state is a compact view of one achievement's progress for assertions.
type state struct {
	Current int
	On      string // unlock date, "" while locked
}

func states(ev score.Evaluation, codes ...string) map[string]state {
	out := map[string]state{}
	for _, p := range ev.Progress {
		for _, c := range codes {
			if p.Code == c {
				s := state{Current: p.Current}
				if p.Unlocked {
					s.On = p.UnlockedOn.String()
				}
				out[c] = s
			}
		}
	}
	return out
}

func habitDays(from civil.Date, n int, h score.Habits) []score.Day {
	var out []score.Day
	for i := range n {
		hh := h
		out = append(out, score.Day{Date: from.AddDays(i), Habits: &hh})
	}
	return out
}

func TestCatalog(t *testing.T) {
	t.Parallel()
	cat := score.Catalog()
	if len(cat) < 15 {
		t.Fatalf("catalog has %d rules, want at least 15", len(cat))
	}
	seen := map[string]bool{}
	for _, a := range cat {
		if a.Code == "" || a.Title == "" || a.Description == "" || a.Target < 1 || seen[a.Code] {
			t.Errorf("bad catalog entry %+v", a)
		}
		seen[a.Code] = true
	}
}

func TestEvaluate(t *testing.T) {
	t.Parallel()
	mar := func(d int) civil.Date { return civil.D(2026, 3, d) }
	sleepDay := func(day, s int) score.Day {
		return score.Day{Date: mar(day), Sleep: &score.Sleep{Score: score.Int(s)}}
	}
	tests := []struct {
		name string
		h    score.History
		want map[string]state
	}{
		{"a perfect week", score.History{Days: habitDays(mar(1), 7, score.Habits{Due: 2, Completed: 2}), AsOf: mar(7)},
			map[string]state{
				"first_completion": {1, "2026-03-01"}, "perfect_day": {1, "2026-03-01"}, "perfect_week": {7, "2026-03-07"},
				"streak_7": {7, "2026-03-07"}, "streak_30": {7, ""}, "completions_100": {14, ""},
			}},
		{"today not yet perfect does not break the run", score.History{
			Days: append(habitDays(mar(1), 6, score.Habits{Due: 2, Completed: 2}), score.Day{Date: mar(7), Habits: &score.Habits{Due: 2}}), AsOf: mar(7)},
			map[string]state{"perfect_week": {6, ""}, "streak_7": {6, ""}, "perfect_day": {1, "2026-03-01"}}},
		{"a missed day breaks the day-goal streak; a day without data does not", score.History{
			Days: append(append(habitDays(mar(1), 3, score.Habits{Due: 1, Completed: 1}), score.Day{Date: mar(5), Habits: &score.Habits{Due: 1}}),
				habitDays(mar(6), 5, score.Habits{Due: 1, Completed: 1})...), AsOf: mar(10)},
			map[string]state{"streak_7": {5, ""}, "perfect_week": {5, ""}, "perfect_days_30": {8, ""}}},
		{"sleep 85 for a week, a night without data neutral", score.History{
			Days: []score.Day{sleepDay(1, 90), sleepDay(2, 85), sleepDay(3, 85), sleepDay(4, 88), sleepDay(5, 91),
				{Date: mar(6)}, sleepDay(7, 86), sleepDay(8, 87), sleepDay(9, 99), sleepDay(10, 60)}, AsOf: mar(10)},
			map[string]state{"sleep_85_week": {7, "2026-03-08"}, "life_score_90": {90, "2026-03-01"}}},
		{"steps", score.History{
			Days: []score.Day{
				{Date: mar(1), Activity: &score.Activity{Steps: score.Int(12000)}},
				{Date: mar(2), Activity: &score.Activity{Steps: score.Int(9999)}},
				{Date: mar(3), Activity: &score.Activity{Steps: score.Int(21000)}},
			}, AsOf: mar(3)},
			map[string]state{"steps_10k_30": {2, ""}, "steps_20k": {20000, "2026-03-03"}}},
		{"levels from the ledger, dated by the award that reached them", score.History{
			Awards: []score.Award{
				{Key: "c", Date: mar(3), Points: 500},
				{Key: "a", Date: mar(1), Points: 100},
				{Key: "b", Date: mar(2), Points: 100},
			}, AsOf: mar(9)},
			map[string]state{"level_5": {5, "2026-03-03"}, "level_10": {5, ""}}},
		{"no awards: level 1", score.History{AsOf: mar(9)}, map[string]state{"level_5": {1, ""}}},
		{"full picture and balance", score.History{Days: []score.Day{fullDay()}, AsOf: mar(10)},
			map[string]state{"full_picture_30": {1, ""}, "balanced_week": {0, ""}, "sleep_goal_10": {0, ""}}},
		{"days after as_of are ignored", score.History{Days: habitDays(mar(1), 10, score.Habits{Due: 1, Completed: 1}), AsOf: mar(3)},
			map[string]state{"first_completion": {1, "2026-03-01"}, "perfect_days_30": {3, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ev, err := score.Evaluate(tt.h, nil)
			if err != nil {
				t.Fatal(err)
			}
			codes := make([]string, 0, len(tt.want))
			for c := range tt.want {
				codes = append(codes, c)
			}
			if diff := cmp.Diff(tt.want, states(ev, codes...)); diff != "" {
				t.Errorf("progress (-want +got):\n%s", diff)
			}
			// New lists exactly the unlocked ones, with their dates.
			var unlocked []score.Unlock
			for _, p := range ev.Progress {
				if p.Unlocked {
					unlocked = append(unlocked, score.Unlock{Code: p.Code, Date: p.UnlockedOn})
				}
				if p.Percent != p.Current*100/p.Target {
					t.Errorf("%s: percent %d for %d of %d", p.Code, p.Percent, p.Current, p.Target)
				}
			}
			if diff := cmp.Diff(unlocked, ev.New, cmp.Comparer(func(a, b []score.Unlock) bool { return len(a) == 0 && len(b) == 0 || cmp.Equal(a, b) })); diff != "" {
				t.Errorf("New (-want +got):\n%s", diff)
			}
		})
	}
}

// TestEvaluateIdempotent: evaluating again with the unlocks recorded changes
// nothing, and recorded unlocks keep their dates even when history moves.
func TestEvaluateIdempotent(t *testing.T) {
	t.Parallel()
	h := score.History{Days: habitDays(civil.D(2026, 3, 1), 7, score.Habits{Due: 2, Completed: 2}), AsOf: civil.D(2026, 3, 7)}
	first, err := score.Evaluate(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.New) == 0 {
		t.Fatal("nothing unlocked")
	}
	second, err := score.Evaluate(h, first.New)
	if err != nil {
		t.Fatal(err)
	}
	if len(second.New) != 0 {
		t.Errorf("second evaluation unlocked %v again", second.New)
	}
	if diff := cmp.Diff(first.Progress, second.Progress); diff != "" {
		t.Errorf("progress changed (-first +second):\n%s", diff)
	}

	// History edited: the first days are gone. Recorded unlocks stay, dated as recorded.
	h.Days = h.Days[3:]
	prior := []score.Unlock{{Code: "first_completion", Date: civil.D(2026, 2, 1)}, {Code: "perfect_week", Date: civil.D(2026, 3, 7)}}
	third, err := score.Evaluate(h, prior)
	if err != nil {
		t.Fatal(err)
	}
	got := states(third, "first_completion", "perfect_week", "perfect_day")
	want := map[string]state{"first_completion": {1, "2026-02-01"}, "perfect_week": {7, "2026-03-07"}, "perfect_day": {1, "2026-03-04"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after edit (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]score.Unlock{{Code: "perfect_day", Date: civil.D(2026, 3, 4)}, {Code: "life_score_90", Date: civil.D(2026, 3, 4)}}, third.New); diff != "" {
		t.Errorf("New after edit (-want +got):\n%s", diff)
	}
}

// TestEvaluateZoneChange: the day-goal streak behind streak_7 counts days a
// flight east jumped over as neutral, as CountStreak does, so a flight
// does not delay the achievement.
func TestEvaluateZoneChange(t *testing.T) {
	t.Parallel()
	la, tokyo := mustLoad(t, "America/Los_Angeles"), mustLoad(t, "Asia/Tokyo")
	days := habitDays(civil.D(2026, 3, 1), 8, score.Habits{Due: 2, Completed: 2})
	days[5].Habits = &score.Habits{Due: 2} // 2026-03-06, spent in the air
	h := score.History{Days: days, AsOf: civil.D(2026, 3, 8)}
	without, err := score.Evaluate(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Lands in Tokyo at 00:00 on the 7th, while it is 07:00 on the 6th in
	// Los Angeles.
	h.ZoneChanges = []score.ZoneChange{{At: time.Date(2026, 3, 6, 15, 0, 0, 0, time.UTC), From: la, To: tokyo}}
	with, err := score.Evaluate(h, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]map[string]state{"without": states(without, "streak_7"), "with": states(with, "streak_7")}
	want := map[string]map[string]state{"without": {"streak_7": {5, ""}}, "with": {"streak_7": {7, "2026-03-08"}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestEvaluateInvalid(t *testing.T) {
	t.Parallel()
	day := civil.D(2026, 3, 1)
	_, err := score.Evaluate(score.History{
		Days:   []score.Day{{Date: day, Sleep: &score.Sleep{Score: score.Int(120)}}, {Date: day}},
		Goals:  score.Goals{Steps: -1},
		Rules:  score.StreakRules{MaxFreezes: -1},
		Awards: []score.Award{{Key: "x", Points: 5}},
		// A zone change needs both zones, and the day start is an hour.
		DayStartHour: 24,
		ZoneChanges:  []score.ZoneChange{{At: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.UTC}},
	}, []score.Unlock{{Code: "nope", Date: day}, {Code: "perfect_day", Date: day}, {Code: "perfect_day", Date: day}, {Code: "streak_7"}})
	want := []string{"as_of", "goals.steps", "rules.max_freezes", "day_start_hour", "zone_changes[0].from", "days[0].sleep.score", "days[1].date",
		"unlocked[0].code", "unlocked[2].code", "unlocked[3].date", "awards[0].date"}
	if diff := cmp.Diff(want, fieldsOf(err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}

func TestAchievementAward(t *testing.T) {
	t.Parallel()
	day := civil.D(2026, 3, 1)
	got, err := score.AchievementAward(score.Unlock{Code: "perfect_week", Date: day})
	if err != nil {
		t.Fatal(err)
	}
	want := score.Award{Key: "achievement:perfect_week", Date: day, Kind: score.KindAchievement, Code: "perfect_week",
		Points: score.AchievementPoints, Reason: "achievement: Perfect week", Parts: []score.AwardPart{{Name: "achievement", Points: score.AchievementPoints}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("AchievementAward (-want +got):\n%s", diff)
	}
	_, err = score.AchievementAward(score.Unlock{Code: "nope", Date: day})
	diff(t, []string{"code"}, err)
	_, err = score.AchievementAward(score.Unlock{Code: "perfect_week"})
	diff(t, []string{"date"}, err)
}

// TestEvaluateUsesTheGoals: Evaluate scores each day with the history's
// goals (weights, day-goal percent) exactly as Compute and DayGoalStatus do
// for that day alone, while checking the goals only once.
func TestEvaluateUsesTheGoals(t *testing.T) {
	t.Parallel()
	asOf := civil.D(2026, 3, 20)
	w := score.Weights{Sleep: decimal.NewFromInt(3), Activity: decimal.NewFromInt(1), WorkLife: decimal.Zero, Habits: decimal.NewFromInt(2)}
	goals := score.Goals{DayGoalPercent: 60, Steps: 5000, Weights: &w}
	var days []score.Day
	for i := range 10 {
		d := fullDay()
		d.Date = asOf.AddDays(i - 9)
		d.Sleep.Score = score.Int(60 + 4*i)
		d.Habits = &score.Habits{Due: 5, Completed: 2 + i%3}
		days = append(days, d)
	}
	ev, err := score.Evaluate(score.History{Days: days, Goals: goals, AsOf: asOf, Rules: score.DefaultStreakRules()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	bestLife, streak, longest := 0, 0, 0
	for _, d := range days {
		b, err := score.Compute(d, goals)
		if err != nil {
			t.Fatal(err)
		}
		bestLife = max(bestLife, int(b.Life.Value.Decimal.IntPart()))
		st, err := score.DayGoalStatus(d.Habits, goals, d.Date.Before(asOf))
		if err != nil {
			t.Fatal(err)
		}
		switch st {
		case score.Done:
			streak++
		case score.Missed:
			streak = 0
		}
		longest = max(longest, streak)
	}
	got := states(ev, "life_score_90", "streak_7")
	want := map[string]state{"life_score_90": {Current: min(bestLife, 90)}, "streak_7": {Current: min(longest, 7)}}
	if bestLife >= 90 {
		t.Fatalf("fixture reaches a Life Score of %d; keep it below 90", bestLife)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-from Compute and DayGoalStatus +from Evaluate):\n%s", diff)
	}
}

// TestRunAchievementsCountWhatTheySay: each "in a row" achievement passes
// over the days its description names, and only those. A run of seven
// qualifying days unlocks it with no gap and across a gap of passed-over
// days; a day that does not qualify inside the gap breaks it.
func TestRunAchievementsCountWhatTheySay(t *testing.T) {
	t.Parallel()
	mar := func(d int) civil.Date { return civil.D(2026, 3, d) }
	workDay := func(d, minutes int) score.Day {
		return score.Day{Date: mar(d), Work: &score.Work{Minutes: minutes}}
	}
	sleepDay := func(d, s int) score.Day { return score.Day{Date: mar(d), Sleep: &score.Sleep{Score: score.Int(s)}} }
	habitDay := func(d, due, done int) score.Day {
		return score.Day{Date: mar(d), Habits: &score.Habits{Due: due, Completed: done}}
	}
	// runOf returns seven qualifying days from the 2nd (Monday), with the
	// days in gap (numbers of March) given by between instead.
	runOf := func(good func(d int) score.Day, gap []int, between func(d int) score.Day) []score.Day {
		var out []score.Day
		for d, n := 2, 0; n < 7; d++ {
			if slices.Contains(gap, d) {
				if between != nil {
					out = append(out, between(d))
				}
				continue
			}
			out = append(out, good(d))
			n++
		}
		return out
	}
	weekend := []int{7, 8} // Saturday and Sunday
	tests := []struct {
		code, description string
		good              func(d int) score.Day
		passed, breaks    func(d int) score.Day // a day passed over; a day that breaks the run
	}{
		{"balanced_week", "Keep work-life at 80 or more on 7 work days in a row; days without work are passed over.",
			func(d int) score.Day { return workDay(d, 480) },
			func(d int) score.Day { return score.Day{Date: mar(d), Sleep: &score.Sleep{Score: score.Int(80)}} },
			func(d int) score.Day { return workDay(d, 660) }},
		{"sleep_85_week", "Get a sleep score of 85 or more on 7 nights in a row; nights without a score are passed over.",
			func(d int) score.Day { return sleepDay(d, 88) },
			func(d int) score.Day {
				return score.Day{Date: mar(d), Activity: &score.Activity{Steps: score.Int(4000)}}
			},
			func(d int) score.Day { return sleepDay(d, 84) }},
		{"perfect_week", "Have 7 perfect days in a row; days with nothing due are passed over.",
			func(d int) score.Day { return habitDay(d, 2, 2) },
			func(d int) score.Day { return habitDay(d, 0, 0) },
			func(d int) score.Day { return habitDay(d, 2, 1) }},
	}
	catalog := map[string]string{}
	for _, a := range score.Catalog() {
		catalog[a.Code] = a.Description
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			if got := catalog[tt.code]; got != tt.description {
				t.Errorf("description = %q, want %q", got, tt.description)
			}
			histories := []struct {
				name string
				days []score.Day
				want state
			}{
				{"no gap", runOf(tt.good, nil, nil), state{7, "2026-03-08"}},
				{"a gap of days with no record", runOf(tt.good, weekend, nil), state{7, "2026-03-10"}},
				{"a gap of days passed over", runOf(tt.good, weekend, tt.passed), state{7, "2026-03-10"}},
				{"a day that breaks the run", runOf(tt.good, []int{5}, tt.breaks), state{4, ""}},
			}
			for _, h := range histories {
				ev, err := score.Evaluate(score.History{Days: h.days, AsOf: mar(12)}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(map[string]state{tt.code: h.want}, states(ev, tt.code)); diff != "" {
					t.Errorf("%s (-want +got):\n%s", h.name, diff)
				}
			}
		})
	}
}
