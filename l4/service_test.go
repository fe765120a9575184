package l4_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

// baseService is a valid single-port SCTP LoadBalancer Service; cases tweak
// a copy of it.
func baseService() *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "svc", Namespace: "ns"},
		Spec: corev1.ServiceSpec{
			Type:     corev1.ServiceTypeLoadBalancer,
			Selector: map[string]string{"app": "svc"},
			Ports: []corev1.ServicePort{
				{Name: "sctp", Port: 38412, TargetPort: intstr.FromInt32(38412), Protocol: corev1.ProtocolSCTP},
			},
		},
	}
}

func baseOptions() l4.Options {
	return l4.Options{ClusterName: "c1", License: profiles.LicenseEnterprise}
}

func addPort(p corev1.ServicePort) func(*corev1.Service) {
	return func(s *corev1.Service) { s.Spec.Ports = append(s.Spec.Ports, p) }
}

func TestTranslateServiceErrors(t *testing.T) {
	ports := field.NewPath("spec", "ports")
	for _, tc := range []struct {
		name  string
		tweak func(*corev1.Service)
		opts  func(*l4.Options)
		want  field.ErrorList
		// wantSet says whether a Set is still produced (port errors leave
		// the other ports served).
		wantSet bool
	}{
		{
			name:    "valid",
			wantSet: true,
		},
		{
			name:    "sctp in NodePortLocal mode is forbidden on the port's protocol; the TCP port is served",
			tweak:   addPort(corev1.ServicePort{Name: "tcp", Port: 80, Protocol: corev1.ProtocolTCP}),
			opts:    func(o *l4.Options) { o.BackendMode = l4.BackendNodePortLocal },
			want:    field.ErrorList{field.Forbidden(ports.Index(0).Child("protocol"), "")},
			wantSet: true,
		},
		{
			name: "NodePort mode without node port allocation",
			tweak: func(s *corev1.Service) {
				s.Spec.AllocateLoadBalancerNodePorts = new(bool)
			},
			opts: func(o *l4.Options) { o.BackendMode = l4.BackendNodePort },
			want: field.ErrorList{field.Forbidden(field.NewPath("spec", "allocateLoadBalancerNodePorts"), "")},
		},
		{
			name: "NodePort mode with a port whose node port is not allocated yet",
			opts: func(o *l4.Options) { o.BackendMode = l4.BackendNodePort },
			want: field.ErrorList{field.Required(ports.Index(0).Child("nodePort"), "")},
		},
		{
			name:    "port out of range",
			tweak:   addPort(corev1.ServicePort{Name: "big", Port: 65536, Protocol: corev1.ProtocolTCP}),
			want:    field.ErrorList{field.Invalid(ports.Index(1).Child("port"), int32(65536), "")},
			wantSet: true,
		},
		{
			name:    "node port out of range",
			tweak:   addPort(corev1.ServicePort{Name: "np", Port: 80, NodePort: 70000}),
			want:    field.ErrorList{field.Invalid(ports.Index(1).Child("nodePort"), int32(70000), "")},
			wantSet: true,
		},
		{
			name:    "target port out of range",
			tweak:   addPort(corev1.ServicePort{Name: "tp", Port: 80, TargetPort: intstr.FromInt32(-1)}),
			want:    field.ErrorList{field.Invalid(ports.Index(1).Child("targetPort"), int32(-1), "")},
			wantSet: true,
		},
		{
			name:    "duplicate protocol and port",
			tweak:   addPort(corev1.ServicePort{Name: "again", Port: 38412, Protocol: corev1.ProtocolSCTP}),
			want:    field.ErrorList{field.Duplicate(ports.Index(1), "SCTP/38412")},
			wantSet: true,
		},
		{
			name:    "same number, other protocol is fine",
			tweak:   addPort(corev1.ServicePort{Name: "tcp", Port: 38412, Protocol: corev1.ProtocolTCP}),
			wantSet: true,
		},
		{
			name:    "unknown protocol",
			tweak:   addPort(corev1.ServicePort{Name: "quic", Port: 443, Protocol: "QUIC"}),
			want:    field.ErrorList{field.NotSupported[corev1.Protocol](ports.Index(1).Child("protocol"), "QUIC", nil)},
			wantSet: true,
		},
		{
			name:  "unparsable preferred IP",
			tweak: func(s *corev1.Service) { s.Spec.LoadBalancerIP = "10.0.0.256" },
			want:  field.ErrorList{field.Invalid(field.NewPath("spec", "loadBalancerIP"), "10.0.0.256", "")},
		},
		{
			name: "annotation IP of the wrong family",
			tweak: func(s *corev1.Service) {
				s.Annotations = map[string]string{l4.AnnotationLoadBalancerIP: "2001:db8::5"}
			},
			opts: func(o *l4.Options) { o.IPFamily = l4.IPFamilyV4 },
			want: field.ErrorList{field.Invalid(field.NewPath("metadata", "annotations").Key(l4.AnnotationLoadBalancerIP), "2001:db8::5", "")},
		},
		{
			name: "IPv4 preferred IP for an IPv6-only Service",
			tweak: func(s *corev1.Service) {
				s.Spec.IPFamilies = []corev1.IPFamily{corev1.IPv6Protocol}
				s.Spec.LoadBalancerIP = "10.0.0.5"
			},
			want: field.ErrorList{field.Invalid(field.NewPath("spec", "loadBalancerIP"), "10.0.0.5", "")},
		},
		{
			name: "empty cluster name",
			opts: func(o *l4.Options) { o.ClusterName = "" },
			want: field.ErrorList{field.Required(field.NewPath("options", "clusterName"), "")},
		},
		{
			name: "invalid cluster name",
			opts: func(o *l4.Options) { o.ClusterName = "c/1" },
			want: field.ErrorList{field.Invalid(field.NewPath("options", "clusterName"), "c/1", "")},
		},
		{
			name:  "no ports",
			tweak: func(s *corev1.Service) { s.Spec.Ports = nil },
			want:  field.ErrorList{field.Required(ports, "")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := baseService()
			if tc.tweak != nil {
				tc.tweak(svc)
			}
			opts := baseOptions()
			if tc.opts != nil {
				tc.opts(&opts)
			}
			res := l4.TranslateService(l4.ServiceInput{Service: svc}, opts)
			field.ErrorMatcher{}.ByType().ByField().Test(t, tc.want, res.Errors)
			if got := res.Set != nil; got != tc.wantSet {
				t.Errorf("Set produced = %v, want %v", got, tc.wantSet)
			}
			if res.NotOurs != nil {
				t.Errorf("unexpected NotOurs: %+v", res.NotOurs)
			}
		})
	}
}

