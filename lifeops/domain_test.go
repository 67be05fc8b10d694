package lifeops_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

var testUserID = uuid.MustParse("00000000-0000-4000-8000-000000000001")

func ptr[T any](v T) *T { return &v }

// fields returns the field names of the validation errors in err.
func fields(err error) []string {
	var out []string
	for _, fe := range lifeops.FieldErrors(err) {
		out = append(out, fe.Field)
	}
	return out
}

type validator interface{ Validate() error }

// checkValidation runs Validate on each case and compares the fields named.
func checkValidation(t *testing.T, tests []struct {
	name string
	v    validator
	want []string
}) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.v.Validate()
			if diff := cmp.Diff(tt.want, fields(err)); diff != "" {
				t.Errorf("fields (-want +got):\n%s\nerr: %v", diff, err)
			}
			if tt.want != nil && !errors.Is(err, lifeops.ErrInvalid) {
				t.Errorf("error %v does not match ErrInvalid", err)
			}
			if tt.want == nil && err != nil {
				t.Errorf("unexpected error %v", err)
			}
		})
	}
}

func validUser() lifeops.User {
	return lifeops.User{ID: testUserID, Name: "Ada", Zone: "Europe/Berlin", DayStartHour: 4,
		WakeTime: civil.MustParseClock("07:00"), Bedtime: civil.MustParseClock("23:00")}
}

func TestUserValidate(t *testing.T) {
	t.Parallel()
	with := func(f func(*lifeops.User)) lifeops.User { u := validUser(); f(&u); return u }
	checkValidation(t, []struct {
		name string
		v    validator
		want []string
	}{
		{"valid", validUser(), nil},
		{"no id", with(func(u *lifeops.User) { u.ID = uuid.Nil }), []string{"id"}},
		{"blank name", with(func(u *lifeops.User) { u.Name = "  " }), []string{"name"}},
		{"long name", with(func(u *lifeops.User) { u.Name = strings.Repeat("é", 101) }), []string{"name"}},
		{"control character", with(func(u *lifeops.User) { u.Name = "a\x00b" }), []string{"name"}},
		{"no zone", with(func(u *lifeops.User) { u.Zone = "" }), []string{"timezone"}},
		{"Local zone", with(func(u *lifeops.User) { u.Zone = "Local" }), []string{"timezone"}},
		{"unknown zone", with(func(u *lifeops.User) { u.Zone = "Mars/Olympus" }), []string{"timezone"}},
		{"day start 24", with(func(u *lifeops.User) { u.DayStartHour = 24 }), []string{"day_start_hour"}},
		{"day start -1", with(func(u *lifeops.User) { u.DayStartHour = -1 }), []string{"day_start_hour"}},
		{"bad clocks", with(func(u *lifeops.User) { u.WakeTime = civil.Clock{Hour: 24}; u.Bedtime = civil.Clock{Minute: 60} }), []string{"wake_time", "bedtime"}},
	})
}

func TestGoalsValidate(t *testing.T) {
	t.Parallel()
	with := func(f func(*lifeops.Goals)) lifeops.Goals { g := lifeops.DefaultGoals(testUserID); f(&g); return g }
	checkValidation(t, []struct {
		name string
		v    validator
		want []string
	}{
		{"defaults", lifeops.DefaultGoals(testUserID), nil},
		{"no user", lifeops.DefaultGoals(uuid.Nil), []string{"user_id"}},
		{"ranges", with(func(g *lifeops.Goals) {
			g.SleepMinutes, g.Steps, g.WorkMinutes, g.AfterHoursMinutes, g.DayGoalPercent = 179, 100001, 961, -1, 0
		}), []string{"sleep_minutes", "steps", "work_minutes", "after_hours_minutes", "day_goal_percent"}},
		{"resting heart rate set", with(func(g *lifeops.Goals) { g.RestingHeartRate = 55 }), nil},
		{"resting heart rate too low", with(func(g *lifeops.Goals) { g.RestingHeartRate = 29 }), []string{"resting_heart_rate"}},
		{"negative weight", with(func(g *lifeops.Goals) { g.Weights.Habits = decimal.NewFromInt(-1) }), []string{"weights.habits"}},
		{"zero weights", with(func(g *lifeops.Goals) { g.Weights = lifeops.DomainWeights{} }), []string{"weights"}},
	})
}

