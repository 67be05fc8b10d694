package lifeops_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// keys returns the keys of a JSON object.
func keys(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("not a JSON object: %s", raw)
	}
	var out []string
	for _, k := range []string{"date", "timezone", "life_score", "domains", "xp", "streaks", "new_achievements", "message", "feed",
		"value", "missing", "contributors", "sleep", "activity", "work_life", "habits", "total", "level", "into_level", "to_next_level",
		"start_date", "end_date", "counts", "partial", "errors"} {
		if _, ok := m[k]; ok {
			out = append(out, k)
		}
	}
	return out
}

func TestTodayJSONFollowsTheHTTPAPI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 7, 40, 0, 0, loc))
	u := b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10), 0))
	today := mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, civil.Date{}))
	raw, err := json.Marshal(today)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		LifeScore json.RawMessage `json:"life_score"`
		Domains   json.RawMessage `json:"domains"`
		XP        json.RawMessage `json:"xp"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		raw  json.RawMessage
		want []string
	}{
		{"today", raw, []string{"date", "timezone", "life_score", "domains", "xp", "streaks", "new_achievements", "message", "feed"}},
		{"life_score", doc.LifeScore, []string{"value", "missing", "contributors"}},
		{"domains", doc.Domains, []string{"sleep", "activity", "work_life", "habits"}},
		{"xp", doc.XP, []string{"total", "level", "into_level", "to_next_level"}},
	}
	for _, c := range checks {
		if diff := cmp.Diff(c.want, keys(t, c.raw)); diff != "" {
			t.Errorf("%s keys (-want +got):\n%s", c.name, diff)
		}
	}
	var life struct {
		Value   json.Number `json:"value"`
		Missing []string    `json:"missing"`
	}
	if err := json.Unmarshal(doc.LifeScore, &life); err != nil {
		t.Fatalf("life_score.value is not a JSON number: %v in %s", err, doc.LifeScore)
	}
	if life.Value != "100.0" || len(life.Missing) != 3 {
		t.Errorf("life_score = %+v, want 100.0 with three missing domains", life)
	}
	var domains map[string]json.RawMessage
	_ = json.Unmarshal(doc.Domains, &domains)
	if string(domains["sleep"]) != "null" {
		t.Errorf("an absent domain is %s, want null", domains["sleep"])
	}
}

func TestSyncResultJSON(t *testing.T) {
	t.Parallel()
	res := lifeops.SyncResult{From: day(1), To: day(2), Counts: map[lifeops.DataKind]int{"daily_sleep": 2},
		Partial: true, Errors: []lifeops.SyncError{{Kind: "heartrate", Code: lifeops.CodeUnavailable, Message: "Down.", Err: errors.New("secret detail")}},
		Ranges:   []lifeops.SyncRange{{Kind: "daily_sleep", From: day(1), To: day(2)}, {Kind: "heartrate", From: day(1), To: day(1), Behind: true}},
		Rejected: []lifeops.SyncRejection{{Kind: "sleep", Date: day(2), Document: "s-2", Reason: "bedtime: must be before wake_time"}},
		Warnings: []lifeops.SyncWarning{{Kind: "sleep", Code: "zone_mismatch", From: day(1), To: day(2), Message: "The ring recorded …"}}}
	raw, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"start_date":"2026-03-01","end_date":"2026-03-02","counts":{"daily_sleep":2},"partial":true,"errors":[{"kind":"heartrate","code":"unavailable","message":"Down."}],` +
		`"ranges":[{"kind":"daily_sleep","start_date":"2026-03-01","end_date":"2026-03-02","behind":false},{"kind":"heartrate","start_date":"2026-03-01","end_date":"2026-03-01","behind":true}],` +
		`"warnings":[{"kind":"sleep","code":"zone_mismatch","start_date":"2026-03-01","end_date":"2026-03-02","message":"The ring recorded …"}],` +
		`"rejected":[{"kind":"sleep","date":"2026-03-02","document_id":"s-2","reason":"bedtime: must be before wake_time"}]}`
	if string(raw) != want {
		t.Errorf("JSON = %s\nwant   %s", raw, want)
	}
	if got := res.Errors[0].Error(); got != "sync heartrate: secret detail" {
		t.Errorf("SyncError.Error() = %q", got)
	}
}

