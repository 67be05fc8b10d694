package oura_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/time/rate"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura"
	"github.com/lifeops/lifeops/oura/ouratest"
)

// now is the fake server's clock in every example, so the data is the same
// on every run.
var now = time.Date(2024, 3, 20, 12, 0, 0, 0, time.UTC)

// newFake starts a fake Oura with one user in New York and returns it with
// a client for that user.
func newFake(opts ...ouratest.Option) (*ouratest.Server, *oura.Client) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		log.Fatal(err)
	}
	srv, err := ouratest.NewServer(append([]ouratest.Option{
		ouratest.WithTime(now),
		ouratest.WithUser(ouratest.User{ID: "user-1", Token: "token-1", Location: ny}),
	}, opts...)...)
	if err != nil {
		log.Fatal(err)
	}
	c, err := oura.NewClient(
		oura.WithBaseURL(srv.URL),
		oura.WithHTTPClient(srv.Client()),
		oura.WithTokenSource(oura.StaticToken("token-1")),
		oura.WithAppCredentials(ouratest.DefaultClientID, ouratest.DefaultClientSecret),
	)
	if err != nil {
		log.Fatal(err)
	}
	return srv, c
}

func ExampleNewClient() {
	srv, err := ouratest.NewServer(ouratest.WithTime(now))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	c, err := oura.NewClient(
		oura.WithBaseURL(srv.URL), // leave out for https://api.ouraring.com
		oura.WithHTTPClient(srv.Client()),
		oura.WithTokenSource(oura.StaticToken(ouratest.DefaultToken)),
		oura.WithUserAgent("my-app/1.0"),
		oura.WithRetryPolicy(oura.RetryPolicy{MaxAttempts: 5, MaxElapsed: time.Minute}),
	)
	if err != nil {
		log.Fatal(err)
	}
	info, _, err := c.PersonalInfo.Get(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.ID)
	// Output:
	// ouratest-user
}

