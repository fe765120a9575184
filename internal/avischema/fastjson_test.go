package avischema

import (
	"bytes"
	"encoding/json"
	"testing"
)

// slowParse is parseJSON's encoding/json path, the reference for parseValid.
func slowParse(t testing.TB, data []byte) *jvalue {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	return v
}

func sameTree(a, b *jvalue) bool {
	if a.kind != b.kind || a.s != b.s || len(a.keys) != len(b.keys) || len(a.vals) != len(b.vals) {
		return false
	}
	for i := range a.keys {
		if a.keys[i] != b.keys[i] {
			return false
		}
	}
	for i := range a.vals {
		if !sameTree(a.vals[i], b.vals[i]) {
			return false
		}
	}
	return true
}

func checkSameParse(t *testing.T, data []byte) {
	t.Helper()
	if !json.Valid(data) {
		return
	}
	if got, want := parseValid(data), slowParse(t, data); !sameTree(got, want) {
		t.Errorf("parseValid(%s) differs from encoding/json's reading", data)
	}
}

func TestParseValidMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{
		`{}`, `[]`, `""`, `0`, `-1.5e+10`, `true`, `false`, `null`,
		` { "a" : [ 1 , 2 , { "b" : null } ] , "c" : "x" } `,
		`{"esc":"a\"b\\c\/d\u00e9\ud83d\ude00\n","k\"ey":1}`,
		`{"dup":1,"dup":2}`,
		`[[[]],[{}],[1e3,2E-3,0.5]]`,
		"{\"name\":\"c1--ns-svc\",\"services\":[{\"port\":80,\"enable_ssl\":false}],\"markers\":[{\"key\":\"clustername\",\"values\":[\"c1\"]}]}",
	} {
		checkSameParse(t, []byte(s))
	}
}

func FuzzParseValid(f *testing.F) {
	f.Add([]byte(`{"a":[1,"x\"y",{"b":true}],"c":null}`))
	f.Fuzz(func(t *testing.T, data []byte) { checkSameParse(t, data) })
}
