package lifeops

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// ---- items

// CreateItem validates and stores a new timeline item of the user. A zero
// ID gets a random one; an empty Difficulty becomes easy. Creating an item
// again with the ID and definition of a stored one returns the stored item,
// so a retried request is harmless; another definition under a taken ID is
// ErrConflict.
func (s *Service) CreateItem(ctx context.Context, userID uuid.UUID, it Item) (Item, error) {
	if _, err := s.store.User(ctx, userID); err != nil {
		return Item{}, err
	}
	now := s.now()
	it.UserID, it.CreatedAt, it.UpdatedAt = userID, now, now
	if it.ID == uuid.Nil {
		it.ID = uuid.New()
	}
	if it.Difficulty == "" {
		it.Difficulty = DifficultyEasy
	}
	if err := it.Validate(); err != nil {
		return Item{}, err
	}
	err := s.store.CreateItem(ctx, it)
	if errors.Is(err, ErrConflict) {
		old, gerr := s.store.Item(ctx, userID, it.ID)
		if gerr == nil && sameDefinition(old, it) {
			return old, nil
		}
		return Item{}, Errorf(CodeConflict, "An item with this id exists.")
	}
	if err != nil {
		return Item{}, fmt.Errorf("create item: %w", err)
	}
	return s.store.Item(ctx, userID, it.ID)
}

func sameDefinition(a, b Item) bool {
	ja, err1 := jsonOf(a.Item)
	jb, err2 := jsonOf(b.Item)
	return err1 == nil && err2 == nil && ja == jb && a.Difficulty == b.Difficulty
}

// Item returns one of the user's items, or ErrNotFound.
func (s *Service) Item(ctx context.Context, userID, itemID uuid.UUID) (Item, error) {
	return s.store.Item(ctx, userID, itemID)
}

// Items returns the user's items, oldest first.
func (s *Service) Items(ctx context.Context, userID uuid.UUID) ([]Item, error) {
	if _, err := s.store.User(ctx, userID); err != nil {
		return nil, err
	}
	return s.store.Items(ctx, userID)
}

// ItemUpdate changes some fields of an item; nil fields stay as they are.
// ClearXP removes the item's own XP value, so its difficulty decides.
type ItemUpdate struct {
	Title           *string                `json:"title,omitempty"`
	Kind            *timeline.Kind         `json:"kind,omitempty"`
	Schedule        *timeline.Schedule     `json:"schedule,omitempty"`
	Anchor          *timeline.Anchor       `json:"anchor,omitempty"`
	OffsetMinutes   *int                   `json:"offset_minutes,omitempty"`
	DurationMinutes *int                   `json:"duration_minutes,omitempty"`
	XP              *int                   `json:"xp,omitempty"`
	ClearXP         bool                   `json:"clear_xp,omitempty"`
	Missed          *timeline.MissedPolicy `json:"missed,omitempty"`
	ActiveFrom      *civil.Date            `json:"active_from,omitempty"`
	ActiveUntil     *civil.Date            `json:"active_until,omitempty"`
	Difficulty      *Difficulty            `json:"difficulty,omitempty"`
}

