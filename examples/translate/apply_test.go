package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/internal/gen"
)

// statsLines returns the --stats records printed on stderr.
func statsLines(t *testing.T, stderr string) []statsLine {
	t.Helper()
	var out []statsLine
	for _, l := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(l, `{"round":`) {
			var s statsLine
			if err := json.Unmarshal([]byte(l), &s); err != nil {
				t.Fatalf("bad stats line %q: %v", l, err)
			}
			out = append(out, s)
		}
	}
	return out
}

// TestApplyRoundsStats: against the embedded fake controller, round 1 makes
// exactly one POST per translated object and round 2 makes no write.
func TestApplyRoundsStats(t *testing.T) {
	stdout, stderr, code := runCLI(t, "", "--stats")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	var out struct {
		Services []struct {
			Objects []json.RawMessage `json:"objects"`
		} `json:"services"`
		SharedVIPs []struct {
			Objects []json.RawMessage `json:"objects"`
		} `json:"sharedVIPs"`
		Gateways []struct {
			Objects []json.RawMessage `json:"objects"`
		} `json:"gateways"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	objects := 0
	for _, s := range out.Services {
		objects += len(s.Objects)
	}
	for _, s := range out.SharedVIPs {
		objects += len(s.Objects)
	}
	for _, s := range out.Gateways {
		objects += len(s.Objects)
	}
	lines := statsLines(t, stderr)
	if len(lines) != 2 {
		t.Fatalf("want 2 stats lines, got %d:\n%s", len(lines), stderr)
	}
	if c := lines[0].Calls; lines[0].Round != 1 || c.POST != objects || c.PUT != 0 || c.PATCH != 0 || c.DELETE != 0 {
		t.Errorf("round 1 = %+v, want exactly %d POSTs and no other write", lines[0], objects)
	}
	if c := lines[1].Calls; lines[1].Round != 2 || c.POST+c.PUT+c.PATCH+c.DELETE != 0 {
		t.Errorf("round 2 = %+v, want no write", lines[1])
	}
	if !strings.Contains(stdout, `"ip": "10.50.0.`) {
		t.Errorf("statuses carry no VIP from the fake controller:\n%s", stdout)
	}
}

func TestDryRunAndNoApply(t *testing.T) {
	_, stderr, code := runCLI(t, "", "--dry-run", "-f", filepath.Join("..", "manifests", "sctp-loadbalancer.yaml"))
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	// Without -v, one line per Set under its Service's heading.
	for _, want := range []string{"== Service default/server (../manifests/sctp-loadbalancer.yaml document 2)\n  plan for admin/cluster--default-server on the embedded fake controller (avitest): 4 to create, 0 to update, 0 to delete, 0 unchanged\n"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("dry run lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "+ vsvip") {
		t.Errorf("dry run without -v lists the objects:\n%s", stderr)
	}
	_, stderr, code = runCLI(t, "", "--dry-run", "-v", "-f", filepath.Join("..", "manifests", "sctp-loadbalancer.yaml"))
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	for _, want := range []string{"plan for admin/cluster--default-server", "+ vsvip cluster--default-server", "+ pool cluster--default-server-SCTP-80"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("dry run lacks %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "has been created") {
		t.Errorf("dry run wrote:\n%s", stderr)
	}
	_, stderr, code = runCLI(t, "", "--no-apply", "-f", filepath.Join("..", "manifests", "sctp-loadbalancer.yaml"))
	if code != exitOK || strings.Contains(stderr, "round 1") {
		t.Errorf("--no-apply applied (exit %d):\n%s", code, stderr)
	}
}

// TestRealControllerFlags drives the --controller path (password file, CA
// file) against a standalone fake controller, as against a real one.
func TestRealControllerFlags(t *testing.T) {
	fake := avitest.New()
	defer fake.Close()
	dir := t.TempDir()
	pw := filepath.Join(dir, "password")
	if err := os.WriteFile(pw, []byte(fake.Password()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, fake.CertificatePEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	manifest := filepath.Join("..", "manifests", "sctp-loadbalancer.yaml")
	args := []string{"-f", manifest, "--controller", fake.URL(), "--username", fake.Username(), "--password-file", pw, "--ca-file", ca}
	_, stderr, code := runCLI(t, "", args...)
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, stderr)
	}
	if got := fake.Calls().Method("POST"); got != 4 {
		t.Errorf("POSTs = %d, want 4 (vsvip, pool, l4policyset, virtualservice)", got)
	}
	if strings.Contains(stderr, fake.Password()) {
		t.Error("the password appears on stderr")
	}
	// Without the CA the certificate is refused: exit 3, nothing written.
	fake.ResetCalls()
	_, stderr, code = runCLI(t, "", args[:len(args)-2]...)
	if code != exitApply || fake.Calls().Writes() != 0 {
		t.Errorf("exit %d, writes %d without the CA file; want %d and none:\n%s", code, fake.Calls().Writes(), exitApply, stderr)
	}
}

// TestInsecureHTTPFlag: an http:// --controller is refused unless
// --insecure-http is given.
func TestInsecureHTTPFlag(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pw, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name         string
		url          string
		insecureHTTP bool
		wantErr      error
	}{
		{"http-refused", "http://127.0.0.1:1", false, client.ErrInsecureURL},
		{"http-opted-in", "http://127.0.0.1:1", true, nil},
		{"https", "https://127.0.0.1:1", false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := applyFlags{controller: tc.url, username: "admin", passwordFile: pw, insecureHTTP: tc.insecureHTTP}
			target, err := f.connect(nil, nil)
			if !errors.Is(err, tc.wantErr) || (err == nil) != (tc.wantErr == nil) {
				t.Fatalf("connect = %v, want %v", err, tc.wantErr)
			}
			if target != nil {
				target.close()
			}
		})
	}
	// On the command line, an http:// controller is a usage error (exit 2)
	// and nothing is sent.
	manifest := filepath.Join("..", "manifests", "sctp-loadbalancer.yaml")
	_, stderr, code := runCLI(t, "", "-f", manifest, "--controller", "http://127.0.0.1:1", "--username", "admin", "--password-file", pw)
	if code != exitUsage || !strings.Contains(stderr, "insecure") {
		t.Errorf("http:// controller: exit %d, want %d with the reason:\n%s", code, exitUsage, stderr)
	}
	// The flag exists and says it is insecure.
	_, stderr, code = runCLI(t, "", "-h")
	if !strings.Contains(stderr, "-insecure-http") || !strings.Contains(stderr, "INSECURE") {
		t.Errorf("-h (exit %d) does not show --insecure-http as insecure:\n%s", code, stderr)
	}
}

