package manifest

import (
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4"
)

// ServiceInput returns the translation input of the bundle's i-th Service,
// with its Namespace (if present) and every AviInfraSetting. Its
// EndpointSlices are only the Service's own and its Pods only those of its
// namespace that carry one of its selector's labels (the translation picks
// the same ones from every slice and pod), from an index built once per
// bundle, so translating every Service of a bundle costs time linear in
// its size.
func (b *Bundle) ServiceInput(i int) l4.ServiceInput {
	svc := &b.Services[i]
	x := b.index()
	return l4.ServiceInput{Service: svc, EndpointSlices: x.slices[objKey{svc.Namespace, svc.Name}], Nodes: b.Nodes,
		Pods: x.selectable(svc.Namespace, svc.Spec.Selector), Namespace: x.namespaces[svc.Namespace], InfraSettings: b.AviInfraSettings}
}

// SharedVIPInput returns the translation input of a shared-VIP group of the
// bundle's Services: its members, their EndpointSlices and the Pods of the
// group's namespace.
func (b *Bundle) SharedVIPInput(g l4.SharedVIPGroup) l4.SharedVIPInput {
	x := b.index()
	members := x.groups[g]
	var slices []discoveryv1.EndpointSlice
	seen := map[objKey]bool{}
	for i := range members {
		k := objKey{members[i].Namespace, members[i].Name}
		if !seen[k] {
			seen[k] = true
			slices = append(slices, x.slices[k]...)
		}
	}
	return l4.SharedVIPInput{Group: g, Services: members, EndpointSlices: slices, Nodes: b.Nodes, Pods: x.pods[g.Namespace],
		Namespace: x.namespaces[g.Namespace], InfraSettings: b.AviInfraSettings}
}

// objKey is a namespace and a name.
type objKey struct{ namespace, name string }

// label is a label key and value.
type label struct{ key, value string }

// inputIndex holds a bundle's EndpointSlices, Pods, Namespaces and
// shared-VIP members by what the translation of a Service looks them up
// by. Each list keeps the bundle's order, and holds copies of the
// bundle's objects (sharing their maps and slices).
type inputIndex struct {
	// of identifies the slices the index was built from.
	of [4]sliceID

	slices     map[objKey][]discoveryv1.EndpointSlice // by namespace and kubernetes.io/service-name
	pods       map[string][]corev1.Pod                // by namespace
	podsBy     map[string]map[label][]corev1.Pod      // by namespace, then label
	namespaces map[string]*corev1.Namespace           // the first of each name
	groups     map[l4.SharedVIPGroup][]corev1.Service // shared-VIP members
}

// sliceID identifies a slice: its first element and length.
type sliceID struct {
	first any
	n     int
}

func idOf[T any](s []T) sliceID {
	if len(s) == 0 {
		return sliceID{}
	}
	return sliceID{first: &s[0], n: len(s)}
}

// index returns the bundle's input index, building it when the bundle's
// slices changed since (a Decode appends to them). Objects changed in
// place after the first translation input was taken are not seen.
func (b *Bundle) index() *inputIndex {
	of := [4]sliceID{idOf(b.EndpointSlices), idOf(b.Pods), idOf(b.Namespaces), idOf(b.Services)}
	if b.idx != nil && b.idx.of == of {
		return b.idx
	}
	x := &inputIndex{of: of, slices: map[objKey][]discoveryv1.EndpointSlice{}, pods: map[string][]corev1.Pod{},
		podsBy: map[string]map[label][]corev1.Pod{}, namespaces: map[string]*corev1.Namespace{},
		groups: map[l4.SharedVIPGroup][]corev1.Service{}}
	for i := range b.EndpointSlices {
		s := &b.EndpointSlices[i]
		k := objKey{s.Namespace, s.Labels[l4.LabelServiceName]}
		x.slices[k] = append(x.slices[k], *s)
	}
	for i := range b.Pods {
		p := &b.Pods[i]
		x.pods[p.Namespace] = append(x.pods[p.Namespace], *p)
		by := x.podsBy[p.Namespace]
		if by == nil {
			by = map[label][]corev1.Pod{}
			x.podsBy[p.Namespace] = by
		}
		for k, v := range p.Labels {
			by[label{k, v}] = append(by[label{k, v}], *p)
		}
	}
	for i := range b.Namespaces {
		if n := &b.Namespaces[i]; x.namespaces[n.Name] == nil {
			x.namespaces[n.Name] = n
		}
	}
	for i := range b.Services {
		if g, ok := l4.SharedVIPGroupOf(&b.Services[i]); ok {
			x.groups[g] = append(x.groups[g], b.Services[i])
		}
	}
	b.idx = x
	return x
}

