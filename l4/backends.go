package l4

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
)

// backends picks pool servers for the ports of one Service. Its inputs
// are read once, when it is made: EndpointSlices, Nodes and Pods that the
// API server would refuse, or that hold no usable address or port, are left
// out, each with a warning naming its path (endpointSlices[<ns>/<name>]...,
// nodes[<name>]..., pods[<ns>/<name>]...), so that one bad endpoint never
// takes a Service down and no pool gets a server the controller refuses.
type backends struct {
	svc    *corev1.Service
	o      Options
	slices []epSlice  // this Service's slices, validated
	nodes  []nodeAddr // eligible nodes' usable InternalIPs (NodePort mode)
	pods   []nplPod   // this Service's selected pods (NodePortLocal mode)
	// warnings say which inputs were left out and why.
	warnings []string
}

// epSlice is an EndpointSlice with its usable ports and endpoints.
type epSlice struct {
	ports []epPort
	eps   []endpoint
}

// epPort is a usable EndpointSlice port.
type epPort struct {
	name     string
	port     int32
	protocol corev1.Protocol
}

type endpoint struct {
	addr  netip.Addr
	ip    string // canonical form of addr
	ready bool
	node  string
}

// nodeAddr is a node's usable InternalIP, at most one per family.
type nodeAddr struct {
	node string
	addr netip.Addr
	ip   string
}

// nplPod is a selected pod with its usable NodePortLocal mappings.
type nplPod struct {
	*corev1.Pod
	maps []nplMapping
}

func newBackends(in ServiceInput, o Options) *backends {
	b := &backends{svc: in.Service, o: o}
	skip := skipNodePort(b.svc)
	if o.BackendMode != BackendNodePortLocal &&
		(o.BackendMode != BackendNodePort || skip || b.svc.Spec.ExternalTrafficPolicy == corev1.ServiceExternalTrafficPolicyLocal) {
		for i := range in.EndpointSlices {
			s := &in.EndpointSlices[i]
			if s.Namespace != b.svc.Namespace || s.Labels[LabelServiceName] != b.svc.Name {
				continue
			}
			if es, ok := b.readSlice(s); ok {
				b.slices = append(b.slices, es)
			}
		}
	}
	if o.BackendMode == BackendNodePort && !skip {
		b.readNodes(in.Nodes)
	}
	if o.BackendMode == BackendNodePortLocal && len(b.svc.Spec.Selector) > 0 {
		sel := labels.SelectorFromSet(b.svc.Spec.Selector)
		for i := range in.Pods {
			p := &in.Pods[i]
			if p.Namespace == b.svc.Namespace && sel.Matches(labels.Set(p.Labels)) {
				b.pods = append(b.pods, nplPod{Pod: p, maps: b.readNPL(p)})
			}
		}
	}
	return b
}

// warn records that the input at e's path is left out.
func (b *backends) warn(e *field.Error, what string) {
	b.warnings = append(b.warnings, e.Error()+"; "+what+" is not used")
}

// readSlice validates one EndpointSlice of the Service as the API server
// does (ValidateEndpointSlice, pkg/apis/discovery/validation/validation.go)
// and keeps its usable ports and endpoints. Only the first address of an
// endpoint is read (consumers must use the first, as the EndpointSlice API
// says), so only it is checked. Port numbers are not range-checked by the
// API server; a port outside 1-65535 cannot reach a pod and is left out.
func (b *backends) readSlice(s *discoveryv1.EndpointSlice) (epSlice, bool) {
	var root *field.Path
	path := func() *field.Path {
		if root == nil {
			root = field.NewPath("endpointSlices").Key(s.Namespace + "/" + s.Name)
		}
		return root
	}
	if errs := validateTypeMeta(s.APIVersion, s.Kind, "discovery.k8s.io/v1", "EndpointSlice", path()); len(errs) > 0 {
		b.warn(errs[0], "the EndpointSlice")
		return epSlice{}, false
	}
	switch t := s.AddressType; t {
	case discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6:
	case discoveryv1.AddressTypeFQDN:
		b.warn(field.Forbidden(path().Child("addressType"), "FQDN endpoints cannot be pool servers: they have no IP address"), "the EndpointSlice")
		return epSlice{}, false
	case "":
		b.warn(field.Required(path().Child("addressType"), ""), "the EndpointSlice")
		return epSlice{}, false
	default:
		b.warn(field.NotSupported(path().Child("addressType"), t, []discoveryv1.AddressType{
			discoveryv1.AddressTypeFQDN, discoveryv1.AddressTypeIPv4, discoveryv1.AddressTypeIPv6}), "the EndpointSlice")
		return epSlice{}, false
	}
	es := epSlice{ports: make([]epPort, 0, len(s.Ports)), eps: make([]endpoint, 0, len(s.Endpoints))}
ports:
	for j, ep := range s.Ports {
		name := deref(ep.Name)
		if name != "" {
			if msgs := dns1123LabelProblems(name); len(msgs) > 0 {
				b.warn(field.Invalid(path().Child("ports").Index(j).Child("name"), name, strings.Join(msgs, "; ")), "the port")
				continue
			}
		}
		for k := range j {
			if deref(s.Ports[k].Name) == name {
				b.warn(field.Duplicate(path().Child("ports").Index(j).Child("name"), name), "the port")
				continue ports
			}
		}
		proto := protocolOf(deref(ep.Protocol)) // the API server defaults TCP
		if _, ok := profilesProtocol(proto); !ok {
			b.warn(field.NotSupported(path().Child("ports").Index(j).Child("protocol"), proto,
				[]corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolTCP, corev1.ProtocolUDP}), "the port")
			continue
		}
		if ep.Port == nil {
			continue // a port-less slice serves no Service port
		}
		if msgs := validation.IsValidPortNum(int(*ep.Port)); len(msgs) > 0 {
			b.warn(field.Invalid(path().Child("ports").Index(j).Child("port"), *ep.Port, msgs[0]), "the port")
			continue
		}
		es.ports = append(es.ports, epPort{name: name, port: *ep.Port, protocol: proto})
	}
	for j, ep := range s.Endpoints {
		if len(ep.Addresses) == 0 {
			b.warn(field.Required(path().Child("endpoints").Index(j).Child("addresses"), "must contain at least 1 address"), "the endpoint")
			continue
		}
		a, ip, msg := endpointAddr(ep.Addresses[0], s.AddressType)
		if msg != "" {
			b.warn(field.Invalid(path().Child("endpoints").Index(j).Child("addresses").Index(0), ep.Addresses[0], msg), "the endpoint")
			continue
		}
		es.eps = append(es.eps, endpoint{addr: a, ip: ip, ready: endpointReady(ep.Conditions), node: deref(ep.NodeName)})
	}
	return es, true
}

