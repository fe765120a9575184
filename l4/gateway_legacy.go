package l4

import (
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4/svcapi"
)

// ReasonInvalidMatchLabels is the legacy Gateway condition reason AKO uses
// when a listener's routes.selector lacks the gateway labels.
const ReasonInvalidMatchLabels = "InvalidMatchLabels"

// LegacyGatewayInput is everything the translation of one
// networking.x-k8s.io/v1alpha1 Gateway reads (AKO's services-API mode):
// backends are the Services labelled for the Gateway.
type LegacyGatewayInput struct {
	Gateway      *svcapi.Gateway
	GatewayClass *svcapi.GatewayClass
	// InfraSetting is the AviInfraSetting the class's parametersRef names,
	// if found.
	InfraSetting *AviInfraSetting
	// Namespace is the Gateway's Namespace, if known: its
	// ako.vmware.com/tenant-name annotation sets the tenant, and (when the
	// class has no parametersRef) its aviinfrasetting.ako.vmware.com/name
	// annotation the AviInfraSetting, as for v1 Gateways. A Namespace of
	// another name is ignored.
	Namespace *corev1.Namespace
	// InfraSettings are the AviInfraSettings the Namespace annotation may
	// name (used when the class has no parametersRef).
	InfraSettings  []AviInfraSetting
	Services       []corev1.Service
	EndpointSlices []discoveryv1.EndpointSlice
	Nodes          []corev1.Node
	Pods           []corev1.Pod
}

