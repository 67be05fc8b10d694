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

func ExampleResolve() {
	ny := mustLoad("America/New_York")
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
	london := mustLoad("Europe/London")
	r := timeline.ResolveDetail(civil.D(2025, 10, 26), civil.MustParseClock("01:30"), london)
	fmt.Println(r.Kind, r.Time, "/", r.Later)
	// Output: ambiguous 2025-10-26 01:30:00 +0100 BST / 2025-10-26 01:30:00 +0000 GMT
}

func ExampleDayExists() {
	apia := mustLoad("Pacific/Apia")
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
	loc := mustLoad("Europe/London")
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

func ExampleParseRule() {
	_, err := timeline.ParseRule("FREQ=HOURLY;INTERVAL=3")
	fmt.Println(err)
	r, err := timeline.ParseRule("RRULE:FREQ=MONTHLY;BYDAY=-1FR")
	fmt.Println(r, err)
	// Output:
	// invalid rrule: FREQ=HOURLY is not supported: an item happens at most once a day; use DAILY, WEEKLY, MONTHLY or YEARLY
	// RRULE:FREQ=MONTHLY;BYDAY=-1FR <nil>
}

func ExampleRule_Between() {
	ny := mustLoad("America/New_York")
	r, _ := timeline.ParseRule("FREQ=DAILY;COUNT=3")
	// 02:30 does not exist on 2025-03-09: that instance moves to 03:30 EDT.
	for _, t := range r.Between(civil.D(2025, 3, 8), civil.MustParseClock("02:30"), ny,
		time.Date(2025, 3, 1, 0, 0, 0, 0, ny), time.Date(2025, 3, 31, 0, 0, 0, 0, ny)) {
		fmt.Println(t)
	}
	// Output:
	// 2025-03-08 02:30:00 -0500 EST
	// 2025-03-09 03:30:00 -0400 EDT
	// 2025-03-10 02:30:00 -0400 EDT
}

func ExampleRule_Instants() {
	ny := mustLoad("America/New_York")
	r, _ := timeline.ParseRule("FREQ=WEEKLY;BYDAY=MO,TH") // no end: the caller stops
	end := time.Date(2025, 3, 14, 0, 0, 0, 0, ny)
	for t := range r.Instants(civil.D(2025, 3, 3), civil.MustParseClock("09:30"), ny) {
		if t.After(end) {
			break
		}
		fmt.Println(t.Format("Mon 2006-01-02 15:04 MST"))
	}
	// Output:
	// Mon 2025-03-03 09:30 EST
	// Thu 2025-03-06 09:30 EST
	// Mon 2025-03-10 09:30 EDT
	// Thu 2025-03-13 09:30 EDT
}

func ExampleParseView() {
	v, _ := timeline.ParseView("")
	_, err := timeline.ParseView("all")
	fmt.Println(v, err)
	// Output: default invalid view: "all" is not a view: use default or expanded
}

func ExampleEventWindow() {
	from, to := timeline.EventWindow(civil.D(2025, 3, 10))
	fmt.Println(from, to)
	// Output: 2025-02-22 2025-03-10
}

func ExampleFieldErrors() {
	it := timeline.Item{Title: "Run", Kind: timeline.KindWorkout,
		Schedule:      timeline.Schedule{Type: timeline.ScheduleMonthly, DayOfMonth: 32},
		Anchor:        timeline.Anchor{Type: timeline.AnchorWake},
		OffsetMinutes: 2000}
	for _, fe := range timeline.FieldErrors(it.Validate()) {
		fmt.Println(fe.Field)
	}
	// Output:
	// schedule.day_of_month
	// offset_minutes
}

func ExampleItem_Occurrence() {
	lordHowe := mustLoad("Australia/Lord_Howe")
	it := timeline.Item{Title: "Water", Kind: timeline.KindHabit,
		Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
		Anchor:   timeline.Anchor{Type: timeline.AnchorWake}, OffsetMinutes: 30, DurationMinutes: 5}
	// Clocks go back 30 minutes at 02:00 on 2025-04-06: 30 minutes after a
	// 01:40 wake is 01:40 again on the wall clock.
	o, ok := it.Occurrence(civil.D(2025, 4, 6), timeline.Anchors{DefaultWake: civil.MustParseClock("01:40")}, lordHowe)
	fmt.Println(o.Start, o.End, ok)
	// Output: 2025-04-06 01:40:00 +1030 +1030 2025-04-06 01:45:00 +1030 +1030 true
}

func ExampleItem_NextDue() {
	it := timeline.Item{Schedule: timeline.Schedule{Type: timeline.ScheduleWeekdays}, ActiveUntil: civil.D(2025, 12, 31)}
	fmt.Println(it.NextDue(civil.D(2025, 11, 29), nil)) // a Saturday
	fmt.Println(it.NextDue(civil.D(2026, 1, 1), nil))
	// Output:
	// 2025-12-01 true
	// 0000-00-00 false
}

func ExampleItem_DueOn() {
	ny := mustLoad("America/New_York")
	it := timeline.Item{Schedule: timeline.Schedule{Type: timeline.ScheduleDaily}, ActiveFrom: civil.D(2025, 6, 1)}
	fmt.Println(it.DueOn(civil.D(2025, 5, 31), ny), it.DueOn(civil.D(2025, 6, 1), ny))
	// A rule's UNTIL in UTC bounds the start of each occurrence: 09:00 on
	// 1997-12-24 in New York is 14:00 UTC, after the end.
	it = timeline.Item{Schedule: timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: civil.D(1997, 9, 2), RRule: "FREQ=DAILY;UNTIL=19971224T000000Z"},
		Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.MustParseClock("09:00")}}
	fmt.Println(it.DueOn(civil.D(1997, 12, 23), ny), it.DueOn(civil.D(1997, 12, 24), ny))
	// Output:
	// false true
	// true false
}

