package l4

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
)

var rep = strings.Repeat

func fqdnService(name, namespace string, annotations map[string]string) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Annotations: annotations},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer},
	}
}

func TestServiceFQDNs(t *testing.T) {
	const sub = "avi.example.com"
	annot := field.NewPath("metadata", "annotations").Key(AnnotationExternalDNSHostname)
	hostname := func(v string) map[string]string { return map[string]string{AnnotationExternalDNSHostname: v} }
	ns63 := "1" + rep("n", 62) // starts with a digit, but "n" would make it 64 characters
	for _, tc := range []struct {
		name            string
		svc, ns         string
		annotations     map[string]string
		mode            AutoFQDN
		subdomain       string
		want            []string
		wantErrs        field.ErrorList
		wantErrsDetails bool
	}{
		{name: "default", svc: "svc", ns: "ns", mode: AutoFQDNDefault, subdomain: sub, want: []string{"svc.ns.avi.example.com"}},
		{name: "default-leading-dot-stripped", svc: "svc", ns: "ns", mode: AutoFQDNDefault, subdomain: ".avi.example.com", want: []string{"svc.ns.avi.example.com"}},
		{name: "flat", svc: "svc", ns: "ns", mode: AutoFQDNFlat, subdomain: sub, want: []string{"svc-ns.avi.example.com"}},
		{name: "flat-leading-dot-stripped", svc: "svc", ns: "ns", mode: AutoFQDNFlat, subdomain: ".avi.example.com", want: []string{"svc-ns.avi.example.com"}},
		{name: "disabled", svc: "svc", ns: "ns", mode: AutoFQDNDisabled, subdomain: sub},
		{name: "zero-mode-is-disabled", svc: "svc", ns: "ns", mode: "", subdomain: sub},
		{name: "unknown-mode-is-disabled", svc: "svc", ns: "ns", mode: "Flat", subdomain: sub},
		{name: "no-subdomain-no-fqdn", svc: "svc", ns: "ns", mode: AutoFQDNDefault},
		{name: "dot-subdomain-no-fqdn", svc: "svc", ns: "ns", mode: AutoFQDNFlat, subdomain: "."},
		{name: "digit-namespace-default", svc: "svc", ns: "5g-core", mode: AutoFQDNDefault, subdomain: sub, want: []string{"svc.n5g-core.avi.example.com"}},
		{name: "digit-namespace-flat", svc: "svc", ns: "5g-core", mode: AutoFQDNFlat, subdomain: sub, want: []string{"svc-n5g-core.avi.example.com"}},
		// Service names may start with a digit under Kubernetes'
		// RelaxedServiceNameValidation.
		{name: "digit-service-default", svc: "5gc", ns: "ns", mode: AutoFQDNDefault, subdomain: sub, want: []string{"s5gc.ns.avi.example.com"}},
		{name: "digit-both-flat", svc: "5gc", ns: "1ns", mode: AutoFQDNFlat, subdomain: sub, want: []string{"s5gc-n1ns.avi.example.com"}},
		{name: "digit-namespace-of-63-not-prefixed", svc: "svc", ns: ns63, mode: AutoFQDNDefault, subdomain: sub, want: []string{"svc." + ns63 + ".avi.example.com"}},
		{
			name: "flat-long-names-cut-to-63",
			svc:  rep("s", 63), ns: rep("n", 63), mode: AutoFQDNFlat, subdomain: sub,
			want: []string{rep("s", 14) + "-" + rep("n", 48) + ".avi.example.com"},
		},
		{
			name: "flat-prefix-then-cut",
			svc:  "amf", ns: "5" + rep("n", 61), mode: AutoFQDNFlat, subdomain: sub,
			// "n5nnn..." is 63 long: it is cut to 63-1-3 = 59.
			want: []string{"amf-n5" + rep("n", 57) + ".avi.example.com"},
		},
		{name: "annotation-single", svc: "svc", ns: "ns", annotations: hostname("db.example.com"), mode: AutoFQDNDefault, subdomain: sub, want: []string{"db.example.com"}},
		{name: "annotation-replaces-flat", svc: "svc", ns: "ns", annotations: hostname("db.example.com"), mode: AutoFQDNFlat, subdomain: sub, want: []string{"db.example.com"}},
		{name: "annotation-without-subdomain", svc: "svc", ns: "ns", annotations: hostname("db.example.com"), mode: AutoFQDNDefault, want: []string{"db.example.com"}},
		{
			name: "annotation-several-spaces-repeats-trailing-dot-and-comma",
			svc:  "svc", ns: "ns", annotations: hostname(" a.example.com, b.example.com.,a.example.com ,, "),
			mode: AutoFQDNDefault, subdomain: sub,
			want: []string{"a.example.com", "b.example.com"},
		},
		{
			name: "annotation-invalid-names-reported-valid-kept",
			svc:  "svc", ns: "ns", annotations: hostname("ok.example.com,*.example.com,Upper.example.com,under_score.example.com"),
			mode: AutoFQDNDefault, subdomain: sub,
			want: []string{"ok.example.com"},
			wantErrs: field.ErrorList{
				field.Invalid(annot, "*.example.com", ""),
				field.Invalid(annot, "Upper.example.com", ""),
				field.Invalid(annot, "under_score.example.com", ""),
			},
		},
		{
			name: "annotation-too-long",
			svc:  "svc", ns: "ns", annotations: hostname(rep("a", 63) + "." + rep("b", 63) + "." + rep("c", 63) + "." + rep("d", 63)),
			mode: AutoFQDNFlat, subdomain: sub,
			wantErrs: field.ErrorList{field.Invalid(annot, "", "must be no more than 253 characters")}, wantErrsDetails: true,
		},
		{
			name: "annotation-empty-is-an-error-not-a-fallback",
			svc:  "svc", ns: "ns", annotations: hostname(" , "), mode: AutoFQDNDefault, subdomain: sub,
			wantErrs: field.ErrorList{field.Invalid(annot, " , ", "must list at least one DNS name")}, wantErrsDetails: true,
		},
		{name: "annotation-ignored-when-disabled", svc: "svc", ns: "ns", annotations: hostname("db.example.com"), mode: AutoFQDNDisabled, subdomain: sub},
		{name: "invalid-annotation-ignored-when-disabled", svc: "svc", ns: "ns", annotations: hostname("*.bad"), mode: ""},
		{name: "other-annotations-do-not-matter", svc: "svc", ns: "ns", annotations: map[string]string{"external-dns.alpha.kubernetes.io/ttl": "60"}, mode: AutoFQDNDefault, subdomain: sub, want: []string{"svc.ns.avi.example.com"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			svc := fqdnService(tc.svc, tc.ns, tc.annotations)
			before := svc.DeepCopy()
			got, errs := serviceFQDNs(svc, tc.mode, tc.subdomain)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("FQDNs (-want +got):\n%s", diff)
			}
			m := field.ErrorMatcher{}.ByType().ByField()
			if tc.wantErrsDetails {
				m = m.ByDetailSubstring()
			}
			m.Test(t, tc.wantErrs, errs)
			for _, f := range got {
				if msgs := validation.IsDNS1123Subdomain(f); len(msgs) > 0 {
					t.Errorf("%q is not a DNS subdomain: %v", f, msgs)
				}
				if first, _, _ := strings.Cut(f, "."); len(first) > 63 {
					t.Errorf("%q: first label is %d characters", f, len(first))
				}
			}
			if diff := cmp.Diff(before, svc); diff != "" {
				t.Errorf("the Service changed (-before +after):\n%s", diff)
			}
		})
	}
}

