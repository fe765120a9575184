package reconciler_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/rest"
	ctrlclient "sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/l4"
)

var bg = context.Background()

func lbService(ns, name string, ports ...corev1.ServicePort) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Selector: map[string]string{"app": name}, Ports: ports},
	}
}

func port(name string, proto corev1.Protocol, p int32) corev1.ServicePort {
	return corev1.ServicePort{Name: name, Protocol: proto, Port: p, TargetPort: intstr.FromInt32(p)}
}

func slice(ns, svc string, ports []corev1.ServicePort, ips ...string) *discoveryv1.EndpointSlice {
	s := &discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Namespace: ns, Name: svc + "-1", Labels: map[string]string{discoveryv1.LabelServiceName: svc}},
		AddressType: discoveryv1.AddressTypeIPv4,
	}
	for _, p := range ports {
		s.Ports = append(s.Ports, discoveryv1.EndpointPort{Name: &p.Name, Protocol: &p.Protocol, Port: &p.Port})
	}
	ready := true
	for _, ip := range ips {
		s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}})
	}
	return s
}

func get(t *testing.T, key types.NamespacedName, obj ctrlclient.Object) {
	t.Helper()
	if err := admin.Get(bg, key, obj); err != nil {
		t.Fatal(err)
	}
}

// update re-reads obj and applies mutate until the write succeeds.
func update[T ctrlclient.Object](t *testing.T, obj T, mutate func(T)) {
	t.Helper()
	eventually(t, "updating "+obj.GetName(), func() error {
		if err := admin.Get(bg, ctrlclient.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		mutate(obj)
		return admin.Update(bg, obj)
	})
}

func pools(fake *avitest.Server) []string { return fake.Names("admin", "pool") }

func serverCount(t *testing.T, fake *avitest.Server, pool string) int {
	var p aviobj.Pool
	if ok, err := fake.Decode("admin", "pool", pool, &p); err != nil || !ok {
		return -1
	}
	return len(p.Servers)
}

func condition(conds []metav1.Condition, t string) *metav1.Condition {
	return meta.FindStatusCondition(conds, t)
}

// TestServiceLifecycle: an SCTP LoadBalancer Service is programmed and gets
// its VIP; a port is added and removed; endpoints scale changes only pool
// servers; a type change and a delete remove every Avi object.
func TestServiceLifecycle(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	op := startOperator(t, ns, l4.Options{}, nil)
	sctp := port("ngap", corev1.ProtocolSCTP, 38412)
	svc := lbService(ns, "amf", sctp)
	if err := admin.Create(bg, svc); err != nil {
		t.Fatal(err)
	}
	es := slice(ns, "amf", []corev1.ServicePort{sctp}, "10.1.0.1")
	if err := admin.Create(bg, es); err != nil {
		t.Fatal(err)
	}
	vs := "c1--" + ns + "-amf"
	sctpPool := vs + "-SCTP-38412"
	key := types.NamespacedName{Namespace: ns, Name: "amf"}

	eventually(t, "SCTP Service programmed with its VIP in status", func() error {
		var got corev1.Service
		get(t, key, &got)
		if len(got.Status.LoadBalancer.Ingress) != 1 {
			return fmt.Errorf("ingress %v", got.Status.LoadBalancer.Ingress)
		}
		if want := op.fake.VIPs("admin", vs); !slices.Equal(want, []string{got.Status.LoadBalancer.Ingress[0].IP}) {
			return fmt.Errorf("status ingress %v, fake VIPs %v", got.Status.LoadBalancer.Ingress, want)
		}
		if c := condition(got.Status.Conditions, reconciler.ConditionProgrammed); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("Programmed condition %v", c)
		}
		if !controllerutil.ContainsFinalizer(&got, reconciler.Finalizer) {
			return fmt.Errorf("no finalizer")
		}
		if serverCount(t, op.fake, sctpPool) != 1 {
			return fmt.Errorf("pools %v", pools(op.fake))
		}
		return nil
	})
	var pool aviobj.Pool
	op.fake.Decode("admin", "pool", sctpPool, &pool)
	if r, _ := aviobj.ParseRef(pool.HealthMonitorRefs[0]); r.Name != "System-SCTP" {
		t.Errorf("SCTP pool monitor %s", pool.HealthMonitorRefs)
	}
	eventually(t, "a Synced event", func() error {
		var evs eventsv1.EventList
		if err := admin.List(bg, &evs, ctrlclient.InNamespace(ns)); err != nil {
			return err
		}
		for _, e := range evs.Items {
			if e.Reason == reconciler.ReasonSynced && e.Regarding.Name == "amf" {
				return nil
			}
		}
		return fmt.Errorf("no Synced event among %d", len(evs.Items))
	})

	// Endpoints scale up, then down: only the pool changes on the controller.
	op.fake.ResetCalls()
	update(t, es, func(s *discoveryv1.EndpointSlice) {
		*s = *slice(ns, "amf", []corev1.ServicePort{sctp}, "10.1.0.1", "10.1.0.2")
		s.ResourceVersion = ""
	})
	eventually(t, "pool scaled up", func() error {
		if n := serverCount(t, op.fake, sctpPool); n != 2 {
			return fmt.Errorf("%d servers", n)
		}
		return nil
	})
	update(t, es, func(s *discoveryv1.EndpointSlice) { s.Endpoints = s.Endpoints[:1] })
	eventually(t, "pool scaled down", func() error {
		if n := serverCount(t, op.fake, sctpPool); n != 1 {
			return fmt.Errorf("%d servers", n)
		}
		return nil
	})
	calls := op.fake.Calls()
	if w, pw := calls.Writes(), calls.Kind("pool").Writes(); w != pw || pw == 0 {
		t.Errorf("scaling wrote %d times, %d to pools; want pool writes only: %s", w, pw, calls)
	}

	// Add a TCP port, then remove the SCTP one.
	tcp := port("sbi", corev1.ProtocolTCP, 8080)
	update(t, svc, func(s *corev1.Service) { s.Spec.Ports = append(s.Spec.Ports, tcp) })
	eventually(t, "TCP port added", func() error {
		if got := pools(op.fake); !slices.Equal(got, []string{sctpPool, vs + "-TCP-8080"}) {
			return fmt.Errorf("pools %v", got)
		}
		return nil
	})
	update(t, svc, func(s *corev1.Service) { s.Spec.Ports = s.Spec.Ports[1:] })
	eventually(t, "SCTP port removed", func() error {
		if got := pools(op.fake); !slices.Equal(got, []string{vs + "-TCP-8080"}) {
			return fmt.Errorf("pools %v", got)
		}
		return nil
	})

	// Type change: everything goes, status and finalizer too.
	update(t, svc, func(s *corev1.Service) {
		s.Spec.Type = corev1.ServiceTypeClusterIP
		for i := range s.Spec.Ports {
			s.Spec.Ports[i].NodePort = 0
		}
		s.Spec.AllocateLoadBalancerNodePorts = nil
		s.Spec.ExternalTrafficPolicy = ""
	})
	eventually(t, "ClusterIP Service released", func() error {
		var got corev1.Service
		get(t, key, &got)
		if n := op.fake.Count("virtualservice") + op.fake.Count("pool") + op.fake.Count("vsvip") + op.fake.Count("l4policyset"); n != 0 {
			return fmt.Errorf("%d objects left", n)
		}
		if controllerutil.ContainsFinalizer(&got, reconciler.Finalizer) || len(got.Status.LoadBalancer.Ingress) > 0 {
			return fmt.Errorf("finalizer %v, ingress %v", got.Finalizers, got.Status.LoadBalancer.Ingress)
		}
		return nil
	})

	// Back to LoadBalancer, then delete: the finalizer holds the Service
	// until its objects are gone.
	update(t, svc, func(s *corev1.Service) { s.Spec.Type = corev1.ServiceTypeLoadBalancer })
	eventually(t, "programmed again", func() error {
		if op.fake.Count("virtualservice") != 1 {
			return fmt.Errorf("no VirtualService")
		}
		return nil
	})
	if err := admin.Delete(bg, svc); err != nil {
		t.Fatal(err)
	}
	eventually(t, "deleted Service cleaned up", func() error {
		if n := op.fake.Count("virtualservice") + op.fake.Count("pool") + op.fake.Count("vsvip"); n != 0 {
			return fmt.Errorf("%d objects left", n)
		}
		var got corev1.Service
		if err := admin.Get(bg, key, &got); !apierrors.IsNotFound(err) {
			return fmt.Errorf("Service still there (%v)", err)
		}
		return nil
	})
}

