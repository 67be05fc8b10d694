package lifeops

import (
	"encoding/json"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/score"
	"github.com/lifeops/lifeops/timeline"
)

// Difficulty is how hard a timeline item is; it sets the XP a completion
// earns unless the item names its own XP. It is the score package's, which
// gives each its base points.
type Difficulty = score.Difficulty

// The difficulties; an empty Difficulty means DifficultyEasy.
const (
	DifficultyTrivial = score.Trivial
	DifficultyEasy    = score.Easy
	DifficultyMedium  = score.Medium
	DifficultyHard    = score.Hard
)

// Item is a timeline item as stored: the timeline package's definition
// (title, kind, schedule, anchor, offset, duration, XP, missed policy,
// active dates) plus its owner, difficulty, version and timestamps. Its JSON
// form is the item of the HTTP API with "difficulty", "version",
// "created_at" and "updated_at" added. Keyed by ID; an item belongs to
// exactly one user.
type Item struct {
	timeline.Item
	UserID     uuid.UUID
	Difficulty Difficulty
	// Version is 1 for a new item and goes up by one with every change; an
	// HTTP layer shows it as the item's ETag (see ItemUpdate.IfVersion).
	// Stores keep it as given, 0 as 1.
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Validate checks it: the timeline package's rules for the definition
// (fields named as JSON paths such as "schedule.days"), a set ID and owner,
// and a known difficulty. It returns nil, or one *ValidationError per bad
// field joined with errors.Join.
func (it Item) Validate() error {
	var p problems
	if it.ID == uuid.Nil {
		p.add("id", "is required")
	}
	if it.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	p.addErr(translate(it.Item.Validate()))
	// The timeline package reports a title that is not UTF-8.
	if utf8.ValidString(it.Title) && hasControl(it.Title) {
		p.add("title", "must not contain control characters")
	}
	if it.Difficulty != "" {
		if _, err := score.BasePoints(it.Difficulty); err != nil {
			p.add("difficulty", "must be trivial, easy, medium or hard, got %s", quote(string(it.Difficulty)))
		}
	}
	return p.err()
}

// itemExtra is the part of an Item's JSON that timeline.Item does not carry.
type itemExtra struct {
	Difficulty Difficulty `json:"difficulty,omitempty"`
	Version    int64      `json:"version,omitempty"`
	CreatedAt  time.Time  `json:"created_at,omitzero"`
	UpdatedAt  time.Time  `json:"updated_at,omitzero"`
}

// MarshalJSON encodes it as the HTTP API's item with "difficulty",
// "version", "created_at" and "updated_at" added. The owner is not encoded.
func (it Item) MarshalJSON() ([]byte, error) {
	def, err := json.Marshal(it.Item)
	if err != nil {
		return nil, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(def, &fields); err != nil {
		return nil, err
	}
	extra, err := json.Marshal(itemExtra{it.Difficulty, it.Version, it.CreatedAt, it.UpdatedAt})
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(extra, &fields); err != nil {
		return nil, err
	}
	return json.Marshal(fields)
}

// UnmarshalJSON decodes what MarshalJSON encodes. Shape errors are
// *ValidationError values naming the field; the owner is left as it was.
func (it *Item) UnmarshalJSON(b []byte) error {
	var def timeline.Item
	if err := json.Unmarshal(b, &def); err != nil {
		return translate(err)
	}
	var extra itemExtra
	if err := json.Unmarshal(b, &extra); err != nil {
		return &ValidationError{Field: "item", Reason: "must be a JSON object with valid difficulty and timestamps", Err: err}
	}
	it.Item, it.Difficulty, it.Version, it.CreatedAt, it.UpdatedAt = def, extra.Difficulty, extra.Version, extra.CreatedAt, extra.UpdatedAt
	return nil
}
