package web

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
)

// byID returns the text of the element with id in doc, white space
// collapsed, and whether there is one.
func byID(t testing.TB, doc, id string) (string, bool) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var found *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id {
				found = n
			}
		}
		for c := n.FirstChild; c != nil && found == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(root)
	if found == nil {
		return "", false
	}
	var b strings.Builder
	var text func(n *html.Node)
	text = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data + " ")
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			text(c)
		}
	}
	text(found)
	return strings.Join(strings.Fields(b.String()), " "), true
}

func mustID(t testing.TB, doc, id string) string {
	t.Helper()
	s, ok := byID(t, doc, id)
	if !ok {
		t.Fatalf("no element #%s in:\n%.2000s", id, doc)
	}
	return s
}

// entryID is the DOM id of an occurrence on the page.
func (f *fixture) entryID(title, date string) string {
	return "entry-" + f.item(title).ID.String() + "-" + date + "-0"
}

func TestSignIn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)

	t.Run("pages need a session", func(t *testing.T) {
		p := f.client().get("/app/")
		if p.status != http.StatusSeeOther || p.header.Get("Location") != "/app/signin" {
			t.Errorf("GET /app/ without a session: %d %q", p.status, p.header.Get("Location"))
		}
		p = f.client().post("/app/items/"+f.items[0].ID.String()+"/complete", url.Values{"date": {"2026-03-10"}})
		if p.status != http.StatusUnauthorized {
			t.Errorf("a form without a session: %d", p.status)
		}
	})

	t.Run("pairing code makes a device and a session cookie", func(t *testing.T) {
		c := f.client()
		code := f.pairingCode()
		p := c.do(http.MethodPost, "/app/signin", url.Values{"secret": {strings.ToLower(code)}},
			map[string]string{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36"})
		if p.status != http.StatusSeeOther {
			t.Fatalf("sign in: %d\n%.500s", p.status, p.body)
		}
		ck := p.header.Get("Set-Cookie")
		for _, want := range []string{"lifeops_session=", "Path=/app/", "HttpOnly", "SameSite=Strict", "Max-Age="} {
			if !strings.Contains(ck, want) {
				t.Errorf("cookie %q lacks %s", ck, want)
			}
		}
		if strings.Contains(ck, "Secure") {
			t.Errorf("cookie %q is Secure on plain HTTP", ck)
		}
		devs, err := f.svc.Devices(context.Background(), f.user.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(devs) != 1 || devs[0].Name != "Chrome on Linux" {
			t.Fatalf("devices after pairing: %+v", devs)
		}
		if p := c.get("/app/"); p.status != http.StatusOK {
			t.Fatalf("today with the session: %d", p.status)
		}
		// The code is used up.
		p = f.client().post("/app/signin", url.Values{"secret": {code}})
		if p.status != http.StatusUnauthorized || !strings.Contains(p.body, "not valid, was used already or has expired") {
			t.Errorf("second use of a code: %d\n%.500s", p.status, p.body)
		}
		// Signing out deletes the device: a copy of the cookie is worthless.
		stolen := f.client()
		stolen.jar.SetCookies(mustURL(t, f.srv.URL+"/app/"), c.jar.Cookies(mustURL(t, f.srv.URL+"/app/")))
		if p := c.post("/app/signout", url.Values{}); p.status != http.StatusSeeOther {
			t.Fatalf("sign out: %d", p.status)
		}
		if devs, _ := f.svc.Devices(context.Background(), f.user.ID); len(devs) != 0 {
			t.Errorf("devices after signing out: %+v", devs)
		}
		if p := stolen.get("/app/"); p.status != http.StatusSeeOther {
			t.Errorf("the cookie still works after signing out: %d", p.status)
		}
	})

	t.Run("refused secrets", func(t *testing.T) {
		cal := "lo_pat_calendar-scope-not-for-pages"
		h := sha256.Sum256([]byte(cal))
		if _, err := f.svc.RotateCalendarToken(context.Background(), f.user.ID, h[:]); err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"", "ABCDE-FGHJK", "lo_pat_nope", cal, strings.Repeat("x", 5000)} {
			p := f.client().post("/app/signin", url.Values{"secret": {secret}})
			if p.status != http.StatusUnauthorized && p.status != http.StatusBadRequest {
				t.Errorf("sign in with %.20q: %d", secret, p.status)
			}
			if strings.Contains(p.header.Get("Set-Cookie"), "lifeops_session=") {
				t.Errorf("sign in with %.20q set a session", secret)
			}
			if strings.HasPrefix(secret, tokenPrefix) && strings.Contains(p.body, secret) {
				t.Errorf("the page shows the token typed")
			}
		}
	})

	t.Run("tampered, expired and revoked sessions", func(t *testing.T) {
		c := f.client()
		c.signIn(f.pairingCode())
		u := mustURL(t, f.srv.URL+"/app/")
		good := c.jar.Cookies(u)[0].Value
		for name, val := range map[string]string{
			"flipped mac":  good[:len(good)-2] + "AA",
			"no mac":       strings.SplitN(good, ".", 2)[0],
			"other key":    (&Dashboard{key: []byte("another key")}).sealSession(kindDevice, f.user.ID, f.user.ID, fixedNow.Add(time.Hour)),
			"garbage":      "....",
			"long":         strings.Repeat("A", 300),
			"wrong device": f.dash.sealSession(kindDevice, f.user.ID, f.user.ID, fixedNow.Add(time.Hour)),
			"expired":      f.dash.sealSession(kindToken, f.user.ID, f.user.ID, fixedNow.Add(-time.Second)),
		} {
			bad := f.client()
			bad.jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: val}})
			if p := bad.get("/app/"); p.status != http.StatusSeeOther {
				t.Errorf("%s: %d", name, p.status)
			}
		}
		devs, err := f.svc.Devices(context.Background(), f.user.ID)
		if err != nil || len(devs) == 0 {
			t.Fatal(devs, err)
		}
		for _, d := range devs {
			if err := f.svc.DeleteDevice(context.Background(), f.user.ID, d.ID); err != nil {
				t.Fatal(err)
			}
		}
		if p := c.get("/app/"); p.status != http.StatusSeeOther {
			t.Errorf("a revoked device's session: %d", p.status)
		}
	})
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestSecureCookie: over TLS the cookies are Secure.
func TestSecureCookie(t *testing.T) {
	t.Parallel()
	d := &Dashboard{}
	r := httptest.NewRequest(http.MethodPost, "https://lifeops.example/app/signin", nil)
	r.TLS = &tls.ConnectionState{}
	w := httptest.NewRecorder()
	d.setCookie(w, r, sessionCookie, "v", 60)
	if ck := w.Header().Get("Set-Cookie"); !strings.Contains(ck, "Secure") || !strings.Contains(ck, "HttpOnly") {
		t.Errorf("over TLS: %q", ck)
	}
}

