package manifest

import (
	corev1 "k8s.io/api/core/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4"
)

// ServiceInput returns the translation input of the bundle's i-th Service,
// with its Namespace (if present) and every AviInfraSetting.
func (b *Bundle) ServiceInput(i int) l4.ServiceInput {
	svc := &b.Services[i]
	return l4.ServiceInput{Service: svc, EndpointSlices: b.EndpointSlices, Nodes: b.Nodes, Pods: b.Pods,
		Namespace: b.namespace(svc.Namespace), InfraSettings: b.AviInfraSettings}
}

// SharedVIPInput returns the translation input of a shared-VIP group of the
// bundle's Services.
func (b *Bundle) SharedVIPInput(g l4.SharedVIPGroup) l4.SharedVIPInput {
	return l4.SharedVIPInput{Group: g, Services: b.Services, EndpointSlices: b.EndpointSlices, Nodes: b.Nodes, Pods: b.Pods,
		Namespace: b.namespace(g.Namespace), InfraSettings: b.AviInfraSettings}
}

func (b *Bundle) namespace(name string) *corev1.Namespace {
	for i := range b.Namespaces {
		if b.Namespaces[i].Name == name {
			return &b.Namespaces[i]
		}
	}
	return nil
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
