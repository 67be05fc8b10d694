package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/store/pgtest"
)

// run runs the program with env and args and returns its exit status and
// output.
func run(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	return runAt(t, time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC), env, args...)
}

// runAt runs the program with its clock at now.
func runAt(t *testing.T, now time.Time, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{
		Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return now },
	}
	code := m.Run(context.Background(), args)
	return code, out.String(), errOut.String()
}

var appliedAt = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// backends names a fresh, empty database of each kind.
var backends = []struct {
	name string
	dsn  func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "lifeops.db") }},
	{"postgres", func(t *testing.T) string { return pgtest.Schema(t) }},
}

// want runs args and checks the exit status and that stdout (with times
// replaced by T) is want, or contains each of contains.
func want(t *testing.T, env map[string]string, code int, stdout string, args ...string) string {
	t.Helper()
	got, out, errOut := run(t, env, args...)
	out = appliedAt.ReplaceAllString(out, "T")
	if got != code {
		t.Errorf("%v: exit %d, want %d; stdout %q, stderr %q", args, got, code, out, errOut)
	}
	if stdout != "" && out != stdout {
		t.Errorf("%v: stdout (-want +got):\n%s", args, cmp.Diff(stdout, out))
	}
	return out + errOut
}

// libraryMigrations lists the library's migrations, as a fresh store
// reports them.
func libraryMigrations(t *testing.T) []store.Migration {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "probe.db"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := db.MigrationStatus(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// lines lists migrations as the tool does, one indented line each.
func lines(ms []store.Migration) string {
	var b strings.Builder
	for _, m := range ms {
		b.WriteString("  " + m.String() + "\n")
	}
	return b.String()
}

// table lays out tab-separated rows under a header as the tool's tables
// are.
func table(header string, rows []string) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, r)
	}
	tw.Flush()
	return b.String()
}

// addPerson stores one person, so the database holds data.
func addPerson(t *testing.T, dsn string) lifeops.User {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	t0 := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	u := lifeops.User{ID: uuid.New(), Name: "Ops", Zone: "Europe/Paris", DayStartHour: 4, CreatedAt: t0, UpdatedAt: t0}
	if err := db.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	var hr []lifeops.HeartRateSample
	for i := range 100 {
		hr = append(hr, lifeops.HeartRateSample{At: t0.Add(time.Duration(i) * time.Minute), BPM: 60 + i%20})
	}
	if err := db.PutHeartRate(ctx, u.ID, hr); err != nil {
		t.Fatal(err)
	}
	return u
}

