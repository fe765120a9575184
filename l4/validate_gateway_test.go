package l4_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

// wantErr is an expected error: its type and path exactly, and a piece of
// its detail (the reason).
type wantErr struct {
	Type   field.ErrorType
	Field  string
	Detail string
}

// checkErrs compares errs with want: the same types and paths in the same
// order, each detail containing the wanted piece.
func checkErrs(t *testing.T, errs field.ErrorList, want []wantErr) {
	t.Helper()
	type key struct {
		Type  field.ErrorType
		Field string
	}
	var got, exp []key
	for _, e := range errs {
		got = append(got, key{e.Type, e.Field})
	}
	for _, w := range want {
		exp = append(exp, key{w.Type, w.Field})
	}
	if diff := cmp.Diff(exp, got); diff != "" {
		t.Fatalf("errors (-want +got):\n%s\ngot: %v", diff, errs)
	}
	for i, w := range want {
		if !strings.Contains(errs[i].Detail, w.Detail) {
			t.Errorf("error %d %q: detail does not contain %q", i, errs[i].Error(), w.Detail)
		}
	}
}

func gwOptions() l4.Options {
	return l4.Options{ClusterName: "c1", License: profiles.LicenseEnterprise}
}

func gwPtr[T any](v T) *T { return &v }

// gwClass is a valid GatewayClass of this translator.
func gwClass() *gatewayv1.GatewayClass {
	return &gatewayv1.GatewayClass{ObjectMeta: metav1.ObjectMeta{Name: "avi-lb"},
		Spec: gatewayv1.GatewayClassSpec{ControllerName: l4.GatewayControllerName}}
}

// gwGateway is a valid Gateway with an SCTP, a TCP and a UDP listener.
func gwGateway() *gatewayv1.Gateway {
	return &gatewayv1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: "gw", Namespace: "ns"},
		Spec: gatewayv1.GatewaySpec{
			GatewayClassName: "avi-lb",
			Listeners: []gatewayv1.Listener{
				{Name: "sctp", Port: 38412, Protocol: "SCTP"},
				{Name: "tcp", Port: 8080, Protocol: gatewayv1.TCPProtocolType},
				{Name: "udp", Port: 2152, Protocol: gatewayv1.UDPProtocolType},
			},
		},
	}
}

