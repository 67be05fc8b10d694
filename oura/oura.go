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
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"github.com/lifeops/lifeops/lifeops/civil"
)

const (
	// DefaultBaseURL is where the Oura Cloud API lives.
	DefaultBaseURL = "https://api.ouraring.com/"
	// DefaultUserAgent is sent when no [WithUserAgent] option is given.
	DefaultUserAgent = "lifeops-oura/1 (+https://github.com/lifeops/lifeops)"
	// DefaultTimeout bounds one HTTP attempt of the default HTTP client.
	DefaultTimeout = 60 * time.Second

	userCollectionPath    = "v2/usercollection/"
	sandboxCollectionPath = "v2/sandbox/usercollection/"
	webhookPath           = "v2/webhook/subscription"

	// defaultMaxBody bounds a success body; the largest real pages are a
	// few MiB.
	defaultMaxBody = 256 << 20
)

// Client talks to the Oura Cloud API v2. Build it with [NewClient]; it is safe
// for concurrent use. The exported fields are the collections, one per route.
type Client struct {
	hc        *http.Client
	baseURL   *url.URL
	userAgent string
	tokens    TokenSource
	app       *appCredentials
	sandbox   bool
	retry     RetryPolicy
	limiter   *rate.Limiter
	breaker   *CircuitBreaker
	logger    *slog.Logger

	// Seams for tests; production uses the real clock and timers.
	now    func() time.Time
	sleep  func(ctx context.Context, d time.Duration) error
	jitter func(d time.Duration) time.Duration

	maxBody int64 // the largest body read

	DailyActivity          *DocumentService[DailyActivity]
	DailyCardiovascularAge *DocumentService[DailyCardiovascularAge]
	DailyReadiness         *DocumentService[DailyReadiness]
	DailyResilience        *DocumentService[DailyResilience]
	DailySleep             *DocumentService[DailySleep]
	DailySpO2              *DocumentService[DailySpO2]
	DailyStress            *DocumentService[DailyStress]
	EnhancedTag            *DocumentService[EnhancedTag]
	RestModePeriod         *DocumentService[RestModePeriod]
	RingConfiguration      *DocumentService[RingConfiguration]
	Session                *DocumentService[Session]
	Sleep                  *DocumentService[Sleep]
	SleepTime              *DocumentService[SleepTime]
	Tag                    *DocumentService[Tag]
	VO2Max                 *DocumentService[VO2Max]
	Workout                *DocumentService[Workout]

	HeartRate        *TimeSeriesService[HeartRate]
	RingBatteryLevel *TimeSeriesService[RingBatteryLevel]

	PersonalInfo *PersonalInfoService
	Webhooks     *WebhookService
}

// appCredentials are the application's client id and secret, sent as the
// x-client-id and x-client-secret headers of the webhook routes.
type appCredentials struct {
	id     string
	secret Secret
}

// Option configures a [Client]. Options are applied in order; a later option
// overrides an earlier one.
type Option func(*Client) error

