package oura

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// The document types below follow the API's schemas field for field.
// Nullable fields are pointers; Day fields are the user's local calendar day;
// timestamps keep the offset Oura sent (the user's local offset for
// "localized" times, UTC for heart rate and battery). Durations are seconds.
// Every document keeps the JSON it was decoded from in Raw.

// decodeDocument decodes b into v (a type without methods, to avoid
// recursion) and keeps a copy of b in raw.
func decodeDocument(b []byte, v any, raw *json.RawMessage) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	if !bytes.Equal(b, []byte("null")) {
		*raw = bytes.Clone(b)
	}
	return nil
}

// Sample is a series of values at a fixed interval, starting at Timestamp.
// Items holds nil where the ring has no value.
type Sample struct {
	Interval  float64    `json:"interval"` // seconds between items
	Items     []*float64 `json:"items"`
	Timestamp time.Time  `json:"timestamp"` // the time of the first item, local offset
}

// ActivityContributors are the contributors of the activity score (1–100).
type ActivityContributors struct {
	MeetDailyTargets  *int `json:"meet_daily_targets"`
	MoveEveryHour     *int `json:"move_every_hour"`
	RecoveryTime      *int `json:"recovery_time"`
	StayActive        *int `json:"stay_active"`
	TrainingFrequency *int `json:"training_frequency"`
	TrainingVolume    *int `json:"training_volume"`
}

