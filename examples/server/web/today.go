package web

import (
	"cmp"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/timeline"
)

// todayView is the Today page.
type todayView struct {
	pageBase
	Day             string // "Tuesday, 10 March 2026"
	DateISO         string
	IsToday         bool
	Prev, Next      string // links to the days before and after ("" for none)
	Life            ringView
	LifeParts       []contribView
	Missing         []string
	Domains         []domainView
	XP              xpView
	Streaks         []streakRow
	DayGoal         *streakRow // the day-goal streak, beside the XP
	Message         string
	NewAchievements []lifeops.AchievementView
	Timeline        []entryView
}

// domainView is one domain's card.
type domainView struct {
	Key, Name    string
	Present      bool
	Value        string
	Percent      int // the value rounded, for the bar
	Contributors []contribView
}

// contribView is one line of a score's explanation.
type contribView struct {
	Name   string
	Input  string
	Value  string
	Weight string // the share of the score, "40%"
	Effect string // what it added, "+18.2"
	Parts  string // the ring's own contributors, "deep sleep 78, rem 91"
}

// xpView is the XP bar.
type xpView struct {
	Level, NextLevel      int
	Total, Into, Span, To int64
}

// streakRow is one line of the streaks table.
type streakRow struct {
	Title            string
	DayGoal          bool
	Current, Longest int
	Freezes          int
	AtRisk           bool
	Strength         string // "" when none
	StrengthPct      int
}

// entryView is one occurrence of the timeline.
type entryView struct {
	DOMID      string
	ItemID     string
	Title      string
	Kind       string
	Start, End string // wall clocks in the person's zone
	StartISO   string
	Anchor     string // "15 min after wake"
	Status     string
	StatusText string
	Note       string
	Date       string // the occurrence's key: its feed date …
	Slot       int    // … and its slot
	// What may be done with it.
	CanAct, CanUndo bool
}

var domainNames = map[lifeops.Domain]string{
	lifeops.DomainSleep: "Sleep", lifeops.DomainActivity: "Activity",
	lifeops.DomainWorkLife: "Work-life", lifeops.DomainHabits: "Habits",
}

func (d *Dashboard) todayPage(w http.ResponseWriter, r *http.Request, s *session) error {
	var day civil.Date
	if q := r.URL.Query().Get("date"); q != "" {
		var err error
		if day, err = civil.ParseDate(q); err != nil {
			return &lifeops.ValidationError{Field: "date", Reason: "must be a date YYYY-MM-DD", Err: err}
		}
	}
	ctx := r.Context()
	t, err := d.svc.Today(ctx, s.user, day)
	if err != nil {
		return err
	}
	feed, err := d.svc.Feed(ctx, s.user, t.Date, timeline.ViewExpanded)
	if err != nil {
		return err
	}
	today, err := d.svc.Today(ctx, s.user, civil.Date{})
	if err != nil {
		return err
	}
	items, err := d.svc.Items(ctx, s.user)
	if err != nil {
		return err
	}
	offsets := make(map[uuid.UUID]int, len(items))
	for _, it := range items {
		offsets[it.ID] = it.OffsetMinutes
	}
	v := &todayView{pageBase: d.base(w, r, s, "Today", "today"), DateISO: t.Date.String(), Message: t.Message,
		IsToday: t.Date == today.Date, NewAchievements: t.NewAchievements}
	v.Day = longDate(t.Date)
	if !v.IsToday {
		v.Title = v.Day
	}
	v.Prev = Prefix + "?date=" + t.Date.AddDays(-1).String()
	if !v.IsToday {
		if next := t.Date.AddDays(1); next == today.Date {
			v.Next = Prefix
		} else {
			v.Next = Prefix + "?date=" + next.String()
		}
	}
	v.Life = ring(t.LifeScore.Value)
	v.LifeParts = contribs(t.LifeScore.Contributors, true)
	for _, m := range t.LifeScore.Missing {
		v.Missing = append(v.Missing, domainNames[m])
	}
	for _, dm := range []struct {
		key lifeops.Domain
		v   *lifeops.TodayDomain
	}{{lifeops.DomainSleep, t.Domains.Sleep}, {lifeops.DomainActivity, t.Domains.Activity},
		{lifeops.DomainWorkLife, t.Domains.WorkLife}, {lifeops.DomainHabits, t.Domains.Habits}} {
		dv := domainView{Key: string(dm.key), Name: domainNames[dm.key]}
		if dm.v != nil {
			dv.Present, dv.Value = true, dm.v.Value.String()
			dv.Percent = int(dm.v.Value.Round(0).IntPart())
			dv.Contributors = contribs(dm.v.Contributors, false)
		}
		v.Domains = append(v.Domains, dv)
	}
	v.XP = xpView{Level: t.XP.Level, NextLevel: t.XP.Level + 1, Total: t.XP.Total, Into: t.XP.IntoLevel,
		Span: t.XP.IntoLevel + t.XP.ToNextLevel, To: t.XP.ToNextLevel}
	for _, st := range t.Streaks {
		row := streakRow{Title: st.Title, DayGoal: st.Kind == "day_goal", Current: st.Current, Longest: st.Longest,
			Freezes: st.Freezes, AtRisk: st.AtRisk && v.IsToday}
		if st.Strength != nil {
			row.Strength = st.Strength.String()
			row.StrengthPct = int(st.Strength.Round(0).IntPart())
		}
		v.Streaks = append(v.Streaks, row)
		if row.DayGoal {
			dg := row
			v.DayGoal = &dg
		}
	}
	for _, e := range feed.Entries {
		v.Timeline = append(v.Timeline, s.entry(e, t.Date, offsets[e.ItemID]))
	}
	return d.render(w, r, http.StatusOK, "today", v)
}

