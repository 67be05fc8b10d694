package api

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/memstore"
)

// TestAccessControl is driven by the route table: every route naming one
// of the person's records answers 404 to another person's token; every
// admin route refuses a person's token; every person route refuses no
// token and a wrong one; lists never show another person's rows.
func TestAccessControl(t *testing.T) {
	t.Parallel()
	e := newEnv(t, memstore.New())
	_, ada := e.person("Ada")
	_, bob := e.person("Bob")
	var it lifeops.Item
	e.want(e.do(req{method: "POST", path: "/v1/me/timeline/items", token: ada.AccessToken, body: map[string]any{
		"title": "Ada's walk", "kind": "habit", "schedule": map[string]any{"type": "daily"},
		"anchor": map[string]any{"type": "fixed", "time": "07:00"}}}), 201, "Ada's item").json(t, &it)
	var pat tokenResponse
	e.want(e.do(req{method: "POST", path: "/v1/me/tokens", token: ada.AccessToken, body: map[string]any{"name": "a", "scope": "write", "expires_in_days": 1}}),
		201, "Ada's token").json(t, &pat)
	noteSecret(pat.Token)
	// One record of Ada's for every kind of id a route takes.
	ids := map[string]string{
		"/v1/me/devices/{id}":                      ada.DeviceID.String(),
		"/v1/me/tokens/{id}":                       pat.ID.String(),
		"/v1/me/timeline/items/{id}":               it.ID.String(),
		"/v1/me/timeline/items/{id}/complete":      it.ID.String(),
		"/v1/me/timeline/items/{id}/skip":          it.ID.String(),
		"/v1/me/timeline/items/{id}/postpone":      it.ID.String(),
		"/v1/me/timeline/items/{id}/events/{date}": it.ID.String(),
	}
	bodies := map[string]any{"PATCH": map[string]any{"title": "mine now"}, "POST": map[string]any{"minutes": 10}}
	checked := 0
	for _, rt := range e.api.table {
		method, path, _ := strings.Cut(rt.pattern, " ")
		switch rt.auth {
		case authAdmin:
			r := e.do(req{method: method, path: fill(path, uuid.NewString()), token: ada.AccessToken, body: map[string]any{"name": "x", "timezone": "UTC"}})
			if r.status != http.StatusForbidden {
				t.Errorf("%s with a person's token: %d, want 403", rt.pattern, r.status)
			}
		case authPerson, authCalendar:
			for _, tok := range []string{"", "not-a-token", "lo_pat_forged"} {
				if r := e.do(req{method: method, path: fill(path, uuid.NewString()), token: tok}); r.status != http.StatusUnauthorized || r.header.Get("WWW-Authenticate") == "" {
					t.Errorf("%s with token %q: %d, want 401 with WWW-Authenticate", rt.pattern, tok, r.status)
				}
			}
		}
		if rt.owned == "" {
			continue
		}
		id, ok := ids[path]
		if !ok {
			t.Errorf("%s names a record but the test has none of its kind: add one", rt.pattern)
			continue
		}
		checked++
		var body any
		if method == "POST" && strings.HasSuffix(path, "/postpone") || method == "PATCH" {
			body = bodies[method]
		}
		r := e.do(req{method: method, path: fill(path, id), token: bob.AccessToken, body: body})
		if r.status != http.StatusNotFound {
			t.Errorf("%s on Ada's record with Bob's token: %d, want 404: %s", rt.pattern, r.status, r.body)
		}
	}
	if checked < len(ids) {
		t.Errorf("checked %d routes with ids, want %d", checked, len(ids))
	}
	// Ada's records are all still there, unchanged.
	e.want(e.do(req{method: "GET", path: "/v1/me/timeline/items/" + it.ID.String(), token: ada.AccessToken}), 200, "Ada's item after Bob's tries")
	e.want(e.do(req{method: "GET", path: "/v1/me/tokens", token: pat.Token}), 200, "Ada's token after Bob's tries")
	// Lists show only the caller's rows.
	for _, path := range []string{"/v1/me/devices", "/v1/me/tokens", "/v1/me/timeline/items"} {
		r := e.want(e.do(req{method: "GET", path: path, token: bob.AccessToken}), 200, path)
		for _, id := range []string{ada.DeviceID.String(), pat.ID.String(), it.ID.String()} {
			if strings.Contains(string(r.body), id) {
				t.Errorf("%s of Bob shows Ada's %s", path, id)
			}
		}
	}
	// A method a path does not have answers 405, not a handler.
	if r := e.do(req{method: "DELETE", path: "/v1/me/today", token: ada.AccessToken}); r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "GET, HEAD" {
		t.Errorf("DELETE /v1/me/today: %d (Allow %q), want 405 allowing GET, HEAD", r.status, r.header.Get("Allow"))
	}
	if r := e.do(req{method: "GET", path: "/v1/me/nothing", token: ada.AccessToken}); r.status != http.StatusNotFound || r.problem(t).Code != "not_found" {
		t.Errorf("an unknown path: %d %s", r.status, r.body)
	}
}

