package l4

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/healthmon"
	"github.com/avil4/avil4/policyset"
	"github.com/avil4/avil4/profiles"
)

// Port is the (protocol, port) key of a VIP port; it prints as "SCTP/38412".
type Port = policyset.Port

// ServiceInput is everything the translation of one LoadBalancer Service
// reads. Slices, nodes and pods may hold objects of other Services: the
// translation picks what belongs to Service (EndpointSlices by the
// kubernetes.io/service-name label and namespace, Pods by the Service's
// selector and namespace). Nothing in the input is modified.
type ServiceInput struct {
	Service        *corev1.Service
	EndpointSlices []discoveryv1.EndpointSlice
	// Nodes are used in NodePort mode.
	Nodes []corev1.Node
	// Pods are used in NodePortLocal mode.
	Pods []corev1.Pod
	// Namespace is the Service's Namespace, whose annotations may name the
	// Avi tenant (ako.vmware.com/tenant-name) and an AviInfraSetting.
	Namespace *corev1.Namespace
	// InfraSettings are the AviInfraSettings annotations may name.
	InfraSettings []AviInfraSetting
	// Overrides change the defaults of single ports; the Service's
	// avil4.io/port-overrides annotation adds more.
	Overrides []PortOverride
}

// Result is the outcome of a translation.
//
// Exactly one of these holds:
//   - Set != nil: the objects the controller should hold. Errors may still
//     list ports that were left out (see Ports), and the Set serves the rest.
//   - NotOurs != nil: the Service is not for this controller; any objects a
//     previous translation created should be removed.
//   - otherwise Errors is non-empty: the Service cannot be served as written.
//     Leave what the controller holds alone and report the errors; nothing
//     is half-applied.
type Result struct {
	Set     *aviobj.Set `json:"set,omitempty"`
	NotOurs *NotOurs    `json:"notOurs,omitempty"`
	// Errors name the exact field and reason of every problem.
	Errors field.ErrorList `json:"-"`
	// Warnings are problems the controller may refuse or that change
	// behaviour (an SCTP port under a non-Enterprise licence, an ignored
	// annotation); the Set is still produced.
	Warnings []string `json:"warnings,omitempty"`
	// Ports has one entry per spec.ports entry, in order, saying which pool
	// serves it or why it cannot be served.
	Ports []PortResult `json:"ports,omitempty"`
}

// NotOurs says why a Service is left to someone else.
type NotOurs struct {
	Reason  NotOursReason `json:"reason"`
	Message string        `json:"message"`
}

// NotOursReason is a machine-readable NotOurs cause.
type NotOursReason string

// Reasons a Service is not translated.
const (
	// NotLoadBalancer: spec.type is not LoadBalancer.
	NotLoadBalancer NotOursReason = "NotLoadBalancer"
	// OtherClass: spec.loadBalancerClass names another implementation.
	OtherClass NotOursReason = "OtherClass"
	// NoClass: spec.loadBalancerClass is unset and this controller is not
	// the default load balancer controller.
	NoClass NotOursReason = "NoClass"
	// SharedVIP: the Service is a member of a shared-VIP group, translated
	// with its group, not alone.
	SharedVIP NotOursReason = "SharedVIP"
)

// PortResult is the fate of one Service port.
type PortResult struct {
	// Index is the position in spec.ports.
	Index int  `json:"index"`
	Port  Port `json:"port"`
	// Pool is the pool serving the port; "" when it cannot be served.
	Pool string `json:"pool,omitempty"`
	// Error is the status.loadBalancer.ingress[].ports[].error value when
	// the port cannot be served (a PortError* constant), else "".
	Error string `json:"error,omitempty"`
	// Message explains Error.
	Message string `json:"message,omitempty"`
}

// Values of PortResult.Error (and of the Service's
// status.loadBalancer.ingress[].ports[].error): CamelCase, qualified by the
// implementation's domain as the Service API requires.
const (
	PortErrorUnsupportedProtocol = "ako.vmware.com/UnsupportedProtocol"
	PortErrorInvalidPort         = "ako.vmware.com/InvalidPort"
	PortErrorDuplicatePort       = "ako.vmware.com/DuplicatePort"
	PortErrorNodePortMissing     = "ako.vmware.com/NodePortMissing"
)