func TestValidateGateway(t *testing.T) {
	ls := field.NewPath("spec", "listeners")
	for _, tc := range []struct {
		name  string
		tweak func(*gatewayv1.Gateway)
		want  []wantErr
	}{
		{name: "valid"},
		{name: "valid with the TypeMeta set", tweak: func(g *gatewayv1.Gateway) {
			g.TypeMeta = metav1.TypeMeta{APIVersion: "gateway.networking.k8s.io/v1beta1", Kind: "Gateway"}
		}},
		{
			name: "wrong apiVersion and kind",
			tweak: func(g *gatewayv1.Gateway) {
				g.TypeMeta = metav1.TypeMeta{APIVersion: "networking.x-k8s.io/v1alpha1", Kind: "Gateways"}
			},
			want: []wantErr{{field.ErrorTypeNotSupported, "apiVersion", "gateway.networking.k8s.io/v1"}, {field.ErrorTypeNotSupported, "kind", "Gateway"}},
		},
		{
			name:  "name not a DNS subdomain, namespace not a DNS label",
			tweak: func(g *gatewayv1.Gateway) { g.Name, g.Namespace = "My_Gateway", "a.b" },
			want:  []wantErr{{field.ErrorTypeInvalid, "metadata.name", "RFC 1123 subdomain"}, {field.ErrorTypeInvalid, "metadata.namespace", "must not contain dots"}},
		},
		{
			name:  "no name, no namespace",
			tweak: func(g *gatewayv1.Gateway) { g.Name, g.Namespace = "", "" },
			want:  []wantErr{{field.ErrorTypeRequired, "metadata.name", "required"}, {field.ErrorTypeRequired, "metadata.namespace", "namespaced"}},
		},
		{
			name:  "no gatewayClassName",
			tweak: func(g *gatewayv1.Gateway) { g.Spec.GatewayClassName = "" },
			want:  []wantErr{{field.ErrorTypeRequired, "spec.gatewayClassName", "may not be empty"}},
		},
		{
			name:  "gatewayClassName too long",
			tweak: func(g *gatewayv1.Gateway) { g.Spec.GatewayClassName = gatewayv1.ObjectName(strings.Repeat("a", 254)) },
			want:  []wantErr{{field.ErrorTypeTooLong, "spec.gatewayClassName", "253"}},
		},
		{
			name:  "no listeners",
			tweak: func(g *gatewayv1.Gateway) { g.Spec.Listeners = nil },
			want:  []wantErr{{field.ErrorTypeRequired, "spec.listeners", "at least one listener"}},
		},
		{
			name: "65 listeners",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.Listeners = nil
				for i := range 65 {
					g.Spec.Listeners = append(g.Spec.Listeners, gatewayv1.Listener{Name: gatewayv1.SectionName("l" + strings.Repeat("x", i)), Port: int32(1000 + i), Protocol: "SCTP"})
				}
			},
			want: []wantErr{{field.ErrorTypeTooMany, "spec.listeners", "64"}},
		},
		{
			name: "listener names: empty, invalid, too long, duplicate",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.Listeners[0].Name = ""
				g.Spec.Listeners[1].Name = "Bad_Name"
				g.Spec.Listeners[2].Name = gatewayv1.SectionName(strings.Repeat("a", 254))
				g.Spec.Listeners = append(g.Spec.Listeners,
					gatewayv1.Listener{Name: "dup", Port: 1, Protocol: "SCTP"}, gatewayv1.Listener{Name: "dup", Port: 2, Protocol: "SCTP"})
			},
			want: []wantErr{
				{field.ErrorTypeRequired, ls.Index(0).Child("name").String(), "may not be empty"},
				{field.ErrorTypeInvalid, ls.Index(1).Child("name").String(), "DNS-1123 subdomain"},
				{field.ErrorTypeTooLong, ls.Index(2).Child("name").String(), "253"},
				{field.ErrorTypeDuplicate, ls.Index(4).Child("name").String(), "spec.listeners[3] has this name"},
			},
		},
		{
			name: "listener port out of range",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.Listeners[0].Port = 0
				g.Spec.Listeners[1].Port = 65536
			},
			want: []wantErr{
				{field.ErrorTypeInvalid, ls.Index(0).Child("port").String(), "between 1 and 65535"},
				{field.ErrorTypeInvalid, ls.Index(1).Child("port").String(), "between 1 and 65535"},
			},
		},
		{
			name: "protocols: empty, bad pattern, domain-prefixed with '-' after the slash, too long",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.Listeners[0].Protocol = ""
				g.Spec.Listeners[1].Protocol = "-SCTP"
				g.Spec.Listeners[2].Protocol = "example.com/my-proto"
				g.Spec.Listeners = append(g.Spec.Listeners, gatewayv1.Listener{Name: "long", Port: 1, Protocol: gatewayv1.ProtocolType(strings.Repeat("A", 256))})
			},
			want: []wantErr{
				{field.ErrorTypeRequired, ls.Index(0).Child("protocol").String(), "may not be empty"},
				{field.ErrorTypeInvalid, ls.Index(1).Child("protocol").String(), "domain-prefixed"},
				{field.ErrorTypeInvalid, ls.Index(2).Child("protocol").String(), "domain-prefixed"},
				{field.ErrorTypeTooLong, ls.Index(3).Child("protocol").String(), "255"},
			},
		},
		{
			name: "protocols the CRD pattern accepts",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.Listeners[0].Protocol = "sctp"
				g.Spec.Listeners[1].Protocol = "example.com/sctp"
				g.Spec.Listeners[2].Protocol = "UPPER.case/x" // the second alternative has no ^
			},
		},
		{
			name: "hostnames: on TCP (CEL), bad pattern, empty, too long",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.Listeners[0].Hostname = gwPtr(gatewayv1.Hostname("Upper.example.com"))
				g.Spec.Listeners[1].Hostname = gwPtr(gatewayv1.Hostname("tcp.example.com"))
				g.Spec.Listeners[2].Hostname = gwPtr(gatewayv1.Hostname(""))
				g.Spec.Listeners = append(g.Spec.Listeners, gatewayv1.Listener{Name: "long", Port: 1, Protocol: "SCTP",
					Hostname: gwPtr(gatewayv1.Hostname(strings.Repeat("a", 254)))})
			},
			want: []wantErr{
				{field.ErrorTypeInvalid, ls.Index(0).Child("hostname").String(), "DNS name"},
				{field.ErrorTypeForbidden, ls.Index(1).Child("hostname").String(), "no hostname on TCP and UDP"},
				{field.ErrorTypeInvalid, ls.Index(2).Child("hostname").String(), "at least 1 character"},
				{field.ErrorTypeTooLong, ls.Index(3).Child("hostname").String(), "253"},
			},
		},
		{
			name: "tls: on TCP (CEL), SCTP Terminate without certificates (CEL), unknown mode, TLS listener without tls",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.Listeners[0].TLS = &gatewayv1.ListenerTLSConfig{}
				g.Spec.Listeners[1].TLS = &gatewayv1.ListenerTLSConfig{Mode: gwPtr(gatewayv1.TLSModePassthrough)}
				g.Spec.Listeners[2].Protocol = "SCTP"
				g.Spec.Listeners[2].TLS = &gatewayv1.ListenerTLSConfig{Mode: gwPtr(gatewayv1.TLSModeType("Mirror"))}
				g.Spec.Listeners = append(g.Spec.Listeners, gatewayv1.Listener{Name: "tls", Port: 443, Protocol: gatewayv1.TLSProtocolType})
			},
			want: []wantErr{
				{field.ErrorTypeRequired, ls.Index(0).Child("tls", "certificateRefs").String(), "when mode is Terminate"},
				{field.ErrorTypeForbidden, ls.Index(1).Child("tls").String(), "HTTPS, TLS and other protocols"},
				{field.ErrorTypeNotSupported, ls.Index(2).Child("tls", "mode").String(), "Passthrough"},
				{field.ErrorTypeRequired, ls.Index(3).Child("tls").String(), "protocol TLS"},
			},
		},
		{
			name: "allowedRoutes: bad from, bad kind, bad group, 9 kinds",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.Listeners[0].AllowedRoutes = &gatewayv1.AllowedRoutes{Namespaces: &gatewayv1.RouteNamespaces{From: gwPtr(gatewayv1.FromNamespaces("None"))}}
				g.Spec.Listeners[1].AllowedRoutes = &gatewayv1.AllowedRoutes{Kinds: []gatewayv1.RouteGroupKind{{Kind: "TCP Route"}, {Group: gwPtr(gatewayv1.Group("Bad_Group")), Kind: "TCPRoute"}}}
				var nine []gatewayv1.RouteGroupKind
				for range 9 {
					nine = append(nine, gatewayv1.RouteGroupKind{Kind: "UDPRoute"})
				}
				g.Spec.Listeners[2].AllowedRoutes = &gatewayv1.AllowedRoutes{Kinds: nine}
			},
			want: []wantErr{
				{field.ErrorTypeNotSupported, ls.Index(0).Child("allowedRoutes", "namespaces", "from").String(), "Same"},
				{field.ErrorTypeInvalid, ls.Index(1).Child("allowedRoutes", "kinds").Index(0).Child("kind").String(), "start with a letter"},
				{field.ErrorTypeInvalid, ls.Index(1).Child("allowedRoutes", "kinds").Index(1).Child("group").String(), "DNS subdomain"},
				{field.ErrorTypeTooMany, ls.Index(2).Child("allowedRoutes", "kinds").String(), "8"},
			},
		},
		{
			name: "same port, protocol and hostname twice (CEL); another hostname is fine for the CRD",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.Listeners = append(g.Spec.Listeners,
					gatewayv1.Listener{Name: "udp2", Port: 2152, Protocol: gatewayv1.UDPProtocolType},
					gatewayv1.Listener{Name: "sctp2", Port: 38412, Protocol: "SCTP", Hostname: gwPtr(gatewayv1.Hostname("a.example.com"))})
			},
			want: []wantErr{{field.ErrorTypeDuplicate, ls.Index(3).String(), ""}},
		},
		{
			name: "addresses: bad type, bad IP, bad hostname, duplicate IP, too long value",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.Addresses = []gatewayv1.GatewaySpecAddress{
					{Type: gwPtr(gatewayv1.AddressType("bogus")), Value: "x"},
					{Value: "10.0.0.300"},
					{Type: gwPtr(gatewayv1.HostnameAddressType), Value: "Bad_Host"},
					{Value: "10.0.0.1"},
					{Type: gwPtr(gatewayv1.IPAddressType), Value: "10.0.0.1"},
					{Type: gwPtr(gatewayv1.NamedAddressType), Value: strings.Repeat("a", 254)},
					{}, // no value: an address is assigned
				}
			},
			want: []wantErr{
				{field.ErrorTypeInvalid, "spec.addresses[0].type", "Hostname, IPAddress, NamedAddress"},
				{field.ErrorTypeInvalid, "spec.addresses[1].value", "IPv4 or IPv6"},
				{field.ErrorTypeInvalid, "spec.addresses[2].value", "for type Hostname"},
				{field.ErrorTypeDuplicate, "spec.addresses[4].value", "spec.addresses[3] has this value"},
				{field.ErrorTypeTooLong, "spec.addresses[5].value", "253"},
			},
		},
		{
			name: "17 addresses",
			tweak: func(g *gatewayv1.Gateway) {
				for range 17 {
					g.Spec.Addresses = append(g.Spec.Addresses, gatewayv1.GatewaySpecAddress{})
				}
			},
			want: []wantErr{{field.ErrorTypeTooMany, "spec.addresses", "16"}},
		},
		{
			name: "infrastructure: bad label key and value, unsupported parametersRef",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.Infrastructure = &gatewayv1.GatewayInfrastructure{
					Labels:        map[gatewayv1.LabelKey]gatewayv1.LabelValue{"-bad": "ok", "good": "-bad"},
					ParametersRef: &gatewayv1.LocalParametersReference{Group: "example.com", Kind: "Params", Name: "p"},
				}
			},
			want: []wantErr{
				{field.ErrorTypeInvalid, "spec.infrastructure.labels[-bad]", "optional DNS subdomain prefix"},
				{field.ErrorTypeInvalid, "spec.infrastructure.labels[good]", "starting and ending with a letter or digit"},
				{field.ErrorTypeForbidden, "spec.infrastructure.parametersRef", "not supported"},
			},
		},
		{
			name: "allowedListeners from",
			tweak: func(g *gatewayv1.Gateway) {
				g.Spec.AllowedListeners = &gatewayv1.AllowedListeners{Namespaces: &gatewayv1.ListenerNamespaces{From: gwPtr(gatewayv1.FromNamespaces("Some"))}}
			},
			want: []wantErr{{field.ErrorTypeNotSupported, "spec.allowedListeners.namespaces.from", "None"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gw := gwGateway()
			if tc.tweak != nil {
				tc.tweak(gw)
			}
			checkErrs(t, l4.ValidateGateway(gw), tc.want)
		})
	}
}

