package reconciler_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrlclient "sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/l4"
)

// wait is how long the Gateway tests wait for a condition: generous, the
// machines running the suite are shared.
const wait = 120 * time.Second

// gatewayFixture is a GatewayClass of this controller and a Gateway of it
// in ns, with the given listeners, created (with extra objects) by admin.
func gatewayFixture(t *testing.T, ns, name string, listeners []gatewayv1.Listener, extra ...ctrlclient.Object) *gatewayv1.Gateway {
	t.Helper()
	cls := &gatewayv1.GatewayClass{ObjectMeta: metav1.ObjectMeta{Name: "avi-" + ns + "-" + name},
		Spec: gatewayv1.GatewayClassSpec{ControllerName: l4.GatewayControllerName}}
	gw := &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec: gatewayv1.GatewaySpec{GatewayClassName: gatewayv1.ObjectName(cls.Name), Listeners: listeners}}
	for _, o := range append([]ctrlclient.Object{cls, gw}, extra...) {
		if err := admin.Create(bg, o); err != nil {
			t.Fatalf("creating %T %s: %v", o, o.GetName(), err)
		}
	}
	return gw
}

// labelledService is a ClusterIP Service labelled as a backend of the
// Gateway ns/gw.
func labelledService(ns, name, gw string, ports ...corev1.ServicePort) *corev1.Service {
	return &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name,
		Labels: map[string]string{l4.LabelGatewayName: gw, l4.LabelGatewayNamespace: ns}},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": name}, Ports: ports}}
}

func getGateway(t *testing.T, ns, name string) gatewayv1.Gateway {
	t.Helper()
	var gw gatewayv1.Gateway
	get(t, types.NamespacedName{Namespace: ns, Name: name}, &gw)
	return gw
}

// gatewayProgrammed checks a Gateway's Programmed condition against status and
// reason ("" for any).
func gatewayProgrammed(gw gatewayv1.Gateway, status metav1.ConditionStatus, reason string) error {
	c := condition(gw.Status.Conditions, string(gatewayv1.GatewayConditionProgrammed))
	if c == nil || c.Status != status || reason != "" && c.Reason != reason || c.ObservedGeneration != gw.Generation {
		return fmt.Errorf("Programmed %+v, want %s %s", c, status, reason)
	}
	return nil
}

// classAccepted checks that the GatewayClass of the Gateway ns/name is
// Accepted, so its one status write is behind us.
func classAccepted(t *testing.T, gw gatewayv1.Gateway) error {
	var gc gatewayv1.GatewayClass
	get(t, types.NamespacedName{Name: string(gw.Spec.GatewayClassName)}, &gc)
	if c := condition(gc.Status.Conditions, string(gatewayv1.GatewayClassConditionStatusAccepted)); c == nil || c.Status != metav1.ConditionTrue {
		return fmt.Errorf("class Accepted %+v", c)
	}
	return nil
}

// eventsOf lists the events about the named object of ns.
func eventsOf(t *testing.T, ns, name string) []eventsv1.Event {
	t.Helper()
	var list eventsv1.EventList
	if err := admin.List(bg, &list, ctrlclient.InNamespace(ns)); err != nil {
		t.Fatal(err)
	}
	var out []eventsv1.Event
	for _, e := range list.Items {
		if e.Regarding.Name == name {
			out = append(out, e)
		}
	}
	return out
}

func findEvent(evs []eventsv1.Event, typ, reason, sub string) *eventsv1.Event {
	for i := range evs {
		if evs[i].Type == typ && evs[i].Reason == reason && strings.Contains(evs[i].Note, sub) {
			return &evs[i]
		}
	}
	return nil
}

// touch changes an annotation of obj that no translation reads: the
// object's reconcilers run again with nothing to change.
func touch[T ctrlclient.Object](t *testing.T, obj T) {
	t.Helper()
	touchWith(t, admin, obj)
}

