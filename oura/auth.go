package oura

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Oura's OAuth2 endpoints as the API documents them. Applications registered
// on the newer developer portal may need another token URL; set it through
// [OAuthConfig.Endpoint].
const (
	AuthURL  = "https://cloud.ouraring.com/oauth/authorize"
	TokenURL = "https://api.ouraring.com/oauth/token"
)

// DefaultEndpoint returns Oura's documented endpoint. Oura takes the client
// credentials in the form body, so the auth style is set to avoid probing.
func DefaultEndpoint() oauth2.Endpoint {
	return oauth2.Endpoint{AuthURL: AuthURL, TokenURL: TokenURL, AuthStyle: oauth2.AuthStyleInParams}
}

// Scope is an OAuth2 scope of the Oura API. The API has grown scopes that its
// published document does not list and renamed others; the constants below
// are the ones the live API enforces. Unknown scopes are silently dropped
// from the consent screen and only fail later with 401 or 403.
type Scope string

// Scopes.
const (
	ScopeEmail             Scope = "email"              // the user's email address
	ScopePersonal          Scope = "personal"           // age, sex, height, weight
	ScopeDaily             Scope = "daily"              // daily sleep, activity, readiness and sleep periods
	ScopeHeartRate         Scope = "heartrate"          // the heart-rate time series
	ScopeWorkout           Scope = "workout"            // workouts
	ScopeTag               Scope = "tag"                // tags and enhanced tags
	ScopeSession           Scope = "session"            // guided and unguided sessions
	ScopeSpO2              Scope = "spo2"               // blood-oxygen averages (was "spo2Daily")
	ScopeSpO2Daily         Scope = "spo2Daily"          // the older name of ScopeSpO2
	ScopeHeartHealth       Scope = "heart_health"       // cardiovascular age and VO2 max
	ScopeStress            Scope = "stress"             // daily stress and resilience
	ScopeRingConfiguration Scope = "ring_configuration" // ring model, colour, firmware
)

// AllScopes returns every current scope (not the legacy spo2Daily).
func AllScopes() []Scope {
	return []Scope{ScopeEmail, ScopePersonal, ScopeDaily, ScopeHeartRate, ScopeWorkout, ScopeTag,
		ScopeSession, ScopeSpO2, ScopeHeartHealth, ScopeStress, ScopeRingConfiguration}
}

// NormalizeScope strips the "extapi:" prefix Oura may put on granted scopes
// and maps the legacy spo2Daily to spo2.
func NormalizeScope(s string) Scope {
	s = strings.TrimPrefix(strings.TrimSpace(s), "extapi:")
	if Scope(s) == ScopeSpO2Daily {
		return ScopeSpO2
	}
	return Scope(s)
}

// GrantedScopes returns the normalised scopes of a token response's "scope"
// field, or nil when the token does not say.
func GrantedScopes(t *oauth2.Token) []Scope {
	if t == nil {
		return nil
	}
	raw, _ := t.Extra("scope").(string)
	var out []Scope
	for _, f := range strings.Fields(raw) {
		out = append(out, NormalizeScope(f))
	}
	return out
}

// MissingScopes returns the scopes of want that the token was not granted.
// When the token does not list its scopes it returns nil: nothing is known
// to be missing.
func MissingScopes(t *oauth2.Token, want ...Scope) []Scope {
	got := GrantedScopes(t)
	if got == nil {
		return nil
	}
	var missing []Scope
	for _, w := range want {
		found := false
		for _, g := range got {
			if g == NormalizeScope(string(w)) {
				found = true
				break
			}
		}
		if !found {
			missing = append(missing, w)
		}
	}
	return missing
}

