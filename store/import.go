package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/score"
)

// DefaultMaxImportBytes is the largest export document ImportFrom and
// ReadExport read unless ImportOptions.MaxBytes says otherwise: 256 MiB,
// ten years of one person's data with every provider document and heart
// rate every five minutes, with room to spare.
const DefaultMaxImportBytes = 256 << 20

// ErrImportTooLarge is matched by the error for a document larger than the
// limit (ImportOptions.MaxBytes); the error also matches lifeops.ErrInvalid.
var ErrImportTooLarge = errors.New("store: export document too large")

// ImportOptions chooses whom an import writes to and bounds what it reads.
// The zero value (or nil) imports the document's own person, by its ID,
// and refuses when that person already exists in the store: importing
// never overwrites anyone unless asked to.
type ImportOptions struct {
	// NewUser imports into a new person with a fresh ID (returned in
	// ImportResult.UserID), whoever the document names; it cannot be
	// combined with UserID or Replace.
	NewUser bool
	// UserID imports into the person with this ID instead of the
	// document's own. If no such person exists, one is created with
	// this ID; if one does, Replace is required.
	UserID uuid.UUID
	// Replace allows importing into a person who exists: their profile
	// becomes the document's, and records keyed like the document's are
	// replaced, except the insert-if-absent ones (XP, achievements,
	// events, zone changes), which keep the stored record. Without it an
	// existing target is refused with an error matching
	// lifeops.ErrConflict, and nothing is written.
	Replace bool
	// MaxBytes bounds the document that ImportFrom reads. Default:
	// DefaultMaxImportBytes.
	MaxBytes int64
}

// ImportResult counts what an import wrote. Insert-if-absent records
// (XP, achievements, events, zone changes) count only those that were new.
type ImportResult struct {
	// UserID is the person the records were written to.
	UserID                                                              uuid.UUID
	Users, Credentials, HealthDays, RawDocuments, HeartRate, SyncStates int
	WorkDays, Scores, XP, Achievements, Items, Events, ZoneChanges      int
	WorkSources                                                         int
	// SkippedCredentials counts credentials left out because the import
	// went to another person than the document's: a provider's grant
	// belongs to the one account it was given for.
	SkippedCredentials int
	// SkippedSecrets counts work-source settings written without their
	// secrets for the same reason.
	SkippedSecrets int
}

// ImportUser writes every record of x into dst, any lifeops.Store, to the
// person opts chooses (see ImportOptions). Every record is checked as the
// live API checks it before it is written: each record's Validate, and
// every XP entry against the award rules of package score, the total kept
// within score.MaxXP. Importing the same document again with Replace
// changes nothing. Importing into another person than the document's gives
// its items and events IDs of their own (derived from the target and the
// old ID, so a second import finds them again) and leaves credentials out.
//
// Into a *DB the whole import is one transaction: it lands completely or
// not at all. Into another kind of store, records written before a failure
// stay, and running the import again with Replace completes it.
func ImportUser(ctx context.Context, dst lifeops.Store, x *Export, opts *ImportOptions) (ImportResult, error) {
	if err := x.check(); err != nil {
		return ImportResult{}, err
	}
	return inTx(ctx, dst, func(dst lifeops.Store) (ImportResult, error) {
		im, err := newImporter(ctx, dst, opts)
		if err != nil {
			return ImportResult{}, err
		}
		if err := im.begin(x.User); err != nil {
			return ImportResult{}, err
		}
		for _, step := range []func() error{
			func() error { return im.goals(x.Goals) },
			func() error { return im.credentials(x.Credentials) },
			func() error { return im.workSources(x.WorkSources) },
			func() error { return im.healthDays(x.HealthDays) },
			func() error { return im.rawDocuments(x.RawDocuments) },
			func() error { return im.heartRate(x.HeartRate) },
			func() error { return im.syncStates(x.SyncStates) },
			func() error { return im.workDays(x.WorkDays) },
			func() error { return im.scores(x.Scores) },
			func() error { return im.xp(x.XP) },
			func() error { return im.achievements(x.Achievements) },
			func() error { return im.items(x.Items) },
			func() error { return im.events(x.Events) },
			func() error { return im.zoneChanges(x.ZoneChanges) },
		} {
			if err := step(); err != nil {
				return im.res, err
			}
		}
		return im.res, nil
	})
}

