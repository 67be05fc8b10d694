package memstore

import (
	"bytes"
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

// ---- devices, refresh tokens, pairing codes, personal tokens

// hashKey is the key of Store.byHash: which kind of secret, and its hash.
type hashKey struct {
	kind byte // 'r' refresh token, 'p' pairing code, 't' personal token
	hash [lifeops.TokenHashSize]byte
}

// hashRef names the record a hash belongs to.
type hashRef struct{ user, id uuid.UUID }

func keyOf(kind byte, h []byte) (hashKey, bool) {
	k := hashKey{kind: kind}
	if len(h) != lifeops.TokenHashSize {
		return k, false
	}
	copy(k.hash[:], h)
	return k, true
}

// dropAccess removes the hashes of d's secrets from the index, when d's
// user is deleted. The caller holds mu.
func (s *Store) dropAccess(d *userData) {
	for _, t := range d.refresh {
		k, _ := keyOf('r', t.Hash)
		del(d, s.byHash, k)
	}
	for _, c := range d.pairing {
		k, _ := keyOf('p', c.Hash)
		del(d, s.byHash, k)
	}
	for _, t := range d.personal {
		k, _ := keyOf('t', t.Hash)
		del(d, s.byHash, k)
	}
}

func cloneDevice(d lifeops.Device) lifeops.Device {
	d.CreatedAt, d.LastUsedAt, d.RevokedAt = instant(d.CreatedAt), instant(d.LastUsedAt), instant(d.RevokedAt)
	return d
}

func cloneRefresh(t lifeops.RefreshToken) lifeops.RefreshToken {
	t.Hash = bytes.Clone(t.Hash)
	t.CreatedAt, t.ExpiresAt, t.UsedAt = instant(t.CreatedAt), instant(t.ExpiresAt), instant(t.UsedAt)
	return t
}

func clonePairing(c lifeops.PairingCode) lifeops.PairingCode {
	c.Hash = bytes.Clone(c.Hash)
	c.CreatedAt, c.ExpiresAt, c.UsedAt = instant(c.CreatedAt), instant(c.ExpiresAt), instant(c.UsedAt)
	return c
}

func clonePersonal(t lifeops.PersonalToken) lifeops.PersonalToken {
	t.Hash = bytes.Clone(t.Hash)
	t.CreatedAt, t.ExpiresAt = instant(t.CreatedAt), instant(t.ExpiresAt)
	return t
}

// deviceOwned reports whether any user holds a device with id. The caller
// holds mu.
func (s *Store) deviceOwned(id uuid.UUID) bool {
	for _, d := range s.users {
		if _, ok := d.devices[id]; ok {
			return true
		}
	}
	return false
}

// CreateDevice implements [lifeops.AccessStore].
func (s *Store) CreateDevice(ctx context.Context, dev lifeops.Device) error {
	if err := dev.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, dev.UserID, func(d *userData) error {
		if s.deviceOwned(dev.ID) {
			return lifeops.Errorf(lifeops.CodeConflict, "A device with this id exists.")
		}
		set(d, d.devices, dev.ID, cloneDevice(dev))
		return nil
	})
}

// Device implements [lifeops.AccessStore].
func (s *Store) Device(ctx context.Context, userID, deviceID uuid.UUID) (lifeops.Device, error) {
	var out lifeops.Device
	err := s.readUser(ctx, userID, func(d *userData) error {
		dev, ok := d.devices[deviceID]
		if !ok {
			return notFound("Device")
		}
		out = dev
		return nil
	})
	return out, err
}

// Devices implements [lifeops.AccessStore].
func (s *Store) Devices(ctx context.Context, userID uuid.UUID) ([]lifeops.Device, error) {
	var out []lifeops.Device
	err := s.readUser(ctx, userID, func(d *userData) error {
		for _, dev := range d.devices {
			out = append(out, dev)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b lifeops.Device) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), bytes.Compare(a.ID[:], b.ID[:]))
	})
	return out, err
}

// UpdateDevice implements [lifeops.AccessStore].
func (s *Store) UpdateDevice(ctx context.Context, dev lifeops.Device) error {
	if err := dev.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, dev.UserID, func(d *userData) error {
		old, ok := d.devices[dev.ID]
		if !ok {
			return notFound("Device")
		}
		old.Name, old.LastUsedAt, old.RevokedAt = dev.Name, instant(dev.LastUsedAt), instant(dev.RevokedAt)
		set(d, d.devices, dev.ID, old)
		return nil
	})
}

