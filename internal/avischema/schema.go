package avischema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/avil4/avil4/internal/testskip"
)

// Schema holds the facts of a set of Avi object types. A Schema is immutable
// once built and safe for concurrent use.
type Schema struct {
	facts facts
}

// facts is the whole knowledge of a Schema; it is also the shape of the
// embedded snapshot.
type facts struct {
	// Version is the controller API version of the schema (info.version).
	Version string `json:"version"`
	// Objects maps each object type to its REST collection name
	// ("VsVip" -> "vsvip").
	Objects map[string]string `json:"objects"`
	// Definitions holds every definition reachable from Objects.
	Definitions map[string]*definition `json:"definitions"`
}

type definition struct {
	Required   []string          `json:"required,omitempty"`
	Properties map[string]*Field `json:"properties"`
}

// Field describes one property of an object type (or, as Items, the elements
// of an array property), as far as the schema states it.
type Field struct {
	// Type is the JSON type: "string", "integer", "number", "boolean",
	// "array" or "object".
	Type string `json:"type"`
	// Format refines integer and number types: "int32", "uint32", "int64",
	// "uint64", "float".
	Format string `json:"format,omitempty"`
	// Ref names the definition of an object; set when Type is "object".
	Ref string `json:"ref,omitempty"`
	// Items describes the elements; set when Type is "array".
	Items *Field `json:"items,omitempty"`
	// Enum lists the allowed values of a string.
	Enum []string `json:"enum,omitempty"`
	// Range bounds an integer or a number.
	Range *Range `json:"range,omitempty"`
	// Special lists the values allowed besides Range (e.g. 0 for "use the
	// server port").
	Special []int64 `json:"special,omitempty"`
	// RefersTo names the object type a string refers to ("Pool" for
	// pool_ref).
	RefersTo string `json:"refersTo,omitempty"`
	// ReadOnly marks a field filled by the controller.
	ReadOnly bool `json:"readOnly,omitempty"`
	// Default is the JSON of the default value, if the schema gives one.
	Default json.RawMessage `json:"default,omitempty"`
	// MinItems and MaxItems bound the length of an array (0 means no bound).
	MinItems int `json:"minItems,omitempty"`
	// MaxItems is the largest number of elements of an array (0: no bound).
	MaxItems int `json:"maxItems,omitempty"`
	// Introduced is the controller version that introduced the field, from
	// "Field introduced in 22.1.3." ("" when the schema does not say).
	Introduced string `json:"introduced,omitempty"`
	// Editions lists the licence editions (ENTERPRISE, ESSENTIALS, BASIC,
	// ENTERPRISE_WITH_CLOUD_SERVICES) the field may be set in, from
	// "Allowed in Enterprise edition with any value, Essentials
	// edition(Allowed values- A,B), ...": a nil list allows any value, a
	// non-nil one only those values (of the elements, for an array). An
	// edition absent from the map may not set the field (it keeps its
	// default). Nil when the schema says nothing.
	Editions map[string][]string `json:"editions,omitempty"`
	// Required reports whether the enclosing definition requires the field.
	// It is set only on results of [Schema.Lookup].
	Required bool `json:"-"`
}

// Range is an inclusive interval of allowed numbers.
type Range struct {
	// Min is the smallest allowed value.
	Min float64 `json:"min"`
	// Max is the largest allowed value.
	Max float64 `json:"max"`
}

func (f *Field) clone() *Field {
	if f == nil {
		return nil
	}
	c := *f
	c.Items = f.Items.clone()
	c.Enum = slices.Clone(f.Enum)
	c.Special = slices.Clone(f.Special)
	c.Default = slices.Clone(f.Default)
	if f.Editions != nil {
		c.Editions = make(map[string][]string, len(f.Editions))
		for k, v := range f.Editions {
			c.Editions[k] = slices.Clone(v)
		}
	}
	if f.Range != nil {
		r := *f.Range
		c.Range = &r
	}
	return &c
}

