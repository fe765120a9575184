package l4

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/aviobj"
)

// routeKind returns the route kind that attaches to a listener protocol.
func routeKind(protocol string) gatewayv1.Kind {
	switch protocol {
	case string(corev1.ProtocolTCP):
		return "TCPRoute"
	case string(corev1.ProtocolUDP):
		return "UDPRoute"
	}
	return ""
}

// TranslateGateway turns a gateway.networking.k8s.io/v1 Gateway into one L4
// VirtualService whose listeners (TCP, UDP and SCTP) route to backend
// Services. Backends bind by the ako.vmware.com/gateway-name and
// gateway-namespace labels (any protocol) and, for TCP and UDP listeners,
// by TCPRoutes and UDPRoutes. It is a pure function: it returns the objects
// and status, it writes nothing.
//
// Input the API server would refuse is refused first, with every problem's
// exact path (see ValidateGateway, ValidateGatewayClass, ValidateTCPRoute,
// ValidateReferenceGrant, ValidateAviInfraSetting): a listener's own fields
// refuse that listener, a route's refuse that route; Gateway-wide fields,
// listener names and counts, addresses and parameters refuse the Gateway
// (Set nil, Accepted=False). A zero GatewayInput is an error, not a panic.
func TranslateGateway(in GatewayInput, opts Options) GatewayResult {
	var res GatewayResult
	if errs := opts.Validate(); len(errs) > 0 {
		res.Errors = errs
		return res
	}
	o := opts.withDefaults()
	gw := in.Gateway
	if gw == nil {
		res.Errors = field.ErrorList{field.Required(field.NewPath("gateway"), "no Gateway to translate")}
		return res
	}
	probs := validateGatewayV1(gw)
	listeners := v1Listeners(gw)
	if gw.Spec.GatewayClassName == "" {
		// No class can claim it, and the API server would not hold it.
		errs := probs.all(listeners)
		res.refuse(gw.Generation, string(gatewayv1.GatewayReasonInvalid), fmt.Sprintf("Gateway is invalid: %s.", errs[0].Error()), errs...)
		return res
	}
	cls := in.GatewayClass
	switch {
	case cls == nil || string(gw.Spec.GatewayClassName) != cls.Name:
		res.NotOurs = &NotOurs{Reason: NoGatewayClass, Message: fmt.Sprintf("GatewayClass %q is not known", gw.Spec.GatewayClassName)}
		return res
	case string(cls.Spec.ControllerName) != o.GatewayController:
		res.NotOurs = &NotOurs{Reason: OtherController, Message: fmt.Sprintf("GatewayClass %q is for controller %q, not %q", cls.Name, cls.Spec.ControllerName, o.GatewayController)}
		return res
	}
	classErrs := reroot("gatewayClass", ValidateGatewayClass(cls))

	// The class's parameters, or (without any) the Gateway Namespace's
	// tenant and AviInfraSetting (AKO's fallback).
	var paramErrs field.ErrorList
	paramMsg := ""
	switch p := cls.Spec.ParametersRef; {
	case len(classErrs) > 0:
	case p != nil:
		if o, paramErrs = classOptions(o, string(p.Group), string(p.Kind), p.Name, in.InfraSetting); len(paramErrs) > 0 {
			paramMsg = fmt.Sprintf("GatewayClass %s: %s.", cls.Name, paramErrs[0].Error())
		}
		if ns := findNamespace(in.Namespaces, gw.Namespace); ns != nil && ns.Annotations[AnnotationTenant] != "" {
			o.Tenant = ns.Annotations[AnnotationTenant]
		}
	default:
		if o, paramErrs = annotationOptions(o, nil, findNamespace(in.Namespaces, gw.Namespace), in.InfraSettings); len(paramErrs) > 0 {
			paramMsg = paramErrs[0].Error()
		}
	}
	if len(paramErrs) == 0 {
		if err := tenantError(opts, o); err != nil {
			paramErrs, paramMsg = field.ErrorList{err}, err.Error()
		}
	}
	specListeners := make([]specListener, len(gw.Spec.Listeners))
	for i, l := range gw.Spec.Listeners {
		specListeners[i] = specListener{name: string(l.Name), port: Port{Protocol: corev1.Protocol(l.Protocol), Port: int32(l.Port)}}
	}
	sctpTuned, lerrs, lwarns := listenerOverrides(gw.Annotations, specListeners)
	res.Warnings = append(res.Warnings, lwarns...)
	paramErrs, paramMsg = withListenerOverrideErrors(paramErrs, paramMsg, lerrs)
	o.IPFamily = gatewayFamily(o, gw)
	var addrs []gwAddress
	for i, a := range gw.Spec.Addresses {
		if i < len(probs.addressOK) && probs.addressOK[i] {
			ad := gwAddress{index: i, value: a.Value}
			if a.Type != nil {
				ad.typ = string(*a.Type)
			}
			addrs = append(addrs, ad)
		}
	}
	vips, addrErrs := gatewayAddresses(addrs, o, field.NewPath("spec", "addresses"))

	if probs.fatal() || len(classErrs)+len(paramErrs)+len(addrErrs) > 0 {
		errs := append(classErrs, probs.all(listeners)...)
		errs = append(append(errs, addrErrs...), paramErrs...)
		var reason gatewayv1.GatewayConditionReason
		var msg string
		switch {
		case len(classErrs) > 0:
			reason, msg = gatewayv1.GatewayReasonInvalid, fmt.Sprintf("GatewayClass %s is invalid: %s.", cls.Name, classErrs[0].Error())
		case len(probs.object) > 0:
			reason, msg = gatewayv1.GatewayReasonInvalid, fmt.Sprintf("Gateway is invalid: %s.", probs.object[0].Error())
		case len(probs.listenerSet) > 0:
			reason, msg = gatewayv1.GatewayReasonListenersNotValid, fmt.Sprintf("Listeners are invalid: %s.", probs.listenerSet[0].Error())
		case len(paramErrs) > 0:
			reason, msg = gatewayv1.GatewayReasonInvalidParameters, paramMsg
		case len(probs.infrastructure) > 0:
			reason, msg = gatewayv1.GatewayReasonInvalidParameters, fmt.Sprintf("Gateway parameters cannot be used: %s.", probs.infrastructure[0].Error())
		default:
			first := append(probs.addresses, addrErrs...)[0]
			reason, msg = gatewayv1.GatewayReasonUnsupportedAddress, fmt.Sprintf("Addresses cannot be used: %s.", first.Error())
		}
		res.refuse(gw.Generation, string(reason), msg, errs...)
		return res
	}

	e := &engine{o: o, gw: gatewayKey{gw.Namespace, gw.Name}, res: &res, listeners: listeners, sctpTuned: sctpTuned, in: backendInputs{
		services: in.Services, endpointSlices: in.EndpointSlices, nodes: in.Nodes, pods: in.Pods}}
	for i, l := range listeners {
		l.schema = probs.listeners[i]
		if j := probs.duplicates[i]; j >= 0 {
			l.dup = listeners[j]
		}
	}
	e.validateListeners()
	for _, l := range e.listeners {
		e.checkRouteKinds(l)
	}
	e.bindLabelled()
	e.bindRoutes(in)
	e.finish(gw.Generation, vips)
	return res
}

