package reconciler

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the operator's own Prometheus metrics, beside
// controller-runtime's: Avi API requests by method and outcome, the
// latency of applying a Set, and the drift repair's passes and findings.
type Metrics struct {
	requests *prometheus.CounterVec
	apply    *prometheus.HistogramVec
	drift    *prometheus.CounterVec
	resyncs  *prometheus.CounterVec
}

// NewMetrics creates the metrics and registers them with reg (e.g.
// controller-runtime's metrics.Registry).
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "avil4_avi_api_requests_total",
			Help: "Requests to the Avi controller by HTTP method and outcome (the status code, or \"error\" when no answer came).",
		}, []string{"method", "outcome"}),
		apply: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "avil4_apply_duration_seconds",
			Help:    "Time to apply (or delete) one Set on the Avi controller, by result.",
			Buckets: prometheus.ExponentialBuckets(0.005, 2, 12),
		}, []string{"result"}),
		drift: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "avil4_drift_repairs_total",
			Help: "Avi objects the drift repair found changed, deleted or left over out of band (and had repaired), by Avi kind.",
		}, []string{"kind"}),
		resyncs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "avil4_resyncs_total",
			Help: "Drift repair passes by result (\"converged\", \"drift\" when some Set differed, \"error\").",
		}, []string{"result"}),
	}
	reg.MustRegister(m.requests, m.apply, m.drift, m.resyncs)
	return m
}

// Transport wraps an http.RoundTripper so every request to the controller
// is counted.
func (m *Metrics) Transport(next http.RoundTripper) http.RoundTripper {
	if m == nil {
		return next
	}
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(r)
		outcome := "error"
		if err == nil {
			outcome = strconv.Itoa(resp.StatusCode)
		}
		m.requests.WithLabelValues(r.Method, outcome).Inc()
		return resp, err
	})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func (m *Metrics) observeApply(d time.Duration, err error) {
	if m == nil {
		return
	}
	result := "success"
	if err != nil {
		result = "error"
	}
	m.apply.WithLabelValues(result).Observe(d.Seconds())
}

func (m *Metrics) observeDrift(kind string) {
	if m != nil {
		m.drift.WithLabelValues(kind).Inc()
	}
}

func (m *Metrics) observeResync(result string) {
	if m != nil {
		m.resyncs.WithLabelValues(result).Inc()
	}
}
