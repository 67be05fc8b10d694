package lifeops_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// TestCompleteAwardsEveryValidItem: every item that validates completes and
// earns its XP, at the edges of what an item allows: a title of the longest
// length (the ledger reason has a shorter limit) and the largest XP value
// the timeline package accepts.
func TestCompleteAwardsEveryValidItem(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name      string
		title     string
		xp        *int
		wantBase  int64
		wantTitle string // a prefix of the reason
	}{
		{"longest title", strings.Repeat("é", timeline.MaxTitleLength), nil, 5, `Completed "éé`},
		{"largest xp", "Deep work", ptr(timeline.MaxXP), timeline.MaxXP, `Completed "Deep work"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, time.Date(2026, 3, 10, 7, 40, 0, 0, berlin(t)))
			u := b.user(t)
			it := mustOK[lifeops.Item](t)(b.svc.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{
				Title: tt.title, Kind: timeline.KindHabit, XP: tt.xp,
				Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
				Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 7, Minute: 30}}, DurationMinutes: 15,
			}}))
			out, err := b.svc.Complete(ctx, u.ID, it.ID, day(10), 0)
			if err != nil {
				t.Fatalf("Complete: %v", err)
			}
			if out.Award == nil || len(out.Award.Parts) == 0 || out.Award.Parts[0].Points != tt.wantBase {
				t.Fatalf("award %+v, want a base of %d", out.Award, tt.wantBase)
			}
			if !strings.HasPrefix(out.Award.Reason, tt.wantTitle) || len(out.Award.Reason) > 200 {
				t.Errorf("reason %q (%d bytes), want it to start %q and fit the ledger", out.Award.Reason, len(out.Award.Reason), tt.wantTitle)
			}
		})
	}
}

// TestUndoAndPostponeRescoreTheDayAnOccurrenceLeft: an occurrence postponed
// to a later day counts on that day. When an undo, or a postponement to yet
// another place, takes it away again, that day is scored again and its
// bonuses settled: here the day becomes perfect once the open occurrence
// moved in from the day before is gone. The other occurrences' events stay
// as they were while the postponement is replaced.
func TestUndoAndPostponeRescoreTheDayAnOccurrenceLeft(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	at := func(d, hh, mm int) time.Time { return time.Date(2026, 3, d, hh, mm, 0, 0, loc) }
	for _, how := range []string{"undo", "postpone again"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			b := setup(t, at(10, 7, 0))
			u := b.user(t)
			a := b.item(t, u.ID, "Stretch", civil.Clock{Hour: 7, Minute: 30})
			c := b.item(t, u.ID, "Read", civil.Clock{Hour: 7, Minute: 30})
			mustOK[lifeops.Outcome](t)(b.svc.Postpone(ctx, u.ID, a.ID, day(10), 0, lifeops.Postponement{ToDate: day(11)}))
			b.clock.Set(at(11, 7, 40))
			mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, a.ID, day(11), 0))
			mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, c.ID, day(11), 0))
			if hasXP(t, b, u.ID, score.PerfectDayKey(day(11))) {
				t.Fatal("the 11th is perfect with the occurrence moved in from the 10th still open")
			}
			b.clock.Set(at(13, 9, 0))
			switch how {
			case "undo":
				mustOK[lifeops.Outcome](t)(b.svc.Undo(ctx, u.ID, a.ID, day(10), 0))
			default:
				mustOK[lifeops.Outcome](t)(b.svc.Postpone(ctx, u.ID, a.ID, day(10), 0, lifeops.Postponement{ToDate: day(12)}))
			}
			if !hasXP(t, b, u.ID, score.PerfectDayKey(day(11))) {
				t.Error("the 11th, perfect once the moved occurrence left it, has no perfect-day bonus")
			}
			stored := mustOK[[]lifeops.DayScores](t)(b.svc.Scores(ctx, u.ID, day(11), day(11)))
			fresh := mustOK[lifeops.DayScores](t)(b.svc.ScoreDay(ctx, u.ID, day(11)))
			if len(stored) != 1 || stored[0].Habits == nil || !stored[0].Habits.Value.Equal(fresh.Habits.Value) {
				t.Errorf("stored habits of the 11th = %+v, want them scored again (%+v)", stored[0].Habits, fresh.Habits)
			}
		})
	}
}