// Served reports whether the port has a pool.
func (p PortResult) Served() bool { return p.Pool != "" }

// servicePort is a validated port being translated.
type servicePort struct {
	index int
	sp    *corev1.ServicePort
	key   Port
	pool  string
}

// TranslateService turns a LoadBalancer Service into the Avi objects AKO
// would create for it (one VirtualService, VsVip and L4PolicySet, one Pool
// per port), with SCTP, TCP and UDP ports side by side. It is a pure
// function of its arguments.
//
// Every input is validated first, and every problem is reported (doc.go
// lists the rules): the Options (a zero Options lacks a cluster name), the
// Service's identity and type (a nil Service is an error on "service"),
// then, for a Service of ours, its spec, annotations, Namespace and
// overrides. Problems of one port leave that port out; problems of the
// Service refuse it whole; unusable endpoints, nodes and pods are left out
// with a warning.
func TranslateService(in ServiceInput, opts Options) Result {
	var res Result
	if errs := opts.Validate(); len(errs) > 0 {
		res.Errors = errs
		return res
	}
	o := opts.withDefaults()
	svc := in.Service
	if svc == nil {
		res.Errors = field.ErrorList{field.Required(field.NewPath("service"), "no Service to translate")}
		return res
	}
	errs := validateServiceObject(svc)
	if no := notOurs(svc, o); no != nil {
		if len(errs) == 0 {
			res.NotOurs = no
		}
		res.Errors = errs
		return res
	}
	errs = append(errs, validateSharedVIPKey(svc)...)
	errs = append(errs, validateServiceSpec(svc, o.IPFamily)...)
	o, nerrs := namespaceOptions(o, svc, in.Namespace, in.InfraSettings)
	errs = append(errs, nerrs...)
	o.IPFamily = o.familyFor(svc)

	ports := validatePorts(svc, o, &res)
	vips, perrs := preferredIPs(svc, o, &res)
	errs = append(errs, perrs...)
	overrides, oerrs := serviceOverrides(svc, in.Overrides, &res)
	errs = append(errs, oerrs...)
	fqdns, ferrs := serviceFQDNs(svc, o.AutoFQDN, o.FQDNSubdomain)
	errs = append(errs, ferrs...)
	switch n := len(svc.Spec.Ports); {
	case n == 0:
		errs = append(errs, field.Required(field.NewPath("spec", "ports"), "a LoadBalancer Service needs at least one port"))
	case n > maxVirtualServicePorts:
		errs = append(errs, tooManyPorts(field.NewPath("spec", "ports"), n, ""))
	}
	res.Errors = append(res.Errors, errs...)
	if len(errs) > 0 {
		// The whole Service is refused: no port is served.
		res.Ports = nil
		return res
	}
	if len(ports) == 0 {
		return res
	}
	if o.License.Known() && !profiles.SCTPAllowed(o.License) {
		for _, p := range ports {
			if p.key.Protocol == corev1.ProtocolSCTP {
				res.Warnings = append(res.Warnings, fmt.Sprintf(
					"spec.ports[%d]: %s needs an Enterprise licence: the controller allows System-SCTP-Proxy and SCTP health monitors only in Enterprise editions (licence is %s)",
					p.index, p.key, o.License))
			}
		}
	}
	set := buildSet(in, o, ports, vips, overrides, fqdns, &res)
	if errs := preflight(set, servicePortLocator(ports)); len(errs) > 0 {
		res.Errors = append(res.Errors, errs...)
		res.Ports = nil
		return res
	}
	res.Set = set
	return res
}

