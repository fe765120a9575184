// Package healthmon chooses the health monitors of L4 pools by protocol.
//
// Every pool a translation creates checks its servers with the controller's
// System monitor for the pool's protocol:
//
//	SCTP  System-SCTP   (HEALTH_MONITOR_SCTP)
//	UDP   System-UDP    (HEALTH_MONITOR_UDP)
//	TCP   System-TCP    (HEALTH_MONITOR_TCP)
//
// The pools refer to these monitors by name; no HealthMonitor objects are
// created for them. The package is pure: no I/O, no globals.
package healthmon
