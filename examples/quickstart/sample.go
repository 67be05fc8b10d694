package main

import (
	"context"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// The sample: who, where, which days and when. Every id is fixed, so a run
// on a database that holds an earlier run writes the same records again,
// which the Service turns into no change.
const zone = "Europe/Berlin"

var (
	firstDay  = civil.D(2026, time.March, 18)
	lastDay   = civil.D(2026, time.March, 31)
	missedDay = civil.D(2026, time.March, 24)
	dstDay    = civil.D(2026, time.March, 29)

	start = time.Date(2026, time.March, 17, 19, 0, 0, 0, time.UTC)  // 20:00 in Berlin: Ada signs up
	now   = time.Date(2026, time.March, 31, 10, 30, 0, 0, time.UTC) // 12:30 in Berlin: the report

	adaID = uuid.MustParse("2f7a0f0f-73b3-44e3-8d86-a4089de1e5af")
)

// clock is the sample's settable clock: the sample walks it through two
// weeks, one check-in at a time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// sampleItem is one routine of the sample and how Ada keeps it.
type sampleItem struct {
	item lifeops.Item
	// delay is how many minutes after its start Ada checks it in; skip
	// returns a reason on the days she skips it.
	delay int
	skip  func(civil.Date) string
}

func sampleItems() []sampleItem {
	daily := timeline.Schedule{Type: timeline.ScheduleDaily}
	return []sampleItem{
		{item: lifeops.Item{Item: timeline.Item{ID: uuid.MustParse("09d311a3-fedd-432f-92a3-51d91db6b2ee"),
			Title: "Glass of water", Kind: timeline.KindHabit, Schedule: daily,
			Anchor: timeline.Anchor{Type: timeline.AnchorWake}, OffsetMinutes: 5, DurationMinutes: 5}, Difficulty: lifeops.DifficultyTrivial}, delay: 3},
		{item: lifeops.Item{Item: timeline.Item{ID: uuid.MustParse("a2e1bcf6-cdd1-4e5c-be19-c2b1c9d76fd3"),
			Title: "Stretch", Kind: timeline.KindRoutine, Schedule: daily,
			Anchor: timeline.Anchor{Type: timeline.AnchorWake}, OffsetMinutes: 20, DurationMinutes: 15}}, delay: 5},
		{item: lifeops.Item{Item: timeline.Item{ID: uuid.MustParse("1d6528fa-a094-4f7d-a0e4-fcdf8a2aecb7"),
			Title: "Deep work block", Kind: timeline.KindTask,
			Schedule: timeline.Schedule{Type: timeline.ScheduleWeekdays},
			Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 9}}, DurationMinutes: 90}, Difficulty: lifeops.DifficultyHard}, delay: 95},
		{item: lifeops.Item{Item: timeline.Item{ID: uuid.MustParse("6b1a838f-0a75-41fe-94e3-85ef58720f94"),
			Title: "Evening walk", Kind: timeline.KindWorkout, Schedule: daily,
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 18, Minute: 30}}, DurationMinutes: 30,
			Missed: timeline.MissedCarryOver}, Difficulty: lifeops.DifficultyMedium}, delay: 35,
			skip: func(d civil.Date) string {
				if d.Weekday() == time.Thursday {
					return "rain"
				}
				return ""
			}},
		{item: lifeops.Item{Item: timeline.Item{ID: uuid.MustParse("3f500811-3cc9-493b-93ec-d2c13952acfd"),
			Title: "Read", Kind: timeline.KindHabit, Schedule: daily,
			Anchor: timeline.Anchor{Type: timeline.AnchorBedtime}, OffsetMinutes: -30, DurationMinutes: 25}}, delay: 10},
		{item: lifeops.Item{Item: timeline.Item{ID: uuid.MustParse("b1bad0c5-b26c-41bf-879d-abdd4d7b4965"),
			Title: "Weekly review", Kind: timeline.KindTask,
			Schedule: timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Friday}},
			Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 16}}, DurationMinutes: 30}, Difficulty: lifeops.DifficultyMedium}, delay: 20},
	}
}

