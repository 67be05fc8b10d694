package lifeops

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// How people reach their data from outside: the devices they signed in
// with, each holding a refresh token that rotates on every use, the
// pairing codes that sign a new device in, and the personal access tokens
// of their scripts and calendar apps. The store keeps only SHA-256 hashes
// of the secrets (see [TokenHashSize]); the formats of the tokens
// themselves belong to the program that hands them out.

// Access lifetimes and limits.
const (
	// TokenHashSize is the size of every stored token hash: SHA-256.
	TokenHashSize = 32
	// RefreshIdle is how long a refresh token lives unused: a device that
	// does not refresh for this long must be paired again.
	RefreshIdle = 30 * 24 * time.Hour
	// DeviceLifetime is how long a device may refresh at all, from its
	// creation.
	DeviceLifetime = 365 * 24 * time.Hour
	// RefreshGrace is how long after a refresh the token it replaced still
	// answers, with the same successor: a client whose response was lost
	// may send the request again. Any later use of a replaced token is a
	// reuse, and revokes the device.
	RefreshGrace = 10 * time.Second
	// PairingCodeLifetime is how long a pairing code may be used.
	PairingCodeLifetime = 10 * time.Minute
	// MaxPersonalTokenDays is the longest lifetime of a personal access
	// token.
	MaxPersonalTokenDays = 366
)

// Device is one app or machine that a person signed in with: it holds a
// chain of refresh tokens, of which one is current. Keyed by ID; a device
// belongs to exactly one user.
type Device struct {
	ID         uuid.UUID `json:"id"`
	UserID     uuid.UUID `json:"-"`
	Name       string    `json:"name"`
	CreatedAt  time.Time `json:"created_at"`
	LastUsedAt time.Time `json:"last_used_at,omitzero"` // the last refresh
	// RevokedAt is set when a replaced refresh token of the device was
	// used again: its tokens may have been stolen, so none works any more.
	RevokedAt time.Time `json:"revoked_at,omitzero"`
}

// MaxDeviceNameLen is the longest device or token name, in characters.
const MaxDeviceNameLen = 100

// Validate checks d. It returns nil, or one *ValidationError per bad field
// joined with errors.Join.
func (d Device) Validate() error {
	var p problems
	if d.ID == uuid.Nil {
		p.add("id", "is required")
	}
	if d.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	p.addErr(validateName("name", d.Name, MaxDeviceNameLen))
	if d.CreatedAt.IsZero() {
		p.add("created_at", "is required")
	}
	return p.err()
}

// Revoked reports whether the device was revoked.
func (d Device) Revoked() bool { return !d.RevokedAt.IsZero() }

// ExpiresAt is when the device stops being able to refresh:
// DeviceLifetime after its creation.
func (d Device) ExpiresAt() time.Time { return d.CreatedAt.Add(DeviceLifetime) }

// RefreshToken is one refresh token of a device, as stored: its hash, never
// the token. Using it marks it used and names its successor. Keyed by ID;
// Hash is unique too.
type RefreshToken struct {
	ID        uuid.UUID
	UserID    uuid.UUID
	DeviceID  uuid.UUID
	Hash      []byte // SHA-256 of the token
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero while it is the device's current token
	Successor uuid.UUID // the token that replaced it, once used
}

// Validate checks t.
func (t RefreshToken) Validate() error {
	var p problems
	for _, id := range []struct {
		field string
		v     uuid.UUID
	}{{"id", t.ID}, {"user_id", t.UserID}, {"device_id", t.DeviceID}} {
		if id.v == uuid.Nil {
			p.add(id.field, "is required")
		}
	}
	checkHash(&p, t.Hash)
	if t.CreatedAt.IsZero() || t.ExpiresAt.IsZero() {
		p.add("expires_at", "created_at and expires_at are required")
	} else if !t.ExpiresAt.After(t.CreatedAt) {
		p.add("expires_at", "must be after created_at")
	}
	if t.UsedAt.IsZero() != (t.Successor == uuid.Nil) {
		p.add("successor", "is set exactly when the token was used")
	}
	return p.err()
}

// PairingCode is a short-lived, single-use code with which a person signs
// a new device in, as stored: its hash, never the code.
type PairingCode struct {
	ID        uuid.UUID
	UserID    uuid.UUID
	Hash      []byte // SHA-256 of the code
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    time.Time // zero until the code is used
}

