package avischema

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var objectTypes = []string{
	"ApplicationProfile", "HealthMonitor", "L4PolicySet", "NetworkProfile",
	"Pool", "PoolGroup", "VirtualService", "VsVip",
}

// TestEmbeddedSnapshotIsCurrent fails when facts.json is stale: it must be
// exactly what the generator derives from the shared schema folder.
func TestEmbeddedSnapshotIsCurrent(t *testing.T) {
	s := ForTest(t)
	got, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, embeddedFacts) {
		t.Errorf("facts.json is stale; from the repo root run:\n\tgo run ./internal/avischema/gen -schema ../shared/avi-schema -out internal/avischema/facts.json")
	}
	if diff := cmp.Diff(s.facts, Embedded().facts); diff != "" {
		t.Errorf("Embedded() differs from Load() (-load +embedded):\n%s", diff)
	}
}

// TestEmbeddedRoundTrip runs without the shared folder: the embedded snapshot
// parses, and re-encodes to the same bytes.
func TestEmbeddedRoundTrip(t *testing.T) {
	s := Embedded()
	if diff := cmp.Diff(objectTypes, s.Types()); diff != "" {
		t.Errorf("Types() mismatch (-want +got):\n%s", diff)
	}
	if s.Version() == "" {
		t.Error("Version() is empty")
	}
	got, err := s.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, embeddedFacts) {
		t.Error("Snapshot() of the embedded schema differs from facts.json")
	}
	again, err := ParseSnapshot(got)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(s.facts, again.facts); diff != "" {
		t.Errorf("round trip mismatch (-want +got):\n%s", diff)
	}
	if len(embeddedFacts) > 200_000 {
		t.Errorf("facts.json is %d bytes; keep it compact", len(embeddedFacts))
	}
}

func TestParseSnapshotRejectsBadInput(t *testing.T) {
	for _, in := range []string{
		``,
		`{"version":"1","objects":{},"definitions":{}}`,
		`{"version":"1","objects":{"Pool":"pool"},"definitions":{}}`,
		`{"version":"1","objects":{"Pool":"pool"},"definitions":{"Pool":{"properties":{"x":{"type":"object","ref":"Nope"}}}}}`,
		`{"version":"1","objects":{"Pool":"pool"},"definitions":{"Pool":{"properties":{"x":{"type":"array"}}}}}`,
		`{"version":"1","objects":{"Pool":"pool"},"definitions":{"Pool":{"properties":{"x":{"type":"blob"}}}}}`,
		`{"version":"1","objects":{"Pool":"pool"},"definitions":{"Pool":{"properties":{}}},"extra":1}`,
	} {
		if _, err := ParseSnapshot([]byte(in)); err == nil {
			t.Errorf("ParseSnapshot(%s) succeeded, want error", in)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil {
		t.Error("Load(empty dir) succeeded")
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "Bad.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil {
		t.Error("Load(invalid JSON) succeeded")
	}
}

// TestEveryDescriptionFactIsParsed reads the raw swagger files and checks
// that every enum, range, special value, item count and reference sentence
// of a kept property made it into the facts, so that a new wording in a
// future schema fails here instead of silently weakening the checks.
func TestEveryDescriptionFactIsParsed(t *testing.T) {
	s := ForTest(t)
	dir, _ := Locate()
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc swaggerDoc
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatal(err)
		}
		for dname, def := range doc.Definitions {
			if s.facts.Definitions[dname] == nil {
				continue
			}
			for pname, p := range def.Properties {
				f, ok := s.Lookup(dname, pname)
				if !ok {
					t.Errorf("%s.%s: Lookup failed", dname, pname)
					continue
				}
				v := f
				if f.Type == "array" {
					v = *f.Items
				}
				check := func(kind, phrase string, got bool) {
					if strings.Contains(p.Description, phrase) {
						counts[kind]++
						if !got {
							t.Errorf("%s.%s: %s not parsed from %q", dname, pname, kind, p.Description)
						}
					}
				}
				check("enum", "Enum options", len(v.Enum) > 0)
				check("range", "Allowed values are", v.Range != nil)
				check("special", "Special values are", len(v.Special) > 0)
				check("minItems", "items required", f.MinItems > 0)
				check("maxItems", "items allowed", f.MaxItems > 0)
				check("refersTo", "reference to an object of type", v.RefersTo != "")
				if p.ReadOnly != f.ReadOnly {
					t.Errorf("%s.%s: ReadOnly = %v, want %v", dname, pname, f.ReadOnly, p.ReadOnly)
				}
			}
		}
	}
	t.Logf("description facts checked: %v", counts)
	for _, kind := range []string{"enum", "range", "special", "minItems", "maxItems", "refersTo"} {
		if counts[kind] == 0 {
			t.Errorf("no %s sentence seen at all; did the schema wording change?", kind)
		}
	}
}

// TestDefaultsAreValid checks the schema against itself: every default value
// satisfies the constraints of its field.
func TestDefaultsAreValid(t *testing.T) {
	s := Embedded()
	n := 0
	for dname, def := range s.facts.Definitions {
		for pname, f := range def.Properties {
			if f.Default == nil {
				continue
			}
			n++
			val, err := parseJSON(f.Default)
			if err != nil {
				t.Errorf("%s.%s: default %s: %v", dname, pname, f.Default, err)
				continue
			}
			v := &validator{defs: s.facts.Definitions, objects: s.facts.Objects}
			v.value(dname+"."+pname, f, val)
			for _, p := range v.problems {
				t.Errorf("default %s: %s", f.Default, p)
			}
		}
	}
	if n == 0 {
		t.Error("no defaults in the embedded schema")
	}
}

