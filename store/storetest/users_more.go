package storetest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

func testCredentials(t *testing.T, s lifeops.Store) {
	cred := func(userID uuid.UUID, external string) lifeops.Credential {
		return lifeops.Credential{UserID: userID, Provider: lifeops.ProviderOura, ExternalID: external,
			AccessToken: lifeops.NewSecret("access-" + external), RefreshToken: lifeops.NewSecret("refresh-" + external), TokenType: "Bearer",
			Expiry: at(2026, 3, 10, 10, 0), Scopes: []string{"daily", "heartrate", "personal"}, UpdatedAt: at(2026, 3, 10, 9, 0)}
	}
	storedCred := func(c lifeops.Credential) lifeops.Credential {
		c.Expiry, c.UpdatedAt = stored(c.Expiry), stored(c.UpdatedAt)
		return c
	}
	t.Run("PutGetRotate", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Connected")
		_, err := s.Credential(ctx(t), u.ID, lifeops.ProviderOura)
		wantErr(t, "Credential before connecting", err, lifeops.ErrNotFound)
		ext := uuid.NewString()
		c := cred(u.ID, ext)
		must(t, "PutCredential", s.PutCredential(ctx(t), c))
		got, err := s.Credential(ctx(t), u.ID, lifeops.ProviderOura)
		must(t, "Credential", err)
		diff(t, "credential", storedCred(c), got)
		checkUTC(t, "Credential", got.Expiry, got.UpdatedAt)

		rotated := c
		rotated.AccessToken, rotated.RefreshToken, rotated.Expiry = lifeops.NewSecret("access-2"), lifeops.NewSecret("refresh-2"), at(2026, 3, 11, 10, 0)
		must(t, "PutCredential rotated", s.PutCredential(ctx(t), rotated))
		got, err = s.CredentialByExternalID(ctx(t), lifeops.ProviderOura, ext)
		must(t, "CredentialByExternalID", err)
		diff(t, "rotated credential", storedCred(rotated), got)
	})
	t.Run("ExternalIDBelongsToOneUser", func(t *testing.T) {
		t.Parallel()
		a, b := mustUser(t, s, "A"), mustUser(t, s, "B")
		ext := uuid.NewString()
		must(t, "PutCredential A", s.PutCredential(ctx(t), cred(a.ID, ext)))
		wantErr(t, "PutCredential B with A's account", s.PutCredential(ctx(t), cred(b.ID, ext)), lifeops.ErrConflict)
		got, err := s.CredentialByExternalID(ctx(t), lifeops.ProviderOura, ext)
		must(t, "CredentialByExternalID", err)
		if got.UserID != a.ID {
			t.Errorf("external id routes to %s, want %s", got.UserID, a.ID)
		}
		_, err = s.CredentialByExternalID(ctx(t), lifeops.ProviderOura, uuid.NewString())
		wantErr(t, "CredentialByExternalID unknown", err, lifeops.ErrNotFound)
	})
	t.Run("Delete", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Disconnect")
		ext := uuid.NewString()
		must(t, "PutCredential", s.PutCredential(ctx(t), cred(u.ID, ext)))
		must(t, "DeleteCredential", s.DeleteCredential(ctx(t), u.ID, lifeops.ProviderOura))
		_, err := s.Credential(ctx(t), u.ID, lifeops.ProviderOura)
		wantErr(t, "Credential after delete", err, lifeops.ErrNotFound)
		_, err = s.CredentialByExternalID(ctx(t), lifeops.ProviderOura, ext)
		wantErr(t, "CredentialByExternalID after delete", err, lifeops.ErrNotFound)
		wantErr(t, "DeleteCredential again", s.DeleteCredential(ctx(t), u.ID, lifeops.ProviderOura), lifeops.ErrNotFound)
		other := mustUser(t, s, "Takes over")
		must(t, "PutCredential by another user after delete", s.PutCredential(ctx(t), cred(other.ID, ext)))
	})
	t.Run("InvalidAndUnknownUser", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Bad credential")
		bad := cred(u.ID, "x")
		bad.AccessToken = lifeops.Secret{}
		wantErr(t, "PutCredential without a token", s.PutCredential(ctx(t), bad), lifeops.ErrInvalid)
		wantErr(t, "PutCredential unknown user", s.PutCredential(ctx(t), cred(uuid.New(), uuid.NewString())), lifeops.ErrNotFound)
	})
}

