package lifeops_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

func june(d int) civil.Date { return civil.D(2026, time.June, d) }

func loadZone(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// streakOf returns the streak of kind ("day_goal" or an item's title) that
// Today shows.
func streakOf(t *testing.T, today lifeops.Today, title string) lifeops.StreakView {
	t.Helper()
	for _, s := range today.Streaks {
		if s.Title == title {
			return s
		}
	}
	t.Fatalf("Today of %s shows no streak %q: %+v", today.Date, title, today.Streaks)
	return lifeops.StreakView{}
}

var ignoreStreakIdentity = cmpopts.IgnoreFields(lifeops.StreakView{}, "Kind", "ItemID", "Title", "Strength")

// TestFlightsKeepStreaks: a person who does a daily item every day flies
// Los Angeles → Tokyo overnight, so that the whole of their Thursday is
// spent in the air; the streak neither breaks nor spends a freeze. Flying
// back west lands on a date they already lived in Tokyo; the streak counts
// it once.
func TestFlightsKeepStreaks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	la, tokyo := loadZone(t, "America/Los_Angeles"), loadZone(t, "Asia/Tokyo")
	// Monday 1 June, 13:00 in Los Angeles: in Tokyo it is already 2 June,
	// 05:00, so only the zone history keeps the stretch due from the 1st.
	b := setup(t, time.Date(2026, 6, 1, 13, 0, 0, 0, la))
	u := mustOK[lifeops.User](t)(b.svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "America/Los_Angeles"}))
	stretch := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 8})
	complete := func(it lifeops.Item, d civil.Date) lifeops.Outcome {
		t.Helper()
		return mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, d, 0))
	}
	b.clock.Set(time.Date(2026, 6, 1, 13, 5, 0, 0, la))
	complete(stretch, june(1))
	var read lifeops.Item // a second habit, too young to have earned a freeze
	for d := 2; d <= 10; d++ {
		b.clock.Set(time.Date(2026, 6, d, 8, 5, 0, 0, la))
		if d == 8 {
			read = b.item(t, u.ID, "Read", civil.Clock{Hour: 21})
		}
		complete(stretch, june(d))
		if d >= 8 {
			complete(read, june(d))
		}
	}

	// Wednesday 10 June, 23:55: take off from LAX. Land at Narita on
	// Friday 12 June, 05:00 (Thursday 13:00 in Los Angeles), and set the
	// profile's zone on landing. Thursday 11 June never happens for Ada.
	landed := time.Date(2026, 6, 12, 5, 0, 0, 0, tokyo)
	b.clock.Set(landed)
	tokyoUp := lifeops.ProfileUpdate{Zone: ptr("Asia/Tokyo")}
	mustOK[lifeops.User](t)(b.svc.UpdateProfile(ctx, u.ID, tokyoUp))
	b.clock.Set(landed.Add(10 * time.Minute))
	mustOK[lifeops.User](t)(b.svc.UpdateProfile(ctx, u.ID, tokyoUp)) // sent again: no second change
	wantMoves := []lifeops.ZoneChange{{UserID: u.ID, At: landed.UTC(), From: "America/Los_Angeles", To: "Asia/Tokyo"}}
	if diff := cmp.Diff(wantMoves, mustOK[[]lifeops.ZoneChange](t)(b.svc.ZoneChanges(ctx, u.ID))); diff != "" {
		t.Errorf("zone changes after landing (-want +got):\n%s", diff)
	}

	today := mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, civil.Date{}))
	if today.Date != june(12) {
		t.Fatalf("today after landing = %s, want 2026-06-12", today.Date)
	}
	// On landing, nothing is lost: today is pending, Thursday is neutral,
	// the freeze is still held.
	for _, tt := range []struct {
		title string
		want  lifeops.StreakView
	}{
		{"Stretch", lifeops.StreakView{Current: 10, Longest: 10, AtRisk: true, Freezes: 1, Start: june(1)}},
		{"Read", lifeops.StreakView{Current: 3, Longest: 3, AtRisk: true, Freezes: 0, Start: june(8)}},
		{"Day goal", lifeops.StreakView{Current: 10, Longest: 10, AtRisk: true, Freezes: 1, Start: june(1)}},
	} {
		if diff := cmp.Diff(tt.want, streakOf(t, today, tt.title), ignoreStreakIdentity); diff != "" {
			t.Errorf("%s streak on landing (-want +got):\n%s", tt.title, diff)
		}
	}

	// Friday in Tokyo: both done; both streaks grow across the jumped day.
	b.clock.Set(time.Date(2026, 6, 12, 8, 5, 0, 0, tokyo))
	out := complete(stretch, june(12))
	wantStretch := score.Streak{Current: 11, Longest: 11, Start: june(1), LastDone: june(12), Freezes: 1, FrozenDays: []civil.Date{}}
	if diff := cmp.Diff(&wantStretch, out.Streak); diff != "" {
		t.Errorf("stretch streak after the flight east (-want +got):\n%s", diff)
	}
	out = complete(read, june(12))
	wantRead := score.Streak{Current: 4, Longest: 4, Start: june(8), LastDone: june(12), FrozenDays: []civil.Date{}}
	if diff := cmp.Diff(&wantRead, out.Streak); diff != "" {
		t.Errorf("read streak after the flight east (-want +got):\n%s", diff)
	}
	today = mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, civil.Date{}))
	if diff := cmp.Diff(lifeops.StreakView{Current: 11, Longest: 11, Freezes: 1, Start: june(1)}, streakOf(t, today, "Day goal"), ignoreStreakIdentity); diff != "" {
		t.Errorf("day-goal streak after the flight east (-want +got):\n%s", diff)
	}

	// Saturday to Monday in Tokyo, and Tuesday 16 June at 05:00 before
	// the flight home.
	for d := 13; d <= 16; d++ {
		b.clock.Set(time.Date(2026, 6, d, 8, 5, 0, 0, tokyo))
		if d == 16 {
			b.clock.Set(time.Date(2026, 6, 16, 5, 0, 0, 0, tokyo))
		}
		complete(stretch, june(d))
		complete(read, june(d))
	}
	// Take off on Tuesday 16 June at 07:00 and land at LAX at 01:00 the
	// same Tuesday, which before the 04:00 day start is still Monday
	// 15 June for Ada: Monday and Tuesday happen twice.
	home := time.Date(2026, 6, 16, 1, 0, 0, 0, la)
	b.clock.Set(home)
	mustOK[lifeops.User](t)(b.svc.UpdateProfile(ctx, u.ID, lifeops.ProfileUpdate{Zone: ptr("America/Los_Angeles")}))
	wantMoves = append(wantMoves, lifeops.ZoneChange{UserID: u.ID, At: home.UTC(), From: "Asia/Tokyo", To: "America/Los_Angeles"})
	if diff := cmp.Diff(wantMoves, mustOK[[]lifeops.ZoneChange](t)(b.svc.ZoneChanges(ctx, u.ID))); diff != "" {
		t.Errorf("zone changes after flying home (-want +got):\n%s", diff)
	}
	today = mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, civil.Date{}))
	if today.Date != june(15) {
		t.Fatalf("today after flying home = %s, want 2026-06-15", today.Date)
	}
	// Done on 1–10 and 12–16: 15 days, each counted once, Tuesday's
	// included although the calendar has not reached it again.
	for _, tt := range []struct {
		title string
		want  lifeops.StreakView
	}{
		{"Stretch", lifeops.StreakView{Current: 15, Longest: 15, Freezes: 2, Start: june(1)}},
		{"Read", lifeops.StreakView{Current: 8, Longest: 8, Freezes: 1, Start: june(8)}},
		{"Day goal", lifeops.StreakView{Current: 15, Longest: 15, Freezes: 2, Start: june(1)}},
	} {
		if diff := cmp.Diff(tt.want, streakOf(t, today, tt.title), ignoreStreakIdentity); diff != "" {
			t.Errorf("%s streak after flying home (-want +got):\n%s", tt.title, diff)
		}
	}

	// Monday again in Los Angeles: completing it again changes nothing.
	xp := today.XP.Total
	b.clock.Set(time.Date(2026, 6, 15, 8, 5, 0, 0, la))
	out = complete(stretch, june(15))
	wantStretch = score.Streak{Current: 15, Longest: 15, Start: june(1), LastDone: june(16), Freezes: 2, FrozenDays: []civil.Date{}}
	if diff := cmp.Diff(&wantStretch, out.Streak); diff != "" {
		t.Errorf("stretch streak after Monday's second completion (-want +got):\n%s", diff)
	}
	if out.XP.Total != xp {
		t.Errorf("completing a day lived twice again changed XP from %d to %d", xp, out.XP.Total)
	}
	// Wednesday 17 June: the streak goes on from Tuesday.
	b.clock.Set(time.Date(2026, 6, 17, 8, 5, 0, 0, la))
	out = complete(stretch, june(17))
	if out.Streak == nil || out.Streak.Current != 16 || len(out.Streak.FrozenDays) != 0 {
		t.Errorf("stretch streak on the 17th = %+v, want 16 with nothing frozen", out.Streak)
	}
}

