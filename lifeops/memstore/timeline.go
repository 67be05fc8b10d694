package memstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"slices"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// ---- items

// storedItem copies it through the timeline definition's JSON form, as a
// SQL store that keeps the definition in a JSON column does, for storing.
func storedItem(it lifeops.Item) lifeops.Item {
	b, err := json.Marshal(it.Item)
	if err == nil {
		var def timeline.Item
		if err = json.Unmarshal(b, &def); err == nil {
			it.Item = def
		}
	}
	if err != nil { // a validated item always encodes; copy by hand otherwise
		it.Schedule.Days = slices.Clone(it.Schedule.Days)
		if it.XP != nil {
			v := *it.XP
			it.XP = &v
		}
	}
	it.CreatedAt, it.UpdatedAt = instant(it.CreatedAt), instant(it.UpdatedAt)
	it.Version = max(it.Version, 1)
	return it
}

// cloneItem copies a stored item for a caller, sharing nothing with it.
func cloneItem(it lifeops.Item) lifeops.Item {
	it.Schedule.Days = slices.Clone(it.Schedule.Days)
	it.Schedule.ExceptDates = slices.Clone(it.Schedule.ExceptDates)
	it.Schedule.ExtraDates = slices.Clone(it.Schedule.ExtraDates)
	it.Anchor.Times = slices.Clone(it.Anchor.Times)
	if it.XP != nil {
		v := *it.XP
		it.XP = &v
	}
	return it
}

// CreateItem implements [lifeops.ItemStore].
func (s *Store) CreateItem(ctx context.Context, it lifeops.Item) error {
	if err := it.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, it.UserID, func(d *userData) error {
		if _, ok := s.itemOwner[it.ID]; ok {
			return lifeops.Errorf(lifeops.CodeConflict, "An item with this id exists.")
		}
		set(d, s.itemOwner, it.ID, it.UserID)
		set(d, d.items, it.ID, storedItem(it))
		return nil
	})
}

// Item implements [lifeops.ItemStore].
func (s *Store) Item(ctx context.Context, userID, itemID uuid.UUID) (lifeops.Item, error) {
	var out lifeops.Item
	err := s.readUser(ctx, userID, func(d *userData) error {
		it, ok := d.items[itemID]
		if !ok {
			return notFound("Item")
		}
		out = cloneItem(it)
		return nil
	})
	return out, err
}

// UpdateItem implements [lifeops.ItemStore].
func (s *Store) UpdateItem(ctx context.Context, it lifeops.Item) error {
	if err := it.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, it.UserID, func(d *userData) error {
		old, ok := d.items[it.ID]
		if !ok {
			return notFound("Item")
		}
		it.CreatedAt = old.CreatedAt
		set(d, d.items, it.ID, storedItem(it))
		return nil
	})
}

// DeleteItem implements [lifeops.ItemStore]. It deletes the item's events.
func (s *Store) DeleteItem(ctx context.Context, userID, itemID uuid.UUID) error {
	return s.writeUser(ctx, userID, func(d *userData) error {
		if _, ok := d.items[itemID]; !ok {
			return notFound("Item")
		}
		del(d, d.items, itemID)
		del(d, s.itemOwner, itemID)
		for k := range d.events {
			if k.item == itemID {
				d.delEvent(k)
			}
		}
		return nil
	})
}

// Items implements [lifeops.ItemStore].
func (s *Store) Items(ctx context.Context, userID uuid.UUID) ([]lifeops.Item, error) {
	var out []lifeops.Item
	err := s.readUser(ctx, userID, func(d *userData) error {
		for _, it := range d.items {
			out = append(out, cloneItem(it))
		}
		return nil
	})
	slices.SortFunc(out, compareItems)
	return out, err
}

// compareItems orders items by CreatedAt, then ID.
func compareItems(a, b lifeops.Item) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), slices.Compare(a.ID[:], b.ID[:]))
}

// ---- events

func cloneEvent(e lifeops.Event) lifeops.Event {
	e.At, e.To, e.CreatedAt = instant(e.At), instant(e.To), instant(e.CreatedAt)
	return e
}

// AddEvent implements [lifeops.EventStore].
func (s *Store) AddEvent(ctx context.Context, e lifeops.Event) (lifeops.Event, bool, error) {
	if err := e.Validate(); err != nil {
		return lifeops.Event{}, false, err
	}
	var out lifeops.Event
	var created bool
	err := s.writeUser(ctx, e.UserID, func(d *userData) error {
		if _, ok := d.items[e.ItemID]; !ok {
			return notFound("Item")
		}
		k := eventKey{e.ItemID, e.Date, e.Slot, e.Kind.Role()}
		if old, ok := d.events[k]; ok {
			out = old
			return nil
		}
		if _, ok := d.eventIDs[e.ID]; ok {
			return lifeops.Errorf(lifeops.CodeConflict, "An event with this id exists.")
		}
		e = cloneEvent(e)
		d.putEvent(k, e)
		out, created = e, true
		return nil
	})
	return out, created, err
}

// DeleteEvent implements [lifeops.EventStore].
func (s *Store) DeleteEvent(ctx context.Context, userID, itemID uuid.UUID, date civil.Date, slot int, kind lifeops.EventKind) (bool, error) {
	var deleted bool
	err := s.writeUser(ctx, userID, func(d *userData) error {
		k := eventKey{itemID, date, slot, kind.Role()}
		if e, ok := d.events[k]; ok && e.Kind == kind {
			d.delEvent(k)
			deleted = true
		}
		return nil
	})
	return deleted, err
}

// Events implements [lifeops.EventStore].
func (s *Store) Events(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.Event, error) {
	var out []lifeops.Event
	err := s.readUser(ctx, userID, func(d *userData) error {
		for _, e := range d.events {
			if inRange(e.Date, from, to) {
				out = append(out, e)
			}
		}
		return nil
	})
	slices.SortFunc(out, compareEvents)
	return out, err
}

// compareEvents orders events by Date, then CreatedAt, then ID, comparing
// only as far as it must (cmp.Or would work out every key of every pair).
func compareEvents(a, b lifeops.Event) int {
	if c := a.Date.Compare(b.Date); c != 0 {
		return c
	}
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return bytes.Compare(a.ID[:], b.ID[:])
}