func ExampleAnchors_Instant() {
	london := mustLoad("Europe/London")
	a := timeline.Anchors{DefaultWake: civil.MustParseClock("07:00"), DefaultBedtime: civil.MustParseClock("00:30")}
	// A default bedtime after midnight ends the same feed day.
	fmt.Println(a.Instant(timeline.Anchor{Type: timeline.AnchorBedtime}, civil.D(2025, 6, 10), london))
	// Output: 2025-06-11 00:30:00 +0100 BST
}

func ExampleEvent_Validate() {
	e := timeline.Event{
		ItemID: uuid.MustParse("00000000-0000-0000-0000-000000000001"),
		Date:   civil.D(2025, 3, 10), Type: timeline.EventPostponed,
		At: time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC), ToDate: civil.D(2025, 4, 10),
	}
	fmt.Println(e.Validate())
	// Output: invalid to_date: a postponement moves at most 14 days ahead; 2025-04-10 is 31 days after 2025-03-10
}

func ExampleSchedule_MarshalJSON() {
	b, _ := json.Marshal(timeline.Schedule{Type: timeline.ScheduleWeekly, Interval: 2, StartDate: civil.D(2025, 1, 6),
		Days: []time.Weekday{time.Tuesday, time.Thursday}})
	fmt.Println(string(b))
	// Output: {"type":"weekly","days":["tue","thu"],"interval":2,"start_date":"2025-01-06","week_start":"mon"}
}

func ExampleAnchor_Validate() {
	fmt.Println(timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 25}}.Validate())
	// Output: invalid anchor.time: 25:00 is not a time of day
}

func ExampleWeekStartOn() {
	// Every other Sunday, counting weeks that begin on Sunday; a schedule
	// without a WeekStart counts weeks from Monday, as iCalendar does.
	s := timeline.Schedule{Type: timeline.ScheduleWeekly, Interval: 2, StartDate: civil.D(1997, 8, 5),
		Days: []time.Weekday{time.Sunday}, WeekStart: timeline.WeekStartOn(time.Sunday)}
	next, _ := s.NextDue(civil.D(1997, 8, 5))
	fmt.Println(s.WeekStart, next)
	s.WeekStart = timeline.WeekStart{}
	next, _ = s.NextDue(civil.D(1997, 8, 5))
	fmt.Println(s.WeekStart, next)
	// Output:
	// Sunday 1997-08-17
	// Monday 1997-08-10
}

