package servicetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// Now is the instant the scenarios and seeded histories live at: 21:00 on
// Tuesday 10 March 2026 in Berlin, when every occurrence of the day has
// begun and none is done yet.
func Now() time.Time { return now }

// Seeded is a person [Seed] made.
type Seeded struct {
	ID    uuid.UUID
	Items []uuid.UUID // eight daily items, from 06:30 to 22:00
}

// Seed stores a person in Berlin with a history of days days before the
// day of [Now], as a real person leaves one: eight daily items, most of
// them done on most days (some skipped, some missed), each completion with
// its XP, and the ring's sleep and activity every day but a few. The days
// are then settled (see [lifeops.Service.Settle]), as a scheduler would
// have; the day of Now has nothing done yet. The same days give the same
// history.
func Seed(ctx context.Context, s lifeops.Store, days int) (Seeded, error) {
	first := today.AddDays(-days)
	at := func(d civil.Date, hour, minute int) time.Time {
		return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, berlin())
	}
	created := at(first.AddDays(-1), 12, 0)
	setup, err := lifeops.New(&lifeops.Config{Store: s, Clock: lifeops.ClockFunc(func() time.Time { return created })})
	if err != nil {
		return Seeded{}, err
	}
	u, err := setup.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"})
	if err != nil {
		return Seeded{}, err
	}
	out := Seeded{ID: u.ID}
	hours := []civil.Clock{{Hour: 6, Minute: 30}, {Hour: 7}, {Hour: 8}, {Hour: 12}, {Hour: 13}, {Hour: 18}, {Hour: 19}, {Hour: 22}}
	for i, h := range hours {
		it, err := setup.CreateItem(ctx, u.ID, lifeops.Item{Item: timeline.Item{
			Title: fmt.Sprintf("Routine %d", i+1), Kind: timeline.KindHabit,
			Schedule:        timeline.Schedule{Type: timeline.ScheduleDaily},
			Anchor:          timeline.Anchor{Type: timeline.AnchorFixed, Time: h},
			DurationMinutes: 15,
		}})
		if err != nil {
			return Seeded{}, err
		}
		out.Items = append(out.Items, it.ID)
	}
	r := rand.New(rand.NewPCG(uint64(days), 42))
	err = s.Update(ctx, u.ID, func(tx lifeops.Store) error {
		var health []lifeops.HealthDay
		for d := first; d.Before(today); d = d.AddDays(1) {
			if r.IntN(20) > 0 {
				wake := at(d, 6, 40+r.IntN(20))
				bed := wake.Add(-time.Duration(7*60+r.IntN(90)) * time.Minute)
				health = append(health, lifeops.HealthDay{UserID: u.ID, Date: d, Source: "seed",
					Sleep:    &lifeops.ProviderScore{Value: 65 + r.IntN(30)},
					Activity: &lifeops.ProviderScore{Value: 60 + r.IntN(35)}, Steps: ptr(4000 + r.IntN(9000)),
					TotalSleepSeconds: ptr(int(wake.Sub(bed).Seconds())), Bedtime: &bed, WakeTime: &wake, UpdatedAt: created})
			}
			var xp []lifeops.XPEntry
			for i, id := range out.Items {
				roll := r.IntN(20)
				if roll >= 17 {
					continue // missed
				}
				kind := lifeops.EventCompleted
				if roll == 16 {
					kind = lifeops.EventSkipped
				}
				when := at(d, hours[i].Hour, hours[i].Minute).Add(time.Duration(r.IntN(40)) * time.Minute)
				if _, _, err := tx.AddEvent(ctx, lifeops.Event{ID: uuid.New(), UserID: u.ID, ItemID: id, Date: d, Kind: kind, At: when, CreatedAt: when}); err != nil {
					return err
				}
				if kind == lifeops.EventCompleted {
					a, err := score.CompletionAward(score.Completion{ItemID: id.String(), Date: d, Difficulty: score.Difficulty(lifeops.DifficultyEasy), OnTime: true})
					if err != nil {
						return err
					}
					xp = append(xp, lifeops.XPEntry{UserID: u.ID, Key: a.Key, Date: d, Kind: string(a.Kind), Points: a.Points,
						Reason: "Completed", ItemID: id, CreatedAt: when})
				}
			}
			if err := tx.UpdateXP(ctx, u.ID, xp, nil); err != nil {
				return err
			}
		}
		return tx.PutHealthDays(ctx, health)
	})
	if err != nil {
		return Seeded{}, err
	}
	svc, err := lifeops.New(&lifeops.Config{Store: s, Clock: lifeops.ClockFunc(Now)})
	if err != nil {
		return Seeded{}, err
	}
	if _, err := svc.Settle(ctx, u.ID); err != nil {
		return Seeded{}, err
	}
	return out, nil
}
