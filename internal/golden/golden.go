package golden

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files with the current output instead of comparing")

// Updating reports whether the test run was asked to rewrite golden files.
func Updating() bool { return *update }

// Marshal renders v as the JSON golden files hold: indented, with objects
// and arrays that fit in 120 columns on one line (see Pretty).
func Marshal(tb testing.TB, v any) []byte {
	tb.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		tb.Fatalf("marshalling golden output: %v", err)
	}
	out, err := Pretty(buf.Bytes())
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// CompareJSON compares got (JSON) with the golden file at path, as decoded
// JSON values, reporting a "(-want +got)" diff. With -update it writes got
// to path instead.
func CompareJSON(tb testing.TB, path string, got []byte) {
	tb.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			tb.Fatal(err)
		}
		return
	}
	wantBytes, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("reading golden file (run the test with -update to create it): %v", err)
	}
	var want, have any
	if err := json.Unmarshal(wantBytes, &want); err != nil {
		tb.Fatalf("golden file %s: %v", path, err)
	}
	if err := json.Unmarshal(got, &have); err != nil {
		tb.Fatalf("output: %v", err)
	}
	if diff := cmp.Diff(want, have); diff != "" {
		tb.Errorf("output differs from %s (-want +got); rerun with -update if the change is intended:\n%s", path, diff)
	}
}
