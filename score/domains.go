package score

import (
	"fmt"
	"math/big"
	"slices"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/shopspring/decimal"
)

// Domain names one of the four areas a day is scored in. The string is the
// JSON name used by the HTTP API.
type Domain string

// The four domains, in the order the package always lists them.
const (
	DomainSleep    Domain = "sleep"
	DomainActivity Domain = "activity"
	DomainWorkLife Domain = "work_life"
	DomainHabits   Domain = "habits"
)

// AllDomains returns the four domains in their fixed order.
func AllDomains() []Domain {
	return []Domain{DomainSleep, DomainActivity, DomainWorkLife, DomainHabits}
}

// Contributor explains one input of a score: its Value on 0–100, its Weight
// (its share of the score, the shares summing to 1) and its Effect, the
// points it adds to the score. The effects of a score's contributors add up
// exactly to the score.
type Contributor struct {
	Name   string          `json:"name"`
	Value  decimal.Decimal `json:"value"`
	Weight decimal.Decimal `json:"weight"`
	Effect decimal.Decimal `json:"effect"`
	// Input describes the raw input in words ("7h 12m of 8h"), when there is one.
	Input string `json:"input,omitempty"`
	// Source names where the input came from ("manual", "activitywatch",
	// "ical"), when the caller said so; see [WorkSources].
	Source string `json:"source,omitempty"`
	// Parts are the ring's own contributors behind a ring score, by name.
	Parts []Part `json:"parts,omitempty"`
}

// Part is one of the ring's own contributors, as the ring reported it.
type Part struct {
	Name  string `json:"name"`
	Value int    `json:"value"`
}

// DomainScore is one domain's score for a day, 0–100, with its contributors.
type DomainScore struct {
	Domain       Domain          `json:"domain"`
	Value        decimal.Decimal `json:"value"`
	Contributors []Contributor   `json:"contributors"`
}

// LifeScore is the weighted mean of the domain scores present on a day, with
// the weights re-normalised over those domains. Value is null when no domain
// with a positive weight has data. Missing names the absent domains.
type LifeScore struct {
	Value        decimal.NullDecimal `json:"value"`
	Contributors []Contributor       `json:"contributors"`
	Missing      []Domain            `json:"missing"`
}

// Breakdown is a scored day: one entry per domain (nil when the domain has
// no data that day) and the Life Score.
type Breakdown struct {
	Date     civil.Date   `json:"date"`
	Sleep    *DomainScore `json:"sleep"`
	Activity *DomainScore `json:"activity"`
	WorkLife *DomainScore `json:"work_life"`
	Habits   *DomainScore `json:"habits"`
	Life     LifeScore    `json:"life_score"`
}

// Domain returns the score of domain d, or nil when it is absent.
func (b Breakdown) Domain(d Domain) *DomainScore {
	switch d {
	case DomainSleep:
		return b.Sleep
	case DomainActivity:
		return b.Activity
	case DomainWorkLife:
		return b.WorkLife
	case DomainHabits:
		return b.Habits
	}
	return nil
}

// Component weights inside each domain. They are relative: the weights of
// the components present on a day are re-normalised to sum to 1.
const (
	weightSleepScore     = 50 // the ring's sleep score
	weightReadiness      = 20 // the ring's readiness score
	weightTotalSleep     = 20 // time asleep against the goal
	weightEfficiency     = 10 // sleep efficiency
	weightRestingHR      = 10 // resting heart rate against the usual one
	weightActivityScore  = 60 // the ring's activity score
	weightSteps          = 40 // steps against the goal
	weightWorkload       = 40 // work time against the workday goal
	weightAfterHours     = 40 // after-hours work beyond the allowance
	weightMeetings       = 10 // share of work time in meetings
	weightBreaks         = 10 // breaks against 5 minutes an hour worked
	weightCompletion     = 80 // due items completed (skips excluded)
	weightOnTime         = 20 // completions made on time
	efficiencyFloor      = 65 // efficiency (%) that scores 0
	efficiencyFull       = 95 // efficiency (%) that scores 100
	restingHRPointsPerBP = 10 // points lost per beat a minute above the usual
	afterHoursZeroAfter  = 120
	breakMinutesPerHour  = 5
)

