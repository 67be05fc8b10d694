package ouratest_test

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/oura/ouratest"
)

// statusOf GETs path and returns the status, headers and body.
func statusOf(t *testing.T, s *ouratest.Server, path string) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+ouratest.DefaultToken)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

const hrPath = "/v2/usercollection/heartrate"

func TestScheduledRateLimit(t *testing.T) {
	t.Parallel()
	s := start(t)
	if err := s.Inject(ouratest.Rule{Path: hrPath, Times: 2, Fault: ouratest.RateLimited(1500 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	if status, _, _ := statusOf(t, s, "/v2/usercollection/sleep"); status != 200 {
		t.Fatalf("another route: %d", status)
	}
	for i := range 2 {
		status, h, body := statusOf(t, s, hrPath)
		if status != http.StatusTooManyRequests {
			t.Fatalf("request %d: status %d", i, status)
		}
		got := map[string]string{}
		for _, k := range []string{"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Window", "X-RateLimit-Reset", "X-RateLimit-Tier", "Content-Type"} {
			got[k] = h.Get(k)
		}
		want := map[string]string{
			"Retry-After":        "2",
			"X-RateLimit-Limit":  "5000",
			"X-RateLimit-Window": "300",
			"X-RateLimit-Reset":  strconv.FormatInt(day0.Unix()+2, 10),
			"X-RateLimit-Tier":   "access_token",
			"Content-Type":       "application/json",
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("request %d headers (-want +got):\n%s", i, diff)
		}
		if body != `{"detail":"Rate limit exceeded"}` {
			t.Errorf("body %s", body)
		}
	}
	if status, _, _ := statusOf(t, s, hrPath); status != 200 {
		t.Errorf("third request: %d, want the rule retired", status)
	}
}

func TestFaultKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fault       ouratest.Fault
		status      int
		contentType string
		body        string
		retryAfter  string
	}{
		{"500", ouratest.ServerError(500), 500, "application/json", `{"detail":"Internal Server Error"}`, ""},
		{"502", ouratest.ServerError(502), 502, "text/html", "<h1>502 Bad Gateway</h1>", ""},
		{"503 with retry", ouratest.Fault{Status: 503, RetryAfter: 3 * time.Second}, 503, "text/html", "<h1>503 Service Unavailable</h1>", "3"},
		{"504", ouratest.ServerError(504), 504, "text/html", "<h1>504 Gateway Timeout</h1>", ""},
		{"slow then served", ouratest.Slow(10 * time.Millisecond), 200, "application/json", `"data":[`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := start(t, ouratest.WithFaults(ouratest.Rule{Times: 1, Fault: tt.fault}))
			status, h, body := statusOf(t, s, "/v2/usercollection/sleep")
			if status != tt.status || h.Get("Content-Type") != tt.contentType || !strings.Contains(body, tt.body) || h.Get("Retry-After") != tt.retryAfter {
				t.Errorf("got %d %q Retry-After %q %s", status, h.Get("Content-Type"), h.Get("Retry-After"), body)
			}
		})
	}
}

func TestRuleMatching(t *testing.T) {
	t.Parallel()
	s := start(t)
	err := s.Inject(
		ouratest.Rule{Method: http.MethodPost, Fault: ouratest.ServerError(500)},
		ouratest.Rule{Path: "/v2/usercollection/*", After: 1, Times: 2, Fault: ouratest.ServerError(503)},
	)
	if err != nil {
		t.Fatal(err)
	}
	var got []int
	for _, p := range []string{"/v2/usercollection/sleep", "/v2/usercollection/sleep/x", "/v2/usercollection/daily_sleep", "/v2/usercollection/workout", "/v2/usercollection/tag"} {
		status, _, _ := statusOf(t, s, p)
		got = append(got, status)
	}
	// The first list passes (After), the next two fail, a single-document
	// path never matches the pattern, and the rule then retires.
	if diff := cmp.Diff([]int{200, 404, 503, 503, 200}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	s.ClearFaults()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/oauth/token", nil)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == 500 {
		t.Error("ClearFaults left a rule")
	}
}

func TestProbableFaultsFollowTheSeed(t *testing.T) {
	t.Parallel()
	run := func(seed uint64) []int {
		s := start(t, ouratest.WithSeed(seed), ouratest.WithFaults(ouratest.Rule{Probability: 0.3, Fault: ouratest.ServerError(503)}))
		var out []int
		for range 60 {
			status, _, _ := statusOf(t, s, "/v2/usercollection/personal_info")
			out = append(out, status)
		}
		return out
	}
	a, b, c := run(1), run(1), run(2)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, other faults (-first +second):\n%s", diff)
	}
	if cmp.Equal(a, c) {
		t.Error("seeds 1 and 2 fault the same requests")
	}
	failed := 0
	for _, st := range a {
		if st == 503 {
			failed++
		}
	}
	if failed < 6 || failed > 30 {
		t.Errorf("%d of 60 requests failed with probability 0.3", failed)
	}
}

func TestSlowAnswerOutlastsTheClient(t *testing.T) {
	t.Parallel()
	s := start(t, ouratest.WithFaults(ouratest.Rule{Times: 1, Fault: ouratest.Slow(time.Minute)}))
	c := s.Client()
	c.Timeout = 50 * time.Millisecond
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/v2/usercollection/sleep", nil)
	req.Header.Set("Authorization", "Bearer "+ouratest.DefaultToken)
	_, err := c.Do(req)
	var timeout interface{ Timeout() bool }
	if !errors.As(err, &timeout) || !timeout.Timeout() {
		t.Fatalf("err = %v, want a client timeout", err)
	}
}