// DeleteDevice implements [lifeops.AccessStore].
func (s *Store) DeleteDevice(ctx context.Context, userID, deviceID uuid.UUID) error {
	return s.writeUser(ctx, userID, func(d *userData) error {
		if _, ok := d.devices[deviceID]; !ok {
			return notFound("Device")
		}
		s.deleteRefresh(d, deviceID, time.Time{})
		del(d, d.devices, deviceID)
		return nil
	})
}

// deleteRefresh deletes the refresh tokens of the device that expired
// before before (all when before is zero) and returns how many. The caller
// holds mu.
func (s *Store) deleteRefresh(d *userData, deviceID uuid.UUID, before time.Time) int {
	n := 0
	for id, t := range d.refresh {
		if t.DeviceID != deviceID || !before.IsZero() && !t.ExpiresAt.Before(before) {
			continue
		}
		k, _ := keyOf('r', t.Hash)
		del(d, s.byHash, k)
		del(d, d.refresh, id)
		n++
	}
	return n
}

// refreshOwned reports whether any user holds a refresh token with id.
// The caller holds mu.
func (s *Store) refreshOwned(id uuid.UUID) bool {
	for _, d := range s.users {
		if _, ok := d.refresh[id]; ok {
			return true
		}
	}
	return false
}

// AddRefreshToken implements [lifeops.AccessStore].
func (s *Store) AddRefreshToken(ctx context.Context, t lifeops.RefreshToken) error {
	if err := t.Validate(); err != nil {
		return err
	}
	k, _ := keyOf('r', t.Hash)
	return s.writeUser(ctx, t.UserID, func(d *userData) error {
		if _, ok := d.devices[t.DeviceID]; !ok {
			return notFound("Device")
		}
		if _, taken := s.byHash[k]; taken || s.refreshOwned(t.ID) {
			return lifeops.Errorf(lifeops.CodeConflict, "A refresh token with this id or hash exists.")
		}
		set(d, s.byHash, k, hashRef{t.UserID, t.ID})
		set(d, d.refresh, t.ID, cloneRefresh(t))
		return nil
	})
}

// RefreshToken implements [lifeops.AccessStore].
func (s *Store) RefreshToken(ctx context.Context, userID, id uuid.UUID) (lifeops.RefreshToken, error) {
	var out lifeops.RefreshToken
	err := s.readUser(ctx, userID, func(d *userData) error {
		t, ok := d.refresh[id]
		if !ok {
			return notFound("Refresh token")
		}
		out = cloneRefresh(t)
		return nil
	})
	return out, err
}

// RefreshTokenByHash implements [lifeops.AccessStore].
func (s *Store) RefreshTokenByHash(ctx context.Context, hash []byte) (lifeops.RefreshToken, error) {
	var out lifeops.RefreshToken
	err := s.read(ctx, func() error {
		k, ok := keyOf('r', hash)
		ref, found := s.byHash[k]
		if !ok || !found {
			return notFound("Refresh token")
		}
		out = cloneRefresh(s.users[ref.user].refresh[ref.id])
		return nil
	})
	return out, err
}

// UseRefreshToken implements [lifeops.AccessStore].
func (s *Store) UseRefreshToken(ctx context.Context, userID, id uuid.UUID, at time.Time, successor uuid.UUID) (bool, error) {
	if at.IsZero() || successor == uuid.Nil {
		return false, lifeops.Errorf(lifeops.CodeInvalid, "A used refresh token needs a time and a successor.")
	}
	var won bool
	err := s.writeUser(ctx, userID, func(d *userData) error {
		t, ok := d.refresh[id]
		if !ok {
			return notFound("Refresh token")
		}
		if !t.UsedAt.IsZero() {
			return nil
		}
		t.UsedAt, t.Successor = instant(at), successor
		set(d, d.refresh, id, t)
		won = true
		return nil
	})
	return won, err
}

// DeleteRefreshTokens implements [lifeops.AccessStore].
func (s *Store) DeleteRefreshTokens(ctx context.Context, userID, deviceID uuid.UUID, before time.Time) (int, error) {
	var n int
	err := s.writeUser(ctx, userID, func(d *userData) error {
		n = s.deleteRefresh(d, deviceID, instant(before))
		return nil
	})
	return n, err
}

// AddPairingCode implements [lifeops.AccessStore].
func (s *Store) AddPairingCode(ctx context.Context, c lifeops.PairingCode) error {
	if err := c.Validate(); err != nil {
		return err
	}
	k, _ := keyOf('p', c.Hash)
	return s.writeUser(ctx, c.UserID, func(d *userData) error {
		if _, taken := s.byHash[k]; taken || s.pairingOwned(c.ID) {
			return lifeops.Errorf(lifeops.CodeConflict, "A pairing code with this id or hash exists.")
		}
		set(d, s.byHash, k, hashRef{c.UserID, c.ID})
		set(d, d.pairing, c.ID, clonePairing(c))
		return nil
	})
}