func validHealthDay() lifeops.HealthDay {
	bed := time.Date(2026, 3, 9, 22, 40, 0, 0, time.UTC)
	wake := bed.Add(8 * time.Hour)
	return lifeops.HealthDay{UserID: testUserID, Date: civil.D(2026, 3, 10), Source: "oura",
		Sleep:     &lifeops.ProviderScore{Value: 82, Contributors: map[string]int{"deep_sleep": 90}},
		Readiness: &lifeops.ProviderScore{Value: 77}, Activity: &lifeops.ProviderScore{Value: 64},
		Steps: ptr(9120), TotalSleepSeconds: ptr(27000), Efficiency: ptr(91), RestingHeartRate: ptr(52), HRV: ptr(48),
		Bedtime: &bed, WakeTime: &wake}
}

func TestHealthDayValidate(t *testing.T) {
	t.Parallel()
	with := func(f func(*lifeops.HealthDay)) lifeops.HealthDay { d := validHealthDay(); f(&d); return d }
	checkValidation(t, []struct {
		name string
		v    validator
		want []string
	}{
		{"valid", validHealthDay(), nil},
		{"empty day is valid", lifeops.HealthDay{UserID: testUserID, Date: civil.D(2026, 1, 1)}, nil},
		{"bad date", with(func(d *lifeops.HealthDay) { d.Date = civil.D(2026, 2, 30) }), []string{"date"}},
		{"scores", with(func(d *lifeops.HealthDay) {
			d.Sleep.Value = 101
			d.Readiness.Contributors = map[string]int{"hrv_balance": -1}
		}), []string{"sleep.value", "readiness.contributors.hrv_balance"}},
		{"measures", with(func(d *lifeops.HealthDay) {
			d.Steps, d.TotalSleepSeconds, d.Efficiency, d.RestingHeartRate, d.HRV = ptr(-1), ptr(86401), ptr(101), ptr(19), ptr(501)
		}), []string{"steps", "total_sleep_seconds", "efficiency", "resting_heart_rate", "hrv"}},
		{"wake before bed", with(func(d *lifeops.HealthDay) { w := d.Bedtime.Add(-time.Minute); d.WakeTime = &w }), []string{"wake_time"}},
		{"sleep over a day", with(func(d *lifeops.HealthDay) { w := d.Bedtime.Add(25 * time.Hour); d.WakeTime = &w }), []string{"wake_time"}},
	})
}

func TestHealthDayMerge(t *testing.T) {
	t.Parallel()
	full := validHealthDay()
	tests := []struct {
		kind lifeops.DataKind
		want func(d *lifeops.HealthDay) // what merging an empty day of kind into full changes
	}{
		{lifeops.KindDailySleep, func(d *lifeops.HealthDay) { d.Sleep = nil }},
		{lifeops.KindDailyReadiness, func(d *lifeops.HealthDay) { d.Readiness = nil }},
		{lifeops.KindDailyActivity, func(d *lifeops.HealthDay) { d.Activity, d.Steps = nil, nil }},
		{lifeops.KindSleep, func(d *lifeops.HealthDay) {
			d.TotalSleepSeconds, d.Efficiency, d.RestingHeartRate, d.HRV, d.Bedtime, d.WakeTime = nil, nil, nil, nil, nil, nil
		}},
		{lifeops.KindHeartRate, func(*lifeops.HealthDay) {}},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			t.Parallel()
			got := validHealthDay()
			got.Merge(tt.kind, lifeops.HealthDay{})
			want := validHealthDay()
			tt.want(&want)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("merge of no data (-want +got):\n%s", diff)
			}
			// Merging the full day back restores it, and shares no memory with it.
			got.Merge(tt.kind, full)
			if diff := cmp.Diff(full, got); diff != "" {
				t.Errorf("merge of full day (-want +got):\n%s", diff)
			}
		})
	}
	d := lifeops.HealthDay{}
	d.Merge(lifeops.KindDailySleep, full)
	d.Sleep.Contributors["deep_sleep"] = 1
	if full.Sleep.Contributors["deep_sleep"] != 90 {
		t.Error("Merge shares the contributors map with its source")
	}
}

