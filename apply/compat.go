package apply

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/internal/avischema"
)

// ErrUnsupported matches an *UnsupportedError: a Set the controller's
// version or licence edition does not have.
var ErrUnsupported = errors.New("not supported by the controller")

// Unsupported is one field (or System object ref) of a Set that the
// controller cannot take.
type Unsupported struct {
	// Kind and Name name the object.
	Kind aviobj.Kind `json:"kind"`
	Name string      `json:"name"`
	// Field is the JSON path of the field, e.g. "type" or
	// "services[0].override_network_profile_ref".
	Field string `json:"field"`
	// Reason says why, e.g. "introduced in 22.1.3, later than the
	// requested version 21.1.4" or "not allowed in the ESSENTIALS edition".
	Reason string `json:"reason"`
}

// String renders u as `healthmonitor "m" type: reason`.
func (u Unsupported) String() string {
	return fmt.Sprintf("%s %q %s: %s", u.Kind, u.Name, u.Field, u.Reason)
}

// UnsupportedError is a Set refused before any write because it uses a
// field, a value or a System object that the controller's version (the
// API version the client speaks) or licence edition does not have: SCTP
// before 22.1.3 or outside the Enterprise editions, or any field whose
// "Field introduced in" is later than the version spoken. It matches
// ErrUnsupported.
type UnsupportedError struct {
	// Tenant and Set name the Set.
	Tenant string `json:"tenant"`
	Set    string `json:"set"`
	// ControllerVersion, APIVersion and Edition describe the controller
	// (see client.Info).
	ControllerVersion string `json:"controllerVersion"`
	APIVersion        string `json:"apiVersion"`
	Edition           string `json:"edition"`
	// Fields lists every field refused.
	Fields []Unsupported `json:"fields"`
}

// Error implements error, e.g. `set admin/c1--ns-svc is not supported by
// the controller (21.1.4, API 21.1.4, ENTERPRISE): healthmonitor
// "c1--ns-svc-SCTP-38412" type: value HEALTH_MONITOR_SCTP introduced in
// 22.1.3, later than the requested version 21.1.4`.
func (e *UnsupportedError) Error() string {
	if e == nil {
		return "<nil>"
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.String()
	}
	return fmt.Sprintf("set %s/%s is %v (%s, API %s, %s): %s", e.Tenant, e.Set, ErrUnsupported,
		e.ControllerVersion, e.APIVersion, e.Edition, strings.Join(parts, "; "))
}

// Is makes errors.Is(err, ErrUnsupported) true.
func (e *UnsupportedError) Is(target error) bool { return target == ErrUnsupported }

// systemObjects are the System objects that exist only from a release on
// and only in some editions (the SCTP ones: 22.1.3, Enterprise editions,
// as the schema dates and licenses every SCTP field).
var systemObjects = map[aviobj.Kind]map[string]struct {
	introduced string
	editions   []string
}{
	aviobj.KindNetworkProfile: {
		"System-SCTP-Proxy":     {"22.1.3", enterpriseEditions},
		"System-SCTP-Fast-Path": {"22.1.3", enterpriseEditions},
	},
	aviobj.KindHealthMonitor: {
		"System-SCTP": {"22.1.3", enterpriseEditions},
	},
}

// indexRE matches the indices of a JSON path ("markers[1].key").
var indexRE = regexp.MustCompile(`\[\d+\]`)

var enterpriseEditions = []string{client.EditionEnterprise, client.EditionEnterpriseWithCloudServices}

// checkController returns the *UnsupportedError of a Set the controller
// described by info cannot take, or nil. It reads nothing.
func checkController(set *aviobj.Set, k Key, info client.Info) error {
	return checkControllerWith(set, k, info, nil)
}

