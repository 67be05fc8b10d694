package lifeops_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

func TestNewValidatesConfig(t *testing.T) {
	t.Parallel()
	_, err := lifeops.New(nil)
	if diff := cmp.Diff([]string{"config"}, fields(err)); diff != "" {
		t.Errorf("New(nil) fields (-want +got):\n%s", diff)
	}
	_, err = lifeops.New(&lifeops.Config{SyncOverlapDays: -1, FirstSyncDays: 5000, StreakRules: &score.StreakRules{FreezeEvery: -1}})
	if diff := cmp.Diff([]string{"store", "sync_overlap_days", "first_sync_days", "rules.freeze_every"}, fields(err)); diff != "" {
		t.Errorf("New(bad) fields (-want +got):\n%s\n%v", diff, err)
	}
	store := memstore.New()
	for _, tt := range []struct {
		cfg    lifeops.Config
		fields []string
	}{
		{lifeops.Config{SyncSpanDays: -1}, []string{"sync_span_days"}},
		{lifeops.Config{SyncSpanDays: 5000}, []string{"sync_span_days"}},
		{lifeops.Config{SyncSpanDays: 3}, []string{"sync_span_days"}}, // no more than the default overlap: no progress
		{lifeops.Config{SyncSpanDays: 10, SyncOverlapDays: 10}, []string{"sync_span_days"}},
		{lifeops.Config{SyncSpanDays: 4}, nil},
		{lifeops.Config{SyncSpanDays: 11, SyncOverlapDays: 10, FirstSyncDays: 200}, nil},
	} {
		tt.cfg.Store = store
		_, err := lifeops.New(&tt.cfg)
		if diff := cmp.Diff(tt.fields, fields(err)); diff != "" {
			t.Errorf("New(span %d, overlap %d) fields (-want +got):\n%s", tt.cfg.SyncSpanDays, tt.cfg.SyncOverlapDays, diff)
		}
	}
}

func TestCreateUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC))

	u := b.user(t)
	want := lifeops.User{ID: u.ID, Name: "Ada", Zone: "Europe/Berlin", DayStartHour: 4,
		WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23}, Version: 1, CreatedAt: b.clock.Now(), UpdatedAt: b.clock.Now()}
	if diff := cmp.Diff(want, u); diff != "" {
		t.Errorf("new user (-want +got):\n%s", diff)
	}
	g := mustOK[lifeops.Goals](t)(b.svc.Goals(ctx, u.ID))
	if g.Steps != 8000 || g.SleepMinutes != 480 {
		t.Errorf("a new user's goals are not the defaults: %+v", g)
	}

	_, err := b.svc.CreateUser(ctx, lifeops.NewUser{Name: " ", Zone: "Mars/Olympus", DayStartHour: ptr(25)})
	if diff := cmp.Diff([]string{"name", "timezone", "day_start_hour"}, fields(err)); diff != "" {
		t.Errorf("invalid user fields (-want +got):\n%s", diff)
	}

	// Creating the same id again is harmless with the same profile and a
	// conflict with another one.
	id := uuid.New()
	in := lifeops.NewUser{ID: id, Name: "Grace", Zone: "America/New_York", DayStartHour: ptr(0), WakeTime: &civil.Clock{Hour: 6}}
	first := mustOK[lifeops.User](t)(b.svc.CreateUser(ctx, in))
	b.clock.Set(b.clock.Now().Add(time.Hour))
	again := mustOK[lifeops.User](t)(b.svc.CreateUser(ctx, in))
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("repeated create (-first +again):\n%s", diff)
	}
	in.Name = "Someone else"
	_, err = b.svc.CreateUser(ctx, in)
	wantCode(t, err, lifeops.CodeConflict)
}

func TestUpdateProfile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC))
	u := b.user(t)
	b.clock.Set(b.clock.Now().Add(time.Hour))
	up := lifeops.ProfileUpdate{Zone: ptr("Asia/Kolkata"), DayStartHour: ptr(5), Bedtime: &civil.Clock{Hour: 0, Minute: 30}}
	got := mustOK[lifeops.User](t)(b.svc.UpdateProfile(ctx, u.ID, up))
	want := u
	want.Zone, want.DayStartHour, want.Bedtime, want.UpdatedAt, want.Version = "Asia/Kolkata", 5, civil.Clock{Minute: 30}, b.clock.Now(), 2
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("updated profile (-want +got):\n%s", diff)
	}
	b.clock.Set(b.clock.Now().Add(time.Hour))
	again := mustOK[lifeops.User](t)(b.svc.UpdateProfile(ctx, u.ID, up))
	if !again.UpdatedAt.Equal(got.UpdatedAt) {
		t.Error("repeating an update changed UpdatedAt")
	}
	_, err := b.svc.UpdateProfile(ctx, u.ID, lifeops.ProfileUpdate{DayStartHour: ptr(24), Name: ptr("")})
	if diff := cmp.Diff([]string{"name", "day_start_hour"}, fields(err)); diff != "" {
		t.Errorf("invalid update fields (-want +got):\n%s", diff)
	}
	if p := mustOK[lifeops.User](t)(b.svc.Profile(ctx, u.ID)); p.DayStartHour != 5 {
		t.Error("an invalid update changed the profile")
	}
	_, err = b.svc.UpdateProfile(ctx, uuid.New(), up)
	wantCode(t, err, lifeops.CodeNotFound)
}

