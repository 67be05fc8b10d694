package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// The item form's fields are named by the JSON paths of the API's item
// ("schedule.days", "anchor.times"), so that a validation error of the
// core, which names that path, is shown beside its field.

// itemsView is the list of items.
type itemsView struct {
	pageBase
	Items []itemRow
}

type itemRow struct {
	ID, Title, Kind, Schedule, When, Duration, Reward, Active string
}

func (d *Dashboard) itemsPage(w http.ResponseWriter, r *http.Request, s *session) error {
	items, err := d.svc.Items(r.Context(), s.user)
	if err != nil {
		return err
	}
	v := &itemsView{pageBase: d.base(w, r, s, "Items", "items")}
	slices.SortStableFunc(items, func(a, b lifeops.Item) int {
		return strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
	})
	for _, it := range items {
		row := itemRow{ID: it.ID.String(), Title: it.Title, Kind: humanize(string(it.Kind)), Schedule: scheduleText(it.Schedule),
			When: s.anchorWithOffset(it.Anchor, it.OffsetMinutes), Duration: minutes(it.DurationMinutes)}
		if it.DurationMinutes == 0 {
			row.Duration = "–"
		}
		if it.XP != nil {
			row.Reward = strconv.Itoa(*it.XP) + " XP"
		} else {
			row.Reward = humanize(string(it.Difficulty))
		}
		switch {
		case !it.ActiveFrom.IsZero() && !it.ActiveUntil.IsZero():
			row.Active = "from " + shortDate(it.ActiveFrom) + " to " + shortDate(it.ActiveUntil)
		case !it.ActiveFrom.IsZero():
			row.Active = "from " + shortDate(it.ActiveFrom)
		case !it.ActiveUntil.IsZero():
			row.Active = "until " + shortDate(it.ActiveUntil)
		}
		v.Items = append(v.Items, row)
	}
	return d.render(w, r, http.StatusOK, "items", v)
}

// weekdayWords name the weekdays as the schedule's JSON does.
var weekdayWords = []struct{ value, label string }{
	{"mon", "Monday"}, {"tue", "Tuesday"}, {"wed", "Wednesday"}, {"thu", "Thursday"},
	{"fri", "Friday"}, {"sat", "Saturday"}, {"sun", "Sunday"},
}

// scheduleText says in words when a schedule is due.
func scheduleText(s timeline.Schedule) string {
	every := func(n int, one, many string) string {
		if n <= 1 {
			return "Every " + one
		}
		return fmt.Sprintf("Every %d %s", n, many)
	}
	var out string
	switch s.Type {
	case timeline.ScheduleDaily:
		out = "Daily"
	case timeline.ScheduleWeekdays:
		out = "Weekdays"
	case timeline.ScheduleWeekly:
		days := make([]string, len(s.Days))
		for i, d := range s.Days {
			days[i] = d.String()[:3]
		}
		out = every(s.Interval, "week", "weeks") + " on " + strings.Join(days, ", ")
	case timeline.ScheduleOnce:
		out = "Once, on " + shortDate(s.Date)
	case timeline.ScheduleEveryNDays:
		out = every(s.Interval, "day", "days")
	case timeline.ScheduleMonthly, timeline.ScheduleYearly:
		if s.Type == timeline.ScheduleMonthly {
			out = every(s.Interval, "month", "months")
		} else {
			out = every(s.Interval, "year", "years") + " in " + s.Month.String()
		}
		if s.Week != 0 {
			out += " on the " + ordinal(s.Week) + " " + s.Weekday.String()
		} else {
			out += " on the " + ordinal(s.DayOfMonth) + " day"
		}
	case timeline.ScheduleRRule:
		out = "Rule " + s.RRule
	default:
		out = string(s.Type)
	}
	if !s.StartDate.IsZero() && s.Type != timeline.ScheduleOnce {
		out += ", from " + shortDate(s.StartDate)
	}
	if n := len(s.ExceptDates); n > 0 {
		out += fmt.Sprintf(", except %d %s", n, plural(n, "date", "dates"))
	}
	if n := len(s.ExtraDates); n > 0 {
		out += fmt.Sprintf(", and %d more %s", n, plural(n, "date", "dates"))
	}
	return out
}

