package lifeops_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/memstore"
)

func hashID(id uuid.UUID) []byte {
	h := sha256.Sum256(id[:])
	return h[:]
}

func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

func TestRefreshDevice(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	steps := []struct {
		name    string
		after   time.Duration // since the previous step
		token   string        // "current", "previous", "first"
		code    lifeops.Code  // "" for success
		repeat  bool          // the answer is the successor made before
		revoked bool          // the device is revoked afterwards
	}{
		{name: "rotate", after: time.Minute, token: "current"},
		{name: "repeat within the grace", after: 5 * time.Second, token: "previous", repeat: true},
		{name: "rotate again", after: time.Minute, token: "current"},
		{name: "old token after the grace is a reuse", after: time.Minute, token: "first", code: lifeops.CodeUnauthorized, revoked: true},
		{name: "current token of a revoked device", after: time.Second, token: "current", code: lifeops.CodeUnauthorized, revoked: true},
	}
	b := setup(t, start)
	ctx := context.Background()
	u := b.user(t)
	g := mustOK[lifeops.DeviceGrant](t)(b.svc.CreateDevice(ctx, u.ID, "Phone", hashID))
	first, previous, current := g.Refresh, g.Refresh, g.Refresh
	now := start
	for _, st := range steps {
		now = now.Add(st.after)
		b.clock.Set(now)
		tok := map[string]lifeops.RefreshToken{"current": current, "previous": previous, "first": first}[st.token]
		out, err := b.svc.RefreshDevice(ctx, tok.Hash, hashID)
		switch {
		case st.code != "":
			wantCode(t, err, st.code)
		case err != nil:
			t.Fatalf("%s: %v", st.name, err)
		case st.repeat:
			if !out.Repeated || out.Refresh.ID != current.ID {
				t.Errorf("%s: got %v (repeated %v), want the successor %v again", st.name, out.Refresh.ID, out.Repeated, current.ID)
			}
		default:
			if out.Repeated || out.Refresh.ID == current.ID || !out.Device.LastUsedAt.Equal(now) {
				t.Errorf("%s: got %+v, want a new successor used now", st.name, out)
			}
			previous, current = current, out.Refresh
		}
		d := mustOK[lifeops.Device](t)(b.svc.Device(ctx, u.ID, g.Device.ID))
		if d.Revoked() != st.revoked {
			t.Errorf("%s: device revoked = %v, want %v", st.name, d.Revoked(), st.revoked)
		}
	}
}

func TestRefreshDeviceExpiry(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		wait time.Duration
		code lifeops.Code
	}{
		{"just before the idle limit", lifeops.RefreshIdle - time.Second, ""},
		{"at the idle limit", lifeops.RefreshIdle, lifeops.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, start)
			ctx := context.Background()
			u := b.user(t)
			g := mustOK[lifeops.DeviceGrant](t)(b.svc.CreateDevice(ctx, u.ID, "Phone", hashID))
			b.clock.Set(start.Add(tt.wait))
			_, err := b.svc.RefreshDevice(ctx, g.Refresh.Hash, hashID)
			wantCode(t, err, tt.code)
		})
	}
	t.Run("a device past its lifetime", func(t *testing.T) {
		t.Parallel()
		b := setup(t, start)
		ctx := context.Background()
		u := b.user(t)
		g := mustOK[lifeops.DeviceGrant](t)(b.svc.CreateDevice(ctx, u.ID, "Phone", hashID))
		tok := g.Refresh
		at := start
		for at.Before(start.Add(lifeops.DeviceLifetime - lifeops.RefreshIdle)) {
			at = at.Add(lifeops.RefreshIdle - time.Hour)
			b.clock.Set(at)
			tok = mustOK[lifeops.DeviceGrant](t)(b.svc.RefreshDevice(ctx, tok.Hash, hashID)).Refresh
		}
		if !tok.ExpiresAt.Equal(g.Device.ExpiresAt()) && tok.ExpiresAt.After(g.Device.ExpiresAt()) {
			t.Errorf("a token expires at %v, after its device (%v)", tok.ExpiresAt, g.Device.ExpiresAt())
		}
		b.clock.Set(g.Device.ExpiresAt())
		_, err := b.svc.RefreshDevice(ctx, tok.Hash, hashID)
		wantCode(t, err, lifeops.CodeUnauthorized)
	})
	t.Run("unknown and malformed tokens", func(t *testing.T) {
		t.Parallel()
		b := setup(t, start)
		_, err := b.svc.RefreshDevice(context.Background(), hashOf("nobody"), hashID)
		wantCode(t, err, lifeops.CodeUnauthorized)
		_, err = b.svc.RefreshDevice(context.Background(), []byte("short"), hashID)
		wantCode(t, err, lifeops.CodeUnauthorized)
	})
}

