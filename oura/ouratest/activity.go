package ouratest

import (
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// planCache keeps the few most recent day plans of one user. Walks over time
// move forward, so a handful of slots bounds memory however long the walk.
type planCache struct {
	u     *user
	days  [6]int
	plans [6]*dayPlan
	next  int
}

func newPlanCache(u *user) *planCache { return &planCache{u: u} }

func (c *planCache) get(d civil.Date) *dayPlan {
	n := d.Days()
	for i, p := range c.plans {
		if p != nil && c.days[i] == n {
			return p
		}
	}
	p := c.u.plan(d)
	c.days[c.next], c.plans[c.next] = n, p
	c.next = (c.next + 1) % len(c.plans)
	return p
}

// at tells what the user was doing at instant t.
func (c *planCache) at(t time.Time) activityAt {
	loc := c.u.loc
	day := civil.DateOf(t.In(loc))
	today := c.get(day)
	for _, d := range [2]*dayPlan{today, c.get(day.AddDays(1))} {
		for i := range d.sleeps {
			s := &d.sleeps[i]
			if !t.Before(s.start) && t.Before(s.end) {
				return activityAt{sleepKind: s.kind, sleepFrom: s.start}
			}
		}
		if d.main < 0 {
			from, to := nightWindow(d.day, loc)
			if !t.Before(from) && t.Before(to) {
				return activityAt{offWrist: true}
			}
		}
	}
	if today.charge && !t.Before(today.chargeStart.Add(-5*time.Minute)) && t.Before(today.chargeEnd.Add(10*time.Minute)) {
		return activityAt{offWrist: true}
	}
	for i := range today.workouts {
		w := &today.workouts[i]
		if !t.Before(w.start) && t.Before(w.end) {
			return activityAt{workout: w}
		}
	}
	for i := range today.sessions {
		s := &today.sessions[i]
		if !t.Before(s.start) && t.Before(s.end) {
			return activityAt{session: true}
		}
	}
	return activityAt{}
}

const hrStep = 300 // seconds between heart-rate samples

// hrSlot is the index of the five-minute slot holding instant unix (seconds).
func (u *user) hrSlot(unix int64) int64 { return floorDiv64(unix-u.hrPhase, hrStep) }

func floorDiv64(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// heartRate is the sample of slot k: its bpm and source, or ok false when the
// ring recorded nothing (off the finger, charging, or a dropped reading).
func (u *user) heartRate(c *planCache, k int64) (bpm int, source string, ok bool) {
	t := time.Unix(k*hrStep+u.hrPhase, 0)
	if unitAt(u.key, tagHRGap, uint64(k)) < 0.015 {
		return 0, "", false
	}
	a := c.at(t)
	if a.offWrist {
		return 0, "", false
	}
	return u.bpmAt(t, k, a), sourceOf(u, k, a), true
}

func sourceOf(u *user, k int64, a activityAt) string {
	switch {
	case a.sleepKind == kindRest || a.sleepKind == kindDeleted:
		return "rest"
	case a.sleepKind != "":
		return "sleep"
	case a.workout != nil:
		return "workout"
	case a.session:
		return "session"
	case unitAt(u.key, tagHRLive, uint64(k)) < 0.01:
		return "live"
	}
	return "awake"
}

// bpmAt is the heart rate at instant t (slot k) during activity a.
func (u *user) bpmAt(t time.Time, k int64, a activityAt) int {
	noise := unitAt(u.key, tagHRNoise, uint64(k))*2 - 1
	rest := float64(u.restingHR)
	var v float64
	switch {
	case a.sleepKind == kindRest || a.sleepKind == kindDeleted:
		v = rest + 9 + noise*3
	case a.sleepKind != "":
		// Falls over the first hours of sleep, then settles near resting.
		m := t.Sub(a.sleepFrom).Minutes()
		drop := m / 40
		if drop > 7 {
			drop = 7
		}
		v = rest + 8 - drop + noise*2.5
	case a.workout != nil:
		base := 102.0
		switch a.workout.intensity {
		case "moderate":
			base = 126
		case "hard":
			base = 152
		}
		m := t.Sub(a.workout.start).Minutes()
		if m < 6 { // warming up
			base = rest + 25 + (base-rest-25)*m/6
		}
		v = base + noise*8
	case a.session:
		v = rest + 4 + noise*3
	default:
		h := t.In(u.loc).Hour()
		if h >= 8 && h < 22 {
			v = rest + 22 + noise*11
		} else {
			v = rest + 13 + noise*6
		}
	}
	return int(v + 0.5)
}

const batteryStep = 900 // seconds between battery rows

// batteryAt is the battery row of instant t: the level and whether the ring
// is charging or in its charger.
func (u *user) batteryAt(t time.Time) (level int, charging, inCharger bool) {
	last, lastEnd, prevEnd, ok := u.lastCharges(t)
	if !ok { // no charge seen yet: a full ring at the first instant
		return clampLevel(int(100 - hoursSince(u, t)*u.drain + 0.5)), false, false
	}
	if t.Before(lastEnd) {
		low := 100.0
		if !prevEnd.IsZero() {
			low = 100 - last.Sub(prevEnd).Hours()*u.drain
		}
		if low < 4 {
			low = 4
		}
		f := t.Sub(last).Minutes() / 80
		return clampLevel(int(low + (100-low)*f + 0.5)), true, true
	}
	h := t.Sub(lastEnd).Hours()
	return clampLevel(int(100 - h*u.drain + 0.5)), false, t.Before(lastEnd.Add(10 * time.Minute))
}

func hoursSince(u *user, t time.Time) float64 {
	if s, ok := u.startInstant(); ok && t.After(s) {
		return t.Sub(s).Hours()
	}
	return 0
}

func clampLevel(v int) int {
	switch {
	case v < 4:
		return 4
	case v > 100:
		return 100
	}
	return v
}

// lastCharges finds the last charge that started at or before t (its start
// and end) and the end of the one before it (zero when there is none).
func (u *user) lastCharges(t time.Time) (start, end, prevEnd time.Time, ok bool) {
	day := civil.DateOf(t.In(u.loc))
	for i := 0; i <= 2*u.chargeEvery+1; i++ {
		d := day.AddDays(-i)
		if !u.Since.IsZero() && d.Before(u.Since) {
			break
		}
		if !u.isChargeDay(d) {
			continue
		}
		s, e := u.chargeWindow(d)
		if s.After(t) {
			continue
		}
		if !ok {
			start, end, ok = s, e, true
			continue
		}
		return start, end, e, true
	}
	return start, end, time.Time{}, ok
}
