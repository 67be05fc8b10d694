package score

import (
	"fmt"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// Status is what happened to an item, or to the day goal, on one of the
// person's days.
type Status string

// The statuses of a day.
const (
	// Done: the item was completed, or the day goal met.
	Done Status = "done"
	// Missed: it was due and the day ended without it.
	Missed Status = "missed"
	// Skipped: it was due and the person skipped it. Neutral.
	Skipped Status = "skipped"
	// Rest: it was not due that day (a rest day or an unscheduled day). Neutral.
	Rest Status = "rest"
	// Pending: it is due today and not done yet.
	Pending Status = "pending"
)

func (s Status) valid() bool {
	switch s {
	case Done, Missed, Skipped, Rest, Pending:
		return true
	}
	return false
}

// rank orders statuses for merging two marks of one date: the better wins.
func (s Status) rank() int {
	switch s {
	case Done:
		return 4
	case Skipped:
		return 3
	case Rest:
		return 2
	case Pending:
		return 1
	}
	return 0
}

// Mark is the status of one of the person's days (see [PersonDay]).
type Mark struct {
	Date   civil.Date `json:"date"`
	Status Status     `json:"status"`
}

// StreakRules say how streak freezes are earned and spent. The zero value
// turns freezes off.
//
// A freeze is earned for every FreezeEvery done days of a running streak,
// counted from its first day or from the last freeze earned; at most
// MaxFreezes are held at once, and one earned beyond that is lost. A freeze
// is spent automatically on a missed day while a streak is running: the
// streak survives that day without growing. With no freeze left, a missed
// day ends the streak; freezes already held are kept for the next one. A
// missed day with no streak running spends nothing.
type StreakRules struct {
	FreezeEvery int `json:"freeze_every"`
	MaxFreezes  int `json:"max_freezes"`
}

// DefaultStreakRules returns one freeze for every 7 done days, 2 at most.
func DefaultStreakRules() StreakRules { return StreakRules{FreezeEvery: 7, MaxFreezes: 2} }

// ZoneChange records that the person's zone changed at an instant, for
// example on landing after a flight.
type ZoneChange struct {
	At   time.Time
	From *time.Location
	To   *time.Location
}

// StreakInput is the history of one item, or of the day goal, in the
// person's own days.
type StreakInput struct {
	// Marks are the days' statuses, in any order. Every day from the first
	// mark up to Today needs one: a day without a mark before Today counts
	// as Missed, so non-due days must be given as Rest. Today without a mark,
	// or marked Missed (the day is not over), counts as Pending. Marks after
	// Today (the calendar can step back a day after a flight west) still
	// count. Two marks for one date (a date lived twice) merge to the better:
	// done, skipped, rest, pending, missed.
	Marks []Mark
	// Today is the person's current day.
	Today civil.Date
	// Rules set the freezes; the zero value has none (see DefaultStreakRules).
	Rules StreakRules
	// ZoneChanges are the person's moves to another zone. A move east that
	// takes the calendar past the end of the day it happens on (landing in
	// Tokyo at 00:30 while it is still the 6th in Los Angeles) cuts that day
	// short, or jumps over whole days; those days cannot break a streak: if
	// missed they are neutral, like a rest day. A move west can make a date
	// happen twice; it counts once. So a flight never breaks a streak and
	// never doubles one.
	ZoneChanges []ZoneChange
	// DayStartHour is the person's day-start hour, 0–23, used to find the
	// days a zone change cut short.
	DayStartHour int
}

// Streak is the state of a streak as of the input's Today.
type Streak struct {
	// Current counts the done days of the running streak; neutral and frozen
	// days keep it alive without adding to it.
	Current int `json:"current"`
	// Longest is the longest Current ever reached.
	Longest int `json:"longest"`
	// AtRisk is true when a streak is running and today is still pending:
	// unless it is done today, the streak spends a freeze or ends.
	AtRisk bool `json:"at_risk"`
	// Start is the first done day of the running streak (zero when none).
	Start civil.Date `json:"start"`
	// LastDone is the latest done day (zero when none).
	LastDone civil.Date `json:"last_done"`
	// Freezes is the number of freezes held now.
	Freezes int `json:"freezes"`
	// FrozenDays are the missed days a freeze covered, oldest first.
	FrozenDays []civil.Date `json:"frozen_days"`
}

// maxStreakDays bounds the span of a streak history (about 274 years).
const maxStreakDays = 100_000

func (in StreakInput) check(p *problems) {
	if !in.Today.IsValid() {
		p.add("today", "must be a calendar date")
	}
	for i, m := range in.Marks {
		if !m.Date.IsValid() {
			p.add(fmt.Sprintf("marks[%d].date", i), "must be a calendar date")
		}
		if !m.Status.valid() {
			p.add(fmt.Sprintf("marks[%d].status", i), "must be done, missed, skipped, rest or pending, got %q", m.Status)
		}
	}
	if in.Rules.FreezeEvery < 0 || in.Rules.FreezeEvery > 1000 {
		p.add("rules.freeze_every", "must be between 0 and 1000, got %d", in.Rules.FreezeEvery)
	}
	if in.Rules.MaxFreezes < 0 || in.Rules.MaxFreezes > 1000 {
		p.add("rules.max_freezes", "must be between 0 and 1000, got %d", in.Rules.MaxFreezes)
	}
	if in.DayStartHour < 0 || in.DayStartHour > 23 {
		p.add("day_start_hour", "must be an hour from 0 to 23, got %d", in.DayStartHour)
	}
	for i, z := range in.ZoneChanges {
		if z.From == nil {
			p.add(fmt.Sprintf("zone_changes[%d].from", i), "must name a time zone")
		}
		if z.To == nil {
			p.add(fmt.Sprintf("zone_changes[%d].to", i), "must name a time zone")
		}
	}
}

// history is a dense, per-day view of marks: statuses indexed by day number
// from first to last.
type history struct {
	first  int // day number (civil.Date.Days) of statuses[0]
	status []Status
}

// buildHistory merges marks into one status a day from the first mark to
// through (or the last mark, if later). Days without a mark are "" .
func buildHistory(marks []Mark, through civil.Date) (history, error) {
	if len(marks) == 0 {
		return history{first: through.Days()}, nil
	}
	first, last := marks[0].Date.Days(), marks[0].Date.Days()
	for _, m := range marks[1:] {
		d := m.Date.Days()
		first = min(first, d)
		last = max(last, d)
	}
	last = max(last, through.Days())
	if last-first+1 > maxStreakDays {
		return history{}, &ValidationError{Field: "marks", Message: fmt.Sprintf("span %d days from the first mark, more than %d", last-first+1, maxStreakDays)}
	}
	h := history{first: first, status: make([]Status, last-first+1)}
	for _, m := range marks {
		i := m.Date.Days() - first
		if h.status[i] == "" || m.Status.rank() > h.status[i].rank() {
			h.status[i] = m.Status
		}
	}
	return h, nil
}

// jumped returns the day numbers that zone changes cut short or jumped
// over: from the day of the change in the old zone up to, not including,
// the day of the change in the new zone.
func jumped(changes []ZoneChange, dayStartHour int) map[int]bool {
	var out map[int]bool
	for _, z := range changes {
		from := personDay(z.At, z.From, dayStartHour).Days()
		to := personDay(z.At, z.To, dayStartHour).Days()
		for d := from; d < to; d++ {
			if out == nil {
				out = map[int]bool{}
			}
			out[d] = true
		}
	}
	return out
}

// CountStreak counts a streak in the person's own days: done days extend it,
// skipped and rest days (and days a zone change jumped over) are neutral,
// and a missed day spends a freeze or ends it (see [StreakRules]). It runs in
// time proportional to the days from the first mark to Today.
//
// Bad input gives every bad field as a [*ValidationError] (joined), such as
// "marks[3].status", "today" or "rules.max_freezes".
func CountStreak(in StreakInput) (Streak, error) {
	var p problems
	in.check(&p)
	if err := p.err(); err != nil {
		return Streak{}, err
	}
	h, err := buildHistory(in.Marks, in.Today)
	if err != nil {
		return Streak{}, err
	}
	skip := jumped(in.ZoneChanges, in.DayStartHour)
	today := in.Today.Days()
	c := streakCounter{rules: in.Rules}
	for i, st := range h.status {
		day := h.first + i
		switch {
		case day == today && (st == "" || st == Missed):
			st = Pending
		case day < today && (st == "" || st == Pending):
			st = Missed
		case day > today && st == "":
			st = Rest
		}
		if skip[day] && (st == Missed || st == Pending) {
			st = Rest
		}
		c.step(day, st)
	}
	return c.result(), nil
}

// streakCounter applies the streak rules one day at a time.
type streakCounter struct {
	rules   StreakRules
	s       Streak
	earned  int // done days towards the next freeze
	start   int // day number of the first done day of the running streak
	frozen  []civil.Date
	pending bool
}

// step applies one day's final status (never ""), in day order.
func (c *streakCounter) step(day int, st Status) {
	s := &c.s
	c.pending = false
	switch st {
	case Done:
		if s.Current == 0 {
			c.start = day
		}
		s.Current++
		s.Longest = max(s.Longest, s.Current)
		s.LastDone = civil.FromDays(day)
		if c.rules.FreezeEvery > 0 {
			c.earned++
			if c.earned == c.rules.FreezeEvery {
				c.earned = 0
				s.Freezes = min(s.Freezes+1, c.rules.MaxFreezes)
			}
		}
	case Missed:
		switch {
		case s.Current == 0:
		case s.Freezes > 0:
			s.Freezes--
			c.frozen = append(c.frozen, civil.FromDays(day))
		default:
			s.Current = 0
			c.earned = 0
		}
	case Pending:
		c.pending = true
	}
}

func (c *streakCounter) result() Streak {
	s := c.s
	s.AtRisk = c.pending && s.Current > 0
	s.FrozenDays = append([]civil.Date{}, c.frozen...)
	if s.Current > 0 {
		s.Start = civil.FromDays(c.start)
	}
	return s
}

// DayGoalStatus returns the status of the day goal for a day's habits: Done
// when at least goals.day_goal_percent of the due, unskipped items are
// completed (and at least one); Rest when nothing was due or everything was
// skipped; otherwise Missed once the day is over and Pending while it is
// not. Feed the statuses of successive days to [CountStreak] for the global
// "day goal met" streak.
func DayGoalStatus(h *Habits, goals Goals, dayOver bool) (Status, error) {
	var p problems
	goals.check(&p)
	if h != nil {
		Day{Date: civil.D(2000, 1, 1), Habits: h}.check(&p)
	}
	if err := p.err(); err != nil {
		return "", err
	}
	g := goals.resolved()
	if h == nil || h.Due-h.Skipped <= 0 {
		return Rest, nil
	}
	counted := h.Due - h.Skipped
	// completed/counted ≥ pct/100, in integers.
	if h.Completed > 0 && h.Completed*100 >= g.DayGoalPercent*counted {
		return Done, nil
	}
	if dayOver {
		return Missed, nil
	}
	return Pending, nil
}
