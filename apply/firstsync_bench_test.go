package apply_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/internal/gen"
	"github.com/avil4/avil4/l4"
)

// firstSyncRTT is the delay every server of BenchmarkFirstSync adds to each
// request: the round trip to a controller.
const firstSyncRTT = 5 * time.Millisecond

// BenchmarkFirstSync applies the Sets of 100, 1,000 and 10,000 generated
// Services (6 objects each) to an empty controller at concurrency 8 (the default) and
// 16, against three servers that each answer after firstSyncRTT, and
// reports each wall time as a ratio to its floor, calls x RTT / C:
//
//   - avitest: the fake controller (validation, storage, VIP allocation);
//   - echo: a controller that does nothing but answer (login, empty lists,
//     a POST's body echoed with a uuid), so what is over its floor is
//     avil4's client and applier;
//   - pair: net/http alone sending as many POSTs of the same bodies, C at a
//     time, to a TLS server that echoes them: what Go's HTTPS costs here.
//
// Run it with:
//
//	go test ./apply -run '^$' -bench 'FirstSync/services=(100|1000)$/' -benchtime 1x -count 3
//
// (services=10000 takes about five minutes a run: 60,000 writes of 5 ms,
// 8 or 16 at a time, for each of the three servers).
func BenchmarkFirstSync(b *testing.B) {
	for _, services := range []int{100, 1000, 10000} {
		b.Run("services="+strconv.Itoa(services), func(b *testing.B) { benchFirstSync(b, services) })
	}
}

// benchFirstSync is BenchmarkFirstSync for one number of Services.
func benchFirstSync(b *testing.B, services int) {
	objs := gen.Generate(gen.Config{Services: services})
	sets := make([]*aviobj.Set, services)
	var bodies [][]byte
	for i := range objs.Services {
		sets[i] = setFor(b, l4.ServiceInput{Service: &objs.Services[i], EndpointSlices: objs.EndpointSlices[i : i+1]})
		for _, o := range sets[i].Objects() {
			body, err := json.Marshal(o)
			if err != nil {
				b.Fatal(err)
			}
			bodies = append(bodies, body)
		}
	}
	for _, conc := range []int{apply.DefaultConcurrency, 16} {
		b.Run("C="+strconv.Itoa(conc)+"/server=avitest", func(b *testing.B) {
			firstSync(b, sets, conc, func() (*client.Client, func() int, func()) {
				fake := avitest.New(avitest.WithLatency(firstSyncRTT), avitest.WithVIPRange("10.60.0.0/16"))
				c := fake.Client(b)
				login(b, c)
				fake.ResetCalls()
				return c, func() int { return fake.Calls().Total() }, fake.Close
			})
		})
		b.Run("C="+strconv.Itoa(conc)+"/server=echo", func(b *testing.B) {
			firstSync(b, sets, conc, func() (*client.Client, func() int, func()) {
				echo := newEchoController()
				c, err := client.New(client.Options{URL: echo.URL, Username: "admin", Password: "secret", CAPool: echo.pool()})
				if err != nil {
					b.Fatal(err)
				}
				login(b, c)
				echo.calls.Store(0)
				return c, func() int { return int(echo.calls.Load()) }, echo.Close
			})
		})
		b.Run("C="+strconv.Itoa(conc)+"/server=pair", func(b *testing.B) {
			for range b.N {
				b.StopTimer()
				srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					time.Sleep(firstSyncRTT)
					body, _ := io.ReadAll(r.Body)
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusCreated)
					_, _ = w.Write(body)
				}))
				tr := srv.Client().Transport.(*http.Transport).Clone()
				tr.MaxIdleConnsPerHost = conc
				hc := &http.Client{Transport: tr}
				b.StartTimer()
				start := time.Now()
				sendAll(b, hc, srv.URL+"/api/pool", bodies, conc)
				d := time.Since(start)
				b.StopTimer()
				reportFloor(b, len(bodies), conc, d)
				tr.CloseIdleConnections()
				srv.Close()
				b.StartTimer()
			}
		})
	}
}

// reportFloor reports the calls, the wall time and its ratio to
// calls x firstSyncRTT / conc.
func reportFloor(b *testing.B, calls, conc int, d time.Duration) {
	floor := time.Duration(calls) * firstSyncRTT / time.Duration(conc)
	b.ReportMetric(float64(calls), "calls")
	b.ReportMetric(d.Seconds(), "s")
	b.ReportMetric(d.Seconds()/floor.Seconds(), "x-floor")
}