// NewState returns a fresh random OAuth2 state value (256 bits, URL-safe).
// Keep it (in a cookie or session) and compare it with [CheckState] when the
// user comes back to the redirect URL.
func NewState() (string, error) {
	var b [32]byte
	if _, err := io.ReadFull(rand.Reader, b[:]); err != nil {
		return "", fmt.Errorf("oura: new state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// CheckState compares the state returned to the redirect URL with the one
// issued, in constant time. It returns an error wrapping [ErrStateMismatch]
// when they differ or either is empty.
func CheckState(got, want string) error {
	if got == "" || want == "" || subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return ErrStateMismatch
	}
	return nil
}

// TokenSource supplies the token of each user-data request. It must be safe
// for concurrent use.
type TokenSource interface {
	Token(ctx context.Context) (*oauth2.Token, error)
}

// Refresher is a TokenSource that can replace a token Oura refused with 401.
// Refresh returns a new token unless the current one already differs from
// rejected (another request refreshed it first).
type Refresher interface {
	TokenSource
	Refresh(ctx context.Context, rejected *oauth2.Token) (*oauth2.Token, error)
}

// StaticToken returns a TokenSource that always supplies the same bearer
// token (a personal access token, or a token for the sandbox and tests),
// held as a [Secret]. It never refreshes.
func StaticToken(accessToken string) TokenSource { return staticToken{tok: NewSecret(accessToken)} }

type staticToken struct{ tok Secret }

// Token returns the static token.
func (s staticToken) Token(context.Context) (*oauth2.Token, error) {
	if s.tok.IsZero() {
		return nil, fmt.Errorf("%w: empty static token", ErrNotConfigured)
	}
	return &oauth2.Token{AccessToken: s.tok.Reveal(), TokenType: "Bearer"}, nil
}

// String describes the source without its token.
func (s staticToken) String() string { return "oura.StaticToken(" + redacted + ")" }

// GoString is String.
func (s staticToken) GoString() string { return s.String() }

// Format writes String for every verb.
func (s staticToken) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue implements [slog.LogValuer] without the token.
func (s staticToken) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON encodes String.
func (s staticToken) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

// OAuthConfig is an Oura OAuth2 application: the authorization-code flow,
// the token exchange and refreshing token sources.
type OAuthConfig struct {
	ClientID     string
	ClientSecret Secret
	RedirectURL  string
	Scopes       []Scope
	// Endpoint holds the authorize and token URLs; the zero value means
	// DefaultEndpoint(). Set TokenURL for apps of the newer developer portal.
	Endpoint oauth2.Endpoint
	// HTTPClient makes the token calls; nil means a client with a 30 s
	// timeout (never http.DefaultClient).
	HTTPClient *http.Client
	// RefreshBefore is how long before expiry a token is refreshed; zero
	// means 5 minutes.
	RefreshBefore time.Duration
	// Now is the clock token expiry is judged by; nil means time.Now.
	Now func() time.Time
}

// String describes the configuration without its secret. It and the other
// forms below have value receivers, so an OAuthConfig redacts itself
// whether it is printed as a value or through a pointer.
func (c OAuthConfig) String() string {
	return fmt.Sprintf("oura.OAuthConfig{ClientID: %q, ClientSecret: %s, RedirectURL: %q, Scopes: %v}",
		c.ClientID, redacted, c.RedirectURL, c.Scopes)
}

// GoString is String.
func (c OAuthConfig) GoString() string { return c.String() }

// Format writes String for every verb.
func (c OAuthConfig) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, c.String()) }

// LogValue implements [slog.LogValuer] without the secret.
func (c OAuthConfig) LogValue() slog.Value {
	return slog.GroupValue(slog.String("client_id", c.ClientID), slog.String("client_secret", redacted),
		slog.String("redirect_url", c.RedirectURL), slog.Any("scopes", c.Scopes))
}

// MarshalJSON encodes what LogValue shows, so a configuration logged inside
// another value by slog's JSON handler shows no secret either.
func (c OAuthConfig) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		ClientID     string  `json:"client_id"`
		ClientSecret string  `json:"client_secret"`
		RedirectURL  string  `json:"redirect_url,omitempty"`
		Scopes       []Scope `json:"scopes,omitempty"`
	}{c.ClientID, redacted, c.RedirectURL, c.Scopes})
}

func (c *OAuthConfig) oauth2() *oauth2.Config {
	ep := c.Endpoint
	if ep.AuthURL == "" && ep.TokenURL == "" {
		ep = DefaultEndpoint()
	}
	scopes := make([]string, len(c.Scopes))
	for i, s := range c.Scopes {
		scopes[i] = string(s)
	}
	return &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(), Endpoint: ep, RedirectURL: c.RedirectURL, Scopes: scopes}
}

func (c *OAuthConfig) httpClient() *http.Client {
	if c.HTTPClient != nil {
		return c.HTTPClient
	}
	return &http.Client{Timeout: 30 * time.Second, Transport: newTransport()}
}

// AuthCodeURL returns the URL to send the user to for consent. state should
// come from [NewState].
func (c *OAuthConfig) AuthCodeURL(state string, opts ...oauth2.AuthCodeOption) string {
	return c.oauth2().AuthCodeURL(state, opts...)
}

