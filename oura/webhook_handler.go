package oura

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Webhook receiver defaults.
const (
	// MaxWebhookBody is the largest delivery body accepted (1 MiB).
	MaxWebhookBody = 1 << 20
	// DefaultWebhookTolerance is how far x-oura-timestamp may be from now.
	DefaultWebhookTolerance = 5 * time.Minute
	// DefaultWebhookTimeout bounds the callback so Oura, which waits 10 s,
	// always gets an answer.
	DefaultWebhookTimeout = 8 * time.Second
)

// WebhookEvent is one delivery: something happened to a document. Fetch the
// document by DataType and ObjectID; a delete event's document is gone.
type WebhookEvent struct {
	EventType EventType `json:"event_type"`
	DataType  DataType  `json:"data_type"`
	ObjectID  string    `json:"object_id"`
	EventTime time.Time `json:"event_time"`
	UserID    string    `json:"user_id"`
	// Raw is the delivery body as Oura sent it.
	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes an event, accepting an event time with or without
// an offset (a bare time is UTC), and keeps the raw body.
func (e *WebhookEvent) UnmarshalJSON(b []byte) error {
	type plain WebhookEvent
	var aux struct {
		plain
		EventTime string `json:"event_time"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*e = WebhookEvent(aux.plain)
	if aux.EventTime != "" {
		t, err := parseFlexibleTime(aux.EventTime)
		if err != nil {
			return fmt.Errorf("event_time: %w", err)
		}
		e.EventTime = t
	}
	e.Raw = bytes.Clone(b)
	return nil
}

// WebhookConfig configures [NewWebhookHandler].
type WebhookConfig struct {
	// ClientSecret is the application's client secret: the HMAC key of
	// x-oura-signature. Required.
	ClientSecret Secret
	// VerificationToken is the token given when creating subscriptions;
	// the GET challenge is answered only when it matches. Required.
	VerificationToken Secret
	// OnEvent receives every verified event. It should hand the event off
	// (to a queue, a goroutine) rather than fetch data inline: it runs under
	// a context that ends after Timeout. A nil error answers 200; an error
	// answers 500 so that Oura delivers the event again.
	OnEvent func(ctx context.Context, e *WebhookEvent) error
	// Tolerance bounds the distance between x-oura-timestamp and now, to
	// refuse replays. Zero means DefaultWebhookTolerance (5 minutes).
	Tolerance time.Duration
	// Timeout bounds the time from the request's arrival to the answer,
	// reading the body and OnEvent included; when OnEvent runs longer the
	// handler answers 503 (Oura retries) without waiting further. Zero means
	// DefaultWebhookTimeout (8 s, below Oura's 10 s).
	Timeout time.Duration
	// Logger receives one line per refused delivery; nil discards.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// String describes the configuration without its secrets.
func (c WebhookConfig) String() string {
	return fmt.Sprintf("oura.WebhookConfig{ClientSecret: %s, VerificationToken: %s, Tolerance: %s, Timeout: %s}",
		redacted, redacted, c.Tolerance, c.Timeout)
}

// GoString is String.
func (c WebhookConfig) GoString() string { return c.String() }

// Format writes String for every verb.
func (c WebhookConfig) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue implements [slog.LogValuer] without the secrets.
func (c WebhookConfig) LogValue() slog.Value {
	return slog.GroupValue(slog.String("client_secret", redacted), slog.String("verification_token", redacted),
		slog.Duration("tolerance", c.Tolerance), slog.Duration("timeout", c.Timeout))
}

// MarshalJSON encodes what LogValue shows.
func (c WebhookConfig) MarshalJSON() ([]byte, error) {
	return json.Marshal(map[string]string{"client_secret": redacted, "verification_token": redacted,
		"tolerance": c.Tolerance.String(), "timeout": c.Timeout.String()})
}

// WebhookHandler is the http.Handler of a webhook callback URL. Build it
// with [NewWebhookHandler].
type WebhookHandler struct {
	cfg WebhookConfig

	mu sync.Mutex
	// taken holds the signatures of deliveries passed to OnEvent (in flight
	// or done) until their timestamp leaves the tolerance, so a replay
	// within it is not passed on again.
	taken map[[sha256.Size]byte]time.Time
}

var (
	_ http.Handler = (*WebhookHandler)(nil)
	_ redactor     = WebhookConfig{}
	_ redactor     = (*WebhookHandler)(nil)
)

// String describes the handler without its secrets.
func (h *WebhookHandler) String() string { return "oura.WebhookHandler{" + h.cfg.String() + "}" }

// GoString is String.
func (h *WebhookHandler) GoString() string { return h.String() }

// Format writes String for every verb.
func (h *WebhookHandler) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, h.String()) }

// LogValue implements [slog.LogValuer] without the secrets.
func (h *WebhookHandler) LogValue() slog.Value { return h.cfg.LogValue() }

// MarshalJSON encodes the configuration's JSON form.
func (h *WebhookHandler) MarshalJSON() ([]byte, error) { return h.cfg.MarshalJSON() }

// NewWebhookHandler returns a handler that answers Oura's GET verification
// challenge when the verification token matches (in constant time), and on
// POST reads at most 1 MiB, checks that x-oura-timestamp is within the
// tolerance, verifies x-oura-signature (hex HMAC-SHA256 with the client
// secret over the timestamp followed by the raw body, compared in constant
// time), decodes the event and passes it to OnEvent. A delivery replayed
// with the same timestamp and signature while that timestamp is within the
// tolerance is answered 200 without reaching OnEvent again, unless OnEvent
// failed it. The answer comes within Timeout of the request's arrival.
// Refusals: 400 for a malformed request or event, 401 for a bad token,
// signature or timestamp, 405 for other methods, 413 for a body over 1 MiB.
func NewWebhookHandler(cfg WebhookConfig) (*WebhookHandler, error) {
	switch {
	case cfg.ClientSecret.IsZero():
		return nil, &ParamError{Param: "ClientSecret", Reason: "required to verify signatures"}
	case cfg.VerificationToken.IsZero():
		return nil, &ParamError{Param: "VerificationToken", Reason: "required to answer the verification challenge"}
	case cfg.OnEvent == nil:
		return nil, &ParamError{Param: "OnEvent", Reason: "required"}
	case cfg.Tolerance < 0:
		return nil, &ParamError{Param: "Tolerance", Reason: "negative"}
	case cfg.Timeout < 0:
		return nil, &ParamError{Param: "Timeout", Reason: "negative"}
	}
	if cfg.Tolerance == 0 {
		cfg.Tolerance = DefaultWebhookTolerance
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultWebhookTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &WebhookHandler{cfg: cfg, taken: map[[sha256.Size]byte]time.Time{}}, nil
}

// ServeHTTP implements http.Handler.
func (h *WebhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		h.challenge(w, r)
	case http.MethodPost:
		h.deliver(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
	}
}

func (h *WebhookHandler) challenge(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	token, challenge := q.Get("verification_token"), q.Get("challenge")
	if subtle.ConstantTimeCompare([]byte(token), []byte(h.cfg.VerificationToken.Reveal())) != 1 {
		h.refuse(r, http.StatusUnauthorized, "verification token mismatch")
		http.Error(w, "invalid verification token", http.StatusUnauthorized)
		return
	}
	if challenge == "" {
		h.refuse(r, http.StatusBadRequest, "no challenge")
		http.Error(w, "missing challenge", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"challenge": challenge})
}

func (h *WebhookHandler) deliver(w http.ResponseWriter, r *http.Request) {
	// Oura's 10 s run from when it sent the request: reading the body
	// comes out of the callback's time.
	ctx, cancel := context.WithTimeout(r.Context(), h.cfg.Timeout)
	defer cancel()
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.refuse(r, http.StatusRequestEntityTooLarge, "body over 1 MiB")
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		h.refuse(r, http.StatusBadRequest, "read body: "+err.Error())
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	sig, when, status, why := h.verify(r.Header, body)
	if status != 0 {
		h.refuse(r, status, why)
		http.Error(w, why, status)
		return
	}
	var ev WebhookEvent
	if err := json.Unmarshal(body, &ev); err != nil {
		h.refuse(r, http.StatusBadRequest, "decode event: "+err.Error())
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	if ev.EventType == "" || ev.DataType == "" || ev.ObjectID == "" {
		h.refuse(r, http.StatusBadRequest, "event lacks event_type, data_type or object_id")
		http.Error(w, "incomplete event", http.StatusBadRequest)
		return
	}
	if !h.take(sig, when) {
		h.cfg.Logger.LogAttrs(r.Context(), slog.LevelInfo, "oura: webhook replay ignored",
			slog.String("data_type", string(ev.DataType)), slog.String("object_id", ev.ObjectID))
		w.WriteHeader(http.StatusOK)
		return
	}
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("oura: webhook callback panicked: %v", p)
			}
		}()
		done <- h.cfg.OnEvent(ctx, &ev)
	}()
	select {
	case err := <-done:
		if err != nil {
			h.release(sig)
			h.cfg.Logger.LogAttrs(r.Context(), slog.LevelError, "oura: webhook callback failed",
				slog.String("event_type", string(ev.EventType)), slog.String("data_type", string(ev.DataType)),
				slog.String("object_id", ev.ObjectID), slog.Any("error", err))
			http.Error(w, "event not processed", http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	case <-ctx.Done():
		h.release(sig)
		h.cfg.Logger.LogAttrs(r.Context(), slog.LevelWarn, "oura: webhook callback timed out",
			slog.String("data_type", string(ev.DataType)), slog.String("object_id", ev.ObjectID))
		http.Error(w, "event not processed in time", http.StatusServiceUnavailable)
	}
}

// verify checks the timestamp and signature headers against body. It
// returns the signature and the timestamp when they are good (status 0),
// else the status and reason of the refusal.
func (h *WebhookHandler) verify(hdr http.Header, body []byte) (sig [sha256.Size]byte, when time.Time, status int, why string) {
	ts := strings.TrimSpace(hdr.Get("x-oura-timestamp"))
	hexSig := strings.TrimSpace(hdr.Get("x-oura-signature"))
	if ts == "" || hexSig == "" {
		return sig, when, http.StatusUnauthorized, "missing x-oura-timestamp or x-oura-signature"
	}
	when, err := parseWebhookTimestamp(ts)
	if err != nil {
		return sig, when, http.StatusBadRequest, "malformed x-oura-timestamp"
	}
	if d := h.cfg.Now().Sub(when); d > h.cfg.Tolerance || d < -h.cfg.Tolerance {
		return sig, when, http.StatusUnauthorized, "x-oura-timestamp outside tolerance"
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return sig, when, http.StatusUnauthorized, "malformed x-oura-signature"
	}
	if !hmac.Equal(got, Sign(h.cfg.ClientSecret, ts, body)) {
		return sig, when, http.StatusUnauthorized, "signature mismatch"
	}
	copy(sig[:], got)
	return sig, when, 0, ""
}

// take claims a verified delivery for OnEvent; it reports false when the
// same signature was claimed before and its timestamp is still within the
// tolerance: a replay. Claims whose timestamp has left the tolerance are
// dropped, since the timestamp check refuses those deliveries anyway.
func (h *WebhookHandler) take(sig [sha256.Size]byte, when time.Time) bool {
	now := h.cfg.Now()
	h.mu.Lock()
	defer h.mu.Unlock()
	if until, ok := h.taken[sig]; ok && !now.After(until) {
		return false
	}
	if len(h.taken) >= 64 {
		maps.DeleteFunc(h.taken, func(_ [sha256.Size]byte, until time.Time) bool { return now.After(until) })
	}
	h.taken[sig] = when.Add(h.cfg.Tolerance)
	return true
}

// release forgets the claim of a delivery OnEvent did not accept, so that
// Oura's redelivery reaches it.
func (h *WebhookHandler) release(sig [sha256.Size]byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.taken, sig)
}

// Sign returns the HMAC-SHA256 of timestamp followed by body, keyed with the
// client secret: the raw form of x-oura-signature (which is its uppercase
// hex). It is exported for tests and fake servers that sign deliveries.
func Sign(clientSecret Secret, timestamp string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(clientSecret.Reveal()))
	m.Write([]byte(timestamp))
	m.Write(body)
	return m.Sum(nil)
}

// SignatureHeader returns the x-oura-signature value for a delivery.
func SignatureHeader(clientSecret Secret, timestamp string, body []byte) string {
	return strings.ToUpper(hex.EncodeToString(Sign(clientSecret, timestamp, body)))
}

// parseWebhookTimestamp reads x-oura-timestamp: Unix seconds, or
// milliseconds when the number is that large.
func parseWebhookTimestamp(s string) (time.Time, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return time.Time{}, fmt.Errorf("not a Unix time: %q", s)
	}
	if n > 1e11 {
		return time.UnixMilli(n), nil
	}
	return time.Unix(n, 0), nil
}

func (h *WebhookHandler) refuse(r *http.Request, status int, why string) {
	h.cfg.Logger.LogAttrs(r.Context(), slog.LevelWarn, "oura: webhook refused",
		slog.String("method", r.Method), slog.Int("status", status), slog.String("reason", why))
}
