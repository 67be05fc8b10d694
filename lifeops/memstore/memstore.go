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
	"context"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
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
	// byHash maps the hash of every stored token and pairing code to its
	// user (see devices.go).
	byHash map[hashKey]hashRef
}

// userData is everything one user owns; deleting the user drops it whole.
type userData struct {
	// unit is held by the Update running for the user (a one-slot
	// semaphore, so waiting honours a context).
	unit chan struct{}
	// inUnit is set while an Update runs; undo then lists how to take back
	// each write since it began, oldest first. Guarded by Store.mu.
	inUnit bool
	undo   []func()

	user         lifeops.User
	xpTotal      int64
	dataVersion  int64 // raised when an Update of the user starts and when it ends
	goals        *lifeops.Goals
	health       map[civil.Date]lifeops.HealthDay
	raw          map[rawKey]lifeops.RawDocument
	heartRate    map[int64]lifeops.HeartRateSample // by unix microseconds
	sync         map[lifeops.DataKind]lifeops.SyncState
	work         map[civil.Date][]lifeops.WorkDay // a date's records by source
	workSources  map[string]lifeops.WorkSourceSettings
	scores       map[civil.Date]lifeops.DayScores
	xp           map[string]lifeops.XPEntry
	achievements map[string]lifeops.Achievement
	items        map[uuid.UUID]lifeops.Item
	events       map[eventKey]lifeops.Event
	eventDays    map[civil.Date]map[eventKey]struct{} // the events of each date
	eventIDs     map[uuid.UUID]eventKey
	credentials  map[string]lifeops.Credential
	zones        map[int64]lifeops.ZoneChange // by unix microseconds of At
	// devices.go: devices, refresh tokens, pairing codes, personal tokens
	devices  map[uuid.UUID]lifeops.Device
	refresh  map[uuid.UUID]lifeops.RefreshToken
	pairing  map[uuid.UUID]lifeops.PairingCode
	personal map[uuid.UUID]lifeops.PersonalToken
}

type rawKey struct{ provider, kind, id string }

// eventKey is an event's place: its occurrence (item, date, slot) and its
// role there (lifeops.EventKind.Role).
type eventKey struct {
	item uuid.UUID
	date civil.Date
	slot int
	role string
}

// putEvent stores e at k, with the indexes by date and by id.
func (d *userData) putEvent(k eventKey, e lifeops.Event) {
	day := d.eventDays[k.date]
	if day == nil {
		day = map[eventKey]struct{}{}
		set(d, d.eventDays, k.date, day)
	}
	set(d, day, k, struct{}{})
	set(d, d.eventIDs, e.ID, k)
	set(d, d.events, k, e)
}

// delEvent deletes the event at k and its index entries.
func (d *userData) delEvent(k eventKey) {
	if e, ok := d.events[k]; ok {
		del(d, d.eventIDs, e.ID)
	}
	del(d, d.eventDays[k.date], k)
	del(d, d.events, k)
}

// New returns an empty store.
func New() *Store {
	return &Store{users: map[uuid.UUID]*userData{}, external: map[[2]string]uuid.UUID{}, itemOwner: map[uuid.UUID]uuid.UUID{}, byHash: map[hashKey]hashRef{}}
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
	_ lifeops.AchievementStore = (*Store)(nil)
	_ lifeops.ItemStore        = (*Store)(nil)
	_ lifeops.EventStore       = (*Store)(nil)
	_ lifeops.CredentialStore  = (*Store)(nil)
	_ lifeops.ZoneStore        = (*Store)(nil)
	_ lifeops.AccessStore      = (*Store)(nil)
)

// set writes m[k] = v for the user d, so that an Update of theirs that
// fails can take the write back. The caller holds Store.mu.
func set[K comparable, V any](d *userData, m map[K]V, k K, v V) {
	if d.inUnit {
		old, had := m[k]
		d.undo = append(d.undo, func() {
			if had {
				m[k] = old
			} else {
				delete(m, k)
			}
		})
	}
	m[k] = v
}

// del deletes m[k] for the user d, as set writes.
func del[K comparable, V any](d *userData, m map[K]V, k K) {
	old, had := m[k]
	if !had {
		return
	}
	if d.inUnit {
		d.undo = append(d.undo, func() { m[k] = old })
	}
	delete(m, k)
}

// remember records how to take back a write of d's own fields during an
// Update. The caller holds Store.mu.
func (d *userData) remember(undo func()) {
	if d.inUnit {
		d.undo = append(d.undo, undo)
	}
}

// addXPTotal moves d's XP total by points.
func (d *userData) addXPTotal(points int64) {
	old := d.xpTotal
	d.remember(func() { d.xpTotal = old })
	d.xpTotal += points
}

// Update implements [lifeops.Transactor]: calls for one user wait for each
// other on the user's own lock (so calls for different users never do), and
// the writes of a call that fails are taken back in the reverse order. The
// store is in memory, so "another process" cannot share it; writes made
// outside any Update to a user while an Update of theirs runs are taken
// back with it when it fails.
func (s *Store) Update(ctx context.Context, userID uuid.UUID, fn func(tx lifeops.Store) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	d, ok := s.users[userID]
	s.mu.RUnlock()
	if !ok {
		return notFound("User")
	}
	select {
	case d.unit <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-d.unit }()
	// The data version moves when the unit starts and again when it ends,
	// committed or not: readers here see a unit's writes as they are made,
	// so whatever they computed meanwhile belongs to a version no one will
	// ask for again.
	s.mu.Lock()
	d.inUnit, d.undo = true, nil
	d.dataVersion++
	s.mu.Unlock()
	committed := false
	defer func() {
		s.mu.Lock()
		d.dataVersion++
		if !committed {
			for i := len(d.undo) - 1; i >= 0; i-- {
				d.undo[i]()
			}
		}
		d.inUnit, d.undo = false, nil
		s.mu.Unlock()
	}()
	if err := fn(&txStore{Store: s, userID: userID}); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	committed = true
	return nil
}

// DataVersion implements [lifeops.SnapshotStore].
func (s *Store) DataVersion(ctx context.Context, userID uuid.UUID) (int64, error) {
	var v int64
	err := s.readUser(ctx, userID, func(d *userData) error {
		v = d.dataVersion
		return nil
	})
	return v, err
}

// txStore is the store as an Update of one user hands it to its function.
type txStore struct {
	*Store
	userID uuid.UUID
}

// Update joins the running unit of work for its own user.
func (t *txStore) Update(ctx context.Context, userID uuid.UUID, fn func(tx lifeops.Store) error) error {
	if userID != t.userID {
		return lifeops.Errorf(lifeops.CodeInternal, "A unit of work of one person cannot change another's.")
	}
	return fn(t)
}

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
