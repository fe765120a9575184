package avil4_test

import (
	"context"
	"fmt"
	"log"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/l4/statusmerge"
	"github.com/avil4/avil4/profiles"
)

// reconcile is what an operator does for one Service: translate it, apply
// the Set, and compute the status to write (changed false: write nothing).
func reconcile(ctx context.Context, applier *apply.Applier, svc *corev1.Service,
	slices []discoveryv1.EndpointSlice) (corev1.ServiceStatus, bool, error) {
	res := l4.TranslateService(l4.ServiceInput{Service: svc, EndpointSlices: slices},
		l4.Options{ClusterName: "prod", License: profiles.LicenseEnterprise})
	switch {
	case res.NotOurs != nil:
		// Another controller's Service: delete what you programmed for it
		// earlier (applier.DeleteKey) and leave it alone.
		return svc.Status, false, nil
	case res.Set == nil:
		return svc.Status, false, res.Errors.ToAggregate() // cannot be served as written: change nothing
	}
	// res.Errors may still name ports that were left out; the rest is served.
	applied, err := applier.Apply(ctx, res.Set) // VsVip, Pools, L4PolicySet, VirtualService
	if err != nil {
		return svc.Status, false, err
	}
	lb, conds := l4.ServiceStatus(svc, res, applied.VIPs)
	status, changed := statusmerge.Service(svc.Status, lb, conds)
	return status, changed, nil
}

// Example is avil4 embedded in an operator: an SCTP LoadBalancer Service
// reconciled twice against a controller (here the in-memory fake); the
// second time nothing is written, to Avi or to the Service's status.
func Example() {
	ctx := context.Background()
	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
	defer fake.Close()
	// A real controller: its URL, a user, the password and its CA pool.
	c, err := client.New(client.Options{URL: fake.URL(), Username: fake.Username(),
		Password: client.Password(fake.Password()), CAPool: fake.CertPool()})
	if err != nil {
		log.Fatal(err)
	}
	applier := apply.New(c, apply.Options{})

	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "amf", Namespace: "core"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer,
			Ports: []corev1.ServicePort{{Name: "ngap", Port: 38412, Protocol: corev1.ProtocolSCTP}}},
	}
	status, changed, err := reconcile(ctx, applier, svc, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("ingress:", status.LoadBalancer.Ingress[0].IP, "status changed:", changed)
	svc.Status = status // what the status update wrote

	_, changed, err = reconcile(ctx, applier, svc, nil)
	fmt.Println("again: status changed:", changed, err, "Avi writes in all:", fake.Calls().Writes())
	// Output:
	// ingress: 10.50.0.1 status changed: true
	// again: status changed: false <nil> Avi writes in all: 4
}
