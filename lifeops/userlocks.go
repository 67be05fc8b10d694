package lifeops

import (
	"sync"

	"github.com/google/uuid"
)

// userLocks serialises one user's operations within a process: callers
// for the same user run one at a time, callers for different users never
// wait for each other. It keeps an entry only for a user with a caller
// holding or waiting for the lock, and drops it when the last one leaves,
// so its size is bounded by the callers in flight, however many users a
// long-running server serves. The zero value is ready to use.
type userLocks struct {
	mu sync.Mutex
	m  map[uuid.UUID]*userLock
}

// userLock is one user's lock and how many callers hold it or wait for it.
type userLock struct {
	sync.Mutex
	callers int // guarded by userLocks.mu
}

// lock blocks until the caller holds id's lock and returns the function
// that releases it, which must be called exactly once.
func (l *userLocks) lock(id uuid.UUID) (unlock func()) {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[uuid.UUID]*userLock{}
	}
	e := l.m[id]
	if e == nil {
		e = &userLock{}
		l.m[id] = e
	}
	e.callers++ // counted before waiting, so the entry outlives every waiter
	l.mu.Unlock()

	e.Lock()
	return func() {
		e.Unlock()
		l.mu.Lock()
		if e.callers--; e.callers == 0 {
			delete(l.m, id)
			if len(l.m) == 0 {
				l.m = nil // a map keeps its peak size: let a burst's go
			}
		}
		l.mu.Unlock()
	}
}

// held returns how many users the locks keep an entry for.
func (l *userLocks) held() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.m)
}
