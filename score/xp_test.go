package score_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/shopspring/decimal"
)

func TestLevelSpanHabiticaVectors(t *testing.T) {
	t.Parallel()
	want := map[int]int64{1: 150, 2: 160, 3: 170, 5: 200, 10: 260, 20: 440, 50: 1260, 99: 3580, 100: 3640}
	got := map[int]int64{}
	for l := range want {
		n, err := score.LevelSpan(l)
		if err != nil {
			t.Fatal(err)
		}
		got[l] = n
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LevelSpan (-want +got):\n%s", diff)
	}
	var total int64
	for l := 1; l <= 10; l++ {
		n, _ := score.LevelSpan(l)
		total += n
	}
	if total != 2040 {
		t.Errorf("XP to reach level 11 = %d, want 2040", total)
	}
	if _, err := score.LevelSpan(0); !errors.Is(err, score.ErrInvalid) {
		t.Errorf("LevelSpan(0) err = %v, want ErrInvalid", err)
	}
}

func TestLevelFor(t *testing.T) {
	t.Parallel()
	tests := []struct {
		total int64
		want  score.Level
	}{
		{0, score.Level{Total: 0, Level: 1, IntoLevel: 0, ToNext: 150, Span: 150}},
		{149, score.Level{Total: 149, Level: 1, IntoLevel: 149, ToNext: 1, Span: 150}},
		{150, score.Level{Total: 150, Level: 2, IntoLevel: 0, ToNext: 160, Span: 160}},
		{400, score.Level{Total: 400, Level: 3, IntoLevel: 90, ToNext: 80, Span: 170}},
		{2040, score.Level{Total: 2040, Level: 11, IntoLevel: 0, ToNext: 280, Span: 280}},
	}
	for _, tt := range tests {
		got, err := score.LevelFor(tt.total)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("LevelFor(%d) (-want +got):\n%s", tt.total, diff)
		}
	}
	for _, bad := range []int64{-1, score.MaxXP + 1} {
		_, err := score.LevelFor(bad)
		if diff := cmp.Diff([]string{"xp.total"}, fieldsOf(err)); diff != "" {
			t.Errorf("LevelFor(%d) fields (-want +got):\n%s", bad, diff)
		}
	}
	top, err := score.LevelFor(score.MaxXP)
	if err != nil || top.IntoLevel+top.ToNext != top.Span || top.Level < 1000 {
		t.Errorf("LevelFor(MaxXP) = %+v, %v", top, err)
	}
}

