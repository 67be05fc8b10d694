// Package api is the LifeOps HTTP API as an http.Handler that a program
// serves or a host service mounts on its own mux: JSON over the use cases
// of a lifeops.Service, with device sign-in (short-lived JWT access tokens,
// rotating refresh tokens, pairing codes), personal access tokens, an admin
// token, per-caller and per-address rate limits, RFC 9457 problem
// responses, an access log, Prometheus metrics, health probes, the
// timeline as an iCalendar feed, and its OpenAPI 3.1 document at
// /openapi.json.
//
//	h, err := api.New(api.Config{Service: svc, Keys: keys, AdminToken: admin})
//	http.ListenAndServe(addr, h)
//
// Every route is in routes.go. The handler sets no server timeouts: the
// program that serves it owns the http.Server (examples/server sets them).
package api

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/oauth2"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura"
)

// Config wires the API. Service and Keys are required; every other field
// has the default its comment names.
type Config struct {
	// Service runs every use case. Required.
	Service *lifeops.Service
	// Keys sign access tokens and derive refresh tokens. Required.
	Keys *Keys
	// AdminToken creates people and signs their devices in; compared in
	// constant time. Empty: the admin routes refuse every token.
	AdminToken string
	// Issuer and Audience are the iss and aud of access tokens. Defaults:
	// "lifeops" and "lifeops-api".
	Issuer, Audience string
	// Logger receives the access log (one JSON line per request, with its
	// id, never a token) and errors. Nil discards.
	Logger *slog.Logger
	// Registerer receives the API's metrics (requests and latency by route
	// pattern and status, sync records and failures by kind). Nil: none.
	Registerer prometheus.Registerer
	// Metrics is served at GET /metrics behind the admin token. Nil: the
	// route answers 404 (serve metrics on a listener of their own).
	Metrics http.Handler
	// Checks are what /readyz checks; any check "down" makes it 503.
	Checks []Check
	// Version is shown by /healthz, as JSON (a buildinfo.Info, say).
	Version any
	// Now is the clock of tokens and limits. Nil: time.Now.
	Now func() time.Time
	// CallerLimit limits each authenticated caller, AuthLimit each client
	// address on the sign-in routes and on refused tokens. Zero values:
	// DefaultCallerLimit and DefaultAuthLimit.
	CallerLimit, AuthLimit Limit
	// LimiterKeys bounds how many callers and addresses each limiter
	// remembers. Zero: DefaultLimiterKeys.
	LimiterKeys int
	// TrustedProxies are the proxies whose X-Forwarded-For is believed.
	TrustedProxies []netip.Prefix
	// PublicURL is the API's base URL as clients reach it, for the
	// calendar feed's URL and the Oura redirect. Empty: taken from each
	// request's Host.
	PublicURL string
	// Oura connects people's rings. Nil: the Oura routes answer 503.
	Oura *Oura
	// Jobs runs background work (backfills, syncs a webhook asked for).
	// Nil: those routes answer 503.
	Jobs Jobs
	// Data exports and imports a person's records. Nil: 503.
	Data DataPorter
	// ImportLimit is the largest import body. Zero: 256 MiB.
	ImportLimit int64
}

// Oura is what the Oura routes need.
type Oura struct {
	// OAuth is the Oura application, for GET /v1/me/oura/connect and the
	// callback. Nil: those answer 503; PUT /v1/me/oura/connection works.
	OAuth *oura.OAuthConfig
	// Connector stores a person's Oura token (ourahealth.Source). Required.
	Connector Connector
	// WebhookToken is the verification token of webhook subscriptions;
	// with OAuth's client secret it enables /oura/webhook.
	WebhookToken oura.Secret
}

// Connector stores a person's Oura token and routes webhook events:
// ourahealth.Source implements it.
type Connector interface {
	Connect(ctx context.Context, userID uuid.UUID, tok *oauth2.Token) (lifeops.Credential, error)
	UserOf(ctx context.Context, e *oura.WebhookEvent) (uuid.UUID, error)
}