// sendAll POSTs every body to url, conc requests at a time.
func sendAll(b *testing.B, hc *http.Client, url string, bodies [][]byte, conc int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, conc)
	for range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= len(bodies) {
					return
				}
				resp, err := hc.Post(url, "application/json", bytes.NewReader(bodies[i]))
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// firstSync times, b.N times, one ApplyAll of sets at concurrency conc to
// a server that start starts (untimed), returning a logged-in client, the
// count of API calls since it started and how to stop it.
func firstSync(b *testing.B, sets []*aviobj.Set, conc int, start func() (*client.Client, func() int, func())) {
	b.Helper()
	for range b.N {
		b.StopTimer()
		c, calls, stop := start()
		a := apply.New(c, apply.Options{Concurrency: conc})
		b.StartTimer()
		began := time.Now()
		if _, err := a.ApplyAll(context.Background(), sets); err != nil {
			b.Fatal(err)
		}
		d := time.Since(began)
		b.StopTimer()
		reportFloor(b, calls(), conc, d)
		stop()
		b.StartTimer()
	}
}

// login logs c in, so the timed part starts with a session.
func login(b *testing.B, c *client.Client) {
	b.Helper()
	if err := c.Login(context.Background()); err != nil {
		b.Fatal(err)
	}
}

// echoController answers just enough of the Avi API for a first sync, after
// firstSyncRTT, keeping nothing: a login with a session and CSRF token, an
// empty page for every list, and a POST's body echoed with a uuid and url.
// It counts the /api/ requests.
type echoController struct {
	*httptest.Server
	calls atomic.Int64
	uuids atomic.Int64
}

func newEchoController() *echoController {
	e := &echoController{}
	e.Server = httptest.NewTLSServer(http.HandlerFunc(e.serve))
	return e
}

// pool is the certificate pool that trusts the echo controller.
func (e *echoController) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(e.Certificate())
	return p
}

func (e *echoController) serve(w http.ResponseWriter, r *http.Request) {
	time.Sleep(firstSyncRTT)
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path == "/login" {
		_, _ = io.Copy(io.Discard, r.Body)
		http.SetCookie(w, &http.Cookie{Name: "csrftoken", Value: "echo-csrf", Path: "/", Secure: true})
		http.SetCookie(w, &http.Cookie{Name: "sessionid", Value: "echo-session", Path: "/", Secure: true, HttpOnly: true})
		http.SetCookie(w, &http.Cookie{Name: "avi-sessionid", Value: "echo-session", Path: "/", Secure: true, HttpOnly: true})
		w.Header()["AVI_API_VERSION"] = []string{"30.2.1"}
		_, _ = io.WriteString(w, `{"version":{"Version":"30.2.1"},"system_config":{"default_license_tier":"ENTERPRISE"}}`)
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/api/") {
		http.NotFound(w, r)
		return
	}
	e.calls.Add(1)
	kind := strings.Trim(strings.TrimPrefix(r.URL.Path, "/api/"), "/")
	switch r.Method {
	case http.MethodGet:
		_, _ = io.WriteString(w, `{"count":0,"results":[]}`)
	case http.MethodPost:
		body, err := io.ReadAll(r.Body)
		if err != nil || len(body) < 2 || body[0] != '{' {
			http.Error(w, `{"error":"JSON parse error"}`, http.StatusBadRequest)
			return
		}
		// The body with a uuid and url spliced in front of its fields: no
		// decoding, as a controller doing nothing would answer.
		uuid := kind + "-echo-" + strconv.FormatInt(e.uuids.Add(1), 10)
		reply := make([]byte, 0, len(body)+128)
		reply = append(reply, `{"uuid":"`...)
		reply = append(reply, uuid...)
		reply = append(reply, `","url":"https://`...)
		reply = append(reply, r.Host...)
		reply = append(reply, "/api/"+kind+"/"+uuid+`"`...)
		if len(body) > 2 {
			reply = append(reply, ',')
		}
		reply = append(reply, body[1:]...)
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write(reply)
	default:
		http.Error(w, `{"error":"not in the echo controller"}`, http.StatusMethodNotAllowed)
	}
}
