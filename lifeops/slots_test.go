package lifeops_test

import (
	"context"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// TestSeveralTimesADay: an item due at 09:00, 12:00 and 15:00 has three
// occurrences a day, each completed, skipped, undone and awarded on its
// own; the day's habits count all three, and the item's streak counts the
// day done only when every occurrence not skipped is done.
func TestSeveralTimesADay(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	b := setup(t, time.Date(2026, 3, 9, 20, 0, 0, 0, loc))
	u := b.user(t)
	water := mustOK[lifeops.Item](t)(b.svc.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{
		Title: "Water", Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
		Anchor:          timeline.Anchor{Type: timeline.AnchorFixed, Times: []civil.Clock{{Hour: 9}, {Hour: 12}, {Hour: 15}}},
		DurationMinutes: 5,
	}}))
	b.clock.Set(time.Date(2026, 3, 10, 20, 0, 0, 0, loc))

	for slot := range 3 {
		out := mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, water.ID, day(10), slot))
		if out.Slot != slot || out.Award == nil || out.Award.Key != score.CompletionKey(water.ID.String(), day(10), slot) {
			t.Fatalf("completion of slot %d: %+v", slot, out)
		}
		if out.Entry == nil || out.Entry.Slot != slot {
			t.Errorf("completion of slot %d: entry %+v", slot, out.Entry)
		}
		wantStreak := 0
		if slot == 2 {
			wantStreak = 1 // the day is done once all three are
		}
		if out.Streak.Current != wantStreak {
			t.Errorf("after slot %d the streak is %d, want %d", slot, out.Streak.Current, wantStreak)
		}
	}
	today := mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, day(10)))
	if today.Domains.Habits == nil {
		t.Fatal("no habits score")
	}
	if c := today.Domains.Habits.Contributors[0]; c.Value.String() != "100.0" || c.Input != "3 of 3 items done, 0 skipped" {
		t.Errorf("habits' completed contributor %+v, want all three occurrences counted and done", c)
	}

	// Undoing the middle one takes back only its XP, and the day is no
	// longer done.
	before := mustOK[lifeops.XPLedger](t)(b.svc.XP(ctx, u.ID, lifeops.XPQuery{}))
	undone := mustOK[lifeops.Outcome](t)(b.svc.Undo(ctx, u.ID, water.ID, day(10), 1))
	if undone.Award != nil || len(undone.Events) != 0 || undone.Streak.Current != 0 {
		t.Errorf("undo of slot 1: %+v", undone)
	}
	after := mustOK[lifeops.XPLedger](t)(b.svc.XP(ctx, u.ID, lifeops.XPQuery{}))
	if lost := before.Total - after.Total; lost <= 0 || len(after.Entries) >= len(before.Entries) {
		t.Errorf("undo of slot 1 took back %d XP, from %d entries to %d", lost, len(before.Entries), len(after.Entries))
	}
	for _, e := range after.Entries {
		if e.Key == score.CompletionKey(water.ID.String(), day(10), 1) {
			t.Error("slot 1's completion XP is still there")
		}
	}

	// A skipped slot is neutral: skipping slot 1 makes the day done again.
	skipped := mustOK[lifeops.Outcome](t)(b.svc.Skip(ctx, u.ID, water.ID, day(10), 1, "out"))
	if skipped.Streak.Current != 1 {
		t.Errorf("with slot 1 skipped and the others done the streak is %d, want 1", skipped.Streak.Current)
	}

	// There is no fourth slot.
	_, err := b.svc.Complete(ctx, u.ID, water.ID, day(10), 3)
	wantCode(t, err, lifeops.CodeInvalid)
	if diff := fields(err); len(diff) != 1 || diff[0] != "slot" {
		t.Errorf("a fourth slot: fields %v, want slot", diff)
	}
}
