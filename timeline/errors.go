package timeline

import (
	"errors"
	"fmt"
)

// ErrInvalid is matched, with [errors.Is], by every validation error of this
// package. Callers that map errors to a code (an HTTP 400, say) test for it.
var ErrInvalid = errors.New("timeline: invalid input")

// ValidationError reports one bad input. Field is a JSON path into the
// item as HTTP_API.md shapes it ("schedule.days", "offset_minutes",
// "anchor.time"), so a client can point at the offending control; Message
// is safe to show to the person who typed the value.
//
// A ValidationError matches [ErrInvalid] with [errors.Is].
type ValidationError struct {
	Field   string
	Message string
}

// Error returns "timeline: <field>: <message>".
func (e *ValidationError) Error() string {
	return fmt.Sprintf("timeline: %s: %s", e.Field, e.Message)
}

// Is reports whether target is [ErrInvalid].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// FieldErrors returns every [*ValidationError] inside err, in order. Validate
// methods report all the problems they find at once, joined with
// [errors.Join]; FieldErrors flattens that tree for a response body's
// "errors" list. It returns nil when err holds none.
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

func invalid(field, format string, args ...any) *ValidationError {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// problems collects validation errors in the order they are found.
type problems []error

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, invalid(field, format, args...))
}

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
