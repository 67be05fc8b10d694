package oura

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// reply is one scripted answer of the fake server.
type reply struct {
	status int
	header map[string]string
	body   string
	cut    bool // announce the body's length, send half of it and close
	reset  bool // close the connection without answering

	resetIn time.Duration // set X-RateLimit-Reset this far from the time of serving
}

// scripted serves the replies in order (the last one repeats) and counts
// requests.
func scripted(t *testing.T, b *testBundle, path string, replies ...reply) *atomic.Int32 {
	t.Helper()
	var n atomic.Int32
	b.mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		rp := replies[min(i, len(replies)-1)]
		if rp.reset {
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Fatal("cannot hijack")
			}
			conn, _, _ := hj.Hijack()
			if tc, ok := conn.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = conn.Close()
			return
		}
		for k, v := range rp.header {
			w.Header().Set(k, v)
		}
		if rp.resetIn != 0 {
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(rp.resetIn).Unix(), 10))
		}
		if rp.cut {
			w.Header().Set("Content-Length", strconv.Itoa(len(rp.body)))
			w.WriteHeader(rp.status)
			_, _ = io.WriteString(w, rp.body[:len(rp.body)/2])
			hj := w.(http.Hijacker)
			conn, buf, _ := hj.Hijack()
			_ = buf.Flush()
			_ = conn.Close()
			return
		}
		writeJSON(w, rp.status, rp.body)
	})
	return &n
}

const okPage = `{"data":[{"id":"a","day":"2024-03-10","contributors":{},"timestamp":"2024-03-10T00:00:00+00:00"}],"next_token":null}`