// TestNodePortLocalSCTP: in NodePortLocal mode the SCTP port is reported as
// a port error in status; the TCP port is served from Antrea's mapping.
func TestNodePortLocalSCTP(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	op := startOperator(t, ns, l4.Options{BackendMode: l4.BackendNodePortLocal}, nil)
	svc := lbService(ns, "mixed", port("sctp", corev1.ProtocolSCTP, 9000), corev1.ServicePort{Name: "tcp", Protocol: corev1.ProtocolTCP, Port: 80, TargetPort: intstr.FromInt32(8080)})
	if err := admin.Create(bg, svc); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "mixed-1", Labels: map[string]string{"app": "mixed"},
			Annotations: map[string]string{l4.AnnotationNodePortLocal: `[{"podPort":8080,"nodeIP":"192.168.1.11","nodePort":61000,"protocol":"tcp"}]`}},
		Spec: corev1.PodSpec{NodeName: "n1", Containers: []corev1.Container{{Name: "app", Image: "app"}}},
	}
	if err := admin.Create(bg, pod); err != nil {
		t.Fatal(err)
	}
	pool := "c1--" + ns + "-mixed-TCP-80"
	eventually(t, "SCTP port error in status, TCP served", func() error {
		var got corev1.Service
		get(t, types.NamespacedName{Namespace: ns, Name: "mixed"}, &got)
		c := condition(got.Status.Conditions, l4.ConditionLoadBalancerPortsError)
		if c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("LoadBalancerPortsError %v", c)
		}
		if len(got.Status.LoadBalancer.Ingress) != 1 || len(got.Status.LoadBalancer.Ingress[0].Ports) != 2 {
			return fmt.Errorf("ingress %+v", got.Status.LoadBalancer.Ingress)
		}
		p := got.Status.LoadBalancer.Ingress[0].Ports[0]
		if p.Protocol != corev1.ProtocolSCTP || p.Error == nil || *p.Error != l4.PortErrorUnsupportedProtocol {
			return fmt.Errorf("SCTP port status %+v", p)
		}
		if n := serverCount(t, op.fake, pool); n != 1 {
			return fmt.Errorf("TCP pool servers %d (pools %v)", n, pools(op.fake))
		}
		return nil
	})
}

