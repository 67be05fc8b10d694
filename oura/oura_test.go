package oura

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/time/rate"
)

// baseURLPath is a non-empty prefix under which the test server mounts the
// API, so a request built from an absolute path fails loudly.
const baseURLPath = "/api-root"

const testToken = "tok-3f9a1c-secret-access"

// testBundle is what setup gives a test.
type testBundle struct {
	client *Client
	mux    *http.ServeMux
	server *httptest.Server

	mu     sync.Mutex
	sleeps []time.Duration // every wait the retry loop asked for
	logs   *bytes.Buffer
}

func (b *testBundle) waits() []time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]time.Duration(nil), b.sleeps...)
}

// setup returns a client talking to a fresh test server. The client never
// really sleeps: waits are recorded in the bundle.
func setup(t *testing.T, opts ...Option) *testBundle {
	t.Helper()
	b := &testBundle{mux: http.NewServeMux(), logs: &bytes.Buffer{}}
	api := http.NewServeMux()
	api.Handle(baseURLPath+"/", http.StripPrefix(baseURLPath, b.mux))
	api.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside the base path: %s %s", r.Method, r.URL.Path)
		http.Error(w, "outside base path", http.StatusBadGateway)
	})
	b.server = httptest.NewServer(api)
	t.Cleanup(b.server.Close)
	logger := slog.New(slog.NewTextHandler(&lockedWriter{w: b.logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	all := append([]Option{
		WithBaseURL(b.server.URL + baseURLPath),
		WithHTTPClient(b.server.Client()),
		WithTokenSource(StaticToken(testToken)),
		WithAppCredentials("app-id", "app-secret-9d8c7b"),
		WithLogger(logger),
	}, opts...)
	c, err := NewClient(all...)
	if err != nil {
		t.Fatalf("NewClient: %v", err)
	}
	c.jitter = func(d time.Duration) time.Duration { return d }
	c.sleep = func(ctx context.Context, d time.Duration) error {
		b.mu.Lock()
		b.sleeps = append(b.sleeps, d)
		b.mu.Unlock()
		return ctx.Err()
	}
	b.client = c
	return b
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (b *testBundle) logText() string {
	return b.logs.String()
}

func testMethod(t *testing.T, r *http.Request, want string) {
	t.Helper()
	if r.Method != want {
		t.Errorf("method = %s, want %s", r.Method, want)
	}
}

func testQuery(t *testing.T, r *http.Request, want url.Values) {
	t.Helper()
	if diff := cmp.Diff(want, r.URL.Query()); diff != "" {
		t.Errorf("query mismatch (-want +got):\n%s", diff)
	}
}

func testHeader(t *testing.T, r *http.Request, name, want string) {
	t.Helper()
	if got := r.Header.Get(name); got != want {
		t.Errorf("header %s = %q, want %q", name, got, want)
	}
}

func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

func ptr[T any](v T) *T { return &v }

// normTimes rewrites every RFC 3339 string of a decoded JSON value in one
// canonical form that keeps the offset.
func normTimes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normTimes(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normTimes(e)
		}
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.Format("2006-01-02T15:04:05.999999999-07:00")
		}
	}
	return v
}

// jsonEqual compares two JSON texts by meaning: numbers by value, and
// RFC 3339 times by instant and offset ("+00:00" equals "Z").
func jsonEqual(t *testing.T, want, got []byte) {
	t.Helper()
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	if diff := cmp.Diff(normTimes(w), normTimes(g)); diff != "" {
		t.Errorf("JSON mismatch (-want +got):\n%s", diff)
	}
}

