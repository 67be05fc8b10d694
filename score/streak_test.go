package score_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// seq turns a string of day codes into marks ending on the given day:
// D done, M missed, S skipped, R rest, P pending, '.' no mark.
func seq(last civil.Date, codes string) []score.Mark {
	var out []score.Mark
	n := len(codes)
	for i, ch := range codes {
		date := last.AddDays(i - n + 1)
		var st score.Status
		switch ch {
		case 'D':
			st = score.Done
		case 'M':
			st = score.Missed
		case 'S':
			st = score.Skipped
		case 'R':
			st = score.Rest
		case 'P':
			st = score.Pending
		case '.':
			continue
		}
		out = append(out, score.Mark{Date: date, Status: st})
	}
	return out
}

func TestCountStreak(t *testing.T) {
	t.Parallel()
	today := civil.D(2026, 3, 20)
	noFreezes := score.StreakRules{}
	def := score.DefaultStreakRules()
	tests := []struct {
		name  string
		codes string // ends today
		rules score.StreakRules
		want  score.Streak
	}{
		{"five days, today not yet", "DDDDD.", noFreezes, score.Streak{Current: 5, Longest: 5, AtRisk: true,
			Start: today.AddDays(-5), LastDone: today.AddDays(-1), FrozenDays: []civil.Date{}}},
		{"six days including today", "DDDDDD", noFreezes, score.Streak{Current: 6, Longest: 6,
			Start: today.AddDays(-5), LastDone: today, FrozenDays: []civil.Date{}}},
		{"today marked missed is still pending", "DDM", noFreezes, score.Streak{Current: 2, Longest: 2, AtRisk: true,
			Start: today.AddDays(-2), LastDone: today.AddDays(-1), FrozenDays: []civil.Date{}}},
		{"skips and rest days are neutral", "DSDRRDD", noFreezes, score.Streak{Current: 4, Longest: 4,
			Start: today.AddDays(-6), LastDone: today, FrozenDays: []civil.Date{}}},
		{"a miss ends it", "DDDMDD", noFreezes, score.Streak{Current: 2, Longest: 3,
			Start: today.AddDays(-1), LastDone: today, FrozenDays: []civil.Date{}}},
		{"an unmarked past day is a miss", "DDD.DP", noFreezes, score.Streak{Current: 1, Longest: 3, AtRisk: true,
			Start: today.AddDays(-1), LastDone: today.AddDays(-1), FrozenDays: []civil.Date{}}},
		{"a pending past day is a miss", "DDPD", noFreezes, score.Streak{Current: 1, Longest: 2,
			Start: today, LastDone: today, FrozenDays: []civil.Date{}}},
		{"seven days earn a freeze that covers a miss", "DDDDDDDMDD", def, score.Streak{Current: 9, Longest: 9,
			Start: today.AddDays(-9), LastDone: today, Freezes: 0, FrozenDays: []civil.Date{today.AddDays(-2)}}},
		{"one freeze covers one of two misses", "DDDDDDDMMD", def, score.Streak{Current: 1, Longest: 7,
			Start: today, LastDone: today, Freezes: 0, FrozenDays: []civil.Date{}}},
		{"freezes are capped", "DDDDDDDDDDDDDDDDDDDDD", def, score.Streak{Current: 21, Longest: 21,
			Start: today.AddDays(-20), LastDone: today, Freezes: 2, FrozenDays: []civil.Date{}}},
		{"two freezes cover two misses", "DDDDDDDDDDDDDDMMD", def, score.Streak{Current: 15, Longest: 15,
			Start: today.AddDays(-16), LastDone: today, Freezes: 0, FrozenDays: []civil.Date{today.AddDays(-2), today.AddDays(-1)}}},
		{"no freeze is spent without a streak", "DDDDDDDMMMMD", score.StreakRules{FreezeEvery: 7, MaxFreezes: 1}, score.Streak{Current: 1, Longest: 7,
			Start: today, LastDone: today, Freezes: 0, FrozenDays: []civil.Date{}}},
		{"freezes held survive a break", "DDDDDDDDDDDDDDMMMD", def, score.Streak{Current: 1, Longest: 14,
			Start: today, LastDone: today, Freezes: 0, FrozenDays: []civil.Date{}}},
		{"a running streak's frozen days are its own", "DDDDDDDMMDDDDDDDDMD", def, score.Streak{Current: 9, Longest: 9,
			Start: today.AddDays(-9), LastDone: today, Freezes: 0, FrozenDays: []civil.Date{today.AddDays(-1)}}},
		{"nothing yet", "", def, score.Streak{AtRisk: false, FrozenDays: []civil.Date{}}},
		{"only misses", "MMMP", def, score.Streak{FrozenDays: []civil.Date{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := score.CountStreak(score.StreakInput{Marks: seq(today, tt.codes), Today: today, Rules: tt.rules})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CountStreak(%s) (-want +got):\n%s", tt.codes, diff)
			}
		})
	}
}

