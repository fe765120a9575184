package avil4_test

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/avischema"
)

// findSets collects every value under a "set" key in a decoded golden file.
func findSets(v any, out *[]json.RawMessage) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if k == "set" {
				b, _ := json.Marshal(val)
				*out = append(*out, b)
				continue
			}
			findSets(val, out)
		}
	case []any:
		for _, val := range x {
			findSets(val, out)
		}
	}
}

// TestGoldenConformance validates every Avi object of every golden file in
// the repository against the controller's published schema
// (../shared/avi-schema): no unknown fields, right JSON types, enum values,
// required fields and ranges, and no read-only field in a body we send.
func TestGoldenConformance(t *testing.T) {
	schema := avischema.ForTest(t)
	var files []string
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, ".golden.json") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	objects := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var sets []json.RawMessage
		findSets(doc, &sets)
		for _, raw := range sets {
			var set aviobj.Set
			if err := json.Unmarshal(raw, &set); err != nil {
				t.Errorf("%s: not a Set: %v", f, err)
				continue
			}
			for _, o := range set.Objects() {
				body, err := json.Marshal(o)
				if err != nil {
					t.Fatal(err)
				}
				objects++
				for _, p := range schema.Validate(string(o.AviKind()), body, avischema.ForbidReadOnly()) {
					t.Errorf("%s: %s %q: %s", f, o.AviKind(), o.AviName(), p)
				}
			}
		}
	}
	if objects < 50 {
		t.Fatalf("validated only %d objects in %d golden files; the golden files were not found", objects, len(files))
	}
	t.Logf("validated %d objects in %d golden files", objects, len(files))
}
