package avischema

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// decodedTypes are the object types each input is validated as.
var decodedTypes = []string{"Pool", "VirtualService", "VsVip", "L4PolicySet", "HealthMonitor", "PoolGroup", "virtualservice"}

// checkDecoded requires ValidateDecoded of v to report what Validate of
// json.Marshal(v) reports, as every object type, with and without options.
func checkDecoded(t *testing.T, s *Schema, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		return // ValidateDecoded reports it; Validate has no bytes to compare
	}
	for _, typ := range decodedTypes {
		for _, opts := range [][]Option{nil, {AtVersion("22.1.3")}, {InEdition("Essentials")}} {
			want := s.Validate(typ, data, opts...)
			got := s.ValidateDecoded(typ, v, opts...)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("ValidateDecoded(%s, %s) differs from Validate of its JSON (-Validate +ValidateDecoded):\n%s", typ, data, diff)
			}
		}
	}
}

func decodeNumbers(t testing.TB, data []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	return v, true
}

// TestValidateDecodedIsValidate mutates every value of the valid bodies in
// turn (to numbers in and out of range, strings, enums' neighbours, null,
// booleans, arrays, objects, invalid UTF-8, Go values json.Marshal encodes
// otherwise) and requires ValidateDecoded to agree with Validate on the
// encoding of each.
func TestValidateDecodedIsValidate(t *testing.T) {
	s := Embedded()
	replacements := []any{
		json.Number("65536"), json.Number("-1"), json.Number("0"), json.Number("1.5e3"), json.Number("123456789012345678901"),
		json.Number(""), json.Number("01"), json.Number(" 1"), "x", "", "V4", "/api/pool/?name=p", "/api/tenant/?name=admin",
		"https://h/api/pool/pool-1#p", "\xff\xfe", nil, true, false, []any{}, []any{"a", json.Number("1")},
		map[string]any{}, map[string]any{"\xff": "x", "b": nil}, 3, 2.5, []string{"a"},
	}
	var visit func(v any, set func(any))
	n := 0
	var root any
	visit = func(v any, set func(any)) {
		for _, r := range replacements {
			set(r)
			checkDecoded(t, s, root)
			n++
		}
		set(v)
		switch t := v.(type) {
		case map[string]any:
			for k, e := range t {
				visit(e, func(x any) { t[k] = x })
			}
		case []any:
			for i, e := range t {
				visit(e, func(x any) { t[i] = x })
			}
		}
	}
	for _, b := range validBodies {
		v, ok := decodeNumbers(t, []byte(b.body))
		if !ok {
			t.Fatalf("%s does not decode", b.name)
		}
		root = v
		checkDecoded(t, s, root)
		if m, ok := v.(map[string]any); ok {
			for k, e := range m {
				visit(e, func(x any) { m[k] = x })
			}
		}
	}
	if n < 1000 {
		t.Errorf("only %d mutations compared", n)
	}
}

func FuzzValidateDecoded(f *testing.F) {
	for _, b := range validBodies {
		f.Add([]byte(b.body))
	}
	f.Add([]byte(`{"name": "x", "servers": [{"ip": {"addr": "1.2.3.4", "type": "V9"}, "port": 70000}], "unknown": {"a": [1]}}`))
	f.Add([]byte(`[1, "a", null]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if v, ok := decodeNumbers(t, data); ok {
			checkDecoded(t, Embedded(), v)
		}
	})
}
