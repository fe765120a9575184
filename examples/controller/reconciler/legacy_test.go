package reconciler_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/examples/controller/reconciler"
	"github.com/avil4/avil4/examples/manifests"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/l4/svcapi"
)

// seedObjects decodes a bundled manifest (examples/manifests, checked
// byte for byte against the seed by examples/translate's TestSeedVerbatim)
// into unstructured objects, in order.
func seedObjects(t *testing.T, name string) []*unstructured.Unstructured {
	t.Helper()
	data, err := fs.ReadFile(manifests.FS(), name)
	if err != nil {
		t.Fatal(err)
	}
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]any
		if err := dec.Decode(&m); errors.Is(err, io.EOF) {
			return out
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if m != nil {
			out = append(out, &unstructured.Unstructured{Object: m})
		}
	}
}

func getLegacyGateway(t *testing.T, nn types.NamespacedName) (*unstructured.Unstructured, svcapi.Gateway) {
	t.Helper()
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(reconciler.LegacyGatewayGVK)
	get(t, nn, u)
	var gw svcapi.Gateway
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &gw); err != nil {
		t.Fatal(err)
	}
	return u, gw
}

// backendCondition checks a Service's ConditionGatewayBackend: it must
// name each want fragment, or be absent when want is empty.
func backendCondition(t *testing.T, nn types.NamespacedName, want ...string) error {
	var svc corev1.Service
	get(t, nn, &svc)
	c := condition(svc.Status.Conditions, reconciler.ConditionGatewayBackend)
	if len(want) == 0 {
		if c != nil {
			return fmt.Errorf("condition still there: %+v", c)
		}
		return nil
	}
	if c == nil || c.Status != metav1.ConditionTrue || c.Reason != reconciler.ReasonBound {
		return fmt.Errorf("condition %+v", c)
	}
	for _, w := range want {
		if !strings.Contains(c.Message, w) {
			return fmt.Errorf("message %q lacks %q", c.Message, w)
		}
	}
	if len(svc.Status.LoadBalancer.Ingress) != 0 {
		return fmt.Errorf("status.loadBalancer written: %v", svc.Status.LoadBalancer)
	}
	return nil
}

