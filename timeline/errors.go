package timeline

import (
	"errors"

	"github.com/lifeops/lifeops/lifeops/check"
)

// ErrInvalid is matched, with [errors.Is], by every validation error of this
// package. Callers that map errors to a code (an HTTP 400, say) test for it.
// It is check.ErrInvalid, which every LifeOps package's errors match.
var ErrInvalid = check.ErrInvalid

// ValidationError reports one bad input: check.Error, the one validation
// error of LifeOps. Field is a JSON path into the item as its JSON form
// shapes it ("schedule.days", "offset_minutes", "anchor.time"), so a
// client can point at the offending control; Reason is safe to show to the
// person who typed the value.
//
// A ValidationError matches [ErrInvalid] with [errors.Is].
type ValidationError = check.Error

// FieldErrors returns every [*ValidationError] inside err, in order. Validate
// methods report all the problems they find at once, joined with
// [errors.Join]; FieldErrors flattens that tree for a response body's
// "errors" list. It returns nil when err holds none.
func FieldErrors(err error) []*ValidationError { return check.Fields(err) }

func invalid(field, format string, args ...any) *ValidationError {
	return check.Errorf(field, format, args...)
}

// clip cuts an input quoted in a message to a short prefix.
func clip(s string) string { return check.Clip(s) }

// addMessage appends a reason composed elsewhere (by another check of this
// package, which clipped its own inputs) without clipping it again.
func (p *problems) addMessage(field, reason string) {
	*p = append(*p, &ValidationError{Field: field, Reason: reason})
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
