package oura

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// rawDocs splits the data array of a testdata page into its documents.
func rawDocs(t *testing.T, page []byte) []json.RawMessage {
	t.Helper()
	var p struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(page, &p); err != nil {
		t.Fatal(err)
	}
	return p.Data
}

// rawOf returns the Raw field of a document.
func rawOf(v any) json.RawMessage {
	rv := reflect.Indirect(reflect.ValueOf(v))
	if rv.Kind() != reflect.Struct {
		return nil
	}
	f := rv.FieldByName("Raw")
	if !f.IsValid() {
		return nil
	}
	return f.Interface().(json.RawMessage)
}

var ignoreRaw = cmp.FilterPath(func(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	return ok && sf.Name() == "Raw"
}, cmp.Ignore())

// testDocumentRoute drives List and Get of one collection against the
// testdata page, in production and sandbox mode. It checks the route, the
// query, that every document keeps its raw JSON whole, and that decoding and
// re-encoding a document loses no field.
func testDocumentRoute[T any](t *testing.T, svc func(*Client) *DocumentService[T], name string, dated bool, want []T) {
	t.Helper()
	page := mustRead(t, name+".json")
	docs := rawDocs(t, page)
	for _, sandbox := range []bool{false, true} {
		var opts []Option
		prefix := "/v2/usercollection/"
		if sandbox {
			opts = append(opts, WithSandbox())
			prefix = "/v2/sandbox/usercollection/"
		}
		b := setup(t, opts...)
		s := svc(b.client)
		wantQuery := url.Values{}
		lo := &ListOptions{}
		if dated {
			lo = &ListOptions{StartDate: civil.D(2024, 3, 10), EndDate: civil.D(2024, 3, 11)}
			wantQuery = url.Values{"start_date": {"2024-03-09"}, "end_date": {"2024-03-12"}}
		}
		b.mux.HandleFunc(prefix+name, func(w http.ResponseWriter, r *http.Request) {
			testMethod(t, r, http.MethodGet)
			testQuery(t, r, wantQuery)
			testHeader(t, r, "Authorization", "Bearer "+testToken)
			writeJSON(w, http.StatusOK, string(page))
		})
		b.mux.HandleFunc(prefix+name+"/{id}", func(w http.ResponseWriter, r *http.Request) {
			testMethod(t, r, http.MethodGet)
			if r.PathValue("id") != "doc/1" {
				t.Errorf("id = %q, want the escaped doc/1", r.PathValue("id"))
			}
			writeJSON(w, http.StatusOK, string(docs[0]))
		})
		if got := s.Route(); got != prefix+name {
			t.Errorf("Route() = %q, want %q", got, prefix+name)
		}
		got, _, err := s.List(t.Context(), lo)
		if err != nil {
			t.Fatalf("%s List: %v", name, err)
		}
		if len(got.Data) != len(docs) || got.NextToken != "" {
			t.Fatalf("%s List: %d documents, next %q; want %d, none", name, len(got.Data), got.NextToken, len(docs))
		}
		if want != nil {
			if diff := cmp.Diff(want, got.Data, ignoreRaw); diff != "" {
				t.Errorf("%s documents (-want +got):\n%s", name, diff)
			}
		}
		if s.Name() != name {
			t.Errorf("Name() = %q, want %q", s.Name(), name)
		}
		if _, ok := s.Day(nil); ok {
			t.Errorf("%s Day(nil) reports a day", name)
		}
		for i := range got.Data {
			day, ok := s.Day(&got.Data[i])
			if ok != dated || dated && (day.Before(lo.StartDate) || day.After(lo.EndDate)) || !dated && !day.IsZero() {
				t.Errorf("%s document %d: Day() = %s, %t; want a day in [%s, %s] exactly when dated (%t)", name, i, day, ok, lo.StartDate, lo.EndDate, dated)
			}
			if diff := cmp.Diff(string(docs[i]), string(rawOf(&got.Data[i]))); diff != "" {
				t.Errorf("%s document %d raw JSON (-want +got):\n%s", name, i, diff)
			}
			enc, err := json.Marshal(&got.Data[i])
			if err != nil {
				t.Fatal(err)
			}
			jsonEqual(t, docs[i], enc)
		}
		one, _, err := s.Get(t.Context(), "doc/1")
		if err != nil {
			t.Fatalf("%s Get: %v", name, err)
		}
		if diff := cmp.Diff(got.Data[0], *one); diff != "" {
			t.Errorf("%s Get (-want +got):\n%s", name, diff)
		}
	}
}

