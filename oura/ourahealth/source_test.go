package ourahealth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"golang.org/x/oauth2"

	"github.com/lifeops/lifeops/lifeops"
	"github.com/lifeops/lifeops/lifeops/civil"
	"github.com/lifeops/lifeops/lifeops/memstore"
	"github.com/lifeops/lifeops/oura"
	"github.com/lifeops/lifeops/oura/ourahealth"
	"github.com/lifeops/lifeops/oura/ouratest"
)

var serverNow = time.Date(2024, 4, 20, 12, 0, 0, 0, time.UTC)

// healthBundle is a fake Oura, a memstore with one user connected to it,
// and the adapter.
type healthBundle struct {
	srv    *ouratest.Server
	store  *memstore.Store
	source *ourahealth.Source
	user   uuid.UUID
}

func newHealth(t *testing.T, withOAuth bool, opts ...ouratest.Option) *healthBundle {
	t.Helper()
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	srv := ouratest.Start(t, append([]ouratest.Option{
		ouratest.WithTime(serverNow),
		ouratest.WithUser(ouratest.User{ID: "oura-u1", Token: "static-tok", Location: ny}),
		ouratest.WithPageSize(4), ouratest.WithSamplePageSize(100),
	}, opts...)...)
	st := memstore.New()
	hb := &healthBundle{srv: srv, store: st, user: uuid.New()}
	ctx := t.Context()
	if err := st.CreateUser(ctx, lifeops.User{ID: hb.user, Name: "Ann", Zone: "America/New_York", DayStartHour: 4,
		WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23}, CreatedAt: serverNow, UpdatedAt: serverNow}); err != nil {
		t.Fatal(err)
	}
	cfg := ourahealth.Config{
		Credentials: st,
		ClientOptions: []oura.Option{oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client()),
			oura.WithRetryPolicy(oura.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond})},
		Now: srv.Now,
		// A refresh token Oura refuses is reported once the store has not
		// changed for this long; no other process shares these stores.
		ReloadWait: 20 * time.Millisecond,
	}
	cred := lifeops.Credential{UserID: hb.user, Provider: lifeops.ProviderOura, ExternalID: "oura-u1", AccessToken: lifeops.NewSecret("static-tok"), UpdatedAt: serverNow}
	if withOAuth {
		tok, err := srv.IssueToken("oura-u1")
		if err != nil {
			t.Fatal(err)
		}
		cred.AccessToken, cred.RefreshToken, cred.Expiry = lifeops.NewSecret(tok.AccessToken), lifeops.NewSecret(tok.RefreshToken), tok.Expiry
		cfg.OAuth = &oura.OAuthConfig{ClientID: ouratest.DefaultClientID, ClientSecret: oura.NewSecret(ouratest.DefaultClientSecret), HTTPClient: srv.Client(), Now: srv.Now,
			Endpoint: oauth2.Endpoint{AuthURL: srv.URL + "/oauth/authorize", TokenURL: srv.URL + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams}}
	}
	if err := st.PutCredential(ctx, cred); err != nil {
		t.Fatal(err)
	}
	hb.source, err = ourahealth.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return hb
}

