package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

// Cookie names. Every cookie is HttpOnly, SameSite=Strict, on Prefix, and
// Secure when the request came over TLS (or Config.SecureCookies).
const (
	sessionCookie = "lifeops_session"
	flashCookie   = "lifeops_flash" // one message for the next page
	clockCookie   = "lifeops_clock" // "12" for a 12-hour clock
)

// Kinds of session: what the person signed in with.
const (
	kindDevice byte = 'd' // a pairing code: the browser is one of their devices
	kindToken  byte = 't' // a personal access token
)

// session is a signed-in person.
type session struct {
	kind     byte
	user     uuid.UUID
	id       uuid.UUID // the device or the personal token
	expires  time.Time
	readOnly bool // a token with the read scope
	profile  lifeops.User
	loc      *time.Location
	clock12  bool
}

// The session cookie: version, kind, user, device or token, expiry (Unix
// seconds), then an HMAC-SHA256 of those, base64url.
const sessionVersion = 1

func (d *Dashboard) sealSession(kind byte, user, id uuid.UUID, expires time.Time) string {
	b := make([]byte, 0, 42)
	b = append(b, sessionVersion, kind)
	b = append(b, user[:]...)
	b = append(b, id[:]...)
	b = binary.BigEndian.AppendUint64(b, uint64(expires.Unix()))
	m := hmac.New(sha256.New, d.key)
	m.Write(b)
	return base64.RawURLEncoding.EncodeToString(b) + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// openSession reads a session cookie's value: ok only when this
// dashboard sealed it (its expiry and what it names are checked by the
// caller).
func (d *Dashboard) openSession(value string) (*session, bool) {
	if len(value) > 200 {
		return nil, false
	}
	p, sig, ok := strings.Cut(value, ".")
	if !ok {
		return nil, false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(sig)
	if err1 != nil || err2 != nil || len(payload) != 42 || payload[0] != sessionVersion {
		return nil, false
	}
	m := hmac.New(sha256.New, d.key)
	m.Write(payload)
	if !hmac.Equal(mac, m.Sum(nil)) {
		return nil, false
	}
	s := &session{kind: payload[1]}
	s.user, _ = uuid.FromBytes(payload[2:18])
	s.id, _ = uuid.FromBytes(payload[18:34])
	s.expires = time.Unix(int64(binary.BigEndian.Uint64(payload[34:42])), 0)
	return s, true
}

// errNoSession: no session, or one that is not (or no longer) good.
var errNoSession = lifeops.Errorf(lifeops.CodeUnauthorized, "Sign in to see this page.")

// session returns the signed-in person of r: a cookie this dashboard
// signed, not expired, whose device is still there and not revoked, or
// whose token is still there and not expired.
func (d *Dashboard) session(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, errNoSession
	}
	s, ok := d.openSession(c.Value)
	if !ok {
		return nil, errNoSession
	}
	now := d.now()
	if !now.Before(s.expires) {
		return nil, errNoSession
	}
	ctx := r.Context()
	switch s.kind {
	case kindDevice:
		dev, err := d.svc.Device(ctx, s.user, s.id)
		if errors.Is(err, lifeops.ErrNotFound) || err == nil && (dev.Revoked() || !now.Before(dev.ExpiresAt())) {
			return nil, errNoSession
		} else if err != nil {
			return nil, err
		}
	case kindToken:
		toks, err := d.svc.PersonalTokens(ctx, s.user)
		if errors.Is(err, lifeops.ErrNotFound) {
			return nil, errNoSession
		} else if err != nil {
			return nil, err
		}
		found := false
		for _, t := range toks {
			if t.ID == s.id && !t.Expired(now) && t.Scope != lifeops.ScopeCalendar {
				found, s.readOnly = true, t.Scope == lifeops.ScopeRead
			}
		}
		if !found {
			return nil, errNoSession
		}
	default:
		return nil, errNoSession
	}
	u, err := d.svc.Profile(ctx, s.user)
	if errors.Is(err, lifeops.ErrNotFound) {
		return nil, errNoSession
	} else if err != nil {
		return nil, err
	}
	s.profile = u
	if s.loc, err = u.Location(); err != nil {
		return nil, err
	}
	if c, err := r.Cookie(clockCookie); err == nil && c.Value == "12" {
		s.clock12 = true
	}
	return s, nil
}

// setCookie sets a dashboard cookie; maxAge 0 makes it last as long as
// the browser session, a negative one deletes it.
func (d *Dashboard) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: value, Path: Prefix, MaxAge: maxAge,
		HttpOnly: true, Secure: r.TLS != nil || d.cfg.SecureCookies, SameSite: http.SameSiteStrictMode,
	})
}

func (d *Dashboard) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	d.setCookie(w, r, name, "", -1)
}

// flash leaves a message for the next page the browser shows.
func (d *Dashboard) flash(w http.ResponseWriter, r *http.Request, msg string) {
	if len(msg) > 300 {
		msg = strings.ToValidUTF8(msg[:300], "")
	}
	d.setCookie(w, r, flashCookie, base64.RawURLEncoding.EncodeToString([]byte(msg)), 60)
}

