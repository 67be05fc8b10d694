package oura

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/oauth2"
)

const (
	testClientSecret = "client-secret-77f1"
	testRefresh0     = "refresh-0-c0ffee"
)

// tokenServer is a fake OAuth2 token endpoint that rotates refresh tokens:
// each refresh issues access-N and refresh-N and invalidates the previous
// refresh token.
type tokenServer struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	current   string // the one refresh token that works
	refreshes int
	codes     int
	expiresIn int
	fail      string // an OAuth2 error code to answer with, if set
	noRotate  bool   // answer without a refresh_token
	forms     []url.Values
}

func newTokenServer(t *testing.T) *tokenServer {
	ts := &tokenServer{t: t, current: testRefresh0, expiresIn: 86400}
	ts.srv = httptest.NewServer(http.HandlerFunc(ts.serve))
	t.Cleanup(ts.srv.Close)
	return ts
}

func (ts *tokenServer) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		ts.t.Error(err)
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.forms = append(ts.forms, r.PostForm)
	if r.PostForm.Get("client_id") != "app-1" || r.PostForm.Get("client_secret") != testClientSecret {
		writeJSON(w, http.StatusUnauthorized, `{"error":"invalid_client"}`)
		return
	}
	if ts.fail != "" {
		writeJSON(w, http.StatusBadRequest, fmt.Sprintf(`{"error":%q,"error_description":"the grant is gone"}`, ts.fail))
		return
	}
	var n int
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		if r.PostForm.Get("code") != "good-code" || r.PostForm.Get("redirect_uri") != "https://app.example/callback" {
			writeJSON(w, http.StatusBadRequest, `{"error":"invalid_grant"}`)
			return
		}
		ts.codes++
		n = 100 + ts.codes
	case "refresh_token":
		if r.PostForm.Get("refresh_token") != ts.current {
			writeJSON(w, http.StatusBadRequest, `{"error":"invalid_grant"}`)
			return
		}
		ts.refreshes++
		n = ts.refreshes
	default:
		writeJSON(w, http.StatusBadRequest, `{"error":"unsupported_grant_type"}`)
		return
	}
	resp := map[string]any{"access_token": fmt.Sprintf("access-%d", n), "token_type": "bearer", "expires_in": ts.expiresIn,
		"scope": "extapi:daily extapi:heartrate personal spo2Daily"}
	if !ts.noRotate {
		ts.current = fmt.Sprintf("refresh-%d", n)
		resp["refresh_token"] = ts.current
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}

func (ts *tokenServer) count() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return ts.refreshes
}

func (ts *tokenServer) config() *OAuthConfig {
	return &OAuthConfig{
		ClientID: "app-1", ClientSecret: NewSecret(testClientSecret), RedirectURL: "https://app.example/callback",
		Scopes:     []Scope{ScopeDaily, ScopeHeartRate, ScopeSpO2},
		Endpoint:   oauth2.Endpoint{AuthURL: "https://auth.example/oauth/authorize", TokenURL: ts.srv.URL + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams},
		HTTPClient: ts.srv.Client(),
	}
}

// persisted records every token the source asks to persist.
type persisted struct {
	mu   sync.Mutex
	toks []*oauth2.Token
	fail error
}

func (p *persisted) save(_ context.Context, t *oauth2.Token) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail != nil {
		return p.fail
	}
	p.toks = append(p.toks, t)
	return nil
}

func (p *persisted) refreshTokens() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, t := range p.toks {
		out = append(out, t.RefreshToken)
	}
	return out
}

func TestOAuth_AuthCodeURL(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	u, err := url.Parse(ts.config().AuthCodeURL("state-xyz"))
	if err != nil {
		t.Fatal(err)
	}
	if u.Host != "auth.example" || u.Path != "/oauth/authorize" {
		t.Errorf("authorize URL %s", u)
	}
	want := url.Values{"client_id": {"app-1"}, "redirect_uri": {"https://app.example/callback"}, "response_type": {"code"},
		"scope": {"daily heartrate spo2"}, "state": {"state-xyz"}}
	if diff := cmp.Diff(want, u.Query()); diff != "" {
		t.Errorf("query (-want +got):\n%s", diff)
	}
	// The zero Endpoint is Oura's documented one.
	def := (&OAuthConfig{ClientID: "x"}).AuthCodeURL("s")
	if !strings.HasPrefix(def, AuthURL+"?") {
		t.Errorf("default authorize URL %s", def)
	}
	if ep := DefaultEndpoint(); ep.TokenURL != TokenURL || ep.AuthStyle != oauth2.AuthStyleInParams {
		t.Errorf("DefaultEndpoint = %+v", ep)
	}
}