func TestNumber(t *testing.T) {
	t.Parallel()
	n := lifeops.Number{Decimal: decimal.RequireFromString("72.25")}
	raw, err := json.Marshal(struct {
		V lifeops.Number  `json:"v"`
		P *lifeops.Number `json:"p"`
	}{n, nil})
	if err != nil || string(raw) != `{"v":72.3,"p":null}` {
		t.Errorf("JSON = %s, %v; want 72.3 rounded half away from zero, as a number", raw, err)
	}
	for _, in := range []string{`72.25`, `"72.25"`} {
		var back lifeops.Number
		if err := json.Unmarshal([]byte(in), &back); err != nil || !back.Equal(n.Decimal) {
			t.Errorf("decode %s = %s, %v", in, back.Decimal, err)
		}
	}
	if got := fmt.Sprintf("[%6v|%-6s|%.3f]", n, n, n); got != "[  72.3|72.3  |72.250]" {
		t.Errorf("formatted = %q", got)
	}
}

func TestHabitsScoreCountsWhatIsDueSoFar(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 7, 40, 0, 0, loc))
	u := b.user(t)
	morning := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	b.item(t, u.ID, "Evening walk", civil.Clock{Hour: 18, Minute: 30})
	mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, morning.ID, day(10), 0))
	sc := mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, civil.Date{}))
	if sc.Habits == nil || sc.Habits.Value.String() != "100" {
		t.Errorf("habits at 07:40 with the evening item still ahead = %+v, want 100", sc.Habits)
	}
	// The day's bonus counts the whole day: not perfect yet.
	if hasXP(t, b, u.ID, "perfect_day:2026-03-10") {
		t.Error("a perfect-day bonus before the evening item was done")
	}
	b.clock.Set(time.Date(2026, 3, 10, 20, 0, 0, 0, loc))
	sc = mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, civil.Date{}))
	if sc.Habits.Value.String() != "60" { // one of two done (0.8 × 50) and that one on time (0.2 × 100)
		t.Errorf("habits at 20:00 with the evening item missed = %s, want 60", sc.Habits.Value)
	}
}

func TestFeedAndHealthReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 7, 40, 0, 0, loc))
	u := b.user(t)
	b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	f := mustOK[timeline.Feed](t)(b.svc.Feed(ctx, u.ID, civil.Date{}, ""))
	if f.Date != day(10) || f.View != timeline.ViewDefault || len(f.Entries) != 1 || f.Entries[0].Status != timeline.StatusPending {
		t.Errorf("default feed = %+v", f)
	}
	_, err := b.svc.Feed(ctx, u.ID, day(10), "compact")
	if diff := cmp.Diff([]string{"view"}, fields(err)); diff != "" {
		t.Errorf("bad view fields (-want +got):\n%s", diff)
	}
	_, err = b.svc.Feed(ctx, u.ID, civil.D(2026, 2, 30), "")
	wantCode(t, err, lifeops.CodeInvalid)
	_, err = b.svc.HealthDay(ctx, u.ID, day(10))
	wantCode(t, err, lifeops.CodeNotFound)
	_, err = b.svc.HealthDays(ctx, u.ID, day(10), civil.D(2030, 1, 1))
	wantCode(t, err, lifeops.CodeInvalid)
	_, err = b.svc.ScoreDay(ctx, u.ID, day(11))
	wantCode(t, err, lifeops.CodeInvalid)
	_, err = b.svc.Scores(ctx, u.ID, day(11), day(10))
	wantCode(t, err, lifeops.CodeInvalid)
}

