package applytest_test

import (
	"context"
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/apply/applytest"
	"github.com/avil4/avil4/l4"
)

// In a test, New gives the fake controller and an applier of it. (An
// Example has no *testing.T, so this one runs inside testing.Benchmark to
// get a testing.TB; a test passes its own t.)
func ExampleNew() {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "core", Name: "amf"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer,
			Ports: []corev1.ServicePort{{Name: "ngap", Protocol: corev1.ProtocolSCTP, Port: 38412}}}}
	set := l4.TranslateService(l4.ServiceInput{Service: svc}, l4.Options{ClusterName: "c1"}).Set
	var vips []string
	testing.Benchmark(func(b *testing.B) {
		_, applier := applytest.New(b, apply.Options{})
		res, err := applier.Apply(context.Background(), set)
		if err != nil {
			b.Fatal(err)
		}
		vips = res.VIPs
	})
	fmt.Println(len(vips))
	// Output: 1
}