// endpointAddr parses an endpoint address of an EndpointSlice of type t:
// an IP of that family (strict, as validation.IsValidIP: no zone, no
// IPv4-mapped form, IPv6 in canonical form) that can be a server
// (addrUseProblem). It returns the address, its canonical text, or why it
// is refused.
func endpointAddr(s string, t discoveryv1.AddressType) (netip.Addr, string, string) {
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil || a.Zone() != "":
		return netip.Addr{}, "", "must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)"
	case a.Is4In6():
		return netip.Addr{}, "", "must not be an IPv4-mapped IPv6 address"
	case t == discoveryv1.AddressTypeIPv4 && !a.Is4():
		return netip.Addr{}, "", "must be an IPv4 address (addressType IPv4)"
	case t == discoveryv1.AddressTypeIPv6 && !a.Is6():
		return netip.Addr{}, "", "must be an IPv6 address (addressType IPv6)"
	}
	if msg := addrUseProblem(a); msg != "" {
		return netip.Addr{}, "", msg
	}
	ip := a.String()
	if a.Is6() && ip != s {
		return netip.Addr{}, "", fmt.Sprintf("must be in canonical form (%q)", ip)
	}
	return a, ip, ""
}

// readNodes keeps the nodes that can be NodePort servers (not excluded
// from load balancers, matching Options.NodeSelector) with their first
// usable InternalIP of each wanted family. An InternalIP that is not an
// address a server can have is left out with a warning.
func (b *backends) readNodes(nodes []corev1.Node) {
	sel := labels.SelectorFromSet(b.o.NodeSelector)
	for i := range nodes {
		n := &nodes[i]
		if _, excluded := n.Labels[LabelExcludeFromLB]; excluded || !sel.Matches(labels.Set(n.Labels)) {
			continue
		}
		var have4, have6 bool
		for j, addr := range n.Status.Addresses {
			if addr.Type != corev1.NodeInternalIP {
				continue
			}
			a, msg := parseAddr(addr.Address)
			if msg != "" {
				b.warn(field.Invalid(field.NewPath("nodes").Key(n.Name).Child("status", "addresses").Index(j).Child("address"), addr.Address, msg), "the address")
				continue
			}
			if !b.familyOK(a) || (a.Is4() && have4) || (a.Is6() && have6) {
				continue
			}
			have4, have6 = have4 || a.Is4(), have6 || a.Is6()
			b.nodes = append(b.nodes, nodeAddr{node: n.Name, addr: a, ip: a.String()})
		}
	}
}

