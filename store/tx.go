package store

import (
	"context"
	"errors"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"github.com/lifeops/lifeops/lifeops"
)

// idb is what queries run on: the pool, or the transaction of a DB made by
// InTx.
func (db *DB) idb() bun.IDB {
	if db.tx != nil {
		return db.tx
	}
	return db.bun
}

// InTx runs fn with a DB whose every operation runs in one transaction on
// one connection, and commits when fn returns nil; any error rolls all of
// it back. A serialization failure, deadlock or lock timeout runs fn again
// from the start (up to Options.Retries times), so fn must be safe to
// repeat: it should only call the DB it is given. Inside fn, a DB's own
// retries are off, bulk heart-rate loads use savepoints, and InTx on the
// given DB joins the same transaction.
func (db *DB) InTx(ctx context.Context, fn func(tx *DB) error) error {
	if db.tx != nil {
		return fn(db)
	}
	return db.retry(ctx, "transaction", func(ctx context.Context) error {
		conn, err := db.bun.Conn(ctx)
		if err != nil {
			return err
		}
		defer conn.Close()
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		txdb := &DB{bun: db.bun, dialect: db.dialect, opts: db.opts, migrateMu: db.migrateMu, tx: &tx, conn: &conn}
		committed := false
		defer func() {
			if !committed {
				// fn panicked: end the transaction before the
				// connection goes back to the pool, so no lock outlives
				// the panic.
				_ = tx.Rollback()
			}
		}()
		if err := fn(txdb); err != nil {
			committed = true
			return errors.Join(err, ignoreDone(tx.Rollback()))
		}
		committed = true
		return tx.Commit()
	})
}

// Update implements [lifeops.Transactor]: fn runs in one transaction
// (retried from the start after a serialization failure or deadlock, as
// InTx does) that first takes the person's lock: on Postgres the user's
// row, locked by an UPDATE, so units of work of different people run side
// by side; on SQLite the database's write lock, which BEGIN IMMEDIATE
// takes at once (SQLite has one writer at a time). Taking the lock raises
// the person's data version. Inside fn, Update for the same user joins
// the transaction.
func (db *DB) Update(ctx context.Context, userID uuid.UUID, fn func(tx lifeops.Store) error) error {
	if db.tx != nil {
		if db.unit != uuid.Nil {
			if db.unit != userID {
				return &Error{Op: "update", Code: lifeops.CodeInvalid, Err: errors.New("a unit of work of one person cannot change another's")}
			}
			return fn(db)
		}
	}
	return db.InTx(ctx, func(tx *DB) error {
		unit := &DB{bun: tx.bun, dialect: tx.dialect, opts: tx.opts, migrateMu: tx.migrateMu, tx: tx.tx, conn: tx.conn, unit: userID}
		if err := unit.lockUser(ctx, userID); err != nil {
			return err
		}
		return fn(unit)
	})
}

// lockUser takes the person's lock in the transaction, or reports an
// unknown person. The statement that takes it raises the person's data
// version (see DataVersion), so readers learn that the unit wrote; on
// Postgres the row lock of the UPDATE is the person's lock.
func (db *DB) lockUser(ctx context.Context, userID uuid.UUID) error {
	var id uuid.UUID
	err := db.idb().NewUpdate().Model((*userRow)(nil)).Set("data_version = data_version + 1").
		Where("id = ?", userID).Returning("id").Scan(ctx, &id)
	if err != nil {
		return wrapErr("lock user", err)
	}
	return nil
}

// DataVersion implements [lifeops.SnapshotStore]: the person's data
// version, in one statement.
func (db *DB) DataVersion(ctx context.Context, userID uuid.UUID) (int64, error) {
	var v int64
	err := db.read(ctx, "data version", func(ctx context.Context) error {
		return db.idb().NewSelect().Model((*userRow)(nil)).Column("data_version").Where("id = ?", userID).Scan(ctx, &v)
	})
	return v, err
}

// writeRows upserts rows on the conflict columns, all or nothing, in
// multi-row statements of batchRows rows: in the caller's transaction, or
// in one of its own.
func writeRows[T any](ctx context.Context, db *DB, op string, rows []T, conflict ...string) error {
	if len(rows) == 0 {
		return nil
	}
	return db.InTx(ctx, func(tx *DB) error {
		for start := 0; start < len(rows); start += batchRows {
			chunk := rows[start:min(start+batchRows, len(rows))]
			if _, err := upsert(tx.idb().NewInsert().Model(&chunk), conflict...).Exec(ctx); err != nil {
				return wrapErr(op, err)
			}
		}
		return nil
	})
}

// ignoreDone drops the error of rolling back a transaction that already
// ended.
func ignoreDone(err error) error {
	if err == nil || errors.Is(err, errTxDone) {
		return nil
	}
	return err
}
