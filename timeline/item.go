package timeline

import (
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// Kind is what sort of thing an item is. The values are the words of the
// "kind" field of items and feed entries.
type Kind string

// The item kinds.
const (
	KindRoutine    Kind = "routine"    // a step of a morning or evening routine
	KindHabit      Kind = "habit"      // something done to build a habit
	KindTask       Kind = "task"       // a plain to-do
	KindMedication Kind = "medication" // a dose to take
	KindWorkout    Kind = "workout"    // exercise
)

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool {
	switch k {
	case KindRoutine, KindHabit, KindTask, KindMedication, KindWorkout:
		return true
	}
	return false
}

// AnchorType says what an item's time of day hangs on.
type AnchorType string

// The anchor types; the values are the words of "anchor.type".
const (
	// AnchorFixed is a wall-clock time of day ("08:00").
	AnchorFixed AnchorType = "fixed"
	// AnchorWake is the person's wake time that day: the actual one when
	// known, else their default.
	AnchorWake AnchorType = "wake"
	// AnchorBedtime is the person's bedtime at the end of that day: the
	// actual one when known, else their default.
	AnchorBedtime AnchorType = "bedtime"
)

// Anchor is the point of the day an item's time is measured from. The item's
// OffsetMinutes is added to it as elapsed time.
type Anchor struct {
	// Type is fixed, wake or bedtime.
	Type AnchorType
	// Time is the wall clock of a fixed anchor; wake and bedtime leave it
	// zero.
	Time civil.Clock
	// Times are the wall clocks of a fixed anchor that is due several times
	// a day ("water at 09:00, 12:00 and 15:00"): 2 to [MaxSlots] of them,
	// ascending. An anchor with Times leaves Time zero, and each time is a
	// slot of the item's day (see [Occurrence]).
	Times []civil.Clock
}

// MaxSlots is the most occurrences an item has in one day: the most Times
// an anchor holds, and the most times a day a rule with BYHOUR and
// BYMINUTE may give.
const MaxSlots = 48

// appendClocks appends the anchor's wall clocks in minutes, in order, to
// dst; a single -1 for a wake or bedtime anchor, which has none of its own.
func (a *Anchor) appendClocks(dst []int) []int {
	switch {
	case a.Type != AnchorFixed:
		return append(dst, -1)
	case len(a.Times) > 0:
		for _, c := range a.Times {
			dst = append(dst, c.Minutes())
		}
		return dst
	default:
		return append(dst, a.Time.Minutes())
	}
}

// MissedPolicy says what happens to an occurrence that is neither completed
// nor skipped by the end of its feed day.
type MissedPolicy string

// The missed-item policies; the values are the words of the "missed" field.
const (
	// MissedDrop drops the open occurrence when its feed day is over: the
	// item's next occurrence replaces it. It is the policy of the zero value.
	MissedDrop MissedPolicy = "drop"
	// MissedCarryOver carries the open occurrence over once: it appears in
	// the next feed day's feed as overdue (beside that day's own occurrence,
	// if any) and is dropped after that day.
	MissedCarryOver MissedPolicy = "carry_over"
)

// Limits of an item's numbers.
const (
	MaxOffsetMinutes   = 24 * 60 // |OffsetMinutes| is at most a day
	MaxDurationMinutes = 24 * 60
	MaxTitleLength     = 200 // characters
	MaxXP              = 10000
)

// Item is one thing on the timeline: a routine step, a habit, a dose. Its
// JSON form (see [Item.MarshalJSON]) is the item of the example server's
// API.
type Item struct {
	// ID identifies the item; the caller assigns it (Validate accepts the
	// zero ID so that a new item can be checked before it has one).
	ID uuid.UUID
	// Title is what the person sees; 1 to MaxTitleLength characters.
	Title string
	// Kind is what sort of item it is.
	Kind Kind
	// Schedule says on which dates the item is due.
	Schedule Schedule
	// Anchor and OffsetMinutes give the start: the anchor's instant on the
	// feed date plus OffsetMinutes of elapsed time (negative allowed, at most
	// a day either way).
	Anchor        Anchor
	OffsetMinutes int
	// DurationMinutes is how long the item takes (0 to a day), as elapsed
	// time; the entry ends that long after it starts.
	DurationMinutes int
	// XP is the experience an occurrence is worth when completed; nil leaves
	// it to the game rules.
	XP *int
	// Missed is what happens to an occurrence left open; empty means
	// MissedDrop.
	Missed MissedPolicy
	// ActiveFrom and ActiveUntil bound, inclusive, the dates the item is due
	// on; a zero date leaves that side open.
	ActiveFrom  civil.Date
	ActiveUntil civil.Date
}

// Validate reports every problem of it as [*ValidationError] values joined
// with [errors.Join], with fields as JSON paths ("title",
// "schedule.interval", "anchor.time", "offset_minutes"). It returns nil for a
// valid item.
func (it Item) Validate() error { return it.check(nil) }

// check validates it, compiling an rrule schedule's rule into rule as
// Schedule.check does.
func (it *Item) check(rule *compiledRule) error {
	var p problems
	switch n, valid, blank := titleStats(it.Title); {
	case blank:
		p.add("title", "a title is required")
	case n > MaxTitleLength:
		p.add("title", "a title has at most %d characters, not %d", MaxTitleLength, n)
	case !valid:
		p.add("title", "the title is not valid UTF-8")
	}
	if !it.Kind.Valid() {
		if it.Kind == "" {
			p.add("kind", "a kind is required: routine, habit, task, medication or workout")
		} else {
			p.add("kind", "%q is not a kind: use routine, habit, task, medication or workout", string(it.Kind))
		}
	}
	if rule == nil && it.Schedule.Type == ScheduleRRule {
		rule = new(compiledRule)
	}
	it.Schedule.check(&p, rule)
	if rule != nil && rule.compiled() && rule.timed {
		// The rule's BYHOUR and BYMINUTE give the times; the anchor's time
		// is its DTSTART's.
		switch {
		case it.Anchor.Type != AnchorFixed:
			p.add("anchor.type", "a rule with BYHOUR or BYMINUTE gives the times of day itself: it needs a fixed anchor at its first time")
		case len(it.Anchor.Times) > 0:
			p.add("anchor.times", "a rule with BYHOUR or BYMINUTE gives the times of day itself: set the anchor's time to its first one, not times")
		}
	}
	it.Anchor.validate(&p)
	if it.OffsetMinutes > MaxOffsetMinutes || it.OffsetMinutes < -MaxOffsetMinutes {
		p.add("offset_minutes", "the offset must be within a day (-%d to %d minutes), not %d", MaxOffsetMinutes, MaxOffsetMinutes, it.OffsetMinutes)
	}
	if it.DurationMinutes < 0 || it.DurationMinutes > MaxDurationMinutes {
		p.add("duration_minutes", "the duration must be 0 to %d minutes, not %d", MaxDurationMinutes, it.DurationMinutes)
	}
	if it.XP != nil && (*it.XP < 0 || *it.XP > MaxXP) {
		p.add("xp", "xp must be 0 to %d, not %d", MaxXP, *it.XP)
	}
	switch it.Missed {
	case "", MissedDrop, MissedCarryOver:
	default:
		p.add("missed", "%q is not a policy: use drop or carry_over", string(it.Missed))
	}
	if !it.ActiveFrom.IsZero() && !it.ActiveFrom.IsValid() {
		p.add("active_from", "%s is not a date", it.ActiveFrom)
	}
	if !it.ActiveUntil.IsZero() && !it.ActiveUntil.IsValid() {
		p.add("active_until", "%s is not a date", it.ActiveUntil)
	}
	if !it.ActiveFrom.IsZero() && !it.ActiveUntil.IsZero() && it.ActiveUntil.Before(it.ActiveFrom) {
		p.add("active_until", "active_until %s is before active_from %s", it.ActiveUntil, it.ActiveFrom)
	}
	return p.err()
}

// titleStats returns, in one pass, the number of characters of s, whether
// it is valid UTF-8 and whether it is empty or only spaces, tabs and line
// breaks.
func titleStats(s string) (n int, valid, blank bool) {
	valid, blank = true, true
	for i := 0; i < len(s); n++ {
		c := s[i]
		if c < utf8.RuneSelf {
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				blank = false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			valid = false
		}
		blank = false
		i += size
	}
	return n, valid, blank
}

// Validate reports a bad anchor as [*ValidationError] values for fields
// "anchor.type" and "anchor.time".
func (a Anchor) Validate() error {
	var p problems
	a.validate(&p)
	return p.err()
}

func (a *Anchor) validate(p *problems) {
	switch a.Type {
	case AnchorFixed:
		if !a.Time.IsValid() {
			p.add("anchor.time", "%02d:%02d is not a time of day", a.Time.Hour, a.Time.Minute)
		}
		if len(a.Times) == 0 {
			break
		}
		if a.Time != (civil.Clock{}) {
			p.add("anchor.time", "use time for one time of day, or times for several, not both")
		}
		switch {
		case len(a.Times) == 1:
			p.add("anchor.times", "times holds two or more times of day; use time for one")
		case len(a.Times) > MaxSlots:
			p.add("anchor.times", "at most %d times a day, not %d", MaxSlots, len(a.Times))
		}
		for i, c := range a.Times {
			switch {
			case !c.IsValid():
				p.add(fmt.Sprintf("anchor.times[%d]", i), "%02d:%02d is not a time of day", c.Hour, c.Minute)
			case i > 0 && c.Minutes() <= a.Times[i-1].Minutes():
				p.add(fmt.Sprintf("anchor.times[%d]", i), "%s does not come after %s: list the times in order, each once", c, a.Times[i-1])
			}
		}
	case AnchorWake, AnchorBedtime:
		if a.Time != (civil.Clock{}) {
			p.add("anchor.time", "a %s anchor takes no time: it follows the person's %s", a.Type, a.Type)
		}
		if len(a.Times) > 0 {
			p.add("anchor.times", "a %s anchor takes no times: several times a day need a fixed anchor", a.Type)
		}
	case "":
		p.add("anchor.type", "an anchor type is required: fixed, wake or bedtime")
	default:
		p.add("anchor.type", "%q is not an anchor type: use fixed, wake or bedtime", string(a.Type))
	}
}

// Active reports whether d lies within the item's active dates.
func (it Item) Active(d civil.Date) bool { return it.active(d) }

func (it *Item) active(d civil.Date) bool {
	if !it.ActiveFrom.IsZero() && d.Before(it.ActiveFrom) {
		return false
	}
	if !it.ActiveUntil.IsZero() && d.After(it.ActiveUntil) {
		return false
	}
	return true
}

// DueOn reports whether the item is due on date d for a person who lives in
// loc (nil means UTC): it is active then and its schedule is due.
//
// The zone matters only for a rule whose UNTIL has a time of day. RFC 5545
// bounds a rule with a zoned DTSTART by the instant of each occurrence, and
// so does an item: with a fixed anchor an occurrence is at its start, the
// anchor's wall clock on its date in loc plus the offset, and it is due when
// that is not after UNTIL (FREQ=DAILY;UNTIL=19971224T000000Z at 09:00 in New
// York ends on 12-23, as 12-24 09:00 EST is after UNTIL). A wake or bedtime
// anchor has no fixed wall clock, and the wake time a ring measures must not
// change which dates were due, so for such an item UNTIL bounds by date: the
// last date due is the date UNTIL falls on in loc. A floating UNTIL (no Z)
// is compared with the start's wall clock the same way, and a date UNTIL
// with the date.
func (it Item) DueOn(d civil.Date, loc *time.Location) bool {
	return it.Active(d) && it.Schedule.dueOn(d, it.placement(loc))
}

// NextDue returns the first date on or after from on which the item is due
// for a person who lives in loc (see [Item.DueOn]), and false when there is
// none.
func (it Item) NextDue(from civil.Date, loc *time.Location) (civil.Date, bool) {
	if !it.ActiveFrom.IsZero() && from.Before(it.ActiveFrom) {
		from = it.ActiveFrom
	}
	d, ok := it.Schedule.nextDue(from, it.placement(loc))
	if !ok || !it.Active(d) {
		return civil.Date{}, false
	}
	return d, true
}

// placement places the item's dates in loc: at its anchor's wall clock plus
// its offset for a fixed anchor, by date for wake and bedtime.
func (it *Item) placement(loc *time.Location) placement {
	a := &it.Anchor
	switch {
	case a.Type != AnchorFixed:
		return placement{loc: locOrUTC(loc), clock: -1}
	case len(a.Times) > 0:
		pl := placement{loc: locOrUTC(loc), clock: a.Times[0].Minutes(), offset: it.OffsetMinutes}
		pl.times = a.appendClocks(nil)
		return pl
	default:
		return placement{loc: locOrUTC(loc), clock: a.Time.Minutes(), offset: it.OffsetMinutes}
	}
}

// Anchors are the person's wake time and bedtime for one feed date. Actual
// instants win over the defaults: the Service passes the wake and bedtime
// Oura recorded when it has them, and the person's default clocks always.
type Anchors struct {
	// Wake is the actual wake instant of the feed date; zero when unknown.
	Wake time.Time
	// Bedtime is the actual bedtime that ends the feed date; zero when
	// unknown.
	Bedtime time.Time
	// DefaultWake and DefaultBedtime are the person's usual clocks. A
	// default bedtime earlier on the clock than the default wake time (00:30
	// against 07:00) falls on the next calendar date but still ends this
	// feed day.
	DefaultWake    civil.Clock
	DefaultBedtime civil.Clock
}

// check reports default clocks that are not times of day and actual
// instants that cannot be wake or bedtime of feed date d, under prefix
// ("anchors" or "previous").
func (a Anchors) check(p *problems, prefix string, d civil.Date) {
	for _, x := range []struct {
		field string
		t     time.Time
	}{{"wake", a.Wake}, {"bedtime", a.Bedtime}} {
		if !x.t.IsZero() && !nearDay(x.t, d) {
			p.add(prefix+"."+x.field, "%s cannot be the %s of %s", x.t.Format(time.RFC3339), x.field, d)
		}
	}
	for _, x := range []struct {
		field string
		c     civil.Clock
	}{{"default_wake", a.DefaultWake}, {"default_bedtime", a.DefaultBedtime}} {
		if !x.c.IsValid() {
			p.add(prefix+"."+x.field, "%02d:%02d is not a time of day", x.c.Hour, x.c.Minute)
		}
	}
}

// Instant returns the instant of anchor a on feed date d in loc: a fixed
// clock resolved with [Resolve] (the first of its Times, when it has
// several), or the actual wake or bedtime when known, else the default
// resolved the same way.
func (a Anchors) Instant(anchor Anchor, d civil.Date, loc *time.Location) time.Time {
	switch anchor.Type {
	case AnchorWake:
		if !a.Wake.IsZero() {
			return a.Wake.In(locOrUTC(loc))
		}
		return Resolve(d, a.DefaultWake, loc)
	case AnchorBedtime:
		if !a.Bedtime.IsZero() {
			return a.Bedtime.In(locOrUTC(loc))
		}
		if a.DefaultBedtime.Minutes() < a.DefaultWake.Minutes() {
			return Resolve(d.AddDays(1), a.DefaultBedtime, loc)
		}
		return Resolve(d, a.DefaultBedtime, loc)
	default:
		if len(anchor.Times) > 0 {
			return Resolve(d, anchor.Times[0], loc)
		}
		return Resolve(d, anchor.Time, loc)
	}
}

func locOrUTC(loc *time.Location) *time.Location {
	if loc == nil {
		return time.UTC
	}
	return loc
}

// Occurrence is one instance of an item: the item on one feed date, in
// one slot of that date, with its start and end instants. (ItemID, Date,
// Slot) is its key; events refer to it by that key.
//
// Most items happen once a day, in slot 0. An item due several times a day
// (an anchor with Times, or a rule with BYHOUR or BYMINUTE at a fixed
// anchor) has one occurrence per time, numbered from 0 in the order of the
// day's times; each is completed, skipped or postponed on its own. The
// number is the time's place in the day, not the time itself, so the
// events of a day keep their occurrences when a time is moved (09:00 to
// 09:30 stays slot 0), and a time added or removed renumbers the ones after
// it.
type Occurrence struct {
	ItemID uuid.UUID
	// Date is the feed date the occurrence belongs to: the date of its
	// anchor, even when Start falls on the next calendar date (wake at 23:30
	// plus 90 minutes is 01:00 the next day, in this date's feed).
	Date civil.Date
	// Slot is the occurrence's place among the item's occurrences on Date,
	// from 0.
	Slot  int
	Start time.Time
	End   time.Time
}

// Occurrence returns the item's first occurrence on feed date d (slot 0;
// see [Item.Occurrences] for all of them), and false when the item is not
// due on d or d does not exist in loc (Pacific/Apia skipped 2011-12-30).
// Start is the anchor's instant plus OffsetMinutes of elapsed time; End is
// DurationMinutes later. Both are expressed in loc.
func (it Item) Occurrence(d civil.Date, a Anchors, loc *time.Location) (Occurrence, bool) {
	occs := it.Occurrences(d, a, loc)
	if len(occs) == 0 {
		return Occurrence{}, false
	}
	return occs[0], true
}

// Occurrences returns the item's occurrences on feed date d in the order of
// their slots (one for most items), and nil when the item is not due on d
// or d does not exist in loc. Each starts at one of the day's times, as
// [Item.Occurrence] says, and an UNTIL with a time of day can end the day
// between two of them.
func (it Item) Occurrences(d civil.Date, a Anchors, loc *time.Location) []Occurrence {
	if !d.IsValid() || !DayExists(d, loc) {
		return nil
	}
	cd := calDayOf(d)
	var rule *compiledRule
	var kindDue bool
	if it.Schedule.Type == ScheduleRRule {
		var err error
		if rule, err = compileSchedule(&it.Schedule, it.placement(loc)); err != nil {
			return nil
		}
		kindDue = rule.dueOnDay(cd)
	} else {
		kindDue = it.Schedule.dueOnDay(cd)
	}
	return it.occurrences(cd, it.slotClocks(nil, cd, rule, kindDue), a, loc)
}

// slotClocks appends to dst the wall clocks, in minutes, of the item's
// occurrences on d in slot order, and returns nil when it has none; -1
// stands for the instant of a wake or bedtime anchor. kindDue says whether
// the schedule's kind (its rule, compiled into rule, for an rrule) selects
// d; the item's active dates and the except and extra dates are applied
// here. An extra date has the anchor's times.
func (it *Item) slotClocks(dst []int, d calDay, rule *compiledRule, kindDue bool) []int {
	s := &it.Schedule
	if !it.active(d.date) || inDates(s.ExceptDates, d.date) {
		return nil
	}
	if !kindDue {
		if !inDates(s.ExtraDates, d.date) {
			return nil
		}
		return it.Anchor.appendClocks(dst)
	}
	if rule != nil && rule.timed {
		return rule.slots(dst, d.n)
	}
	start := len(dst)
	dst = it.Anchor.appendClocks(dst)
	if rule != nil && d.n == rule.last && len(dst)-start > 1 {
		// UNTIL can fall between the anchor's times on the rule's last date.
		kept := dst[:start]
		for _, m := range dst[start:] {
			if rule.pl.allows(&rule.bound, d.n, m) {
				kept = append(kept, m)
			}
		}
		dst = kept
	}
	return dst
}

// occurrences builds the occurrences of the item on d at the wall clocks
// (minutes, -1 for the anchor's instant) of its slots.
func (it *Item) occurrences(d calDay, clocks []int, a Anchors, loc *time.Location) []Occurrence {
	if len(clocks) == 0 {
		return nil
	}
	out := make([]Occurrence, len(clocks))
	for i, m := range clocks {
		var at time.Time
		if m < 0 {
			at = a.Instant(it.Anchor, d.date, loc)
		} else {
			at = Resolve(d.date, civil.ClockFromMinutes(m), loc)
		}
		start := at.Add(time.Duration(it.OffsetMinutes) * time.Minute)
		out[i] = Occurrence{ItemID: it.ID, Date: d.date, Slot: i, Start: start, End: start.Add(time.Duration(it.DurationMinutes) * time.Minute)}
	}
	return out
}
