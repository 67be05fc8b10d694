package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/store"
	"github.com/lifeops/lifeops/timeline"
)

func ptr[T any](v T) *T { return &v }

// fillUser writes one or more records of every kind for a new user and
// returns the user.
func fillUser(tb testing.TB, db lifeops.Store) lifeops.User {
	tb.Helper()
	ctx := context.Background()
	u := lifeops.User{
		ID: uuid.New(), Name: "Grace Ünïcode ✓", Zone: "America/New_York", DayStartHour: 3,
		WakeTime: civil.Clock{Hour: 6, Minute: 45}, Bedtime: civil.Clock{Hour: 22, Minute: 30},
		CreatedAt: t0, UpdatedAt: t0.Add(time.Hour),
	}
	must := func(err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(db.CreateUser(ctx, u))
	g := lifeops.DefaultGoals(u.ID)
	g.Weights.WorkLife = decimal.RequireFromString("2.5")
	g.UpdatedAt = t0
	must(db.PutGoals(ctx, g))
	must(db.PutCredential(ctx, lifeops.Credential{
		UserID: u.ID, Provider: "oura", ExternalID: "ext-" + u.ID.String()[:8], AccessToken: lifeops.NewSecret("a"), RefreshToken: lifeops.NewSecret("r"),
		TokenType: "Bearer", Expiry: t0.Add(24 * time.Hour), Scopes: []string{"daily"}, UpdatedAt: t0,
	}))
	must(db.PutWorkSource(ctx, lifeops.WorkSourceSettings{UserID: u.ID, Source: "ical", Settings: json.RawMessage(`{"feeds": [{"id": "work"}]}`),
		Secrets: map[string]lifeops.Secret{"work": lifeops.NewSecret("https://cal.example/private.ics")}, Version: 3, UpdatedAt: t0}))
	must(db.PutWorkSource(ctx, lifeops.WorkSourceSettings{UserID: u.ID, Source: "activitywatch", Settings: json.RawMessage(`{"hosts":["laptop"]}`),
		Version: 1, UpdatedAt: t0}))
	d1, d2 := civil.D(2026, 3, 28), civil.D(2026, 3, 29)
	must(db.PutHealthDays(ctx, []lifeops.HealthDay{
		{UserID: u.ID, Date: d1, Source: "oura", Sleep: &lifeops.ProviderScore{Value: 82, Contributors: map[string]int{"rem": 70, "deep": 90}},
			Steps: ptr(9000), Bedtime: ptr(t0.Add(-8 * time.Hour)), WakeTime: ptr(t0.Add(-time.Hour)), UpdatedAt: t0},
		{UserID: u.ID, Date: d2, Readiness: &lifeops.ProviderScore{Value: 70}, HRV: ptr(45), UpdatedAt: t0},
	}))
	must(db.PutRawDocuments(ctx, []lifeops.RawDocument{
		{UserID: u.ID, Provider: "oura", Kind: "daily_sleep", ID: "ds-1", Date: d1, Data: json.RawMessage(`{"score": 82, "x":[1.10]}`), FetchedAt: t0},
		{UserID: u.ID, Provider: "oura", Kind: "tag", ID: "t-1", Deleted: true, Data: json.RawMessage(`{}`), FetchedAt: t0},
	}))
	var hr []lifeops.HeartRateSample
	for i := range 300 {
		hr = append(hr, lifeops.HeartRateSample{At: t0.Add(time.Duration(i) * 5 * time.Minute), BPM: 50 + i%40, Source: "rest"})
	}
	must(db.PutHeartRate(ctx, u.ID, hr))
	must(db.PutSyncState(ctx, lifeops.SyncState{UserID: u.ID, Kind: lifeops.KindDailySleep, Through: d2, SyncedAt: t0}))
	must(db.PutWorkDay(ctx, lifeops.WorkDay{UserID: u.ID, Date: d1, WorkMinutes: 500, AfterHoursMinutes: 20, MeetingMinutes: new(100), BreakMinutes: new(30), Source: "manual", UpdatedAt: t0}))
	// Meetings not entered, no breaks taken: nil and 0 must both survive.
	must(db.PutWorkDay(ctx, lifeops.WorkDay{UserID: u.ID, Date: d2, WorkMinutes: 420, BreakMinutes: new(0), Source: "manual", UpdatedAt: t0}))
	life := decimal.RequireFromString("66.67")
	must(db.PutScores(ctx, lifeops.DayScores{UserID: u.ID, Date: d1, Life: &life,
		Activity: &lifeops.DomainScore{Value: decimal.RequireFromString("66.67"), Contributors: []lifeops.Contributor{
			{Name: "steps", Value: decimal.RequireFromString("100"), Weight: decimal.RequireFromString("1"), Effect: decimal.RequireFromString("0.001")}}},
		ComputedAt: t0}))
	it := lifeops.Item{
		Item: timeline.Item{
			ID: uuid.New(), Title: "Stretch", Kind: timeline.KindRoutine,
			Schedule:      timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday, time.Friday}},
			Anchor:        timeline.Anchor{Type: timeline.AnchorWake},
			OffsetMinutes: 15, DurationMinutes: 10,
		},
		UserID: u.ID, Difficulty: lifeops.DifficultyEasy, CreatedAt: t0, UpdatedAt: t0,
	}
	must(db.CreateItem(ctx, it))
	item := it.ID
	if _, _, err := db.AddXP(ctx, lifeops.XPEntry{UserID: u.ID, Key: "completion:" + item.String(), Date: d1, Kind: "completion", Points: 12,
		Reason: "Done", Parts: []lifeops.XPPart{{Name: "base", Points: 10}, {Name: "on_time", Points: 2}}, ItemID: item, CreatedAt: t0}); err != nil {
		tb.Fatal(err)
	}
	if _, _, err := db.UnlockAchievement(ctx, lifeops.Achievement{UserID: u.ID, Code: "first_step", Date: d1, UnlockedAt: t0}); err != nil {
		tb.Fatal(err)
	}
	if _, _, err := db.AddEvent(ctx, lifeops.Event{ID: uuid.New(), UserID: u.ID, ItemID: item, Date: d1, Kind: lifeops.EventSkipped, At: t0, Reason: "rain", CreatedAt: t0}); err != nil {
		tb.Fatal(err)
	}
	for _, c := range []lifeops.ZoneChange{
		{UserID: u.ID, At: t0.Add(72 * time.Hour), From: "Asia/Tokyo", To: "America/New_York"},
		{UserID: u.ID, At: t0.Add(24 * time.Hour), From: "America/New_York", To: "Asia/Tokyo"},
	} {
		if _, _, err := db.AddZoneChange(ctx, c); err != nil {
			tb.Fatal(err)
		}
	}
	return u
}

