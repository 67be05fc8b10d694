package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/lifeops/lifeops/lifeops"
)

// errTxDone is what database/sql returns for a transaction already
// committed or rolled back.
var errTxDone = sql.ErrTxDone

// ErrClosed is returned by every operation on a DB after Close.
var ErrClosed = errors.New("store: database is closed")

// Error is a database failure translated by driver code (a Postgres
// SQLSTATE or a SQLite extended result code), never by message text, into
// the lifeops code callers branch on.
type Error struct {
	// Op is the store operation that failed, for example "create user".
	Op string
	// Code is the class of failure: lifeops.CodeNotFound (the row asked
	// for does not exist, or a write names a user or item that does not),
	// CodeConflict (a unique key is taken), CodeInvalid (the database
	// refused a value: a check, a length, a type), CodeUnavailable (the
	// database cannot be reached, is closed, the operation was cancelled,
	// or a transient conflict outlasted every retry), or CodeInternal.
	Code lifeops.Code
	// Transient is set for a serialization failure, deadlock or lock
	// timeout that persisted through every retry (Code is unavailable):
	// running the operation again later may work.
	Transient bool
	// DBCode is the SQLSTATE on Postgres or the extended result code on
	// SQLite; empty when the failure did not come from the database.
	DBCode string
	// Constraint names the violated constraint when Postgres reports it.
	Constraint string
	// Err is the driver's error.
	Err error
}

// Error returns "store: OP: CODE (DBCODE CONSTRAINT): driver message".
func (e *Error) Error() string {
	s := "store: " + e.Op + ": " + string(e.Code)
	if e.Transient {
		s += ", transient"
	}
	switch {
	case e.DBCode != "" && e.Constraint != "":
		s += " (" + e.DBCode + " " + e.Constraint + ")"
	case e.DBCode != "":
		s += " (" + e.DBCode + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the driver's error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the lifeops sentinel of the error's Code:
// lifeops.ErrNotFound, ErrConflict, ErrInvalid or ErrUnavailable;
// CodeInternal matches none.
func (e *Error) Is(target error) bool {
	switch e.Code {
	case lifeops.CodeNotFound:
		return target == lifeops.ErrNotFound
	case lifeops.CodeConflict:
		return target == lifeops.ErrConflict
	case lifeops.CodeInvalid:
		return target == lifeops.ErrInvalid
	case lifeops.CodeUnavailable:
		return target == lifeops.ErrUnavailable
	}
	return false
}

// wrapErr classifies err for the operation op. It returns nil for nil and
// passes through errors the store already classified.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *Error
	var ve *lifeops.ValidationError
	var le *lifeops.Error
	if errors.As(err, &se) || errors.As(err, &ve) || errors.As(err, &le) {
		return err // already classified
	}
	if errors.Is(err, ErrClosed) {
		return &Error{Op: op, Code: lifeops.CodeUnavailable, Err: err}
	}
	e := &Error{Op: op, Code: lifeops.CodeInternal, Err: err}
	var pgErr *pgconn.PgError
	var liteErr *sqlite.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		e.Code = lifeops.CodeUnavailable
	case errors.Is(err, sql.ErrNoRows):
		e.Code = lifeops.CodeNotFound
	case errors.Is(err, sql.ErrConnDone), errors.Is(err, sql.ErrTxDone):
		e.Code = lifeops.CodeUnavailable
	case errors.As(err, &pgErr):
		e.DBCode, e.Constraint = pgErr.Code, pgErr.ConstraintName
		e.Code, e.Transient = pgClass(pgErr.Code)
	case errors.As(err, &liteErr):
		e.DBCode = strconv.Itoa(liteErr.Code())
		e.Code, e.Transient = sqliteClass(liteErr.Code())
	default:
		var ce *pgconn.ConnectError
		if errors.As(err, &ce) || pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
			e.Code = lifeops.CodeUnavailable
		}
	}
	return e
}

// pgClass maps a SQLSTATE to a code, and says whether the failure is a
// transient conflict worth retrying (its code is then unavailable).
func pgClass(code string) (lifeops.Code, bool) {
	switch {
	case code == "23505":
		return lifeops.CodeConflict, false
	case code == "23503": // a write for a user or item that does not exist
		return lifeops.CodeNotFound, false
	case code == "40001", code == "40P01", code == "55P03":
		return lifeops.CodeUnavailable, true
	case code == "57014": // query_canceled
		return lifeops.CodeUnavailable, false
	case len(code) == 2+3 && code[:2] == "23", // integrity constraint violation
		len(code) == 5 && code[:2] == "22", // data exception: too long, bad text
		len(code) == 5 && code[:2] == "54": // program limit: a value too big or too deep, as SQLITE_TOOBIG
		return lifeops.CodeInvalid, false
	case len(code) == 5 && (code[:2] == "08" || code[:2] == "53" || code[:2] == "57"):
		return lifeops.CodeUnavailable, false
	}
	return lifeops.CodeInternal, false
}

// sqliteClass maps a SQLite extended result code to a code, as pgClass.
func sqliteClass(code int) (lifeops.Code, bool) {
	switch code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return lifeops.CodeConflict, false
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return lifeops.CodeNotFound, false
	case sqlite3.SQLITE_INTERRUPT:
		return lifeops.CodeUnavailable, false
	case sqlite3.SQLITE_TOOBIG:
		return lifeops.CodeInvalid, false
	}
	switch code & 0xff { // the primary result code
	case sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_RANGE:
		return lifeops.CodeInvalid, false
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return lifeops.CodeUnavailable, true
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return lifeops.CodeUnavailable, false
	}
	return lifeops.CodeInternal, false
}

// isRetryable reports whether err is a transient lock or serialization
// failure worth running the whole operation again.
func isRetryable(err error) bool {
	if errors.Is(err, errVanished) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		_, transient := pgClass(pgErr.Code)
		return transient
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		_, transient := sqliteClass(liteErr.Code())
		return transient
	}
	return false
}

// retry runs fn until it succeeds, fails for a reason other than a
// transient conflict, or has been tried 1+db.opts.Retries times. Only
// idempotent operations may be retried: each attempt must be one whole
// transaction.
func (db *DB) retry(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	if db.isClosed() {
		return &Error{Op: op, Code: lifeops.CodeUnavailable, Err: ErrClosed}
	}
	if db.tx != nil {
		// Inside InTx a failed statement may have aborted the whole
		// transaction: InTx retries all of it instead.
		return wrapErr(op, fn(ctx))
	}
	backoff := 5 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := fn(ctx)
		if err == nil || !isRetryable(err) || attempt >= db.opts.Retries {
			return wrapErr(op, err)
		}
		db.opts.Logger.DebugContext(ctx, "store: retrying after a transient conflict", "op", op, "attempt", attempt+1, "err", err)
		wait := backoff/2 + rand.N(backoff)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return wrapErr(op, errors.Join(ctx.Err(), err))
		case <-t.C:
		}
		backoff *= 2
	}
}

func errorf(op string, code lifeops.Code, format string, args ...any) error {
	return &Error{Op: op, Code: code, Err: fmt.Errorf(format, args...)}
}

// errOtherUser reports a record that exists, but for another user.
var errOtherUser = errors.New("the record belongs to another user")

// errNoUser reports a user that does not exist.
var errNoUser = errors.New("no such user")
