package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentinel errors to branch on with errors.Is. An *Error matches the one its
// status code (and, for ErrInUse, its message) stands for.
var (
	// ErrNotFound: 404, or no object of that name (GetByName).
	ErrNotFound = errors.New("not found")
	// ErrConflict: 409, typically an object of the same name exists.
	ErrConflict = errors.New("conflict")
	// ErrUnauthorized: 401 or 419 that survived a fresh login, or bad
	// credentials.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrForbidden: 403 (permission, unknown tenant, object in use).
	ErrForbidden = errors.New("forbidden")
	// ErrBadRequest: 400, the controller rejected the body or query.
	ErrBadRequest = errors.New("bad request")
	// ErrInUse: a DELETE refused because other objects refer to the object
	// ("Cannot delete, object is referred by: [...]", 403 or 400).
	ErrInUse = errors.New("object is referred to by other objects")
	// ErrStale: 412, an update of an object another writer changed
	// meanwhile ("Need to reload object data VsVip"): read it again and
	// retry.
	ErrStale = errors.New("stale object")
)

// Sentinel errors of calls refused by the client itself, before anything is
// sent to the controller.
var (
	// ErrInvalidOptions: New refused its Options (a missing field, a
	// malformed URL, a tenant or version that cannot be sent). Errors
	// matching ErrInsecureURL match it too.
	ErrInvalidOptions = errors.New("invalid client options")
	// ErrInsecureURL: the controller URL would send the password and the
	// session cookies in clear text (http://) and Options.AllowInsecureHTTP
	// was not set.
	ErrInsecureURL = errors.New("insecure controller URL")
	// ErrInvalidTenant: the request's tenant is not a plausible tenant name,
	// or it is "*" (all tenants) on a write. See the package doc, Tenants.
	ErrInvalidTenant = errors.New("invalid tenant")
	// ErrInvalidClient: a method was called on a nil *Client or on a Client
	// not made by New (or WithTenant of one).
	ErrInvalidClient = errors.New("client not created by client.New")
	// ErrInvalidArgument: a call got an argument it cannot use: a nil
	// context, an empty kind, uuid or name, a nil body or callback, an out
	// that is not a non-nil pointer, a malformed method or path.
	ErrInvalidArgument = errors.New("invalid argument")
)

// Error is a reply of the controller with a non-2xx status.
type Error struct {
	// StatusCode is the HTTP status of the reply.
	StatusCode int `json:"statusCode"`
	// Method of the request.
	Method string `json:"method"`
	// Path of the request, with its query.
	Path string `json:"path"`
	// Message is the controller's error text: the "error" (or "detail")
	// member of a JSON body, else the body itself, or the title of an HTML
	// page (as a proxy in front of the controller sends). It is one line of
	// valid UTF-8 without control characters, at most about 1 KiB.
	Message string `json:"message"`
}

