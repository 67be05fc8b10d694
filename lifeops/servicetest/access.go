package servicetest

import (
	"context"
	"crypto/sha256"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
)

// hashOf is a TokenHasher as a program makes one: the secret of a token is
// derived from its id, so a repeated refresh can be answered again.
func hashOf(id uuid.UUID) []byte {
	h := sha256.Sum256(append([]byte("servicetest refresh "), id[:]...))
	return h[:]
}

// testConcurrentRefreshes: many refreshes with one token at once, through
// one pool and (where the backend has it) another, make exactly one
// successor, and every one of them gets it; using the replaced token after
// the grace revokes the device, and no token of it works any more.
func testConcurrentRefreshes(t *testing.T, b Backend) {
	s, dsn := b.New(t)
	p := newPerson(t, s)
	var clock atomic.Int64
	clock.Store(now.UnixNano())
	tick := lifeops.ClockFunc(func() time.Time { return time.Unix(0, clock.Load()) })
	services := []*lifeops.Service{}
	for _, st := range []lifeops.Store{s, b.other(t, dsn)} {
		if st == nil {
			continue
		}
		svc, err := lifeops.New(&lifeops.Config{Store: st, Clock: tick})
		if err != nil {
			t.Fatal(err)
		}
		services = append(services, svc)
	}
	ctx := context.Background()
	g, err := services[0].CreateDevice(ctx, p.id, "Phone", hashOf)
	if err != nil {
		t.Fatal(err)
	}
	first := g.Refresh
	for round := range b.rounds(3) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		got := map[uuid.UUID]int{}
		fresh := 0
		for w := range 8 {
			svc := services[w%len(services)]
			wg.Go(func() {
				out, err := svc.RefreshDevice(ctx, g.Refresh.Hash, hashOf)
				if err != nil {
					t.Errorf("round %d: refresh: %v", round, err)
					return
				}
				mu.Lock()
				defer mu.Unlock()
				got[out.Refresh.ID]++
				if !out.Repeated {
					fresh++
				}
			})
		}
		wg.Wait()
		if len(got) != 1 || fresh != 1 {
			t.Fatalf("round %d: 8 concurrent refreshes gave successors %v, %d of them fresh; want one successor, made once", round, got, fresh)
		}
		for id := range got {
			next, err := s.RefreshToken(ctx, p.id, id)
			if err != nil {
				t.Fatal(err)
			}
			g.Refresh = next
		}
		clock.Add(int64(time.Minute))
	}
	// The first token, replaced minutes ago, comes back: a reuse.
	_, err = services[len(services)-1].RefreshDevice(ctx, first.Hash, hashOf)
	if !errors.Is(err, lifeops.ErrUnauthorized) {
		t.Fatalf("reused token: %v, want ErrUnauthorized", err)
	}
	d, err := services[0].Device(ctx, p.id, g.Device.ID)
	if err != nil || !d.Revoked() {
		t.Fatalf("device after a reuse: %+v, %v; want it revoked", d, err)
	}
	if _, err := services[0].RefreshDevice(ctx, g.Refresh.Hash, hashOf); !errors.Is(err, lifeops.ErrUnauthorized) {
		t.Errorf("the current token of a revoked device: %v, want ErrUnauthorized", err)
	}
}

// other opens a second pool on dsn, or returns nil for a store that lives
// in this process's memory only.
func (b Backend) other(t *testing.T, dsn string) lifeops.Store {
	if b.Open == nil || dsn == "" {
		return nil
	}
	return b.Open(t, dsn)
}
