package reconciler

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/l4/svcapi"
)

// The legacy Service APIs kinds, networking.x-k8s.io/v1alpha1, read as
// unstructured objects (their Go module is long gone) and converted to
// package svcapi's types.
var (
	LegacyGatewayClassGVK = schema.GroupVersionKind{Group: svcapi.Group, Version: svcapi.Version, Kind: "GatewayClass"}
	LegacyGatewayGVK      = schema.GroupVersionKind{Group: svcapi.Group, Version: svcapi.Version, Kind: "Gateway"}
)

// Condition vocabulary of a legacy GatewayClass.
const (
	// LegacyGatewayClassConditionAdmitted is the v1alpha1 GatewayClass
	// condition (v1's Accepted).
	LegacyGatewayClassConditionAdmitted = "Admitted"
	// LegacyGatewayClassReasonAdmitted and ...InvalidParameters are its
	// reasons.
	LegacyGatewayClassReasonAdmitted          = "Admitted"
	LegacyGatewayClassReasonInvalidParameters = "InvalidParameters"
)

func newLegacy(gvk schema.GroupVersionKind) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(gvk)
	return u
}

func newLegacyList(gvk schema.GroupVersionKind) *unstructured.UnstructuredList {
	l := &unstructured.UnstructuredList{}
	l.SetGroupVersionKind(gvk.GroupVersion().WithKind(gvk.Kind + "List"))
	return l
}

// discoverLegacyGateways reports whether the API server serves the legacy
// GatewayClass and Gateway at networking.x-k8s.io/v1alpha1.
func discoverLegacyGateways(mapper meta.RESTMapper) (bool, error) {
	for _, gvk := range []schema.GroupVersionKind{LegacyGatewayClassGVK, LegacyGatewayGVK} {
		_, err := mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		switch {
		case meta.IsNoMatchError(err):
			return false, nil
		case err != nil:
			return false, fmt.Errorf("discovering %s.%s/%s: %w", gvk.Kind, gvk.Group, gvk.Version, err)
		}
	}
	return true, nil
}

// legacyReader is the manager's cache (unstructured objects bypass the
// cache of the manager's client), or the client before Setup.
func (c *Config) legacyReader() client.Reader {
	if c.cache != nil {
		return c.cache
	}
	return c.Client
}

// setupLegacyGateways registers the legacy GatewayClass and Gateway
// reconcilers.
func setupLegacyGateways(mgr manager.Manager, cfg *Config, options func() controller.Options, resync *Resync) error {
	c := cfg.legacyReader()
	all := handler.EnqueueRequestsFromMapFunc(allLegacyGateways(c))
	classes := builder.ControllerManagedBy(mgr).Named("legacygatewayclass").WithOptions(options()).For(newLegacy(LegacyGatewayClassGVK))
	if cfg.InfraSettings {
		classes = classes.Watches(newInfraSettingObject(), handler.EnqueueRequestsFromMapFunc(allLegacyClasses(c)))
	}
	if err := classes.Complete(&LegacyGatewayClassReconciler{Config: cfg}); err != nil {
		return err
	}
	gws := builder.ControllerManagedBy(mgr).Named("legacygateway").WithOptions(options()).
		For(newLegacy(LegacyGatewayGVK)).
		WatchesRawSource(resync.Watch("LegacyGateway", cfg.legacyGatewaySets, &handler.EnqueueRequestForObject{})).
		Watches(newLegacy(LegacyGatewayClassGVK), all).
		Watches(&corev1.Service{}, ignoringCtx(legacyRequests)).
		Watches(&discoveryv1.EndpointSlice{}, handler.EnqueueRequestsFromMapFunc(sliceToLegacy(c))).
		Watches(&corev1.Namespace{}, all)
	switch cfg.Options.BackendMode {
	case l4.BackendNodePort:
		gws = gws.Watches(&corev1.Node{}, all)
	case l4.BackendNodePortLocal:
		gws = gws.Watches(&corev1.Pod{}, all)
	}
	if cfg.InfraSettings {
		gws = gws.Watches(newInfraSettingObject(), all)
	}
	return gws.Complete(&LegacyGatewayReconciler{Config: cfg})
}

