package l4

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/profiles"
)

// Labels that bind a backend Service to a Gateway (AKO's services-API
// convention): the Service's (protocol, port) must equal a listener's.
const (
	LabelGatewayName      = "ako.vmware.com/gateway-name"
	LabelGatewayNamespace = "ako.vmware.com/gateway-namespace"
)

// Reasons a Gateway is not ours (see NotOurs).
const (
	// OtherController: the GatewayClass names another controller.
	OtherController NotOursReason = "OtherController"
	// NoGatewayClass: the Gateway's class is not among the inputs.
	NoGatewayClass NotOursReason = "NoGatewayClass"
)

// GatewayInput is everything the translation of one
// gateway.networking.k8s.io/v1 Gateway reads. Services, EndpointSlices,
// Nodes, Pods, routes, grants and namespaces may include unrelated objects:
// the translation picks what belongs to the Gateway. Nothing is modified.
type GatewayInput struct {
	Gateway      *gatewayv1.Gateway
	GatewayClass *gatewayv1.GatewayClass
	// InfraSetting is the AviInfraSetting the class's parametersRef names,
	// if found.
	InfraSetting *AviInfraSetting

	// Services are candidate backends: Services carrying the gateway labels
	// and Services named by route backendRefs.
	Services       []corev1.Service
	EndpointSlices []discoveryv1.EndpointSlice
	Nodes          []corev1.Node
	Pods           []corev1.Pod

	TCPRoutes       []gatewayv1.TCPRoute
	UDPRoutes       []gatewayv1.UDPRoute
	ReferenceGrants []gatewayv1.ReferenceGrant
	// Namespaces are needed for allowedRoutes namespace selectors and for
	// the Gateway Namespace's tenant and AviInfraSetting annotations.
	Namespaces []corev1.Namespace
	// InfraSettings are the AviInfraSettings a Namespace annotation may name
	// (used when the class has no parametersRef).
	InfraSettings []AviInfraSetting
}

// GatewayResult is the outcome of a Gateway translation. Set, NotOurs and
// Errors read as in Result: a Set to apply (possibly with some listeners
// left out), a Gateway for another controller, or a Gateway that cannot be
// served as written.
type GatewayResult struct {
	Set      *aviobj.Set     `json:"set,omitempty"`
	NotOurs  *NotOurs        `json:"notOurs,omitempty"`
	Errors   field.ErrorList `json:"-"`
	Warnings []string        `json:"warnings,omitempty"`
	// Conditions are the Gateway's conditions known before apply
	// (Accepted); GatewayStatus adds Programmed.
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	// Listeners has one entry per spec.listeners entry, in order.
	Listeners []ListenerResult `json:"listeners,omitempty"`
	// Routes has one entry per TCPRoute/UDPRoute that names this Gateway
	// as a parent.
	Routes []RouteResult `json:"routes,omitempty"`
}

// ListenerResult is the fate of one listener.
type ListenerResult struct {
	Index int    `json:"index"`
	Name  string `json:"name,omitempty"`
	// Port is the listener's protocol (as written) and port.
	Port Port `json:"port"`
	// Pool serves the listener; "" when nothing is bound, it is refused,
	// or a PoolGroup serves it.
	Pool string `json:"pool,omitempty"`
	// PoolGroup serves the listener whose route has several backends: one
	// pool per backend (Members), selected by weight.
	PoolGroup string `json:"poolGroup,omitempty"`
	// Members are the pool group's pools, one per backend, in the order of
	// Backends.
	Members []PoolGroupMember `json:"members,omitempty"`
	// Backends are the bound Services and ports, "ns/name:port".
	Backends []string `json:"backends,omitempty"`
	// AttachedRoutes counts the routes attached to the listener.
	AttachedRoutes int32 `json:"attachedRoutes"`
	// Conditions are Accepted, Conflicted and ResolvedRefs;
	// GatewayStatus adds Programmed.
	Conditions []metav1.Condition `json:"conditions"`

	supported []gatewayv1.RouteGroupKind
}

