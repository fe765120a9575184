package apply_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/l4"
)

const cluster = "c1"

// port is a Service port: "TCP/80".
type port struct {
	proto corev1.Protocol
	port  int32
}

func (p port) String() string { return fmt.Sprintf("%s/%d", p.proto, p.port) }

func tcp(n int32) port  { return port{corev1.ProtocolTCP, n} }
func udp(n int32) port  { return port{corev1.ProtocolUDP, n} }
func sctp(n int32) port { return port{corev1.ProtocolSCTP, n} }

// serviceInput is a LoadBalancer Service ns/name with the ports, served by
// endpoints ready pods.
func serviceInput(ns, name string, endpoints int, ports ...port) l4.ServiceInput {
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Selector: map[string]string{"app": name}},
	}
	slice := discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: name + "-1", Namespace: ns, Labels: map[string]string{l4.LabelServiceName: name}},
		AddressType: discoveryv1.AddressTypeIPv4,
	}
	for i, p := range ports {
		pn := strings.ToLower(string(p.proto)) + "-" + strconv.Itoa(i)
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: pn, Port: p.port, Protocol: p.proto})
		slice.Ports = append(slice.Ports, discoveryv1.EndpointPort{Name: ptr(pn), Port: ptr(p.port + 1000), Protocol: ptr(p.proto)})
	}
	ready := true
	for i := range endpoints {
		slice.Endpoints = append(slice.Endpoints, discoveryv1.Endpoint{
			Addresses:  []string{fmt.Sprintf("10.1.%d.%d", i/250, i%250+1)},
			Conditions: discoveryv1.EndpointConditions{Ready: &ready},
		})
	}
	return l4.ServiceInput{Service: svc, EndpointSlices: []discoveryv1.EndpointSlice{slice}}
}

func ptr[T any](v T) *T { return &v }

// setFor translates a Service into its Set.
func setFor(t testing.TB, in l4.ServiceInput) *aviobj.Set {
	t.Helper()
	res := l4.TranslateService(in, l4.Options{ClusterName: cluster, License: "ENTERPRISE"})
	if res.Set == nil {
		t.Fatalf("translating %s/%s: %v", in.Service.Namespace, in.Service.Name, res.Errors)
	}
	return res.Set
}

// newSet is the Set of Service ns/name with two endpoints and the ports.
func newSet(t testing.TB, ns, name string, ports ...port) *aviobj.Set {
	return setFor(t, serviceInput(ns, name, 2, ports...))
}

// env is a fake controller with a client and an applier on it.
type env struct {
	fake *avitest.Server
	c    *client.Client
	a    *apply.Applier
}

func newEnv(t testing.TB, opts ...avitest.Option) *env {
	t.Helper()
	fake := avitest.New(opts...)
	t.Cleanup(fake.Close)
	c, err := client.New(client.Options{
		URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password()),
		CAPool: fake.CertPool(),
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	fake.ResetCalls()
	return &env{fake: fake, c: c, a: apply.New(c, apply.Options{})}
}

func asForeign(err error, target **apply.ForeignObjectError) bool { return errors.As(err, target) }

// backend is a Service of a shared-VIP group or a Gateway with its ports.
type backend struct {
	name  string
	ports []port
}

// groupSet translates the shared-VIP group ns/key of the members.
func groupSet(t testing.TB, ns, key string, members ...backend) *aviobj.Set {
	t.Helper()
	in := l4.SharedVIPInput{Group: l4.SharedVIPGroup{Namespace: ns, Key: key}}
	for _, m := range members {
		si := serviceInput(ns, m.name, 2, m.ports...)
		si.Service.Annotations = map[string]string{l4.AnnotationSharedVIP: key}
		in.Services = append(in.Services, *si.Service)
		in.EndpointSlices = append(in.EndpointSlices, si.EndpointSlices...)
	}
	res := l4.TranslateSharedVIP(in, l4.Options{ClusterName: cluster, License: "ENTERPRISE"})
	if res.Set == nil {
		t.Fatalf("translating group %s/%s: %v", ns, key, res.Errors)
	}
	return res.Set
}

// gatewaySet translates the Gateway ns/name with one listener per port of
// the backends, which are labelled for it.
func gatewaySet(t testing.TB, ns, name string, backends ...backend) *aviobj.Set {
	t.Helper()
	cls := &gatewayv1.GatewayClass{
		ObjectMeta: metav1.ObjectMeta{Name: "avi-lb"},
		Spec:       gatewayv1.GatewayClassSpec{ControllerName: l4.GatewayControllerName},
	}
	gw := &gatewayv1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns, Generation: 1},
		Spec:       gatewayv1.GatewaySpec{GatewayClassName: "avi-lb"},
	}
	in := l4.GatewayInput{Gateway: gw, GatewayClass: cls}
	for _, b := range backends {
		si := serviceInput(ns, b.name, 2, b.ports...)
		si.Service.Spec.Type = corev1.ServiceTypeClusterIP
		si.Service.Labels = map[string]string{l4.LabelGatewayName: name, l4.LabelGatewayNamespace: ns}
		in.Services = append(in.Services, *si.Service)
		in.EndpointSlices = append(in.EndpointSlices, si.EndpointSlices...)
		for _, p := range b.ports {
			gw.Spec.Listeners = append(gw.Spec.Listeners, gatewayv1.Listener{
				Name:     gatewayv1.SectionName(fmt.Sprintf("%s-%s-%d", b.name, strings.ToLower(string(p.proto)), p.port)),
				Port:     gatewayv1.PortNumber(p.port),
				Protocol: gatewayv1.ProtocolType(p.proto),
			})
		}
	}
	res := l4.TranslateGateway(in, l4.Options{ClusterName: cluster, License: "ENTERPRISE"})
	if res.Set == nil {
		t.Fatalf("translating Gateway %s/%s: %v", ns, name, res.Errors)
	}
	return res.Set
}
