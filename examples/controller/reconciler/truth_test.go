package reconciler_test

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	ctrlclient "sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/l4"
)

// degraded checks a Service's Degraded condition: its reason and lines
// containing each of want.
func degraded(t *testing.T, ns, name, reason string, want ...string) error {
	var got corev1.Service
	get(t, types.NamespacedName{Namespace: ns, Name: name}, &got)
	c := condition(got.Status.Conditions, reconciler.ConditionDegraded)
	if c == nil || c.Reason != reason {
		return fmt.Errorf("%s: Degraded %v, want reason %s", name, c, reason)
	}
	for _, w := range want {
		if !strings.Contains(c.Message, w) {
			return fmt.Errorf("%s: Degraded message %q lacks %q", name, c.Message, w)
		}
	}
	return nil
}

// onlyOnce waits for exactly one event of the operator containing parts.
func onlyOnce(t *testing.T, obs *observed, parts ...string) func() error {
	return func() error {
		if got := obs.events.matching(parts...); len(got) != 1 {
			return fmt.Errorf("%d event(s) with %q: %q", len(got), parts, got)
		}
		return nil
	}
}

func lbAlgorithm(t *testing.T, fake *avitest.Server, pool string) string {
	var p aviobj.Pool
	if ok, err := fake.Decode("admin", "pool", pool, &p); err != nil || !ok {
		return "<no pool>"
	}
	return p.LBAlgorithm
}

// TestBadOverrideEntry: an invalid avil4.io/port-overrides entry no longer
// refuses the Service: it is left out (its port is served with the
// defaults) and reported on its field, in the Degraded condition and one
// Warning event; the good entries apply and pool membership keeps
// following the endpoints. The same holds for a shared-VIP member.
func TestBadOverrideEntry(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	var obs observed
	op := startOperatorWith(t, ns, l4.Options{}, nil, obs.hooks(nil))
	sctp, tcp := port("s", corev1.ProtocolSCTP, 38412), port("t", corev1.ProtocolTCP, 80)
	amf := lbService(ns, "amf", sctp, tcp)
	amf.Annotations = map[string]string{l4.AnnotationPortOverrides: `
- port: TCP/80
  lbAlgorithm: LB_ALGORITHM_ROUND_ROBIN
- port: SCTP/38412
  lbAlgorithm: LB_ALGORITHM_NOPE
- port: UDP/9999
  lbAlgorithm: LB_ALGORITHM_ROUND_ROBIN
`}
	x := lbService(ns, "x", port("s", corev1.ProtocolSCTP, 5000))
	x.Annotations = map[string]string{l4.AnnotationSharedVIP: "edge", l4.AnnotationPortOverrides: `[{"port": "SCTP/5000", "lbAlgorithm": "LB_ALGORITHM_NOPE"}]`}
	y := lbService(ns, "y", port("u", corev1.ProtocolUDP, 53))
	y.Annotations = map[string]string{l4.AnnotationSharedVIP: "edge"}
	es := slice(ns, "amf", []corev1.ServicePort{sctp, tcp}, "10.1.0.1")
	for _, o := range []ctrlclient.Object{amf, x, y, es} {
		if err := admin.Create(bg, o); err != nil {
			t.Fatal(err)
		}
	}
	vs := "c1--" + ns + "-amf"
	sctpPool, tcpPool := vs+"-SCTP-38412", vs+"-TCP-80"
	entry := "metadata.annotations[avil4.io/port-overrides][1].lbAlgorithm"
	eventuallyLong(t, "served without the bad entry, which is reported", func() error {
		if err := programmed(t, ns, "amf", "x", "y")(); err != nil {
			return err
		}
		if got := lbAlgorithm(t, op.fake, tcpPool); got != aviobj.LBAlgorithmRoundRobin {
			return fmt.Errorf("TCP pool lb_algorithm %q: the good entry is not applied", got)
		}
		if got := lbAlgorithm(t, op.fake, sctpPool); got == "LB_ALGORITHM_NOPE" || got == "<no pool>" {
			return fmt.Errorf("SCTP pool lb_algorithm %q", got)
		}
		if err := degraded(t, ns, "amf", reconciler.ReasonOverrideIgnored, entry,
			// the warning names the entry as written ([2]), not as
			// re-translated ([1])
			"metadata.annotations[avil4.io/port-overrides][2].port: UDP/9999 matches no port"); err != nil {
			return err
		}
		if err := degraded(t, ns, "x", reconciler.ReasonOverrideIgnored, "metadata.annotations[avil4.io/port-overrides][0].lbAlgorithm"); err != nil {
			return err
		}
		if err := degraded(t, ns, "y", reconciler.ReasonServedAsWritten); err != nil {
			return err
		}
		if _, ok := op.fake.Object("admin", "pool", "c1--"+ns+"-x-edge-SCTP-5000"); !ok {
			return fmt.Errorf("the member's pool is missing: %v", pools(op.fake))
		}
		for _, want := range [][]string{
			{"amf Warning " + reconciler.ReasonOverrideIgnored, entry},
			{"amf Warning " + reconciler.ReasonTranslationWarning, "[2].port"},
			{"x Warning " + reconciler.ReasonOverrideIgnored, "[0].lbAlgorithm"},
		} {
			if err := onlyOnce(t, &obs, want...)(); err != nil {
				return err
			}
		}
		return nil
	})
	update(t, es, func(s *discoveryv1.EndpointSlice) {
		ready := true
		s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{Addresses: []string{"10.1.0.2"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}})
	})
	eventuallyLong(t, "pool membership follows the endpoints", func() error {
		for _, p := range []string{sctpPool, tcpPool} {
			if n := serverCount(t, op.fake, p); n != 2 {
				return fmt.Errorf("pool %s has %d server(s), want 2", p, n)
			}
		}
		return nil
	})
	if err := onlyOnce(t, &obs, "amf Warning "+reconciler.ReasonOverrideIgnored)(); err != nil {
		t.Errorf("the bad entry was announced again: %v", err)
	}
	// Fixed: the condition says so.
	update(t, amf, func(s *corev1.Service) { delete(s.Annotations, l4.AnnotationPortOverrides) })
	eventuallyLong(t, "served as written once fixed", func() error {
		return degraded(t, ns, "amf", reconciler.ReasonServedAsWritten)
	})
}

