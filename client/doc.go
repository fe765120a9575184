// Package client is a small, safe REST client for the Avi Controller (NSX
// Advanced Load Balancer) API: a session, typed errors, paging and retries,
// and nothing else. It knows no object semantics; package apply builds the
// idempotent applier on top of it.
//
// # Session
//
// New checks the Options and returns a Client without contacting the
// controller; its errors match ErrInvalidOptions. The first call (or Login) posts the credentials to /login and
// keeps the csrftoken and sessionid (or avi-sessionid) cookies of the reply.
// Every later request carries the cookies, the X-CSRFToken header and a
// Referer (which the controller demands on writes), X-Avi-Version and
// X-Avi-Tenant.
//
// # Versions and editions
//
// When Options.Version is empty the client speaks min(the controller's
// version, MaxVersion): the controller reports its version in the login
// reply (or, when that has none, in /api/initial-data), and MaxVersion
// (30.2.1) is the newest API avil4 is built for, so a newer controller is
// spoken to as 30.2.1 (as AKO caps its version) and an older one in its own
// version, which is the newest it accepts. The login reply also carries the
// licence edition (system_config.default_license_tier; else
// /api/systemconfiguration is read). Controller returns all three;
// package apply uses them to refuse, before any write, a Set the
// controller's version or edition does not have (SCTP before 22.1.3 or
// outside Enterprise).
//
// A 401 or 419 reply means the session expired: the client logs in again
// once and repeats the request. Concurrent requests that hit the same
// expiry share one re-login. Bad credentials are not retried.
//
// # Retries
//
// 5xx, 408 and 429 replies, attempt timeouts (Options.Timeout) and transport
// errors (reset, refused or dropped connections) are retried up to
// RetryPolicy.MaxAttempts times with exponential backoff and jitter,
// honouring Retry-After. The caller's context bounds everything: a
// cancelled context stops a request and a backoff at once. Certificate
// errors are never retried. A retried POST whose first attempt did reach the
// controller answers 409; callers that create objects must re-read by name
// (package apply does).
//
// # Errors
//
// A reply with a non-2xx status is an *Error carrying the status code, the
// request and the controller's own text ("Pool object not found!", "Cannot
// delete, object is referred by: [...]"). Branch with errors.Is on the
// sentinels ErrNotFound, ErrConflict, ErrUnauthorized, ErrForbidden,
// ErrBadRequest and ErrInUse, or with IsNotFound, IsConflict and IsInUse.
// GetByName reports a missing object as ErrNotFound too (the controller
// answers 200 with an empty list).
//
// The text kept from an error body is the "error" (or "detail") member of a
// JSON reply, the plain text of one such as the CSRF 401 ("CSRF token
// missing or incorrect."), or the title of an HTML page a proxy sent
// instead; it is cut to about 1 KiB and cleaned to one line of valid UTF-8
// without control characters, so it is safe in logs. A 2xx reply the client
// cannot read (a body that is not the expected JSON, a list page whose next
// link leaves the collection or repeats a page, a login reply without usable
// session cookies or with a version that cannot be sent back) is a
// *DecodeError.
//
// Calls refused before anything is sent match ErrInvalidClient (a nil or
// zero Client), ErrInvalidArgument (a nil context or callback, an empty
// kind, uuid or name, a nil body for Create or Update, an out that is not a
// non-nil pointer) or ErrInvalidTenant (see Tenants). No exported function
// or method panics on nil or zero arguments; those that return no error
// return "" or false.
//
// # Lists
//
// List follows the controller's pages (page_size 200, the largest allowed)
// and always asks for include_name, so refs read back carry their target's
// name (https://host/api/pool/<uuid>#<name>). The absolute next links are
// re-issued against the Client's own base URL, never another host, and must
// stay in the listed collection without repeating a page. GetByName uses the
// object of the reply with exactly the name asked for. A page is checked and
// split into its objects in one pass that decodes nothing (each object's JSON
// is a sub-slice of the page, not a copy); ListDecoded then decodes each
// object into its type. A Client (and the Clients WithTenant makes from it)
// remembers how the pages it read split, by a 128-bit hash of their bytes:
// a page whose bytes are the same as one read before is split as it was,
// without being scanned, and any changed byte makes it read in full. The
// memory is bounded (4,096 pages and 2^20 objects, about 8 MB; the oldest
// are forgotten first). ListBorrowed is List for a caller that keeps
// nothing of a raw object beyond its callback: each page is read into the
// buffer of the one before (and of an earlier call), so a listing of tens
// of thousands of objects allocates a few pages, not all of them.
//
// # Security
//
// The controller URL must be https://host[:port] and nothing more: New
// refuses an empty URL, one without a host, with user info
// (https://admin:pw@host: give Username and Password instead), with a path,
// query or fragment, and any scheme but https. http:// is refused with
// ErrInsecureURL unless Options.AllowInsecureHTTP is set, because the
// password, the session cookies and the CSRF token would travel in clear
// text; that option is for tests and loopback only. Errors about the URL
// never quote it, since it might hold a password.
//
// TLS certificates are verified, against Options.CAPool or the system
// roots; InsecureSkipVerify must be asked for. The password is a Password,
// which prints as "[redacted]" with every fmt verb and in JSON and logs;
// the Client keeps it only behind a function, so no value of this package
// prints it. Redirects are not followed, so the cookies never leave the
// controller's host.
//
// # Tenants
//
// A Client works in Options.Tenant ("admin" by default); WithTenant returns
// a Client for another tenant sharing the same session.
//
// The tenant is sent as X-Avi-Tenant and checked before every request, so a
// mistaken tenant never reaches the controller:
//
//   - "*" means all tenants to the controller. It is allowed on reads (GET,
//     HEAD: listing across tenants, as AKO's cache does) and refused on
//     every write (POST, PUT, PATCH, DELETE and any other method), which
//     must name the one tenant it changes.
//   - Any other tenant must be a plausible name: not empty or blank, no
//     leading or trailing space, valid UTF-8, and none of the characters
//     / ? # & , * nor control or format characters.
//
// A refused request fails with an error matching ErrInvalidTenant and sends
// nothing, not even a login. New checks Options.Tenant the same way (and
// accepts "*" for a Client that only reads); WithTenant, which returns no
// error, leaves the check to the requests. Logout is sent without a tenant.
//
// For tests, package avitest runs an in-memory controller that speaks this
// protocol.
package client
