package memstore

import (
	"context"
	"slices"

	"github.com/lifeops/lifeops/timeline"

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
		out.XPTotal, out.DataVersion = d.xpTotal, d.dataVersion
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
		out.Events = eventsIn(d, q.Events)
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
		inSpans(d.health, q.Days, func(date civil.Date, h lifeops.HealthDay) {
			c := cloneHealthDay(h)
			at(date).Health = &c
		})
		inSpans(d.work, q.Days, func(date civil.Date, rs []lifeops.WorkDay) {
			at(date).Work = cloneWorkDays(rs)
		})
		inSpans(d.scores, q.Days, func(date civil.Date, sc lifeops.DayScores) {
			c := cloneScores(sc)
			at(date).Scores = &c
		})
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
// It looks back day by day from Resume, which finds a recent state at
// once, and reads every stored day instead once that would take longer.
func resume(d *userData, q *lifeops.SnapshotQuery) {
	var latest civil.Date
	date := q.Resume.AddDays(-1)
	for range len(d.scores) {
		if sc, ok := d.scores[date]; ok && sc.State != nil {
			*q = q.Resumed(date)
			return
		}
		date = date.AddDays(-1)
	}
	for date, sc := range d.scores {
		if sc.State != nil && date.Before(q.Resume) && date.After(latest) {
			latest = date
		}
	}
	*q = q.Resumed(latest)
}

// eventsIn returns the events of d's occurrences dated in spans, and of
// those a postponement moved into them (see lifeops.SnapshotQuery.Events).
func eventsIn(d *userData, spans []lifeops.Span) []lifeops.Event {
	var out []lifeops.Event
	seen := map[eventKey]bool{}
	add := func(k eventKey) {
		if !seen[k] {
			seen[k] = true
			out = append(out, cloneEvent(d.events[k]))
		}
	}
	type occ struct {
		item uuid.UUID
		date civil.Date
		slot int
	}
	var moved []occ
	if dates, ok := spanDates(spans, len(d.eventDays)); ok {
		for _, date := range dates {
			for k := range d.eventDays[date] {
				add(k)
			}
		}
		// The occurrences moved into the spans, from their postponements.
		for _, sp := range spans {
			for date := sp.From.AddDays(-timeline.MaxPostponeDays); !date.After(sp.To); date = date.AddDays(1) {
				for k := range d.eventDays[date] {
					if p := d.events[k]; p.Kind == lifeops.EventPostponed && !p.ToDate.IsZero() && lifeops.InSpans(p.ToDate, spans) {
						moved = append(moved, occ{k.item, k.date, k.slot})
					}
				}
			}
		}
	} else {
		for k, e := range d.events {
			if lifeops.InSpans(e.Date, spans) {
				add(k)
			} else if e.Kind == lifeops.EventPostponed && !e.ToDate.IsZero() && lifeops.InSpans(e.ToDate, spans) {
				moved = append(moved, occ{k.item, k.date, k.slot})
			}
		}
	}
	for _, m := range moved {
		for k := range d.eventDays[m.date] {
			if k.item == m.item && k.slot == m.slot {
				add(k)
			}
		}
	}
	return out
}

// spanDates returns the dates of spans, when they are all bounded and hold
// at most limit dates between them.
func spanDates(spans []lifeops.Span, limit int) ([]civil.Date, bool) {
	n := 0
	for _, sp := range spans {
		if sp.From.IsZero() || sp.To.IsZero() {
			return nil, false
		}
		if n += sp.To.Sub(sp.From) + 1; n > limit {
			return nil, false
		}
	}
	var out []civil.Date
	for _, sp := range spans {
		for date := sp.From; !date.After(sp.To); date = date.AddDays(1) {
			out = append(out, date)
		}
	}
	return out, true
}

// inSpans calls f with each day of m in spans: by looking the spans' dates
// up when they are fewer than the days stored, else by walking m.
func inSpans[T any](m map[civil.Date]T, spans []lifeops.Span, f func(civil.Date, T)) {
	if dates, ok := spanDates(spans, len(m)); ok {
		for _, date := range dates {
			if v, ok := m[date]; ok {
				f(date, v)
			}
		}
		return
	}
	for date, v := range m {
		if lifeops.InSpans(date, spans) {
			f(date, v)
		}
	}
}
