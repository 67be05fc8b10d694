package lifeops_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
)

// fillSource gives the fake source every day-level kind on every day of
// [from, to], and 20 heart-rate samples a day, one an hour from 04:00.
func fillSource(f *fakeHealth, loc *time.Location, from, to civil.Date, sleepScore int) {
	for d := from; !d.After(to); d = d.AddDays(1) {
		bed := time.Date(d.Year, d.Month, d.Day, 23, 0, 0, 0, loc).AddDate(0, 0, -1)
		wake := bed.Add(8 * time.Hour)
		f.put(lifeops.KindDailySleep, lifeops.HealthDay{Date: d, Source: "fake", Sleep: &lifeops.ProviderScore{Value: sleepScore}})
		f.put(lifeops.KindDailyReadiness, lifeops.HealthDay{Date: d, Source: "fake", Readiness: &lifeops.ProviderScore{Value: 75}})
		f.put(lifeops.KindDailyActivity, lifeops.HealthDay{Date: d, Source: "fake", Activity: &lifeops.ProviderScore{Value: 70}, Steps: ptr(8000)})
		f.put(lifeops.KindSleep, lifeops.HealthDay{Date: d, Source: "fake", TotalSleepSeconds: ptr(7 * 3600), Efficiency: ptr(90), RestingHeartRate: ptr(50), HRV: ptr(60), Bedtime: &bed, WakeTime: &wake})
		start := time.Date(d.Year, d.Month, d.Day, 4, 0, 0, 0, loc)
		for h := range 20 { // 04:00 to 23:00, so no two days share an instant across DST
			f.samples = append(f.samples, lifeops.HeartRateSample{At: start.Add(time.Duration(h) * time.Hour), BPM: 55 + h, Source: "rest"})
		}
	}
}

func syncStates(t *testing.T, b *bundle, userID uuid.UUID) map[lifeops.DataKind]civil.Date {
	t.Helper()
	out := map[lifeops.DataKind]civil.Date{}
	for _, st := range mustOK[[]lifeops.SyncState](t)(b.store.SyncStates(context.Background(), userID)) {
		out[st.Kind] = st.Through
	}
	return out
}