// TranslateLegacyGateway translates a networking.x-k8s.io/v1alpha1 Gateway
// with AKO's rules: the class's controller must be ako.vmware.com/avi-lb
// (Options.GatewayController), every listener's routes.selector.matchLabels
// must carry ako.vmware.com/gateway-name and gateway-namespace equal to the
// Gateway's name and namespace, and each listener is served by the one
// labelled Service whose (protocol, port) equals the listener's. Listener
// results use the v1 condition vocabulary; LegacyGatewayStatus renders them
// in this API version's.
//
// As in TranslateGateway, what the API server would refuse
// (ValidateLegacyGateway, ValidateLegacyGatewayClass) is refused first: a
// listener's own fields refuse that listener, the rest refuse the Gateway.
// A zero LegacyGatewayInput is an error, not a panic.
func TranslateLegacyGateway(in LegacyGatewayInput, opts Options) GatewayResult {
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
	probs := validateLegacyGateway(gw)
	if gw.Spec.GatewayClassName == "" {
		errs := probs.all(nil)
		res.refuse(gw.Generation, string(gatewayv1.GatewayReasonInvalid), fmt.Sprintf("Gateway is invalid: %s.", errs[0].Error()), errs...)
		return res
	}
	cls := in.GatewayClass
	switch {
	case cls == nil || gw.Spec.GatewayClassName != cls.Name:
		res.NotOurs = &NotOurs{Reason: NoGatewayClass, Message: fmt.Sprintf("GatewayClass %q is not known", gw.Spec.GatewayClassName)}
		return res
	case cls.Spec.Controller != o.GatewayController:
		res.NotOurs = &NotOurs{Reason: OtherController, Message: fmt.Sprintf("GatewayClass %q is for controller %q, not %q", cls.Name, cls.Spec.Controller, o.GatewayController)}
		return res
	}
	classErrs := reroot("gatewayClass", ValidateLegacyGatewayClass(cls))
	// The class's parameters, or (without any) the Gateway Namespace's
	// tenant and AviInfraSetting, exactly as for v1 Gateways.
	var ns *corev1.Namespace
	if in.Namespace != nil && in.Namespace.Name == gw.Namespace {
		ns = in.Namespace
	}
	var paramErrs field.ErrorList
	paramMsg := ""
	switch p := cls.Spec.ParametersRef; {
	case len(classErrs) > 0:
	case p != nil:
		if o, paramErrs = classOptions(o, p.Group, p.Kind, p.Name, in.InfraSetting); len(paramErrs) > 0 {
			paramMsg = fmt.Sprintf("GatewayClass %s: %s.", cls.Name, paramErrs[0].Error())
		}
		if ns != nil && ns.Annotations[AnnotationTenant] != "" {
			o.Tenant = ns.Annotations[AnnotationTenant]
		}
	default:
		if o, paramErrs = annotationOptions(o, nil, ns, in.InfraSettings); len(paramErrs) > 0 {
			paramMsg = paramErrs[0].Error()
		}
	}
	if len(paramErrs) == 0 {
		if err := tenantError(opts, o); err != nil {
			paramErrs, paramMsg = field.ErrorList{err}, err.Error()
		}
	}

	// AKO's rule: every listener selects the Gateway's labelled Services.
	var labelErrs field.ErrorList
	for i, l := range gw.Spec.Listeners {
		ml := l.Routes.Selector.MatchLabels
		p := field.NewPath("spec", "listeners").Index(i).Child("routes", "selector", "matchLabels")
		for _, kv := range [][2]string{{LabelGatewayName, gw.Name}, {LabelGatewayNamespace, gw.Namespace}} {
			switch v, ok := ml[kv[0]]; {
			case !ok:
				labelErrs = append(labelErrs, field.Required(p.Key(kv[0]), fmt.Sprintf("must be %q", kv[1])))
			case v != kv[1]:
				labelErrs = append(labelErrs, field.Invalid(p.Key(kv[0]), v, fmt.Sprintf("must be %q", kv[1])))
			case len(gwLabelValue.check(p.Key(kv[0]), v)) > 0:
				// A label value has at most 63 characters: no Service can
				// carry this one, so nothing could ever be selected.
				labelErrs = append(labelErrs, field.Invalid(p.Key(kv[0]), v, "is not a valid label value (at most 63 letters, digits, '-', '_' and '.'), so no Service can carry it"))
			}
		}
	}
	if o.IPFamily == "" {
		o.IPFamily = IPFamilyV4 // AKO: a single IPv4 static address
	}
	var addrs []gwAddress
	for i, a := range gw.Spec.Addresses {
		if probs.addressOK[i] {
			ad := gwAddress{index: i, value: a.Value}
			if a.Type != nil {
				ad.typ = *a.Type
			}
			addrs = append(addrs, ad)
		}
	}
	vips, addrErrs := gatewayAddresses(addrs, o, field.NewPath("spec", "addresses"))
	specListeners := make([]specListener, len(gw.Spec.Listeners))
	for i, l := range gw.Spec.Listeners {
		specListeners[i] = specListener{port: Port{Protocol: corev1.Protocol(l.Protocol), Port: l.Port}}
	}
	sctpTuned, lerrs, lwarns := listenerOverrides(gw.Annotations, specListeners)
	res.Warnings = append(res.Warnings, lwarns...)
	paramErrs, paramMsg = withListenerOverrideErrors(paramErrs, paramMsg, lerrs)

	if probs.fatal() || len(classErrs)+len(paramErrs)+len(labelErrs)+len(addrErrs) > 0 {
		errs := append(classErrs, probs.all(nil)...)
		errs = append(append(append(errs, labelErrs...), addrErrs...), paramErrs...)
		var reason, msg string
		switch {
		case len(classErrs) > 0:
			reason, msg = string(gatewayv1.GatewayReasonInvalid), fmt.Sprintf("GatewayClass %s is invalid: %s.", cls.Name, classErrs[0].Error())
		case len(probs.object) > 0:
			reason, msg = string(gatewayv1.GatewayReasonInvalid), fmt.Sprintf("Gateway is invalid: %s.", probs.object[0].Error())
		case len(probs.listenerSet) > 0:
			reason, msg = string(gatewayv1.GatewayReasonListenersNotValid), fmt.Sprintf("Listeners are invalid: %s.", probs.listenerSet[0].Error())
		case len(paramErrs) > 0:
			reason, msg = string(gatewayv1.GatewayReasonInvalidParameters), paramMsg
		case len(labelErrs) > 0:
			reason, msg = ReasonInvalidMatchLabels, "Every listener's routes.selector.matchLabels must select "+
				LabelGatewayName+"="+gw.Name+" and "+LabelGatewayNamespace+"="+gw.Namespace+"."
		default:
			first := append(probs.addresses, addrErrs...)[0]
			reason, msg = string(gatewayv1.GatewayReasonUnsupportedAddress), fmt.Sprintf("Addresses cannot be used: %s.", first.Error())
		}
		res.refuse(gw.Generation, reason, msg, errs...)
		return res
	}

	e := &engine{o: o, gw: gatewayKey{gw.Namespace, gw.Name}, res: &res, sctpTuned: sctpTuned, in: backendInputs{
		services: in.Services, endpointSlices: in.EndpointSlices, nodes: in.Nodes, pods: in.Pods}}
	for i, l := range gw.Spec.Listeners {
		gl := &gwListener{
			ListenerResult: ListenerResult{Index: i, Port: Port{Protocol: corev1.Protocol(l.Protocol), Port: l.Port}},
			protocol:       l.Protocol,
			tls:            l.TLS != nil,
			path:           field.NewPath("spec", "listeners").Index(i),
			schema:         probs.listeners[i],
		}
		if l.Hostname != nil {
			gl.hostname = *l.Hostname
		}
		e.listeners = append(e.listeners, gl)
	}
	e.validateListeners()
	e.bindLabelled()
	e.finish(gw.Generation, vips)
	return res
}

