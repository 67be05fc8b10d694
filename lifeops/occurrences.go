package lifeops

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// ---- the feed

// Feed returns the timeline of one of the person's days in view (empty means
// the default view): each occurrence at its instant in the person's zone,
// anchored to the day's measured wake time and bedtime when known, else the
// profile's. A zero date means the person's current day. Feed only reads,
// from one snapshot.
func (s *Service) Feed(ctx context.Context, userID uuid.UUID, d civil.Date, view timeline.View) (timeline.Feed, error) {
	if _, err := timeline.ParseView(string(view)); err != nil {
		return timeline.Feed{}, translate(err)
	}
	days := possibleDays(s.now())
	if !d.IsZero() {
		if !d.IsValid() {
			return timeline.Feed{}, invalid("date", "must be a real date")
		}
		days = Span{From: d, To: d}
	}
	q := SnapshotQuery{
		Days:   []Span{{From: days.From.AddDays(-2), To: days.To.AddDays(1)}},
		Events: []Span{{From: days.From.AddDays(-2), To: days.To}}, // the previous feed day's carry over
	}
	h, err := s.snapshot(ctx, s.store, userID, q)
	if err != nil {
		return timeline.Feed{}, err
	}
	if d.IsZero() {
		d = h.today
	}
	return s.feed(h, d, view)
}

// feed builds the feed of day d from h.
func (s *Service) feed(h *history, d civil.Date, view timeline.View) (timeline.Feed, error) {
	prev := d.AddDays(-1)
	if !h.dayExists(prev) {
		prev = prev.AddDays(-1)
	}
	f, err := timeline.BuildFeed(timeline.FeedInput{
		Date: d, Location: h.locOn(d), Now: s.now(), View: view,
		Items: h.timelineItems(), Plans: h.timelinePlans(), Events: h.timelineEvents(timeline.EventWindow(d)),
		Anchors: h.anchors(d), Previous: h.anchors(prev),
	})
	if err != nil {
		return timeline.Feed{}, translate(err)
	}
	if f.Entries == nil {
		f.Entries = []timeline.Entry{}
	}
	return f, nil
}

// ---- complete, skip, postpone, undo

// Outcome is the state of an occurrence after a complete, skip, postpone or
// undo, and what the request earned. Repeating a request returns the same
// Event, Award and Entry; NewAchievements lists only the achievements that
// this very call unlocked.
type Outcome struct {
	ItemID          uuid.UUID       `json:"item_id"`
	Date            civil.Date      `json:"date"`
	Slot            int             `json:"slot,omitempty"`            // the occurrence's slot on Date
	Events          []Event         `json:"events"`                    // the occurrence's events as stored now
	Entry           *timeline.Entry `json:"entry,omitempty"`           // the occurrence in the expanded feed of its day
	Award           *XPEntry        `json:"award,omitempty"`           // the completion's XP, while completed
	XP              XPStatus        `json:"xp"`                        // the person's XP and level now
	Streak          *score.Streak   `json:"streak,omitempty"`          // the item's streak now
	NewAchievements []Achievement   `json:"new_achievements,omitzero"` // unlocked by this call
}

// occurrence loads the person, in the unit of work, for an operation on the
// occurrence in slot of itemID on day d (the person's current day when d is
// zero), and checks that the item is theirs, that the day has begun, and
// that the item is due on it in that slot. It returns the occurrence.
func (u *unit) occurrence(ctx context.Context, itemID uuid.UUID, d civil.Date, slot int) (*history, *itemPlan, occKey, error) {
	k := occKey{ItemID: itemID, Date: d, Slot: slot}
	if !d.IsZero() && !d.IsValid() {
		return nil, nil, k, invalid("date", "must be a real date")
	}
	if slot < 0 || slot >= timeline.MaxSlots {
		return nil, nil, k, invalid("slot", "must be between 0 and %d, got %d", timeline.MaxSlots-1, slot)
	}
	h, err := u.load(ctx, d)
	if err != nil {
		return nil, nil, k, err
	}
	if d.IsZero() {
		k.Date = h.today
	}
	it, ok := h.byID[itemID]
	if !ok {
		return nil, nil, k, Errorf(CodeNotFound, "Item not found.")
	}
	if k.Date.After(h.today) {
		return nil, nil, k, invalid("date", "%s has not begun yet: today is %s", k.Date, h.today)
	}
	slots := h.slots(it, k.Date)
	switch {
	case len(slots) == 0:
		return nil, nil, k, invalid("date", "%q is not due on %s", it.Title, k.Date)
	case slot >= len(slots):
		return nil, nil, k, invalid("slot", "%q is due %d times on %s: slot %d does not exist", it.Title, len(slots), k.Date, slot)
	}
	return h, it, k, nil
}

