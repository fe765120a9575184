package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/jsonscan"
)

// Seeds besides the recordings: what a controller, or something in front
// of it, may answer.
var (
	seedHTML      = []byte("<!DOCTYPE html>\n<html><head><title>503 Service Unavailable</title></head><body><h1>nginx</h1></body></html>")
	seedCSRF      = []byte("CSRF token missing or incorrect.")
	seedNotFound  = []byte(`{"error": "Pool object not found!"}`)
	seedInUse     = []byte(`{"error": "Cannot delete, object is referred by: ['VirtualService v']", "obj_name": "p"}`)
	seedNested    = []byte(`{"error": {"name": ["This field is required."]}}`)
	seedPage      = []byte(`{"count": 3, "results": [{"name": "p", "uuid": "pool-1"}, {"name": "q"}], "next": "https://avi/api/pool?page=2&page_size=2"}`)
	seedLastPage  = []byte(`{"count": 3, "results": [{"name": "r", "uuid": "pool-3"}]}`)
	seedEmptyPage = []byte(`{"count": 0, "results": []}`)
	seedObject    = []byte(`{"name": "p", "uuid": "pool-1", "url": "https://avi/api/pool/pool-1#p", "enabled": true, "servers": [{"ip": {"addr": "10.0.0.1", "type": "V4"}, "port": 80}]}`)
	seedLogin     = []byte(`{"user_initialized": true, "version": {"Version": "22.1.3", "build": 9046}, "session_cookie_name": "avi-sessionid"}`)
	seedCookies   = "csrftoken=c1; Path=/; Secure\nsessionid=s1; HttpOnly; Secure\navi-sessionid=s1; HttpOnly"
)

// typedError reports whether err is one of the package's reply errors: an
// *Error, a *DecodeError, or ErrNotFound of GetByName.
func typedError(err error) bool {
	var e *Error
	var d *DecodeError
	return errors.As(err, &e) || errors.As(err, &d) || errors.Is(err, ErrNotFound)
}

// checkReplyError fails unless err is nil or a typed reply error whose text
// is safe to log.
func checkReplyError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if !typedError(err) {
		t.Fatalf("err %T %v is not a typed error of the package", err, err)
	}
	if strings.ContainsFunc(err.Error(), unicode.IsControl) {
		t.Fatalf("err %q holds control characters", err.Error())
	}
	var e *Error
	if errors.As(err, &e) {
		checkOneLine(t, e.Message)
		b, jerr := json.Marshal(e)
		var back Error
		if jerr != nil || json.Unmarshal(b, &back) != nil || back != *e {
			t.Fatalf("*Error %+v does not round-trip through JSON: %s, %v", e, b, jerr)
		}
	}
	var d *DecodeError
	if errors.As(err, &d) {
		checkOneLine(t, d.Reason)
	}
}

// roundTrip fails unless v survives JSON encoding and decoding unchanged.
func roundTrip[T any](t *testing.T, v T, opts ...cmp.Option) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("re-encoding %#v: %v", v, err)
	}
	var back T
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("decoding the re-encoded %s: %v", b, err)
	}
	if diff := cmp.Diff(v, back, opts...); diff != "" {
		t.Fatalf("the decoded reply does not round-trip (-decoded +again):\n%s", diff)
	}
}

// addRecordings adds the recorded exchanges that pick selects to f's corpus.
func addRecordings(f *testing.F, pick func(exchange) bool, add func(exchange)) {
	exchanges, skip, err := recordings()
	if err != nil {
		f.Fatal(err)
	}
	if skip != "" {
		f.Log(skip)
		return
	}
	for _, e := range exchanges {
		if pick(e) {
			add(e)
		}
	}
}

