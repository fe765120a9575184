package reconciler_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/events"
	ctrlclient "sigs.k8s.io/controller-runtime/pkg/client"
	ctrlmetrics "sigs.k8s.io/controller-runtime/pkg/metrics"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/l4"
)

// These tests wait on conditions only, each for up to two minutes (the
// machines running them are loaded), and trigger periodic work directly
// (Resync.RunOnce) instead of waiting for a period.

// eventuallyLong retries check until it succeeds or two minutes pass.
func eventuallyLong(t *testing.T, what string, check func() error) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	var err error
	for time.Now().Before(deadline) {
		if err = check(); err == nil {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("%s: still failing after 2m: %v", what, err)
}

// recorder counts the events the reconcilers emit (synchronously, unlike
// the API requests that carry them) and passes them on.
type recorder struct {
	next events.EventRecorder
	mu   sync.Mutex
	got  []string // "<regarding name> <type> <reason>: <note>"
}

func (r *recorder) Eventf(regarding, related runtime.Object, eventtype, reason, action, note string, args ...any) {
	name := ""
	if o, ok := regarding.(metav1.Object); ok {
		name = o.GetName()
	}
	r.mu.Lock()
	r.got = append(r.got, fmt.Sprintf("%s %s %s: %s", name, eventtype, reason, fmt.Sprintf(note, args...)))
	r.mu.Unlock()
	r.next.Eventf(regarding, related, eventtype, reason, action, note, args...)
}

// matching returns the events whose text contains every part.
func (r *recorder) matching(parts ...string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.got {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(e, p)
		}
		if ok {
			out = append(out, e)
		}
	}
	return out
}

func (r *recorder) all() []string { return r.matching() }

// requests counts the operator's requests to the API server that are not
// reads, by "<METHOD> <path>".
type requests struct {
	mu     sync.Mutex
	writes []string
}

func (q *requests) wrap(cfg *rest.Config) {
	cfg.Wrap(func(next http.RoundTripper) http.RoundTripper {
		return roundTrip(func(r *http.Request) (*http.Response, error) {
			if r.Method != http.MethodGet {
				q.mu.Lock()
				q.writes = append(q.writes, r.Method+" "+r.URL.Path)
				q.mu.Unlock()
			}
			return next.RoundTrip(r)
		})
	})
}

// in returns the writes to paths under namespace ns.
func (q *requests) in(ns string) []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	var out []string
	for _, w := range q.writes {
		if strings.Contains(w, "/namespaces/"+ns+"/") {
			out = append(out, w)
		}
	}
	return out
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// observed wires a recorder, a request counter and a metrics registry
// into an operator.
type observed struct {
	events *recorder
	api    *requests
	reg    *prometheus.Registry
}

func (o *observed) hooks(more func(*reconciler.Config)) operatorHooks {
	o.api, o.reg = &requests{}, prometheus.NewRegistry()
	return operatorHooks{
		rest: o.api.wrap,
		config: func(c *reconciler.Config) {
			o.events = &recorder{next: c.Recorder}
			c.Recorder = o.events
			c.Metrics = reconciler.NewMetrics(o.reg)
			if more != nil {
				more(c)
			}
		},
	}
}

func (o *observed) counter(name string, labels ...string) float64 {
	mfs, err := o.reg.Gather()
	if err != nil {
		return -1
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	metrics:
		for _, m := range mf.GetMetric() {
			for i := 0; i+1 < len(labels); i += 2 {
				found := false
				for _, lp := range m.GetLabel() {
					found = found || (lp.GetName() == labels[i] && lp.GetValue() == labels[i+1])
				}
				if !found {
					continue metrics
				}
			}
			total += m.GetCounter().GetValue()
		}
	}
	return total
}

// reconciles is controller-runtime's count of finished reconciles of a
// controller, all operators of the test binary together (tests run one at
// a time, and each stops its operators).
func reconciles(t *testing.T, controller string) float64 {
	t.Helper()
	mfs, err := ctrlmetrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == "controller" && lp.GetValue() == controller {
					total += m.GetCounter().GetValue()
				}
			}
		}
	}
	return total
}

