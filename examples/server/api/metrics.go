package api

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/lifeops/lifeops/lifeops"
)

// metrics are the API's own Prometheus collectors.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	synced   *prometheus.CounterVec
	failed   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lifeops_http_requests_total", Help: "HTTP requests by route pattern and status.",
		}, []string{"route", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "lifeops_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		synced: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lifeops_sync_records_total", Help: "Records received by syncs, by kind.",
		}, []string{"kind"}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "lifeops_sync_failures_total", Help: "Kinds that failed in a sync, by kind and error code.",
		}, []string{"kind", "code"}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.synced, m.failed} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *metrics) observe(route, status string, d time.Duration) {
	m.requests.WithLabelValues(route, status).Inc()
	m.duration.WithLabelValues(route).Observe(d.Seconds())
}

// ObserveSync counts what a sync received and which kinds failed.
func (m *metrics) observeSync(res lifeops.SyncResult) {
	if m == nil {
		return
	}
	for k, n := range res.Counts {
		m.synced.WithLabelValues(string(k)).Add(float64(n))
	}
	for _, e := range res.Errors {
		m.failed.WithLabelValues(string(e.Kind), string(e.Code)).Inc()
	}
}
