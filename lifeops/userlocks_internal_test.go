package lifeops

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
)

// TestUserLocksKeepOnlyCallersInFlight: however many users pass through,
// the locks keep entries only for users with a caller holding or waiting,
// so a long-running server does not grow a lock per user it ever served.
func TestUserLocksKeepOnlyCallersInFlight(t *testing.T) {
	t.Parallel()
	var l userLocks
	for range 10000 {
		l.lock(uuid.New())()
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 500 {
				l.lock(uuid.New())()
			}
		})
	}
	wg.Wait()
	if n := l.held(); n != 0 {
		t.Errorf("%d lock entries left after every caller left, want 0", n)
	}

	a, b := uuid.New(), uuid.New()
	unlockA := l.lock(a)
	unlockB := l.lock(b) // another user's lock is free while a's is held
	if n := l.held(); n != 2 {
		t.Errorf("%d lock entries with two holders, want 2", n)
	}
	unlockB()
	unlockA()
	if n := l.held(); n != 0 {
		t.Errorf("%d lock entries after both left, want 0", n)
	}
}

// TestUserLocksExcludeOneUsersCallers: callers of one user run one at a
// time, also while callers come and go and the user's entry is dropped
// and made again.
func TestUserLocksExcludeOneUsersCallers(t *testing.T) {
	t.Parallel()
	var l userLocks
	ids := []uuid.UUID{uuid.New(), uuid.New(), uuid.New()}
	var inside [3]atomic.Int32
	var counts [3]int // guarded by the user's lock: -race reports a breach
	var wg sync.WaitGroup
	for g := range 12 {
		wg.Go(func() {
			for i := range 200 {
				u := (g + i) % len(ids)
				unlock := l.lock(ids[u])
				if n := inside[u].Add(1); n != 1 {
					t.Errorf("%d callers of one user inside at once", n)
				}
				counts[u]++
				if i%50 == 0 {
					time.Sleep(time.Microsecond)
				}
				inside[u].Add(-1)
				unlock()
			}
		})
	}
	wg.Wait()
	if total := counts[0] + counts[1] + counts[2]; total != 12*200 {
		t.Errorf("%d increments, want %d", total, 12*200)
	}
	if n := l.held(); n != 0 {
		t.Errorf("%d lock entries left, want 0", n)
	}
}

// lockStore is a store on which Sync and UpdateProfile stop right after
// taking the user's lock: SyncStates fails, and UpdateUser is never
// reached for a profile that does not change.
type lockStore struct{ Store }

func (lockStore) User(ctx context.Context, id uuid.UUID) (User, error) {
	return User{ID: id, Name: "Ada", Zone: "UTC", DayStartHour: DefaultDayStartHour, WakeTime: defaultWakeTime(), Bedtime: defaultBedtime()}, nil
}

func (l lockStore) Update(ctx context.Context, id uuid.UUID, fn func(tx Store) error) error {
	return fn(l)
}

func (lockStore) SyncStates(ctx context.Context, id uuid.UUID) ([]SyncState, error) {
	return nil, errors.New("down")
}

// noKinds is a health source with nothing to fetch.
type noKinds struct{ HealthSource }

func (noKinds) Kinds() []DataKind { return nil }

// TestServiceLocksDoNotGrowWithUsers: after syncs and profile updates of
// many users, the Service keeps no sync lock entry for any of them.
func TestServiceLocksDoNotGrowWithUsers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := New(&Config{Store: lockStore{}, Health: noKinds{}})
	if err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		id := uuid.New()
		if _, err := s.Sync(ctx, id, SyncRequest{}); err == nil {
			t.Fatal("Sync on a failing store succeeded")
		}
		if _, err := s.UpdateProfile(ctx, id, ProfileUpdate{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := s.syncing.held(); n != 0 {
		t.Errorf("%d sync lock entries kept after 1000 users, want none", n)
	}
}
