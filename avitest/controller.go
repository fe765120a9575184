package avitest

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/avil4/avil4/internal/avischema"
)

// licenceTiers are the values of SystemConfiguration.default_license_tier.
var licenceTiers = map[string]bool{
	"ENTERPRISE": true, "ENTERPRISE_16": true, "ENTERPRISE_18": true, "BASIC": true,
	"ESSENTIALS": true, "ENTERPRISE_WITH_CLOUD_SERVICES": true,
}

// dotted turns an X-Avi-Version as sent ("20_1_1" or "20.1.1") into the
// dotted form.
func dotted(v string) string { return strings.ReplaceAll(v, "_", ".") }

// wireVersion is the underscore form a controller uses in AVI_API_VERSION
// and in its messages ("16_4_2").
func wireVersion(v string) string { return strings.ReplaceAll(v, ".", "_") }

// versionInfo is the "version" object of the login reply and of
// /api/initial-data.
func (s *Server) versionInfo() map[string]any {
	return map[string]any{
		"Version": s.version, "build": 9999, "Tag": s.version + "-avitest",
		"ProductName": "Avi Cloud Controller (avitest)", "min_version": 15.2, "Product": "controller",
	}
}

// clusterStatus is the reply of /api/cluster/status: a one-node cluster
// that is up.
func (s *Server) clusterStatus() map[string]any {
	since := s.upSince.UTC().Format(time.RFC3339)
	return map[string]any{
		"cluster_state": map[string]any{"state": "CLUSTER_UP_NO_HA", "progress": 100, "up_since": since},
		"node_states": []any{map[string]any{
			"name": "127.0.0.1", "role": "CLUSTER_LEADER", "state": "CLUSTER_ACTIVE", "up_since": since,
		}},
	}
}

// validate checks a body against the schema at the request's version and
// the controller's edition. A field newer than the version gets the
// controller's message (terraform-provider-avi issues quote it):
// "Incoming request (v18_2_8) has field (enable_http2) introduced in later
// versions(v20_1_1).".
func validate(kind string, body map[string]any, rq *apiRequest) *apiError {
	probs := avischema.Embedded().ValidateDecoded(kind, body, avischema.AtVersion(rq.version), avischema.InEdition(rq.edition))
	if len(probs) == 0 {
		return nil
	}
	for _, p := range probs {
		if p.Introduced == "" {
			continue
		}
		field := p.Path
		if i := strings.LastIndexByte(field, '.'); i >= 0 {
			field = field[i+1:]
		}
		if i := strings.IndexByte(field, '['); i >= 0 {
			field = field[:i]
		}
		if strings.HasPrefix(p.Message, "value ") {
			// The schema dates fields only; a value newer than its field
			// (SCTP) gets a message of the same shape (U: the real text).
			value, _, _ := strings.Cut(strings.TrimPrefix(p.Message, "value "), " ")
			return errorf(http.StatusBadRequest, "Incoming request (v%s) has value (%s) of field (%s) introduced in later versions(v%s).",
				wireVersion(rq.version), value, field, wireVersion(p.Introduced))
		}
		return errorf(http.StatusBadRequest, "Incoming request (v%s) has field (%s) introduced in later versions(v%s).",
			wireVersion(rq.version), field, wireVersion(p.Introduced))
	}
	msgs := make([]string, 0, len(probs))
	for _, p := range probs {
		msgs = append(msgs, p.String())
	}
	return errorf(http.StatusBadRequest, "Invalid %s: %s", typeName(kind), strings.Join(msgs, "; "))
}

// ignoreFields drops, in place, what a controller ignores in a request
// body (see prepareAt): read-only fields at any depth and unknown
// top-level fields.
func ignoreFields(typeName string, body map[string]any) {
	def := definitions()[typeName]
	if def == nil {
		return
	}
	for k := range body {
		if def.Properties[k] == nil {
			delete(body, k)
		}
	}
	dropReadOnly(typeName, body)
}

func dropReadOnly(typeName string, m map[string]any) {
	def := definitions()[typeName]
	if def == nil {
		return
	}
	for k, v := range m {
		f := def.Properties[k]
		if f == nil {
			continue
		}
		if f.ReadOnly {
			delete(m, k)
			continue
		}
		eachObject(f, v, dropReadOnly)
	}
}

// eachObject calls fn on the sub-objects of a value of field f (the value
// itself, or the elements of an array of objects).
func eachObject(f *avischema.Field, v any, fn func(typeName string, m map[string]any)) {
	switch {
	case f.Type == "object" && f.Ref != "":
		if sub, ok := v.(map[string]any); ok {
			fn(f.Ref, sub)
		}
	case f.Type == "array" && f.Items != nil && f.Items.Type == "object" && f.Items.Ref != "":
		list, _ := v.([]any)
		for _, e := range list {
			if sub, ok := e.(map[string]any); ok {
				fn(f.Items.Ref, sub)
			}
		}
	}
}