// Served reports whether the listener is accepted and not conflicted.
func (l ListenerResult) Served() bool {
	return condTrue(l.Conditions, string(gatewayv1.ListenerConditionAccepted)) &&
		!condTrue(l.Conditions, string(gatewayv1.ListenerConditionConflicted))
}

// PoolGroupMember is one backend of a weighted route: its pool and the
// ratio of new connections it gets (the backendRef weights, summed over
// repeats, scaled into the controller's 0-1000 when larger; 0: none).
type PoolGroupMember struct {
	Pool    string `json:"pool"`
	Backend string `json:"backend"`
	Weight  int32  `json:"weight"`
	Ratio   int32  `json:"ratio"`
}

// RouteResult is the status of one route towards this Gateway.
type RouteResult struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// Parents are the route's status.parents entries for this Gateway.
	Parents []gatewayv1.RouteParentStatus `json:"parents"`
	// Errors are the route's problems with exact field paths (rooted at the
	// route's spec).
	Errors field.ErrorList `json:"-"`
}

func condTrue(cs []metav1.Condition, t string) bool {
	for _, c := range cs {
		if c.Type == t {
			return c.Status == metav1.ConditionTrue
		}
	}
	return false
}

// gwListener is a listener of either API version, being translated.
type gwListener struct {
	ListenerResult
	protocol string
	hostname string
	tls      bool
	path     *field.Path
	allowed  *gatewayv1.AllowedRoutes
	// bindings are the Services (and ports) claiming the listener.
	bindings []binding
	refused  bool
	// schema are the API server's objections to the listener's own
	// fields; dup is the earlier listener with its port, protocol and
	// hostname (the CRD's uniqueness rule), or nil.
	schema field.ErrorList
	dup    *gwListener
}

// binding is one backend Service port bound to a listener by a claimant (a
// labelled Service, or a route).
type binding struct {
	svc      *corev1.Service
	sp       *corev1.ServicePort
	claimant string
	// weight is the backendRef's weight (1 for a labelled Service).
	weight int32
}

// backend renders the binding as "ns/name:port".
func (b binding) backend() string {
	return fmt.Sprintf("%s/%s:%d", b.svc.Namespace, b.svc.Name, b.sp.Port)
}

func (l *gwListener) set(t gatewayv1.ListenerConditionType, status metav1.ConditionStatus, reason gatewayv1.ListenerConditionReason, msg string) {
	c := metav1.Condition{Type: string(t), Status: status, Reason: string(reason), Message: msg}
	for i := range l.Conditions {
		if l.Conditions[i].Type == c.Type {
			l.Conditions[i] = c
			return
		}
	}
	l.Conditions = append(l.Conditions, c)
}

func (l *gwListener) refuse(reason gatewayv1.ListenerConditionReason, msg string) {
	if l.refused {
		return
	}
	l.refused = true
	l.set(gatewayv1.ListenerConditionAccepted, metav1.ConditionFalse, reason, msg)
}

// gatewayKey identifies a Gateway for naming, labels and markers.
type gatewayKey struct{ namespace, name string }

func (g gatewayKey) String() string { return g.namespace + "/" + g.name }

// engine translates the listeners of one Gateway of either API version.
type engine struct {
	o         Options
	gw        gatewayKey
	listeners []*gwListener
	res       *GatewayResult
	in        backendInputs
	// sctpTuned are the SCTP settings of listeners, by port, from the
	// Gateway's avil4.io/listener-overrides annotation.
	sctpTuned map[Port]*profiles.SCTPProxySettings
}

type backendInputs struct {
	services       []corev1.Service
	endpointSlices []discoveryv1.EndpointSlice
	nodes          []corev1.Node
	pods           []corev1.Pod
}

// l4Protocols are the listener protocols an L4 Gateway serves.
func l4Protocols() []string {
	return []string{string(corev1.ProtocolTCP), string(corev1.ProtocolUDP), string(corev1.ProtocolSCTP)}
}

