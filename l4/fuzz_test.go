package l4_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/avischema"
	"github.com/avil4/avil4/internal/manifest"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

// FuzzTranslateService decodes arbitrary multi-document YAML (Services,
// EndpointSlices, Nodes, Pods, Namespaces, AviInfraSettings) and translates
// every Service with its inputs in every backend mode, IP family and
// licence. It must never panic, must not modify its input, and every Set it
// produces must pass the controller's schema (the embedded facts, so the
// target runs without ../shared) and aviobj.Check. The pre-flight safety
// net must never fire: validation must refuse a bad input first, with a
// precise error, so an error from the net means validation missed a case.
//
//	go test ./l4 -run '^$' -fuzz FuzzTranslateService -fuzztime 60s -fuzzminimizetime 0
func FuzzTranslateService(f *testing.F) {
	var inputs []string
	for _, dir := range []string{"service", "overrides", "sharedvip"} {
		more, _ := filepath.Glob("testdata/" + dir + "/*.yaml")
		inputs = append(inputs, more...)
	}
	for i, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(i))
	}
	schema := avischema.Embedded()
	modes := []l4.BackendMode{l4.BackendClusterIP, l4.BackendNodePort, l4.BackendNodePortLocal}
	families := []l4.IPFamily{"", l4.IPFamilyV4, l4.IPFamilyV6, l4.IPFamilyV4V6}
	licences := []profiles.License{"", profiles.LicenseEnterprise, profiles.LicenseEssentials}
	f.Fuzz(func(t *testing.T, data []byte, knobs uint8) {
		var b manifest.Bundle
		if err := b.Decode(bytes.NewReader(data), "fuzz"); err != nil {
			return
		}
		before, _ := json.Marshal(&b)
		opts := l4.Options{
			ClusterName:    "fuzz",
			BackendMode:    modes[int(knobs)%len(modes)],
			IPFamily:       families[int(knobs/3)%len(families)],
			License:        licences[int(knobs/12)%len(licences)],
			HealthzMonitor: knobs&0x80 != 0,
			AutoFQDN:       l4.AutoFQDNDefault,
			FQDNSubdomain:  "example.com",
		}
		for i := range b.Services {
			res := l4.TranslateService(b.ServiceInput(i), opts)
			if res.NotOurs != nil && (res.Set != nil || len(res.Errors) > 0) {
				t.Fatalf("a NotOurs result has a Set or errors: %+v", res)
			}
			if res.Set == nil && res.NotOurs == nil && len(res.Errors) == 0 {
				t.Fatalf("no Set, no errors and not NotOurs")
			}
			noPreflightError(t, res.Errors)
			_, _ = l4.ServiceStatus(&b.Services[i], res, []string{"10.0.0.1"})
			if res.Set != nil {
				checkSet(t, schema, res.Set)
				if probs := aviobj.Check(res.Set); len(probs) > 0 {
					t.Fatalf("aviobj.Check: %v", probs)
				}
			}
		}
		after, _ := json.Marshal(&b)
		if !bytes.Equal(before, after) {
			t.Fatalf("translation modified its input")
		}
	})
}

// noPreflightError fails when the pre-flight check refused a Set: a bad
// input validation should have refused with a precise error.
func noPreflightError(t *testing.T, errs field.ErrorList) {
	t.Helper()
	for _, e := range errs {
		if strings.HasPrefix(e.Detail, "the Avi Controller would refuse the translated objects") {
			t.Fatalf("validation missed a bad input; the pre-flight check caught it: %v", e)
		}
	}
}

