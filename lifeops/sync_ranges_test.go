package lifeops_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
)

// dayCalls returns the day-level fetches the fake source saw since the
// last call, as "kind from..to", and forgets them.
func (f *fakeHealth) dayCalls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if !strings.HasPrefix(c, "heartrate ") {
			out = append(out, c)
		}
	}
	f.calls = nil
	return out
}

// TestSyncDefaultRangeIsPerKind: a kind that failed for a while is fetched
// from its own last good day; the kinds that kept syncing fetch only their
// own overlap, not the failing kind's whole gap.
func TestSyncDefaultRangeIsPerKind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 10, 0, 0, 0, loc))
	u := b.user(t)
	fillSource(b.health, loc, civil.D(2026, 2, 1), day(20), 80)
	mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{}))

	b.clock.Set(time.Date(2026, 3, 15, 10, 0, 0, 0, loc))
	b.health.fail[lifeops.KindDailyReadiness] = errDown
	mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{}))

	b.clock.Set(time.Date(2026, 3, 20, 10, 0, 0, 0, loc))
	delete(b.health.fail, lifeops.KindDailyReadiness)
	b.health.dayCalls()
	res := mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{}))
	want := []string{
		"daily_sleep 2026-03-13..2026-03-20",
		"daily_readiness 2026-03-08..2026-03-20", // from its last good day, the 10th, minus the overlap
		"daily_activity 2026-03-13..2026-03-20",
		"sleep 2026-03-13..2026-03-20",
	}
	if diff := cmp.Diff(want, b.health.dayCalls()); diff != "" {
		t.Errorf("fetches (-want +got):\n%s", diff)
	}
	wantRanges := []lifeops.SyncRange{
		{Kind: lifeops.KindDailySleep, From: day(13), To: day(20)},
		{Kind: lifeops.KindDailyReadiness, From: day(8), To: day(20)},
		{Kind: lifeops.KindDailyActivity, From: day(13), To: day(20)},
		{Kind: lifeops.KindSleep, From: day(13), To: day(20)},
		{Kind: lifeops.KindHeartRate, From: day(13), To: day(20)},
	}
	if diff := cmp.Diff(wantRanges, res.Ranges); diff != "" {
		t.Errorf("result ranges (-want +got):\n%s", diff)
	}
	if res.From != day(8) || res.To != day(20) || res.Partial {
		t.Errorf("result %s..%s (partial %v), want 2026-03-08..2026-03-20 spanning every kind's range", res.From, res.To, res.Partial)
	}
	for kind, through := range syncStates(t, b, u.ID) {
		if through != day(20) {
			t.Errorf("%s synced through %s, want 2026-03-20", kind, through)
		}
	}
	if d := mustOK[lifeops.HealthDay](t)(b.svc.HealthDay(ctx, u.ID, day(12))); d.Readiness == nil {
		t.Error("the readiness of the failed days was not fetched")
	}
}

// TestSyncNeverSyncedFailingKindKeepsItsOwnWindow: a kind that never
// synced takes the first-time window for itself alone; the others go on
// from their own last good day.
func TestSyncNeverSyncedFailingKindKeepsItsOwnWindow(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 10, 0, 0, 0, loc))
	u := b.user(t)
	fillSource(b.health, loc, civil.D(2026, 2, 1), day(20), 80)
	b.health.fail[lifeops.KindDailyReadiness] = errDown
	mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{}))

	b.clock.Set(time.Date(2026, 3, 12, 10, 0, 0, 0, loc))
	b.health.dayCalls()
	mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{}))
	want := []string{
		"daily_sleep 2026-03-08..2026-03-12",
		"daily_readiness 2026-02-11..2026-03-12", // the last 30 days: it never synced
		"daily_activity 2026-03-08..2026-03-12",
		"sleep 2026-03-08..2026-03-12",
	}
	if diff := cmp.Diff(want, b.health.dayCalls()); diff != "" {
		t.Errorf("fetches (-want +got):\n%s", diff)
	}
}

