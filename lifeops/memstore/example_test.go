package memstore_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
)

// The in-memory store keeps a real store's promises: here, an XP award is
// recorded once however often it is sent.
func ExampleNew() {
	ctx := context.Background()
	s := memstore.New()
	u := lifeops.User{ID: uuid.MustParse("00000000-0000-4000-8000-000000000001"), Name: "Ada", Zone: "UTC",
		WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23}}
	if err := s.CreateUser(ctx, u); err != nil {
		fmt.Println(err)
		return
	}
	award := lifeops.XPEntry{UserID: u.ID, Key: "perfect_day:2026-03-10", Date: civil.D(2026, 3, 10), Kind: "perfect_day", Points: 25}
	for range 3 {
		_, created, _ := s.AddXP(ctx, award)
		fmt.Println("created:", created)
	}
	total, _ := s.XPTotal(ctx, u.ID)
	fmt.Println("total:", total)
	_, err := s.User(ctx, uuid.New())
	fmt.Println(errors.Is(err, lifeops.ErrNotFound))
	// Output:
	// created: true
	// created: false
	// created: false
	// total: 25
	// true
}

// MergeHealthDays writes one kind's fields of a day and leaves the others
// as whoever wrote them left them.
func ExampleStore_MergeHealthDays() {
	ctx := context.Background()
	s := memstore.New()
	u := lifeops.User{ID: uuid.MustParse("00000000-0000-4000-8000-000000000002"), Name: "Ada", Zone: "UTC",
		WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23}}
	if err := s.CreateUser(ctx, u); err != nil {
		fmt.Println(err)
		return
	}
	d := civil.D(2026, 3, 10)
	steps := 9000
	sleep := lifeops.HealthDay{UserID: u.ID, Date: d, Sleep: &lifeops.ProviderScore{Value: 84}, Steps: &steps}
	activity := lifeops.HealthDay{UserID: u.ID, Date: d, Activity: &lifeops.ProviderScore{Value: 70}}
	fmt.Println(s.MergeHealthDays(ctx, lifeops.KindDailySleep, []lifeops.HealthDay{sleep}))
	fmt.Println(s.MergeHealthDays(ctx, lifeops.KindDailyActivity, []lifeops.HealthDay{activity}))
	days, _ := s.HealthDays(ctx, u.ID, d, d)
	fmt.Println(days[0].Sleep.Value, days[0].Activity.Value, days[0].Steps == nil)
	// Output:
	// <nil>
	// <nil>
	// 84 70 true
}
