package oura

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
	"weak"

	"github.com/google/go-cmp/cmp"

	"github.com/lifeops/lifeops/lifeops/civil"
)

// pagedSleep serves sleep documents for days in pages of two, chaining
// tokens "p1", "p2", …, and counts the requests.
func pagedSleep(t *testing.T, b *testBundle, days int, tokens func(i int) string) *atomic.Int32 {
	t.Helper()
	var n atomic.Int32
	b.mux.HandleFunc("/v2/usercollection/sleep", func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		i := 0
		if tok := r.URL.Query().Get("next_token"); tok != "" {
			fmt.Sscanf(tok, "p%d", &i)
		}
		if got := r.URL.Query().Get("start_date"); got != "2024-02-29" {
			t.Errorf("start_date = %q: the filters must go with every page", got)
		}
		var data string
		for j := i * 2; j < min(i*2+2, days); j++ {
			if data != "" {
				data += ","
			}
			day := civil.D(2024, 3, 1).AddDays(j)
			data += fmt.Sprintf(`{"id":"s%d","day":%q,"period":0,"type":"long_sleep","bedtime_start":"%sT23:00:00+00:00","bedtime_end":"%sT07:00:00+00:00","time_in_bed":28800,"low_battery_alert":false}`,
				j, day, day.AddDays(-1), day)
		}
		next := "null"
		if (i+1)*2 < days {
			next = fmt.Sprintf("%q", tokens(i+1))
		}
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"data":[%s],"next_token":%s}`, data, next))
	})
	return &n
}

func TestPages_WalksEveryPage(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := pagedSleep(t, b, 5, func(i int) string { return fmt.Sprintf("p%d", i) })
	opts := &ListOptions{StartDate: civil.D(2024, 3, 1), EndDate: civil.D(2024, 3, 31)}
	var ids []string
	pages := 0
	for page, err := range b.client.Sleep.Pages(t.Context(), opts) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, d := range page.Data {
			ids = append(ids, d.ID)
		}
	}
	if diff := cmp.Diff([]string{"s0", "s1", "s2", "s3", "s4"}, ids); diff != "" {
		t.Errorf("ids (-want +got):\n%s", diff)
	}
	if pages != 3 || n.Load() != 3 {
		t.Errorf("pages = %d, requests = %d; want 3 and 3", pages, n.Load())
	}
	if opts.NextToken != "" {
		t.Errorf("the caller's options were changed: NextToken = %q", opts.NextToken)
	}
	// All yields the same documents.
	var all []string
	for d, err := range b.client.Sleep.All(t.Context(), opts) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, d.ID)
	}
	if diff := cmp.Diff(ids, all); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
}

func TestPages_StopsWhenTheLoopBreaks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := pagedSleep(t, b, 10, func(i int) string { return fmt.Sprintf("p%d", i) })
	opts := &ListOptions{StartDate: civil.D(2024, 3, 1)}
	for range b.client.Sleep.Pages(t.Context(), opts) {
		break
	}
	for d := range b.client.Sleep.All(t.Context(), opts) {
		if d.ID == "s2" {
			break
		}
	}
	if got := n.Load(); got != 3 {
		t.Errorf("requests = %d, want 1 for the first loop and 2 for the second", got)
	}
}

func TestPages_RepeatedTokenIsAnError(t *testing.T) {
	t.Parallel()
	b := setup(t)
	// Oura answers page 2 with the token of page 1 again: p1, p2, p1, …
	n := pagedSleep(t, b, 100, func(i int) string { return fmt.Sprintf("p%d", 1+(i-1)%2) })
	var err error
	pages := 0
	for page, e := range b.client.Sleep.Pages(t.Context(), &ListOptions{StartDate: civil.D(2024, 3, 1)}) {
		if e != nil {
			err = e
			if page != nil {
				t.Error("an error comes with a nil page")
			}
			break
		}
		pages++
	}
	if !errors.Is(err, ErrRepeatedToken) {
		t.Fatalf("err = %v, want ErrRepeatedToken", err)
	}
	if pages != 3 || n.Load() != 3 {
		t.Errorf("pages = %d, requests = %d; want 3, 3", pages, n.Load())
	}
	// All reports it too.
	var allErr error
	for _, e := range b.client.Sleep.All(t.Context(), &ListOptions{StartDate: civil.D(2024, 3, 1)}) {
		if e != nil {
			allErr = e
		}
	}
	if !errors.Is(allErr, ErrRepeatedToken) {
		t.Errorf("All: err = %v, want ErrRepeatedToken", allErr)
	}
}

// TestPages_ResumedTokenRepeated: a walk resumed from a token Oura answers
// with that same token again is caught on the first page, for documents and
// for time series alike.
func TestPages_ResumedTokenRepeated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	n := pagedSleep(t, b, 100, func(i int) string { return "p5" })
	var err error
	for _, e := range b.client.Sleep.Pages(t.Context(), &ListOptions{StartDate: civil.D(2024, 3, 1), NextToken: "p5"}) {
		if e != nil {
			err = e
		}
	}
	if !errors.Is(err, ErrRepeatedToken) || n.Load() != 1 {
		t.Errorf("documents: err = %v after %d requests; want ErrRepeatedToken after 1", err, n.Load())
	}
	var hr atomic.Int32
	b.mux.HandleFunc("/v2/usercollection/heartrate", func(w http.ResponseWriter, r *http.Request) {
		hr.Add(1)
		writeJSON(w, http.StatusOK, `{"data":[],"next_token":"again"}`)
	})
	s := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	err = nil
	for _, e := range b.client.HeartRate.Pages(t.Context(), &TimeSeriesOptions{Start: s, End: s.Add(time.Hour), NextToken: "again"}) {
		if e != nil {
			err = e
		}
	}
	if !errors.Is(err, ErrRepeatedToken) || hr.Load() != 1 {
		t.Errorf("time series: err = %v after %d requests; want ErrRepeatedToken after 1", err, hr.Load())
	}
}

func TestPages_ErrorEndsTheWalk(t *testing.T) {
	t.Parallel()
	b := setup(t, WithRetryPolicy(NoRetry()))
	var n atomic.Int32
	b.mux.HandleFunc("/v2/usercollection/daily_sleep", func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			writeJSON(w, http.StatusOK, `{"data":[{"id":"a","day":"2024-03-01"}],"next_token":"p1"}`)
			return
		}
		writeJSON(w, http.StatusForbidden, `{"detail":"missing scope daily"}`)
	})
	var got []error
	for page, err := range b.client.DailySleep.Pages(t.Context(), nil) {
		got = append(got, err)
		if err == nil && len(page.Data) != 1 {
			t.Errorf("first page = %+v", page)
		}
	}
	if len(got) != 2 || got[0] != nil || !errors.Is(got[1], ErrForbidden) {
		t.Errorf("yields = %v, want a page then ErrForbidden", got)
	}
}

// TestPages_HoldsOnePageAtATime checks with weak pointers that the walk
// keeps no reference to a page once the caller has moved past it.
func TestPages_HoldsOnePageAtATime(t *testing.T) {
	t.Parallel()
	b := setup(t)
	pagedSleep(t, b, 12, func(i int) string { return fmt.Sprintf("p%d", i) })
	var seen []weak.Pointer[Page[Sleep]]
	for page, err := range b.client.Sleep.Pages(t.Context(), &ListOptions{StartDate: civil.D(2024, 3, 1)}) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, weak.Make(page))
		if len(seen) >= 3 {
			runtime.GC()
			for i, w := range seen[:len(seen)-1] {
				if w.Value() != nil {
					t.Fatalf("page %d is still reachable while page %d is being read", i, len(seen)-1)
				}
			}
		}
	}
	if len(seen) != 6 {
		t.Errorf("pages = %d, want 6", len(seen))
	}
}

func TestTimeSeriesPages_Windows(t *testing.T) {
	t.Parallel()
	b := setup(t)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	end := start.Add(75 * 24 * time.Hour) // three windows: 30 + 30 + 15 days
	type window struct{ start, end, token string }
	var got []window
	b.mux.HandleFunc("/v2/usercollection/heartrate", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		got = append(got, window{q.Get("start_datetime"), q.Get("end_datetime"), q.Get("next_token")})
		s, _ := time.Parse(time.RFC3339, q.Get("start_datetime"))
		e, _ := time.Parse(time.RFC3339, q.Get("end_datetime"))
		// Every window answers with a sample on both of its bounds (Oura
		// treats both as inclusive) and one in the middle, in two pages.
		if q.Get("next_token") == "" {
			writeJSON(w, http.StatusOK, fmt.Sprintf(`{"data":[%s,%s],"next_token":"more"}`, hrRow(s, 60), hrRow(s.Add(e.Sub(s)/2), 61)))
			return
		}
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"data":[%s],"next_token":null}`, hrRow(e, 62)))
	})
	var samples []time.Time
	for hr, err := range b.client.HeartRate.All(t.Context(), &TimeSeriesOptions{Start: start, End: end}) {
		if err != nil {
			t.Fatal(err)
		}
		samples = append(samples, hr.Timestamp)
	}
	day := 24 * time.Hour
	wantWindows := []window{
		{"2024-01-01T00:00:00Z", "2024-01-31T00:00:00Z", ""}, {"2024-01-01T00:00:00Z", "2024-01-31T00:00:00Z", "more"},
		{"2024-01-31T00:00:00Z", "2024-03-01T00:00:00Z", ""}, {"2024-01-31T00:00:00Z", "2024-03-01T00:00:00Z", "more"},
		{"2024-03-01T00:00:00Z", "2024-03-16T00:00:00Z", ""}, {"2024-03-01T00:00:00Z", "2024-03-16T00:00:00Z", "more"},
	}
	if diff := cmp.Diff(wantWindows, got, cmp.AllowUnexported(window{})); diff != "" {
		t.Errorf("windows (-want +got):\n%s", diff)
	}
	// Each boundary sample appears once; the final end is inclusive.
	wantSamples := []time.Time{
		start, start.Add(15 * day),
		start.Add(30 * day), start.Add(45 * day),
		start.Add(60 * day), start.Add(60*day + 15*day/2), end,
	}
	if diff := cmp.Diff(wantSamples, samples); diff != "" {
		t.Errorf("samples (-want +got):\n%s", diff)
	}
}