func TestGoals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC))
	u := b.user(t)
	g := lifeops.DefaultGoals(uuid.Nil)
	g.Steps, g.RestingHeartRate = 11000, 52
	g.Weights.Sleep = decimal.RequireFromString("2.5")
	got := mustOK[lifeops.Goals](t)(b.svc.PutGoals(ctx, u.ID, g))
	g.UserID, g.UpdatedAt = u.ID, b.clock.Now()
	if diff := cmp.Diff(g, got); diff != "" {
		t.Errorf("stored goals (-want +got):\n%s", diff)
	}
	bad := g
	bad.Steps, bad.Weights = 10, lifeops.DomainWeights{}
	_, err := b.svc.PutGoals(ctx, u.ID, bad)
	if diff := cmp.Diff([]string{"steps", "weights"}, fields(err)); diff != "" {
		t.Errorf("invalid goals fields (-want +got):\n%s", diff)
	}
	_, err = b.svc.Goals(ctx, uuid.New())
	wantCode(t, err, lifeops.CodeNotFound)
}

func TestItems(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, time.Date(2026, 3, 10, 8, 0, 0, 0, time.UTC))
	u, other := b.user(t), b.user(t)

	_, err := b.svc.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{Title: "Run", Kind: timeline.KindWorkout,
		Schedule: timeline.Schedule{Type: timeline.ScheduleWeekly}, Anchor: timeline.Anchor{Type: "noon"}}, Difficulty: "epic"})
	if diff := cmp.Diff([]string{"schedule.days", "anchor.type", "difficulty"}, fields(err)); diff != "" {
		t.Errorf("invalid item fields (-want +got):\n%s", diff)
	}
	var te *timeline.ValidationError
	if !errors.As(err, &te) {
		t.Error("the timeline's typed error is not reachable with errors.As")
	}

	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	if it.Difficulty != lifeops.DifficultyEasy || it.UserID != u.ID || it.ID == uuid.Nil {
		t.Errorf("created item lacks defaults: %+v", it)
	}
	if got := mustOK[lifeops.Item](t)(b.svc.Item(ctx, u.ID, it.ID)); !cmp.Equal(it, got) {
		t.Errorf("Item differs from the created one: %s", cmp.Diff(it, got))
	}
	_, err = b.svc.Item(ctx, other.ID, it.ID)
	wantCode(t, err, lifeops.CodeNotFound)

	// Creating with the same id is harmless with the same definition.
	again := mustOK[lifeops.Item](t)(b.svc.CreateItem(ctx, u.ID, it))
	if again.ID != it.ID || !again.CreatedAt.Equal(it.CreatedAt) {
		t.Errorf("repeated create returned %+v", again)
	}
	changed := it
	changed.Title = "Other"
	_, err = b.svc.CreateItem(ctx, u.ID, changed)
	wantCode(t, err, lifeops.CodeConflict)

	b.clock.Set(b.clock.Now().Add(time.Minute))
	xp := 30
	up := lifeops.ItemUpdate{Title: ptr("Long stretch"), DurationMinutes: ptr(40), XP: &xp, Difficulty: ptr(lifeops.DifficultyHard)}
	got := mustOK[lifeops.Item](t)(b.svc.UpdateItem(ctx, u.ID, it.ID, up))
	want := it
	want.Title, want.DurationMinutes, want.XP, want.Difficulty, want.UpdatedAt, want.Version = "Long stretch", 40, &xp, lifeops.DifficultyHard, b.clock.Now(), 2
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("updated item (-want +got):\n%s", diff)
	}
	b.clock.Set(b.clock.Now().Add(time.Minute))
	if again := mustOK[lifeops.Item](t)(b.svc.UpdateItem(ctx, u.ID, it.ID, up)); !again.UpdatedAt.Equal(got.UpdatedAt) {
		t.Error("repeating an item update changed it")
	}
	cleared := mustOK[lifeops.Item](t)(b.svc.UpdateItem(ctx, u.ID, it.ID, lifeops.ItemUpdate{ClearXP: true}))
	if cleared.XP != nil {
		t.Error("ClearXP left the XP")
	}
	_, err = b.svc.UpdateItem(ctx, u.ID, it.ID, lifeops.ItemUpdate{OffsetMinutes: ptr(5000)})
	if diff := cmp.Diff([]string{"offset_minutes"}, fields(err)); diff != "" {
		t.Errorf("invalid update fields (-want +got):\n%s", diff)
	}
	_, err = b.svc.UpdateItem(ctx, other.ID, it.ID, up)
	wantCode(t, err, lifeops.CodeNotFound)

	second := b.item(t, u.ID, "Read", civil.Clock{Hour: 21})
	var titles []string
	for _, x := range mustOK[[]lifeops.Item](t)(b.svc.Items(ctx, u.ID)) {
		titles = append(titles, x.Title)
	}
	if diff := cmp.Diff([]string{"Long stretch", "Read"}, titles); diff != "" {
		t.Errorf("Items (-want +got):\n%s", diff)
	}
	if err := b.svc.DeleteItem(ctx, u.ID, second.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, b.svc.DeleteItem(ctx, u.ID, second.ID), lifeops.CodeNotFound)
}

