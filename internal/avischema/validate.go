package avischema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
)

// Problem is one violation of the schema by a body.
type Problem struct {
	// Path is the JSON path of the offending value, such as
	// "services[1].override_network_profile_ref" or "vip[0].ip_address.type";
	// it is empty for the body as a whole.
	Path string
	// Message says what is wrong, as a lower-case fragment such as
	// "unknown field" or "must be between 1 and 65535, got 0".
	Message string
	// Introduced is set on the problems of AtVersion: the release that
	// introduced the field or value.
	Introduced string
	// Edition is set on the problems of InEdition: the edition that does
	// not allow the field or value.
	Edition string
}

// String renders the problem as "path: message" (the path of the whole body
// is shown as "<root>").
func (p Problem) String() string {
	path := p.Path
	if path == "" {
		path = "<root>"
	}
	return path + ": " + p.Message
}

// Option changes what Validate checks.
type Option func(*options)

type options struct {
	forbidReadOnly bool
	allowNull      bool
	version        string
	edition        string
}

// AtVersion makes Validate report what the controller refuses in a request
// of X-Avi-Version v: a field whose "Field introduced in" is later than v,
// and an enum value introduced later than v (see [ValueIntroduced]). The
// message names both versions: "introduced in 22.1.3, later than the
// requested version 21.1.4".
func AtVersion(v string) Option { return func(o *options) { o.version = v } }

// InEdition makes Validate report what the licence edition e (ENTERPRISE,
// ENTERPRISE_WITH_CLOUD_SERVICES, ESSENTIALS, BASIC; see [Field.Editions])
// does not allow: a field the edition may not set holding a value other
// than its default ("not allowed in the ESSENTIALS edition"), and a value
// outside the edition's allowed values. An unknown edition checks nothing.
func InEdition(e string) Option { return func(o *options) { o.edition = CanonicalEdition(e) } }

// CanonicalEdition maps a licence tier as a controller reports it
// (SystemConfiguration.default_license_tier) to the edition names of
// [Field.Editions]: ENTERPRISE_16 and ENTERPRISE_18 are ENTERPRISE; case is
// ignored. Unknown tiers are returned upper-cased.
func CanonicalEdition(e string) string {
	e = strings.ToUpper(strings.TrimSpace(e))
	switch e {
	case "ENTERPRISE_16", "ENTERPRISE_18":
		return "ENTERPRISE"
	}
	return e
}

// valueIntroduced holds enum values introduced after their field, which
// the schema does not state (it dates fields, not values). SCTP came with
// 22.1.3 (the SCTP System objects, sctp_monitor and the SCTP network
// profiles are all "Field introduced in 22.1.3"; AKO 1.9.1's SCTP support
// needs that release), so its enum values are dated with it.
var valueIntroduced = map[string]string{
	"HEALTH_MONITOR_SCTP":          "22.1.3",
	"PROTOCOL_TYPE_SCTP_PROXY":     "22.1.3",
	"PROTOCOL_TYPE_SCTP_FAST_PATH": "22.1.3",
	"PROTOCOL_SCTP":                "22.1.3",
}

// ValueIntroduced returns the version that introduced an enum value later
// than its field ("HEALTH_MONITOR_SCTP" -> "22.1.3"), or "".
func ValueIntroduced(value string) string { return valueIntroduced[value] }

// NewerVersion reports whether version a is later than b ("22.1.3" >
// "21.1.4"; "20_1_1" and "20.1.1-9046" read as 20.1.1). Missing parts are 0.
func NewerVersion(a, b string) bool { return CompareVersions(a, b) > 0 }

// CompareVersions returns -1, 0 or 1 as version a is earlier than, equal to
// or later than b (see NewerVersion).
func CompareVersions(a, b string) int {
	var fa, fb [8]int
	if na, ok := plainVersionParts(a, &fa); ok {
		if nb, ok := plainVersionParts(b, &fb); ok {
			return compareParts(fa[:na], fb[:nb])
		}
	}
	return compareParts(versionParts(a), versionParts(b))
}

