package score

import (
	"fmt"
	"slices"
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

// code is a Status as a small number, ordered so that merging two marks of
// one date keeps the larger: done, skipped, rest, pending, missed; 0 means
// no mark.
type code uint8

const (
	cNone code = iota
	cMissed
	cPending
	cRest
	cSkipped
	cDone
)

func (s Status) code() code {
	switch s {
	case Done:
		return cDone
	case Skipped:
		return cSkipped
	case Rest:
		return cRest
	case Pending:
		return cPending
	case Missed:
		return cMissed
	}
	return cNone
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
	// FrozenDays are the missed days a freeze covered in the running
	// streak, oldest first.
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

// history is a dense, per-day view of marks: one code a day, indexed by
// day number from first.
type history struct {
	first int // day number (civil.Date.Days) of codes[0]
	codes []code
}

// buildHistory merges marks into one code a day from the first mark to
// through. Marks after through extend the history when keepLater is set and
// are dropped otherwise. Days without a mark are cNone.
func buildHistory(marks []Mark, through civil.Date, keepLater bool) (history, error) {
	end := through.Days()
	first, last, any := 0, end, false
	for _, m := range marks {
		d := m.Date.Days()
		if d > end && !keepLater {
			continue
		}
		if !any || d < first {
			first = d
		}
		any = true
		last = max(last, d)
	}
	if !any {
		return history{first: end}, nil
	}
	if last-first+1 > maxStreakDays {
		return history{}, &ValidationError{Field: "marks", Reason: fmt.Sprintf("span %d days from the first mark, more than %d", last-first+1, maxStreakDays)}
	}
	h := history{first: first, codes: make([]code, last-first+1)}
	for _, m := range marks {
		i := m.Date.Days() - first
		if i >= len(h.codes) {
			continue
		}
		h.codes[i] = max(h.codes[i], m.Status.code())
	}
	return h, nil
}

// JumpedDays returns the person's days that zone changes cut short or
// jumped over: from the day of each change in the old zone up to, not
// including, the day of the change in the new zone. A streak counts a
// missed day among them as rest (see [StreakInput.ZoneChanges]).
func JumpedDays(changes []ZoneChange, dayStartHour int) map[civil.Date]bool {
	out := map[civil.Date]bool{}
	for d := range jumped(changes, dayStartHour) {
		out[civil.FromDays(d)] = true
	}
	return out
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
// CountStreak walks the days with a [StreakState]; a caller that keeps the
// state of a day that is over can carry on from it instead of walking every
// day again.
//
// Bad input gives every bad field as a [*ValidationError] (joined), such as
// "marks[3].status", "today" or "rules.max_freezes".
func CountStreak(in StreakInput) (Streak, error) {
	var p problems
	in.check(&p)
	if err := p.err(); err != nil {
		return Streak{}, err
	}
	h, err := buildHistory(in.Marks, in.Today, true)
	if err != nil {
		return Streak{}, err
	}
	skip := jumped(in.ZoneChanges, in.DayStartHour)
	today := in.Today.Days()
	var s StreakState
	pending := false
	for i, st := range h.codes {
		day := h.first + i
		st = streakCode(st, day, today, skip[day])
		s.step(in.Rules, day, st)
		if day == today {
			// Marks after today (the calendar stepped back) do not
			// settle today: it is still open, whatever follows it.
			pending = st == cPending
		}
	}
	return s.Streak(pending), nil
}

// streakCode is the status a streak counts for a day's mark code: an
// unmarked or missed today is pending, an unmarked or pending day before
// today is missed, an unmarked day after today is rest, and a missed or
// pending day a zone change jumped over is rest.
func streakCode(st code, day, today int, jumped bool) code {
	switch {
	case day == today && (st == cNone || st == cMissed):
		st = cPending
	case day < today && (st == cNone || st == cPending):
		st = cMissed
	case day > today && st == cNone:
		st = cRest
	}
	if jumped && (st == cMissed || st == cPending) {
		st = cRest
	}
	return st
}

// StreakState is a streak counted through some day, kept so that counting
// can go on from that day: the running totals [CountStreak] carries from
// one day to the next. The zero value is a streak with nothing counted yet.
// Its JSON form is stable, so a state can be stored and read back.
type StreakState struct {
	// Current counts the done days of the running streak.
	Current int `json:"current"`
	// Longest is the longest Current ever reached.
	Longest int `json:"longest"`
	// Freezes are the freezes held.
	Freezes int `json:"freezes"`
	// Earned counts the done days towards the next freeze.
	Earned int `json:"earned"`
	// Start is the first done day of the running streak (zero when none).
	Start civil.Date `json:"start,omitzero"`
	// LastDone is the latest done day (zero when none).
	LastDone civil.Date `json:"last_done,omitzero"`
	// Frozen are the missed days a freeze covered in the running streak,
	// oldest first.
	Frozen []civil.Date `json:"frozen,omitempty"`
}

// Advance counts day d, the day after the last one counted (or the first),
// with status st as of today: as in [CountStreak], an unmarked or missed
// today is pending, a pending day before today counts as missed, and a
// missed or pending day that a zone change jumped over counts as rest. It
// reports whether the day was pending (today, still open). An unknown
// status counts as rest.
func (s *StreakState) Advance(rules StreakRules, d civil.Date, st Status, today civil.Date, jumped bool) (pending bool) {
	c := streakCode(st.code(), d.Days(), today.Days(), jumped)
	s.step(rules, d.Days(), c)
	return c == cPending
}

// step applies one day's final status (never cNone), in day order.
func (s *StreakState) step(rules StreakRules, day int, st code) {
	switch st {
	case cDone:
		if s.Current == 0 {
			s.Start = civil.FromDays(day)
			s.Frozen = nil
		}
		s.Current++
		s.Longest = max(s.Longest, s.Current)
		s.LastDone = civil.FromDays(day)
		if rules.FreezeEvery > 0 {
			s.Earned++
			if s.Earned >= rules.FreezeEvery {
				s.Earned = 0
				s.Freezes = min(s.Freezes+1, rules.MaxFreezes)
			}
		}
	case cMissed:
		switch {
		case s.Current == 0:
		case s.Freezes > 0:
			s.Freezes--
			// Clipped first, so a copy of the state sharing the slice
			// never sees this append.
			s.Frozen = append(slices.Clip(s.Frozen), civil.FromDays(day))
		default:
			s.Current = 0
			s.Earned = 0
			s.Start = civil.Date{}
			s.Frozen = nil
		}
	}
}

// Streak returns the streak the state holds; todayPending says the last
// day counted is today and still open, which puts a running streak at risk.
func (s StreakState) Streak(todayPending bool) Streak {
	out := Streak{
		Current:    s.Current,
		Longest:    s.Longest,
		AtRisk:     todayPending && s.Current > 0,
		Freezes:    s.Freezes,
		LastDone:   s.LastDone,
		FrozenDays: append([]civil.Date{}, s.Frozen...),
	}
	if s.Current > 0 {
		out.Start = s.Start
	}
	return out
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
	return dayGoalStatus(h, goals.resolved(), dayOver), nil
}

// dayGoalStatus is DayGoalStatus for habits and goals already checked, the
// goals resolved.
func dayGoalStatus(h *Habits, g Goals, dayOver bool) Status {
	if h == nil || h.Due-h.Skipped <= 0 {
		return Rest
	}
	counted := h.Due - h.Skipped
	// completed/counted ≥ pct/100, in integers.
	if h.Completed > 0 && h.Completed*100 >= g.DayGoalPercent*counted {
		return Done
	}
	if dayOver {
		return Missed
	}
	return Pending
}