// TestSchemaCommands walks a fresh database of each backend through every
// schema command: up and down by version, status, history, current,
// check, stamp, and the refusals of down and stamp on a database that
// holds data.
func TestSchemaCommands(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			dsn := b.dsn(t)
			env := map[string]string{"LIFEOPS_DATABASE_URL": dsn}

			all := libraryMigrations(t)
			n := len(all)
			if n < 4 {
				t.Fatalf("the tests need at least four migrations, have %v", all)
			}
			last := all[n-1]

			want(t, env, 1, fmt.Sprintf("%d migration(s) pending:\n", n)+lines(all), "check")
			want(t, env, 0, fmt.Sprintf("none applied; %d pending\n", n), "current")
			want(t, env, 0, "applied 2 migration(s):\n"+lines(all[:2]), "up", "-to", all[1].Version)
			want(t, env, 0, fmt.Sprintf("%s; %d pending, up to %s\n", all[1], n-2, last), "current")
			want(t, env, 0, fmt.Sprintf("applied %d migration(s):\n", n-2)+lines(all[2:]), "up")
			want(t, env, 0, "nothing to apply: the schema is up to date\n", "up")
			want(t, env, 0, "nothing to apply: every migration up to "+all[0].Version+" is applied\n", "up", "-to", all[0].Version)
			want(t, env, 0, "the schema is up to date\n", "check")
			want(t, env, 0, last.String()+" (head)\n", "current")
			// Two runs, two groups: the first two migrations, then the rest.
			var status, history []string
			for i, m := range all {
				group := 1 + min(i/2, 1)
				status = append(status, fmt.Sprintf("%s\t%s\tapplied in group %d at T", m.Version, m.Name, group))
				history = append(history, fmt.Sprintf("%s\t%s\t%d\tT", m.Version, m.Name, group))
			}
			want(t, env, 0, table("VERSION\tNAME\tSTATUS", status)+fmt.Sprintf("%d applied, 0 pending\n", n), "-dsn", dsn, "status")
			want(t, env, 0, table("VERSION\tNAME\tGROUP\tAPPLIED", history), "history")

			// Nothing stored yet: down goes ahead without -yes.
			want(t, env, 0, "plan: roll back 1 migration(s), newest first, dropping what they created:\n  "+last.String()+"\nrolled back 1 migration(s):\n  "+last.String()+"\n", "down")
			want(t, env, 0, "applied 1 migration(s):\n  "+last.String()+"\n", "up")

			// With a person stored, down and stamp print their plan and stop
			// until told -yes; then down goes one step at a time, or to a
			// version across groups.
			addPerson(t, dsn)
			out := want(t, env, 2, "", "down")
			if !strings.Contains(out, "plan: roll back 1 migration(s)") || !strings.Contains(out, "holds data (101 rows in 2 tables)") || !strings.Contains(out, "-backup PATH") || !strings.Contains(out, "add -yes") {
				t.Errorf("down on data without -yes: %q", out)
			}
			want(t, env, 0, last.String()+" (head)\n", "current")
			want(t, env, 0, "plan: roll back 1 migration(s), newest first, dropping what they created:\n  "+last.String()+"\nrolled back 1 migration(s):\n  "+last.String()+"\n", "down", "-yes")
			between := slices.Clone(all[1 : n-1])
			slices.Reverse(between)
			want(t, env, 0, fmt.Sprintf("plan: roll back %d migration(s), newest first, dropping what they created:\n", n-2)+lines(between)+
				fmt.Sprintf("rolled back %d migration(s):\n", n-2)+lines(between), "down", "-to", all[0].Version, "-yes")
			want(t, env, 0, "nothing to roll back: no migration after "+all[0].Version+" is applied\n", "down", "-to", all[0].Version)
			if out := want(t, env, 1, "", "down", "-to", "20990101000000"); !strings.Contains(out, `no migration has version "20990101000000"`) {
				t.Errorf("down to an unknown version: %q", out)
			}
			if out := want(t, env, 2, "", "down", "-to", "0"); !strings.Contains(out, "holds data") {
				t.Errorf("down to 0 on data without -yes: %q", out)
			}
			want(t, env, 0, fmt.Sprintf("%s; %d pending, up to %s\n", all[0], n-1, last), "current")
			backups := t.TempDir()
			out = want(t, env, 0, "", "down", "-to", "0", "-yes", "-backup", backups)
			if !strings.Contains(out, "backed up to "+backups) || !strings.Contains(out, "rolled back 1 migration(s):\n  "+all[0].String()+"\n") {
				t.Errorf("down -yes -backup: %q", out)
			}
			list, _ := store.ListBackups(backups)
			if len(list) != 1 || list[0].Tables["users"] != 1 {
				t.Fatalf("backups taken before the rollback: %+v", list)
			}
			if out := want(t, env, 0, "", "verify", list[0].Path()); !strings.Contains(out, "is good") {
				t.Errorf("verify of the backup taken before down: %q", out)
			}

			// Stamp on a schema without the tables: refused unless -force.
			out = want(t, env, 1, "", "stamp", "20261125233000")
			if !strings.Contains(out, "plan: mark 1 migration(s) applied without running them:\n  20261125233000_core\n") || !strings.Contains(out, "tables that do not exist (") || !strings.Contains(out, "-force") {
				t.Errorf("stamp of missing tables: %q", out)
			}
			want(t, env, 0, fmt.Sprintf("none applied; %d pending\n", n), "current")
			if out := want(t, env, 1, "", "stamp", "20990101000000"); !strings.Contains(out, "no migration has version") {
				t.Errorf("stamp of an unknown version: %q", out)
			}
			want(t, env, 0, "plan: mark 1 migration(s) applied without running them:\n  20261125233000_core\nmarked applied without running 1 migration(s):\n  20261125233000_core\n", "stamp", "-force", "20261125233000")
			want(t, env, 0, "nothing to mark: every migration up to 20261125233000 is applied\n", "stamp", "20261125233000")
		})
	}
}