// gwCondition returns the condition of type t, failing when absent.
func gwCondition(t *testing.T, cs []metav1.Condition, typ string) metav1.Condition {
	t.Helper()
	for _, c := range cs {
		if c.Type == typ {
			return c
		}
	}
	t.Fatalf("no %s condition in %v", typ, cs)
	return metav1.Condition{}
}

// TestTranslateGatewayRefusals: what refuses a listener leaves the others
// served; what refuses the Gateway leaves no Set and Accepted=False with
// the reason; every error keeps its path.
func TestTranslateGatewayRefusals(t *testing.T) {
	ls := field.NewPath("spec", "listeners")
	for _, tc := range []struct {
		name   string
		tweak  func(*l4.GatewayInput)
		want   []wantErr
		served bool // a Set is returned
		// reason of the Gateway's Accepted condition.
		reason gatewayv1.GatewayConditionReason
		// listener index -> reason of its Accepted condition.
		listeners map[int]gatewayv1.ListenerConditionReason
	}{
		{
			name:   "valid",
			served: true, reason: gatewayv1.GatewayReasonAccepted,
			listeners: map[int]gatewayv1.ListenerConditionReason{0: gatewayv1.ListenerReasonAccepted, 1: gatewayv1.ListenerReasonAccepted},
		},
		{
			name:   "a listener port out of range refuses that listener only",
			tweak:  func(in *l4.GatewayInput) { in.Gateway.Spec.Listeners[1].Port = 70000 },
			want:   []wantErr{{field.ErrorTypeInvalid, ls.Index(1).Child("port").String(), "between 1 and 65535"}},
			served: true, reason: gatewayv1.GatewayReasonListenersNotValid,
			listeners: map[int]gatewayv1.ListenerConditionReason{0: gatewayv1.ListenerReasonAccepted, 1: gatewayv1.ListenerReasonUnsupportedValue},
		},
		{
			name: "a hostname on a UDP listener refuses that listener (CEL)",
			tweak: func(in *l4.GatewayInput) {
				in.Gateway.Spec.Listeners[2].Hostname = gwPtr(gatewayv1.Hostname("gtp.example.com"))
			},
			want:   []wantErr{{field.ErrorTypeForbidden, ls.Index(2).Child("hostname").String(), "no hostname on TCP and UDP"}},
			served: true, reason: gatewayv1.GatewayReasonListenersNotValid,
			listeners: map[int]gatewayv1.ListenerConditionReason{2: gatewayv1.ListenerReasonUnsupportedValue},
		},
		{
			name: "a repeated port, protocol and hostname conflicts both listeners",
			tweak: func(in *l4.GatewayInput) {
				in.Gateway.Spec.Listeners = append(in.Gateway.Spec.Listeners, gatewayv1.Listener{Name: "tcp2", Port: 8080, Protocol: gatewayv1.TCPProtocolType})
			},
			want:   []wantErr{{field.ErrorTypeDuplicate, ls.Index(3).String(), ""}},
			served: true, reason: gatewayv1.GatewayReasonListenersNotValid,
			listeners: map[int]gatewayv1.ListenerConditionReason{0: gatewayv1.ListenerReasonAccepted, 1: gatewayv1.ListenerReasonPortUnavailable, 3: gatewayv1.ListenerReasonPortUnavailable},
		},
		{
			name: "routes from selected namespaces, without a usable selector",
			tweak: func(in *l4.GatewayInput) {
				sel := gatewayv1.NamespacesFromSelector
				in.Gateway.Spec.Listeners[1].AllowedRoutes = &gatewayv1.AllowedRoutes{Namespaces: &gatewayv1.RouteNamespaces{From: &sel}}
				in.Gateway.Spec.Listeners[2].AllowedRoutes = &gatewayv1.AllowedRoutes{Namespaces: &gatewayv1.RouteNamespaces{From: &sel,
					Selector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "team", Operator: "Near"}}}}}
			},
			want: []wantErr{
				{field.ErrorTypeRequired, ls.Index(1).Child("allowedRoutes", "namespaces", "selector").String(), "required when from is Selector"},
				{field.ErrorTypeInvalid, ls.Index(2).Child("allowedRoutes", "namespaces", "selector").String(), "not a valid label selector operator"},
			},
			served: true, reason: gatewayv1.GatewayReasonListenersNotValid,
			listeners: map[int]gatewayv1.ListenerConditionReason{0: gatewayv1.ListenerReasonAccepted, 1: gatewayv1.ListenerReasonUnsupportedValue, 2: gatewayv1.ListenerReasonUnsupportedValue},
		},
		{
			name: "a duplicate listener name refuses the Gateway",
			tweak: func(in *l4.GatewayInput) {
				in.Gateway.Spec.Listeners[1].Name = "sctp"
			},
			want:   []wantErr{{field.ErrorTypeDuplicate, ls.Index(1).Child("name").String(), "unique"}},
			reason: gatewayv1.GatewayReasonListenersNotValid,
		},
		{
			name: "errors are collected: name, listener, address",
			tweak: func(in *l4.GatewayInput) {
				in.Gateway.Name = "GW"
				in.Gateway.Spec.Listeners[0].Port = 0
				in.Gateway.Spec.Addresses = []gatewayv1.GatewaySpecAddress{{Value: "not-an-ip"}}
			},
			want: []wantErr{
				{field.ErrorTypeInvalid, "metadata.name", "RFC 1123"},
				{field.ErrorTypeInvalid, ls.Index(0).Child("port").String(), "between 1 and 65535"},
				{field.ErrorTypeInvalid, "spec.addresses[0].value", "IPv4 or IPv6"},
			},
			reason: gatewayv1.GatewayReasonInvalid,
		},
		{
			name:   "an empty gatewayClassName is refused, not NotOurs",
			tweak:  func(in *l4.GatewayInput) { in.Gateway.Spec.GatewayClassName = "" },
			want:   []wantErr{{field.ErrorTypeRequired, "spec.gatewayClassName", "may not be empty"}},
			reason: gatewayv1.GatewayReasonInvalid,
		},
		{
			name: "a GatewayClass the API server would refuse",
			tweak: func(in *l4.GatewayInput) {
				in.GatewayClass.TypeMeta = metav1.TypeMeta{APIVersion: "gateway.networking.k8s.io/v2", Kind: "GatewayClass"}
				in.GatewayClass.Spec.ParametersRef = &gatewayv1.ParametersReference{Group: "Bad_Group", Kind: "AviInfraSetting", Name: "x"}
			},
			want: []wantErr{
				{field.ErrorTypeNotSupported, "gatewayClass.apiVersion", "v1beta1"},
				{field.ErrorTypeInvalid, "gatewayClass.spec.parametersRef.group", "DNS subdomain"},
			},
			reason: gatewayv1.GatewayReasonInvalid,
		},
		{
			name: "a parametersRef to an unknown group and kind",
			tweak: func(in *l4.GatewayInput) {
				in.GatewayClass.Spec.ParametersRef = &gatewayv1.ParametersReference{Group: "example.com", Kind: "Params", Name: "x"}
			},
			want:   []wantErr{{field.ErrorTypeNotSupported, "gatewayClass.spec.parametersRef.kind", "ako.vmware.com/AviInfraSetting"}},
			reason: gatewayv1.GatewayReasonInvalidParameters,
		},
		{
			name: "an AviInfraSetting with a bad CIDR is reported at its own field",
			tweak: func(in *l4.GatewayInput) {
				in.GatewayClass.Spec.ParametersRef = &gatewayv1.ParametersReference{Group: l4.AviInfraSettingGroup, Kind: "AviInfraSetting", Name: "telco"}
				in.InfraSetting = &l4.AviInfraSetting{ObjectMeta: metav1.ObjectMeta{Name: "telco"}, Spec: l4.AviInfraSettingSpec{
					Network: &l4.InfraNetwork{VIPNetworks: []l4.VIPNetwork{{NetworkName: "vip", CIDR: "10.0.0.0/33", V6CIDR: "10.0.0.0/24"}}}}}
			},
			want: []wantErr{
				{field.ErrorTypeInvalid, "spec.network.vipNetworks[0].cidr", "AviInfraSetting telco: must be a valid CIDR"},
				{field.ErrorTypeInvalid, "spec.network.vipNetworks[0].v6cidr", "AviInfraSetting telco: must be an IPv6 CIDR"},
			},
			reason: gatewayv1.GatewayReasonInvalidParameters,
		},
		{
			name: "Gateway parameters are refused as InvalidParameters",
			tweak: func(in *l4.GatewayInput) {
				in.Gateway.Spec.Infrastructure = &gatewayv1.GatewayInfrastructure{ParametersRef: &gatewayv1.LocalParametersReference{Group: "", Kind: "ConfigMap", Name: "p"}}
			},
			want:   []wantErr{{field.ErrorTypeForbidden, "spec.infrastructure.parametersRef", "not supported"}},
			reason: gatewayv1.GatewayReasonInvalidParameters,
		},
		{
			name: "a Namespace tenant the controller cannot hold",
			tweak: func(in *l4.GatewayInput) {
				in.Namespaces = []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: "ns", Annotations: map[string]string{l4.AnnotationTenant: "a/b"}}}}
			},
			want:   []wantErr{{field.ErrorTypeInvalid, "namespace.metadata.annotations[ako.vmware.com/tenant-name]", "must not contain any of"}},
			reason: gatewayv1.GatewayReasonInvalidParameters,
		},
		{
			name: "an address without a value is assigned one",
			tweak: func(in *l4.GatewayInput) {
				in.Gateway.Spec.Addresses = []gatewayv1.GatewaySpecAddress{{Type: gwPtr(gatewayv1.IPAddressType)}}
			},
			served: true, reason: gatewayv1.GatewayReasonAccepted,
		},
		{
			name: "a Hostname address is valid but unsupported",
			tweak: func(in *l4.GatewayInput) {
				in.Gateway.Spec.Addresses = []gatewayv1.GatewaySpecAddress{{Type: gwPtr(gatewayv1.HostnameAddressType), Value: "lb.example.com"}}
			},
			want:   []wantErr{{field.ErrorTypeNotSupported, "spec.addresses[0].type", "IPAddress"}},
			reason: gatewayv1.GatewayReasonUnsupportedAddress,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := l4.GatewayInput{Gateway: gwGateway(), GatewayClass: gwClass(), Services: []corev1.Service{gwBackend()}}
			if tc.tweak != nil {
				tc.tweak(&in)
			}
			res := l4.TranslateGateway(in, gwOptions())
			checkErrs(t, res.Errors, tc.want)
			if (res.Set != nil) != tc.served {
				t.Fatalf("Set returned: %v, want %v", res.Set != nil, tc.served)
			}
			if res.NotOurs != nil {
				t.Fatalf("NotOurs: %v", res.NotOurs)
			}
			c := gwCondition(t, res.Conditions, string(gatewayv1.GatewayConditionAccepted))
			if c.Reason != string(tc.reason) {
				t.Errorf("Accepted reason %s (%s), want %s", c.Reason, c.Message, tc.reason)
			}
			if wantStatus := tc.reason == gatewayv1.GatewayReasonAccepted || tc.served; (c.Status == metav1.ConditionTrue) != wantStatus {
				t.Errorf("Accepted status %s, want true=%v", c.Status, wantStatus)
			}
			if !tc.served && len(res.Listeners) != 0 {
				t.Errorf("a refused Gateway has listener results: %v", res.Listeners)
			}
			for i, want := range tc.listeners {
				got := gwCondition(t, res.Listeners[i].Conditions, string(gatewayv1.ListenerConditionAccepted))
				if got.Reason != string(want) {
					t.Errorf("listener %d Accepted reason %s (%s), want %s", i, got.Reason, got.Message, want)
				}
			}
		})
	}
}