// labelledGateway is the Gateway a Service's gateway labels name.
func labelledGateway(o client.Object) (types.NamespacedName, bool) {
	l := o.GetLabels()
	nn := types.NamespacedName{Namespace: l[l4.LabelGatewayNamespace], Name: l[l4.LabelGatewayName]}
	return nn, nn.Name != "" && nn.Namespace != ""
}

// legacyRequests are the legacy Gateways Services' labels name (before and
// after a change, with oldAndNew).
func legacyRequests(objs ...client.Object) []reconcile.Request {
	var out []reconcile.Request
	for _, o := range objs {
		if o == nil {
			continue
		}
		if nn, ok := labelledGateway(o); ok {
			out = append(out, reconcile.Request{NamespacedName: nn})
		}
	}
	return out
}

func sliceToLegacy(c client.Reader) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []reconcile.Request {
		name := o.GetLabels()[discoveryv1.LabelServiceName]
		if name == "" {
			return nil
		}
		var svc corev1.Service
		if err := c.Get(ctx, types.NamespacedName{Namespace: o.GetNamespace(), Name: name}, &svc); err != nil {
			return nil
		}
		return legacyRequests(&svc)
	}
}

func allLegacyGateways(c client.Reader) handler.MapFunc {
	return func(ctx context.Context, _ client.Object) []reconcile.Request {
		list := newLegacyList(LegacyGatewayGVK)
		if err := c.List(ctx, list); err != nil {
			return nil
		}
		out := make([]reconcile.Request, 0, len(list.Items))
		for _, g := range list.Items {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: g.GetNamespace(), Name: g.GetName()}})
		}
		return out
	}
}

func allLegacyClasses(c client.Reader) handler.MapFunc {
	return func(ctx context.Context, _ client.Object) []reconcile.Request {
		list := newLegacyList(LegacyGatewayClassGVK)
		if err := c.List(ctx, list); err != nil {
			return nil
		}
		out := make([]reconcile.Request, 0, len(list.Items))
		for _, g := range list.Items {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: g.GetName()}})
		}
		return out
	}
}

// LegacyGatewayClassReconciler admits the legacy GatewayClasses of this
// controller (spec.controller), as GatewayClassReconciler accepts v1 ones.
type LegacyGatewayClassReconciler struct {
	*Config
}

// Reconcile sets the class's Admitted condition: a parametersRef must name
// an existing AviInfraSetting (read only when Config.InfraSettings is on).
func (r *LegacyGatewayClassReconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	u := newLegacy(LegacyGatewayClassGVK)
	if err := r.legacyReader().Get(ctx, req.NamespacedName, u); err != nil {
		return reconcile.Result{}, client.IgnoreNotFound(err)
	}
	var cls svcapi.GatewayClass
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &cls); err != nil {
		return reconcile.Result{}, nil // not ours to judge: its controller is unreadable
	}
	if cls.Spec.Controller != r.controllerName() {
		return reconcile.Result{}, nil
	}
	c := metav1.Condition{Type: LegacyGatewayClassConditionAdmitted, Status: metav1.ConditionTrue,
		Reason: LegacyGatewayClassReasonAdmitted, Message: "GatewayClass is admitted.", ObservedGeneration: cls.Generation}
	if p := cls.Spec.ParametersRef; p != nil {
		infras, err := r.infraSettings(ctx)
		if err != nil {
			return reconcile.Result{}, err
		}
		c.Status, c.Reason = metav1.ConditionFalse, LegacyGatewayClassReasonInvalidParameters
		switch {
		case p.Group != l4.AviInfraSettingGroup || p.Kind != "AviInfraSetting":
			c.Message = fmt.Sprintf("parametersRef must name an %s AviInfraSetting, not %s/%s.", l4.AviInfraSettingGroup, p.Group, p.Kind)
		case !r.InfraSettings:
			c.Message = "This operator does not read AviInfraSettings (their CRD is not installed)."
		case findInfraSetting(infras, p.Name) == nil:
			c.Message = fmt.Sprintf("AviInfraSetting %q not found.", p.Name)
		default:
			c.Status, c.Reason = metav1.ConditionTrue, LegacyGatewayClassReasonAdmitted
			c.Message = fmt.Sprintf("GatewayClass is admitted with AviInfraSetting %q.", p.Name)
		}
	}
	conds, changed := mergeConditions(cls.Status.Conditions, c)
	if !changed {
		return reconcile.Result{}, nil
	}
	if err := setUnstructuredStatus(u, &svcapi.GatewayClassStatus{Conditions: conds}); err != nil {
		return reconcile.Result{}, err
	}
	return reconcile.Result{}, r.Client.Status().Update(ctx, u)
}

