// Package reconciler holds the reconcilers of avil4's example operator,
// the code to copy when embedding avil4 in an operator of your own.
//
// # One reconcile
//
// Every reconciler does the same four steps:
//
//  1. gather the inputs of the translation from the manager's cache (the
//     Service and its EndpointSlices, Nodes or Pods; or the Gateway, its
//     class, routes, grants and backends);
//  2. translate with package l4 (a pure function);
//  3. apply the resulting aviobj.Set with package apply — a converged Set
//     costs reads only and zero writes;
//  4. write the status (l4.ServiceStatus, l4.GatewayStatus) only when it
//     changed, so a resync writes nothing to the cluster either.
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
// kept). Events use the reasons Synced, SyncFailed, InvalidSpec, Removed
// and TranslationWarning.
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
// Legacy networking.x-k8s.io/v1alpha1 Gateways are translated by package
// l4 but not reconciled here. AviInfraSettings are read (as unstructured
// objects, AKO's module being unavailable) only when their CRD is
// installed: AKO's, or the stand-in in config/crd. A route that drops a
// Gateway from its parentRefs keeps the status entry this controller wrote
// for it until the Gateway is deleted or the entry is edited.
package reconciler
