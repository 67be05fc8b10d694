package memstore

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

// cloneWorkSource copies s deeply, so a stored value shares nothing with
// its caller.
func cloneWorkSource(s lifeops.WorkSourceSettings) lifeops.WorkSourceSettings {
	s.Settings = slices.Clone(s.Settings)
	s.Secrets = maps.Clone(s.Secrets)
	s.UpdatedAt = instant(s.UpdatedAt)
	return s
}

// PutWorkSource implements [lifeops.WorkSourceStore].
func (s *Store) PutWorkSource(ctx context.Context, ws lifeops.WorkSourceSettings) error {
	if err := ws.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, ws.UserID, func(d *userData) error {
		set(d, d.workSources, ws.Source, cloneWorkSource(ws))
		return nil
	})
}

// WorkSource implements [lifeops.WorkSourceStore].
func (s *Store) WorkSource(ctx context.Context, userID uuid.UUID, source string) (lifeops.WorkSourceSettings, error) {
	var out lifeops.WorkSourceSettings
	err := s.readUser(ctx, userID, func(d *userData) error {
		ws, ok := d.workSources[source]
		if !ok {
			return notFound("Work source")
		}
		out = cloneWorkSource(ws)
		return nil
	})
	return out, err
}

// WorkSources implements [lifeops.WorkSourceStore].
func (s *Store) WorkSources(ctx context.Context, userID uuid.UUID) ([]lifeops.WorkSourceSettings, error) {
	var out []lifeops.WorkSourceSettings
	err := s.readUser(ctx, userID, func(d *userData) error {
		for _, name := range slices.SortedFunc(maps.Keys(d.workSources), strings.Compare) {
			out = append(out, cloneWorkSource(d.workSources[name]))
		}
		return nil
	})
	return out, err
}

// DeleteWorkSource implements [lifeops.WorkSourceStore].
func (s *Store) DeleteWorkSource(ctx context.Context, userID uuid.UUID, source string) error {
	return s.writeUser(ctx, userID, func(d *userData) error {
		if _, ok := d.workSources[source]; !ok {
			return notFound("Work source")
		}
		del(d, d.workSources, source)
		return nil
	})
}
