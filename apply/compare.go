package apply

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/avischema"
)

// serverFilled lists, per schema type, the fields (JSON paths without
// indices) the controller fills when a body leaves them out and whose live
// value therefore says nothing when the desired object leaves them unset:
// refs it defaults (cloud, VRF, SE group, profiles, tenant), addresses it
// allocates and values it derives.
var serverFilled = map[string]map[string]bool{
	"VirtualService": {
		"tenant_ref": true, "cloud_ref": true, "vrf_context_ref": true, "se_group_ref": true,
		"application_profile_ref": true, "network_profile_ref": true, "services.port_range_end": true,
	},
	"VsVip": {
		"tenant_ref": true, "cloud_ref": true, "vrf_context_ref": true,
		"vip.ip_address": true, "vip.ip6_address": true, "vip.ipam_network_subnet": true,
		"vip.placement_networks": true, "vip.floating_ip": true,
	},
	"Pool": {
		"tenant_ref": true, "cloud_ref": true, "vrf_ref": true, "servers.hostname": true,
	},
	"L4PolicySet":    {"tenant_ref": true},
	"HealthMonitor":  {"tenant_ref": true},
	"NetworkProfile": {"tenant_ref": true},
}

// schemaType maps kinds to schema type names.
func schemaType(k aviobj.Kind) string {
	return displayKind(k)
}

// diffObjects returns the semantic difference between a desired object and
// its live counterpart ("" when equal): live is first normalised so that
// fields the desired object leaves unset compare equal when the live value is
// server-filled or the schema default (or false for a boolean without one),
// then the two are compared with aviobj.CmpOptions (refs by name and by uuid
// are the same, server fields ignored).
func diffObjects(desired, live aviobj.Object) string {
	if equalFast(desired, live) {
		return ""
	}
	return diffReflect(desired, live)
}

// diffReflect is diffObjects by copies and reflection: it decides what
// equalFast leaves open, and reports the difference.
func diffReflect(desired, live aviobj.Object) string {
	norm := normalise(desired, live)
	// Fast path: canonical forms equal means semantically equal. go-cmp,
	// exact but slower, decides (and reports) the rest.
	if reflect.DeepEqual(canonical(desired), canonical(norm)) {
		return ""
	}
	return aviobj.Diff(desired, norm)
}

// normalise returns a copy of live with the fields the desired object leaves
// unset cleared where the live value carries no intent.
func normalise(desired, live aviobj.Object) aviobj.Object {
	cp := reflect.ValueOf(aviobj.CopyObject(live))
	tn := schemaType(desired.AviKind())
	normaliseStruct(tn, "", reflect.ValueOf(desired).Elem(), cp.Elem())
	return cp.Interface().(aviobj.Object)
}

// canonical returns a copy of o where everything aviobj.CmpOptions
// disregards is erased: server fields, the form of refs (a ref that names
// its target becomes /api/<kind>/?name=<name>) and empty slices (nil).
// Equal canonical forms imply aviobj.Equal; the converse need not hold.
func canonical(o aviobj.Object) any {
	cp := reflect.ValueOf(aviobj.CopyObject(o))
	for _, f := range []string{"UUID", "URL", "LastModified"} {
		if fv := cp.Elem().FieldByName(f); fv.IsValid() {
			fv.SetString("")
		}
	}
	canonicalise(cp.Elem())
	return cp.Interface()
}

func canonicalise(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			canonicalise(v.Elem())
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		for i := range v.Len() {
			canonicalise(v.Index(i))
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			f := v.Field(i)
			switch {
			case strings.HasSuffix(name, "_ref") && f.Kind() == reflect.String:
				f.SetString(canonicalRef(f.String()))
			case strings.HasSuffix(name, "_refs") && f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
				if f.Len() == 0 {
					f.Set(reflect.Zero(f.Type()))
				}
				for j := range f.Len() {
					f.Index(j).SetString(canonicalRef(f.Index(j).String()))
				}
			default:
				canonicalise(f)
			}
		}
	}
}

