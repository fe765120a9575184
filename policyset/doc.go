// Package policyset builds the L4PolicySet rules that route each
// (protocol, port) of an L4 VirtualService to its pool.
//
// One rule per port, in port order, indexed from 0:
//
//	name    SCTP-38412
//	match   port IS_IN [38412], protocol IS_IN PROTOCOL_SCTP
//	action  L4_RULE_ACTION_SELECT_POOL -> /api/pool/?name=<pool>
//
// Matching on the protocol as well as the port is what lets one VIP serve
// TCP/53 and UDP/53 (or SCTP, TCP and UDP on one number) from different
// pools. Rule names are "<PROTOCOL>-<port>", unique within a set and stable
// across translations (AKO names rules after the pool ref string; that was a
// quirk, not a contract).
//
// Port is the (protocol, port) key the rest of avil4 uses too. The package is
// pure: no I/O, no globals.
package policyset
