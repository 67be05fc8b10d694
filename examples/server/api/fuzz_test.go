package api

import (
	"strings"
	"testing"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/memstore"
)

// writeSeeds are bodies for the write routes: one good one each, and the
// shapes that break decoders.
var writeSeeds = []string{
	`{"name":"Ada","timezone":"Europe/Berlin","day_start_hour":4,"wake_time":"07:00"}`,
	`{"title":"Walk","kind":"habit","schedule":{"type":"weekly","days":["mon","fri"]},"anchor":{"type":"wake"},"offset_minutes":30,"duration_minutes":20}`,
	`{"title":"Dose","kind":"medication","schedule":{"type":"rrule","rrule":"FREQ=MONTHLY;BYDAY=-1FR","start_date":"2026-01-01"},"anchor":{"type":"fixed","time":"08:00"}}`,
	`{"sleep_minutes":480,"steps":8000,"work_minutes":480,"after_hours_minutes":0,"day_goal_percent":80,"weights":{"sleep":1,"activity":"1","work_life":1,"habits":1}}`,
	`{"work_minutes":480,"after_hours_minutes":30,"meeting_minutes":null}`,
	`{"date":"2026-03-10","minutes":30}`,
	`{"to":"2026-03-10T22:00:00+01:00"}`,
	`{"start_date":"2026-03-01","end_date":"2026-03-10"}`,
	`{"name":"script","scope":"read","expires_in_days":7}`,
	`{"refresh_token":"lo_rt_AAAA"}`,
	`{"code":"ABCDE-FGHJK","device_name":"Tablet"}`,
	`{"access_token":"x","expires_in":-1}`,
	`{"format":"lifeops-export","version":3,"user":{"id":"0190c2b4-0000-7000-8000-000000000001","name":"A","timezone":"UTC"}}`,
	`{"title":"x","schedule":{"type":"weekly","days":"mon"}}`,
	`{"day_start_hour":1e400}`, `{"wake_time":"25:61"}`, `{"date":"2026-02-30"}`,
	`[]`, `null`, `""`, `{}`, `{"a":` + strings.Repeat("[", 5000), `{"name":"\u0000\ud800"}`, "\xff\xfe",
	`{"weights":{"sleep":"NaN"}}`, `{"xp":99999999999999999999}`, `{"schedule":{"type":"every_n_days","interval":0}}`,
}

// FuzzWriteRoutes sends arbitrary bodies to every route that takes one,
// as a person (or the admin on admin routes): no answer is a 5xx.
func FuzzWriteRoutes(f *testing.F) {
	for _, s := range writeSeeds {
		for i := range 32 {
			f.Add(uint8(i), []byte(s))
		}
	}
	e := newEnv(f, memstore.New(), func(c *Config) { c.Jobs = &fakeJobs{} })
	e.strict = false
	uid, g := e.person("Fuzz")
	var it lifeops.Item
	e.want(e.do(req{method: "POST", path: "/v1/me/timeline/items", token: g.AccessToken, body: writeSeeds[1]}), 201, "item").json(f, &it)
	var writes []route
	for _, rt := range e.api.table {
		if m, _, _ := strings.Cut(rt.pattern, " "); m == "POST" || m == "PUT" || m == "PATCH" {
			writes = append(writes, rt)
		}
	}
	f.Fuzz(func(t *testing.T, pick uint8, body []byte) {
		rt := writes[int(pick)%len(writes)]
		method, path, _ := strings.Cut(rt.pattern, " ")
		tok := g.AccessToken
		if rt.auth == authAdmin {
			tok = e.admin
		}
		id := it.ID
		if strings.HasPrefix(path, "/v1/users/") {
			id = uid
		}
		path = strings.NewReplacer("{id}", id.String(), "{date}", "2026-03-10").Replace(path)
		e.t = t
		r := e.do(req{method: method, path: path, token: tok, body: body})
		if r.status >= 500 {
			t.Fatalf("%s with %q: %d %s", rt.pattern, body, r.status, r.body)
		}
	})
}
