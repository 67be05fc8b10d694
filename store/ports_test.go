package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/store"
)

var t0 = time.Date(2026, 3, 29, 0, 30, 15, 123456789, time.UTC)

func newUser(tb testing.TB, db *store.DB) lifeops.User {
	tb.Helper()
	u := lifeops.User{
		ID: uuid.New(), Name: "Ada", Zone: "Europe/Berlin", DayStartHour: 4,
		WakeTime: civil.Clock{Hour: 7, Minute: 15}, Bedtime: civil.Clock{Hour: 23, Minute: 5},
		CreatedAt: t0, UpdatedAt: t0,
	}
	if err := db.CreateUser(context.Background(), u); err != nil {
		tb.Fatal(err)
	}
	return u
}

// TestRoundTrips writes one record of every kind and reads it back on
// every backend: instants in UTC at microsecond precision, decimals and
// raw JSON exact.
func TestRoundTrips(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := newUser(t, db)
		want := u
		want.CreatedAt = t0.Truncate(time.Microsecond)
		want.UpdatedAt = want.CreatedAt
		want.Version = 1 // a version of 0 is stored as 1
		got, err := db.User(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("user (-want +got):\n%s", diff)
		}
		if got.CreatedAt.Location() != time.UTC {
			t.Errorf("CreatedAt in %v, want UTC", got.CreatedAt.Location())
		}

		goals := lifeops.DefaultGoals(u.ID)
		goals.Weights.Sleep = decimal.RequireFromString("98.7654")
		goals.Weights.Habits = decimal.RequireFromString("0.5")
		goals.UpdatedAt = t0
		if err := db.PutGoals(ctx, goals); err != nil {
			t.Fatal(err)
		}
		gotGoals, err := db.Goals(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		goals.UpdatedAt = want.CreatedAt
		if diff := cmp.Diff(goals, gotGoals); diff != "" {
			t.Errorf("goals (-want +got):\n%s", diff)
		}

		raw := json.RawMessage(`{"id": "a1",  "score":85, "nested":{"z":1,"a":[1.50, 2]}}`)
		doc := lifeops.RawDocument{UserID: u.ID, Provider: "oura", Kind: "daily_sleep", ID: "a1", Date: civil.D(2026, 3, 28), Data: raw, FetchedAt: t0}
		if err := db.PutRawDocuments(ctx, []lifeops.RawDocument{doc}); err != nil {
			t.Fatal(err)
		}
		gotDoc, err := db.RawDocument(ctx, u.ID, "oura", "daily_sleep", "a1")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(gotDoc.Data, raw) {
			t.Errorf("raw document data = %s, want byte for byte %s", gotDoc.Data, raw)
		}

		life := decimal.RequireFromString("73.25")
		scores := lifeops.DayScores{
			UserID: u.ID, Date: civil.D(2026, 3, 28), Life: &life,
			Sleep: &lifeops.DomainScore{Value: decimal.RequireFromString("81.5"), Contributors: []lifeops.Contributor{
				{Name: "duration", Value: decimal.RequireFromString("90"), Weight: decimal.RequireFromString("0.333333333333"), Effect: decimal.RequireFromString("-1.75")},
			}},
			ComputedAt: t0,
		}
		if err := db.PutScores(ctx, scores); err != nil {
			t.Fatal(err)
		}
		gotScores, err := db.Scores(ctx, u.ID, civil.D(2026, 3, 28), civil.D(2026, 3, 28))
		if err != nil {
			t.Fatal(err)
		}
		scores.ComputedAt = want.CreatedAt
		if diff := cmp.Diff([]lifeops.DayScores{scores}, gotScores); diff != "" {
			t.Errorf("scores (-want +got):\n%s", diff)
		}
	})
}