func tm(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestDocumentRoutes(t *testing.T) {
	t.Parallel()
	mar10 := civil.D(2024, 3, 10)
	t.Run("daily_activity", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[DailyActivity] { return c.DailyActivity }, "daily_activity", true, []DailyActivity{{
			ID: "8f9a5221-639e-4a85-81cb-4065ef23f979", Day: mar10, Timestamp: tm("2024-03-10T04:00:00-07:00"), Score: ptr(82),
			ActiveCalories: 521, TotalCalories: 2712, TargetCalories: 450, Steps: 11862, EquivalentWalkingDistance: 9322,
			HighActivityTime: 300, MediumActivityTime: 2460, LowActivityTime: 15120, SedentaryTime: 34200, RestingTime: 28800, NonWearTime: 1800,
			HighActivityMETMinutes: 12, MediumActivityMETMinutes: 95, LowActivityMETMinutes: 210, SedentaryMETMinutes: 9, AverageMETMinutes: 1.40625,
			MetersToTarget: -1200, TargetMeters: 8000,
			MET:          Sample{Interval: 60, Items: []*float64{ptr(0.9), ptr(1.1), nil, ptr(3.5)}, Timestamp: tm("2024-03-10T04:00:00-07:00")},
			Class5Min:    ptr("0000011112223332221110000"),
			Contributors: ActivityContributors{MeetDailyTargets: ptr(43), MoveEveryHour: ptr(100), RecoveryTime: ptr(100), StayActive: ptr(98), TrainingFrequency: ptr(71), TrainingVolume: ptr(98)},
		}})
	})
	t.Run("daily_cardiovascular_age", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[DailyCardiovascularAge] { return c.DailyCardiovascularAge }, "daily_cardiovascular_age", true, []DailyCardiovascularAge{
			{ID: "c1a7f0b2-0d2d-4c1e-9b53-52e1b8f6a111", Day: mar10, PulseWaveVelocity: ptr(7.21), VascularAge: ptr(38)},
			{ID: "c1a7f0b2-0d2d-4c1e-9b53-52e1b8f6a112", Day: civil.D(2024, 3, 11)},
		})
	})
	t.Run("daily_readiness", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[DailyReadiness] { return c.DailyReadiness }, "daily_readiness", true, []DailyReadiness{{
			ID: "a2b3c4d5-1111-4d2b-8c3a-9f7e6d5c4b3a", Day: mar10, Timestamp: tm("2024-03-10T00:00:00-07:00"), Score: ptr(84),
			TemperatureDeviation: ptr(-0.13), TemperatureTrendDeviation: ptr(0.05),
			Contributors: ReadinessContributors{ActivityBalance: ptr(88), BodyTemperature: ptr(100), HRVBalance: ptr(74), PreviousDayActivity: ptr(91),
				PreviousNight: ptr(67), RecoveryIndex: ptr(100), RestingHeartRate: ptr(95), SleepBalance: ptr(83)},
		}})
	})
	t.Run("daily_resilience", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[DailyResilience] { return c.DailyResilience }, "daily_resilience", true, []DailyResilience{{
			ID: "r1e2s3i4-5555-4c3b-a2b1-0f9e8d7c6b5a", Day: mar10, Level: ResilienceSolid,
			Contributors: ResilienceContributors{SleepRecovery: 71.5, DaytimeRecovery: 38.2, Stress: 44},
		}})
	})
	t.Run("daily_sleep", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[DailySleep] { return c.DailySleep }, "daily_sleep", true, []DailySleep{{
			ID: "d5s6l7p8-2222-4e5f-9a8b-7c6d5e4f3a2b", Day: mar10, Timestamp: tm("2024-03-10T00:00:00-07:00"), Score: ptr(86),
			Contributors: SleepContributors{DeepSleep: ptr(99), Efficiency: ptr(92), Latency: ptr(80), REMSleep: ptr(74), Restfulness: ptr(68), Timing: ptr(96), TotalSleep: ptr(85)},
		}})
	})
	t.Run("daily_spo2", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[DailySpO2] { return c.DailySpO2 }, "daily_spo2", true, []DailySpO2{
			{ID: "s1p2o3-3333-4a5b-8c7d-6e5f4a3b2c1d", Day: mar10, SpO2Percentage: &SpO2Percentage{Average: 96.875}, BreathingDisturbanceIndex: ptr(4)},
			{ID: "s1p2o3-3333-4a5b-8c7d-6e5f4a3b2c1e", Day: civil.D(2024, 3, 11)},
		})
	})
	t.Run("daily_stress", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[DailyStress] { return c.DailyStress }, "daily_stress", true, []DailyStress{
			{ID: "st1-4444-4b6c-9d8e-7f6a5b4c3d2e", Day: mar10, StressHigh: ptr(5400), RecoveryHigh: ptr(9000), DaySummary: ptr(StressSummaryRestored)},
			{ID: "st1-4444-4b6c-9d8e-7f6a5b4c3d2f", Day: civil.D(2024, 3, 11)},
		})
	})
	t.Run("enhanced_tag", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[EnhancedTag] { return c.EnhancedTag }, "enhanced_tag", true, []EnhancedTag{
			{ID: "et1-5555-4c7d-8e9f-0a1b2c3d4e5f", TagTypeCode: ptr("tag_generic_caffeine"), StartTime: LocalDateTime{Date: mar10, Hour: 8, Minute: 15},
				StartDay: mar10, Comment: ptr("double espresso")},
			{ID: "et1-5555-4c7d-8e9f-0a1b2c3d4e60", TagTypeCode: ptr("custom"), StartTime: LocalDateTime{Date: mar10, Hour: 22, Minute: 30},
				EndTime:  &LocalDateTime{Date: civil.D(2024, 3, 11), Hour: 6, Minute: 45, Second: 30, Nano: 500_000_000},
				StartDay: mar10, EndDay: ptr(civil.D(2024, 3, 11)), CustomName: ptr("sauna night")},
		})
	})
	t.Run("rest_mode_period", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[RestModePeriod] { return c.RestModePeriod }, "rest_mode_period", true, []RestModePeriod{
			{ID: "rm1-6666-4d8e-9f0a-1b2c3d4e5f6a", StartDay: mar10, EndDay: ptr(civil.D(2024, 3, 12)),
				StartTime: ptr(tm("2024-03-10T09:30:00-07:00")), EndTime: ptr(tm("2024-03-12T09:00:00-07:00")),
				Episodes: []RestModeEpisode{{Tags: []string{"tag_generic_fever"}, Timestamp: tm("2024-03-10T10:00:00-07:00")}, {Tags: []string{}, Timestamp: tm("2024-03-11T10:00:00-07:00")}}},
			{ID: "rm1-6666-4d8e-9f0a-1b2c3d4e5f6b", StartDay: civil.D(2024, 3, 11), Episodes: []RestModeEpisode{}},
		})
	})
	t.Run("ring_configuration", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[RingConfiguration] { return c.RingConfiguration }, "ring_configuration", false, []RingConfiguration{
			{ID: "rc1-7777-4e9f-0a1b-2c3d4e5f6a7b", Color: ptr(RingColorStealthBlack), Design: ptr(RingDesignHeritage), FirmwareVersion: ptr("2.9.21"),
				HardwareType: ptr(RingHardwareGen3), SetUpAt: ptr(tm("2023-05-01T12:00:00+00:00")), Size: ptr(9)},
			// Values this package does not know decode and are kept.
			{ID: "rc1-7777-4e9f-0a1b-2c3d4e5f6a7c", Color: ptr(RingColor("aurora_blue")), HardwareType: ptr(RingHardwareType("gen5"))},
		})
	})
	t.Run("session", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[Session] { return c.Session }, "session", true, []Session{{
			ID: "se1-8888-4f0a-1b2c-3d4e5f6a7b8c", Day: mar10, Type: SessionTypeMeditation,
			StartDatetime: tm("2024-03-10T13:00:00-07:00"), EndDatetime: tm("2024-03-10T13:20:00-07:00"), Mood: ptr(SessionMoodGood),
			HeartRate:   &Sample{Interval: 5, Items: []*float64{ptr(62.0), ptr(61.0), nil, ptr(59.0)}, Timestamp: tm("2024-03-10T13:00:00-07:00")},
			MotionCount: &Sample{Interval: 5, Items: []*float64{ptr(0.0), ptr(1.0), ptr(0.0), ptr(0.0)}, Timestamp: tm("2024-03-10T13:00:00-07:00")},
		}})
	})
	t.Run("sleep", func(t *testing.T) {
		t.Parallel()
		start := tm("2024-03-09T23:01:03-08:00")
		testDocumentRoute(t, func(c *Client) *DocumentService[Sleep] { return c.Sleep }, "sleep", true, []Sleep{
			{
				ID: "sl1-9999-4a1b-2c3d-4e5f6a7b8c9d", Day: mar10, Type: ptr(SleepTypeLongSleep), Period: 0,
				BedtimeStart: start, BedtimeEnd: tm("2024-03-10T07:12:33-07:00"), TimeInBed: 26490,
				TotalSleepDuration: ptr(23310), DeepSleepDuration: ptr(5220), LightSleepDuration: ptr(12060), REMSleepDuration: ptr(6030),
				AwakeTime: ptr(2130), Latency: ptr(540), Efficiency: ptr(91), AverageHeartRate: ptr(52.25), LowestHeartRate: ptr(47),
				AverageHRV: ptr(48), AverageBreath: ptr(14.875),
				HeartRate:      &Sample{Interval: 300, Items: []*float64{ptr(58.0), nil, ptr(51.0), ptr(49.0)}, Timestamp: start},
				HRV:            &Sample{Interval: 300, Items: []*float64{nil, ptr(44.0), ptr(52.0), ptr(61.0)}, Timestamp: start},
				SleepPhase5Min: ptr("4422211233"), AppSleepPhase5Min: ptr("4422211233"), Movement30Sec: ptr("1112111"),
				RestlessPeriods: ptr(212),
				Readiness: &Readiness{Score: ptr(84), TemperatureDeviation: ptr(-0.13), TemperatureTrendDeviation: ptr(0.05),
					Contributors: ReadinessContributors{ActivityBalance: ptr(88), BodyTemperature: ptr(100), HRVBalance: ptr(74), PreviousDayActivity: ptr(91),
						PreviousNight: ptr(67), RecoveryIndex: ptr(100), RestingHeartRate: ptr(95), SleepBalance: ptr(83), SleepRegularity: ptr(90)}},
				ReadinessScoreDelta: ptr(1), SleepAlgorithm: ptr(SleepAlgorithmV2), SleepAnalysisReason: ptr(SleepAnalysisForeground),
				RingID: ptr("rc1-7777-4e9f-0a1b-2c3d4e5f6a7b"),
			},
			{
				ID: "sl1-9999-4a1b-2c3d-4e5f6a7b8c9e", Day: mar10, Type: ptr(SleepTypeDeleted), Period: 1,
				BedtimeStart: tm("2024-03-10T15:05:00-07:00"), BedtimeEnd: tm("2024-03-10T15:40:00-07:00"), TimeInBed: 2100, LowBatteryAlert: true,
			},
		})
	})
	t.Run("sleep_time", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[SleepTime] { return c.SleepTime }, "sleep_time", true, []SleepTime{
			{ID: "stm1-aaaa-4b2c-3d4e-5f6a7b8c9d0e", Day: mar10, OptimalBedtime: &SleepTimeWindow{DayTZ: -25200, StartOffset: -5400, EndOffset: -1800},
				Recommendation: ptr(SleepTimeFollowOptimalBedime), Status: ptr(SleepTimeOptimalFound)},
			{ID: "stm1-aaaa-4b2c-3d4e-5f6a7b8c9d0f", Day: civil.D(2024, 3, 11), Status: ptr(SleepTimeNotEnoughNights)},
		})
	})
	t.Run("tag", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[Tag] { return c.Tag }, "tag", true, []Tag{
			{ID: "tg1-bbbb-4c3d-4e5f-6a7b8c9d0e1f", Day: mar10, Text: ptr("late dinner"), Timestamp: LocalDateTime{Date: mar10, Hour: 21, Minute: 45},
				Tags: []string{"tag_generic_late_meal", "tag_generic_alcohol"}},
			{ID: "tg1-bbbb-4c3d-4e5f-6a7b8c9d0e20", Day: mar10, Timestamp: LocalDateTime{Date: mar10, Hour: 6, Offset: ptr(3600)}, Tags: []string{}},
		})
	})
	t.Run("vO2_max", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[VO2Max] { return c.VO2Max }, "vO2_max", true, []VO2Max{
			{ID: "vo1-cccc-4d4e-5f6a-7b8c9d0e1f2a", Day: mar10, Timestamp: tm("2024-03-10T07:30:00-07:00"), VO2Max: 44},
		})
	})
	t.Run("workout", func(t *testing.T) {
		t.Parallel()
		testDocumentRoute(t, func(c *Client) *DocumentService[Workout] { return c.Workout }, "workout", true, []Workout{
			{ID: "wo1-dddd-4e5f-6a7b-8c9d0e1f2a3b", Day: mar10, Activity: "cycling", Intensity: WorkoutIntensityModerate, Source: WorkoutSourceAutodetected,
				StartDatetime: tm("2024-03-10T17:02:00-07:00"), EndDatetime: tm("2024-03-10T18:05:00-07:00"), Calories: ptr(412.5), Distance: ptr(18250.0)},
			{ID: "wo1-dddd-4e5f-6a7b-8c9d0e1f2a3c", Day: mar10, Activity: "strength_training", Intensity: WorkoutIntensityHard, Source: WorkoutSourceLiveOuraHeartRate,
				StartDatetime: tm("2024-03-10T19:00:00-07:00"), EndDatetime: tm("2024-03-10T20:00:00-07:00"), Label: ptr("legs")},
		})
	})
}