// notOurs says why a Service is someone else's, or nil. Only the real
// types ClusterIP (or unset), NodePort and ExternalName are "not
// LoadBalancer"; any other type is an error of validateServiceObject. A
// shared-VIP member with an invalid key is not left to a group (no group
// takes it) but refused by validateSharedVIPKey.
func notOurs(svc *corev1.Service, o Options) *NotOurs {
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer {
		t := svc.Spec.Type
		if t == "" {
			t = corev1.ServiceTypeClusterIP // the API server's default
		}
		return &NotOurs{Reason: NotLoadBalancer, Message: fmt.Sprintf("type is %s, not LoadBalancer", t)}
	}
	switch c := svc.Spec.LoadBalancerClass; {
	case c == nil && !o.servesNoClass():
		return &NotOurs{Reason: NoClass, Message: "spec.loadBalancerClass is unset and this controller is not the default load balancer controller"}
	case c != nil && *c != o.LoadBalancerClass:
		return &NotOurs{Reason: OtherClass, Message: fmt.Sprintf("spec.loadBalancerClass is %q, not %q", *c, o.LoadBalancerClass)}
	}
	if key, ok := svc.Annotations[AnnotationSharedVIP]; ok && sharedVIPKeyProblems(key) == nil {
		return &NotOurs{Reason: SharedVIP, Message: fmt.Sprintf("member of the shared-VIP group %q; translate it with its group", key)}
	}
	return nil
}

// protocolOf returns the port's protocol, TCP when unset (the API server's
// default).
func protocolOf(p corev1.Protocol) corev1.Protocol {
	if p == "" {
		return corev1.ProtocolTCP
	}
	return p
}

