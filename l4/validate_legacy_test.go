package l4_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/l4/svcapi"
)

// legacyGateway is a valid v1alpha1 Gateway with an SCTP and a TCP
// listener, both selecting the Gateway's labelled Services.
func legacyGateway() *svcapi.Gateway {
	sel := svcapi.RouteBindingSelector{Kind: "Service", Selector: metav1.LabelSelector{
		MatchLabels: map[string]string{l4.LabelGatewayName: "gw", l4.LabelGatewayNamespace: "ns"}}}
	return &svcapi.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: "gw", Namespace: "ns"},
		Spec: svcapi.GatewaySpec{GatewayClassName: "avi-lb", Listeners: []svcapi.Listener{
			{Port: 38412, Protocol: "SCTP", Routes: sel},
			{Port: 8080, Protocol: "TCP", Routes: sel},
		}},
	}
}

func legacyClass() *svcapi.GatewayClass {
	return &svcapi.GatewayClass{ObjectMeta: metav1.ObjectMeta{Name: "avi-lb"}, Spec: svcapi.GatewayClassSpec{Controller: l4.GatewayControllerName}}
}

func TestValidateLegacyGateway(t *testing.T) {
	ls := field.NewPath("spec", "listeners")
	s := func(v string) *string { return &v }
	for _, tc := range []struct {
		name  string
		tweak func(*svcapi.Gateway)
		want  []wantErr
	}{
		{name: "valid"},
		{
			name: "TypeMeta, metadata and class name",
			tweak: func(g *svcapi.Gateway) {
				g.TypeMeta = metav1.TypeMeta{APIVersion: "gateway.networking.k8s.io/v1", Kind: "Gateway"}
				g.Namespace = "Bad"
				g.Spec.GatewayClassName = ""
			},
			want: []wantErr{
				{field.ErrorTypeNotSupported, "apiVersion", "networking.x-k8s.io/v1alpha1"},
				{field.ErrorTypeInvalid, "metadata.namespace", "RFC 1123 label"},
				{field.ErrorTypeRequired, "spec.gatewayClassName", ""},
			},
		},
		{
			name:  "no listeners",
			tweak: func(g *svcapi.Gateway) { g.Spec.Listeners = nil },
			want:  []wantErr{{field.ErrorTypeRequired, "spec.listeners", "at least one listener"}},
		},
		{
			name: "listener port, hostname, routes and tls",
			tweak: func(g *svcapi.Gateway) {
				g.Spec.Listeners[0].Port = 0
				g.Spec.Listeners[0].Hostname = s("")
				g.Spec.Listeners[1].Routes.Namespaces = &svcapi.RouteNamespaces{From: s("Everywhere")}
				g.Spec.Listeners[1].Routes.Group = strings.Repeat("g", 254)
				g.Spec.Listeners[1].TLS = &svcapi.GatewayTLSConfig{Mode: s("Mirror"), CertificateRef: &svcapi.LocalObjectReference{},
					RouteOverride: &svcapi.TLSOverridePolicy{Certificate: s("Maybe")}}
			},
			want: []wantErr{
				{field.ErrorTypeInvalid, ls.Index(0).Child("hostname").String(), "at least 1 character"},
				{field.ErrorTypeInvalid, ls.Index(0).Child("port").String(), "between 1 and 65535"},
				{field.ErrorTypeTooLong, ls.Index(1).Child("routes", "group").String(), "253"},
				{field.ErrorTypeNotSupported, ls.Index(1).Child("routes", "namespaces", "from").String(), "Same"},
				{field.ErrorTypeNotSupported, ls.Index(1).Child("tls", "mode").String(), "Passthrough"},
				{field.ErrorTypeRequired, ls.Index(1).Child("tls", "certificateRef", "kind").String(), ""},
				{field.ErrorTypeRequired, ls.Index(1).Child("tls", "certificateRef", "name").String(), ""},
				{field.ErrorTypeNotSupported, ls.Index(1).Child("tls", "routeOverride", "certificate").String(), "Deny"},
			},
		},
		{
			name: "addresses: unknown type, empty value",
			tweak: func(g *svcapi.Gateway) {
				g.Spec.Addresses = []svcapi.GatewayAddress{{Type: s("Hostname"), Value: "lb.example.com"}, {}}
			},
			want: []wantErr{
				{field.ErrorTypeNotSupported, "spec.addresses[0].type", "NamedAddress"},
				{field.ErrorTypeRequired, "spec.addresses[1].value", ""},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := legacyGateway()
			if tc.tweak != nil {
				tc.tweak(g)
			}
			checkErrs(t, l4.ValidateLegacyGateway(g), tc.want)
		})
	}

	c := legacyClass()
	c.Spec.Controller = ""
	c.Spec.ParametersRef = &svcapi.LocalObjectReference{Group: l4.AviInfraSettingGroup, Kind: "AviInfraSetting"}
	checkErrs(t, l4.ValidateLegacyGatewayClass(c), []wantErr{
		{field.ErrorTypeRequired, "spec.controller", ""},
		{field.ErrorTypeRequired, "spec.parametersRef.name", ""},
	})
}

