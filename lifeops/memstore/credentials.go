package memstore

import (
	"context"
	"maps"
	"slices"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

// ---- credentials

func cloneCredential(c lifeops.Credential) lifeops.Credential {
	c.Scopes = slices.Clone(c.Scopes)
	c.Expiry, c.UpdatedAt = instant(c.Expiry), instant(c.UpdatedAt)
	return c
}

// PutCredential implements [lifeops.CredentialStore].
func (s *Store) PutCredential(ctx context.Context, c lifeops.Credential) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, c.UserID, func(d *userData) error {
		ext := [2]string{c.Provider, c.ExternalID}
		if owner, ok := s.external[ext]; ok && c.ExternalID != "" && owner != c.UserID {
			return lifeops.Errorf(lifeops.CodeConflict, "This %s account is connected to another user.", c.Provider)
		}
		if old, ok := d.credentials[c.Provider]; ok && old.ExternalID != "" {
			del(d, s.external, [2]string{old.Provider, old.ExternalID})
		}
		if c.ExternalID != "" {
			set(d, s.external, ext, c.UserID)
		}
		set(d, d.credentials, c.Provider, cloneCredential(c))
		return nil
	})
}

// Credential implements [lifeops.CredentialStore].
func (s *Store) Credential(ctx context.Context, userID uuid.UUID, provider string) (lifeops.Credential, error) {
	var out lifeops.Credential
	err := s.readUser(ctx, userID, func(d *userData) error {
		c, ok := d.credentials[provider]
		if !ok {
			return notFound("Credential")
		}
		out = cloneCredential(c)
		return nil
	})
	return out, err
}

// CredentialByExternalID implements [lifeops.CredentialStore].
func (s *Store) CredentialByExternalID(ctx context.Context, provider, externalID string) (lifeops.Credential, error) {
	var out lifeops.Credential
	err := s.read(ctx, func() error {
		owner, ok := s.external[[2]string{provider, externalID}]
		if !ok || externalID == "" {
			return notFound("Credential")
		}
		out = cloneCredential(s.users[owner].credentials[provider])
		return nil
	})
	return out, err
}

// DeleteCredential implements [lifeops.CredentialStore].
func (s *Store) DeleteCredential(ctx context.Context, userID uuid.UUID, provider string) error {
	return s.writeUser(ctx, userID, func(d *userData) error {
		c, ok := d.credentials[provider]
		if !ok {
			return notFound("Credential")
		}
		if c.ExternalID != "" {
			del(d, s.external, [2]string{c.Provider, c.ExternalID})
		}
		del(d, d.credentials, provider)
		return nil
	})
}

// ---- zone changes

// AddZoneChange implements [lifeops.ZoneStore].
func (s *Store) AddZoneChange(ctx context.Context, c lifeops.ZoneChange) (lifeops.ZoneChange, bool, error) {
	if err := c.Validate(); err != nil {
		return lifeops.ZoneChange{}, false, err
	}
	c.At = instant(c.At)
	var out lifeops.ZoneChange
	var created bool
	err := s.writeUser(ctx, c.UserID, func(d *userData) error {
		k := c.At.UnixMicro()
		if old, ok := d.zones[k]; ok {
			out = old
			return nil
		}
		set(d, d.zones, k, c)
		out, created = c, true
		return nil
	})
	return out, created, err
}

// ZoneChanges implements [lifeops.ZoneStore].
func (s *Store) ZoneChanges(ctx context.Context, userID uuid.UUID) ([]lifeops.ZoneChange, error) {
	var out []lifeops.ZoneChange
	err := s.readUser(ctx, userID, func(d *userData) error {
		out = slices.Collect(maps.Values(d.zones))
		return nil
	})
	slices.SortFunc(out, func(a, b lifeops.ZoneChange) int { return a.At.Compare(b.At) })
	return out, err
}
