package lifeops

import (
	"context"
	"fmt"
	"slices"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// Transactor runs the units of work of the Service: each write use case of
// one person (complete, skip, postpone, undo, item and profile updates,
// goals, work days, a zone change, the writes of a sync) reads what it
// needs and writes inside one call of Update.
type Transactor interface {
	// Update runs fn in one transaction that holds the lock of the person
	// userID, and commits what fn wrote when it returns nil; an error
	// from fn, a panic, or a failed commit leaves the store as it was.
	// Calls for one person run one at a time, in this process and in every
	// other on the same database; calls for different people never wait
	// for each other (where the backend allows it: SQLite has one writer
	// at a time). fn must only use the tx it is given, which sees what
	// fn wrote and what every earlier unit of work committed. Update may
	// run fn again after a transient conflict, so fn must not keep effects
	// outside tx. Calling tx.Update for the same person joins the unit of
	// work; for another person it is an error. An unknown person is
	// ErrNotFound, before fn runs.
	Update(ctx context.Context, userID uuid.UUID, fn func(tx Store) error) error
}

// SnapshotStore reads what the Service needs of one person at once.
type SnapshotStore interface {
	// Snapshot reads the records of userID that q selects from one
	// consistent state of the store (one read transaction, or the unit of
	// work it is called in), in a fixed number of round trips however long
	// the person's history: four, and one more when q.XP is set. It never
	// writes. An unknown person is ErrNotFound; bad spans are ErrInvalid.
	Snapshot(ctx context.Context, userID uuid.UUID, q SnapshotQuery) (Snapshot, error)
	// DataVersion returns the person's data version, in one statement: a
	// number that every Update of the person raises, in its transaction,
	// and nothing else changes. Equal versions mean that no unit of work
	// committed in between. An unknown person is ErrNotFound.
	DataVersion(ctx context.Context, userID uuid.UUID) (int64, error)
}

// Span is an inclusive range of dates. A zero From reaches back to the
// earliest record; a zero To reaches forward to the latest.
type Span struct {
	From civil.Date `json:"from,omitzero"`
	To   civil.Date `json:"to,omitzero"`
}

// Contains reports whether d is in the span.
func (sp Span) Contains(d civil.Date) bool {
	return (sp.From.IsZero() || !d.Before(sp.From)) && (sp.To.IsZero() || !d.After(sp.To))
}

// Validate checks that both ends, when set, are real dates in order.
func (sp Span) Validate() error {
	return checkSpan("span", sp)
}

func checkSpan(field string, sp Span) error {
	var p problems
	if !sp.From.IsZero() && !sp.From.IsValid() {
		p.add(field+".from", "must be a real date")
	}
	if !sp.To.IsZero() && !sp.To.IsValid() {
		p.add(field+".to", "must be a real date")
	}
	if p.err() == nil && !sp.From.IsZero() && !sp.To.IsZero() && sp.To.Before(sp.From) {
		p.add(field+".to", "must not be before from (%s)", sp.From)
	}
	return p.err()
}

// SnapshotQuery selects what a [Snapshot] holds besides the person, their
// goals, zone changes and achievements, and their items, which it always
// holds.
type SnapshotQuery struct {
	// Days selects the dates whose health day, work day and scores are
	// read: any date in one of the spans.
	Days []Span
	// Events selects the events of the occurrences dated in one of the
	// spans (Event.Date), and of the occurrences a postponement moved into
	// one of them (Event.ToDate) from up to timeline.MaxPostponeDays
	// before: every event the days of the spans count.
	Events []Span
	// Resume, when set, moves the start of Days[0] back to the latest date
	// before Resume whose stored scores hold a State, or to the earliest
	// record when none does, unless it starts earlier already; the start of
	// Events[0] moves back by as many days. It is how the Service finds the
	// standing to count on from.
	Resume civil.Date
	// XP also reads the ledger entries dated in Days (after Resume).
	XP bool
}

// Snapshot is what [SnapshotStore.Snapshot] read of one person.
type Snapshot struct {
	User         User
	Goals        *Goals // nil when none were stored
	XPTotal      int64  // the sum of the person's ledger
	DataVersion  int64  // the person's data version (see SnapshotStore.DataVersion)
	ZoneChanges  []ZoneChange
	Achievements []Achievement // ordered as Achievements lists them
	Items        []Item        // every item, ordered as Items lists them
	Events       []Event       // ordered as Events lists them
	Days         []DayRecord   // the dates with any record, in order
	XP           []XPEntry     // with q.XP, ordered as XPEntries lists them
	// Read holds the spans as read: Days and Events after Resume.
	Read SnapshotQuery
}

// DayRecord is what is stored for one of a person's days; nil parts are
// not stored.
type DayRecord struct {
	Date   civil.Date
	Health *HealthDay
	Work   []WorkDay // the date's work-day records, one per source, in source order
	Scores *DayScores
}

// Validate checks q: every span in order, and a Resume with a first day
// span and a first event span to move.
func (q SnapshotQuery) Validate() error {
	var p problems
	for i, sp := range q.Days {
		p.addErr(checkSpan(fmt.Sprintf("days[%d]", i), sp))
	}
	for i, sp := range q.Events {
		p.addErr(checkSpan(fmt.Sprintf("events[%d]", i), sp))
	}
	if !q.Resume.IsZero() {
		switch {
		case !q.Resume.IsValid():
			p.add("resume", "must be a real date")
		case len(q.Days) == 0 || len(q.Events) == 0:
			p.add("resume", "needs a day span and an event span to move")
		}
	}
	return p.err()
}

// Resumed returns q with Resume applied, given latest: the latest date
// before q.Resume whose stored scores hold a State, or zero when there is
// none (see [SnapshotQuery.Resume]). Stores call it once they know latest;
// q must be valid.
func (q SnapshotQuery) Resumed(latest civil.Date) SnapshotQuery {
	if q.Resume.IsZero() {
		return q
	}
	q.Days, q.Events = slices.Clone(q.Days), slices.Clone(q.Events)
	from := q.Days[0].From
	switch {
	case latest.IsZero():
		q.Days[0].From, q.Events[0].From = civil.Date{}, civil.Date{}
	case !from.IsZero() && latest.Before(from):
		q.Days[0].From = latest
		if !q.Events[0].From.IsZero() {
			q.Events[0].From = q.Events[0].From.AddDays(-from.Sub(latest))
		}
	}
	return q
}

// InSpans reports whether d is in one of spans.
func InSpans(d civil.Date, spans []Span) bool {
	for _, sp := range spans {
		if sp.Contains(d) {
			return true
		}
	}
	return false
}