// validateListeners sets Accepted/Conflicted on every listener from its own
// spec and the other listeners, and records its errors, listener by
// listener:
//
//  1. what the API server would refuse in the listener's own fields
//     (l.schema): Accepted=False UnsupportedValue;
//  2. a listener repeating an earlier one's port, protocol and hostname
//     (the CRD's CEL rule; l.dup): both Conflicted, Accepted=False
//     PortUnavailable;
//  3. what this translator cannot serve: another protocol
//     (UnsupportedProtocol), SCTP in NodePortLocal mode, a hostname or TLS
//     (UnsupportedValue);
//  4. two accepted listeners on one (protocol, port), which one
//     VirtualService port cannot tell apart (SCTP listeners with different
//     hostnames; any repeated port of a legacy Gateway): both Conflicted.
func (e *engine) validateListeners() {
	errs := make([]field.ErrorList, len(e.listeners))
	for i, l := range e.listeners {
		l.set(gatewayv1.ListenerConditionAccepted, metav1.ConditionTrue, gatewayv1.ListenerReasonAccepted, "Listener is accepted.")
		l.set(gatewayv1.ListenerConditionConflicted, metav1.ConditionFalse, gatewayv1.ListenerReasonNoConflicts, "No conflicts.")
		l.set(gatewayv1.ListenerConditionResolvedRefs, metav1.ConditionTrue, gatewayv1.ListenerReasonResolvedRefs, "References are resolved.")
		if len(l.schema) > 0 {
			errs[i] = append(errs[i], l.schema...)
			l.refuse(gatewayv1.ListenerReasonUnsupportedValue, fmt.Sprintf("Listener is invalid: %s.", l.schema[0].Error()))
		}
	}
	conflict := func(prev, l *gwListener) {
		d := field.Duplicate(l.path, l.Port.String())
		if l.dup == prev {
			d.Detail = fmt.Sprintf("%s has the same port, protocol and hostname: the Gateway API requires each listener's to be unique", prev.path)
		} else {
			d.Detail = fmt.Sprintf("%s has the same protocol and port: one port of the Avi VirtualService serves one listener", prev.path)
		}
		errs[l.Index] = append(errs[l.Index], d)
		msg := fmt.Sprintf("Listeners %s and %s both use %s.", listenerName(prev), listenerName(l), l.Port)
		for _, x := range []*gwListener{prev, l} {
			x.set(gatewayv1.ListenerConditionConflicted, metav1.ConditionTrue, gatewayv1.ListenerReasonHostnameConflict, msg)
			x.refuse(gatewayv1.ListenerReasonPortUnavailable, msg)
		}
	}
	for _, l := range e.listeners {
		if l.dup != nil {
			conflict(l.dup, l)
		}
	}
	for i, l := range e.listeners {
		if len(l.schema) > 0 {
			continue
		}
		if err, reason, msg := e.unservable(l); err != nil {
			errs[i] = append(errs[i], err)
			l.refuse(reason, msg)
		}
	}
	seen := map[Port]*gwListener{}
	for _, l := range e.listeners {
		if l.refused {
			continue
		}
		if prev, dup := seen[l.Port]; dup {
			conflict(prev, l)
			continue
		}
		seen[l.Port] = l
	}
	for _, le := range errs {
		e.res.Errors = append(e.res.Errors, le...)
	}
}

