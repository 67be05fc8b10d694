package awtest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/workstats/activitywatch/awtest"
)

func ExampleNewServer() {
	srv := awtest.NewServer()
	defer srv.Close()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	srv.Record("laptop", awtest.Workdays(1, civil.D(2025, 3, 3), 5, berlin)...)
	srv.Inject(awtest.Rule{Path: "/api/0/buckets/", Times: 1, Fault: awtest.Status(503)})

	resp, _ := http.Get(srv.URL + "/api/0/buckets/")
	fmt.Println(resp.StatusCode)
	resp.Body.Close()

	// ActivityWatch answers newest first.
	resp, _ = http.Get(srv.URL + "/api/0/buckets/" + awtest.AFKBucket("laptop") + "/events?limit=2")
	var events []struct {
		Timestamp time.Time      `json:"timestamp"`
		Duration  float64        `json:"duration"`
		Data      map[string]any `json:"data"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&events)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, len(events), events[0].Timestamp.After(events[1].Timestamp), events[0].Data["status"] != nil)
	// Output:
	// 503
	// 200 2 true true
}
