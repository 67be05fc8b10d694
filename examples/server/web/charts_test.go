package web

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

func f64(v float64) *float64 { return &v }

func days(from civil.Date, n int) []civil.Date {
	out := make([]civil.Date, n)
	for i := range out {
		out[i] = from.AddDays(i)
	}
	return out
}

// TestLineChartGaps: a day without a score breaks the line; a lone day
// is a dot; the text alternative counts the gaps.
func TestLineChartGaps(t *testing.T) {
	t.Parallel()
	vals := []*float64{nil, f64(100), f64(50), nil, f64(0), nil, nil, f64(25), f64(75)}
	c := newLineChart("c", "Sleep", days(civil.D(2026, 3, 1), len(vals)), vals)
	// x runs from 34 to 592 in 8 steps of 69.75; y from 146 (0) to 10 (100).
	if want := "M103.75 10L173.5 78M522.25 112L592 44"; c.Path != want {
		t.Errorf("path\n got %s\nwant %s", c.Path, want)
	}
	if diff := cmp.Diff([]dot{{X: "313", Y: "146"}}, c.Dots); diff != "" {
		t.Errorf("dots (-want +got):\n%s", diff)
	}
	if c.Present != 5 {
		t.Errorf("present %d", c.Present)
	}
	for _, want := range []string{"Sleep over 9 days", "first 100.0, last 75.0, mean 50.0", "lowest 0.0 on Thu 5 Mar", "highest 100.0 on Mon 2 Mar", "no data on 4 days."} {
		if !strings.Contains(c.Desc, want) {
			t.Errorf("desc %q lacks %q", c.Desc, want)
		}
	}
	if diff := cmp.Diff([]axisLabel{{"34", "1 Mar", "start"}, {"313", "5 Mar", "middle"}, {"592", "9 Mar", "end"}}, c.XLabels); diff != "" {
		t.Errorf("x labels (-want +got):\n%s", diff)
	}

	empty := newLineChart("e", "Work-life", days(civil.D(2026, 3, 1), 30), make([]*float64, 30))
	if empty.Path != "" || len(empty.Dots) != 0 || empty.Desc != "Work-life: no data in these 30 days." {
		t.Errorf("no data: %+v", empty)
	}
	// Out-of-range values stay inside the plot.
	clamped := newLineChart("x", "X", days(civil.D(2026, 3, 1), 2), []*float64{f64(-5), f64(130)})
	if clamped.Path != "M34 146L592 10" {
		t.Errorf("clamped: %s", clamped.Path)
	}
}

// TestHeatMap: Monday is the first row; each day's cell says what
// happened; the summary counts the days with items due.
func TestHeatMap(t *testing.T) {
	t.Parallel()
	start := civil.D(2026, 3, 4) // a Wednesday
	in := []goalDay{
		{Date: start, Percent: f64(100), Input: "3 of 3 items done, 0 skipped"},
		{Date: start.AddDays(1), Percent: f64(50), Input: "2 of 4 items done, 0 skipped"},
		{Date: start.AddDays(2)},
		{Date: start.AddDays(3), Percent: f64(0), Input: "0 of 2 items done, 1 skipped"},
		{Date: start.AddDays(4), Percent: f64(80), Input: "4 of 5 items done, 0 skipped"},
		{Date: start.AddDays(5), Percent: f64(20), Input: "1 of 5 items done, 0 skipped", Today: true},
	}
	h := newHeatMap(in, 80)
	type pos struct {
		X, Y  int
		Class string
	}
	var got []pos
	for _, c := range h.Cells {
		got = append(got, pos{c.X, c.Y, c.Class})
	}
	want := []pos{
		{30, 16 + 2*17, "met"}, {30, 16 + 3*17, "partial"}, {30, 16 + 4*17, "none"}, {30, 16 + 5*17, "missed"},
		{30, 16 + 6*17, "met"}, {30 + 17, 16, "partial today"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("cells (-want +got):\n%s", diff)
	}
	if h.Cells[5].Label != "Monday, 9 March 2026: 1 of 5 items done, 0 skipped, goal not met (today, so far)" {
		t.Errorf("today's label %q", h.Cells[5].Label)
	}
	if h.Width != 30+2*17 || h.Height != 16+7*17 {
		t.Errorf("size %d×%d", h.Width, h.Height)
	}
	if want := "Day goal (80% of the day's items) met on 2 of 5 days with items due, from Wednesday, 4 March 2026 to Monday, 9 March 2026."; h.Summary != want {
		t.Errorf("summary\n got %s\nwant %s", h.Summary, want)
	}
	if len(h.Months) != 1 || h.Months[0].Label != "Mar" {
		t.Errorf("months %+v", h.Months)
	}
}

func TestRing(t *testing.T) {
	t.Parallel()
	if r := ring(nil); r.Present {
		t.Errorf("no score: %+v", r)
	}
	n := lifeops.Number{}
	for _, tc := range []struct {
		v          string
		dash, band string
	}{
		{"0", "0 326.73", "poor"}, {"50", "163.36 326.73", "low"}, {"72.6", "237.2 326.73", "fair"}, {"100", "326.73 326.73", "good"},
	} {
		if err := n.UnmarshalJSON([]byte(tc.v)); err != nil {
			t.Fatal(err)
		}
		r := ring(&n)
		if r.Dash != tc.dash || r.Band != tc.band || !r.Present {
			t.Errorf("%s: %+v", tc.v, r)
		}
	}
}
