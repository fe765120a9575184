// Package svcapi holds Go types for the legacy Service APIs
// (networking.x-k8s.io/v1alpha1, sigs.k8s.io/service-apis v0.1.0): the
// GatewayClass and Gateway shapes AKO's "servicesAPI" mode reads, including
// SCTP listeners whose routes select backend Services by label. The original
// module cannot be downloaded, so these small types mirror its field names
// and condition vocabulary; l4.TranslateLegacyGateway translates them.
//
// The types hold data only: no I/O, no globals.
package svcapi
