package oura

// The enumerations of the API are open: Oura adds values over time (workout
// sources, ring colours, webhook data types), so each is a string type whose
// known values are constants, and an unknown value decodes and is kept as is.

// SleepType is the kind of a sleep period.
type SleepType string

// Sleep types.
const (
	SleepTypeDeleted   SleepType = "deleted"    // the period was deleted; drop what was stored for it
	SleepTypeSleep     SleepType = "sleep"      // a short sleep that is not the main one
	SleepTypeLongSleep SleepType = "long_sleep" // the main sleep of the day: bedtime and wake time
	SleepTypeLateNap   SleepType = "late_nap"   // a nap late in the day; counts toward the next day

	SleepTypeRest SleepType = "rest" // rest without sleep
)

// SleepAlgorithmVersion is the version of the algorithm that scored a period.
type SleepAlgorithmVersion string

// Sleep algorithm versions.
const (
	SleepAlgorithmV1 SleepAlgorithmVersion = "v1"
	SleepAlgorithmV2 SleepAlgorithmVersion = "v2"
)

// SleepAnalysisReason says why a sleep period was (re)analysed.
type SleepAnalysisReason string

// Sleep analysis reasons.
const (
	SleepAnalysisForeground        SleepAnalysisReason = "foreground_sleep_analysis"
	SleepAnalysisBedtimeEdit       SleepAnalysisReason = "bedtime_edit"
	SleepAnalysisBackground        SleepAnalysisReason = "background_sleep_analysis"
	SleepAnalysisForegroundUpdated SleepAnalysisReason = "background_created_foreground_updated"
)

// HeartRateSource is what the ring was doing when it took a heart-rate sample.
type HeartRateSource string

// Heart-rate sources.
const (
	HeartRateSourceAwake   HeartRateSource = "awake"
	HeartRateSourceRest    HeartRateSource = "rest"
	HeartRateSourceSleep   HeartRateSource = "sleep"
	HeartRateSourceWorkout HeartRateSource = "workout"
	HeartRateSourceLive    HeartRateSource = "live"
	HeartRateSourceSession HeartRateSource = "session"
)

// SessionType is the kind of a guided or unguided session ("moment").
type SessionType string

// Session types.
const (
	SessionTypeBreathing  SessionType = "breathing"
	SessionTypeMeditation SessionType = "meditation"
	SessionTypeNap        SessionType = "nap"
	SessionTypeRelaxation SessionType = "relaxation"
	SessionTypeRest       SessionType = "rest"
	SessionTypeBodyStatus SessionType = "body_status"
)

// SessionMood is the mood the user reported after a session.
type SessionMood string

// Session moods.
const (
	SessionMoodBad   SessionMood = "bad"
	SessionMoodWorse SessionMood = "worse"
	SessionMoodSame  SessionMood = "same"
	SessionMoodGood  SessionMood = "good"
	SessionMoodGreat SessionMood = "great"
)

// StressSummary is the verdict of a day's stress.
type StressSummary string

// Stress summaries.
const (
	StressSummaryRestored  StressSummary = "restored"
	StressSummaryNormal    StressSummary = "normal"
	StressSummaryStressful StressSummary = "stressful"
)

// ResilienceLevel is the long-term resilience level.
type ResilienceLevel string

// Resilience levels.
const (
	ResilienceLimited     ResilienceLevel = "limited"
	ResilienceAdequate    ResilienceLevel = "adequate"
	ResilienceSolid       ResilienceLevel = "solid"
	ResilienceStrong      ResilienceLevel = "strong"
	ResilienceExceptional ResilienceLevel = "exceptional"
)

// SleepTimeRecommendation is Oura's advice on bedtime.
type SleepTimeRecommendation string

// Sleep time recommendations.
const (
	SleepTimeImproveEfficiency   SleepTimeRecommendation = "improve_efficiency"
	SleepTimeEarlierBedtime      SleepTimeRecommendation = "earlier_bedtime"
	SleepTimeLaterBedtime        SleepTimeRecommendation = "later_bedtime"
	SleepTimeEarlierWakeUpTime   SleepTimeRecommendation = "earlier_wake_up_time"
	SleepTimeLaterWakeUpTime     SleepTimeRecommendation = "later_wake_up_time"
	SleepTimeFollowOptimalBedime SleepTimeRecommendation = "follow_optimal_bedtime"
)

// SleepTimeStatus says how sure the bedtime recommendation is.
type SleepTimeStatus string

// Sleep time statuses.
const (
	SleepTimeNotEnoughNights       SleepTimeStatus = "not_enough_nights"
	SleepTimeNotEnoughRecentNights SleepTimeStatus = "not_enough_recent_nights"
	SleepTimeBadSleepQuality       SleepTimeStatus = "bad_sleep_quality"
	SleepTimeOnlyRecommendedFound  SleepTimeStatus = "only_recommended_found"
	SleepTimeOptimalFound          SleepTimeStatus = "optimal_found"
)

