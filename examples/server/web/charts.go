package web

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// The charts are SVG drawn on the server: coordinates are computed here and
// written into the templates' attributes, so a chart needs no script and
// no style attribute (the Content-Security-Policy allows neither inline).

// ringRadius is the radius of the Life Score ring in its 120×120 box.
const ringRadius = 52

// ringView is the Life Score ring: an arc whose length is the score.
type ringView struct {
	Present bool
	Value   string // "72.6"
	Dash    string // the arc's stroke-dasharray: its length, then the circle's
	Band    string // good, fair, low or poor: the arc's colour
}

// ring draws the ring of a score on 0–100; nil is no data yet.
func ring(v *lifeops.Number) ringView {
	if v == nil {
		return ringView{}
	}
	f := v.InexactFloat64()
	f = math.Max(0, math.Min(100, f))
	circ := 2 * math.Pi * ringRadius
	return ringView{Present: true, Value: v.String(), Dash: num(circ*f/100) + " " + num(circ), Band: band(f)}
}

// band names the colour band of a score.
func band(f float64) string {
	switch {
	case f >= 85:
		return "good"
	case f >= 70:
		return "fair"
	case f >= 50:
		return "low"
	}
	return "poor"
}

// num writes a coordinate with at most two decimals.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*100)/100, 'f', -1, 64) }

// The line charts' box: a 600×170 view with room for the axis labels.
const (
	chartW, chartH             = 600, 170
	plotL, plotR, plotT, plotB = 34, 592, 10, 146
)

// lineChart is one score over a run of days, drawn as a line with a gap
// wherever a day has no score.
type lineChart struct {
	ID, Title string
	Desc      string // the text alternative: the range, the mean, the extremes, the gaps
	Path      string // the line's path: a move at each gap
	Dots      []dot  // days with a score but no neighbour, which a line cannot show
	Grid      []gridLine
	XLabels   []axisLabel
	Present   int
}

type dot struct{ X, Y string }

type gridLine struct{ Y, Label string }

type axisLabel struct {
	X, Label string
	Anchor   string // text-anchor
}

// x is the horizontal position of day i of n.
func chartX(i, n int) float64 {
	if n <= 1 {
		return (plotL + plotR) / 2
	}
	return plotL + float64(i)*float64(plotR-plotL)/float64(n-1)
}

// chartY is the vertical position of a score on 0–100.
func chartY(v float64) float64 {
	v = math.Max(0, math.Min(100, v))
	return plotB - v*float64(plotB-plotT)/100
}

// newLineChart draws values, one per day of days (nil: no score that
// day).
func newLineChart(id, title string, days []civil.Date, values []*float64) lineChart {
	c := lineChart{ID: id, Title: title}
	for _, g := range []float64{0, 25, 50, 75, 100} {
		c.Grid = append(c.Grid, gridLine{Y: num(chartY(g)), Label: strconv.Itoa(int(g))})
	}
	n := len(days)
	if n > 0 {
		c.XLabels = []axisLabel{{X: num(chartX(0, n)), Label: dayMonth(days[0]), Anchor: "start"}}
		if n > 2 {
			c.XLabels = append(c.XLabels, axisLabel{X: num(chartX(n/2, n)), Label: dayMonth(days[n/2]), Anchor: "middle"})
		}
		if n > 1 {
			c.XLabels = append(c.XLabels, axisLabel{X: num(chartX(n-1, n)), Label: dayMonth(days[n-1]), Anchor: "end"})
		}
	}
	var b strings.Builder
	var sum, lo, hi float64
	var loDay, hiDay civil.Date
	for i, v := range values {
		if v == nil {
			continue
		}
		c.Present++
		sum += *v
		if c.Present == 1 || *v < lo {
			lo, loDay = *v, days[i]
		}
		if c.Present == 1 || *v > hi {
			hi, hiDay = *v, days[i]
		}
		x, y := num(chartX(i, n)), num(chartY(*v))
		prev := i > 0 && values[i-1] != nil
		next := i+1 < n && values[i+1] != nil
		switch {
		case !prev && !next:
			c.Dots = append(c.Dots, dot{x, y})
		case !prev:
			fmt.Fprintf(&b, "M%s %s", x, y)
		default:
			fmt.Fprintf(&b, "L%s %s", x, y)
		}
	}
	c.Path = b.String()
	if c.Present == 0 {
		c.Desc = fmt.Sprintf("%s: no data in these %d days.", title, n)
		return c
	}
	first, last := firstLast(values)
	c.Desc = fmt.Sprintf("%s over %d days, from %s to %s: first %s, last %s, mean %s, lowest %s on %s, highest %s on %s",
		title, n, longDate(days[0]), longDate(days[n-1]), oneDecimal(first), oneDecimal(last), oneDecimal(sum/float64(c.Present)),
		oneDecimal(lo), shortDate(loDay), oneDecimal(hi), shortDate(hiDay))
	if missing := n - c.Present; missing > 0 {
		c.Desc += fmt.Sprintf("; no data on %d %s", missing, plural(missing, "day", "days"))
	}
	c.Desc += "."
	return c
}