// validatePorts checks every port, records a PortResult for each, and returns
// the ports that can be served, in spec order.
func validatePorts(svc *corev1.Service, o Options, res *Result) []servicePort {
	base := field.NewPath("spec", "ports")
	seen := make(map[Port]int, len(svc.Spec.Ports))
	out := make([]servicePort, 0, len(svc.Spec.Ports))
	// validateService and validateServicePort
	// (pkg/apis/core/validation/validation.go): with several ports every
	// port has a name (EndpointSlice ports are matched by it), names are
	// DNS-1123 labels and distinct, (protocol, nodePort) pairs too.
	multi := len(svc.Spec.Ports) > 1
	var names map[string]int
	if multi {
		names = make(map[string]int, len(svc.Spec.Ports))
	}
	var nodePorts map[Port]int
	noNodePortAllocation := svc.Spec.AllocateLoadBalancerNodePorts != nil && !*svc.Spec.AllocateLoadBalancerNodePorts
	reportedAllocation := false
	for i := range svc.Spec.Ports {
		sp := &svc.Spec.Ports[i]
		var pathCache *field.Path
		pp := func() *field.Path { // built only when the port has an error
			if pathCache == nil {
				pathCache = base.Index(i)
			}
			return pathCache
		}
		key := Port{Protocol: protocolOf(sp.Protocol), Port: sp.Port}
		pr := PortResult{Index: i, Port: key}
		var errs field.ErrorList
		fail := func(code, msg string, e *field.Error) {
			errs = append(errs, e)
			if pr.Error == "" {
				pr.Error, pr.Message = code, msg
			}
		}
		switch {
		case sp.Name == "" && multi:
			fail(PortErrorInvalidPort, "no name: every port of a Service with several ports needs one",
				field.Required(pp().Child("name"), "every port of a Service with several ports needs a name"))
		case sp.Name != "":
			for _, msg := range dns1123LabelProblems(sp.Name) {
				fail(PortErrorInvalidPort, fmt.Sprintf("name %q: %s", sp.Name, msg), field.Invalid(pp().Child("name"), sp.Name, msg))
			}
			if first, dup := names[sp.Name]; dup {
				e := field.Duplicate(pp().Child("name"), sp.Name)
				e.Detail = fmt.Sprintf("spec.ports[%d] has this name already", first)
				fail(PortErrorInvalidPort, fmt.Sprintf("name %q is used by spec.ports[%d] already", sp.Name, first), e)
			} else if multi {
				names[sp.Name] = i
			}
		}
		if _, ok := policyset.AviProtocol(key.Protocol); !ok {
			fail(PortErrorUnsupportedProtocol, fmt.Sprintf("protocol %s is unsupported, must be TCP, UDP or SCTP", key.Protocol),
				field.NotSupported(pp().Child("protocol"), key.Protocol, []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}))
		}
		for _, msg := range validation.IsValidPortNum(int(sp.Port)) {
			fail(PortErrorInvalidPort, "port "+msg, field.Invalid(pp().Child("port"), sp.Port, msg))
		}
		if sp.NodePort != 0 {
			for _, msg := range validation.IsValidPortNum(int(sp.NodePort)) {
				fail(PortErrorInvalidPort, "nodePort "+msg, field.Invalid(pp().Child("nodePort"), sp.NodePort, msg))
			}
		}
		if sp.NodePort != 0 {
			np := Port{Protocol: key.Protocol, Port: sp.NodePort}
			if first, dup := nodePorts[np]; dup {
				e := field.Duplicate(pp().Child("nodePort"), sp.NodePort)
				e.Detail = fmt.Sprintf("spec.ports[%d] uses node port %s already", first, np)
				fail(PortErrorInvalidPort, fmt.Sprintf("node port %s is used by spec.ports[%d] already", np, first), e)
			} else {
				if nodePorts == nil {
					nodePorts = map[Port]int{}
				}
				nodePorts[np] = i
			}
		}
		switch tp := sp.TargetPort; {
		case tp.Type == intstr.String && tp.StrVal == "":
			// Unset: the API server defaults it to the port.
		case tp.Type == intstr.String:
			for _, msg := range validation.IsValidPortName(tp.StrVal) {
				fail(PortErrorInvalidPort, "targetPort "+msg, field.Invalid(pp().Child("targetPort"), tp.StrVal, msg))
			}
		case tp.IntVal != 0:
			for _, msg := range validation.IsValidPortNum(int(tp.IntVal)) {
				fail(PortErrorInvalidPort, "targetPort "+msg, field.Invalid(pp().Child("targetPort"), tp.IntVal, msg))
			}
		}
		if ap := sp.AppProtocol; ap != nil {
			for _, msg := range validation.IsQualifiedName(*ap) {
				fail(PortErrorInvalidPort, fmt.Sprintf("appProtocol %q: %s", *ap, msg), field.Invalid(pp().Child("appProtocol"), *ap, msg))
			}
		}
		if first, dup := seen[key]; dup {
			fail(PortErrorDuplicatePort, fmt.Sprintf("%s is already used by spec.ports[%d]", key, first),
				field.Duplicate(pp(), key.String()))
		} else {
			seen[key] = i
		}
		if key.Protocol == corev1.ProtocolSCTP && o.BackendMode == BackendNodePortLocal {
			fail(PortErrorUnsupportedProtocol, "SCTP may not be used when the backend mode is NodePortLocal",
				field.Forbidden(pp().Child("protocol"), "SCTP may not be used when the backend mode is NodePortLocal: Antrea NodePortLocal does not map SCTP ports"))
		}
		if o.BackendMode == BackendNodePort && sp.NodePort == 0 && !skipNodePort(svc) {
			switch {
			case noNodePortAllocation && !reportedAllocation:
				reportedAllocation = true
				fail(PortErrorNodePortMissing, "no nodePort: spec.allocateLoadBalancerNodePorts is false",
					field.Forbidden(field.NewPath("spec", "allocateLoadBalancerNodePorts"),
						"may not be false when the backend mode is NodePort, unless every port sets a nodePort"))
			case noNodePortAllocation:
				pr.Error, pr.Message = PortErrorNodePortMissing, "no nodePort: spec.allocateLoadBalancerNodePorts is false"
			default:
				fail(PortErrorNodePortMissing, "no nodePort allocated yet",
					field.Required(pp().Child("nodePort"), "a node port is needed when the backend mode is NodePort"))
			}
		}
		res.Errors = append(res.Errors, errs...)
		if pr.Error == "" {
			pr.Pool = aviobj.PoolName(o.ClusterName, svc.Namespace, svc.Name, string(key.Protocol), key.Port)
			out = append(out, servicePort{index: i, sp: sp, key: key, pool: pr.Pool})
		}
		res.Ports = append(res.Ports, pr)
	}
	return out
}

