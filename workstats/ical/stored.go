package ical

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/workstats"
)

// ParseSettings implements [lifeops.WorkSettingsParser]: it reads a
// person's calendar settings as they send them, feed URLs in place,
// checks them (a file feed needs Config.Files), and splits them into the
// JSON a store keeps, without the URLs, and the URLs by feed ID, which the
// store seals.
func (s *Source) ParseSettings(raw json.RawMessage) (json.RawMessage, map[string]lifeops.Secret, error) {
	var set Settings
	if err := workstats.DecodeSettings(raw, &set); err != nil {
		return nil, nil, err
	}
	if err := set.Validate(); err != nil {
		return nil, nil, err
	}
	secrets := map[string]lifeops.Secret{}
	for i, f := range set.Feeds {
		if f.File != "" && s.files == nil {
			return nil, nil, &lifeops.ValidationError{Field: fmt.Sprintf("feeds[%d].file", i), Reason: "calendar files are not enabled here; give the feed's URL instead"}
		}
		if !f.URL.IsZero() {
			secrets[f.ID] = lifeops.NewSecret(f.URL.Reveal())
			set.Feeds[i].URL = URL{}
		}
	}
	stored, err := json.Marshal(set)
	if err != nil {
		return nil, nil, err
	}
	return stored, secrets, nil
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
			return Person{}, fmt.Errorf("ical: stored settings: %w", err)
		}
		urls := make(map[string]string, len(ws.Secrets))
		for id, v := range ws.Secrets {
			urls[id] = v.Reveal()
		}
		if set, err = set.WithSecrets(urls); err != nil {
			return Person{}, fmt.Errorf("ical: stored settings: %w", err)
		}
		return Person{Calendar: cal, Settings: set}, nil
	}
}
