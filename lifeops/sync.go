package lifeops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// SyncRequest selects the days a sync fetches. Zero dates take defaults:
// To is the person's current day. A zero From gives each kind a range of
// its own, from its own sync state: from the day after its last synced day
// minus the overlap (Config.SyncOverlapDays), or, for a kind never synced,
// the last FirstSyncDays days up to To; and at most Config.SyncSpanDays
// days of it, oldest first, so a kind far behind catches up over several
// syncs. A kind that keeps failing thus costs the other kinds nothing. A
// non-zero From fetches [From, To] of every kind.
type SyncRequest struct {
	From civil.Date `json:"start_date,omitzero"`
	To   civil.Date `json:"end_date,omitzero"`
}

// SyncResult says what a sync did. Its JSON form is the response of
// POST /v1/me/oura/sync.
type SyncResult struct {
	// From and To are the first and the last day that any kind fetched;
	// Ranges says which days each kind fetched.
	From    civil.Date       `json:"start_date"`
	To      civil.Date       `json:"end_date"`
	Counts  map[DataKind]int `json:"counts"`  // records received per kind: documents, samples or work days
	Partial bool             `json:"partial"` // some kinds failed; Errors says which
	Errors  []SyncError      `json:"errors"`
	Ranges  []SyncRange      `json:"ranges"` // in the order the kinds were fetched
	// Warnings are what the person may want to know about the data
	// stored, such as days the ring recorded in another zone than theirs.
	Warnings []SyncWarning `json:"warnings"`
	// Rejected are the records the provider sent that could not be used
	// (a sleep that ends before it starts, a document that is not JSON):
	// each is left out, its documents kept raw where they can be, and the
	// rest of its kind is stored as usual.
	Rejected []SyncRejection `json:"rejected"`
}

// SyncWarning is something about the data a sync stored that a person may
// want to know, for the days [From, To] of one kind.
type SyncWarning struct {
	Kind    DataKind   `json:"kind"`
	Code    string     `json:"code"` // "zone_mismatch": the provider recorded the days in another zone
	From    civil.Date `json:"start_date"`
	To      civil.Date `json:"end_date"`
	Message string     `json:"message"` // safe to show
}

// SyncRejection is one record of a sync that was set aside.
type SyncRejection struct {
	Kind     DataKind   `json:"kind"`
	Date     civil.Date `json:"date,omitzero"`
	Document string     `json:"document_id,omitempty"` // the provider's id of the document, when known
	Reason   string     `json:"reason"`                // safe to show
}

// SyncRange is the range of days a sync fetched of one kind, both ends
// inclusive.
type SyncRange struct {
	Kind DataKind   `json:"kind"`
	From civil.Date `json:"start_date"`
	To   civil.Date `json:"end_date"`
	// Behind is set when the kind is further behind than one default
	// sync fetches (Config.SyncSpanDays): the range ends before the
	// sync's end date, and the next default sync goes on from there.
	Behind bool `json:"behind"`
}

// SyncError is the failure of one kind in a sync.
type SyncError struct {
	Kind    DataKind `json:"kind"`
	Code    Code     `json:"code"`
	Message string   `json:"message"` // safe to show
	Err     error    `json:"-"`       // the cause, for logs
}

// Error returns the kind and the cause.
func (e SyncError) Error() string { return fmt.Sprintf("sync %s: %v", e.Kind, e.Err) }

// Unwrap returns the cause, so errors.Is and errors.As reach the source's
// own error through a SyncError and through the error of a sync in which
// every kind failed.
func (e SyncError) Unwrap() error { return e.Err }

