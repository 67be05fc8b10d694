package score

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/shopspring/decimal"
)

// Difficulty is how hard a timeline item is; it sets the item's base XP.
type Difficulty string

// The difficulties and their base points (see [BasePoints]).
const (
	Trivial Difficulty = "trivial" // 2 XP
	Easy    Difficulty = "easy"    // 5 XP
	Medium  Difficulty = "medium"  // 10 XP
	Hard    Difficulty = "hard"    // 20 XP
)

// AwardKind says what an award is for.
type AwardKind string

// The kinds of award.
const (
	KindCompletion    AwardKind = "completion"      // an item completed on a day
	KindPerfectDay    AwardKind = "perfect_day"     // every due, unskipped item done
	KindHighLifeScore AwardKind = "high_life_score" // a Life Score of HighLifeScore or more
	KindAchievement   AwardKind = "achievement"     // an achievement unlocked
)

// The XP rules. All points are whole numbers.
const (
	// OnTimeBonusPercent is the bonus, in percent of the base points, for an
	// item completed within its planned window.
	OnTimeBonusPercent = 20
	// StreakBonusPercentPerWeek is the bonus, in percent of the base points,
	// for each full week of the item's current streak, up to
	// StreakBonusMaxPercent (reached at five weeks).
	StreakBonusPercentPerWeek = 10
	StreakBonusMaxPercent     = 50
	// PerfectDayPoints are awarded once a day when every due item that was
	// not skipped is done (at least one).
	PerfectDayPoints = 25
	// HighLifeScore is the Life Score that earns HighLifeScorePoints, once
	// a day.
	HighLifeScore       = 85
	HighLifeScorePoints = 15
	// AchievementPoints are awarded once for each achievement unlocked.
	AchievementPoints = 50
	// MaxBasePoints bounds the base points an item may set for itself
	// (Completion.BasePoints), as high as a timeline item's own XP may be.
	MaxBasePoints = 10_000
	// MaxXP bounds a ledger's total so level arithmetic stays exact and fast.
	MaxXP = 1_000_000_000_000
)

// BasePoints returns the base XP of a completion of difficulty d: trivial 2,
// easy 5, medium 10, hard 20. An unknown difficulty is a [*ValidationError]
// for field "difficulty".
func BasePoints(d Difficulty) (int64, error) {
	switch d {
	case Trivial:
		return 2, nil
	case Easy:
		return 5, nil
	case Medium:
		return 10, nil
	case Hard:
		return 20, nil
	}
	return 0, &ValidationError{Field: "difficulty", Reason: fmt.Sprintf("must be trivial, easy, medium or hard, got %q", d)}
}

// Award is one XP ledger entry. Key is its idempotency key: a ledger holds
// at most one award per key, so recording an award twice changes nothing.
// Points is the sum of Parts. An award carries everything a store needs to
// persist it.
type Award struct {
	Key    string     `json:"key"`
	Date   civil.Date `json:"date"`
	Kind   AwardKind  `json:"kind"`
	ItemID string     `json:"item_id,omitempty"`
	// Code is the achievement code, for KindAchievement.
	Code   string      `json:"code,omitempty"`
	Points int64       `json:"points"`
	Reason string      `json:"reason"`
	Parts  []AwardPart `json:"parts"`
}

// AwardPart is one line of an award: the base points or a bonus.
type AwardPart struct {
	Name   string `json:"name"` // "base", "on_time", "streak", "perfect_day", …
	Points int64  `json:"points"`
}

// CompletionKey is the idempotency key of the completion of itemID's
// occurrence in slot on date (see timeline's slots; 0 for an item due once
// a day): "completion:<item>:<date>", with "#<slot>" added for the slots
// after the first.
func CompletionKey(itemID string, date civil.Date, slot int) string {
	key := "completion:" + itemID + ":" + date.String()
	if slot > 0 {
		key += "#" + strconv.Itoa(slot)
	}
	return key
}

// PerfectDayKey is the idempotency key of a perfect-day award: "perfect_day:<date>".
func PerfectDayKey(date civil.Date) string { return "perfect_day:" + date.String() }

// HighLifeScoreKey is the idempotency key of a high-Life-Score award: "high_life_score:<date>".
func HighLifeScoreKey(date civil.Date) string { return "high_life_score:" + date.String() }

// AchievementKey is the idempotency key of an achievement award: "achievement:<code>".
func AchievementKey(code string) string { return "achievement:" + code }

// Completion describes one completed item occurrence.
type Completion struct {
	// ItemID identifies the timeline item; required.
	ItemID string
	// Date is the person's day the completion counts toward (see [PersonDay]).
	Date civil.Date
	// Slot is the occurrence's slot on Date, for an item due several times
	// a day (0 otherwise); each slot's completion is an award of its own.
	Slot int
	// Difficulty sets the base points, unless BasePoints is set.
	Difficulty Difficulty
	// BasePoints, when set, replaces the difficulty's base points
	// (0–MaxBasePoints).
	BasePoints *int
	// OnTime is true when the item was completed within its planned window.
	OnTime bool
	// Streak is the item's current streak including this completion.
	Streak int
}

