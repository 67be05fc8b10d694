package storetest

import (
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// concurrently runs fn(i) for i in [0, n) at once and waits for all.
func concurrently(n int, fn func(i int)) {
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			fn(i)
		})
	}
	close(start)
	wg.Wait()
}

// testConcurrentWrites checks that the idempotent writes stay idempotent
// when many requests carry the same records at once, as retried or
// duplicated syncs do: every call succeeds (a store retries its own
// transient conflicts) and the result is what one call leaves.
func testConcurrentWrites(t *testing.T, s lifeops.Store) {
	const n = 50
	t.Run("FiftyBatchUpsertsInAnyOrderConverge", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Sync storm")
		var days []lifeops.HealthDay
		var docs []lifeops.RawDocument
		var samples []lifeops.HeartRateSample
		start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
		for i := range 20 {
			d := civil.D(2026, 5, 1).AddDays(i)
			days = append(days, fullDay(u.ID, d))
			docs = append(docs, lifeops.RawDocument{UserID: u.ID, Provider: "oura", Kind: "daily_sleep", ID: name("doc-%02d", i),
				Date: d, Data: json.RawMessage(name(`{"day":%q,"score":%d}`, d, 60+i)), FetchedAt: at(2026, 5, 30, 9, 0)})
		}
		for i := range 200 {
			samples = append(samples, lifeops.HeartRateSample{At: start.Add(time.Duration(i) * 5 * time.Minute), BPM: 50 + i%50, Source: "rest"})
		}
		concurrently(n, func(i int) {
			// Half the callers send their batches in the opposite order:
			// a store must not let two such batches wait on each other
			// into a failure.
			d, r, h := days, docs, samples
			if i%2 == 1 {
				d, r, h = slices.Clone(days), slices.Clone(docs), slices.Clone(samples)
				slices.Reverse(d)
				slices.Reverse(r)
				slices.Reverse(h)
			}
			if err := s.PutHealthDays(ctx(t), d); err != nil {
				t.Errorf("caller %d: PutHealthDays: %v", i, err)
			}
			if err := s.PutRawDocuments(ctx(t), r); err != nil {
				t.Errorf("caller %d: PutRawDocuments: %v", i, err)
			}
			if err := s.PutHeartRate(ctx(t), u.ID, h); err != nil {
				t.Errorf("caller %d: PutHeartRate: %v", i, err)
			}
			if err := s.PutSyncState(ctx(t), lifeops.SyncState{UserID: u.ID, Kind: lifeops.KindHeartRate, Through: civil.D(2026, 5, 20), SyncedAt: at(2026, 5, 30, 9, 0)}); err != nil {
				t.Errorf("caller %d: PutSyncState: %v", i, err)
			}
			if err := s.PutGoals(ctx(t), lifeops.DefaultGoals(u.ID)); err != nil {
				t.Errorf("caller %d: PutGoals: %v", i, err)
			}
		})
		gotDays, err := s.HealthDays(ctx(t), u.ID, civil.D(2026, 5, 1), civil.D(2026, 5, 31))
		must(t, "HealthDays", err)
		var wantDays []lifeops.HealthDay
		for _, d := range days {
			wantDays = append(wantDays, storedDay(d))
		}
		diff(t, "health days after concurrent upserts", wantDays, gotDays)
		gotDocs, err := s.RawDocuments(ctx(t), u.ID, lifeops.RawQuery{})
		must(t, "RawDocuments", err)
		if len(gotDocs) != len(docs) {
			t.Errorf("%d raw documents after concurrent upserts, want %d", len(gotDocs), len(docs))
		}
		gotSamples, err := s.HeartRate(ctx(t), u.ID, start, start.Add(24*time.Hour))
		must(t, "HeartRate", err)
		diff(t, "samples after concurrent loads", samples, gotSamples)
		states, err := s.SyncStates(ctx(t), u.ID)
		must(t, "SyncStates", err)
		if len(states) != 1 {
			t.Errorf("%d sync states after concurrent upserts, want 1", len(states))
		}
	})
	t.Run("FiftyCreatesOfOneUserMakeOne", func(t *testing.T) {
		t.Parallel()
		u := newUser("Created once")
		var mu sync.Mutex
		created, conflicts := 0, 0
		concurrently(n, func(i int) {
			err := s.CreateUser(ctx(t), u)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				created++
			case errors.Is(err, lifeops.ErrConflict):
				conflicts++
			default:
				t.Errorf("caller %d: CreateUser: %v", i, err)
			}
		})
		if created != 1 || conflicts != n-1 {
			t.Errorf("%d concurrent creates: %d created, %d conflicts; want 1 and %d", n, created, conflicts, n-1)
		}
	})
	t.Run("InsertIfAbsentReturnsTheWinner", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Winner")
		d := civil.D(2026, 3, 10)
		results := make([]lifeops.XPEntry, n)
		won := make([]bool, n)
		concurrently(n, func(i int) {
			e := xpEntry(u.ID, "high_life_score:"+d.String(), d, int64(100+i))
			var err error
			if results[i], won[i], err = s.AddXP(ctx(t), e); err != nil {
				t.Errorf("caller %d: AddXP: %v", i, err)
			}
		})
		winner := slices.Index(won, true)
		if winner < 0 || slices.Contains(won[winner+1:], true) {
			t.Fatalf("created flags %v, want exactly one true", won)
		}
		for i, got := range results {
			diff(t, name("entry returned to caller %d", i), results[winner], got)
		}
		entries, err := s.XPEntries(ctx(t), u.ID, lifeops.XPQuery{})
		must(t, "XPEntries", err)
		diff(t, "ledger", []lifeops.XPEntry{results[winner]}, entries)
	})
	t.Run("AddAndDeleteRaceWithoutErrors", func(t *testing.T) {
		t.Parallel()
		u := mustUser(t, s, "Undo race")
		d := civil.D(2026, 3, 11)
		key := "completion:" + uuid.NewString()
		concurrently(n, func(i int) {
			if i%2 == 0 {
				if _, _, err := s.AddXP(ctx(t), xpEntry(u.ID, key, d, 10)); err != nil {
					t.Errorf("caller %d: AddXP: %v", i, err)
				}
				return
			}
			if _, err := s.DeleteXP(ctx(t), u.ID, key); err != nil {
				t.Errorf("caller %d: DeleteXP: %v", i, err)
			}
		})
		entries, err := s.XPEntries(ctx(t), u.ID, lifeops.XPQuery{})
		must(t, "XPEntries", err)
		if len(entries) > 1 {
			t.Errorf("%d entries with one key, want at most 1", len(entries))
		}
	})
}