func TestOAuth_Exchange(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	conf := ts.config()
	tok, err := conf.Exchange(t.Context(), "good-code")
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "access-101" || tok.RefreshToken != "refresh-101" || time.Until(tok.Expiry) < 23*time.Hour {
		t.Errorf("token = %s/%s expiring %s", tok.AccessToken, tok.RefreshToken, tok.Expiry)
	}
	if diff := cmp.Diff([]Scope{ScopeDaily, ScopeHeartRate, ScopePersonal, ScopeSpO2}, GrantedScopes(tok)); diff != "" {
		t.Errorf("granted scopes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Scope{ScopeStress, ScopeRingConfiguration}, MissingScopes(tok, ScopeDaily, ScopeStress, ScopeSpO2Daily, ScopeRingConfiguration)); diff != "" {
		t.Errorf("missing scopes (-want +got):\n%s", diff)
	}
	form := ts.forms[0]
	if form.Get("grant_type") != "authorization_code" || form.Get("client_secret") != testClientSecret {
		t.Errorf("exchange form %v", form)
	}

	_, err = conf.Exchange(t.Context(), "used-code")
	var te *TokenError
	if !errors.As(err, &te) || te.Code != "invalid_grant" || te.StatusCode != 400 || !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("bad code: err = %v", err)
	}
	if strings.Contains(err.Error(), testClientSecret) || strings.Contains(err.Error(), "used-code") {
		t.Errorf("error leaks a secret: %v", err)
	}
	var pe *ParamError
	if _, err := conf.Exchange(t.Context(), ""); !errors.As(err, &pe) || pe.Param != "code" {
		t.Errorf("empty code: err = %v", err)
	}
}

func TestOAuth_RefreshBeforeExpiryRotatesAndPersists(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	var p persisted
	now := time.Date(2024, 3, 10, 12, 0, 0, 0, time.UTC)
	src := ts.config().TokenSource(&oauth2.Token{AccessToken: "access-0", RefreshToken: testRefresh0, Expiry: now.Add(10 * time.Minute)}, p.save)
	src.now = func() time.Time { return now }

	tok, err := src.Token(t.Context())
	if err != nil || tok.AccessToken != "access-0" || ts.count() != 0 {
		t.Fatalf("fresh token: %v, %v, %d refreshes", tok, err, ts.count())
	}
	now = now.Add(6 * time.Minute) // now within RefreshBefore (5 min) of expiry
	tok, err = src.Token(t.Context())
	if err != nil || tok.AccessToken != "access-1" {
		t.Fatalf("refresh: %v, %v", tok, err)
	}
	// Rotated: the next refresh uses refresh-1, which only the new token has.
	now = tok.Expiry
	tok, err = src.Token(t.Context())
	if err != nil || tok.AccessToken != "access-2" {
		t.Fatalf("second refresh: %v, %v", tok, err)
	}
	if diff := cmp.Diff([]string{"refresh-1", "refresh-2"}, p.refreshTokens()); diff != "" {
		t.Errorf("persisted refresh tokens (-want +got):\n%s", diff)
	}
	if src.Refreshes() != 2 {
		t.Errorf("Refreshes() = %d", src.Refreshes())
	}
}

func TestOAuth_RefreshKeepsRefreshTokenWhenNotRotated(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	ts.noRotate = true
	var p persisted
	src := ts.config().TokenSource(&oauth2.Token{AccessToken: "old", RefreshToken: testRefresh0, Expiry: time.Now().Add(-time.Hour)}, p.save)
	tok, err := src.Token(t.Context())
	if err != nil || tok.RefreshToken != testRefresh0 {
		t.Fatalf("token = %+v, %v", tok, err)
	}
	if diff := cmp.Diff([]string{testRefresh0}, p.refreshTokens()); diff != "" {
		t.Errorf("persisted (-want +got):\n%s", diff)
	}
}

