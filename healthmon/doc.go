// Package healthmon chooses and builds the health monitors of L4 pools.
//
// # System monitors
//
// By default every pool a translation creates checks its servers with the
// controller's System monitor for the pool's protocol, as AKO does:
//
//	SCTP  System-SCTP   (HEALTH_MONITOR_SCTP)
//	UDP   System-UDP    (HEALTH_MONITOR_UDP)
//	TCP   System-TCP    (HEALTH_MONITOR_TCP; also for "" and any other protocol)
//
// The pools refer to these monitors by name (System, SystemRefs, Ref); no
// HealthMonitor objects are created for them. SystemType gives the type of a
// System monitor named by a user (System-Ping, System-HTTP, ...), so that
// TypeCompatible can refuse, say, System-UDP on an SCTP pool before the
// controller does.
//
// # Custom monitors
//
// When the defaults do not fit, a Spec describes a monitor for one pool:
// timings (send interval, receive timeout, failed and successful checks), a
// monitor port, and a request to send and a response to expect. Its type
// follows the pool's protocol, so an SCTP pool gets a HEALTH_MONITOR_SCTP
// monitor with an sctp_monitor, a UDP pool a udp_monitor and a TCP pool a
// tcp_monitor. Zero fields are left out of the object, so the controller
// applies its defaults (10 s interval, 4 s timeout, 2 checks each way).
//
//	errs := spec.Validate(path)                                   // the schema's ranges, receiveTimeout < sendInterval
//	hm := healthmon.Build(healthmon.Name(pool), tenantRef, markers, spec)
//	pool.HealthMonitorRefs = []string{healthmon.Ref(hm.Name)}
//
// Validate reports every problem as a field error with the Kubernetes
// phrasing ("must be between 1 and 3600, inclusive", "must be less than
// sendInterval"); the ranges are the HealthMonitor schema's, and a test
// checks that Validate and the schema refuse the same values. Name derives
// the monitor's name from its pool's ("<pool>-hm"), shortened like every
// object name, so each pool owns its monitor and deleting the pool's Service
// tells which monitor to delete. A HealthMonitor has no created_by field:
// give it the pool's markers, whose clustername marker records the owner.
//
// # Healthz: externalTrafficPolicy Local
//
// In NodePort mode the servers of a Service with externalTrafficPolicy:
// Local are nodes, and only nodes with a local endpoint serve it. Healthz
// builds an HTTP monitor sending "GET /healthz HTTP/1.1" to the Service's
// spec.healthCheckNodePort, where kube-proxy answers 200 only on such nodes
// (HTTP_2XX is the schema's spelling of "any 2xx"); this is what
// cloud-provider-openstack does. It checks the node, not the Service's port,
// so it suits SCTP and UDP pools too, and one monitor (HealthzName) serves
// every pool of the Service. Check the port with ValidateHealthz.
//
// # Licences
//
// The schema allows HTTP monitors only in Basic and Enterprise editions, and
// SCTP monitors (sctp_monitor, controller 22.1.3 or later) only in
// Enterprise editions; Essentials allows PING, TCP and UDP. Licensed tells
// which, so a translation can warn before the controller refuses.
//
// # When not to use it
//
// The package builds monitor objects; it does not create them. Creating,
// updating and deleting them, in order before the pools that refer to them,
// is the applier's job. The package is pure: no I/O, no globals.
package healthmon
