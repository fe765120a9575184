package main

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/internal/golden"
)

// TestDecodeErrorsCLI: documents that cannot be decoded are reported on
// stderr and under decodeErrors (golden files: read them when accepting
// an -update), the valid documents beside them are translated and applied
// to the embedded fake controller, and the command exits 1.
func TestDecodeErrorsCLI(t *testing.T) {
	for _, tc := range []struct {
		file string
		// served are the Services translated and given a VIP.
		served []string
		// stderr are lines expected on stderr.
		stderr []string
	}{
		{
			file:   "decode-errors.yaml",
			served: []string{"default/good", "edge/also-good"},
			stderr: []string{
				`translate: cannot decode ../manifests/invalid/decode-errors.yaml document 2 (v1 Service default/quoted-port): spec.ports[1].port: Invalid value: "81": must be an integer, not a string`,
				`translate: cannot decode ../manifests/invalid/decode-errors.yaml document 3 (v1 Service default/capital): spec.Ports: Forbidden: unknown field (field names are case-sensitive); spec.bogus: Forbidden: unknown field (field names are case-sensitive)`,
				`translate: cannot decode ../manifests/invalid/decode-errors.yaml document 4 (v1 Service default/twice): spec.ports[0].port: Duplicate value: "port": the key is repeated on line 10 (first on line 9 of the document); keep one`,
				`translate: cannot decode ../manifests/invalid/decode-errors.yaml document 5 (v2 Service future): apiVersion: Unsupported value: "v2": supported values: "v1"`,
				`translate: cannot decode ../manifests/invalid/decode-errors.yaml document 6 (kindless): kind: Required value: every Kubernetes object has apiVersion and kind (case-sensitive)`,
				`translate: cannot decode ../manifests/invalid/decode-errors.yaml document 8: yaml: line 4: did not find expected ',' or '}' (lines count from the start of the document)`,
				`note: apps/v1 Deployment web (../manifests/invalid/decode-errors.yaml document 9) is not translated (kind Deployment is not an input of L4 translation)`,
				`translate: 6 document(s) cannot be decoded:`,
			},
		},
		{
			file:   "decode-list.yaml",
			served: []string{"telco/listed", "telco/typed"},
			stderr: []string{
				`translate: cannot decode ../manifests/invalid/decode-list.yaml document 1, items[1] (v1 Service telco/bad-item): spec.ports[1].protocol: Invalid value: must be a string, not a list`,
				`translate: cannot decode ../manifests/invalid/decode-list.yaml document 1, items[2] (v1 List): kind: Forbidden: a List item cannot itself be a List`,
				`translate: 2 document(s) cannot be decoded:`,
			},
		},
	} {
		t.Run(tc.file, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, "", "-f", filepath.Join("..", "manifests", "invalid", tc.file))
			if code != exitInvalid {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, exitInvalid, stderr)
			}
			for _, want := range tc.stderr {
				if !strings.Contains(stderr, want+"\n") {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
			var out struct {
				Services []struct {
					Service string          `json:"service"`
					Errors  []FieldError    `json:"errors"`
					Status  json.RawMessage `json:"status"`
				} `json:"services"`
				DecodeErrors []DecodeError `json:"decodeErrors"`
			}
			if err := json.Unmarshal([]byte(stdout), &out); err != nil {
				t.Fatalf("stdout is not one JSON document: %v", err)
			}
			var served []string
			for _, s := range out.Services {
				var status bytes.Buffer
				if len(s.Status) > 0 {
					if err := json.Compact(&status, s.Status); err != nil {
						t.Fatal(err)
					}
				}
				if len(s.Errors) == 0 && strings.Contains(status.String(), `"ip":"10.50.0.`) {
					served = append(served, s.Service)
				}
			}
			if diff := cmp.Diff(tc.served, served); diff != "" {
				t.Errorf("served Services (-want +got):\n%s", diff)
			}
			// Every decode error is in the output with the message of stderr.
			var messages []string
			for _, e := range out.DecodeErrors {
				messages = append(messages, "translate: cannot decode "+e.Message)
			}
			var want []string
			for _, l := range tc.stderr {
				if strings.HasPrefix(l, "translate: cannot decode ") {
					want = append(want, l)
				}
			}
			if diff := cmp.Diff(want, messages); diff != "" {
				t.Errorf("decodeErrors messages (-stderr +output):\n%s", diff)
			}
			golden.CompareJSON(t, filepath.Join("testdata", strings.TrimSuffix(tc.file, ".yaml")+".golden.json"), golden.Marshal(t, json.RawMessage(stdout)))
		})
	}
}

// TestDecodeErrorsOnly: an input whose only documents cannot be decoded
// still prints one JSON document (with no Service) and exits 1; an
// unreadable stream exits 2.
func TestDecodeErrorsOnly(t *testing.T) {
	stdout, stderr, code := runCLI(t, "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: x}]}\n", "-f", "-")
	if code != exitInvalid {
		t.Errorf("exit %d, want %d; stderr:\n%s", code, exitInvalid, stderr)
	}
	var out Output
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	item := (*int)(nil)
	want := []DecodeError{{Source: "-", Document: 1, Item: item, APIVersion: "v1", Kind: "Service", Object: "default/s",
		Errors: []FieldError{{Field: "spec.ports[0].port", Type: "FieldValueTypeInvalid", Value: "x", Detail: "must be an integer, not a string",
			Message: `spec.ports[0].port: Invalid value: "x": must be an integer, not a string`}},
		Message: `<stdin> document 1 (v1 Service default/s): spec.ports[0].port: Invalid value: "x": must be an integer, not a string`}}
	if diff := cmp.Diff(want, out.DecodeErrors); diff != "" {
		t.Errorf("decodeErrors (-want +got):\n%s", diff)
	}
	if len(out.Services) != 0 {
		t.Errorf("services = %v, want none", out.Services)
	}
}
