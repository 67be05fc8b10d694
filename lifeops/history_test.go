package lifeops_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// TestRuleItemsOverHistory completes items with recurrence rules (one with
// a COUNT, one with BYSETPOS) on the days they are due, day after day, and
// checks what the history makes of them: which days they are due, their
// streaks, the day's habits, and the refusal of days they are not due.
func TestRuleItemsOverHistory(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 2, 23, 6, 0, 0, 0, loc))
	u := b.user(t)
	rule := func(title, src string, start civil.Date, at int) lifeops.Item {
		return mustOK[lifeops.Item](t)(b.svc.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{
			Title: title, Kind: timeline.KindHabit,
			Schedule: timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: start, RRule: src},
			Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: at}}, DurationMinutes: 30,
		}}))
	}
	// Mon, Wed and Fri, six times: Mar 2, 4, 6, 9, 11 and 13.
	counted := rule("Swim", "FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=6", day(2), 18)
	// The last weekday of the month: Feb 27 and Mar 31.
	lastWeekday := rule("Report", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", civil.D(2026, 1, 1), 9)

	var swims []civil.Date
	var last lifeops.Outcome
	for d := civil.D(2026, 2, 23); !d.After(day(16)); d = d.AddDays(1) {
		b.clock.Set(time.Date(d.Year, d.Month, d.Day, 20, 0, 0, 0, loc))
		if d == civil.D(2026, 2, 27) {
			mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, lastWeekday.ID, d, 0))
		}
		_, err := b.svc.Complete(ctx, u.ID, counted.ID, d, 0)
		if lifeops.ErrorCode(err) == lifeops.CodeInvalid {
			continue // not due that day
		}
		swims = append(swims, d)
		if d == day(9) {
			mustOK[lifeops.Outcome](t)(b.svc.Undo(ctx, u.ID, counted.ID, d, 0)) // missed after all
			continue
		}
		if err != nil {
			t.Fatalf("Complete %s: %v", d, err)
		}
		last = mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, counted.ID, d, 0))
	}
	want := []civil.Date{day(2), day(4), day(6), day(9), day(11), day(13)}
	if diff := cmp.Diff(want, swims); diff != "" {
		t.Errorf("days the counted rule was due (-want +got):\n%s", diff)
	}
	if last.Streak == nil || last.Streak.Current != 2 || last.Streak.Longest != 3 {
		t.Errorf("streak after the last swim = %+v, want current 2, longest 3", last.Streak)
	}

	today := mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, civil.Date{}))
	got := map[string][2]int{}
	for _, s := range today.Streaks {
		got[s.Title] = [2]int{s.Current, s.Longest}
	}
	if diff := cmp.Diff(map[string][2]int{"Day goal": got["Day goal"], "Swim": {2, 3}, "Report": {1, 1}}, got); diff != "" {
		t.Errorf("streaks on %s (-want +got):\n%s", today.Date, diff)
	}
	// Nothing was due on Tuesday Mar 10: no habits score. One swim was due
	// and done late on Mar 13 (at 20:00, for 18:00).
	tue := mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, day(10)))
	fri := mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, day(13)))
	if tue.Habits != nil || fri.Habits == nil || !fri.Habits.Value.Equal(decimal.NewFromInt(80)) {
		t.Errorf("habits of Mar 10 = %+v, of Mar 13 = %+v; want none and 80", tue.Habits, fri.Habits)
	}
}

