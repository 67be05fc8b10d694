package lifeops

import (
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// EventKind is what happened to an occurrence of a timeline item.
type EventKind string

// The event kinds. An occurrence holds at most one event of each kind, and
// never both a completion and a skip.
const (
	EventCompleted EventKind = "completed" // the person did it
	EventSkipped   EventKind = "skipped"   // the person chose not to; neutral for streaks
	EventPostponed EventKind = "postponed" // moved to a later instant; the series does not move
)

// Validate reports whether k is one of the kinds above.
func (k EventKind) Validate() error {
	switch k {
	case EventCompleted, EventSkipped, EventPostponed:
		return nil
	}
	return invalid("kind", "must be completed, skipped or postponed, got %s", quote(string(k)))
}

// MaxReasonLen is the longest skip reason, in characters.
const MaxReasonLen = 500

// Event is something that happened to one occurrence of a timeline item, as
// stored. An occurrence is identified by (ItemID, Date, Slot), Date being
// the day it was scheduled on (its feed day), even when a postponement
// moved it to another day, and Slot its place among the item's occurrences
// that day (0 for an item due once a day; see timeline.Occurrence). Stores
// keep at most one event per occurrence and role (see [EventKind.Role]);
// undo deletes the occurrence's events.
type Event struct {
	ID        uuid.UUID  `json:"id"`
	UserID    uuid.UUID  `json:"-"`
	ItemID    uuid.UUID  `json:"item_id"`
	Date      civil.Date `json:"date"`           // the occurrence's scheduled day
	Slot      int        `json:"slot,omitempty"` // the occurrence's slot on Date
	Kind      EventKind  `json:"kind"`
	At        time.Time  `json:"at"`               // when the person completed, skipped or postponed it
	Reason    string     `json:"reason,omitempty"` // skipped: why, optional
	To        time.Time  `json:"to,omitzero"`      // postponed: the new start, or zero to keep the item's own time on ToDate
	ToDate    civil.Date `json:"to_date,omitzero"` // postponed: the day it moves to, or zero to stay on Date
	CreatedAt time.Time  `json:"created_at"`
}

// Validate checks e. It returns nil, or one *ValidationError per bad field
// joined with errors.Join.
func (e Event) Validate() error {
	var p problems
	if e.ID == uuid.Nil {
		p.add("id", "is required")
	}
	if e.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	if e.ItemID == uuid.Nil {
		p.add("item_id", "is required")
	}
	if !e.Date.IsValid() {
		p.add("date", "must be a real date")
	}
	if e.Slot < 0 || e.Slot >= timeline.MaxSlots {
		p.add("slot", "must be between 0 and %d, got %d", timeline.MaxSlots-1, e.Slot)
	}
	p.addErr(e.Kind.Validate())
	if e.At.IsZero() {
		p.add("at", "is required")
	}
	if textProblem(e.Reason) != "" || utf8.RuneCountInString(e.Reason) > MaxReasonLen {
		p.add("reason", "must be valid UTF-8 without NUL bytes, of at most %d characters", MaxReasonLen)
	}
	if e.Reason != "" && e.Kind != EventSkipped {
		p.add("reason", "is only for skipped occurrences")
	}
	switch {
	case e.Kind == EventPostponed && e.To.IsZero() && e.ToDate.IsZero():
		p.add("to", "a postponement needs a new start (to) or a new date (to_date)")
	case e.Kind == EventPostponed && !e.ToDate.IsZero() && (!e.ToDate.IsValid() || !e.ToDate.After(e.Date)):
		p.add("to_date", "must be a real date after date")
	case e.Kind != EventPostponed && (!e.To.IsZero() || !e.ToDate.IsZero()):
		p.add("to", "is only for postponed occurrences")
	}
	return p.err()
}
