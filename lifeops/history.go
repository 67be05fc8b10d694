package lifeops

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// onTimeGrace is how long after its start an item with a shorter window
// still counts as done on time.
const onTimeGrace = 30 * time.Minute

// occKey identifies an occurrence: an item, its scheduled day, and its
// slot that day.
type occKey = timeline.OccurrenceKey

// history is what the Service read of one person, from one snapshot, to
// score days, count streaks and achievements and build feeds. It lives for
// one call of the Service: nothing it holds is kept across calls, so
// nothing can go stale.
type history struct {
	person
	goals        Goals
	rules        score.StreakRules
	now          time.Time
	today        civil.Date
	read         SnapshotQuery // the spans the snapshot read, after Resume
	dataVersion  int64         // the person's data version the snapshot read
	xpTotal      int64
	achievements []Achievement
	items        []*itemPlan // by CreatedAt; their ActiveFrom clamped to the day they were created
	byID         map[uuid.UUID]*itemPlan
	events       []Event // in recorded order
	// folded is timeline.Fold of events, the one reading of what the
	// events say of each occurrence; nil until asked for, and again after
	// record or forget.
	folded *timeline.States
	health map[civil.Date]*HealthDay
	work   map[civil.Date][]WorkDay // a date's records, one per source
	scores map[civil.Date]*DayScores
	// xp holds the ledger entries of the days read, by date and key, when
	// the snapshot read them (writes); nil otherwise.
	xp map[civil.Date]map[string]XPEntry
	// zones are the person's zone changes, oldest first, for streaks;
	// zoneFrom[i] is the first day lived in zones[i].To (see locOn).
	zones    []score.ZoneChange
	zoneFrom []civil.Date
	jumped   map[civil.Date]bool // the days a zone change cut short or jumped over
	// wholeDay caches habits(d, false); record and forget clear it.
	wholeDay map[civil.Date]*score.Habits
	// exists caches timeline.DayExists in the person's zone, by day number.
	exists map[int]bool
	// first caches firstDay while firstOK; record and forget clear it.
	first   civil.Date
	firstOK bool
}

// itemPlan is an item of a history with its schedule made ready for the
// many "is it due on D?" questions a history asks: a rule is parsed (and a
// COUNT walked) once per history, not once per question.
type itemPlan struct {
	Item
	plan *timeline.Plan
	freq *score.Frequency // nil for an item due once
}

func newItemPlan(it Item, loc *time.Location) *itemPlan {
	ip := &itemPlan{Item: it, plan: it.Item.Plan(loc)}
	ip.freq = frequencyOf(ip)
	return ip
}

// item returns the history's item with id, or a zero item (due on no day)
// when it has none, as for an item deleted since.
func (h *history) item(id uuid.UUID) *itemPlan {
	if it, ok := h.byID[id]; ok {
		return it
	}
	return newItemPlan(Item{}, h.loc)
}

// laterDays is how far past the person's current day the Service reads
// events: a flight west can put the calendar back by up to two days (zone
// offsets span 26 hours), and what was done on those days before the
// flight still counts for streaks.
const laterDays = 2

// snapshot reads what q selects of the person from st, a store or the
// unit of work of a write, and makes a history of it.
func (s *Service) snapshot(ctx context.Context, st SnapshotStore, userID uuid.UUID, q SnapshotQuery) (*history, error) {
	snap, err := st.Snapshot(ctx, userID, q)
	if err != nil {
		return nil, err
	}
	return s.historyOf(snap)
}

