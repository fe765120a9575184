package reconciler

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4"
)

// Setup registers every reconciler with the manager: dedicated Services,
// shared-VIP groups, GatewayClasses and Gateways, with the watches that
// change their translation.
//
// The Gateway reconcilers are registered only when the API server serves
// the Gateway API's GatewayClass and Gateway at
// gateway.networking.k8s.io/v1 (asked once, here, through the manager's
// REST mapper); otherwise Setup logs why and Services are served alone, so
// the operator runs on any conformant cluster. TCPRoutes, UDPRoutes and
// ReferenceGrants are watched and read only when served. Installing the
// CRDs later takes a restart.
//
// Every controller retries a failed object with NewRateLimiter(cfg.MaxBackoff)
// (controller-runtime's default limiter when MaxBackoff is zero), and reads
// only from the manager's cache, AviInfraSettings included.
func Setup(mgr ctrl.Manager, cfg *Config) error {
	c := mgr.GetClient()
	resync := newResync(cfg)
	// Unstructured objects bypass the cache of mgr.GetClient(); the cache
	// itself serves them from the informer the watches below start.
	cfg.cache = mgr.GetCache()
	options := func() controller.Options {
		return controller.Options{RateLimiter: NewRateLimiter(cfg.MaxBackoff)}
	}

	// Dedicated Services: the Service itself, its EndpointSlices, its
	// Namespace (tenant, AviInfraSetting annotations), and Nodes or Pods
	// depending on the backend mode.
	svcs := ctrl.NewControllerManagedBy(mgr).Named("service").WithOptions(options()).
		For(&corev1.Service{}).
		WatchesRawSource(resync.Watch("Service", cfg.serviceSets, &handler.EnqueueRequestForObject{})).
		Watches(&discoveryv1.EndpointSlice{}, handler.EnqueueRequestsFromMapFunc(sliceToService)).
		Watches(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(namespaceToServices(c)))
	switch cfg.Options.BackendMode {
	case l4.BackendNodePort:
		svcs = svcs.Watches(&corev1.Node{}, handler.EnqueueRequestsFromMapFunc(allLoadBalancers(c)))
	case l4.BackendNodePortLocal:
		svcs = svcs.Watches(&corev1.Pod{}, handler.EnqueueRequestsFromMapFunc(podToServices(c)))
	}
	if cfg.InfraSettings {
		svcs = svcs.Watches(newInfraSettingObject(), handler.EnqueueRequestsFromMapFunc(allLoadBalancers(c)))
	}
	if err := svcs.Complete(&ServiceReconciler{Config: cfg}); err != nil {
		return err
	}

	// Shared-VIP groups: requests are {namespace, key}; a Service change
	// enqueues the group it was in and the group it is in now.
	groups := ctrl.NewControllerManagedBy(mgr).Named("sharedvip").WithOptions(options()).
		Watches(&corev1.Service{}, ignoringCtx(groupRequests)).
		WatchesRawSource(resync.Watch("SharedVIPGroup", cfg.groupSets, ignoringCtx(groupRequests))).
		Watches(&discoveryv1.EndpointSlice{}, handler.EnqueueRequestsFromMapFunc(sliceToGroup(c)))
	if cfg.Options.BackendMode == l4.BackendNodePort {
		groups = groups.Watches(&corev1.Node{}, handler.EnqueueRequestsFromMapFunc(allGroups(c)))
	}
	if cfg.InfraSettings {
		groups = groups.Watches(newInfraSettingObject(), handler.EnqueueRequestsFromMapFunc(allGroups(c)))
	}
	if err := groups.Complete(&SharedVIPReconciler{Config: cfg}); err != nil {
		return err
	}

	kinds, err := discoverGatewayKinds(mgr.GetRESTMapper())
	if err != nil {
		return err
	}
	legacy, err := discoverLegacyGateways(mgr.GetRESTMapper())
	if err != nil {
		return err
	}
	// Drift repair covers whatever was registered with it above and, when
	// the Gateway APIs are served, Gateways below.
	if err := mgr.Add(resync); err != nil {
		return err
	}
	log := mgr.GetLogger().WithName("setup")
	if kinds.gateways() || legacy {
		// Backend Services record the Gateways they serve
		// (ConditionGatewayBackend); each Gateway finds its own entries
		// through this index.
		if err := mgr.GetFieldIndexer().IndexField(context.Background(), &corev1.Service{}, indexServiceGateways, indexBackendOf); err != nil {
			return fmt.Errorf("indexing Services by Gateway: %w", err)
		}
	}
	if legacy {
		if err := setupLegacyGateways(mgr, cfg, options, resync); err != nil {
			return err
		}
	} else {
		log.V(1).Info("legacy Gateways not served: their reconcilers are not started", "group", LegacyGatewayGVK.Group, "version", LegacyGatewayGVK.Version)
	}
	if !kinds.gateways() {
		log.Info(gatewayAbsentMessage(kinds))
		return nil
	}
	if missing := kinds.missing(); len(missing) > 0 {
		log.Info("some Gateway API kinds are not served and are not read", "missing", missing, "group", gatewayv1.GroupName)
	}
	return setupGateways(mgr, cfg, kinds, options, resync)
}

