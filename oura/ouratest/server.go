package ouratest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"time"
)

// Server is a fake Oura API v2 on an [httptest.Server]. It serves every
// /v2/usercollection route (and the /v2/sandbox/usercollection mirror), the
// webhook subscription routes, and an OAuth2 authorize and token endpoint.
// All methods are safe for concurrent use.
type Server struct {
	// URL is the server's base URL, like http://127.0.0.1:54321, without a
	// trailing slash. Use it as the client's base URL.
	URL string

	cfg  config
	ts   *httptest.Server
	mux  *http.ServeMux
	cols map[string]*collection
	log  *slog.Logger

	mu       sync.Mutex
	fixed    bool      // the clock is stopped at now
	now      time.Time // the stopped clock
	users    map[string]*user
	order    []string // user ids in the order added
	sandbox  *user
	grants   map[string]*grant // by access token
	refresh  map[string]*grant // by current refresh token
	codes    map[string]*authCode
	tokenSeq uint64
	subs     map[string]*subscription
	subOrder []string
	rules    []*rule
	faultRNG rng
	reqSeq   uint64
	limits   map[string]*limitWindow

	// The request log has a lock of its own: handlers write answers while
	// holding mu, and an answer is logged as it is written.
	logMu sync.Mutex
	reqs  []Request
}

// NewServer starts a fake Oura server; Close it when done. It fails only on
// a bad option (an [*OptionError]) or when it cannot listen.
func NewServer(opts ...Option) (*Server, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if o == nil {
			return nil, &OptionError{"NewServer", "nil option"}
		}
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	if len(cfg.users) == 0 {
		cfg.users = []User{{ID: DefaultUserID, Token: DefaultToken}}
	}
	if len(cfg.clients) == 0 {
		cfg.clients[DefaultClientID] = DefaultClientSecret
		cfg.clientOrder = []string{DefaultClientID}
	}
	if cfg.logger == nil {
		cfg.logger = slog.New(slog.DiscardHandler)
	}
	if cfg.webhookClient == nil {
		cfg.webhookClient = &http.Client{Timeout: 10 * time.Second}
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.logger,
		cols:     map[string]*collection{},
		users:    map[string]*user{},
		grants:   map[string]*grant{},
		refresh:  map[string]*grant{},
		codes:    map[string]*authCode{},
		subs:     map[string]*subscription{},
		limits:   map[string]*limitWindow{},
		faultRNG: newRNG(cfg.seed, tagFault),
	}
	if !cfg.fixed.IsZero() {
		s.fixed, s.now = true, cfg.fixed
	}
	for _, c := range collections() {
		s.cols[c.name] = c
	}
	for _, u := range cfg.users {
		v, err := newUser(cfg.seed, u)
		if err != nil {
			return nil, err
		}
		s.users[u.ID] = v
		s.order = append(s.order, u.ID)
		if u.Token != "" {
			s.grants[u.Token] = &grant{userID: u.ID, access: u.Token, scopes: allScopes(), static: true}
		}
	}
	sb, _ := newUser(cfg.seed, User{ID: SandboxUserID, Since: sandboxSince()})
	s.sandbox = sb
	for _, r := range cfg.rules {
		s.rules = append(s.rules, &rule{Rule: r})
	}
	s.mux = s.routes()
	ts := httptest.NewUnstartedServer(s)
	if err := startServer(ts); err != nil {
		return nil, err
	}
	s.ts = ts
	s.URL = ts.URL
	return s, nil
}

// startServer starts ts, turning httptest's panic on a failed listen into an
// error.
func startServer(ts *httptest.Server) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("ouratest: start server: %v", r)
		}
	}()
	ts.Start()
	return nil
}

// Close shuts the server down and waits for requests in flight.
func (s *Server) Close() {
	s.ts.CloseClientConnections()
	s.ts.Close()
}

// Client returns a new HTTP client for the server, with a 30 second timeout.
// Clients share the test server's transport, which Close shuts down; set
// fields of the returned client freely.
func (s *Server) Client() *http.Client {
	c := *s.ts.Client()
	c.Timeout = 30 * time.Second
	return &c
}

