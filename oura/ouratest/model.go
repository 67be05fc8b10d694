package ouratest

import (
	"math"
	"strconv"
)

// The types below are the JSON shapes Oura's API v2 sends, written from the
// OpenAPI document's schemas. Nullable properties are pointers and are always
// present (Oura sends null rather than leaving them out). Date and time
// properties hold their wire text.

// samples is an array of numbers where NaN stands for null, the shape of
// PublicSample.items.
type samples []float64

func (s samples) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 2+len(s)*6)
	b = append(b, '[')
	for i, v := range s {
		if i > 0 {
			b = append(b, ',')
		}
		if math.IsNaN(v) {
			b = append(b, "null"...)
			continue
		}
		b = strconv.AppendFloat(b, v, 'f', -1, 64)
	}
	return append(b, ']'), nil
}

// sample is PublicSample: values at a fixed interval from a local start.
type sample struct {
	Interval  float64 `json:"interval"`
	Items     samples `json:"items"`
	Timestamp string  `json:"timestamp"`
}

type activityContributors struct {
	MeetDailyTargets  *int `json:"meet_daily_targets"`
	MoveEveryHour     *int `json:"move_every_hour"`
	RecoveryTime      *int `json:"recovery_time"`
	StayActive        *int `json:"stay_active"`
	TrainingFrequency *int `json:"training_frequency"`
	TrainingVolume    *int `json:"training_volume"`
}

type dailyActivity struct {
	ID                        string               `json:"id"`
	ActiveCalories            int                  `json:"active_calories"`
	AverageMetMinutes         float64              `json:"average_met_minutes"`
	Class5Min                 *string              `json:"class_5_min"`
	Contributors              activityContributors `json:"contributors"`
	Day                       string               `json:"day"`
	EquivalentWalkingDistance int                  `json:"equivalent_walking_distance"`
	HighActivityMetMinutes    int                  `json:"high_activity_met_minutes"`
	HighActivityTime          int                  `json:"high_activity_time"`
	InactivityAlerts          int                  `json:"inactivity_alerts"`
	LowActivityMetMinutes     int                  `json:"low_activity_met_minutes"`
	LowActivityTime           int                  `json:"low_activity_time"`
	MediumActivityMetMinutes  int                  `json:"medium_activity_met_minutes"`
	MediumActivityTime        int                  `json:"medium_activity_time"`
	Met                       sample               `json:"met"`
	MetersToTarget            int                  `json:"meters_to_target"`
	NonWearTime               int                  `json:"non_wear_time"`
	RestingTime               int                  `json:"resting_time"`
	Score                     *int                 `json:"score"`
	SedentaryMetMinutes       int                  `json:"sedentary_met_minutes"`
	SedentaryTime             int                  `json:"sedentary_time"`
	Steps                     int                  `json:"steps"`
	TargetCalories            int                  `json:"target_calories"`
	TargetMeters              int                  `json:"target_meters"`
	Timestamp                 string               `json:"timestamp"`
	TotalCalories             int                  `json:"total_calories"`
}

