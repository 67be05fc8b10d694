package lifeops

import "errors"

// translate returns an error of the score or timeline package as the
// Service reports it. Their validation errors are already this package's
// (check.Error, field and reason kept); a bare ErrInvalid with no field
// gets the field "input". Other errors pass through unchanged; nil stays
// nil.
func translate(err error) error {
	if err == nil || len(FieldErrors(err)) > 0 || !errors.Is(err, ErrInvalid) {
		return err
	}
	return &ValidationError{Field: "input", Reason: "is invalid", Err: err}
}
