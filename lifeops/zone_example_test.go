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

// A flight east that jumps a whole day: setting the new zone records the
// move, and the day spent in the air neither breaks the streak nor costs a
// freeze.
func ExampleService_UpdateProfile() {
	ctx := context.Background()
	la, _ := time.LoadLocation("America/Los_Angeles")
	now := time.Date(2026, 6, 1, 7, 0, 0, 0, la)
	svc, _ := lifeops.New(&lifeops.Config{Store: memstore.New(), Clock: lifeops.ClockFunc(func() time.Time { return now })})
	ada, _ := svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "America/Los_Angeles"})
	stretch, _ := svc.CreateItem(ctx, ada.ID, lifeops.Item{Item: timeline.Item{
		Title: "Stretch", Kind: timeline.KindHabit,
		Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
		Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 8}},
	}})
	for d := 1; d <= 10; d++ { // ten days in Los Angeles, every one done
		now = time.Date(2026, 6, d, 8, 5, 0, 0, la)
		svc.Complete(ctx, ada.ID, stretch.ID, civil.D(2026, time.June, d), 0)
	}

	// Leave LAX late on the 10th, land in Tokyo early on the 12th.
	now = time.Date(2026, 6, 11, 20, 0, 0, 0, time.UTC)
	if _, err := svc.UpdateProfile(ctx, ada.ID, lifeops.ProfileUpdate{Zone: new("Asia/Tokyo")}); err != nil {
		fmt.Println(err)
		return
	}
	moves, _ := svc.ZoneChanges(ctx, ada.ID)
	for _, m := range moves {
		fmt.Println("moved", m.From, "→", m.To, "at", m.At.Format(time.RFC3339))
	}
	today, _ := svc.Today(ctx, ada.ID, civil.Date{})
	st := today.Streaks[1] // [0] is the day goal
	fmt.Printf("%s: %s streak %d, %d freeze(s), at risk %v\n", today.Date, st.Title, st.Current, st.Freezes, st.AtRisk)
	// Output:
	// moved America/Los_Angeles → Asia/Tokyo at 2026-06-11T20:00:00Z
	// 2026-06-12: Stretch streak 10, 1 freeze(s), at risk true
}
