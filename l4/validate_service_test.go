package l4_test

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

// matchErrors compares error lists by type and field, and checks that each
// wanted Detail is part of the one found.
func matchErrors(t *testing.T, want, got field.ErrorList) {
	t.Helper()
	field.ErrorMatcher{}.ByType().ByField().ByDetailSubstring().Test(t, want, got)
}

func annotate(k, v string) func(*corev1.Service) {
	return func(s *corev1.Service) {
		if s.Annotations == nil {
			s.Annotations = map[string]string{}
		}
		s.Annotations[k] = v
	}
}

func families(policy *corev1.IPFamilyPolicy, fams ...corev1.IPFamily) func(*corev1.Service) {
	return func(s *corev1.Service) { s.Spec.IPFamilies, s.Spec.IPFamilyPolicy = fams, policy }
}

func tweaks(fs ...func(*corev1.Service)) func(*corev1.Service) {
	return func(s *corev1.Service) {
		for _, f := range fs {
			f(s)
		}
	}
}

// TestServiceValidation has one case per rule of doc.go's "What is refused,
// and why" for the Service itself: the tweak, and the exact errors.
func TestServiceValidation(t *testing.T) {
	meta := field.NewPath("metadata")
	spec := field.NewPath("spec")
	ports := spec.Child("ports")
	ann := meta.Child("annotations")
	single := ptr(corev1.IPFamilyPolicySingleStack)
	prefer := ptr(corev1.IPFamilyPolicyPreferDualStack)
	require := ptr(corev1.IPFamilyPolicyRequireDualStack)
	v4, v6 := corev1.IPv4Protocol, corev1.IPv6Protocol
	tcp := corev1.ServicePort{Name: "tcp", Port: 80, Protocol: corev1.ProtocolTCP}
	for _, tc := range []struct {
		name  string
		tweak func(*corev1.Service)
		opts  func(*l4.Options)
		want  field.ErrorList
		// wantSet: the Service (or its other ports) is still served.
		wantSet bool
	}{
		// Identity and type.
		{name: "no name", tweak: func(s *corev1.Service) { s.Name = "" },
			want: field.ErrorList{field.Required(meta.Child("name"), "name or generateName is required")}},
		{name: "name not a DNS-1123 label", tweak: func(s *corev1.Service) { s.Name = "My_Svc" },
			want: field.ErrorList{field.Invalid(meta.Child("name"), "My_Svc", "RFC 1123 label")}},
		{name: "name longer than 63", tweak: func(s *corev1.Service) { s.Name = strings.Repeat("a", 64) },
			want: field.ErrorList{field.Invalid(meta.Child("name"), "", "must be no more than 63 characters")}},
		{name: "name starting with a digit is a DNS-1123 label (RelaxedServiceNameValidation)", tweak: func(s *corev1.Service) { s.Name = "1svc" }, wantSet: true},
		{name: "namespace with a slash", tweak: func(s *corev1.Service) { s.Namespace = "a/b" },
			want: field.ErrorList{field.Invalid(meta.Child("namespace"), "a/b", "RFC 1123 label")}},
		{name: "no namespace", tweak: func(s *corev1.Service) { s.Namespace = "" },
			want: field.ErrorList{field.Required(meta.Child("namespace"), "")}},
		{name: "label that is not a qualified name", tweak: func(s *corev1.Service) { s.Labels = map[string]string{"a b": "x"} },
			want: field.ErrorList{field.Invalid(meta.Child("labels"), "a b", "name part must consist of")}},
		{name: "unknown type", tweak: func(s *corev1.Service) { s.Spec.Type = "LoadBalancr" },
			want: field.ErrorList{field.NotSupported[string](spec.Child("type"), "LoadBalancr", nil)}},
		{name: "ClusterIP with no name is an error, not NotOurs", tweak: func(s *corev1.Service) { s.Name, s.Spec.Type = "", corev1.ServiceTypeClusterIP },
			want: field.ErrorList{field.Required(meta.Child("name"), "")}},
		{name: "apiVersion v2", tweak: func(s *corev1.Service) { s.APIVersion = "v2" },
			want: field.ErrorList{field.Invalid(field.NewPath("apiVersion"), "v2", "must be v1")}},
		{name: "kind Pod", tweak: func(s *corev1.Service) { s.APIVersion, s.Kind = "v1", "Pod" },
			want: field.ErrorList{field.Invalid(field.NewPath("kind"), "Pod", "must be Service")}},
		{name: "apiVersion v1 and kind Service", tweak: func(s *corev1.Service) { s.APIVersion, s.Kind = "v1", "Service" }, wantSet: true},

		// IP families.
		{name: "unknown family", tweak: families(nil, "IPv5"),
			want: field.ErrorList{field.NotSupported[string](spec.Child("ipFamilies").Index(0), "IPv5", nil)}},
		{name: "repeated family", tweak: families(single, v4, v4),
			want: field.ErrorList{field.Duplicate(spec.Child("ipFamilies").Index(1), v4)}},
		{name: "three families", tweak: families(prefer, v4, v6, v4),
			want: field.ErrorList{field.Duplicate(spec.Child("ipFamilies").Index(2), v4)}},
		{name: "SingleStack with two families", tweak: families(single, v4, v6),
			want: field.ErrorList{field.Invalid(spec.Child("ipFamilyPolicy"), "", "must be RequireDualStack or PreferDualStack")}},
		{name: "two families and no policy", tweak: families(nil, v4, v6),
			want: field.ErrorList{field.Required(spec.Child("ipFamilyPolicy"), "unset means SingleStack")}},
		{name: "unknown policy", tweak: families(ptr(corev1.IPFamilyPolicy("DualStack")), v4),
			want: field.ErrorList{field.NotSupported[string](spec.Child("ipFamilyPolicy"), "", nil)}},
		{name: "RequireDualStack with one family is completed, as the API server does", tweak: families(require, v6), wantSet: true},
		{name: "RequireDualStack under an IPv4-only option", tweak: families(require, v4, v6),
			opts: func(o *l4.Options) { o.IPFamily = l4.IPFamilyV4 },
			want: field.ErrorList{field.Invalid(spec.Child("ipFamilyPolicy"), "", "V4 only (options.ipFamily)")}},
		{name: "IPv6 single-stack under an IPv4-only option", tweak: families(single, v6),
			opts: func(o *l4.Options) { o.IPFamily = l4.IPFamilyV4 },
			want: field.ErrorList{field.Invalid(spec.Child("ipFamilies").Index(0), "", "V4 only")}},
		{name: "PreferDualStack IPv6 only under an IPv4-only option", tweak: families(prefer, v6),
			opts: func(o *l4.Options) { o.IPFamily = l4.IPFamilyV4 },
			want: field.ErrorList{field.Invalid(spec.Child("ipFamilies"), "", "V4 only")}},
		{name: "PreferDualStack with one served family", tweak: families(prefer, v6, v4),
			opts: func(o *l4.Options) { o.IPFamily = l4.IPFamilyV4 }, wantSet: true},
		{name: "IPv4 single-stack under dual-stack VIPs", tweak: families(single, v4),
			opts: func(o *l4.Options) { o.IPFamily = l4.IPFamilyV4V6 }, wantSet: true},

		// Preferred IPs.
		{name: "unspecified preferred IP", tweak: func(s *corev1.Service) { s.Spec.LoadBalancerIP = "0.0.0.0" },
			want: field.ErrorList{field.Invalid(spec.Child("loadBalancerIP"), "", "may not be unspecified")}},
		{name: "unspecified IPv6 preferred IP", tweak: func(s *corev1.Service) { s.Spec.LoadBalancerIP = "::" },
			want: field.ErrorList{field.Invalid(spec.Child("loadBalancerIP"), "", "may not be unspecified")}},
		{name: "multicast preferred IP", tweak: func(s *corev1.Service) { s.Spec.LoadBalancerIP = "239.1.1.1" },
			want: field.ErrorList{field.Invalid(spec.Child("loadBalancerIP"), "", "multicast")}},
		{name: "IPv6 multicast preferred IP", tweak: func(s *corev1.Service) { s.Spec.LoadBalancerIP = "ff02::1" },
			want: field.ErrorList{field.Invalid(spec.Child("loadBalancerIP"), "", "multicast")}},
		{name: "link-local preferred IP", tweak: func(s *corev1.Service) { s.Spec.LoadBalancerIP = "169.254.10.1" },
			want: field.ErrorList{field.Invalid(spec.Child("loadBalancerIP"), "", "link-local")}},
		{name: "IPv6 link-local preferred IP", tweak: func(s *corev1.Service) { s.Spec.LoadBalancerIP = "fe80::1" },
			want: field.ErrorList{field.Invalid(spec.Child("loadBalancerIP"), "", "link-local")}},
		{name: "loopback preferred IP", tweak: func(s *corev1.Service) { s.Spec.LoadBalancerIP = "127.0.0.1" },
			want: field.ErrorList{field.Invalid(spec.Child("loadBalancerIP"), "", "loopback")}},
		{name: "broadcast preferred IP", tweak: func(s *corev1.Service) { s.Spec.LoadBalancerIP = "255.255.255.255" },
			want: field.ErrorList{field.Invalid(spec.Child("loadBalancerIP"), "", "broadcast")}},
		{name: "unspecified IP in the annotation", tweak: annotate(l4.AnnotationLoadBalancerIP, "0.0.0.0"),
			want: field.ErrorList{field.Invalid(ann.Key(l4.AnnotationLoadBalancerIP), "", "may not be unspecified")}},

		// Ports.
		{name: "duplicate port names", tweak: addPort(corev1.ServicePort{Name: "sctp", Port: 80}), wantSet: true,
			want: field.ErrorList{field.Duplicate(ports.Index(1).Child("name"), "sctp")}},
		{name: "a port without a name beside another port", tweak: addPort(corev1.ServicePort{Port: 80}), wantSet: true,
			want: field.ErrorList{field.Required(ports.Index(1).Child("name"), "several ports")}},
		{name: "a single port may have no name", tweak: func(s *corev1.Service) { s.Spec.Ports[0].Name = "" }, wantSet: true},
		{name: "port name that is not a DNS label", tweak: addPort(corev1.ServicePort{Name: "Bad_Name", Port: 80}), wantSet: true,
			want: field.ErrorList{field.Invalid(ports.Index(1).Child("name"), "Bad_Name", "RFC 1123 label")}},
		{name: "port names are DNS-1123 labels, longer than IANA service names", tweak: func(s *corev1.Service) { s.Spec.Ports[0].Name = "a-rather-long-port-name" }, wantSet: true},
		{name: "appProtocol that is not a qualified name", wantSet: true,
			tweak: addPort(corev1.ServicePort{Name: "tcp", Port: 80, AppProtocol: ptr("not a name")}),
			want:  field.ErrorList{field.Invalid(ports.Index(1).Child("appProtocol"), "", "")}},
		{name: "duplicate node port of one protocol", wantSet: true,
			tweak: tweaks(func(s *corev1.Service) { s.Spec.Ports[0].NodePort = 30000 }, addPort(corev1.ServicePort{Name: "b", Port: 80, NodePort: 30000, Protocol: corev1.ProtocolSCTP})),
			want:  field.ErrorList{field.Duplicate(ports.Index(1).Child("nodePort"), "spec.ports[0] uses node port SCTP/30000")}},
		{name: "the same node port for two protocols", wantSet: true,
			tweak: tweaks(func(s *corev1.Service) { s.Spec.Ports[0].NodePort = 30000 }, addPort(corev1.ServicePort{Name: "b", Port: 80, NodePort: 30000, Protocol: corev1.ProtocolTCP}))},
		{name: "empty string targetPort means the port", tweak: func(s *corev1.Service) { s.Spec.Ports[0].TargetPort = intstr.FromString("") }, wantSet: true},

		// Policies and affinity.
		{name: "unknown externalTrafficPolicy", tweak: func(s *corev1.Service) { s.Spec.ExternalTrafficPolicy = "Nearby" },
			want: field.ErrorList{field.NotSupported[string](spec.Child("externalTrafficPolicy"), "Nearby", nil)}},
		{name: "unknown internalTrafficPolicy", tweak: func(s *corev1.Service) {
			s.Spec.InternalTrafficPolicy = ptr(corev1.ServiceInternalTrafficPolicy("Nearby"))
		},
			want: field.ErrorList{field.NotSupported[string](spec.Child("internalTrafficPolicy"), "Nearby", nil)}},
		{name: "internalTrafficPolicy Local", tweak: func(s *corev1.Service) { s.Spec.InternalTrafficPolicy = ptr(corev1.ServiceInternalTrafficPolicyLocal) }, wantSet: true},
		{name: "unknown sessionAffinity", tweak: func(s *corev1.Service) { s.Spec.SessionAffinity = "Sticky" },
			want: field.ErrorList{field.NotSupported[string](spec.Child("sessionAffinity"), "Sticky", nil)}},
		{name: "ClientIP affinity timeout 0", tweak: func(s *corev1.Service) {
			s.Spec.SessionAffinity = corev1.ServiceAffinityClientIP
			s.Spec.SessionAffinityConfig = &corev1.SessionAffinityConfig{ClientIP: &corev1.ClientIPConfig{TimeoutSeconds: ptr(int32(0))}}
		}, want: field.ErrorList{field.Invalid(spec.Child("sessionAffinityConfig", "clientIP", "timeoutSeconds"), "", "greater than 0")}},
		{name: "ClientIP affinity of 3 hours", tweak: func(s *corev1.Service) {
			s.Spec.SessionAffinity = corev1.ServiceAffinityClientIP
			s.Spec.SessionAffinityConfig = &corev1.SessionAffinityConfig{ClientIP: &corev1.ClientIPConfig{TimeoutSeconds: ptr(int32(10800))}}
		}, wantSet: true},
		{name: "allocateLoadBalancerNodePorts false in ClusterIP mode", tweak: func(s *corev1.Service) { s.Spec.AllocateLoadBalancerNodePorts = ptr(false) }, wantSet: true},
		{name: "healthCheckNodePort without externalTrafficPolicy Local", tweak: func(s *corev1.Service) { s.Spec.HealthCheckNodePort = 32000 },
			want: field.ErrorList{field.Invalid(spec.Child("healthCheckNodePort"), "", "externalTrafficPolicy is Local")}},
		{name: "healthCheckNodePort out of range", tweak: func(s *corev1.Service) {
			s.Spec.ExternalTrafficPolicy, s.Spec.HealthCheckNodePort = corev1.ServiceExternalTrafficPolicyLocal, 70000
		}, want: field.ErrorList{field.Invalid(spec.Child("healthCheckNodePort"), "", "between 1 and 65535")}},
		{name: "selector with a bad label value", tweak: func(s *corev1.Service) { s.Spec.Selector = map[string]string{"app": "not ok!"} },
			want: field.ErrorList{field.Invalid(spec.Child("selector"), "", "")}},

		// Annotations.
		{name: "HTTP application profile on an SCTP port", tweak: annotate(l4.AnnotationApplicationProfile, "System-HTTP"),
			want: field.ErrorList{field.Forbidden(ann.Key(l4.AnnotationApplicationProfile), "System-HTTP is an HTTP application profile, which needs TCP, and cannot serve spec.ports[0] (SCTP/38412)")}},
		{name: "SSL application profile on an SCTP port", tweak: annotate(l4.AnnotationApplicationProfile, "System-SSL-Application"),
			want: field.ErrorList{field.Forbidden(ann.Key(l4.AnnotationApplicationProfile), "an SSL application profile")}},
		{name: "secure HTTP application profile on a UDP port",
			tweak: tweaks(func(s *corev1.Service) { s.Spec.Ports[0].Protocol = corev1.ProtocolUDP }, annotate(l4.AnnotationApplicationProfile, "System-Secure-HTTP")),
			want:  field.ErrorList{field.Forbidden(ann.Key(l4.AnnotationApplicationProfile), "(UDP/38412)")}},
		{name: "HTTP application profile on TCP ports only (AKO parity)",
			tweak: tweaks(func(s *corev1.Service) { s.Spec.Ports = []corev1.ServicePort{tcp} }, annotate(l4.AnnotationApplicationProfile, "System-HTTP")), wantSet: true},
		{name: "the L4 application profile on SCTP", tweak: annotate(l4.AnnotationApplicationProfile, "System-L4-Application"), wantSet: true},
		{name: "a profile of the user's on SCTP", tweak: annotate(l4.AnnotationApplicationProfile, "my-l4-profile"), wantSet: true},
		{name: "empty shared-VIP key", tweak: annotate(l4.AnnotationSharedVIP, ""),
			want: field.ErrorList{field.Invalid(ann.Key(l4.AnnotationSharedVIP), "", "must not be empty")}},
		{name: "shared-VIP key that is not a DNS label", tweak: annotate(l4.AnnotationSharedVIP, "Key/1"),
			want: field.ErrorList{field.Invalid(ann.Key(l4.AnnotationSharedVIP), "Key/1", "RFC 1123 label")}},

		// Options.
		{name: "tenant *", opts: func(o *l4.Options) { o.Tenant = "*" },
			want: field.ErrorList{field.Invalid(field.NewPath("options", "tenant"), "*", "every tenant")}},
		{name: "cloud with a control character", opts: func(o *l4.Options) { o.Cloud = "a\nb" },
			want: field.ErrorList{field.Invalid(field.NewPath("options", "cloud"), "", "control characters")}},
		{name: "node selector that is not labels", opts: func(o *l4.Options) { o.NodeSelector = map[string]string{"a b": "c"} },
			want: field.ErrorList{field.Invalid(field.NewPath("options", "nodeSelector"), "", "")}},

		// Everything is reported, not the first problem only.
		{name: "errors are collected",
			tweak: tweaks(func(s *corev1.Service) { s.Name = "Bad"; s.Spec.ExternalTrafficPolicy = "Nearby" }, addPort(corev1.ServicePort{Port: 80})),
			want: field.ErrorList{
				field.Invalid(meta.Child("name"), "Bad", ""),
				field.NotSupported[string](spec.Child("externalTrafficPolicy"), "Nearby", nil),
				field.Required(ports.Index(1).Child("name"), ""),
			}},
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
			matchErrors(t, tc.want, res.Errors)
			if got := res.Set != nil; got != tc.wantSet {
				t.Errorf("Set produced = %v, want %v", got, tc.wantSet)
			}
			if res.NotOurs != nil {
				t.Errorf("unexpected NotOurs: %+v", res.NotOurs)
			}
			for _, e := range res.Errors {
				if strings.HasPrefix(e.Detail, "the Avi Controller would refuse") {
					t.Errorf("the pre-flight check caught what validation missed: %v", e)
				}
			}
		})
	}
}