// Compute scores one day: the four domains and the Life Score. Bad input
// gives every bad field as a [*ValidationError] (joined), matching
// [ErrInvalid]; nothing is scored then.
//
// How each domain is made (component weights are relative and re-normalised
// over the components with data):
//
//   - sleep: the ring's sleep score (50), readiness score (20), time asleep
//     against goals.sleep_seconds, capped at 100 (20), sleep efficiency,
//     65 % → 0 to 95 % → 100 (10), and, when goals.resting_heart_rate is
//     set, 10 points off per beat a minute above it (10).
//   - activity: the ring's activity score (60) and steps against
//     goals.steps, capped at 100 (40).
//   - work_life: workload, 100 up to goals.work_minutes and 0 at 1.5 times
//     it (40); after-hours work beyond goals.after_hours_minutes, 0 at two
//     hours over (40); meetings, 100 up to half of work time and 0 at all
//     of it (10); breaks, 100 at 5 minutes an hour worked (10). A day off
//     (no work) scores 100.
//   - habits: completed items out of due items, skipped items left out of
//     both, so a skip neither raises nor lowers the score (80), and the
//     share of completions made on time (20). The domain is absent when no
//     item is due or every due item was skipped.
//
// A domain with no data is nil, never zero, and is named in Life.Missing.
// See [Round] for the rounding rule.
func Compute(day Day, goals Goals) (Breakdown, error) {
	var p problems
	day.check(&p)
	goals.check(&p)
	if err := p.err(); err != nil {
		return Breakdown{}, err
	}
	return compute(day, goals.resolved()), nil
}

// compute is Compute for a day and goals already checked, the goals
// resolved: Evaluate checks its goals once, not once a day.
func compute(day Day, g Goals) Breakdown {
	var present []domainMean
	score := func(d Domain, cs []component) *DomainScore {
		v, exact, contributors, ok := combine(cs)
		if !ok {
			return nil
		}
		s := &DomainScore{Domain: d, Value: v, Contributors: contributors}
		present = append(present, domainMean{s, exact})
		return s
	}
	b := Breakdown{
		Date:     day.Date,
		Sleep:    score(DomainSleep, sleepComponents(day, g)),
		Activity: score(DomainActivity, activityComponents(day, g)),
		WorkLife: score(DomainWorkLife, workComponents(day, g)),
		Habits:   score(DomainHabits, habitComponents(day)),
	}
	b.Life = life(present, *g.Weights)
	return b
}

// domainMean is a domain's score with its exact value: the weighted mean of
// its contributors' values, in tenths, before it was rounded.
type domainMean struct {
	score *DomainScore
	exact *big.Rat
}

// Life computes the Life Score from the domain scores present on a day with
// the given weights: the weighted mean of the domain values, the weights
// re-normalised over the domains given, computed exactly and rounded once by
// [Round]. The values are taken exactly as given; [Compute] instead uses
// each domain's exact mean, before its rounding, so Life over the rounded
// scores of a [Breakdown] can differ from its Life Score by a tenth (see
// [ScorePlaces]). Domains not given are named in Missing. A weight of zero
// keeps a domain out of the mean without calling it missing.
//
// It returns a [*ValidationError] for bad weights ("weights", "weights.<d>"),
// for an unknown or repeated domain ("domains[i].domain") and for a value
// outside 0–100 ("domains[i].value").
func Life(domains []DomainScore, w Weights) (LifeScore, error) {
	var p problems
	w.check(&p)
	seen := map[Domain]bool{}
	for i, d := range domains {
		field := fmt.Sprintf("domains[%d]", i)
		switch {
		case !slices.Contains(AllDomains(), d.Domain):
			p.add(field+".domain", "unknown domain %q", d.Domain)
		case seen[d.Domain]:
			p.add(field+".domain", "domain %q given twice", d.Domain)
		}
		seen[d.Domain] = true
		if d.Value.IsNegative() || d.Value.GreaterThan(hundred) {
			p.add(field+".value", "must be between 0 and 100, got %s", d.Value)
		}
	}
	if err := p.err(); err != nil {
		return LifeScore{}, err
	}
	ordered := make([]domainMean, 0, len(domains))
	for _, d := range AllDomains() {
		for i := range domains {
			if s := &domains[i]; s.Domain == d {
				ordered = append(ordered, domainMean{s, s.Value.Shift(ScorePlaces).Rat()})
			}
		}
	}
	return life(ordered, w), nil
}