// Sync fetches the user's data from the health source (and the work-stats
// sources, when configured) and stores it: every provider document whole,
// the per-day health records, heart-rate samples and work days. Then it
// rescores the days it fetched. Which days each kind fetches is said on
// [SyncRequest] and reported in the result's Ranges.
//
// Kinds are independent: one that fails is reported in the result's Errors
// with Partial set, while the others are stored. So are work-stats
// sources: each that fails is an error of kind work, and the others'
// days are stored; a source the person has not set up is passed over. A failed kind leaves its
// stored data and its sync state as they were, so the next default sync
// fetches it again. A health day's fields are written per kind (see
// [HealthDay]), so a kind that failed never blanks the fields of another,
// and each kind's write changes only its own fields, in the store
// ([HealthStore.MergeHealthDays]), so syncs running at the same time, in
// this process or in another, never undo each other's kinds.
//
// Sync returns an error, and no result, for bad input, an unknown user or
// no source at all (ErrUnavailable: with only a work-stats source it
// syncs the work days); and an error together with the
// result when every kind failed, its code taken from the first failure.
// Syncing the same range twice stores the same data once.
func (s *Service) Sync(ctx context.Context, userID uuid.UUID, req SyncRequest) (SyncResult, error) {
	if s.health == nil && len(s.work) == 0 {
		return SyncResult{}, Errorf(CodeUnavailable, "No health or work-stats source is configured.")
	}
	p, err := s.person(ctx, userID)
	if err != nil {
		return SyncResult{}, err
	}
	defer s.syncing.lock(userID)()

	var kinds, all []DataKind // the health source's kinds; every kind this sync fetches
	if s.health != nil {
		kinds = s.health.Kinds()
		all = append(append(all, kinds...), KindHeartRate)
	}
	if len(s.work) > 0 {
		all = append(all, KindWork)
	}
	var fetched []DataKind // the kinds that get a range, in fetch order
	for _, k := range kinds {
		if isDayKind(k) && !slices.Contains(fetched, k) {
			fetched = append(fetched, k)
		}
	}
	fetched = append(fetched, all[len(kinds):]...) // heart rate, and work
	states, err := s.store.SyncStates(ctx, userID)
	if err != nil {
		return SyncResult{}, fmt.Errorf("load sync state: %w", err)
	}
	through := map[DataKind]civil.Date{}
	for _, st := range states {
		through[st.Kind] = st.Through
	}
	ranges, err := s.syncRanges(p, req, fetched, through)
	if err != nil {
		return SyncResult{}, err
	}

	res := SyncResult{Counts: map[DataKind]int{}, Errors: []SyncError{}, Ranges: ranges, Rejected: []SyncRejection{}, Warnings: []SyncWarning{}}
	rangeOf := map[DataKind]SyncRange{}
	for i, r := range ranges {
		rangeOf[r.Kind] = r
		if i == 0 || r.From.Before(res.From) {
			res.From = r.From
		}
		if i == 0 || r.To.After(res.To) {
			res.To = r.To
		}
	}
	fail := func(kind DataKind, err error) {
		res.Errors = append(res.Errors, SyncError{Kind: kind, Code: ErrorCode(err), Message: ErrorMessage(err), Err: err})
		s.log.WarnContext(ctx, "sync kind failed", "user_id", userID, "kind", kind, "err", err)
	}
	reject := func(rs []SyncRejection) {
		for _, r := range rs {
			s.log.WarnContext(ctx, "sync record rejected", "user_id", userID, "kind", r.Kind, "date", r.Date, "document_id", r.Document, "reason", r.Reason)
		}
		res.Rejected = append(res.Rejected, rs...)
	}

	for _, kind := range kinds {
		if !isDayKind(kind) {
			fail(kind, Errorf(CodeInternal, "The health source offers an unknown kind."))
			continue
		}
		r := rangeOf[kind]
		n, rejected, warnings, err := s.syncDays(ctx, userID, r)
		res.Counts[kind] = n
		reject(rejected)
		res.Warnings = append(res.Warnings, warnings...)
		if err != nil {
			fail(kind, err)
		}
	}

	if s.health != nil {
		s.syncHeartRateKind(ctx, p, rangeOf[KindHeartRate], &res, fail)
	}

	synced := map[DataKind]bool{} // kinds that failed in part only
	if len(s.work) > 0 {
		n, ok, errs, none := s.syncWork(ctx, userID, rangeOf[KindWork])
		res.Counts[KindWork] = n
		for _, err := range errs {
			fail(KindWork, err)
		}
		synced[KindWork] = ok
		if none {
			// No source is set up for the person: the kind neither
			// synced nor failed, and does not make a sync a success.
			all = slices.DeleteFunc(all, func(k DataKind) bool { return k == KindWork })
		}
	}
	res.Partial = len(res.Errors) > 0
	s.log.InfoContext(ctx, "synced", "user_id", userID, "from", res.From, "to", res.To, "ranges", ranges, "counts", res.Counts, "partial", res.Partial)
	return res, res.allFailed(all, synced)
}

// isDayKind reports whether k is one of DayKinds.
func isDayKind(k DataKind) bool { return slices.Contains(DayKinds(), k) }

