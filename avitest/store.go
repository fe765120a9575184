package avitest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/avischema"
)

// object is one stored object. Its body holds refs in the canonical form
// /api/<kind>/<uuid>; url is added when rendering.
type object struct {
	kind, uuid, tenant, name string
	seq                      uint64
	system                   bool
	removed                  bool // deleted; still in a kindIndex until it is compacted
	// body is never changed once stored: a change stores a new map, so
	// that a reply can be rendered from it without holding s.mu.
	body map[string]any
	refs []string // uuids this object refers to
}

// kindIndex holds the objects of one kind in creation order (by seq), the
// order lists are served in. Removed objects stay until they are more
// than half of it.
type kindIndex struct {
	objs []*object
	dead int
}

// add appends o, the newest object of its kind.
func (x *kindIndex) add(o *object) { x.objs = append(x.objs, o) }

// drop forgets o, which is marked removed.
func (x *kindIndex) drop() {
	x.dead++
	if x.dead > 32 && x.dead*2 > len(x.objs) {
		live := x.objs[:0]
		for _, o := range x.objs {
			if !o.removed {
				live = append(live, o)
			}
		}
		clear(x.objs[len(live):])
		x.objs, x.dead = live, 0
	}
}

// index returns the kindIndex of kind, made on first use. s.mu is held.
func (s *Server) index(kind string) *kindIndex {
	x := s.byKind[kind]
	if x == nil {
		x = &kindIndex{}
		s.byKind[kind] = x
	}
	return x
}

// nameKey indexes objects by kind, tenant and name.
type nameKey struct{ kind, tenant, name string }

// apiError is a reply the fake sends instead of serving a request.
type apiError struct {
	status int
	msg    string
	plain  bool // a text/plain body instead of {"error": msg}
}

// Error implements error.
func (e *apiError) Error() string { return e.msg }