func programmed(t *testing.T, ns string, names ...string) func() error {
	return func() error {
		for _, n := range names {
			var got corev1.Service
			get(t, types.NamespacedName{Namespace: ns, Name: n}, &got)
			if c := condition(got.Status.Conditions, reconciler.ConditionProgrammed); c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != got.Generation {
				return fmt.Errorf("%s: Programmed %v", n, c)
			}
			if len(got.Status.LoadBalancer.Ingress) == 0 {
				return fmt.Errorf("%s: no ingress", n)
			}
		}
		return nil
	}
}

// dropPool deletes a pool out of band, with the policy-set rule that
// refers to it (the controller refuses to delete a pool in use).
func dropPool(t *testing.T, fake *avitest.Server, policySet, pool string) {
	t.Helper()
	p, ok := fake.Object("admin", "pool", pool)
	if !ok {
		t.Fatalf("pool %s not there", pool)
	}
	uuid, _ := p["uuid"].(string)
	if err := fake.Edit("admin", "l4policyset", policySet, func(obj map[string]any) {
		cp, _ := obj["l4_connection_policy"].(map[string]any)
		rules, _ := cp["rules"].([]any)
		var kept []any
		for _, r := range rules {
			if !strings.Contains(fmt.Sprint(r), uuid) {
				kept = append(kept, r)
			}
		}
		cp["rules"] = kept
	}); err != nil {
		t.Fatal(err)
	}
	if err := fake.Remove("admin", "pool", pool); err != nil {
		t.Fatal(err)
	}
}

// converged waits until a resync pass finds no drift in the n Sets (the
// reconciles of the last changes may still be writing), then checks that
// one more pass writes nothing to the controller: anything still running
// is converged too.
func converged(t *testing.T, op *operator, n int) {
	t.Helper()
	eventuallyLong(t, "converged", func() error {
		res, err := op.cfg.Resync().RunOnce(bg)
		if err != nil || res.Checked != n || len(res.Drifted) != 0 || res.Failed != 0 {
			return fmt.Errorf("pass: %+v, %v", res, err)
		}
		return nil
	})
	op.fake.ResetCalls()
	res, err := op.cfg.Resync().RunOnce(bg)
	if err != nil || res.Checked != n || len(res.Drifted) != 0 {
		t.Fatalf("converged pass: %+v, %v", res, err)
	}
	if w := op.fake.Calls().Writes(); w != 0 {
		t.Errorf("a converged pass made %d write(s): %s", w, op.fake.Calls())
	}
}

