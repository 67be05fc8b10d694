package ouratest

import (
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Scopes the server knows. Tokens issued without a scope list get all of
// them; "spo2Daily" is read as "spo2" and an "extapi:" prefix is dropped.
// The scopes each route needs:
//
//	daily               daily_activity, daily_readiness, daily_sleep, sleep, sleep_time, rest_mode_period, ring_battery_level
//	heartrate           heartrate
//	workout             workout
//	session             session
//	tag                 tag, enhanced_tag
//	spo2                daily_spo2
//	stress              daily_stress, daily_resilience
//	heart_health        daily_cardiovascular_age, vO2_max
//	ring_configuration  ring_configuration
//	personal            age, weight, height and biological_sex in personal_info
//	email               email in personal_info
func allScopes() []string {
	return []string{"email", "personal", "daily", "heartrate", "workout", "tag", "session", "spo2", "stress", "heart_health", "ring_configuration"}
}

func normScope(s string) string {
	s = strings.TrimPrefix(s, "extapi:")
	if s == "spo2Daily" {
		return "spo2"
	}
	return s
}

// grant is an access token (and its refresh token) given to a user.
type grant struct {
	userID   string
	clientID string
	scopes   []string
	access   string
	expiry   time.Time // zero: never
	refresh  string
	static   bool
	revoked  bool
}

func (g *grant) has(scope string) bool { return scope == "" || slices.Contains(g.scopes, scope) }

// authCode is an authorization code waiting to be exchanged.
type authCode struct {
	userID      string
	clientID    string // empty: any client
	redirectURI string // empty: any redirect URI
	scopes      []string
	expiry      time.Time
}

// Token is a token pair the server issued.
type Token struct {
	AccessToken  string
	RefreshToken string
	Expiry       time.Time // on the server's clock
	Scopes       []string
}

// newSecret draws a token string. Tokens are deterministic for a seed, like
// everything else. Called with s.mu held.
func (s *Server) newSecret(prefix string) string {
	s.tokenSeq++
	var b [16]byte
	a, c := hashKey(s.cfg.seed, tagSecret, s.tokenSeq), hashKey(s.cfg.seed, tagSecret, s.tokenSeq, 1)
	for i := range 8 {
		b[i], b[8+i] = byte(a>>(8*i)), byte(c>>(8*i))
	}
	return prefix + hex.EncodeToString(b[:])
}

// IssueToken gives user userID a new access and refresh token, as if the
// user had consented in the OAuth2 flow, with the given scopes (all when
// none). The access token expires after the token lifetime.
func (s *Server) IssueToken(userID string, scopes ...string) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[userID]; !ok {
		return Token{}, fmt.Errorf("ouratest: issue token: unknown user %q", userID)
	}
	g := s.newGrant(userID, s.cfg.clientOrder[0], scopes)
	return Token{AccessToken: g.access, RefreshToken: g.refresh, Expiry: g.expiry, Scopes: slices.Clone(g.scopes)}, nil
}

// newGrant issues a token pair. Called with s.mu held.
func (s *Server) newGrant(userID, clientID string, scopes []string) *grant {
	if len(scopes) == 0 {
		scopes = allScopes()
	}
	norm := make([]string, 0, len(scopes))
	for _, sc := range scopes {
		if sc = normScope(sc); sc != "" && !slices.Contains(norm, sc) {
			norm = append(norm, sc)
		}
	}
	g := &grant{
		userID:   userID,
		clientID: clientID,
		scopes:   norm,
		access:   s.newSecret("oat_"),
		refresh:  s.newSecret("ort_"),
		expiry:   s.nowLocked().Add(s.cfg.tokenLifetime),
	}
	s.grants[g.access] = g
	s.refresh[g.refresh] = g
	return g
}

// AuthorizationCode makes an authorization code for user userID with the
// given scopes (all when none), as the authorize page would after the user
// consented; it is single-use, lives 10 minutes, and may be exchanged by any
// registered client with any redirect URI.
func (s *Server) AuthorizationCode(userID string, scopes ...string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[userID]; !ok {
		return "", fmt.Errorf("ouratest: authorization code: unknown user %q", userID)
	}
	code := s.newSecret("code_")
	s.codes[code] = &authCode{userID: userID, scopes: scopes, expiry: s.nowLocked().Add(10 * time.Minute)}
	return code, nil
}

// RevokeToken revokes the grant an access or refresh token belongs to: both
// its tokens are answered with 401 (or invalid_grant) from now on. It reports
// whether the token was known.
func (s *Server) RevokeToken(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.revokeLocked(token)
}

func (s *Server) revokeLocked(token string) bool {
	g := s.grants[token]
	if g == nil {
		g = s.refresh[token]
	}
	if g == nil {
		return false
	}
	g.revoked = true
	delete(s.grants, g.access)
	delete(s.refresh, g.refresh)
	return true
}

