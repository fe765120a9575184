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
	// MaxVersion is the newest API version avil4 speaks: that of the
	// controller schema it is built from (../shared/avi-schema, 30.2.1).
	// Against a newer controller a Client sends X-Avi-Version MaxVersion,
	// as AKO caps its version; against an older one, the controller's own.
	MaxVersion = "30.2.1"
)

// Options configure a Client. URL and Username are required, and one of
// Password and PasswordFunc.
type Options struct {
	// URL is the controller's base URL, "https://host[:port]", e.g.
	// "https://avi.example.com": no user info, path, query or fragment;
	// http:// only with AllowInsecureHTTP.
	URL string `json:"url"`
	// Username to log in with.
	Username string `json:"username"`
	// Password to log in with. It never prints (see Password).
	Password Password `json:"password,omitempty"`
	// PasswordFunc, when set, is called at every login instead of using
	// Password, e.g. to read a rotated Secret.
	PasswordFunc func(ctx context.Context) (Password, error) `json:"-"`
	// Tenant is sent as X-Avi-Tenant; "" means "admin". It must be a
	// plausible tenant name, or "*" (all tenants) for a Client that only
	// reads; see the package doc, Tenants, and WithTenant.
	Tenant string `json:"tenant,omitempty"`
	// Version is sent as X-Avi-Version, e.g. "22.1.3" (digits, letters,
	// '.', '_' and '-'). "" means min(the controller's version, read from
	// the login reply or /api/initial-data, MaxVersion).
	Version string `json:"version,omitempty"`
	// CAPool verifies the controller's certificate; nil means the system
	// roots.
	CAPool *x509.CertPool `json:"-"`
	// InsecureSkipVerify turns certificate verification off. Only for labs.
	InsecureSkipVerify bool `json:"insecureSkipVerify,omitempty"`
	// AllowInsecureHTTP lets URL be http://. The password (at every login),
	// the session cookies and the CSRF token then travel in clear text, so
	// anyone on the path can take over the session. It is for tests and
	// loopback only; without it New refuses http:// with ErrInsecureURL.
	AllowInsecureHTTP bool `json:"allowInsecureHTTP,omitempty"`
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
	pages    *pageMemo     // how list pages read, by their bytes
	bufs     sync.Pool     // *[]byte: page buffers of ListBorrowed

	fixedVersion bool // Options.Version was given

	mu         sync.Mutex // guards the fields below
	version    string     // X-Avi-Version sent
	ctlVersion string     // the controller's version
	edition    string     // the controller's licence edition ("" unknown)
	csrf, sid  string
	gen        uint64 // incremented by every login
}

// New checks opts and returns a Client. It does not contact the controller;
// see Login. Every error it returns matches ErrInvalidOptions, and never
// quotes the password (nor a URL, which might carry one).
func New(opts Options) (*Client, error) {
	u, err := parseControllerURL(opts.URL, opts.AllowInsecureHTTP)
	if err != nil {
		return nil, err
	}
	if opts.Username == "" {
		return nil, fmt.Errorf("%w: username is required", ErrInvalidOptions)
	}
	if opts.Tenant != "" && opts.Tenant != allTenants {
		if p := tenantProblem(opts.Tenant); p != "" {
			return nil, fmt.Errorf("%w: %w: tenant %q: %s", ErrInvalidOptions, ErrInvalidTenant, opts.Tenant, p)
		}
	}
	if p := versionProblem(opts.Version); p != "" {
		return nil, fmt.Errorf("%w: version %q: %s", ErrInvalidOptions, opts.Version, p)
	}
	pw := opts.PasswordFunc
	if pw == nil {
		if opts.Password == "" {
			return nil, fmt.Errorf("%w: password (or PasswordFunc) is required", ErrInvalidOptions)
		}
		p := opts.Password
		pw = func(context.Context) (Password, error) { return p, nil }
	}
	hc := opts.HTTPClient
	if hc != nil && (opts.CAPool != nil || opts.InsecureSkipVerify) {
		return nil, fmt.Errorf("%w: HTTPClient and CAPool/InsecureSkipVerify are mutually exclusive", ErrInvalidOptions)
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
		pages:    newPageMemo(),
		version:  opts.Version,

		fixedVersion: opts.Version != "",
	}
	if s.log.GetSink() == nil {
		s.log = logr.Discard()
	}
	return &Client{s: s, tenant: tenant}, nil
}

