package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"github.com/lifeops/lifeops/examples/server/api"
	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/oura"
	"github.com/lifeops/lifeops/oura/ourahealth"
	"github.com/lifeops/lifeops/oura/ouratest"
	"github.com/lifeops/lifeops/timeline"
)

// testClock is a settable clock shared by the Service, the API and the
// dashboard.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// The fixture's person lives in Berlin; the pages are rendered at 10:30
// on Tuesday 10 March 2026, after 30 days of ring data and routines.
var (
	berlin, _ = time.LoadLocation("Europe/Berlin")
	fixedNow  = time.Date(2026, 3, 10, 10, 30, 0, 0, berlin)
	fixedDay  = civil.D(2026, 3, 10)
)

const historyDays = 30

// fixture is a person with a history, the API and the dashboard served on
// one test server, as the example server mounts them.
type fixture struct {
	t     testing.TB
	clock *testClock
	store lifeops.Store
	svc   *lifeops.Service
	api   *api.API
	dash  *Dashboard
	srv   *httptest.Server
	user  lifeops.User
	items []lifeops.Item
	token string // a personal access token with the write scope
	jobs  *fakeJobs
}

// fakeJobs is a Jobs whose backfill the test moves along.
type fakeJobs struct {
	mu sync.Mutex
	st map[uuid.UUID]*api.BackfillStatus
}

func (j *fakeJobs) Backfill(_ context.Context, user uuid.UUID, from civil.Date) (api.BackfillStatus, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if !from.Before(fixedDay) {
		return api.BackfillStatus{}, &lifeops.ValidationError{Field: "start_date", Reason: "must be before today"}
	}
	st := &api.BackfillStatus{From: from, To: fixedDay, ChunksTotal: (fixedDay.Sub(from) + 90) / 90, Running: true}
	if j.st == nil {
		j.st = map[uuid.UUID]*api.BackfillStatus{}
	}
	j.st[user] = st
	return *st, nil
}

func (j *fakeJobs) Backfills(user uuid.UUID) *api.BackfillStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	if st := j.st[user]; st != nil {
		c := *st
		return &c
	}
	return nil
}

func (j *fakeJobs) SyncSoon(uuid.UUID) {}

// advance moves the person's backfill on by a chunk; the last one ends it.
func (j *fakeJobs) advance(user uuid.UUID) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if st := j.st[user]; st != nil && st.Running {
		st.ChunksDone++
		st.Running = st.ChunksDone < st.ChunksTotal
	}
}

// fixtureItems are the person's timeline.
func fixtureItems() []lifeops.Item {
	daily := timeline.Schedule{Type: timeline.ScheduleDaily}
	at := func(h, m int) timeline.Anchor {
		return timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: h, Minute: m}}
	}
	item := func(title string, kind timeline.Kind, s timeline.Schedule, a timeline.Anchor, offset, minutes int, d lifeops.Difficulty) lifeops.Item {
		return lifeops.Item{Item: timeline.Item{Title: title, Kind: kind, Schedule: s, Anchor: a,
			OffsetMinutes: offset, DurationMinutes: minutes}, Difficulty: d}
	}
	return []lifeops.Item{
		item("Stretch", timeline.KindRoutine, daily, timeline.Anchor{Type: timeline.AnchorWake}, 15, 10, lifeops.DifficultyEasy),
		item("Deep work", timeline.KindTask, timeline.Schedule{Type: timeline.ScheduleWeekdays}, at(9, 0), 0, 120, lifeops.DifficultyHard),
		item("Walk outside", timeline.KindHabit, daily, at(12, 30), 0, 30, lifeops.DifficultyMedium),
		item("Call home", timeline.KindTask, daily, at(13, 0), 0, 15, lifeops.DifficultyEasy),
		item("Read", timeline.KindHabit, daily, timeline.Anchor{Type: timeline.AnchorBedtime}, -45, 20, lifeops.DifficultyEasy),
		item("Vitamin D", timeline.KindMedication, timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: civil.D(2026, 1, 1),
			RRule: "FREQ=WEEKLY;BYDAY=MO,WE,FR,SA,SU,TU"}, at(8, 0), 0, 0, lifeops.DifficultyTrivial),
	}
}