// record adds e to h as if it had been loaded.
func (h *history) record(e Event) {
	h.wholeDay, h.firstOK, h.folded = nil, false, nil
	h.events = append(h.events, e)
}

// forget removes the events of kinds on occurrence k from h.
func (h *history) forget(k occKey, kinds ...EventKind) {
	h.wholeDay, h.firstOK, h.folded = nil, false, nil
	h.events = slices.DeleteFunc(slices.Clone(h.events), func(e Event) bool {
		return e.ItemID == k.ItemID && e.Date == k.Date && e.Slot == k.Slot && slices.Contains(kinds, e.Kind)
	})
}

// Complete marks the occurrence of the item on day d (its scheduled day),
// in slot (its place among the item's occurrences that day: 0 for an item
// due once a day), as done now and awards its XP: the item's difficulty or
// own XP, with bonuses for being on time and for the item's streak. In the
// same unit of work it scores the day again, settles the day's bonuses and
// unlocks any achievement now earned.
//
// Complete is idempotent: completing a completed occurrence changes nothing
// and awards nothing, however many requests run at once. A skipped
// occurrence is ErrConflict (undo the skip first). Days after the person's
// current day, and days or slots the item is not due on, are ErrInvalid. A
// zero d means the person's current day.
func (s *Service) Complete(ctx context.Context, userID, itemID uuid.UUID, d civil.Date, slot int) (Outcome, error) {
	var out Outcome
	err := s.update(ctx, userID, func(u *unit) error {
		h, it, k, err := u.occurrence(ctx, itemID, d, slot)
		if err != nil {
			return err
		}
		switch h.outcome(k) {
		case EventCompleted:
			out, err = u.unchanged(it, k)
			return err
		case EventSkipped:
			return Errorf(CodeConflict, "%q was skipped on %s; undo the skip to complete it.", it.Title, k.Date)
		}
		now := s.now()
		e, err := u.addEvent(ctx, Event{ID: uuid.New(), UserID: userID, ItemID: itemID, Date: k.Date, Slot: k.Slot, Kind: EventCompleted, At: now, CreatedAt: now})
		if err != nil {
			return err
		}
		streak := h.itemStreak(u.st, it)
		a, err := score.CompletionAward(score.Completion{ItemID: it.ID.String(), Date: k.Date, Slot: k.Slot,
			Difficulty: it.Difficulty, BasePoints: it.XP, OnTime: h.onTime(it, k, e.At), Streak: streak.Current})
		if err != nil {
			return translate(err)
		}
		a.Reason = completionReason(it.Title, it.ID, a.Reason)
		u.addXP(s.xpEntry(userID, a))
		st, err := u.recount()
		if err != nil {
			return err
		}
		s.log.InfoContext(ctx, "completed", "user_id", userID, "item_id", itemID, "date", k.Date, "slot", k.Slot)
		out, err = u.outcome(st, it, k)
		return err
	})
	return out, err
}

// addEvent stores e, which the unit's history says the occurrence has no
// event of its role for, and records it in the history.
func (u *unit) addEvent(ctx context.Context, e Event) (Event, error) {
	if err := e.Validate(); err != nil {
		return Event{}, err
	}
	stored, created, err := u.tx.AddEvent(ctx, e)
	if err != nil {
		return Event{}, fmt.Errorf("record %s: %w", e.Kind, err)
	}
	if !created {
		// Only a write outside the Service's units of work can get here.
		return Event{}, Errorf(CodeConflict, "The occurrence was changed by another request; try again.")
	}
	u.h.record(stored)
	return stored, nil
}

// unchanged reports occurrence k of it as it stands, for a request that
// changes nothing.
func (u *unit) unchanged(it *itemPlan, k occKey) (Outcome, error) {
	st := u.st.clone()
	if err := u.h.countTo(st); err != nil {
		return Outcome{}, err
	}
	return u.outcome(st, it, k)
}

// completionReason is the ledger reason of a completion: the score
// package's reason with the item named by its title, not its id, the title
// cut short with "…" where the whole would not fit the ledger's limit.
func completionReason(title string, itemID uuid.UUID, reason string) string {
	rest := strings.TrimPrefix(reason, "completed "+itemID.String())
	runes := []rune(title)
	for cut := len(runes); ; cut-- {
		name := string(runes[:cut])
		if cut < len(runes) {
			name += "…"
		}
		if s := "Completed " + strconv.Quote(name) + rest; len(s) <= MaxXPReasonLen || cut == 0 {
			return s
		}
	}
}