// FuzzTranslateSharedVIP decodes arbitrary multi-document YAML and
// translates every shared-VIP group in it (with overrides and FQDNs on):
// no panic, every member reported, NotOurs excluding a Set, and every Set
// passing the controller's schema.
//
//	go test ./l4 -run '^$' -fuzz FuzzTranslateSharedVIP -fuzztime 60s -fuzzminimizetime 0
//
// (Multi-document seeds are large; without -fuzzminimizetime 0 the fuzzer
// spends its time minimising them.)
func FuzzTranslateSharedVIP(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/sharedvip/*.yaml")
	more, _ := filepath.Glob("testdata/overrides/*.yaml")
	for _, in := range append(inputs, more...) {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	schema := avischema.Embedded()
	f.Fuzz(func(t *testing.T, data []byte) {
		var b manifest.Bundle
		if err := b.Decode(bytes.NewReader(data), "fuzz"); err != nil {
			return
		}
		opts := l4.Options{ClusterName: "fuzz", AutoFQDN: l4.AutoFQDNDefault, FQDNSubdomain: "example.com"}
		for _, g := range l4.SharedVIPGroups(b.Services) {
			res := l4.TranslateSharedVIP(b.SharedVIPInput(g), opts)
			if res.NotOurs != nil && res.Set != nil {
				t.Fatalf("a NotOurs result has a Set")
			}
			if len(res.Members) == 0 {
				t.Fatalf("group %s reported no member", g)
			}
			noPreflightError(t, res.Errors)
			for _, m := range res.Members {
				noPreflightError(t, m.Result.Errors)
				_, _ = l4.ServiceStatus(m.Service, m.Result, []string{"10.0.0.1"})
			}
			checkSet(t, schema, res.Set)
			if res.Set != nil {
				if probs := aviobj.Check(res.Set); len(probs) > 0 {
					t.Fatalf("aviobj.Check: %v", probs)
				}
			}
		}
	})
}

// FuzzParsePortOverrides feeds arbitrary annotation values to
// ParsePortOverrides: it must never panic, every error must carry a path
// under the annotation's, every accepted override must validate again, and
// the accepted overrides, written back as an annotation, must read back
// the same with no error.
//
//	go test ./l4 -run '^$' -fuzz FuzzParsePortOverrides -fuzztime 30s
func FuzzParsePortOverrides(f *testing.F) {
	for _, seed := range []string{
		"",
		"- port: SCTP/38412\n  lbAlgorithm: LB_ALGORITHM_ROUND_ROBIN\n  healthMonitor: {sendInterval: 5, receiveTimeout: 2, request: ping, response: pong}\n",
		`[{"port": "TCP/80", "networkProfile": "System-TCP-Proxy", "minServersUp": 1}]`,
		`[{"port": "UDP/53", "healthMonitors": ["System-UDP"]}, {"port": "TCP/-1"}]`,
		`[{"port": "SCTP/0", "lbAlgorithm": "LB_ALGORITHM_CONSISTENT_HASH", "lbAlgorithmHash": "LB_ALGORITHM_CONSISTENT_HASH_SOURCE_IP_ADDRESS"}]`,
		`[{"port": 80}, {}, {"port": "HTTP/80"}, {"lbAlgoritm": "x"}]`,
		"lbAlgorithm: x",
		"- port: SCTP/38412\n  sctpProxy: {numberOfStreams: 16, heartbeatInterval: 30, idleTimeout: 0, resetTimeout: 0}\n",
		`[{"port": "SCTP/3868", "networkProfile": "System-SCTP-Proxy", "sctpProxy": {"receiveWindow": 1}}, {"port": "TCP/3868", "sctpProxy": {}}, {"port": "SCTP/1", "sctpProxy": {"NumberOfStreams": 2}}]`,
	} {
		f.Add(seed)
	}
	path := field.NewPath("metadata", "annotations").Key(l4.AnnotationPortOverrides)
	f.Fuzz(func(t *testing.T, value string) {
		got, errs := l4.ParsePortOverrides(value, path)
		for _, e := range errs {
			if !strings.HasPrefix(e.Field, path.String()) {
				t.Fatalf("error without the annotation's path: %v", e)
			}
		}
		for i := range got {
			if verrs := got[i].Validate(path.Index(i)); len(verrs) > 0 {
				t.Fatalf("an accepted override does not validate: %v", verrs)
			}
		}
		if len(got) == 0 {
			return
		}
		again, err := json.Marshal(got)
		if err != nil {
			t.Fatal(err)
		}
		back, errs := l4.ParsePortOverrides(string(again), path)
		if len(errs) > 0 {
			t.Fatalf("accepted overrides do not read back: %v\n%s", errs, again)
		}
		// An empty list (healthMonitors: []) is written back as none:
		// both mean no monitor is replaced.
		if diff := cmp.Diff(got, back, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("overrides changed on the way back (-first +second):\n%s", diff)
		}
	})
}

// FuzzTranslateServiceFields builds a two-port Service, an EndpointSlice, a
// Node and a NodePortLocal pod from fuzzed field values (names, ports,
// protocols, addresses, annotations), where mutating YAML rarely reaches,
// and checks what FuzzTranslateService checks: no panic, every Set passes
// aviobj.Check, and the pre-flight net never fires.
//
//	go test ./l4 -run '^$' -fuzz FuzzTranslateServiceFields -fuzztime 30s
func FuzzTranslateServiceFields(f *testing.F) {
	f.Add("svc", "ns", "p2", "TCP", int32(80), "8080", int32(30080), "10.0.0.50", "IPv4", "10.1.0.1", int32(8080), "p2", "192.168.0.1",
		`[{"podPort":8080,"nodeIP":"192.168.0.1","nodePort":61000}]`, "System-L4-Application", "", uint8(0))
	f.Add("1svc", "ns", "", "UDP", int32(0), "", int32(-1), "::", "IPv6", "2001:DB8::1", int32(-1), "", "fe80::1%eth0",
		`garbage`, "System-HTTP", "k", uint8(13))
	f.Add("svc", "a/b", "Bad_Name", "SCTP", int32(65536), "x_y", int32(70000), "255.255.255.255", "FQDN", "::ffff:10.0.0.1", int32(70000), "sctp", "::ffff:10.0.0.1",
		`[{"podPort":0,"nodeIP":"0.0.0.0","nodePort":65536,"protocol":"icmp"}]`, "System-SSL-Application", "Key/1", uint8(200))
	modes := []l4.BackendMode{l4.BackendClusterIP, l4.BackendNodePort, l4.BackendNodePortLocal}
	families := []l4.IPFamily{"", l4.IPFamilyV4, l4.IPFamilyV6, l4.IPFamilyV4V6}
	f.Fuzz(func(t *testing.T, name, ns, portName, proto string, port int32, targetPort string, nodePort int32, lbIP string,
		addrType, epAddr string, epPort int32, epPortName, nodeIP, npl, appProfile, sharedKey string, knobs uint8) {
		tp := intstr.Parse(targetPort)
		svc := corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Annotations: map[string]string{
				l4.AnnotationApplicationProfile: appProfile, l4.AnnotationLoadBalancerIP: lbIP}},
			Spec: corev1.ServiceSpec{
				Type:     corev1.ServiceTypeLoadBalancer,
				Selector: map[string]string{"app": "x"},
				Ports: []corev1.ServicePort{
					{Name: "p1", Port: 38412, Protocol: corev1.ProtocolSCTP, NodePort: 31000},
					{Name: portName, Port: port, Protocol: corev1.Protocol(proto), TargetPort: tp, NodePort: nodePort},
				},
			},
		}
		if knobs&0x40 != 0 {
			svc.Spec.LoadBalancerIP = lbIP
		}
		if knobs&0x80 != 0 {
			svc.Annotations[l4.AnnotationSharedVIP] = sharedKey
			svc.Spec.ExternalTrafficPolicy = corev1.ServiceExternalTrafficPolicyLocal
		}
		slice := discoveryv1.EndpointSlice{
			ObjectMeta:  metav1.ObjectMeta{Name: "s", Namespace: ns, Labels: map[string]string{l4.LabelServiceName: name}},
			AddressType: discoveryv1.AddressType(addrType),
			Ports: []discoveryv1.EndpointPort{
				{Name: ptr("p1"), Port: ptr(int32(38412)), Protocol: ptr(corev1.ProtocolSCTP)},
				{Name: &epPortName, Port: &epPort, Protocol: ptr(corev1.Protocol(proto))},
			},
			Endpoints: []discoveryv1.Endpoint{{Addresses: []string{epAddr}, NodeName: ptr("n1")}, {Addresses: []string{"10.9.9.9"}}},
		}
		node := corev1.Node{ObjectMeta: metav1.ObjectMeta{Name: "n1"},
			Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: nodeIP}}}}
		pod := corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Namespace: ns, Labels: map[string]string{"app": "x"},
			Annotations: map[string]string{l4.AnnotationNodePortLocal: npl}}}
		in := l4.ServiceInput{Service: &svc, EndpointSlices: []discoveryv1.EndpointSlice{slice}, Nodes: []corev1.Node{node}, Pods: []corev1.Pod{pod}}
		opts := l4.Options{ClusterName: "fuzz", BackendMode: modes[int(knobs)%len(modes)], IPFamily: families[int(knobs/3)%len(families)]}
		check := func(set *aviobj.Set, errs field.ErrorList) {
			noPreflightError(t, errs)
			if set != nil {
				if probs := aviobj.Check(set); len(probs) > 0 {
					t.Fatalf("aviobj.Check: %v", probs)
				}
			}
		}
		res := l4.TranslateService(in, opts)
		check(res.Set, res.Errors)
		if g, ok := l4.SharedVIPGroupOf(&svc); ok {
			sres := l4.TranslateSharedVIP(l4.SharedVIPInput{Group: g, Services: []corev1.Service{svc}, EndpointSlices: in.EndpointSlices, Nodes: in.Nodes, Pods: in.Pods}, opts)
			check(sres.Set, sres.Errors)
			for _, m := range sres.Members {
				noPreflightError(t, m.Result.Errors)
			}
		}
	})
}
