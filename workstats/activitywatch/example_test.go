package activitywatch_test

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/workstats"
	"github.com/lifeops/lifeops/workstats/activitywatch"
	"github.com/lifeops/lifeops/workstats/activitywatch/awtest"
)

func ExampleNewSource() {
	srv := awtest.NewServer()
	defer srv.Close()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := func(h, m int) time.Time { return time.Date(2025, 3, 4, h, m, 0, 0, berlin) }
	srv.Record("laptop",
		awtest.Session{Start: at(9, 0), End: at(10, 0), App: "Code", Title: "main.go"},
		awtest.Session{Start: at(10, 0), End: at(10, 30), App: "zoom.us", Title: "Zoom Meeting"},
		awtest.Session{Start: at(10, 45), End: at(12, 0), App: "Firefox", Title: "Issue #7", URL: "https://github.com/lifeops/lifeops/issues/7"},
		awtest.Session{Start: at(12, 40), End: at(17, 30), App: "Code", Title: "main.go"},
	)
	settings := activitywatch.Settings{
		BaseURL: srv.URL,
		Rules: []activitywatch.Rule{
			{Kind: activitywatch.KindMeeting, App: `^zoom\.us$`},
			{Kind: activitywatch.KindWork, App: "^code$"},
			{Kind: activitywatch.KindWork, URL: `^https://github\.com/lifeops/`},
		},
		WorkingHours: workstats.DefaultWorkingHours(), // Monday to Friday, 09:00–17:00
	}
	src, _ := activitywatch.NewSource(activitywatch.Config{
		People: func(ctx context.Context, id uuid.UUID) (activitywatch.Person, error) {
			return activitywatch.Person{Calendar: workstats.Calendar{Zone: "Europe/Berlin", DayStartHour: 4}, Settings: settings}, nil
		},
	})
	days, err := src.WorkDays(context.Background(), uuid.New(), civil.D(2025, 3, 3), civil.D(2025, 3, 7))
	for _, d := range days {
		fmt.Println(d.Date, "work", d.WorkMinutes, "after hours", d.AfterHoursMinutes, "meetings", *d.MeetingMinutes, "breaks", *d.BreakMinutes)
	}
	fmt.Println(err)
	// Output:
	// 2025-03-04 work 455 after hours 30 meetings 30 breaks 55
	// <nil>
}

func ExampleNewClient() {
	srv := awtest.NewServer()
	defer srv.Close()
	t0 := time.Date(2025, 3, 4, 9, 0, 0, 0, time.UTC)
	srv.Record("laptop", awtest.Session{Start: t0, End: t0.Add(7 * time.Minute), App: "Code", Title: "main.go"})

	c, _ := activitywatch.NewClient(srv.URL, workstats.FetcherConfig{})
	buckets, _ := c.Buckets(context.Background())
	for _, b := range buckets {
		fmt.Println(b.ID, b.Type)
	}
	events, err := c.Events(context.Background(), awtest.WindowBucket("laptop"), t0, t0.Add(time.Hour))
	for _, e := range events {
		fmt.Println(e.Timestamp.Format("15:04"), e.Duration, e.String("app"))
	}
	fmt.Println(err)
	// Output:
	// aw-watcher-afk_laptop afkstatus
	// aw-watcher-web-firefox_laptop web.tab.current
	// aw-watcher-window_laptop currentwindow
	// 09:00 5m0s Code
	// 09:05 2m0s Code
	// <nil>
}

func ExampleSettings_Validate() {
	s := activitywatch.Settings{Rules: []activitywatch.Rule{{Kind: "work", Title: "(unclosed"}}}
	fmt.Println(s.Validate())
	// Output:
	// invalid rules[0].title: is not a regular expression: error parsing regexp: missing closing ): `(?i)(unclosed`
}