// Skip marks the occurrence of the item on day d, in slot, as skipped,
// with an optional reason. A skip is neutral: it neither breaks nor extends
// a streak, and the day's habits score leaves the occurrence out. Skip is
// idempotent; a completed occurrence is ErrConflict (undo it first). A
// zero d means the person's current day.
func (s *Service) Skip(ctx context.Context, userID, itemID uuid.UUID, d civil.Date, slot int, reason string) (Outcome, error) {
	var out Outcome
	err := s.update(ctx, userID, func(u *unit) error {
		h, it, k, err := u.occurrence(ctx, itemID, d, slot)
		if err != nil {
			return err
		}
		now := s.now()
		ev := Event{ID: uuid.New(), UserID: userID, ItemID: itemID, Date: k.Date, Slot: k.Slot, Kind: EventSkipped, At: now, Reason: reason, CreatedAt: now}
		if err := ev.Validate(); err != nil {
			return err
		}
		switch h.outcome(k) {
		case EventSkipped:
			out, err = u.unchanged(it, k)
			return err
		case EventCompleted:
			return Errorf(CodeConflict, "%q was completed on %s; undo the completion to skip it.", it.Title, k.Date)
		}
		if _, err := u.addEvent(ctx, ev); err != nil {
			return err
		}
		st, err := u.recount()
		if err != nil {
			return err
		}
		out, err = u.outcome(st, it, k)
		return err
	})
	return out, err
}

// Postponement says where a postponed occurrence goes; set exactly one
// field. The HTTP API's {"to": instant} is To, {"minutes": n} is Minutes.
type Postponement struct {
	// To is the new start. When it falls on a later day of the person's,
	// the occurrence moves to that day's feed.
	To time.Time `json:"to,omitzero"`
	// Minutes moves the start that many minutes after the planned start
	// (1 to 1440). Repeating the request does not move it further.
	Minutes int `json:"minutes,omitempty"`
	// ToDate moves the occurrence to a later day, at the item's own time
	// on that day.
	ToDate civil.Date `json:"to_date,omitzero"`
}

// Postpone moves the occurrence of the item on day d, in slot, to a later
// instant or day, at most timeline.MaxPostponeDays days after d; the series
// does not move. Postponing again to the same place changes nothing; to
// another place replaces the postponement. A completed or skipped
// occurrence is ErrConflict. A zero d means the person's current day.
func (s *Service) Postpone(ctx context.Context, userID, itemID uuid.UUID, d civil.Date, slot int, to Postponement) (Outcome, error) {
	var out Outcome
	err := s.update(ctx, userID, func(u *unit) error {
		h, it, k, err := u.occurrence(ctx, itemID, d, slot)
		if err != nil {
			return err
		}
		st := h.state(k)
		if kind := st.Outcome(); kind != "" {
			return Errorf(CodeConflict, "%q is already %s on %s; undo it to postpone it.", it.Title, kind, k.Date)
		}
		ev, err := s.postponement(h, it, k, to)
		if err != nil {
			return err
		}
		if old := st.Postponed; old.Type == timeline.EventPostponed {
			if old.To.Equal(ev.To) && old.ToDate == ev.ToDate {
				out, err = u.unchanged(it, k)
				return err
			}
			if _, err := u.tx.DeleteEvent(ctx, userID, itemID, k.Date, k.Slot, EventPostponed); err != nil {
				return fmt.Errorf("replace postponement: %w", err)
			}
			h.forget(k, EventPostponed)
		}
		if _, err := u.addEvent(ctx, ev); err != nil {
			return err
		}
		now, err := u.recount()
		if err != nil {
			return err
		}
		out, err = u.outcome(now, it, k)
		return err
	})
	return out, err
}