// selectable returns the pods of namespace that may match selector: those
// carrying its first label (by key), in the bundle's order; none for an
// empty selector, which selects no pod for a Service.
func (x *inputIndex) selectable(namespace string, selector map[string]string) []corev1.Pod {
	if len(selector) == 0 {
		return nil
	}
	first := ""
	for k := range selector {
		if first == "" || k < first {
			first = k
		}
	}
	return x.podsBy[namespace][label{first, selector[first]}]
}

// GatewayInput returns the translation input of the bundle's i-th v1
// Gateway: its GatewayClass and the AviInfraSetting the class names, if
// present, and every candidate backend, route, grant and namespace.
func (b *Bundle) GatewayInput(i int) l4.GatewayInput {
	gw := &b.Gateways[i]
	in := l4.GatewayInput{
		Gateway:         gw,
		Services:        b.Services,
		EndpointSlices:  b.EndpointSlices,
		Nodes:           b.Nodes,
		Pods:            b.Pods,
		TCPRoutes:       b.TCPRoutes,
		UDPRoutes:       b.UDPRoutes,
		ReferenceGrants: b.ReferenceGrants,
		Namespaces:      b.Namespaces,
		InfraSettings:   b.AviInfraSettings,
	}
	for j := range b.GatewayClasses {
		if b.GatewayClasses[j].Name == string(gw.Spec.GatewayClassName) {
			in.GatewayClass = &b.GatewayClasses[j]
		}
	}
	if in.GatewayClass != nil {
		in.InfraSetting = b.infra(in.GatewayClass.Spec.ParametersRef)
	}
	return in
}

// LegacyGatewayInput returns the translation input of the bundle's i-th
// networking.x-k8s.io/v1alpha1 Gateway.
func (b *Bundle) LegacyGatewayInput(i int) l4.LegacyGatewayInput {
	gw := &b.LegacyGateways[i]
	in := l4.LegacyGatewayInput{
		Gateway:        gw,
		InfraSettings:  b.AviInfraSettings,
		Services:       b.Services,
		EndpointSlices: b.EndpointSlices,
		Nodes:          b.Nodes,
		Pods:           b.Pods,
	}
	for j := range b.Namespaces {
		if b.Namespaces[j].Name == gw.Namespace {
			in.Namespace = &b.Namespaces[j]
		}
	}
	for j := range b.LegacyGatewayClasses {
		if b.LegacyGatewayClasses[j].Name == gw.Spec.GatewayClassName {
			in.GatewayClass = &b.LegacyGatewayClasses[j]
		}
	}
	if in.GatewayClass != nil && in.GatewayClass.Spec.ParametersRef != nil {
		p := in.GatewayClass.Spec.ParametersRef
		in.InfraSetting = b.infra(&gatewayv1.ParametersReference{Group: gatewayv1.Group(p.Group), Kind: gatewayv1.Kind(p.Kind), Name: p.Name})
	}
	return in
}

func (b *Bundle) infra(p *gatewayv1.ParametersReference) *l4.AviInfraSetting {
	if p == nil || string(p.Group) != l4.AviInfraSettingGroup || p.Kind != "AviInfraSetting" {
		return nil
	}
	for j := range b.AviInfraSettings {
		if b.AviInfraSettings[j].Name == p.Name {
			return &b.AviInfraSettings[j]
		}
	}
	return nil
}
