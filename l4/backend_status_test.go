package l4_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/l4/svcapi"
)

func backendStatus(ns, name, host string, ips ...string) l4.BackendServiceStatus {
	st := l4.BackendServiceStatus{Namespace: ns, Name: name}
	for _, ip := range ips {
		st.LoadBalancer.Ingress = append(st.LoadBalancer.Ingress, corev1.LoadBalancerIngress{IP: ip, Hostname: host})
	}
	return st
}

// TestGatewayBackendStatus: every Service bound to a served listener of a
// v1 Gateway (labelled or named by a route) gets the Gateway's VIPs and the
// listener's hostname; nothing without a Set or a VIP.
func TestGatewayBackendStatus(t *testing.T) {
	sbi := corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "sbi", Namespace: "ns"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 8080, Protocol: corev1.ProtocolTCP}}}}
	input := func() l4.GatewayInput {
		gw := gwGateway()
		gw.Spec.Listeners[0].Hostname = gwPtr(gatewayv1.Hostname("amf.example.com"))
		return l4.GatewayInput{Gateway: gw, GatewayClass: gwClass(),
			Services: []corev1.Service{sbi, gwBackend()}, TCPRoutes: []gatewayv1.TCPRoute{*gwTCPRoute()}}
	}
	for _, tc := range []struct {
		name  string
		tweak func(*l4.GatewayInput)
		vips  []string
		want  []l4.BackendServiceStatus
	}{
		{name: "labelled and routed backends, sorted, hostname of the listener", vips: []string{"10.0.0.1", "fd00::1"},
			want: []l4.BackendServiceStatus{
				backendStatus("ns", "amf", "amf.example.com", "10.0.0.1", "fd00::1"),
				backendStatus("ns", "sbi", "", "10.0.0.1", "fd00::1"),
			}},
		{name: "no VIP yet"},
		{name: "not ours", vips: []string{"10.0.0.1"}, tweak: func(in *l4.GatewayInput) { in.GatewayClass.Spec.ControllerName = "example.com/other" }},
		{name: "refused Gateway", vips: []string{"10.0.0.1"}, tweak: func(in *l4.GatewayInput) {
			in.Gateway.Spec.Addresses = []gatewayv1.GatewaySpecAddress{{Value: "not-an-ip"}}
		}},
		{name: "a refused listener binds nothing", vips: []string{"10.0.0.1"}, tweak: func(in *l4.GatewayInput) {
			in.Gateway.Spec.Listeners[0].Protocol = "HTTP"
		}, want: []l4.BackendServiceStatus{backendStatus("ns", "sbi", "", "10.0.0.1")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := input()
			if tc.tweak != nil {
				tc.tweak(&in)
			}
			res := l4.TranslateGateway(in, gwOptions())
			got := l4.GatewayBackendStatus(in.Gateway, res, tc.vips)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("backend status (-want +got):\n%s", diff)
			}
		})
	}
	// A listener without a hostname takes the Service's own FQDN among the
	// VsVip's (an auto FQDN "<svc>.<ns>.<subdomain>").
	in := input()
	res := l4.TranslateGateway(in, gwOptions())
	res.Set.VsVip.DNSInfo = append(res.Set.VsVip.DNSInfo, aviobj.DNSInfo{FQDN: "sbi.ns.avi.example.com"})
	want := []l4.BackendServiceStatus{
		backendStatus("ns", "amf", "amf.example.com", "10.0.0.1"),
		backendStatus("ns", "sbi", "sbi.ns.avi.example.com", "10.0.0.1"),
	}
	if diff := cmp.Diff(want, l4.GatewayBackendStatus(in.Gateway, res, []string{"10.0.0.1"})); diff != "" {
		t.Errorf("auto FQDN (-want +got):\n%s", diff)
	}
	if got := l4.GatewayBackendStatus(nil, l4.GatewayResult{}, []string{"10.0.0.1"}); got != nil {
		t.Errorf("nil Gateway: %v", got)
	}
}

// TestLegacyGatewayBackendStatus: the seed's shape, an SCTP listener served
// by a labelled ClusterIP Service, gives that Service the VIP.
func TestLegacyGatewayBackendStatus(t *testing.T) {
	svc := corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "amf", Namespace: "ns", Labels: map[string]string{l4.LabelGatewayName: "gw", l4.LabelGatewayNamespace: "ns"}},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeClusterIP, Ports: []corev1.ServicePort{{Port: 38412, Protocol: corev1.ProtocolSCTP}}},
	}
	gw := legacyGateway()
	res := l4.TranslateLegacyGateway(l4.LegacyGatewayInput{Gateway: gw, GatewayClass: legacyClass(), Services: []corev1.Service{svc}}, gwOptions())
	want := []l4.BackendServiceStatus{backendStatus("ns", "amf", "", "10.0.0.1")}
	if diff := cmp.Diff(want, l4.LegacyGatewayBackendStatus(gw, res, []string{"10.0.0.1"})); diff != "" {
		t.Errorf("backend status (-want +got):\n%s", diff)
	}
	gw.Spec.Listeners[0].Hostname = gwPtr("amf.example.com")
	want[0].LoadBalancer.Ingress[0].Hostname = "amf.example.com"
	if diff := cmp.Diff(want, l4.LegacyGatewayBackendStatus(gw, res, []string{"10.0.0.1"})); diff != "" {
		t.Errorf("with a hostname (-want +got):\n%s", diff)
	}
	if got := l4.LegacyGatewayBackendStatus((*svcapi.Gateway)(nil), res, []string{"10.0.0.1"}); got != nil {
		t.Errorf("nil Gateway: %v", got)
	}
}