// Tenant is the tenant the Client's requests are made in ("" for a nil
// Client).
func (c *Client) Tenant() string {
	if c == nil {
		return ""
	}
	return c.tenant
}

// WithTenant returns a Client that shares c's session but works in tenant
// ("" means "admin"). It does not check tenant: a request of a Client whose
// tenant is not a plausible tenant name fails with ErrInvalidTenant before
// anything is sent, as does a write with "*" (see the package doc, Tenants).
// On a nil or zero Client it returns a Client whose calls fail with
// ErrInvalidClient.
func (c *Client) WithTenant(tenant string) *Client {
	if tenant == "" {
		tenant = DefaultTenant
	}
	if c == nil {
		return &Client{tenant: tenant}
	}
	return &Client{s: c.s, tenant: tenant}
}

// URL is the controller's base URL ("" for a nil or zero Client).
func (c *Client) URL() string {
	if c == nil || c.s == nil {
		return ""
	}
	return c.s.base.String()
}

// Version is the X-Avi-Version the Client sends: Options.Version, or
// min(the controller's version, MaxVersion) once logged in ("" before, and
// for a nil or zero Client).
func (c *Client) Version() string {
	if c == nil || c.s == nil {
		return ""
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.version
}

// ControllerVersion is the version the controller reported at login ("" before
// the first login, and for a nil or zero Client).
func (c *Client) ControllerVersion() string {
	if c == nil || c.s == nil {
		return ""
	}
	c.s.mu.Lock()
	defer c.s.mu.Unlock()
	return c.s.ctlVersion
}

// Login opens a session now (calls log in lazily otherwise). It is not
// retried on 401: the credentials are wrong.
func (c *Client) Login(ctx context.Context) error {
	if err := c.checkCall(ctx); err != nil {
		return err
	}
	c.s.mu.Lock()
	gen := c.s.gen
	c.s.mu.Unlock()
	return c.s.relogin(ctx, gen, true)
}

// Logout ends the session (POST /logout, sent without X-Avi-Tenant: the
// session is not a tenant's). The next call logs in again.
func (c *Client) Logout(ctx context.Context) error {
	if err := c.checkCall(ctx); err != nil {
		return err
	}
	s := c.s
	s.mu.Lock()
	csrf, sid := s.csrf, s.sid
	s.csrf, s.sid = "", ""
	s.gen++
	s.mu.Unlock()
	if sid == "" {
		return nil
	}
	status, body, hdr, err := s.attempt(ctx, http.MethodPost, "/logout", nil, nil, "", csrf, sid, nil)
	if err == nil {
		err = decodeReply(http.MethodPost, "/logout", status, hdr, body, nil)
	}
	if err != nil {
		return fmt.Errorf("logging out: %w", err)
	}
	return nil
}

// Do sends one request: method (upper case, e.g. "GET") to path (absolute,
// without query, e.g. "/api/pool/pool-1") with query, body marshalled as
// JSON unless nil, and the reply decoded into out (a non-nil pointer) unless
// nil. The tenant rule of the package doc applies: a write in "*" or in an
// implausible tenant fails with ErrInvalidTenant before anything is sent.
// A non-2xx reply is returned as *Error, a 2xx reply that does not decode
// into out as *DecodeError.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, body, out any) error {
	if err := c.checkCall(ctx); err != nil {
		return err
	}
	if err := checkMethodPath(method, path); err != nil {
		return err
	}
	if err := checkTenant(method, c.tenant); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if err := checkOut(out); err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("%s %s: %w: encoding the body: %v", method, path, ErrInvalidArgument, err)
		}
		if string(payload) == "null" {
			return fmt.Errorf("%s %s: %w: the body is a nil %T", method, path, ErrInvalidArgument, body)
		}
	}
	return c.s.do(ctx, c.tenant, method, path, query, payload, out)
}

// Get reads the object of kind with uuid into out (refs carry #name).
func (c *Client) Get(ctx context.Context, kind aviobj.Kind, uuid string, out any) error {
	if err := c.checkCall(ctx); err != nil {
		return err
	}
	if err := checkUUID(kind, uuid); err != nil {
		return err
	}
	return c.Do(ctx, http.MethodGet, objectPath(kind, uuid), url.Values{"include_name": {"true"}}, nil, out)
}