func TestCountStreakMarksInAnyOrderAndMerged(t *testing.T) {
	t.Parallel()
	today := civil.D(2026, 3, 20)
	marks := seq(today, "DDDMD")
	// A date lived twice: the same day marked missed and done counts once, as done.
	marks = append([]score.Mark{{Date: today.AddDays(-1), Status: score.Done}}, marks...)
	marks = append(marks, score.Mark{Date: today, Status: score.Done})
	got, err := score.CountStreak(score.StreakInput{Marks: marks, Today: today})
	if err != nil {
		t.Fatal(err)
	}
	if got.Current != 5 || got.Longest != 5 {
		t.Errorf("Current, Longest = %d, %d; want 5, 5", got.Current, got.Longest)
	}
}

// TestCountStreakAtRiskBeforeLaterMarks: after a flight west the calendar
// steps back, so a mark can lie after Today; today still pending puts the
// running streak at risk all the same.
func TestCountStreakAtRiskBeforeLaterMarks(t *testing.T) {
	t.Parallel()
	today := civil.D(2026, 3, 6)
	got, err := score.CountStreak(score.StreakInput{Today: today, Marks: []score.Mark{
		{Date: civil.D(2026, 3, 4), Status: score.Done},
		{Date: civil.D(2026, 3, 5), Status: score.Done},
		{Date: civil.D(2026, 3, 7), Status: score.Done},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := score.Streak{Current: 3, Longest: 3, AtRisk: true, Start: civil.D(2026, 3, 4), LastDone: civil.D(2026, 3, 7), FrozenDays: []civil.Date{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestCountStreakTravel: a flight never breaks a streak and never doubles one.
func TestCountStreakTravel(t *testing.T) {
	t.Parallel()
	la := mustLoad(t, "America/Los_Angeles")
	tokyo := mustLoad(t, "Asia/Tokyo")

	// East: done every day in Los Angeles through the 5th, then a flight
	// that lands in Tokyo at 00:00 on the 7th, while it is 07:00 on the 6th
	// in Los Angeles. The 6th, cut short in the air, is marked missed.
	landing := time.Date(2026, 3, 6, 15, 0, 0, 0, time.UTC)
	east := score.ZoneChange{At: landing, From: la, To: tokyo}
	today, err := score.PersonDay(landing.Add(time.Hour), tokyo, 0)
	if err != nil {
		t.Fatal(err)
	}
	if today != civil.D(2026, 3, 7) {
		t.Fatalf("today in Tokyo = %s", today)
	}
	marks := seq(civil.D(2026, 3, 6), "DDDDDM")
	in := score.StreakInput{Marks: marks, Today: today}
	without, err := score.CountStreak(in)
	if err != nil {
		t.Fatal(err)
	}
	if without.Current != 0 {
		t.Fatalf("without the zone change Current = %d, want 0 (the 6th is missed)", without.Current)
	}
	in.ZoneChanges = []score.ZoneChange{east}
	got, err := score.CountStreak(in)
	if err != nil {
		t.Fatal(err)
	}
	want := score.Streak{Current: 5, Longest: 5, AtRisk: true, Start: civil.D(2026, 3, 1), LastDone: civil.D(2026, 3, 5), FrozenDays: []civil.Date{}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("east (-want +got):\n%s", diff)
	}

	// West: done in Tokyo on the 1st to the 6th (the 6th at 09:00 there),
	// then a flight lands in Los Angeles where it is the 5th again, done
	// again. The 5th happens twice and counts once; tomorrow, the 6th, is
	// already done.
	back := time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC)
	west := score.ZoneChange{At: back, From: tokyo, To: la}
	todayLA, _ := score.PersonDay(back.Add(time.Hour), la, 0)
	if todayLA != civil.D(2026, 3, 5) {
		t.Fatalf("today in LA = %s", todayLA)
	}
	marks = append(seq(civil.D(2026, 3, 6), "DDDDDD"), score.Mark{Date: civil.D(2026, 3, 5), Status: score.Done})
	for _, day := range []civil.Date{todayLA, todayLA.AddDays(1)} {
		got, err := score.CountStreak(score.StreakInput{Marks: marks, Today: day, ZoneChanges: []score.ZoneChange{west}})
		if err != nil {
			t.Fatal(err)
		}
		want := score.Streak{Current: 6, Longest: 6, Start: civil.D(2026, 3, 1), LastDone: civil.D(2026, 3, 6), FrozenDays: []civil.Date{}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("west, today %s (-want +got):\n%s", day, diff)
		}
	}

	// A move east within the same day (Los Angeles to New York at noon)
	// leaves the day a full one: a miss there still counts.
	ny := mustLoad(t, "America/New_York")
	noon := time.Date(2026, 3, 6, 20, 0, 0, 0, time.UTC)
	got, err = score.CountStreak(score.StreakInput{Marks: seq(civil.D(2026, 3, 7), "DDDDDMD"), Today: civil.D(2026, 3, 7),
		ZoneChanges: []score.ZoneChange{{At: noon, From: la, To: ny}}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Current != 1 {
		t.Errorf("same-day move east: Current = %d, want 1", got.Current)
	}
}

// TestCountStreakDSTNights: DST nights are ordinary days of a streak, since
// each completion's day comes from the wall clock.
func TestCountStreakDSTNights(t *testing.T) {
	t.Parallel()
	ny := mustLoad(t, "America/New_York")
	// Check in at 00:30 (day start 4, so the evening before) every night around
	// both DST changes of 2026.
	for _, start := range []civil.Date{civil.D(2026, 3, 5), civil.D(2026, 10, 29)} {
		var marks []score.Mark
		for i := range 6 {
			day := start.AddDays(i + 1)
			at := time.Date(day.Year, day.Month, day.Day, 0, 30, 0, 0, ny)
			pd, err := score.PersonDay(at, ny, 4)
			if err != nil {
				t.Fatal(err)
			}
			marks = append(marks, score.Mark{Date: pd, Status: score.Done})
		}
		got, err := score.CountStreak(score.StreakInput{Marks: marks, Today: start.AddDays(6), DayStartHour: 4})
		if err != nil {
			t.Fatal(err)
		}
		want := score.Streak{Current: 6, Longest: 6, AtRisk: true, Start: start, LastDone: start.AddDays(5), FrozenDays: []civil.Date{}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("from %s (-want +got):\n%s", start, diff)
		}
	}
}

func TestCountStreakInvalid(t *testing.T) {
	t.Parallel()
	_, err := score.CountStreak(score.StreakInput{
		Marks:        []score.Mark{{Date: civil.D(2026, 2, 30), Status: score.Done}, {Date: civil.D(2026, 3, 1), Status: "great"}},
		Rules:        score.StreakRules{FreezeEvery: -1, MaxFreezes: -2},
		ZoneChanges:  []score.ZoneChange{{}},
		DayStartHour: 25,
	})
	want := []string{"today", "marks[0].date", "marks[1].status", "rules.freeze_every", "rules.max_freezes", "day_start_hour", "zone_changes[0].from", "zone_changes[0].to"}
	if diff := cmp.Diff(want, fieldsOf(err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if !errors.Is(err, score.ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid", err)
	}
	_, err = score.CountStreak(score.StreakInput{Marks: []score.Mark{{Date: civil.D(1700, 1, 1), Status: score.Done}}, Today: civil.D(2026, 1, 1)})
	if diff := cmp.Diff([]string{"marks"}, fieldsOf(err)); diff != "" {
		t.Errorf("span: fields (-want +got):\n%s", diff)
	}
}

func TestDayGoalStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		h       *score.Habits
		goals   score.Goals
		dayOver bool
		want    score.Status
	}{
		{"no habits data", nil, score.Goals{}, true, score.Rest},
		{"nothing due", &score.Habits{}, score.Goals{}, true, score.Rest},
		{"everything skipped", &score.Habits{Due: 2, Skipped: 2}, score.Goals{}, true, score.Rest},
		{"4 of 5 meets the default 80%", &score.Habits{Due: 5, Completed: 4}, score.Goals{}, true, score.Done},
		{"3 of 5 misses it once the day is over", &score.Habits{Due: 5, Completed: 3}, score.Goals{}, true, score.Missed},
		{"3 of 5 is pending during the day", &score.Habits{Due: 5, Completed: 3}, score.Goals{}, false, score.Pending},
		{"3 of 4 with a skip meets 75%", &score.Habits{Due: 5, Completed: 3, Skipped: 1}, score.Goals{DayGoalPercent: 75}, true, score.Done},
		{"a goal of 100% needs everything", &score.Habits{Due: 5, Completed: 4}, score.Goals{DayGoalPercent: 100}, true, score.Missed},
	}
	for _, tt := range tests {
		got, err := score.DayGoalStatus(tt.h, tt.goals, tt.dayOver)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("%s: DayGoalStatus = %s, want %s", tt.name, got, tt.want)
		}
	}
	_, err := score.DayGoalStatus(&score.Habits{Due: 1, Completed: 2}, score.Goals{DayGoalPercent: -1}, true)
	if diff := cmp.Diff([]string{"goals.day_goal_percent", "habits.completed"}, fieldsOf(err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
}
