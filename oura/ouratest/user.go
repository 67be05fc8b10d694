package ouratest

import (
	"fmt"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// User is one person whose ring the server fakes. Everything served for a user
// is derived from the server's seed and the user's ID, so two servers with the
// same seed serve the same bytes for the same user.
type User struct {
	// ID is the user's Oura id: the id of personal_info and the user_id of
	// webhook events. Required.
	ID string
	// Token, when set, is a static bearer token for this user with every
	// scope, valid until revoked.
	Token string
	// Location is the user's time zone: documents carry local days and
	// LocalizedDateTime values with its offset (DST included). Nil means UTC.
	Location *time.Location
	// Email is served by personal_info to tokens with the email scope; empty
	// is served as null.
	Email string
	// Since is the first day with data; nothing exists before it, and scores
	// that need history (HRV balance, sleep time) are null for the first two
	// weeks. The zero Date means the data has no start.
	Since civil.Date
	// Lapsed reports a lapsed membership: every data route answers 403.
	Lapsed bool
}

// user is a User with the traits the generators draw from.
type user struct {
	User
	key         uint64
	loc         *time.Location
	chronotype  int // minutes added to bedtime and wake time
	restingHR   int
	hrv         int
	hrPhase     int64 // seconds past each five-minute mark of heart-rate samples
	batPhase    int64 // seconds past each quarter hour of battery rows
	chargeEvery int   // the ring is charged every chargeEvery days
	chargePhase int
	drain       float64 // battery percent per hour
	age         int
	weight      float64
	height      float64
	sex         string
	vo2         int
	targetCal   int
	rings       int // ring configurations: 1, or 2 after an upgrade
}

func newUser(seed uint64, u User) (*user, error) {
	if u.ID == "" {
		return nil, fmt.Errorf("%w: user ID is empty", ErrInvalidOption)
	}
	if !u.Since.IsZero() && !u.Since.IsValid() {
		return nil, fmt.Errorf("%w: user %q: Since %04d-%02d-%02d is not a date", ErrInvalidOption, u.ID, u.Since.Year, int(u.Since.Month), u.Since.Day)
	}
	loc := u.Location
	if loc == nil {
		loc = time.UTC
	}
	key := hashKey(seed, strKey(u.ID))
	r := rng{state: hashKey(key, tagTraits)}
	v := &user{User: u, key: key, loc: loc}
	v.chronotype = r.between(-30, 30)
	v.restingHR = r.between(46, 64)
	v.hrv = r.between(28, 72)
	v.hrPhase = int64(r.intn(300))
	v.batPhase = int64(r.intn(900))
	v.chargeEvery = r.between(3, 5)
	v.chargePhase = r.intn(v.chargeEvery)
	v.drain = round(82/(float64(v.chargeEvery)*24), 3)
	v.age = r.between(24, 61)
	v.sex = pick(&r, "female", "male")
	if v.sex == "female" {
		v.height = round(1.56+r.float()*0.2, 2)
		v.weight = round(52+r.float()*30, 1)
	} else {
		v.height = round(1.68+r.float()*0.24, 2)
		v.weight = round(66+r.float()*34, 1)
	}
	v.vo2 = r.between(33, 50)
	v.targetCal = 50 * r.between(7, 12)
	v.rings = r.between(1, 2)
	return v, nil
}

// hasDay reports whether day d has data at all: not before Since and not
// after today in the user's zone.
func (u *user) hasDay(d civil.Date, now time.Time) bool {
	if !u.Since.IsZero() && d.Before(u.Since) {
		return false
	}
	return !d.After(civil.DateOf(now.In(u.loc)))
}

// young reports whether day d is within the first two weeks of data, when
// Oura has too little history for baselines.
func (u *user) young(d civil.Date) bool {
	return !u.Since.IsZero() && d.Sub(u.Since) < 14
}

// startInstant is the first instant with data.
func (u *user) startInstant() (time.Time, bool) {
	if u.Since.IsZero() {
		return time.Time{}, false
	}
	return midnight(u.Since, u.loc), true
}