// checkControllerWith is checkController remembering, in cache (nil:
// none), what each object's wire form gave.
func checkControllerWith(set *aviobj.Set, k Key, info client.Info, cache *compatCache) error {
	var out []Unsupported
	for _, o := range set.Objects() {
		if cache != nil && !cache.constrained(info, o.AviKind()) {
			continue // nothing of this kind can be refused: not encoded, hashed or remembered
		}
		raw, err := json.Marshal(wireBody(o))
		if err != nil {
			continue // aviobj.Check has accepted the Set: it marshals
		}
		var key [sha256.Size]byte
		if cache != nil {
			key = compatKey(o.AviKind(), raw)
			if found, ok := cache.get(info, key); ok {
				out = append(out, found...)
				continue
			}
		}
		found := checkObject(o, raw, info)
		if cache != nil {
			cache.put(info, key, found)
		}
		out = append(out, found...)
	}
	if len(out) == 0 {
		return nil
	}
	return &UnsupportedError{Tenant: k.Tenant, Set: k.Name, ControllerVersion: info.Version,
		APIVersion: info.APIVersion, Edition: info.Edition, Fields: out}
}

// checkObject is checkController for one object of wire form raw: a pure
// function of its kind, raw and info (its name is in raw).
func checkObject(o aviobj.Object, raw []byte, info client.Info) []Unsupported {
	var out []Unsupported
	seen := map[string]bool{} // one entry per field (any index) and reason
	for _, p := range avischema.Embedded().Validate(string(o.AviKind()), raw,
		avischema.AtVersion(info.APIVersion), avischema.InEdition(info.Edition)) {
		if p.Introduced == "" && p.Edition == "" {
			continue // not a version or edition problem (Check's business)
		}
		key := indexRE.ReplaceAllString(p.Path, "[]") + " " + p.Message
		if !seen[key] {
			seen[key] = true
			out = append(out, Unsupported{Kind: o.AviKind(), Name: o.AviName(), Field: p.Path, Reason: p.Message})
		}
	}
	return append(out, systemRefs(o, raw, info)...)
}

// compatCache remembers checkObject's results by object (kind and the
// SHA-256 of its wire form) for one controller description; it forgets
// everything when the description changes or it holds maxCompatEntries.
type compatCache struct {
	mu   sync.Mutex
	info client.Info
	m    map[[sha256.Size]byte][]Unsupported
	// kinds remembers constrained's answer per kind.
	kinds map[aviobj.Kind]bool
}

// maxCompatEntries bounds a compatCache (about 100 bytes an entry).
const maxCompatEntries = 1 << 18

// constrained reports whether checkObject can find anything in an object
// of kind for the controller info describes: whether the kind's schema has
// a field or enum value newer than its version or limited in its edition
// (avischema's Constrained), or a System object of systemObjects is. When
// it cannot, the check of every object of kind is skipped (an Enterprise
// controller of the schema's version or later: the usual case). It is
// remembered per kind for one controller description.
func (c *compatCache) constrained(info client.Info, kind aviobj.Kind) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.info != info || c.m == nil {
		c.info, c.m, c.kinds = info, map[[sha256.Size]byte][]Unsupported{}, nil
	}
	if v, ok := c.kinds[kind]; ok {
		return v
	}
	v := systemConstrained(info) || avischema.Embedded().Constrained(string(kind), info.APIVersion, info.Edition)
	if c.kinds == nil {
		c.kinds = map[aviobj.Kind]bool{}
	}
	c.kinds[kind] = v
	return v
}

// systemConstrained reports whether some System object of systemObjects is
// missing on the controller info describes.
func systemConstrained(info client.Info) bool {
	for _, objs := range systemObjects {
		for _, so := range objs {
			if info.APIVersion != "" && avischema.NewerVersion(so.introduced, info.APIVersion) ||
				info.Edition != "" && !contains(so.editions, info.Edition) {
				return true
			}
		}
	}
	return false
}