func TestTranslateLegacyGatewayRefusals(t *testing.T) {
	svc := corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "amf", Namespace: "ns", Labels: map[string]string{l4.LabelGatewayName: "gw", l4.LabelGatewayNamespace: "ns"}},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 38412, Protocol: corev1.ProtocolSCTP}, {Port: 8080, Protocol: corev1.ProtocolTCP}}},
	}
	for _, tc := range []struct {
		name      string
		tweak     func(*l4.LegacyGatewayInput)
		want      []wantErr
		served    bool
		reason    string
		listeners map[int]gatewayv1.ListenerConditionReason
	}{
		{name: "valid", served: true, reason: string(gatewayv1.GatewayReasonAccepted)},
		{
			name:   "a bad port refuses that listener",
			tweak:  func(in *l4.LegacyGatewayInput) { in.Gateway.Spec.Listeners[1].Port = 65536 },
			want:   []wantErr{{field.ErrorTypeInvalid, "spec.listeners[1].port", "between 1 and 65535"}},
			served: true, reason: string(gatewayv1.GatewayReasonListenersNotValid),
			listeners: map[int]gatewayv1.ListenerConditionReason{0: gatewayv1.ListenerReasonAccepted, 1: gatewayv1.ListenerReasonUnsupportedValue},
		},
		{
			name: "a repeated port and protocol conflicts (AKO: PortConflict)",
			tweak: func(in *l4.LegacyGatewayInput) {
				in.Gateway.Spec.Listeners = append(in.Gateway.Spec.Listeners, in.Gateway.Spec.Listeners[1])
			},
			want:   []wantErr{{field.ErrorTypeDuplicate, "spec.listeners[2]", ""}},
			served: true, reason: string(gatewayv1.GatewayReasonListenersNotValid),
			listeners: map[int]gatewayv1.ListenerConditionReason{0: gatewayv1.ListenerReasonAccepted, 1: gatewayv1.ListenerReasonPortUnavailable, 2: gatewayv1.ListenerReasonPortUnavailable},
		},
		{
			name:   "no listeners",
			tweak:  func(in *l4.LegacyGatewayInput) { in.Gateway.Spec.Listeners = nil },
			want:   []wantErr{{field.ErrorTypeRequired, "spec.listeners", "at least one listener"}},
			reason: string(gatewayv1.GatewayReasonListenersNotValid),
		},
		{
			name: "a Gateway name too long for a label value cannot be selected",
			tweak: func(in *l4.LegacyGatewayInput) {
				long := strings.Repeat("g", 64)
				in.Gateway.Name = long
				for i := range in.Gateway.Spec.Listeners {
					in.Gateway.Spec.Listeners[i].Routes.Selector.MatchLabels = map[string]string{l4.LabelGatewayName: long, l4.LabelGatewayNamespace: "ns"}
				}
			},
			want: []wantErr{
				{field.ErrorTypeInvalid, "spec.listeners[0].routes.selector.matchLabels[ako.vmware.com/gateway-name]", "no Service can carry it"},
				{field.ErrorTypeInvalid, "spec.listeners[1].routes.selector.matchLabels[ako.vmware.com/gateway-name]", "no Service can carry it"},
			},
			reason: l4.ReasonInvalidMatchLabels,
		},
		{
			name: "errors of several kinds are collected; the class's come first",
			tweak: func(in *l4.LegacyGatewayInput) {
				in.GatewayClass.Namespace = "ns"
				in.Gateway.Spec.Listeners[0].Routes.Selector.MatchLabels = map[string]string{l4.LabelGatewayName: "gw"}
				in.Gateway.Spec.Addresses = []svcapi.GatewayAddress{{Value: "10.0.0.1"}, {Value: "10.0.0.2"}}
			},
			want: []wantErr{
				{field.ErrorTypeForbidden, "gatewayClass.metadata.namespace", "cluster-scoped"},
				{field.ErrorTypeRequired, "spec.listeners[0].routes.selector.matchLabels[ako.vmware.com/gateway-namespace]", `must be "ns"`},
				{field.ErrorTypeTooMany, "spec.addresses", ""},
			},
			reason: string(gatewayv1.GatewayReasonInvalid),
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := l4.LegacyGatewayInput{Gateway: legacyGateway(), GatewayClass: legacyClass(), Services: []corev1.Service{svc}}
			if tc.tweak != nil {
				tc.tweak(&in)
			}
			res := l4.TranslateLegacyGateway(in, gwOptions())
			checkErrs(t, res.Errors, tc.want)
			if (res.Set != nil) != tc.served {
				t.Fatalf("Set returned: %v, want %v", res.Set != nil, tc.served)
			}
			if c := gwCondition(t, res.Conditions, string(gatewayv1.GatewayConditionAccepted)); c.Reason != tc.reason {
				t.Errorf("Accepted reason %s (%s), want %s", c.Reason, c.Message, tc.reason)
			}
			for i, want := range tc.listeners {
				if got := gwCondition(t, res.Listeners[i].Conditions, string(gatewayv1.ListenerConditionAccepted)); got.Reason != string(want) {
					t.Errorf("listener %d Accepted reason %s, want %s", i, got.Reason, want)
				}
			}
			// The legacy status renders without trouble and, for a refused
			// Gateway, says Scheduled=False with the reason.
			st := l4.LegacyGatewayStatus(in.Gateway, res, []string{"10.0.0.9"})
			if !tc.served && (st.Conditions[0].Status != metav1.ConditionFalse || st.Conditions[0].Reason != tc.reason) {
				t.Errorf("Scheduled %+v", st.Conditions[0])
			}
		})
	}
}