// day is a date in March 2026, the month most tests live in.
func day(d int) civil.Date { return civil.D(2026, time.March, d) }

func TestCompleteIsIdempotent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 7, 40, 0, 0, loc))
	u := b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})

	first := mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10), 0))
	if first.Award == nil || first.Award.Points != 6 { // 5 base + 1 on time
		t.Fatalf("completion award = %+v, want 6 points", first.Award)
	}
	if first.Entry == nil || first.Entry.Status != timeline.StatusCompleted {
		t.Errorf("entry after completion = %+v", first.Entry)
	}
	var codes []string
	for _, a := range first.NewAchievements {
		codes = append(codes, a.Code)
	}
	if len(codes) == 0 || codes[0] != "first_completion" {
		t.Errorf("new achievements = %v, want first_completion first", codes)
	}
	ledger := mustOK[lifeops.XPLedger](t)(b.svc.XP(ctx, u.ID, lifeops.XPQuery{}))

	b.clock.Set(b.clock.Now().Add(20 * time.Minute))
	second := mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10), 0))
	if diff := cmp.Diff(first.Events, second.Events); diff != "" {
		t.Errorf("a repeated completion changed the events (-first +second):\n%s", diff)
	}
	if diff := cmp.Diff(first.Award, second.Award); diff != "" {
		t.Errorf("a repeated completion changed the award (-first +second):\n%s", diff)
	}
	if len(second.NewAchievements) != 0 {
		t.Errorf("a repeated completion unlocked %v again", second.NewAchievements)
	}
	if diff := cmp.Diff(ledger, mustOK[lifeops.XPLedger](t)(b.svc.XP(ctx, u.ID, lifeops.XPQuery{}))); diff != "" {
		t.Errorf("a repeated completion changed the ledger (-before +after):\n%s", diff)
	}
}

func TestFiftyConcurrentCompletionsAwardOnce(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 7, 40, 0, 0, loc))
	u := b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if _, err := b.svc.Complete(ctx, u.ID, it.ID, day(10), 0); err != nil {
				t.Errorf("Complete: %v", err)
			}
		})
	}
	wg.Wait()
	events := mustOK[[]lifeops.Event](t)(b.store.Events(ctx, u.ID, day(10), day(10)))
	ledger := mustOK[lifeops.XPLedger](t)(b.svc.XP(ctx, u.ID, lifeops.XPQuery{}))
	completions := 0
	for _, e := range ledger.Entries {
		if e.Kind == "completion" {
			completions++
		}
	}
	if len(events) != 1 || completions != 1 {
		t.Errorf("50 concurrent completions left %d events and %d completion awards, want 1 and 1", len(events), completions)
	}

	// The same state as one completion on a fresh store.
	one := setup(t, b.clock.Now())
	u1 := one.user(t)
	it1 := one.item(t, u1.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	mustOK[lifeops.Outcome](t)(one.svc.Complete(ctx, u1.ID, it1.ID, day(10), 0))
	if got, want := ledger.Total, mustOK[lifeops.XPLedger](t)(one.svc.XP(ctx, u1.ID, lifeops.XPQuery{})).Total; got != want {
		t.Errorf("XP after 50 concurrent completions = %d, after one = %d", got, want)
	}
}

func TestOccurrenceRules(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 9, 0, 0, 0, loc))
	u, other := b.user(t), b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	weekly := mustOK[lifeops.Item](t)(b.svc.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{Title: "Review", Kind: timeline.KindTask,
		Schedule: timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Friday}},
		Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 16}}}}))

	tests := []struct {
		name   string
		call   func() error
		code   lifeops.Code
		fields []string
	}{
		{"tomorrow", func() error { _, err := b.svc.Complete(ctx, u.ID, it.ID, day(11), 0); return err }, lifeops.CodeInvalid, []string{"date"}},
		{"not due that day", func() error { _, err := b.svc.Complete(ctx, u.ID, weekly.ID, day(10), 0); return err }, lifeops.CodeInvalid, []string{"date"}},
		{"before the item existed", func() error { _, err := b.svc.Skip(ctx, u.ID, it.ID, day(9), 0, ""); return err }, lifeops.CodeInvalid, []string{"date"}},
		{"invalid date", func() error { _, err := b.svc.Undo(ctx, u.ID, it.ID, civil.D(2026, 2, 30), 0); return err }, lifeops.CodeInvalid, []string{"date"}},
		{"another user's item", func() error { _, err := b.svc.Complete(ctx, other.ID, it.ID, day(10), 0); return err }, lifeops.CodeNotFound, nil},
		{"unknown item", func() error { _, err := b.svc.Undo(ctx, u.ID, uuid.New(), day(10), 0); return err }, lifeops.CodeNotFound, nil},
		{"unknown user", func() error { _, err := b.svc.Complete(ctx, uuid.New(), it.ID, day(10), 0); return err }, lifeops.CodeNotFound, nil},
		{"long skip reason", func() error {
			_, err := b.svc.Skip(ctx, u.ID, it.ID, day(10), 0, string(make([]byte, 501)))
			return err
		}, lifeops.CodeInvalid, []string{"reason"}},
	}
	for _, tt := range tests {
		err := tt.call()
		wantCode(t, err, tt.code)
		if diff := cmp.Diff(tt.fields, fields(err)); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", tt.name, diff)
		}
	}
	if ev := mustOK[[]lifeops.Event](t)(b.store.Events(ctx, u.ID, day(1), day(31))); len(ev) != 0 {
		t.Errorf("refused requests stored events: %v", ev)
	}
}

