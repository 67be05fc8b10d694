package api

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/oauth2"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/oura"
	"github.com/lifeops/lifeops/oura/ourahealth"
	"github.com/lifeops/lifeops/oura/ouratest"
	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/store/pgtest"
	"github.com/lifeops/lifeops/workstats/activitywatch"
	"github.com/lifeops/lifeops/workstats/ical"
	"github.com/lifeops/lifeops/workstats/ical/icaltest"
)

var update = flag.Bool("update", false, "rewrite openapi.json from openapi.yaml")

// The whole run's record: every operation a test exercised, every secret
// the API handed out, and every log line it wrote. TestMain checks them.
var run = struct {
	mu      sync.Mutex
	covered map[string]bool
	secrets []string
	logs    bytes.Buffer
}{covered: map[string]bool{}}

func noteSecret(s ...string) {
	run.mu.Lock()
	defer run.mu.Unlock()
	for _, x := range s {
		if len(x) >= 8 {
			run.secrets = append(run.secrets, x)
		}
	}
}

// logSink is where every API under test logs: the run's buffer.
type logSink struct{}

func (logSink) Write(p []byte) (int, error) {
	run.mu.Lock()
	defer run.mu.Unlock()
	return run.logs.Write(p)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && !testing.Short() {
		code = checkRun()
	}
	os.Exit(code)
}

// checkRun fails the run when an operation of the document was never
// exercised, or when a secret reached the log.
func checkRun() int {
	a := docAPI()
	run.mu.Lock()
	defer run.mu.Unlock()
	code := 0
	for _, p := range a.Patterns() {
		if !run.covered[p] {
			fmt.Fprintf(os.Stderr, "FAIL: operation %s was never exercised by the tests\n", p)
			code = 1
		}
	}
	logs := run.logs.String()
	if run.logs.Len() == 0 {
		fmt.Fprintln(os.Stderr, "FAIL: the API under test logged nothing")
		code = 1
	}
	for _, s := range run.secrets {
		if strings.Contains(logs, s) {
			fmt.Fprintf(os.Stderr, "FAIL: a secret (%.6s…) appears in the log\n", s)
			code = 1
		}
	}
	return code
}

// docAPI is an API only for listing routes.
func docAPI() *API {
	svc, _ := lifeops.New(&lifeops.Config{Store: memstore.New()})
	k, _ := NewKeys(bytes.Repeat([]byte("k"), 32))
	a, err := New(Config{Service: svc, Keys: k})
	if err != nil {
		panic(err)
	}
	return a
}

// testClock is a settable clock for the Service, tokens and limits.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// The instant tests start at: a Tuesday evening in Berlin.
var start = time.Date(2026, 3, 10, 20, 0, 0, 0, time.UTC)

// env is an API served on a real listener over one store.
type env struct {
	t      testing.TB
	api    *API
	svc    *lifeops.Service
	store  lifeops.Store
	clock  *testClock
	srv    *httptest.Server
	ring   *ouratest.Server
	feed   string // a private calendar feed URL, served by icaltest
	admin  string
	client *http.Client
	val    validator.Validator
	// strict, when set, fails the test on a response the document does
	// not describe; fuzzing turns it off.
	strict bool
}

type envOption func(*Config)

// backends are the stores the end-to-end tests run on.
var backends = []struct {
	name string
	open func(t testing.TB) lifeops.Store
}{
	{"memstore", func(testing.TB) lifeops.Store { return memstore.New() }},
	{"sqlite", func(t testing.TB) lifeops.Store { return openStore(t, filepath.Join(t.TempDir(), "lifeops.db")) }},
	{"postgres", func(t testing.TB) lifeops.Store { return openStore(t, pgtest.Schema(t)) }},
}

