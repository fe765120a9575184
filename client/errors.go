package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
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
)

// Error is a reply of the controller with a non-2xx status.
type Error struct {
	// StatusCode is the HTTP status of the reply.
	StatusCode int `json:"statusCode"`
	// Method of the request.
	Method string `json:"method"`
	// Path of the request, with its query.
	Path string `json:"path"`
	// Message is the controller's error text: the "error" member of a JSON
	// body, else the body itself (trimmed).
	Message string `json:"message"`
}

// Error implements error, e.g.
// `DELETE /api/pool/pool-1: status 403: Cannot delete, object is referred by: ['VirtualService v']`.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = strings.ToLower(http.StatusText(e.StatusCode))
	}
	return fmt.Sprintf("%s %s: status %d: %s", e.Method, e.Path, e.StatusCode, msg)
}

// Is reports whether e stands for target, one of the sentinel errors.
func (e *Error) Is(target error) bool {
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
	case ErrInUse:
		return (e.StatusCode == http.StatusForbidden || e.StatusCode == http.StatusBadRequest) &&
			strings.Contains(e.Message, "referred by")
	}
	return false
}

// IsNotFound reports whether err means the object does not exist.
func IsNotFound(err error) bool { return errors.Is(err, ErrNotFound) }

// IsConflict reports whether err is a 409 (duplicate name).
func IsConflict(err error) bool { return errors.Is(err, ErrConflict) }

// IsInUse reports whether err is a refused DELETE of a referenced object.
func IsInUse(err error) bool { return errors.Is(err, ErrInUse) }

// StatusCode returns the HTTP status of the *Error in err's chain, or 0.
func StatusCode(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// maxMessage bounds the error text kept from a reply body.
const maxMessage = 1024

// newError builds an *Error from a reply.
func newError(status int, method, path string, body []byte) *Error {
	return &Error{StatusCode: status, Method: method, Path: path, Message: errorMessage(body)}
}

// errorMessage extracts the controller's text from an error body.
func errorMessage(body []byte) string {
	var v struct {
		Error  string `json:"error"`
		Detail string `json:"detail"`
	}
	if json.Unmarshal(body, &v) == nil {
		if v.Error != "" {
			return v.Error
		}
		if v.Detail != "" {
			return v.Detail
		}
	}
	s := strings.TrimSpace(string(body))
	if len(s) > maxMessage {
		s = s[:maxMessage] + "..."
	}
	return s
}
