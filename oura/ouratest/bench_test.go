package ouratest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"testing"
	"time"

	"github.com/lifeops/lifeops/oura/ouratest"
)

// countingWriter is a ResponseWriter that keeps only the last body, for
// serving pages without a network.
type countingWriter struct {
	h      http.Header
	status int
	body   []byte
}

func (w *countingWriter) Header() http.Header {
	if w.h == nil {
		w.h = http.Header{}
	}
	return w.h
}
func (w *countingWriter) WriteHeader(s int) { w.status = s }
func (w *countingWriter) Write(b []byte) (int, error) {
	w.body = append(w.body[:0], b...)
	return len(b), nil
}

func serve(s *ouratest.Server, path string) *countingWriter {
	r := httptest.NewRequest(http.MethodGet, path, nil)
	r.Header.Set("Authorization", "Bearer "+ouratest.DefaultToken)
	w := &countingWriter{}
	s.ServeHTTP(w, r)
	return w
}

type hrRow struct {
	Timestamp     string `json:"timestamp"`
	TimestampUnix int64  `json:"timestamp_unix"`
	BPM           int    `json:"bpm"`
	Source        string `json:"source"`
}

// BenchmarkHeartRatePage draws and serves one page of 10,000 heart-rate rows
// (about 35 days), against a floor measured in the same run: encoding/json
// marshalling the same 10,000 rows, already in memory, into a page.
func BenchmarkHeartRatePage(b *testing.B) {
	s, err := ouratest.NewServer(ouratest.WithTime(day0), ouratest.WithSamplePageSize(10000), ouratest.WithMaxSeriesWindow(40*24*time.Hour))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const path = "/v2/usercollection/heartrate?start_datetime=2024-05-01T00:00:00Z&end_datetime=2024-06-10T00:00:00Z"
	var page struct {
		Data      []hrRow `json:"data"`
		NextToken *string `json:"next_token"`
	}
	if err := json.Unmarshal(serve(s, path).body, &page); err != nil || len(page.Data) != 10000 {
		b.Fatalf("page of %d rows: %v", len(page.Data), err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if w := serve(s, path); w.status != 200 {
			b.Fatal(w.status)
		}
	}
	served := b.Elapsed()
	// The floor, timed over as many rounds in the same run.
	began := time.Now()
	for range b.N {
		if _, err := json.Marshal(page); err != nil {
			b.Fatal(err)
		}
	}
	floor := time.Since(began)
	b.ReportMetric(10000, "rows/op")
	b.ReportMetric(float64(served)/float64(floor), "x-json-marshal")
}

// BenchmarkYearOfHeartRate walks a year of heart rate in 30-day windows and
// pages of 1,000 rows, as a sync would. It reports the peak growth of the
// live heap (after a collection, with the page in hand) over the walk, and
// that peak as a multiple of one page's body: the server holds a page at a
// time, never the year.
func BenchmarkYearOfHeartRate(b *testing.B) {
	s, err := ouratest.NewServer(ouratest.WithTime(day0), ouratest.WithSamplePageSize(1000))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	var peak, pageBytes uint64
	rows, pages := 0, 0
	b.ReportAllocs()
	for b.Loop() {
		rows, pages = 0, 0
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		from := day0.AddDate(-1, 0, 0)
		for from.Before(day0) {
			to := from.Add(30 * 24 * time.Hour)
			path := "/v2/usercollection/heartrate?start_datetime=" + url.QueryEscape(from.Format(time.RFC3339)) + "&end_datetime=" + url.QueryEscape(to.Format(time.RFC3339))
			for path != "" {
				w := serve(s, path)
				var p struct {
					Data      []json.RawMessage `json:"data"`
					NextToken *string           `json:"next_token"`
				}
				if err := json.Unmarshal(w.body, &p); err != nil {
					b.Fatal(err)
				}
				rows += len(p.Data)
				pages++
				pageBytes = max(pageBytes, uint64(len(w.body)))
				b.StopTimer() // what stays live while the page is in hand
				runtime.GC()
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > base {
					peak = max(peak, ms.HeapAlloc-base)
				}
				b.StartTimer()
				path = ""
				if p.NextToken != nil {
					path = "/v2/usercollection/heartrate?next_token=" + url.QueryEscape(*p.NextToken)
				}
			}
			from = to.Add(time.Second)
		}
	}
	b.ReportMetric(float64(rows), "rows/op")
	b.ReportMetric(float64(pages), "pages/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-live-MB")
	b.ReportMetric(float64(peak)/float64(pageBytes), "peak/page")
}

// TestLongWindowIsDrawnPerPage: the first page of a year-long window costs
// what the first page of a two-day window costs, because only the page is
// drawn. (Not parallel: AllocsPerRun counts the whole process.)
func TestLongWindowIsDrawnPerPage(t *testing.T) {
	s := start(t, ouratest.WithSamplePageSize(500), ouratest.WithMaxSeriesWindow(400*24*time.Hour))
	const base = "/v2/usercollection/heartrate?start_datetime=2023-06-01T00:00:00Z&end_datetime="
	short := testing.AllocsPerRun(3, func() { serve(s, base+"2023-06-03T00:00:00Z") })
	long := testing.AllocsPerRun(3, func() { serve(s, base+"2024-06-01T00:00:00Z") })
	if long > short*1.25+50 {
		t.Errorf("first page of a year: %.0f allocations, of two days: %.0f", long, short)
	}
	for _, p := range []string{base + "2023-06-03T00:00:00Z", base + "2024-06-01T00:00:00Z"} {
		var page struct {
			Data      []json.RawMessage `json:"data"`
			NextToken *string           `json:"next_token"`
		}
		if err := json.Unmarshal(serve(s, p).body, &page); err != nil || len(page.Data) != 500 || page.NextToken == nil {
			t.Errorf("%s: %d rows, next_token %v, %v", p, len(page.Data), page.NextToken, err)
		}
	}
}
