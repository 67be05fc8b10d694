package lifeops_test

import (
	"context"
	"fmt"
	"time"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/timeline"
)

// A Service on the in-memory store: a person, one morning routine, a
// completion, and the day at a glance. The clock is fixed so the output is
// too; leave Config.Clock nil in production.
func ExampleService() {
	ctx := context.Background()
	loc, _ := time.LoadLocation("Europe/Berlin")
	now := time.Date(2026, 3, 10, 7, 40, 0, 0, loc)
	svc, err := lifeops.New(&lifeops.Config{
		Store: memstore.New(),
		Clock: lifeops.ClockFunc(func() time.Time { return now }),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	ada, _ := svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"})
	stretch, _ := svc.CreateItem(ctx, ada.ID, lifeops.Item{Item: timeline.Item{
		Title: "Stretch", Kind: timeline.KindRoutine,
		Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
		Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 7, Minute: 30}},
	}})

	done, err := svc.Complete(ctx, ada.ID, stretch.ID, civil.Date{Year: 2026, Month: time.March, Day: 10})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("award:", done.Award.Points, "XP,", done.Award.Reason)

	today, _ := svc.Today(ctx, ada.ID, civil.Date{}) // the zero date: Ada's current day
	fmt.Println("day:", today.Date)
	fmt.Println("life score:", today.LifeScore.Value, "missing", today.LifeScore.Missing)
	fmt.Printf("level %d, %d XP\n", today.XP.Level, today.XP.Total)
	fmt.Println(today.Message)
	// Output:
	// award: 6 XP, Completed "Stretch", on time
	// day: 2026-03-10
	// life score: 100.0 missing [sleep activity work_life]
	// level 2, 196 XP
	// Life Score 100.0: an optimal day. Achievement unlocked: First step and 2 more.
}
