package lifeops_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/timeline"
)

// exampleClock is a clock an example moves by hand.
type exampleClock struct{ t time.Time }

func (c *exampleClock) Now() time.Time { return c.t }

// exampleSetup returns a Service on memstore whose clock reads 07:00 on
// Tuesday 10 March 2026 in Berlin, with Ada and her daily 07:30 "Stretch"
// and 21:00 "Read".
func exampleSetup() (svc *lifeops.Service, clock *exampleClock, ada lifeops.User, stretch, read lifeops.Item) {
	ctx := context.Background()
	berlin, _ := time.LoadLocation("Europe/Berlin")
	clock = &exampleClock{time.Date(2026, 3, 10, 6, 58, 0, 0, berlin)}
	svc, _ = lifeops.New(&lifeops.Config{Store: memstore.New(), Clock: clock})
	ada, _ = svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: "Europe/Berlin"})
	daily := func(title string, at civil.Clock) lifeops.Item {
		it, _ := svc.CreateItem(ctx, ada.ID, lifeops.Item{Item: timeline.Item{
			Title: title, Kind: timeline.KindHabit, DurationMinutes: 15,
			Schedule: timeline.Schedule{Type: timeline.ScheduleDaily},
			Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: at},
		}})
		return it
	}
	stretch = daily("Stretch", civil.Clock{Hour: 7, Minute: 30})
	clock.t = clock.t.Add(time.Minute) // created one after the other
	read = daily("Read", civil.Clock{Hour: 21})
	clock.t = clock.t.Add(time.Minute)
	return svc, clock, ada, stretch, read
}

// New needs only a store; every other setting has a default, and a bad one
// is refused naming its field.
func ExampleNew() {
	svc, err := lifeops.New(&lifeops.Config{Store: memstore.New()})
	fmt.Println(svc != nil, err)
	_, err = lifeops.New(&lifeops.Config{Store: memstore.New(), FirstSyncDays: -1})
	fmt.Println(lifeops.ErrorCode(err), lifeops.ErrorMessage(err))
	// Output:
	// true <nil>
	// invalid first_sync_days: must be between 0 and 1098, got -1
}

// The feed of a day: the default view shows what still needs attention,
// the expanded view everything with its status.
func ExampleService_Feed() {
	ctx := context.Background()
	svc, clock, ada, stretch, _ := exampleSetup()
	clock.t = clock.t.Add(45 * time.Minute) // 07:45
	svc.Complete(ctx, ada.ID, stretch.ID, civil.Date{}, 0)
	for _, view := range []timeline.View{timeline.ViewDefault, timeline.ViewExpanded} {
		f, _ := svc.Feed(ctx, ada.ID, civil.Date{}, view)
		for _, e := range f.Entries {
			fmt.Println(view, e.Title, e.Start.Format("15:04 MST"), e.Status)
		}
	}
	// Output:
	// default Read 21:00 CET pending
	// expanded Stretch 07:30 CET completed
	// expanded Read 21:00 CET pending
}

// Completing twice awards once; the second call returns the same award.
func ExampleService_Complete() {
	ctx := context.Background()
	svc, clock, ada, stretch, _ := exampleSetup()
	clock.t = clock.t.Add(35 * time.Minute) // 07:35, on time
	for range 2 {
		out, _ := svc.Complete(ctx, ada.ID, stretch.ID, civil.Date{}, 0)
		fmt.Println(out.Award.Reason, out.Award.Points, "XP; streak", out.Streak.Current)
	}
	// Output:
	// Completed "Stretch", on time 6 XP; streak 1
	// Completed "Stretch", on time 6 XP; streak 1
}

// A skip is neutral: it leaves the item out of the day's habits score,
// and a skipped occurrence cannot be completed until the skip is undone.
func ExampleService_Skip() {
	ctx := context.Background()
	svc, _, ada, stretch, _ := exampleSetup()
	out, _ := svc.Skip(ctx, ada.ID, stretch.ID, civil.Date{}, 0, "sore back")
	fmt.Println(out.Events[0].Kind, out.Events[0].Reason, out.Entry.Status)
	_, err := svc.Complete(ctx, ada.ID, stretch.ID, civil.Date{}, 0)
	fmt.Println(lifeops.ErrorCode(err))
	// Output:
	// skipped sore back skipped
	// conflict
}

