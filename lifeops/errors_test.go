package lifeops_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops"
)

func TestErrorCodeAndMessage(t *testing.T) {
	t.Parallel()
	cause := errors.New("pq: connection refused at 10.0.0.3")
	tests := []struct {
		name     string
		err      error
		wantCode lifeops.Code
		wantMsg  string
		wantIs   []error
	}{
		{"nil", nil, "", "", nil},
		{"plain error is internal and hidden", cause, lifeops.CodeInternal, "Internal error.", nil},
		{"sentinel", lifeops.ErrNotFound, lifeops.CodeNotFound, "Not found.", []error{lifeops.ErrNotFound}},
		{"wrapped sentinel", fmt.Errorf("load user: %w", lifeops.ErrConflict), lifeops.CodeConflict, "The request conflicts with the current state.", []error{lifeops.ErrConflict}},
		{"typed error", lifeops.Errorf(lifeops.CodeUnavailable, "Oura is not connected."), lifeops.CodeUnavailable, "Oura is not connected.", []error{lifeops.ErrUnavailable}},
		{"typed error hides its cause", lifeops.WrapError(lifeops.CodeUnavailable, cause, "The database is unavailable."), lifeops.CodeUnavailable, "The database is unavailable.", []error{lifeops.ErrUnavailable}},
		{"wrapped typed error", fmt.Errorf("sync: %w", lifeops.Errorf(lifeops.CodeUnauthorized, "Reconnect Oura.")), lifeops.CodeUnauthorized, "Reconnect Oura.", []error{lifeops.ErrUnauthorized}},
		{"unknown code is internal", &lifeops.Error{Code: "teapot", Message: "secret detail"}, lifeops.CodeInternal, "Internal error.", nil},
		{"validation", &lifeops.ValidationError{Field: "name", Reason: "is required"}, lifeops.CodeInvalid, "name: is required", []error{lifeops.ErrInvalid}},
		{"joined validation reports the first", errors.Join(&lifeops.ValidationError{Field: "a", Reason: "x"}, &lifeops.ValidationError{Field: "b", Reason: "y"}), lifeops.CodeInvalid, "a: x", []error{lifeops.ErrInvalid}},
		// An ended context is no bug: the request stopped before its end, and sending it again may work.
		{"deadline", fmt.Errorf("load user: %w", context.DeadlineExceeded), lifeops.CodeUnavailable, "A service this needs is unavailable; try again later.", nil},
		{"cancelled", fmt.Errorf("sync: %w", context.Canceled), lifeops.CodeUnavailable, "A service this needs is unavailable; try again later.", nil},
		{"outermost typed error wins", lifeops.WrapError(lifeops.CodeConflict, &lifeops.ValidationError{Field: "a", Reason: "x"}, "Taken."), lifeops.CodeConflict, "Taken.", []error{lifeops.ErrConflict, lifeops.ErrInvalid}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := lifeops.ErrorCode(tt.err); got != tt.wantCode {
				t.Errorf("ErrorCode = %q, want %q", got, tt.wantCode)
			}
			if got := lifeops.ErrorMessage(tt.err); got != tt.wantMsg {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.wantMsg)
			}
			for _, s := range []error{lifeops.ErrInvalid, lifeops.ErrNotFound, lifeops.ErrConflict, lifeops.ErrUnauthorized, lifeops.ErrUnavailable} {
				if got, want := errors.Is(tt.err, s), slices.Contains(tt.wantIs, s); got != want {
					t.Errorf("errors.Is(err, %v) = %v, want %v", s, got, want)
				}
			}
		})
	}
}

func TestWrapErrorKeepsCause(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("put: %w", lifeops.WrapError(lifeops.CodeUnavailable, io.ErrUnexpectedEOF, "Try again."))
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Error("the cause is not reachable with errors.Is")
	}
	var e *lifeops.Error
	if !errors.As(err, &e) || e.Code != lifeops.CodeUnavailable {
		t.Fatalf("errors.As *Error = %v", e)
	}
	if got, want := err.Error(), "put: lifeops: unavailable: Try again.: unexpected EOF"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

func TestFieldErrors(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("create: %w", errors.Join(
		&lifeops.ValidationError{Field: "name", Reason: "is required"},
		fmt.Errorf("inner: %w", &lifeops.ValidationError{Field: "timezone", Reason: "unknown"}),
	))
	var got []string
	for _, fe := range lifeops.FieldErrors(err) {
		got = append(got, fe.Field)
	}
	if diff := cmp.Diff([]string{"name", "timezone"}, got); diff != "" {
		t.Errorf("FieldErrors fields (-want +got):\n%s", diff)
	}
	if lifeops.FieldErrors(errors.New("x")) != nil {
		t.Error("FieldErrors of a plain error is not nil")
	}
}
