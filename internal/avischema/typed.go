package avischema

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// StructRoot names a Go struct type whose values a [StructValidator]
// validates as the object type ObjectType ("Pool", or the REST name "pool").
type StructRoot struct {
	// ObjectType is the schema object type, as Validate takes it.
	ObjectType string
	// Type is the Go struct type (or a pointer to it).
	Type reflect.Type
}

// StructValidator validates Go values as [Schema.Validate] validates their
// json.Marshal encoding, without encoding them: it walks the value by
// reflection against the schema, using per-type facts (JSON names,
// omitempty, the schema property of each field, the struct facts of nested
// types) computed once by [Schema.StructValidator]. It reports the same
// problems, in the same order, with the same paths and messages as
// Validate with no options; problems are rendered (paths built, messages
// formatted) only when found, so a valid value costs no allocation.
//
// A StructValidator is immutable once built and safe for concurrent use.
type StructValidator struct {
	s     *Schema
	roots []structRoot
	plans []structPlan
	// fields and reqs are the slabs the plans index.
	fields []fieldPlan
	reqs   []reqPlan
}

type structRoot struct {
	name  string // as given and as resolved: both are accepted
	typ   reflect.Type
	field *Field // the root's Field, {object, Ref: type}
	plan  int32  // -1: the type is not supported
}

// structPlan is how one Go struct type is checked against one definition.
type structPlan struct {
	typ         reflect.Type
	def         *definition
	lo, hi      int32 // fields[lo:hi], in encoding order
	reqLo       int32 // reqs[reqLo:reqHi]
	reqHi       int32
	unsupported bool
}

// fieldPlan is one encoded field of a struct.
type fieldPlan struct {
	index     int
	name      string
	omitEmpty bool
	prop      *Field // nil: not in the schema (an unknown field)
	// trivial: no value of the field's Go type can be a problem once
	// encoded (a string without enum or ref kind, a bool, an int32 of an
	// int32 field without range...), so the walk skips it.
	trivial bool
	// sub is the plan of the struct reached from this field through
	// pointers, slices and arrays when the schema has an object there;
	// -1 when none is reached.
	sub int32
}

// reqPlan is a required property without a default.
type reqPlan struct {
	name  string
	field int32 // index in fields of the struct field that encodes it, -1 if none
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

// StructValidator builds a StructValidator for the given roots, computing
// the facts of every struct type reachable from them. A root whose type
// holds something the walk does not model (maps, interfaces, floats,
// []byte, types with their own JSON or text marshalling, embedded fields,
// the ",string" and ",omitzero" options) is not supported: Validate then
// reports ok == false and the caller falls back to Validate on the JSON.
func (s *Schema) StructValidator(roots ...StructRoot) *StructValidator {
	sv := &StructValidator{s: s}
	for _, r := range roots {
		t := r.Type
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		root := structRoot{name: r.ObjectType, typ: t, plan: -1}
		if name, ok := s.TypeName(r.ObjectType); ok && t != nil && t.Kind() == reflect.Struct && supportedType(t) {
			root.field = &Field{Type: "object", Ref: name}
			root.plan = sv.build(t, s.facts.Definitions[name])
		}
		sv.roots = append(sv.roots, root)
	}
	return sv
}

// supportedType reports whether values of t encode in a way the walk
// models (structs are checked field by field when their plan is built).
func supportedType(t reflect.Type) bool {
	for range 64 {
		if t.Implements(jsonMarshaler) || t.Implements(textMarshaler) ||
			reflect.PointerTo(t).Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) {
			return false
		}
		switch t.Kind() {
		case reflect.Pointer, reflect.Array:
			t = t.Elem()
		case reflect.Slice:
			if t.Elem().Kind() == reflect.Uint8 {
				return false // []byte is a base64 string
			}
			t = t.Elem()
		case reflect.String, reflect.Bool, reflect.Struct,
			reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			return true
		default:
			return false
		}
	}
	return false
}