// Postponing moves one occurrence, not the series: by minutes from its
// planned start, to an instant, or to another day.
func ExampleService_Postpone() {
	ctx := context.Background()
	svc, _, ada, stretch, _ := exampleSetup()
	out, _ := svc.Postpone(ctx, ada.ID, stretch.ID, civil.Date{}, 0, lifeops.Postponement{Minutes: 90})
	fmt.Println(out.Entry.Status, "to", out.Entry.Start.Format("15:04"))
	out, _ = svc.Postpone(ctx, ada.ID, stretch.ID, civil.Date{}, 0, lifeops.Postponement{ToDate: civil.D(2026, 3, 11)})
	fmt.Println(out.Entry.Status, "to", out.Entry.PostponedTo)
	// Output:
	// postponed to 09:00
	// postponed to 2026-03-11
}

// Undo takes back the occurrence's events and the completion's XP; at
// 07:35 the 07:30 item is open again until 07:45.
func ExampleService_Undo() {
	ctx := context.Background()
	svc, clock, ada, stretch, _ := exampleSetup()
	clock.t = clock.t.Add(35 * time.Minute)
	done, _ := svc.Complete(ctx, ada.ID, stretch.ID, civil.Date{}, 0)
	undone, _ := svc.Undo(ctx, ada.ID, stretch.ID, civil.Date{}, 0)
	fmt.Println(len(done.Events), "event(s), award", done.Award != nil)
	fmt.Println(len(undone.Events), "event(s), award", undone.Award != nil, "status", undone.Entry.Status)
	// Output:
	// 1 event(s), award true
	// 0 event(s), award false status pending
}

// Today puts the day together; an absent domain is null in its JSON and
// named in life_score.missing.
func ExampleService_Today() {
	ctx := context.Background()
	svc, clock, ada, stretch, _ := exampleSetup()
	clock.t = clock.t.Add(35 * time.Minute)
	svc.Complete(ctx, ada.ID, stretch.ID, civil.Date{}, 0)
	today, _ := svc.Today(ctx, ada.ID, civil.Date{})
	raw, _ := json.Marshal(struct {
		Life    lifeops.TodayLife    `json:"life_score"`
		Domains lifeops.TodayDomains `json:"domains"`
	}{today.LifeScore, today.Domains})
	var doc struct {
		Life struct {
			Value   json.Number `json:"value"`
			Missing []string    `json:"missing"`
		} `json:"life_score"`
		Domains map[string]json.RawMessage `json:"domains"`
	}
	json.Unmarshal(raw, &doc)
	fmt.Println(doc.Life.Value, doc.Life.Missing, string(doc.Domains["sleep"]))
	for _, c := range today.Domains.Habits.Contributors {
		fmt.Println(c.Name, c.Value, c.Input)
	}
	for _, e := range today.Feed {
		fmt.Println("next:", e.Title, e.Start.Format("15:04"))
	}
	// Output:
	// 100.0 [sleep activity work_life] null
	// completed 100.0 1 of 1 items done, 0 skipped
	// on_time 100.0 1 of 1 done on time
	// next: Read 21:00
}

// ScoreDay scores a day from what is stored and keeps the result; Scores
// reads it back, and View gives the HTTP API's shape. At 21:00 neither item
// is done, so habits score 0; the day has no sleep or activity data. The
// work day has no meeting or break minutes entered, so work-life is scored
// from workload and after-hours work alone (75 each).
func ExampleService_ScoreDay() {
	ctx := context.Background()
	svc, clock, ada, _, _ := exampleSetup()
	clock.t = clock.t.Add(14 * time.Hour) // 21:00
	svc.PutWorkDay(ctx, ada.ID, lifeops.WorkDay{Date: civil.D(2026, 3, 10), WorkMinutes: 540, AfterHoursMinutes: 30})
	sc, _ := svc.ScoreDay(ctx, ada.ID, civil.Date{})
	fmt.Println(sc.Date, "work-life", sc.WorkLife.Value, "missing", sc.Missing())
	stored, _ := svc.Scores(ctx, ada.ID, sc.Date, sc.Date)
	raw, _ := json.Marshal(stored[0].View())
	var v struct {
		Life json.Number `json:"life_score"`
	}
	json.Unmarshal(raw, &v)
	fmt.Println("life_score", v.Life)
	// Output:
	// 2026-03-10 work-life 75 missing [sleep activity]
	// life_score 37.5
}

