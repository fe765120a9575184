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

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/l4"
)

// manyPorts returns n TCP ports 1..n.
func manyPorts(n int) []corev1.ServicePort {
	out := make([]corev1.ServicePort, n)
	for i := range out {
		out[i] = corev1.ServicePort{Name: fmt.Sprintf("p%d", i+1), Port: int32(i + 1), TargetPort: intstr.FromInt32(int32(i + 1)), Protocol: corev1.ProtocolTCP}
	}
	return out
}

func TestServiceWithMorePortsThanAVirtualServiceHolds(t *testing.T) {
	svc := baseService()
	svc.Spec.Ports = manyPorts(2049)
	res := l4.TranslateService(l4.ServiceInput{Service: svc}, baseOptions())
	if res.Set != nil {
		t.Fatalf("Set = %d pools, want none: the controller refuses the VirtualService after the pools are written", len(res.Set.Pools))
	}
	if len(res.Errors) != 1 || res.Errors[0].Field != "spec.ports" || !strings.Contains(res.Errors[0].Error(), "at most 2048") {
		t.Fatalf("Errors = %v, want one Too many error on spec.ports", res.Errors)
	}
	if res.Ports != nil {
		t.Errorf("Ports = %d results, want none (the Service is refused whole)", len(res.Ports))
	}

	svc.Spec.Ports = manyPorts(2048)
	res = l4.TranslateService(l4.ServiceInput{Service: svc}, baseOptions())
	if res.Set == nil || len(res.Set.Pools) != 2048 || len(res.Errors) != 0 {
		t.Fatalf("2048 ports: Set %v, errors %v; want 2048 pools and no error", res.Set != nil, res.Errors)
	}
	if probs := aviobj.Check(res.Set); len(probs) != 0 {
		t.Fatalf("Check = %v", probs[0])
	}
}

func TestSharedVIPGroupWithMorePortsThanAVirtualServiceHolds(t *testing.T) {
	var svcs []corev1.Service
	for i, n := range []int{1024, 1025} {
		s := baseService()
		s.Name = fmt.Sprintf("m%d", i)
		s.Annotations = map[string]string{l4.AnnotationSharedVIP: "big"}
		s.Spec.Ports = manyPorts(n)
		if i == 1 {
			for j := range s.Spec.Ports {
				s.Spec.Ports[j].Protocol = corev1.ProtocolUDP
			}
		}
		svcs = append(svcs, *s)
	}
	res := l4.TranslateSharedVIP(l4.SharedVIPInput{Group: l4.SharedVIPGroup{Namespace: "ns", Key: "big"}, Services: svcs}, baseOptions())
	if res.Set != nil {
		t.Fatal("a Set was produced for 2049 ports")
	}
	if len(res.Errors) != 1 || res.Errors[0].Field != "sharedVIPGroup" || !strings.Contains(res.Errors[0].Error(), "at most 2048") {
		t.Fatalf("Errors = %v, want one Too many error on the group", res.Errors)
	}
}

// A Set the controller would refuse never leaves the translator. An
// EndpointSlice port of -1 (the API server does not range-check slice
// ports) used to reach the pool's servers and be caught by the pre-flight
// check only; now validation leaves the slice port out with a warning on
// its path, and the Service is served without those servers.
func TestPreflightRefusesWhatValidationMissed(t *testing.T) {
	svc := baseService()
	res := l4.TranslateService(l4.ServiceInput{Service: svc, EndpointSlices: sliceWithPort(svc, -1)}, baseOptions())
	if len(res.Errors) > 0 || res.Set == nil {
		t.Fatalf("Set %v, errors %v; want the Service served", res.Set != nil, res.Errors)
	}
	if probs := aviobj.Check(res.Set); len(probs) != 0 {
		t.Fatalf("a Set that fails the pre-flight check was returned: %v", probs)
	}
	if n := len(res.Set.Pools[0].Servers); n != 0 {
		t.Errorf("pool has %d servers, want none (the only slice port is unusable)", n)
	}
	want := []string{"endpointSlices[ns/s].ports[0].port: Invalid value: -1: must be between 1 and 65535, inclusive; the port is not used"}
	if diff := cmp.Diff(want, res.Warnings); diff != "" {
		t.Errorf("warnings (-want +got):\n%s", diff)
	}
}

func sliceWithPort(svc *corev1.Service, port int32) []discoveryv1.EndpointSlice {
	ready := true
	return []discoveryv1.EndpointSlice{{
		ObjectMeta:  metav1.ObjectMeta{Name: "s", Namespace: svc.Namespace, Labels: map[string]string{l4.LabelServiceName: svc.Name}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports:       []discoveryv1.EndpointPort{{Name: ptr("sctp"), Port: ptr(port), Protocol: ptr(corev1.ProtocolSCTP)}},
		Endpoints:   []discoveryv1.Endpoint{{Addresses: []string{"10.0.0.1"}, Conditions: discoveryv1.EndpointConditions{Ready: &ready}}},
	}}
}