func TestSkipAndCompleteExcludeEachOther(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 9, 0, 0, 0, loc))
	u := b.user(t)
	a := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	c := b.item(t, u.ID, "Read", civil.Clock{Hour: 8})

	s1 := mustOK[lifeops.Outcome](t)(b.svc.Skip(ctx, u.ID, a.ID, day(10), 0, "sore"))
	s2 := mustOK[lifeops.Outcome](t)(b.svc.Skip(ctx, u.ID, a.ID, day(10), 0, "something else"))
	if diff := cmp.Diff(s1.Events, s2.Events); diff != "" {
		t.Errorf("a repeated skip changed the events (-first +second):\n%s", diff)
	}
	if len(s1.Events) != 1 || s1.Events[0].Reason != "sore" || s1.Entry.Status != timeline.StatusSkipped {
		t.Errorf("skip outcome = %+v", s1)
	}
	_, err := b.svc.Complete(ctx, u.ID, a.ID, day(10), 0)
	wantCode(t, err, lifeops.CodeConflict)

	b.clock.Set(time.Date(2026, 3, 10, 8, 10, 0, 0, loc)) // on time: within 30 minutes of 08:00
	mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, c.ID, day(10), 0))
	_, err = b.svc.Skip(ctx, u.ID, c.ID, day(10), 0, "")
	wantCode(t, err, lifeops.CodeConflict)

	// The skipped item is left out of the habits score: one of one done.
	sc := mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, day(10)))
	if sc.Habits == nil || !sc.Habits.Value.Equal(decimal.NewFromInt(100)) {
		t.Errorf("habits with one done and one skipped = %+v, want 100", sc.Habits)
	}
	// A perfect day: every due item that was not skipped is done.
	if !hasXP(t, b, u.ID, score.PerfectDayKey(day(10))) {
		t.Error("no perfect-day award for a day with one done and one skipped")
	}
}

func hasXP(t *testing.T, b *bundle, userID uuid.UUID, key string) bool {
	t.Helper()
	for _, e := range mustOK[lifeops.XPLedger](t)(b.svc.XP(context.Background(), userID, lifeops.XPQuery{})).Entries {
		if e.Key == key {
			return true
		}
	}
	return false
}

func TestUndo(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 9, 0, 0, 0, loc))
	u := b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	done := mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10), 0))
	key := score.CompletionKey(it.ID.String(), day(10), 0)
	if !hasXP(t, b, u.ID, key) || !hasXP(t, b, u.ID, score.PerfectDayKey(day(10))) {
		t.Fatal("completion did not award its XP")
	}
	// Late (09:00 for 07:30), so habits are 80 and there is no high-Life-Score bonus.
	if hasXP(t, b, u.ID, score.HighLifeScoreKey(day(10))) {
		t.Error("a Life Score of 80 earned the high-Life-Score bonus")
	}
	for i := range 2 { // the second undo changes nothing
		out := mustOK[lifeops.Outcome](t)(b.svc.Undo(ctx, u.ID, it.ID, day(10), 0))
		if len(out.Events) != 0 || out.Award != nil || out.Entry == nil || out.Entry.Status != timeline.StatusOverdue {
			t.Errorf("undo %d: outcome %+v", i+1, out)
		}
		if hasXP(t, b, u.ID, key) || hasXP(t, b, u.ID, score.PerfectDayKey(day(10))) {
			t.Errorf("undo %d left the completion or perfect-day XP", i+1)
		}
		if out.XP.Total != done.XP.Total-done.Award.Points-score.PerfectDayPoints {
			t.Errorf("undo %d: XP %d, want the completion and perfect-day XP taken from %d", i+1, out.XP.Total, done.XP.Total)
		}
	}
	// Achievements stay; completing again awards the completion again.
	achieved := mustOK[[]lifeops.Achievement](t)(b.store.Achievements(ctx, u.ID))
	if len(achieved) == 0 {
		t.Error("undo took back achievements")
	}
	again := mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10), 0))
	if again.Award == nil || again.XP.Total != done.XP.Total {
		t.Errorf("completing after undo: award %+v, XP %d, want %d", again.Award, again.XP.Total, done.XP.Total)
	}
	if len(again.NewAchievements) != 0 {
		t.Errorf("completing after undo unlocked %v again", again.NewAchievements)
	}
}

