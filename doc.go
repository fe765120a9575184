// Package avil4 turns Kubernetes L4 load-balancer intent — Services of type
// LoadBalancer and Gateways (gateway.networking.k8s.io/v1 and the legacy
// networking.x-k8s.io/v1alpha1) — into the objects of an Avi (NSX
// Advanced Load Balancer) Controller, with SCTP a first-class protocol beside
// TCP and UDP.
//
// # Data flow
//
//	corev1.Service (+ EndpointSlices, Nodes, Pods) + l4.Options
//	    --l4.TranslateService-->  aviobj.Set{VsVip, Pools, L4PolicySet, VirtualService}
//	                              + field.ErrorList + per-port results
//	    --l4.ServiceStatus----->  Service status.loadBalancer + LoadBalancerPortsError
//
//	gatewayv1.Gateway (+ GatewayClass, AviInfraSetting, Services, routes, grants)
//	    --l4.TranslateGateway-->  aviobj.Set + listener and route results
//	    --l4.GatewayStatus----->  Gateway status (Accepted, Programmed, listeners)
//
// Translation is a pure function: it reads only its arguments, changes none
// of them, and does no I/O, so it can be unit-tested anywhere.
//
// # Packages
//
//   - l4: the translator (Options, TranslateService, ServiceStatus,
//     TranslateGateway, GatewayStatus, TranslateLegacyGateway); l4/svcapi
//     holds the legacy Gateway types.
//   - profiles, healthmon, policyset: the three protocol-driven choices —
//     network profile (System-SCTP-Proxy, System-TCP-Proxy or
//     System-TCP-Fast-Path by licence, System-UDP-Fast-Path, with per-port
//     overrides when protocols mix), pool health monitor (System-SCTP,
//     System-TCP, System-UDP) and L4 policy rules (PROTOCOL_SCTP|TCP|UDP +
//     port -> pool).
//   - aviobj: typed Avi objects, wire-compatible with the controller's
//     schema; refs, markers, names (255-character limit), the Set, and
//     semantic Equal/Diff with go-cmp options for tests.
//   - l4/statusmerge: merges what l4 computes into an object's current
//     status (Services, Gateways, route parents), keeping transition times
//     and reporting whether anything changed.
//   - client and apply: the Avi REST client and the applier that makes a
//     controller hold a Set (plan, create, update, delete, ownership).
//   - avitest: an in-memory Avi Controller for tests; Server.Client and
//     Server.Applier give a ready client and applier in one call.
//   - examples/translate: the command that prints what would be created.
//
// Dependencies point one way: examples -> l4 -> profiles, healthmon,
// policyset -> aviobj.
//
// # API stability
//
// avil4 is at v0: no release is tagged yet, and until v1 any minor version
// may change the exported API of every package, with each change listed
// under "Changed" in CHANGELOG.md. What is expected to stay: the shape of
// the pure entry points (l4.TranslateService, l4.TranslateGateway,
// l4.ServiceStatus, l4.GatewayStatus returning a Set, results and
// field.ErrorList), the Avi names and ownership marks of the objects avil4
// creates (changing them would orphan objects already on a controller, so a
// change will come with a migration note), and the wire form of the aviobj
// types (the controller's own field names). What may change: the fields of
// l4.Options and of the result types (added, and renamed before v1), the
// error types and messages of client and apply, the avitest Server's
// methods and its fidelity to a controller (it follows what recordings
// show), everything under internal/ and examples/ (not API at all), and the
// Go and dependency versions required (Go 1.26 and the Kubernetes 0.37
// libraries today).
package avil4
