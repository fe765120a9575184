package l4_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/l4"
)

// goodSlice is an EndpointSlice of baseService with one SCTP port and the
// given addresses, one endpoint each.
func goodSlice(addrType discoveryv1.AddressType, addrs ...string) discoveryv1.EndpointSlice {
	s := discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: "s", Namespace: "ns", Labels: map[string]string{l4.LabelServiceName: "svc"}},
		AddressType: addrType,
		Ports:       []discoveryv1.EndpointPort{{Name: ptr("sctp"), Port: ptr(int32(38412)), Protocol: ptr(corev1.ProtocolSCTP)}},
	}
	for _, a := range addrs {
		s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{Addresses: []string{a}})
	}
	return s
}

func serverAddrs(set *aviobj.Set) []string {
	var out []string
	for _, p := range set.Pools {
		for _, s := range p.Servers {
			out = append(out, fmt.Sprintf("%s:%d", s.IP.Addr, s.Port))
		}
	}
	return out
}

// checkInputWarnings translates and checks: a Set, no error, the servers,
// and one warning per wanted substring (and no other).
func checkInputWarnings(t *testing.T, in l4.ServiceInput, opts l4.Options, wantServers []string, wantWarnings []string) {
	t.Helper()
	res := l4.TranslateService(in, opts)
	if res.Set == nil || len(res.Errors) > 0 {
		t.Fatalf("Set %v, errors %v; one bad input must not refuse the Service", res.Set != nil, res.Errors)
	}
	if diff := cmp.Diff(wantServers, serverAddrs(res.Set)); diff != "" {
		t.Errorf("servers (-want +got):\n%s", diff)
	}
	if len(res.Warnings) != len(wantWarnings) {
		t.Fatalf("warnings = %q, want %d", res.Warnings, len(wantWarnings))
	}
	for i, w := range wantWarnings {
		if !strings.Contains(res.Warnings[i], w) {
			t.Errorf("warning %q lacks %q", res.Warnings[i], w)
		}
	}
}