func TestPostpone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	at := func(d, hh, mm int) time.Time { return time.Date(2026, 3, d, hh, mm, 0, 0, loc) }
	b := setup(t, at(10, 7, 0))
	u := b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})

	p1 := mustOK[lifeops.Outcome](t)(b.svc.Postpone(ctx, u.ID, it.ID, day(10), 0, lifeops.Postponement{Minutes: 45}))
	b.clock.Set(at(10, 7, 5))
	p2 := mustOK[lifeops.Outcome](t)(b.svc.Postpone(ctx, u.ID, it.ID, day(10), 0, lifeops.Postponement{Minutes: 45}))
	if diff := cmp.Diff(p1.Events, p2.Events); diff != "" {
		t.Errorf("repeating a postponement changed it (-first +second):\n%s", diff)
	}
	if p2.Entry == nil || !p2.Entry.Start.Equal(at(10, 8, 15)) {
		t.Errorf("postponed by 45 minutes: entry %+v, want a start at 08:15", p2.Entry)
	}
	// Another postponement replaces the first: to 00:30 the next calendar
	// day, which with the 04:00 day start is still the 10th.
	p3 := mustOK[lifeops.Outcome](t)(b.svc.Postpone(ctx, u.ID, it.ID, day(10), 0, lifeops.Postponement{To: at(11, 0, 30)}))
	if len(p3.Events) != 1 || !p3.Events[0].To.Equal(at(11, 0, 30)) || !p3.Events[0].ToDate.IsZero() {
		t.Errorf("postponed to 00:30: events %+v, want one postponement staying on the 10th", p3.Events)
	}
	// To a later morning: the occurrence moves to the 12th's feed.
	p4 := mustOK[lifeops.Outcome](t)(b.svc.Postpone(ctx, u.ID, it.ID, day(10), 0, lifeops.Postponement{To: at(12, 9, 0)}))
	if len(p4.Events) != 1 || p4.Events[0].ToDate != day(12) || p4.Entry.PostponedTo != day(12) {
		t.Errorf("postponed to the 12th: %+v", p4)
	}
	f12 := mustOK[timeline.Feed](t)(b.svc.Feed(ctx, u.ID, day(12), timeline.ViewExpanded))
	moved := 0
	for _, e := range f12.Entries {
		if e.ItemID == it.ID && e.Date == day(10) && e.PostponedFrom == day(10) && e.Start.Equal(at(12, 9, 0)) {
			moved++
		}
	}
	if moved != 1 {
		t.Errorf("the 12th's feed shows the moved occurrence %d times: %+v", moved, f12.Entries)
	}

	tests := []struct {
		name string
		to   lifeops.Postponement
		want []string
	}{
		{"nothing", lifeops.Postponement{}, []string{"to"}},
		{"two targets", lifeops.Postponement{Minutes: 5, ToDate: day(11)}, []string{"to"}},
		{"backwards", lifeops.Postponement{To: at(10, 7, 0)}, []string{"to"}},
		{"too many minutes", lifeops.Postponement{Minutes: 1441}, []string{"minutes"}},
		{"too far", lifeops.Postponement{ToDate: day(25)}, []string{"to_date"}},
	}
	for _, tt := range tests {
		_, err := b.svc.Postpone(ctx, u.ID, it.ID, day(10), 0, tt.to)
		if diff := cmp.Diff(tt.want, fields(err)); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", tt.name, diff)
		}
	}

	// Done on the day it moved to; then it can no longer be postponed.
	b.clock.Set(at(12, 9, 10))
	done := mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10), 0))
	if done.Award == nil || len(done.Award.Parts) != 2 {
		t.Errorf("completed at its postponed time: award %+v, want base and on-time", done.Award)
	}
	_, err := b.svc.Postpone(ctx, u.ID, it.ID, day(10), 0, lifeops.Postponement{Minutes: 10})
	wantCode(t, err, lifeops.CodeConflict)
}

func TestDayStartHour(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	tests := []struct {
		hour int
		want civil.Date
	}{
		{4, day(10)}, // 00:30 on the 11th is still the evening of the 10th
		{0, day(11)},
	}
	for _, tt := range tests {
		b := setup(t, time.Date(2026, 3, 11, 0, 30, 0, 0, loc))
		u := mustOK[lifeops.User](t)(b.svc.CreateUser(ctx, lifeops.NewUser{Name: "Night owl", Zone: "Europe/Berlin", DayStartHour: &tt.hour}))
		b.clock.Set(time.Date(2026, 3, 10, 12, 0, 0, 0, loc))
		it := b.item(t, u.ID, "Journal", civil.Clock{Hour: 23, Minute: 30})
		b.clock.Set(time.Date(2026, 3, 11, 0, 30, 0, 0, loc))
		today := mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, civil.Date{}))
		if today.Date != tt.want {
			t.Errorf("day start %d: today at 00:30 on the 11th is %s, want %s", tt.hour, today.Date, tt.want)
		}
		if tt.hour == 4 {
			// The late journal entry counts for the 10th, on time.
			out := mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10), 0))
			if out.Award == nil || out.Award.Date != day(10) {
				t.Errorf("completion at 00:30: award %+v, want one dated the 10th", out.Award)
			}
			if st := out.Streak; st == nil || st.Current != 1 {
				t.Errorf("streak after the late completion: %+v", st)
			}
		}
	}
}

func TestZoneChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	instant := time.Date(2026, 3, 10, 20, 30, 0, 0, time.UTC) // 21:30 in Berlin
	b := setup(t, time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC))
	u := b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 8})
	b.clock.Set(time.Date(2026, 3, 9, 8, 5, 0, 0, time.UTC))
	mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(9), 0))
	b.clock.Set(instant)
	mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10), 0))

	tests := []struct {
		zone      string
		wantDay   civil.Date
		wantStart time.Time // the stretch's start in the new zone on that day
	}{
		{"Asia/Tokyo", day(11), time.Date(2026, 3, 10, 23, 0, 0, 0, time.UTC)},          // 05:30 on the 11th in Tokyo
		{"America/Los_Angeles", day(10), time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)}, // back to 13:30 on the 10th
	}
	for _, tt := range tests {
		mustOK[lifeops.User](t)(b.svc.UpdateProfile(ctx, u.ID, lifeops.ProfileUpdate{Zone: &tt.zone}))
		today := mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, civil.Date{}))
		if today.Date != tt.wantDay || today.Timezone != tt.zone {
			t.Errorf("%s: today is %s in %s, want %s", tt.zone, today.Date, today.Timezone, tt.wantDay)
		}
		f := mustOK[timeline.Feed](t)(b.svc.Feed(ctx, u.ID, civil.Date{}, timeline.ViewExpanded))
		if len(f.Entries) != 1 || !f.Entries[0].Start.Equal(tt.wantStart) || f.Entries[0].Start.Location().String() != tt.zone {
			t.Errorf("%s: feed %+v, want the stretch at %s in the new zone", tt.zone, f.Entries, tt.wantStart)
		}
		// The completions keep their days; the move neither breaks nor
		// doubles the streak.
		var st lifeops.StreakView
		for _, s := range today.Streaks {
			if s.ItemID == it.ID {
				st = s
			}
		}
		if st.Current != 2 || st.Longest != 2 {
			t.Errorf("%s: item streak %+v, want 2", tt.zone, st)
		}
		events := mustOK[[]lifeops.Event](t)(b.store.Events(ctx, u.ID, day(1), day(31)))
		if len(events) != 2 || events[0].Date != day(9) || events[1].Date != day(10) {
			t.Errorf("%s: events moved: %+v", tt.zone, events)
		}
	}
}

func TestTodayScoresEveryDomain(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 9, 12, 0, 0, 0, loc))
	u := b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	bed := time.Date(2026, 3, 9, 23, 10, 0, 0, loc)
	wake := time.Date(2026, 3, 10, 6, 55, 0, 0, loc)
	must(t, b.store.PutHealthDays(ctx, []lifeops.HealthDay{{UserID: u.ID, Date: day(10), Source: "oura",
		Sleep:     &lifeops.ProviderScore{Value: 84, Contributors: map[string]int{"deep_sleep": 80}},
		Readiness: &lifeops.ProviderScore{Value: 78}, Activity: &lifeops.ProviderScore{Value: 70},
		Steps: ptr(9200), TotalSleepSeconds: ptr(7*3600 + 30*60), Efficiency: ptr(90), RestingHeartRate: ptr(52),
		Bedtime: &bed, WakeTime: &wake}}))
	b.clock.Set(time.Date(2026, 3, 10, 19, 0, 0, 0, loc))
	mustOK[lifeops.WorkDay](t)(b.svc.PutWorkDay(ctx, u.ID, lifeops.WorkDay{Date: day(10), WorkMinutes: 510, AfterHoursMinutes: 20}))
	wakeItem := mustOK[lifeops.Item](t)(b.svc.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{Title: "Water", Kind: timeline.KindHabit,
		Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
		Anchor:   timeline.Anchor{Type: timeline.AnchorWake}, OffsetMinutes: 10}}))
	mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10), 0))

	today := mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, civil.Date{}))
	if today.Date != day(10) || today.LifeScore.Value == nil || len(today.LifeScore.Missing) != 0 {
		t.Fatalf("today: date %s, life %v, missing %v", today.Date, today.LifeScore.Value, today.LifeScore.Missing)
	}
	for name, d := range map[string]*lifeops.TodayDomain{"sleep": today.Domains.Sleep, "activity": today.Domains.Activity,
		"work_life": today.Domains.WorkLife, "habits": today.Domains.Habits} {
		if d == nil || len(d.Contributors) == 0 {
			t.Errorf("domain %s has no score or contributors: %+v", name, d)
		}
	}
	// One of two done (weight 0.8), and that one late (on time weighs 0.2).
	if today.Domains.Habits.Value.String() != "40.0" {
		t.Errorf("habits = %s, want 40.0", today.Domains.Habits.Value)
	}
	if today.Message == "" {
		t.Error("empty message")
	}
	// The default feed holds the open item, anchored to the measured wake
	// time: 06:55 + 10 minutes.
	if len(today.Feed) != 1 || today.Feed[0].ItemID != wakeItem.ID || !today.Feed[0].Start.Equal(wake.Add(10*time.Minute)) {
		t.Errorf("feed = %+v, want the water item at 07:05", today.Feed)
	}
	// The stored scores match what Today shows.
	stored := mustOK[[]lifeops.DayScores](t)(b.svc.Scores(ctx, u.ID, day(10), day(10)))
	if len(stored) != 1 || stored[0].Life == nil || stored[0].Life.StringFixed(1) != today.LifeScore.Value.String() {
		t.Errorf("stored scores %+v do not match today's Life Score %v", stored, today.LifeScore.Value)
	}
	if today.XP.Total <= 0 || today.XP.Level < 1 {
		t.Errorf("XP = %+v", today.XP)
	}
	// A past day can be asked for; a future one cannot.
	if _, err := b.svc.Today(ctx, u.ID, day(11)); lifeops.ErrorCode(err) != lifeops.CodeInvalid {
		t.Errorf("Today of tomorrow: %v", err)
	}
}