// pairingOwned reports whether any user holds a pairing code with id. The
// caller holds mu.
func (s *Store) pairingOwned(id uuid.UUID) bool {
	for _, d := range s.users {
		if _, ok := d.pairing[id]; ok {
			return true
		}
	}
	return false
}

// PairingCodeByHash implements [lifeops.AccessStore].
func (s *Store) PairingCodeByHash(ctx context.Context, hash []byte) (lifeops.PairingCode, error) {
	var out lifeops.PairingCode
	err := s.read(ctx, func() error {
		k, ok := keyOf('p', hash)
		ref, found := s.byHash[k]
		if !ok || !found {
			return notFound("Pairing code")
		}
		out = clonePairing(s.users[ref.user].pairing[ref.id])
		return nil
	})
	return out, err
}

// UsePairingCode implements [lifeops.AccessStore].
func (s *Store) UsePairingCode(ctx context.Context, userID, id uuid.UUID, at time.Time) (bool, error) {
	if at.IsZero() {
		return false, lifeops.Errorf(lifeops.CodeInvalid, "A used pairing code needs a time.")
	}
	var won bool
	err := s.writeUser(ctx, userID, func(d *userData) error {
		c, ok := d.pairing[id]
		if !ok {
			return notFound("Pairing code")
		}
		if !c.UsedAt.IsZero() {
			return nil
		}
		c.UsedAt = instant(at)
		set(d, d.pairing, id, c)
		won = true
		return nil
	})
	return won, err
}

// DeletePairingCodes implements [lifeops.AccessStore].
func (s *Store) DeletePairingCodes(ctx context.Context, userID uuid.UUID, before time.Time) (int, error) {
	var n int
	before = instant(before)
	err := s.writeUser(ctx, userID, func(d *userData) error {
		for id, c := range d.pairing {
			if c.UsedAt.IsZero() && !c.ExpiresAt.Before(before) {
				continue
			}
			k, _ := keyOf('p', c.Hash)
			del(d, s.byHash, k)
			del(d, d.pairing, id)
			n++
		}
		return nil
	})
	return n, err
}

// personalOwned reports whether any user holds a personal token with id.
// The caller holds mu.
func (s *Store) personalOwned(id uuid.UUID) bool {
	for _, d := range s.users {
		if _, ok := d.personal[id]; ok {
			return true
		}
	}
	return false
}

// AddPersonalToken implements [lifeops.AccessStore].
func (s *Store) AddPersonalToken(ctx context.Context, t lifeops.PersonalToken) error {
	if err := t.Validate(); err != nil {
		return err
	}
	k, _ := keyOf('t', t.Hash)
	return s.writeUser(ctx, t.UserID, func(d *userData) error {
		if _, taken := s.byHash[k]; taken || s.personalOwned(t.ID) {
			return lifeops.Errorf(lifeops.CodeConflict, "A personal token with this id or hash exists.")
		}
		set(d, s.byHash, k, hashRef{t.UserID, t.ID})
		set(d, d.personal, t.ID, clonePersonal(t))
		return nil
	})
}

// PersonalTokenByHash implements [lifeops.AccessStore].
func (s *Store) PersonalTokenByHash(ctx context.Context, hash []byte) (lifeops.PersonalToken, error) {
	var out lifeops.PersonalToken
	err := s.read(ctx, func() error {
		k, ok := keyOf('t', hash)
		ref, found := s.byHash[k]
		if !ok || !found {
			return notFound("Personal token")
		}
		out = clonePersonal(s.users[ref.user].personal[ref.id])
		return nil
	})
	return out, err
}

// PersonalTokens implements [lifeops.AccessStore].
func (s *Store) PersonalTokens(ctx context.Context, userID uuid.UUID) ([]lifeops.PersonalToken, error) {
	var out []lifeops.PersonalToken
	err := s.readUser(ctx, userID, func(d *userData) error {
		for _, t := range d.personal {
			out = append(out, clonePersonal(t))
		}
		return nil
	})
	slices.SortFunc(out, func(a, b lifeops.PersonalToken) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), bytes.Compare(a.ID[:], b.ID[:]))
	})
	return out, err
}

// DeletePersonalToken implements [lifeops.AccessStore].
func (s *Store) DeletePersonalToken(ctx context.Context, userID, id uuid.UUID) error {
	return s.writeUser(ctx, userID, func(d *userData) error {
		t, ok := d.personal[id]
		if !ok {
			return notFound("Personal token")
		}
		k, _ := keyOf('t', t.Hash)
		del(d, s.byHash, k)
		del(d, d.personal, id)
		return nil
	})
}
