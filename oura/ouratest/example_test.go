package ouratest_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/lifeops/lifeops/oura/ouratest"
)

// get fetches one path from the server with a bearer token and decodes it.
func get(s *ouratest.Server, token, path string, v any) int {
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		panic(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := s.Client().Do(req)
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			panic(err)
		}
	}
	return resp.StatusCode
}

func ExampleNewServer() {
	s, err := ouratest.NewServer(ouratest.WithTime(time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)))
	if err != nil {
		panic(err)
	}
	defer s.Close()

	var sleep struct {
		Data []struct {
			Day          string `json:"day"`
			Type         string `json:"type"`
			BedtimeStart string `json:"bedtime_start"`
		} `json:"data"`
		NextToken *string `json:"next_token"`
	}
	status := get(s, ouratest.DefaultToken, "/v2/usercollection/sleep?start_date=2024-06-10&end_date=2024-06-12", &sleep)
	fmt.Println(status)
	for _, d := range sleep.Data {
		fmt.Println(d.Day, d.Type, d.BedtimeStart)
	}
	fmt.Println(sleep.NextToken == nil)
	// Output:
	// 200
	// 2024-06-10 long_sleep 2024-06-09T21:51:49+00:00
	// 2024-06-11 long_sleep 2024-06-10T23:41:25+00:00
	// 2024-06-11 deleted 2024-06-11T14:40:22+00:00
	// 2024-06-12 long_sleep 2024-06-11T22:34:15+00:00
	// 2024-06-12 deleted 2024-06-12T14:35:11+00:00
	// true
}

func ExampleWithSamplePageSize() {
	s, err := ouratest.NewServer(
		ouratest.WithTime(time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)),
		ouratest.WithSamplePageSize(100),
	)
	if err != nil {
		panic(err)
	}
	defer s.Close()

	path := "/v2/usercollection/heartrate?start_datetime=2024-06-01T00:00:00Z&end_datetime=2024-06-02T00:00:00Z"
	rows, pages := 0, 0
	for path != "" {
		var page struct {
			Data      []struct{ BPM int } `json:"data"`
			NextToken *string             `json:"next_token"`
		}
		get(s, ouratest.DefaultToken, path, &page)
		rows += len(page.Data)
		pages++
		path = ""
		if page.NextToken != nil {
			path = "/v2/usercollection/heartrate?next_token=" + *page.NextToken
		}
	}
	fmt.Println(rows, "rows in", pages, "pages")
	// Output:
	// 284 rows in 3 pages
}

func ExampleWithUser() {
	helsinki, err := time.LoadLocation("Europe/Helsinki")
	if err != nil {
		panic(err)
	}
	s, err := ouratest.NewServer(
		ouratest.WithTime(time.Date(2024, 6, 30, 12, 0, 0, 0, time.UTC)),
		ouratest.WithUser(ouratest.User{ID: "aino", Token: "aino-token", Location: helsinki}),
	)
	if err != nil {
		panic(err)
	}
	defer s.Close()

	var activity struct {
		Data []struct {
			Day       string `json:"day"`
			Timestamp string `json:"timestamp"`
		} `json:"data"`
	}
	// The day after the last day wanted: daily_activity reads end_date as
	// local midnight and matches its 04:00 timestamp against it.
	get(s, "aino-token", "/v2/usercollection/daily_activity?start_date=2024-03-30&end_date=2024-04-01", &activity)
	for _, d := range activity.Data {
		fmt.Println(d.Day, d.Timestamp)
	}
	// Output:
	// 2024-03-30 2024-03-30T04:00:00+02:00
	// 2024-03-31 2024-03-31T04:00:00+03:00
}