// TestApplyGeneratedServices: a generated input of more Services than a /24
// holds applies on the embedded fake controller (its default range fits
// 10,000 Services per family), every Set with one VIP, and the second round
// makes no write; --fake-vip-range narrows the range, and the Services past
// its end get the controller's "No available free IPs".
func TestApplyGeneratedServices(t *testing.T) {
	const n = 600
	var in strings.Builder
	if err := gen.WriteYAML(&in, gen.Config{Services: n, Ports: 1, Endpoints: 1}); err != nil {
		t.Fatal(err)
	}
	_, stderr, code := runCLI(t, in.String(), "-f", "-", "--stats")
	if code != exitOK {
		t.Fatalf("exit %d:\n%s", code, tail(stderr))
	}
	stats := statsLines(t, stderr)
	if len(stats) != 2 || stats[0].Calls.POST != 4*n || stats[1].Calls.POST+stats[1].Calls.PUT+stats[1].Calls.DELETE != 0 {
		t.Errorf("stats = %+v, want %d POSTs then no write", stats, 4*n)
	}

	_, stderr, code = runCLI(t, in.String(), "-f", "-", "--fake-vip-range", "10.9.0.0/24")
	if code != exitApply || !strings.Contains(stderr, "No available free IPs") {
		t.Errorf("with a /24: exit %d, want %d and No available free IPs:\n%s", code, exitApply, tail(stderr))
	}
}

// tail is the end of a long stderr.
func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// TestProgress: more than progressMin Sets show one line per further
// tenth (or second) and the last one; none with progress off.
func TestProgress(t *testing.T) {
	var buf bytes.Buffer
	now := time.Unix(0, 0)
	p := &progress{w: &buf, total: 100, on: true, clock: func() time.Time { return now }}
	p.start("round 1")
	for i := range 100 {
		p.done(i, nil)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 10 || lines[0] != "round 1: 10/100 Set(s) done" || lines[9] != "round 1: 100/100 Set(s) done" {
		t.Errorf("progress lines:\n%s", buf.String())
	}
	buf.Reset()
	p.start("round 2")
	for i := range 5 {
		now = now.Add(2 * time.Second) // slow Sets: a line a second
		p.done(i, nil)
	}
	if n := strings.Count(buf.String(), "\n"); n != 5 {
		t.Errorf("slow Sets: %d lines, want 5:\n%s", n, buf.String())
	}
	buf.Reset()
	off := &progress{w: &buf, total: 100}
	off.start("round 1")
	for i := range 100 {
		off.done(i, nil)
	}
	if buf.Len() != 0 {
		t.Errorf("progress off printed:\n%s", buf.String())
	}
}