func TestSyncFirstTimeAndAgain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 30, 10, 0, 0, 0, loc))
	u := b.user(t)
	fillSource(b.health, loc, civil.D(2026, 2, 1), day(30), 80)

	res := mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{}))
	// The samples of the current day after 10:00 are not measured yet.
	const hrSamples = 29*20 + 7
	want := lifeops.SyncResult{From: day(1), To: day(30), Errors: []lifeops.SyncError{}, Rejected: []lifeops.SyncRejection{}, Warnings: []lifeops.SyncWarning{},
		Counts: map[lifeops.DataKind]int{"daily_sleep": 30, "daily_readiness": 30, "daily_activity": 30, "sleep": 30, "heartrate": hrSamples}}
	for _, k := range []lifeops.DataKind{"daily_sleep", "daily_readiness", "daily_activity", "sleep", "heartrate"} {
		want.Ranges = append(want.Ranges, lifeops.SyncRange{Kind: k, From: day(1), To: day(30)})
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("first sync: the last 30 days (-want +got):\n%s", diff)
	}
	days := mustOK[[]lifeops.HealthDay](t)(b.svc.HealthDays(ctx, u.ID, day(1), day(30)))
	if len(days) != 30 || days[0].Sleep == nil || days[0].Readiness == nil || days[0].Steps == nil || days[0].WakeTime == nil {
		t.Fatalf("stored days: %d, first %+v", len(days), days[0])
	}
	docs := mustOK[[]lifeops.RawDocument](t)(b.store.RawDocuments(ctx, u.ID, lifeops.RawQuery{}))
	if len(docs) != 4*30 {
		t.Errorf("stored %d raw documents, want 120", len(docs))
	}
	samples := mustOK[[]lifeops.HeartRateSample](t)(b.store.HeartRate(ctx, u.ID, time.Date(2026, 3, 1, 0, 0, 0, 0, loc), time.Date(2026, 4, 1, 0, 0, 0, 0, loc)))
	if len(samples) != hrSamples {
		t.Errorf("stored %d heart-rate samples, want %d", len(samples), hrSamples)
	}
	wantStates := map[lifeops.DataKind]civil.Date{"daily_sleep": day(30), "daily_readiness": day(30), "daily_activity": day(30), "sleep": day(30), "heartrate": day(30)}
	if diff := cmp.Diff(wantStates, syncStates(t, b, u.ID)); diff != "" {
		t.Errorf("sync states (-want +got):\n%s", diff)
	}
	if sc := mustOK[[]lifeops.DayScores](t)(b.svc.Scores(ctx, u.ID, day(1), day(30))); len(sc) != 30 || sc[0].Sleep == nil {
		t.Errorf("the synced days were not scored: %d days", len(sc))
	}

	// Syncing the same range again stores the same data once.
	before := mustOK[[]lifeops.HealthDay](t)(b.svc.HealthDays(ctx, u.ID, day(1), day(30)))
	mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(1), To: day(30)}))
	if diff := cmp.Diff(before, mustOK[[]lifeops.HealthDay](t)(b.svc.HealthDays(ctx, u.ID, day(1), day(30)))); diff != "" {
		t.Errorf("a repeated sync changed the days (-before +after):\n%s", diff)
	}
	if n := len(mustOK[[]lifeops.RawDocument](t)(b.store.RawDocuments(ctx, u.ID, lifeops.RawQuery{}))); n != 120 {
		t.Errorf("a repeated sync left %d documents, want 120", n)
	}

	// Five days later the default range fetches the last three synced days
	// again, for late revisions: from the 31st minus 3.
	b.clock.Set(time.Date(2026, 4, 4, 10, 0, 0, 0, loc))
	fillSource(b.health, loc, civil.D(2026, 3, 31), civil.D(2026, 4, 4), 80)
	res = mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{}))
	if res.From != day(28) || res.To != civil.D(2026, 4, 4) {
		t.Errorf("second sync range %s..%s, want 2026-03-28..2026-04-04", res.From, res.To)
	}
}

func TestSyncWithAFailingKind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 10, 0, 0, 0, loc))
	u := b.user(t)
	fillSource(b.health, loc, day(1), day(10), 80)
	// A readiness score synced before must survive a failed readiness sync.
	must(t, b.store.PutHealthDays(ctx, []lifeops.HealthDay{{UserID: u.ID, Date: day(5), Readiness: &lifeops.ProviderScore{Value: 33}}}))
	b.health.fail[lifeops.KindDailyReadiness] = errDown
	b.health.fail[lifeops.KindDailyActivity] = lifeops.Errorf(lifeops.CodeUnauthorized, "Reconnect your ring.")

	res, err := b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(1), To: day(10)})
	if err != nil {
		t.Fatalf("a partial sync returned an error: %v", err)
	}
	type failure struct {
		Kind lifeops.DataKind
		Code lifeops.Code
		Msg  string
	}
	var got []failure
	for _, e := range res.Errors {
		got = append(got, failure{e.Kind, e.Code, e.Message})
		if e.Err == nil {
			t.Errorf("%s: no cause kept for the log", e.Kind)
		}
	}
	want := []failure{{"daily_readiness", lifeops.CodeUnavailable, "The provider is down."}, {"daily_activity", lifeops.CodeUnauthorized, "Reconnect your ring."}}
	if diff := cmp.Diff(want, got); diff != "" || !res.Partial {
		t.Errorf("partial = %v; errors (-want +got):\n%s", res.Partial, diff)
	}
	d5 := mustOK[lifeops.HealthDay](t)(b.svc.HealthDay(ctx, u.ID, day(5)))
	if d5.Readiness == nil || d5.Readiness.Value != 33 || d5.Sleep == nil || d5.Sleep.Value != 80 || d5.Activity != nil {
		t.Errorf("day 5 after a partial sync: readiness %+v, sleep %+v, activity %+v", d5.Readiness, d5.Sleep, d5.Activity)
	}
	// Only the good kinds advanced; the next default sync starts over for
	// the failed ones.
	wantStates := map[lifeops.DataKind]civil.Date{"daily_sleep": day(10), "sleep": day(10), "heartrate": day(10)}
	if diff := cmp.Diff(wantStates, syncStates(t, b, u.ID)); diff != "" {
		t.Errorf("sync states (-want +got):\n%s", diff)
	}
	delete(b.health.fail, lifeops.KindDailyReadiness)
	delete(b.health.fail, lifeops.KindDailyActivity)
	res = mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{}))
	if res.From != civil.D(2026, 2, 9) || res.Partial {
		t.Errorf("resumed sync from %s (partial %v), want the first-time range from 2026-02-09", res.From, res.Partial)
	}
	if d5 := mustOK[lifeops.HealthDay](t)(b.svc.HealthDay(ctx, u.ID, day(5))); d5.Readiness.Value != 75 || d5.Activity == nil {
		t.Errorf("day 5 after the resumed sync: %+v", d5)
	}
}

