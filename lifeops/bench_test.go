package lifeops_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// benchHistory fills a store with days of history ending on the clock's
// day: six daily items, each completed on most days, and a health record a
// day. A non-empty rule adds a seventh item with that recurrence rule,
// started on the first day and completed on most days it is due.
func benchHistory(b *testing.B, days int, rule string) (*bundle, uuid.UUID, civil.Date) {
	b.Helper()
	ctx := context.Background()
	loc := berlin(b)
	last := civil.D(2026, 3, 10)
	first := last.AddDays(1 - days)
	bn := setup(b, time.Date(first.Year, first.Month, first.Day, 6, 0, 0, 0, loc))
	u := bn.user(b)
	var items []lifeops.Item
	for i := range 6 {
		items = append(items, bn.item(b, u.ID, fmt.Sprintf("Item %d", i), civil.Clock{Hour: 7 + 2*i}))
	}
	if rule != "" {
		it, err := bn.svc.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{
			Title: "Ruled", Kind: timeline.KindWorkout,
			Schedule: timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: first, RRule: rule},
			Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 19}}, DurationMinutes: 45,
		}})
		if err != nil {
			b.Fatal(err)
		}
		items = append(items, it)
	}
	plans := make([]*timeline.Plan, len(items))
	for i, it := range items {
		plans[i] = it.Item.Plan(loc)
	}
	var health []lifeops.HealthDay
	for d := first; !d.After(last); d = d.AddDays(1) {
		steps, total, eff := 6000+d.Day*150, 25000+d.Day*60, 85+d.Day%10
		health = append(health, lifeops.HealthDay{UserID: u.ID, Date: d, Source: "bench",
			Sleep: &lifeops.ProviderScore{Value: 70 + d.Day%25}, Readiness: &lifeops.ProviderScore{Value: 65 + d.Day%30},
			Activity: &lifeops.ProviderScore{Value: 60 + d.Day%35}, Steps: &steps, TotalSleepSeconds: &total, Efficiency: &eff})
		for i, it := range items {
			if (d.Day+i)%7 == 0 || !plans[i].DueOn(d) {
				continue // a miss now and then
			}
			at := time.Date(d.Year, d.Month, d.Day, 7+2*i, 10, 0, 0, loc)
			if _, _, err := bn.store.AddEvent(ctx, lifeops.Event{ID: uuid.New(), UserID: u.ID, ItemID: it.ID, Date: d,
				Kind: lifeops.EventCompleted, At: at, CreatedAt: at}); err != nil {
				b.Fatal(err)
			}
			if _, _, err := bn.store.AddXP(ctx, lifeops.XPEntry{UserID: u.ID, Key: fmt.Sprintf("completion:%s:%s", it.ID, d),
				Date: d, Kind: "completion", Points: 6, CreatedAt: at}); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := bn.store.PutHealthDays(ctx, health); err != nil {
		b.Fatal(err)
	}
	bn.clock.Set(time.Date(last.Year, last.Month, last.Day, 12, 0, 0, 0, loc))
	return bn, u.ID, last
}

// BenchmarkToday measures Today over a month and over a year of history.
// The floor is reading the same records from the store, which Today cannot
// avoid. Each iteration runs the floor and then Today, timed apart, so a
// machine busy with other work slows both alike: "x-floor" is Today's time
// over the floor's, "ns/today" is Today's own time, and "ns/day" is that per
// day of history, which stays flat when the cost is linear.
//
// The row "days=365,rule=count5000" adds an item whose recurrence rule has
// COUNT=5000 and no built-in equivalent, so that every question "is it due
// on D?" about it is one a plain Schedule.DueOn answers by walking the rule
// from its start.
func BenchmarkToday(b *testing.B) {
	for _, c := range []struct {
		days int
		rule string
	}{{30, ""}, {365, ""}, {365, "FREQ=DAILY;BYDAY=MO,WE,FR;COUNT=5000"}} {
		name := fmt.Sprintf("days=%d", c.days)
		if c.rule != "" {
			name += ",rule=count5000"
		}
		days := c.days
		b.Run(name, func(b *testing.B) {
			bn, userID, last := benchHistory(b, days, c.rule)
			ctx := context.Background()
			if _, err := bn.svc.Today(ctx, userID, civil.Date{}); err != nil {
				b.Fatal(err)
			}
			floor := func() {
				_, _ = bn.store.User(ctx, userID)
				_, _ = bn.store.Goals(ctx, userID)
				_, _ = bn.store.Items(ctx, userID)
				_, _ = bn.store.Events(ctx, userID, civil.D(1, 1, 1), last)
				_, _ = bn.store.HealthDays(ctx, userID, civil.D(1, 1, 1), last)
				_, _ = bn.store.WorkDays(ctx, userID, civil.D(1, 1, 1), last)
				_, _ = bn.store.XPEntries(ctx, userID, lifeops.XPQuery{})
				_, _ = bn.store.Achievements(ctx, userID)
			}
			var floorTime, todayTime time.Duration
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				t0 := time.Now()
				floor()
				t1 := time.Now()
				if _, err := bn.svc.Today(ctx, userID, civil.Date{}); err != nil {
					b.Fatal(err)
				}
				floorTime += t1.Sub(t0)
				todayTime += time.Since(t1)
			}
			n := float64(b.N)
			b.ReportMetric(float64(todayTime)/float64(floorTime), "x-floor")
			b.ReportMetric(float64(todayTime.Nanoseconds())/n, "ns/today")
			b.ReportMetric(float64(todayTime.Nanoseconds())/n/float64(days), "ns/day")
		})
	}
}

// BenchmarkComplete measures one completion (with its rescoring, streak and
// achievement settling) and its undo over a year of history, against the
// day's expanded feed measured the same way, interleaved: "x-feed" is the
// ratio.
func BenchmarkComplete(b *testing.B) {
	bn, userID, last := benchHistory(b, 365, "")
	ctx := context.Background()
	it := bn.item(b, userID, "Benchmarked", civil.Clock{Hour: 6})
	var feedTime, opTime time.Duration
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		t0 := time.Now()
		if _, err := bn.svc.Feed(ctx, userID, last, timeline.ViewExpanded); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if _, err := bn.svc.Complete(ctx, userID, it.ID, last, 0); err != nil {
			b.Fatal(err)
		}
		if _, err := bn.svc.Undo(ctx, userID, it.ID, last, 0); err != nil {
			b.Fatal(err)
		}
		feedTime += t1.Sub(t0)
		opTime += time.Since(t1)
	}
	b.ReportMetric(float64(opTime)/float64(feedTime), "x-feed")
	b.ReportMetric(float64(opTime.Nanoseconds())/float64(b.N), "ns/complete+undo")
}
