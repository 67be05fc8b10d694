package ical

import (
	"bytes"
	"runtime"
	"slices"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/workstats/ical/icaltest"
)

// BenchmarkParseExpand reads a large feed and expands it for a 90-day
// window, and, as its floor, parses the same bytes with golang-ical alone.
// The two alternate in the same run, each from a collected heap;
// ours/library is the median of the per-feed ratios, which resists the noise
// of a shared machine. "year" is a year of realistic work calendar
// (recurring meetings with exceptions and overrides, one-offs, declines,
// VTIMEZONE-free TZIDs); "100k" is 100,000 single events.
func BenchmarkParseExpand(b *testing.B) {
	start := civil.D(2025, 1, 1)
	from := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	to := from.AddDate(0, 0, 90)
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		feed []byte
	}{
		{"year", icaltest.Workweeks(1, start, 365, "Europe/Berlin")},
		{"100k", icaltest.Many(100_000, start)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			library := func() {
				if _, err := ics.ParseCalendar(bytes.NewReader(bc.feed)); err != nil {
					b.Fatal(err)
				}
			}
			meetings := 0
			ours := func() {
				cal, err := Parse(bytes.NewReader(bc.feed), Limits{})
				if err != nil {
					b.Fatal(err)
				}
				ms, _ := cal.Meetings(from, to, Options{Floating: berlin, Selection: Selection{Addresses: []string{icaltest.Self}}})
				meetings = len(ms)
			}
			var libT, oursT time.Duration
			var ratios []float64
			for b.Loop() {
				ld := timed(library)
				od := timed(ours)
				libT, oursT = libT+ld, oursT+od
				ratios = append(ratios, float64(od)/float64(ld))
			}
			slices.Sort(ratios)
			n := float64(b.N)
			b.ReportMetric(float64(libT.Milliseconds())/n, "library-ms/feed")
			b.ReportMetric(float64(oursT.Milliseconds())/n, "ours-ms/feed")
			b.ReportMetric(ratios[len(ratios)/2], "ours/library")
			b.ReportMetric(float64(meetings), "meetings")
			b.ReportMetric(float64(len(bc.feed))/(1<<20), "MiB")
		})
	}
}

// timed collects the heap, then runs f and returns how long it took.
func timed(f func()) time.Duration {
	runtime.GC()
	t0 := time.Now()
	f()
	return time.Since(t0)
}
