package avitest_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
)

// testCA returns a CA pool and a serving certificate for 127.0.0.1 it
// signed.
func testCA(t *testing.T) (*x509.CertPool, tls.Certificate) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "avitest test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "avitest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(caCert)
	return pool, tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func TestWithTLSCertificate(t *testing.T) {
	caPool, cert := testCA(t)
	fake := avitest.New(avitest.WithTLSCertificate(cert))
	defer fake.Close()
	builtin := httptest.NewTLSServer(nil) // for httptest's own certificate
	builtin.Close()
	builtinPool := x509.NewCertPool()
	builtinPool.AddCert(builtin.Certificate())
	for _, tc := range []struct {
		name   string
		pool   *x509.CertPool
		wantOK bool
	}{
		{"our-ca", caPool, true},
		{"fake-cert-pool", fake.CertPool(), true},
		{"httptest-certificate", builtinPool, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := client.New(client.Options{URL: fake.URL(), Username: fake.Username(),
				Password: client.Password(fake.Password()), CAPool: tc.pool})
			if err != nil {
				t.Fatal(err)
			}
			err = c.Login(context.Background())
			var verr *tls.CertificateVerificationError
			if tc.wantOK && err != nil || !tc.wantOK && !errors.As(err, &verr) {
				t.Errorf("Login = %v, want success %v", err, tc.wantOK)
			}
		})
	}
}

func TestWithTLSCertificateRefusesAnEmptyOne(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("New with an empty certificate did not panic as documented")
		}
	}()
	avitest.New(avitest.WithTLSCertificate(tls.Certificate{})).Close()
}
