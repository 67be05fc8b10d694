package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

// Token formats. Every secret carries a prefix naming its kind, so that a
// secret scanner can tell a leaked LifeOps token; the store keeps only its
// SHA-256 hash.
const (
	refreshPrefix  = "lo_rt_"  // a device's refresh token
	personalPrefix = "lo_pat_" // a personal access token
	calendarPrefix = "lo_cal_" // the calendar feed's token
)

// Token lifetimes.
const (
	// AccessTokenLifetime is how long an access token (a JWT) is good for.
	AccessTokenLifetime = 15 * time.Minute
	// jwtLeeway is the clock skew allowed on exp, nbf and iat.
	jwtLeeway = 10 * time.Second
	// maxTokenLen bounds a bearer token: a longer header is refused before
	// any parsing.
	maxTokenLen = 4096
)

// Keys holds the server's secrets: the HMAC-SHA256 key that signs access
// tokens, and one derived from it for refresh tokens. Create it with
// [NewKeys].
type Keys struct {
	sign    []byte
	refresh []byte
}

// NewKeys returns the keys made from secret, at least 32 random bytes.
func NewKeys(secret []byte) (*Keys, error) {
	if len(secret) < 32 {
		return nil, fmt.Errorf("api: the signing key must have at least 32 bytes, got %d", len(secret))
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("lifeops refresh tokens v1"))
	return &Keys{sign: append([]byte(nil), secret...), refresh: m.Sum(nil)}, nil
}

// String hides the keys.
func (k *Keys) String() string { return "api.Keys{[REDACTED]}" }

// GoString hides the keys.
func (k *Keys) GoString() string { return k.String() }

// accessClaims are the claims of an access token: the person is the
// subject, the device a claim of its own.
type accessClaims struct {
	jwt.RegisteredClaims
	Device string `json:"did"`
}

// signAccess returns an access token for the person's device.
func (a *API) signAccess(user, device uuid.UUID) (string, error) {
	now := a.now()
	c := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer: a.cfg.Issuer, Subject: user.String(), Audience: jwt.ClaimStrings{a.cfg.Audience},
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(AccessTokenLifetime)), ID: uuid.NewString(),
		},
		Device: device.String(),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(a.cfg.Keys.sign)
}

// parseAccess checks an access token: signed by this server with HS256
// (no other algorithm, none included), issued by it for its audience, not
// expired, not before its time. Any error refuses the token.
func (a *API) parseAccess(tok string) (user, device uuid.UUID, err error) {
	var c accessClaims
	_, err = jwt.ParseWithClaims(tok, &c, func(t *jwt.Token) (any, error) {
		if _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok {
			return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
		}
		return a.cfg.Keys.sign, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(a.cfg.Issuer), jwt.WithAudience(a.cfg.Audience),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithLeeway(jwtLeeway),
		jwt.WithTimeFunc(a.now))
	if err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	if user, err = uuid.Parse(c.Subject); err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	if device, err = uuid.Parse(c.Device); err != nil {
		return uuid.Nil, uuid.Nil, err
	}
	return user, device, nil
}

// refreshToken is the refresh token whose id is id: derived from the
// refresh key, so a repeated refresh can be answered with it again.
func (a *API) refreshToken(id uuid.UUID) string {
	m := hmac.New(sha256.New, a.cfg.Keys.refresh)
	m.Write(id[:])
	return refreshPrefix + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// refreshHash is the lifeops.TokenHasher of refresh tokens.
func (a *API) refreshHash(id uuid.UUID) []byte { return hashToken(a.refreshToken(id)) }

// hashToken is the stored hash of a token.
func hashToken(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// randomToken returns prefix and 32 random bytes, base64url.
func randomToken(prefix string) string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return prefix + base64.RawURLEncoding.EncodeToString(b[:])
}

// pairingAlphabet has no letters that read like digits (I, L, O, U).
const pairingAlphabet = "ABCDEFGHJKMNPQRSTVWXYZ23456789"

// newPairingCode returns a code of ten characters (about 49 bits) as
// "ABCDE-FGHJK".
func newPairingCode() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	out := make([]byte, 0, 11)
	for i, c := range b {
		if i == 5 {
			out = append(out, '-')
		}
		out = append(out, pairingAlphabet[int(c)%len(pairingAlphabet)])
	}
	return string(out)
}

// pairingHash is the stored hash of a pairing code as typed: case, spaces
// and dashes do not matter.
func pairingHash(code string) []byte {
	norm := strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case 'a' <= r && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, code)
	return hashToken("lifeops pairing code " + norm)
}

// authKind says who may call a route.
type authKind int