func TestEndpointSliceValidation(t *testing.T) {
	const root = "endpointSlices[ns/s]"
	v4, v6 := discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6
	withPort := func(f func(*discoveryv1.EndpointPort)) discoveryv1.EndpointSlice {
		s := goodSlice(v4, "10.0.0.1")
		f(&s.Ports[0])
		return s
	}
	for _, tc := range []struct {
		name         string
		slice        discoveryv1.EndpointSlice
		opts         func(*l4.Options)
		wantServers  []string
		wantWarnings []string
	}{
		{name: "valid", slice: goodSlice(v4, "10.0.0.1"), wantServers: []string{"10.0.0.1:38412"}},
		{name: "port -1", slice: withPort(func(p *discoveryv1.EndpointPort) { p.Port = ptr(int32(-1)) }),
			wantWarnings: []string{root + ".ports[0].port: Invalid value: -1: must be between 1 and 65535, inclusive; the port is not used"}},
		{name: "port 70000", slice: withPort(func(p *discoveryv1.EndpointPort) { p.Port = ptr(int32(70000)) }),
			wantWarnings: []string{root + ".ports[0].port: Invalid value: 70000"}},
		{name: "port name not a DNS label", slice: withPort(func(p *discoveryv1.EndpointPort) { p.Name = ptr("Bad_Name") }),
			wantWarnings: []string{root + ".ports[0].name: Invalid value: \"Bad_Name\""}},
		{name: "unknown protocol", slice: withPort(func(p *discoveryv1.EndpointPort) { p.Protocol = ptr(corev1.Protocol("ICMP")) }),
			wantWarnings: []string{root + ".ports[0].protocol: Unsupported value: \"ICMP\""}},
		{name: "duplicate port name: the first is used", slice: func() discoveryv1.EndpointSlice {
			s := goodSlice(v4, "10.0.0.1")
			s.Ports = append(s.Ports, discoveryv1.EndpointPort{Name: ptr("sctp"), Port: ptr(int32(9)), Protocol: ptr(corev1.ProtocolSCTP)})
			return s
		}(), wantServers: []string{"10.0.0.1:38412"}, wantWarnings: []string{root + ".ports[1].name: Duplicate value: \"sctp\""}},
		{name: "unknown addressType", slice: goodSlice("IPv5", "10.0.0.1"),
			wantWarnings: []string{root + ".addressType: Unsupported value: \"IPv5\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"; the EndpointSlice is not used"}},
		{name: "no addressType", slice: goodSlice("", "10.0.0.1"),
			wantWarnings: []string{root + ".addressType: Required value"}},
		{name: "FQDN slice", slice: goodSlice(discoveryv1.AddressTypeFQDN, "pod.example.com"),
			wantWarnings: []string{root + ".addressType: Forbidden: FQDN endpoints cannot be pool servers"}},
		{name: "wrong apiVersion", slice: func() discoveryv1.EndpointSlice {
			s := goodSlice(v4, "10.0.0.1")
			s.APIVersion = "discovery.k8s.io/v1beta1"
			return s
		}(), wantWarnings: []string{root + ".apiVersion: Invalid value: \"discovery.k8s.io/v1beta1\""}},
		{name: "one bad address among good ones", slice: goodSlice(v4, "10.0.0.1", "10.0.0.300", "10.0.0.2"),
			wantServers:  []string{"10.0.0.1:38412", "10.0.0.2:38412"},
			wantWarnings: []string{root + ".endpoints[1].addresses[0]: Invalid value: \"10.0.0.300\": must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff); the endpoint is not used"}},
		{name: "IPv6 address in an IPv4 slice", slice: goodSlice(v4, "2001:db8::1"),
			wantWarnings: []string{root + ".endpoints[0].addresses[0]: Invalid value: \"2001:db8::1\": must be an IPv4 address"}},
		{name: "IPv4 address in an IPv6 slice", slice: goodSlice(v6, "10.0.0.1"), opts: func(o *l4.Options) { o.IPFamily = l4.IPFamilyV6 },
			wantWarnings: []string{root + ".endpoints[0].addresses[0]: Invalid value: \"10.0.0.1\": must be an IPv6 address"}},
		{name: "IPv4-mapped address", slice: goodSlice(v4, "::ffff:10.0.0.1"),
			wantWarnings: []string{"must not be an IPv4-mapped IPv6 address"}},
		{name: "IPv6 address not in canonical form", slice: goodSlice(v6, "2001:DB8::1"), opts: func(o *l4.Options) { o.IPFamily = l4.IPFamilyV6 },
			wantWarnings: []string{`must be in canonical form ("2001:db8::1")`}},
		{name: "loopback address", slice: goodSlice(v4, "127.0.0.1"), wantWarnings: []string{"loopback"}},
		{name: "unspecified address", slice: goodSlice(v4, "0.0.0.0"), wantWarnings: []string{"unspecified"}},
		{name: "link-local address", slice: goodSlice(v4, "169.254.0.1"), wantWarnings: []string{"link-local"}},
		{name: "multicast address", slice: goodSlice(v4, "224.0.0.5"), wantWarnings: []string{"multicast"}},
		{name: "endpoint without address", slice: func() discoveryv1.EndpointSlice {
			s := goodSlice(v4, "10.0.0.1")
			s.Endpoints = append(s.Endpoints, discoveryv1.Endpoint{})
			return s
		}(), wantServers: []string{"10.0.0.1:38412"}, wantWarnings: []string{root + ".endpoints[1].addresses: Required value"}},
		{name: "another Service's bad slice is not looked at", slice: func() discoveryv1.EndpointSlice {
			s := goodSlice("IPv5", "x")
			s.Labels[l4.LabelServiceName] = "other"
			return s
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := baseOptions()
			if tc.opts != nil {
				tc.opts(&opts)
			}
			checkInputWarnings(t, l4.ServiceInput{Service: baseService(), EndpointSlices: []discoveryv1.EndpointSlice{tc.slice}}, opts, tc.wantServers, tc.wantWarnings)
		})
	}
}

func TestNodeValidation(t *testing.T) {
	node := func(name string, addrs ...string) corev1.Node {
		n := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: name}}
		for _, a := range addrs {
			n.Status.Addresses = append(n.Status.Addresses, corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: a})
		}
		return n
	}
	svc := baseService()
	svc.Spec.Ports[0].NodePort = 31000
	opts := baseOptions()
	opts.BackendMode = l4.BackendNodePort
	for _, tc := range []struct {
		name         string
		bad          corev1.Node
		wantWarnings []string
	}{
		{name: "not an IP", bad: node("n2", "node-2"), wantWarnings: []string{`nodes[n2].status.addresses[0].address: Invalid value: "node-2": must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff); the address is not used`}},
		{name: "zone", bad: node("n2", "fe80::1%eth0"), wantWarnings: []string{"nodes[n2].status.addresses[0].address"}},
		{name: "IPv4-mapped", bad: node("n2", "::ffff:10.0.0.2"), wantWarnings: []string{"IPv4-mapped"}},
		{name: "loopback", bad: node("n2", "127.0.0.1"), wantWarnings: []string{"loopback"}},
		{name: "the second address is bad, the first is used", bad: node("n2", "10.0.0.2", "x"), wantWarnings: []string{"nodes[n2].status.addresses[1].address"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := []string{"10.0.0.1:31000"}
			if len(tc.bad.Status.Addresses) > 1 {
				want = append(want, "10.0.0.2:31000")
			}
			checkInputWarnings(t, l4.ServiceInput{Service: svc, Nodes: []corev1.Node{node("n1", "10.0.0.1"), tc.bad}}, opts, want, tc.wantWarnings)
		})
	}
}