func TestSyncHeartRateFailingMidStream(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 10, 0, 0, 0, loc))
	u := b.user(t)
	fillSource(b.health, loc, day(1), day(10), 80)
	b.health.hrFailAfter, b.health.hrErr = 1, errDown // one batch of 100 samples, then the stream breaks

	res := mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(1), To: day(10)}))
	if res.Counts[lifeops.KindHeartRate] != 100 || !res.Partial || len(res.Errors) != 1 || res.Errors[0].Kind != lifeops.KindHeartRate {
		t.Errorf("result %+v, want 100 samples stored and one heart-rate error", res)
	}
	stored := mustOK[[]lifeops.HeartRateSample](t)(b.store.HeartRate(ctx, u.ID, time.Date(2026, 3, 1, 0, 0, 0, 0, loc), time.Date(2026, 3, 12, 0, 0, 0, 0, loc)))
	if len(stored) != 100 {
		t.Errorf("stored %d samples, want the 100 before the failure", len(stored))
	}
	// At 20 a day, the 100th sample is the last of the 5th. The state
	// advances only to the day before the last sample's day, since a
	// stream cut there may have lost the rest of that day.
	if got := syncStates(t, b, u.ID)[lifeops.KindHeartRate]; got != day(4) {
		t.Errorf("heart-rate state = %s, want 2026-03-04", got)
	}
}

func TestSyncDeletedDocumentClearsItsFields(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 10, 0, 0, 0, loc))
	u := b.user(t)
	fillSource(b.health, loc, day(1), day(10), 80)
	mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(1), To: day(10)}))
	delete(b.health.days[lifeops.KindSleep], day(4)) // the provider deleted that night's sleep
	mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(1), To: day(10)}))
	d4 := mustOK[lifeops.HealthDay](t)(b.svc.HealthDay(ctx, u.ID, day(4)))
	if d4.WakeTime != nil || d4.TotalSleepSeconds != nil || d4.Sleep == nil {
		t.Errorf("day 4 after its sleep period was deleted: %+v", d4)
	}
}

func TestSyncRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 10, 0, 0, 0, loc))
	u := b.user(t)
	tests := []struct {
		name   string
		req    lifeops.SyncRequest
		fields []string
	}{
		// The fields as the request names them (start_date, end_date).
		{"backwards", lifeops.SyncRequest{From: day(10), To: day(1)}, []string{"end_date"}},
		{"future", lifeops.SyncRequest{From: day(10), To: day(20)}, []string{"end_date"}},
		{"too long", lifeops.SyncRequest{From: civil.D(2020, 1, 1), To: day(10)}, []string{"end_date"}},
		{"not dates", lifeops.SyncRequest{From: civil.Date{Year: 2026, Month: 2, Day: 30}, To: civil.Date{Year: 2026, Month: 13, Day: 1}}, []string{"start_date", "end_date"}},
	}
	for _, tt := range tests {
		_, err := b.svc.Sync(ctx, u.ID, tt.req)
		if diff := cmp.Diff(tt.fields, fields(err)); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", tt.name, diff)
		}
	}
	_, err := b.svc.Sync(ctx, uuid.New(), lifeops.SyncRequest{})
	wantCode(t, err, lifeops.CodeNotFound)

	noSource, err := lifeops.New(&lifeops.Config{Store: b.store, Clock: b.clock})
	if err != nil {
		t.Fatal(err)
	}
	_, err = noSource.Sync(ctx, u.ID, lifeops.SyncRequest{})
	wantCode(t, err, lifeops.CodeUnavailable)

	// Every kind failing is an error, with the result.
	for _, k := range lifeops.DayKinds() {
		b.health.fail[k] = lifeops.Errorf(lifeops.CodeUnauthorized, "Reconnect your ring.")
	}
	b.health.samples = []lifeops.HeartRateSample{{At: time.Date(2026, 3, 9, 12, 0, 0, 0, loc), BPM: 60}}
	b.health.hrFailAfter, b.health.hrErr = 0, nil
	failing := &hrFailing{b.health}
	svc, err := lifeops.New(&lifeops.Config{Store: b.store, Clock: b.clock, Health: failing})
	if err != nil {
		t.Fatal(err)
	}
	res, err := svc.Sync(ctx, u.ID, lifeops.SyncRequest{})
	wantCode(t, err, lifeops.CodeUnauthorized)
	if len(res.Errors) != 5 || !res.Partial {
		t.Errorf("all failed: result %+v", res)
	}
	if len(syncStates(t, b, u.ID)) != 0 {
		t.Error("a failed sync advanced a sync state")
	}
}

// sourceError is a typed error of a health source, as an adapter has its
// own (oura's *APIError, say).
type sourceError struct{ status int }

func (e *sourceError) Error() string { return fmt.Sprintf("the provider answered %d", e.status) }

// TestSyncErrorsKeepTheirCause: the error of each failed kind, and the
// error of a sync in which every kind failed, reach the source's own error
// with errors.As, so a caller can read what the adapter reported.
func TestSyncErrorsKeepTheirCause(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 30, 10, 0, 0, 0, loc))
	u := b.user(t)
	cause := &sourceError{status: 503}
	for _, k := range lifeops.DayKinds() {
		b.health.fail[k] = lifeops.WrapError(lifeops.CodeUnavailable, fmt.Errorf("fetch %s: %w", k, cause), "The provider is down.")
	}
	start := time.Date(2026, 3, 29, 4, 0, 0, 0, loc)
	for i := range 150 { // more than one batch of 100, and the stream breaks after the first
		b.health.samples = append(b.health.samples, lifeops.HeartRateSample{At: start.Add(time.Duration(i) * time.Minute), BPM: 60})
	}
	b.health.hrFailAfter, b.health.hrErr = 1, lifeops.WrapError(lifeops.CodeUnavailable, cause, "The provider is down.")

	res, err := b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{})
	wantCode(t, err, lifeops.CodeUnavailable)
	if got, ok := errors.AsType[*sourceError](err); !ok || got != cause {
		t.Errorf("every kind failed: errors.As finds %v in %v, want the source's error", got, err)
	}
	if len(res.Errors) != len(lifeops.DayKinds())+1 {
		t.Fatalf("%d kinds failed, want every day kind and heart rate: %+v", len(res.Errors), res.Errors)
	}
	for _, e := range res.Errors {
		if got, ok := errors.AsType[*sourceError](e); !ok || got != cause {
			t.Errorf("the error of %s: errors.As finds %v in %v, want the source's error", e.Kind, got, e)
		}
	}
}

// hrFailing is a source whose heart rate always fails.
type hrFailing struct{ *fakeHealth }