// allFailed returns nil when some of kinds synced, in whole or (as synced
// says) in part, else an error that joins every failure, with the code of
// the first (unavailable rather than internal: the source, not LifeOps,
// failed).
func (res SyncResult) allFailed(kinds []DataKind, synced map[DataKind]bool) error {
	failed := map[DataKind]bool{}
	errs := make([]error, len(res.Errors))
	for i, e := range res.Errors {
		failed[e.Kind], errs[i] = !synced[e.Kind], e
	}
	for _, k := range kinds {
		if !failed[k] {
			return nil
		}
	}
	if len(res.Errors) == 0 {
		return nil // nothing to sync: no source is set up for the person
	}
	first := res.Errors[0]
	code := first.Code
	if code == CodeInternal {
		code = CodeUnavailable
	}
	return WrapError(code, errors.Join(errs...), "No data could be synced: "+first.Message)
}

// syncRanges works out the range each of kinds fetches, as [SyncRequest]
// says, from the kinds' sync states in through.
func (s *Service) syncRanges(p person, req SyncRequest, kinds []DataKind, through map[DataKind]civil.Date) ([]SyncRange, error) {
	today := s.today(p)
	to := req.To
	if to.IsZero() {
		to = today
	}
	check := func(from, to civil.Date) error {
		if err := checkNamedRange("start_date", from, "end_date", to, maxSyncDays); err != nil {
			return err
		}
		if to.After(today.AddDays(1)) {
			return invalid("end_date", "must not be after tomorrow (%s)", today.AddDays(1))
		}
		return nil
	}
	ranges := make([]SyncRange, 0, len(kinds))
	if !req.From.IsZero() {
		if err := check(req.From, to); err != nil {
			return nil, err
		}
		for _, k := range kinds {
			ranges = append(ranges, SyncRange{Kind: k, From: req.From, To: to})
		}
		return ranges, nil
	}
	if !to.IsValid() {
		return nil, invalid("end_date", "must be a real date")
	}
	for _, k := range kinds {
		r := SyncRange{Kind: k, From: to.AddDays(1 - s.firstSync), To: to}
		if t, ok := through[k]; ok {
			r.From = t.AddDays(1 - s.overlap)
		}
		if r.From.After(to) {
			r.From = to
		}
		if to.Sub(r.From) >= s.span {
			r.To, r.Behind = r.From.AddDays(s.span-1), true
		}
		if err := check(r.From, r.To); err != nil {
			return nil, err
		}
		ranges = append(ranges, r)
	}
	return ranges, nil
}

