// Package profiles chooses the network and application profiles of an L4
// VirtualService from the protocols of its ports and the controller's
// licence tier.
//
// # Network profiles
//
// A VirtualService has one network_profile_ref. When all its ports share one
// protocol, that protocol decides: System-SCTP-Proxy for SCTP,
// System-UDP-Fast-Path for UDP, and for TCP System-TCP-Proxy (Enterprise
// editions) or System-TCP-Fast-Path (Essentials, Basic, or an unknown tier).
// When protocols mix, the VirtualService takes the TCP profile if any port is
// TCP (else UDP Fast Path), and each UDP or SCTP service port carries an
// override_network_profile_ref to its own protocol's profile. This is AKO's
// rule, with the licence tier an explicit argument instead of a value read
// once from the controller.
//
// # Licences
//
// The controller's schema allows SCTP objects only in Enterprise editions;
// SCTPAllowed tells callers when to warn.
//
// The package is pure: no I/O, no globals.
package profiles
