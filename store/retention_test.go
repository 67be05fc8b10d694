package store_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/store"
)

// TestRetentionPlan keeps the newest backup of each of the N most recent
// days and of each of the M most recent ISO weeks, in UTC.
func TestRetentionPlan(t *testing.T) {
	t.Parallel()
	at := func(s string) *store.Manifest {
		ts, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return &store.Manifest{CreatedAt: ts, File: s}
	}
	// Thursday 2027-01-14 back to Monday 2026-12-21: three backups on the
	// 14th, one a day before, then one a week. 2027-01-04 is the Monday of
	// ISO week 1.
	backups := []*store.Manifest{
		at("2027-01-14T23:00:00Z"), at("2027-01-14T12:00:00Z"), at("2027-01-14T01:00:00Z"),
		at("2027-01-13T12:00:00Z"), at("2027-01-12T12:00:00Z"), at("2027-01-11T12:00:00Z"),
		at("2027-01-10T12:00:00Z"), at("2027-01-04T00:30:00Z"), at("2027-01-03T23:30:00+02:00"),
		at("2026-12-28T12:00:00Z"), at("2026-12-21T12:00:00Z"),
	}
	names := func(ms []*store.Manifest) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.File)
		}
		return out
	}
	for _, tt := range []struct {
		name          string
		daily, weekly int
		keep          []string
	}{
		{"one daily", 1, 0, []string{"2027-01-14T23:00:00Z"}},
		{"three daily", 3, 0, []string{"2027-01-14T23:00:00Z", "2027-01-13T12:00:00Z", "2027-01-12T12:00:00Z"}},
		{"one weekly", 0, 1, []string{"2027-01-14T23:00:00Z"}},
		// Weeks: 2027-W02 (11th to 14th), W01 (4th to 10th), 2026-W53
		// (28th to 3rd, the +02:00 backup is the 3rd 21:30 UTC), W52.
		{"three weekly", 0, 3, []string{"2027-01-14T23:00:00Z", "2027-01-10T12:00:00Z", "2027-01-03T23:30:00+02:00"}},
		{"two daily, four weekly", 2, 4, []string{"2027-01-14T23:00:00Z", "2027-01-13T12:00:00Z", "2027-01-10T12:00:00Z", "2027-01-03T23:30:00+02:00", "2026-12-21T12:00:00Z"}},
		{"more than there are", 30, 30, []string{"2027-01-14T23:00:00Z", "2027-01-13T12:00:00Z", "2027-01-12T12:00:00Z", "2027-01-11T12:00:00Z",
			"2027-01-10T12:00:00Z", "2027-01-04T00:30:00Z", "2027-01-03T23:30:00+02:00", "2026-12-28T12:00:00Z", "2026-12-21T12:00:00Z"}},
	} {
		shuffled := slices.Clone(backups)
		slices.Reverse(shuffled)
		keep, drop, err := store.RetentionPlan(shuffled, tt.daily, tt.weekly)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.keep, names(keep)); diff != "" {
			t.Errorf("%s: kept (-want +got):\n%s", tt.name, diff)
		}
		if len(keep)+len(drop) != len(backups) {
			t.Errorf("%s: %d kept and %d dropped of %d", tt.name, len(keep), len(drop), len(backups))
		}
		for _, d := range drop {
			if slices.Contains(tt.keep, d.File) {
				t.Errorf("%s: %s both kept and dropped", tt.name, d.File)
			}
		}
	}
	for _, bad := range [][2]int{{0, 0}, {-1, 3}, {2, -1}} {
		if _, _, err := store.RetentionPlan(backups, bad[0], bad[1]); err == nil {
			t.Errorf("RetentionPlan(%d daily, %d weekly) succeeded", bad[0], bad[1])
		}
	}
}

// TestPruneBackups takes backups on several days into one folder and
// prunes it: the dropped backups go with their manifests, files without a
// manifest stay.
func TestPruneBackups(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mustMigrate(t, openSQLite(t))
	dir := t.TempDir()
	start := time.Date(2027, 1, 1, 3, 0, 0, 0, time.UTC)
	var made []*store.Manifest
	for i := range 10 {
		now := start.Add(time.Duration(i) * 24 * time.Hour)
		m, err := db.BackupTo(ctx, dir, &store.BackupOptions{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, m)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	removed, err := store.PruneBackups(dir, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	// Kept: the 10th, 9th and 8th (daily); the 10th (week 2, 4th–10th) and
	// the 3rd (week 53 of 2026, 28th–3rd) (weekly).
	var left []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		left = append(left, e.Name())
	}
	var want []string
	for _, day := range []int{3, 8, 9, 10} {
		name := store.BackupFileName(store.BackupSQLite, time.Date(2027, 1, day, 3, 0, 0, 0, time.UTC))
		want = append(want, name, name+store.ManifestSuffix)
	}
	want = append(want, "notes.txt")
	if diff := cmp.Diff(want, left); diff != "" {
		t.Errorf("left in the folder (-want +got):\n%s", diff)
	}
	if len(removed) != len(made)-4 {
		t.Errorf("removed %d backups, want %d", len(removed), len(made)-4)
	}
	again, err := store.PruneBackups(dir, 3, 2)
	if err != nil || len(again) != 0 {
		t.Errorf("second prune removed %d, %v", len(again), err)
	}
}
