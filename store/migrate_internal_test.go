package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// TestEachDownUndoesItsUp applies the embedded migrations one at a time on
// both backends and checks, after each, that rolling it back restores the
// schema exactly as it was before it (tables, columns with their types,
// defaults and collations, indexes, constraints) and that applying it
// again gives the same schema as the first time.
func TestEachDownUndoesItsUp(t *testing.T) {
	t.Parallel()
	for _, b := range internalBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openRaw(t, b.dsn(t))
			dir := "migrations/" + string(db.dialect)
			entries, err := fs.ReadDir(migrationFiles, dir)
			if err != nil {
				t.Fatal(err)
			}
			var versions []string
			for _, e := range entries {
				if v, _, _ := strings.Cut(e.Name(), "_"); !slices.Contains(versions, v) {
					versions = append(versions, v)
				}
			}
			// firstN holds the files of the first n versions.
			firstN := func(n int) fstest.MapFS {
				out := fstest.MapFS{}
				for _, e := range entries {
					if v, _, _ := strings.Cut(e.Name(), "_"); slices.Index(versions, v) < n {
						data, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
						if err != nil {
							t.Fatal(err)
						}
						out[path.Join(dir, e.Name())] = &fstest.MapFile{Data: data}
					}
				}
				return out
			}
			db.migrationFS = firstN(1)
			if _, err := db.MigrationStatus(ctx); err != nil { // only creates the bookkeeping tables
				t.Fatal(err)
			}
			before := schemaOf(t, db)
			for n := 1; n <= len(versions); n++ {
				db.migrationFS = firstN(n)
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatalf("up %s: %v", versions[n-1], err)
				}
				after := schemaOf(t, db)
				if undone, err := db.Rollback(ctx); err != nil || len(undone) != 1 {
					t.Fatalf("down %s = %v, %v; want it alone undone", versions[n-1], undone, err)
				}
				if diff := cmp.Diff(before, schemaOf(t, db)); diff != "" {
					t.Errorf("down %s does not undo its up (-before up +after down):\n%s", versions[n-1], diff)
				}
				if _, err := db.Migrate(ctx); err != nil {
					t.Fatalf("up %s again: %v", versions[n-1], err)
				}
				if diff := cmp.Diff(after, schemaOf(t, db)); diff != "" {
					t.Errorf("up %s after its down differs (-first +second):\n%s", versions[n-1], diff)
				}
				before = after
			}
		})
	}
}

// schemaOf describes the store's schema, one line per table, column,
// index and constraint, sorted.
func schemaOf(tb testing.TB, db *DB) []string {
	tb.Helper()
	queries := []string{
		"SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%'",
	}
	if db.dialect == Postgres {
		queries = []string{
			`SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', '') ||
				' null=' || is_nullable || ' default=' || coalesce(column_default, '') || ' collate=' || coalesce(collation_name, '')
			FROM information_schema.columns WHERE table_schema = current_schema()`,
			`SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = current_schema()`,
			`SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid)
			FROM pg_constraint WHERE connamespace = current_schema()::regnamespace`,
		}
	}
	var out []string
	for _, q := range queries {
		var lines []string
		if err := db.bun.NewRaw(q).Scan(context.Background(), &lines); err != nil {
			tb.Fatal(err)
		}
		out = append(out, lines...)
	}
	slices.Sort(out)
	return out
}

// migrationsUpTo holds the embedded migrations of db's dialect whose
// version is at most version.
func migrationsUpTo(tb testing.TB, db *DB, version string) fstest.MapFS {
	tb.Helper()
	dir := "migrations/" + string(db.dialect)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		tb.Fatal(err)
	}
	out := fstest.MapFS{}
	for _, e := range entries {
		if v, _, _ := strings.Cut(e.Name(), "_"); v <= version {
			data, err := fs.ReadFile(migrationFiles, path.Join(dir, e.Name()))
			if err != nil {
				tb.Fatal(err)
			}
			out[path.Join(dir, e.Name())] = &fstest.MapFile{Data: data}
		}
	}
	return out
}