func compatKey(kind aviobj.Kind, raw []byte) [sha256.Size]byte {
	h := sha256.New()
	h.Write([]byte(kind))
	h.Write([]byte{0})
	h.Write(raw)
	var k [sha256.Size]byte
	h.Sum(k[:0])
	return k
}

func (c *compatCache) get(info client.Info, key [sha256.Size]byte) ([]Unsupported, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.info != info {
		return nil, false
	}
	found, ok := c.m[key]
	return found, ok
}

func (c *compatCache) put(info client.Info, key [sha256.Size]byte, found []Unsupported) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.info != info || c.m == nil || len(c.m) >= maxCompatEntries {
		c.info, c.m, c.kinds = info, map[[sha256.Size]byte][]Unsupported{}, nil
	}
	c.m[key] = found
}

// systemRefs reports the refs of o (any *_ref or *_refs field, at any
// depth) to System objects the controller does not have.
func systemRefs(o aviobj.Object, raw []byte, info client.Info) []Unsupported {
	var body any
	if json.Unmarshal(raw, &body) != nil {
		return nil
	}
	var out []Unsupported
	check := func(path, ref string) {
		r, err := aviobj.ParseRef(ref)
		if err != nil || r.Name == "" {
			return
		}
		so, ok := systemObjects[r.Kind][r.Name]
		if !ok {
			return
		}
		if info.APIVersion != "" && avischema.NewerVersion(so.introduced, info.APIVersion) {
			out = append(out, Unsupported{Kind: o.AviKind(), Name: o.AviName(), Field: path,
				Reason: fmt.Sprintf("%s %s exists from %s on, later than the requested version %s", r.Kind, r.Name, so.introduced, info.APIVersion)})
		}
		if info.Edition != "" && !contains(so.editions, info.Edition) {
			out = append(out, Unsupported{Kind: o.AviKind(), Name: o.AviName(), Field: path,
				Reason: fmt.Sprintf("%s %s is not allowed in the %s edition", r.Kind, r.Name, info.Edition)})
		}
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch t := v.(type) {
		case map[string]any:
			for _, key := range sortedKeys(t) {
				p := key
				if path != "" {
					p = path + "." + key
				}
				switch val := t[key].(type) {
				case string:
					if strings.HasSuffix(key, "_ref") {
						check(p, val)
					}
				case []any:
					for i, e := range val {
						ep := fmt.Sprintf("%s[%d]", p, i)
						if s, ok := e.(string); ok && strings.HasSuffix(key, "_refs") {
							check(ep, s)
						} else {
							walk(ep, e)
						}
					}
				default:
					walk(p, val)
				}
			}
		}
	}
	walk("", body)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// controllerInfo returns what the applier's client knows of the controller
// (logging in if needed).
func (a *Applier) controllerInfo(ctx context.Context) (client.Info, error) {
	info, err := a.c.Controller(ctx)
	if err != nil {
		return info, fmt.Errorf("reading the controller's version and edition: %w", err)
	}
	return info, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// checkController refuses, with an *UnsupportedError, a Set the
// controller's version or edition does not have, before any read of its
// objects.
func (a *Applier) checkController(ctx context.Context, set *aviobj.Set, k Key) error {
	info, err := a.controllerInfo(ctx)
	if err != nil {
		return err
	}
	return checkController(set, k, info)
}

// checkControllerAll is checkController for the Sets of a bulk call that
// have no error yet.
func (a *Applier) checkControllerAll(ctx context.Context, sets []*aviobj.Set, keys []Key, errs []error) {
	var (
		info client.Info
		ierr error
		read bool
	)
	for i, set := range sets {
		if errs[i] != nil {
			continue
		}
		if !read {
			info, ierr = a.controllerInfo(ctx)
			read = true
		}
		err := ierr
		if err == nil {
			err = checkControllerWith(set, keys[i], info, &a.compat)
		}
		if err != nil {
			errs[i] = fmt.Errorf("set %d (%s): %w", i, set.Name(), err)
		}
	}
}