// trivialField reports whether no value of Go type t can be a problem as
// field f (see fieldPlan.trivial).
func trivialField(t reflect.Type, f *Field, omitEmpty bool) bool {
	if t.Kind() == reflect.Pointer {
		if !omitEmpty {
			return false // nil is sent as null
		}
		t = t.Elem()
	}
	var lo, hi int64
	switch t.Kind() {
	case reflect.String:
		return f.Type == "string" && len(f.Enum) == 0 && f.RefersTo == ""
	case reflect.Bool:
		return f.Type == "boolean"
	case reflect.Slice:
		// Omitted when nil or empty; otherwise only its items count.
		return omitEmpty && f.Type == "array" && f.MinItems == 0 && f.MaxItems == 0 && f.Items != nil &&
			t.Elem().Kind() != reflect.Uint8 && trivialField(t.Elem(), f.Items, false)
	case reflect.Int8, reflect.Int16, reflect.Int32:
		lo, hi = -1<<(t.Bits()-1), 1<<(t.Bits()-1)-1
	case reflect.Uint8, reflect.Uint16, reflect.Uint32:
		lo, hi = 0, 1<<t.Bits()-1
	default:
		return false
	}
	switch f.Type {
	case "number":
		return f.Range == nil
	case "integer":
		flo, fhi := int64Bounds(f.Format)
		return f.Range == nil && flo <= lo && hi <= fhi
	}
	return false
}

// validTagName reports whether a json tag name is one the walk takes as
// written (encoding/json accepts more punctuation; such names fall back).
func validTagName(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// build returns the plan of t against def, building it (and the plans of
// the structs it reaches) if needed.
func (sv *StructValidator) build(t reflect.Type, def *definition) int32 {
	for i, p := range sv.plans {
		if p.typ == t && p.def == def {
			return int32(i)
		}
	}
	idx := int32(len(sv.plans))
	sv.plans = append(sv.plans, structPlan{typ: t, def: def})
	unsupported := false
	lo := int32(len(sv.fields))
	seen := map[string]bool{}
	for i := range t.NumField() {
		sf := t.Field(i)
		if sf.Anonymous {
			unsupported = true
			continue
		}
		if !sf.IsExported() {
			continue
		}
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if !validTagName(name) {
			unsupported = true
		}
		if name == "" {
			name = sf.Name
		}
		omitEmpty := false
		for _, o := range strings.Split(opts, ",") {
			switch o {
			case "omitempty":
				omitEmpty = true
			case "string", "omitzero":
				unsupported = true
			}
		}
		if seen[name] || !supportedType(sf.Type) {
			unsupported = true
		}
		seen[name] = true
		prop := def.Properties[name]
		sv.fields = append(sv.fields, fieldPlan{index: i, name: name, omitEmpty: omitEmpty, prop: prop, sub: -1,
			trivial: prop != nil && trivialField(sf.Type, prop, omitEmpty)})
	}
	hi := int32(len(sv.fields))
	for i := lo; i < hi; i++ {
		f := sv.fields[i].prop
		if f == nil {
			continue
		}
		ft := t.Field(sv.fields[i].index).Type
		// Follow pointers, slices and arrays down to a struct, as the
		// schema's items go.
		for f != nil {
			switch ft.Kind() {
			case reflect.Pointer:
				ft = ft.Elem()
				continue
			case reflect.Slice, reflect.Array:
				if f.Type != "array" {
					f = nil
					continue
				}
				ft, f = ft.Elem(), f.Items
				continue
			case reflect.Struct:
				if f.Type == "object" {
					sub := sv.build(ft, sv.s.facts.Definitions[f.Ref])
					sv.fields[i].sub = sub
				}
			}
			break
		}
	}
	reqLo := int32(len(sv.reqs))
	for _, name := range def.Required {
		if f := def.Properties[name]; f != nil && f.Default != nil {
			continue
		}
		r := reqPlan{name: name, field: -1}
		for i := lo; i < hi; i++ {
			if sv.fields[i].name == name {
				r.field = i
			}
		}
		sv.reqs = append(sv.reqs, r)
	}
	sv.plans[idx].lo, sv.plans[idx].hi = lo, hi
	sv.plans[idx].reqLo, sv.plans[idx].reqHi = reqLo, int32(len(sv.reqs))
	sv.plans[idx].unsupported = unsupported
	return idx
}

// Validate checks v, a value (or pointer to a value) of one of the root
// types, as the object type objectType: the problems are those
// Validate(objectType, json.Marshal(v)) returns. ok is false when v's type
// is not a supported root for objectType; problems is then nil and the
// caller should validate the JSON instead.
func (sv *StructValidator) Validate(objectType string, v any) (problems []Problem, ok bool) {
	rv := reflect.ValueOf(v)
	t := rv.Type()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	for i := range sv.roots {
		r := &sv.roots[i]
		if r.name != objectType || r.typ != t || r.plan < 0 {
			continue
		}
		w := walker{sv: sv, v: validator{defs: sv.s.facts.Definitions, objects: sv.s.facts.Objects}}
		w.value(r.field, rv, r.plan)
		if w.failed {
			return nil, false
		}
		return w.v.problems, true
	}
	return nil, false
}

// walker is the state of one Validate call.
type walker struct {
	sv *StructValidator
	v  validator // renders the problems, as the JSON walk does
	// The path is buf[:depth], then extra beyond len(buf) (a slice
	// pointing into the walker itself would move it to the heap).
	buf    [12]pathSeg
	extra  []pathSeg
	depth  int
	failed bool
}

func (w *walker) push(s pathSeg) {
	if w.depth < len(w.buf) {
		w.buf[w.depth] = s
	} else {
		w.extra = append(w.extra, s)
	}
	w.depth++
}

func (w *walker) pop() {
	w.depth--
	if w.depth >= len(w.buf) {
		w.extra = w.extra[:len(w.extra)-1]
	}
}

// pathSeg is a property name, or an index when idx >= 0.
type pathSeg struct {
	name string
	idx  int
}

// pathString renders the current path as the JSON walk writes it.
func (w *walker) pathString() string {
	var b strings.Builder
	for i := range w.depth {
		s := w.seg(i)
		if s.idx >= 0 {
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(s.idx))
			b.WriteByte(']')
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.name)
	}
	return b.String()
}