func TestRecordValidate(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	item := uuid.MustParse("00000000-0000-4000-8000-0000000000aa")
	eventID := uuid.MustParse("00000000-0000-4000-8000-0000000000ee")
	checkValidation(t, []struct {
		name string
		v    validator
		want []string
	}{
		{"sample", lifeops.HeartRateSample{At: at, BPM: 60, Source: "rest"}, nil},
		{"bad sample", lifeops.HeartRateSample{BPM: 19}, []string{"at", "bpm"}},
		{"raw document", lifeops.RawDocument{UserID: testUserID, Provider: "oura", Kind: "sleep", ID: "abc", Data: json.RawMessage(`{"a":1}`)}, nil},
		{"bad raw document", lifeops.RawDocument{Data: json.RawMessage(`{`)}, []string{"user_id", "provider", "kind", "id", "data"}},
		// encoding/json accepts such bytes inside a string; no SQL store keeps them.
		{"raw document not UTF-8", lifeops.RawDocument{UserID: testUserID, Provider: "oura", Kind: "sleep", ID: "abc", Data: json.RawMessage("{\"a\":\"\xff\"}")}, []string{"data"}},
		{"sync state", lifeops.SyncState{UserID: testUserID, Kind: lifeops.KindSleep, Through: civil.D(2026, 3, 1)}, nil},
		{"bad sync state", lifeops.SyncState{UserID: testUserID, Kind: "steps"}, []string{"kind", "through"}},
		{"work day", lifeops.WorkDay{UserID: testUserID, Date: civil.D(2026, 3, 10), WorkMinutes: 500, AfterHoursMinutes: 40, MeetingMinutes: new(120), BreakMinutes: new(30)}, nil},
		{"work day, meetings and breaks not entered", lifeops.WorkDay{UserID: testUserID, Date: civil.D(2026, 3, 10), WorkMinutes: 500}, nil},
		{"work day, no meetings and no breaks", lifeops.WorkDay{UserID: testUserID, Date: civil.D(2026, 3, 10), WorkMinutes: 500, MeetingMinutes: new(0), BreakMinutes: new(0)}, nil},
		{"work day, meetings all day, breaks at the limit", lifeops.WorkDay{UserID: testUserID, Date: civil.D(2026, 3, 10), WorkMinutes: 500, MeetingMinutes: new(500), BreakMinutes: new(1440)}, nil},
		{"bad work day", lifeops.WorkDay{UserID: testUserID, Date: civil.D(2026, 3, 10), WorkMinutes: 1441, AfterHoursMinutes: -1, MeetingMinutes: new(1442), BreakMinutes: new(-5)},
			[]string{"work_minutes", "after_hours_minutes", "meeting_minutes", "break_minutes"}},
		{"meetings beyond work, breaks over a day", lifeops.WorkDay{UserID: testUserID, Date: civil.D(2026, 3, 10), WorkMinutes: 60, MeetingMinutes: new(61), BreakMinutes: new(1441)},
			[]string{"meeting_minutes", "break_minutes"}},
		{"after hours beyond work", lifeops.WorkDay{UserID: testUserID, Date: civil.D(2026, 3, 10), WorkMinutes: 60, AfterHoursMinutes: 61}, []string{"after_hours_minutes"}},
		{"xp", lifeops.XPEntry{UserID: testUserID, Key: "k", Date: civil.D(2026, 3, 10), Kind: "completion", Points: 6, Parts: []lifeops.XPPart{{"base", 5}, {"on_time", 1}}}, nil},
		{"bad xp", lifeops.XPEntry{Points: 6, Parts: []lifeops.XPPart{{"base", 5}}}, []string{"user_id", "key", "date", "kind", "parts"}},
		{"achievement", lifeops.Achievement{UserID: testUserID, Code: "streak_7", Date: civil.D(2026, 3, 10), UnlockedAt: at}, nil},
		{"bad achievement", lifeops.Achievement{}, []string{"user_id", "code", "date", "unlocked_at"}},
		{"completion", lifeops.Event{ID: eventID, UserID: testUserID, ItemID: item, Date: civil.D(2026, 3, 10), Kind: lifeops.EventCompleted, At: at}, nil},
		{"postponement needs to", lifeops.Event{ID: eventID, UserID: testUserID, ItemID: item, Date: civil.D(2026, 3, 10), Kind: lifeops.EventPostponed, At: at}, []string{"to"}},
		{"postponement to a later date", lifeops.Event{ID: eventID, UserID: testUserID, ItemID: item, Date: civil.D(2026, 3, 10), Kind: lifeops.EventPostponed, At: at, ToDate: civil.D(2026, 3, 11)}, nil},
		{"postponement backwards", lifeops.Event{ID: eventID, UserID: testUserID, ItemID: item, Date: civil.D(2026, 3, 10), Kind: lifeops.EventPostponed, At: at, ToDate: civil.D(2026, 3, 10)}, []string{"to_date"}},
		{"reason only on skips", lifeops.Event{ID: eventID, UserID: testUserID, ItemID: item, Date: civil.D(2026, 3, 10), Kind: lifeops.EventCompleted, At: at, Reason: "x", To: at}, []string{"reason", "to"}},
		{"bad event", lifeops.Event{Kind: "done"}, []string{"id", "user_id", "item_id", "date", "kind", "at"}},
		{"credential", lifeops.Credential{UserID: testUserID, Provider: "oura", AccessToken: lifeops.NewSecret("t")}, nil},
		{"bad credential", lifeops.Credential{Scopes: []string{""}}, []string{"user_id", "provider", "access_token", "scopes"}},
		{"zone change", lifeops.ZoneChange{UserID: testUserID, At: at, From: "America/Los_Angeles", To: "Asia/Tokyo"}, nil},
		{"bad zone change", lifeops.ZoneChange{From: "", To: "Mars/Olympus"}, []string{"user_id", "at", "from", "to"}},
		{"zone change to Local", lifeops.ZoneChange{UserID: testUserID, At: at, From: "UTC", To: "Local"}, []string{"to"}},
		{"zone change to the same zone", lifeops.ZoneChange{UserID: testUserID, At: at, From: "Asia/Tokyo", To: "Asia/Tokyo"}, []string{"to"}},
		{"zone change in year 10000", lifeops.ZoneChange{UserID: testUserID, At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), From: "UTC", To: "Asia/Tokyo"}, []string{"at"}},
	})
}