// FuzzItemJSON decodes any input as an item: no panic, and whatever decodes
// and validates encodes and decodes back to the same item.
func FuzzItemJSON(f *testing.F) {
	for _, seed := range []string{
		`{"title":"Stretch","kind":"routine","schedule":{"type":"daily"},"anchor":{"type":"wake"},"offset_minutes":20,"duration_minutes":10,"difficulty":"easy"}`,
		`{"title":"Review","kind":"task","schedule":{"type":"weekly","days":["fri"]},"anchor":{"type":"fixed","time":"16:00"},"xp":40,"missed":"carry_over","created_at":"2026-03-01T06:00:00Z"}`,
		`{"title":"x","schedule":{"type":"rrule","rrule":"FREQ=MONTHLY;BYDAY=-1FR","start_date":"2026-01-01"}}`,
		`{"id":"not-a-uuid"}`, `[]`, `null`, `{"difficulty":7}`, `{"created_at":"yesterday"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var it lifeops.Item
		if err := json.Unmarshal(data, &it); err != nil {
			return
		}
		it.ID, it.UserID = testUserID, testUserID
		if it.Validate() != nil {
			return
		}
		raw, err := json.Marshal(it)
		if err != nil {
			t.Fatalf("a valid item does not encode: %v", err)
		}
		var back lifeops.Item
		back.UserID = testUserID
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatalf("an encoded item does not decode: %v\n%s", err, raw)
		}
		if diff := cmp.Diff(it, back, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	})
}

// TestWorkDayJSON: PUT /v1/me/work/{date} makes meeting_minutes and
// break_minutes optional. Left out or null they decode to nil (not
// entered); 0 stays 0. Encoding leaves nil out and keeps 0.
func TestWorkDayJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in   string
		meet, brk  *int
		wantEncode string
	}{
		{"left out", `{"date":"2026-03-10","work_minutes":480,"after_hours_minutes":30}`, nil, nil,
			`{"date":"2026-03-10","work_minutes":480,"after_hours_minutes":30,"updated_at":"0001-01-01T00:00:00Z"}`},
		{"null", `{"date":"2026-03-10","work_minutes":480,"after_hours_minutes":30,"meeting_minutes":null,"break_minutes":null}`, nil, nil,
			`{"date":"2026-03-10","work_minutes":480,"after_hours_minutes":30,"updated_at":"0001-01-01T00:00:00Z"}`},
		{"zero", `{"date":"2026-03-10","work_minutes":480,"after_hours_minutes":30,"meeting_minutes":0,"break_minutes":0}`, new(0), new(0),
			`{"date":"2026-03-10","work_minutes":480,"after_hours_minutes":30,"meeting_minutes":0,"break_minutes":0,"updated_at":"0001-01-01T00:00:00Z"}`},
		{"breaks only", `{"date":"2026-03-10","work_minutes":480,"after_hours_minutes":30,"break_minutes":45}`, nil, new(45),
			`{"date":"2026-03-10","work_minutes":480,"after_hours_minutes":30,"break_minutes":45,"updated_at":"0001-01-01T00:00:00Z"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var w lifeops.WorkDay
			if err := json.Unmarshal([]byte(tt.in), &w); err != nil {
				t.Fatal(err)
			}
			want := lifeops.WorkDay{Date: day(10), WorkMinutes: 480, AfterHoursMinutes: 30, MeetingMinutes: tt.meet, BreakMinutes: tt.brk}
			if diff := cmp.Diff(want, w); diff != "" {
				t.Errorf("decoded (-want +got):\n%s", diff)
			}
			raw, err := json.Marshal(w)
			if err != nil {
				t.Fatal(err)
			}
			if string(raw) != tt.wantEncode {
				t.Errorf("encoded:\n got %s\nwant %s", raw, tt.wantEncode)
			}
		})
	}
}