func (w *walker) seg(i int) pathSeg {
	if i < len(w.buf) {
		return w.buf[i]
	}
	return w.extra[i-len(w.buf)]
}

// value checks one encoded value against f; sub is the plan of the struct
// reached from here (see fieldPlan.sub).
func (w *walker) value(f *Field, v reflect.Value, sub int32) {
	for v.Kind() == reflect.Pointer {
		if v.IsNil() {
			w.v.value(w.pathString(), f, &jvalue{kind: kindNull})
			return
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		if f.Type != "string" {
			w.mismatch(f, kindString)
			return
		}
		w.str(f, v.String())
	case reflect.Bool:
		if f.Type != "boolean" {
			w.mismatch(f, kindBool)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		w.number(f, v.Int(), false)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		u := v.Uint()
		if u > math.MaxInt64 {
			w.numberLit(f, strconv.FormatUint(u, 10))
			return
		}
		w.number(f, int64(u), true)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			w.v.value(w.pathString(), f, &jvalue{kind: kindNull})
			return
		}
		if f.Type != "array" {
			w.mismatch(f, kindArray)
			return
		}
		n := v.Len()
		if f.MinItems > 0 && n < f.MinItems || f.MaxItems > 0 && n > f.MaxItems {
			w.v.itemCount(w.pathString(), f, n)
		}
		for i := range n {
			w.push(pathSeg{idx: i})
			w.value(f.Items, v.Index(i), sub)
			w.pop()
		}
	case reflect.Struct:
		if f.Type != "object" {
			w.mismatch(f, kindObject)
			return
		}
		if sub < 0 || w.sv.plans[sub].typ != v.Type() {
			w.failed = true
			return
		}
		w.object(sub, v)
	default:
		w.failed = true
	}
}

// mismatch reports a value of JSON kind k where f wants another type.
func (w *walker) mismatch(f *Field, k jkind) {
	w.v.value(w.pathString(), f, &jvalue{kind: k})
}

func (w *walker) object(plan int32, v reflect.Value) {
	p := &w.sv.plans[plan]
	if p.unsupported {
		w.failed = true
		return
	}
	for i := p.lo; i < p.hi; i++ {
		fp := &w.sv.fields[i]
		if fp.trivial {
			continue
		}
		fv := v.Field(fp.index)
		if fp.omitEmpty && isEmptyValue(fv) {
			continue
		}
		w.push(pathSeg{name: fp.name, idx: -1})
		if fp.prop == nil {
			w.v.unknownField(w.pathString())
		} else {
			w.value(fp.prop, fv, fp.sub)
		}
		w.pop()
		if w.failed {
			return
		}
	}
	for _, r := range w.sv.reqs[p.reqLo:p.reqHi] {
		if r.field >= 0 {
			fp := &w.sv.fields[r.field]
			if !fp.omitEmpty || !isEmptyValue(v.Field(fp.index)) {
				continue
			}
		}
		w.push(pathSeg{name: r.name, idx: -1})
		w.v.missing(w.pathString())
		w.pop()
	}
}

// isEmptyValue is encoding/json's test for omitempty.
func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool:
		return !v.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int() == 0
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return v.Uint() == 0
	case reflect.Float32, reflect.Float64:
		return v.Float() == 0
	case reflect.Interface, reflect.Pointer:
		return v.IsNil()
	}
	return false
}

