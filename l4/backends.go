package l4

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/avil4/avil4/aviobj"
)

// backends picks pool servers for the ports of one Service.
type backends struct {
	svc    *corev1.Service
	o      Options
	slices []epSlice // this Service's slices, addresses parsed once
	nodes  []corev1.Node
	pods   []*corev1.Pod // this Service's selected pods (NodePortLocal)
}

// epSlice is an EndpointSlice with its endpoints' first addresses parsed.
type epSlice struct {
	*discoveryv1.EndpointSlice
	eps []endpoint
}

type endpoint struct {
	addr  netip.Addr
	ip    string // canonical form of addr
	ready bool
	node  string
}

func newBackends(in ServiceInput, o Options) *backends {
	b := &backends{svc: in.Service, o: o, nodes: in.Nodes}
	for i := range in.EndpointSlices {
		s := &in.EndpointSlices[i]
		if s.Namespace != b.svc.Namespace || s.Labels[LabelServiceName] != b.svc.Name || s.AddressType == discoveryv1.AddressTypeFQDN {
			continue
		}
		es := epSlice{EndpointSlice: s, eps: make([]endpoint, 0, len(s.Endpoints))}
		for _, ep := range s.Endpoints {
			if len(ep.Addresses) == 0 {
				continue
			}
			a, err := netip.ParseAddr(ep.Addresses[0])
			if err != nil || a.Zone() != "" {
				continue
			}
			a = a.Unmap()
			es.eps = append(es.eps, endpoint{addr: a, ip: a.String(), ready: endpointReady(ep.Conditions), node: deref(ep.NodeName)})
		}
		b.slices = append(b.slices, es)
	}
	if o.BackendMode == BackendNodePortLocal && len(b.svc.Spec.Selector) > 0 {
		sel := labels.SelectorFromSet(b.svc.Spec.Selector)
		for i := range in.Pods {
			p := &in.Pods[i]
			if p.Namespace == b.svc.Namespace && sel.Matches(labels.Set(p.Labels)) {
				b.pods = append(b.pods, p)
			}
		}
	}
	return b
}

// familyOK reports whether servers of this address family are wanted.
func (b *backends) familyOK(a netip.Addr) bool {
	if a.Is4() {
		return b.o.v4()
	}
	return b.o.v6()
}

// servers returns the pool servers of port p, sorted.
func (b *backends) servers(p servicePort) []aviobj.Server { return toAvi(b.rawServers(p)) }

// rawServers returns the servers of port p in the backend mode, unsorted.
func (b *backends) rawServers(p servicePort) []server {
	switch {
	case b.o.BackendMode == BackendNodePort && !skipNodePort(b.svc):
		return b.nodePortServers(p)
	case b.o.BackendMode == BackendNodePortLocal:
		return b.nplServers(p)
	default:
		return b.endpointServers(p)
	}
}

func skipNodePort(svc *corev1.Service) bool {
	_, ok := svc.Annotations[AnnotationSkipNodePort]
	return ok
}

// slicePort finds the EndpointSlice port that carries service port sp: by
// name and protocol (the EndpointSlice contract), else, for hand-written
// slices, by number equal to a numeric targetPort and protocol.
func slicePort(s *discoveryv1.EndpointSlice, p servicePort) (int32, bool) {
	for _, ep := range s.Ports {
		if ep.Port == nil || protocolOf(deref(ep.Protocol)) != p.key.Protocol {
			continue
		}
		if deref(ep.Name) == p.sp.Name {
			return *ep.Port, true
		}
	}
	if tp := p.sp.TargetPort; tp.Type == intstr.Int {
		want := tp.IntVal
		if want == 0 {
			want = p.sp.Port
		}
		for _, ep := range s.Ports {
			if ep.Port != nil && *ep.Port == want && protocolOf(deref(ep.Protocol)) == p.key.Protocol {
				return want, true
			}
		}
	}
	return 0, false
}

func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// endpointReady follows the EndpointSlice API: a nil ready condition means
// ready; a terminating endpoint is not.
func endpointReady(c discoveryv1.EndpointConditions) bool {
	return (c.Ready == nil || *c.Ready) && !deref(c.Terminating)
}

// endpointServers: pod IPs and target ports from the Service's
// EndpointSlices. Not-ready endpoints become disabled servers.
func (b *backends) endpointServers(p servicePort) []server {
	n := 0
	for _, s := range b.slices {
		n += len(s.eps)
	}
	out := make([]server, 0, n)
	for _, s := range b.slices {
		port, ok := slicePort(s.EndpointSlice, p)
		if !ok {
			continue
		}
		for _, ep := range s.eps {
			if b.familyOK(ep.addr) {
				out = append(out, server{addr: ep.addr, ip: ep.ip, port: port, enabled: ep.ready, node: ep.node})
			}
		}
	}
	return out
}

