package timeline

import (
	"bytes"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// Status is where a feed entry stands. The values are the words of the
// "status" field of HTTP_API.md.
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

// Feed is the timeline of one date. Its JSON form is the response of
// GET /v1/me/timeline in HTTP_API.md.
type Feed struct {
	Date     civil.Date `json:"date"`
	Timezone string     `json:"timezone"`
	View     View       `json:"view"`
	Entries  []Entry    `json:"entries"`
}

// occState is the outcome of an occurrence's events.
type occState struct {
	last   EventType // completed, skipped, postponed, or "" (open)
	at     time.Time // instant of the last completion
	reason string
	moved  bool // a postponement is in force
	to     time.Time
	toDate civil.Date
	itemID uuid.UUID
	date   civil.Date
	// stack holds the indexes of the events in force, oldest first: an
	// undo pops the last one.
	stack []int32
	small [4]int32
}

type occKey struct {
	id   uuid.UUID
	date civil.Date
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
	var rules []*compiledRule
	for i, it := range in.Items {
		// Items are validated in full when saved; here the shape is enough
		// (the rrule "does it ever happen" walk is skipped), and a rule is
		// parsed once, by compiling it.
		err := it.check(false)
		if it.Schedule.Type == ScheduleRRule && err == nil {
			var c *compiledRule
			if c, err = compileSchedule(it.Schedule); err == nil {
				if rules == nil {
					rules = make([]*compiledRule, len(in.Items))
				}
				rules[i] = c
			}
		}
		for _, fe := range FieldErrors(err) {
			p.add(fmt.Sprintf("items[%d].%s", i, fe.Field), "%s", fe.Message)
		}
	}
	for i, e := range in.Events {
		if err := e.Validate(); err != nil {
			for _, fe := range FieldErrors(err) {
				p.add(fmt.Sprintf("events[%d].%s", i, fe.Field), "%s", fe.Message)
			}
		}
	}
	if err := p.err(); err != nil {
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

type builder struct {
	in        FeedInput
	loc       *time.Location
	prev      civil.Date
	prevOK    bool
	states    map[occKey]int32 // index into stateList
	stateList []occState
	rules     []*compiledRule
	ruleDue   []uint8 // per rrule item: bit 0 = due on the date, bit 1 = due on prev
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

// foldEvents applies the events of each occurrence in order.
func (b *builder) foldEvents() {
	from, to := EventWindow(b.in.Date)
	for i, e := range b.in.Events {
		if e.Date.Before(from) || e.Date.After(to) {
			continue
		}
		if b.states == nil {
			b.states = make(map[occKey]int32, len(b.in.Events))
			b.stateList = make([]occState, 0, len(b.in.Events))
		}
		k := occKey{e.ItemID, e.Date}
		j, ok := b.states[k]
		if !ok {
			j = int32(len(b.stateList))
			b.stateList = append(b.stateList, occState{itemID: e.ItemID, date: e.Date})
			b.states[k] = j
			st := &b.stateList[j]
			st.stack = st.small[:0]
		}
		st := &b.stateList[j]
		if e.Type == EventUndone {
			if n := len(st.stack); n > 0 {
				st.stack = st.stack[:n-1]
			}
			continue
		}
		st.stack = append(st.stack, int32(i))
	}
	for j := range b.stateList {
		st := &b.stateList[j]
		for _, i := range st.stack {
			e := &b.in.Events[i]
			st.last = e.Type
			switch e.Type {
			case EventCompleted:
				st.at = e.At
			case EventSkipped:
				st.reason = e.Reason
			case EventPostponed:
				st.moved, st.to, st.toDate = true, e.To, e.ToDate
				if st.toDate == st.date {
					st.toDate = civil.Date{}
				}
			}
		}
	}
}

func (b *builder) due(i int, d civil.Date) bool {
	it := b.in.Items[i]
	if !it.Active(d) {
		return false
	}
	if it.Schedule.Type == ScheduleRRule {
		switch d {
		case b.in.Date:
			return b.ruleDue[i]&1 != 0
		case b.prev:
			return b.ruleDue[i]&2 != 0
		}
		return false
	}
	return it.Schedule.dueBuiltin(d)
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
		if b.due(i, d) {
			b.addOwn(i, d)
		}
		if b.prevOK && b.in.Items[i].Missed == MissedCarryOver && b.due(i, b.prev) {
			b.addCarried(i, b.prev, b.prev)
		}
	}
	// Occurrences moved in: to this date, or to the previous feed day and
	// missed there (carried over).
	movedAway := false
	for j := range b.stateList {
		movedAway = movedAway || (b.stateList[j].moved && !b.stateList[j].toDate.IsZero())
	}
	if movedAway {
		b.byID = make(map[uuid.UUID]int, len(b.in.Items))
		for i, it := range b.in.Items {
			b.byID[it.ID] = i
		}
		for j := range b.stateList {
			st := &b.stateList[j]
			if !st.moved || st.toDate.IsZero() {
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
				b.addCarried(i, st.date, b.prev)
			}
		}
	}
	b.sort()
	return b.write(selectView(b.drafts, view))
}

// write turns drafts into entries.
func (b *builder) write(ds []draft) []Entry {
	out := make([]Entry, len(ds))
	for k := range ds {
		x := &ds[k]
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
		e.Date = civil.FromDays(int(x.date))
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
				e.CompletedAt = st.at.In(b.loc)
			case stSkipped:
				e.Reason = st.reason
			}
		}
		e.XP = it.XP
	}
	return out
}

// occurrence places item it on date d with the resolver of day k (0 for the
// feed date, 1 for the previous feed day).
func (b *builder) occurrence(it *Item, k int, d civil.Date) Occurrence {
	start := b.days[k].instant(it.Anchor).Add(time.Duration(it.OffsetMinutes) * time.Minute)
	return Occurrence{ItemID: it.ID, Date: d, Start: start, End: start.Add(time.Duration(it.DurationMinutes) * time.Minute)}
}

func (b *builder) state(id uuid.UUID, d civil.Date) int32 {
	if b.states == nil {
		return -1
	}
	j, ok := b.states[occKey{id, d}]
	if !ok {
		return -1
	}
	return j
}

func (b *builder) add(i int, start time.Time, key civil.Date, state int32) *draft {
	b.drafts = append(b.drafts, draft{
		sec: start.Unix(), nsec: int32(start.Nanosecond()),
		item: int32(i), state: state, date: int32(key.Days()),
	})
	return &b.drafts[len(b.drafts)-1]
}

// addOwn adds the occurrence of item i on the feed date.
func (b *builder) addOwn(i int, d civil.Date) {
	it := &b.in.Items[i]
	o := b.occurrence(it, 0, d)
	j := b.state(it.ID, d)
	if j >= 0 {
		if st := &b.stateList[j]; st.moved && !st.toDate.IsZero() {
			x := b.add(i, o.Start, d, j)
			x.status, x.flags, x.other = stPostponed, flagPostponedTo, int32(st.toDate.Days())
			return
		}
	}
	start, status := b.applyState(it, o.Start, j)
	b.add(i, start, d, j).status = status
}

// addMovedIn adds an occurrence moved to the feed date from its own date.
func (b *builder) addMovedIn(i int, j int32) {
	it := &b.in.Items[i]
	st := &b.stateList[j]
	o := b.occurrence(it, 0, b.in.Date)
	start, status := b.applyState(it, o.Start, j)
	if status == stPostponed {
		// Once moved in, it is simply due here; PostponedFrom tells its
		// story.
		status = stPending
	}
	x := b.add(i, start, st.date, j)
	x.status, x.flags, x.other = status, flagPostponedFrom, int32(st.date.Days())
}

// addCarried adds an open occurrence with key date key that belonged to the
// previous feed day and was missed there.
func (b *builder) addCarried(i int, key, shownOn civil.Date) {
	it := &b.in.Items[i]
	j := b.state(it.ID, key)
	var st *occState
	if j >= 0 {
		st = &b.stateList[j]
	}
	if key == shownOn && st != nil && st.moved && !st.toDate.IsZero() {
		return // moved away; it lives wherever it moved to
	}
	if st != nil && (st.last == EventCompleted || st.last == EventSkipped) {
		return
	}
	start := b.occurrence(it, 1, shownOn).Start
	if st != nil && st.moved && !st.to.IsZero() {
		start = st.to
	}
	if !b.in.Now.After(start.Add(time.Duration(it.DurationMinutes) * time.Minute)) {
		return // not missed yet: it is still upcoming in its own feed
	}
	x := b.add(i, start, key, j)
	x.status, x.flags = stOverdue, flagCarried
	if key != shownOn {
		x.flags |= flagPostponedFrom
		x.other = int32(key.Days())
	}
}

// applyState returns the start and status of an occurrence from its events.
func (b *builder) applyState(it *Item, start time.Time, j int32) (time.Time, uint8) {
	var st *occState
	if j >= 0 {
		st = &b.stateList[j]
	}
	if st != nil && st.moved && !st.to.IsZero() {
		start = st.to
	}
	end := start.Add(time.Duration(it.DurationMinutes) * time.Minute)
	switch {
	case st != nil && st.last == EventCompleted:
		return start, stCompleted
	case st != nil && st.last == EventSkipped:
		return start, stSkipped
	case b.in.Now.After(end):
		return start, stOverdue
	case st != nil && st.moved:
		return start, stPostponed
	default:
		return start, stPending
	}
}

// sort orders the drafts by start, then occurrence date, title and item
// ID. It sorts integer keys (start second and index) and settles ties among
// equal seconds with the full comparison, which keeps the common case free
// of function calls.
func (b *builder) sort() {
	ds := b.drafts
	if len(ds) < 2 {
		return
	}
	lo, hi := ds[0].sec, ds[0].sec
	for i := range ds {
		lo, hi = min(lo, ds[i].sec), max(hi, ds[i].sec)
	}
	// The key packs the second above 20 bits of index: it needs fewer than
	// 2^20 drafts and a span of seconds under 2^43.
	if len(ds) >= 1<<20 || uint64(hi-lo) >= 1<<43 {
		slices.SortFunc(ds, b.compare)
		return
	}
	keys := make([]uint64, len(ds))
	for i := range ds {
		keys[i] = uint64(ds[i].sec-lo)<<20 | uint64(i)
	}
	slices.Sort(keys)
	sorted := make([]draft, len(ds))
	for i, k := range keys {
		sorted[i] = ds[k&(1<<20-1)]
	}
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j].sec == sorted[i].sec {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(sorted[i:j], b.compare)
		}
		i = j
	}
	b.drafts = sorted
}

// compare orders drafts by start, then occurrence date, title and item ID.
func (b *builder) compare(x, y draft) int {
	switch {
	case x.sec != y.sec:
		return cmpInt64(x.sec, y.sec)
	case x.nsec != y.nsec:
		return cmpInt64(int64(x.nsec), int64(y.nsec))
	case x.date != y.date:
		return cmpInt64(int64(x.date), int64(y.date))
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

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func selectView(all []draft, v View) []draft {
	if v == ViewExpanded {
		return all
	}
	out := make([]draft, 0, len(all))
	for _, x := range all {
		if x.status == stOverdue {
			out = append(out, x)
		}
	}
	for _, x := range all {
		if x.status == stPending || (x.status == stPostponed && x.flags&flagPostponedTo == 0) {
			out = append(out, x)
		}
	}
	return out
}
