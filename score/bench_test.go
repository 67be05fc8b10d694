package score_test

import (
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// history returns n days of marks ending on end: mostly done, a skip every
// 9th day, a rest every 7th, a miss every 23rd.
func benchHistory(end civil.Date, n int) []score.Mark {
	out := make([]score.Mark, n)
	for i := range n {
		st := score.Done
		switch {
		case i%23 == 22:
			st = score.Missed
		case i%9 == 8:
			st = score.Skipped
		case i%7 == 6:
			st = score.Rest
		}
		out[i] = score.Mark{Date: end.AddDays(i - n + 1), Status: st}
	}
	return out
}

// floorPass is the least any O(days) streak or strength computation must
// do: read every mark once.
func floorPass(marks []score.Mark) int {
	n := 0
	for _, m := range marks {
		if m.Status == score.Done {
			n += m.Date.Day
		}
	}
	return n
}

var sink int

// phases reports large's cost per day, large against the floor, and large
// against small scaled by the ratio of days: "scale/linear" near 1 shows
// time proportional to the days. Each iteration runs the floor once, small
// largeDays/smallDays times and large once, so all three cover the same
// number of days and share the machine's load of the moment.
func phases(b *testing.B, smallDays, largeDays int, floor, small, large func()) {
	b.Helper()
	reps := largeDays / smallDays
	var tf, ts, tl time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		floor()
		t1 := time.Now()
		for range reps {
			small()
		}
		t2 := time.Now()
		large()
		t3 := time.Now()
		tf += t1.Sub(t0)
		ts += t2.Sub(t1)
		tl += t3.Sub(t2)
	}
	b.ReportMetric(float64(tl.Nanoseconds())/float64(b.N)/float64(largeDays), "ns/day")
	b.ReportMetric(float64(tl)/float64(tf), "x-floor")
	b.ReportMetric(float64(tl)/float64(ts)*float64(reps*smallDays)/float64(largeDays), "scale/linear")
}

func BenchmarkCountStreak10y(b *testing.B) {
	today := civil.D(2026, 3, 20)
	year, decade := benchHistory(today, 365), benchHistory(today, 3650)
	run := func(m []score.Mark) func() {
		return func() {
			s, err := score.CountStreak(score.StreakInput{Marks: m, Today: today, Rules: score.DefaultStreakRules()})
			if err != nil {
				b.Fatal(err)
			}
			sink += s.Current
		}
	}
	phases(b, 365, 3650, func() { sink += floorPass(decade) }, run(year), run(decade))
}

func BenchmarkHabitStrength10y(b *testing.B) {
	today := civil.D(2026, 3, 20)
	year, decade := benchHistory(today, 365), benchHistory(today, 3650)
	run := func(m []score.Mark) func() {
		return func() {
			s, err := score.HabitStrength(score.StrengthInput{Marks: m, Frequency: score.Frequency{Times: 5, Days: 7}, Through: today})
			if err != nil {
				b.Fatal(err)
			}
			sink += len(s.Series)
		}
	}
	phases(b, 365, 3650, func() { sink += floorPass(decade) }, run(year), run(decade))
}

// BenchmarkScoreDay is one day's full scoring: the domains and Life Score,
// the day's awards, a completion award and today's message. The floor is
// validating the same day, which any scoring must do first.
func BenchmarkScoreDay(b *testing.B) {
	day := fullDay()
	goals := score.DefaultGoals()
	var tf, ts time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		if err := day.Validate(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		br, err := score.Compute(day, goals)
		if err != nil {
			b.Fatal(err)
		}
		sink += len(score.DayAwards(day, br))
		a, err := score.CompletionAward(score.Completion{ItemID: "run", Date: day.Date, Difficulty: score.Hard, OnTime: true, Streak: 12})
		if err != nil {
			b.Fatal(err)
		}
		m, err := score.TodayMessage(score.MessageInput{Today: br, Yesterday: &br, Streak: &score.Streak{Current: 12, LastDone: day.Date}})
		if err != nil {
			b.Fatal(err)
		}
		sink += int(a.Points) + len(m.Text)
		t2 := time.Now()
		tf += t1.Sub(t0)
		ts += t2.Sub(t1)
	}
	b.ReportMetric(float64(ts)/float64(tf), "x-floor")
}

// BenchmarkEvaluate1y evaluates the achievement catalog over a year of
// fully scored days, with goals that set their weights (as lifeops passes
// them); the floor is computing the same year's breakdowns.
func BenchmarkEvaluate1y(b *testing.B) {
	asOf := civil.D(2026, 3, 20)
	days := make([]score.Day, 365)
	for i := range days {
		d := fullDay()
		d.Date = asOf.AddDays(i - 364)
		days[i] = d
	}
	h := score.History{Days: days, AsOf: asOf, Rules: score.DefaultStreakRules(), Goals: score.DefaultGoals()}
	var tf, ts time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		for _, d := range days {
			br, err := score.Compute(d, h.Goals)
			if err != nil {
				b.Fatal(err)
			}
			sink += len(br.Life.Missing)
		}
		t1 := time.Now()
		ev, err := score.Evaluate(h, nil)
		if err != nil {
			b.Fatal(err)
		}
		sink += len(ev.New)
		t2 := time.Now()
		tf += t1.Sub(t0)
		ts += t2.Sub(t1)
	}
	b.ReportMetric(float64(ts)/float64(tf), "x-floor")
}