// Goals are validated field by field; the stored goals come back.
func ExampleService_PutGoals() {
	ctx := context.Background()
	svc, _, ada, _, _ := exampleSetup()
	g := lifeops.DefaultGoals(ada.ID)
	g.Steps = 12000
	g.Weights.Sleep = decimal.NewFromInt(2)
	stored, _ := svc.PutGoals(ctx, ada.ID, g)
	fmt.Println(stored.Steps, stored.Weights.Sleep)
	g.SleepMinutes = 60
	_, err := svc.PutGoals(ctx, ada.ID, g)
	for _, fe := range lifeops.FieldErrors(err) {
		fmt.Println(fe.Field, fe.Reason)
	}
	// Output:
	// 12000 2
	// sleep_minutes must be between 180 and 720, got 60
}

// A work day entered by hand is scored at once; a day after today is
// refused. Meeting and break minutes are optional: breaks not entered stay
// nil (and out of the work-life score), unlike breaks entered as 0.
func ExampleService_PutWorkDay() {
	ctx := context.Background()
	svc, _, ada, _, _ := exampleSetup()
	w, _ := svc.PutWorkDay(ctx, ada.ID, lifeops.WorkDay{Date: civil.D(2026, 3, 9), WorkMinutes: 480, MeetingMinutes: new(120)})
	fmt.Println(w.Date, w.WorkMinutes, *w.MeetingMinutes, w.BreakMinutes == nil, w.Source)
	_, err := svc.PutWorkDay(ctx, ada.ID, lifeops.WorkDay{Date: civil.D(2026, 3, 11), WorkMinutes: 480})
	fmt.Println(lifeops.ErrorMessage(err))
	// Output:
	// 2026-03-09 480 120 true manual
	// date: must not be after today (2026-03-10)
}

// UpdateItem changes only the fields set; repeating it changes nothing.
func ExampleService_UpdateItem() {
	ctx := context.Background()
	svc, _, ada, stretch, _ := exampleSetup()
	hard := lifeops.DifficultyHard
	up := lifeops.ItemUpdate{Title: new("Stretch and breathe"), Difficulty: &hard}
	first, _ := svc.UpdateItem(ctx, ada.ID, stretch.ID, up)
	second, _ := svc.UpdateItem(ctx, ada.ID, stretch.ID, up)
	fmt.Println(first.Title, first.Difficulty, first.UpdatedAt.Equal(second.UpdatedAt))
	_, err := svc.UpdateItem(ctx, ada.ID, stretch.ID, lifeops.ItemUpdate{Schedule: &timeline.Schedule{Type: timeline.ScheduleWeekly}})
	for _, fe := range lifeops.FieldErrors(err) {
		fmt.Println(fe.Field)
	}
	// Output:
	// Stretch and breathe hard true
	// schedule.days
}

// XP returns the total, the level and the ledger, oldest first.
func ExampleService_XP() {
	ctx := context.Background()
	svc, clock, ada, stretch, _ := exampleSetup()
	clock.t = clock.t.Add(35 * time.Minute)
	svc.Complete(ctx, ada.ID, stretch.ID, civil.Date{}, 0)
	xp, _ := svc.XP(ctx, ada.ID, lifeops.XPQuery{})
	fmt.Printf("total %d, level %d, %d to the next\n", xp.Total, xp.Level, xp.ToNextLevel)
	for _, e := range xp.Entries {
		fmt.Println(e.Points, e.Reason)
	}
	// Output:
	// total 56, level 1, 94 to the next
	// 50 achievement: First step
	// 6 Completed "Stretch", on time
}