// LegacyGatewayStatus renders a legacy Gateway's status in the v1alpha1
// vocabulary: Scheduled and Ready conditions, addresses, and listeners
// keyed by port (listeners sharing a port share an entry, whose protocol
// lists theirs, comma-separated) with Detached, Conflicted, ResolvedRefs
// and Ready conditions.
func LegacyGatewayStatus(gw *svcapi.Gateway, res GatewayResult, vips []string) svcapi.GatewayStatus {
	st := svcapi.GatewayStatus{Addresses: []svcapi.GatewayAddress{}}
	if gw == nil || res.NotOurs != nil {
		return st
	}
	gen := gw.Generation
	ready := res.Set != nil && len(vips) > 0
	accepted := metav1.Condition{Status: metav1.ConditionFalse, Reason: svcapi.GatewayReasonNotReconciled}
	for _, c := range res.Conditions {
		if c.Type == string(gatewayv1.GatewayConditionAccepted) {
			accepted = c
		}
	}
	sched := metav1.Condition{Type: svcapi.GatewayConditionScheduled, ObservedGeneration: gen, Status: metav1.ConditionTrue,
		Reason: svcapi.GatewayReasonScheduled, Message: "Gateway is scheduled."}
	if res.Set == nil {
		sched.Status, sched.Reason, sched.Message = metav1.ConditionFalse, accepted.Reason, accepted.Message
	}
	rc := metav1.Condition{Type: svcapi.GatewayConditionReady, ObservedGeneration: gen}
	switch {
	case ready && accepted.Reason == string(gatewayv1.GatewayReasonListenersNotValid):
		rc.Status, rc.Reason, rc.Message = metav1.ConditionFalse, svcapi.GatewayReasonListenersNotValid, accepted.Message
	case ready:
		rc.Status, rc.Reason, rc.Message = metav1.ConditionTrue, svcapi.GatewayReasonReady, "Gateway is ready."
	case res.Set != nil:
		rc.Status, rc.Reason, rc.Message = metav1.ConditionFalse, svcapi.GatewayReasonAddressNotAssigned, "Waiting for the controller to assign a VIP."
	case accepted.Reason == string(gatewayv1.GatewayReasonUnsupportedAddress):
		rc.Status, rc.Reason, rc.Message = metav1.ConditionFalse, svcapi.GatewayReasonAddressNotAssigned, accepted.Message
	default:
		rc.Status, rc.Reason, rc.Message = metav1.ConditionFalse, svcapi.GatewayReasonListenersNotValid, accepted.Message
	}
	st.Conditions = []metav1.Condition{sched, rc}
	if ready {
		for _, v := range vips {
			st.Addresses = append(st.Addresses, svcapi.GatewayAddress{Type: ptrTo(svcapi.IPAddressType), Value: v})
		}
	}
	byPort := map[int32]int{}
	for _, l := range res.Listeners {
		conds := legacyListenerConditions(l, res.Set != nil, ready, gen)
		if i, ok := byPort[l.Port.Port]; ok {
			ls := &st.Listeners[i]
			ls.Protocol += "," + string(l.Port.Protocol)
			ls.Conditions = worse(ls.Conditions, conds)
			continue
		}
		byPort[l.Port.Port] = len(st.Listeners)
		st.Listeners = append(st.Listeners, svcapi.ListenerStatus{Port: l.Port.Port, Protocol: string(l.Port.Protocol), Conditions: conds})
	}
	return st
}