// stripNewer drops, in place, the fields introduced after version: a
// controller renders a reply at the requested version.
func stripNewer(version string) func(typeName string, m map[string]any) {
	var walk func(typeName string, m map[string]any)
	walk = func(typeName string, m map[string]any) {
		def := definitions()[typeName]
		if def == nil {
			return
		}
		for k, v := range m {
			f := def.Properties[k]
			if f == nil {
				continue
			}
			if f.Introduced != "" && avischema.NewerVersion(f.Introduced, version) {
				delete(m, k)
				continue
			}
			eachObject(f, v, walk)
		}
	}
	return walk
}

// renderAt is render at an API version: the fields introduced after it
// are left out. s.mu is held.
//
// The private key of an SSLKeyAndCertificate reads "<sensitive>", as the
// recorded 20.1.1 controller showed it (test_ssl_vs).
func (s *Server) renderAt(o *object, includeName bool, version string) map[string]any {
	v := s.viewOf(o, includeName)
	return s.renderViewAt(&v, includeName, version)
}

// renderViewAt is renderAt from a view, without s.mu.
func (s *Server) renderViewAt(v *view, includeName bool, version string) map[string]any {
	out := s.renderView(v, includeName)
	if _, ok := out["key"]; ok && v.kind == "sslkeyandcertificate" {
		out["key"] = "<sensitive>"
	}
	if version != "" && writable(v.kind) && avischema.NewerVersion(avischema.Embedded().Version(), version) {
		stripNewer(version)(typeName(v.kind), out)
	}
	return out
}

// checkRefEditions refuses refs to objects the edition may not use, such
// as the System-SCTP-Proxy network profile or the System-SCTP monitor
// outside Enterprise: the referenced object's own body is checked against
// the edition.
func (s *Server) checkRefEditions(refs []string, edition string) *apiError {
	if edition == "" || edition == "ENTERPRISE" {
		return nil
	}
	for _, u := range refs {
		o := s.objs[u]
		if o == nil || !writable(o.kind) {
			continue
		}
		if probs := avischema.Embedded().Validate(o.kind, marshal(o.body), avischema.InEdition(edition)); len(probs) > 0 {
			return errorf(http.StatusBadRequest, "%s %s cannot be used in the %s edition: %s", typeName(o.kind), o.name, edition, probs[0])
		}
	}
	return nil
}

// staleUpdate is the reply of a Stale fault: another writer changed the
// object (its _last_modified moves) and the update gets the controller's
// 412 (AKO retries VsVip updates on it).
func (s *Server) staleUpdate(kind, uuid string) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o := s.objs[uuid]; o != nil && o.kind == kind {
		// A stored body never changes (replies render it without s.mu).
		body := maps.Clone(o.body)
		s.clock++
		body["_last_modified"] = strconv.FormatInt(s.clock, 10)
		o.body = body
		s.mutations++
	}
	return &apiError{status: http.StatusPreconditionFailed, msg: "Need to reload object data " + typeName(kind)}
}

// patched applies a PATCH body to o as the Avi API defines it: one of
// {"add": {...}}, {"replace": {...}} and {"delete": {...}} (several may be
// combined, applied in that order), on top-level fields only. On a scalar
// or object, add and replace set the field and delete removes it (it gets
// its default again); on a list, add appends the entries, replace swaps
// the list and delete removes the entries equal to those given. It returns
// the whole new body, to be checked like a PUT.
func (s *Server) patched(o *object, raw []byte, version string) ([]byte, *apiError) {
	var ops map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &ops); err != nil {
		return nil, errorf(http.StatusBadRequest, "PATCH body must be {\"add\"|\"replace\"|\"delete\": {...}}: %v", err)
	}
	if len(ops) == 0 {
		return nil, errorf(http.StatusBadRequest, "PATCH body must hold add, replace or delete")
	}
	for op := range ops {
		if op != "add" && op != "replace" && op != "delete" {
			return nil, errorf(http.StatusBadRequest, "unknown PATCH operation %q (add, replace or delete)", op)
		}
	}
	body := s.renderAt(o, false, version)
	delete(body, "url")
	delete(body, "_last_modified")
	for _, op := range []string{"add", "replace", "delete"} {
		for k, rv := range ops[op] {
			v, err := decodeJSON(rv)
			if err != nil {
				return nil, errorf(http.StatusBadRequest, "JSON parse error - %v", err)
			}
			cur, isList := body[k].([]any)
			add, givenList := v.([]any)
			switch {
			case op == "add" && isList && givenList:
				body[k] = append(cur, add...)
			case op == "add" || op == "replace":
				body[k] = v
			case isList && givenList:
				keep := cur[:0:0]
				for _, e := range cur {
					if !containsJSON(add, e) {
						keep = append(keep, e)
					}
				}
				body[k] = keep
			default:
				delete(body, k)
			}
		}
	}
	return marshal(body), nil
}

