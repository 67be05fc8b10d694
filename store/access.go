package store

import (
	"context"
	"database/sql"

	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
)

// Devices, their refresh tokens, pairing codes and personal access tokens
// (lifeops.AccessStore). Only hashes of the secrets are stored. They are
// not part of an export: a person moved to another server signs their
// devices in there again.

type deviceRow struct {
	bun.BaseModel `bun:"table:devices"`

	ID         uuid.UUID   `bun:"id,pk"`
	UserID     uuid.UUID   `bun:"user_id"`
	Name       string      `bun:"name"`
	CreatedAt  instant     `bun:"created_at"`
	LastUsedAt nullInstant `bun:"last_used_at"`
	RevokedAt  nullInstant `bun:"revoked_at"`
}

func (r deviceRow) device() lifeops.Device {
	return lifeops.Device{ID: r.ID, UserID: r.UserID, Name: r.Name, CreatedAt: utc(time.Time(r.CreatedAt)),
		LastUsedAt: utcOrZero(time.Time(r.LastUsedAt)), RevokedAt: utcOrZero(time.Time(r.RevokedAt))}
}

type refreshRow struct {
	bun.BaseModel `bun:"table:refresh_tokens"`

	ID        uuid.UUID     `bun:"id,pk"`
	UserID    uuid.UUID     `bun:"user_id"`
	DeviceID  uuid.UUID     `bun:"device_id"`
	Hash      []byte        `bun:"hash"`
	CreatedAt instant       `bun:"created_at"`
	ExpiresAt instant       `bun:"expires_at"`
	UsedAt    nullInstant   `bun:"used_at"`
	Successor uuid.NullUUID `bun:"successor"`
}

func (r refreshRow) token() lifeops.RefreshToken {
	return lifeops.RefreshToken{ID: r.ID, UserID: r.UserID, DeviceID: r.DeviceID, Hash: r.Hash,
		CreatedAt: utc(time.Time(r.CreatedAt)), ExpiresAt: utc(time.Time(r.ExpiresAt)),
		UsedAt: utcOrZero(time.Time(r.UsedAt)), Successor: r.Successor.UUID}
}

type pairingRow struct {
	bun.BaseModel `bun:"table:pairing_codes"`

	ID        uuid.UUID   `bun:"id,pk"`
	UserID    uuid.UUID   `bun:"user_id"`
	Hash      []byte      `bun:"hash"`
	CreatedAt instant     `bun:"created_at"`
	ExpiresAt instant     `bun:"expires_at"`
	UsedAt    nullInstant `bun:"used_at"`
}

func (r pairingRow) code() lifeops.PairingCode {
	return lifeops.PairingCode{ID: r.ID, UserID: r.UserID, Hash: r.Hash, CreatedAt: utc(time.Time(r.CreatedAt)),
		ExpiresAt: utc(time.Time(r.ExpiresAt)), UsedAt: utcOrZero(time.Time(r.UsedAt))}
}

type personalRow struct {
	bun.BaseModel `bun:"table:personal_tokens"`

	ID        uuid.UUID   `bun:"id,pk"`
	UserID    uuid.UUID   `bun:"user_id"`
	Name      string      `bun:"name"`
	Scope     string      `bun:"scope"`
	Hash      []byte      `bun:"hash"`
	CreatedAt instant     `bun:"created_at"`
	ExpiresAt nullInstant `bun:"expires_at"`
}

func (r personalRow) token() lifeops.PersonalToken {
	return lifeops.PersonalToken{ID: r.ID, UserID: r.UserID, Name: r.Name, Scope: lifeops.Scope(r.Scope), Hash: r.Hash,
		CreatedAt: utc(time.Time(r.CreatedAt)), ExpiresAt: utcOrZero(time.Time(r.ExpiresAt))}
}

// insertRow inserts row, a new record.
func insertRow(ctx context.Context, db *DB, op string, row any) error {
	if err := checkRow(row); err != nil {
		return err
	}
	return db.retry(ctx, op, func(ctx context.Context) error {
		_, err := db.idb().NewInsert().Model(row).Exec(ctx)
		return err
	})
}

// CreateDevice stores a new device.
func (db *DB) CreateDevice(ctx context.Context, d lifeops.Device) error {
	if err := d.Validate(); err != nil {
		return err
	}
	return insertRow(ctx, db, "create device", &deviceRow{ID: d.ID, UserID: d.UserID, Name: d.Name,
		CreatedAt: instant(d.CreatedAt), LastUsedAt: nullInstant(d.LastUsedAt), RevokedAt: nullInstant(d.RevokedAt)})
}

// Device returns the user's device.
func (db *DB) Device(ctx context.Context, userID, deviceID uuid.UUID) (lifeops.Device, error) {
	var r deviceRow
	err := db.read(ctx, "get device", func(ctx context.Context) error {
		return db.idb().NewSelect().Model(&r).Where("id = ? AND user_id = ?", deviceID, userID).Scan(ctx)
	})
	return r.device(), err
}

