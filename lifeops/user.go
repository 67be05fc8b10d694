package lifeops

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/shopspring/decimal"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// Defaults for a new user's profile.
const (
	DefaultDayStartHour = 4 // the day rolls over at 04:00, so a 00:30 check-in counts for the evening before
)

// defaultWakeTime and defaultBedtime are a new user's anchors on days with
// no measured sleep, unless the profile says otherwise.
func defaultWakeTime() civil.Clock { return civil.Clock{Hour: 7} }
func defaultBedtime() civil.Clock  { return civil.Clock{Hour: 23} }

// MaxNameLen is the longest user name, in characters.
const MaxNameLen = 100

// User is one person. Every other record belongs to exactly one user, and
// deleting the user deletes them all.
//
// The person's calendar is the IANA Zone plus DayStartHour: their day D runs
// from DayStartHour:00 on D to DayStartHour:00 on D+1, local time. With the
// default 4, a completion at 00:30 on the 11th belongs to the 10th. Scores,
// streaks and the timeline are keyed by these days.
type User struct {
	ID           uuid.UUID   `json:"id"`
	Name         string      `json:"name"`
	Zone         string      `json:"timezone"`       // IANA name such as "Europe/Berlin"; never "Local"
	DayStartHour int         `json:"day_start_hour"` // 0–23; the hour the person's day begins
	WakeTime     civil.Clock `json:"wake_time"`      // usual wake time, used when no sleep was measured
	Bedtime      civil.Clock `json:"bedtime"`        // usual bedtime, used when no sleep was measured
	// Version is 1 for a new user and goes up by one with every change of
	// the profile; an HTTP layer shows it as the profile's ETag (see
	// ProfileUpdate.IfVersion). Stores keep it as given, 0 as 1.
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks every field of u. It returns nil, or one
// *ValidationError per bad field joined with errors.Join (see
// [FieldErrors]).
func (u User) Validate() error {
	var p problems
	if u.ID == uuid.Nil {
		p.add("id", "is required")
	}
	p.addErr(validateName("name", u.Name, MaxNameLen))
	if _, err := LoadZone(u.Zone); err != nil {
		p.addErr(err)
	}
	if u.DayStartHour < 0 || u.DayStartHour > 23 {
		p.add("day_start_hour", "must be between 0 and 23, got %d", u.DayStartHour)
	}
	if !u.WakeTime.IsValid() {
		p.add("wake_time", "must be a time of day between 00:00 and 23:59")
	}
	if !u.Bedtime.IsValid() {
		p.add("bedtime", "must be a time of day between 00:00 and 23:59")
	}
	return p.err()
}

// Location returns the *time.Location of u.Zone.
func (u User) Location() (*time.Location, error) { return LoadZone(u.Zone) }

// LoadZone loads the IANA zone name. It refuses the empty name and "Local",
// which would make results depend on the machine the code runs on; the
// error is a *ValidationError for the field "timezone".
func LoadZone(name string) (*time.Location, error) {
	switch name {
	case "":
		return nil, invalid("timezone", "is required (an IANA name such as Europe/Berlin)")
	case "Local":
		return nil, invalid("timezone", "must be an IANA name such as Europe/Berlin, not Local")
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, &ValidationError{Field: "timezone", Reason: "unknown time zone " + quote(name), Err: err}
	}
	return loc, nil
}

func quote(s string) string {
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:60]) + "…"
	}
	return "\"" + strings.ToValidUTF8(s, "?") + "\""
}

func validateName(field, s string, max int) error {
	if strings.TrimSpace(s) == "" {
		return invalid(field, "is required")
	}
	if !utf8.ValidString(s) {
		return invalid(field, "must be valid UTF-8")
	}
	if n := utf8.RuneCountInString(s); n > max {
		return invalid(field, "must be at most %d characters, got %d", max, n)
	}
	if hasControl(s) {
		return invalid(field, "must not contain control characters")
	}
	return nil
}

// Goals are the person's targets; the scores measure each day against them.
// Every field has a validated range, and [DefaultGoals] is what a new user
// gets.
type Goals struct {
	UserID            uuid.UUID     `json:"-"`
	SleepMinutes      int           `json:"sleep_minutes"`       // sleep per night, 180–720
	Steps             int           `json:"steps"`               // steps per day, 1,000–100,000
	WorkMinutes       int           `json:"work_minutes"`        // the workday the person aims for, 60–960
	AfterHoursMinutes int           `json:"after_hours_minutes"` // after-hours work a day tolerates without penalty, 0–480
	RestingHeartRate  int           `json:"resting_heart_rate"`  // usual resting heart rate, 30–120; 0 means not set
	DayGoalPercent    int           `json:"day_goal_percent"`    // share of due items to complete for the day goal, 1–100
	Weights           DomainWeights `json:"weights"`             // how the domains weigh in the Life Score
	UpdatedAt         time.Time     `json:"updated_at"`
}

// DomainWeights weight the four domains in the Life Score. Only their ratios
// matter; each is between 0 and 100 and they may not all be zero.
type DomainWeights struct {
	Sleep    decimal.Decimal `json:"sleep"`
	Activity decimal.Decimal `json:"activity"`
	WorkLife decimal.Decimal `json:"work_life"`
	Habits   decimal.Decimal `json:"habits"`
}

// DefaultGoals returns the goals a user starts with: 8 hours of sleep, 8,000
// steps, an 8-hour workday with no after-hours work, 80% of the day's items
// for the day goal, and equal weights.
func DefaultGoals(userID uuid.UUID) Goals {
	one := decimal.NewFromInt(1)
	return Goals{
		UserID: userID, SleepMinutes: 480, Steps: 8000, WorkMinutes: 480, DayGoalPercent: 80,
		Weights: DomainWeights{Sleep: one, Activity: one, WorkLife: one, Habits: one},
	}
}

// Validate checks every field of g. It returns nil, or one
// *ValidationError per bad field joined with errors.Join.
func (g Goals) Validate() error {
	var p problems
	if g.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	for _, r := range []struct {
		field     string
		v, lo, hi int
	}{
		{"sleep_minutes", g.SleepMinutes, 180, 720},
		{"steps", g.Steps, 1000, 100000},
		{"work_minutes", g.WorkMinutes, 60, 960},
		{"after_hours_minutes", g.AfterHoursMinutes, 0, 480},
		{"day_goal_percent", g.DayGoalPercent, 1, 100},
	} {
		if r.v < r.lo || r.v > r.hi {
			p.add(r.field, "must be between %d and %d, got %d", r.lo, r.hi, r.v)
		}
	}
	if g.RestingHeartRate != 0 && (g.RestingHeartRate < 30 || g.RestingHeartRate > 120) {
		p.add("resting_heart_rate", "must be 0 (not set) or between 30 and 120, got %d", g.RestingHeartRate)
	}
	w := g.Weights
	all := []struct {
		field string
		v     decimal.Decimal
	}{{"weights.sleep", w.Sleep}, {"weights.activity", w.Activity}, {"weights.work_life", w.WorkLife}, {"weights.habits", w.Habits}}
	zero := true
	for _, x := range all {
		if why := decimalProblem(x.v, 0, 100, score.WeightPlaces); why != "" {
			p.add(x.field, "%s, got %s", why, shortDecimal(x.v))
		}
		if !x.v.IsZero() {
			zero = false
		}
	}
	if zero {
		p.add("weights", "must not all be zero")
	}
	if len(p) == 0 {
		// The score package's own rules for goals, so that a store refuses
		// what scoring would.
		p.addErr(translate(scoreGoals(g).Validate()))
	}
	return p.err()
}
