package lifeops

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// DataKind names one kind of data that a source delivers and that sync state
// is kept for. The day-level kinds each own a group of [HealthDay] fields
// (see [HealthDay]); the names follow Oura's collections, which the HTTP
// API's sync counts also use, but nothing about them is Oura-specific.
type DataKind string

// The data kinds LifeOps knows.
const (
	KindDailySleep     DataKind = "daily_sleep"     // HealthDay.Sleep
	KindDailyReadiness DataKind = "daily_readiness" // HealthDay.Readiness
	KindDailyActivity  DataKind = "daily_activity"  // HealthDay.Activity and Steps
	KindSleep          DataKind = "sleep"           // the main sleep period: TotalSleepSeconds, Efficiency, RestingHeartRate, HRV, Bedtime, WakeTime
	KindHeartRate      DataKind = "heartrate"       // HeartRateSample
	KindWork           DataKind = "work"            // WorkDay, from a WorkStatsSource
)

// DayKinds returns the day-level health kinds in the order a sync fetches
// them.
func DayKinds() []DataKind {
	return []DataKind{KindDailySleep, KindDailyReadiness, KindDailyActivity, KindSleep}
}

// Validate reports whether k is one of the kinds above.
func (k DataKind) Validate() error {
	switch k {
	case KindDailySleep, KindDailyReadiness, KindDailyActivity, KindSleep, KindHeartRate, KindWork:
		return nil
	}
	return invalid("kind", "unknown data kind %s", quote(string(k)))
}

// ProviderScore is a score a health provider computed for a day (Oura's
// sleep, readiness or activity score), with the provider's contributors by
// name. Values are on 0–100. A contributor the provider did not send is
// absent from the map, never zero.
type ProviderScore struct {
	Value        int            `json:"value"`
	Contributors map[string]int `json:"contributors,omitempty"`
}

func (s *ProviderScore) validate(p *problems, field string) {
	if s == nil {
		return
	}
	if s.Value < 0 || s.Value > 100 {
		p.add(field+".value", "must be between 0 and 100, got %d", s.Value)
	}
	for _, name := range slices.Sorted(maps.Keys(s.Contributors)) {
		if name == "" || len(name) > 64 {
			p.add(field+".contributors", "names must have 1 to 64 bytes")
		} else if why := textProblem(name); why != "" {
			p.add(field+".contributors", "names %s", why)
			continue
		}
		if v := s.Contributors[name]; v < 0 || v > 100 {
			p.add(field+".contributors."+name, "must be between 0 and 100, got %d", v)
		}
	}
}

func (p *ProviderScore) clone() *ProviderScore {
	if p == nil {
		return nil
	}
	c := *p
	c.Contributors = maps.Clone(p.Contributors)
	return &c
}

// HealthDay is the provider-neutral health record of one person's day. A nil
// field means the provider sent nothing for it; it is never read as zero.
//
// Each field belongs to exactly one day-level [DataKind], and a sync writes
// only the fields of the kinds it fetched successfully, so a kind that fails
// leaves its fields as they were:
//
//	daily_sleep      Sleep
//	daily_readiness  Readiness
//	daily_activity   Activity, Steps
//	sleep            TotalSleepSeconds, Efficiency, RestingHeartRate, HRV, Bedtime, WakeTime
//
// The sleep fields describe the day's main sleep: the longest sleep that
// ended on this date (Oura's long_sleep). Bedtime is when it began, usually
// the evening before; WakeTime is when it ended, the morning of Date.
type HealthDay struct {
	UserID            uuid.UUID      `json:"-"`
	Date              civil.Date     `json:"date"`
	Source            string         `json:"source,omitempty"` // the provider, e.g. "oura"
	Sleep             *ProviderScore `json:"sleep,omitempty"`
	Readiness         *ProviderScore `json:"readiness,omitempty"`
	Activity          *ProviderScore `json:"activity,omitempty"`
	Steps             *int           `json:"steps,omitempty"`
	TotalSleepSeconds *int           `json:"total_sleep_seconds,omitempty"`
	Efficiency        *int           `json:"efficiency,omitempty"`         // percent of time in bed asleep, 0–100
	RestingHeartRate  *int           `json:"resting_heart_rate,omitempty"` // beats per minute, lowest of the main sleep
	HRV               *int           `json:"hrv,omitempty"`                // average heart-rate variability of the main sleep, ms
	Bedtime           *time.Time     `json:"bedtime,omitempty"`            // start of the main sleep
	WakeTime          *time.Time     `json:"wake_time,omitempty"`          // end of the main sleep
	UpdatedAt         time.Time      `json:"updated_at"`
}

