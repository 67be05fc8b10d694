package memstore

import (
	"context"
	"slices"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// Snapshot implements [lifeops.SnapshotStore]: everything is read under
// the store's read lock, so it is one consistent state.
func (s *Store) Snapshot(ctx context.Context, userID uuid.UUID, q lifeops.SnapshotQuery) (lifeops.Snapshot, error) {
	if err := q.Validate(); err != nil {
		return lifeops.Snapshot{}, err
	}
	var out lifeops.Snapshot
	err := s.readUser(ctx, userID, func(d *userData) error {
		if !q.Resume.IsZero() {
			resume(d, &q)
		}
		out.Read = q
		out.User = d.user
		if d.goals != nil {
			g := *d.goals
			out.Goals = &g
		}
		out.XPTotal = d.xpTotal
		for _, z := range d.zones {
			out.ZoneChanges = append(out.ZoneChanges, z)
		}
		slices.SortFunc(out.ZoneChanges, func(a, b lifeops.ZoneChange) int { return a.At.Compare(b.At) })
		for _, a := range d.achievements {
			out.Achievements = append(out.Achievements, a)
		}
		slices.SortFunc(out.Achievements, compareAchievements)
		for _, it := range d.items {
			out.Items = append(out.Items, cloneItem(it))
		}
		slices.SortFunc(out.Items, compareItems)
		for _, e := range d.events {
			if lifeops.InSpans(e.Date, q.Events) {
				out.Events = append(out.Events, cloneEvent(e))
			}
		}
		slices.SortFunc(out.Events, compareEvents)
		days := map[civil.Date]*lifeops.DayRecord{}
		at := func(date civil.Date) *lifeops.DayRecord {
			r := days[date]
			if r == nil {
				r = &lifeops.DayRecord{Date: date}
				days[date] = r
			}
			return r
		}
		for date, h := range d.health {
			if lifeops.InSpans(date, q.Days) {
				c := cloneHealthDay(h)
				at(date).Health = &c
			}
		}
		for date, w := range d.work {
			if lifeops.InSpans(date, q.Days) {
				c := cloneWork(w)
				at(date).Work = &c
			}
		}
		for date, sc := range d.scores {
			if lifeops.InSpans(date, q.Days) {
				c := cloneScores(sc)
				at(date).Scores = &c
			}
		}
		for _, r := range days {
			out.Days = append(out.Days, *r)
		}
		slices.SortFunc(out.Days, func(a, b lifeops.DayRecord) int { return a.Date.Compare(b.Date) })
		if q.XP {
			for _, e := range d.xp {
				if lifeops.InSpans(e.Date, q.Days) {
					out.XP = append(out.XP, cloneXP(e))
				}
			}
			slices.SortFunc(out.XP, compareXP)
		}
		return nil
	})
	return out, err
}

// resume applies q.Resume (see lifeops.SnapshotQuery) to the first spans.
func resume(d *userData, q *lifeops.SnapshotQuery) {
	var latest civil.Date
	for date, sc := range d.scores {
		if sc.State != nil && date.Before(q.Resume) && date.After(latest) {
			latest = date
		}
	}
	*q = q.Resumed(latest)
}
