//go:build race

package ical

// raceEnabled reports whether the race detector is on: it slows the
// parser about twenty times, so the large-feed test reads a tenth of the
// feed under it.
const raceEnabled = true
