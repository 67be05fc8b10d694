package ouratest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/lifeops/lifeops/oura/ouratest"
	"golang.org/x/oauth2"
)

// tokenCall posts a token request with form values and decodes the answer.
func tokenCall(t *testing.T, s *ouratest.Server, form url.Values) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/oauth/token", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, m
}

func client(extra ...string) url.Values {
	v := url.Values{"client_id": {ouratest.DefaultClientID}, "client_secret": {ouratest.DefaultClientSecret}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v
}

// authorize runs the authorize endpoint and returns the code and state of
// the redirect.
func authorize(t *testing.T, s *ouratest.Server, query string) (code, state string) {
	t.Helper()
	c := s.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, s.URL+"/oauth/authorize?"+query, nil)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: status %d", resp.StatusCode)
	}
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if loc.Host != "app.example" || loc.Path != "/cb" {
		t.Fatalf("redirected to %v", loc)
	}
	return loc.Query().Get("code"), loc.Query().Get("state")
}

func TestAuthorizationCodeFlowAndRotation(t *testing.T) {
	t.Parallel()
	s := start(t)
	code, state := authorize(t, s, "response_type=code&client_id="+ouratest.DefaultClientID+
		"&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&scope=daily+heartrate&state=xyz")
	if code == "" || state != "xyz" {
		t.Fatalf("code %q state %q", code, state)
	}
	status, tok := tokenCall(t, s, client("grant_type", "authorization_code", "code", code, "redirect_uri", "https://app.example/cb"))
	if status != 200 || tok["token_type"] != "bearer" || tok["expires_in"] != float64(86400) || tok["scope"] != "daily heartrate" {
		t.Fatalf("exchange: %d %v", status, tok)
	}
	access, refresh := tok["access_token"].(string), tok["refresh_token"].(string)
	if st, _ := fetch(t, s, access, "/v2/usercollection/heartrate"); st != 200 {
		t.Errorf("granted scope: %d", st)
	}
	if st, _ := fetch(t, s, access, "/v2/usercollection/workout"); st != 403 {
		t.Errorf("scope not granted: %d", st)
	}
	// The code is single-use.
	if st, m := tokenCall(t, s, client("grant_type", "authorization_code", "code", code, "redirect_uri", "https://app.example/cb")); st != 400 || m["error"] != "invalid_grant" {
		t.Errorf("code reused: %d %v", st, m)
	}
	// Refresh rotates: the old refresh token stops working.
	st, tok2 := tokenCall(t, s, client("grant_type", "refresh_token", "refresh_token", refresh))
	if st != 200 || tok2["refresh_token"] == refresh || tok2["access_token"] == access || tok2["scope"] != "daily heartrate" {
		t.Fatalf("refresh: %d %v", st, tok2)
	}
	if st, m := tokenCall(t, s, client("grant_type", "refresh_token", "refresh_token", refresh)); st != 400 || m["error"] != "invalid_grant" {
		t.Errorf("rotated-out refresh token: %d %v", st, m)
	}
	// Access tokens expire with the server's clock.
	s.Advance(24 * time.Hour)
	st, body := fetch(t, s, tok2["access_token"].(string), "/v2/usercollection/heartrate")
	if st != 401 || string(body) != `{"detail":"Access token expired"}` {
		t.Errorf("expired token: %d %s", st, body)
	}
	st, tok3 := tokenCall(t, s, client("grant_type", "refresh_token", "refresh_token", tok2["refresh_token"].(string)))
	if st != 200 {
		t.Fatalf("refresh after expiry: %d %v", st, tok3)
	}
	if st, _ := fetch(t, s, tok3["access_token"].(string), "/v2/usercollection/heartrate"); st != 200 {
		t.Errorf("fresh token: %d", st)
	}
	// Revoking ends the grant: its access and refresh tokens.
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/oauth/revoke?access_token="+url.QueryEscape(tok3["access_token"].(string)), nil)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if st, _ := fetch(t, s, tok3["access_token"].(string), "/v2/usercollection/heartrate"); st != 401 {
		t.Errorf("revoked token: %d", st)
	}
	if st, m := tokenCall(t, s, client("grant_type", "refresh_token", "refresh_token", tok3["refresh_token"].(string))); st != 400 || m["error"] != "invalid_grant" {
		t.Errorf("refresh of a revoked grant: %d %v", st, m)
	}
}