// plainVersionParts is versionParts, without allocating, for a version of
// digits and separators only, in at most len(out) parts of at most 18
// digits each; ok is false for any other (versionParts then reads it).
func plainVersionParts(v string, out *[8]int) (n int, ok bool) {
	part, digits := 0, 0
	for i := 0; i <= len(v); i++ {
		if i == len(v) || v[i] == '.' || v[i] == '_' {
			if digits > 0 { // FieldsFunc drops empty parts
				if n == len(out) {
					return 0, false
				}
				out[n], n = part, n+1
			}
			part, digits = 0, 0
			continue
		}
		c := v[i]
		if c < '0' || c > '9' || digits == 18 {
			return 0, false
		}
		part, digits = part*10+int(c-'0'), digits+1
	}
	return n, true
}

// compareParts compares two versions' parts, missing parts being 0.
func compareParts(pa, pb []int) int {
	for i := range max(len(pa), len(pb)) {
		var x, y int
		if i < len(pa) {
			x = pa[i]
		}
		if i < len(pb) {
			y = pb[i]
		}
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
	}
	return 0
}

func versionParts(v string) []int {
	var out []int
	for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == '.' || r == '_' }) {
		n, err := strconv.Atoi(p)
		if err != nil {
			// "1-9046": keep the leading digits, stop.
			d := 0
			for d < len(p) && p[d] >= '0' && p[d] <= '9' {
				d++
			}
			if d > 0 {
				n, _ = strconv.Atoi(p[:d])
				out = append(out, n)
			}
			break
		}
		out = append(out, n)
	}
	return out
}

// ForbidReadOnly makes Validate report readOnly fields present in the body
// ("url", "_last_modified", ...). A body sent to create or update an object
// must not carry them; bodies read back from a controller do, so the check is
// off by default.
func ForbidReadOnly() Option { return func(o *options) { o.forbidReadOnly = true } }

// AllowNull makes Validate treat a property whose value is JSON null as
// absent (it is then reported only if required). By default null is a
// problem, since Avi SDKs omit unset fields. Null array elements are always
// problems.
func AllowNull() Option { return func(o *options) { o.allowNull = true } }

// Validate checks one body, a JSON object, against the named object type
// ("Pool", "VsVip", "VirtualService", ...; the lower-case REST name "pool",
// "vsvip", "virtualservice", ... is accepted too, and so is the name of any
// nested definition such as "IpAddr"). It returns every problem found, in
// document order (missing required fields after the fields of their object),
// or nil when the body is valid.
func (s *Schema) Validate(objectType string, body []byte, opts ...Option) []Problem {
	return s.validateRoot(objectType, opts, func() (*jvalue, error) { return parseJSON(body) })
}

// validateRoot validates the value root returns (called once the object
// type is known) as objectType.
func (s *Schema) validateRoot(objectType string, opts []Option, root func() (*jvalue, error)) []Problem {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	t, ok := s.TypeName(objectType)
	if !ok {
		return []Problem{{Message: fmt.Sprintf("unknown object type %q", objectType)}}
	}
	r, err := root()
	if err != nil {
		return []Problem{{Message: "invalid JSON: " + err.Error()}}
	}
	v := &validator{defs: s.facts.Definitions, objects: s.facts.Objects, opts: o}
	v.value("", &Field{Type: "object", Ref: t}, r)
	return v.problems
}

type validator struct {
	defs     map[string]*definition
	objects  map[string]string
	opts     options
	problems []Problem
}