// Achievements lists the whole catalog with the person's progress.
func ExampleService_Achievements() {
	ctx := context.Background()
	svc, clock, ada, stretch, _ := exampleSetup()
	clock.t = clock.t.Add(35 * time.Minute)
	svc.Complete(ctx, ada.ID, stretch.ID, civil.Date{}, 0)
	all, _ := svc.Achievements(ctx, ada.ID)
	for _, a := range all[:3] {
		fmt.Printf("%s %d/%d unlocked %v\n", a.Code, a.Current, a.Target, a.Unlocked)
	}
	// Output:
	// first_completion 1/1 unlocked true
	// completions_100 1/100 unlocked false
	// completions_1000 1/1000 unlocked false
}

// LoadZone takes IANA names only: not the empty name, not Local.
func ExampleLoadZone() {
	loc, err := lifeops.LoadZone("Pacific/Chatham")
	fmt.Println(loc, err)
	_, err = lifeops.LoadZone("Local")
	fmt.Println(lifeops.ErrorMessage(err))
	// Output:
	// Pacific/Chatham <nil>
	// timezone: must be an IANA name such as Europe/Berlin, not Local
}

// FieldErrors lists every field a Validate found wrong, for a response's
// list of field errors.
func ExampleFieldErrors() {
	err := lifeops.User{Name: " ", Zone: "UTC", DayStartHour: 24}.Validate()
	for _, fe := range lifeops.FieldErrors(err) {
		fmt.Println(fe.Field, "-", fe.Reason)
	}
	fmt.Println(errors.Is(err, lifeops.ErrInvalid))
	// Output:
	// id - is required
	// name - is required
	// day_start_hour - must be between 0 and 23, got 24
	// true
}

// WrapError keeps the cause for logs and shows only the safe message.
func ExampleWrapError() {
	cause := errors.New("dial tcp 10.0.0.3:5432: connection refused")
	err := fmt.Errorf("load user: %w", lifeops.WrapError(lifeops.CodeUnavailable, cause, "The database is unavailable."))
	fmt.Println(lifeops.ErrorCode(err), "-", lifeops.ErrorMessage(err))
	fmt.Println(errors.Is(err, lifeops.ErrUnavailable), errors.Is(err, cause))
	// Output:
	// unavailable - The database is unavailable.
	// true true
}

// A Number writes a score with one decimal place, as a JSON number.
func ExampleNumber() {
	n := lifeops.Number{Decimal: decimal.RequireFromString("72.25")}
	raw, _ := json.Marshal(map[string]lifeops.Number{"value": n})
	fmt.Println(string(raw), n)
	// Output:
	// {"value":72.3} 72.3
}

// View writes stored scores in the HTTP API's shape.
func ExampleDayScores_View() {
	life := decimal.RequireFromString("78.25")
	sc := lifeops.DayScores{Date: civil.D(2026, 3, 10), Life: &life,
		Habits: &lifeops.DomainScore{Value: life}}
	raw, _ := json.Marshal(sc.View())
	fmt.Println(string(raw))
	// Output:
	// {"date":"2026-03-10","life_score":78.3,"missing":["sleep","activity","work_life"],"life_contributors":[],"sleep":null,"activity":null,"work_life":null,"habits":{"value":78.3,"contributors":[]}}
}

// View writes a health day in the HTTP API's shape, its instants in the
// person's zone.
func ExampleHealthDay_View() {
	wake := time.Date(2026, 3, 10, 5, 45, 0, 0, time.UTC)
	d := lifeops.HealthDay{Date: civil.D(2026, 3, 10), Sleep: &lifeops.ProviderScore{Value: 84}, WakeTime: &wake}
	berlin, _ := time.LoadLocation("Europe/Berlin")
	v := d.View(berlin)
	fmt.Println(*v.SleepScore, v.ReadinessScore == nil, v.WakeTime.Format(time.RFC3339))
	// Output:
	// 84 true 2026-03-10T06:45:00+01:00
}

