package manifest

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"
	kjson "sigs.k8s.io/json"
)

// maxFieldErrors bounds the field errors reported for one document.
const maxFieldErrors = 20

// Strict unmarshals JSON into v as the API server's strict field validation
// does: keys match field names case-sensitively, and unknown or duplicate
// fields are errors. Every problem is reported with its field path (list
// indices included) as a field.ErrorList aggregate.
func Strict(js []byte, v any) error {
	errs, err := decodeStrict(js, v)
	if err != nil {
		return err
	}
	return errs.ToAggregate()
}

// decodeStrict decodes js into v. When that fails it returns the field
// errors (paths relative to v), or an error when no field can be blamed
// (e.g. js is not JSON).
//
// The decoder alone decides what is wrong; a failure is then located by
// decoding the parts of the document separately, descending into the parts
// that fail, so every bad field is found (not only the first type error, and
// with list indices, which the decoder's own errors lack).
func decodeStrict(js []byte, v any) (field.ErrorList, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, fmt.Errorf("decoding into a non-pointer %T", v)
	}
	strictErrs, err := kjson.UnmarshalStrict(js, v)
	if err == nil && len(strictErrs) == 0 {
		return nil, nil
	}
	if ok, _ := kjson.SyntaxErrorOffset(err); ok {
		return nil, fmt.Errorf("not valid JSON: %s", trimJSONPrefix(err))
	}
	l := &locator{}
	// Duplicate keys (possible in JSON; YAML documents are refused for
	// them before) are found apart: the locator sees objects as maps.
	var anything any
	dups, _ := kjson.UnmarshalStrict(js, &anything, kjson.DisallowDuplicateFields)
	for _, d := range dups {
		if fe, ok := d.(kjson.FieldError); ok {
			p := parseJSONPath(fe.FieldPath())
			e := field.Duplicate(p, lastKey(fe.FieldPath()))
			e.Detail = "the key is given twice"
			l.add(e)
		}
	}
	l.locate(js, rv.Type().Elem(), nil)
	if len(l.errs) == 0 {
		// Unreachable in practice: the parts decode but the whole does not.
		if err == nil {
			err = errors.Join(strictErrs...)
		}
		return nil, errors.New(trimJSONPrefix(err))
	}
	return l.errs, nil
}

// locator collects the field errors of a document that failed to decode.
type locator struct {
	errs field.ErrorList
}

func (l *locator) add(e *field.Error) {
	if len(l.errs) < maxFieldErrors {
		l.errs = append(l.errs, e)
	}
}

// locate decodes raw into a new value of type t; if that fails it descends
// into raw's members or elements along t, and blames raw itself when none of
// its parts is to blame.
func (l *locator) locate(raw []byte, t reflect.Type, path *field.Path) {
	if len(l.errs) >= maxFieldErrors {
		return
	}
	strictErrs, err := kjson.UnmarshalStrict(raw, reflect.New(t).Interface())
	if err == nil && len(strictErrs) == 0 {
		return
	}
	before := len(l.errs)
	et := t
	for et.Kind() == reflect.Pointer {
		et = et.Elem()
	}
	if !customDecoding(et) {
		switch {
		case et.Kind() == reflect.Struct:
			if members, ok := objectMembers(raw); ok {
				for _, m := range members {
					l.member(m, et, path)
				}
			}
		case et.Kind() == reflect.Map && et.Key().Kind() == reflect.String:
			if members, ok := objectMembers(raw); ok {
				for _, m := range members {
					l.locate(m.value, et.Elem(), path.Key(m.key))
				}
			}
		case (et.Kind() == reflect.Slice && et.Elem().Kind() != reflect.Uint8) || et.Kind() == reflect.Array:
			if elems, ok := arrayElements(raw); ok {
				for i, e := range elems {
					l.locate(e, et.Elem(), path.Index(i))
				}
			}
		}
	}
	if len(l.errs) == before && path != nil {
		l.add(blame(raw, et, path, err, strictErrs))
	}
}

// member locates the errors of one member of a JSON object decoded into
// the struct type t.
func (l *locator) member(m jsonMember, t reflect.Type, path *field.Path) {
	p := path.Child(m.key)
	if ft, ok := fieldType(t, m.key); ok {
		l.locate(m.value, ft, p)
		return
	}
	// Not a field as far as fieldType knows: let the decoder say.
	one, err := json.Marshal(map[string]json.RawMessage{m.key: m.value})
	if err != nil {
		l.add(field.Invalid(p, field.OmitValueType{}, err.Error()))
		return
	}
	strictErrs, derr := kjson.UnmarshalStrict(one, reflect.New(t).Interface())
	switch {
	case derr != nil:
		l.add(blame(m.value, nil, p, derr, nil))
	case len(strictErrs) > 0:
		l.add(field.Forbidden(p, "unknown field (field names are case-sensitive)"))
	}
}

