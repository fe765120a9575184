package manifest_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/internal/gen"
	"github.com/avil4/avil4/internal/manifest"
	"github.com/avil4/avil4/l4"
)

// translations returns, as JSON, the results of every Service and shared-VIP
// group of b in a backend mode: from the bundle's indexed inputs, and from
// inputs holding every EndpointSlice, Pod and Service of the bundle.
func translations(t *testing.T, b *manifest.Bundle, mode l4.BackendMode) (indexed, full string) {
	t.Helper()
	opts := l4.Options{ClusterName: "c", License: "ENTERPRISE", BackendMode: mode}
	var got, want []any
	for i := range b.Services {
		in := b.ServiceInput(i)
		got = append(got, l4.TranslateService(in, opts))
		in.EndpointSlices, in.Pods = b.EndpointSlices, b.Pods
		want = append(want, l4.TranslateService(in, opts))
	}
	for _, g := range l4.SharedVIPGroups(b.Services) {
		in := b.SharedVIPInput(g)
		got = append(got, l4.TranslateSharedVIP(in, opts))
		in.Services, in.EndpointSlices, in.Pods = b.Services, b.EndpointSlices, b.Pods
		want = append(want, l4.TranslateSharedVIP(in, opts))
	}
	enc := func(v any) string {
		js, err := json.MarshalIndent(v, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		return string(js)
	}
	return enc(got), enc(want)
}

// TestIndexedInputsTranslateAlike: the inputs ServiceInput and
// SharedVIPInput take from the bundle's index (only the Service's own
// EndpointSlices, the Pods its selector may match, the group's members)
// translate exactly as inputs holding everything, for every input of the
// l4 golden tests and the bundled examples, in every backend mode.
func TestIndexedInputsTranslateAlike(t *testing.T) {
	files, err := filepath.Glob("../../l4/testdata/*/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../../examples/manifests/*.yaml")
	files = append(files, more...)
	if len(files) < 20 {
		t.Fatalf("only %d input files found", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var b manifest.Bundle
		_ = b.Decode(bytes.NewReader(data), f)
		for _, mode := range []l4.BackendMode{l4.BackendClusterIP, l4.BackendNodePort, l4.BackendNodePortLocal} {
			got, want := translations(t, &b, mode)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s, %s mode: indexed inputs translate differently (-full +indexed):\n%s", f, mode, diff)
			}
		}
	}
}

// TestIndexFollowsDecode: a Decode after a translation input was taken
// rebuilds the index, so the new EndpointSlices are seen.
func TestIndexFollowsDecode(t *testing.T) {
	var first, second bytes.Buffer
	if err := gen.WriteYAML(&first, gen.Config{Services: 2, Endpoints: 1}); err != nil {
		t.Fatal(err)
	}
	var b manifest.Bundle
	if err := b.Decode(&first, "first"); err != nil {
		t.Fatal(err)
	}
	if n := len(b.ServiceInput(0).EndpointSlices); n != 1 {
		t.Fatalf("%d slices, want 1", n)
	}
	second.WriteString("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: more\n  namespace: ns-0\n  labels:\n    kubernetes.io/service-name: " +
		gen.Name(0) + "\naddressType: IPv4\nendpoints: []\n")
	if err := b.Decode(&second, "second"); err != nil {
		t.Fatal(err)
	}
	if n := len(b.ServiceInput(0).EndpointSlices); n != 2 {
		t.Errorf("after a second Decode: %d slices, want 2", n)
	}
}