func TestOAuth_PersistFailureIsRetried(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	p := persisted{fail: errors.New("disk full")}
	src := ts.config().TokenSource(&oauth2.Token{AccessToken: "old", RefreshToken: testRefresh0, Expiry: time.Now().Add(-time.Hour)}, p.save)
	if cur, pending := src.Current(); cur.AccessToken != "old" || pending {
		t.Errorf("before any refresh: Current() = %q, pending %t", cur.AccessToken, pending)
	}
	if _, err := src.Token(t.Context()); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("err = %v, want the persist failure", err)
	}
	// The source holds the rotated token, pending until it is stored.
	if cur, pending := src.Current(); cur.RefreshToken != "refresh-1" || !pending {
		t.Errorf("after a failed persist: Current() = %q, pending %t", cur.RefreshToken, pending)
	}
	p.mu.Lock()
	p.fail = nil
	p.mu.Unlock()
	// A 401 for the old token meanwhile stores the new one; it does not
	// rotate again.
	tok, err := src.Refresh(t.Context(), &oauth2.Token{AccessToken: "old"})
	if err != nil || tok.AccessToken != "access-1" {
		t.Fatalf("after the store recovers: %v, %v", tok, err)
	}
	tok, err = src.Token(t.Context())
	if err != nil || tok.AccessToken != "access-1" {
		t.Fatalf("after the store recovers: %v, %v", tok, err)
	}
	if ts.count() != 1 {
		t.Errorf("refreshes = %d: the rotated token must be kept, not refreshed again", ts.count())
	}
	if cur, pending := src.Current(); cur.RefreshToken != "refresh-1" || pending {
		t.Errorf("once stored: Current() = %q, pending %t", cur.RefreshToken, pending)
	}
	if cur, _ := ts.config().TokenSource(nil, nil).Current(); cur != nil {
		t.Errorf("a source without a token: Current() = %v", cur)
	}
	if diff := cmp.Diff([]string{"refresh-1"}, p.refreshTokens()); diff != "" {
		t.Errorf("persisted (-want +got):\n%s", diff)
	}
}

func TestOAuth_RefreshRefused(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	ts.fail = "invalid_grant"
	src := ts.config().TokenSource(&oauth2.Token{AccessToken: "old", RefreshToken: testRefresh0, Expiry: time.Now().Add(-time.Hour)}, nil)
	_, err := src.Token(t.Context())
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if strings.Contains(err.Error(), testRefresh0) || strings.Contains(err.Error(), testClientSecret) {
		t.Errorf("error leaks a token: %v", err)
	}
	if !strings.Contains(err.Error(), "invalid_grant") || !strings.Contains(err.Error(), "the grant is gone") {
		t.Errorf("error lacks the OAuth2 code: %v", err)
	}
	// No refresh token at all.
	src = ts.config().TokenSource(&oauth2.Token{AccessToken: "old", Expiry: time.Now().Add(-time.Hour)}, nil)
	if _, err := src.Token(t.Context()); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("no refresh token: err = %v", err)
	}
	src = ts.config().TokenSource(nil, nil)
	if _, err := src.Token(t.Context()); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("no token: err = %v", err)
	}
}

func TestTokenError(t *testing.T) {
	t.Parallel()
	cause := errors.New("dial tcp: refused")
	tests := []struct {
		err    *TokenError
		msg    string
		unauth bool
	}{
		{&TokenError{Op: "refresh token", StatusCode: 400, Code: "invalid_grant", Description: "expired"}, "oura: refresh token: status 400: invalid_grant: expired", true},
		{&TokenError{Op: "refresh token", StatusCode: 401}, "oura: refresh token: status 401", true},
		{&TokenError{Op: "refresh token", StatusCode: 503}, "oura: refresh token: status 503", false},
		{&TokenError{Op: "refresh token", Err: cause}, "oura: refresh token: dial tcp: refused", false},
	}
	for _, tt := range tests {
		if tt.err.Error() != tt.msg || errors.Is(tt.err, ErrUnauthorized) != tt.unauth {
			t.Errorf("%q unauthorized=%t; want %q, %t", tt.err.Error(), errors.Is(tt.err, ErrUnauthorized), tt.msg, tt.unauth)
		}
	}
	if !errors.Is(tests[3].err, cause) || errors.Is(tests[0].err, ErrForbidden) {
		t.Error("TokenError unwraps to its cause only")
	}
}

