package main

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/client"
)

// syncBuffer is a bytes.Buffer safe for the writer goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// start runs the command in the background and waits until its output
// contains ready. It returns the output and a function that stops the
// command and returns its error.
func start(t *testing.T, args []string, ready string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, &stdout, &stderr) }()
	stop := func() error {
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(5 * time.Second):
			t.Fatal("run did not return after the context was cancelled")
			return nil
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(stdout.String(), ready) {
		select {
		case err := <-done:
			t.Fatalf("run returned early: %v\nstderr: %s", err, stderr.String())
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("no %q in the output: %q", ready, stdout.String())
		}
	}
	return stdout.String(), stop
}

// parseExports reads the export lines of the env output.
func parseExports(t *testing.T, out string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for line := range strings.Lines(out) {
		if rest, ok := strings.CutPrefix(strings.TrimSpace(line), "export "); ok {
			k, v, _ := strings.Cut(rest, "=")
			env[k] = strings.Trim(v, "'")
		}
	}
	return env
}

// login logs in to the printed URL with the printed username, the password
// file and the CA file, as a user of the command would, and creates a pool.
func login(t *testing.T, url, username, passwordFile, caFile, tenant string) *client.Client {
	t.Helper()
	pw, err := os.ReadFile(passwordFile)
	if err != nil {
		t.Fatal(err)
	}
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		t.Fatalf("%s holds no certificate", caFile)
	}
	c, err := client.New(client.Options{URL: url, Username: username, Password: client.Password(pw),
		CAPool: pool, Tenant: tenant, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := c.Login(ctx); err != nil {
		t.Fatalf("login: %v", err)
	}
	if err := c.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: "hello"}, nil); err != nil {
		t.Fatalf("create a pool: %v", err)
	}
	return c
}

func TestEnvOutput(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "avi")
	out, stop := start(t, []string{"--dir", dir, "--tenant", "telco", "--avi-version", "22.1.3", "--edition", "ESSENTIALS"}, "# ready\n")
	env := parseExports(t, out)
	for _, k := range []string{"AVI_CONTROLLER", "AVI_USERNAME", "AVI_PASSWORD_FILE", "AVI_CA_FILE", "AVI_API_VERSION"} {
		if env[k] == "" {
			t.Fatalf("no %s in the output:\n%s", k, out)
		}
	}
	if !strings.HasPrefix(env["AVI_CONTROLLER"], "https://127.0.0.1:") {
		t.Errorf("AVI_CONTROLLER = %q, want https on loopback", env["AVI_CONTROLLER"])
	}
	if env["AVI_PASSWORD_FILE"] != filepath.Join(dir, "password") || env["AVI_CA_FILE"] != filepath.Join(dir, "ca.pem") {
		t.Errorf("files not in --dir %s: %v", dir, env)
	}
	if !strings.Contains(out, "curl --cacert \"$AVI_CA_FILE\"") {
		t.Errorf("no curl example in the output:\n%s", out)
	}
	fi, err := os.Stat(env["AVI_PASSWORD_FILE"])
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("password file mode %v, want 0600", fi.Mode().Perm())
	}

	c := login(t, env["AVI_CONTROLLER"], env["AVI_USERNAME"], env["AVI_PASSWORD_FILE"], env["AVI_CA_FILE"], "telco")
	if got := c.ControllerVersion(); got != "22.1.3" || env["AVI_API_VERSION"] != got {
		t.Errorf("controller version %q, printed %q, want 22.1.3", got, env["AVI_API_VERSION"])
	}
	if env["AVI_EDITION"] != "ESSENTIALS" {
		t.Errorf("AVI_EDITION = %q, want ESSENTIALS", env["AVI_EDITION"])
	}
	if ed, err := c.Edition(context.Background()); err != nil || ed != "ESSENTIALS" {
		t.Errorf("the controller's edition = %q, %v; want ESSENTIALS", ed, err)
	}

	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	// The server is closed; the files of an explicit --dir stay.
	if _, err := http.Get(env["AVI_CONTROLLER"]); err == nil {
		t.Error("the controller still answers after shutdown")
	}
	if _, err := os.Stat(env["AVI_CA_FILE"]); err != nil {
		t.Errorf("--dir files removed: %v", err)
	}
}

func TestJSONOutput(t *testing.T) {
	out, stop := start(t, []string{"-o", "json"}, "}\n")
	var info Info
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		t.Fatalf("stdout is not one JSON object: %v\n%s", err, out)
	}
	login(t, info.URL, info.Username, info.PasswordFile, info.CAFile, "admin")
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	// The default directory is a temporary one, removed on exit.
	if _, err := os.Stat(info.Dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temporary dir %s left behind (%v)", info.Dir, err)
	}
}

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"--vip-range", "10.50.0.0/33"},
		{"--fault-rate", "2"},
		{"--edition", "PLATINUM"},
		{"--avi-version", "latest"},
		{"--version", "22.1.3"}, // --version takes no value: the release is --avi-version
		{"-o", "yaml"},
		{"--tenant", "admin"},
		{"--cert-host", "*.avi.test"},
		{"extra"},
	} {
		err := run(context.Background(), args, io.Discard, io.Discard)
		if !errors.Is(err, errUsage) {
			t.Errorf("run(%q) = %v, want a usage error", args, err)
		}
	}
}

// TestVersionFlag: --version prints the module and its version, serves
// nothing and succeeds.
func TestVersionFlag(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--version"}, &out, io.Discard); err != nil {
		t.Fatalf("run(--version) = %v", err)
	}
	if !strings.HasPrefix(out.String(), "fakecontroller github.com/avil4/avil4 ") {
		t.Errorf("--version printed %q", out.String())
	}
}
