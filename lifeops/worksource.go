package lifeops

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/google/uuid"
)

// WorkSourceSettings are one person's settings for one work-stats source,
// stored with the person: the source's own settings as a JSON object,
// which holds no secret, and its secrets by name (a calendar's private
// feed URLs, say), which a store keeps sealed like the tokens of a
// [Credential]. Keyed by (user, source).
//
// The Service hands Settings to the source that owns them (see
// [WorkSettingsParser]); LifeOps itself reads nothing in them.
type WorkSourceSettings struct {
	UserID   uuid.UUID       `json:"-"`
	Source   string          `json:"source"`   // the source's Name
	Settings json.RawMessage `json:"settings"` // a JSON object, at most MaxWorkSourceSettings bytes
	// Secrets are the settings' secrets by name: 1 to 64 letters,
	// digits, '-' or '_'; each value at most 4096 bytes. In JSON they
	// show as "[redacted]", so a reader learns which secrets are set and
	// nothing of them.
	Secrets   map[string]Secret `json:"secrets,omitempty"`
	Version   int64             `json:"version"` // 1 for the first settings, one more for each change
	UpdatedAt time.Time         `json:"updated_at"`
}

// Limits of WorkSourceSettings.
const (
	MaxWorkSourceSettings = 64 << 10 // bytes of Settings
	MaxWorkSourceSecrets  = 32
	maxSecretBytes        = 4096
)

// Validate checks every field of s.
func (s WorkSourceSettings) Validate() error {
	var p problems
	if s.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	if !validSourceName(s.Source) {
		p.add("source", "must be 1 to 32 lowercase letters, digits, '-' or '_', and not %q", SourceManual)
	}
	switch t := bytes.TrimSpace(s.Settings); {
	case len(s.Settings) > MaxWorkSourceSettings:
		p.add("settings", "must be at most %d bytes, got %d", MaxWorkSourceSettings, len(s.Settings))
	case len(t) == 0 || t[0] != '{' || !json.Valid(t):
		p.add("settings", "must be a JSON object")
	default:
		p.checkText("settings", string(s.Settings))
	}
	if len(s.Secrets) > MaxWorkSourceSecrets {
		p.add("secrets", "at most %d, got %d", MaxWorkSourceSecrets, len(s.Secrets))
	}
	for _, name := range slices.Sorted(maps.Keys(s.Secrets)) {
		v := s.Secrets[name]
		field := "secrets." + name
		switch {
		case !validSecretName(name):
			p.add("secrets", "a secret's name must be 1 to 64 letters, digits, '-' or '_'")
		case v.IsZero():
			p.add(field, "is empty")
		case v.Len() > maxSecretBytes:
			p.add(field, "must be at most %d bytes", maxSecretBytes)
		default:
			p.checkText(field, v.Reveal())
		}
	}
	if s.Version < 0 {
		p.add("version", "must not be negative")
	}
	return p.err()
}

func validSecretName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// WorkSettingsParser is implemented by a [WorkStatsSource] whose settings
// the Service should check before storing them. ParseSettings reads the
// settings as a person sends them (a JSON object, secrets in place),
// checks them, and splits them into the JSON to store, which must hold no
// secret, and the secrets by name. Its errors are shown to the person:
// [ValidationError] values naming the field.
type WorkSettingsParser interface {
	ParseSettings(raw json.RawMessage) (settings json.RawMessage, secrets map[string]Secret, err error)
}

// WorkSourceReader is what a work-stats source reads to serve a person: who
// they are, where they lived when, and their settings for it. A [Store]
// is one.
type WorkSourceReader interface {
	User(ctx context.Context, id uuid.UUID) (User, error)
	ZoneChanges(ctx context.Context, userID uuid.UUID) ([]ZoneChange, error)
	WorkSource(ctx context.Context, userID uuid.UUID, source string) (WorkSourceSettings, error)
}

// WorkSourceNames returns the names of the Service's work-stats sources, in
// the order they were configured: the sources a person can set up.
func (s *Service) WorkSourceNames() []string {
	out := make([]string, len(s.work))
	for i, w := range s.work {
		out[i] = w.Name()
	}
	return out
}

// workSource returns the configured source named name.
func (s *Service) workSource(name string) (WorkStatsSource, error) {
	for _, w := range s.work {
		if w.Name() == name {
			return w, nil
		}
	}
	if len(name) > 40 {
		name = name[:40] + "…"
	}
	return nil, Errorf(CodeNotFound, "No work-stats source named %q is configured.", name)
}

// PutWorkSource stores the user's settings for the work-stats source
// named source, as the person sent them (a JSON object): checked and split
// into settings and secrets by the source when it is a
// [WorkSettingsParser], kept as they are otherwise. It replaces earlier
// settings and returns what was stored. The source must be one the Service
// was configured with (ErrNotFound otherwise). The next Sync reads the
// source for the person.
func (s *Service) PutWorkSource(ctx context.Context, userID uuid.UUID, source string, raw json.RawMessage) (WorkSourceSettings, error) {
	src, err := s.workSource(source)
	if err != nil {
		return WorkSourceSettings{}, err
	}
	if len(raw) > MaxWorkSourceSettings {
		return WorkSourceSettings{}, invalid("settings", "must be at most %d bytes, got %d", MaxWorkSourceSettings, len(raw))
	}
	ws := WorkSourceSettings{UserID: userID, Source: source, Settings: raw, UpdatedAt: s.now().UTC().Truncate(time.Microsecond)}
	if parser, ok := src.(WorkSettingsParser); ok {
		if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' || !json.Valid(t) {
			return WorkSourceSettings{}, invalid("settings", "must be a JSON object")
		}
		if ws.Settings, ws.Secrets, err = parser.ParseSettings(raw); err != nil {
			return WorkSourceSettings{}, translate(err)
		}
	}
	err = s.store.Update(ctx, userID, func(tx Store) error {
		old, err := tx.WorkSource(ctx, userID, source)
		switch {
		case err == nil:
			ws.Version = old.Version + 1
		case ErrorCode(err) == CodeNotFound:
			if _, err := tx.User(ctx, userID); err != nil {
				return err
			}
			ws.Version = 1
		default:
			return fmt.Errorf("load work source: %w", err)
		}
		if err := ws.Validate(); err != nil {
			return err
		}
		return tx.PutWorkSource(ctx, ws)
	})
	if err != nil {
		return WorkSourceSettings{}, err
	}
	return ws, nil
}

// WorkSource returns the user's settings for the source named source, or
// ErrNotFound when they have not set it up.
func (s *Service) WorkSource(ctx context.Context, userID uuid.UUID, source string) (WorkSourceSettings, error) {
	return s.store.WorkSource(ctx, userID, source)
}

// WorkSources returns the user's settings of every source they set up,
// ordered by source.
func (s *Service) WorkSources(ctx context.Context, userID uuid.UUID) ([]WorkSourceSettings, error) {
	if _, err := s.store.User(ctx, userID); err != nil {
		return nil, err
	}
	return s.store.WorkSources(ctx, userID)
}

// DeleteWorkSource removes the user's settings for the source named
// source, secrets included; ErrNotFound when there are none. Syncs pass
// over the source for the person from then on; the work days it delivered
// stay.
func (s *Service) DeleteWorkSource(ctx context.Context, userID uuid.UUID, source string) error {
	return s.store.DeleteWorkSource(ctx, userID, source)
}