// Exchange trades the authorization code of the redirect for a token. The
// code lives about ten minutes and works once.
func (c *OAuthConfig) Exchange(ctx context.Context, code string, opts ...oauth2.AuthCodeOption) (*oauth2.Token, error) {
	if code == "" {
		return nil, &ParamError{Param: "code", Reason: "empty authorization code"}
	}
	ctx = context.WithValue(ctx, oauth2.HTTPClient, c.httpClient())
	conf := c.oauth2()
	t, err := conf.Exchange(ctx, code, opts...)
	if err != nil {
		return nil, tokenError("exchange authorization code", err, code, conf.ClientSecret)
	}
	return t, nil
}

// PersistFunc stores a token the source obtained by refreshing. Oura rotates
// refresh tokens: the old one stops working once the new one is issued, so
// the new one must be stored (atomically) before it is used.
// The *oauth2.Token it is given is x/oauth2's type, which prints its tokens:
// store it, never log it.
type PersistFunc func(ctx context.Context, t *oauth2.Token) error

// LoadFunc reads the token as storage holds it now, the counterpart of
// [PersistFunc] for a token that several processes share; nil (with a nil
// error) when storage holds none.
type LoadFunc func(ctx context.Context) (*oauth2.Token, error)

// TokenSourceOption configures a source made by [OAuthConfig.TokenSource].
type TokenSourceOption func(*OAuthTokenSource)

// DefaultReloadWait is how long a source made with [WithReload] waits, by
// default, for another process to store the token that replaced a refused
// refresh token.
const DefaultReloadWait = 5 * time.Second

// WithReload makes a source share its token with other processes through
// the storage its persist function writes and load reads.
//
// Oura rotates refresh tokens and refuses a used one with invalid_grant.
// When two processes find the shared token expired at once, both refresh
// with the same refresh token: Oura answers the first and refuses the
// second, although the first is about to store a token that works. After
// an invalid_grant the source therefore calls load, and when storage holds
// a token with another refresh token it adopts that token (refreshing it in
// turn if it has expired too). While storage still holds the refused
// refresh token (the other process may not have stored its token yet) it
// reads again, backing off, for up to wait (zero means
// [DefaultReloadWait]). Only a refresh token that is still the stored one
// after that is reported refused, matching [ErrUnauthorized].
func WithReload(load LoadFunc, wait time.Duration) TokenSourceOption {
	return func(s *OAuthTokenSource) {
		if wait <= 0 {
			wait = DefaultReloadWait
		}
		s.load, s.reloadWait = load, wait
	}
}

// TokenSource returns a source that supplies tok while it is fresh and
// refreshes it RefreshBefore its expiry and once when Oura answers 401.
// persist is called with every refreshed token before it is used; when it
// fails the call fails, the new token is kept in memory and persist is tried
// again on the next call. persist may be nil only when losing a rotated
// refresh token is acceptable. When other processes use the same token,
// add [WithReload].
func (c *OAuthConfig) TokenSource(tok *oauth2.Token, persist PersistFunc, opts ...TokenSourceOption) *OAuthTokenSource {
	early := c.RefreshBefore
	if early <= 0 {
		early = 5 * time.Minute
	}
	var cur *oauth2.Token
	if tok != nil {
		cp := *tok
		cur = &cp
	}
	now := c.Now
	if now == nil {
		now = time.Now
	}
	s := &OAuthTokenSource{conf: c.oauth2(), hc: c.httpClient(), early: early, persist: persist, cur: cur, now: now,
		turn: make(chan struct{}, 1)}
	for _, opt := range opts {
		if opt != nil {
			opt(s)
		}
	}
	return s
}

// OAuthTokenSource is a refreshing [TokenSource] built by
// [OAuthConfig.TokenSource]. It is safe for concurrent use: concurrent
// requests share one refresh, and a request waiting for another's refresh
// stops waiting when its context ends.
type OAuthTokenSource struct {
	conf    *oauth2.Config
	hc      *http.Client
	early   time.Duration
	persist PersistFunc
	now     func() time.Time
	// load and reloadWait come from WithReload; load is nil without it.
	load       LoadFunc
	reloadWait time.Duration

	// turn is held by the one caller that refreshes or persists; taking it
	// honours the caller's context.
	turn chan struct{}

	mu        sync.Mutex // guards the fields below; never held during I/O
	cur       *oauth2.Token
	unsaved   bool // cur came from a refresh whose persist failed
	refreshes int
}

var _ Refresher = (*OAuthTokenSource)(nil)

// Token returns the current token, refreshing it first when it expires
// within RefreshBefore.
func (s *OAuthTokenSource) Token(ctx context.Context) (*oauth2.Token, error) {
	if t := s.usable(); t != nil {
		return t, nil
	}
	if err := s.takeTurn(ctx); err != nil {
		return nil, err
	}
	defer s.endTurn()
	if err := s.saveUnsaved(ctx); err != nil {
		return nil, err
	}
	if t := s.usable(); t != nil {
		return t, nil // another caller refreshed while this one waited
	}
	return s.refresh(ctx)
}