// tenantError returns why the tenant the objects would go to cannot be an
// Avi tenant (aviobj.TenantNameProblem), at the field it came from: the
// Namespace's ako.vmware.com/tenant-name annotation or options.tenant.
func tenantError(opts, o Options) *field.Error {
	msg := aviobj.TenantNameProblem(o.Tenant)
	switch {
	case msg == "":
		return nil
	case o.Tenant == opts.Tenant:
		return field.Invalid(field.NewPath("options", "tenant"), o.Tenant, msg)
	}
	return field.Invalid(field.NewPath("namespace", "metadata", "annotations").Key(AnnotationTenant), o.Tenant, "is not a valid Avi tenant name: "+msg)
}

func findNamespace(nss []corev1.Namespace, name string) *corev1.Namespace {
	for i := range nss {
		if nss[i].Name == name {
			return &nss[i]
		}
	}
	return nil
}

// classOptions applies a GatewayClass parametersRef: only an ako.vmware.com
// AviInfraSetting, which must be the one given; the resulting options are
// validated.
func classOptions(o Options, group, kind, name string, infra *AviInfraSetting) (Options, field.ErrorList) {
	path := field.NewPath("gatewayClass", "spec", "parametersRef")
	if group != AviInfraSettingGroup || kind != "AviInfraSetting" {
		return o, field.ErrorList{field.NotSupported(path.Child("kind"), group+"/"+kind, []string{AviInfraSettingGroup + "/AviInfraSetting"})}
	}
	if infra == nil || infra.Name != name {
		return o, field.ErrorList{field.NotFound(path.Child("name"), name)}
	}
	return o.withValidInfraSetting(infra, path)
}