// TB is the part of testing.TB that [Start] uses.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Start is NewServer for tests: it fails the test on an error and closes the
// server when the test ends.
func Start(tb TB, opts ...Option) *Server {
	tb.Helper()
	s, err := NewServer(opts...)
	if err != nil {
		tb.Fatalf("ouratest: %v", err)
		return nil
	}
	tb.Cleanup(s.Close)
	return s
}

// Now returns the server's clock.
func (s *Server) Now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nowLocked()
}

func (s *Server) nowLocked() time.Time {
	if s.fixed {
		return s.now
	}
	return time.Now()
}

// SetTime stops the server's clock at t.
func (s *Server) SetTime(t time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fixed, s.now = true, t
}

// Advance moves the server's clock forward by d, stopping it if it was the
// real time.
func (s *Server) Advance(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.now, s.fixed = s.nowLocked().Add(d), true
}

// AddUser adds a user while the server runs.
func (s *Server) AddUser(u User) error {
	if u.ID == "" || u.ID == SandboxUserID {
		return &OptionError{"AddUser", fmt.Sprintf("user ID %q is empty or reserved", u.ID)}
	}
	v, err := newUser(s.cfg.seed, u)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.users[u.ID]; dup {
		return &OptionError{"AddUser", fmt.Sprintf("user %q exists", u.ID)}
	}
	if _, dup := s.grants[u.Token]; u.Token != "" && dup {
		return &OptionError{"AddUser", fmt.Sprintf("token of user %q is in use", u.ID)}
	}
	s.users[u.ID] = v
	s.order = append(s.order, u.ID)
	if u.Token != "" {
		s.grants[u.Token] = &grant{userID: u.ID, access: u.Token, scopes: allScopes(), static: true}
	}
	return nil
}

// ServeHTTP logs the request, applies faults and rate limits, then routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reqSeq++
	seq := s.reqSeq
	now := s.nowLocked()
	fault, faulty := s.faultFor(r.Method, r.URL.Path)
	limited, tier := s.overLimit(r, now)
	s.mu.Unlock()

	entry := Request{
		Time:   now,
		Method: r.Method,
		Path:   r.URL.Path,
		Query:  redactQuery(r.URL.Query()),
		Header: redactHeader(r.Header),
	}
	if faulty {
		entry.Fault = fault.String()
	}
	rec := &statusWriter{ResponseWriter: w, s: s, r: r, entry: entry}
	rec.Header().Set("X-Request-Id", fmt.Sprintf("ouratest-%08d", seq))
	defer rec.record(0) // a request that got no answer

	if faulty && fault.Delay > 0 {
		t := time.NewTimer(fault.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	switch {
	case faulty && fault.Reset:
		rec.record(0)
		resetConnection(rec)
		return
	case faulty && fault.Status != 0:
		s.writeFault(rec, fault, now, tierOf(r))
		return
	case limited:
		s.writeFault(rec, RateLimited(s.limitReset(now)), now, tier)
		return
	case faulty && fault.CutBody:
		buf := &bufferWriter{header: http.Header{}}
		s.mux.ServeHTTP(buf, r.WithContext(context.WithValue(r.Context(), userKeyCtx{}, &rec.userID)))
		cutBody(rec, buf)
		return
	}
	s.mux.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), userKeyCtx{}, &rec.userID)))
}

// userKeyCtx carries a pointer the handlers fill with the user id, for the
// request log.
type userKeyCtx struct{}

func noteUser(r *http.Request, id string) {
	if p, ok := r.Context().Value(userKeyCtx{}).(*string); ok {
		*p = id
	}
}

// statusWriter logs the request when its status is written, before the
// client can read the answer, so the log is complete by the time a client
// call returns.
type statusWriter struct {
	http.ResponseWriter
	s      *Server
	r      *http.Request
	entry  Request
	userID string
	done   bool
}

// record adds the request to the log once, with its status.
func (w *statusWriter) record(status int) {
	if w.done {
		return
	}
	w.done = true
	w.entry.Status = status
	w.entry.UserID = w.userID
	w.s.logMu.Lock()
	w.s.reqs = append(w.s.reqs, w.entry)
	w.s.logMu.Unlock()
	w.s.log.LogAttrs(w.r.Context(), slog.LevelDebug, "ouratest request",
		slog.String("method", w.entry.Method), slog.String("path", w.entry.Path),
		slog.Int("status", status), slog.String("fault", w.entry.Fault))
}