func TestRetryDecisions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		replies   []reply
		policy    RetryPolicy
		wantCalls int32
		wantWaits []time.Duration
		wantErr   func(error) bool // nil: success
	}{
		{name: "200 at once", replies: []reply{{status: 200, body: okPage}}, wantCalls: 1},
		{name: "500 then 200", replies: []reply{{status: 500}, {status: 200, body: okPage}}, wantCalls: 2, wantWaits: []time.Duration{time.Second}},
		{name: "502 503 504 then 200", replies: []reply{{status: 502}, {status: 503}, {status: 504}, {status: 200, body: okPage}},
			wantCalls: 4, wantWaits: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}},
		{name: "429 honours Retry-After", replies: []reply{{status: 429, header: map[string]string{"Retry-After": "7"}}, {status: 200, body: okPage}},
			wantCalls: 2, wantWaits: []time.Duration{7 * time.Second}},
		{name: "503 honours Retry-After", replies: []reply{{status: 503, header: map[string]string{"Retry-After": "3"}}, {status: 200, body: okPage}},
			wantCalls: 2, wantWaits: []time.Duration{3 * time.Second}},
		{name: "429 honours X-RateLimit-Reset", replies: []reply{{status: 429, resetIn: 42 * time.Second}, {status: 200, body: okPage}},
			wantCalls: 2, wantWaits: []time.Duration{42 * time.Second}},
		{name: "429 with a reset already past backs off", replies: []reply{{status: 429, resetIn: -time.Minute}, {status: 200, body: okPage}},
			policy: RetryPolicy{BaseDelay: 10 * time.Second}, wantCalls: 2, wantWaits: []time.Duration{10 * time.Second}},
		{name: "429 with a reset days away backs off", replies: []reply{{status: 429, resetIn: 72 * time.Hour}, {status: 200, body: okPage}},
			policy: RetryPolicy{BaseDelay: 10 * time.Second}, wantCalls: 2, wantWaits: []time.Duration{10 * time.Second}},
		{name: "429 with a reset in seconds from now", replies: []reply{{status: 429, header: map[string]string{"X-RateLimit-Reset": "42"}}, {status: 200, body: okPage}},
			wantCalls: 2, wantWaits: []time.Duration{42 * time.Second}},
		{name: "429 without headers backs off", replies: []reply{{status: 429}, {status: 200, body: okPage}}, wantCalls: 2, wantWaits: []time.Duration{time.Second}},
		{name: "400 is final", replies: []reply{{status: 400, body: `{"detail":"bad start_date"}`}}, wantCalls: 1,
			wantErr: func(err error) bool {
				var ae *APIError
				return errors.As(err, &ae) && ae.StatusCode == 400 && ae.Detail == "bad start_date"
			}},
		{name: "403 is final", replies: []reply{{status: 403}}, wantCalls: 1, wantErr: func(err error) bool { return errors.Is(err, ErrForbidden) }},
		{name: "404 is final", replies: []reply{{status: 404}}, wantCalls: 1, wantErr: func(err error) bool { return errors.Is(err, ErrNotFound) }},
		{name: "422 is final", replies: []reply{{status: 422, body: `{"detail":[{"loc":["query","start_date"],"msg":"invalid date","type":"value_error"}]}`}}, wantCalls: 1,
			wantErr: func(err error) bool {
				var ae *APIError
				return errors.As(err, &ae) && len(ae.Validation) == 1 && ae.Validation[0].Msg == "invalid date"
			}},
		{name: "418 is final", replies: []reply{{status: 418}}, wantCalls: 1, wantErr: func(err error) bool { var ae *APIError; return errors.As(err, &ae) && ae.StatusCode == 418 }},
		{name: "attempts run out", replies: []reply{{status: 500}}, wantCalls: 4,
			wantWaits: []time.Duration{time.Second, 2 * time.Second, 4 * time.Second},
			wantErr:   func(err error) bool { var ae *APIError; return errors.As(err, &ae) && ae.StatusCode == 500 }},
		{name: "configured attempts", replies: []reply{{status: 500}}, policy: RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second}, wantCalls: 2,
			wantWaits: []time.Duration{time.Second}, wantErr: func(err error) bool { return err != nil }},
		{name: "backoff is capped", replies: []reply{{status: 500}}, policy: RetryPolicy{MaxAttempts: 5, BaseDelay: time.Second, MaxDelay: 3 * time.Second, MaxElapsed: -1}, wantCalls: 5,
			wantWaits: []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, 3 * time.Second}, wantErr: func(err error) bool { return err != nil }},
		{name: "budget stops a long wait", replies: []reply{{status: 429, header: map[string]string{"Retry-After": "600"}}}, policy: RetryPolicy{MaxElapsed: time.Minute, BaseDelay: time.Second},
			wantCalls: 1, wantErr: func(err error) bool {
				var rl *RateLimitError
				return errors.As(err, &rl) && rl.RetryAfter == 10*time.Minute && errors.Is(err, ErrRateLimited)
			}},
		{name: "no retry policy", replies: []reply{{status: 503}}, policy: NoRetry(), wantCalls: 1, wantErr: func(err error) bool { return err != nil }},
		{name: "connection reset is retried", replies: []reply{{reset: true}, {status: 200, body: okPage}}, wantCalls: 2, wantWaits: []time.Duration{time.Second}},
		{name: "body cut short is retried", replies: []reply{{status: 200, body: okPage, cut: true}, {status: 200, body: okPage}}, wantCalls: 2, wantWaits: []time.Duration{time.Second}},
		{name: "network errors run out", replies: []reply{{reset: true}}, policy: RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second}, wantCalls: 2,
			wantWaits: []time.Duration{time.Second}, wantErr: func(err error) bool { var ne *NetworkError; return errors.As(err, &ne) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pol := tt.policy
			if pol == (RetryPolicy{}) {
				pol = RetryPolicy{BaseDelay: time.Second}
			}
			b := setup(t, WithRetryPolicy(pol), WithCircuitBreaker(nil))
			n := scripted(t, b, "/v2/usercollection/daily_readiness", tt.replies...)
			page, resp, err := b.client.DailyReadiness.List(t.Context(), nil)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
				if len(page.Data) != 1 || resp.Attempts != int(tt.wantCalls) {
					t.Errorf("page %+v, attempts %d", page, resp.Attempts)
				}
			} else if !tt.wantErr(err) {
				t.Fatalf("err = %v (%T)", err, err)
			}
			if got := n.Load(); got != tt.wantCalls {
				t.Errorf("requests = %d, want %d", got, tt.wantCalls)
			}
			// Retry-After and Reset are whole seconds; allow the clock to move.
			if diff := cmp.Diff(tt.wantWaits, b.waits(), cmpopts.EquateEmpty(), cmp.Comparer(func(a, b time.Duration) bool { return (a - b).Abs() < 1500*time.Millisecond })); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRateLimitError_Headers(t *testing.T) {
	t.Parallel()
	b := setup(t, WithRetryPolicy(NoRetry()))
	scripted(t, b, "/v2/usercollection/sleep", reply{status: 429, body: `{"detail":"Too many requests"}`, header: map[string]string{
		"Retry-After": "30", "X-RateLimit-Limit": "5000", "X-RateLimit-Window": "300",
		"X-RateLimit-Reset": "1710072000", "X-RateLimit-Tier": "application", "X-Request-Id": "rq-1",
	}})
	_, _, err := b.client.Sleep.List(t.Context(), nil)
	var rl *RateLimitError
	if !errors.As(err, &rl) {
		t.Fatalf("err = %v, want *RateLimitError", err)
	}
	want := &RateLimitError{
		APIError: &APIError{StatusCode: 429, Method: "GET", Path: baseURLPath + "/v2/usercollection/sleep", Detail: "Too many requests", RequestID: "rq-1", RetryAfter: 30 * time.Second},
		Limit:    5000, Window: 5 * time.Minute, Reset: time.Unix(1710072000, 0), Tier: "application",
	}
	if diff := cmp.Diff(want, rl); diff != "" {
		t.Errorf("RateLimitError (-want +got):\n%s", diff)
	}
	var ae *APIError
	if !errors.As(err, &ae) || ae.StatusCode != 429 {
		t.Error("errors.As must reach the *APIError")
	}
	if !errors.Is(err, ErrRateLimited) {
		t.Error("must match ErrRateLimited")
	}
	msg := err.Error()
	for _, part := range []string{"429 Too Many Requests", "Too many requests", "tier application", "limit 5000 per 5m0s", "retry after 30s", "resets at 2024-03-10T12:00:00Z", "rq-1"} {
		if !strings.Contains(msg, part) {
			t.Errorf("message %q lacks %q", msg, part)
		}
	}
}