func TestRequireDualStackGivesDualStackVIPs(t *testing.T) {
	svc := baseService()
	svc.Spec.IPFamilies, svc.Spec.IPFamilyPolicy = []corev1.IPFamily{corev1.IPv6Protocol}, ptr(corev1.IPFamilyPolicyRequireDualStack)
	svc.Spec.LoadBalancerIP = "10.0.0.5" // IPv4 is one of its families once stored
	res := l4.TranslateService(l4.ServiceInput{Service: svc}, baseOptions())
	if res.Set == nil {
		t.Fatalf("errors: %v", res.Errors)
	}
	if got := res.Set.VsVip.Vip[0].AutoAllocateIPType; got != aviobj.AutoAllocateV4V6 {
		t.Errorf("auto_allocate_ip_type = %q, want %q", got, aviobj.AutoAllocateV4V6)
	}
}

func TestValidShareVIPKeyIsNotOurs(t *testing.T) {
	svc := baseService()
	svc.Annotations = map[string]string{l4.AnnotationSharedVIP: "key-1"}
	res := l4.TranslateService(l4.ServiceInput{Service: svc}, baseOptions())
	if res.NotOurs == nil || res.NotOurs.Reason != l4.SharedVIP || len(res.Errors) > 0 {
		t.Fatalf("NotOurs %+v, errors %v; want a SharedVIP NotOurs", res.NotOurs, res.Errors)
	}
	svc.Annotations[l4.AnnotationSharedVIP] = "Key_1"
	if _, ok := l4.SharedVIPGroupOf(svc); ok {
		t.Error("an invalid key forms a group")
	}
}

