package timeline

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// Status is where a feed entry stands. The values are the words of the
// "status" field of an entry's JSON form.
type Status string

// The statuses.
const (
	// StatusPending: still to do, and its end has not passed yet.
	StatusPending Status = "pending"
	// StatusOverdue: still to do, and its end has passed (or it was
	// carried over from the previous feed day).
	StatusOverdue Status = "overdue"
	// StatusCompleted: done.
	StatusCompleted Status = "completed"
	// StatusSkipped: skipped this time.
	StatusSkipped Status = "skipped"
	// StatusPostponed: moved. Either to a later instant of this feed day
	// and not yet due there (Start is the new start), or away to another
	// date (PostponedTo says which; the entry then shows only in the
	// expanded view).
	StatusPostponed Status = "postponed"
)

// View selects which entries a feed holds.
type View string

// The views; the values are the words of the "view" query parameter.
const (
	// ViewDefault is what still needs the person's attention: overdue
	// entries first, then the pending and postponed ones still to come, each
	// group by start.
	ViewDefault View = "default"
	// ViewExpanded is every entry of the day, whatever its status, by start.
	ViewExpanded View = "expanded"
)

// ParseView parses "default", "expanded" or "" (the default view). Any other
// value is a [*ValidationError] for field "view".
func ParseView(s string) (View, error) {
	switch View(s) {
	case "", ViewDefault:
		return ViewDefault, nil
	case ViewExpanded:
		return ViewExpanded, nil
	}
	return "", invalid("view", "%q is not a view: use default or expanded", s)
}

// FeedInput is everything the feed for one date depends on. [BuildFeed] does
// no I/O and reads no clock: the caller passes now.
type FeedInput struct {
	// Date is the feed date.
	Date civil.Date
	// Location is the person's zone; every instant is computed and
	// expressed in it.
	Location *time.Location
	// Now decides what is overdue.
	Now time.Time
	// View selects the entries; empty means ViewDefault.
	View View
	// Items are the person's items; inactive or not-due ones simply yield
	// nothing.
	Items []Item
	// Events are the events of occurrences whose date lies in
	// [EventWindow](Date), in the order they were recorded. Events of items
	// not in Items are ignored.
	Events []Event
	// Anchors are the wake time and bedtime of Date.
	Anchors Anchors
	// Previous are the anchors of the previous feed day, used to place its
	// missed occurrences that a carry_over item shows today. The zero value
	// means "no actual times known": Anchors' default clocks are used.
	Previous Anchors
	// Plans, when set, hold the items made ready earlier with [Item.Plan],
	// by index: Plans[i] for Items[i]. The feed then uses the rule a plan
	// compiled instead of compiling it again, which a caller that already
	// asked about many dates saves. Optional, and so is every entry: a nil
	// plan, or one whose schedule, anchor, offset or zone is not that of
	// Items[i] in Location, is ignored.
	Plans []*Plan
}

// Entry is one line of the feed: an occurrence with its status.
type Entry struct {
	ItemID uuid.UUID `json:"item_id"`
	Title  string    `json:"title"`
	Kind   Kind      `json:"kind"`
	// Start and End are instants in the feed's zone.
	Start  time.Time `json:"start"`
	End    time.Time `json:"end"`
	Status Status    `json:"status"`
	Anchor Anchor    `json:"anchor"`
	// Date is the feed date the occurrence belongs to, its key for events.
	// It differs from the feed's date for a carried-over or moved-in entry.
	Date civil.Date `json:"date"`
	// Slot is the occurrence's slot on Date (see [Occurrence]), the rest of
	// its key: 0, and left out of the JSON, for an item due once a day.
	Slot int `json:"slot,omitempty"`
	// CarriedOver marks a missed occurrence of the previous feed day.
	CarriedOver bool `json:"carried_over,omitempty"`
	// PostponedFrom is set on an occurrence moved to this date from Date.
	PostponedFrom civil.Date `json:"postponed_from,omitzero"`
	// PostponedTo is set on an occurrence moved away to that date.
	PostponedTo civil.Date `json:"postponed_to,omitzero"`
	// CompletedAt is the completion instant of a completed entry.
	CompletedAt time.Time `json:"completed_at,omitzero"`
	// Reason is the note of a skipped entry.
	Reason string `json:"reason,omitempty"`
	// XP is the item's XP value, if it has one.
	XP *int `json:"xp,omitempty"`
}