func errorf(status int, format string, args ...any) *apiError {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// typeNames maps REST kinds to the type names used in messages and in the
// schema. The writable kinds are those of the schema.
var typeNames = map[string]string{
	"virtualservice":                "VirtualService",
	"vsvip":                         "VsVip",
	"pool":                          "Pool",
	"poolgroup":                     "PoolGroup",
	"l4policyset":                   "L4PolicySet",
	"healthmonitor":                 "HealthMonitor",
	"networkprofile":                "NetworkProfile",
	"applicationprofile":            "ApplicationProfile",
	"tenant":                        "Tenant",
	"cloud":                         "Cloud",
	"vrfcontext":                    "VrfContext",
	"serviceenginegroup":            "ServiceEngineGroup",
	"network":                       "Network",
	"analyticsprofile":              "AnalyticsProfile",
	"applicationpersistenceprofile": "ApplicationPersistenceProfile",
	"sslkeyandcertificate":          "SSLKeyAndCertificate",
}

// writable reports whether objects of kind can be created, updated and
// deleted through the API (the types of the schema).
func writable(kind string) bool {
	t, ok := avischema.Embedded().TypeName(kind)
	if !ok {
		return false
	}
	rest, ok := avischema.Embedded().RESTName(t)
	return ok && rest == kind
}

func typeName(kind string) string {
	if t, ok := typeNames[kind]; ok {
		return t
	}
	return kind
}

// visible reports whether o can be seen (read, referred to) from tenant:
// objects of the tenant itself and of admin, which holds the shared system
// objects. "*" sees every tenant.
func visible(o *object, tenant string) bool {
	return tenant == "*" || o.tenant == tenant || o.tenant == adminTenant
}

// lookup finds an object by kind and name in tenant, then in admin.
func (s *Server) lookup(kind, tenant, name string) *object {
	if uuid, ok := s.names[nameKey{kind, tenant, name}]; ok {
		return s.objs[uuid]
	}
	if uuid, ok := s.names[nameKey{kind, adminTenant, name}]; ok {
		return s.objs[uuid]
	}
	return nil
}

// resolveRef turns a ref of any accepted form into the canonical
// /api/<kind>/<uuid>, or fails with "<Type> object not found!".
func (s *Server) resolveRef(tenant, path, ref string) (string, string, *apiError) {
	r, err := aviobj.ParseRef(ref)
	if err != nil {
		// A bare uuid.
		if o, ok := s.objs[ref]; ok && visible(o, tenant) {
			return "/api/" + o.kind + "/" + o.uuid, o.uuid, nil
		}
		return "", "", errorf(http.StatusBadRequest, "%s: invalid reference %q", path, ref)
	}
	kind := string(r.Kind)
	var o *object
	if r.UUID != "" {
		if c, ok := s.objs[r.UUID]; ok && c.kind == kind && visible(c, tenant) {
			o = c
		}
	} else {
		o = s.lookup(kind, tenant, r.Name)
	}
	if o == nil {
		what := r.Name
		if what == "" {
			what = r.UUID
		}
		return "", "", errorf(http.StatusBadRequest, "%s object not found! (%s: %s)", typeName(kind), path, what)
	}
	return "/api/" + o.kind + "/" + o.uuid, o.uuid, nil
}

// resolveRefs rewrites every *_ref and *_refs string of v in place and
// returns the uuids referred to. It first walks v without building field
// paths; only when a ref does not resolve does it walk again, in sorted
// key order with paths, to report the first bad ref as before (refs
// already rewritten resolve again to themselves).
func (s *Server) resolveRefs(tenant string, v any, path string, uuids *[]string) *apiError {
	n := len(*uuids)
	if s.resolveRefsFast(tenant, v, uuids) {
		return nil
	}
	*uuids = (*uuids)[:n]
	if aerr := s.resolveRefsAt(tenant, v, path, uuids); aerr != nil {
		return aerr
	}
	return errorf(http.StatusBadRequest, "%s: invalid reference", path)
}

// resolveRefsFast is resolveRefs without paths; it reports whether every
// ref resolved. It walks keys in sorted order too, so the uuids come in
// the same order (checkRefEditions reports the first bad one).
func (s *Server) resolveRefsFast(tenant string, v any, uuids *[]string) bool {
	switch t := v.(type) {
	case map[string]any:
		var buf [64]string
		keys := buf[:0]
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			switch val := t[k].(type) {
			case string:
				if strings.HasSuffix(k, "_ref") && val != "" {
					c, uuid, err := s.resolveRef(tenant, "", val)
					if err != nil {
						return false
					}
					t[k] = c
					*uuids = append(*uuids, uuid)
				}
			case []any:
				if strings.HasSuffix(k, "_refs") {
					for i, e := range val {
						if str, ok := e.(string); ok {
							c, uuid, err := s.resolveRef(tenant, "", str)
							if err != nil {
								return false
							}
							val[i] = c
							*uuids = append(*uuids, uuid)
						}
					}
					continue
				}
				if !s.resolveRefsFast(tenant, val, uuids) {
					return false
				}
			case map[string]any:
				if !s.resolveRefsFast(tenant, val, uuids) {
					return false
				}
			}
		}
	case []any:
		for _, e := range t {
			if !s.resolveRefsFast(tenant, e, uuids) {
				return false
			}
		}
	}
	return true
}

// resolveRefsAt is resolveRefs in sorted key order, with the path of
// every ref for its error.
func (s *Server) resolveRefsAt(tenant string, v any, path string, uuids *[]string) *apiError {
	switch t := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			switch val := t[k].(type) {
			case string:
				if strings.HasSuffix(k, "_ref") && val != "" {
					c, uuid, err := s.resolveRef(tenant, p, val)
					if err != nil {
						return err
					}
					t[k] = c
					*uuids = append(*uuids, uuid)
				}
			case []any:
				if strings.HasSuffix(k, "_refs") {
					for i, e := range val {
						if str, ok := e.(string); ok {
							c, uuid, err := s.resolveRef(tenant, fmt.Sprintf("%s[%d]", p, i), str)
							if err != nil {
								return err
							}
							val[i] = c
							*uuids = append(*uuids, uuid)
						}
					}
					continue
				}
				if err := s.resolveRefsAt(tenant, val, p, uuids); err != nil {
					return err
				}
			case map[string]any:
				if err := s.resolveRefsAt(tenant, val, p, uuids); err != nil {
					return err
				}
			}
		}
	case []any:
		for i, e := range t {
			if err := s.resolveRefsAt(tenant, e, fmt.Sprintf("%s[%d]", path, i), uuids); err != nil {
				return err
			}
		}
	}
	return nil
}