func TestNamespaceTenantValidation(t *testing.T) {
	path := field.NewPath("namespace", "metadata", "annotations").Key(l4.AnnotationTenant)
	for _, tc := range []struct {
		tenant string
		want   field.ErrorList
	}{
		{tenant: "telco"},
		{tenant: "*", want: field.ErrorList{field.Invalid(path, "*", "the Avi tenant of Namespace ns: \"*\" means every tenant")}},
		{tenant: "a/b", want: field.ErrorList{field.Invalid(path, "a/b", "must not contain any of")}},
		{tenant: " t", want: field.ErrorList{field.Invalid(path, " t", "white space")}},
	} {
		t.Run(tc.tenant, func(t *testing.T) {
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "ns", Annotations: map[string]string{l4.AnnotationTenant: tc.tenant}}}
			res := l4.TranslateService(l4.ServiceInput{Service: baseService(), Namespace: ns}, baseOptions())
			matchErrors(t, tc.want, res.Errors)
			if tc.want == nil && (res.Set == nil || res.Set.Tenant != tc.tenant) {
				t.Errorf("Set %v, want tenant %q", res.Set != nil, tc.tenant)
			}
		})
	}
}

func TestOverridePortValidation(t *testing.T) {
	ann := field.NewPath("metadata", "annotations").Key(l4.AnnotationPortOverrides)
	for _, tc := range []struct {
		name       string
		given      []l4.PortOverride
		annotation string
		want       field.ErrorList
		wantWarn   string
	}{
		{name: "port 0", given: []l4.PortOverride{{Port: l4.Port{Protocol: "SCTP", Port: 0}}},
			want: field.ErrorList{field.Invalid(field.NewPath("overrides").Index(0).Child("port"), "", "the port number must be between 1 and 65535")}},
		{name: "port 65536", given: []l4.PortOverride{{Port: l4.Port{Protocol: "SCTP", Port: 65536}}},
			want: field.ErrorList{field.Invalid(field.NewPath("overrides").Index(0).Child("port"), "", "between 1 and 65535")}},
		{name: "negative port", given: []l4.PortOverride{{Port: l4.Port{Protocol: "TCP", Port: -1}}},
			want: field.ErrorList{field.Invalid(field.NewPath("overrides").Index(0).Child("port"), "", "between 1 and 65535")}},
		{name: "annotation port -1", annotation: `[{port: SCTP/38412}, {port: "TCP/-1"}]`,
			want: field.ErrorList{field.Invalid(ann.Index(1).Child("port"), "TCP/-1", "between 1 and 65535")}},
		{name: "annotation port 0", annotation: `[{port: TCP/0}]`,
			want: field.ErrorList{field.Invalid(ann.Index(0).Child("port"), "TCP/0", "between 1 and 65535")}},
		{name: "annotation port 65536", annotation: `[{port: UDP/65536}]`,
			want: field.ErrorList{field.Invalid(ann.Index(0).Child("port"), "UDP/65536", "between 1 and 65535")}},
		{name: "annotation protocol HTTP", annotation: `[{port: HTTP/80}]`,
			want: field.ErrorList{field.NotSupported[string](ann.Index(0).Child("port"), "HTTP/80", nil)}},
		{name: "annotation port as a number", annotation: `[{port: 80}]`,
			want: field.ErrorList{field.Invalid(ann.Index(0).Child("port"), "80", "must be <PROTOCOL>/<number>")}},
		{name: "annotation without a port", annotation: `[{lbAlgorithm: LB_ALGORITHM_ROUND_ROBIN}]`,
			want: field.ErrorList{field.Required(ann.Index(0).Child("port"), "")}},
		{name: "annotation with an unknown field on the second entry", annotation: `[{port: SCTP/38412}, {port: TCP/80, lbAlgo: x}]`,
			want: field.ErrorList{field.Invalid(ann.Index(1), "", `unknown field "lbAlgo"`)}},
		{name: "a field name in another case (encoding/json would take it)", annotation: `[{port: SCTP/38412, heAlthMonitors: [System-SCTP]}]`,
			want: field.ErrorList{field.Invalid(ann.Index(0), "", `unknown field "heAlthMonitors"`)}},
		{name: "a nested field name in another case", annotation: `[{port: SCTP/38412, healthMonitor: {SendInterval: 5}}]`,
			want: field.ErrorList{field.Invalid(ann.Index(0), "", `unknown field "SendInterval"`)}},
		{name: "a port the Service does not have is a warning with its path", annotation: `[{port: TCP/81}]`,
			wantWarn: "metadata.annotations[avil4.io/port-overrides][0].port: TCP/81 matches no port"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := baseService()
			if tc.annotation != "" {
				svc.Annotations = map[string]string{l4.AnnotationPortOverrides: tc.annotation}
			}
			res := l4.TranslateService(l4.ServiceInput{Service: svc, Overrides: tc.given}, baseOptions())
			matchErrors(t, tc.want, res.Errors)
			if tc.wantWarn != "" && !strings.Contains(strings.Join(res.Warnings, "\n"), tc.wantWarn) {
				t.Errorf("warnings %q lack %q", res.Warnings, tc.wantWarn)
			}
			if tc.want == nil && res.Set == nil {
				t.Errorf("no Set: %v", res.Errors)
			}
		})
	}
}