// Error implements error, e.g.
// `DELETE /api/pool/pool-1: status 403: Cannot delete, object is referred by: ['VirtualService v']`.
// A nil *Error prints as "<nil>".
func (e *Error) Error() string {
	if e == nil {
		return "<nil>"
	}
	msg := e.Message
	if msg == "" {
		msg = strings.ToLower(http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("%s %s: status %d: %s", e.Method, e.Path, e.StatusCode, msg)
}

// Is reports whether e stands for target, one of the sentinel errors. A nil
// *Error stands for none.
func (e *Error) Is(target error) bool {
	if e == nil {
		return false
	}
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == 419
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrStale:
		return e.StatusCode == http.StatusPreconditionFailed
	case ErrInUse:
		return (e.StatusCode == http.StatusForbidden || e.StatusCode == http.StatusBadRequest) &&
			strings.Contains(e.Message, "referred by")
	}
	return false
}

// DecodeError is a successful (2xx) reply the client could not read: a body
// that is not the JSON the caller asked for, a list page whose next link
// leaves the collection, a login reply without usable session cookies.
type DecodeError struct {
	// StatusCode is the HTTP status of the reply.
	StatusCode int `json:"statusCode"`
	// Method of the request.
	Method string `json:"method"`
	// Path of the request, with its query.
	Path string `json:"path"`
	// Reason says what was wrong with the reply, in one line.
	Reason string `json:"reason"`
	// Err is the underlying error (e.g. of encoding/json), if any.
	Err error `json:"-"`
}

// Error implements error, e.g.
// `GET /api/pool: status 200: cannot read the reply: the body is not JSON (HTML page "Login"): invalid character '<' looking for beginning of value`.
// A nil *DecodeError prints as "<nil>".
func (e *DecodeError) Error() string {
	if e == nil {
		return "<nil>"
	}
	s := fmt.Sprintf("%s %s: status %d: cannot read the reply: %s", e.Method, e.Path, e.StatusCode, e.Reason)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying error (nil for a nil *DecodeError).
func (e *DecodeError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// IsNotFound reports whether err means the object does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsConflict reports whether err is a 409 (duplicate name).
func IsConflict(err error) bool { return errors.Is(err, ErrConflict) }

// IsInUse reports whether err is a refused DELETE of a referenced object.
func IsInUse(err error) bool { return errors.Is(err, ErrInUse) }

// IsStale reports whether err is a 412 of a stale update (ErrStale).
func IsStale(err error) bool { return errors.Is(err, ErrStale) }

// StatusCode returns the HTTP status of the *Error in err's chain, or 0
// (also for nil).
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) && e != nil {
		return e.StatusCode
	}
	return 0
}

// maxMessage bounds the error text kept from a reply body, in bytes.
const maxMessage = 1024

// newError builds an *Error from a reply.
func newError(status int, method, path string, header http.Header, body []byte) *Error {
	return &Error{StatusCode: status, Method: method, Path: path, Message: errorMessage(header, body)}
}

// errorMessage extracts the controller's text from an error body: the
// "error" or "detail" member of a JSON object (a string, or the member's
// compact JSON), the title of an HTML page, else the body as text; always
// cleaned by oneLine.
func errorMessage(header http.Header, body []byte) string {
	trimmed := bytes.TrimSpace(body)
	var obj map[string]json.RawMessage
	if json.Unmarshal(trimmed, &obj) == nil {
		for _, key := range []string{"error", "detail"} {
			raw, ok := obj[key]
			if !ok {
				continue
			}
			var s string
			if json.Unmarshal(raw, &s) != nil {
				var b bytes.Buffer
				if json.Compact(&b, raw) == nil {
					s = b.String()
				}
			}
			if s = oneLine(s); s != "" && s != "null" {
				return s
			}
		}
	}
	if html, title := htmlPage(header, trimmed); html {
		if title == "" {
			return "HTML page instead of an API reply (a proxy in between?)"
		}
		return oneLine(fmt.Sprintf("HTML page %q instead of an API reply (a proxy in between?)", title))
	}
	return oneLine(string(trimmed))
}

// describeBody says in a few words what an unreadable body looked like.
func describeBody(header http.Header, body []byte) string {
	trimmed := bytes.TrimSpace(body)
	if html, title := htmlPage(header, trimmed); html {
		if title == "" {
			return "the body is an HTML page, not JSON (a proxy in between?)"
		}
		return oneLine(fmt.Sprintf("the body is an HTML page %q, not JSON (a proxy in between?)", title))
	}
	if !json.Valid(trimmed) {
		return "the body is not JSON"
	}
	return "the body does not have the expected shape"
}

// htmlPage reports whether a body is an HTML page (by Content-Type or by its
// first byte) and returns its <title>, if any, at most 200 bytes of it.
func htmlPage(header http.Header, body []byte) (bool, string) {
	mt, _, _ := mime.ParseMediaType(header.Get("Content-Type"))
	if mt != "text/html" && mt != "application/xhtml+xml" && (len(body) == 0 || body[0] != '<') {
		return false, ""
	}
	lower := asciiLower(body)
	i := bytes.Index(lower, []byte("<title"))
	if i < 0 {
		return true, ""
	}
	j := bytes.IndexByte(lower[i:], '>')
	if j < 0 {
		return true, ""
	}
	start := i + j + 1
	end := bytes.Index(lower[start:], []byte("</title"))
	if end < 0 {
		return true, ""
	}
	return true, truncate(oneLine(string(body[start:start+end])), 200)
}

// asciiLower lowers ASCII letters only, so byte offsets stay those of b.
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// oneLine makes text safe to print in a log line or an error: invalid UTF-8
// becomes U+FFFD, control and format characters (newlines, ANSI escapes,
// bidi overrides) become spaces, runs of space become one, and the result is
// trimmed and cut to maxMessage bytes.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, string(utf8.RuneError))
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return ' '
		}
		return r
	}, s)
	return truncate(strings.Join(strings.Fields(s), " "), maxMessage)
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut
// with "...".
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
