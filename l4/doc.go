// Package l4 translates Kubernetes L4 load-balancer intent into Avi
// Controller objects: a Service of type LoadBalancer (with its
// EndpointSlices, Nodes or Pods) becomes an aviobj.Set — one VirtualService,
// VsVip and L4PolicySet, and one Pool per port — exactly as the Avi
// Kubernetes Operator (AKO) would create it, with SCTP ports beside TCP and
// UDP.
//
// # Translating a Service
//
//	res := l4.TranslateService(l4.ServiceInput{
//		Service:        svc,
//		EndpointSlices: slices, // may hold other Services' slices too
//	}, l4.Options{ClusterName: "prod", License: profiles.LicenseEnterprise})
//
// TranslateService is a pure function: it reads nothing but its arguments
// (no environment, no globals, no controller), never modifies them, and
// returns the same Result for the same input. Every setting AKO reads from
// its environment is an Options field, the licence tier included.
//
// # Reading a Result
//
//   - Set != nil: apply it. Errors may still name ports that were left out
//     (an SCTP port in NodePortLocal mode, a duplicate port, ...); the other
//     ports are served. Result.Ports says, per spec.ports entry, which pool
//     serves it or why it is not served.
//   - NotOurs != nil: the Service is for another controller (another
//     spec.loadBalancerClass, not type LoadBalancer, a shared-VIP member).
//     Remove whatever an earlier translation created.
//   - otherwise: Errors explain why the Service cannot be served at all
//     (a bad preferred IP, no ports, bad Options). Leave the controller as it
//     is and report the errors: nothing is half-applied and nothing the user
//     had is lost.
//
// Errors are a field.ErrorList with exact paths, e.g.
// "spec.ports[1].protocol: Forbidden: SCTP may not be used when the backend
// mode is NodePortLocal". Warnings flag what the controller may refuse, such
// as SCTP under a non-Enterprise licence.
//
// # Translating a Gateway
//
// TranslateGateway turns a gateway.networking.k8s.io/v1 Gateway into one L4
// VirtualService (VS, VsVip and L4PolicySet named <cluster>--<gwns>-<gw>)
// whose TCP, UDP and SCTP listeners route to backend Services, one pool per
// served listener (<cluster>--<gwns>-<svc>-<gw>-<PROTOCOL>-<port>). No Avi
// integration supports v1 L4 Gateways today; avil4 does:
//
//   - the GatewayClass controllerName must be Options.GatewayController
//     (default ako.vmware.com/avi-lb), else the Gateway is NotOurs; a
//     parametersRef to an ako.vmware.com AviInfraSetting applies its SE group,
//     VIP network, RHI, BGP peer labels, node networks and tier-1 router;
//   - SCTP listeners are implementation-specific (Gateway API has no
//     SCTPRoute) and bind Services labelled ako.vmware.com/gateway-name and
//     ako.vmware.com/gateway-namespace whose (protocol, port) equals the
//     listener's, as AKO's services-API mode does; TCP and UDP listeners also
//     take TCPRoutes and UDPRoutes, honouring sectionName, port,
//     allowedRoutes and ReferenceGrants;
//   - a listener with another protocol, a hostname or TLS is Accepted=False
//     (UnsupportedProtocol, UnsupportedValue) and the others are still
//     served; a listener claimed by two backends is Conflicted with reason
//     PortUnavailable and gets no pool (two routes: the oldest wins, as the
//     Gateway API asks);
//   - spec.addresses (IPAddress, one per family) request a static VIP.
//
// GatewayStatus renders the Gateway's status (Accepted, Programmed,
// listeners with Accepted/Conflicted/ResolvedRefs/Programmed and attached
// routes, addresses); GatewayResult.Routes holds each route's parent status.
// TranslateLegacyGateway and LegacyGatewayStatus do the same for AKO's
// networking.x-k8s.io/v1alpha1 shape (package svcapi), with AKO's rule that
// every listener's routes.selector.matchLabels carries both gateway labels.
//
// # Shared VIPs, overrides, monitors, FQDNs, dual-stack
//
//   - TranslateSharedVIP turns the LoadBalancer Services of one namespace
//     that carry the same ako.vmware.com/enable-shared-vip key
//     (SharedVIPGroups finds them) into one VirtualService
//     <cluster>--<ns>-<key> with a pool per member port
//     (<cluster>--<ns>-<svc>-<key>-<PROTOCOL>-<port>). Members must agree on
//     the preferred IP and the AviInfraSetting, and a (protocol, port) may
//     appear once in the group (AKO checks neither); every conflict is an
//     error on the later member's field naming the earlier Service. Each
//     member gets its own Result, so ServiceStatus works per member.
//   - PortOverride (ServiceInput.Overrides, or the avil4.io/port-overrides
//     annotation) sets a port's network or application profile, health
//     monitors (existing ones by name, or a custom SCTP/TCP/UDP monitor built
//     by package healthmon and owned with the pool), load-balancing
//     algorithm, persistence profile and min servers up, validated against
//     the port's protocol.
//   - Options.HealthzMonitor checks NodePort-mode nodes of an
//     externalTrafficPolicy Local Service with HTTP /healthz on its
//     healthCheckNodePort.
//   - Options.AutoFQDN (default, flat) and the external-dns hostname
//     annotation give VsVips dns_info and Services a status hostname;
//     Gateway listener hostnames become FQDNs.
//   - VIPs follow spec.ipFamilies (or Options.IPFamily): V4_V6 VIPs,
//     IPv6 servers, one preferred address per family in the
//     ako.vmware.com/load-balancer-ip annotation (comma-separated).
//   - AviInfraSettings and the tenant also come from annotations:
//     aviinfrasetting.ako.vmware.com/name on the Service or its Namespace
//     (the Service's wins), ako.vmware.com/tenant-name on the Namespace.
//
// # Status
//
// ServiceStatus turns a Result and the VIPs the controller holds into the
// Service's status.loadBalancer (ingress IPs; ports[].error for ports that
// cannot be served) and its LoadBalancerPortsError condition.
//
// # Choices made where AKO is silent or weak
//
//   - A port's protocol defaults to TCP when unset (the API server's default),
//     so manifests translate as the cluster would store them.
//   - EndpointSlice ports are matched by name and protocol (AKO ignores the
//     protocol); a nil ready condition counts as ready, as the EndpointSlice
//     API defines it.
//   - Names longer than 255 characters are shortened to a readable prefix and
//     a hash instead of the object being skipped.
//   - An SCTP port in NodePortLocal mode is an error on that port; the other
//     ports are still translated (AKO drops the whole VirtualService).
//   - Options.IPFamily "" follows each Service's spec.ipFamilies.
//   - Nodes labelled node.kubernetes.io/exclude-from-external-load-balancers
//     are never NodePort servers.
//   - VirtualService services and L4 rules keep spec.ports order; rules are
//     named "<PROTOCOL>-<port>" and indexed 0..n-1.
package l4
