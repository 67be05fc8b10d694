package score

import (
	"slices"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/shopspring/decimal"
)

// Day holds everything the package needs to score one of the person's days.
// It is provider-neutral: the caller maps its stored records onto it. A nil
// section, or a nil field inside one, means "no data" and never "zero".
type Day struct {
	// Date is the person's day being scored (see [PersonDay]).
	Date civil.Date
	// Sleep is the night that ended on Date, as the ring reports it.
	Sleep *Sleep
	// Readiness is the ring's readiness for Date. It feeds the sleep domain.
	Readiness *Readiness
	// Activity is the ring's activity for Date.
	Activity *Activity
	// Work is the person's work time on Date.
	Work *Work
	// Habits counts the timeline items of Date.
	Habits *Habits
}

// Sleep is one night's sleep. Every field is optional.
type Sleep struct {
	// Score is the ring's sleep score, 0–100.
	Score *int
	// Contributors are the ring's sleep contributors by name (for example
	// "deep_sleep", "efficiency"), each 0–100. They are shown, not weighted:
	// the ring's own Score already folds them in.
	Contributors map[string]int
	// TotalSeconds is the time asleep, 0 to 86400 seconds.
	TotalSeconds *int
	// Efficiency is the share of time in bed spent asleep, in percent 0–100.
	Efficiency *int
	// RestingHeartRate is the night's lowest heart rate, 20–250 beats a minute.
	RestingHeartRate *int
}

// Readiness is the ring's readiness for a day.
type Readiness struct {
	// Score is the readiness score, 0–100.
	Score *int
	// Contributors are the readiness contributors by name, each 0–100; shown,
	// not weighted.
	Contributors map[string]int
}

// Activity is a day's movement.
type Activity struct {
	// Score is the ring's activity score, 0–100.
	Score *int
	// Contributors are the activity contributors by name, each 0–100; shown,
	// not weighted.
	Contributors map[string]int
	// Steps is the day's step count, 0 to 1,000,000.
	Steps *int
}

// Work is a day's work time in minutes. Minutes and AfterHoursMinutes are
// required when the section is present; a day off is Minutes 0, not a nil
// Work (a nil Work means "not tracked").
type Work struct {
	// Minutes is the total time worked, 0–1440.
	Minutes int
	// AfterHoursMinutes is the part of Minutes outside working hours.
	AfterHoursMinutes int
	// MeetingMinutes is the part of Minutes spent in meetings, if known.
	MeetingMinutes *int
	// BreakMinutes is the time of breaks taken during work, if known.
	BreakMinutes *int
	// Sources names where each value came from; each work-life
	// contributor shows its value's source. Empty names are left out.
	Sources WorkSources
}

// WorkSources names where each value of a day's work came from: a person's
// own entry ("manual") or the name of the source that measured it
// ("activitywatch", "ical"). A value the day does not have has no source.
type WorkSources struct {
	Work       string `json:"work_minutes,omitempty"`
	AfterHours string `json:"after_hours_minutes,omitempty"`
	Meetings   string `json:"meeting_minutes,omitempty"`
	Breaks     string `json:"break_minutes,omitempty"`
}

// Habits counts a day's timeline items. Due counts every item occurrence of
// the day, Completed and Skipped the ones completed and skipped (a postponed
// item counts on the day it is finally due). Completed plus Skipped may not
// exceed Due.
type Habits struct {
	Due       int
	Completed int
	Skipped   int
	// OnTime is how many of the completed items were completed within their
	// planned window, if the caller knows it.
	OnTime *int
}

// Goals are the person's targets and preferences. A zero field means "use
// the default", which [DefaultGoals] spells out; negative values are invalid.
type Goals struct {
	// SleepSeconds is the nightly sleep target. Default 8 h (28,800 s).
	SleepSeconds int
	// Steps is the daily step target. Default 8,000.
	Steps int
	// WorkMinutes is the workday length the person aims for. Default 480.
	WorkMinutes int
	// AfterHoursMinutes is how much after-hours work a day tolerates without
	// a penalty. Default 0.
	AfterHoursMinutes int
	// RestingHeartRate is the person's usual resting heart rate; when set, a
	// night's resting heart rate above it lowers the sleep domain.
	RestingHeartRate int
	// DayGoalPercent is the share of due (not skipped) items that must be
	// completed for the day goal to count as met. Default 80.
	DayGoalPercent int
	// Weights weight the domains in the Life Score. Nil means equal weights.
	Weights *Weights
}

