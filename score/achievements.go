package score

import (
	"fmt"
	"slices"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/shopspring/decimal"
)

// Achievement is one rule of the catalog: reach Target on its measure.
type Achievement struct {
	// Code is the stable identifier, stored with an unlock.
	Code        string `json:"code"`
	Title       string `json:"title"`
	Description string `json:"description"`
	// Target is the value of the measure that unlocks it.
	Target int `json:"target"`
}

// measure is what a catalog rule counts.
type measure int

const (
	mCompletions     measure = iota // items completed, in total
	mDayGoalStreak                  // longest day-goal streak
	mPerfectDays                    // perfect days, in total
	mPerfectRun                     // perfect days in a row (days with nothing due are passed over)
	mSleep85Run                     // ring sleep score ≥ 85 in a row (nights without one are passed over)
	mSleepGoalDays                  // days asleep at least the sleep goal
	mSteps10kDays                   // days with 10,000 steps or more
	mMaxSteps                       // most steps in a day
	mLevel                          // level reached
	mMaxLife                        // best Life Score (whole points)
	mWorkLife80Run                  // work-life ≥ 80 on work days in a row (days without work data are passed over)
	mFullPictureDays                // days with all four domains scored
)

type rule struct {
	Achievement
	measure measure
}

func catalog() []rule {
	a := func(code, title, desc string, target int, m measure) rule {
		return rule{Achievement{Code: code, Title: title, Description: desc, Target: target}, m}
	}
	return []rule{
		a("first_completion", "First step", "Complete an item for the first time.", 1, mCompletions),
		a("completions_100", "Hundred done", "Complete 100 items.", 100, mCompletions),
		a("completions_1000", "Thousand done", "Complete 1,000 items.", 1000, mCompletions),
		a("streak_7", "One week strong", "Meet the day goal 7 days in a row.", 7, mDayGoalStreak),
		a("streak_30", "Thirty days", "Meet the day goal 30 days in a row.", 30, mDayGoalStreak),
		a("streak_100", "Centurion", "Meet the day goal 100 days in a row.", 100, mDayGoalStreak),
		a("perfect_day", "Perfect day", "Complete every item due on a day (skips aside).", 1, mPerfectDays),
		a("perfect_week", "Perfect week", "Have 7 perfect days in a row; days with nothing due are passed over.", 7, mPerfectRun),
		a("perfect_days_30", "Thirty perfect days", "Have 30 perfect days in all.", 30, mPerfectDays),
		a("sleep_85_week", "Rested week", "Get a sleep score of 85 or more on 7 nights in a row; nights without a score are passed over.", 7, mSleep85Run),
		a("sleep_goal_10", "Sleep keeper", "Sleep at least your sleep goal on 10 nights.", 10, mSleepGoalDays),
		a("steps_10k_30", "Walker", "Walk 10,000 steps on 30 days.", 30, mSteps10kDays),
		a("steps_20k", "Long walk", "Walk 20,000 steps in one day.", 20000, mMaxSteps),
		a("level_5", "Level 5", "Reach level 5.", 5, mLevel),
		a("level_10", "Level 10", "Reach level 10.", 10, mLevel),
		a("level_25", "Level 25", "Reach level 25.", 25, mLevel),
		a("life_score_90", "Thriving", "Reach a Life Score of 90.", 90, mMaxLife),
		a("balanced_week", "Balanced week", "Keep work-life at 80 or more on 7 work days in a row; days without work are passed over.", 7, mWorkLife80Run),
		a("full_picture_30", "Full picture", "Have all four domains scored on 30 days.", 30, mFullPictureDays),
	}
}

// Catalog returns the achievements, in a fixed order. Codes never change
// meaning; a new rule gets a new code.
func Catalog() []Achievement {
	rs := catalog()
	out := make([]Achievement, len(rs))
	for i, r := range rs {
		out[i] = r.Achievement
	}
	return out
}

// Unlock records that an achievement was unlocked on one of the person's days.
type Unlock struct {
	Code string     `json:"code"`
	Date civil.Date `json:"date"`
}

// Progress is where the person stands on one achievement.
type Progress struct {
	Achievement
	// Current is the measure now, capped at Target once unlocked.
	Current int `json:"current"`
	// Percent is Current out of Target, 0–100, rounded down.
	Percent int `json:"percent"`
	// Unlocked is true once reached; an unlock is never taken back.
	Unlocked bool `json:"unlocked"`
	// UnlockedOn is the day it was unlocked (zero while locked).
	UnlockedOn civil.Date `json:"unlocked_on"`
}