// str checks a string; it hands the value to the JSON walk's check when
// that could find a problem.
func (w *walker) str(f *Field, s string) {
	if len(f.Enum) == 0 && f.RefersTo == "" {
		return
	}
	if !utf8.ValidString(s) {
		w.v.str(w.pathString(), f, marshalledString(s))
		return
	}
	if len(f.Enum) > 0 && !slices.Contains(f.Enum, s) {
		w.v.str(w.pathString(), f, s)
		return
	}
	if f.RefersTo != "" {
		if seg, ok := refCollection(s); ok {
			if want, ok := w.v.objects[f.RefersTo]; ok && seg != want || !ok && !isLower(seg, f.RefersTo) {
				w.v.str(w.pathString(), f, s)
			}
		}
	}
}

// isLower reports whether s == strings.ToLower(t), without allocating for
// an ASCII t.
func isLower(s, t string) bool {
	if len(s) != len(t) {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c >= utf8.RuneSelf {
			return s == strings.ToLower(t)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if s[i] != c {
			return false
		}
	}
	return true
}

// marshalledString is s as json.Marshal and a JSON decoder leave it: every
// byte that is not part of valid UTF-8 becomes U+FFFD.
func marshalledString(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// number checks an integer Go value (n, or for unsigned values u == true
// the same n) against an integer or number field; it hands the literal to
// the JSON walk's check when that could find a problem.
func (w *walker) number(f *Field, n int64, unsigned bool) {
	lit := func() string {
		if unsigned {
			return strconv.FormatUint(uint64(n), 10)
		}
		return strconv.FormatInt(n, 10)
	}
	switch f.Type {
	case "integer":
		// The JSON walk's exact fast path: literals of at most 15
		// characters.
		if n > -1e14 && n < 1e15 {
			if slices.Contains(f.Special, n) {
				return
			}
			if f.Range != nil {
				if x := float64(n); x < f.Range.Min || x > f.Range.Max {
					w.v.integer(w.pathString(), f, lit())
				}
				return
			}
			if lo, hi := int64Bounds(f.Format); n < lo || n > hi {
				w.v.integer(w.pathString(), f, lit())
			}
			return
		}
		w.v.integer(w.pathString(), f, lit())
	case "number":
		if f.Range == nil {
			return
		}
		if x := float64(n); n > -1<<53 && n < 1<<53 && x >= f.Range.Min && x <= f.Range.Max {
			return
		}
		w.v.number(w.pathString(), f, lit())
	default:
		w.mismatch(f, kindNumber)
	}
}

// numberLit checks an integer too large for int64, by its literal.
func (w *walker) numberLit(f *Field, lit string) {
	w.v.value(w.pathString(), f, &jvalue{kind: kindNumber, s: lit})
}
