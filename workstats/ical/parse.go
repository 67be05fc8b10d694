package ical

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/lifeops/lifeops/timeline"
	"github.com/lifeops/lifeops/workstats"
)

// Limits bound the work one feed can cause, so any feed, however large or
// hostile, is read and expanded in bounded time and memory. A zero field
// takes its default.
type Limits struct {
	// MaxBytes bounds a feed's size; default 32 MiB.
	MaxBytes int64
	// MaxEvents bounds the VEVENTs of a feed; default 200,000.
	MaxEvents int
	// MaxWalk bounds the instances walked per recurrence rule, from its
	// start to the end of the window asked about; default 20,000 (a daily
	// meeting for 54 years). A rule that needs more is cut there and
	// reported as a [Problem].
	MaxWalk int
	// MaxInstances bounds the meetings one expansion returns; default
	// 200,000.
	MaxInstances int
	// MaxEventDuration is the longest event that counts as a meeting;
	// longer ones (a conference week entered with times) are reported
	// and left out. Default 24 hours.
	MaxEventDuration time.Duration
}

// The defaults of [Limits].
const (
	DefaultMaxBytes         = 32 << 20
	DefaultMaxEvents        = 200_000
	DefaultMaxWalk          = 20_000
	DefaultMaxInstances     = 200_000
	DefaultMaxEventDuration = 24 * time.Hour
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxEvents <= 0 {
		l.MaxEvents = DefaultMaxEvents
	}
	if l.MaxWalk <= 0 {
		l.MaxWalk = DefaultMaxWalk
	}
	if l.MaxInstances <= 0 {
		l.MaxInstances = DefaultMaxInstances
	}
	if l.MaxEventDuration <= 0 {
		l.MaxEventDuration = DefaultMaxEventDuration
	}
	return l
}

// ErrFeed is matched by every error about a feed that is not a calendar
// this package can read.
var ErrFeed = errors.New("ical: unreadable feed")

// Problem is something in a feed that was not counted as written: an
// event whose rule this package cannot expand, a zone it does not know, an
// event longer than a day. The rest of the feed is read; problems are
// reported so nothing is lost silently.
type Problem struct {
	UID    string `json:"uid,omitempty"`
	Reason string `json:"reason"`
}

// maxProblems bounds the problems kept per feed.
const maxProblems = 100

// Calendar is a parsed feed, ready to be expanded for any window with
// [Calendar.Meetings].
type Calendar struct {
	events   []*event
	floating *time.Location // X-WR-TIMEZONE, the zone of floating times, when the feed names one
	problems []Problem
	limits   Limits
}

// Problems returns what parsing could not read as written.
func (c *Calendar) Problems() []Problem { return c.problems }

// Events returns how many events the feed holds after duplicates were
// dropped, overrides of recurring events included.
func (c *Calendar) Events() int {
	n := 0
	for _, e := range c.events {
		n += 1 + len(e.overrides)
	}
	return n
}

// event is one VEVENT.
type event struct {
	uid       string
	summary   string
	seq       int
	stamp     time.Time // LAST-MODIFIED, else DTSTAMP
	order     int
	start     wallTime
	end       *wallTime
	dur       *duration
	rules     []*timeline.Rule
	rdates    []rdate
	exdates   []wallTime
	rid       *wallTime
	cancelled bool
	free      bool
	tentative bool
	attendees []attendee
	overrides []*event
}

type rdate struct {
	at  wallTime
	end *wallTime
	dur *duration
}

type attendee struct {
	addr     string // lower case, without mailto:
	partstat string // upper case
}

// Parse reads an iCalendar feed (RFC 5545): its events, their recurrence
// rules, exceptions and overrides, and its time zones. The text itself is
// parsed by github.com/arran4/golang-ical (folded lines, parameters,
// escapes); this package reads the values.
//
// Real feeds are messy, and Parse reads what it can:
//
//   - TZID may be an IANA name, an IANA name behind a path prefix, a
//     Windows zone name ("W. Europe Standard Time"), or any name the feed
//     defines in a VTIMEZONE, which is then turned into a zone of its own.
//     A TZID that is none of these is read as floating time and reported.
//   - Floating times (no TZID, no Z) are read in X-WR-TIMEZONE when the
//     feed names one, else in the person's zone of that date.
//   - DURATION stands in for a missing DTEND; an event with neither lasts
//     no time.
//   - Events repeated under one UID (and RECURRENCE-ID) keep the version
//     with the highest SEQUENCE, then the latest LAST-MODIFIED or DTSTAMP,
//     then the last in the feed.
//   - A byte-order mark and blank lines are skipped.
//
// A feed that is not a VCALENDAR, ends before END:VCALENDAR, nests
// components deeper than 8 or breaks the limits is an error matching
// [ErrFeed] (or [workstats.ErrTooLarge] for the size limits). An event
// that cannot be read is left out and reported in [Calendar.Problems].
func Parse(r io.Reader, lim Limits) (*Calendar, error) {
	lim = lim.withDefaults()
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFeed, err)
	}
	if int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("%w: the feed is larger than %d bytes", workstats.ErrTooLarge, lim.MaxBytes)
	}
	return parse(data, lim)
}