// livePlan signs Ada up, creates her items and lives the fortnight up to
// noon of its last day: every day but the missed one syncs the night at
// 06:00, checks in each item due that day at its own time and logs the
// work day.
func livePlan(ctx context.Context, svc *lifeops.Service, clk *clock, loc *time.Location) (lifeops.User, []sampleItem, error) {
	ada, err := svc.CreateUser(ctx, lifeops.NewUser{ID: adaID, Name: "Ada", Zone: zone})
	if err != nil {
		return lifeops.User{}, nil, fmt.Errorf("create user: %w", err)
	}
	items := sampleItems()
	for i := range items {
		clk.set(clk.Now().Add(time.Minute)) // one after the other, so they list in this order
		it, err := svc.CreateItem(ctx, ada.ID, items[i].item)
		if err != nil {
			return lifeops.User{}, nil, fmt.Errorf("create item %q: %w", items[i].item.Title, err)
		}
		items[i].item = it
	}
	for d := firstDay; !d.After(lastDay); d = d.AddDays(1) {
		if d == missedDay {
			continue
		}
		if err := liveDay(ctx, svc, clk, loc, ada, items, d); err != nil {
			return lifeops.User{}, nil, fmt.Errorf("%s: %w", d, err)
		}
	}
	return ada, items, nil
}

// liveDay syncs day d, checks in every item due on d, each at its own
// time, walking the clock forward, and logs the work day at 23:30. On the last day
// it stops at the report's time.
func liveDay(ctx context.Context, svc *lifeops.Service, clk *clock, loc *time.Location, ada lifeops.User, items []sampleItem, d civil.Date) error {
	clk.set(timeline.Resolve(d, civil.Clock{Hour: 6}, loc))
	if _, err := svc.Sync(ctx, ada.ID, lifeops.SyncRequest{From: d, To: d}); err != nil {
		return err
	}
	feed, err := svc.Feed(ctx, ada.ID, d, timeline.ViewExpanded)
	if err != nil {
		return err
	}
	for _, e := range feed.Entries {
		if e.Date != d {
			continue // carried over from yesterday: already settled there
		}
		var si sampleItem
		for _, x := range items {
			if x.item.ID == e.ItemID {
				si = x
			}
		}
		at := e.Start.Add(time.Duration(si.delay) * time.Minute)
		if at.After(now) {
			continue
		}
		clk.set(at)
		if si.skip != nil && si.skip(d) != "" {
			if _, err := svc.Skip(ctx, ada.ID, e.ItemID, e.Date, 0, si.skip(d)); err != nil {
				return fmt.Errorf("skip %q: %w", si.item.Title, err)
			}
			continue
		}
		if _, err := svc.Complete(ctx, ada.ID, e.ItemID, e.Date, 0); err != nil {
			return fmt.Errorf("complete %q: %w", si.item.Title, err)
		}
	}
	if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && d != lastDay {
		// Logged at 23:30, after the last check-in. A fixed time, not one
		// after that check-in: on a second run the bedtime measured the
		// following night is already stored and moves the evening items.
		clk.set(timeline.Resolve(d, civil.Clock{Hour: 23, Minute: 30}, loc))
		work := lifeops.WorkDay{UserID: ada.ID, Date: d, WorkMinutes: 450 + 10*(d.Day%5), AfterHoursMinutes: 15 * (d.Day % 3),
			MeetingMinutes: new(60 + 15*(d.Day%4)), BreakMinutes: new(45)}
		if _, err := svc.PutWorkDay(ctx, work.UserID, work); err != nil {
			return fmt.Errorf("work day: %w", err)
		}
	}
	return nil
}

// sampleSource is a health source with a deterministic, plausible fortnight:
// sleep that varies night to night, a ring left on the charger on the
// missed day, and a heart-rate sample every five minutes.
type sampleSource struct{ loc *time.Location }

var _ lifeops.HealthSource = (*sampleSource)(nil)

func (s *sampleSource) Kinds() []lifeops.DataKind { return lifeops.DayKinds() }

