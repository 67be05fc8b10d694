package ical_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/workstats"
	"github.com/lifeops/lifeops/workstats/ical"
	"github.com/lifeops/lifeops/workstats/ical/icaltest"
)

const exampleFeed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\n" +
	"BEGIN:VEVENT\r\nUID:sync@example\r\nDTSTART;TZID=W. Europe Standard Time:20250324T090000\r\nDURATION:PT1H\r\n" +
	"RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Team sync\r\nEND:VEVENT\r\n" +
	"BEGIN:VEVENT\r\nUID:sync@example\r\nRECURRENCE-ID;TZID=W. Europe Standard Time:20250331T090000\r\n" +
	"DTSTART;TZID=W. Europe Standard Time:20250331T140000\r\nDURATION:PT30M\r\nSUMMARY:Team sync (moved)\r\nEND:VEVENT\r\n" +
	"END:VCALENDAR\r\n"

func ExampleParse() {
	cal, err := ical.Parse(strings.NewReader(exampleFeed), ical.Limits{})
	fmt.Println(cal.Events(), len(cal.Problems()), err)
	_, err = ical.Parse(strings.NewReader("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"), ical.Limits{})
	fmt.Println(err)
	// Output:
	// 2 0 <nil>
	// ical: unreadable feed: it ends before END:VCALENDAR (cut short?)
}

func ExampleCalendar_Meetings() {
	cal, _ := ical.Parse(strings.NewReader(exampleFeed), ical.Limits{})
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	ms, _ := cal.Meetings(from, from.AddDate(0, 2, 0), ical.Options{})
	for _, m := range ms {
		fmt.Println(m.Start.Format("Mon 2006-01-02 15:04 MST"), m.End.Sub(m.Start), m.Summary)
	}
	// Output:
	// Mon 2025-03-24 09:00 CET 1h0m0s Team sync
	// Mon 2025-03-31 14:00 CEST 30m0s Team sync (moved)
	// Mon 2025-04-07 09:00 CEST 1h0m0s Team sync
}

func ExampleNewSource() {
	srv := icaltest.NewServer()
	defer srv.Close()
	feed := srv.Publish("/private-7c1e/calendar.ics", []byte(exampleFeed))

	ada := uuid.New()
	src, _ := ical.NewSource(ical.Config{
		People: func(ctx context.Context, id uuid.UUID) (ical.Person, error) {
			return ical.Person{
				Calendar: workstats.Calendar{Zone: "Europe/Berlin", DayStartHour: 4},
				Settings: ical.Settings{Feeds: []ical.Feed{{ID: "work", URL: ical.MustParseURL(feed)}}},
			}, nil
		},
	})
	days, err := src.WorkDays(context.Background(), ada, civil.D(2025, 3, 24), civil.D(2025, 4, 6))
	for _, d := range days {
		fmt.Println(d.Date, *d.MeetingMinutes, d.Source)
	}
	fmt.Println(err)
	// Output:
	// 2025-03-24 60 calendar
	// 2025-03-31 30 calendar
	// <nil>
}

func ExampleURL() {
	u, _ := ical.ParseURL("webcal://calendar.example.com/ical/s3cr3t/basic.ics")
	fmt.Println(u, u.Host())
	fmt.Printf("%q %x %+v\n", u, u, ical.Feed{ID: "work", URL: u})
	b, _ := json.Marshal(ical.Feed{ID: "work", URL: u})
	fmt.Println(string(b))
	fmt.Println(u.Reveal())
	// Output:
	// [REDACTED] calendar.example.com
	// [REDACTED] [REDACTED] {ID:work Name: URL:[REDACTED] File:}
	// {"id":"work","url":"[REDACTED]"}
	// https://calendar.example.com/ical/s3cr3t/basic.ics
}

func ExampleSettings_Secrets() {
	s := ical.Settings{Feeds: []ical.Feed{{ID: "work", URL: ical.MustParseURL("https://calendar.example.com/s3cr3t.ics")}}}
	public, _ := json.Marshal(s) // safe to store and to show: no URL
	sealed := s.Secrets()        // seal these, as the Oura tokens are
	var back ical.Settings
	_ = json.Unmarshal([]byte(`{"feeds":[{"id":"work"}]}`), &back)
	back, err := back.WithSecrets(sealed)
	fmt.Println(string(public))
	fmt.Println(back.Feeds[0].URL.Reveal(), err)
	// Output:
	// {"feeds":[{"id":"work","url":"[REDACTED]"}]}
	// https://calendar.example.com/s3cr3t.ics <nil>
}

func ExampleMustParseURL() {
	u := ical.MustParseURL("https://calendar.example.com/feed.ics")
	fmt.Println(u.IsZero(), ical.URL{}.IsZero())
	// Output: false true
}

// A host stores each person's calendar settings with the person and lets
// the source read them back: the feed URL is sealed by the store and never
// shown, and a sync reads the calendar of everyone who set it up.
func ExamplePeopleFrom() {
	srv := icaltest.NewServer()
	defer srv.Close()
	feed := srv.Publish("/private-7c1e/calendar.ics", []byte(exampleFeed))

	st := memstore.New()
	src, _ := ical.NewSource(ical.Config{People: ical.PeopleFrom(st)})
	now := time.Date(2025, 3, 25, 20, 0, 0, 0, time.UTC)
	svc, _ := lifeops.New(&lifeops.Config{Store: st, WorkSources: []lifeops.WorkStatsSource{src},
		Clock: lifeops.ClockFunc(func() time.Time { return now })})
	ada, _ := svc.CreateUser(context.Background(), lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"})

	set, err := svc.PutWorkSource(context.Background(), ada.ID, ical.SourceName,
		json.RawMessage(`{"feeds": [{"id": "work", "url": "`+feed+`"}]}`))
	shown, _ := json.Marshal(set.Secrets)
	fmt.Println(string(set.Settings), string(shown), err)

	_, err = svc.Sync(context.Background(), ada.ID, lifeops.SyncRequest{From: civil.D(2025, 3, 24), To: civil.D(2025, 3, 25)})
	days, _ := svc.WorkDays(context.Background(), ada.ID, civil.D(2025, 3, 24), civil.D(2025, 3, 25))
	for _, d := range days {
		fmt.Println(d.Date, "meetings", *d.MeetingMinutes, "from", d.Sources.Meetings)
	}
	fmt.Println(err)
	// Output:
	// {"feeds":[{"id":"work"}]} {"work":"[redacted]"} <nil>
	// 2025-03-24 meetings 60 from calendar
	// <nil>
}
