package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Files of --dir holding the TLS material. The CA's private key is not
// among them: it signs the serving certificate and is dropped.
const (
	caFileName   = "ca.pem"         // the CA certificate, for clients to trust (0644)
	certFileName = "server.pem"     // the serving certificate (0644)
	keyFileName  = "server-key.pem" // the serving certificate's private key (0600)
)

const (
	// caCommonName names the CA as avil4's fake controller's, and tells
	// ours from any other ca.pem.
	caCommonName = "avil4 fake Avi controller CA"
	// certLifetime is the validity of the CA and of the serving certificate.
	certLifetime = 365 * 24 * time.Hour
	// renewBefore is how long before expiry files are no longer reused.
	renewBefore = 7 * 24 * time.Hour
)

// loopbackHosts are the names every serving certificate covers: the fake
// listens on 127.0.0.1 (or ::1 without IPv4).
func loopbackHosts() []string { return []string{"localhost", "127.0.0.1", "::1"} }

// tlsMaterial is the TLS state of a --dir.
type tlsMaterial struct {
	// cert is the serving certificate with its key.
	cert tls.Certificate
	// leaf is cert's parsed leaf; ca the CA that issued it.
	leaf, ca *x509.Certificate
	// reused says the files were present and good; otherwise why they were
	// (re)made is in reason.
	reused bool
	reason string
}

// ensureTLS returns the CA and serving certificate of dir, covering
// loopbackHosts and extraHosts: those of the files when they are present,
// ours, valid for at least renewBefore after now and cover every host (and
// the key file is private to its owner); otherwise a new CA and serving
// certificate, written to dir.
func ensureTLS(dir string, extraHosts []string, now time.Time) (*tlsMaterial, error) {
	hosts := append(loopbackHosts(), extraHosts...)
	m, err := loadTLS(dir, hosts, now)
	if err == nil {
		return m, nil
	}
	m, gerr := generateTLS(hosts, now)
	if gerr != nil {
		return nil, fmt.Errorf("generating the TLS certificates: %w", gerr)
	}
	m.reason = err.Error()
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: m.cert.Certificate[0]})
	keyDER, err := x509.MarshalPKCS8PrivateKey(m.cert.PrivateKey)
	if err != nil {
		return nil, err
	}
	// The key first: a crash in between leaves files that loadTLS refuses.
	for _, f := range []struct {
		name string
		data []byte
		perm os.FileMode
	}{
		{keyFileName, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600},
		{certFileName, certPEM, 0o644},
		{caFileName, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: m.ca.Raw}), 0o644},
	} {
		if err := writeFile(filepath.Join(dir, f.name), f.data, f.perm); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// loadTLS reads dir's files and says why they cannot be reused, if so.
func loadTLS(dir string, hosts []string, now time.Time) (*tlsMaterial, error) {
	caPEM, err := os.ReadFile(filepath.Join(dir, caFileName))
	if err != nil {
		return nil, fmt.Errorf("no %s", caFileName)
	}
	block, rest := pem.Decode(caPEM)
	if block == nil || block.Type != "CERTIFICATE" || len(strings.TrimSpace(string(rest))) > 0 {
		return nil, fmt.Errorf("%s is not one PEM certificate", caFileName)
	}
	ca, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", caFileName, err)
	}
	if !ca.IsCA || ca.KeyUsage&x509.KeyUsageCertSign == 0 || ca.Subject.CommonName != caCommonName {
		return nil, fmt.Errorf("%s is not a CA this command made", caFileName)
	}
	keyPath := filepath.Join(dir, keyFileName)
	fi, err := os.Lstat(keyPath)
	switch {
	case err != nil:
		return nil, fmt.Errorf("no %s", keyFileName)
	case !fi.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file", keyFileName)
	case fi.Mode().Perm()&0o077 != 0:
		return nil, fmt.Errorf("%s is readable by others (mode %v)", keyFileName, fi.Mode().Perm())
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(dir, certFileName), keyPath)
	if err != nil {
		return nil, fmt.Errorf("%s and %s: %v", certFileName, keyFileName, err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		return nil, fmt.Errorf("%s: %v", certFileName, err)
	}
	if leaf.IsCA {
		return nil, fmt.Errorf("%s is a CA certificate", certFileName)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, h := range hosts {
		_, err := leaf.Verify(x509.VerifyOptions{DNSName: h, Roots: roots, CurrentTime: now.Add(renewBefore),
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
		if err != nil {
			return nil, fmt.Errorf("%s does not serve %s for another %v: %v", certFileName, h, renewBefore, err)
		}
	}
	if now.Before(leaf.NotBefore) || now.Before(ca.NotBefore) {
		return nil, fmt.Errorf("%s is not valid yet", certFileName)
	}
	return &tlsMaterial{cert: cert, leaf: leaf, ca: ca, reused: true}, nil
}

// generateTLS makes a CA and a serving certificate for hosts. The CA can
// sign end-entity certificates for hosts only (name constraints, path
// length 0), so its certificate in a trust store vouches for nothing else.
func generateTLS(hosts []string, now time.Time) (*tlsMaterial, error) {
	var dnsNames []string
	var ips []net.IP
	var ipRanges []*net.IPNet
	for _, h := range hosts {
		if a, err := netip.ParseAddr(h); err == nil {
			ip := net.IP(a.AsSlice())
			ips = append(ips, ip)
			ipRanges = append(ipRanges, &net.IPNet{IP: ip, Mask: net.CIDRMask(a.BitLen(), a.BitLen())})
		} else if !slices.Contains(dnsNames, h) {
			dnsNames = append(dnsNames, h)
		}
	}
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:                serial(),
		Subject:                     pkix.Name{CommonName: caCommonName, Organization: []string{"avil4 examples/fakecontroller"}},
		NotBefore:                   now.Add(-time.Hour),
		NotAfter:                    now.Add(certLifetime),
		IsCA:                        true,
		BasicConstraintsValid:       true,
		MaxPathLenZero:              true,
		KeyUsage:                    x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         dnsNames,
		PermittedIPRanges:           ipRanges,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: "avil4 fake Avi controller", Organization: []string{"avil4 examples/fakecontroller"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              ca.NotAfter,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:              dnsNames,
		IPAddresses:           ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &tlsMaterial{cert: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf: leaf, ca: ca}, nil
}

// serial returns a random 128-bit certificate serial number.
func serial() *big.Int {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	b[0] &= 0x7f        // positive
	return new(big.Int).SetBytes(b)
}

// certHost checks and normalises a --cert-host: an IP address (no zone) or
// a DNS name (letters, digits, '-' and '.'; no wildcard).
func certHost(h string) (string, error) {
	if a, err := netip.ParseAddr(h); err == nil {
		if a.Zone() != "" {
			return "", errors.New("an IP address with a zone cannot be in a certificate")
		}
		return a.Unmap().String(), nil
	}
	name := strings.TrimSuffix(strings.ToLower(h), ".")
	if name == "" || len(name) > 253 {
		return "", errors.New("want an IP address or a DNS name")
	}
	for _, label := range strings.Split(name, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") ||
			strings.Trim(label, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return "", fmt.Errorf("%q is not a DNS name (wildcards are not allowed)", h)
		}
	}
	return name, nil
}