// unservable returns why this translator cannot serve a listener the API
// accepts, or a nil error.
func (e *engine) unservable(l *gwListener) (*field.Error, gatewayv1.ListenerConditionReason, string) {
	if !slices.Contains(l4Protocols(), l.protocol) {
		return field.NotSupported(l.path.Child("protocol"), l.protocol, l4Protocols()),
			gatewayv1.ListenerReasonUnsupportedProtocol, fmt.Sprintf("Protocol %s is unsupported, must be TCP, UDP or SCTP.", l.protocol)
	}
	if l.protocol == string(corev1.ProtocolSCTP) && e.o.BackendMode == BackendNodePortLocal {
		return field.Forbidden(l.path.Child("protocol"), "SCTP may not be used when the backend mode is NodePortLocal: Antrea NodePortLocal does not map SCTP ports"),
			gatewayv1.ListenerReasonUnsupportedProtocol, "Protocol SCTP is unsupported when the backend mode is NodePortLocal."
	}
	if msgs := validationPort(l.Port.Port); msgs != "" {
		return field.Invalid(l.path.Child("port"), l.Port.Port, msgs),
			gatewayv1.ListenerReasonUnsupportedValue, fmt.Sprintf("Port %d is invalid: %s.", l.Port.Port, msgs)
	}
	if l.hostname != "" {
		if errs := validateListenerHostname(l.hostname, l.path.Child("hostname")); len(errs) > 0 {
			return errs[0], gatewayv1.ListenerReasonUnsupportedValue,
				fmt.Sprintf("Hostname %q cannot be served on %s listener: %s.", l.hostname, article(l.protocol), errs[0].Detail)
		}
	}
	if a := l.allowed; a != nil && a.Namespaces != nil && a.Namespaces.From != nil && *a.Namespaces.From == gatewayv1.NamespacesFromSelector {
		// The API (not its CRD) says the selector must be set with From
		// Selector; without a usable one no route could ever be allowed.
		sp := l.path.Child("allowedRoutes", "namespaces", "selector")
		if a.Namespaces.Selector == nil {
			return field.Required(sp, "a selector is required when from is Selector"),
				gatewayv1.ListenerReasonUnsupportedValue, "allowedRoutes.namespaces.selector is required when from is Selector."
		}
		if _, err := metav1.LabelSelectorAsSelector(a.Namespaces.Selector); err != nil {
			return field.Invalid(sp, a.Namespaces.Selector.String(), err.Error()),
				gatewayv1.ListenerReasonUnsupportedValue, fmt.Sprintf("allowedRoutes.namespaces.selector is invalid: %v.", err)
		}
	}
	if l.tls {
		return field.Forbidden(l.path.Child("tls"), "may not be set on an L4 listener"),
			gatewayv1.ListenerReasonUnsupportedValue, fmt.Sprintf("TLS is not supported on %s listener.", article(l.protocol))
	}
	return nil, "", ""
}

// article prefixes a protocol name with its indefinite article: "an SCTP",
// "a TCP", "a UDP".
func article(protocol string) string {
	if protocol == string(corev1.ProtocolSCTP) {
		return "an " + protocol
	}
	return "a " + protocol
}

func validationPort(p int32) string {
	if p < 1 || p > 65535 {
		return "must be between 1 and 65535, inclusive"
	}
	return ""
}

func listenerName(l *gwListener) string {
	if l.Name != "" {
		return strconv.Quote(l.Name)
	}
	return fmt.Sprintf("spec.listeners[%d]", l.Index)
}

// listenerFor returns the accepted listener serving (protocol, port).
func (e *engine) listenerFor(k Port) *gwListener {
	for _, l := range e.listeners {
		if !l.refused && l.Port == k {
			return l
		}
	}
	return nil
}

// bindLabelled binds Services labelled for the Gateway to the listeners
// whose (protocol, port) equals one of their ports.
func (e *engine) bindLabelled() {
	for i := range e.in.services {
		svc := &e.in.services[i]
		if svc.Labels[LabelGatewayName] != e.gw.name || svc.Labels[LabelGatewayNamespace] != e.gw.namespace {
			continue
		}
		if svc.Spec.Type == corev1.ServiceTypeLoadBalancer || svc.Spec.Type == corev1.ServiceTypeExternalName {
			e.res.Warnings = append(e.res.Warnings, fmt.Sprintf(
				"Service %s/%s is of type %s and cannot be a Gateway backend (it keeps its own VirtualService if it is a LoadBalancer)",
				svc.Namespace, svc.Name, svc.Spec.Type))
			continue
		}
		for j := range svc.Spec.Ports {
			sp := &svc.Spec.Ports[j]
			k := Port{Protocol: protocolOf(sp.Protocol), Port: sp.Port}
			l := e.listenerFor(k)
			if l == nil {
				e.res.Warnings = append(e.res.Warnings, fmt.Sprintf(
					"Service %s/%s port %s matches no accepted listener of Gateway %s", svc.Namespace, svc.Name, k, e.gw))
				continue
			}
			l.bindings = append(l.bindings, binding{svc: svc, sp: sp, claimant: "Service " + svc.Namespace + "/" + svc.Name, weight: 1})
		}
	}
}

