package score_test

import (
	"errors"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/shopspring/decimal"
)

// checkInvalid fails unless err is a validation error naming a field.
func checkInvalid(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, score.ErrInvalid) {
		t.Fatalf("error %v does not match ErrInvalid", err)
	}
	fs := score.FieldErrors(err)
	if len(fs) == 0 {
		t.Fatalf("error %v names no field", err)
	}
	for _, f := range fs {
		if f.Field == "" || f.Reason == "" {
			t.Fatalf("validation error without field or message: %#v", f)
		}
	}
}

var fuzzZones = []string{"UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "Australia/Lord_Howe", "Pacific/Kiritimati", "America/St_Johns", "Asia/Kathmandu"}

func FuzzPersonDay(f *testing.F) {
	f.Add(int64(1583632800), uint8(1), 2)
	f.Add(int64(1604210400), uint8(1), 1)
	f.Add(int64(1700000000), uint8(4), 4)
	f.Add(int64(0), uint8(0), 25)
	f.Add(int64(-62135596800), uint8(5), 0)
	f.Add(int64(253402300799), uint8(6), 23)
	locs := make([]*time.Location, len(fuzzZones))
	for i, z := range fuzzZones {
		locs[i] = mustLoad(f, z)
	}
	f.Fuzz(func(t *testing.T, unix int64, zone uint8, hour int) {
		at := time.Unix(unix, 0)
		loc := locs[int(zone)%len(locs)]
		day, err := score.PersonDay(at, loc, hour)
		if hour < 0 || hour > 23 {
			checkInvalid(t, err)
			return
		}
		if err != nil {
			checkInvalid(t, err)
			if fs := score.FieldErrors(err); fs[0].Field != "time" || at.Year() > 1 && at.Year() < 9999 {
				t.Fatalf("PersonDay(%s): %v", at, err)
			}
			return
		}
		start, err := score.DayStart(day, loc, hour)
		if err != nil {
			t.Fatalf("DayStart(%s): %v", day, err)
		}
		if day.AddDays(1).IsValid() {
			end, err := score.DayStart(day.AddDays(1), loc, hour)
			if err != nil {
				t.Fatalf("DayStart(%s): %v", day.AddDays(1), err)
			}
			if at.Before(start) || !at.Before(end) {
				t.Fatalf("%s is not within its day %s [%s, %s)", at, day, start, end)
			}
			if h := end.Sub(start); h < 20*time.Hour || h > 28*time.Hour {
				t.Fatalf("day %s lasts %s", day, h)
			}
		}
	})
}

func FuzzCompute(f *testing.F) {
	f.Add(uint16(0xffff), 80, 7*3600, 89, 55, 70, 90, 6000, 540, 30, 180, 30, 5, 3, 1, 2, int64(1), int64(1), int64(1), int64(1), 50)
	f.Add(uint16(0), 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, int64(0), int64(0), int64(0), int64(0), 0)
	f.Add(uint16(0x5555), 101, -1, 200, 10, -5, 100, 2_000_000, 1441, 1500, -1, 9999, 3, 4, 0, -1, int64(-1), int64(2), int64(0), int64(3), 55)
	f.Fuzz(func(t *testing.T, mask uint16, sleepScore, total, eff, rhr, readiness, activity, steps, work, after, meet, brk, due, done, skipped, onTime int,
		w1, w2, w3, w4 int64, usualRHR int) {
		opt := func(bit uint, v int) *int {
			if mask&(1<<bit) == 0 {
				return nil
			}
			return &v
		}
		day := score.Day{Date: civil.D(2026, 3, 10)}
		if mask&(1<<0) != 0 {
			day.Sleep = &score.Sleep{Score: opt(1, sleepScore), TotalSeconds: opt(2, total), Efficiency: opt(3, eff), RestingHeartRate: opt(4, rhr),
				Contributors: map[string]int{"deep_sleep": sleepScore, "timing": eff}}
		}
		if mask&(1<<5) != 0 {
			day.Readiness = &score.Readiness{Score: opt(6, readiness)}
		}
		if mask&(1<<7) != 0 {
			day.Activity = &score.Activity{Score: opt(8, activity), Steps: opt(9, steps)}
		}
		if mask&(1<<10) != 0 {
			day.Work = &score.Work{Minutes: work, AfterHoursMinutes: after, MeetingMinutes: opt(11, meet), BreakMinutes: opt(12, brk)}
		}
		if mask&(1<<13) != 0 {
			day.Habits = &score.Habits{Due: due, Completed: done, Skipped: skipped, OnTime: opt(14, onTime)}
		}
		goals := score.Goals{RestingHeartRate: usualRHR}
		if mask&(1<<15) != 0 {
			goals.Weights = &score.Weights{Sleep: decimal.NewFromInt(w1), Activity: decimal.NewFromInt(w2), WorkLife: decimal.NewFromInt(w3), Habits: decimal.NewFromInt(w4)}
		}
		b, err := score.Compute(day, goals)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		assertEffectsAddUp(t, b)
		present := 0
		for _, d := range score.AllDomains() {
			if b.Domain(d) != nil {
				present++
			}
		}
		if present+len(b.Life.Missing) != 4 {
			t.Fatalf("%d present and %v missing", present, b.Life.Missing)
		}
		if present == 0 && b.Life.Value.Valid {
			t.Fatal("a Life Score with no domain")
		}
		m, err := score.TodayMessage(score.MessageInput{Today: b, Yesterday: &b})
		if err != nil || m.Text == "" || len(m.Rules) == 0 {
			t.Fatalf("TodayMessage = %+v, %v", m, err)
		}
		for _, a := range score.DayAwards(day, b) {
			if a.Key == "" || a.Points <= 0 {
				t.Fatalf("bad day award %+v", a)
			}
		}
	})
}

// statusOf maps a byte to a status; 5 and above leave the day unmarked.
func statusOf(b byte) (score.Status, bool) {
	switch b % 7 {
	case 0, 1:
		return score.Done, true
	case 2:
		return score.Missed, true
	case 3:
		return score.Skipped, true
	case 4:
		return score.Rest, true
	case 5:
		return score.Pending, true
	}
	return "", false
}

func FuzzCountStreak(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, 0, 3, 0, 4, 6, 0}, 0, 7, 2)
	f.Add([]byte{0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 0, 5}, 3, 1, 1)
	f.Add([]byte{}, 0, 0, 0)
	f.Add([]byte{9, 9, 9, 1}, -4, -1, 2000)
	f.Fuzz(func(t *testing.T, days []byte, todayShift, every, maxFreezes int) {
		today := civil.D(2026, 3, 20)
		first := today.AddDays(-len(days) + 1 + todayShift%3)
		var marks []score.Mark
		for i, b := range days {
			if st, ok := statusOf(b); ok {
				marks = append(marks, score.Mark{Date: first.AddDays(i), Status: st})
			}
		}
		rules := score.StreakRules{FreezeEvery: every, MaxFreezes: maxFreezes}
		s, err := score.CountStreak(score.StreakInput{Marks: marks, Today: today, Rules: rules})
		if every < 0 || every > 1000 || maxFreezes < 0 || maxFreezes > 1000 {
			checkInvalid(t, err)
			return
		}
		if err != nil {
			t.Fatalf("CountStreak: %v", err)
		}
		dones := 0
		for _, m := range marks {
			if m.Status == score.Done {
				dones++
			}
		}
		if s.Current > s.Longest || s.Longest > dones || s.Freezes > maxFreezes || (s.AtRisk && s.Current == 0) {
			t.Fatalf("inconsistent streak %+v with %d done days", s, dones)
		}
		if rules.FreezeEvery == 0 && len(s.FrozenDays) != 0 {
			t.Fatalf("frozen days %v without freezes", s.FrozenDays)
		}
		if every == 0 || maxFreezes == 0 {
			// Without freezes the longest streak is the longest run of done
			// days, neutral days ignored, unmarked past days missed.
			if want := naiveLongest(marks, today); s.Longest != want {
				t.Fatalf("Longest = %d, a plain count gives %d", s.Longest, want)
			}
		}
	})
}