func parse(data []byte, lim Limits) (*Calendar, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if err := precheck(data, lim); err != nil {
		return nil, err
	}
	cal, err := parseICS(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrFeed, err)
	}
	p := &parser{cal: &Calendar{limits: lim}, zones: map[string]*time.Location{}, defs: map[string]*ics.VTimezone{}}
	for _, prop := range cal.CalendarProperties {
		if strings.EqualFold(prop.IANAToken, "X-WR-TIMEZONE") {
			if loc, ok := loadZone(prop.Value); ok {
				p.cal.floating = loc
			}
		}
	}
	for _, comp := range cal.Components {
		if tz, ok := comp.(*ics.VTimezone); ok {
			if id := propValue(&tz.ComponentBase, "TZID"); id != "" {
				p.defs[id] = tz
			}
		}
	}
	masters := map[string]*event{}
	overrides := map[string]*event{}
	var order []string
	n := 0
	for _, comp := range cal.Components {
		ve, ok := comp.(*ics.VEvent)
		if !ok {
			continue
		}
		n++
		e, err := p.event(&ve.ComponentBase, n)
		if err != nil {
			p.problem(e.uid, err.Error())
			continue
		}
		key := e.uid
		into := masters
		if e.rid != nil {
			key += "\x00" + ridKey(*e.rid)
			into = overrides
		}
		if old, ok := into[key]; ok {
			if newer(e, old) {
				into[key] = e
			}
			continue
		}
		into[key] = e
		if e.rid == nil {
			order = append(order, key)
		}
	}
	for _, key := range order {
		p.cal.events = append(p.cal.events, masters[key])
	}
	for _, o := range overrides {
		if m, ok := masters[o.uid]; ok {
			m.overrides = append(m.overrides, o)
			continue
		}
		standalone := *o
		standalone.rid = nil
		p.cal.events = append(p.cal.events, &standalone)
	}
	return p.cal, nil
}

// parseICS runs the library's parser. A panic inside it on hostile input
// becomes an error, so one broken feed cannot take the process down.
func parseICS(data []byte) (cal *ics.Calendar, err error) {
	defer func() {
		if r := recover(); r != nil {
			cal, err = nil, fmt.Errorf("the parser failed: %v", r)
		}
	}()
	// Properties between components break RFC 5545 but occur in real
	// feeds; they are kept as calendar properties rather than failing the
	// feed.
	return ics.ParseCalendarWithOptions(bytes.NewReader(data), ics.WithUnknownPropertyHandler(ics.AcceptUnknownPropertyHandler))
}

// maxDepth bounds the nesting of components: VCALENDAR, VEVENT, VALARM and
// VTIMEZONE's parts need four.
const maxDepth = 8

// precheck refuses, before the parser sees it, a feed that is not a
// VCALENDAR, that ends before END:VCALENDAR, that nests too deep or that
// holds too many events.
func precheck(data []byte, lim Limits) error {
	trimmed := bytes.TrimSpace(data)
	if !hasPrefixFold(trimmed, "BEGIN:VCALENDAR") {
		return fmt.Errorf("%w: it does not begin with BEGIN:VCALENDAR", ErrFeed)
	}
	if i := bytes.LastIndexByte(trimmed, '\n'); !hasPrefixFold(bytes.TrimSpace(trimmed[i+1:]), "END:VCALENDAR") {
		return fmt.Errorf("%w: it ends before END:VCALENDAR (cut short?)", ErrFeed)
	}
	depth, events := 0, 0
	for line := range bytes.Lines(data) {
		switch {
		case hasPrefixFold(line, "BEGIN:"):
			if depth++; depth > maxDepth {
				return fmt.Errorf("%w: components nest deeper than %d", ErrFeed, maxDepth)
			}
			if hasPrefixFold(line, "BEGIN:VEVENT") {
				if events++; events > lim.MaxEvents {
					return fmt.Errorf("%w: the feed holds more than %d events", workstats.ErrTooLarge, lim.MaxEvents)
				}
			}
		case hasPrefixFold(line, "END:"):
			depth--
		}
	}
	return nil
}

func hasPrefixFold(b []byte, prefix string) bool {
	return len(b) >= len(prefix) && strings.EqualFold(string(b[:len(prefix)]), prefix)
}