func (f *hrFailing) HeartRate(ctx context.Context, userID uuid.UUID, start, end time.Time) iter.Seq2[[]lifeops.HeartRateSample, error] {
	return func(yield func([]lifeops.HeartRateSample, error) bool) {
		yield(nil, lifeops.Errorf(lifeops.CodeUnauthorized, "Reconnect your ring."))
	}
}

// workSource is a scripted work-stats source: days per person, or err.
type workSource struct {
	name string
	days []lifeops.WorkDay
	err  error
}

var (
	_ lifeops.WorkStatsSource = (*workSource)(nil)
	_ lifeops.HealthSource    = (*hrFailing)(nil)
)

func (w *workSource) Name() string { return w.name }

func (w *workSource) WorkDays(ctx context.Context, userID uuid.UUID, from, to civil.Date) ([]lifeops.WorkDay, error) {
	return slices.Clone(w.days), w.err
}

// TestSyncWorkMergesSources: every source's days are kept beside the
// person's own entries and merged field by field when read: the entry wins
// for what it has, a field it lacks is the largest any source measured,
// and each value names its source, down to the work-life contributors.
// A source's day it no longer delivers goes; a source that fails or is not
// set up leaves its days as they were, and the sync state stays behind.
func TestSyncWorkMergesSources(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	clock := &testClock{t: time.Date(2026, 3, 10, 20, 0, 0, 0, loc)}
	store := memstore.New()
	tracker := &workSource{name: "tracker", days: []lifeops.WorkDay{
		{Date: day(8), WorkMinutes: 300, BreakMinutes: new(0)}, // meetings not known
		{Date: day(9), WorkMinutes: 540, AfterHoursMinutes: 60, MeetingMinutes: new(30), BreakMinutes: new(45)},
	}}
	calendar := &workSource{name: "calendar", days: []lifeops.WorkDay{
		{Date: day(9), WorkMinutes: 120, AfterHoursMinutes: 90, MeetingMinutes: new(120)},
		{Date: day(10), WorkMinutes: 60, MeetingMinutes: new(60)},
	}}
	svc := mustOK[*lifeops.Service](t)(lifeops.New(&lifeops.Config{Store: store, Clock: clock,
		WorkSources: []lifeops.WorkStatsSource{tracker, calendar}}))
	u := mustOK[lifeops.User](t)(svc.CreateUser(ctx, lifeops.NewUser{Name: "Worker", Zone: "Europe/Berlin"}))
	// The person says the 9th was 420 minutes with 30 after hours; they
	// did not enter meetings or breaks.
	entered := mustOK[lifeops.WorkDay](t)(svc.PutWorkDay(ctx, u.ID, lifeops.WorkDay{Date: day(9), WorkMinutes: 420, AfterHoursMinutes: 30}))
	if entered.Sources.Work != lifeops.SourceManual || entered.MeetingMinutes != nil {
		t.Errorf("PutWorkDay before a sync = %+v, want the entry alone", entered)
	}
	res := mustOK[lifeops.SyncResult](t)(svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(8), To: day(10)}))
	if res.Partial || res.Counts[lifeops.KindWork] != 4 {
		t.Errorf("sync = %+v, want 4 work days and no error", res)
	}
	type merged struct {
		Date                                      string
		Work, After                               int
		Meetings, Breaks                          *int
		Source, SrcWork, SrcAfter, SrcMeet, SrcBr string
	}
	read := func() []merged {
		var out []merged
		for _, w := range mustOK[[]lifeops.WorkDay](t)(svc.WorkDays(ctx, u.ID, day(1), day(10))) {
			out = append(out, merged{w.Date.String(), w.WorkMinutes, w.AfterHoursMinutes, w.MeetingMinutes, w.BreakMinutes,
				w.Source, w.Sources.Work, w.Sources.AfterHours, w.Sources.Meetings, w.Sources.Breaks})
		}
		return out
	}
	want := []merged{
		{"2026-03-08", 300, 0, nil, new(0), "tracker", "tracker", "tracker", "", "tracker"},
		// The entry's work and after-hours; the calendar's meetings (the
		// larger); the tracker's breaks.
		{"2026-03-09", 420, 30, new(120), new(45), "manual", "manual", "manual", "calendar", "tracker"},
		{"2026-03-10", 60, 0, new(60), nil, "calendar", "calendar", "calendar", "calendar", ""},
	}
	if diff := cmp.Diff(want, read()); diff != "" {
		t.Errorf("merged work days (-want +got):\n%s", diff)
	}
	sc := mustOK[[]lifeops.DayScores](t)(svc.Scores(ctx, u.ID, day(9), day(9)))
	var contributors []string
	for _, c := range sc[0].WorkLife.Contributors {
		contributors = append(contributors, c.Name+" "+c.Source)
	}
	if diff := cmp.Diff([]string{"workload manual", "after_hours manual", "meetings calendar", "breaks tracker"}, contributors); diff != "" {
		t.Errorf("work-life contributors of the 9th (-want +got):\n%s", diff)
	}

	// Without the entry, the 9th is the sources' merge: the tracker's
	// larger workload and the calendar's larger after-hours.
	if err := svc.DeleteWorkDay(ctx, u.ID, day(9), ""); err != nil {
		t.Fatal(err)
	}
	wantCode(t, svc.DeleteWorkDay(ctx, u.ID, day(9), ""), lifeops.CodeNotFound)
	want[1] = merged{"2026-03-09", 540, 90, new(120), new(45), "tracker", "tracker", "calendar", "calendar", "tracker"}
	if diff := cmp.Diff(want, read()); diff != "" {
		t.Errorf("after deleting the entry (-want +got):\n%s", diff)
	}

	// The calendar no longer has the 10th's meeting; the tracker fails.
	calendar.days = calendar.days[:1]
	tracker.err = lifeops.Errorf(lifeops.CodeUnavailable, "The tracker is down.")
	tracker.days = nil
	clock.Set(time.Date(2026, 3, 11, 20, 0, 0, 0, loc))
	res, err := svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(8), To: day(10)})
	if err != nil || !res.Partial || len(res.Errors) != 1 || res.Errors[0].Kind != lifeops.KindWork || res.Errors[0].Code != lifeops.CodeUnavailable {
		t.Errorf("sync with a failing source = %+v, %v; want one unavailable work error", res, err)
	}
	want = want[:2]
	if diff := cmp.Diff(want, read()); diff != "" {
		t.Errorf("after the calendar dropped a day and the tracker failed (-want +got):\n%s", diff)
	}
	for _, st := range mustOK[[]lifeops.SyncState](t)(store.SyncStates(ctx, u.ID)) {
		if st.Kind == lifeops.KindWork && st.Through != day(10) {
			t.Errorf("work synced through %s, want still 2026-03-10", st.Through)
		}
	}

	// A source the person has not set up is passed over, its days kept.
	tracker.err = fmt.Errorf("no settings: %w", lifeops.ErrNotConfigured)
	res = mustOK[lifeops.SyncResult](t)(svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(8), To: day(10)}))
	if res.Partial {
		t.Errorf("sync with a source not set up = %+v, want no error", res)
	}
	if diff := cmp.Diff(want, read()); diff != "" {
		t.Errorf("after a sync passing over the tracker (-want +got):\n%s", diff)
	}
}