// Load reads every *.json file in dir, each a swagger 2.0 document of one Avi
// object type, and keeps the definitions reachable from those object types.
func Load(dir string) (*Schema, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("avischema: no *.json files in %s", dir)
	}
	sort.Strings(files)
	docs := make([]namedDoc, 0, len(files))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		docs = append(docs, namedDoc{name: filepath.Base(name), data: data})
	}
	f, err := buildFacts(docs)
	if err != nil {
		return nil, err
	}
	return &Schema{facts: *f}, nil
}

// Locate finds the schema folder: $AVIL4_SCHEMA_DIR if set, else
// <repo root>/../shared/avi-schema where the repo root is found by walking up
// from the working directory to the directory holding go.mod. ok is false when
// the folder is absent; dir is then the place that was looked at (empty when
// no go.mod was found).
func Locate() (dir string, ok bool) {
	if env := os.Getenv("AVIL4_SCHEMA_DIR"); env != "" {
		return env, isDir(env)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for d := wd; ; {
		if st, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && !st.IsDir() {
			dir = filepath.Join(filepath.Dir(d), "shared", "avi-schema")
			return dir, isDir(dir)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// ForTest loads the schema for a test, or skips the test with a message saying
// that the folder was not found, where it looked and how to make the test run
// (set AVIL4_SCHEMA_DIR or place shared/ beside the clone). When the
// environment has AVIL4_REQUIRE_SHARED=1 (.ci/run sets it), an absent folder fails the test instead.
func ForTest(tb testing.TB) *Schema {
	tb.Helper()
	dir, ok := Locate()
	if !ok {
		where := dir
		if where == "" {
			where = "<repo root>/../shared/avi-schema (no go.mod found above the working directory)"
		}
		msg := fmt.Sprintf("Avi schema folder not found (looked in %s); "+
			"to run this test set AVIL4_SCHEMA_DIR to the folder holding the Avi swagger *.json files, "+
			"or place the shared/ folder beside the clone so that ../shared/avi-schema exists relative to the repo root", where)
		testskip.Skip(tb, testskip.RequireShared, "the tests reading the Avi schema", msg)
	}
	s, err := Load(dir)
	if err != nil {
		tb.Fatalf("loading Avi schema from %s: %v", dir, err)
	}
	return s
}

//go:embed facts.json
var embeddedFacts []byte

var embedded = sync.OnceValue(func() *Schema {
	s, err := ParseSnapshot(embeddedFacts)
	if err != nil {
		panic("avischema: embedded facts.json is invalid: " + err.Error())
	}
	return s
})

// Embedded returns the schema embedded in the package (facts.json), which
// needs no schema folder. It is parsed once; every call returns the same
// immutable Schema.
func Embedded() *Schema { return embedded() }

// Types lists the object types known, sorted (e.g. "Pool", "VirtualService").
func (s *Schema) Types() []string {
	out := make([]string, 0, len(s.facts.Objects))
	for t := range s.facts.Objects {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// Version returns the controller API version the schema describes (e.g.
// "30.2.1").
func (s *Schema) Version() string { return s.facts.Version }

// TypeName resolves an object type given by name ("VsVip") or by REST
// collection name ("vsvip") to its name. Definitions that are not object
// types (such as "IpAddr") resolve to themselves.
func (s *Schema) TypeName(name string) (string, bool) {
	if _, ok := s.facts.Definitions[name]; ok {
		return name, true
	}
	for t, rest := range s.facts.Objects {
		if rest == name {
			return t, true
		}
	}
	return "", false
}

// RESTName returns the REST collection name of an object type ("vsvip" for
// "VsVip"), as used in /api/<name> paths.
func (s *Schema) RESTName(objectType string) (string, bool) {
	t, ok := s.TypeName(objectType)
	if !ok {
		return "", false
	}
	rest, ok := s.facts.Objects[t]
	return rest, ok
}

// Lookup describes the field at path in an object type. The path uses dots
// between properties; array indices are optional ("vip[0].ip_address.type"
// and "vip.ip_address.type" are the same field), and a trailing index
// ("ports[0]") selects the element description. The result is a copy.
func (s *Schema) Lookup(objectType, path string) (Field, bool) {
	t, ok := s.TypeName(objectType)
	if !ok || path == "" {
		return Field{}, false
	}
	def := s.facts.Definitions[t]
	segs := strings.Split(path, ".")
	for i, seg := range segs {
		name, indexed := seg, false
		if j := strings.IndexByte(seg, '['); j >= 0 {
			if !strings.HasSuffix(seg, "]") {
				return Field{}, false
			}
			name, indexed = seg[:j], true
		}
		f, ok := def.Properties[name]
		if !ok {
			return Field{}, false
		}
		required := slices.Contains(def.Required, name)
		if indexed {
			if f.Type != "array" {
				return Field{}, false
			}
			f, required = f.Items, false
		}
		if i == len(segs)-1 {
			c := f.clone()
			c.Required = required
			return *c, true
		}
		if f.Type == "array" {
			f = f.Items
		}
		if f.Type != "object" {
			return Field{}, false
		}
		def = s.facts.Definitions[f.Ref]
	}
	return Field{}, false
}

// Enum returns the allowed values of the string field (or of the elements of
// the array field) at path in an object type; see [Schema.Lookup] for paths.
// ok is false when the field is unknown or has no enum.
func (s *Schema) Enum(objectType, path string) ([]string, bool) {
	f, ok := s.Lookup(objectType, path)
	if !ok {
		return nil, false
	}
	if f.Type == "array" && f.Items != nil {
		f = *f.Items
	}
	return f.Enum, len(f.Enum) > 0
}

// Snapshot encodes the facts of the schema as the compact JSON stored in
// facts.json: one line per property, sorted, so that changes diff well.
func (s *Schema) Snapshot() ([]byte, error) {
	var b bytes.Buffer
	write := func(v any) error {
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(data)
		return nil
	}
	b.WriteString("{\n\"version\": ")
	if err := write(s.facts.Version); err != nil {
		return nil, err
	}
	b.WriteString(",\n\"objects\": ")
	if err := write(s.facts.Objects); err != nil {
		return nil, err
	}
	b.WriteString(",\n\"definitions\": {")
	for i, name := range sortedKeys(s.facts.Definitions) {
		def := s.facts.Definitions[name]
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n")
		if err := write(name); err != nil {
			return nil, err
		}
		b.WriteString(": {")
		if len(def.Required) > 0 {
			b.WriteString("\"required\": ")
			if err := write(def.Required); err != nil {
				return nil, err
			}
			b.WriteString(", ")
		}
		b.WriteString("\"properties\": {")
		for j, pname := range sortedKeys(def.Properties) {
			if j > 0 {
				b.WriteString(",")
			}
			b.WriteString("\n  ")
			if err := write(pname); err != nil {
				return nil, err
			}
			b.WriteString(": ")
			if err := write(def.Properties[pname]); err != nil {
				return nil, err
			}
		}
		b.WriteString("\n}}")
	}
	b.WriteString("\n}\n}\n")
	return b.Bytes(), nil
}

// ParseSnapshot builds a Schema from the output of [Schema.Snapshot].
func ParseSnapshot(data []byte) (*Schema, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f facts
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("avischema: parsing snapshot: %w", err)
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return &Schema{facts: f}, nil
}

// check verifies that the facts are self-consistent: every object type and
// every reference has a definition and every field has a known type.
func (f *facts) check() error {
	if len(f.Objects) == 0 {
		return errors.New("avischema: no object types")
	}
	for t := range f.Objects {
		if f.Definitions[t] == nil {
			return fmt.Errorf("avischema: object type %s has no definition", t)
		}
	}
	var checkField func(where string, fl *Field) error
	checkField = func(where string, fl *Field) error {
		if fl == nil {
			return fmt.Errorf("avischema: %s: missing field description", where)
		}
		switch fl.Type {
		case "string", "integer", "number", "boolean":
		case "object":
			if f.Definitions[fl.Ref] == nil {
				return fmt.Errorf("avischema: %s: reference to unknown definition %q", where, fl.Ref)
			}
		case "array":
			return checkField(where+"[]", fl.Items)
		default:
			return fmt.Errorf("avischema: %s: unknown type %q", where, fl.Type)
		}
		return nil
	}
	for name, def := range f.Definitions {
		if def == nil {
			return fmt.Errorf("avischema: definition %s is null", name)
		}
		for pname, fl := range def.Properties {
			if err := checkField(name+"."+pname, fl); err != nil {
				return err
			}
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
