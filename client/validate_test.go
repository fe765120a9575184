package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
)

func TestNewValidation(t *testing.T) {
	good := client.Options{URL: "https://avi.example.com", Username: "u", Password: "p"}
	tests := []struct {
		name     string
		tweak    func(*client.Options)
		wantErr  []error // every one must match; nil: success
		wantText string
	}{
		{"ok", func(*client.Options) {}, nil, ""},
		{"ok-port-and-slash", func(o *client.Options) { o.URL = "https://avi.example.com:8443/" }, nil, ""},
		{"ok-ipv6", func(o *client.Options) { o.URL = "https://[fd00::1]:443" }, nil, ""},
		{"ok-upper-case-scheme", func(o *client.Options) { o.URL = "HTTPS://avi.example.com" }, nil, ""},
		{"ok-all-tenants-for-reads", func(o *client.Options) { o.Tenant = "*" }, nil, ""},
		{"ok-http-opted-in", func(o *client.Options) {
			o.URL = "http://127.0.0.1:8080"
			o.AllowInsecureHTTP = true
		}, nil, ""},
		{"password-func", func(o *client.Options) {
			o.Password = ""
			o.PasswordFunc = func(context.Context) (client.Password, error) { return "p", nil }
		}, nil, ""},
		{"zero-options", func(o *client.Options) { *o = client.Options{} }, []error{client.ErrInvalidOptions}, "URL is empty"},
		{"empty-url", func(o *client.Options) { o.URL = "" }, []error{client.ErrInvalidOptions}, "URL is empty"},
		{"blank-url", func(o *client.Options) { o.URL = "  " }, []error{client.ErrInvalidOptions}, "URL is empty"},
		{"http", func(o *client.Options) { o.URL = "http://avi.example.com" },
			[]error{client.ErrInvalidOptions, client.ErrInsecureURL}, "clear text"},
		{"http-upper-case", func(o *client.Options) { o.URL = "HTTP://avi.example.com" },
			[]error{client.ErrInvalidOptions, client.ErrInsecureURL}, "clear text"},
		{"ftp", func(o *client.Options) { o.URL = "ftp://avi.example.com" }, []error{client.ErrInvalidOptions}, `scheme "ftp"`},
		{"ws-even-opted-in", func(o *client.Options) {
			o.URL = "ws://avi.example.com"
			o.AllowInsecureHTTP = true
		}, []error{client.ErrInvalidOptions}, `scheme "ws"`},
		{"no-scheme", func(o *client.Options) { o.URL = "avi.example.com" }, []error{client.ErrInvalidOptions}, "no scheme"},
		{"no-host", func(o *client.Options) { o.URL = "https://" }, []error{client.ErrInvalidOptions}, "no host"},
		{"port-only", func(o *client.Options) { o.URL = "https://:443" }, []error{client.ErrInvalidOptions}, "no host"},
		{"opaque", func(o *client.Options) { o.URL = "https:avi.example.com" }, []error{client.ErrInvalidOptions}, "no host"},
		{"bad-port", func(o *client.Options) { o.URL = "https://avi.example.com:99999" }, []error{client.ErrInvalidOptions}, "port"},
		{"user-info", func(o *client.Options) { o.URL = "https://admin:hunter2@avi.example.com" }, []error{client.ErrInvalidOptions}, "user info"},
		{"user-only", func(o *client.Options) { o.URL = "https://admin@avi.example.com" }, []error{client.ErrInvalidOptions}, "user info"},
		{"query", func(o *client.Options) { o.URL = "https://avi.example.com?x=1" }, []error{client.ErrInvalidOptions}, "query"},
		{"empty-query", func(o *client.Options) { o.URL = "https://avi.example.com?" }, []error{client.ErrInvalidOptions}, "query"},
		{"fragment", func(o *client.Options) { o.URL = "https://avi.example.com#x" }, []error{client.ErrInvalidOptions}, "fragment"},
		{"empty-fragment", func(o *client.Options) { o.URL = "https://avi.example.com#" }, []error{client.ErrInvalidOptions}, "fragment"},
		{"path", func(o *client.Options) { o.URL = "https://avi.example.com/api" }, []error{client.ErrInvalidOptions}, "path"},
		{"control-character", func(o *client.Options) { o.URL = "https://avi.example.com\n" }, []error{client.ErrInvalidOptions}, "does not parse"},
		{"no-user", func(o *client.Options) { o.Username = "" }, []error{client.ErrInvalidOptions}, "username is required"},
		{"no-password", func(o *client.Options) { o.Password = "" }, []error{client.ErrInvalidOptions}, "password"},
		{"bad-tenant", func(o *client.Options) { o.Tenant = "a/b" },
			[]error{client.ErrInvalidOptions, client.ErrInvalidTenant}, `contains '/'`},
		{"bad-version", func(o *client.Options) { o.Version = "22.1.3\r\nX-Evil: 1" }, []error{client.ErrInvalidOptions}, "version"},
		{"http-client-and-ca", func(o *client.Options) {
			o.HTTPClient = fakeHTTPClient()
			o.InsecureSkipVerify = true
		}, []error{client.ErrInvalidOptions}, "mutually exclusive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := good
			tc.tweak(&o)
			c, err := client.New(o)
			if tc.wantErr == nil {
				if err != nil || c == nil {
					t.Fatalf("New = %v, %v; want a Client", c, err)
				}
				return
			}
			if c != nil || err == nil {
				t.Fatalf("New = %v, %v; want an error", c, err)
			}
			for _, want := range tc.wantErr {
				if !errors.Is(err, want) {
					t.Errorf("New = %v; want it to match %v", err, want)
				}
			}
			if !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("New = %v; want it to say %q", err, tc.wantText)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("the error quotes the URL's password: %v", err)
			}
		})
	}
}