// newer reports whether a is a later version of the same event than b.
func newer(a, b *event) bool {
	if a.seq != b.seq {
		return a.seq > b.seq
	}
	if !a.stamp.Equal(b.stamp) {
		return a.stamp.After(b.stamp)
	}
	return a.order > b.order
}

func ridKey(w wallTime) string {
	name := "floating"
	if w.loc != nil {
		name = w.loc.String()
	}
	return strconv.Itoa(w.date.Days()) + "|" + strconv.Itoa(w.sec) + "|" + name
}

// parser holds what is read once per feed.
type parser struct {
	cal   *Calendar
	zones map[string]*time.Location // TZID → zone; nil for a TZID read as floating
	defs  map[string]*ics.VTimezone
}

func (p *parser) problem(uid, reason string) {
	if len(p.cal.problems) < maxProblems {
		p.cal.problems = append(p.cal.problems, Problem{UID: clip(uid), Reason: reason})
	}
}

// zone returns the zone of a TZID, building it from the feed's VTIMEZONE
// when the name is not one this package knows; nil means floating.
func (p *parser) zone(tzid, uid string) *time.Location {
	if loc, ok := p.zones[tzid]; ok {
		return loc
	}
	loc, ok := loadZone(tzid)
	if !ok {
		if def, found := p.defs[tzid]; found {
			var err error
			if loc, err = p.defined(tzid, def); err != nil {
				p.problem(uid, fmt.Sprintf("TZID %q: its VTIMEZONE cannot be read (%v); its times are read as floating", clip(tzid), err))
				loc = nil
			}
		} else {
			p.problem(uid, fmt.Sprintf("TZID %q names no known zone and the feed does not define it; its times are read as floating", clip(tzid)))
		}
	}
	p.zones[tzid] = loc
	return loc
}

// defined builds the zone a VTIMEZONE defines.
func (p *parser) defined(tzid string, def *ics.VTimezone) (*time.Location, error) {
	var obs []observance
	for _, sub := range def.Components {
		var cb *ics.ComponentBase
		dst := false
		switch s := sub.(type) {
		case *ics.Standard:
			cb = &s.ComponentBase
		case *ics.Daylight:
			cb, dst = &s.ComponentBase, true
		default:
			continue
		}
		o := observance{dst: dst, name: propValue(cb, "TZNAME")}
		var err error
		if o.from, err = parseOffset(propValue(cb, "TZOFFSETFROM")); err != nil {
			return nil, err
		}
		if o.to, err = parseOffset(propValue(cb, "TZOFFSETTO")); err != nil {
			return nil, err
		}
		if o.start, err = parseWall(propValue(cb, "DTSTART"), nil); err != nil {
			return nil, err
		}
		if r := propValue(cb, "RRULE"); r != "" {
			if o.rule, err = timeline.ParseRule(r); err != nil {
				return nil, err
			}
		}
		for _, prop := range props(cb, "RDATE") {
			for _, v := range strings.Split(prop.Value, ",") {
				w, err := parseWall(v, nil)
				if err != nil {
					return nil, err
				}
				o.rdates = append(o.rdates, w)
			}
		}
		obs = append(obs, o)
	}
	return buildZone(tzid, obs)
}