// Validate checks every field of d. It returns nil, or one
// *ValidationError per bad field joined with errors.Join.
func (d HealthDay) Validate() error {
	var p problems
	if d.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	if !d.Date.IsValid() {
		p.add("date", "must be a real date")
	}
	if len(d.Source) > 32 {
		p.add("source", "must be at most 32 bytes")
	}
	p.checkText("source", d.Source)
	d.Sleep.validate(&p, "sleep")
	d.Readiness.validate(&p, "readiness")
	d.Activity.validate(&p, "activity")
	for _, r := range []struct {
		field  string
		v      *int
		lo, hi int
	}{
		{"steps", d.Steps, 0, 200000},
		{"total_sleep_seconds", d.TotalSleepSeconds, 0, 24 * 3600},
		{"efficiency", d.Efficiency, 0, 100},
		{"resting_heart_rate", d.RestingHeartRate, 20, 250},
		{"hrv", d.HRV, 0, 500},
	} {
		if r.v != nil && (*r.v < r.lo || *r.v > r.hi) {
			p.add(r.field, "must be between %d and %d, got %d", r.lo, r.hi, *r.v)
		}
	}
	if d.Bedtime != nil && d.Bedtime.IsZero() {
		p.add("bedtime", "must not be the zero time")
	}
	if d.WakeTime != nil && d.WakeTime.IsZero() {
		p.add("wake_time", "must not be the zero time")
	}
	if d.Bedtime != nil && d.WakeTime != nil && !d.Bedtime.IsZero() && !d.WakeTime.IsZero() {
		switch {
		case !d.WakeTime.After(*d.Bedtime):
			p.add("wake_time", "must be after bedtime")
		case d.WakeTime.Sub(*d.Bedtime) > 24*time.Hour:
			p.add("wake_time", "must be within 24 hours of bedtime")
		}
	}
	return p.err()
}

// HealthDayView is a health day as the HTTP API writes it (GET
// /v1/me/health/days): each provider score flat as sleep_score,
// readiness_score and activity_score, every measure present and null when
// the provider sent nothing, and instants in the person's zone. HealthDay's
// own JSON is the storage and export form.
type HealthDayView struct {
	Date                  civil.Date     `json:"date"`
	Source                string         `json:"source,omitempty"`
	SleepScore            *int           `json:"sleep_score"`
	SleepContributors     map[string]int `json:"sleep_contributors,omitempty"`
	ReadinessScore        *int           `json:"readiness_score"`
	ReadinessContributors map[string]int `json:"readiness_contributors,omitempty"`
	ActivityScore         *int           `json:"activity_score"`
	ActivityContributors  map[string]int `json:"activity_contributors,omitempty"`
	Steps                 *int           `json:"steps"`
	TotalSleepSeconds     *int           `json:"total_sleep_seconds"`
	Efficiency            *int           `json:"efficiency"`
	RestingHeartRate      *int           `json:"resting_heart_rate"`
	HRV                   *int           `json:"hrv"`
	Bedtime               *time.Time     `json:"bedtime"`
	WakeTime              *time.Time     `json:"wake_time"`
}