// NewClient returns a client configured by opts. With no options it talks to
// https://api.ouraring.com with its own HTTP client (never
// http.DefaultClient), the default retry policy, a rate limiter below Oura's
// 5000 requests per 5 minutes, a circuit breaker and a silent logger; calls
// for user data fail with [ErrNotConfigured] until a token source is set.
func NewClient(opts ...Option) (*Client, error) {
	base, _ := url.Parse(DefaultBaseURL)
	c := &Client{
		hc:        &http.Client{Timeout: DefaultTimeout, Transport: newTransport()},
		baseURL:   base,
		userAgent: DefaultUserAgent,
		retry:     DefaultRetryPolicy(),
		limiter:   NewRateLimiter(),
		breaker:   NewCircuitBreaker(DefaultBreakerThreshold, DefaultBreakerCooldown),
		logger:    slog.New(slog.DiscardHandler),
		now:       time.Now,
		sleep:     sleepCtx,
		jitter:    equalJitter,
		maxBody:   defaultMaxBody,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	c.hc = keepCredentialsHome(c.hc)
	c.DailyActivity = newDocumentService(c, "daily_activity", func(d *DailyActivity) civil.Date { return d.Day })
	c.DailyCardiovascularAge = newDocumentService(c, "daily_cardiovascular_age", func(d *DailyCardiovascularAge) civil.Date { return d.Day })
	c.DailyReadiness = newDocumentService(c, "daily_readiness", func(d *DailyReadiness) civil.Date { return d.Day })
	c.DailyResilience = newDocumentService(c, "daily_resilience", func(d *DailyResilience) civil.Date { return d.Day })
	c.DailySleep = newDocumentService(c, "daily_sleep", func(d *DailySleep) civil.Date { return d.Day })
	c.DailySpO2 = newDocumentService(c, "daily_spo2", func(d *DailySpO2) civil.Date { return d.Day })
	c.DailyStress = newDocumentService(c, "daily_stress", func(d *DailyStress) civil.Date { return d.Day })
	c.EnhancedTag = newDocumentService(c, "enhanced_tag", func(d *EnhancedTag) civil.Date { return d.StartDay })
	c.RestModePeriod = newDocumentService(c, "rest_mode_period", func(d *RestModePeriod) civil.Date { return d.StartDay })
	c.RingConfiguration = newDocumentService[RingConfiguration](c, "ring_configuration", nil)
	c.Session = newDocumentService(c, "session", func(d *Session) civil.Date { return d.Day })
	c.Sleep = newDocumentService(c, "sleep", func(d *Sleep) civil.Date { return d.Day })
	c.SleepTime = newDocumentService(c, "sleep_time", func(d *SleepTime) civil.Date { return d.Day })
	c.Tag = newDocumentService(c, "tag", func(d *Tag) civil.Date { return d.Day })
	c.VO2Max = newDocumentService(c, "vO2_max", func(d *VO2Max) civil.Date { return d.Day })
	c.Workout = newDocumentService(c, "workout", func(d *Workout) civil.Date { return d.Day })
	c.HeartRate = newTimeSeriesService(c, "heartrate", func(r *HeartRate) *time.Time { return &r.Timestamp })
	c.RingBatteryLevel = newTimeSeriesService(c, "ring_battery_level", func(r *RingBatteryLevel) *time.Time { return &r.Timestamp })
	c.PersonalInfo = &PersonalInfoService{client: c}
	c.Webhooks = &WebhookService{client: c}
	return c, nil
}

// WithHTTPClient sets the HTTP client used for every request. Its Timeout
// bounds one attempt; the retry policy bounds the whole call. The client
// uses a copy of hc whose redirect check also drops the credentials when a
// redirect leaves the origin; hc's own CheckRedirect still decides.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return &ParamError{Param: "WithHTTPClient", Reason: "nil *http.Client"}
		}
		c.hc = hc
		return nil
	}
}

// WithBaseURL sets the API root, e.g. the URL of an httptest server. A path
// is kept: "http://host/api" sends requests to http://host/api/v2/….
func WithBaseURL(raw string) Option {
	return func(c *Client) error {
		u, err := url.Parse(raw)
		if err != nil {
			return &ParamError{Param: "WithBaseURL", Reason: err.Error()}
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &ParamError{Param: "WithBaseURL", Reason: fmt.Sprintf("%q is not an absolute http(s) URL", raw)}
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			return &ParamError{Param: "WithBaseURL", Reason: "URL must not carry user info, query or fragment"}
		}
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		u.RawPath = ""
		c.baseURL = u
		return nil
	}
}

// WithSandbox sends every user-collection request to Oura's sandbox
// (/v2/sandbox/usercollection), which serves sample data. The sandbox has no
// personal_info route and ignores the Fields and Latest options, which the
// client therefore refuses.
func WithSandbox() Option {
	return func(c *Client) error {
		c.sandbox = true
		return nil
	}
}

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		if strings.ContainsAny(ua, "\r\n") {
			return &ParamError{Param: "WithUserAgent", Reason: "contains a line break"}
		}
		c.userAgent = ua
		return nil
	}
}

// WithTokenSource sets where the bearer token of user-data requests comes
// from: an [*OAuthTokenSource] for real users, [StaticToken] for the sandbox
// and tests.
func WithTokenSource(ts TokenSource) Option {
	return func(c *Client) error {
		if ts == nil {
			return &ParamError{Param: "WithTokenSource", Reason: "nil TokenSource"}
		}
		c.tokens = ts
		return nil
	}
}