// historyOf makes a history of what a snapshot read.
func (s *Service) historyOf(snap Snapshot) (*history, error) {
	u := snap.User
	loc, err := s.zones.load(u.Zone)
	if err != nil {
		return nil, fmt.Errorf("load zone of user %s: %w", u.ID, err)
	}
	p := person{u, loc}
	goals := DefaultGoals(u.ID)
	if snap.Goals != nil {
		goals = *snap.Goals
	}
	now := s.now()
	h := &history{person: p, goals: goals, rules: s.streakRules, now: now, today: p.dayOf(now), read: snap.Read,
		dataVersion: snap.DataVersion, xpTotal: snap.XPTotal, achievements: snap.Achievements, exists: map[int]bool{}}
	if h.zones, err = s.scoreZoneChanges(snap.ZoneChanges); err != nil {
		return nil, fmt.Errorf("load zone changes of user %s: %w", u.ID, err)
	}
	h.zoneFrom = make([]civil.Date, len(h.zones))
	for i, c := range h.zones {
		h.zoneFrom[i] = person{p.User, c.To}.dayOf(c.At)
	}
	h.jumped = score.JumpedDays(h.zones, u.DayStartHour)
	h.items = make([]*itemPlan, 0, len(snap.Items))
	h.byID = make(map[uuid.UUID]*itemPlan, len(snap.Items))
	for _, it := range snap.Items {
		if created := h.dayAt(it.CreatedAt); !it.CreatedAt.IsZero() && (it.ActiveFrom.IsZero() || it.ActiveFrom.Before(created)) {
			it.ActiveFrom = created // an item is never due before it existed
		}
		ip := newItemPlan(it, p.loc)
		h.items = append(h.items, ip)
		h.byID[it.ID] = ip
	}
	events := snap.Events
	slices.SortStableFunc(events, func(a, b Event) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return a.At.Compare(b.At)
	})
	h.events = events
	h.health = make(map[civil.Date]*HealthDay, len(snap.Days))
	h.work = make(map[civil.Date][]WorkDay, len(snap.Days))
	h.scores = make(map[civil.Date]*DayScores, len(snap.Days))
	for _, d := range snap.Days {
		if d.Health != nil {
			h.health[d.Date] = d.Health
		}
		if len(d.Work) > 0 {
			h.work[d.Date] = d.Work
		}
		if d.Scores != nil {
			h.scores[d.Date] = d.Scores
		}
	}
	if snap.Read.XP {
		h.xp = map[civil.Date]map[string]XPEntry{}
		for _, e := range snap.XP {
			h.setXP(e)
		}
	}
	return h, nil
}

// setXP records that the ledger holds e.
func (h *history) setXP(e XPEntry) {
	day := h.xp[e.Date]
	if day == nil {
		day = map[string]XPEntry{}
		h.xp[e.Date] = day
	}
	day[e.Key] = e
}

// xpOn returns the sum of the points of the entries dated d.
func (h *history) xpOn(d civil.Date) int64 {
	var sum int64
	for _, e := range h.xp[d] {
		sum += e.Points
	}
	return sum
}

// states returns what the events say of each occurrence.
func (h *history) states() *timeline.States {
	if h.folded == nil {
		evs := make([]timeline.Event, len(h.events))
		for i, e := range h.events {
			evs[i] = toTimelineEvent(e)
		}
		h.folded = timeline.Fold(evs)
	}
	return h.folded
}

// state returns what the events say of occurrence k: open and in its
// place when they say nothing.
func (h *history) state(k occKey) timeline.State {
	st, ok := h.states().Of(k)
	if !ok {
		st.Key = k
	}
	return st
}

// outcome returns the completion or skip in force on occurrence k ("" when
// open).
func (h *history) outcome(k occKey) EventKind {
	return EventKind(h.state(k).Outcome())
}

// scoreZoneChanges loads the zones of the changes for the score package.
func (s *Service) scoreZoneChanges(changes []ZoneChange) ([]score.ZoneChange, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	load := s.zones.load
	out := make([]score.ZoneChange, 0, len(changes))
	for _, c := range changes {
		from, err := load(c.From)
		if err != nil {
			return nil, err
		}
		to, err := load(c.To)
		if err != nil {
			return nil, err
		}
		out = append(out, score.ZoneChange{At: c.At, From: from, To: to})
	}
	return out, nil
}

// dayAt returns the person's day that the instant t belonged to when it
// happened: in the zone they were in then, as the zone changes tell, with
// their day-start hour.
func (h *history) dayAt(t time.Time) civil.Date {
	loc := h.loc
	if i := sort.Search(len(h.zones), func(i int) bool { return h.zones[i].At.After(t) }); i > 0 {
		loc = h.zones[i-1].To
	} else if len(h.zones) > 0 {
		loc = h.zones[0].From
	}
	return person{h.User, loc}.dayOf(t)
}

// locOn returns the zone the person lived day d in: the zone they moved to
// last on or before d, counting a move from its day in the new zone (the
// day of landing is lived in the new zone). The person's current day and
// the days after it are in their current zone, and so is every day when
// they never moved.
func (h *history) locOn(d civil.Date) *time.Location {
	n := len(h.zones)
	if n == 0 || !d.Before(h.zoneFrom[n-1]) || !d.Before(h.today) {
		return h.loc
	}
	for i := n - 1; i >= 0; i-- {
		if !d.Before(h.zoneFrom[i]) {
			return h.zones[i].To
		}
	}
	return h.zones[0].From
}

// maxHistoryDays is how far back, from the person's current day, streaks
// and achievements count: records older than that (which only an import
// can store) stay stored but are not counted, so they cannot make every
// call walk centuries.
const maxHistoryDays = 30 * 366

