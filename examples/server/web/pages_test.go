package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// itemForm is a form for a new item with the given fields over defaults.
func itemForm(kv ...string) url.Values {
	f := url.Values{"title": {"Floss"}, "kind": {"habit"}, "difficulty": {"easy"}, "schedule.type": {"daily"},
		"anchor.type": {"fixed"}, "anchor.times": {"21:30"}, "offset_minutes": {"0"}, "duration_minutes": {"5"}, "missed": {"drop"}}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			f.Del(kv[i])
			continue
		}
		f[kv[i]] = strings.Split(kv[i+1], "|")
	}
	return f
}

// TestItemForms: every kind of schedule, anchor, offset and duration
// made through the form is the item the API would make of the same
// fields; a stored item shown in the form and sent back is unchanged.
func TestItemForms(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.signIn(f.token)
	d := civil.D
	at := func(h, m int) timeline.Anchor {
		return timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: h, Minute: m}}
	}
	cases := []struct {
		name string
		form url.Values
		want timeline.Item
	}{
		{"daily", itemForm(), timeline.Item{Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
			Anchor: at(21, 30), DurationMinutes: 5}},
		{"weekly every other week", itemForm("schedule.type", "weekly", "schedule.days", "mon|thu", "schedule.interval", "2",
			"schedule.start_date", "2026-03-02"),
			timeline.Item{Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday, time.Thursday},
				Interval: 2, StartDate: d(2026, 3, 2)}, Anchor: at(21, 30), DurationMinutes: 5}},
		{"every 3 days after waking", itemForm("schedule.type", "every_n_days", "schedule.interval", "3", "schedule.start_date", "2026-03-01",
			"anchor.type", "wake", "anchor.times", "", "offset_minutes", "30", "duration_minutes", "45", "kind", "workout"),
			timeline.Item{Kind: timeline.KindWorkout, Schedule: timeline.Schedule{Type: timeline.ScheduleEveryNDays, Interval: 3,
				StartDate: d(2026, 3, 1)}, Anchor: timeline.Anchor{Type: timeline.AnchorWake}, OffsetMinutes: 30, DurationMinutes: 45}},
		{"monthly last friday before bed", itemForm("schedule.type", "monthly", "schedule.by", "week", "schedule.week", "-1",
			"schedule.weekday", "fri", "anchor.type", "bedtime", "offset_minutes", "-60"),
			timeline.Item{Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleMonthly, Week: -1, Weekday: time.Friday},
				Anchor: timeline.Anchor{Type: timeline.AnchorBedtime}, OffsetMinutes: -60, DurationMinutes: 5}},
		{"yearly on the 14th", itemForm("schedule.type", "yearly", "schedule.by", "day", "schedule.day_of_month", "14", "schedule.month", "3"),
			timeline.Item{Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleYearly, DayOfMonth: 14, Month: 3},
				Anchor: at(21, 30), DurationMinutes: 5}},
		{"once, three times that day", itemForm("schedule.type", "once", "schedule.date", "2026-04-01", "anchor.times", "09:00, 12:00,15:00"),
			timeline.Item{Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleOnce, Date: d(2026, 4, 1)},
				Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Times: []civil.Clock{{Hour: 9}, {Hour: 12}, {Hour: 15}}}, DurationMinutes: 5}},
		{"rrule with exceptions, XP and active dates", itemForm("schedule.type", "rrule", "schedule.rrule", "FREQ=MONTHLY;BYDAY=1MO,3MO",
			"schedule.start_date", "2026-01-05", "schedule.except_dates", "2026-04-06", "schedule.extra_dates", "2026-04-07 2026-04-08",
			"xp", "40", "missed", "carry_over", "active_until", "2026-12-31"),
			timeline.Item{Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleRRule, RRule: "FREQ=MONTHLY;BYDAY=1MO,3MO",
				StartDate: d(2026, 1, 5), ExceptDates: []civil.Date{d(2026, 4, 6)}, ExtraDates: []civil.Date{d(2026, 4, 7), d(2026, 4, 8)}},
				Anchor: at(21, 30), DurationMinutes: 5, XP: new(40), Missed: timeline.MissedCarryOver, ActiveUntil: d(2026, 12, 31)}},
	}
	opts := cmp.Options{cmpopts.IgnoreFields(timeline.Item{}, "ID", "Title"), cmpopts.EquateEmpty()}
	for _, tc := range cases {
		tc.form.Set("title", tc.name)
		p := c.post("/app/items", tc.form)
		if p.status != http.StatusSeeOther {
			t.Errorf("%s: %d\n%.1500s", tc.name, p.status, p.body)
			continue
		}
		stored := f.storedItem(tc.name)
		if diff := cmp.Diff(tc.want, stored.Item, opts); diff != "" {
			t.Errorf("%s: stored item (-want +got):\n%s", tc.name, diff)
		}
		// The edit form of the stored item, sent back as it is, reads as
		// the same item and changes nothing.
		back, err := itemOfForm(formOfItem(stored))
		if err != nil {
			t.Errorf("%s: the edit form reads back with %v", tc.name, err)
		} else if diff := cmp.Diff(stored.Item, back.Item, cmpopts.IgnoreFields(timeline.Item{}, "ID"), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("%s: edit form round trip (-stored +form):\n%s", tc.name, diff)
		}
		if back.Difficulty != stored.Difficulty {
			t.Errorf("%s: difficulty %q came back as %q", tc.name, stored.Difficulty, back.Difficulty)
		}
	}
	list := c.get("/app/items").body
	for _, want := range []string{"Every 2 weeks on Mon, Thu, from Mon 2 Mar", "Every 3 days, from Sun 1 Mar", "30 min after wake",
		"Every month on the last Friday", "1 h before bedtime", "Every year in March on the 14th day", "Once, on Wed 1 Apr",
		"at 09:00, 12:00, 15:00", "Rule FREQ=MONTHLY;BYDAY=1MO,3MO, from Mon 5 Jan, except 1 date, and 2 more dates", "40 XP", "until Thu 31 Dec"} {
		if !strings.Contains(list, want) {
			t.Errorf("the items page lacks %q", want)
		}
	}
}