// History is what achievements are evaluated over.
type History struct {
	// Days are the person's scored days, in any order, one per date. A
	// date missing between two given days counts as a day with nothing due
	// and no data (neutral for every run and streak).
	Days []Day
	// Goals are the person's goals (zero fields are defaults).
	Goals Goals
	// Rules are the streak rules of the day-goal streak.
	Rules StreakRules
	// Awards are the XP ledger, for the level achievements; the day an
	// award's date brings the running total to a level is the unlock day.
	Awards []Award
	// AsOf is the person's current day; days after it are ignored, and the
	// day-goal status of AsOf itself is pending until met.
	AsOf civil.Date
	// ZoneChanges and DayStartHour are the person's moves to another zone
	// and day-start hour, as in [StreakInput]: a day a move east cut short
	// or jumped over does not break the day-goal streak.
	ZoneChanges  []ZoneChange
	DayStartHour int
}

// Evaluation is the result of [Evaluate].
type Evaluation struct {
	// Progress has one entry per catalog achievement, in catalog order.
	Progress []Progress `json:"progress"`
	// New are the achievements first unlocked by this evaluation, each
	// dated the day its target was first reached in the history.
	New []Unlock `json:"new"`
}

// Evaluate checks every catalog achievement over the history. Achievements
// in unlocked stay unlocked with their recorded dates, whatever the history
// says now, so evaluating again after recording New changes nothing. It runs
// in time proportional to the days and awards in the history.
//
// Bad input gives every bad field as a [*ValidationError]: the days and
// goals as in [Compute] (prefixed "days[i]."), a repeated date, an unknown
// or repeated unlocked code ("unlocked[i].code"), "as_of", and awards with a
// bad date or points beyond MaxXP ("awards[i].date", "awards[i].points").
func Evaluate(h History, unlocked []Unlock) (Evaluation, error) {
	prior, err := h.check(unlocked)
	if err != nil {
		return Evaluation{}, err
	}
	t, reached, err := walk(h)
	if err != nil {
		return Evaluation{}, err
	}
	ev := Evaluation{New: []Unlock{}}
	for _, r := range catalog() {
		pr := Progress{Achievement: r.Achievement, Current: min(t.value(r.measure), r.Target)}
		if d, ok := prior[r.Code]; ok {
			pr.Unlocked, pr.UnlockedOn, pr.Current = true, d, r.Target
		} else if d := reached[r.Code]; !d.IsZero() {
			pr.Unlocked, pr.UnlockedOn, pr.Current = true, d, r.Target
			ev.New = append(ev.New, Unlock{Code: r.Code, Date: d})
		}
		pr.Percent = pr.Current * 100 / r.Target
		ev.Progress = append(ev.Progress, pr)
	}
	return ev, nil
}

// check validates the history and the stored unlocks, and returns the
// unlock dates by code.
func (h *History) check(unlocked []Unlock) (map[string]civil.Date, error) {
	var p problems
	if !h.AsOf.IsValid() {
		p.add("as_of", "must be a calendar date")
	}
	h.Goals.check(&p)
	// The streak fields, as CountStreak checks them.
	StreakInput{Today: civil.D(2000, 1, 1), Rules: h.Rules, ZoneChanges: h.ZoneChanges, DayStartHour: h.DayStartHour}.check(&p)
	seen := map[civil.Date]bool{}
	for i, d := range h.Days {
		var dp problems
		d.check(&dp)
		for _, e := range dp.errs {
			ve := e.(*ValidationError)
			p.errs = append(p.errs, &ValidationError{Field: fmt.Sprintf("days[%d].%s", i, ve.Field), Reason: ve.Reason})
		}
		if seen[d.Date] {
			p.add(fmt.Sprintf("days[%d].date", i), "date %s appears more than once", d.Date)
		}
		seen[d.Date] = true
	}
	codes := map[string]bool{}
	for _, r := range catalog() {
		codes[r.Code] = true
	}
	prior := map[string]civil.Date{}
	for i, u := range unlocked {
		switch {
		case !codes[u.Code]:
			p.add(fmt.Sprintf("unlocked[%d].code", i), "unknown achievement %q", u.Code)
		case !prior[u.Code].IsZero():
			p.add(fmt.Sprintf("unlocked[%d].code", i), "achievement %q given twice", u.Code)
		case !u.Date.IsValid():
			p.add(fmt.Sprintf("unlocked[%d].date", i), "must be a calendar date")
		default:
			prior[u.Code] = u.Date
		}
	}
	var xp int64
	for i, a := range h.Awards {
		if !a.Date.IsValid() {
			p.add(fmt.Sprintf("awards[%d].date", i), "must be a calendar date")
		}
		xp += a.Points
		if a.Points < -MaxXP || a.Points > MaxXP || xp < -MaxXP || xp > MaxXP {
			p.add(fmt.Sprintf("awards[%d].points", i), "takes the total XP outside -%d to %d", int64(MaxXP), int64(MaxXP))
			break
		}
	}
	return prior, p.err()
}

