package lifeops

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// source, when configured) and stores it: every provider document whole,
// the per-day health records, heart-rate samples and work days. Then it
// rescores the days it fetched. Which days each kind fetches is said on
// [SyncRequest] and reported in the result's Ranges.
//
// Kinds are independent: one that fails is reported in the result's Errors
// with Partial set, while the others are stored. A failed kind leaves its
// stored data and its sync state as they were, so the next default sync
// fetches it again. A health day's fields are written per kind (see
// [HealthDay]), so a kind that failed never blanks the fields of another,
// and each kind's write changes only its own fields, in the store
// ([HealthStore.MergeHealthDays]), so syncs running at the same time, in
// this process or in another, never undo each other's kinds.
//
// Sync returns an error, and no result, for bad input, an unknown user or a
// missing health source (ErrUnavailable); and an error together with the
// result when every kind failed, its code taken from the first failure.
// Syncing the same range twice stores the same data once.
func (s *Service) Sync(ctx context.Context, userID uuid.UUID, req SyncRequest) (SyncResult, error) {
	if s.health == nil {
		return SyncResult{}, Errorf(CodeUnavailable, "No health data source is configured.")
	}
	p, err := s.person(ctx, userID)
	if err != nil {
		return SyncResult{}, err
	}
	defer s.syncing.lock(userID)()

	kinds := s.health.Kinds()
	all := append(append([]DataKind{}, kinds...), KindHeartRate)
	if s.work != nil {
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

	res := SyncResult{Counts: map[DataKind]int{}, Errors: []SyncError{}, Ranges: ranges}
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
	// advance records that r's kind is synced through upTo, when r joins
	// what was synced before: a range that begins after the day after the
	// kind's last synced day leaves a gap the state must not jump, so the
	// next default sync fetches it.
	advance := func(r SyncRange, upTo civil.Date) {
		if old, ok := through[r.Kind]; ok && (!upTo.After(old) || r.From.After(old.AddDays(1))) {
			return
		}
		st := SyncState{UserID: userID, Kind: r.Kind, Through: upTo, SyncedAt: s.now()}
		if err := s.store.PutSyncState(ctx, st); err != nil {
			fail(r.Kind, fmt.Errorf("store sync state: %w", err))
		}
	}

	for _, kind := range kinds {
		if !isDayKind(kind) {
			fail(kind, Errorf(CodeInternal, "The health source offers an unknown kind."))
			continue
		}
		r := rangeOf[kind]
		n, err := s.syncDays(ctx, userID, kind, r.From, r.To)
		res.Counts[kind] = n
		if err != nil {
			fail(kind, err)
			continue
		}
		advance(r, r.To)
	}

	hr := rangeOf[KindHeartRate]
	n, last, err := s.syncHeartRate(ctx, p, hr.From, hr.To)
	res.Counts[KindHeartRate] = n
	if err != nil {
		fail(KindHeartRate, err)
		if !last.IsZero() {
			// The samples before the failure are stored; resume after the
			// last day that was written whole.
			if d := p.dayOf(last).AddDays(-1); !d.Before(hr.From) {
				advance(hr, d)
			}
		}
	} else {
		advance(hr, hr.To)
	}

	if s.work != nil {
		w := rangeOf[KindWork]
		n, err := s.syncWork(ctx, userID, w.From, w.To)
		res.Counts[KindWork] = n
		if err != nil {
			fail(KindWork, err)
		} else {
			advance(w, w.To)
		}
	}

	for _, span := range joinRanges(ranges) {
		if err := s.rescore(ctx, userID, span.From, span.To); err != nil {
			fail("scores", err)
			break
		}
	}
	res.Partial = len(res.Errors) > 0
	s.log.InfoContext(ctx, "synced", "user_id", userID, "from", res.From, "to", res.To, "ranges", ranges, "counts", res.Counts, "partial", res.Partial)
	return res, res.allFailed(all)
}

// isDayKind reports whether k is one of DayKinds.
func isDayKind(k DataKind) bool { return slices.Contains(DayKinds(), k) }

// allFailed returns nil when some of kinds synced, else an error that joins
// every failure, with the code of the first (unavailable rather than
// internal: the source, not LifeOps, failed).
func (res SyncResult) allFailed(kinds []DataKind) error {
	failed := map[DataKind]bool{}
	errs := make([]error, len(res.Errors))
	for i, e := range res.Errors {
		failed[e.Kind], errs[i] = true, e
	}
	for _, k := range kinds {
		if !failed[k] {
			return nil
		}
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

// syncDays fetches one day-level kind and stores it: the documents whole,
// then the kind's fields of each day in the range. It returns the number of
// records received.
func (s *Service) syncDays(ctx context.Context, userID uuid.UUID, kind DataKind, from, to civil.Date) (int, error) {
	batch, err := s.health.Days(ctx, userID, kind, from, to)
	if err != nil {
		return 0, fmt.Errorf("fetch %s: %w", kind, err)
	}
	n := len(batch.Documents)
	if n == 0 {
		n = len(batch.Days)
	}
	now := s.now()
	docs := make([]RawDocument, len(batch.Documents))
	for i, d := range batch.Documents {
		d.UserID = userID
		if d.FetchedAt.IsZero() {
			d.FetchedAt = now
		}
		docs[i] = d
	}
	var p problems
	var valid []RawDocument
	for i, d := range docs {
		if err := d.Validate(); err != nil {
			p.addErr(fmt.Errorf("document %d (%s %q): %w", i, d.Kind, d.ID, err))
			continue
		}
		valid = append(valid, d)
	}
	if len(valid) > 0 {
		if err := s.store.PutRawDocuments(ctx, valid); err != nil {
			return n, fmt.Errorf("store %s documents: %w", kind, err)
		}
	}
	if err := p.err(); err != nil {
		return n, WrapError(CodeUnavailable, err, "The provider sent documents that could not be read.")
	}

	fetched := map[civil.Date]HealthDay{}
	for _, d := range batch.Days {
		if d.Date.Before(from) || d.Date.After(to) {
			continue // outside the range asked for: not ours to merge now
		}
		d.UserID = userID
		if err := d.Validate(); err != nil {
			return n, WrapError(CodeUnavailable, fmt.Errorf("%s of %s: %w", kind, d.Date, err), fmt.Sprintf("The provider sent invalid %s data for %s.", kind, d.Date))
		}
		fetched[d.Date] = d
	}
	// The stored days tell which days this write would change; the write
	// itself touches only this kind's fields, in the store, so a sync of
	// another kind running at the same time (here or in another process)
	// keeps its own.
	stored, err := s.store.HealthDays(ctx, userID, from, to)
	if err != nil {
		return n, fmt.Errorf("load health days: %w", err)
	}
	existing := map[civil.Date]HealthDay{}
	for _, d := range stored {
		existing[d.Date] = d
	}
	var write []HealthDay
	for d := from; !d.After(to); d = d.AddDays(1) {
		old, had := existing[d]
		src, got := fetched[d]
		if !got {
			src = HealthDay{UserID: userID, Date: d} // no data: clears the kind's fields
		}
		if !had && !src.Has(kind) {
			continue
		}
		if had {
			next := old
			next.Merge(kind, src)
			if healthEqual(old, next) {
				continue
			}
		}
		src.UpdatedAt = now
		write = append(write, src)
	}
	if len(write) > 0 {
		if err := s.store.MergeHealthDays(ctx, kind, write); err != nil {
			return n, fmt.Errorf("store %s days: %w", kind, err)
		}
	}
	return n, nil
}

// healthEqual reports whether two days hold the same data.
func healthEqual(a, b HealthDay) bool {
	a.UpdatedAt, b.UpdatedAt = time.Time{}, time.Time{}
	ja, err1 := jsonOf(a)
	jb, err2 := jsonOf(b)
	return err1 == nil && err2 == nil && ja == jb
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
		for _, x := range batch {
			if x.At.Before(start) || !x.At.Before(end) {
				continue
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

// syncWork fetches work days and stores them. A day entered by hand
// (Source "manual") is kept: a source never overwrites a person's own entry.
func (s *Service) syncWork(ctx context.Context, userID uuid.UUID, from, to civil.Date) (int, error) {
	days, err := s.work.WorkDays(ctx, userID, from, to)
	if err != nil {
		return 0, fmt.Errorf("fetch work days: %w", err)
	}
	stored, err := s.store.WorkDays(ctx, userID, from, to)
	if err != nil {
		return len(days), fmt.Errorf("load work days: %w", err)
	}
	manual := map[civil.Date]bool{}
	for _, w := range stored {
		if w.Source == "manual" {
			manual[w.Date] = true
		}
	}
	now := s.now()
	for _, w := range days {
		if w.Date.Before(from) || w.Date.After(to) || manual[w.Date] {
			continue
		}
		w.UserID, w.UpdatedAt = userID, now
		if w.Source == "" || w.Source == "manual" {
			w.Source = "source"
		}
		if err := w.Validate(); err != nil {
			return len(days), WrapError(CodeUnavailable, fmt.Errorf("work day %s: %w", w.Date, err), "The work-stats source sent an invalid day.")
		}
		if err := s.store.PutWorkDay(ctx, w); err != nil {
			return len(days), fmt.Errorf("store work day: %w", err)
		}
	}
	return len(days), nil
}

// rescore recomputes and stores the scores of every day in [from, to] up to
// the person's current day.
func (s *Service) rescore(ctx context.Context, userID uuid.UUID, from, to civil.Date) error {
	h, err := s.loadHistory(ctx, userID, from, to)
	if err != nil {
		return err
	}
	for d := from; !d.After(to) && !d.After(h.today); d = d.AddDays(1) {
		if _, _, err := s.scoreDay(ctx, h, d); err != nil {
			return fmt.Errorf("score %s: %w", d, err)
		}
	}
	return nil
}