// Refresh replaces rejected with a new token, unless the current token is
// already another one.
func (s *OAuthTokenSource) Refresh(ctx context.Context, rejected *oauth2.Token) (*oauth2.Token, error) {
	if err := s.takeTurn(ctx); err != nil {
		return nil, err
	}
	defer s.endTurn()
	if err := s.saveUnsaved(ctx); err != nil {
		return nil, err
	}
	s.mu.Lock()
	cur := s.cur
	s.mu.Unlock()
	if cur != nil && rejected != nil && cur.AccessToken != rejected.AccessToken {
		return cur, nil
	}
	return s.refresh(ctx)
}

// Current returns a copy of the token the source holds now, without
// refreshing it (nil when it holds none), and whether that token is
// pending: obtained by a refresh whose persist has not succeeded yet, so
// storage still holds an older token. The copy is x/oauth2's type, which prints its
// tokens: compare it, never log it.
func (s *OAuthTokenSource) Current() (tok *oauth2.Token, pending bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return nil, s.unsaved
	}
	cp := *s.cur
	return &cp, s.unsaved
}

// Refreshes returns how many times the source refreshed its token.
func (s *OAuthTokenSource) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes
}

// takeTurn waits until no other caller refreshes or persists, or until ctx
// ends.
func (s *OAuthTokenSource) takeTurn(ctx context.Context) error {
	select {
	case s.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("oura: wait for the token refresh: %w", ctx.Err())
	}
}

func (s *OAuthTokenSource) endTurn() { <-s.turn }

// usable returns the current token when it is stored and fresh, else nil.
func (s *OAuthTokenSource) usable() *oauth2.Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.unsaved || !s.fresh(s.cur) {
		return nil
	}
	return s.cur
}

// fresh reports whether t has an access token that does not expire within
// the refresh margin.
func (s *OAuthTokenSource) fresh(t *oauth2.Token) bool {
	return t != nil && t.AccessToken != "" && (t.Expiry.IsZero() || s.now().Add(s.early).Before(t.Expiry))
}

// maxAdoptions bounds how many stored tokens one refresh adopts after
// invalid_grant answers, should every one of them be refused in turn.
const maxAdoptions = 4

