package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// exchange is one recorded request and its reply.
type exchange struct {
	file, method, path string // path with its query
	status             int
	header             http.Header
	body               []byte
}

// recordingsDir is where the recorded controller exchanges are:
// $AVIL4_RECORDINGS_DIR, else ../shared/avi-recordings beside the clone.
func recordingsDir() string {
	if d := os.Getenv("AVIL4_RECORDINGS_DIR"); d != "" {
		return d
	}
	return filepath.Join("..", "..", "shared", "avi-recordings")
}

var (
	recordingsOnce sync.Once
	recorded       []exchange
	recordingsErr  error
)

// recordings reads every exchange of recordingsDir once. An absent
// directory returns no exchanges and a message saying how to get them.
func recordings() ([]exchange, string, error) {
	dir := recordingsDir()
	recordingsOnce.Do(func() { recorded, recordingsErr = readRecordings(dir) })
	if recordingsErr == nil && len(recorded) == 0 {
		return nil, "no recorded controller exchanges in " + dir +
			" (the shared reference folder beside the clone); set AVIL4_RECORDINGS_DIR to a copy of avi-recordings to use them", nil
	}
	return recorded, "", recordingsErr
}

func readRecordings(dir string) ([]exchange, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		return nil, err
	}
	sort.Strings(files)
	var out []exchange
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var rec struct {
			Interactions []struct {
				Request struct {
					Method string `json:"method"`
					URI    string `json:"uri"`
				} `json:"request"`
				Response struct {
					Status struct {
						Code int `json:"code"`
					} `json:"status"`
					Headers map[string][]string `json:"headers"`
					Body    struct {
						String string `json:"string"`
					} `json:"body"`
				} `json:"response"`
			} `json:"interactions"`
		}
		if err := json.Unmarshal(data, &rec); err != nil {
			return nil, err
		}
		for _, in := range rec.Interactions {
			u, err := url.Parse(in.Request.URI)
			if err != nil {
				return nil, err
			}
			h := http.Header{}
			for k, vs := range in.Response.Headers {
				for _, v := range vs {
					h.Add(k, v)
				}
			}
			out = append(out, exchange{file: filepath.Base(f), method: in.Request.Method, path: u.RequestURI(),
				status: in.Response.Status.Code, header: h, body: []byte(in.Response.Body.String)})
		}
	}
	return out, nil
}

// isList reports whether an exchange is a GET of a collection.
func (e exchange) isList() bool {
	p, _, _ := strings.Cut(e.path, "?")
	return e.method == http.MethodGet && strings.Count(strings.Trim(p, "/"), "/") == 1 && strings.HasPrefix(p, "/api/")
}

