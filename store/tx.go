package store

import (
	"context"
	"errors"

	"github.com/uptrace/bun"
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
		if err := fn(txdb); err != nil {
			return errors.Join(err, ignoreDone(tx.Rollback()))
		}
		return tx.Commit()
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