// TestWorkSourcesAreNamed: the Service refuses sources without a usable,
// distinct name.
func TestWorkSourcesAreNamed(t *testing.T) {
	t.Parallel()
	for _, names := range [][]string{{""}, {"manual"}, {"Tracker"}, {"a b"}, {"x", "x"}, {strings.Repeat("a", 33)}} {
		var srcs []lifeops.WorkStatsSource
		for _, n := range names {
			srcs = append(srcs, &workSource{name: n})
		}
		_, err := lifeops.New(&lifeops.Config{Store: memstore.New(), WorkSources: srcs})
		wantCode(t, err, lifeops.CodeInvalid)
	}
	_, err := lifeops.New(&lifeops.Config{Store: memstore.New(), WorkSources: []lifeops.WorkStatsSource{nil}})
	wantCode(t, err, lifeops.CodeInvalid)
}

// TestSyncWarnsOfARingInAnotherZone: days the ring recorded at another
// UTC offset than the person's zone gives them are stored as the ring's
// days and reported, one warning per run of days.
func TestSyncWarnsOfARingInAnotherZone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 12, 10, 0, 0, 0, loc))
	u := b.user(t)
	fillSource(b.health, loc, day(7), day(12), 80)
	// The ring travels to New York for the 8th and the 9th; the 10th is
	// back in Berlin's offset, the 11th in summer time a fortnight early.
	b.health.offsets = map[civil.Date]int{day(7): 3600, day(8): -5 * 3600, day(9): -5 * 3600, day(10): 3600, day(11): 7200}
	res := mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(7), To: day(12)}))
	var got []string
	for _, w := range res.Warnings {
		if w.Kind == lifeops.KindDailySleep {
			got = append(got, fmt.Sprintf("%s %s..%s %s", w.Code, w.From, w.To, w.Message))
		}
	}
	want := []string{
		"zone_mismatch 2026-03-08..2026-03-09 The ring recorded 2026-03-08 to 2026-03-09 at UTC-05:00, but you lived those days in Europe/Berlin (UTC+01:00); their daily_sleep data counts for the ring's days.",
		"zone_mismatch 2026-03-11..2026-03-11 The ring recorded 2026-03-11 at UTC+02:00, but you lived that day in Europe/Berlin (UTC+01:00); its daily_sleep data counts for the ring's day.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
	if days := mustOK[[]lifeops.HealthDay](t)(b.svc.HealthDays(ctx, u.ID, day(8), day(9))); len(days) != 2 || days[0].Sleep == nil {
		t.Errorf("the days recorded in another zone were not stored: %+v", days)
	}
}

