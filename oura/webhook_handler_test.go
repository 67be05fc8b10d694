package oura

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	hookSecret = NewSecret("client-secret-77f1")
	hookToken  = NewSecret("verif-tok-5511")
)

var hookNow = time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)

const hookBody = `{"event_type":"update","data_type":"sleep","object_id":"sl1","event_time":"2024-03-10T11:59:30+00:00","user_id":"u1"}`

type hookBundle struct {
	h      *WebhookHandler
	mu     sync.Mutex
	events []*WebhookEvent
	err    error
	block  chan struct{}
}

func newHook(t *testing.T, mod func(*WebhookConfig)) *hookBundle {
	t.Helper()
	hb := &hookBundle{}
	cfg := WebhookConfig{
		ClientSecret: hookSecret, VerificationToken: hookToken,
		Now: func() time.Time { return hookNow },
		OnEvent: func(ctx context.Context, e *WebhookEvent) error {
			if hb.block != nil {
				select {
				case <-hb.block:
				case <-ctx.Done():
					return ctx.Err()
				}
			}
			hb.mu.Lock()
			defer hb.mu.Unlock()
			hb.events = append(hb.events, e)
			return hb.err
		},
	}
	if mod != nil {
		mod(&cfg)
	}
	h, err := NewWebhookHandler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	hb.h = h
	return hb
}

func signedRequest(body string, ts time.Time) *http.Request {
	stamp := strconv.FormatInt(ts.Unix(), 10)
	r := httptest.NewRequest(http.MethodPost, "/oura/webhook", strings.NewReader(body))
	r.Header.Set("x-oura-timestamp", stamp)
	r.Header.Set("x-oura-signature", SignatureHeader(hookSecret, stamp, []byte(body)))
	return r
}

func TestWebhookHandler_Challenge(t *testing.T) {
	t.Parallel()
	hb := newHook(t, nil)
	tests := []struct {
		query  string
		status int
		body   string
	}{
		{"verification_token=verif-tok-5511&challenge=abc123", 200, `{"challenge":"abc123"}` + "\n"},
		{"verification_token=wrong&challenge=abc123", 401, "invalid verification token\n"},
		{"challenge=abc123", 401, "invalid verification token\n"},
		{"verification_token=verif-tok-5511", 400, "missing challenge\n"},
	}
	for _, tt := range tests {
		w := httptest.NewRecorder()
		hb.h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/oura/webhook?"+tt.query, nil))
		if w.Code != tt.status || w.Body.String() != tt.body {
			t.Errorf("%s: %d %q, want %d %q", tt.query, w.Code, w.Body.String(), tt.status, tt.body)
		}
		if tt.status == 200 && w.Header().Get("Content-Type") != "application/json" {
			t.Errorf("content type %q", w.Header().Get("Content-Type"))
		}
	}
}

func TestWebhookHandler_Delivery(t *testing.T) {
	t.Parallel()
	stamp := strconv.FormatInt(hookNow.Unix(), 10)
	goodSig := SignatureHeader(hookSecret, stamp, []byte(hookBody))
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
		events int
	}{
		{"valid", func() *http.Request { return signedRequest(hookBody, hookNow) }, 200, 1},
		{"lowercase signature", func() *http.Request {
			r := signedRequest(hookBody, hookNow)
			r.Header.Set("x-oura-signature", strings.ToLower(goodSig))
			return r
		}, 200, 1},
		{"millisecond timestamp", func() *http.Request {
			ms := strconv.FormatInt(hookNow.UnixMilli(), 10)
			r := signedRequest(hookBody, hookNow)
			r.Header.Set("x-oura-timestamp", ms)
			r.Header.Set("x-oura-signature", SignatureHeader(hookSecret, ms, []byte(hookBody)))
			return r
		}, 200, 1},
		{"edge of tolerance", func() *http.Request { return signedRequest(hookBody, hookNow.Add(-5*time.Minute)) }, 200, 1},
		{"replayed", func() *http.Request { return signedRequest(hookBody, hookNow.Add(-5*time.Minute-time.Second)) }, 401, 0},
		{"from the future", func() *http.Request { return signedRequest(hookBody, hookNow.Add(6*time.Minute)) }, 401, 0},
		{"body changed", func() *http.Request {
			r := signedRequest(hookBody, hookNow)
			r.Body = io.NopCloser(strings.NewReader(strings.Replace(hookBody, "sl1", "sl2", 1)))
			return r
		}, 401, 0},
		{"timestamp changed", func() *http.Request {
			r := signedRequest(hookBody, hookNow)
			r.Header.Set("x-oura-timestamp", strconv.FormatInt(hookNow.Unix()+1, 10))
			return r
		}, 401, 0},
		{"signed with another secret", func() *http.Request {
			r := signedRequest(hookBody, hookNow)
			r.Header.Set("x-oura-signature", SignatureHeader(NewSecret("other"), stamp, []byte(hookBody)))
			return r
		}, 401, 0},
		{"no signature", func() *http.Request {
			r := signedRequest(hookBody, hookNow)
			r.Header.Del("x-oura-signature")
			return r
		}, 401, 0},
		{"signature not hex", func() *http.Request {
			r := signedRequest(hookBody, hookNow)
			r.Header.Set("x-oura-signature", "zz")
			return r
		}, 401, 0},
		{"short signature", func() *http.Request {
			r := signedRequest(hookBody, hookNow)
			r.Header.Set("x-oura-signature", goodSig[:32])
			return r
		}, 401, 0},
		{"timestamp not a number", func() *http.Request {
			r := signedRequest(hookBody, hookNow)
			r.Header.Set("x-oura-timestamp", "noon")
			return r
		}, 400, 0},
		{"signed garbage", func() *http.Request { return signedRequest(`{"event_type":`, hookNow) }, 400, 0},
		{"signed but incomplete", func() *http.Request { return signedRequest(`{"event_type":"update"}`, hookNow) }, 400, 0},
		{"too large", func() *http.Request {
			return signedRequest(`{"pad":"`+strings.Repeat("x", MaxWebhookBody)+`"}`, hookNow)
		}, 413, 0},
		{"wrong method", func() *http.Request { return httptest.NewRequest(http.MethodPut, "/oura/webhook", nil) }, 405, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			hb := newHook(t, nil)
			w := httptest.NewRecorder()
			hb.h.ServeHTTP(w, tt.req())
			if w.Code != tt.status {
				t.Errorf("status %d (%s), want %d", w.Code, strings.TrimSpace(w.Body.String()), tt.status)
			}
			if len(hb.events) != tt.events {
				t.Errorf("events %d, want %d", len(hb.events), tt.events)
			}
			if tt.status == 405 && w.Header().Get("Allow") != "GET, POST" {
				t.Errorf("Allow = %q", w.Header().Get("Allow"))
			}
		})
	}
}

