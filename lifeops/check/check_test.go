package check_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops/check"
)

// Fields flattens joins and wraps, stops at an *Error's own cause, and
// every *Error matches ErrInvalid.
func TestFields(t *testing.T) {
	t.Parallel()
	cause := check.Errorf("inner", "is the cause")
	var p check.Problems
	p.Add("a", "must be %d", 1)
	p.AddErr(nil)
	p.AddErr(fmt.Errorf("wrapped: %w", errors.Join(check.Errorf("b", "no"), &check.Error{Field: "c", Reason: "bad", Err: cause})))
	err := p.Err()
	var got []string
	for _, fe := range check.Fields(err) {
		got = append(got, fe.Error())
	}
	want := []string{"invalid a: must be 1", "invalid b: no", "invalid c: bad"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}
	if !errors.Is(err, check.ErrInvalid) || !errors.Is(check.Fields(err)[2], cause) {
		t.Error("a problem does not match ErrInvalid, or lost its cause")
	}
	if check.Fields(errors.New("other")) != nil || (check.Problems{}).Err() != nil {
		t.Error("no problems gave some")
	}
}

func ExampleProblems() {
	var p check.Problems
	p.Add("day_start_hour", "must be between 0 and 23, got %d", 25)
	p.Add("name", "is required")
	for _, fe := range check.Fields(p.Err()) {
		fmt.Println(fe.Field, "-", fe.Reason)
	}
	// Output:
	// day_start_hour - must be between 0 and 23, got 25
	// name - is required
}