// touchWith is touch through the client c (another API server's).
func touchWith[T ctrlclient.Object](t *testing.T, c ctrlclient.Client, obj T) {
	t.Helper()
	eventuallyWithin(t, wait, "touching "+obj.GetName(), func() error {
		if err := c.Get(bg, ctrlclient.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		ann := obj.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		ann["test.avil4.io/touch"] = time.Now().Format(time.RFC3339Nano)
		obj.SetAnnotations(ann)
		return c.Update(bg, obj)
	})
}

// reconciledAfterTouch touches obj and waits until a reconcile has read
// the touched version and applied the Set named vs (the reconcilers read
// their object first, then apply).
func reconciledAfterTouch[T ctrlclient.Object](t *testing.T, op *instrumented, obj T, vs string) {
	t.Helper()
	touch(t, obj)
	rv, _ := strconv.ParseInt(obj.GetResourceVersion(), 10, 64)
	eventuallyWithin(t, wait, "a reconcile of the touched "+obj.GetName(), func() error {
		m := op.reads.mark(obj)
		if m.rv < rv {
			return fmt.Errorf("read at resourceVersion %d, waiting for %d", m.rv, rv)
		}
		if op.applier.count(vs) <= m.applied[vs] {
			return fmt.Errorf("read resourceVersion %d, not applied yet", m.rv)
		}
		return nil
	})
}

// reconciledTwice touches obj twice, each time waiting for a reconcile of
// the touched version to apply vs. One reconcile runs at a time per
// controller, so when the second one applies, the first has finished
// (status, events); and no request the object's earlier writes caused is
// still queued (their events came before the touches and were merged into
// them).
func reconciledTwice[T ctrlclient.Object](t *testing.T, op *instrumented, obj T, vs string) {
	t.Helper()
	reconciledAfterTouch(t, op, obj, vs)
	reconciledAfterTouch(t, op, obj, vs)
}

// TestGatewayWarningEventsOnce: a refused HTTP listener and a library
// warning (a labelled Service port matching no listener) become Warning
// events naming the field or the port; a reconcile with nothing changed
// writes nothing to the cluster (no status, annotation or event: counted
// at the API server); a warning that goes away costs one annotation write
// and no event.
func TestGatewayWarningEventsOnce(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	op := startInstrumented(t, operatorSettings{namespaces: []string{ns}}, l4.Options{}, nil)
	amf := labelledService(ns, "amf", "ran", port("ngap", corev1.ProtocolSCTP, 38412), port("extra", corev1.ProtocolTCP, 9999))
	gatewayFixture(t, ns, "ran", []gatewayv1.Listener{
		{Name: "ngap", Port: 38412, Protocol: "SCTP"},
		{Name: "web", Port: 80, Protocol: gatewayv1.HTTPProtocolType},
	}, amf)
	vs := "c1--" + ns + "-ran"
	eventuallyWithin(t, wait, "Gateway programmed, warnings reported", func() error {
		gw := getGateway(t, ns, "ran")
		if err := gatewayProgrammed(gw, metav1.ConditionTrue, ""); err != nil {
			return err
		}
		if err := classAccepted(t, gw); err != nil {
			return err
		}
		evs := eventsOf(t, ns, "ran")
		if findEvent(evs, corev1.EventTypeWarning, reconciler.ReasonInvalidSpec, "spec.listeners[1].protocol") == nil {
			return fmt.Errorf("no InvalidSpec event for spec.listeners[1].protocol in %v", notes(evs))
		}
		if findEvent(evs, corev1.EventTypeWarning, reconciler.ReasonTranslationWarning, "TCP/9999") == nil {
			return fmt.Errorf("no TranslationWarning event for TCP/9999 in %v", notes(evs))
		}
		return nil
	})

	op.api.reset()
	before := len(eventsOf(t, ns, "ran"))
	reconciledTwice(t, op, &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ran"}}, vs)
	for _, verb := range []string{"update", "create", "patch", "delete"} {
		if n, paths := op.api.snapshot(verb); n != 0 {
			t.Errorf("a reconcile with nothing changed made %d %s request(s) to the API server: %v", n, verb, paths)
		}
	}
	if after := len(eventsOf(t, ns, "ran")); after != before {
		t.Errorf("a reconcile with nothing changed added %d event(s): %v", after-before, notes(eventsOf(t, ns, "ran")))
	}

	// The warning goes away: the record of what was reported changes (one
	// Gateway update), no event is sent.
	update(t, amf, func(s *corev1.Service) { s.Spec.Ports = s.Spec.Ports[:1] })
	eventuallyWithin(t, wait, "the resolved warning forgotten", func() error {
		gw := getGateway(t, ns, "ran")
		if v := gw.Annotations[reconciler.AnnotationReported]; strings.Contains(v, ",") || v == "" {
			return fmt.Errorf("%s %q, want the one fingerprint of the refused listener", reconciler.AnnotationReported, v)
		}
		return nil
	})
	if after := len(eventsOf(t, ns, "ran")); after != before {
		t.Errorf("a resolved warning added %d event(s): %v", after-before, notes(eventsOf(t, ns, "ran")))
	}
}

func notes(evs []eventsv1.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Type+" "+e.Reason+": "+e.Note)
	}
	return out
}