func TestAPIError_Is(t *testing.T) {
	t.Parallel()
	sentinels := []error{ErrUnauthorized, ErrForbidden, ErrNotFound, ErrRateLimited}
	for _, tt := range []struct {
		status int
		want   error
	}{{401, ErrUnauthorized}, {403, ErrForbidden}, {404, ErrNotFound}, {429, ErrRateLimited}, {400, nil}, {500, nil}} {
		e := &APIError{StatusCode: tt.status}
		for _, s := range sentinels {
			if got := errors.Is(e, s); got != (s == tt.want) {
				t.Errorf("status %d matches %v: %t", tt.status, s, got)
			}
		}
	}
}

func TestAPIError_Message(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body string
		want string
	}{
		{`{"detail":"Not Found"}`, "oura: GET /x: 404 Not Found: Not Found"},
		{`{"message":"gone fishing"}`, "oura: GET /x: 404 Not Found: gone fishing"},
		{`{"error":"nope"}`, "oura: GET /x: 404 Not Found: nope"},
		{`<html>  upstream   error </html>`, "oura: GET /x: 404 Not Found: <html> upstream error </html>"},
		{`{"detail":[{"loc":["query",0],"msg":"bad","type":"t"}]}`, "oura: GET /x: 404 Not Found: [query 0] bad;"},
		{strings.Repeat("z", 300), "oura: GET /x: 404 Not Found: " + strings.Repeat("z", 200) + "…"},
		{"", "oura: GET /x: 404 Not Found"},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, "http://h/x", nil)
		err := CheckResponse(&http.Response{StatusCode: 404, Header: http.Header{}, Request: req}, []byte(tt.body))
		if got := err.Error(); got != tt.want {
			t.Errorf("body %q: message %q, want %q", tt.body, got, tt.want)
		}
	}
}

func TestRetry_CancellationWinsAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t, WithRetryPolicy(RetryPolicy{BaseDelay: time.Hour, MaxElapsed: -1}))
	b.client.sleep = sleepCtx // really wait, until cancelled
	n := scripted(t, b, "/v2/usercollection/sleep", reply{status: 503})
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(50*time.Millisecond, cancel)
	began := time.Now()
	_, _, err := b.client.Sleep.List(ctx, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(began); d > 10*time.Second {
		t.Errorf("cancellation took %s", d)
	}
	if n.Load() != 1 {
		t.Errorf("requests = %d, want 1", n.Load())
	}
	// An already-cancelled context makes no request at all.
	_, _, err = b.client.Sleep.List(ctx, nil)
	if !errors.Is(err, context.Canceled) || n.Load() != 1 {
		t.Errorf("cancelled context: err = %v, requests = %d", err, n.Load())
	}
}

