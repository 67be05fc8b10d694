package ical

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/workstats"
	"github.com/lifeops/lifeops/workstats/ical/icaltest"
)

// fuzzLimits keep one fuzz input cheap; the limits are what bound the time
// of any feed.
var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxEvents: 2000, MaxWalk: 2000, MaxInstances: 5000}

// FuzzParseMeetings feeds anything to Parse and Meetings: neither may panic,
// and what Meetings returns keeps its promises whatever the feed.
func FuzzParseMeetings(f *testing.F) {
	files, _ := filepath.Glob("testdata/feeds/*.ics")
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add(icaltest.Workweeks(3, civil.D(2025, 3, 1), 20, "Europe/Berlin"))
	for _, s := range []string{
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:99991231T235959Z\r\nDURATION:P3660D\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:00010101T000000\r\nDTEND:00010101T000100\r\nRRULE:FREQ=YEARLY;BYDAY=MO;BYHOUR=1,2,3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nBEGIN:VTIMEZONE\r\nTZID:X\r\nBEGIN:DAYLIGHT\r\nDTSTART:00010101T000000\r\nTZOFFSETFROM:+2559\r\nTZOFFSETTO:-2559\r\nRRULE:FREQ=DAILY\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\nBEGIN:VEVENT\r\nDTSTART;TZID=X:20250301T100000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nRECURRENCE-ID:20250303T100000\r\nDTSTART:20250303T100000\r\nDTEND:20250303T090000\r\nEXDATE;VALUE=DATE:20250303\r\nRDATE;VALUE=PERIOD:20250303T100000Z/20250303T090000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
		"BEGIN:VCALENDAR\nBEGIN:VEVENT\nBEGIN:VALARM\nBEGIN:X\nBEGIN:Y\nBEGIN:Z\nEND:Z\nEND:Y\nEND:X\nEND:VALARM\nEND:VEVENT\nEND:VCALENDAR\n",
		"",
	} {
		f.Add([]byte(s))
	}
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 1, 0)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cal, err := Parse(bytes.NewReader(data), fuzzLimits)
		if err != nil {
			if !errors.Is(err, ErrFeed) && !errors.Is(err, workstats.ErrTooLarge) {
				t.Fatalf("an error that matches neither ErrFeed nor ErrTooLarge: %v", err)
			}
			return
		}
		if len(cal.Problems()) > maxProblems {
			t.Fatalf("%d problems kept", len(cal.Problems()))
		}
		ms, probs := cal.Meetings(from, to, Options{Floating: berlin, Selection: Selection{Addresses: []string{"ada@example.com"}}})
		if len(ms) > fuzzLimits.MaxInstances || len(probs) > maxProblems {
			t.Fatalf("%d meetings, %d problems", len(ms), len(probs))
		}
		for i, m := range ms {
			if !m.End.After(m.Start) || !m.End.After(from) || !m.Start.Before(to) {
				t.Fatalf("meeting %+v is empty or outside the window", m)
			}
			if m.End.Sub(m.Start) > DefaultMaxEventDuration {
				t.Fatalf("meeting %+v is longer than a day", m)
			}
			if i > 0 && m.Start.Before(ms[i-1].Start) {
				t.Fatalf("meetings out of order at %d", i)
			}
		}
	})
}

// TestLimits: a feed of 100,000 events is read and expanded (10,000 under
// the race detector, which slows the parser about twenty times); one over
// MaxEvents or MaxBytes is refused before the parser sees it; a window
// holding more than MaxInstances meetings is cut and reported.
func TestLimits(t *testing.T) {
	t.Parallel()
	start := civil.D(2025, 1, 1)
	n := 100_000
	if raceEnabled {
		n = 10_000
	}
	big := icaltest.Many(n, start)
	cal, err := Parse(bytes.NewReader(big), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if cal.Events() != n {
		t.Errorf("%d events, want %d", cal.Events(), n)
	}
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	ms, probs := cal.Meetings(from, from.AddDate(0, 0, 30), Options{})
	if len(ms) != 30*12 || len(probs) != 0 {
		t.Errorf("%d meetings in 30 days (want 360), problems %v", len(ms), probs)
	}
	if _, err := Parse(bytes.NewReader(big), Limits{MaxEvents: n - 1}); !errors.Is(err, workstats.ErrTooLarge) {
		t.Errorf("over MaxEvents: %v", err)
	}
	if _, err := Parse(bytes.NewReader(big), Limits{MaxBytes: int64(len(big) - 1)}); !errors.Is(err, workstats.ErrTooLarge) {
		t.Errorf("over MaxBytes: %v", err)
	}
	cal, err = Parse(bytes.NewReader(icaltest.Many(2000, start)), Limits{MaxInstances: 100})
	if err != nil {
		t.Fatal(err)
	}
	ms, probs = cal.Meetings(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Options{})
	if len(ms) != 100 || len(probs) != 1 {
		t.Errorf("MaxInstances 100: %d meetings, problems %v", len(ms), probs)
	}
}

// TestParseRefuses: what Parse refuses, and why.
func TestParseRefuses(t *testing.T) {
	t.Parallel()
	deep := "BEGIN:VCALENDAR\r\n"
	for range 9 {
		deep += "BEGIN:X\r\n"
	}
	for range 9 {
		deep += "END:X\r\n"
	}
	deep += "END:VCALENDAR\r\n"
	for name, feed := range map[string]string{
		"empty":          "",
		"not a feed":     "<html>Sign in</html>",
		"cut short":      "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20250301T100000Z\r\n",
		"too deep":       deep,
		"unparseable":    "BEGIN:VCALENDAR\r\nthis is no content line\r\nEND:VCALENDAR\r\n",
		"lower-case end": "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nend:vevent\r\nEND:VCALENDAR\r\n",
	} {
		if _, err := Parse(bytes.NewReader([]byte(feed)), Limits{}); !errors.Is(err, ErrFeed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestStrayPropertyBetweenEvents: a property between two events, which
// some producers write, does not lose the feed.
func TestStrayPropertyBetweenEvents(t *testing.T) {
	t.Parallel()
	feed := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" +
		"BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20250303T090000Z\r\nDTEND:20250303T100000Z\r\nEND:VEVENT\r\n" +
		"X-STRAY:1\r\n" +
		"BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20250304T090000Z\r\nDTEND:20250304T100000Z\r\nEND:VEVENT\r\n" +
		"END:VCALENDAR\r\n"
	cal, err := Parse(bytes.NewReader([]byte(feed)), Limits{})
	if err != nil || cal.Events() != 2 {
		t.Fatalf("%v", err)
	}
}
