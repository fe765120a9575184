package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"

	"github.com/avil4/avil4/aviobj"
)

// Defaults of Options and RetryPolicy.
const (
	DefaultTenant         = "admin"
	DefaultTimeout        = 60 * time.Second
	DefaultMaxAttempts    = 4
	DefaultInitialBackoff = 100 * time.Millisecond
	DefaultMaxBackoff     = 5 * time.Second
	// MaxPageSize is the largest page_size the controller accepts.
	MaxPageSize = 200
)

// Options configure a Client. URL and Username are required, and one of
// Password and PasswordFunc.
type Options struct {
	// URL is the controller's base URL, e.g. "https://avi.example.com".
	URL string `json:"url"`
	// Username to log in with.
	Username string `json:"username"`
	// Password to log in with. It never prints (see Password).
	Password Password `json:"password,omitempty"`
	// PasswordFunc, when set, is called at every login instead of using
	// Password, e.g. to read a rotated Secret.
	PasswordFunc func(ctx context.Context) (Password, error) `json:"-"`
	// Tenant is sent as X-Avi-Tenant; "" means "admin". See WithTenant.
	Tenant string `json:"tenant,omitempty"`
	// Version is sent as X-Avi-Version. "" means the controller's own
	// version, read from the login reply.
	Version string `json:"version,omitempty"`
	// CAPool verifies the controller's certificate; nil means the system
	// roots.
	CAPool *x509.CertPool `json:"-"`
	// InsecureSkipVerify turns certificate verification off. Only for labs.
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
	// HTTPClient replaces the client built from CAPool and
	// InsecureSkipVerify (which must then be unset); its Transport is used
	// as is. Its Jar, Timeout and CheckRedirect are not: the Client manages
	// the session cookies, bounds attempts with Timeout and never follows
	// redirects.
	HTTPClient *http.Client `json:"-"`
	// Timeout bounds one attempt of a request; 0 means DefaultTimeout. The
	// caller's context bounds the whole call, retries included.
	Timeout time.Duration `json:"timeout,omitempty"`
	// Retry says how failed attempts are retried.
	Retry RetryPolicy `json:"retry,omitzero"`
	// Logger receives V(1) messages on logins and retries and V(2) messages
	// on every request. Bodies and credentials are never logged.
	Logger logr.Logger `json:"-"`
}

// RetryPolicy bounds the retries of a request that failed with 5xx, 408 or
// 429, an attempt timeout or a transport error (connection reset, refused,
// closed). Waits grow exponentially from InitialBackoff to MaxBackoff, with
// jitter; a Retry-After header lengthens a wait up to MaxBackoff. Zero fields
// take the defaults.
type RetryPolicy struct {
	// MaxAttempts counts the first attempt; 1 disables retries.
	MaxAttempts int `json:"maxAttempts,omitempty"`
	// InitialBackoff is the wait before the first retry.
	InitialBackoff time.Duration `json:"initialBackoff,omitempty"`
	// MaxBackoff caps every wait.
	MaxBackoff time.Duration `json:"maxBackoff,omitempty"`
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.InitialBackoff <= 0 {
		p.InitialBackoff = DefaultInitialBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	if p.MaxBackoff < p.InitialBackoff {
		p.MaxBackoff = p.InitialBackoff
	}
	return p
}

// backoff returns the wait before retry number n (1-based): a random value in
// [d/2, d] where d doubles from InitialBackoff up to MaxBackoff.
func (p RetryPolicy) backoff(n int) time.Duration {
	d := p.InitialBackoff
	for i := 1; i < n && d < p.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.MaxBackoff)
	half := d / 2
	return half + rand.N(d-half+1)
}

// Client is a session with one Avi Controller. It logs in lazily on first
// use, re-logs in once when the session expires (401 or 419), retries
// transient failures, and is safe for concurrent use: concurrent calls share
// one session, and a re-login is done by one goroutine while the others wait
// for it.
type Client struct {
	s      *session
	tenant string
}