// refresh trades the refresh token for a new token and persists it. When
// the token endpoint refuses the refresh token as invalid_grant and the
// source reloads (WithReload), it adopts a token another process stored
// instead. The caller holds the turn.
func (s *OAuthTokenSource) refresh(ctx context.Context) (*oauth2.Token, error) {
	s.mu.Lock()
	cur := s.cur
	s.mu.Unlock()
	if cur == nil || cur.RefreshToken == "" {
		return nil, fmt.Errorf("oura: token expired and no refresh token is set: %w", ErrUnauthorized)
	}
	refused := map[string]bool{}
	var t *oauth2.Token
	for {
		var err error
		if t, err = s.exchange(ctx, cur); err == nil {
			break
		}
		if s.load == nil || !grantRefused(err) || len(refused) >= maxAdoptions {
			return nil, err
		}
		refused[cur.RefreshToken] = true
		next, lerr := s.reload(ctx, refused)
		if lerr != nil {
			return nil, fmt.Errorf("%v, and reading the stored token failed: %w", err, lerr)
		}
		if next == nil {
			return nil, err
		}
		s.mu.Lock()
		s.cur = next
		s.mu.Unlock()
		if s.fresh(next) {
			return next, nil
		}
		if next.RefreshToken == "" {
			return nil, fmt.Errorf("oura: the stored token expired and has no refresh token: %w", ErrUnauthorized)
		}
		cur = next
	}
	if t.RefreshToken == "" {
		t.RefreshToken = cur.RefreshToken
	}
	s.mu.Lock()
	s.cur, s.unsaved = t, true
	s.refreshes++
	s.mu.Unlock()
	if err := s.saveUnsaved(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// exchange asks the token endpoint for a new token for cur's refresh token.
func (s *OAuthTokenSource) exchange(ctx context.Context, cur *oauth2.Token) (*oauth2.Token, error) {
	rctx := context.WithValue(ctx, oauth2.HTTPClient, s.hc)
	t, err := s.conf.TokenSource(rctx, &oauth2.Token{RefreshToken: cur.RefreshToken}).Token()
	if err != nil {
		return nil, tokenError("refresh token", err, cur.RefreshToken, cur.AccessToken, s.conf.ClientSecret)
	}
	return t, nil
}

// grantRefused reports whether the token endpoint refused the refresh token
// itself (invalid_grant): used, rotated away or revoked.
func grantRefused(err error) bool {
	var te *TokenError
	return errors.As(err, &te) && te.Code == "invalid_grant"
}

// reload reads the stored token until it carries a refresh token that is
// not among refused, backing off between reads, for up to reloadWait. It
// returns nil when storage holds no token, or still a refused one when the
// wait is over.
func (s *OAuthTokenSource) reload(ctx context.Context, refused map[string]bool) (*oauth2.Token, error) {
	deadline := time.Now().Add(s.reloadWait)
	pause := 10 * time.Millisecond
	for {
		t, err := s.load(ctx)
		if err != nil {
			return nil, err
		}
		if t == nil || t.AccessToken == "" {
			return nil, nil
		}
		if !refused[t.RefreshToken] {
			cp := *t
			return &cp, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			return nil, nil
		}
		timer := time.NewTimer(min(pause, left))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil, fmt.Errorf("oura: wait for the stored token: %w", ctx.Err())
		case <-timer.C:
		}
		pause = min(2*pause, 250*time.Millisecond)
	}
}

// saveUnsaved persists the current token if a refresh left it unsaved. The
// caller holds the turn.
func (s *OAuthTokenSource) saveUnsaved(ctx context.Context) error {
	s.mu.Lock()
	unsaved, cur := s.unsaved, s.cur
	s.mu.Unlock()
	if !unsaved {
		return nil
	}
	if s.persist != nil {
		cp := *cur
		if err := s.persist(ctx, &cp); err != nil {
			return fmt.Errorf("oura: persist refreshed token: %w", err)
		}
	}
	s.mu.Lock()
	s.unsaved = false
	s.mu.Unlock()
	return nil
}

// String describes the source without any token.
func (s *OAuthTokenSource) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp := "none"
	if s.cur != nil && !s.cur.Expiry.IsZero() {
		exp = s.cur.Expiry.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("oura.OAuthTokenSource{token: %s, expiry: %s, refreshes: %d}", redacted, exp, s.refreshes)
}

// GoString is String.
func (s *OAuthTokenSource) GoString() string { return s.String() }

// Format writes String for every verb.
func (s *OAuthTokenSource) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, s.String()) }

// LogValue implements [slog.LogValuer] without any token.
func (s *OAuthTokenSource) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalJSON encodes String.
func (s *OAuthTokenSource) MarshalJSON() ([]byte, error) { return json.Marshal(s.String()) }

var (
	_ redactor = OAuthConfig{}
	_ redactor = staticToken{}
	_ redactor = (*OAuthTokenSource)(nil)
)

// TokenError is a failure of the token endpoint. It carries the OAuth2 error
// code and description, never the request or response body. Codes that mean
// the grant is gone (invalid_grant, invalid_client, unauthorized_client) and
// statuses 400 and 401 match [ErrUnauthorized].
type TokenError struct {
	Op          string // "refresh token" or "exchange authorization code"
	StatusCode  int    // HTTP status of the token endpoint, 0 for a network error
	Code        string // RFC 6749 error code, e.g. invalid_grant
	Description string // RFC 6749 error_description
	Err         error  // the cause when it is not an answer of the endpoint
}

// Error implements error.
func (e *TokenError) Error() string {
	var b strings.Builder
	b.WriteString("oura: " + e.Op)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": status %d", e.StatusCode)
	}
	if e.Code != "" {
		b.WriteString(": " + e.Code)
	}
	if e.Description != "" {
		b.WriteString(": " + e.Description)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause of a network failure.
func (e *TokenError) Unwrap() error { return e.Err }

// Is matches [ErrUnauthorized] when the grant was refused.
func (e *TokenError) Is(target error) bool {
	if target != ErrUnauthorized {
		return false
	}
	switch e.Code {
	case "invalid_grant", "invalid_client", "unauthorized_client", "invalid_request":
		return true
	}
	return e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusUnauthorized
}

// tokenError turns an oauth2 error into a [*TokenError] free of secrets:
// the body is dropped, and the secrets the request carried are redacted
// from the code and description, which an endpoint may have quoted them in.
func tokenError(op string, err error, secrets ...string) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		te := &TokenError{Op: op, Code: redactSecrets(re.ErrorCode, secrets), Description: redactSecrets(re.ErrorDescription, secrets)}
		if re.Response != nil {
			te.StatusCode = re.Response.StatusCode
		}
		return te
	}
	return &TokenError{Op: op, Err: sanitizeURLError(err)}
}