func TestRetry_CancellationDuringRequest(t *testing.T) {
	t.Parallel()
	b := setup(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	b.mux.HandleFunc("/v2/usercollection/sleep", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, _, err := b.client.Sleep.List(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
	if len(b.waits()) != 0 {
		t.Errorf("a cancelled request was retried: %v", b.waits())
	}
	if b.client.breaker.State() != "closed" {
		t.Error("a cancellation must not count against Oura")
	}
}

func TestRetry_PostOnlyWhenSafe(t *testing.T) {
	t.Parallel()
	create := &CreateWebhookRequest{CallbackURL: "https://example.com/h", VerificationToken: NewSecret("v"), EventType: EventTypeCreate, DataType: DataTypeSleep}
	sub := string(mustRead(t, "webhook_subscription.json"))
	t.Run("500 is not retried", func(t *testing.T) {
		t.Parallel()
		b := setup(t, WithRetryPolicy(RetryPolicy{BaseDelay: time.Second}))
		n := scripted(t, b, "/v2/webhook/subscription", reply{status: 500}, reply{status: 201, body: sub})
		if _, _, err := b.client.Webhooks.Create(t.Context(), create); err == nil || n.Load() != 1 {
			t.Errorf("err = %v, requests = %d; want the 500 and one request", err, n.Load())
		}
	})
	t.Run("429 is retried", func(t *testing.T) {
		t.Parallel()
		b := setup(t, WithRetryPolicy(RetryPolicy{BaseDelay: time.Second}))
		n := scripted(t, b, "/v2/webhook/subscription", reply{status: 429, header: map[string]string{"Retry-After": "1"}}, reply{status: 201, body: sub})
		if _, _, err := b.client.Webhooks.Create(t.Context(), create); err != nil || n.Load() != 2 {
			t.Errorf("err = %v, requests = %d", err, n.Load())
		}
	})
	t.Run("refused connection is retried", func(t *testing.T) {
		t.Parallel()
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		_ = l.Close()
		c, err := NewClient(WithBaseURL("http://"+addr), WithAppCredentials("id", "secret"), WithRetryPolicy(RetryPolicy{MaxAttempts: 3}), WithCircuitBreaker(nil))
		if err != nil {
			t.Fatal(err)
		}
		var waits int
		c.sleep = func(ctx context.Context, d time.Duration) error { waits++; return nil }
		_, _, err = c.Webhooks.Create(t.Context(), create)
		var ne *NetworkError
		if !errors.As(err, &ne) || waits != 2 {
			t.Errorf("err = %v, waits = %d; want a NetworkError after 3 attempts", err, waits)
		}
		if strings.Contains(err.Error(), "secret") {
			t.Errorf("error leaks the secret: %v", err)
		}
	})
}

func TestRetryPolicyHelpers(t *testing.T) {
	t.Parallel()
	p := RetryPolicy{}.withDefaults()
	if diff := cmp.Diff(DefaultRetryPolicy(), p); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
	var got []time.Duration
	for n := 1; n <= 9; n++ {
		got = append(got, p.backoff(n))
	}
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 16 * time.Second, 30 * time.Second, 30 * time.Second, 30 * time.Second}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("backoff (-want +got):\n%s", diff)
	}
	for range 1000 {
		if j := equalJitter(time.Second); j < 500*time.Millisecond || j > time.Second {
			t.Fatalf("jitter %s outside [0.5s, 1s]", j)
		}
	}
	if equalJitter(1) != 1 || equalJitter(0) != 0 {
		t.Error("tiny durations are kept")
	}
	if err := sleepCtx(t.Context(), 0); err != nil {
		t.Errorf("sleepCtx(0) = %v", err)
	}
	if err := sleepCtx(t.Context(), time.Millisecond); err != nil {
		t.Errorf("sleepCtx(1ms) = %v", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"120", 2 * time.Minute, true},
		{" 5 ", 5 * time.Second, true},
		{"-1", 0, false},
		{"99999999", 0, false},
		{"soon", 0, false},
		{"Sun, 10 Mar 2024 12:01:00 GMT", time.Minute, true},
		{"Sun, 10 Mar 2024 11:00:00 GMT", 0, true},
		{"Mon, 11 Mar 2024 13:00:00 GMT", 0, false},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.in, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %t; want %s, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	resets := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		{"abc", time.Time{}, false},
		{"", time.Time{}, false},
		{"0", time.Time{}, false},
		{"-5", time.Time{}, false},
		{"1.5", time.Time{}, false},
		{"1710072000", time.Unix(1710072000, 0), true},
		{" 1710072000 ", time.Unix(1710072000, 0), true},
		{"300", now.Add(5 * time.Minute), true}, // seconds from now, not 1970
		{"99999999999999999999", time.Time{}, false},
	}
	for _, tt := range resets {
		got, ok := parseReset(tt.in, now)
		if !got.Equal(tt.want) || ok != tt.ok {
			t.Errorf("parseReset(%q) = %v, %t; want %v, %t", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	waits := []struct {
		name       string
		retryAfter time.Duration
		reset      time.Time
		want       time.Duration
	}{
		{"Retry-After wins", 3 * time.Second, now.Add(time.Minute), 3 * time.Second},
		{"reset ahead", 0, now.Add(time.Minute), time.Minute},
		{"reset now backs off", 0, now, time.Second},
		{"reset past backs off", 0, now.Add(-time.Second), time.Second},
		{"reset days away backs off", 0, now.Add(72 * time.Hour), time.Second},
		{"nothing backs off", 0, time.Time{}, time.Second},
	}
	for _, tt := range waits {
		if got := serverWait(tt.retryAfter, tt.reset, now, time.Second); got != tt.want {
			t.Errorf("%s: serverWait = %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestNetworkErrorHidesTheURL(t *testing.T) {
	t.Parallel()
	err := sanitizeURLError(&url.Error{Op: "Get", URL: "https://api.ouraring.com/v2/usercollection/sleep?next_token=abc", Err: errors.New("boom")})
	if strings.Contains(err.Error(), "next_token") || err.Error() != "Get: boom" {
		t.Errorf("sanitized error still has the URL: %v", err)
	}
	ne := &NetworkError{Method: "GET", Path: "/p", Err: errors.New("boom")}
	if ne.Error() != "oura: GET /p: network: boom" || !errors.Is(ne, ne.Err) {
		t.Errorf("NetworkError = %q", ne.Error())
	}
	de := &DecodeError{Method: "GET", Path: "/p", Err: io.ErrUnexpectedEOF}
	if de.Error() != "oura: GET /p: decode response: unexpected EOF" || !errors.Is(de, io.ErrUnexpectedEOF) {
		t.Errorf("DecodeError = %q", de.Error())
	}
}

// TestRetry_BudgetBoundsAttempts: MaxElapsed bounds the whole call, so an
// attempt that hangs ends when the budget is spent, not when the server
// gives up. The caller's context is not the one that ran out, so the error
// is not a context error: it is the last answer, or a NetworkError.
func TestRetry_BudgetBoundsAttempts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		first   int // status of the first answer; 0 hangs at once
		wantErr func(error) bool
	}{
		{"first attempt hangs", 0, func(err error) bool { var ne *NetworkError; return errors.As(err, &ne) }},
		{"retry hangs", 503, func(err error) bool { var ae *APIError; return errors.As(err, &ae) && ae.StatusCode == 503 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, WithRetryPolicy(RetryPolicy{MaxElapsed: time.Second, BaseDelay: time.Millisecond}), WithCircuitBreaker(nil))
			release := make(chan struct{})
			var once sync.Once
			t.Cleanup(func() { once.Do(func() { close(release) }) })
			// Should the budget not hold, the call would hang forever; end
			// it with a success the test refuses.
			time.AfterFunc(10*time.Second, func() { once.Do(func() { close(release) }) })
			var n atomic.Int32
			b.mux.HandleFunc("/v2/usercollection/sleep", func(w http.ResponseWriter, r *http.Request) {
				if n.Add(1) == 1 && tt.first != 0 {
					writeJSON(w, tt.first, `{"detail":"down"}`)
					return
				}
				select {
				case <-release:
					writeJSON(w, http.StatusOK, `{"data":[],"next_token":null}`)
				case <-r.Context().Done():
				}
			})
			_, _, err := b.client.Sleep.List(t.Context(), nil)
			if !tt.wantErr(err) {
				t.Fatalf("err = %v (%T)", err, err)
			}
			if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
				t.Errorf("err = %v: the caller's context did not end", err)
			}
		})
	}
}