func TestOccurrenceForms(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.signIn(f.token)
	stretch := f.entryID("Stretch", "2026-03-10")
	walk := f.entryID("Walk outside", "2026-03-10")
	post := func(item int, action string, form url.Values) page {
		t.Helper()
		form.Set("date", "2026-03-10")
		form.Set("slot", "0")
		p := c.post("/app/items/"+f.items[item].ID.String()+"/"+action, form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%.800s", action, p.status, p.body)
		}
		return p
	}
	before := c.get("/app/").body
	xp0, habits0 := mustID(t, before, "xp-total"), mustID(t, before, "score-habits")
	if got := mustID(t, before, stretch); !strings.Contains(got, "Overdue") {
		t.Fatalf("stretch before: %q", got)
	}

	p := post(0, "complete", url.Values{"back": {"/app/?date=2026-03-10"}})
	if loc := p.header.Get("Location"); loc != "/app/?date=2026-03-10" {
		t.Errorf("redirect to %q", loc)
	}
	after := c.get("/app/").body
	if got := mustID(t, after, "flash"); !strings.HasPrefix(got, "Done: Stretch, +") {
		t.Errorf("flash %q", got)
	}
	if got := mustID(t, c.get("/app/").body, "flash"); got != "" {
		t.Errorf("the flash shows twice: %q", got)
	}
	if got := mustID(t, after, stretch); !strings.Contains(got, "Done") || !strings.Contains(got, "Undo") {
		t.Errorf("stretch after completing: %q", got)
	}
	if mustID(t, after, "xp-total") == xp0 || mustID(t, after, "score-habits") == habits0 {
		t.Errorf("XP %s → %s, habits %s → %s: unchanged", xp0, mustID(t, after, "xp-total"), habits0, mustID(t, after, "score-habits"))
	}

	post(0, "undo", url.Values{})
	undone := c.get("/app/").body
	if diff := cmp.Diff([]string{xp0, habits0}, []string{mustID(t, undone, "xp-total"), mustID(t, undone, "score-habits")}); diff != "" {
		t.Errorf("undo does not restore XP and habits (-want +got):\n%s", diff)
	}

	// Walk outside is due at 12:30: +1 h moves it to 13:30.
	if got := mustID(t, undone, walk); !strings.HasPrefix(got, "12:30") {
		t.Fatalf("walk before: %q", got)
	}
	post(2, "postpone", url.Values{"by": {"1h"}})
	if got := mustID(t, c.get("/app/").body, walk); !strings.HasPrefix(got, "13:30") || !strings.Contains(got, "Postponed") {
		t.Errorf("walk after +1 h: %q", got)
	}
	post(2, "postpone", url.Values{"by": {"tomorrow"}})
	if got := mustID(t, c.get("/app/").body, walk); !strings.Contains(got, "moved to Wed 11 Mar") || strings.Contains(got, "Done:") {
		t.Errorf("walk after tomorrow: %q", got)
	}
	post(2, "undo", url.Values{})
	post(2, "skip", url.Values{"reason": {"rain all day"}})
	if got := mustID(t, c.get("/app/").body, walk); !strings.Contains(got, "Skipped") || !strings.Contains(got, "rain all day") {
		t.Errorf("walk after skipping: %q", got)
	}

	// Bad forms are error pages, and change nothing.
	for _, bad := range []struct {
		action string
		form   url.Values
		status int
	}{
		{"postpone", url.Values{"date": {"2026-03-10"}, "by": {"1y"}}, http.StatusBadRequest},
		{"complete", url.Values{"date": {"tuesday"}}, http.StatusBadRequest},
		{"complete", url.Values{"date": {"2026-03-10"}, "slot": {"x"}}, http.StatusBadRequest},
		{"skip", url.Values{"date": {"2026-03-10"}, "reason": {strings.Repeat("r", 501)}}, http.StatusBadRequest},
		{"complete", url.Values{"date": {"2026-03-12"}}, http.StatusBadRequest},
	} {
		p := c.post("/app/items/"+f.items[1].ID.String()+"/"+bad.action, bad.form)
		if p.status != bad.status || !strings.Contains(p.body, `role="alert"`) {
			t.Errorf("%s %v: %d, want %d", bad.action, bad.form, p.status, bad.status)
		}
	}
	if p := c.post("/app/items/not-a-uuid/complete", url.Values{"date": {"2026-03-10"}}); p.status != http.StatusNotFound {
		t.Errorf("a malformed item id: %d", p.status)
	}

	// Only dashboard paths are followed back.
	for _, b := range []string{"//evil.example/", "https://evil.example/app/", "/v1/me/today", "/app/\\evil"} {
		if p := post(1, "complete", url.Values{"back": {b}}); p.header.Get("Location") != Prefix {
			t.Errorf("back %q redirects to %q", b, p.header.Get("Location"))
		}
		post(1, "undo", url.Values{})
	}
}