// contribs explains a score's contributors; life says they are the
// domains of the Life Score.
func contribs(cs []lifeops.TodayContributor, life bool) []contribView {
	out := make([]contribView, 0, len(cs))
	for _, c := range cs {
		cv := contribView{Name: humanize(c.Name), Input: c.Input, Value: c.Value.String(), Effect: signed(c.Effect)}
		if life {
			cv.Name = domainNames[lifeops.Domain(c.Name)]
		}
		if w, err := strconv.ParseFloat(string(c.Weight), 64); err == nil {
			cv.Weight = strconv.FormatFloat(w*100, 'f', -1, 64)
			if i := strings.IndexByte(cv.Weight, '.'); i >= 0 && len(cv.Weight) > i+2 {
				cv.Weight = cv.Weight[:i+2]
			}
			cv.Weight += "%"
		}
		var parts []string
		for _, p := range c.Parts {
			parts = append(parts, humanize(p.Name)+" "+strconv.Itoa(p.Value))
		}
		cv.Parts = strings.Join(parts, ", ")
		out = append(out, cv)
	}
	return out
}

// signed writes a score's effect with its sign.
func signed(n lifeops.Number) string {
	if n.IsNegative() {
		return n.String()
	}
	return "+" + n.String()
}

// humanize turns a field name into words: "sleep_score" is "Sleep score".
func humanize(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// longDate writes a date as "Tuesday, 10 March 2026".
func longDate(d civil.Date) string {
	return fmt.Sprintf("%s, %d %s %d", d.Weekday(), d.Day, d.Month, d.Year)
}

// shortDate writes a date as "Wed 11 Mar".
func shortDate(d civil.Date) string {
	return fmt.Sprintf("%s %d %s", d.Weekday().String()[:3], d.Day, d.Month.String()[:3])
}

var statusText = map[timeline.Status]string{
	timeline.StatusPending: "To do", timeline.StatusOverdue: "Overdue", timeline.StatusCompleted: "Done",
	timeline.StatusSkipped: "Skipped", timeline.StatusPostponed: "Postponed",
}

// entry is the view of a feed entry on the page of day.
func (s *session) entry(e timeline.Entry, day civil.Date, offset int) entryView {
	v := entryView{
		DOMID:  fmt.Sprintf("entry-%s-%s-%d", e.ItemID, e.Date, e.Slot),
		ItemID: e.ItemID.String(), Title: e.Title, Kind: humanize(string(e.Kind)),
		Start: s.clock(e.Start), End: s.clock(e.End), StartISO: e.Start.Format("2006-01-02T15:04:05Z07:00"),
		Anchor: s.anchorWithOffset(e.Anchor, offset), Status: string(e.Status), StatusText: statusText[e.Status],
		Date: e.Date.String(), Slot: e.Slot,
	}
	var notes []string
	if e.CarriedOver {
		notes = append(notes, "carried over from "+shortDate(e.Date))
	}
	if !e.PostponedFrom.IsZero() {
		notes = append(notes, "moved here from "+shortDate(e.PostponedFrom))
	}
	switch e.Status {
	case timeline.StatusCompleted:
		if !e.CompletedAt.IsZero() {
			notes = append(notes, "done at "+s.clock(e.CompletedAt))
		}
		v.CanUndo = true
	case timeline.StatusSkipped:
		if e.Reason != "" {
			notes = append(notes, "skipped: "+e.Reason)
		}
		v.CanUndo = true
	case timeline.StatusPostponed:
		if !e.PostponedTo.IsZero() && e.PostponedTo != day {
			notes = append(notes, "moved to "+shortDate(e.PostponedTo))
		} else {
			v.CanAct = true
		}
		v.CanUndo = true
	default:
		v.CanAct = true
	}
	if !e.PostponedFrom.IsZero() && e.Status == timeline.StatusPostponed {
		v.CanUndo = true
	}
	v.Note = strings.Join(notes, "; ")
	if s.readOnly {
		v.CanAct, v.CanUndo = false, false
	}
	return v
}

// The actions on an occurrence.
type action int

const (
	actComplete action = iota
	actSkip
	actPostpone
	actUndo
)

// maxReason bounds a skip's reason as typed.
const maxReason = 500

// occurrence handles the form of one action on an occurrence: the item in
// the path, the occurrence's date and slot in the form. It answers with a
// redirect back to the page the form was on, leaving a message.
func (d *Dashboard) occurrence(act action) pageFunc {
	return func(w http.ResponseWriter, r *http.Request, s *session) error {
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		id, err := uuid.Parse(r.PathValue("id"))
		if err != nil {
			return errNotFound
		}
		date, err := civil.ParseDate(r.PostFormValue("date"))
		if err != nil {
			return &lifeops.ValidationError{Field: "date", Reason: "must be a date YYYY-MM-DD", Err: err}
		}
		slot := 0
		if v := r.PostFormValue("slot"); v != "" {
			if slot, err = strconv.Atoi(v); err != nil {
				return &lifeops.ValidationError{Field: "slot", Reason: "must be a whole number", Err: err}
			}
		}
		ctx := r.Context()
		var out lifeops.Outcome
		var msg string
		switch act {
		case actComplete:
			out, err = d.svc.Complete(ctx, s.user, id, date, slot)
			if err == nil {
				msg = "Done: " + titleOf(out)
				if out.Award != nil {
					msg += fmt.Sprintf(", +%d XP", out.Award.Points)
				}
				msg += "."
			}
		case actSkip:
			reason := strings.TrimSpace(r.PostFormValue("reason"))
			if len(reason) > maxReason {
				return &lifeops.ValidationError{Field: "reason", Reason: fmt.Sprintf("must be at most %d characters", maxReason)}
			}
			out, err = d.svc.Skip(ctx, s.user, id, date, slot, reason)
			if err == nil {
				msg = "Skipped: " + titleOf(out) + "."
			}
		case actPostpone:
			var to lifeops.Postponement
			switch r.PostFormValue("by") {
			case "15m":
				to.Minutes = 15
			case "1h":
				to.Minutes = 60
			case "tomorrow":
				to.ToDate = date.AddDays(1)
			default:
				return &lifeops.ValidationError{Field: "by", Reason: "must be 15m, 1h or tomorrow"}
			}
			out, err = d.svc.Postpone(ctx, s.user, id, date, slot, to)
			if err == nil {
				msg = "Postponed: " + titleOf(out)
				if e := out.Entry; e != nil && !e.PostponedTo.IsZero() && e.PostponedTo != date {
					msg += " to " + shortDate(e.PostponedTo)
				} else if e != nil {
					msg += " to " + s.clock(e.Start)
				}
				msg += "."
			}
		case actUndo:
			out, err = d.svc.Undo(ctx, s.user, id, date, slot)
			if err == nil {
				msg = "Undone: " + titleOf(out) + "."
			}
		}
		if err != nil {
			return err
		}
		for _, a := range out.NewAchievements {
			msg += " Achievement unlocked: " + cmp.Or(achievementTitles[a.Code], a.Code) + "."
		}
		d.flash(w, r, msg)
		http.Redirect(w, r, back(r, Prefix), http.StatusSeeOther)
		return nil
	}
}

// titleOf names the item of an outcome.
func titleOf(o lifeops.Outcome) string {
	if o.Entry != nil {
		return o.Entry.Title
	}
	return "the item"
}
