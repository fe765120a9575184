package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// readCA parses the single certificate of a ca.pem.
func readCA(t *testing.T, file string) (*x509.Certificate, []byte) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	block, rest := pem.Decode(data)
	if block == nil || block.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("%s is not exactly one PEM certificate:\n%s", file, data)
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return ca, data
}

// httptestCertificate is Go's published test certificate, which httptest
// serves by default.
func httptestCertificate() *x509.Certificate {
	ts := httptest.NewTLSServer(nil)
	defer ts.Close()
	return ts.Certificate()
}

// served dials the controller at rawURL with roots and returns the leaf it
// served, or the handshake error.
func served(t *testing.T, rawURL string, roots *x509.CertPool) (*x509.Certificate, error) {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", u.Host, &tls.Config{RootCAs: roots, ServerName: u.Hostname()})
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0], nil
}

func poolOf(certs ...*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

func TestServedCertificate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "avi")
	out, stop := start(t, []string{"--dir", dir}, "# ready\n")
	defer stop()
	env := parseExports(t, out)
	ca, caPEM := readCA(t, env["AVI_CA_FILE"])
	builtin := httptestCertificate()

	t.Run("verifies-against-ca.pem-only", func(t *testing.T) {
		leaf, err := served(t, env["AVI_CONTROLLER"], poolOf(ca))
		if err != nil {
			t.Fatalf("handshake trusting ca.pem: %v", err)
		}
		if leaf.Equal(builtin) || leaf.Equal(ca) {
			t.Errorf("served %q, want a leaf issued by ca.pem", leaf.Subject)
		}
		var verr *tls.CertificateVerificationError
		if _, err := served(t, env["AVI_CONTROLLER"], poolOf(builtin)); !errors.As(err, &verr) {
			t.Errorf("handshake trusting httptest's certificate: %v, want a verification error", err)
		}
	})
	t.Run("ca.pem-is-not-gos-test-certificate", func(t *testing.T) {
		if ca.Equal(builtin) || bytes.Contains(caPEM, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: builtin.Raw})) {
			t.Fatal("ca.pem is httptest's published certificate")
		}
		if bytes.Contains(caPEM, []byte("PRIVATE KEY")) {
			t.Fatal("ca.pem holds a private key")
		}
	})
	t.Run("ca", func(t *testing.T) {
		pub, ok := ca.PublicKey.(*ecdsa.PublicKey)
		life := ca.NotAfter.Sub(ca.NotBefore)
		switch {
		case !ok || pub.Curve != elliptic.P256():
			t.Errorf("CA key %T, want ECDSA P-256", ca.PublicKey)
		case !ca.IsCA || !ca.BasicConstraintsValid || ca.KeyUsage&x509.KeyUsageCertSign == 0:
			t.Errorf("CA: IsCA %v, key usage %v; want a CA that signs certificates", ca.IsCA, ca.KeyUsage)
		case !strings.Contains(ca.Subject.CommonName, "avil4") || !strings.Contains(ca.Subject.CommonName, "fake"):
			t.Errorf("CA subject %q does not name avil4's fake controller", ca.Subject)
		case life < 360*24*time.Hour || life > 370*24*time.Hour:
			t.Errorf("CA valid for %v, want about a year", life)
		case !ca.MaxPathLenZero || len(ca.PermittedDNSDomains) == 0 || len(ca.PermittedIPRanges) == 0:
			t.Errorf("CA not constrained to the fake's names: pathlen0 %v, %v, %v", ca.MaxPathLenZero, ca.PermittedDNSDomains, ca.PermittedIPRanges)
		}
	})
	t.Run("leaf", func(t *testing.T) {
		leaf, err := served(t, env["AVI_CONTROLLER"], poolOf(ca))
		if err != nil {
			t.Fatal(err)
		}
		var ips []string
		for _, ip := range leaf.IPAddresses {
			ips = append(ips, ip.String())
		}
		sort.Strings(ips)
		if leaf.IsCA || !slices.Equal(leaf.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}) {
			t.Errorf("leaf: IsCA %v, ext key usage %v; want a server certificate", leaf.IsCA, leaf.ExtKeyUsage)
		}
		if diff := cmp.Diff([]string{"127.0.0.1", "::1"}, ips); diff != "" {
			t.Errorf("leaf IP SANs (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{"localhost"}, leaf.DNSNames); diff != "" {
			t.Errorf("leaf DNS SANs (-want +got):\n%s", diff)
		}
	})
	t.Run("files-and-modes", func(t *testing.T) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]os.FileMode{}
		for _, e := range entries {
			fi, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			got[e.Name()] = fi.Mode().Perm()
		}
		// No CA key, no temporary file left behind.
		want := map[string]os.FileMode{"password": 0o600, caFileName: 0o644, certFileName: 0o644, keyFileName: 0o600}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("files of --dir (-want +got):\n%s", diff)
		}
	})
}

