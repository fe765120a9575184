package client_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-logr/logr/funcr"
	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
)

// newClient returns a fake and a client of it; tweak adjusts the options.
func newClient(t *testing.T, fakeOpts []avitest.Option, tweak func(*client.Options)) (*avitest.Server, *client.Client) {
	t.Helper()
	fake := avitest.New(fakeOpts...)
	t.Cleanup(fake.Close)
	opts := client.Options{
		URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password()),
		CAPool: fake.CertPool(),
		Retry:  client.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond},
	}
	if tweak != nil {
		tweak(&opts)
	}
	c, err := client.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return fake, c
}

var ctx = context.Background()

func TestLoginAndWrites(t *testing.T) {
	fake, c := newClient(t, nil, nil)
	if c.Version() != "" {
		t.Errorf("Version before login = %q", c.Version())
	}
	var created aviobj.Pool
	if err := c.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: "p"}, &created); err != nil {
		t.Fatal(err) // a write passes only with the session cookies, CSRF token and Referer
	}
	if !strings.HasPrefix(created.UUID, "pool-") || !strings.HasSuffix(created.URL, "#p") {
		t.Errorf("created: %+v", created)
	}
	created.Enabled = aviobj.Bool(false)
	created.UUID, created.URL, created.LastModified = "", "", ""
	var updated aviobj.Pool
	if err := c.Update(ctx, aviobj.KindPool, uuidFromFake(t, fake, "pool", "p"), created, &updated); err != nil {
		t.Fatal(err)
	}
	var got aviobj.Pool
	if err := c.GetByName(ctx, aviobj.KindPool, "p", &got); err != nil {
		t.Fatal(err)
	}
	if got.Enabled == nil || *got.Enabled {
		t.Errorf("update lost: %+v", got)
	}
	if err := c.Get(ctx, aviobj.KindPool, got.UUID, &got); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(got.TenantRef, "#admin") {
		t.Errorf("Get does not ask for include_name: tenant_ref %q", got.TenantRef)
	}
	if err := c.Delete(ctx, aviobj.KindPool, got.UUID); err != nil {
		t.Fatal(err)
	}
	if fake.Logins() != 1 {
		t.Errorf("Logins() = %d, want 1", fake.Logins())
	}
	if c.Version() != fake.Version() || c.ControllerVersion() != fake.Version() {
		t.Errorf("Version() = %q, ControllerVersion() = %q, want the controller's %q", c.Version(), c.ControllerVersion(), fake.Version())
	}
}

func uuidFromFake(t *testing.T, fake *avitest.Server, kind aviobj.Kind, name string) string {
	t.Helper()
	o, ok := fake.Object("admin", kind, name)
	if !ok {
		t.Fatalf("%s %s missing", kind, name)
	}
	return o["uuid"].(string)
}

func TestBadCredentials(t *testing.T) {
	var logins atomic.Int32
	count := func(r avitest.Request) *avitest.Fault {
		if r.Path == "/login" {
			logins.Add(1)
		}
		return nil
	}
	fake, c := newClient(t, []avitest.Option{avitest.WithFault(count)}, func(o *client.Options) { o.Password = "wrong" })
	err := c.GetByName(ctx, aviobj.KindPool, "p", nil)
	if !errors.Is(err, client.ErrUnauthorized) || !strings.Contains(err.Error(), "Invalid credentials") {
		t.Errorf("err = %v, want ErrUnauthorized with the controller's text", err)
	}
	if logins.Load() != 1 || fake.Calls().Total() != 0 {
		t.Errorf("%d login attempts and calls %v: bad credentials must not be retried", logins.Load(), fake.Calls())
	}
}

func TestReloginOn401(t *testing.T) {
	fake, c := newClient(t, nil, nil)
	if err := c.Login(ctx); err != nil {
		t.Fatal(err)
	}
	fake.ExpireSessions()
	// Many goroutines hit the expired session at once: one logs in again.
	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = c.List(ctx, aviobj.KindPool, nil, func(json.RawMessage) error { return nil })
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if got := fake.Logins(); got != 2 {
		t.Errorf("Logins() = %d, want 2 (one re-login shared by all)", got)
	}
}