// WorkoutIntensity is the intensity of a workout.
type WorkoutIntensity string

// Workout intensities.
const (
	WorkoutIntensityEasy     WorkoutIntensity = "easy"
	WorkoutIntensityModerate WorkoutIntensity = "moderate"
	WorkoutIntensityHard     WorkoutIntensity = "hard"
)

// WorkoutSource is how a workout was recorded. Oura keeps adding sources.
type WorkoutSource string

// Workout sources.
const (
	WorkoutSourceManual                  WorkoutSource = "manual"
	WorkoutSourceAutodetected            WorkoutSource = "autodetected"
	WorkoutSourceConfirmed               WorkoutSource = "confirmed"
	WorkoutSourceWorkoutHeartRate        WorkoutSource = "workout_heart_rate"
	WorkoutSourceLiveOuraHeartRate       WorkoutSource = "live_oura_heart_rate"
	WorkoutSourceLiveThirdPartyHeartRate WorkoutSource = "live_third_party_heart_rate"
)

// RingColor is the finish of a ring.
type RingColor string

// Ring colours.
const (
	RingColorBrushedSilver   RingColor = "brushed_silver"
	RingColorGlossyBlack     RingColor = "glossy_black"
	RingColorGlossyGold      RingColor = "glossy_gold"
	RingColorGlossyWhite     RingColor = "glossy_white"
	RingColorGucci           RingColor = "gucci"
	RingColorMattGold        RingColor = "matt_gold"
	RingColorRose            RingColor = "rose"
	RingColorSilver          RingColor = "silver"
	RingColorStealthBlack    RingColor = "stealth_black"
	RingColorTitanium        RingColor = "titanium"
	RingColorTitaniumAndGold RingColor = "titanium_and_gold"
	RingColorCloud           RingColor = "cloud"
	RingColorPetal           RingColor = "petal"
	RingColorMidnight        RingColor = "midnight"
	RingColorTide            RingColor = "tide"
	RingColorDeepRose        RingColor = "deep_rose"
)

// RingDesign is the design of a ring.
type RingDesign string

// Ring designs.
const (
	RingDesignHeritage       RingDesign = "heritage"
	RingDesignBalance        RingDesign = "balance"
	RingDesignBalanceDiamond RingDesign = "balance_diamond"
	RingDesignHorizon        RingDesign = "horizon"
	RingDesignCeramic        RingDesign = "ceramic"
)

// RingHardwareType is the ring generation.
type RingHardwareType string

// Ring hardware types.
const (
	RingHardwareGen1  RingHardwareType = "gen1"
	RingHardwareGen2  RingHardwareType = "gen2"
	RingHardwareGen2M RingHardwareType = "gen2m"
	RingHardwareGen3  RingHardwareType = "gen3"
	RingHardwareGen4  RingHardwareType = "gen4"
	RingHardwareOR5   RingHardwareType = "or5"
)

// DataType is a data type of a webhook subscription and event. Note that the
// VO2 max route is spelled vO2_max but its data type is vo2_max, and that heart
// rate and ring battery have no webhooks: poll them.
type DataType string

// Webhook data types.
const (
	DataTypeTag                    DataType = "tag"
	DataTypeEnhancedTag            DataType = "enhanced_tag"
	DataTypeWorkout                DataType = "workout"
	DataTypeSession                DataType = "session"
	DataTypeSleep                  DataType = "sleep"
	DataTypeDailySleep             DataType = "daily_sleep"
	DataTypeDailyReadiness         DataType = "daily_readiness"
	DataTypeDailyActivity          DataType = "daily_activity"
	DataTypeDailySpO2              DataType = "daily_spo2"
	DataTypeSleepTime              DataType = "sleep_time"
	DataTypeRestModePeriod         DataType = "rest_mode_period"
	DataTypeRingConfiguration      DataType = "ring_configuration"
	DataTypeDailyStress            DataType = "daily_stress"
	DataTypeDailyCardiovascularAge DataType = "daily_cardiovascular_age"
	DataTypeDailyResilience        DataType = "daily_resilience"
	DataTypeVO2Max                 DataType = "vo2_max"
	DataTypeMeal                   DataType = "meal"
)

// DataTypes returns every known webhook data type.
func DataTypes() []DataType {
	return []DataType{DataTypeTag, DataTypeEnhancedTag, DataTypeWorkout, DataTypeSession, DataTypeSleep,
		DataTypeDailySleep, DataTypeDailyReadiness, DataTypeDailyActivity, DataTypeDailySpO2, DataTypeSleepTime,
		DataTypeRestModePeriod, DataTypeRingConfiguration, DataTypeDailyStress, DataTypeDailyCardiovascularAge,
		DataTypeDailyResilience, DataTypeVO2Max, DataTypeMeal}
}

// EventType is what happened to a document, in webhook subscriptions and
// events.
type EventType string

// Webhook event types.
const (
	EventTypeCreate EventType = "create"
	EventTypeUpdate EventType = "update"
	EventTypeDelete EventType = "delete"
)