// defaultRefs are the refs a controller fills in when a body leaves them
// out, per kind (the tenant_ref is always filled).
var defaultRefs = map[string][][2]string{
	"virtualservice": {
		{"cloud_ref", "/api/cloud/?name=Default-Cloud"},
		{"vrf_context_ref", "/api/vrfcontext/?name=global"},
		{"se_group_ref", "/api/serviceenginegroup/?name=Default-Group"},
		{"application_profile_ref", "/api/applicationprofile/?name=System-HTTP"},
		{"network_profile_ref", "/api/networkprofile/?name=System-TCP-Proxy"},
		{"analytics_profile_ref", "/api/analyticsprofile/?name=System-Analytics-Profile"},
	},
	"vsvip": {
		{"cloud_ref", "/api/cloud/?name=Default-Cloud"},
		{"vrf_context_ref", "/api/vrfcontext/?name=global"},
	},
	"pool": {
		{"cloud_ref", "/api/cloud/?name=Default-Cloud"},
		{"vrf_ref", "/api/vrfcontext/?name=global"},
		{"analytics_profile_ref", "/api/analyticsprofile/?name=System-Analytics-Profile"},
	},
}

// prepared is a validated body ready to be stored.
type prepared struct {
	body   map[string]any
	name   string
	refs   []string
	assign []vipAssignment
	vips   []netip.Addr
}

// apiRequest is what a write is checked against: the tenant, the API
// version of the request and the controller's edition.
type apiRequest struct {
	tenant, version, edition string
}

// prepare is prepareAt for a change made out of band (Seed, Edit): at the
// controller's own version and edition.
func (s *Server) prepare(kind, tenant string, raw []byte, old *object) (*prepared, *apiError) {
	return s.prepareAt(kind, raw, old, &apiRequest{tenant: tenant, version: s.version, edition: s.edition})
}

// prepareAt checks a body sent to create (old == nil) or replace old, and
// returns it with refs resolved and defaults filled. It changes no state.
// s.mu is held.
func (s *Server) prepareAt(kind string, raw []byte, old *object, rq *apiRequest) (*prepared, *apiError) {
	body, aerr := parseBody(kind, raw, rq)
	if aerr != nil {
		return nil, aerr
	}
	return s.prepareBody(kind, body, old, rq)
}

// parseBody is the part of prepareAt that reads no state, so the server
// runs it without holding s.mu: it decodes a body, checks it against the
// schema at the request's version and edition, and fills the schema
// defaults.
//
// Before validation it drops what a real controller ignores, so that a
// body read back with GET can be sent again (AKO updates VsVips that way):
// read-only fields (url, _last_modified, ...) at any depth, and unknown
// top-level fields. The recordings decide the latter: the 20.1.1
// controller accepted application_profile_name on a VirtualService
// (test_basic_vs) and a clone of a GET body whose fields the 30.2.1
// schema no longer has (test_clone_vs); nothing shows unknown nested
// fields being accepted, so those are still a 400. It fills vip[].vip_id
// "0" before validation (the schema requires it; 20.1.1 filled it).
//
// The defaults are filled here, before prepareBody resolves refs and adds
// the default refs: no field of the schema whose name ends in _ref or
// _refs has a default, so the order does not change the result.
func parseBody(kind string, raw []byte, rq *apiRequest) (map[string]any, *apiError) {
	tname := typeName(kind)
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "JSON parse error - %v", err)
	}
	body, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(http.StatusBadRequest, "body must be a JSON object")
	}
	if writable(kind) {
		ignoreFields(tname, body)
		if kind == "vsvip" {
			fillVipIDs(body)
		}
		if aerr := validate(kind, body, rq); aerr != nil {
			return nil, aerr
		}
	} else {
		delete(body, "url")
		delete(body, "_last_modified")
	}
	fillDefaults(tname, body)
	fillKindDefaults(kind, body)
	return body, nil
}