// Jobs runs background work for the API.
type Jobs interface {
	// Backfill starts fetching the person's data from from to today, in
	// chunks; a backfill already running is replaced.
	Backfill(ctx context.Context, userID uuid.UUID, from civil.Date) (BackfillStatus, error)
	// Backfills returns the person's backfill, or nil when none ran.
	Backfills(userID uuid.UUID) *BackfillStatus
	// SyncSoon syncs the person in the background (after a webhook).
	SyncSoon(userID uuid.UUID)
}

// BackfillStatus is how far a person's backfill is.
type BackfillStatus struct {
	From        civil.Date `json:"start_date"`
	To          civil.Date `json:"end_date"`
	ChunksDone  int        `json:"chunks_done"`
	ChunksTotal int        `json:"chunks_total"`
	Running     bool       `json:"running"`
	LastError   string     `json:"last_error,omitempty"`
}

// DataPorter exports and imports one person's records.
type DataPorter interface {
	// Export writes every record of the person as one JSON document.
	Export(ctx context.Context, userID uuid.UUID, w io.Writer) error
	// Import reads such a document into the person and says what it wrote.
	Import(ctx context.Context, userID uuid.UUID, r io.Reader) (any, error)
}

// Check is one readiness check.
type Check struct {
	Name string
	Run  func(ctx context.Context) CheckResult
}

// CheckResult is the answer of a Check.
type CheckResult struct {
	Status string `json:"status"` // ok, degraded, down or not_configured
	Detail string `json:"detail,omitempty"`
}

// API is the HTTP API. Create it with [New]; it is an http.Handler.
type API struct {
	cfg     Config
	svc     *lifeops.Service
	log     *slog.Logger
	now     func() time.Time
	admin   []byte // the hash of the admin token
	callers *limiter
	authIPs *limiter
	metrics *metrics
	webhook http.Handler
	state   []byte // the key of OAuth state values
	table   []route
	mux     *http.ServeMux
	handler http.Handler
}

// New returns the API for cfg.
func New(cfg Config) (*API, error) {
	if cfg.Service == nil || cfg.Keys == nil {
		return nil, errors.New("api: Config.Service and Config.Keys are required")
	}
	if cfg.Issuer == "" {
		cfg.Issuer = "lifeops"
	}
	if cfg.Audience == "" {
		cfg.Audience = "lifeops-api"
	}
	if cfg.ImportLimit <= 0 {
		cfg.ImportLimit = 256 << 20
	}
	if cfg.CallerLimit == (Limit{}) {
		cfg.CallerLimit = DefaultCallerLimit
	}
	if cfg.AuthLimit == (Limit{}) {
		cfg.AuthLimit = DefaultAuthLimit
	}
	if cfg.Oura != nil && cfg.Oura.Connector == nil {
		return nil, errors.New("api: Config.Oura.Connector is required")
	}
	a := &API{cfg: cfg, svc: cfg.Service, log: cfg.Logger, now: cfg.Now}
	if a.log == nil {
		a.log = slog.New(slog.DiscardHandler)
	}
	if a.now == nil {
		a.now = time.Now
	}
	if cfg.AdminToken != "" {
		a.admin = hashToken(cfg.AdminToken)
	}
	a.callers = newLimiter(cfg.CallerLimit, cfg.LimiterKeys, a.now)
	a.authIPs = newLimiter(cfg.AuthLimit, cfg.LimiterKeys, a.now)
	m := hmac.New(sha256.New, cfg.Keys.sign)
	m.Write([]byte("lifeops oauth state v1"))
	a.state = m.Sum(nil)
	if cfg.Registerer != nil {
		var err error
		if a.metrics, err = newMetrics(cfg.Registerer); err != nil {
			return nil, fmt.Errorf("api: register metrics: %w", err)
		}
	}
	if o := cfg.Oura; o != nil && o.OAuth != nil && !o.WebhookToken.IsZero() {
		wh, err := oura.NewWebhookHandler(oura.WebhookConfig{
			ClientSecret: o.OAuth.ClientSecret, VerificationToken: o.WebhookToken, Logger: a.log, Now: a.now,
			OnEvent: a.onWebhook,
		})
		if err != nil {
			return nil, fmt.Errorf("api: webhook: %w", err)
		}
		a.webhook = wh
	}
	mux := http.NewServeMux()
	a.table = a.routes()
	for _, rt := range a.table {
		mux.Handle(rt.pattern, a.wrap(rt))
	}
	a.mux = mux
	a.handler = a.outer(http.HandlerFunc(a.route))
	return a, nil
}