// kind is the object type of an /api/ exchange.
func (e exchange) kind() string {
	p, _, _ := strings.Cut(e.path, "?")
	parts := strings.Split(strings.Trim(p, "/"), "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// TestDecodeRecordings decodes every reply a real 20.1.1 controller gave:
// logins yield the session cookies and the version, the CSRF 401 its plain
// text, objects and list pages decode.
func TestDecodeRecordings(t *testing.T) {
	exchanges, skip, err := recordings()
	if err != nil {
		t.Fatal(err)
	}
	if skip != "" {
		t.Skip(skip)
	}
	seen := map[string]int{}
	for _, e := range exchanges {
		switch {
		case e.path == "/login":
			seen["login"]++
			r, err := decodeLogin(e.status, e.header, e.body)
			if err != nil || r.csrf == "" || r.sid == "" || r.version != "20.1.1" {
				t.Errorf("%s: login: %+v, %v; want cookies and version 20.1.1", e.file, r, err)
			}
		case e.status == http.StatusUnauthorized:
			seen["csrf"]++
			err := decodeReply(e.method, e.path, e.status, e.header, e.body, nil)
			want := &Error{StatusCode: 401, Method: e.method, Path: e.path, Message: "CSRF token missing or incorrect."}
			var got *Error
			if !errors.As(err, &got) || !cmp.Equal(want, got) || !errors.Is(err, ErrUnauthorized) {
				t.Errorf("%s: %s %s: %v, want %v", e.file, e.method, e.path, err, want)
			}
		case e.isList():
			seen["list"]++
			var page listPage
			if err := decodeReply(e.method, e.path, e.status, e.header, e.body, &page); err != nil {
				t.Errorf("%s: %s %s: %v", e.file, e.method, e.path, err)
			} else if page.Count != len(page.Results) {
				t.Errorf("%s: %s %s: count %d, %d results", e.file, e.method, e.path, page.Count, len(page.Results))
			}
		default:
			seen["object"]++
			var obj map[string]any
			err := decodeReply(e.method, e.path, e.status, e.header, e.body, &obj)
			empty := len(strings.TrimSpace(string(e.body))) == 0 // 204, and the 200 of a password change
			if err != nil || empty && obj != nil || !empty && obj["uuid"] == nil {
				t.Errorf("%s: %s %s: %v (status %d, %d fields)", e.file, e.method, e.path, err, e.status, len(obj))
			}
		}
	}
	for _, k := range []string{"login", "csrf", "list", "object"} {
		if seen[k] == 0 {
			t.Errorf("no %s exchange among the recordings: %v", k, seen)
		}
	}
}

func TestErrorMessage(t *testing.T) {
	html := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	tests := []struct {
		name   string
		header http.Header
		body   string
		want   string
	}{
		{"json-error", nil, `{"error": "Pool object not found!"}`, "Pool object not found!"},
		{"json-detail", nil, `{"detail": "Authentication credentials were not provided."}`, "Authentication credentials were not provided."},
		{"json-error-object", nil, `{"error": {"field": ["bad"]}}`, `{"field":["bad"]}`},
		{"json-error-null", nil, `{"error": null, "detail": "d"}`, "d"},
		{"json-without-error", nil, `{"count": 0}`, `{"count": 0}`},
		{"plain-csrf", nil, "CSRF token missing or incorrect.\n", "CSRF token missing or incorrect."},
		{"html-with-title", html, "<html><head><TITLE>502 Bad\nGateway</TITLE></head><body>nginx</body></html>",
			`HTML page "502 Bad Gateway" instead of an API reply (a proxy in between?)`},
		{"html-by-first-byte", nil, "<!DOCTYPE html><p>Login</p>", "HTML page instead of an API reply (a proxy in between?)"},
		{"control-characters", nil, "bad\x1b[31m\r\nthing\u202e", "bad [31m thing"},
		{"invalid-utf8", nil, "a\xffb", "a\uFFFDb"},
		{"empty", nil, "", ""},
		{"long", nil, strings.Repeat("é", 1000), strings.Repeat("é", 512) + "..."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := errorMessage(tc.header, []byte(tc.body))
			if got != tc.want {
				t.Errorf("errorMessage(%q) = %q, want %q", tc.body, got, tc.want)
			}
			checkOneLine(t, got)
		})
	}
}

// checkOneLine fails unless s is one line of valid UTF-8 without control
// characters, at most maxMessage bytes plus the "..." of a cut.
func checkOneLine(t testing.TB, s string) {
	t.Helper()
	if !utf8.ValidString(s) || strings.ContainsFunc(s, unicode.IsControl) || len(s) > maxMessage+len("...") {
		t.Errorf("%q: want one line of valid UTF-8 of at most %d bytes", s, maxMessage)
	}
}

func TestDecodeLogin(t *testing.T) {
	cookies := func(vs ...string) http.Header { return http.Header{"Set-Cookie": vs} }
	const body = `{"version": {"Version": "22.1.3"}}`
	tests := []struct {
		name    string
		status  int
		header  http.Header
		body    string
		want    loginResult
		wantErr any // nil, *Error or *DecodeError
	}{
		{"ok", 200, cookies("csrftoken=c1; Path=/", "sessionid=s1; HttpOnly"), body, loginResult{"c1", "s1", "22.1.3"}, nil},
		{"avi-sessionid", 200, cookies("csrftoken=c1", "avi-sessionid=s2"), body, loginResult{"c1", "s2", "22.1.3"}, nil},
		{"no-version", 200, cookies("csrftoken=c1", "sessionid=s1"), `<html>`, loginResult{"c1", "s1", ""}, nil},
		{"version-not-a-string", 200, cookies("csrftoken=c1", "sessionid=s1"), `{"version": {"Version": 22}}`, loginResult{"c1", "s1", ""}, nil},
		{"bad-version", 200, cookies("csrftoken=c1", "sessionid=s1"), `{"version": {"Version": "22.1\r\nX: y"}}`, loginResult{}, &DecodeError{}},
		{"no-csrf", 200, cookies("sessionid=s1"), body, loginResult{}, &DecodeError{}},
		{"no-session", 200, cookies("csrftoken=c1"), body, loginResult{}, &DecodeError{}},
		{"quoted-cookie", 200, cookies(`csrftoken="c1"`, "sessionid=s1"), body, loginResult{"c1", "s1", "22.1.3"}, nil},
		{"bad-credentials", 401, nil, `{"error": "Invalid credentials"}`, loginResult{}, &Error{}},
		{"proxy-page", 502, http.Header{"Content-Type": {"text/html"}}, `<title>Bad Gateway</title>`, loginResult{}, &Error{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeLogin(tc.status, tc.header, []byte(tc.body))
			if got != tc.want {
				t.Errorf("decodeLogin = %+v, want %+v", got, tc.want)
			}
			switch tc.wantErr.(type) {
			case nil:
				if err != nil {
					t.Errorf("err = %v, want nil", err)
				}
			case *Error:
				if !errors.As(err, new(*Error)) {
					t.Errorf("err = %v, want an *Error", err)
				}
			case *DecodeError:
				if !errors.As(err, new(*DecodeError)) {
					t.Errorf("err = %v, want a *DecodeError", err)
				}
			}
		})
	}
}

func TestNextPage(t *testing.T) {
	tests := []struct {
		next     string
		wantPath string
		wantErr  bool
	}{
		{"https://avi/api/pool?page=2&page_size=200", "/api/pool", false},
		{"https://elsewhere.example.com/api/pool/?page=2", "/api/pool/", false}, // the host is ignored
		{"/api/pool?page=2", "/api/pool", false},
		{"https://avi/api/tenant?page=2", "", true},
		{"https://avi/api/pool/pool-1", "", true},
		{"https://avi/login", "", true},
		{"https://avi/api/pool?page=%zz", "", true},
		{"%", "", true},
	}
	for _, tc := range tests {
		path, _, err := nextPage("pool", tc.next)
		if path != tc.wantPath || (err != nil) != tc.wantErr {
			t.Errorf("nextPage(%q) = %q, %v; want %q, error %v", tc.next, path, err, tc.wantPath, tc.wantErr)
		}
	}
}

// pages is an http.RoundTripper serving /login and then, per request path
// with query, a scripted list reply; it records the hosts asked.
type pages struct {
	mu      sync.Mutex
	replies map[string]string // RequestURI -> body
	hosts   []string
}

func (p *pages) RoundTrip(req *http.Request) (*http.Response, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if req.URL.Path == "/login" {
		return scripted{}.RoundTrip(req)
	}
	p.hosts = append(p.hosts, req.URL.Host)
	body, ok := p.replies[req.URL.Path+"?"+req.URL.Query().Encode()]
	status := http.StatusOK
	if !ok {
		status, body = http.StatusNotFound, `{"error": "no such page in the script"}`
	}
	return &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: req}, nil
}

