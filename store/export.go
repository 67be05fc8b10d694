package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

// ExportFormat and ExportVersion identify the export document. A reader
// accepts documents of its version and older; a change that older readers
// cannot read, or would read wrongly, raises the version.
//
// Version 2 added zone_changes; a version 1 document, which has none,
// still imports. Version 3 lets a work day leave meeting_minutes and
// break_minutes out (not entered, which the work-life score skips) where
// versions 1 and 2 always wrote numbers: a version 2 reader would take a
// missing value for 0 and lower that day's score, so it must refuse the
// document instead. Documents of versions 1 and 2 import unchanged, their
// numbers (0 included) kept as entered values. Version 4 may hold several
// work days of one date, one per source (the person's entry and each
// work-stats source's); a version 3 reader would keep one and drop the
// others. A work day of an older document without a source is the
// person's entry.
const (
	ExportFormat  = "lifeops-export"
	ExportVersion = 4
)

// Export is every record of one user in one document: the format to move
// a person between backends (SQLite to Postgres, say) or to hand them their
// data. Records carry no user ID of their own; User.ID owns them all.
//
// Credentials, and the secrets of the person's work-source settings, are
// included only when asked for (ExportOptions), and then hold the tokens
// and secrets in plaintext: treat such a document as a secret. Work-source
// settings without that option carry no secrets, and a source that needs
// them (a calendar's feed URLs) must be set up again after an import.
type Export struct {
	Format       string                       `json:"format"`
	Version      int                          `json:"version"`
	ExportedAt   time.Time                    `json:"exported_at"`
	User         lifeops.User                 `json:"user"`
	Goals        *lifeops.Goals               `json:"goals,omitempty"`
	Credentials  []lifeops.Credential         `json:"credentials,omitempty"`
	WorkSources  []lifeops.WorkSourceSettings `json:"work_sources,omitempty"`
	HealthDays   []lifeops.HealthDay          `json:"health_days"`
	RawDocuments []lifeops.RawDocument        `json:"raw_documents"`
	HeartRate    []lifeops.HeartRateSample    `json:"heart_rate"`
	SyncStates   []lifeops.SyncState          `json:"sync_states"`
	WorkDays     []lifeops.WorkDay            `json:"work_days"`
	Scores       []lifeops.DayScores          `json:"scores"`
	XP           []lifeops.XPEntry            `json:"xp"`
	Achievements []lifeops.Achievement        `json:"achievements"`
	Items        []lifeops.Item               `json:"items"`
	Events       []lifeops.Event              `json:"events"`
	ZoneChanges  []lifeops.ZoneChange         `json:"zone_changes"`
}

// ExportOptions tunes ExportUser. The zero value exports everything but
// credentials.
type ExportOptions struct {
	// Credentials includes the user's provider credentials, tokens in
	// plaintext, and the secrets of their work-source settings. The
	// source must be able to open them (a DB needs its Keyring).
	Credentials bool
	// Providers lists the providers whose credentials to look up in a
	// source that cannot list them itself (the DB can). Default:
	// lifeops.ProviderOura.
	Providers []string
	// Now stamps ExportedAt. Default: time.Now.
	Now func() time.Time
}

// exportWorkSources lists the user's work-source settings, their secrets
// only withSecrets (a DB then needs its Keyring; without them it needs
// none).
func exportWorkSources(ctx context.Context, src lifeops.Store, userID uuid.UUID, withSecrets bool) ([]lifeops.WorkSourceSettings, error) {
	var list []lifeops.WorkSourceSettings
	var err error
	if db, ok := src.(*DB); ok && !withSecrets {
		list, err = db.workSourcesSealed(ctx, userID)
	} else {
		list, err = src.WorkSources(ctx, userID)
	}
	if err != nil || len(list) == 0 {
		return nil, err
	}
	if !withSecrets {
		for i := range list {
			list[i].Secrets = nil
		}
	}
	return list, nil
}

// credentialLister is implemented by stores that can list a user's
// credentials across providers, as DB does.
type credentialLister interface {
	Credentials(ctx context.Context, userID uuid.UUID) ([]lifeops.Credential, error)
}