// testTimeSeriesRoute drives List of a time series in both modes.
func testTimeSeriesRoute[T any](t *testing.T, svc func(*Client) *TimeSeriesService[T], name string, want []T) {
	t.Helper()
	page := mustRead(t, name+".json")
	for _, sandbox := range []bool{false, true} {
		var opts []Option
		prefix := "/v2/usercollection/"
		if sandbox {
			opts = append(opts, WithSandbox())
			prefix = "/v2/sandbox/usercollection/"
		}
		b := setup(t, opts...)
		b.mux.HandleFunc(prefix+name, func(w http.ResponseWriter, r *http.Request) {
			testMethod(t, r, http.MethodGet)
			testQuery(t, r, url.Values{"start_datetime": {"2024-03-10T12:00:00Z"}, "end_datetime": {"2024-03-10T13:00:00Z"}})
			writeJSON(w, http.StatusOK, string(page))
		})
		s := svc(b.client)
		if got := s.Route(); got != prefix+name {
			t.Errorf("Route() = %q", got)
		}
		// The range is given in another zone: it is sent, and comes back, in UTC.
		pdt := time.FixedZone("PDT", -7*3600)
		got, _, err := s.List(t.Context(), &TimeSeriesOptions{Start: time.Date(2024, 3, 10, 5, 0, 0, 0, pdt), End: time.Date(2024, 3, 10, 6, 0, 0, 0, pdt)})
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got.Data); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
		// Sample timestamps are in UTC, not a zero offset of another name.
		for i := range got.Data {
			ts := reflect.ValueOf(got.Data[i]).FieldByName("Timestamp").Interface().(time.Time)
			if ts.Location() != time.UTC {
				t.Errorf("sample %d location = %v, want UTC", i, ts.Location())
			}
		}
		raw := rawDocs(t, page)
		for i := range got.Data {
			enc, _ := json.Marshal(got.Data[i])
			jsonEqual(t, raw[i], enc)
		}
	}
}

