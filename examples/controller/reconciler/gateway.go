package reconciler

import (
	"context"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/l4"
)

// GatewayClassReconciler accepts the GatewayClasses of this controller.
type GatewayClassReconciler struct {
	*Config
}

// Reconcile sets the class's Accepted condition: a parametersRef must name
// an existing AviInfraSetting (read only when Config.InfraSettings is on).
func (r *GatewayClassReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var cls gatewayv1.GatewayClass
	if err := r.Client.Get(ctx, req.NamespacedName, &cls); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if string(cls.Spec.ControllerName) != r.controllerName() {
		return ctrl.Result{}, nil
	}
	c := metav1.Condition{Type: string(gatewayv1.GatewayClassConditionStatusAccepted), Status: metav1.ConditionTrue,
		Reason: string(gatewayv1.GatewayClassReasonAccepted), Message: "GatewayClass is accepted.", ObservedGeneration: cls.Generation}
	if p := cls.Spec.ParametersRef; p != nil {
		infras, err := r.infraSettings(ctx)
		if err != nil {
			return ctrl.Result{}, err
		}
		switch {
		case string(p.Group) != l4.AviInfraSettingGroup || p.Kind != "AviInfraSetting":
			c.Message = fmt.Sprintf("parametersRef must name an %s AviInfraSetting, not %s/%s.", l4.AviInfraSettingGroup, p.Group, p.Kind)
		case !r.InfraSettings:
			c.Message = "This operator does not read AviInfraSettings (their CRD is not installed)."
		case findInfraSetting(infras, p.Name) == nil:
			c.Message = fmt.Sprintf("AviInfraSetting %q not found.", p.Name)
		default:
			c.Message = fmt.Sprintf("GatewayClass is accepted with AviInfraSetting %q.", p.Name)
		}
		if !strings.HasPrefix(c.Message, "GatewayClass is accepted") {
			c.Status, c.Reason = metav1.ConditionFalse, string(gatewayv1.GatewayClassReasonInvalidParameters)
		}
	}
	conds, changed := mergeConditions(cls.Status.Conditions, c)
	if !changed {
		return ctrl.Result{}, nil
	}
	cls.Status.Conditions = conds
	return ctrl.Result{}, r.Client.Status().Update(ctx, &cls)
}

func (c *Config) controllerName() string {
	if c.Options.GatewayController != "" {
		return c.Options.GatewayController
	}
	return l4.GatewayControllerName
}

// GatewayReconciler programs v1 Gateways: one VirtualService per Gateway,
// with TCP, UDP and SCTP listeners served by labelled Services and
// TCPRoutes/UDPRoutes.
type GatewayReconciler struct {
	*Config
}

// Reconcile translates the Gateway with its class, routes, grants and
// backends, applies it, and writes the Gateway's and routes' status.
func (r *GatewayReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var gw gatewayv1.Gateway
	if err := r.Client.Get(ctx, req.NamespacedName, &gw); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if !gw.DeletionTimestamp.IsZero() {
		return ctrl.Result{}, r.release(ctx, &gw, "Gateway deleted")
	}
	in, err := r.inputs(ctx, &gw)
	if err != nil {
		return ctrl.Result{}, err
	}
	res := l4.TranslateGateway(in, r.Options)
	if res.NotOurs != nil {
		return ctrl.Result{}, r.release(ctx, &gw, res.NotOurs.Message)
	}
	if err := r.writeRouteStatus(ctx, &gw, in, res); err != nil {
		return ctrl.Result{}, err
	}
	if res.Set == nil {
		changed, err := r.writeStatus(ctx, &gw, l4.GatewayStatus(&gw, res, nil))
		if err == nil && changed {
			r.Recorder.Eventf(&gw, nil, corev1.EventTypeWarning, ReasonInvalidSpec, "Sync", "%s", errorsMessage(res.Errors))
		}
		return ctrl.Result{RequeueAfter: r.RetryInvalid}, err
	}
	key := apply.KeyOf(res.Set)
	old, hadOld := programmedKey(gw.Annotations)
	if err := claimObject(ctx, r.Client, &gw, key); err != nil {
		return ctrl.Result{}, err
	}
	result, err := r.applyTimed(ctx, res.Set)
	if err != nil {
		r.Recorder.Eventf(&gw, nil, corev1.EventTypeWarning, ReasonSyncFailed, "Sync", "Applying %s: %v", key.Name, err)
		return ctrl.Result{}, err
	}
	if hadOld && !old.SameSet(key) {
		if err := r.deleteKey(ctx, old); err != nil {
			return ctrl.Result{}, err
		}
	}
	changed, err := r.writeStatus(ctx, &gw, l4.GatewayStatus(&gw, res, result.VIPs))
	if err != nil {
		return ctrl.Result{}, err
	}
	if result.Writes() > 0 || changed {
		r.Recorder.Eventf(&gw, nil, corev1.EventTypeNormal, ReasonSynced, "Sync", "Synced VirtualService %s (%d write(s)), VIPs %v", key.Name, result.Writes(), result.VIPs)
	}
	return ctrl.Result{}, nil
}