// TestDriftRepair: a pool deleted and a VirtualService field changed behind
// the operator's back, on a dedicated Service and a shared-VIP group, are
// found by one resync pass (Warning events naming the objects and the
// field, the drift counter), repaired by the owners' reconciles, and a
// converged pass writes nothing.
func TestDriftRepair(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	var obs observed
	op := startOperatorWith(t, ns, l4.Options{}, nil, obs.hooks(nil))
	sctp, tcp := port("s", corev1.ProtocolSCTP, 38412), port("t", corev1.ProtocolTCP, 8080)
	amf := lbService(ns, "amf", sctp, tcp)
	a := lbService(ns, "a", port("s", corev1.ProtocolSCTP, 5000))
	b := lbService(ns, "b", port("u", corev1.ProtocolUDP, 53))
	a.Annotations = map[string]string{l4.AnnotationSharedVIP: "edge"}
	b.Annotations = map[string]string{l4.AnnotationSharedVIP: "edge"}
	for _, o := range []ctrlclient.Object{amf, a, b, slice(ns, "amf", []corev1.ServicePort{sctp, tcp}, "10.1.0.1")} {
		if err := admin.Create(bg, o); err != nil {
			t.Fatal(err)
		}
	}
	eventuallyLong(t, "programmed", programmed(t, ns, "amf", "a", "b"))
	vs, group := "c1--"+ns+"-amf", "c1--"+ns+"-edge"
	tcpPool, groupPool := vs+"-TCP-8080", "c1--"+ns+"-b-edge-UDP-53"
	resync := op.cfg.Resync()

	converged(t, op, 2)

	// Out of band: a pool of each Set deleted, a VirtualService field
	// changed. The operator's own reconciles of the first minutes (status
	// writes requeue the group) repair drift too, so this is retried until
	// one pass finds both Sets drifted; that pass's events and counts are
	// checked.
	var pass []string
	var pools0, vss0 float64
	eventuallyLong(t, "one resync pass finds both Sets drifted", func() error {
		for _, d := range [][2]string{{vs, tcpPool}, {group, groupPool}} {
			if _, ok := op.fake.Object("admin", "pool", d[1]); ok {
				dropPool(t, op.fake, d[0], d[1])
			}
		}
		if err := op.fake.Edit("admin", "virtualservice", vs, func(obj map[string]any) { obj["traffic_enabled"] = false }); err != nil {
			return err
		}
		n := len(obs.events.all())
		pools0, vss0 = obs.counter("avil4_drift_repairs_total", "kind", "pool"), obs.counter("avil4_drift_repairs_total", "kind", "virtualservice")
		res, err := resync.RunOnce(bg)
		if err != nil || res.Checked != 2 || !slices.Equal(res.Drifted, []string{"admin/" + vs, "admin/" + group}) {
			return fmt.Errorf("drift pass: %+v, %v", res, err)
		}
		pass = obs.events.all()[n:]
		return nil
	})
	for _, want := range [][]string{
		{"amf Warning " + reconciler.ReasonDriftDetected, `pool "` + tcpPool + `" is missing`},
		{"amf Warning " + reconciler.ReasonDriftDetected, `virtualservice "` + vs + `" was changed out of band in traffic_enabled`},
		{"a Warning " + reconciler.ReasonDriftDetected, `pool "` + groupPool + `" is missing`},
		{"b Warning " + reconciler.ReasonDriftDetected, `pool "` + groupPool + `" is missing`},
	} {
		n := 0
		for _, e := range pass {
			if strings.Contains(e, want[0]) && strings.Contains(e, want[1]) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("want one event with %q; the pass emitted:\n%s", want, strings.Join(pass, "\n"))
		}
	}
	if got := obs.counter("avil4_drift_repairs_total", "kind", "pool") - pools0; got != 2 {
		t.Errorf("avil4_drift_repairs_total{kind=pool} grew by %v, want 2", got)
	}
	if got := obs.counter("avil4_drift_repairs_total", "kind", "virtualservice") - vss0; got != 1 {
		t.Errorf("avil4_drift_repairs_total{kind=virtualservice} grew by %v, want 1", got)
	}
	eventuallyLong(t, "repaired by the owners' reconciles", func() error {
		for _, p := range []string{tcpPool, groupPool} {
			if _, ok := op.fake.Object("admin", "pool", p); !ok {
				return fmt.Errorf("pool %s not back", p)
			}
		}
		var v aviobj.VirtualService
		if ok, err := op.fake.Decode("admin", "virtualservice", vs, &v); !ok || err != nil || v.TrafficEnabled == nil || !*v.TrafficEnabled {
			return fmt.Errorf("virtualservice %s: traffic_enabled %v (%v)", vs, v.TrafficEnabled, err)
		}
		if n := serverCount(t, op.fake, tcpPool); n != 1 {
			return fmt.Errorf("pool %s has %d server(s)", tcpPool, n)
		}
		if err := programmed(t, ns, "amf", "a", "b")(); err != nil {
			return err
		}
		if res, err := resync.RunOnce(bg); err != nil || len(res.Drifted) > 0 {
			return fmt.Errorf("still drifted: %+v, %v", res, err)
		}
		return nil
	})

	// Repaired: the next pass finds nothing and writes nothing.
	before := len(obs.events.matching(reconciler.ReasonDriftDetected))
	converged(t, op, 2)
	if after := len(obs.events.matching(reconciler.ReasonDriftDetected)); after != before {
		t.Errorf("a converged pass emitted %d drift event(s)", after-before)
	}
	if got := obs.counter("avil4_resyncs_total", "result", "drift"); got < 1 {
		t.Errorf("avil4_resyncs_total{result=drift} = %v", got)
	}
	if got := obs.counter("avil4_resyncs_total", "result", "converged"); got < 2 {
		t.Errorf("avil4_resyncs_total{result=converged} = %v", got)
	}
}

