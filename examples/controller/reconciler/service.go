package reconciler

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/l4"
)

// ServiceReconciler programs dedicated LoadBalancer Services: one Avi
// VirtualService per Service. Shared-VIP members are left to
// SharedVIPReconciler, Services of other classes to their controllers.
type ServiceReconciler struct {
	*Config
}

// Reconcile makes the Avi controller and the Service's status match the
// Service: gather inputs from the cache, translate, apply, write status.
func (r *ServiceReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var svc corev1.Service
	if err := r.Client.Get(ctx, req.NamespacedName, &svc); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !svc.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.release(ctx, &svc, "Service deleted")
	}

	tr, err := r.translateService(ctx, &svc)
	if err != nil {
		return ctrl.Result{}, err
	}
	res := tr.res
	switch {
	case res.NotOurs != nil:
		// Not (or no longer) a dedicated Service of ours: remove what we
		// programmed for it, if anything, and never touch it otherwise.
		return ctrl.Result{}, r.release(ctx, &svc, res.NotOurs.Message)
	case res.Set == nil:
		// The spec cannot be served: report it, keep what is programmed,
		// and wait for the next change (no hot retry).
		_, conds := l4.ServiceStatus(&svc, res, nil)
		lb := svc.Status.LoadBalancer
		conds = append(conds, programmedCondition(svc.Generation, nil, res.Errors))
		if changed, err := r.writeStatus(ctx, &svc, lb, conds); err != nil || !changed {
			return ctrl.Result{RequeueAfter: r.RetryInvalid}, err
		}
		r.Recorder.Eventf(&svc, nil, corev1.EventTypeWarning, ReasonInvalidSpec, "Sync", "%s", errorsMessage(res.Errors))
		return ctrl.Result{RequeueAfter: r.RetryInvalid}, nil
	}

	key := apply.KeyOf(res.Set)
	old, hadOld := programmedKey(svc.Annotations)
	if err := r.claim(ctx, &svc, key); err != nil {
		return ctrl.Result{}, err
	}
	result, err := r.applyTimed(ctx, res.Set)
	if err != nil {
		if _, serr := r.writeStatus(ctx, &svc, svc.Status.LoadBalancer, []metav1.Condition{programmedCondition(svc.Generation, err, nil)}); serr != nil {
			logFor(ctx).Error(serr, "writing status")
		}
		r.Recorder.Eventf(&svc, nil, corev1.EventTypeWarning, ReasonSyncFailed, "Sync", "Applying %s: %v", key.Name, err)
		return ctrl.Result{}, err
	}
	if hadOld && !old.SameSet(key) {
		// Renamed or moved to another tenant: the old objects go.
		if err := r.deleteKey(ctx, old); err != nil {
			return ctrl.Result{}, err
		}
	}
	before := announced(svc.Status.Conditions)
	ns := notices(tr.ignored, res.Errors, res.Warnings)
	lb, conds := l4.ServiceStatus(&svc, res, result.VIPs)
	conds = append(conds, programmedCondition(svc.Generation, nil, nil), degradedCondition(svc.Generation, ns))
	changed, err := r.writeStatus(ctx, &svc, lb, conds)
	if err != nil {
		return ctrl.Result{}, err
	}
	if changed {
		announce(r.Recorder, &svc, before, ns)
	}
	if result.Writes() > 0 || changed {
		r.Recorder.Eventf(&svc, nil, corev1.EventTypeNormal, ReasonSynced, "Sync", "Synced VirtualService %s (%d write(s)), VIPs %v", key.Name, result.Writes(), result.VIPs)
	}
	return ctrl.Result{}, nil
}

// claim records the finalizer and the programmed key before anything is
// written to the controller, so a crash can never leave objects no one
// will delete.
func (r *ServiceReconciler) claim(ctx context.Context, svc *corev1.Service, key apply.Key) error {
	return claimObject(ctx, r.Client, svc, key)
}