// canonicalRef returns the by-name form of a ref that carries a name, else
// the ref unchanged.
func canonicalRef(s string) string {
	if r, err := aviobj.ParseRef(s); err == nil && r.Name != "" {
		return aviobj.RefByName(r.Kind, r.Name)
	}
	return s
}

func normaliseStruct(tn, path string, d, l reflect.Value) {
	t := d.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		p := name
		if path != "" {
			p = path + "." + name
		}
		normaliseField(tn, p, d.Field(i), l.Field(i))
	}
}

func isUnset(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Slice, reflect.Map:
		return v.Len() == 0
	}
	return v.IsZero()
}

func normaliseField(tn, path string, d, l reflect.Value) {
	if isUnset(d) {
		if isUnset(l) {
			return
		}
		if serverFilled[tn][path] || equalsDefault(tn, path, l) {
			l.Set(reflect.Zero(l.Type()))
		}
		return
	}
	switch d.Kind() {
	case reflect.Pointer:
		if !l.IsNil() && d.Elem().Kind() == reflect.Struct {
			normaliseStruct(tn, path, d.Elem(), l.Elem())
		}
	case reflect.Struct:
		normaliseStruct(tn, path, d, l)
	case reflect.Slice:
		if d.Type().Elem().Kind() != reflect.Struct {
			return
		}
		for i := range min(d.Len(), l.Len()) {
			normaliseStruct(tn, path, d.Index(i), l.Index(i))
		}
	}
}

// equalsDefault reports whether v is the schema default of the field at path
// (false for a boolean without a default).
func equalsDefault(tn, path string, v reflect.Value) bool {
	f, ok := avischema.Embedded().Lookup(tn, path)
	if !ok {
		return false
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return false
		}
		v = v.Elem()
	}
	if f.Default == nil {
		return f.Type == "boolean" && v.Kind() == reflect.Bool && !v.Bool()
	}
	var want, got any
	raw, err := json.Marshal(v.Interface())
	if err != nil || json.Unmarshal(raw, &got) != nil || json.Unmarshal(f.Default, &want) != nil {
		return false
	}
	return reflect.DeepEqual(want, got)
}

// equalFast reports whether desired and live are equal the way
// diffObjects decides it, without copying either: it walks both at once,
// applying normalise's rule (a field the desired object leaves unset
// matches a live value that is server-filled or the schema default) and
// canonical's (server fields ignored, refs by name or uuid alike, empty
// slices as nil) as it goes, with the struct layout, field paths and
// schema defaults looked up once per type. It is exact when it says
// equal; for anything it does not decide cheaply (maps, a field without a
// JSON name, a default that is not a plain scalar) it says "not equal",
// and diffObjects then takes the reflection path, which decides and
// reports the difference.
func equalFast(desired, live aviobj.Object) bool {
	d, l := reflect.ValueOf(desired), reflect.ValueOf(live)
	if d.Type() != l.Type() || d.Kind() != reflect.Pointer || d.IsNil() || l.IsNil() {
		return false
	}
	return eqStruct(schemaType(desired.AviKind()), "", d.Elem(), l.Elem(), true)
}

// structField is what equalFast needs of a struct field.
type structField struct {
	index  int
	name   string // JSON name ("" or "-": not compared cheaply)
	server bool   // UUID, URL or LastModified: ignored at the top level
	ref    bool   // a string whose JSON name ends in _ref
	refs   bool   // a []string whose JSON name ends in _refs
}

var structFields sync.Map // reflect.Type -> []structField

func fieldsOf(t reflect.Type) []structField {
	if fs, ok := structFields.Load(t); ok {
		return fs.([]structField)
	}
	fs := make([]structField, 0, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() {
			name = ""
		}
		fs = append(fs, structField{
			index:  i,
			name:   name,
			server: f.Name == "UUID" || f.Name == "URL" || f.Name == "LastModified",
			ref:    strings.HasSuffix(name, "_ref") && f.Type.Kind() == reflect.String,
			refs:   strings.HasSuffix(name, "_refs") && f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String,
		})
	}
	structFields.Store(t, fs)
	return fs
}