func TestFlatLabel(t *testing.T) {
	for _, tc := range []struct {
		name      string
		svc, ns   string
		want      string
		wantShort bool // shorter than 63 (a '-' was dropped)
	}{
		{name: "short", svc: "svc", ns: "ns", want: "svc-ns"},
		{name: "exactly-63-unchanged", svc: rep("s", 31), ns: rep("n", 31), want: rep("s", 31) + "-" + rep("n", 31)},
		{name: "64-cuts-the-name", svc: rep("s", 32), ns: rep("n", 31), want: rep("s", 31) + "-" + rep("n", 31)},
		{name: "long-name-cut-to-namespace-room", svc: rep("s", 63), ns: "ns", want: rep("s", 60) + "-ns"},
		{name: "namespace-61-leaves-one-character", svc: "svc", ns: rep("n", 61), want: "s-" + rep("n", 61)},
		{name: "namespace-62-cut-for-whole-name", svc: "svc", ns: rep("n", 62), want: "svc-" + rep("n", 59)},
		{name: "namespace-63-cut-for-whole-name", svc: rep("s", 10), ns: rep("n", 63), want: rep("s", 10) + "-" + rep("n", 52)},
		{name: "namespace-63-name-61-keeps-one-namespace-character", svc: rep("s", 61), ns: rep("n", 63), want: rep("s", 61) + "-n"},
		{name: "namespace-63-name-62-namespace-48", svc: rep("s", 62), ns: rep("n", 63), want: rep("s", 14) + "-" + rep("n", 48)},
		{name: "both-63-namespace-48", svc: rep("s", 63), ns: rep("n", 63), want: rep("s", 14) + "-" + rep("n", 48)},
		{
			name: "cut-namespace-loses-trailing-dash",
			svc:  rep("s", 10), ns: rep("n", 51) + "-" + rep("m", 10),
			want: rep("s", 10) + "-" + rep("n", 51), wantShort: true,
		},
		{
			name: "namespace-48-loses-trailing-dashes-name-gets-the-room",
			svc:  rep("s", 63), ns: rep("n", 46) + "--" + rep("m", 15),
			want: rep("s", 16) + "-" + rep("n", 46), wantShort: false,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := flatLabel(tc.svc, tc.ns)
			if got != tc.want {
				t.Errorf("flatLabel(%d chars, %d chars)\n got %q\nwant %q", len(tc.svc), len(tc.ns), got, tc.want)
			}
			if msgs := validation.IsDNS1035Label(got); len(msgs) > 0 {
				t.Errorf("%q is not a DNS label: %v", got, msgs)
			}
			if short := len(got) < 63 && len(tc.svc)+1+len(tc.ns) > 63; short != tc.wantShort {
				t.Errorf("len %d: shorter than 63 = %v, want %v", len(got), short, tc.wantShort)
			}
		})
	}
}

