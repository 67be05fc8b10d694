package workstats

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops"
)

// fakeClock is a clock that Sleep moves forward.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	slept []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return ctx.Err()
}

func newTestFetcher(t *testing.T, cfg FetcherConfig) (*Fetcher, *fakeClock) {
	t.Helper()
	clk := &fakeClock{now: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	if cfg.Source == "" {
		cfg.Source = "test"
	}
	cfg.Now, cfg.Sleep = clk.Now, clk.Sleep
	cfg.Jitter = func(d time.Duration) time.Duration { return d }
	f, err := NewFetcher(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f, clk
}

// script answers the requests of a test server in turn, the last one for
// every request after it.
func script(t *testing.T, answers ...func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *int) {
	t.Helper()
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		i := min(n, len(answers)-1)
		n++
		mu.Unlock()
		answers[i](w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func status(code int, header ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
		fmt.Fprintf(w, "answer %d for %s", code, r.URL.RequestURI())
	}
}

func ok(body string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }
}

// cut announces a body and closes the connection half-way.
func cut(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Length", "100")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte("BEGIN:VCALENDAR"))
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func get(t *testing.T, f *Fetcher, raw string) (*Response, error) {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	return f.Get(context.Background(), &Request{URL: u})
}

func TestFetcherRetries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		answers  []func(http.ResponseWriter, *http.Request)
		policy   RetryPolicy
		wantBody string
		wantErr  func(error) bool
		attempts int
		slept    []time.Duration
	}{
		{"503 then ok", []func(http.ResponseWriter, *http.Request){status(503), ok("x")}, RetryPolicy{BaseDelay: time.Second}, "x", nil, 2, []time.Duration{time.Second}},
		{"429 Retry-After seconds", []func(http.ResponseWriter, *http.Request){status(429, "Retry-After", "7"), ok("x")}, RetryPolicy{}, "x", nil, 2, []time.Duration{7 * time.Second}},
		{"503 Retry-After date", []func(http.ResponseWriter, *http.Request){status(503, "Retry-After", "Sun, 01 Jun 2025 12:00:09 GMT"), ok("x")}, RetryPolicy{}, "x", nil, 2, []time.Duration{9 * time.Second}},
		{"Retry-After past a day is ignored", []func(http.ResponseWriter, *http.Request){status(503, "Retry-After", "999999"), ok("x")}, RetryPolicy{BaseDelay: time.Second}, "x", nil, 2, []time.Duration{time.Second}},
		{"backoff doubles and caps", []func(http.ResponseWriter, *http.Request){status(500), status(502), status(504), ok("x")}, RetryPolicy{BaseDelay: time.Second, MaxDelay: 3 * time.Second}, "x", nil, 4, []time.Duration{time.Second, 2 * time.Second, 3 * time.Second}},
		{"cut body", []func(http.ResponseWriter, *http.Request){cut, ok("x")}, RetryPolicy{BaseDelay: time.Second}, "x", nil, 2, []time.Duration{time.Second}},
		{"404 is not retried", []func(http.ResponseWriter, *http.Request){status(404), ok("x")}, RetryPolicy{}, "", func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.Status == 404 && errors.Is(Translate("Test", err), lifeops.ErrNotFound)
		}, 1, nil},
		{"attempts run out", []func(http.ResponseWriter, *http.Request){status(503)}, RetryPolicy{MaxAttempts: 2, BaseDelay: time.Second}, "", func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.Status == 503 && errors.Is(Translate("Test", err), lifeops.ErrUnavailable)
		}, 2, []time.Duration{time.Second}},
		{"budget runs out", []func(http.ResponseWriter, *http.Request){status(429, "Retry-After", "90"), ok("x")}, RetryPolicy{MaxElapsed: time.Minute}, "", func(err error) bool {
			var se *StatusError
			return errors.As(err, &se) && se.Status == 429 && se.RetryAfter == 90*time.Second
		}, 1, nil},
		{"304 is an answer", []func(http.ResponseWriter, *http.Request){status(304)}, RetryPolicy{}, "", nil, 1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv, n := script(t, tc.answers...)
			f, clk := newTestFetcher(t, FetcherConfig{Retry: tc.policy})
			resp, err := get(t, f, srv.URL+"/feed")
			if tc.wantErr != nil {
				if err == nil || !tc.wantErr(err) {
					t.Fatalf("err = %v", err)
				}
			} else if err != nil {
				t.Fatalf("err = %v", err)
			} else if string(resp.Body) != tc.wantBody || resp.Attempts != tc.attempts {
				t.Errorf("body %q after %d attempts, want %q after %d", resp.Body, resp.Attempts, tc.wantBody, tc.attempts)
			}
			if *n != tc.attempts {
				t.Errorf("server saw %d requests, want %d", *n, tc.attempts)
			}
			if diff := cmp.Diff(tc.slept, clk.slept); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFetcherTooLargeAndTimeout(t *testing.T) {
	t.Parallel()
	srv, n := script(t, ok(strings.Repeat("x", 2000)))
	f, _ := newTestFetcher(t, FetcherConfig{MaxBody: 1000})
	_, err := get(t, f, srv.URL)
	if !errors.Is(err, ErrTooLarge) || *n != 1 || !errors.Is(Translate("Test", err), lifeops.ErrInvalid) {
		t.Errorf("err = %v after %d requests, want ErrTooLarge after 1", err, *n)
	}

	block := make(chan struct{})
	t.Cleanup(func() { close(block) })
	slow, m := script(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}, ok("late"))
	f, _ = newTestFetcher(t, FetcherConfig{HTTPClient: &http.Client{Timeout: 50 * time.Millisecond}, Retry: RetryPolicy{BaseDelay: time.Millisecond}})
	resp, err := get(t, f, slow.URL)
	if err != nil || string(resp.Body) != "late" || *m != 2 {
		t.Errorf("slow first answer: %v, %d requests", err, *m)
	}
}

func TestFetcherCircuitBreaker(t *testing.T) {
	t.Parallel()
	srv, n := script(t, status(500), status(500), status(500), ok("back"))
	f, clk := newTestFetcher(t, FetcherConfig{Retry: NoRetry(), BreakerThreshold: 3, BreakerCooldown: time.Minute})
	for range 3 {
		if _, err := get(t, f, srv.URL); err == nil {
			t.Fatal("want 500")
		}
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	if s := f.Breaker(host).State(); s != "open" {
		t.Fatalf("state %s after 3 failures", s)
	}
	_, err := get(t, f, srv.URL)
	if !errors.Is(err, ErrCircuitOpen) || *n != 3 || !errors.Is(Translate("Test", err), lifeops.ErrUnavailable) {
		t.Fatalf("open circuit: %v, %d requests", err, *n)
	}
	clk.mu.Lock()
	clk.now = clk.now.Add(time.Minute)
	clk.mu.Unlock()
	resp, err := get(t, f, srv.URL)
	if err != nil || string(resp.Body) != "back" || f.Breaker(host).State() != "closed" {
		t.Fatalf("probe: %v, state %s", err, f.Breaker(host).State())
	}
	// Another host has its own breaker.
	if f.Breaker("other.example:80").State() != "closed" {
		t.Error("a host never asked is not closed")
	}
}

// TestBreakerProbeVerdicts: a probe that fails reopens the circuit, one
// without a verdict (its caller gave up) leaves it half-open for the next,
// and only one probe goes out at a time.
func TestBreakerProbeVerdicts(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	b := NewCircuitBreaker(1, time.Second)
	tk, _ := b.allow(t0)
	b.done(tk, outcomeFailure, t0)
	if _, err := b.allow(t0.Add(500 * time.Millisecond)); !errors.Is(err, ErrCircuitOpen) {
		t.Fatal("open circuit let an attempt through")
	}
	probe, err := b.allow(t0.Add(time.Second))
	if err != nil || !probe.probe {
		t.Fatalf("no probe after the cool-down: %v", err)
	}
	if _, err := b.allow(t0.Add(time.Second)); !errors.Is(err, ErrCircuitOpen) {
		t.Fatal("a second probe went out")
	}
	b.done(probe, outcomeNeutral, t0.Add(time.Second))
	if b.State() != "half-open" {
		t.Fatalf("state %s after a probe without verdict", b.State())
	}
	probe, _ = b.allow(t0.Add(time.Second))
	b.done(probe, outcomeFailure, t0.Add(2*time.Second))
	if b.State() != "open" {
		t.Fatalf("state %s after a failed probe", b.State())
	}
}

// TestFetcherNeverShowsTheURL: a feed's URL is its password; neither errors
// nor logs show its path or query, even when the answer quotes them.
func TestFetcherNeverShowsTheURL(t *testing.T) {
	t.Parallel()
	const token = "s3cr3t-feed-token"
	srv, _ := script(t, status(503), status(403))
	var logs bytes.Buffer
	f, _ := newTestFetcher(t, FetcherConfig{Retry: RetryPolicy{MaxAttempts: 2, BaseDelay: time.Millisecond},
		Logger: slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	_, err := get(t, f, srv.URL+"/private/"+token+"/basic.ics?key="+token)
	var se *StatusError
	if !errors.As(err, &se) || se.Status != 403 {
		t.Fatalf("err = %v", err)
	}
	for where, s := range map[string]string{"error": err.Error(), "translated": Translate("Calendar", err).Error(), "log": logs.String(), "message": lifeops.ErrorMessage(Translate("Calendar", err))} {
		if strings.Contains(s, token) {
			t.Errorf("%s shows the token: %s", where, s)
		}
	}
	if !strings.Contains(se.Detail, redacted) {
		t.Errorf("the quoted URL was not redacted: %q", se.Detail)
	}

	// A connection refused names the host only.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	_, err = get(t, f, "http://"+addr+"/private/"+token+"/basic.ics")
	var ne *NetworkError
	if !errors.As(err, &ne) || strings.Contains(err.Error(), token) {
		t.Errorf("refused: %v", err)
	}
}

func TestFetcherContextAndBadInput(t *testing.T) {
	t.Parallel()
	srv, _ := script(t, status(503))
	f, _ := NewFetcher(FetcherConfig{Retry: RetryPolicy{BaseDelay: time.Hour}})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	u, _ := url.Parse(srv.URL)
	if _, err := f.Get(ctx, &Request{URL: u}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	for _, raw := range []string{"ftp://x/y", "/relative", "http://"} {
		u, _ := url.Parse(raw)
		if _, err := f.Get(context.Background(), &Request{URL: u}); !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("%s: %v", raw, err)
		}
	}
	if _, err := NewFetcher(FetcherConfig{Retry: RetryPolicy{MaxAttempts: -1}}); !errors.Is(err, lifeops.ErrInvalid) {
		t.Errorf("negative attempts: %v", err)
	}
}

func TestTranslateKeepsCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		err  error
		want lifeops.Code
	}{
		{&StatusError{Status: 401}, lifeops.CodeUnauthorized},
		{&StatusError{Status: 403}, lifeops.CodeUnauthorized},
		{&StatusError{Status: 410}, lifeops.CodeNotFound},
		{&StatusError{Status: 429}, lifeops.CodeUnavailable},
		{&StatusError{Status: 400}, lifeops.CodeInternal},
		{&DecodeError{Err: errors.New("x")}, lifeops.CodeUnavailable},
		{&NetworkError{Err: errors.New("x")}, lifeops.CodeUnavailable},
		{lifeops.Errorf(lifeops.CodeInvalid, "x"), lifeops.CodeInvalid},
		{context.Canceled, lifeops.CodeUnavailable},
	} {
		if got := lifeops.ErrorCode(Translate("Test", tc.err)); got != tc.want {
			t.Errorf("%#v: code %s, want %s", tc.err, got, tc.want)
		}
	}
	if Translate("Test", nil) != nil {
		t.Error("nil")
	}
}
