// Package web is the LifeOps dashboard: the pages a person signs in to,
// served beside the HTTP API by the example server under /app/. Today (the
// Life Score ring, each domain with its contributors, XP, streaks, the
// day's message and a timeline to tick off), trends, achievements, items,
// profile and goals, devices and the Oura connection.
//
// Pages are rendered on the server with html/template; templates, styles
// and one small script are embedded. Every form is a plain POST answered
// with a redirect, so the pages work without JavaScript; with it, the
// script sends the same forms with fetch and swaps the parts of the page
// that changed. Charts are inline SVG computed in Go. Nothing is fetched
// from another origin: the Content-Security-Policy allows only the
// server's own scripts and styles.
//
// A person signs in with a pairing code (which makes a device of the
// browser, listed with their other devices and revoked like them) or a
// personal access token. The session is an HttpOnly, SameSite=Strict
// cookie (Secure when served over TLS) signed by the server, checked on
// every request against the device or token it names; state-changing
// requests from another origin are refused (http.CrossOriginProtection).
//
//	dash, err := web.New(web.Config{Service: svc, API: handler, Secret: key})
//	mux.Handle(web.Prefix, dash)
package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/lifeops/lifeops/examples/server/api"
	"github.com/lifeops/lifeops/lifeops"
)

// Prefix is the path every page of the dashboard lives under.
const Prefix = "/app/"

// DefaultSessionLifetime is how long a sign-in lasts unless Config says
// otherwise (a personal token's own expiry ends it sooner).
const DefaultSessionLifetime = 30 * 24 * time.Hour

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Config wires the dashboard. Service, API and Secret are required.
type Config struct {
	// Service runs every use case. Required.
	Service *lifeops.Service
	// API is the HTTP API the dashboard is served beside: its request ids,
	// access log and metrics wrap every page, its sign-in bucket limits
	// sign-in attempts, and it makes pairing codes and devices. Required.
	API *api.API
	// Secret signs the session cookies: at least 32 random bytes. The
	// dashboard derives a key of its own from it, so the API's signing
	// secret may be given. Required.
	Secret []byte
	// Jobs runs backfills and reports their progress. Nil: no backfill.
	Jobs api.Jobs
	// Oura stores an Oura token a person pastes. Nil: not offered.
	Oura api.Connector
	// Credentials tells whether a person's Oura is connected (store.DB
	// does). Nil: the Oura page does not say.
	Credentials CredentialReader
	// Logger receives errors. Nil discards.
	Logger *slog.Logger
	// Now is the clock of sessions. Nil: time.Now.
	Now func() time.Time
	// SessionLifetime is how long a sign-in lasts. Zero:
	// DefaultSessionLifetime.
	SessionLifetime time.Duration
	// SecureCookies marks cookies Secure even on plain HTTP requests (a
	// proxy terminates TLS in front of the server). Requests that arrive
	// over TLS always get Secure cookies.
	SecureCookies bool
}

// Dashboard is the web dashboard, an http.Handler for the paths under
// Prefix. Create it with [New].
type Dashboard struct {
	cfg     Config
	svc     *lifeops.Service
	log     *slog.Logger
	now     func() time.Time
	key     []byte
	pages   map[string]*template.Template
	static  fs.FS
	assets  map[string]string // file name → content hash, for cache busting
	handler http.Handler
}

// New returns the dashboard for cfg.
func New(cfg Config) (*Dashboard, error) {
	if cfg.Service == nil || cfg.API == nil {
		return nil, errors.New("web: Config.Service and Config.API are required")
	}
	if len(cfg.Secret) < 32 {
		return nil, fmt.Errorf("web: Config.Secret must have at least 32 bytes, got %d", len(cfg.Secret))
	}
	if cfg.SessionLifetime <= 0 {
		cfg.SessionLifetime = DefaultSessionLifetime
	}
	d := &Dashboard{cfg: cfg, svc: cfg.Service, log: cfg.Logger, now: cfg.Now}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	m := hmac.New(sha256.New, cfg.Secret)
	m.Write([]byte("lifeops dashboard sessions v1"))
	d.key = m.Sum(nil)
	var err error
	if d.static, err = fs.Sub(staticFS, "static"); err != nil {
		return nil, err
	}
	if d.assets, err = hashAssets(d.static); err != nil {
		return nil, err
	}
	if d.pages, err = parsePages(d.assets); err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	for _, rt := range d.routes() {
		mux.Handle(rt.pattern, d.serve(rt))
	}
	mux.Handle("/app/", d.plain(func(w http.ResponseWriter, r *http.Request) error {
		return errNotFound
	}))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d.errorPage(w, r, nil, errCrossOrigin)
	}))
	d.handler = cfg.API.Observe(securityHeaders(cop.Handler(mux)))
	return d, nil
}

