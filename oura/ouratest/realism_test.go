package ouratest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura/ouratest"
)

// yearOf lists a collection over a year for a user whose data starts on
// 2023-07-01.
func yearOf(t *testing.T, s *ouratest.Server, col string) []map[string]any {
	t.Helper()
	rows, _ := walk(t, s, "ann", "/v2/usercollection/"+col+"?start_date=2023-07-01&end_date=2024-06-30")
	if len(rows) == 0 {
		t.Fatalf("%s: no documents in a year", col)
	}
	return rows
}

func annServer(t *testing.T, opts ...ouratest.Option) *ouratest.Server {
	return start(t, append([]ouratest.Option{ouratest.WithPageSize(100000), ouratest.WithExactDates(),
		ouratest.WithUser(ouratest.User{ID: "ann", Token: "ann", Location: mustLoad(t, "Europe/Helsinki"), Since: civil.D(2023, 7, 1)})}, opts...)...)
}

// lookup follows a dotted path into a decoded document.
func lookup(doc map[string]any, path string) (any, bool) {
	var v any = doc
	for _, k := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

func TestAYearHasNullsWhereOuraSendsThem(t *testing.T) {
	t.Parallel()
	s := annServer(t)
	tests := []struct{ col, field string }{
		{"daily_sleep", "score"},
		{"daily_sleep", "contributors.total_sleep"},
		{"daily_readiness", "score"},
		{"daily_readiness", "contributors.hrv_balance"},
		{"daily_readiness", "temperature_deviation"},
		{"daily_activity", "class_5_min"},
		{"daily_activity", "contributors.training_volume"},
		{"daily_spo2", "spo2_percentage"},
		{"daily_spo2", "breathing_disturbance_index"},
		{"daily_stress", "day_summary"},
		{"daily_cardiovascular_age", "vascular_age"},
		{"sleep_time", "optimal_bedtime"},
		{"sleep", "average_hrv"},
		{"sleep", "readiness"},
		{"workout", "distance"},
		{"workout", "label"},
		{"session", "mood"},
		{"enhanced_tag", "end_time"},
	}
	for _, tt := range tests {
		t.Run(tt.col+"."+tt.field, func(t *testing.T) {
			t.Parallel()
			nulls, values := 0, 0
			for _, d := range yearOf(t, s, tt.col) {
				v, ok := lookup(d, tt.field)
				if !ok {
					t.Fatalf("%s has no %s: %v", tt.col, tt.field, d)
				}
				if v == nil {
					nulls++
				} else {
					values++
				}
			}
			if nulls == 0 || values == 0 {
				t.Errorf("%s.%s: %d nulls and %d values in a year, want both", tt.col, tt.field, nulls, values)
			}
		})
	}
	t.Run("sample items", func(t *testing.T) {
		t.Parallel()
		nulls := 0
		for _, d := range yearOf(t, s, "sleep") {
			hr, _ := d["heart_rate"].(map[string]any)
			if hr == nil {
				continue
			}
			for _, it := range hr["items"].([]any) {
				if it == nil {
					nulls++
				}
			}
		}
		if nulls == 0 {
			t.Error("no null item in a year of sleep heart-rate samples")
		}
	})
}

func TestSleepPeriodsOfAYear(t *testing.T) {
	t.Parallel()
	s := annServer(t)
	types := map[string]int{}
	perDay := map[string]int{}
	for _, d := range yearOf(t, s, "sleep") {
		typ := d["type"].(string)
		types[typ]++
		perDay[d["day"].(string)]++
		startAt, err := time.Parse(time.RFC3339, d["bedtime_start"].(string))
		if err != nil {
			t.Fatal(err)
		}
		end, err := time.Parse(time.RFC3339, d["bedtime_end"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if got := int(end.Sub(startAt).Seconds()); float64(got) != d["time_in_bed"].(float64) {
			t.Errorf("%s: time_in_bed %v, bedtimes %d s apart", d["id"], d["time_in_bed"], got)
		}
		switch typ {
		case "long_sleep":
			if h := end.Sub(startAt).Hours(); h < 5 || h > 11 {
				t.Errorf("%s: long sleep of %.1f h", d["id"], h)
			}
			if d["readiness"] == nil {
				t.Errorf("%s: long sleep without readiness", d["id"])
			}
			if civil.DateOf(end).String() != d["day"] {
				t.Errorf("%s: long sleep ends %v, its day is %v", d["id"], end, d["day"])
			}
		case "late_nap":
			if civil.DateOf(startAt).AddDays(1).String() != d["day"] || startAt.Hour() < 18 {
				t.Errorf("%s: late nap at %v counts toward %v, want the next day", d["id"], startAt, d["day"])
			}
		case "deleted":
			if d["total_sleep_duration"] != nil || d["heart_rate"] != nil {
				t.Errorf("%s: a deleted period has measurements", d["id"])
			}
		}
	}
	for _, typ := range []string{"long_sleep", "sleep", "late_nap", "rest", "deleted"} {
		if types[typ] == 0 {
			t.Errorf("no %s period in a year: %v", typ, types)
		}
	}
	if types["long_sleep"] < 330 || types["long_sleep"] > 366 {
		t.Errorf("%d long sleeps in a year", types["long_sleep"])
	}
	multi := 0
	for _, n := range perDay {
		if n > 1 {
			multi++
		}
	}
	if multi < 20 {
		t.Errorf("only %d days with more than one sleep period", multi)
	}
}

func TestHeartRateFollowsTheDay(t *testing.T) {
	t.Parallel()
	s := annServer(t)
	sleeps := yearOf(t, s, "sleep")
	rows, _ := walk(t, s, "ann", "/v2/usercollection/heartrate?start_datetime=2024-05-01T00:00:00Z&end_datetime=2024-05-29T00:00:00Z")
	if n := len(rows); n < 28*250 || n > 28*288 {
		t.Fatalf("%d heart-rate rows in 28 days, want about 288 a day", n)
	}
	type span struct{ from, to time.Time }
	var nights []span
	for _, d := range sleeps {
		if d["type"] != "long_sleep" {
			continue
		}
		a, _ := time.Parse(time.RFC3339, d["bedtime_start"].(string))
		b, _ := time.Parse(time.RFC3339, d["bedtime_end"].(string))
		nights = append(nights, span{a, b})
	}
	inNight := func(t time.Time) bool {
		for _, n := range nights {
			if !t.Before(n.from) && t.Before(n.to) {
				return true
			}
		}
		return false
	}
	var asleep, awake, asleepN, awakeN float64
	sources := map[string]int{}
	for _, r := range rows {
		ts, _ := time.Parse(time.RFC3339, r["timestamp"].(string))
		src := r["source"].(string)
		sources[src]++
		bpm := r["bpm"].(float64)
		if inNight(ts) {
			if src != "sleep" {
				t.Errorf("%v: source %s during the night's sleep", ts, src)
			}
			asleep += bpm
			asleepN++
		} else if src == "awake" {
			awake += bpm
			awakeN++
		}
	}
	if asleep/asleepN+10 > awake/awakeN {
		t.Errorf("mean heart rate asleep %.1f, awake %.1f: want sleep clearly lower", asleep/asleepN, awake/awakeN)
	}
	for _, src := range []string{"awake", "sleep", "workout"} {
		if sources[src] == 0 {
			t.Errorf("no %s heart rate in 28 days: %v", src, sources)
		}
	}
}

func TestDST(t *testing.T) {
	t.Parallel()
	s := annServer(t)
	// Helsinki moves from +02:00 to +03:00 at 03:00 on 2024-03-31.
	rows, _ := walk(t, s, "ann", "/v2/usercollection/sleep?start_date=2024-03-31&end_date=2024-03-31")
	var night map[string]any
	for _, r := range rows {
		if r["type"] == "long_sleep" {
			night = r
		}
	}
	if night == nil {
		t.Fatal("no long sleep on the night of the change")
	}
	startText, endText := night["bedtime_start"].(string), night["bedtime_end"].(string)
	if !strings.HasSuffix(startText, "+02:00") || !strings.HasSuffix(endText, "+03:00") {
		t.Errorf("bedtimes %s → %s: want +02:00 then +03:00", startText, endText)
	}
	a, _ := time.Parse(time.RFC3339, startText)
	b, _ := time.Parse(time.RFC3339, endText)
	if got := night["time_in_bed"].(float64); got != b.Sub(a).Seconds() {
		t.Errorf("time_in_bed %v, want the %v s that passed", got, b.Sub(a).Seconds())
	}
	wall := time.Date(2000, 1, 1, b.Hour(), b.Minute(), b.Second(), 0, time.UTC).Sub(time.Date(1999, 12, 31, a.Hour(), a.Minute(), a.Second(), 0, time.UTC))
	if wall-b.Sub(a) != time.Hour {
		t.Errorf("the night is %v on the wall clock and %v in time: want an hour apart", wall, b.Sub(a))
	}
	// Heart rate stays in UTC on the five-minute grid across the change.
	hr, _ := walk(t, s, "ann", "/v2/usercollection/heartrate?start_datetime=2024-03-30T22:00:00Z&end_datetime=2024-03-31T02:00:00Z")
	for i := 1; i < len(hr); i++ {
		if d := hr[i]["timestamp_unix"].(float64) - hr[i-1]["timestamp_unix"].(float64); int64(d)%300000 != 0 {
			t.Fatalf("rows %d and %d are %v ms apart", i-1, i, d)
		}
	}
	// Autumn: +03:00 back to +02:00 on 2024-10-27 (a later date, so a later clock).
	s2 := annServer(t, ouratest.WithTime(time.Date(2024, 11, 5, 0, 0, 0, 0, time.UTC)))
	act, _ := walk(t, s2, "ann", "/v2/usercollection/daily_activity?start_date=2024-10-26&end_date=2024-10-27")
	var stamps []string
	for _, r := range act {
		stamps = append(stamps, r["timestamp"].(string))
	}
	if diff := cmp.Diff([]string{"2024-10-26T04:00:00+03:00", "2024-10-27T04:00:00+02:00"}, stamps); diff != "" {
		t.Errorf("activity timestamps (-want +got):\n%s", diff)
	}
}

func TestSinceAndYoungHistory(t *testing.T) {
	t.Parallel()
	s := annServer(t)
	rows, _ := walk(t, s, "ann", "/v2/usercollection/daily_readiness?start_date=2023-06-01&end_date=2023-07-20")
	if len(rows) != 20 || rows[0]["day"] != "2023-07-01" {
		t.Fatalf("%d readiness documents from %v, want 20 from 2023-07-01", len(rows), rows[0]["day"])
	}
	for _, r := range rows {
		young := r["day"].(string) < "2023-07-15"
		if hrv := r["contributors"].(map[string]any)["hrv_balance"]; (hrv == nil) != young {
			t.Errorf("%v: hrv_balance %v", r["day"], hrv)
		}
	}
	times, _ := walk(t, s, "ann", "/v2/usercollection/sleep_time?start_date=2023-07-01&end_date=2023-07-01")
	if st := times[0]["status"]; st != "not_enough_nights" && st != "not_enough_recent_nights" {
		t.Errorf("first sleep_time status %v", st)
	}
	hr := mustPage(t, s, "ann", "/v2/usercollection/heartrate?start_datetime=2023-06-29T00:00:00Z&end_datetime=2023-06-30T21:00:00Z")
	if len(hr.Data) != 0 {
		t.Errorf("%d heart-rate rows before the data starts", len(hr.Data))
	}
	// Nothing after the server's clock.
	future := mustPage(t, s, "ann", "/v2/usercollection/daily_sleep?start_date=2024-06-29&end_date=2024-07-05")
	if len(future.Data) != 2 {
		t.Errorf("%d daily_sleep documents from 2024-06-29 with the clock at %v, want 2", len(future.Data), day0)
	}
	last := mustPage(t, s, "ann", "/v2/usercollection/heartrate?start_datetime=2024-06-30T11:00:00Z&end_datetime=2024-06-30T14:00:00Z")
	for _, r := range last.Data {
		if ts, _ := time.Parse(time.RFC3339, r["timestamp"].(string)); ts.After(day0) {
			t.Errorf("heart rate at %v, after the clock", ts)
		}
	}
}

func TestLatestAndFields(t *testing.T) {
	t.Parallel()
	s := start(t)
	const window = "start_datetime=2024-06-01T00:00:00Z&end_datetime=2024-06-01T06:00:00Z"
	all, _ := walk(t, s, ouratest.DefaultToken, "/v2/usercollection/heartrate?"+window)
	latest := mustPage(t, s, ouratest.DefaultToken, "/v2/usercollection/heartrate?latest=true&"+window)
	if diff := cmp.Diff(all[len(all)-1:], latest.Data); diff != "" || latest.NextToken != nil {
		t.Errorf("latest (-want +got):\n%s", diff)
	}
	slim := mustPage(t, s, ouratest.DefaultToken, "/v2/usercollection/heartrate?fields=bpm,nonsense&"+window)
	for i, r := range slim.Data {
		want := map[string]any{"timestamp": all[i]["timestamp"], "bpm": all[i]["bpm"]}
		if diff := cmp.Diff(want, r); diff != "" {
			t.Fatalf("row %d with fields=bpm (-want +got):\n%s", i, diff)
		}
	}
	bat := mustPage(t, s, ouratest.DefaultToken, "/v2/usercollection/ring_battery_level?fields=level&"+window)
	if len(bat.Data) == 0 || len(bat.Data[0]) != 2 || bat.Data[0]["level"] == nil {
		t.Errorf("battery with fields=level: %v", bat.Data)
	}
	docs := mustPage(t, s, ouratest.DefaultToken, "/v2/usercollection/daily_readiness?start_date=2024-06-01&end_date=2024-06-01&fields=score")
	if len(docs.Data) != 1 || len(docs.Data[0]) != 3 || docs.Data[0]["day"] != "2024-06-01" {
		t.Errorf("readiness with fields=score: %v", docs.Data)
	}
	// The sandbox takes no fields.
	sb := mustPage(t, s, ouratest.DefaultToken, "/v2/sandbox/usercollection/daily_readiness?start_date=2024-06-01&end_date=2024-06-01&fields=score")
	if len(sb.Data) != 1 || len(sb.Data[0]) != 7 {
		t.Errorf("sandbox readiness with fields: %v", sb.Data)
	}
}

func TestSandboxIsTheSameForEveryone(t *testing.T) {
	t.Parallel()
	s := start(t, ouratest.WithUser(ouratest.User{ID: "ann", Token: "ann"}), ouratest.WithUser(ouratest.User{ID: "bob", Token: "bob"}))
	const p = "/v2/sandbox/usercollection/sleep?start_date=2024-06-01&end_date=2024-06-07"
	a, b := mustGet(t, s, "ann", p), mustGet(t, s, "bob", p)
	if string(a) != string(b) {
		t.Error("two users see different sandbox data")
	}
	own := mustGet(t, s, "ann", strings.Replace(p, "/sandbox", "", 1))
	if string(own) == string(a) {
		t.Error("the sandbox serves the user's own data")
	}
	var pg page
	if err := json.Unmarshal(a, &pg); err != nil || len(pg.Data) == 0 {
		t.Fatalf("sandbox sleep: %v %s", err, a)
	}
	id := pg.Data[0]["id"].(string)
	if status, _ := fetch(t, s, "bob", "/v2/sandbox/usercollection/sleep/"+id); status != http.StatusOK {
		t.Errorf("sandbox document by id: %d", status)
	}
	if status, _ := fetch(t, s, "bob", "/v2/usercollection/sleep/"+id); status != http.StatusNotFound {
		t.Errorf("a sandbox id on the user's route: %d, want 404", status)
	}
}