// GetByName reads the object of kind named name into out (unless nil). An
// absent object is an error matching ErrNotFound; a reply whose objects all
// have other names is a *DecodeError.
func (c *Client) GetByName(ctx context.Context, kind aviobj.Kind, name string, out any) error {
	if err := c.checkCall(ctx); err != nil {
		return err
	}
	if err := checkKind(kind); err != nil {
		return err
	}
	if name == "" {
		return fmt.Errorf("%w: %s name is empty", ErrInvalidArgument, kind)
	}
	if err := checkOut(out); err != nil {
		return err
	}
	var page listPage
	q := url.Values{"name": {name}, "include_name": {"true"}}
	if err := c.Do(ctx, http.MethodGet, collectionPath(kind), q, nil, &page); err != nil {
		return err
	}
	if len(page.Results) == 0 {
		return fmt.Errorf("%s %q: %w", kind, name, ErrNotFound)
	}
	reqPath := collectionPath(kind) + "?" + q.Encode()
	raw, err := pickByName(page.Results, name)
	if err != nil {
		return &DecodeError{StatusCode: http.StatusOK, Method: http.MethodGet, Path: reqPath, Reason: err.Error()}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &DecodeError{StatusCode: http.StatusOK, Method: http.MethodGet, Path: reqPath,
			Reason: fmt.Sprintf("%s %q does not decode into %T", kind, name, out), Err: err}
	}
	return nil
}

// pickByName returns the result named name: the controller's name filter is
// exact, so another name means the query was not understood.
func pickByName(results []json.RawMessage, name string) (json.RawMessage, error) {
	for _, raw := range results {
		var o struct {
			Name string `json:"name"`
		}
		if json.Unmarshal(raw, &o) == nil && o.Name == name {
			return raw, nil
		}
	}
	return nil, fmt.Errorf("%d object(s) in the reply, none named %q", len(results), name)
}

// listPage is the envelope of a list reply.
type listPage struct {
	Count   int               `json:"count"`
	Results []json.RawMessage `json:"results"`
	Next    string            `json:"next,omitempty"`
}

// maxPages bounds the pages one List follows.
const maxPages = 100000

// List calls fn with every object of kind matching query, following the
// controller's pages (page_size MaxPageSize and include_name unless query
// sets them). The next links are followed on the Client's own base URL and
// must stay in the collection of kind; a link that leaves it, or repeats a
// page, is a *DecodeError, as is a page that is not valid JSON of the list
// shape (fn is not called for any object of such a page). Each raw object
// is a sub-slice of its page, never overwritten: copy it (e.g.
// bytes.Clone) to keep it without keeping the whole page.
func (c *Client) List(ctx context.Context, kind aviobj.Kind, query url.Values, fn func(json.RawMessage) error) error {
	if fn == nil {
		return c.list(ctx, kind, query, nil, false, nil)
	}
	return c.list(ctx, kind, query, nil, false, func(_ any, raw json.RawMessage) error { return fn(raw) })
}

// ListBorrowed is List for a caller that keeps nothing of raw beyond fn:
// each raw object is valid only until fn returns, because the next page is
// read into the same buffer (one buffer per call instead of one per page:
// a resync of tens of thousands of objects then allocates a few pages, not
// its whole listing). Copy what you keep (bytes.Clone).
func (c *Client) ListBorrowed(ctx context.Context, kind aviobj.Kind, query url.Values, fn func(raw json.RawMessage) error) error {
	if fn == nil {
		return c.list(ctx, kind, query, nil, true, nil)
	}
	return c.list(ctx, kind, query, nil, true, func(_ any, raw json.RawMessage) error { return fn(raw) })
}

// ListDecoded is List with each object of a page decoded (json.Unmarshal)
// into the value newObj returns (a non-nil pointer, e.g. a new
// *aviobj.Pool) before fn is called; fn gets that value and the object's
// JSON as the controller sent it (a sub-slice of the page, as in List). A
// page whose objects do not decode into newObj's values is a *DecodeError
// and fn is not called for any object of that page.
func (c *Client) ListDecoded(ctx context.Context, kind aviobj.Kind, query url.Values, newObj func() any, fn func(obj any, raw json.RawMessage) error) error {
	if err := c.checkCall(ctx); err != nil {
		return err
	}
	if newObj == nil {
		return fmt.Errorf("%w: listing %s: nil newObj", ErrInvalidArgument, kind)
	}
	return c.list(ctx, kind, query, newObj, false, fn)
}