// FuzzWorkDayJSON decodes any input as a work day: no panic, and whatever
// decodes and validates encodes and decodes back to the same day, minutes
// not entered still nil and minutes of 0 still 0.
func FuzzWorkDayJSON(f *testing.F) {
	for _, seed := range []string{
		`{"date":"2026-03-10","work_minutes":480,"after_hours_minutes":30}`,
		`{"date":"2026-03-10","work_minutes":480,"after_hours_minutes":30,"meeting_minutes":null,"break_minutes":0}`,
		`{"date":"2026-03-10","work_minutes":480,"meeting_minutes":481,"break_minutes":-1}`,
		`{"date":"2026-02-30","work_minutes":1e3}`, `{"break_minutes":"0"}`, `[]`, `null`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var w lifeops.WorkDay
		if err := json.Unmarshal(data, &w); err != nil {
			return
		}
		w.UserID = testUserID
		if w.Validate() != nil {
			return
		}
		raw, err := json.Marshal(w)
		if err != nil {
			t.Fatalf("a valid work day does not encode: %v", err)
		}
		back := lifeops.WorkDay{UserID: testUserID}
		if err := json.Unmarshal(raw, &back); err != nil {
			t.Fatalf("an encoded work day does not decode: %v\n%s", err, raw)
		}
		if diff := cmp.Diff(w, back, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	})
}

// TestViewsFollowTheHTTPAPI: a day's stored scores and health record in the
// shapes of GET /v1/me/scores and GET /v1/me/health/days: scores as numbers
// with one decimal place, absent domains null and named in missing, flat
// provider scores, absent measures null, instants with the person's offset.
func TestViewsFollowTheHTTPAPI(t *testing.T) {
	t.Parallel()
	dec := decimal.RequireFromString
	life := dec("81.45")
	sc := lifeops.DayScores{Date: day(9), Life: &life,
		LifeParts: []lifeops.Contributor{{Name: "sleep", Value: dec("80"), Weight: dec("1"), Effect: dec("80")}},
		Sleep: &lifeops.DomainScore{Value: dec("80"), Contributors: []lifeops.Contributor{
			{Name: "sleep_score", Value: dec("80"), Weight: dec("0.5"), Effect: dec("40"), Input: "ring sleep score 80"}}}}
	loc := berlin(t)
	wake := time.Date(2026, 3, 9, 5, 30, 0, 0, time.UTC)
	hd := lifeops.HealthDay{Date: day(9), Source: "oura", Sleep: &lifeops.ProviderScore{Value: 82, Contributors: map[string]int{"rem_sleep": 70}},
		Steps: ptr(9000), WakeTime: &wake}
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"empty scores", lifeops.DayScores{Date: day(8)}.View(),
			`{"date":"2026-03-08","life_score":null,"missing":["sleep","activity","work_life","habits"],"life_contributors":[],"sleep":null,"activity":null,"work_life":null,"habits":null}`},
		{"scores", sc.View(),
			`{"date":"2026-03-09","life_score":81.5,"missing":["activity","work_life","habits"],"life_contributors":[{"name":"sleep","value":80.0,"weight":1,"effect":80.0}],` +
				`"sleep":{"value":80.0,"contributors":[{"name":"sleep_score","value":80.0,"weight":0.5,"effect":40.0,"input":"ring sleep score 80"}]},"activity":null,"work_life":null,"habits":null}`},
		{"health day", hd.View(loc),
			`{"date":"2026-03-09","source":"oura","sleep_score":82,"sleep_contributors":{"rem_sleep":70},"readiness_score":null,"activity_score":null,"steps":9000,` +
				`"total_sleep_seconds":null,"efficiency":null,"resting_heart_rate":null,"hrv":null,"bedtime":null,"wake_time":"2026-03-09T06:30:00+01:00"}`},
	}
	for _, tt := range tests {
		raw, err := json.Marshal(tt.v)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, string(raw)); diff != "" {
			t.Errorf("%s JSON (-want +got):\n%s", tt.name, diff)
		}
	}
}