// TestGatewayOutageProgrammedFalse: while the Avi controller answers 503 a
// programmed Gateway and its listeners say Programmed=False, reason
// SyncFailed, with one SyncFailed event; once it recovers they are
// Programmed again.
func TestGatewayOutageProgrammedFalse(t *testing.T) {
	requireEnv(t)
	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
	t.Cleanup(fake.Close)
	ns := newNamespace(t, nil)
	startInstrumented(t, operatorSettings{namespaces: []string{ns}, maxBackoff: 5 * time.Second}, l4.Options{}, fake)
	gw := gatewayFixture(t, ns, "ran", []gatewayv1.Listener{{Name: "ngap", Port: 38412, Protocol: "SCTP"}},
		labelledService(ns, "amf", "ran", port("ngap", corev1.ProtocolSCTP, 38412)))
	eventuallyWithin(t, wait, "Gateway programmed", func() error { return gatewayProgrammed(getGateway(t, ns, "ran"), metav1.ConditionTrue, "") })

	fake.SetFault(func(avitest.Request) *avitest.Fault { return &avitest.Fault{Status: 503, Message: "controller down"} })
	touch(t, gw)
	eventuallyWithin(t, wait, "outage reported on the Gateway", func() error {
		got := getGateway(t, ns, "ran")
		if err := gatewayProgrammed(got, metav1.ConditionFalse, reconciler.ReasonSyncFailed); err != nil {
			return err
		}
		if c := condition(got.Status.Conditions, string(gatewayv1.GatewayConditionProgrammed)); !strings.Contains(c.Message, "Avi controller") {
			return fmt.Errorf("message %q", c.Message)
		}
		if len(got.Status.Listeners) != 1 {
			return fmt.Errorf("listeners %v", got.Status.Listeners)
		}
		if c := condition(got.Status.Listeners[0].Conditions, string(gatewayv1.ListenerConditionProgrammed)); c == nil || c.Status != metav1.ConditionFalse || c.Reason != reconciler.ReasonSyncFailed {
			return fmt.Errorf("listener Programmed %+v", c)
		}
		if len(got.Status.Addresses) != 1 {
			return fmt.Errorf("addresses %v, want the VIP still reported", got.Status.Addresses)
		}
		if findEvent(eventsOf(t, ns, "ran"), corev1.EventTypeWarning, reconciler.ReasonSyncFailed, "") == nil {
			return fmt.Errorf("no SyncFailed event")
		}
		return nil
	})

	fake.SetFault(nil)
	eventuallyWithin(t, wait, "Gateway programmed again after the outage", func() error {
		got := getGateway(t, ns, "ran")
		if err := gatewayProgrammed(got, metav1.ConditionTrue, string(gatewayv1.GatewayReasonProgrammed)); err != nil {
			return err
		}
		if c := condition(got.Status.Listeners[0].Conditions, string(gatewayv1.ListenerConditionProgrammed)); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("listener Programmed %+v", c)
		}
		return nil
	})
}

