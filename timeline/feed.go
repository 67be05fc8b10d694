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
	stack  []int // indexes into the events, oldest first
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
// with fields "date", "timezone", "now", "view", "items[i].<field>" and
// "events[i].<field>". A date the zone skipped whole (Pacific/Apia,
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
	for i, it := range in.Items {
		if err := it.Validate(); err != nil {
			for _, fe := range FieldErrors(err) {
				p.add(fmt.Sprintf("items[%d].%s", i, fe.Field), "%s", fe.Message)
			}
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
	b := newBuilder(in)
	entries := b.build()
	return Feed{
		Date:     in.Date,
		Timezone: in.Location.String(),
		View:     view,
		Entries:  selectView(entries, view),
	}, nil
}

type builder struct {
	in      FeedInput
	loc     *time.Location
	prev    civil.Date
	prevOK  bool
	states  map[occKey]*occState
	rules   []*compiledRule
	byID    map[uuid.UUID]int
	entries []Entry
}

func newBuilder(in FeedInput) *builder {
	b := &builder{in: in, loc: in.Location}
	b.prev = in.Date.AddDays(-1)
	if !DayExists(b.prev, b.loc) {
		b.prev = b.prev.AddDays(-1)
	}
	b.prevOK = b.prev.IsValid()
	if in.Previous == (Anchors{}) {
		b.in.Previous = Anchors{DefaultWake: in.Anchors.DefaultWake, DefaultBedtime: in.Anchors.DefaultBedtime}
	}
	b.rules = make([]*compiledRule, len(in.Items))
	for i, it := range in.Items {
		if it.Schedule.Type == ScheduleRRule {
			b.rules[i], _ = compileSchedule(it.Schedule)
		}
	}
	b.foldEvents()
	return b
}

// foldEvents applies the events of each occurrence in order.
func (b *builder) foldEvents() {
	from, to := EventWindow(b.in.Date)
	for i, e := range b.in.Events {
		if e.Date.Before(from) || e.Date.After(to) {
			continue
		}
		if b.states == nil {
			b.states = make(map[occKey]*occState)
		}
		k := occKey{e.ItemID, e.Date}
		st := b.states[k]
		if st == nil {
			st = &occState{itemID: e.ItemID, date: e.Date}
			b.states[k] = st
		}
		if e.Type == EventUndone {
			if n := len(st.stack); n > 0 {
				st.stack = st.stack[:n-1]
			}
			continue
		}
		st.stack = append(st.stack, i)
	}
	for _, st := range b.states {
		st.last, st.moved, st.reason, st.at = "", false, "", time.Time{}
		st.to, st.toDate = time.Time{}, civil.Date{}
		for _, i := range st.stack {
			e := b.in.Events[i]
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
		c := b.rules[i]
		return c != nil && c.dueOn(d)
	}
	return it.Schedule.dueBuiltin(d)
}

func (b *builder) build() []Entry {
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
	if len(b.states) > 0 {
		b.byID = make(map[uuid.UUID]int, len(b.in.Items))
		for i, it := range b.in.Items {
			b.byID[it.ID] = i
		}
		for _, st := range b.states {
			if !st.moved || st.toDate.IsZero() {
				continue
			}
			i, ok := b.byID[st.itemID]
			if !ok {
				continue
			}
			switch {
			case st.toDate == d:
				b.addMovedIn(i, st)
			case b.prevOK && st.toDate == b.prev && b.in.Items[i].Missed == MissedCarryOver:
				b.addCarried(i, st.date, b.prev)
			}
		}
	}
	slices.SortFunc(b.entries, compareEntries)
	return b.entries
}

func (b *builder) state(id uuid.UUID, d civil.Date) *occState {
	if b.states == nil {
		return nil
	}
	return b.states[occKey{id, d}]
}

func (b *builder) entry(it Item, o Occurrence) Entry {
	return Entry{
		ItemID: it.ID,
		Title:  it.Title,
		Kind:   it.Kind,
		Start:  o.Start,
		End:    o.End,
		Anchor: it.Anchor,
		Date:   o.Date,
		XP:     it.XP,
	}
}

// addOwn adds the occurrence of item i on the feed date.
func (b *builder) addOwn(i int, d civil.Date) {
	it := b.in.Items[i]
	o := it.occurrence(d, b.in.Anchors, b.loc)
	e := b.entry(it, o)
	st := b.state(it.ID, d)
	if st != nil && st.moved && !st.toDate.IsZero() {
		e.Status = StatusPostponed
		e.PostponedTo = st.toDate
		b.entries = append(b.entries, e)
		return
	}
	b.applyState(&e, it, st)
	b.entries = append(b.entries, e)
}

// addMovedIn adds an occurrence moved to the feed date from st.date.
func (b *builder) addMovedIn(i int, st *occState) {
	it := b.in.Items[i]
	o := it.occurrence(b.in.Date, b.in.Anchors, b.loc)
	o.Date = st.date
	e := b.entry(it, o)
	e.PostponedFrom = st.date
	b.applyState(&e, it, st)
	if e.Status == StatusPostponed {
		// Once moved in, it is simply due here; PostponedFrom tells its
		// story.
		e.Status = StatusPending
	}
	b.entries = append(b.entries, e)
}

// addCarried adds an open occurrence with key date key that belonged to the
// previous feed day and was missed there.
func (b *builder) addCarried(i int, key, shownOn civil.Date) {
	it := b.in.Items[i]
	st := b.state(it.ID, key)
	if key == shownOn && st != nil && st.moved && !st.toDate.IsZero() {
		return // moved away; it lives wherever it moved to
	}
	if st != nil && (st.last == EventCompleted || st.last == EventSkipped) {
		return
	}
	o := it.occurrence(shownOn, b.in.Previous, b.loc)
	o.Date = key
	if st != nil && st.moved && !st.to.IsZero() {
		o.Start = st.to.In(b.loc)
		o.End = o.Start.Add(time.Duration(it.DurationMinutes) * time.Minute)
	}
	if !b.in.Now.After(o.End) {
		return // not missed yet: it is still upcoming in its own feed
	}
	e := b.entry(it, o)
	e.Status = StatusOverdue
	e.CarriedOver = true
	if key != shownOn {
		e.PostponedFrom = key
	}
	b.entries = append(b.entries, e)
}

// applyState sets the entry's start and status from its events.
func (b *builder) applyState(e *Entry, it Item, st *occState) {
	if st != nil && st.moved && !st.to.IsZero() {
		e.Start = st.to.In(b.loc)
		e.End = e.Start.Add(time.Duration(it.DurationMinutes) * time.Minute)
	}
	switch {
	case st != nil && st.last == EventCompleted:
		e.Status = StatusCompleted
		e.CompletedAt = st.at.In(b.loc)
	case st != nil && st.last == EventSkipped:
		e.Status = StatusSkipped
		e.Reason = st.reason
	case b.in.Now.After(e.End):
		e.Status = StatusOverdue
	case st != nil && st.moved:
		e.Status = StatusPostponed
	default:
		e.Status = StatusPending
	}
}

func compareEntries(a, b Entry) int {
	if c := a.Start.Compare(b.Start); c != 0 {
		return c
	}
	if c := a.Date.Compare(b.Date); c != 0 {
		return c
	}
	if a.Title != b.Title {
		if a.Title < b.Title {
			return -1
		}
		return 1
	}
	return bytes.Compare(a.ItemID[:], b.ItemID[:])
}

func selectView(all []Entry, v View) []Entry {
	if v == ViewExpanded {
		if all == nil {
			return []Entry{}
		}
		return all
	}
	out := make([]Entry, 0, len(all))
	for _, e := range all {
		if e.Status == StatusOverdue {
			out = append(out, e)
		}
	}
	for _, e := range all {
		if e.Status == StatusPending || (e.Status == StatusPostponed && e.PostponedTo.IsZero()) {
			out = append(out, e)
		}
	}
	return out
}