// Validate checks c.
func (c PairingCode) Validate() error {
	var p problems
	if c.ID == uuid.Nil {
		p.add("id", "is required")
	}
	if c.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	checkHash(&p, c.Hash)
	if c.CreatedAt.IsZero() || !c.ExpiresAt.After(c.CreatedAt) {
		p.add("expires_at", "must be after created_at")
	}
	return p.err()
}

// Scope is what a personal access token may do.
type Scope string

// The scopes of personal access tokens.
const (
	ScopeRead     Scope = "read"     // read every record of the person
	ScopeWrite    Scope = "write"    // read and write, as the person's devices
	ScopeCalendar Scope = "calendar" // read the timeline's calendar feed only
)

// Validate reports whether s is one of the scopes.
func (s Scope) Validate() error {
	switch s {
	case ScopeRead, ScopeWrite, ScopeCalendar:
		return nil
	}
	return invalid("scope", "must be read or write, got %s", quote(string(s)))
}

// PersonalToken is a long-lived token a person made for a script or a
// calendar app, as stored: named, scoped, with its hash, never the token.
// Keyed by ID; Hash is unique too.
type PersonalToken struct {
	ID        uuid.UUID `json:"id"`
	UserID    uuid.UUID `json:"-"`
	Name      string    `json:"name"`
	Scope     Scope     `json:"scope"`
	Hash      []byte    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	// ExpiresAt is when the token stops working; zero for the calendar
	// feed's token, which works until it is rotated.
	ExpiresAt time.Time `json:"expires_at,omitzero"`
}

// Validate checks t.
func (t PersonalToken) Validate() error {
	var p problems
	if t.ID == uuid.Nil {
		p.add("id", "is required")
	}
	if t.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	p.addErr(validateName("name", t.Name, MaxDeviceNameLen))
	p.addErr(t.Scope.Validate())
	checkHash(&p, t.Hash)
	switch {
	case t.CreatedAt.IsZero():
		p.add("created_at", "is required")
	case t.ExpiresAt.IsZero() && t.Scope != ScopeCalendar:
		p.add("expires_at", "is required for a %s token", t.Scope)
	case !t.ExpiresAt.IsZero() && !t.ExpiresAt.After(t.CreatedAt):
		p.add("expires_at", "must be after created_at")
	}
	return p.err()
}

// Expired reports whether the token has expired at now.
func (t PersonalToken) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

func checkHash(p *problems, h []byte) {
	if len(h) != TokenHashSize {
		p.add("hash", "must be a SHA-256 hash of %d bytes, got %d", TokenHashSize, len(h))
	}
}

