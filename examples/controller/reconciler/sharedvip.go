package reconciler

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/l4"
)

// AnnotationSharedVIPGroup records, on a member Service, the shared-VIP key
// whose VirtualService serves it, so the group is reconciled again when the
// Service leaves it.
const AnnotationSharedVIPGroup = "avil4.io/shared-vip-group"

// SharedVIPReconciler programs shared-VIP groups: the LoadBalancer Services
// of one namespace with the same ako.vmware.com/enable-shared-vip key share
// one VirtualService. Requests are {Namespace: ns, Name: key}.
type SharedVIPReconciler struct {
	*Config
}

// Reconcile translates the group from its current members, applies it,
// writes every member's status, and lets go of members that left.
func (r *SharedVIPReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	group := l4.SharedVIPGroup{Namespace: req.Namespace, Key: req.Name}
	tr, err := r.translateGroup(ctx, group)
	if err != nil {
		return ctrl.Result{}, err
	}
	res, leaving := tr.res, tr.leaving

	switch {
	case res.NotOurs != nil:
		// No member left: remove the group's objects.
		if len(leaving) > 0 {
			key := r.groupKey(ctx, group)
			if err := r.deleteKey(ctx, key); err != nil {
				return ctrl.Result{}, err
			}
		}
	case res.Set == nil:
		for _, m := range res.Members {
			if m.Result.NotOurs != nil {
				continue
			}
			svc := m.Service
			conds := []metav1.Condition{programmedCondition(svc.Generation, nil, m.Result.Errors)}
			changed, err := writeServiceStatus(ctx, r.Client, svc, svc.Status.LoadBalancer, conds)
			if err != nil {
				return ctrl.Result{}, err
			}
			if changed {
				r.Recorder.Eventf(svc, nil, corev1.EventTypeWarning, ReasonInvalidSpec, "Sync", "%s", errorsMessage(m.Result.Errors))
			}
		}
		return ctrl.Result{RequeueAfter: r.RetryInvalid}, nil
	default:
		key := apply.KeyOf(res.Set)
		for _, m := range res.Members {
			if m.Result.NotOurs == nil {
				if err := r.claimMember(ctx, m.Service); err != nil {
					return ctrl.Result{}, err
				}
			}
		}
		result, err := r.applyTimed(ctx, res.Set)
		if err != nil {
			// Every member says so, as a dedicated Service does.
			for _, m := range res.Members {
				if m.Result.NotOurs != nil {
					continue
				}
				svc := m.Service
				if _, serr := writeServiceStatus(ctx, r.Client, svc, svc.Status.LoadBalancer, []metav1.Condition{programmedCondition(svc.Generation, err, nil)}); serr != nil {
					logFor(ctx).Error(serr, "writing status", "service", svc.Name)
				}
				r.Recorder.Eventf(svc, nil, corev1.EventTypeWarning, ReasonSyncFailed, "Sync", "Applying %s: %v", key.Name, err)
			}
			return ctrl.Result{}, err
		}
		for _, m := range res.Members {
			if m.Result.NotOurs != nil {
				continue
			}
			svc := m.Service
			before := announced(svc.Status.Conditions)
			ns := notices(tr.ignored[client.ObjectKeyFromObject(svc)], m.Result.Errors, tr.memberWarnings(m), res.Warnings)
			lb, conds := l4.ServiceStatus(svc, m.Result, result.VIPs)
			// Programmed: the group's objects are in sync and serve at least
			// one port of the member; what of it is not served is in
			// LoadBalancerPortsError and Degraded.
			var unserved field.ErrorList
			if !anyServed(m.Result.Ports) {
				unserved = m.Result.Errors
			}
			conds = append(conds, programmedCondition(svc.Generation, nil, unserved), degradedCondition(svc.Generation, ns))
			changed, err := writeServiceStatus(ctx, r.Client, svc, lb, conds)
			if err != nil {
				return ctrl.Result{}, err
			}
			if changed {
				announce(r.Recorder, svc, before, ns)
			}
			if result.Writes() > 0 || changed {
				r.Recorder.Eventf(svc, nil, corev1.EventTypeNormal, ReasonSynced, "Sync", "Synced shared VirtualService %s (%d write(s)), VIPs %v", key.Name, result.Writes(), result.VIPs)
			}
		}
	}
	// The group no longer serves the leaving members: let them go (a
	// deleted member disappears; one that became a dedicated LoadBalancer
	// keeps the finalizer its own reconciler put).
	for _, s := range leaving {
		if _, stillLB := l4.SharedVIPGroupOf(s); s.DeletionTimestamp.IsZero() && !stillLB && s.Spec.Type != corev1.ServiceTypeLoadBalancer {
			s.Status.Conditions, _ = removeConditions(s.Status.Conditions, ConditionProgrammed, l4.ConditionLoadBalancerPortsError)
			s.Status.LoadBalancer = corev1.LoadBalancerStatus{}
			if err := r.Client.Status().Update(ctx, s); err != nil {
				return ctrl.Result{}, fmt.Errorf("clearing status: %w", err)
			}
		}
		ann := s.Annotations
		delete(ann, AnnotationSharedVIPGroup)
		s.SetAnnotations(ann)
		if _, dedicated := ann[AnnotationProgrammed]; !dedicated {
			controllerutil.RemoveFinalizer(s, Finalizer)
		}
		if err := r.Client.Update(ctx, s); err != nil && !apierrors.IsNotFound(err) {
			return ctrl.Result{}, fmt.Errorf("releasing %s: %w", s.Name, err)
		}
		r.Recorder.Eventf(s, nil, corev1.EventTypeNormal, ReasonRemoved, "Delete", "Left shared-VIP group %q", group.Key)
	}
	return ctrl.Result{}, nil
}

// groupKey is the key of a group's objects when no Set is left to name
// them: the tenant the group's Namespace (or the options) gives.
func (r *SharedVIPReconciler) groupKey(ctx context.Context, g l4.SharedVIPGroup) apply.Key {
	tenant := r.Options.Tenant
	if ns := r.namespace(ctx, g.Namespace); ns != nil && ns.Annotations[l4.AnnotationTenant] != "" {
		tenant = ns.Annotations[l4.AnnotationTenant]
	}
	if tenant == "" {
		tenant = l4.DefaultTenant
	}
	return apply.Key{Tenant: tenant, Name: aviobj.VirtualServiceName(r.Options.ClusterName, g.Namespace, g.Key),
		ClusterName: r.Options.ClusterName, CreatedBy: r.Options.CreatedBy,
		Identity: aviobj.Identity{Origin: aviobj.OriginSharedVIP, Namespace: g.Namespace, Name: g.Key}}
}

// claimMember records the finalizer and the group on a member.
func (r *SharedVIPReconciler) claimMember(ctx context.Context, svc *corev1.Service) error {
	g, _ := l4.SharedVIPGroupOf(svc)
	if controllerutil.ContainsFinalizer(svc, Finalizer) && svc.Annotations[AnnotationSharedVIPGroup] == g.Key {
		return nil
	}
	controllerutil.AddFinalizer(svc, Finalizer)
	ann := svc.Annotations
	if ann == nil {
		ann = map[string]string{}
	}
	ann[AnnotationSharedVIPGroup] = g.Key
	svc.SetAnnotations(ann)
	if err := r.Client.Update(ctx, svc); err != nil {
		return fmt.Errorf("recording the finalizer: %w", err)
	}
	return nil
}

// anyServed reports whether one of the ports has a pool.
func anyServed(ports []l4.PortResult) bool {
	for _, p := range ports {
		if p.Served() {
			return true
		}
	}
	return false
}
