package l4_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/avischema"
	"github.com/avil4/avil4/internal/manifest"
	"github.com/avil4/avil4/l4"
)

// FuzzTranslateGateway decodes arbitrary multi-document YAML (both Gateway
// API versions, classes, routes, grants, Services) and translates every
// Gateway in every backend mode. It must never panic, NotOurs must exclude
// a Set and errors, every Set must pass the controller's schema and
// aviobj.Check, and the pre-flight safety net must never fire: input the
// controller would refuse must be refused by the translator's own
// validation, with a precise error.
//
//	go test ./l4 -run '^$' -fuzz FuzzTranslateGateway -fuzztime 60s -fuzzminimizetime 0
func FuzzTranslateGateway(f *testing.F) {
	inputs, _ := filepath.Glob("testdata/gateway/*.yaml")
	seed, _ := filepath.Glob("../examples/manifests/*.yaml")
	for _, in := range append(inputs, seed...) {
		data, err := os.ReadFile(in)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data, uint8(0))
	}
	schema := avischema.Embedded()
	modes := []l4.BackendMode{l4.BackendClusterIP, l4.BackendNodePort, l4.BackendNodePortLocal}
	f.Fuzz(func(t *testing.T, data []byte, knob uint8) {
		var b manifest.Bundle
		if err := b.Decode(bytes.NewReader(data), "fuzz"); err != nil {
			return
		}
		opts := l4.Options{ClusterName: "fuzz", BackendMode: modes[int(knob)%len(modes)]}
		check := func(res l4.GatewayResult) {
			if res.NotOurs != nil && (res.Set != nil || len(res.Errors) > 0) {
				t.Fatalf("a NotOurs result has a Set or errors")
			}
			checkSet(t, schema, res.Set)
			if res.Set != nil {
				if probs := aviobj.Check(res.Set); len(probs) > 0 {
					t.Fatalf("a returned Set fails aviobj.Check: %v", probs)
				}
			}
			for _, e := range res.Errors {
				if strings.Contains(e.Detail, preflightDetail) {
					t.Fatalf("the pre-flight check caught what validation missed: %v", e)
				}
			}
			for _, c := range res.Conditions {
				if strings.Contains(c.Message, "The Avi Controller would refuse the translated objects") {
					t.Fatalf("the pre-flight check caught what validation missed: %s", c.Message)
				}
			}
		}
		for i := range b.Gateways {
			res := l4.TranslateGateway(b.GatewayInput(i), opts)
			check(res)
			_ = l4.GatewayStatus(&b.Gateways[i], res, []string{"10.0.0.1"})
		}
		for i := range b.LegacyGateways {
			res := l4.TranslateLegacyGateway(b.LegacyGatewayInput(i), opts)
			check(res)
			_ = l4.LegacyGatewayStatus(&b.LegacyGateways[i], res, []string{"10.0.0.1"})
		}
	})
}

// preflightDetail starts the detail of the errors of l4's pre-flight check
// (l4/preflight.go).
const preflightDetail = "the Avi Controller would refuse the translated objects"

func checkSet(t *testing.T, schema *avischema.Schema, set *aviobj.Set) {
	t.Helper()
	for _, o := range set.Objects() {
		body, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range schema.Validate(string(o.AviKind()), body, avischema.ForbidReadOnly()) {
			t.Errorf("%s %q: %s", o.AviKind(), o.AviName(), p)
		}
		if n := len(o.AviName()); n > aviobj.MaxNameLength {
			t.Errorf("%s name is %d characters long", o.AviKind(), n)
		}
	}
}