// AccessStore keeps devices, their refresh tokens, pairing codes and
// personal access tokens. Lookups by hash span every user: a token is all
// a request carries. Deleting a user deletes all of theirs.
type AccessStore interface {
	// CreateDevice stores a new device. A device with the same ID is
	// ErrConflict; an unknown owner is ErrNotFound.
	CreateDevice(ctx context.Context, d Device) error
	// Device returns the user's device, or ErrNotFound.
	Device(ctx context.Context, userID, deviceID uuid.UUID) (Device, error)
	// Devices lists the user's devices ordered by CreatedAt, then ID.
	Devices(ctx context.Context, userID uuid.UUID) ([]Device, error)
	// UpdateDevice replaces the name, LastUsedAt and RevokedAt of the
	// user's device d.ID, or returns ErrNotFound.
	UpdateDevice(ctx context.Context, d Device) error
	// DeleteDevice deletes the user's device and its refresh tokens, or
	// returns ErrNotFound.
	DeleteDevice(ctx context.Context, userID, deviceID uuid.UUID) error

	// AddRefreshToken stores a new refresh token of the user's device. A
	// token with the same ID or Hash is ErrConflict; an unknown device is
	// ErrNotFound.
	AddRefreshToken(ctx context.Context, t RefreshToken) error
	// RefreshToken returns the user's refresh token id, or ErrNotFound.
	RefreshToken(ctx context.Context, userID, id uuid.UUID) (RefreshToken, error)
	// RefreshTokenByHash returns the refresh token with hash, of whichever
	// user, or ErrNotFound.
	RefreshTokenByHash(ctx context.Context, hash []byte) (RefreshToken, error)
	// UseRefreshToken marks the user's token id used at at, replaced by
	// successor, if it is unused, atomically, and reports whether it did:
	// of concurrent calls exactly one does. An unknown token is
	// ErrNotFound.
	UseRefreshToken(ctx context.Context, userID, id uuid.UUID, at time.Time, successor uuid.UUID) (bool, error)
	// DeleteRefreshTokens deletes the refresh tokens of the user's device
	// that expired before before, or all of them when before is zero, and
	// returns how many it deleted.
	DeleteRefreshTokens(ctx context.Context, userID, deviceID uuid.UUID, before time.Time) (int, error)

	// AddPairingCode stores a new pairing code. A code with the same ID or
	// Hash is ErrConflict; an unknown owner is ErrNotFound.
	AddPairingCode(ctx context.Context, c PairingCode) error
	// PairingCodeByHash returns the pairing code with hash, of whichever
	// user, or ErrNotFound.
	PairingCodeByHash(ctx context.Context, hash []byte) (PairingCode, error)
	// UsePairingCode marks the user's code id used at at if it is unused,
	// atomically, and reports whether it did. An unknown code is
	// ErrNotFound.
	UsePairingCode(ctx context.Context, userID, id uuid.UUID, at time.Time) (bool, error)
	// DeletePairingCodes deletes the user's codes that were used or that
	// expired before before, and returns how many it deleted.
	DeletePairingCodes(ctx context.Context, userID uuid.UUID, before time.Time) (int, error)

	// AddPersonalToken stores a new personal access token. A token with the
	// same ID or Hash is ErrConflict; an unknown owner is ErrNotFound.
	AddPersonalToken(ctx context.Context, t PersonalToken) error
	// PersonalTokenByHash returns the personal token with hash, of
	// whichever user, or ErrNotFound.
	PersonalTokenByHash(ctx context.Context, hash []byte) (PersonalToken, error)
	// PersonalTokens lists the user's personal tokens ordered by
	// CreatedAt, then ID.
	PersonalTokens(ctx context.Context, userID uuid.UUID) ([]PersonalToken, error)
	// DeletePersonalToken deletes the user's personal token, or returns
	// ErrNotFound.
	DeletePersonalToken(ctx context.Context, userID, id uuid.UUID) error
}

// TokenHasher gives the hash of the secret of a new refresh token from the
// token's id. A program derives the secret from the id and a key of its
// own, so that it can give the same token again when a client repeats a
// refresh within [RefreshGrace] (the store keeps only the hash).
type TokenHasher func(id uuid.UUID) []byte

// DeviceGrant is a device with its current refresh token, as signing in,
// pairing and refreshing return them.
type DeviceGrant struct {
	Device  Device
	Refresh RefreshToken
	// Repeated is set when a refresh was a repeat within RefreshGrace of
	// one that succeeded: Refresh is the token that one made.
	Repeated bool
}

// errBadRefresh is what every refused refresh token says: which check
// refused it is for the log, not for the caller.
func errBadRefresh(cause error) error {
	return WrapError(CodeUnauthorized, cause, "The refresh token is not valid; sign the device in again.")
}

// CreateDevice signs a new device named name in for the person, with its
// first refresh token, whose hash hash gives.
func (s *Service) CreateDevice(ctx context.Context, userID uuid.UUID, name string, hash TokenHasher) (DeviceGrant, error) {
	if hash == nil {
		return DeviceGrant{}, invalid("hash", "is required")
	}
	var out DeviceGrant
	err := s.store.Update(ctx, userID, func(tx Store) error {
		var err error
		out, err = s.newDevice(ctx, tx, userID, name, hash)
		return err
	})
	if err == nil {
		s.log.InfoContext(ctx, "device created", "user_id", userID, "device_id", out.Device.ID)
	}
	return out, err
}

// newDevice stores a new device of the person and its first token in tx.
func (s *Service) newDevice(ctx context.Context, tx Store, userID uuid.UUID, name string, hash TokenHasher) (DeviceGrant, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	d := Device{ID: uuid.New(), UserID: userID, Name: name, CreatedAt: now, LastUsedAt: now}
	if err := d.Validate(); err != nil {
		return DeviceGrant{}, err
	}
	if err := tx.CreateDevice(ctx, d); err != nil {
		return DeviceGrant{}, fmt.Errorf("create device: %w", err)
	}
	t := RefreshToken{ID: uuid.New(), UserID: userID, DeviceID: d.ID, CreatedAt: now, ExpiresAt: now.Add(RefreshIdle)}
	t.Hash = hash(t.ID)
	if err := t.Validate(); err != nil {
		return DeviceGrant{}, err
	}
	if err := tx.AddRefreshToken(ctx, t); err != nil {
		return DeviceGrant{}, fmt.Errorf("store refresh token: %w", err)
	}
	return DeviceGrant{Device: d, Refresh: t}, nil
}

