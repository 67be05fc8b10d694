package workstats

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops"
)

// Sentinel errors.
var (
	// ErrCircuitOpen: recent requests to the host failed with 5xx or
	// network errors, and its circuit breaker refuses requests until its
	// cool-down has passed.
	ErrCircuitOpen = errors.New("workstats: circuit open (the server looks down)")
	// ErrTooLarge: an answer was larger than the fetcher reads, or a feed
	// held more than its limits allow. Retrying does not help.
	ErrTooLarge = errors.New("workstats: answer too large")
)

// StatusError is an answer outside 2xx (and not 304).
type StatusError struct {
	Source string // the adapter, e.g. "activitywatch"
	Status int    // HTTP status code
	Target string // what was asked, without any secret: "GET /api/0/buckets/" or "GET https://calendar.example.com/…"
	// Detail is a short excerpt of the answer's body, with every secret
	// of the request replaced by [REDACTED].
	Detail string
	// RetryAfter is the wait the Retry-After header asked for, zero when
	// absent or unreadable.
	RetryAfter time.Duration
}

// Error implements error.
func (e *StatusError) Error() string {
	var b strings.Builder
	b.WriteString(e.Source + ": " + e.Target + ": " + strconv.Itoa(e.Status))
	if t := http.StatusText(e.Status); t != "" {
		b.WriteString(" " + t)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// NetworkError is a failure to reach the server or to read its answer
// whole: connection refused or reset, a timeout of one attempt, a body cut
// short. It is retried.
type NetworkError struct {
	Source string
	Target string
	Err    error // the cause, with any URL taken out
}

// Error implements error.
func (e *NetworkError) Error() string {
	return e.Source + ": " + e.Target + ": network: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *NetworkError) Unwrap() error { return e.Err }

// DecodeError is a 2xx answer whose body is not what the route promises:
// JSON that does not decode, or a calendar that does not parse.
type DecodeError struct {
	Source string
	Target string
	Err    error
}

// Error implements error.
func (e *DecodeError) Error() string {
	return e.Source + ": " + e.Target + ": decode: " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *DecodeError) Unwrap() error { return e.Err }

// Translate gives an error of a work-life source the lifeops code of what
// went wrong, with a message that names the source (display, e.g.
// "ActivityWatch") and is safe to show: 401 and 403 are
// [lifeops.CodeUnauthorized], 404 and 410 [lifeops.CodeNotFound], 429, 5xx,
// network errors, an open circuit and an answer that cannot be read
// [lifeops.CodeUnavailable], an answer too large [lifeops.CodeInvalid]. A
// context's error and an error that already has a lifeops code are
// returned as they are; errors.Is and errors.As reach the cause through the
// result.
func Translate(display string, err error) error {
	if err == nil {
		return nil
	}
	var le *lifeops.Error
	var ve *lifeops.ValidationError
	if errors.As(err, &le) || errors.As(err, &ve) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var se *StatusError
	var ne *NetworkError
	var de *DecodeError
	switch {
	case errors.Is(err, ErrTooLarge):
		return lifeops.WrapError(lifeops.CodeInvalid, err, display+" sent more than LifeOps reads at once.")
	case errors.Is(err, ErrCircuitOpen), errors.As(err, &ne):
		return lifeops.WrapError(lifeops.CodeUnavailable, err, display+" is unavailable; try again later.")
	case errors.As(err, &de):
		return lifeops.WrapError(lifeops.CodeUnavailable, err, display+" sent data that could not be read.")
	case errors.As(err, &se):
		switch {
		case se.Status == http.StatusUnauthorized || se.Status == http.StatusForbidden:
			return lifeops.WrapError(lifeops.CodeUnauthorized, err, display+" refused access; check the address and its permissions.")
		case se.Status == http.StatusNotFound || se.Status == http.StatusGone:
			return lifeops.WrapError(lifeops.CodeNotFound, err, display+" has nothing at that address.")
		case se.Status == http.StatusTooManyRequests || se.Status >= 500:
			return lifeops.WrapError(lifeops.CodeUnavailable, err, display+" is unavailable; try again later.")
		}
	}
	return err // any other answer is a request this package got wrong: internal
}

// invalidf returns a validation error for field.
func invalidf(field, format string, args ...any) error {
	return &lifeops.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