// resolveBindings gives each accepted listener its pool: one claimant, or a
// conflict when several claim it. A claimant (a route) with one backend
// gets a pool (none when its weight is 0); one with several backends, a
// pool group with a pool per backend and ratios from the weights.
func (e *engine) resolveBindings() {
	for _, l := range e.listeners {
		if l.refused || len(l.bindings) == 0 {
			continue
		}
		var claimants []string
		for _, b := range l.bindings {
			if !slices.Contains(claimants, b.claimant) {
				claimants = append(claimants, b.claimant)
			}
		}
		if len(claimants) > 1 {
			msg := fmt.Sprintf("Port %s is claimed by %s.", l.Port, strings.Join(claimants, " and "))
			e.res.Errors = append(e.res.Errors, field.Forbidden(l.path, strings.TrimSuffix(strings.ToLower(msg[:1])+msg[1:], ".")+": a listener serves one backend"))
			l.set(gatewayv1.ListenerConditionConflicted, metav1.ConditionTrue, gatewayv1.ListenerReasonPortUnavailable, msg)
			l.refuse(gatewayv1.ListenerReasonPortUnavailable, msg)
			l.bindings = nil
			continue
		}
		l.bindings = mergeBindings(l.bindings)
		if len(l.bindings) == 1 && l.bindings[0].weight == 0 {
			l.bindings = nil // its only backend takes no traffic
			continue
		}
		for _, b := range l.bindings {
			l.Backends = append(l.Backends, b.backend())
		}
		if len(l.bindings) == 1 {
			l.Pool = aviobj.GroupPoolName(e.o.ClusterName, e.gw.namespace, l.bindings[0].svc.Name, e.gw.name, l.protocol, l.Port.Port)
			continue
		}
		l.PoolGroup = aviobj.PoolGroupName(e.o.ClusterName, e.gw.namespace, e.gw.name, l.protocol, l.Port.Port)
		if e.o.License.Known() && !e.o.License.Enterprise() {
			e.res.Warnings = append(e.res.Warnings, fmt.Sprintf(
				"listener %s: a pool group of several backends needs an Enterprise licence: the controller allows L4_RULE_ACTION_SELECT_POOLGROUP and member ratios other than 1 only in Enterprise editions (licence is %s)",
				listenerName(l), e.o.License))
		}
		weights := make([]int32, len(l.bindings))
		for i, b := range l.bindings {
			weights[i] = b.weight
		}
		ratios, exact := poolGroupRatios(weights)
		if !exact {
			e.res.Warnings = append(e.res.Warnings, fmt.Sprintf(
				"listener %s: backend weights %v are scaled to the pool group ratios %v (the controller allows 0-%d)",
				listenerName(l), weights, ratios, aviobj.MaxPoolGroupRatio))
		}
		for i, name := range e.memberPoolNames(l) {
			l.Members = append(l.Members, PoolGroupMember{Pool: name, Backend: l.Backends[i], Weight: weights[i], Ratio: ratios[i]})
		}
	}
}

// mergeBindings folds repeated backends (the same Service port, by
// namespace, name and port number, named twice by a route) into one,
// summing their weights, in first-seen order.
func mergeBindings(bs []binding) []binding {
	out := make([]binding, 0, len(bs))
	for _, b := range bs {
		if i := slices.IndexFunc(out, func(o binding) bool { return o.backend() == b.backend() }); i >= 0 {
			out[i].weight += b.weight
			continue
		}
		out = append(out, b)
	}
	return out
}

