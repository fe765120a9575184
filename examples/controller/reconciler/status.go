package reconciler

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/l4/statusmerge"
)

// ConditionProgrammed is the Service condition this operator owns: True
// once the Avi objects match the spec, False with reason InvalidSpec or
// SyncFailed otherwise.
const ConditionProgrammed = "avil4.io/Programmed"

// The status merge is package statusmerge's (the library's, for every
// operator built on l4); these names keep the reconcilers' call sites short.

// mergeConditions is statusmerge.Conditions.
func mergeConditions(existing []metav1.Condition, conds ...metav1.Condition) ([]metav1.Condition, bool) {
	return statusmerge.Conditions(existing, conds...)
}

// removeConditions is statusmerge.RemoveConditions.
func removeConditions(existing []metav1.Condition, types ...string) ([]metav1.Condition, bool) {
	return statusmerge.RemoveConditions(existing, types...)
}

// serviceStatusChanged computes a Service's new status and reports whether
// it differs from the current one (so a resync writes nothing).
func serviceStatusChanged(svc *corev1.Service, lb corev1.LoadBalancerStatus, conds []metav1.Condition) (corev1.ServiceStatus, bool) {
	return statusmerge.Service(svc.Status, lb, conds)
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