// TestGatewayDeletedRouteParentsRemoved: deleting a Gateway removes this
// controller's entry for it from its routes' status.parents (the route
// would otherwise keep saying Accepted for a parent that is gone).
func TestGatewayDeletedRouteParentsRemoved(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	startInstrumented(t, operatorSettings{namespaces: []string{ns}}, l4.Options{}, nil)
	sbi := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sbi"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{port("http", corev1.ProtocolTCP, 8080)}}}
	gw := gatewayFixture(t, ns, "ran", []gatewayv1.Listener{{Name: "sbi", Port: 8080, Protocol: gatewayv1.TCPProtocolType}},
		sbi, tcpRoute(ns, "sbi", "ran", "sbi", 8080))
	routeKey := types.NamespacedName{Namespace: ns, Name: "sbi"}
	eventuallyWithin(t, wait, "route accepted", func() error {
		var r gatewayv1.TCPRoute
		get(t, routeKey, &r)
		if len(r.Status.Parents) != 1 {
			return fmt.Errorf("parents %v", r.Status.Parents)
		}
		if c := condition(r.Status.Parents[0].Conditions, string(gatewayv1.RouteConditionAccepted)); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("Accepted %+v", c)
		}
		return nil
	})
	if err := admin.Delete(bg, gw); err != nil {
		t.Fatal(err)
	}
	eventuallyWithin(t, wait, "route parent status removed with the Gateway", func() error {
		var r gatewayv1.TCPRoute
		get(t, routeKey, &r)
		if len(r.Status.Parents) != 0 {
			return fmt.Errorf("parents %+v", r.Status.Parents)
		}
		return nil
	})
}

func tcpRoute(ns, name, gw, svc string, p int32) *gatewayv1.TCPRoute {
	pn := gatewayv1.PortNumber(p)
	return &gatewayv1.TCPRoute{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}, Spec: gatewayv1.TCPRouteSpec{
		CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{Name: gatewayv1.ObjectName(gw)}}},
		Rules:           []gatewayv1.TCPRouteRule{{BackendRefs: []gatewayv1.BackendRef{{BackendObjectReference: gatewayv1.BackendObjectReference{Name: gatewayv1.ObjectName(svc), Port: &pn}}}}}}}
}

// TestGatewaySCTPAttachedRoutes: an SCTP listener served by a labelled
// Service counts it in attachedRoutes (SCTP has no route kind; the label is
// how a backend attaches), as a TCP listener counts its TCPRoute; a
// listener with nothing bound counts 0.
func TestGatewaySCTPAttachedRoutes(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	startInstrumented(t, operatorSettings{namespaces: []string{ns}}, l4.Options{}, nil)
	sbi := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sbi"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{port("http", corev1.ProtocolTCP, 8080)}}}
	gatewayFixture(t, ns, "ran", []gatewayv1.Listener{
		{Name: "ngap", Port: 38412, Protocol: "SCTP"},
		{Name: "sbi", Port: 8080, Protocol: gatewayv1.TCPProtocolType},
		{Name: "idle", Port: 2905, Protocol: "SCTP"},
	}, labelledService(ns, "amf", "ran", port("ngap", corev1.ProtocolSCTP, 38412)), sbi, tcpRoute(ns, "sbi", "ran", "sbi", 8080))
	want := map[gatewayv1.SectionName]int32{"ngap": 1, "sbi": 1, "idle": 0}
	eventuallyWithin(t, wait, "attachedRoutes per listener", func() error {
		gw := getGateway(t, ns, "ran")
		if err := gatewayProgrammed(gw, metav1.ConditionTrue, ""); err != nil {
			return err
		}
		got := map[gatewayv1.SectionName]int32{}
		for _, l := range gw.Status.Listeners {
			got[l.Name] = l.AttachedRoutes
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			return fmt.Errorf("attachedRoutes %v, want %v", got, want)
		}
		return nil
	})
}