// memberPoolNames names the pools of a pool group's members like any
// Gateway pool (<cluster>--<gwns>-<svc>-<gw>-<PROTOCOL>-<port>); members
// whose Service name is not unique in the group (another namespace, or
// another port of the same Service) write it <svc>.<namespace>.<service
// port>, which no Service name can be (a DNS label has no dots), so the
// names stay distinct.
func (e *engine) memberPoolNames(l *gwListener) []string {
	count := map[string]int{}
	for _, b := range l.bindings {
		count[b.svc.Name]++
	}
	out := make([]string, len(l.bindings))
	for i, b := range l.bindings {
		svc := b.svc.Name
		if count[svc] > 1 {
			svc += "." + b.svc.Namespace + "." + strconv.Itoa(int(b.sp.Port))
		}
		out[i] = aviobj.GroupPoolName(e.o.ClusterName, e.gw.namespace, svc, e.gw.name, l.protocol, l.Port.Port)
	}
	return out
}

// poolGroupRatios turns backendRef weights (0-1000000) into pool group
// member ratios (0-1000, 0 meaning "no new connections"): unchanged when
// they fit, else divided by their greatest common divisor, else scaled so
// that the largest is 1000, each non-zero weight keeping a ratio of at
// least 1. exact reports whether the proportions are kept exactly.
func poolGroupRatios(weights []int32) ([]int32, bool) {
	out := slices.Clone(weights)
	top, g := int32(0), int32(0)
	for _, w := range weights {
		top = max(top, w)
		if w > 0 {
			g = gcd(g, w)
		}
	}
	if top <= aviobj.MaxPoolGroupRatio {
		return out, true
	}
	if top/g <= aviobj.MaxPoolGroupRatio {
		for i := range out {
			out[i] /= g
		}
		return out, true
	}
	for i, w := range weights {
		if w > 0 {
			out[i] = max(1, int32((int64(w)*aviobj.MaxPoolGroupRatio+int64(top)/2)/int64(top)))
		}
	}
	return out, false
}

func gcd(a, b int32) int32 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// buildSet assembles the Gateway's objects from its served listeners.
func (e *engine) buildSet(vips []netip.Addr) *aviobj.Set {
	o := e.o
	owner := aviobj.Markers{ClusterName: o.ClusterName, Namespace: e.gw.namespace, GatewayName: e.gw.name}
	var specs []portSpec
	var fqdns []string
	for _, l := range e.listeners {
		if !l.Served() {
			continue
		}
		if l.hostname != "" {
			fqdns = append(fqdns, l.hostname)
		}
		proto := corev1.Protocol(l.protocol)
		ps := portSpec{key: Port{Protocol: proto, Port: l.Port.Port}}
		if s := e.sctpTuned[ps.key]; s != nil {
			ps.override = &PortOverride{Port: ps.key, SCTPProxy: s}
		}
		servers := func(b binding) []server {
			bk := newBackends(ServiceInput{Service: b.svc, EndpointSlices: e.in.endpointSlices, Nodes: e.in.nodes, Pods: e.in.pods}, o)
			out := bk.rawServers(servicePort{sp: b.sp, key: Port{Protocol: proto, Port: b.sp.Port}})
			for _, w := range bk.warnings {
				if !slices.Contains(e.res.Warnings, w) {
					e.res.Warnings = append(e.res.Warnings, w)
				}
			}
			return out
		}
		m := owner
		m.Port = strconv.Itoa(int(l.Port.Port))
		m.Protocol = l.protocol
		switch {
		case l.Pool != "":
			ps.servers = servers(l.bindings[0])
			hosts := e.listenerFQDNs(l, l.bindings)
			fqdns = append(fqdns, hosts...)
			m.ServiceName = l.bindings[0].svc.Name
			ps.pool, ps.markers, ps.metadata = l.Pool, m, gatewayPoolMetadata(l.bindings[:1], hosts)
		case l.PoolGroup != "":
			ps.poolGroup, ps.groupMarkers = l.PoolGroup, m
			for i, b := range l.bindings {
				hosts := e.listenerFQDNs(l, l.bindings[i:i+1])
				fqdns = append(fqdns, hosts...)
				mm := m
				mm.ServiceName = b.svc.Name
				ps.members = append(ps.members, memberSpec{pool: l.Members[i].Pool, markers: mm, servers: servers(b),
					metadata: gatewayPoolMetadata(l.bindings[i:i+1], hosts), ratio: l.Members[i].Ratio})
			}
		}
		specs = append(specs, ps)
	}
	return buildL4Set(o, vsSpec{
		name:     aviobj.VirtualServiceName(o.ClusterName, e.gw.namespace, e.gw.name),
		markers:  owner,
		vips:     vips,
		metadata: gatewayMetadata(e.gw, fqdns),
		fqdns:    fqdns,
	}, specs)
}