func TestRestartReusesTheCA(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "avi")
	run1 := func(args ...string) (map[string]string, *x509.Certificate, []byte) {
		t.Helper()
		out, stop := start(t, append([]string{"--dir", dir}, args...), "# ready\n")
		defer func() {
			if err := stop(); err != nil {
				t.Fatal(err)
			}
		}()
		env := parseExports(t, out)
		ca, caPEM := readCA(t, env["AVI_CA_FILE"])
		leaf, err := served(t, env["AVI_CONTROLLER"], poolOf(ca))
		if err != nil {
			t.Fatal(err)
		}
		login(t, env["AVI_CONTROLLER"], env["AVI_USERNAME"], env["AVI_PASSWORD_FILE"], env["AVI_CA_FILE"], "admin")
		return env, leaf, caPEM
	}
	_, leaf1, ca1 := run1()
	_, leaf2, ca2 := run1()
	if !bytes.Equal(ca1, ca2) || !leaf1.Equal(leaf2) {
		t.Error("a restart with the same --dir made a new CA or serving certificate")
	}
	// A host the certificate does not cover: a new CA and leaf.
	_, leaf3, ca3 := run1("--cert-host", "avi.test")
	if bytes.Equal(ca1, ca3) || !slices.Contains(leaf3.DNSNames, "avi.test") {
		t.Errorf("--cert-host avi.test: same CA %v, leaf names %v", bytes.Equal(ca1, ca3), leaf3.DNSNames)
	}
}

// TestEnsureTLS checks when the files of a --dir are reused and when they
// are made anew.
func TestEnsureTLS(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name       string
		spoil      func(t *testing.T, dir string)
		at         time.Time
		hosts      []string
		wantReused bool
		wantReason string
	}{
		{"untouched", func(*testing.T, string) {}, now, nil, true, ""},
		{"a-month-later", func(*testing.T, string) {}, now.Add(30 * 24 * time.Hour), nil, true, ""},
		{"near-expiry", func(*testing.T, string) {}, now.Add(certLifetime - 24*time.Hour), nil, false, "does not serve"},
		{"new-host", func(*testing.T, string) {}, now, []string{"10.1.2.3"}, false, "does not serve 10.1.2.3"},
		{"no-ca", remove(caFileName), now, nil, false, "no ca.pem"},
		{"no-key", remove(keyFileName), now, nil, false, "no server-key.pem"},
		{"key-readable-by-others", func(t *testing.T, dir string) {
			if err := os.Chmod(filepath.Join(dir, keyFileName), 0o644); err != nil {
				t.Fatal(err)
			}
		}, now, nil, false, "readable by others"},
		{"ca-replaced-by-httptest's", func(t *testing.T, dir string) {
			data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: httptestCertificate().Raw})
			if err := os.WriteFile(filepath.Join(dir, caFileName), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}, now, nil, false, "not a CA this command made"},
		{"corrupt-certificate", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, certFileName), []byte("junk"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, now, nil, false, "server.pem and server-key.pem"},
		{"key-of-another-certificate", func(t *testing.T, dir string) {
			other, err := generateTLS(loopbackHosts(), now)
			if err != nil {
				t.Fatal(err)
			}
			pemCert := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: other.cert.Certificate[0]})
			if err := os.WriteFile(filepath.Join(dir, certFileName), pemCert, 0o644); err != nil {
				t.Fatal(err)
			}
		}, now, nil, false, "private key does not match"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			first, err := ensureTLS(dir, nil, now)
			if err != nil || first.reused {
				t.Fatalf("first ensureTLS: %+v, %v", first, err)
			}
			ca1, _ := readCA(t, filepath.Join(dir, caFileName))
			tc.spoil(t, dir)
			m, err := ensureTLS(dir, tc.hosts, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if m.reused != tc.wantReused || !strings.Contains(m.reason, tc.wantReason) {
				t.Errorf("reused %v (%q), want %v (%q)", m.reused, m.reason, tc.wantReused, tc.wantReason)
			}
			ca2, _ := readCA(t, filepath.Join(dir, caFileName))
			if ca1.Equal(ca2) != tc.wantReused {
				t.Errorf("same CA %v, want %v", ca1.Equal(ca2), tc.wantReused)
			}
			// Whatever happened, the files now verify and serve every host.
			again, err := loadTLS(dir, append(loopbackHosts(), tc.hosts...), tc.at)
			if err != nil {
				t.Errorf("the files left are not reusable: %v", err)
			} else if !again.leaf.Equal(m.leaf) {
				t.Error("the files left do not hold the certificate returned")
			}
		})
	}
}

func remove(name string) func(*testing.T, string) {
	return func(t *testing.T, dir string) {
		if err := os.Remove(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCertHost(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"avi.test", "avi.test", false},
		{"AVI.Test.", "avi.test", false},
		{"10.1.2.3", "10.1.2.3", false},
		{"::ffff:10.1.2.3", "10.1.2.3", false},
		{"fd00::1", "fd00::1", false},
		{"fe80::1%eth0", "", true},
		{"*.avi.test", "", true},
		{"-avi.test", "", true},
		{"avi..test", "", true},
		{"", "", true},
		{"avi_test", "", true},
	}
	for _, tc := range tests {
		got, err := certHost(tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("certHost(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}
