package reconciler_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/avil4/avil4/examples/controller/reconciler"
)

type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, errors.New("connection refused")
}

// TestMetricsTransport counts Avi API requests by method and outcome.
func TestMetricsTransport(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := reconciler.NewMetrics(reg)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusConflict)
		}
	}))
	defer srv.Close()
	c := &http.Client{Transport: m.Transport(http.DefaultTransport), Timeout: 5 * time.Second}
	for _, method := range []string{http.MethodGet, http.MethodGet, http.MethodPost} {
		req, _ := http.NewRequest(method, srv.URL, nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	broken := &http.Client{Transport: m.Transport(failingTransport{})}
	if _, err := broken.Get(srv.URL); err == nil {
		t.Fatal("want an error")
	}
	want := `
# HELP avil4_avi_api_requests_total Requests to the Avi controller by HTTP method and outcome (the status code, or "error" when no answer came).
# TYPE avil4_avi_api_requests_total counter
avil4_avi_api_requests_total{method="GET",outcome="200"} 2
avil4_avi_api_requests_total{method="GET",outcome="error"} 1
avil4_avi_api_requests_total{method="POST",outcome="409"} 1
`
	if err := testutil.GatherAndCompare(reg, strings.NewReader(want), "avil4_avi_api_requests_total"); err != nil {
		t.Error(err)
	}
}