// updateFailingStore is a memstore whose next UpdateUser fails when armed,
// as if the process had died between recording a move and writing the
// profile. It wraps the store a unit of work hands out too.
type updateFailingStore struct {
	lifeops.Store
	failUpdateUser *atomic.Bool
}

func (s *updateFailingStore) Update(ctx context.Context, userID uuid.UUID, fn func(tx lifeops.Store) error) error {
	return s.Store.Update(ctx, userID, func(tx lifeops.Store) error {
		return fn(&updateFailingStore{tx, s.failUpdateUser})
	})
}

func (s *updateFailingStore) UpdateUser(ctx context.Context, u lifeops.User) error {
	if s.failUpdateUser.CompareAndSwap(true, false) {
		return errCrash
	}
	return s.Store.UpdateUser(ctx, u)
}

// TestProfileUpdateRecordsOneZoneChange: however a move to a new zone is
// sent (repeated, cut short and retried, or many times at once), one change
// is recorded, at the instant of the request that recorded it; one cut
// short recorded nothing.
func TestProfileUpdateRecordsOneZoneChange(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	start := time.Date(2026, 6, 11, 20, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		send func(t *testing.T, svc *lifeops.Service, st *updateFailingStore, clock *testClock, id uuid.UUID, up lifeops.ProfileUpdate)
	}{
		{"repeated", func(t *testing.T, svc *lifeops.Service, st *updateFailingStore, clock *testClock, id uuid.UUID, up lifeops.ProfileUpdate) {
			for range 3 {
				mustOK[lifeops.User](t)(svc.UpdateProfile(ctx, id, up))
				clock.Set(clock.Now().Add(time.Minute))
			}
		}},
		{"cut short and retried", func(t *testing.T, svc *lifeops.Service, st *updateFailingStore, clock *testClock, id uuid.UUID, up lifeops.ProfileUpdate) {
			st.failUpdateUser.Store(true)
			if _, err := svc.UpdateProfile(ctx, id, up); err == nil {
				t.Fatal("the armed UpdateUser did not fail")
			}
			if p := mustOK[lifeops.User](t)(svc.Profile(ctx, id)); p.Zone != "America/Los_Angeles" {
				t.Fatalf("the failed update changed the zone to %s", p.Zone)
			}
			clock.Set(clock.Now().Add(time.Minute))
			mustOK[lifeops.User](t)(svc.UpdateProfile(ctx, id, up))
		}},
		{"concurrent", func(t *testing.T, svc *lifeops.Service, st *updateFailingStore, clock *testClock, id uuid.UUID, up lifeops.ProfileUpdate) {
			var wg sync.WaitGroup
			for i := range 10 {
				wg.Go(func() {
					if i == 5 {
						clock.Set(start.Add(time.Second))
					}
					if _, err := svc.UpdateProfile(ctx, id, up); err != nil {
						t.Errorf("UpdateProfile: %v", err)
					}
				})
			}
			wg.Wait()
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st := &updateFailingStore{Store: memstore.New(), failUpdateUser: &atomic.Bool{}}
			clock := &testClock{t: start.Add(-time.Hour)}
			svc, err := lifeops.New(&lifeops.Config{Store: st, Clock: clock})
			if err != nil {
				t.Fatal(err)
			}
			u := mustOK[lifeops.User](t)(svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "America/Los_Angeles"}))
			// Other fields, and the zone it already has, record nothing.
			mustOK[lifeops.User](t)(svc.UpdateProfile(ctx, u.ID, lifeops.ProfileUpdate{Name: ptr("Ada L."), Zone: ptr("America/Los_Angeles")}))
			clock.Set(start)
			tt.send(t, svc, st, clock, u.ID, lifeops.ProfileUpdate{Zone: ptr("Asia/Tokyo"), Bedtime: &civil.Clock{Hour: 22}})
			want := []lifeops.ZoneChange{{UserID: u.ID, At: start, From: "America/Los_Angeles", To: "Asia/Tokyo"}}
			got := mustOK[[]lifeops.ZoneChange](t)(svc.ZoneChanges(ctx, u.ID))
			switch tt.name {
			case "concurrent":
				if len(got) == 1 {
					want[0].At = got[0].At // whichever request ran first
				}
			case "cut short and retried":
				want[0].At = start.Add(time.Minute) // the request cut short recorded nothing
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("zone changes (-want +got):\n%s", diff)
			}
			if p := mustOK[lifeops.User](t)(svc.Profile(ctx, u.ID)); p.Zone != "Asia/Tokyo" || p.Bedtime != (civil.Clock{Hour: 22}) {
				t.Errorf("profile after the move: zone %s, bedtime %s", p.Zone, p.Bedtime)
			}

			// A move back, and on again, are new changes.
			clock.Set(start.Add(time.Hour))
			mustOK[lifeops.User](t)(svc.UpdateProfile(ctx, u.ID, lifeops.ProfileUpdate{Zone: ptr("America/Los_Angeles")}))
			clock.Set(start.Add(2 * time.Hour))
			mustOK[lifeops.User](t)(svc.UpdateProfile(ctx, u.ID, lifeops.ProfileUpdate{Zone: ptr("Asia/Tokyo")}))
			got = mustOK[[]lifeops.ZoneChange](t)(svc.ZoneChanges(ctx, u.ID))
			var hops []string
			for _, c := range got {
				hops = append(hops, c.From+" → "+c.To)
			}
			if diff := cmp.Diff([]string{"America/Los_Angeles → Asia/Tokyo", "Asia/Tokyo → America/Los_Angeles", "America/Los_Angeles → Asia/Tokyo"}, hops); diff != "" {
				t.Errorf("moves there, back and there again (-want +got):\n%s", diff)
			}
		})
	}
}

