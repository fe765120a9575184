package reconciler

import (
	"context"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4"
)

// Setup registers every reconciler with the manager: dedicated Services,
// shared-VIP groups, GatewayClasses and Gateways, with the watches that
// change their translation.
func Setup(mgr ctrl.Manager, cfg *Config) error {
	c := mgr.GetClient()
	resync := newResync(cfg)

	// Dedicated Services: the Service itself, its EndpointSlices, its
	// Namespace (tenant, AviInfraSetting annotations), and Nodes or Pods
	// depending on the backend mode.
	svcs := ctrl.NewControllerManagedBy(mgr).Named("service").
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
	groups := ctrl.NewControllerManagedBy(mgr).Named("sharedvip").
		Watches(&corev1.Service{}, serviceToGroups{}).
		WatchesRawSource(resync.Watch("SharedVIPGroup", cfg.groupSets, serviceToGroups{})).
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

	classes := ctrl.NewControllerManagedBy(mgr).Named("gatewayclass").For(&gatewayv1.GatewayClass{})
	if cfg.InfraSettings {
		classes = classes.Watches(newInfraSettingObject(), handler.EnqueueRequestsFromMapFunc(allGatewayClasses(c)))
	}
	if err := classes.Complete(&GatewayClassReconciler{Config: cfg}); err != nil {
		return err
	}

	// Gateways: anything a Gateway's translation reads enqueues every
	// Gateway (simple and correct for a modest number of Gateways; a large
	// deployment would index routes and backends by Gateway).
	all := handler.EnqueueRequestsFromMapFunc(allGateways(c))
	gws := ctrl.NewControllerManagedBy(mgr).Named("gateway").
		For(&gatewayv1.Gateway{}).
		WatchesRawSource(resync.Watch("Gateway", cfg.gatewaySets, &handler.EnqueueRequestForObject{})).
		Watches(&gatewayv1.GatewayClass{}, all).
		Watches(&gatewayv1.TCPRoute{}, all).
		Watches(&gatewayv1.UDPRoute{}, all).
		Watches(&gatewayv1.ReferenceGrant{}, all).
		Watches(&corev1.Service{}, all).
		Watches(&discoveryv1.EndpointSlice{}, all).
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
	if err := gws.Complete(&GatewayReconciler{Config: cfg}); err != nil {
		return err
	}
	return mgr.Add(resync)
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

// serviceToGroups enqueues the shared-VIP group of a Service before and
// after a change, so a member leaving (or changing key) updates both.
type serviceToGroups struct{}

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

func addAll(q queue, reqs []reconcile.Request) {
	for _, r := range reqs {
		q.Add(r)
	}
}

func (serviceToGroups) Create(_ context.Context, e event.CreateEvent, q queue) {
	addAll(q, groupRequests(e.Object))
}

func (serviceToGroups) Update(_ context.Context, e event.UpdateEvent, q queue) {
	addAll(q, groupRequests(e.ObjectOld, e.ObjectNew))
}

func (serviceToGroups) Delete(_ context.Context, e event.DeleteEvent, q queue) {
	addAll(q, groupRequests(e.Object))
}

func (serviceToGroups) Generic(_ context.Context, e event.GenericEvent, q queue) {
	addAll(q, groupRequests(e.Object))
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
