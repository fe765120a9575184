// Package aviobj holds avil4's typed Avi Controller objects and the small
// vocabulary around them: the wire types, references, markers, names, the
// Set that one Service or Gateway needs, and semantic comparison.
//
// # Wire types
//
// VirtualService, VsVip, Pool, L4PolicySet and HealthMonitor (with their
// nested types) marshal to exactly the JSON the controller's published
// schema (version 30.2.1) describes: field names, JSON types and enum
// strings. Only the fields an L4 translation sets or reads are modelled; a
// controller fills the rest with its defaults. A value that matters when
// false or zero (traffic_enabled, enable_ssl, a rule index 0) is sent: such
// fields are pointers or have no omitempty. The Alb SDK module cannot be
// downloaded here, so these types are avil4's own.
//
// # References and names
//
// RefByName builds the /api/<kind>/?name=<name> form the controller
// accepts; ParseRef reads every form it returns
// (https://host/api/<kind>/<uuid>#<name> among them) and RefsEqual compares
// them by target. Object names follow AKO (VirtualServiceName, PoolName,
// GroupPoolName) and never exceed the controller's 255 characters:
// ShortenName keeps a readable prefix and adds a hash instead of failing.
//
// # Ownership
//
// CreatedBy ("ako-<cluster>") marks the objects that have a created_by
// field; VsVip and HealthMonitor have none, so their clustername marker
// (Markers.List) says who owns them.
//
// # Sets and comparison
//
// A Set lists its objects in creation order (Objects). Equal, Diff and
// CmpOptions compare objects semantically — server-filled fields ignored,
// refs by target, nil and empty slices alike — for the applier and for
// users' own tests.
//
// The package is pure: no I/O, no globals beyond constants.
package aviobj