// TestLegacySeedGateway applies the SCTP feature's networking.x-k8s.io
// v1alpha1 manifest verbatim (GatewayClass, AviInfraSetting, Gateway,
// backend Service, Deployment): the Gateway gets its Avi objects and its
// status, the class is admitted, the backend Service names the VIP;
// unlabelling the Service clears that, deleting the Gateway removes its
// objects and lets it go.
func TestLegacySeedGateway(t *testing.T) {
	requireEnv(t)
	const ns = "svcapi" // the manifest's
	if err := admin.Create(bg, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: ns}}); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	op := startOperator(t, ns, l4.Options{}, nil)
	objs := seedObjects(t, "sctp-gateway-v1alpha1.yaml")
	for _, o := range objs {
		if err := admin.Create(bg, o); err != nil {
			t.Fatalf("creating %s %s: %v", o.GetKind(), o.GetName(), err)
		}
	}
	t.Cleanup(func() { // the names are the manifest's: leave none for a rerun
		for _, o := range objs {
			_ = admin.Delete(bg, o)
		}
	})
	gwKey := types.NamespacedName{Namespace: ns, Name: "my-gateway"}
	svcKey := types.NamespacedName{Namespace: ns, Name: "avisvc-svcapi"}
	vs := "c1--svcapi-my-gateway"
	pool := "c1--svcapi-avisvc-svcapi-my-gateway-SCTP-6060"
	var vip string
	eventually(t, "legacy Gateway programmed", func() error {
		if got := pools(op.fake); len(got) != 1 || got[0] != pool {
			return fmt.Errorf("pools %v", got)
		}
		vips := op.fake.VIPs("admin", vs)
		if len(vips) != 1 {
			return fmt.Errorf("VIPs %v", vips)
		}
		vip = vips[0]
		_, gw := getLegacyGateway(t, gwKey)
		for _, ct := range []string{svcapi.GatewayConditionScheduled, svcapi.GatewayConditionReady} {
			if c := condition(gw.Status.Conditions, ct); c == nil || c.Status != metav1.ConditionTrue || c.ObservedGeneration != gw.Generation {
				return fmt.Errorf("%s %+v", ct, c)
			}
		}
		if len(gw.Status.Addresses) != 1 || gw.Status.Addresses[0].Value != vip {
			return fmt.Errorf("addresses %v", gw.Status.Addresses)
		}
		if len(gw.Status.Listeners) != 1 || gw.Status.Listeners[0].Port != 6060 || gw.Status.Listeners[0].Protocol != "SCTP" {
			return fmt.Errorf("listeners %+v", gw.Status.Listeners)
		}
		if c := condition(gw.Status.Listeners[0].Conditions, svcapi.ListenerConditionReady); c == nil || c.Status != metav1.ConditionTrue {
			return fmt.Errorf("listener Ready %+v", c)
		}
		cls := &unstructured.Unstructured{}
		cls.SetGroupVersionKind(reconciler.LegacyGatewayClassGVK)
		get(t, types.NamespacedName{Name: "avi-lb"}, cls)
		conds, _, _ := unstructured.NestedSlice(cls.Object, "status", "conditions")
		if len(conds) != 1 || conds[0].(map[string]any)["status"] != "True" ||
			!strings.Contains(fmt.Sprint(conds[0].(map[string]any)["message"]), "my-infrasetting") {
			return fmt.Errorf("class conditions %v", conds)
		}
		return backendCondition(t, svcKey, "Gateway.networking.x-k8s.io svcapi/my-gateway at "+vip+".")
	})
	u, _ := getLegacyGateway(t, gwKey)
	if !strings.Contains(strings.Join(u.GetFinalizers(), ","), reconciler.Finalizer) {
		t.Errorf("finalizers %v", u.GetFinalizers())
	}

	// Drift repair covers legacy Gateways: a VirtualService removed behind
	// the operator's back is found by a pass and put back.
	eventually(t, "drift of the legacy Gateway found", func() error {
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
	eventually(t, "legacy Gateway repaired", func() error {
		if _, ok := op.fake.Object("admin", "virtualservice", vs); !ok {
			return fmt.Errorf("%s not repaired", vs)
		}
		return nil
	})

	// The Service leaves the Gateway: its condition goes.
	var svc corev1.Service
	get(t, svcKey, &svc)
	update(t, &svc, func(s *corev1.Service) { s.Labels = nil })
	eventually(t, "unbound Service cleared", func() error { return backendCondition(t, svcKey) })

	// Deleting the Gateway removes its Avi objects, then the Gateway.
	if err := admin.Delete(bg, u); err != nil {
		t.Fatal(err)
	}
	eventually(t, "deleted legacy Gateway cleaned up", func() error {
		if n := op.fake.Count("virtualservice") + op.fake.Count("pool") + op.fake.Count("vsvip") + op.fake.Count("l4policyset"); n != 0 {
			return fmt.Errorf("%d objects left", n)
		}
		g := &unstructured.Unstructured{}
		g.SetGroupVersionKind(reconciler.LegacyGatewayGVK)
		if err := admin.Get(bg, gwKey, g); !apierrors.IsNotFound(err) {
			return fmt.Errorf("Gateway still there (%v)", err)
		}
		return nil
	})
}

// TestGatewayBackendCondition: a v1 Gateway's labelled and routed backend
// Services name its VIP in ConditionGatewayBackend (Kubernetes refuses
// status.loadBalancer on them); a route dropping a backend, and a label
// removed, clear it.
func TestGatewayBackendCondition(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	op := startOperator(t, ns, l4.Options{}, nil)
	amf := labelledService(ns, "amf", "ran", port("ngap", corev1.ProtocolSCTP, 38412))
	sbi := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "sbi"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{port("http", corev1.ProtocolTCP, 8080)}}}
	gatewayFixture(t, ns, "ran", []gatewayv1.Listener{
		{Name: "ngap", Port: 38412, Protocol: "SCTP"},
		{Name: "sbi", Port: 8080, Protocol: gatewayv1.TCPProtocolType},
	}, amf, sbi, tcpRoute(ns, "sbi", "ran", "sbi", 8080))
	vs := "c1--" + ns + "-ran"
	ref := "Gateway " + ns + "/ran at "
	eventually(t, "backends name the VIP", func() error {
		vips := op.fake.VIPs("admin", vs)
		if len(vips) != 1 {
			return fmt.Errorf("VIPs %v", vips)
		}
		if err := backendCondition(t, types.NamespacedName{Namespace: ns, Name: "amf"}, ref+vips[0]+"."); err != nil {
			return fmt.Errorf("amf: %w", err)
		}
		return backendCondition(t, types.NamespacedName{Namespace: ns, Name: "sbi"}, ref+vips[0]+".")
	})
	var route gatewayv1.TCPRoute
	get(t, types.NamespacedName{Namespace: ns, Name: "sbi"}, &route)
	if err := admin.Delete(bg, &route); err != nil {
		t.Fatal(err)
	}
	eventually(t, "routed backend cleared", func() error {
		return backendCondition(t, types.NamespacedName{Namespace: ns, Name: "sbi"})
	})
	get(t, types.NamespacedName{Namespace: ns, Name: "amf"}, amf)
	update(t, amf, func(s *corev1.Service) { s.Labels = nil })
	eventually(t, "labelled backend cleared", func() error {
		return backendCondition(t, types.NamespacedName{Namespace: ns, Name: "amf"})
	})
}

// TestServiceLBStatusRefusedOffLoadBalancer pins why backend Services get a
// condition rather than AKO's status.loadBalancer: the API server refuses
// status.loadBalancer.ingress on a Service not of type LoadBalancer.
func TestServiceLBStatusRefusedOffLoadBalancer(t *testing.T) {
	requireEnv(t)
	ns := newNamespace(t, nil)
	svc := labelledService(ns, "amf", "ran", port("ngap", corev1.ProtocolSCTP, 38412))
	if err := admin.Create(bg, svc); err != nil {
		t.Fatal(err)
	}
	vip := corev1.LoadBalancerIPModeVIP
	svc.Status.LoadBalancer.Ingress = []corev1.LoadBalancerIngress{{IP: "10.0.0.1", IPMode: &vip}}
	err := admin.Status().Update(bg, svc)
	if !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "may only be used when `spec.type` is 'LoadBalancer'") {
		t.Fatalf("status.loadBalancer on a ClusterIP Service: %v, want the API server's refusal; "+
			"if it is accepted now, the operator could write AKO's status.loadBalancer", err)
	}
}
