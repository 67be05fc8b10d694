// Command quickstart runs LifeOps on the in-memory store with two weeks of
// sample data and prints the person's day: the Life Score, the domains with
// what moved them, XP and level, streaks, achievements, the message and the
// feed. It needs no database, no network and no configuration:
//
//	go run ./examples/quickstart
//
// The two weeks end on Tuesday 31 March 2026 in Europe/Berlin. They hold the
// night the clocks went forward (Sunday 29 March) and a day the person
// missed altogether (Tuesday 24 March: no ring, no check-ins). The clock is
// fixed, so the output is the same on every run.
package main

import (
	"context"
	"fmt"
	"io"
	"iter"
	"os"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the zone database travels with the binary, so any machine can run it

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/timeline"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// The sample: who, where, and which days.
const zone = "Europe/Berlin"

var (
	firstDay  = civil.D(2026, time.March, 18)
	lastDay   = civil.D(2026, time.March, 31)
	missedDay = civil.D(2026, time.March, 24)
)

// clock is the quickstart's settable clock: the sample walks it through two
// weeks, one check-in at a time.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); defer c.mu.Unlock(); c.t = t }

// run builds the Service, loads the sample and prints today to w.
func run(ctx context.Context, w io.Writer) error {
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return err
	}
	clk := &clock{t: time.Date(2026, time.March, 17, 20, 0, 0, 0, loc)}
	svc, err := lifeops.New(&lifeops.Config{Store: memstore.New(), Health: &sampleSource{loc: loc}, Clock: clk})
	if err != nil {
		return err
	}
	ada, err := svc.CreateUser(ctx, lifeops.NewUser{Name: "Ada", Zone: zone})
	if err != nil {
		return err
	}
	items, err := createItems(ctx, svc, clk, ada.ID)
	if err != nil {
		return err
	}

	// Live through the two weeks: work days, check-ins at the item's time.
	for d := firstDay; !d.After(lastDay); d = d.AddDays(1) {
		if d == missedDay {
			continue
		}
		if err := liveDay(ctx, svc, clk, loc, ada, items, d); err != nil {
			return fmt.Errorf("%s: %w", d, err)
		}
	}

	// Today is the 31st, at half past noon; the ring has synced.
	clk.set(time.Date(2026, time.March, 31, 12, 30, 0, 0, loc))
	res, err := svc.Sync(ctx, ada.ID, lifeops.SyncRequest{From: firstDay, To: lastDay})
	if err != nil {
		return err
	}
	today, err := svc.Today(ctx, ada.ID, civil.Date{})
	if err != nil {
		return err
	}
	scores, err := svc.Scores(ctx, ada.ID, firstDay, lastDay)
	if err != nil {
		return err
	}
	report(w, clk.Now(), ada, res, scores, today)
	return nil
}

// sampleItem is one routine of the sample and how Ada keeps it.
type sampleItem struct {
	item lifeops.Item
	// delay is how many minutes after its start Ada checks it in; skip
	// returns a reason on the days she skips it.
	delay int
	skip  func(civil.Date) string
}

