package score_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/shopspring/decimal"
)

// breakdown builds a day's breakdown from domain values ("" = absent) with
// equal weights.
func breakdown(t *testing.T, date civil.Date, sleep, activity, workLife, habits string) score.Breakdown {
	t.Helper()
	b := score.Breakdown{Date: date}
	var present []score.DomainScore
	for i, v := range []string{sleep, activity, workLife, habits} {
		if v == "" {
			continue
		}
		ds := score.DomainScore{Domain: score.AllDomains()[i], Value: d(v)}
		present = append(present, ds)
		switch i {
		case 0:
			b.Sleep = &ds
		case 1:
			b.Activity = &ds
		case 2:
			b.WorkLife = &ds
		case 3:
			b.Habits = &ds
		}
	}
	life, err := score.Life(present, score.DefaultWeights())
	if err != nil {
		t.Fatal(err)
	}
	b.Life = life
	return b
}

func TestTodayMessage(t *testing.T) {
	t.Parallel()
	today := civil.D(2026, 3, 10)
	yesterday := today.AddDays(-1)
	y := breakdown(t, yesterday, "60", "70", "80", "90")
	tests := []struct {
		name string
		in   score.MessageInput
		want score.Message
	}{
		{"no data at all", score.MessageInput{Today: breakdown(t, today, "", "", "", "")},
			score.Message{Text: "No scores yet today: sync your ring or complete an item to get started.", Rules: []string{"no_data"}}},
		{"streak at risk beats everything else", score.MessageInput{
			Today: breakdown(t, today, "90", "90", "90", "90"), Yesterday: &y,
			Streak: &score.Streak{Current: 12, AtRisk: true, Freezes: 1}, New: []score.Unlock{{Code: "perfect_day", Date: today}}},
			score.Message{Text: "Life Score 90.0: an optimal day. Your 12-day streak is at risk: meet today's goal to keep it (a freeze will cover today if not).",
				Rules: []string{"band_optimal", "streak_at_risk"}}},
		{"a one-day streak is not called at risk", score.MessageInput{
			Today: breakdown(t, today, "75", "75", "75", "75"), Streak: &score.Streak{Current: 1, AtRisk: true}},
			score.Message{Text: "Life Score 75.0: a good day.", Rules: []string{"band_good"}}},
		{"milestone reached today", score.MessageInput{
			Today: breakdown(t, today, "65", "65", "65", "65"), Streak: &score.Streak{Current: 7, LastDone: today}},
			score.Message{Text: "Life Score 65.0: a fair day. 7 days in a row. Keep it going!", Rules: []string{"band_fair", "streak_milestone"}}},
		{"milestone from yesterday is not repeated", score.MessageInput{
			Today: breakdown(t, today, "65", "65", "65", "65"), Streak: &score.Streak{Current: 7, LastDone: yesterday}},
			score.Message{Text: "Life Score 65.0: a fair day.", Rules: []string{"band_fair"}}},
		{"600 days is a milestone", score.MessageInput{
			Today: breakdown(t, today, "65", "65", "65", "65"), Streak: &score.Streak{Current: 600, LastDone: today}},
			score.Message{Text: "Life Score 65.0: a fair day. 600 days in a row. Keep it going!", Rules: []string{"band_fair", "streak_milestone"}}},
		{"achievements in catalog order", score.MessageInput{
			Today: breakdown(t, today, "50", "50", "50", "50"), New: []score.Unlock{{Code: "life_score_90"}, {Code: "perfect_day"}, {Code: "first_completion"}}},
			score.Message{Text: "Life Score 50.0: a day to go easy and look after the basics. Achievement unlocked: First step and 2 more.",
				Rules: []string{"band_attention", "achievement"}}},
		{"biggest mover against yesterday", score.MessageInput{Today: breakdown(t, today, "75.3", "72", "80", "80"), Yesterday: &y},
			score.Message{Text: "Life Score 76.8: a good day. Sleep is up 15.3 points on yesterday.", Rules: []string{"band_good", "mover"}}},
		{"a fall is a mover too", score.MessageInput{Today: breakdown(t, today, "58", "70", "80", "70"), Yesterday: &y},
			score.Message{Text: "Life Score 69.5: a fair day. Habits is down 20.0 points on yesterday.", Rules: []string{"band_fair", "mover"}}},
		{"small moves are not called out; missing sleep is", score.MessageInput{Today: breakdown(t, today, "", "72", "80", "90"), Yesterday: &y},
			score.Message{Text: "Life Score 80.7: a good day. Sleep data has not arrived yet; it usually syncs by mid-morning.", Rules: []string{"band_good", "missing_data"}}},
		{"missing work data", score.MessageInput{Today: breakdown(t, today, "80", "80", "", "80")},
			score.Message{Text: "Life Score 80.0: a good day. No work-life data yet today.", Rules: []string{"band_good", "missing_data"}}},
		{"weakest domain below fair", score.MessageInput{Today: breakdown(t, today, "90", "45", "90", "90")},
			score.Message{Text: "Life Score 78.8: a good day. Activity is lowest at 45.0; a small step there helps most.", Rules: []string{"band_good", "weakest"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := score.TodayMessage(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("TodayMessage (-want +got):\n%s", diff)
			}
			again, _ := score.TodayMessage(tt.in)
			if diff := cmp.Diff(got, again); diff != "" {
				t.Errorf("not deterministic (-first +second):\n%s", diff)
			}
		})
	}
}

// TestTodayMessageNamesTheSlot: a domain is named by the field it sits in,
// so a caller that fills only values gets the right name.
func TestTodayMessageNamesTheSlot(t *testing.T) {
	t.Parallel()
	today := breakdown(t, civil.D(2026, 3, 10), "40", "90", "90", "90")
	sleep := *today.Sleep
	sleep.Domain = ""
	today.Sleep = &sleep
	got, err := score.TodayMessage(score.MessageInput{Today: today})
	if err != nil {
		t.Fatal(err)
	}
	want := score.Message{Text: "Life Score 77.5: a good day. Sleep is lowest at 40.0; a small step there helps most.", Rules: []string{"band_good", "weakest"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestTodayMessageInvalid(t *testing.T) {
	t.Parallel()
	bad := score.Breakdown{Sleep: &score.DomainScore{Domain: score.DomainSleep, Value: d("101")},
		Life: score.LifeScore{Value: decimal.NewNullDecimal(d("-1"))}}
	_, err := score.TodayMessage(score.MessageInput{Today: bad})
	diff(t, []string{"today.life_score.value", "today.sleep.value"}, err)
	_, err = score.TodayMessage(score.MessageInput{Yesterday: &bad})
	diff(t, []string{"yesterday.life_score.value", "yesterday.sleep.value"}, err)
}