// TestClient_RefreshOnceOn401 drives the client with a token Oura has
// revoked before its expiry: the client refreshes once and retries.
func TestClient_RefreshOnceOn401(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	var p persisted
	src := ts.config().TokenSource(&oauth2.Token{AccessToken: "revoked", RefreshToken: testRefresh0, Expiry: time.Now().Add(time.Hour)}, p.save)
	b := setup(t, WithTokenSource(src))
	var seen []string
	var mu sync.Mutex
	b.mux.HandleFunc("/v2/usercollection/personal_info", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Header.Get("Authorization"))
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer access-1" {
			writeJSON(w, http.StatusUnauthorized, `{"detail":"token revoked"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"id":"u1"}`)
	})
	info, resp, err := b.client.PersonalInfo.Get(t.Context())
	if err != nil || info.ID != "u1" {
		t.Fatalf("Get: %v, %v", info, err)
	}
	if diff := cmp.Diff([]string{"Bearer revoked", "Bearer access-1"}, seen); diff != "" {
		t.Errorf("authorization headers (-want +got):\n%s", diff)
	}
	if resp.Attempts != 2 || len(b.waits()) != 0 {
		t.Errorf("attempts %d, waits %v", resp.Attempts, b.waits())
	}
	if diff := cmp.Diff([]string{"refresh-1"}, p.refreshTokens()); diff != "" {
		t.Errorf("persisted (-want +got):\n%s", diff)
	}
	if !strings.Contains(b.logText(), "token refreshed after 401") {
		t.Error("the refresh is not logged")
	}
}

func TestClient_SecondUnauthorizedIsFinal(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	src := ts.config().TokenSource(&oauth2.Token{AccessToken: "revoked", RefreshToken: testRefresh0, Expiry: time.Now().Add(time.Hour)}, nil)
	b := setup(t, WithTokenSource(src))
	n := scripted(t, b, "/v2/usercollection/sleep", reply{status: 401, body: `{"detail":"no"}`})
	_, _, err := b.client.Sleep.List(t.Context(), nil)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if n.Load() != 2 || ts.count() != 1 {
		t.Errorf("requests %d, refreshes %d; want 2 and 1", n.Load(), ts.count())
	}
	// A static token cannot refresh: one request.
	b2 := setup(t)
	n2 := scripted(t, b2, "/v2/usercollection/sleep", reply{status: 401})
	if _, _, err := b2.client.Sleep.List(t.Context(), nil); !errors.Is(err, ErrUnauthorized) || n2.Load() != 1 {
		t.Errorf("static token: err = %v, requests %d", err, n2.Load())
	}
	// A refresh that fails ends the call.
	ts.mu.Lock()
	ts.fail = "invalid_grant"
	ts.mu.Unlock()
	src3 := ts.config().TokenSource(&oauth2.Token{AccessToken: "revoked", RefreshToken: "refresh-1", Expiry: time.Now().Add(time.Hour)}, nil)
	b3 := setup(t, WithTokenSource(src3))
	scripted(t, b3, "/v2/usercollection/sleep", reply{status: 401})
	if _, _, err := b3.client.Sleep.List(t.Context(), nil); !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "refresh after 401") {
		t.Errorf("failed refresh: err = %v", err)
	}
}

