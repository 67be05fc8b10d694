package web

import (
	"math"
	"strconv"

	"github.com/lifeops/lifeops/lifeops"
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
