package l4_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/avil4/avil4/internal/avischema"
	"github.com/avil4/avil4/internal/manifest"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

// FuzzTranslateService feeds arbitrary Services (as YAML) through the
// translator in every backend mode and IP family. It must never panic, must
// not modify its input, and every Set it produces must pass the controller's
// schema (the embedded facts, so the target runs without ../shared).
//
//	go test ./l4 -run '^$' -fuzz FuzzTranslateService -fuzztime 60s
func FuzzTranslateService(f *testing.F) {
	var inputs []string
	for _, dir := range []string{"service", "overrides", "sharedvip"} {
		more, _ := filepath.Glob("testdata/" + dir + "/*.yaml")
		inputs = append(inputs, more...)
	}
	for _, in := range inputs {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		var b manifest.Bundle
		if err := b.Decode(bytes.NewReader(data), in); err != nil {
			f.Fatal(err)
		}
		for _, s := range b.Services {
			y, err := yaml.Marshal(s)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(y, uint8(len(y)))
		}
	}
	schema := avischema.Embedded()
	modes := []l4.BackendMode{l4.BackendClusterIP, l4.BackendNodePort, l4.BackendNodePortLocal}
	families := []l4.IPFamily{"", l4.IPFamilyV4, l4.IPFamilyV6, l4.IPFamilyV4V6}
	licences := []profiles.License{"", profiles.LicenseEnterprise, profiles.LicenseEssentials}
	f.Fuzz(func(t *testing.T, data []byte, knobs uint8) {
		var svc corev1.Service
		if err := yaml.Unmarshal(data, &svc); err != nil {
			return
		}
		before, _ := json.Marshal(&svc)
		opts := l4.Options{
			ClusterName: "fuzz",
			BackendMode: modes[int(knobs)%len(modes)],
			IPFamily:    families[int(knobs/3)%len(families)],
			License:     licences[int(knobs/12)%len(licences)],
		}
		res := l4.TranslateService(l4.ServiceInput{Service: &svc}, opts)
		after, _ := json.Marshal(&svc)
		if !bytes.Equal(before, after) {
			t.Fatalf("translation modified its input")
		}
		if res.NotOurs != nil && (res.Set != nil || len(res.Errors) > 0) {
			t.Fatalf("a NotOurs result has a Set or errors: %+v", res)
		}
		if res.Set == nil {
			if res.NotOurs == nil && len(res.Errors) == 0 {
				t.Fatalf("no Set, no errors and not NotOurs")
			}
			return
		}
		checkSet(t, schema, res.Set)
	})
}

// FuzzTranslateSharedVIP decodes arbitrary multi-document YAML and
// translates every shared-VIP group in it (with overrides and FQDNs on):
// no panic, every member reported, NotOurs excluding a Set, and every Set
// passing the controller's schema.
//
//	go test ./l4 -run '^$' -fuzz FuzzTranslateSharedVIP -fuzztime 60s -fuzzminimizetime 0
//
// (Multi-document seeds are large; without -fuzzminimizetime 0 the fuzzer
// spends its time minimising them.)
func FuzzTranslateSharedVIP(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/sharedvip/*.yaml")
	more, _ := filepath.Glob("testdata/overrides/*.yaml")
	for _, in := range append(inputs, more...) {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	schema := avischema.Embedded()
	f.Fuzz(func(t *testing.T, data []byte) {
		var b manifest.Bundle
		if err := b.Decode(bytes.NewReader(data), "fuzz"); err != nil {
			return
		}
		opts := l4.Options{ClusterName: "fuzz", AutoFQDN: l4.AutoFQDNDefault, FQDNSubdomain: "example.com"}
		for _, g := range l4.SharedVIPGroups(b.Services) {
			res := l4.TranslateSharedVIP(b.SharedVIPInput(g), opts)
			if res.NotOurs != nil && res.Set != nil {
				t.Fatalf("a NotOurs result has a Set")
			}
			if len(res.Members) == 0 {
				t.Fatalf("group %s reported no member", g)
			}
			for _, m := range res.Members {
				_, _ = l4.ServiceStatus(m.Service, m.Result, []string{"10.0.0.1"})
			}
			checkSet(t, schema, res.Set)
		}
	})
}
