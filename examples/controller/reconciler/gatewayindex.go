package reconciler

import (
	"context"
	"slices"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4"
)

// Field indexes on the manager's cache, so that a change requeues only the
// Gateways it concerns and a Gateway reconcile reads only its own routes
// and backends. Values are "namespace/name" (a class name for
// indexGatewayClass).
const (
	// indexRouteParent indexes TCPRoutes and UDPRoutes by the Gateways
	// their parentRefs name.
	indexRouteParent = "avil4.io/parent-gateway"
	// indexRouteBackend indexes TCPRoutes and UDPRoutes by the Services
	// their backendRefs name.
	indexRouteBackend = "avil4.io/backend-service"
	// indexGatewayClass indexes Gateways by spec.gatewayClassName.
	indexGatewayClass = "avil4.io/gateway-class"
)

// routeView is what the indexes read of either route kind.
type routeView struct {
	namespace string
	parents   []gatewayv1.ParentReference
	backends  []gatewayv1.BackendRef
}

func viewRoute(o client.Object) (routeView, bool) {
	switch r := o.(type) {
	case *gatewayv1.TCPRoute:
		v := routeView{namespace: r.Namespace, parents: r.Spec.ParentRefs}
		for _, rule := range r.Spec.Rules {
			v.backends = append(v.backends, rule.BackendRefs...)
		}
		return v, true
	case *gatewayv1.UDPRoute:
		v := routeView{namespace: r.Namespace, parents: r.Spec.ParentRefs}
		for _, rule := range r.Spec.Rules {
			v.backends = append(v.backends, rule.BackendRefs...)
		}
		return v, true
	}
	return routeView{}, false
}

// parentGateways are the Gateways a route's parentRefs name.
func (v routeView) parentGateways() []types.NamespacedName {
	var out []types.NamespacedName
	for _, p := range v.parents {
		if nn, ok := parentGateway(p, v.namespace); ok && !slices.Contains(out, nn) {
			out = append(out, nn)
		}
	}
	return out
}

// parentGateway is the Gateway a parentRef names, with the Gateway API's
// defaults (group gateway.networking.k8s.io, kind Gateway, the route's
// namespace); false when it names another kind of parent.
func parentGateway(p gatewayv1.ParentReference, routeNS string) (types.NamespacedName, bool) {
	if p.Group != nil && string(*p.Group) != gatewayv1.GroupName || p.Kind != nil && *p.Kind != "Gateway" {
		return types.NamespacedName{}, false
	}
	nn := types.NamespacedName{Namespace: routeNS, Name: string(p.Name)}
	if p.Namespace != nil {
		nn.Namespace = string(*p.Namespace)
	}
	return nn, true
}

// backendServices are the Services a route's backendRefs name.
func (v routeView) backendServices() []types.NamespacedName {
	var out []types.NamespacedName
	for _, b := range v.backends {
		if b.Group != nil && *b.Group != "" || b.Kind != nil && *b.Kind != "Service" {
			continue
		}
		nn := types.NamespacedName{Namespace: v.namespace, Name: string(b.Name)}
		if b.Namespace != nil {
			nn.Namespace = string(*b.Namespace)
		}
		if !slices.Contains(out, nn) {
			out = append(out, nn)
		}
	}
	return out
}

func keys(nns []types.NamespacedName) []string {
	out := make([]string, 0, len(nns))
	for _, nn := range nns {
		out = append(out, nn.String())
	}
	return out
}

func indexRouteParents(o client.Object) []string {
	v, _ := viewRoute(o)
	return keys(v.parentGateways())
}

func indexRouteBackends(o client.Object) []string {
	v, _ := viewRoute(o)
	return keys(v.backendServices())
}

func indexGatewayClassName(o client.Object) []string {
	if gw, ok := o.(*gatewayv1.Gateway); ok {
		return []string{string(gw.Spec.GatewayClassName)}
	}
	return nil
}

// gatewayIndex finds the Gateways an object concerns, from the cache and
// its indexes.
type gatewayIndex struct {
	c     client.Reader
	kinds gatewayKinds
}

