package statusmerge_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/avil4/avil4/l4/statusmerge"
)

// Service merges a computed status into the one a Service has: the first
// merge changes it, the same merge again does not (so nothing is written),
// and the ipMode the API server defaults does not count as a change.
func ExampleService() {
	lb := corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "10.50.0.1"}}}
	cond := metav1.Condition{Type: "avil4.io/Programmed", Status: metav1.ConditionTrue, Reason: "Synced", Message: "Avi objects are in sync."}

	st, changed := statusmerge.Service(corev1.ServiceStatus{}, lb, []metav1.Condition{cond})
	fmt.Println("first merge changed:", changed, "ingress:", st.LoadBalancer.Ingress[0].IP, "ipMode:", *st.LoadBalancer.Ingress[0].IPMode)

	_, changed = statusmerge.Service(st, lb, []metav1.Condition{cond})
	fmt.Println("same merge again changed:", changed)
	// Output:
	// first merge changed: true ingress: 10.50.0.1 ipMode: VIP
	// same merge again changed: false
}
