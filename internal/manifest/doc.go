// Package manifest decodes multi-document Kubernetes YAML into typed objects
// for the translate example and the golden tests. Services, EndpointSlices,
// Nodes, Pods, Namespaces, Gateway API GatewayClasses, Gateways, TCPRoutes,
// UDPRoutes and ReferenceGrants, legacy networking.x-k8s.io/v1alpha1
// GatewayClasses and Gateways, and AviInfraSettings are decoded; every other
// kind is kept as a Document so callers can report or use it.
//
// Decoding is per document and strict, as the API server's strict field
// validation: YAML is converted with sigs.k8s.io/yaml (duplicate keys are
// refused), then decoded with sigs.k8s.io/json's case-sensitive strict
// decoder (unknown fields are refused). A document that fails is a
// DocumentError naming its position (file, 1-based document, 0-based List
// item), its object when known, and field errors with exact paths
// (spec.ports[1].port) found by decoding the failing parts apart; the other
// documents are decoded all the same. Lists (kind List, or <X>List) are
// unpacked; a known kind under an API version that is not read is an
// error, while same-named kinds of other API groups (a Knative Service)
// are kept as Documents.
package manifest
