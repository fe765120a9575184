package applytest_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/apply/applytest"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/l4"
)

// TestNew: the applier reaches the fake it returns: an SCTP Service's Set
// is created there, and a second Apply writes nothing.
func TestNew(t *testing.T) {
	fake, applier := applytest.New(t, apply.Options{}, avitest.WithVIPRange("10.50.0.0/24"))
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Namespace: "core", Name: "amf"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer,
			Ports: []corev1.ServicePort{{Name: "ngap", Protocol: corev1.ProtocolSCTP, Port: 38412}}}}
	res := l4.TranslateService(l4.ServiceInput{Service: svc}, l4.Options{ClusterName: "c1"})
	if res.Set == nil {
		t.Fatal(res.Errors)
	}
	if _, err := applier.Apply(t.Context(), res.Set); err != nil {
		t.Fatal(err)
	}
	if n := fake.Count(aviobj.KindVirtualService); n != 1 {
		t.Errorf("virtual services on the fake: %d, want 1", n)
	}
	fake.ResetCalls()
	if _, err := applier.Apply(t.Context(), res.Set); err != nil {
		t.Fatal(err)
	}
	if w := fake.Calls().Writes(); w != 0 {
		t.Errorf("second Apply: %d writes, want 0", w)
	}
}
