package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
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
	var out, errOut bytes.Buffer
	m := &Main{
		Stdout: &out, Stderr: &errOut,
		Getenv: func(k string) string { return env[k] },
		Now:    func() time.Time { return time.Date(2027, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
	code := m.Run(context.Background(), args)
	return code, out.String(), errOut.String()
}

var appliedAt = regexp.MustCompile(`at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ`)

// TestCommands walks a fresh SQLite file through every schema command.
func TestCommands(t *testing.T) {
	t.Parallel()
	dsn := filepath.Join(t.TempDir(), "lifeops.db")
	env := map[string]string{"LIFEOPS_DATABASE_URL": dsn}

	code, out, _ := run(t, env, "check")
	if code != 1 || !strings.Contains(out, "migration(s) pending:") {
		t.Errorf("check on a new database = %d, %q; want 1 and the pending list", code, out)
	}
	code, out, _ = run(t, env, "up")
	if code != 0 || !strings.HasPrefix(out, "applied 5 migration(s):\n  20261125233000_core\n") {
		t.Errorf("up = %d, %q", code, out)
	}
	code, out, _ = run(t, env, "up")
	if code != 0 || out != "nothing to apply: the schema is up to date\n" {
		t.Errorf("second up = %d, %q", code, out)
	}
	code, out, _ = run(t, env, "check")
	if code != 0 || out != "the schema is up to date\n" {
		t.Errorf("check after up = %d, %q", code, out)
	}
	code, out, _ = run(t, env, "-dsn", dsn, "status")
	want := `VERSION         NAME                       STATUS
20261125233000  core                       applied in group 1 at T
20261125234500  scores_game_timeline       applied in group 1 at T
20261127090000  zone_changes               applied in group 1 at T
20261127100000  work_day_optional_minutes  applied in group 1 at T
20261207100000  units_of_work              applied in group 1 at T
5 applied, 0 pending
`
	if got := appliedAt.ReplaceAllString(out, "at T"); code != 0 || got != want {
		t.Errorf("status = %d, diff (-want +got):\n%s", code, cmp.Diff(want, got))
	}
	code, _, errOut := run(t, env, "down")
	if code != 2 || !strings.Contains(errOut, "add -yes") {
		t.Errorf("down without -yes = %d, %q; want 2 and a refusal", code, errOut)
	}
	code, out, _ = run(t, env, "down", "-yes")
	if code != 0 || out != "rolled back 5 migration(s):\n  20261207100000_units_of_work\n  20261127100000_work_day_optional_minutes\n  20261127090000_zone_changes\n  20261125234500_scores_game_timeline\n  20261125233000_core\n" {
		t.Errorf("down -yes = %d, %q", code, out)
	}
	code, _, errOut = run(t, env, "stamp", "20261125233000")
	if code != 1 || !strings.Contains(errOut, "tables that do not exist (") {
		t.Errorf("stamp on an empty schema = %d, %q; want a refusal", code, errOut)
	}
	code, _, errOut = run(t, env, "stamp", "20990101000000")
	if code != 1 || !strings.Contains(errOut, "no migration has version") {
		t.Errorf("stamp of an unknown version = %d, %q", code, errOut)
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
		{"create without a name", nil, []string{"create"}, "one NAME"},
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
	if err := src.PutCredential(ctx, lifeops.Credential{UserID: u.ID, Provider: "oura", AccessToken: "tok", UpdatedAt: u.CreatedAt}); err != nil {
		t.Fatal(err)
	}
	if err := src.PutHeartRate(ctx, u.ID, []lifeops.HeartRateSample{{At: u.CreatedAt, BPM: 61}, {At: u.CreatedAt.Add(time.Minute), BPM: 62}}); err != nil {
		t.Fatal(err)
	}
	src.Close()

	code, out, errOut := run(t, env, "copy", "-from", from, "-to", to)
	if code != 0 || !strings.HasPrefix(out, "copied 1 users: 0 health days, 0 raw documents, 2 heart-rate samples,") || !strings.Contains(out, "1 credentials") {
		t.Errorf("copy = %d, %q, %q", code, out, errOut)
	}
	dst, err := store.Open(ctx, to, &store.Options{Keys: ring})
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	c, err := dst.Credential(ctx, u.ID, "oura")
	if err != nil || c.AccessToken != "tok" {
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
	if code != 0 || !strings.HasPrefix(out, "copied 1 users:") || !strings.Contains(out, "1 new zone changes") {
		t.Errorf("copy = %d, %q, %q", code, out, errOut)
	}
	code, out, _ = run(t, nil, "copy", "-from", from, "-to", to)
	if code != 0 || !strings.Contains(out, "0 new zone changes") {
		t.Errorf("copy again = %d, %q; want nothing new", code, out)
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