// storedItem is the person's item titled title.
func (f *fixture) storedItem(title string) lifeops.Item {
	f.t.Helper()
	items, err := f.svc.Items(context.Background(), f.user.ID)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, it := range items {
		if it.Title == title {
			return it
		}
	}
	f.t.Fatalf("no stored item %q", title)
	return lifeops.Item{}
}

func TestItemFormErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.signIn(f.token)
	for _, tc := range []struct {
		name   string
		form   url.Values
		fields []string // the fields the page marks, in its summary
	}{
		{"no title", itemForm("title", ""), []string{"#f-title"}},
		{"weekly without days", itemForm("schedule.type", "weekly"), []string{"#f-schedule-days"}},
		{"a fixed time missing", itemForm("anchor.times", ""), []string{"#f-anchor-times"}},
		{"a rule that never happens", itemForm("schedule.type", "rrule", "schedule.rrule", "FREQ=DAILY;INTERVAL=7;BYDAY=MO",
			"schedule.start_date", "2026-03-10"), []string{"#f-schedule-rrule"}},
		{"every n days without a start", itemForm("schedule.type", "every_n_days", "schedule.interval", "2"), []string{"#f-schedule-start_date"}},
		{"numbers", itemForm("offset_minutes", "2000", "duration_minutes", "soon"), []string{"#f-duration_minutes"}},
		{"offset out of range", itemForm("offset_minutes", "2000"), []string{"#f-offset_minutes"}},
		{"a bad date", itemForm("schedule.type", "once", "schedule.date", "2026-02-30"), []string{"#f-schedule-date"}},
	} {
		p := c.post("/app/items", tc.form)
		if p.status != http.StatusBadRequest {
			t.Errorf("%s: %d", tc.name, p.status)
			continue
		}
		for _, href := range tc.fields {
			if !strings.Contains(p.body, `href="`+href+`"`) {
				t.Errorf("%s: the summary does not link %s:\n%s", tc.name, href, mustID(t, p.body, "errors"))
			}
			if !strings.Contains(p.body, `id="`+href[1:]+`"`) {
				t.Errorf("%s: no field %s on the page", tc.name, href)
			}
		}
		// What was typed is shown again.
		if title := tc.form.Get("title"); title != "" && !strings.Contains(p.body, `value="`+title+`"`) {
			t.Errorf("%s: the title typed is gone", tc.name)
		}
	}
	items, _ := f.svc.Items(context.Background(), f.user.ID)
	if len(items) != len(f.items) {
		t.Errorf("refused forms made items: %d, want %d", len(items), len(f.items))
	}
}