// TestDriftRepairPeriodic: with a resync period set, a VirtualService
// deleted out of band comes back without any change in the cluster.
func TestDriftRepairPeriodic(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	op := startOperatorWith(t, ns, l4.Options{}, nil, operatorHooks{config: func(c *reconciler.Config) { c.ResyncPeriod = time.Second }})
	if err := admin.Create(bg, lbService(ns, "amf", port("s", corev1.ProtocolSCTP, 38412))); err != nil {
		t.Fatal(err)
	}
	eventuallyLong(t, "programmed", programmed(t, ns, "amf"))
	vs := "c1--" + ns + "-amf"
	if err := op.fake.Remove("admin", "virtualservice", vs); err != nil {
		t.Fatal(err)
	}
	eventuallyLong(t, "the VirtualService is back", func() error {
		if _, ok := op.fake.Object("admin", "virtualservice", vs); !ok {
			return fmt.Errorf("%s not back", vs)
		}
		return nil
	})
}

// TestDriftRepairGateway: the Gateway's Set is re-checked too; its deleted
// VirtualService is reported on the Gateway and comes back.
func TestDriftRepairGateway(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	var obs observed
	op := startOperatorWith(t, ns, l4.Options{}, nil, obs.hooks(nil))
	cls := &gatewayv1.GatewayClass{ObjectMeta: metav1.ObjectMeta{Name: "avi-drift-" + ns},
		Spec: gatewayv1.GatewayClassSpec{ControllerName: l4.GatewayControllerName}}
	gw := &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ran"}, Spec: gatewayv1.GatewaySpec{
		GatewayClassName: gatewayv1.ObjectName(cls.Name),
		Listeners:        []gatewayv1.Listener{{Name: "ngap", Port: 38412, Protocol: "SCTP"}}}}
	amf := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "amf",
		Labels: map[string]string{l4.LabelGatewayName: "ran", l4.LabelGatewayNamespace: ns}},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{port("ngap", corev1.ProtocolSCTP, 38412)}}}
	for _, o := range []ctrlclient.Object{cls, gw, amf} {
		if err := admin.Create(bg, o); err != nil {
			t.Fatalf("creating %T: %v", o, err)
		}
	}
	vs := "c1--" + ns + "-ran"
	eventuallyLong(t, "Gateway programmed", func() error {
		if _, ok := op.fake.Object("admin", "virtualservice", vs); !ok {
			return fmt.Errorf("%s not there", vs)
		}
		return nil
	})
	converged(t, op, 1)
	eventuallyLong(t, "drift of the Gateway found", func() error {
		if _, ok := op.fake.Object("admin", "virtualservice", vs); ok {
			if err := op.fake.Remove("admin", "virtualservice", vs); err != nil {
				return err
			}
		}
		res, err := op.cfg.Resync().RunOnce(bg)
		if err != nil || !slices.Equal(res.Drifted, []string{"admin/" + vs}) {
			return fmt.Errorf("pass: %+v, %v", res, err)
		}
		return nil
	})
	if len(obs.events.matching("ran Warning "+reconciler.ReasonDriftDetected, `virtualservice "`+vs+`" is missing`)) == 0 {
		t.Errorf("no drift event on the Gateway: %q", obs.events.all())
	}
	converged(t, op, 1)
	if _, ok := op.fake.Object("admin", "virtualservice", vs); !ok {
		t.Errorf("%s not repaired", vs)
	}
}