// prepareBody is the part of prepareAt that reads the store: names, refs,
// tenants and VIPs. It changes no state but the body given. s.mu is held.
func (s *Server) prepareBody(kind string, body map[string]any, old *object, rq *apiRequest) (*prepared, *apiError) {
	tname := typeName(kind)
	tenant := rq.tenant
	name, _ := body["name"].(string)
	if name == "" {
		return nil, errorf(http.StatusBadRequest, "name: This field is required.")
	}
	if u, ok := body["uuid"].(string); ok && (old == nil || u != old.uuid) {
		if old != nil || s.objs[u] != nil {
			return nil, errorf(http.StatusBadRequest, "uuid %q does not match the object", u)
		}
	}
	if other, ok := s.names[nameKey{kind, tenant, name}]; ok && (old == nil || other != old.uuid) {
		return nil, &apiError{status: http.StatusConflict,
			msg: fmt.Sprintf("%s object with name %s already exists", tname, name)}
	}
	// The tenant of the body must be the request's.
	if tr, ok := body["tenant_ref"].(string); ok && tr != "" {
		c, _, aerr := s.resolveRef(tenant, "tenant_ref", tr)
		if aerr != nil {
			return nil, aerr
		}
		if c != "/api/tenant/"+s.tenantUUID(tenant) {
			return nil, errorf(http.StatusBadRequest, "tenant_ref %s does not match the tenant %s of the request", tr, tenant)
		}
	}
	body["tenant_ref"] = "/api/tenant/?name=" + url.QueryEscape(tenant)
	for _, d := range defaultRefs[kind] {
		if _, ok := body[d[0]]; !ok {
			body[d[0]] = d[1]
		}
	}
	var refs []string
	if aerr := s.resolveRefs(tenant, body, "", &refs); aerr != nil {
		return nil, aerr
	}
	if aerr := s.checkRefEditions(refs, rq.edition); aerr != nil {
		return nil, aerr
	}
	p := &prepared{body: body, name: name, refs: dedupe(refs)}
	if kind == "vsvip" {
		uuid := ""
		if old != nil {
			uuid = old.uuid
		}
		assign, all, err := s.planVIPs(uuid, body)
		if err != nil {
			return nil, errorf(http.StatusBadRequest, "%s", err.Error())
		}
		p.assign, p.vips = assign, all
	}
	return p, nil
}

// fillKindDefaults fills the server-side values a controller computes
// beyond the schema defaults: services[].port_range_end (= port),
// servers[].hostname (= the address) and vip[].vip_id ("0").
func fillKindDefaults(kind string, body map[string]any) {
	each := func(field string, fn func(map[string]any)) {
		list, _ := body[field].([]any)
		for _, e := range list {
			if m, ok := e.(map[string]any); ok {
				fn(m)
			}
		}
	}
	switch kind {
	case "virtualservice":
		each("services", func(m map[string]any) {
			if _, ok := m["port_range_end"]; !ok {
				m["port_range_end"] = m["port"]
			}
		})
	case "pool":
		each("servers", func(m map[string]any) {
			if _, ok := m["hostname"]; !ok {
				if ip, ok := m["ip"].(map[string]any); ok {
					m["hostname"] = ip["addr"]
				}
			}
		})
	case "vsvip":
		fillVipIDs(body)
	}
}

// fillVipIDs sets vip[].vip_id "0" where it is absent.
func fillVipIDs(body map[string]any) {
	list, _ := body["vip"].([]any)
	for _, e := range list {
		if m, ok := e.(map[string]any); ok {
			if _, ok := m["vip_id"]; !ok {
				m["vip_id"] = "0"
			}
		}
	}
}

func dedupe(ss []string) []string {
	slices.Sort(ss)
	return slices.Compact(ss)
}

// create stores a prepared body as a new object and returns it.
func (s *Server) create(kind, tenant string, p *prepared, system bool) *object {
	s.seq++
	uuid := s.newUUID(kind)
	if u, ok := p.body["uuid"].(string); ok && u != "" {
		uuid = u
	}
	o := &object{kind: kind, uuid: uuid, tenant: tenant, name: p.name, seq: s.seq, system: system, body: p.body}
	o.body["uuid"] = uuid
	s.setBody(o, p)
	s.objs[uuid] = o
	s.names[nameKey{kind, tenant, o.name}] = uuid
	s.index(kind).add(o)
	return o
}

