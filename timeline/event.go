package timeline

import (
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// EventType is what happened to an occurrence.
type EventType string

// The event types.
const (
	// EventCompleted: the person did it, at Event.At.
	EventCompleted EventType = "completed"
	// EventSkipped: the person chose not to do it this time, with an
	// optional Reason.
	EventSkipped EventType = "skipped"
	// EventPostponed: the occurrence moves, the series does not. To a later
	// instant of the same feed day (To set, ToDate zero), or to another feed
	// date (ToDate set; To is then the new start, or zero to start at the
	// item's own anchor and offset on that date).
	EventPostponed EventType = "postponed"
)

// There is no event that takes another back: undoing an occurrence removes
// its events, and [Fold] reads what remains.

// MaxPostponeDays is how far, in days, an occurrence can be postponed to
// another date. It bounds the dates whose events a feed needs; see
// [EventWindow].
const MaxPostponeDays = 14

// MaxReasonLength bounds a skip reason, in characters.
const MaxReasonLength = 500

// Event is something that happened to one occurrence, keyed by the item's ID,
// the occurrence's feed date and its slot on that date. A feed applies an occurrence's events in
// the order they appear in [FeedInput.Events], so pass them in the order
// they were recorded.
type Event struct {
	ItemID uuid.UUID `json:"item_id"`
	// Date is the feed date of the occurrence (its key), which for a
	// carried-over or postponed occurrence is not the date it is shown on.
	Date civil.Date `json:"date"`
	// Slot is the occurrence's slot on Date (see [Occurrence]): 0, and left
	// out of the JSON, for an item due once a day.
	Slot int       `json:"slot,omitempty"`
	Type EventType `json:"type"`
	// At is when the event happened; for a completion, the completion
	// instant.
	At time.Time `json:"at"`
	// Reason is an optional note on a skip.
	Reason string `json:"reason,omitempty"`
	// To is the new start of a postponed occurrence.
	To time.Time `json:"to,omitzero"`
	// ToDate is the feed date a postponed occurrence moves to; zero keeps it
	// on Date.
	ToDate civil.Date `json:"to_date,omitzero"`
}

// Validate reports every problem of e as [*ValidationError] values joined
// with [errors.Join]: a missing item ID or date, an unknown type, a
// postponement that goes nowhere, backwards, more than MaxPostponeDays
// ahead, or to a new start (To) that cannot lie on its feed day (ToDate, or
// Date when ToDate is zero), and fields that the type does not use.
func (e Event) Validate() error {
	var p problems
	if e.ItemID == uuid.Nil {
		p.add("item_id", "an event needs the item's ID")
	}
	switch {
	case e.Date.IsZero():
		p.add("date", "an event needs the occurrence's date")
	case !e.Date.IsValid():
		p.add("date", "%s is not a date", e.Date)
	}
	if e.At.IsZero() {
		p.add("at", "an event needs the instant it happened")
	}
	if e.Slot < 0 || e.Slot >= MaxSlots {
		p.add("slot", "a slot is 0 to %d, not %d", MaxSlots-1, e.Slot)
	}
	switch e.Type {
	case EventCompleted:
	case EventSkipped:
		if n := utf8.RuneCountInString(e.Reason); n > MaxReasonLength {
			p.add("reason", "a reason has at most %d characters, not %d", MaxReasonLength, n)
		}
	case EventPostponed:
		switch {
		case e.To.IsZero() && e.ToDate.IsZero():
			p.add("to", "a postponement needs a new start (to) or a new date (to_date)")
		case !e.ToDate.IsZero() && !e.ToDate.IsValid():
			p.add("to_date", "%s is not a date", e.ToDate)
		case !e.ToDate.IsZero() && e.Date.IsValid() && !e.ToDate.After(e.Date):
			p.add("to_date", "a postponement moves to a later date than %s, not %s", e.Date, e.ToDate)
		case !e.ToDate.IsZero() && e.Date.IsValid() && e.ToDate.Sub(e.Date) > MaxPostponeDays:
			p.add("to_date", "a postponement moves at most %d days ahead; %s is %d days after %s", MaxPostponeDays, e.ToDate, e.ToDate.Sub(e.Date), e.Date)
		case !e.To.IsZero() && e.Date.IsValid():
			day := e.Date
			if !e.ToDate.IsZero() {
				day = e.ToDate
			}
			if !nearDay(e.To, day) {
				p.add("to", "the new start %s is not on the feed day %s", e.To.Format(time.RFC3339), day)
			}
		}
	case "":
		p.add("type", "an event type is required: completed, skipped or postponed")
	default:
		p.add("type", "%q is not an event type: use completed, skipped or postponed", string(e.Type))
	}
	if e.Type != EventSkipped && e.Reason != "" {
		p.add("reason", "only a skip takes a reason")
	}
	if e.Type != EventPostponed && (!e.To.IsZero() || !e.ToDate.IsZero()) {
		p.add("to", "only a postponement takes to or to_date")
	}
	return p.err()
}

// nearDay reports whether instant t can belong to feed date d in some zone:
// an anchor on d, with an offset of up to a day either way, lies between
// two days before d's midnight in UTC and four days after it (zones span
// UTC-12 to UTC+14, and a bedtime can fall on the next date). Instants
// outside that range are mistakes, and would not even encode as RFC 3339
// when they leave the years 0 to 9999.
func nearDay(t time.Time, d civil.Date) bool {
	s := t.Unix() - wallSeconds(d, 0)
	return s >= -2*86400 && s < 4*86400
}

// EventWindow returns the range of occurrence dates, inclusive, whose events
// the feed for date d needs. Those are the events of:
//
//   - occurrences on d itself;
//   - occurrences of the previous feed day (d-1, or d-2 when d-1 does not
//     exist in the zone), which a carry_over item shows on d when they were
//     missed;
//   - occurrences postponed to d, which come from at most MaxPostponeDays
//     before it;
//   - occurrences postponed to the previous feed day, which can be carried
//     over to d.
//
// So from is d - (MaxPostponeDays+2) and to is d. Pass every event whose
// Date lies in [from, to]; events outside it are ignored by the feed anyway.
func EventWindow(d civil.Date) (from, to civil.Date) {
	return d.AddDays(-(MaxPostponeDays + 2)), d
}
