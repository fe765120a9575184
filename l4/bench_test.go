package l4_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

// benchInput is a Service with the given number of ports (cycling SCTP, TCP,
// UDP) and one EndpointSlice with the given number of ready endpoints
// serving every port.
func benchInput(ports, endpoints int) l4.ServiceInput {
	protos := []corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolTCP, corev1.ProtocolUDP}
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "bench", Namespace: "default"},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Selector: map[string]string{"app": "bench"}},
	}
	slice := discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: "bench-1", Namespace: "default", Labels: map[string]string{l4.LabelServiceName: "bench"}},
		AddressType: discoveryv1.AddressTypeIPv4,
	}
	for i := range ports {
		name := "p" + strconv.Itoa(i)
		proto := protos[i%len(protos)]
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: name, Port: int32(8000 + i), Protocol: proto})
		slice.Ports = append(slice.Ports, discoveryv1.EndpointPort{Name: ptr(name), Port: ptr(int32(9000 + i)), Protocol: ptr(proto)})
	}
	ready := true
	for i := range endpoints {
		slice.Endpoints = append(slice.Endpoints, discoveryv1.Endpoint{
			Addresses:  []string{fmt.Sprintf("10.%d.%d.%d", i/65536, (i/256)%256, i%256+1)},
			Conditions: discoveryv1.EndpointConditions{Ready: &ready},
			NodeName:   ptr("node-" + strconv.Itoa(i%8)),
		})
	}
	return l4.ServiceInput{Service: svc, EndpointSlices: []discoveryv1.EndpointSlice{slice}}
}

var benchSizes = []struct{ ports, endpoints int }{
	{1, 0}, {1, 10}, {1, 100},
	{3, 0}, {3, 10}, {3, 100},
	{16, 0}, {16, 10}, {16, 100},
}

// BenchmarkTranslateService measures translating one Service; compare with
// BenchmarkMarshalSet, the cost of marshalling the translation's own output.
func BenchmarkTranslateService(b *testing.B) {
	opts := l4.Options{ClusterName: "bench", License: profiles.LicenseEnterprise}
	for _, sz := range benchSizes {
		in := benchInput(sz.ports, sz.endpoints)
		b.Run(fmt.Sprintf("ports=%d/endpoints=%d", sz.ports, sz.endpoints), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if res := l4.TranslateService(in, opts); res.Set == nil {
					b.Fatal(res.Errors)
				}
			}
		})
	}
}

// BenchmarkMarshalSet is the floor translation is held to: json.Marshal of
// the Set that BenchmarkTranslateService produces.
func BenchmarkMarshalSet(b *testing.B) {
	opts := l4.Options{ClusterName: "bench", License: profiles.LicenseEnterprise}
	for _, sz := range benchSizes {
		set := l4.TranslateService(benchInput(sz.ports, sz.endpoints), opts).Set
		b.Run(fmt.Sprintf("ports=%d/endpoints=%d", sz.ports, sz.endpoints), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(set); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCheckSet is the pre-flight check (aviobj.Check) of the Set that
// BenchmarkTranslateService produces; translation includes it.
func BenchmarkCheckSet(b *testing.B) {
	opts := l4.Options{ClusterName: "bench", License: profiles.LicenseEnterprise}
	for _, sz := range benchSizes {
		set := l4.TranslateService(benchInput(sz.ports, sz.endpoints), opts).Set
		b.Run(fmt.Sprintf("ports=%d/endpoints=%d", sz.ports, sz.endpoints), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if probs := aviobj.Check(set); len(probs) != 0 {
					b.Fatal(probs)
				}
			}
		})
	}
}

// BenchmarkTranslateVsMarshal measures both halves of the ratio
// translate / json.Marshal in one loop, interleaved (one translation, one
// marshal of its output, one aviobj.Check of it per iteration), so that the
// ratio holds even on a machine whose speed drifts between separate
// benchmark runs. It reports translate/marshal, check/marshal (the
// pre-flight check every translation ends with) and rest/marshal
// (translation without that check: validation and building the objects).
func BenchmarkTranslateVsMarshal(b *testing.B) {
	opts := l4.Options{ClusterName: "bench", License: profiles.LicenseEnterprise}
	for _, sz := range benchSizes {
		in := benchInput(sz.ports, sz.endpoints)
		b.Run(fmt.Sprintf("ports=%d/endpoints=%d", sz.ports, sz.endpoints), func(b *testing.B) {
			var translate, marshal, check time.Duration
			for b.Loop() {
				t0 := time.Now()
				res := l4.TranslateService(in, opts)
				t1 := time.Now()
				if res.Set == nil {
					b.Fatal(res.Errors)
				}
				if _, err := json.Marshal(res.Set); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				if probs := aviobj.Check(res.Set); len(probs) != 0 {
					b.Fatal(probs)
				}
				t3 := time.Now()
				translate += t1.Sub(t0)
				marshal += t2.Sub(t1)
				check += t3.Sub(t2)
			}
			m := float64(marshal)
			b.ReportMetric(float64(translate)/m, "translate/marshal")
			b.ReportMetric(float64(check)/m, "check/marshal")
			b.ReportMetric(float64(translate-check)/m, "rest/marshal")
			b.ReportMetric(0, "ns/op")
		})
	}
}