// TestSharedVIPJoinLeave: two Services share a VIP; one leaves and gets its
// own; the last member's deletion removes the group's objects.
func TestSharedVIPJoinLeave(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	op := startOperator(t, ns, l4.Options{}, nil)
	a := lbService(ns, "a", port("s", corev1.ProtocolSCTP, 5000))
	b := lbService(ns, "b", port("u", corev1.ProtocolUDP, 53))
	for _, s := range []*corev1.Service{a, b} {
		s.Annotations = map[string]string{l4.AnnotationSharedVIP: "edge"}
		if err := admin.Create(bg, s); err != nil {
			t.Fatal(err)
		}
	}
	group := "c1--" + ns + "-edge"
	ingress := func(name string) string {
		var got corev1.Service
		get(t, types.NamespacedName{Namespace: ns, Name: name}, &got)
		if len(got.Status.LoadBalancer.Ingress) == 0 {
			return ""
		}
		return got.Status.LoadBalancer.Ingress[0].IP
	}
	eventually(t, "group programmed, one VIP for both", func() error {
		if got := pools(op.fake); !slices.Equal(got, []string{"c1--" + ns + "-a-edge-SCTP-5000", "c1--" + ns + "-b-edge-UDP-53"}) {
			return fmt.Errorf("pools %v", got)
		}
		vip := op.fake.VIPs("admin", group)
		if len(vip) != 1 || ingress("a") != vip[0] || ingress("b") != vip[0] {
			return fmt.Errorf("VIP %v, a %q, b %q", vip, ingress("a"), ingress("b"))
		}
		return nil
	})
	update(t, b, func(s *corev1.Service) { delete(s.Annotations, l4.AnnotationSharedVIP) })
	eventually(t, "b left the group for its own VirtualService", func() error {
		got := pools(op.fake)
		if !slices.Equal(got, []string{"c1--" + ns + "-a-edge-SCTP-5000", "c1--" + ns + "-b-UDP-53"}) {
			return fmt.Errorf("pools %v", got)
		}
		if ingress("b") == "" || ingress("b") == ingress("a") {
			return fmt.Errorf("b's VIP %q, a's %q", ingress("b"), ingress("a"))
		}
		return nil
	})
	if err := admin.Delete(bg, a); err != nil {
		t.Fatal(err)
	}
	eventually(t, "group removed with its last member", func() error {
		if names := op.fake.Names("admin", "virtualservice"); !slices.Equal(names, []string{"c1--" + ns + "-b"}) {
			return fmt.Errorf("virtual services %v", names)
		}
		return nil
	})
}

