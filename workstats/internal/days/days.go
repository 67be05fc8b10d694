package days

import (
	"math"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
	"github.com/lifeops/lifeops/workstats"
)

// Piece is the part of a person's day D that lies in one zone period: the
// whole day, unless the person's zone changed during it.
type Piece struct {
	Date civil.Date
	Span
	Loc *time.Location
}

// Layout is a person's calendar ready to lay days on the time line.
type Layout struct {
	periods []workstats.ZonePeriod
	hour    int
}

// New returns the layout of c, or its validation error.
func New(c workstats.Calendar) (*Layout, error) {
	ps, err := c.Periods()
	if err != nil {
		return nil, err
	}
	return &Layout{periods: ps, hour: c.DayStartHour}, nil
}

// Pieces returns the pieces of the days from to to, in time order. A date
// that the person's zone changes jumped over has none; a date they lived
// twice has two.
func (l *Layout) Pieces(from, to civil.Date) []Piece {
	var out []Piece
	for _, p := range l.periods {
		for d := from; !d.After(to); d = d.AddDays(1) {
			start, err1 := score.DayStart(d, p.Loc, l.hour)
			end, err2 := score.DayStart(d.AddDays(1), p.Loc, l.hour)
			if err1 != nil || err2 != nil {
				continue
			}
			if !p.From.IsZero() && start.Before(p.From) {
				start = p.From
			}
			if !p.To.IsZero() && end.After(p.To) {
				end = p.To
			}
			if end.After(start) {
				out = append(out, Piece{Date: d, Span: Span{start, end}, Loc: p.Loc})
			}
		}
	}
	return out
}

// Window returns the span from the first instant of from to the last of
// to, whatever zones lie between.
func (l *Layout) Window(from, to civil.Date) Span {
	ps := l.Pieces(from, to)
	if len(ps) == 0 {
		return Span{}
	}
	w := ps[0].Span
	for _, p := range ps[1:] {
		w.Start, w.End = earlier(w.Start, p.Start), later(w.End, p.End)
	}
	return w
}

// ZoneAt returns the zone in force at t.
func (l *Layout) ZoneAt(t time.Time) *time.Location {
	for _, p := range l.periods {
		if p.To.IsZero() || t.Before(p.To) {
			return p.Loc
		}
	}
	return l.periods[len(l.periods)-1].Loc
}

// Working returns the working hours that fall inside piece p, in p's zone:
// the shifts of the date before, the date itself and the date after, so a
// night shift that began the evening before counts where it lies.
func Working(h workstats.WorkingHours, p Piece) Set {
	var spans []Span
	for d := p.Date.AddDays(-1); !d.After(p.Date.AddDays(1)); d = d.AddDays(1) {
		for _, s := range h.On(d.Weekday()) {
			start := timeline.Resolve(d, s.Start, p.Loc)
			endDate := d
			if s.End.Minutes() <= s.Start.Minutes() {
				endDate = d.AddDays(1)
			}
			end := timeline.Resolve(endDate, s.End, p.Loc)
			spans = append(spans, Span{start, end})
		}
	}
	return Union(spans...).Clip(p.Span)
}

// Totals are the spans a source found, for [Tally].
type Totals struct {
	// Present is when the source has data at all (active at a computer,
	// or in a meeting): a day with none is left out.
	Present Set
	// Work is the time worked; Meetings the part of it in meetings, nil
	// when the source cannot tell meetings.
	Work     Set
	Meetings Set
	// HasMeetings says whether Meetings is known (an empty set is 0).
	HasMeetings bool
	// Hours are the working hours for after-hours work; nil leaves
	// after-hours at 0.
	Hours *workstats.WorkingHours
	// Breaks returns the breaks taken in piece p, or nil when the source
	// does not know breaks.
	Breaks func(p Piece) Set
}

// Tally returns one work day per date of pieces that has data in t.Present,
// ordered by date. Minutes are the seconds of a day's spans rounded to the
// nearest minute, work at most 1440, after-hours and meetings at most the
// work; the pieces of a date lived twice add up.
func Tally(userID uuid.UUID, source string, pieces []Piece, t Totals, now time.Time) []lifeops.WorkDay {
	type acc struct {
		present                      bool
		work, after, meeting, pauses time.Duration
	}
	byDate := map[civil.Date]*acc{}
	var order []civil.Date
	for _, p := range pieces {
		a := byDate[p.Date]
		if a == nil {
			a = &acc{}
			byDate[p.Date] = a
			order = append(order, p.Date)
		}
		if len(t.Present.Clip(p.Span)) > 0 {
			a.present = true
		}
		work := t.Work.Clip(p.Span)
		a.work += work.Len()
		if t.Hours != nil {
			a.after += work.Minus(Working(*t.Hours, p)).Len()
		}
		if t.HasMeetings {
			a.meeting += t.Meetings.And(work).Len()
		}
		if t.Breaks != nil {
			a.pauses += t.Breaks(p).Len()
		}
	}
	slices.SortFunc(order, civil.Date.Compare)
	var out []lifeops.WorkDay
	for _, d := range order {
		a := byDate[d]
		if !a.present {
			continue
		}
		work := min(minutes(a.work), 24*60)
		day := lifeops.WorkDay{
			UserID:            userID,
			Date:              d,
			WorkMinutes:       work,
			AfterHoursMinutes: min(minutes(a.after), work),
			Source:            source,
			UpdatedAt:         now,
		}
		if t.HasMeetings {
			m := min(minutes(a.meeting), work)
			day.MeetingMinutes = &m
		}
		if t.Breaks != nil {
			b := min(minutes(a.pauses), 24*60)
			day.BreakMinutes = &b
		}
		out = append(out, day)
	}
	return out
}

// minutes rounds d to the nearest minute, halves up.
func minutes(d time.Duration) int {
	return int(math.Floor(d.Minutes() + 0.5))
}
