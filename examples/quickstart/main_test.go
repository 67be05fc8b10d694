package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// TestQuickstart runs the program and checks the facts its output must show.
func TestQuickstart(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if err := run(context.Background(), &out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	t.Log("\n" + got)
	facts := []struct {
		name string
		re   string
	}{
		{"the day, in the person's zone", `(?m)^LifeOps quickstart: Ada in Europe/Berlin, Tuesday 2026-03-31 at 12:30$`},
		{"the sync: 13 days (one missed), 288 samples a day less the hour DST skipped", `Synced 2026-03-18 to 2026-03-31: 13 sleep, 13 readiness, 13 activity, 13 sleep periods, 3732 heart-rate samples`},
		{"a Life Score with work-life missing", `(?m)^Life Score \d{2,3}\.\d \(no data today: work_life\)$`},
		{"the sleep domain with its contributors", `(?m)^  sleep\s+\d+\.\d\n\s+sleep_score\s+\d+\.\d\s+weight 0\.5\s+adds\s+\d+\.\d`},
		{"the activity domain", `(?m)^  activity\s+\d+\.\d$`},
		{"work-life absent", `(?m)^  work-life\s+no data$`},
		{"habits counting only what is due by noon", `\(3 of 3 items done, 0 skipped\)`},
		{"XP and level", `(?m)^XP \d+, level \d+ \(\d+ into it, \d+ to the next\)$`},
		{"the day-goal streak", `(?m)^  Day goal\s+\d+ days \(longest \d+`},
		{"an item streak", `(?m)^  Glass of water\s+\d+ days`},
		{"achievements", `(?m)^Achievements unlocked today$`},
		{"the message", `(?m)^Life Score \d+\.\d: a[n]? \w+ day\.`},
		{"the evening walk at 18:30 summer time", `(?m)^  18:30-19:00  pending\s+Evening walk$`},
		{"reading 30 minutes before bedtime", `(?m)^  22:30-22:55  pending\s+Read$`},
		{"the missed day", `(?m)^  Tue 2026-03-24\s+\S+\s+missed: no ring, no check-ins$`},
		{"the DST night", `(?m)^  Sun 2026-03-29\s+\d+\.\d\s+clocks went forward at 02:00$`},
	}
	for _, f := range facts {
		if !regexp.MustCompile(f.re).MatchString(got) {
			t.Errorf("the output does not show %s (%s)", f.name, f.re)
		}
	}
	if n := len(regexp.MustCompile(`(?m)^  \w{3} 2026-03-\d\d `).FindAllString(got, -1)); n != 14 {
		t.Errorf("the fortnight lists %d days, want 14", n)
	}
	var again strings.Builder
	if err := run(context.Background(), &again); err != nil {
		t.Fatal(err)
	}
	if again.String() != got {
		t.Error("two runs printed different output; the quickstart must be deterministic")
	}
}