// TestRefusedPortWarning: a port l4 refuses (SCTP in NodePortLocal mode)
// is a Warning event and a Degraded line with its field path.
func TestRefusedPortWarning(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	var obs observed
	startOperatorWith(t, ns, l4.Options{BackendMode: l4.BackendNodePortLocal}, nil, obs.hooks(nil))
	svc := lbService(ns, "mixed", port("sctp", corev1.ProtocolSCTP, 9000), corev1.ServicePort{Name: "tcp", Protocol: corev1.ProtocolTCP, Port: 80, TargetPort: intstr.FromInt32(8080)})
	if err := admin.Create(bg, svc); err != nil {
		t.Fatal(err)
	}
	eventuallyLong(t, "refused port reported", func() error {
		if err := degraded(t, ns, "mixed", reconciler.ReasonPortNotServed, "spec.ports[0].protocol"); err != nil {
			return err
		}
		return onlyOnce(t, &obs, "mixed Warning "+reconciler.ReasonPortNotServed, "spec.ports[0].protocol")()
	})
}

// TestSharedVIPOutage: while the Avi controller fails, every member of a
// shared-VIP group says Programmed=False (SyncFailed); then it converges.
func TestSharedVIPOutage(t *testing.T) {
	requireEnv(t)
	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
	t.Cleanup(fake.Close)
	fake.SetFault(func(avitest.Request) *avitest.Fault { return &avitest.Fault{Status: 503, Message: "controller down"} })
	ns := newNamespace(t, nil)
	startOperator(t, ns, l4.Options{}, fake)
	for _, s := range []*corev1.Service{lbService(ns, "a", port("s", corev1.ProtocolSCTP, 5000)), lbService(ns, "b", port("u", corev1.ProtocolUDP, 53))} {
		s.Annotations = map[string]string{l4.AnnotationSharedVIP: "edge"}
		if err := admin.Create(bg, s); err != nil {
			t.Fatal(err)
		}
	}
	eventuallyLong(t, "SyncFailed on every member", func() error {
		for _, n := range []string{"a", "b"} {
			var got corev1.Service
			get(t, types.NamespacedName{Namespace: ns, Name: n}, &got)
			if c := condition(got.Status.Conditions, reconciler.ConditionProgrammed); c == nil || c.Status != metav1.ConditionFalse || c.Reason != reconciler.ReasonSyncFailed {
				return fmt.Errorf("%s: Programmed %v", n, c)
			}
		}
		return nil
	})
	fake.SetFault(nil)
	eventuallyLong(t, "converged after the outage", programmed(t, ns, "a", "b"))
}