// refuse records that the Gateway cannot be served: its Accepted condition
// is False with the reason, and the errors are kept.
func (r *GatewayResult) refuse(generation int64, reason, msg string, errs ...*field.Error) {
	r.Errors = append(r.Errors, errs...)
	r.Conditions = []metav1.Condition{{Type: string(gatewayv1.GatewayConditionAccepted), Status: metav1.ConditionFalse,
		ObservedGeneration: generation, Reason: reason, Message: msg}}
}

// gatewayFamily is the Gateway's VIP family: the option when set, else
// from the requested addresses (both families: dual-stack), else IPv4.
func gatewayFamily(o Options, gw *gatewayv1.Gateway) IPFamily {
	if o.IPFamily != "" {
		return o.IPFamily
	}
	var v4, v6 bool
	for _, a := range gw.Spec.Addresses {
		if ip, err := netip.ParseAddr(a.Value); err == nil {
			v4, v6 = v4 || ip.Unmap().Is4(), v6 || ip.Is6() && !ip.Is4In6()
		}
	}
	switch {
	case v4 && v6:
		return IPFamilyV4V6
	case v6:
		return IPFamilyV6
	}
	return IPFamilyV4
}

// checkRouteKinds sets the listener's supported kinds and refuses
// allowedRoutes.kinds it cannot serve.
func (e *engine) checkRouteKinds(l *gwListener) {
	kind := routeKind(l.protocol)
	if kind != "" {
		l.supported = []gatewayv1.RouteGroupKind{{Group: ptrTo(gatewayv1.Group(gatewayv1.GroupName)), Kind: kind}}
	}
	if l.allowed == nil || len(l.allowed.Kinds) == 0 {
		return
	}
	var bad []string
	var ok []gatewayv1.RouteGroupKind
	for _, k := range l.allowed.Kinds {
		g := gatewayv1.GroupName
		if k.Group != nil {
			g = string(*k.Group)
		}
		if g == gatewayv1.GroupName && k.Kind == kind && kind != "" {
			ok = append(ok, k)
			continue
		}
		bad = append(bad, g+"/"+string(k.Kind))
	}
	l.supported = ok
	if len(bad) > 0 {
		l.set(gatewayv1.ListenerConditionResolvedRefs, metav1.ConditionFalse, gatewayv1.ListenerReasonInvalidRouteKinds,
			fmt.Sprintf("Route kinds %v are not supported on %s listener.", bad, article(l.protocol)))
	}
}

func ptrTo[T any](v T) *T { return &v }