func TestZoneChangesOfUnknownUser(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC))
	_, err := b.svc.ZoneChanges(context.Background(), uuid.New())
	wantCode(t, err, lifeops.CodeNotFound)
	u := b.user(t)
	got := mustOK[[]lifeops.ZoneChange](t)(b.svc.ZoneChanges(context.Background(), u.ID))
	if got == nil || len(got) != 0 {
		t.Errorf("zone changes of a user who never moved = %#v, want an empty slice", got)
	}
}

// TestMovesAtOneInstantKeepTheirOrder: with a clock that does not move
// (or one behind the last recorded move), a move there and back is still
// two changes, in order, the second a microsecond after the first.
func TestMovesAtOneInstantKeepTheirOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	now := time.Date(2026, 6, 11, 20, 0, 0, 0, time.UTC)
	b := setup(t, now)
	u := mustOK[lifeops.User](t)(b.svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "America/Los_Angeles"}))
	for _, zone := range []string{"Asia/Tokyo", "America/Los_Angeles", "Europe/Berlin"} {
		mustOK[lifeops.User](t)(b.svc.UpdateProfile(ctx, u.ID, lifeops.ProfileUpdate{Zone: &zone}))
		b.clock.Set(now.Add(-time.Hour)) // behind the moves already recorded
	}
	want := []lifeops.ZoneChange{
		{UserID: u.ID, At: now, From: "America/Los_Angeles", To: "Asia/Tokyo"},
		{UserID: u.ID, At: now.Add(time.Microsecond), From: "Asia/Tokyo", To: "America/Los_Angeles"},
		{UserID: u.ID, At: now.Add(2 * time.Microsecond), From: "America/Los_Angeles", To: "Europe/Berlin"},
	}
	if diff := cmp.Diff(want, mustOK[[]lifeops.ZoneChange](t)(b.svc.ZoneChanges(ctx, u.ID))); diff != "" {
		t.Errorf("zone changes (-want +got):\n%s", diff)
	}
}