// postponement builds and checks the postponed event for to.
func (s *Service) postponement(h *history, it *itemPlan, k occKey, to Postponement) (Event, error) {
	d := k.Date
	set := 0
	for _, b := range []bool{!to.To.IsZero(), to.Minutes != 0, !to.ToDate.IsZero()} {
		if b {
			set++
		}
	}
	if set != 1 {
		return Event{}, invalid("to", "set exactly one of to, minutes and to_date")
	}
	occ, ok := h.occurrence(it, k)
	if !ok {
		return Event{}, invalid("date", "%q is not due on %s", it.Title, d)
	}
	now := s.now()
	ev := Event{ID: uuid.New(), UserID: h.ID, ItemID: it.ID, Date: d, Slot: k.Slot, Kind: EventPostponed, At: now, CreatedAt: now}
	switch {
	case to.Minutes != 0:
		if to.Minutes < 1 || to.Minutes > timeline.MaxOffsetMinutes {
			return Event{}, invalid("minutes", "must be between 1 and %d, got %d", timeline.MaxOffsetMinutes, to.Minutes)
		}
		ev.To = occ.Start.Add(time.Duration(to.Minutes) * time.Minute)
	case !to.To.IsZero():
		if !to.To.After(occ.Start) {
			return Event{}, invalid("to", "must be after the planned start (%s)", occ.Start.Format(time.RFC3339))
		}
		ev.To = to.To
	default:
		ev.ToDate = to.ToDate
	}
	if !ev.To.IsZero() {
		ev.To = ev.To.Truncate(time.Microsecond)
		if day := h.dayOf(ev.To); day.After(d) {
			ev.ToDate = day
		}
	}
	if err := translate(toTimelineEvent(ev).Validate()); err != nil {
		return Event{}, err
	}
	if err := ev.Validate(); err != nil {
		return Event{}, err
	}
	return ev, nil
}

// Undo takes back every event of the occurrence of the item on day d, in
// slot: the completion or skip and any postponement, and the completion's
// XP. In the same unit of work the day is scored again and its bonuses
// settled; achievements, once unlocked, stay. Undoing an occurrence with no
// events changes nothing. A zero d means the person's current day.
func (s *Service) Undo(ctx context.Context, userID, itemID uuid.UUID, d civil.Date, slot int) (Outcome, error) {
	if !d.IsZero() && !d.IsValid() {
		return Outcome{}, invalid("date", "must be a real date")
	}
	if slot < 0 || slot >= timeline.MaxSlots {
		return Outcome{}, invalid("slot", "must be between 0 and %d, got %d", timeline.MaxSlots-1, slot)
	}
	var out Outcome
	err := s.update(ctx, userID, func(u *unit) error {
		h, err := u.load(ctx, d)
		if err != nil {
			return err
		}
		if d.IsZero() {
			d = h.today
		}
		it, ok := h.byID[itemID]
		if !ok {
			return Errorf(CodeNotFound, "Item not found.")
		}
		k := occKey{ItemID: itemID, Date: d, Slot: slot}
		var kinds []EventKind
		for _, e := range h.events {
			if e.ItemID == k.ItemID && e.Date == k.Date && e.Slot == k.Slot {
				kinds = append(kinds, e.Kind)
			}
		}
		if len(kinds) == 0 {
			out, err = u.unchanged(it, k)
			return err
		}
		for _, kind := range kinds {
			if _, err := u.tx.DeleteEvent(ctx, userID, itemID, k.Date, k.Slot, kind); err != nil {
				return fmt.Errorf("undo %s: %w", kind, err)
			}
		}
		h.forget(k, kinds...)
		if e, ok := u.findXP(d, score.CompletionKey(itemID.String(), d, slot)); ok {
			u.removeXP(e)
		}
		st, err := u.recount()
		if err != nil {
			return err
		}
		s.log.InfoContext(ctx, "undone", "user_id", userID, "item_id", itemID, "date", d, "slot", slot, "events", len(kinds))
		out, err = u.outcome(st, it, k)
		return err
	})
	return out, err
}

// outcome reports occurrence k of it as the unit leaves it, with st the
// person's standing as of today.
func (u *unit) outcome(st *standing, it *itemPlan, k occKey) (Outcome, error) {
	h := u.h
	out := Outcome{ItemID: it.ID, Date: k.Date, Slot: k.Slot, Events: []Event{}, NewAchievements: u.unlocked}
	for _, e := range h.events {
		if e.ItemID == k.ItemID && e.Date == k.Date && e.Slot == k.Slot {
			out.Events = append(out.Events, e)
		}
	}
	if h.outcome(k) == EventCompleted {
		if e, ok := u.findXP(k.Date, score.CompletionKey(it.ID.String(), k.Date, k.Slot)); ok {
			out.Award = &e
		}
	}
	var err error
	if out.XP, err = u.xpStatus(); err != nil {
		return Outcome{}, err
	}
	_, streaks := h.streaks(st)
	streak := streaks[it.ID]
	out.Streak = &streak
	if f, err := u.s.feed(h, k.Date, timeline.ViewExpanded); err == nil {
		for i := range f.Entries {
			if e := f.Entries[i]; e.ItemID == it.ID && e.Date == k.Date && e.Slot == k.Slot {
				out.Entry = &f.Entries[i]
				break
			}
		}
	}
	return out, nil
}
