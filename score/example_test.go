package score_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/shopspring/decimal"
)

func ExamplePersonDay() {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	checkIn := time.Date(2026, 3, 10, 0, 30, 0, 0, berlin)
	day, err := score.PersonDay(checkIn, berlin, 4)
	fmt.Println(day, err)

	_, err = score.PersonDay(checkIn, berlin, 25)
	var ve *score.ValidationError
	fmt.Println(errors.Is(err, score.ErrInvalid), errors.As(err, &ve) && ve.Field == "day_start_hour")
	// Output:
	// 2026-03-09 <nil>
	// true true
}

func ExampleDayStart() {
	ny, _ := time.LoadLocation("America/New_York")
	// On 2026-03-08 the clocks jump from 02:00 to 03:00: with a day start of
	// 2, the day begins at the jump and lasts 23 hours.
	start, _ := score.DayStart(civil.D(2026, 3, 8), ny, 2)
	next, _ := score.DayStart(civil.D(2026, 3, 9), ny, 2)
	fmt.Println(start.Format(time.RFC3339), next.Sub(start))
	// Output:
	// 2026-03-08T03:00:00-04:00 23h0m0s
}

func ExampleCompute() {
	day := score.Day{
		Date:     civil.D(2026, 3, 10),
		Sleep:    &score.Sleep{Score: score.Int(82), TotalSeconds: score.Int(7*3600 + 30*60)},
		Activity: &score.Activity{Steps: score.Int(9000)},
		Habits:   &score.Habits{Due: 4, Completed: 3, Skipped: 1},
	}
	b, err := score.Compute(day, score.Goals{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range b.Sleep.Contributors {
		fmt.Printf("sleep  %-12s value %5s weight %s effect %s\n", c.Name, c.Value, c.Weight, c.Effect)
	}
	fmt.Println("sleep", b.Sleep.Value, "activity", b.Activity.Value, "habits", b.Habits.Value)
	fmt.Println("life", b.Life.Value.Decimal, "missing", b.Life.Missing)
	// Output:
	// sleep  sleep_score  value    82 weight 0.7143 effect 58.6
	// sleep  total_sleep  value  93.8 weight 0.2857 effect 26.8
	// sleep 85.4 activity 100 habits 100
	// life 95.1 missing [work_life]
}

func ExampleLife() {
	life, _ := score.Life([]score.DomainScore{
		{Domain: score.DomainSleep, Value: decimal.RequireFromString("80")},
		{Domain: score.DomainHabits, Value: decimal.RequireFromString("60")},
	}, score.Weights{Sleep: decimal.NewFromInt(3), Activity: decimal.NewFromInt(1), WorkLife: decimal.NewFromInt(1), Habits: decimal.NewFromInt(1)})
	fmt.Println(life.Value.Decimal, life.Missing)
	for _, c := range life.Contributors {
		fmt.Println(c.Name, c.Weight, c.Effect)
	}
	// Output:
	// 75 [activity work_life]
	// sleep 0.75 60
	// habits 0.25 15
}

func ExampleRound() {
	fmt.Println(score.Round(decimal.RequireFromString("72.25")), score.Round(decimal.RequireFromString("72.24")))
	// Output: 72.3 72.2
}

func ExampleWeights_Validate() {
	err := score.Weights{Sleep: decimal.NewFromInt(-1)}.Validate()
	for _, e := range score.FieldErrors(err) {
		fmt.Println(e.Field+":", e.Reason)
	}
	// Output:
	// weights.sleep: must not be negative, got -1
	// weights: must not all be zero: at least one weight must be positive
}

func ExampleGoals_Validate() {
	err := score.Goals{Steps: -100}.Validate()
	fmt.Println(err)
	// Output: invalid goals.steps: must be between 0 and 1000000, got -100
}

func ExampleDay_Validate() {
	day := score.Day{Date: civil.D(2026, 3, 10), Work: &score.Work{Minutes: -5}}
	fmt.Println(day.Validate())
	// Output: invalid work.minutes: must be between 0 and 1440, got -5
}

func ExampleDefaultGoals() {
	g := score.DefaultGoals()
	fmt.Println(g.SleepSeconds, g.Steps, g.WorkMinutes, g.DayGoalPercent, g.Weights.Habits)
	// Output: 28800 8000 480 80 1
}

func ExampleDefaultWeights() {
	fmt.Println(score.DefaultWeights().WorkLife)
	// Output: 1
}

func ExampleAllDomains() {
	fmt.Println(score.AllDomains())
	// Output: [sleep activity work_life habits]
}

func ExampleBreakdown_Domain() {
	b, _ := score.Compute(score.Day{Date: civil.D(2026, 3, 10), Habits: &score.Habits{Due: 2, Completed: 1}}, score.Goals{})
	fmt.Println(b.Domain(score.DomainHabits).Value, b.Domain(score.DomainSleep) == nil)
	// Output: 50 true
}

func ExampleFieldErrors() {
	_, err := score.Compute(score.Day{Date: civil.D(2026, 3, 10), Sleep: &score.Sleep{Score: score.Int(120), Efficiency: score.Int(-3)}}, score.Goals{})
	for _, e := range score.FieldErrors(err) {
		fmt.Println(e.Field)
	}
	// Output:
	// sleep.score
	// sleep.efficiency
}

func ExampleValidationError() {
	err := error(&score.ValidationError{Field: "weights.habits", Reason: "must not be negative, got -1"})
	fmt.Println(err, errors.Is(err, score.ErrInvalid))
	// Output: invalid weights.habits: must not be negative, got -1 true
}

func ExampleInt() {
	s := score.Sleep{Score: score.Int(85)}
	fmt.Println(*s.Score)
	// Output: 85
}

func ExampleBasePoints() {
	for _, d := range []score.Difficulty{score.Trivial, score.Easy, score.Medium, score.Hard} {
		p, _ := score.BasePoints(d)
		fmt.Print(d, "=", p, " ")
	}
	fmt.Println()
	// Output: trivial=2 easy=5 medium=10 hard=20
}

func ExampleCompletionAward() {
	a, _ := score.CompletionAward(score.Completion{
		ItemID: "morning-run", Date: civil.D(2026, 3, 10), Difficulty: score.Hard, OnTime: true, Streak: 15,
	})
	fmt.Println(a.Key, a.Points, a.Reason)
	for _, p := range a.Parts {
		fmt.Println(" ", p.Name, p.Points)
	}
	// Output:
	// completion:morning-run:2026-03-10 28 completed morning-run, on time, 15-day streak
	//   base 20
	//   on_time 4
	//   streak 4
}

func ExampleCompletionKey() {
	fmt.Println(score.CompletionKey("walk", civil.D(2026, 3, 10), 0))
	fmt.Println(score.CompletionKey("water", civil.D(2026, 3, 10), 2))
	fmt.Println(score.PerfectDayKey(civil.D(2026, 3, 10)))
	fmt.Println(score.HighLifeScoreKey(civil.D(2026, 3, 10)))
	fmt.Println(score.AchievementKey("streak_7"))
	// Output:
	// completion:walk:2026-03-10
	// completion:water:2026-03-10#2
	// perfect_day:2026-03-10
	// high_life_score:2026-03-10
	// achievement:streak_7
}

func ExampleDayAwards() {
	day := score.Day{Date: civil.D(2026, 3, 10), Habits: &score.Habits{Due: 3, Completed: 3}}
	b, _ := score.Compute(day, score.Goals{})
	for _, a := range score.DayAwards(day, b) {
		fmt.Println(a.Key, a.Points)
	}
	// Output:
	// perfect_day:2026-03-10 25
	// high_life_score:2026-03-10 15
}

func ExampleLedger() {
	var l score.Ledger
	a, _ := score.CompletionAward(score.Completion{ItemID: "walk", Date: civil.D(2026, 3, 10), Difficulty: score.Medium})
	first, _ := l.Record(a)
	again, _ := l.Record(a) // the same key: nothing changes
	fmt.Println(first, again, l.Total())
	_, undone := l.Undo(a.Key)
	fmt.Println(undone, l.Total(), l.Has(a.Key))
	// Output:
	// true false 10
	// true 0 false
}

func ExampleNewLedger() {
	l, err := score.NewLedger([]score.Award{{Key: "a", Points: 100}, {Key: "b", Points: 60}})
	fmt.Println(l.Total(), len(l.Awards()), err)
	_, err = score.NewLedger([]score.Award{{Key: "a", Points: 1}, {Key: "a", Points: 1}})
	fmt.Println(err)
	// Output:
	// 160 2 <nil>
	// invalid awards[1].key: key "a" appears more than once
}

func ExampleLevelFor() {
	lv, _ := score.LevelFor(400)
	fmt.Printf("level %d, %d into it, %d to next (of %d)\n", lv.Level, lv.IntoLevel, lv.ToNext, lv.Span)
	// Output: level 3, 90 into it, 80 to next (of 170)
}

func ExampleLevelSpan() {
	for _, l := range []int{1, 2, 10, 100} {
		n, _ := score.LevelSpan(l)
		fmt.Print(n, " ")
	}
	fmt.Println()
	// Output: 150 160 260 3640
}

func ExampleCountStreak() {
	today := civil.D(2026, 3, 20)
	var marks []score.Mark
	for i, st := range []score.Status{score.Done, score.Done, score.Skipped, score.Done, score.Done, score.Done, score.Done, score.Done, score.Missed, score.Done} {
		marks = append(marks, score.Mark{Date: today.AddDays(i - 10), Status: st})
	}
	s, _ := score.CountStreak(score.StreakInput{Marks: marks, Today: today, Rules: score.DefaultStreakRules()})
	fmt.Printf("current %d, longest %d, at risk %v, freezes %d, frozen %v\n", s.Current, s.Longest, s.AtRisk, s.Freezes, s.FrozenDays)
	// Output: current 8, longest 8, at risk true, freezes 0, frozen [2026-03-18]
}

func ExampleDefaultStreakRules() {
	fmt.Printf("%+v\n", score.DefaultStreakRules())
	// Output: {FreezeEvery:7 MaxFreezes:2}
}

func ExampleDayGoalStatus() {
	during, _ := score.DayGoalStatus(&score.Habits{Due: 5, Completed: 3}, score.Goals{}, false)
	after, _ := score.DayGoalStatus(&score.Habits{Due: 5, Completed: 3}, score.Goals{}, true)
	met, _ := score.DayGoalStatus(&score.Habits{Due: 5, Completed: 4}, score.Goals{}, true)
	rest, _ := score.DayGoalStatus(nil, score.Goals{}, true)
	fmt.Println(during, after, met, rest)
	// Output: pending missed done rest
}

func ExampleHabitStrength() {
	today := civil.D(2026, 3, 20)
	var marks []score.Mark
	for i := range 20 {
		marks = append(marks, score.Mark{Date: today.AddDays(-i), Status: score.Done})
	}
	s, _ := score.HabitStrength(score.StrengthInput{Marks: marks, Frequency: score.Daily(), Through: today})
	fmt.Printf("%s %.5f %d days\n", s.Value, s.Exact, len(s.Series))
	// Output: 65.6 0.65575 20 days
}

func ExampleDaily() {
	fmt.Printf("%+v\n", score.Daily())
	// Output: {Times:1 Days:1}
}

func ExampleStrengthStep() {
	s, _ := score.StrengthStep(1, 0.5, 1)
	fmt.Printf("%.6f\n", s)
	// Output: 0.525961
}

func ExampleCatalog() {
	cat := score.Catalog()
	fmt.Println(len(cat), cat[0].Code, cat[0].Title)
	// Output: 19 first_completion First step
}

func ExampleEvaluate() {
	var days []score.Day
	for i := range 7 {
		days = append(days, score.Day{Date: civil.D(2026, 3, 1+i), Habits: &score.Habits{Due: 2, Completed: 2}})
	}
	h := score.History{Days: days, AsOf: civil.D(2026, 3, 7)}
	ev, _ := score.Evaluate(h, nil)
	for _, u := range ev.New {
		fmt.Println(u.Code, u.Date)
	}
	again, _ := score.Evaluate(h, ev.New)
	fmt.Println("new on the second run:", len(again.New))
	for _, p := range again.Progress {
		if p.Code == "streak_30" {
			fmt.Printf("%s %d/%d (%d%%)\n", p.Code, p.Current, p.Target, p.Percent)
		}
	}
	// Output:
	// first_completion 2026-03-01
	// streak_7 2026-03-07
	// perfect_day 2026-03-01
	// perfect_week 2026-03-07
	// life_score_90 2026-03-01
	// new on the second run: 0
	// streak_30 7/30 (23%)
}

func ExampleAchievementAward() {
	a, _ := score.AchievementAward(score.Unlock{Code: "streak_7", Date: civil.D(2026, 3, 7)})
	fmt.Println(a.Key, a.Points, a.Reason)
	// Output: achievement:streak_7 50 achievement: One week strong
}

func ExampleTodayMessage() {
	today, _ := score.Compute(score.Day{Date: civil.D(2026, 3, 10), Sleep: &score.Sleep{Score: score.Int(88)}, Habits: &score.Habits{Due: 4, Completed: 3}}, score.Goals{})
	m, _ := score.TodayMessage(score.MessageInput{Today: today, Streak: &score.Streak{Current: 12, AtRisk: true}})
	fmt.Println(m.Text)
	fmt.Println(m.Rules)
	// Output:
	// Life Score 81.5: a good day. Your 12-day streak is at risk: meet today's goal to keep it.
	// [band_good streak_at_risk]
}
