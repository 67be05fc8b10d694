package lifeops

import (
	"errors"

	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// translate turns the validation errors of the score and timeline packages
// into this package's *ValidationError values, keeping each field name and
// message, and the original error as the cause so errors.As still finds it.
// Several field errors come back joined. Other errors pass through
// unchanged; nil stays nil.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var p problems
	for _, fe := range timeline.FieldErrors(err) {
		p = append(p, &ValidationError{Field: fe.Field, Reason: fe.Message, Err: fe})
	}
	for _, fe := range score.FieldErrors(err) {
		p = append(p, &ValidationError{Field: fe.Field, Reason: fe.Message, Err: fe})
	}
	if len(p) == 0 {
		if errors.Is(err, timeline.ErrInvalid) || errors.Is(err, score.ErrInvalid) {
			return &ValidationError{Field: "input", Reason: "is invalid", Err: err}
		}
		return err
	}
	return p.err()
}
