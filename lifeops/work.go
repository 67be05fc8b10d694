package lifeops

import (
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/score"
)

// WorkDay is how much a person worked on one of their days. A store keeps
// one WorkDay per (user, date, Source): the person's own entry (Source
// [SourceManual]) and what each [WorkStatsSource] delivered are separate
// records, and storing a record again replaces it. [MergeWorkDays] makes
// the one day the work-life score sees, field by field, and names each
// field's source in Sources.
//
// MeetingMinutes and BreakMinutes are optional: nil means "not entered",
// and the work-life score then leaves that contributor out (the others are
// re-weighted), while a pointer to 0 is a real zero (no breaks taken, which
// lowers the score). In JSON a nil value is omitted, and an omitted field
// or null decodes to nil.
type WorkDay struct {
	UserID            uuid.UUID  `json:"-"`
	Date              civil.Date `json:"date"`
	WorkMinutes       int        `json:"work_minutes"`              // all work, 0–1440
	AfterHoursMinutes int        `json:"after_hours_minutes"`       // the part outside working hours, 0–WorkMinutes
	MeetingMinutes    *int       `json:"meeting_minutes,omitempty"` // the part in meetings, 0–WorkMinutes; nil = not entered
	BreakMinutes      *int       `json:"break_minutes,omitempty"`   // breaks taken during work, 0–1440; nil = not entered
	Source            string     `json:"source,omitempty"`          // SourceManual or the source's name; a store keeps "" as SourceManual
	// Sources names the source of each field of a merged day (see
	// [MergeWorkDays]); a stored record's fields all come from its Source,
	// and stores ignore this field.
	Sources   WorkSources `json:"sources,omitzero"`
	UpdatedAt time.Time   `json:"updated_at"`
}

// SourceManual is the Source of a work day the person entered themselves.
const SourceManual = "manual"

// validSourceName reports whether name can name a work-stats source: 1 to
// 32 lowercase letters, digits, '-' or '_', and not SourceManual.
func validSourceName(name string) bool {
	if name == "" || len(name) > 32 || name == SourceManual {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// WorkSources names where each value of a merged work day came from:
// SourceManual or a source's name. The work-life score shows it on each
// contributor.
type WorkSources = score.WorkSources

// MergeWorkDays merges one person's work-day records, any number per date
// and in any order, into one day per date, ordered by date, each naming the
// source of every field in Sources:
//
//   - The person's own entry (Source SourceManual) wins for the fields it
//     has: work and after-hours minutes always, meeting and break minutes
//     when entered (not nil).
//   - A field the entry does not have is the largest value any source
//     measured for it: sources see parts of the same day (a time tracker
//     the time at the computer, a calendar the meetings), so the largest
//     is the least that was surely worked. A tie goes to the source whose
//     name sorts first, so the merge does not depend on record order.
//   - After-hours and meeting minutes are at most the work minutes: a
//     measured value above an entered workload is cut to it.
//
// The merged day's Source is SourceManual when there is an entry, else the
// source of its work minutes; its UpdatedAt is the latest of its records'.
func MergeWorkDays(records []WorkDay) []WorkDay {
	byDate := map[civil.Date][]WorkDay{}
	var dates []civil.Date
	for _, w := range records {
		if _, ok := byDate[w.Date]; !ok {
			dates = append(dates, w.Date)
		}
		byDate[w.Date] = append(byDate[w.Date], w)
	}
	slices.SortFunc(dates, civil.Date.Compare)
	out := make([]WorkDay, 0, len(dates))
	for _, d := range dates {
		out = append(out, mergeWorkDay(byDate[d]))
	}
	return out
}

// mergeWorkDay merges the records of one date; see MergeWorkDays.
func mergeWorkDay(rs []WorkDay) WorkDay {
	slices.SortStableFunc(rs, func(a, b WorkDay) int {
		// The entry first, then sources by name.
		am, bm := a.Source == SourceManual || a.Source == "", b.Source == SourceManual || b.Source == ""
		switch {
		case am && !bm:
			return -1
		case bm && !am:
			return 1
		}
		return strings.Compare(a.Source, b.Source)
	})
	var m WorkDay
	m.UserID, m.Date = rs[0].UserID, rs[0].Date
	entered := rs[0].Source == SourceManual || rs[0].Source == ""
	pick := func(v *int, src *string, got int, from string) {
		if *src == "" || got > *v {
			*v, *src = got, from
		}
	}
	pickOpt := func(v **int, src *string, got *int, from string) {
		if got != nil && (*src == "" || *got > **v) {
			n := *got
			*v, *src = &n, from
		}
	}
	for i, r := range rs {
		name := r.Source
		if name == "" {
			name = SourceManual
		}
		if r.UpdatedAt.After(m.UpdatedAt) {
			m.UpdatedAt = r.UpdatedAt
		}
		if i == 0 && entered {
			m.WorkMinutes, m.Sources.Work = r.WorkMinutes, name
			m.AfterHoursMinutes, m.Sources.AfterHours = r.AfterHoursMinutes, name
			pickOpt(&m.MeetingMinutes, &m.Sources.Meetings, r.MeetingMinutes, name)
			pickOpt(&m.BreakMinutes, &m.Sources.Breaks, r.BreakMinutes, name)
			continue
		}
		if !entered {
			pick(&m.WorkMinutes, &m.Sources.Work, r.WorkMinutes, name)
			pick(&m.AfterHoursMinutes, &m.Sources.AfterHours, r.AfterHoursMinutes, name)
		}
		if !entered || rs[0].MeetingMinutes == nil {
			pickOpt(&m.MeetingMinutes, &m.Sources.Meetings, r.MeetingMinutes, name)
		}
		if !entered || rs[0].BreakMinutes == nil {
			pickOpt(&m.BreakMinutes, &m.Sources.Breaks, r.BreakMinutes, name)
		}
	}
	m.AfterHoursMinutes = min(m.AfterHoursMinutes, m.WorkMinutes)
	if m.MeetingMinutes != nil && *m.MeetingMinutes > m.WorkMinutes {
		n := m.WorkMinutes
		m.MeetingMinutes = &n
	}
	m.Source = m.Sources.Work
	return m
}

// Validate checks every field of w. It returns nil, or one
// *ValidationError per bad field joined with errors.Join.
func (w WorkDay) Validate() error {
	var p problems
	if w.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	if !w.Date.IsValid() {
		p.add("date", "must be a real date")
	}
	const day = 24 * 60
	if w.WorkMinutes < 0 || w.WorkMinutes > day {
		p.add("work_minutes", "must be between 0 and %d, got %d", day, w.WorkMinutes)
	}
	if w.AfterHoursMinutes < 0 || w.AfterHoursMinutes > max(w.WorkMinutes, 0) {
		p.add("after_hours_minutes", "must be between 0 and work_minutes (%d), got %d", max(w.WorkMinutes, 0), w.AfterHoursMinutes)
	}
	if m := w.MeetingMinutes; m != nil && (*m < 0 || *m > max(w.WorkMinutes, 0)) {
		p.add("meeting_minutes", "must be between 0 and work_minutes (%d), got %d", max(w.WorkMinutes, 0), *m)
	}
	if b := w.BreakMinutes; b != nil && (*b < 0 || *b > day) {
		p.add("break_minutes", "must be between 0 and %d, got %d", day, *b)
	}
	if len(w.Source) > 32 {
		p.add("source", "must be at most 32 bytes")
	}
	p.checkText("source", w.Source)
	return p.err()
}