// Devices lists the person's devices, oldest first, revoked ones included.
func (s *Service) Devices(ctx context.Context, userID uuid.UUID) ([]Device, error) {
	ds, err := s.store.Devices(ctx, userID)
	if ds == nil && err == nil {
		ds = []Device{}
	}
	return ds, err
}

// Device returns one of the person's devices, or ErrNotFound. A program
// checks on every request that the device of an access token is still
// there and not revoked.
func (s *Service) Device(ctx context.Context, userID, deviceID uuid.UUID) (Device, error) {
	return s.store.Device(ctx, userID, deviceID)
}

// DeleteDevice signs the device out for good: it and its refresh tokens
// are deleted, and its access tokens fail from the next request on.
func (s *Service) DeleteDevice(ctx context.Context, userID, deviceID uuid.UUID) error {
	err := s.store.Update(ctx, userID, func(tx Store) error { return tx.DeleteDevice(ctx, userID, deviceID) })
	if err == nil {
		s.log.InfoContext(ctx, "device deleted", "user_id", userID, "device_id", deviceID)
	}
	return err
}

// RefreshDevice trades the refresh token whose hash is hash for the next
// one of its device, whose hash next gives, in one unit of work of the
// device's person, so that of any number of concurrent refreshes with one
// token, in any number of processes, one wins. The device's LastUsedAt
// moves to now.
//
// A token that was replaced less than RefreshGrace ago gives the same
// successor again (Repeated set), as long as the successor was not used
// itself. Any other use of a replaced token is a reuse: the device is
// revoked, every token of it deleted, and the error says so. An unknown,
// expired or revoked token, or one of a device past DeviceLifetime, is
// ErrUnauthorized.
func (s *Service) RefreshDevice(ctx context.Context, hash []byte, next TokenHasher) (DeviceGrant, error) {
	if next == nil {
		return DeviceGrant{}, invalid("hash", "is required")
	}
	if len(hash) != TokenHashSize {
		return DeviceGrant{}, errBadRefresh(errors.New("malformed hash"))
	}
	found, err := s.store.RefreshTokenByHash(ctx, hash)
	if errors.Is(err, ErrNotFound) {
		return DeviceGrant{}, errBadRefresh(err)
	} else if err != nil {
		return DeviceGrant{}, err
	}
	var out DeviceGrant
	var reused *Device
	err = s.store.Update(ctx, found.UserID, func(tx Store) error {
		out, reused = DeviceGrant{}, nil
		t, err := tx.RefreshTokenByHash(ctx, hash)
		if errors.Is(err, ErrNotFound) {
			return errBadRefresh(err)
		} else if err != nil {
			return err
		}
		d, err := tx.Device(ctx, t.UserID, t.DeviceID)
		if errors.Is(err, ErrNotFound) {
			return errBadRefresh(err)
		} else if err != nil {
			return err
		}
		if d.Revoked() {
			return errBadRefresh(errors.New("device revoked"))
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		if !t.UsedAt.IsZero() {
			if now.Sub(t.UsedAt) <= RefreshGrace {
				succ, err := tx.RefreshToken(ctx, t.UserID, t.Successor)
				if err == nil && succ.UsedAt.IsZero() {
					out = DeviceGrant{Device: d, Refresh: succ, Repeated: true}
					return nil
				}
				if err != nil && !errors.Is(err, ErrNotFound) {
					return err
				}
			}
			d.RevokedAt = now
			if err := tx.UpdateDevice(ctx, d); err != nil {
				return fmt.Errorf("revoke device: %w", err)
			}
			if _, err := tx.DeleteRefreshTokens(ctx, d.UserID, d.ID, time.Time{}); err != nil {
				return fmt.Errorf("revoke device: %w", err)
			}
			reused = &d
			return nil
		}
		if !now.Before(t.ExpiresAt) {
			return errBadRefresh(errors.New("refresh token expired"))
		}
		if !now.Before(d.ExpiresAt()) {
			return errBadRefresh(errors.New("device expired"))
		}
		n := RefreshToken{ID: uuid.New(), UserID: t.UserID, DeviceID: d.ID, CreatedAt: now}
		n.ExpiresAt = now.Add(RefreshIdle)
		if end := d.ExpiresAt(); n.ExpiresAt.After(end) {
			n.ExpiresAt = end
		}
		n.Hash = next(n.ID)
		if err := n.Validate(); err != nil {
			return err
		}
		won, err := tx.UseRefreshToken(ctx, t.UserID, t.ID, now, n.ID)
		if err != nil {
			return fmt.Errorf("use refresh token: %w", err)
		}
		if !won { // the unit of work holds the person's lock: another refresh cannot win
			return Errorf(CodeConflict, "The refresh token was used at the same moment; try again.")
		}
		if err := tx.AddRefreshToken(ctx, n); err != nil {
			return fmt.Errorf("store refresh token: %w", err)
		}
		// Replaced tokens are kept until they expire, so that a reuse is
		// recognised as one.
		if _, err := tx.DeleteRefreshTokens(ctx, d.UserID, d.ID, now); err != nil {
			return fmt.Errorf("prune refresh tokens: %w", err)
		}
		d.LastUsedAt = now
		if err := tx.UpdateDevice(ctx, d); err != nil {
			return fmt.Errorf("update device: %w", err)
		}
		out = DeviceGrant{Device: d, Refresh: n}
		return nil
	})
	if err != nil {
		return DeviceGrant{}, err
	}
	if reused != nil {
		s.log.WarnContext(ctx, "refresh token reused: device revoked", "user_id", reused.UserID, "device_id", reused.ID)
		return DeviceGrant{}, Errorf(CodeUnauthorized, "This refresh token was already used, so it may have been stolen: the device is signed out. Sign it in again.")
	}
	return out, nil
}

// CreatePairingCode stores a pairing code of the person whose hash is hash,
// valid for PairingCodeLifetime, and prunes their used and expired codes.
func (s *Service) CreatePairingCode(ctx context.Context, userID uuid.UUID, hash []byte) (PairingCode, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	c := PairingCode{ID: uuid.New(), UserID: userID, Hash: hash, CreatedAt: now, ExpiresAt: now.Add(PairingCodeLifetime)}
	if err := c.Validate(); err != nil {
		return PairingCode{}, err
	}
	err := s.store.Update(ctx, userID, func(tx Store) error {
		if _, err := tx.DeletePairingCodes(ctx, userID, now); err != nil {
			return fmt.Errorf("prune pairing codes: %w", err)
		}
		return tx.AddPairingCode(ctx, c)
	})
	return c, err
}

// Pair signs a new device named deviceName in with the pairing code whose
// hash is codeHash: the code is used up, in the same unit of work. An
// unknown, used or expired code is ErrUnauthorized.
func (s *Service) Pair(ctx context.Context, codeHash []byte, deviceName string, next TokenHasher) (DeviceGrant, error) {
	bad := func(cause error) error {
		return WrapError(CodeUnauthorized, cause, "The pairing code is not valid: it may have expired or been used. Make a new one.")
	}
	if next == nil {
		return DeviceGrant{}, invalid("hash", "is required")
	}
	if err := validateName("device_name", deviceName, MaxDeviceNameLen); err != nil {
		return DeviceGrant{}, err
	}
	if len(codeHash) != TokenHashSize {
		return DeviceGrant{}, bad(errors.New("malformed hash"))
	}
	found, err := s.store.PairingCodeByHash(ctx, codeHash)
	if errors.Is(err, ErrNotFound) {
		return DeviceGrant{}, bad(err)
	} else if err != nil {
		return DeviceGrant{}, err
	}
	var out DeviceGrant
	err = s.store.Update(ctx, found.UserID, func(tx Store) error {
		c, err := tx.PairingCodeByHash(ctx, codeHash)
		if errors.Is(err, ErrNotFound) {
			return bad(err)
		} else if err != nil {
			return err
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		if !c.UsedAt.IsZero() || !now.Before(c.ExpiresAt) {
			return bad(errors.New("used or expired"))
		}
		won, err := tx.UsePairingCode(ctx, c.UserID, c.ID, now)
		if err != nil {
			return fmt.Errorf("use pairing code: %w", err)
		}
		if !won {
			return bad(errors.New("used at the same moment"))
		}
		out, err = s.newDevice(ctx, tx, c.UserID, deviceName, next)
		return err
	})
	if err == nil {
		s.log.InfoContext(ctx, "device paired", "user_id", out.Device.UserID, "device_id", out.Device.ID)
	}
	return out, err
}

// NewPersonalToken is what it takes to make a personal access token.
type NewPersonalToken struct {
	Name          string
	Scope         Scope // read or write
	ExpiresInDays int   // 1 to MaxPersonalTokenDays
	Hash          []byte
}

// CreatePersonalToken stores a personal access token of the person.
func (s *Service) CreatePersonalToken(ctx context.Context, userID uuid.UUID, in NewPersonalToken) (PersonalToken, error) {
	var p problems
	if in.Scope != ScopeRead && in.Scope != ScopeWrite {
		p.add("scope", "must be read or write, got %s", quote(string(in.Scope)))
	}
	if in.ExpiresInDays < 1 || in.ExpiresInDays > MaxPersonalTokenDays {
		p.add("expires_in_days", "must be between 1 and %d, got %d", MaxPersonalTokenDays, in.ExpiresInDays)
	}
	if err := p.err(); err != nil {
		return PersonalToken{}, err
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	t := PersonalToken{ID: uuid.New(), UserID: userID, Name: in.Name, Scope: in.Scope, Hash: in.Hash,
		CreatedAt: now, ExpiresAt: now.AddDate(0, 0, in.ExpiresInDays)}
	if err := t.Validate(); err != nil {
		return PersonalToken{}, err
	}
	err := s.store.Update(ctx, userID, func(tx Store) error { return tx.AddPersonalToken(ctx, t) })
	if err == nil {
		s.log.InfoContext(ctx, "personal token created", "user_id", userID, "token_id", t.ID, "scope", t.Scope)
	}
	return t, err
}

// RotateCalendarToken replaces the person's calendar-feed token (scope
// calendar, no expiry) with one whose hash is hash, in one unit of work:
// the old feed URL stops working at once.
func (s *Service) RotateCalendarToken(ctx context.Context, userID uuid.UUID, hash []byte) (PersonalToken, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	t := PersonalToken{ID: uuid.New(), UserID: userID, Name: "Calendar feed", Scope: ScopeCalendar, Hash: hash, CreatedAt: now}
	if err := t.Validate(); err != nil {
		return PersonalToken{}, err
	}
	err := s.store.Update(ctx, userID, func(tx Store) error {
		old, err := tx.PersonalTokens(ctx, userID)
		if err != nil {
			return err
		}
		for _, o := range old {
			if o.Scope == ScopeCalendar {
				if err := tx.DeletePersonalToken(ctx, userID, o.ID); err != nil {
					return fmt.Errorf("delete old calendar token: %w", err)
				}
			}
		}
		return tx.AddPersonalToken(ctx, t)
	})
	return t, err
}

// PersonalTokens lists the person's personal tokens, oldest first.
func (s *Service) PersonalTokens(ctx context.Context, userID uuid.UUID) ([]PersonalToken, error) {
	ts, err := s.store.PersonalTokens(ctx, userID)
	if ts == nil && err == nil {
		ts = []PersonalToken{}
	}
	return ts, err
}

// DeletePersonalToken deletes one of the person's personal tokens; it
// stops working at once.
func (s *Service) DeletePersonalToken(ctx context.Context, userID, id uuid.UUID) error {
	return s.store.Update(ctx, userID, func(tx Store) error { return tx.DeletePersonalToken(ctx, userID, id) })
}

// PersonalTokenByHash returns the personal token whose hash is hash, for
// authenticating a request. An unknown or expired token is
// ErrUnauthorized.
func (s *Service) PersonalTokenByHash(ctx context.Context, hash []byte) (PersonalToken, error) {
	bad := Errorf(CodeUnauthorized, "The access token is not valid.")
	if len(hash) != TokenHashSize {
		return PersonalToken{}, bad
	}
	t, err := s.store.PersonalTokenByHash(ctx, hash)
	if errors.Is(err, ErrNotFound) {
		return PersonalToken{}, bad
	} else if err != nil {
		return PersonalToken{}, err
	}
	if t.Expired(s.now()) {
		return PersonalToken{}, bad
	}
	return t, nil
}