// ignoreExportedAt compares export documents but for their time of
// export; provider documents compare byte for byte.
var ignoreExportedAt = cmpopts.IgnoreFields(store.Export{}, "ExportedAt")

// TestExportImportRoundTrip moves a user from SQLite to Postgres and back
// through export documents: nothing is lost, and importing twice changes
// nothing.
func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite := mustMigrate(t, openSQLite(t))
	pg := mustMigrate(t, openPostgres(t))
	u := fillUser(t, lite)
	opts := &store.ExportOptions{Credentials: true}

	first, err := store.ExportUser(ctx, lite, u.ID, opts)
	if err != nil {
		t.Fatal(err)
	}
	// Through the file format, as a person moving backends would.
	var buf bytes.Buffer
	if err := store.WriteExport(&buf, first); err != nil {
		t.Fatal(err)
	}
	doc, err := store.ReadExport(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	res, err := store.ImportUser(ctx, pg, doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.HeartRate != 300 || res.XP != 1 || res.Events != 1 || res.Credentials != 1 || res.ZoneChanges != 2 || res.WorkSources != 2 {
		t.Errorf("first import = %+v", res)
	}
	if len(first.WorkSources) != 2 || !first.WorkSources[1].Secrets["work"].Equal(lifeops.NewSecret("https://cal.example/private.ics")) {
		t.Errorf("exported work sources = %+v, want both, the calendar's secret in it", first.WorkSources)
	}
	if n := len(first.ZoneChanges); n != 2 || !first.ZoneChanges[0].At.Before(first.ZoneChanges[1].At) {
		t.Errorf("exported zone changes = %+v, want both, oldest first", first.ZoneChanges)
	}
	second, err := store.ExportUser(ctx, pg, u.ID, opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(first, second, ignoreExportedAt); diff != "" {
		t.Errorf("SQLite → Postgres lost or changed data (-sqlite +postgres):\n%s", diff)
	}

	doc2, _ := store.ReadExport(bytes.NewReader(buf.Bytes()))
	res, err = store.ImportUser(ctx, pg, doc2, &store.ImportOptions{Replace: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.XP != 0 || res.Achievements != 0 || res.Events != 0 || res.ZoneChanges != 0 {
		t.Errorf("second import created ledger records: %+v", res)
	}
	third, err := store.ExportUser(ctx, pg, u.ID, opts)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(second, third, ignoreExportedAt); diff != "" {
		t.Errorf("importing twice changed data (-once +twice):\n%s", diff)
	}
	if n := len(third.HeartRate); n != 300 {
		t.Errorf("heart-rate samples after two imports = %d, want 300", n)
	}
}

// TestExportWorkSourcesWithoutSecrets: without the credentials option an
// export holds the work-source settings but none of their secrets, and a
// store without a key can write it; an import into another person leaves
// the secrets out too.
func TestExportWorkSourcesWithoutSecrets(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite := mustMigrate(t, openSQLite(t))
	u := fillUser(t, lite)
	noKey, err := store.OpenBun(ctx, lite.Bun(), nil)
	if err != nil {
		t.Fatal(err)
	}
	x, err := store.ExportUser(ctx, noKey, u.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := store.WriteExport(&buf, x); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), []byte("private.ics")) || !bytes.Contains(buf.Bytes(), []byte(`"work_sources"`)) {
		t.Errorf("an export without credentials:\n%s\nwant the work sources without their secrets", buf.Bytes())
	}
	for _, w := range x.WorkSources {
		if len(w.Secrets) != 0 {
			t.Errorf("work source %s exported with secrets", w.Source)
		}
	}

	full, err := store.ExportUser(ctx, lite, u.ID, &store.ExportOptions{Credentials: true})
	if err != nil {
		t.Fatal(err)
	}
	mem := memstore.New()
	res, err := store.ImportUser(ctx, mem, full, &store.ImportOptions{NewUser: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.WorkSources != 2 || res.SkippedSecrets != 1 {
		t.Errorf("import into a new person = %+v, want 2 work sources, 1 without its secrets", res)
	}
	got, err := mem.WorkSource(ctx, res.UserID, "ical")
	if err != nil || len(got.Secrets) != 0 || string(got.Settings) != `{"feeds": [{"id": "work"}]}` {
		t.Errorf("the calendar settings of the new person = %+v, %v; want the settings without the feed URL", got, err)
	}
}

// TestExportKeepsMinutesNotEntered: a work day's meeting minutes not
// entered and break minutes of 0 go through the file (the first left out,
// the second written as 0) and come back as they were, SQLite to Postgres
// and back to SQLite.
func TestExportKeepsMinutesNotEntered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	lite := mustMigrate(t, openSQLite(t))
	u := fillUser(t, lite)
	want := []lifeops.WorkDay{
		{UserID: u.ID, Date: civil.D(2026, 3, 28), WorkMinutes: 500, AfterHoursMinutes: 20, MeetingMinutes: new(100), BreakMinutes: new(30), Source: "manual", UpdatedAt: t0.Truncate(time.Microsecond)},
		{UserID: u.ID, Date: civil.D(2026, 3, 29), WorkMinutes: 420, BreakMinutes: new(0), Source: "manual", UpdatedAt: t0.Truncate(time.Microsecond)},
	}
	through := func(x *store.Export) (*store.Export, []byte) {
		t.Helper()
		var buf bytes.Buffer
		if err := store.WriteExport(&buf, x); err != nil {
			t.Fatal(err)
		}
		back, err := store.ReadExport(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		return back, buf.Bytes()
	}
	x, err := store.ExportUser(ctx, lite, u.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, file := through(x)
	var raw struct {
		Version  int                          `json:"version"`
		WorkDays []map[string]json.RawMessage `json:"work_days"`
	}
	if err := json.Unmarshal(file, &raw); err != nil {
		t.Fatal(err)
	}
	if raw.Version != store.ExportVersion || len(raw.WorkDays) != 2 {
		t.Fatalf("file: version %d with %d work days, want version %d with 2", raw.Version, len(raw.WorkDays), store.ExportVersion)
	}
	if m, ok := raw.WorkDays[1]["meeting_minutes"]; ok {
		t.Errorf("meeting minutes not entered written as %s, want the key left out", m)
	}
	if b := string(raw.WorkDays[1]["break_minutes"]); b != "0" {
		t.Errorf("break minutes of 0 written as %q, want 0", b)
	}

	pg := mustMigrate(t, openPostgres(t))
	again := mustMigrate(t, openSQLite(t))
	for _, dst := range []*store.DB{pg, again} {
		if _, err := store.ImportUser(ctx, dst, doc, nil); err != nil {
			t.Fatal(err)
		}
		got, err := dst.WorkDays(ctx, u.ID, civil.D(2026, 3, 1), civil.D(2026, 3, 31))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("work days after import (-want +got):\n%s", diff)
		}
		x, err := store.ExportUser(ctx, dst, u.ID, nil)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ = through(x)
	}
}

// TestImportOlderVersionsKeepWorkDayNumbers: documents of versions 1 and 2
// always carry meeting and break minutes as numbers; they import as
// entered values, 0 included, never as "not entered".
func TestImportOlderVersionsKeepWorkDayNumbers(t *testing.T) {
	t.Parallel()
	for _, version := range []int{1, 2} {
		t.Run(fmt.Sprint("version ", version), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			id := uuid.New()
			zones := ""
			if version == 2 {
				zones = `,"zone_changes":[]`
			}
			doc := `{"format":"lifeops-export","version":` + fmt.Sprint(version) + `,"exported_at":"2026-03-29T00:00:00Z",
			"user":{"id":"` + id.String() + `","name":"Ada","timezone":"Europe/Berlin","day_start_hour":4,"wake_time":"07:00","bedtime":"23:00",
				"created_at":"2026-03-01T09:00:00Z","updated_at":"2026-03-01T09:00:00Z"},
			"health_days":[],"raw_documents":[],"heart_rate":[],"sync_states":[],
			"work_days":[
				{"date":"2026-03-26","work_minutes":480,"after_hours_minutes":30,"meeting_minutes":0,"break_minutes":0,"source":"manual","updated_at":"2026-03-26T21:00:00Z"},
				{"date":"2026-03-27","work_minutes":450,"after_hours_minutes":0,"meeting_minutes":90,"break_minutes":40,"source":"calendar","updated_at":"2026-03-27T21:00:00Z"}],
			"scores":[],"xp":[],"achievements":[],"items":[],"events":[]` + zones + `}`
			x, err := store.ReadExport(strings.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			db := mustMigrate(t, openSQLite(t))
			if res, err := store.ImportUser(ctx, db, x, nil); err != nil || res.WorkDays != 2 {
				t.Fatalf("ImportUser = %+v, %v; want 2 work days", res, err)
			}
			got, err := db.WorkDays(ctx, id, civil.D(2026, 3, 1), civil.D(2026, 3, 31))
			if err != nil {
				t.Fatal(err)
			}
			want := []lifeops.WorkDay{
				{UserID: id, Date: civil.D(2026, 3, 26), WorkMinutes: 480, AfterHoursMinutes: 30, MeetingMinutes: new(0), BreakMinutes: new(0),
					Source: "manual", UpdatedAt: time.Date(2026, 3, 26, 21, 0, 0, 0, time.UTC)},
				{UserID: id, Date: civil.D(2026, 3, 27), WorkMinutes: 450, MeetingMinutes: new(90), BreakMinutes: new(40),
					Source: "calendar", UpdatedAt: time.Date(2026, 3, 27, 21, 0, 0, 0, time.UTC)},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("work days of a version %d document (-want +got):\n%s", version, diff)
			}
		})
	}
}

// TestImportVersion1 imports a document written before zone changes were
// exported: it has no zone_changes, and everything else lands.
func TestImportVersion1(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	id := uuid.New()
	doc := `{"format":"lifeops-export","version":1,"exported_at":"2026-03-29T00:00:00Z",
	"user":{"id":"` + id.String() + `","name":"Ada","timezone":"Europe/Berlin","day_start_hour":4,"wake_time":"07:00","bedtime":"23:00",
		"created_at":"2026-03-01T09:00:00Z","updated_at":"2026-03-01T09:00:00Z"},
	"health_days":[],"raw_documents":[],"heart_rate":[{"at":"2026-03-28T03:00:00Z","bpm":55}],"sync_states":[],"work_days":[],
	"scores":[],"xp":[],"achievements":[],"items":[],"events":[]}`
	x, err := store.ReadExport(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	db := mustMigrate(t, openSQLite(t))
	res, err := store.ImportUser(ctx, db, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Users != 1 || res.HeartRate != 1 || res.ZoneChanges != 0 {
		t.Errorf("import of a version 1 document = %+v, want the user and one sample", res)
	}
	back, err := store.ExportUser(ctx, db, id, nil)
	if err != nil {
		t.Fatal(err)
	}
	if back.Version != store.ExportVersion || back.User.Name != "Ada" || len(back.HeartRate) != 1 || len(back.ZoneChanges) != 0 {
		t.Errorf("export after importing version 1 = version %d, user %q, %d samples, %d zone changes",
			back.Version, back.User.Name, len(back.HeartRate), len(back.ZoneChanges))
	}
}

// TestCopyUsers copies every user between backends.
func TestCopyUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	from := mustMigrate(t, openSQLite(t))
	to := mustMigrate(t, openSQLite(t))
	a, b := fillUser(t, from), fillUser(t, from)
	res, err := store.CopyUsers(ctx, from, to, &store.ExportOptions{Credentials: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Users != 2 || res.HeartRate != 600 {
		t.Errorf("CopyUsers = %+v, want 2 users and 600 samples", res)
	}
	for _, u := range []lifeops.User{a, b} {
		want, err := store.ExportUser(ctx, from, u.ID, &store.ExportOptions{Credentials: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := store.ExportUser(ctx, to, u.ID, &store.ExportOptions{Credentials: true})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got, ignoreExportedAt); diff != "" {
			t.Errorf("user %s after copy (-from +to):\n%s", u.ID, diff)
		}
	}
}

func TestReadExportRejects(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, doc, field string
	}{
		{"not json", `{`, "document"},
		{"other format", `{"format":"x","version":1,"user":{"id":"` + uuid.NewString() + `"}}`, "format"},
		{"future version", `{"format":"lifeops-export","version":` + fmt.Sprint(store.ExportVersion+1) + `,"user":{"id":"` + uuid.NewString() + `"}}`, "version"},
		{"version 0", `{"format":"lifeops-export","version":0,"user":{"id":"` + uuid.NewString() + `"}}`, "version"},
		{"no user", `{"format":"lifeops-export","version":1}`, "user.id"},
		{"unknown field", `{"format":"lifeops-export","version":1,"user":{"id":"` + uuid.NewString() + `"},"extra":1}`, "document"},
		{"trailing data", `{"format":"lifeops-export","version":1,"user":{"id":"` + uuid.NewString() + `"}} {}`, "document"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := store.ReadExport(strings.NewReader(tt.doc))
			var xe *store.ExportError
			if !errors.As(err, &xe) || xe.Field != tt.field || !errors.Is(err, lifeops.ErrInvalid) {
				t.Errorf("ReadExport = %v, want an *ExportError for %s matching ErrInvalid", err, tt.field)
			}
		})
	}
}

// FuzzReadExport: an export file is outside input; decoding it must fail
// cleanly or produce a document that passes its own checks.
func FuzzReadExport(f *testing.F) {
	f.Add(`{"format":"lifeops-export","version":1,"user":{"id":"6f1c1b1e-3c55-4f55-9d2e-0c7b1f0c2a11","timezone":"UTC"},"heart_rate":[{"at":"2026-01-01T00:00:00Z","bpm":60}]}`)
	f.Add(`{"format":"lifeops-export","version":0}`)
	f.Add(`{"format":"lifeops-export","version":2,"user":{"id":"6f1c1b1e-3c55-4f55-9d2e-0c7b1f0c2a11"},"zone_changes":[{"at":"2026-06-11T20:00:00Z","from":"America/Los_Angeles","to":"Asia/Tokyo"}]}`)
	f.Add(`{"format":"lifeops-export","version":3,"user":{"id":"6f1c1b1e-3c55-4f55-9d2e-0c7b1f0c2a11"},"work_days":[{"date":"2026-03-27","work_minutes":480,"after_hours_minutes":0,"meeting_minutes":null,"break_minutes":0}]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, s string) {
		x, err := store.ReadExport(strings.NewReader(s))
		if err != nil {
			return
		}
		if x.Format != store.ExportFormat || x.Version < 1 || x.Version > store.ExportVersion || x.User.ID == uuid.Nil {
			t.Fatalf("accepted a document that fails its checks: %+v", x)
		}
	})
}

// TestBackupRestore backs a live SQLite store up with VACUUM INTO and
// opens the copy: every record is there and the schema is current.
func TestBackupRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := mustMigrate(t, openSQLite(t))
	u := fillUser(t, db)
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, path); !errors.Is(err, lifeops.ErrConflict) {
		t.Errorf("backup over an existing file = %v, want a conflict", err)
	}
	// Writes after the backup are not in it.
	if err := db.PutSyncState(ctx, lifeops.SyncState{UserID: u.ID, Kind: lifeops.KindWork, Through: civil.D(2026, 4, 1), SyncedAt: t0}); err != nil {
		t.Fatal(err)
	}
	restored := mustOpen(t, path)
	if err := restored.CheckMigrations(ctx); err != nil {
		t.Errorf("restored schema: %v", err)
	}
	got, err := store.ExportUser(ctx, restored, u.ID, &store.ExportOptions{Credentials: true})
	if err != nil {
		t.Fatal(err)
	}
	want, err := store.ExportUser(ctx, db, u.ID, &store.ExportOptions{Credentials: true})
	if err != nil {
		t.Fatal(err)
	}
	want.SyncStates = want.SyncStates[:1]
	if diff := cmp.Diff(want, got, ignoreExportedAt); diff != "" {
		t.Errorf("restored backup (-at backup +restored):\n%s", diff)
	}

	pg := openPostgres(t)
	if err := pg.Backup(ctx, filepath.Join(t.TempDir(), "x")); !errors.Is(err, store.ErrUnsupported) {
		t.Errorf("Backup on Postgres = %v, want ErrUnsupported", err)
	}
}

// TestRestoreInPlace follows Backup's restore steps: stop the program, put
// the copy in place of the database file, remove the -wal and -shm files,
// open it. The store is as it was at the backup.
func TestRestoreInPlace(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dir := t.TempDir()
	live, copyPath := filepath.Join(dir, "lifeops.db"), filepath.Join(dir, "backup.db")
	db, err := store.Open(ctx, live, &store.Options{Keys: testKeys(t)})
	if err != nil {
		t.Fatal(err)
	}
	mustMigrate(t, db)
	u := fillUser(t, db)
	if err := db.Backup(ctx, copyPath); err != nil {
		t.Fatal(err)
	}
	want, err := store.ExportUser(ctx, db, u.ID, &store.ExportOptions{Credentials: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteUser(ctx, u.ID); err != nil { // the mistake the backup undoes
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(copyPath, live); err != nil {
		t.Fatal(err)
	}
	for _, side := range []string{"-wal", "-shm"} {
		if err := os.Remove(live + side); err != nil && !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
	}
	restored := mustOpen(t, live)
	got, err := store.ExportUser(ctx, restored, u.ID, &store.ExportOptions{Credentials: true})
	if err != nil {
		t.Fatalf("the user is not back after the restore: %v", err)
	}
	if diff := cmp.Diff(want, got, ignoreExportedAt); diff != "" {
		t.Errorf("restored in place (-at backup +restored):\n%s", diff)
	}
}

// TestImportIsOneTransaction: an import into a DB that fails part-way
// (here on an event whose item the document lacks) leaves nothing behind.
func TestImportIsOneTransaction(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := mustMigrate(t, openSQLite(t))
	u := fillUser(t, src)
	x, err := store.ExportUser(ctx, src, u.ID, &store.ExportOptions{Credentials: true})
	if err != nil {
		t.Fatal(err)
	}
	x.Items = nil // the event now names an item that does not exist
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			dst := mustMigrate(t, b.open(t))
			doc := *x
			if _, err := store.ImportUser(ctx, dst, &doc, nil); !errors.Is(err, lifeops.ErrNotFound) {
				t.Fatalf("import = %v, want the event's missing item (not found)", err)
			}
			if _, err := dst.User(ctx, u.ID); !errors.Is(err, lifeops.ErrNotFound) {
				t.Errorf("after a failed import the user exists (%v): the import was not one transaction", err)
			}
			if users, err := dst.Users(ctx, lifeops.Page{}); err != nil || len(users) != 0 {
				t.Errorf("users after a failed import = %d, %v", len(users), err)
			}
		})
	}
}

// TestExportFileKeepsDocumentsByteForByte writes provider documents whose
// bytes encoding/json would change (spaces, line breaks, escapes, &, <, >)
// to an export file and imports it: every document comes back byte for
// byte.
func TestExportFileKeepsDocumentsByteForByte(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	src := mustMigrate(t, openSQLite(t))
	dst := mustMigrate(t, openSQLite(t))
	u := newUser(t, src)
	datas := []string{
		`{"id":"a","score":85}`,
		"{\n  \"id\": \"b\",\n  \"note\" : \"R&D <b>bold</b>\"\n}",
		`{"id":"c","esc":"\u00e9\/\"","n":1.50E+2,"sep":"` + "\u2028" + `"}`,
		`[ 1 , 2 ,	3 ]`,
	}
	var docs []lifeops.RawDocument
	for i, d := range datas {
		docs = append(docs, lifeops.RawDocument{UserID: u.ID, Provider: "oura", Kind: "tag", ID: string(rune('a' + i)),
			Data: json.RawMessage(d), FetchedAt: t0})
	}
	if err := src.PutRawDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	x, err := store.ExportUser(ctx, src, u.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := store.WriteExport(&buf, x); err != nil {
		t.Fatal(err)
	}
	back, err := store.ReadExport(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.ImportUser(ctx, dst, back, nil); err != nil {
		t.Fatal(err)
	}
	for i, want := range datas {
		got, err := dst.RawDocument(ctx, u.ID, "oura", "tag", docs[i].ID)
		if err != nil {
			t.Fatal(err)
		}
		if string(got.Data) != want {
			t.Errorf("document %s after export and import:\n got %q\nwant %q", docs[i].ID, got.Data, want)
		}
	}
}

// FuzzExportFile: whatever JSON a provider document holds, an export file
// gives it back byte for byte (but for white space around the value), and
// the rest of the document is not disturbed by it.
func FuzzExportFile(f *testing.F) {
	f.Add(`{"a": 1}`, "Ada")
	f.Add("[1,\n 2]", `"quoted" & <b>`)
	f.Add(` "lifeops-raw-0" `, "lifeops-raw-")
	f.Add(`{"s":"\u2028 \ud800"}`, "\u2028")
	f.Fuzz(func(t *testing.T, data, name string) {
		if !json.Valid([]byte(data)) || !utf8.ValidString(name) {
			return
		}
		x := &store.Export{Format: store.ExportFormat, Version: store.ExportVersion, User: lifeops.User{ID: uuid.New(), Name: name},
			RawDocuments: []lifeops.RawDocument{
				{Provider: "oura", Kind: "tag", ID: "1", Data: json.RawMessage(data)},
				{Provider: "oura", Kind: "tag", ID: "2", Data: json.RawMessage(`{}`)},
			}}
		var buf bytes.Buffer
		if err := store.WriteExport(&buf, x); err != nil {
			t.Fatal(err)
		}
		back, err := store.ReadExport(&buf)
		if err != nil {
			t.Fatalf("ReadExport of a written document: %v\n%s", err, buf.String())
		}
		if got, want := string(back.RawDocuments[0].Data), string(bytes.TrimSpace([]byte(data))); got != want {
			t.Errorf("data = %q, want %q", got, want)
		}
		if string(back.RawDocuments[1].Data) != `{}` || back.User.Name != name {
			t.Errorf("the rest changed: %q, %q", back.RawDocuments[1].Data, back.User.Name)
		}
	})
}