func TestOAuth_ConcurrentRequestsShareOneRefresh(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	src := ts.config().TokenSource(&oauth2.Token{AccessToken: "expired", RefreshToken: testRefresh0, Expiry: time.Now().Add(-time.Minute)}, nil)
	b := setup(t, WithTokenSource(src))
	var bad atomic.Int32
	b.mux.HandleFunc("/v2/usercollection/personal_info", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer access-1" {
			bad.Add(1)
		}
		writeJSON(w, http.StatusOK, `{"id":"u1"}`)
	})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, _, err := b.client.PersonalInfo.Get(t.Context()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if ts.count() != 1 || bad.Load() != 0 {
		t.Errorf("refreshes %d, requests with another token %d; want 1 and 0", ts.count(), bad.Load())
	}
	// A 401 for a token that another request already replaced does not
	// refresh again.
	tok, err := src.Refresh(t.Context(), &oauth2.Token{AccessToken: "expired"})
	if err != nil || tok.AccessToken != "access-1" || ts.count() != 1 {
		t.Errorf("stale refresh: %v, %v, %d refreshes", tok, err, ts.count())
	}
}

// TestOAuth_WaitingForARefreshHonoursTheContext: while one request
// refreshes (the token endpoint is slow), another whose context ends stops
// waiting at once, and printing the source does not wait at all.
func TestOAuth_WaitingForARefreshHonoursTheContext(t *testing.T) {
	t.Parallel()
	arrived, release := make(chan struct{}), make(chan struct{})
	var released atomic.Bool
	var once sync.Once
	free := func() { once.Do(func() { released.Store(true); close(release) }) }
	t.Cleanup(free)
	time.AfterFunc(10*time.Second, free) // should the waits block, end them
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		<-release
		writeJSON(w, http.StatusOK, `{"access_token":"access-1","token_type":"bearer","expires_in":3600,"refresh_token":"refresh-1"}`)
	}))
	t.Cleanup(slow.Close)
	conf := &OAuthConfig{ClientID: "app-1", ClientSecret: NewSecret(testClientSecret), HTTPClient: slow.Client(),
		Endpoint: oauth2.Endpoint{AuthURL: slow.URL + "/a", TokenURL: slow.URL + "/t", AuthStyle: oauth2.AuthStyleInParams}}
	src := conf.TokenSource(&oauth2.Token{AccessToken: "expired", RefreshToken: testRefresh0, Expiry: time.Now().Add(-time.Minute)}, nil)
	refreshed := make(chan error, 1)
	go func() {
		_, err := src.Token(t.Context())
		refreshed <- err
	}()
	<-arrived

	_ = fmt.Sprint(src)
	if released.Load() {
		t.Error("printing the source waited for the refresh")
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := src.Token(ctx)
	if released.Load() {
		t.Error("a cancelled Token call waited for the refresh")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled Token: err = %v", err)
	}
	if _, err := src.Refresh(ctx, &oauth2.Token{AccessToken: "expired"}); !errors.Is(err, context.Canceled) || released.Load() {
		t.Errorf("cancelled Refresh: err = %v, waited %t", err, released.Load())
	}
	free()
	if err := <-refreshed; err != nil {
		t.Fatal(err)
	}
	if tok, err := src.Token(t.Context()); err != nil || tok.AccessToken != "access-1" {
		t.Errorf("after the refresh: %v, %v", tok, err)
	}
}

func TestStaticToken(t *testing.T) {
	t.Parallel()
	tok, err := StaticToken("abc").Token(t.Context())
	if err != nil || tok.AccessToken != "abc" {
		t.Errorf("StaticToken = %v, %v", tok, err)
	}
	if _, err := StaticToken("").Token(t.Context()); !errors.Is(err, ErrNotConfigured) {
		t.Errorf("empty static token: err = %v", err)
	}
	b := setup(t, WithTokenSource(emptyTokens{}))
	if _, _, err := b.client.Sleep.List(t.Context(), nil); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("token source without a token: err = %v", err)
	}
}

type emptyTokens struct{}

func (emptyTokens) Token(context.Context) (*oauth2.Token, error) { return &oauth2.Token{}, nil }

