package lifeops

import (
	"encoding/json"
	"errors"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// A person's standing is everything the Service counts day after day over
// their whole history: the day-goal streak and the achievement measures
// (score.Tally), and each item's streak and habit strength. Counting it
// from the first day on every call would cost time in proportion to the
// history, so the Service keeps the standing at the end of every day that
// is over in that day's stored scores (DayScores.State), written by the
// same unit of work that changed the day. A read counts on from the latest
// stored day; a write counts on from the day before the first day it
// changed, and stores the standing of every day it counted again.

// standingFormat is the format of a stored standing. A State of another
// format is not used: the days are counted again from the first.
const standingFormat = 2 // 2: a rule's habit strength counts over its own short window

// standing is a person's standing at the end of Tally.Through.
type standing struct {
	Format int                         `json:"format"`
	Tally  score.Tally                 `json:"tally"`
	Items  map[uuid.UUID]*itemStanding `json:"items,omitempty"`
	// dayGoalPending says the day goal of the person's current day, the
	// last day counted, is still open.
	dayGoalPending bool
}

// itemStanding is one item's streak and habit strength.
type itemStanding struct {
	Streak   score.StreakState   `json:"streak"`
	Strength score.StrengthState `json:"strength"`
	// pending says the item's occurrence of the person's current day is
	// still open.
	pending bool
}

// errStaleState reports a stored standing that cannot be counted on from.
var errStaleState = errors.New("stored standing is of another format")

// decodeStanding reads the standing stored with the scores of day d.
func decodeStanding(d civil.Date, raw json.RawMessage) (*standing, error) {
	var st standing
	if err := json.Unmarshal(raw, &st); err != nil || st.Format != standingFormat || st.Tally.Through != d {
		return nil, errStaleState
	}
	return &st, nil
}

// encode returns the standing as stored.
func (st *standing) encode() (json.RawMessage, error) {
	st.Format = standingFormat
	return json.Marshal(st)
}

// clone returns a copy that counting on does not share.
func (st *standing) clone() *standing {
	out := *st
	out.Items = make(map[uuid.UUID]*itemStanding, len(st.Items))
	for id, is := range st.Items {
		c := *is
		out.Items[id] = &c
	}
	return &out
}

// item returns the standing of the item id, empty for an item not counted
// yet.
func (st *standing) item(id uuid.UUID) *itemStanding {
	if st.Items == nil {
		st.Items = map[uuid.UUID]*itemStanding{}
	}
	is := st.Items[id]
	if is == nil {
		is = &itemStanding{}
		st.Items[id] = is
	}
	return is
}

// resume returns the standing to count on from for a count whose first
// changed day is before: the latest one stored with the scores of a day
// before it (and before today), read from the snapshot. When there is none
// and the snapshot read every day from the first, it is an empty standing
// that counts from the first day; else errStaleState says the snapshot
// must read every day. A zero before counts from the first day whatever is
// stored.
func (h *history) resume(before civil.Date) (*standing, error) {
	fresh := h.read.Days[0].From.IsZero()
	if before.IsZero() {
		if fresh {
			return &standing{Format: standingFormat}, nil
		}
		return nil, errStaleState
	}
	var best civil.Date
	for d, sc := range h.scores {
		if sc.State != nil && d.Before(before) && d.Before(h.today) && d.After(best) {
			best = d
		}
	}
	if !best.IsZero() {
		if st, err := decodeStanding(best, h.scores[best].State); err == nil {
			return st, nil
		}
	}
	if fresh {
		return &standing{Format: standingFormat}, nil
	}
	return nil, errStaleState
}

// next returns the first day st has not counted: the day after the last,
// or the first day of the history.
func (h *history) next(st *standing) civil.Date {
	if st.Tally.Through.IsZero() {
		return h.firstDay()
	}
	return st.Tally.Through.AddDays(1)
}

// step counts day d, the next day of st, with xp the points of the awards
// dated that day. It returns the day's whole-day scores.
func (h *history) step(st *standing, d civil.Date, xp int64) (score.Breakdown, error) {
	in := h.scoreInput(d, false)
	b, pending, err := st.Tally.Step(score.TallyDay{Day: in, Goals: scoreGoals(h.goals), Rules: h.rules,
		AsOf: h.today, Jumped: h.jumped[d], XP: xp})
	if err != nil {
		return b, translate(err)
	}
	st.dayGoalPending = pending
	for _, it := range h.items {
		h.stepItem(st.item(it.ID), it, d)
	}
	return b, nil
}

// stepItem counts day d of item it.
func (h *history) stepItem(is *itemStanding, it *itemPlan, d civil.Date) {
	status := h.itemStatus(it, d)
	is.pending = is.Streak.Advance(h.rules, d, status, h.today, h.jumped[d])
	if it.freq != nil {
		is.Strength.Advance(*it.freq, d, status, d == h.today)
	}
}

// itemStatus is what happened to item it on day d, over its occurrences
// of the day: rest when not due; pending while one can still be done
// (today, or moved to a day not over yet); missed when one was left
// undone; done when every one not skipped was done; skipped when all were.
func (h *history) itemStatus(it *itemPlan, d civil.Date) score.Status {
	slots := h.slots(it, d)
	if len(slots) == 0 {
		return score.Rest
	}
	var done, pending, missed int
	for _, o := range slots {
		st := h.state(occKey{ItemID: it.ID, Date: d, Slot: o.Slot})
		switch {
		case st.Outcome() == timeline.EventCompleted:
			done++
		case st.Outcome() == timeline.EventSkipped:
		case !st.MovedTo().Before(h.today):
			pending++
		default:
			missed++
		}
	}
	switch {
	case pending > 0:
		return score.Pending
	case missed > 0:
		return score.Missed
	case done > 0:
		return score.Done
	}
	return score.Skipped
}

// countTo counts st on through today, with the points each day's awards
// hold in the snapshot (none when it did not read the ledger).
func (h *history) countTo(st *standing) error {
	for d := h.next(st); !d.After(h.today); d = d.AddDays(1) {
		if _, err := h.step(st, d, h.xpOn(d)); err != nil {
			return err
		}
	}
	return nil
}

// streaks returns the day-goal streak and each item's streak as of today
// from st, counted through today.
func (h *history) streaks(st *standing) (score.Streak, map[uuid.UUID]score.Streak) {
	items := make(map[uuid.UUID]score.Streak, len(h.items))
	for _, it := range h.items {
		is := st.item(it.ID)
		items[it.ID] = h.itemLater(it, is.Streak, is.pending)
	}
	return h.dayGoalLater(st.Tally.DayGoal, st.dayGoalPending), items
}

// dayGoalLater returns the day-goal streak s, counted through today, as
// of today: the days after today whose goal is already met (after a
// flight west put the calendar back) extend it, as score.CountStreak
// counts marks after today.
func (h *history) dayGoalLater(s score.StreakState, pending bool) score.Streak {
	g := scoreGoals(h.goals)
	for d := h.today.AddDays(1); !d.After(h.today.AddDays(laterDays)); d = d.AddDays(1) {
		if st, err := score.DayGoalStatus(h.habits(d, false), g, false); err == nil && st == score.Done {
			s.Advance(h.rules, d, score.Done, h.today, h.jumped[d])
		}
	}
	return s.Streak(pending)
}

// itemLater is dayGoalLater for the streak s of item it: the days after
// today on which it is already done or skipped count.
func (h *history) itemLater(it *itemPlan, s score.StreakState, pending bool) score.Streak {
	for d := h.today.AddDays(1); !d.After(h.today.AddDays(laterDays)); d = d.AddDays(1) {
		// A day after today counts when something of it is settled: done
		// when one was done, else skipped.
		status := score.Rest
		for _, o := range h.slots(it, d) {
			switch h.outcome(occKey{ItemID: it.ID, Date: d, Slot: o.Slot}) {
			case EventCompleted:
				status = score.Done
			case EventSkipped:
				if status == score.Rest {
					status = score.Skipped
				}
			}
		}
		if status != score.Rest {
			s.Advance(h.rules, d, status, h.today, h.jumped[d])
		}
	}
	return s.Streak(pending)
}

// itemStreak returns item it's streak as of today, counted on from st
// (which it leaves as it is) over the history as it stands now.
func (h *history) itemStreak(st *standing, it *itemPlan) score.Streak {
	is := *st.item(it.ID)
	for d := h.next(st); !d.After(h.today); d = d.AddDays(1) {
		h.stepItem(&is, it, d)
	}
	return h.itemLater(it, is.Streak, is.pending)
}

// strength returns item it's habit strength in st on 0–100, nil for an
// item due once.
func strengthOf(st *standing, it *itemPlan) *Number {
	if it.freq == nil {
		return nil
	}
	return &Number{st.item(it.ID).Strength.Percent()}
}

// frequencyOf is how often item it is meant to be done, for its habit
// strength: nil for an item due once. A rule's frequency is measured by the
// days it is due in the 364 days from its first day (see ruleFrequency).
// ruleFrequency turns n due days in 364 into the frequency of a kind that
// says the same in a short window: so many days a week (312 days, Monday to
// Saturday, is 6 in 7), or once every so many days (12 is once in 30). The
// strength's window is the frequency's days, so a year's count would make a
// habit take a year to read as established.
func ruleFrequency(n int) score.Frequency {
	if n*7 >= 364 {
		times := min(max((n*7+182)/364, 1), 7) // rounded to whole days a week
		if times == 7 {
			return score.Frequency{Times: 1, Days: 1}
		}
		return score.Frequency{Times: times, Days: 7}
	}
	return score.Frequency{Times: 1, Days: min((364+n/2)/n, 366)}
}

func frequencyOf(it *itemPlan) *score.Frequency {
	sch := it.Schedule
	every := max(sch.Interval, 1)
	f := score.Frequency{Times: 1, Days: 1}
	switch sch.Type {
	case timeline.ScheduleOnce, "":
		return nil
	case timeline.ScheduleDaily:
	case timeline.ScheduleWeekdays:
		f = score.Frequency{Times: 5, Days: 7}
	case timeline.ScheduleWeekly:
		f = score.Frequency{Times: max(len(sch.Days), 1), Days: 7 * every}
	case timeline.ScheduleEveryNDays:
		f = score.Frequency{Times: 1, Days: every}
	case timeline.ScheduleMonthly:
		f = score.Frequency{Times: 1, Days: 30 * every}
	case timeline.ScheduleYearly:
		f = score.Frequency{Times: 1, Days: 365 * every}
	default:
		first := it.ActiveFrom
		if first.IsZero() {
			first = sch.StartDate
		}
		n := 0
		for d := first; n < 364 && d.Sub(first) < 364; d = d.AddDays(1) {
			if it.plan.DueOn(d) {
				n++
			}
		}
		if n == 0 {
			return nil
		}
		f = ruleFrequency(n)
	}
	if f.Days > 366 {
		f = score.Frequency{Times: 1, Days: 366}
	}
	f.Times = min(f.Times, f.Days)
	return &f
}
