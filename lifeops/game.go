package lifeops

import (
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// XPEntry is one line of a person's XP ledger. Key is its idempotency key,
// unique per user: recording an entry whose key exists changes nothing, so a
// retried or concurrent award is counted once. The Service derives keys from
// what earned the points ("completion:<item>:<date>", "perfect_day:<date>"),
// and taking an award back (an undo) deletes its entry, so doing the thing
// again awards it again.
type XPEntry struct {
	UserID    uuid.UUID  `json:"-"`
	Key       string     `json:"key"`
	Date      civil.Date `json:"date"`             // the person's day the points count for
	Kind      string     `json:"kind"`             // what earned it: "completion", "perfect_day", "high_life_score", "achievement"
	Points    int64      `json:"points"`           // the sum of Parts
	Reason    string     `json:"reason"`           // a sentence safe to show
	Parts     []XPPart   `json:"parts,omitempty"`  // the base points and each bonus
	ItemID    uuid.UUID  `json:"item_id,omitzero"` // the timeline item that earned it, if any
	Code      string     `json:"code,omitempty"`   // the achievement code, for kind "achievement"
	CreatedAt time.Time  `json:"created_at"`
}

// XPPart is one line of an award: the base points or one bonus.
type XPPart struct {
	Name   string `json:"name"` // "base", "on_time", "streak", …
	Points int64  `json:"points"`
}

// maxPoints bounds one entry so that sums stay exact.
const maxPoints = 1_000_000

// MaxXPReasonLen is the longest XPEntry.Reason, in bytes.
const MaxXPReasonLen = 200

// Validate checks e. It returns nil, or one *ValidationError per bad field
// joined with errors.Join.
func (e XPEntry) Validate() error {
	var p problems
	if e.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	if e.Key == "" || len(e.Key) > 200 {
		p.add("key", "must have 1 to 200 bytes")
	}
	if !e.Date.IsValid() {
		p.add("date", "must be a real date")
	}
	if e.Kind == "" || len(e.Kind) > 32 {
		p.add("kind", "must have 1 to 32 bytes")
	}
	if e.Points < -maxPoints || e.Points > maxPoints {
		p.add("points", "must be between %d and %d, got %d", -maxPoints, maxPoints, e.Points)
	}
	if len(e.Reason) > MaxXPReasonLen {
		p.add("reason", "must be at most %d bytes", MaxXPReasonLen)
	}
	if len(e.Parts) > 0 {
		var sum int64
		for _, part := range e.Parts {
			sum += part.Points
		}
		if sum != e.Points {
			p.add("parts", "must add up to points (%d), got %d", e.Points, sum)
		}
	}
	if len(e.Code) > 64 {
		p.add("code", "must be at most 64 bytes")
	}
	p.checkText("key", e.Key)
	p.checkText("kind", e.Kind)
	p.checkText("reason", e.Reason)
	p.checkText("code", e.Code)
	for i, part := range e.Parts {
		if part.Name == "" || len(part.Name) > 32 {
			p.add(fmt.Sprintf("parts[%d].name", i), "must have 1 to 32 bytes")
		}
		p.checkText(fmt.Sprintf("parts[%d].name", i), part.Name)
	}
	return p.err()
}

// Achievement is an achievement a person unlocked. Unlocks are permanent and
// keep their first date: unlocking the same code again changes nothing.
type Achievement struct {
	UserID     uuid.UUID  `json:"-"`
	Code       string     `json:"code"`        // the catalog code, e.g. "streak_7"
	Date       civil.Date `json:"date"`        // the person's day it was unlocked on
	UnlockedAt time.Time  `json:"unlocked_at"` // the instant it was unlocked
}

// Validate checks a. It returns nil, or one *ValidationError per bad field
// joined with errors.Join.
func (a Achievement) Validate() error {
	var p problems
	if a.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	if a.Code == "" || len(a.Code) > 64 {
		p.add("code", "must have 1 to 64 bytes")
	}
	p.checkText("code", a.Code)
	if !a.Date.IsValid() {
		p.add("date", "must be a real date")
	}
	if a.UnlockedAt.IsZero() {
		p.add("unlocked_at", "is required")
	}
	return p.err()
}
