package score

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// ErrInvalid is matched (with errors.Is) by every validation error of this
// package, so a caller can map all of them to one "invalid input" response.
var ErrInvalid = errors.New("score: invalid input")

// ValidationError names one bad input field. Field is a JSON-style path such
// as "sleep.score", "weights.habits" or "day_start_hour"; Message says what is
// wrong in words that are safe to show to the person who sent the value.
//
// A ValidationError matches [ErrInvalid] with errors.Is. When several fields
// are bad, the functions of this package return all of them joined with
// errors.Join; [FieldErrors] lists them.
type ValidationError struct {
	Field   string
	Message string
}

// Error returns "score: invalid <field>: <message>".
func (e *ValidationError) Error() string {
	return fmt.Sprintf("score: invalid %s: %s", e.Field, e.Message)
}

// Is reports whether target is [ErrInvalid].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// FieldErrors returns every [*ValidationError] inside err, in order, looking
// through errors wrapped with %w and joined with errors.Join. It returns nil
// when err holds none.
func FieldErrors(err error) []*ValidationError {
	var out []*ValidationError
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if ve, ok := e.(*ValidationError); ok {
			out = append(out, ve)
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

// problems collects validation errors while a value is checked.
type problems struct {
	errs []error
}

func (p *problems) add(field, format string, args ...any) {
	p.errs = append(p.errs, &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// err returns nil, the only error, or all of them joined.
func (p *problems) err() error {
	switch len(p.errs) {
	case 0:
		return nil
	case 1:
		return p.errs[0]
	default:
		return errors.Join(p.errs...)
	}
}

// path joins JSON path segments, skipping empty ones.
func path(parts ...string) string {
	parts = slices.DeleteFunc(slices.Clone(parts), func(s string) bool { return s == "" })
	return strings.Join(parts, ".")
}
