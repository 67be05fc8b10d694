package ical

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// Meeting is one instance of an event that counts as a meeting.
type Meeting struct {
	UID        string    `json:"uid"`
	Summary    string    `json:"summary,omitempty"`
	Start, End time.Time `json:"-"`
}

// Selection says which events count as meetings. Cancelled events and
// instances, all-day events, free time (TRANSP:TRANSPARENT, or Outlook's
// busy status FREE) and events longer than [Limits.MaxEventDuration] never
// do; everything else does unless a field below leaves it out.
type Selection struct {
	// Addresses are the person's calendar addresses (e-mail), matched
	// without case and without "mailto:". An event with an ATTENDEE of
	// one of them whose PARTSTAT is DECLINED does not count. Without
	// addresses declines cannot be told apart from acceptances.
	Addresses []string `json:"addresses,omitempty"`
	// SkipTentative leaves out events the person accepted tentatively, or
	// whose STATUS is TENTATIVE.
	SkipTentative bool `json:"skip_tentative,omitempty"`
	// OnlyWithAttendees leaves out events with no attendee other than the
	// person: blocks of focus time, reminders.
	OnlyWithAttendees bool `json:"only_with_attendees,omitempty"`
}

// Options says how [Calendar.Meetings] expands a feed.
type Options struct {
	Selection
	// Floating is the zone of floating times when the feed names none
	// (X-WR-TIMEZONE); nil means UTC.
	Floating *time.Location
	// zoneOn, when set, gives the zone of floating times per date: the
	// person's zone that day. It takes precedence over Floating.
	zoneOn func(civil.Date) *time.Location
}

// Meetings returns the meetings of the calendar that overlap [from, to),
// ordered by start, and what it could not expand as written. Recurring
// events are expanded with the timeline package's RRULE code and resolver
// (every wall clock through timeline.Resolve, so DST gaps and overlaps
// follow RFC 5545): DTSTART is always the first instance, RDATE adds
// instances, EXDATE removes them, and an override (the same UID with a
// RECURRENCE-ID) replaces the instance it names, or cancels it. Each rule
// is walked at most [Limits.MaxWalk] instances from its start; the result
// holds at most [Limits.MaxInstances] meetings.
func (c *Calendar) Meetings(from, to time.Time, opt Options) ([]Meeting, []Problem) {
	x := &expansion{c: c, from: from, to: to, opt: opt, lim: c.limits.withDefaults()}
	for _, a := range opt.Addresses {
		x.self = append(x.self, address(a))
	}
	for _, e := range c.events {
		if len(x.out) >= x.lim.MaxInstances {
			x.problem("", fmt.Sprintf("more than %d meetings in the window; the rest are left out", x.lim.MaxInstances))
			break
		}
		x.event(e)
	}
	slices.SortFunc(x.out, func(a, b Meeting) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.UID, b.UID)
	})
	if len(x.out) > x.lim.MaxInstances {
		x.out = x.out[:x.lim.MaxInstances]
	}
	return x.out, x.problems
}

type expansion struct {
	c        *Calendar
	from, to time.Time
	opt      Options
	lim      Limits
	self     []string
	out      []Meeting
	problems []Problem
}

func (x *expansion) problem(uid, reason string) {
	if len(x.problems) < maxProblems {
		x.problems = append(x.problems, Problem{UID: clip(uid), Reason: reason})
	}
}

// floating returns the zone of a floating time on date d.
func (x *expansion) floating(d civil.Date) *time.Location {
	switch {
	case x.c.floating != nil:
		return x.c.floating
	case x.opt.zoneOn != nil:
		return x.opt.zoneOn(d)
	case x.opt.Floating != nil:
		return x.opt.Floating
	}
	return time.UTC
}

func (x *expansion) resolve(w wallTime) time.Time { return w.resolve(x.floating(w.date)) }

// locOf returns the zone an event's wall clocks are read in at instant t.
func (x *expansion) locOf(w wallTime, t time.Time) *time.Location {
	if w.loc != nil {
		return w.loc
	}
	return x.floating(civil.DateOf(t.In(x.floating(w.date))))
}

