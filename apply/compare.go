package apply

import (
	"encoding/json"
	"reflect"
	"strings"

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