func TestReloginOnlyOnce(t *testing.T) {
	always401 := func(r avitest.Request) *avitest.Fault {
		if r.Kind == "pool" {
			return &avitest.Fault{Status: 401, Message: "Authentication credentials were not provided."}
		}
		return nil
	}
	fake, c := newClient(t, []avitest.Option{avitest.WithFault(always401)}, nil)
	err := c.GetByName(ctx, aviobj.KindPool, "p", nil)
	if !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("err = %v, want ErrUnauthorized", err)
	}
	if fake.Logins() != 2 || fake.Calls().Total() != 2 {
		t.Errorf("logins %d, calls %v: want 2 logins and 2 calls", fake.Logins(), fake.Calls())
	}
}

func TestRetries(t *testing.T) {
	once := func(f avitest.Fault) avitest.FaultFunc { return avitest.FailNth("GET", "pool", 1, f) }
	always := func(f avitest.Fault) avitest.FaultFunc {
		return func(r avitest.Request) *avitest.Fault {
			if r.Kind == "pool" {
				return &f
			}
			return nil
		}
	}
	tests := []struct {
		name      string
		fault     avitest.FaultFunc
		wantCalls int
		wantCode  int // 0: success
		wantErr   error
	}{
		{"503-once", once(avitest.Fault{Status: 503}), 2, 0, nil},
		{"500-once", once(avitest.Fault{Status: 500}), 2, 0, nil},
		{"429-once", once(avitest.Fault{Status: 429}), 2, 0, nil},
		{"408-once", once(avitest.Fault{Status: 408}), 2, 0, nil},
		{"dropped-once", once(avitest.Fault{Drop: true}), 2, 0, nil},
		{"timeout-once", once(avitest.Fault{Hang: true}), 2, 0, nil},
		{"session-expired-once", once(avitest.Fault{ExpireSession: true}), 2, 0, nil},
		{"502-always", always(avitest.Fault{Status: 502, Message: "Bad Gateway"}), 3, 502, nil},
		{"400-not-retried", always(avitest.Fault{Status: 400, Message: "No available free IPs"}), 1, 400, client.ErrBadRequest},
		{"404-not-retried", always(avitest.Fault{Status: 404, Message: "Pool object not found!"}), 1, 404, client.ErrNotFound},
		{"409-not-retried", always(avitest.Fault{Status: 409}), 1, 409, client.ErrConflict},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake, c := newClient(t, []avitest.Option{avitest.WithFault(tc.fault)}, func(o *client.Options) {
				// The hang case waits this long. Long enough that the first
				// attempt reaches the fake's handler (and is counted) before the
				// client gives up on it, even under -race on a loaded machine:
				// at 500 ms CI once saw it abandoned before it was counted.
				o.Timeout = 2 * time.Second
			})
			err := c.List(ctx, aviobj.KindPool, nil, func(json.RawMessage) error { return nil })
			if got := client.StatusCode(err); got != tc.wantCode || (tc.wantCode == 0) != (err == nil) {
				t.Errorf("err = %v (status %d), want status %d", err, got, tc.wantCode)
			}
			if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
				t.Errorf("err = %v, want %v", err, tc.wantErr)
			}
			// The fake counts a request when its handler starts: under load
			// the handler of a request the client already gave up on (the
			// hang case) may start after the retry was answered, so the
			// count is awaited (a few seconds at most), never slept on.
			got := fake.Calls().Total()
			for deadline := time.Now().Add(5 * time.Second); got < tc.wantCalls && time.Now().Before(deadline); got = fake.Calls().Total() {
				time.Sleep(10 * time.Millisecond)
			}
			if got != tc.wantCalls {
				t.Errorf("%d calls, want %d", got, tc.wantCalls)
			}
		})
	}
}