// preferredIPs returns the requested VIPs, if any: spec.loadBalancerIP,
// then the load-balancer-ip annotation, which may list one address per
// family separated by commas (for dual-stack VIPs).
func preferredIPs(svc *corev1.Service, o Options, res *Result) ([]netip.Addr, field.ErrorList) {
	value, fromAnn := svc.Spec.LoadBalancerIP, false
	ann, hasAnn := svc.Annotations[AnnotationLoadBalancerIP]
	switch {
	case value == "" && hasAnn:
		value, fromAnn = ann, true
	case value != "" && hasAnn && ann != value:
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"metadata.annotations[%s]: %q is ignored: spec.loadBalancerIP %q takes precedence", AnnotationLoadBalancerIP, ann, value))
	}
	if value == "" {
		return nil, nil
	}
	path := field.NewPath("spec", "loadBalancerIP")
	if fromAnn {
		path = field.NewPath("metadata", "annotations").Key(AnnotationLoadBalancerIP)
	}
	var out []netip.Addr
	for _, v := range strings.Split(value, ",") {
		ip, err := parsePreferredIP(strings.TrimSpace(v), svc, o)
		if err != "" {
			return nil, field.ErrorList{field.Invalid(path, value, err)}
		}
		for _, prev := range out {
			if prev.Is4() == ip.Is4() {
				return nil, field.ErrorList{field.Invalid(path, value, "may hold at most one address per IP family")}
			}
		}
		out = append(out, ip)
	}
	return out, nil
}

// parsePreferredIP checks one preferred address against the VIP family and
// the Service's spec.ipFamilies.
func parsePreferredIP(value string, svc *corev1.Service, o Options) (netip.Addr, string) {
	ip, err := netip.ParseAddr(value)
	if err != nil || ip.Zone() != "" {
		return netip.Addr{}, "must be a valid IP address"
	}
	ip = ip.Unmap()
	if msg := addrUseProblem(ip); msg != "" {
		return netip.Addr{}, msg + ": a VIP must be a unicast address clients can reach"
	}
	if ip.Is4() && !o.v4() {
		return netip.Addr{}, fmt.Sprintf("must be an IPv6 address: the VIP IP family is %s", o.IPFamily)
	}
	if ip.Is6() && !o.v6() {
		return netip.Addr{}, fmt.Sprintf("must be an IPv4 address: the VIP IP family is %s", o.IPFamily)
	}
	if fams := svc.Spec.IPFamilies; len(fams) > 0 {
		v4, v6 := serviceFamilies(svc)
		if ip.Is4() && !v4 || ip.Is6() && !v6 {
			return netip.Addr{}, fmt.Sprintf("must be of one of the Service's spec.ipFamilies %v", fams)
		}
	}
	return ip, ""
}

// namespaceOptions applies the Namespace's tenant annotation and the
// AviInfraSetting the Service (or else its Namespace) names.
func namespaceOptions(o Options, svc *corev1.Service, ns *corev1.Namespace, infras []AviInfraSetting) (Options, field.ErrorList) {
	if ns != nil && ns.Name != svc.Namespace {
		ns = nil
	}
	return annotationOptions(o, svc.Annotations, ns, infras)
}

