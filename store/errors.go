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

// Kind classifies a database failure.
type Kind int

// The kinds of failure the store reports.
const (
	// KindInternal is anything the store cannot classify.
	KindInternal Kind = iota
	// KindNotFound: the row asked for does not exist, or a write names a
	// user or item that does not exist (a foreign-key violation).
	KindNotFound
	// KindConflict: a unique key is already taken.
	KindConflict
	// KindInvalid: the database refused a value (a check, a foreign key,
	// a length, a not-null or a type constraint).
	KindInvalid
	// KindUnavailable: the database cannot be reached, is closed, or the
	// operation was cancelled.
	KindUnavailable
	// KindRetryable: a serialization failure, deadlock or lock timeout
	// that persisted through every retry.
	KindRetryable
)

var kindNames = [...]string{"internal", "not found", "conflict", "invalid", "unavailable", "retryable"}

// String names the kind, as Error shows it.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// ErrClosed is returned by every operation on a DB after Close.
var ErrClosed = errors.New("store: database is closed")

// Error is a database failure translated by driver code (a Postgres
// SQLSTATE or a SQLite extended result code), never by message text.
type Error struct {
	// Op is the store operation that failed, for example "create user".
	Op string
	// Kind is the class of failure.
	Kind Kind
	// Code is the SQLSTATE on Postgres or the extended result code on
	// SQLite; empty when the failure did not come from the database.
	Code string
	// Constraint names the violated constraint when Postgres reports it.
	Constraint string
	// Err is the driver's error.
	Err error
}

// Error returns "store: OP: KIND (CODE CONSTRAINT): driver message".
func (e *Error) Error() string {
	s := "store: " + e.Op + ": " + e.Kind.String()
	switch {
	case e.Code != "" && e.Constraint != "":
		s += " (" + e.Code + " " + e.Constraint + ")"
	case e.Code != "":
		s += " (" + e.Code + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the driver's error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the lifeops sentinel of the error's Kind:
// lifeops.ErrNotFound, ErrConflict, ErrInvalid or ErrUnavailable (for
// KindUnavailable and KindRetryable). KindInternal matches none.
func (e *Error) Is(target error) bool {
	return isKind(e.Kind, target)
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
		return &Error{Op: op, Kind: KindUnavailable, Err: err}
	}
	e := &Error{Op: op, Kind: KindInternal, Err: err}
	var pgErr *pgconn.PgError
	var liteErr *sqlite.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		e.Kind = KindUnavailable
	case errors.Is(err, sql.ErrNoRows):
		e.Kind = KindNotFound
	case errors.Is(err, sql.ErrConnDone), errors.Is(err, sql.ErrTxDone):
		e.Kind = KindUnavailable
	case errors.As(err, &pgErr):
		e.Code, e.Constraint = pgErr.Code, pgErr.ConstraintName
		e.Kind = pgKind(pgErr.Code)
	case errors.As(err, &liteErr):
		e.Code = strconv.Itoa(liteErr.Code())
		e.Kind = sqliteKind(liteErr.Code())
	default:
		var ce *pgconn.ConnectError
		if errors.As(err, &ce) || pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
			e.Kind = KindUnavailable
		}
	}
	return e
}

// pgKind maps a SQLSTATE to a Kind.
func pgKind(code string) Kind {
	switch {
	case code == "23505":
		return KindConflict
	case code == "23503": // a write for a user or item that does not exist
		return KindNotFound
	case code == "40001", code == "40P01", code == "55P03":
		return KindRetryable
	case code == "57014": // query_canceled
		return KindUnavailable
	case len(code) == 2+3 && code[:2] == "23", // integrity constraint violation
		len(code) == 5 && code[:2] == "22", // data exception: too long, bad text
		len(code) == 5 && code[:2] == "54": // program limit: a value too big or too deep, as SQLITE_TOOBIG
		return KindInvalid
	case len(code) == 5 && (code[:2] == "08" || code[:2] == "53" || code[:2] == "57"):
		return KindUnavailable
	}
	return KindInternal
}

// sqliteKind maps a SQLite extended result code to a Kind.
func sqliteKind(code int) Kind {
	switch code {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return KindConflict
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return KindNotFound
	case sqlite3.SQLITE_INTERRUPT:
		return KindUnavailable
	case sqlite3.SQLITE_TOOBIG:
		return KindInvalid
	}
	switch code & 0xff { // the primary result code
	case sqlite3.SQLITE_CONSTRAINT, sqlite3.SQLITE_MISMATCH, sqlite3.SQLITE_RANGE:
		return KindInvalid
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return KindRetryable
	case sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT:
		return KindUnavailable
	}
	return KindInternal
}

// isRetryable reports whether err is a transient lock or serialization
// failure worth running the whole operation again.
func isRetryable(err error) bool {
	if errors.Is(err, errVanished) {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgKind(pgErr.Code) == KindRetryable
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		return sqliteKind(liteErr.Code()) == KindRetryable
	}
	return false
}

// retry runs fn until it succeeds, fails for a reason other than a
// transient conflict, or has been tried 1+db.opts.Retries times. Only
// idempotent operations may be retried: each attempt must be one whole
// transaction.
func (db *DB) retry(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	if db.isClosed() {
		return &Error{Op: op, Kind: KindUnavailable, Err: ErrClosed}
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

func errorf(op string, kind Kind, format string, args ...any) error {
	return &Error{Op: op, Kind: kind, Err: fmt.Errorf(format, args...)}
}

// errOtherUser reports a record that exists, but for another user.
var errOtherUser = errors.New("the record belongs to another user")

// errNoUser reports a user that does not exist.
var errNoUser = errors.New("no such user")
