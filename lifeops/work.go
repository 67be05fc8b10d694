package lifeops

import (
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// WorkDay is how much a person worked on one of their days: entered by hand
// or delivered by a [WorkStatsSource]. It feeds the work-life score. Keyed by
// (user, date); storing a day again replaces it.
//
// MeetingMinutes and BreakMinutes are optional: nil means "not entered",
// and the work-life score then leaves that contributor out (the others are
// re-weighted), while a pointer to 0 is a real zero (no breaks taken, which
// lowers the score). In JSON a nil value is omitted, and an omitted field
// or null decodes to nil. The two fields were plain ints before; they
// became pointers, a source-incompatible change, while the library is
// unreleased.
type WorkDay struct {
	UserID            uuid.UUID  `json:"-"`
	Date              civil.Date `json:"date"`
	WorkMinutes       int        `json:"work_minutes"`              // all work, 0–1440
	AfterHoursMinutes int        `json:"after_hours_minutes"`       // the part outside working hours, 0–WorkMinutes
	MeetingMinutes    *int       `json:"meeting_minutes,omitempty"` // the part in meetings, 0–WorkMinutes; nil = not entered
	BreakMinutes      *int       `json:"break_minutes,omitempty"`   // breaks taken during work, 0–1440; nil = not entered
	Source            string     `json:"source,omitempty"`          // "manual" or the source's name
	UpdatedAt         time.Time  `json:"updated_at"`
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
	return p.err()
}