// bindRoutes attaches TCPRoutes and UDPRoutes to the listeners they name
// and binds their backends.
func (e *engine) bindRoutes(in GatewayInput) {
	var routes []routeView
	for _, r := range sortedByAge(in.TCPRoutes, func(r *gatewayv1.TCPRoute) *metav1.ObjectMeta { return &r.ObjectMeta }) {
		routes = append(routes, tcpRouteView(r))
	}
	for _, r := range sortedByAge(in.UDPRoutes, func(r *gatewayv1.UDPRoute) *metav1.ObjectMeta { return &r.ObjectMeta }) {
		routes = append(routes, udpRouteView(r))
	}
	slices.SortStableFunc(routes, func(a, b routeView) int {
		return a.meta.CreationTimestamp.Compare(b.meta.CreationTimestamp.Time)
	})
	grants := e.validGrants(in.ReferenceGrants)
	attached := map[*gwListener]bool{}
	for _, r := range routes {
		rr := RouteResult{Kind: string(r.kind), Namespace: r.meta.Namespace, Name: r.meta.Name}
		var parents []int
		for pi, pref := range r.spec.ParentRefs {
			if e.isThisGateway(pref, r.meta.Namespace) {
				parents = append(parents, pi)
			}
		}
		if len(parents) == 0 {
			continue
		}
		// A route the API server would refuse attaches nowhere.
		invalid := validateRoute(r)
		var backends []binding
		var rreason gatewayv1.RouteConditionReason
		var rmsg string
		if len(invalid) > 0 {
			rr.Errors = append(rr.Errors, invalid...)
		} else {
			var rerrs field.ErrorList
			backends, rreason, rmsg, rerrs = e.resolveBackendRefs(r, grants)
			rr.Errors = append(rr.Errors, rerrs...)
		}
		for _, pi := range parents {
			pref := r.spec.ParentRefs[pi]
			ps := gatewayv1.RouteParentStatus{ParentRef: pref, ControllerName: gatewayv1.GatewayController(e.o.GatewayController)}
			cond := func(t gatewayv1.RouteConditionType, s metav1.ConditionStatus, reason gatewayv1.RouteConditionReason, msg string) {
				ps.Conditions = append(ps.Conditions, metav1.Condition{Type: string(t), Status: s, ObservedGeneration: r.meta.Generation, Reason: string(reason), Message: msg})
			}
			if len(invalid) > 0 {
				cond(gatewayv1.RouteConditionAccepted, metav1.ConditionFalse, gatewayv1.RouteReasonUnsupportedValue,
					fmt.Sprintf("Route is invalid: %s.", invalid[0].Error()))
				rr.Parents = append(rr.Parents, ps)
				continue
			}
			targets, reason, msg, refusal := e.routeTargets(r.kind, pref, pi, r.meta.Namespace, in.Namespaces)
			if len(targets) == 0 {
				cond(gatewayv1.RouteConditionAccepted, metav1.ConditionFalse, reason, msg)
				rr.Errors = append(rr.Errors, refusal)
			} else {
				cond(gatewayv1.RouteConditionAccepted, metav1.ConditionTrue, gatewayv1.RouteReasonAccepted, "Route is accepted.")
			}
			if rreason == gatewayv1.RouteReasonResolvedRefs {
				cond(gatewayv1.RouteConditionResolvedRefs, metav1.ConditionTrue, rreason, rmsg)
			} else {
				cond(gatewayv1.RouteConditionResolvedRefs, metav1.ConditionFalse, rreason, rmsg)
			}
			for _, l := range targets {
				if attached[l] {
					continue // a listener serves (and counts) the oldest route it accepts
				}
				attached[l] = true
				l.AttachedRoutes++
				for _, b := range backends {
					b.claimant = fmt.Sprintf("%s %s/%s", r.kind, r.meta.Namespace, r.meta.Name)
					l.bindings = append(l.bindings, b)
				}
			}
			rr.Parents = append(rr.Parents, ps)
		}
		e.res.Routes = append(e.res.Routes, rr)
	}
}

// grantSet is the ReferenceGrants of the input: the valid ones, which allow
// references, and the ones the API server would refuse, with their errors.
type grantSet struct {
	valid   []*gatewayv1.ReferenceGrant
	invalid []*gatewayv1.ReferenceGrant
	errs    map[*gatewayv1.ReferenceGrant]field.ErrorList
	warned  map[*gatewayv1.ReferenceGrant]bool
}

func (e *engine) validGrants(grants []gatewayv1.ReferenceGrant) *grantSet {
	gs := &grantSet{errs: map[*gatewayv1.ReferenceGrant]field.ErrorList{}, warned: map[*gatewayv1.ReferenceGrant]bool{}}
	for i := range grants {
		g := &grants[i]
		if errs := ValidateReferenceGrant(g); len(errs) > 0 {
			gs.invalid = append(gs.invalid, g)
			gs.errs[g] = errs
			continue
		}
		gs.valid = append(gs.valid, g)
	}
	return gs
}

// isThisGateway reports whether a parentRef names the Gateway.
func (e *engine) isThisGateway(p gatewayv1.ParentReference, routeNS string) bool {
	group, kind, ns := gatewayv1.GroupName, gatewayv1.Kind("Gateway"), routeNS
	if p.Group != nil {
		group = string(*p.Group)
	}
	if p.Kind != nil {
		kind = *p.Kind
	}
	if p.Namespace != nil {
		ns = string(*p.Namespace)
	}
	return group == gatewayv1.GroupName && kind == "Gateway" && ns == e.gw.namespace && string(p.Name) == e.gw.name
}

