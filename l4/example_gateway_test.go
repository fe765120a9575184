package l4_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/l4/svcapi"
	"github.com/avil4/avil4/profiles"
)

// A v1 Gateway with an SCTP and an HTTP listener: the SCTP listener is
// served by the Service labelled for the Gateway; HTTP is not an L4
// protocol, so that listener is refused and the other one still served.
func ExampleTranslateGateway() {
	class := &gatewayv1.GatewayClass{
		ObjectMeta: metav1.ObjectMeta{Name: "avi-lb"},
		Spec:       gatewayv1.GatewayClassSpec{ControllerName: l4.GatewayControllerName},
	}
	gw := &gatewayv1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: "ran", Namespace: "core"},
		Spec: gatewayv1.GatewaySpec{
			GatewayClassName: "avi-lb",
			Listeners: []gatewayv1.Listener{
				{Name: "ngap", Port: 38412, Protocol: "SCTP"},
				{Name: "web", Port: 80, Protocol: gatewayv1.HTTPProtocolType},
			},
		},
	}
	backend := corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: "amf", Namespace: "core", Labels: map[string]string{
			l4.LabelGatewayName: "ran", l4.LabelGatewayNamespace: "core"}},
		Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 38412, Protocol: corev1.ProtocolSCTP}}},
	}
	res := l4.TranslateGateway(l4.GatewayInput{Gateway: gw, GatewayClass: class, Services: []corev1.Service{backend}},
		l4.Options{ClusterName: "prod", License: profiles.LicenseEnterprise})

	for _, o := range res.Set.Objects() {
		fmt.Println(o.AviKind(), o.AviName())
	}
	fmt.Println(res.Set.VirtualService.NetworkProfileRef)
	fmt.Println(res.Errors[0])
	st := l4.GatewayStatus(gw, res, []string{"10.50.0.9"})
	for _, l := range st.Listeners {
		fmt.Println(l.Name, l.Conditions[0].Type, l.Conditions[0].Status, l.Conditions[0].Reason)
	}
	fmt.Println(st.Addresses[0].Value)
	// Output:
	// vsvip prod--core-ran
	// pool prod--core-amf-ran-SCTP-38412
	// l4policyset prod--core-ran
	// virtualservice prod--core-ran
	// /api/networkprofile/?name=System-SCTP-Proxy
	// spec.listeners[1].protocol: Unsupported value: "HTTP": supported values: "TCP", "UDP", "SCTP"
	// ngap Accepted True Accepted
	// web Accepted False UnsupportedProtocol
	// 10.50.0.9
}

// The legacy networking.x-k8s.io/v1alpha1 shape AKO reads: both gateway
// labels must be in every listener's route selector.
func ExampleTranslateLegacyGateway() {
	class := &svcapi.GatewayClass{ObjectMeta: metav1.ObjectMeta{Name: "avi-lb"},
		Spec: svcapi.GatewayClassSpec{Controller: "ako.vmware.com/avi-lb"}}
	gw := &svcapi.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: "my-gateway", Namespace: "svcapi"},
		Spec: svcapi.GatewaySpec{GatewayClassName: "avi-lb", Listeners: []svcapi.Listener{{
			Port: 6060, Protocol: "SCTP",
			Routes: svcapi.RouteBindingSelector{Kind: "services", Selector: metav1.LabelSelector{
				MatchLabels: map[string]string{l4.LabelGatewayName: "my-gateway"}}},
		}}},
	}
	res := l4.TranslateLegacyGateway(l4.LegacyGatewayInput{Gateway: gw, GatewayClass: class}, l4.Options{ClusterName: "c1"})
	fmt.Println(res.Set == nil, res.Conditions[0].Reason)
	fmt.Println(res.Errors[0])
	// Output:
	// true InvalidMatchLabels
	// spec.listeners[0].routes.selector.matchLabels[ako.vmware.com/gateway-namespace]: Required value: must be "svcapi"
}