func TestNodePortLocalPodValidation(t *testing.T) {
	pod := func(name, ann string) corev1.Pod {
		return corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", Labels: map[string]string{"app": "svc"},
			Annotations: map[string]string{l4.AnnotationNodePortLocal: ann}}}
	}
	svc := baseService()
	svc.Spec.Ports = []corev1.ServicePort{{Name: "tcp", Port: 80, TargetPort: intstr.FromInt32(8080), Protocol: corev1.ProtocolTCP}}
	opts := baseOptions()
	opts.BackendMode = l4.BackendNodePortLocal
	good := pod("good", `[{"podPort":8080,"nodeIP":"10.0.0.1","nodePort":61000,"protocol":"tcp"}]`)
	const ann = "pods[ns/bad].metadata.annotations[nodeportlocal.antrea.io]"
	for _, tc := range []struct {
		name        string
		annotation  string
		wantWarning string
	}{
		{name: "not JSON", annotation: "garbage", wantWarning: ann + `: Invalid value: "garbage": must be a JSON list`},
		{name: "bad node IP", annotation: `[{"podPort":8080,"nodeIP":"10.0.0.256","nodePort":61001}]`, wantWarning: ann + `[0].nodeIP: Invalid value: "10.0.0.256"`},
		{name: "node port 0", annotation: `[{"podPort":8080,"nodeIP":"10.0.0.2","nodePort":0}]`, wantWarning: ann + "[0].nodePort: Invalid value: 0"},
		{name: "pod port 70000", annotation: `[{"podPort":70000,"nodeIP":"10.0.0.2","nodePort":61001}]`, wantWarning: ann + "[0].podPort: Invalid value: 70000"},
		{name: "protocol icmp", annotation: `[{"podPort":8080,"nodeIP":"10.0.0.2","nodePort":61001,"protocol":"icmp"}]`, wantWarning: ann + `[0].protocol: Unsupported value: "icmp"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := l4.ServiceInput{Service: svc, Pods: []corev1.Pod{good, pod("bad", tc.annotation)}}
			checkInputWarnings(t, in, opts, []string{"10.0.0.1:61000"}, []string{tc.wantWarning})
		})
	}
}

// TestSharedVIPValidation: each member is validated like a dedicated
// Service, members must agree on IP families, and the group's own
// namespace and key are checked.
func TestSharedVIPValidation(t *testing.T) {
	lb := corev1.ServiceTypeLoadBalancer
	group := l4.SharedVIPGroup{Namespace: "ns", Key: "k"}
	v6 := func(s corev1.Service) corev1.Service {
		s.Spec.IPFamilies, s.Spec.IPFamilyPolicy = []corev1.IPFamily{corev1.IPv6Protocol}, ptr(corev1.IPFamilyPolicySingleStack)
		return s
	}
	dual := func(s corev1.Service) corev1.Service {
		s.Spec.IPFamilies, s.Spec.IPFamilyPolicy = []corev1.IPFamily{corev1.IPv4Protocol}, ptr(corev1.IPFamilyPolicyRequireDualStack)
		return s
	}
	for _, tc := range []struct {
		name      string
		group     l4.SharedVIPGroup
		svcs      []corev1.Service
		wantGroup field.ErrorList
		// wantMember are the errors of the member named by the key.
		wantMember map[string]field.ErrorList
	}{
		{
			name:      "IPv6 member after an IPv4 one",
			group:     group,
			svcs:      []corev1.Service{member("a", "k", lb, sctp(1)), v6(member("b", "k", lb, udp(2)))},
			wantGroup: field.ErrorList{field.Invalid(field.NewPath("sharedVIPGroup"), "", "see the errors of Service ns/b")},
			wantMember: map[string]field.ErrorList{
				"a": {field.Forbidden(field.NewPath("metadata", "annotations").Key(l4.AnnotationSharedVIP), "")},
				"b": {field.Invalid(field.NewPath("spec", "ipFamilies"), "", "gives a V6 VIP, but Service ns/a (spec.ipFamilies [])")},
			},
		},
		{
			name:  "same family list, policies that give different VIPs",
			group: group,
			svcs: []corev1.Service{func() corev1.Service {
				s := member("a", "k", lb, sctp(1))
				s.Spec.IPFamilies, s.Spec.IPFamilyPolicy = []corev1.IPFamily{corev1.IPv4Protocol}, ptr(corev1.IPFamilyPolicySingleStack)
				return s
			}(), dual(member("b", "k", lb, udp(2)))},
			wantGroup: field.ErrorList{field.Invalid(field.NewPath("sharedVIPGroup"), "", "")},
			wantMember: map[string]field.ErrorList{
				"a": {field.Forbidden(field.NewPath("metadata", "annotations").Key(l4.AnnotationSharedVIP), "")},
				"b": {field.Invalid(field.NewPath("spec", "ipFamilyPolicy"), "", "gives a V4_V6 VIP, but Service ns/a (spec.ipFamilyPolicy SingleStack) gives a V4 VIP")},
			},
		},
		{
			name:  "a member with a bad port name",
			group: group,
			svcs:  []corev1.Service{member("a", "k", lb, sctp(1)), member("b", "k", lb, corev1.ServicePort{Name: "x_y", Port: 3, Protocol: corev1.ProtocolSCTP})},
			wantMember: map[string]field.ErrorList{
				"b": {field.Invalid(field.NewPath("spec", "ports").Index(0).Child("name"), "x_y", "")},
			},
		},
		{
			name:  "a member with an unknown externalTrafficPolicy",
			group: group,
			svcs: []corev1.Service{member("a", "k", lb, sctp(1)), func() corev1.Service {
				s := member("b", "k", lb, udp(2))
				s.Spec.ExternalTrafficPolicy = "Nearby"
				return s
			}()},
			wantGroup: field.ErrorList{field.Invalid(field.NewPath("sharedVIPGroup"), "", "")},
			wantMember: map[string]field.ErrorList{
				"a": {field.Forbidden(field.NewPath("metadata", "annotations").Key(l4.AnnotationSharedVIP), "")},
				"b": {field.NotSupported[string](field.NewPath("spec", "externalTrafficPolicy"), "Nearby", nil)},
			},
		},
		{
			name:      "invalid key",
			group:     l4.SharedVIPGroup{Namespace: "ns", Key: "K/1"},
			svcs:      []corev1.Service{member("a", "K/1", lb, sctp(1))},
			wantGroup: field.ErrorList{field.Invalid(field.NewPath("sharedVIPGroup", "key"), "K/1", "RFC 1123 label")},
		},
		{
			name:      "no group",
			wantGroup: field.ErrorList{field.Required(field.NewPath("sharedVIPGroup", "namespace"), ""), field.Required(field.NewPath("sharedVIPGroup", "key"), "")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := l4.TranslateSharedVIP(l4.SharedVIPInput{Group: tc.group, Services: tc.svcs}, baseOptions())
			matchErrors(t, tc.wantGroup, res.Errors)
			for _, m := range res.Members {
				t.Run(m.Service.Name, func(t *testing.T) { matchErrors(t, tc.wantMember[m.Service.Name], m.Result.Errors) })
			}
			if (res.Set == nil) != (len(tc.wantGroup) > 0) {
				t.Errorf("Set produced = %v with group errors %v", res.Set != nil, res.Errors)
			}
		})
	}
}