func TestTokenEndpointErrors(t *testing.T) {
	t.Parallel()
	s := start(t)
	code := func() string {
		c, err := s.AuthorizationCode(ouratest.DefaultUserID)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	authorized, _ := authorize(t, s, "response_type=code&client_id="+ouratest.DefaultClientID+"&redirect_uri=https%3A%2F%2Fapp.example%2Fcb")
	tests := []struct {
		name      string
		form      url.Values
		status    int
		wantError string
	}{
		{"wrong secret", url.Values{"client_id": {ouratest.DefaultClientID}, "client_secret": {"x"}, "grant_type": {"refresh_token"}}, 401, "invalid_client"},
		{"unknown client", url.Values{"client_id": {"x"}, "client_secret": {"x"}}, 401, "invalid_client"},
		{"unknown grant type", client("grant_type", "password"), 400, "unsupported_grant_type"},
		{"unknown code", client("grant_type", "authorization_code", "code", "nope"), 400, "invalid_grant"},
		{"redirect mismatch", client("grant_type", "authorization_code", "code", authorized, "redirect_uri", "https://evil.example/cb"), 400, "invalid_grant"},
		{"unknown refresh token", client("grant_type", "refresh_token", "refresh_token", "nope"), 400, "invalid_grant"},
		{"programmatic code", client("grant_type", "authorization_code", "code", code(), "redirect_uri", "https://any.example/"), 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { // not parallel: the clock moves after the loop
			status, m := tokenCall(t, s, tt.form)
			if status != tt.status || (tt.wantError != "" && m["error"] != tt.wantError) {
				t.Errorf("got %d %v, want %d %s", status, m, tt.status, tt.wantError)
			}
		})
	}
	expired := code()
	s.Advance(11 * time.Minute)
	if st, m := tokenCall(t, s, client("grant_type", "authorization_code", "code", expired)); st != 400 || m["error"] != "invalid_grant" {
		t.Errorf("expired code: %d %v", st, m)
	}
	if _, err := s.AuthorizationCode("nobody"); err == nil {
		t.Error("a code for an unknown user")
	}
	if _, err := s.IssueToken("nobody"); err == nil {
		t.Error("a token for an unknown user")
	}
	if s.RevokeToken("never issued") {
		t.Error("revoked an unknown token")
	}
}

func TestAuthorizeErrors(t *testing.T) {
	t.Parallel()
	s := start(t)
	for _, q := range []string{
		"response_type=code&client_id=nobody&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
		"response_type=token&client_id=" + ouratest.DefaultClientID + "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
		"response_type=code&client_id=" + ouratest.DefaultClientID + "&redirect_uri=relative",
		"response_type=code&client_id=" + ouratest.DefaultClientID + "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&user=nobody",
	} {
		if st, _ := fetch(t, s, "", "/oauth/authorize?"+q); st != 400 {
			t.Errorf("%s: status %d, want 400", q, st)
		}
	}
}

// TestGolangOAuth2 runs golang.org/x/oauth2 against the endpoints: the
// exchange, the transport, and a refresh once the token has expired.
func TestGolangOAuth2(t *testing.T) {
	t.Parallel()
	s := start(t, ouratest.WithTokenLifetime(time.Hour))
	cfg := oauth2.Config{
		ClientID:     ouratest.DefaultClientID,
		ClientSecret: ouratest.DefaultClientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: s.URL + "/oauth/authorize", TokenURL: s.URL + "/oauth/token"},
		RedirectURL:  "https://app.example/cb",
		Scopes:       []string{"daily", "personal"},
	}
	authURL, err := url.Parse(cfg.AuthCodeURL("st"))
	if err != nil {
		t.Fatal(err)
	}
	code, state := authorize(t, s, authURL.RawQuery)
	if state != "st" {
		t.Fatalf("state %q", state)
	}
	ctx := context.WithValue(t.Context(), oauth2.HTTPClient, s.Client())
	tok, err := cfg.Exchange(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	if got := time.Until(tok.Expiry); got < 50*time.Minute || got > 61*time.Minute {
		t.Errorf("token expires in %v, want about an hour", got)
	}
	hc := cfg.Client(ctx, tok)
	resp, err := hc.Get(s.URL + "/v2/usercollection/personal_info")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"age":`) {
		t.Fatalf("personal_info: %d %s", resp.StatusCode, body)
	}
	// An expired token is refreshed through the rotating refresh token.
	tok.Expiry = time.Now().Add(-time.Minute)
	fresh, err := cfg.TokenSource(ctx, tok).Token()
	if err != nil {
		t.Fatal(err)
	}
	if fresh.RefreshToken == tok.RefreshToken || fresh.AccessToken == tok.AccessToken {
		t.Errorf("refresh did not rotate: %v", fresh)
	}
	_, err = cfg.TokenSource(ctx, tok).Token()
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) || re.ErrorCode != "invalid_grant" {
		t.Errorf("second refresh with the old token: %v, want invalid_grant", err)
	}
	if diff := cmp.Diff([]string{"daily", "personal"}, strings.Fields(fresh.Extra("scope").(string))); diff != "" {
		t.Errorf("scope (-want +got):\n%s", diff)
	}
}