// gwBackend is the labelled Service that serves gwGateway's SCTP listener.
func gwBackend() corev1.Service {
	return corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "amf", Namespace: "ns", Labels: map[string]string{l4.LabelGatewayName: "gw", l4.LabelGatewayNamespace: "ns"}},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 38412, Protocol: corev1.ProtocolSCTP}}},
	}
}

func TestValidateGatewayClass(t *testing.T) {
	for _, tc := range []struct {
		name  string
		tweak func(*gatewayv1.GatewayClass)
		want  []wantErr
	}{
		{name: "valid"},
		{
			name: "namespace, controller pattern, long description",
			tweak: func(c *gatewayv1.GatewayClass) {
				c.Namespace = "ns"
				c.Spec.ControllerName = "avi-lb"
				c.Spec.Description = gwPtr(strings.Repeat("d", 65))
			},
			want: []wantErr{
				{field.ErrorTypeForbidden, "metadata.namespace", "cluster-scoped"},
				{field.ErrorTypeInvalid, "spec.controllerName", "domain-prefixed path"},
				{field.ErrorTypeTooLong, "spec.description", "64"},
			},
		},
		{
			name: "parametersRef without kind and name, bad namespace",
			tweak: func(c *gatewayv1.GatewayClass) {
				c.Spec.ParametersRef = &gatewayv1.ParametersReference{Group: l4.AviInfraSettingGroup, Namespace: gwPtr(gatewayv1.Namespace("Bad"))}
			},
			want: []wantErr{
				{field.ErrorTypeRequired, "spec.parametersRef.kind", ""},
				{field.ErrorTypeRequired, "spec.parametersRef.name", ""},
				{field.ErrorTypeInvalid, "spec.parametersRef.namespace", "DNS-1123 label"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := gwClass()
			if tc.tweak != nil {
				tc.tweak(c)
			}
			checkErrs(t, l4.ValidateGatewayClass(c), tc.want)
		})
	}
}

// gwTCPRoute is a valid TCPRoute to gwGateway's TCP listener.
func gwTCPRoute() *gatewayv1.TCPRoute {
	return &gatewayv1.TCPRoute{
		ObjectMeta: metav1.ObjectMeta{Name: "sbi", Namespace: "ns"},
		Spec: gatewayv1.TCPRouteSpec{
			CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{Name: "gw", SectionName: gwPtr(gatewayv1.SectionName("tcp"))}}},
			Rules: []gatewayv1.TCPRouteRule{{BackendRefs: []gatewayv1.BackendRef{
				{BackendObjectReference: gatewayv1.BackendObjectReference{Name: "sbi", Port: gwPtr(gatewayv1.PortNumber(8080))}},
			}}},
		},
	}
}