// routeTargets returns the accepted listeners a route's parentRef (index pi)
// attaches to, or why none does: the condition reason and message and the
// error on the route.
func (e *engine) routeTargets(kind gatewayv1.Kind, p gatewayv1.ParentReference, pi int, routeNS string, nss []corev1.Namespace) ([]*gwListener, gatewayv1.RouteConditionReason, string, *field.Error) {
	var matched, allowed []*gwListener
	var noKind []string
	for _, l := range e.listeners {
		if p.SectionName != nil && string(*p.SectionName) != l.Name {
			continue
		}
		if p.Port != nil && int32(*p.Port) != l.Port.Port {
			continue
		}
		matched = append(matched, l)
		if !l.refused && routeKind(l.protocol) == "" && slices.Contains(l4Protocols(), l.protocol) {
			noKind = append(noKind, listenerName(l))
		}
		if l.refused || routeKind(l.protocol) != kind || !slices.ContainsFunc(l.supported, func(k gatewayv1.RouteGroupKind) bool { return k.Kind == kind }) {
			continue
		}
		if !namespaceAllowed(l.allowed, routeNS, e.gw.namespace, nss) {
			continue
		}
		allowed = append(allowed, l)
	}
	pp := field.NewPath("spec", "parentRefs").Index(pi)
	switch {
	case len(matched) == 0:
		return nil, gatewayv1.RouteReasonNoMatchingParent, "No listener matches the parentRef's sectionName and port.",
			field.Invalid(pp, string(p.Name), fmt.Sprintf("no listener of Gateway %s matches the sectionName and port", e.gw))
	case len(allowed) == 0 && len(noKind) == len(matched):
		// Only SCTP listeners match: SCTP has no route kind; its backends
		// are the Services labelled for the Gateway.
		return nil, gatewayv1.RouteReasonNotAllowedByListeners,
			fmt.Sprintf("Listener %s is SCTP, which takes no %s: label the backend Service with %s and %s instead.", strings.Join(noKind, ", "), kind, LabelGatewayName, LabelGatewayNamespace),
			field.Invalid(pp, string(p.Name), fmt.Sprintf("listener %s of Gateway %s is SCTP, which accepts no route kind", strings.Join(noKind, ", "), e.gw))
	case len(allowed) == 0:
		return nil, gatewayv1.RouteReasonNotAllowedByListeners, fmt.Sprintf("No matching listener accepts %s from namespace %s.", kind, routeNS),
			field.Invalid(pp, string(p.Name), fmt.Sprintf("no matching listener of Gateway %s accepts %s from namespace %s", e.gw, kind, routeNS))
	}
	return allowed, "", "", nil
}

// namespaceAllowed applies a listener's allowedRoutes.namespaces.
func namespaceAllowed(a *gatewayv1.AllowedRoutes, routeNS, gwNS string, nss []corev1.Namespace) bool {
	from := gatewayv1.NamespacesFromSame
	var sel *metav1.LabelSelector
	if a != nil && a.Namespaces != nil {
		if a.Namespaces.From != nil {
			from = *a.Namespaces.From
		}
		sel = a.Namespaces.Selector
	}
	switch from {
	case gatewayv1.NamespacesFromAll:
		return true
	case gatewayv1.NamespacesFromSelector:
		s, err := metav1.LabelSelectorAsSelector(sel)
		if err != nil || sel == nil {
			return false
		}
		for _, ns := range nss {
			if ns.Name == routeNS {
				return s.Matches(labels.Set(ns.Labels))
			}
		}
		return false
	default:
		return routeNS == gwNS
	}
}