// inTx runs fn in one transaction when dst is a *DB, else on dst itself.
func inTx(ctx context.Context, dst lifeops.Store, fn func(lifeops.Store) (ImportResult, error)) (ImportResult, error) {
	db, ok := dst.(*DB)
	if !ok {
		return fn(dst)
	}
	var r ImportResult
	err := db.InTx(ctx, func(tx *DB) error {
		var err error
		r, err = fn(tx)
		return err
	})
	return r, err
}

// importer writes one document's records to its target, checking each.
type importer struct {
	ctx      context.Context
	dst      lifeops.Store
	opts     ImportOptions
	from, to uuid.UUID // the document's person and the target
	res      ImportResult
	xpTotal  int64
}

func newImporter(ctx context.Context, dst lifeops.Store, opts *ImportOptions) (*importer, error) {
	im := &importer{ctx: ctx, dst: dst}
	if opts != nil {
		im.opts = *opts
	}
	if im.opts.NewUser && (im.opts.UserID != uuid.Nil || im.opts.Replace) {
		return nil, &ExportError{Field: "options", Reason: "NewUser imports into a new person: it takes neither UserID nor Replace"}
	}
	return im, nil
}

// begin creates or, with Replace, updates the target person.
func (im *importer) begin(u lifeops.User) error {
	im.from = u.ID
	switch {
	case im.opts.NewUser:
		im.to = uuid.New()
	case im.opts.UserID != uuid.Nil:
		im.to = im.opts.UserID
	default:
		im.to = u.ID
	}
	im.res.UserID, im.res.Users = im.to, 1
	u.ID = im.to
	if err := u.Validate(); err != nil {
		return fmt.Errorf("import user: %w", err)
	}
	// Look before writing rather than create-then-update on conflict: in
	// a Postgres transaction a failed statement aborts the rest.
	_, err := im.dst.User(im.ctx, im.to)
	switch {
	case errors.Is(err, lifeops.ErrNotFound):
		err = im.dst.CreateUser(im.ctx, u)
	case err == nil && !im.opts.Replace:
		return errorf("import", lifeops.CodeConflict, "user %s already exists: import with Replace to overwrite them, or as a new user", im.to)
	case err == nil:
		err = im.dst.UpdateUser(im.ctx, u)
	}
	if err != nil {
		return fmt.Errorf("import user: %w", err)
	}
	return nil
}

// remapped reports whether records go to another person than the
// document's, so their own IDs must change.
func (im *importer) remapped() bool { return im.to != im.from }

// newID is the ID of a document's item or event in the target: the same
// ID for the document's own person, else one derived from the target and
// the old ID, the same every time.
func (im *importer) newID(old uuid.UUID) uuid.UUID {
	if !im.remapped() || old == uuid.Nil {
		return old
	}
	return uuid.NewSHA1(im.to, old[:])
}

// check validates one record of a section as the store would, naming the
// record in the error.
func check(what string, i int, err error) error {
	if err != nil {
		return fmt.Errorf("import %s[%d]: %w", what, i, err)
	}
	return nil
}

func (im *importer) goals(g *lifeops.Goals) error {
	if g == nil {
		return nil
	}
	c := *g
	c.UserID = im.to
	if err := c.Validate(); err != nil {
		return fmt.Errorf("import goals: %w", err)
	}
	if err := im.dst.PutGoals(im.ctx, c); err != nil {
		return fmt.Errorf("import goals: %w", err)
	}
	return nil
}

func (im *importer) credentials(cs []lifeops.Credential) error {
	if im.remapped() {
		im.res.SkippedCredentials += len(cs)
		return nil
	}
	for i, c := range cs {
		c.UserID = im.to
		if err := check("credentials", i, c.Validate()); err != nil {
			return err
		}
		if err := im.dst.PutCredential(im.ctx, c); err != nil {
			return fmt.Errorf("import credentials: %w", err)
		}
		im.res.Credentials++
	}
	return nil
}

// workSources writes the person's work-source settings. Into another
// person than the document's they go without their secrets, which belong
// to the one person who set them up.
func (im *importer) workSources(ws []lifeops.WorkSourceSettings) error {
	for i, w := range ws {
		w.UserID = im.to
		if im.remapped() && len(w.Secrets) > 0 {
			w.Secrets = nil
			im.res.SkippedSecrets++
		}
		if err := check("work_sources", i, w.Validate()); err != nil {
			return err
		}
		if err := im.dst.PutWorkSource(im.ctx, w); err != nil {
			return fmt.Errorf("import work sources: %w", err)
		}
		im.res.WorkSources++
	}
	return nil
}

