// Package apply is avil4's thin idempotent applier: it takes an aviobj.Set
// (the objects one LoadBalancer Service needs) and makes an Avi Controller
// hold exactly that, with the fewest API calls, touching nothing it does not
// own.
//
//	aviobj.Set --Plan--> Changes (creates, updates with diffs, deletes)
//	           --Apply-> writes, in dependency order --> Result (+ live VIPs)
//
// # Plan
//
// Plan reads the live objects of a Set and compares each with the desired
// one semantically: live bodies are decoded into the aviobj types (fields
// aviobj does not model drop out), refs by name and by uuid are the same
// ref, server fields (uuid, url, _last_modified) are ignored, and a field the
// desired object leaves unset is not a difference when the live value is one
// the controller fills itself (its schema default, false, a defaulted ref,
// an allocated VIP address, port_range_end). Everything else is: an
// out-of-band edit of any owned object shows as an update with a field-level
// diff, and the next Apply repairs it (only those fields: see Limits). Plan writes nothing; Changes prints
// as a dry run and marshals to JSON.
//
// # Apply
//
// Apply plans, then writes: creates and updates in dependency order
// (HealthMonitors, NetworkProfiles, VsVip, Pools, PoolGroups, L4PolicySet,
// VirtualService), then deletes in reverse order the owned objects the Set
// no longer needs (the pool of a removed port, a dropped health monitor, the
// NetworkProfile of a port whose sctpProxy settings were removed), once
// their referrers have been updated. A converged Set costs reads only (five for a Service: the VsVip,
// the L4PolicySet and the VirtualService by name, one list of its pools and
// one of its custom monitors, which also find stray ones; a Gateway or
// shared-VIP group lists its pool groups too) and zero writes.
// Updating a VsVip sends the allocated addresses back, so a VIP never
// moves. The Result lists every object with its outcome (created,
// updated, unchanged, deleted) and the live VIP addresses, for the Service's
// status.
//
// # Pre-flight: all or nothing
//
// Apply, Plan, ApplyAll and PlanAll first run aviobj.Check on the Set (the
// controller's schema facts and limits, names, tenant, owner, refs within
// the Set) and check that every object's identity markers name the Set's
// Kubernetes object. A Set that fails is refused with an *InvalidSetError
// (ErrInvalidSet) listing every problem, before any request: nothing is
// read or written, and the objects of an earlier Apply stay as they were.
// A nil Set is refused the same way; in ApplyAll it fails alone. Delete
// needs only a cluster name and a VirtualService name. ApplyAll remembers
// the Sets that passed by a 128-bit hash of their value (every field of
// every object) and does not check one again while its value is the same
// as in its previous call; a Set changed in any field, in place or not, is
// checked again.
//
// # The controller's version and edition
//
// Apply, Plan, ApplyAll and PlanAll then check the Set against the
// controller (client.Controller: its version, the API version spoken,
// min(controller, client.MaxVersion), and its licence edition, all from
// the login reply, so the check costs no request). A Set using a field
// whose "Field introduced in" is later than the version spoken, an enum
// value or System object introduced later (SCTP: HEALTH_MONITOR_SCTP,
// PROTOCOL_SCTP, the SCTP network profile types, System-SCTP-Proxy,
// System-SCTP-Fast-Path and System-SCTP exist from 22.1.3 on), or a field
// or value the edition does not allow (the schema's "Allowed in ...
// edition" facts; SCTP only in the Enterprise editions) is refused with an
// *UnsupportedError (ErrUnsupported) naming every object and field, before
// any read or write of the Set's objects. The schema allows markers and
// L4 policy protocol matches only in the Enterprise editions and markers
// only from 20.1.3 on, and avil4's Sets always carry both: no Set can be
// applied to an Essentials or Basic controller, nor to one older than
// 20.1.3. A tuned SCTP port's NetworkProfile (profile.sctp_proxy_profile,
// PROTOCOL_TYPE_SCTP_PROXY) needs 22.1.3.
//
// # Ownership
//
// An object is the Set's only when two things match.
//
// Its owner: created_by equals the Set's CreatedBy (VirtualService, Pool,
// PoolGroup, L4PolicySet); for VsVip, HealthMonitor and NetworkProfile,
// which have no created_by, the clustername marker equals the Set's
// ClusterName. Another owner's object
// under one of the Set's names is a *ForeignObjectError.
//
// Its identity: the Kubernetes object it is made for (aviobj.IdentityOf,
// aviobj.IdentityMarkers). Two Kubernetes objects of one cluster can map to
// the same Avi names: the Services a-b/c and a/b-c both give
// <cluster>--a-b-c, a Service web and a shared-VIP key web of one namespace
// both give <cluster>--<ns>-web, and so do a Gateway and a shared-VIP key
// of one name. So the applier compares, per kind:
//
//   - VirtualService and L4PolicySet: the identity markers Namespace with
//     ServiceName (a dedicated Service) or GatewayName (a Gateway or a
//     shared-VIP group) must equal the desired object's; a VirtualService's
//     service_metadata must also agree on Gateway ({"gateway":"ns/name"})
//     versus shared-VIP group. Port and Protocol markers of a policy set
//     list what it serves and are not identity, nor is InfrasettingName.
//   - Pool: Namespace, ServiceName, Port, and Protocol and GatewayName when
//     present, must equal the desired pool's (a missing or extra marker is
//     a difference).
//   - PoolGroup (a Gateway listener's weighted backends): Namespace,
//     Port, Protocol and GatewayName, as for a pool without ServiceName.
//   - HealthMonitor: the same, when it has identity markers (the monitors
//     l4 builds carry their pool's or Service's); one without them is
//     judged like a VsVip, by the pools that refer to it.
//   - NetworkProfile (a tuned SCTP port's, named "...-<PROTOCOL>-<port>-np"):
//     Namespace, ServiceName or GatewayName, Port and Protocol must equal
//     the desired profile's. A stale one is found through the live
//     VirtualService's network_profile_ref and override_network_profile_ref;
//     refs to other names (System and user profiles) are not followed.
//   - VsVip: it carries only clustername (as with AKO), so it is the Set's
//     when the VirtualServices referring to it are: the Set's own live
//     VirtualService referring to it settles it with no read; otherwise one
//     refers_to list finds the referrers. A VsVip (or markerless monitor)
//     of the Set's owner that nothing refers to is an orphan left by a run
//     that stopped before its VirtualService was written, and is adopted,
//     as AKO does; one that another Kubernetes object's VirtualService uses
//     is not.
//
// A same-named object of the Set's owner made for another Kubernetes
// object is a *CollisionError, matching both ErrCollision and
// ErrForeignObject, found before any write; its message names both:
//
//	virtualservice "c1--a-b-c" belongs to Service a-b/c, not to Service a/b-c: rename one of them: name collision
//
// A Gateway and a shared-VIP group of one namespace and name carry the same
// markers on every object but the VirtualService; the applier judges the
// VirtualService first, so the collision is reported there. Objects whose
// markers an admin edited by hand are judged by what the markers now say:
// a VirtualService whose ServiceName was changed belongs to that Service.
//
// Nothing is ever taken over: Apply, Plan and ApplyAll stop with the error
// (ApplyAll for that Set only; of two Sets of one call naming the same
// object for different Kubernetes objects, the later one fails), and
// Delete, DeleteKey and DeleteAll leave the object alone, together with
// everything a VirtualService that is not the Set's refers to and, when it
// has the Set's owner, every object whose markers cannot tell its
// Kubernetes object from the Set's. Retrying does not help. To resolve a
// collision, rename one of the two Kubernetes objects — the Service (or
// move it to another namespace), the shared-VIP key in the annotation
// ako.vmware.com/enable-shared-vip, or the Gateway — then delete the old
// one's objects (the operator does that when the old name goes away); the
// other keeps its objects and VIP untouched throughout.
//
// A Key carries the identity of its Set (KeyOf), so DeleteKey, once the
// VirtualService is gone, still removes only that Kubernetes object's
// pools. A Key recorded without identity (by an earlier version, or built
// by hand) is handled cautiously: DeleteKey removes only the objects named
// after it (the VirtualService, VsVip and L4PolicySet of its name, the
// pools "<name>-<PROTOCOL>-<port>" and what its live objects refer to)
// whose identity markers are absent or name a Kubernetes object whose
// VirtualService carries the Key's name; a same-prefix pool of another
// Service, or an object whose markers were pointed elsewhere, stays. Such
// a Key cannot tell apart two Kubernetes objects whose names coincide:
// record KeyOf(set) again, and compare Keys with Key.SameSet, not ==.
//
// # Failures
//
// An update the controller answers with 412 "Need to reload object data"
// (another writer changed the object meanwhile, as AKO sees on VsVips) is
// read again and retried, at most MaxStaleRetries (3) times; the VsVip's
// allocated addresses come from the fresh read.
//
// The client retries transient failures; what still fails stops Apply with
// the objects written so far left in place. Writes go in dependency order
// (monitors, VsVip, pools, pool groups, policy set, VirtualService, then
// deletes), so
// every prefix of a run leaves objects that carry the Set's names, owner
// and identity and that nothing of another Set refers to: the next Apply
// adopts them (a POST whose reply was lost answers 409 on retry and is
// re-read and judged) and converges, and Delete finds and removes them.
// Pools, pool groups and custom monitors left behind by a run that stopped
// between
// dropping a reference and deleting its target are found again: for a
// dedicated Service by name prefix, for a shared-VIP group or Gateway by
// its GatewayName marker, and kept only when their owner and identity are
// the Set's. The fault-injection tests fail every write of several changes
// in turn and check that a re-run leaves exactly the desired objects.
//
// # Delete
//
// Delete (by Set) and DeleteKey (by Key, when the Service is gone) remove
// the Set's objects (owner and identity, as above) in reverse dependency
// order: VirtualService, L4PolicySet, PoolGroups, Pools, VsVip, NetworkProfiles,
// HealthMonitors. An
// object already gone (404) is fine; same-named objects of other owners or
// other Kubernetes objects are left alone.
//
// # Many Sets
//
// Applier is safe for concurrent use. ApplyAll, PlanAll and DeleteAll work
// on many Sets: they read each object type once per tenant with paged lists
// (so a no-op resync of a thousand Services costs a few dozen list pages and
// no writes) and process the Sets with bounded concurrency, reporting the
// failed ones as *SetError (see FailedSets) without stopping the rest.
// Each listed object is compared with its desired one as its page
// arrives; an unchanged object is then held only as a reference to the
// desired one (plus its uuid), so the memory of a resync grows with the
// objects that differ, not with all those listed.
//
// An Applier also remembers, between bulk calls, each listed object it
// found equal to its desired objects: a 128-bit hash of the object's wire
// form as listed and of the desired objects' values. When the next
// resync lists the very same bytes for the very same desired objects, the
// object is not decoded or compared again (equality is a function of the
// two). Any change on the controller (an admin's edit, anything that moves
// _last_modified, another controller version's rendering) or in the Sets
// changes a hash, and the object is read and compared in full; a
// controller that renders an unchanged object differently on every list
// only loses the saving. The memo holds the objects the last list of each
// tenant returned (about 450 bytes an object) and is dropped past a
// million entries. A new Applier (after a restart) starts without it.
// The lists themselves go through client.ListBorrowed (nothing of a page
// is kept once its objects are indexed: what is kept is copied), and the
// Client's page memo skips the syntax scan of a page whose bytes it has
// read before, so a warm resync of an unchanged controller reads, hashes
// and looks up each object without scanning or decoding it.
//
// The heap of a resync is the Sets (the caller's) plus what the applier
// holds, and with the default GC the process grows to about twice that;
// an operator that must stay under a container's memory limit should set
// GOMEMLIMIT a little below it (BENCHMARKS.md: 10,000 Services resync in
// 239 MiB RSS with GOMEMLIMIT=225MiB, about 400 MiB without, at more CPU).
//
// # Choosing a concurrency
//
// The objects of one Set are written one after another (each may refer to
// the one before), so Options.Concurrency is the number of requests in
// flight during a first sync or a large repair, and a bulk call of W writes
// takes at least W x RTT / Concurrency. Requests in flight beyond what the
// controller itself serves in parallel only queue there, so:
//
//   - start from the default, 8: at 5 ms that is at most 1,600 requests a
//     second (AKO likewise sends one object's calls in sequence, one Avi
//     client per worker bucket, the buckets in parallel);
//   - raise it in proportion to the RTT when the controller is far away
//     (16 for 10 ms, 32 for 20 ms), and stop raising it when the wall time
//     of ApplyAll stops falling or the controller answers 429 or 5xx (the
//     client backs off and retries those, which is slower than waiting);
//   - lower it for a controller shared with other automation.
//
// BenchmarkFirstSync measures the first sync of 1,000 Services against its
// floor at 8 and 16; BENCHMARKS.md has the figures.
//
// # Limits
//
// A Set's objects must live in one tenant. Fields aviobj does not model are
// not compared; an update sends the live object as read, with the Set's
// own fields put over it, so those fields keep their live values (an
// analytics policy or a DataScript set by an admin survives a repair). The
// Set's own fields are the top-level fields of its aviobj type, set when
// the Set gives them and removed (the controller's default) when it does
// not; a list or sub-object among them (services, servers, vip, rules) is
// replaced whole (TestOwnedFieldsDoc checks this list against the code):
//
//   - VirtualService: name, tenant_ref, cloud_ref, created_by, description,
//     application_profile_ref, network_profile_ref, se_group_ref,
//     vrf_context_ref, vsvip_ref, pool_ref, services, l4_policies, enabled,
//     traffic_enabled, remove_listening_port_on_vs_down, enable_rhi,
//     bgp_peer_labels, east_west_placement, ign_pool_net_reach,
//     service_metadata, markers, type.
//   - VsVip: name, tenant_ref, cloud_ref, vrf_context_ref, tier1_lr,
//     east_west_placement, bgp_peer_labels, dns_info, vip, markers.
//   - Pool: name, tenant_ref, cloud_ref, created_by, description, vrf_ref,
//     tier1_lr, enabled, sni_enabled, graceful_disable_timeout,
//     default_server_port, lb_algorithm, lb_algorithm_hash,
//     lb_algorithm_consistent_hash_hdr,
//     application_persistence_profile_ref, min_servers_up,
//     health_monitor_refs, placement_networks, servers, service_metadata,
//     markers.
//   - PoolGroup: name, tenant_ref, cloud_ref, created_by, description,
//     members, service_metadata, markers.
//   - L4PolicySet: name, tenant_ref, created_by, description,
//     is_internal_policy, l4_connection_policy, markers.
//   - HealthMonitor: name, tenant_ref, description, type, send_interval,
//     receive_timeout, failed_checks, successful_checks, monitor_port,
//     tcp_monitor, udp_monitor, sctp_monitor, http_monitor, markers.
//   - NetworkProfile: name, tenant_ref, description, profile, markers.
//
// Unmodelled fields inside those (services[].enable_http2, ...) are reset
// by an update of the list that holds them. Objects without
// identity markers are the Set's only as its own desired objects (same
// name, no markers either), as orphans (VsVip, monitors) or under a Key
// without identity; a stray pool must carry them to be found.
//
// # Zero values
//
// No exported function or method panics on zero or nil input: a nil or
// zero Applier (or New(nil, ...)) returns ErrNoClient, KeyOf(nil) is the
// zero Key, nil *Result and *Changes report nothing, and FailedSets(nil)
// is empty.
package apply

//go:generate go run ./internal/genvaluehash -out valuehash_gen.go