// FuzzDecodeReply decodes any reply as an API call does: a single object,
// a generic JSON value, or an error body (JSON {"error": ...}, the
// plain-text CSRF 401, an HTML page from a proxy).
func FuzzDecodeReply(f *testing.F) {
	for _, s := range []struct {
		status int
		ctype  string
		body   []byte
	}{
		{200, "application/json", seedObject},
		{201, "application/json", seedObject},
		{204, "", nil},
		{404, "application/json", seedNotFound},
		{403, "application/json", seedInUse},
		{400, "application/json", seedNested},
		{401, "application/json", seedCSRF},
		{502, "text/html", seedHTML},
		{200, "text/html", seedHTML},
		{302, "text/html", []byte(`<a href="/login">Found</a>`)},
		{200, "application/json", []byte(`{"name": 1}`)},
		{419, "", []byte("\x1b[2J\xff")},
	} {
		f.Add(s.status, s.ctype, s.body)
	}
	addRecordings(f, func(exchange) bool { return true }, func(e exchange) {
		f.Add(e.status, e.header.Get("Content-Type"), e.body)
	})
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		hdr := http.Header{"Content-Type": {ctype}}
		var generic any
		err := decodeReply(http.MethodGet, "/api/pool/pool-1", status, hdr, body, &generic)
		checkReplyError(t, err)
		ok2xx := status >= 200 && status <= 299
		if ok2xx != !errors.As(err, new(*Error)) {
			t.Fatalf("status %d gave %v: want an *Error exactly for non-2xx", status, err)
		}
		if err == nil {
			roundTrip(t, generic)
		}
		var pool aviobj.Pool
		err = decodeReply(http.MethodGet, "/api/pool/pool-1", status, hdr, body, &pool)
		checkReplyError(t, err)
		if err == nil {
			roundTrip(t, pool, cmpopts.EquateEmpty())
		}
	})
}

// FuzzDecodeListPage decodes a list reply (count, results, next) and its
// next link as List does.
func FuzzDecodeListPage(f *testing.F) {
	for _, b := range [][]byte{seedPage, seedLastPage, seedEmptyPage, seedObject,
		[]byte(`{"results": null, "next": "/api/pool/?page=2"}`),
		[]byte(`{"count": 1, "results": [null, 1, "x"], "next": "https://avi/api/tenant?page=2"}`),
		[]byte(`{"count": "1", "results": {}}`)} {
		f.Add("pool", b)
	}
	addRecordings(f, exchange.isList, func(e exchange) { f.Add(e.kind(), e.body) })
	f.Fuzz(func(t *testing.T, kind string, body []byte) {
		if checkKind(aviobj.Kind(kind)) != nil {
			return // List refuses it before any reply
		}
		var page listPage
		err := decodeReply(http.MethodGet, collectionPath(aviobj.Kind(kind)), http.StatusOK, nil, body, &page)
		checkReplyError(t, err)
		if err != nil {
			return
		}
		for _, raw := range page.Results {
			if !json.Valid(raw) {
				t.Fatalf("result %q handed to the callback is not JSON", raw)
			}
		}
		// The page round-trips, comparing results by value (re-encoding
		// compacts them).
		b, err := json.Marshal(page)
		if err != nil {
			t.Fatal(err)
		}
		var back listPage
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(page, back, cmp.Comparer(func(a, b json.RawMessage) bool {
			var va, vb any
			return json.Unmarshal(a, &va) == nil && json.Unmarshal(b, &vb) == nil && cmp.Equal(va, vb)
		})); diff != "" {
			t.Fatalf("page does not round-trip:\n%s", diff)
		}
		if page.Next == "" {
			return
		}
		path, q, err := nextPage(aviobj.Kind(kind), page.Next)
		if err != nil {
			return
		}
		if strings.TrimSuffix(path, "/") != collectionPath(aviobj.Kind(kind)) {
			t.Fatalf("next link %q followed to %q, outside the collection", page.Next, path)
		}
		// The request List sends for it reads back as the same page.
		again, q2, err := nextPage(aviobj.Kind(kind), "https://avi"+path+"?"+q.Encode())
		if err != nil || again != path || q2.Encode() != q.Encode() {
			t.Fatalf("the next request %s?%s reads back as %s?%s, %v", path, q.Encode(), again, q2.Encode(), err)
		}
	})
}