// event reads one VEVENT. The returned event carries the UID even with an
// error.
func (p *parser) event(cb *ics.ComponentBase, order int) (*event, error) {
	e := &event{uid: propValue(cb, "UID"), order: order}
	if e.uid == "" {
		e.uid = fmt.Sprintf("(no UID, event %d)", order)
	}
	if len(e.uid) > 1000 {
		return e, errors.New("the UID is longer than 1000 bytes")
	}
	e.summary = clipN(propValue(cb, "SUMMARY"), 200)
	start := prop(cb, "DTSTART")
	if start == nil {
		return e, errors.New("the event has no DTSTART")
	}
	var err error
	if e.start, err = p.wall(start, e.uid); err != nil {
		return e, fmt.Errorf("DTSTART: %w", err)
	}
	if end := prop(cb, "DTEND"); end != nil {
		w, err := p.wall(end, e.uid)
		if err != nil {
			return e, fmt.Errorf("DTEND: %w", err)
		}
		e.end = &w
	} else if d := propValue(cb, "DURATION"); d != "" {
		dur, err := parseDuration(d)
		if err != nil {
			return e, fmt.Errorf("DURATION: %w", err)
		}
		e.dur = &dur
	}
	for _, r := range props(cb, "RRULE") {
		rule, err := timeline.ParseRule(r.Value)
		if err != nil {
			p.problem(e.uid, fmt.Sprintf("RRULE %q cannot be expanded (%v); only its first instance counts", clip(r.Value), err))
			continue
		}
		e.rules = append(e.rules, rule)
	}
	for _, r := range props(cb, "RDATE") {
		for _, v := range strings.Split(r.Value, ",") {
			rd, err := p.rdate(r, v, e.uid)
			if err != nil {
				p.problem(e.uid, "RDATE: "+err.Error())
				continue
			}
			e.rdates = append(e.rdates, rd)
		}
	}
	for _, x := range props(cb, "EXDATE") {
		for _, v := range strings.Split(x.Value, ",") {
			w, err := p.wallValue(x, v, e.uid)
			if err != nil {
				p.problem(e.uid, "EXDATE: "+err.Error())
				continue
			}
			e.exdates = append(e.exdates, w)
		}
	}
	if rid := prop(cb, "RECURRENCE-ID"); rid != nil {
		w, err := p.wall(rid, e.uid)
		if err != nil {
			return e, fmt.Errorf("RECURRENCE-ID: %w", err)
		}
		e.rid = &w
	}
	if s := propValue(cb, "SEQUENCE"); s != "" {
		e.seq, _ = strconv.Atoi(strings.TrimSpace(s))
	}
	for _, name := range []string{"DTSTAMP", "LAST-MODIFIED"} {
		if v := propValue(cb, name); v != "" {
			if w, err := parseWall(v, time.UTC); err == nil && !w.allDay {
				e.stamp = w.resolve(time.UTC)
			}
		}
	}
	switch strings.ToUpper(strings.TrimSpace(propValue(cb, "STATUS"))) {
	case "CANCELLED":
		e.cancelled = true
	case "TENTATIVE":
		e.tentative = true
	}
	e.free = strings.EqualFold(strings.TrimSpace(propValue(cb, "TRANSP")), "TRANSPARENT") ||
		strings.EqualFold(strings.TrimSpace(propValue(cb, "X-MICROSOFT-CDO-BUSYSTATUS")), "FREE")
	for _, a := range props(cb, "ATTENDEE") {
		e.attendees = append(e.attendees, attendee{addr: address(a.Value), partstat: strings.ToUpper(param(a, "PARTSTAT"))})
	}
	return e, nil
}

// address returns a calendar address in lower case without "mailto:".
func address(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	return strings.TrimPrefix(v, "mailto:")
}

// wall reads a DATE or DATE-TIME property with its TZID.
func (p *parser) wall(prop *ics.IANAProperty, uid string) (wallTime, error) {
	return p.wallValue(prop, prop.Value, uid)
}

func (p *parser) wallValue(prop *ics.IANAProperty, v, uid string) (wallTime, error) {
	var loc *time.Location
	if tzid := param(prop, "TZID"); tzid != "" {
		loc = p.zone(tzid, uid)
	}
	w, err := parseWall(v, loc)
	if err != nil {
		return w, err
	}
	if strings.EqualFold(param(prop, "VALUE"), "DATE") && !w.allDay {
		return w, fmt.Errorf("%w: VALUE=DATE with a time", errValue)
	}
	return w, nil
}

// rdate reads one value of an RDATE: a DATE, a DATE-TIME or a PERIOD.
func (p *parser) rdate(prop *ics.IANAProperty, v, uid string) (rdate, error) {
	start, rest, period := strings.Cut(v, "/")
	w, err := p.wallValue(prop, start, uid)
	if err != nil || !period {
		return rdate{at: w}, err
	}
	rd := rdate{at: w}
	if strings.HasPrefix(strings.TrimSpace(strings.ToUpper(rest)), "P") {
		d, err := parseDuration(rest)
		if err != nil {
			return rd, err
		}
		rd.dur = &d
		return rd, nil
	}
	end, err := p.wallValue(prop, rest, uid)
	if err != nil {
		return rd, err
	}
	rd.end = &end
	return rd, nil
}

// The helpers below read properties case-insensitively, as RFC 5545 asks.

func prop(cb *ics.ComponentBase, name string) *ics.IANAProperty {
	for i := range cb.Properties {
		if strings.EqualFold(cb.Properties[i].IANAToken, name) {
			return &cb.Properties[i]
		}
	}
	return nil
}

func props(cb *ics.ComponentBase, name string) []*ics.IANAProperty {
	var out []*ics.IANAProperty
	for i := range cb.Properties {
		if strings.EqualFold(cb.Properties[i].IANAToken, name) {
			out = append(out, &cb.Properties[i])
		}
	}
	return out
}

func propValue(cb *ics.ComponentBase, name string) string {
	if p := prop(cb, name); p != nil {
		return p.Value
	}
	return ""
}

func param(p *ics.IANAProperty, name string) string {
	for k, vs := range p.ICalParameters {
		if strings.EqualFold(k, name) && len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}