type readinessContributors struct {
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

type dailyReadiness struct {
	ID                        string                `json:"id"`
	Contributors              readinessContributors `json:"contributors"`
	Day                       string                `json:"day"`
	Score                     *int                  `json:"score"`
	TemperatureDeviation      *float64              `json:"temperature_deviation"`
	TemperatureTrendDeviation *float64              `json:"temperature_trend_deviation"`
	Timestamp                 string                `json:"timestamp"`
}

// readiness is PublicReadiness, embedded in a sleep document.
type readiness struct {
	Contributors              readinessContributors `json:"contributors"`
	Score                     *int                  `json:"score"`
	TemperatureDeviation      *float64              `json:"temperature_deviation"`
	TemperatureTrendDeviation *float64              `json:"temperature_trend_deviation"`
}

type sleepContributors struct {
	DeepSleep   *int `json:"deep_sleep"`
	Efficiency  *int `json:"efficiency"`
	Latency     *int `json:"latency"`
	REMSleep    *int `json:"rem_sleep"`
	Restfulness *int `json:"restfulness"`
	Timing      *int `json:"timing"`
	TotalSleep  *int `json:"total_sleep"`
}

type dailySleep struct {
	ID           string            `json:"id"`
	Contributors sleepContributors `json:"contributors"`
	Day          string            `json:"day"`
	Score        *int              `json:"score"`
	Timestamp    string            `json:"timestamp"`
}

type sleepDoc struct {
	ID                    string     `json:"id"`
	AverageBreath         *float64   `json:"average_breath"`
	AverageHeartRate      *float64   `json:"average_heart_rate"`
	AverageHRV            *int       `json:"average_hrv"`
	AwakeTime             *int       `json:"awake_time"`
	BedtimeEnd            string     `json:"bedtime_end"`
	BedtimeStart          string     `json:"bedtime_start"`
	Day                   string     `json:"day"`
	DeepSleepDuration     *int       `json:"deep_sleep_duration"`
	Efficiency            *int       `json:"efficiency"`
	HeartRate             *sample    `json:"heart_rate"`
	HRV                   *sample    `json:"hrv"`
	Latency               *int       `json:"latency"`
	LightSleepDuration    *int       `json:"light_sleep_duration"`
	LowBatteryAlert       bool       `json:"low_battery_alert"`
	LowestHeartRate       *int       `json:"lowest_heart_rate"`
	Movement30Sec         *string    `json:"movement_30_sec"`
	Period                int        `json:"period"`
	Readiness             *readiness `json:"readiness"`
	ReadinessScoreDelta   *int       `json:"readiness_score_delta"`
	REMSleepDuration      *int       `json:"rem_sleep_duration"`
	RestlessPeriods       *int       `json:"restless_periods"`
	SleepAlgorithmVersion *string    `json:"sleep_algorithm_version"`
	SleepAnalysisReason   *string    `json:"sleep_analysis_reason"`
	SleepPhase30Sec       *string    `json:"sleep_phase_30_sec"`
	SleepPhase5Min        *string    `json:"sleep_phase_5_min"`
	SleepScoreDelta       *int       `json:"sleep_score_delta"`
	TimeInBed             int        `json:"time_in_bed"`
	TotalSleepDuration    *int       `json:"total_sleep_duration"`
	Type                  *string    `json:"type"`
	RingID                *string    `json:"ring_id"`
	AppSleepPhase5Min     *string    `json:"app_sleep_phase_5_min"`
}

type spo2Values struct {
	Average float64 `json:"average"`
}

type dailySpO2 struct {
	ID                        string      `json:"id"`
	BreathingDisturbanceIndex *int        `json:"breathing_disturbance_index"`
	Day                       string      `json:"day"`
	SpO2Percentage            *spo2Values `json:"spo2_percentage"`
}

type dailyStress struct {
	ID           string  `json:"id"`
	Day          string  `json:"day"`
	DaySummary   *string `json:"day_summary"`
	RecoveryHigh *int    `json:"recovery_high"`
	StressHigh   *int    `json:"stress_high"`
}

type resilienceContributors struct {
	SleepRecovery   float64 `json:"sleep_recovery"`
	DaytimeRecovery float64 `json:"daytime_recovery"`
	Stress          float64 `json:"stress"`
}

type dailyResilience struct {
	ID           string                 `json:"id"`
	Day          string                 `json:"day"`
	Contributors resilienceContributors `json:"contributors"`
	Level        string                 `json:"level"`
}

type dailyCardiovascularAge struct {
	ID                string   `json:"id"`
	Day               string   `json:"day"`
	PulseWaveVelocity *float64 `json:"pulse_wave_velocity"`
	VascularAge       *int     `json:"vascular_age"`
}

type vo2Max struct {
	ID        string `json:"id"`
	Day       string `json:"day"`
	Timestamp string `json:"timestamp"`
	VO2Max    int    `json:"vo2_max"`
}

type sleepTimeWindow struct {
	DayTZ       int `json:"day_tz"`
	EndOffset   int `json:"end_offset"`
	StartOffset int `json:"start_offset"`
}

type sleepTime struct {
	ID             string           `json:"id"`
	Day            string           `json:"day"`
	OptimalBedtime *sleepTimeWindow `json:"optimal_bedtime"`
	Recommendation *string          `json:"recommendation"`
	Status         *string          `json:"status"`
}

type workoutDoc struct {
	ID            string   `json:"id"`
	Activity      string   `json:"activity"`
	Calories      *float64 `json:"calories"`
	Day           string   `json:"day"`
	Distance      *float64 `json:"distance"`
	EndDatetime   string   `json:"end_datetime"`
	Intensity     string   `json:"intensity"`
	Label         *string  `json:"label"`
	Source        string   `json:"source"`
	StartDatetime string   `json:"start_datetime"`
}

type sessionDoc struct {
	ID                   string  `json:"id"`
	Day                  string  `json:"day"`
	EndDatetime          string  `json:"end_datetime"`
	HeartRate            *sample `json:"heart_rate"`
	HeartRateVariability *sample `json:"heart_rate_variability"`
	Mood                 *string `json:"mood"`
	MotionCount          *sample `json:"motion_count"`
	StartDatetime        string  `json:"start_datetime"`
	Type                 string  `json:"type"`
}

type tagModel struct {
	ID        string   `json:"id"`
	Day       string   `json:"day"`
	Text      *string  `json:"text"`
	Timestamp string   `json:"timestamp"`
	Tags      []string `json:"tags"`
}

type enhancedTag struct {
	ID          string  `json:"id"`
	TagTypeCode *string `json:"tag_type_code"`
	StartTime   string  `json:"start_time"`
	EndTime     *string `json:"end_time"`
	StartDay    string  `json:"start_day"`
	EndDay      *string `json:"end_day"`
	Comment     *string `json:"comment"`
	CustomName  *string `json:"custom_name"`
}

type restModeEpisode struct {
	Tags      []string `json:"tags"`
	Timestamp string   `json:"timestamp"`
}

type restModePeriod struct {
	ID        string            `json:"id"`
	EndDay    *string           `json:"end_day"`
	EndTime   *string           `json:"end_time"`
	Episodes  []restModeEpisode `json:"episodes"`
	StartDay  string            `json:"start_day"`
	StartTime *string           `json:"start_time"`
}

type ringConfiguration struct {
	ID              string  `json:"id"`
	Color           *string `json:"color"`
	Design          *string `json:"design"`
	FirmwareVersion *string `json:"firmware_version"`
	HardwareType    *string `json:"hardware_type"`
	SetUpAt         *string `json:"set_up_at"`
	Size            *int    `json:"size"`
}

type personalInfo struct {
	ID            string   `json:"id"`
	Age           *int     `json:"age"`
	Weight        *float64 `json:"weight"`
	Height        *float64 `json:"height"`
	BiologicalSex *string  `json:"biological_sex"`
	Email         *string  `json:"email"`
}

// webhookSubscription is WebhookSubscriptionModel.
type webhookSubscription struct {
	ID             string `json:"id"`
	CallbackURL    string `json:"callback_url"`
	EventType      string `json:"event_type"`
	DataType       string `json:"data_type"`
	ExpirationTime string `json:"expiration_time"`
}

// validationError is one item of HTTPValidationError.detail.
type validationError struct {
	Loc  []string `json:"loc"`
	Msg  string   `json:"msg"`
	Type string   `json:"type"`
}

func ptr[T any](v T) *T { return &v }

// round returns v rounded to the given number of decimals.
func round(v float64, decimals int) float64 {
	p := math.Pow10(decimals)
	return math.Round(v*p) / p
}