func TestValidateTCPRoute(t *testing.T) {
	ref := field.NewPath("spec", "rules").Index(0).Child("backendRefs")
	for _, tc := range []struct {
		name  string
		tweak func(*gatewayv1.TCPRoute)
		want  []wantErr
	}{
		{name: "valid"},
		{
			name: "wrong kind",
			tweak: func(r *gatewayv1.TCPRoute) {
				r.TypeMeta = metav1.TypeMeta{APIVersion: "gateway.networking.k8s.io/v1", Kind: "UDPRoute"}
			},
			want: []wantErr{{field.ErrorTypeNotSupported, "kind", "TCPRoute"}},
		},
		{
			name:  "no rules",
			tweak: func(r *gatewayv1.TCPRoute) { r.Spec.Rules = nil },
			want:  []wantErr{{field.ErrorTypeRequired, "spec.rules", "needs a rule"}},
		},
		{
			name:  "two rules in v1",
			tweak: func(r *gatewayv1.TCPRoute) { r.Spec.Rules = append(r.Spec.Rules, r.Spec.Rules[0]) },
			want:  []wantErr{{field.ErrorTypeTooMany, "spec.rules", "v1alpha2 allowed up to 16"}},
		},
		{
			name: "two rules in v1alpha2 are fine, but not with the same name",
			tweak: func(r *gatewayv1.TCPRoute) {
				r.APIVersion = "gateway.networking.k8s.io/v1alpha2"
				r.Spec.Rules[0].Name = gwPtr(gatewayv1.SectionName("a"))
				r.Spec.Rules = append(r.Spec.Rules, r.Spec.Rules[0])
			},
			want: []wantErr{{field.ErrorTypeDuplicate, "spec.rules[1].name", "unique"}},
		},
		{
			name: "17 rules in v1alpha2",
			tweak: func(r *gatewayv1.TCPRoute) {
				r.APIVersion = "gateway.networking.k8s.io/v1alpha2"
				for range 16 {
					r.Spec.Rules = append(r.Spec.Rules, r.Spec.Rules[0])
				}
			},
			want: []wantErr{{field.ErrorTypeTooMany, "spec.rules", "16"}},
		},
		{
			name:  "no backendRefs",
			tweak: func(r *gatewayv1.TCPRoute) { r.Spec.Rules[0].BackendRefs = nil },
			want:  []wantErr{{field.ErrorTypeRequired, ref.String(), "at least one backendRef"}},
		},
		{
			name: "17 backendRefs",
			tweak: func(r *gatewayv1.TCPRoute) {
				for range 16 {
					r.Spec.Rules[0].BackendRefs = append(r.Spec.Rules[0].BackendRefs, r.Spec.Rules[0].BackendRefs[0])
				}
			},
			want: []wantErr{{field.ErrorTypeTooMany, ref.String(), "16"}},
		},
		{
			name: "weights out of range, port out of range, Service without port (CEL)",
			tweak: func(r *gatewayv1.TCPRoute) {
				r.Spec.Rules[0].BackendRefs[0].Weight = gwPtr(int32(-1))
				r.Spec.Rules[0].BackendRefs = append(r.Spec.Rules[0].BackendRefs,
					gatewayv1.BackendRef{BackendObjectReference: gatewayv1.BackendObjectReference{Name: "b", Port: gwPtr(gatewayv1.PortNumber(0))}, Weight: gwPtr(int32(1000001))},
					gatewayv1.BackendRef{BackendObjectReference: gatewayv1.BackendObjectReference{Name: "c", Kind: gwPtr(gatewayv1.Kind("Service"))}},
					gatewayv1.BackendRef{BackendObjectReference: gatewayv1.BackendObjectReference{Name: "d", Group: gwPtr(gatewayv1.Group("example.com")), Kind: gwPtr(gatewayv1.Kind("Backend"))}})
			},
			want: []wantErr{
				{field.ErrorTypeInvalid, ref.Index(0).Child("weight").String(), "between 0 and 1000000"},
				{field.ErrorTypeInvalid, ref.Index(1).Child("port").String(), "between 1 and 65535"},
				{field.ErrorTypeInvalid, ref.Index(1).Child("weight").String(), "between 0 and 1000000"},
				{field.ErrorTypeRequired, ref.Index(2).Child("port").String(), "needs a port"},
			},
		},
		{
			name: "backendRef name and namespace",
			tweak: func(r *gatewayv1.TCPRoute) {
				r.Spec.Rules[0].BackendRefs[0].Name = ""
				r.Spec.Rules[0].BackendRefs[0].Namespace = gwPtr(gatewayv1.Namespace("Other"))
			},
			want: []wantErr{
				{field.ErrorTypeRequired, ref.Index(0).Child("name").String(), ""},
				{field.ErrorTypeInvalid, ref.Index(0).Child("namespace").String(), "DNS-1123 label"},
			},
		},
		{
			name: "33 parentRefs",
			tweak: func(r *gatewayv1.TCPRoute) {
				r.Spec.ParentRefs = nil
				for i := range 33 {
					r.Spec.ParentRefs = append(r.Spec.ParentRefs, gatewayv1.ParentReference{Name: gatewayv1.ObjectName("gw" + strings.Repeat("x", i))})
				}
			},
			want: []wantErr{{field.ErrorTypeTooMany, "spec.parentRefs", "32"}},
		},
		{
			name: "parentRefs to one parent: sectionName on one only (CEL), repeated (CEL)",
			tweak: func(r *gatewayv1.TCPRoute) {
				r.Spec.ParentRefs = append(r.Spec.ParentRefs,
					gatewayv1.ParentReference{Name: "gw"},
					gatewayv1.ParentReference{Name: "gw", SectionName: gwPtr(gatewayv1.SectionName("tcp"))},
					// another namespace written out is another parent for the CEL rule
					gatewayv1.ParentReference{Name: "gw", Namespace: gwPtr(gatewayv1.Namespace("ns")), SectionName: gwPtr(gatewayv1.SectionName("tcp"))})
			},
			want: []wantErr{
				{field.ErrorTypeRequired, "spec.parentRefs[1].sectionName", "spec.parentRefs[0] names the same parent"},
				{field.ErrorTypeDuplicate, "spec.parentRefs[2]", "sectionName must be unique"},
			},
		},
		{
			name: "parentRef fields",
			tweak: func(r *gatewayv1.TCPRoute) {
				r.Spec.ParentRefs[0] = gatewayv1.ParentReference{Name: "", Kind: gwPtr(gatewayv1.Kind("")), SectionName: gwPtr(gatewayv1.SectionName("TCP")), Port: gwPtr(gatewayv1.PortNumber(-1))}
			},
			want: []wantErr{
				{field.ErrorTypeRequired, "spec.parentRefs[0].kind", ""},
				{field.ErrorTypeRequired, "spec.parentRefs[0].name", ""},
				{field.ErrorTypeInvalid, "spec.parentRefs[0].sectionName", "DNS-1123 subdomain"},
				{field.ErrorTypeInvalid, "spec.parentRefs[0].port", "between 1 and 65535"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := gwTCPRoute()
			if tc.tweak != nil {
				tc.tweak(r)
			}
			checkErrs(t, l4.ValidateTCPRoute(r), tc.want)
		})
	}
}

func TestValidateUDPRoute(t *testing.T) {
	r := &gatewayv1.UDPRoute{ObjectMeta: metav1.ObjectMeta{Name: "u", Namespace: "ns"}, Spec: gatewayv1.UDPRouteSpec{
		Rules: []gatewayv1.UDPRouteRule{{BackendRefs: []gatewayv1.BackendRef{{BackendObjectReference: gatewayv1.BackendObjectReference{Name: "upf"}}}}}}}
	checkErrs(t, l4.ValidateUDPRoute(r), []wantErr{{field.ErrorTypeRequired, "spec.rules[0].backendRefs[0].port", "needs a port"}})
	r.TypeMeta = metav1.TypeMeta{APIVersion: "gateway.networking.k8s.io/v1beta1"}
	r.Spec.Rules[0].BackendRefs[0].Port = gwPtr(gatewayv1.PortNumber(2152))
	checkErrs(t, l4.ValidateUDPRoute(r), []wantErr{{field.ErrorTypeNotSupported, "apiVersion", "v1alpha2"}})
}

// TestTranslateGatewayRoutes: a route the API server would refuse, or one
// no listener accepts, is refused on its parentRef with the Gateway API
// reason, and attaches nowhere.
func TestTranslateGatewayRoutes(t *testing.T) {
	sbi := corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "sbi", Namespace: "ns"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 8080, Protocol: corev1.ProtocolTCP}}}}
	for _, tc := range []struct {
		name   string
		tweak  func(*gatewayv1.TCPRoute)
		want   []wantErr
		reason gatewayv1.RouteConditionReason
		// message is a piece of the Accepted condition's message.
		message  string
		attached int32
	}{
		{name: "valid", reason: gatewayv1.RouteReasonAccepted, attached: 1},
		{
			name: "a weight the CRD refuses, among several backendRefs",
			tweak: func(r *gatewayv1.TCPRoute) {
				r.Spec.Rules[0].BackendRefs[0].Weight = gwPtr(int32(2000000))
				r.Spec.Rules[0].BackendRefs = append(r.Spec.Rules[0].BackendRefs, r.Spec.Rules[0].BackendRefs[0])
				r.Spec.Rules[0].BackendRefs[1].Weight = gwPtr(int32(5))
			},
			want:    []wantErr{{field.ErrorTypeInvalid, "spec.rules[0].backendRefs[0].weight", "between 0 and 1000000"}},
			reason:  gatewayv1.RouteReasonUnsupportedValue,
			message: "Route is invalid: spec.rules[0].backendRefs[0].weight",
		},
		{
			name:    "a Service backend without a port",
			tweak:   func(r *gatewayv1.TCPRoute) { r.Spec.Rules[0].BackendRefs[0].Port = nil },
			want:    []wantErr{{field.ErrorTypeRequired, "spec.rules[0].backendRefs[0].port", "needs a port"}},
			reason:  gatewayv1.RouteReasonUnsupportedValue,
			message: "Route is invalid",
		},
		{
			name:    "a TCPRoute on the SCTP listener",
			tweak:   func(r *gatewayv1.TCPRoute) { r.Spec.ParentRefs[0].SectionName = gwPtr(gatewayv1.SectionName("sctp")) },
			want:    []wantErr{{field.ErrorTypeInvalid, "spec.parentRefs[0]", "is SCTP, which accepts no route kind"}},
			reason:  gatewayv1.RouteReasonNotAllowedByListeners,
			message: "label the backend Service",
		},
		{
			name: "a TCPRoute on the SCTP listener's port",
			tweak: func(r *gatewayv1.TCPRoute) {
				r.Spec.ParentRefs[0].SectionName, r.Spec.ParentRefs[0].Port = nil, gwPtr(gatewayv1.PortNumber(38412))
			},
			want:    []wantErr{{field.ErrorTypeInvalid, "spec.parentRefs[0]", "is SCTP"}},
			reason:  gatewayv1.RouteReasonNotAllowedByListeners,
			message: "SCTP",
		},
		{
			name:    "a TCPRoute on the UDP listener",
			tweak:   func(r *gatewayv1.TCPRoute) { r.Spec.ParentRefs[0].SectionName = gwPtr(gatewayv1.SectionName("udp")) },
			want:    []wantErr{{field.ErrorTypeInvalid, "spec.parentRefs[0]", "accepts TCPRoute"}},
			reason:  gatewayv1.RouteReasonNotAllowedByListeners,
			message: "No matching listener accepts TCPRoute",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := gwTCPRoute()
			if tc.tweak != nil {
				tc.tweak(r)
			}
			in := l4.GatewayInput{Gateway: gwGateway(), GatewayClass: gwClass(), Services: []corev1.Service{gwBackend(), sbi}, TCPRoutes: []gatewayv1.TCPRoute{*r}}
			res := l4.TranslateGateway(in, gwOptions())
			if len(res.Errors) > 0 || res.Set == nil {
				t.Fatalf("the Gateway is not served: %v", res.Errors)
			}
			if len(res.Routes) != 1 || len(res.Routes[0].Parents) != 1 {
				t.Fatalf("routes %+v", res.Routes)
			}
			checkErrs(t, res.Routes[0].Errors, tc.want)
			c := gwCondition(t, res.Routes[0].Parents[0].Conditions, string(gatewayv1.RouteConditionAccepted))
			if c.Reason != string(tc.reason) || !strings.Contains(c.Message, tc.message) {
				t.Errorf("Accepted %s %q, want %s containing %q", c.Reason, c.Message, tc.reason, tc.message)
			}
			if got := res.Listeners[1].AttachedRoutes; got != tc.attached {
				t.Errorf("TCP listener has %d attached routes, want %d", got, tc.attached)
			}
			if got := res.Listeners[1].Pool != ""; got != (tc.attached > 0) {
				t.Errorf("TCP listener pool %q", res.Listeners[1].Pool)
			}
		})
	}
}

