package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// TestRun measures a short history on the in-memory store and SQLite and
// prints one row of figures for each, and refuses bad flags.
func TestRun(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	if err := run(context.Background(), []string{"-days", "3", "-calls", "10"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, row := range []string{`(?m)^\s+memstore\s+3\s+0s\s`, `(?m)^\s+sqlite\s+3\s+\S+s\s+[\d.]+×\s+[\d.]+×\s+\d+\s+[\d.]+×\s+[\d.]+×(\s+\d+){3}$`} {
		if !regexp.MustCompile(row).MatchString(out.String()) {
			t.Errorf("no row matching %s in:\n%s", row, out.String())
		}
	}
	for _, args := range [][]string{{"-days", "0"}, {"-days", "x"}, {"-calls", "3"}} {
		if err := run(context.Background(), args, &strings.Builder{}); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}