// life assumes valid input, in domain order: the weighted mean of the
// domains' exact values, rounded once.
func life(present []domainMean, w Weights) LifeScore {
	ls := LifeScore{Missing: []Domain{}, Contributors: []Contributor{}}
	n := len(present)
	names, shown := make([]string, 0, n), make([]decimal.Decimal, 0, n)
	values, weights := make([]*big.Rat, 0, n), make([]int64, 0, n)
	for _, d := range AllDomains() {
		i := slices.IndexFunc(present, func(m domainMean) bool { return m.score.Domain == d })
		if i < 0 {
			ls.Missing = append(ls.Missing, d)
			continue
		}
		names = append(names, string(d))
		shown = append(shown, Round(present[i].score.Value))
		values = append(values, present[i].exact)
		weights = append(weights, w.of(d).Shift(WeightPlaces).IntPart())
	}
	v, contributors, ok := combineExact(names, shown, values, weights)
	if ok {
		ls.Value = decimal.NullDecimal{Decimal: v, Valid: true}
		ls.Contributors = contributors
	}
	return ls
}

func i64(v int) int64 { return int64(v) }

func parts(m map[string]int) []Part {
	if len(m) == 0 {
		return nil
	}
	out := make([]Part, 0, len(m))
	for k, v := range m {
		out = append(out, Part{Name: k, Value: v})
	}
	slices.SortFunc(out, func(a, b Part) int {
		switch {
		case a.Name < b.Name:
			return -1
		case a.Name > b.Name:
			return 1
		}
		return 0
	})
	return out
}

func sleepComponents(day Day, g Goals) []component {
	var cs []component
	if s := day.Sleep; s != nil {
		if s.Score != nil {
			cs = append(cs, component{name: "sleep_score", value: i64(*s.Score) * 10, weight: weightSleepScore,
				input: fmt.Sprintf("ring sleep score %d", *s.Score), parts: parts(s.Contributors)})
		}
	}
	if r := day.Readiness; r != nil && r.Score != nil {
		cs = append(cs, component{name: "readiness", value: i64(*r.Score) * 10, weight: weightReadiness,
			input: fmt.Sprintf("ring readiness score %d", *r.Score), parts: parts(r.Contributors)})
	}
	if s := day.Sleep; s != nil {
		if s.TotalSeconds != nil {
			cs = append(cs, component{name: "total_sleep", value: tenths(i64(*s.TotalSeconds), i64(g.SleepSeconds)), weight: weightTotalSleep,
				input: fmt.Sprintf("%s of %s", hm(*s.TotalSeconds), hm(g.SleepSeconds))})
		}
		if s.Efficiency != nil {
			v := tenths(i64(*s.Efficiency-efficiencyFloor), efficiencyFull-efficiencyFloor)
			cs = append(cs, component{name: "efficiency", value: v, weight: weightEfficiency,
				input: fmt.Sprintf("%d%% of time in bed asleep", *s.Efficiency)})
		}
		if s.RestingHeartRate != nil && g.RestingHeartRate > 0 {
			over := max(0, *s.RestingHeartRate-g.RestingHeartRate)
			v := clampTenths(1000 - i64(over*restingHRPointsPerBP)*10)
			cs = append(cs, component{name: "resting_heart_rate", value: v, weight: weightRestingHR,
				input: fmt.Sprintf("%d bpm against a usual %d bpm", *s.RestingHeartRate, g.RestingHeartRate)})
		}
	}
	return cs
}