// annotationOptions applies the Namespace's ako.vmware.com/tenant-name and
// the AviInfraSetting named by an object's own annotations (own; nil for a
// Gateway) or else by its Namespace's (ns may be nil).
//
// A tenant annotation the controller cannot take as a tenant ("*", which
// means every tenant in X-Avi-Tenant, or a name aviobj.TenantNameProblem
// refuses) is an error on the Namespace's annotation, checked before the
// AviInfraSetting, whose errors are reported too.
func annotationOptions(o Options, own map[string]string, ns *corev1.Namespace, infras []AviInfraSetting) (Options, field.ErrorList) {
	var errs field.ErrorList
	if ns != nil {
		errs = validateTenantAnnotation(ns)
		if t := ns.Annotations[AnnotationTenant]; t != "" && len(errs) == 0 {
			o.Tenant = t
		}
	}
	name, fromNamespace := own[AnnotationInfraSetting], false
	if name == "" && ns != nil {
		name, fromNamespace = ns.Annotations[AnnotationInfraSetting], true
	}
	if name == "" {
		return o, errs
	}
	path := field.NewPath("metadata", "annotations").Key(AnnotationInfraSetting)
	if fromNamespace {
		path = field.NewPath("namespace", "metadata", "annotations").Key(AnnotationInfraSetting)
	}
	for i := range infras {
		if infras[i].Name == name {
			o, ierrs := o.withValidInfraSetting(&infras[i], path)
			return o, append(errs, ierrs...)
		}
	}
	return o, append(errs, field.NotFound(path, name))
}

// buildSet assembles the objects of a dedicated Service from its servable
// ports.
func buildSet(in ServiceInput, o Options, ports []servicePort, vips []netip.Addr, overrides map[Port]*PortOverride, fqdns []string, res *Result) *aviobj.Set {
	svc := in.Service
	owner := aviobj.Markers{ClusterName: o.ClusterName, Namespace: svc.Namespace, ServiceName: svc.Name}
	vsName := aviobj.VirtualServiceName(o.ClusterName, svc.Namespace, svc.Name)
	hz := healthzMonitor(svc, o, vsName, owner, res)
	bk := newBackends(in, o)
	specs := make([]portSpec, len(ports))
	for i, p := range ports {
		m := owner
		m.Port = strconv.Itoa(int(p.key.Port))
		specs[i] = portSpec{key: p.key, pool: p.pool, markers: m, servers: bk.rawServers(p), override: overrides[p.key], healthz: hz}
	}
	res.Warnings = append(res.Warnings, bk.warnings...)
	vs := vsSpec{
		name:           vsName,
		markers:        owner,
		protocolMarker: true,
		appProfile:     svc.Annotations[AnnotationApplicationProfile],
		trafficEnabled: aviobj.Bool(!strings.EqualFold(svc.Annotations[AnnotationDisableTraffic], "true")),
		metadata:       serviceMetadata(svc, fqdns),
		vips:           vips,
		fqdns:          fqdns,
	}
	return buildL4Set(o, vs, specs)
}

// serviceMetadata is a service_metadata: the JSON object AKO writes, naming
// the Service served and its FQDNs.
func serviceMetadata(svc *corev1.Service, fqdns []string) string {
	b, _ := json.Marshal(struct {
		NamespaceServiceName []string `json:"namespace_svc_name"`
		Hostnames            []string `json:"hostnames,omitempty"`
	}{[]string{svc.Namespace + "/" + svc.Name}, fqdns})
	return string(b)
}

// healthzMonitor returns the HTTP /healthz monitor of a Service with
// externalTrafficPolicy Local in NodePort mode when Options.HealthzMonitor
// asks for it, or nil. Without a healthCheckNodePort (not allocated yet)
// the pools keep their System monitor and a warning says why.
func healthzMonitor(svc *corev1.Service, o Options, vsName string, owner aviobj.Markers, res *Result) *aviobj.HealthMonitor {
	if !o.HealthzMonitor || o.BackendMode != BackendNodePort || skipNodePort(svc) ||
		svc.Spec.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyLocal {
		return nil
	}
	if errs := healthmon.ValidateHealthz(svc.Spec.HealthCheckNodePort, field.NewPath("spec", "healthCheckNodePort")); len(errs) > 0 {
		res.Warnings = append(res.Warnings, errs[0].Error()+"; the pools keep their System monitors")
		return nil
	}
	hm := healthmon.Healthz(healthmon.HealthzName(vsName), aviobj.RefByName(aviobj.KindTenant, o.Tenant), owner.List(), svc.Spec.HealthCheckNodePort)
	return &hm
}