// CompletionAward returns the award for one completion: base points, plus
// OnTimeBonusPercent of them when on time, plus StreakBonusPercentPerWeek
// for each full week of the streak (at most StreakBonusMaxPercent). Each
// bonus is rounded half up and is at least 1 point when it applies to a
// positive base. Bad fields ("item_id", "date", "difficulty",
// "base_points", "streak") give a [*ValidationError].
func CompletionAward(c Completion) (Award, error) {
	var p problems
	if c.ItemID == "" {
		p.add("item_id", "must not be empty")
	}
	if !c.Date.IsValid() {
		p.add("date", "must be a calendar date")
	}
	var base int64
	if c.BasePoints != nil {
		if *c.BasePoints < 0 || *c.BasePoints > MaxBasePoints {
			p.add("base_points", "must be between 0 and %d, got %d", MaxBasePoints, *c.BasePoints)
		}
		base = int64(*c.BasePoints)
	} else {
		b, err := BasePoints(c.Difficulty)
		if err != nil {
			p.errs = append(p.errs, err)
		}
		base = b
	}
	if c.Slot < 0 || c.Slot > 1000 {
		p.add("slot", "must be between 0 and 1000, got %d", c.Slot)
	}
	if c.Streak < 0 || c.Streak > 100_000 {
		p.add("streak", "must be between 0 and 100000, got %d", c.Streak)
	}
	if err := p.err(); err != nil {
		return Award{}, err
	}
	a := Award{
		Key:    CompletionKey(c.ItemID, c.Date, c.Slot),
		Date:   c.Date,
		Kind:   KindCompletion,
		ItemID: c.ItemID,
		Parts:  []AwardPart{{Name: "base", Points: base}},
	}
	reason := "completed " + c.ItemID
	if c.OnTime {
		a.Parts = append(a.Parts, AwardPart{Name: "on_time", Points: bonus(base, OnTimeBonusPercent)})
		reason += ", on time"
	}
	if weeks := c.Streak / 7; weeks > 0 {
		pct := min(weeks*StreakBonusPercentPerWeek, StreakBonusMaxPercent)
		a.Parts = append(a.Parts, AwardPart{Name: "streak", Points: bonus(base, pct)})
		reason += fmt.Sprintf(", %d-day streak", c.Streak)
	}
	a.Reason = reason
	a.Points = sumParts(a.Parts)
	return a, nil
}

func bonus(base int64, percent int) int64 {
	if base <= 0 {
		return 0
	}
	return max(1, (base*int64(percent)+50)/100)
}

func sumParts(ps []AwardPart) int64 {
	var n int64
	for _, p := range ps {
		n += p.Points
	}
	return n
}

// DayAwards returns the once-a-day awards that b earns: PerfectDayPoints
// when the habits domain is perfect (every due item that was not skipped
// done, at least one), and HighLifeScorePoints when the Life Score is at
// least HighLifeScore. The caller records the awards returned and undoes
// the keys of [PerfectDayKey] and [HighLifeScoreKey] that are not returned,
// so a day that stops being perfect gives its bonus back.
func DayAwards(day Day, b Breakdown) []Award {
	var out []Award
	if h := day.Habits; h != nil && h.Due-h.Skipped > 0 && h.Completed == h.Due-h.Skipped {
		out = append(out, Award{
			Key: PerfectDayKey(b.Date), Date: b.Date, Kind: KindPerfectDay, Points: PerfectDayPoints,
			Reason: fmt.Sprintf("perfect day: all %d items done", h.Completed),
			Parts:  []AwardPart{{Name: "perfect_day", Points: PerfectDayPoints}},
		})
	}
	if v := b.Life.Value; v.Valid && v.Decimal.GreaterThanOrEqual(decimal.NewFromInt(HighLifeScore)) {
		out = append(out, Award{
			Key: HighLifeScoreKey(b.Date), Date: b.Date, Kind: KindHighLifeScore, Points: HighLifeScorePoints,
			Reason: fmt.Sprintf("Life Score %s", v.Decimal.StringFixed(ScorePlaces)),
			Parts:  []AwardPart{{Name: "high_life_score", Points: HighLifeScorePoints}},
		})
	}
	return out
}

// Ledger is a person's XP ledger: awards by idempotency key, in the order
// they were recorded. The zero value is an empty ledger ready to use. A
// Ledger is a plain value for one goroutine at a time.
type Ledger struct {
	awards []Award
	index  map[string]int
	total  int64
}