func createItems(ctx context.Context, svc *lifeops.Service, clk *clock, userID uuid.UUID) ([]sampleItem, error) {
	daily := timeline.Schedule{Type: timeline.ScheduleDaily, WeekStart: time.Monday}
	defs := []sampleItem{
		{item: lifeops.Item{Item: timeline.Item{Title: "Glass of water", Kind: timeline.KindHabit, Schedule: daily,
			Anchor: timeline.Anchor{Type: timeline.AnchorWake}, OffsetMinutes: 5, DurationMinutes: 5}, Difficulty: lifeops.DifficultyTrivial}, delay: 3},
		{item: lifeops.Item{Item: timeline.Item{Title: "Stretch", Kind: timeline.KindRoutine, Schedule: daily,
			Anchor: timeline.Anchor{Type: timeline.AnchorWake}, OffsetMinutes: 20, DurationMinutes: 15}}, delay: 5},
		{item: lifeops.Item{Item: timeline.Item{Title: "Deep work block", Kind: timeline.KindTask,
			Schedule: timeline.Schedule{Type: timeline.ScheduleWeekdays, WeekStart: time.Monday},
			Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 9}}, DurationMinutes: 90}, Difficulty: lifeops.DifficultyHard}, delay: 95},
		{item: lifeops.Item{Item: timeline.Item{Title: "Evening walk", Kind: timeline.KindWorkout, Schedule: daily,
			Anchor: timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 18, Minute: 30}}, DurationMinutes: 30,
			Missed: timeline.MissedCarryOver}, Difficulty: lifeops.DifficultyMedium}, delay: 35,
			skip: func(d civil.Date) string {
				if d.Weekday() == time.Thursday {
					return "rain"
				}
				return ""
			}},
		{item: lifeops.Item{Item: timeline.Item{Title: "Read", Kind: timeline.KindHabit, Schedule: daily,
			Anchor: timeline.Anchor{Type: timeline.AnchorBedtime}, OffsetMinutes: -30, DurationMinutes: 25}}, delay: 10},
		{item: lifeops.Item{Item: timeline.Item{Title: "Weekly review", Kind: timeline.KindTask,
			Schedule: timeline.Schedule{Type: timeline.ScheduleWeekly, Days: []time.Weekday{time.Friday}, WeekStart: time.Monday},
			Anchor:   timeline.Anchor{Type: timeline.AnchorFixed, Time: civil.Clock{Hour: 16}}, DurationMinutes: 30}, Difficulty: lifeops.DifficultyMedium}, delay: 20},
	}
	for i := range defs {
		clk.set(clk.Now().Add(time.Minute)) // one after the other, so they list in this order
		it, err := svc.CreateItem(ctx, userID, defs[i].item)
		if err != nil {
			return nil, fmt.Errorf("item %q: %w", defs[i].item.Title, err)
		}
		defs[i].item = it
	}
	return defs, nil
}

// liveDay enters the day's work and checks in every item due on d, each at
// its own time, walking the clock forward. On the last day it stops at noon.
func liveDay(ctx context.Context, svc *lifeops.Service, clk *clock, loc *time.Location, ada lifeops.User, items []sampleItem, d civil.Date) error {
	clk.set(dayStart(d, loc).Add(2 * time.Hour)) // 06:00
	if _, err := svc.Sync(ctx, ada.ID, lifeops.SyncRequest{From: d, To: d}); err != nil {
		return err
	}
	feed, err := svc.Feed(ctx, ada.ID, d, timeline.ViewExpanded)
	if err != nil {
		return err
	}
	noon := time.Date(2026, time.March, 31, 12, 30, 0, 0, loc)
	for _, e := range feed.Entries {
		var si sampleItem
		for _, x := range items {
			if x.item.ID == e.ItemID {
				si = x
			}
		}
		at := e.Start.Add(time.Duration(si.delay) * time.Minute)
		if d == lastDay && at.After(noon) {
			continue
		}
		if e.Date != d {
			continue // carried over from yesterday: already settled there
		}
		clk.set(at)
		if si.skip != nil && si.skip(d) != "" {
			if _, err := svc.Skip(ctx, ada.ID, e.ItemID, e.Date, si.skip(d)); err != nil {
				return err
			}
			continue
		}
		if _, err := svc.Complete(ctx, ada.ID, e.ItemID, e.Date); err != nil {
			return fmt.Errorf("complete %q: %w", si.item.Title, err)
		}
	}
	if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && d != lastDay {
		clk.set(clk.Now().Add(time.Minute)) // logged after the last check-in
		work := lifeops.WorkDay{UserID: ada.ID, Date: d, WorkMinutes: 450 + 10*(d.Day%5), AfterHoursMinutes: 15 * (d.Day % 3), MeetingMinutes: 60 + 15*(d.Day%4), BreakMinutes: 45}
		if _, err := svc.PutWorkDay(ctx, work); err != nil {
			return err
		}
	}
	return nil
}