func TestParsePortOverrides(t *testing.T) {
	p := field.NewPath("x")
	got, errs := l4.ParsePortOverrides("- port: SCTP/38412\n  lbAlgorithm: LB_ALGORITHM_ROUND_ROBIN\n- port: TCP/0\n- port: UDP/53\n", p)
	want := []l4.PortOverride{
		{Port: l4.Port{Protocol: "SCTP", Port: 38412}, LBAlgorithm: "LB_ALGORITHM_ROUND_ROBIN"},
		{Port: l4.Port{Protocol: "UDP", Port: 53}},
	}
	if len(got) != len(want) || got[0].Port != want[0].Port || got[0].LBAlgorithm != want[0].LBAlgorithm || got[1].Port != want[1].Port {
		t.Errorf("overrides = %+v, want %+v", got, want)
	}
	matchErrors(t, field.ErrorList{field.Invalid(p.Index(1).Child("port"), "TCP/0", "")}, errs)
	if got, errs := l4.ParsePortOverrides("", p); got != nil || errs != nil {
		t.Errorf("empty value: %v, %v", got, errs)
	}
	matchErrors(t, field.ErrorList{field.Invalid(p, "", "list of port overrides, not a string")}, second(l4.ParsePortOverrides("hello", p)))
}

func second[A, B any](_ A, b B) B { return b }

