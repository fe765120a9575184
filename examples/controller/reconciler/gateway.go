package reconciler

import (
	"context"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/l4/statusmerge"
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
// TCPRoutes/UDPRoutes. Register it with Setup, which discovers the served
// route kinds and adds the cache indexes it reads through.
type GatewayReconciler struct {
	*Config

	index gatewayIndex
}

// AnnotationReported records, on a Gateway, fingerprints of the refused
// parts and translation warnings already reported as Warning events, so
// each is reported once (and again only after it went away and came back),
// across restarts too.
const AnnotationReported = "avil4.io/reported"

// Reconcile translates the Gateway with its class, routes, grants and
// backends, applies it, and writes the Gateway's and routes' status.
func (r *GatewayReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	var gw gatewayv1.Gateway
	if err := r.Client.Get(ctx, req.NamespacedName, &gw); err != nil {
		if apierrors.IsNotFound(err) {
			// Gone (perhaps never ours to finalize): no route or backend
			// Service may keep our status for it.
			if err := r.clearRouteParents(ctx, req.NamespacedName); err != nil {
				return ctrl.Result{}, err
			}
			return ctrl.Result{}, writeBackendStatus(ctx, r.Client, gatewayRef(false, req.NamespacedName), nil)
		}
		return ctrl.Result{}, err
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
	countLabelledBackends(&res)
	if err := r.writeRouteStatus(ctx, &gw, in, res); err != nil {
		return ctrl.Result{}, err
	}
	if res.Set == nil {
		if _, err := r.writeStatus(ctx, &gw, l4.GatewayStatus(&gw, res, nil)); err != nil {
			return ctrl.Result{}, err
		}
		if err := writeBackendStatus(ctx, r.Client, gatewayRef(false, req.NamespacedName), nil); err != nil {
			return ctrl.Result{}, err
		}
		return ctrl.Result{RequeueAfter: r.RetryInvalid}, r.report(ctx, &gw, res)
	}
	key := apply.KeyOf(res.Set)
	old, hadOld := programmedKey(gw.Annotations)
	if err := claimObject(ctx, r.Client, &gw, key); err != nil {
		return ctrl.Result{}, err
	}
	result, err := r.applyTimed(ctx, res.Set)
	if err != nil {
		// The Avi controller failed: Programmed says so (the addresses
		// already reported stay), and the event is sent when that changes.
		st := syncFailedStatus(l4.GatewayStatus(&gw, res, statusAddresses(&gw)), gw.Generation, err)
		changed, serr := r.writeStatus(ctx, &gw, st)
		if serr != nil {
			logFor(ctx).Error(serr, "writing Gateway status")
		}
		if changed {
			r.Recorder.Eventf(&gw, nil, corev1.EventTypeWarning, ReasonSyncFailed, "Sync", "Applying %s: %v", key.Name, err)
		}
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
	if err := writeBackendStatus(ctx, r.Client, gatewayRef(false, req.NamespacedName), l4.GatewayBackendStatus(&gw, res, result.VIPs)); err != nil {
		return ctrl.Result{}, err
	}
	if result.Writes() > 0 || changed {
		r.Recorder.Eventf(&gw, nil, corev1.EventTypeNormal, ReasonSynced, "Sync", "Synced VirtualService %s (%d write(s)), VIPs %v", key.Name, result.Writes(), result.VIPs)
	}
	return ctrl.Result{}, r.report(ctx, &gw, res)
}

// countLabelledBackends makes a listener served by Services labelled for
// the Gateway (SCTP listeners are served only this way: SCTP has no route
// kind) count those Services in attachedRoutes, as routes are counted.
// A listener has one claimant, so Backends come from routes exactly when
// a route is attached.
func countLabelledBackends(res *l4.GatewayResult) {
	for i := range res.Listeners {
		l := &res.Listeners[i]
		if l.AttachedRoutes > 0 || len(l.Backends) == 0 {
			continue
		}
		var svcs []string
		for _, b := range l.Backends {
			name, _, _ := strings.Cut(b, ":")
			if !slices.Contains(svcs, name) {
				svcs = append(svcs, name)
			}
		}
		l.AttachedRoutes = int32(len(svcs))
	}
}

// statusAddresses are the VIPs the Gateway's status reports.
func statusAddresses(gw *gatewayv1.Gateway) []string {
	var out []string
	for _, a := range gw.Status.Addresses {
		out = append(out, a.Value)
	}
	return out
}

// syncFailedStatus turns the Programmed conditions of a Gateway and of its
// served listeners to False with reason SyncFailed and the Avi
// controller's error: the objects may not match the spec.
func syncFailedStatus(st gatewayv1.GatewayStatus, generation int64, err error) gatewayv1.GatewayStatus {
	msg := "Avi controller: " + err.Error()
	if len(msg) > 1024 {
		msg = msg[:1021] + "..."
	}
	failed := metav1.Condition{Type: string(gatewayv1.GatewayConditionProgrammed), Status: metav1.ConditionFalse,
		Reason: ReasonSyncFailed, Message: msg, ObservedGeneration: generation}
	meta.SetStatusCondition(&st.Conditions, failed)
	for i := range st.Listeners {
		c := meta.FindStatusCondition(st.Listeners[i].Conditions, string(gatewayv1.ListenerConditionProgrammed))
		if c == nil || c.Reason == string(gatewayv1.ListenerReasonInvalid) {
			continue // not served: it says why already
		}
		failed.Type = string(gatewayv1.ListenerConditionProgrammed)
		meta.SetStatusCondition(&st.Listeners[i].Conditions, failed)
	}
	return st
}

// finding is one thing reported in a Warning event.
type finding struct{ reason, message string }

// report sends a Warning event for each refused part of the Gateway (its
// field errors, with their paths) and each library warning not reported
// before, and records what was reported in AnnotationReported; nothing is
// written and no event sent when that did not change.
func (r *GatewayReconciler) report(ctx context.Context, gw client.Object, res l4.GatewayResult) error {
	return reportFindings(ctx, r.Config, gw, res)
}

// reportFindings is report for a Gateway of either API version.
func reportFindings(ctx context.Context, r *Config, gw client.Object, res l4.GatewayResult) error {
	var all []finding
	for _, e := range res.Errors {
		all = append(all, finding{ReasonInvalidSpec, e.Error()})
	}
	for _, w := range res.Warnings {
		all = append(all, finding{ReasonTranslationWarning, w})
	}
	before := map[string]bool{}
	if v := gw.GetAnnotations()[AnnotationReported]; v != "" {
		for _, id := range strings.Split(v, ",") {
			before[id] = true
		}
	}
	var ids []string
	var fresh []finding
	for _, f := range all {
		id := fingerprint(f.message)
		if !before[id] && !slices.Contains(ids, id) {
			fresh = append(fresh, f)
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	want := strings.Join(slices.Compact(ids), ",")
	if want == gw.GetAnnotations()[AnnotationReported] {
		return nil
	}
	ann := gw.GetAnnotations()
	if ann == nil {
		ann = map[string]string{}
	}
	if want == "" {
		delete(ann, AnnotationReported)
	} else {
		ann[AnnotationReported] = want
	}
	gw.SetAnnotations(ann)
	if err := r.Client.Update(ctx, gw); err != nil {
		return fmt.Errorf("recording reported warnings: %w", err)
	}
	for _, f := range fresh {
		msg := f.message
		if len(msg) > 1024 {
			msg = msg[:1021] + "..."
		}
		r.Recorder.Eventf(gw, nil, corev1.EventTypeWarning, f.reason, "Sync", "%s", msg)
	}
	return nil
}

// fingerprint is a short stable hash of a message.
func fingerprint(msg string) string {
	h := fnv.New32a()
	h.Write([]byte(msg))
	return fmt.Sprintf("%08x", h.Sum32())
}

// inputs gathers, from the cache, what the Gateway's translation reads: its
// class; the routes naming it (index); the Services labelled for it and
// those its routes name, with their EndpointSlices (and Pods in
// NodePortLocal mode); grants, namespaces, nodes and AviInfraSettings.
// Unrelated routes and backends are not read.
func (r *GatewayReconciler) inputs(ctx context.Context, gw *gatewayv1.Gateway) (l4.GatewayInput, error) {
	in := l4.GatewayInput{Gateway: gw}
	var cls gatewayv1.GatewayClass
	switch err := r.Client.Get(ctx, client.ObjectKey{Name: string(gw.Spec.GatewayClassName)}, &cls); {
	case err == nil:
		in.GatewayClass = &cls
	case !apierrors.IsNotFound(err):
		return in, err
	}
	self := client.MatchingFields{indexRouteParent: client.ObjectKeyFromObject(gw).String()}
	var routeBackends []types.NamespacedName
	if r.index.kinds.TCPRoute {
		var tcp gatewayv1.TCPRouteList
		if err := r.Client.List(ctx, &tcp, self); err != nil {
			return in, fmt.Errorf("listing TCPRoutes: %w", err)
		}
		in.TCPRoutes = tcp.Items
		for i := range tcp.Items {
			v, _ := viewRoute(&tcp.Items[i])
			routeBackends = append(routeBackends, v.backendServices()...)
		}
	}
	if r.index.kinds.UDPRoute {
		var udp gatewayv1.UDPRouteList
		if err := r.Client.List(ctx, &udp, self); err != nil {
			return in, fmt.Errorf("listing UDPRoutes: %w", err)
		}
		in.UDPRoutes = udp.Items
		for i := range udp.Items {
			v, _ := viewRoute(&udp.Items[i])
			routeBackends = append(routeBackends, v.backendServices()...)
		}
	}
	var labelled corev1.ServiceList
	if err := r.Client.List(ctx, &labelled, client.MatchingLabels{l4.LabelGatewayName: gw.Name, l4.LabelGatewayNamespace: gw.Namespace}); err != nil {
		return in, fmt.Errorf("listing Services: %w", err)
	}
	in.Services = labelled.Items
	for _, nn := range routeBackends {
		if slices.ContainsFunc(in.Services, func(s corev1.Service) bool { return s.Namespace == nn.Namespace && s.Name == nn.Name }) {
			continue
		}
		var svc corev1.Service
		if err := r.Client.Get(ctx, nn, &svc); err != nil {
			// Not found (or outside the namespaces cached): the
			// translation reports the backendRef as unresolved.
			continue
		}
		in.Services = append(in.Services, svc)
	}
	var namespaces []string
	for _, svc := range in.Services {
		var eps discoveryv1.EndpointSliceList
		if err := r.Client.List(ctx, &eps, client.InNamespace(svc.Namespace), client.MatchingLabels{discoveryv1.LabelServiceName: svc.Name}); err != nil {
			return in, fmt.Errorf("listing EndpointSlices: %w", err)
		}
		in.EndpointSlices = append(in.EndpointSlices, eps.Items...)
		if !slices.Contains(namespaces, svc.Namespace) {
			namespaces = append(namespaces, svc.Namespace)
		}
	}
	if r.index.kinds.ReferenceGrant {
		var grants gatewayv1.ReferenceGrantList
		if err := r.Client.List(ctx, &grants); err != nil {
			return in, fmt.Errorf("listing ReferenceGrants: %w", err)
		}
		in.ReferenceGrants = grants.Items
	}
	var nss corev1.NamespaceList
	if err := r.Client.List(ctx, &nss); err != nil {
		return in, fmt.Errorf("listing Namespaces: %w", err)
	}
	in.Namespaces = nss.Items
	infras, err := r.infraSettings(ctx)
	if err != nil {
		return in, err
	}
	in.InfraSettings = infras
	if in.GatewayClass != nil && in.GatewayClass.Spec.ParametersRef != nil {
		in.InfraSetting = findInfraSetting(infras, in.GatewayClass.Spec.ParametersRef.Name)
	}
	in.Nodes, in.Pods, err = r.backendNodesPods(ctx, namespaces)
	return in, err
}

// writeStatus writes the Gateway status when it changed, keeping the
// transition times of unchanged conditions.
func (r *GatewayReconciler) writeStatus(ctx context.Context, gw *gatewayv1.Gateway, want gatewayv1.GatewayStatus) (bool, error) {
	st, changed := statusmerge.Gateway(gw.Status, want)
	if !changed {
		return false, nil
	}
	gw.Status = st
	if err := r.Client.Status().Update(ctx, gw); err != nil {
		return false, fmt.Errorf("writing Gateway status: %w", err)
	}
	return true, nil
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
	return statusmerge.RouteParents(existing, ours, controller)
}

// release removes the Gateway's Avi objects, this controller's parent
// status on its routes, and its finalizer.
func (r *GatewayReconciler) release(ctx context.Context, gw *gatewayv1.Gateway, why string) error {
	if err := r.clearRouteParents(ctx, client.ObjectKeyFromObject(gw)); err != nil {
		return err
	}
	if err := writeBackendStatus(ctx, r.Client, gatewayRef(false, client.ObjectKeyFromObject(gw)), nil); err != nil {
		return err
	}
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
	delete(gw.Annotations, AnnotationReported)
	return letGo(ctx, r.Config, gw, key.Name, why)
}

// clearRouteParents removes, from every route naming the Gateway as a
// parent, the parent status this controller wrote for it: a deleted
// Gateway (or one now served by another controller) must not leave its
// routes saying Accepted.
func (r *GatewayReconciler) clearRouteParents(ctx context.Context, gw types.NamespacedName) error {
	ours := gatewayv1.GatewayController(r.controllerName())
	for _, l := range r.index.routeLists() {
		if err := r.Client.List(ctx, l, client.MatchingFields{indexRouteParent: gw.String()}); err != nil {
			return fmt.Errorf("listing routes of Gateway %s: %w", gw, err)
		}
		for _, o := range routeItems(l) {
			parents := routeParentStatus(o)
			kept := slices.DeleteFunc(slices.Clone(*parents), func(p gatewayv1.RouteParentStatus) bool {
				nn, ok := parentGateway(p.ParentRef, o.GetNamespace())
				return ok && nn == gw && p.ControllerName == ours
			})
			if len(kept) == len(*parents) {
				continue
			}
			*parents = kept
			if err := r.Client.Status().Update(ctx, o); err != nil && !apierrors.IsNotFound(err) {
				return fmt.Errorf("clearing the status of %T %s/%s: %w", o, o.GetNamespace(), o.GetName(), err)
			}
		}
	}
	return nil
}

// routeParentStatus is a route's status.parents, for either route kind.
func routeParentStatus(o client.Object) *[]gatewayv1.RouteParentStatus {
	switch r := o.(type) {
	case *gatewayv1.TCPRoute:
		return &r.Status.Parents
	case *gatewayv1.UDPRoute:
		return &r.Status.Parents
	}
	return &[]gatewayv1.RouteParentStatus{}
}

// backendNodesPods reads, from the cache, what a Gateway's backends need
// besides their EndpointSlices: every Node in NodePort mode, the Pods of
// the backends' namespaces in NodePortLocal mode, nothing in ClusterIP mode.
func (c *Config) backendNodesPods(ctx context.Context, namespaces []string) ([]corev1.Node, []corev1.Pod, error) {
	switch c.Options.BackendMode {
	case l4.BackendNodePort:
		var nodes corev1.NodeList
		if err := c.Client.List(ctx, &nodes); err != nil {
			return nil, nil, fmt.Errorf("listing Nodes: %w", err)
		}
		return nodes.Items, nil, nil
	case l4.BackendNodePortLocal:
		var out []corev1.Pod
		for _, ns := range namespaces {
			var pods corev1.PodList
			if err := c.Client.List(ctx, &pods, client.InNamespace(ns)); err != nil {
				return nil, nil, fmt.Errorf("listing Pods: %w", err)
			}
			out = append(out, pods.Items...)
		}
		return nil, out, nil
	}
	return nil, nil, nil
}