func TestTranslateServiceNotOurs(t *testing.T) {
	class := func(c string) func(*corev1.Service) {
		return func(s *corev1.Service) { s.Spec.LoadBalancerClass = &c }
	}
	no := false
	for _, tc := range []struct {
		name  string
		tweak func(*corev1.Service)
		opts  func(*l4.Options)
		want  l4.NotOursReason // "" = ours
	}{
		{name: "no class, default controller", want: ""},
		{name: "our class", tweak: class(l4.LoadBalancerClass), want: ""},
		{name: "another class", tweak: class("example.com/lb"), want: l4.OtherClass},
		{name: "no class, not the default controller", opts: func(o *l4.Options) { o.DefaultLBController = &no }, want: l4.NoClass},
		{name: "our class, not the default controller", tweak: class(l4.LoadBalancerClass), opts: func(o *l4.Options) { o.DefaultLBController = &no }, want: ""},
		{name: "own class option, Service has it", tweak: class("example.com/l4"), opts: func(o *l4.Options) { o.LoadBalancerClass = "example.com/l4" }, want: ""},
		{name: "own class option, Service has AKO's class", tweak: class(l4.LoadBalancerClass), opts: func(o *l4.Options) { o.LoadBalancerClass = "example.com/l4" }, want: l4.OtherClass},
		{name: "own class option, no class, default controller", opts: func(o *l4.Options) { o.LoadBalancerClass = "example.com/l4" }, want: ""},
		{name: "ClusterIP", tweak: func(s *corev1.Service) { s.Spec.Type = corev1.ServiceTypeClusterIP }, want: l4.NotLoadBalancer},
		{name: "NodePort", tweak: func(s *corev1.Service) { s.Spec.Type = corev1.ServiceTypeNodePort }, want: l4.NotLoadBalancer},
		{name: "shared VIP member", tweak: func(s *corev1.Service) {
			s.Annotations = map[string]string{l4.AnnotationSharedVIP: "k"}
		}, want: l4.SharedVIP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := baseService()
			if tc.tweak != nil {
				tc.tweak(svc)
			}
			opts := baseOptions()
			if tc.opts != nil {
				tc.opts(&opts)
			}
			res := l4.TranslateService(l4.ServiceInput{Service: svc}, opts)
			if len(res.Errors) > 0 {
				t.Fatalf("not-ours is not an error, got %v", res.Errors)
			}
			var got l4.NotOursReason
			if res.NotOurs != nil {
				got = res.NotOurs.Reason
				if res.Set != nil {
					t.Error("a NotOurs result carries a Set")
				}
			} else if res.Set == nil {
				t.Error("an ours result carries no Set")
			}
			if got != tc.want {
				t.Errorf("NotOurs reason = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestTranslateServiceProtocols checks the protocol-driven choices on the
// whole VirtualService services list, pool monitors and rule protocols.
func TestTranslateServiceProtocols(t *testing.T) {
	type port struct {
		proto corev1.Protocol
		num   int32
	}
	np := func(n string) string { return aviobj.RefByName(aviobj.KindNetworkProfile, n) }
	for _, tc := range []struct {
		name       string
		license    profiles.License
		ports      []port
		wantVSProf string
		wantSvcs   []aviobj.Service
		wantHMs    []string
		wantRules  []string
	}{
		{
			name: "sctp only", license: profiles.LicenseEnterprise, ports: []port{{"SCTP", 80}},
			wantVSProf: "System-SCTP-Proxy",
			wantSvcs:   []aviobj.Service{{Port: 80, PortRangeEnd: 80}},
			wantHMs:    []string{"System-SCTP"}, wantRules: []string{"PROTOCOL_SCTP"},
		},
		{
			name: "tcp only, basic licence", license: profiles.LicenseBasic, ports: []port{{"TCP", 80}},
			wantVSProf: "System-TCP-Fast-Path",
			wantSvcs:   []aviobj.Service{{Port: 80, PortRangeEnd: 80}},
			wantHMs:    []string{"System-TCP"}, wantRules: []string{"PROTOCOL_TCP"},
		},
		{
			name: "tcp udp sctp on one port", license: profiles.LicenseEnterprise,
			ports:      []port{{"TCP", 8080}, {"UDP", 8080}, {"SCTP", 8080}},
			wantVSProf: "System-TCP-Proxy",
			wantSvcs: []aviobj.Service{
				{Port: 8080, PortRangeEnd: 8080},
				{Port: 8080, PortRangeEnd: 8080, OverrideNetworkProfileRef: np("System-UDP-Fast-Path")},
				{Port: 8080, PortRangeEnd: 8080, OverrideNetworkProfileRef: np("System-SCTP-Proxy")},
			},
			wantHMs:   []string{"System-TCP", "System-UDP", "System-SCTP"},
			wantRules: []string{"PROTOCOL_TCP", "PROTOCOL_UDP", "PROTOCOL_SCTP"},
		},
		{
			name: "sctp and udp", license: profiles.LicenseEnterprise, ports: []port{{"SCTP", 1}, {"UDP", 2}},
			wantVSProf: "System-UDP-Fast-Path",
			wantSvcs: []aviobj.Service{
				{Port: 1, PortRangeEnd: 1, OverrideNetworkProfileRef: np("System-SCTP-Proxy")},
				{Port: 2, PortRangeEnd: 2, OverrideNetworkProfileRef: np("System-UDP-Fast-Path")},
			},
			wantHMs: []string{"System-SCTP", "System-UDP"}, wantRules: []string{"PROTOCOL_SCTP", "PROTOCOL_UDP"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := baseService()
			svc.Spec.Ports = nil
			for i, p := range tc.ports {
				svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: string(rune('a' + i)), Port: p.num, Protocol: p.proto})
			}
			res := l4.TranslateService(l4.ServiceInput{Service: svc}, l4.Options{ClusterName: "c1", License: tc.license})
			if len(res.Errors) > 0 || res.Set == nil {
				t.Fatalf("unexpected errors %v", res.Errors)
			}
			vs := res.Set.VirtualService
			if want := np(tc.wantVSProf); vs.NetworkProfileRef != want {
				t.Errorf("network_profile_ref = %q, want %q", vs.NetworkProfileRef, want)
			}
			if diff := cmp.Diff(tc.wantSvcs, vs.Services); diff != "" {
				t.Errorf("services (-want +got):\n%s", diff)
			}
			var hms, rules []string
			for _, p := range res.Set.Pools {
				r, _ := aviobj.ParseRef(p.HealthMonitorRefs[0])
				hms = append(hms, r.Name)
			}
			for _, r := range res.Set.L4PolicySet.L4ConnectionPolicy.Rules {
				rules = append(rules, r.Match.Protocol.Protocol)
			}
			if diff := cmp.Diff(tc.wantHMs, hms); diff != "" {
				t.Errorf("health monitors (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.wantRules, rules); diff != "" {
				t.Errorf("rule protocols (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTranslateServiceEndpointChangesOnlyServers: scaling endpoints changes
// pool servers and nothing else.
func TestTranslateServiceEndpointChangesOnlyServers(t *testing.T) {
	svc := baseService()
	ready := true
	slice := func(ips ...string) []discoveryv1.EndpointSlice {
		s := discoveryv1.EndpointSlice{
			ObjectMeta:  metav1.ObjectMeta{Name: "s", Namespace: "ns", Labels: map[string]string{l4.LabelServiceName: "svc"}},
			AddressType: discoveryv1.AddressTypeIPv4,
			Ports:       []discoveryv1.EndpointPort{{Name: ptr("sctp"), Port: ptr(int32(38412)), Protocol: ptr(corev1.ProtocolSCTP)}},
		}
		for _, ip := range ips {
			s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{Addresses: []string{ip}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}})
		}
		return []discoveryv1.EndpointSlice{s}
	}
	one := l4.TranslateService(l4.ServiceInput{Service: svc, EndpointSlices: slice("10.0.0.1")}, baseOptions())
	two := l4.TranslateService(l4.ServiceInput{Service: svc, EndpointSlices: slice("10.0.0.2", "10.0.0.1")}, baseOptions())
	if len(two.Set.Pools[0].Servers) != 2 {
		t.Fatalf("servers = %v, want 2", two.Set.Pools[0].Servers)
	}
	two.Set.Pools[0].Servers = one.Set.Pools[0].Servers
	if diff := cmp.Diff(one.Set, two.Set); diff != "" {
		t.Errorf("scaling endpoints changed more than pool servers (-one +two):\n%s", diff)
	}
}

func ptr[T any](v T) *T { return &v }
