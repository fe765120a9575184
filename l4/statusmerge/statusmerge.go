package statusmerge

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// Conditions sets each of conds on a copy of existing with
// meta.SetStatusCondition, matching by Type: a condition whose status did
// not change keeps its LastTransitionTime, a new or changed one gets
// conds' LastTransitionTime or, when that is zero, the current time.
// Conditions of other types are kept. It reports whether anything changed.
func Conditions(existing []metav1.Condition, conds ...metav1.Condition) ([]metav1.Condition, bool) {
	out := make([]metav1.Condition, len(existing))
	for i := range existing {
		existing[i].DeepCopyInto(&out[i])
	}
	changed := false
	for _, c := range conds {
		changed = meta.SetStatusCondition(&out, c) || changed
	}
	return out, changed
}

// RemoveConditions returns existing without the conditions of the given
// types, and whether any was removed.
func RemoveConditions(existing []metav1.Condition, types ...string) ([]metav1.Condition, bool) {
	var out []metav1.Condition
	for _, c := range existing {
		drop := false
		for _, t := range types {
			drop = drop || c.Type == t
		}
		if !drop {
			out = append(out, *c.DeepCopy())
		}
	}
	return out, len(out) != len(existing)
}

// Service returns current with the load-balancer status lb and the
// conditions conds merged in (Conditions), and whether it changed. lb
// replaces current.LoadBalancer unless the two are equal as the API server
// stores them (NormalizeLoadBalancer), so a converged Service compares
// equal.
func Service(current corev1.ServiceStatus, lb corev1.LoadBalancerStatus, conds []metav1.Condition) (corev1.ServiceStatus, bool) {
	st := *current.DeepCopy()
	merged, condChanged := Conditions(st.Conditions, conds...)
	st.Conditions = merged
	lb = NormalizeLoadBalancer(lb)
	lbChanged := !equality.Semantic.DeepEqual(NormalizeLoadBalancer(st.LoadBalancer), lb)
	if lbChanged {
		st.LoadBalancer = lb
	}
	return st, condChanged || lbChanged
}

// NormalizeLoadBalancer returns a copy of lb as the API server stores it:
// no empty ingress list, and the ipMode of an IP ingress defaulted to VIP
// (as Kubernetes 1.30 and later default it).
func NormalizeLoadBalancer(lb corev1.LoadBalancerStatus) corev1.LoadBalancerStatus {
	if len(lb.Ingress) == 0 {
		lb.Ingress = nil
		return lb
	}
	ing := make([]corev1.LoadBalancerIngress, len(lb.Ingress))
	for i := range lb.Ingress {
		lb.Ingress[i].DeepCopyInto(&ing[i])
		if ing[i].IP != "" && ing[i].IPMode == nil {
			vip := corev1.LoadBalancerIPModeVIP
			ing[i].IPMode = &vip
		}
	}
	lb.Ingress = ing
	return lb
}

// Gateway returns current with want merged in, and whether it changed:
// the Gateway conditions merged by type (Conditions); the addresses
// replaced by want's unless equal (nil and empty are equal); the listeners
// those of want, in want's order, each with its conditions merged into
// those of the listener of the same name in current (so transition times
// survive). Listeners current has and want has not are dropped.
func Gateway(current, want gatewayv1.GatewayStatus) (gatewayv1.GatewayStatus, bool) {
	st := current.DeepCopy()
	var changed bool
	st.Conditions, changed = Conditions(st.Conditions, want.Conditions...)
	if !equality.Semantic.DeepEqual(st.Addresses, want.Addresses) && (len(st.Addresses) > 0 || len(want.Addresses) > 0) {
		st.Addresses, changed = append([]gatewayv1.GatewayStatusAddress(nil), want.Addresses...), true
	}
	var listeners []gatewayv1.ListenerStatus
	for _, l := range want.Listeners {
		ls := *l.DeepCopy()
		prev := findListener(st.Listeners, l.Name)
		var oldConds []metav1.Condition
		if prev != nil {
			oldConds = prev.Conditions
		}
		ls.Conditions, _ = Conditions(oldConds, l.Conditions...)
		if prev == nil || !equality.Semantic.DeepEqual(*prev, ls) {
			changed = true
		}
		listeners = append(listeners, ls)
	}
	if len(listeners) != len(st.Listeners) {
		changed = true
	}
	st.Listeners = listeners
	return *st, changed
}

func findListener(ls []gatewayv1.ListenerStatus, name gatewayv1.SectionName) *gatewayv1.ListenerStatus {
	for i := range ls {
		if ls[i].Name == name {
			return &ls[i]
		}
	}
	return nil
}

// RouteParents merges ours, the parent statuses controller computed for a
// route (l4.RouteResult.Parents), into the route's existing ones: an entry
// of controller for the same parentRef is replaced, its conditions merged
// (Conditions); entries of other controllers and of other parents are
// kept, after ours. It reports whether anything changed.
func RouteParents(existing, ours []gatewayv1.RouteParentStatus, controller gatewayv1.GatewayController) ([]gatewayv1.RouteParentStatus, bool) {
	out := make([]gatewayv1.RouteParentStatus, 0, len(existing)+len(ours))
	changed := false
	for _, p := range ours {
		merged := *p.DeepCopy()
		found := false
		for _, e := range existing {
			if e.ControllerName == controller && equality.Semantic.DeepEqual(e.ParentRef, p.ParentRef) {
				found = true
				merged.Conditions, _ = Conditions(e.Conditions, p.Conditions...)
				if !equality.Semantic.DeepEqual(e, merged) {
					changed = true
				}
			}
		}
		if !found {
			merged.Conditions, _ = Conditions(nil, p.Conditions...)
			changed = true
		}
		out = append(out, merged)
	}
	for _, e := range existing {
		keep := true
		for _, p := range ours {
			if e.ControllerName == controller && equality.Semantic.DeepEqual(e.ParentRef, p.ParentRef) {
				keep = false
			}
		}
		if keep {
			out = append(out, *e.DeepCopy())
		}
	}
	return out, changed
}
