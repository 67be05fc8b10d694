package main

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/lifeops/lifeops/store/pgtest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lifeops/lifeops/store"
)

var update = flag.Bool("update", false, "rewrite testdata/quickstart.golden from the program's output")

const golden = "testdata/quickstart.golden"

// result is one run of the program.
type result struct {
	code           int
	stdout, stderr string
}

// runMain runs the program with args, its default database under tmp.
func runMain(t *testing.T, tmp string, args ...string) result {
	t.Helper()
	var out, errs strings.Builder
	code := (&Main{Stdout: &out, Stderr: &errs, TempDir: tmp}).Run(t.Context(), args)
	return result{code, out.String(), errs.String()}
}

// mustRun runs the program and fails the test unless it succeeds.
func mustRun(t *testing.T, tmp string, args ...string) result {
	t.Helper()
	r := runMain(t, tmp, args...)
	if r.code != 0 {
		t.Fatalf("quickstart %s: exit status %d, stderr:\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// TestQuickstartOnPostgres runs the program with a postgres:// DSN: it says
// so (without printing the DSN, which may hold a password) and prints the
// same report as on the embedded default.
func TestQuickstartOnPostgres(t *testing.T) {
	t.Parallel()
	dsn := pgtest.Schema(t)
	pg := mustRun(t, t.TempDir(), "-db", dsn)
	if !regexp.MustCompile(`^store: Postgres \(\d+ migrations applied; kept after exit\)\n$`).MatchString(pg.stderr) {
		t.Errorf("Postgres run: stderr = %q, want the backend and its migrations, no DSN", pg.stderr)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), pg.stdout); diff != "" {
		t.Errorf("the report on Postgres differs from %s (-want +got):\n%s", golden, diff)
	}
}

// TestQuickstart runs the program on the embedded SQLite default and on the
// in-memory store: both print the same report, which matches the golden
// file and shows the facts a reader must see.
func TestQuickstart(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	sqlite := mustRun(t, tmp)
	memory := mustRun(t, tmp, "-memory")

	if diff := cmp.Diff(memory.stdout, sqlite.stdout); diff != "" {
		t.Errorf("memstore and SQLite print different reports (-memory +sqlite):\n%s", diff)
	}
	if !regexp.MustCompile(`^store: SQLite file .*lifeops\.db \(\d+ migrations applied; removed at exit\)\n$`).MatchString(sqlite.stderr) {
		t.Errorf("SQLite run: stderr = %q, want the file, its migrations and that it is removed", sqlite.stderr)
	}
	if left, err := os.ReadDir(tmp); err != nil || len(left) != 0 {
		t.Errorf("the temporary database was not removed: %v %v", left, err)
	}

	if *update {
		if err := os.WriteFile(golden, []byte(sqlite.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), sqlite.stdout); diff != "" {
		t.Errorf("the report differs from %s (-want +got; go test -update rewrites it):\n%s", golden, diff)
	}

	got := sqlite.stdout
	facts := []struct {
		name string
		re   string
	}{
		{"the day and time, in the person's zone", `(?m)^LifeOps quickstart: Ada on Tuesday 31 March 2026, 12:30 CEST \(Europe/Berlin\)$`},
		{"the sync: 13 days (one missed), 288 samples a day less the hour DST skipped, none after 12:30 today",
			`(?m)^Synced 2026-03-18 to 2026-03-31: 13 sleep scores, 13 readiness scores, 13 activity days, 13 sleep periods, 3547 heart-rate samples$`},
		{"a Life Score over the domains present, naming the absent one", `(?m)^Life Score \d{2,3}\.\d over sleep, activity and habits \(no data yet today for work-life\)$`},
		{"the sleep domain with its contributors", `(?m)^  sleep\s+\d+\.\d\s+weight 0\.333\d adds\s+\d+\.\d to the Life Score\n\s+sleep score\s+\d+\.\d\s+weight 0\.5\s+adds\s+\d+\.\d`},
		{"work-life absent, not zero", `(?m)^  work-life\s+-\s+no data yet today: left out, not counted as zero$`},
		{"habits counting only what is due by noon", `\(3 of 3 items done, 0 skipped\)`},
		{"XP and level", `(?m)^XP \d+, level (\d+): \d+ XP into it, \d+ XP to level \d+$`},
		{"the day-goal streak in days", `(?m)^  Day goal\s+\d+ days in a row \(longest \d+`},
		{"one freeze, singular", `(?m)^  Glass of water\s+\d+ in a row \(longest \d+, 1 freeze in hand\)$`},
		{"a weekly item's streak, not in days", `(?m)^  Weekly review\s+2 in a row \(longest 2\)$`},
		{"the unlocked achievements with their days", `(?m)^Achievements: \d+ of \d+ unlocked\n  2026-03-\d\d  First step: `},
		{"the closest locked achievements with progress", `(?m)^Closest to unlocking\n(  \s*\d+%  \d+ of \d+\s+.+\n){3}\n`},
		{"the message", `(?m)^Life Score \d+\.\d: a[n]? \w+ day\.`},
		{"the feed's zone named", `(?m)^Still to do today \(times in Europe/Berlin, CEST\)$`},
		{"the evening walk at 18:30 summer time", `(?m)^  18:30-19:00  pending\s+Evening walk$`},
		{"reading 30 minutes before bedtime", `(?m)^  22:30-22:55  pending\s+Read  \(30 min before bedtime\)$`},
		{"the fortnight's columns", `(?m)^\s+sleep\s+activity\s+work-life\s+habits\s+Life$`},
		{"the missed day: absent domains as -, habits scored 0 of 5",
			`(?m)^  Tue 2026-03-24\s+-\s+-\s+-\s+0\.0\s+0\.0  missed: no ring, no check-ins \(habits: 0 of 5 items done, 0 skipped\)$`},
		{"a weekend without work data", `(?m)^  Sat 2026-03-21(\s+\d+\.\d){2}\s+-(\s+\d+\.\d){2}$`},
		{"the DST night", `(?m)^  Sun 2026-03-29(\s+\d+\.\d){2}\s+-(\s+\d+\.\d){2}  clocks went forward at 02:00$`},
		{"today, unfinished", `(?m)^  Tue 2026-03-31(\s+\d+\.\d){2}\s+-(\s+\d+\.\d){2}  today, so far$`},
	}
	for _, f := range facts {
		if !regexp.MustCompile(f.re).MatchString(got) {
			t.Errorf("the output does not show %s (%s)", f.name, f.re)
		}
	}
	if n := len(regexp.MustCompile(`(?m)^  \w{3} 2026-03-\d\d `).FindAllString(got, -1)); n != 14 {
		t.Errorf("the fortnight lists %d days, want 14", n)
	}
	if strings.Contains(got, "work_life") || regexp.MustCompile(`\b1 freezes\b|\b0\.0\s+-`).MatchString(got) {
		t.Error("the output shows a raw domain key, a wrong plural or a zero for an absent domain")
	}
}

// TestRerunSameFile runs the program twice on one -db file: the second run
// applies no migration, prints the same report, and leaves every record of
// the person exactly as the first run wrote it.
func TestRerunSameFile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "lifeops.db")
	first := mustRun(t, "", "-db", path)
	afterFirst := export(t, path)
	second := mustRun(t, "", "-db", path)
	afterSecond := export(t, path)

	if diff := cmp.Diff(first.stdout, second.stdout); diff != "" {
		t.Errorf("the second run printed another report (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(afterFirst, afterSecond, cmpopts.IgnoreFields(store.Export{}, "ExportedAt")); diff != "" {
		t.Errorf("the second run changed the stored records (-first +second):\n%s", diff)
	}
	for _, c := range []struct {
		run  result
		want string
	}{
		{first, "migrations applied; kept after exit"},
		{second, "schema up to date; kept after exit"},
	} {
		if want := "store: SQLite file " + path + " ("; !strings.HasPrefix(c.run.stderr, want) || !strings.Contains(c.run.stderr, c.want) {
			t.Errorf("stderr = %q, want %q… %q", c.run.stderr, want, c.want)
		}
	}
	if len(afterFirst.XP) == 0 || len(afterFirst.Events) == 0 || len(afterFirst.Achievements) == 0 {
		t.Errorf("the file holds %d XP entries, %d events, %d achievements; want some of each",
			len(afterFirst.XP), len(afterFirst.Events), len(afterFirst.Achievements))
	}
}

// export reads every record of the sample's person from the file at path.
func export(t *testing.T, path string) *store.Export {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	x, err := store.ExportUser(ctx, db, adaID, nil)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestErrors checks that every bad command line and an unusable database
// fail with one plain line on stderr, nothing on stdout and exit status 1.
func TestErrors(t *testing.T) {
	t.Parallel()
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "x.db")
	notDB := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notDB, []byte("not a database, but long enough to have a header\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"-x"}, "quickstart: flag provided but not defined: -x (usage: quickstart [-db DSN | -memory])\n"},
		{"both stores", []string{"-memory", "-db", "x.db"}, "quickstart: -db and -memory exclude each other (usage: quickstart [-db DSN | -memory])\n"},
		{"an argument", []string{"today"}, "quickstart: unexpected argument \"today\" (usage: quickstart [-db DSN | -memory])\n"},
		{"a file in a missing folder", []string{"-db", missing}, "quickstart: open " + missing + ": "},
		{"a file that is not a database", []string{"-db", notDB}, "quickstart: open " + notDB + ": "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmp := t.TempDir()
			r := runMain(t, tmp, tt.args...)
			if left, err := os.ReadDir(tmp); err != nil || len(left) != 0 {
				t.Errorf("left behind in the temporary folder: %v %v", left, err)
			}
			if r.code != 1 || r.stdout != "" || !strings.HasPrefix(r.stderr, tt.want) || strings.Count(r.stderr, "\n") != 1 {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1, no stdout, one line starting %q", r.code, r.stdout, r.stderr, tt.want)
			}
		})
	}
}

// TestHelp prints the usage with both flags and exits with status 0.
func TestHelp(t *testing.T) {
	t.Parallel()
	r := runMain(t, t.TempDir(), "-h")
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q; want 0 and nothing", r.code, r.stderr)
	}
	for _, want := range []string{"usage: quickstart [-db DSN | -memory]", "-db DSN", "-memory"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("usage %q does not mention %q", r.stdout, want)
		}
	}
}

// failingWriter fails every write with err.
type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

// TestStdoutFails checks that a failed write of the report ends the program
// with status 1 and still removes the temporary database: quietly when the
// reader went away (quickstart | head), with the error otherwise.
func TestStdoutFails(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		args       []string
		err        error
		wantStderr string
	}{
		{"the reader went away", nil, syscall.EPIPE, ""},
		{"the disk is full", []string{"-memory"}, errors.New("no space left on device"), "quickstart: no space left on device\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tmp := t.TempDir()
			var errs strings.Builder
			code := (&Main{Stdout: failingWriter{tt.err}, Stderr: &errs, TempDir: tmp}).Run(t.Context(), tt.args)
			stderr := errs.String()
			if i := strings.Index(stderr, "\n"); i >= 0 && strings.HasPrefix(stderr, "store: ") {
				stderr = stderr[i+1:]
			}
			if code != 1 || stderr != tt.wantStderr {
				t.Errorf("exit %d, stderr after the store line %q; want 1, %q", code, stderr, tt.wantStderr)
			}
			if left, err := os.ReadDir(tmp); err != nil || len(left) != 0 {
				t.Errorf("the temporary database was not removed: %v %v", left, err)
			}
		})
	}
}