// TestWorkDayMinutesBecomeOptional runs the migration that makes meeting
// and break minutes nullable over stored work days, on both backends: it
// changes nothing but those two columns' NOT NULL (SQLite rebuilds the
// table: STRICT, checks, keys and the cascading foreign key stay), keeps
// every row, and its down writes 0 for the NULLs and keeps every row too.
func TestWorkDayMinutesBecomeOptional(t *testing.T) {
	t.Parallel()
	const previous, version = "20261127090000", "20261127100000"
	for _, b := range internalBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openRaw(t, b.dsn(t))
			db.migrationFS = migrationsUpTo(t, db, previous)
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			created := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			ada := lifeops.User{ID: uuid.New(), Name: "Ada", Zone: "UTC", DayStartHour: 4, CreatedAt: created, UpdatedAt: created}
			bob := ada
			bob.ID, bob.Name = uuid.New(), "Bob"
			work := func(u lifeops.User, d int, meet, brk *int) lifeops.WorkDay {
				return lifeops.WorkDay{UserID: u.ID, Date: civil.D(2026, 3, d), WorkMinutes: 480, AfterHoursMinutes: d,
					MeetingMinutes: meet, BreakMinutes: brk, Source: "manual", UpdatedAt: created}
			}
			old := []lifeops.WorkDay{work(ada, 2, new(0), new(0)), work(ada, 3, new(90), new(45))}
			for _, u := range []lifeops.User{ada, bob} {
				// The users table of this version, whatever later ones add.
				if _, err := db.bun.ExecContext(ctx, "INSERT INTO users (id, name, zone, day_start_hour, wake_minute, bed_minute, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0, ?, ?)",
					u.ID, u.Name, u.Zone, u.DayStartHour, instant(u.CreatedAt), instant(u.UpdatedAt)); err != nil {
					t.Fatal(err)
				}
			}
			// The work_days table of these versions, whatever later ones change.
			put := func(w lifeops.WorkDay) error {
				_, err := db.bun.ExecContext(ctx, "INSERT INTO work_days (user_id, day, work_minutes, after_hours_minutes, meeting_minutes, break_minutes, source, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
					w.UserID, day(w.Date), w.WorkMinutes, w.AfterHoursMinutes, w.MeetingMinutes, w.BreakMinutes, w.Source, instant(w.UpdatedAt))
				return wrapErr("put work day", err)
			}
			for _, w := range append(slices.Clone(old), work(bob, 2, new(10), new(20))) {
				if err := put(w); err != nil {
					t.Fatal(err)
				}
			}
			before := schemaOf(t, db)

			db.migrationFS = migrationsUpTo(t, db, version)
			if applied, err := db.Migrate(ctx); err != nil || len(applied) != 1 || applied[0].Version != version {
				t.Fatalf("Migrate = %v, %v; want %s alone", applied, err, version)
			}
			// The schema is the one before but for the two columns' NOT NULL.
			var want []string
			for _, line := range before {
				for _, col := range []string{"meeting_minutes", "break_minutes"} {
					if db.dialect == Postgres {
						line = strings.Replace(line, "column work_days."+col+" integer null=NO", "column work_days."+col+" integer null=YES", 1)
					} else if strings.HasPrefix(line, "table work_days: ") {
						line = regexp.MustCompile(`(?m)^(\s*`+col+`\s+INTEGER) NOT NULL,`).ReplaceAllString(line, "$1,")
					}
				}
				want = append(want, line)
			}
			if diff := cmp.Diff(want, schemaOf(t, db)); diff != "" {
				t.Errorf("schema after the up (-want +got):\n%s", diff)
			}
			read := func(u lifeops.User) []lifeops.WorkDay {
				t.Helper()
				got, err := db.WorkDays(ctx, u.ID, civil.D(2026, 3, 1), civil.D(2026, 3, 31))
				if err != nil {
					t.Fatal(err)
				}
				return got
			}
			if diff := cmp.Diff(old, read(ada)); diff != "" {
				t.Errorf("work days after the up (-before +after):\n%s", diff)
			}
			open := []lifeops.WorkDay{work(ada, 4, nil, nil), work(ada, 5, nil, new(0)), work(ada, 6, new(30), nil)}
			for _, w := range open {
				if err := put(w); err != nil {
					t.Fatalf("PutWorkDay with minutes not entered: %v", err)
				}
			}
			if diff := cmp.Diff(append(slices.Clone(old), open...), read(ada)); diff != "" {
				t.Errorf("work days with minutes not entered (-want +got):\n%s", diff)
			}
			if err := put(work(lifeops.User{ID: uuid.New()}, 2, nil, nil)); !errors.Is(err, lifeops.ErrNotFound) {
				t.Errorf("work day of an unknown user = %v, want the foreign key to refuse it", err)
			}
			if err := db.DeleteUser(ctx, bob.ID); err != nil {
				t.Fatal(err)
			}
			var left int
			if err := db.bun.NewRaw("SELECT count(*) FROM work_days WHERE user_id = ?", bob.ID.String()).Scan(ctx, &left); err != nil || left != 0 {
				t.Errorf("work days of a deleted user = %d, %v; want the delete to cascade", left, err)
			}

			if undone, err := db.Rollback(ctx); err != nil || len(undone) != 1 || undone[0].Version != version {
				t.Fatalf("Rollback = %v, %v; want %s alone", undone, err, version)
			}
			zeroed := slices.Clone(old)
			for _, w := range open {
				for _, p := range []**int{&w.MeetingMinutes, &w.BreakMinutes} {
					if *p == nil {
						*p = new(0)
					}
				}
				zeroed = append(zeroed, w)
			}
			if diff := cmp.Diff(zeroed, read(ada)); diff != "" {
				t.Errorf("work days after the down (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTablesAfter plays the CREATE, DROP and RENAME statements of up
// files, comments and temporary tables aside, and agrees with the tables
// the embedded migrations really leave on both backends.
func TestTablesAfter(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{
		"20260101000000_a.tx.up.sql": {Data: []byte(`-- CREATE TABLE commented (x int);
CREATE TABLE Users (id int);
create table if not exists "Mixed Case" (id int);
/* DROP TABLE users; */
CREATE TEMP TABLE scratch (x int);
CREATE TABLE public.qualified (x int);
CREATE TABLE gone (x int);`)},
		"20260101000000_a.tx.down.sql": {Data: []byte(`DROP TABLE users;`)},
		"20260102000000_b.tx.up.sql": {Data: []byte(`ALTER TABLE users RENAME TO users_old;
CREATE TABLE users (id int, name text);
DROP TABLE users_old, gone;
ALTER TABLE IF EXISTS ONLY qualified RENAME TO renamed;`)},
		"20260103000000_c.tx.up.sql": {Data: []byte(`CREATE TABLE later (x int);`)},
	}
	for _, tt := range []struct {
		version string
		want    []string
	}{
		{"20251231000000", []string{}},
		{"20260101000000", []string{"Mixed Case", "gone", "qualified", "users"}},
		{"20260102000000", []string{"Mixed Case", "renamed", "users"}},
		{"20260103000000", []string{"Mixed Case", "later", "renamed", "users"}},
	} {
		got, err := tablesAfter(files, tt.version)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("tablesAfter(%s) (-want +got):\n%s", tt.version, diff)
		}
	}

	for _, b := range internalBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openRaw(t, b.dsn(t))
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			files, err := db.own().files()
			if err != nil {
				t.Fatal(err)
			}
			want, err := tablesAfter(files, "99999999999999")
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.tableNames(ctx, db.bun)
			if err != nil {
				t.Fatal(err)
			}
			got = slices.DeleteFunc(got, func(s string) bool { return strings.HasPrefix(s, "bun_") })
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("tables the migrations leave, as read from their SQL (-read +in the database):\n%s", diff)
			}
		})
	}
}

