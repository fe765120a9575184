// Package aviobj holds avil4's typed Avi Controller objects and the small
// vocabulary around them: the wire types, references, markers, names, the
// Set that one Service or Gateway needs, and semantic comparison.
//
// # Wire types
//
// VirtualService, VsVip, Pool, PoolGroup, L4PolicySet, HealthMonitor and
// NetworkProfile (a tuned SCTP port's, PROTOCOL_TYPE_SCTP_PROXY; with their
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
// field; VsVip, HealthMonitor and NetworkProfile have none, so their
// clustername marker (Markers.List) says who owns them.
//
// The owner is a cluster; the identity markers (IdentityMarkers: Namespace
// with ServiceName or GatewayName, plus Port and Protocol on pools,
// monitors and network profiles) say which Kubernetes object of that cluster an object is made
// for. IdentityOf reads them as an Identity (a Service, a shared-VIP group
// or a Gateway, by namespace and name; only a VirtualService's
// service_metadata tells a Gateway from a shared-VIP group), and
// SameIdentity compares two objects. Two Kubernetes objects can map to the
// same Avi names (the Services a-b/c and a/b-c both give <cluster>--a-b-c):
// package apply uses identities to refuse such a collision instead of
// taking the other's objects over.
//
// # Sets and comparison
//
// A Set lists its objects in creation order (Objects). Equal, Diff and
// CmpOptions compare objects semantically — server-filled fields ignored,
// refs by target, nil and empty slices alike — for the applier and for
// users' own tests.
//
// Every exported function and method accepts zero and nil values without
// panicking (AviName of a nil object is "", Objects and DeepCopy of a nil
// Set are nil, IdentityOf(nil) is the zero Identity).
//
// The package is pure: no I/O, no globals beyond constants and the Checker
// Check uses, a table derived from constants (aviobj's type declarations and
// the schema embedded in the binary) that is built on first use and never
// changed; see NewChecker for holding one's own.
package aviobj

//go:generate go run ./internal/gencheck -out check_gen.go
