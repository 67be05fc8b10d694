package ical

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the golden files of the feed corpus")

// goldenMeeting is a meeting as the golden files show it: in UTC and on
// the wall clock of the zone it was written in.
type goldenMeeting struct {
	UID     string `json:"uid"`
	Summary string `json:"summary"`
	Start   string `json:"start"`
	End     string `json:"end"`
}

type golden struct {
	Events   int             `json:"events"`
	Meetings []goldenMeeting `json:"meetings"`
	Problems []Problem       `json:"problems"`
}

// corpusWindow is the window every feed of the corpus is expanded for.
var corpusWindow = [2]time.Time{time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 15, 0, 0, 0, 0, time.UTC)}

// corpusOptions: floating times in Berlin, Ada's address for declines.
func corpusOptions(t testing.TB) Options {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return Options{Floating: berlin, Selection: Selection{Addresses: []string{"ada@example.com"}}}
}

// TestCorpus expands every feed of testdata/feeds and compares the
// meetings and problems with the golden file beside it.
func TestCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/feeds/*.ics")
	if err != nil || len(files) == 0 {
		t.Fatalf("no feeds: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			got := expandFile(t, f)
			b, err := json.MarshalIndent(got, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			gf := strings.TrimSuffix(f, ".ics") + ".golden.json"
			if *update {
				if err := os.WriteFile(gf, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(gf)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if diff := cmp.Diff(string(want), string(b)+"\n"); diff != "" {
				t.Errorf("%s (-want +got):\n%s", gf, diff)
			}
		})
	}
}

func expandFile(t *testing.T, name string) golden {
	t.Helper()
	fh, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	cal, err := Parse(fh, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ms, probs := cal.Meetings(corpusWindow[0], corpusWindow[1], corpusOptions(t))
	g := golden{Events: cal.Events(), Meetings: []goldenMeeting{}, Problems: append(append([]Problem{}, cal.Problems()...), probs...)}
	for _, m := range ms {
		g.Meetings = append(g.Meetings, goldenMeeting{UID: m.UID, Summary: m.Summary,
			Start: m.Start.UTC().Format(time.RFC3339) + " = " + m.Start.Format("2006-01-02 15:04 MST"),
			End:   m.End.UTC().Format(time.RFC3339) + " = " + m.End.Format("2006-01-02 15:04 MST")})
	}
	return g
}