// TestInsecureHTTPOptIn talks to a clear-text server through an opted-in
// Client, so the option is known to work and not only to be accepted.
func TestInsecureHTTPOptIn(t *testing.T) {
	fake := avitest.New()
	defer fake.Close()
	c, err := client.New(client.Options{URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password()),
		CAPool: fake.CertPool()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.URL(), "https://") {
		t.Fatalf("avitest serves %s; want https, which every caller of avitest relies on", c.URL())
	}
	// A plain HTTP front that forwards to the fake over TLS.
	target, err := url.Parse(fake.URL())
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = fake.HTTPClient().Transport
	front := httptest.NewServer(proxy)
	defer front.Close()
	frontURL := front.URL
	if _, err := client.New(client.Options{URL: frontURL, Username: fake.Username(), Password: client.Password(fake.Password())}); !errors.Is(err, client.ErrInsecureURL) {
		t.Fatalf("New(%s) = %v, want ErrInsecureURL", frontURL, err)
	}
	ic, err := client.New(client.Options{URL: frontURL, Username: fake.Username(), Password: client.Password(fake.Password()), AllowInsecureHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := ic.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: "p"}, nil); err != nil {
		t.Fatalf("Create over opted-in http: %v", err)
	}
}

// TestTenantRule checks that "*" and implausible tenants never reach the
// controller on a write, and that implausible ones are refused on reads too.
func TestTenantRule(t *testing.T) {
	var requests atomic.Int32
	count := func(avitest.Request) *avitest.Fault { requests.Add(1); return nil }
	fake, c := newClient(t, []avitest.Option{avitest.WithFault(count), avitest.WithTenants("t1")}, nil)
	if _, err := fake.Seed("t1", "pool", aviobj.Pool{Name: "p"}); err != nil {
		t.Fatal(err)
	}
	pool := aviobj.Pool{Name: "q"}
	calls := []struct {
		name  string
		write bool
		call  func(*client.Client) error
	}{
		{"create", true, func(c *client.Client) error { return c.Create(ctx, aviobj.KindPool, pool, nil) }},
		{"update", true, func(c *client.Client) error { return c.Update(ctx, aviobj.KindPool, "pool-1", pool, nil) }},
		{"delete", true, func(c *client.Client) error { return c.Delete(ctx, aviobj.KindPool, "pool-1") }},
		{"do-patch", true, func(c *client.Client) error {
			return c.Do(ctx, http.MethodPatch, "/api/pool/pool-1", nil, map[string]any{"replace": pool}, nil)
		}},
		{"do-unknown-method", true, func(c *client.Client) error { return c.Do(ctx, "PURGE", "/api/pool", nil, nil, nil) }},
		{"get-by-name", false, func(c *client.Client) error { return c.GetByName(ctx, aviobj.KindPool, "p", nil) }},
		{"list", false, func(c *client.Client) error {
			return c.List(ctx, aviobj.KindPool, nil, func(json.RawMessage) error { return nil })
		}},
	}
	tenants := []struct {
		tenant     string
		readsAllow bool
	}{
		{"*", true},
		{" ", false},
		{" t1", false},
		{"t1\n", false},
		{"t1\x00", false},
		{"t\u202e1", false},
		{"a/b", false},
		{"a?b", false},
		{"a#b", false},
		{"a&b", false},
		{"a,b", false},
		{"a*", false},
		{"\xff", false},
	}
	for _, tt := range tenants {
		for _, call := range calls {
			t.Run(strings.ToValidUTF8(tt.tenant, "?")+"/"+call.name, func(t *testing.T) {
				fake.ExpireSessions() // a refused call must not even log in
				before := requests.Load()
				err := call.call(c.WithTenant(tt.tenant))
				sent := requests.Load() - before
				if call.write || !tt.readsAllow {
					if !errors.Is(err, client.ErrInvalidTenant) {
						t.Errorf("err = %v, want ErrInvalidTenant", err)
					}
					if sent != 0 {
						t.Errorf("%d request(s) reached the controller", sent)
					}
					return
				}
				if err != nil || sent == 0 {
					t.Errorf("read with tenant %q: err = %v after %d request(s), want success", tt.tenant, err, sent)
				}
			})
		}
	}
	// A read across all tenants sees t1's pool.
	var names []string
	err := c.WithTenant("*").List(ctx, aviobj.KindPool, nil, func(raw json.RawMessage) error {
		names = append(names, string(raw))
		return nil
	})
	if err != nil || len(names) != 1 {
		t.Errorf("List in *: %v, %d objects; want t1's pool", err, len(names))
	}
	// A Client made with Tenant "*" reads but does not write.
	_, all := newClient(t, nil, func(o *client.Options) { o.Tenant = "*" })
	if err := all.Create(ctx, aviobj.KindPool, pool, nil); !errors.Is(err, client.ErrInvalidTenant) {
		t.Errorf("Create with Options.Tenant *: %v, want ErrInvalidTenant", err)
	}
}

