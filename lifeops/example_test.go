package lifeops_test

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/google/uuid"

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

	done, err := svc.Complete(ctx, ada.ID, stretch.ID, civil.Date{Year: 2026, Month: time.March, Day: 10}, 0)
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

// ErrorCode and ErrorMessage tell an adapter how to answer: one code per
// status, and a message that is safe to show.
func ExampleErrorCode() {
	ctx := context.Background()
	svc, _ := lifeops.New(&lifeops.Config{Store: memstore.New()})
	_, err := svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Mars/Olympus"})
	fmt.Println(lifeops.ErrorCode(err), "-", lifeops.ErrorMessage(err))
	for _, fe := range lifeops.FieldErrors(err) {
		fmt.Println("field:", fe.Field)
	}
	// Output:
	// invalid - timezone: unknown time zone "Mars/Olympus"
	// field: timezone
}

// oneNight is a health source with one night of sleep.
type oneNight struct{}

func (oneNight) Kinds() []lifeops.DataKind { return []lifeops.DataKind{lifeops.KindDailySleep} }

func (oneNight) Days(ctx context.Context, userID uuid.UUID, kind lifeops.DataKind, from, to civil.Date) (lifeops.HealthBatch, error) {
	d := civil.Date{Year: 2026, Month: time.March, Day: 10}
	return lifeops.HealthBatch{
		Days:      []lifeops.HealthDay{{Date: d, Sleep: &lifeops.ProviderScore{Value: 84}}},
		Documents: []lifeops.RawDocument{{Provider: "example", Kind: "daily_sleep", ID: "n1", Date: d, Data: []byte(`{"score":84}`)}},
	}, nil
}

func (oneNight) HeartRate(ctx context.Context, userID uuid.UUID, start, end time.Time) iter.Seq2[[]lifeops.HeartRateSample, error] {
	return func(yield func([]lifeops.HeartRateSample, error) bool) {}
}

// Sync fetches from the health source; the first time, the last 30 days,
// and then each kind from its own last synced day, minus a few days that
// the provider may have revised.
func ExampleService_Sync() {
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	svc, _ := lifeops.New(&lifeops.Config{Store: memstore.New(), Health: oneNight{},
		Clock: lifeops.ClockFunc(func() time.Time { return now })})
	ada, _ := svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "UTC"})
	res, err := svc.Sync(ctx, ada.ID, lifeops.SyncRequest{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.From, "to", res.To, "partial:", res.Partial)
	fmt.Println("daily_sleep documents:", res.Counts[lifeops.KindDailySleep])
	day, _ := svc.HealthDay(ctx, ada.ID, res.To)
	fmt.Println("sleep score on", day.Date, "is", day.Sleep.Value)
	now = now.Add(24 * time.Hour)
	res, _ = svc.Sync(ctx, ada.ID, lifeops.SyncRequest{})
	for _, r := range res.Ranges {
		fmt.Println(r.Kind, r.From, "to", r.To)
	}
	// Output:
	// 2026-02-09 to 2026-03-10 partial: false
	// daily_sleep documents: 1
	// sleep score on 2026-03-10 is 84
	// daily_sleep 2026-03-08 to 2026-03-11
	// heartrate 2026-03-08 to 2026-03-11
}

// A day's work, entered by hand and measured by two sources, is merged
// field by field: the entry wins for what it has, the rest is the largest
// measure, and each field names its source.
func ExampleMergeWorkDays() {
	d := civil.D(2026, 3, 9)
	merged := lifeops.MergeWorkDays([]lifeops.WorkDay{
		{Date: d, Source: "activitywatch", WorkMinutes: 500, AfterHoursMinutes: 40, MeetingMinutes: new(30), BreakMinutes: new(45)},
		{Date: d, Source: "ical", WorkMinutes: 120, MeetingMinutes: new(120)},
		{Date: d, Source: lifeops.SourceManual, WorkMinutes: 420, AfterHoursMinutes: 0},
	})
	w := merged[0]
	fmt.Println("work", w.WorkMinutes, w.Sources.Work)
	fmt.Println("after hours", w.AfterHoursMinutes, w.Sources.AfterHours)
	fmt.Println("meetings", *w.MeetingMinutes, w.Sources.Meetings)
	fmt.Println("breaks", *w.BreakMinutes, w.Sources.Breaks)
	// Output:
	// work 420 manual
	// after hours 0 manual
	// meetings 120 ical
	// breaks 45 activitywatch
}