// resolveBackendRefs finds the Service ports a (valid) route's backendRefs
// name, honouring ReferenceGrants for other namespaces, each with its weight
// (default 1; 0 is kept: a pool group member that takes no new
// connections). The backends of all the route's rules together serve the
// listener (TCPRoute and UDPRoute rules have no matches to tell them
// apart).
func (e *engine) resolveBackendRefs(r routeView, grants *grantSet) ([]binding, gatewayv1.RouteConditionReason, string, field.ErrorList) {
	kind, routeNS := r.kind, r.meta.Namespace
	var out []binding
	var errs field.ErrorList
	reason, msg := gatewayv1.RouteReasonResolvedRefs, "References are resolved."
	fail := func(r gatewayv1.RouteConditionReason, m string, err *field.Error) {
		if reason == gatewayv1.RouteReasonResolvedRefs {
			reason, msg = r, m
		}
		errs = append(errs, err)
	}
	for ri, rule := range r.rules {
		for bi, ref := range rule.refs {
			p := field.NewPath("spec", "rules").Index(ri).Child("backendRefs").Index(bi)
			group, rk, ns := "", gatewayv1.Kind("Service"), routeNS
			if ref.Group != nil {
				group = string(*ref.Group)
			}
			if ref.Kind != nil {
				rk = *ref.Kind
			}
			if ref.Namespace != nil {
				ns = string(*ref.Namespace)
			}
			if group != "" || rk != "Service" {
				fail(gatewayv1.RouteReasonInvalidKind, fmt.Sprintf("Backend kind %s/%s is not supported, must be Service.", group, rk),
					field.NotSupported(p.Child("kind"), string(rk), []string{"Service"}))
				continue
			}
			if ns != routeNS && !grants.allows(kind, routeNS, ns, string(ref.Name)) {
				detail := fmt.Sprintf("no ReferenceGrant in namespace %s allows %s from namespace %s", ns, kind, routeNS)
				for _, g := range grants.wouldAllow(kind, routeNS, ns, string(ref.Name)) {
					detail += fmt.Sprintf(" (ReferenceGrant %s/%s would, but the API server would refuse it: %s)", g.Namespace, g.Name, grants.errs[g][0].Error())
					if !grants.warned[g] {
						grants.warned[g] = true
						e.res.Warnings = append(e.res.Warnings, fmt.Sprintf("ReferenceGrant %s/%s is ignored because the API server would refuse it: %s",
							g.Namespace, g.Name, grants.errs[g].ToAggregate().Error()))
					}
				}
				fail(gatewayv1.RouteReasonRefNotPermitted, fmt.Sprintf("Backend Service %s/%s is in another namespace and no ReferenceGrant allows it.", ns, ref.Name),
					field.Forbidden(p.Child("namespace"), detail))
				continue
			}
			svc := findService(e.in.services, ns, string(ref.Name))
			if svc == nil {
				fail(gatewayv1.RouteReasonBackendNotFound, fmt.Sprintf("Service %s/%s not found.", ns, ref.Name),
					field.NotFound(p.Child("name"), string(ref.Name)))
				continue
			}
			if ref.Port == nil {
				fail(gatewayv1.RouteReasonBackendNotFound, fmt.Sprintf("Backend Service %s/%s needs a port.", ns, ref.Name),
					field.Required(p.Child("port"), "a Service backend needs a port"))
				continue
			}
			proto := corev1.ProtocolTCP
			if kind == "UDPRoute" {
				proto = corev1.ProtocolUDP
			}
			var sp *corev1.ServicePort
			for i := range svc.Spec.Ports {
				if svc.Spec.Ports[i].Port == int32(*ref.Port) && protocolOf(svc.Spec.Ports[i].Protocol) == proto {
					sp = &svc.Spec.Ports[i]
				}
			}
			if sp == nil {
				fail(gatewayv1.RouteReasonBackendNotFound, fmt.Sprintf("%s port %d not found on Service %s/%s.", proto, *ref.Port, ns, ref.Name),
					field.NotFound(p.Child("port"), int32(*ref.Port)))
				continue
			}
			w := int32(1)
			if ref.Weight != nil {
				w = *ref.Weight
			}
			out = append(out, binding{svc: svc, sp: sp, weight: w})
		}
	}
	return out, reason, msg, errs
}

func findService(svcs []corev1.Service, ns, name string) *corev1.Service {
	for i := range svcs {
		if svcs[i].Namespace == ns && svcs[i].Name == name {
			return &svcs[i]
		}
	}
	return nil
}

// allows reports whether a valid ReferenceGrant in the target namespace
// lets routes of kind from namespace fromNS refer to the Service name.
func (gs *grantSet) allows(kind gatewayv1.Kind, fromNS, toNS, name string) bool {
	return slices.ContainsFunc(gs.valid, func(g *gatewayv1.ReferenceGrant) bool { return grants(g, kind, fromNS, toNS, name) })
}

// wouldAllow returns the invalid grants that would allow the reference.
func (gs *grantSet) wouldAllow(kind gatewayv1.Kind, fromNS, toNS, name string) []*gatewayv1.ReferenceGrant {
	var out []*gatewayv1.ReferenceGrant
	for _, g := range gs.invalid {
		if grants(g, kind, fromNS, toNS, name) {
			out = append(out, g)
		}
	}
	return out
}