func TestRFC1035Label(t *testing.T) {
	for _, tc := range []struct{ label, prefix, want string }{
		{"svc", "s", "svc"},
		{"1svc", "s", "s1svc"},
		{"5g-core", "n", "n5g-core"},
		{"0", "n", "n0"},
		{"1" + rep("a", 62), "s", "1" + rep("a", 62)}, // the prefix would make it 64
		{"1" + rep("a", 61), "s", "s1" + rep("a", 61)},
	} {
		if got := rfc1035Label(tc.label, tc.prefix); got != tc.want {
			t.Errorf("rfc1035Label(%q, %q) = %q, want %q", tc.label, tc.prefix, got, tc.want)
		}
	}
}

func TestValidateListenerHostname(t *testing.T) {
	p := field.NewPath("spec", "listeners").Index(1).Child("hostname")
	for _, tc := range []struct {
		name     string
		hostname string
		want     field.ErrorList
	}{
		{name: "none", hostname: ""},
		{name: "fqdn", hostname: "amf.5gc.example.com"},
		{name: "single-label", hostname: "amf"},
		{name: "wildcard", hostname: "*.example.com", want: field.ErrorList{field.Forbidden(p, "may not be a wildcard on an L4 listener")}},
		{name: "wildcard-inside", hostname: "a.*.example.com", want: field.ErrorList{field.Invalid(p, "a.*.example.com", "")}},
		{name: "ipv4", hostname: "10.0.0.1", want: field.ErrorList{field.Invalid(p, "10.0.0.1", "must be a DNS name, not an IP address")}},
		{name: "ipv6", hostname: "2001:db8::1", want: field.ErrorList{field.Invalid(p, "2001:db8::1", "must be a DNS name, not an IP address")}},
		{name: "uppercase", hostname: "AMF.example.com", want: field.ErrorList{field.Invalid(p, "AMF.example.com", "")}},
		{name: "empty-label", hostname: "a..example.com", want: field.ErrorList{field.Invalid(p, "a..example.com", "")}},
		{name: "trailing-dot", hostname: "amf.example.com.", want: field.ErrorList{field.Invalid(p, "amf.example.com.", "")}},
		{name: "too-long", hostname: rep("a.", 127) + "a", want: field.ErrorList{field.Invalid(p, "", "must be no more than 253 characters")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := validateListenerHostname(tc.hostname, p)
			field.ErrorMatcher{}.ByType().ByField().Test(t, tc.want, got)
			field.ErrorMatcher{}.ByType().ByField().ByDetailSubstring().Test(t, tc.want, got)
		})
	}
}

func TestValidateFQDNOptions(t *testing.T) {
	modePath, subPath := field.NewPath("autoFQDN"), field.NewPath("fqdnSubdomain")
	for _, tc := range []struct {
		name      string
		mode      AutoFQDN
		subdomain string
		want      field.ErrorList
	}{
		{name: "zero"},
		{name: "default", mode: AutoFQDNDefault, subdomain: "avi.example.com"},
		{name: "flat-leading-dot", mode: AutoFQDNFlat, subdomain: ".avi.example.com"},
		{name: "disabled", mode: AutoFQDNDisabled},
		{name: "unknown-mode", mode: "Flat", want: field.ErrorList{field.NotSupported(modePath, "Flat", []string{"default", "flat", "disabled"})}},
		{name: "bad-subdomain", mode: AutoFQDNDefault, subdomain: "avi_example.com", want: field.ErrorList{field.Invalid(subPath, "avi_example.com", "")}},
		{name: "two-leading-dots", mode: AutoFQDNDefault, subdomain: "..avi.example.com", want: field.ErrorList{field.Invalid(subPath, "..avi.example.com", "")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := append(validateAutoFQDN(tc.mode, modePath), validateFQDNSubdomain(tc.subdomain, subPath)...)
			field.ErrorMatcher{}.ByType().ByField().Test(t, tc.want, got)
		})
	}
}

func TestDNSInfo(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fqdns []string
		want  []aviobj.DNSInfo
	}{
		{name: "none", fqdns: nil, want: nil},
		{name: "one", fqdns: []string{"svc.ns.avi.example.com"}, want: []aviobj.DNSInfo{{FQDN: "svc.ns.avi.example.com"}}},
		{
			name:  "first-seen-order-unique-no-empty",
			fqdns: []string{"b.example.com", "a.example.com", "", "b.example.com"},
			want:  []aviobj.DNSInfo{{FQDN: "b.example.com"}, {FQDN: "a.example.com"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := append([]string(nil), tc.fqdns...)
			if diff := cmp.Diff(tc.want, dnsInfo(in)); diff != "" {
				t.Errorf("dnsInfo(%q) (-want +got):\n%s", tc.fqdns, diff)
			}
			if diff := cmp.Diff(tc.fqdns, in); diff != "" {
				t.Errorf("dnsInfo changed its input (-before +after):\n%s", diff)
			}
		})
	}
}