// TestWorkDaysKeptPerSource runs the migration that keeps a work day per
// source over stored days, on both backends: every row stays (one stored
// without a source becomes the person's entry), a day then holds a record
// per source, and the down keeps one per day, the entry first.
func TestWorkDaysKeptPerSource(t *testing.T) {
	t.Parallel()
	const previous, version = "20261207110000", "20261207120000"
	for _, b := range internalBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := openRaw(t, b.dsn(t))
			db.migrationFS = migrationsUpTo(t, db, previous)
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			created := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
			uid := uuid.New()
			if _, err := db.bun.ExecContext(ctx, "INSERT INTO users (id, name, zone, day_start_hour, wake_minute, bed_minute, created_at, updated_at) VALUES (?, 'Ada', 'UTC', 4, 0, 0, ?, ?)",
				uid, instant(created), instant(created)); err != nil {
				t.Fatal(err)
			}
			work := func(d, minutes int, source string) lifeops.WorkDay {
				return lifeops.WorkDay{UserID: uid, Date: civil.D(2026, 3, d), WorkMinutes: minutes, Source: source, UpdatedAt: created}
			}
			for _, w := range []lifeops.WorkDay{work(2, 100, ""), work(3, 200, "manual"), work(4, 300, "ical")} {
				if _, err := db.bun.ExecContext(ctx, "INSERT INTO work_days (user_id, day, work_minutes, after_hours_minutes, source, updated_at) VALUES (?, ?, ?, 0, ?, ?)",
					w.UserID, day(w.Date), w.WorkMinutes, w.Source, instant(w.UpdatedAt)); err != nil {
					t.Fatal(err)
				}
			}
			db.migrationFS = migrationsUpTo(t, db, version)
			if applied, err := db.Migrate(ctx); err != nil || len(applied) != 1 || applied[0].Version != version {
				t.Fatalf("Migrate = %v, %v; want %s alone", applied, err, version)
			}
			read := func() []string {
				t.Helper()
				got, err := db.WorkDays(ctx, uid, civil.D(2026, 3, 1), civil.D(2026, 3, 31))
				if err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, w := range got {
					out = append(out, fmt.Sprintf("%s %s %d", w.Date, w.Source, w.WorkMinutes))
				}
				return out
			}
			if diff := cmp.Diff([]string{"2026-03-02 manual 100", "2026-03-03 manual 200", "2026-03-04 ical 300"}, read()); diff != "" {
				t.Errorf("work days after the up (-want +got):\n%s", diff)
			}
			for _, w := range []lifeops.WorkDay{work(3, 250, "ical"), work(3, 260, "activitywatch"), work(4, 310, "ical"), work(4, 50, "")} {
				if err := db.PutWorkDay(ctx, w); err != nil {
					t.Fatal(err)
				}
			}
			want := []string{"2026-03-02 manual 100", "2026-03-03 activitywatch 260", "2026-03-03 ical 250", "2026-03-03 manual 200",
				"2026-03-04 ical 310", "2026-03-04 manual 50"}
			if diff := cmp.Diff(want, read()); diff != "" {
				t.Errorf("work days per source (-want +got):\n%s", diff)
			}
			if n, err := db.DeleteWorkDays(ctx, uid, "ical", civil.D(2026, 3, 1), civil.D(2026, 3, 3)); err != nil || n != 1 {
				t.Errorf("DeleteWorkDays = %d, %v; want the one ical record in range", n, err)
			}
			if undone, err := db.Rollback(ctx); err != nil || len(undone) != 1 || undone[0].Version != version {
				t.Fatalf("Rollback = %v, %v; want %s alone", undone, err, version)
			}
			var got []string
			rows, err := db.bun.QueryContext(ctx, "SELECT day, source, work_minutes FROM work_days WHERE user_id = ? ORDER BY day", uid)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			for rows.Next() {
				var d day
				var src string
				var m int
				if err := rows.Scan(&d, &src, &m); err != nil {
					t.Fatal(err)
				}
				got = append(got, fmt.Sprintf("%s %s %d", civil.Date(d), src, m))
			}
			if diff := cmp.Diff([]string{"2026-03-02 manual 100", "2026-03-03 manual 200", "2026-03-04 manual 50"}, got); diff != "" {
				t.Errorf("work days after the down (-want +got):\n%s", diff)
			}
		})
	}
}