// TestStampOnData: stamping a schema made by a restore, with data in it,
// needs -yes.
func TestStampOnData(t *testing.T) {
	t.Parallel()
	dsn := filepath.Join(t.TempDir(), "lifeops.db")
	env := map[string]string{"LIFEOPS_DATABASE_URL": dsn}
	want(t, env, 0, "", "up")
	addPerson(t, dsn)
	db, err := store.Open(context.Background(), dsn, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Bun().ExecContext(context.Background(), "DELETE FROM bun_migrations"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	all := libraryMigrations(t)
	last := all[len(all)-1].Version
	if out := want(t, env, 2, "", "stamp", last); !strings.Contains(out, "holds data") || !strings.Contains(out, "stamping changes what the schema is taken to be") {
		t.Errorf("stamp on data without -yes: %q", out)
	}
	if out := want(t, env, 0, "", "stamp", "-yes", last); !strings.Contains(out, fmt.Sprintf("marked applied without running %d migration(s)", len(all))) {
		t.Errorf("stamp -yes: %q", out)
	}
	want(t, env, 0, "the schema is up to date\n", "check")
}

// TestHostMigrations runs a host service's own migrations beside the
// library's, on each backend: create writes into the host's folder, and
// the schema commands take -migrations and -table.
func TestHostMigrations(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			dsn := b.dsn(t)
			env := map[string]string{"LIFEOPS_DATABASE_URL": dsn}
			dir := t.TempDir()
			for _, d := range []string{"pg", "sqlite"} {
				if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			out := want(t, env, 0, "", "create", "-dir", dir, "notes")
			if !strings.Contains(out, "created "+filepath.Join(dir, "pg", "20270102030405_notes.tx.up.sql")) {
				t.Errorf("create: %q", out)
			}
			sql := map[string][2]string{
				"pg":     {"CREATE TABLE notes (user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE, body text NOT NULL);", "DROP TABLE notes;"},
				"sqlite": {"CREATE TABLE notes (user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE, body TEXT NOT NULL) STRICT;", "DROP TABLE notes;"},
			}
			for d, s := range sql {
				for i, dir2 := range []string{"up", "down"} {
					if err := os.WriteFile(filepath.Join(dir, d, "20270102030405_notes.tx."+dir2+".sql"), []byte(s[i]), 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			host := []string{"-migrations", dir, "-table", "notes_migrations"}
			want(t, env, 0, "", "up")
			want(t, env, 0, "applied 1 migration(s):\n  20270102030405_notes\n", append(host, "up")...)
			want(t, env, 0, "VERSION         NAME   STATUS\n20270102030405  notes  applied in group 1 at T\n1 applied, 0 pending\n", append(host, "status")...)
			want(t, env, 0, "the schema is up to date\n", "check")
			want(t, env, 0, "20270102030405_notes (head)\n", append(host, "current")...)
			all := libraryMigrations(t)
			want(t, env, 0, all[len(all)-1].String()+" (head)\n", "current")
			want(t, env, 0, "plan: roll back 1 migration(s), newest first, dropping what they created:\n  20270102030405_notes\nrolled back 1 migration(s):\n  20270102030405_notes\n", append(host, "down")...)
			want(t, env, 0, "the schema is up to date\n", "check")
			if out := want(t, env, 2, "", "-migrations", dir, "check"); !strings.Contains(out, "-migrations and -table go together") {
				t.Errorf("-migrations alone: %q", out)
			}
		})
	}
}

// TestBackupCommands backs each backend up, verifies the backup, restores
// it into an empty store and over one that holds data, catches a damaged
// backup, and keeps a folder of backups to its daily and weekly counts.
func TestBackupCommands(t *testing.T) {
	t.Parallel()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dsn := b.dsn(t)
			env := map[string]string{"LIFEOPS_DATABASE_URL": dsn}
			want(t, env, 0, "", "up")
			u := addPerson(t, dsn)
			dir := t.TempDir()

			out := want(t, env, 0, "", "backup", "-to", dir)
			all := libraryMigrations(t)
			method, ext := "sqlite", ".sqlite"
			if b.name == "postgres" {
				method, ext = "pg_dump", ".pgdump"
			}
			path := filepath.Join(dir, "lifeops-20270102T030405Z"+ext)
			if !strings.HasPrefix(out, "backed up to "+path+": "+method+", schema version "+all[len(all)-1].Version+", ") || !strings.Contains(out, " rows, ") {
				t.Errorf("backup: %q", out)
			}
			out = want(t, env, 0, "", "verify", path)
			for _, check := range []string{"manifest", "checksum", "restore", "schema version", "row counts"} {
				if !regexp.MustCompile(`(?m)^` + check + ` +ok +`).MatchString(out) {
					t.Errorf("verify does not show %s ok: %q", check, out)
				}
			}
			if !strings.HasSuffix(out, path+" is good\n") {
				t.Errorf("verify: %q", out)
			}

			// Restore: refused over data, then replacing it.
			if out := want(t, env, 2, "", "restore", "-from", path); !strings.Contains(out, "holds data") || !strings.Contains(out, "-replace") {
				t.Errorf("restore over data: %q", out)
			}
			out = want(t, env, 0, "", "restore", "-from", path, "-replace")
			if !strings.HasPrefix(out, "restored "+path+" ("+method+", taken T): the store holds ") {
				t.Errorf("restore -replace: %q", out)
			}
			// A logical backup restores into an empty store of the other
			// backend.
			logical := filepath.Join(t.TempDir(), "people.json")
			if out := want(t, env, 0, "", "backup", "-to", logical, "-method", "logical"); !strings.Contains(out, "logical") {
				t.Errorf("logical backup: %q", out)
			}
			other := backends[0].dsn(t)
			if b.name == "sqlite" {
				other = backends[1].dsn(t)
			}
			want(t, env, 0, "", "-dsn", other, "restore", "-from", logical)
			db, err := store.Open(ctx, other, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.HeartRate(ctx, u.ID, time.Time{}, time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
			db.Close()
			if err != nil || len(got) != 100 {
				t.Errorf("heart rate after a logical restore into the other backend: %d samples, %v", len(got), err)
			}

			// A damaged backup fails verification, and says why.
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, data[:len(data)/2], 0o600); err != nil {
				t.Fatal(err)
			}
			out = want(t, env, 1, "", "verify", path)
			if !regexp.MustCompile(`(?m)^checksum +FAILED +`).MatchString(out) || !strings.HasSuffix(out, "failed verification\n") {
				t.Errorf("verify of a truncated backup: %q", out)
			}
			if out := want(t, env, 1, "", "restore", "-from", path, "-replace"); !strings.Contains(out, "does not match its manifest") {
				t.Errorf("restore of a truncated backup: %q", out)
			}
		})
	}
}

// TestBackupRetention takes a backup a day for three weeks into one
// folder, keeping 3 daily and 2 weekly.
func TestBackupRetention(t *testing.T) {
	t.Parallel()
	dsn := filepath.Join(t.TempDir(), "lifeops.db")
	env := map[string]string{"LIFEOPS_DATABASE_URL": dsn}
	want(t, env, 0, "", "up")
	dir := t.TempDir()
	start := time.Date(2027, 1, 4, 2, 0, 0, 0, time.UTC) // a Monday
	var last string
	for day := range 21 {
		code, out, errOut := runAt(t, start.AddDate(0, 0, day), env, "backup", "-to", dir, "-keep-daily", "3", "-keep-weekly", "2")
		if code != 0 {
			t.Fatalf("backup on day %d: %s", day, errOut)
		}
		last = out
	}
	// Sunday 24th: the 22nd, 23rd and 24th, and the newest of the week
	// before (the 17th).
	if !strings.Contains(last, "removed lifeops-20270121T020000Z.sqlite") || !strings.HasSuffix(last, "kept the newest backup of each of the last 3 days and 2 weeks; removed 1\n") {
		t.Errorf("last backup's output: %q", last)
	}
	list, err := store.ListBackups(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range list {
		names = append(names, m.File)
	}
	wantNames := []string{"lifeops-20270124T020000Z.sqlite", "lifeops-20270123T020000Z.sqlite", "lifeops-20270122T020000Z.sqlite", "lifeops-20270117T020000Z.sqlite"}
	if diff := cmp.Diff(wantNames, names); diff != "" {
		t.Errorf("backups kept (-want +got):\n%s", diff)
	}
	if out := want(t, env, 2, "", "backup", "-to", filepath.Join(dir, "one.sqlite"), "-keep-daily", "3"); !strings.Contains(out, "must be an existing folder") {
		t.Errorf("retention on a file: %q", out)
	}
}

// TestVersion prints the build's module, version and Go version.
func TestVersion(t *testing.T) {
	t.Parallel()
	code, out, _ := run(t, nil, "-version")
	if code != 0 || !strings.HasPrefix(out, "github.com/lifeops/lifeops/examples/migrate") || !strings.Contains(out, " go1.") {
		t.Errorf("-version = %d, %q", code, out)
	}
}

func TestUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"no command", nil, nil, "no command"},
		{"unknown command", nil, []string{"sideways"}, `unknown command "sideways"`},
		{"no database", nil, []string{"up"}, "no database"},
		{"stamp without version", map[string]string{"LIFEOPS_DATABASE_URL": "x.db"}, []string{"stamp"}, "one VERSION"},
		{"status with an argument", map[string]string{"LIFEOPS_DATABASE_URL": "x.db"}, []string{"status", "x"}, "takes no arguments"},
		{"copy without -to", nil, []string{"copy", "-from", "a.db"}, "-from DSN and -to DSN"},
		{"bad key", map[string]string{"LIFEOPS_ENCRYPTION_KEY": "nope"}, []string{"up"}, "want ID:BASE64"},
		{"create without a name", nil, []string{"create", "-dir", "x"}, "one NAME"},
		{"create without a folder", nil, []string{"create", "notes"}, "create needs -dir DIR"},
		{"backup without -to", map[string]string{"LIFEOPS_DATABASE_URL": "x.db"}, []string{"backup"}, "backup needs -to PATH"},
		{"restore without -from", map[string]string{"LIFEOPS_DATABASE_URL": "x.db"}, []string{"restore"}, "restore needs -from PATH"},
		{"verify without a path", nil, []string{"verify"}, "verify takes one PATH"},
		{"negative retention", map[string]string{"LIFEOPS_DATABASE_URL": "x.db"}, []string{"backup", "-to", "d", "-keep-daily", "-1"}, "0 or more"},
		{"host set on backup", map[string]string{"LIFEOPS_DATABASE_URL": "x.db"}, []string{"-migrations", "m", "-table", "t", "backup", "-to", "d"}, "belong to the schema commands"},
		{"stamp with two versions", map[string]string{"LIFEOPS_DATABASE_URL": "x.db"}, []string{"stamp", "1", "2"}, "one VERSION"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			code, _, errOut := run(t, tt.env, tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tt.want)
			}
		})
	}
}