// TestMisbehavingController checks that replies a controller (or what is in
// front of it) should not give are reported as *DecodeError, not followed.
func TestMisbehavingController(t *testing.T) {
	first := "/api/pool?include_name=true&page_size=200"
	byName := "/api/pool?include_name=true&name=p"
	tests := []struct {
		name      string
		replies   map[string]string
		call      func(*Client) error
		wantErr   bool
		wantHosts int
	}{
		{"next-on-another-host-is-read-here", map[string]string{
			first: `{"count": 2, "results": [{"name": "a"}], "next": "https://evil.example.com/api/pool?page=2&page_size=200&include_name=true"}`,
			"/api/pool?include_name=true&page=2&page_size=200": `{"count": 2, "results": [{"name": "b"}]}`,
		}, listAll, false, 2},
		{"next-leaves-the-collection", map[string]string{
			first: `{"count": 2, "results": [{"name": "a"}], "next": "https://avi/api/tenant?page=2"}`,
		}, listAll, true, 1},
		{"next-repeats-the-page", map[string]string{
			first: `{"count": 2, "results": [{"name": "a"}], "next": "https://avi` + first + `"}`,
		}, listAll, true, 1},
		{"html-instead-of-json", map[string]string{first: `<html><title>Sign in</title></html>`}, listAll, true, 1},
		{"get-by-name-answers-another-name", map[string]string{byName: `{"count": 1, "results": [{"name": "other"}]}`},
			func(c *Client) error { return c.GetByName(context.Background(), "pool", "p", nil) }, true, 1},
		{"get-by-name-picks-the-exact-name", map[string]string{byName: `{"count": 2, "results": [{"name": "P"}, {"name": "p", "uuid": "pool-2"}]}`},
			func(c *Client) error {
				var o struct{ UUID string }
				if err := c.GetByName(context.Background(), "pool", "p", &o); err != nil || o.UUID != "pool-2" {
					return fmt.Errorf("got %+v, %w", o, err)
				}
				return nil
			}, false, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &pages{replies: tc.replies}
			c, err := New(Options{URL: "https://avi.example.com", Username: "u", Password: "p",
				HTTPClient: &http.Client{Transport: p}, Retry: RetryPolicy{MaxAttempts: 1}})
			if err != nil {
				t.Fatal(err)
			}
			err = tc.call(c)
			if tc.wantErr != (err != nil) || err != nil && !errors.As(err, new(*DecodeError)) {
				t.Errorf("err = %v, want a *DecodeError: %v", err, tc.wantErr)
			}
			if len(p.hosts) != tc.wantHosts {
				t.Errorf("%d request(s), want %d", len(p.hosts), tc.wantHosts)
			}
			for _, h := range p.hosts {
				if h != "avi.example.com" {
					t.Errorf("a request went to %s", h)
				}
			}
		})
	}
}

