package timeline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/lifeops/lifeops/lifeops/civil"
)

// scheduleJSON is the JSON form of a Schedule.
// Dates and weekdays travel as strings so that a bad one is reported with its
// field name.
type scheduleJSON struct {
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

// MarshalJSON encodes s as {"type": "weekly",
// "days": ["mon", "thu"], ...}, with weekdays as three-letter lowercase names
// and dates as YYYY-MM-DD. Fields a kind does not use are left out; the
// except and extra dates are "except_dates" and "extra_dates", lists of
// dates in the order given, left out when empty.
func (s Schedule) MarshalJSON() ([]byte, error) {
	w := scheduleJSON{
		Type:       string(s.Type),
		Interval:   s.Interval,
		DayOfMonth: s.DayOfMonth,
		Week:       s.Week,
		Month:      int(s.Month),
		RRule:      s.RRule,
	}
	for _, d := range s.Days {
		w.Days = append(w.Days, weekdayName(d))
	}
	if !s.Date.IsZero() {
		w.Date = s.Date.String()
	}
	if !s.StartDate.IsZero() {
		w.StartDate = s.StartDate.String()
	}
	if (s.Type == ScheduleWeekly && s.interval() > 1) || s.WeekStart != (WeekStart{}) {
		w.WeekStart = weekdayName(s.WeekStart.Weekday())
	}
	if s.Week != 0 {
		w.Weekday = weekdayName(s.Weekday)
	}
	w.Except, w.Extra = dateStrings(s.ExceptDates), dateStrings(s.ExtraDates)
	return json.Marshal(w)
}

// UnmarshalJSON decodes the shape MarshalJSON writes. Weekdays may be
// written "mon" or "monday" in any case; week_start defaults to Monday. It
// checks the shape only (unknown fields, types, dates, weekday names), with
// errors of type [*ValidationError] naming the field; call
// [Schedule.Validate] for the meaning.
func (s *Schedule) UnmarshalJSON(b []byte) error {
	var w scheduleJSON
	if err := decodeStrict(b, &w, "schedule"); err != nil {
		return err
	}
	out := Schedule{
		Type:       ScheduleType(w.Type),
		Interval:   w.Interval,
		DayOfMonth: w.DayOfMonth,
		Week:       w.Week,
		Month:      time.Month(w.Month),
		RRule:      w.RRule,
	}
	var p problems
	for _, name := range w.Days {
		d, ok := parseWeekdayName(name)
		if !ok {
			p.add("schedule.days", "%q is not a weekday: use mon, tue, wed, thu, fri, sat or sun", name)
			continue
		}
		out.Days = append(out.Days, d)
	}
	if w.Days != nil && len(w.Days) == 0 {
		out.Days = []time.Weekday{}
	}
	out.Date = parseDateField(&p, "schedule.date", w.Date)
	out.StartDate = parseDateField(&p, "schedule.start_date", w.StartDate)
	out.ExceptDates = parseDates(&p, "schedule.except_dates", w.Except)
	out.ExtraDates = parseDates(&p, "schedule.extra_dates", w.Extra)
	// Sunday is the zero time.Weekday, so a Schedule cannot show that
	// weekday was given as "sun"; the wire form can, and a field the kind
	// does not use is refused here as Validate refuses the other days.
	// week_start is refused here too, for the same message.
	if w.WeekStart != "" {
		d, ok := parseWeekdayName(w.WeekStart)
		switch {
		case !ok:
			p.add("schedule.week_start", "%q is not a weekday", w.WeekStart)
		case out.Type != ScheduleWeekly && d != time.Monday:
			p.add("schedule.week_start", "a %s schedule does not use week_start", out.Type)
		}
		out.WeekStart = WeekStartOn(d)
	}
	if w.Weekday != "" {
		d, ok := parseWeekdayName(w.Weekday)
		switch {
		case !ok:
			p.add("schedule.weekday", "%q is not a weekday", w.Weekday)
		case w.Week == 0:
			p.add("schedule.weekday", "weekday is used only with week, in a monthly or yearly schedule")
		}
		out.Weekday = d
	}
	if err := p.err(); err != nil {
		return err
	}
	*s = out
	return nil
}

// dateStrings writes ds as YYYY-MM-DD, nil when there are none.
func dateStrings(ds []civil.Date) []string {
	if len(ds) == 0 {
		return nil
	}
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}

// parseDates parses a list of YYYY-MM-DD dates, reporting a bad one as
// field[i]; an empty list is nil.
func parseDates(p *problems, field string, vs []string) []civil.Date {
	if len(vs) == 0 {
		return nil
	}
	if len(vs) > MaxScheduleDates {
		p.add(field, "at most %d dates, not %d", MaxScheduleDates, len(vs))
		return nil
	}
	out := make([]civil.Date, len(vs))
	for i, v := range vs {
		d, err := civil.ParseDate(v)
		if err != nil {
			p.add(fmt.Sprintf("%s[%d]", field, i), "%q is not a date: want YYYY-MM-DD of a day that exists", v)
		}
		out[i] = d
	}
	return out
}

func parseDateField(p *problems, field, v string) civil.Date {
	if v == "" {
		return civil.Date{}
	}
	d, err := civil.ParseDate(v)
	if err != nil {
		p.add(field, "%q is not a date: want YYYY-MM-DD of a day that exists", v)
		return civil.Date{}
	}
	return d
}

func parseWeekdayName(s string) (time.Weekday, bool) {
	l := strings.ToLower(strings.TrimSpace(s))
	for d := time.Sunday; d <= time.Saturday; d++ {
		short := weekdayName(d)
		if l == short || l == strings.ToLower(d.String()) {
			return d, true
		}
	}
	return 0, false
}

// decodeStrict decodes one JSON object into v, refusing unknown fields and
// trailing data, and turns decoding errors into [*ValidationError] values
// under prefix.
func decodeStrict(b []byte, v any, prefix string) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonFieldError(err, prefix)
	}
	if dec.More() {
		return invalid(prefix, "unexpected data after the object")
	}
	return nil
}

