package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

type eventRow struct {
	bun.BaseModel `bun:"table:occurrence_events"`

	ID          uuid.UUID   `bun:"id,pk"`
	UserID      uuid.UUID   `bun:"user_id"`
	ItemID      uuid.UUID   `bun:"item_id"`
	Day         day         `bun:"day"`
	Slot        int         `bun:"slot"` // the occurrence's slot on Day
	Kind        string      `bun:"kind"`
	Role        string      `bun:"role"` // the event's role on its occurrence (lifeops.EventKind.Role)
	At          instant     `bun:"at"`
	Reason      string      `bun:"reason"`
	PostponedTo nullInstant `bun:"postponed_to"`
	ToDate      nullDay     `bun:"postponed_to_date"`
	CreatedAt   instant     `bun:"created_at"`
}

func (r eventRow) event() lifeops.Event {
	return lifeops.Event{
		ID: r.ID, UserID: r.UserID, ItemID: r.ItemID, Date: civil.Date(r.Day), Slot: r.Slot, Kind: lifeops.EventKind(r.Kind),
		At: utc(time.Time(r.At)), Reason: r.Reason, To: utcOrZero(time.Time(r.PostponedTo)), ToDate: civil.Date(r.ToDate), CreatedAt: utc(time.Time(r.CreatedAt)),
	}
}

// AddEvent inserts e unless its occurrence (e.ItemID, e.Date) already holds
// an event in the same slot, atomically, and returns the stored event.
func (db *DB) AddEvent(ctx context.Context, e lifeops.Event) (lifeops.Event, bool, error) {
	if err := e.Validate(); err != nil {
		return lifeops.Event{}, false, err
	}
	row := eventRow{
		ID: e.ID, UserID: e.UserID, ItemID: e.ItemID, Day: day(e.Date), Slot: e.Slot, Kind: string(e.Kind), Role: e.Kind.Role(),
		At: instant(e.At), Reason: e.Reason, PostponedTo: nullInstant(e.To), ToDate: nullDay(e.ToDate), CreatedAt: instant(e.CreatedAt),
	}
	if err := checkRow(&row); err != nil {
		return lifeops.Event{}, false, err
	}
	var stored eventRow
	created, err := insertIfAbsent(ctx, db, "add event", &row, &stored, []string{"item_id", "day", "slot", "role"},
		func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("item_id = ? AND day = ? AND slot = ? AND role = ?", e.ItemID, day(e.Date), e.Slot, e.Kind.Role())
		})
	if err != nil {
		return lifeops.Event{}, false, err
	}
	if stored.UserID != e.UserID {
		// The occurrence belongs to another user: it does not exist for
		// this one.
		return lifeops.Event{}, false, &Error{Op: "add event", Code: lifeops.CodeNotFound, Err: errOtherUser}
	}
	return stored.event(), created, nil
}

// DeleteEvent deletes the event of kind on the occurrence (itemID, date,
// slot) of the user and reports whether there was one.
func (db *DB) DeleteEvent(ctx context.Context, userID, itemID uuid.UUID, date civil.Date, slot int, kind lifeops.EventKind) (bool, error) {
	if !storableKeys(string(kind)) {
		return false, db.requireUser(ctx, "delete event", userID)
	}
	return deleteOne(ctx, db, "delete event", userID, (*eventRow)(nil), "item_id = ? AND day = ? AND slot = ? AND kind = ?", itemID, day(date), slot, string(kind))
}

// Events lists the user's events with Date in [from, to], ordered by Date,
// then CreatedAt, then ID.
func (db *DB) Events(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.Event, error) {
	return listOf(ctx, db, "list events", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return whereDays(q, "day", from, to).Order("day", "created_at", "id")
	}, infallible(eventRow.event))
}

func utcOrZero(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return utc(t)
}