func (im *importer) healthDays(days []lifeops.HealthDay) error {
	days = slices.Clone(days)
	for i := range days {
		days[i].UserID = im.to
		if err := check("health_days", i, days[i].Validate()); err != nil {
			return err
		}
	}
	if len(days) == 0 {
		return nil
	}
	if err := im.dst.PutHealthDays(im.ctx, days); err != nil {
		return fmt.Errorf("import health days: %w", err)
	}
	im.res.HealthDays += len(days)
	return nil
}

func (im *importer) rawDocuments(docs []lifeops.RawDocument) error {
	docs = slices.Clone(docs)
	for i := range docs {
		docs[i].UserID = im.to
		if err := check("raw_documents", i, docs[i].Validate()); err != nil {
			return err
		}
	}
	if len(docs) == 0 {
		return nil
	}
	if err := im.dst.PutRawDocuments(im.ctx, docs); err != nil {
		return fmt.Errorf("import raw documents: %w", err)
	}
	im.res.RawDocuments += len(docs)
	return nil
}

func (im *importer) heartRate(samples []lifeops.HeartRateSample) error {
	for i, s := range samples {
		if err := check("heart_rate", i, s.Validate()); err != nil {
			return err
		}
	}
	if len(samples) == 0 {
		return nil
	}
	if err := im.dst.PutHeartRate(im.ctx, im.to, samples); err != nil {
		return fmt.Errorf("import heart rate: %w", err)
	}
	im.res.HeartRate += len(samples)
	return nil
}

func (im *importer) syncStates(states []lifeops.SyncState) error {
	for i, s := range states {
		s.UserID = im.to
		if err := check("sync_states", i, s.Validate()); err != nil {
			return err
		}
		if err := im.dst.PutSyncState(im.ctx, s); err != nil {
			return fmt.Errorf("import sync states: %w", err)
		}
		im.res.SyncStates++
	}
	return nil
}

func (im *importer) workDays(days []lifeops.WorkDay) error {
	for i, w := range days {
		w.UserID = im.to
		if err := check("work_days", i, w.Validate()); err != nil {
			return err
		}
		if err := im.dst.PutWorkDay(im.ctx, w); err != nil {
			return fmt.Errorf("import work days: %w", err)
		}
		im.res.WorkDays++
	}
	return nil
}

func (im *importer) scores(days []lifeops.DayScores) error {
	for i, s := range days {
		s.UserID = im.to
		if err := check("scores", i, s.Validate()); err != nil {
			return err
		}
		if err := im.dst.PutScores(im.ctx, s); err != nil {
			return fmt.Errorf("import scores: %w", err)
		}
		im.res.Scores++
	}
	return nil
}

// xp checks every entry against the award rules and keeps the running
// total within score.MaxXP: no entry is bigger than a real award, and no
// sum wraps around.
func (im *importer) xp(entries []lifeops.XPEntry) error {
	for i, e := range entries {
		e.UserID = im.to
		if e.ItemID != uuid.Nil && im.remapped() {
			old := e.ItemID
			e.ItemID = im.newID(old)
			e.Key = strings.ReplaceAll(e.Key, old.String(), e.ItemID.String())
		}
		if err := check("xp", i, e.Validate()); err != nil {
			return err
		}
		if err := check("xp", i, e.CheckAward()); err != nil {
			return err
		}
		if im.xpTotal > score.MaxXP-e.Points {
			return check("xp", i, &lifeops.ValidationError{Field: "points",
				Reason: fmt.Sprintf("would take the person's total XP above %d", int64(score.MaxXP))})
		}
		im.xpTotal += e.Points
		_, created, err := im.dst.AddXP(im.ctx, e)
		if err != nil {
			return fmt.Errorf("import xp: %w", err)
		}
		if created {
			im.res.XP++
		}
	}
	return nil
}

func (im *importer) achievements(as []lifeops.Achievement) error {
	for i, a := range as {
		a.UserID = im.to
		if err := check("achievements", i, a.Validate()); err != nil {
			return err
		}
		_, created, err := im.dst.UnlockAchievement(im.ctx, a)
		if err != nil {
			return fmt.Errorf("import achievements: %w", err)
		}
		if created {
			im.res.Achievements++
		}
	}
	return nil
}