// TestFlightKeepsStreakAchievement checks that the day-goal streak behind the
// streak achievements counts across a flight east exactly as the streak
// itself does: the day the flight jumps over is neutral, so the seventh done
// day unlocks "streak_7".
func TestFlightKeepsStreakAchievement(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	la, tokyo := loadZone(t, "America/Los_Angeles"), loadZone(t, "Asia/Tokyo")
	b := setup(t, time.Date(2026, 6, 1, 7, 0, 0, 0, la))
	u := mustOK[lifeops.User](t)(b.svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "America/Los_Angeles"}))
	stretch := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 8})
	for d := 1; d <= 4; d++ {
		b.clock.Set(time.Date(2026, 6, d, 8, 5, 0, 0, la))
		mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, stretch.ID, june(d), 0))
	}
	// Take off late on Thursday 4 June; land in Tokyo on Saturday 6 June at
	// 05:00. Friday 5 June never happens for Ada.
	b.clock.Set(time.Date(2026, 6, 6, 5, 0, 0, 0, tokyo))
	mustOK[lifeops.User](t)(b.svc.UpdateProfile(ctx, u.ID, lifeops.ProfileUpdate{Zone: ptr("Asia/Tokyo")}))
	for d := 6; d <= 8; d++ {
		b.clock.Set(time.Date(2026, 6, d, 8, 5, 0, 0, tokyo))
		mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, stretch.ID, june(d), 0))
	}
	views := mustOK[[]lifeops.AchievementView](t)(b.svc.Achievements(ctx, u.ID))
	for _, v := range views {
		if v.Code != "streak_7" {
			continue
		}
		if !v.Unlocked || v.UnlockedOn != june(8) || v.Current != 7 {
			t.Errorf("streak_7 after the flight = unlocked %v on %s at %d/7, want unlocked on 2026-06-08 at 7/7", v.Unlocked, v.UnlockedOn, v.Current)
		}
		return
	}
	t.Fatal("no streak_7 achievement in the catalog")
}