func TestCreate(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, d := range []string{"pg", "sqlite"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := run(t, nil, "create", "-dir", dir, "add_streaks")
	if code != 0 {
		t.Fatalf("create = %d, %s", code, errOut)
	}
	for _, p := range []string{"pg/20270102030405_add_streaks.tx.up.sql", "sqlite/20270102030405_add_streaks.tx.down.sql"} {
		if !strings.Contains(out, "created "+filepath.Join(dir, p)) {
			t.Errorf("output %q does not name %s", out, p)
		}
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Error(err)
		}
	}
}

// TestCopy copies a user between two SQLite files, credentials included.
func TestCopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	from, to := filepath.Join(dir, "from.db"), filepath.Join(dir, "to.db")
	key := "k1:" + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	env := map[string]string{"LIFEOPS_ENCRYPTION_KEY": key}
	for _, dsn := range []string{from, to} {
		if code, _, errOut := run(t, env, "-dsn", dsn, "up"); code != 0 {
			t.Fatalf("up %s: %s", dsn, errOut)
		}
	}
	k, _ := store.ParseKey(key)
	ring, _ := store.NewKeyring(k)
	src, err := store.Open(ctx, from, &store.Options{Keys: ring})
	if err != nil {
		t.Fatal(err)
	}
	u := lifeops.User{ID: uuid.New(), Name: "Lin", Zone: "Asia/Tokyo", DayStartHour: 4, WakeTime: civil.Clock{Hour: 6}, Bedtime: civil.Clock{Hour: 22},
		CreatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	if err := src.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := src.PutCredential(ctx, lifeops.Credential{UserID: u.ID, Provider: "oura", AccessToken: lifeops.NewSecret("tok"), UpdatedAt: u.CreatedAt}); err != nil {
		t.Fatal(err)
	}
	if err := src.PutHeartRate(ctx, u.ID, []lifeops.HeartRateSample{{At: u.CreatedAt, BPM: 61}, {At: u.CreatedAt.Add(time.Minute), BPM: 62}}); err != nil {
		t.Fatal(err)
	}
	src.Close()

	code, out, errOut := run(t, env, "copy", "-from", from, "-to", to)
	if code != 0 || !strings.HasPrefix(out, "copied 1 users (0 unchanged): 0 health days, 0 raw documents, 2 heart-rate samples,") || !strings.Contains(out, "1 credentials") {
		t.Errorf("copy = %d, %q, %q", code, out, errOut)
	}
	dst, err := store.Open(ctx, to, &store.Options{Keys: ring})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	c, err := dst.Credential(ctx, u.ID, "oura")
	if err != nil || c.AccessToken.Reveal() != "tok" {
		t.Errorf("credential after copy = %v, %v", c, err)
	}

	code, out, _ = run(t, nil, "copy", "-from", from, "-to", filepath.Join(dir, "new.db"))
	if code != 1 {
		t.Errorf("copy into an unmigrated store = %d, %q; want 1", code, out)
	}
}