func TestWorkDays(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 19, 0, 0, 0, loc))
	u := b.user(t)
	w := mustOK[lifeops.WorkDay](t)(b.svc.PutWorkDay(ctx, u.ID, lifeops.WorkDay{Date: day(10), WorkMinutes: 480, MeetingMinutes: new(90)}))
	want := lifeops.WorkDay{UserID: u.ID, Date: day(10), WorkMinutes: 480, MeetingMinutes: new(90), Source: "manual", UpdatedAt: b.clock.Now().UTC(),
		Sources: lifeops.WorkSources{Work: "manual", AfterHours: "manual", Meetings: "manual"}}
	if diff := cmp.Diff(want, w); diff != "" {
		t.Errorf("stored work day (-want +got):\n%s", diff)
	}
	again := mustOK[lifeops.WorkDay](t)(b.svc.PutWorkDay(ctx, u.ID, want))
	if diff := cmp.Diff(want, again); diff != "" {
		t.Errorf("work day stored twice (-want +got):\n%s", diff)
	}
	_, err := b.svc.PutWorkDay(ctx, u.ID, lifeops.WorkDay{Date: day(11), WorkMinutes: 60})
	if diff := cmp.Diff([]string{"date"}, fields(err)); diff != "" {
		t.Errorf("future work day fields (-want +got):\n%s", diff)
	}
	_, err = b.svc.PutWorkDay(ctx, u.ID, lifeops.WorkDay{Date: day(9), WorkMinutes: -1, BreakMinutes: new(2000)})
	if diff := cmp.Diff([]string{"work_minutes", "break_minutes"}, fields(err)); diff != "" {
		t.Errorf("invalid work day fields (-want +got):\n%s", diff)
	}
	days := mustOK[[]lifeops.WorkDay](t)(b.svc.WorkDays(ctx, u.ID, day(1), day(31)))
	if len(days) != 1 {
		t.Errorf("WorkDays = %+v, want one day", days)
	}
	sc := mustOK[[]lifeops.DayScores](t)(b.svc.Scores(ctx, u.ID, day(10), day(10)))
	if len(sc) != 1 || sc[0].WorkLife == nil {
		t.Errorf("a work day did not score the work-life domain: %+v", sc)
	}
	_, err = b.svc.WorkDays(ctx, u.ID, day(10), day(1))
	wantCode(t, err, lifeops.CodeInvalid)
}

// TestWorkLifeLeavesOutMinutesNotEntered: meeting and break minutes not
// entered leave their contributors out of the work-life score, which then
// rests on workload and after-hours work alone; minutes entered as 0 count
// as 0 (no breaks lowers the score). 540 minutes worked against a goal of
// 480 and 30 after hours against none score 75 each.
func TestWorkLifeLeavesOutMinutesNotEntered(t *testing.T) {
	t.Parallel()
	type contributor struct{ Name, Value string }
	tests := []struct {
		name       string
		meet, brk  *int
		want       string
		contribute []contributor
	}{
		{"neither entered", nil, nil, "75.0", []contributor{{"workload", "75"}, {"after_hours", "75"}}},
		{"no breaks taken", nil, new(0), "66.7", []contributor{{"workload", "75"}, {"after_hours", "75"}, {"breaks", "0"}}},
		{"enough breaks", nil, new(45), "77.8", []contributor{{"workload", "75"}, {"after_hours", "75"}, {"breaks", "100"}}},
		{"meetings only", new(120), nil, "77.8", []contributor{{"workload", "75"}, {"after_hours", "75"}, {"meetings", "100"}}},
		{"no meetings, no breaks", new(0), new(0), "70.0", []contributor{{"workload", "75"}, {"after_hours", "75"}, {"meetings", "100"}, {"breaks", "0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			b := setup(t, time.Date(2026, 3, 10, 19, 0, 0, 0, berlin(t)))
			u := b.user(t)
			w := mustOK[lifeops.WorkDay](t)(b.svc.PutWorkDay(ctx, u.ID, lifeops.WorkDay{Date: day(10),
				WorkMinutes: 540, AfterHoursMinutes: 30, MeetingMinutes: tt.meet, BreakMinutes: tt.brk}))
			if diff := cmp.Diff([]*int{tt.meet, tt.brk}, []*int{w.MeetingMinutes, w.BreakMinutes}); diff != "" {
				t.Errorf("stored meeting and break minutes (-want +got):\n%s", diff)
			}
			sc := mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, day(10)))
			if sc.WorkLife == nil {
				t.Fatal("work-life not scored")
			}
			var got []contributor
			for _, c := range sc.WorkLife.Contributors {
				got = append(got, contributor{c.Name, c.Value.String()})
			}
			if diff := cmp.Diff(tt.contribute, got); diff != "" {
				t.Errorf("work-life contributors (-want +got):\n%s", diff)
			}
			if v := sc.WorkLife.Value.StringFixed(1); v != tt.want {
				t.Errorf("work-life = %s, want %s", v, tt.want)
			}
		})
	}
}

