package svcapi

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Group and Version of the legacy Service APIs.
const (
	Group   = "networking.x-k8s.io"
	Version = "v1alpha1"
	// APIVersion is "networking.x-k8s.io/v1alpha1".
	APIVersion = Group + "/" + Version
)

// GatewayClass is a cluster-scoped class of Gateways handled by one
// controller.
type GatewayClass struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   GatewayClassSpec   `json:"spec"`
	Status GatewayClassStatus `json:"status,omitempty"`
}

// GatewayClassSpec names the controller and its parameters.
type GatewayClassSpec struct {
	// Controller is the domain-prefixed name of the controller,
	// e.g. "ako.vmware.com/avi-lb".
	Controller string `json:"controller"`
	// ParametersRef points at implementation-specific parameters, such as
	// an ako.vmware.com AviInfraSetting.
	ParametersRef *LocalObjectReference `json:"parametersRef,omitempty"`
}

// GatewayClassStatus is the class's observed state.
type GatewayClassStatus struct {
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// LocalObjectReference names an object by group, kind and name.
type LocalObjectReference struct {
	Group string `json:"group"`
	Kind  string `json:"kind"`
	Name  string `json:"name"`
}

// Gateway is a request for a load balancer with listeners.
type Gateway struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   GatewaySpec   `json:"spec"`
	Status GatewayStatus `json:"status,omitempty"`
}

// GatewaySpec is the desired state of a Gateway.
type GatewaySpec struct {
	GatewayClassName string           `json:"gatewayClassName"`
	Listeners        []Listener       `json:"listeners"`
	Addresses        []GatewayAddress `json:"addresses,omitempty"`
}

// Listener is one port and protocol of a Gateway.
type Listener struct {
	Hostname *string `json:"hostname,omitempty"`
	Port     int32   `json:"port"`
	// Protocol is a free string in this API version (SCTP is accepted).
	Protocol string               `json:"protocol"`
	TLS      *GatewayTLSConfig    `json:"tls,omitempty"`
	Routes   RouteBindingSelector `json:"routes"`
}

// GatewayTLSConfig configures TLS on a listener.
type GatewayTLSConfig struct {
	Mode           *string               `json:"mode,omitempty"`
	CertificateRef *LocalObjectReference `json:"certificateRef,omitempty"`
	RouteOverride  *TLSOverridePolicy    `json:"routeOverride,omitempty"`
	Options        map[string]string     `json:"options,omitempty"`
}

// TLSOverridePolicy says whether routes may override the certificate.
type TLSOverridePolicy struct {
	Certificate *string `json:"certificate,omitempty"`
}

// RouteBindingSelector selects the routes (for AKO: the backend Services) a
// listener serves.
type RouteBindingSelector struct {
	Namespaces *RouteNamespaces     `json:"namespaces,omitempty"`
	Selector   metav1.LabelSelector `json:"selector,omitempty"`
	Group      string               `json:"group,omitempty"`
	Kind       string               `json:"kind"`
}

// RouteNamespaces selects the namespaces routes may come from.
type RouteNamespaces struct {
	From     *string              `json:"from,omitempty"`
	Selector metav1.LabelSelector `json:"selector,omitempty"`
}

// GatewayAddress is a requested or bound address.
type GatewayAddress struct {
	// Type is "IPAddress" (the default) or "NamedAddress".
	Type  *string `json:"type,omitempty"`
	Value string  `json:"value"`
}

// Address types.
const (
	IPAddressType    = "IPAddress"
	NamedAddressType = "NamedAddress"
)

// GatewayStatus is the observed state of a Gateway.
type GatewayStatus struct {
	Addresses  []GatewayAddress   `json:"addresses"`
	Conditions []metav1.Condition `json:"conditions,omitempty"`
	Listeners  []ListenerStatus   `json:"listeners,omitempty"`
}

// ListenerStatus is the observed state of one listener, keyed by port.
type ListenerStatus struct {
	Port       int32              `json:"port"`
	Protocol   string             `json:"protocol"`
	Hostname   *string            `json:"hostname,omitempty"`
	Conditions []metav1.Condition `json:"conditions"`
}

// Condition types and reasons of this API version.
const (
	GatewayConditionScheduled = "Scheduled"
	GatewayConditionReady     = "Ready"

	GatewayReasonScheduled          = "Scheduled"
	GatewayReasonNotReconciled      = "NotReconciled"
	GatewayReasonNoSuchGatewayClass = "NoSuchGatewayClass"
	GatewayReasonListenersNotValid  = "ListenersNotValid"
	GatewayReasonAddressNotAssigned = "AddressNotAssigned"
	GatewayReasonReady              = "Ready"

	ListenerConditionConflicted   = "Conflicted"
	ListenerConditionDetached     = "Detached"
	ListenerConditionResolvedRefs = "ResolvedRefs"
	ListenerConditionReady        = "Ready"

	ListenerReasonPortUnavailable     = "PortUnavailable"
	ListenerReasonUnsupportedProtocol = "UnsupportedProtocol"
	ListenerReasonInvalid             = "Invalid"
	ListenerReasonPending             = "Pending"
	ListenerReasonReady               = "Ready"
	ListenerReasonAttached            = "Attached"
)
