package lifeops

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// CreateItem validates and stores a new timeline item of the user, at
// version 1. A zero ID gets a random one; an empty Difficulty becomes easy.
// Creating an item again with the ID and definition of a stored one
// returns the stored item, so a retried request is harmless; another
// definition under a taken ID is ErrConflict. The item counts from the
// person's current day (or its ActiveFrom, when later): today's scores take
// it in at once.
func (s *Service) CreateItem(ctx context.Context, userID uuid.UUID, it Item) (Item, error) {
	now := s.now()
	it.UserID, it.CreatedAt, it.UpdatedAt, it.Version = userID, now, now, 1
	if it.ID == uuid.Nil {
		it.ID = uuid.New()
	}
	if it.Difficulty == "" {
		it.Difficulty = DifficultyEasy
	}
	if err := it.Validate(); err != nil {
		return Item{}, err
	}
	var out Item
	err := s.update(ctx, userID, func(u *unit) error {
		old, err := u.tx.Item(ctx, userID, it.ID)
		switch {
		case err == nil && sameDefinition(old, it):
			out = old
			return nil
		case err == nil:
			return Errorf(CodeConflict, "An item with this id exists.")
		case !errors.Is(err, ErrNotFound):
			return err
		}
		if err := u.tx.CreateItem(ctx, it); errors.Is(err, ErrConflict) {
			return Errorf(CodeConflict, "An item with this id exists.") // another person's
		} else if err != nil {
			return fmt.Errorf("create item: %w", err)
		}
		if err := u.recountFrom(ctx, civil.Date{}); err != nil {
			return err
		}
		out, err = u.tx.Item(ctx, userID, it.ID)
		return err
	})
	return out, err
}

func sameDefinition(a, b Item) bool {
	ja, err1 := jsonOf(a.Item)
	jb, err2 := jsonOf(b.Item)
	return err1 == nil && err2 == nil && ja == jb && a.Difficulty == b.Difficulty
}

// sameCount reports whether a and b count the same on every day: they are
// due on the same days at the same times, so only their title, kind, XP or
// difficulty differ.
func sameCount(a, b Item) bool {
	a.Title, b.Title = "", ""
	a.Kind, b.Kind = "", ""
	a.XP, b.XP = nil, nil
	return sameDefinition(Item{Item: a.Item}, Item{Item: b.Item})
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
	// IfVersion, when not zero, makes the update conditional: it applies
	// only to the item at this version (see [Item.Version]), and is a
	// *StaleError (ErrConflict) otherwise. An HTTP layer sets it from
	// If-Match.
	IfVersion int64 `json:"-"`
}

// apply returns it with up applied.
func (up ItemUpdate) apply(it Item) (Item, error) {
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
	return next, next.Validate()
}

// UpdateItem applies up to the user's item (only the fields it sets) and
// returns the result, one version later. Concurrent updates of different
// fields all survive: each applies to the item as the one before it left
// it. Applying the same update twice changes nothing the second time. With
// up.IfVersion set, an item at another version is a *StaleError.
//
// A new schedule, anchor, offset, duration, missed policy or active range
// applies to every day, past ones included: the Service counts the item's
// days again, their scores and streaks, in the same unit of work.
func (s *Service) UpdateItem(ctx context.Context, userID, itemID uuid.UUID, up ItemUpdate) (Item, error) {
	var out Item
	err := s.update(ctx, userID, func(u *unit) error {
		it, err := u.tx.Item(ctx, userID, itemID)
		if err != nil {
			return err
		}
		if up.IfVersion != 0 && up.IfVersion != it.Version {
			return &StaleError{What: "item", Want: up.IfVersion, Current: it.Version}
		}
		next, err := up.apply(it)
		if err != nil {
			return err
		}
		if sameDefinition(it, next) {
			out = it
			return nil
		}
		next.UpdatedAt, next.Version = s.now(), it.Version+1
		if err := u.tx.UpdateItem(ctx, next); err != nil {
			return fmt.Errorf("update item: %w", err)
		}
		if !sameCount(it, next) {
			if err := u.recountFrom(ctx, firstPossibleDay(it)); err != nil {
				return err
			}
		}
		out, err = u.tx.Item(ctx, userID, itemID)
		return err
	})
	return out, err
}

// firstPossibleDay is a day no later than the first day item it can be due
// on in the person's calendar, whatever their zone: the day before it was
// created, in UTC.
func firstPossibleDay(it Item) civil.Date {
	return civil.DateOf(it.CreatedAt.UTC()).AddDays(-1)
}

// DeleteItem deletes the user's item and its events. XP it earned stays;
// the days it was due on are counted again without it.
func (s *Service) DeleteItem(ctx context.Context, userID, itemID uuid.UUID) error {
	return s.update(ctx, userID, func(u *unit) error {
		it, err := u.tx.Item(ctx, userID, itemID)
		if err != nil {
			return err
		}
		if err := u.tx.DeleteItem(ctx, userID, itemID); err != nil {
			return fmt.Errorf("delete item: %w", err)
		}
		return u.recountFrom(ctx, firstPossibleDay(it))
	})
}