func jsonFieldError(err error, prefix string) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := prefix
		if te.Field != "" {
			field = joinField(prefix, te.Field)
		}
		return &ValidationError{Field: field, Reason: fmt.Sprintf("want a JSON %s, not %s", jsonKind(te.Type.Kind().String()), te.Value)}
	}
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return &ValidationError{Field: joinField(prefix, strings.Trim(name, `"`)), Reason: "is not a known field"}
	}
	return &ValidationError{Field: prefix, Reason: "is not valid JSON: " + strings.TrimPrefix(msg, "json: ")}
}

func joinField(prefix, f string) string {
	if prefix == "" {
		return f
	}
	return prefix + "." + f
}

func jsonKind(k string) string {
	switch k {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "number"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	}
	return k
}

type anchorJSON struct {
	Type  string   `json:"type"`
	Time  string   `json:"time,omitempty"`
	Times []string `json:"times,omitempty"`
}

// MarshalJSON encodes a as {"type": "fixed", "time": "07:30"}, or with
// several times a day as {"type": "fixed", "times": ["09:00", "12:00"]};
// wake and bedtime anchors carry no time.
func (a Anchor) MarshalJSON() ([]byte, error) {
	w := anchorJSON{Type: string(a.Type)}
	if a.Type == AnchorFixed {
		for i, c := range a.Times {
			if !c.IsValid() {
				return nil, invalid(fmt.Sprintf("anchor.times[%d]", i), "%02d:%02d is not a time of day", c.Hour, c.Minute)
			}
			w.Times = append(w.Times, c.String())
		}
		if !a.Time.IsValid() {
			return nil, invalid("anchor.time", "%02d:%02d is not a time of day", a.Time.Hour, a.Time.Minute)
		}
		if len(a.Times) == 0 || a.Time != (civil.Clock{}) {
			w.Time = a.Time.String()
		}
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the shape MarshalJSON writes; a bad time is a
// [*ValidationError] for "anchor.time".
func (a *Anchor) UnmarshalJSON(b []byte) error {
	var w anchorJSON
	if err := decodeStrict(b, &w, "anchor"); err != nil {
		return err
	}
	out := Anchor{Type: AnchorType(w.Type)}
	var p problems
	if w.Time != "" {
		c, err := civil.ParseClock(w.Time)
		if err != nil {
			p.add("anchor.time", "%q is not a time of day: want HH:MM from 00:00 to 23:59", w.Time)
		}
		out.Time = c
	}
	if len(w.Times) > MaxSlots {
		p.add("anchor.times", "at most %d times a day, not %d", MaxSlots, len(w.Times))
	} else if len(w.Times) > 0 {
		out.Times = make([]civil.Clock, len(w.Times))
		for i, v := range w.Times {
			c, err := civil.ParseClock(v)
			if err != nil {
				p.add(fmt.Sprintf("anchor.times[%d]", i), "%q is not a time of day: want HH:MM from 00:00 to 23:59", v)
			}
			out.Times[i] = c
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	*a = out
	return nil
}

// itemJSON is the wire form of an Item.
type itemJSON struct {
	ID              string          `json:"id,omitempty"`
	Title           string          `json:"title"`
	Kind            Kind            `json:"kind"`
	Schedule        json.RawMessage `json:"schedule"`
	Anchor          json.RawMessage `json:"anchor"`
	OffsetMinutes   int             `json:"offset_minutes"`
	DurationMinutes int             `json:"duration_minutes"`
	XP              *int            `json:"xp,omitempty"`
	Missed          MissedPolicy    `json:"missed,omitempty"`
	ActiveFrom      string          `json:"active_from,omitempty"`
	ActiveUntil     string          `json:"active_until,omitempty"`
}

// MarshalJSON encodes it as {"title", "kind", "schedule", "anchor",
// "offset_minutes", "duration_minutes", "xp", "missed", "active_from",
// "active_until"}, with "id" when the ID is set.
func (it Item) MarshalJSON() ([]byte, error) {
	sched, err := json.Marshal(it.Schedule)
	if err != nil {
		return nil, err
	}
	anchor, err := json.Marshal(it.Anchor)
	if err != nil {
		return nil, err
	}
	w := itemJSON{
		Title:           it.Title,
		Kind:            it.Kind,
		Schedule:        sched,
		Anchor:          anchor,
		OffsetMinutes:   it.OffsetMinutes,
		DurationMinutes: it.DurationMinutes,
		XP:              it.XP,
		Missed:          it.Missed,
	}
	if it.ID != uuid.Nil {
		w.ID = it.ID.String()
	}
	if !it.ActiveFrom.IsZero() {
		w.ActiveFrom = it.ActiveFrom.String()
	}
	if !it.ActiveUntil.IsZero() {
		w.ActiveUntil = it.ActiveUntil.String()
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the form MarshalJSON writes. Fields it does not
// know are ignored at the item's top level (a server may add its own, such
// as timestamps), but refused inside schedule and anchor. Shape errors are
// [*ValidationError] values naming the field; call [Item.Validate] for the
// meaning.
func (it *Item) UnmarshalJSON(b []byte) error {
	var w itemJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return jsonFieldError(err, "")
	}
	out := Item{
		Title:           w.Title,
		Kind:            w.Kind,
		OffsetMinutes:   w.OffsetMinutes,
		DurationMinutes: w.DurationMinutes,
		XP:              w.XP,
		Missed:          w.Missed,
	}
	var p problems
	if w.ID != "" {
		id, err := uuid.Parse(w.ID)
		if err != nil {
			p.add("id", "%q is not a UUID", w.ID)
		}
		out.ID = id
	}
	if len(w.Schedule) > 0 && string(w.Schedule) != "null" {
		if err := out.Schedule.UnmarshalJSON(w.Schedule); err != nil {
			p = append(p, err)
		}
	}
	if len(w.Anchor) > 0 && string(w.Anchor) != "null" {
		if err := out.Anchor.UnmarshalJSON(w.Anchor); err != nil {
			p = append(p, err)
		}
	}
	out.ActiveFrom = parseDateField(&p, "active_from", w.ActiveFrom)
	out.ActiveUntil = parseDateField(&p, "active_until", w.ActiveUntil)
	if err := p.err(); err != nil {
		return err
	}
	*it = out
	return nil
}