// ordinal writes 1 as "1st", -1 as "last", -2 as "2nd last".
func ordinal(n int) string {
	if n == -1 {
		return "last"
	}
	if n < 0 {
		return ordinal(-n) + " last"
	}
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// option is one choice of a select or a radio group.
type option struct {
	Value, Label string
	Selected     bool
}

func options(current string, pairs ...string) []option {
	out := make([]option, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, option{Value: pairs[i], Label: pairs[i+1], Selected: pairs[i] == current})
	}
	return out
}

// itemFormView is the form that creates or edits an item.
type itemFormView struct {
	pageBase
	New      bool
	Action   string
	ID       string
	Val      map[string]string // the fields' values by name
	Days     []option          // schedule.days, checked
	Kinds    []option
	Levels   []option // difficulty
	Types    []option // schedule.type
	By       []option // monthly and yearly: by day of the month or by weekday
	Weeks    []option
	Weekdays []option
	Months   []option
	Anchors  []option
	Missed   []option
	Errors   []fieldError
	ErrFor   map[string]string
}

// itemFields are the single-valued fields of the form.
var itemFields = []string{
	"title", "kind", "difficulty", "schedule.type", "schedule.interval", "schedule.start_date", "schedule.date",
	"schedule.by", "schedule.day_of_month", "schedule.week", "schedule.weekday", "schedule.month", "schedule.rrule",
	"schedule.except_dates", "schedule.extra_dates", "anchor.type", "anchor.times", "offset_minutes",
	"duration_minutes", "xp", "missed", "active_from", "active_until", "version",
}