// Feed is the timeline of one date. Its JSON form is the body the example
// server answers GET /v1/me/timeline with.
type Feed struct {
	Date     civil.Date `json:"date"`
	Timezone string     `json:"timezone"`
	View     View       `json:"view"`
	Entries  []Entry    `json:"entries"`
}

// occKey is an occurrence's key, item ID, day number and slot, as integers
// that compare quickly.
type occKey struct {
	hi, lo    uint64
	day, slot int32
}

func keyOf(id uuid.UUID, day, slot int) occKey {
	return occKey{binary.BigEndian.Uint64(id[:8]), binary.BigEndian.Uint64(id[8:]), int32(day), int32(slot)}
}

func (k occKey) compare(o occKey) int {
	if c := cmp.Compare(k.hi, o.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(k.lo, o.lo); c != 0 {
		return c
	}
	if c := cmp.Compare(k.day, o.day); c != 0 {
		return c
	}
	return cmp.Compare(k.slot, o.slot)
}

// BuildFeed returns the feed for in.Date. Every item due on the date yields
// an entry at its anchor plus offset; a postponed occurrence shows at its new
// start, or on the date it moved to; an open occurrence of a carry_over item
// from the previous feed day shows as overdue. Entries are ordered by start,
// then by occurrence date, title and item ID, so the order is stable.
//
// Invalid input returns [*ValidationError] values (matching [ErrInvalid])
// with fields "date", "timezone", "now", "view", "anchors.<field>",
// "previous.<field>", "items[i].<field>" and "events[i].<field>". A date the zone skipped whole (Pacific/Apia,
// 2011-12-30) is invalid: it has no feed.
func BuildFeed(in FeedInput) (Feed, error) {
	view, rules, err := in.check()
	if err != nil {
		return Feed{}, err
	}
	b := newBuilder(in, rules)
	return Feed{
		Date:     in.Date,
		Timezone: in.Location.String(),
		View:     view,
		Entries:  b.build(view),
	}, nil
}

// check validates the input and compiles the rules of its rrule items, which
// it returns by item index (nil for other items).
func (in *FeedInput) check() (View, []*compiledRule, error) {
	var p problems
	switch {
	case in.Date.IsZero():
		p.add("date", "a feed needs a date")
	case !in.Date.IsValid():
		p.add("date", "%s is not a date", in.Date)
	}
	if in.Location == nil {
		p.add("timezone", "a feed needs the person's time zone")
	}
	if in.Now.IsZero() {
		p.add("now", "a feed needs the current instant")
	}
	view, err := ParseView(string(in.View))
	if err != nil {
		p = append(p, err)
	}
	if len(p) == 0 && !DayExists(in.Date, in.Location) {
		p.add("date", "%s did not happen in %s: the zone skipped that day", in.Date, in.Location)
	}
	if in.Date.IsValid() {
		in.Anchors.check(&p, "anchors", in.Date)
		in.Previous.check(&p, "previous", previousFeedDay(in.Date, in.Location))
	}
	rules := compileItems(in.Items, in.Plans, in.Location, &p)
	for i, e := range in.Events {
		if err := e.Validate(); err != nil {
			for _, fe := range FieldErrors(err) {
				p.addMessage(fmt.Sprintf("events[%d].%s", i, fe.Field), fe.Reason)
			}
		}
	}
	return view, rules, p.err()
}

// compileItems checks every item, reporting problems under "items[i]", and
// compiles the rules of the rrule items into one block, or takes them from
// their plans. It returns the rules by item index, or nil when no item has
// one.
func compileItems(items []Item, plans []*Plan, loc *time.Location, p *problems) []*compiledRule {
	var rules []*compiledRule
	var block []compiledRule
	for i := range items {
		// An item is checked as Item.Validate checks it, and its rule is
		// compiled once, by the check, or taken from its plan.
		it := &items[i]
		var rule *compiledRule
		if it.Schedule.Type == ScheduleRRule {
			if rules == nil {
				rules = make([]*compiledRule, len(items))
				n := 0
				for j := i; j < len(items); j++ {
					if items[j].Schedule.Type == ScheduleRRule {
						n++
					}
				}
				block = make([]compiledRule, n)
			}
			pl := it.placement(loc)
			if i < len(plans) && plans[i] != nil && plans[i].cal.rule != nil && sameSchedule(&plans[i].cal.s, &it.Schedule) && plans[i].cal.pl.same(pl) {
				rule = plans[i].cal.rule
			} else {
				rule = &block[0]
				// An error is reported by the check below.
				_ = rule.compile(&it.Schedule, pl)
			}
			block = block[1:]
		}
		err := it.check(rule)
		if rule != nil && err == nil {
			rules[i] = rule
		}
		for _, fe := range FieldErrors(err) {
			p.addMessage(fmt.Sprintf("items[%d].%s", i, fe.Field), fe.Reason)
		}
	}
	return rules
}

type builder struct {
	in        FeedInput
	loc       *time.Location
	prev      civil.Date
	prevOK    bool
	cal       [2]calDay  // the feed date and prev
	stateList []occState // by key
	rules     []*compiledRule
	ruleDue   []uint8 // per rrule item: bit 0 = due on the date, bit 1 = due on prev
	slotBuf   []int
	byID      map[uuid.UUID]int
	drafts    []draft
	days      [2]dayResolver // the feed date and the previous feed day
}

// dayResolver resolves the wall clocks of one date. When no UTC offset
// change lies within a day and a window of that date, every wall clock of it
// is plain arithmetic; otherwise it defers to resolveWall.
type dayResolver struct {
	date     civil.Date
	loc      *time.Location
	uniform  bool
	offset   int64
	midnight int64 // the date's 00:00 as floating seconds
	anchors  Anchors
	wake     time.Time
	bedtime  time.Time
	haveWake bool
	haveBed  bool
}

func newDayResolver(d civil.Date, loc *time.Location, a Anchors) dayResolver {
	r := dayResolver{date: d, loc: loc, midnight: wallSeconds(d, 0), anchors: a}
	r.offset, r.uniform = uniformOffset(r.midnight, loc)
	return r
}

// uniformOffset reports whether every wall clock of the day that starts at
// floating second dayStart maps to exactly one instant with one UTC offset,
// and returns that offset. It holds when the zone period P that contains
// the day's midnight also contains its end, and the neighbouring periods
// (each at least a search window long) cannot produce any wall clock of the
// day: then Resolve is plain arithmetic for the whole day.
func uniformOffset(dayStart int64, loc *time.Location) (int64, bool) {
	dayEnd := dayStart + 86400
	_, guess := time.Unix(dayStart, 0).In(loc).Zone()
	t := time.Unix(dayStart-int64(guess), 0).In(loc)
	_, o := t.Zone()
	if o != guess {
		return 0, false
	}
	off := int64(o)
	ps, pe := t.ZoneBounds()
	if !ps.IsZero() {
		q := time.Unix(ps.Unix()-1, 0).In(loc)
		_, qOff := q.Zone()
		qs, _ := q.ZoneBounds()
		if dayStart < ps.Unix()+int64(qOff) || (!qs.IsZero() && qs.Unix() > ps.Unix()-window) {
			return 0, false
		}
	}
	if !pe.IsZero() {
		if pe.Unix() < dayEnd-off {
			return 0, false
		}
		r := time.Unix(pe.Unix(), 0).In(loc)
		_, rOff := r.Zone()
		_, re := r.ZoneBounds()
		if dayEnd > pe.Unix()+int64(rOff) || (!re.IsZero() && re.Unix() < pe.Unix()+window) {
			return 0, false
		}
	}
	return off, true
}

func (r *dayResolver) at(c civil.Clock) time.Time {
	if r.uniform {
		return time.Unix(r.midnight+int64(c.Minutes())*60-r.offset, 0).In(r.loc)
	}
	return resolveWall(r.midnight+int64(c.Minutes())*60, r.loc).Time
}

// instant is Anchors.Instant with the day's wake and bedtime worked out once.
func (r *dayResolver) instant(a Anchor) time.Time {
	switch a.Type {
	case AnchorWake:
		if !r.haveWake {
			r.wake, r.haveWake = r.anchors.Instant(a, r.date, r.loc), true
		}
		return r.wake
	case AnchorBedtime:
		if !r.haveBed {
			r.bedtime, r.haveBed = r.anchors.Instant(a, r.date, r.loc), true
		}
		return r.bedtime
	default:
		return r.at(a.Time)
	}
}

func newBuilder(in FeedInput, rules []*compiledRule) *builder {
	b := &builder{in: in, loc: in.Location, rules: rules}
	b.prev = previousFeedDay(in.Date, b.loc)
	b.cal = [2]calDay{calDayOf(in.Date), calDayOf(b.prev)}
	b.prevOK = b.prev.IsValid()
	if in.Previous == (Anchors{}) {
		b.in.Previous = Anchors{DefaultWake: in.Anchors.DefaultWake, DefaultBedtime: in.Anchors.DefaultBedtime}
	}
	b.days[0] = newDayResolver(in.Date, b.loc, in.Anchors)
	b.days[1] = newDayResolver(b.prev, b.loc, b.in.Previous)
	if rules != nil {
		b.ruleDue = make([]uint8, len(in.Items))
		for i, c := range rules {
			if c == nil {
				continue
			}
			if c.builtin != nil || c.counted {
				// A rule a built-in kind expresses answers in constant
				// time, and one with a COUNT from its walk.
				for k, d := range b.cal {
					if c.dueOnDay(d) {
						b.ruleDue[i] |= 1 << k
					}
				}
				continue
			}
			// One walk of the rule answers both dates.
			for _, x := range c.dueBetween(b.prev, in.Date) {
				switch x {
				case in.Date:
					b.ruleDue[i] |= 1
				case b.prev:
					b.ruleDue[i] |= 2
				}
			}
		}
	}
	b.drafts = make([]draft, 0, len(in.Items)+8)
	b.foldEvents()
	return b
}

// previousFeedDay is the feed day before d: d-1, or d-2 when loc skipped
// d-1 whole.
func previousFeedDay(d civil.Date, loc *time.Location) civil.Date {
	prev := d.AddDays(-1)
	if !DayExists(prev, loc) {
		prev = prev.AddDays(-1)
	}
	return prev
}

// foldEvents folds the events of the occurrences whose dates lie in the
// feed's event window (stateList is then ordered by key, for state to
// search).
func (b *builder) foldEvents() {
	from, to := EventWindow(b.in.Date)
	lo, hi := from.Days(), to.Days()
	b.stateList = fold(b.in.Events, func(e *Event) bool {
		day := e.Date.Days()
		return day >= lo && day <= hi
	})
}

// outcome is the type of the completion or skip in force of st, or "" when
// the occurrence is open.
func (b *builder) outcome(st *occState) EventType {
	if st.settle < 0 {
		return ""
	}
	return b.in.Events[st.settle].Type
}

// movedTo is the new start of a postponed occurrence; zero when it keeps
// its own start (or is not postponed).
func (b *builder) movedTo(st *occState) time.Time {
	if st.post < 0 {
		return time.Time{}
	}
	return b.in.Events[st.post].To
}

// slots returns the wall clocks, in minutes, of item i's occurrences on the
// feed date (k = 0) or the previous feed day (k = 1), one a slot, in
// order; -1 stands for a wake or bedtime anchor's instant. The result is
// reused by the next call.
func (b *builder) slots(i, k int) []int {
	it := &b.in.Items[i]
	d := b.cal[k]
	var rule *compiledRule
	var kindDue bool
	if it.Schedule.Type == ScheduleRRule {
		rule, kindDue = b.rules[i], b.ruleDue[i]&(1<<k) != 0
	} else {
		kindDue = it.Schedule.dueOnDay(d)
	}
	out := it.slotClocks(b.slotBuf[:0], d, rule, kindDue)
	if cap(out) > cap(b.slotBuf) {
		b.slotBuf = out[:0]
	}
	return out
}

// clockOf returns the wall clock, in minutes (-1 for a wake or bedtime
// anchor's instant), of slot slot of item i on day number day: the time an
// occurrence moved to another date without a new start keeps.
func (b *builder) clockOf(i int, day int32, slot int) int {
	it := &b.in.Items[i]
	d := calDayOf(b.dateOf(day))
	var rule *compiledRule
	var kindDue bool
	if it.Schedule.Type == ScheduleRRule {
		if rule = b.rules[i]; rule != nil {
			kindDue = rule.dueOnDay(d)
		}
	} else {
		kindDue = it.Schedule.dueOnDay(d)
	}
	clocks := it.slotClocks(nil, d, rule, kindDue)
	if slot >= len(clocks) {
		clocks = it.Anchor.appendClocks(nil) // no such slot that day: the anchor's times
	}
	return clocks[min(slot, len(clocks)-1)]
}

// draft is an entry before it is written out: small and free of pointers,
// so sorting and filtering it is cheap.
type draft struct {
	sec    int64 // start, Unix seconds
	nsec   int32
	item   int32 // index into Items
	state  int32 // index into stateList, or -1
	date   int32 // occurrence key date, as civil day number
	other  int32 // PostponedTo or PostponedFrom date, per flags
	slot   uint8 // occurrence key slot
	status uint8
	flags  uint8
}

const (
	flagCarried uint8 = 1 << iota
	flagPostponedTo
	flagPostponedFrom
)

// Status codes of a draft, in the order of statusWords.
const (
	stPending uint8 = iota
	stOverdue
	stCompleted
	stSkipped
	stPostponed
)

func statusWord(c uint8) Status {
	switch c {
	case stOverdue:
		return StatusOverdue
	case stCompleted:
		return StatusCompleted
	case stSkipped:
		return StatusSkipped
	case stPostponed:
		return StatusPostponed
	}
	return StatusPending
}

func (x *draft) start() time.Time { return time.Unix(x.sec, int64(x.nsec)) }

func (b *builder) build(view View) []Entry {
	d := b.in.Date
	for i := range b.in.Items {
		for slot, m := range b.slots(i, 0) {
			b.addOwn(i, slot, m)
		}
		if b.prevOK && b.in.Items[i].Missed == MissedCarryOver {
			for slot, m := range b.slots(i, 1) {
				b.addCarried(i, b.day(1), slot, m)
			}
		}
	}
	// Occurrences moved in: to this date, or to the previous feed day and
	// missed there (carried over).
	movedAway := false
	for j := range b.stateList {
		movedAway = movedAway || !b.stateList[j].toDate.IsZero()
	}
	if movedAway {
		b.byID = make(map[uuid.UUID]int, len(b.in.Items))
		for i, it := range b.in.Items {
			b.byID[it.ID] = i
		}
		for j := range b.stateList {
			st := &b.stateList[j]
			if st.toDate.IsZero() {
				continue
			}
			i, ok := b.byID[st.itemID]
			if !ok {
				continue
			}
			switch {
			case st.toDate == d:
				b.addMovedIn(i, int32(j))
			case b.prevOK && st.toDate == b.prev && b.in.Items[i].Missed == MissedCarryOver:
				b.addCarried(i, st.key.day, st.slot, b.clockOf(i, st.key.day, st.slot))
			}
		}
	}
	return b.write(b.selectView(b.order(), view))
}

// day is the day number of the feed date (k = 0) or of prev (k = 1).
func (b *builder) day(k int) int32 { return int32(b.cal[k].n) }

// dateOf returns the date with day number n; most entries belong to the
// feed date or the previous feed day, which it knows without arithmetic.
func (b *builder) dateOf(n int32) civil.Date {
	for _, c := range b.cal {
		if int32(c.n) == n {
			return c.date
		}
	}
	return civil.FromDays(int(n))
}

// write turns the drafts of ord, in that order, into entries.
func (b *builder) write(ord []int32) []Entry {
	out := make([]Entry, len(ord))
	for k, i := range ord {
		x := &b.drafts[i]
		it := &b.in.Items[x.item]
		start := x.start().In(b.loc)
		e := &out[k]
		e.ItemID = it.ID
		e.Title = it.Title
		e.Kind = it.Kind
		e.Start = start
		e.End = start.Add(time.Duration(it.DurationMinutes) * time.Minute)
		e.Status = statusWord(x.status)
		e.Anchor = it.Anchor
		e.Date = b.dateOf(x.date)
		e.Slot = int(x.slot)
		e.CarriedOver = x.flags&flagCarried != 0
		if x.flags&flagPostponedTo != 0 {
			e.PostponedTo = civil.FromDays(int(x.other))
		}
		if x.flags&flagPostponedFrom != 0 {
			e.PostponedFrom = civil.FromDays(int(x.other))
		}
		if x.state >= 0 {
			st := &b.stateList[x.state]
			switch x.status {
			case stCompleted:
				e.CompletedAt = b.in.Events[st.settle].At.In(b.loc)
			case stSkipped:
				e.Reason = b.in.Events[st.settle].Reason
			}
		}
		e.XP = it.XP
	}
	return out
}

// start is the planned start of item it on the feed date (k = 0) or the
// previous feed day (k = 1) at wall clock m (minutes; -1 for its wake or
// bedtime anchor's instant), plus its offset.
func (b *builder) start(it *Item, k, m int) time.Time {
	var at time.Time
	if m < 0 {
		at = b.days[k].instant(it.Anchor)
	} else {
		at = b.days[k].at(civil.ClockFromMinutes(m))
	}
	return at.Add(time.Duration(it.OffsetMinutes) * time.Minute)
}

// state returns the index in stateList of the occurrence of item id on day
// number day in slot slot, or -1 when it has no events.
func (b *builder) state(id uuid.UUID, day int32, slot int) int32 {
	if len(b.stateList) == 0 {
		return -1
	}
	k := keyOf(id, int(day), slot)
	j := sort.Search(len(b.stateList), func(j int) bool { return b.stateList[j].key.compare(k) >= 0 })
	if j == len(b.stateList) || b.stateList[j].key != k {
		return -1
	}
	return int32(j)
}

// add appends a draft of item i starting at start, for the occurrence with
// key day number day and slot slot.
func (b *builder) add(i int, start time.Time, day int32, slot int, state int32) *draft {
	b.drafts = append(b.drafts, draft{
		sec: start.Unix(), nsec: int32(start.Nanosecond()),
		item: int32(i), state: state, date: day, slot: uint8(slot),
	})
	return &b.drafts[len(b.drafts)-1]
}

// addOwn adds the occurrence of item i on the feed date in slot slot, at
// wall clock m.
func (b *builder) addOwn(i, slot, m int) {
	it := &b.in.Items[i]
	planned := b.start(it, 0, m)
	j := b.state(it.ID, b.day(0), slot)
	if j >= 0 {
		if st := &b.stateList[j]; !st.toDate.IsZero() {
			x := b.add(i, planned, b.day(0), slot, j)
			x.status, x.flags, x.other = stPostponed, flagPostponedTo, int32(st.toDate.Days())
			return
		}
	}
	start, status := b.applyState(it, planned, j)
	b.add(i, start, b.day(0), slot, j).status = status
}

// addMovedIn adds an occurrence moved to the feed date from its own date;
// without a new start it keeps its wall clock there.
func (b *builder) addMovedIn(i int, j int32) {
	it := &b.in.Items[i]
	st := &b.stateList[j]
	start, status := b.applyState(it, b.start(it, 0, b.clockOf(i, st.key.day, st.slot)), j)
	if status == stPostponed {
		// Once moved in, it is simply due here; PostponedFrom tells its
		// story.
		status = stPending
	}
	x := b.add(i, start, st.key.day, st.slot, j)
	x.status, x.flags, x.other = status, flagPostponedFrom, st.key.day
}

// addCarried adds an open occurrence of item i with key day number day and
// slot slot, at wall clock m, that belonged to the previous feed day and was
// missed there: the previous feed day's own occurrence (day is b.day(1)),
// or one moved to that day.
func (b *builder) addCarried(i int, day int32, slot, m int) {
	it := &b.in.Items[i]
	j := b.state(it.ID, day, slot)
	var st *occState
	if j >= 0 {
		st = &b.stateList[j]
	}
	own := day == b.day(1)
	if own && st != nil && !st.toDate.IsZero() {
		return // moved away; it lives wherever it moved to
	}
	if st != nil && (b.outcome(st) == EventCompleted || b.outcome(st) == EventSkipped) {
		return
	}
	start := b.start(it, 1, m)
	if st != nil {
		if to := b.movedTo(st); !to.IsZero() {
			start = to
		}
	}
	if !b.in.Now.After(start.Add(time.Duration(it.DurationMinutes) * time.Minute)) {
		return // not missed yet: it is still upcoming in its own feed
	}
	x := b.add(i, start, day, slot, j)
	x.status, x.flags = stOverdue, flagCarried
	if !own {
		x.flags |= flagPostponedFrom
		x.other = day
	}
}

// applyState returns the start and status of an occurrence from its events.
func (b *builder) applyState(it *Item, start time.Time, j int32) (time.Time, uint8) {
	var st *occState
	if j >= 0 {
		st = &b.stateList[j]
	}
	if st != nil {
		if to := b.movedTo(st); !to.IsZero() {
			start = to
		}
	}
	end := start.Add(time.Duration(it.DurationMinutes) * time.Minute)
	switch {
	case st != nil && b.outcome(st) == EventCompleted:
		return start, stCompleted
	case st != nil && b.outcome(st) == EventSkipped:
		return start, stSkipped
	case b.in.Now.After(end):
		return start, stOverdue
	case st != nil && st.moved():
		return start, stPostponed
	default:
		return start, stPending
	}
}

// order returns the indexes of the drafts ordered by start, then occurrence
// date, title and item ID. It sorts integer keys (start second above the
// index) and settles ties among equal seconds with the full comparison,
// which keeps the common case free of function calls and the drafts where
// they are.
func (b *builder) order() []int32 {
	ds := b.drafts
	ord := make([]int32, len(ds))
	if len(ds) == 0 {
		return ord
	}
	lo, hi := ds[0].sec, ds[0].sec
	for i := range ds {
		lo, hi = min(lo, ds[i].sec), max(hi, ds[i].sec)
	}
	byDraft := func(x, y int32) int { return b.compare(&ds[x], &ds[y]) }
	// The key packs the second above 20 bits of index: it needs fewer than
	// 2^20 drafts and a span of seconds under 2^43.
	if len(ds) >= 1<<20 || uint64(hi-lo) >= 1<<43 {
		for i := range ord {
			ord[i] = int32(i)
		}
		slices.SortFunc(ord, byDraft)
		return ord
	}
	keys := make([]uint64, len(ds))
	for i := range ds {
		keys[i] = uint64(ds[i].sec-lo)<<20 | uint64(i)
	}
	slices.Sort(keys)
	for i, k := range keys {
		ord[i] = int32(k & (1<<20 - 1))
	}
	for i := 0; i < len(ord); {
		j := i + 1
		for j < len(ord) && ds[ord[j]].sec == ds[ord[i]].sec {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(ord[i:j], byDraft)
		}
		i = j
	}
	return ord
}

// compare orders drafts by start, then occurrence date, title and item ID.
func (b *builder) compare(x, y *draft) int {
	switch {
	case x.sec != y.sec:
		return cmp.Compare(x.sec, y.sec)
	case x.nsec != y.nsec:
		return cmp.Compare(x.nsec, y.nsec)
	case x.date != y.date:
		return cmp.Compare(x.date, y.date)
	}
	a, c := &b.in.Items[x.item], &b.in.Items[y.item]
	if a.Title != c.Title {
		if a.Title < c.Title {
			return -1
		}
		return 1
	}
	return bytes.Compare(a.ID[:], c.ID[:])
}

// selectView returns the drafts of ord (indexes into b.drafts, in order)
// that view v shows.
func (b *builder) selectView(ord []int32, v View) []int32 {
	if v == ViewExpanded {
		return ord
	}
	out := make([]int32, 0, len(ord))
	for _, i := range ord {
		if b.drafts[i].status == stOverdue {
			out = append(out, i)
		}
	}
	for _, i := range ord {
		if x := &b.drafts[i]; x.status == stPending || (x.status == stPostponed && x.flags&flagPostponedTo == 0) {
			out = append(out, i)
		}
	}
	return out
}