// View returns d in the shape the HTTP API writes, its instants in loc (the
// person's zone; nil leaves them as they are).
func (d HealthDay) View(loc *time.Location) HealthDayView {
	v := HealthDayView{Date: d.Date, Source: d.Source, Steps: cloneInt(d.Steps), TotalSleepSeconds: cloneInt(d.TotalSleepSeconds),
		Efficiency: cloneInt(d.Efficiency), RestingHeartRate: cloneInt(d.RestingHeartRate), HRV: cloneInt(d.HRV)}
	flat := func(s *ProviderScore) (*int, map[string]int) {
		if s == nil {
			return nil, nil
		}
		return cloneInt(&s.Value), maps.Clone(s.Contributors)
	}
	v.SleepScore, v.SleepContributors = flat(d.Sleep)
	v.ReadinessScore, v.ReadinessContributors = flat(d.Readiness)
	v.ActivityScore, v.ActivityContributors = flat(d.Activity)
	in := func(t *time.Time) *time.Time {
		if t == nil || loc == nil {
			return cloneTime(t)
		}
		x := t.In(loc)
		return &x
	}
	v.Bedtime, v.WakeTime = in(d.Bedtime), in(d.WakeTime)
	return v
}

// Merge copies into d the fields that kind owns in src, and leaves every
// other field of d as it was. Merging a kind from a src that has no data of
// it clears those fields: that is how a deleted provider document removes
// its data. Merging a kind that owns no HealthDay fields does nothing.
func (d *HealthDay) Merge(kind DataKind, src HealthDay) {
	switch kind {
	case KindDailySleep:
		d.Sleep = src.Sleep.clone()
	case KindDailyReadiness:
		d.Readiness = src.Readiness.clone()
	case KindDailyActivity:
		d.Activity = src.Activity.clone()
		d.Steps = cloneInt(src.Steps)
	case KindSleep:
		d.TotalSleepSeconds = cloneInt(src.TotalSleepSeconds)
		d.Efficiency = cloneInt(src.Efficiency)
		d.RestingHeartRate = cloneInt(src.RestingHeartRate)
		d.HRV = cloneInt(src.HRV)
		d.Bedtime = cloneTime(src.Bedtime)
		d.WakeTime = cloneTime(src.WakeTime)
	default:
		return
	}
	if src.Source != "" {
		d.Source = src.Source
	}
}

// Has reports whether d holds data of kind: whether any field that kind owns
// (see [HealthDay]) is set. It is false for a kind that owns no fields.
func (d HealthDay) Has(kind DataKind) bool {
	switch kind {
	case KindDailySleep:
		return d.Sleep != nil
	case KindDailyReadiness:
		return d.Readiness != nil
	case KindDailyActivity:
		return d.Activity != nil || d.Steps != nil
	case KindSleep:
		return d.TotalSleepSeconds != nil || d.Efficiency != nil || d.RestingHeartRate != nil ||
			d.HRV != nil || d.Bedtime != nil || d.WakeTime != nil
	}
	return false
}