// replace stores a prepared body over o.
func (s *Server) replace(o *object, p *prepared) {
	delete(s.names, nameKey{o.kind, o.tenant, o.name})
	o.name = p.name
	o.body = p.body
	o.body["uuid"] = o.uuid
	s.names[nameKey{o.kind, o.tenant, o.name}] = o.uuid
	s.setBody(o, p)
}

// setBody records o's refs and VIPs and bumps _last_modified.
func (s *Server) setBody(o *object, p *prepared) {
	s.unlinkRefs(o)
	o.refs = p.refs
	for _, r := range o.refs {
		m := s.referrers[r]
		if m == nil {
			m = map[string]struct{}{}
			s.referrers[r] = m
		}
		m[o.uuid] = struct{}{}
	}
	if o.kind == "vsvip" {
		s.commitVIPs(o.uuid, p.assign, p.vips)
	}
	s.mutations++
	s.clock++
	o.body["_last_modified"] = strconv.FormatInt(s.clock, 10)
}

// unlinkRefs forgets o's outgoing refs.
func (s *Server) unlinkRefs(o *object) {
	for _, r := range o.refs {
		if m := s.referrers[r]; m != nil {
			delete(m, o.uuid)
			if len(m) == 0 {
				delete(s.referrers, r)
			}
		}
	}
	o.refs = nil
}

// remove deletes o unless other objects refer to it.
func (s *Server) remove(o *object) *apiError {
	if o.system {
		return errorf(http.StatusForbidden, "Cannot delete system default object %s %s", typeName(o.kind), o.name)
	}
	if by := s.referrers[o.uuid]; len(by) > 0 {
		names := make([]string, 0, len(by))
		for u := range by {
			if r := s.objs[u]; r != nil {
				names = append(names, fmt.Sprintf("'%s %s'", typeName(r.kind), r.name))
			}
		}
		sort.Strings(names)
		return errorf(http.StatusForbidden, "Cannot delete, object is referred by: [%s]", strings.Join(names, ", "))
	}
	s.unlinkRefs(o)
	if o.kind == "vsvip" {
		s.releaseVIPs(o.uuid)
	}
	delete(s.objs, o.uuid)
	delete(s.names, nameKey{o.kind, o.tenant, o.name})
	o.removed = true
	s.index(o.kind).drop()
	s.mutations++
	return nil
}

// view is what rendering an object needs, taken while s.mu is held so
// that the rendering and encoding run without it: the object's body (never
// changed once stored) and the names of the objects its refs point to.
type view struct {
	kind, uuid, name string
	body             map[string]any
	// names are the uuids and names of the objects o refers to (for the
	// #name of refs); nil without include_name.
	names [][2]string
}

// viewOf takes the view of o. s.mu is held.
func (s *Server) viewOf(o *object, includeName bool) view {
	v := view{kind: o.kind, uuid: o.uuid, name: o.name, body: o.body}
	if includeName {
		v.names = make([][2]string, 0, len(o.refs)+1)
		for _, u := range o.refs {
			if r := s.objs[u]; r != nil {
				v.names = append(v.names, [2]string{u, r.name})
			}
		}
		// System objects refer to their tenant without a recorded ref.
		if o.system {
			if u := s.tenantUUID(o.tenant); u != "" {
				if r := s.objs[u]; r != nil {
					v.names = append(v.names, [2]string{u, r.name})
				}
			}
		}
	}
	return v
}

// refName returns the name of the object uuid v refers to.
func (v *view) refName(uuid string) (string, bool) {
	for _, n := range v.names {
		if n[0] == uuid {
			return n[1], true
		}
	}
	return "", false
}

// render returns a copy of o's body as the API shows it: refs and url as
// absolute URLs, with #name when includeName is set. s.mu is held.
func (s *Server) render(o *object, includeName bool) map[string]any {
	v := s.viewOf(o, includeName)
	return s.renderView(&v, includeName)
}