func TestNewClient_Defaults(t *testing.T) {
	t.Parallel()
	c, err := NewClient()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.baseURL.String(); got != DefaultBaseURL {
		t.Errorf("base URL = %q, want %q", got, DefaultBaseURL)
	}
	if c.hc == http.DefaultClient || c.hc.Timeout != DefaultTimeout {
		t.Errorf("HTTP client must be the client's own with timeout %s", DefaultTimeout)
	}
	if c.hc.Transport == http.DefaultTransport {
		t.Error("HTTP transport must not be http.DefaultTransport")
	}
	if c.userAgent != DefaultUserAgent {
		t.Errorf("user agent = %q", c.userAgent)
	}
	if c.limiter == nil || c.limiter.Limit() != DefaultRateLimit || c.limiter.Burst() != DefaultRateBurst {
		t.Errorf("limiter = %v, want default", c.limiter)
	}
	if c.breaker == nil || c.breaker.State() != "closed" {
		t.Error("breaker must be set and closed")
	}
	if diff := cmp.Diff(DefaultRetryPolicy(), c.retry); diff != "" {
		t.Errorf("retry policy (-want +got):\n%s", diff)
	}
	if got := c.Sleep.Route(); got != "/v2/usercollection/sleep" {
		t.Errorf("Sleep route = %q", got)
	}
	// Calls for user data need a token source; webhook calls need credentials.
	if _, _, err := c.Sleep.List(t.Context(), nil); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("List without token: err = %v, want ErrNotConfigured", err)
	}
	if _, _, err := c.Webhooks.List(t.Context()); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("webhooks without credentials: err = %v, want ErrNotConfigured", err)
	}
}

func TestDefaultRateLimitStaysBelowOura(t *testing.T) {
	t.Parallel()
	// A token bucket lets through at most burst + rate·window requests in
	// any window: that must stay below Oura's 5000 per 5 minutes.
	worst := float64(DefaultRateBurst) + float64(DefaultRateLimit)*300
	if worst >= 5000 {
		t.Errorf("worst case %v requests per 5 minutes, want < 5000", worst)
	}
}