func (im *importer) items(items []lifeops.Item) error {
	for i, it := range items {
		it.UserID, it.ID = im.to, im.newID(it.ID)
		if err := check("items", i, it.Validate()); err != nil {
			return err
		}
		_, err := im.dst.Item(im.ctx, im.to, it.ID)
		switch {
		case errors.Is(err, lifeops.ErrNotFound):
			err = im.dst.CreateItem(im.ctx, it)
		case err == nil:
			err = im.dst.UpdateItem(im.ctx, it)
		}
		if err != nil {
			return fmt.Errorf("import items: %w", err)
		}
		im.res.Items++
	}
	return nil
}

func (im *importer) events(events []lifeops.Event) error {
	for i, e := range events {
		e.UserID, e.ID, e.ItemID = im.to, im.newID(e.ID), im.newID(e.ItemID)
		if err := check("events", i, e.Validate()); err != nil {
			return err
		}
		_, created, err := im.dst.AddEvent(im.ctx, e)
		if err != nil {
			return fmt.Errorf("import events: %w", err)
		}
		if created {
			im.res.Events++
		}
	}
	return nil
}

func (im *importer) zoneChanges(cs []lifeops.ZoneChange) error {
	for i, c := range cs {
		c.UserID = im.to
		if err := check("zone_changes", i, c.Validate()); err != nil {
			return err
		}
		_, created, err := im.dst.AddZoneChange(im.ctx, c)
		if err != nil {
			return fmt.Errorf("import zone changes: %w", err)
		}
		if created {
			im.res.ZoneChanges++
		}
	}
	return nil
}

// ImportFrom reads an export document from r and imports it as ImportUser
// does, without holding the document in memory: it decodes one record at a
// time and writes them in batches, so its memory does not grow with the
// document. The document may be at most opts.MaxBytes long
// (DefaultMaxImportBytes by default); a longer one is refused with an
// error matching ErrImportTooLarge. Its "format", "version" and "user"
// must come before the records, as WriteExport writes them; unknown fields
// are refused, as ReadExport refuses them.
//
// Into a *DB the import is one transaction. If the database asks for the
// transaction to be retried (a serialization failure), ImportFrom cannot
// read r again and returns a transient *Error: import the document again.
func ImportFrom(ctx context.Context, dst lifeops.Store, r io.Reader, opts *ImportOptions) (ImportResult, error) {
	limit := int64(DefaultMaxImportBytes)
	if opts != nil && opts.MaxBytes > 0 {
		limit = opts.MaxBytes
	}
	read := false
	return inTx(ctx, dst, func(dst lifeops.Store) (ImportResult, error) {
		if read {
			return ImportResult{}, &Error{Op: "import", Code: lifeops.CodeUnavailable, Transient: true,
				Err: errors.New("the database asked to retry the import, and the document cannot be read twice: import it again")}
		}
		read = true
		im, err := newImporter(ctx, dst, opts)
		if err != nil {
			return ImportResult{}, err
		}
		s := &stream{im: im, dec: json.NewDecoder(&limitedReader{r: r, left: limit, limit: limit})}
		s.dec.DisallowUnknownFields()
		err = s.run()
		return im.res, s.wrap(err)
	})
}

// importBatch is how many records ImportFrom decodes before writing them.
const importBatch = 1000

// stream decodes a document token by token and hands records to its
// importer in batches.
type stream struct {
	im      *importer
	dec     *json.Decoder
	format  string
	version int
	begun   bool
	seen    map[string]bool
}

func (s *stream) run() error {
	if err := s.delim('{'); err != nil {
		return err
	}
	s.seen = map[string]bool{}
	for s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if s.seen[key] {
			return &ExportError{Field: clipText(key), Reason: "appears twice"}
		}
		s.seen[key] = true
		if err := s.field(key); err != nil {
			return err
		}
	}
	if err := s.delim('}'); err != nil {
		return err
	}
	switch _, err := s.dec.Token(); {
	case err == io.EOF:
	case err != nil && errors.Is(err, ErrImportTooLarge):
		return err
	default:
		return &ExportError{Field: "document", Reason: "has data after the export object"}
	}
	if !s.begun {
		return &ExportError{Field: "user", Reason: "is required"}
	}
	return nil
}

