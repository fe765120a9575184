package avischema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// namedDoc is one swagger file's content.
type namedDoc struct {
	name string
	data []byte
}

// swaggerDoc is the part of a swagger 2.0 document that matters here.
type swaggerDoc struct {
	Info struct {
		Version string `json:"version"`
	} `json:"info"`
	Paths       map[string]map[string]json.RawMessage `json:"paths"`
	Definitions map[string]swaggerDef                 `json:"definitions"`
}

type swaggerDef struct {
	Type       string                  `json:"type"`
	Required   []string                `json:"required"`
	Properties map[string]swaggerField `json:"properties"`
}

type swaggerField struct {
	Description string          `json:"description"`
	Type        string          `json:"type"`
	Format      string          `json:"format"`
	Ref         string          `json:"$ref"`
	Items       *swaggerField   `json:"items"`
	ReadOnly    bool            `json:"readOnly"`
	Default     json.RawMessage `json:"default"`
}

type swaggerOp struct {
	Parameters []struct {
		In     string `json:"in"`
		Schema struct {
			Ref string `json:"$ref"`
		} `json:"schema"`
	} `json:"parameters"`
}

const refPrefix = "#/definitions/"

// buildFacts reduces swagger documents to facts: the object types are the
// definitions POSTed to a top-level collection path ("/pool"), and only the
// definitions reachable from them are kept.
func buildFacts(docs []namedDoc) (*facts, error) {
	f := &facts{Objects: map[string]string{}, Definitions: map[string]*definition{}}
	all := map[string]*definition{}
	origin := map[string]string{}
	for _, d := range docs {
		var doc swaggerDoc
		if err := json.Unmarshal(d.data, &doc); err != nil {
			return nil, fmt.Errorf("avischema: %s: %w", d.name, err)
		}
		switch {
		case f.Version == "":
			f.Version = doc.Info.Version
		case doc.Info.Version != f.Version:
			return nil, fmt.Errorf("avischema: %s: version %q differs from %q of %s", d.name, doc.Info.Version, f.Version, docs[0].name)
		}
		for path, ops := range doc.Paths {
			rest, ok := strings.CutPrefix(path, "/")
			if !ok || rest == "" || strings.Contains(rest, "/") || ops["post"] == nil {
				continue
			}
			var op swaggerOp
			if err := json.Unmarshal(ops["post"], &op); err != nil {
				return nil, fmt.Errorf("avischema: %s: POST %s: %w", d.name, path, err)
			}
			for _, p := range op.Parameters {
				if t, ok := strings.CutPrefix(p.Schema.Ref, refPrefix); ok && p.In == "body" {
					if prev, dup := f.Objects[t]; dup && prev != rest {
						return nil, fmt.Errorf("avischema: %s: object type %s posted to both /%s and /%s", d.name, t, prev, rest)
					}
					f.Objects[t] = rest
				}
			}
		}
		for name, sd := range doc.Definitions {
			def, err := convertDef(sd)
			if err != nil {
				return nil, fmt.Errorf("avischema: %s: definition %s: %w", d.name, name, err)
			}
			if prev, ok := all[name]; ok {
				if !reflect.DeepEqual(prev, def) {
					return nil, fmt.Errorf("avischema: definition %s differs between %s and %s", name, origin[name], d.name)
				}
				continue
			}
			all[name], origin[name] = def, d.name
		}
	}
	if len(f.Objects) == 0 {
		return nil, fmt.Errorf("avischema: no object type found (no POST /<type> with a body $ref)")
	}
	var visit func(name, from string) error
	visit = func(name, from string) error {
		if f.Definitions[name] != nil {
			return nil
		}
		def := all[name]
		if def == nil {
			return fmt.Errorf("avischema: %s refers to unknown definition %q", from, name)
		}
		f.Definitions[name] = def
		for _, pname := range sortedKeys(def.Properties) {
			fl := def.Properties[pname]
			if fl.Type == "array" {
				fl = fl.Items
			}
			if fl.Type == "object" {
				if err := visit(fl.Ref, name+"."+pname); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, t := range sortedKeys(f.Objects) {
		if err := visit(t, "object type "+t); err != nil {
			return nil, err
		}
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return f, nil
}

func convertDef(sd swaggerDef) (*definition, error) {
	if sd.Type != "" && sd.Type != "object" {
		return nil, fmt.Errorf("type %q, want object", sd.Type)
	}
	def := &definition{Required: slices.Clone(sd.Required), Properties: map[string]*Field{}}
	for name, sf := range sd.Properties {
		fl, err := convertField(sf)
		if err != nil {
			return nil, fmt.Errorf("property %s: %w", name, err)
		}
		def.Properties[name] = fl
	}
	if len(def.Required) == 0 {
		def.Required = nil
	}
	return def, nil
}

// convertField turns one swagger property into a Field, parsing the facts
// hidden in its description.
func convertField(sf swaggerField) (*Field, error) {
	fl, err := convertType(sf)
	if err != nil {
		return nil, err
	}
	fl.ReadOnly = sf.ReadOnly
	if len(sf.Default) > 0 {
		var b bytes.Buffer
		if err := json.Compact(&b, sf.Default); err != nil {
			return nil, fmt.Errorf("default: %w", err)
		}
		fl.Default = b.Bytes()
	}
	desc := sf.Description
	fl.Introduced = parseIntroduced(desc)
	fl.Editions = parseEditions(desc)
	// Value constraints go on the elements of an array.
	target := fl
	if fl.Type == "array" {
		target = fl.Items
		fl.MinItems = parseCount(minItemsRE, desc)
		fl.MaxItems = parseCount(maxItemsRE, desc)
		if sf.Format != "" && target.Format == "" && target.Type == "integer" {
			// The schema puts the element format on the array
			// (L4RulePortMatch.ports: format uint32, items {type integer}).
			target.Format = sf.Format
		}
	}
	switch target.Type {
	case "string":
		target.Enum = parseEnum(desc)
		target.RefersTo = parseRefersTo(desc)
	case "integer", "number":
		r, rok := parseRange(desc)
		special, sok := parseSpecial(desc, target.Format)
		target.Special = special
		if rok && sok {
			target.Range = r
		}
	}
	return fl, nil
}

func convertType(sf swaggerField) (*Field, error) {
	if sf.Ref != "" {
		name, ok := strings.CutPrefix(sf.Ref, refPrefix)
		if !ok || name == "" {
			return nil, fmt.Errorf("unsupported $ref %q", sf.Ref)
		}
		return &Field{Type: "object", Ref: name}, nil
	}
	switch sf.Type {
	case "string", "boolean":
		return &Field{Type: sf.Type}, nil
	case "integer", "number":
		return &Field{Type: sf.Type, Format: sf.Format}, nil
	case "array":
		if sf.Items == nil {
			return nil, fmt.Errorf("array without items")
		}
		items, err := convertType(*sf.Items)
		if err != nil {
			return nil, fmt.Errorf("items: %w", err)
		}
		return &Field{Type: "array", Items: items}, nil
	case "object", "":
		return nil, fmt.Errorf("inline object types are not supported")
	default:
		return nil, fmt.Errorf("unsupported type %q", sf.Type)
	}
}

var (
	// "Enum options - V4, DNS, V6." (ends at the first period).
	enumRE = regexp.MustCompile(`Enum options - ([^.]*)`)
	// "Allowed values are 1-65535." and "Allowed values are -90.0-+90.0.".
	// Edition notes such as "Basic edition(Allowed values- 0)" do not match.
	rangeRE = regexp.MustCompile(`Allowed values are ([-+]?\d+(?:\.\d+)?)\s*-\s*([-+]?\d+(?:\.\d+)?)(?:[.,;\s]|$)`)
	// "Special values are 0 - Immediate, -1 - Infinite." (ends at the first
	// period).
	specialRE     = regexp.MustCompile(`Special values are ([^.]*)`)
	specialItemRE = regexp.MustCompile(`(?:^|,\s*)(\S+?)\s*-\s`)
	minItemsRE    = regexp.MustCompile(`Minimum of (\d+) items required`)
	maxItemsRE    = regexp.MustCompile(`Maximum of (\d+) items allowed`)
	refersToRE    = regexp.MustCompile(`reference to an object of type (\w+)`)
	// "Field introduced in 22.1.3." (also "17.2.7", "30.2.1").
	introducedRE = regexp.MustCompile(`Field introduced in (\d+(?:\.\d+)+)`)
)

// parseIntroduced returns X of "Field introduced in X.", or "".
func parseIntroduced(desc string) string {
	if m := introducedRE.FindStringSubmatch(desc); m != nil {
		return m[1]
	}
	return ""
}

// editionNames maps the edition names of the descriptions to the licence
// tiers of SystemConfiguration.default_license_tier.
var editionNames = map[string]string{
	"Enterprise":                     "ENTERPRISE",
	"Enterprise with Cloud Services": "ENTERPRISE_WITH_CLOUD_SERVICES",
	"Essentials":                     "ESSENTIALS",
	"Basic":                          "BASIC",
}

// parseEditions reads the sentence "Allowed in Enterprise edition with any
// value, Essentials edition(Allowed values- A,B), Basic, Enterprise with
// Cloud Services edition." into edition -> allowed values (nil: any). It
// returns nil when there is no such sentence, when it allows any value in
// every edition, or when a part of it is not understood (then nothing is
// enforced).
func parseEditions(desc string) map[string][]string {
	_, rest, ok := strings.Cut(desc, "Allowed in ")
	if !ok {
		return nil
	}
	// The sentence ends at the first period outside parentheses.
	depth, end := 0, -1
	for i, r := range rest {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case '.':
			if depth == 0 && end < 0 {
				end = i
			}
		}
	}
	if end < 0 {
		return nil
	}
	var parts []string
	depth, start := 0, 0
	sentence := rest[:end]
	for i, r := range sentence {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				parts = append(parts, sentence[start:i])
				start = i + 1
			}
		}
	}
	parts = append(parts, sentence[start:])
	out := map[string][]string{}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		var values []string
		if name, vals, ok := strings.Cut(p, " edition(Allowed values- "); ok {
			vals = strings.TrimSuffix(vals, ")")
			for _, v := range strings.Split(vals, ",") {
				values = append(values, strings.TrimSpace(v))
			}
			p = name
		} else {
			p = strings.TrimSuffix(p, " with any value")
			p = strings.TrimSuffix(p, " edition")
		}
		tier, ok := editionNames[p]
		if !ok {
			return nil
		}
		out[tier] = values
	}
	// Any value in every edition is no restriction.
	if len(out) == len(editionNames) {
		free := true
		for _, v := range out {
			free = free && v == nil
		}
		if free {
			return nil
		}
	}
	return out
}