func ExampleFold() {
	pill := uuid.MustParse("00000000-0000-0000-0000-000000000001")
	day := civil.D(2025, 3, 10)
	at := time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC)
	states := timeline.Fold([]timeline.Event{
		{ItemID: pill, Date: day, Type: timeline.EventPostponed, At: at, ToDate: day.AddDays(1)},
		{ItemID: pill, Date: day, Slot: 1, Type: timeline.EventSkipped, At: at, Reason: "ran out"},
	})
	for _, slot := range []int{0, 1, 2} {
		st, ok := states.Of(timeline.OccurrenceKey{ItemID: pill, Date: day, Slot: slot})
		fmt.Printf("slot %d: events %v, outcome %q, on %s\n", slot, ok, st.Outcome(), st.MovedTo())
	}
	// Output:
	// slot 0: events true, outcome "", on 2025-03-11
	// slot 1: events true, outcome "skipped", on 2025-03-10
	// slot 2: events false, outcome "", on 0000-00-00
}

func ExampleStates_MovedTo() {
	walk := uuid.MustParse("00000000-0000-0000-0000-000000000002")
	day := civil.D(2025, 3, 10)
	states := timeline.Fold([]timeline.Event{
		{ItemID: walk, Date: day, Type: timeline.EventPostponed, At: time.Date(2025, 3, 10, 8, 0, 0, 0, time.UTC), ToDate: day.AddDays(2)},
	})
	for _, st := range states.MovedTo(day.AddDays(2)) {
		fmt.Println(st.Key.Date, "moved to", st.MovedTo())
	}
	fmt.Println(len(states.All()))
	// Output:
	// 2025-03-10 moved to 2025-03-12
	// 1
}

func ExampleEvent_Key() {
	e := timeline.Event{ItemID: uuid.MustParse("00000000-0000-0000-0000-000000000003"), Date: civil.D(2025, 3, 10), Slot: 2}
	fmt.Println(e.Key().Date, e.Key().Slot)
	// Output: 2025-03-10 2
}

func ExampleItem_Occurrences() {
	tokyo := mustLoad("Asia/Tokyo")
	it := timeline.Item{Title: "Water", Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
		Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Times: []civil.Clock{
			civil.MustParseClock("09:00"), civil.MustParseClock("12:00"), civil.MustParseClock("15:00")}},
		DurationMinutes: 5}
	for _, o := range it.Occurrences(civil.D(2025, 6, 2), timeline.Anchors{}, tokyo) {
		fmt.Println(o.Slot, o.Start.Format("15:04"))
	}
	// Output:
	// 0 09:00
	// 1 12:00
	// 2 15:00
}

func ExamplePlan_Occurrences() {
	ny := mustLoad("America/New_York")
	// BYHOUR gives the times; the anchor's time is DTSTART's. UNTIL
	// (16:00 UTC, 11:00 in New York) ends the last day after 09:00.
	it := timeline.Item{Title: "Stretch", Kind: timeline.KindRoutine,
		Schedule: timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: civil.D(2025, 1, 30), RRule: "FREQ=DAILY;BYHOUR=9,14;UNTIL=20250131T160000Z"},
		Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.MustParseClock("09:00")}}
	p := it.Plan(ny)
	for _, day := range []civil.Date{civil.D(2025, 1, 30), civil.D(2025, 1, 31)} {
		for _, o := range p.Occurrences(day, timeline.Anchors{}, ny) {
			fmt.Println(o.Date, o.Slot, o.Start.Format("15:04"))
		}
	}
	// Output:
	// 2025-01-30 0 09:00
	// 2025-01-30 1 14:00
	// 2025-01-31 0 09:00
}