// TestGatewayV1: a v1 Gateway with SCTP, TCP and UDP listeners, served by a
// labelled Service, a TCPRoute and a UDPRoute.
func TestGatewayV1(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	op := startOperator(t, ns, l4.Options{}, nil)
	cls := &gatewayv1.GatewayClass{ObjectMeta: metav1.ObjectMeta{Name: "avi-" + ns},
		Spec: gatewayv1.GatewayClassSpec{ControllerName: l4.GatewayControllerName}}
	gw := &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "ran"}, Spec: gatewayv1.GatewaySpec{
		GatewayClassName: gatewayv1.ObjectName(cls.Name),
		Listeners: []gatewayv1.Listener{
			{Name: "ngap", Port: 38412, Protocol: "SCTP"},
			{Name: "sbi", Port: 8080, Protocol: gatewayv1.TCPProtocolType},
			{Name: "gtpu", Port: 2152, Protocol: gatewayv1.UDPProtocolType},
		}}}
	amf := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "amf",
		Labels: map[string]string{l4.LabelGatewayName: "ran", l4.LabelGatewayNamespace: ns}},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{port("ngap", corev1.ProtocolSCTP, 38412)}}}
	sbi := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sbi"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{port("http", corev1.ProtocolTCP, 8080)}}}
	upf := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "upf"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{port("gtpu", corev1.ProtocolUDP, 2152)}}}
	section := func(s string) *gatewayv1.SectionName { v := gatewayv1.SectionName(s); return &v }
	portNum := func(p int32) *gatewayv1.PortNumber { v := gatewayv1.PortNumber(p); return &v }
	tcpRoute := &gatewayv1.TCPRoute{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sbi"}, Spec: gatewayv1.TCPRouteSpec{
		CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{Name: "ran", SectionName: section("sbi")}}},
		Rules:           []gatewayv1.TCPRouteRule{{BackendRefs: []gatewayv1.BackendRef{{BackendObjectReference: gatewayv1.BackendObjectReference{Name: "sbi", Port: portNum(8080)}}}}}}}
	udpRoute := &gatewayv1.UDPRoute{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "upf"}, Spec: gatewayv1.UDPRouteSpec{
		CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{Name: "ran", SectionName: section("gtpu")}}},
		Rules:           []gatewayv1.UDPRouteRule{{BackendRefs: []gatewayv1.BackendRef{{BackendObjectReference: gatewayv1.BackendObjectReference{Name: "upf", Port: portNum(2152)}}}}}}}
	for _, o := range []ctrlclient.Object{cls, gw, amf, sbi, upf, tcpRoute, udpRoute} {
		if err := admin.Create(bg, o); err != nil {
			t.Fatalf("creating %T: %v", o, err)
		}
	}
	vs := "c1--" + ns + "-ran"
	eventually(t, "Gateway programmed", func() error {
		var got gatewayv1.Gateway
		get(t, types.NamespacedName{Namespace: ns, Name: "ran"}, &got)
		for _, ct := range []gatewayv1.GatewayConditionType{gatewayv1.GatewayConditionAccepted, gatewayv1.GatewayConditionProgrammed} {
			if c := condition(got.Status.Conditions, string(ct)); c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != got.Generation {
				return fmt.Errorf("%s %v", ct, c)
			}
		}
		if len(got.Status.Addresses) != 1 || got.Status.Addresses[0].Value != op.fake.VIPs("admin", vs)[0] {
			return fmt.Errorf("addresses %v", got.Status.Addresses)
		}
		if len(got.Status.Listeners) != 3 {
			return fmt.Errorf("listeners %v", got.Status.Listeners)
		}
		for _, l := range got.Status.Listeners {
			if c := condition(l.Conditions, string(gatewayv1.ListenerConditionProgrammed)); c == nil || c.Status != metav1.ConditionTrue {
				return fmt.Errorf("listener %s Programmed %v", l.Name, c)
			}
		}
		want := []string{"c1--" + ns + "-amf-ran-SCTP-38412", "c1--" + ns + "-sbi-ran-TCP-8080", "c1--" + ns + "-upf-ran-UDP-2152"}
		if got := pools(op.fake); !slices.Equal(got, want) {
			return fmt.Errorf("pools %v", got)
		}
		var tr gatewayv1.TCPRoute
		get(t, types.NamespacedName{Namespace: ns, Name: "sbi"}, &tr)
		if len(tr.Status.Parents) != 1 || condition(tr.Status.Parents[0].Conditions, "Accepted") == nil {
			return fmt.Errorf("TCPRoute parents %v", tr.Status.Parents)
		}
		var gc gatewayv1.GatewayClass
		get(t, types.NamespacedName{Name: cls.Name}, &gc)
		if c := condition(gc.Status.Conditions, "Accepted"); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("class Accepted %v", c)
		}
		return nil
	})
	var v aviobj.VirtualService
	op.fake.Decode("admin", "virtualservice", vs, &v)
	if r, _ := aviobj.ParseRef(v.NetworkProfileRef); r.Name != "System-TCP-Proxy" || len(v.Services) != 3 {
		t.Errorf("VirtualService profile %s, services %v", v.NetworkProfileRef, v.Services)
	}

	// Deleting the Gateway removes its Avi objects, then the Gateway.
	if err := admin.Delete(bg, gw); err != nil {
		t.Fatal(err)
	}
	eventually(t, "deleted Gateway cleaned up", func() error {
		if n := op.fake.Count("virtualservice") + op.fake.Count("pool") + op.fake.Count("vsvip") + op.fake.Count("l4policyset"); n != 0 {
			return fmt.Errorf("%d objects left", n)
		}
		var got gatewayv1.Gateway
		if err := admin.Get(bg, types.NamespacedName{Namespace: ns, Name: "ran"}, &got); !apierrors.IsNotFound(err) {
			return fmt.Errorf("Gateway still there (%v)", err)
		}
		return nil
	})
}