// naiveLongest is a plain reference model of the longest streak without freezes.
func naiveLongest(marks []score.Mark, today civil.Date) int {
	if len(marks) == 0 {
		return 0
	}
	byDay := map[civil.Date]score.Status{}
	first := marks[0].Date
	last := today
	rank := map[score.Status]int{score.Done: 4, score.Skipped: 3, score.Rest: 2, score.Pending: 1, score.Missed: 0}
	for _, m := range marks {
		if cur, ok := byDay[m.Date]; !ok || rank[m.Status] > rank[cur] {
			byDay[m.Date] = m.Status
		}
		if m.Date.Before(first) {
			first = m.Date
		}
		if m.Date.After(last) {
			last = m.Date
		}
	}
	run, best := 0, 0
	for d := first; !d.After(last); d = d.AddDays(1) {
		st, ok := byDay[d]
		switch {
		case st == score.Done:
			run++
			best = max(best, run)
		case st == score.Skipped || st == score.Rest:
		case d == today || d.After(today):
		default:
			_ = ok
			run = 0
		}
	}
	return best
}

func FuzzHabitStrength(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 3, 0}, 1, 1)
	f.Add([]byte{0, 6, 6, 0, 6, 6, 6, 2, 4}, 3, 7)
	f.Add([]byte{}, 0, 0)
	f.Add([]byte{1}, 5, 3)
	f.Fuzz(func(t *testing.T, days []byte, times, per int) {
		through := civil.D(2026, 3, 20)
		var marks []score.Mark
		for i, b := range days {
			if st, ok := statusOf(b); ok {
				marks = append(marks, score.Mark{Date: through.AddDays(i - len(days) + 2), Status: st})
			}
		}
		s, err := score.HabitStrength(score.StrengthInput{Marks: marks, Frequency: score.Frequency{Times: times, Days: per}, Through: through})
		if per < 1 || per > 366 || times < 1 || times > per {
			checkInvalid(t, err)
			return
		}
		if err != nil {
			t.Fatalf("HabitStrength: %v", err)
		}
		if s.Exact < 0 || s.Exact > 1 || s.Value.IsNegative() || s.Value.GreaterThan(decimal.NewFromInt(100)) {
			t.Fatalf("strength %v / %s out of range", s.Exact, s.Value)
		}
		for i := 1; i < len(s.Series); i++ {
			if s.Series[i].Date != s.Series[i-1].Date.AddDays(1) {
				t.Fatalf("series not daily at %d", i)
			}
		}
		if n := len(s.Series); n > 0 && (s.Series[n-1].Date != through || s.Series[n-1].Value != s.Exact) {
			t.Fatalf("series ends at %+v, want %s with %v", s.Series[n-1], through, s.Exact)
		}
	})
}