// setUnstructuredStatus replaces an unstructured object's status.
func setUnstructuredStatus(u *unstructured.Unstructured, st any) error {
	m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(st)
	if err != nil {
		return fmt.Errorf("converting status: %w", err)
	}
	u.Object["status"] = m
	return nil
}

// LegacyGatewayReconciler programs networking.x-k8s.io/v1alpha1 Gateways
// (AKO's services-API mode): one VirtualService per Gateway, each listener
// served by the Service labelled for the Gateway whose (protocol, port) is
// the listener's. The Gateways are read as unstructured objects from the
// manager's cache and translated with l4.TranslateLegacyGateway; status
// (l4.LegacyGatewayStatus), the finalizer, cleanup, events and drift
// repair are those of v1 Gateways.
type LegacyGatewayReconciler struct {
	*Config
}

// Reconcile translates the legacy Gateway with its class, Namespace and
// labelled backends, applies it, and writes its status and its backend
// Services' ConditionGatewayBackend.
func (r *LegacyGatewayReconciler) Reconcile(ctx context.Context, req reconcile.Request) (reconcile.Result, error) {
	ref := gatewayRef(true, req.NamespacedName)
	u := newLegacy(LegacyGatewayGVK)
	if err := r.legacyReader().Get(ctx, req.NamespacedName, u); err != nil {
		if apierrors.IsNotFound(err) {
			return reconcile.Result{}, writeBackendStatus(ctx, r.Client, ref, nil)
		}
		return reconcile.Result{}, err
	}
	var gw svcapi.Gateway
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &gw); err != nil {
		// The stand-in CRD keeps anything: a Gateway of the wrong shape is
		// reported, and looked at again when it changes.
		r.Recorder.Eventf(u, nil, corev1.EventTypeWarning, ReasonInvalidSpec, "Sync", "Gateway cannot be read as %s: %v", svcapi.APIVersion, err)
		return reconcile.Result{}, nil
	}
	if !u.GetDeletionTimestamp().IsZero() {
		return reconcile.Result{}, r.release(ctx, u, &gw, "Gateway deleted")
	}
	in, err := r.legacyInputs(ctx, &gw)
	if err != nil {
		return reconcile.Result{}, err
	}
	res := l4.TranslateLegacyGateway(in, r.Options)
	if res.NotOurs != nil {
		return reconcile.Result{}, r.release(ctx, u, &gw, res.NotOurs.Message)
	}
	if res.Set == nil {
		if _, err := r.writeStatus(ctx, u, &gw, l4.LegacyGatewayStatus(&gw, res, nil)); err != nil {
			return reconcile.Result{}, err
		}
		if err := writeBackendStatus(ctx, r.Client, ref, nil); err != nil {
			return reconcile.Result{}, err
		}
		return reconcile.Result{RequeueAfter: r.RetryInvalid}, reportFindings(ctx, r.Config, u, res)
	}
	key := apply.KeyOf(res.Set)
	old, hadOld := programmedKey(u.GetAnnotations())
	if err := claimObject(ctx, r.Client, u, key); err != nil {
		return reconcile.Result{}, err
	}
	result, err := r.applyTimed(ctx, res.Set)
	if err != nil {
		st := legacySyncFailed(l4.LegacyGatewayStatus(&gw, res, legacyAddresses(&gw)), gw.Generation, err)
		changed, serr := r.writeStatus(ctx, u, &gw, st)
		if serr != nil {
			logFor(ctx).Error(serr, "writing Gateway status")
		}
		if changed {
			r.Recorder.Eventf(u, nil, corev1.EventTypeWarning, ReasonSyncFailed, "Sync", "Applying %s: %v", key.Name, err)
		}
		return reconcile.Result{}, err
	}
	if hadOld && !old.SameSet(key) {
		if err := r.deleteKey(ctx, old); err != nil {
			return reconcile.Result{}, err
		}
	}
	changed, err := r.writeStatus(ctx, u, &gw, l4.LegacyGatewayStatus(&gw, res, result.VIPs))
	if err != nil {
		return reconcile.Result{}, err
	}
	if err := writeBackendStatus(ctx, r.Client, ref, l4.LegacyGatewayBackendStatus(&gw, res, result.VIPs)); err != nil {
		return reconcile.Result{}, err
	}
	if result.Writes() > 0 || changed {
		r.Recorder.Eventf(u, nil, corev1.EventTypeNormal, ReasonSynced, "Sync", "Synced VirtualService %s (%d write(s)), VIPs %v", key.Name, result.Writes(), result.VIPs)
	}
	return reconcile.Result{}, reportFindings(ctx, r.Config, u, res)
}