// TestOtherClassUntouched: a Service of another load balancer class gets
// no finalizer, no status and no Avi objects.
func TestOtherClassUntouched(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	op := startOperator(t, ns, l4.Options{}, nil)
	other := lbService(ns, "metallb", port("s", corev1.ProtocolSCTP, 5000))
	class := "metallb.io/metallb"
	other.Spec.LoadBalancerClass = &class
	ours := lbService(ns, "ours", port("s", corev1.ProtocolSCTP, 5000))
	for _, s := range []*corev1.Service{other, ours} {
		if err := admin.Create(bg, s); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "our Service programmed (a barrier: the other has been seen too)", func() error {
		if op.fake.Count("virtualservice") != 1 {
			return fmt.Errorf("virtual services %v", op.fake.Names("admin", "virtualservice"))
		}
		return nil
	})
	time.Sleep(500 * time.Millisecond)
	var got corev1.Service
	get(t, types.NamespacedName{Namespace: ns, Name: "metallb"}, &got)
	if len(got.Finalizers) > 0 || len(got.Status.Conditions) > 0 || len(got.Status.LoadBalancer.Ingress) > 0 || got.Annotations[reconciler.AnnotationProgrammed] != "" {
		t.Errorf("the other class's Service was touched: finalizers %v, status %+v, annotations %v", got.Finalizers, got.Status, got.Annotations)
	}
	if names := op.fake.Names("admin", "virtualservice"); !slices.Equal(names, []string{"c1--" + ns + "-ours"}) {
		t.Errorf("virtual services %v", names)
	}
}

