package ouratest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura/ouratest"
)

func TestAuth(t *testing.T) {
	t.Parallel()
	s := start(t,
		ouratest.WithUser(ouratest.User{ID: "ann", Token: "ann-token"}),
		ouratest.WithUser(ouratest.User{ID: "bob", Token: "bob-token", Lapsed: true}),
	)
	limited, err := s.IssueToken("ann", "daily")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, token, path string
		want              int
		wantBody          string
	}{
		{"no token", "", "/v2/usercollection/sleep", 401, `{"detail":"Not authenticated"}`},
		{"unknown token", "nope", "/v2/usercollection/sleep", 401, `{"detail":"Invalid or revoked access token"}`},
		{"ok", "ann-token", "/v2/usercollection/personal_info", 200, ""},
		{"lapsed membership", "bob-token", "/v2/usercollection/sleep", 403, `{"detail":"Oura membership required to access this data"}`},
		{"lapsed membership still reads personal_info", "bob-token", "/v2/usercollection/personal_info", 200, ""},
		{"scope granted", limited.AccessToken, "/v2/usercollection/daily_sleep", 200, ""},
		{"scope missing", limited.AccessToken, "/v2/usercollection/heartrate", 403, `{"detail":"Missing scope: heartrate"}`},
		{"scope missing on a document", limited.AccessToken, "/v2/usercollection/workout/x", 403, `{"detail":"Missing scope: workout"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := fetch(t, s, tt.token, tt.path)
			if status != tt.want {
				t.Fatalf("status = %d, want %d (%s)", status, tt.want, body)
			}
			if tt.wantBody != "" && string(body) != tt.wantBody {
				t.Errorf("body = %s, want %s", body, tt.wantBody)
			}
		})
	}
}

func TestPersonalInfoFollowsScopes(t *testing.T) {
	t.Parallel()
	s := start(t, ouratest.WithUser(ouratest.User{ID: "ann", Token: "ann-token", Email: "ann@example.com"}))
	full := decodeObject(t, mustGet(t, s, "ann-token", "/v2/usercollection/personal_info"))
	if full["id"] != "ann" || full["email"] != "ann@example.com" || full["age"] == nil {
		t.Errorf("personal_info with every scope = %v", full)
	}
	tok, err := s.IssueToken("ann", "daily")
	if err != nil {
		t.Fatal(err)
	}
	bare := decodeObject(t, mustGet(t, s, tok.AccessToken, "/v2/usercollection/personal_info"))
	want := map[string]any{"id": "ann", "age": nil, "weight": nil, "height": nil, "biological_sex": nil, "email": nil}
	if diff := cmp.Diff(want, bare); diff != "" {
		t.Errorf("personal_info without personal and email scopes (-want +got):\n%s", diff)
	}
}

func mustGet(t testing.TB, s *ouratest.Server, token, path string) []byte {
	t.Helper()
	status, body := fetch(t, s, token, path)
	if status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %s", path, status, body)
	}
	return body
}

func decodeObject(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestHeartRatePagingMatchesOnePage(t *testing.T) {
	t.Parallel()
	const path = "/v2/usercollection/heartrate?start_datetime=2024-06-01T00:00:00Z&end_datetime=2024-06-04T00:00:00Z"
	paged := start(t, ouratest.WithSamplePageSize(100))
	whole := start(t, ouratest.WithSamplePageSize(100000))
	got, pages := walk(t, paged, ouratest.DefaultToken, path)
	want, wantPages := walk(t, whole, ouratest.DefaultToken, path)
	if wantPages != 1 {
		t.Fatalf("a page of 100000 rows took %d pages", wantPages)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("paged rows differ from one page (-want +got):\n%s", diff)
	}
	if pages != (len(want)+99)/100 {
		t.Errorf("%d rows came in %d pages of 100", len(want), pages)
	}
	// Every five minutes, less the gaps: three days are close to 864 rows.
	if len(want) < 3*250 || len(want) > 3*288+1 {
		t.Errorf("three days of heart rate have %d rows, want about 288 a day", len(want))
	}
	var prev float64
	for i, r := range want {
		ts := r["timestamp"].(string)
		if !strings.HasSuffix(ts, "+00:00") {
			t.Fatalf("row %d: timestamp %q is not UTC", i, ts)
		}
		unix := r["timestamp_unix"].(float64)
		if pt, err := time.Parse(time.RFC3339, ts); err != nil || float64(pt.UnixMilli()) != unix {
			t.Fatalf("row %d: timestamp %q and timestamp_unix %v disagree", i, ts, unix)
		}
		if i > 0 && (unix-prev) < 300000 || int64(unix)%300000 != int64(want[0]["timestamp_unix"].(float64))%300000 {
			t.Fatalf("row %d: not on the five-minute grid after %v: %v", i, prev, unix)
		}
		prev = unix
	}
}

func TestDocumentPagingMatchesOnePage(t *testing.T) {
	t.Parallel()
	for _, col := range []string{"sleep", "daily_activity", "workout", "enhanced_tag"} {
		t.Run(col, func(t *testing.T) {
			t.Parallel()
			path := "/v2/usercollection/" + col + "?start_date=2024-04-01&end_date=2024-05-31"
			got, pages := walk(t, start(t, ouratest.WithPageSize(3)), ouratest.DefaultToken, path)
			want, _ := walk(t, start(t, ouratest.WithPageSize(1000)), ouratest.DefaultToken, path)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("paged documents differ (-want +got):\n%s", diff)
			}
			if len(want) == 0 || pages != (len(want)+2)/3 {
				t.Errorf("%d documents in %d pages of 3", len(want), pages)
			}
		})
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	t.Parallel()
	paths := []string{
		"/v2/usercollection/sleep?start_date=2024-05-01&end_date=2024-05-20",
		"/v2/usercollection/daily_activity?start_date=2024-05-01&end_date=2024-05-03",
		"/v2/usercollection/heartrate?start_datetime=2024-05-01T00:00:00Z&end_datetime=2024-05-02T00:00:00Z",
		"/v2/usercollection/ring_battery_level?start_datetime=2024-05-01T00:00:00Z&end_datetime=2024-05-02T00:00:00Z",
		"/v2/usercollection/personal_info",
	}
	a, b := start(t, ouratest.WithSeed(7)), start(t, ouratest.WithSeed(7))
	c := start(t, ouratest.WithSeed(8))
	for _, p := range paths {
		ba, bb, bc := mustGet(t, a, ouratest.DefaultToken, p), mustGet(t, b, ouratest.DefaultToken, p), mustGet(t, c, ouratest.DefaultToken, p)
		if !bytes.Equal(ba, bb) {
			t.Errorf("%s: two servers with seed 7 differ", p)
		}
		if bytes.Equal(ba, bc) {
			t.Errorf("%s: seeds 7 and 8 serve the same bytes", p)
		}
	}
}

func TestNextTokenErrors(t *testing.T) {
	t.Parallel()
	s := start(t, ouratest.WithPageSize(1),
		ouratest.WithUser(ouratest.User{ID: "ann", Token: "ann-token"}),
		ouratest.WithUser(ouratest.User{ID: "bob", Token: "bob-token"}))
	p := mustPage(t, s, "ann-token", "/v2/usercollection/daily_sleep?start_date=2024-05-01&end_date=2024-05-05")
	if p.NextToken == nil {
		t.Fatal("no next_token with a page size of 1")
	}
	tok := *p.NextToken
	flip := byte('A')
	if tok[20] == 'A' {
		flip = 'B'
	}
	tampered := tok[:20] + string(flip) + tok[21:]
	tests := []struct{ name, token, path string }{
		{"garbage", "ann-token", "/v2/usercollection/daily_sleep?next_token=garbage"},
		{"tampered", "ann-token", "/v2/usercollection/daily_sleep?next_token=" + tampered},
		{"another route", "ann-token", "/v2/usercollection/daily_readiness?next_token=" + tok},
		{"another user", "bob-token", "/v2/usercollection/daily_sleep?next_token=" + tok},
		{"a time series", "ann-token", "/v2/usercollection/heartrate?next_token=" + tok},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			status, body := fetch(t, s, tt.token, tt.path)
			if status != http.StatusBadRequest || string(body) != `{"detail":"invalid next_token"}` {
				t.Errorf("status %d body %s, want 400 invalid next_token", status, body)
			}
		})
	}
	// The genuine token resumes, and filters sent beside it are ignored.
	q := mustPage(t, s, "ann-token", "/v2/usercollection/daily_sleep?start_date=2020-01-01&next_token="+tok)
	if len(q.Data) != 1 || q.Data[0]["day"] != "2024-05-02" {
		t.Errorf("second page = %v, want the document of 2024-05-02", q.Data)
	}
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	s := start(t)
	tests := []struct {
		path       string
		want       int
		wantDetail string
	}{
		{"/v2/usercollection/sleep?start_date=2024-13-01", 422, `[{"loc":["query","start_date"],"msg":"Input should be a valid date or datetime","type":"date_from_datetime_parsing"}]`},
		{"/v2/usercollection/sleep?end_date=yesterday", 422, `[{"loc":["query","end_date"],"msg":"Input should be a valid date or datetime","type":"datetime_from_date_parsing"}]`},
		{"/v2/usercollection/sleep?start_date=2024-05-02&end_date=2024-05-01", 400, `"start_date is after end_date"`},
		{"/v2/usercollection/heartrate?start_datetime=noon", 422, `[{"loc":["query","start_datetime"],"msg":"Input should be a valid datetime","type":"datetime_parsing"}]`},
		{"/v2/usercollection/heartrate?latest=maybe", 422, `[{"loc":["query","latest"],"msg":"Input should be a valid boolean","type":"bool_parsing"}]`},
		{"/v2/usercollection/heartrate?start_datetime=2024-01-01T00:00:00Z&end_datetime=2024-03-01T00:00:00Z", 400, `"the time between start_datetime and end_datetime must be at most 720h0m0s"`},
		{"/v2/usercollection/heartrate?start_datetime=2024-01-02T00:00:00Z&end_datetime=2024-01-01T00:00:00Z", 400, `"start_datetime is after end_datetime"`},
		{"/v2/usercollection/sleep/not-an-id", 404, `"Document not found"`},
		{"/v2/usercollection/heartrate/abc", 404, `"Not Found"`},
		{"/v2/usercollection/steps", 404, `"Not Found"`},
		{"/v2/sandbox/usercollection/personal_info", 404, `"Not Found"`},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			status, body := fetch(t, s, ouratest.DefaultToken, tt.path)
			if status != tt.want {
				t.Fatalf("status = %d, want %d (%s)", status, tt.want, body)
			}
			var got struct{ Detail json.RawMessage }
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatal(err)
			}
			if string(got.Detail) != tt.wantDetail {
				t.Errorf("detail = %s, want %s", got.Detail, tt.wantDetail)
			}
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	s := start(t)
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/v2/usercollection/sleep", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || !strings.Contains(resp.Header.Get("Allow"), "GET") {
		t.Errorf("POST on a list: status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

func TestEndDateQuirk(t *testing.T) {
	t.Parallel()
	days := func(rows []map[string]any, key string) []string {
		var out []string
		for _, r := range rows {
			out = append(out, r[key].(string))
		}
		return out
	}
	quirky, exact := start(t), start(t, ouratest.WithExactDates())
	tests := []struct {
		name  string
		s     *ouratest.Server
		path  string
		key   string
		want  []string
		exact bool
	}{
		{"activity end_date is read as midnight", quirky, "/v2/usercollection/daily_activity?start_date=2024-05-01&end_date=2024-05-03", "day", []string{"2024-05-01", "2024-05-02"}, false},
		{"activity with the day after", quirky, "/v2/usercollection/daily_activity?start_date=2024-05-01&end_date=2024-05-04", "day", []string{"2024-05-01", "2024-05-02", "2024-05-03"}, false},
		{"activity with an end of day datetime", quirky, "/v2/usercollection/daily_activity?start_date=2024-05-01&end_date=2024-05-03T23:59:59", "day", []string{"2024-05-01", "2024-05-02", "2024-05-03"}, false},
		{"exact dates", exact, "/v2/usercollection/daily_activity?start_date=2024-05-01&end_date=2024-05-03", "day", []string{"2024-05-01", "2024-05-02", "2024-05-03"}, false},
		{"sleep matches its day", quirky, "/v2/usercollection/daily_sleep?start_date=2024-05-01&end_date=2024-05-03", "day", []string{"2024-05-01", "2024-05-02", "2024-05-03"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rows, _ := walk(t, tt.s, ouratest.DefaultToken, tt.path)
			if diff := cmp.Diff(tt.want, days(rows, tt.key)); diff != "" {
				t.Errorf("days (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWorkoutFiltersInUTC(t *testing.T) {
	t.Parallel()
	// Morning workouts in Auckland start on the previous day in UTC: a query
	// for one local day returns the workouts whose start has that UTC date.
	akl := mustLoad(t, "Pacific/Auckland")
	u := ouratest.User{ID: "kiwi", Token: "kiwi", Location: akl}
	quirky := start(t, ouratest.WithUser(u))
	exact := start(t, ouratest.WithExactDates(), ouratest.WithUser(u))
	all, _ := walk(t, exact, "kiwi", "/v2/usercollection/workout?start_date=2024-04-25&end_date=2024-06-05")
	var checked int
	for d := civil.D(2024, 5, 1); d.Before(civil.D(2024, 6, 1)); d = d.AddDays(1) {
		q := "/v2/usercollection/workout?start_date=" + d.String() + "&end_date=" + d.String()
		var want []any
		for _, w := range all {
			st, err := time.Parse(time.RFC3339, w["start_datetime"].(string))
			if err != nil {
				t.Fatal(err)
			}
			if civil.DateOf(st.UTC()) == d {
				want = append(want, w["id"])
			}
		}
		rows, _ := walk(t, quirky, "kiwi", q)
		var got []any
		for _, r := range rows {
			got = append(got, r["id"])
			if r["day"] != d.String() {
				checked++ // a morning workout of the next local day
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: workouts (-want +got):\n%s", d, diff)
		}
		exactRows, _ := walk(t, exact, "kiwi", q)
		for _, r := range exactRows {
			if r["day"] != d.String() {
				t.Errorf("%s: exact query returned a workout of %v", d, r["day"])
			}
		}
	}
	if checked == 0 {
		t.Error("no query returned a workout of another local day; Auckland mornings are the day before in UTC")
	}
}

func TestNewServerRejectsBadOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		opt    ouratest.Option
		option string
	}{
		{"page size", ouratest.WithPageSize(0), "WithPageSize"},
		{"sample page size", ouratest.WithSamplePageSize(-1), "WithSamplePageSize"},
		{"user without id", ouratest.WithUser(ouratest.User{}), "WithUser"},
		{"sandbox id", ouratest.WithUser(ouratest.User{ID: ouratest.SandboxUserID}), "WithUser"},
		{"bad since", ouratest.WithUser(ouratest.User{ID: "x", Since: civil.D(2024, 2, 30)}), "WithUser"},
		{"client", ouratest.WithClient("", "x"), "WithClient"},
		{"time", ouratest.WithTime(time.Time{}), "WithTime"},
		{"revision", ouratest.WithRevisionAt(time.Time{}), "WithRevisionAt"},
		{"lifetime", ouratest.WithTokenLifetime(0), "WithTokenLifetime"},
		{"series window", ouratest.WithMaxSeriesWindow(time.Second), "WithMaxSeriesWindow"},
		{"subscription", ouratest.WithSubscriptionLifetime(0), "WithSubscriptionLifetime"},
		{"rate limit", ouratest.WithRateLimit(0, time.Minute), "WithRateLimit"},
		{"logger", ouratest.WithLogger(nil), "WithLogger"},
		{"webhook client", ouratest.WithWebhookClient(nil), "WithWebhookClient"},
		{"fault", ouratest.WithFaults(ouratest.Rule{}), "WithFaults"},
		{"nil", nil, "NewServer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := ouratest.NewServer(tt.opt)
			if err == nil {
				s.Close()
				t.Fatal("NewServer accepted a bad option")
			}
			var oe *ouratest.OptionError
			if !errors.As(err, &oe) || oe.Option != tt.option || !errors.Is(err, ouratest.ErrInvalidOption) {
				t.Errorf("error %v: want an *OptionError for %s wrapping ErrInvalidOption", err, tt.option)
			}
		})
	}
	dup := []ouratest.Option{
		ouratest.WithUser(ouratest.User{ID: "a", Token: "t"}),
		ouratest.WithUser(ouratest.User{ID: "a"}),
	}
	if _, err := ouratest.NewServer(dup...); !errors.Is(err, ouratest.ErrInvalidOption) {
		t.Errorf("duplicate user: %v", err)
	}
	shared := []ouratest.Option{
		ouratest.WithUser(ouratest.User{ID: "a", Token: "t"}),
		ouratest.WithUser(ouratest.User{ID: "b", Token: "t"}),
	}
	if _, err := ouratest.NewServer(shared...); !errors.Is(err, ouratest.ErrInvalidOption) {
		t.Errorf("shared token: %v", err)
	}
}