func hrRow(ts time.Time, bpm int) string {
	// Oura writes UTC with a +00:00 offset.
	return fmt.Sprintf(`{"bpm":%d,"source":"awake","timestamp":%q,"timestamp_unix":%d}`, bpm, ts.Format("2006-01-02T15:04:05+00:00"), ts.UnixMilli())
}

func TestTimeSeriesPages_Errors(t *testing.T) {
	t.Parallel()
	b := setup(t, WithRetryPolicy(NoRetry()))
	s := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	var calls atomic.Int32
	b.mux.HandleFunc("/v2/usercollection/ring_battery_level", func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Query().Get("latest") == "true" {
			if r.URL.Query().Get("start_datetime") != "" {
				t.Error("latest with no range sent a range")
			}
			writeJSON(w, http.StatusOK, `{"data":[{"timestamp":"2024-01-01T10:00:00+00:00","timestamp_unix":1704103200000,"level":50}]}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"data":[],"next_token":"same"}`)
	})
	tests := []struct {
		name string
		opts *TimeSeriesOptions
		want func(error) bool
	}{
		{"nil options", nil, func(err error) bool { var pe *ParamError; return errors.As(err, &pe) && pe.Param == "Start" }},
		{"no end", &TimeSeriesOptions{Start: s}, func(err error) bool { var pe *ParamError; return errors.As(err, &pe) && pe.Param == "Start" }},
		{"end before start", &TimeSeriesOptions{Start: s, End: s.Add(-time.Hour)}, func(err error) bool { var pe *ParamError; return errors.As(err, &pe) && pe.Param == "End" }},
		{"repeated token", &TimeSeriesOptions{Start: s, End: s.Add(time.Hour)}, func(err error) bool { return errors.Is(err, ErrRepeatedToken) }},
	}
	for _, tt := range tests {
		var last error
		for _, err := range b.client.RingBatteryLevel.All(t.Context(), tt.opts) {
			last = err
		}
		if !tt.want(last) {
			t.Errorf("%s: err = %v", tt.name, last)
		}
	}
	// Latest makes one request and keeps its sample whatever the range.
	var levels []int
	for p, err := range b.client.RingBatteryLevel.Pages(t.Context(), &TimeSeriesOptions{Latest: true}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range p.Data {
			levels = append(levels, l.Level)
		}
	}
	if diff := cmp.Diff([]int{50}, levels); diff != "" {
		t.Errorf("latest (-want +got):\n%s", diff)
	}
}

