package l4_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

// A LoadBalancer Service with an SCTP and a TCP port becomes one
// VirtualService, one VsVip, one L4PolicySet and a pool per port.
func ExampleTranslateService() {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "amf", Namespace: "core"},
		Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeLoadBalancer,
			Ports: []corev1.ServicePort{
				{Name: "ngap", Port: 38412, Protocol: corev1.ProtocolSCTP, TargetPort: intstr.FromInt32(38412)},
				{Name: "sbi", Port: 8080, Protocol: corev1.ProtocolTCP},
			},
		},
	}
	res := l4.TranslateService(l4.ServiceInput{Service: svc},
		l4.Options{ClusterName: "prod", License: profiles.LicenseEnterprise})

	for _, o := range res.Set.Objects() {
		fmt.Println(o.AviKind(), o.AviName())
	}
	fmt.Println(res.Set.VirtualService.NetworkProfileRef)
	fmt.Println(res.Set.VirtualService.Services[0].OverrideNetworkProfileRef)
	fmt.Println(res.Set.Pools[0].HealthMonitorRefs[0])
	// Output:
	// vsvip prod--core-amf
	// pool prod--core-amf-SCTP-38412
	// pool prod--core-amf-TCP-8080
	// l4policyset prod--core-amf
	// virtualservice prod--core-amf
	// /api/networkprofile/?name=System-TCP-Proxy
	// /api/networkprofile/?name=System-SCTP-Proxy
	// /api/healthmonitor/?name=System-SCTP
}

// An SCTP port cannot be served in NodePortLocal mode: the error names the
// port's protocol field, the TCP port is still translated, and the status
// reports the port.
func ExampleServiceStatus() {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "amf", Namespace: "core"},
		Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeLoadBalancer,
			Ports: []corev1.ServicePort{
				{Name: "ngap", Port: 38412, Protocol: corev1.ProtocolSCTP},
				{Name: "sbi", Port: 8080, Protocol: corev1.ProtocolTCP},
			},
		},
	}
	res := l4.TranslateService(l4.ServiceInput{Service: svc},
		l4.Options{ClusterName: "prod", BackendMode: l4.BackendNodePortLocal})
	fmt.Println(res.Errors[0].Field, res.Errors[0].Type)
	fmt.Println(len(res.Set.Pools), res.Set.Pools[0].Name)

	lb, conds := l4.ServiceStatus(svc, res, []string{"10.50.0.7"})
	for _, p := range lb.Ingress[0].Ports {
		fmt.Println(lb.Ingress[0].IP, p.Protocol, p.Port, p.Error != nil)
	}
	fmt.Println(conds[0].Type, conds[0].Status, conds[0].Reason)
	// Output:
	// spec.ports[0].protocol Forbidden
	// 1 prod--core-amf-TCP-8080
	// 10.50.0.7 SCTP 38412 true
	// 10.50.0.7 TCP 8080 false
	// LoadBalancerPortsError True PortsNotServed
}
