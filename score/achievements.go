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
	mPerfectRun                     // perfect days in a row (days with nothing due are neutral)
	mSleep85Run                     // ring sleep score ≥ 85 in a row (days without one are neutral)
	mSleepGoalDays                  // days asleep at least the sleep goal
	mSteps10kDays                   // days with 10,000 steps or more
	mMaxSteps                       // most steps in a day
	mLevel                          // level reached
	mMaxLife                        // best Life Score (whole points)
	mWorkLife80Run                  // work-life ≥ 80 in a row (days without work data are neutral)
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
		a("perfect_week", "Perfect week", "Have 7 perfect days in a row.", 7, mPerfectRun),
		a("perfect_days_30", "Thirty perfect days", "Have 30 perfect days in all.", 30, mPerfectDays),
		a("sleep_85_week", "Rested week", "Get a sleep score of 85 or more 7 days in a row.", 7, mSleep85Run),
		a("sleep_goal_10", "Sleep keeper", "Sleep at least your sleep goal on 10 nights.", 10, mSleepGoalDays),
		a("steps_10k_30", "Walker", "Walk 10,000 steps on 30 days.", 30, mSteps10kDays),
		a("steps_20k", "Long walk", "Walk 20,000 steps in one day.", 20000, mMaxSteps),
		a("level_5", "Level 5", "Reach level 5.", 5, mLevel),
		a("level_10", "Level 10", "Reach level 10.", 10, mLevel),
		a("level_25", "Level 25", "Reach level 25.", 25, mLevel),
		a("life_score_90", "Thriving", "Reach a Life Score of 90.", 90, mMaxLife),
		a("balanced_week", "Balanced week", "Keep work-life at 80 or more 7 days in a row.", 7, mWorkLife80Run),
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
	t, err := track(h)
	if err != nil {
		return Evaluation{}, err
	}
	ev := Evaluation{New: []Unlock{}}
	for _, r := range catalog() {
		cur, reached := t.value(r.measure), t.reached(r.measure, r.Target)
		pr := Progress{Achievement: r.Achievement, Current: min(cur, r.Target)}
		if d, ok := prior[r.Code]; ok {
			pr.Unlocked, pr.UnlockedOn, pr.Current = true, d, r.Target
		} else if !reached.IsZero() {
			pr.Unlocked, pr.UnlockedOn, pr.Current = true, reached, r.Target
			ev.New = append(ev.New, Unlock{Code: r.Code, Date: reached})
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
			p.add(fmt.Sprintf("days[%d].%s", i, ve.Field), "%s", ve.Message)
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
				return Award{}, &ValidationError{Field: "date", Message: "must be a calendar date"}
			}
			return Award{
				Key: AchievementKey(u.Code), Date: u.Date, Kind: KindAchievement, Code: u.Code,
				Points: AchievementPoints, Reason: "achievement: " + r.Title,
				Parts: []AwardPart{{Name: "achievement", Points: AchievementPoints}},
			}, nil
		}
	}
	return Award{}, &ValidationError{Field: "code", Message: fmt.Sprintf("unknown achievement %q", u.Code)}
}

// tracker follows every measure through the history, day by day, and keeps
// for each the first day each value was reached.
type tracker struct {
	cur map[measure]int
	// firsts[m] lists, for a measure, the first day each new maximum was
	// reached, as (value, day) pairs in increasing value order.
	firsts map[measure][]reachedAt
}

type reachedAt struct {
	value int
	day   civil.Date
}

func (t *tracker) set(m measure, v int, day civil.Date) {
	t.cur[m] = v
	fs := t.firsts[m]
	if len(fs) == 0 || v > fs[len(fs)-1].value {
		t.firsts[m] = append(fs, reachedAt{v, day})
	}
}

func (t *tracker) add(m measure, day civil.Date) { t.set(m, t.cur[m]+1, day) }

// value is the best value of m seen (for counts, the total).
func (t *tracker) value(m measure) int {
	fs := t.firsts[m]
	if len(fs) == 0 {
		return 0
	}
	return fs[len(fs)-1].value
}

// reached is the first day m reached target, or the zero Date.
func (t *tracker) reached(m measure, target int) civil.Date {
	fs := t.firsts[m]
	i, _ := slices.BinarySearchFunc(fs, target, func(r reachedAt, v int) int { return r.value - v })
	if i < len(fs) {
		return fs[i].day
	}
	return civil.Date{}
}