// joinRanges returns the days of ranges as few ranges as possible: sorted,
// with overlapping and adjacent ones joined. Kind and Behind are left
// zero.
func joinRanges(ranges []SyncRange) []SyncRange {
	sorted := make([]SyncRange, 0, len(ranges))
	for _, r := range ranges {
		sorted = append(sorted, SyncRange{From: r.From, To: r.To})
	}
	slices.SortFunc(sorted, func(a, b SyncRange) int { return a.From.Compare(b.From) })
	var out []SyncRange
	for _, r := range sorted {
		if n := len(out); n > 0 && !r.From.After(out[n-1].To.AddDays(1)) {
			if r.To.After(out[n-1].To) {
				out[n-1].To = r.To
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// advance records, in the unit of work, that r's kind is synced through
// upTo, when r joins what was synced before and moves the state forward: a
// range that begins after the day after the kind's last synced day leaves
// a gap the state must not jump, so the next default sync fetches it, and
// a state never moves back (two syncs of different ranges can finish in
// any order).
func (u *unit) advance(ctx context.Context, r SyncRange, upTo civil.Date) error {
	states, err := u.tx.SyncStates(ctx, u.userID)
	if err != nil {
		return fmt.Errorf("load sync state: %w", err)
	}
	for _, st := range states {
		if st.Kind == r.Kind && (!upTo.After(st.Through) || r.From.After(st.Through.AddDays(1))) {
			return nil
		}
	}
	st := SyncState{UserID: u.userID, Kind: r.Kind, Through: upTo, SyncedAt: u.s.now()}
	if err := u.tx.PutSyncState(ctx, st); err != nil {
		return fmt.Errorf("store sync state: %w", err)
	}
	return nil
}

// syncDays fetches one day-level kind over r and stores it in one unit of
// work: the documents whole (the ones the provider no longer has marked
// deleted), the kind's fields of each day in the range, the kind's sync
// state, and the scores of the days it changed. A record the provider sent
// that cannot be used is set aside and reported; the rest is stored. Days
// the provider recorded in another zone than the one the person lived them
// in are reported as warnings. It returns the number of records received.
func (s *Service) syncDays(ctx context.Context, userID uuid.UUID, r SyncRange) (int, []SyncRejection, []SyncWarning, error) {
	kind, from, to := r.Kind, r.From, r.To
	batch, err := s.health.Days(ctx, userID, kind, from, to)
	if err != nil {
		return 0, nil, nil, fmt.Errorf("fetch %s: %w", kind, err)
	}
	n := len(batch.Documents)
	if n == 0 {
		n = len(batch.Days)
	}
	now := s.now()
	var rejected []SyncRejection
	var docs []RawDocument
	docsOn := map[civil.Date][]string{}
	for _, d := range batch.Documents {
		d.UserID = userID
		if d.FetchedAt.IsZero() {
			d.FetchedAt = now
		}
		if err := d.Validate(); err != nil {
			rejected = append(rejected, SyncRejection{Kind: kind, Date: d.Date, Document: safeID(d.ID), Reason: ErrorMessage(err)})
			continue
		}
		docs = append(docs, d)
		docsOn[d.Date] = append(docsOn[d.Date], d.ID)
	}
	fetched := map[civil.Date]HealthDay{}
	for _, d := range batch.Days {
		if d.Date.Before(from) || d.Date.After(to) {
			continue // outside the range asked for: not ours to merge now
		}
		d.UserID = userID
		if err := d.Validate(); err != nil {
			// The day's own documents stay stored raw; its fields of
			// this kind are left as they were.
			ids := docsOn[d.Date]
			if len(ids) == 0 {
				ids = []string{""}
			}
			for _, id := range ids {
				rejected = append(rejected, SyncRejection{Kind: kind, Date: d.Date, Document: id, Reason: ErrorMessage(err)})
			}
			fetched[d.Date] = HealthDay{Date: d.Date, UserID: userID, Source: "rejected"}
			continue
		}
		fetched[d.Date] = d
	}
	var warnings []SyncWarning
	err = s.update(ctx, userID, func(u *unit) error {
		h, err := u.load(ctx, from)
		if err != nil {
			return err
		}
		warnings = h.zoneWarnings(kind, batch.Offsets, from, to)
		if len(docs) > 0 {
			if err := u.tx.PutRawDocuments(ctx, docs); err != nil {
				return fmt.Errorf("store %s documents: %w", kind, err)
			}
		}
		byKind := map[string][]string{}
		for _, d := range docs {
			byKind[d.Kind] = append(byKind[d.Kind], d.ID)
		}
		for _, k := range batch.Complete {
			if batch.Provider == "" {
				break
			}
			if _, err := u.tx.MarkRawDocumentsDeleted(ctx, userID, batch.Provider, k, Span{From: from, To: to}, byKind[k]); err != nil {
				return fmt.Errorf("mark deleted %s documents: %w", k, err)
			}
		}
		// The days as read tell which days this write changes; the write
		// itself touches only this kind's fields.
		var write []HealthDay
		for d := from; !d.After(to); d = d.AddDays(1) {
			old, had := h.health[d]
			src, got := fetched[d]
			if got && src.Source == "rejected" {
				continue
			}
			if !got {
				src = HealthDay{UserID: userID, Date: d} // no data: clears the kind's fields
			}
			if !had && !src.Has(kind) {
				continue
			}
			next := HealthDay{UserID: userID, Date: d}
			if had {
				next = *old
			}
			next.Merge(kind, src)
			if had && healthEqual(*old, next) {
				continue
			}
			src.UpdatedAt = now
			write = append(write, src)
			h.health[d] = &next
		}
		if len(write) > 0 {
			if err := u.tx.MergeHealthDays(ctx, kind, write); err != nil {
				return fmt.Errorf("store %s days: %w", kind, err)
			}
			if _, err := u.recount(); err != nil {
				return err
			}
		}
		return u.advance(ctx, r, to)
	})
	return n, rejected, warnings, err
}

// zoneWarnings says which days of [from, to] the provider recorded at
// another UTC offset than that of the zone the person lived the day in, at
// noon (a ring that travelled, or a profile zone that is wrong), as one
// warning per run of days with the same offsets.
func (h *history) zoneWarnings(kind DataKind, offsets map[civil.Date]int, from, to civil.Date) []SyncWarning {
	type run struct {
		from, to  civil.Date
		ring, own int
		zone      string
	}
	var runs []run
	for d := from; !d.After(to); d = d.AddDays(1) {
		ring, ok := offsets[d]
		if !ok {
			continue
		}
		loc := h.locOn(d)
		_, own := time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, loc).Zone()
		if ring == own {
			continue
		}
		if n := len(runs); n > 0 && runs[n-1].to == d.AddDays(-1) && runs[n-1].ring == ring && runs[n-1].own == own && runs[n-1].zone == loc.String() {
			runs[n-1].to = d
			continue
		}
		runs = append(runs, run{from: d, to: d, ring: ring, own: own, zone: loc.String()})
	}
	out := make([]SyncWarning, 0, len(runs))
	for _, r := range runs {
		msg := fmt.Sprintf("The ring recorded %s at UTC%s, but you lived that day in %s (UTC%s); its %s data counts for the ring's day.",
			r.from, utcOffset(r.ring), r.zone, utcOffset(r.own), kind)
		if r.to != r.from {
			msg = fmt.Sprintf("The ring recorded %s to %s at UTC%s, but you lived those days in %s (UTC%s); their %s data counts for the ring's days.",
				r.from, r.to, utcOffset(r.ring), r.zone, utcOffset(r.own), kind)
		}
		out = append(out, SyncWarning{Kind: kind, Code: "zone_mismatch", From: r.from, To: r.to, Message: msg})
	}
	return out
}

// utcOffset writes an offset in seconds east as +hh:mm or -hh:mm.
func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	return fmt.Sprintf("%s%02d:%02d", sign, sec/3600, sec%3600/60)
}

// safeID returns a provider's document id fit to show and log: at most 64
// bytes of letters, digits and ._- (anything else is left out).
func safeID(id string) string {
	var b strings.Builder
	for _, r := range id {
		if b.Len() >= 64 {
			break
		}
		if r < 128 && (r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// healthEqual reports whether two days hold the same data.
func healthEqual(a, b HealthDay) bool {
	a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	ja, err1 := jsonOf(a)
	jb, err2 := jsonOf(b)
	return err1 == nil && err2 == nil && ja == jb
}

// syncHeartRateKind syncs the heart rate of r into res, and moves its sync
// state over the days stored whole.
func (s *Service) syncHeartRateKind(ctx context.Context, p person, r SyncRange, res *SyncResult, fail func(DataKind, error)) {
	n, last, err := s.syncHeartRate(ctx, p, r.From, r.To)
	res.Counts[KindHeartRate] = n
	through := r.To
	if err != nil {
		fail(KindHeartRate, err)
		// The samples before the failure are stored; resume after the
		// last day that was written whole.
		through = civil.Date{}
		if !last.IsZero() {
			through = p.dayOf(last).AddDays(-1)
		}
	}
	if !through.IsZero() && !through.Before(r.From) {
		if err := s.update(ctx, p.ID, func(u *unit) error { return u.advance(ctx, r, through) }); err != nil {
			fail(KindHeartRate, err)
		}
	}
}

// heartRateBatch is the most samples written at once.
const heartRateBatch = 5000

// syncHeartRate streams the samples of the person's days [from, to] into the
// store. It returns how many it stored and the instant of the last one.
func (s *Service) syncHeartRate(ctx context.Context, p person, from, to civil.Date) (int, time.Time, error) {
	start, err := score.DayStart(from, p.loc, p.DayStartHour)
	if err != nil {
		return 0, time.Time{}, translate(err)
	}
	end, err := score.DayStart(to.AddDays(1), p.loc, p.DayStartHour)
	if err != nil {
		return 0, time.Time{}, translate(err)
	}
	var n int
	var last time.Time
	var pending []HeartRateSample
	flush := func() error {
		if len(pending) == 0 {
			return nil
		}
		if err := s.store.PutHeartRate(ctx, p.ID, pending); err != nil {
			return fmt.Errorf("store heart rate: %w", err)
		}
		n += len(pending)
		for _, x := range pending {
			if x.At.After(last) {
				last = x.At
			}
		}
		pending = pending[:0]
		return nil
	}
	for batch, err := range s.health.HeartRate(ctx, p.ID, start, end) {
		if err != nil {
			if ferr := flush(); ferr != nil {
				return n, last, errors.Join(err, ferr)
			}
			return n, last, fmt.Errorf("fetch heart rate: %w", err)
		}
		now := s.now()
		for _, x := range batch {
			if x.At.Before(start) || !x.At.Before(end) || x.At.After(now) {
				continue // outside the range, or not measured yet
			}
			if err := x.Validate(); err != nil {
				return n, last, WrapError(CodeUnavailable, fmt.Errorf("heart-rate sample at %s: %w", x.At, err), "The provider sent an invalid heart-rate sample.")
			}
			pending = append(pending, x)
			if len(pending) >= heartRateBatch {
				if err := flush(); err != nil {
					return n, last, err
				}
			}
		}
	}
	return n, last, flush()
}

// syncWork fetches work days over r from every work-stats source and
// stores them in one unit of work, with the kind's sync state and the
// scores of the days they changed. Each source's records in r are replaced
// by what it delivered, so a day it no longer has is gone; the person's own
// entries, and the records of a source that failed or that the person has
// not set up, stay as they were. The sync state advances only when no
// source failed. It returns the number of days received, whether some
// source's days were stored, one error per failed source, and whether
// the person has set up none of the sources.
func (s *Service) syncWork(ctx context.Context, userID uuid.UUID, r SyncRange) (int, bool, []error, bool) {
	type delivery struct {
		name string
		days []WorkDay
	}
	var (
		got  []delivery
		errs []error
		n    int
	)
	now := s.now()
	unset := 0
	for _, src := range s.work {
		name := src.Name()
		days, err := src.WorkDays(ctx, userID, r.From, r.To)
		n += len(days)
		if errors.Is(err, ErrNotConfigured) {
			unset++
			continue
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("fetch work days from %s: %w", name, err))
			continue
		}
		d, bad := delivery{name: name}, false
		seen := map[civil.Date]bool{}
		for _, w := range days {
			if w.Date.Before(r.From) || w.Date.After(r.To) {
				continue
			}
			w.UserID, w.Source, w.Sources, w.UpdatedAt = userID, name, WorkSources{}, now
			err := w.Validate()
			if err == nil && seen[w.Date] {
				err = invalid("date", "%s is delivered twice", w.Date)
			}
			if err != nil {
				errs = append(errs, WrapError(CodeUnavailable, fmt.Errorf("work day %s from %s: %w", w.Date, name, err), "The work-stats source sent an invalid day."))
				bad = true
				break
			}
			seen[w.Date] = true
			d.days = append(d.days, w)
		}
		if !bad {
			got = append(got, d)
		}
	}
	if len(got) == 0 {
		return n, false, errs, unset == len(s.work)
	}
	err := s.update(ctx, userID, func(u *unit) error {
		var dirty civil.Date
		touch := func(d civil.Date) {
			if dirty.IsZero() || d.Before(dirty) {
				dirty = d
			}
		}
		stored, err := u.tx.WorkDays(ctx, userID, r.From, r.To)
		if err != nil {
			return fmt.Errorf("load work days: %w", err)
		}
		for _, d := range got {
			old := map[civil.Date]WorkDay{}
			for _, w := range stored {
				if w.Source == d.name {
					old[w.Date] = w
				}
			}
			if len(old) > 0 {
				if _, err := u.tx.DeleteWorkDays(ctx, userID, d.name, r.From, r.To); err != nil {
					return fmt.Errorf("replace work days of %s: %w", d.name, err)
				}
			}
			for _, w := range d.days {
				if err := u.tx.PutWorkDay(ctx, w); err != nil {
					return fmt.Errorf("store work day: %w", err)
				}
				if o, ok := old[w.Date]; !ok || !sameWork(o, w) {
					touch(w.Date)
				}
				delete(old, w.Date)
			}
			for date := range old {
				touch(date) // a day the source no longer has
			}
		}
		if !dirty.IsZero() {
			if err := u.recountFrom(ctx, dirty); err != nil {
				return err
			}
		}
		if len(errs) > 0 {
			return nil
		}
		return u.advance(ctx, r, r.To)
	})
	if err != nil {
		return n, false, append(errs, err), false
	}
	return n, true, errs, false
}

// sameWork reports whether a and b hold the same minutes.
func sameWork(a, b WorkDay) bool {
	eq := func(x, y *int) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.WorkMinutes == b.WorkMinutes && a.AfterHoursMinutes == b.AfterHoursMinutes &&
		eq(a.MeetingMinutes, b.MeetingMinutes) && eq(a.BreakMinutes, b.BreakMinutes)
}