func TestDayScoresValidate(t *testing.T) {
	t.Parallel()
	v := decimal.RequireFromString("71.5")
	checkValidation(t, []struct {
		name string
		v    validator
		want []string
	}{
		{"all absent", lifeops.DayScores{UserID: testUserID, Date: civil.D(2026, 3, 10)}, nil},
		{"one domain", lifeops.DayScores{UserID: testUserID, Date: civil.D(2026, 3, 10), Life: &v, Sleep: &lifeops.DomainScore{Value: v}}, nil},
		{"life missing", lifeops.DayScores{UserID: testUserID, Date: civil.D(2026, 3, 10), Habits: &lifeops.DomainScore{Value: v}}, []string{"life_score"}},
		{"out of range", lifeops.DayScores{UserID: testUserID, Date: civil.D(2026, 3, 10), Life: ptr(decimal.NewFromInt(101)), Sleep: &lifeops.DomainScore{Value: decimal.NewFromInt(-1)}}, []string{"life_score", "sleep.value"}},
	})
	s := lifeops.DayScores{Activity: &lifeops.DomainScore{}}
	if diff := cmp.Diff([]lifeops.Domain{lifeops.DomainSleep, lifeops.DomainWorkLife, lifeops.DomainHabits}, s.Missing()); diff != "" {
		t.Errorf("Missing (-want +got):\n%s", diff)
	}
}

