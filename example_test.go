package avil4_test

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/l4"
)

// Example is avil4 end to end: translate an SCTP LoadBalancer Service,
// apply it to a controller (here the in-memory fake), apply again (no
// write), and compute the Service's status from the live VIP.
func Example() {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "amf", Namespace: "core"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer,
			Ports: []corev1.ServicePort{{Name: "ngap", Port: 38412, Protocol: corev1.ProtocolSCTP}}},
	}
	res := l4.TranslateService(l4.ServiceInput{Service: svc}, l4.Options{ClusterName: "prod", License: "ENTERPRISE"})

	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
	defer fake.Close()
	c, _ := client.New(client.Options{URL: fake.URL(), Username: fake.Username(),
		Password: client.Password(fake.Password()), CAPool: fake.CertPool()})
	applier := apply.New(c, apply.Options{})

	first, _ := applier.Apply(context.Background(), res.Set)
	second, _ := applier.Apply(context.Background(), res.Set)
	lb, _ := l4.ServiceStatus(svc, res, first.VIPs)
	fmt.Println("writes:", first.Writes(), "then", second.Writes())
	fmt.Println("ingress:", lb.Ingress[0].IP)
	// Output:
	// writes: 4 then 0
	// ingress: 10.50.0.1
}
