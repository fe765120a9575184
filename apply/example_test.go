package apply_test

import (
	"context"
	"fmt"
	"log"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/l4"
)

// Example translates a Service, plans (a dry run), applies, and applies
// again: the second Apply makes no writes.
func Example() {
	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
	defer fake.Close()
	c, err := client.New(client.Options{
		URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password()),
		CAPool: fake.CertPool(),
	})
	if err != nil {
		log.Fatal(err)
	}
	a := apply.New(c, apply.Options{})

	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "sig", Namespace: "telco"},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{
			{Name: "sctp", Port: 38412, Protocol: corev1.ProtocolSCTP},
			{Name: "udp", Port: 2152, Protocol: corev1.ProtocolUDP},
		}},
	}
	set := l4.TranslateService(l4.ServiceInput{Service: svc}, l4.Options{ClusterName: "c1", License: "ENTERPRISE"}).Set

	ctx := context.Background()
	plan, err := a.Plan(ctx, set)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(plan)

	res, err := a.Apply(ctx, set)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(res)

	fake.ResetCalls()
	if res, err = a.Apply(ctx, set); err != nil {
		log.Fatal(err)
	}
	fmt.Println("second Apply:", res.Writes(), "writes,", fake.Calls().Total(), "reads")
	// Output:
	// admin/c1--telco-sig: 5 to create, 0 to update, 0 to delete
	//   + vsvip c1--telco-sig
	//   + pool c1--telco-sig-SCTP-38412
	//   + pool c1--telco-sig-UDP-2152
	//   + l4policyset c1--telco-sig
	//   + virtualservice c1--telco-sig
	// VsVip c1--telco-sig has been created
	// Pool c1--telco-sig-SCTP-38412 has been created
	// Pool c1--telco-sig-UDP-2152 has been created
	// L4PolicySet c1--telco-sig has been created
	// VirtualService c1--telco-sig has been created
	// VIPs: 10.50.0.1
	// second Apply: 0 writes, 5 reads
}
