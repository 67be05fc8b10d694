package memstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/lifeops/servicetest"
	"github.com/lifeops/lifeops/store/storetest"
	"github.com/lifeops/lifeops/timeline"
)

// TestConformance runs the shared store suite against the in-memory store.
func TestConformance(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) lifeops.Store { return memstore.New() })
}

// TestService runs the Service's concurrency scenarios on the in-memory
// store.
func TestService(t *testing.T) {
	t.Parallel()
	servicetest.Run(t, servicetest.Backend{New: func(*testing.T) (lifeops.Store, string) { return memstore.New(), "" }})
}

// TestScoresDoNotAlias: the store keeps its own copy of every slice of a
// day's scores, as a SQL store does: changing the slices of a stored or a
// returned value afterwards changes nothing stored.
func TestScoresDoNotAlias(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := memstore.New()
	u := lifeops.User{ID: uuid.New(), Name: "Ada", Zone: "UTC", WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23}}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	v := decimal.RequireFromString("80")
	contributor := func() lifeops.Contributor {
		return lifeops.Contributor{Name: "sleep_score", Value: v, Weight: decimal.NewFromInt(1), Effect: v,
			Parts: []lifeops.ContributorPart{{Name: "rem_sleep", Value: 70}}}
	}
	sc := lifeops.DayScores{UserID: u.ID, Date: civil.D(2026, 3, 10), Life: &v,
		LifeParts:  []lifeops.Contributor{contributor()},
		Sleep:      &lifeops.DomainScore{Value: v, Contributors: []lifeops.Contributor{contributor()}},
		ComputedAt: time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)}
	if err := s.PutScores(ctx, sc); err != nil {
		t.Fatal(err)
	}
	want := func() []lifeops.DayScores {
		t.Helper()
		got, err := s.Scores(ctx, u.ID, sc.Date, sc.Date)
		if err != nil || len(got) != 1 {
			t.Fatalf("Scores = %v, %v", got, err)
		}
		return got
	}
	before := want()
	scribble := func(d lifeops.DayScores) {
		d.LifeParts[0].Name = "changed"
		d.LifeParts[0].Parts[0].Value = 1
		d.Sleep.Contributors[0].Parts[0].Name = "changed"
	}
	scribble(sc)
	scribble(before[0])
	if diff := cmp.Diff(want(), []lifeops.DayScores{{UserID: u.ID, Date: sc.Date, Life: &v,
		LifeParts:  []lifeops.Contributor{contributor()},
		Sleep:      &lifeops.DomainScore{Value: v, Contributors: []lifeops.Contributor{contributor()}},
		ComputedAt: sc.ComputedAt}}); diff != "" {
		t.Errorf("stored scores changed through a caller's slices (-stored +want):\n%s", diff)
	}
}

// TestItemsDoNotAlias: changing the slices of an item read from the store
// (its weekdays, its except and extra dates, its times) changes nothing
// stored.
func TestItemsDoNotAlias(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := memstore.New()
	u := lifeops.User{ID: uuid.New(), Name: "Ada", Zone: "UTC", WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23}}
	if err := s.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	it := lifeops.Item{Item: timeline.Item{ID: uuid.New(), Title: "Water", Kind: timeline.KindHabit,
		Schedule: timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday, time.Friday},
			ExceptDates: []civil.Date{civil.D(2026, 4, 3)}, ExtraDates: []civil.Date{civil.D(2026, 4, 4)}},
		Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Times: []civil.Clock{{Hour: 9}, {Hour: 12}}}, DurationMinutes: 5},
		UserID: u.ID, Difficulty: lifeops.DifficultyEasy}
	if err := s.CreateItem(ctx, it); err != nil {
		t.Fatal(err)
	}
	read := func() lifeops.Item {
		t.Helper()
		got, err := s.Item(ctx, u.ID, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	before := read()
	scribble := read()
	scribble.Schedule.Days[0] = time.Sunday
	scribble.Schedule.ExceptDates[0] = civil.D(2000, 1, 1)
	scribble.Schedule.ExtraDates[0] = civil.D(2000, 1, 1)
	scribble.Anchor.Times[0] = civil.Clock{Hour: 3}
	if diff := cmp.Diff(before, read()); diff != "" {
		t.Errorf("changing a read item changed the stored one (-before +after):\n%s", diff)
	}
}