// Devices lists the user's devices ordered by CreatedAt, then ID.
func (db *DB) Devices(ctx context.Context, userID uuid.UUID) ([]lifeops.Device, error) {
	return listOf(ctx, db, "list devices", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Order("created_at", "id")
	}, infallible(deviceRow.device))
}

// UpdateDevice replaces the name, LastUsedAt and RevokedAt of the user's
// device.
func (db *DB) UpdateDevice(ctx context.Context, d lifeops.Device) error {
	if err := d.Validate(); err != nil {
		return err
	}
	row := deviceRow{ID: d.ID, UserID: d.UserID, Name: d.Name, LastUsedAt: nullInstant(d.LastUsedAt), RevokedAt: nullInstant(d.RevokedAt)}
	if err := checkRow(&row); err != nil {
		return err
	}
	return db.retry(ctx, "update device", func(ctx context.Context) error {
		res, err := db.idb().NewUpdate().Model(&row).Column("name", "last_used_at", "revoked_at").
			Where("id = ? AND user_id = ?", d.ID, d.UserID).Exec(ctx)
		return affected(res, err)
	})
}

// DeleteDevice deletes the user's device and, by cascade, its refresh
// tokens.
func (db *DB) DeleteDevice(ctx context.Context, userID, deviceID uuid.UUID) error {
	return db.retry(ctx, "delete device", func(ctx context.Context) error {
		res, err := db.idb().NewDelete().Model((*deviceRow)(nil)).Where("id = ? AND user_id = ?", deviceID, userID).Exec(ctx)
		return affected(res, err)
	})
}

// AddRefreshToken stores a new refresh token of the user's device.
func (db *DB) AddRefreshToken(ctx context.Context, t lifeops.RefreshToken) error {
	if err := t.Validate(); err != nil {
		return err
	}
	// The device must be the user's: the foreign key only says it exists.
	if _, err := db.Device(ctx, t.UserID, t.DeviceID); err != nil {
		return err
	}
	return insertRow(ctx, db, "add refresh token", &refreshRow{ID: t.ID, UserID: t.UserID, DeviceID: t.DeviceID, Hash: t.Hash,
		CreatedAt: instant(t.CreatedAt), ExpiresAt: instant(t.ExpiresAt), UsedAt: nullInstant(t.UsedAt),
		Successor: uuid.NullUUID{UUID: t.Successor, Valid: t.Successor != uuid.Nil}})
}

// RefreshToken returns the user's refresh token id.
func (db *DB) RefreshToken(ctx context.Context, userID, id uuid.UUID) (lifeops.RefreshToken, error) {
	var r refreshRow
	err := db.read(ctx, "get refresh token", func(ctx context.Context) error {
		return db.idb().NewSelect().Model(&r).Where("id = ? AND user_id = ?", id, userID).Scan(ctx)
	})
	return r.token(), err
}

// RefreshTokenByHash returns the refresh token with hash.
func (db *DB) RefreshTokenByHash(ctx context.Context, hash []byte) (lifeops.RefreshToken, error) {
	var r refreshRow
	err := db.read(ctx, "get refresh token", func(ctx context.Context) error {
		if len(hash) != lifeops.TokenHashSize {
			return sql.ErrNoRows
		}
		return db.idb().NewSelect().Model(&r).Where("hash = ?", hash).Scan(ctx)
	})
	return r.token(), err
}

// UseRefreshToken marks the user's token used if it is unused, in one
// statement, and reports whether it did.
func (db *DB) UseRefreshToken(ctx context.Context, userID, id uuid.UUID, at time.Time, successor uuid.UUID) (bool, error) {
	if at.IsZero() || successor == uuid.Nil {
		return false, &lifeops.ValidationError{Field: "successor", Reason: "a used refresh token needs a time and a successor"}
	}
	return markUsed(ctx, db, "use refresh token", (*refreshRow)(nil), userID, id, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("used_at = ?", instant(at)).Set("successor = ?", successor)
	})
}

// markUsed sets used_at (and what set adds) on the user's row id of
// model's table where it is NULL, and reports whether it did; an unknown
// row is ErrNotFound.
func markUsed(ctx context.Context, db *DB, op string, model any, userID, id uuid.UUID, set func(*bun.UpdateQuery) *bun.UpdateQuery) (bool, error) {
	var won bool
	err := db.retry(ctx, op, func(ctx context.Context) error {
		res, err := set(db.idb().NewUpdate().Model(model)).
			Where("id = ? AND user_id = ? AND used_at IS NULL", id, userID).Exec(ctx)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		won = n > 0
		return err
	})
	if err != nil || won {
		return won, err
	}
	n, err := db.idb().NewSelect().Model(model).Where("id = ? AND user_id = ?", id, userID).Count(ctx)
	if err != nil {
		return false, wrapErr(op, err)
	}
	if n == 0 {
		return false, &Error{Op: op, Code: lifeops.CodeNotFound, Err: sql.ErrNoRows}
	}
	return false, nil
}

