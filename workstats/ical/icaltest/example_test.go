package icaltest_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/workstats/ical/icaltest"
)

func ExampleNewServer() {
	srv := icaltest.NewServer()
	defer srv.Close()
	url := srv.Publish("/secret/feed.ics", icaltest.Many(2, civil.D(2025, 3, 3)))
	srv.Inject(icaltest.Rule{Times: 1, Fault: icaltest.RateLimited(time.Second)})

	resp, _ := http.Get(url)
	fmt.Println(resp.StatusCode, resp.Header.Get("Retry-After"))
	resp.Body.Close()

	resp, _ = http.Get(url)
	etag := resp.Header.Get("ETag")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, strings.Count(string(body), "BEGIN:VEVENT"))

	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("If-None-Match", etag)
	resp, _ = http.DefaultClient.Do(req)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, len(srv.Requests()))
	// Output:
	// 429 1
	// 200 2
	// 304 2
}

func ExampleWorkweeks() {
	feed := icaltest.Workweeks(1, civil.D(2025, 3, 3), 5, "Europe/Berlin")
	fmt.Println(strings.Count(string(feed), "BEGIN:VEVENT") > 5, strings.Contains(string(feed), "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"))
	// Output: true true
}