// AchievementAward returns the XP award for an unlock: AchievementPoints,
// keyed by [AchievementKey]. An unknown code is a [*ValidationError] for
// field "code".
func AchievementAward(u Unlock) (Award, error) {
	for _, r := range catalog() {
		if r.Code == u.Code {
			if !u.Date.IsValid() {
				return Award{}, &ValidationError{Field: "date", Reason: "must be a calendar date"}
			}
			return Award{
				Key: AchievementKey(u.Code), Date: u.Date, Kind: KindAchievement, Code: u.Code,
				Points: AchievementPoints, Reason: "achievement: " + r.Title,
				Parts: []AwardPart{{Name: "achievement", Points: AchievementPoints}},
			}, nil
		}
	}
	return Award{}, &ValidationError{Field: "code", Reason: fmt.Sprintf("unknown achievement %q", u.Code)}
}

// Tally is everything the achievements measure, counted day by day
// through the end of one of the person's days: the counts, bests and runs
// of the catalog's measures, the day-goal streak, and the running XP total.
// [Evaluate] walks a whole history with one; a caller that keeps the tally
// of a day that is over can go on from it with [Tally.Step] instead of
// walking every day again. The zero value has counted nothing. Its JSON form
// is stable, so a tally can be stored and read back.
type Tally struct {
	// Through is the last day counted (zero before the first).
	Through civil.Date `json:"through,omitzero"`
	// Completions counts the items completed.
	Completions int `json:"completions"`
	// PerfectDays counts the days on which every counted item was done.
	PerfectDays int `json:"perfect_days"`
	// SleepGoalDays counts the nights asleep at least the sleep goal.
	SleepGoalDays int `json:"sleep_goal_days"`
	// Steps10kDays counts the days of 10,000 steps or more.
	Steps10kDays int `json:"steps_10k_days"`
	// MaxSteps is the most steps in a day.
	MaxSteps int `json:"max_steps"`
	// MaxLife is the best Life Score, in whole points.
	MaxLife int `json:"max_life"`
	// FullPictureDays counts the days with all four domains scored.
	FullPictureDays int `json:"full_picture_days"`
	// PerfectRun follows perfect days in a row; days with nothing counted
	// due are passed over.
	PerfectRun Run `json:"perfect_run"`
	// Sleep85Run follows nights in a row with a ring sleep score of 85 or
	// more; nights without one are passed over.
	Sleep85Run Run `json:"sleep_85_run"`
	// WorkLife80Run follows work days in a row with a work-life score of 80
	// or more; days without work data are passed over.
	WorkLife80Run Run `json:"work_life_80_run"`
	// DayGoal is the day-goal streak (see [DayGoalStatus]).
	DayGoal StreakState `json:"day_goal"`
	// XP is the running total of the awards dated through Through.
	XP int64 `json:"xp"`
	// Level is the highest level the running total reached (0 before any
	// award; the level measure counts it as at least 1).
	Level int `json:"level"`
}

// Run follows a run of days in a row. A neutral day is passed over,
// neither extending nor breaking the run, and every catalog description of
// a run names the days it passes over ("work days in a row; days without
// work are passed over"), so the words and the count agree.
type Run struct {
	// Current is the length of the running run.
	Current int `json:"current"`
	// Best is the longest run.
	Best int `json:"best"`
}

func (r *Run) step(ok, neutral bool) {
	switch {
	case neutral:
	case ok:
		r.Current++
		r.Best = max(r.Best, r.Current)
	default:
		r.Current = 0
	}
}