func TestScopesAndState(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Scope{"extapi:daily": ScopeDaily, " spo2Daily ": ScopeSpO2, "heart_health": ScopeHeartHealth, "extapi:spo2Daily": ScopeSpO2} {
		if got := NormalizeScope(in); got != want {
			t.Errorf("NormalizeScope(%q) = %q, want %q", in, got, want)
		}
	}
	if GrantedScopes(nil) != nil || MissingScopes(&oauth2.Token{}, ScopeDaily) != nil {
		t.Error("a token without scopes tells nothing missing")
	}
	all := AllScopes()
	for _, s := range []Scope{ScopeSpO2, ScopeHeartHealth, ScopeStress, ScopeRingConfiguration} {
		found := false
		for _, a := range all {
			found = found || a == s
		}
		if !found {
			t.Errorf("AllScopes lacks %s", s)
		}
	}
	s1, err := NewState()
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := NewState()
	if s1 == s2 || len(s1) != 43 {
		t.Errorf("states %q, %q", s1, s2)
	}
	if err := CheckState(s1, s1); err != nil {
		t.Errorf("CheckState(same) = %v", err)
	}
	for _, pair := range [][2]string{{s1, s2}, {"", ""}, {s1, ""}, {"", s1}, {s1[:10], s1}} {
		if err := CheckState(pair[0], pair[1]); !errors.Is(err, ErrStateMismatch) {
			t.Errorf("CheckState(%q, %q) = %v", pair[0], pair[1], err)
		}
	}
}

func TestClient_RefusedRefreshIsNotRetried(t *testing.T) {
	t.Parallel()
	ts := newTokenServer(t)
	ts.fail = "invalid_grant"
	src := ts.config().TokenSource(&oauth2.Token{AccessToken: "old", RefreshToken: testRefresh0, Expiry: time.Now().Add(-time.Hour)}, nil)
	b := setup(t, WithTokenSource(src))
	n := scripted(t, b, "/v2/usercollection/sleep", reply{status: 200, body: `{"data":[],"next_token":null}`})
	_, _, err := b.client.Sleep.List(t.Context(), nil)
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	ts.mu.Lock()
	calls := len(ts.forms)
	ts.mu.Unlock()
	if calls != 1 || n.Load() != 0 || len(b.waits()) != 0 {
		t.Errorf("token calls %d, API requests %d, waits %v; want 1, 0, none", calls, n.Load(), b.waits())
	}
}

// sharedStorage is the storage several processes keep one token in.
type sharedStorage struct {
	mu    sync.Mutex
	tok   *oauth2.Token
	loads int
}

func (s *sharedStorage) persist(_ context.Context, t *oauth2.Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := *t
	s.tok = &cp
	return nil
}

func (s *sharedStorage) load(context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loads++
	if s.tok == nil {
		return nil, nil
	}
	cp := *s.tok
	return &cp, nil
}

func (s *sharedStorage) set(t *oauth2.Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tok = t
}

func (s *sharedStorage) loaded() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.loads
}