func TestTimeSeriesRoutes(t *testing.T) {
	t.Parallel()
	t.Run("heartrate", func(t *testing.T) {
		t.Parallel()
		testTimeSeriesRoute(t, func(c *Client) *TimeSeriesService[HeartRate] { return c.HeartRate }, "heartrate", []HeartRate{
			{Timestamp: tm("2024-03-10T12:00:00Z"), TimestampUnix: 1710072000000, BPM: 61, Source: HeartRateSourceAwake},
			{Timestamp: tm("2024-03-10T12:05:00Z"), TimestampUnix: 1710072300000, BPM: 58, Source: HeartRateSourceRest},
			{Timestamp: tm("2024-03-10T12:10:00Z"), TimestampUnix: 1710072600000, BPM: 49, Source: HeartRateSourceSleep},
			{Timestamp: tm("2024-03-10T12:15:00Z"), TimestampUnix: 1710072900000, BPM: 132, Source: HeartRateSource("live_workout_v2")},
		})
	})
	t.Run("ring_battery_level", func(t *testing.T) {
		t.Parallel()
		testTimeSeriesRoute(t, func(c *Client) *TimeSeriesService[RingBatteryLevel] { return c.RingBatteryLevel }, "ring_battery_level", []RingBatteryLevel{
			{Timestamp: tm("2024-03-10T12:00:00Z"), TimestampUnix: 1710072000000, Level: 87, Charging: ptr(false), InCharger: ptr(false)},
			{Timestamp: tm("2024-03-10T12:30:00Z"), TimestampUnix: 1710073800000, Level: 90},
		})
	})
}