// session is the state shared by a Client and its WithTenant copies. It
// holds no credential in a printable field: the password is behind a func.
type session struct {
	base     *url.URL
	referer  string
	http     *http.Client
	username string
	password func(ctx context.Context) (Password, error)
	timeout  time.Duration
	retry    RetryPolicy
	log      logr.Logger
	loginSem chan struct{} // one login at a time

	mu         sync.Mutex // guards the fields below
	version    string     // X-Avi-Version sent
	ctlVersion string     // the controller's version
	csrf, sid  string
	gen        uint64 // incremented by every login
}

// New checks opts and returns a Client. It does not contact the controller;
// see Login.
func New(opts Options) (*Client, error) {
	u, err := url.Parse(strings.TrimSuffix(opts.URL, "/"))
	if err != nil {
		return nil, fmt.Errorf("parsing controller url: %w", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("controller url %q: want https://host[:port]", opts.URL)
	}
	if u.Path != "" || u.RawQuery != "" {
		return nil, fmt.Errorf("controller url %q: must have no path or query", opts.URL)
	}
	if opts.Username == "" {
		return nil, errors.New("username is required")
	}
	pw := opts.PasswordFunc
	if pw == nil {
		if opts.Password == "" {
			return nil, errors.New("password (or PasswordFunc) is required")
		}
		p := opts.Password
		pw = func(context.Context) (Password, error) { return p, nil }
	}
	hc := opts.HTTPClient
	if hc != nil && (opts.CAPool != nil || opts.InsecureSkipVerify) {
		return nil, errors.New("HTTPClient and CAPool/InsecureSkipVerify are mutually exclusive")
	}
	if hc == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.TLSClientConfig = &tls.Config{
			MinVersion:         tls.VersionTLS12,
			RootCAs:            opts.CAPool,
			InsecureSkipVerify: opts.InsecureSkipVerify, //nolint:gosec // explicit opt-in
		}
		tr.MaxIdleConnsPerHost = 64
		hc = &http.Client{Transport: tr}
	}
	// Never follow redirects: a redirect would resend the session cookies
	// and CSRF token elsewhere.
	hcCopy := *hc
	hcCopy.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	hcCopy.Jar = nil
	hcCopy.Timeout = 0
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	tenant := opts.Tenant
	if tenant == "" {
		tenant = DefaultTenant
	}
	s := &session{
		base:     u,
		referer:  u.Scheme + "://" + u.Host + "/",
		http:     &hcCopy,
		username: opts.Username,
		password: pw,
		timeout:  timeout,
		retry:    opts.Retry.withDefaults(),
		log:      opts.Logger,
		loginSem: make(chan struct{}, 1),
		version:  opts.Version,
	}
	if s.log.GetSink() == nil {
		s.log = logr.Discard()
	}
	return &Client{s: s, tenant: tenant}, nil
}

// Tenant is the tenant the Client's requests are made in.
func (c *Client) Tenant() string { return c.tenant }

// WithTenant returns a Client that shares c's session but works in tenant
// ("" means "admin").
func (c *Client) WithTenant(tenant string) *Client {
	if tenant == "" {
		tenant = DefaultTenant
	}
	return &Client{s: c.s, tenant: tenant}
}

// URL is the controller's base URL.
func (c *Client) URL() string { return c.s.base.String() }

// Version is the X-Avi-Version the Client sends: Options.Version, or the
// controller's version once logged in ("" before).
func (c *Client) Version() string {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.version
}

// ControllerVersion is the version the controller reported at login ("" before
// the first login).
func (c *Client) ControllerVersion() string {
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.ctlVersion
}

// Login opens a session now (calls log in lazily otherwise). It is not
// retried on 401: the credentials are wrong.
func (c *Client) Login(ctx context.Context) error {
	c.s.mu.Lock()
	gen := c.s.gen
	c.s.mu.Unlock()
	return c.s.relogin(ctx, gen, true)
}

// Logout ends the session (POST /logout). The next call logs in again.
func (c *Client) Logout(ctx context.Context) error {
	s := c.s
	s.mu.Lock()
	csrf, sid := s.csrf, s.sid
	s.csrf, s.sid = "", ""
	s.gen++
	s.mu.Unlock()
	if sid == "" {
		return nil
	}
	_, _, _, err := s.attempt(ctx, http.MethodPost, "/logout", nil, nil, c.tenant, csrf, sid)
	if err != nil {
		return fmt.Errorf("logging out: %w", err)
	}
	return nil
}