// DailyActivity is a day's activity summary; the day runs from 04:00 local
// time to 04:00 the next day.
type DailyActivity struct {
	ID                        string               `json:"id"`
	Day                       civil.Date           `json:"day"`
	Timestamp                 time.Time            `json:"timestamp"`
	Score                     *int                 `json:"score"`
	ActiveCalories            int                  `json:"active_calories"`
	TotalCalories             int                  `json:"total_calories"`
	TargetCalories            int                  `json:"target_calories"`
	Steps                     int                  `json:"steps"`
	EquivalentWalkingDistance int                  `json:"equivalent_walking_distance"` // metres
	HighActivityTime          int                  `json:"high_activity_time"`
	MediumActivityTime        int                  `json:"medium_activity_time"`
	LowActivityTime           int                  `json:"low_activity_time"`
	SedentaryTime             int                  `json:"sedentary_time"`
	RestingTime               int                  `json:"resting_time"`
	NonWearTime               int                  `json:"non_wear_time"`
	HighActivityMETMinutes    int                  `json:"high_activity_met_minutes"`
	MediumActivityMETMinutes  int                  `json:"medium_activity_met_minutes"`
	LowActivityMETMinutes     int                  `json:"low_activity_met_minutes"`
	SedentaryMETMinutes       int                  `json:"sedentary_met_minutes"`
	AverageMETMinutes         float64              `json:"average_met_minutes"`
	InactivityAlerts          int                  `json:"inactivity_alerts"`
	MetersToTarget            int                  `json:"meters_to_target"`
	TargetMeters              int                  `json:"target_meters"`
	MET                       Sample               `json:"met"`
	Class5Min                 *string              `json:"class_5_min"` // one digit per 5 minutes: 0 non-wear … 5 high
	Contributors              ActivityContributors `json:"contributors"`

	Raw json.RawMessage `json:"-"` // the document as Oura sent it
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *DailyActivity) UnmarshalJSON(b []byte) error {
	type plain DailyActivity
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// DailyCardiovascularAge is a day's vascular age estimate.
type DailyCardiovascularAge struct {
	ID                string     `json:"id"`
	Day               civil.Date `json:"day"`
	VascularAge       *int       `json:"vascular_age"`        // years
	PulseWaveVelocity *float64   `json:"pulse_wave_velocity"` // metres per second

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *DailyCardiovascularAge) UnmarshalJSON(b []byte) error {
	type plain DailyCardiovascularAge
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// ReadinessContributors are the contributors of the readiness score (1–100).
type ReadinessContributors struct {
	ActivityBalance     *int `json:"activity_balance"`
	BodyTemperature     *int `json:"body_temperature"`
	HRVBalance          *int `json:"hrv_balance"`
	PreviousDayActivity *int `json:"previous_day_activity"`
	PreviousNight       *int `json:"previous_night"`
	RecoveryIndex       *int `json:"recovery_index"`
	RestingHeartRate    *int `json:"resting_heart_rate"`
	SleepBalance        *int `json:"sleep_balance"`
	SleepRegularity     *int `json:"sleep_regularity"`
}

// DailyReadiness is a day's readiness score.
type DailyReadiness struct {
	ID                        string                `json:"id"`
	Day                       civil.Date            `json:"day"`
	Timestamp                 time.Time             `json:"timestamp"`
	Score                     *int                  `json:"score"`
	TemperatureDeviation      *float64              `json:"temperature_deviation"`       // °C
	TemperatureTrendDeviation *float64              `json:"temperature_trend_deviation"` // °C
	Contributors              ReadinessContributors `json:"contributors"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *DailyReadiness) UnmarshalJSON(b []byte) error {
	type plain DailyReadiness
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// ResilienceContributors are the contributors of the resilience level.
type ResilienceContributors struct {
	SleepRecovery   float64 `json:"sleep_recovery"`
	DaytimeRecovery float64 `json:"daytime_recovery"`
	Stress          float64 `json:"stress"`
}

// DailyResilience is a day's long-term resilience level.
type DailyResilience struct {
	ID           string                 `json:"id"`
	Day          civil.Date             `json:"day"`
	Level        ResilienceLevel        `json:"level"`
	Contributors ResilienceContributors `json:"contributors"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *DailyResilience) UnmarshalJSON(b []byte) error {
	type plain DailyResilience
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// SleepContributors are the contributors of the sleep score (1–100).
type SleepContributors struct {
	DeepSleep   *int `json:"deep_sleep"`
	Efficiency  *int `json:"efficiency"`
	Latency     *int `json:"latency"`
	REMSleep    *int `json:"rem_sleep"`
	Restfulness *int `json:"restfulness"`
	Timing      *int `json:"timing"`
	TotalSleep  *int `json:"total_sleep"`
}

// DailySleep is a day's sleep score.
type DailySleep struct {
	ID           string            `json:"id"`
	Day          civil.Date        `json:"day"`
	Timestamp    time.Time         `json:"timestamp"`
	Score        *int              `json:"score"`
	Contributors SleepContributors `json:"contributors"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *DailySleep) UnmarshalJSON(b []byte) error {
	type plain DailySleep
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// SpO2Percentage holds the average blood-oxygen saturation of a night.
type SpO2Percentage struct {
	Average float64 `json:"average"` // percent
}

// DailySpO2 is a day's blood-oxygen summary.
type DailySpO2 struct {
	ID                        string          `json:"id"`
	Day                       civil.Date      `json:"day"`
	SpO2Percentage            *SpO2Percentage `json:"spo2_percentage"`
	BreathingDisturbanceIndex *int            `json:"breathing_disturbance_index"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *DailySpO2) UnmarshalJSON(b []byte) error {
	type plain DailySpO2
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// DailyStress is a day's stress summary.
type DailyStress struct {
	ID           string         `json:"id"`
	Day          civil.Date     `json:"day"`
	StressHigh   *int           `json:"stress_high"`   // seconds in high stress
	RecoveryHigh *int           `json:"recovery_high"` // seconds in high recovery
	DaySummary   *StressSummary `json:"day_summary"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *DailyStress) UnmarshalJSON(b []byte) error {
	type plain DailyStress
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// EnhancedTag is a tag the user entered, possibly with a duration. Its times
// are wall-clock times without an offset.
type EnhancedTag struct {
	ID          string         `json:"id"`
	TagTypeCode *string        `json:"tag_type_code"` // nil for text-only tags, "custom" for custom ones
	StartTime   LocalDateTime  `json:"start_time"`
	EndTime     *LocalDateTime `json:"end_time"`
	StartDay    civil.Date     `json:"start_day"`
	EndDay      *civil.Date    `json:"end_day"`
	Comment     *string        `json:"comment"`
	CustomName  *string        `json:"custom_name"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *EnhancedTag) UnmarshalJSON(b []byte) error {
	type plain EnhancedTag
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// PersonalInfo is the user's profile. ID is readable with any token; the
// other fields need the personal and email scopes.
type PersonalInfo struct {
	ID            string   `json:"id"`
	Age           *int     `json:"age"`
	Weight        *float64 `json:"weight"` // kilograms
	Height        *float64 `json:"height"` // metres
	BiologicalSex *string  `json:"biological_sex"`
	Email         *string  `json:"email"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *PersonalInfo) UnmarshalJSON(b []byte) error {
	type plain PersonalInfo
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// RestModeEpisode is one set of tags of a rest-mode period.
type RestModeEpisode struct {
	Tags      []string  `json:"tags"`
	Timestamp time.Time `json:"timestamp"`
}

// RestModePeriod is a period the user put the ring in rest mode.
type RestModePeriod struct {
	ID        string            `json:"id"`
	StartDay  civil.Date        `json:"start_day"`
	EndDay    *civil.Date       `json:"end_day"`
	StartTime *time.Time        `json:"start_time"`
	EndTime   *time.Time        `json:"end_time"`
	Episodes  []RestModeEpisode `json:"episodes"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *RestModePeriod) UnmarshalJSON(b []byte) error {
	type plain RestModePeriod
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// RingConfiguration describes one of the user's rings.
type RingConfiguration struct {
	ID              string            `json:"id"`
	Color           *RingColor        `json:"color"`
	Design          *RingDesign       `json:"design"`
	FirmwareVersion *string           `json:"firmware_version"`
	HardwareType    *RingHardwareType `json:"hardware_type"`
	SetUpAt         *time.Time        `json:"set_up_at"` // UTC
	Size            *int              `json:"size"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *RingConfiguration) UnmarshalJSON(b []byte) error {
	type plain RingConfiguration
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// Session is a guided or unguided session (meditation, breathing, nap…).
type Session struct {
	ID                   string       `json:"id"`
	Day                  civil.Date   `json:"day"`
	Type                 SessionType  `json:"type"`
	StartDatetime        time.Time    `json:"start_datetime"`
	EndDatetime          time.Time    `json:"end_datetime"`
	Mood                 *SessionMood `json:"mood"`
	HeartRate            *Sample      `json:"heart_rate"`
	HeartRateVariability *Sample      `json:"heart_rate_variability"`
	MotionCount          *Sample      `json:"motion_count"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *Session) UnmarshalJSON(b []byte) error {
	type plain Session
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// Readiness is the readiness a sleep period produced.
type Readiness struct {
	Score                     *int                  `json:"score"`
	TemperatureDeviation      *float64              `json:"temperature_deviation"`
	TemperatureTrendDeviation *float64              `json:"temperature_trend_deviation"`
	Contributors              ReadinessContributors `json:"contributors"`
}

// Sleep is one sleep period. A day can have several: the main one has Type
// long_sleep; naps and rests are others; a period whose Type is deleted must
// remove what was stored for its ID.
type Sleep struct {
	ID                  string                 `json:"id"`
	Day                 civil.Date             `json:"day"`
	Type                *SleepType             `json:"type"`
	Period              int                    `json:"period"`
	BedtimeStart        time.Time              `json:"bedtime_start"`
	BedtimeEnd          time.Time              `json:"bedtime_end"`
	TimeInBed           int                    `json:"time_in_bed"`
	TotalSleepDuration  *int                   `json:"total_sleep_duration"`
	DeepSleepDuration   *int                   `json:"deep_sleep_duration"`
	LightSleepDuration  *int                   `json:"light_sleep_duration"`
	REMSleepDuration    *int                   `json:"rem_sleep_duration"`
	AwakeTime           *int                   `json:"awake_time"`
	Latency             *int                   `json:"latency"`
	Efficiency          *int                   `json:"efficiency"` // percent
	AverageHeartRate    *float64               `json:"average_heart_rate"`
	LowestHeartRate     *int                   `json:"lowest_heart_rate"`
	AverageHRV          *int                   `json:"average_hrv"`
	AverageBreath       *float64               `json:"average_breath"`
	HeartRate           *Sample                `json:"heart_rate"`
	HRV                 *Sample                `json:"hrv"`
	SleepPhase5Min      *string                `json:"sleep_phase_5_min"`
	SleepPhase30Sec     *string                `json:"sleep_phase_30_sec"`
	AppSleepPhase5Min   *string                `json:"app_sleep_phase_5_min"`
	Movement30Sec       *string                `json:"movement_30_sec"`
	RestlessPeriods     *int                   `json:"restless_periods"`
	Readiness           *Readiness             `json:"readiness"`
	ReadinessScoreDelta *int                   `json:"readiness_score_delta"`
	SleepScoreDelta     *int                   `json:"sleep_score_delta"`
	LowBatteryAlert     bool                   `json:"low_battery_alert"`
	SleepAlgorithm      *SleepAlgorithmVersion `json:"sleep_algorithm_version"`
	SleepAnalysisReason *SleepAnalysisReason   `json:"sleep_analysis_reason"`
	RingID              *string                `json:"ring_id"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *Sleep) UnmarshalJSON(b []byte) error {
	type plain Sleep
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// SleepType returns the period's type, or "" when Oura sent none.
func (d *Sleep) SleepType() SleepType {
	if d.Type == nil {
		return ""
	}
	return *d.Type
}

// SleepTimeWindow is a recommended bedtime window, as offsets in seconds
// from midnight of the day in the zone DayTZ (seconds east of UTC).
type SleepTimeWindow struct {
	DayTZ       int `json:"day_tz"`
	StartOffset int `json:"start_offset"`
	EndOffset   int `json:"end_offset"`
}

// SleepTime is Oura's bedtime recommendation for a day.
type SleepTime struct {
	ID             string                   `json:"id"`
	Day            civil.Date               `json:"day"`
	OptimalBedtime *SleepTimeWindow         `json:"optimal_bedtime"`
	Recommendation *SleepTimeRecommendation `json:"recommendation"`
	Status         *SleepTimeStatus         `json:"status"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *SleepTime) UnmarshalJSON(b []byte) error {
	type plain SleepTime
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// Tag is a note with tags (deprecated by Oura in favour of [EnhancedTag]).
type Tag struct {
	ID        string        `json:"id"`
	Day       civil.Date    `json:"day"`
	Text      *string       `json:"text"`
	Timestamp LocalDateTime `json:"timestamp"`
	Tags      []string      `json:"tags"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *Tag) UnmarshalJSON(b []byte) error {
	type plain Tag
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// VO2Max is a VO2 max estimate.
type VO2Max struct {
	ID        string     `json:"id"`
	Day       civil.Date `json:"day"`
	Timestamp time.Time  `json:"timestamp"`
	VO2Max    int        `json:"vo2_max"` // ml/kg/min

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *VO2Max) UnmarshalJSON(b []byte) error {
	type plain VO2Max
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// Workout is a detected or entered workout.
type Workout struct {
	ID            string           `json:"id"`
	Day           civil.Date       `json:"day"`
	Activity      string           `json:"activity"`
	Intensity     WorkoutIntensity `json:"intensity"`
	Source        WorkoutSource    `json:"source"`
	StartDatetime time.Time        `json:"start_datetime"`
	EndDatetime   time.Time        `json:"end_datetime"`
	Calories      *float64         `json:"calories"`
	Distance      *float64         `json:"distance"` // metres
	Label         *string          `json:"label"`

	Raw json.RawMessage `json:"-"`
}

// UnmarshalJSON decodes the document and keeps its raw JSON.
func (d *Workout) UnmarshalJSON(b []byte) error {
	type plain Workout
	return decodeDocument(b, (*plain)(d), &d.Raw)
}

// HeartRate is one heart-rate sample. The client returns Timestamp in UTC.
type HeartRate struct {
	Timestamp     time.Time       `json:"timestamp"`
	TimestampUnix int64           `json:"timestamp_unix"` // milliseconds since the Unix epoch
	BPM           int             `json:"bpm"`
	Source        HeartRateSource `json:"source"`
}

// RingBatteryLevel is one ring battery sample. The client returns Timestamp
// in UTC.
type RingBatteryLevel struct {
	Timestamp     time.Time `json:"timestamp"`
	TimestampUnix int64     `json:"timestamp_unix"` // milliseconds since the Unix epoch
	Level         int       `json:"level"`          // percent
	Charging      *bool     `json:"charging"`
	InCharger     *bool     `json:"in_charger"`
}

// WebhookSubscription is a webhook subscription of the application.
type WebhookSubscription struct {
	ID             string    `json:"id"`
	CallbackURL    string    `json:"callback_url"`
	EventType      EventType `json:"event_type"`
	DataType       DataType  `json:"data_type"`
	ExpirationTime time.Time `json:"expiration_time"`
}

// Page is one page of a collection: its documents or samples and the token
// of the next page, empty on the last.
type Page[T any] struct {
	Data      []T    `json:"data"`
	NextToken string `json:"next_token"`
}