// nodePortServers: each eligible node's InternalIP(s) on the nodePort.
func (b *backends) nodePortServers(p servicePort) []server {
	if p.sp.NodePort == 0 {
		return nil // no node port allocated: nothing to send traffic to
	}
	var local map[string]bool
	if b.svc.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal {
		local = map[string]bool{}
		for _, s := range b.slices {
			if _, ok := slicePort(s.EndpointSlice, p); !ok {
				continue
			}
			for _, ep := range s.eps {
				if ep.ready && ep.node != "" {
					local[ep.node] = true
				}
			}
		}
	}
	sel := labels.SelectorFromSet(b.o.NodeSelector)
	var out []server
	for i := range b.nodes {
		n := &b.nodes[i]
		if _, excluded := n.Labels[LabelExcludeFromLB]; excluded || !sel.Matches(labels.Set(n.Labels)) {
			continue
		}
		if local != nil && !local[n.Name] {
			continue
		}
		var have4, have6 bool
		for _, addr := range n.Status.Addresses {
			if addr.Type != corev1.NodeInternalIP {
				continue
			}
			a, err := netip.ParseAddr(addr.Address)
			if err != nil || !b.familyOK(a) || (a.Is4() && have4) || (a.Is6() && have6) {
				continue
			}
			have4, have6 = have4 || a.Is4(), have6 || a.Is6()
			out = append(out, server{addr: a, ip: a.String(), port: p.sp.NodePort, enabled: true, node: n.Name})
		}
	}
	return out
}

// nplMapping is one entry of Antrea's nodeportlocal.antrea.io pod annotation.
type nplMapping struct {
	PodPort  int32  `json:"podPort"`
	NodeIP   string `json:"nodeIP"`
	NodePort int32  `json:"nodePort"`
	Protocol string `json:"protocol,omitempty"`
}

// nplServers: the node IP and port Antrea maps to each selected, ready pod's
// target port.
func (b *backends) nplServers(p servicePort) []server {
	var out []server
	for _, pod := range b.pods {
		if podNotReady(pod) {
			continue
		}
		target, ok := podTargetPort(pod, p)
		if !ok {
			continue
		}
		var maps []nplMapping
		if err := json.Unmarshal([]byte(pod.Annotations[AnnotationNodePortLocal]), &maps); err != nil {
			continue
		}
		for _, m := range maps {
			if m.PodPort != target || (m.Protocol != "" && !strings.EqualFold(m.Protocol, string(p.key.Protocol))) {
				continue
			}
			a, err := netip.ParseAddr(m.NodeIP)
			if err != nil || !b.familyOK(a) || m.NodePort < 1 || m.NodePort > 65535 {
				continue
			}
			out = append(out, server{addr: a, ip: a.String(), port: m.NodePort, enabled: true, node: pod.Spec.NodeName})
		}
	}
	return out
}

func podNotReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionFalse
		}
	}
	return false
}

// podTargetPort resolves the service port's targetPort in the pod: a number
// as is (the service port when unset), a name through the pod's container
// ports of the same protocol.
func podTargetPort(pod *corev1.Pod, p servicePort) (int32, bool) {
	tp := p.sp.TargetPort
	if tp.Type == intstr.Int {
		if tp.IntVal == 0 {
			return p.sp.Port, true
		}
		return tp.IntVal, true
	}
	for _, c := range pod.Spec.Containers {
		for _, cp := range c.Ports {
			if cp.Name == tp.StrVal && protocolOf(cp.Protocol) == p.key.Protocol {
				return cp.ContainerPort, true
			}
		}
	}
	return 0, false
}

// server is a pool server before it becomes an aviobj.Server.
type server struct {
	addr    netip.Addr
	ip      string
	port    int32
	enabled bool
	node    string
}

// toAvi orders servers by address then port, merges duplicates (an endpoint
// listed in two slices during a handover; a merged server is enabled if any
// copy is) and converts them to Avi servers.
func toAvi(s []server) []aviobj.Server {
	if len(s) == 0 {
		return nil
	}
	slices.SortFunc(s, func(a, b server) int {
		if c := a.addr.Compare(b.addr); c != 0 {
			return c
		}
		return int(a.port) - int(b.port)
	})
	out := make([]aviobj.Server, 0, len(s))
	// One backing array for the servers' Enabled flags: one allocation
	// per pool instead of one per server, each server its own pointer.
	enabled := make([]bool, len(s))
	for i, x := range s {
		if i > 0 && x.addr == s[i-1].addr && x.port == s[i-1].port {
			if x.enabled {
				*out[len(out)-1].Enabled = true
			}
			continue
		}
		enabled[len(out)] = x.enabled
		t := aviobj.IPTypeV4
		if x.addr.Is6() {
			t = aviobj.IPTypeV6
		}
		out = append(out, aviobj.Server{
			IP:         aviobj.IPAddr{Addr: x.ip, Type: t},
			Port:       x.port,
			Enabled:    &enabled[len(out)],
			ServerNode: x.node,
		})
	}
	return out
}