func TestGet_NotFound(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mux.HandleFunc("/v2/usercollection/sleep/{id}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, `{"detail":"Document not found"}`)
	})
	got, resp, err := b.client.Sleep.Get(t.Context(), "gone")
	if !errors.Is(err, ErrNotFound) || got != nil || resp == nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("Get = %v, %v, %v; want ErrNotFound with the response", got, resp, err)
	}
	if len(b.waits()) != 0 {
		t.Errorf("404 was retried: %v", b.waits())
	}
}

func TestGet_BadID(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for _, id := range []string{"", ".", ".."} {
		var pe *ParamError
		if _, _, err := b.client.Sleep.Get(t.Context(), id); !errors.As(err, &pe) || pe.Param != "id" {
			t.Errorf("Get(%q): err = %v, want ParamError id", id, err)
		}
	}
}

func TestListOptions_Validation(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tests := []struct {
		name  string
		call  func() error
		param string
	}{
		{"end before start", func() error {
			_, _, err := b.client.Sleep.List(t.Context(), &ListOptions{StartDate: civil.D(2024, 3, 10), EndDate: civil.D(2024, 3, 9)})
			return err
		}, "EndDate"},
		{"invalid start", func() error {
			_, _, err := b.client.Sleep.List(t.Context(), &ListOptions{StartDate: civil.D(2024, 2, 30)})
			return err
		}, "StartDate"},
		{"invalid end", func() error {
			_, _, err := b.client.Sleep.List(t.Context(), &ListOptions{EndDate: civil.D(2024, 13, 1)})
			return err
		}, "EndDate"},
		{"end at the last day", func() error {
			_, _, err := b.client.Sleep.List(t.Context(), &ListOptions{EndDate: civil.D(9999, 12, 31)})
			return err
		}, "EndDate"},
		{"dates on ring configuration", func() error {
			_, _, err := b.client.RingConfiguration.List(t.Context(), &ListOptions{StartDate: civil.D(2024, 3, 10)})
			return err
		}, "StartDate"},
		{"unknown field", func() error {
			_, _, err := b.client.Sleep.List(t.Context(), &ListOptions{Fields: []string{"day", "nope"}})
			return err
		}, "Fields"},
		{"unknown series field", func() error {
			_, _, err := b.client.HeartRate.List(t.Context(), &TimeSeriesOptions{Fields: []string{"Raw"}})
			return err
		}, "Fields"},
		{"series over 30 days", func() error {
			s := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			_, _, err := b.client.HeartRate.List(t.Context(), &TimeSeriesOptions{Start: s, End: s.Add(MaxTimeSeriesWindow + time.Second)})
			return err
		}, "End"},
		{"series end before start", func() error {
			s := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
			_, _, err := b.client.HeartRate.List(t.Context(), &TimeSeriesOptions{Start: s, End: s.Add(-time.Second)})
			return err
		}, "End"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pe *ParamError
			if err := tt.call(); !errors.As(err, &pe) || pe.Param != tt.param {
				t.Errorf("err = %v, want ParamError %s", err, tt.param)
			}
		})
	}
}