// Weights weight the four domains in the Life Score. They are relative: only
// their ratios matter, and the weights of the domains present on a day are
// re-normalised to sum to 1. None may be negative and not all may be zero.
type Weights struct {
	Sleep    decimal.Decimal `json:"sleep"`
	Activity decimal.Decimal `json:"activity"`
	WorkLife decimal.Decimal `json:"work_life"`
	Habits   decimal.Decimal `json:"habits"`
}

// Default goal values used for zero fields of [Goals].
const (
	DefaultSleepSeconds   = 8 * 3600
	DefaultSteps          = 8000
	DefaultWorkMinutes    = 480
	DefaultDayGoalPercent = 80
)

// DefaultWeights returns equal weights of 1 for every domain.
func DefaultWeights() Weights {
	one := decimal.NewFromInt(1)
	return Weights{Sleep: one, Activity: one, WorkLife: one, Habits: one}
}

// DefaultGoals returns the goals used for zero fields, written out.
func DefaultGoals() Goals {
	w := DefaultWeights()
	return Goals{
		SleepSeconds:   DefaultSleepSeconds,
		Steps:          DefaultSteps,
		WorkMinutes:    DefaultWorkMinutes,
		DayGoalPercent: DefaultDayGoalPercent,
		Weights:        &w,
	}
}

// resolved returns g with zero fields replaced by defaults. It assumes g is valid.
func (g Goals) resolved() Goals {
	def := DefaultGoals()
	if g.SleepSeconds == 0 {
		g.SleepSeconds = def.SleepSeconds
	}
	if g.Steps == 0 {
		g.Steps = def.Steps
	}
	if g.WorkMinutes == 0 {
		g.WorkMinutes = def.WorkMinutes
	}
	if g.DayGoalPercent == 0 {
		g.DayGoalPercent = def.DayGoalPercent
	}
	if g.Weights == nil {
		g.Weights = def.Weights
	}
	return g
}

// Validate reports every bad field of g, joined; each error is a
// [*ValidationError] matching [ErrInvalid]. Field paths start with "goals."
// except for the weights, which are "weights.<domain>".
func (g Goals) Validate() error {
	var p problems
	g.check(&p)
	return p.err()
}

func (g Goals) check(p *problems) {
	inRange(p, "goals.sleep_seconds", g.SleepSeconds, 0, 86400)
	inRange(p, "goals.steps", g.Steps, 0, 1_000_000)
	inRange(p, "goals.work_minutes", g.WorkMinutes, 0, 1440)
	inRange(p, "goals.after_hours_minutes", g.AfterHoursMinutes, 0, 1440)
	if g.RestingHeartRate != 0 && (g.RestingHeartRate < 20 || g.RestingHeartRate > 250) {
		p.add("goals.resting_heart_rate", "must be 0 (unknown) or between 20 and 250 beats a minute, got %d", g.RestingHeartRate)
	}
	inRange(p, "goals.day_goal_percent", g.DayGoalPercent, 0, 100)
	if g.Weights != nil {
		g.Weights.check(p)
	}
}

// Validate reports negative weights, weights above 1,000,000 or with more
// than WeightPlaces decimal places (field "weights.<domain>"), and weights
// that are all zero, or no weight positive (field "weights").
func (w Weights) Validate() error {
	var p problems
	w.check(&p)
	return p.err()
}

func (w Weights) check(p *problems) {
	maxWeight := decimal.NewFromInt(1_000_000)
	all := true
	for _, d := range AllDomains() {
		v := w.of(d)
		switch {
		case unwieldy(v, 6):
			p.add("weights."+string(d), "must be between 0 and %s with at most %d decimal places, got %s", maxWeight, WeightPlaces, short(v))
		case v.IsNegative():
			p.add("weights."+string(d), "must not be negative, got %s", v)
		case v.GreaterThan(maxWeight):
			p.add("weights."+string(d), "must be at most %s, got %s", maxWeight, v)
		case !v.Equal(v.Round(WeightPlaces)):
			p.add("weights."+string(d), "must have at most %d decimal places, got %s", WeightPlaces, v)
		}
		if v.IsPositive() {
			all = false
		}
	}
	if all {
		p.add("weights", "must not all be zero: at least one weight must be positive")
	}
}