// WithAppCredentials sets the application's OAuth client id and secret, which
// the webhook subscription routes take instead of a user's token.
func WithAppCredentials(clientID, clientSecret string) Option {
	return func(c *Client) error {
		if clientID == "" || clientSecret == "" {
			return &ParamError{Param: "WithAppCredentials", Reason: "client id and secret are required"}
		}
		c.app = &appCredentials{id: clientID, secret: NewSecret(clientSecret)}
		return nil
	}
}

// WithRetryPolicy sets how failed attempts are retried; see [RetryPolicy].
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithRateLimit replaces the default client-side limiter with a token bucket
// of r requests per second and the given burst. r == rate.Inf disables it.
func WithRateLimit(r rate.Limit, burst int) Option {
	return func(c *Client) error {
		if r <= 0 || (burst <= 0 && r != rate.Inf) {
			return &ParamError{Param: "WithRateLimit", Reason: "the rate and burst must be positive"}
		}
		if r == rate.Inf {
			c.limiter = nil
			return nil
		}
		c.limiter = rate.NewLimiter(r, burst)
		return nil
	}
}

// WithRateLimiter shares one limiter between clients. Oura limits each
// application as a whole, so a service with one client per user should give
// them all the same limiter (see [NewRateLimiter]). nil disables limiting.
func WithRateLimiter(l *rate.Limiter) Option {
	return func(c *Client) error {
		c.limiter = l
		return nil
	}
}

// WithCircuitBreaker sets the circuit breaker; share one between the clients
// of an application. nil disables it.
func WithCircuitBreaker(b *CircuitBreaker) Option {
	return func(c *Client) error {
		c.breaker = b
		return nil
	}
}

// WithLogger sets the logger. The default discards everything. Requests log
// at debug level, retries at info and give-ups at warn; no token, secret or
// query string is ever logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			l = slog.New(slog.DiscardHandler)
		}
		c.logger = l
		return nil
	}
}

// String describes the client without any credential.
func (c *Client) String() string {
	return fmt.Sprintf("oura.Client{base: %s, sandbox: %t, token: %t, app credentials: %t}",
		c.baseURL.Redacted(), c.sandbox, c.tokens != nil, c.app != nil)
}

// GoString is String, so %#v does not dump credentials.
func (c *Client) GoString() string { return c.String() }

// Format writes String for every verb.
func (c *Client) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue implements [slog.LogValuer] without credentials.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("base", c.baseURL.Redacted()), slog.Bool("sandbox", c.sandbox))
}

// MarshalJSON encodes String.
func (c *Client) MarshalJSON() ([]byte, error) { return json.Marshal(c.String()) }

// Response is the HTTP response of a call. Its body has been read and closed;
// the decoded value is returned beside it.
type Response struct {
	*http.Response
	// Attempts is how many HTTP attempts the call made, refreshes included.
	Attempts int
	// RequestID is the id Oura's edge gave the last attempt, if it was
	// a safe id (see [APIError.RequestID]).
	RequestID string
}

// String describes the response by its status, attempts and request id.
// The embedded response leads to the request, whose headers carry the
// bearer token or the application's secret, so a Response never prints its
// fields: read them explicitly.
func (r Response) String() string {
	status := 0
	if r.Response != nil {
		status = r.StatusCode
	}
	return fmt.Sprintf("oura.Response{status: %d, attempts: %d, request id: %q}", status, r.Attempts, r.RequestID)
}

// GoString is String.
func (r Response) GoString() string { return r.String() }

// Format writes String for every verb.
func (r Response) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, r.String()) }

// LogValue implements [slog.LogValuer] without the request.
func (r Response) LogValue() slog.Value { return slog.StringValue(r.String()) }

// MarshalJSON encodes String.
func (r Response) MarshalJSON() ([]byte, error) { return json.Marshal(r.String()) }

var (
	_ redactor = (*Client)(nil)
	_ redactor = Response{}
)

// authKind says which credentials a request carries.
type authKind int

const (
	authUser authKind = iota // the user's bearer token
	authApp                  // the application's client id and secret
)