// blame builds the error of a value that does not decode into t.
func blame(raw []byte, t reflect.Type, path *field.Path, err error, strictErrs []error) *field.Error {
	value := scalar(raw)
	var ute *json.UnmarshalTypeError
	switch {
	case err == nil:
		// Strict errors in a value decoded by its own UnmarshalJSON.
		return field.Invalid(path, value, trimJSONPrefix(errors.Join(strictErrs...)))
	case errors.As(err, &ute):
		want := ute.Type
		if t != nil && t == reflect.TypeFor[intstr.IntOrString]() {
			return field.TypeInvalid(path, value, "must be an integer or a string, not "+jsonKind(ute.Value))
		}
		if isInteger(want) && strings.HasPrefix(ute.Value, "number") {
			if _, perr := strconv.ParseInt(strings.TrimSpace(strings.TrimPrefix(ute.Value, "number")), 10, 64); perr == nil {
				return field.Invalid(path, value, "out of range for "+want.String())
			}
			return field.TypeInvalid(path, value, "must be an integer")
		}
		return field.TypeInvalid(path, value, "must be "+goKind(want)+", not "+jsonKind(ute.Value))
	default:
		return field.Invalid(path, value, trimJSONPrefix(err))
	}
}

// scalar is the value of a JSON scalar for an error message; objects and
// lists are not repeated.
func scalar(raw []byte) any {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == '{' || raw[0] == '[' {
		return field.OmitValueType{}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return field.OmitValueType{}
	}
	if n, ok := v.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i
		}
		if f, err := n.Float64(); err == nil {
			return f
		}
		return n.String()
	}
	return v
}

func isInteger(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// goKind describes what a Go type accepts, in JSON terms.
func goKind(t reflect.Type) string {
	switch {
	case t.Kind() == reflect.Bool:
		return "a boolean"
	case isInteger(t):
		return "an integer"
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return "a number"
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return "a base64 string"
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return "a list"
	case t.Kind() == reflect.Map || t.Kind() == reflect.Struct:
		return "an object"
	}
	return "a " + t.String()
}

// jsonKind describes the JSON value of an UnmarshalTypeError.
func jsonKind(v string) string {
	switch {
	case v == "string":
		return "a string"
	case v == "bool":
		return "a boolean"
	case v == "array":
		return "a list"
	case v == "object":
		return "an object"
	case strings.HasPrefix(v, "number"):
		return "a number"
	}
	return v
}

func trimJSONPrefix(err error) string {
	return strings.TrimPrefix(err.Error(), "json: ")
}

// customDecoding reports whether values of t decode themselves, so the
// locator must not look inside them.
func customDecoding(t reflect.Type) bool {
	p := reflect.PointerTo(t)
	return p.Implements(reflect.TypeFor[json.Unmarshaler]()) || p.Implements(reflect.TypeFor[encoding.TextUnmarshaler]()) ||
		t.Implements(reflect.TypeFor[json.Unmarshaler]())
}

// fieldType returns the type of the struct field the JSON key key decodes
// into, following encoding/json's rules as the strict decoder applies them:
// exact (case-sensitive) names from json tags or Go field names, and the
// fields of embedded structs without a name promoted, shallower ones first.
func fieldType(t reflect.Type, key string) (reflect.Type, bool) {
	level := []reflect.Type{t}
	seen := map[reflect.Type]bool{}
	for len(level) > 0 {
		var next []reflect.Type
		for _, st := range level {
			if seen[st] {
				continue
			}
			seen[st] = true
			for i := range st.NumField() {
				f := st.Field(i)
				tag := f.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				ft := f.Type
				if f.Anonymous && name == "" {
					for ft.Kind() == reflect.Pointer {
						ft = ft.Elem()
					}
					if ft.Kind() == reflect.Struct {
						next = append(next, ft)
						continue
					}
				}
				if !f.IsExported() {
					continue
				}
				if name == "" {
					name = f.Name
				}
				if name == key {
					return f.Type, true
				}
			}
		}
		level = next
	}
	return nil, false
}

// parseJSONPath reads a path of sigs.k8s.io/json ("spec.ports[0].port").
// Keys holding "." or "[" cannot be told apart from nesting there; they
// are split.
func parseJSONPath(s string) *field.Path {
	var p *field.Path
	for _, seg := range strings.Split(s, ".") {
		key, rest, _ := strings.Cut(seg, "[")
		if key != "" {
			p = p.Child(key)
		}
		for rest != "" {
			idx, more, _ := strings.Cut(rest, "]")
			if i, err := strconv.Atoi(idx); err == nil {
				p = p.Index(i)
			}
			rest = strings.TrimPrefix(more, "[")
		}
	}
	return p
}

// lastKey is the last key of a sigs.k8s.io/json path.
func lastKey(s string) string {
	if i := strings.LastIndex(s, "."); i >= 0 {
		s = s[i+1:]
	}
	key, _, _ := strings.Cut(s, "[")
	return key
}

// jsonMember is one member of a JSON object.
type jsonMember struct {
	key   string
	value json.RawMessage
}

// objectMembers returns the members of a JSON object sorted by key, or
// false when raw is not an object.
func objectMembers(raw []byte) ([]jsonMember, bool) {
	var m map[string]json.RawMessage
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
		return nil, false
	}
	out := make([]jsonMember, 0, len(m))
	for k, v := range m {
		out = append(out, jsonMember{key: k, value: v})
	}
	slices.SortFunc(out, func(a, b jsonMember) int { return strings.Compare(a.key, b.key) })
	return out, true
}

// arrayElements returns the elements of a JSON array, or false when raw is
// not an array.
func arrayElements(raw []byte) ([]json.RawMessage, bool) {
	var a []json.RawMessage
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &a) != nil {
		return nil, false
	}
	return a, true
}
