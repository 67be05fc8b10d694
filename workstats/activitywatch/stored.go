package activitywatch

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/workstats"
)

// ParseSettings implements [lifeops.WorkSettingsParser]: it reads a
// person's ActivityWatch settings as they send them and checks them
// (rules, patterns, hosts, working hours). They hold no secret, so they
// are stored as they are.
func (s *Source) ParseSettings(raw json.RawMessage) (json.RawMessage, map[string]lifeops.Secret, error) {
	var set Settings
	if err := workstats.DecodeSettings(raw, &set); err != nil {
		return nil, nil, err
	}
	if err := set.Validate(); err != nil {
		return nil, nil, err
	}
	stored, err := json.Marshal(set)
	return stored, nil, err
}

// PeopleFrom returns a [Config.People] that reads each person's calendar
// and their settings for this source (stored with
// lifeops.Service.PutWorkSource under [SourceName]) from r, usually the
// Service's store. A person without settings gives an error matching
// lifeops.ErrNotConfigured, which a sync passes over.
func PeopleFrom(r lifeops.WorkSourceReader) func(ctx context.Context, userID uuid.UUID) (Person, error) {
	return func(ctx context.Context, userID uuid.UUID) (Person, error) {
		cal, ws, err := workstats.Setup(ctx, r, userID, SourceName)
		if err != nil {
			return Person{}, err
		}
		var set Settings
		if err := json.Unmarshal(ws.Settings, &set); err != nil {
			return Person{}, fmt.Errorf("activitywatch: stored settings: %w", err)
		}
		return Person{Calendar: cal, Settings: set}, nil
	}
}
