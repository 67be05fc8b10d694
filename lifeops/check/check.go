// Package check holds the one validation error of LifeOps: which field of
// an input is wrong, and why, in words safe to show to the person who sent
// it. Every package reports bad input with it (score, timeline, lifeops and
// the adapters, each under its own name for it), so a caller lists the
// fields of any error the same way and one errors.Is(err, ErrInvalid)
// recognises them all. It imports the standard library only and sits below
// every other package.
package check

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrInvalid is matched, with errors.Is, by every [*Error].
var ErrInvalid = errors.New("invalid input")

// Error says which field of an input is wrong and why.
type Error struct {
	// Field is the field as the API names it: a JSON path such as
	// "schedule.days", "weights.habits" or "day_start_hour".
	Field string
	// Reason says what is wrong, safe to show: "must be between 0 and 23".
	Reason string
	// Err is the underlying error, if any.
	Err error
}

// Errorf returns an *Error for field with a formatted reason. String
// arguments, which are where the input shows, are cut with [Clip], so a
// reason quotes at most a short prefix of whatever was sent. A reason
// composed elsewhere goes into an Error literal instead.
func Errorf(field, format string, args ...any) *Error {
	for i, a := range args {
		if s, ok := a.(string); ok {
			args[i] = Clip(s)
		}
	}
	return &Error{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// MaxQuoted is the most characters of an input a reason quotes.
const MaxQuoted = 60

// Clip returns s cut to MaxQuoted characters, with "…" when it was longer,
// and bytes that are not UTF-8 replaced by U+FFFD.
func Clip(s string) string {
	if len(s) > MaxQuoted*utf8.UTFMax || utf8.RuneCountInString(s) > MaxQuoted {
		s = string([]rune(s[:min(len(s), MaxQuoted*utf8.UTFMax)])[:MaxQuoted]) + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// Error returns "invalid <field>: <reason>".
func (e *Error) Error() string { return "invalid " + e.Field + ": " + e.Reason }

// Unwrap returns the underlying error, if any.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is [ErrInvalid].
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Fields returns every [*Error] inside err, in order, looking through
// errors wrapped with %w and joined with errors.Join (but not inside an
// *Error: its cause is its own). Validate methods report all the problems
// they find at once; Fields flattens them for a response's list of field
// errors. It returns nil when err holds none.
func Fields(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if fe, ok := e.(*Error); ok {
			out = append(out, fe)
			return
		}
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			for _, x := range u.Unwrap() {
				walk(x)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// Problems collects the problems of an input, in the order found.
type Problems []error

// Add records a problem of field with a formatted reason.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, Errorf(field, format, args...))
}

// AddErr records err (a problem or a join of them) unless it is nil.
func (p *Problems) AddErr(err error) {
	if err != nil {
		*p = append(*p, err)
	}
}

// Err returns nil, the only problem, or all of them joined.
func (p Problems) Err() error {
	switch len(p) {
	case 0:
		return nil
	case 1:
		return p[0]
	default:
		return errors.Join(p...)
	}
}
