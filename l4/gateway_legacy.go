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
	Gateway        *svcapi.Gateway
	GatewayClass   *svcapi.GatewayClass
	InfraSetting   *AviInfraSetting
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
	cls := in.GatewayClass
	switch {
	case cls == nil || gw.Spec.GatewayClassName != cls.Name:
		res.NotOurs = &NotOurs{Reason: NoGatewayClass, Message: fmt.Sprintf("GatewayClass %q is not known", gw.Spec.GatewayClassName)}
		return res
	case cls.Spec.Controller != o.GatewayController:
		res.NotOurs = &NotOurs{Reason: OtherController, Message: fmt.Sprintf("GatewayClass %q is for controller %q, not %q", cls.Name, cls.Spec.Controller, o.GatewayController)}
		return res
	}
	refuse := func(reason, msg string, errs ...*field.Error) GatewayResult {
		res.refuse(gw.Generation, reason, msg, errs...)
		return res
	}
	if p := cls.Spec.ParametersRef; p != nil {
		var errs field.ErrorList
		if o, errs = classOptions(o, p.Group, p.Kind, p.Name, in.InfraSetting); len(errs) > 0 {
			return refuse(string(gatewayv1.GatewayReasonInvalidParameters), fmt.Sprintf("GatewayClass %s: %s.", cls.Name, errs[0].Error()), errs...)
		}
	}

	// AKO's rule: every listener selects the Gateway's labelled Services.
	var labelErrs field.ErrorList
	for i, l := range gw.Spec.Listeners {
		ml := l.Routes.Selector.MatchLabels
		p := field.NewPath("spec", "listeners").Index(i).Child("routes", "selector", "matchLabels")
		for _, kv := range [][2]string{{LabelGatewayName, gw.Name}, {LabelGatewayNamespace, gw.Namespace}} {
			if v, ok := ml[kv[0]]; !ok {
				labelErrs = append(labelErrs, field.Required(p.Key(kv[0]), fmt.Sprintf("must be %q", kv[1])))
			} else if v != kv[1] {
				labelErrs = append(labelErrs, field.Invalid(p.Key(kv[0]), v, fmt.Sprintf("must be %q", kv[1])))
			}
		}
	}
	if len(gw.Spec.Listeners) == 0 {
		labelErrs = append(labelErrs, field.Required(field.NewPath("spec", "listeners"), "a Gateway needs at least one listener"))
	}
	if len(labelErrs) > 0 {
		return refuse(ReasonInvalidMatchLabels, "Every listener's routes.selector.matchLabels must select "+
			LabelGatewayName+"="+gw.Name+" and "+LabelGatewayNamespace+"="+gw.Namespace+".", labelErrs...)
	}
	var values, types []string
	for _, a := range gw.Spec.Addresses {
		values = append(values, a.Value)
		t := ""
		if a.Type != nil {
			t = *a.Type
		}
		types = append(types, t)
	}
	if o.IPFamily == "" {
		o.IPFamily = IPFamilyV4 // AKO: a single IPv4 static address
	}
	vips, errs := gatewayAddresses(values, types, o, field.NewPath("spec", "addresses"))
	if len(errs) > 0 {
		return refuse(string(gatewayv1.GatewayReasonUnsupportedAddress), "Addresses cannot be used: "+errs[0].Error()+".", errs...)
	}

	e := &engine{o: o, gw: gatewayKey{gw.Namespace, gw.Name}, res: &res, in: backendInputs{
		services: in.Services, endpointSlices: in.EndpointSlices, nodes: in.Nodes, pods: in.Pods}}
	for i, l := range gw.Spec.Listeners {
		gl := &gwListener{
			ListenerResult: ListenerResult{Index: i, Port: Port{Protocol: corev1.Protocol(l.Protocol), Port: l.Port}},
			protocol:       l.Protocol,
			tls:            l.TLS != nil,
			path:           field.NewPath("spec", "listeners").Index(i),
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
		conds := legacyListenerConditions(l, ready, gen)
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
func legacyListenerConditions(l ListenerResult, ready bool, gen int64) []metav1.Condition {
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
