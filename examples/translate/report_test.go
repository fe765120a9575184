package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avil4/avil4/internal/gen"
)

// TestSummaryNamesEveryFailure is the readability check at scale: on a
// generated 50-Service input with a few bad Services, the closing summary
// alone names every failing object (kind, namespace/name, file and
// document) with its first error, and names no good one; every object
// has its heading; --quiet leaves the headings and round lines out.
func TestSummaryNamesEveryFailure(t *testing.T) {
	const n = 50
	cfg := gen.Config{Services: n, Endpoints: 2}
	var buf bytes.Buffer
	if err := gen.WriteYAML(&buf, cfg); err != nil {
		t.Fatal(err)
	}
	// Documents alternate Service, EndpointSlice: Service i is document
	// 2i+1 (1-based).
	docs := strings.Split(strings.TrimSuffix(buf.String(), "---\n"), "---\n")
	if len(docs) != 2*n {
		t.Fatalf("%d documents, want %d", len(docs), 2*n)
	}
	badProtocol := []int{3, 17, 41} // a protocol no L4 VirtualService serves
	for _, i := range badProtocol {
		docs[2*i] = strings.Replace(docs[2*i], "protocol: TCP", "protocol: ICMP", 1)
	}
	const undecodable = 29 // a port that is not a number
	docs[2*undecodable] = strings.Replace(docs[2*undecodable], "port: ", "port: x", 1)
	file := filepath.Join(t.TempDir(), "fifty.yaml")
	if err := os.WriteFile(file, []byte(strings.Join(docs, "---\n")), 0o600); err != nil {
		t.Fatal(err)
	}

	_, stderr, code := runCLI(t, "", "--no-apply", "-f", file)
	if code != exitInvalid {
		t.Fatalf("exit %d, want %d:\n%s", code, exitInvalid, stderr)
	}
	head := "translate: 1 document(s) cannot be decoded; 3 object(s) have errors:\n"
	at := strings.Index(stderr, head)
	if at < 0 {
		t.Fatalf("no summary %q:\n%s", head, stderr)
	}
	sum := stderr[at:]
	lines := strings.Split(strings.TrimSuffix(sum, "\n"), "\n")
	if len(lines) != 1+1+len(badProtocol) {
		t.Errorf("summary has %d lines, want one per failure:\n%s", len(lines), sum)
	}
	for _, i := range badProtocol {
		want := fmt.Sprintf("  Service %s/%s (%s document %d): spec.ports[0].protocol: Unsupported value: \"ICMP\"", cfg.Namespace(i), gen.Name(i), file, 2*i+1)
		if !strings.Contains(sum, want) {
			t.Errorf("summary lacks %q:\n%s", want, sum)
		}
	}
	want := fmt.Sprintf("  cannot decode %s document %d (v1 Service %s/%s): spec.ports[0].port: Invalid value: ", file, 2*undecodable+1, cfg.Namespace(undecodable), gen.Name(undecodable))
	if !strings.Contains(sum, want) {
		t.Errorf("summary lacks %q:\n%s", want, sum)
	}
	// Every translated Service has its heading, in input order.
	last := -1
	for i := range n {
		if i == undecodable {
			continue
		}
		h := fmt.Sprintf("== Service %s/%s (%s document %d)\n", cfg.Namespace(i), gen.Name(i), file, 2*i+1)
		p := strings.Index(stderr, h)
		if p < 0 || p < last {
			t.Errorf("heading %q missing or out of order", h)
		}
		last = p
	}

	_, quietErr, code := runCLI(t, "", "--quiet", "-f", file)
	if code != exitInvalid {
		t.Fatalf("--quiet: exit %d, want %d:\n%s", code, exitInvalid, quietErr)
	}
	if strings.Contains(quietErr, "== ") || strings.Contains(quietErr, "round 1") {
		t.Errorf("--quiet prints headings or rounds:\n%s", quietErr)
	}
	if !strings.HasSuffix(quietErr, sum) {
		t.Errorf("--quiet ends otherwise than with the summary:\n%s", quietErr)
	}
}

// TestYAMLIdentityFirst: in YAML output a Service's identity comes before
// its objects (the keys keep the output structs' order), and no condition
// prints a null lastTransitionTime.
func TestYAMLIdentityFirst(t *testing.T) {
	stdout, stderr, code := runCLI(t, "", "--no-apply", "-o", "yaml", "-f", filepath.Join("..", "manifests", "sctp-loadbalancer.yaml"))
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	svc, objs := strings.Index(stdout, "- service: default/server\n"), strings.Index(stdout, "objects:")
	if svc < 0 || objs < 0 || svc > objs {
		t.Errorf("the Service's identity is not before its objects:\n%s", stdout)
	}
	if strings.Contains(stdout, "lastTransitionTime") {
		t.Errorf("a condition prints lastTransitionTime:\n%s", stdout)
	}
}
