// Package manifest decodes multi-document Kubernetes YAML into typed objects
// for the translate example and the golden tests: Services, EndpointSlices,
// Nodes and Pods are decoded strictly (unknown fields are errors); every
// other kind is kept as a Document so callers can report or use it.
package manifest
