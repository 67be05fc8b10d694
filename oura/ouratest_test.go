package oura_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura"
	"github.com/lifeops/lifeops/oura/ouratest"
)

// fakeClient starts a fake Oura for one user in loc and returns a client.
func fakeClient(t *testing.T, loc *time.Location, opts ...ouratest.Option) (*ouratest.Server, *oura.Client) {
	t.Helper()
	srv := ouratest.Start(t, append([]ouratest.Option{
		ouratest.WithTime(time.Date(2024, 4, 20, 12, 0, 0, 0, time.UTC)),
		ouratest.WithUser(ouratest.User{ID: "u1", Token: "tok", Location: loc}),
		ouratest.WithPageSize(5),
	}, opts...)...)
	c, err := oura.NewClient(oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client()), oura.WithTokenSource(oura.StaticToken("tok")),
		oura.WithRetryPolicy(oura.RetryPolicy{MaxAttempts: 8, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}),
		oura.WithCircuitBreaker(nil))
	if err != nil {
		t.Fatal(err)
	}
	return srv, c
}

// dayIDs walks one collection over [from, to] and returns its documents'
// "day id" strings, sorted.
func dayIDs[T any](t *testing.T, svc *oura.DocumentService[T], from, to civil.Date, key func(*T) string) []string {
	t.Helper()
	var out []string
	for d, err := range svc.All(t.Context(), &oura.ListOptions{StartDate: from, EndDate: to}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, key(&d))
	}
	slices.Sort(out)
	return out
}

// collections lists every dated collection of a client as a walk that
// returns "day id" keys.
func collections(c *oura.Client) map[string]func(t *testing.T, from, to civil.Date) []string {
	return map[string]func(t *testing.T, from, to civil.Date) []string{
		"daily_activity": func(t *testing.T, f, to civil.Date) []string {
			return dayIDs(t, c.DailyActivity, f, to, func(d *oura.DailyActivity) string { return d.Day.String() + " " + d.ID })
		},
		"daily_readiness": func(t *testing.T, f, to civil.Date) []string {
			return dayIDs(t, c.DailyReadiness, f, to, func(d *oura.DailyReadiness) string { return d.Day.String() + " " + d.ID })
		},
		"daily_sleep": func(t *testing.T, f, to civil.Date) []string {
			return dayIDs(t, c.DailySleep, f, to, func(d *oura.DailySleep) string { return d.Day.String() + " " + d.ID })
		},
		"sleep": func(t *testing.T, f, to civil.Date) []string {
			return dayIDs(t, c.Sleep, f, to, func(d *oura.Sleep) string { return d.Day.String() + " " + d.ID })
		},
		"workout": func(t *testing.T, f, to civil.Date) []string {
			return dayIDs(t, c.Workout, f, to, func(d *oura.Workout) string { return d.Day.String() + " " + d.ID })
		},
		"session": func(t *testing.T, f, to civil.Date) []string {
			return dayIDs(t, c.Session, f, to, func(d *oura.Session) string { return d.Day.String() + " " + d.ID })
		},
		"vO2_max": func(t *testing.T, f, to civil.Date) []string {
			return dayIDs(t, c.VO2Max, f, to, func(d *oura.VO2Max) string { return d.Day.String() + " " + d.ID })
		},
		"daily_stress": func(t *testing.T, f, to civil.Date) []string {
			return dayIDs(t, c.DailyStress, f, to, func(d *oura.DailyStress) string { return d.Day.String() + " " + d.ID })
		},
		"enhanced_tag": func(t *testing.T, f, to civil.Date) []string {
			return dayIDs(t, c.EnhancedTag, f, to, func(d *oura.EnhancedTag) string { return d.StartDay.String() + " " + d.ID })
		},
	}
}

// TestExactDaysAgainstOurasQuirks walks every dated collection of a server
// that mimics Oura's end_date and UTC quirks and of one that filters
// exactly: the client must return the same documents from both, all within
// the range, for users east and west of UTC.
func TestExactDaysAgainstOurasQuirks(t *testing.T) {
	t.Parallel()
	for _, zone := range []string{"America/Los_Angeles", "Asia/Tokyo", "Pacific/Kiritimati", "Etc/GMT+12", "Pacific/Pago_Pago", "UTC"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Fatal(err)
			}
			_, quirky := fakeClient(t, loc)
			_, exact := fakeClient(t, loc, ouratest.WithExactDates())
			from, to := civil.D(2024, 3, 8), civil.D(2024, 3, 12) // across the US DST change
			q, e := collections(quirky), collections(exact)
			for name := range q {
				got := q[name](t, from, to)
				want := e[name](t, from, to)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: quirky server (-exact +quirky):\n%s", name, diff)
				}
				for _, k := range got {
					d := civil.MustParseDate(k[:10])
					if d.Before(from) || d.After(to) {
						t.Errorf("%s: %s outside %s..%s", name, k, from, to)
					}
				}
				if name == "daily_activity" && len(got) != 5 {
					t.Errorf("daily_activity: %d days, want 5: %v", len(got), got)
				}
			}
		})
	}
}

