package worker

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
)

// TestSettleAll settles each person once a day: again only when their
// day has changed.
func TestSettleAll(t *testing.T) {
	t.Parallel()
	var now atomic.Int64
	now.Store(time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC).UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	svc, err := lifeops.New(&lifeops.Config{Store: memstore.New(), Clock: lifeops.ClockFunc(clock)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, z := range []string{"Europe/Berlin", "Pacific/Auckland"} {
		if _, err := svc.CreateUser(ctx, lifeops.NewUser{Name: z, Zone: z}); err != nil {
			t.Fatal(err)
		}
	}
	w := New(Config{Service: svc, Now: clock})
	steps := []struct {
		after time.Duration
		want  int
	}{
		{0, 2},              // 12:00 UTC on the 10th: the first pass settles everyone
		{time.Hour, 0},      // 13:00: nobody's day changed
		{8 * time.Hour, 1},  // 21:00: Auckland's 11th began at 15:00 UTC (04:00 at UTC+13)
		{8 * time.Hour, 1},  // 05:00 on the 11th: Berlin's 11th began at 03:00 UTC
		{4 * time.Hour, 0},  // 09:00: neither day changed
		{8 * time.Hour, 1},  // 17:00: Auckland's 12th began at 15:00
		{24 * time.Hour, 2}, // a day later, both
	}
	for i, s := range steps {
		now.Add(int64(s.after))
		if got := w.SettleAll(ctx); got != s.want {
			t.Errorf("step %d (%s): settled %d people, want %d", i, clock().UTC().Format(time.RFC3339), got, s.want)
		}
	}
}

// TestBackfill splits a backfill into chunks and refuses dates out of
// range.
func TestBackfill(t *testing.T) {
	t.Parallel()
	clock := func() time.Time { return time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC) }
	svc, err := lifeops.New(&lifeops.Config{Store: memstore.New(), Clock: lifeops.ClockFunc(clock)})
	if err != nil {
		t.Fatal(err)
	}
	u, err := svc.CreateUser(context.Background(), lifeops.NewUser{Name: "Ada", Zone: "UTC"})
	if err != nil {
		t.Fatal(err)
	}
	w := New(Config{Service: svc, Now: clock, ChunkDays: 30})
	st, err := w.Backfill(context.Background(), u.ID, civil.D(2026, 1, 1))
	if err != nil {
		t.Fatal(err)
	}
	if st.ChunksTotal != 3 || !st.Running || st.To != civil.D(2026, 3, 10) {
		t.Errorf("backfill = %+v, want 3 chunks of 30 days to today", st)
	}
	for _, bad := range []civil.Date{civil.D(2026, 3, 11), civil.D(2020, 1, 1)} {
		if _, err := w.Backfill(context.Background(), u.ID, bad); lifeops.ErrorCode(err) != lifeops.CodeInvalid {
			t.Errorf("backfill from %s: %v, want invalid", bad, err)
		}
	}
	// Without a health source each chunk fails, and the status says so.
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = w.Run(ctx); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if b := w.Backfills(u.ID); b != nil && !b.Running {
			if b.ChunksDone != 3 || b.LastError == "" {
				t.Errorf("finished backfill = %+v, want 3 chunks done and the error", b)
			}
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if b := w.Backfills(u.ID); b == nil || b.Running {
		t.Errorf("the backfill never finished: %+v", b)
	}
}
