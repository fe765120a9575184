package l4_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/avischema"
	"github.com/avil4/avil4/internal/manifest"
	"github.com/avil4/avil4/l4"
)

// FuzzTranslateGateway decodes arbitrary multi-document YAML (both Gateway
// API versions, classes, routes, grants, Services) and translates every
// Gateway in every backend mode. It must never panic, NotOurs must exclude
// a Set and errors, every Set must pass the controller's schema and
// aviobj.Check, and the pre-flight safety net must never fire: input the
// controller would refuse must be refused by the translator's own
// validation, with a precise error.
//
//	go test ./l4 -run '^$' -fuzz FuzzTranslateGateway -fuzztime 60s -fuzzminimizetime 0
func FuzzTranslateGateway(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/gateway/*.yaml")
	seed, _ := filepath.Glob("../examples/manifests/*.yaml")
	for _, in := range append(inputs, seed...) {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(0))
	}
	schema := avischema.Embedded()
	modes := []l4.BackendMode{l4.BackendClusterIP, l4.BackendNodePort, l4.BackendNodePortLocal}
	f.Fuzz(func(t *testing.T, data []byte, knob uint8) {
		var b manifest.Bundle
		if err := b.Decode(bytes.NewReader(data), "fuzz"); err != nil {
			return
		}
		opts := l4.Options{ClusterName: "fuzz", BackendMode: modes[int(knob)%len(modes)]}
		check := func(res l4.GatewayResult) {
			if res.NotOurs != nil && (res.Set != nil || len(res.Errors) > 0) {
				t.Fatalf("a NotOurs result has a Set or errors")
			}
			checkSet(t, schema, res.Set)
			if res.Set != nil {
				if probs := aviobj.Check(res.Set); len(probs) > 0 {
					t.Fatalf("a returned Set fails aviobj.Check: %v", probs)
				}
			}
			for _, e := range res.Errors {
				if strings.Contains(e.Detail, preflightDetail) {
					t.Fatalf("the pre-flight check caught what validation missed: %v", e)
				}
			}
			for _, c := range res.Conditions {
				if strings.Contains(c.Message, "The Avi Controller would refuse the translated objects") {
					t.Fatalf("the pre-flight check caught what validation missed: %s", c.Message)
				}
			}
		}
		for i := range b.Gateways {
			res := l4.TranslateGateway(b.GatewayInput(i), opts)
			check(res)
			_ = l4.GatewayStatus(&b.Gateways[i], res, []string{"10.0.0.1"})
		}
		for i := range b.LegacyGateways {
			res := l4.TranslateLegacyGateway(b.LegacyGatewayInput(i), opts)
			check(res)
			_ = l4.LegacyGatewayStatus(&b.LegacyGateways[i], res, []string{"10.0.0.1"})
		}
	})
}

// preflightDetail starts the detail of the errors of l4's pre-flight check
// (l4/preflight.go).
const preflightDetail = "the Avi Controller would refuse the translated objects"

func checkSet(t *testing.T, schema *avischema.Schema, set *aviobj.Set) {
	t.Helper()
	for _, o := range set.Objects() {
		body, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range schema.Validate(string(o.AviKind()), body, avischema.ForbidReadOnly()) {
			t.Errorf("%s %q: %s", o.AviKind(), o.AviName(), p)
		}
		if n := len(o.AviName()); n > aviobj.MaxNameLength {
			t.Errorf("%s name is %d characters long", o.AviKind(), n)
		}
	}
}

// FuzzTranslateGatewayFields fills the fields of a Gateway, its listeners,
// a TCPRoute, its Namespace and an AviInfraSetting with arbitrary values
// (where the YAML fuzzer rarely gets past the decoder) and checks the same
// invariants as FuzzTranslateGateway: no panic, and every Set passes
// aviobj.Check without the pre-flight net firing.
//
//	go test ./l4 -run '^$' -fuzz FuzzTranslateGatewayFields -fuzztime 30s
func FuzzTranslateGatewayFields(f *testing.F) {
	f.Add("gw", "ns", "sctp", "SCTP", int32(38412), "", "10.0.0.1", "", "10.10.0.0/24", "vip", int32(1), int32(8080), "tcp", uint8(0))
	f.Add("gw", "ns", "tcp", "TCP", int32(8080), "", "", "tenant-a", "", "", int32(0), int32(8080), "tcp", uint8(1))
	f.Add("gw", "ns", "s", "SCTP", int32(1), "mme.example.com", "2001:db8::1", "", "2001:db8::/64", "", int32(1000000), int32(1), "", uint8(2))
	schema := avischema.Embedded()
	modes := []l4.BackendMode{l4.BackendClusterIP, l4.BackendNodePort, l4.BackendNodePortLocal}
	f.Fuzz(func(t *testing.T, name, ns, lname, proto string, port int32, hostname, addr, tenant, cidr, network string, weight, bport int32, section string, knob uint8) {
		gw := &gatewayv1.Gateway{
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: gatewayv1.GatewaySpec{GatewayClassName: "avi", Listeners: []gatewayv1.Listener{
				{Name: gatewayv1.SectionName(lname), Port: port, Protocol: gatewayv1.ProtocolType(proto)},
				{Name: "tcp", Port: 8080, Protocol: gatewayv1.TCPProtocolType},
			}},
		}
		if hostname != "" {
			gw.Spec.Listeners[0].Hostname = (*gatewayv1.Hostname)(&hostname)
		}
		if addr != "" {
			gw.Spec.Addresses = []gatewayv1.GatewaySpecAddress{{Value: addr}}
		}
		class := &gatewayv1.GatewayClass{ObjectMeta: metav1.ObjectMeta{Name: "avi"}, Spec: gatewayv1.GatewayClassSpec{ControllerName: l4.GatewayControllerName}}
		in := l4.GatewayInput{Gateway: gw, GatewayClass: class}
		if knob&4 != 0 {
			class.Spec.ParametersRef = &gatewayv1.ParametersReference{Group: l4.AviInfraSettingGroup, Kind: "AviInfraSetting", Name: "infra"}
			in.InfraSetting = &l4.AviInfraSetting{ObjectMeta: metav1.ObjectMeta{Name: "infra"}, Spec: l4.AviInfraSettingSpec{
				SEGroup: &l4.InfraSEGroup{Name: network},
				Network: &l4.InfraNetwork{VIPNetworks: []l4.VIPNetwork{{NetworkName: network, CIDR: cidr}},
					NodeNetworks: []l4.NodeNetwork{{NetworkUUID: network, CIDRs: []string{cidr}}}},
				NSXSettings: &l4.InfraNSXSettings{T1LR: network},
			}}
		}
		if tenant != "" {
			in.Namespaces = []corev1.Namespace{{ObjectMeta: metav1.ObjectMeta{Name: ns, Annotations: map[string]string{l4.AnnotationTenant: tenant}}}}
		}
		svc := corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "b", Namespace: ns,
			Labels: map[string]string{l4.LabelGatewayName: name, l4.LabelGatewayNamespace: ns}},
			Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeNodePort, Ports: []corev1.ServicePort{
				{Port: port, Protocol: corev1.Protocol(proto), NodePort: 30000},
				{Port: bport, Protocol: corev1.ProtocolTCP, NodePort: 30001},
			}}}
		in.Services = []corev1.Service{svc}
		in.Nodes = []corev1.Node{{ObjectMeta: metav1.ObjectMeta{Name: "n"}, Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: "192.168.0.1"}}}}}
		in.TCPRoutes = []gatewayv1.TCPRoute{{ObjectMeta: metav1.ObjectMeta{Name: "r", Namespace: ns}, Spec: gatewayv1.TCPRouteSpec{
			CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{Name: gatewayv1.ObjectName(name), SectionName: (*gatewayv1.SectionName)(&section)}}},
			Rules: []gatewayv1.TCPRouteRule{{BackendRefs: []gatewayv1.BackendRef{
				{BackendObjectReference: gatewayv1.BackendObjectReference{Name: "b", Port: &bport}, Weight: &weight}}}},
		}}}
		opts := l4.Options{ClusterName: "fuzz", BackendMode: modes[int(knob)%len(modes)]}
		res := l4.TranslateGateway(in, opts)
		if res.NotOurs != nil {
			t.Fatalf("NotOurs for our class: %v", res.NotOurs)
		}
		checkSet(t, schema, res.Set)
		if res.Set != nil {
			if probs := aviobj.Check(res.Set); len(probs) > 0 {
				t.Fatalf("a returned Set fails aviobj.Check: %v", probs)
			}
		}
		for _, e := range res.Errors {
			if strings.Contains(e.Detail, preflightDetail) {
				t.Fatalf("the pre-flight check caught what validation missed: %v", e)
			}
		}
		_ = l4.GatewayStatus(gw, res, []string{"10.0.0.1"})
	})
}