func TestPair(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		wait  time.Duration
		twice bool
		code  lifeops.Code
	}{
		{name: "fresh code", wait: time.Minute},
		{name: "used twice", wait: time.Minute, twice: true, code: lifeops.CodeUnauthorized},
		{name: "expired", wait: lifeops.PairingCodeLifetime, code: lifeops.CodeUnauthorized},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, start)
			ctx := context.Background()
			u := b.user(t)
			mustOK[lifeops.PairingCode](t)(b.svc.CreatePairingCode(ctx, u.ID, hashOf("ABCD-1234"+tt.name)))
			b.clock.Set(start.Add(tt.wait))
			g, err := b.svc.Pair(ctx, hashOf("ABCD-1234"+tt.name), "Tablet", hashID)
			if tt.twice && err == nil {
				_, err = b.svc.Pair(ctx, hashOf("ABCD-1234"+tt.name), "Tablet", hashID)
			}
			wantCode(t, err, tt.code)
			if tt.code == "" && (g.Device.UserID != u.ID || g.Device.Name != "Tablet") {
				t.Errorf("paired device %+v, want Tablet of %v", g.Device, u.ID)
			}
		})
	}
	t.Run("bad device name", func(t *testing.T) {
		t.Parallel()
		b := setup(t, start)
		_, err := b.svc.Pair(context.Background(), hashOf("x"), "", hashID)
		wantCode(t, err, lifeops.CodeInvalid)
	})
}

func TestPersonalTokens(t *testing.T) {
	t.Parallel()
	start := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	b := setup(t, start)
	ctx := context.Background()
	u := b.user(t)
	for _, bad := range []lifeops.NewPersonalToken{
		{Name: "x", Scope: "admin", ExpiresInDays: 3, Hash: hashOf("a")},
		{Name: "x", Scope: lifeops.ScopeCalendar, ExpiresInDays: 3, Hash: hashOf("a")},
		{Name: "x", Scope: lifeops.ScopeRead, ExpiresInDays: 0, Hash: hashOf("a")},
		{Name: "x", Scope: lifeops.ScopeRead, ExpiresInDays: 400, Hash: hashOf("a")},
		{Name: "", Scope: lifeops.ScopeRead, ExpiresInDays: 3, Hash: hashOf("a")},
		{Name: "x", Scope: lifeops.ScopeRead, ExpiresInDays: 3, Hash: []byte("short")},
	} {
		_, err := b.svc.CreatePersonalToken(ctx, u.ID, bad)
		wantCode(t, err, lifeops.CodeInvalid)
	}
	tok := mustOK[lifeops.PersonalToken](t)(b.svc.CreatePersonalToken(ctx, u.ID, lifeops.NewPersonalToken{Name: "Backup", Scope: lifeops.ScopeRead, ExpiresInDays: 3, Hash: hashOf("pat")}))
	if got := mustOK[lifeops.PersonalToken](t)(b.svc.PersonalTokenByHash(ctx, hashOf("pat"))); got.ID != tok.ID {
		t.Errorf("by hash: %v, want %v", got.ID, tok.ID)
	}
	b.clock.Set(start.AddDate(0, 0, 3))
	_, err := b.svc.PersonalTokenByHash(ctx, hashOf("pat"))
	wantCode(t, err, lifeops.CodeUnauthorized)

	feed := mustOK[lifeops.PersonalToken](t)(b.svc.RotateCalendarToken(ctx, u.ID, hashOf("feed-1")))
	again := mustOK[lifeops.PersonalToken](t)(b.svc.RotateCalendarToken(ctx, u.ID, hashOf("feed-2")))
	_, err = b.svc.PersonalTokenByHash(ctx, hashOf("feed-1"))
	wantCode(t, err, lifeops.CodeUnauthorized)
	b.clock.Set(start.AddDate(5, 0, 0)) // a calendar token does not expire
	if got := mustOK[lifeops.PersonalToken](t)(b.svc.PersonalTokenByHash(ctx, hashOf("feed-2"))); got.ID != again.ID || got.Scope != lifeops.ScopeCalendar {
		t.Errorf("rotated feed token: %+v", got)
	}
	list := mustOK[[]lifeops.PersonalToken](t)(b.svc.PersonalTokens(ctx, u.ID))
	if len(list) != 2 || list[0].ID != tok.ID || list[1].ID != again.ID || feed.ID == again.ID {
		t.Errorf("tokens: %+v", list)
	}
	if err := b.svc.DeletePersonalToken(ctx, u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, b.svc.DeletePersonalToken(ctx, u.ID, tok.ID), lifeops.CodeNotFound)
}

// A device signs in, refreshes its token, and is signed out. The program
// derives each refresh token's secret from its id (here, plainly), and
// stores only hashes.
func ExampleService_RefreshDevice() {
	ctx := context.Background()
	svc, _ := lifeops.New(&lifeops.Config{Store: memstore.New()})
	ada, _ := svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"})
	secret := func(id uuid.UUID) string { return "rt-" + id.String() }
	hash := func(id uuid.UUID) []byte { h := sha256.Sum256([]byte(secret(id))); return h[:] }

	g, _ := svc.CreateDevice(ctx, ada.ID, "Phone", hash)
	next, _ := svc.RefreshDevice(ctx, hash(g.Refresh.ID), hash)
	again, _ := svc.RefreshDevice(ctx, hash(g.Refresh.ID), hash) // a repeat: the same successor
	fmt.Println(next.Refresh.ID == again.Refresh.ID, again.Repeated)

	_ = svc.DeleteDevice(ctx, ada.ID, g.Device.ID)
	_, err := svc.RefreshDevice(ctx, hash(next.Refresh.ID), hash)
	fmt.Println(lifeops.ErrorCode(err))
	// Output:
	// true true
	// unauthorized
}
