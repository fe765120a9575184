package avitest

import (
	"crypto/tls"
	"crypto/x509"
)

// WithTLSCertificate serves with cert (a chain with its private key, e.g.
// from tls.X509KeyPair) instead of httptest's built-in certificate, whose
// private key is public in Go's source and which must never be trusted
// outside a test. Send a leaf issued by your own CA and give clients that
// CA; CertPool, CertificatePEM and HTTPClient then hold that leaf. New
// panics if cert holds no certificate or no key.
func WithTLSCertificate(cert tls.Certificate) Option {
	return func(c *config) { c.tlsCert = &cert }
}

// tlsConfig is the server's TLS configuration for cert (nil: httptest's
// built-in certificate). It panics, as New documents, on an unusable cert.
func tlsConfig(cert *tls.Certificate) *tls.Config {
	if cert == nil {
		return nil
	}
	if len(cert.Certificate) == 0 || cert.PrivateKey == nil {
		panic("avitest: WithTLSCertificate: the certificate has no chain or no private key")
	}
	if _, err := x509.ParseCertificate(cert.Certificate[0]); err != nil {
		panic("avitest: WithTLSCertificate: " + err.Error())
	}
	return &tls.Config{Certificates: []tls.Certificate{*cert}, MinVersion: tls.VersionTLS12}
}
