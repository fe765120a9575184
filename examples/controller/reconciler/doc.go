// Package reconciler holds the reconcilers of avil4's example operator,
// the code to copy when embedding avil4 in an operator of your own.
//
// # One reconcile
//
// Every reconciler does the same four steps:
//
//  1. gather the inputs of the translation from the manager's cache (the
//     Service and its EndpointSlices, Nodes or Pods; or the Gateway, v1 or
//     legacy v1alpha1, its class, routes, grants and backends);
//  2. translate with package l4 (a pure function);
//  3. apply the resulting aviobj.Set with package apply — a converged Set
//     costs reads only and zero writes;
//  4. write the status (l4.ServiceStatus, l4.GatewayStatus,
//     l4.LegacyGatewayStatus, and for a Gateway's backend Services
//     l4.GatewayBackendStatus) only when it changed, so a resync writes
//     nothing to the cluster either.
//
// # Ownership and cleanup
//
// Before the first write to the Avi controller an object gets the finalizer
// avil4.io/avi-objects and an avil4.io/programmed annotation recording what
// was programmed for it (tenant and name). When the object is deleted,
// changes to another type or load balancer class, or leaves a shared-VIP
// group, exactly those Avi objects are removed, then the finalizer. A
// Service that is not ours is never touched: no finalizer, no status.
//
// # Errors
//
// A spec that cannot be served is reported in status (the
// avil4.io/Programmed condition with reason InvalidSpec, the Service API's
// LoadBalancerPortsError, the Gateway API's conditions) and in an event, and
// is looked at again on the next change (not retried hot). Avi controller
// errors are returned, so controller-runtime requeues with backoff; the
// condition says SyncFailed meanwhile (for Gateways: Programmed=False with
// reason SyncFailed on the Gateway and its served listeners, the addresses
// kept). Events use the reasons Synced, SyncFailed, InvalidSpec and Removed,
// and the Warning reasons OverrideIgnored, PortNotServed, TranslationWarning
// and DriftDetected described below.
//
// # Drift repair
//
// The controller's objects can change behind the operator's back (a UI
// edit, a restore, a lost database). Every Config.ResyncPeriod (zero
// disables it) a Resync, running on the leader only, translates every
// programmed Service, shared-VIP group and Gateway again from the cache
// with the reconcilers' own translation, and compares all the Sets with the
// controller in one bulk pass (apply.Applier.PlanAll: a few paged lists per
// tenant and object type; no write when everything is converged). For
// each Set that differs it emits one Warning event DriftDetected per Avi
// object on the Set's owners, naming the object and what changed (missing;
// the fields that differ, with the desired and live values; left over),
// counts it in avil4_drift_repairs_total{kind} (the Avi kind) and hands
// the owner to its reconciler, which repairs the objects with Apply and
// derives the status again from what it applied. Between an out-of-band
// change and the next pass, status still says what was last applied:
// the period bounds how long. avil4_resyncs_total{result} counts the
// passes. Objects whose spec is refused are not compared (their condition
// already says InvalidSpec, and what is programmed is left alone).
//
// # A bad entry never blocks the rest
//
// An invalid entry of the avil4.io/port-overrides annotation (one that does
// not decode, names no valid port, sets a field the port's protocol cannot
// serve, or repeats a port) would make package l4 refuse the whole Service
// and freeze what is programmed, pool membership included. When such
// entries are the only reason a Service (or a shared-VIP member) is
// refused, the reconciler translates it again without them: the other
// ports, and the endpoints of every port, keep being programmed. A port
// whose entry is left out is served with the defaults, exactly as if the
// entry were not there (System profiles and monitor, the default
// load-balancing algorithm); it does not keep the settings an earlier
// valid entry gave it, so what is programmed always follows from the
// annotation as it is now. Each left-out entry is reported with its field
// path (metadata.annotations[avil4.io/port-overrides][i]...) in the
// Degraded condition and a Warning event OverrideIgnored. Any other
// problem still refuses the Service as before.
//
// # Truthful, quiet status
//
// A programmed Service carries, beside avil4.io/Programmed and the Service
// API's LoadBalancerPortsError, the condition avil4.io/Degraded: True when
// something is not served as written, with one line per left-out override
// entry (reason OverrideIgnored), port l4 refused (PortNotServed: SCTP in
// NodePortLocal mode, a port another shared-VIP member already serves)
// and translation warning (TranslationWarning: an override of a port the
// Service lacks, an endpoint left out, SCTP without an Enterprise
// licence), each with its field path; False (ServedAsWritten) otherwise.
// Every line is also a Warning event, emitted once, when it first appears:
// the condition is the memory, so a restart announces nothing again.
// An Avi failure sets Programmed=False (SyncFailed) on a dedicated
// Service and on every member of a shared-VIP group. A shared-VIP member
// of which no port is served says Programmed=False (InvalidSpec).
//
// Status is written only when it changed, compared as the API server
// stores it (ingress ipMode defaulted to VIP, as Kubernetes 1.30 and later
// do), and the Synced event is emitted only with a write to the controller
// or to the status: a restart over converged state makes no Avi write,
// no status write and no event.
//
// A Gateway's refused parts (a listener of an unsupported protocol, a port
// conflict: each field error with its path) and the library's warnings (a
// labelled Service port matching no listener, an ignored ReferenceGrant)
// are Warning events, each sent once: the avil4.io/reported annotation
// keeps fingerprints of what was reported, so a reconcile with nothing new,
// a restart included, sends no event and writes nothing. Deleting a Gateway
// (or handing it to another controller) removes this controller's entries
// for it from its routes' status.parents. A listener served by Services
// labelled ako.vmware.com/gateway-name and -namespace (the only way to
// serve SCTP, which has no route kind) counts them in attachedRoutes.
//
// # Legacy Gateways
//
// When the API server serves networking.x-k8s.io/v1alpha1 GatewayClass and
// Gateway (AKO's services-API CRDs, or the permissive stand-in in
// config/crd/legacy-gateways.yaml, which is not in the default
// kustomization: its names would collide with AKO's CRDs), Setup also
// registers LegacyGatewayClassReconciler and LegacyGatewayReconciler. They
// read the objects as unstructured from the manager's cache (the types'
// Go module is long gone) and convert them to package l4/svcapi's types.
// A class of this controller (spec.controller) gets the Admitted
// condition; a Gateway is translated with l4.TranslateLegacyGateway from
// its class, its Namespace (tenant and AviInfraSetting annotations, as for
// v1 Gateways), the AviInfraSettings and the Services labelled
// ako.vmware.com/gateway-name and -namespace, applied, and gets
// l4.LegacyGatewayStatus (Scheduled, Ready, addresses, listeners by port;
// Ready=False with reason SyncFailed while the Avi controller fails). The
// finalizer, cleanup on deletion or hand-over, Warning events sent once
// and drift repair are those of v1 Gateways. A v1 and a legacy Gateway of
// the same namespace and name would program the same VirtualService: use
// one API per Gateway name.
//
// # Backend Services
//
// AKO writes a Gateway's VIP (and hostname) into status.loadBalancer of
// every Service bound to it. Kubernetes 1.29 and later refuse
// status.loadBalancer.ingress on a Service not of type LoadBalancer, and a
// Gateway backend is not one (a labelled LoadBalancer Service is refused as
// a backend; a LoadBalancer Service a route names keeps the status of its
// own load balancer). So what l4.GatewayBackendStatus and
// l4.LegacyGatewayBackendStatus compute for each bound Service (labelled,
// or named by a route's backendRefs) is written into its condition
// avil4.io/GatewayBackend (ConditionGatewayBackend, reason Bound), one
// entry per Gateway: "Gateway ns/name at 10.0.0.1 (hostname h)", or
// "Gateway.networking.x-k8s.io ns/name at ..." for a legacy one. A Gateway
// edits only its own entry, finds the Services holding one through a cache
// index, removes it when the binding ends (label removed, route changed,
// Gateway refused, deleted or handed over) and the condition with the last
// entry; a Service is written only when its condition changes, and
// status.loadBalancer is never touched.
//
// # Without the Gateway API
//
// Setup asks the API server (the manager's REST mapper) whether it serves
// GatewayClass and Gateway at gateway.networking.k8s.io/v1. If not, it logs
// "Gateway API CRDs not served ..." and registers the Service and
// shared-VIP reconcilers only, so the operator runs on any conformant
// cluster instead of exiting on a cache-sync timeout. TCPRoutes, UDPRoutes
// and ReferenceGrants are watched and read only when served. Discovery runs
// once: installing the CRDs later takes a restart.
//
// # Retries
//
// Every controller uses NewRateLimiter(Config.MaxBackoff): per object,
// exponential from 5 ms to MaxBackoff, within an overall token bucket (10 a
// second, bursts of 100), never more than MaxBackoff. After an outage of
// any length each object is retried within MaxBackoff. Zero MaxBackoff
// keeps controller-runtime's default (which grows to 1000 s).
//
// # Cost
//
// A reconcile reads only from the manager's cache: AviInfraSettings too,
// read as unstructured objects from the informer the watches start (the
// cache-backed client would send unstructured reads to the API server).
// Field indexes (routes by parent Gateway and by backend Service, Gateways
// by class) let a Gateway reconcile read only its routes, its backends and
// their EndpointSlices, and let a Service or EndpointSlice change requeue
// only the Gateways it backs (its gateway labels, the parents of the routes
// naming it). Grant, Namespace, Node and AviInfraSetting changes, which are
// rare, requeue every Gateway. BENCHMARKS.md has the figures with 1,000
// Services.
//
// # What it leaves out
//
// Legacy Gateways are served only when their CRDs are installed when the
// operator starts (discovery runs once). AviInfraSettings are read (as unstructured
// objects, AKO's module being unavailable) only when their CRD is
// installed: AKO's, or the stand-in in config/crd. A route that drops a
// Gateway from its parentRefs keeps the status entry this controller wrote
// for it until the Gateway is deleted or the entry is edited.
package reconciler
