package score

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/shopspring/decimal"
)

// Frequency is how often an item is meant to be done: Times per Days days.
// Daily is 1 per 1, three times a week 3 per 7, monthly 1 per 30.
type Frequency struct {
	Times int `json:"times"`
	Days  int `json:"days"`
}

// Daily is the frequency of an item done every day.
func Daily() Frequency { return Frequency{Times: 1, Days: 1} }

// StrengthInput is the history of one item for [HabitStrength].
type StrengthInput struct {
	// Marks are the item's days, in any order; two marks of one date merge
	// as in [StreakInput]. Days without a mark count as not done.
	Marks []Mark
	// Frequency is how often the item is meant to be done.
	Frequency Frequency
	// Through is the last day to compute, normally today.
	Through civil.Date
}

// Strength is an item's habit strength as of the input's Through day.
type Strength struct {
	// Value is the strength on 0–100, rounded by [Round].
	Value decimal.Decimal `json:"value"`
	// Exact is the unrounded strength on 0–1.
	Exact float64 `json:"exact"`
	// Series has one point a day from the first mark through Through, oldest
	// first (empty when there is no mark on or before Through).
	Series []StrengthPoint `json:"series"`
}

// StrengthPoint is the strength, on 0–1, at the end of one day.
type StrengthPoint struct {
	Date  civil.Date `json:"date"`
	Value float64    `json:"value"`
}

// HabitStrength computes how established an item is, after Loop Habit
// Tracker's habit score: an exponential moving average that rises with each
// completion and decays gently, never resetting to zero after a miss.
//
// For each day t from the first mark: s_t = s_{t-1}·m + c_t·(1−m), with
// m = 0.5^(√f/13) for the frequency f = Times/Days (a half-life of 13 days
// for a daily item, about 34 for a weekly one) and s = 0 before the first
// mark. The day's completion c_t is min(1, n/Times), where n counts the done
// days in the Days days ending on t; when f < 1 both Times and Days are
// doubled (3 per 7 is read as 6 per 14) so that an irregular schedule is not
// punished. Skipped and rest days carry the score unchanged. Today being
// still undone (Through unmarked or pending) also carries it, so the score
// does not dip every morning before the day's check-in.
//
// It runs in time proportional to the days covered. Bad input gives a
// [*ValidationError] ("frequency.times", "frequency.days", "through",
// "marks[i].date", "marks[i].status").
func HabitStrength(in StrengthInput) (Strength, error) {
	var p problems
	f := in.Frequency
	if f.Days < 1 || f.Days > 366 {
		p.add("frequency.days", "must be between 1 and 366, got %d", f.Days)
	}
	if f.Times < 1 || (f.Days >= 1 && f.Times > f.Days) {
		p.add("frequency.times", "must be between 1 and frequency.days (%d), got %d", f.Days, f.Times)
	}
	if !in.Through.IsValid() {
		p.add("through", "must be a calendar date")
	}
	for i, m := range in.Marks {
		if !m.Date.IsValid() {
			p.add(fmt.Sprintf("marks[%d].date", i), "must be a calendar date")
		}
		if !m.Status.valid() {
			p.add(fmt.Sprintf("marks[%d].status", i), "must be done, missed, skipped, rest or pending, got %q", m.Status)
		}
	}
	if err := p.err(); err != nil {
		return Strength{}, err
	}
	h, err := buildHistory(in.Marks, in.Through, false)
	if err != nil {
		return Strength{}, err
	}
	if len(h.codes) == 0 {
		return Strength{Value: decimal.Zero, Series: []StrengthPoint{}}, nil
	}
	last := len(h.codes) - 1
	series := make([]StrengthPoint, len(h.codes))
	date := civil.FromDays(h.first)
	var st StrengthState
	for i, c := range h.codes {
		st.advance(f, date, c, i == last)
		series[i] = StrengthPoint{Date: date, Value: st.Value}
		date = nextDay(date)
	}
	return Strength{Value: st.Percent(), Exact: st.Value, Series: series}, nil
}

// StrengthState is an item's habit strength counted through some day, kept
// so that counting can go on from that day: what [HabitStrength] carries
// from one day to the next. The zero value has counted nothing. Its JSON
// form is stable, so a state can be stored and read back.
type StrengthState struct {
	// Value is the strength on 0–1.
	Value float64 `json:"value"`
	// Done are the done days among the last days of the frequency's
	// window (see [HabitStrength]), oldest first.
	Done []civil.Date `json:"done,omitempty"`
}

// Advance counts day d, the day after the last one counted, with status st
// for an item of frequency f, as [HabitStrength] counts each day; today
// says d is the person's current day, whose unmarked or pending status
// carries the strength instead of lowering it. A bad frequency leaves the
// state as it is.
func (s *StrengthState) Advance(f Frequency, d civil.Date, st Status, today bool) {
	if f.Days < 1 || f.Days > 366 || f.Times < 1 || f.Times > f.Days {
		return
	}
	s.advance(f, d, st.code(), today)
}

func (s *StrengthState) advance(f Frequency, d civil.Date, c code, today bool) {
	times, days := f.Times, f.Days
	if times == days {
		times, days = 1, 1
	}
	freq := float64(times) / float64(days)
	if freq < 1 {
		times, days = times*2, days*2
	}
	// Keep the done days of the window of days days ending on d.
	// The slice is never written in place: a copy of the state may share
	// it.
	oldest := d.AddDays(1 - days)
	i := 0
	for i < len(s.Done) && s.Done[i].Before(oldest) {
		i++
	}
	s.Done = slices.Clip(s.Done[i:])
	if c == cDone {
		s.Done = append(s.Done, d)
	}
	if len(s.Done) == 0 {
		s.Done = nil
	}
	neutral := c == cSkipped || c == cRest || (today && (c == cNone || c == cPending))
	if !neutral {
		check := min(1, float64(len(s.Done))/float64(times))
		m := math.Pow(0.5, math.Sqrt(freq)/13)
		s.Value = s.Value*m + check*(1-m)
	}
}

// Percent is the strength on 0–100, rounded by [Round].
func (s StrengthState) Percent() decimal.Decimal {
	return Round(decimal.NewFromFloat(s.Value * 100))
}

// StrengthStep is one step of the habit-strength average: the strength after
// a day with completion check (0–1), given the previous strength and the
// frequency f (Times/Days, 0 < f ≤ 1). It is the update [HabitStrength]
// applies each day.
func StrengthStep(f, previous, check float64) (float64, error) {
	var p problems
	if !(f > 0 && f <= 1) {
		p.add("frequency", "must be above 0 and at most 1, got %v", f)
	}
	if !(previous >= 0 && previous <= 1) {
		p.add("previous", "must be between 0 and 1, got %v", previous)
	}
	if !(check >= 0 && check <= 1) {
		p.add("check", "must be between 0 and 1, got %v", check)
	}
	if err := p.err(); err != nil {
		return 0, err
	}
	m := math.Pow(0.5, math.Sqrt(f)/13)
	return previous*m + check*(1-m), nil
}

// nextDay returns the day after d without the day-number round trip.
func nextDay(d civil.Date) civil.Date {
	if d.Day < civil.DaysIn(d.Year, d.Month) {
		d.Day++
		return d
	}
	d.Day = 1
	if d.Month == time.December {
		d.Month = time.January
		d.Year++
		return d
	}
	d.Month++
	return d
}