func TestTimeSeriesList_RoundsTheEndUp(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.mux.HandleFunc("/v2/usercollection/heartrate", func(w http.ResponseWriter, r *http.Request) {
		testQuery(t, r, url.Values{"start_datetime": {"2024-01-01T00:00:00Z"}, "end_datetime": {"2024-01-01T00:00:02Z"}})
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"data":[%s,%s]}`,
			hrRow(time.Date(2024, 1, 1, 0, 0, 1, 0, time.UTC), 60), hrRow(time.Date(2024, 1, 1, 0, 0, 2, 0, time.UTC), 61)))
	})
	s := time.Date(2024, 1, 1, 0, 0, 0, 500, time.UTC)
	p, _, err := b.client.HeartRate.List(t.Context(), &TimeSeriesOptions{Start: s, End: s.Add(1500 * time.Millisecond)})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Data) != 1 || p.Data[0].BPM != 60 {
		t.Errorf("samples = %+v, want only the one inside the range", p.Data)
	}
}

// TestTimeSeriesPages_FractionalStart walks from an instant that is not a
// whole second, as time.Now() gives: the bounds sent are whole seconds, so
// no window may span more than 30 days once its start is rounded down.
func TestTimeSeriesPages_FractionalStart(t *testing.T) {
	t.Parallel()
	b := setup(t, WithRetryPolicy(NoRetry()))
	b.mux.HandleFunc("/v2/usercollection/heartrate", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		s, _ := time.Parse(time.RFC3339, q.Get("start_datetime"))
		e, _ := time.Parse(time.RFC3339, q.Get("end_datetime"))
		if e.Sub(s) > MaxTimeSeriesWindow {
			writeJSON(w, http.StatusBadRequest, `{"detail":"the window is longer than 30 days"}`)
			return
		}
		// A sample on each whole-second bound of the window.
		writeJSON(w, http.StatusOK, fmt.Sprintf(`{"data":[%s,%s],"next_token":null}`, hrRow(s, 60), hrRow(e, 61)))
	})
	start := time.Date(2024, 1, 1, 0, 0, 0, 500_000_000, time.UTC)
	end := start.Add(45 * 24 * time.Hour)
	var got []time.Time
	for hr, err := range b.client.HeartRate.All(t.Context(), &TimeSeriesOptions{Start: start, End: end}) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, hr.Timestamp)
	}
	// The sample at 00:00:00 is before Start; the one where the first
	// window ends comes once; the last window's end, rounded up, is after End.
	boundary := time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)
	if diff := cmp.Diff([]time.Time{boundary}, got); diff != "" {
		t.Errorf("samples (-want +got):\n%s", diff)
	}
	// One window of exactly 30 days from a fractional start is accepted.
	if _, _, err := b.client.HeartRate.List(t.Context(), &TimeSeriesOptions{Start: start, End: start.Add(MaxTimeSeriesWindow)}); err != nil {
		t.Errorf("List over 30 days from a fractional start: %v", err)
	}
}
