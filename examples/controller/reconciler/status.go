package reconciler

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ConditionProgrammed is the Service condition this operator owns: True
// once the Avi objects match the spec, False with reason InvalidSpec or
// SyncFailed otherwise.
const ConditionProgrammed = "avil4.io/Programmed"

// mergeConditions sets each of conds on a copy of existing with
// meta.SetStatusCondition (which keeps the transition time of a condition
// whose status did not change) and reports whether anything changed.
func mergeConditions(existing []metav1.Condition, conds ...metav1.Condition) ([]metav1.Condition, bool) {
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

// removeConditions drops the conditions of the given types.
func removeConditions(existing []metav1.Condition, types ...string) ([]metav1.Condition, bool) {
	var out []metav1.Condition
	for _, c := range existing {
		drop := false
		for _, t := range types {
			drop = drop || c.Type == t
		}
		if !drop {
			out = append(out, c)
		}
	}
	return out, len(out) != len(existing)
}

// serviceStatusChanged computes a Service's new status and reports whether
// it differs from the current one (so a resync writes nothing).
func serviceStatusChanged(svc *corev1.Service, lb corev1.LoadBalancerStatus, conds []metav1.Condition) (corev1.ServiceStatus, bool) {
	st := *svc.Status.DeepCopy()
	merged, condChanged := mergeConditions(st.Conditions, conds...)
	st.Conditions = merged
	lb = normalizeLB(lb)
	lbChanged := !equality.Semantic.DeepEqual(normalizeLB(st.LoadBalancer), lb)
	if lbChanged {
		st.LoadBalancer = lb
	}
	return st, condChanged || lbChanged
}

// normalizeLB returns lb as the API server stores it: no empty ingress
// list, and the ipMode of an IP ingress defaulted to VIP (Kubernetes 1.30
// and later default it), so a converged status compares equal and is not
// written again.
func normalizeLB(lb corev1.LoadBalancerStatus) corev1.LoadBalancerStatus {
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

// programmedCondition reports the outcome of a sync.
func programmedCondition(gen int64, err error, errs field.ErrorList) metav1.Condition {
	c := metav1.Condition{Type: ConditionProgrammed, ObservedGeneration: gen}
	switch {
	case len(errs) > 0:
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, ReasonInvalidSpec, errorsMessage(errs)
	case err != nil:
		c.Status, c.Reason, c.Message = metav1.ConditionFalse, ReasonSyncFailed, "Avi controller: "+err.Error()
	default:
		c.Status, c.Reason, c.Message = metav1.ConditionTrue, ReasonSynced, "Avi objects are in sync."
	}
	if len(c.Message) > 1024 {
		c.Message = c.Message[:1021] + "..."
	}
	return c
}

func errorsMessage(errs field.ErrorList) string {
	parts := make([]string, 0, len(errs))
	for _, e := range errs {
		parts = append(parts, e.Error())
	}
	return fmt.Sprintf("Spec cannot be served: %s.", strings.Join(parts, "; "))
}
