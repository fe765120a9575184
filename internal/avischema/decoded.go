package avischema

import (
	"encoding/json"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/avil4/avil4/internal/jsonscan"
)

// ValidateDecoded is Validate of json.Marshal(v), without the encoding and
// the parse: v is what a json.Decoder with UseNumber makes of a value
// (map[string]any, []any, string, json.Number, bool, nil, nested). Members
// are taken in sorted key order and strings as json.Marshal leaves them
// (invalid UTF-8 becomes U+FFFD), so the problems and their order are
// those of Validate on the encoding. A value of any other Go type (or a
// json.Number that is not a number) makes it encode v and call Validate.
func (s *Schema) ValidateDecoded(objectType string, v any, opts ...Option) []Problem {
	root, ok := fromDecoded(v, 0)
	if !ok {
		data, err := json.Marshal(v)
		if err != nil {
			return []Problem{{Message: fmt.Sprintf("cannot encode the value: %v", err)}}
		}
		return s.Validate(objectType, data, opts...)
	}
	return s.validateRoot(objectType, opts, func() (*jvalue, error) { return root, nil })
}

// fromDecoded builds the parsed form of json.Marshal(v); ok is false for a
// value it does not model (see ValidateDecoded) or nesting deeper than
// encoding/json's limit.
func fromDecoded(v any, depth int) (*jvalue, bool) {
	if depth > 10000 {
		return nil, false
	}
	switch t := v.(type) {
	case nil:
		return &jvalue{kind: kindNull}, true
	case bool:
		if t {
			return &jvalue{kind: kindBool, s: "true"}, true
		}
		return &jvalue{kind: kindBool, s: "false"}, true
	case json.Number:
		if t == "" {
			return &jvalue{kind: kindNumber, s: "0"}, true // as json.Marshal writes it
		}
		if !numberLiteral(string(t)) {
			return nil, false
		}
		return &jvalue{kind: kindNumber, s: string(t)}, true
	case string:
		return &jvalue{kind: kindString, s: encodedString(t)}, true
	case []any:
		if t == nil {
			return &jvalue{kind: kindNull}, true
		}
		arr := &jvalue{kind: kindArray, vals: make([]*jvalue, len(t))}
		for i, e := range t {
			ev, ok := fromDecoded(e, depth+1)
			if !ok {
				return nil, false
			}
			arr.vals[i] = ev
		}
		return arr, true
	case map[string]any:
		if t == nil {
			return &jvalue{kind: kindNull}, true
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		slices.Sort(keys) // json.Marshal's order: by the key's bytes
		obj := &jvalue{kind: kindObject, keys: make([]string, len(keys)), vals: make([]*jvalue, len(keys))}
		for i, k := range keys {
			ev, ok := fromDecoded(t[k], depth+1)
			if !ok {
				return nil, false
			}
			obj.keys[i], obj.vals[i] = encodedString(k), ev
		}
		return obj, true
	}
	return nil, false
}

// encodedString is s as json.Marshal writes it and a decoder reads it back.
func encodedString(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return marshalledString(s)
}

// numberLiteral reports whether s is a JSON number literal, all of it.
func numberLiteral(s string) bool {
	end, err := jsonscan.Number([]byte(s), 0)
	return err == nil && end == len(s)
}
