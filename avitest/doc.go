// Package avitest is an in-memory Avi Controller for tests: an HTTPS server
// (httptest) that speaks the controller's REST protocol closely enough for
// package client and package apply, and for users' own tests of code built on
// them.
//
//	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
//	defer fake.Close()
//	c, _ := client.New(client.Options{URL: fake.URL(), Username: fake.Username(),
//		Password: client.Password(fake.Password()), CAPool: fake.CertPool()})
//
// # What it models
//
//   - Sessions: POST /login (JSON or form) sets csrftoken, sessionid and
//     avi-sessionid; /api/ requests without a session get 401; writes need
//     X-CSRFToken matching the csrftoken cookie (else 401 with the plain-text
//     "CSRF token missing or incorrect.") and a Referer (else 403);
//     POST /logout; ExpireSessions.
//   - Versions: X-Avi-Version is required, echoed in AVI_API_VERSION, and one
//     newer than the controller's (WithVersion; default the embedded schema's)
//     is refused with 400.
//   - Tenants: X-Avi-Tenant or X-Avi-Tenant-UUID (admin by default, WithTenants
//     adds more); objects are isolated per tenant, admin's system objects are
//     visible from all; an unknown tenant gets 403 "Tenant 'x' does not
//     exist!"; "*" lists every tenant.
//   - Objects: the writable types are those of the embedded schema
//     (VirtualService, VsVip, Pool, PoolGroup, L4PolicySet, HealthMonitor,
//     NetworkProfile, ApplicationProfile). Bodies are validated against the
//     schema facts (unknown fields, types, enums, ranges, required and
//     read-only fields: 400). POST answers 201 with a Location header, uuid
//     "<type>-<uuid4>", url and _last_modified; PUT replaces the whole object
//     (200); DELETE answers 204. Names are unique per type and tenant (409).
//   - Refs: accepted by name (/api/pool/?name=x), by uuid (/api/pool/<uuid>),
//     as the controller's own URL (https://host/api/pool/<uuid>#x) or as a
//     bare uuid; stored by uuid and rendered as URLs, with #name when the
//     query has include_name and always in POST and PUT replies. A ref to a
//     missing object is a 400 "<Type> object not found!"; deleting an object
//     still referred to is a 403 "Cannot delete, object is referred by:
//     ['Pool p', ...]".
//   - Server-side defaults: the schema defaults of every absent field (and
//     false for booleans without one), the tenant, Default-Cloud, the global
//     VRF, Default-Group, System-HTTP, System-TCP-Proxy and
//     System-Analytics-Profile refs, services[].port_range_end = port,
//     servers[].hostname = the address, vip[].vip_id "0". Clients comparing
//     what they sent with what they read back must cope with these, as with
//     a real controller.
//   - System objects (tenant admin): Default-Cloud, vrfcontexts global and
//     management, Default-Group, System-Analytics-Profile; network profiles
//     System-TCP-Proxy, System-TCP-Fast-Path, System-UDP-Fast-Path,
//     System-UDP-Proxy, System-SCTP-Proxy, System-SCTP-Fast-Path; application
//     profiles System-L4-Application, System-HTTP, System-Secure-HTTP,
//     System-SSL-Application; health monitors System-TCP, System-UDP,
//     System-SCTP, System-Ping, System-HTTP. They cannot be changed or deleted.
//   - VIPs: a VsVip vip with auto_allocate_ip gets the next free address of the
//     network named by ipam_network_subnet.network_ref (WithNetwork) or of the
//     default range of its family (WithVIPRange), in the POST or PUT reply;
//     "No available free IPs" (400) when the range is full; static addresses
//     are reserved and must be free; DELETE frees them.
//   - Lists: page (1-based) and page_size (1-200, default 25), count, an
//     absolute next link keeping the query; filters name, name.contains,
//     name.icontains, name.in, uuid, uuid.in, created_by,
//     label_key/label_value (markers), refers_to and referred_by; a list
//     without matches is 200 with count 0.
//   - Observation: Calls counts the /api/ requests per method and type (list
//     pages apart, logins not counted); Logins, Faults, Names, Count, Object,
//     Decode and VIPs read the state; Seed, Edit and Remove change it out of
//     band, as another client or a UI user would, without being counted.
//   - Faults: WithFault and SetFault install FaultFunc rules consulted for
//     every request (nil passes through): latency, status replies, session
//     expiry, connections dropped before or after the request took effect,
//     and hangs until the client times out. RandomFaults picks them at a
//     rate with a seed; FailNth targets one request. WithLatency delays every
//     API call.
//
// # What it does not model
//
//   - PATCH (405), Slug, fields, skip_default, join_subresources, sort and the
//     other list parameters (ignored); the runtime, inventory and
//     analytics endpoints; /api/initial-data and /api/cluster/status.
//   - Token and basic authentication, user roles and permissions, idle
//     timeouts (use ExpireSessions or a fault) and 419.
//   - Version-dependent validation: every field of the embedded schema is
//     accepted at every X-Avi-Version (a real controller refuses fields
//     introduced after the requested version, and SCTP before 22.1.3).
//   - Licence tiers, clouds other than Default-Cloud, VRFs per cloud, service
//     engines and placement: nothing is ever deployed or becomes "up".
//   - Cross-field rules beyond the schema (e.g. receive_timeout below
//     send_interval), and the 412 "Need to reload object data" of stale
//     VsVip updates.
//   - What a real controller does when a PUT omits an allocated VIP address
//     is unknown: the fake allocates a new one, so clients must send the
//     address back (package apply does) to keep it. It lets a PUT change a
//     static address, which a real controller may refuse with 400.
//   - Message texts other than those quoted above are approximations.
//
// # Zero values
//
// New panics on an invalid option, as httptest.NewServer does when it
// cannot listen; Start returns those failures as errors. The methods of a
// nil or zero Server (one not made by New) do not panic: they return zero
// results, and Seed, Edit and Remove an error.
//
// When in doubt, test against a real controller as well: the fake is for fast,
// deterministic tests of the client and applier logic.
package avitest