// fieldPath is the schema path of a field (normaliseStruct's p).
type fieldPath struct{ tn, parent, name string }

// pathFacts are the normalisation facts of one field path.
type pathFacts struct {
	path         string
	serverFilled bool
	found        bool // the schema has the field
	hasDefault   bool
	boolean      bool // the schema type is boolean
	def          any  // the decoded default (a scalar), when plain
	plain        bool // def is a string, float64 or bool
}

var (
	pathMu    sync.RWMutex
	pathCache = map[fieldPath]*pathFacts{}
)

func factsOf(tn, parent, name string) *pathFacts {
	k := fieldPath{tn, parent, name}
	pathMu.RLock()
	pf := pathCache[k]
	pathMu.RUnlock()
	if pf != nil {
		return pf
	}
	pf = newFacts(tn, parent, name)
	pathMu.Lock()
	pathCache[k] = pf
	pathMu.Unlock()
	return pf
}

func newFacts(tn, parent, name string) *pathFacts {
	p := name
	if parent != "" {
		p = parent + "." + name
	}
	pf := &pathFacts{path: p, serverFilled: serverFilled[tn][p]}
	if f, ok := avischema.Embedded().Lookup(tn, p); ok {
		pf.found, pf.boolean, pf.hasDefault = true, f.Type == "boolean", f.Default != nil
		if pf.hasDefault {
			var d any
			if json.Unmarshal(f.Default, &d) == nil {
				switch d.(type) {
				case string, float64, bool:
					pf.def, pf.plain = d, true
				}
			}
		}
	}
	return pf
}

func eqStruct(tn, path string, d, l reflect.Value, top bool) bool {
	for _, f := range fieldsOf(d.Type()) {
		if top && f.server {
			continue
		}
		df, lf := d.Field(f.index), l.Field(f.index)
		if f.name == "" || f.name == "-" {
			// normalise leaves it alone; canonical compares it.
			if !reflect.DeepEqual(df.Interface(), lf.Interface()) {
				return false
			}
			continue
		}
		if !eqField(tn, path, f, df, lf) {
			return false
		}
	}
	return true
}

func eqField(tn, parent string, f structField, d, l reflect.Value) bool {
	if d.Kind() == reflect.Map || l.Kind() == reflect.Map {
		return false
	}
	if isUnset(d) {
		if isUnset(l) {
			return true // both canonicalise to the zero value
		}
		pf := factsOf(tn, parent, f.name)
		if pf.serverFilled {
			return true
		}
		eq, decided := defaultEqual(pf, l)
		return decided && eq
	}
	switch {
	case f.ref:
		return refEqual(d.String(), l.String())
	case f.refs:
		if d.Len() != l.Len() {
			return false
		}
		for i := range d.Len() {
			if !refEqual(d.Index(i).String(), l.Index(i).String()) {
				return false
			}
		}
		return true
	}
	switch d.Kind() {
	case reflect.Pointer, reflect.Struct, reflect.Slice, reflect.Map, reflect.Interface:
		return eqValue(tn, factsOf(tn, parent, f.name).path, d, l)
	}
	return eqScalar(d, l) // no path needed
}

// eqValue compares a set desired value with its live counterpart.
func eqValue(tn, path string, d, l reflect.Value) bool {
	switch d.Kind() {
	case reflect.Pointer:
		if l.IsNil() {
			return false
		}
		if d.Elem().Kind() == reflect.Struct {
			return eqStruct(tn, path, d.Elem(), l.Elem(), false)
		}
		return eqScalar(d.Elem(), l.Elem())
	case reflect.Struct:
		return eqStruct(tn, path, d, l, false)
	case reflect.Slice:
		if d.Len() != l.Len() {
			return false
		}
		// normalise looks into the elements of a slice of structs only.
		switch d.Type().Elem().Kind() {
		case reflect.Struct:
			for i := range d.Len() {
				if !eqStruct(tn, path, d.Index(i), l.Index(i), false) {
					return false
				}
			}
			return true
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
			for i := range d.Len() {
				if !eqScalar(d.Index(i), l.Index(i)) {
					return false
				}
			}
			return true
		}
		return false
	case reflect.Map, reflect.Interface:
		return false
	}
	return eqScalar(d, l)
}