func TestPaging(t *testing.T) {
	fake, c := newClient(t, nil, nil)
	var want []string
	for i := range 450 {
		name := fmt.Sprintf("p%03d", i)
		want = append(want, name)
		if _, err := fake.Seed("admin", "pool", aviobj.Pool{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		query     url.Values
		wantPages int
	}{
		{nil, 3},
		{url.Values{"page_size": {"100"}}, 5},
		{url.Values{"name.contains": {"p4"}}, 1},
	} {
		fake.ResetCalls()
		var got []string
		err := c.List(ctx, aviobj.KindPool, tc.query, func(raw json.RawMessage) error {
			var p aviobj.Pool
			if err := json.Unmarshal(raw, &p); err != nil {
				return err
			}
			if !strings.Contains(p.URL, "#") {
				return fmt.Errorf("url %q lacks #name: include_name not sent", p.URL)
			}
			got = append(got, p.Name)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		wantNames := want
		if tc.query.Get("name.contains") != "" {
			wantNames = want[400:]
		}
		if diff := cmp.Diff(wantNames, got); diff != "" {
			t.Errorf("List(%v) (-want +got):\n%s", tc.query, diff)
		}
		if got := fake.Calls().Lists(); got != tc.wantPages {
			t.Errorf("List(%v) read %d pages, want %d", tc.query, got, tc.wantPages)
		}
	}
	// fn's error stops the listing.
	stop := errors.New("stop")
	if err := c.List(ctx, aviobj.KindPool, nil, func(json.RawMessage) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("List = %v, want fn's error", err)
	}

	// List's raw objects stay as sent after the call (each a sub-slice of
	// its own page); ListBorrowed's are the same objects, but valid only
	// in fn: the next page is read into the same buffer.
	var listed, listedCopy, borrowed, borrowedCopy []json.RawMessage
	if err := c.List(ctx, aviobj.KindPool, nil, func(raw json.RawMessage) error {
		listed, listedCopy = append(listed, raw), append(listedCopy, bytes.Clone(raw))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	fake.ResetCalls()
	if err := c.ListBorrowed(ctx, aviobj.KindPool, nil, func(raw json.RawMessage) error {
		borrowed, borrowedCopy = append(borrowed, raw), append(borrowedCopy, bytes.Clone(raw))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := fake.Calls().Lists(); got != 3 {
		t.Errorf("ListBorrowed read %d pages, want 3", got)
	}
	if diff := cmp.Diff(listedCopy, listed); diff != "" {
		t.Errorf("List's raw objects changed after the call (-as sent +now):\n%s", diff)
	}
	if diff := cmp.Diff(listedCopy, borrowedCopy); diff != "" {
		t.Errorf("ListBorrowed saw other objects than List (-List +ListBorrowed):\n%s", diff)
	}
	// The pages are of one size (names of one length), so the first
	// page's buffer is read into again: a raw object kept without a copy
	// is overwritten.
	if len(borrowed) == len(want) && bytes.Equal(borrowed[0], borrowedCopy[0]) {
		t.Errorf("ListBorrowed's first object is intact after the call: the page buffer was not reused")
	}
	if err := c.ListBorrowed(ctx, aviobj.KindPool, nil, func(json.RawMessage) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("ListBorrowed = %v, want fn's error", err)
	}

	// ListDecoded reads the same pages and hands over each object decoded
	// and as sent.
	fake.ResetCalls()
	var got []string
	err := c.ListDecoded(ctx, aviobj.KindPool, url.Values{"page_size": {"100"}}, func() any { return new(aviobj.Pool) },
		func(obj any, raw json.RawMessage) error {
			p := obj.(*aviobj.Pool)
			var again aviobj.Pool
			if err := json.Unmarshal(raw, &again); err != nil {
				return fmt.Errorf("raw %q: %v", raw, err)
			}
			if diff := cmp.Diff(&again, p); diff != "" {
				return fmt.Errorf("decoded %s differs from its raw JSON:\n%s", p.Name, diff)
			}
			if !strings.Contains(p.URL, "#") {
				return fmt.Errorf("url %q lacks #name: include_name not sent", p.URL)
			}
			got = append(got, p.Name)
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListDecoded (-want +got):\n%s", diff)
	}
	if got := fake.Calls().Lists(); got != 5 {
		t.Errorf("ListDecoded read %d pages, want 5", got)
	}
	if err := c.ListDecoded(ctx, aviobj.KindPool, nil, func() any { return new(aviobj.Pool) },
		func(any, json.RawMessage) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("ListDecoded = %v, want fn's error", err)
	}
	if err := c.ListDecoded(ctx, aviobj.KindPool, nil, nil, func(any, json.RawMessage) error { return nil }); !errors.Is(err, client.ErrInvalidArgument) {
		t.Errorf("ListDecoded without newObj = %v, want ErrInvalidArgument", err)
	}
	// A page whose objects do not decode into the type is a DecodeError.
	var de *client.DecodeError
	if err := c.ListDecoded(ctx, aviobj.KindPool, nil, func() any { return new(string) },
		func(any, json.RawMessage) error { return nil }); !errors.As(err, &de) {
		t.Errorf("ListDecoded into strings = %v, want a *DecodeError", err)
	}
}

func TestContextCancellation(t *testing.T) {
	t.Run("deadline-during-request", func(t *testing.T) {
		hang := func(r avitest.Request) *avitest.Fault {
			if r.Kind != "" {
				return &avitest.Fault{Hang: true}
			}
			return nil
		}
		_, c := newClient(t, []avitest.Option{avitest.WithFault(hang)}, func(o *client.Options) { o.Timeout = time.Minute })
		cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := c.GetByName(cctx, aviobj.KindPool, "p", nil)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want DeadlineExceeded", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("took %v", d)
		}
	})
	t.Run("cancel-during-backoff", func(t *testing.T) {
		failed := make(chan struct{})
		var once sync.Once
		busy := func(r avitest.Request) *avitest.Fault {
			if r.Kind != "" {
				once.Do(func() { close(failed) })
				return &avitest.Fault{Status: 503}
			}
			return nil
		}
		_, c := newClient(t, []avitest.Option{avitest.WithFault(busy)}, func(o *client.Options) {
			o.Retry = client.RetryPolicy{MaxAttempts: 10, InitialBackoff: time.Hour, MaxBackoff: time.Hour}
		})
		cctx, cancel := context.WithCancel(ctx)
		done := make(chan error)
		go func() { done <- c.GetByName(cctx, aviobj.KindPool, "p", nil) }()
		<-failed // the first attempt failed; the client now waits an hour
		cancel()
		select {
		case err := <-done:
			if !errors.Is(err, context.Canceled) {
				t.Errorf("err = %v, want Canceled", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("cancel did not stop the backoff")
		}
	})
}

func TestTLSVerification(t *testing.T) {
	fake := avitest.New()
	defer fake.Close()
	base := client.Options{URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password())}
	t.Run("unknown-ca-fails-without-retry", func(t *testing.T) {
		c, err := client.New(base) // system roots: the fake's certificate is unknown
		if err != nil {
			t.Fatal(err)
		}
		err = c.Login(ctx)
		var verr *tls.CertificateVerificationError
		if !errors.As(err, &verr) {
			t.Fatalf("Login = %v, want a certificate verification error", err)
		}
		if strings.Contains(err.Error(), "giving up") {
			t.Errorf("a certificate error was retried: %v", err)
		}
	})
	t.Run("ca-pool", func(t *testing.T) {
		o := base
		o.CAPool = fake.CertPool()
		c, _ := client.New(o)
		if err := c.Login(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("insecure-opt-in", func(t *testing.T) {
		o := base
		o.InsecureSkipVerify = true
		c, _ := client.New(o)
		if err := c.Login(ctx); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("http-client", func(t *testing.T) {
		o := base
		o.HTTPClient = fake.HTTPClient()
		c, _ := client.New(o)
		if err := c.Login(ctx); err != nil {
			t.Fatal(err)
		}
	})
}

func TestErrors(t *testing.T) {
	fake, c := newClient(t, nil, nil)
	err := c.GetByName(ctx, aviobj.KindPool, "nope", nil)
	if !client.IsNotFound(err) || err.Error() != `pool "nope": not found` {
		t.Errorf("GetByName(absent) = %v", err)
	}
	err = c.Delete(ctx, aviobj.KindPool, "pool-nope")
	want := &client.Error{StatusCode: 404, Method: "DELETE", Path: "/api/pool/pool-nope", Message: "Pool object not found!"}
	var got *client.Error
	if !errors.As(err, &got) || !cmp.Equal(want, got) || !client.IsNotFound(err) {
		t.Errorf("Delete(absent) = %#v, want %#v", err, want)
	}
	if err.Error() != "DELETE /api/pool/pool-nope: status 404: Pool object not found!" {
		t.Errorf("Error() = %q", err.Error())
	}
	if err := c.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: "p"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: "p"}, nil); !client.IsConflict(err) {
		t.Errorf("duplicate Create = %v, want a conflict", err)
	}
	ps := aviobj.L4PolicySet{Name: "ps", L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{{
		Name: "r", Action: &aviobj.L4RuleAction{SelectPool: &aviobj.L4RuleActionSelectPool{
			ActionType: aviobj.ActionSelectPool, PoolRef: aviobj.RefByName(aviobj.KindPool, "p")}},
	}}}}
	if err := c.Create(ctx, aviobj.KindL4PolicySet, ps, nil); err != nil {
		t.Fatal(err)
	}
	err = c.Delete(ctx, aviobj.KindPool, uuidFromFake(t, fake, "pool", "p"))
	if !client.IsInUse(err) || !errors.Is(err, client.ErrForbidden) {
		t.Errorf("Delete(referenced) = %v, want ErrInUse", err)
	}
	if err := c.Create(ctx, aviobj.KindPool, map[string]any{"name": "q", "servers": []any{map[string]any{"colour": "red"}}}, nil); !errors.Is(err, client.ErrBadRequest) ||
		!strings.Contains(err.Error(), "colour: unknown field") {
		t.Errorf("Create(unknown field) = %v", err)
	}
}

func TestTenantsAndVersion(t *testing.T) {
	fake, c := newClient(t, []avitest.Option{avitest.WithTenants("t1")}, nil)
	t1 := c.WithTenant("t1")
	if err := t1.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: "p"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.GetByName(ctx, aviobj.KindPool, "p", nil); !client.IsNotFound(err) {
		t.Errorf("pool of t1 seen from admin: %v", err)
	}
	if err := t1.GetByName(ctx, aviobj.KindPool, "p", nil); err != nil {
		t.Errorf("pool of t1 not seen from t1: %v", err)
	}
	if err := c.WithTenant("nope").GetByName(ctx, aviobj.KindPool, "p", nil); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("unknown tenant: %v", err)
	}
	if fake.Logins() != 1 {
		t.Errorf("tenants do not share the session: %d logins", fake.Logins())
	}
	_, c2 := newClient(t, nil, func(o *client.Options) { o.Version = "99.0.0" })
	if err := c2.GetByName(ctx, aviobj.KindPool, "p", nil); !errors.Is(err, client.ErrBadRequest) {
		t.Errorf("too new a version: %v", err)
	}
}

func TestPasswordNeverPrinted(t *testing.T) {
	const secret = "hunter2-very-secret"
	var logs strings.Builder
	var mu sync.Mutex
	logger := funcr.New(func(prefix, args string) {
		mu.Lock()
		defer mu.Unlock()
		logs.WriteString(prefix + " " + args + "\n")
	}, funcr.Options{Verbosity: 10})
	fake := avitest.New(avitest.WithUsers(map[string]string{"admin": secret}))
	defer fake.Close()
	opts := client.Options{URL: fake.URL(), Username: "admin", Password: secret, CAPool: fake.CertPool(), Logger: logger}
	c, err := client.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: "p"}, nil); err != nil {
		t.Fatal(err)
	}
	fake.ExpireSessions()
	_ = c.GetByName(ctx, aviobj.KindPool, "p", nil)
	bad := opts
	bad.Password = secret + "x"
	badClient, _ := client.New(bad)
	loginErr := badClient.Login(ctx)
	jsonOpts, _ := json.Marshal(opts)
	logger.Info("options", "opts", opts, "password", opts.Password)
	var printed []string
	for _, v := range []any{opts, &opts, opts.Password, c, *c, loginErr} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			printed = append(printed, fmt.Sprintf(verb, v))
		}
	}
	printed = append(printed, string(jsonOpts), opts.Password.String(), logs.String())
	for _, p := range printed {
		if strings.Contains(p, secret) || strings.Contains(p, fmt.Sprintf("%x", secret)) {
			t.Errorf("the password leaked: %s", p)
		}
	}
	if !strings.Contains(logs.String(), "logged in") || !strings.Contains(logs.String(), "[redacted]") {
		t.Errorf("expected login and redacted lines in the log:\n%s", logs.String())
	}
	if fmt.Sprint(client.Password("")) != "" {
		t.Errorf("an empty password should print empty")
	}
}

func TestVersionNegotiation(t *testing.T) {
	tests := []struct {
		name, fake, fixed, edition string
		wantAPI, wantEdition       string
	}{
		{"older controller: its own version", "21.1.4", "", "", "21.1.4", client.EditionEnterprise},
		{"same as avil4", client.MaxVersion, "", "ESSENTIALS", client.MaxVersion, client.EditionEssentials},
		{"newer controller: capped", "31.1.1", "", "BASIC", client.MaxVersion, client.EditionBasic},
		{"Options.Version wins", "31.1.1", "22.1.3", "", "22.1.3", client.EditionEnterprise},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c := newClient(t, []avitest.Option{avitest.WithVersion(tt.fake), avitest.WithEdition(tt.edition)},
				func(o *client.Options) { o.Version = tt.fixed })
			info, err := c.Controller(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := client.Info{Version: tt.fake, APIVersion: tt.wantAPI, Edition: tt.wantEdition}
			if info != want {
				t.Errorf("Controller() = %+v, want %+v", info, want)
			}
			// Both come with the login reply: no extra request.
			if n := fake.Calls().Total(); n != 0 {
				t.Errorf("%d API calls to learn the controller, want 0", n)
			}
			if c.Version() != tt.wantAPI {
				t.Errorf("Version() = %q, want %q", c.Version(), tt.wantAPI)
			}
		})
	}
}