func openStore(t testing.TB, dsn string) lifeops.Store {
	t.Helper()
	key, err := store.ParseKey("test:" + "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=")
	if err != nil {
		t.Fatal(err)
	}
	ring, err := store.NewKeyring(key)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(context.Background(), dsn, &store.Options{Keys: ring, MaxOpenConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

var (
	docOnce sync.Once
	docVal  validator.Validator
	docErr  error
)

// documentValidator is the validator of the embedded document.
func documentValidator(t testing.TB) validator.Validator {
	t.Helper()
	docOnce.Do(func() {
		doc, err := libopenapi.NewDocument(OpenAPIDocument)
		if err != nil {
			docErr = err
			return
		}
		v, errs := validator.NewValidator(doc)
		if len(errs) > 0 {
			docErr = fmt.Errorf("%v", errs)
			return
		}
		docVal = v
	})
	if docErr != nil {
		t.Fatalf("the OpenAPI document: %v", docErr)
	}
	return docVal
}

func newEnv(t testing.TB, st lifeops.Store, opts ...envOption) *env {
	t.Helper()
	e := &env{t: t, store: st, clock: &testClock{t: start}, admin: "admin-" + uuid.NewString(), strict: true}
	noteSecret(e.admin)
	e.ring = ouratest.Start(t, ouratest.WithTime(start), ouratest.WithUser(ouratest.User{ID: "ring-1", Token: "ring-token-" + uuid.NewString()[:8]}),
		ouratest.WithUser(ouratest.User{ID: "ring-2"}))
	source, err := ourahealth.New(ourahealth.Config{Credentials: st, ClientOptions: []oura.Option{oura.WithBaseURL(e.ring.URL)},
		Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	feeds := icaltest.NewServer()
	t.Cleanup(feeds.Close)
	private := "private-" + uuid.NewString()
	noteSecret(private)
	e.feed = feeds.Publish("/"+private+"/work.ics", icaltest.Workweeks(1, civil.D(2026, 3, 2), 14, "Europe/Berlin"))
	cal, err := ical.NewSource(ical.Config{People: ical.PeopleFrom(st), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	aw, err := activitywatch.NewSource(activitywatch.Config{People: activitywatch.PeopleFrom(st), Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := lifeops.New(&lifeops.Config{Store: st, Health: source, Clock: e.clock, WorkSources: []lifeops.WorkStatsSource{aw, cal}})
	if err != nil {
		t.Fatal(err)
	}
	e.svc = svc
	keys, err := NewKeys([]byte("a test signing key of 32 bytes or more"))
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	oauth := &oura.OAuthConfig{ClientID: ouratest.DefaultClientID, ClientSecret: oura.NewSecret(ouratest.DefaultClientSecret),
		Endpoint: oauthEndpoint(e.ring.URL)}
	cfg := Config{
		Service: svc, Keys: keys, AdminToken: e.admin, Now: e.clock.Now, Registerer: reg,
		Metrics: promhttp.HandlerFor(reg, promhttp.HandlerOpts{}),
		Logger:  slog.New(slog.NewJSONHandler(logSink{}, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Version: map[string]string{"version": "test"},
		Oura:    &Oura{OAuth: oauth, Connector: source, WebhookToken: oura.NewSecret("webhook-verification")},
		Checks: []Check{{Name: "database", Run: func(context.Context) CheckResult { return CheckResult{Status: "ok"} }},
			{Name: "work_stats", Run: func(context.Context) CheckResult { return CheckResult{Status: "not_configured"} }}},
		CallerLimit: Limit{Rate: 1000, Burst: 1000}, AuthLimit: Limit{Rate: 1000, Burst: 1000},
		Data: testPorter{st: st, svc: svc},
	}
	for _, o := range opts {
		o(&cfg)
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.api = a
	e.srv = httptest.NewServer(a)
	t.Cleanup(e.srv.Close)
	oauth.RedirectURL = e.srv.URL + "/oura/callback"
	e.val = documentValidator(t)
	e.client = &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return e
}

// response is what a request got.
type response struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body into v.
func (r response) json(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// problem decodes a problem body.
func (r response) problem(t testing.TB) Problem {
	t.Helper()
	var p Problem
	r.json(t, &p)
	return p
}

// req is one request to send.
type req struct {
	method, path string
	token        string
	body         any // marshalled as JSON; a []byte or string is sent as is
	header       map[string]string
}

// do sends q to the server and checks the exchange against the document.
func (e *env) do(q req) response {
	e.t.Helper()
	var body []byte
	switch b := q.body.(type) {
	case nil:
	case []byte:
		body = b
	case string:
		body = []byte(b)
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			e.t.Fatal(err)
		}
	}
	r, err := http.NewRequest(q.method, e.srv.URL+q.path, bytes.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if q.token != "" {
		r.Header.Set("Authorization", "Bearer "+q.token)
	}
	for k, v := range q.header {
		r.Header.Set(k, v)
	}
	resp, err := e.client.Do(r)
	if err != nil {
		e.t.Fatalf("%s %s: %v", q.method, q.path, err)
	}
	out, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		e.t.Fatal(err)
	}
	got := response{status: resp.StatusCode, header: resp.Header, body: out}
	e.check(q.method, q.path, r.Header, body, got)
	return got
}

// check records the operation and validates the exchange: the response
// always, the request when the server took it.
func (e *env) check(method, path string, h http.Header, body []byte, got response) {
	e.t.Helper()
	probe, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	probe.Header = h.Clone()
	_, pattern := e.api.mux.Handler(probe)
	if pattern != "" && pattern != "/" {
		run.mu.Lock()
		run.covered[pattern] = true
		run.mu.Unlock()
	}
	if got.header.Get("X-Request-ID") == "" {
		e.t.Errorf("%s %s: no X-Request-ID", method, path)
	}
	if got.status >= 500 && e.strict {
		e.t.Errorf("%s %s: status %d: %s", method, path, got.status, got.body)
	}
	if !e.strict || pattern == "" || pattern == "/" {
		return
	}
	vreq, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
	vreq.Header = h.Clone()
	vresp := &http.Response{StatusCode: got.status, Header: got.header.Clone(), Body: io.NopCloser(bytes.NewReader(got.body)), Request: vreq}
	if ok, errs := e.val.ValidateHttpResponse(vreq, vresp); !ok {
		e.t.Errorf("%s %s → %d: the response breaks the document:\n%s\nbody: %.400s", method, path, got.status, describe(errs), got.body)
	}
	if got.status < 400 {
		vreq, _ := http.NewRequest(method, e.srv.URL+path, bytes.NewReader(body))
		vreq.Header = h.Clone()
		if ok, errs := e.val.ValidateHttpRequest(vreq); !ok {
			e.t.Errorf("%s %s: the request breaks the document:\n%s", method, path, describe(errs))
		}
	}
}

func describe(errs []*verrors.ValidationError) string {
	var b strings.Builder
	for _, err := range errs {
		b.WriteString("  " + err.Message + ": " + err.Reason + "\n")
		for _, f := range err.SchemaValidationErrors {
			b.WriteString("    " + f.FieldPath + ": " + f.Reason + "\n")
		}
	}
	return b.String()
}

func oauthEndpoint(base string) oauth2.Endpoint {
	return oauth2.Endpoint{AuthURL: base + "/oauth/authorize", TokenURL: base + "/oauth/token"}
}

// want fails the test unless r has status.
func (e *env) want(r response, status int, what string) response {
	e.t.Helper()
	if r.status != status {
		e.t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, r.body)
	}
	return r
}

// person creates a person and signs a device of theirs in, returning the
// person's id and the device's grant.
func (e *env) person(name string) (uuid.UUID, grantResponse) {
	e.t.Helper()
	var u lifeops.User
	e.want(e.do(req{method: "POST", path: "/v1/users", token: e.admin, body: map[string]any{"name": name, "timezone": "Europe/Berlin"}}),
		201, "create person").json(e.t, &u)
	var g grantResponse
	e.want(e.do(req{method: "POST", path: "/v1/users/" + u.ID.String() + "/devices", token: e.admin, body: map[string]any{"name": name + "'s phone"}}),
		201, "create device").json(e.t, &g)
	noteSecret(g.AccessToken, g.RefreshToken)
	return u.ID, g
}

// testPorter is the porter package's DataPorter, which this package cannot
// import (it imports this one).
type testPorter struct {
	st  lifeops.Store
	svc *lifeops.Service
}

func (p testPorter) Export(ctx context.Context, userID uuid.UUID, w io.Writer) error {
	x, err := store.ExportUser(ctx, p.st, userID, nil)
	if err != nil {
		return err
	}
	return store.WriteExport(w, x)
}

func (p testPorter) Import(ctx context.Context, userID uuid.UUID, r io.Reader) (any, error) {
	x, err := store.ReadExport(r)
	if err != nil {
		return nil, err
	}
	x.Credentials = nil
	var res store.ImportResult
	err = p.st.Update(ctx, userID, func(tx lifeops.Store) error {
		var err error
		res, err = store.ImportUser(ctx, tx, x, &store.ImportOptions{UserID: userID, Replace: true})
		return err
	})
	if err != nil {
		return nil, err
	}
	return map[string]int{"items": res.Items, "events": res.Events, "xp": res.XP}, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