// TestItemEditDelete: an edit saves over the version it was made from;
// a stale one is refused; delete asks first.
func TestItemEditDelete(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.signIn(f.token)
	read := f.item("Read")
	path := "/app/items/" + read.ID.String()
	form := formOfItem(read)
	form.Set("title", "Read fiction")
	form.Set("offset_minutes", "-30")
	if p := c.post(path, form); p.status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%.800s", p.status, p.body)
	}
	got := f.storedItem("Read fiction")
	if got.OffsetMinutes != -30 || got.Version != read.Version+1 {
		t.Errorf("after saving: offset %d, version %d", got.OffsetMinutes, got.Version)
	}
	// The same form again is stale now.
	form.Set("title", "Read poetry")
	if p := c.post(path, form); p.status != http.StatusPreconditionFailed {
		t.Errorf("a stale form: %d", p.status)
	}
	if p := c.post(path, url.Values{"title": {"x"}}); p.status != http.StatusBadRequest {
		t.Errorf("a form without its version: %d", p.status)
	}
	if p := c.get(path + "/delete"); p.status != http.StatusOK || !strings.Contains(p.body, `action="`+path+`/delete"`) {
		t.Errorf("the delete page: %d", p.status)
	}
	if p := c.post(path+"/delete", url.Values{}); p.status != http.StatusSeeOther {
		t.Errorf("delete: %d", p.status)
	}
	if _, err := f.svc.Item(context.Background(), f.user.ID, read.ID); !isNotFound(err) {
		t.Errorf("after delete: %v", err)
	}
	if p := c.get(path); p.status != http.StatusNotFound {
		t.Errorf("a deleted item's page: %d", p.status)
	}
	// Another person's item is not found.
	other, err := f.svc.CreateUser(context.Background(), lifeops.NewUser{Name: "Bo", Zone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}
	it := f.items[0]
	it.ID = [16]byte{1}
	theirs, err := f.svc.CreateItem(context.Background(), other.ID, it)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []page{c.get("/app/items/" + theirs.ID.String()), c.post("/app/items/"+theirs.ID.String()+"/delete", url.Values{}),
		c.post("/app/items/"+theirs.ID.String()+"/complete", url.Values{"date": {"2026-03-10"}})} {
		if p.status != http.StatusNotFound {
			t.Errorf("another person's item: %d", p.status)
		}
	}
}

func isNotFound(err error) bool { return lifeops.ErrorCode(err) == lifeops.CodeNotFound }

