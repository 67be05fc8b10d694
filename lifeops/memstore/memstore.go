// Package memstore is an in-memory implementation of every lifeops store
// port. It keeps the promises of a real store (natural keys, atomic
// insert-if-absent, all-or-nothing batch writes, validation, ownership,
// cascading deletes, UTC instants at microsecond precision), so code tested
// against it behaves the same on SQLite or Postgres. It is safe for
// concurrent use; the data lives as long as the *Store.
//
// Use it to unit-test code built on lifeops without a database:
//
//	svc, err := lifeops.New(&lifeops.Config{Store: memstore.New()})
package memstore

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// Store holds every record in memory behind one lock. The zero value is not
// usable; call [New].
type Store struct {
	mu    sync.RWMutex
	users map[uuid.UUID]*userData
	// external maps (provider, external id) to the user holding it.
	external map[[2]string]uuid.UUID
	// itemOwner maps every item id to its user, so ids stay unique.
	itemOwner map[uuid.UUID]uuid.UUID
}

// userData is everything one user owns; deleting the user drops it whole.
type userData struct {
	user         lifeops.User
	goals        *lifeops.Goals
	health       map[civil.Date]lifeops.HealthDay
	raw          map[rawKey]lifeops.RawDocument
	heartRate    map[int64]lifeops.HeartRateSample // by unix microseconds
	sync         map[lifeops.DataKind]lifeops.SyncState
	work         map[civil.Date]lifeops.WorkDay
	scores       map[civil.Date]lifeops.DayScores
	xp           map[string]lifeops.XPEntry
	achievements map[string]lifeops.Achievement
	items        map[uuid.UUID]lifeops.Item
	events       map[eventKey]lifeops.Event
	credentials  map[string]lifeops.Credential
	zones        map[int64]lifeops.ZoneChange // by unix microseconds of At
}

type rawKey struct{ provider, kind, id string }

type eventKey struct {
	item uuid.UUID
	date civil.Date
	slot string
}

// New returns an empty store.
func New() *Store {
	return &Store{users: map[uuid.UUID]*userData{}, external: map[[2]string]uuid.UUID{}, itemOwner: map[uuid.UUID]uuid.UUID{}}
}

// Compile-time proof that *Store implements every port.
var (
	_ lifeops.Store            = (*Store)(nil)
	_ lifeops.UserStore        = (*Store)(nil)
	_ lifeops.HealthStore      = (*Store)(nil)
	_ lifeops.HeartRateStore   = (*Store)(nil)
	_ lifeops.SyncStateStore   = (*Store)(nil)
	_ lifeops.WorkStore        = (*Store)(nil)
	_ lifeops.ScoreStore       = (*Store)(nil)
	_ lifeops.XPStore          = (*Store)(nil)
	_ lifeops.XPSummaryStore   = (*Store)(nil)
	_ lifeops.AchievementStore = (*Store)(nil)
	_ lifeops.ItemStore        = (*Store)(nil)
	_ lifeops.EventStore       = (*Store)(nil)
	_ lifeops.CredentialStore  = (*Store)(nil)
	_ lifeops.ZoneStore        = (*Store)(nil)
)

// instant normalises t the way SQL stores do: UTC, microseconds.
func instant(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

func instantPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := instant(*t)
	return &v
}

func notFound(what string) error {
	return lifeops.Errorf(lifeops.CodeNotFound, "%s not found.", what)
}

// user returns the data of id, or ErrNotFound. The caller holds mu.
func (s *Store) user(id uuid.UUID) (*userData, error) {
	u, ok := s.users[id]
	if !ok {
		return nil, notFound("User")
	}
	return u, nil
}

// read runs f under the read lock after checking ctx.
func (s *Store) read(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return f()
}

// write runs f under the write lock after checking ctx.
func (s *Store) write(ctx context.Context, f func() error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return f()
}

// readUser runs f on the data of userID under the read lock after checking
// ctx; an unknown user is ErrNotFound.
func (s *Store) readUser(ctx context.Context, userID uuid.UUID, f func(d *userData) error) error {
	return s.read(ctx, func() error {
		d, err := s.user(userID)
		if err != nil {
			return err
		}
		return f(d)
	})
}

// writeUser runs f on the data of userID under the write lock after
// checking ctx; an unknown user is ErrNotFound.
func (s *Store) writeUser(ctx context.Context, userID uuid.UUID, f func(d *userData) error) error {
	return s.write(ctx, func() error {
		d, err := s.user(userID)
		if err != nil {
			return err
		}
		return f(d)
	})
}

// inRange reports whether d is in [from, to].
func inRange(d, from, to civil.Date) bool { return !d.Before(from) && !d.After(to) }

