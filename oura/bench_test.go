package oura_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/lifeops/lifeops/oura"
	"github.com/lifeops/lifeops/oura/ouratest"
)

// heartRatePage returns a page of n heart-rate samples, four minutes apart
// (10,000 fit in a 30-day window), as Oura writes it.
func heartRatePage(n int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"data":[`)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	sources := []string{"awake", "rest", "sleep", "workout"}
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		ts := start.Add(time.Duration(i) * 4 * time.Minute)
		fmt.Fprintf(&b, `{"bpm":%d,"source":%q,"timestamp":%q,"timestamp_unix":%d}`,
			45+i%70, sources[i%len(sources)], ts.Format("2006-01-02T15:04:05+00:00"), ts.UnixMilli())
	}
	b.WriteString(`],"next_token":null}`)
	return b.Bytes()
}

// staticTransport answers every request with the same body, in memory, so
// the benchmark measures the client and not a network.
type staticTransport struct{ body []byte }

func (s staticTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		ContentLength: int64(len(s.body)), Body: io.NopCloser(bytes.NewReader(s.body)), Request: r}, nil
}

// BenchmarkHeartRatePage decodes a 10,000-sample heart-rate page through the
// client (request, auth, retry and breaker bookkeeping, reading the body,
// decoding, UTC and range filtering) and, as its floor, with plain
// encoding/json into the same structs. The two alternate in the same run,
// each starting from a collected heap so neither pays for the other's
// garbage. client/plain is the median of the per-page ratios, which resists
// the noise of a shared machine; the target is at most 1.2. The
// allocations are reported per page for each.
func BenchmarkHeartRatePage(b *testing.B) {
	body := heartRatePage(10_000)
	c, err := oura.NewClient(
		oura.WithHTTPClient(&http.Client{Transport: staticTransport{body: body}}),
		oura.WithTokenSource(oura.StaticToken("bench")),
		oura.WithRateLimit(rate.Inf, 0),
	)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	opts := &oura.TimeSeriesOptions{Start: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)}
	plain := func() {
		var p oura.Page[oura.HeartRate]
		if err := json.Unmarshal(body, &p); err != nil || len(p.Data) != 10_000 {
			b.Fatalf("plain: %d samples, %v", len(p.Data), err)
		}
	}
	client := func() {
		p, _, err := c.HeartRate.List(ctx, opts)
		if err != nil || len(p.Data) != 10_000 {
			b.Fatalf("client: %v", err)
		}
	}
	var plainT, clientT time.Duration
	var plainA, clientA uint64
	var ratios []float64
	for b.Loop() {
		pd, pa := measure(plain)
		cd, ca := measure(client)
		plainT, plainA = plainT+pd, plainA+pa
		clientT, clientA = clientT+cd, clientA+ca
		ratios = append(ratios, float64(cd)/float64(pd))
	}
	slices.Sort(ratios)
	n := float64(b.N)
	b.ReportMetric(float64(plainT.Nanoseconds())/n, "plain-ns/page")
	b.ReportMetric(float64(clientT.Nanoseconds())/n, "client-ns/page")
	b.ReportMetric(ratios[len(ratios)/2], "client/plain")
	b.ReportMetric(float64(plainA)/n, "plain-allocs/page")
	b.ReportMetric(float64(clientA)/n, "client-allocs/page")
}

// measure collects the heap, then runs f and returns how long it took and
// how many allocations it made.
func measure(f func()) (time.Duration, uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	f()
	d := time.Since(t0)
	runtime.ReadMemStats(&after)
	return d, after.Mallocs - before.Mallocs
}

// BenchmarkHeartRateYear walks one year of heart rate (about 105,000
// samples) from the fake server, page by page. peak/page is the largest
// live heap seen during the walk (measured after a collection at every
// page) divided by the live heap of holding a single page: it stays near 1
// however long the walk is, because the walk holds one page at a time.
func BenchmarkHeartRateYear(b *testing.B) {
	srv, err := ouratest.NewServer(ouratest.WithTime(time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)), ouratest.WithSamplePageSize(5000))
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	c, err := oura.NewClient(oura.WithBaseURL(srv.URL), oura.WithHTTPClient(srv.Client()), oura.WithTokenSource(oura.StaticToken(ouratest.DefaultToken)), oura.WithRateLimit(rate.Inf, 0))
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	year := &oura.TimeSeriesOptions{Start: start, End: start.AddDate(1, 0, 0)}

	live := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	// The floor: the live heap of one page held.
	base := live()
	page, _, err := c.HeartRate.List(ctx, &oura.TimeSeriesOptions{Start: start, End: start.AddDate(0, 0, 30)})
	if err != nil {
		b.Fatal(err)
	}
	onePage := live() - base
	runtime.KeepAlive(page)
	page = nil
	// The walk, with the live heap measured at every page.
	base = live()
	var peak uint64
	samples, pages := 0, 0
	for p, err := range c.HeartRate.Pages(ctx, year) {
		if err != nil {
			b.Fatal(err)
		}
		samples += len(p.Data)
		pages++
		if h := live(); h > base && h-base > peak {
			peak = h - base
		}
		runtime.KeepAlive(p) // measure while the page is held
	}
	if samples < 100_000 {
		b.Fatalf("a year gave %d samples", samples)
	}
	for b.Loop() {
		n := 0
		for p, err := range c.HeartRate.Pages(ctx, year) {
			if err != nil {
				b.Fatal(err)
			}
			n += len(p.Data)
		}
		if n != samples {
			b.Fatalf("%d samples, then %d", samples, n)
		}
	}
	b.ReportMetric(float64(samples), "samples")
	b.ReportMetric(float64(pages), "pages")
	b.ReportMetric(float64(onePage)/(1<<20), "page-MiB")
	b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
	b.ReportMetric(float64(peak)/float64(onePage), "peak/page")
}