// TallyDay is one day for [Tally.Step].
type TallyDay struct {
	// Day is the day's record: the whole day, every occurrence due counted.
	Day Day
	// Goals are the person's goals (zero fields are defaults).
	Goals Goals
	// Rules are the day-goal streak's rules.
	Rules StreakRules
	// AsOf is the person's current day. A day before it is over: its day
	// goal is met or missed. AsOf itself is still open: an unmet day goal
	// is pending, and a day not perfect yet leaves the perfect run as it
	// is.
	AsOf civil.Date
	// Jumped says a zone change cut the day short or jumped over it (see
	// [StreakInput.ZoneChanges]): a missed day goal is then neutral.
	Jumped bool
	// XP is the sum of the points of the awards dated this day.
	XP int64
}

// Step counts one more day: the day after Through, or any day when nothing
// was counted yet. It returns the day's scores (as [Compute] gives them)
// and whether its day goal is still pending. A day that does not follow
// Through, or bad input, is a [*ValidationError].
func (t *Tally) Step(in TallyDay) (Breakdown, bool, error) {
	var p problems
	in.Day.check(&p)
	in.Goals.check(&p)
	StreakInput{Today: civil.D(2000, 1, 1), Rules: in.Rules}.check(&p)
	if !in.AsOf.IsValid() {
		p.add("as_of", "must be a calendar date")
	}
	if in.XP < -MaxXP || in.XP > MaxXP {
		p.add("xp", "must be between -%d and %d", int64(MaxXP), int64(MaxXP))
	}
	if !t.Through.IsZero() && in.Day.Date.IsValid() && in.Day.Date != t.Through.AddDays(1) {
		p.add("day.date", "must be the day after %s, got %s", t.Through, in.Day.Date)
	}
	if err := p.err(); err != nil {
		return Breakdown{}, false, err
	}
	b, pending := t.step(in, in.Goals.resolved())
	return b, pending, nil
}

// step is Step for input already checked, with the goals resolved.
func (t *Tally) step(in TallyDay, g Goals) (Breakdown, bool) {
	d, date := in.Day, in.Day.Date
	b := compute(d, g)
	t.Through = date
	if hb := d.Habits; hb != nil && hb.Completed > 0 {
		t.Completions += hb.Completed
	}
	st := dayGoalStatus(d.Habits, g, date.Before(in.AsOf))
	pending := t.DayGoal.Advance(in.Rules, date, st, in.AsOf, in.Jumped)

	isPerfect, counted := false, 0
	if hb := d.Habits; hb != nil {
		counted = hb.Due - hb.Skipped
		isPerfect = counted > 0 && hb.Completed == counted
	}
	if isPerfect {
		t.PerfectDays++
	}
	t.PerfectRun.step(isPerfect, counted <= 0 || (date == in.AsOf && !isPerfect))

	var sleepScore *int
	if d.Sleep != nil {
		sleepScore = d.Sleep.Score
	}
	t.Sleep85Run.step(sleepScore != nil && *sleepScore >= 85, sleepScore == nil)
	if d.Sleep != nil && d.Sleep.TotalSeconds != nil && *d.Sleep.TotalSeconds >= g.SleepSeconds {
		t.SleepGoalDays++
	}
	if d.Activity != nil && d.Activity.Steps != nil {
		if *d.Activity.Steps >= 10000 {
			t.Steps10kDays++
		}
		t.MaxSteps = max(t.MaxSteps, *d.Activity.Steps)
	}
	if v := b.Life.Value; v.Valid {
		t.MaxLife = max(t.MaxLife, int(v.Decimal.IntPart()))
	}
	t.WorkLife80Run.step(b.WorkLife != nil && b.WorkLife.Value.GreaterThanOrEqual(eighty), b.WorkLife == nil)
	if b.Sleep != nil && b.Activity != nil && b.WorkLife != nil && b.Habits != nil {
		t.FullPictureDays++
	}
	t.AddXP(in.XP)
	return b, pending
}

var eighty = decimal.NewFromInt(80)

// AddXP adds points to the running total of the day counted last, as an
// award dated that day does, and raises Level when the total reaches a new
// level. It is how an award earned while a day is counted (an
// achievement's XP) joins that day.
func (t *Tally) AddXP(points int64) {
	if points == 0 {
		return
	}
	t.XP += points
	if lv, err := LevelFor(max(t.XP, 0)); err == nil {
		t.Level = max(t.Level, lv.Level)
	}
}