// requests turns Gateway names into reconcile requests, without
// duplicates.
func requests(nns []types.NamespacedName) []reconcile.Request {
	var out []reconcile.Request
	for _, nn := range nns {
		r := reconcile.Request{NamespacedName: nn}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// routeLists returns empty lists of the served route kinds.
func (x gatewayIndex) routeLists() []client.ObjectList {
	var out []client.ObjectList
	if x.kinds.TCPRoute {
		out = append(out, &gatewayv1.TCPRouteList{})
	}
	if x.kinds.UDPRoute {
		out = append(out, &gatewayv1.UDPRouteList{})
	}
	return out
}

func routeItems(l client.ObjectList) []client.Object {
	var out []client.Object
	switch l := l.(type) {
	case *gatewayv1.TCPRouteList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	case *gatewayv1.UDPRouteList:
		for i := range l.Items {
			out = append(out, &l.Items[i])
		}
	}
	return out
}

// forService returns the Gateways a Service backs: the one its
// ako.vmware.com/gateway-name and -namespace labels name, and the parents
// of every route whose backendRefs name it.
func (x gatewayIndex) forService(ctx context.Context, svc types.NamespacedName, lbls map[string]string) []types.NamespacedName {
	var out []types.NamespacedName
	if name, ns := lbls[l4.LabelGatewayName], lbls[l4.LabelGatewayNamespace]; name != "" && ns != "" {
		out = append(out, types.NamespacedName{Namespace: ns, Name: name})
	}
	for _, l := range x.routeLists() {
		if err := x.c.List(ctx, l, client.MatchingFields{indexRouteBackend: svc.String()}); err != nil {
			logFor(ctx).Error(err, "listing routes by backend", "service", svc)
			continue
		}
		for _, r := range routeItems(l) {
			v, _ := viewRoute(r)
			out = append(out, v.parentGateways()...)
		}
	}
	return out
}

// serviceToGateways enqueues the Gateways a Service backs, before and after
// a change (a label removed or a route's backend renamed must reach the
// Gateway it left).
type serviceToGateways struct{ gatewayIndex }

func (h serviceToGateways) of(ctx context.Context, objs ...client.Object) []reconcile.Request {
	var out []types.NamespacedName
	for _, o := range objs {
		if o == nil {
			continue
		}
		out = append(out, h.forService(ctx, client.ObjectKeyFromObject(o), o.GetLabels())...)
	}
	return requests(out)
}

// sliceToGateways maps an EndpointSlice to the Gateways its Service backs.
func (x gatewayIndex) sliceToGateways(ctx context.Context, o client.Object) []reconcile.Request {
	name := o.GetLabels()[discoveryv1.LabelServiceName]
	if name == "" {
		return nil
	}
	nn := types.NamespacedName{Namespace: o.GetNamespace(), Name: name}
	var svc corev1.Service
	if err := x.c.Get(ctx, nn, &svc); err != nil {
		// Gone: routes may still name it; its labels are unknown (its own
		// delete event reached the labelled Gateway).
		return requests(x.forService(ctx, nn, nil))
	}
	return requests(x.forService(ctx, nn, svc.Labels))
}

// podToGateways maps a Pod (NodePortLocal mode) to the Gateways backed by
// the Services of its namespace that select it.
func (x gatewayIndex) podToGateways(ctx context.Context, o client.Object) []reconcile.Request {
	var list corev1.ServiceList
	if err := x.c.List(ctx, &list, client.InNamespace(o.GetNamespace())); err != nil {
		return nil
	}
	var out []types.NamespacedName
	for i := range list.Items {
		s := &list.Items[i]
		if len(s.Spec.Selector) == 0 || !labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(o.GetLabels())) {
			continue
		}
		out = append(out, x.forService(ctx, client.ObjectKeyFromObject(s), s.Labels)...)
	}
	return requests(out)
}

// routeToGateways enqueues a route's parent Gateways, before and after a
// change (a Gateway the route left must drop it).
type routeToGateways struct{}

func (routeToGateways) of(objs ...client.Object) []reconcile.Request {
	var out []types.NamespacedName
	for _, o := range objs {
		if v, ok := viewRoute(o); ok {
			out = append(out, v.parentGateways()...)
		}
	}
	return requests(out)
}

// classToGateways maps a GatewayClass to the Gateways of that class.
func (x gatewayIndex) classToGateways(ctx context.Context, o client.Object) []reconcile.Request {
	var list gatewayv1.GatewayList
	if err := x.c.List(ctx, &list, client.MatchingFields{indexGatewayClass: o.GetName()}); err != nil {
		return nil
	}
	out := make([]reconcile.Request, 0, len(list.Items))
	for _, g := range list.Items {
		out = append(out, reconcile.Request{NamespacedName: types.NamespacedName{Namespace: g.Namespace, Name: g.Name}})
	}
	return out
}