// wobble is a deterministic variation in [-n, n] for day d and a salt.
func wobble(d civil.Date, salt, n int) int {
	x := uint32(d.Days()*2654435761 + salt*40503)
	x ^= x >> 13
	x *= 0x5bd1e995
	x ^= x >> 15
	return int(x%uint32(2*n+1)) - n
}

func (s *sampleSource) Days(ctx context.Context, userID uuid.UUID, kind lifeops.DataKind, from, to civil.Date) (lifeops.HealthBatch, error) {
	var b lifeops.HealthBatch
	for d := from; !d.After(to); d = d.AddDays(1) {
		if d.Before(firstDay) || d.After(lastDay) || d == missedDay {
			continue
		}
		day := lifeops.HealthDay{Date: d, Source: "sample"}
		switch kind {
		case lifeops.KindDailySleep:
			day.Sleep = &lifeops.ProviderScore{Value: 78 + wobble(d, 1, 9), Contributors: map[string]int{
				"deep_sleep": 75 + wobble(d, 2, 15), "efficiency": 88 + wobble(d, 3, 8), "rem_sleep": 80 + wobble(d, 4, 12), "timing": 85 + wobble(d, 5, 10)}}
		case lifeops.KindDailyReadiness:
			day.Readiness = &lifeops.ProviderScore{Value: 76 + wobble(d, 6, 10), Contributors: map[string]int{
				"hrv_balance": 72 + wobble(d, 7, 12), "resting_heart_rate": 85 + wobble(d, 8, 10)}}
		case lifeops.KindDailyActivity:
			steps := 8200 + 350*wobble(d, 9, 8)
			day.Activity = &lifeops.ProviderScore{Value: 74 + wobble(d, 10, 12), Contributors: map[string]int{"move_every_hour": 80 + wobble(d, 11, 15)}}
			day.Steps = &steps
		case lifeops.KindSleep:
			bed := timeline.Resolve(d.AddDays(-1), civil.Clock{Hour: 23, Minute: 5 + 2*wobble(d, 12, 10)}, s.loc)
			asleep := 7*3600 + 60*(5*wobble(d, 13, 8))
			wake := bed.Add(time.Duration(asleep)*time.Second + 25*time.Minute)
			day.Bedtime, day.WakeTime = &bed, &wake
			eff, rhr, hrv := 89+wobble(d, 14, 5), 52+wobble(d, 15, 4), 58+wobble(d, 16, 10)
			day.TotalSleepSeconds, day.Efficiency, day.RestingHeartRate, day.HRV = &asleep, &eff, &rhr, &hrv
		}
		b.Days = append(b.Days, day)
		id := fmt.Sprintf("%s-%s", kind, d)
		b.Documents = append(b.Documents, lifeops.RawDocument{Provider: "sample", Kind: string(kind), ID: id, Date: d,
			Data: []byte(fmt.Sprintf(`{"id":%q,"day":%q}`, id, d))})
	}
	return b, nil
}

func (s *sampleSource) HeartRate(ctx context.Context, userID uuid.UUID, start, end time.Time) iter.Seq2[[]lifeops.HeartRateSample, error] {
	return func(yield func([]lifeops.HeartRateSample, error) bool) {
		var batch []lifeops.HeartRateSample
		for t := start.Truncate(5 * time.Minute); t.Before(end); t = t.Add(5 * time.Minute) {
			if t.Before(start) || civil.DateOf(t.In(s.loc)) == missedDay {
				continue
			}
			h := t.In(s.loc).Hour()
			bpm, src := 68, "awake"
			if h < 7 || h >= 23 {
				bpm, src = 54, "sleep"
			}
			batch = append(batch, lifeops.HeartRateSample{At: t, BPM: bpm + wobble(civil.DateOf(t), t.Minute()+h, 4), Source: src})
			if len(batch) == 288 {
				if !yield(batch, nil) {
					return
				}
				batch = nil
			}
		}
		if len(batch) > 0 {
			yield(batch, nil)
		}
	}
}