// TestProfileGoalsClock: the profile saves at its version, goals are
// checked, the clock is the browser's.
func TestProfileGoalsClock(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.signIn(f.token)
	profile := url.Values{"name": {"Ada L."}, "timezone": {"Europe/Berlin"}, "day_start_hour": {"3"}, "wake_time": {"06:45"},
		"bedtime": {"22:30"}, "version": {"1"}}
	if p := c.post("/app/profile", profile); p.status != http.StatusSeeOther {
		t.Fatalf("save profile: %d\n%.800s", p.status, p.body)
	}
	u, _ := f.svc.Profile(context.Background(), f.user.ID)
	if u.Name != "Ada L." || u.DayStartHour != 3 || u.WakeTime != (civil.Clock{Hour: 6, Minute: 45}) {
		t.Errorf("profile after saving: %+v", u)
	}
	if p := c.post("/app/profile", profile); p.status != http.StatusPreconditionFailed {
		t.Errorf("a stale profile form: %d", p.status)
	}
	profile.Set("version", "2")
	profile.Set("timezone", "Mars/Olympus")
	profile.Set("wake_time", "7am")
	p := c.post("/app/profile", profile)
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, `href="#f-wake_time"`) || !strings.Contains(p.body, `value="Mars/Olympus"`) {
		t.Errorf("a bad profile: %d\n%.600s", p.status, mustID(t, p.body, "errors"))
	}

	goals := url.Values{"sleep_minutes": {"450"}, "steps": {"10000"}, "work_minutes": {"420"}, "after_hours_minutes": {"30"},
		"resting_heart_rate": {"52"}, "day_goal_percent": {"70"}, "weights.sleep": {"2"}, "weights.activity": {"1"},
		"weights.work_life": {"0.5"}, "weights.habits": {"1"}}
	if p := c.post("/app/goals", goals); p.status != http.StatusSeeOther {
		t.Fatalf("save goals: %d\n%.800s", p.status, p.body)
	}
	g, _ := f.svc.Goals(context.Background(), f.user.ID)
	if g.Steps != 10000 || g.DayGoalPercent != 70 || g.Weights.WorkLife.String() != "0.5" {
		t.Errorf("goals after saving: %+v", g)
	}
	goals.Set("steps", "10")
	goals.Set("weights.habits", "-1")
	p = c.post("/app/goals", goals)
	if p.status != http.StatusBadRequest || !strings.Contains(p.body, `href="#f-steps"`) || !strings.Contains(p.body, `href="#f-weights-habits"`) {
		t.Errorf("bad goals: %d\n%s", p.status, mustID(t, p.body, "errors"))
	}

	walk := f.entryID("Walk outside", "2026-03-10")
	if got := mustID(t, c.get("/app/").body, walk); !strings.HasPrefix(got, "12:30") {
		t.Fatalf("walk with the 24-hour clock: %q", got)
	}
	if p := c.post("/app/preferences", url.Values{"clock": {"12"}, "back": {"/app/"}}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/app/" {
		t.Fatalf("clock: %d %q", p.status, p.header.Get("Location"))
	}
	if got := mustID(t, c.get("/app/").body, walk); !strings.HasPrefix(got, "12:30 PM") {
		t.Errorf("walk with the 12-hour clock: %q", got)
	}
	if p := c.post("/app/preferences", url.Values{"clock": {"13"}}); p.status != http.StatusBadRequest {
		t.Errorf("a clock of 13 hours: %d", p.status)
	}
}

// TestDevicesPage: a pairing code made on the page signs another browser
// in, which shows as a device; revoking it ends that session, revoking
// one's own signs out.
func TestDevicesPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	phone := f.client()
	phone.signIn(f.pairingCode())
	before, _ := f.svc.Devices(context.Background(), f.user.ID)
	c := f.client()
	c.signIn(f.token)
	p := c.post("/app/devices/pair", url.Values{})
	code := mustID(t, p.body, "pairing-code")
	if p.status != http.StatusOK || len(code) != 11 {
		t.Fatalf("pairing code %q: %d", code, p.status)
	}
	laptop := f.client()
	laptop.signIn(code)
	devs, _ := f.svc.Devices(context.Background(), f.user.ID)
	if len(devs) != 2 || len(before) != 1 {
		t.Fatalf("devices: %+v", devs)
	}
	// devs[0] is the phone's, devs[1] the laptop's.
	if devs[0].ID != before[0].ID {
		devs[0], devs[1] = devs[1], devs[0]
	}
	page := c.get("/app/devices").body
	for _, dv := range devs {
		if _, ok := byID(t, page, "device-"+dv.ID.String()); !ok {
			t.Errorf("device %s not listed", dv.Name)
		}
	}
	if got := mustID(t, laptop.get("/app/devices").body, "device-"+devs[1].ID.String()); !strings.Contains(got, "this browser") {
		t.Errorf("the laptop's own entry: %q", got)
	}
	if p := c.post("/app/devices/"+devs[0].ID.String()+"/revoke", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.status)
	}
	if p := phone.get("/app/"); p.status != http.StatusSeeOther {
		t.Errorf("the revoked phone still signed in: %d", p.status)
	}
	if p := laptop.post("/app/devices/"+devs[1].ID.String()+"/revoke", url.Values{}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/app/signin" {
		t.Errorf("revoking one's own device: %d %q", p.status, p.header.Get("Location"))
	}
	if p := laptop.get("/app/"); p.status != http.StatusSeeOther {
		t.Errorf("signed in after revoking oneself: %d", p.status)
	}
	toks, _ := f.svc.PersonalTokens(context.Background(), f.user.ID)
	if p := c.post("/app/tokens/"+toks[0].ID.String()+"/revoke", url.Values{}); p.status != http.StatusSeeOther || p.header.Get("Location") != "/app/signin" {
		t.Errorf("revoking the session's token: %d %q", p.status, p.header.Get("Location"))
	}
	if p := c.get("/app/"); p.status != http.StatusSeeOther {
		t.Errorf("the revoked token's session: %d", p.status)
	}
}