// TestRestartZeroWrites: an operator restarted over converged state — with
// a translation warning, a refused port and a shared-VIP group — makes no
// write to the Avi controller and no write to the API server (no status
// update, no event), counted request by request, once every object's
// reconcile has run.
func TestRestartZeroWrites(t *testing.T) {
	requireEnv(t)
	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
	t.Cleanup(fake.Close)
	ns := newNamespace(t, nil)
	var first observed
	op := startOperatorWith(t, ns, l4.Options{}, fake, first.hooks(nil))
	sctp, tcp := port("s", corev1.ProtocolSCTP, 38412), port("t", corev1.ProtocolTCP, 8080)
	amf := lbService(ns, "amf", sctp, tcp)
	amf.Annotations = map[string]string{l4.AnnotationPortOverrides: "- port: UDP/9999\n  lbAlgorithm: LB_ALGORITHM_ROUND_ROBIN\n"}
	a := lbService(ns, "a", port("s", corev1.ProtocolSCTP, 5000))
	b := lbService(ns, "b", port("s", corev1.ProtocolSCTP, 5000), port("u", corev1.ProtocolUDP, 53))
	a.Annotations = map[string]string{l4.AnnotationSharedVIP: "edge"}
	b.Annotations = map[string]string{l4.AnnotationSharedVIP: "edge"}
	for _, o := range []ctrlclient.Object{amf, a, b, slice(ns, "amf", []corev1.ServicePort{sctp, tcp}, "10.1.0.1")} {
		if err := admin.Create(bg, o); err != nil {
			t.Fatal(err)
		}
	}
	eventuallyLong(t, "converged, warnings announced once", func() error {
		if err := programmed(t, ns, "amf", "a", "b")(); err != nil {
			return err
		}
		if err := degraded(t, ns, "amf", reconciler.ReasonTranslationWarning, "[0].port: UDP/9999"); err != nil {
			return err
		}
		if err := degraded(t, ns, "b", reconciler.ReasonPortNotServed, `spec.ports[0]: Duplicate value: "SCTP/5000"`); err != nil {
			return err
		}
		if err := onlyOnce(t, &first, "amf Warning "+reconciler.ReasonTranslationWarning)(); err != nil {
			return err
		}
		return onlyOnce(t, &first, "b Warning "+reconciler.ReasonPortNotServed)()
	})
	converged(t, op, 2)
	op.stop()

	fake.ResetCalls()
	svcs, groups := reconciles(t, "service"), reconciles(t, "sharedvip")
	var second observed
	startOperatorWith(t, ns, l4.Options{}, fake, second.hooks(nil))
	eventuallyLong(t, "every object reconciled by the restarted operator", func() error {
		if n := reconciles(t, "service") - svcs; n < 3 {
			return fmt.Errorf("%v Service reconciles", n)
		}
		if n := reconciles(t, "sharedvip") - groups; n < 1 {
			return fmt.Errorf("%v group reconciles", n)
		}
		return nil
	})
	if fake.Calls().Method("GET") == 0 {
		t.Errorf("the restarted operator read nothing from the controller: %s", fake.Calls())
	}
	if w := fake.Calls().Writes(); w != 0 {
		t.Errorf("restart made %d write(s) to the Avi controller: %s", w, fake.Calls())
	}
	if w := second.api.in(ns); len(w) != 0 {
		t.Errorf("restart wrote to the API server: %q", w)
	}
	if e := second.events.all(); len(e) != 0 {
		t.Errorf("restart emitted events: %q", e)
	}
}
