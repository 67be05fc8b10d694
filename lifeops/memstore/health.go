package memstore

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// ---- health days and documents

func cloneScore(p *lifeops.ProviderScore) *lifeops.ProviderScore {
	if p == nil {
		return nil
	}
	c := *p
	c.Contributors = maps.Clone(p.Contributors)
	return &c
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneHealthDay(h lifeops.HealthDay) lifeops.HealthDay {
	h.Sleep, h.Readiness, h.Activity = cloneScore(h.Sleep), cloneScore(h.Readiness), cloneScore(h.Activity)
	h.Steps, h.TotalSleepSeconds, h.Efficiency = cloneInt(h.Steps), cloneInt(h.TotalSleepSeconds), cloneInt(h.Efficiency)
	h.RestingHeartRate, h.HRV = cloneInt(h.RestingHeartRate), cloneInt(h.HRV)
	h.Bedtime, h.WakeTime = instantPtr(h.Bedtime), instantPtr(h.WakeTime)
	h.UpdatedAt = instant(h.UpdatedAt)
	return h
}

// PutHealthDays implements [lifeops.HealthStore].
func (s *Store) PutHealthDays(ctx context.Context, days []lifeops.HealthDay) error {
	for _, h := range days {
		if err := h.Validate(); err != nil {
			return err
		}
	}
	return s.write(ctx, func() error {
		for _, h := range days {
			if _, err := s.user(h.UserID); err != nil {
				return err
			}
		}
		for _, h := range days {
			d := s.users[h.UserID]
			set(d, d.health, h.Date, cloneHealthDay(h))
		}
		return nil
	})
}

// MergeHealthDays implements [lifeops.HealthStore]: under the store's lock,
// each day's fields of kind are merged into the stored day.
func (s *Store) MergeHealthDays(ctx context.Context, kind lifeops.DataKind, days []lifeops.HealthDay) error {
	if err := lifeops.ValidateMerge(kind, days); err != nil {
		return err
	}
	return s.write(ctx, func() error {
		for _, h := range days {
			if _, err := s.user(h.UserID); err != nil {
				return err
			}
		}
		for _, h := range days {
			health := s.users[h.UserID].health
			old, ok := health[h.Date]
			if !ok {
				if !h.Has(kind) {
					continue // nothing to clear
				}
				old = lifeops.HealthDay{UserID: h.UserID, Date: h.Date}
			}
			old.Merge(kind, h)
			old.UpdatedAt = h.UpdatedAt
			set(s.users[h.UserID], health, h.Date, cloneHealthDay(old))
		}
		return nil
	})
}

// HealthDays implements [lifeops.HealthStore].
func (s *Store) HealthDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.HealthDay, error) {
	var out []lifeops.HealthDay
	err := s.readUser(ctx, userID, func(d *userData) error {
		out = sortedByDate(d.health, from, to, cloneHealthDay)
		return nil
	})
	return out, err
}

func cloneRaw(r lifeops.RawDocument) lifeops.RawDocument {
	r.Data = slices.Clone(r.Data)
	r.FetchedAt = instant(r.FetchedAt)
	return r
}

// PutRawDocuments implements [lifeops.HealthStore].
func (s *Store) PutRawDocuments(ctx context.Context, docs []lifeops.RawDocument) error {
	for _, r := range docs {
		if err := r.Validate(); err != nil {
			return err
		}
	}
	return s.write(ctx, func() error {
		for _, r := range docs {
			if _, err := s.user(r.UserID); err != nil {
				return err
			}
		}
		for _, r := range docs {
			d := s.users[r.UserID]
			set(d, d.raw, rawKey{r.Provider, r.Kind, r.ID}, cloneRaw(r))
		}
		return nil
	})
}

// MarkRawDocumentsDeleted implements [lifeops.HealthStore].
func (s *Store) MarkRawDocumentsDeleted(ctx context.Context, userID uuid.UUID, provider, kind string, span lifeops.Span, keep []string) (int, error) {
	if err := span.Validate(); err != nil {
		return 0, err
	}
	kept := make(map[string]bool, len(keep))
	for _, id := range keep {
		kept[id] = true
	}
	n := 0
	err := s.writeUser(ctx, userID, func(d *userData) error {
		for k, r := range d.raw {
			if k.provider != provider || k.kind != kind || r.Deleted || kept[k.id] || r.Date.IsZero() || !span.Contains(r.Date) {
				continue
			}
			r.Deleted = true
			set(d, d.raw, k, r)
			n++
		}
		return nil
	})
	return n, err
}

// RawDocument implements [lifeops.HealthStore].
func (s *Store) RawDocument(ctx context.Context, userID uuid.UUID, provider, kind, id string) (lifeops.RawDocument, error) {
	var out lifeops.RawDocument
	err := s.readUser(ctx, userID, func(d *userData) error {
		r, ok := d.raw[rawKey{provider, kind, id}]
		if !ok {
			return notFound("Document")
		}
		out = cloneRaw(r)
		return nil
	})
	return out, err
}

// RawDocuments implements [lifeops.HealthStore].
func (s *Store) RawDocuments(ctx context.Context, userID uuid.UUID, q lifeops.RawQuery) ([]lifeops.RawDocument, error) {
	var out []lifeops.RawDocument
	err := s.readUser(ctx, userID, func(d *userData) error {
		for k, r := range d.raw {
			switch {
			case q.Provider != "" && k.provider != q.Provider,
				q.Kind != "" && k.kind != q.Kind,
				!q.From.IsZero() && (r.Date.IsZero() || r.Date.Before(q.From)),
				!q.To.IsZero() && (r.Date.IsZero() || r.Date.After(q.To)):
				continue
			}
			out = append(out, cloneRaw(r))
		}
		return nil
	})
	slices.SortFunc(out, func(a, b lifeops.RawDocument) int {
		return cmp.Or(a.Date.Compare(b.Date), cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID))
	})
	return out, err
}