// TestLevelAchievementsFromTheLedger earns the level achievements from XP
// spread over days before anything else happened (a day of two entries, a
// day that takes XP back) and checks that their unlock days are the days
// the running total first reached the level, and that counting from a
// stored standing gives what counting every day gives.
func TestLevelAchievementsFromTheLedger(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, loc)
	grants := []struct {
		day    int
		points int64
	}{{1, 300}, {1, 450}, {3, -200}, {4, 900}, {6, 1500}, {8, 4000}}

	run := func(settleFirst bool) (lifeops.Outcome, []lifeops.AchievementView, lifeops.XPLedger) {
		st := memstore.New()
		var s lifeops.Store = st
		clk := &testClock{t: now}
		svc := mustOK[*lifeops.Service](t)(lifeops.New(&lifeops.Config{Store: s, Clock: clk}))
		u := mustOK[lifeops.User](t)(svc.CreateUser(ctx, lifeops.NewUser{ID: uuid.UUID{1}, Name: "Ada", Zone: "Europe/Berlin"}))
		it := mustOK[lifeops.Item](t)(svc.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{ID: uuid.UUID{2},
			Title: "Stretch", Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 8}}, DurationMinutes: 10}}))
		for i, g := range grants {
			at := time.Date(2026, 3, g.day, 12, i, 0, 0, loc)
			mustOK[lifeops.XPEntry](t)(func() (lifeops.XPEntry, error) {
				e, _, err := st.AddXP(ctx, lifeops.XPEntry{UserID: u.ID, Key: fmt.Sprintf("grant:%d", i), Date: day(g.day),
					Kind: "grant", Points: g.points, Reason: "test grant", CreatedAt: at})
				return e, err
			}())
		}
		if settleFirst {
			mustOK[lifeops.Settled](t)(svc.Settle(ctx, u.ID))
		}
		out := mustOK[lifeops.Outcome](t)(svc.Complete(ctx, u.ID, it.ID, day(10), 0))
		views := mustOK[[]lifeops.AchievementView](t)(svc.Achievements(ctx, u.ID))
		ledger := mustOK[lifeops.XPLedger](t)(svc.XP(ctx, u.ID, lifeops.XPQuery{}))
		return out, views, ledger
	}
	summed, summedViews, summedLedger := run(false)
	whole, wholeViews, wholeLedger := run(true)
	ignoreIDs := cmpopts.IgnoreFields(lifeops.Event{}, "ID")
	ignoreTimes := cmpopts.IgnoreFields(lifeops.Achievement{}, "UnlockedAt")
	// Settling first unlocks the levels there, not in the completion.
	ignoreNew := cmpopts.IgnoreFields(lifeops.Outcome{}, "NewAchievements")
	if diff := cmp.Diff(whole, summed, ignoreIDs, ignoreTimes, ignoreNew); diff != "" {
		t.Errorf("outcome (-settled first +not):\n%s", diff)
	}
	if diff := cmp.Diff(wholeViews, summedViews); diff != "" {
		t.Errorf("achievements (-settled first +not):\n%s", diff)
	}
	if diff := cmp.Diff(wholeLedger, summedLedger, cmpopts.IgnoreFields(lifeops.XPEntry{}, "CreatedAt")); diff != "" {
		t.Errorf("ledger (-settled first +not):\n%s", diff)
	}

	// The day each level was first reached, from the running total of the
	// grants alone (the completion's and achievements' XP come on Mar 10).
	reached := map[int]civil.Date{}
	var total int64
	for i, g := range grants {
		total += g.points
		if i+1 < len(grants) && grants[i+1].day == g.day {
			continue
		}
		lv := mustOK[score.Level](t)(score.LevelFor(total))
		for l := 1; l <= lv.Level; l++ {
			if _, ok := reached[l]; !ok {
				reached[l] = day(g.day)
			}
		}
	}
	got := map[string]civil.Date{}
	for _, v := range summedViews {
		if strings.HasPrefix(v.Code, "level_") && v.Unlocked {
			got[v.Code] = v.UnlockedOn
		}
	}
	want := map[string]civil.Date{"level_5": reached[5], "level_10": reached[10]}
	if reached[5].IsZero() || reached[10].IsZero() || !reached[25].IsZero() {
		t.Fatalf("the grants reach levels %v: the test needs 5 and 10, not 25", reached)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("level unlock days (-want +got):\n%s", diff)
	}
}

// TestZeroDateIsToday: complete, skip, postpone and undo, and the reads of
// one day, take a zero date as the person's current day, which begins at their day-start hour (at
// 02:00 on Mar 11 it is still Mar 10).
func TestZeroDateIsToday(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 10, 7, 0, 0, 0, loc))
	u := b.user(t)
	it := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 21})
	b.clock.Set(time.Date(2026, 3, 11, 2, 0, 0, 0, loc))

	done := mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, civil.Date{}, 0))
	undone := mustOK[lifeops.Outcome](t)(b.svc.Undo(ctx, u.ID, it.ID, civil.Date{}, 0))
	skipped := mustOK[lifeops.Outcome](t)(b.svc.Skip(ctx, u.ID, it.ID, civil.Date{}, 0, "tired"))
	mustOK[lifeops.Outcome](t)(b.svc.Undo(ctx, u.ID, it.ID, civil.Date{}, 0))
	moved := mustOK[lifeops.Outcome](t)(b.svc.Postpone(ctx, u.ID, it.ID, civil.Date{}, 0, lifeops.Postponement{Minutes: 30}))
	got := []civil.Date{done.Date, undone.Date, skipped.Date, moved.Date}
	if diff := cmp.Diff([]civil.Date{day(10), day(10), day(10), day(10)}, got); diff != "" {
		t.Errorf("dates of the outcomes (-want +got):\n%s", diff)
	}
	if len(done.Events) != 1 || done.Events[0].Date != day(10) || len(undone.Events) != 0 {
		t.Errorf("events: completed %+v, after undo %+v", done.Events, undone.Events)
	}
	if moved.Entry == nil || !moved.Entry.Start.Equal(time.Date(2026, 3, 10, 21, 30, 0, 0, loc)) {
		t.Errorf("postponed entry = %+v, want a start at 21:30 on Mar 10", moved.Entry)
	}
	// So do the reads of one day.
	mustOK[lifeops.WorkDay](t)(b.svc.PutWorkDay(ctx, u.ID, lifeops.WorkDay{UserID: u.ID, Date: day(10), WorkMinutes: 400}))
	if err := b.store.PutHealthDays(ctx, []lifeops.HealthDay{{UserID: u.ID, Date: day(10), Steps: ptr(5000)}}); err != nil {
		t.Fatal(err)
	}
	hd := mustOK[lifeops.HealthDay](t)(b.svc.HealthDay(ctx, u.ID, civil.Date{}))
	sc := mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, civil.Date{}))
	f := mustOK[timeline.Feed](t)(b.svc.Feed(ctx, u.ID, civil.Date{}, timeline.ViewDefault))
	today := mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, civil.Date{}))
	if diff := cmp.Diff([]civil.Date{day(10), day(10), day(10), day(10)}, []civil.Date{hd.Date, sc.Date, f.Date, today.Date}); diff != "" {
		t.Errorf("dates of the health day, scores, feed and Today (-want +got):\n%s", diff)
	}
}