// request is everything needed to (re)build one HTTP request per attempt.
type request struct {
	method string
	path   string // relative to the base URL, already escaped
	query  url.Values
	body   []byte // JSON, or nil
	auth   authKind
	// secrets are values the body carries (a verification token) that an
	// error answer might quote back; see redactAnswer.
	secrets []string

	tokenUsed *oauth2.Token // the token of the last attempt, for a refresh after 401
}

// collectionPath returns the path of a user collection route.
func (c *Client) collectionPath(name string) string {
	if c.sandbox {
		return sandboxCollectionPath + name
	}
	return userCollectionPath + name
}

// newHTTPRequest builds one attempt of r.
func (c *Client) newHTTPRequest(ctx context.Context, r *request, tok string) (*http.Request, error) {
	u, err := c.baseURL.Parse(r.path)
	if err != nil {
		return nil, fmt.Errorf("oura: build URL for %s: %w", r.path, err)
	}
	if len(r.query) > 0 {
		u.RawQuery = r.query.Encode()
	}
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u.String(), body)
	if err != nil {
		return nil, fmt.Errorf("oura: build request: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	switch r.auth {
	case authUser:
		req.Header.Set("Authorization", "Bearer "+tok)
	case authApp:
		req.Header.Set("x-client-id", c.app.id)
		req.Header.Set("x-client-secret", c.app.secret.Reveal())
	}
	return req, nil
}

// do sends r, retrying as the policy allows, and decodes a 2xx body into v
// (a pointer, or nil to discard the body).
func (c *Client) do(ctx context.Context, r *request, v any) (*Response, error) {
	if err := c.checkAuth(r.auth); err != nil {
		return nil, err
	}
	pol := c.retry.withDefaults()
	start := c.now()
	// The budget bounds the attempts too, not only the waits between them.
	callCtx := ctx
	if pol.MaxElapsed > 0 {
		var cancel context.CancelFunc
		callCtx, cancel = context.WithTimeout(ctx, pol.MaxElapsed)
		defer cancel()
	}
	var (
		resp      *Response
		lastErr   error
		refreshed bool
		attempts  int
	)
	// stopped ends the call once callCtx is done: the caller's context
	// error, or, when only the budget ran out, the last error.
	stopped := func() (*Response, error) {
		if err := ctx.Err(); err != nil {
			return resp, c.ctxErr(r, err)
		}
		c.logger.LogAttrs(ctx, slog.LevelWarn, "oura: giving up, retry budget spent",
			slog.String("method", r.method), slog.String("path", r.path), slog.Int("attempts", attempts), slog.Any("error", lastErr))
		if lastErr != nil {
			return resp, lastErr
		}
		return resp, &NetworkError{Method: r.method, Path: "/" + r.path, Err: fmt.Errorf("no answer within the retry budget of %s", pol.MaxElapsed)}
	}
	for attempt := 1; ; attempt++ {
		if callCtx.Err() != nil {
			return stopped()
		}
		attempts++
		res, err := c.attempt(callCtx, r, v, attempts)
		if res != nil {
			resp = res
			resp.Attempts = attempts
		}
		if err == nil {
			return resp, nil
		}
		if callCtx.Err() != nil {
			return stopped()
		}
		lastErr = err
		if ae := (*APIError)(nil); errors.As(err, &ae) && ae.StatusCode == http.StatusUnauthorized && r.auth == authUser && !refreshed {
			if rf, ok := c.tokens.(Refresher); ok {
				refreshed = true
				if _, rerr := rf.Refresh(callCtx, r.tokenUsed); rerr != nil {
					return resp, fmt.Errorf("oura: refresh after 401: %w", rerr)
				}
				c.logger.LogAttrs(ctx, slog.LevelInfo, "oura: token refreshed after 401", slog.String("path", r.path))
				attempt--
				continue
			}
		}
		wait, retry := c.retryDecision(r, err, attempt, pol)
		if !retry {
			return resp, err
		}
		if pol.MaxElapsed > 0 && c.now().Add(wait).Sub(start) > pol.MaxElapsed {
			c.logger.LogAttrs(ctx, slog.LevelWarn, "oura: giving up, retry budget spent",
				slog.String("method", r.method), slog.String("path", r.path), slog.Int("attempts", attempts), slog.Any("error", err))
			return resp, lastErr
		}
		c.logger.LogAttrs(ctx, slog.LevelInfo, "oura: retrying",
			slog.String("method", r.method), slog.String("path", r.path), slog.Int("attempt", attempt),
			slog.Duration("wait", wait), slog.Any("error", err))
		if err := c.sleep(callCtx, wait); err != nil {
			return stopped()
		}
	}
}