// newFixture builds the person: created 30 days before fixedNow, ring
// data synced, most routines done on most days, the past days settled;
// the clock then stands at fixedNow.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, clock: &testClock{t: fixedNow.AddDate(0, 0, -historyDays)}, store: memstore.New()}
	ring := ouratest.Start(t, ouratest.WithSeed(7), ouratest.WithTime(fixedNow),
		ouratest.WithUser(ouratest.User{ID: "ring", Token: "ring-token", Location: berlin, Since: fixedDay.AddDays(-historyDays - 30)}))
	source, err := ourahealth.New(ourahealth.Config{Credentials: f.store, ClientOptions: []oura.Option{oura.WithBaseURL(ring.URL)}, Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if f.svc, err = lifeops.New(&lifeops.Config{Store: f.store, Health: source, Clock: f.clock}); err != nil {
		t.Fatal(err)
	}
	if f.user, err = f.svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	for i, it := range fixtureItems() {
		it.ID = uuid.NewSHA1(uuid.NameSpaceOID, []byte{'w', byte(i)})
		created, err := f.svc.CreateItem(ctx, f.user.ID, it)
		if err != nil {
			t.Fatalf("create %s: %v", it.Title, err)
		}
		f.items = append(f.items, created)
	}
	if _, err := source.Connect(ctx, f.user.ID, &oauth2.Token{AccessToken: "ring-token", TokenType: "Bearer"}); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(fixedNow)
	if _, err := f.svc.Sync(ctx, f.user.ID, lifeops.SyncRequest{From: fixedDay.AddDays(-historyDays), To: fixedDay}); err != nil {
		t.Fatal(err)
	}
	for d := fixedDay.AddDays(-historyDays + 1); d.Before(fixedDay); d = d.AddDays(1) {
		f.clock.Set(time.Date(d.Year, d.Month, d.Day, 22, 30, 0, 0, berlin))
		for i, it := range f.items {
			if !it.DueOn(d, berlin) {
				continue
			}
			switch roll := (d.Days()*7 + i*13) % 10; {
			case roll < 7:
				_, err = f.svc.Complete(ctx, f.user.ID, it.ID, d, 0)
			case roll == 7:
				_, err = f.svc.Skip(ctx, f.user.ID, it.ID, d, 0, "busy")
			default:
				continue
			}
			if err != nil && !errors.Is(err, lifeops.ErrInvalid) {
				t.Fatalf("history %s %s: %v", d, it.Title, err)
			}
		}
	}
	f.clock.Set(fixedNow)
	if _, err := f.svc.Settle(ctx, f.user.ID); err != nil {
		t.Fatal(err)
	}
	// This morning: the vitamin taken.
	f.clock.Set(fixedNow.Add(-2 * time.Hour))
	if _, err := f.svc.Complete(ctx, f.user.ID, f.item("Vitamin D").ID, fixedDay, 0); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(fixedNow)

	f.token = "lo_pat_fixture-token-of-ada-0123456789"
	h := sha256.Sum256([]byte(f.token))
	if _, err := f.svc.CreatePersonalToken(ctx, f.user.ID, lifeops.NewPersonalToken{Name: "fixture", Scope: lifeops.ScopeWrite,
		ExpiresInDays: 30, Hash: h[:]}); err != nil {
		t.Fatal(err)
	}
	keys, err := api.NewKeys([]byte("a test signing key of 32 bytes or more"))
	if err != nil {
		t.Fatal(err)
	}
	f.api, err = api.New(api.Config{Service: f.svc, Keys: keys, Now: f.clock.Now,
		CallerLimit: api.Limit{Rate: 1000, Burst: 1000}, AuthLimit: api.Limit{Rate: 1000, Burst: 1000}})
	if err != nil {
		t.Fatal(err)
	}
	f.jobs = &fakeJobs{}
	f.dash, err = New(Config{Service: f.svc, API: f.api, Secret: []byte("a test session secret of 32 bytes or more"), Now: f.clock.Now,
		Jobs: f.jobs, Oura: source, Credentials: f.store.(CredentialReader)})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/", f.api)
	mux.Handle(Prefix, f.dash)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	return f
}

// client is a browser-like HTTP client with its own cookies, following
// no redirects.
type client struct {
	f   *fixture
	jar http.CookieJar
	hc  *http.Client
}

func (f *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{f: f, jar: jar, hc: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is a response.
type page struct {
	status int
	header http.Header
	body   string
}

func (c *client) do(method, path string, form url.Values, header map[string]string) page {
	c.f.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r, err := http.NewRequest(method, c.f.srv.URL+path, body)
	if err != nil {
		c.f.t.Fatal(err)
	}
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	// What a browser sends with a form of the page itself.
	if method != http.MethodGet {
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		r.Header.Set("Origin", c.f.srv.URL)
	}
	for k, v := range header {
		r.Header.Set(k, v)
	}
	resp, err := c.hc.Do(r)
	if err != nil {
		c.f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var buf bytes.Buffer
	_, _ = io.Copy(&buf, resp.Body)
	return page{status: resp.StatusCode, header: resp.Header, body: buf.String()}
}

func (c *client) get(path string) page { return c.do(http.MethodGet, path, nil, nil) }

func (c *client) post(path string, form url.Values) page {
	return c.do(http.MethodPost, path, form, nil)
}

// signIn signs c in with secret and fails the test unless it worked.
func (c *client) signIn(secret string) {
	c.f.t.Helper()
	p := c.post("/app/signin", url.Values{"secret": {secret}})
	if p.status != http.StatusSeeOther || p.header.Get("Location") != Prefix {
		c.f.t.Fatalf("sign in: %d %s\n%.600s", p.status, p.header.Get("Location"), p.body)
	}
}

// pairingCode makes a pairing code for the person through the API, as the
// person's app would.
func (f *fixture) pairingCode() string {
	f.t.Helper()
	code, _, err := f.api.NewPairingCode(context.Background(), f.user.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return code
}

// apiWithLimit is an API over the fixture's person that allows three
// sign-in attempts per address and then one a minute.
func apiWithLimit(f *fixture) (*api.API, error) {
	keys, err := api.NewKeys([]byte("a test signing key of 32 bytes or more"))
	if err != nil {
		return nil, err
	}
	return api.New(api.Config{Service: f.svc, Keys: keys, Now: f.clock.Now,
		AuthLimit: api.Limit{Rate: rate.Every(time.Minute), Burst: 3}})
}

// item returns the fixture's item with title.
func (f *fixture) item(title string) lifeops.Item {
	f.t.Helper()
	for _, it := range f.items {
		if it.Title == title {
			return it
		}
	}
	f.t.Fatalf("no item %q", title)
	return lifeops.Item{}
}

// readOnlyClient is a client signed in with a read-scoped token that
// expires in a day.
func (f *fixture) readOnlyClient() *client {
	f.t.Helper()
	tok := "lo_pat_read-only-token-of-ada-000000"
	h := sha256.Sum256([]byte(tok))
	if _, err := f.svc.CreatePersonalToken(context.Background(), f.user.ID, lifeops.NewPersonalToken{
		Name: "reader", Scope: lifeops.ScopeRead, ExpiresInDays: 1, Hash: h[:]}); err != nil {
		f.t.Fatal(err)
	}
	c := f.client()
	c.signIn(tok)
	return c
}
