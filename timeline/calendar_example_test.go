package timeline_test

import (
	"fmt"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

func ExampleSchedule_Calendar() {
	// The last weekday of the month, 60 times: the rule is walked once,
	// here, and each question after is a binary search.
	s := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: civil.D(2025, 1, 1),
		RRule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=60"}
	c := s.Calendar()
	n := 0
	for d := civil.D(2025, 1, 1); d.Year == 2025; d = d.AddDays(1) {
		if c.DueOn(d) {
			n++
		}
	}
	fmt.Println(n, c.DueOn(civil.D(2025, 10, 31)), c.DueOn(civil.D(2029, 12, 31)), c.DueOn(civil.D(2030, 1, 31)))
	// Output: 12 true true false
}

func ExampleCalendar_DueOn() {
	c := timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Monday, time.Thursday}}.Calendar()
	fmt.Println(c.DueOn(civil.D(2025, 3, 10)), c.DueOn(civil.D(2025, 3, 11)))
	// Output: true false
}

func ExampleCalendar_NextDue() {
	c := timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: civil.D(2025, 1, 1), RRule: "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH;COUNT=3"}.Calendar()
	fmt.Println(c.NextDue(civil.D(2025, 1, 1)))
	fmt.Println(c.NextDue(civil.D(2027, 11, 26)))
	// Output:
	// 2025-11-27 true
	// 0000-00-00 false
}

func ExampleItem_Plan() {
	it := timeline.Item{Title: "Stretch", Kind: timeline.KindHabit,
		Schedule: timeline.Schedule{Type: timeline.ScheduleRRule, StartDate: civil.D(2025, 3, 1), RRule: "FREQ=DAILY;BYDAY=TU,SA;COUNT=5000"},
		Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.MustParseClock("07:30")}, DurationMinutes: 15,
		ActiveUntil: civil.D(2025, 12, 31)}
	p := it.Plan(mustLoad("Europe/Paris")) // the dates walked once, as far as they are asked about
	due := 0
	for d := civil.D(2025, 1, 1); d.Year == 2025; d = d.AddDays(1) {
		if p.DueOn(d) {
			due++
		}
	}
	fmt.Println(due)
	fmt.Println(p.NextDue(civil.D(2025, 12, 31)))
	// Output:
	// 88
	// 0000-00-00 false
}

func ExamplePlan_DueOn() {
	p := timeline.Item{Schedule: timeline.Schedule{Type: timeline.ScheduleDaily}, ActiveFrom: civil.D(2025, 6, 1)}.Plan(nil)
	fmt.Println(p.DueOn(civil.D(2025, 5, 31)), p.DueOn(civil.D(2025, 6, 1)))
	// Output: false true
}

func ExamplePlan_NextDue() {
	p := timeline.Item{Schedule: timeline.Schedule{Type: timeline.ScheduleWeekdays}}.Plan(nil)
	fmt.Println(p.NextDue(civil.D(2025, 11, 29))) // a Saturday
	// Output: 2025-12-01 true
}

func ExamplePlan_Occurrence() {
	berlin := mustLoad("Europe/Berlin")
	p := timeline.Item{Title: "Water", Kind: timeline.KindHabit, Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
		Anchor: timeline.Anchor{Type: timeline.AnchorWake}, OffsetMinutes: 15, DurationMinutes: 5}.Plan(berlin)
	o, ok := p.Occurrence(civil.D(2025, 3, 30), timeline.Anchors{DefaultWake: civil.MustParseClock("07:00")}, berlin)
	fmt.Println(o.Start, ok)
	// Output: 2025-03-30 07:15:00 +0200 CEST true
}