func ExampleDocumentService_List() {
	srv, c := newFake()
	defer srv.Close()

	// Exactly the days 10 to 12 March, both included, whatever Oura does
	// with end_date.
	page, _, err := c.DailySleep.List(context.Background(), &oura.ListOptions{
		StartDate: civil.D(2024, 3, 10),
		EndDate:   civil.D(2024, 3, 12),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range page.Data {
		fmt.Println(d.Day, *d.Score)
	}
	fmt.Println("next page:", page.NextToken != "")
	// Output:
	// 2024-03-10 86
	// 2024-03-11 92
	// 2024-03-12 86
	// next page: false
}

func ExampleDocumentService_All() {
	srv, c := newFake()
	defer srv.Close()

	// The main sleep of each day gives bedtime and wake time; naps and
	// deleted periods are other documents of the same day.
	opts := &oura.ListOptions{StartDate: civil.D(2024, 3, 9), EndDate: civil.D(2024, 3, 11)}
	for s, err := range c.Sleep.All(context.Background(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		if s.SleepType() == oura.SleepTypeLongSleep {
			fmt.Println(s.Day, "bed", s.BedtimeStart.Format("15:04 -07:00"), "woke", s.BedtimeEnd.Format("15:04 -07:00"))
		} else {
			fmt.Println(s.Day, s.SleepType())
		}
	}
	// Output:
	// 2024-03-09 bed 23:21 -05:00 woke 08:54 -05:00
	// 2024-03-09 rest
	// 2024-03-09 deleted
	// 2024-03-10 bed 23:29 -05:00 woke 07:47 -04:00
	// 2024-03-11 bed 23:11 -04:00 woke 07:51 -04:00
}

func ExampleDocumentService_Pages() {
	srv, c := newFake(ouratest.WithPageSize(7))
	defer srv.Close()

	opts := &oura.ListOptions{StartDate: civil.D(2024, 2, 1), EndDate: civil.D(2024, 2, 29)}
	for page, err := range c.DailyActivity.Pages(context.Background(), opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(len(page.Data), "documents from", page.Data[0].Day)
	}
	// Output:
	// 6 documents from 2024-02-01
	// 7 documents from 2024-02-07
	// 7 documents from 2024-02-14
	// 7 documents from 2024-02-21
	// 2 documents from 2024-02-28
}

func ExampleDocumentService_Get() {
	srv, c := newFake()
	defer srv.Close()
	ctx := context.Background()

	page, _, err := c.Workout.List(ctx, &oura.ListOptions{StartDate: civil.D(2024, 3, 1), EndDate: civil.D(2024, 3, 7)})
	if err != nil {
		log.Fatal(err)
	}
	w, _, err := c.Workout.Get(ctx, page.Data[0].ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(w.Day, w.Activity, w.Intensity)
	// The raw JSON is kept for storage.
	fmt.Println(strings.HasPrefix(string(w.Raw), "{"))

	_, _, err = c.Workout.Get(ctx, "no-such-document")
	fmt.Println(errors.Is(err, oura.ErrNotFound))
	// Output:
	// 2024-03-01 walking moderate
	// true
	// true
}

func ExampleTimeSeriesService_All() {
	srv, c := newFake()
	defer srv.Close()

	// Heart rate takes instants and comes back in UTC.
	ny, _ := time.LoadLocation("America/New_York")
	start := time.Date(2024, 3, 10, 0, 0, 0, 0, ny)
	n, sleeping := 0, 0
	var first oura.HeartRate
	for hr, err := range c.HeartRate.All(context.Background(), &oura.TimeSeriesOptions{Start: start, End: start.AddDate(0, 0, 1)}) {
		if err != nil {
			log.Fatal(err)
		}
		if n == 0 {
			first = hr
		}
		n++
		if hr.Source == oura.HeartRateSourceSleep {
			sleeping++
		}
	}
	fmt.Println(n, "samples,", sleeping, "asleep; first at", first.Timestamp.Format(time.RFC3339))
	// Output:
	// 253 samples, 89 asleep; first at 2024-03-10T05:00:11Z
}

func ExampleTimeSeriesService_Pages() {
	srv, c := newFake(ouratest.WithSamplePageSize(5000))
	defer srv.Close()

	// 45 days are fetched in windows of at most 30 days, one page at a time.
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	pages, samples := 0, 0
	for page, err := range c.HeartRate.Pages(context.Background(), &oura.TimeSeriesOptions{Start: start, End: start.AddDate(0, 0, 45)}) {
		if err != nil {
			log.Fatal(err)
		}
		pages++
		samples += len(page.Data)
	}
	fmt.Println(pages, "pages,", samples, "samples")
	var windows []string
	for _, r := range srv.Requests() {
		if r.Query.Get("next_token") == "" {
			windows = append(windows, r.Query.Get("start_datetime")[:10]+".."+r.Query.Get("end_datetime")[:10])
		}
	}
	fmt.Println(windows)
	// Output:
	// 3 pages, 12209 samples
	// [2024-01-01..2024-01-31 2024-01-31..2024-02-15]
}

func ExampleTimeSeriesService_List() {
	srv, c := newFake()
	defer srv.Close()

	page, _, err := c.RingBatteryLevel.List(context.Background(), &oura.TimeSeriesOptions{
		Start: time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC),
		End:   time.Date(2024, 3, 10, 13, 0, 0, 0, time.UTC),
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, b := range page.Data {
		fmt.Println(b.Timestamp.Format("15:04"), b.Level)
	}
	// Output:
	// 12:14 23
	// 12:29 23
	// 12:44 22
	// 12:59 22
}

func ExamplePersonalInfoService_Get() {
	srv, c := newFake()
	defer srv.Close()

	info, _, err := c.PersonalInfo.Get(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.ID, info.Email == nil)
	// Output:
	// user-1 true
}

func ExampleAPIError() {
	srv, err := ouratest.NewServer(ouratest.WithTime(now), ouratest.WithUser(ouratest.User{ID: "lapsed", Token: "t", Lapsed: true}))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	c, _ := oura.NewClient(oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client()), oura.WithTokenSource(oura.StaticToken("t")))

	_, _, err = c.DailySleep.List(context.Background(), nil)
	var ae *oura.APIError
	if errors.As(err, &ae) {
		fmt.Println(ae.StatusCode, errors.Is(err, oura.ErrForbidden))
	}
	// Output:
	// 403 true
}

func ExampleWithRetryPolicy() {
	srv, c := newFake()
	defer srv.Close()
	// Oura is busy: two 503s, then a 429 asking to wait a second.
	err := srv.Inject(
		ouratest.Rule{Path: "/v2/usercollection/daily_readiness", Times: 2, Fault: ouratest.ServerError(503)},
		ouratest.Rule{Path: "/v2/usercollection/daily_readiness", Times: 1, Fault: ouratest.RateLimited(time.Second)},
	)
	if err != nil {
		log.Fatal(err)
	}
	c, err = oura.NewClient(oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client()), oura.WithTokenSource(oura.StaticToken("token-1")),
		oura.WithRetryPolicy(oura.RetryPolicy{MaxAttempts: 4, BaseDelay: 10 * time.Millisecond, MaxElapsed: 30 * time.Second}))
	if err != nil {
		log.Fatal(err)
	}
	page, resp, err := c.DailyReadiness.List(context.Background(), &oura.ListOptions{StartDate: civil.D(2024, 3, 10), EndDate: civil.D(2024, 3, 10)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Data), "document after", resp.Attempts, "attempts")
	var statuses []int
	for _, r := range srv.Requests() {
		statuses = append(statuses, r.Status)
	}
	fmt.Println("statuses:", statuses)
	// Output:
	// 1 document after 4 attempts
	// statuses: [503 503 429 200]
}

func ExampleWithRateLimiter() {
	// Oura limits each application as a whole: give every user's client the
	// same limiter and circuit breaker.
	limiter := oura.NewRateLimiter()
	breaker := oura.NewCircuitBreaker(oura.DefaultBreakerThreshold, oura.DefaultBreakerCooldown)
	var clients []*oura.Client
	for _, token := range []string{"token-of-ann", "token-of-bob"} {
		c, err := oura.NewClient(oura.WithTokenSource(oura.StaticToken(token)), oura.WithRateLimiter(limiter), oura.WithCircuitBreaker(breaker))
		if err != nil {
			log.Fatal(err)
		}
		clients = append(clients, c)
	}
	fmt.Println(len(clients), limiter.Limit() < rate.Limit(5000.0/300), breaker.State())
	// Output:
	// 2 true closed
}

func ExampleOAuthConfig() {
	srv, err := ouratest.NewServer(ouratest.WithTime(now))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()

	conf := &oura.OAuthConfig{
		ClientID:     ouratest.DefaultClientID,
		ClientSecret: oura.NewSecret(ouratest.DefaultClientSecret),
		RedirectURL:  "https://app.example/oura/callback",
		Scopes:       []oura.Scope{oura.ScopeDaily, oura.ScopeHeartRate, oura.ScopeSpO2},
		// Oura's URLs by default; here the fake's.
		Endpoint:   oauth2.Endpoint{AuthURL: srv.URL + "/oauth/authorize", TokenURL: srv.URL + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams},
		HTTPClient: srv.Client(),
	}

	// 1. Send the user to the consent page with a fresh state.
	state, _ := oura.NewState()
	consent := conf.AuthCodeURL(state)
	fmt.Println(strings.Contains(consent, "scope=daily+heartrate+spo2"))

	// 2. Oura redirects back with the state and a code.
	code, _ := srv.AuthorizationCode(ouratest.DefaultUserID)
	if err := oura.CheckState(state, state); err != nil {
		log.Fatal(err)
	}
	tok, err := conf.Exchange(ctx, code)
	if err != nil {
		log.Fatal(err)
	}

	// 3. Use a refreshing token source; store every rotated refresh token.
	ts := conf.TokenSource(tok, func(ctx context.Context, t *oauth2.Token) error {
		fmt.Println("persist new refresh token:", t.RefreshToken != tok.RefreshToken)
		return nil
	})
	c, err := oura.NewClient(oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client()), oura.WithTokenSource(ts))
	if err != nil {
		log.Fatal(err)
	}
	srv.Advance(25 * time.Hour) // the access token expires
	info, _, err := c.PersonalInfo.Get(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(info.ID, ts.Refreshes())
	// Output:
	// true
	// persist new refresh token: true
	// ouratest-user 1
}

// Two processes share one user's token through a database. When the token
// expires in both at once, both refresh with the same refresh token; Oura
// rotates it for one and refuses the other, which then reads the token the
// first stored instead of failing.
func ExampleWithReload() {
	srv, err := ouratest.NewServer(ouratest.WithTime(now))
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()
	conf := &oura.OAuthConfig{ClientID: ouratest.DefaultClientID, ClientSecret: oura.NewSecret(ouratest.DefaultClientSecret), HTTPClient: srv.Client(), Now: srv.Now,
		Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/oauth/authorize", TokenURL: srv.URL + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams}}
	issued, err := srv.IssueToken(ouratest.DefaultUserID)
	if err != nil {
		log.Fatal(err)
	}

	// The shared storage: a database row in real life.
	var mu sync.Mutex
	stored := &oauth2.Token{AccessToken: issued.AccessToken, RefreshToken: issued.RefreshToken, Expiry: issued.Expiry}
	persist := func(_ context.Context, t *oauth2.Token) error {
		mu.Lock()
		defer mu.Unlock()
		stored = t
		return nil
	}
	load := func(context.Context) (*oauth2.Token, error) {
		mu.Lock()
		defer mu.Unlock()
		return stored, nil
	}

	// Each process builds its source from what it read.
	first := conf.TokenSource(stored, persist, oura.WithReload(load, 0))
	second := conf.TokenSource(stored, persist, oura.WithReload(load, 0))
	srv.Advance(25 * time.Hour) // the access token expires for both

	a, err := first.Token(ctx) // refreshes and stores the rotated token
	if err != nil {
		log.Fatal(err)
	}
	b, err := second.Token(ctx) // refused as invalid_grant; adopts the stored token
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(a.AccessToken == b.AccessToken, first.Refreshes(), second.Refreshes())
	// Output:
	// true 1 0
}

func ExampleWebhookService_Create() {
	srv, c := newFake()
	defer srv.Close()
	ctx := context.Background()

	// The callback URL serves the webhook handler.
	events := make(chan *oura.WebhookEvent, 1)
	h, err := oura.NewWebhookHandler(oura.WebhookConfig{
		ClientSecret:      oura.NewSecret(ouratest.DefaultClientSecret),
		VerificationToken: oura.NewSecret("verify-me"),
		Now:               srv.Now,
		OnEvent: func(ctx context.Context, e *oura.WebhookEvent) error {
			events <- e // hand off; fetch the document elsewhere
			return nil
		},
	})
	if err != nil {
		log.Fatal(err)
	}
	callback := httptest.NewServer(h)
	defer callback.Close()

	sub, _, err := c.Webhooks.Create(ctx, &oura.CreateWebhookRequest{
		CallbackURL:       callback.URL,
		VerificationToken: oura.NewSecret("verify-me"),
		EventType:         oura.EventTypeUpdate,
		DataType:          oura.DataTypeSleep,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sub.EventType, sub.DataType, sub.ExpirationTime.Sub(srv.Now()))

	if _, err := srv.Notify(ctx, ouratest.Event{EventType: "update", DataType: "sleep", ObjectID: "doc-1", UserID: "user-1"}); err != nil {
		log.Fatal(err)
	}
	e := <-events
	fmt.Println(e.EventType, e.DataType, e.ObjectID, e.UserID)
	// Output:
	// update sleep 2160h0m0s
	// update sleep doc-1 user-1
}

func ExampleWebhookService_RenewExpiring() {
	srv, c := newFake(ouratest.WithoutWebhookVerification(), ouratest.WithSubscriptionLifetime(10*24*time.Hour))
	defer srv.Close()
	ctx := context.Background()

	for _, dt := range []oura.DataType{oura.DataTypeSleep, oura.DataTypeDailyReadiness} {
		if _, _, err := c.Webhooks.Create(ctx, &oura.CreateWebhookRequest{CallbackURL: "https://app.example/hook", VerificationToken: oura.NewSecret("v"), EventType: oura.EventTypeCreate, DataType: dt}); err != nil {
			log.Fatal(err)
		}
	}
	srv.Advance(5 * 24 * time.Hour)
	c2, _ := oura.NewClient(oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client()), oura.WithAppCredentials(ouratest.DefaultClientID, ouratest.DefaultClientSecret))
	renewed, err := c2.Webhooks.RenewExpiring(ctx, 7*24*time.Hour)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(renewed), "renewed")
	// Output:
	// 2 renewed
}

func ExampleNewWebhookHandler() {
	h, err := oura.NewWebhookHandler(oura.WebhookConfig{
		ClientSecret:      oura.NewSecret("client-secret"),
		VerificationToken: oura.NewSecret("verify-me"),
		OnEvent:           func(ctx context.Context, e *oura.WebhookEvent) error { return nil },
	})
	if err != nil {
		log.Fatal(err)
	}
	// Oura's verification challenge.
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/oura/webhook?verification_token=verify-me&challenge=abc", nil))
	fmt.Print(w.Code, " ", w.Body.String())
	// A delivery without a valid signature.
	w = httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("POST", "/oura/webhook", strings.NewReader(`{"event_type":"create"}`)))
	fmt.Println(w.Code)
	// Output:
	// 200 {"challenge":"abc"}
	// 401
}

func ExampleSignatureHeader() {
	fmt.Println(oura.SignatureHeader(oura.NewSecret("key"), "1700000000", []byte("{}")))
	// Output:
	// 8BF94835BBBCEF46F74A1250C47850EDE3FA88090E59F1B0BC6AF31209A97CA9
}

func ExampleNewState() {
	state, err := oura.NewState()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(state), oura.CheckState(state, state) == nil, errors.Is(oura.CheckState("forged", state), oura.ErrStateMismatch))
	// Output:
	// 43 true true
}

func ExampleMissingScopes() {
	tok := (&oauth2.Token{AccessToken: "a"}).WithExtra(map[string]any{"scope": "extapi:daily extapi:spo2Daily personal"})
	fmt.Println(oura.GrantedScopes(tok))
	fmt.Println(oura.MissingScopes(tok, oura.ScopeDaily, oura.ScopeSpO2, oura.ScopeHeartRate, oura.ScopeStress))
	fmt.Println(oura.NormalizeScope("extapi:heart_health"))
	// Output:
	// [daily spo2 personal]
	// [heartrate stress]
	// heart_health
}

func ExampleSecret() {
	s := oura.NewSecret("hunter2")
	fmt.Printf("%v %s %q %x %d %#v\n", s, s, s, s, s, s)
	// Inside a value of your own, even in an unexported field that fmt
	// prints by reflection, the value does not show.
	type settings struct {
		name  string
		token oura.Secret
	}
	fmt.Println(strings.Contains(fmt.Sprintf("%+v %#v", settings{name: "ann", token: s}, settings{token: s}), "hunter2"))
	fmt.Println(len(s.Reveal()), s.Equal(oura.NewSecret("hunter2")))
	// Output:
	// [REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED] [REDACTED]
	// false
	// 7 true
}

func ExampleParseLocalDateTime() {
	t, err := oura.ParseLocalDateTime("2024-03-10T02:30:00")
	if err != nil {
		log.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	// 02:30 does not exist in New York that night (DST); time.Date moves it.
	fmt.Println(t, t.In(ny).Format(time.RFC3339))
	// Output:
	// 2024-03-10T02:30:00 2024-03-10T03:30:00-04:00
}

func ExampleCheckResponse() {
	rec := httptest.NewRecorder()
	rec.Header().Set("Retry-After", "30")
	rec.Header().Set("X-RateLimit-Tier", "application")
	rec.WriteHeader(429)
	err := oura.CheckResponse(rec.Result(), []byte(`{"detail":"Too many requests"}`))
	var rl *oura.RateLimitError
	fmt.Println(errors.As(err, &rl), rl.RetryAfter, rl.Tier, errors.Is(err, oura.ErrRateLimited))
	// Output:
	// true 30s application true
}

func ExampleNewCircuitBreaker() {
	b := oura.NewCircuitBreaker(3, 30*time.Second)
	c, err := oura.NewClient(oura.WithCircuitBreaker(b), oura.WithTokenSource(oura.StaticToken("t")))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c != nil, b.State())
	// Output:
	// true closed
}

func ExampleDefaultEndpoint() {
	ep := oura.DefaultEndpoint()
	fmt.Println(ep.AuthURL)
	fmt.Println(ep.TokenURL)
	// Apps of the newer developer portal may need another token URL.
	ep.TokenURL = "https://example.com/oauth/token"
	conf := &oura.OAuthConfig{ClientID: "id", ClientSecret: oura.NewSecret("secret"), Endpoint: ep, Scopes: oura.AllScopes()}
	fmt.Println(conf)
	// Output:
	// https://cloud.ouraring.com/oauth/authorize
	// https://api.ouraring.com/oauth/token
	// oura.OAuthConfig{ClientID: "id", ClientSecret: [REDACTED], RedirectURL: "", Scopes: [email personal daily heartrate workout tag session spo2 heart_health stress ring_configuration]}
}