func (w Weights) of(d Domain) decimal.Decimal {
	switch d {
	case DomainSleep:
		return w.Sleep
	case DomainActivity:
		return w.Activity
	case DomainWorkLife:
		return w.WorkLife
	default:
		return w.Habits
	}
}

// Validate reports every bad field of d, joined; each error is a
// [*ValidationError] matching [ErrInvalid], its Field a JSON path such as
// "sleep.score" or "work.after_hours_minutes".
func (d Day) Validate() error {
	var p problems
	d.check(&p)
	return p.err()
}

func (d Day) check(p *problems) {
	if !d.Date.IsValid() {
		p.add("date", "must be a calendar date, got %04d-%02d-%02d", d.Date.Year, int(d.Date.Month), d.Date.Day)
	}
	if s := d.Sleep; s != nil {
		optRange(p, "sleep.score", s.Score, 0, 100)
		contributors(p, "sleep.contributors", s.Contributors)
		optRange(p, "sleep.total_seconds", s.TotalSeconds, 0, 86400)
		optRange(p, "sleep.efficiency", s.Efficiency, 0, 100)
		optRange(p, "sleep.resting_heart_rate", s.RestingHeartRate, 20, 250)
	}
	if r := d.Readiness; r != nil {
		optRange(p, "readiness.score", r.Score, 0, 100)
		contributors(p, "readiness.contributors", r.Contributors)
	}
	if a := d.Activity; a != nil {
		optRange(p, "activity.score", a.Score, 0, 100)
		contributors(p, "activity.contributors", a.Contributors)
		optRange(p, "activity.steps", a.Steps, 0, 1_000_000)
	}
	if w := d.Work; w != nil {
		inRange(p, "work.minutes", w.Minutes, 0, 1440)
		inRange(p, "work.after_hours_minutes", w.AfterHoursMinutes, 0, 1440)
		optRange(p, "work.meeting_minutes", w.MeetingMinutes, 0, 1440)
		optRange(p, "work.break_minutes", w.BreakMinutes, 0, 1440)
		if w.AfterHoursMinutes > w.Minutes && w.AfterHoursMinutes <= 1440 && w.Minutes >= 0 {
			p.add("work.after_hours_minutes", "must not exceed work.minutes (%d), got %d", w.Minutes, w.AfterHoursMinutes)
		}
		if w.MeetingMinutes != nil && *w.MeetingMinutes > w.Minutes && *w.MeetingMinutes <= 1440 && w.Minutes >= 0 {
			p.add("work.meeting_minutes", "must not exceed work.minutes (%d), got %d", w.Minutes, *w.MeetingMinutes)
		}
	}
	if h := d.Habits; h != nil {
		const maxItems = 10_000
		inRange(p, "habits.due", h.Due, 0, maxItems)
		inRange(p, "habits.completed", h.Completed, 0, maxItems)
		inRange(p, "habits.skipped", h.Skipped, 0, maxItems)
		if h.Completed >= 0 && h.Skipped >= 0 && h.Due >= 0 && h.Due <= maxItems && h.Completed+h.Skipped > h.Due {
			p.add("habits.completed", "completed (%d) plus skipped (%d) must not exceed due (%d)", h.Completed, h.Skipped, h.Due)
		}
		if h.OnTime != nil {
			if *h.OnTime < 0 || *h.OnTime > h.Completed {
				p.add("habits.on_time", "must be between 0 and habits.completed (%d), got %d", max(h.Completed, 0), *h.OnTime)
			}
		}
	}
}

func inRange(p *problems, field string, v, lo, hi int) {
	if v < lo || v > hi {
		p.add(field, "must be between %d and %d, got %d", lo, hi, v)
	}
}

func optRange(p *problems, field string, v *int, lo, hi int) {
	if v != nil {
		inRange(p, field, *v, lo, hi)
	}
}

func contributors(p *problems, field string, m map[string]int) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if k == "" {
			p.add(field, "a contributor has an empty name")
			continue
		}
		inRange(p, field+"."+k, m[k], 0, 100)
	}
}

// Int returns a pointer to v, for filling the optional fields of [Day].
func Int(v int) *int { return &v }