// TestCredentialsEncryptedAtRest checks that tokens never reach the
// database in plaintext, that rotation re-seals them under the new key,
// and that a store without a key refuses to write or read them.
func TestCredentialsEncryptedAtRest(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := newUser(t, db)
		c := lifeops.Credential{
			UserID: u.ID, Provider: "oura", ExternalID: "oura-user-1", AccessToken: lifeops.NewSecret("access-SECRET"),
			RefreshToken: lifeops.NewSecret("refresh-SECRET"), TokenType: "Bearer", Expiry: t0.Add(time.Hour), Scopes: []string{"daily", "heartrate"}, UpdatedAt: t0,
		}
		if err := db.PutCredential(ctx, c); err != nil {
			t.Fatal(err)
		}
		var access, refresh []byte
		if err := db.Bun().QueryRowContext(ctx, "SELECT access_token, refresh_token FROM credentials").Scan(&access, &refresh); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(access, []byte("SECRET")) || bytes.Contains(refresh, []byte("SECRET")) {
			t.Fatal("a token is stored in plaintext")
		}
		want := c
		want.Expiry = c.Expiry.Truncate(time.Microsecond)
		want.UpdatedAt = t0.Truncate(time.Microsecond)
		for _, get := range []func() (lifeops.Credential, error){
			func() (lifeops.Credential, error) { return db.Credential(ctx, u.ID, "oura") },
			func() (lifeops.Credential, error) { return db.CredentialByExternalID(ctx, "oura", "oura-user-1") },
		} {
			got, err := get()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("credential (-want +got):\n%s", diff)
			}
		}

		// Rotate: a new primary key, the old one still known.
		newKey := store.Key{ID: "test-2", Secret: lifeops.NewSecret(string(bytes.Repeat([]byte{9}, store.KeySize)))}
		oldKeys := testKeys(t)
		oldSecret := make([]byte, store.KeySize)
		for i := range oldSecret {
			oldSecret[i] = byte(i)
		}
		ring, err := store.NewKeyring(newKey, store.Key{ID: "test-1", Secret: lifeops.NewSecret(string(oldSecret))})
		if err != nil {
			t.Fatal(err)
		}
		rotated, err := store.OpenBun(ctx, db.Bun(), &store.Options{Keys: ring})
		if err != nil {
			t.Fatal(err)
		}
		n, err := rotated.RotateKeys(ctx)
		if err != nil || n != 1 {
			t.Fatalf("RotateKeys = %d, %v; want 1 re-sealed", n, err)
		}
		if n, err := rotated.RotateKeys(ctx); err != nil || n != 0 {
			t.Errorf("second RotateKeys = %d, %v; want 0", n, err)
		}
		onlyNew, _ := store.NewKeyring(newKey)
		fresh, err := store.OpenBun(ctx, db.Bun(), &store.Options{Keys: onlyNew})
		if err != nil {
			t.Fatal(err)
		}
		got, err := fresh.Credential(ctx, u.ID, "oura")
		if err != nil || !got.AccessToken.Equal(c.AccessToken) || !got.RefreshToken.Equal(c.RefreshToken) {
			t.Errorf("after rotation, the new key alone reads %v, %v", got, err)
		}
		if _, err := db.Credential(ctx, u.ID, "oura"); err == nil {
			t.Errorf("the old key alone (%s) still opens a rotated credential", oldKeys.Primary())
		}

		noKey, err := store.OpenBun(ctx, db.Bun(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := noKey.PutCredential(ctx, c); !errors.Is(err, store.ErrNoKey) || !errors.Is(err, lifeops.ErrUnavailable) {
			t.Errorf("PutCredential without a key = %v, want ErrNoKey matching lifeops.ErrUnavailable", err)
		}
		if _, err := noKey.Credential(ctx, u.ID, "oura"); !errors.Is(err, store.ErrNoKey) {
			t.Errorf("Credential without a key = %v, want ErrNoKey", err)
		}
	})
}

// TestInTx: writes in one InTx land together or not at all, bulk loads
// included (on Postgres a reload inside the transaction takes the staged
// path under a savepoint).
func TestInTx(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u := newUser(t, db)
		samples := []lifeops.HeartRateSample{{At: t0, BPM: 60}, {At: t0.Add(time.Minute), BPM: 61}}
		revised := []lifeops.HeartRateSample{{At: t0.Add(time.Minute), BPM: 70}, {At: t0.Add(2 * time.Minute), BPM: 71}}
		write := func(tx *store.DB) error {
			if err := tx.PutHeartRate(ctx, u.ID, samples); err != nil {
				return err
			}
			if err := tx.PutHeartRate(ctx, u.ID, revised); err != nil {
				return err
			}
			return tx.PutSyncState(ctx, lifeops.SyncState{UserID: u.ID, Kind: lifeops.KindHeartRate, Through: civil.D(2026, 3, 29), SyncedAt: t0})
		}
		boom := errors.New("boom")
		if err := db.InTx(ctx, func(tx *store.DB) error {
			if err := write(tx); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want boom", err)
		}
		got, err := db.HeartRate(ctx, u.ID, t0, t0.Add(time.Hour))
		if err != nil || len(got) != 0 {
			t.Errorf("after a rolled-back InTx: %d samples, %v; want none", len(got), err)
		}
		if err := db.InTx(ctx, write); err != nil {
			t.Fatal(err)
		}
		got, err = db.HeartRate(ctx, u.ID, t0, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		want := []int{60, 70, 71}
		var bpm []int
		for _, s := range got {
			bpm = append(bpm, s.BPM)
		}
		if diff := cmp.Diff(want, bpm); diff != "" {
			t.Errorf("samples after InTx (-want +got):\n%s", diff)
		}
		states, err := db.SyncStates(ctx, u.ID)
		if err != nil || len(states) != 1 {
			t.Errorf("sync states = %v, %v", states, err)
		}
	})
}

