package l4

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
)

// NoMembers: a shared-VIP group has no LoadBalancer Service of ours left;
// whatever was created for it should be removed.
const NoMembers NotOursReason = "NoMembers"

// SharedVIPGroup identifies a shared-VIP group: the LoadBalancer Services
// of one namespace whose ako.vmware.com/enable-shared-vip annotation holds
// the same key.
type SharedVIPGroup struct {
	Namespace string `json:"namespace"`
	Key       string `json:"key"`
}

// String returns "<namespace>/<key>".
func (g SharedVIPGroup) String() string { return g.Namespace + "/" + g.Key }

// SharedVIPGroupOf returns the group a Service belongs to, if it is a
// LoadBalancer Service whose shared-VIP annotation holds a valid key (a
// DNS-1123 label). A nil Service, another type, and an empty or invalid key
// give false; TranslateService reports an invalid key as an error on the
// annotation.
func SharedVIPGroupOf(svc *corev1.Service) (SharedVIPGroup, bool) {
	if svc == nil {
		return SharedVIPGroup{}, false
	}
	key, ok := svc.Annotations[AnnotationSharedVIP]
	if !ok || svc.Spec.Type != corev1.ServiceTypeLoadBalancer || sharedVIPKeyProblems(key) != nil {
		return SharedVIPGroup{}, false
	}
	return SharedVIPGroup{Namespace: svc.Namespace, Key: key}, true
}

// validateSharedVIPGroup checks a group's namespace and key (paths under
// sharedVIPGroup).
func validateSharedVIPGroup(g SharedVIPGroup) field.ErrorList {
	p := field.NewPath("sharedVIPGroup")
	var errs field.ErrorList
	if g.Namespace == "" {
		errs = append(errs, field.Required(p.Child("namespace"), "a shared-VIP group lives in one namespace"))
	} else {
		for _, msg := range apivalidation.ValidateNamespaceName(g.Namespace, false) {
			errs = append(errs, field.Invalid(p.Child("namespace"), g.Namespace, msg))
		}
	}
	if g.Key == "" {
		errs = append(errs, field.Required(p.Child("key"), "the shared-VIP key names the group's VirtualService"))
	} else if msgs := sharedVIPKeyProblems(g.Key); len(msgs) > 0 {
		errs = append(errs, field.Invalid(p.Child("key"), g.Key, strings.Join(msgs, "; ")))
	}
	return errs
}

// policyString renders an ipFamilyPolicy, "unset" for nil.
func policyString(p *corev1.IPFamilyPolicy) string {
	if p == nil {
		return "unset"
	}
	return string(*p)
}