// TestSyncCatchesUpALongGapInSpans: a kind whose last good day lies more
// than three years back (longer than any one sync may fetch) still gets
// its whole gap: each default sync fetches at most 90 days of it, oldest
// first, and the next resumes where that one stopped, until it is current.
func TestSyncCatchesUpALongGapInSpans(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	today := day(10)
	b := setup(t, time.Date(2026, 3, 10, 10, 0, 0, 0, loc))
	u := b.user(t)
	last := civil.D(2022, 3, 1)
	for d := last; !d.After(today); d = d.AddDays(1) {
		b.health.put(lifeops.KindDailySleep, lifeops.HealthDay{Date: d, Source: "fake", Sleep: &lifeops.ProviderScore{Value: 70 + d.Day%30}})
	}
	states := map[lifeops.DataKind]civil.Date{lifeops.KindDailySleep: last, lifeops.KindDailyReadiness: day(9),
		lifeops.KindDailyActivity: day(9), lifeops.KindSleep: day(9), lifeops.KindHeartRate: day(9)}
	for kind, through := range states {
		must(t, b.store.PutSyncState(ctx, lifeops.SyncState{UserID: u.ID, Kind: kind, Through: through, SyncedAt: b.clock.Now()}))
	}

	const overlap, span = 3, 90
	through := last
	calls := 0
	for through.Before(today) {
		if calls++; calls > 20 {
			t.Fatalf("still synced only through %s after 20 default syncs", through)
		}
		b.health.dayCalls()
		res := mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{}))
		var got string
		for _, c := range b.health.dayCalls() {
			if r, ok := strings.CutPrefix(c, "daily_sleep "); ok {
				got = r
			}
		}
		from := through.AddDays(1 - overlap)
		to := from.AddDays(span - 1)
		if to.After(today) {
			to = today
		}
		if want := from.String() + ".." + to.String(); got != want {
			t.Fatalf("sync %d fetched daily_sleep %q, want %q", calls, got, want)
		}
		// The result says so, and that the kind is still behind until
		// the last of these syncs.
		wantRange := lifeops.SyncRange{Kind: lifeops.KindDailySleep, From: from, To: to, Behind: to != today}
		if diff := cmp.Diff(wantRange, res.Ranges[0]); diff != "" {
			t.Errorf("sync %d: daily_sleep range (-want +got):\n%s", calls, diff)
		}
		if res.From != from || res.To != today {
			t.Errorf("sync %d: result %s..%s, want %s..%s", calls, res.From, res.To, from, today)
		}
		next := syncStates(t, b, u.ID)[lifeops.KindDailySleep]
		if next != to {
			t.Fatalf("sync %d: daily_sleep synced through %s, want %s", calls, next, to)
		}
		through = next
	}
	days := mustOK[[]lifeops.HealthDay](t)(b.store.HealthDays(ctx, u.ID, last, today))
	n := 0
	for _, d := range days {
		if d.Sleep != nil && d.Sleep.Value == 70+d.Date.Day%30 {
			n++
		}
	}
	if want := today.Sub(last) + 1; n != want {
		t.Errorf("%d days of the gap have their sleep score, want %d", n, want)
	}
}

// TestSyncFirstSyncLongerThanASpan: a first sync of more days than one
// sync fetches starts with the oldest of them and goes on next time.
func TestSyncFirstSyncLongerThanASpan(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	clock := &testClock{t: time.Date(2026, 3, 10, 10, 0, 0, 0, loc)}
	health := newFakeHealth()
	health.kinds = []lifeops.DataKind{lifeops.KindDailySleep}
	store := memstore.New()
	svc, err := lifeops.New(&lifeops.Config{Store: store, Clock: clock, Health: health, FirstSyncDays: 50, SyncSpanDays: 30, SyncOverlapDays: 2})
	if err != nil {
		t.Fatal(err)
	}
	u := mustOK[lifeops.User](t)(svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"}))
	var got [][]lifeops.SyncRange
	for range 3 {
		got = append(got, mustOK[lifeops.SyncResult](t)(svc.Sync(ctx, u.ID, lifeops.SyncRequest{})).Ranges)
	}
	first := day(10).AddDays(-49) // 2026-01-20
	want := [][]lifeops.SyncRange{
		{{Kind: lifeops.KindDailySleep, From: first, To: first.AddDays(29), Behind: true}, {Kind: lifeops.KindHeartRate, From: first, To: first.AddDays(29), Behind: true}},
		{{Kind: lifeops.KindDailySleep, From: first.AddDays(28), To: day(10)}, {Kind: lifeops.KindHeartRate, From: first.AddDays(28), To: day(10)}},
		{{Kind: lifeops.KindDailySleep, From: day(9), To: day(10)}, {Kind: lifeops.KindHeartRate, From: day(9), To: day(10)}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ranges of three default syncs (-want +got):\n%s", diff)
	}
}