// UpdateItem applies up to the user's item and returns the result. Applying
// the same update twice changes nothing the second time. The new definition
// applies to every day, past ones included, when days are scored again.
func (s *Service) UpdateItem(ctx context.Context, userID, itemID uuid.UUID, up ItemUpdate) (Item, error) {
	it, err := s.store.Item(ctx, userID, itemID)
	if err != nil {
		return Item{}, err
	}
	next := it
	next.Schedule.Days = append([]time.Weekday(nil), it.Schedule.Days...)
	if up.Title != nil {
		next.Title = *up.Title
	}
	if up.Kind != nil {
		next.Kind = *up.Kind
	}
	if up.Schedule != nil {
		next.Schedule = *up.Schedule
	}
	if up.Anchor != nil {
		next.Anchor = *up.Anchor
	}
	if up.OffsetMinutes != nil {
		next.OffsetMinutes = *up.OffsetMinutes
	}
	if up.DurationMinutes != nil {
		next.DurationMinutes = *up.DurationMinutes
	}
	if up.XP != nil && up.ClearXP {
		return Item{}, invalid("xp", "cannot be set and cleared at once")
	}
	if up.XP != nil {
		v := *up.XP
		next.XP = &v
	}
	if up.ClearXP {
		next.XP = nil
	}
	if up.Missed != nil {
		next.Missed = *up.Missed
	}
	if up.ActiveFrom != nil {
		next.ActiveFrom = *up.ActiveFrom
	}
	if up.ActiveUntil != nil {
		next.ActiveUntil = *up.ActiveUntil
	}
	if up.Difficulty != nil {
		next.Difficulty = *up.Difficulty
	}
	if err := next.Validate(); err != nil {
		return Item{}, err
	}
	if sameDefinition(it, next) {
		return it, nil
	}
	next.UpdatedAt = s.now()
	if err := s.store.UpdateItem(ctx, next); err != nil {
		return Item{}, fmt.Errorf("update item: %w", err)
	}
	return s.store.Item(ctx, userID, itemID)
}

// DeleteItem deletes the user's item and its events. XP it earned stays.
func (s *Service) DeleteItem(ctx context.Context, userID, itemID uuid.UUID) error {
	if err := s.store.DeleteItem(ctx, userID, itemID); err != nil {
		return fmt.Errorf("delete item: %w", err)
	}
	return nil
}

// ---- the feed

