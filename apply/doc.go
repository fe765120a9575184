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
// diff, and the next Apply repairs it. Plan writes nothing; Changes prints
// as a dry run and marshals to JSON.
//
// # Apply
//
// Apply plans, then writes: creates and updates in dependency order
// (HealthMonitors, VsVip, Pools, L4PolicySet, VirtualService), then deletes
// in reverse order the owned objects the Set no longer needs (the pool of a
// removed port, a dropped health monitor), once their referrers have been
// updated. A converged Set costs reads only (four for a Service: the VsVip,
// the L4PolicySet and the VirtualService by name and one list of its pools)
// and zero writes. Updating a VsVip sends the allocated addresses back, so a
// VIP never moves. The Result lists every object with its outcome (created,
// updated, unchanged, deleted) and the live VIP addresses, for the Service's
// status.
//
// # Ownership
//
// Objects with created_by (VirtualService, Pool, L4PolicySet) are ours when
// it equals the Set's CreatedBy; VsVip and HealthMonitor, which have no
// created_by, when their clustername marker equals the Set's ClusterName.
// Only owned objects are updated or deleted. An object with a Set's name and
// another owner stops that Set with a *ForeignObjectError
// (ErrForeignObject) naming it, before any write: it is never adopted, and
// retrying does not help until someone renames one of them.
//
// # Failures
//
// The client retries transient failures; what still fails stops Apply with
// the objects written so far left in place. They carry the Set's names and
// owner, so the next Apply adopts them (a POST whose reply was lost answers
// 409 on retry and is re-read) and converges, and Delete finds and removes
// them. Pools left behind by a run that stopped between dropping a port's
// rule and deleting its pool are found again by name prefix and markers.
//
// # Delete
//
// Delete (by Set) and DeleteKey (by Key, when the Service is gone) remove
// the owned objects in reverse dependency order: VirtualService,
// L4PolicySet, Pools, VsVip, HealthMonitors. An object already gone (404)
// is fine; same-named objects of other owners are left alone.
//
// # Many Sets
//
// Applier is safe for concurrent use. ApplyAll, PlanAll and DeleteAll work
// on many Sets: they read each object type once per tenant with paged lists
// (so a no-op resync of a thousand Services costs a few dozen list pages and
// no writes) and process the Sets with bounded concurrency, reporting the
// failed ones as *SetError (see FailedSets) without stopping the rest.
//
// # Limits
//
// A Set's objects must live in one tenant. Two Sets of one bulk call must not
// name the same object. A Set whose pools are not named "<set name>-..."
// (gateway groups) relies on refs alone to find stale pools. Fields aviobj
// does not model are not compared, and a PUT resets them to their defaults.
package apply