// testCascade fills every port for one user, deletes the user, and checks
// that nothing of theirs is left, even for a new user with the same id.
func testCascade(t *testing.T, s lifeops.Store) {
	u := mustUser(t, s, "Everything")
	bystander := mustUser(t, s, "Bystander")
	d := civil.D(2026, 3, 10)
	ext := uuid.NewString()
	fill := func(id uuid.UUID, ext string) {
		must(t, "PutGoals", s.PutGoals(ctx(t), lifeops.DefaultGoals(id)))
		must(t, "PutHealthDays", s.PutHealthDays(ctx(t), []lifeops.HealthDay{fullDay(id, d)}))
		must(t, "PutRawDocuments", s.PutRawDocuments(ctx(t), []lifeops.RawDocument{{UserID: id, Provider: "oura", Kind: "sleep", ID: "doc", Date: d, Data: json.RawMessage(`{}`)}}))
		must(t, "PutHeartRate", s.PutHeartRate(ctx(t), id, []lifeops.HeartRateSample{{At: at(2026, 3, 10, 3, 0), BPM: 50}}))
		must(t, "PutSyncState", s.PutSyncState(ctx(t), lifeops.SyncState{UserID: id, Kind: lifeops.KindSleep, Through: d}))
		must(t, "PutWorkDay", s.PutWorkDay(ctx(t), lifeops.WorkDay{UserID: id, Date: d, WorkMinutes: 60}))
		must(t, "PutScores", s.PutScores(ctx(t), lifeops.DayScores{UserID: id, Date: d}))
		_, _, err := s.AddXP(ctx(t), xpEntry(id, "k", d, 5))
		must(t, "AddXP", err)
		_, _, err = s.UnlockAchievement(ctx(t), lifeops.Achievement{UserID: id, Code: "c", Date: d, UnlockedAt: at(2026, 3, 10, 9, 0)})
		must(t, "UnlockAchievement", err)
		item := mustItem(t, s, id, "Item")
		_, _, err = s.AddEvent(ctx(t), newEvent(id, item, d, lifeops.EventCompleted))
		must(t, "AddEvent", err)
		must(t, "PutCredential", s.PutCredential(ctx(t), lifeops.Credential{UserID: id, Provider: "oura", ExternalID: ext, AccessToken: lifeops.NewSecret("t")}))
		_, _, err = s.AddZoneChange(ctx(t), lifeops.ZoneChange{UserID: id, At: at(2026, 3, 10, 12, 0), From: "Europe/Berlin", To: "Asia/Tokyo"})
		must(t, "AddZoneChange", err)
	}
	fill(u.ID, ext)
	fill(bystander.ID, uuid.NewString())
	must(t, "DeleteUser", s.DeleteUser(ctx(t), u.ID))

	fresh := newUser("Same id")
	fresh.ID = u.ID
	must(t, "CreateUser with the deleted user's id", s.CreateUser(ctx(t), fresh))
	type count struct {
		Port string
		N    int
	}
	counts := func(id uuid.UUID) []count {
		health, err := s.HealthDays(ctx(t), id, d, d)
		must(t, "HealthDays", err)
		raw, err := s.RawDocuments(ctx(t), id, lifeops.RawQuery{})
		must(t, "RawDocuments", err)
		hr, err := s.HeartRate(ctx(t), id, at(2026, 3, 9, 0, 0), at(2026, 3, 11, 0, 0))
		must(t, "HeartRate", err)
		st, err := s.SyncStates(ctx(t), id)
		must(t, "SyncStates", err)
		work, err := s.WorkDays(ctx(t), id, d, d)
		must(t, "WorkDays", err)
		sc, err := s.Scores(ctx(t), id, d, d)
		must(t, "Scores", err)
		xp, err := s.XPEntries(ctx(t), id, lifeops.XPQuery{})
		must(t, "XPEntries", err)
		ach, err := s.Achievements(ctx(t), id)
		must(t, "Achievements", err)
		items, err := s.Items(ctx(t), id)
		must(t, "Items", err)
		ev, err := s.Events(ctx(t), id, d, d)
		must(t, "Events", err)
		creds := 0
		if _, err := s.Credential(ctx(t), id, "oura"); err == nil {
			creds = 1
		}
		goals := 0
		if _, err := s.Goals(ctx(t), id); err == nil {
			goals = 1
		}
		zones, err := s.ZoneChanges(ctx(t), id)
		must(t, "ZoneChanges", err)
		return []count{{"goals", goals}, {"health", len(health)}, {"raw", len(raw)}, {"heart rate", len(hr)}, {"sync", len(st)},
			{"work", len(work)}, {"scores", len(sc)}, {"xp", len(xp)}, {"achievements", len(ach)}, {"items", len(items)},
			{"events", len(ev)}, {"credentials", creds}, {"zone changes", len(zones)}}
	}
	diff(t, "records of a deleted user", []count{{"goals", 0}, {"health", 0}, {"raw", 0}, {"heart rate", 0}, {"sync", 0},
		{"work", 0}, {"scores", 0}, {"xp", 0}, {"achievements", 0}, {"items", 0}, {"events", 0}, {"credentials", 0},
		{"zone changes", 0}}, counts(u.ID))
	diff(t, "records of the bystander", []count{{"goals", 1}, {"health", 1}, {"raw", 1}, {"heart rate", 1}, {"sync", 1},
		{"work", 1}, {"scores", 1}, {"xp", 1}, {"achievements", 1}, {"items", 1}, {"events", 1}, {"credentials", 1},
		{"zone changes", 1}}, counts(bystander.ID))
	_, err := s.CredentialByExternalID(ctx(t), "oura", ext)
	wantErr(t, "CredentialByExternalID of a deleted user", err, lifeops.ErrNotFound)
}