func TestAchievementsAndLedger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 9, 0, 0, 0, loc))
	u := b.user(t)
	views := mustOK[[]lifeops.AchievementView](t)(b.svc.Achievements(ctx, u.ID))
	if len(views) < 15 {
		t.Fatalf("catalog has %d achievements, want at least 15", len(views))
	}
	for _, v := range views {
		if v.Unlocked {
			t.Errorf("a new user has %s unlocked", v.Code)
		}
	}
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, day(10), 0))
	views = mustOK[[]lifeops.AchievementView](t)(b.svc.Achievements(ctx, u.ID))
	if views[0].Code != "first_completion" || !views[0].Unlocked || views[0].UnlockedOn != day(10) || views[0].Percent != 100 {
		t.Errorf("first_completion = %+v", views[0])
	}
	ledger := mustOK[lifeops.XPLedger](t)(b.svc.XP(ctx, u.ID, lifeops.XPQuery{}))
	var sum int64
	kinds := map[string]int{}
	for _, e := range ledger.Entries {
		sum += e.Points
		kinds[e.Kind]++
	}
	if sum != ledger.Total || kinds["completion"] != 1 || kinds["achievement"] == 0 {
		t.Errorf("ledger total %d, sum %d, kinds %v", ledger.Total, sum, kinds)
	}
	page := mustOK[lifeops.XPLedger](t)(b.svc.XP(ctx, u.ID, lifeops.XPQuery{Page: lifeops.Page{Offset: 1, Limit: 1}}))
	if len(page.Entries) != 1 || !cmp.Equal(page.Entries[0], ledger.Entries[1]) {
		t.Errorf("ledger page = %+v", page.Entries)
	}
	_, err := b.svc.XP(ctx, u.ID, lifeops.XPQuery{Page: lifeops.Page{Limit: -1}})
	wantCode(t, err, lifeops.CodeInvalid)
}

func TestDeleteUser(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, time.Date(2026, 3, 10, 9, 0, 0, 0, berlin(t)))
	u := b.user(t)
	b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7})
	if err := b.svc.DeleteUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	_, err := b.svc.Profile(ctx, u.ID)
	wantCode(t, err, lifeops.CodeNotFound)
	_, err = b.svc.Today(ctx, u.ID, civil.Date{})
	wantCode(t, err, lifeops.CodeNotFound)
	wantCode(t, b.svc.DeleteUser(ctx, u.ID), lifeops.CodeNotFound)
}

func TestLoggerGetsTheServiceLines(t *testing.T) {
	t.Parallel()
	var buf strings.Builder
	svc, err := lifeops.New(&lifeops.Config{Store: memstore.New(), Logger: newTextLogger(&buf)})
	if err != nil {
		t.Fatal(err)
	}
	u := mustOK[lifeops.User](t)(svc.CreateUser(context.Background(), lifeops.NewUser{Name: "Logged", Zone: "UTC"}))
	if !strings.Contains(buf.String(), "user created") || !strings.Contains(buf.String(), u.ID.String()) {
		t.Errorf("log = %q, want a line about the new user", buf.String())
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestQueriesRefuseBadDates: a date in a query that is not a real date is
// refused as invalid input naming the field, before it reaches the store
// (where SQL would fail on it as an internal error).
func TestQueriesRefuseBadDates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, time.Date(2026, 3, 10, 9, 0, 0, 0, berlin(t)))
	u := b.user(t)
	bad := civil.Date{Year: 2026, Month: 13, Day: 40}
	tests := []struct {
		name string
		call func() error
		want []string
	}{
		{"xp bad from", func() error {
			_, err := b.svc.XP(ctx, u.ID, lifeops.XPQuery{From: bad})
			return err
		}, []string{"from"}},
		{"xp bad to", func() error {
			_, err := b.svc.XP(ctx, u.ID, lifeops.XPQuery{To: bad})
			return err
		}, []string{"to"}},
		{"health day", func() error {
			_, err := b.svc.HealthDay(ctx, u.ID, bad)
			return err
		}, []string{"date"}},
	}
	for _, tt := range tests {
		err := tt.call()
		wantCode(t, err, lifeops.CodeInvalid)
		if diff := cmp.Diff(tt.want, fields(err)); diff != "" {
			t.Errorf("%s: fields (-want +got):\n%s", tt.name, diff)
		}
	}
}

// TestAncientRecordsDoNotBreakToday: a work day centuries ago is refused,
// and a record that reached the store another way (an import) does not
// make every later Today fail on a history too long to count.
func TestAncientRecordsDoNotBreakToday(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b := setup(t, time.Date(2026, 3, 10, 19, 0, 0, 0, berlin(t)))
	u := b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 18})
	_, err := b.svc.PutWorkDay(ctx, u.ID, lifeops.WorkDay{UserID: u.ID, Date: civil.D(1, 1, 1), WorkMinutes: 60})
	if diff := cmp.Diff([]string{"date"}, fields(err)); diff != "" {
		t.Errorf("a work day in the year 1: fields (-want +got):\n%s", diff)
	}
	if err := b.store.PutWorkDay(ctx, lifeops.WorkDay{UserID: u.ID, Date: civil.D(1, 1, 1), WorkMinutes: 60, Source: "import"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.svc.Today(ctx, u.ID, civil.Date{}); err != nil {
		t.Errorf("Today with a work day from the year 1 stored: %v", err)
	}
	if _, err := b.svc.Complete(ctx, u.ID, it.ID, civil.Date{}, 0); err != nil {
		t.Errorf("Complete with a work day from the year 1 stored: %v", err)
	}
}
