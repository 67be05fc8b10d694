package timeline_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/timeline"
)

// TestRuleInstantsMatchesBetween: walking Instants and keeping those in a
// window gives what Between gives for it, across DST changes, for bounded and
// unbounded rules, and UNTIL in UTC.
func TestRuleInstantsMatchesBetween(t *testing.T) {
	t.Parallel()
	ny := mustLoad("America/New_York")
	apia := mustLoad("Pacific/Apia")
	for _, tc := range []struct {
		rule  string
		start string
		at    string
		loc   *time.Location
	}{
		{"FREQ=DAILY", "2025-03-01", "02:30", ny},
		{"FREQ=DAILY;INTERVAL=3;UNTIL=20251120T063000Z", "2025-10-01", "01:30", ny},
		{"FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=40", "2025-02-20", "09:00", ny},
		{"FREQ=MONTHLY;BYDAY=-1FR", "2024-01-01", "16:00", ny},
		{"FREQ=DAILY;BYHOUR=9,14;BYMINUTE=0,30", "2025-03-07", "00:00", ny},
		{"FREQ=DAILY", "2011-12-25", "09:00", apia},
	} {
		r, err := timeline.ParseRule(tc.rule)
		if err != nil {
			t.Fatal(err)
		}
		start := d(tc.start)
		from := time.Date(start.Year, start.Month, start.Day, 0, 0, 0, 0, tc.loc).AddDate(0, 0, 3)
		to := from.AddDate(0, 2, 0)
		want := r.Between(start, clock(tc.at), tc.loc, from, to)
		var got []time.Time
		for it := range r.Instants(start, clock(tc.at), tc.loc) {
			if it.After(to.Add(24 * time.Hour)) {
				break
			}
			if !it.Before(from) && !it.After(to) {
				got = append(got, it)
			}
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s from %s %s: Instants differ from Between (-want +got):\n%s", tc.rule, tc.start, tc.at, diff)
		}
		if len(want) == 0 {
			t.Errorf("%s: the window holds no instant; the case tests nothing", tc.rule)
		}
	}
}

// TestRuleInstantsFirstAndStop: the first instant of a rule whose DTSTART
// fits it is DTSTART, resolved (02:30 on New York's spring-forward day is
// 03:30 EDT), and a caller that stops is not called again.
func TestRuleInstantsFirstAndStop(t *testing.T) {
	t.Parallel()
	ny := mustLoad("America/New_York")
	r, err := timeline.ParseRule("FREQ=DAILY")
	if err != nil {
		t.Fatal(err)
	}
	var got []time.Time
	for it := range r.Instants(d("2025-03-09"), clock("02:30"), ny) {
		got = append(got, it)
		if len(got) == 2 {
			break
		}
	}
	want := []time.Time{time.Date(2025, 3, 9, 3, 30, 0, 0, ny), time.Date(2025, 3, 10, 2, 30, 0, 0, ny)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