// Feed returns the timeline of one of the person's days in view (empty means
// the default view): each occurrence at its instant in the person's zone,
// anchored to the day's measured wake time and bedtime when known, else the
// profile's. A zero date means the person's current day.
func (s *Service) Feed(ctx context.Context, userID uuid.UUID, d civil.Date, view timeline.View) (timeline.Feed, error) {
	p, err := s.person(ctx, userID)
	if err != nil {
		return timeline.Feed{}, err
	}
	if d, err = s.dayOrToday(p, d, "date"); err != nil {
		return timeline.Feed{}, err
	}
	if _, err := timeline.ParseView(string(view)); err != nil {
		return timeline.Feed{}, translate(err)
	}
	h, err := s.historyOf(ctx, p, d, d)
	if err != nil {
		return timeline.Feed{}, err
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
	Events          []Event         `json:"events"`                    // the occurrence's events as stored now
	Entry           *timeline.Entry `json:"entry,omitempty"`           // the occurrence in the expanded feed of its day
	Award           *XPEntry        `json:"award,omitempty"`           // the completion's XP, while completed
	XP              XPStatus        `json:"xp"`                        // the person's XP and level now
	Streak          *score.Streak   `json:"streak,omitempty"`          // the item's streak now
	NewAchievements []Achievement   `json:"new_achievements,omitzero"` // unlocked by this call
}

// occurrence loads the history for an operation on the occurrence of
// itemID on day d (the person's current day when d is zero), and checks
// that the occurrence exists and is not in the future. It returns the day.
func (s *Service) occurrence(ctx context.Context, userID, itemID uuid.UUID, d civil.Date) (*history, *itemPlan, civil.Date, error) {
	p, err := s.person(ctx, userID)
	if err != nil {
		return nil, nil, d, err
	}
	if d, err = s.dayOrToday(p, d, "date"); err != nil {
		return nil, nil, d, err
	}
	h, err := s.historyWith(ctx, p, itemID)
	if err != nil {
		return nil, nil, d, err
	}
	it := h.byID[itemID]
	if d.After(h.today) {
		return nil, nil, d, invalid("date", "%s has not begun yet: today is %s", d, h.today)
	}
	if !h.dueOn(it, d) {
		return nil, nil, d, invalid("date", "%q is not due on %s", it.Title, d)
	}
	return h, it, d, nil
}

// historyWith loads the person's whole history, which must hold the item
// itemID: an item the store does not have is its error (ErrNotFound), and
// one created while the history was read is read again with it.
func (s *Service) historyWith(ctx context.Context, p person, itemID uuid.UUID) (*history, error) {
	for range 2 {
		h, err := s.historyOf(ctx, p, civil.Date{}, s.today(p))
		if err != nil {
			return nil, err
		}
		if _, ok := h.byID[itemID]; ok {
			return h, nil
		}
		if _, err := s.store.Item(ctx, p.ID, itemID); err != nil {
			return nil, err
		}
	}
	return nil, Errorf(CodeConflict, "The item is being changed by another request; try again.")
}

// record adds e to h as if it had been loaded.
func (h *history) record(e Event) {
	h.wholeDay, h.firstOK = nil, false
	h.events = append(h.events, e)
	k := occKey{e.ItemID, e.Date}
	st := h.occ[k]
	if st == nil {
		st = &occState{}
		h.occ[k] = st
	}
	if e.Kind == EventPostponed {
		st.postponed = &e
		if !e.ToDate.IsZero() {
			h.movedIn[e.ToDate] = append(h.movedIn[e.ToDate], k)
		}
		return
	}
	st.outcome = &e
}

// forget removes the events of kinds from h.
func (h *history) forget(k occKey, kinds ...EventKind) {
	h.wholeDay, h.firstOK = nil, false
	st := h.occ[k]
	// A new slice: the occurrence states point into the old one, so it
	// must not be filtered in place.
	kept := make([]Event, 0, len(h.events))
	for _, e := range h.events {
		drop := false
		for _, kind := range kinds {
			drop = drop || (e.ItemID == k.item && e.Date == k.date && e.Kind == kind)
		}
		if !drop {
			kept = append(kept, e)
		}
	}
	h.events = kept
	if st == nil {
		return
	}
	for _, kind := range kinds {
		switch {
		case kind == EventPostponed && st.postponed != nil:
			if to := st.postponed.ToDate; !to.IsZero() {
				moved := h.movedIn[to][:0]
				for _, m := range h.movedIn[to] {
					if m != k {
						moved = append(moved, m)
					}
				}
				h.movedIn[to] = moved
			}
			st.postponed = nil
		case kind != EventPostponed && st.outcome != nil && st.outcome.Kind == kind:
			st.outcome = nil
		}
	}
}

// Complete marks the occurrence of the item on day d (its scheduled day) as
// done now and awards its XP: the item's difficulty or own XP, with bonuses
// for being on time and for the item's streak. Then it rescores the day,
// settles the day's bonuses and unlocks any achievement now earned.
//
// Complete is idempotent: completing a completed occurrence changes nothing
// and awards nothing, however many requests run at once. A skipped
// occurrence is ErrConflict (undo the skip first). Days after the person's
// current day, and days the item is not due on, are ErrInvalid. A zero d
// means the person's current day.
func (s *Service) Complete(ctx context.Context, userID, itemID uuid.UUID, d civil.Date) (Outcome, error) {
	h, it, d, err := s.occurrence(ctx, userID, itemID, d)
	if err != nil {
		return Outcome{}, err
	}
	now := s.now()
	e, created, err := s.store.AddEvent(ctx, Event{ID: uuid.New(), UserID: userID, ItemID: itemID, Date: d,
		Kind: EventCompleted, At: now, CreatedAt: now})
	if err != nil {
		return Outcome{}, fmt.Errorf("record completion: %w", err)
	}
	if e.Kind != EventCompleted {
		return Outcome{}, Errorf(CodeConflict, "%q was skipped on %s; undo the skip to complete it.", it.Title, d)
	}
	if created {
		h.record(e)
	} else if st := h.occ[occKey{itemID, d}]; st == nil || st.outcome == nil {
		h.record(e) // completed by a concurrent request after the history was loaded
	}
	streak, err := s.awardCompletion(ctx, h, it, d, e)
	if err != nil {
		return Outcome{}, err
	}
	// An undo that ran between storing the completion and its XP deleted
	// the completion and maybe not yet the XP: take the XP back as that
	// undo meant to, and report the occurrence as it is now.
	if gone, err := s.completionGone(ctx, userID, itemID, d); err != nil || gone {
		if err != nil {
			return Outcome{}, err
		}
		if _, err := s.store.DeleteXP(ctx, userID, score.CompletionKey(itemID.String(), d)); err != nil {
			return Outcome{}, fmt.Errorf("take back completion XP: %w", err)
		}
		if h, err = s.historyOf(ctx, h.person, civil.Date{}, s.today(h.person)); err != nil {
			return Outcome{}, err
		}
		return s.settle(ctx, h, h.item(itemID), d, nil, true)
	}
	if created {
		s.log.InfoContext(ctx, "completed", "user_id", userID, "item_id", itemID, "date", d)
	}
	return s.settle(ctx, h, it, d, &streak, false)
}

// awardCompletion records the XP of the completion e of item it on day d,
// counted over h, which holds e: the base points with the on-time and
// streak bonuses. Recording it again changes nothing. It returns the
// item's streak over h.
func (s *Service) awardCompletion(ctx context.Context, h *history, it *itemPlan, d civil.Date, e Event) (score.Streak, error) {
	streak, err := h.streak(h.itemMarks(it), s.streakRules)
	if err != nil {
		return score.Streak{}, err
	}
	a, err := score.CompletionAward(score.Completion{ItemID: it.ID.String(), Date: d,
		Difficulty: score.Difficulty(it.Difficulty), BasePoints: it.XP, OnTime: h.onTime(it, occKey{it.ID, d}, e.At), Streak: streak.Current})
	if err != nil {
		return score.Streak{}, translate(err)
	}
	a.Reason = completionReason(it.Title, it.ID, a.Reason)
	if _, _, err := s.store.AddXP(ctx, s.xpEntry(h.ID, a)); err != nil {
		return score.Streak{}, fmt.Errorf("award completion: %w", err)
	}
	return streak, nil
}

// completionGone reports whether the store no longer holds a completion of
// the occurrence of itemID on day d.
func (s *Service) completionGone(ctx context.Context, userID, itemID uuid.UUID, d civil.Date) (bool, error) {
	events, err := s.store.Events(ctx, userID, d, d)
	if err != nil {
		return false, fmt.Errorf("load events: %w", err)
	}
	for _, e := range events {
		if e.ItemID == itemID && e.Kind == EventCompleted {
			return false, nil
		}
	}
	return true, nil
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

// Skip marks the occurrence of the item on day d as skipped, with an
// optional reason. A skip is neutral: it neither breaks nor extends a
// streak, and the day's habits score leaves the item out. Skip is
// idempotent; a completed occurrence is ErrConflict (undo it first). A
// zero d means the person's current day.
func (s *Service) Skip(ctx context.Context, userID, itemID uuid.UUID, d civil.Date, reason string) (Outcome, error) {
	h, it, d, err := s.occurrence(ctx, userID, itemID, d)
	if err != nil {
		return Outcome{}, err
	}
	now := s.now()
	ev := Event{ID: uuid.New(), UserID: userID, ItemID: itemID, Date: d, Kind: EventSkipped, At: now, Reason: reason, CreatedAt: now}
	if err := ev.Validate(); err != nil {
		return Outcome{}, err
	}
	e, created, err := s.store.AddEvent(ctx, ev)
	if err != nil {
		return Outcome{}, fmt.Errorf("record skip: %w", err)
	}
	if e.Kind != EventSkipped {
		return Outcome{}, Errorf(CodeConflict, "%q was completed on %s; undo the completion to skip it.", it.Title, d)
	}
	if created || h.occ[occKey{itemID, d}] == nil || h.occ[occKey{itemID, d}].outcome == nil {
		h.record(e)
	}
	return s.settle(ctx, h, it, d, nil, false)
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

// Postpone moves the occurrence of the item on day d to a later instant or
// day, at most timeline.MaxPostponeDays days after d; the series does not
// move. Postponing again to the same place changes nothing; to another
// place replaces the postponement. A completed or skipped occurrence is
// ErrConflict. A zero d means the person's current day.
func (s *Service) Postpone(ctx context.Context, userID, itemID uuid.UUID, d civil.Date, to Postponement) (Outcome, error) {
	h, it, d, err := s.occurrence(ctx, userID, itemID, d)
	if err != nil {
		return Outcome{}, err
	}
	k := occKey{itemID, d}
	if st := h.occ[k]; st != nil && st.outcome != nil {
		return Outcome{}, Errorf(CodeConflict, "%q is already %s on %s; undo it to postpone it.", it.Title, st.outcome.Kind, d)
	}
	ev, err := s.postponement(h, it, d, to)
	if err != nil {
		return Outcome{}, err
	}
	for range 3 { // replace a different postponement; retried if another request wins the slot
		e, created, err := s.store.AddEvent(ctx, ev)
		if err != nil {
			return Outcome{}, fmt.Errorf("record postponement: %w", err)
		}
		if e.Kind != EventPostponed {
			return Outcome{}, Errorf(CodeConflict, "%q is already %s on %s; undo it to postpone it.", it.Title, e.Kind, d)
		}
		if created || (e.To.Equal(ev.To) && e.ToDate == ev.ToDate) {
			h.forget(k, EventPostponed)
			h.record(e)
			return s.settle(ctx, h, it, d, nil, true)
		}
		if _, err := s.store.DeleteEvent(ctx, userID, itemID, d, EventPostponed); err != nil {
			return Outcome{}, fmt.Errorf("replace postponement: %w", err)
		}
	}
	return Outcome{}, Errorf(CodeConflict, "%q is being postponed by another request; try again.", it.Title)
}

// postponement builds and checks the postponed event for to.
func (s *Service) postponement(h *history, it *itemPlan, d civil.Date, to Postponement) (Event, error) {
	set := 0
	for _, b := range []bool{!to.To.IsZero(), to.Minutes != 0, !to.ToDate.IsZero()} {
		if b {
			set++
		}
	}
	if set != 1 {
		return Event{}, invalid("to", "set exactly one of to, minutes and to_date")
	}
	occ, ok := it.plan.Occurrence(d, h.anchors(d), h.locOn(d))
	if !ok {
		return Event{}, invalid("date", "%q is not due on %s", it.Title, d)
	}
	now := s.now()
	ev := Event{ID: uuid.New(), UserID: h.ID, ItemID: it.ID, Date: d, Kind: EventPostponed, At: now, CreatedAt: now}
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

// Undo takes back every event of the occurrence of the item on day d: the
// completion or skip and any postponement, and the completion's XP. The day
// is scored again and its bonuses settled; achievements, once unlocked,
// stay. Undoing an occurrence with no events changes nothing. A zero d
// means the person's current day.
func (s *Service) Undo(ctx context.Context, userID, itemID uuid.UUID, d civil.Date) (Outcome, error) {
	p, err := s.person(ctx, userID)
	if err != nil {
		return Outcome{}, err
	}
	if d, err = s.dayOrToday(p, d, "date"); err != nil {
		return Outcome{}, err
	}
	if _, err := s.store.Item(ctx, userID, itemID); err != nil {
		return Outcome{}, err
	}
	key := score.CompletionKey(itemID.String(), d)
	// The XP goes first and again last: a crash in between, or a
	// concurrent completion, is repaired by repeating the undo.
	if _, err := s.store.DeleteXP(ctx, userID, key); err != nil {
		return Outcome{}, fmt.Errorf("take back completion XP: %w", err)
	}
	removed := 0
	for _, kind := range []EventKind{EventCompleted, EventSkipped, EventPostponed} {
		ok, err := s.store.DeleteEvent(ctx, userID, itemID, d, kind)
		if err != nil {
			return Outcome{}, fmt.Errorf("undo %s: %w", kind, err)
		}
		if ok {
			removed++
		}
	}
	if _, err := s.store.DeleteXP(ctx, userID, key); err != nil {
		return Outcome{}, fmt.Errorf("take back completion XP: %w", err)
	}
	if removed > 0 {
		s.log.InfoContext(ctx, "undone", "user_id", userID, "item_id", itemID, "date", d, "events", removed)
	}
	h, err := s.historyOf(ctx, p, civil.Date{}, s.today(p))
	if err != nil {
		return Outcome{}, err
	}
	it := h.item(itemID)
	if st := h.occ[occKey{itemID, d}]; st != nil && st.outcome != nil && st.outcome.Kind == EventCompleted {
		// A completion that ran between the deletes above came after this
		// undo, and the second delete took its XP: give it back.
		if _, err := s.awardCompletion(ctx, h, it, d, *st.outcome); err != nil {
			return Outcome{}, err
		}
	}
	return s.settle(ctx, h, it, d, nil, true)
}

// settle rescores day d and the day the occurrence of d is on now (moved
// there by a postponement), settles the achievements, and reports the
// occurrence's state. With left, the call may have taken the occurrence off
// a day it had been moved to, which the stored events no longer tell, so
// every day it could have been on is rescored: d through
// timeline.MaxPostponeDays later, up to the person's current day. A retry
// after a crash rescores them too. A non-nil streak is the item's streak
// over h, already counted.
func (s *Service) settle(ctx context.Context, h *history, it *itemPlan, d civil.Date, streak *score.Streak, left bool) (Outcome, error) {
	k := occKey{it.ID, d}
	days := []civil.Date{d}
	if moved := h.occ[k].movedTo(k); moved != d {
		days = append(days, moved)
	}
	if left {
		days = days[:0]
		for day := d; !day.After(d.AddDays(timeline.MaxPostponeDays)); day = day.AddDays(1) {
			days = append(days, day)
		}
	}
	for _, day := range days {
		if !day.After(h.today) {
			if _, _, err := s.scoreDay(ctx, h, day); err != nil {
				return Outcome{}, err
			}
		}
	}
	unlocked, _, err := s.settleAchievements(ctx, h)
	if err != nil {
		return Outcome{}, err
	}
	out := Outcome{ItemID: it.ID, Date: d, Events: []Event{}, NewAchievements: unlocked}
	for _, e := range h.events {
		if e.ItemID == it.ID && e.Date == d {
			out.Events = append(out.Events, e)
		}
	}
	if st := h.occ[k]; st != nil && st.outcome != nil && st.outcome.Kind == EventCompleted {
		entries, err := s.store.XPEntries(ctx, h.ID, XPQuery{From: d, To: d})
		if err != nil {
			return Outcome{}, fmt.Errorf("load XP: %w", err)
		}
		key := score.CompletionKey(it.ID.String(), d)
		for i := range entries {
			if entries[i].Key == key {
				out.Award = &entries[i]
			}
		}
	}
	if out.XP, err = s.xpStatus(ctx, h.ID); err != nil {
		return Outcome{}, err
	}
	if streak == nil {
		st, err := h.streak(h.itemMarks(it), s.streakRules)
		if err != nil {
			return Outcome{}, err
		}
		streak = &st
	}
	out.Streak = streak
	if f, err := s.feed(h, d, timeline.ViewExpanded); err == nil {
		for i := range f.Entries {
			if e := f.Entries[i]; e.ItemID == it.ID && e.Date == d {
				out.Entry = &f.Entries[i]
				break
			}
		}
	}
	return out, nil
}