func TestValidateReferenceGrant(t *testing.T) {
	valid := func() *gatewayv1.ReferenceGrant {
		return &gatewayv1.ReferenceGrant{ObjectMeta: metav1.ObjectMeta{Name: "g", Namespace: "backends"}, Spec: gatewayv1.ReferenceGrantSpec{
			From: []gatewayv1.ReferenceGrantFrom{{Group: gatewayv1.GroupName, Kind: "TCPRoute", Namespace: "ns"}},
			To:   []gatewayv1.ReferenceGrantTo{{Group: "", Kind: "Service"}},
		}}
	}
	checkErrs(t, l4.ValidateReferenceGrant(valid()), nil)
	g := valid()
	g.Spec.From = append(g.Spec.From, gatewayv1.ReferenceGrantFrom{Group: "Bad", Kind: "", Namespace: ""})
	g.Spec.To[0].Name = gwPtr(gatewayv1.ObjectName(""))
	checkErrs(t, l4.ValidateReferenceGrant(g), []wantErr{
		{field.ErrorTypeInvalid, "spec.from[1].group", "DNS subdomain"},
		{field.ErrorTypeRequired, "spec.from[1].kind", ""},
		{field.ErrorTypeRequired, "spec.from[1].namespace", ""},
		{field.ErrorTypeRequired, "spec.to[0].name", ""},
	})
	g = valid()
	g.Spec.From, g.Spec.To = nil, nil
	g.TypeMeta.Kind = "ReferencePolicy"
	checkErrs(t, l4.ValidateReferenceGrant(g), []wantErr{
		{field.ErrorTypeNotSupported, "kind", "ReferenceGrant"},
		{field.ErrorTypeRequired, "spec.from", "at least one"},
		{field.ErrorTypeRequired, "spec.to", "at least one"},
	})

	// In a translation, an invalid grant allows nothing, and says why.
	g = valid()
	g.Spec.To[0].Kind = "service!"
	r := gwTCPRoute()
	r.Spec.Rules[0].BackendRefs[0].Namespace = gwPtr(gatewayv1.Namespace("backends"))
	sbi := corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "sbi", Namespace: "backends"},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 8080, Protocol: corev1.ProtocolTCP}}}}
	in := l4.GatewayInput{Gateway: gwGateway(), GatewayClass: gwClass(), Services: []corev1.Service{gwBackend(), sbi},
		TCPRoutes: []gatewayv1.TCPRoute{*r}, ReferenceGrants: []gatewayv1.ReferenceGrant{*g}}
	res := l4.TranslateGateway(in, gwOptions())
	if len(res.Routes) != 1 {
		t.Fatalf("routes %+v", res.Routes)
	}
	// The grant names kind "service!", so it would not allow a Service
	// even if valid: no mention of it.
	checkErrs(t, res.Routes[0].Errors, []wantErr{{field.ErrorTypeForbidden, "spec.rules[0].backendRefs[0].namespace", "no ReferenceGrant in namespace backends allows TCPRoute"}})
	g.Spec.To[0].Kind = "Service"
	g.Spec.From[0].Namespace = "ns"
	g.Spec.To = append(g.Spec.To, gatewayv1.ReferenceGrantTo{Kind: "Secret!"})
	in.ReferenceGrants = []gatewayv1.ReferenceGrant{*g}
	res = l4.TranslateGateway(in, gwOptions())
	checkErrs(t, res.Routes[0].Errors, []wantErr{{field.ErrorTypeForbidden, "spec.rules[0].backendRefs[0].namespace",
		"ReferenceGrant backends/g would, but the API server would refuse it: spec.to[1].kind"}})
	if c := gwCondition(t, res.Routes[0].Parents[0].Conditions, string(gatewayv1.RouteConditionResolvedRefs)); c.Reason != string(gatewayv1.RouteReasonRefNotPermitted) {
		t.Errorf("ResolvedRefs %s", c.Reason)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "ReferenceGrant backends/g is ignored") {
		t.Errorf("warnings %q", res.Warnings)
	}
	// Valid, it allows the reference.
	g.Spec.To = g.Spec.To[:1]
	in.ReferenceGrants = []gatewayv1.ReferenceGrant{*g}
	res = l4.TranslateGateway(in, gwOptions())
	checkErrs(t, res.Routes[0].Errors, nil)
}
