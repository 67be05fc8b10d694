package store

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// storedItem is the form the store keeps a timeline item's definition in:
// the store's own, so that the timeline package (and the HTTP API built on
// its JSON) can change its JSON without changing a stored row. Every row
// ever written decodes under it (TestStoredItemForm pins the bytes): fields
// may be added, never renamed or dropped. Weekdays are three-letter names,
// dates YYYY-MM-DD, clocks HH:MM.
type storedItem struct {
	ID              string         `json:"id,omitempty"` // read and ignored: rows written before the form was the store's own hold it
	Title           string         `json:"title"`
	Kind            string         `json:"kind"`
	Schedule        storedSchedule `json:"schedule"`
	Anchor          storedAnchor   `json:"anchor"`
	OffsetMinutes   int            `json:"offset_minutes"`
	DurationMinutes int            `json:"duration_minutes"`
	XP              *int           `json:"xp,omitempty"`
	Missed          string         `json:"missed,omitempty"`
	ActiveFrom      string         `json:"active_from,omitempty"`
	ActiveUntil     string         `json:"active_until,omitempty"`
}

type storedSchedule struct {
	Type       string   `json:"type"`
	Days       []string `json:"days,omitempty"`
	Date       string   `json:"date,omitempty"`
	Interval   int      `json:"interval,omitempty"`
	StartDate  string   `json:"start_date,omitempty"`
	WeekStart  string   `json:"week_start,omitempty"`
	DayOfMonth int      `json:"day_of_month,omitempty"`
	Week       int      `json:"week,omitempty"`
	Weekday    string   `json:"weekday,omitempty"`
	Month      int      `json:"month,omitempty"`
	RRule      string   `json:"rrule,omitempty"`
	Except     []string `json:"except_dates,omitempty"`
	Extra      []string `json:"extra_dates,omitempty"`
}

type storedAnchor struct {
	Type  string   `json:"type"`
	Time  string   `json:"time,omitempty"`
	Times []string `json:"times,omitempty"`
}

var weekdayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// encodeItem writes it in the stored form.
func encodeItem(it timeline.Item) ([]byte, error) {
	s := it.Schedule
	w := storedItem{
		Title: it.Title, Kind: string(it.Kind), OffsetMinutes: it.OffsetMinutes, DurationMinutes: it.DurationMinutes,
		XP: it.XP, Missed: string(it.Missed), ActiveFrom: dateText(it.ActiveFrom), ActiveUntil: dateText(it.ActiveUntil),
		Schedule: storedSchedule{
			Type: string(s.Type), Date: dateText(s.Date), Interval: s.Interval, StartDate: dateText(s.StartDate),
			DayOfMonth: s.DayOfMonth, Week: s.Week, Month: int(s.Month), RRule: s.RRule,
			Except: datesText(s.ExceptDates), Extra: datesText(s.ExtraDates),
		},
		Anchor: storedAnchor{Type: string(it.Anchor.Type)},
	}
	for _, d := range s.Days {
		if d < time.Sunday || d > time.Saturday {
			return nil, fmt.Errorf("schedule day %d is not a weekday", d)
		}
		w.Schedule.Days = append(w.Schedule.Days, weekdayNames[d])
	}
	if s.Week != 0 {
		w.Schedule.Weekday = weekdayNames[s.Weekday%7]
	}
	if (s.Type == timeline.ScheduleWeekly && s.Interval > 1) || s.WeekStart != (timeline.WeekStart{}) {
		w.Schedule.WeekStart = weekdayNames[s.WeekStart.Weekday()%7]
	}
	if it.Anchor.Type == timeline.AnchorFixed {
		for _, c := range it.Anchor.Times {
			w.Anchor.Times = append(w.Anchor.Times, c.String())
		}
		if len(it.Anchor.Times) == 0 || it.Anchor.Time != (civil.Clock{}) {
			w.Anchor.Time = it.Anchor.Time.String()
		}
	}
	return json.Marshal(w)
}

// decodeItem reads a stored definition.
func decodeItem(b []byte) (timeline.Item, error) {
	var w storedItem
	if err := json.Unmarshal(b, &w); err != nil {
		return timeline.Item{}, err
	}
	var errs []string
	date := func(field, s string) civil.Date {
		if s == "" {
			return civil.Date{}
		}
		d, err := civil.ParseDate(s)
		if err != nil {
			errs = append(errs, field)
		}
		return d
	}
	dates := func(field string, ss []string) []civil.Date {
		var out []civil.Date
		for _, s := range ss {
			out = append(out, date(field, s))
		}
		return out
	}
	weekday := func(field, s string) time.Weekday {
		l := strings.ToLower(s)
		for d, name := range weekdayNames {
			if l == name || l == strings.ToLower(time.Weekday(d).String()) {
				return time.Weekday(d)
			}
		}
		errs = append(errs, field)
		return 0
	}
	clock := func(field, s string) civil.Clock {
		c, err := civil.ParseClock(s)
		if err != nil {
			errs = append(errs, field)
		}
		return c
	}
	ws := w.Schedule
	it := timeline.Item{
		Title: w.Title, Kind: timeline.Kind(w.Kind), OffsetMinutes: w.OffsetMinutes, DurationMinutes: w.DurationMinutes,
		XP: w.XP, Missed: timeline.MissedPolicy(w.Missed),
		ActiveFrom: date("active_from", w.ActiveFrom), ActiveUntil: date("active_until", w.ActiveUntil),
		Schedule: timeline.Schedule{
			Type: timeline.ScheduleType(ws.Type), Date: date("schedule.date", ws.Date), Interval: ws.Interval,
			StartDate: date("schedule.start_date", ws.StartDate), DayOfMonth: ws.DayOfMonth, Week: ws.Week,
			Month: time.Month(ws.Month), RRule: ws.RRule,
			ExceptDates: dates("schedule.except_dates", ws.Except), ExtraDates: dates("schedule.extra_dates", ws.Extra),
		},
		Anchor: timeline.Anchor{Type: timeline.AnchorType(w.Anchor.Type)},
	}
	for _, name := range ws.Days {
		it.Schedule.Days = append(it.Schedule.Days, weekday("schedule.days", name))
	}
	if ws.Weekday != "" {
		it.Schedule.Weekday = weekday("schedule.weekday", ws.Weekday)
	}
	if ws.WeekStart != "" {
		it.Schedule.WeekStart = timeline.WeekStartOn(weekday("schedule.week_start", ws.WeekStart))
	}
	if w.Anchor.Time != "" {
		it.Anchor.Time = clock("anchor.time", w.Anchor.Time)
	}
	for _, s := range w.Anchor.Times {
		it.Anchor.Times = append(it.Anchor.Times, clock("anchor.times", s))
	}
	if len(errs) > 0 {
		return it, fmt.Errorf("stored item definition: unreadable %s", strings.Join(errs, ", "))
	}
	return it, nil
}

func dateText(d civil.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func datesText(ds []civil.Date) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}
