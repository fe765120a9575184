package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/avil4/avil4/aviobj"
)

// parseControllerURL checks the controller's base URL: https (or http with
// allowHTTP), a host, an optional port, and nothing else. Its errors never
// quote the URL, which may hold a password in its user info.
func parseControllerURL(raw string, allowHTTP bool) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, fmt.Errorf("%w: the controller URL is empty; want https://host[:port]", ErrInvalidOptions)
	}
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err // url.Error quotes the URL
		}
		return nil, fmt.Errorf("%w: the controller URL does not parse: %v", ErrInvalidOptions, err)
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w: the controller URL carries user info; give Username and Password instead", ErrInvalidOptions)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !allowHTTP {
			return nil, fmt.Errorf("%w: %w: http:// would send the password and session cookies in clear text; use https:// "+
				"(or set Options.AllowInsecureHTTP, for tests on loopback only)", ErrInvalidOptions, ErrInsecureURL)
		}
	case "":
		return nil, fmt.Errorf("%w: the controller URL has no scheme; want https://host[:port]", ErrInvalidOptions)
	default:
		return nil, fmt.Errorf("%w: controller URL scheme %q: want https", ErrInvalidOptions, u.Scheme)
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return nil, fmt.Errorf("%w: the controller URL has no host; want %s://host[:port]", ErrInvalidOptions, u.Scheme)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("%w: controller URL port %q: want 1-65535", ErrInvalidOptions, p)
		}
	} else if strings.HasSuffix(u.Host, ":") {
		return nil, fmt.Errorf("%w: the controller URL has an empty port", ErrInvalidOptions)
	}
	switch {
	case u.RawQuery != "" || u.ForceQuery:
		return nil, fmt.Errorf("%w: the controller URL has a query; give the base URL only", ErrInvalidOptions)
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, fmt.Errorf("%w: the controller URL has a fragment; give the base URL only", ErrInvalidOptions)
	case u.Path != "" || u.RawPath != "":
		return nil, fmt.Errorf("%w: the controller URL has a path (%q); give the base URL only", ErrInvalidOptions, u.Path)
	}
	return u, nil
}

// allTenants is the X-Avi-Tenant value that reads across every tenant.
const allTenants = "*"

// tenantProblem says why tenant is not a plausible tenant name, or "".
func tenantProblem(tenant string) string {
	switch {
	case strings.TrimSpace(tenant) == "":
		return "it is empty"
	case tenant != strings.TrimSpace(tenant):
		return "it has leading or trailing space"
	case !utf8.ValidString(tenant):
		return "it is not valid UTF-8"
	}
	for _, r := range tenant {
		switch {
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r):
			return "it contains a control character"
		case strings.ContainsRune("/?#&,*", r):
			return fmt.Sprintf("it contains %q", r)
		}
	}
	return ""
}

// isRead reports whether method only reads.
func isRead(method string) bool { return method == http.MethodGet || method == http.MethodHead }

// checkTenant refuses a request whose X-Avi-Tenant would be implausible, or
// "*" (all tenants) on anything but a read.
func checkTenant(method, tenant string) error {
	if tenant == allTenants {
		if isRead(method) {
			return nil
		}
		return fmt.Errorf("%w: tenant %q means all tenants and is for reads only; a %s must name one tenant", ErrInvalidTenant, tenant, method)
	}
	if p := tenantProblem(tenant); p != "" {
		return fmt.Errorf("%w: tenant %q: %s", ErrInvalidTenant, tenant, p)
	}
	return nil
}

// versionProblem says why v cannot be sent as X-Avi-Version, or "".
func versionProblem(v string) string {
	if len(v) > 32 {
		return "it is longer than 32 bytes"
	}
	for _, r := range v {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '.' || r == '_' || r == '-') {
			return fmt.Sprintf("it contains %q (want digits, letters, '.', '_' or '-', e.g. 22.1.3)", r)
		}
	}
	return ""
}

// checkCall refuses a call on a Client that New did not make, or with a nil
// context.
func (c *Client) checkCall(ctx context.Context) error {
	if c == nil || c.s == nil {
		return ErrInvalidClient
	}
	if ctx == nil {
		return fmt.Errorf("%w: nil context", ErrInvalidArgument)
	}
	return nil
}

// checkMethodPath refuses a method that is not an upper-case token and a
// path that is not absolute or carries a query or fragment.
func checkMethodPath(method, path string) error {
	if method == "" || strings.TrimFunc(method, func(r rune) bool { return r >= 'A' && r <= 'Z' }) != "" {
		return fmt.Errorf("%w: method %q: want an upper-case HTTP method such as GET", ErrInvalidArgument, method)
	}
	if !strings.HasPrefix(path, "/") || strings.ContainsAny(path, "?#") {
		return fmt.Errorf("%w: path %q: want an absolute path without query or fragment, e.g. /api/pool", ErrInvalidArgument, path)
	}
	for _, r := range path {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: path %q contains a control character", ErrInvalidArgument, path)
		}
	}
	return nil
}

// checkKind refuses a kind that is not a lower-case Avi object type.
func checkKind(kind aviobj.Kind) error {
	if kind == "" || strings.TrimFunc(string(kind), func(r rune) bool { return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' }) != "" {
		return fmt.Errorf("%w: kind %q: want an Avi object type such as pool", ErrInvalidArgument, kind)
	}
	return nil
}

// checkUUID refuses an empty uuid and one that would change the path (".",
// ".."): an empty one would address the whole collection.
func checkUUID(kind aviobj.Kind, uuid string) error {
	if err := checkKind(kind); err != nil {
		return err
	}
	if uuid == "" || uuid == "." || uuid == ".." {
		return fmt.Errorf("%w: %s uuid %q", ErrInvalidArgument, kind, uuid)
	}
	return nil
}

// checkOut refuses an out that json.Unmarshal cannot fill (nil is fine: the
// reply is dropped).
func checkOut(out any) error {
	if out == nil {
		return nil
	}
	if v := reflect.ValueOf(out); v.Kind() != reflect.Pointer || v.IsNil() {
		return fmt.Errorf("%w: out must be a non-nil pointer, not %T", ErrInvalidArgument, out)
	}
	return nil
}
