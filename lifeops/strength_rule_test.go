package lifeops_test

import (
	"context"
	"testing"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// TestStrengthOfARuleIsThatOfItsKind: an item due Monday to Saturday by an
// RRULE has the habit strength of the same item written as a weekly
// schedule, done on the same days. The rule's frequency is measured over a
// year; counted over a year's window, two months at 70% read as 1%.
func TestStrengthOfARuleIsThatOfItsKind(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	loc := berlin(t)
	start := civil.D(2026, 1, 5) // a Monday
	b := setup(t, time.Date(2026, 1, 5, 8, 0, 0, 0, loc))
	u := b.user(t)
	mk := func(title string, s timeline.Schedule) lifeops.Item {
		s.StartDate = start
		return mustOK[lifeops.Item](t)(b.svc.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{
			Title: title, Kind: timeline.KindHabit, Schedule: s,
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 9}}, DurationMinutes: 10}}))
	}
	weekly := mk("Weekly", timeline.Schedule{Type: timeline.ScheduleWeekly,
		Days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}})
	rule := mk("Rule", timeline.Schedule{Type: timeline.ScheduleRRule, RRule: "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA"})
	for i := range 60 {
		d := start.AddDays(i)
		if d.Weekday() == time.Sunday || i%10 >= 7 {
			continue // done on 7 days in 10 of those it is due
		}
		b.clock.Set(time.Date(d.Year, d.Month, d.Day, 9, 5, 0, 0, loc))
		for _, it := range []lifeops.Item{weekly, rule} {
			mustOK[lifeops.Outcome](t)(b.svc.Complete(ctx, u.ID, it.ID, d, 0))
		}
	}
	today := mustOK[lifeops.Today](t)(b.svc.Today(ctx, u.ID, civil.Date{}))
	strength := map[string]float64{}
	for _, s := range today.Streaks {
		if s.Strength != nil {
			strength[s.Title] = s.Strength.InexactFloat64()
		}
	}
	if strength["Rule"] != strength["Weekly"] || strength["Weekly"] < 30 {
		t.Errorf("habit strengths %v; want the rule's equal to the weekly schedule's, which is past 30", strength)
	}
}