// newItemForm shows form with its values and errs.
func (d *Dashboard) newItemForm(base pageBase, id string, form url.Values, errs error) *itemFormView {
	v := &itemFormView{pageBase: base, New: id == "", ID: id, Val: map[string]string{}, ErrFor: map[string]string{}}
	v.Action = Prefix + "items"
	if id != "" {
		v.Action += "/" + id
	}
	for _, f := range itemFields {
		v.Val[f] = form.Get(f)
	}
	checked := map[string]bool{}
	for _, d := range form["schedule.days"] {
		checked[d] = true
	}
	for _, wd := range weekdayWords {
		v.Days = append(v.Days, option{Value: wd.value, Label: wd.label, Selected: checked[wd.value]})
		v.Weekdays = append(v.Weekdays, option{Value: wd.value, Label: wd.label, Selected: v.Val["schedule.weekday"] == wd.value})
	}
	v.Kinds = options(v.Val["kind"], "routine", "Routine", "habit", "Habit", "task", "Task", "medication", "Medication", "workout", "Workout")
	v.Levels = options(v.Val["difficulty"], "trivial", "Trivial (2 XP)", "easy", "Easy (5 XP)", "medium", "Medium (10 XP)", "hard", "Hard (20 XP)")
	v.Types = options(v.Val["schedule.type"], "daily", "Daily", "weekdays", "Weekdays (Monday to Friday)", "weekly", "Weekly, on some days",
		"every_n_days", "Every few days", "monthly", "Monthly", "yearly", "Yearly", "once", "Once", "rrule", "A recurrence rule (RRULE)")
	v.By = options(cmpOr(v.Val["schedule.by"], "day"), "day", "On a day of the month", "week", "On a weekday of a week")
	v.Weeks = options(v.Val["schedule.week"], "1", "First", "2", "Second", "3", "Third", "4", "Fourth", "5", "Fifth", "-1", "Last")
	var months []string
	for m := time.January; m <= time.December; m++ {
		months = append(months, strconv.Itoa(int(m)), m.String())
	}
	v.Months = options(v.Val["schedule.month"], months...)
	v.Anchors = options(v.Val["anchor.type"], "fixed", "At a time of day", "wake", "Wake time", "bedtime", "Bedtime")
	v.Missed = options(v.Val["missed"], "drop", "Drop it at the end of the day", "carry_over", "Carry it over to the next day")
	for _, fe := range lifeops.FieldErrors(errs) {
		field := indexRE.ReplaceAllString(fe.Field, "")
		if _, ok := v.ErrFor[field]; !ok {
			v.ErrFor[field] = fe.Reason
		}
		target := field
		if t, ok := fieldTargets[field]; ok {
			target = t
		}
		v.Errors = append(v.Errors, fieldError{Field: field, Message: fe.Reason, Href: "#f-" + fieldID(target), Label: fieldLabels[field]})
	}
	if errs != nil && len(v.Errors) == 0 {
		_, msg := statusOf(errs)
		v.Errors = append(v.Errors, fieldError{Message: msg})
	}
	return v
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// fieldID is the id of a field's input: "schedule.days" is
// "schedule-days".
func fieldID(name string) string { return strings.ReplaceAll(name, ".", "-") }

// fieldTargets are the inputs of errors about a group of fields.
var fieldTargets = map[string]string{"schedule": "schedule.type", "anchor": "anchor.type", "anchor.time": "anchor.times"}

// fieldLabels name the fields in the error summary.
var fieldLabels = map[string]string{
	"title": "Title", "kind": "Kind", "difficulty": "Difficulty", "schedule": "Schedule", "schedule.type": "Repeats",
	"schedule.days": "Days", "schedule.interval": "Every", "schedule.start_date": "Starting", "schedule.date": "Date",
	"schedule.day_of_month": "Day of the month", "schedule.week": "Week", "schedule.weekday": "Weekday",
	"schedule.month": "Month", "schedule.rrule": "Rule", "schedule.except_dates": "Except on",
	"schedule.extra_dates": "Also on", "anchor": "Time", "anchor.type": "Time of day", "anchor.time": "Times",
	"anchor.times": "Times", "offset_minutes": "Offset", "duration_minutes": "Duration", "xp": "XP", "missed": "If missed",
	"active_from": "Active from", "active_until": "Active until",
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// formOfItem is the form's values for a stored item.
func formOfItem(it lifeops.Item) url.Values {
	f := url.Values{}
	f.Set("title", it.Title)
	f.Set("kind", string(it.Kind))
	f.Set("difficulty", cmpOr(string(it.Difficulty), "easy"))
	s := it.Schedule
	f.Set("schedule.type", string(s.Type))
	for _, d := range s.Days {
		f.Add("schedule.days", strings.ToLower(d.String()[:3]))
	}
	if s.Interval > 0 {
		f.Set("schedule.interval", strconv.Itoa(s.Interval))
	}
	if !s.StartDate.IsZero() {
		f.Set("schedule.start_date", s.StartDate.String())
	}
	if !s.Date.IsZero() {
		f.Set("schedule.date", s.Date.String())
	}
	if s.Week != 0 {
		f.Set("schedule.by", "week")
		f.Set("schedule.week", strconv.Itoa(s.Week))
		f.Set("schedule.weekday", strings.ToLower(s.Weekday.String()[:3]))
	} else if s.DayOfMonth != 0 {
		f.Set("schedule.day_of_month", strconv.Itoa(s.DayOfMonth))
	}
	if s.Month != 0 {
		f.Set("schedule.month", strconv.Itoa(int(s.Month)))
	}
	f.Set("schedule.rrule", s.RRule)
	f.Set("schedule.except_dates", joinDates(s.ExceptDates))
	f.Set("schedule.extra_dates", joinDates(s.ExtraDates))
	f.Set("anchor.type", string(it.Anchor.Type))
	if it.Anchor.Type == timeline.AnchorFixed {
		if len(it.Anchor.Times) > 0 {
			ts := make([]string, len(it.Anchor.Times))
			for i, c := range it.Anchor.Times {
				ts[i] = c.String()
			}
			f.Set("anchor.times", strings.Join(ts, ", "))
		} else {
			f.Set("anchor.times", it.Anchor.Time.String())
		}
	}
	f.Set("offset_minutes", strconv.Itoa(it.OffsetMinutes))
	f.Set("duration_minutes", strconv.Itoa(it.DurationMinutes))
	if it.XP != nil {
		f.Set("xp", strconv.Itoa(*it.XP))
	}
	f.Set("missed", cmpOr(string(it.Missed), "drop"))
	if !it.ActiveFrom.IsZero() {
		f.Set("active_from", it.ActiveFrom.String())
	}
	if !it.ActiveUntil.IsZero() {
		f.Set("active_until", it.ActiveUntil.String())
	}
	f.Set("version", strconv.FormatInt(it.Version, 10))
	return f
}

// itemOfForm reads an item from the form, through the API's JSON form of
// an item, so it is read exactly as the API reads one. Errors are
// *lifeops.ValidationError values naming the field.
func itemOfForm(f url.Values) (lifeops.Item, error) {
	var errs []error
	num := func(name string, required bool) *int {
		v := strings.TrimSpace(f.Get(name))
		if v == "" {
			if required {
				errs = append(errs, &lifeops.ValidationError{Field: name, Reason: "is required"})
			}
			return nil
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, &lifeops.ValidationError{Field: name, Reason: "must be a whole number"})
			return nil
		}
		return &n
	}
	set := func(m map[string]any, key, name string) {
		if v := strings.TrimSpace(f.Get(name)); v != "" {
			m[key] = v
		}
	}
	sched := map[string]any{"type": f.Get("schedule.type")}
	typ := timeline.ScheduleType(f.Get("schedule.type"))
	switch typ {
	case timeline.ScheduleWeekly:
		days := f["schedule.days"]
		if days == nil {
			days = []string{}
		}
		sched["days"] = days
	case timeline.ScheduleOnce:
		set(sched, "date", "schedule.date")
	case timeline.ScheduleMonthly, timeline.ScheduleYearly:
		if f.Get("schedule.by") == "week" {
			if n := num("schedule.week", true); n != nil {
				sched["week"] = *n
			}
			set(sched, "weekday", "schedule.weekday")
		} else if n := num("schedule.day_of_month", true); n != nil {
			sched["day_of_month"] = *n
		}
		if typ == timeline.ScheduleYearly {
			if n := num("schedule.month", true); n != nil {
				sched["month"] = *n
			}
		}
	case timeline.ScheduleRRule:
		set(sched, "rrule", "schedule.rrule")
	}
	switch typ {
	case timeline.ScheduleWeekly, timeline.ScheduleEveryNDays, timeline.ScheduleMonthly, timeline.ScheduleYearly:
		if n := num("schedule.interval", typ == timeline.ScheduleEveryNDays); n != nil {
			sched["interval"] = *n
		}
	}
	if typ != timeline.ScheduleOnce {
		set(sched, "start_date", "schedule.start_date")
	}
	for _, name := range []string{"except_dates", "extra_dates"} {
		if ds := strings.FieldsFunc(f.Get("schedule."+name), func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' }); len(ds) > 0 {
			sched[name] = ds
		}
	}
	anchor := map[string]any{"type": f.Get("anchor.type")}
	if f.Get("anchor.type") == string(timeline.AnchorFixed) {
		times := strings.FieldsFunc(f.Get("anchor.times"), func(r rune) bool { return r == ',' || r == ' ' })
		switch len(times) {
		case 0:
			errs = append(errs, &lifeops.ValidationError{Field: "anchor.times", Reason: "is required: a time of day such as 07:30"})
		case 1:
			anchor["time"] = times[0]
		default:
			anchor["times"] = times
		}
	}
	doc := map[string]any{"title": strings.TrimSpace(f.Get("title")), "kind": f.Get("kind"), "schedule": sched, "anchor": anchor,
		"difficulty": f.Get("difficulty")}
	// Drop is the policy of an item that names none.
	if m := f.Get("missed"); m != "" && m != string(timeline.MissedDrop) {
		doc["missed"] = m
	}
	for _, name := range []string{"offset_minutes", "duration_minutes"} {
		if n := num(name, false); n != nil {
			doc[name] = *n
		}
	}
	if n := num("xp", false); n != nil {
		doc["xp"] = *n
	}
	set(doc, "active_from", "active_from")
	set(doc, "active_until", "active_until")
	// The fields read so far are checked as the API checks them, so the
	// form shows every problem at once.
	b, err := json.Marshal(doc)
	if err != nil {
		return lifeops.Item{}, err
	}
	var it lifeops.Item
	if err := json.Unmarshal(b, &it); err != nil {
		errs = append(errs, err)
	} else if err := it.Item.Validate(); err != nil {
		errs = append(errs, err)
	}
	return it, errors.Join(errs...)
}

// maxForm bounds a form's body.
const maxForm = 64 << 10

func (d *Dashboard) newItemPage(w http.ResponseWriter, r *http.Request, s *session) error {
	f := url.Values{"kind": {"habit"}, "difficulty": {"easy"}, "schedule.type": {"daily"}, "anchor.type": {"fixed"},
		"anchor.times": {"08:00"}, "offset_minutes": {"0"}, "duration_minutes": {"15"}, "missed": {"drop"}}
	return d.render(w, r, http.StatusOK, "item", d.newItemForm(d.base(w, r, s, "New item", "items"), "", f, nil))
}

func (d *Dashboard) createItem(w http.ResponseWriter, r *http.Request, s *session) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return err
	}
	it, err := itemOfForm(r.PostForm)
	if err == nil {
		it.ID = uuid.Nil
		it, err = d.svc.CreateItem(r.Context(), s.user, it)
	}
	if lifeops.ErrorCode(err) == lifeops.CodeInvalid {
		return d.render(w, r, http.StatusBadRequest, "item", d.newItemForm(d.base(w, r, s, "New item", "items"), "", r.PostForm, err))
	} else if err != nil {
		return err
	}
	d.flash(w, r, "Added "+it.Title+".")
	http.Redirect(w, r, Prefix+"items", http.StatusSeeOther)
	return nil
}