// TestRotateKeysKeepsAConcurrentRefresh: a token refresh that commits while
// RotateKeys is re-sealing the same credential must win. Oura refresh
// tokens are single-use, so writing the old token back re-sealed would
// lose the connection. On Postgres, RotateKeys reads the row, then waits
// on the refresh's row lock before it writes. A refresh by a process that
// still seals with the old key is re-sealed by another pass.
func TestRotateKeysKeepsAConcurrentRefresh(t *testing.T) {
	t.Parallel()
	oldSecret := make([]byte, store.KeySize)
	for i := range oldSecret {
		oldSecret[i] = byte(i)
	}
	newKey := store.Key{ID: "test-2", Secret: lifeops.NewSecret(string(bytes.Repeat([]byte{7}, store.KeySize)))}
	ring, err := store.NewKeyring(newKey, store.Key{ID: "test-1", Secret: lifeops.NewSecret(string(oldSecret))})
	if err != nil {
		t.Fatal(err)
	}
	onlyNew, err := store.NewKeyring(newKey)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		refresher *store.Keyring // nil: the store's own, old key
		want      int
	}{
		{"refresh sealed under the new key", ring, 0},
		{"refresh sealed under the old key", nil, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := mustMigrate(t, openPostgres(t))
			u := newUser(t, db)
			old := lifeops.Credential{UserID: u.ID, Provider: "oura", AccessToken: lifeops.NewSecret("access-1"), RefreshToken: lifeops.NewSecret("refresh-1"), UpdatedAt: t0}
			if err := db.PutCredential(ctx, old); err != nil {
				t.Fatal(err)
			}
			rotating, err := store.OpenBun(ctx, db.Bun(), &store.Options{Keys: ring})
			if err != nil {
				t.Fatal(err)
			}
			refresher := db
			if tt.refresher != nil {
				refresher = rotating
			}
			refreshed := old
			refreshed.AccessToken, refreshed.RefreshToken, refreshed.UpdatedAt = lifeops.NewSecret("access-2"), lifeops.NewSecret("refresh-2"), t0.Add(time.Hour)

			type result struct {
				n   int
				err error
			}
			rotated := make(chan result, 1)
			err = refresher.InTx(ctx, func(tx *store.DB) error {
				if err := tx.PutCredential(ctx, refreshed); err != nil {
					return err
				}
				go func() {
					n, err := rotating.RotateKeys(ctx)
					rotated <- result{n, err}
				}()
				// Commit once RotateKeys waits on this transaction's row lock.
				for {
					var waiting int
					if err := db.Bun().QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity
WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE %credentials%'`).Scan(&waiting); err != nil {
						return err
					}
					if waiting > 0 {
						return nil
					}
					select {
					case r := <-rotated:
						return fmt.Errorf("RotateKeys finished without waiting for the refresh: %d, %v", r.n, r.err)
					case <-time.After(5 * time.Millisecond):
					}
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if r := <-rotated; r.err != nil || r.n != tt.want {
				t.Errorf("RotateKeys = %d, %v; want %d re-sealed", r.n, r.err, tt.want)
			}
			fresh, err := store.OpenBun(ctx, db.Bun(), &store.Options{Keys: onlyNew})
			if err != nil {
				t.Fatal(err)
			}
			got, err := fresh.Credential(ctx, u.ID, "oura")
			if err != nil {
				t.Fatalf("the new key alone cannot read the credential: %v", err)
			}
			if !got.AccessToken.Equal(refreshed.AccessToken) || !got.RefreshToken.Equal(refreshed.RefreshToken) {
				t.Errorf("after RotateKeys raced a refresh, tokens are %q, %q; want the refreshed %q, %q",
					got.AccessToken.Reveal(), got.RefreshToken.Reveal(), refreshed.AccessToken.Reveal(), refreshed.RefreshToken.Reveal())
			}
		})
	}
}