// TestReconcileReadsOnlyCache: once the caches are filled, a Service and a
// Gateway reconcile, AviInfraSettings read included, make no list and no
// get at the API server (counted at the transport).
func TestReconcileReadsOnlyCache(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	op := startInstrumented(t, operatorSettings{namespaces: []string{ns}, infraSettings: true}, l4.Options{}, nil)
	svc := lbService(ns, "amf", port("s", corev1.ProtocolSCTP, 38412))
	if err := admin.Create(bg, svc); err != nil {
		t.Fatal(err)
	}
	gw := gatewayFixture(t, ns, "ran", []gatewayv1.Listener{{Name: "ngap", Port: 38412, Protocol: "SCTP"}},
		labelledService(ns, "backend", "ran", port("ngap", corev1.ProtocolSCTP, 38412)))
	eventuallyWithin(t, wait, "Service and Gateway programmed", func() error {
		var s corev1.Service
		get(t, types.NamespacedName{Namespace: ns, Name: "amf"}, &s)
		if c := condition(s.Status.Conditions, reconciler.ConditionProgrammed); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("Service Programmed %v", c)
		}
		return gatewayProgrammed(getGateway(t, ns, "ran"), metav1.ConditionTrue, "")
	})
	op.api.reset()
	reconciledTwice(t, op, svc, "c1--"+ns+"-amf")
	reconciledTwice(t, op, gw, "c1--"+ns+"-ran")
	for _, verb := range []string{"list", "get"} {
		if n, paths := op.api.snapshot(verb); n != 0 {
			t.Errorf("reconciles made %d %s request(s) to the API server: %v", n, verb, paths)
		}
	}
}

// TestServiceChangeRequeuesOnlyItsGateway: a change to a Service (labelled
// or named by a route) or to its EndpointSlices reconciles the Gateway it
// backs, and no other Gateway.
func TestServiceChangeRequeuesOnlyItsGateway(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	op := startInstrumented(t, operatorSettings{namespaces: []string{ns}}, l4.Options{}, nil)
	amfA := labelledService(ns, "amf-a", "gw-a", port("ngap", corev1.ProtocolSCTP, 38412))
	sbiA := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sbi-a"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{port("http", corev1.ProtocolTCP, 8080)}}}
	gatewayFixture(t, ns, "gw-a", []gatewayv1.Listener{
		{Name: "ngap", Port: 38412, Protocol: "SCTP"},
		{Name: "sbi", Port: 8080, Protocol: gatewayv1.TCPProtocolType},
	}, amfA, sbiA, tcpRoute(ns, "sbi-a", "gw-a", "sbi-a", 8080))
	gatewayFixture(t, ns, "gw-b", []gatewayv1.Listener{{Name: "ngap", Port: 38412, Protocol: "SCTP"}},
		labelledService(ns, "amf-b", "gw-b", port("ngap", corev1.ProtocolSCTP, 38412)))
	for _, name := range []string{"gw-a", "gw-b"} {
		eventuallyWithin(t, wait, name+" programmed", func() error {
			gw := getGateway(t, ns, name)
			if err := gatewayProgrammed(gw, metav1.ConditionTrue, ""); err != nil {
				return err
			}
			return classAccepted(t, gw)
		})
	}
	a, b := "c1--"+ns+"-gw-a", "c1--"+ns+"-gw-b"
	// Settle gw-b: requests its own first writes caused are behind two
	// converged reconciles (which write nothing, so cause none).
	reconciledTwice(t, op, &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "gw-b"}}, b)
	settled := op.applier.count(b)
	// Each step waits for gw-a's reconcile; one reconcile runs at a time
	// and the queue is FIFO, so a gw-b request enqueued by the same change
	// would have been reconciled before gw-a's next one.
	step := func(what string, change func()) {
		t.Helper()
		n := op.applier.count(a)
		change()
		eventuallyWithin(t, wait, "gw-a reconciled after "+what, func() error {
			if op.applier.count(a) <= n {
				return fmt.Errorf("not yet")
			}
			return nil
		})
	}
	step("a labelled Service change", func() { touch(t, amfA) })
	step("a change of a Service a route names", func() { touch(t, sbiA) })
	step("a new EndpointSlice of that Service", func() {
		if err := admin.Create(bg, slice(ns, "sbi-a", sbiA.Spec.Ports, "10.1.0.7")); err != nil {
			t.Fatal(err)
		}
	})
	// A barrier: gw-a's own touch is queued after every request the
	// changes above caused.
	reconciledAfterTouch(t, op, &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "gw-a"}}, a)
	if n := op.applier.count(b) - settled; n != 0 {
		t.Errorf("gw-b was reconciled %d time(s) for changes to gw-a's backends", n)
	}
	var eps discoveryv1.EndpointSlice
	get(t, types.NamespacedName{Namespace: ns, Name: "sbi-a-1"}, &eps)
}