// The ranges an export reads: every day and instant a store can hold.
var (
	firstDay, lastDay = minDay, maxDay
	// lastInstant is past the last instant, as HeartRate's end is
	// exclusive.
	firstInstant, lastInstant = minInstant, maxInstant.Add(Precision)
)

// ExportUser reads every record of the user from src, any lifeops.Store.
func ExportUser(ctx context.Context, src lifeops.Store, userID uuid.UUID, opts *ExportOptions) (*Export, error) {
	var o ExportOptions
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if len(o.Providers) == 0 {
		o.Providers = []string{lifeops.ProviderOura}
	}
	u, err := src.User(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	x := &Export{Format: ExportFormat, Version: ExportVersion, ExportedAt: o.Now().UTC(), User: u}
	if g, err := src.Goals(ctx, userID); err == nil {
		x.Goals = &g
	} else if !errors.Is(err, lifeops.ErrNotFound) {
		return nil, fmt.Errorf("export goals: %w", err)
	}
	if o.Credentials {
		if l, ok := src.(credentialLister); ok {
			if x.Credentials, err = l.Credentials(ctx, userID); err != nil {
				return nil, fmt.Errorf("export credentials: %w", err)
			}
		} else {
			for _, p := range o.Providers {
				c, err := src.Credential(ctx, userID, p)
				if errors.Is(err, lifeops.ErrNotFound) {
					continue
				}
				if err != nil {
					return nil, fmt.Errorf("export credentials: %w", err)
				}
				x.Credentials = append(x.Credentials, c)
			}
		}
	}
	if x.WorkSources, err = exportWorkSources(ctx, src, userID, o.Credentials); err != nil {
		return nil, fmt.Errorf("export work sources: %w", err)
	}
	steps := []struct {
		what string
		run  func() error
	}{
		{"health days", func() (err error) { x.HealthDays, err = src.HealthDays(ctx, userID, firstDay, lastDay); return }},
		{"raw documents", func() (err error) {
			x.RawDocuments, err = src.RawDocuments(ctx, userID, lifeops.RawQuery{})
			return
		}},
		{"heart rate", func() (err error) {
			x.HeartRate, err = src.HeartRate(ctx, userID, firstInstant, lastInstant)
			return
		}},
		{"sync states", func() (err error) { x.SyncStates, err = src.SyncStates(ctx, userID); return }},
		{"work days", func() (err error) { x.WorkDays, err = src.WorkDays(ctx, userID, firstDay, lastDay); return }},
		{"scores", func() (err error) { x.Scores, err = src.Scores(ctx, userID, firstDay, lastDay); return }},
		{"xp", func() (err error) { x.XP, err = src.XPEntries(ctx, userID, lifeops.XPQuery{}); return }},
		{"achievements", func() (err error) { x.Achievements, err = src.Achievements(ctx, userID); return }},
		{"items", func() (err error) { x.Items, err = src.Items(ctx, userID); return }},
		{"events", func() (err error) { x.Events, err = src.Events(ctx, userID, firstDay, lastDay); return }},
		{"zone changes", func() (err error) { x.ZoneChanges, err = src.ZoneChanges(ctx, userID); return }},
	}
	for _, s := range steps {
		if err := s.run(); err != nil {
			return nil, fmt.Errorf("export %s: %w", s.what, err)
		}
	}
	return x, nil
}

// ExportError reports an export document that cannot be imported.
type ExportError struct {
	// Field names the offending part of the document, e.g. "version".
	Field string
	// Reason says what is wrong.
	Reason string
	// Err is the underlying decoding error, if any.
	Err error
}

// Error names the field and says what is wrong with it.
func (e *ExportError) Error() string {
	return fmt.Sprintf("store: export document: %s: %s", e.Field, e.Reason)
}

// Unwrap returns the decoding error, if any.
func (e *ExportError) Unwrap() error { return e.Err }

// Is reports that an ExportError is invalid input (lifeops.ErrInvalid).
func (e *ExportError) Is(target error) bool { return target == lifeops.ErrInvalid }

func (x *Export) check() error {
	switch {
	case x == nil:
		return &ExportError{Field: "document", Reason: "is empty"}
	case x.Format != ExportFormat:
		return &ExportError{Field: "format", Reason: fmt.Sprintf("is %q, want %q", x.Format, ExportFormat)}
	case x.Version < 1 || x.Version > ExportVersion:
		return &ExportError{Field: "version", Reason: fmt.Sprintf("is %d; this reader knows versions 1 to %d", x.Version, ExportVersion)}
	case x.User.ID == uuid.Nil:
		return &ExportError{Field: "user.id", Reason: "is required"}
	}
	return nil
}

// WriteExport encodes x as indented JSON. Provider documents and the
// settings of work sources are written byte for byte, as they are stored,
// so that an import gives back the same bytes (but for white space before
// and after a value, which is not part of it).
func WriteExport(w io.Writer, x *Export) error {
	// encoding/json re-formats embedded JSON: it compacts it, escapes
	// <, > and &, and indents it with the rest. So each verbatim value
	// goes in as a placeholder string, replaced by its bytes afterwards.
	var nonce [16]byte
	if _, err := rand.Read(nonce[:]); err != nil {
		return err
	}
	var verbatim []json.RawMessage // in the order the document holds them
	hold := func(field string, v json.RawMessage) (json.RawMessage, error) {
		if !json.Valid(v) {
			return nil, &ExportError{Field: field, Reason: "is not JSON"}
		}
		verbatim = append(verbatim, v)
		return json.RawMessage(fmt.Sprintf(`"lifeops-raw-%x-%d"`, nonce, len(verbatim)-1)), nil
	}
	y := *x
	y.RawDocuments = make([]lifeops.RawDocument, len(x.RawDocuments))
	for i, d := range x.RawDocuments {
		var err error
		if d.Data, err = hold(fmt.Sprintf("raw_documents[%d].data", i), d.Data); err != nil {
			return err
		}
		y.RawDocuments[i] = d
	}
	sources := clearWorkSources(y.WorkSources)
	for i := range sources {
		var err error
		if sources[i].Settings, err = hold(fmt.Sprintf("work_sources[%d].settings", i), sources[i].Settings); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(exportWire{Export: &y, Credentials: clearCredentials(y.Credentials), WorkSources: sources}); err != nil {
		return err
	}
	// The placeholders appear in document order: one pass replaces them.
	out := buf.Bytes()
	for i, v := range verbatim {
		h := []byte(fmt.Sprintf(`"lifeops-raw-%x-%d"`, nonce, i))
		at := bytes.Index(out, h)
		if at < 0 {
			return fmt.Errorf("store: write export: verbatim value %d went missing while encoding", i)
		}
		if _, err := w.Write(out[:at]); err != nil {
			return err
		}
		if _, err := w.Write(v); err != nil {
			return err
		}
		out = out[at+len(h):]
	}
	_, err := w.Write(out)
	return err
}

// ReadExport decodes an export document and checks its format and
// version; it rejects unknown fields, so nothing in the file is silently
// dropped, and documents larger than DefaultMaxImportBytes (an error
// matching ErrImportTooLarge). The records themselves are validated when
// imported. It holds the whole document in memory: ImportFrom imports
// from a reader without doing so.
func ReadExport(r io.Reader) (*Export, error) {
	lr := &limitedReader{r: r, left: DefaultMaxImportBytes, limit: DefaultMaxImportBytes}
	dec := json.NewDecoder(lr)
	dec.DisallowUnknownFields()
	x, err := decodeExport(dec)
	if err != nil {
		if errors.Is(err, ErrImportTooLarge) {
			return nil, &ExportError{Field: "document", Reason: err.Error(), Err: ErrImportTooLarge}
		}
		return nil, &ExportError{Field: "document", Reason: "is not a valid export: " + clipText(err.Error()), Err: err}
	}
	if dec.More() {
		return nil, &ExportError{Field: "document", Reason: "has data after the export object"}
	}
	if err := x.check(); err != nil {
		return nil, err
	}
	return x, nil
}