// FuzzDecodeLogin decodes /login replies: status, Set-Cookie headers (one
// per line) and body.
func FuzzDecodeLogin(f *testing.F) {
	f.Add(200, seedCookies, seedLogin)
	f.Add(200, "csrftoken=c1\navi-sessionid=s1", []byte(`{}`))
	f.Add(200, "csrftoken=c1", seedLogin)
	f.Add(200, "csrftoken=\"c 1\"\nsessionid=s1", seedLogin)
	f.Add(401, "", []byte(`{"error": "Invalid credentials"}`))
	f.Add(502, "", seedHTML)
	f.Add(200, seedCookies, []byte(`{"version": {"Version": "1\r\n2"}}`))
	addRecordings(f, func(e exchange) bool { return e.path == "/login" }, func(e exchange) {
		f.Add(e.status, strings.Join(e.header.Values("Set-Cookie"), "\n"), e.body)
	})
	f.Fuzz(func(t *testing.T, status int, setCookies string, body []byte) {
		hdr := http.Header{}
		for _, c := range strings.Split(setCookies, "\n") {
			hdr.Add("Set-Cookie", c)
		}
		r, err := decodeLogin(status, hdr, body)
		checkReplyError(t, err)
		if err != nil {
			if r != (loginResult{}) {
				t.Fatalf("failed login kept %+v", r)
			}
			return
		}
		if !cookieOctets(r.csrf) || !cookieOctets(r.sid) || versionProblem(r.version) != "" {
			t.Fatalf("login kept unsendable values %+v", r)
		}
		// What was kept reads back the same from a reply made of it.
		version, _ := json.Marshal(r.version)
		again, err := decodeLogin(http.StatusOK, http.Header{"Set-Cookie": {"csrftoken=" + r.csrf, "sessionid=" + r.sid}},
			[]byte(`{"version": {"Version": `+string(version)+`}}`))
		if err != nil || again != r {
			t.Fatalf("login result %+v does not round-trip: %+v, %v", r, again, err)
		}
	})
}

// scripted is an http.RoundTripper answering /login with a valid session
// and every other request with one fixed reply.
type scripted struct {
	status int
	header http.Header
	body   []byte
}

func (s scripted) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	resp := &http.Response{StatusCode: s.status, Header: s.header.Clone(), Body: io.NopCloser(bytes.NewReader(s.body)), Request: req}
	if req.URL.Path == "/login" {
		resp = &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Set-Cookie": strings.Split(seedCookies, "\n")},
			Body: io.NopCloser(bytes.NewReader(seedLogin)), Request: req}
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	return resp, nil
}

