package manifest_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/avil4/avil4/internal/manifest"
)

// FuzzDecode feeds arbitrary bytes to the multi-document decoder (including
// the legacy networking.x-k8s.io/v1alpha1 shapes): it must return an error
// or a bundle, never panic, and the bundle's inputs must be buildable.
//
//	go test ./internal/manifest -run '^$' -fuzz FuzzDecode -fuzztime 60s
func FuzzDecode(f *testing.F) {
	for _, glob := range []string{"../../examples/manifests/*.yaml", "../../l4/testdata/gateway/*.yaml"} {
		files, _ := filepath.Glob(glob)
		for _, in := range files {
			data, err := os.ReadFile(in)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b manifest.Bundle
		if err := b.Decode(bytes.NewReader(data), "fuzz"); err != nil {
			return
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