// TestArgumentsRefusedBeforeSending checks the arguments the client refuses
// itself: each call fails with ErrInvalidArgument and sends nothing.
func TestArgumentsRefusedBeforeSending(t *testing.T) {
	var requests atomic.Int32
	count := func(avitest.Request) *avitest.Fault { requests.Add(1); return nil }
	_, c := newClient(t, []avitest.Option{avitest.WithFault(count)}, nil)
	var pool aviobj.Pool
	tests := []struct {
		name string
		call func() error
	}{
		{"lower-case-method", func() error { return c.Do(ctx, "get", "/api/pool", nil, nil, nil) }},
		{"method-with-space", func() error { return c.Do(ctx, "GET /", "/api/pool", nil, nil, nil) }},
		{"relative-path", func() error { return c.Do(ctx, "GET", "api/pool", nil, nil, nil) }},
		{"path-with-query", func() error { return c.Do(ctx, "GET", "/api/pool?name=x", nil, nil, nil) }},
		{"path-with-fragment", func() error { return c.Do(ctx, "GET", "/api/pool#x", nil, nil, nil) }},
		{"path-with-newline", func() error { return c.Do(ctx, "GET", "/api/pool\n", nil, nil, nil) }},
		{"out-not-a-pointer", func() error { return c.Do(ctx, "GET", "/api/pool", nil, nil, pool) }},
		{"out-nil-pointer", func() error { return c.Do(ctx, "GET", "/api/pool", nil, nil, (*aviobj.Pool)(nil)) }},
		{"body-nil-pointer", func() error { return c.Do(ctx, "POST", "/api/pool", nil, (*aviobj.Pool)(nil), nil) }},
		{"body-not-json", func() error { return c.Do(ctx, "POST", "/api/pool", nil, make(chan int), nil) }},
		{"get-empty-uuid", func() error { return c.Get(ctx, aviobj.KindPool, "", &pool) }},
		{"get-dot-dot", func() error { return c.Get(ctx, aviobj.KindPool, "..", &pool) }},
		{"get-kind-with-slash", func() error { return c.Get(ctx, "pool/../tenant", "x", &pool) }},
		{"get-by-empty-name", func() error { return c.GetByName(ctx, aviobj.KindPool, "", &pool) }},
		{"get-by-name-out-not-a-pointer", func() error { return c.GetByName(ctx, aviobj.KindPool, "p", pool) }},
		{"list-nil-callback", func() error { return c.List(ctx, aviobj.KindPool, nil, nil) }},
		{"list-empty-kind", func() error { return c.List(ctx, "", nil, func(json.RawMessage) error { return nil }) }},
		{"create-nil-body", func() error { return c.Create(ctx, aviobj.KindPool, nil, nil) }},
		{"update-nil-body", func() error { return c.Update(ctx, aviobj.KindPool, "pool-1", nil, nil) }},
		{"update-empty-uuid", func() error { return c.Update(ctx, aviobj.KindPool, "", pool, nil) }},
		{"delete-empty-uuid", func() error { return c.Delete(ctx, aviobj.KindPool, "") }},
		{"delete-empty-kind", func() error { return c.Delete(ctx, "", "pool-1") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := requests.Load()
			if err := tc.call(); !errors.Is(err, client.ErrInvalidArgument) {
				t.Errorf("err = %v, want ErrInvalidArgument", err)
			}
			if n := requests.Load() - before; n != 0 {
				t.Errorf("%d request(s) sent", n)
			}
		})
	}
}