// grants reports whether g lets routes of kind from namespace fromNS refer
// to the Service toNS/name.
func grants(g *gatewayv1.ReferenceGrant, kind gatewayv1.Kind, fromNS, toNS, name string) bool {
	if g.Namespace != toNS {
		return false
	}
	from := slices.ContainsFunc(g.Spec.From, func(f gatewayv1.ReferenceGrantFrom) bool {
		return string(f.Group) == gatewayv1.GroupName && f.Kind == kind && string(f.Namespace) == fromNS
	})
	to := slices.ContainsFunc(g.Spec.To, func(t gatewayv1.ReferenceGrantTo) bool {
		return t.Group == "" && t.Kind == "Service" && (t.Name == nil || string(*t.Name) == name)
	})
	return from && to
}

// GatewayStatus computes a v1 Gateway's status from its translation and the
// VIPs the controller holds for it (empty before the first apply): the
// Accepted and Programmed conditions, one status per listener (Accepted,
// Conflicted, ResolvedRefs, Programmed, supported kinds, attached routes)
// and the addresses. It returns a zero status for a NotOurs result.
// Conditions carry no transition time: set them with
// meta.SetStatusCondition.
func GatewayStatus(gw *gatewayv1.Gateway, res GatewayResult, vips []string) gatewayv1.GatewayStatus {
	var st gatewayv1.GatewayStatus
	if gw == nil || res.NotOurs != nil {
		return st
	}
	programmed := res.Set != nil && len(vips) > 0
	st.Conditions = append(st.Conditions, res.Conditions...)
	pc := metav1.Condition{Type: string(gatewayv1.GatewayConditionProgrammed), ObservedGeneration: gw.Generation}
	switch {
	case programmed:
		pc.Status, pc.Reason, pc.Message = metav1.ConditionTrue, string(gatewayv1.GatewayReasonProgrammed), "Gateway is programmed."
	case res.Set != nil:
		pc.Status, pc.Reason, pc.Message = metav1.ConditionFalse, string(gatewayv1.GatewayReasonAddressNotAssigned), "Waiting for the controller to assign a VIP."
	default:
		pc.Status, pc.Reason, pc.Message = metav1.ConditionFalse, string(gatewayv1.GatewayReasonInvalid), "Gateway is not accepted."
	}
	st.Conditions = append(st.Conditions, pc)
	for i := range st.Conditions {
		st.Conditions[i].ObservedGeneration = gw.Generation
	}
	if programmed {
		for _, v := range vips {
			st.Addresses = append(st.Addresses, gatewayv1.GatewayStatusAddress{Type: ptrTo(gatewayv1.IPAddressType), Value: v})
		}
	}
	for _, l := range res.Listeners {
		ls := gatewayv1.ListenerStatus{
			Name:           gatewayv1.SectionName(l.Name),
			SupportedKinds: l.supported,
			AttachedRoutes: l.AttachedRoutes,
			Conditions:     append([]metav1.Condition(nil), l.Conditions...),
		}
		if ls.SupportedKinds == nil {
			ls.SupportedKinds = []gatewayv1.RouteGroupKind{}
		}
		c := metav1.Condition{Type: string(gatewayv1.ListenerConditionProgrammed)}
		switch {
		case !l.Served():
			c.Status, c.Reason, c.Message = metav1.ConditionFalse, string(gatewayv1.ListenerReasonInvalid), "Listener is not accepted."
		case res.Set == nil:
			c.Status, c.Reason, c.Message = metav1.ConditionFalse, string(gatewayv1.ListenerReasonInvalid), "Gateway is not accepted."
		case programmed:
			c.Status, c.Reason, c.Message = metav1.ConditionTrue, string(gatewayv1.ListenerReasonProgrammed), "Listener is programmed."
		default:
			c.Status, c.Reason, c.Message = metav1.ConditionFalse, string(gatewayv1.ListenerReasonPending), "Waiting for the controller to assign a VIP."
		}
		ls.Conditions = append(ls.Conditions, c)
		for i := range ls.Conditions {
			ls.Conditions[i].ObservedGeneration = gw.Generation
		}
		st.Listeners = append(st.Listeners, ls)
	}
	return st
}
