package ouratest

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

var fuzzRoutes = []string{
	"/v2/usercollection/sleep",
	"/v2/usercollection/daily_activity",
	"/v2/usercollection/workout",
	"/v2/usercollection/rest_mode_period",
	"/v2/usercollection/ring_configuration",
	"/v2/usercollection/heartrate",
	"/v2/usercollection/ring_battery_level",
	"/v2/sandbox/usercollection/heartrate",
	"/v2/sandbox/usercollection/daily_sleep",
	"/v2/usercollection/personal_info",
}

// FuzzQuery sends any query to every kind of route: the server answers 200,
// 400 or 422 with a JSON body, and a list is always {"data": [...],
// "next_token": string or null}.
func FuzzQuery(f *testing.F) {
	s, err := NewServer(WithTime(time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)), WithPageSize(5), WithSamplePageSize(50),
		WithUser(User{ID: "u", Token: "t", Since: civil.D(2020, 1, 1)}))
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(s.Close)
	seeds := []string{
		"",
		"start_date=2024-01-01&end_date=2024-01-05",
		"start_date=2024-01-01T10:00:00+02:00&end_date=2024-01-03T23:59:59",
		"start_date=2024-01-05&end_date=2024-01-01",
		"end_date=2024-13-40",
		"start_date=2024-02-30",
		"start_date=0001-01-01&end_date=0001-01-02",
		"start_date=9999-12-31",
		"start_datetime=2024-01-01T00:00:00Z&end_datetime=2024-01-02T00:00:00.5Z",
		"start_datetime=2024-01-01t00:00:00z",
		"start_datetime=2024-01-01 00:00:00",
		"start_datetime=2024-01-01&end_datetime=2024-01-01T06:00:00-05:00",
		"start_datetime=2024-01-01T00:00:00Z&end_datetime=2024-05-01T00:00:00Z",
		"latest=true&start_datetime=2024-01-01T00:00:00Z",
		"latest=maybe",
		"fields=score,day,,%20bpm&latest=0",
		"next_token=AQ",
		"next_token=" + encodeCursor(0, cursor{route: codeSleep}),
		"next_token=%zz",
		"start_date=%00",
	}
	for _, q := range seeds {
		for i := range fuzzRoutes {
			f.Add(uint8(i), q)
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, query string) {
		r := httptest.NewRequest(http.MethodGet, fuzzRoutes[int(route)%len(fuzzRoutes)], nil)
		r.URL.RawQuery = query
		r.Header.Set("Authorization", "Bearer t")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusUnprocessableEntity:
		default:
			t.Fatalf("%s?%s: status %d: %s", r.URL.Path, query, w.Code, w.Body)
		}
		var body map[string]json.RawMessage
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("%s?%s: body is not a JSON object: %v: %s", r.URL.Path, query, err, w.Body)
		}
		if w.Code != http.StatusOK || r.URL.Path == "/v2/usercollection/personal_info" {
			return
		}
		var page struct {
			Data      []map[string]any `json:"data"`
			NextToken *string          `json:"next_token"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &page); err != nil || page.Data == nil {
			t.Fatalf("%s?%s: not a page: %v: %s", r.URL.Path, query, err, w.Body)
		}
		if _, ok := body["next_token"]; !ok {
			t.Fatalf("%s?%s: no next_token", r.URL.Path, query)
		}
	})
}

// FuzzDateParam: a date parameter either fails with a paramError or yields a
// valid date whose instant falls on it in the user's zone.
func FuzzDateParam(f *testing.F) {
	for _, s := range []string{"2024-03-31", "2024-03-31T02:30:00", "2024-03-31T02:30:00+03:00", "2024-03-31T02:30:00.123Z", "2024-02-30", "2024-3-1", "", "0000-01-01T00:00:00Z", "2024-01-01T25:00:00"} {
		f.Add(s)
	}
	loc, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseDateParam("start_date", s, loc)
		if err != nil {
			if _, ok := err.(*paramError); !ok {
				t.Fatalf("%q: %T is not a paramError", s, err)
			}
			return
		}
		if got := civil.DateOf(p.t.In(loc)); got != p.date {
			t.Fatalf("%q: instant %v is on %v, date is %v", s, p.t, got, p.date)
		}
		if p.dateOnly && !p.date.IsValid() {
			t.Fatalf("%q: invalid date %v", s, p.date)
		}
		if _, err := parseSeriesParam("start_datetime", s); err != nil {
			if _, ok := err.(*paramError); !ok {
				t.Fatalf("%q: %T is not a paramError", s, err)
			}
		}
	})
}

// FuzzNextToken: a token decodes only when the server made it, and then
// encodes back to itself.
func FuzzNextToken(f *testing.F) {
	f.Add(encodeCursor(7, cursor{route: codeHeartRate, user: 1, lo: -5, hi: 1 << 40, dayLo: -3, dayHi: 9, pos: 12, ord: 2}))
	f.Add("AQ")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := decodeCursor(7, s)
		if err != nil {
			return
		}
		if back := encodeCursor(7, c); back != s {
			t.Fatalf("%q decodes to %+v which encodes to %q", s, c, back)
		}
		if _, err := decodeCursor(8, s); err == nil {
			t.Fatalf("%q decodes with another key", s)
		}
	})
}

// FuzzDocumentID: an id parses only when the user's key made it, and then
// makes itself again.
func FuzzDocumentID(f *testing.F) {
	f.Add(makeID(3, codeSleep, 19900, 2))
	f.Add("00000000-0000-0000-0000-000000000000")
	f.Add("not an id")
	f.Fuzz(func(t *testing.T, id string) {
		code, day, ord, ok := parseID(3, id)
		if !ok {
			return
		}
		if back := makeID(3, code, day, ord); back != id {
			t.Fatalf("%q parses to (%d, %d, %d) which makes %q", id, code, day, ord, back)
		}
	})
}

func TestIDAndTokenRoundTrip(t *testing.T) {
	t.Parallel()
	for _, day := range []int32{-800000, -1, 0, 19900, 2900000} {
		for _, ord := range []uint8{0, 1, 255} {
			id := makeID(42, codeWorkout, day, ord)
			code, d, o, ok := parseID(42, id)
			if !ok || code != codeWorkout || d != day || o != ord {
				t.Errorf("makeID(%d, %d) = %s parses to %d %d %d %v", day, ord, id, code, d, o, ok)
			}
			if _, _, _, ok := parseID(43, id); ok {
				t.Errorf("%s parses with another user's key", id)
			}
		}
	}
	c := cursor{route: codeSleep, user: 9, lo: -1, hi: 2, dayLo: 3, dayHi: 4, pos: 5, ord: 6}
	got, err := decodeCursor(1, encodeCursor(1, c))
	if err != nil || got != c {
		t.Errorf("cursor round trip: %+v %v", got, err)
	}
}
