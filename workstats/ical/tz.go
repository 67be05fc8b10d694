package ical

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// loadZone returns the zone a TZID names without help from the feed: an
// IANA name, an IANA name behind a path prefix (as Mozilla and Apple write
// them: "/mozilla.org/20050126_1/Europe/Berlin"), or a Windows zone name
// ("W. Europe Standard Time").
func loadZone(tzid string) (*time.Location, bool) {
	name := strings.TrimSpace(strings.Trim(tzid, `"`))
	if name == "" || name == "Local" || len(name) > 200 {
		return nil, false
	}
	if iana, ok := windowsZones[name]; ok {
		name = iana
	}
	if loc, err := time.LoadLocation(name); err == nil {
		return loc, true
	}
	// Path prefixes: try the last three, two and one parts.
	parts := strings.Split(strings.Trim(name, "/"), "/")
	for n := min(3, len(parts)); n >= 1 && len(parts) > 1; n-- {
		cand := strings.Join(parts[len(parts)-n:], "/")
		if cand == "Local" {
			continue
		}
		if loc, err := time.LoadLocation(cand); err == nil {
			return loc, true
		}
	}
	return nil, false
}

// observance is one STANDARD or DAYLIGHT part of a VTIMEZONE.
type observance struct {
	dst      bool
	name     string
	from, to int // UTC offsets in seconds: TZOFFSETFROM, TZOFFSETTO
	start    wallTime
	rule     *timeline.Rule
	rdates   []wallTime
}

// zoneTransition is one change of offset.
type zoneTransition struct {
	at   int64
	kind int // index into the types
}

// zoneYearsAhead bounds how far a VTIMEZONE's rules are expanded: until
// the end of the year 2100; after that the last offset stays.
const zoneLastYear = 2100

// maxTransitions bounds the transitions of one VTIMEZONE.
const maxTransitions = 4000

// buildZone turns the observances of a VTIMEZONE into a *time.Location by
// writing the transitions out as TZif data, the format of the zone files,
// which the standard library reads.
func buildZone(tzid string, obs []observance) (*time.Location, error) {
	if len(obs) == 0 {
		return nil, errors.New("the VTIMEZONE has no STANDARD or DAYLIGHT part")
	}
	type ztype struct {
		off  int
		dst  bool
		name string
	}
	var types []ztype
	typeOf := func(t ztype) int {
		if i := slices.Index(types, t); i >= 0 {
			return i
		}
		types = append(types, t)
		return len(types) - 1
	}
	// The offset before the first transition: the earliest part's
	// TZOFFSETFROM.
	first := obs[0]
	for _, o := range obs[1:] {
		if o.start.date.Before(first.start.date) {
			first = o
		}
	}
	typeOf(ztype{off: first.from, dst: false, name: abbrev(first.from, "")})
	var trans []zoneTransition
	limit := civil.D(zoneLastYear, 12, 31)
	for _, o := range obs {
		if o.from < -26*3600 || o.from > 26*3600 || o.to < -26*3600 || o.to > 26*3600 {
			return nil, fmt.Errorf("an offset of the VTIMEZONE is beyond ±26 hours")
		}
		kind := typeOf(ztype{off: o.to, dst: o.dst, name: abbrev(o.to, o.name)})
		if len(types) > 200 {
			return nil, errors.New("the VTIMEZONE has too many distinct offsets")
		}
		add := func(w wallTime) {
			trans = append(trans, zoneTransition{at: w.floatingUnix() - int64(o.from), kind: kind})
		}
		add(o.start)
		for _, r := range o.rdates {
			add(r)
		}
		if o.rule != nil {
			n := 0
			for t := range o.rule.Instants(o.start.date, o.start.clock(), time.UTC) {
				if civil.DateOf(t).After(limit) || n >= maxTransitions {
					break
				}
				n++
				w := wallTime{date: civil.DateOf(t), sec: t.Hour()*3600 + t.Minute()*60 + t.Second()}
				add(w)
			}
		}
		if len(trans) > maxTransitions {
			return nil, errors.New("the VTIMEZONE has too many transitions")
		}
	}
	slices.SortFunc(trans, func(a, b zoneTransition) int { return cmpInt64(a.at, b.at) })
	trans = slices.CompactFunc(trans, func(a, b zoneTransition) bool { return a.at == b.at })

	var chars []byte
	nameAt := make([]int, len(types))
	for i, t := range types {
		nameAt[i] = len(chars)
		chars = append(append(chars, t.name...), 0)
	}
	var b []byte
	header := func(timecnt, typecnt, charcnt int) {
		b = append(b, "TZif2"...)
		b = append(b, make([]byte, 15)...)
		for _, n := range []int{0, 0, 0, timecnt, typecnt, charcnt} { // isutcnt, isstdcnt, leapcnt, …
			b = binary.BigEndian.AppendUint32(b, uint32(n))
		}
	}
	// A minimal version 1 block, which readers of version 2 skip.
	header(0, 1, 1)
	b = append(b, 0, 0, 0, 0, 0, 0, 0)
	header(len(trans), len(types), len(chars))
	for _, t := range trans {
		b = binary.BigEndian.AppendUint64(b, uint64(t.at))
	}
	for _, t := range trans {
		b = append(b, byte(t.kind))
	}
	for i, t := range types {
		b = binary.BigEndian.AppendUint32(b, uint32(int32(t.off)))
		dst := byte(0)
		if t.dst {
			dst = 1
		}
		b = append(b, dst, byte(nameAt[i]))
	}
	b = append(b, chars...)
	b = append(b, '\n', '\n')
	return time.LoadLocationFromTZData(tzid, b)
}

// abbrev returns name when it is a plausible abbreviation, else the
// offset written as +hhmm.
func abbrev(off int, name string) string {
	ok := len(name) >= 3 && len(name) <= 10
	for _, r := range name {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '-') {
			ok = false
		}
	}
	if ok {
		return name
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("%c%02d%02d", sign, off/3600, off/60%60)
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
