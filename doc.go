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
//   - examples/translate: the command that prints what would be created.
//
// Dependencies point one way: examples -> l4 -> profiles, healthmon,
// policyset -> aviobj.
package avil4