// NewLedger returns a ledger holding awards, as loaded from a store. A
// repeated key, an empty key or a negative total is a [*ValidationError]
// ("awards[i].key", "awards[i].points").
func NewLedger(awards []Award) (*Ledger, error) {
	l := &Ledger{}
	var p problems
	for i, a := range awards {
		if err := l.check(a, fmt.Sprintf("awards[%d]", i)); err != nil {
			p.errs = append(p.errs, err)
			continue
		}
		if _, dup := l.index[a.Key]; dup {
			p.add(fmt.Sprintf("awards[%d].key", i), "key %q appears more than once", a.Key)
			continue
		}
		l.put(a)
	}
	if err := p.err(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Ledger) check(a Award, prefix string) error {
	var p problems
	if a.Key == "" {
		p.add(path(prefix, "key"), "must not be empty")
	}
	if a.Points < -MaxXP || a.Points > MaxXP {
		p.add(path(prefix, "points"), "must be between %d and %d, got %d", -MaxXP, MaxXP, a.Points)
	} else if t := l.Total() + a.Points; t < 0 || t > MaxXP {
		p.add(path(prefix, "points"), "would take the total XP to %d, outside 0 to %d", t, MaxXP)
	}
	return p.err()
}

func (l *Ledger) put(a Award) {
	if l.index == nil {
		l.index = map[string]int{}
	}
	l.index[a.Key] = len(l.awards)
	l.total += a.Points
	a.Parts = slices.Clone(a.Parts)
	l.awards = append(l.awards, a)
}

// Record adds a to the ledger and reports whether it was added; an award
// whose key is already there leaves the ledger unchanged and returns false.
// An empty key, or points that would take the total below 0 or above
// MaxXP, is a [*ValidationError].
func (l *Ledger) Record(a Award) (bool, error) {
	if err := l.check(a, ""); err != nil {
		return false, err
	}
	if _, ok := l.index[a.Key]; ok {
		return false, nil
	}
	l.put(a)
	return true, nil
}

// Undo takes back the award with the given key and returns it; it reports
// false when there is none, so undoing twice changes nothing. After an undo
// the same key may be recorded again.
func (l *Ledger) Undo(key string) (Award, bool) {
	i, ok := l.index[key]
	if !ok {
		return Award{}, false
	}
	a := l.awards[i]
	l.awards = slices.Delete(l.awards, i, i+1)
	delete(l.index, key)
	l.total -= a.Points
	for j := i; j < len(l.awards); j++ {
		l.index[l.awards[j].Key] = j
	}
	return a, true
}

// Has reports whether an award with the given key is in the ledger.
func (l *Ledger) Has(key string) bool {
	_, ok := l.index[key]
	return ok
}

// Awards returns a copy of the awards in the order they were recorded.
func (l *Ledger) Awards() []Award { return slices.Clone(l.awards) }

// Total returns the sum of all awards' points.
func (l *Ledger) Total() int64 { return l.total }

// Level is where a total of XP stands on the level curve.
type Level struct {
	// Total is the lifetime XP.
	Total int64 `json:"total"`
	// Level starts at 1 with 0 XP.
	Level int `json:"level"`
	// IntoLevel is the XP earned since the current level was reached.
	IntoLevel int64 `json:"into_level"`
	// ToNext is the XP still needed to reach the next level.
	ToNext int64 `json:"to_next_level"`
	// Span is the XP the current level takes in all: IntoLevel + ToNext.
	Span int64 `json:"span"`
}

// LevelSpan returns the XP it takes to go from level to level+1, the curve
// Habitica uses: round((0.25·L² + 10·L + 139.75) / 10) × 10, half up. Level
// 1 takes 150, level 2 160, level 5 200, level 10 260, level 50 1260 and
// level 100 3640; 2,040 XP in all reach level 11. level must be ≥ 1.
func LevelSpan(level int) (int64, error) {
	if level < 1 || level > 1_000_000 {
		return 0, &ValidationError{Field: "level", Reason: fmt.Sprintf("must be between 1 and 1000000, got %d", level)}
	}
	return levelSpan(int64(level)), nil
}

func levelSpan(l int64) int64 {
	// (0.25L² + 10L + 139.75)/10 = (L² + 40L + 559)/40; round half up.
	n := l*l + 40*l + 559
	return (n + 20) / 40 * 10
}

// LevelFor places a lifetime XP total on the level curve of [LevelSpan].
// total must be between 0 and MaxXP (field "xp.total").
func LevelFor(total int64) (Level, error) {
	if total < 0 || total > MaxXP {
		return Level{}, &ValidationError{Field: "xp.total", Reason: fmt.Sprintf("must be between 0 and %d, got %d", int64(MaxXP), total)}
	}
	lv := Level{Total: total, Level: 1}
	rest := total
	for {
		span := levelSpan(int64(lv.Level))
		if rest < span {
			lv.IntoLevel = rest
			lv.ToNext = span - rest
			lv.Span = span
			return lv, nil
		}
		rest -= span
		lv.Level++
	}
}