const (
	authNone     authKind = iota // anyone
	authPerson                   // a person's device or personal token (read scope for GET)
	authAdmin                    // the admin token
	authCalendar                 // authPerson, or the calendar token (also as ?token=)
)

// principal is who made a request.
type principal struct {
	kind   string // "device", "token", "calendar" or "admin"
	user   uuid.UUID
	device uuid.UUID // for kind "device"
	token  uuid.UUID // for kinds "token" and "calendar"
	scope  lifeops.Scope
}

// limitKey is the key of the caller's rate-limit bucket.
func (p *principal) limitKey() string {
	switch p.kind {
	case "device":
		return "device:" + p.device.String()
	case "admin":
		return "admin"
	}
	return "token:" + p.token.String()
}

type userKey struct{}

// userOf returns the person a request acts for.
func userOf(r *http.Request) uuid.UUID {
	p, _ := r.Context().Value(userKey{}).(*principal)
	if p == nil {
		return uuid.Nil
	}
	return p.user
}

var errNoAuth = errorf(string(lifeops.CodeUnauthorized), "Send a bearer token: Authorization: Bearer <token>.")

// errBadToken is the one answer to a token that is refused, whatever
// check refused it.
var errBadToken = errorf(string(lifeops.CodeUnauthorized), "The access token is not valid or has expired.")

// authenticate finds who sent r for a route of kind k.
func (a *API) authenticate(ctx context.Context, r *http.Request, k authKind) (*principal, error) {
	tok, ok := bearer(r)
	if !ok && k == authCalendar {
		if q := r.URL.Query()["token"]; len(q) == 1 {
			tok, ok = q[0], true
		}
	}
	if !ok {
		return nil, errNoAuth
	}
	if len(tok) > maxTokenLen {
		return nil, errBadToken
	}
	if k == authAdmin {
		if a.admin == nil || subtle.ConstantTimeCompare(hashToken(tok), a.admin) != 1 {
			return nil, errorf(codeForbidden, "This route needs the admin token.")
		}
		return &principal{kind: "admin", scope: lifeops.ScopeWrite}, nil
	}
	switch {
	case strings.HasPrefix(tok, personalPrefix), strings.HasPrefix(tok, calendarPrefix):
		t, err := a.svc.PersonalTokenByHash(ctx, hashToken(tok))
		if err != nil {
			if errors.Is(err, lifeops.ErrUnauthorized) {
				return nil, errBadToken
			}
			return nil, err
		}
		kind := "token"
		if t.Scope == lifeops.ScopeCalendar {
			kind = "calendar"
		}
		return &principal{kind: kind, user: t.UserID, token: t.ID, scope: t.Scope}, nil
	case strings.Count(tok, ".") == 2:
		user, device, err := a.parseAccess(tok)
		if err != nil {
			return nil, errBadToken
		}
		d, err := a.svc.Device(ctx, user, device)
		if errors.Is(err, lifeops.ErrNotFound) || err == nil && d.Revoked() {
			return nil, errBadToken
		} else if err != nil {
			return nil, err
		}
		return &principal{kind: "device", user: user, device: device, scope: lifeops.ScopeWrite}, nil
	}
	if a.admin != nil && subtle.ConstantTimeCompare(hashToken(tok), a.admin) == 1 {
		return nil, errorf(codeForbidden, "The admin token acts on no person: use a device or personal token.")
	}
	return nil, errBadToken
}

// bearer returns the token of an Authorization: Bearer header.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// permits reports whether p may call a route of kind k with method.
func permits(p *principal, k authKind, method string) error {
	read := method == http.MethodGet || method == http.MethodHead
	switch {
	case p.kind == "calendar" && k != authCalendar:
		return errorf(codeForbidden, "The calendar token only reads the calendar feed.")
	case p.scope == lifeops.ScopeRead && !read:
		return errorf(codeForbidden, "This token has the read scope: it cannot change anything.")
	}
	return nil
}

// grantResponse is what signing a device in answers.
type grantResponse struct {
	DeviceID     uuid.UUID `json:"device_id"`
	AccessToken  string    `json:"access_token"`
	RefreshToken string    `json:"refresh_token"`
	TokenType    string    `json:"token_type"`
	ExpiresIn    int       `json:"expires_in"`
}

// grant answers a device grant with a fresh access token.
func (a *API) grant(g lifeops.DeviceGrant) (grantResponse, error) {
	access, err := a.signAccess(g.Device.UserID, g.Device.ID)
	if err != nil {
		return grantResponse{}, err
	}
	return grantResponse{DeviceID: g.Device.ID, AccessToken: access, RefreshToken: a.refreshToken(g.Refresh.ID),
		TokenType: "Bearer", ExpiresIn: int(AccessTokenLifetime / time.Second)}, nil
}