func TestWebhookHandler_EventReachesCallback(t *testing.T) {
	t.Parallel()
	hb := newHook(t, nil)
	w := httptest.NewRecorder()
	hb.h.ServeHTTP(w, signedRequest(hookBody, hookNow))
	if w.Code != 200 || len(hb.events) != 1 {
		t.Fatalf("status %d, events %d", w.Code, len(hb.events))
	}
	want := &WebhookEvent{EventType: EventTypeUpdate, DataType: DataTypeSleep, ObjectID: "sl1",
		EventTime: time.Date(2024, 3, 10, 11, 59, 30, 0, time.UTC), UserID: "u1", Raw: []byte(hookBody)}
	if diff := cmp.Diff(want, hb.events[0], equateTime); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
}

func TestWebhookHandler_CallbackOutcomes(t *testing.T) {
	t.Parallel()
	t.Run("error asks for redelivery", func(t *testing.T) {
		t.Parallel()
		var logs bytes.Buffer
		hb := newHook(t, func(c *WebhookConfig) { c.Logger = newTextLogger(&logs) })
		hb.err = errors.New("queue full")
		w := httptest.NewRecorder()
		hb.h.ServeHTTP(w, signedRequest(hookBody, hookNow))
		if w.Code != http.StatusInternalServerError || !strings.Contains(logs.String(), "queue full") {
			t.Errorf("status %d, log %q", w.Code, logs.String())
		}
	})
	t.Run("panic is contained", func(t *testing.T) {
		t.Parallel()
		hb := newHook(t, func(c *WebhookConfig) {
			c.OnEvent = func(context.Context, *WebhookEvent) error { panic("boom") }
		})
		w := httptest.NewRecorder()
		hb.h.ServeHTTP(w, signedRequest(hookBody, hookNow))
		if w.Code != http.StatusInternalServerError {
			t.Errorf("status %d", w.Code)
		}
	})
	t.Run("slow callback is cut off in time", func(t *testing.T) {
		t.Parallel()
		hb := newHook(t, func(c *WebhookConfig) { c.Timeout = 50 * time.Millisecond })
		hb.block = make(chan struct{})
		defer close(hb.block)
		w := httptest.NewRecorder()
		began := time.Now()
		hb.h.ServeHTTP(w, signedRequest(hookBody, hookNow))
		if w.Code != http.StatusServiceUnavailable || time.Since(began) > 5*time.Second {
			t.Errorf("status %d after %s", w.Code, time.Since(began))
		}
	})
}