// ---- heart rate

// PutHeartRate implements [lifeops.HeartRateStore].
func (s *Store) PutHeartRate(ctx context.Context, userID uuid.UUID, samples []lifeops.HeartRateSample) error {
	for _, x := range samples {
		if err := x.Validate(); err != nil {
			return err
		}
	}
	return s.writeUser(ctx, userID, func(d *userData) error {
		for _, x := range samples {
			x.At = instant(x.At)
			set(d, d.heartRate, x.At.UnixMicro(), x)
		}
		return nil
	})
}

// HeartRate implements [lifeops.HeartRateStore].
func (s *Store) HeartRate(ctx context.Context, userID uuid.UUID, start, end time.Time) ([]lifeops.HeartRateSample, error) {
	var out []lifeops.HeartRateSample
	err := s.readUser(ctx, userID, func(d *userData) error {
		lo, hi := start.UnixMicro(), end.UnixMicro()
		if start.Truncate(time.Microsecond).Before(start) {
			lo++ // a start between two microseconds excludes the earlier one
		}
		if end.Truncate(time.Microsecond).Before(end) {
			hi++ // an end between two microseconds includes the earlier one
		}
		for k, x := range d.heartRate {
			if k >= lo && k < hi {
				out = append(out, x)
			}
		}
		return nil
	})
	slices.SortFunc(out, func(a, b lifeops.HeartRateSample) int { return a.At.Compare(b.At) })
	return out, err
}

// ---- sync state

// SyncStates implements [lifeops.SyncStateStore].
func (s *Store) SyncStates(ctx context.Context, userID uuid.UUID) ([]lifeops.SyncState, error) {
	var out []lifeops.SyncState
	err := s.readUser(ctx, userID, func(d *userData) error {
		out = slices.Collect(maps.Values(d.sync))
		return nil
	})
	slices.SortFunc(out, func(a, b lifeops.SyncState) int { return cmp.Compare(a.Kind, b.Kind) })
	return out, err
}

// PutSyncState implements [lifeops.SyncStateStore].
func (s *Store) PutSyncState(ctx context.Context, st lifeops.SyncState) error {
	if err := st.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, st.UserID, func(d *userData) error {
		st.SyncedAt = instant(st.SyncedAt)
		set(d, d.sync, st.Kind, st)
		return nil
	})
}

// ---- work days

// cloneWork copies w deeply: nil minutes stay nil ("not entered"), and a
// stored day shares no pointer with its caller.
func cloneWork(w lifeops.WorkDay) lifeops.WorkDay {
	w.MeetingMinutes, w.BreakMinutes = cloneInt(w.MeetingMinutes), cloneInt(w.BreakMinutes)
	w.UpdatedAt = instant(w.UpdatedAt)
	return w
}

// workSource is the source a store keeps w under.
func workSource(w lifeops.WorkDay) string {
	if w.Source == "" {
		return lifeops.SourceManual
	}
	return w.Source
}

// PutWorkDay implements [lifeops.WorkStore].
func (s *Store) PutWorkDay(ctx context.Context, w lifeops.WorkDay) error {
	if err := w.Validate(); err != nil {
		return err
	}
	w.Source, w.Sources = workSource(w), lifeops.WorkSources{}
	return s.writeUser(ctx, w.UserID, func(d *userData) error {
		// A date's records are replaced, never changed in place, so the
		// journal can put the old slice back.
		rs := slices.DeleteFunc(slices.Clone(d.work[w.Date]), func(r lifeops.WorkDay) bool { return r.Source == w.Source })
		rs = append(rs, cloneWork(w))
		slices.SortFunc(rs, func(a, b lifeops.WorkDay) int { return strings.Compare(a.Source, b.Source) })
		set(d, d.work, w.Date, rs)
		return nil
	})
}

// WorkDays implements [lifeops.WorkStore].
func (s *Store) WorkDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.WorkDay, error) {
	var out []lifeops.WorkDay
	err := s.readUser(ctx, userID, func(d *userData) error {
		for _, rs := range sortedByDate(d.work, from, to, cloneWorkDays) {
			out = append(out, rs...)
		}
		return nil
	})
	return out, err
}

// DeleteWorkDays implements [lifeops.WorkStore].
func (s *Store) DeleteWorkDays(ctx context.Context, userID uuid.UUID, source string, from, to civil.Date) (int, error) {
	if source == "" {
		source = lifeops.SourceManual
	}
	n := 0
	err := s.writeUser(ctx, userID, func(d *userData) error {
		for date, rs := range d.work {
			if !inRange(date, from, to) {
				continue
			}
			kept := slices.DeleteFunc(slices.Clone(rs), func(r lifeops.WorkDay) bool { return r.Source == source })
			switch {
			case len(kept) == len(rs):
				continue
			case len(kept) == 0:
				del(d, d.work, date)
			default:
				set(d, d.work, date, kept)
			}
			n += len(rs) - len(kept)
		}
		return nil
	})
	return n, err
}

// cloneWorkDays copies the records of a date.
func cloneWorkDays(rs []lifeops.WorkDay) []lifeops.WorkDay {
	out := make([]lifeops.WorkDay, len(rs))
	for i, w := range rs {
		out[i] = cloneWork(w)
	}
	return out
}
