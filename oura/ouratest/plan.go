package ouratest

import (
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// A day plan is everything that happened to a user on one day, drawn from a
// generator keyed by (seed, user, day) only. Documents, heart rate and battery
// rows are all derived from plans, so they agree with each other: a workout
// shows up as high heart rate, a night without the ring has no sleep and no
// heart rate, a charging window has neither heart rate nor steps.
//
// The day's timeline (local time) keeps activities apart:
//
//	late nap of the next day   19:15-21:30 (evening before, counts toward the next day)
//	main sleep                 21:45-00:50 → 05:45-09:15
//	charging (charge days)     10:00-11:40
//	morning workout            09:30-11:15 (not on charge days)
//	rest (false detection)     11:45-12:40
//	session                    12:45-13:20
//	nap or deleted nap         13:30-16:45
//	evening workout            17:00-19:00

// Sleep period types, as Oura names them.
const (
	kindLongSleep = "long_sleep"
	kindSleep     = "sleep"
	kindLateNap   = "late_nap"
	kindRest      = "rest"
	kindDeleted   = "deleted"
)

// sleepPlan is one sleep period. Periods with a revision change at the
// server's revision point: revKind is the type afterwards ("" when the
// period disappears because it was merged into another) and revStart the
// edited bedtime start.
type sleepPlan struct {
	ord        int // stable ordinal within the day: the document's period and part of its id
	kind       string
	start, end time.Time
	revised    bool
	revKind    string
	revStart   time.Time
}

type workoutPlan struct {
	ord        int
	activity   string
	intensity  string
	source     string
	label      string
	start, end time.Time
}

type sessionPlan struct {
	ord        int
	kind       string
	mood       string
	start, end time.Time
}

type dayPlan struct {
	day      civil.Date
	key      uint64 // per-day key for further derivations
	main     int    // index into sleeps of the long_sleep period, -1 when the ring was off overnight
	sleeps   []sleepPlan
	workouts []workoutPlan
	sessions []sessionPlan
	charge   bool // the ring was charged this day, in [chargeStart, chargeEnd)
	chargeStart,
	chargeEnd time.Time
}

// midnight is the start of a local day (00:00, or the first instant after a
// DST gap at midnight).
func midnight(d civil.Date, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// at is the local wall time minutes (and seconds) after the start of day d;
// minutes may be negative or beyond a day.
func at(d civil.Date, loc *time.Location, minutes, seconds int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, minutes, seconds, 0, loc)
}

// isChargeDay reports whether the user charges the ring on day d.
func (u *user) isChargeDay(d civil.Date) bool {
	return (d.Days()+u.chargePhase)%u.chargeEvery == 0
}

// chargeWindow is when the ring sits in its charger on charge day d. It has a
// generator of its own so battery rows need no full day plan.
func (u *user) chargeWindow(d civil.Date) (start, end time.Time) {
	r := newRNG(u.key, tagBattery, uint64(int64(d.Days())))
	start = at(d, u.loc, 10*60+r.between(0, 20), r.intn(60))
	return start, start.Add(80 * time.Minute)
}

// plan draws the day plan of user u for day d.
func (u *user) plan(d civil.Date) *dayPlan {
	key := hashKey(u.key, tagPlan, uint64(int64(d.Days())))
	r := rng{state: key}
	p := &dayPlan{day: d, key: key, main: -1}
	loc := u.loc
	weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday

	// The evening before: a late nap counts toward this day.
	var sleeps []sleepPlan
	if r.chance(0.05) {
		s := at(d, loc, -24*60+r.between(19*60+15, 20*60+45), r.intn(60))
		p := sleepPlan{kind: kindLateNap, start: s, end: s.Add(time.Duration(r.between(20, 45)) * time.Minute)}
		if r.chance(0.5) { // later merged into the night's sleep
			p.revised, p.revKind = true, ""
		}
		sleeps = append(sleeps, p)
	}
	// The night.
	startMin := r.between(-105, 20) + u.chronotype
	wakeMin := r.between(375, 495) + u.chronotype
	if weekend {
		wakeMin += 30
	}
	if !r.chance(0.03) {
		s := at(d, loc, startMin, r.intn(60))
		e := at(d, loc, wakeMin, r.intn(60))
		p := sleepPlan{kind: kindLongSleep, start: s, end: e}
		if r.chance(0.12) { // the user edits the bedtime later
			p.revised, p.revKind = true, kindLongSleep
			p.revStart = s.Add(time.Duration(r.between(15, 45)) * time.Minute)
		}
		sleeps = append(sleeps, p)
	}
	p.charge = u.isChargeDay(d)
	if p.charge {
		p.chargeStart, p.chargeEnd = u.chargeWindow(d)
	}
	if !p.charge && r.chance(0.25) {
		s := at(d, loc, r.between(9*60+30, 10*60+15), r.intn(60))
		p.workouts = append(p.workouts, u.drawWorkout(&r, s, r.between(30, 60)))
	}
	if r.chance(0.05) {
		s := at(d, loc, r.between(11*60+45, 12*60+10), r.intn(60))
		sleeps = append(sleeps, sleepPlan{kind: kindRest, start: s, end: s.Add(time.Duration(r.between(15, 30)) * time.Minute)})
	}
	if r.chance(0.3) {
		s := at(d, loc, r.between(12*60+45, 13*60), r.intn(60))
		p.sessions = append(p.sessions, sessionPlan{
			kind:  pick(&r, "meditation", "breathing", "relaxation", "rest", "body_status"),
			mood:  pick(&r, "", "", "bad", "worse", "same", "good", "great"),
			start: s,
			end:   s.Add(time.Duration(r.between(10, 20)) * time.Minute),
		})
	}
	if x := r.float(); x < 0.16 {
		s := at(d, loc, r.between(13*60+30, 15*60+30), r.intn(60))
		n := sleepPlan{kind: kindSleep, start: s, end: s.Add(time.Duration(r.between(20, 75)) * time.Minute)}
		if x >= 0.12 {
			n.kind = kindDeleted // deleted by the user at once
		} else if r.chance(0.35) {
			n.revised, n.revKind = true, kindDeleted // deleted by the user later
		}
		sleeps = append(sleeps, n)
	}
	if r.chance(0.35) {
		s := at(d, loc, r.between(17*60, 17*60+45), r.intn(60))
		p.workouts = append(p.workouts, u.drawWorkout(&r, s, r.between(30, 75)))
	}
	for i := range sleeps {
		sleeps[i].ord = i
		if sleeps[i].kind == kindLongSleep {
			p.main = i
		}
	}
	p.sleeps = sleeps
	for i := range p.workouts {
		p.workouts[i].ord = i
	}
	for i := range p.sessions {
		p.sessions[i].ord = i
	}
	return p
}

func (u *user) drawWorkout(r *rng, start time.Time, minutes int) workoutPlan {
	w := workoutPlan{start: start, end: start.Add(time.Duration(minutes) * time.Minute)}
	w.activity = pick(r, "walking", "running", "cycling", "strength_training", "yoga", "hiit", "swimming", "walking")
	switch w.activity {
	case "walking", "yoga":
		w.intensity = pick(r, "easy", "easy", "moderate")
	case "hiit", "running":
		w.intensity = pick(r, "moderate", "hard", "hard")
	default:
		w.intensity = pick(r, "easy", "moderate", "hard")
	}
	w.source = pick(r, "autodetected", "autodetected", "confirmed", "manual", "workout_heart_rate")
	if w.source == "manual" && r.chance(0.5) {
		w.label = pick(r, "Morning loop", "With the club", "Commute", "Intervals")
	}
	return w
}

// periodAt finds what the user was doing at instant t: the sleep period,
// workout or session covering it. Plans are fetched through the cache.
type activityAt struct {
	sleepKind string // kind of the sleep period covering t, if any
	sleepFrom time.Time
	workout   *workoutPlan
	session   bool
	offWrist  bool // charging, or a night without the ring
}

// sleepWindow is the part of a night that has no data when the ring was off.
func nightWindow(d civil.Date, loc *time.Location) (time.Time, time.Time) {
	return at(d, loc, -60, 0), at(d, loc, 7*60, 0)
}