// dayStart returns 04:00 (Ada's day start) on d.
func dayStart(d civil.Date, loc *time.Location) time.Time {
	return timeline.Resolve(d, civil.Clock{Hour: 4}, loc)
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

// report writes the day at a glance.
func report(w io.Writer, now time.Time, ada lifeops.User, res lifeops.SyncResult, scores []lifeops.DayScores, t lifeops.Today) {
	fmt.Fprintf(w, "LifeOps quickstart: %s in %s, %s %s at %s\n", ada.Name, t.Timezone, t.Date.Weekday(), t.Date, now.Format("15:04"))
	fmt.Fprintf(w, "Synced %s to %s: %d sleep, %d readiness, %d activity, %d sleep periods, %d heart-rate samples\n\n",
		res.From, res.To, res.Counts[lifeops.KindDailySleep], res.Counts[lifeops.KindDailyReadiness],
		res.Counts[lifeops.KindDailyActivity], res.Counts[lifeops.KindSleep], res.Counts[lifeops.KindHeartRate])

	life := "none yet"
	if t.LifeScore.Value != nil {
		life = t.LifeScore.Value.String()
	}
	missing := "none"
	if len(t.LifeScore.Missing) > 0 {
		var ms []string
		for _, m := range t.LifeScore.Missing {
			ms = append(ms, string(m))
		}
		missing = strings.Join(ms, ", ")
	}
	fmt.Fprintf(w, "Life Score %s (no data today: %s)\n", life, missing)
	for _, d := range []struct {
		name string
		s    *lifeops.TodayDomain
	}{{"sleep", t.Domains.Sleep}, {"activity", t.Domains.Activity}, {"work-life", t.Domains.WorkLife}, {"habits", t.Domains.Habits}} {
		if d.s == nil {
			fmt.Fprintf(w, "  %-10s  no data\n", d.name)
			continue
		}
		fmt.Fprintf(w, "  %-10s %5s\n", d.name, d.s.Value)
		for _, c := range d.s.Contributors {
			input := ""
			if c.Input != "" {
				input = "  (" + c.Input + ")"
			}
			fmt.Fprintf(w, "      %-16s %5s  weight %-6s adds %5s%s\n", c.Name, c.Value, c.Weight, c.Effect, input)
		}
	}

	fmt.Fprintf(w, "\nXP %d, level %d (%d into it, %d to the next)\n", t.XP.Total, t.XP.Level, t.XP.IntoLevel, t.XP.ToNextLevel)
	fmt.Fprintln(w, "Streaks")
	for _, s := range t.Streaks {
		risk := ""
		if s.AtRisk {
			risk = ", at risk today"
		}
		fmt.Fprintf(w, "  %-16s %2d days (longest %d, %d freezes%s)\n", s.Title, s.Current, s.Longest, s.Freezes, risk)
	}
	fmt.Fprintln(w, "Achievements unlocked today")
	if len(t.NewAchievements) == 0 {
		fmt.Fprintln(w, "  none")
	}
	for _, a := range t.NewAchievements {
		fmt.Fprintf(w, "  %s: %s\n", a.Title, a.Description)
	}
	fmt.Fprintf(w, "\n%s\n\n", t.Message)

	fmt.Fprintln(w, "Still to do today")
	if len(t.Feed) == 0 {
		fmt.Fprintln(w, "  nothing: all done")
	}
	for _, e := range t.Feed {
		note := ""
		if e.CarriedOver {
			note = " (from yesterday)"
		}
		fmt.Fprintf(w, "  %s-%s  %-8s %s%s\n", e.Start.Format("15:04"), e.End.Format("15:04"), e.Status, e.Title, note)
	}

	fmt.Fprintln(w, "\nThe fortnight")
	byDate := map[civil.Date]lifeops.DayScores{}
	for _, s := range scores {
		byDate[s.Date] = s
	}
	for d := firstDay; !d.After(lastDay); d = d.AddDays(1) {
		life := "  -  "
		if s, ok := byDate[d]; ok && s.Life != nil {
			life = s.Life.StringFixed(1)
		}
		note := ""
		switch d {
		case missedDay:
			note = "  missed: no ring, no check-ins"
		case civil.D(2026, time.March, 29):
			note = "  clocks went forward at 02:00"
		}
		fmt.Fprintf(w, "  %s %s  %5s%s\n", d.Weekday().String()[:3], d, life, note)
	}
}