// sortedByDate returns the values of m with keys in [from, to], by date.
func sortedByDate[T any](m map[civil.Date]T, from, to civil.Date, clone func(T) T) []T {
	keys := make([]civil.Date, 0, len(m))
	for d := range m {
		if inRange(d, from, to) {
			keys = append(keys, d)
		}
	}
	slices.SortFunc(keys, civil.Date.Compare)
	out := make([]T, 0, len(keys))
	for _, d := range keys {
		out = append(out, clone(m[d]))
	}
	return out
}

func page[T any](xs []T, p lifeops.Page) []T {
	if p.Offset > 0 {
		if p.Offset >= len(xs) {
			return xs[:0]
		}
		xs = xs[p.Offset:]
	}
	if p.Limit > 0 && p.Limit < len(xs) {
		xs = xs[:p.Limit]
	}
	return xs
}

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
		s.users[u.ID] = &userData{
			user:         u,
			health:       map[civil.Date]lifeops.HealthDay{},
			raw:          map[rawKey]lifeops.RawDocument{},
			heartRate:    map[int64]lifeops.HeartRateSample{},
			sync:         map[lifeops.DataKind]lifeops.SyncState{},
			work:         map[civil.Date]lifeops.WorkDay{},
			scores:       map[civil.Date]lifeops.DayScores{},
			xp:           map[string]lifeops.XPEntry{},
			achievements: map[string]lifeops.Achievement{},
			items:        map[uuid.UUID]lifeops.Item{},
			events:       map[eventKey]lifeops.Event{},
			credentials:  map[string]lifeops.Credential{},
			zones:        map[int64]lifeops.ZoneChange{},
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
				delete(s.external, [2]string{c.Provider, c.ExternalID})
			}
		}
		for itemID := range d.items {
			delete(s.itemOwner, itemID)
		}
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
		d.goals = &g
		return nil
	})
}

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
			s.users[h.UserID].health[h.Date] = cloneHealthDay(h)
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
			health[h.Date] = cloneHealthDay(old)
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
			s.users[r.UserID].raw[rawKey{r.Provider, r.Kind, r.ID}] = cloneRaw(r)
		}
		return nil
	})
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
			d.heartRate[x.At.UnixMicro()] = x
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
		d.sync[st.Kind] = st
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

// PutWorkDay implements [lifeops.WorkStore].
func (s *Store) PutWorkDay(ctx context.Context, w lifeops.WorkDay) error {
	if err := w.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, w.UserID, func(d *userData) error {
		d.work[w.Date] = cloneWork(w)
		return nil
	})
}

// WorkDays implements [lifeops.WorkStore].
func (s *Store) WorkDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.WorkDay, error) {
	var out []lifeops.WorkDay
	err := s.readUser(ctx, userID, func(d *userData) error {
		out = sortedByDate(d.work, from, to, cloneWork)
		return nil
	})
	return out, err
}

// ---- scores

func cloneContributors(cs []lifeops.Contributor) []lifeops.Contributor {
	cs = slices.Clone(cs)
	for i := range cs {
		cs[i].Parts = slices.Clone(cs[i].Parts)
	}
	return cs
}

func cloneDomain(p *lifeops.DomainScore) *lifeops.DomainScore {
	if p == nil {
		return nil
	}
	c := *p
	c.Contributors = cloneContributors(p.Contributors)
	return &c
}

func cloneScores(sc lifeops.DayScores) lifeops.DayScores {
	if sc.Life != nil {
		v := *sc.Life
		sc.Life = &v
	}
	sc.LifeParts = cloneContributors(sc.LifeParts)
	sc.Sleep, sc.Activity = cloneDomain(sc.Sleep), cloneDomain(sc.Activity)
	sc.WorkLife, sc.Habits = cloneDomain(sc.WorkLife), cloneDomain(sc.Habits)
	sc.ComputedAt = instant(sc.ComputedAt)
	return sc
}

// PutScores implements [lifeops.ScoreStore].
func (s *Store) PutScores(ctx context.Context, sc lifeops.DayScores) error {
	if err := sc.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, sc.UserID, func(d *userData) error {
		d.scores[sc.Date] = cloneScores(sc)
		return nil
	})
}

// Scores implements [lifeops.ScoreStore].
func (s *Store) Scores(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.DayScores, error) {
	var out []lifeops.DayScores
	err := s.readUser(ctx, userID, func(d *userData) error {
		out = sortedByDate(d.scores, from, to, cloneScores)
		return nil
	})
	return out, err
}

// ---- XP

