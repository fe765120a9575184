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
//     (a bad preferred IP, no ports, bad Options; see "What is refused, and
//     why"). Leave the controller as it is and report the errors: nothing is
//     half-applied and nothing the user had is lost.
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
//   - weighted routes: a TCPRoute or UDPRoute whose rules name several
//     backends (distinct Service ports; a repeated one adds its weights)
//     is served by a PoolGroup <cluster>--<gwns>-<gw>-<PROTOCOL>-<port>
//     with one pool per backend, named as above (a Service name that occurs
//     twice in the group, for another namespace or port, becomes
//     <svc>.<svcns>.<svcport>), which the listener's L4 rule selects
//     (L4_RULE_ACTION_SELECT_POOLGROUP, pool_group_ref). Member ratios are
//     the backendRef weights (default 1); weights over the controller's
//     1000 are divided by their greatest common divisor, else scaled to
//     1-1000 with a warning; weight 0 is ratio 0, the controller's "do not
//     select this pool for new connections" (established connections go
//     on, so a backend drains); under a known non-Enterprise licence a
//     warning says the controller will refuse it. One backend stays a
//     plain pool (none at all when its weight is 0); ListenerResult.Pool,
//     PoolGroup and Members say which. The backends of all of a v1alpha2 route's rules are one group
//     (TCPRoute and UDPRoute rules have no matches to tell them apart);
//     unresolved backendRefs are left out (ResolvedRefs=False), not given
//     a share that refuses connections;
//   - spec.addresses (IPAddress, one per family) request a static VIP.
//
// GatewayStatus renders the Gateway's status (Accepted, Programmed,
// listeners with Accepted/Conflicted/ResolvedRefs/Programmed and attached
// routes, addresses); GatewayResult.Routes holds each route's parent status.
// TranslateLegacyGateway and LegacyGatewayStatus do the same for AKO's
// networking.x-k8s.io/v1alpha1 shape (package svcapi), with AKO's rule that
// every listener's routes.selector.matchLabels carries both gateway labels;
// both API versions take the Gateway Namespace's tenant and (without a
// class parametersRef) AviInfraSetting annotations. GatewayBackendStatus
// and LegacyGatewayBackendStatus give each bound backend Service the
// status.loadBalancer AKO writes on it (the Gateway's VIPs, the listener's
// hostname or the Service's FQDN).
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
//     algorithm, persistence profile, min servers up and SCTP association
//     settings (sctpProxy, below), validated against the port's protocol.
//   - Options.HealthzMonitor checks NodePort-mode nodes of an
//     externalTrafficPolicy Local Service with HTTP /healthz on its
//     healthCheckNodePort.
//   - Options.AutoFQDN (default, flat) and the external-dns hostname
//     annotation give VsVips dns_info and Services a status hostname;
//     Gateway listener hostnames become FQDNs, and (AKO's rule, both
//     Gateway API versions) a listener without one gets the automatic FQDN
//     of each Service it serves (<svc>.<ns>.<subdomain>, or flat
//     <svc>-<ns>.<subdomain>; the Service's own namespace), on the VsVip and
//     in the service_metadata hostnames of the pool and the VirtualService.
//     The external-dns annotation of a Gateway backend is not read (AKO
//     reads it for LoadBalancer Services only).
//   - Every pool server carries AKO's external_uuid "<ip>:<port>" (the
//     server's port: target port, node port or NodePortLocal port).
//   - VIPs follow spec.ipFamilies (or Options.IPFamily): V4_V6 VIPs,
//     IPv6 servers, one preferred address per family in the
//     ako.vmware.com/load-balancer-ip annotation (comma-separated).
//   - AviInfraSettings and the tenant also come from annotations:
//     aviinfrasetting.ako.vmware.com/name on the Service or its Namespace
//     (the Service's wins), ako.vmware.com/tenant-name on the Namespace.
//
// # Tuned SCTP for telco signalling
//
// An SCTP port is served by System-SCTP-Proxy unless its override has
// sctpProxy settings (profiles.SCTPProxySettings: numberOfStreams,
// heartbeatInterval, idleTimeout, receiveWindow, cookieExpirationTimeout,
// maxRetransmissionsAssociation, maxRetransmissionsInitChunks,
// resetTimeout, in the schema's ranges and units). The port then gets its
// own NetworkProfile of type PROTOCOL_TYPE_SCTP_PROXY, created, diffed and
// deleted with the Set (package apply: created before the VirtualService,
// deleted after it stops referring to it), named
// "<virtualservice>-SCTP-<port>-np". It is the port's
// override_network_profile_ref, or the VirtualService's network_profile_ref
// when the port is its only one. Every tuned port has its own profile,
// even when two ports have the same settings: a change to one port's
// settings, or its removal, then touches that port alone. sctpProxy is an
// error on a TCP or UDP port and together with networkProfile (the settings
// make the port's profile). The profile needs controller 22.1.3 or later
// and an Enterprise edition, as every SCTP field of the schema.
//
// Gateway listeners take the same settings from the Gateway's
// avil4.io/listener-overrides annotation (AnnotationListenerOverrides),
// naming each listener by name (v1) or by port (both API versions; v1alpha1
// listeners have no name). An annotation, not the Gateway's
// spec.infrastructure.parametersRef: the GatewayClass's parametersRef
// already names the AviInfraSetting (AKO), a Gateway's would need a CRD of
// avil4's own, and v1alpha1 Gateways have none. An error in it refuses the
// Gateway (Accepted=False, InvalidParameters).
//
// The controller's defaults are RFC 4960's protocol parameters: 10 inbound
// streams, heartbeat every 30 s (also the lowest the schema allows), 10
// association and 8 INIT retransmissions, a 60 s cookie, autoclose off, a
// 256 KB window. Examples for the common signalling protocols, starting
// points to check against the peers' own settings (bundled as
// examples/manifests/telco-sctp-tuning.yaml):
//
//   - NGAP (N2, gNB to AMF, 38412): {numberOfStreams: 16, idleTimeout: 0,
//     receiveWindow: 1024, maxRetransmissionsAssociation: 5}. One long-lived
//     association per gNB carries the signalling of all its UEs, spread
//     over streams (TS 38.412 reserves a stream pair for non-UE signalling),
//     so more streams limit head-of-line blocking; autoclose must stay off,
//     as an idle cell's association must survive quiet hours; a larger
//     window absorbs the re-registration burst after a gNB or AMF restart;
//     giving up after 5 retransmissions instead of 10 lets the gNB move to
//     another AMF sooner (the heartbeat cannot go below 30 s).
//   - S1AP (S1-MME, eNB to MME, 36412): {numberOfStreams: 16, idleTimeout: 0,
//     maxRetransmissionsAssociation: 5}. The same shape as NGAP (TS 36.412
//     makes the same stream reservation), usually with smaller bursts, so
//     the default window.
//   - Diameter (S6a, Gx, Rx, ..., 3868): {numberOfStreams: 10, idleTimeout: 0,
//     receiveWindow: 512}. Peers hold few long-lived associations and watch
//     them with Device-Watchdog messages, so autoclose must stay off and the
//     retransmission limits can stay at the defaults (the watchdog fails
//     over); answers such as a subscriber's profile are larger than NGAP
//     messages, hence the window. Diameter over TCP on the same port is not
//     tuned this way (sctpProxy is refused on TCP).
//
// # Status
//
// ServiceStatus turns a Result and the VIPs the controller holds into the
// Service's status.loadBalancer (ingress IPs; ports[].error for ports that
// cannot be served) and its LoadBalancerPortsError condition.
//
// # What is refused, and why
//
// Every input is validated before anything is built, and every problem is
// reported (not only the first), as a field.Error whose path is rooted at
// the object it is found in: the Service's own fields ("metadata.name",
// "spec.ports[1].name", "apiVersion"), "namespace." for ServiceInput.Namespace,
// "endpointSlices[<ns>/<name>].", "nodes[<name>]." and "pods[<ns>/<name>]."
// for backend inputs, "overrides[<i>]." for ServiceInput.Overrides,
// "options." for Options and "sharedVIPGroup" for a shared-VIP group. Rules
// taken from the API server name their k8s.io/kubernetes (v1.37) function.
//
// Refusing the Service (no Set; nothing the controller holds is changed):
//
//   - apiVersion, kind: when set, not v1 / Service.
//   - metadata (ValidateServiceCreate via apimachinery's ValidateObjectMeta):
//     name required and a DNS-1123 label (RelaxedServiceNameValidation is GA
//     in v1.37; it was a DNS-1035 label before v1.34); namespace required
//     (objects come from a cache, where the API server has defaulted it)
//     and a DNS-1123 label; labels and annotations qualified names. These
//     are checked before the NotOurs decision: a Service whose objects
//     cannot be named is an error whatever its type.
//   - spec.type: not ClusterIP, NodePort, ExternalName, LoadBalancer or ""
//     (validateService); a real other type is NotOurs.
//   - spec.ipFamilies[i]: not IPv4/IPv6, or repeated; spec.ipFamilyPolicy:
//     unknown, or unset/SingleStack with two families
//     (ValidateServiceClusterIPsRelatedFields, initIPFamilyFields). A
//     RequireDualStack Service has both families, as once stored.
//   - with Options.IPFamily set: a family the VIPs lack (spec.ipFamilies[i];
//     for PreferDualStack only when none is served), or RequireDualStack
//     under V4 or V6 (spec.ipFamilyPolicy). AKO builds a VIP without servers.
//   - spec.loadBalancerIP and the ako.vmware.com/load-balancer-ip
//     annotation: not an IP, of a family the VIP or the Service lacks, two of
//     one family, or unspecified, loopback, link-local, multicast or
//     255.255.255.255 (the API server does not check this field).
//   - spec.externalTrafficPolicy, spec.internalTrafficPolicy,
//     spec.sessionAffinity: unknown values; a ClientIP timeout outside
//     1-86400; spec.healthCheckNodePort set without externalTrafficPolicy
//     Local, or out of range (validateServiceExternalTrafficPolicy);
//     spec.selector not labels.
//   - spec.ports: none, or more than 2048 (a VirtualService's limit).
//   - metadata.annotations[ako.vmware.com/application-profile]:
//     System-HTTP, System-Secure-HTTP or System-SSL-Application (HTTP and
//     TLS need TCP) on a Service with a UDP or SCTP port; other names are
//     the user's profiles and pass (AKO checks nothing).
//   - metadata.annotations[ako.vmware.com/enable-shared-vip]: empty or not
//     a DNS-1123 label (it names Avi objects and markers; AKO takes any
//     string). Such a Service joins no group (SharedVIPGroupOf is false).
//   - namespace.metadata.annotations[ako.vmware.com/tenant-name] and
//     options.tenant: "*" (every tenant in X-Avi-Tenant) or another name
//     aviobj.TenantNameProblem refuses (AKO sends it as it is).
//   - avil4.io/port-overrides (path ...[i]) and overrides[i]: an entry that
//     does not decode (unknown field, also one that matches a field only
//     when case is ignored); port (...[i].port) missing, not
//     "<PROTOCOL>/<n>", not TCP/UDP/SCTP, or n outside 1-65535; fields the
//     port's protocol cannot serve; one port twice; sctpProxy
//     (...[i].sctpProxy) on a TCP or UDP port, with networkProfile, with no
//     setting, or a setting outside the schema's range
//     (...[i].sctpProxy.heartbeatInterval: 30-247483647 seconds, ...). An
//     override of a port the Service lacks is a warning with its path.
//   - A Gateway's avil4.io/listener-overrides (path ...[i]): an entry that
//     does not decode, names no listener or names it both by listener and
//     by port, has no sctpProxy, names a TCP or UDP listener, a setting out
//     of range, or one listener twice; the Gateway is refused with
//     InvalidParameters. An entry naming no listener of the Gateway is a
//     warning.
//   - options: clusterName, license, backendMode, ipFamily, autoFQDN,
//     fqdnSubdomain, cloud/seGroup/vrf names (aviobj.NameProblem),
//     nodeSelector labels, bgpPeerLabels without RHI, network CIDRs.
//
// Leaving one port out (Result.Ports says why; the others are served):
// spec.ports[i].name missing with several ports, not a DNS-1123 label, or
// repeated (validateServicePort); port, nodePort, targetPort out of range
// or a bad targetPort name; appProtocol not a qualified name; an unknown
// protocol; (protocol, port) or (protocol, nodePort) repeated; SCTP in
// NodePortLocal mode; no nodePort in NodePort mode.
//
// Leaving one input out, with a warning naming its path (one bad endpoint
// does not take a Service down, and no pool gets a server the controller
// would refuse):
//
//   - endpointSlices[...]: apiVersion not discovery.k8s.io/v1; addressType
//     unknown or empty, or FQDN (no IP to serve); ports[j] with a name that
//     is not a DNS-1123 label or repeats, an unknown protocol, or a number
//     outside 1-65535 (the API server does not check it);
//     endpoints[k].addresses[0] missing, not an IP of the addressType
//     (strict: no zone, no IPv4-mapped form, canonical IPv6), or
//     unspecified, loopback, link-local or multicast (validateEndpoints in
//     pkg/apis/discovery/validation, ValidateEndpointIP).
//   - nodes[...].status.addresses[j].address (NodePort mode): an InternalIP
//     that is not such an IP.
//   - pods[...].metadata.annotations[nodeportlocal.antrea.io] (NodePortLocal
//     mode): not a JSON list; an entry [k] with podPort or nodePort outside
//     1-65535, an unusable nodeIP or an unknown protocol.
//
// Shared-VIP groups: sharedVIPGroup.namespace and .key must be DNS-1123
// labels; each member is validated as above, must agree with the earlier
// members on the preferred IP, the AviInfraSetting and the VIP's IP
// families (spec.ipFamilies, or spec.ipFamilyPolicy when the lists are
// equal), and may not repeat a (protocol, port): each conflict is an error
// on the later member naming the earlier one, and refuses the group.
//
// Gateways, GatewayClasses, TCPRoutes, UDPRoutes, ReferenceGrants, legacy
// v1alpha1 Gateways and AviInfraSettings are checked against the Gateway API
// v1.6.3 CRDs (OpenAPI and CEL rules), AKO's AviInfraSetting CRD and the API
// server's rules for names; a problem of one listener or route refuses only
// it, a Gateway-wide problem refuses the Gateway with the condition reason
// the Gateway API prescribes. The full table (path, rule, source) is in
// REFUSED_GATEWAY.md beside this file; ValidateGateway, ValidateGatewayClass,
// ValidateTCPRoute, ValidateUDPRoute, ValidateReferenceGrant,
// ValidateLegacyGateway, ValidateLegacyGatewayClass and
// ValidateAviInfraSetting return the same errors rooted at the object, for
// webhooks and tests. AviInfraSetting errors carry the setting's own paths
// (spec.network.vipNetworks[0].cidr) and name it.
//
// A last pre-flight check (aviobj.Check) guards every Set returned; its
// errors, "the Avi Controller would refuse the translated objects: ...",
// mean a rule above is missing. The fuzz targets fail on them.
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
//   - Input is validated as the API server and the CRDs would, and every Set
//     passes aviobj.Check (the controller's schema and limits) before it is
//     returned. AKO sends what it builds and learns of a refusal from the
//     controller, after the objects before it were written.
//   - A tenant of "*" or one that would change the meaning of a ref is an
//     error (AKO sends it as X-Avi-Tenant).
//   - Objects are owned by owner and identity (package apply): a same-named
//     object of another Service of the same cluster is a collision error,
//     never taken over; AKO compares created_by only and adopts same-named
//     VsVips.
//   - A member of a shared-VIP group whose spec.loadBalancerClass is another
//     controller's is left out of the group (NotOurs OtherClass) and the
//     other members are still served; AKO deletes the whole group's
//     VirtualService.
//   - With externalTrafficPolicy Local (NodePort mode), a node is a server
//     only when it hosts a ready, not terminating endpoint of the port: a
//     node whose only local endpoint is not ready is left out. AKO keeps
//     every node that hosts an endpoint, ready or not.
//   - A Service (or Namespace) naming an AviInfraSetting that does not exist
//     is refused, with a NotFound error on the annotation; AKO warns and
//     builds the VirtualService with the defaults (another SE group and VIP
//     network than the user asked for).
//   - In ClusterIP mode, not-ready and terminating endpoints are sent as
//     disabled servers (enabled: false), not left out, as AKO does: the
//     controller sees the server and when it becomes ready only enabled
//     changes. In NodePortLocal mode pods that are not ready are left out
//     (AKO too); in NodePort mode servers are nodes, always enabled.
//   - The spec.loadBalancerClass served is an option (Options.LoadBalancerClass,
//     default AKO's "ako.vmware.com/avi-lb"), so avil4 can run beside AKO
//     with a class of its own; AKO's class is fixed.
package l4
