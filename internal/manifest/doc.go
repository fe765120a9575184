// Package manifest decodes multi-document Kubernetes YAML into typed objects
// for the translate example and the golden tests. Services, EndpointSlices,
// Nodes, Pods, Namespaces, Gateway API GatewayClasses, Gateways, TCPRoutes,
// UDPRoutes and ReferenceGrants, legacy networking.x-k8s.io/v1alpha1
// GatewayClasses and Gateways, and AviInfraSettings are decoded strictly
// (unknown fields are errors); every other kind is kept as a Document so
// callers can report or use it.
package manifest