func cloneXP(e lifeops.XPEntry) lifeops.XPEntry {
	e.Parts = slices.Clone(e.Parts)
	e.CreatedAt = instant(e.CreatedAt)
	return e
}

// AddXP implements [lifeops.XPStore].
func (s *Store) AddXP(ctx context.Context, e lifeops.XPEntry) (lifeops.XPEntry, bool, error) {
	if err := e.Validate(); err != nil {
		return lifeops.XPEntry{}, false, err
	}
	var out lifeops.XPEntry
	var created bool
	err := s.writeUser(ctx, e.UserID, func(d *userData) error {
		if old, ok := d.xp[e.Key]; ok {
			out = cloneXP(old)
			return nil
		}
		out, created = cloneXP(e), true
		d.xp[e.Key] = cloneXP(e)
		return nil
	})
	return out, created, err
}

// DeleteXP implements [lifeops.XPStore].
func (s *Store) DeleteXP(ctx context.Context, userID uuid.UUID, key string) (bool, error) {
	var deleted bool
	err := s.writeUser(ctx, userID, func(d *userData) error {
		_, deleted = d.xp[key]
		delete(d.xp, key)
		return nil
	})
	return deleted, err
}

// XPTotal implements [lifeops.XPStore].
func (s *Store) XPTotal(ctx context.Context, userID uuid.UUID) (int64, error) {
	var sum int64
	err := s.readUser(ctx, userID, func(d *userData) error {
		for _, e := range d.xp {
			sum += e.Points
		}
		return nil
	})
	return sum, err
}

// XPEntries implements [lifeops.XPStore].
func (s *Store) XPEntries(ctx context.Context, userID uuid.UUID, q lifeops.XPQuery) ([]lifeops.XPEntry, error) {
	var out []lifeops.XPEntry
	err := s.readUser(ctx, userID, func(d *userData) error {
		for _, e := range d.xp {
			if (q.From.IsZero() || !e.Date.Before(q.From)) && (q.To.IsZero() || !e.Date.After(q.To)) {
				out = append(out, cloneXP(e))
			}
		}
		return nil
	})
	slices.SortFunc(out, compareXP)
	return page(out, q.Page), err
}

// XPSummary implements [lifeops.XPSummaryStore]: the ledger summed where
// it lives, with no entry copied but the achievements'.
func (s *Store) XPSummary(ctx context.Context, userID uuid.UUID) (lifeops.XPSummary, error) {
	var out lifeops.XPSummary
	err := s.readUser(ctx, userID, func(d *userData) error {
		sums := map[civil.Date]int64{}
		for _, e := range d.xp {
			sums[e.Date] += e.Points
			if e.Kind == "achievement" {
				out.Achievements = append(out.Achievements, cloneXP(e))
			}
		}
		out.Days = make([]lifeops.XPDay, 0, len(sums))
		for day, p := range sums {
			out.Days = append(out.Days, lifeops.XPDay{Date: day, Points: p})
		}
		return nil
	})
	slices.SortFunc(out.Days, func(a, b lifeops.XPDay) int { return a.Date.Compare(b.Date) })
	slices.SortFunc(out.Achievements, compareXP)
	return out, err
}

// compareXP orders entries by Date, then CreatedAt, then Key, comparing
// only as far as it must.
func compareXP(a, b lifeops.XPEntry) int {
	if c := a.Date.Compare(b.Date); c != 0 {
		return c
	}
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}

// ---- achievements

// UnlockAchievement implements [lifeops.AchievementStore].
func (s *Store) UnlockAchievement(ctx context.Context, a lifeops.Achievement) (lifeops.Achievement, bool, error) {
	if err := a.Validate(); err != nil {
		return lifeops.Achievement{}, false, err
	}
	var out lifeops.Achievement
	var created bool
	err := s.writeUser(ctx, a.UserID, func(d *userData) error {
		if old, ok := d.achievements[a.Code]; ok {
			out = old
			return nil
		}
		a.UnlockedAt = instant(a.UnlockedAt)
		d.achievements[a.Code] = a
		out, created = a, true
		return nil
	})
	return out, created, err
}

// Achievements implements [lifeops.AchievementStore].
func (s *Store) Achievements(ctx context.Context, userID uuid.UUID) ([]lifeops.Achievement, error) {
	var out []lifeops.Achievement
	err := s.readUser(ctx, userID, func(d *userData) error {
		out = slices.Collect(maps.Values(d.achievements))
		return nil
	})
	slices.SortFunc(out, func(a, b lifeops.Achievement) int {
		return cmp.Or(a.UnlockedAt.Compare(b.UnlockedAt), cmp.Compare(a.Code, b.Code))
	})
	return out, err
}