// TestOuraPage: sync now, a backfill's progress refreshing itself while it
// runs, disconnect, a pasted token.
func TestOuraPage(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.signIn(f.token)
	if got := mustID(t, c.get("/app/oura").body, "oura-state"); !strings.HasPrefix(got, "Connected since") {
		t.Errorf("state: %q", got)
	}
	if p := c.post("/app/oura/sync", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("sync: %d\n%.600s", p.status, p.body)
	}
	if msg := mustID(t, c.get("/app/oura").body, "flash"); !strings.HasPrefix(msg, "Synced ") {
		t.Errorf("after sync: %q", msg)
	}
	if p := c.post("/app/oura/backfill", url.Values{"start_date": {"2025-09-01"}}); p.status != http.StatusSeeOther {
		t.Fatalf("backfill: %d", p.status)
	}
	page := c.get("/app/oura").body
	if !strings.Contains(page, `data-refresh="2000"`) || !strings.Contains(page, `<progress id="backfill-progress" max="3" value="0"`) {
		t.Errorf("a running backfill:\n%s", mustID(t, page, "backfill"))
	}
	for range 3 {
		f.jobs.advance(f.user.ID)
	}
	page = c.get("/app/oura").body
	if strings.Contains(page, "data-refresh") || !strings.Contains(mustID(t, page, "backfill"), "3 of 3 chunks, done") {
		t.Errorf("a finished backfill:\n%s", mustID(t, page, "backfill"))
	}
	if p := c.post("/app/oura/backfill", url.Values{"start_date": {"soon"}}); p.status != http.StatusBadRequest {
		t.Errorf("a bad start date: %d", p.status)
	}
	if p := c.post("/app/oura/disconnect", url.Values{}); p.status != http.StatusSeeOther {
		t.Fatalf("disconnect: %d", p.status)
	}
	if got := mustID(t, c.get("/app/oura").body, "oura-state"); got != "Not connected." {
		t.Errorf("after disconnecting: %q", got)
	}
	if p := c.post("/app/oura/token", url.Values{"token": {"ring-token"}}); p.status != http.StatusSeeOther {
		t.Fatalf("paste a token: %d\n%.500s", p.status, p.body)
	}
	if got := mustID(t, c.get("/app/oura").body, "oura-state"); !strings.HasPrefix(got, "Connected since") {
		t.Errorf("after pasting a token: %q", got)
	}
	if p := c.post("/app/oura/token", url.Values{"token": {""}}); p.status != http.StatusBadRequest {
		t.Errorf("an empty token: %d", p.status)
	}
	if p := c.get("/app/oura/connect"); p.status != http.StatusServiceUnavailable {
		t.Errorf("connect without an Oura application: %d", p.status)
	}
}

// TestReadOnlyPages: a read token sees every page, and no form that
// changes the person's data.
func TestReadOnlyPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.readOnlyClient()
	for _, path := range []string{"/app/", "/app/trends", "/app/achievements", "/app/items", "/app/profile", "/app/devices", "/app/oura"} {
		p := c.get(path)
		if p.status != http.StatusOK {
			t.Errorf("%s: %d", path, p.status)
			continue
		}
		for _, action := range []string{"/complete", "/app/items/new", `action="/app/goals"`, "/revoke", "/app/oura/sync", `action="/app/profile"`, "/delete"} {
			if strings.Contains(p.body, action) {
				t.Errorf("%s offers %s to a reader", path, action)
			}
		}
	}
	for _, path := range []string{"/app/items/new", "/app/items/" + f.items[0].ID.String()} {
		if p := c.get(path); p.status != http.StatusForbidden {
			t.Errorf("%s for a reader: %d", path, p.status)
		}
	}
	for _, path := range []string{"/app/items", "/app/goals", "/app/profile", "/app/devices/pair", "/app/oura/sync", "/app/oura/disconnect"} {
		if p := c.post(path, url.Values{}); p.status != http.StatusForbidden {
			t.Errorf("POST %s by a reader: %d", path, p.status)
		}
	}
	// The clock is the browser's own: a reader may set it.
	if p := c.post("/app/preferences", url.Values{"clock": {"12"}}); p.status != http.StatusSeeOther {
		t.Errorf("a reader's clock: %d", p.status)
	}
}
