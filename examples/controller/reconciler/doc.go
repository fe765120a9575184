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
// condition says SyncFailed meanwhile. Events use the reasons Synced,
// SyncFailed, InvalidSpec and Removed.
//
// # What it leaves out
//
// Gateways are re-translated on any change of their inputs rather than
// through per-Gateway indexes; legacy networking.x-k8s.io/v1alpha1 Gateways
// are translated by package l4 but not reconciled here. AviInfraSettings are
// read (as unstructured objects, AKO's module being unavailable) only when
// their CRD is installed: AKO's, or the stand-in in config/crd.
package reconciler