// readNPL parses a pod's nodeportlocal.antrea.io annotation and keeps the
// usable mappings (pod and node ports 1-65535, a node IP a server can
// have, protocol TCP, UDP, SCTP or unset, any case as Antrea writes it). A
// pod without the annotation has no mappings yet; an annotation that does
// not parse, and each unusable mapping, is left out with a warning.
func (b *backends) readNPL(p *corev1.Pod) []nplMapping {
	v, ok := p.Annotations[AnnotationNodePortLocal]
	if !ok {
		return nil
	}
	path := field.NewPath("pods").Key(p.Namespace+"/"+p.Name).Child("metadata", "annotations").Key(AnnotationNodePortLocal)
	var maps []nplMapping
	if err := json.Unmarshal([]byte(v), &maps); err != nil {
		b.warn(field.Invalid(path, v, "must be a JSON list of {podPort, nodeIP, nodePort, protocol}: "+err.Error()), "the pod")
		return nil
	}
	kept := maps[:0]
	for k, m := range maps {
		mp := path.Index(k)
		switch {
		case m.PodPort < 1 || m.PodPort > 65535:
			b.warn(field.Invalid(mp.Child("podPort"), m.PodPort, validation.InclusiveRangeError(1, 65535)), "the mapping")
			continue
		case m.NodePort < 1 || m.NodePort > 65535:
			b.warn(field.Invalid(mp.Child("nodePort"), m.NodePort, validation.InclusiveRangeError(1, 65535)), "the mapping")
			continue
		}
		if m.Protocol != "" {
			proto, ok := profilesProtocol(corev1.Protocol(strings.ToUpper(m.Protocol)))
			if !ok {
				b.warn(field.NotSupported(mp.Child("protocol"), m.Protocol, []string{"sctp", "tcp", "udp"}), "the mapping")
				continue
			}
			m.Protocol = string(proto)
		}
		a, msg := parseAddr(m.NodeIP)
		if msg != "" {
			b.warn(field.Invalid(mp.Child("nodeIP"), m.NodeIP, msg), "the mapping")
			continue
		}
		m.addr, m.NodeIP = a, a.String()
		kept = append(kept, m)
	}
	return kept
}

// familyOK reports whether servers of this address family are wanted.
func (b *backends) familyOK(a netip.Addr) bool {
	if a.Is4() {
		return b.o.v4()
	}
	return b.o.v6()
}

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
func slicePort(s *epSlice, p servicePort) (int32, bool) {
	for _, ep := range s.ports {
		if ep.protocol == p.key.Protocol && ep.name == p.sp.Name {
			return ep.port, true
		}
	}
	if tp := targetPortOf(p.sp); tp.Type == intstr.Int {
		for _, ep := range s.ports {
			if ep.port == tp.IntVal && ep.protocol == p.key.Protocol {
				return ep.port, true
			}
		}
	}
	return 0, false
}

// targetPortOf is the port's targetPort, or its port when the targetPort is
// unset (0 or ""), as the API server defaults it.
func targetPortOf(sp *corev1.ServicePort) intstr.IntOrString {
	if tp := sp.TargetPort; (tp.Type == intstr.Int && tp.IntVal != 0) || (tp.Type == intstr.String && tp.StrVal != "") {
		return tp
	}
	return intstr.FromInt32(sp.Port)
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
	for i := range b.slices {
		n += len(b.slices[i].eps)
	}
	out := make([]server, 0, n)
	for i := range b.slices {
		s := &b.slices[i]
		port, ok := slicePort(s, p)
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
		for i := range b.slices {
			s := &b.slices[i]
			if _, ok := slicePort(s, p); !ok {
				continue
			}
			for _, ep := range s.eps {
				if ep.ready && ep.node != "" {
					local[ep.node] = true
				}
			}
		}
	}
	out := make([]server, 0, len(b.nodes))
	for _, n := range b.nodes {
		if local != nil && !local[n.node] {
			continue
		}
		out = append(out, server{addr: n.addr, ip: n.ip, port: p.sp.NodePort, enabled: true, node: n.node})
	}
	return out
}

// nplMapping is one entry of Antrea's nodeportlocal.antrea.io pod annotation.
type nplMapping struct {
	PodPort  int32  `json:"podPort"`
	NodeIP   string `json:"nodeIP"`
	NodePort int32  `json:"nodePort"`
	Protocol string `json:"protocol,omitempty"`
	addr     netip.Addr
}

// nplServers: the node IP and port Antrea maps to each selected, ready pod's
// target port.
func (b *backends) nplServers(p servicePort) []server {
	var out []server
	for _, pod := range b.pods {
		if podNotReady(pod.Pod) {
			continue
		}
		target, ok := podTargetPort(pod.Pod, p)
		if !ok {
			continue
		}
		for _, m := range pod.maps {
			if m.PodPort != target || (m.Protocol != "" && m.Protocol != string(p.key.Protocol)) || !b.familyOK(m.addr) {
				continue
			}
			out = append(out, server{addr: m.addr, ip: m.NodeIP, port: m.NodePort, enabled: true, node: pod.Spec.NodeName})
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
	tp := targetPortOf(p.sp)
	if tp.Type == intstr.Int {
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
// copy is) and converts them to Avi servers, each with AKO's external_uuid
// "<ip>:<port>".
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
	// And one string for their external_uuids, each a slice of it.
	var uuids []byte
	ends := make([]int, 0, len(s))
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
		// AKO's external_uuid: "<ip>:<port>", whatever the mode.
		if uuids == nil {
			uuids = make([]byte, 0, len(s)*(len(x.ip)+6))
		}
		uuids = append(uuids, x.ip...)
		uuids = append(uuids, ':')
		uuids = strconv.AppendInt(uuids, int64(x.port), 10)
		ends = append(ends, len(uuids))
	}
	all, start := string(uuids), 0
	for i, end := range ends {
		out[i].ExternalUUID = all[start:end]
		start = end
	}
	return out
}