// Do sends one request: method to path (e.g. "/api/pool/pool-1") with
// query, body marshalled as JSON unless nil, and the reply decoded into out
// unless nil. A non-2xx reply is returned as *Error.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("encoding %s %s body: %w", method, path, err)
		}
	}
	return c.s.do(ctx, c.tenant, method, path, query, payload, out)
}

// Get reads the object of kind with uuid into out (refs carry #name).
func (c *Client) Get(ctx context.Context, kind aviobj.Kind, uuid string, out any) error {
	return c.Do(ctx, http.MethodGet, objectPath(kind, uuid), url.Values{"include_name": {"true"}}, nil, out)
}

// GetByName reads the object of kind named name into out. An absent object
// is an error matching ErrNotFound.
func (c *Client) GetByName(ctx context.Context, kind aviobj.Kind, name string, out any) error {
	var page listPage
	q := url.Values{"name": {name}, "include_name": {"true"}}
	if err := c.Do(ctx, http.MethodGet, collectionPath(kind), q, nil, &page); err != nil {
		return err
	}
	if len(page.Results) == 0 {
		return fmt.Errorf("%s %q: %w", kind, name, ErrNotFound)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(page.Results[0], out); err != nil {
		return fmt.Errorf("decoding %s %q: %w", kind, name, err)
	}
	return nil
}

// listPage is the envelope of a list reply.
type listPage struct {
	Count   int               `json:"count"`
	Results []json.RawMessage `json:"results"`
	Next    string            `json:"next,omitempty"`
}

// List calls fn with every object of kind matching query, following the
// controller's pages (page_size MaxPageSize and include_name unless query
// sets them). The next links are followed on the Client's own base URL.
func (c *Client) List(ctx context.Context, kind aviobj.Kind, query url.Values, fn func(json.RawMessage) error) error {
	q := url.Values{}
	for k, v := range query {
		q[k] = append([]string(nil), v...)
	}
	if q.Get("page_size") == "" {
		q.Set("page_size", strconv.Itoa(MaxPageSize))
	}
	if !q.Has("include_name") {
		q.Set("include_name", "true")
	}
	path := collectionPath(kind)
	for pages := 0; ; pages++ {
		var page listPage
		if err := c.Do(ctx, http.MethodGet, path, q, nil, &page); err != nil {
			return fmt.Errorf("listing %s: %w", kind, err)
		}
		for _, raw := range page.Results {
			if err := fn(raw); err != nil {
				return err
			}
		}
		if page.Next == "" || len(page.Results) == 0 {
			return nil
		}
		if pages > 100000 {
			return fmt.Errorf("listing %s: too many pages", kind)
		}
		next, err := url.Parse(page.Next)
		if err != nil || !strings.HasPrefix(next.Path, "/api/") {
			return fmt.Errorf("listing %s: bad next link %q", kind, page.Next)
		}
		path, q = next.Path, next.Query()
	}
}

// Create POSTs body as a new object of kind and decodes the created object
// (with uuid and url) into out unless nil. A retried POST whose first attempt
// went through answers 409: callers that retry must re-read by name.
func (c *Client) Create(ctx context.Context, kind aviobj.Kind, body, out any) error {
	return c.Do(ctx, http.MethodPost, collectionPath(kind), nil, body, out)
}

// Update PUTs body, the whole object, over the object of kind with uuid.
func (c *Client) Update(ctx context.Context, kind aviobj.Kind, uuid string, body, out any) error {
	return c.Do(ctx, http.MethodPut, objectPath(kind, uuid), nil, body, out)
}

// Delete removes the object of kind with uuid. A missing object is an error
// matching ErrNotFound; callers that only want it gone ignore it.
func (c *Client) Delete(ctx context.Context, kind aviobj.Kind, uuid string) error {
	return c.Do(ctx, http.MethodDelete, objectPath(kind, uuid), nil, nil, nil)
}

func collectionPath(kind aviobj.Kind) string { return "/api/" + string(kind) }

func objectPath(kind aviobj.Kind, uuid string) string {
	return "/api/" + string(kind) + "/" + url.PathEscape(uuid)
}

// creds returns the current session under the lock.
func (s *session) creds() (gen uint64, csrf, sid, version string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen, s.csrf, s.sid, s.version
}