// SharedVIPGroups lists the distinct groups of the Services, sorted.
func SharedVIPGroups(svcs []corev1.Service) []SharedVIPGroup {
	var out []SharedVIPGroup
	for i := range svcs {
		if g, ok := SharedVIPGroupOf(&svcs[i]); ok && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	slices.SortFunc(out, func(a, b SharedVIPGroup) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// SharedVIPInput is everything the translation of one shared-VIP group
// reads. Services may hold any Services: the group's members are picked
// from them.
type SharedVIPInput struct {
	Group          SharedVIPGroup
	Services       []corev1.Service
	EndpointSlices []discoveryv1.EndpointSlice
	Nodes          []corev1.Node
	Pods           []corev1.Pod
	// Namespace is the group's Namespace (tenant and AviInfraSetting
	// annotations).
	Namespace     *corev1.Namespace
	InfraSettings []AviInfraSetting
}

// SharedVIPResult is the outcome of a group translation. Set, NotOurs and
// Errors read as in Result. Every member has its own Result (errors on its
// own fields, per-port results, warnings) whose Set is the group's, so
// ServiceStatus gives each member its status.
type SharedVIPResult struct {
	Set      *aviobj.Set       `json:"set,omitempty"`
	NotOurs  *NotOurs          `json:"notOurs,omitempty"`
	Errors   field.ErrorList   `json:"-"`
	Warnings []string          `json:"warnings,omitempty"`
	Members  []SharedVIPMember `json:"members,omitempty"`
}

// SharedVIPMember is the translation of one member.
type SharedVIPMember struct {
	Service *corev1.Service `json:"-"`
	Result  Result          `json:"result"`
}

// member is a member being translated.
type member struct {
	svc       *corev1.Service
	res       *Result
	ports     []servicePort
	vips      []netip.Addr
	vipValue  string
	overrides map[Port]*PortOverride
	fqdns     []string
	refused   bool
}

// TranslateSharedVIP turns a shared-VIP group into one VirtualService
// (<cluster>--<ns>-<key>) serving every member's ports, each with its own
// pool (<cluster>--<ns>-<svc>-<key>-<PROTOCOL>-<port>). Members must agree
// on the preferred IP and the AviInfraSetting, and no (protocol, port) may
// appear twice across members: each conflict is an error on the later
// member's field, naming the earlier Service. Members are taken in name
// order.
func TranslateSharedVIP(in SharedVIPInput, opts Options) (res SharedVIPResult) {
	if errs := opts.Validate(); len(errs) > 0 {
		res.Errors = errs
		return res
	}
	o := opts.withDefaults()
	var members []*member
	for i := range in.Services {
		svc := &in.Services[i]
		if g, ok := SharedVIPGroupOf(svc); !ok || g != in.Group {
			continue
		}
		m := &member{svc: svc, res: &Result{}}
		objErrs := validateServiceObject(svc)
		if no := notOurs(svc, o); no != nil && no.Reason != SharedVIP && len(objErrs) == 0 {
			m.res.NotOurs = no
		}
		if len(objErrs) > 0 {
			m.fail(objErrs...)
		}
		members = append(members, m)
	}
	slices.SortFunc(members, func(a, b *member) int { return strings.Compare(a.svc.Name, b.svc.Name) })
	var active []*member
	for _, m := range members {
		if m.res.NotOurs == nil {
			active = append(active, m)
		}
	}
	defer func() { // every return reports every member (res is the named result)
		for _, m := range members {
			m.res.Set = res.Set
			res.Members = append(res.Members, SharedVIPMember{Service: m.svc, Result: *m.res})
		}
	}()
	if errs := validateSharedVIPGroup(in.Group); len(errs) > 0 {
		res.Errors = errs
		for _, m := range members {
			m.res.Errors = append(m.res.Errors, field.Forbidden(field.NewPath("metadata", "annotations").Key(AnnotationSharedVIP),
				fmt.Sprintf("shared-VIP group %s cannot be served: %s", in.Group, errs.ToAggregate())))
		}
		return res
	}
	if len(active) == 0 {
		res.NotOurs = &NotOurs{Reason: NoMembers, Message: fmt.Sprintf("shared-VIP group %s has no LoadBalancer Service of this controller", in.Group)}
		return res
	}

	first := active[0]
	// Members must agree on the AviInfraSetting they name.
	infraPath := field.NewPath("metadata", "annotations").Key(AnnotationInfraSetting)
	for _, m := range active[1:] {
		if a, b := first.svc.Annotations[AnnotationInfraSetting], m.svc.Annotations[AnnotationInfraSetting]; a != b {
			m.fail(field.Invalid(infraPath, b, fmt.Sprintf("must equal %q, the value of Service %s/%s in shared-VIP group %q", a, first.svc.Namespace, first.svc.Name, in.Group.Key)))
		}
	}
	// Members must agree on their IP families: the VIP has those of the
	// first member.
	for _, m := range active {
		if errs := validateServiceSpec(m.svc, o.IPFamily); len(errs) > 0 {
			m.fail(errs...)
		}
		if len(m.svc.Spec.Ports) == 0 {
			m.fail(field.Required(field.NewPath("spec", "ports"), "a LoadBalancer Service needs at least one port"))
		}
		if m == first || m.refused || first.refused {
			continue
		}
		if a, b := o.familyFor(first.svc), o.familyFor(m.svc); a != b {
			p, v, fv := field.NewPath("spec", "ipFamilies"), any(m.svc.Spec.IPFamilies), any(first.svc.Spec.IPFamilies)
			if slices.Equal(first.svc.Spec.IPFamilies, m.svc.Spec.IPFamilies) {
				p, v, fv = field.NewPath("spec", "ipFamilyPolicy"), policyString(m.svc.Spec.IPFamilyPolicy), policyString(first.svc.Spec.IPFamilyPolicy)
			}
			m.fail(field.Invalid(p, v, fmt.Sprintf("gives a %s VIP, but Service %s/%s (%s %v) gives a %s VIP, and shared-VIP group %q has one VIP",
				b, first.svc.Namespace, first.svc.Name, p.String(), fv, a, in.Group.Key)))
		}
	}
	o, errs := namespaceOptions(o, first.svc, in.Namespace, in.InfraSettings)
	res.Errors = append(res.Errors, errs...)
	o.IPFamily = o.familyFor(first.svc)

	seen := map[Port]string{}
	var vipOwner *member
	for _, m := range active {
		m.ports = validatePorts(m.svc, o, m.res)
		vips, errs := preferredIPs(m.svc, o, m.res)
		if len(errs) > 0 {
			m.fail(errs...)
		}
		m.vips, m.vipValue = vips, preferredIPValue(m.svc)
		if len(vips) > 0 {
			if vipOwner == nil {
				vipOwner = m
			} else if m.vipValue != vipOwner.vipValue {
				p := field.NewPath("spec", "loadBalancerIP")
				if m.svc.Spec.LoadBalancerIP == "" {
					p = field.NewPath("metadata", "annotations").Key(AnnotationLoadBalancerIP)
				}
				m.fail(field.Invalid(p, m.vipValue, fmt.Sprintf("must equal %q, the preferred IP of Service %s/%s in shared-VIP group %q",
					vipOwner.vipValue, vipOwner.svc.Namespace, vipOwner.svc.Name, in.Group.Key)))
			}
		}
		overrides, oerrs := serviceOverrides(m.svc, nil, m.res)
		if len(oerrs) > 0 {
			m.fail(oerrs...)
		}
		fqdns, ferrs := serviceFQDNs(m.svc, o.AutoFQDN, o.FQDNSubdomain)
		if len(ferrs) > 0 {
			m.fail(ferrs...)
		}
		m.fqdns = fqdns
		m.overrides = overrides
		// No (protocol, port) twice across the group.
		kept := m.ports[:0]
		for _, p := range m.ports {
			if other, dup := seen[p.key]; dup {
				e := field.Duplicate(field.NewPath("spec", "ports").Index(p.index), p.key.String())
				e.Detail = fmt.Sprintf("%s is already served by Service %s in shared-VIP group %q", p.key, other, in.Group.Key)
				m.res.Errors = append(m.res.Errors, e)
				pr := &m.res.Ports[p.index]
				pr.Pool, pr.Error, pr.Message = "", PortErrorDuplicatePort, e.Detail
				continue
			}
			seen[p.key] = fmt.Sprintf("%s/%s (spec.ports[%d])", m.svc.Namespace, m.svc.Name, p.index)
			kept = append(kept, p)
		}
		m.ports = kept
	}
	refused := len(res.Errors) > 0
	for _, m := range active {
		refused = refused || m.refused
	}
	if refused {
		var culprits []string
		for _, m := range active {
			if m.refused {
				culprits = append(culprits, m.svc.Namespace+"/"+m.svc.Name)
			}
		}
		var why string
		if len(culprits) == 0 { // the group's own errors (its Namespace, ...)
			why = fmt.Sprintf("shared-VIP group %q cannot be served as written: %s", in.Group.Key, res.Errors.ToAggregate())
		} else {
			why = fmt.Sprintf("shared-VIP group %q cannot be served as written: see the errors of Service %s", in.Group.Key, strings.Join(culprits, ", "))
			res.Errors = append(res.Errors, field.Invalid(field.NewPath("sharedVIPGroup"), in.Group.String(), why))
		}
		for _, m := range active {
			m.res.Ports = nil
			if !m.refused {
				m.res.Errors = append(m.res.Errors, field.Forbidden(field.NewPath("metadata", "annotations").Key(AnnotationSharedVIP), why))
			}
		}
		return res
	}

	owner := aviobj.Markers{ClusterName: o.ClusterName, Namespace: in.Group.Namespace, GatewayName: in.Group.Key}
	var specs []portSpec
	var fqdns []string
	for _, m := range active {
		fqdns = append(fqdns, m.fqdns...)
		bk := newBackends(ServiceInput{Service: m.svc, EndpointSlices: in.EndpointSlices, Nodes: in.Nodes, Pods: in.Pods}, o)
		for _, p := range m.ports {
			pool := aviobj.GroupPoolName(o.ClusterName, in.Group.Namespace, m.svc.Name, in.Group.Key, string(p.key.Protocol), p.key.Port)
			m.res.Ports[p.index].Pool = pool
			mk := owner
			mk.ServiceName, mk.Port, mk.Protocol = m.svc.Name, strconv.Itoa(int(p.key.Port)), string(p.key.Protocol)
			specs = append(specs, portSpec{key: p.key, pool: pool, markers: mk, servers: bk.rawServers(p), override: m.overrides[p.key],
				metadata: serviceMetadata(m.svc, m.fqdns)})
		}
		m.res.Warnings = append(m.res.Warnings, bk.warnings...)
	}
	if len(specs) == 0 {
		res.Errors = append(res.Errors, field.Required(field.NewPath("sharedVIPGroup"), fmt.Sprintf("no port of shared-VIP group %s can be served", in.Group)))
		return res
	}
	var vips []netip.Addr
	if vipOwner != nil {
		vips = vipOwner.vips
	}
	if len(specs) > maxVirtualServicePorts {
		res.Errors = append(res.Errors, tooManyPorts(field.NewPath("sharedVIPGroup"), len(specs), "the ports of all members together"))
		for _, m := range active {
			m.res.Ports = nil
		}
		return res
	}
	set := buildL4Set(o, vsSpec{
		name:    aviobj.VirtualServiceName(o.ClusterName, in.Group.Namespace, in.Group.Key),
		markers: owner,
		vips:    vips,
		fqdns:   fqdns,
	}, specs)
	// Pre-flight: a problem of a member's pool is that member's (on its
	// port); the rest is the group's.
	type portOf struct {
		m    *member
		path *field.Path
	}
	pools := map[string]portOf{}
	for _, m := range active {
		for _, p := range m.ports {
			pools[m.res.Ports[p.index].Pool] = portOf{m, field.NewPath("spec", "ports").Index(p.index)}
		}
	}
	var refusedSet bool
	for _, e := range preflight(set, func(p aviobj.Problem) *field.Path {
		if po, ok := pools[p.Name]; ok && p.Kind == aviobj.KindPool {
			return po.path
		}
		return field.NewPath("sharedVIPGroup")
	}) {
		refusedSet = true
		if po, ok := pools[fmt.Sprint(e.BadValue)]; ok && e.Field != "sharedVIPGroup" {
			po.m.res.Errors = append(po.m.res.Errors, e)
		} else {
			res.Errors = append(res.Errors, e)
		}
	}
	if refusedSet {
		for _, m := range active {
			m.res.Ports = nil
		}
		return res
	}
	res.Set = set
	return res
}

// fail records whole-Service errors: the member (and so the group) cannot
// be served as written.
func (m *member) fail(errs ...*field.Error) {
	m.res.Errors = append(m.res.Errors, errs...)
	m.refused = true
}

// preferredIPValue is the preferred-IP text a Service asks for.
func preferredIPValue(svc *corev1.Service) string {
	if svc.Spec.LoadBalancerIP != "" {
		return svc.Spec.LoadBalancerIP
	}
	return svc.Annotations[AnnotationLoadBalancerIP]
}