// list is List (newObj nil: raw objects), ListBorrowed (borrowed: each
// page read into the buffer of the one before) and ListDecoded.
func (c *Client) list(ctx context.Context, kind aviobj.Kind, query url.Values, newObj func() any, borrowed bool, fn func(any, json.RawMessage) error) error {
	if err := c.checkCall(ctx); err != nil {
		return err
	}
	if err := checkKind(kind); err != nil {
		return err
	}
	if fn == nil {
		return fmt.Errorf("%w: listing %s: nil callback", ErrInvalidArgument, kind)
	}
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
	seen := map[string]bool{}
	var (
		reuse []byte
		raws  []json.RawMessage
	)
	if borrowed {
		// The buffer of an earlier call, if one is free: nothing of it
		// is used beyond that call's fn.
		if b, ok := c.s.bufs.Get().(*[]byte); ok {
			reuse = *b
		}
		defer func() {
			if reuse != nil {
				c.s.bufs.Put(&reuse)
			}
		}()
	}
	for pages := 0; ; pages++ {
		var (
			next string
			n    int
		)
		page := decodedPage{newObj: newObj, reuse: reuse, raws: raws, memo: c.s.pages}
		if err := c.Do(ctx, http.MethodGet, path, q, nil, &page); err != nil {
			return fmt.Errorf("listing %s: %w", kind, err)
		}
		raws = page.raws // fn gets each element, never the slice
		if borrowed {
			// The next page overwrites this one once fn is done with it.
			reuse = page.body
		}
		for i, raw := range page.raws {
			var obj any
			if newObj != nil {
				obj = page.objs[i]
			}
			if err := fn(obj, raw); err != nil {
				return err
			}
		}
		next, n = page.next, len(page.raws)
		if next == "" || n == 0 {
			return nil
		}
		seen[path+"?"+q.Encode()] = true
		nextPath, nq, err := nextPage(kind, next)
		if err == nil && seen[nextPath+"?"+nq.Encode()] {
			err = errors.New("the next link repeats a page already read")
		}
		if err == nil && pages+1 >= maxPages {
			err = fmt.Errorf("more than %d pages", maxPages)
		}
		if err != nil {
			return fmt.Errorf("listing %s: %w", kind, &DecodeError{StatusCode: http.StatusOK, Method: http.MethodGet,
				Path: path + "?" + q.Encode(), Reason: oneLine(err.Error())})
		}
		path, q = nextPath, nq
	}
}

// nextPage reads a list reply's next link: its path must be the collection
// of kind (with or without a trailing slash); its scheme and host are
// ignored, the Client's own are used.
func nextPage(kind aviobj.Kind, next string) (string, url.Values, error) {
	u, err := url.Parse(next)
	if err != nil {
		return "", nil, fmt.Errorf("bad next link: %v", errors.Unwrap(err))
	}
	if p := strings.TrimSuffix(u.Path, "/"); p != collectionPath(kind) {
		return "", nil, fmt.Errorf("the next link %q leaves %s", truncate(u.Path, 200), collectionPath(kind))
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return "", nil, fmt.Errorf("bad query in the next link: %v", err)
	}
	return u.Path, q, nil
}

// Create POSTs body (not nil) as a new object of kind and decodes the
// created object (with uuid and url) into out unless nil. A retried POST
// whose first attempt went through answers 409: callers that retry must
// re-read by name.
func (c *Client) Create(ctx context.Context, kind aviobj.Kind, body, out any) error {
	if err := c.checkCall(ctx); err != nil {
		return err
	}
	if err := checkKind(kind); err != nil {
		return err
	}
	if body == nil {
		return fmt.Errorf("%w: creating a %s: nil body", ErrInvalidArgument, kind)
	}
	return c.Do(ctx, http.MethodPost, collectionPath(kind), nil, body, out)
}

// Update PUTs body (not nil), the whole object, over the object of kind with
// uuid.
func (c *Client) Update(ctx context.Context, kind aviobj.Kind, uuid string, body, out any) error {
	if err := c.checkCall(ctx); err != nil {
		return err
	}
	if err := checkUUID(kind, uuid); err != nil {
		return err
	}
	if body == nil {
		return fmt.Errorf("%w: updating %s %s: nil body", ErrInvalidArgument, kind, uuid)
	}
	return c.Do(ctx, http.MethodPut, objectPath(kind, uuid), nil, body, out)
}

// Delete removes the object of kind with uuid. A missing object is an error
// matching ErrNotFound; callers that only want it gone ignore it.
func (c *Client) Delete(ctx context.Context, kind aviobj.Kind, uuid string) error {
	if err := c.checkCall(ctx); err != nil {
		return err
	}
	if err := checkUUID(kind, uuid); err != nil {
		return err
	}
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