func (hb *healthBundle) client(t *testing.T) *oura.Client {
	c, err := oura.NewClient(oura.WithBaseURL(hb.srv.URL), oura.WithHTTPClient(hb.srv.Client()), oura.WithTokenSource(oura.StaticToken("static-tok")))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSource_Kinds(t *testing.T) {
	t.Parallel()
	hb := newHealth(t, false)
	if diff := cmp.Diff(lifeops.DayKinds(), hb.source.Kinds()); diff != "" {
		t.Errorf("Kinds (-want +got):\n%s", diff)
	}
	var pe *oura.ParamError
	if _, err := ourahealth.New(ourahealth.Config{}); !errors.As(err, &pe) || pe.Param != "Credentials" {
		t.Errorf("no credentials: err = %v", err)
	}
	if _, err := ourahealth.New(ourahealth.Config{Credentials: memstore.New(), ClientOptions: []oura.Option{oura.WithBaseURL("nope")}}); !errors.As(err, &pe) {
		t.Errorf("bad client option: err = %v", err)
	}
}

// TestSource_DailyKinds checks each daily kind against the documents
// the client reads directly.
func TestSource_DailyKinds(t *testing.T) {
	t.Parallel()
	hb := newHealth(t, false)
	ctx := t.Context()
	c := hb.client(t)
	from, to := civil.D(2024, 3, 5), civil.D(2024, 3, 14)
	opts := &oura.ListOptions{StartDate: from, EndDate: to}

	var wantSleep, wantReady, wantAct []lifeops.HealthDay
	var wantDocs = map[lifeops.DataKind][]string{}
	for d, err := range c.DailySleep.All(ctx, opts) {
		if err != nil {
			t.Fatal(err)
		}
		wantDocs[lifeops.KindDailySleep] = append(wantDocs[lifeops.KindDailySleep], d.ID+" "+string(d.Raw))
		if d.Score != nil {
			wantSleep = append(wantSleep, lifeops.HealthDay{Date: d.Day, Source: "oura", Sleep: &lifeops.ProviderScore{Value: *d.Score, Contributors: contributors(d.Contributors.DeepSleep, "deep_sleep",
				d.Contributors.Efficiency, "efficiency", d.Contributors.Latency, "latency", d.Contributors.REMSleep, "rem_sleep", d.Contributors.Restfulness, "restfulness",
				d.Contributors.Timing, "timing", d.Contributors.TotalSleep, "total_sleep")}})
		}
	}
	for d, err := range c.DailyReadiness.All(ctx, opts) {
		if err != nil {
			t.Fatal(err)
		}
		wantDocs[lifeops.KindDailyReadiness] = append(wantDocs[lifeops.KindDailyReadiness], d.ID+" "+string(d.Raw))
		if d.Score != nil {
			k := d.Contributors
			wantReady = append(wantReady, lifeops.HealthDay{Date: d.Day, Source: "oura", Readiness: &lifeops.ProviderScore{Value: *d.Score, Contributors: contributors(
				k.ActivityBalance, "activity_balance", k.BodyTemperature, "body_temperature", k.HRVBalance, "hrv_balance", k.PreviousDayActivity, "previous_day_activity",
				k.PreviousNight, "previous_night", k.RecoveryIndex, "recovery_index", k.RestingHeartRate, "resting_heart_rate", k.SleepBalance, "sleep_balance",
				k.SleepRegularity, "sleep_regularity")}})
		}
	}
	for d, err := range c.DailyActivity.All(ctx, opts) {
		if err != nil {
			t.Fatal(err)
		}
		wantDocs[lifeops.KindDailyActivity] = append(wantDocs[lifeops.KindDailyActivity], d.ID+" "+string(d.Raw))
		var act *lifeops.ProviderScore
		if d.Score != nil {
			k := d.Contributors
			act = &lifeops.ProviderScore{Value: *d.Score, Contributors: contributors(k.MeetDailyTargets, "meet_daily_targets", k.MoveEveryHour, "move_every_hour",
				k.RecoveryTime, "recovery_time", k.StayActive, "stay_active", k.TrainingFrequency, "training_frequency", k.TrainingVolume, "training_volume")}
		}
		wantAct = append(wantAct, lifeops.HealthDay{Date: d.Day, Source: "oura", Activity: act, Steps: ptr(d.Steps)})
	}
	for kind, want := range map[lifeops.DataKind][]lifeops.HealthDay{lifeops.KindDailySleep: wantSleep, lifeops.KindDailyReadiness: wantReady, lifeops.KindDailyActivity: wantAct} {
		batch, err := hb.source.Days(ctx, hb.user, kind, from, to)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if len(want) < 8 {
			t.Fatalf("%s: only %d days to compare", kind, len(want))
		}
		if diff := cmp.Diff(want, batch.Days); diff != "" {
			t.Errorf("%s days (-want +got):\n%s", kind, diff)
		}
		var docs []string
		for _, d := range batch.Documents {
			if d.Provider != "oura" || d.Kind != string(kind) || d.Date.Before(from) || d.Date.After(to) || d.Deleted {
				t.Errorf("%s document %+v", kind, d)
			}
			docs = append(docs, d.ID+" "+string(d.Data))
		}
		if diff := cmp.Diff(wantDocs[kind], docs); diff != "" {
			t.Errorf("%s documents (-want +got):\n%s", kind, diff)
		}
		// The walk lists every document of the range, so one missing
		// from a later walk was deleted at Oura.
		// Every day says at which offset Oura recorded it, from its
		// documents' timestamps.
		for _, d := range batch.Days {
			if _, ok := batch.Offsets[d.Date]; !ok {
				t.Errorf("%s %s: no offset recorded", kind, d.Date)
			}
		}
		if batch.Provider != "oura" || !slices.Equal(batch.Complete, []string{string(kind)}) {
			t.Errorf("%s batch says it is complete for %q of %q, want the kind's collection of oura", kind, batch.Complete, batch.Provider)
		}
	}
}

func contributors(kv ...any) map[string]int {
	m := map[string]int{}
	for i := 0; i < len(kv); i += 2 {
		if p := kv[i].(*int); p != nil {
			m[kv[i+1].(string)] = *p
		}
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

func ptr[T any](v T) *T { return &v }

// TestSource_MainSleep uses hand-written sleep periods: several a day,
// a deleted main sleep, naps only, two long sleeps.
func TestSource_MainSleep(t *testing.T) {
	t.Parallel()
	period := func(id, day, typ, start, end string, total int) string {
		return fmt.Sprintf(`{"id":%q,"day":%q,"type":%q,"period":0,"bedtime_start":%q,"bedtime_end":%q,"time_in_bed":%d,"total_sleep_duration":%d,
			"efficiency":90,"lowest_heart_rate":48,"average_hrv":55,"low_battery_alert":false}`, id, day, typ, start, end, total+600, total)
	}
	docs := []string{
		// The 10th: a night and a nap.
		period("n10", "2024-03-10", "long_sleep", "2024-03-09T23:10:00-05:00", "2024-03-10T07:05:00-04:00", 25000),
		period("nap10", "2024-03-10", "sleep", "2024-03-10T14:00:00-04:00", "2024-03-10T14:40:00-04:00", 2000),
		// The 11th: the night was deleted, a rest is left.
		period("n11", "2024-03-11", "deleted", "2024-03-10T23:00:00-04:00", "2024-03-11T06:30:00-04:00", 24000),
		period("rest11", "2024-03-11", "rest", "2024-03-11T13:00:00-04:00", "2024-03-11T13:30:00-04:00", 0),
		// The 12th: two long sleeps (a broken night); the longer is the main one.
		period("a12", "2024-03-12", "long_sleep", "2024-03-11T22:00:00-04:00", "2024-03-12T01:30:00-04:00", 11000),
		period("b12", "2024-03-12", "long_sleep", "2024-03-12T02:15:00-04:00", "2024-03-12T07:45:00-04:00", 18000),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v2/usercollection/sleep", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[%s],"next_token":null}`, strings.Join(docs, ","))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	st := memstore.New()
	user := uuid.New()
	ctx := t.Context()
	if err := st.CreateUser(ctx, lifeops.User{ID: user, Name: "Bo", Zone: "America/New_York", DayStartHour: 4, WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23}}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutCredential(ctx, lifeops.Credential{UserID: user, Provider: "oura", AccessToken: lifeops.NewSecret("t")}); err != nil {
		t.Fatal(err)
	}
	src, err := ourahealth.New(ourahealth.Config{Credentials: st, ClientOptions: []oura.Option{oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client())}})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := src.Days(ctx, user, lifeops.KindSleep, civil.D(2024, 3, 10), civil.D(2024, 3, 12))
	if err != nil {
		t.Fatal(err)
	}
	day := func(d civil.Date, total int, bed, wake string) lifeops.HealthDay {
		b, w := tmust(bed), tmust(wake)
		return lifeops.HealthDay{Date: d, Source: "oura", TotalSleepSeconds: ptr(total), Efficiency: ptr(90), RestingHeartRate: ptr(48), HRV: ptr(55), Bedtime: &b, WakeTime: &w}
	}
	want := []lifeops.HealthDay{
		day(civil.D(2024, 3, 10), 25000, "2024-03-09T23:10:00-05:00", "2024-03-10T07:05:00-04:00"),
		day(civil.D(2024, 3, 12), 18000, "2024-03-12T02:15:00-04:00", "2024-03-12T07:45:00-04:00"),
	}
	if diff := cmp.Diff(want, batch.Days, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("days (-want +got):\n%s", diff)
	}
	var got []string
	for _, d := range batch.Documents {
		got = append(got, fmt.Sprintf("%s %s deleted=%t", d.ID, d.Date, d.Deleted))
		if d.Kind != "sleep" || !strings.Contains(string(d.Data), d.ID) {
			t.Errorf("document %+v", d)
		}
	}
	wantDocs := []string{"n10 2024-03-10 deleted=false", "nap10 2024-03-10 deleted=false", "n11 2024-03-11 deleted=true",
		"rest11 2024-03-11 deleted=false", "a12 2024-03-12 deleted=false", "b12 2024-03-12 deleted=false"}
	if diff := cmp.Diff(wantDocs, got); diff != "" {
		t.Errorf("documents (-want +got):\n%s", diff)
	}
	// The local offsets of bedtime and wake time are kept.
	if _, off := batch.Days[0].Bedtime.Zone(); off != -5*3600 {
		t.Errorf("bedtime offset %d", off)
	}
}

// TestSource_MainSleepUsesTheLatestVersion: a period revised while
// the pages are walked comes twice; its later version decides, so a night
// deleted in the meantime is not the main sleep. A period whose wake time
// is not after its bedtime gives no bedtime or wake time, rather than a day
// the Service must refuse.
func TestSource_MainSleepUsesTheLatestVersion(t *testing.T) {
	t.Parallel()
	period := func(id, day, typ, start, end string, total int) string {
		return fmt.Sprintf(`{"id":%q,"day":%q,"type":%q,"period":0,"bedtime_start":%q,"bedtime_end":%q,"time_in_bed":%d,"total_sleep_duration":%d,
			"efficiency":90,"lowest_heart_rate":48,"average_hrv":55,"low_battery_alert":false}`, id, day, typ, start, end, total+600, total)
	}
	pages := map[string]string{
		"": fmt.Sprintf(`{"data":[%s],"next_token":"p2"}`,
			period("x10", "2024-03-10", "long_sleep", "2024-03-09T22:00:00-05:00", "2024-03-10T07:00:00-04:00", 30000)),
		"p2": fmt.Sprintf(`{"data":[%s,%s,%s],"next_token":null}`,
			period("x10", "2024-03-10", "deleted", "2024-03-09T22:00:00-05:00", "2024-03-10T07:00:00-04:00", 30000),
			period("y10", "2024-03-10", "long_sleep", "2024-03-10T01:00:00-05:00", "2024-03-10T07:30:00-04:00", 20000),
			period("z11", "2024-03-11", "long_sleep", "2024-03-11T07:00:00-04:00", "2024-03-11T06:00:00-04:00", 20000)),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/v2/usercollection/sleep", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, pages[r.URL.Query().Get("next_token")])
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	st := memstore.New()
	user := uuid.New()
	ctx := t.Context()
	if err := st.CreateUser(ctx, lifeops.User{ID: user, Name: "Cy", Zone: "America/New_York", DayStartHour: 4, WakeTime: civil.Clock{Hour: 7}, Bedtime: civil.Clock{Hour: 23}}); err != nil {
		t.Fatal(err)
	}
	if err := st.PutCredential(ctx, lifeops.Credential{UserID: user, Provider: "oura", AccessToken: lifeops.NewSecret("t")}); err != nil {
		t.Fatal(err)
	}
	src, err := ourahealth.New(ourahealth.Config{Credentials: st, ClientOptions: []oura.Option{oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client())}})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := src.Days(ctx, user, lifeops.KindSleep, civil.D(2024, 3, 10), civil.D(2024, 3, 11))
	if err != nil {
		t.Fatal(err)
	}
	bed, wake := tmust("2024-03-10T01:00:00-05:00"), tmust("2024-03-10T07:30:00-04:00")
	want := []lifeops.HealthDay{
		{Date: civil.D(2024, 3, 10), Source: "oura", TotalSleepSeconds: ptr(20000), Efficiency: ptr(90), RestingHeartRate: ptr(48), HRV: ptr(55), Bedtime: &bed, WakeTime: &wake},
		{Date: civil.D(2024, 3, 11), Source: "oura", TotalSleepSeconds: ptr(20000), Efficiency: ptr(90), RestingHeartRate: ptr(48), HRV: ptr(55)},
	}
	if diff := cmp.Diff(want, batch.Days, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); diff != "" {
		t.Errorf("days (-want +got):\n%s", diff)
	}
	for _, d := range batch.Days {
		d.UserID = user
		if err := d.Validate(); err != nil {
			t.Errorf("day %s does not validate: %v", d.Date, err)
		}
	}
	var got []string
	for _, d := range batch.Documents {
		got = append(got, fmt.Sprintf("%s deleted=%t", d.ID, d.Deleted))
	}
	if diff := cmp.Diff([]string{"x10 deleted=true", "y10 deleted=false", "z11 deleted=false"}, got); diff != "" {
		t.Errorf("documents, one per id in its latest version (-want +got):\n%s", diff)
	}
}

func tmust(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSource_HeartRate(t *testing.T) {
	t.Parallel()
	hb := newHealth(t, false)
	ctx := t.Context()
	start := time.Date(2024, 3, 10, 0, 0, 0, 0, time.UTC)
	end := start.Add(36 * time.Hour)
	var want []lifeops.HeartRateSample
	for s, err := range hb.client(t).HeartRate.All(ctx, &oura.TimeSeriesOptions{Start: start, End: end}) {
		if err != nil {
			t.Fatal(err)
		}
		if s.Timestamp.Before(end) {
			want = append(want, lifeops.HeartRateSample{At: s.Timestamp, BPM: s.BPM, Source: string(s.Source)})
		}
	}
	var got []lifeops.HeartRateSample
	batches := 0
	for b, err := range hb.source.HeartRate(ctx, hb.user, start, end) {
		if err != nil {
			t.Fatal(err)
		}
		batches++
		if !slices.IsSortedFunc(b, func(x, y lifeops.HeartRateSample) int { return x.At.Compare(y.At) }) {
			t.Error("batch not ordered by time")
		}
		got = append(got, b...)
	}
	if len(want) < 300 || batches < 3 {
		t.Fatalf("%d samples in %d batches: too few to test", len(want), batches)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("samples (-want +got):\n%s", diff)
	}
	for _, s := range got {
		if s.At.Location() != time.UTC || !s.At.Before(end) || s.At.Before(start) {
			t.Fatalf("sample %v outside [start, end) or not UTC", s.At)
		}
	}
	// An early stop makes no more requests.
	before := len(hb.srv.Requests())
	for range hb.source.HeartRate(ctx, hb.user, start, end) {
		break
	}
	if n := len(hb.srv.Requests()) - before; n != 1 {
		t.Errorf("%d requests for one batch", n)
	}
	// A bad interval is refused.
	for _, err := range hb.source.HeartRate(ctx, hb.user, end, start) {
		if !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("reversed interval: err = %v", err)
		}
	}
}

func TestSource_Errors(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	t.Run("not connected", func(t *testing.T) {
		t.Parallel()
		hb := newHealth(t, false)
		_, err := hb.source.Days(ctx, uuid.New(), lifeops.KindSleep, civil.D(2024, 3, 1), civil.D(2024, 3, 2))
		if !errors.Is(err, lifeops.ErrUnauthorized) {
			t.Errorf("err = %v, want ErrUnauthorized", err)
		}
		for _, err := range hb.source.HeartRate(ctx, uuid.New(), serverNow.Add(-time.Hour), serverNow) {
			if !errors.Is(err, lifeops.ErrUnauthorized) {
				t.Errorf("heart rate: err = %v", err)
			}
		}
	})
	t.Run("bad input", func(t *testing.T) {
		t.Parallel()
		hb := newHealth(t, false)
		if _, err := hb.source.Days(ctx, hb.user, lifeops.KindHeartRate, civil.D(2024, 3, 1), civil.D(2024, 3, 2)); !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("heart rate as a day kind: err = %v", err)
		}
		if _, err := hb.source.Days(ctx, hb.user, lifeops.KindSleep, civil.D(2024, 3, 2), civil.D(2024, 3, 1)); !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("reversed range: err = %v", err)
		}
		if _, err := hb.source.RawDocuments(ctx, hb.user, civil.D(2024, 3, 1), civil.D(2024, 3, 2), "heartrate"); !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("unknown collection: err = %v", err)
		}
		if _, err := hb.source.RawDocuments(ctx, hb.user, civil.Date{}, civil.D(2024, 3, 2)); !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("zero from: err = %v", err)
		}
		if _, err := hb.source.Document(ctx, hb.user, "meal", "x"); !errors.Is(err, lifeops.ErrInvalid) {
			t.Errorf("unknown data type: err = %v", err)
		}
	})
	t.Run("lapsed membership", func(t *testing.T) {
		t.Parallel()
		hb := newHealth(t, false)
		if err := hb.srv.AddUser(ouratest.User{ID: "lapsed", Token: "lapsed-tok", Lapsed: true}); err != nil {
			t.Fatal(err)
		}
		if err := hb.store.PutCredential(ctx, lifeops.Credential{UserID: hb.user, Provider: "oura", AccessToken: lifeops.NewSecret("lapsed-tok")}); err != nil {
			t.Fatal(err)
		}
		_, err := hb.source.Days(ctx, hb.user, lifeops.KindDailySleep, civil.D(2024, 3, 1), civil.D(2024, 3, 2))
		if !errors.Is(err, lifeops.ErrUnauthorized) || !errors.Is(err, oura.ErrForbidden) {
			t.Errorf("err = %v, want ErrUnauthorized wrapping ErrForbidden", err)
		}
		if lifeops.ErrorMessage(err) != "Oura refused access: a permission is missing or the Oura membership has lapsed." {
			t.Errorf("message %q", lifeops.ErrorMessage(err))
		}
	})
	t.Run("oura down", func(t *testing.T) {
		t.Parallel()
		hb := newHealth(t, false)
		if err := hb.srv.Inject(ouratest.Rule{Fault: ouratest.ServerError(503)}); err != nil {
			t.Fatal(err)
		}
		_, err := hb.source.Days(ctx, hb.user, lifeops.KindDailyActivity, civil.D(2024, 3, 1), civil.D(2024, 3, 2))
		var ae *oura.APIError
		if !errors.Is(err, lifeops.ErrUnavailable) || !errors.As(err, &ae) || ae.StatusCode != 503 {
			t.Errorf("err = %v, want ErrUnavailable wrapping a 503", err)
		}
		for _, err := range hb.source.HeartRate(ctx, hb.user, serverNow.Add(-time.Hour), serverNow) {
			if !errors.Is(err, lifeops.ErrUnavailable) {
				t.Errorf("heart rate: err = %v", err)
			}
		}
		// The shared breaker has opened: the next call fails without a request.
		n := len(hb.srv.Requests())
		if _, err := hb.source.Days(ctx, hb.user, lifeops.KindSleep, civil.D(2024, 3, 1), civil.D(2024, 3, 2)); !errors.Is(err, oura.ErrCircuitOpen) || !errors.Is(err, lifeops.ErrUnavailable) {
			t.Errorf("open circuit: err = %v", err)
		}
		if len(hb.srv.Requests()) != n {
			t.Error("a request went out through an open circuit")
		}
	})
	t.Run("rate limited", func(t *testing.T) {
		t.Parallel()
		hb := newHealth(t, false)
		if err := hb.srv.Inject(ouratest.Rule{Fault: ouratest.RateLimited(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if _, err := hb.source.Days(ctx, hb.user, lifeops.KindDailyActivity, civil.D(2024, 3, 1), civil.D(2024, 3, 2)); !errors.Is(err, lifeops.ErrUnavailable) || !errors.Is(err, oura.ErrRateLimited) {
			t.Errorf("rate limited: err = %v", err)
		}
	})
}

func TestSource_RefreshesAndStoresTokens(t *testing.T) {
	t.Parallel()
	hb := newHealth(t, true)
	ctx := t.Context()
	before, err := hb.store.Credential(ctx, hb.user, "oura")
	if err != nil {
		t.Fatal(err)
	}
	// Expire the token twice; each refresh rotates the refresh token and the
	// adapter stores it before using it.
	for i := range 2 {
		hb.srv.Advance(25 * time.Hour)
		if _, err := hb.source.Days(ctx, hb.user, lifeops.KindDailySleep, civil.D(2024, 3, 1), civil.D(2024, 3, 2)); err != nil {
			t.Fatalf("after expiry %d: %v", i+1, err)
		}
	}
	after, err := hb.store.Credential(ctx, hb.user, "oura")
	if err != nil {
		t.Fatal(err)
	}
	if after.RefreshToken.Equal(before.RefreshToken) || after.AccessToken.Equal(before.AccessToken) || !after.Expiry.After(hb.srv.Now()) {
		t.Errorf("credential not rotated: %v → %v", before, after)
	}
	if after.ExternalID != "oura-u1" || after.UserID != hb.user || len(after.Scopes) == 0 {
		t.Errorf("credential lost its fields: %v", after)
	}
	refreshes := 0
	for _, r := range hb.srv.Requests() {
		if r.Path == "/oauth/token" {
			refreshes++
		}
	}
	if refreshes != 2 {
		t.Errorf("%d refreshes, want 2", refreshes)
	}
	// The grant is revoked: unauthorized.
	hb.srv.RevokeToken(after.RefreshToken.Reveal())
	if _, err := hb.source.Days(ctx, hb.user, lifeops.KindDailySleep, civil.D(2024, 3, 1), civil.D(2024, 3, 2)); !errors.Is(err, lifeops.ErrUnauthorized) {
		t.Errorf("revoked: err = %v", err)
	}
	// The user connects again: the new credential is used at once.
	tok, err := hb.srv.IssueToken("oura-u1")
	if err != nil {
		t.Fatal(err)
	}
	cred, err := hb.source.Connect(ctx, hb.user, &oauth2.Token{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, Expiry: tok.Expiry})
	if err != nil {
		t.Fatal(err)
	}
	if cred.ExternalID != "oura-u1" || cred.RefreshToken.Reveal() != tok.RefreshToken {
		t.Errorf("Connect stored %v", cred)
	}
	if _, err := hb.source.Days(ctx, hb.user, lifeops.KindDailySleep, civil.D(2024, 3, 1), civil.D(2024, 3, 2)); err != nil {
		t.Errorf("after reconnecting: %v", err)
	}
	if _, err := hb.source.Connect(ctx, hb.user, &oauth2.Token{}); !errors.Is(err, lifeops.ErrInvalid) {
		t.Errorf("empty token: err = %v", err)
	}
	if _, err := hb.source.Connect(ctx, hb.user, &oauth2.Token{AccessToken: "unknown"}); !errors.Is(err, lifeops.ErrUnauthorized) {
		t.Errorf("unknown token: err = %v", err)
	}
}

func TestSource_RawDocumentsAndWebhooks(t *testing.T) {
	t.Parallel()
	hb := newHealth(t, false)
	ctx := t.Context()
	from, to := civil.D(2024, 3, 1), civil.D(2024, 3, 14)
	docs, err := hb.source.RawDocuments(ctx, hb.user, from, to)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, d := range docs {
		kinds[d.Kind]++
		d.UserID = hb.user
		if err := d.Validate(); err != nil {
			t.Errorf("document %s %s: %v", d.Kind, d.ID, err)
		}
		if d.Kind != "ring_configuration" && (d.Date.Before(from) || d.Date.After(to)) {
			t.Errorf("document %s %s on %s", d.Kind, d.ID, d.Date)
		}
	}
	for _, name := range []string{"daily_activity", "daily_readiness", "daily_sleep", "sleep", "workout", "daily_spo2", "daily_stress", "ring_configuration"} {
		if kinds[name] == 0 {
			t.Errorf("no %s documents among %v", name, kinds)
		}
	}
	// A webhook event leads to its user and its document.
	ev := &oura.WebhookEvent{EventType: oura.EventTypeUpdate, DataType: oura.DataTypeSleep, UserID: "oura-u1"}
	for _, d := range docs {
		if d.Kind == "sleep" {
			ev.ObjectID = d.ID
			break
		}
	}
	user, err := hb.source.UserOf(ctx, ev)
	if err != nil || user != hb.user {
		t.Fatalf("UserOf = %v, %v", user, err)
	}
	doc, err := hb.source.Document(ctx, user, string(ev.DataType), ev.ObjectID)
	if err != nil || doc.ID != ev.ObjectID || doc.Kind != "sleep" || len(doc.Data) == 0 {
		t.Fatalf("Document = %+v, %v", doc, err)
	}
	if _, err := hb.source.Document(ctx, user, "vo2_max", "no-such-id"); !errors.Is(err, lifeops.ErrNotFound) {
		t.Errorf("missing document: err = %v", err)
	}
	if _, err := hb.source.UserOf(ctx, &oura.WebhookEvent{UserID: "stranger"}); !errors.Is(err, lifeops.ErrNotFound) {
		t.Errorf("unknown Oura user: err = %v", err)
	}
	if _, err := hb.source.UserOf(ctx, &oura.WebhookEvent{}); !errors.Is(err, lifeops.ErrInvalid) {
		t.Errorf("event without user: err = %v", err)
	}
	only, err := hb.source.RawDocuments(ctx, hb.user, from, to, "vO2_max")
	if err != nil || len(only) != kinds["vO2_max"] {
		t.Errorf("one collection: %d documents, %v", len(only), err)
	}
	if got := ourahealth.Collections(); len(got) != 16 {
		t.Errorf("Collections() = %v", got)
	}
}

// TestSource_ServiceSync runs the LifeOps Service on the adapter: a
// sync stores the health days, with wake time and bedtime from the main
// sleep, the heart rate and every document.
func TestSource_ServiceSync(t *testing.T) {
	t.Parallel()
	hb := newHealth(t, true)
	ctx := t.Context()
	svc, err := lifeops.New(&lifeops.Config{Store: hb.store, Health: hb.source, Clock: lifeops.ClockFunc(hb.srv.Now)})
	if err != nil {
		t.Fatal(err)
	}
	from, to := civil.D(2024, 3, 8), civil.D(2024, 3, 12)
	res, err := svc.Sync(ctx, hb.user, lifeops.SyncRequest{From: from, To: to})
	if err != nil || res.Partial {
		t.Fatalf("Sync: %+v, %v", res, err)
	}
	days, err := svc.HealthDays(ctx, hb.user, from, to)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 5 {
		t.Fatalf("%d health days, want 5", len(days))
	}
	for _, d := range days {
		if d.WakeTime == nil || d.Bedtime == nil || d.Sleep == nil || d.Readiness == nil || d.Steps == nil {
			t.Errorf("day %s lacks data: %+v", d.Date, d)
		}
	}
	samples, err := hb.store.HeartRate(ctx, hb.user, time.Date(2024, 3, 8, 4, 0, 0, 0, mustZone(t, "America/New_York")), time.Date(2024, 3, 13, 4, 0, 0, 0, mustZone(t, "America/New_York")))
	if err != nil || len(samples) < 1000 || res.Counts[lifeops.KindHeartRate] != len(samples) {
		t.Errorf("%d samples stored, %d counted, %v", len(samples), res.Counts[lifeops.KindHeartRate], err)
	}
	raw, err := hb.store.RawDocuments(ctx, hb.user, lifeops.RawQuery{Provider: "oura", Kind: "sleep"})
	if err != nil || len(raw) < 5 {
		t.Errorf("%d raw sleep documents, %v", len(raw), err)
	}
}

func mustZone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// staleStore serves one credential read from before the last write, as a
// read replica or a concurrent reader that loaded it a moment earlier does.
type staleStore struct {
	lifeops.CredentialStore
	mu    sync.Mutex
	stale *lifeops.Credential
}

func (s *staleStore) Credential(ctx context.Context, userID uuid.UUID, provider string) (lifeops.Credential, error) {
	s.mu.Lock()
	stale := s.stale
	s.stale = nil
	s.mu.Unlock()
	if stale != nil {
		return *stale, nil
	}
	return s.CredentialStore.Credential(ctx, userID, provider)
}

// TestSource_StaleCredentialKeepsTheNewerToken: a credential read
// that raced with a refresh names a refresh token Oura has already rotated
// away. The adapter keeps the client holding the newer token instead of
// going back to the retired one, which Oura would refuse as invalid_grant.
func TestSource_StaleCredentialKeepsTheNewerToken(t *testing.T) {
	t.Parallel()
	hb := newHealth(t, true)
	ctx := t.Context()
	stale := &staleStore{CredentialStore: hb.store}
	src, err := ourahealth.New(ourahealth.Config{
		Credentials:   stale,
		ClientOptions: []oura.Option{oura.WithBaseURL(hb.srv.URL), oura.WithHTTPClient(hb.srv.Client())},
		OAuth: &oura.OAuthConfig{ClientID: ouratest.DefaultClientID, ClientSecret: oura.NewSecret(ouratest.DefaultClientSecret), HTTPClient: hb.srv.Client(), Now: hb.srv.Now,
			Endpoint: oauth2.Endpoint{AuthURL: hb.srv.URL + "/oauth/authorize", TokenURL: hb.srv.URL + "/oauth/token", AuthStyle: oauth2.AuthStyleInParams}},
		Now: hb.srv.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	first, err := hb.store.Credential(ctx, hb.user, "oura")
	if err != nil {
		t.Fatal(err)
	}
	days := func() error {
		_, err := src.Days(ctx, hb.user, lifeops.KindDailySleep, civil.D(2024, 3, 1), civil.D(2024, 3, 2))
		return err
	}
	if err := days(); err != nil {
		t.Fatal(err)
	}
	hb.srv.Advance(25 * time.Hour) // the token expires: the next call refreshes and stores
	if err := days(); err != nil {
		t.Fatal(err)
	}
	stored, _ := hb.store.Credential(ctx, hb.user, "oura")
	if stored.RefreshToken.Equal(first.RefreshToken) {
		t.Fatal("the refresh did not rotate the refresh token")
	}
	stale.mu.Lock()
	stale.stale = &first
	stale.mu.Unlock()
	if err := days(); err != nil {
		t.Fatalf("after a stale credential read: %v", err)
	}
	if got, _ := hb.store.Credential(ctx, hb.user, "oura"); !got.RefreshToken.Equal(stored.RefreshToken) {
		t.Errorf("stored refresh token changed: %q → %q", stored.RefreshToken.Reveal(), got.RefreshToken.Reveal())
	}
}
