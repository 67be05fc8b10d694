package lifeops

import (
	"context"
	"errors"
	"fmt"

	"github.com/lifeops/lifeops/lifeops/check"
)

// Code classifies an error for the edges of the system: an HTTP server maps
// each code to one status, a CLI to one exit message. The set is closed;
// anything that is none of these is [CodeInternal].
type Code string

// The error codes. Their string values are stable and safe to put on the
// wire.
const (
	CodeInvalid      Code = "invalid"      // the input breaks a rule; the caller must change it
	CodeNotFound     Code = "not_found"    // the record does not exist (or belongs to someone else)
	CodeConflict     Code = "conflict"     // the request clashes with the current state
	CodeUnauthorized Code = "unauthorized" // credentials are missing, expired or revoked
	CodeUnavailable  Code = "unavailable"  // a dependency is down or not configured; retrying may work
	CodeInternal     Code = "internal"     // a bug or an unexpected failure; details are logged, not shown
)

// The sentinels, one per code. Every error of this package and of its
// adapters matches the sentinel of its code with errors.Is (internal errors
// match none), so callers can branch without knowing the concrete type:
//
//	if errors.Is(err, lifeops.ErrNotFound) { ... }
//
// An error that wraps a cause with a code of its own matches the cause's
// sentinel too (a sync that failed on invalid provider data is unavailable,
// and its cause invalid); [ErrorCode] gives the code that counts, that of
// the outermost.
var (
	ErrInvalid      = check.ErrInvalid // the one of every validation error of LifeOps
	ErrNotFound     = errors.New("lifeops: not found")
	ErrConflict     = errors.New("lifeops: conflict")
	ErrUnauthorized = errors.New("lifeops: unauthorized")
	ErrUnavailable  = errors.New("lifeops: unavailable")
)

// ErrNotConfigured is what a [WorkStatsSource] returns (wrapped or as it
// is) for a person who has not set it up: Sync passes over the source for
// that person. Shown to a caller, it is a not-found error.
var ErrNotConfigured error = &Error{Code: CodeNotFound, Message: "The source is not set up for this person.", Err: errNotConfigured}

var errNotConfigured = errors.New("lifeops: source not configured")

// sentinel returns the sentinel of c, or nil for CodeInternal and unknown
// codes.
func (c Code) sentinel() error {
	switch c {
	case CodeInvalid:
		return ErrInvalid
	case CodeNotFound:
		return ErrNotFound
	case CodeConflict:
		return ErrConflict
	case CodeUnauthorized:
		return ErrUnauthorized
	case CodeUnavailable:
		return ErrUnavailable
	}
	return nil
}

// defaultMessage is what a user is shown for an error of code c that carries
// no message of its own.
func (c Code) defaultMessage() string {
	switch c {
	case CodeInvalid:
		return "The request is invalid."
	case CodeNotFound:
		return "Not found."
	case CodeConflict:
		return "The request conflicts with the current state."
	case CodeUnauthorized:
		return "Authorization is missing or has expired."
	case CodeUnavailable:
		return "A service this needs is unavailable; try again later."
	}
	return "Internal error."
}

// Error is an application error: a [Code], a Message that is safe to show to
// the person using the product, and optionally the underlying cause, which
// is for logs only. It matches the sentinel of its code with errors.Is and
// unwraps to its cause.
type Error struct {
	Code    Code   // what kind of failure this is
	Message string // safe to show: no internal details, no secrets
	Err     error  // the cause, if any; for logs, never shown
}

// Errorf returns an *Error with code c and no cause, its message formatted
// from format and args. The message is shown to users: keep internals out.
func Errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// WrapError returns an *Error with code c, the safe message msg, and cause as
// its cause, which errors.Is and errors.As reach but users never see.
func WrapError(c Code, cause error, msg string) *Error {
	return &Error{Code: c, Message: msg, Err: cause}
}

// Error returns the code and the message, and the cause when there is one.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code.defaultMessage()
	}
	if e.Err != nil {
		return fmt.Sprintf("lifeops: %s: %s: %v", e.Code, msg, e.Err)
	}
	return fmt.Sprintf("lifeops: %s: %s", e.Code, msg)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel of e's code.
func (e *Error) Is(target error) bool {
	s := e.Code.sentinel()
	return s != nil && target == s
}

// ValidationError says which field of an input is wrong and why: Field as
// the API names it ("day_start_hour", "schedule.interval"), Reason safe to
// show ("must be between 0 and 23"). It is check.Error, the one validation
// error of LifeOps, which the score and timeline packages report too, so
// their errors pass through the Service as they are. It matches
// [ErrInvalid] with errors.Is.
type ValidationError = check.Error