func fill(path, id string) string {
	return strings.NewReplacer("{id}", id, "{date}", "2026-03-10").Replace(path)
}

// TestTokenAttacks: forged, expired, early, misaddressed and malformed
// access tokens, a revoked device, a reused refresh token, a reused or
// expired pairing code, and a megabyte of dots are all refused.
func TestTokenAttacks(t *testing.T) {
	t.Parallel()
	e := newEnv(t, memstore.New())
	user, g := e.person("Ada")
	device := g.DeviceID
	claims := func(mod func(*accessClaims)) *accessClaims {
		now := e.clock.Now()
		c := &accessClaims{RegisteredClaims: jwt.RegisteredClaims{Issuer: "lifeops", Subject: user.String(),
			Audience: jwt.ClaimStrings{"lifeops-api"}, IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(time.Minute)), ID: "j"}, Device: device.String()}
		if mod != nil {
			mod(c)
		}
		return c
	}
	key := e.api.cfg.Keys.sign
	sign := func(c *accessClaims) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	es256, _ := jwt.NewWithClaims(jwt.SigningMethodES256, claims(nil)).SignedString(ec)
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims(nil)).SignedString(jwt.UnsafeAllowNoneSignatureType)
	otherKey, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims(nil)).SignedString([]byte("another key of thirty-two bytes!!"))
	hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, claims(nil)).SignedString(key)
	// A token whose header says HS256 but was never signed: the header
	// and claims of a good token with another signature.
	good := sign(claims(nil))
	parts := strings.Split(good, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"iss":"lifeops","sub":"`+uuid.NewString()+`","aud":"lifeops-api","exp":4102444800,"iat":1,"did":"`+device.String()+`"}`)) + "." + parts[2]

	e.want(e.do(req{method: "GET", path: "/v1/me/profile", token: good}), 200, "a good token")
	attacks := []struct{ name, token string }{
		{"alg none", none},
		{"signed with another key", otherKey},
		{"signed with ES256", es256},
		{"signed with HS512", hs512},
		{"claims changed after signing", tampered},
		{"expired", sign(claims(func(c *accessClaims) { c.ExpiresAt = jwt.NewNumericDate(e.clock.Now().Add(-time.Minute)) }))},
		{"no expiry", sign(claims(func(c *accessClaims) { c.ExpiresAt = nil }))},
		{"not yet valid", sign(claims(func(c *accessClaims) { c.NotBefore = jwt.NewNumericDate(e.clock.Now().Add(time.Hour)) }))},
		{"issued in the future", sign(claims(func(c *accessClaims) { c.IssuedAt = jwt.NewNumericDate(e.clock.Now().Add(time.Hour)) }))},
		{"wrong issuer", sign(claims(func(c *accessClaims) { c.Issuer = "someone" }))},
		{"wrong audience", sign(claims(func(c *accessClaims) { c.Audience = jwt.ClaimStrings{"other-api"} }))},
		{"audience as an empty array", sign(claims(func(c *accessClaims) { c.Audience = jwt.ClaimStrings{} }))},
		{"another person's id", sign(claims(func(c *accessClaims) { c.Subject = uuid.NewString() }))},
		{"no device", sign(claims(func(c *accessClaims) { c.Device = "" }))},
		{"a device that does not exist", sign(claims(func(c *accessClaims) { c.Device = uuid.NewString() }))},
		{"garbage", "a.b.c"},
		{"the admin token", e.admin},
		{"a refresh token", g.RefreshToken},
	}
	for _, a := range attacks {
		noteSecret(a.token)
		if r := e.do(req{method: "GET", path: "/v1/me/profile", token: a.token}); r.status != http.StatusUnauthorized && r.status != http.StatusForbidden {
			t.Errorf("%s: %d, want 401 or 403", a.name, r.status)
		}
	}

	// A megabyte of dots costs no more than a small token: refused before
	// parsing, with bounded memory.
	dots := strings.Repeat(".", 1<<20)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := e.do(req{method: "GET", path: "/v1/me/profile", token: dots})
	runtime.ReadMemStats(&after)
	if r.status != http.StatusUnauthorized && r.status != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a megabyte of dots: %d", r.status)
	}
	if grown := after.TotalAlloc - before.TotalAlloc; grown > 16<<20 {
		t.Errorf("a megabyte of dots made the process allocate %d MiB", grown>>20)
	}

	// Refresh: rotation, the grace, reuse, revocation.
	var next, again grantResponse
	e.want(e.do(req{method: "POST", path: "/v1/auth/refresh", body: map[string]any{"refresh_token": g.RefreshToken}}), 200, "refresh").json(t, &next)
	e.want(e.do(req{method: "POST", path: "/v1/auth/refresh", body: map[string]any{"refresh_token": g.RefreshToken}}), 200, "a repeat within the grace").json(t, &again)
	noteSecret(next.AccessToken, next.RefreshToken, again.AccessToken)
	if again.RefreshToken != next.RefreshToken {
		t.Error("a repeat within the grace gave another refresh token")
	}
	e.clock.Add(lifeops.RefreshGrace + time.Second)
	if r := e.do(req{method: "POST", path: "/v1/auth/refresh", body: map[string]any{"refresh_token": g.RefreshToken}}); r.status != http.StatusUnauthorized {
		t.Errorf("a reused refresh token: %d, want 401", r.status)
	}
	// The reuse revoked the device: its newest tokens fail too, at once.
	if r := e.do(req{method: "GET", path: "/v1/me/profile", token: next.AccessToken}); r.status != http.StatusUnauthorized {
		t.Errorf("the access token of a revoked device: %d, want 401", r.status)
	}
	if r := e.do(req{method: "POST", path: "/v1/auth/refresh", body: map[string]any{"refresh_token": next.RefreshToken}}); r.status != http.StatusUnauthorized {
		t.Errorf("the newest refresh token of a revoked device: %d, want 401", r.status)
	}
	for _, bad := range []string{"", "lo_rt_" + strings.Repeat("A", 43), strings.Repeat("x", 5000)} {
		if r := e.do(req{method: "POST", path: "/v1/auth/refresh", body: map[string]any{"refresh_token": bad}}); r.status != http.StatusUnauthorized {
			t.Errorf("refresh token %.10q: %d, want 401", bad, r.status)
		}
	}

	// Pairing codes: single use, short-lived.
	_, g2 := e.person("Bob")
	code := func() string {
		var p pairingResponse
		e.want(e.do(req{method: "POST", path: "/v1/me/pairing-codes", token: g2.AccessToken}), 201, "pairing code").json(t, &p)
		noteSecret(p.Code, strings.ReplaceAll(p.Code, "-", ""))
		return p.Code
	}
	used := code()
	var paired grantResponse
	e.want(e.do(req{method: "POST", path: "/v1/auth/pair", body: map[string]any{"code": used, "device_name": "Tablet"}}), 201, "pair").json(t, &paired)
	noteSecret(paired.AccessToken, paired.RefreshToken)
	if r := e.do(req{method: "POST", path: "/v1/auth/pair", body: map[string]any{"code": used, "device_name": "Tablet"}}); r.status != http.StatusUnauthorized {
		t.Errorf("a used pairing code: %d, want 401", r.status)
	}
	late := code()
	e.clock.Add(lifeops.PairingCodeLifetime)
	if r := e.do(req{method: "POST", path: "/v1/auth/pair", body: map[string]any{"code": late, "device_name": "Tablet"}}); r.status != http.StatusUnauthorized {
		t.Errorf("an expired pairing code: %d, want 401", r.status)
	}
	// Access tokens expire.
	e.clock.Add(AccessTokenLifetime)
	if r := e.do(req{method: "GET", path: "/v1/me/profile", token: paired.AccessToken}); r.status != http.StatusUnauthorized {
		t.Errorf("an access token past its lifetime: %d, want 401", r.status)
	}
}

// TestLimits: bodies over the limit, unknown fields, not JSON, too many
// requests from a caller and from an address, and the limiter's memory.
func TestLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, memstore.New(), func(c *Config) {
		c.CallerLimit = Limit{Rate: 1, Burst: 5}
		c.AuthLimit = Limit{Rate: 0.1, Burst: 3}
	})
	_, g := e.person("Ada")
	big := `{"name":"` + strings.Repeat("a", DefaultBodyLimit) + `"}`
	if r := e.do(req{method: "PUT", path: "/v1/me/profile", token: g.AccessToken, body: big}); r.status != http.StatusRequestEntityTooLarge || r.problem(t).Code != codeTooLarge {
		t.Errorf("a body over 1 MiB: %d %.200s", r.status, r.body)
	}
	r := e.do(req{method: "PUT", path: "/v1/me/profile", token: g.AccessToken, body: map[string]any{"name": "Ada", "is_admin": true}})
	if p := r.problem(t); r.status != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Field != "is_admin" {
		t.Errorf("an unknown field: %d %s", r.status, r.body)
	}
	r = e.do(req{method: "PUT", path: "/v1/me/profile", token: g.AccessToken, body: map[string]any{"day_start_hour": 30, "timezone": "Mars/Base"}})
	if p := r.problem(t); r.status != http.StatusBadRequest || len(p.Errors) != 2 {
		t.Errorf("two bad fields: %d %s, want 400 listing both", r.status, r.body)
	}
	r = e.do(req{method: "PUT", path: "/v1/me/profile", token: g.AccessToken, body: "name=Ada", header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}})
	if r.status != http.StatusUnsupportedMediaType {
		t.Errorf("a form body: %d", r.status)
	}
	// The caller's bucket: a burst of 5, then 429 with Retry-After.
	var limited response
	for range 10 {
		if limited = e.do(req{method: "GET", path: "/v1/me/profile", token: g.AccessToken}); limited.status == http.StatusTooManyRequests {
			break
		}
	}
	if limited.status != http.StatusTooManyRequests || limited.header.Get("Retry-After") == "" {
		t.Errorf("no 429 with Retry-After after a burst: %d %v", limited.status, limited.header)
	}
	// The address's strict bucket on the sign-in routes: 3, then 429.
	var refused response
	for range 6 {
		if refused = e.do(req{method: "POST", path: "/v1/auth/refresh", body: map[string]any{"refresh_token": "lo_rt_x"}}); refused.status == http.StatusTooManyRequests {
			break
		}
	}
	if refused.status != http.StatusTooManyRequests || refused.header.Get("Retry-After") == "" {
		t.Errorf("no 429 on the strict bucket: %d", refused.status)
	}
	// Request ids: a safe one is kept, anything else replaced.
	for id, keep := range map[string]bool{"abc-123.DEF_9": true, "a\r\nb": false, strings.Repeat("x", 65): false, "ünïcode": false} {
		r, _ := http.NewRequest("GET", e.srv.URL+"/healthz", nil)
		r.Header["X-Request-Id"] = []string{id}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			continue // the client refuses to send some of them at all
		}
		resp.Body.Close()
		if got := resp.Header.Get("X-Request-ID"); (got == id) != keep || got == "" {
			t.Errorf("X-Request-ID %q answered as %q", id, got)
		}
	}
}

// TestLimiterIsBounded: a hundred thousand addresses leave at most the cap
// of buckets behind.
func TestLimiterIsBounded(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)
	l := newLimiter(Limit{Rate: 1, Burst: 2}, 1000, func() time.Time { return now })
	for i := range 100_000 {
		l.allow(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		if i%1000 == 0 {
			now = now.Add(time.Millisecond)
		}
	}
	if n := l.size(); n > 1000 {
		t.Errorf("the limiter holds %d buckets, want at most 1000", n)
	}
	// A busy key still gets its limit after the flood.
	ok1, _ := l.allow("busy")
	ok2, _ := l.allow("busy")
	ok3, retry := l.allow("busy")
	if !ok1 || !ok2 || ok3 || retry <= 0 {
		t.Errorf("a key after the flood: %v %v %v (retry %v), want a burst of 2 then a wait", ok1, ok2, ok3, retry)
	}
}

// TestProblemsNeverLeak: a failure inside a handler answers a generic 500
// with the request id, and its cause stays in the log.
func TestProblemsNeverLeak(t *testing.T) {
	t.Parallel()
	e := newEnv(t, memstore.New())
	r := httptestRecorder(e, func(w http.ResponseWriter, r *http.Request) error {
		return fmt.Errorf("pq: relation users_secret_table does not exist at /src/store.go:42")
	})
	var p Problem
	if err := json.Unmarshal(r.Body.Bytes(), &p); err != nil || r.Code != 500 || strings.Contains(r.Body.String(), "users_secret_table") || p.RequestID == "" {
		t.Errorf("internal error answered %d %s", r.Code, r.Body)
	}
	r = httptestRecorder(e, func(w http.ResponseWriter, r *http.Request) error { panic("kaboom in the handler") })
	if r.Code != 500 || strings.Contains(r.Body.String(), "kaboom") || strings.Contains(r.Body.String(), "goroutine") {
		t.Errorf("a panic answered %d %s", r.Code, r.Body)
	}
}

// httptestRecorder serves one request through the API's outer layer with
// h as the handler.
func httptestRecorder(e *env, h handlerFunc) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.api.outer(e.api.handle(h)).ServeHTTP(rec, httptest.NewRequest("GET", "/v1/explode", nil))
	return rec
}
