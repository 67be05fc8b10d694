package lifeops_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
)

// pausingStore is a memstore whose first HealthDays read, once it has read,
// waits until the test lets it go on: another process's writes then land
// between that read and whatever the caller writes next.
type pausingStore struct {
	*memstore.Store
	once    sync.Once
	reached chan struct{}
	resume  chan struct{}
}

func (s *pausingStore) HealthDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.HealthDay, error) {
	days, err := s.Store.HealthDays(ctx, userID, from, to)
	s.once.Do(func() {
		close(s.reached)
		<-s.resume
	})
	return days, err
}

// TestSyncsInTwoProcessesKeepEachOthersKinds: two processes (two Services,
// so no lock in common) sync different kinds of the same person's days at
// the same time, the second entirely between the first's read of the stored
// days and its write. Every kind that either fetched must survive.
func TestSyncsInTwoProcessesKeepEachOthersKinds(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	clock := &testClock{t: time.Date(2026, 3, 10, 10, 0, 0, 0, loc)}
	shared := memstore.New()
	paused := &pausingStore{Store: shared, reached: make(chan struct{}), resume: make(chan struct{})}

	sleepSrc, readySrc := newFakeHealth(), newFakeHealth()
	sleepSrc.kinds = []lifeops.DataKind{lifeops.KindDailySleep}
	readySrc.kinds = []lifeops.DataKind{lifeops.KindDailyReadiness}
	fillSource(sleepSrc, loc, day(1), day(5), 80)
	fillSource(readySrc, loc, day(1), day(5), 80)
	a, err := lifeops.New(&lifeops.Config{Store: paused, Clock: clock, Health: sleepSrc})
	if err != nil {
		t.Fatal(err)
	}
	b, err := lifeops.New(&lifeops.Config{Store: shared, Clock: clock, Health: readySrc})
	if err != nil {
		t.Fatal(err)
	}
	u := mustOK[lifeops.User](t)(b.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"}))
	req := lifeops.SyncRequest{From: day(1), To: day(5)}

	done := make(chan error, 1)
	go func() {
		_, err := a.Sync(ctx, u.ID, req)
		done <- err
	}()
	select {
	case <-paused.reached:
		if _, err := b.Sync(ctx, u.ID, req); err != nil {
			t.Errorf("sync of readiness: %v", err)
		}
		close(paused.resume)
		if err := <-done; err != nil {
			t.Errorf("sync of sleep: %v", err)
		}
	case err := <-done: // a never read the days before writing
		if err != nil {
			t.Errorf("sync of sleep: %v", err)
		}
		if _, err := b.Sync(ctx, u.ID, req); err != nil {
			t.Errorf("sync of readiness: %v", err)
		}
	}

	days := mustOK[[]lifeops.HealthDay](t)(shared.HealthDays(ctx, u.ID, day(1), day(5)))
	if len(days) != 5 {
		t.Fatalf("%d days stored, want 5", len(days))
	}
	for _, d := range days {
		if d.Sleep == nil || d.Sleep.Value != 80 || d.Readiness == nil || d.Readiness.Value != 75 {
			t.Errorf("%s: sleep %+v, readiness %+v; want both kinds kept", d.Date, d.Sleep, d.Readiness)
		}
	}
}
