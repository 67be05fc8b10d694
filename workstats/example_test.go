package workstats_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/workstats"
)

func ExampleWorkingHours() {
	h := workstats.DefaultWorkingHours()
	h.Friday = []workstats.Shift{{Start: civil.MustParseClock("08:00"), End: civil.MustParseClock("12:00")}}
	h.Sunday = []workstats.Shift{{Start: civil.MustParseClock("22:00"), End: civil.MustParseClock("02:00")}} // into Monday
	b, _ := json.Marshal(h)
	fmt.Println(string(b), h.Validate())

	bad := workstats.WorkingHours{Monday: []workstats.Shift{{Start: civil.MustParseClock("09:00"), End: civil.MustParseClock("09:00")}}}
	fmt.Println(bad.Validate())
	// Output:
	// {"monday":[{"start":"09:00","end":"17:00"}],"tuesday":[{"start":"09:00","end":"17:00"}],"wednesday":[{"start":"09:00","end":"17:00"}],"thursday":[{"start":"09:00","end":"17:00"}],"friday":[{"start":"08:00","end":"12:00"}],"sunday":[{"start":"22:00","end":"02:00"}]} <nil>
	// invalid working_hours.monday[0]: start and end are both 09:00; a shift must last
}

func ExampleCalendarOf() {
	ada := lifeops.User{Zone: "America/New_York", DayStartHour: 4}
	moved := []lifeops.ZoneChange{{At: time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC), From: "Europe/Berlin", To: "America/New_York"}}
	cal := workstats.CalendarOf(ada, moved)
	ps, err := cal.Periods()
	fmt.Println(len(ps), ps[0].Loc, ps[1].Loc, err)
	fmt.Println(workstats.Calendar{Zone: "Mars/Olympus"}.Validate())
	// Output:
	// 2 Europe/Berlin America/New_York <nil>
	// invalid timezone: unknown time zone "Mars/Olympus"
}

func ExampleNewFetcher() {
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls++; calls == 1 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		fmt.Fprint(w, "hello")
	}))
	defer srv.Close()

	f, _ := workstats.NewFetcher(workstats.FetcherConfig{Source: "example", Retry: workstats.RetryPolicy{BaseDelay: time.Millisecond}})
	u, _ := url.Parse(srv.URL + "/secret-token/feed.ics")
	resp, err := f.Get(context.Background(), &workstats.Request{URL: u})
	fmt.Println(resp.Status, string(resp.Body), resp.Attempts, err)

	resp, err = f.Get(context.Background(), &workstats.Request{URL: u, Header: http.Header{"If-None-Match": {resp.Header.Get("ETag")}}})
	fmt.Println(resp.Status, len(resp.Body), err)

	srv.Close()
	_, err = f.Get(context.Background(), &workstats.Request{URL: u})
	var ne *workstats.NetworkError
	fmt.Println(errors.As(err, &ne), lifeops.ErrorMessage(workstats.Translate("The calendar", err)))
	// Output:
	// 200 hello 2 <nil>
	// 304 0 <nil>
	// true The calendar is unavailable; try again later.
}