// TestWorkSourceSecretsEncryptedAtRest: the secrets of a person's
// work-source settings never reach the database in plaintext, are bound to
// their row, move to a new key with RotateKeys, and need a key to be
// written or read; settings without secrets need none.
func TestWorkSourceSecretsEncryptedAtRest(t *testing.T) {
	t.Parallel()
	forEachBackend(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		u, other := newUser(t, db), newUser(t, db)
		ws := lifeops.WorkSourceSettings{UserID: u.ID, Source: "ical", Settings: json.RawMessage(`{"feeds":[{"id":"work"}]}`),
			Secrets: map[string]lifeops.Secret{"work": lifeops.NewSecret("https://cal.example/feed-SECRET.ics")}, Version: 1, UpdatedAt: t0}
		if err := db.PutWorkSource(ctx, ws); err != nil {
			t.Fatal(err)
		}
		var sealed []byte
		var settings string
		if err := db.Bun().QueryRowContext(ctx, "SELECT secrets, settings FROM work_sources").Scan(&sealed, &settings); err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(sealed, []byte("SECRET")) || strings.Contains(settings, "SECRET") {
			t.Fatal("a secret is stored in plaintext")
		}
		// Sealed secrets copied into another person's row do not open.
		copied := ws
		copied.UserID, copied.Secrets = other.ID, nil
		if err := db.PutWorkSource(ctx, copied); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Bun().ExecContext(ctx, "UPDATE work_sources SET secrets = ?, key_id = 'test-1' WHERE user_id = ?", sealed, other.ID.String()); err != nil {
			t.Fatal(err)
		}
		if _, err := db.WorkSource(ctx, other.ID, "ical"); err == nil || errors.Is(err, lifeops.ErrNotFound) {
			t.Errorf("secrets moved to another row opened: %v", err)
		}
		if _, err := db.Bun().ExecContext(ctx, "DELETE FROM work_sources WHERE user_id = ?", other.ID.String()); err != nil {
			t.Fatal(err)
		}

		newKey := store.Key{ID: "test-2", Secret: lifeops.NewSecret(string(bytes.Repeat([]byte{7}, store.KeySize)))}
		oldSecret := make([]byte, store.KeySize)
		for i := range oldSecret {
			oldSecret[i] = byte(i)
		}
		ring, err := store.NewKeyring(newKey, store.Key{ID: "test-1", Secret: lifeops.NewSecret(string(oldSecret))})
		if err != nil {
			t.Fatal(err)
		}
		rotated, err := store.OpenBun(ctx, db.Bun(), &store.Options{Keys: ring})
		if err != nil {
			t.Fatal(err)
		}
		if n, err := rotated.RotateKeys(ctx); err != nil || n != 1 {
			t.Fatalf("RotateKeys = %d, %v; want the one work source re-sealed", n, err)
		}
		onlyNew, _ := store.NewKeyring(newKey)
		fresh, err := store.OpenBun(ctx, db.Bun(), &store.Options{Keys: onlyNew})
		if err != nil {
			t.Fatal(err)
		}
		got, err := fresh.WorkSource(ctx, u.ID, "ical")
		if err != nil || !got.Secrets["work"].Equal(ws.Secrets["work"]) {
			t.Errorf("after rotation, the new key alone reads %v, %v", got, err)
		}

		noKey, err := store.OpenBun(ctx, db.Bun(), nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := noKey.PutWorkSource(ctx, ws); !errors.Is(err, store.ErrNoKey) || !errors.Is(err, lifeops.ErrUnavailable) {
			t.Errorf("PutWorkSource with secrets and no key = %v, want ErrNoKey matching lifeops.ErrUnavailable", err)
		}
		if _, err := noKey.WorkSource(ctx, u.ID, "ical"); !errors.Is(err, store.ErrNoKey) {
			t.Errorf("WorkSource with secrets and no key = %v, want ErrNoKey", err)
		}
		plain := lifeops.WorkSourceSettings{UserID: u.ID, Source: "activitywatch", Settings: json.RawMessage(`{}`), Version: 1, UpdatedAt: t0}
		if err := noKey.PutWorkSource(ctx, plain); err != nil {
			t.Errorf("PutWorkSource without secrets and without a key: %v", err)
		}
		if got, err := noKey.WorkSource(ctx, u.ID, "activitywatch"); err != nil || string(got.Settings) != "{}" {
			t.Errorf("WorkSource without secrets and without a key = %v, %v", got, err)
		}
	})
}
