package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/oura"
	"github.com/lifeops/lifeops/oura/ouratest"
)

// fakeJobs records what the API asked of the background.
type fakeJobs struct {
	mu    sync.Mutex
	syncs []uuid.UUID
	fills map[uuid.UUID]*BackfillStatus
}

func (j *fakeJobs) Backfill(_ context.Context, userID uuid.UUID, from civil.Date) (BackfillStatus, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.fills == nil {
		j.fills = map[uuid.UUID]*BackfillStatus{}
	}
	st := &BackfillStatus{From: from, To: civil.D(2026, 3, 10), ChunksTotal: 2, Running: true}
	j.fills[userID] = st
	return *st, nil
}

func (j *fakeJobs) Backfills(userID uuid.UUID) *BackfillStatus {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.fills[userID]
}

func (j *fakeJobs) SyncSoon(userID uuid.UUID) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.syncs = append(j.syncs, userID)
}

// TestEndToEnd drives every route over a real listener on every backend,
// as a person's app and scripts would, and checks each exchange against
// the OpenAPI document.
func TestEndToEnd(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			jobs := &fakeJobs{}
			e := newEnv(t, b.open(t), func(c *Config) { c.Jobs = jobs })
			scenario(t, e, jobs)
		})
	}
}

func scenario(t *testing.T, e *env, jobs *fakeJobs) {
	// Operations.
	var h struct {
		Status  string            `json:"status"`
		Version map[string]string `json:"version"`
	}
	e.want(e.do(req{method: "GET", path: "/healthz"}), 200, "healthz").json(t, &h)
	if h.Status != "ok" || h.Version["version"] != "test" {
		t.Errorf("healthz = %+v", h)
	}
	e.want(e.do(req{method: "GET", path: "/readyz"}), 200, "readyz")
	e.want(e.do(req{method: "GET", path: "/openapi.json"}), 200, "openapi.json")

	ada, g := e.person("Ada")
	_, other := e.person("Bob")
	tok := g.AccessToken

	// Profile and goals, with versions.
	prof := e.want(e.do(req{method: "GET", path: "/v1/me/profile", token: tok}), 200, "profile")
	etag := prof.header.Get("ETag")
	if etag != `"1"` {
		t.Errorf("profile ETag %q, want \"1\"", etag)
	}
	up := e.want(e.do(req{method: "PUT", path: "/v1/me/profile", token: tok, header: map[string]string{"If-Match": etag},
		body: map[string]any{"wake_time": "06:45"}}), 200, "put profile")
	var u lifeops.User
	up.json(t, &u)
	if u.Version != 2 || u.WakeTime != (civil.Clock{Hour: 6, Minute: 45}) || u.Name != "Ada" || u.ID != ada {
		t.Errorf("profile after PUT = %+v", u)
	}
	stale := e.do(req{method: "PUT", path: "/v1/me/profile", token: tok, header: map[string]string{"If-Match": etag}, body: map[string]any{"name": "Ada L."}})
	if stale.status != 412 || stale.problem(t).Code != codeStale {
		t.Errorf("stale If-Match: %d %s", stale.status, stale.body)
	}
	e.want(e.do(req{method: "GET", path: "/v1/me/goals", token: tok}), 200, "goals")
	goals := map[string]any{"sleep_minutes": 450, "steps": 9000, "work_minutes": 480, "after_hours_minutes": 30,
		"resting_heart_rate": 55, "day_goal_percent": 75, "weights": map[string]any{"sleep": 2, "activity": 1, "work_life": 1, "habits": "1.5"}}
	var gotGoals lifeops.Goals
	e.want(e.do(req{method: "PUT", path: "/v1/me/goals", token: tok, body: goals}), 200, "put goals").json(t, &gotGoals)
	if gotGoals.Steps != 9000 || !gotGoals.Weights.Habits.Equal(gotGoals.Weights.Habits.Add(gotGoals.Weights.Habits).Sub(gotGoals.Weights.Habits)) || gotGoals.Weights.Sleep.String() != "2" {
		t.Errorf("goals = %+v", gotGoals)
	}

	// Items: create, list, read, change.
	var it lifeops.Item
	created := e.want(e.do(req{method: "POST", path: "/v1/me/timeline/items", token: tok, body: map[string]any{
		"title": "Stretch", "kind": "routine", "schedule": map[string]any{"type": "daily"},
		"anchor": map[string]any{"type": "fixed", "time": "07:30"}, "duration_minutes": 10, "difficulty": "easy"}}), 201, "create item")
	created.json(t, &it)
	if created.header.Get("ETag") != `"1"` || created.header.Get("Location") != "/v1/me/timeline/items/"+it.ID.String() {
		t.Errorf("create item headers: %v", created.header)
	}
	item := "/v1/me/timeline/items/" + it.ID.String()
	var list struct{ Items []lifeops.Item }
	e.want(e.do(req{method: "GET", path: "/v1/me/timeline/items", token: tok}), 200, "items").json(t, &list)
	if len(list.Items) != 1 || list.Items[0].ID != it.ID {
		t.Errorf("items = %+v", list.Items)
	}
	e.want(e.do(req{method: "GET", path: item, token: tok}), 200, "get item")
	var patched lifeops.Item
	e.want(e.do(req{method: "PATCH", path: item, token: tok, header: map[string]string{"If-Match": `"1"`}, body: map[string]any{"title": "Stretch well"}}),
		200, "patch item").json(t, &patched)
	if patched.Title != "Stretch well" || patched.Version != 2 || patched.DurationMinutes != 10 {
		t.Errorf("patched item = %+v (a PATCH changes only what it sends)", patched)
	}
	if r := e.do(req{method: "PATCH", path: item, token: tok, header: map[string]string{"If-Match": `"1"`}, body: map[string]any{"title": "x"}}); r.status != 412 {
		t.Errorf("PATCH with a stale If-Match: %d", r.status)
	}
	if r := e.do(req{method: "PATCH", path: item, token: tok, body: map[string]any{"version": 7}}); r.status != 400 {
		t.Errorf("PATCH with a field that is not the client's: %d", r.status)
	}

	// Occurrences: complete (twice: XP once), skip, postpone, undo.
	var out lifeops.Outcome
	e.want(e.do(req{method: "POST", path: item + "/complete", token: tok}), 200, "complete").json(t, &out)
	xp := out.XP.Total
	if out.Award == nil || out.Award.Points <= 0 {
		t.Fatalf("complete earned nothing: %+v", out)
	}
	award := out.Award.Points
	e.want(e.do(req{method: "POST", path: item + "/complete", token: tok, body: map[string]any{"date": "2026-03-10"}}), 200, "complete again").json(t, &out)
	if out.XP.Total != xp {
		t.Errorf("completing twice moved XP from %d to %d", xp, out.XP.Total)
	}
	out = lifeops.Outcome{}
	e.want(e.do(req{method: "DELETE", path: item + "/events/2026-03-10", token: tok}), 200, "undo").json(t, &out)
	// The completion's XP goes, and with it the day bonus it earned.
	if out.XP.Total > xp-award || out.Award != nil || len(out.Events) != 0 {
		t.Errorf("after undo: XP %d (was %d, the completion earned %d), award %v, events %v", out.XP.Total, xp, award, out.Award, out.Events)
	}
	e.want(e.do(req{method: "POST", path: item + "/skip", token: tok, body: map[string]any{"reason": "sore"}}), 200, "skip")
	e.want(e.do(req{method: "DELETE", path: item + "/events/2026-03-10", token: tok}), 200, "undo skip")
	e.want(e.do(req{method: "POST", path: item + "/postpone", token: tok, body: map[string]any{"minutes": 30}}), 200, "postpone").json(t, &out)
	if out.Entry == nil || out.Entry.Status != "postponed" && out.Entry.Status != "overdue" && out.Entry.Status != "pending" {
		t.Errorf("postponed entry = %+v", out.Entry)
	}

	// The day and the game.
	var f struct{ Entries []json.RawMessage }
	e.want(e.do(req{method: "GET", path: "/v1/me/timeline?view=expanded", token: tok}), 200, "timeline").json(t, &f)
	if len(f.Entries) != 1 {
		t.Errorf("expanded feed has %d entries, want 1", len(f.Entries))
	}
	e.want(e.do(req{method: "GET", path: "/v1/me/timeline?view=sideways", token: tok}), 400, "bad view")
	e.want(e.do(req{method: "PUT", path: "/v1/me/work/2026-03-09", token: tok, body: map[string]any{"work_minutes": 540, "after_hours_minutes": 60, "meeting_minutes": 90}}), 200, "put work")
	var work struct{ Days []lifeops.WorkDay }
	e.want(e.do(req{method: "GET", path: "/v1/me/work?from=2026-03-01&to=2026-03-10", token: tok}), 200, "work").json(t, &work)
	if len(work.Days) != 1 || work.Days[0].WorkMinutes != 540 || work.Days[0].BreakMinutes != nil {
		t.Errorf("work days = %+v", work.Days)
	}
	e.want(e.do(req{method: "GET", path: "/v1/me/work?from=2026-03-10", token: tok}), 400, "work without to")

	// Work-stats sources: settings with write-only secrets.
	e.want(e.do(req{method: "GET", path: "/v1/me/work/sources/calendar", token: tok}), 404, "calendar not set up")
	e.want(e.do(req{method: "GET", path: "/v1/me/work/sources/toggl", token: tok}), 404, "no such source")
	bad := e.want(e.do(req{method: "PUT", path: "/v1/me/work/sources/calendar", token: tok, body: map[string]any{"feeds": []any{}}}), 400, "calendar without feeds")
	if p := bad.problem(t); len(p.Errors) == 0 || p.Errors[0].Field != "feeds" {
		t.Errorf("calendar without feeds: %s", bad.body)
	}
	var src struct {
		Kind     string
		Settings json.RawMessage
		Secrets  []string
		Version  int64
	}
	put := e.want(e.do(req{method: "PUT", path: "/v1/me/work/sources/calendar", token: tok,
		body: map[string]any{"feeds": []any{map[string]any{"id": "work", "name": "Work", "url": e.feed}}}}), 200, "put calendar")
	put.json(t, &src)
	if src.Kind != "calendar" || src.Version != 1 || len(src.Secrets) != 1 || src.Secrets[0] != "work" || strings.Contains(string(put.body), "private-") {
		t.Errorf("calendar settings shown as %s; want the feed named and its URL never shown", put.body)
	}
	e.want(e.do(req{method: "GET", path: "/v1/me/work/sources/calendar", token: tok}), 200, "calendar").json(t, &src)
	if src.Version != 1 || strings.Contains(string(src.Settings), "url") {
		t.Errorf("calendar settings read back: %+v", src)
	}
	e.want(e.do(req{method: "DELETE", path: "/v1/me/work/sources/calendar", token: tok}), 204, "delete calendar")
	e.want(e.do(req{method: "DELETE", path: "/v1/me/work/sources/calendar", token: tok}), 404, "delete calendar twice")
	e.want(e.do(req{method: "GET", path: "/v1/me/today", token: tok}), 200, "today")
	e.want(e.do(req{method: "GET", path: "/v1/me/today?date=2026-03-09", token: tok}), 200, "today of a date")
	e.want(e.do(req{method: "GET", path: "/v1/me/today?date=2026-02-30", token: tok}), 400, "today of no date")
	var sc struct{ Days []json.RawMessage }
	e.want(e.do(req{method: "GET", path: "/v1/me/scores?from=2026-03-01&to=2026-03-10", token: tok}), 200, "scores").json(t, &sc)
	if len(sc.Days) == 0 {
		t.Error("no scores after a work day was entered")
	}
	e.want(e.do(req{method: "GET", path: "/v1/me/xp?limit=10", token: tok}), 200, "xp")
	e.want(e.do(req{method: "GET", path: "/v1/me/xp?limit=100000", token: tok}), 400, "xp with a page too large")
	e.want(e.do(req{method: "GET", path: "/v1/me/achievements", token: tok}), 200, "achievements")

	// Oura: a token obtained elsewhere, a sync, the state, health days.
	e.want(e.do(req{method: "GET", path: "/v1/me/oura/sync", token: tok}), 200, "sync state before")
	e.want(e.do(req{method: "POST", path: "/v1/me/oura/sync", token: tok}), 409, "sync before connecting")
	ringTok := ringToken(t, e, "ring-1")
	var conn connectionResponse
	e.want(e.do(req{method: "PUT", path: "/v1/me/oura/connection", token: tok, body: map[string]any{"access_token": ringTok}}), 200, "connect").json(t, &conn)
	if conn.ExternalID != "ring-1" {
		t.Errorf("connection = %+v", conn)
	}
	var res lifeops.SyncResult
	e.want(e.do(req{method: "POST", path: "/v1/me/oura/sync", token: tok, body: map[string]any{"start_date": "2026-03-01", "end_date": "2026-03-10"}}),
		200, "sync").json(t, &res)
	if res.Partial || res.Counts[lifeops.KindDailySleep] == 0 {
		t.Errorf("sync = %+v", res)
	}
	e.want(e.do(req{method: "GET", path: "/v1/me/oura/sync", token: tok}), 200, "sync state")
	var hd struct{ Days []map[string]any }
	e.want(e.do(req{method: "GET", path: "/v1/me/health/days?from=2026-03-01&to=2026-03-10", token: tok}), 200, "health days").json(t, &hd)
	if len(hd.Days) < 9 {
		t.Errorf("%d health days after syncing 10", len(hd.Days))
	}
	e.want(e.do(req{method: "GET", path: "/v1/me/health/days/2026-03-05", token: tok}), 200, "health day")
	e.want(e.do(req{method: "GET", path: "/v1/me/health/days/2025-03-05", token: tok}), 404, "health day never synced")
	e.want(e.do(req{method: "POST", path: "/v1/me/oura/backfill", token: tok, body: map[string]any{"start_date": "2026-01-01"}}), 202, "backfill")
	e.want(e.do(req{method: "DELETE", path: "/v1/me/oura/connection", token: tok}), 204, "disconnect")
	e.want(e.do(req{method: "DELETE", path: "/v1/me/oura/connection", token: tok}), 404, "disconnect again")

	// Oura by OAuth: to Oura's consent page and back.
	r := e.want(e.do(req{method: "GET", path: "/v1/me/oura/connect", token: tok}), 302, "connect by OAuth")
	consent, err := e.client.Get(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	consent.Body.Close()
	back, err := url.Parse(consent.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(back.String(), e.srv.URL+"/oura/callback") {
		t.Fatalf("Oura sent the person to %q", consent.Header.Get("Location"))
	}
	e.want(e.do(req{method: "GET", path: "/oura/callback?" + back.RawQuery}), 200, "OAuth callback").json(t, &conn)
	if conn.ExternalID != "ring-1" {
		t.Errorf("OAuth connection = %+v", conn)
	}
	e.want(e.do(req{method: "GET", path: "/oura/callback?" + strings.Replace(back.RawQuery, "state=", "state=x", 1)}), 400, "callback with a forged state")
	e.want(e.do(req{method: "GET", path: "/oura/callback?error=access_denied"}), 400, "consent refused")

	// Webhooks: the challenge, a signed delivery routed to the person.
	e.want(e.do(req{method: "GET", path: "/oura/webhook?verification_token=webhook-verification&challenge=abc"}), 200, "webhook challenge")
	body := fmt.Sprintf(`{"event_type":"update","data_type":"daily_sleep","object_id":"x","event_time":"%s","user_id":"ring-1"}`, e.clock.Now().UTC().Format(time.RFC3339))
	ts := strconv.FormatInt(e.clock.Now().Unix(), 10)
	e.want(e.do(req{method: "POST", path: "/oura/webhook", body: body, header: map[string]string{
		"x-oura-timestamp": ts, "x-oura-signature": oura.SignatureHeader(oura.NewSecret(ouratest.DefaultClientSecret), ts, []byte(body))}}), 200, "webhook")
	if r := e.do(req{method: "POST", path: "/oura/webhook", body: body, header: map[string]string{"x-oura-timestamp": ts, "x-oura-signature": "00"}}); r.status < 400 {
		t.Errorf("an unsigned delivery was taken: %d", r.status)
	}
	jobs.mu.Lock()
	if len(jobs.syncs) != 1 || jobs.syncs[0] != ada {
		t.Errorf("webhook syncs = %v, want one of %v", jobs.syncs, ada)
	}
	jobs.mu.Unlock()

	// Devices: pairing, refresh, the list, signing out.
	var code pairingResponse
	e.want(e.do(req{method: "POST", path: "/v1/me/pairing-codes", token: tok}), 201, "pairing code").json(t, &code)
	noteSecret(strings.ReplaceAll(code.Code, "-", ""), code.Code)
	var tablet grantResponse
	e.want(e.do(req{method: "POST", path: "/v1/auth/pair", body: map[string]any{"code": strings.ToLower(code.Code), "device_name": "Tablet"}}), 201, "pair").json(t, &tablet)
	noteSecret(tablet.AccessToken, tablet.RefreshToken)
	e.want(e.do(req{method: "POST", path: "/v1/auth/pair", body: map[string]any{"code": code.Code, "device_name": "Tablet"}}), 401, "pair again")
	var next grantResponse
	e.want(e.do(req{method: "POST", path: "/v1/auth/refresh", body: map[string]any{"refresh_token": tablet.RefreshToken}}), 200, "refresh").json(t, &next)
	noteSecret(next.AccessToken, next.RefreshToken)
	var devs struct{ Devices []deviceView }
	e.want(e.do(req{method: "GET", path: "/v1/me/devices", token: next.AccessToken}), 200, "devices").json(t, &devs)
	current := map[string]bool{}
	for _, d := range devs.Devices {
		current[d.Name] = d.Current
	}
	if len(devs.Devices) != 2 || !current["Tablet"] || current["Ada's phone"] {
		t.Errorf("devices = %+v, want Ada's phone and the Tablet, which asked", devs.Devices)
	}
	e.want(e.do(req{method: "DELETE", path: "/v1/me/devices/" + tablet.DeviceID.String(), token: tok}), 204, "sign the tablet out")
	e.want(e.do(req{method: "GET", path: "/v1/me/devices", token: next.AccessToken}), 401, "the signed-out tablet's access token")

	// Personal tokens.
	var pat tokenResponse
	e.want(e.do(req{method: "POST", path: "/v1/me/tokens", token: tok, body: map[string]any{"name": "backup", "scope": "read", "expires_in_days": 30}}), 201, "token").json(t, &pat)
	noteSecret(pat.Token)
	e.want(e.do(req{method: "GET", path: "/v1/me/tokens", token: pat.Token}), 200, "tokens with the read token")
	e.want(e.do(req{method: "POST", path: "/v1/me/timeline/items/" + it.ID.String() + "/complete", token: pat.Token}), 403, "a write with the read token")
	e.want(e.do(req{method: "DELETE", path: "/v1/me/tokens/" + pat.ID.String(), token: tok}), 204, "revoke the token")
	e.want(e.do(req{method: "GET", path: "/v1/me/tokens", token: pat.Token}), 401, "the revoked token")

	// The calendar feed, by bearer token and by its secret URL.
	cal := e.want(e.do(req{method: "GET", path: "/v1/me/timeline.ics", token: tok}), 200, "ics")
	if !strings.Contains(string(cal.body), "BEGIN:VCALENDAR") || !strings.Contains(string(cal.body), "RRULE:FREQ=DAILY") {
		t.Errorf("calendar: %.300s", cal.body)
	}
	var ct calendarTokenResponse
	e.want(e.do(req{method: "POST", path: "/v1/me/timeline/ics-token", token: tok}), 201, "calendar token").json(t, &ct)
	noteSecret(ct.Token)
	feedURL, _ := url.Parse(ct.URL)
	e.want(e.do(req{method: "GET", path: feedURL.RequestURI()}), 200, "ics by its URL")
	e.want(e.do(req{method: "GET", path: "/v1/me/profile", token: ct.Token}), 403, "the calendar token elsewhere")
	e.want(e.do(req{method: "POST", path: "/v1/me/timeline/ics-token", token: tok}), 201, "rotate")
	e.want(e.do(req{method: "GET", path: feedURL.RequestURI()}), 401, "the old feed URL")

	// Export, then import into another person.
	doc := e.want(e.do(req{method: "GET", path: "/v1/me/export", token: tok}), 200, "export")
	if strings.Contains(string(doc.body), ringTok) || strings.Contains(string(doc.body), "refresh_token") {
		t.Error("the export holds a credential")
	}
	var imported map[string]int
	e.want(e.do(req{method: "POST", path: "/v1/me/import", token: tok, body: doc.body}), 200, "import").json(t, &imported)
	if imported["items"] != 1 || imported["events"] != 0 {
		t.Errorf("import of her own export = %v, want her item and no new event", imported)
	}
	// Into another person, the items get ids of their own.
	e.want(e.do(req{method: "POST", path: "/v1/me/import", token: other.AccessToken, body: doc.body}), 200, "import into another person")
	var theirs struct{ Items []lifeops.Item }
	e.want(e.do(req{method: "GET", path: "/v1/me/timeline/items", token: other.AccessToken}), 200, "Bob's items").json(t, &theirs)
	if len(theirs.Items) != 1 || theirs.Items[0].ID == it.ID || theirs.Items[0].Title != "Stretch well" {
		t.Errorf("Bob's items after importing Ada's export: %+v", theirs.Items)
	}
	e.want(e.do(req{method: "POST", path: "/v1/me/import", token: tok, body: `{"format":"lifeops-export","version":99}`}), 400, "import of a newer format")

	// Deleting the item last.
	e.want(e.do(req{method: "DELETE", path: item, token: tok}), 204, "delete item")
	e.want(e.do(req{method: "GET", path: item, token: tok}), 404, "deleted item")

	// Metrics behind the admin token.
	m := e.want(e.do(req{method: "GET", path: "/metrics", token: e.admin}), 200, "metrics")
	if !strings.Contains(string(m.body), `lifeops_http_requests_total{route="GET /v1/me/today",status="200"}`) ||
		!strings.Contains(string(m.body), `lifeops_sync_records_total{kind="daily_sleep"}`) {
		t.Errorf("metrics lack the request and sync counters:\n%.600s", m.body)
	}
	e.want(e.do(req{method: "GET", path: "/metrics", token: tok}), 403, "metrics with a person's token")
}

// ringToken issues an Oura token of the fake ring's user.
func ringToken(t *testing.T, e *env, user string) string {
	t.Helper()
	tok, err := e.ring.IssueToken(user)
	if err != nil {
		t.Fatal(err)
	}
	noteSecret(tok.AccessToken, tok.RefreshToken)
	return tok.AccessToken
}