func claimObject(ctx context.Context, c client.Client, obj client.Object, key apply.Key) error {
	want := programmedValue(key)
	ann := obj.GetAnnotations()
	if controllerutil.ContainsFinalizer(obj, Finalizer) && ann[AnnotationProgrammed] == want {
		return nil
	}
	controllerutil.AddFinalizer(obj, Finalizer)
	if ann == nil {
		ann = map[string]string{}
	}
	ann[AnnotationProgrammed] = want
	obj.SetAnnotations(ann)
	if err := c.Update(ctx, obj); err != nil {
		return fmt.Errorf("recording the finalizer: %w", err)
	}
	return nil
}

// release deletes the dedicated Avi objects programmed for the Service,
// clears the status this operator wrote, and removes the finalizer unless
// a shared-VIP group still holds the Service. A Service that was never ours
// is left untouched.
func (r *ServiceReconciler) release(ctx context.Context, svc *corev1.Service, why string) error {
	key, programmed := programmedKey(svc.Annotations)
	if !programmed {
		if _, grouped := svc.Annotations[AnnotationSharedVIPGroup]; !grouped && controllerutil.ContainsFinalizer(svc, Finalizer) {
			// A finalizer without anything programmed (e.g. a crash right
			// after claiming): just let go.
			return letGo(ctx, r.Config, svc, "", why)
		}
		return nil
	}
	if err := r.deleteKey(ctx, key); err != nil {
		r.Recorder.Eventf(svc, nil, corev1.EventTypeWarning, ReasonSyncFailed, "Delete", "Deleting %s: %v", key.Name, err)
		return err
	}
	_, grouped := svc.Annotations[AnnotationSharedVIPGroup]
	if svc.DeletionTimestamp.IsZero() && !grouped {
		conds, changed := removeConditions(svc.Status.Conditions, ConditionProgrammed, l4.ConditionLoadBalancerPortsError)
		if changed || len(svc.Status.LoadBalancer.Ingress) > 0 {
			svc.Status.Conditions = conds
			svc.Status.LoadBalancer = corev1.LoadBalancerStatus{}
			if err := r.Client.Status().Update(ctx, svc); err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("clearing status: %w", err)
			}
		}
	}
	return letGo(ctx, r.Config, svc, key.Name, why)
}

// letGo removes the programmed annotation and, when no shared-VIP group
// holds the object either, the finalizer.
func letGo(ctx context.Context, c *Config, obj client.Object, name, why string) error {
	ann := obj.GetAnnotations()
	delete(ann, AnnotationProgrammed)
	obj.SetAnnotations(ann)
	if _, grouped := ann[AnnotationSharedVIPGroup]; !grouped {
		controllerutil.RemoveFinalizer(obj, Finalizer)
	}
	if err := c.Client.Update(ctx, obj); err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("removing the finalizer: %w", err)
	}
	if name != "" {
		c.Recorder.Eventf(obj, nil, corev1.EventTypeNormal, ReasonRemoved, "Delete", "Removed VirtualService %s: %s", name, why)
	}
	return nil
}

// writeStatus writes the Service status when it changed; it reports
// whether it wrote.
func (r *ServiceReconciler) writeStatus(ctx context.Context, svc *corev1.Service, lb corev1.LoadBalancerStatus, conds []metav1.Condition) (bool, error) {
	return writeServiceStatus(ctx, r.Client, svc, lb, conds)
}

func writeServiceStatus(ctx context.Context, c client.Client, svc *corev1.Service, lb corev1.LoadBalancerStatus, conds []metav1.Condition) (bool, error) {
	st, changed := serviceStatusChanged(svc, lb, conds)
	if !changed {
		return false, nil
	}
	svc.Status = st
	if err := c.Status().Update(ctx, svc); err != nil {
		return false, fmt.Errorf("writing status: %w", err)
	}
	return true, nil
}