// legacyListenerConditions maps a listener's v1 conditions to v1alpha1's.
func legacyListenerConditions(l ListenerResult, accepted, ready bool, gen int64) []metav1.Condition {
	get := func(t gatewayv1.ListenerConditionType) metav1.Condition {
		for _, c := range l.Conditions {
			if c.Type == string(t) {
				return c
			}
		}
		return metav1.Condition{}
	}
	acc, conf, refs := get(gatewayv1.ListenerConditionAccepted), get(gatewayv1.ListenerConditionConflicted), get(gatewayv1.ListenerConditionResolvedRefs)
	detached := metav1.Condition{Type: svcapi.ListenerConditionDetached, Status: metav1.ConditionFalse, Reason: svcapi.ListenerReasonAttached, Message: "Listener is attached."}
	if acc.Status == metav1.ConditionFalse {
		detached.Status, detached.Reason, detached.Message = metav1.ConditionTrue, acc.Reason, acc.Message
	}
	conflicted := metav1.Condition{Type: svcapi.ListenerConditionConflicted, Status: conf.Status, Reason: conf.Reason, Message: conf.Message}
	resolved := metav1.Condition{Type: svcapi.ListenerConditionResolvedRefs, Status: refs.Status, Reason: refs.Reason, Message: refs.Message}
	rdy := metav1.Condition{Type: svcapi.ListenerConditionReady, Status: metav1.ConditionTrue, Reason: svcapi.ListenerReasonReady, Message: "Listener is ready."}
	switch {
	case !l.Served():
		rdy.Status, rdy.Reason, rdy.Message = metav1.ConditionFalse, svcapi.ListenerReasonInvalid, "Listener is not accepted."
	case !accepted:
		rdy.Status, rdy.Reason, rdy.Message = metav1.ConditionFalse, svcapi.ListenerReasonInvalid, "Gateway is not accepted."
	case !ready:
		rdy.Status, rdy.Reason, rdy.Message = metav1.ConditionFalse, svcapi.ListenerReasonPending, "Waiting for the controller to assign a VIP."
	}
	out := []metav1.Condition{detached, conflicted, resolved, rdy}
	for i := range out {
		out[i].ObservedGeneration = gen
	}
	return out
}

// worse merges the conditions of listeners sharing a port: per type, the
// one that reports a problem wins.
func worse(a, b []metav1.Condition) []metav1.Condition {
	bad := func(c metav1.Condition) bool {
		if c.Type == svcapi.ListenerConditionReady || c.Type == svcapi.ListenerConditionResolvedRefs {
			return c.Status != metav1.ConditionTrue
		}
		return c.Status == metav1.ConditionTrue
	}
	out := slices.Clone(a)
	for i := range out {
		for _, c := range b {
			if c.Type == out[i].Type && bad(c) && !bad(out[i]) {
				out[i] = c
			}
		}
	}
	return out
}