// setupGateways registers the GatewayClass and Gateway reconcilers and the
// cache indexes that map a change to the Gateways it concerns.
func setupGateways(mgr ctrl.Manager, cfg *Config, kinds gatewayKinds, options func() controller.Options, resync *Resync) error {
	c := mgr.GetClient()
	classes := ctrl.NewControllerManagedBy(mgr).Named("gatewayclass").WithOptions(options()).For(&gatewayv1.GatewayClass{})
	if cfg.InfraSettings {
		classes = classes.Watches(newInfraSettingObject(), handler.EnqueueRequestsFromMapFunc(allGatewayClasses(c)))
	}
	if err := classes.Complete(&GatewayClassReconciler{Config: cfg}); err != nil {
		return err
	}

	ctx := context.Background()
	idx := mgr.GetFieldIndexer()
	if err := idx.IndexField(ctx, &gatewayv1.Gateway{}, indexGatewayClass, indexGatewayClassName); err != nil {
		return fmt.Errorf("indexing Gateways by class: %w", err)
	}
	var routes []client.Object
	if kinds.TCPRoute {
		routes = append(routes, &gatewayv1.TCPRoute{})
	}
	if kinds.UDPRoute {
		routes = append(routes, &gatewayv1.UDPRoute{})
	}
	for _, r := range routes {
		if err := idx.IndexField(ctx, r, indexRouteParent, indexRouteParents); err != nil {
			return fmt.Errorf("indexing %T by parent: %w", r, err)
		}
		if err := idx.IndexField(ctx, r, indexRouteBackend, indexRouteBackends); err != nil {
			return fmt.Errorf("indexing %T by backend: %w", r, err)
		}
	}

	// Gateways: a Service or EndpointSlice change enqueues the Gateways it
	// backs (labels, route backendRefs), a route its parents, a class its
	// Gateways. Cluster-wide inputs that are rarely changed (grants,
	// namespaces, nodes, AviInfraSettings) enqueue every Gateway.
	gi := gatewayIndex{c: c, kinds: kinds}
	all := handler.EnqueueRequestsFromMapFunc(allGateways(c))
	gws := ctrl.NewControllerManagedBy(mgr).Named("gateway").WithOptions(options()).
		For(&gatewayv1.Gateway{}).
		WatchesRawSource(resync.Watch("Gateway", cfg.gatewaySets, &handler.EnqueueRequestForObject{})).
		Watches(&gatewayv1.GatewayClass{}, handler.EnqueueRequestsFromMapFunc(gi.classToGateways)).
		Watches(&corev1.Service{}, oldAndNew(serviceToGateways{gi}.of)).
		Watches(&discoveryv1.EndpointSlice{}, handler.EnqueueRequestsFromMapFunc(gi.sliceToGateways)).
		Watches(&corev1.Namespace{}, all)
	for _, r := range routes {
		gws = gws.Watches(r, ignoringCtx(routeToGateways{}.of))
	}
	if kinds.ReferenceGrant {
		gws = gws.Watches(&gatewayv1.ReferenceGrant{}, all)
	}
	switch cfg.Options.BackendMode {
	case l4.BackendNodePort:
		gws = gws.Watches(&corev1.Node{}, all)
	case l4.BackendNodePortLocal:
		gws = gws.Watches(&corev1.Pod{}, handler.EnqueueRequestsFromMapFunc(gi.podToGateways))
	}
	if cfg.InfraSettings {
		gws = gws.Watches(newInfraSettingObject(), all)
	}
	return gws.Complete(&GatewayReconciler{Config: cfg, index: gi})
}

func sliceToService(_ context.Context, o client.Object) []reconcile.Request {
	name := o.GetLabels()[discoveryv1.LabelServiceName]
	if name == "" {
		return nil
	}
	return []reconcile.Request{{NamespacedName: types.NamespacedName{Namespace: o.GetNamespace(), Name: name}}}
}

func namespaceToServices(c client.Client) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []reconcile.Request {
		return listServices(ctx, c, client.InNamespace(o.GetName()))
	}
}