// scriptedClient is a Client whose controller always gives reply.
func scriptedClient(t testing.TB, reply scripted) *Client {
	t.Helper()
	c, err := New(Options{URL: "https://avi.example.com", Username: "admin", Password: "p",
		HTTPClient: &http.Client{Transport: reply},
		Retry:      RetryPolicy{MaxAttempts: 1}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// FuzzDecodeClientReply runs the exported calls against a controller giving
// any reply: no panic, and every error is a typed error of the package.
func FuzzDecodeClientReply(f *testing.F) {
	f.Add(200, "application/json", seedPage)
	f.Add(200, "application/json", seedObject)
	f.Add(201, "application/json", seedObject)
	f.Add(401, "application/json", seedCSRF)
	f.Add(503, "text/html", seedHTML)
	f.Add(404, "application/json", seedNotFound)
	addRecordings(f, func(e exchange) bool { return e.path != "/login" }, func(e exchange) {
		f.Add(e.status, e.header.Get("Content-Type"), e.body)
	})
	f.Fuzz(func(t *testing.T, status int, ctype string, body []byte) {
		if status < 100 || status > 999 {
			return // net/http refuses such a status line before the client sees it
		}
		c := scriptedClient(t, scripted{status: status, header: http.Header{"Content-Type": {ctype}}, body: body})
		ctx := context.Background()
		var pool aviobj.Pool
		checkReplyError(t, c.Get(ctx, aviobj.KindPool, "pool-1", &pool))
		checkReplyError(t, c.GetByName(ctx, aviobj.KindPool, "p", &pool))
		checkReplyError(t, c.List(ctx, aviobj.KindPool, nil, func(json.RawMessage) error { return nil }))
		checkReplyError(t, c.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: "p"}, &pool))
		checkReplyError(t, c.Delete(ctx, aviobj.KindPool, "pool-1"))
	})
}

// FuzzDecodedPage checks that ListDecoded's one-pass page reader accepts
// exactly the replies List's json.Unmarshal (into listPage, then each
// result into its type) accepts, and reads the same next link, the same
// objects and the very bytes of each result.
func FuzzDecodedPage(f *testing.F) {
	for _, b := range [][]byte{seedPage, seedLastPage, seedEmptyPage, seedObject,
		[]byte(`null`), []byte(` {"RESULTS": [{"name": "a"}], "Next": "x", "count": null} `),
		[]byte(`{"results": [{"name": "a"}], "results": null}`),
		[]byte(`{"results": [{"name": 1}]}`), []byte(`{"results": [{"name": "a"}]} x`),
		[]byte(`{"results": null, "next": "/api/pool/?page=2"}`),
		[]byte(`{"count": 1, "results": [null, {"servers": [{"port": 80}]}], "other": {"a": [1]}}`),
		[]byte(`{"count": "1", "results": {}}`)} {
		f.Add(b)
	}
	addRecordings(f, exchange.isList, func(e exchange) { f.Add(e.body) })
	f.Fuzz(func(t *testing.T, body []byte) {
		var (
			ref     listPage
			refObjs []*aviobj.Pool
		)
		refErr := json.Unmarshal(body, &ref)
		for _, raw := range ref.Results {
			if refErr != nil {
				break
			}
			p := new(aviobj.Pool)
			refErr = json.Unmarshal(raw, p)
			refObjs = append(refObjs, p)
		}
		// The first read scans the page; the second, of a copy in another
		// buffer (with spare capacity), is answered by the page memo, which
		// must remember exactly the pages that read without error.
		memo := newPageMemo()
		for pass, what := range []string{"scanned", "remembered"} {
			in := append(make([]byte, 0, len(body)+pass+3), body...)
			got := decodedPage{newObj: func() any { return new(aviobj.Pool) }, memo: memo}
			err := got.decodeBody(in)
			if (err != nil) != (refErr != nil) {
				t.Fatalf("decodeBody(%q), %s = %v, json.Unmarshal = %v", body, what, err, refErr)
			}
			// Splitting is what the memo remembers; objects that do not
			// decode into the type asked for fail again on every read.
			splitErr := (&decodedPage{}).split(body)
			if _, ok := memo.get(memo.key(body)); ok != (splitErr == nil) {
				t.Fatalf("decodeBody(%q) = %v, split = %v, and the page memo has it: %v", body, err, splitErr, ok)
			}
			if err != nil {
				return
			}
			if got.next != ref.Next || got.count != ref.Count {
				t.Errorf("%s: next, count = %q, %d; json.Unmarshal: %q, %d", what, got.next, got.count, ref.Next, ref.Count)
			}
			var gotObjs []*aviobj.Pool
			for _, o := range got.objs {
				gotObjs = append(gotObjs, o.(*aviobj.Pool))
			}
			if diff := cmp.Diff(refObjs, gotObjs, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: objects (-json.Unmarshal +decodeBody):\n%s", what, diff)
			}
			if len(got.raws) != len(ref.Results) {
				t.Fatalf("%s: %d raw results, json.Unmarshal has %d", what, len(got.raws), len(ref.Results))
			}
			for i, raw := range got.raws {
				if !bytes.Equal(raw, ref.Results[i]) {
					t.Errorf("%s: raw result %d = %q, json.Unmarshal: %q", what, i, raw, ref.Results[i])
				}
				if len(raw) > 0 && cap(in)-cap(raw) < 0 || cap(raw) > cap(in) || len(raw) > 0 && &raw[0] != &in[cap(in)-cap(raw)] {
					t.Errorf("%s: raw result %d is not a sub-slice of the body", what, i)
				}
			}
		}
	})
}

// FuzzScanValue checks that jsonscan.Value accepts exactly what json.Valid
// accepts (one value, whitespace around it) and ends a value where it ends.
func FuzzScanValue(f *testing.F) {
	for _, s := range []string{`{"a": [1, -0.5e+3, "x\u00e9\n", true, false, null]}`, `[]`, `{}`, `"\q"`, `01`, `1.`,
		`-`, `[1,]`, `{"a" 1}`, `{"a":1,}`, "\"\x01\"", ` 1 `, `1 2`, `tru`, `nul`, `"\ud800"`, `[[[[]]]]`,
		strings.Repeat("[", jsonscan.MaxDepth) + strings.Repeat("]", jsonscan.MaxDepth),
		strings.Repeat("[", jsonscan.MaxDepth+1) + strings.Repeat("]", jsonscan.MaxDepth+1),
		strings.Repeat(`{"a":`, jsonscan.MaxDepth+1) + "1" + strings.Repeat("}", jsonscan.MaxDepth+1)} {
		f.Add([]byte(s))
	}
	addRecordings(f, exchange.isList, func(e exchange) { f.Add(e.body) })
	f.Fuzz(func(t *testing.T, b []byte) {
		i := jsonscan.SkipSpace(b, 0)
		end, err := jsonscan.Value(b, i, 0)
		ok := err == nil && jsonscan.SkipSpace(b, end) == len(b)
		if ok != json.Valid(b) {
			t.Fatalf("jsonscan.Value(%q): end %d, err %v; json.Valid = %v", b, end, err, json.Valid(b))
		}
		if ok {
			var raw json.RawMessage
			if err := json.Unmarshal(b, &raw); err != nil || !bytes.Equal(raw, b[i:end]) {
				t.Fatalf("jsonscan.Value(%q) spans %q, json.Unmarshal: %q (%v)", b, b[i:end], raw, err)
			}
		}
	})
}

// BenchmarkScanValue scans a list page of 200 pools (about 1.2 KB each)
// and a 1 MB string of escapes: bytes per second, the same order for both
// (one pass, whatever the input).
func BenchmarkScanValue(b *testing.B) {
	pool := `{"name":"c1--ns-0-svc-00000-TCP-1000","url":"https://127.0.0.1:39775/api/pool/pool-f9987662-ae2f-4c22-97af-6b7b49f10c36#c1--ns-0-svc-00000-TCP-1000","enabled":true,"servers":[` +
		strings.Repeat(`{"enabled":true,"hostname":"10.128.0.0","ip":{"addr":"10.128.0.0","type":"V4"},"port":9000,"ratio":1},`, 9) +
		`{"enabled":true,"hostname":"10.128.0.9","ip":{"addr":"10.128.0.9","type":"V4"},"port":9000,"ratio":1}],"lb_algorithm":"LB_ALGORITHM_LEAST_CONNECTIONS"}`
	page := []byte(`{"count":200,"results":[` + strings.Repeat(pool+",", 199) + pool + `]}`)
	escapes := []byte(`"` + strings.Repeat(`\n`, 512<<10) + `"`)
	for _, tc := range []struct {
		name string
		in   []byte
	}{{"page", page}, {"escapes", escapes}} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.in)))
			for b.Loop() {
				if _, err := jsonscan.Value(tc.in, 0, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
