package check_test

import (
	"strings"
	"testing"

	"github.com/lifeops/lifeops/lifeops/check"
)

// TestErrorfClipsInputs: a reason quotes at most a short prefix of an
// input, however long, and never bytes that are not UTF-8.
func TestErrorfClipsInputs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want string
	}{
		{"routine", `"routine" is not a kind`},
		{strings.Repeat("x", 1<<20), `"` + strings.Repeat("x", check.MaxQuoted) + `…" is not a kind`},
		{strings.Repeat("é", 100), `"` + strings.Repeat("é", check.MaxQuoted) + `…" is not a kind`},
		{"bad\xff", "\"bad\uFFFD\" is not a kind"},
	}
	for _, tt := range tests {
		if got := check.Errorf("kind", "%q is not a kind", tt.in).Reason; got != tt.want {
			t.Errorf("Errorf(%.20q) = %.100q, want %.100q", tt.in, got, tt.want)
		}
	}
	if got := check.Errorf("n", "got %d", 5).Reason; got != "got 5" {
		t.Errorf("a number argument came back as %q", got)
	}
}
