package lifeops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// unit is one unit of work of the Service: a write use case of one person,
// run inside [Transactor.Update]. It reads the person in the transaction,
// collects what the use case writes, counts again the days the write
// changed (their scores and standings, the day bonuses, the achievements
// reached), and writes all of it before the transaction commits.
type unit struct {
	s      *Service
	tx     Store
	userID uuid.UUID
	h      *history
	st     *standing // the standing the count goes on from (see load)
	dirty  civil.Date

	add      []XPEntry
	remove   []string
	delta    int64 // points added less points removed
	unlocked []Achievement
	scores   []DayScores
}

// update runs fn as one unit of work of the person userID and writes what
// it collected when fn returns nil.
func (s *Service) update(ctx context.Context, userID uuid.UUID, fn func(u *unit) error) error {
	// What this Service kept of the person is stale from here: Today
	// builds it again without first asking whether it changed.
	defer s.todays.forget(userID)
	return s.store.Update(ctx, userID, func(tx Store) error {
		u := &unit{s: s, tx: tx, userID: userID}
		if err := fn(u); err != nil {
			return err
		}
		return u.flush(ctx)
	})
}

// possibleDays returns the span the person's current day lies in, whatever
// their zone and day-start hour: local dates are at most a day from the UTC
// date, and a day-start hour can put the person's day one day earlier.
func possibleDays(now time.Time) Span {
	d := civil.DateOf(now.UTC())
	return Span{From: d.AddDays(-2), To: d.AddDays(1)}
}

// load reads the person for a write whose first changed day is dirty (zero
// for the person's current day): the days from the stored standing before
// dirty through the latest record, with their events and ledger entries.
func (u *unit) load(ctx context.Context, dirty civil.Date) (*history, error) {
	now := possibleDays(u.s.now())
	lo, resume := now.From, now.To.AddDays(1)
	if !dirty.IsZero() && dirty.Before(lo) {
		lo, resume = dirty, dirty
	}
	// Through a week after today: the days after it a flight west can
	// bring back, and any standing stored ahead by a clock ahead of ours.
	hi := now.To.AddDays(7)
	q := SnapshotQuery{Days: []Span{{From: lo, To: hi}}, Events: []Span{{From: lo, To: hi}}, Resume: resume, XP: true}
	return u.read(ctx, q, dirty, false)
}

// loadAll reads every record of the person, for a write that changes how
// every day counts (goals, the profile, an item's definition).
func (u *unit) loadAll(ctx context.Context) (*history, error) {
	return u.read(ctx, SnapshotQuery{Days: []Span{{}}, Events: []Span{{}}, XP: true}, civil.Date{}, true)
}

// read reads q and the standing to count on from for a write whose first
// changed day is dirty; with all, every day is counted from the first.
func (u *unit) read(ctx context.Context, q SnapshotQuery, dirty civil.Date, all bool) (*history, error) {
	h, err := u.s.snapshot(ctx, u.tx, u.userID, q)
	if err != nil {
		return nil, err
	}
	if dirty.IsZero() || dirty.After(h.today) {
		dirty = h.today
	}
	before := dirty
	if all {
		before = civil.Date{}
	}
	st, err := h.resume(before)
	if errors.Is(err, errStaleState) {
		// No usable standing before dirty: count from the first day.
		all := SnapshotQuery{Days: []Span{{}}, Events: []Span{{}}, XP: true}
		if h, err = u.s.snapshot(ctx, u.tx, u.userID, all); err != nil {
			return nil, err
		}
		st, err = h.resume(before)
	}
	if err != nil {
		return nil, err
	}
	u.h, u.st, u.dirty = h, st, dirty
	return h, nil
}

// recountFrom loads the person for a write whose first changed day is
// dirty (zero for today), after the write, and counts the days again.
func (u *unit) recountFrom(ctx context.Context, dirty civil.Date) error {
	if _, err := u.load(ctx, dirty); err != nil {
		return err
	}
	_, err := u.recount()
	return err
}

// addXP records that the unit adds e to the ledger.
func (u *unit) addXP(e XPEntry) {
	if i := slices.Index(u.remove, e.Key); i >= 0 {
		u.remove = slices.Delete(u.remove, i, i+1)
	} else {
		u.add = append(u.add, e)
	}
	u.h.setXP(e)
	u.delta += e.Points
}

// removeXP records that the unit takes e out of the ledger.
func (u *unit) removeXP(e XPEntry) {
	if i := slices.IndexFunc(u.add, func(a XPEntry) bool { return a.Key == e.Key }); i >= 0 {
		u.add = slices.Delete(u.add, i, i+1)
	} else {
		u.remove = append(u.remove, e.Key)
	}
	delete(u.h.xp[e.Date], e.Key)
	u.delta -= e.Points
}

// findXP returns the ledger entry with key dated d, as the unit left it.
func (u *unit) findXP(d civil.Date, key string) (XPEntry, bool) {
	e, ok := u.h.xp[d][key]
	return e, ok
}

// xpStatus returns the person's XP and level as the unit leaves them.
func (u *unit) xpStatus() (XPStatus, error) { return xpStatus(u.h.xpTotal + u.delta) }