// TestSyncWithOnlyAWorkSource: a Service with a work-stats source and no
// health source syncs the work days (and scores them) instead of refusing;
// with neither, Sync is unavailable.
func TestSyncWithOnlyAWorkSource(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	clock := &testClock{t: time.Date(2026, 3, 10, 20, 0, 0, 0, loc)}
	store := memstore.New()
	src := &workSource{name: "calendar", days: []lifeops.WorkDay{{Date: day(9), WorkMinutes: 480, AfterHoursMinutes: 30, MeetingMinutes: new(60)}}}
	svc := mustOK[*lifeops.Service](t)(lifeops.New(&lifeops.Config{Store: store, Clock: clock, WorkSources: []lifeops.WorkStatsSource{src}}))
	u := mustOK[lifeops.User](t)(svc.CreateUser(ctx, lifeops.NewUser{Name: "Worker", Zone: "Europe/Berlin"}))
	res := mustOK[lifeops.SyncResult](t)(svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(8), To: day(10)}))
	if res.Partial || res.Counts[lifeops.KindWork] != 1 || len(res.Ranges) != 1 || res.Ranges[0].Kind != lifeops.KindWork {
		t.Errorf("sync with only a work source: %+v", res)
	}
	sc := mustOK[[]lifeops.DayScores](t)(svc.Scores(ctx, u.ID, day(9), day(9)))
	if len(sc) != 1 || sc[0].WorkLife == nil {
		t.Errorf("the synced work day was not scored: %+v", sc)
	}
	none := mustOK[*lifeops.Service](t)(lifeops.New(&lifeops.Config{Store: store, Clock: clock}))
	_, err := none.Sync(ctx, u.ID, lifeops.SyncRequest{})
	wantCode(t, err, lifeops.CodeUnavailable)
}