// ValidateMerge checks the arguments of [HealthStore.MergeHealthDays]: kind
// must be one of [DayKinds] (field "kind") and every day valid (see
// [HealthDay.Validate]). It returns nil, or the first problem found; stores
// call it before writing and return its error unchanged.
func ValidateMerge(kind DataKind, days []HealthDay) error {
	if !slices.Contains(DayKinds(), kind) {
		return invalid("kind", "must be a day-level kind (%s), got %s", dayKindList(), quote(string(kind)))
	}
	for _, d := range days {
		if err := d.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// dayKindList names the day-level kinds for an error message.
func dayKindList() string {
	var names []string
	for _, k := range DayKinds() {
		names = append(names, string(k))
	}
	return strings.Join(names, ", ")
}

func cloneInt(p *int) *int {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

func cloneTime(p *time.Time) *time.Time {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// HeartRateSample is one heart-rate reading. Samples are keyed by (user,
// At): storing a sample at an instant that already has one replaces it.
type HeartRateSample struct {
	At     time.Time `json:"at"`
	BPM    int       `json:"bpm"`
	Source string    `json:"source,omitempty"` // what the person was doing, as the provider says: "awake", "rest", "sleep", "workout", …
}

// Validate checks s. It returns nil, or one *ValidationError per bad field
// joined with errors.Join.
func (s HeartRateSample) Validate() error {
	var p problems
	if s.At.IsZero() {
		p.add("at", "is required")
	}
	if s.BPM < 20 || s.BPM > 300 {
		p.add("bpm", "must be between 20 and 300, got %d", s.BPM)
	}
	if len(s.Source) > 32 {
		p.add("source", "must be at most 32 bytes")
	}
	p.checkText("source", s.Source)
	return p.err()
}

// RawDocument is one document as a provider sent it, kept whole so that
// nothing the provider sends is lost, even fields LifeOps does not read yet. It is keyed by (user, provider, kind, ID): storing a revised document
// replaces the old one in place.
type RawDocument struct {
	UserID    uuid.UUID       `json:"-"`
	Provider  string          `json:"provider"`      // e.g. "oura"
	Kind      string          `json:"kind"`          // the provider's collection, e.g. "daily_sleep", "sleep", "workout"
	ID        string          `json:"id"`            // the provider's document id
	Date      civil.Date      `json:"date,omitzero"` // the document's day, when it has one
	Deleted   bool            `json:"deleted"`       // the provider marked the document deleted
	Data      json.RawMessage `json:"data"`          // the document, byte for byte
	FetchedAt time.Time       `json:"fetched_at"`    // when LifeOps received this version
}

// Validate checks r. It returns nil, or one *ValidationError per bad field
// joined with errors.Join.
func (r RawDocument) Validate() error {
	var p problems
	if r.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	if r.Provider == "" || len(r.Provider) > 32 {
		p.add("provider", "must have 1 to 32 bytes")
	}
	if r.Kind == "" || len(r.Kind) > 64 {
		p.add("kind", "must have 1 to 64 bytes")
	}
	if strings.TrimSpace(r.ID) == "" || len(r.ID) > 200 {
		p.add("id", "must have 1 to 200 bytes")
	}
	p.checkText("provider", r.Provider)
	p.checkText("kind", r.Kind)
	p.checkText("id", r.ID)
	if !r.Date.IsZero() && !r.Date.IsValid() {
		p.add("date", "must be a real date")
	}
	if !json.Valid(r.Data) || !utf8.Valid(r.Data) {
		p.add("data", "must be valid JSON in UTF-8")
	}
	return p.err()
}

// HealthBatch is what a [HealthSource] returns for one day-level kind and a
// date range.
type HealthBatch struct {
	// Days holds one record per date that has data of the kind. Only the
	// fields the kind owns are read (see [HealthDay]); UserID and UpdatedAt
	// are set by the Service. A date in the range with no record means the
	// provider has no data of this kind for it.
	Days []HealthDay
	// Documents are the provider's documents behind Days, kept whole.
	Documents []RawDocument
	// Complete names the document kinds (RawDocument.Kind) of which
	// Documents holds every live document of Provider dated in the range
	// asked for: a stored document of such a kind dated in the range and
	// missing from Documents was deleted at the provider, and the Service
	// marks it deleted. Kinds not named are left as stored.
	Complete []string
	// Provider is the provider of the documents; Complete needs it.
	Provider string
	// Offsets holds, for the days the source knows it, the UTC offset in
	// seconds east at which the provider recorded the day: a ring's day is
	// the calendar day of the zone the ring was in. The Service warns
	// when it is not the offset of the zone the person lived the day in.
	Offsets map[civil.Date]int
}

// SyncState records how far a user's data of one kind has been synced. The
// Service advances it only after the data up to Through was written, and
// only over days it wrote (never across a gap before a later range), so a
// failed sync resumes where the last good one stopped.
type SyncState struct {
	UserID   uuid.UUID  `json:"-"`
	Kind     DataKind   `json:"kind"`
	Through  civil.Date `json:"through"`   // every day up to and including this one was written
	SyncedAt time.Time  `json:"synced_at"` // when the state last advanced
}

// Validate checks s. It returns nil, or one *ValidationError per bad field
// joined with errors.Join.
func (s SyncState) Validate() error {
	var p problems
	if s.UserID == uuid.Nil {
		p.add("user_id", "is required")
	}
	p.addErr(s.Kind.Validate())
	if !s.Through.IsValid() {
		p.add("through", "must be a real date")
	}
	return p.err()
}