// TestWebhookHandler_ReplayIsNotPassedOn: a delivery sent again with the
// same timestamp and signature, within the tolerance, is answered 200 but
// reaches the callback once. A delivery the callback failed is not a
// replay: it reaches the callback again.
func TestWebhookHandler_ReplayIsNotPassedOn(t *testing.T) {
	t.Parallel()
	hb := newHook(t, nil)
	calls := func() int {
		hb.mu.Lock()
		defer hb.mu.Unlock()
		return len(hb.events)
	}
	send := func(body string, at time.Time) int {
		w := httptest.NewRecorder()
		hb.h.ServeHTTP(w, signedRequest(body, at))
		return w.Code
	}
	hb.mu.Lock()
	hb.err = errors.New("queue full")
	hb.mu.Unlock()
	if code := send(hookBody, hookNow); code != http.StatusInternalServerError || calls() != 1 {
		t.Fatalf("failing callback: status %d, calls %d", code, calls())
	}
	hb.mu.Lock()
	hb.err = nil
	hb.mu.Unlock()
	if code := send(hookBody, hookNow); code != http.StatusOK || calls() != 2 {
		t.Fatalf("redelivery after a failure: status %d, calls %d", code, calls())
	}
	for range 3 {
		if code := send(hookBody, hookNow); code != http.StatusOK || calls() != 2 {
			t.Fatalf("replay: status %d, calls %d; want 200 and no call", code, calls())
		}
	}
	// The same event signed at another second is another delivery.
	if code := send(hookBody, hookNow.Add(time.Second)); code != http.StatusOK || calls() != 3 {
		t.Errorf("new delivery: status %d, calls %d", code, calls())
	}
}

// slowBody yields its bytes after a pause, as a slow connection does, and
// notes when the pause ended.
type slowBody struct {
	r      io.Reader
	pause  time.Duration
	once   sync.Once
	paused time.Time
}

func (b *slowBody) Read(p []byte) (int, error) {
	b.once.Do(func() { time.Sleep(b.pause); b.paused = time.Now() })
	return b.r.Read(p)
}

// TestWebhookHandler_DeadlineCountsFromArrival: Oura waits 10 s from the
// moment it sent the request, so the time spent reading the body comes out
// of the callback's Timeout.
func TestWebhookHandler_DeadlineCountsFromArrival(t *testing.T) {
	t.Parallel()
	var deadline time.Time
	hb := newHook(t, func(c *WebhookConfig) {
		c.Timeout = time.Second
		c.OnEvent = func(ctx context.Context, e *WebhookEvent) error {
			deadline, _ = ctx.Deadline()
			return nil
		}
	})
	r := signedRequest(hookBody, hookNow)
	body := &slowBody{r: strings.NewReader(hookBody), pause: 200 * time.Millisecond}
	r.Body = io.NopCloser(body)
	w := httptest.NewRecorder()
	hb.h.ServeHTTP(w, r)
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	// Counted from after the read, the deadline would be at least a
	// Timeout after the body arrived.
	if !deadline.Before(body.paused.Add(time.Second)) {
		t.Errorf("the callback's deadline (%s) counts from after the body was read (%s)", deadline, body.paused)
	}
}

func TestNewWebhookHandler_Validation(t *testing.T) {
	t.Parallel()
	ok := func(context.Context, *WebhookEvent) error { return nil }
	tests := []struct {
		cfg   WebhookConfig
		param string
	}{
		{WebhookConfig{VerificationToken: NewSecret("v"), OnEvent: ok}, "ClientSecret"},
		{WebhookConfig{ClientSecret: NewSecret("s"), OnEvent: ok}, "VerificationToken"},
		{WebhookConfig{ClientSecret: NewSecret("s"), VerificationToken: NewSecret("v")}, "OnEvent"},
		{WebhookConfig{ClientSecret: NewSecret("s"), VerificationToken: NewSecret("v"), OnEvent: ok, Tolerance: -1}, "Tolerance"},
		{WebhookConfig{ClientSecret: NewSecret("s"), VerificationToken: NewSecret("v"), OnEvent: ok, Timeout: -1}, "Timeout"},
	}
	for _, tt := range tests {
		var pe *ParamError
		if _, err := NewWebhookHandler(tt.cfg); !errors.As(err, &pe) || pe.Param != tt.param {
			t.Errorf("err = %v, want ParamError %s", err, tt.param)
		}
	}
	h, err := NewWebhookHandler(WebhookConfig{ClientSecret: NewSecret("s"), VerificationToken: NewSecret("v"), OnEvent: ok})
	if err != nil || h.cfg.Tolerance != DefaultWebhookTolerance || h.cfg.Timeout != DefaultWebhookTimeout || h.cfg.Now == nil || h.cfg.Logger == nil {
		t.Errorf("defaults: %+v, %v", h.cfg, err)
	}
}

func TestSignature(t *testing.T) {
	t.Parallel()
	// HMAC-SHA256 with key "key" over "1700000000" + "{}", computed with
	// Python's hmac module.
	const want = "8BF94835BBBCEF46F74A1250C47850EDE3FA88090E59F1B0BC6AF31209A97CA9"
	if got := SignatureHeader(NewSecret("key"), "1700000000", []byte("{}")); got != want {
		t.Errorf("signature %q, want %q", got, want)
	}
}

func newTextLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(&lockedWriter{w: w}, nil))
}