// TestSyncOfALaterRangeLeavesTheGap: a sync of a range that starts after
// the day after a kind's last synced day leaves a gap; it must not advance
// the sync state over the gap, or the default sync would never fetch it.
func TestSyncOfALaterRangeLeavesTheGap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 5, 10, 0, 0, 0, loc))
	u := b.user(t)
	fillSource(b.health, loc, civil.D(2026, 2, 1), day(30), 80)
	mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{}))

	b.clock.Set(time.Date(2026, 3, 30, 10, 0, 0, 0, loc))
	mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(20), To: day(25)}))
	for kind, through := range syncStates(t, b, u.ID) {
		if through != day(5) {
			t.Errorf("%s synced through %s after a range beyond a gap, want still 2026-03-05", kind, through)
		}
	}
	res := mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{}))
	if res.From != day(3) || res.To != day(30) {
		t.Errorf("default sync after the gap: %s..%s, want 2026-03-03..2026-03-30", res.From, res.To)
	}
	if days := mustOK[[]lifeops.HealthDay](t)(b.svc.HealthDays(ctx, u.ID, day(6), day(19))); len(days) != 14 {
		t.Errorf("%d days of the gap stored, want 14", len(days))
	}
	// A range that joins or overlaps what was synced moves the state on.
	mustOK[lifeops.SyncResult](t)(b.svc.Sync(ctx, u.ID, lifeops.SyncRequest{From: day(31), To: day(31)}))
	for kind, through := range syncStates(t, b, u.ID) {
		if through != day(31) {
			t.Errorf("%s synced through %s after a joining range, want 2026-03-31", kind, through)
		}
	}
}

// TestWorkSourceSettings: settings for a source that does not parse its
// own are kept as sent (a JSON object, at most MaxWorkSourceSettings
// bytes), versioned per change, for known sources and people only.
func TestWorkSourceSettings(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := memstore.New()
	svc := mustOK[*lifeops.Service](t)(lifeops.New(&lifeops.Config{Store: st, WorkSources: []lifeops.WorkStatsSource{&workSource{name: "tracker"}}}))
	u := mustOK[lifeops.User](t)(svc.CreateUser(ctx, lifeops.NewUser{Name: "Worker", Zone: "Europe/Berlin"}))
	first := mustOK[lifeops.WorkSourceSettings](t)(svc.PutWorkSource(ctx, u.ID, "tracker", json.RawMessage(`{"a": 1}`)))
	second := mustOK[lifeops.WorkSourceSettings](t)(svc.PutWorkSource(ctx, u.ID, "tracker", json.RawMessage(`{"a": 2}`)))
	if first.Version != 1 || second.Version != 2 || string(second.Settings) != `{"a": 2}` {
		t.Errorf("versions %d, %d and settings %s; want 1, 2 and the second as sent", first.Version, second.Version, second.Settings)
	}
	got := mustOK[lifeops.WorkSourceSettings](t)(svc.WorkSource(ctx, u.ID, "tracker"))
	if diff := cmp.Diff(second, got); diff != "" {
		t.Errorf("WorkSource (-put +got):\n%s", diff)
	}
	for _, body := range []string{`[]`, `"x"`, `{`, ``, `{"a":"` + strings.Repeat("x", lifeops.MaxWorkSourceSettings) + `"}`} {
		_, err := svc.PutWorkSource(ctx, u.ID, "tracker", json.RawMessage(body))
		wantCode(t, err, lifeops.CodeInvalid)
	}
	_, err := svc.PutWorkSource(ctx, u.ID, "calendar", json.RawMessage(`{}`))
	wantCode(t, err, lifeops.CodeNotFound)
	_, err = svc.PutWorkSource(ctx, uuid.New(), "tracker", json.RawMessage(`{}`))
	wantCode(t, err, lifeops.CodeNotFound)
	wantCode(t, svc.DeleteWorkSource(ctx, u.ID, "calendar"), lifeops.CodeNotFound)
	if err := svc.DeleteWorkSource(ctx, u.ID, "tracker"); err != nil {
		t.Fatal(err)
	}
	if list := mustOK[[]lifeops.WorkSourceSettings](t)(svc.WorkSources(ctx, u.ID)); len(list) != 0 {
		t.Errorf("WorkSources after the delete = %+v", list)
	}
}
