package memstore

import (
	"cmp"
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// ---- users and goals

// CreateUser implements [lifeops.UserStore].
func (s *Store) CreateUser(ctx context.Context, u lifeops.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.write(ctx, func() error {
		if _, ok := s.users[u.ID]; ok {
			return lifeops.Errorf(lifeops.CodeConflict, "A user with this id exists.")
		}
		u.CreatedAt, u.UpdatedAt = instant(u.CreatedAt), instant(u.UpdatedAt)
		u.Version = max(u.Version, 1)
		s.users[u.ID] = &userData{
			unit:         make(chan struct{}, 1),
			user:         u,
			health:       map[civil.Date]lifeops.HealthDay{},
			raw:          map[rawKey]lifeops.RawDocument{},
			heartRate:    map[int64]lifeops.HeartRateSample{},
			sync:         map[lifeops.DataKind]lifeops.SyncState{},
			work:         map[civil.Date][]lifeops.WorkDay{},
			workSources:  map[string]lifeops.WorkSourceSettings{},
			scores:       map[civil.Date]lifeops.DayScores{},
			xp:           map[string]lifeops.XPEntry{},
			achievements: map[string]lifeops.Achievement{},
			items:        map[uuid.UUID]lifeops.Item{},
			events:       map[eventKey]lifeops.Event{},
			eventDays:    map[civil.Date]map[eventKey]struct{}{},
			eventIDs:     map[uuid.UUID]eventKey{},
			credentials:  map[string]lifeops.Credential{},
			zones:        map[int64]lifeops.ZoneChange{},
			devices:      map[uuid.UUID]lifeops.Device{},
			refresh:      map[uuid.UUID]lifeops.RefreshToken{},
			pairing:      map[uuid.UUID]lifeops.PairingCode{},
			personal:     map[uuid.UUID]lifeops.PersonalToken{},
		}
		return nil
	})
}

// User implements [lifeops.UserStore].
func (s *Store) User(ctx context.Context, id uuid.UUID) (lifeops.User, error) {
	var out lifeops.User
	err := s.readUser(ctx, id, func(d *userData) error {
		out = d.user
		return nil
	})
	return out, err
}

// UpdateUser implements [lifeops.UserStore].
func (s *Store) UpdateUser(ctx context.Context, u lifeops.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, u.ID, func(d *userData) error {
		u.CreatedAt, u.UpdatedAt = d.user.CreatedAt, instant(u.UpdatedAt)
		u.Version = max(u.Version, 1)
		d.remember(func(old lifeops.User) func() { return func() { d.user = old } }(d.user))
		d.user = u
		return nil
	})
}

// DeleteUser implements [lifeops.UserStore]. It drops every record of the
// user.
func (s *Store) DeleteUser(ctx context.Context, id uuid.UUID) error {
	return s.writeUser(ctx, id, func(d *userData) error {
		for _, c := range d.credentials {
			if c.ExternalID != "" {
				del(d, s.external, [2]string{c.Provider, c.ExternalID})
			}
		}
		for itemID := range d.items {
			del(d, s.itemOwner, itemID)
		}
		s.dropAccess(d)
		delete(s.users, id)
		return nil
	})
}

// Users implements [lifeops.UserStore].
func (s *Store) Users(ctx context.Context, p lifeops.Page) ([]lifeops.User, error) {
	var out []lifeops.User
	err := s.read(ctx, func() error {
		out = make([]lifeops.User, 0, len(s.users))
		for _, d := range s.users {
			out = append(out, d.user)
		}
		return nil
	})
	slices.SortFunc(out, func(a, b lifeops.User) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), slices.Compare(a.ID[:], b.ID[:]))
	})
	return page(out, p), err
}

// Goals implements [lifeops.UserStore].
func (s *Store) Goals(ctx context.Context, userID uuid.UUID) (lifeops.Goals, error) {
	var out lifeops.Goals
	err := s.readUser(ctx, userID, func(d *userData) error {
		if d.goals == nil {
			return notFound("Goals")
		}
		out = *d.goals
		return nil
	})
	return out, err
}

// PutGoals implements [lifeops.UserStore].
func (s *Store) PutGoals(ctx context.Context, g lifeops.Goals) error {
	if err := g.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, g.UserID, func(d *userData) error {
		g.UpdatedAt = instant(g.UpdatedAt)
		d.remember(func(old *lifeops.Goals) func() { return func() { d.goals = old } }(d.goals))
		d.goals = &g
		return nil
	})
}