func FuzzLife(f *testing.F) {
	f.Add("80", "70.25", "", "100", "1", "0.5", "2", "0")
	f.Add("-1", "101", "x", "1e3", "-1", "0", "0", "0")
	f.Add("33.3", "", "", "", "0.0001", "1000000", "1", "1")
	f.Fuzz(func(t *testing.T, v1, v2, v3, v4, w1, w2, w3, w4 string) {
		parse := func(s string) (decimal.Decimal, bool) {
			d, err := decimal.NewFromString(s)
			return d, err == nil && d.Abs().LessThan(decimal.New(1, 30)) && d.Exponent() > -30
		}
		var domains []score.DomainScore
		for i, v := range []string{v1, v2, v3, v4} {
			if d, ok := parse(v); ok {
				domains = append(domains, score.DomainScore{Domain: score.AllDomains()[i], Value: d})
			}
		}
		var ws [4]decimal.Decimal
		for i, w := range []string{w1, w2, w3, w4} {
			ws[i], _ = parse(w)
		}
		life, err := score.Life(domains, score.Weights{Sleep: ws[0], Activity: ws[1], WorkLife: ws[2], Habits: ws[3]})
		if err != nil {
			checkInvalid(t, err)
			return
		}
		if len(domains)+len(life.Missing) != 4 {
			t.Fatalf("%d domains, missing %v", len(domains), life.Missing)
		}
		if life.Value.Valid {
			assertEffectsAddUp(t, score.Breakdown{Life: life})
		}
	})
}