// TestOAuth_ReloadAfterInvalidGrant: two sources (two processes) share a
// token through storage. The one Oura refuses as invalid_grant adopts the
// token the other stored, refreshing it in turn when it has expired too; a
// refresh token that stays the stored one is dead, and other refusals are
// not reloaded at all.
func TestOAuth_ReloadAfterInvalidGrant(t *testing.T) {
	t.Parallel()
	expired := func(refresh string) *oauth2.Token {
		return &oauth2.Token{AccessToken: "old", RefreshToken: refresh, Expiry: time.Now().Add(-time.Hour)}
	}
	t.Run("adopts the stored token", func(t *testing.T) {
		t.Parallel()
		ts := newTokenServer(t)
		var st sharedStorage
		st.set(expired(testRefresh0))
		a := ts.config().TokenSource(expired(testRefresh0), st.persist, WithReload(st.load, time.Minute))
		b := ts.config().TokenSource(expired(testRefresh0), st.persist, WithReload(st.load, time.Minute))
		if tok, err := a.Token(t.Context()); err != nil || tok.AccessToken != "access-1" {
			t.Fatalf("first: %v, %v", tok, err)
		}
		tok, err := b.Token(t.Context())
		if err != nil || tok.AccessToken != "access-1" || tok.RefreshToken != "refresh-1" {
			t.Fatalf("second: %v, %v", tok, err)
		}
		if ts.count() != 1 || b.Refreshes() != 0 || st.loaded() != 1 {
			t.Errorf("refreshes at Oura %d, by the second %d, loads %d; want 1, 0, 1", ts.count(), b.Refreshes(), st.loaded())
		}
		if cur, pending := b.Current(); cur.RefreshToken != "refresh-1" || pending {
			t.Errorf("the second holds %q (pending %t)", cur.RefreshToken, pending)
		}
		// A 401 for the token the second held before makes no new refresh.
		if tok, err := b.Refresh(t.Context(), &oauth2.Token{AccessToken: "old"}); err != nil || tok.AccessToken != "access-1" {
			t.Errorf("Refresh after adopting: %v, %v", tok, err)
		}
	})
	t.Run("refreshes an adopted token that expired", func(t *testing.T) {
		t.Parallel()
		ts := newTokenServer(t)
		var st sharedStorage
		a := ts.config().TokenSource(expired(testRefresh0), st.persist, WithReload(st.load, time.Minute))
		b := ts.config().TokenSource(expired(testRefresh0), st.persist, WithReload(st.load, time.Minute))
		if _, err := a.Token(t.Context()); err != nil {
			t.Fatal(err)
		}
		st.set(expired("refresh-1")) // stored long ago, expired since
		tok, err := b.Token(t.Context())
		if err != nil || tok.AccessToken != "access-2" {
			t.Fatalf("second: %v, %v", tok, err)
		}
		st.mu.Lock()
		got := st.tok.RefreshToken
		st.mu.Unlock()
		if got != "refresh-2" || ts.count() != 2 {
			t.Errorf("stored %q after %d refreshes; want refresh-2 after 2", got, ts.count())
		}
	})
	t.Run("a refresh token that stays stored is dead", func(t *testing.T) {
		t.Parallel()
		ts := newTokenServer(t)
		ts.fail = "invalid_grant"
		var st sharedStorage
		st.set(expired(testRefresh0))
		src := ts.config().TokenSource(expired(testRefresh0), st.persist, WithReload(st.load, 30*time.Millisecond))
		if _, err := src.Token(t.Context()); !errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v, want ErrUnauthorized", err)
		}
		if st.loaded() < 2 {
			t.Errorf("%d loads: the storage was not read again while waiting", st.loaded())
		}
	})
	t.Run("empty storage", func(t *testing.T) {
		t.Parallel()
		ts := newTokenServer(t)
		ts.fail = "invalid_grant"
		var st sharedStorage
		src := ts.config().TokenSource(expired(testRefresh0), st.persist, WithReload(st.load, time.Hour))
		if _, err := src.Token(t.Context()); !errors.Is(err, ErrUnauthorized) || st.loaded() != 1 {
			t.Fatalf("err = %v after %d loads, want ErrUnauthorized after 1", err, st.loaded())
		}
	})
	t.Run("other refusals are not reloaded", func(t *testing.T) {
		t.Parallel()
		ts := newTokenServer(t)
		var st sharedStorage
		st.set(&oauth2.Token{AccessToken: "access-9", RefreshToken: "refresh-9"})
		conf := ts.config()
		conf.ClientSecret = NewSecret("wrong")
		src := conf.TokenSource(expired(testRefresh0), st.persist, WithReload(st.load, time.Hour))
		if _, err := src.Token(t.Context()); !errors.Is(err, ErrUnauthorized) || st.loaded() != 0 {
			t.Fatalf("invalid_client: err = %v after %d loads, want ErrUnauthorized after none", err, st.loaded())
		}
	})
	t.Run("storage that cannot be read", func(t *testing.T) {
		t.Parallel()
		ts := newTokenServer(t)
		ts.fail = "invalid_grant"
		boom := errors.New("storage down")
		src := ts.config().TokenSource(expired(testRefresh0), nil,
			WithReload(func(context.Context) (*oauth2.Token, error) { return nil, boom }, time.Hour))
		_, err := src.Token(t.Context())
		if !errors.Is(err, boom) || errors.Is(err, ErrUnauthorized) {
			t.Fatalf("err = %v, want the storage error and not ErrUnauthorized", err)
		}
	})
}
