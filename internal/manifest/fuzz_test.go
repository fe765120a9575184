package manifest_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avil4/avil4/internal/manifest"
)

// FuzzDecode feeds arbitrary bytes to the multi-document decoder (including
// the legacy networking.x-k8s.io/v1alpha1 shapes and Lists): it must never
// panic; every document error must name the document (source, 1-based
// index, and a field path or a reason); the documents that decode must
// have positions and buildable inputs.
//
//	go test ./internal/manifest -run '^$' -fuzz FuzzDecode -fuzztime 20s -fuzzminimizetime 1s
func FuzzDecode(f *testing.F) {
	for _, glob := range []string{"../../examples/manifests/*.yaml", "../../examples/manifests/invalid/*.yaml", "../../l4/testdata/gateway/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, in := range files {
			data, err := os.ReadFile(in)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Service, metadata: {name: a}, spec: {ports: [{port: x}]}}\n- {kind: List}\n- 1\n"))
	f.Add([]byte("apiVersion: v1\nkind: ServiceList\nitems: [{metadata: {name: a, name: b}}]\n"))
	f.Add([]byte("apiVersion: v2\nkind: Service\n---\n{}\n---\n- x\n---\na: [\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b manifest.Bundle
		err := b.Decode(bytes.NewReader(data), "fuzz")
		var de manifest.DecodeErrors
		switch {
		case err == nil && len(b.Errors) > 0:
			t.Fatalf("Decode = nil with Bundle.Errors %v", b.Errors)
		case err != nil && errors.As(err, &de):
			if len(de) != len(b.Errors) {
				t.Fatalf("Decode returned %d errors, Bundle.Errors holds %d", len(de), len(b.Errors))
			}
		case err != nil:
			// The stream itself cannot be read (a bad --- line).
			if !strings.HasPrefix(err.Error(), "fuzz: reading document ") {
				t.Fatalf("stream error does not name the document: %v", err)
			}
		}
		for _, e := range b.Errors {
			if e.Source != "fuzz" || e.Document < 1 || !strings.HasPrefix(e.Error(), "fuzz document ") {
				t.Fatalf("error does not name the document: %q (%+v)", e.Error(), e.Position)
			}
			if len(e.Errors) == 0 && e.Reason == "" {
				t.Fatalf("error without a field or a reason: %q", e.Error())
			}
			for _, fe := range e.Errors {
				if fe.Field == "" {
					t.Fatalf("field error without a path: %q", e.Error())
				}
			}
		}
		if len(b.Where.Services) != len(b.Services) || len(b.Where.Gateways) != len(b.Gateways) || len(b.Where.LegacyGateways) != len(b.LegacyGateways) {
			t.Fatalf("positions do not follow the objects: %+v", b.Where)
		}
		for i := range b.Services {
			_ = b.ServiceInput(i)
		}
		for i := range b.Gateways {
			_ = b.GatewayInput(i)
		}
		for i := range b.LegacyGateways {
			_ = b.LegacyGatewayInput(i)
		}
	})
}
