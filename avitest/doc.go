// Package avitest is an in-memory Avi Controller for tests: an HTTPS server
// (httptest) that speaks the controller's REST protocol closely enough for
// package client and package apply, and for users' own tests of code built on
// them.
//
//	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
//	defer fake.Close()
//	applier := apply.New(fake.Client(t), apply.Options{})
//
// or, in one call, fake, applier := applytest.New(t, apply.Options{})
// (package apply/applytest: avitest cannot import apply, whose own tests
// use the fake). Client fails the test when the client cannot be made;
// NewClient returns the error instead, and ClientOptions gives the
// client.Options to change (tenant, version, timeouts) before client.New.
// Object types are named by aviobj.Kind (aviobj.KindPool, or "pool").
//
// # What it models
//
//   - Sessions: POST /login (JSON or form) sets csrftoken, sessionid and
//     avi-sessionid and returns the version and system_config (with
//     default_license_tier); /api/ requests without a session get 401;
//     writes need X-CSRFToken matching the csrftoken cookie (else 401 with
//     the plain-text "CSRF token missing or incorrect.") and a Referer (else
//     403); basic authentication (Authorization: Basic) is accepted instead
//     of a session, without CSRF, as the recorded 20.1.1 controller did;
//     POST /logout; PUT /api/useraccount {old_password, password} changes
//     the caller's password; ExpireSessions.
//   - Paths: runs of slashes count as one (//api/pool is /api/pool, what
//     Avi's Go SDK sends for a path with a leading slash).
//   - Controller endpoints: GET /api/initial-data (version) and
//     /api/cluster/status (a one-node cluster, up), both without a
//     session; GET and PUT /api/systemconfiguration, a singleton whose
//     default_license_tier is the edition (a PUT changes it; an empty PUT
//     changes only _last_modified, as recorded).
//   - Versions (WithVersion; default the embedded schema's, 30.2.1):
//     X-Avi-Version is echoed in AVI_API_VERSION; one newer than the
//     controller's is refused with 400; a request without it is served at
//     DefaultAPIVersion 16.4.2 and echoed "16_4_2", as recorded. A body
//     field whose "Field introduced in" is later than the request's version
//     gets the controller's 400 "Incoming request (v21_1_4) has field
//     (sctp_monitor) introduced in later versions(v22_1_3)."; the SCTP enum
//     values count as introduced in 22.1.3 (the schema dates fields only).
//     Replies leave out the fields introduced after the request's version.
//     Before 22.1.3 (SCTPVersion) the SCTP System objects do not exist.
//   - Editions (WithEdition; default ENTERPRISE): a field or value the
//     schema's "Allowed in ... edition" facts do not allow in the edition
//     is refused with 400 (a field the edition may not set is accepted at
//     its default value), and so is a ref to a System object whose own
//     body the edition does not allow (System-SCTP-Proxy,
//     System-SCTP-Fast-Path, System-SCTP outside Enterprise).
//   - Tenant headers: X-Avi-Tenant or X-Avi-Tenant-UUID (admin by default,
//     WithTenants adds more); objects are isolated per tenant, admin's system objects are
//     visible from all; an unknown tenant gets 403 "Tenant 'x' does not
//     exist!"; "*" lists every tenant.
//   - Objects: the writable types are those of the embedded schema
//     (VirtualService, VsVip, Pool, PoolGroup, L4PolicySet, HealthMonitor,
//     NetworkProfile, ApplicationProfile), plus SSLKeyAndCertificate and
//     Tenant, stored without validation (a certificate's key reads
//     "<sensitive>"; a tenant has no tenant_ref, and local sent as the
//     string "true" is stored as true). Bodies are validated against the
//     schema facts (unknown nested fields, types, enums, ranges, required
//     fields: 400). What a controller ignores is ignored, so that a GET
//     reply can be sent back: read-only fields (url, _last_modified, ...)
//     and unknown top-level fields (the recorded 20.1.1 controller accepted
//     application_profile_name and fields the 30.2.1 schema dropped), and a
//     missing vip[].vip_id is "0". POST answers 201 with a Location header,
//     uuid "<type>-<uuid4>" (or the Slug header's), url and _last_modified;
//     PUT replaces the whole object (200); PATCH applies {"add": {...}},
//     {"replace": {...}} and {"delete": {...}} to top-level fields (on a
//     list add appends, replace swaps and delete removes the given
//     entries; on other fields add and replace set and delete removes) and
//     validates the result like a PUT; DELETE answers 204. Names are unique
//     per type and tenant (409).
//   - Tenants: POST /api/tenant and DELETE /api/tenant/<uuid> from admin;
//     a tenant holding objects cannot be deleted (403, the objects refer to
//     it).
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
//     without matches is 200 with count 0. Objects are listed in creation
//     order from a per-type index, and the matches of a query are kept
//     until the store changes, so each further page of a list costs
//     O(page_size), whatever the number of objects.
//   - Speed: the Server's lock is held only while the store is read or
//     changed. Request bodies are read, decoded, checked against the
//     schema and defaulted before it is taken; replies are rendered,
//     encoded and written after it is released.
//   - Recordings: TestReplayRecordings replays every exchange of
//     ../shared/avi-recordings (a real 20.1.1 controller) and compares
//     status codes and key fields; its allow-list says where the fake
//     differs and why.
//   - Observation: Calls counts the /api/ requests per method and type (list
//     pages apart, logins not counted); Logins, Faults, Names, Count, Object,
//     Decode and VIPs read the state; Seed, Edit and Remove change it out of
//     band, as another client or a UI user would, without being counted.
//   - Faults: WithFault and SetFault install FaultFunc rules consulted for
//     every request (nil passes through): latency, status replies, session
//     expiry, connections dropped before or after the request took effect,
//     hangs until the client times out, and the 412 "Need to reload object
//     data <Type>" of an update racing another writer (Fault.Stale,
//     StaleUpdates). RandomFaults picks them at a rate with a seed; FailNth
//     targets one request. WithLatency delays every API call.
//
// # What it does not model
//
//   - PATCH of nested fields (the Avi API allows depth 1 only), fields,
//     skip_default, join_subresources, sort and the other list parameters
//     (ignored); the runtime, inventory and analytics endpoints; every
//     other part of /api/systemconfiguration (stored as sent, not
//     validated) and of /api/cluster/status (always up).
//   - Token authentication, portal_configuration.allow_basic_authentication
//     (basic authentication always works), user roles and permissions,
//     idle timeouts (use ExpireSessions or a fault) and 419.
//   - Fields removed or renamed after a release (the schema is 30.2.1's:
//     a field it no longer has is unknown at every version), and licence
//     limits beyond the schema's edition facts (counts of virtual services,
//     service engines). Nested unknown fields are refused, which a real
//     controller may not do.
//   - What a controller derives from an SSLKeyAndCertificate: the PEM is
//     not parsed (no issuer, subject, fingerprint or expiry), and a key
//     sent back as "<sensitive>" replaces the stored one.
//   - Clouds other than Default-Cloud, VRFs per cloud, service engines and
//     placement: nothing is ever deployed or becomes "up".
//   - Cross-field rules beyond the schema (e.g. receive_timeout below
//     send_interval). A stale update is detected only when a fault says
//     so: the fake never compares _last_modified, and what exactly a real
//     controller compares is not known.
//   - What a real controller does when a PUT omits an allocated VIP address
//     is unknown: the fake allocates a new one, so clients must send the
//     address back (package apply does) to keep it. It lets a PUT change a
//     static address, which a real controller may refuse with 400.
//   - Message texts other than those quoted above are approximations, in
//     particular those of edition refusals and of enum values newer than
//     the request.
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
