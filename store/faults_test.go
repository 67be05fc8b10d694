package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/store"
)

// TestFaults feeds each kind of bad input and fault to every backend: each
// gives a typed error and leaves the stored data as it was.
func TestFaults(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := fillUser(t, db)
		before, err := store.ExportUser(ctx, db, u.ID, &store.ExportOptions{Credentials: true})
		if err != nil {
			t.Fatal(err)
		}
		cancelled, cancel := context.WithCancel(ctx)
		cancel()

		renamed := u
		renamed.Name = "Changed"
		tooLong := u
		tooLong.Name = strings.Repeat("é", lifeops.MaxNameLen+1)
		badZone := u
		badZone.Zone = "Mars/Olympus_Mons"
		dup := u
		dup.Name = "Someone else"
		strangerDay := lifeops.HealthDay{UserID: uuid.New(), Date: civil.D(2026, 3, 28), UpdatedAt: t0}
		goodDay := lifeops.HealthDay{UserID: u.ID, Date: civil.D(2026, 3, 28), Steps: ptr(1), UpdatedAt: t0}

		tests := []struct {
			name  string
			err   error
			is    error
			field string // for validation errors
		}{
			{"cancelled context", db.UpdateUser(cancelled, renamed), context.Canceled, ""},
			{"duplicate", db.CreateUser(ctx, dup), lifeops.ErrConflict, ""},
			{"too-long string", db.UpdateUser(ctx, tooLong), lifeops.ErrInvalid, "name"},
			{"invalid zone", db.UpdateUser(ctx, badZone), lifeops.ErrInvalid, "timezone"},
			{"batch with an unknown user", db.PutHealthDays(ctx, []lifeops.HealthDay{goodDay, strangerDay}), lifeops.ErrNotFound, ""},
			{"merge with an unknown user", db.MergeHealthDays(ctx, lifeops.KindDailyActivity, []lifeops.HealthDay{goodDay, strangerDay}), lifeops.ErrNotFound, ""},
			{"merge with a source that is not UTF-8", db.MergeHealthDays(ctx, lifeops.KindDailyActivity, []lifeops.HealthDay{{UserID: u.ID,
				Date: civil.D(2026, 3, 28), Source: "o\xffura", Steps: ptr(1), UpdatedAt: t0}}), lifeops.ErrInvalid, "source"},
			{"merge with a cancelled context", db.MergeHealthDays(cancelled, lifeops.KindDailyActivity, []lifeops.HealthDay{goodDay}), context.Canceled, ""},
			{"a key that is not UTF-8", func() error {
				_, _, err := db.AddXP(ctx, lifeops.XPEntry{UserID: u.ID, Key: "k\xff", Date: civil.D(2026, 1, 1), Kind: "x", CreatedAt: t0})
				return err
			}(), lifeops.ErrInvalid, "key"},
			{"a document id with a NUL byte", db.PutRawDocuments(ctx, []lifeops.RawDocument{{UserID: u.ID, Provider: "oura", Kind: "tag",
				ID: "t\x00", Data: json.RawMessage(`{}`), FetchedAt: t0}}), lifeops.ErrInvalid, "id"},
			{"a document that is not UTF-8", db.PutRawDocuments(ctx, []lifeops.RawDocument{{UserID: u.ID, Provider: "oura", Kind: "tag",
				ID: "t-1", Data: json.RawMessage("{\"a\":\"\xe9\"}"), FetchedAt: t0}}), lifeops.ErrInvalid, "data"},
			{"an instant past the year 9999", db.PutWorkDay(ctx, lifeops.WorkDay{UserID: u.ID, Date: civil.D(2026, 3, 28),
				UpdatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}), lifeops.ErrInvalid, "updated_at"},
			{"a sample past the year 9999", db.PutHeartRate(ctx, u.ID, []lifeops.HeartRateSample{{At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), BPM: 60}}),
				lifeops.ErrInvalid, "at"},
			{"heart rate with a bad sample", db.PutHeartRate(ctx, u.ID, []lifeops.HeartRateSample{{At: t0.Add(-1e9), BPM: 60}, {At: t0, BPM: 999}}), lifeops.ErrInvalid, "bpm"},
		}
		for _, tt := range tests {
			if !errors.Is(tt.err, tt.is) {
				t.Errorf("%s: %v, want an error matching %v", tt.name, tt.err, tt.is)
			}
			if tt.field != "" {
				var ve *lifeops.ValidationError
				if !errors.As(tt.err, &ve) || ve.Field != tt.field {
					t.Errorf("%s: %v, want a *ValidationError naming %q", tt.name, tt.err, tt.field)
				}
			} else {
				var se *store.Error
				if !errors.As(tt.err, &se) {
					t.Errorf("%s: %v is not a *store.Error", tt.name, tt.err)
				}
			}
		}
		after, err := store.ExportUser(ctx, db, u.ID, &store.ExportOptions{Credentials: true})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(before, after, ignoreExportedAt); diff != "" {
			t.Errorf("failed writes changed data (-before +after):\n%s", diff)
		}

		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
		for name, err := range map[string]error{
			"User":     func() error { _, err := db.User(ctx, u.ID); return err }(),
			"PutGoals": db.PutGoals(ctx, lifeops.DefaultGoals(u.ID)),
			"MergeHealthDays": db.MergeHealthDays(ctx, lifeops.KindDailyActivity, []lifeops.HealthDay{
				{UserID: u.ID, Date: civil.D(2026, 3, 28), Steps: ptr(1), UpdatedAt: t0}}),
			"Migrate": func() error { _, err := db.Migrate(ctx); return err }(),
			"AddXP": func() error {
				_, _, err := db.AddXP(ctx, lifeops.XPEntry{UserID: u.ID, Key: "k", Date: civil.D(2026, 1, 1), Kind: "x", CreatedAt: t0})
				return err
			}(),
		} {
			if !errors.Is(err, store.ErrClosed) || !errors.Is(err, lifeops.ErrUnavailable) {
				t.Errorf("%s on a closed store = %v, want ErrClosed matching ErrUnavailable", name, err)
			}
		}
	})
}