// field decodes the value of one top-level key.
func (s *stream) field(key string) error {
	im := s.im
	switch key {
	case "format":
		return s.dec.Decode(&s.format)
	case "version":
		return s.dec.Decode(&s.version)
	case "exported_at":
		var t time.Time
		return s.dec.Decode(&t)
	case "user":
		var u lifeops.User
		if err := s.dec.Decode(&u); err != nil {
			return err
		}
		x := Export{Format: s.format, Version: s.version, User: u}
		if s.format == "" || s.version == 0 {
			return &ExportError{Field: "user", Reason: "must come after format and version"}
		}
		if err := x.check(); err != nil {
			return err
		}
		s.begun = true
		return im.begin(u)
	}
	if !s.begun {
		return &ExportError{Field: clipText(key), Reason: "must come after format, version and user (as WriteExport writes them)"}
	}
	switch key {
	case "goals":
		var g *lifeops.Goals
		if err := s.dec.Decode(&g); err != nil {
			return err
		}
		return im.goals(g)
	case "credentials":
		return each(s, func(cs []clearCredential) error {
			out := make([]lifeops.Credential, len(cs))
			for i, c := range cs {
				out[i] = c.credential()
			}
			return im.credentials(out)
		})
	case "work_sources":
		return each(s, func(ws []clearWorkSource) error {
			out := make([]lifeops.WorkSourceSettings, len(ws))
			for i, w := range ws {
				out[i] = w.settings()
			}
			return im.workSources(out)
		})
	case "health_days":
		return each(s, im.healthDays)
	case "raw_documents":
		return each(s, im.rawDocuments)
	case "heart_rate":
		return each(s, im.heartRate)
	case "sync_states":
		return each(s, im.syncStates)
	case "work_days":
		return each(s, im.workDays)
	case "scores":
		return each(s, im.scores)
	case "xp":
		return each(s, im.xp)
	case "achievements":
		return each(s, im.achievements)
	case "items":
		return each(s, im.items)
	case "events":
		return each(s, im.events)
	case "zone_changes":
		return each(s, im.zoneChanges)
	}
	return &ExportError{Field: clipText(key), Reason: "is not a field of an export document"}
}

// each decodes a JSON array (or null) one element at a time and hands the
// elements to put in batches of importBatch.
func each[T any](s *stream, put func([]T) error) error {
	tok, err := s.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return &ExportError{Field: "document", Reason: "a list of records must be a JSON array"}
	}
	batch := make([]T, 0, importBatch)
	for s.dec.More() {
		var v T
		if err := s.dec.Decode(&v); err != nil {
			return err
		}
		if batch = append(batch, v); len(batch) == importBatch {
			if err := put(batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := put(batch); err != nil {
		return err
	}
	return s.delim(']')
}

func (s *stream) delim(want json.Delim) error {
	tok, err := s.dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return &ExportError{Field: "document", Reason: fmt.Sprintf("want %q", string(want))}
	}
	return nil
}

// wrap turns a decoding failure into an *ExportError with a short reason;
// errors of the records and the store pass through.
func (s *stream) wrap(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrImportTooLarge):
		return &ExportError{Field: "document", Reason: err.Error(), Err: ErrImportTooLarge}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &ExportError{Field: "document", Reason: "ends before the export object does", Err: err}
	case errors.As(err, &syn), errors.As(err, &typ), isDecodeError(err):
		return &ExportError{Field: "document", Reason: "is not a valid export: " + clipText(err.Error()), Err: err}
	}
	return err
}

// isDecodeError reports an error of encoding/json or of a type's own
// UnmarshalJSON that is neither a store nor a validation error.
func isDecodeError(err error) bool {
	var ee *ExportError
	var se *Error
	var ve *lifeops.ValidationError
	var le *lifeops.Error
	return !errors.As(err, &ee) && !errors.As(err, &se) && !errors.As(err, &ve) && !errors.As(err, &le) &&
		!errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
}

// clipText cuts s to a short prefix for a message.
func clipText(s string) string {
	const most = 120
	if len(s) <= most {
		return strings.ToValidUTF8(s, "?")
	}
	return strings.ToValidUTF8(s[:most], "") + "…"
}

// limitedReader reads at most limit bytes, then fails with
// ErrImportTooLarge.
type limitedReader struct {
	r           io.Reader
	left, limit int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One byte more tells a document of exactly limit bytes from a
		// longer one.
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n == 0 {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("%w: it is larger than the limit of %d bytes (ImportOptions.MaxBytes)", ErrImportTooLarge, l.limit)
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