func eqScalar(d, l reflect.Value) bool {
	switch d.Kind() {
	case reflect.String:
		return d.String() == l.String()
	case reflect.Bool:
		return d.Bool() == l.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return d.Int() == l.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return d.Uint() == l.Uint()
	case reflect.Float32, reflect.Float64:
		return d.Float() == l.Float()
	}
	return reflect.DeepEqual(d.Interface(), l.Interface())
}

// defaultEqual is equalsDefault from cached facts, for a live value that
// is set: decided is false where only equalsDefault's JSON round trip can
// tell (a default that is not a plain scalar, a value that is not one).
func defaultEqual(pf *pathFacts, v reflect.Value) (eq, decided bool) {
	if !pf.found {
		return false, true
	}
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return false, true
		}
		v = v.Elem()
	}
	if !pf.hasDefault {
		return pf.boolean && v.Kind() == reflect.Bool && !v.Bool(), true
	}
	if !pf.plain {
		return false, false
	}
	switch v.Kind() {
	case reflect.Bool:
		b, ok := pf.def.(bool)
		return ok && b == v.Bool(), true
	case reflect.String:
		if !utf8.ValidString(v.String()) {
			return false, false
		}
		s, ok := pf.def.(string)
		return ok && s == v.String(), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		f, ok := pf.def.(float64)
		return ok && f == float64(v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		f, ok := pf.def.(float64)
		return ok && f == float64(v.Uint()), true
	}
	return false, false
}

// refEqual reports whether two refs have equal canonical forms
// (canonicalRef), parsing the usual forms without allocating.
func refEqual(a, b string) bool {
	if a == b {
		return true
	}
	ka, na, oka := quickRef(a)
	kb, nb, okb := quickRef(b)
	if oka && okb {
		return ka == kb && na == nb
	}
	return canonicalRef(a) == canonicalRef(b)
}

// quickRef returns the kind and name aviobj.ParseRef finds in a ref of a
// plain form (/api/<kind>/?name=<name>, /api/<kind>/<uuid>#<name>, with or
// without https://host), or false for a ref without a name or with
// anything ParseRef would unescape or treat specially; TestQuickRef checks
// it against ParseRef.
func quickRef(s string) (kind, name string, ok bool) {
	s, frag, _ := strings.Cut(s, "#")
	if strings.IndexByte(frag, '%') >= 0 {
		return "", "", false
	}
	host := false
	if rest, found := strings.CutPrefix(s, "https://"); found {
		s, host = rest, true
	} else if rest, found := strings.CutPrefix(s, "http://"); found {
		s, host = rest, true
	}
	if host {
		i := strings.IndexByte(s, '/')
		if i <= 0 {
			return "", "", false
		}
		for _, c := range []byte(s[:i]) {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == ':') {
				return "", "", false
			}
		}
		s = s[i:]
	}
	p, q, _ := strings.Cut(s, "?")
	rest, found := strings.CutPrefix(p, "/api/")
	if !found {
		return "", "", false
	}
	for _, c := range []byte(rest) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' || c == '/') {
			return "", "", false
		}
	}
	kind, uuid, _ := strings.Cut(rest, "/")
	uuid = strings.TrimSuffix(uuid, "/")
	if kind == "" || strings.IndexByte(uuid, '/') >= 0 {
		return "", "", false
	}
	if q != "" {
		n, found := strings.CutPrefix(q, "name=")
		if !found || strings.ContainsAny(n, "&;%+") {
			return "", "", false
		}
		name = n
	}
	if name == "" {
		name = frag
	}
	if name == "" {
		return "", "", false
	}
	return kind, name, true
}