// Merge writes one kind's fields only; a kind with no data for the day
// clears them, which is how a deleted provider document removes its data.
func ExampleHealthDay_Merge() {
	d := lifeops.HealthDay{Date: civil.D(2026, 3, 10), Sleep: &lifeops.ProviderScore{Value: 84}, Steps: new(9000)}
	d.Merge(lifeops.KindDailyActivity, lifeops.HealthDay{Activity: &lifeops.ProviderScore{Value: 70}})
	fmt.Println(d.Sleep.Value, d.Activity.Value, d.Steps == nil)
	d.Merge(lifeops.KindDailySleep, lifeops.HealthDay{})
	fmt.Println(d.Sleep == nil, d.Activity.Value)
	// Output:
	// 84 70 true
	// true 70
}

// Has tells whether a day holds data of a kind; a store's MergeHealthDays
// clears the kind's fields of a day without it.
func ExampleHealthDay_Has() {
	d := lifeops.HealthDay{Date: civil.D(2026, 3, 10), Steps: new(9000)}
	fmt.Println(d.Has(lifeops.KindDailyActivity), d.Has(lifeops.KindDailySleep), d.Has(lifeops.KindHeartRate))
	// Output:
	// true false false
}

// ValidateMerge is what a store checks before MergeHealthDays writes.
func ExampleValidateMerge() {
	day := lifeops.HealthDay{UserID: uuid.MustParse("00000000-0000-4000-8000-0000000000a1"), Date: civil.D(2026, 3, 10)}
	fmt.Println(lifeops.ValidateMerge(lifeops.KindSleep, []lifeops.HealthDay{day}))
	err := lifeops.ValidateMerge(lifeops.KindHeartRate, []lifeops.HealthDay{day})
	fmt.Println(errors.Is(err, lifeops.ErrInvalid), lifeops.FieldErrors(err)[0].Field)
	// Output:
	// <nil>
	// true kind
}

// DefaultGoals are what a new user starts with.
func ExampleDefaultGoals() {
	g := lifeops.DefaultGoals(uuid.Nil)
	fmt.Println(g.SleepMinutes, g.Steps, g.WorkMinutes, g.DayGoalPercent, g.Weights.Habits)
	// Output:
	// 480 8000 480 80 1
}

// CreateUser with a fixed id is safe to retry; the user starts with the
// default goals, and DeleteUser removes every record of theirs.
func ExampleService_CreateUser() {
	ctx := context.Background()
	svc, _ := lifeops.New(&lifeops.Config{Store: memstore.New()})
	in := lifeops.NewUser{ID: uuid.MustParse("00000000-0000-4000-8000-0000000000a1"), Name: "Ada", Zone: "Europe/Berlin"}
	first, _ := svc.CreateUser(ctx, in)
	again, err := svc.CreateUser(ctx, in)
	fmt.Println(first.ID == again.ID, err, first.DayStartHour, first.WakeTime, first.Bedtime)
	g, _ := svc.Goals(ctx, first.ID)
	fmt.Println(g.SleepMinutes, g.Steps)
	svc.DeleteUser(ctx, first.ID)
	_, err = svc.Profile(ctx, first.ID)
	fmt.Println(lifeops.ErrorCode(err))
	// Output:
	// true <nil> 4 07:00 23:00
	// 480 8000
	// not_found
}

// Items are listed oldest first; an item of another user, or a deleted
// one, is not found.
func ExampleService_CreateItem() {
	ctx := context.Background()
	svc, _, ada, stretch, read := exampleSetup()
	items, _ := svc.Items(ctx, ada.ID)
	for _, it := range items {
		fmt.Println(it.Title, it.Difficulty, it.Schedule.Type)
	}
	svc.DeleteItem(ctx, ada.ID, read.ID)
	_, err := svc.Item(ctx, ada.ID, read.ID)
	fmt.Println(lifeops.ErrorCode(err))
	_, err = svc.Item(ctx, uuid.New(), stretch.ID)
	fmt.Println(lifeops.ErrorCode(err))
	// Output:
	// Stretch easy daily
	// Read easy daily
	// not_found
	// not_found
}
