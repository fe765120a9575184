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

// taggedObject is how the translate command prints an object.
type taggedObject struct {
	Kind aviobj.Kind     `json:"kind"`
	Body json.RawMessage `json:"body"`
}

// findObjects collects every Avi object in a decoded golden file: the
// objects of every value under a "set" key (an aviobj.Set), and every
// {"kind", "body"} pair under an "objects" key (the translate command's
// output).
func findObjects(t *testing.T, file string, v any, out *[]taggedObject) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			b, _ := json.Marshal(val)
			switch k {
			case "set":
				var set aviobj.Set
				if err := json.Unmarshal(b, &set); err != nil {
					t.Errorf("%s: not a Set: %v", file, err)
					continue
				}
				for _, o := range set.Objects() {
					body, _ := json.Marshal(o)
					*out = append(*out, taggedObject{Kind: o.AviKind(), Body: body})
				}
				continue
			case "objects":
				var objs []taggedObject
				if err := json.Unmarshal(b, &objs); err != nil {
					t.Errorf("%s: objects: %v", file, err)
					continue
				}
				*out = append(*out, objs...)
				continue
			}
			findObjects(t, file, val, out)
		}
	case []any:
		for _, val := range x {
			findObjects(t, file, val, out)
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
		var objs []taggedObject
		findObjects(t, f, doc, &objs)
		for _, o := range objs {
			objects++
			for _, p := range schema.Validate(string(o.Kind), o.Body, avischema.ForbidReadOnly()) {
				t.Errorf("%s: %s: %s", f, o.Kind, p)
			}
		}
	}
	if objects < 50 {
		t.Fatalf("validated only %d objects in %d golden files; the golden files were not found", objects, len(files))
	}
	t.Logf("validated %d objects in %d golden files", objects, len(files))
}