func (w *statusWriter) WriteHeader(code int) {
	w.record(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.record(http.StatusOK)
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// bufferWriter collects a response to cut it short later.
type bufferWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferWriter) Header() http.Header { return b.header }
func (b *bufferWriter) WriteHeader(code int) {
	if b.status == 0 {
		b.status = code
	}
}
func (b *bufferWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// cutBody sends buf's headers with its full Content-Length but only half its
// body, then drops the connection, so the client reads an unexpected EOF.
func cutBody(w http.ResponseWriter, buf *bufferWriter) {
	for k, v := range buf.header {
		w.Header()[k] = v
	}
	body := buf.body.Bytes()
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	if buf.status == 0 {
		buf.status = http.StatusOK
	}
	w.WriteHeader(buf.status)
	_, _ = w.Write(body[:len(body)/2])
	_ = http.NewResponseController(w).Flush()
	panic(http.ErrAbortHandler)
}

// resetConnection closes the client's connection with a TCP reset.
func resetConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// Request is one request the server received, for assertions.
type Request struct {
	Time   time.Time   // the server's clock when it arrived
	Method string      // GET, POST, ...
	Path   string      // the URL path
	Query  url.Values  // the query, with token and code values redacted
	Header http.Header // the headers, with credentials redacted
	Status int         // the status answered; 0 when the connection was dropped
	Fault  string      // the injected fault ("status 429", "reset", "cut body", "delay 1s"), or ""
	UserID string      // the user the bearer token belongs to, if any
}

// Redacted replaces secrets in the request log.
const Redacted = "REDACTED"

func redactHeader(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range []string{"Authorization", "Proxy-Authorization", "Cookie", "X-Client-Secret"} {
		if _, ok := out[k]; ok {
			out[k] = []string{Redacted}
		}
	}
	return out
}

func redactQuery(q url.Values) url.Values {
	for _, k := range []string{"access_token", "refresh_token", "code", "client_secret", "token", "verification_token"} {
		if _, ok := q[k]; ok {
			q[k] = []string{Redacted}
		}
	}
	return q
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.reqs))
	copy(out, s.reqs)
	return out
}

// ResetRequests forgets the requests received so far.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.reqs = nil
}

// ---- rate limit ----

type limitWindow struct {
	start time.Time
	count int
}

// overLimit counts the request against its token's (or client's) window.
// Called with s.mu held.
func (s *Server) overLimit(r *http.Request, now time.Time) (bool, string) {
	if s.cfg.rateLimit == 0 {
		return false, ""
	}
	key, tier := bearer(r), "access_token"
	if key == "" {
		key, tier = r.Header.Get("X-Client-Id"), "application"
	}
	if key == "" {
		return false, ""
	}
	start := now.Truncate(s.cfg.rateWindow)
	w := s.limits[key]
	if w == nil || !w.start.Equal(start) {
		w = &limitWindow{start: start}
		s.limits[key] = w
	}
	w.count++
	return w.count > s.cfg.rateLimit, tier
}

// limitReset is how long until the current rate-limit window ends.
func (s *Server) limitReset(now time.Time) time.Duration {
	return now.Truncate(s.cfg.rateWindow).Add(s.cfg.rateWindow).Sub(now)
}

func tierOf(r *http.Request) string {
	if bearer(r) == "" && r.Header.Get("X-Client-Id") != "" {
		return "application"
	}
	return "access_token"
}

// ---- responses ----

type detailBody struct {
	Detail string `json:"detail"`
}

func detail(msg string) detailBody { return detailBody{Detail: msg} }

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"detail":"Internal Server Error"}`)
	}
	writeRaw(w, status, b)
}

func writeRaw(w http.ResponseWriter, status int, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// writeParamError answers a query the server cannot read: 422 for a bad
// value, 400 for a bad next_token.
func writeParamError(w http.ResponseWriter, err error) {
	var pe *paramError
	if errors.As(err, &pe) {
		writeJSON(w, http.StatusUnprocessableEntity, struct {
			Detail []validationError `json:"detail"`
		}{[]validationError{{Loc: []string{"query", pe.param}, Msg: pe.msg, Type: pe.kind}}})
		return
	}
	writeJSON(w, http.StatusBadRequest, detail(err.Error()))
}