// TestControllerOutage: while the Avi controller answers 503 the Service
// reports SyncFailed and is retried with backoff; once it recovers the
// Service converges.
func TestControllerOutage(t *testing.T) {
	requireEnv(t)
	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
	t.Cleanup(fake.Close)
	fake.SetFault(func(avitest.Request) *avitest.Fault { return &avitest.Fault{Status: 503, Message: "controller down"} })
	ns := newNamespace(t, nil)
	startOperator(t, ns, l4.Options{}, fake)
	svc := lbService(ns, "amf", port("s", corev1.ProtocolSCTP, 38412))
	if err := admin.Create(bg, svc); err != nil {
		t.Fatal(err)
	}
	key := types.NamespacedName{Namespace: ns, Name: "amf"}
	eventually(t, "SyncFailed reported", func() error {
		var got corev1.Service
		get(t, key, &got)
		if c := condition(got.Status.Conditions, reconciler.ConditionProgrammed); c == nil || c.Reason != reconciler.ReasonSyncFailed {
			return fmt.Errorf("Programmed %v", c)
		}
		return nil
	})
	fake.SetFault(nil)
	eventually(t, "converged after the outage", func() error {
		var got corev1.Service
		get(t, key, &got)
		if c := condition(got.Status.Conditions, reconciler.ConditionProgrammed); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("Programmed %v", c)
		}
		if len(got.Status.LoadBalancer.Ingress) != 1 {
			return fmt.Errorf("ingress %v", got.Status.LoadBalancer.Ingress)
		}
		return nil
	})
}

// TestImpersonationIsReal: the operator's client really is the
// ServiceAccount (so the suite proves config/rbac is enough): it may list
// Services but not Secrets.
func TestImpersonationIsReal(t *testing.T) {
	requireEnv(t)
	cfg := rest.CopyConfig(adminCfg)
	cfg.Impersonate = rest.ImpersonationConfig{UserName: serviceAccount}
	c, err := ctrlclient.New(cfg, ctrlclient.Options{Scheme: reconciler.Scheme()})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.List(bg, &corev1.ServiceList{}); err != nil {
		t.Errorf("listing Services as the ServiceAccount: %v", err)
	}
	if err := c.List(bg, &corev1.SecretList{}); !apierrors.IsForbidden(err) {
		t.Errorf("listing Secrets as the ServiceAccount: %v, want Forbidden", err)
	}
}

// TestInvalidSpec: a spec that cannot be served is reported in status and
// an event, writes nothing to the Avi controller and is not retried hot;
// fixing it programs the Service.
func TestInvalidSpec(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	op := startOperator(t, ns, l4.Options{}, nil)
	svc := lbService(ns, "typo", port("s", corev1.ProtocolSCTP, 38412))
	svc.Annotations = map[string]string{l4.AnnotationLoadBalancerIP: "10.0.0.300"}
	if err := admin.Create(bg, svc); err != nil {
		t.Fatal(err)
	}
	key := types.NamespacedName{Namespace: ns, Name: "typo"}
	eventually(t, "InvalidSpec in status and in an event", func() error {
		var got corev1.Service
		get(t, key, &got)
		c := condition(got.Status.Conditions, reconciler.ConditionProgrammed)
		if c == nil || c.Reason != reconciler.ReasonInvalidSpec || !strings.Contains(c.Message, "ako.vmware.com/load-balancer-ip") {
			return fmt.Errorf("Programmed %v", c)
		}
		var evs eventsv1.EventList
		if err := admin.List(bg, &evs, ctrlclient.InNamespace(ns)); err != nil {
			return err
		}
		for _, e := range evs.Items {
			if e.Reason == reconciler.ReasonInvalidSpec && e.Regarding.Name == "typo" {
				return nil
			}
		}
		return fmt.Errorf("no InvalidSpec event")
	})
	var before corev1.Service
	get(t, key, &before)
	time.Sleep(time.Second)
	var after corev1.Service
	get(t, key, &after)
	if before.ResourceVersion != after.ResourceVersion || op.fake.Calls().Total() != 0 {
		t.Errorf("an invalid spec was retried hot: resourceVersion %s -> %s, %d Avi calls", before.ResourceVersion, after.ResourceVersion, op.fake.Calls().Total())
	}
	update(t, svc, func(s *corev1.Service) { s.Annotations[l4.AnnotationLoadBalancerIP] = "10.50.0.30" })
	eventually(t, "programmed once fixed, on the preferred VIP", func() error {
		var got corev1.Service
		get(t, key, &got)
		if c := condition(got.Status.Conditions, reconciler.ConditionProgrammed); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("Programmed %v", c)
		}
		if len(got.Status.LoadBalancer.Ingress) != 1 || got.Status.LoadBalancer.Ingress[0].IP != "10.50.0.30" {
			return fmt.Errorf("ingress %v", got.Status.LoadBalancer.Ingress)
		}
		return nil
	})
}

