package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/internal/golden"
)

func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// TestBundled is the main job: without -f the bundled manifests translate
// cleanly, the seed's SCTP Service gets System-SCTP-Proxy, System-SCTP and
// PROTOCOL_SCTP, and kinds that are not translated are noted on stderr.
func TestBundled(t *testing.T) {
	stdout, stderr, code := runCLI(t, "")
	if code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	for _, want := range []string{
		"note: apps/v1 Deployment sctp-demo (examples/manifests/sctp-loadbalancer.yaml document 1) is not translated",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	var out struct {
		Services []struct {
			Service string          `json:"service"`
			Objects json.RawMessage `json:"objects"`
		} `json:"services"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("stdout is not one JSON document: %v", err)
	}
	var seed json.RawMessage
	for _, s := range out.Services {
		if s.Service == "default/server" {
			seed = s.Objects
		}
	}
	if seed == nil {
		t.Fatal("the seed Service default/server is missing")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, seed); err != nil {
		t.Fatal(err)
	}
	js := compact.String()
	for _, want := range []string{
		`"network_profile_ref":"/api/networkprofile/?name=System-SCTP-Proxy"`,
		`"health_monitor_refs":["/api/healthmonitor/?name=System-SCTP"]`,
		`"protocol":"PROTOCOL_SCTP"`,
	} {
		if !strings.Contains(js, want) {
			t.Errorf("seed translation lacks %s:\n%s", want, js)
		}
	}
	var gws struct {
		Gateways []struct {
			Gateway string          `json:"gateway"`
			Objects json.RawMessage `json:"objects"`
		} `json:"gateways"`
	}
	if err := json.Unmarshal([]byte(stdout), &gws); err != nil {
		t.Fatal(err)
	}
	var seedGW json.RawMessage
	for _, g := range gws.Gateways {
		if g.Gateway == "svcapi/my-gateway" {
			seedGW = g.Objects
		}
	}
	if seedGW == nil {
		t.Fatal("the seed Gateway svcapi/my-gateway is missing")
	}
	var gcompact bytes.Buffer
	if err := json.Compact(&gcompact, seedGW); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"name":"cluster--svcapi-my-gateway"`,
		`"network_profile_ref":"/api/networkprofile/?name=System-SCTP-Proxy"`,
		`"health_monitor_refs":["/api/healthmonitor/?name=System-SCTP"]`,
		`"protocol":"PROTOCOL_SCTP"`,
	} {
		if !strings.Contains(gcompact.String(), want) {
			t.Errorf("seed Gateway translation lacks %s:\n%s", want, gcompact.String())
		}
	}
	golden.CompareJSON(t, "testdata/bundled.golden.json", golden.Marshal(t, json.RawMessage(stdout)))
}

func TestFlagsAndExitCodes(t *testing.T) {
	nodePort := filepath.Join("..", "manifests", "nodeport-mode.yaml")
	sctp := "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  type: LoadBalancer\n  ports: [{port: 80, protocol: SCTP}]\n"
	for _, tc := range []struct {
		name       string
		args       []string
		stdin      string
		wantCode   int
		wantOut    []string
		wantStderr []string
	}{
		{
			name: "--version prints the module and its version", args: []string{"--version"},
			wantCode: exitOK, wantOut: []string{"translate github.com/avil4/avil4 "},
		},
		{
			name: "NodePort mode uses node IPs and node ports", args: []string{"--mode", "NodePort", "-f", nodePort},
			wantCode: exitOK, wantOut: []string{`"addr": "192.168.10.11"`, `"port": 31412`},
		},
		{
			name: "stdin, cluster and tenant flags", args: []string{"-f", "-", "--cluster", "edge", "--tenant", "telco"}, stdin: sctp,
			wantCode: exitOK, wantOut: []string{`"name": "edge--default-s"`, `"tenant_ref": "/api/tenant/?name=telco"`},
		},
		{
			name: "yaml output", args: []string{"-f", "-", "-o", "yaml"}, stdin: sctp,
			wantCode: exitOK, wantOut: []string{"kind: virtualservice", "protocol: PROTOCOL_SCTP"},
		},
		{
			name: "SCTP in NodePortLocal mode exits 1 and names the field", args: []string{"-f", "-", "--mode", "NodePortLocal"}, stdin: sctp,
			wantCode: exitInvalid, wantOut: []string{`"field": "spec.ports[0].protocol"`}, wantStderr: []string{"1 object(s) have errors"},
		},
		{
			name: "essentials licence warns about SCTP", args: []string{"-f", "-", "--license", "ESSENTIALS"}, stdin: sctp,
			wantCode: exitOK, wantOut: []string{"needs an Enterprise licence"},
		},
		{
			name: "bad mode", args: []string{"--mode", "HostPort"},
			wantCode: exitUsage, wantStderr: []string{`flag backendMode: Unsupported value: "HostPort"`},
		},
		{
			name: "bad fake edition", args: []string{"--fake-edition", "PLATINUM"},
			wantCode: exitUsage, wantStderr: []string{`--fake-edition "PLATINUM"`},
		},
		{
			name: "bad fake version", args: []string{"--fake-version", "latest"},
			wantCode: exitUsage, wantStderr: []string{`--fake-version "latest"`},
		},
		{
			name: "fake flags with a real controller", args: []string{"--fake-version", "22.1.3", "--controller", "https://avi.example.com"},
			wantCode: exitUsage, wantStderr: []string{"for the embedded fake controller"},
		},
		{
			name: "fake VIP range with a real controller", args: []string{"--fake-vip-range", "10.9.0.0/16", "--controller", "https://avi.example.com"},
			wantCode: exitUsage, wantStderr: []string{"--fake-vip-range are for the embedded fake controller"},
		},
		{
			name: "bad fake VIP range", args: []string{"--fake-vip-range", "10.9.0.1/16"},
			wantCode: exitUsage, wantStderr: []string{`--fake-vip-range "10.9.0.1/16": want a network`},
		},
		{
			name: "two fake VIP ranges of one family", args: []string{"--fake-vip-range", "10.9.0.0/16", "--fake-vip-range", "10.8.0.0/16"},
			wantCode: exitUsage, wantStderr: []string{`--fake-vip-range "10.8.0.0/16": 10.9.0.0/16 already sets`},
		},
		{
			name: "bad output format", args: []string{"-o", "xml"},
			wantCode: exitUsage, wantStderr: []string{"-o must be json or yaml"},
		},
		{
			name: "missing file", args: []string{"-f", "does-not-exist.yaml"},
			wantCode: exitUsage, wantStderr: []string{"does-not-exist.yaml"},
		},
		{
			name: "unknown field is a decode error", args: []string{"-f", "-"}, stdin: sctp + "  bogus: 1\n",
			wantCode: exitInvalid, wantOut: []string{`"field": "spec.bogus"`},
			wantStderr: []string{"<stdin> document 1 (v1 Service default/s): spec.bogus: Forbidden: unknown field", "1 document(s) cannot be decoded"},
		},
		{
			name: "unreadable document separator", args: []string{"-f", "-"}, stdin: sctp + "--- nope\n",
			wantCode: exitUsage, wantStderr: []string{"invalid Yaml document separator"},
		},
		{
			name: "empty input", args: []string{"-f", "-"}, stdin: "---\n# nothing\n",
			wantCode: exitUsage, wantStderr: []string{"no Kubernetes objects in the input"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runCLI(t, tc.stdin, tc.args...)
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.wantCode, stderr)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(stdout, w) {
					t.Errorf("stdout lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range tc.wantStderr {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
		})
	}
}

// TestSeedVerbatim: the bundled seed manifests are byte-for-byte the
// feature description's (when ../shared is present).
func TestSeedVerbatim(t *testing.T) {
	for _, name := range []string{"sctp-loadbalancer.yaml", "sctp-gateway-v1alpha1.yaml"} {
		seed, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "seed", name))
		if err != nil {
			t.Skipf("../shared/seed not found (%v): place the shared folder beside the clone to check the bundled copies", err)
		}
		bundled, err := os.ReadFile(filepath.Join("..", "manifests", name))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(seed), string(bundled)); diff != "" {
			t.Errorf("%s differs from the seed (-seed +bundled):\n%s", name, diff)
		}
	}
}