func (v *validator) add(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func (v *validator) object(path string, def *definition, obj *jvalue) {
	present := make(map[string]bool, len(obj.keys))
	seen := make(map[string]bool, len(obj.keys))
	for i, key := range obj.keys {
		p := join(path, key)
		if seen[key] {
			v.add(p, "duplicate field")
			continue
		}
		seen[key] = true
		f := def.Properties[key]
		if f == nil {
			v.unknownField(p)
			continue
		}
		val := obj.vals[i]
		if val.kind == kindNull && v.opts.allowNull {
			continue
		}
		present[key] = true
		if f.ReadOnly && v.opts.forbidReadOnly {
			v.add(p, "read-only field must not be set")
			continue
		}
		if v.opts.version != "" && f.Introduced != "" && NewerVersion(f.Introduced, v.opts.version) {
			v.add(p, "introduced in %s, later than the requested version %s", f.Introduced, v.opts.version)
			v.problems[len(v.problems)-1].Introduced = f.Introduced
			continue
		}
		if v.opts.edition != "" && f.Editions != nil {
			allowed, ok := f.Editions[v.opts.edition]
			if !ok && !isDefault(f, val) {
				v.add(p, "not allowed in the %s edition", v.opts.edition)
				v.problems[len(v.problems)-1].Edition = v.opts.edition
				continue
			}
			if ok && allowed != nil && !v.editionValues(p, allowed, val) {
				continue
			}
		}
		v.value(p, f, val)
	}
	for _, name := range def.Required {
		if present[name] {
			continue
		}
		if f := def.Properties[name]; f != nil && f.Default != nil {
			continue // the controller fills the default
		}
		v.missing(join(path, name))
	}
}

// unknownField reports a property the definition does not have.
func (v *validator) unknownField(path string) { v.add(path, "unknown field") }

// missing reports a required property that is absent.
func (v *validator) missing(path string) { v.add(path, "required field is missing") }

// itemCount reports an array of n items outside f's item counts.
func (v *validator) itemCount(path string, f *Field, n int) {
	if f.MinItems > 0 && n < f.MinItems {
		v.add(path, "must have at least %d %s, got %d", f.MinItems, plural(f.MinItems, "item"), n)
	}
	if f.MaxItems > 0 && n > f.MaxItems {
		v.add(path, "must have at most %d %s, got %d", f.MaxItems, plural(f.MaxItems, "item"), n)
	}
}

func (v *validator) value(path string, f *Field, val *jvalue) {
	if val.kind == kindNull {
		v.add(path, "must not be null")
		return
	}
	switch f.Type {
	case "string":
		if val.kind != kindString {
			v.add(path, "must be a string, got %s", val.kind)
			return
		}
		v.str(path, f, val.s)
	case "boolean":
		if val.kind != kindBool {
			v.add(path, "must be a boolean, got %s", val.kind)
		}
	case "integer":
		if val.kind != kindNumber {
			v.add(path, "must be an integer, got %s", val.kind)
			return
		}
		v.integer(path, f, val.s)
	case "number":
		if val.kind != kindNumber {
			v.add(path, "must be a number, got %s", val.kind)
			return
		}
		v.number(path, f, val.s)
	case "array":
		if val.kind != kindArray {
			v.add(path, "must be an array, got %s", val.kind)
			return
		}
		v.itemCount(path, f, len(val.vals))
		for i, item := range val.vals {
			v.value(path+"["+strconv.Itoa(i)+"]", f.Items, item)
		}
	case "object":
		if val.kind != kindObject {
			v.add(path, "must be an object, got %s", val.kind)
			return
		}
		v.object(path, v.defs[f.Ref], val)
	}
}

// isDefault reports whether val leaves the field as the controller would
// without it: its schema default, false for a boolean without one, "", an
// empty array or object. A field an edition may not set is accepted with
// such a value, so that a body read back from the controller (which holds
// the defaults) can be sent again.
func isDefault(f *Field, val *jvalue) bool {
	switch val.kind {
	case kindNull:
		return true
	case kindArray, kindObject:
		return len(val.vals) == 0
	}
	if f.Default != nil {
		d, err := parseJSON(f.Default)
		if err == nil && d.kind == val.kind {
			if d.kind == kindNumber {
				a, _, _ := parseIntLiteral(d.s)
				b, _, _ := parseIntLiteral(val.s)
				if a != nil && b != nil {
					return a.Cmp(b) == 0
				}
			}
			return d.s == val.s
		}
		return false
	}
	switch val.kind {
	case kindBool:
		return val.s == "false"
	case kindString:
		return val.s == ""
	}
	return false
}

// editionValues checks a value (or the elements of an array) against the
// values an edition allows, reporting the first one outside them.
func (v *validator) editionValues(path string, allowed []string, val *jvalue) bool {
	check := func(p string, e *jvalue) bool {
		if e.kind == kindArray || e.kind == kindObject || slices.Contains(allowed, e.s) {
			return true
		}
		v.add(p, "must be one of %s in the %s edition, got %s", strings.Join(allowed, ", "), v.opts.edition, e.s)
		v.problems[len(v.problems)-1].Edition = v.opts.edition
		return false
	}
	if val.kind == kindArray {
		for i, e := range val.vals {
			if !check(path+"["+strconv.Itoa(i)+"]", e) {
				return false
			}
		}
		return true
	}
	return check(path, val)
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

func (v *validator) str(path string, f *Field, s string) {
	if v.opts.version != "" {
		if in := valueIntroduced[s]; in != "" && len(f.Enum) > 0 && NewerVersion(in, v.opts.version) {
			v.add(path, "value %s introduced in %s, later than the requested version %s", s, in, v.opts.version)
			v.problems[len(v.problems)-1].Introduced = in
			return
		}
	}
	if len(f.Enum) > 0 {
		ok := false
		for _, e := range f.Enum {
			if e == s {
				ok = true
				break
			}
		}
		if !ok {
			v.add(path, "must be one of %s, got %q", strings.Join(f.Enum, ", "), s)
		}
	}
	if f.RefersTo != "" {
		if seg, ok := refCollection(s); ok {
			want := strings.ToLower(f.RefersTo)
			if rest, ok := v.objects[f.RefersTo]; ok {
				want = rest
			}
			if seg != want {
				v.add(path, "must be a reference to a %s (/api/%s/...), got %q", f.RefersTo, want, s)
			}
		}
	}
}

// refCollection returns the collection of a reference written as a REST path
// ("/api/pool/?name=x" or "https://host/api/pool/pool-uuid#x" -> "pool"). ok
// is false for other forms (bare uuids or names).
func refCollection(ref string) (string, bool) {
	rest := ref
	if i := strings.Index(ref, "://"); i >= 0 {
		j := strings.IndexByte(ref[i+3:], '/')
		if j < 0 {
			return "", false
		}
		rest = ref[i+3+j:]
	}
	after, ok := strings.CutPrefix(rest, "/api/")
	if !ok {
		return "", false
	}
	for i := 0; i < len(after); i++ { // strings.IndexAny(after, "/?#"), without building its set
		if c := after[i]; c == '/' || c == '?' || c == '#' {
			return after[:i], true
		}
	}
	return after, true
}

func (v *validator) integer(path string, f *Field, lit string) {
	// Fast path: a plain integer literal of at most 15 digits is exact as a
	// float64, so it compares with the range directly.
	if len(lit) <= 15 {
		if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
			if slices.Contains(f.Special, n) {
				return
			}
			if f.Range != nil {
				if x := float64(n); x < f.Range.Min || x > f.Range.Max {
					v.add(path, "must be between %s and %s%s, got %s", fmtFloat(f.Range.Min), fmtFloat(f.Range.Max), specialSuffix(f.Special), lit)
				}
				return
			}
			if lo, hi := int64Bounds(f.Format); n < lo || n > hi {
				blo, bhi := formatBounds(f.Format)
				v.add(path, "must be between %s and %s%s, got %s", blo, bhi, specialSuffix(f.Special), lit)
			}
			return
		}
	}
	n, integral, huge := parseIntLiteral(lit)
	if !integral {
		v.add(path, "must be an integer, got %s", lit)
		return
	}
	if !huge && n.IsInt64() {
		for _, sp := range f.Special {
			if n.Int64() == sp {
				return
			}
		}
	}
	if f.Range != nil {
		lo, hi := new(big.Rat).SetFloat64(f.Range.Min), new(big.Rat).SetFloat64(f.Range.Max)
		if huge || new(big.Rat).SetInt(n).Cmp(lo) < 0 || new(big.Rat).SetInt(n).Cmp(hi) > 0 {
			v.add(path, "must be between %s and %s%s, got %s", fmtFloat(f.Range.Min), fmtFloat(f.Range.Max), specialSuffix(f.Special), lit)
		}
		return
	}
	lo, hi := formatBounds(f.Format)
	if huge || n.Cmp(lo) < 0 || n.Cmp(hi) > 0 {
		v.add(path, "must be between %s and %s%s, got %s", lo, hi, specialSuffix(f.Special), lit)
	}
}

// int64Bounds is formatBounds clipped to int64 (what a parsed int64 can
// exceed).
func int64Bounds(format string) (lo, hi int64) {
	switch format {
	case "int32":
		return math.MinInt32, math.MaxInt32
	case "uint32":
		return 0, math.MaxUint32
	case "uint64":
		return 0, math.MaxInt64
	}
	return math.MinInt64, math.MaxInt64
}

func (v *validator) number(path string, f *Field, lit string) {
	if f.Range == nil {
		return
	}
	x, err := strconv.ParseFloat(lit, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		v.add(path, "must be a number, got %s", lit)
		return
	}
	if x < f.Range.Min || x > f.Range.Max {
		v.add(path, "must be between %s and %s, got %s", fmtFloat(f.Range.Min), fmtFloat(f.Range.Max), lit)
	}
}

func fmtFloat(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func specialSuffix(special []int64) string {
	if len(special) == 0 {
		return ""
	}
	parts := make([]string, len(special))
	for i, s := range special {
		parts[i] = strconv.FormatInt(s, 10)
	}
	return " or one of " + strings.Join(parts, ", ")
}

// parseIntLiteral reads a JSON number literal exactly. integral reports
// whether it denotes an integer (80, 80.0 and 8e1 all do); huge reports an
// integer of more than 20 digits, beyond every integer format, for which n is
// nil.
func parseIntLiteral(lit string) (n *big.Int, integral, huge bool) {
	neg := strings.HasPrefix(lit, "-")
	mant := strings.TrimPrefix(lit, "-")
	exp := 0
	if i := strings.IndexAny(mant, "eE"); i >= 0 {
		e, err := strconv.Atoi(mant[i+1:])
		mant = mant[:i]
		if err != nil || e > 1e6 || e < -1e6 {
			if strings.Trim(mant, "0.") == "" {
				return new(big.Int), true, false
			}
			if strings.HasPrefix(lit[strings.IndexAny(lit, "eE")+1:], "-") {
				return nil, false, false
			}
			return nil, true, true
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	exp -= len(frac)
	if digits == "" {
		return new(big.Int), true, false
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += len(digits) - len(trimmed)
	digits = trimmed
	if exp < 0 {
		return nil, false, false
	}
	if len(digits)+exp > 20 {
		return nil, true, true
	}
	n, ok := new(big.Int).SetString(digits+strings.Repeat("0", exp), 10)
	if !ok {
		return nil, false, false
	}
	if neg {
		n.Neg(n)
	}
	return n, true, false
}

// jvalue is a decoded JSON value that keeps the order of object members.
type jvalue struct {
	kind jkind
	s    string // string value, number literal, or "true"/"false"
	keys []string
	vals []*jvalue // object member values, or array elements
}

type jkind uint8

const (
	kindNull jkind = iota
	kindBool
	kindNumber
	kindString
	kindArray
	kindObject
)

func (k jkind) String() string {
	return [...]string{"null", "boolean", "number", "string", "array", "object"}[k]
}

func parseJSON(data []byte) (*jvalue, error) {
	if json.Valid(data) {
		return parseValid(data), nil
	}
	// Invalid JSON: encoding/json's decoder says where and why.
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if errors.Is(err, io.EOF) {
		return nil, io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the top-level value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder) (*jvalue, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case nil:
		return &jvalue{kind: kindNull}, nil
	case bool:
		return &jvalue{kind: kindBool, s: strconv.FormatBool(t)}, nil
	case json.Number:
		return &jvalue{kind: kindNumber, s: string(t)}, nil
	case string:
		return &jvalue{kind: kindString, s: t}, nil
	case json.Delim:
		switch t {
		case '{':
			obj := &jvalue{kind: kindObject}
			for dec.More() {
				ktok, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := ktok.(string)
				if !ok {
					return nil, fmt.Errorf("object key is %v, not a string", ktok)
				}
				val, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				obj.keys = append(obj.keys, key)
				obj.vals = append(obj.vals, val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return obj, nil
		case '[':
			arr := &jvalue{kind: kindArray}
			for dec.More() {
				val, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr.vals = append(arr.vals, val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return arr, nil
		}
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}