func listAll(c *Client) error {
	return c.List(context.Background(), "pool", nil, func(json.RawMessage) error { return nil })
}

// TestReadBody reads the same body sent with a Content-Length, chunked,
// and empty.
func TestReadBody(t *testing.T) {
	body := bytes.Repeat([]byte(`{"name":"pool"},`), 40000) // 640 KB
	for _, tc := range []struct {
		name  string
		send  []byte
		sized bool
	}{{"sized", body, true}, {"chunked", body, false}, {"empty", nil, true}} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.sized {
					w.Header().Set("Content-Length", strconv.Itoa(len(tc.send)))
				}
				for rest := tc.send; len(rest) > 0; {
					n := min(len(rest), 1000)
					_, _ = w.Write(rest[:n])
					rest = rest[n:]
					if !tc.sized {
						w.(http.Flusher).Flush()
					}
				}
			}))
			defer srv.Close()
			resp, err := http.Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if chunked := len(resp.TransferEncoding) > 0; chunked == tc.sized {
				t.Fatalf("transfer encoding %v, want sized %v", resp.TransferEncoding, tc.sized)
			}
			got, err := readBody(resp, nil)
			if err != nil || !bytes.Equal(got, tc.send) {
				t.Errorf("readBody: %d bytes, %v; want %d", len(got), err, len(tc.send))
			}
		})
	}
}