// ---- items

// cloneItem copies it through the timeline definition's JSON form, as a SQL
// store that keeps the definition in a JSON column does.
func cloneItem(it lifeops.Item) lifeops.Item {
	b, err := json.Marshal(it.Item)
	if err == nil {
		var def timeline.Item
		if err = json.Unmarshal(b, &def); err == nil {
			it.Item = def
		}
	}
	if err != nil { // a validated item always encodes; copy by hand otherwise
		it.Schedule.Days = slices.Clone(it.Schedule.Days)
		if it.XP != nil {
			v := *it.XP
			it.XP = &v
		}
	}
	it.CreatedAt, it.UpdatedAt = instant(it.CreatedAt), instant(it.UpdatedAt)
	return it
}

// CreateItem implements [lifeops.ItemStore].
func (s *Store) CreateItem(ctx context.Context, it lifeops.Item) error {
	if err := it.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, it.UserID, func(d *userData) error {
		if _, ok := s.itemOwner[it.ID]; ok {
			return lifeops.Errorf(lifeops.CodeConflict, "An item with this id exists.")
		}
		s.itemOwner[it.ID] = it.UserID
		d.items[it.ID] = cloneItem(it)
		return nil
	})
}

// Item implements [lifeops.ItemStore].
func (s *Store) Item(ctx context.Context, userID, itemID uuid.UUID) (lifeops.Item, error) {
	var out lifeops.Item
	err := s.readUser(ctx, userID, func(d *userData) error {
		it, ok := d.items[itemID]
		if !ok {
			return notFound("Item")
		}
		out = cloneItem(it)
		return nil
	})
	return out, err
}

// UpdateItem implements [lifeops.ItemStore].
func (s *Store) UpdateItem(ctx context.Context, it lifeops.Item) error {
	if err := it.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, it.UserID, func(d *userData) error {
		old, ok := d.items[it.ID]
		if !ok {
			return notFound("Item")
		}
		it.CreatedAt = old.CreatedAt
		d.items[it.ID] = cloneItem(it)
		return nil
	})
}

// DeleteItem implements [lifeops.ItemStore]. It deletes the item's events.
func (s *Store) DeleteItem(ctx context.Context, userID, itemID uuid.UUID) error {
	return s.writeUser(ctx, userID, func(d *userData) error {
		if _, ok := d.items[itemID]; !ok {
			return notFound("Item")
		}
		delete(d.items, itemID)
		delete(s.itemOwner, itemID)
		for k := range d.events {
			if k.item == itemID {
				delete(d.events, k)
			}
		}
		return nil
	})
}

// Items implements [lifeops.ItemStore].
func (s *Store) Items(ctx context.Context, userID uuid.UUID) ([]lifeops.Item, error) {
	var out []lifeops.Item
	err := s.readUser(ctx, userID, func(d *userData) error {
		for _, it := range d.items {
			out = append(out, cloneItem(it))
		}
		return nil
	})
	slices.SortFunc(out, func(a, b lifeops.Item) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), slices.Compare(a.ID[:], b.ID[:]))
	})
	return out, err
}

// ---- events

func cloneEvent(e lifeops.Event) lifeops.Event {
	e.At, e.To, e.CreatedAt = instant(e.At), instant(e.To), instant(e.CreatedAt)
	return e
}

// AddEvent implements [lifeops.EventStore].
func (s *Store) AddEvent(ctx context.Context, e lifeops.Event) (lifeops.Event, bool, error) {
	if err := e.Validate(); err != nil {
		return lifeops.Event{}, false, err
	}
	var out lifeops.Event
	var created bool
	err := s.writeUser(ctx, e.UserID, func(d *userData) error {
		if _, ok := d.items[e.ItemID]; !ok {
			return notFound("Item")
		}
		k := eventKey{e.ItemID, e.Date, e.Kind.Slot()}
		if old, ok := d.events[k]; ok {
			out = old
			return nil
		}
		for _, old := range d.events {
			if old.ID == e.ID {
				return lifeops.Errorf(lifeops.CodeConflict, "An event with this id exists.")
			}
		}
		e = cloneEvent(e)
		d.events[k] = e
		out, created = e, true
		return nil
	})
	return out, created, err
}

// DeleteEvent implements [lifeops.EventStore].
func (s *Store) DeleteEvent(ctx context.Context, userID, itemID uuid.UUID, date civil.Date, kind lifeops.EventKind) (bool, error) {
	var deleted bool
	err := s.writeUser(ctx, userID, func(d *userData) error {
		k := eventKey{itemID, date, kind.Slot()}
		if e, ok := d.events[k]; ok && e.Kind == kind {
			delete(d.events, k)
			deleted = true
		}
		return nil
	})
	return deleted, err
}