// value is the measure m as counted.
func (t *Tally) value(m measure) int {
	switch m {
	case mCompletions:
		return t.Completions
	case mDayGoalStreak:
		return t.DayGoal.Longest
	case mPerfectDays:
		return t.PerfectDays
	case mPerfectRun:
		return t.PerfectRun.Best
	case mSleep85Run:
		return t.Sleep85Run.Best
	case mSleepGoalDays:
		return t.SleepGoalDays
	case mSteps10kDays:
		return t.Steps10kDays
	case mMaxSteps:
		return t.MaxSteps
	case mLevel:
		return max(t.Level, 1)
	case mMaxLife:
		return t.MaxLife
	case mWorkLife80Run:
		return t.WorkLife80Run.Best
	case mFullPictureDays:
		return t.FullPictureDays
	}
	return 0
}

// Reached returns the codes of the catalog achievements whose target the
// tally has reached, in catalog order.
func (t Tally) Reached() []string {
	var out []string
	for _, r := range catalog() {
		if t.value(r.measure) >= r.Target {
			out = append(out, r.Code)
		}
	}
	return out
}

// Progress returns where the tally stands on every catalog achievement, in
// catalog order: the ones in unlocked (codes not in the catalog are left
// out) are unlocked on their recorded day, whatever the tally says; the
// others show the measure so far, capped at the target, and are locked
// even when reached (see [Tally.Reached] for those).
func (t Tally) Progress(unlocked []Unlock) []Progress {
	on := make(map[string]civil.Date, len(unlocked))
	for _, u := range unlocked {
		on[u.Code] = u.Date
	}
	out := make([]Progress, 0, len(catalog()))
	for _, r := range catalog() {
		pr := Progress{Achievement: r.Achievement, Current: min(t.value(r.measure), r.Target)}
		if d, ok := on[r.Code]; ok {
			pr.Unlocked, pr.UnlockedOn, pr.Current = true, d, r.Target
		}
		pr.Percent = pr.Current * 100 / r.Target
		out = append(out, pr)
	}
	return out
}

// walk counts h, which check has passed, with a Tally from its first day
// (or first award) through AsOf, and returns it with the first day each
// catalog target was reached.
func walk(h History) (*Tally, map[string]civil.Date, error) {
	days := make(map[civil.Date]Day, len(h.Days))
	var first civil.Date
	for _, d := range h.Days {
		if d.Date.After(h.AsOf) {
			continue
		}
		days[d.Date] = d
		if first.IsZero() || d.Date.Before(first) {
			first = d.Date
		}
	}
	xp := map[civil.Date]int64{}
	var later []Award
	for _, a := range h.Awards {
		if a.Date.After(h.AsOf) {
			later = append(later, a)
			continue
		}
		xp[a.Date] += a.Points
		if first.IsZero() || a.Date.Before(first) {
			first = a.Date
		}
	}
	t := &Tally{}
	reached := map[string]civil.Date{}
	note := func(day civil.Date) {
		for _, r := range catalog() {
			if reached[r.Code].IsZero() && t.value(r.measure) >= r.Target {
				reached[r.Code] = day
			}
		}
	}
	if first.IsZero() {
		note(h.AsOf)
		return t, reached, nil
	}
	if h.AsOf.Sub(first)+1 > maxStreakDays {
		return nil, nil, &ValidationError{Field: "days", Reason: fmt.Sprintf("span more than %d days", maxStreakDays)}
	}
	g := h.Goals.resolved()
	jumpedOver := jumped(h.ZoneChanges, h.DayStartHour)
	for date := first; !date.After(h.AsOf); date = nextDay(date) {
		d, ok := days[date]
		if !ok {
			d = Day{Date: date} // a day with no record: nothing due, no data
		}
		t.step(TallyDay{Day: d, Rules: h.Rules, AsOf: h.AsOf, Jumped: jumpedOver[date.Days()], XP: xp[date]}, g)
		note(date)
	}
	slices.SortStableFunc(later, func(a, b Award) int { return a.Date.Compare(b.Date) })
	for _, a := range later {
		t.AddXP(a.Points)
		note(a.Date)
	}
	return t, reached, nil
}

// levelTable answers "which level is this total" by binary search over the
// cumulative XP of each level, grown as needed.
type levelTable struct {
	cum []int64 // cum[i] is the XP needed to reach level i+1
}

func (lt *levelTable) level(total int64) int {
	if len(lt.cum) == 0 {
		lt.cum = append(lt.cum, 0)
	}
	for lt.cum[len(lt.cum)-1] <= total {
		l := int64(len(lt.cum))
		lt.cum = append(lt.cum, lt.cum[l-1]+levelSpan(l))
	}
	i, found := slices.BinarySearch(lt.cum, total)
	if found {
		return i + 1
	}
	return max(i, 1)
}