// DeleteRefreshTokens deletes the device's refresh tokens that expired
// before before, or all of them when before is zero.
func (db *DB) DeleteRefreshTokens(ctx context.Context, userID, deviceID uuid.UUID, before time.Time) (int, error) {
	var n int64
	err := db.retry(ctx, "delete refresh tokens", func(ctx context.Context) error {
		q := db.idb().NewDelete().Model((*refreshRow)(nil)).Where("user_id = ? AND device_id = ?", userID, deviceID)
		if !before.IsZero() {
			q = q.Where("expires_at < ?", instant(before))
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err == nil && n == 0 {
		err = db.requireUser(ctx, "delete refresh tokens", userID)
	}
	return int(n), err
}

// AddPairingCode stores a new pairing code.
func (db *DB) AddPairingCode(ctx context.Context, c lifeops.PairingCode) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return insertRow(ctx, db, "add pairing code", &pairingRow{ID: c.ID, UserID: c.UserID, Hash: c.Hash,
		CreatedAt: instant(c.CreatedAt), ExpiresAt: instant(c.ExpiresAt), UsedAt: nullInstant(c.UsedAt)})
}

// PairingCodeByHash returns the pairing code with hash.
func (db *DB) PairingCodeByHash(ctx context.Context, hash []byte) (lifeops.PairingCode, error) {
	var r pairingRow
	err := db.read(ctx, "get pairing code", func(ctx context.Context) error {
		if len(hash) != lifeops.TokenHashSize {
			return sql.ErrNoRows
		}
		return db.idb().NewSelect().Model(&r).Where("hash = ?", hash).Scan(ctx)
	})
	return r.code(), err
}

// UsePairingCode marks the user's code used if it is unused, in one
// statement, and reports whether it did.
func (db *DB) UsePairingCode(ctx context.Context, userID, id uuid.UUID, at time.Time) (bool, error) {
	if at.IsZero() {
		return false, &lifeops.ValidationError{Field: "used_at", Reason: "is required"}
	}
	return markUsed(ctx, db, "use pairing code", (*pairingRow)(nil), userID, id, func(q *bun.UpdateQuery) *bun.UpdateQuery {
		return q.Set("used_at = ?", instant(at))
	})
}

// DeletePairingCodes deletes the user's used codes and those that expired
// before before.
func (db *DB) DeletePairingCodes(ctx context.Context, userID uuid.UUID, before time.Time) (int, error) {
	var n int64
	err := db.retry(ctx, "delete pairing codes", func(ctx context.Context) error {
		res, err := db.idb().NewDelete().Model((*pairingRow)(nil)).
			Where("user_id = ? AND (used_at IS NOT NULL OR expires_at < ?)", userID, instant(before)).Exec(ctx)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err == nil && n == 0 {
		err = db.requireUser(ctx, "delete pairing codes", userID)
	}
	return int(n), err
}

// AddPersonalToken stores a new personal access token.
func (db *DB) AddPersonalToken(ctx context.Context, t lifeops.PersonalToken) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return insertRow(ctx, db, "add personal token", &personalRow{ID: t.ID, UserID: t.UserID, Name: t.Name, Scope: string(t.Scope),
		Hash: t.Hash, CreatedAt: instant(t.CreatedAt), ExpiresAt: nullInstant(t.ExpiresAt)})
}

// PersonalTokenByHash returns the personal token with hash.
func (db *DB) PersonalTokenByHash(ctx context.Context, hash []byte) (lifeops.PersonalToken, error) {
	var r personalRow
	err := db.read(ctx, "get personal token", func(ctx context.Context) error {
		if len(hash) != lifeops.TokenHashSize {
			return sql.ErrNoRows
		}
		return db.idb().NewSelect().Model(&r).Where("hash = ?", hash).Scan(ctx)
	})
	return r.token(), err
}

// PersonalTokens lists the user's personal tokens ordered by CreatedAt,
// then ID.
func (db *DB) PersonalTokens(ctx context.Context, userID uuid.UUID) ([]lifeops.PersonalToken, error) {
	return listOf(ctx, db, "list personal tokens", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Order("created_at", "id")
	}, infallible(personalRow.token))
}

// DeletePersonalToken deletes the user's personal token.
func (db *DB) DeletePersonalToken(ctx context.Context, userID, id uuid.UUID) error {
	return db.retry(ctx, "delete personal token", func(ctx context.Context) error {
		res, err := db.idb().NewDelete().Model((*personalRow)(nil)).Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
		return affected(res, err)
	})
}