// bearer is the request's bearer token, or "".
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// authenticate finds the user of a data request and checks the scope. On
// failure it has answered the request and returns nil.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request, scope string) (*user, *grant) {
	tok := bearer(r)
	if tok == "" {
		w.Header().Set("WWW-Authenticate", "Bearer")
		writeJSON(w, http.StatusUnauthorized, detail("Not authenticated"))
		return nil, nil
	}
	s.mu.Lock()
	g := s.grants[tok]
	now := s.nowLocked()
	var u *user
	if g != nil {
		u = s.users[g.userID]
	}
	s.mu.Unlock()
	switch {
	case g == nil || g.revoked || u == nil:
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, detail("Invalid or revoked access token"))
		return nil, nil
	case !g.expiry.IsZero() && !now.Before(g.expiry):
		w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token"`)
		writeJSON(w, http.StatusUnauthorized, detail("Access token expired"))
		return nil, nil
	}
	noteUser(r, u.ID)
	if u.Lapsed && scope != "" {
		writeJSON(w, http.StatusForbidden, detail("Oura membership required to access this data"))
		return nil, nil
	}
	if !g.has(scope) {
		writeJSON(w, http.StatusForbidden, detail(fmt.Sprintf("Missing scope: %s", scope)))
		return nil, nil
	}
	return u, g
}

// ---- OAuth2 endpoints ----

// handleAuthorize plays the consent page: it consents at once for the user
// named by the "user" query parameter (or the first user) and redirects back
// with a code and the state.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	clientID, redirect := q.Get("client_id"), q.Get("redirect_uri")
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.cfg.clients[clientID]; !ok {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_client", "unknown client_id"})
		return
	}
	if q.Get("response_type") != "code" {
		writeJSON(w, http.StatusBadRequest, oauthError{"unsupported_response_type", "response_type must be code"})
		return
	}
	back, err := url.Parse(redirect)
	if err != nil || !back.IsAbs() {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "redirect_uri must be an absolute URL"})
		return
	}
	userID := q.Get("user")
	if userID == "" {
		userID = s.order[0]
	}
	if _, ok := s.users[userID]; !ok {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "unknown user"})
		return
	}
	code := s.newSecret("code_")
	s.codes[code] = &authCode{userID: userID, clientID: clientID, redirectURI: redirect,
		scopes: strings.Fields(q.Get("scope")), expiry: s.nowLocked().Add(10 * time.Minute)}
	v := back.Query()
	v.Set("code", code)
	if st := q.Get("state"); st != "" {
		v.Set("state", st)
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

// handleToken is the token endpoint: authorization_code and refresh_token
// grants, client credentials in the body or in HTTP Basic. Refresh tokens
// rotate: each refresh returns a new one and the old one stops working.
func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "cannot read the form"})
		return
	}
	id, secret, basic := r.BasicAuth()
	if basic {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	want, ok := s.cfg.clients[id]
	if !ok || subtle.ConstantTimeCompare([]byte(want), []byte(secret)) != 1 {
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="oauth"`)
		}
		writeJSON(w, http.StatusUnauthorized, oauthError{"invalid_client", "client authentication failed"})
		return
	}
	now := s.nowLocked()
	var g *grant
	switch gt := r.PostForm.Get("grant_type"); gt {
	case "authorization_code":
		code := r.PostForm.Get("code")
		c := s.codes[code]
		delete(s.codes, code) // single use, even when the exchange fails
		switch {
		case c == nil || !now.Before(c.expiry):
			writeJSON(w, http.StatusBadRequest, oauthError{"invalid_grant", "authorization code is invalid, expired or used"})
			return
		case c.clientID != "" && c.clientID != id:
			writeJSON(w, http.StatusBadRequest, oauthError{"invalid_grant", "authorization code was issued to another client"})
			return
		case c.redirectURI != "" && c.redirectURI != r.PostForm.Get("redirect_uri"):
			writeJSON(w, http.StatusBadRequest, oauthError{"invalid_grant", "redirect_uri does not match"})
			return
		}
		g = s.newGrant(c.userID, id, c.scopes)
	case "refresh_token":
		old := s.refresh[r.PostForm.Get("refresh_token")]
		if old == nil || old.revoked || old.clientID != id {
			writeJSON(w, http.StatusBadRequest, oauthError{"invalid_grant", "refresh token is invalid, revoked or already used"})
			return
		}
		delete(s.refresh, old.refresh)
		g = s.newGrant(old.userID, id, old.scopes)
	default:
		writeJSON(w, http.StatusBadRequest, oauthError{"unsupported_grant_type", fmt.Sprintf("grant_type %q is not supported", gt)})
		return
	}
	writeJSON(w, http.StatusOK, tokenResponse{
		AccessToken:  g.access,
		TokenType:    "bearer",
		ExpiresIn:    int64(s.cfg.tokenLifetime / time.Second),
		RefreshToken: g.refresh,
		Scope:        strings.Join(g.scopes, " "),
	})
}

// handleRevoke revokes the grant of the token named by access_token (query)
// or token (form).
func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	tok := r.URL.Query().Get("access_token")
	if tok == "" {
		_ = r.ParseForm()
		tok = r.PostForm.Get("token")
	}
	if tok == "" {
		writeJSON(w, http.StatusBadRequest, oauthError{"invalid_request", "no token to revoke"})
		return
	}
	s.RevokeToken(tok)
	w.WriteHeader(http.StatusOK)
}