// TestWalkSurvivesFaults walks a year of heart rate and a month of sleep
// while the server injects 429s, 5xx, cut bodies and resets at random: the
// data must equal a fault-free walk.
func TestWalkSurvivesFaults(t *testing.T) {
	t.Parallel()
	walk := func(c *oura.Client) (int, []string) {
		n := 0
		start := time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)
		for _, err := range c.HeartRate.All(t.Context(), &oura.TimeSeriesOptions{Start: start, End: start.AddDate(0, 2, 0)}) {
			if err != nil {
				t.Fatal(err)
			}
			n++
		}
		var ids []string
		for d, err := range c.Sleep.All(t.Context(), &oura.ListOptions{StartDate: civil.D(2024, 3, 1), EndDate: civil.D(2024, 3, 31)}) {
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, d.ID+" "+string(d.Raw))
		}
		return n, ids
	}
	_, clean := fakeClient(t, time.UTC, ouratest.WithSamplePageSize(500))
	srv, _ := fakeClient(t, time.UTC, ouratest.WithSamplePageSize(500))
	faulty, err := oura.NewClient(oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client()), oura.WithTokenSource(oura.StaticToken("tok")),
		oura.WithRetryPolicy(oura.RetryPolicy{MaxAttempts: 30, BaseDelay: time.Millisecond, MaxDelay: 2 * time.Millisecond}),
		oura.WithCircuitBreaker(nil))
	if err != nil {
		t.Fatal(err)
	}
	err = srv.Inject(
		ouratest.Rule{Probability: 0.1, Fault: ouratest.ServerError(503)},
		ouratest.Rule{Probability: 0.1, Fault: ouratest.ServerError(502)},
		ouratest.Rule{Probability: 0.1, Fault: ouratest.CutBody()},
		ouratest.Rule{Probability: 0.1, Fault: ouratest.ConnectionReset()},
		ouratest.Rule{Probability: 0.1, Fault: ouratest.Fault{Status: 429}},
	)
	if err != nil {
		t.Fatal(err)
	}
	wantN, wantIDs := walk(clean)
	gotN, gotIDs := walk(faulty)
	if gotN != wantN || wantN == 0 {
		t.Errorf("heart-rate samples %d with faults, %d without", gotN, wantN)
	}
	if diff := cmp.Diff(wantIDs, gotIDs); diff != "" {
		t.Errorf("sleep documents differ under faults (-clean +faulty):\n%s", diff)
	}
	faults := 0
	for _, r := range srv.Requests() {
		if r.Fault != "" {
			faults++
		}
	}
	if faults < 10 {
		t.Errorf("only %d faults were injected; the test proves little", faults)
	}
	t.Logf("%d requests, %d faults", len(srv.Requests()), faults)
}

func TestLapsedMembershipAndUnknownToken(t *testing.T) {
	t.Parallel()
	srv := ouratest.Start(t, ouratest.WithUser(ouratest.User{ID: "lapsed", Token: "t1", Lapsed: true}))
	ctx := context.Background()
	for tok, want := range map[string]error{"t1": oura.ErrForbidden, "unknown": oura.ErrUnauthorized} {
		c, err := oura.NewClient(oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client()), oura.WithTokenSource(oura.StaticToken(tok)))
		if err != nil {
			t.Fatal(err)
		}
		before := len(srv.Requests())
		_, _, err = c.Sleep.List(ctx, nil)
		if !errors.Is(err, want) {
			t.Errorf("token %s: err = %v, want %v", tok, err, want)
		}
		if n := len(srv.Requests()) - before; n != 1 {
			t.Errorf("token %s: %d requests, want 1 (no retry)", tok, n)
		}
	}
}

func TestRevokedGrantRefreshes(t *testing.T) {
	t.Parallel()
	srv := ouratest.Start(t, ouratest.WithTime(time.Date(2024, 4, 20, 12, 0, 0, 0, time.UTC)))
	tok, err := srv.IssueToken(ouratest.DefaultUserID)
	if err != nil {
		t.Fatal(err)
	}
	conf := &oura.OAuthConfig{ClientID: ouratest.DefaultClientID, ClientSecret: oura.NewSecret(ouratest.DefaultClientSecret), HTTPClient: srv.Client(), Now: srv.Now}
	conf.Endpoint.TokenURL = srv.URL + "/oauth/token"
	conf.Endpoint.AuthURL = srv.URL + "/oauth/authorize"
	var saved []string
	ts := conf.TokenSource(toOAuth2(tok), func(_ context.Context, t2 *oauth2.Token) error { saved = append(saved, t2.RefreshToken); return nil })
	c, err := oura.NewClient(oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client()), oura.WithTokenSource(ts))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	// Three expiries in a row: each refresh rotates the refresh token, and
	// the client always holds the newest.
	for i := range 3 {
		srv.Advance(25 * time.Hour)
		if _, _, err := c.PersonalInfo.Get(ctx); err != nil {
			t.Fatalf("after expiry %d: %v", i+1, err)
		}
	}
	if len(saved) != 3 || saved[0] == tok.RefreshToken || saved[1] == saved[0] {
		t.Errorf("persisted refresh tokens %v", saved)
	}
	// Revoking the grant is final: one refresh attempt, then ErrUnauthorized.
	srv.RevokeToken(saved[2])
	_, _, err = c.PersonalInfo.Get(ctx)
	if !errors.Is(err, oura.ErrUnauthorized) {
		t.Errorf("revoked: err = %v", err)
	}
}

func toOAuth2(t ouratest.Token) *oauth2.Token {
	return &oauth2.Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, Expiry: t.Expiry, TokenType: "Bearer"}
}