// listenerFQDNs are the FQDNs of a listener's pool serving the bindings:
// the listener's hostname, or else (AKO's rule) the automatic FQDN of each
// bound Service (Options.AutoFQDN under Options.FQDNSubdomain,
// <svc>.<ns>.<subdomain> or <svc>-<ns>.<subdomain>). A Service's
// external-dns hostname annotation is not read for Gateway backends.
func (e *engine) listenerFQDNs(l *gwListener, bs []binding) []string {
	if l.hostname != "" {
		return []string{l.hostname}
	}
	var out []string
	for _, b := range bs {
		if f := autoFQDN(b.svc.Name, b.svc.Namespace, e.o.AutoFQDN, e.o.FQDNSubdomain); f != "" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// gatewayMetadata is a Gateway VirtualService's service_metadata: the
// Gateway and, as AKO, the FQDNs of its listeners.
func gatewayMetadata(gw gatewayKey, fqdns []string) string {
	var hosts []string
	for _, f := range fqdns {
		if !slices.Contains(hosts, f) {
			hosts = append(hosts, f)
		}
	}
	js, _ := json.Marshal(struct {
		Gateway   string   `json:"gateway"`
		Hostnames []string `json:"hostnames,omitempty"`
	}{gw.String(), hosts})
	return string(js)
}

// gatewayPoolMetadata is a gateway pool's service_metadata: the backend
// Services it serves and its FQDNs.
func gatewayPoolMetadata(bs []binding, hosts []string) string {
	var names []string
	for _, b := range bs {
		n := b.svc.Namespace + "/" + b.svc.Name
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	js, _ := json.Marshal(struct {
		NamespaceServiceName []string `json:"namespace_svc_name"`
		Hostnames            []string `json:"hostnames,omitempty"`
	}{names, hosts})
	return string(js)
}

// checkBackendModes reports bound Service ports that cannot be served in
// the backend mode (no nodePort in NodePort mode); their listeners keep the
// VirtualService port but get no servers from that backend.
func (e *engine) checkBackendModes() {
	if e.o.BackendMode != BackendNodePort {
		return
	}
	for _, l := range e.listeners {
		for _, b := range l.bindings {
			if b.sp.NodePort == 0 && !skipNodePort(b.svc) {
				e.res.Warnings = append(e.res.Warnings, fmt.Sprintf(
					"listener %s: Service %s/%s port %s has no nodePort (type %s), so it has no servers in NodePort mode",
					listenerName(l), b.svc.Namespace, b.svc.Name, l.Port, b.svc.Spec.Type))
			}
		}
	}
}

// finish gives each bound listener its pool, records the Gateway's
// Accepted condition and the listener results, and builds the Set when any
// listener is served. Both API versions end here.
func (e *engine) finish(generation int64, vips []netip.Addr) {
	e.resolveBindings()
	e.checkBackendModes()
	accepted, any := e.acceptedCondition(generation)
	e.res.Conditions = []metav1.Condition{accepted}
	for _, l := range e.listeners {
		e.res.Listeners = append(e.res.Listeners, l.ListenerResult)
	}
	if !any {
		return
	}
	listeners := field.NewPath("spec", "listeners")
	if n := len(e.listeners); n > maxVirtualServicePorts {
		e.res.refuse(generation, string(gatewayv1.GatewayReasonListenersNotValid), "Too many listeners for one Avi VirtualService.",
			tooManyPorts(listeners, n, ""))
		return
	}
	set := e.buildSet(vips)
	pools := map[string]*field.Path{}
	for _, l := range e.listeners {
		if l.Pool != "" {
			pools[l.Pool] = l.path
		}
		for _, m := range l.Members {
			pools[m.Pool] = l.path
		}
		if l.PoolGroup != "" {
			pools[l.PoolGroup] = l.path
		}
	}
	locate := poolLocator(func(name string) *field.Path { return pools[name] }, func() *field.Path { return listeners })
	if errs := preflight(set, locate); len(errs) > 0 {
		e.res.refuse(generation, string(gatewayv1.GatewayReasonListenersNotValid),
			"The Avi Controller would refuse the translated objects: "+errs[0].Error()+".", errs...)
		return
	}
	e.res.Set = set
}

// acceptedCondition is the Gateway's Accepted condition from its listeners.
func (e *engine) acceptedCondition(generation int64) (metav1.Condition, bool) {
	total, ok := len(e.listeners), 0
	var bad []string
	for _, l := range e.listeners {
		if l.Served() {
			ok++
		} else {
			bad = append(bad, listenerName(l))
		}
	}
	c := metav1.Condition{Type: string(gatewayv1.GatewayConditionAccepted), ObservedGeneration: generation}
	switch {
	case ok == total:
		c.Status, c.Reason, c.Message = metav1.ConditionTrue, string(gatewayv1.GatewayReasonAccepted), "Gateway is accepted."
	case ok > 0:
		c.Status, c.Reason = metav1.ConditionTrue, string(gatewayv1.GatewayReasonListenersNotValid)
		c.Message = fmt.Sprintf("Listeners %s are not valid; the others are served.", strings.Join(bad, ", "))
	default:
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, string(gatewayv1.GatewayReasonListenersNotValid), "No listener is valid."
	}
	return c, ok > 0
}

// gwAddress is one requested address of either API version: its index in
// spec.addresses, its type ("" means IPAddress) and value.
type gwAddress struct {
	index      int
	typ, value string
}

// gatewayAddresses checks the requested static addresses the API accepts
// against what this translator serves: IPAddress only, at most one per
// family allowed by the options. An IPAddress without a value asks for an
// address to be assigned, which the VIP's auto-allocation does.
func gatewayAddresses(as []gwAddress, o Options, p *field.Path) ([]netip.Addr, field.ErrorList) {
	var out []netip.Addr
	var errs field.ErrorList
	for _, ad := range as {
		vp := p.Index(ad.index)
		if ad.typ != "" && ad.typ != string(gatewayv1.IPAddressType) {
			errs = append(errs, field.NotSupported(vp.Child("type"), ad.typ, []string{string(gatewayv1.IPAddressType)}))
			continue
		}
		if ad.value == "" {
			continue
		}
		a, err := netip.ParseAddr(ad.value)
		if err != nil || a.Zone() != "" {
			errs = append(errs, field.Invalid(vp.Child("value"), ad.value, "must be a valid IP address"))
			continue
		}
		a = a.Unmap()
		if (a.Is4() && !o.v4()) || (a.Is6() && !o.v6()) {
			errs = append(errs, field.Invalid(vp.Child("value"), ad.value, fmt.Sprintf("is not of the VIP IP family %s", o.IPFamily)))
			continue
		}
		if slices.ContainsFunc(out, func(b netip.Addr) bool { return b.Is4() == a.Is4() }) {
			errs = append(errs, field.TooMany(p, len(as), 1))
			continue
		}
		out = append(out, a)
	}
	return out, errs
}

// sortedByAge orders routes oldest first (creation time, then namespace and
// name), the order that decides which route a listener serves.
func sortedByAge[T any](items []T, meta func(*T) *metav1.ObjectMeta) []*T {
	out := make([]*T, len(items))
	for i := range items {
		out[i] = &items[i]
	}
	slices.SortStableFunc(out, func(a, b *T) int {
		ma, mb := meta(a), meta(b)
		if c := ma.CreationTimestamp.Compare(mb.CreationTimestamp.Time); c != 0 {
			return c
		}
		return cmp.Or(strings.Compare(ma.Namespace, mb.Namespace), strings.Compare(ma.Name, mb.Name))
	})
	return out
}