func containsJSON(list []any, e any) bool {
	for _, x := range list {
		if reflect.DeepEqual(x, e) {
			return true
		}
	}
	return false
}

// serveSystemConfiguration answers GET and PUT of /api/systemconfiguration,
// a singleton (uuid "default") whose default_license_tier is the edition.
// s.mu is held.
func (s *Server) serveSystemConfiguration(w http.ResponseWriter, r *http.Request) *apiError {
	switch r.Method {
	case http.MethodGet:
	case http.MethodPut:
		raw, aerr := readBody(r)
		if aerr != nil {
			return aerr
		}
		var body map[string]any
		if len(bytes.TrimSpace(raw)) == 0 {
			// An empty PUT changes nothing but _last_modified, as the
			// recorded 20.1.1 controller answered it (test_user_login).
			body = deepCopy(s.sysconfig).(map[string]any)
		} else {
			v, err := decodeJSON(raw)
			m, ok := v.(map[string]any)
			if err != nil || !ok {
				return errorf(http.StatusBadRequest, "body must be a JSON object")
			}
			body = m
		}
		tier, _ := body["default_license_tier"].(string)
		if tier == "" {
			tier = s.edition
		}
		if !licenceTiers[tier] {
			return errorf(http.StatusBadRequest, "default_license_tier: must be one of ENTERPRISE, ENTERPRISE_WITH_CLOUD_SERVICES, ESSENTIALS, BASIC, got %q", tier)
		}
		delete(body, "url")
		body["uuid"] = "default"
		body["default_license_tier"] = tier
		s.edition = avischema.CanonicalEdition(tier)
		s.clock++
		body["_last_modified"] = strconv.FormatInt(s.clock, 10)
		s.sysconfig = body
	default:
		return errorf(http.StatusMethodNotAllowed, "Method %q not allowed.", r.Method)
	}
	out := deepCopy(s.sysconfig).(map[string]any)
	out["url"] = s.base + "/api/systemconfiguration"
	writeJSON(w, http.StatusOK, out)
	return nil
}

// serveUserAccount answers PUT /api/useraccount {"old_password",
// "password"}: the caller changes its own password (200, empty body, as
// recorded). s.mu is held.
func (s *Server) serveUserAccount(w http.ResponseWriter, r *http.Request, user string) *apiError {
	if r.Method != http.MethodPut {
		return errorf(http.StatusMethodNotAllowed, "Method %q not allowed.", r.Method)
	}
	raw, aerr := readBody(r)
	if aerr != nil {
		return aerr
	}
	var body struct {
		Old string `json:"old_password"`
		New string `json:"password"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return errorf(http.StatusBadRequest, "JSON parse error - %v", err)
	}
	if body.Old != s.users[user] {
		return errorf(http.StatusBadRequest, "Old password is incorrect")
	}
	if body.New == "" {
		return errorf(http.StatusBadRequest, "password: This field may not be blank.")
	}
	s.users[user] = body.New
	w.WriteHeader(http.StatusOK)
	return nil
}

// serveTenantWrite creates (POST /api/tenant) or deletes (DELETE
// /api/tenant/<uuid>) a tenant, from the admin tenant. A tenant still
// holding objects cannot be deleted (they refer to it). s.mu is held.
func (s *Server) serveTenantWrite(w http.ResponseWriter, r *http.Request, uuid string, rq *apiRequest) *apiError {
	if rq.tenant != adminTenant {
		return errorf(http.StatusForbidden, "Tenants are managed from the admin tenant")
	}
	if r.Method == http.MethodDelete {
		o := s.objs[uuid]
		if o == nil || o.kind != "tenant" {
			return errorf(http.StatusNotFound, "Tenant object not found!")
		}
		if aerr := s.remove(o); aerr != nil {
			return aerr
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if uuid != "" {
		return errorf(http.StatusMethodNotAllowed, "Method %q not allowed.", r.Method)
	}
	raw, aerr := readBody(r)
	if aerr != nil {
		return aerr
	}
	p, aerr := s.prepareAt("tenant", raw, nil, rq)
	if aerr != nil {
		return aerr
	}
	// A tenant has no tenant_ref, and local is a boolean even when sent
	// as the string "true" (the Python SDK's test_retry_unauth_api; the
	// recorded 20.1.1 controller answered true).
	delete(p.body, "tenant_ref")
	p.refs = slices.DeleteFunc(p.refs, func(r string) bool { return r == adminTenant })
	switch l := p.body["local"].(type) {
	case nil:
		p.body["local"] = true
	case string:
		if b, err := strconv.ParseBool(l); err == nil {
			p.body["local"] = b
		}
	}
	delete(p.body, "uuid")
	o := s.create("tenant", adminTenant, p, false)
	w.Header().Set("Location", s.objectURL(o, true))
	writeJSON(w, http.StatusCreated, s.render(o, true))
	return nil
}