func TestCutBody(t *testing.T) {
	t.Parallel()
	s := start(t, ouratest.WithFaults(ouratest.Rule{Times: 1, Fault: ouratest.CutBody()}))
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/v2/usercollection/daily_sleep?start_date=2024-06-01&end_date=2024-06-05", nil)
	req.Header.Set("Authorization", "Bearer "+ouratest.DefaultToken)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("status %d, read %d of %d bytes, err %v: want 200 and an unexpected EOF", resp.StatusCode, len(b), resp.ContentLength, err)
	}
	if int64(len(b)) != resp.ContentLength/2 {
		t.Errorf("read %d bytes of %d, want half", len(b), resp.ContentLength)
	}
	if status, _, _ := statusOf(t, s, "/v2/usercollection/daily_sleep"); status != 200 {
		t.Errorf("next request: %d", status)
	}
}

func TestConnectionReset(t *testing.T) {
	t.Parallel()
	s := start(t, ouratest.WithFaults(ouratest.Rule{Times: 1, Fault: ouratest.ConnectionReset()}))
	c := s.Client()
	tr := c.Transport.(*http.Transport).Clone()
	tr.DisableKeepAlives = true
	c.Transport = tr
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/v2/usercollection/sleep", nil)
	req.Header.Set("Authorization", "Bearer "+ouratest.DefaultToken)
	resp, err := c.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("status %d, want a dropped connection", resp.StatusCode)
	}
	log := s.Requests()
	if len(log) != 1 || log[0].Status != 0 || log[0].Fault != "reset" {
		t.Errorf("request log %+v", log)
	}
}

func TestRequestLog(t *testing.T) {
	t.Parallel()
	s := start(t, ouratest.WithFaults(ouratest.Rule{Path: hrPath, Times: 1, Fault: ouratest.RateLimited(time.Second)}))
	statusOf(t, s, "/v2/usercollection/sleep?start_date=2024-06-01&end_date=2024-06-02")
	statusOf(t, s, hrPath)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/oauth/revoke?access_token=secret", nil)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	clientCall(t, s, http.MethodGet, "/v2/webhook/subscription", "", 200)
	log := s.Requests()
	type row struct {
		Method, Path, Query, Auth, Secret, Fault, UserID string
		Status                                           int
	}
	var got []row
	for _, r := range log {
		if !r.Time.Equal(day0) {
			t.Errorf("request at %v, want the server clock %v", r.Time, day0)
		}
		got = append(got, row{r.Method, r.Path, r.Query.Encode(), r.Header.Get("Authorization"), r.Header.Get("X-Client-Secret"), r.Fault, r.UserID, r.Status})
	}
	want := []row{
		{"GET", "/v2/usercollection/sleep", "end_date=2024-06-02&start_date=2024-06-01", ouratest.Redacted, "", "", ouratest.DefaultUserID, 200},
		{"GET", hrPath, "", ouratest.Redacted, "", "status 429", "", 429},
		{"POST", "/oauth/revoke", "access_token=" + ouratest.Redacted, "", "", "", "", 200},
		{"GET", "/v2/webhook/subscription", "", "", ouratest.Redacted, "", "", 200},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("request log (-want +got):\n%s", diff)
	}
	s.ResetRequests()
	if n := len(s.Requests()); n != 0 {
		t.Errorf("%d requests after ResetRequests", n)
	}
}

func TestRateLimit(t *testing.T) {
	t.Parallel()
	s := start(t, ouratest.WithRateLimit(3, time.Minute))
	if err := s.AddUser(ouratest.User{ID: "bob", Token: "bob"}); err != nil {
		t.Fatal(err)
	}
	var got []int
	for range 4 {
		status, h, _ := statusOf(t, s, "/v2/usercollection/personal_info")
		got = append(got, status)
		if status == 429 {
			wantReset := day0.Truncate(time.Minute).Add(time.Minute).Unix()
			if h.Get("X-RateLimit-Limit") != "3" || h.Get("X-RateLimit-Window") != "60" || h.Get("X-RateLimit-Reset") != strconv.FormatInt(wantReset, 10) {
				t.Errorf("429 headers %v", h)
			}
		}
	}
	if diff := cmp.Diff([]int{200, 200, 200, 429}, got); diff != "" {
		t.Errorf("statuses (-want +got):\n%s", diff)
	}
	if status, _ := fetch(t, s, "bob", "/v2/usercollection/personal_info"); status != 200 {
		t.Errorf("another token is limited too: %d", status)
	}
	s.Advance(time.Minute)
	if status, _, _ := statusOf(t, s, "/v2/usercollection/personal_info"); status != 200 {
		t.Errorf("after the window: %d", status)
	}
}

func TestInjectRejectsBadRules(t *testing.T) {
	t.Parallel()
	s := start(t)
	bad := []ouratest.Rule{
		{},
		{Fault: ouratest.Fault{Status: 200}},
		{Fault: ouratest.Fault{Status: 500, Reset: true}},
		{Fault: ouratest.Fault{Status: 500, CutBody: true}},
		{Fault: ouratest.Fault{Reset: true, CutBody: true}},
		{Fault: ouratest.Fault{Delay: -time.Second}},
		{Times: -1, Fault: ouratest.ServerError(500)},
		{Probability: 1.5, Fault: ouratest.ServerError(500)},
		{Path: "[", Fault: ouratest.ServerError(500)},
	}
	for i, r := range bad {
		if err := s.Inject(r); err == nil {
			t.Errorf("rule %d accepted: %+v", i, r)
		}
	}
	if status, _, _ := statusOf(t, s, "/v2/usercollection/personal_info"); status != 200 {
		t.Errorf("a rejected rule acts: %d", status)
	}
}