// ctxErr wraps a context error with the request it interrupted.
func (c *Client) ctxErr(r *request, err error) error {
	return fmt.Errorf("oura: %s /%s: %w", r.method, r.path, err)
}

// checkAuth fails fast when the client lacks the credentials of r.
func (c *Client) checkAuth(k authKind) error {
	switch {
	case k == authUser && c.tokens == nil:
		return fmt.Errorf("%w: no token source (use WithTokenSource)", ErrNotConfigured)
	case k == authApp && c.app == nil:
		return fmt.Errorf("%w: no application credentials for webhook routes (use WithAppCredentials)", ErrNotConfigured)
	}
	return nil
}

// attempt makes one HTTP attempt: breaker, limiter, token, send, read, decode.
func (c *Client) attempt(ctx context.Context, r *request, v any, n int) (*Response, error) {
	outcome := outcomeNeutral
	if c.breaker != nil {
		tk, err := c.breaker.allow(c.now())
		if err != nil {
			return nil, err
		}
		defer func() { c.breaker.done(tk, outcome, c.now()) }()
	}
	if c.limiter != nil {
		if err := c.limiter.Wait(ctx); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return nil, cerr
			}
			return nil, fmt.Errorf("oura: rate limiter: %w", err)
		}
	}
	var tok string
	if r.auth == authUser {
		t, err := c.tokens.Token(ctx)
		if err != nil {
			return nil, fmt.Errorf("oura: token: %w", err)
		}
		if t == nil || t.AccessToken == "" {
			return nil, fmt.Errorf("oura: token source returned no access token: %w", ErrUnauthorized)
		}
		tok = t.AccessToken
		r.tokenUsed = t
	}
	req, err := c.newHTTPRequest(ctx, r, tok)
	if err != nil {
		return nil, err
	}
	began := c.now()
	hres, err := c.hc.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		outcome = outcomeFailure
		return nil, &NetworkError{Method: r.method, Path: req.URL.Path, Err: sanitizeURLError(err)}
	}
	resp := &Response{Response: hres, RequestID: requestID(hres.Header)}
	body, rerr := readBody(hres, c.maxBody)
	_ = hres.Body.Close()
	c.logger.LogAttrs(ctx, slog.LevelDebug, "oura: request",
		slog.String("method", r.method), slog.String("path", req.URL.Path), slog.Int("status", hres.StatusCode),
		slog.Int("attempt", n), slog.Duration("duration", c.now().Sub(began)), slog.Int("bytes", len(body)))
	if errors.Is(rerr, errBodyTooLarge) {
		return resp, &DecodeError{Method: r.method, Path: req.URL.Path, Err: rerr}
	}
	if rerr != nil {
		if ctx.Err() != nil {
			return resp, ctx.Err()
		}
		if hres.StatusCode >= 500 || hres.StatusCode < 300 {
			outcome = outcomeFailure
		}
		return resp, &NetworkError{Method: r.method, Path: req.URL.Path, Err: sanitizeURLError(rerr)}
	}
	if hres.StatusCode >= 500 {
		outcome = outcomeFailure
	} else {
		outcome = outcomeSuccess
	}
	if hres.StatusCode < 200 || hres.StatusCode > 299 {
		return resp, c.redactAnswer(r, tok, hres, body)
	}
	if v == nil {
		return resp, nil
	}
	if len(body) == 0 {
		if hres.StatusCode == http.StatusNoContent {
			return resp, nil
		}
		// A success without the promised body was cut off on the way.
		return resp, &NetworkError{Method: r.method, Path: req.URL.Path, Err: fmt.Errorf("empty body: %w", io.ErrUnexpectedEOF)}
	}
	if err := json.Unmarshal(body, v); err != nil {
		if isTruncated(err, body) {
			return resp, &NetworkError{Method: r.method, Path: req.URL.Path, Err: fmt.Errorf("body cut short: %w", io.ErrUnexpectedEOF)}
		}
		return resp, &DecodeError{Method: r.method, Path: req.URL.Path, Err: err}
	}
	return resp, nil
}