// ServeHTTP implements http.Handler.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) { d.handler.ServeHTTP(w, r) }

// csp is the dashboard's Content-Security-Policy: its own scripts, styles
// and images only; no inline script, no frames, forms posted to itself.
const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// securityHeaders adds the dashboard's headers to every response.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		next.ServeHTTP(w, r)
	})
}

// route is one row of the dashboard's route table.
type route struct {
	pattern string
	// public routes need no session (the sign-in page, the assets).
	public bool
	// write routes change something: a session of a read-only token may
	// not call them.
	write bool
	h     pageFunc
}

// pageFunc serves one request of a signed-in person (s is nil on a
// public route) and returns its error for the error page.
type pageFunc func(w http.ResponseWriter, r *http.Request, s *session) error

// routes is every page and form of the dashboard.
func (d *Dashboard) routes() []route {
	return []route{
		{pattern: "GET /app/static/{file}", public: true, h: d.asset},
		{pattern: "GET /app/signin", public: true, h: d.signinPage},
		{pattern: "POST /app/signin", public: true, h: d.signin},
		{pattern: "POST /app/signout", h: d.signout},

		{pattern: "GET /app/{$}", h: d.todayPage},
		{pattern: "GET /app/trends", h: d.trendsPage},
		{pattern: "GET /app/achievements", h: d.achievementsPage},

		{pattern: "GET /app/items", h: d.itemsPage},
		{pattern: "GET /app/items/new", write: true, h: d.newItemPage},
		{pattern: "POST /app/items", write: true, h: d.createItem},
		{pattern: "GET /app/items/{id}", write: true, h: d.editItemPage},
		{pattern: "POST /app/items/{id}", write: true, h: d.updateItem},
		{pattern: "GET /app/items/{id}/delete", write: true, h: d.deleteItemPage},
		{pattern: "POST /app/items/{id}/delete", write: true, h: d.deleteItem},

		{pattern: "GET /app/profile", h: d.profilePage},
		{pattern: "POST /app/profile", write: true, h: d.saveProfile},
		{pattern: "POST /app/goals", write: true, h: d.saveGoals},
		{pattern: "POST /app/preferences", h: d.savePreferences},

		{pattern: "GET /app/devices", h: d.devicesPage},
		{pattern: "POST /app/devices/pair", write: true, h: d.pairDevice},
		{pattern: "POST /app/devices/{id}/revoke", write: true, h: d.revoke(false)},
		{pattern: "POST /app/tokens/{id}/revoke", write: true, h: d.revoke(true)},

		{pattern: "GET /app/oura", h: d.ouraPage},
		{pattern: "GET /app/oura/connect", write: true, h: d.ouraConnect},
		{pattern: "POST /app/oura/token", write: true, h: d.ouraToken},
		{pattern: "POST /app/oura/disconnect", write: true, h: d.ouraDisconnect},
		{pattern: "POST /app/oura/sync", write: true, h: d.ouraSync},
		{pattern: "POST /app/oura/backfill", write: true, h: d.ouraBackfill},
		{pattern: "POST /app/items/{id}/complete", write: true, h: d.occurrence(actComplete)},
		{pattern: "POST /app/items/{id}/skip", write: true, h: d.occurrence(actSkip)},
		{pattern: "POST /app/items/{id}/postpone", write: true, h: d.occurrence(actPostpone)},
		{pattern: "POST /app/items/{id}/undo", write: true, h: d.occurrence(actUndo)},
	}
}

// serve wraps a route: the session check (a page without one redirects to
// the sign-in page, a form answers 401), the read-only check, the error
// page.
func (d *Dashboard) serve(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var s *session
		if !rt.public {
			var err error
			s, err = d.session(r)
			if err != nil {
				if errors.Is(err, errNoSession) && r.Method == http.MethodGet {
					d.clearCookie(w, r, sessionCookie)
					http.Redirect(w, r, "/app/signin", http.StatusSeeOther)
					return
				}
				d.errorPage(w, r, nil, err)
				return
			}
			if rt.write && s.readOnly {
				d.errorPage(w, r, s, errReadOnly)
				return
			}
		}
		if err := rt.h(w, r, s); err != nil {
			d.errorPage(w, r, s, err)
		}
	})
}

// plain serves f with the error page and no session.
func (d *Dashboard) plain(f func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := f(w, r); err != nil {
			d.errorPage(w, r, nil, err)
		}
	})
}

// back returns the dashboard path a form asked to return to (the field
// "back"), or def: only paths under Prefix are followed.
func back(r *http.Request, def string) string {
	b := r.PostFormValue("back")
	if strings.HasPrefix(b, Prefix) && !strings.HasPrefix(b, "//") && !strings.ContainsAny(b, "\\\r\n") {
		return b
	}
	return def
}