// endOf returns the end of an instance of e that starts at t.
func (x *expansion) endOf(e *event, t time.Time) time.Time {
	switch {
	case e.end != nil:
		return t.Add(x.resolve(*e.end).Sub(x.resolve(e.start)))
	case e.dur != nil:
		return e.dur.after(t, x.locOf(e.start, t))
	}
	return t
}

// event expands one event with its overrides.
func (x *expansion) event(e *event) {
	if e.start.allDay {
		return // all-day events are not meetings, nor are their overrides' series
	}
	start := x.resolve(e.start)
	type inst struct {
		start, end time.Time
	}
	var insts []inst
	seen := map[int64]bool{}
	add := func(t, end time.Time) {
		if !seen[t.UnixNano()] {
			seen[t.UnixNano()] = true
			insts = append(insts, inst{t, end})
		}
	}
	add(start, x.endOf(e, start))
	stop := x.to.Add(26 * time.Hour)
	for _, r := range e.rules {
		loc := e.start.loc
		if loc == nil {
			loc = time.UTC // walk floating wall clocks, then read each in the person's zone
		}
		walked := 0
		for t := range r.Instants(e.start.date, e.start.clock(), loc) {
			if walked++; walked > x.lim.MaxWalk {
				x.problem(e.uid, fmt.Sprintf("the rule needs more than %d instances to reach the window; later ones are left out", x.lim.MaxWalk))
				break
			}
			if e.start.loc == nil {
				w := wallOf(t, time.UTC)
				w.loc = nil
				t = x.resolve(w)
			}
			t = t.Add(time.Duration(e.start.sec%60) * time.Second)
			if t.After(stop) {
				break
			}
			if t.Add(x.lim.MaxEventDuration).Before(x.from) {
				continue
			}
			add(t, x.endOf(e, t))
		}
	}
	for _, rd := range e.rdates {
		w := rd.at
		if w.allDay { // a date for a timed event: at the time of DTSTART
			w = wallTime{date: w.date, sec: e.start.sec, loc: e.start.loc}
		}
		t := x.resolve(w)
		end := x.endOf(e, t)
		switch {
		case rd.end != nil:
			end = x.resolve(*rd.end)
		case rd.dur != nil:
			end = rd.dur.after(t, x.locOf(w, t))
		}
		add(t, end)
	}
	removed := map[int64]bool{}
	var removedDays []civil.Date
	drop := func(w wallTime) {
		if w.allDay {
			removedDays = append(removedDays, w.date)
			return
		}
		removed[x.resolve(w).UnixNano()] = true
	}
	for _, w := range e.exdates {
		drop(w)
	}
	for _, o := range e.overrides {
		drop(*o.rid)
	}
	counts := x.counts(e)
	for _, in := range insts {
		if removed[in.start.UnixNano()] || slices.Contains(removedDays, civil.DateOf(in.start.In(x.locOf(e.start, in.start)))) {
			continue
		}
		if counts {
			x.keep(e, in.start, in.end)
		}
	}
	for _, o := range e.overrides {
		if o.start.allDay || !x.counts(o) {
			continue
		}
		t := x.resolve(o.start)
		x.keep(o, t, x.endOf(o, t))
	}
}

// keep adds an instance that overlaps the window.
func (x *expansion) keep(e *event, start, end time.Time) {
	if !end.After(start) || !end.After(x.from) || !start.Before(x.to) {
		return
	}
	if end.Sub(start) > x.lim.MaxEventDuration {
		x.problem(e.uid, fmt.Sprintf("an instance lasts %s, longer than %s; it is not counted as a meeting", end.Sub(start).Round(time.Minute), x.lim.MaxEventDuration))
		return
	}
	x.out = append(x.out, Meeting{UID: e.uid, Summary: e.summary, Start: start, End: end})
}

// counts reports whether e is a meeting by the selection.
func (x *expansion) counts(e *event) bool {
	if e.cancelled || e.free {
		return false
	}
	tentative := e.tentative
	others := 0
	for _, a := range e.attendees {
		if slices.Contains(x.self, a.addr) {
			switch a.partstat {
			case "DECLINED":
				return false
			case "TENTATIVE":
				tentative = true
			}
			continue
		}
		others++
	}
	if tentative && x.opt.SkipTentative {
		return false
	}
	return !x.opt.OnlyWithAttendees || others > 0
}
