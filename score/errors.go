package score

import (
	"errors"

	"slices"
	"strings"

	"github.com/lifeops/lifeops/lifeops/check"
)

// ErrInvalid is matched (with errors.Is) by every validation error of this
// package, so a caller can map all of them to one "invalid input" response.
// It is check.ErrInvalid, which every LifeOps package's errors match.
var ErrInvalid = check.ErrInvalid

// ValidationError names one bad input field: check.Error, the one
// validation error of LifeOps. Field is a JSON-style path such as
// "sleep.score", "weights.habits" or "day_start_hour"; Reason says what is
// wrong in words that are safe to show to the person who sent the value.
//
// A ValidationError matches [ErrInvalid] with errors.Is. When several fields
// are bad, the functions of this package return all of them joined with
// errors.Join; [FieldErrors] lists them.
type ValidationError = check.Error

// FieldErrors returns every [*ValidationError] inside err, in order, looking
// through errors wrapped with %w and joined with errors.Join. It returns nil
// when err holds none.
func FieldErrors(err error) []*ValidationError { return check.Fields(err) }

// problems collects validation errors while a value is checked.
type problems struct {
	errs []error
}

func (p *problems) add(field, format string, args ...any) {
	p.errs = append(p.errs, check.Errorf(field, format, args...))
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