func (d *Dashboard) itemOf(r *http.Request, s *session) (lifeops.Item, error) {
	id, err := uuid.Parse(r.PathValue("id"))
	if err != nil {
		return lifeops.Item{}, errNotFound
	}
	return d.svc.Item(r.Context(), s.user, id)
}

func (d *Dashboard) editItemPage(w http.ResponseWriter, r *http.Request, s *session) error {
	it, err := d.itemOf(r, s)
	if err != nil {
		return err
	}
	return d.render(w, r, http.StatusOK, "item", d.newItemForm(d.base(w, r, s, "Edit "+it.Title, "items"), it.ID.String(), formOfItem(it), nil))
}

// updateItem saves the form over the item at the version the form was
// made from: a change in between is refused, not overwritten.
func (d *Dashboard) updateItem(w http.ResponseWriter, r *http.Request, s *session) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return err
	}
	cur, err := d.itemOf(r, s)
	if err != nil {
		return err
	}
	next, err := itemOfForm(r.PostForm)
	if err == nil {
		version, perr := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
		if perr != nil || version < 1 {
			return &lifeops.ValidationError{Field: "version", Reason: "is missing: load the form again"}
		}
		up := lifeops.ItemUpdate{Title: &next.Title, Kind: &next.Kind, Schedule: &next.Schedule, Anchor: &next.Anchor,
			OffsetMinutes: &next.OffsetMinutes, DurationMinutes: &next.DurationMinutes, XP: next.XP, ClearXP: next.XP == nil,
			Missed: &next.Missed, ActiveFrom: &next.ActiveFrom, ActiveUntil: &next.ActiveUntil, Difficulty: &next.Difficulty,
			IfVersion: version}
		next, err = d.svc.UpdateItem(r.Context(), s.user, cur.ID, up)
	}
	if lifeops.ErrorCode(err) == lifeops.CodeInvalid {
		return d.render(w, r, http.StatusBadRequest, "item", d.newItemForm(d.base(w, r, s, "Edit "+cur.Title, "items"), cur.ID.String(), r.PostForm, err))
	} else if err != nil {
		return err
	}
	d.flash(w, r, "Saved "+next.Title+".")
	http.Redirect(w, r, Prefix+"items", http.StatusSeeOther)
	return nil
}

