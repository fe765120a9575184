package avitest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strconv"
	"testing"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/internal/gen"
	"github.com/avil4/avil4/l4"
)

// benchSizes are the Service counts of the scale benchmarks (issue 14).
var benchSizes = []int{100, 1000, 10000}

// seeded returns a fake holding the Sets of n generated Services (3 ports,
// so 6 objects each), seeded without HTTP.
func seeded(b *testing.B, n int) *avitest.Server {
	b.Helper()
	objs := gen.Generate(gen.Config{Services: n, Endpoints: 3})
	s := avitest.New()
	for i := range objs.Services {
		res := l4.TranslateService(l4.ServiceInput{Service: &objs.Services[i], EndpointSlices: objs.EndpointSlices[i : i+1]},
			l4.Options{ClusterName: "bench", License: "ENTERPRISE"})
		if res.Set == nil {
			b.Fatalf("translating %d: %v", i, res.Errors)
		}
		for _, o := range res.Set.Objects() {
			if _, err := s.Seed("", o.AviKind(), o); err != nil {
				b.Fatal(err)
			}
		}
	}
	return s
}

// get does a basic-auth GET and discards the body.
func get(b *testing.B, s *avitest.Server, path string) {
	req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
	req.SetBasicAuth(s.Username(), s.Password())
	req.Header.Set("X-Avi-Version", "30.2.1")
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil || resp.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d %v", path, resp.StatusCode, err)
	}
}

// heapLive reads the live heap after a GC (runtime/metrics).
func heapLive() uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	return sample[0].Value.Uint64()
}

// BenchmarkListPools lists every pool of a fake holding n Services' objects
// (3n pools) in pages of 200 with include_name, as a bulk resync does. One
// op is the whole list; pages/op and ns/object say how a page's cost grows
// with the store. Run it with:
//
//	go test ./avitest -run '^$' -bench ListPools -benchmem
func BenchmarkListPools(b *testing.B) {
	for _, n := range benchSizes {
		b.Run("services="+strconv.Itoa(n), func(b *testing.B) {
			s := seeded(b, n)
			defer s.Close()
			pages := (3*n + 199) / 200
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				for p := 1; p <= pages; p++ {
					get(b, s, "/api/pool?include_name=true&page_size=200&page="+strconv.Itoa(p))
				}
			}
			b.ReportMetric(float64(pages), "pages/op")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(3*n), "ns/object")
			b.ReportMetric(float64(heapLive())/(1<<20), "live-MiB")
		})
	}
}

// BenchmarkCreatePool POSTs one pool per op (with basic auth) into a fake
// already holding n Services' objects: the write path (body read, schema
// validation, refs, storing, rendering the reply) should not depend on n.
func BenchmarkCreatePool(b *testing.B) {
	for _, n := range []int{100, 10000} {
		b.Run("services="+strconv.Itoa(n), func(b *testing.B) {
			s := seeded(b, n)
			defer s.Close()
			pool := aviobj.Pool{Name: "p", TenantRef: aviobj.RefByName(aviobj.KindTenant, "admin"),
				HealthMonitorRefs: []string{aviobj.RefByName(aviobj.KindHealthMonitor, "System-TCP")},
				Servers:           []aviobj.Server{{IP: aviobj.IPAddr{Addr: "10.0.0.1", Type: "V4"}, Port: 8080}}}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				pool.Name = fmt.Sprintf("bench-%d", i)
				body, _ := json.Marshal(&pool)
				req, _ := http.NewRequest(http.MethodPost, s.URL()+"/api/pool", bytes.NewReader(body))
				req.SetBasicAuth(s.Username(), s.Password())
				req.Header.Set("X-Avi-Version", "30.2.1")
				req.Header.Set("Content-Type", "application/json")
				resp, err := s.HTTPClient().Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					b.Fatalf("POST: %d", resp.StatusCode)
				}
			}
		})
	}
}