// legacyAddresses are the VIPs the legacy Gateway's status reports.
func legacyAddresses(gw *svcapi.Gateway) []string {
	var out []string
	for _, a := range gw.Status.Addresses {
		out = append(out, a.Value)
	}
	return out
}

// legacySyncFailed turns a legacy Gateway's Ready condition to False with
// reason SyncFailed and the Avi controller's error.
func legacySyncFailed(st svcapi.GatewayStatus, generation int64, err error) svcapi.GatewayStatus {
	msg := "Avi controller: " + err.Error()
	if len(msg) > 1024 {
		msg = msg[:1021] + "..."
	}
	meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: svcapi.GatewayConditionReady, Status: metav1.ConditionFalse,
		Reason: ReasonSyncFailed, Message: msg, ObservedGeneration: generation})
	return st
}

// legacyInputs gathers, from the cache, what the translation reads: the
// class, the Gateway's Namespace, the Services labelled for the Gateway
// with their EndpointSlices (and Pods or Nodes), and AviInfraSettings.
func (r *LegacyGatewayReconciler) legacyInputs(ctx context.Context, gw *svcapi.Gateway) (l4.LegacyGatewayInput, error) {
	in := l4.LegacyGatewayInput{Gateway: gw}
	uc := newLegacy(LegacyGatewayClassGVK)
	switch err := r.legacyReader().Get(ctx, client.ObjectKey{Name: gw.Spec.GatewayClassName}, uc); {
	case err == nil:
		var cls svcapi.GatewayClass
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(uc.Object, &cls); err == nil {
			in.GatewayClass = &cls
		}
	case !apierrors.IsNotFound(err):
		return in, err
	}
	var labelled corev1.ServiceList
	if err := r.Client.List(ctx, &labelled, client.MatchingLabels{l4.LabelGatewayName: gw.Name, l4.LabelGatewayNamespace: gw.Namespace}); err != nil {
		return in, fmt.Errorf("listing Services: %w", err)
	}
	in.Services = labelled.Items
	var namespaces []string
	for _, svc := range in.Services {
		var eps discoveryv1.EndpointSliceList
		if err := r.Client.List(ctx, &eps, client.InNamespace(svc.Namespace), client.MatchingLabels{discoveryv1.LabelServiceName: svc.Name}); err != nil {
			return in, fmt.Errorf("listing EndpointSlices: %w", err)
		}
		in.EndpointSlices = append(in.EndpointSlices, eps.Items...)
		if !containsString(namespaces, svc.Namespace) {
			namespaces = append(namespaces, svc.Namespace)
		}
	}
	var ns corev1.Namespace
	switch err := r.Client.Get(ctx, client.ObjectKey{Name: gw.Namespace}, &ns); {
	case err == nil:
		in.Namespace = &ns
	case !apierrors.IsNotFound(err):
		return in, err
	}
	infras, err := r.infraSettingsOnce(ctx)
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

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// writeStatus writes the legacy Gateway's status when it changed, keeping
// the transition times of unchanged conditions (listeners are keyed by
// port).
func (r *LegacyGatewayReconciler) writeStatus(ctx context.Context, u *unstructured.Unstructured, gw *svcapi.Gateway, want svcapi.GatewayStatus) (bool, error) {
	// gw was converted from the cache's copy: its status may be reused.
	st := &svcapi.GatewayStatus{Addresses: gw.Status.Addresses, Conditions: gw.Status.Conditions, Listeners: gw.Status.Listeners}
	var changed bool
	st.Conditions, changed = mergeConditions(st.Conditions, want.Conditions...)
	if !equality.Semantic.DeepEqual(st.Addresses, want.Addresses) && (len(st.Addresses) > 0 || len(want.Addresses) > 0) {
		st.Addresses, changed = want.Addresses, true
	}
	if st.Addresses == nil {
		st.Addresses = []svcapi.GatewayAddress{}
	}
	var listeners []svcapi.ListenerStatus
	for _, l := range want.Listeners {
		ls := l
		var prev *svcapi.ListenerStatus
		for i := range st.Listeners {
			if st.Listeners[i].Port == l.Port {
				prev = &st.Listeners[i]
			}
		}
		var oldConds []metav1.Condition
		if prev != nil {
			oldConds = prev.Conditions
		}
		ls.Conditions, _ = mergeConditions(oldConds, l.Conditions...)
		if prev == nil || !equality.Semantic.DeepEqual(*prev, ls) {
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
	if err := setUnstructuredStatus(u, st); err != nil {
		return false, err
	}
	if err := r.Client.Status().Update(ctx, u); err != nil {
		return false, fmt.Errorf("writing Gateway status: %w", err)
	}
	gw.Status = *st
	return true, nil
}

// release removes the legacy Gateway's Avi objects, its backend Services'
// entries, its status and its finalizer.
func (r *LegacyGatewayReconciler) release(ctx context.Context, u *unstructured.Unstructured, gw *svcapi.Gateway, why string) error {
	if err := writeBackendStatus(ctx, r.Client, gatewayRef(true, client.ObjectKeyFromObject(u)), nil); err != nil {
		return err
	}
	if !controllerutil.ContainsFinalizer(u, Finalizer) {
		return nil
	}
	key, ok := programmedKey(u.GetAnnotations())
	if ok {
		if err := r.deleteKey(ctx, key); err != nil {
			r.Recorder.Eventf(u, nil, corev1.EventTypeWarning, ReasonSyncFailed, "Delete", "Deleting %s: %v", key.Name, err)
			return err
		}
	}
	if u.GetDeletionTimestamp().IsZero() && len(gw.Status.Conditions) > 0 {
		if err := setUnstructuredStatus(u, &svcapi.GatewayStatus{Addresses: []svcapi.GatewayAddress{}}); err != nil {
			return err
		}
		if err := r.Client.Status().Update(ctx, u); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("clearing status: %w", err)
		}
	}
	ann := u.GetAnnotations()
	delete(ann, AnnotationReported)
	u.SetAnnotations(ann)
	return letGo(ctx, r.Config, u, key.Name, why)
}

// legacyGatewaySets lists the programmed legacy Gateways, for drift repair.
func (c *Config) legacyGatewaySets(ctx context.Context) ([]ProgrammedSet, error) {
	list := newLegacyList(LegacyGatewayGVK)
	if err := c.legacyReader().List(ctx, list); err != nil {
		return nil, fmt.Errorf("listing legacy Gateways: %w", err)
	}
	r := &LegacyGatewayReconciler{Config: c}
	var out []ProgrammedSet
	for i := range list.Items {
		u := &list.Items[i]
		key, ok := programmedKey(u.GetAnnotations())
		if !ok || !programmedHere(u) {
			continue
		}
		var gw svcapi.Gateway
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, &gw); err != nil {
			continue
		}
		in, err := r.legacyInputs(ctx, &gw)
		if err != nil {
			return nil, err
		}
		if res := l4.TranslateLegacyGateway(in, c.Options); res.Set != nil && apply.KeyOf(res.Set).SameSet(key) {
			out = append(out, ProgrammedSet{Owners: []client.Object{u}, Set: res.Set})
		}
	}
	return out, nil
}
