package avitest

import (
	"testing"

	"github.com/avil4/avil4/client"
)

// ClientOptions returns the client.Options that reach the server as its
// first user: URL, Username, Password and CAPool set, everything else zero.
// Change fields (Tenant, Version, Timeout, Retry, Logger) before passing
// them to client.New. A Server not made by New gives zero Options.
func (s *Server) ClientOptions() client.Options {
	if !s.started() {
		return client.Options{}
	}
	return client.Options{URL: s.URL(), Username: s.Username(),
		Password: client.Password(s.Password()), CAPool: s.CertPool()}
}

// NewClient returns a client of the server: client.New of ClientOptions,
// changed first by each edit (nil edits are skipped). A Server not made by
// New gives an error.
func (s *Server) NewClient(edit ...func(*client.Options)) (*client.Client, error) {
	if !s.started() {
		return nil, errNotStarted
	}
	opts := s.ClientOptions()
	for _, e := range edit {
		if e != nil {
			e(&opts)
		}
	}
	return client.New(opts)
}

// Client is NewClient for a test: it fails t (t.Fatal) when the client
// cannot be made. With a nil t a failure returns nil.
//
//	fake := avitest.New()
//	defer fake.Close()
//	c := fake.Client(t)
func (s *Server) Client(t testing.TB, edit ...func(*client.Options)) *client.Client {
	c, err := s.NewClient(edit...)
	if err != nil {
		if t == nil {
			return nil
		}
		t.Helper()
		t.Fatalf("avitest: client of the fake controller: %v", err)
	}
	return c
}