func TestCompletionAward(t *testing.T) {
	t.Parallel()
	day := civil.D(2026, 3, 10)
	tests := []struct {
		name string
		in   score.Completion
		want score.Award
	}{
		{"easy, late, no streak", score.Completion{ItemID: "walk", Date: day, Difficulty: score.Easy},
			score.Award{Key: "completion:walk:2026-03-10", Date: day, Kind: score.KindCompletion, ItemID: "walk", Points: 5,
				Reason: "completed walk", Parts: []score.AwardPart{{Name: "base", Points: 5}}}},
		{"medium, on time, 6-day streak earns no streak bonus yet", score.Completion{ItemID: "read", Date: day, Difficulty: score.Medium, OnTime: true, Streak: 6},
			score.Award{Key: "completion:read:2026-03-10", Date: day, Kind: score.KindCompletion, ItemID: "read", Points: 12,
				Reason: "completed read, on time", Parts: []score.AwardPart{{Name: "base", Points: 10}, {Name: "on_time", Points: 2}}}},
		{"hard, on time, 14-day streak", score.Completion{ItemID: "run", Date: day, Difficulty: score.Hard, OnTime: true, Streak: 14},
			score.Award{Key: "completion:run:2026-03-10", Date: day, Kind: score.KindCompletion, ItemID: "run", Points: 28,
				Reason: "completed run, on time, 14-day streak", Parts: []score.AwardPart{{Name: "base", Points: 20}, {Name: "on_time", Points: 4}, {Name: "streak", Points: 4}}}},
		{"streak bonus caps at 50%", score.Completion{ItemID: "run", Date: day, Difficulty: score.Hard, Streak: 400},
			score.Award{Key: "completion:run:2026-03-10", Date: day, Kind: score.KindCompletion, ItemID: "run", Points: 30,
				Reason: "completed run, 400-day streak", Parts: []score.AwardPart{{Name: "base", Points: 20}, {Name: "streak", Points: 10}}}},
		{"trivial bonuses are at least 1", score.Completion{ItemID: "water", Date: day, Difficulty: score.Trivial, OnTime: true, Streak: 7},
			score.Award{Key: "completion:water:2026-03-10", Date: day, Kind: score.KindCompletion, ItemID: "water", Points: 4,
				Reason: "completed water, on time, 7-day streak", Parts: []score.AwardPart{{Name: "base", Points: 2}, {Name: "on_time", Points: 1}, {Name: "streak", Points: 1}}}},
		{"item's own points replace the difficulty", score.Completion{ItemID: "tax", Date: day, BasePoints: score.Int(50), OnTime: true},
			score.Award{Key: "completion:tax:2026-03-10", Date: day, Kind: score.KindCompletion, ItemID: "tax", Points: 60,
				Reason: "completed tax, on time", Parts: []score.AwardPart{{Name: "base", Points: 50}, {Name: "on_time", Points: 10}}}},
		{"zero base earns no bonus", score.Completion{ItemID: "z", Date: day, BasePoints: score.Int(0), OnTime: true, Streak: 30},
			score.Award{Key: "completion:z:2026-03-10", Date: day, Kind: score.KindCompletion, ItemID: "z", Points: 0,
				Reason: "completed z, on time, 30-day streak", Parts: []score.AwardPart{{Name: "base", Points: 0}, {Name: "on_time", Points: 0}, {Name: "streak", Points: 0}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := score.CompletionAward(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("CompletionAward (-want +got):\n%s", diff)
			}
		})
	}
	_, err := score.CompletionAward(score.Completion{Difficulty: "epic", Streak: -1, Date: civil.D(2026, 13, 1)})
	if diff := cmp.Diff([]string{"item_id", "date", "difficulty", "streak"}, fieldsOf(err)); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	for _, bad := range []int{-1, score.MaxBasePoints + 1} {
		_, err = score.CompletionAward(score.Completion{ItemID: "x", Date: day, BasePoints: score.Int(bad)})
		if diff := cmp.Diff([]string{"base_points"}, fieldsOf(err)); diff != "" {
			t.Errorf("base points %d: fields (-want +got):\n%s", bad, diff)
		}
	}
	top, err := score.CompletionAward(score.Completion{ItemID: "x", Date: day, BasePoints: score.Int(score.MaxBasePoints), OnTime: true, Streak: 35})
	if err != nil || top.Points != score.MaxBasePoints*(100+score.OnTimeBonusPercent+score.StreakBonusMaxPercent)/100 {
		t.Errorf("the largest base with every bonus = %+v, %v", top, err)
	}
}

func TestDayAwards(t *testing.T) {
	t.Parallel()
	day := civil.D(2026, 3, 10)
	high := score.Breakdown{Date: day, Life: score.LifeScore{Value: decimal.NewNullDecimal(decimal.NewFromInt(85))}}
	low := score.Breakdown{Date: day, Life: score.LifeScore{Value: decimal.NewNullDecimal(d("84.9"))}}
	perfect := score.Day{Date: day, Habits: &score.Habits{Due: 3, Completed: 2, Skipped: 1}}
	tests := []struct {
		name string
		day  score.Day
		b    score.Breakdown
		keys []string
	}{
		{"perfect and high", perfect, high, []string{"perfect_day:2026-03-10", "high_life_score:2026-03-10"}},
		{"perfect, 84.9", perfect, low, []string{"perfect_day:2026-03-10"}},
		{"one left undone", score.Day{Date: day, Habits: &score.Habits{Due: 3, Completed: 2}}, high, []string{"high_life_score:2026-03-10"}},
		{"all skipped is not perfect", score.Day{Date: day, Habits: &score.Habits{Due: 2, Skipped: 2}}, score.Breakdown{Date: day}, nil},
	}
	for _, tt := range tests {
		var keys []string
		for _, a := range score.DayAwards(tt.day, tt.b) {
			keys = append(keys, a.Key)
			if a.Points <= 0 || a.Date != day {
				t.Errorf("%s: award %+v", tt.name, a)
			}
		}
		if diff := cmp.Diff(tt.keys, keys); diff != "" {
			t.Errorf("%s: keys (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestLedgerIdempotentAndUndo(t *testing.T) {
	t.Parallel()
	day := civil.D(2026, 3, 10)
	walk, _ := score.CompletionAward(score.Completion{ItemID: "walk", Date: day, Difficulty: score.Medium})
	read, _ := score.CompletionAward(score.Completion{ItemID: "read", Date: day, Difficulty: score.Hard})
	var l score.Ledger
	steps := []struct {
		do      func() (bool, error)
		changed bool
		total   int64
		keys    []string
	}{
		{func() (bool, error) { return l.Record(walk) }, true, 10, []string{walk.Key}},
		{func() (bool, error) { return l.Record(walk) }, false, 10, []string{walk.Key}},
		{func() (bool, error) { return l.Record(read) }, true, 30, []string{walk.Key, read.Key}},
		{func() (bool, error) { _, ok := l.Undo(walk.Key); return ok, nil }, true, 20, []string{read.Key}},
		{func() (bool, error) { _, ok := l.Undo(walk.Key); return ok, nil }, false, 20, []string{read.Key}},
		{func() (bool, error) { return l.Record(walk) }, true, 30, []string{read.Key, walk.Key}},
	}
	for i, s := range steps {
		changed, err := s.do()
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		var keys []string
		for _, a := range l.Awards() {
			keys = append(keys, a.Key)
		}
		if changed != s.changed || l.Total() != s.total {
			t.Errorf("step %d: changed %v total %d, want %v %d", i, changed, l.Total(), s.changed, s.total)
		}
		if diff := cmp.Diff(s.keys, keys); diff != "" {
			t.Errorf("step %d: keys (-want +got):\n%s", i, diff)
		}
		for _, k := range s.keys {
			if !l.Has(k) {
				t.Errorf("step %d: Has(%s) = false", i, k)
			}
		}
	}
	if _, err := l.Record(score.Award{Points: 5}); diff(t, []string{"key"}, err) {
		return
	}
	if _, err := l.Record(score.Award{Key: "penalty", Points: -1000}); diff(t, []string{"points"}, err) {
		return
	}

	loaded, err := score.NewLedger(l.Awards())
	if err != nil || loaded.Total() != 30 {
		t.Fatalf("NewLedger: total %v, %v", loaded, err)
	}
	_, err = score.NewLedger([]score.Award{walk, walk, {Key: ""}})
	diff(t, []string{"awards[1].key", "awards[2].key"}, err)
}

func diff(t *testing.T, fields []string, err error) bool {
	t.Helper()
	if !errors.Is(err, score.ErrInvalid) {
		t.Errorf("err = %v, want ErrInvalid", err)
		return true
	}
	if d := cmp.Diff(fields, fieldsOf(err)); d != "" {
		t.Errorf("fields (-want +got):\n%s", d)
		return true
	}
	return false
}

func TestBasePoints(t *testing.T) {
	t.Parallel()
	got := map[score.Difficulty]int64{}
	for _, df := range []score.Difficulty{score.Trivial, score.Easy, score.Medium, score.Hard} {
		n, err := score.BasePoints(df)
		if err != nil {
			t.Fatal(err)
		}
		got[df] = n
	}
	if diff := cmp.Diff(map[score.Difficulty]int64{"trivial": 2, "easy": 5, "medium": 10, "hard": 20}, got); diff != "" {
		t.Errorf("BasePoints (-want +got):\n%s", diff)
	}
	_, err := score.BasePoints("")
	diff(t, []string{"difficulty"}, err)
}