// Events implements [lifeops.EventStore].
func (s *Store) Events(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.Event, error) {
	var out []lifeops.Event
	err := s.readUser(ctx, userID, func(d *userData) error {
		for _, e := range d.events {
			if inRange(e.Date, from, to) {
				out = append(out, e)
			}
		}
		return nil
	})
	slices.SortFunc(out, compareEvents)
	return out, err
}

// compareEvents orders events by Date, then CreatedAt, then ID, comparing
// only as far as it must (cmp.Or would work out every key of every pair).
func compareEvents(a, b lifeops.Event) int {
	if c := a.Date.Compare(b.Date); c != 0 {
		return c
	}
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return bytes.Compare(a.ID[:], b.ID[:])
}

// ---- credentials

func cloneCredential(c lifeops.Credential) lifeops.Credential {
	c.Scopes = slices.Clone(c.Scopes)
	c.Expiry, c.UpdatedAt = instant(c.Expiry), instant(c.UpdatedAt)
	return c
}

// PutCredential implements [lifeops.CredentialStore].
func (s *Store) PutCredential(ctx context.Context, c lifeops.Credential) error {
	if err := c.Validate(); err != nil {
		return err
	}
	return s.writeUser(ctx, c.UserID, func(d *userData) error {
		ext := [2]string{c.Provider, c.ExternalID}
		if owner, ok := s.external[ext]; ok && c.ExternalID != "" && owner != c.UserID {
			return lifeops.Errorf(lifeops.CodeConflict, "This %s account is connected to another user.", c.Provider)
		}
		if old, ok := d.credentials[c.Provider]; ok && old.ExternalID != "" {
			delete(s.external, [2]string{old.Provider, old.ExternalID})
		}
		if c.ExternalID != "" {
			s.external[ext] = c.UserID
		}
		d.credentials[c.Provider] = cloneCredential(c)
		return nil
	})
}

// Credential implements [lifeops.CredentialStore].
func (s *Store) Credential(ctx context.Context, userID uuid.UUID, provider string) (lifeops.Credential, error) {
	var out lifeops.Credential
	err := s.readUser(ctx, userID, func(d *userData) error {
		c, ok := d.credentials[provider]
		if !ok {
			return notFound("Credential")
		}
		out = cloneCredential(c)
		return nil
	})
	return out, err
}

// CredentialByExternalID implements [lifeops.CredentialStore].
func (s *Store) CredentialByExternalID(ctx context.Context, provider, externalID string) (lifeops.Credential, error) {
	var out lifeops.Credential
	err := s.read(ctx, func() error {
		owner, ok := s.external[[2]string{provider, externalID}]
		if !ok || externalID == "" {
			return notFound("Credential")
		}
		out = cloneCredential(s.users[owner].credentials[provider])
		return nil
	})
	return out, err
}

// DeleteCredential implements [lifeops.CredentialStore].
func (s *Store) DeleteCredential(ctx context.Context, userID uuid.UUID, provider string) error {
	return s.writeUser(ctx, userID, func(d *userData) error {
		c, ok := d.credentials[provider]
		if !ok {
			return notFound("Credential")
		}
		if c.ExternalID != "" {
			delete(s.external, [2]string{c.Provider, c.ExternalID})
		}
		delete(d.credentials, provider)
		return nil
	})
}

// ---- zone changes

// AddZoneChange implements [lifeops.ZoneStore].
func (s *Store) AddZoneChange(ctx context.Context, c lifeops.ZoneChange) (lifeops.ZoneChange, bool, error) {
	if err := c.Validate(); err != nil {
		return lifeops.ZoneChange{}, false, err
	}
	c.At = instant(c.At)
	var out lifeops.ZoneChange
	var created bool
	err := s.writeUser(ctx, c.UserID, func(d *userData) error {
		k := c.At.UnixMicro()
		if old, ok := d.zones[k]; ok {
			out = old
			return nil
		}
		d.zones[k] = c
		out, created = c, true
		return nil
	})
	return out, created, err
}

// ZoneChanges implements [lifeops.ZoneStore].
func (s *Store) ZoneChanges(ctx context.Context, userID uuid.UUID) ([]lifeops.ZoneChange, error) {
	var out []lifeops.ZoneChange
	err := s.readUser(ctx, userID, func(d *userData) error {
		out = slices.Collect(maps.Values(d.zones))
		return nil
	})
	slices.SortFunc(out, func(a, b lifeops.ZoneChange) int { return a.At.Compare(b.At) })
	return out, err
}