// inputs gathers the Gateway's class, candidate backends, routes, grants
// and namespaces from the cache.
func (r *GatewayReconciler) inputs(ctx context.Context, gw *gatewayv1.Gateway) (l4.GatewayInput, error) {
	in := l4.GatewayInput{Gateway: gw}
	var cls gatewayv1.GatewayClass
	switch err := r.Client.Get(ctx, client.ObjectKey{Name: string(gw.Spec.GatewayClassName)}, &cls); {
	case err == nil:
		in.GatewayClass = &cls
	case !apierrors.IsNotFound(err):
		return in, err
	}
	var svcs corev1.ServiceList
	var slices discoveryv1.EndpointSliceList
	var tcp gatewayv1.TCPRouteList
	var udp gatewayv1.UDPRouteList
	var grants gatewayv1.ReferenceGrantList
	var nss corev1.NamespaceList
	for _, l := range []client.ObjectList{&svcs, &slices, &tcp, &udp, &grants, &nss} {
		if err := r.Client.List(ctx, l); err != nil {
			return in, fmt.Errorf("listing %T: %w", l, err)
		}
	}
	in.Services, in.EndpointSlices, in.TCPRoutes, in.UDPRoutes = svcs.Items, slices.Items, tcp.Items, udp.Items
	in.ReferenceGrants, in.Namespaces = grants.Items, nss.Items
	infras, err := r.infraSettings(ctx)
	if err != nil {
		return in, err
	}
	in.InfraSettings = infras
	if in.GatewayClass != nil && in.GatewayClass.Spec.ParametersRef != nil {
		in.InfraSetting = findInfraSetting(infras, in.GatewayClass.Spec.ParametersRef.Name)
	}
	switch r.Options.BackendMode {
	case l4.BackendNodePort:
		var nodes corev1.NodeList
		if err := r.Client.List(ctx, &nodes); err != nil {
			return in, err
		}
		in.Nodes = nodes.Items
	case l4.BackendNodePortLocal:
		var pods corev1.PodList
		if err := r.Client.List(ctx, &pods); err != nil {
			return in, err
		}
		in.Pods = pods.Items
	}
	return in, nil
}

// writeStatus writes the Gateway status when it changed, keeping the
// transition times of unchanged conditions.
func (r *GatewayReconciler) writeStatus(ctx context.Context, gw *gatewayv1.Gateway, want gatewayv1.GatewayStatus) (bool, error) {
	st := gw.Status.DeepCopy()
	var changed bool
	st.Conditions, changed = mergeConditions(st.Conditions, want.Conditions...)
	if !equality.Semantic.DeepEqual(st.Addresses, want.Addresses) && (len(st.Addresses) > 0 || len(want.Addresses) > 0) {
		st.Addresses, changed = want.Addresses, true
	}
	var listeners []gatewayv1.ListenerStatus
	for _, l := range want.Listeners {
		ls := l
		var oldConds []metav1.Condition
		if old := findListener(st.Listeners, l.Name); old != nil {
			oldConds = old.Conditions
		}
		ls.Conditions, _ = mergeConditions(oldConds, l.Conditions...)
		if prev := findListener(st.Listeners, l.Name); prev == nil || !equality.Semantic.DeepEqual(*prev, ls) {
			changed = true
		}
		listeners = append(listeners, ls)
	}
	if len(listeners) != len(st.Listeners) {
		changed = true
	}
	st.Listeners = listeners
	if !changed {
		return false, nil
	}
	gw.Status = *st
	if err := r.Client.Status().Update(ctx, gw); err != nil {
		return false, fmt.Errorf("writing Gateway status: %w", err)
	}
	return true, nil
}