// TestAviInfraSettings: a GatewayClass parametersRef and a Service
// annotation name AviInfraSettings, read as unstructured objects; their SE
// group and VIP network reach the Avi objects (the VIP comes from that
// network).
func TestAviInfraSettings(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	fake := avitest.New(avitest.WithNetwork("vip-telco", "10.60.0.0/24"), avitest.WithSEGroups("seg-telco"))
	t.Cleanup(fake.Close)
	op := startOperator(t, ns, l4.Options{}, fake)
	infra := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "ako.vmware.com/v1beta1", "kind": "AviInfraSetting",
		"metadata": map[string]any{"name": "telco-" + ns},
		"spec": map[string]any{
			"seGroup": map[string]any{"name": "seg-telco"},
			"network": map[string]any{"vipNetworks": []any{map[string]any{"networkName": "vip-telco", "cidr": "10.60.0.0/24"}}},
		},
	}}
	if err := admin.Create(bg, infra); err != nil {
		t.Fatal(err)
	}
	cls := &gatewayv1.GatewayClass{ObjectMeta: metav1.ObjectMeta{Name: "avi-infra-" + ns}, Spec: gatewayv1.GatewayClassSpec{
		ControllerName: l4.GatewayControllerName,
		ParametersRef:  &gatewayv1.ParametersReference{Group: l4.AviInfraSettingGroup, Kind: "AviInfraSetting", Name: "telco-" + ns}}}
	gw := &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "gw"}, Spec: gatewayv1.GatewaySpec{
		GatewayClassName: gatewayv1.ObjectName(cls.Name),
		Listeners:        []gatewayv1.Listener{{Name: "s", Port: 2905, Protocol: "SCTP"}}}}
	svc := lbService(ns, "annotated", port("s", corev1.ProtocolSCTP, 38412))
	svc.Annotations = map[string]string{l4.AnnotationInfraSetting: "telco-" + ns}
	for _, o := range []ctrlclient.Object{cls, gw, svc} {
		if err := admin.Create(bg, o); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "SE group from the AviInfraSetting on both VirtualServices", func() error {
		for _, name := range []string{"c1--" + ns + "-gw", "c1--" + ns + "-annotated"} {
			var v aviobj.VirtualService
			if ok, err := op.fake.Decode("admin", "virtualservice", name, &v); err != nil || !ok {
				return fmt.Errorf("%s not there yet (%v)", name, err)
			}
			if r, _ := aviobj.ParseRef(v.SEGroupRef); r.Name != "seg-telco" {
				return fmt.Errorf("%s se_group_ref %s", name, v.SEGroupRef)
			}
			if vips := op.fake.VIPs("admin", name); len(vips) != 1 || !strings.HasPrefix(vips[0], "10.60.0.") {
				return fmt.Errorf("%s VIPs %v, want one from the AviInfraSetting's network", name, vips)
			}
		}
		var gc gatewayv1.GatewayClass
		get(t, types.NamespacedName{Name: cls.Name}, &gc)
		if c := condition(gc.Status.Conditions, "Accepted"); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("class Accepted %v", c)
		}
		return nil
	})
}