func TestCredentialRedactsTokens(t *testing.T) {
	t.Parallel()
	c := lifeops.Credential{UserID: testUserID, Provider: "oura", AccessToken: lifeops.NewSecret("s3cret-access"), RefreshToken: lifeops.NewSecret("s3cret-refresh")}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := sprintf(format, c); strings.Contains(got, "s3cret") {
			t.Errorf("%s prints a token: %s", format, got)
		}
	}
	var b strings.Builder
	logger := newTextLogger(&b)
	logger.Info("saved", "credential", c)
	if strings.Contains(b.String(), "s3cret") || !strings.Contains(b.String(), "[redacted]") {
		t.Errorf("log line does not redact: %s", b.String())
	}
	now := time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC)
	c.Expiry = now.Add(time.Minute)
	if c.Expired(now, 0) || !c.Expired(now, time.Minute) {
		t.Error("Expired is wrong around the margin")
	}
}

func validItem() lifeops.Item {
	xp := 15
	return lifeops.Item{
		Item: timeline.Item{
			ID: uuid.MustParse("00000000-0000-4000-8000-0000000000aa"), Title: "Stretch", Kind: timeline.KindRoutine,
			Schedule:      timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday, time.Friday}},
			Anchor:        timeline.Anchor{Type: timeline.AnchorWake},
			OffsetMinutes: 20, DurationMinutes: 10, XP: &xp, Missed: timeline.MissedCarryOver,
		},
		UserID: testUserID, Difficulty: lifeops.DifficultyMedium,
		CreatedAt: time.Date(2026, 3, 1, 6, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC),
	}
}

func TestItemValidateTranslatesTimelineErrors(t *testing.T) {
	t.Parallel()
	with := func(f func(*lifeops.Item)) lifeops.Item { it := validItem(); f(&it); return it }
	checkValidation(t, []struct {
		name string
		v    validator
		want []string
	}{
		{"valid", validItem(), nil},
		{"owner and id", with(func(it *lifeops.Item) { it.ID, it.UserID = uuid.Nil, uuid.Nil }), []string{"id", "user_id"}},
		{"timeline fields keep their paths", with(func(it *lifeops.Item) {
			it.Title = ""
			it.Schedule.Days = nil
			it.OffsetMinutes = 2000
		}), []string{"title", "schedule.days", "offset_minutes"}},
		{"difficulty", with(func(it *lifeops.Item) { it.Difficulty = "epic" }), []string{"difficulty"}},
	})
	it := validItem()
	it.Anchor = timeline.Anchor{Type: "noon"}
	err := it.Validate()
	var te *timeline.ValidationError
	if !errors.As(err, &te) || te.Field != "anchor.type" {
		t.Errorf("errors.As(*timeline.ValidationError) = %v, %v; want the anchor.type error", te, err)
	}
}

func TestItemJSONRoundTrip(t *testing.T) {
	t.Parallel()
	it := validItem()
	b, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "title", "kind", "schedule", "anchor", "offset_minutes", "duration_minutes", "xp", "missed", "difficulty", "created_at", "updated_at"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON has no %q: %s", k, b)
		}
	}
	var got lifeops.Item
	got.UserID = testUserID // JSON does not carry the owner
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(it, got); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	err = json.Unmarshal([]byte(`{"title":"x","schedule":{"type":"weekly","days":["funday"]}}`), &got)
	if !errors.Is(err, lifeops.ErrInvalid) || len(lifeops.FieldErrors(err)) == 0 || lifeops.FieldErrors(err)[0].Field != "schedule.days" {
		t.Errorf("decoding a bad schedule: %v, want a validation error for schedule.days", err)
	}
}