func allLoadBalancers(c client.Client) handler.MapFunc {
	return func(ctx context.Context, _ client.Object) []reconcile.Request { return listServices(ctx, c) }
}

func podToServices(c client.Client) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []reconcile.Request {
		return listServices(ctx, c, client.InNamespace(o.GetNamespace()))
	}
}

func listServices(ctx context.Context, c client.Client, opts ...client.ListOption) []reconcile.Request {
	var list corev1.ServiceList
	if err := c.List(ctx, &list, opts...); err != nil {
		return nil
	}
	var out []reconcile.Request
	for _, s := range list.Items {
		if s.Spec.Type == corev1.ServiceTypeLoadBalancer || len(s.Finalizers) > 0 {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: s.Namespace, Name: s.Name}})
		}
	}
	return out
}

// groupRequests are the shared-VIP groups of Services (before and after a
// change, with oldAndNew, so a member leaving or changing key updates both).
func groupRequests(objs ...client.Object) []reconcile.Request {
	var out []reconcile.Request
	for _, o := range objs {
		svc, ok := o.(*corev1.Service)
		if !ok || svc == nil {
			continue
		}
		if g, ok := l4.SharedVIPGroupOf(svc); ok {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: g.Namespace, Name: g.Key}})
		}
		if k := svc.Annotations[AnnotationSharedVIPGroup]; k != "" {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: svc.Namespace, Name: k}})
		}
	}
	return out
}

type queue = workqueue.TypedRateLimitingInterface[reconcile.Request]

// oldAndNew is an event handler that enqueues what it maps the object to
// and, for an update, both the old and the new object, so a change of
// shared-VIP key, gateway label or route parent updates both sides.
type oldAndNew func(ctx context.Context, objs ...client.Object) []reconcile.Request

// ignoringCtx makes an oldAndNew of a mapping that needs no context.
func ignoringCtx(f func(objs ...client.Object) []reconcile.Request) oldAndNew {
	return func(_ context.Context, objs ...client.Object) []reconcile.Request { return f(objs...) }
}

func (h oldAndNew) Create(ctx context.Context, e event.CreateEvent, q queue) {
	addAll(q, h(ctx, e.Object))
}

func (h oldAndNew) Update(ctx context.Context, e event.UpdateEvent, q queue) {
	addAll(q, h(ctx, e.ObjectOld, e.ObjectNew))
}

func (h oldAndNew) Delete(ctx context.Context, e event.DeleteEvent, q queue) {
	addAll(q, h(ctx, e.Object))
}

func (h oldAndNew) Generic(ctx context.Context, e event.GenericEvent, q queue) {
	addAll(q, h(ctx, e.Object))
}

var _ handler.EventHandler = oldAndNew(nil)

func addAll(q queue, reqs []reconcile.Request) {
	for _, r := range reqs {
		q.Add(r)
	}
}

func sliceToGroup(c client.Client) handler.MapFunc {
	return func(ctx context.Context, o client.Object) []reconcile.Request {
		name := o.GetLabels()[discoveryv1.LabelServiceName]
		if name == "" {
			return nil
		}
		var svc corev1.Service
		if err := c.Get(ctx, types.NamespacedName{Namespace: o.GetNamespace(), Name: name}, &svc); err != nil {
			return nil
		}
		return groupRequests(&svc)
	}
}

func allGroups(c client.Client) handler.MapFunc {
	return func(ctx context.Context, _ client.Object) []reconcile.Request {
		var list corev1.ServiceList
		if err := c.List(ctx, &list); err != nil {
			return nil
		}
		var out []reconcile.Request
		for i := range list.Items {
			out = append(out, groupRequests(&list.Items[i])...)
		}
		return out
	}
}

func allGateways(c client.Client) handler.MapFunc {
	return func(ctx context.Context, _ client.Object) []reconcile.Request {
		var list gatewayv1.GatewayList
		if err := c.List(ctx, &list); err != nil {
			return nil
		}
		out := make([]reconcile.Request, 0, len(list.Items))
		for _, g := range list.Items {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: g.Namespace, Name: g.Name}})
		}
		return out
	}
}

func allGatewayClasses(c client.Client) handler.MapFunc {
	return func(ctx context.Context, _ client.Object) []reconcile.Request {
		var list gatewayv1.GatewayClassList
		if err := c.List(ctx, &list); err != nil {
			return nil
		}
		out := make([]reconcile.Request, 0, len(list.Items))
		for _, g := range list.Items {
			out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Name: g.Name}})
		}
		return out
	}
}
