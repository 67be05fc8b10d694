package lifeops_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
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
			Schedule: timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: start, RRule: src, WeekStart: time.Monday},
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
			mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, lastWeekday.ID, d))
		}
		_, err := b.svc.Complete(ctx, u.ID, counted.ID, d)
		if lifeops.ErrorCode(err) == lifeops.CodeInvalid {
			continue // not due that day
		}
		swims = append(swims, d)
		if d == day(9) {
			mustOK[lifeops.Outcome](t)(b.svc.Undo(ctx, u.ID, counted.ID, d)) // missed after all
			continue
		}
		if err != nil {
			t.Fatalf("Complete %s: %v", d, err)
		}
		last = mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, counted.ID, d))
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
