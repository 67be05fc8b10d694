package api

import (
	"context"
	"net/http"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

// What a host serving pages of its own beside the API (the example
// server's dashboard) borrows from it: the API's request handling, the
// sign-in bucket, pairing codes, and Oura's consent page. The host does its
// own authentication (a session cookie, say).

// Observe serves h behind the API's request ids, security headers, access
// log, metrics and panic recovery, as the API's own routes are. h does its
// own authentication; the matched pattern of a ServeMux inside h labels the
// log line and the metrics.
func (a *API) Observe(h http.Handler) http.Handler { return a.outer(h) }

// AllowSignIn takes a token from the bucket of r's client address that
// limits sign-in attempts (the bucket of POST /v1/auth/pair and of refused
// tokens). When it is empty it reports false and how long until the next
// attempt may be made.
func (a *API) AllowSignIn(r *http.Request) (bool, time.Duration) {
	return a.authIPs.allow(ipKey(a.clientIP(r)))
}

// NewPairingCode makes a pairing code for the person, as POST
// /v1/me/pairing-codes does, and returns it with its expiry.
func (a *API) NewPairingCode(ctx context.Context, user uuid.UUID) (string, time.Time, error) {
	code := newPairingCode()
	c, err := a.svc.CreatePairingCode(ctx, user, pairingHash(code))
	if err != nil {
		return "", time.Time{}, err
	}
	return code, c.ExpiresAt, nil
}

// PairDevice signs a new device in with a pairing code, as POST
// /v1/auth/pair does, and returns the device. Its refresh token is made
// but not handed out: a host that pairs a browser keeps a session of its
// own and ends it by deleting the device.
func (a *API) PairDevice(ctx context.Context, code, name string) (lifeops.Device, error) {
	if code == "" || len(code) > 64 {
		return lifeops.Device{}, &lifeops.ValidationError{Field: "code", Reason: "is required: the code the person's device shows"}
	}
	g, err := a.svc.Pair(ctx, pairingHash(code), name, a.refreshHash)
	if err != nil {
		return lifeops.Device{}, err
	}
	return g.Device, nil
}

// OuraConsentURL returns the address of Oura's consent page for the
// person, as GET /v1/me/oura/connect redirects to; "" when no Oura
// application is configured.
func (a *API) OuraConsentURL(user uuid.UUID) string {
	if a.cfg.Oura == nil || a.cfg.Oura.OAuth == nil {
		return ""
	}
	return a.cfg.Oura.OAuth.AuthCodeURL(a.newState(user))
}