// parseEnum returns the values of "Enum options - A, B, C.", or nil.
func parseEnum(desc string) []string {
	m := enumRE.FindStringSubmatch(desc)
	if m == nil {
		return nil
	}
	var out []string
	for _, v := range strings.Split(m[1], ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// parseRange returns the interval of "Allowed values are A-B." (A and B may be
// signed decimals). ok is false without such a sentence; a sentence in an
// unknown form also yields false, so no bound is enforced.
func parseRange(desc string) (r *Range, ok bool) {
	m := rangeRE.FindStringSubmatch(desc)
	if m == nil {
		return nil, false
	}
	lo, err1 := strconv.ParseFloat(m[1], 64)
	hi, err2 := strconv.ParseFloat(m[2], 64)
	if err1 != nil || err2 != nil || lo > hi {
		return nil, false
	}
	return &Range{Min: lo, Max: hi}, true
}

// parseSpecial returns the values of "Special values are 0 - X, -1 - Y." for
// a field of the given integer format; "MAX" stands for the largest value of
// the format. ok is false when the sentence exists but a value cannot be
// understood: the caller must then enforce no range, since it cannot tell
// which values outside it are allowed.
func parseSpecial(desc, format string) (vals []int64, ok bool) {
	m := specialRE.FindStringSubmatch(desc)
	if m == nil {
		return nil, true
	}
	items := specialItemRE.FindAllStringSubmatch(strings.TrimSpace(m[1]), -1)
	if len(items) == 0 {
		return nil, false
	}
	for _, it := range items {
		tok := it[1]
		if tok == "MAX" {
			_, hi := formatBounds(format)
			if !hi.IsInt64() {
				return nil, false
			}
			vals = append(vals, hi.Int64())
			continue
		}
		v, err := strconv.ParseInt(tok, 10, 64)
		if err != nil {
			return nil, false
		}
		vals = append(vals, v)
	}
	return vals, true
}

// parseCount returns the number of a "Minimum of N items required." or
// "Maximum of N items allowed." sentence, or 0.
func parseCount(re *regexp.Regexp, desc string) int {
	m := re.FindStringSubmatch(desc)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0
	}
	return n
}

// parseRefersTo returns X of "It is a reference to an object of type X.".
func parseRefersTo(desc string) string {
	if m := refersToRE.FindStringSubmatch(desc); m != nil {
		return m[1]
	}
	return ""
}

// formatBounds returns the bounds of an integer format. Unknown or absent
// formats get the widest bounds of a protobuf integer.
func formatBounds(format string) (lo, hi *big.Int) {
	switch format {
	case "int32":
		return big.NewInt(math.MinInt32), big.NewInt(math.MaxInt32)
	case "uint32":
		return big.NewInt(0), big.NewInt(math.MaxUint32)
	case "int64":
		return big.NewInt(math.MinInt64), big.NewInt(math.MaxInt64)
	case "uint64":
		return big.NewInt(0), new(big.Int).SetUint64(math.MaxUint64)
	default:
		return big.NewInt(math.MinInt64), new(big.Int).SetUint64(math.MaxUint64)
	}
}
