package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
)

type zoneChangeRow struct {
	bun.BaseModel `bun:"table:zone_changes"`

	UserID uuid.UUID `bun:"user_id,pk"`
	At     instant   `bun:"at,pk"`
	From   string    `bun:"from_zone"`
	To     string    `bun:"to_zone"`
}

func (r zoneChangeRow) change() lifeops.ZoneChange {
	return lifeops.ZoneChange{UserID: r.UserID, At: utc(time.Time(r.At)), From: r.From, To: r.To}
}

// AddZoneChange inserts c unless the user has a change at c.At (to the
// microsecond), atomically, and returns the stored change.
func (db *DB) AddZoneChange(ctx context.Context, c lifeops.ZoneChange) (lifeops.ZoneChange, bool, error) {
	if err := c.Validate(); err != nil {
		return lifeops.ZoneChange{}, false, err
	}
	row := zoneChangeRow{UserID: c.UserID, At: instant(c.At), From: c.From, To: c.To}
	if err := checkRow(&row); err != nil {
		return lifeops.ZoneChange{}, false, err
	}
	var stored zoneChangeRow
	created, err := insertIfAbsent(ctx, db, "add zone change", &row, &stored, []string{"user_id", "at"},
		func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("user_id = ? AND at = ?", c.UserID, instant(c.At))
		})
	if err != nil {
		return lifeops.ZoneChange{}, false, err
	}
	return stored.change(), created, nil
}

// ZoneChanges lists the user's zone changes ordered by At.
func (db *DB) ZoneChanges(ctx context.Context, userID uuid.UUID) ([]lifeops.ZoneChange, error) {
	return listOf(ctx, db, "list zone changes", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Order("at")
	}, infallible(zoneChangeRow.change))
}
