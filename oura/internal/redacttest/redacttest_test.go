package redacttest

import (
	"strings"
	"testing"
)

// recorder is a testing.TB that keeps the failures it is given.
type recorder struct {
	testing.TB
	errs []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) { r.errs = append(r.errs, format) }

// stringerOnly redacts itself only through String, as many types do: fmt
// ignores String for %d, %t, %o, %e, and JSON ignores it altogether.
type stringerOnly struct{ Token string }

func (stringerOnly) String() string { return "[REDACTED]" }

// TestCheckFindsLeaks: the checks fail for values that do show a secret,
// in the forms where they show it, and pass for one that shows none.
func TestCheckFindsLeaks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		v     any
		leaks []string // forms that must be reported, among others
	}{
		{"plain string", "s3cr3t", []string{"bare %v", "slice %v", "bare slog JSON"}},
		{"String only", stringerOnly{"s3cr3t"}, []string{"bare %d", "bare %t", "exported field %e", "bare json.Marshal", "map value slog JSON"}},
		{"struct field", struct{ Token string }{"s3cr3t"}, []string{"bare %+v", "unexported field %q", "deep %v", "map key %v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := &recorder{TB: t}
			Check(r, tt.name, tt.v, "s3cr3t")
			if len(r.errs) == 0 {
				t.Fatal("no leak reported")
			}
			forms := Render(tt.v)
			for _, f := range tt.leaks {
				got, ok := forms[f]
				if !ok || !strings.Contains(got, "s3cr3t") {
					t.Errorf("form %q does not show the secret: %q", f, got)
				}
			}
		})
	}
	r := &recorder{TB: t}
	Check(r, "nothing secret", struct{ Name string }{"ann"}, "s3cr3t")
	if len(r.errs) != 0 {
		t.Errorf("a value without the secret was reported")
	}
}