// renderView is render from a view; it reads no state of s, so s.mu need
// not be held.
func (s *Server) renderView(v *view, includeName bool) map[string]any {
	out := deepCopy(v.body).(map[string]any)
	s.renderRefs(v, out, includeName)
	out["url"] = s.viewURL(v.kind, v.uuid, v.name, includeName)
	return out
}

func (s *Server) objectURL(o *object, includeName bool) string {
	return s.viewURL(o.kind, o.uuid, o.name, includeName)
}

func (s *Server) viewURL(kind, uuid, name string, includeName bool) string {
	u := s.base + "/api/" + kind + "/" + uuid
	if includeName {
		u += "#" + name
	}
	return u
}

// renderRef renders a canonical ref (/api/<kind>/<uuid>) as an absolute URL,
// with #name when includeName is set and the target is known.
func (s *Server) renderRef(v *view, ref string, includeName bool) string {
	rest, ok := strings.CutPrefix(ref, "/api/")
	if !ok {
		return ref
	}
	if includeName {
		_, uuid, _ := strings.Cut(rest, "/")
		if name, ok := v.refName(uuid); ok {
			return s.base + ref + "#" + name
		}
	}
	return s.base + ref
}

func (s *Server) renderRefs(v *view, val any, includeName bool) {
	switch t := val.(type) {
	case map[string]any:
		for k, e := range t {
			switch x := e.(type) {
			case string:
				if strings.HasSuffix(k, "_ref") {
					t[k] = s.renderRef(v, x, includeName)
				}
			case []any:
				if strings.HasSuffix(k, "_refs") {
					for i, e := range x {
						if str, ok := e.(string); ok {
							x[i] = s.renderRef(v, str, includeName)
						}
					}
					continue
				}
				s.renderRefs(v, x, includeName)
			case map[string]any:
				s.renderRefs(v, x, includeName)
			}
		}
	case []any:
		for _, e := range t {
			s.renderRefs(v, e, includeName)
		}
	}
}

func deepCopy(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopy(e)
		}
		return m
	case []any:
		l := make([]any, len(t))
		for i, e := range t {
			l[i] = deepCopy(e)
		}
		return l
	}
	return v
}

// markersMatch reports whether a body carries the marker key with value.
func markersMatch(body map[string]any, key, value string) bool {
	list, _ := body["markers"].([]any)
	for _, e := range list {
		m, _ := e.(map[string]any)
		if m == nil || m["key"] != key {
			continue
		}
		vals, _ := m["values"].([]any)
		for _, v := range vals {
			if v == value {
				return true
			}
		}
	}
	return false
}

// matches applies the list filters of query to o.
func (s *Server) matches(o *object, q url.Values) bool {
	if v := q.Get("name"); q.Has("name") && o.name != v {
		return false
	}
	if v := q.Get("name.contains"); v != "" && !strings.Contains(o.name, v) {
		return false
	}
	if v := q.Get("name.icontains"); v != "" && !strings.Contains(strings.ToLower(o.name), strings.ToLower(v)) {
		return false
	}
	if v := q.Get("name.in"); q.Has("name.in") && !slices.Contains(strings.Split(v, ","), o.name) {
		return false
	}
	if v := q.Get("uuid"); q.Has("uuid") && o.uuid != v {
		return false
	}
	if v := q.Get("uuid.in"); q.Has("uuid.in") && !slices.Contains(strings.Split(v, ","), o.uuid) {
		return false
	}
	if v := q.Get("created_by"); q.Has("created_by") && o.body["created_by"] != v {
		return false
	}
	if k := q.Get("label_key"); k != "" && !markersMatch(o.body, k, q.Get("label_value")) {
		return false
	}
	if v := q.Get("refers_to"); v != "" {
		_, uuid, _ := strings.Cut(v, ":")
		if !slices.Contains(o.refs, uuid) {
			return false
		}
	}
	if v := q.Get("referred_by"); v != "" {
		_, uuid, _ := strings.Cut(v, ":")
		r := s.objs[uuid]
		if r == nil || !slices.Contains(r.refs, o.uuid) {
			return false
		}
	}
	return true
}

// marshal encodes v for a reply.
func marshal(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		return []byte(`{"error":"internal error encoding reply"}`)
	}
	return data
}
