package ical_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/workstats"
	"github.com/lifeops/lifeops/workstats/ical"
	"github.com/lifeops/lifeops/workstats/ical/icaltest"
)

var ada = uuid.MustParse("00000000-0000-0000-0000-00000000ada0")

func readFeed(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/feeds/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ptr(v int) *int { return &v }

// fastFetch retries quickly and waits briefly for a slow answer.
func fastFetch() workstats.FetcherConfig {
	return workstats.FetcherConfig{
		HTTPClient: &http.Client{Timeout: 300 * time.Millisecond},
		Retry:      workstats.RetryPolicy{MaxAttempts: 6, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond},
	}
}

func newSource(t testing.TB, person ical.Person, files fstest.MapFS, logs *bytes.Buffer) *ical.Source {
	t.Helper()
	var logger *slog.Logger
	if logs != nil {
		logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	fc := fastFetch()
	fc.Logger = logger
	cfg := ical.Config{
		People: func(ctx context.Context, id uuid.UUID) (ical.Person, error) {
			if id != ada {
				return ical.Person{}, lifeops.Errorf(lifeops.CodeNotFound, "no such person")
			}
			return person, nil
		},
		Fetch:  fc,
		Logger: logger,
		Now:    func() time.Time { return time.Time{} },
	}
	if files != nil {
		cfg.Files = files
	}
	s, err := ical.NewSource(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestWorkDaysByHand: one feed by URL and one by file, for a person in
// Berlin whose day starts at 04:00, against minutes counted by hand.
func TestWorkDaysByHand(t *testing.T) {
	t.Parallel()
	srv := icaltest.Start(t)
	feed := srv.Publish("/private-8d1f0c/basic.ics", readFeed(t, "basic.ics"))
	hours := workstats.DefaultWorkingHours()
	settings := ical.Settings{
		Feeds: []ical.Feed{
			{ID: "work", URL: ical.MustParseURL(feed)},
			{ID: "file", File: "attendance.ics"},
		},
		Selection:    ical.Selection{Addresses: []string{"ada@example.com"}},
		WorkingHours: &hours,
	}
	files := fstest.MapFS{"attendance.ics": {Data: readFeed(t, "attendance.ics")}}
	for _, tc := range []struct {
		dayStart int
		want     []lifeops.WorkDay
	}{
		{4, []lifeops.WorkDay{
			// basic 09:00–10:00Z and 10:30–11:30Z; attendance 11:00–12:00Z
			// (tentative, overlapping by 30), 13:00–14:00Z, 15:00–17:00Z;
			// working hours 08:00–16:00Z.
			{Date: civil.D(2025, 3, 3), WorkMinutes: 330, AfterHoursMinutes: 60, MeetingMinutes: ptr(330)},
			{Date: civil.D(2025, 3, 4), WorkMinutes: 30, MeetingMinutes: ptr(30)},
			// 23:30–00:30: the whole meeting belongs to the 5th.
			{Date: civil.D(2025, 3, 5), WorkMinutes: 60, AfterHoursMinutes: 60, MeetingMinutes: ptr(60)},
		}},
		{0, []lifeops.WorkDay{
			{Date: civil.D(2025, 3, 3), WorkMinutes: 330, AfterHoursMinutes: 60, MeetingMinutes: ptr(330)},
			{Date: civil.D(2025, 3, 4), WorkMinutes: 30, MeetingMinutes: ptr(30)},
			{Date: civil.D(2025, 3, 5), WorkMinutes: 30, AfterHoursMinutes: 30, MeetingMinutes: ptr(30)},
			{Date: civil.D(2025, 3, 6), WorkMinutes: 30, AfterHoursMinutes: 30, MeetingMinutes: ptr(30)},
		}},
	} {
		s := newSource(t, ical.Person{Calendar: workstats.Calendar{Zone: "Europe/Berlin", DayStartHour: tc.dayStart}, Settings: settings}, files, nil)
		got, err := s.WorkDays(context.Background(), ada, civil.D(2025, 3, 1), civil.D(2025, 3, 10))
		if err != nil {
			t.Fatal(err)
		}
		for i := range tc.want {
			tc.want[i].UserID, tc.want[i].Source = ada, ical.SourceName
		}
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("day start %d (-want +got):\n%s", tc.dayStart, diff)
		}
		for _, d := range got {
			if err := d.Validate(); err != nil {
				t.Errorf("%s: %v", d.Date, err)
			}
		}
	}
}

// TestWorkDaysDSTAndZoneChange: a meeting on New York's spring-forward
// night, and a person who flies from Berlin to New York on the 10th.
func TestWorkDaysDSTAndZoneChange(t *testing.T) {
	t.Parallel()
	body := []byte(strings.Join([]string{
		"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//LifeOps//t//EN",
		// 01:00–04:00 EST/EDT on 9 March: two hours pass, not three.
		"BEGIN:VEVENT", "UID:night@t", "DTSTART;TZID=America/New_York:20250309T010000", "DTEND;TZID=America/New_York:20250309T040000", "END:VEVENT",
		// Floating 09:00–10:00 every day: read in the zone the person is in.
		"BEGIN:VEVENT", "UID:floating@t", "DTSTART:20250308T090000", "DTEND:20250308T100000", "RRULE:FREQ=DAILY;COUNT=5", "END:VEVENT",
		"END:VCALENDAR", ""}, "\r\n"))
	srv := icaltest.Start(t)
	feed := srv.Publish("/k/dst.ics", body)
	moved := time.Date(2025, 3, 10, 18, 0, 0, 0, time.UTC) // after Berlin's 09:00 on the 10th
	p := ical.Person{
		Calendar: workstats.Calendar{Zone: "America/New_York", DayStartHour: 0,
			ZoneChanges: []lifeops.ZoneChange{{At: moved, From: "Europe/Berlin", To: "America/New_York"}}},
		Settings: ical.Settings{Feeds: []ical.Feed{{ID: "f", URL: ical.MustParseURL(feed)}}},
	}
	got, err := newSource(t, p, nil, nil).WorkDays(context.Background(), ada, civil.D(2025, 3, 8), civil.D(2025, 3, 12))
	if err != nil {
		t.Fatal(err)
	}
	// The night meeting (06:00–08:00Z on the 9th) falls on the 9th in
	// Berlin, where the person still was. The 10th is Berlin until 18:00Z
	// then New York: its floating meeting is read in Berlin (09:00 CET).
	want := []lifeops.WorkDay{
		{Date: civil.D(2025, 3, 8), WorkMinutes: 60, MeetingMinutes: ptr(60)},
		{Date: civil.D(2025, 3, 9), WorkMinutes: 180, MeetingMinutes: ptr(180)},
		{Date: civil.D(2025, 3, 10), WorkMinutes: 60, MeetingMinutes: ptr(60)},
		{Date: civil.D(2025, 3, 11), WorkMinutes: 60, MeetingMinutes: ptr(60)},
		{Date: civil.D(2025, 3, 12), WorkMinutes: 60, MeetingMinutes: ptr(60)},
	}
	for i := range want {
		want[i].UserID, want[i].Source = ada, ical.SourceName
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestConditionalRequests: the second read sends the validators, gets a 304
// and the same days; a changed feed is read again.
func TestConditionalRequests(t *testing.T) {
	t.Parallel()
	for _, opts := range [][]icaltest.Option{nil, {icaltest.WithoutETag()}} {
		srv := icaltest.Start(t, opts...)
		from := civil.D(2025, 3, 3)
		feed := srv.Publish("/s3cr3t/cal.ics", icaltest.Workweeks(1, from, 28, "Europe/Berlin"))
		p := ical.Person{Calendar: workstats.Calendar{Zone: "Europe/Berlin", DayStartHour: 4},
			Settings: ical.Settings{Feeds: []ical.Feed{{ID: "f", URL: ical.MustParseURL(feed)}}, Selection: ical.Selection{Addresses: []string{icaltest.Self}}}}
		s := newSource(t, p, nil, nil)
		first, err := s.WorkDays(context.Background(), ada, from, from.AddDays(27))
		if err != nil || len(first) < 15 {
			t.Fatalf("%d days, %v", len(first), err)
		}
		second, err := s.WorkDays(context.Background(), ada, from, from.AddDays(27))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(first, second); diff != "" {
			t.Errorf("from the cache (-want +got):\n%s", diff)
		}
		log := srv.Requests()
		if len(log) != 2 || log[0].Status != 200 || log[1].Status != 304 || (log[1].IfNoneMatch == "" && log[1].IfModifiedSince == "") {
			t.Fatalf("requests %+v", log)
		}
		srv.Publish("/s3cr3t/cal.ics", icaltest.Workweeks(2, from, 28, "Europe/Berlin"))
		third, err := s.WorkDays(context.Background(), ada, from, from.AddDays(27))
		if err != nil || cmp.Equal(first, third) {
			t.Errorf("a changed feed was not read again: %v", err)
		}
	}
}

// TestFaultsGiveTheSameDays: 429s, 5xx, slow answers, cut bodies and dropped
// connections on the way give the same work days as a clean run.
func TestFaultsGiveTheSameDays(t *testing.T) {
	t.Parallel()
	from := civil.D(2025, 3, 3)
	body := icaltest.Workweeks(7, from, 35, "America/New_York")
	run := func(faults ...icaltest.Rule) []lifeops.WorkDay {
		srv := icaltest.Start(t)
		feed := srv.Publish("/t0k3n/feed.ics", body)
		for _, f := range faults {
			srv.Inject(f)
		}
		p := ical.Person{Calendar: workstats.Calendar{Zone: "America/New_York", DayStartHour: 4},
			Settings: ical.Settings{Feeds: []ical.Feed{{ID: "f", URL: ical.MustParseURL(feed)}}, Selection: ical.Selection{Addresses: []string{icaltest.Self}}}}
		got, err := newSource(t, p, nil, nil).WorkDays(context.Background(), ada, from, from.AddDays(34))
		if err != nil {
			t.Fatalf("faults %v: %v", faults, err)
		}
		return got
	}
	clean := run()
	if len(clean) < 20 {
		t.Fatalf("the clean run gives %d days", len(clean))
	}
	for name, rule := range map[string]icaltest.Rule{
		"429":  {Times: 2, Fault: icaltest.RateLimited(0)},
		"503":  {Times: 3, Fault: icaltest.Status(503)},
		"slow": {Times: 1, Fault: icaltest.Slow(5 * time.Second)},
		"cut":  {Times: 2, Fault: icaltest.Cut()},
		"drop": {Times: 2, Fault: icaltest.Drop()},
	} {
		if diff := cmp.Diff(clean, run(rule)); diff != "" {
			t.Errorf("%s: (-clean +faulty):\n%s", name, diff)
		}
	}
}

// TestErrorsAndSecrets: failures carry lifeops codes, and neither errors
// nor logs show the feed's URL.
func TestErrorsAndSecrets(t *testing.T) {
	t.Parallel()
	const secret = "p4ss-6f2e9a71"
	srv := icaltest.Start(t)
	feed := srv.Publish("/calendar/ical/"+secret+"/basic.ics", readFeed(t, "basic.ics"))
	var logs bytes.Buffer
	person := func(u string) ical.Person {
		return ical.Person{Calendar: workstats.Calendar{Zone: "UTC"}, Settings: ical.Settings{Feeds: []ical.Feed{{ID: "f", URL: ical.MustParseURL(u)}}}}
	}
	for _, tc := range []struct {
		name   string
		url    string
		inject *icaltest.Rule
		want   error
	}{
		{"not found", srv.URL + "/calendar/ical/" + secret + "/gone.ics?token=" + secret, nil, lifeops.ErrNotFound},
		{"unauthorized", feed, &icaltest.Rule{Fault: icaltest.Status(401)}, lifeops.ErrUnauthorized},
		{"down", feed, &icaltest.Rule{Fault: icaltest.Status(503)}, lifeops.ErrUnavailable},
	} {
		srv.ClearFaults()
		if tc.inject != nil {
			srv.Inject(*tc.inject)
		}
		_, err := newSource(t, person(tc.url), nil, &logs).WorkDays(context.Background(), ada, civil.D(2025, 3, 1), civil.D(2025, 3, 7))
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if err != nil && (strings.Contains(err.Error(), secret) || strings.Contains(lifeops.ErrorMessage(err), secret)) {
			t.Errorf("%s: the error shows the secret: %v", tc.name, err)
		}
	}
	if strings.Contains(logs.String(), secret) {
		t.Errorf("the logs show the secret:\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "retrying") {
		t.Error("the logs say nothing of the retries; the test logged nothing to check")
	}

	s := newSource(t, person(feed), nil, nil)
	for _, bad := range [][2]civil.Date{{civil.D(2025, 3, 2), civil.D(2025, 3, 1)}, {civil.D(2024, 1, 1), civil.D(2025, 3, 1)}, {{}, civil.D(2025, 3, 1)}} {
		if _, err := s.WorkDays(context.Background(), ada, bad[0], bad[1]); !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("range %v: %v", bad, err)
		}
	}
	if _, err := s.WorkDays(context.Background(), uuid.New(), civil.D(2025, 3, 1), civil.D(2025, 3, 1)); !errors.Is(err, lifeops.ErrNotFound) {
		t.Errorf("unknown person: %v", err)
	}
	files := newSource(t, ical.Person{Calendar: workstats.Calendar{Zone: "UTC"}, Settings: ical.Settings{Feeds: []ical.Feed{{ID: "f", File: "missing.ics"}}}}, fstest.MapFS{}, nil)
	if _, err := files.WorkDays(context.Background(), ada, civil.D(2025, 3, 1), civil.D(2025, 3, 1)); !errors.Is(err, lifeops.ErrNotFound) {
		t.Errorf("missing file: %v", err)
	}
	nofs := newSource(t, ical.Person{Calendar: workstats.Calendar{Zone: "UTC"}, Settings: ical.Settings{Feeds: []ical.Feed{{ID: "f", File: "a.ics"}}}}, nil, nil)
	if _, err := nofs.WorkDays(context.Background(), ada, civil.D(2025, 3, 1), civil.D(2025, 3, 1)); !errors.Is(err, lifeops.ErrInvalid) {
		t.Errorf("files not enabled: %v", err)
	}
	broken := newSource(t, ical.Person{Calendar: workstats.Calendar{Zone: "UTC"}, Settings: ical.Settings{Feeds: []ical.Feed{{ID: "f", File: "a.ics"}}}},
		fstest.MapFS{"a.ics": {Data: []byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n")}}, nil)
	if _, err := broken.WorkDays(context.Background(), ada, civil.D(2025, 3, 1), civil.D(2025, 3, 1)); !errors.Is(err, lifeops.ErrInvalid) || !errors.Is(err, ical.ErrFeed) {
		t.Errorf("a file cut short: %v", err)
	}
}