func FuzzLevelFor(f *testing.F) {
	for _, n := range []int64{0, 149, 150, 2040, -1, score.MaxXP, score.MaxXP + 1, 123456789} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, total int64) {
		lv, err := score.LevelFor(total)
		if total < 0 || total > score.MaxXP {
			checkInvalid(t, err)
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		span, err := score.LevelSpan(lv.Level)
		if err != nil || span != lv.Span || lv.IntoLevel+lv.ToNext != lv.Span || lv.ToNext <= 0 || lv.IntoLevel < 0 {
			t.Fatalf("LevelFor(%d) = %+v (span %d, %v)", total, lv, span, err)
		}
	})
}

func FuzzCompletionAward(f *testing.F) {
	f.Add("walk", "easy", -1, true, 14)
	f.Add("", "epic", 5000, false, -3)
	f.Add("x", "", 0, true, 100000)
	f.Fuzz(func(t *testing.T, item, difficulty string, base int, onTime bool, streak int) {
		c := score.Completion{ItemID: item, Date: civil.D(2026, 3, 10), Difficulty: score.Difficulty(difficulty), OnTime: onTime, Streak: streak}
		if base >= 0 {
			c.BasePoints = &base
		}
		a, err := score.CompletionAward(c)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		var sum int64
		for _, p := range a.Parts {
			sum += p.Points
		}
		if sum != a.Points || a.Points < 0 || a.Key != score.CompletionKey(item, c.Date, c.Slot) {
			t.Fatalf("bad award %+v", a)
		}
		var l score.Ledger
		if ok, err := l.Record(a); !ok || err != nil {
			t.Fatalf("Record: %v %v", ok, err)
		}
		if ok, _ := l.Record(a); ok || l.Total() != a.Points {
			t.Fatalf("second Record changed the ledger: total %d", l.Total())
		}
	})
}

func FuzzEvaluate(f *testing.F) {
	f.Add([]byte{10, 20, 30, 40, 50, 60, 70, 80, 90}, int64(700))
	f.Add([]byte{}, int64(0))
	f.Add([]byte{255, 0, 255, 0}, int64(-5))
	f.Fuzz(func(t *testing.T, data []byte, xp int64) {
		asOf := civil.D(2026, 3, 20)
		var days []score.Day
		for i, b := range data {
			due := int(b % 5)
			days = append(days, score.Day{
				Date:     asOf.AddDays(i - len(data) + 1),
				Sleep:    &score.Sleep{Score: score.Int(int(b) % 101)},
				Activity: &score.Activity{Steps: score.Int(int(b) * 100)},
				Habits:   &score.Habits{Due: due, Completed: int(b/5) % (due + 1)},
			})
		}
		h := score.History{Days: days, AsOf: asOf, Rules: score.DefaultStreakRules(), Awards: []score.Award{{Key: "k", Date: asOf, Points: xp}}}
		ev, err := score.Evaluate(h, nil)
		if err != nil {
			checkInvalid(t, err)
			return
		}
		again, err := score.Evaluate(h, ev.New)
		if err != nil || len(again.New) != 0 || len(again.Progress) != len(score.Catalog()) {
			t.Fatalf("second evaluation: %d new, %v", len(again.New), err)
		}
		for _, p := range again.Progress {
			if p.Current < 0 || p.Current > p.Target || p.Percent < 0 || p.Percent > 100 || (p.Unlocked && p.UnlockedOn.After(asOf)) {
				t.Fatalf("bad progress %+v", p)
			}
		}
	})
}