// TestCrossOrigin: a form posted from another site is refused and
// changes nothing; the pages carry the security headers.
func TestCrossOrigin(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.signIn(f.token)
	xp := mustID(t, c.get("/app/").body, "xp-total")
	for _, h := range []map[string]string{
		{"Sec-Fetch-Site": "cross-site"},
		{"Sec-Fetch-Site": "same-site"},
		{"Sec-Fetch-Site": "", "Origin": "https://evil.example"},
	} {
		p := c.do(http.MethodPost, "/app/items/"+f.items[0].ID.String()+"/complete", url.Values{"date": {"2026-03-10"}}, h)
		if p.status != http.StatusForbidden {
			t.Errorf("%v: %d", h, p.status)
		}
	}
	p := c.do(http.MethodPost, "/app/signin", url.Values{"secret": {f.token}}, map[string]string{"Sec-Fetch-Site": "cross-site"})
	if p.status != http.StatusForbidden || strings.Contains(p.header.Get("Set-Cookie"), "lifeops_session") {
		t.Errorf("a cross-site sign-in: %d %q", p.status, p.header.Get("Set-Cookie"))
	}
	page := c.get("/app/")
	if got := mustID(t, page.body, "xp-total"); got != xp {
		t.Errorf("XP changed by refused forms: %s → %s", xp, got)
	}
	for k, want := range map[string]string{
		"Content-Security-Policy": csp, "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
		"Referrer-Policy": "no-referrer", "Cache-Control": "no-store",
	} {
		if got := page.header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if page.header.Get("X-Request-Id") == "" {
		t.Error("no X-Request-ID: the page is not served through the API's request handling")
	}
}

// TestReadOnlyToken: a read-scoped token shows the pages without forms
// and is refused every change.
func TestReadOnlyToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.readOnlyClient()
	p := c.get("/app/")
	if p.status != http.StatusOK || strings.Contains(p.body, "/complete") || !strings.Contains(p.body, "read-only token") {
		t.Errorf("today for a reader: %d, forms shown: %v", p.status, strings.Contains(p.body, "/complete"))
	}
	if p := c.post("/app/items/"+f.items[0].ID.String()+"/complete", url.Values{"date": {"2026-03-10"}}); p.status != http.StatusForbidden {
		t.Errorf("a reader completes: %d", p.status)
	}
	// The token's expiry ends the session.
	f.clock.Set(fixedNow.Add(25 * time.Hour))
	if p := c.get("/app/"); p.status != http.StatusSeeOther {
		t.Errorf("after the token expired: %d", p.status)
	}
}