func TestList_FieldsAndToken(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mux.HandleFunc("/v2/usercollection/daily_sleep", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"fields": {"day,score"}, "next_token": {"tok-2"}})
		writeJSON(w, http.StatusOK, `{"data":[{"id":"a","day":"2024-03-10","score":80}],"next_token":"tok-3"}`)
	})
	b.mux.HandleFunc("/v2/usercollection/heartrate", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"fields": {"bpm,timestamp"}, "latest": {"true"}, "next_token": {"hr-2"}})
		writeJSON(w, http.StatusOK, `{"data":[{"bpm":60,"timestamp":"2020-01-01T00:00:00+00:00","timestamp_unix":1577836800000,"source":"awake"}]}`)
	})
	page, _, err := b.client.DailySleep.List(t.Context(), &ListOptions{Fields: []string{"day", "score"}, NextToken: "tok-2"})
	if err != nil {
		t.Fatal(err)
	}
	want := &Page[DailySleep]{Data: []DailySleep{{ID: "a", Day: civil.D(2024, 3, 10), Score: ptr(80)}}, NextToken: "tok-3"}
	if diff := cmp.Diff(want, page, ignoreRaw); diff != "" {
		t.Errorf("page (-want +got):\n%s", diff)
	}
	hr, _, err := b.client.HeartRate.List(t.Context(), &TimeSeriesOptions{Fields: []string{"bpm", "timestamp"}, Latest: true, NextToken: "hr-2"})
	if err != nil {
		t.Fatal(err)
	}
	if len(hr.Data) != 1 || hr.Data[0].BPM != 60 || hr.NextToken != "" {
		t.Errorf("latest page = %+v", hr)
	}
}

