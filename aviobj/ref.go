package aviobj

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Kind is the REST type name of an Avi object, as it appears in the API path
// (/api/<kind>) and in refs.
type Kind string

// Kinds of objects avil4 creates or refers to.
const (
	KindVirtualService     Kind = "virtualservice"
	KindVsVip              Kind = "vsvip"
	KindPool               Kind = "pool"
	KindPoolGroup          Kind = "poolgroup"
	KindL4PolicySet        Kind = "l4policyset"
	KindHealthMonitor      Kind = "healthmonitor"
	KindNetworkProfile     Kind = "networkprofile"
	KindApplicationProfile Kind = "applicationprofile"
	KindPersistenceProfile Kind = "applicationpersistenceprofile"
	KindServiceEngineGroup Kind = "serviceenginegroup"
	KindTenant             Kind = "tenant"
	KindCloud              Kind = "cloud"
	KindVRFContext         Kind = "vrfcontext"
	KindNetwork            Kind = "network"
)

// RefByName returns the by-name reference form the controller accepts in
// *_ref fields: /api/<kind>/?name=<query-escaped name>.
func RefByName(kind Kind, name string) string {
	return "/api/" + string(kind) + "/?name=" + url.QueryEscape(name)
}

// RefByUUID returns the by-uuid reference form /api/<kind>/<uuid>.
func RefByUUID(kind Kind, uuid string) string {
	return "/api/" + string(kind) + "/" + uuid
}

// Ref is a parsed reference to an Avi object. A reference names its target
// by name, by uuid, or (in the controller's own answers) by both:
// https://host/api/<kind>/<uuid>#<name>.
type Ref struct {
	// Kind is the REST type of the target.
	Kind Kind
	// UUID of the target; empty for a by-name ref.
	UUID string
	// Name of the target; empty for a by-uuid ref without a #name fragment.
	Name string
}

// ErrInvalidRef is wrapped by ParseRef errors.
var ErrInvalidRef = errors.New("invalid Avi object reference")

// ParseRef parses every reference form seen on the wire:
//
//	/api/<kind>/?name=<name>
//	/api/<kind>?name=<name>
//	/api/<kind>/<uuid>
//	https://host/api/<kind>/<uuid>
//	https://host/api/<kind>/<uuid>#<name>
func ParseRef(s string) (Ref, error) {
	if r, ok := parseRefByName(s); ok {
		return r, nil
	}
	return parseRefURL(s)
}

// parseRefByName reads the by-name form RefByName writes,
// /api/<kind>/?name=<name>, when kind and name hold only characters that
// URL parsing leaves as they are (letters, digits, '-', '_', '.', '~'):
// then it is what parseRefURL returns, without allocating. ok is false for
// every other string.
func parseRefByName(s string) (Ref, bool) {
	rest, ok := strings.CutPrefix(s, "/api/")
	if !ok {
		return Ref{}, false
	}
	i := strings.Index(rest, "/?name=")
	if i <= 0 {
		return Ref{}, false
	}
	kind, name := rest[:i], rest[i+len("/?name="):]
	if name == "" || !plainRefPart(kind) || !plainRefPart(name) {
		return Ref{}, false
	}
	return Ref{Kind: Kind(kind), Name: name}, true
}

// plainRefPart reports whether s holds only URL-unreserved characters.
func plainRefPart(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
			return false
		}
	}
	return true
}

// parseRefURL is ParseRef for every form, through net/url.
func parseRefURL(s string) (Ref, error) {
	// The #name fragment is the object's name as the controller prints it,
	// which need not be valid URL escaping (a pool may be named "50%").
	s, fragment, _ := strings.Cut(s, "#")
	if f, err := url.PathUnescape(fragment); err == nil {
		fragment = f
	}
	u, err := url.Parse(s)
	if err != nil {
		return Ref{}, fmt.Errorf("%w %q: %w", ErrInvalidRef, s, err)
	}
	rest, ok := strings.CutPrefix(u.Path, "/api/")
	if !ok {
		return Ref{}, fmt.Errorf("%w %q: path does not start with /api/", ErrInvalidRef, s)
	}
	kind, uuid, _ := strings.Cut(rest, "/")
	uuid = strings.TrimSuffix(uuid, "/")
	if kind == "" || strings.Contains(uuid, "/") {
		return Ref{}, fmt.Errorf("%w %q: want /api/<kind>/<uuid> or /api/<kind>/?name=<name>", ErrInvalidRef, s)
	}
	r := Ref{Kind: Kind(kind), UUID: uuid, Name: u.Query().Get("name")}
	if r.Name == "" {
		r.Name = fragment
	}
	if r.UUID == "" && r.Name == "" {
		return Ref{}, fmt.Errorf("%w %q: names neither a uuid nor a name", ErrInvalidRef, s)
	}
	return r, nil
}

// String returns the canonical form of r: by name when the name is known,
// else by uuid.
func (r Ref) String() string {
	if r.Name != "" {
		return RefByName(r.Kind, r.Name)
	}
	return RefByUUID(r.Kind, r.UUID)
}

// SameTarget reports whether a and b point at the same object: same kind and
// the same name, or the same uuid. A by-name ref and a by-uuid ref without a
// name cannot be matched without asking the controller and are reported as
// different.
func (r Ref) SameTarget(o Ref) bool {
	if r.Kind != o.Kind {
		return false
	}
	if r.Name != "" && o.Name != "" {
		return r.Name == o.Name
	}
	return r.UUID != "" && r.UUID == o.UUID
}

// RefsEqual reports whether two reference strings point at the same object
// (see Ref.SameTarget). Strings that do not parse as refs are compared as
// strings.
func RefsEqual(a, b string) bool {
	if a == b {
		return true
	}
	ra, errA := ParseRef(a)
	rb, errB := ParseRef(b)
	if errA != nil || errB != nil {
		return false
	}
	return ra.SameTarget(rb)
}