// testCancelledContext checks that a cancelled context stops reads and
// writes with an error that says so.
func testCancelledContext(t *testing.T, s lifeops.Store) {
	u := mustUser(t, s, "Cancelled")
	c, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.User(c, u.ID)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("User with a cancelled context: %v, want context.Canceled", err)
	}
	err = s.PutWorkDay(c, lifeops.WorkDay{UserID: u.ID, Date: civil.D(2026, 3, 10), WorkMinutes: 1})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("PutWorkDay with a cancelled context: %v, want context.Canceled", err)
	}
	err = s.MergeHealthDays(c, lifeops.KindDailySleep, []lifeops.HealthDay{{UserID: u.ID, Date: civil.D(2026, 3, 10), Sleep: &lifeops.ProviderScore{Value: 80}}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("MergeHealthDays with a cancelled context: %v, want context.Canceled", err)
	}
	c2, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	_, _, err = s.AddXP(c2, xpEntry(u.ID, "k", civil.D(2026, 3, 10), 1))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("AddXP past its deadline: %v, want context.DeadlineExceeded", err)
	}
	work, err := s.WorkDays(context.Background(), u.ID, civil.D(2026, 3, 10), civil.D(2026, 3, 10))
	must(t, "WorkDays", err)
	if len(work) != 0 {
		t.Error("a write with a cancelled context was stored")
	}
	health, err := s.HealthDays(context.Background(), u.ID, civil.D(2026, 3, 10), civil.D(2026, 3, 10))
	must(t, "HealthDays", err)
	if len(health) != 0 {
		t.Error("a health-day merge with a cancelled context was stored")
	}
}