// run follows a run of days with a neutral option.
type run struct{ n int }

func (r *run) step(t *tracker, m measure, day civil.Date, ok, neutral bool) {
	switch {
	case neutral:
	case ok:
		r.n++
		t.set(m, max(t.value(m), r.n), day)
	default:
		r.n = 0
	}
}

// track follows every measure through h, which check has passed: the days
// and goals are not checked again here.
func track(h History) (*tracker, error) {
	t := &tracker{cur: map[measure]int{}, firsts: map[measure][]reachedAt{}}
	days := make([]Day, 0, len(h.Days))
	for _, d := range h.Days {
		if !d.Date.After(h.AsOf) {
			days = append(days, d)
		}
	}
	slices.SortFunc(days, func(a, b Day) int { return a.Date.Compare(b.Date) })
	if len(days) > 0 && h.AsOf.Sub(days[0].Date)+1 > maxStreakDays {
		return nil, &ValidationError{Field: "days", Message: fmt.Sprintf("span more than %d days", maxStreakDays)}
	}
	g := h.Goals.resolved()
	streak := streakCounter{rules: h.Rules}
	jumpedOver := jumped(h.ZoneChanges, h.DayStartHour)
	var perfect, sleep85, balance run
	eighty := decimal.NewFromInt(80)
	next := 0
	if len(days) > 0 {
		next = days[0].Date.Days()
	}
	for _, d := range days {
		// Days with no record between two records: nothing due, no data.
		for ; next < d.Date.Days(); next++ {
			streak.step(next, cRest)
		}
		next = d.Date.Days() + 1
		b := compute(d, g) // the days and goals were checked once, in Evaluate
		date := d.Date
		if hb := d.Habits; hb != nil && hb.Completed > 0 {
			t.set(mCompletions, t.cur[mCompletions]+hb.Completed, date)
		}
		c := dayGoalStatus(d.Habits, g, date.Before(h.AsOf)).code()
		if jumpedOver[date.Days()] && (c == cMissed || c == cPending) {
			c = cRest
		}
		streak.step(date.Days(), c)
		t.set(mDayGoalStreak, max(t.value(mDayGoalStreak), streak.longest), date)

		isPerfect := false
		counted := 0
		if hb := d.Habits; hb != nil {
			counted = hb.Due - hb.Skipped
			isPerfect = counted > 0 && hb.Completed == counted
		}
		if isPerfect {
			t.add(mPerfectDays, date)
		}
		perfect.step(t, mPerfectRun, date, isPerfect, counted <= 0 || (date == h.AsOf && !isPerfect))

		var sleepScore *int
		if d.Sleep != nil {
			sleepScore = d.Sleep.Score
		}
		sleep85.step(t, mSleep85Run, date, sleepScore != nil && *sleepScore >= 85, sleepScore == nil)
		if d.Sleep != nil && d.Sleep.TotalSeconds != nil && *d.Sleep.TotalSeconds >= g.SleepSeconds {
			t.add(mSleepGoalDays, date)
		}
		if d.Activity != nil && d.Activity.Steps != nil {
			if *d.Activity.Steps >= 10000 {
				t.add(mSteps10kDays, date)
			}
			t.set(mMaxSteps, max(t.value(mMaxSteps), *d.Activity.Steps), date)
		}
		if v := b.Life.Value; v.Valid {
			t.set(mMaxLife, max(t.value(mMaxLife), int(v.Decimal.IntPart())), date)
		}
		balance.step(t, mWorkLife80Run, date, b.WorkLife != nil && b.WorkLife.Value.GreaterThanOrEqual(eighty), b.WorkLife == nil)
		if b.Sleep != nil && b.Activity != nil && b.WorkLife != nil && b.Habits != nil {
			t.add(mFullPictureDays, date)
		}
	}

	awards := slices.Clone(h.Awards)
	slices.SortStableFunc(awards, func(a, b Award) int { return a.Date.Compare(b.Date) })
	var total int64
	var levels levelTable
	for i, a := range awards {
		total += a.Points
		if i+1 < len(awards) && awards[i+1].Date == a.Date {
			continue // a day's level is read after all of its awards
		}
		t.set(mLevel, max(t.value(mLevel), levels.level(total)), a.Date)
	}
	if t.value(mLevel) == 0 {
		t.set(mLevel, 1, h.AsOf)
	}
	return t, nil
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