// recount counts the person's days again from the standing before the
// unit's first changed day through their current day, and collects what
// changed: each day's scores (and, for the days that are over, the
// standing), the day bonuses earned or lost, and the achievements reached.
// It returns the standing as of today.
func (u *unit) recount() (*standing, error) {
	h := u.h
	st := u.st.clone()
	now := u.s.now()
	for d := h.next(st); !d.After(h.today); d = d.AddDays(1) {
		b, err := h.step(st, d, h.xpOn(d))
		if err != nil {
			return nil, err
		}
		u.dayAwards(st, d, h.scoreInput(d, false), b)
		if err := u.unlock(st, d); err != nil {
			return nil, err
		}
		shown := b
		if d == h.today {
			if _, shown, err = h.breakdown(d, true); err != nil {
				return nil, err
			}
		}
		sc := dayScores(h.ID, shown)
		sc.ComputedAt = now
		if d.Before(h.today) {
			if sc.State, err = st.encode(); err != nil {
				return nil, fmt.Errorf("encode standing of %s: %w", d, err)
			}
		}
		u.putScores(sc)
	}
	// A standing stored for today or later (by a clock ahead of this one,
	// or before a flight west put the calendar back) is not over yet.
	for d, sc := range h.scores {
		if d.After(h.today) && sc.State != nil {
			next := *sc
			next.State = nil
			u.putScores(next)
		}
	}
	return st, nil
}

// putScores collects sc unless the same scores are stored.
func (u *unit) putScores(sc DayScores) {
	if old := u.h.scores[sc.Date]; old != nil && sameScores(*old, sc) {
		return
	}
	u.scores = append(u.scores, sc)
	u.h.scores[sc.Date] = &u.scores[len(u.scores)-1]
}

// sameScores reports whether a and b hold the same scores and standing.
func sameScores(a, b DayScores) bool {
	a.ComputedAt, b.ComputedAt = time.Time{}, time.Time{}
	ja, err1 := jsonOf(a)
	jb, err2 := jsonOf(b)
	return err1 == nil && err2 == nil && ja == jb && string(a.State) == string(b.State)
}

// dayAwards settles the bonuses of day d, whose whole-day record is in and
// scores b: the perfect-day and high-Life-Score awards are added when
// earned and taken back when no longer earned, and st's running XP follows.
func (u *unit) dayAwards(st *standing, d civil.Date, in score.Day, b score.Breakdown) {
	earned := map[string]score.Award{}
	for _, a := range score.DayAwards(in, b) {
		earned[a.Key] = a
	}
	var gained int64
	for _, key := range []string{score.PerfectDayKey(d), score.HighLifeScoreKey(d)} {
		old, have := u.findXP(d, key)
		a, want := earned[key]
		switch {
		case want && !have:
			e := u.s.xpEntry(u.userID, a)
			u.addXP(e)
			gained += e.Points
		case !want && have:
			u.removeXP(old)
			st.Tally.AddXP(-old.Points) // taken back before anything is added
		}
	}
	st.Tally.AddXP(gained)
}

// unlock unlocks the achievements st has reached and the person has not,
// dated d, with their XP. That XP can reach a level achievement, which
// unlocks the same day.
func (u *unit) unlock(st *standing, d civil.Date) error {
	for {
		changed := false
		for _, code := range st.Tally.Reached() {
			if u.unlockedOn(code) {
				continue
			}
			a := Achievement{UserID: u.userID, Code: code, Date: d, UnlockedAt: u.s.now()}
			u.unlocked = append(u.unlocked, a)
			u.h.achievements = append(u.h.achievements, a)
			award, err := score.AchievementAward(score.Unlock{Code: code, Date: d})
			if err != nil {
				return translate(err)
			}
			e := u.s.xpEntry(u.userID, award)
			u.addXP(e)
			st.Tally.AddXP(e.Points)
			changed = true
		}
		if !changed {
			return nil
		}
	}
}

// unlockedOn reports whether the person has unlocked code.
func (u *unit) unlockedOn(code string) bool {
	return slices.ContainsFunc(u.h.achievements, func(a Achievement) bool { return a.Code == code })
}

// flush writes what the unit collected.
func (u *unit) flush(ctx context.Context) error {
	if len(u.add) > 0 || len(u.remove) > 0 {
		if err := u.tx.UpdateXP(ctx, u.userID, u.add, u.remove); err != nil {
			return fmt.Errorf("store XP: %w", err)
		}
	}
	for _, a := range u.unlocked {
		if _, _, err := u.tx.UnlockAchievement(ctx, a); err != nil {
			return fmt.Errorf("unlock %s: %w", a.Code, err)
		}
		u.s.log.InfoContext(ctx, "achievement unlocked", "user_id", u.userID, "code", a.Code, "date", a.Date)
	}
	if len(u.scores) > 0 {
		if err := u.tx.PutScores(ctx, u.scores...); err != nil {
			return fmt.Errorf("store scores: %w", err)
		}
	}
	return nil
}