// TestCopySQLiteToPostgres moves a person from the embedded file to
// Postgres, the move the copy command exists for, and reports every kind
// of record it wrote.
func TestCopySQLiteToPostgres(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	from := filepath.Join(t.TempDir(), "from.db")
	to := pgtest.Schema(t)
	for _, dsn := range []string{from, to} {
		if code, _, errOut := run(t, nil, "-dsn", dsn, "up"); code != 0 {
			t.Fatalf("up: %s", errOut)
		}
	}
	src, err := store.Open(ctx, from, nil)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	u := lifeops.User{ID: uuid.New(), Name: "Moves", Zone: "Europe/Paris", DayStartHour: 4, WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23},
		CreatedAt: t0, UpdatedAt: t0}
	if err := src.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if _, _, err := src.AddZoneChange(ctx, lifeops.ZoneChange{UserID: u.ID, At: t0.Add(time.Hour), From: "Europe/Paris", To: "Asia/Tokyo"}); err != nil {
		t.Fatal(err)
	}
	src.Close()

	code, out, errOut := run(t, nil, "copy", "-from", from, "-to", to)
	if code != 0 || !strings.HasPrefix(out, "copied 1 users (0 unchanged):") || !strings.Contains(out, "1 new zone changes") {
		t.Errorf("copy = %d, %q, %q", code, out, errOut)
	}
	code, out, _ = run(t, nil, "copy", "-from", from, "-to", to)
	if code != 0 || !strings.HasPrefix(out, "copied 0 users (1 unchanged): 0 health days,") || !strings.Contains(out, "0 new zone changes") {
		t.Errorf("copy again = %d, %q; want nothing written", code, out)
	}
	dst, err := store.Open(ctx, to, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if got, err := dst.User(ctx, u.ID); err != nil || got.Name != u.Name {
		t.Errorf("user on Postgres after copy = %+v, %v", got, err)
	}
}