func TestNewClient_Options(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		opt   Option
		param string // the ParamError's Param, "" for success
		check func(t *testing.T, c *Client)
	}{
		{name: "nil http client", opt: WithHTTPClient(nil), param: "WithHTTPClient"},
		{name: "relative base URL", opt: WithBaseURL("/v2"), param: "WithBaseURL"},
		{name: "ftp base URL", opt: WithBaseURL("ftp://example.com"), param: "WithBaseURL"},
		{name: "unparsable base URL", opt: WithBaseURL("http://[::1"), param: "WithBaseURL"},
		{name: "base URL with user info", opt: WithBaseURL("https://u:p@example.com"), param: "WithBaseURL"},
		{name: "user agent with newline", opt: WithUserAgent("a\r\nb"), param: "WithUserAgent"},
		{name: "nil token source", opt: WithTokenSource(nil), param: "WithTokenSource"},
		{name: "empty app credentials", opt: WithAppCredentials("id", ""), param: "WithAppCredentials"},
		{name: "negative attempts", opt: WithRetryPolicy(RetryPolicy{MaxAttempts: -1}), param: "RetryPolicy.MaxAttempts"},
		{name: "negative base delay", opt: WithRetryPolicy(RetryPolicy{BaseDelay: -1}), param: "RetryPolicy.BaseDelay"},
		{name: "negative max delay", opt: WithRetryPolicy(RetryPolicy{MaxDelay: -1}), param: "RetryPolicy.MaxDelay"},
		{name: "zero rate", opt: WithRateLimit(0, 1), param: "WithRateLimit"},
		{name: "zero burst", opt: WithRateLimit(1, 0), param: "WithRateLimit"},
		{
			name: "base URL keeps path and gains slash", opt: WithBaseURL("http://127.0.0.1:1/api"),
			check: func(t *testing.T, c *Client) {
				if got := c.baseURL.String(); got != "http://127.0.0.1:1/api/" {
					t.Errorf("base = %q", got)
				}
			},
		},
		{
			name: "sandbox routes", opt: WithSandbox(),
			check: func(t *testing.T, c *Client) {
				if got := c.HeartRate.Route(); got != "/v2/sandbox/usercollection/heartrate" {
					t.Errorf("route = %q", got)
				}
			},
		},
		{
			name: "infinite rate disables limiter", opt: WithRateLimit(rate.Inf, 0),
			check: func(t *testing.T, c *Client) {
				if c.limiter != nil {
					t.Error("limiter still set")
				}
			},
		},
		{
			name: "shared limiter", opt: WithRateLimiter(nil),
			check: func(t *testing.T, c *Client) {
				if c.limiter != nil {
					t.Error("limiter still set")
				}
			},
		},
		{
			name: "no breaker", opt: WithCircuitBreaker(nil),
			check: func(t *testing.T, c *Client) {
				if c.breaker != nil {
					t.Error("breaker still set")
				}
			},
		},
		{
			name: "nil logger is silent", opt: WithLogger(nil),
			check: func(t *testing.T, c *Client) {
				if c.logger == nil || c.logger.Enabled(context.Background(), slog.LevelError) {
					t.Error("nil logger must become a discarding logger")
				}
			},
		},
		{name: "nil option is skipped", opt: nil, check: func(t *testing.T, c *Client) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, err := NewClient(tt.opt)
			if tt.param != "" {
				var pe *ParamError
				if !errors.As(err, &pe) || pe.Param != tt.param {
					t.Fatalf("err = %v, want *ParamError for %s", err, tt.param)
				}
				if !errors.Is(err, ErrInvalidParam) {
					t.Errorf("err does not match ErrInvalidParam")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestClient_RequestHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t, WithUserAgent("lifeops-test/1.0"))
	b.mux.HandleFunc("/v2/usercollection/personal_info", func(w http.ResponseWriter, r *http.Request) {
		testMethod(t, r, http.MethodGet)
		testHeader(t, r, "Authorization", "Bearer "+testToken)
		testHeader(t, r, "User-Agent", "lifeops-test/1.0")
		testHeader(t, r, "Accept", "application/json")
		testHeader(t, r, "x-client-secret", "")
		w.Header().Set("X-Request-Id", "req-42")
		writeJSON(w, http.StatusOK, string(mustRead(t, "personal_info.json")))
	})
	got, resp, err := b.client.PersonalInfo.Get(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := &PersonalInfo{ID: "pi1-eeee-4f6a-7b8c-9d0e1f2a3b4c", Age: ptr(37), Weight: ptr(71.3), Height: ptr(1.78),
		BiologicalSex: ptr("female"), Email: ptr("someone@example.com"), Raw: json.RawMessage(bytes.TrimSpace(mustRead(t, "personal_info.json")))}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("PersonalInfo (-want +got):\n%s", diff)
	}
	if resp.RequestID != "req-42" || resp.Attempts != 1 || resp.StatusCode != http.StatusOK {
		t.Errorf("response = {id %q, attempts %d, status %d}", resp.RequestID, resp.Attempts, resp.StatusCode)
	}
}

func TestClient_SandboxRefusals(t *testing.T) {
	t.Parallel()
	b := setup(t, WithSandbox())
	if _, _, err := b.client.PersonalInfo.Get(t.Context()); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("sandbox personal_info: err = %v, want ErrNotConfigured", err)
	}
	var pe *ParamError
	if _, _, err := b.client.Sleep.List(t.Context(), &ListOptions{Fields: []string{"day"}}); !errors.As(err, &pe) || pe.Param != "Fields" {
		t.Errorf("sandbox fields: err = %v, want ParamError Fields", err)
	}
	if _, _, err := b.client.HeartRate.List(t.Context(), &TimeSeriesOptions{Latest: true}); !errors.As(err, &pe) || pe.Param != "Latest" {
		t.Errorf("sandbox latest: err = %v, want ParamError Latest", err)
	}
}

func TestClient_DecodeError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mux.HandleFunc("/v2/usercollection/sleep", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"data":[{"id":"x","day":"not-a-date"}],"next_token":null}`)
	})
	_, _, err := b.client.Sleep.List(t.Context(), nil)
	var de *DecodeError
	if !errors.As(err, &de) || de.Path != baseURLPath+"/v2/usercollection/sleep" {
		t.Fatalf("err = %v, want *DecodeError", err)
	}
	if len(b.waits()) != 0 {
		t.Errorf("a decode error must not be retried; waits = %v", b.waits())
	}
}

func TestReadLimited(t *testing.T) {
	t.Parallel()
	body, err := readLimited(strings.NewReader(strings.Repeat("x", 11)), 10)
	if err == nil || body != nil {
		t.Errorf("readLimited over the limit: body %q, err %v", body, err)
	}
	body, err = readLimited(strings.NewReader("0123456789"), 10)
	if err != nil || string(body) != "0123456789" {
		t.Errorf("readLimited at the limit: %q, %v", body, err)
	}
}

func TestClient_String(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		got := fmt.Sprintf(verb, b.client)
		if strings.Contains(got, testToken) || strings.Contains(got, "app-secret") || !strings.Contains(got, "oura.Client{") {
			t.Errorf("%s of client = %q", verb, got)
		}
	}
}

func TestCheckResponse_ReadsBody(t *testing.T) {
	t.Parallel()
	req := httptest.NewRequest(http.MethodGet, "https://api.ouraring.com/v2/usercollection/sleep?next_token=abc", nil)
	resp := &http.Response{StatusCode: http.StatusBadRequest, Header: http.Header{}, Request: req,
		Body: io.NopCloser(strings.NewReader(`{"detail":"start_date must be before end_date"}`))}
	err := CheckResponse(resp, nil)
	want := &APIError{StatusCode: 400, Method: "GET", Path: "/v2/usercollection/sleep", Detail: "start_date must be before end_date"}
	if diff := cmp.Diff(error(want), err); diff != "" {
		t.Errorf("CheckResponse (-want +got):\n%s", diff)
	}
	if CheckResponse(&http.Response{StatusCode: 204}, nil) != nil {
		t.Error("204 must not be an error")
	}
}

func TestResponseWithoutBody(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mux.HandleFunc("/v2/webhook/subscription/abc", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	resp, err := b.client.Webhooks.Delete(t.Context(), "abc")
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("Delete: %v, %v", resp, err)
	}
}

func TestClient_BodyLimits(t *testing.T) {
	t.Parallel()
	b := setup(t, WithRetryPolicy(RetryPolicy{MaxAttempts: 3, BaseDelay: time.Second}))
	b.client.maxBody = 64
	big := `{"data":[],"next_token":"` + strings.Repeat("x", 100) + `"}`
	b.mux.HandleFunc("/v2/usercollection/sleep", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, big) // with Content-Length
	})
	b.mux.HandleFunc("/v2/usercollection/tag", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.(http.Flusher).Flush() // chunked: no length announced
		_, _ = io.WriteString(w, big)
	})
	for _, route := range []func() error{
		func() error { _, _, err := b.client.Sleep.List(t.Context(), nil); return err },
		func() error { _, _, err := b.client.Tag.List(t.Context(), nil); return err },
	} {
		var de *DecodeError
		if err := route(); !errors.As(err, &de) || !errors.Is(err, errBodyTooLarge) {
			t.Errorf("over the limit: err = %v, want a DecodeError", err)
		}
	}
	if len(b.waits()) != 0 {
		t.Errorf("a body over the limit was retried: %v", b.waits())
	}
	// A success with no body at all was cut off: it is retried.
	n := scripted(t, b, "/v2/usercollection/workout", reply{status: 200}, reply{status: 200, body: `{"data":[],"next_token":null}`})
	if _, _, err := b.client.Workout.List(t.Context(), nil); err != nil || n.Load() != 2 {
		t.Errorf("empty 200: err = %v, requests %d", err, n.Load())
	}
}
