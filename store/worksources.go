package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
)

type workSourceRow struct {
	bun.BaseModel `bun:"table:work_sources"`

	UserID    uuid.UUID      `bun:"user_id,pk"`
	Source    string         `bun:"source,pk"`
	Settings  jsonText       `bun:"settings"`
	Secrets   []byte         `bun:"secrets"` // the sealed JSON object of the secrets; NULL without any
	KeyID     sql.NullString `bun:"key_id"`
	Version   int64          `bun:"version"`
	UpdatedAt instant        `bun:"updated_at"`
}

// workSourceAAD binds sealed secrets to their row, so secrets copied into
// another person's row, or another source's, fail to open.
func workSourceAAD(userID uuid.UUID, source string) []byte {
	return []byte("lifeops/work-source/" + userID.String() + "/" + source)
}

// sealWorkSource makes the row of s, its secrets sealed with the primary
// key of Options.Keys; settings without secrets need no key.
func (db *DB) sealWorkSource(s lifeops.WorkSourceSettings) (workSourceRow, error) {
	row := workSourceRow{UserID: s.UserID, Source: s.Source, Settings: jsonText(s.Settings), Version: s.Version, UpdatedAt: instant(s.UpdatedAt)}
	if len(s.Secrets) == 0 {
		return row, nil
	}
	keys := db.opts.Keys
	if keys == nil {
		return row, ErrNoKey
	}
	clear := make(map[string]string, len(s.Secrets))
	for name, v := range s.Secrets {
		clear[name] = v.Reveal()
	}
	plain, err := json.Marshal(clear)
	if err != nil {
		return row, err
	}
	if row.Secrets, err = keys.Seal(plain, workSourceAAD(s.UserID, s.Source)); err != nil {
		return row, err
	}
	row.KeyID = sql.NullString{String: keys.Primary(), Valid: true}
	return row, nil
}

// openWorkSource reads a row back, its secrets opened.
func (db *DB) openWorkSource(r workSourceRow) (lifeops.WorkSourceSettings, error) {
	s := lifeops.WorkSourceSettings{UserID: r.UserID, Source: r.Source, Settings: json.RawMessage(r.Settings),
		Version: r.Version, UpdatedAt: utc(time.Time(r.UpdatedAt))}
	if r.Secrets == nil {
		return s, nil
	}
	keys := db.opts.Keys
	if keys == nil {
		return s, ErrNoKey
	}
	plain, err := keys.Open(r.Secrets, workSourceAAD(r.UserID, r.Source))
	if err != nil {
		return s, err
	}
	var clear map[string]string
	if err := json.Unmarshal(plain, &clear); err != nil {
		return s, err
	}
	s.Secrets = make(map[string]lifeops.Secret, len(clear))
	for name, v := range clear {
		s.Secrets[name] = lifeops.NewSecret(v)
	}
	return s, nil
}

// PutWorkSource upserts s on (UserID, Source), its secrets sealed with the
// primary key of Options.Keys. Settings with secrets need a Keyring:
// without one it fails with an error matching ErrNoKey and writes nothing.
func (db *DB) PutWorkSource(ctx context.Context, s lifeops.WorkSourceSettings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	row, err := db.sealWorkSource(s)
	if err != nil {
		return credentialErr("put work source", err)
	}
	if err := checkRow(&row); err != nil {
		return err
	}
	return db.retry(ctx, "put work source", func(ctx context.Context) error {
		_, err := upsert(db.idb().NewInsert().Model(&row), "user_id", "source").Exec(ctx)
		return err
	})
}

// WorkSource returns the user's settings for source, secrets opened.
func (db *DB) WorkSource(ctx context.Context, userID uuid.UUID, source string) (lifeops.WorkSourceSettings, error) {
	const op = "get work source"
	if !storableKeys(source) {
		return lifeops.WorkSourceSettings{}, &Error{Op: op, Code: lifeops.CodeNotFound, Err: sql.ErrNoRows}
	}
	var r workSourceRow
	if err := db.read(ctx, op, func(ctx context.Context) error {
		return db.idb().NewSelect().Model(&r).Where("user_id = ? AND source = ?", userID, source).Scan(ctx)
	}); err != nil {
		return lifeops.WorkSourceSettings{}, err
	}
	s, err := db.openWorkSource(r)
	if err != nil {
		return lifeops.WorkSourceSettings{}, credentialErr(op, err)
	}
	return s, nil
}

// WorkSources returns the user's settings of every source, ordered by
// source, secrets opened.
func (db *DB) WorkSources(ctx context.Context, userID uuid.UUID) ([]lifeops.WorkSourceSettings, error) {
	const op = "list work sources"
	return listOf(ctx, db, op, userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Order("source")
	}, func(r workSourceRow) (lifeops.WorkSourceSettings, error) {
		s, err := db.openWorkSource(r)
		if err != nil {
			return s, credentialErr(op, err)
		}
		return s, nil
	})
}

// workSourcesSealed lists the user's settings without their secrets,
// which it does not open, so it needs no key.
func (db *DB) workSourcesSealed(ctx context.Context, userID uuid.UUID) ([]lifeops.WorkSourceSettings, error) {
	return listOf(ctx, db, "list work sources", userID, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Order("source")
	}, func(r workSourceRow) (lifeops.WorkSourceSettings, error) {
		r.Secrets = nil
		return db.openWorkSource(r)
	})
}

// DeleteWorkSource deletes the user's settings for source.
func (db *DB) DeleteWorkSource(ctx context.Context, userID uuid.UUID, source string) error {
	const op = "delete work source"
	if !storableKeys(source) {
		return &Error{Op: op, Code: lifeops.CodeNotFound, Err: sql.ErrNoRows}
	}
	return db.retry(ctx, op, func(ctx context.Context) error {
		res, err := db.idb().NewDelete().Model((*workSourceRow)(nil)).
			Where("user_id = ? AND source = ?", userID, source).Exec(ctx)
		return affected(res, err)
	})
}

// rotateWorkSources re-seals, in tx, the secrets of work sources not
// sealed under the primary key, as rotatePass does for credentials.
func (db *DB) rotateWorkSources(ctx context.Context, tx bun.Tx, keys *Keyring) (n int, raced bool, err error) {
	var rows []workSourceRow
	if err := tx.NewSelect().Model(&rows).Where("key_id IS NOT NULL AND key_id <> ?", keys.Primary()).Scan(ctx); err != nil {
		return 0, false, err
	}
	for _, r := range rows {
		s, err := db.openWorkSource(r)
		if err != nil {
			return n, raced, credentialErr("rotate keys", err)
		}
		sealed, err := db.sealWorkSource(s)
		if err != nil {
			return n, raced, credentialErr("rotate keys", err)
		}
		res, err := tx.NewUpdate().Model(&sealed).Column("secrets", "key_id").
			Where("user_id = ? AND source = ? AND key_id = ? AND secrets = ?", r.UserID, r.Source, r.KeyID, r.Secrets).Exec(ctx)
		if err != nil {
			return n, raced, err
		}
		k, err := res.RowsAffected()
		if err != nil {
			return n, raced, err
		}
		n += int(k)
		raced = raced || k == 0
	}
	return n, raced, nil
}
