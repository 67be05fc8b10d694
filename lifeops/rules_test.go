package lifeops_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// TestValidateRefusesWhatNoStoreCanKeep: text with NUL bytes or bytes that
// are not UTF-8, control characters in titles, and numbers too big or too
// precise to handle are refused by Validate itself, so every store agrees.
func TestValidateRefusesWhatNoStoreCanKeep(t *testing.T) {
	t.Parallel()
	d := civil.D(2026, 3, 10)
	item := func(title string) lifeops.Item { it := validItem(); it.Title = title; return it }
	event := func(reason string) lifeops.Event {
		return lifeops.Event{ID: testUserID, UserID: testUserID, ItemID: testUserID, Date: d, Kind: lifeops.EventSkipped,
			At: time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC), Reason: reason}
	}
	goals := func(w decimal.Decimal) lifeops.Goals {
		g := lifeops.DefaultGoals(testUserID)
		g.Weights.Habits = w
		return g
	}
	scores := func(life decimal.Decimal) lifeops.DayScores {
		return lifeops.DayScores{UserID: testUserID, Date: d, Life: &life, Sleep: &lifeops.DomainScore{Value: decimal.NewFromInt(50)}}
	}
	xp := func(key, reason string) lifeops.XPEntry {
		return lifeops.XPEntry{UserID: testUserID, Key: key, Date: d, Kind: "perfect_day", Points: 25, Reason: reason,
			Parts: []lifeops.XPPart{{Name: "perfect_day", Points: 25}}}
	}
	checkValidation(t, []struct {
		name string
		v    validator
		want []string
	}{
		{"plain title", item("Stretch ✓"), nil},
		{"title with NUL", item("Stretch\x00"), []string{"title"}},
		{"title with a line break", item("Stretch\nnow"), []string{"title"}},
		{"title with DEL", item("Stretch\x7f"), []string{"title"}},
		{"title with a C1 control", item("Stretch\u0085"), []string{"title"}},
		{"reason", event("rain"), nil},
		{"reason with NUL", event("rain\x00"), []string{"reason"}},
		{"reason not UTF-8", event("caf\xe9"), []string{"reason"}},
		{"work-day source with NUL", lifeops.WorkDay{UserID: testUserID, Date: d, Source: "a\x00"}, []string{"source"}},
		{"work-day source not UTF-8", lifeops.WorkDay{UserID: testUserID, Date: d, Source: "a\xff"}, []string{"source"}},
		{"heart-rate source", lifeops.HeartRateSample{At: time.Unix(0, 0), BPM: 60, Source: "\xff"}, []string{"source"}},
		{"ledger key and reason", xp("perfect_day:\x00", "ok\xff"), []string{"key", "reason"}},
		{"achievement code", lifeops.Achievement{UserID: testUserID, Code: "a\x00", Date: d, UnlockedAt: time.Unix(1, 0)}, []string{"code"}},
		{"weight 2.5", goals(decimal.RequireFromString("2.5")), nil},
		{"weight 1e999999999", goals(decimal.New(1, 999_999_999)), []string{"weights.habits"}},
		{"weight 1e-999999999", goals(decimal.New(1, -999_999_999)), []string{"weights.habits"}},
		{"weight of 5 places", goals(decimal.RequireFromString("1.00001")), []string{"weights.habits"}},
		{"life score 1e999999999", scores(decimal.New(1, 999_999_999)), []string{"life_score"}},
		{"life score -1e999999999", scores(decimal.New(-1, 999_999_999)), []string{"life_score"}},
	})
}

// TestMessagesQuoteShortPrefixes: whatever the size of a bad input, its
// error message stays short.
func TestMessagesQuoteShortPrefixes(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("x", 1<<20)
	it := validItem()
	it.Kind, it.Missed, it.Anchor.Type, it.Schedule.Type = timeline.Kind(huge), timeline.MissedPolicy(huge), timeline.AnchorType(huge), timeline.ScheduleType(huge)
	it.Difficulty = lifeops.Difficulty(huge)
	rrule := validItem()
	rrule.Schedule = timeline.Schedule{Type: timeline.ScheduleRRule, RRule: "FREQ=DAILY;" + huge + "=1"}
	rrule2 := validItem()
	rrule2.Schedule = timeline.Schedule{Type: timeline.ScheduleRRule, RRule: "FREQ=DAILY;BYMONTHDAY=" + huge}
	g := lifeops.DefaultGoals(testUserID)
	g.Weights.Sleep = decimal.RequireFromString("1" + strings.Repeat("0", 100_000))
	for name, v := range map[string]validator{
		"item": it, "rrule part": rrule, "rrule value": rrule2, "goals": g,
		"event kind": lifeops.Event{Kind: lifeops.EventKind(huge)},
		"zone":       lifeops.User{Zone: huge},
		"credential": lifeops.Credential{Provider: huge, ExternalID: huge, AccessToken: lifeops.NewSecret(huge)},
	} {
		err := v.Validate()
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if n := len(err.Error()); n > 2000 {
			t.Errorf("%s: message of %d bytes: %.300s…", name, n, err.Error())
		}
	}
	var item lifeops.Item
	err := json.Unmarshal([]byte(`{"title":"x","kind":"routine","schedule":{"type":"weekly","days":["`+huge+`"]},"anchor":{"type":"wake"},"id":"`+huge+`"}`), &item)
	if err == nil || len(err.Error()) > 2000 {
		t.Errorf("decoding an item with a huge weekday: message of %d bytes", len(err.Error()))
	}
}
