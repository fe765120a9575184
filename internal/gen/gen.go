package gen

import (
	"bufio"
	"fmt"
	"io"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// Config says what to generate. The zero value of a field takes its
// default.
type Config struct {
	// Services is the number of LoadBalancer Services.
	Services int
	// Ports per Service (default 3: TCP, UDP, SCTP).
	Ports int
	// Endpoints per Service (default 10), all ready.
	Endpoints int
	// Namespaces the Services are spread over, round robin (default 10).
	Namespaces int
	// Nodes is the number of Nodes (default 0: none).
	Nodes int
}

func (c Config) withDefaults() Config {
	if c.Ports <= 0 {
		c.Ports = 3
	}
	if c.Endpoints <= 0 {
		c.Endpoints = 10
	}
	if c.Namespaces <= 0 {
		c.Namespaces = 10
	}
	return c
}

// Objects is a generated input.
type Objects struct {
	Services       []corev1.Service
	EndpointSlices []discoveryv1.EndpointSlice
	Nodes          []corev1.Node
}

var protocols = [...]corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}

// Namespace is the namespace of the i-th Service.
func (c Config) Namespace(i int) string {
	return "ns-" + strconv.Itoa(i%c.withDefaults().Namespaces)
}

// Name is the name of the i-th Service.
func Name(i int) string { return fmt.Sprintf("svc-%05d", i) }

// Generate returns the objects of c.
func Generate(c Config) Objects {
	c = c.withDefaults()
	out := Objects{
		Services:       make([]corev1.Service, c.Services),
		EndpointSlices: make([]discoveryv1.EndpointSlice, c.Services),
	}
	ready := true
	for i := range c.Services {
		ns, name := c.Namespace(i), Name(i)
		svc := corev1.Service{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
			ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
			Spec: corev1.ServiceSpec{
				Type:     corev1.ServiceTypeLoadBalancer,
				Selector: map[string]string{"app": name},
			},
		}
		slice := discoveryv1.EndpointSlice{
			TypeMeta:    metav1.TypeMeta{APIVersion: "discovery.k8s.io/v1", Kind: "EndpointSlice"},
			ObjectMeta:  metav1.ObjectMeta{Name: name + "-abcde", Namespace: ns, Labels: map[string]string{"kubernetes.io/service-name": name}},
			AddressType: discoveryv1.AddressTypeIPv4,
		}
		for p := range c.Ports {
			proto := protocols[p%len(protocols)]
			pn := fmt.Sprintf("%s-%d", lower(proto), p)
			port := int32(1000 + p)
			svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: pn, Port: port, Protocol: proto,
				TargetPort: intstr.FromInt32(port + 8000)})
			slice.Ports = append(slice.Ports, discoveryv1.EndpointPort{Name: ptr(pn), Port: ptr(port + 8000), Protocol: ptr(proto)})
		}
		base := 10<<24 | 128<<16 + uint32(i)*uint32(c.Endpoints)
		for e := range c.Endpoints {
			a := base + uint32(e)
			slice.Endpoints = append(slice.Endpoints, discoveryv1.Endpoint{
				Addresses:  []string{fmt.Sprintf("%d.%d.%d.%d", a>>24, a>>16&255, a>>8&255, a&255)},
				Conditions: discoveryv1.EndpointConditions{Ready: &ready},
			})
		}
		out.Services[i], out.EndpointSlices[i] = svc, slice
	}
	for n := range c.Nodes {
		out.Nodes = append(out.Nodes, corev1.Node{
			TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Node"},
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("node-%04d", n)},
			Status: corev1.NodeStatus{Addresses: []corev1.NodeAddress{{Type: corev1.NodeInternalIP,
				Address: fmt.Sprintf("192.168.%d.%d", n/250, n%250+1)}}},
		})
	}
	return out
}

// WriteYAML writes the objects of c as a multi-document YAML manifest:
// each Service followed by its EndpointSlice, then the Nodes.
func WriteYAML(w io.Writer, c Config) error {
	c = c.withDefaults()
	objs := Generate(c)
	bw := bufio.NewWriter(w)
	for i := range objs.Services {
		s, es := &objs.Services[i], &objs.EndpointSlices[i]
		fmt.Fprintf(bw, "apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: %s\nspec:\n  type: LoadBalancer\n  selector:\n    app: %s\n  ports:\n",
			s.Name, s.Namespace, s.Name)
		for _, p := range s.Spec.Ports {
			fmt.Fprintf(bw, "  - name: %s\n    port: %d\n    protocol: %s\n    targetPort: %d\n", p.Name, p.Port, p.Protocol, p.TargetPort.IntVal)
		}
		fmt.Fprintf(bw, "---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: %s\n  namespace: %s\n  labels:\n    kubernetes.io/service-name: %s\naddressType: IPv4\nports:\n",
			es.Name, es.Namespace, s.Name)
		for _, p := range es.Ports {
			fmt.Fprintf(bw, "- name: %s\n  port: %d\n  protocol: %s\n", *p.Name, *p.Port, *p.Protocol)
		}
		bw.WriteString("endpoints:\n")
		for _, e := range es.Endpoints {
			fmt.Fprintf(bw, "- addresses: [%q]\n  conditions:\n    ready: true\n", e.Addresses[0])
		}
		bw.WriteString("---\n")
	}
	for _, n := range objs.Nodes {
		fmt.Fprintf(bw, "apiVersion: v1\nkind: Node\nmetadata:\n  name: %s\nstatus:\n  addresses:\n  - type: InternalIP\n    address: %s\n---\n",
			n.Name, n.Status.Addresses[0].Address)
	}
	return bw.Flush()
}

func lower(p corev1.Protocol) string {
	switch p {
	case corev1.ProtocolTCP:
		return "tcp"
	case corev1.ProtocolUDP:
		return "udp"
	}
	return "sctp"
}

func ptr[T any](v T) *T { return &v }