// invalid returns a *ValidationError for field with a formatted reason.
func invalid(field, format string, args ...any) *ValidationError {
	return check.Errorf(field, format, args...)
}

// coded is implemented by the typed errors of this package that carry a
// code of their own.
type coded interface {
	error
	code() Code
	safeMessage() string
}

// outermost returns the first error in err's tree, in the order errors.As
// looks, that carries a code: a coded error of this package or a
// validation error.
func outermost(err error) (coded, *ValidationError) {
	for err != nil {
		if c, ok := err.(coded); ok {
			return c, nil
		}
		if ve, ok := err.(*ValidationError); ok {
			return nil, ve
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				if c, ve := outermost(x); c != nil || ve != nil {
					return c, ve
				}
			}
			return nil, nil
		case interface{ Unwrap() error }:
			err = u.Unwrap()
		default:
			return nil, nil
		}
	}
	return nil, nil
}

func (e *Error) code() Code {
	if e.Code.sentinel() == nil {
		return CodeInternal
	}
	return e.Code
}

func (e *Error) safeMessage() string {
	if e.code() == CodeInternal || e.Message == "" {
		return e.code().defaultMessage()
	}
	return e.Message
}

// ErrorCode returns the code of err: that of the outermost *Error or
// *ValidationError in its chain, else the code whose sentinel it matches,
// else [CodeUnavailable] for an ended context (context.DeadlineExceeded or
// context.Canceled: the request stopped before its end, and sending it again
// may work), else [CodeInternal]. A nil error returns "".
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	switch c, ve := outermost(err); {
	case c != nil:
		return c.code()
	case ve != nil:
		return CodeInvalid
	}
	for _, c := range []Code{CodeInvalid, CodeNotFound, CodeConflict, CodeUnauthorized, CodeUnavailable} {
		if errors.Is(err, c.sentinel()) {
			return c
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return CodeUnavailable
	}
	return CodeInternal
}

// ErrorMessage returns a message for err that is safe to show to a user:
// "<field>: <reason>" for a validation error, the Message of an *Error, a
// generic text for a bare sentinel, and "Internal error." for anything
// else, whose details belong in the log only. A nil error returns "".
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	switch c, ve := outermost(err); {
	case c != nil:
		return c.safeMessage()
	case ve != nil:
		return ve.Field + ": " + ve.Reason
	}
	return ErrorCode(err).defaultMessage()
}

// FieldErrors returns every *ValidationError inside err, in order, looking
// through errors wrapped with %w and joined with errors.Join. Validate
// methods report all the problems they find at once; FieldErrors flattens
// them for a response body's list of field errors. It returns nil when err
// holds none.
func FieldErrors(err error) []*ValidationError { return check.Fields(err) }

// problems collects validation errors in the order they are found.
type problems []error

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, invalid(field, format, args...))
}

// addErr appends err (a validation error or a join of them) unless it is nil.
func (p *problems) addErr(err error) {
	if err != nil {
		*p = append(*p, err)
	}
}

// err returns nil, the only error, or all of them joined.
func (p problems) err() error {
	switch len(p) {
	case 0:
		return nil
	case 1:
		return p[0]
	default:
		return errors.Join(p...)
	}
}

// ErrStale is matched by a [*StaleError]: a conditional update of a record
// whose version moved on.
var ErrStale = errors.New("lifeops: stale version")

// StaleError says a conditional update (an [ItemUpdate] or [ProfileUpdate]
// with IfVersion set, which an HTTP layer fills from If-Match) found the
// record at another version, so it changed nothing. It matches ErrConflict
// (its code is conflict) and ErrStale, by which an HTTP layer can answer
// 412 rather than 409.
type StaleError struct {
	What    string // "item" or "profile"
	Want    int64  // the version the caller had
	Current int64  // the version stored
}

// Error says which version was asked for and which is stored.
func (e *StaleError) Error() string {
	return fmt.Sprintf("lifeops: conflict: the %s is at version %d, not %d", e.What, e.Current, e.Want)
}

// Is reports whether target is ErrConflict or ErrStale.
func (e *StaleError) Is(target error) bool { return target == ErrConflict || target == ErrStale }

func (e *StaleError) code() Code { return CodeConflict }

func (e *StaleError) safeMessage() string {
	return fmt.Sprintf("The %s was changed since you read it (it is at version %d, not %d); read it again.", e.What, e.Current, e.Want)
}