func TestList_ExactInclusiveDays(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Oura answers the padded range with documents on both sides of it.
	b.mux.HandleFunc("/v2/usercollection/daily_readiness", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"start_date": {"2024-03-09"}, "end_date": {"2024-03-13"}})
		writeJSON(w, http.StatusOK, `{"data":[
			{"id":"d09","day":"2024-03-09","contributors":{},"timestamp":"2024-03-09T04:00:00-08:00"},
			{"id":"d10","day":"2024-03-10","contributors":{},"timestamp":"2024-03-10T04:00:00-07:00"},
			{"id":"d12","day":"2024-03-12","contributors":{},"timestamp":"2024-03-12T04:00:00-07:00"},
			{"id":"d13","day":"2024-03-13","contributors":{},"timestamp":"2024-03-13T04:00:00-07:00"}],"next_token":null}`)
	})
	b.mux.HandleFunc("/v2/usercollection/enhanced_tag", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"data":[
			{"id":"t1","start_day":"2024-03-09","start_time":"2024-03-09T10:00:00"},
			{"id":"t2","start_day":"2024-03-12","start_time":"2024-03-12T10:00:00"}],"next_token":null}`)
	})
	page, _, err := b.client.DailyReadiness.List(t.Context(), &ListOptions{StartDate: civil.D(2024, 3, 10), EndDate: civil.D(2024, 3, 12)})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, d := range page.Data {
		ids = append(ids, d.ID)
	}
	if diff := cmp.Diff([]string{"d10", "d12"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	tags, _, err := b.client.EnhancedTag.List(t.Context(), &ListOptions{StartDate: civil.D(2024, 3, 10), EndDate: civil.D(2024, 3, 12)})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Data) != 1 || tags.Data[0].ID != "t2" {
		t.Errorf("enhanced tags filtered on start_day: %+v", tags.Data)
	}
	// Only the end given: only the end filters.
	b.mux.HandleFunc("/v2/usercollection/daily_sleep", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"end_date": {"2024-03-11"}})
		writeJSON(w, http.StatusOK, `{"data":[{"id":"a","day":"2020-01-01"},{"id":"b","day":"2024-03-11"}],"next_token":null}`)
	})
	ds, _, err := b.client.DailySleep.List(t.Context(), &ListOptions{EndDate: civil.D(2024, 3, 10)})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a"}, []string{ds.Data[0].ID}, cmpopts.EquateEmpty()); diff != "" || len(ds.Data) != 1 {
		t.Errorf("end-only filter kept %+v", ds.Data)
	}
}
