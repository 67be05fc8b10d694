package storetest

import (
	"crypto/rand"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

func randomHash() []byte {
	b := make([]byte, lifeops.TokenHashSize)
	_, _ = rand.Read(b)
	return b
}

func newDevice(userID uuid.UUID, name string, created time.Time) lifeops.Device {
	return lifeops.Device{ID: uuid.New(), UserID: userID, Name: name, CreatedAt: created}
}

func storedDevice(d lifeops.Device) lifeops.Device {
	d.CreatedAt, d.LastUsedAt, d.RevokedAt = stored(d.CreatedAt), stored(d.LastUsedAt), stored(d.RevokedAt)
	return d
}

func newRefresh(d lifeops.Device, created time.Time) lifeops.RefreshToken {
	return lifeops.RefreshToken{ID: uuid.New(), UserID: d.UserID, DeviceID: d.ID, Hash: randomHash(),
		CreatedAt: created, ExpiresAt: created.Add(lifeops.RefreshIdle)}
}

func storedRefresh(t lifeops.RefreshToken) lifeops.RefreshToken {
	t.CreatedAt, t.ExpiresAt, t.UsedAt = stored(t.CreatedAt), stored(t.ExpiresAt), stored(t.UsedAt)
	return t
}

func mustDevice(t *testing.T, s lifeops.Store, userID uuid.UUID, name string) lifeops.Device {
	t.Helper()
	d := newDevice(userID, name, at(2026, 3, 1, 9, 0))
	must(t, "CreateDevice", s.CreateDevice(ctx(t), d))
	return storedDevice(d)
}

func testAccess(t *testing.T, s lifeops.Store) {
	t.Run("Devices", func(t *testing.T) {
		t.Parallel()
		u, other := mustUser(t, s, "Devices"), mustUser(t, s, "Other")
		phone := newDevice(u.ID, "Phone", at(2026, 3, 1, 9, 0))
		laptop := newDevice(u.ID, "Laptop", at(2026, 2, 1, 9, 0))
		for _, d := range []lifeops.Device{phone, laptop} {
			must(t, "CreateDevice", s.CreateDevice(ctx(t), d))
		}
		wantErr(t, "CreateDevice again", s.CreateDevice(ctx(t), phone), lifeops.ErrConflict)
		wantErr(t, "CreateDevice of an unknown user", s.CreateDevice(ctx(t), newDevice(uuid.New(), "X", at(2026, 3, 1, 9, 0))), lifeops.ErrNotFound)
		wantErr(t, "CreateDevice without a name", s.CreateDevice(ctx(t), newDevice(u.ID, "", at(2026, 3, 1, 9, 0))), lifeops.ErrInvalid)

		got, err := s.Devices(ctx(t), u.ID)
		must(t, "Devices", err)
		diff(t, "devices, oldest first", []lifeops.Device{storedDevice(laptop), storedDevice(phone)}, got)
		one, err := s.Device(ctx(t), u.ID, phone.ID)
		must(t, "Device", err)
		diff(t, "device", storedDevice(phone), one)
		checkUTC(t, "Device", one.CreatedAt)
		_, err = s.Device(ctx(t), other.ID, phone.ID)
		wantErr(t, "Device through another user", err, lifeops.ErrNotFound)
		none, err := s.Devices(ctx(t), other.ID)
		must(t, "Devices of another user", err)
		diff(t, "another user's devices", []lifeops.Device{}, none)
		_, err = s.Devices(ctx(t), uuid.New())
		wantErr(t, "Devices of an unknown user", err, lifeops.ErrNotFound)

		phone.Name, phone.LastUsedAt, phone.RevokedAt = "Old phone", at(2026, 3, 2, 9, 0), at(2026, 3, 3, 9, 0)
		phone.CreatedAt = at(2030, 1, 1, 0, 0) // not replaced
		must(t, "UpdateDevice", s.UpdateDevice(ctx(t), phone))
		one, err = s.Device(ctx(t), u.ID, phone.ID)
		must(t, "Device after update", err)
		want := storedDevice(phone)
		want.CreatedAt = stored(at(2026, 3, 1, 9, 0))
		diff(t, "updated device", want, one)
		moved := phone
		moved.UserID = other.ID
		wantErr(t, "UpdateDevice through another user", s.UpdateDevice(ctx(t), moved), lifeops.ErrNotFound)

		wantErr(t, "DeleteDevice through another user", s.DeleteDevice(ctx(t), other.ID, phone.ID), lifeops.ErrNotFound)
		must(t, "DeleteDevice", s.DeleteDevice(ctx(t), u.ID, phone.ID))
		wantErr(t, "DeleteDevice again", s.DeleteDevice(ctx(t), u.ID, phone.ID), lifeops.ErrNotFound)
		_, err = s.Device(ctx(t), u.ID, phone.ID)
		wantErr(t, "Device after delete", err, lifeops.ErrNotFound)
	})
	t.Run("RefreshTokens", func(t *testing.T) {
		t.Parallel()
		u, other := mustUser(t, s, "Refresh"), mustUser(t, s, "Other")
		d := mustDevice(t, s, u.ID, "Phone")
		otherDevice := mustDevice(t, s, other.ID, "Theirs")
		first := newRefresh(d, at(2026, 3, 1, 9, 0))
		must(t, "AddRefreshToken", s.AddRefreshToken(ctx(t), first))
		wantErr(t, "AddRefreshToken again", s.AddRefreshToken(ctx(t), first), lifeops.ErrConflict)
		sameHash := newRefresh(d, at(2026, 3, 1, 9, 0))
		sameHash.Hash = first.Hash
		wantErr(t, "AddRefreshToken with a taken hash", s.AddRefreshToken(ctx(t), sameHash), lifeops.ErrConflict)
		stolen := newRefresh(otherDevice, at(2026, 3, 1, 9, 0))
		stolen.UserID = u.ID
		wantErr(t, "AddRefreshToken for another user's device", s.AddRefreshToken(ctx(t), stolen), lifeops.ErrNotFound)
		short := newRefresh(d, at(2026, 3, 1, 9, 0))
		short.Hash = short.Hash[:16]
		wantErr(t, "AddRefreshToken with a short hash", s.AddRefreshToken(ctx(t), short), lifeops.ErrInvalid)

		got, err := s.RefreshTokenByHash(ctx(t), first.Hash)
		must(t, "RefreshTokenByHash", err)
		diff(t, "token by hash", storedRefresh(first), got)
		checkUTC(t, "RefreshTokenByHash", got.CreatedAt, got.ExpiresAt)
		_, err = s.RefreshTokenByHash(ctx(t), randomHash())
		wantErr(t, "RefreshTokenByHash unknown", err, lifeops.ErrNotFound)
		_, err = s.RefreshTokenByHash(ctx(t), []byte("short"))
		wantErr(t, "RefreshTokenByHash malformed", err, lifeops.ErrNotFound)
		_, err = s.RefreshToken(ctx(t), other.ID, first.ID)
		wantErr(t, "RefreshToken through another user", err, lifeops.ErrNotFound)

		// Of many concurrent uses of one token, exactly one wins.
		next := newRefresh(d, at(2026, 3, 2, 9, 0))
		var wins atomic.Int32
		concurrently(8, func(int) {
			won, err := s.UseRefreshToken(ctx(t), u.ID, first.ID, at(2026, 3, 2, 9, 0), next.ID)
			if err != nil {
				t.Errorf("UseRefreshToken: %v", err)
			}
			if won {
				wins.Add(1)
			}
		})
		if n := wins.Load(); n != 1 {
			t.Errorf("UseRefreshToken won %d times, want once", n)
		}
		got, err = s.RefreshToken(ctx(t), u.ID, first.ID)
		must(t, "RefreshToken", err)
		used := storedRefresh(first)
		used.UsedAt, used.Successor = stored(at(2026, 3, 2, 9, 0)), next.ID
		diff(t, "used token", used, got)
		_, err = s.UseRefreshToken(ctx(t), other.ID, first.ID, at(2026, 3, 2, 9, 0), next.ID)
		wantErr(t, "UseRefreshToken through another user", err, lifeops.ErrNotFound)
		_, err = s.UseRefreshToken(ctx(t), u.ID, uuid.New(), at(2026, 3, 2, 9, 0), next.ID)
		wantErr(t, "UseRefreshToken unknown", err, lifeops.ErrNotFound)
		must(t, "AddRefreshToken successor", s.AddRefreshToken(ctx(t), next))

		// Pruning deletes what expired before the cutoff only.
		n, err := s.DeleteRefreshTokens(ctx(t), u.ID, d.ID, first.ExpiresAt.Add(time.Second))
		must(t, "DeleteRefreshTokens expired", err)
		if n != 1 {
			t.Errorf("DeleteRefreshTokens deleted %d, want 1 (the first token)", n)
		}
		_, err = s.RefreshTokenByHash(ctx(t), first.Hash)
		wantErr(t, "pruned token by hash", err, lifeops.ErrNotFound)
		_, err = s.RefreshTokenByHash(ctx(t), next.Hash)
		must(t, "kept token by hash", err)
		n, err = s.DeleteRefreshTokens(ctx(t), other.ID, d.ID, time.Time{})
		must(t, "DeleteRefreshTokens through another user", err)
		if n != 0 {
			t.Errorf("another user deleted %d tokens of this device", n)
		}
		// Deleting the device deletes its tokens.
		must(t, "DeleteDevice", s.DeleteDevice(ctx(t), u.ID, d.ID))
		_, err = s.RefreshTokenByHash(ctx(t), next.Hash)
		wantErr(t, "token of a deleted device", err, lifeops.ErrNotFound)
		// The hash is free again.
		d2 := mustDevice(t, s, u.ID, "Phone again")
		again := newRefresh(d2, at(2026, 3, 3, 9, 0))
		again.Hash = next.Hash
		must(t, "AddRefreshToken with a freed hash", s.AddRefreshToken(ctx(t), again))
		n, err = s.DeleteRefreshTokens(ctx(t), u.ID, d2.ID, time.Time{})
		must(t, "DeleteRefreshTokens all", err)
		if n != 1 {
			t.Errorf("DeleteRefreshTokens all deleted %d, want 1", n)
		}
	})
	t.Run("PairingCodes", func(t *testing.T) {
		t.Parallel()
		u, other := mustUser(t, s, "Pairing"), mustUser(t, s, "Other")
		code := func(created, expires time.Time) lifeops.PairingCode {
			return lifeops.PairingCode{ID: uuid.New(), UserID: u.ID, Hash: randomHash(), CreatedAt: created, ExpiresAt: expires}
		}
		live := code(at(2026, 3, 1, 9, 0), at(2026, 3, 1, 9, 10))
		old := code(at(2026, 3, 1, 8, 0), at(2026, 3, 1, 8, 10))
		for _, c := range []lifeops.PairingCode{live, old} {
			must(t, "AddPairingCode", s.AddPairingCode(ctx(t), c))
		}
		wantErr(t, "AddPairingCode again", s.AddPairingCode(ctx(t), live), lifeops.ErrConflict)
		unknown := code(at(2026, 3, 1, 9, 0), at(2026, 3, 1, 9, 10))
		unknown.UserID = uuid.New()
		wantErr(t, "AddPairingCode of an unknown user", s.AddPairingCode(ctx(t), unknown), lifeops.ErrNotFound)
		got, err := s.PairingCodeByHash(ctx(t), live.Hash)
		must(t, "PairingCodeByHash", err)
		want := live
		want.CreatedAt, want.ExpiresAt = stored(want.CreatedAt), stored(want.ExpiresAt)
		diff(t, "code by hash", want, got)

		_, err = s.UsePairingCode(ctx(t), other.ID, live.ID, at(2026, 3, 1, 9, 1))
		wantErr(t, "UsePairingCode through another user", err, lifeops.ErrNotFound)
		var wins atomic.Int32
		concurrently(8, func(int) {
			won, err := s.UsePairingCode(ctx(t), u.ID, live.ID, at(2026, 3, 1, 9, 1))
			if err != nil {
				t.Errorf("UsePairingCode: %v", err)
			}
			if won {
				wins.Add(1)
			}
		})
		if n := wins.Load(); n != 1 {
			t.Errorf("UsePairingCode won %d times, want once", n)
		}
		got, err = s.PairingCodeByHash(ctx(t), live.Hash)
		must(t, "PairingCodeByHash used", err)
		if !got.UsedAt.Equal(stored(at(2026, 3, 1, 9, 1))) {
			t.Errorf("UsedAt = %v, want %v", got.UsedAt, stored(at(2026, 3, 1, 9, 1)))
		}
		fresh := code(at(2026, 3, 1, 9, 2), at(2026, 3, 1, 9, 12))
		must(t, "AddPairingCode fresh", s.AddPairingCode(ctx(t), fresh))
		n, err := s.DeletePairingCodes(ctx(t), u.ID, at(2026, 3, 1, 9, 3))
		must(t, "DeletePairingCodes", err)
		if n != 2 {
			t.Errorf("DeletePairingCodes deleted %d, want 2 (the used and the expired)", n)
		}
		_, err = s.PairingCodeByHash(ctx(t), fresh.Hash)
		must(t, "the unused live code stays", err)
		_, err = s.PairingCodeByHash(ctx(t), old.Hash)
		wantErr(t, "the expired code is gone", err, lifeops.ErrNotFound)
	})
	t.Run("PersonalTokens", func(t *testing.T) {
		t.Parallel()
		u, other := mustUser(t, s, "Tokens"), mustUser(t, s, "Other")
		tok := func(name string, scope lifeops.Scope, created time.Time) lifeops.PersonalToken {
			pt := lifeops.PersonalToken{ID: uuid.New(), UserID: u.ID, Name: name, Scope: scope, Hash: randomHash(), CreatedAt: created}
			if scope != lifeops.ScopeCalendar {
				pt.ExpiresAt = created.AddDate(0, 0, 30)
			}
			return pt
		}
		script := tok("Backup script", lifeops.ScopeRead, at(2026, 3, 2, 9, 0))
		feed := tok("Calendar", lifeops.ScopeCalendar, at(2026, 3, 1, 9, 0))
		for _, pt := range []lifeops.PersonalToken{script, feed} {
			must(t, "AddPersonalToken", s.AddPersonalToken(ctx(t), pt))
		}
		wantErr(t, "AddPersonalToken again", s.AddPersonalToken(ctx(t), script), lifeops.ErrConflict)
		noExpiry := tok("Forever", lifeops.ScopeWrite, at(2026, 3, 1, 9, 0))
		noExpiry.ExpiresAt = time.Time{}
		wantErr(t, "AddPersonalToken of scope write without expiry", s.AddPersonalToken(ctx(t), noExpiry), lifeops.ErrInvalid)
		storedPT := func(pt lifeops.PersonalToken) lifeops.PersonalToken {
			pt.CreatedAt, pt.ExpiresAt = stored(pt.CreatedAt), stored(pt.ExpiresAt)
			return pt
		}
		list, err := s.PersonalTokens(ctx(t), u.ID)
		must(t, "PersonalTokens", err)
		diff(t, "tokens, oldest first", []lifeops.PersonalToken{storedPT(feed), storedPT(script)}, list)
		got, err := s.PersonalTokenByHash(ctx(t), script.Hash)
		must(t, "PersonalTokenByHash", err)
		diff(t, "token by hash", storedPT(script), got)
		theirs, err := s.PersonalTokens(ctx(t), other.ID)
		must(t, "PersonalTokens of another user", err)
		diff(t, "another user's tokens", []lifeops.PersonalToken{}, theirs)
		wantErr(t, "DeletePersonalToken through another user", s.DeletePersonalToken(ctx(t), other.ID, script.ID), lifeops.ErrNotFound)
		must(t, "DeletePersonalToken", s.DeletePersonalToken(ctx(t), u.ID, script.ID))
		_, err = s.PersonalTokenByHash(ctx(t), script.Hash)
		wantErr(t, "deleted token by hash", err, lifeops.ErrNotFound)
		wantErr(t, "DeletePersonalToken again", s.DeletePersonalToken(ctx(t), u.ID, script.ID), lifeops.ErrNotFound)
	})
	t.Run("CascadeAndRollback", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Leaving")
		d := mustDevice(t, s, u.ID, "Phone")
		rt := newRefresh(d, at(2026, 3, 1, 9, 0))
		must(t, "AddRefreshToken", s.AddRefreshToken(ctx(t), rt))
		pt := lifeops.PersonalToken{ID: uuid.New(), UserID: u.ID, Name: "Feed", Scope: lifeops.ScopeCalendar, Hash: randomHash(), CreatedAt: at(2026, 3, 1, 9, 0)}
		must(t, "AddPersonalToken", s.AddPersonalToken(ctx(t), pt))
		pc := lifeops.PairingCode{ID: uuid.New(), UserID: u.ID, Hash: randomHash(), CreatedAt: at(2026, 3, 1, 9, 0), ExpiresAt: at(2026, 3, 1, 9, 10)}
		must(t, "AddPairingCode", s.AddPairingCode(ctx(t), pc))

		// A unit of work that fails leaves none of its access writes.
		boom := errors.New("boom")
		late := newRefresh(d, at(2026, 3, 2, 9, 0))
		err := s.Update(ctx(t), u.ID, func(tx lifeops.Store) error {
			if _, err := tx.UseRefreshToken(ctx(t), u.ID, rt.ID, at(2026, 3, 2, 9, 0), late.ID); err != nil {
				return err
			}
			if err := tx.AddRefreshToken(ctx(t), late); err != nil {
				return err
			}
			if err := tx.DeletePersonalToken(ctx(t), u.ID, pt.ID); err != nil {
				return err
			}
			if _, err := tx.DeletePairingCodes(ctx(t), u.ID, at(2027, 1, 1, 0, 0)); err != nil {
				return err
			}
			return boom
		})
		wantErr(t, "failed Update", err, boom)
		got, err := s.RefreshTokenByHash(ctx(t), rt.Hash)
		must(t, "token after rollback", err)
		if !got.UsedAt.IsZero() {
			t.Errorf("the rolled-back use stayed: UsedAt %v", got.UsedAt)
		}
		_, err = s.RefreshTokenByHash(ctx(t), late.Hash)
		wantErr(t, "rolled-back token", err, lifeops.ErrNotFound)
		_, err = s.PersonalTokenByHash(ctx(t), pt.Hash)
		must(t, "personal token after rollback", err)
		_, err = s.PairingCodeByHash(ctx(t), pc.Hash)
		must(t, "pairing code after rollback", err)

		must(t, "DeleteUser", s.DeleteUser(ctx(t), u.ID))
		_, err = s.RefreshTokenByHash(ctx(t), rt.Hash)
		wantErr(t, "refresh token of a deleted user", err, lifeops.ErrNotFound)
		_, err = s.PersonalTokenByHash(ctx(t), pt.Hash)
		wantErr(t, "personal token of a deleted user", err, lifeops.ErrNotFound)
		_, err = s.PairingCodeByHash(ctx(t), pc.Hash)
		wantErr(t, "pairing code of a deleted user", err, lifeops.ErrNotFound)
	})
}
