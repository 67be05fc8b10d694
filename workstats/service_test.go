package workstats_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/workstats/activitywatch"
	"github.com/lifeops/lifeops/workstats/activitywatch/awtest"
	"github.com/lifeops/lifeops/workstats/ical"
	"github.com/lifeops/lifeops/workstats/ical/icaltest"
)

// TestSourcesThroughTheService: a person sets up ActivityWatch and a
// calendar through the Service, their settings stored with them (the feed
// URL sealed, never shown), and a sync brings both sources' days, merged
// per field, into their work-life score; a person who set up nothing is
// passed over, and removing a source's settings stops its sync.
func TestSourcesThroughTheService(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(h, m int) time.Time { return time.Date(2025, 3, 4, h, m, 0, 0, berlin) }
	aw := awtest.Start(t)
	aw.Record("laptop",
		awtest.Session{Start: at(9, 0), End: at(10, 0), App: "Code", Title: "main.go"},
		awtest.Session{Start: at(10, 0), End: at(10, 30), App: "zoom.us", Title: "Zoom Meeting"},
		awtest.Session{Start: at(10, 45), End: at(12, 0), App: "Code", Title: "main.go"},
		awtest.Session{Start: at(12, 40), End: at(17, 30), App: "Code", Title: "main.go"},
	)
	feeds := icaltest.NewServer()
	t.Cleanup(feeds.Close)
	feedURL := feeds.Publish("/private-SECRET/work.ics", []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\n"+
		"BEGIN:VEVENT\r\nUID:planning@example\r\nDTSTART;TZID=Europe/Berlin:20250304T100000\r\nDTEND;TZID=Europe/Berlin:20250304T113000\r\n"+
		"SUMMARY:Planning\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))

	st := memstore.New()
	awSrc, err := activitywatch.NewSource(activitywatch.Config{People: activitywatch.PeopleFrom(st)})
	if err != nil {
		t.Fatal(err)
	}
	calSrc, err := ical.NewSource(ical.Config{People: ical.PeopleFrom(st)})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 3, 5, 20, 0, 0, 0, berlin)
	svc, err := lifeops.New(&lifeops.Config{Store: st, Clock: lifeops.ClockFunc(func() time.Time { return now }),
		WorkSources: []lifeops.WorkStatsSource{awSrc, calSrc}})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"activitywatch", "calendar"}, svc.WorkSourceNames()); diff != "" {
		t.Errorf("WorkSourceNames (-want +got):\n%s", diff)
	}
	ada, err := svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin", DayStartHour: new(4)})
	if err != nil {
		t.Fatal(err)
	}
	bob, err := svc.CreateUser(ctx, lifeops.NewUser{Name: "Bob", Zone: "Europe/Berlin"})
	if err != nil {
		t.Fatal(err)
	}

	// Settings a source refuses, and a source that is not configured.
	for _, tc := range []struct {
		source, body, field string
		code                lifeops.Code
	}{
		{"calendar", `{"feeds":[{"id":"work","url":"[REDACTED]"}]}`, "url", lifeops.CodeInvalid},
		{"calendar", `{"feeds":[{"id":"work","file":"a.ics"}]}`, "feeds[0].file", lifeops.CodeInvalid},
		{"calendar", `{"feeds":[]}`, "feeds", lifeops.CodeInvalid},
		{"calendar", `{"feeds":[{"id":"work","url":"https://x.example/a"}],"colour":"red"}`, "colour", lifeops.CodeInvalid},
		{"calendar", `[1]`, "settings", lifeops.CodeInvalid},
		{"activitywatch", `{"rules":[{"kind":"work","app":"("}]}`, "", lifeops.CodeInvalid},
		{"activitywatch", `{"hosts":"laptop"}`, "hosts", lifeops.CodeInvalid},
		{"toggl", `{}`, "", lifeops.CodeNotFound},
	} {
		_, err := svc.PutWorkSource(ctx, ada.ID, tc.source, json.RawMessage(tc.body))
		if lifeops.ErrorCode(err) != tc.code {
			t.Errorf("PutWorkSource %s %s = %v, want %s", tc.source, tc.body, err, tc.code)
			continue
		}
		var ve *lifeops.ValidationError
		if tc.field != "" && (!errors.As(err, &ve) || ve.Field != tc.field) {
			t.Errorf("PutWorkSource %s %s = %v, want a problem with %q", tc.source, tc.body, err, tc.field)
		}
	}

	cal, err := svc.PutWorkSource(ctx, ada.ID, "calendar", json.RawMessage(`{"feeds":[{"id":"work","name":"Work","url":"`+feedURL+`"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	shown, _ := json.Marshal(cal)
	if strings.Contains(string(shown), "SECRET") || strings.Contains(string(cal.Settings), "url") || !strings.Contains(string(shown), `"work":"[redacted]"`) {
		t.Errorf("stored calendar settings show as %s; want the URL sealed and named only", shown)
	}
	if _, err := svc.PutWorkSource(ctx, ada.ID, "activitywatch", json.RawMessage(`{"base_url":"`+aw.URL+`",
		"rules":[{"kind":"meeting","app":"^zoom\\.us$"},{"kind":"work","app":"^code$"}],
		"working_hours":{"monday":[{"start":"09:00","end":"17:00"}],"tuesday":[{"start":"09:00","end":"17:00"}]}}`)); err != nil {
		t.Fatal(err)
	}
	again, err := svc.PutWorkSource(ctx, ada.ID, "calendar", json.RawMessage(`{"feeds":[{"id":"work","url":"`+feedURL+`"}]}`))
	if err != nil || again.Version != 2 {
		t.Errorf("PutWorkSource again = version %d, %v; want version 2", again.Version, err)
	}
	list, err := svc.WorkSources(ctx, ada.ID)
	if err != nil || len(list) != 2 || list[0].Source != "activitywatch" || list[1].Source != "calendar" {
		t.Errorf("WorkSources = %+v, %v", list, err)
	}

	res, err := svc.Sync(ctx, ada.ID, lifeops.SyncRequest{From: civil.D(2025, 3, 3), To: civil.D(2025, 3, 5)})
	if err != nil || res.Partial {
		t.Fatalf("Sync = %+v, %v", res, err)
	}
	days, err := svc.WorkDays(ctx, ada.ID, civil.D(2025, 3, 3), civil.D(2025, 3, 5))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range days {
		got = append(got, fmt.Sprintf("%s work %d (%s) after %d (%s) meetings %d (%s) breaks %d (%s)", d.Date,
			d.WorkMinutes, d.Sources.Work, d.AfterHoursMinutes, d.Sources.AfterHours, *d.MeetingMinutes, d.Sources.Meetings, *d.BreakMinutes, d.Sources.Breaks))
	}
	// ActivityWatch: 455 minutes at the computer, 30 of them after 17:00,
	// a 30-minute Zoom call, 55 minutes of breaks; the calendar: a
	// 90-minute meeting, the larger count of meetings.
	want := []string{"2025-03-04 work 455 (activitywatch) after 30 (activitywatch) meetings 90 (calendar) breaks 55 (activitywatch)"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("merged work days (-want +got):\n%s", diff)
	}
	scores, err := svc.Scores(ctx, ada.ID, civil.D(2025, 3, 4), civil.D(2025, 3, 4))
	if err != nil || len(scores) != 1 || scores[0].WorkLife == nil {
		t.Fatalf("Scores = %+v, %v", scores, err)
	}
	var contributors []string
	for _, c := range scores[0].WorkLife.Contributors {
		contributors = append(contributors, c.Name+" "+c.Source)
	}
	if diff := cmp.Diff([]string{"workload activitywatch", "after_hours activitywatch", "meetings calendar", "breaks activitywatch"}, contributors); diff != "" {
		t.Errorf("work-life contributors (-want +got):\n%s", diff)
	}

	// Bob set nothing up: both sources are passed over.
	res, err = svc.Sync(ctx, bob.ID, lifeops.SyncRequest{From: civil.D(2025, 3, 3), To: civil.D(2025, 3, 5)})
	if err != nil || res.Partial {
		t.Errorf("Sync of a person without work sources = %+v, %v", res, err)
	}

	// Without the calendar's settings, its days stay and it is not read.
	if err := svc.DeleteWorkSource(ctx, ada.ID, "calendar"); err != nil {
		t.Fatal(err)
	}
	before := len(feeds.Requests())
	if res, err := svc.Sync(ctx, ada.ID, lifeops.SyncRequest{From: civil.D(2025, 3, 3), To: civil.D(2025, 3, 5)}); err != nil || res.Partial {
		t.Errorf("Sync after removing the calendar = %+v, %v", res, err)
	}
	if n := len(feeds.Requests()); n != before {
		t.Errorf("the calendar was read %d times after its settings were removed", n-before)
	}
	if days, _ := svc.WorkDays(ctx, ada.ID, civil.D(2025, 3, 4), civil.D(2025, 3, 4)); len(days) != 1 || days[0].Sources.Meetings != "calendar" {
		t.Errorf("work days after removing the calendar = %+v, want the calendar's meetings kept", days)
	}
}