// confirmView asks before something is deleted.
type confirmView struct {
	pageBase
	Question, Action, Button, Cancel string
}

func (d *Dashboard) deleteItemPage(w http.ResponseWriter, r *http.Request, s *session) error {
	it, err := d.itemOf(r, s)
	if err != nil {
		return err
	}
	return d.render(w, r, http.StatusOK, "confirm", &confirmView{pageBase: d.base(w, r, s, "Delete "+it.Title, "items"),
		Question: "Delete " + it.Title + "? It leaves the timeline with its history, and the days it was due on are counted again without it; the XP it earned stays.",
		Action:   Prefix + "items/" + it.ID.String() + "/delete", Button: "Delete " + it.Title, Cancel: Prefix + "items"})
}

func (d *Dashboard) deleteItem(w http.ResponseWriter, r *http.Request, s *session) error {
	it, err := d.itemOf(r, s)
	if err != nil {
		return err
	}
	if err := d.svc.DeleteItem(r.Context(), s.user, it.ID); err != nil {
		return err
	}
	d.flash(w, r, "Deleted "+it.Title+".")
	http.Redirect(w, r, Prefix+"items", http.StatusSeeOther)
	return nil
}

// joinDates writes dates as "2026-12-24, 2026-12-31".
func joinDates(ds []civil.Date) string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return strings.Join(out, ", ")
}
