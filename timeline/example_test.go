package timeline_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

func mustZone(name string) *time.Location {
	loc, err := timeline.LoadZone(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func ExampleResolve() {
	ny := mustZone("America/New_York")
	// 02:30 does not happen on 2025-03-09 in New York: it moves forward by
	// the gap's length.
	fmt.Println(timeline.Resolve(civil.D(2025, 3, 9), civil.MustParseClock("02:30"), ny))
	// 01:30 happens twice on 2025-11-02: the first one counts.
	fmt.Println(timeline.Resolve(civil.D(2025, 11, 2), civil.MustParseClock("01:30"), ny))
	// Output:
	// 2025-03-09 03:30:00 -0400 EDT
	// 2025-11-02 01:30:00 -0400 EDT
}

func ExampleResolveDetail() {
	london := mustZone("Europe/London")
	r := timeline.ResolveDetail(civil.D(2025, 10, 26), civil.MustParseClock("01:30"), london)
	fmt.Println(r.Kind, r.Time, "/", r.Later)
	// Output: ambiguous 2025-10-26 01:30:00 +0100 BST / 2025-10-26 01:30:00 +0000 GMT
}

func ExampleDayExists() {
	apia := mustZone("Pacific/Apia")
	fmt.Println(timeline.DayExists(civil.D(2011, 12, 30), apia))
	fmt.Println(timeline.DayExists(civil.D(2011, 12, 31), apia))
	// Output:
	// false
	// true
}

func ExampleSchedule_DueOn() {
	lastFriday := timeline.Schedule{Type: timeline.ScheduleMonthly, Week: -1, Weekday: time.Friday}
	fmt.Println(lastFriday.DueOn(civil.D(2025, 10, 31)), lastFriday.DueOn(civil.D(2025, 10, 24)))
	// Output: true false
}

func ExampleSchedule_NextDue() {
	s := timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: 31}
	d, _ := s.NextDue(civil.D(2025, 4, 1)) // April has no 31st
	fmt.Println(d)
	// Output: 2025-05-31
}

func ExampleSchedule_Validate() {
	err := timeline.Schedule{Type: timeline.ScheduleWeekly}.Validate()
	var ve *timeline.ValidationError
	fmt.Println(errors.Is(err, timeline.ErrInvalid), errors.As(err, &ve), ve.Field)
	// Output: true true schedule.days
}

func ExampleBuildFeed() {
	loc := mustZone("Europe/London")
	wakeWalk := timeline.Item{
		ID:              uuid.MustParse("00000000-0000-0000-0000-000000000001"),
		Title:           "Morning walk",
		Kind:            timeline.KindHabit,
		Schedule:        timeline.Schedule{Type: timeline.ScheduleDaily},
		Anchor:          timeline.Anchor{Type: timeline.AnchorWake},
		OffsetMinutes:   30,
		DurationMinutes: 20,
	}
	pill := timeline.Item{
		ID:       uuid.MustParse("00000000-0000-0000-0000-000000000002"),
		Title:    "Vitamin D",
		Kind:     timeline.KindMedication,
		Schedule: timeline.Schedule{Type: timeline.ScheduleWeekdays},
		Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.MustParseClock("08:00")},
	}
	date := civil.D(2025, 3, 31)
	feed, err := timeline.BuildFeed(timeline.FeedInput{
		Date:     date,
		Location: loc,
		Now:      time.Date(2025, 3, 31, 8, 30, 0, 0, loc),
		View:     timeline.ViewExpanded,
		Items:    []timeline.Item{pill, wakeWalk},
		Anchors: timeline.Anchors{
			Wake:        time.Date(2025, 3, 31, 6, 50, 0, 0, loc), // from the ring
			DefaultWake: civil.MustParseClock("07:00"), DefaultBedtime: civil.MustParseClock("23:00"),
		},
		Events: []timeline.Event{{ItemID: wakeWalk.ID, Date: date, Type: timeline.EventCompleted, At: time.Date(2025, 3, 31, 7, 40, 0, 0, loc)}},
	})
	if err != nil {
		panic(err)
	}
	for _, e := range feed.Entries {
		fmt.Println(e.Start.Format("15:04"), e.Title, e.Status)
	}
	// Output:
	// 07:20 Morning walk completed
	// 08:00 Vitamin D overdue
}

func ExampleItem_UnmarshalJSON() {
	var it timeline.Item
	err := json.Unmarshal([]byte(`{"title":"Stretch","kind":"routine",
		"schedule":{"type":"weekly","days":["mon","thu"]},
		"anchor":{"type":"bedtime"},"offset_minutes":-45,"duration_minutes":10}`), &it)
	fmt.Println(err, it.Schedule.Days, it.Anchor.Type, it.Validate())
	// Output: <nil> [Monday Thursday] bedtime <nil>
}