// ServeHTTP implements http.Handler.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.handler.ServeHTTP(w, r) }

// Patterns lists the ServeMux patterns of every route, as routes.go holds
// them.
func (a *API) Patterns() []string {
	out := make([]string, len(a.table))
	for i, rt := range a.table {
		out[i] = rt.pattern
	}
	return out
}

// route serves r through the mux, answering a path it does not know (404)
// or a method the path does not have (405, with Allow) as a problem.
func (a *API) route(w http.ResponseWriter, r *http.Request) {
	h, pattern := a.mux.Handler(r)
	if pattern != "" {
		a.mux.ServeHTTP(w, r)
		return
	}
	c := &capture{header: http.Header{}}
	h.ServeHTTP(c, r)
	if c.code == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", c.header.Get("Allow"))
		a.writeProblem(w, r, errorf(codeMethod, "The path does not take this method; see the Allow header."))
		return
	}
	a.writeProblem(w, r, errorf(string(lifeops.CodeNotFound), "There is no such route; see /openapi.json."))
}

// capture keeps the status and header of a response and drops its body.
type capture struct {
	header http.Header
	code   int
}

func (c *capture) Header() http.Header         { return c.header }
func (c *capture) Write(b []byte) (int, error) { return len(b), nil }
func (c *capture) WriteHeader(code int)        { c.code = code }

// handlerFunc is a handler that returns its error for the problem answer.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle turns f into an http.Handler that answers an error as a problem.
func (a *API) handle(f handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			a.writeProblem(w, r, err)
		}
	})
}

// wrap adds a route's limits and authentication to its handler: a strict
// route takes a token from the client address's bucket first; then the
// caller is authenticated (a refused token also takes one from the
// address's bucket) and, for an authenticated route, limited by its own
// bucket.
func (a *API) wrap(rt route) http.Handler {
	return a.handle(func(w http.ResponseWriter, r *http.Request) error {
		if rt.strict {
			if err := a.limitAddress(r); err != nil {
				return err
			}
		}
		if rt.auth == authNone {
			return rt.h(w, r)
		}
		p, err := a.authenticate(r.Context(), r, rt.auth)
		if err != nil {
			if lerr := a.limitAddress(r); lerr != nil {
				return lerr
			}
			return err
		}
		if sl, ok := r.Context().Value(principalKey{}).(*slot); ok {
			sl.p = p
		}
		if err := permits(p, rt.auth, r.Method); err != nil {
			return err
		}
		if ok, retry := a.callers.allow(p.limitKey()); !ok {
			return &apiError{code: codeRateLimited, msg: "Too many requests from this caller; slow down.", retryAfter: retry}
		}
		r = r.WithContext(context.WithValue(r.Context(), userKey{}, p))
		return rt.h(w, r)
	})
}

// limitAddress takes a token from the client address's strict bucket.
func (a *API) limitAddress(r *http.Request) error {
	if ok, retry := a.authIPs.allow(ipKey(a.clientIP(r))); !ok {
		return &apiError{code: codeRateLimited, msg: "Too many sign-in attempts from this address; wait and try again.", retryAfter: retry}
	}
	return nil
}

// Protect serves h behind the API's request ids, access log, metrics and
// recovery, and its person authentication and per-caller limit, as one of
// the API's own /v1/me routes: a host service can mount routes of its own
// beside the API's. Inside h, [UserOf] gives the person.
func (a *API) Protect(h http.Handler) http.Handler {
	rt := route{auth: authPerson, h: func(w http.ResponseWriter, r *http.Request) error {
		h.ServeHTTP(w, r)
		return nil
	}}
	return a.outer(a.wrap(rt))
}

// UserOf returns the person a request served through the API acts for,
// or the zero UUID.
func UserOf(r *http.Request) uuid.UUID { return userOf(r) }