// redactAnswer returns the error of a non-2xx answer with every credential
// the request carried replaced by [REDACTED]: an error body may quote its
// input or a header, and the error ends up in logs.
func (c *Client) redactAnswer(r *request, tok string, hres *http.Response, body []byte) error {
	secrets := append([]string{tok}, r.secrets...)
	if r.auth == authApp {
		secrets = append(secrets, c.app.secret.Reveal())
	}
	for _, s := range secrets {
		if s != "" {
			body = bytes.ReplaceAll(body, []byte(s), []byte(redacted))
		}
	}
	if body == nil {
		body = []byte{} // read already; CheckResponse must not read again
	}
	err := CheckResponse(hres, body)
	var ae *APIError
	if errors.As(err, &ae) {
		ae.redact(secrets) // values the JSON escaped in the body
	}
	return err
}

// NetworkError is a failure to reach Oura or to read its answer whole:
// connection refused or reset, a timeout of one attempt, a body cut short.
// It is retried.
type NetworkError struct {
	Method, Path string
	Err          error
}

// Error implements error.
func (e *NetworkError) Error() string {
	return "oura: " + e.Method + " " + e.Path + ": network: " + e.Err.Error()
}

// Unwrap returns the transport error.
func (e *NetworkError) Unwrap() error { return e.Err }

// DecodeError is a 2xx answer whose body is not the JSON the route promises.
type DecodeError struct {
	Method, Path string
	Err          error
}

// Error implements error.
func (e *DecodeError) Error() string {
	return "oura: " + e.Method + " " + e.Path + ": decode response: " + e.Err.Error()
}

// Unwrap returns the JSON error.
func (e *DecodeError) Unwrap() error { return e.Err }

// isTruncated reports whether a JSON error comes from a body that ended early.
func isTruncated(err error, body []byte) bool {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Offset >= int64(len(bytes.TrimRight(body, " \t\r\n")))
	}
	return errors.Is(err, io.ErrUnexpectedEOF)
}

// sanitizeURLError drops the URL (with its query) from a transport error,
// keeping the cause.
func sanitizeURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// errBodyTooLarge is a body over the client's limit; retrying cannot help.
var errBodyTooLarge = errors.New("body too large")

// keepCredentialsHome returns a copy of hc that drops the credentials of a
// request redirected to another origin (scheme, host or port). Go itself
// drops Authorization only when the host name changes, and never the
// x-client-secret of the webhook routes.
func keepCredentialsHome(hc *http.Client) *http.Client {
	cp := *hc
	check := hc.CheckRedirect
	cp.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if first := via[0].URL; req.URL.Scheme != first.Scheme || req.URL.Host != first.Host {
			for _, h := range [...]string{"Authorization", "X-Client-Id", "X-Client-Secret"} {
				req.Header.Del(h)
			}
		}
		if check != nil {
			return check(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &cp
}

// newTransport returns a transport of the client's own, configured like
// http.DefaultTransport but not shared with it.
func newTransport() http.RoundTripper {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		return t.Clone()
	}
	return &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true, MaxIdleConns: 100,
		IdleConnTimeout: 90 * time.Second, TLSHandshakeTimeout: 10 * time.Second, ExpectContinueTimeout: time.Second}
}

// readBody reads a whole body up to limit bytes, in one allocation when the
// length is announced.
func readBody(resp *http.Response, limit int64) ([]byte, error) {
	if resp.Body == nil || resp.Body == http.NoBody {
		return nil, nil
	}
	if resp.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes announced, at most %d read", errBodyTooLarge, resp.ContentLength, limit)
	}
	if n := resp.ContentLength; n > 0 {
		buf := make([]byte, n)
		if _, err := io.ReadFull(resp.Body, buf); err != nil {
			return nil, err
		}
		return buf, nil
	}
	return readLimited(resp.Body, limit)
}

// readLimited reads r to the end, failing when it holds more than limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes", errBodyTooLarge, limit)
	}
	return b, nil
}