// takeFlash returns the message left for this page, and clears it.
func (d *Dashboard) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	d.clearCookie(w, r, flashCookie)
	msg, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || !utf8.Valid(msg) {
		return ""
	}
	return string(msg)
}

// signinView is the sign-in page.
type signinView struct {
	pageBase
	Error string
	Code  string // the pairing code typed, shown again after an error
}

func (d *Dashboard) signinPage(w http.ResponseWriter, r *http.Request, _ *session) error {
	if _, err := d.session(r); err == nil {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return nil
	}
	return d.render(w, r, http.StatusOK, "signin", &signinView{pageBase: pageBase{Title: "Sign in"}})
}

// tokenPrefix marks a personal access token; anything else typed is a
// pairing code.
const tokenPrefix = "lo_pat_"

// signin signs the person in with a pairing code (the browser becomes one
// of their devices) or a personal access token, each attempt taking a
// token of the client address's sign-in bucket.
func (d *Dashboard) signin(w http.ResponseWriter, r *http.Request, _ *session) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	secret := strings.TrimSpace(r.PostFormValue("secret"))
	view := &signinView{pageBase: pageBase{Title: "Sign in"}}
	fail := func(status int, msg string) error {
		view.Error = msg
		if !strings.HasPrefix(secret, tokenPrefix) && len(secret) <= 64 {
			view.Code = secret
		}
		return d.render(w, r, status, "signin", view)
	}
	if ok, retry := d.cfg.API.AllowSignIn(r); !ok {
		w.Header().Set("Retry-After", strconv.Itoa(int((retry+time.Second-1)/time.Second)))
		return fail(http.StatusTooManyRequests, "Too many sign-in attempts from this address; wait a minute and try again.")
	}
	if secret == "" {
		return fail(http.StatusBadRequest, "Type a pairing code or a personal access token.")
	}
	now := d.now()
	expires := now.Add(d.cfg.SessionLifetime)
	var kind byte
	var user, id uuid.UUID
	if strings.HasPrefix(secret, tokenPrefix) {
		if len(secret) > 4096 {
			return fail(http.StatusUnauthorized, "That token is not valid or has expired.")
		}
		h := sha256.Sum256([]byte(secret))
		t, err := d.svc.PersonalTokenByHash(r.Context(), h[:])
		if errors.Is(err, lifeops.ErrUnauthorized) || errors.Is(err, lifeops.ErrNotFound) || err == nil && (t.Expired(now) || t.Scope == lifeops.ScopeCalendar) {
			return fail(http.StatusUnauthorized, "That token is not valid or has expired.")
		} else if err != nil {
			return err
		}
		kind, user, id = kindToken, t.UserID, t.ID
		if !t.ExpiresAt.IsZero() && t.ExpiresAt.Before(expires) {
			expires = t.ExpiresAt
		}
	} else {
		dev, err := d.cfg.API.PairDevice(r.Context(), secret, browserName(r))
		if lifeops.ErrorCode(err) == lifeops.CodeUnauthorized || lifeops.ErrorCode(err) == lifeops.CodeNotFound || lifeops.ErrorCode(err) == lifeops.CodeInvalid {
			return fail(http.StatusUnauthorized, "That pairing code is not valid, was used already or has expired.")
		} else if err != nil {
			return err
		}
		kind, user, id = kindDevice, dev.UserID, dev.ID
		if e := dev.ExpiresAt(); e.Before(expires) {
			expires = e
		}
	}
	d.setCookie(w, r, sessionCookie, d.sealSession(kind, user, id, expires), int(expires.Sub(now)/time.Second))
	http.Redirect(w, r, Prefix, http.StatusSeeOther)
	return nil
}

// browserName names the device a browser becomes, from its User-Agent.
func browserName(r *http.Request) string {
	ua := r.UserAgent()
	name := "Web browser"
	for _, b := range []struct{ token, name string }{
		{"Edg/", "Edge"}, {"Firefox/", "Firefox"}, {"Chrome/", "Chrome"}, {"Safari/", "Safari"},
	} {
		if strings.Contains(ua, b.token) {
			name = b.name
			break
		}
	}
	for _, os := range []string{"Android", "iPhone", "iPad", "Windows", "Mac OS X", "Linux"} {
		if strings.Contains(ua, os) {
			return name + " on " + strings.TrimSuffix(os, " OS X")
		}
	}
	return name
}

// signout ends the session: a device session deletes the browser's
// device, so the cookie is worthless even if it was copied.
func (d *Dashboard) signout(w http.ResponseWriter, r *http.Request, s *session) error {
	if s.kind == kindDevice {
		if err := d.svc.DeleteDevice(r.Context(), s.user, s.id); err != nil && !errors.Is(err, lifeops.ErrNotFound) {
			return err
		}
	}
	d.clearCookie(w, r, sessionCookie)
	http.Redirect(w, r, "/app/signin", http.StatusSeeOther)
	return nil
}