func findListener(ls []gatewayv1.ListenerStatus, name gatewayv1.SectionName) *gatewayv1.ListenerStatus {
	for i := range ls {
		if ls[i].Name == name {
			return &ls[i]
		}
	}
	return nil
}

// writeRouteStatus updates, on each route naming the Gateway, the parent
// statuses of this controller for this Gateway; other parents are kept.
func (r *GatewayReconciler) writeRouteStatus(ctx context.Context, gw *gatewayv1.Gateway, in l4.GatewayInput, res l4.GatewayResult) error {
	for _, rr := range res.Routes {
		var obj client.Object
		var parents *[]gatewayv1.RouteParentStatus
		switch rr.Kind {
		case "TCPRoute":
			for i := range in.TCPRoutes {
				if in.TCPRoutes[i].Namespace == rr.Namespace && in.TCPRoutes[i].Name == rr.Name {
					obj, parents = &in.TCPRoutes[i], &in.TCPRoutes[i].Status.Parents
				}
			}
		case "UDPRoute":
			for i := range in.UDPRoutes {
				if in.UDPRoutes[i].Namespace == rr.Namespace && in.UDPRoutes[i].Name == rr.Name {
					obj, parents = &in.UDPRoutes[i], &in.UDPRoutes[i].Status.Parents
				}
			}
		}
		if obj == nil {
			continue
		}
		merged, changed := mergeParents(*parents, rr.Parents, gatewayv1.GatewayController(r.controllerName()))
		if !changed {
			continue
		}
		*parents = merged
		if err := r.Client.Status().Update(ctx, obj); err != nil {
			return fmt.Errorf("writing %s %s/%s status: %w", rr.Kind, rr.Namespace, rr.Name, err)
		}
	}
	return nil
}

// mergeParents replaces this controller's entries for the same parentRefs
// and keeps every other entry.
func mergeParents(existing, ours []gatewayv1.RouteParentStatus, controller gatewayv1.GatewayController) ([]gatewayv1.RouteParentStatus, bool) {
	out := make([]gatewayv1.RouteParentStatus, 0, len(existing)+len(ours))
	changed := false
	for _, p := range ours {
		merged := p
		found := false
		for _, e := range existing {
			if e.ControllerName == controller && equality.Semantic.DeepEqual(e.ParentRef, p.ParentRef) {
				found = true
				merged.Conditions, _ = mergeConditions(e.Conditions, p.Conditions...)
				if !equality.Semantic.DeepEqual(e, merged) {
					changed = true
				}
			}
		}
		if !found {
			merged.Conditions, _ = mergeConditions(nil, p.Conditions...)
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
			out = append(out, e)
		}
	}
	return out, changed
}

// release removes the Gateway's Avi objects and finalizer.
func (r *GatewayReconciler) release(ctx context.Context, gw *gatewayv1.Gateway, why string) error {
	if !controllerutil.ContainsFinalizer(gw, Finalizer) {
		return nil
	}
	key, ok := programmedKey(gw.Annotations)
	if ok {
		if err := r.deleteKey(ctx, key); err != nil {
			r.Recorder.Eventf(gw, nil, corev1.EventTypeWarning, ReasonSyncFailed, "Delete", "Deleting %s: %v", key.Name, err)
			return err
		}
	}
	if gw.DeletionTimestamp.IsZero() && meta.FindStatusCondition(gw.Status.Conditions, string(gatewayv1.GatewayConditionProgrammed)) != nil {
		gw.Status = gatewayv1.GatewayStatus{}
		if err := r.Client.Status().Update(ctx, gw); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("clearing status: %w", err)
		}
	}
	return letGo(ctx, r.Config, gw, key.Name, why)
}