// TestSignInLimit: sign-in attempts share the API's per-address bucket.
func TestSignInLimit(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	a, err := apiWithLimit(f)
	if err != nil {
		t.Fatal(err)
	}
	d, err := New(Config{Service: f.svc, API: a, Secret: []byte("a test session secret of 32 bytes or more"), Now: f.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d)
	defer srv.Close()
	var last *http.Response
	for range 4 {
		resp, err := http.PostForm(srv.URL+"/app/signin", url.Values{"secret": {"WRONG-CODES"}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		last = resp
	}
	if last.StatusCode != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("the fourth attempt: %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
	}
}

func TestAssets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	for name, hash := range f.dash.assets {
		p := c.get("/app/static/" + name + "?v=" + hash)
		if p.status != http.StatusOK || !strings.Contains(p.header.Get("Cache-Control"), "immutable") || p.header.Get("Content-Type") == "" {
			t.Errorf("%s: %d %q %q", name, p.status, p.header.Get("Cache-Control"), p.header.Get("Content-Type"))
		}
		if p := c.do(http.MethodGet, "/app/static/"+name, nil, map[string]string{"If-None-Match": `"` + hash + `"`}); p.status != http.StatusNotModified {
			t.Errorf("%s revalidated: %d", name, p.status)
		}
	}
	if p := c.get("/app/static/nothing.js"); p.status != http.StatusNotFound {
		t.Errorf("a missing asset: %d", p.status)
	}
}