func activityComponents(day Day, g Goals) []component {
	a := day.Activity
	if a == nil {
		return nil
	}
	var cs []component
	if a.Score != nil {
		cs = append(cs, component{name: "activity_score", value: i64(*a.Score) * 10, weight: weightActivityScore,
			input: fmt.Sprintf("ring activity score %d", *a.Score), parts: parts(a.Contributors)})
	}
	if a.Steps != nil {
		cs = append(cs, component{name: "steps", value: tenths(i64(*a.Steps), i64(g.Steps)), weight: weightSteps,
			input: fmt.Sprintf("%d of %d steps", *a.Steps, g.Steps)})
	}
	return cs
}

func workComponents(day Day, g Goals) []component {
	w := day.Work
	if w == nil {
		return nil
	}
	over := max(0, w.Minutes-g.WorkMinutes)
	// 0 at 1.5 times the goal: each minute over costs 100/(goal/2) points.
	workload := tenths(i64(g.WorkMinutes-2*over), i64(g.WorkMinutes))
	extra := max(0, w.AfterHoursMinutes-g.AfterHoursMinutes)
	afterHours := tenths(i64(afterHoursZeroAfter-extra), afterHoursZeroAfter)
	cs := []component{
		{name: "workload", value: workload, weight: weightWorkload, source: w.Sources.Work,
			input: fmt.Sprintf("%s worked of a %s goal", hm(w.Minutes*60), hm(g.WorkMinutes*60))},
		{name: "after_hours", value: afterHours, weight: weightAfterHours, source: w.Sources.AfterHours,
			input: fmt.Sprintf("%s after hours, %s allowed", hm(w.AfterHoursMinutes*60), hm(g.AfterHoursMinutes*60))},
	}
	if w.MeetingMinutes != nil && w.Minutes > 0 {
		// 100 up to half the work time in meetings, then down to 0 at all of it.
		v := tenths(2*i64(w.Minutes-*w.MeetingMinutes), i64(w.Minutes))
		cs = append(cs, component{name: "meetings", value: v, weight: weightMeetings, source: w.Sources.Meetings,
			input: fmt.Sprintf("%s of meetings", hm(*w.MeetingMinutes*60))})
	}
	if w.BreakMinutes != nil && w.Minutes > 0 {
		v := tenths(i64(*w.BreakMinutes)*60, i64(w.Minutes)*breakMinutesPerHour)
		cs = append(cs, component{name: "breaks", value: v, weight: weightBreaks, source: w.Sources.Breaks,
			input: fmt.Sprintf("%s of breaks", hm(*w.BreakMinutes*60))})
	}
	return cs
}

func habitComponents(day Day) []component {
	h := day.Habits
	if h == nil || h.Due-h.Skipped <= 0 {
		return nil
	}
	counted := h.Due - h.Skipped
	cs := []component{{name: "completed", value: tenths(i64(h.Completed), i64(counted)), weight: weightCompletion,
		input: fmt.Sprintf("%d of %d items done, %d skipped", h.Completed, counted, h.Skipped)}}
	if h.OnTime != nil && h.Completed > 0 {
		cs = append(cs, component{name: "on_time", value: tenths(i64(*h.OnTime), i64(h.Completed)), weight: weightOnTime,
			input: fmt.Sprintf("%d of %d done on time", *h.OnTime, h.Completed)})
	}
	return cs
}

// hm formats seconds as "7h 05m".
func hm(seconds int) string {
	m := seconds / 60
	return fmt.Sprintf("%dh %02dm", m/60, m%60)
}