// firstDay returns the earliest day the history has anything on, or the
// person's current day when it has nothing, and at most maxHistoryDays
// before it.
func (h *history) firstDay() civil.Date {
	if !h.firstOK {
		h.first, h.firstOK = h.findFirstDay(), true
	}
	return h.first
}

func (h *history) findFirstDay() civil.Date {
	first, limit := h.today, h.today.AddDays(-maxHistoryDays)
	consider := func(d civil.Date) {
		if d.IsZero() || !d.Before(first) {
			return
		}
		if d.Before(limit) {
			d = limit
		}
		first = d
	}
	for d := range h.health {
		consider(d)
	}
	for d := range h.work {
		consider(d)
	}
	for _, it := range h.items {
		consider(it.ActiveFrom)
	}
	for _, e := range h.events {
		consider(e.Date)
	}
	for d := range h.xp {
		consider(d)
	}
	return first
}

// dueOn reports whether item it has an occurrence of its own on day d.
func (h *history) dueOn(it *itemPlan, d civil.Date) bool {
	return it.plan.DueOn(d) && h.dayExists(d)
}

// dayExists is timeline.DayExists in the person's zone, worked out once a
// day.
func (h *history) dayExists(d civil.Date) bool {
	n := d.Days()
	ok, known := h.exists[n]
	if !known {
		ok = timeline.DayExists(d, h.locOn(d))
		h.exists[n] = ok
	}
	return ok
}

// anchors returns the wake time and bedtime of day d: the day's measured
// wake time, the bedtime that began the next day's main sleep, and the
// person's defaults.
func (h *history) anchors(d civil.Date) timeline.Anchors {
	a := timeline.Anchors{DefaultWake: h.WakeTime, DefaultBedtime: h.Bedtime}
	if day := h.health[d]; day != nil && day.WakeTime != nil {
		a.Wake = *day.WakeTime
	}
	if next := h.health[d.AddDays(1)]; next != nil && next.Bedtime != nil {
		a.Bedtime = *next.Bedtime
	}
	return a
}

// slots returns item it's occurrences of day d, in slot order: none when
// it is not due that day.
func (h *history) slots(it *itemPlan, d civil.Date) []timeline.Occurrence {
	if !h.dueOn(it, d) {
		return nil
	}
	return it.plan.Occurrences(d, h.anchors(d), h.locOn(d))
}

// occurrence returns the planned occurrence k of item it.
func (h *history) occurrence(it *itemPlan, k occKey) (timeline.Occurrence, bool) {
	for _, o := range it.plan.Occurrences(k.Date, h.anchors(k.Date), h.locOn(k.Date)) {
		if o.Slot == k.Slot {
			return o, true
		}
	}
	return timeline.Occurrence{}, false
}

// window returns the planned start and end of the occurrence k, following
// a postponement.
func (h *history) window(it *itemPlan, k occKey) (time.Time, time.Time, bool) {
	occ, ok := h.occurrence(it, k)
	if !ok {
		return time.Time{}, time.Time{}, false
	}
	start, end := occ.Start, occ.End
	if p := h.state(k).Postponed; p.Type == timeline.EventPostponed {
		switch {
		case !p.To.IsZero():
			start = p.To
		case !p.ToDate.IsZero():
			toLoc := h.locOn(p.ToDate)
			if moved, ok := h.occurrence(it, occKey{ItemID: k.ItemID, Date: p.ToDate, Slot: k.Slot}); ok {
				start = moved.Start
			} else {
				start = timeline.Resolve(p.ToDate, civil.ClockOf(occ.Start.In(h.locOn(k.Date))), toLoc)
			}
		}
		end = start.Add(occ.End.Sub(occ.Start))
	}
	return start, end, true
}

// onTime reports whether the completion of k came within its window (or
// within onTimeGrace of its start, for a shorter window).
func (h *history) onTime(it *itemPlan, k occKey, at time.Time) bool {
	start, end, ok := h.window(it, k)
	if !ok {
		return false
	}
	return !at.After(end) || !at.After(start.Add(onTimeGrace))
}

// habits counts the occurrences of day d: the items due that day that were
// not moved away, and those moved in from earlier days. With soFar, an
// occurrence still open whose start is after now is left out: it is not due
// yet, so the day's habits score does not drop every morning for what the
// evening holds.
func (h *history) habits(d civil.Date, soFar bool) *score.Habits {
	if soFar {
		return h.countHabits(d, true)
	}
	if hb, ok := h.wholeDay[d]; ok {
		return hb
	}
	hb := h.countHabits(d, false)
	if h.wholeDay == nil {
		h.wholeDay = map[civil.Date]*score.Habits{}
	}
	h.wholeDay[d] = hb
	return hb
}

