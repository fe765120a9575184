// Package client is a small, safe REST client for the Avi Controller (NSX
// Advanced Load Balancer) API: a session, typed errors, paging and retries,
// and nothing else. It knows no object semantics; package apply builds the
// idempotent applier on top of it.
//
// # Session
//
// New checks the Options and returns a Client without contacting the
// controller. The first call (or Login) posts the credentials to /login and
// keeps the csrftoken and sessionid (or avi-sessionid) cookies of the reply.
// Every later request carries the cookies, the X-CSRFToken header and a
// Referer (which the controller demands on writes), X-Avi-Version and
// X-Avi-Tenant. When Options.Version is empty the client sends the version
// the controller reported at login.
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
// # Lists
//
// List follows the controller's pages (page_size 200, the largest allowed)
// and always asks for include_name, so refs read back carry their target's
// name (https://host/api/pool/<uuid>#<name>). The absolute next links are
// re-issued against the Client's own base URL, never another host.
//
// # Security
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
// For tests, package avitest runs an in-memory controller that speaks this
// protocol.
package client
