package timeline

import (
	"slices"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// WallKind says how a wall clock maps onto the time line of a zone.
type WallKind int

const (
	// WallNormal: the wall clock happens exactly once.
	WallNormal WallKind = iota
	// WallGap: the wall clock never happens; clocks jumped over it (spring
	// forward, or a skipped day such as Pacific/Apia on 2011-12-30).
	WallGap
	// WallAmbiguous: the wall clock happens twice (fall back).
	WallAmbiguous
)

// String returns "normal", "gap" or "ambiguous".
func (k WallKind) String() string {
	switch k {
	case WallGap:
		return "gap"
	case WallAmbiguous:
		return "ambiguous"
	default:
		return "normal"
	}
}

// Resolution is the detailed answer of [ResolveDetail].
type Resolution struct {
	// Time is the instant the wall clock stands for under RFC 5545 section
	// 3.3.5, in the zone that was asked about: the only instant for a normal
	// wall clock, the first of the two for an ambiguous one, and, for one in a
	// gap, the instant reached by reading the wall clock with the UTC offset
	// in force before the gap (which moves it later by the gap's length).
	Time time.Time
	// Kind says whether the wall clock was normal, in a gap or ambiguous.
	Kind WallKind
	// Later is the second instant of an ambiguous wall clock; it is the zero
	// Time otherwise.
	Later time.Time
}

// window bounds the search for UTC offsets around a wall clock: real offsets
// lie within ±14 hours, and a transition can move the wall clock by up to a
// day (Apia 2011), so ±26 hours holds every candidate with room to spare.
const window = 26 * 3600

// Resolve returns the instant at which the wall clock c on date d happens in
// loc, following RFC 5545 section 3.3.5: a wall clock that happens twice takes
// the first instant, and one that falls in a gap moves forward by the gap's
// length (02:30 on a spring-forward night in New York is 03:30 EDT; 09:00 on
// 2011-12-30 in Pacific/Apia, a day that did not happen, is 09:00 on
// 2011-12-31). The result is expressed in loc.
//
// Unlike [time.Date], whose answer at the edges depends on which side of UTC
// the zone lies, Resolve gives the RFC answer in every zone. A nil loc means
// UTC.
func Resolve(d civil.Date, c civil.Clock, loc *time.Location) time.Time {
	return resolveWall(wallSeconds(d, c.Minutes()*60), loc).Time
}

// ResolveDetail is [Resolve] with the kind of wall clock and, for an
// ambiguous one, the later instant too.
func ResolveDetail(d civil.Date, c civil.Clock, loc *time.Location) Resolution {
	return resolveWall(wallSeconds(d, c.Minutes()*60), loc)
}

// DayExists reports whether any wall clock of date d happens in loc. It is
// false only for a calendar day a zone skipped whole, such as 2011-12-30 in
// Pacific/Apia; a day whose midnight is missing (America/Havana on a
// spring-forward day) exists.
func DayExists(d civil.Date, loc *time.Location) bool {
	// A gap that swallows midnight but not the whole day leaves 00:00 moving
	// forward to a later wall clock of the same date; only a whole missing day
	// carries it past the date.
	t := Resolve(d, civil.Clock{}, loc)
	return civil.DateOf(t) == d
}

// wallSeconds is the wall clock written as seconds since 1970-01-01 00:00 as
// if it were UTC: the "floating" time of RFC 5545.
func wallSeconds(d civil.Date, secOfDay int) int64 {
	return int64(d.Days())*86400 + int64(secOfDay)
}

func resolveWall(wall int64, loc *time.Location) Resolution {
	if loc == nil {
		loc = time.UTC
	}
	// Fast path: the offset at the instant that has the wall clock's
	// numbers, applied once, and a zone period that covers the whole search
	// window, so no other offset can produce the same wall clock.
	_, off := time.Unix(wall, 0).In(loc).Zone()
	t := time.Unix(wall-int64(off), 0).In(loc)
	_, offT := t.Zone()
	if offT == off {
		start, end := t.ZoneBounds()
		if (start.IsZero() || start.Unix() <= wall-window) && (end.IsZero() || end.Unix() > wall+window) {
			return Resolution{Time: t, Kind: WallNormal}
		}
	}
	return resolveSlow(wall, loc)
}

// resolveSlow walks the zone periods that overlap the search window. For each
// period with offset o the candidate instant is wall-o; it is valid when it
// falls inside that period.
func resolveSlow(wall int64, loc *time.Location) Resolution {
	var valid [4]int64
	n := 0
	var gapAt int64
	gapFound := false

	cursor := wall - window
	prevOff, havePrev := 0, false
	var prevEnd int64
	for i := 0; i < 16; i++ { // a 52-hour window never holds 16 periods
		p := time.Unix(cursor, 0).In(loc)
		_, off := p.Zone()
		start, end := p.ZoneBounds()
		cand := wall - int64(off)
		inStart := start.IsZero() || cand >= start.Unix()
		inEnd := end.IsZero() || cand < end.Unix()
		if inStart && inEnd && n < len(valid) {
			valid[n] = cand
			n++
		}
		// A transition at prevEnd from prevOff to off opens a gap in wall
		// time [prevEnd+prevOff, prevEnd+off) when the offset grows.
		if havePrev && !gapFound && off > prevOff {
			if wall >= prevEnd+int64(prevOff) && wall < prevEnd+int64(off) {
				gapAt = wall - int64(prevOff)
				gapFound = true
			}
		}
		if end.IsZero() || end.Unix() > wall+window {
			break
		}
		prevOff, havePrev, prevEnd = off, true, end.Unix()
		cursor = end.Unix()
	}
	switch {
	case n == 1:
		return Resolution{Time: time.Unix(valid[0], 0).In(loc), Kind: WallNormal}
	case n >= 2:
		// Two periods can yield the same instant; the first distinct later
		// one makes the wall clock ambiguous.
		vs := valid[:n]
		slices.Sort(vs)
		first := time.Unix(vs[0], 0).In(loc)
		for _, v := range vs[1:] {
			if v != vs[0] {
				return Resolution{Time: first, Kind: WallAmbiguous, Later: time.Unix(v, 0).In(loc)}
			}
		}
		return Resolution{Time: first, Kind: WallNormal}
	case gapFound:
		return Resolution{Time: time.Unix(gapAt, 0).In(loc), Kind: WallGap}
	default:
		// Unreachable for real zones; fall back to the offset found at the
		// wall clock's own numbers so the answer is still an instant.
		_, off := time.Unix(wall, 0).In(loc).Zone()
		return Resolution{Time: time.Unix(wall-int64(off), 0).In(loc), Kind: WallGap}
	}
}