func firstLast(values []*float64) (float64, float64) {
	var first, last float64
	seen := false
	for _, v := range values {
		if v != nil {
			if !seen {
				first, seen = *v, true
			}
			last = *v
		}
	}
	return first, last
}

func oneDecimal(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', 1, 64) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// dayMonth writes a date as "10 Mar".
func dayMonth(d civil.Date) string { return fmt.Sprintf("%d %s", d.Day, d.Month.String()[:3]) }

// heatCell is one day of the day-goal calendar.
type heatCell struct {
	X, Y  int
	Class string // met, partial, missed, none, future
	Label string // the day and what happened, the cell's title
}

// heatMap is the day goal over a run of days as a calendar: a column per
// week (Monday on top), a cell per day.
type heatMap struct {
	Width, Height int
	// ShowW and ShowH are the size on the page: the cells a little larger
	// than their 14 units.
	ShowW, ShowH int
	Cells        []heatCell
	Months       []axisLabel
	Days         []gridLine // the weekday names beside the rows
	Summary      string
}

// goalDay is what the heat map knows of one day: the share of the counted
// items done (nil: nothing was due, or no score) and the goal.
type goalDay struct {
	Date    civil.Date
	Percent *float64
	Input   string // "4 of 5 items done, 1 skipped"
	Today   bool   // not over yet: what is done so far
}

// Heat map geometry: cells of 14 px with 3 px between, after the weekday
// labels.
const (
	heatCell0, heatStep, heatLeft, heatTop = 14, 17, 30, 16
)

// newHeatMap lays out days (consecutive, oldest first) against the day
// goal's percentage.
func newHeatMap(days []goalDay, goal int) heatMap {
	var h heatMap
	if len(days) == 0 {
		return h
	}
	start := days[0].Date
	offset := (int(start.Weekday()) + 6) % 7 // Monday is row 0
	met, counted := 0, 0
	lastMonth := time.Month(0)
	for i, d := range days {
		slot := offset + i
		col, row := slot/7, slot%7
		c := heatCell{X: heatLeft + col*heatStep, Y: heatTop + row*heatStep}
		label := longDate(d.Date) + ": "
		switch {
		case d.Percent == nil:
			c.Class, label = "none", label+"nothing due or no data"
		case *d.Percent >= float64(goal):
			c.Class = "met"
			met++
			counted++
			label += d.Input + ", goal met"
		case *d.Percent > 0:
			c.Class = "partial"
			counted++
			label += d.Input + ", goal not met"
		default:
			c.Class = "missed"
			counted++
			label += d.Input + ", goal not met"
		}
		if d.Today {
			label += " (today, so far)"
			c.Class += " today"
		}
		c.Label = label
		h.Cells = append(h.Cells, c)
		if d.Date.Month != lastMonth && (row == 0 || i == 0) {
			h.Months = append(h.Months, axisLabel{X: strconv.Itoa(c.X), Label: d.Date.Month.String()[:3]})
			lastMonth = d.Date.Month
		}
	}
	cols := (offset + len(days) + 6) / 7
	h.Width = heatLeft + cols*heatStep
	h.Height = heatTop + 7*heatStep
	h.ShowW, h.ShowH = h.Width*3/2, h.Height*3/2
	for i, name := range []string{"Mon", "", "Wed", "", "Fri", "", "Sun"} {
		if name != "" {
			h.Days = append(h.Days, gridLine{Y: strconv.Itoa(heatTop + i*heatStep + heatCell0 - 3), Label: name})
		}
	}
	h.Summary = fmt.Sprintf("Day goal (%d%% of the day's items) met on %d of %d %s with items due, from %s to %s.",
		goal, met, counted, plural(counted, "day", "days"), longDate(days[0].Date), longDate(days[len(days)-1].Date))
	return h
}
