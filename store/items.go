package store

import (
	"context"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
)

// itemRow keeps a timeline item: its definition (schedule, anchor,
// duration, …) in the store's own form (storedItem), beside the columns
// the store queries by.
type itemRow struct {
	bun.BaseModel `bun:"table:timeline_items"`

	ID         uuid.UUID `bun:"id,pk"`
	UserID     uuid.UUID `bun:"user_id"`
	Difficulty string    `bun:"difficulty"`
	Definition jsonText  `bun:"definition"`
	Version    int64     `bun:"version"`
	CreatedAt  instant   `bun:"created_at"`
	UpdatedAt  instant   `bun:"updated_at"`
}

func toItemRow(it lifeops.Item) (itemRow, error) {
	def, err := encodeItem(it.Item)
	return itemRow{
		ID: it.ID, UserID: it.UserID, Difficulty: string(it.Difficulty), Definition: def, Version: max(it.Version, 1),
		CreatedAt: instant(it.CreatedAt), UpdatedAt: instant(it.UpdatedAt),
	}, err
}

func (r itemRow) item() (lifeops.Item, error) {
	it := lifeops.Item{
		UserID: r.UserID, Difficulty: lifeops.Difficulty(r.Difficulty), Version: r.Version,
		CreatedAt: utc(time.Time(r.CreatedAt)), UpdatedAt: utc(time.Time(r.UpdatedAt)),
	}
	def, err := decodeItem(r.Definition)
	if err != nil {
		return it, err
	}
	it.Item = def
	it.ID = r.ID
	return it, nil
}

// CreateItem stores a new item.
func (db *DB) CreateItem(ctx context.Context, it lifeops.Item) error {
	if err := it.Validate(); err != nil {
		return err
	}
	row, err := toItemRow(it)
	if err != nil {
		return wrapErr("create item", err)
	}
	if err := checkRow(&row); err != nil {
		return err
	}
	return db.retry(ctx, "create item", func(ctx context.Context) error {
		_, err := db.idb().NewInsert().Model(&row).Exec(ctx)
		return err
	})
}

// Item returns the user's item.
func (db *DB) Item(ctx context.Context, userID, itemID uuid.UUID) (lifeops.Item, error) {
	var r itemRow
	if err := db.read(ctx, "get item", func(ctx context.Context) error {
		return db.idb().NewSelect().Model(&r).Where("user_id = ? AND id = ?", userID, itemID).Scan(ctx)
	}); err != nil {
		return lifeops.Item{}, err
	}
	it, err := r.item()
	return it, wrapErr("get item", err)
}

// UpdateItem replaces every field of the stored item except UserID and
// CreatedAt.
func (db *DB) UpdateItem(ctx context.Context, it lifeops.Item) error {
	if err := it.Validate(); err != nil {
		return err
	}
	row, err := toItemRow(it)
	if err != nil {
		return wrapErr("update item", err)
	}
	if err := checkRow(&row); err != nil {
		return err
	}
	return db.retry(ctx, "update item", func(ctx context.Context) error {
		res, err := db.idb().NewUpdate().Model(&row).Column("difficulty", "definition", "version", "updated_at").
			Where("id = ? AND user_id = ?", it.ID, it.UserID).Exec(ctx)
		return affected(res, err)
	})
}

// DeleteItem deletes the user's item and, by cascade, its events.
func (db *DB) DeleteItem(ctx context.Context, userID, itemID uuid.UUID) error {
	return db.retry(ctx, "delete item", func(ctx context.Context) error {
		res, err := db.idb().NewDelete().Model((*itemRow)(nil)).Where("user_id = ? AND id = ?", userID, itemID).Exec(ctx)
		return affected(res, err)
	})
}

// Items lists the user's items ordered by CreatedAt, then ID.
func (db *DB) Items(ctx context.Context, userID uuid.UUID) ([]lifeops.Item, error) {
	return listOf(ctx, db, "list items", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Order("created_at", "id")
	}, itemRow.item)
}