// countHabits is habits without the cache. Callers must not change the
// result: it is shared.
func (h *history) countHabits(d civil.Date, soFar bool) *score.Habits {
	if len(h.items) == 0 {
		return nil
	}
	var hb score.Habits
	onTime := 0
	count := func(it *itemPlan, st timeline.State) {
		open := st.Outcome() == ""
		if soFar && open {
			if start, _, ok := h.window(it, st.Key); ok && start.After(h.now) {
				return
			}
		}
		hb.Due++
		switch st.Outcome() {
		case timeline.EventCompleted:
			hb.Completed++
			if h.onTime(it, st.Key, st.Settled.At) {
				onTime++
			}
		case timeline.EventSkipped:
			hb.Skipped++
		}
	}
	for _, it := range h.items {
		for _, o := range h.slots(it, d) {
			if st := h.state(occKey{ItemID: it.ID, Date: d, Slot: o.Slot}); st.MovedTo() == d {
				count(it, st)
			}
		}
	}
	for _, st := range h.states().MovedTo(d) {
		if it, ok := h.byID[st.Key.ItemID]; ok && st.Key.Date != d {
			count(it, st)
		}
	}
	if hb.Completed > 0 {
		hb.OnTime = &onTime
	}
	return &hb
}

// scoreInput maps the stored records of day d onto the score package's Day;
// soFar counts only the occurrences due by now (see habits).
func (h *history) scoreInput(d civil.Date, soFar bool) score.Day {
	day := score.Day{Date: d, Habits: h.habits(d, soFar)}
	if hd := h.health[d]; hd != nil {
		if hd.Sleep != nil || hd.TotalSleepSeconds != nil || hd.Efficiency != nil || hd.RestingHeartRate != nil {
			day.Sleep = &score.Sleep{TotalSeconds: hd.TotalSleepSeconds, Efficiency: hd.Efficiency, RestingHeartRate: hd.RestingHeartRate}
			if hd.Sleep != nil {
				day.Sleep.Score, day.Sleep.Contributors = &hd.Sleep.Value, hd.Sleep.Contributors
			}
		}
		if hd.Readiness != nil {
			day.Readiness = &score.Readiness{Score: &hd.Readiness.Value, Contributors: hd.Readiness.Contributors}
		}
		if hd.Activity != nil || hd.Steps != nil {
			day.Activity = &score.Activity{Steps: hd.Steps}
			if hd.Activity != nil {
				day.Activity.Score, day.Activity.Contributors = &hd.Activity.Value, hd.Activity.Contributors
			}
		}
	}
	if rs := h.work[d]; len(rs) > 0 {
		// A minute count not entered (nil) stays absent, so its contributor
		// drops out of the work-life score instead of counting as 0.
		w := mergeWorkDay(rs)
		day.Work = &score.Work{Minutes: w.WorkMinutes, AfterHoursMinutes: w.AfterHoursMinutes,
			MeetingMinutes: w.MeetingMinutes, BreakMinutes: w.BreakMinutes, Sources: w.Sources}
	}
	return day
}

// breakdown scores day d; soFar as in habits.
func (h *history) breakdown(d civil.Date, soFar bool) (score.Day, score.Breakdown, error) {
	in := h.scoreInput(d, soFar)
	b, err := score.Compute(in, scoreGoals(h.goals))
	if err != nil {
		return in, score.Breakdown{}, translate(err)
	}
	return in, b, nil
}

// timelineEvents returns the events of occurrences dated in [from, to] as
// the timeline package takes them, in recorded order.
func (h *history) timelineEvents(from, to civil.Date) []timeline.Event {
	var out []timeline.Event
	for i := range h.events {
		if e := &h.events[i]; !e.Date.Before(from) && !e.Date.After(to) {
			out = append(out, toTimelineEvent(*e))
		}
	}
	return out
}

func toTimelineEvent(e Event) timeline.Event {
	return timeline.Event{ItemID: e.ItemID, Date: e.Date, Slot: e.Slot, Type: timeline.EventType(e.Kind), At: e.At, Reason: e.Reason, To: e.To, ToDate: e.ToDate}
}

// timelineItems returns the items' definitions.
func (h *history) timelineItems() []timeline.Item {
	out := make([]timeline.Item, len(h.items))
	for i, it := range h.items {
		out[i] = it.Item.Item
	}
	return out
}

// timelinePlans returns the items' plans, in the order of timelineItems.
func (h *history) timelinePlans() []*timeline.Plan {
	out := make([]*timeline.Plan, len(h.items))
	for i, it := range h.items {
		out[i] = it.plan
	}
	return out
}

// jsonOf encodes v, for comparing records field by field.
func jsonOf(v any) (string, error) {
	b, err := json.Marshal(v)
	return string(b), err
}