// TestSkippedCalendarDay: Pacific/Apia skipped 2011-12-30 (midnight after
// the 29th was followed by the 31st). With the day starting at 04:00, the
// small hours of the 31st belong to the evening before, which is the 29th:
// the person's current day is never a date the zone skipped.
func TestSkippedCalendarDay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	apia, err := time.LoadLocation("Pacific/Apia")
	if err != nil {
		t.Fatal(err)
	}
	b := setup(t, time.Date(2011, 12, 28, 9, 0, 0, 0, apia))
	u := mustOK[lifeops.User](t)(b.svc.CreateUser(ctx, lifeops.NewUser{Name: "Sina", Zone: "Pacific/Apia"}))
	it := b.item(t, u.ID, "Journal", civil.Clock{Hour: 22})
	b.clock.Set(time.Date(2011, 12, 31, 1, 0, 0, 0, apia))
	today := mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, civil.Date{}))
	if want := civil.D(2011, 12, 29); today.Date != want {
		t.Errorf("the current day at 01:00 on the 31st = %s, want %s", today.Date, want)
	}
	out, err := b.svc.Complete(ctx, u.ID, it.ID, civil.Date{}, 0)
	if err != nil {
		t.Fatalf("completing the evening's item after midnight: %v", err)
	}
	if out.Date != civil.D(2011, 12, 29) {
		t.Errorf("completed the occurrence of %s, want 2011-12-29", out.Date)
	}
}

// TestPastDaysKeepTheirZone: after a move, the days lived before it keep
// the zone they were lived in: their feed shows each item at its time
// there, and scoring them again gives the scores they had (a completion on
// time in Berlin stays on time, one late in Berlin stays late).
func TestPastDaysKeepTheirZone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	berlin, ny := loadZone(t, "Europe/Berlin"), loadZone(t, "America/New_York")
	b := setup(t, time.Date(2026, 3, 8, 9, 0, 0, 0, berlin))
	u := b.user(t)
	stretch := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
	read := b.item(t, u.ID, "Read", civil.Clock{Hour: 7, Minute: 30})
	b.clock.Set(time.Date(2026, 3, 9, 7, 40, 0, 0, berlin)) // on time
	mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, stretch.ID, day(9), 0))
	b.clock.Set(time.Date(2026, 3, 9, 12, 0, 0, 0, berlin)) // late
	mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, read.ID, day(9), 0))
	before := mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, day(9)))
	feedBefore := mustOK[timeline.Feed](t)(b.svc.Feed(ctx, u.ID, day(9), timeline.ViewExpanded))

	// Land in New York on the 10th and set the zone.
	b.clock.Set(time.Date(2026, 3, 10, 15, 0, 0, 0, ny))
	mustOK[lifeops.User](t)(b.svc.UpdateProfile(ctx, u.ID, lifeops.ProfileUpdate{Zone: ptr("America/New_York")}))
	b.clock.Set(time.Date(2026, 3, 11, 9, 0, 0, 0, ny))
	after := mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, day(9)))
	if diff := cmp.Diff(before, after, cmpopts.IgnoreFields(lifeops.DayScores{}, "ComputedAt")); diff != "" {
		t.Errorf("scores of the 9th after the move (-before +after):\n%s", diff)
	}
	feedAfter := mustOK[timeline.Feed](t)(b.svc.Feed(ctx, u.ID, day(9), timeline.ViewExpanded))
	if diff := cmp.Diff(feedBefore, feedAfter); diff != "" {
		t.Errorf("feed of the 9th after the move (-before +after):\n%s", diff)
	}
	// The day of the move and the days after it are in the new zone.
	f11 := mustOK[timeline.Feed](t)(b.svc.Feed(ctx, u.ID, day(11), timeline.ViewExpanded))
	if len(f11.Entries) == 0 || !f11.Entries[0].Start.Equal(time.Date(2026, 3, 11, 7, 30, 0, 0, ny)) || f11.Timezone != "America/New_York" {
		t.Errorf("feed of the 11th = %+v, want 07:30 in New York", f11)
	}
}