// TestSCTPProxyOverrideValidation is the bad-input table of sctpProxy: the
// schema's ranges, a TCP or UDP port, and an explicit networkProfile, each
// with its exact path, from the Overrides input and from the annotation.
func TestSCTPProxyOverrideValidation(t *testing.T) {
	ann := field.NewPath("metadata", "annotations").Key(l4.AnnotationPortOverrides)
	given := field.NewPath("overrides").Index(0).Child("sctpProxy")
	i32 := func(v int32) *int32 { return &v }
	sctp := l4.Port{Protocol: corev1.ProtocolSCTP, Port: 38412}
	for _, tc := range []struct {
		name       string
		given      []l4.PortOverride
		annotation string
		want       field.ErrorList
	}{
		{name: "valid bounds", given: []l4.PortOverride{{Port: sctp, SCTPProxy: &profiles.SCTPProxySettings{
			NumberOfStreams: i32(1), HeartbeatInterval: i32(30), IdleTimeout: i32(0), ReceiveWindow: i32(65536),
			CookieExpirationTimeout: i32(3600), MaxRetransmissionsAssociation: i32(1), MaxRetransmissionsInitChunks: i32(1), ResetTimeout: i32(0)}}}},
		{name: "number of streams above 65535", given: []l4.PortOverride{{Port: sctp, SCTPProxy: &profiles.SCTPProxySettings{NumberOfStreams: i32(65536)}}},
			want: field.ErrorList{field.Invalid(given.Child("numberOfStreams"), int32(65536), "must be between 1 and 65535")}},
		{name: "heartbeat below 30 seconds", annotation: `[{port: SCTP/38412, sctpProxy: {heartbeatInterval: 29}}]`,
			want: field.ErrorList{field.Invalid(ann.Index(0).Child("sctpProxy", "heartbeatInterval"), int32(29), "must be between 30 and 247483647 (seconds)")}},
		{name: "receive window 1 KB", annotation: `[{port: SCTP/38412, sctpProxy: {receiveWindow: 1}}]`,
			want: field.ErrorList{field.Invalid(ann.Index(0).Child("sctpProxy", "receiveWindow"), int32(1), "must be between 2 and 65536 (KB)")}},
		{name: "negative idle timeout", annotation: `[{port: SCTP/38412, sctpProxy: {idleTimeout: -1}}]`,
			want: field.ErrorList{field.Invalid(ann.Index(0).Child("sctpProxy", "idleTimeout"), int32(-1), "between 0 and")}},
		{name: "not an integer", annotation: `[{port: SCTP/38412, sctpProxy: {numberOfStreams: many}}]`,
			want: field.ErrorList{field.Invalid(ann.Index(0), "", "must be a port override")}},
		{name: "an unknown setting", annotation: `[{port: SCTP/38412, sctpProxy: {streams: 4}}]`,
			want: field.ErrorList{field.Invalid(ann.Index(0), "", `unknown field "streams"`)}},
		{name: "on a TCP port", given: []l4.PortOverride{{Port: l4.Port{Protocol: corev1.ProtocolTCP, Port: 38412}, SCTPProxy: &profiles.SCTPProxySettings{NumberOfStreams: i32(2)}}},
			want: field.ErrorList{field.Forbidden(given, "may only be used on an SCTP port, not TCP/38412")}},
		{name: "on a UDP port", annotation: `[{port: UDP/38412, sctpProxy: {numberOfStreams: 2}}]`,
			want: field.ErrorList{field.Forbidden(ann.Index(0).Child("sctpProxy"), "not UDP/38412")}},
		{name: "with networkProfile", annotation: `[{port: SCTP/38412, networkProfile: my-sctp, sctpProxy: {numberOfStreams: 2}}]`,
			want: field.ErrorList{field.Forbidden(ann.Index(0).Child("sctpProxy"), `together with networkProfile "my-sctp"`)}},
		{name: "empty", annotation: `[{port: SCTP/38412, sctpProxy: {}}]`,
			want: field.ErrorList{field.Required(ann.Index(0).Child("sctpProxy"), "at least one setting")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := baseService()
			if tc.annotation != "" {
				svc.Annotations = map[string]string{l4.AnnotationPortOverrides: tc.annotation}
			}
			res := l4.TranslateService(l4.ServiceInput{Service: svc, Overrides: tc.given}, baseOptions())
			matchErrors(t, tc.want, res.Errors)
			switch {
			case tc.want == nil && (res.Set == nil || len(res.Set.NetworkProfiles) != 1):
				t.Errorf("want a Set with one NetworkProfile: %v", res.Errors)
			case tc.want != nil && res.Set != nil && len(res.Set.NetworkProfiles) > 0:
				t.Errorf("refused, yet the Set has NetworkProfiles %v", res.Set.NetworkProfiles)
			}
		})
	}
}