func TestLocateEnv(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AVIL4_SCHEMA_DIR", dir)
	if got, ok := Locate(); got != dir || !ok {
		t.Errorf("Locate() = %q, %v; want %q, true", got, ok, dir)
	}
	missing := filepath.Join(dir, "missing")
	t.Setenv("AVIL4_SCHEMA_DIR", missing)
	if got, ok := Locate(); got != missing || ok {
		t.Errorf("Locate() = %q, %v; want %q, false", got, ok, missing)
	}
}

func TestLocateWalksUpToGoMod(t *testing.T) {
	t.Setenv("AVIL4_SCHEMA_DIR", "")
	top := t.TempDir()
	repo := filepath.Join(top, "repo")
	sub := filepath.Join(repo, "a", "b")
	schema := filepath.Join(top, "shared", "avi-schema")
	for _, d := range []string{sub, schema} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(repo, "go.mod"), []byte("module x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(sub)
	got, ok := Locate()
	if !ok || !sameDir(t, got, schema) {
		t.Errorf("Locate() = %q, %v; want %q, true", got, ok, schema)
	}
	if err := os.RemoveAll(schema); err != nil {
		t.Fatal(err)
	}
	if got, ok := Locate(); ok || !sameDir(t, filepath.Dir(got), filepath.Dir(schema)) {
		t.Errorf("Locate() without the folder = %q, %v; want the place looked at and false", got, ok)
	}
}

func sameDir(t *testing.T, a, b string) bool {
	t.Helper()
	ra, err1 := filepath.EvalSymlinks(a)
	rb, err2 := filepath.EvalSymlinks(b)
	if err1 != nil || err2 != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return ra == rb
}

func TestLookup(t *testing.T) {
	s := Embedded()
	tests := []struct {
		typ, path string
		want      Field
		ok        bool
	}{
		{"vsvip", "vip[0].ip_address.type", Field{Type: "string", Enum: []string{"V4", "DNS", "V6"}, Required: true}, true},
		{"VsVip", "vip.ip_address.type", Field{Type: "string", Enum: []string{"V4", "DNS", "V6"}, Required: true}, true},
		{"L4PolicySet", "l4_connection_policy.rules[0].match.port.ports[0]", Field{Type: "integer", Format: "uint32", Range: &Range{1, 65535}}, true},
		{"HealthMonitor", "monitor_port", Field{Type: "integer", Format: "int32", Range: &Range{1, 65535}, Special: []int64{0}}, true},
		{"Pool", "url", Field{Type: "string", ReadOnly: true}, true},
		{"Pool", "name", Field{Type: "string", Required: true}, true},
		{"Pool", "nope", Field{}, false},
		{"Pool", "name.x", Field{}, false},
		{"Pool", "name[0]", Field{}, false},
		{"Nope", "name", Field{}, false},
		{"Pool", "", Field{}, false},
	}
	for _, tt := range tests {
		got, ok := s.Lookup(tt.typ, tt.path)
		if ok != tt.ok {
			t.Errorf("Lookup(%q, %q) ok = %v, want %v", tt.typ, tt.path, ok, tt.ok)
			continue
		}
		// Compare without Default and RefersTo noise only where the table
		// does not set them.
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Lookup(%q, %q) mismatch (-want +got):\n%s", tt.typ, tt.path, diff)
		}
	}
	// Lookup returns a copy.
	f, _ := s.Lookup("VsVip", "vip.ip_address.type")
	f.Enum[0] = "CHANGED"
	if e, _ := s.Enum("VsVip", "vip.ip_address.type"); e[0] != "V4" {
		t.Error("Lookup result aliases the schema")
	}
}

func TestEnumAndNames(t *testing.T) {
	s := Embedded()
	if got, ok := s.Enum("L4PolicySet", "l4_connection_policy.rules.match.protocol.protocol"); !ok ||
		!cmp.Equal(got, []string{"PROTOCOL_ICMP", "PROTOCOL_TCP", "PROTOCOL_UDP", "PROTOCOL_SCTP"}) {
		t.Errorf("Enum(protocol) = %v, %v", got, ok)
	}
	if _, ok := s.Enum("Pool", "name"); ok {
		t.Error("Enum(Pool.name) ok, want false")
	}
	for _, typ := range objectTypes {
		rest, ok := s.RESTName(typ)
		if !ok || rest != strings.ToLower(typ) {
			t.Errorf("RESTName(%q) = %q, %v", typ, rest, ok)
		}
		if got, ok := s.TypeName(rest); !ok || got != typ {
			t.Errorf("TypeName(%q) = %q, %v; want %q", rest, got, ok, typ)
		}
	}
	if got, ok := s.TypeName("IpAddr"); !ok || got != "IpAddr" {
		t.Errorf("TypeName(IpAddr) = %q, %v", got, ok)
	}
	if _, ok := s.RESTName("IpAddr"); ok {
		t.Error("RESTName(IpAddr) ok, want false")
	}
}
