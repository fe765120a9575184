package avitest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/avitest"
)

// raw is a hand-rolled session, to test the protocol itself.
type raw struct {
	t    *testing.T
	s    *avitest.Server
	hc   *http.Client
	csrf string
	sid  string
	// version is the X-Avi-Version sent ("" means 20.1.1).
	version string
}

func login(t *testing.T, s *avitest.Server) *raw {
	t.Helper()
	r := &raw{t: t, s: s, hc: s.HTTPClient()}
	resp, err := r.hc.Post(s.URL()+"/login", "application/json",
		strings.NewReader(`{"username":"`+s.Username()+`","password":"`+s.Password()+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("login: %s", resp.Status)
	}
	cookies := map[string]*http.Cookie{}
	for _, c := range resp.Cookies() {
		cookies[c.Name] = c
	}
	for _, name := range []string{"csrftoken", "sessionid", "avi-sessionid"} {
		if cookies[name] == nil || !cookies[name].Secure {
			t.Fatalf("login reply lacks secure cookie %s: %v", name, resp.Cookies())
		}
	}
	if !cookies["sessionid"].HttpOnly || cookies["sessionid"].Value != cookies["avi-sessionid"].Value {
		t.Errorf("session cookies differ or are not HttpOnly")
	}
	var body struct {
		Version struct{ Version string } `json:"version"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Version.Version != s.Version() {
		t.Errorf("login reply version = %q (%v), want %q", body.Version.Version, err, s.Version())
	}
	r.csrf, r.sid = cookies["csrftoken"].Value, cookies["sessionid"].Value
	return r
}

// do sends a request with every header a good client sends, minus those
// named in omit.
func (r *raw) do(method, path, body string, omit ...string) (int, http.Header, string) {
	r.t.Helper()
	return r.doWith(nil, method, path, body, omit...)
}

// doWith is do with extra headers (replacing the usual ones).
func (r *raw) doWith(extra map[string]string, method, path, body string, omit ...string) (int, http.Header, string) {
	r.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, r.s.URL()+path, rd)
	if err != nil {
		r.t.Fatal(err)
	}
	h := map[string]string{
		"Content-Type": "application/json", "X-Avi-Version": "20.1.1", "X-Avi-Tenant": "admin",
		"Referer": r.s.URL() + "/", "X-CSRFToken": r.csrf,
	}
	if r.version != "" {
		h["X-Avi-Version"] = r.version
	}
	for k, v := range extra {
		h[k] = v
	}
	for _, o := range omit {
		delete(h, o)
	}
	for k, v := range h {
		req.Header.Set(k, v)
	}
	if !contains(omit, "Cookie") {
		req.AddCookie(&http.Cookie{Name: "csrftoken", Value: r.csrf})
		req.AddCookie(&http.Cookie{Name: "sessionid", Value: r.sid})
	}
	resp, err := r.hc.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(data)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func decode(t *testing.T, s string) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("decoding %q: %v", s, err)
	}
	return m
}

func TestLogin(t *testing.T) {
	s := avitest.New(avitest.WithUsers(map[string]string{"alice": "s3cret"}))
	defer s.Close()
	for _, tc := range []struct {
		name, ctype, body string
		want              int
	}{
		{"json", "application/json", `{"username":"alice","password":"s3cret"}`, 200},
		{"form", "application/x-www-form-urlencoded", "username=alice&password=s3cret", 200},
		{"bad-password", "application/json", `{"username":"alice","password":"nope"}`, 401},
		{"unknown-user", "application/json", `{"username":"bob","password":"s3cret"}`, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := s.HTTPClient().Post(s.URL()+"/login", tc.ctype, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, tc.want, data)
			}
			if tc.want == 401 && !strings.Contains(string(data), "Invalid credentials") {
				t.Errorf("body %s", data)
			}
		})
	}
	if s.Logins() != 2 {
		t.Errorf("Logins() = %d, want 2", s.Logins())
	}
}

func TestSessionChecks(t *testing.T) {
	s := avitest.New()
	defer s.Close()
	r := login(t, s)
	pool := `{"name":"p"}`
	tests := []struct {
		name     string
		method   string
		body     string
		omit     []string
		want     int
		wantBody string
	}{
		{"no-session", "GET", "", []string{"Cookie"}, 401, "Authentication credentials were not provided."},
		{"no-csrf-on-write", "POST", pool, []string{"X-CSRFToken"}, 401, "CSRF token missing or incorrect."},
		{"no-referer-on-write", "POST", pool, []string{"Referer"}, 403, "CSRF Failed: Referer checking failed - no Referer."},
		{"no-version-is-the-old-default", "GET", "", []string{"X-Avi-Version"}, 200, `"count":0`},
		{"csrf-not-needed-to-read", "GET", "", []string{"X-CSRFToken", "Referer"}, 200, `"count":0`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := "/api/pool"
			status, _, body := r.do(tc.method, path, tc.body, tc.omit...)
			if status != tc.want || !strings.Contains(body, tc.wantBody) {
				t.Errorf("%s %s = %d %s, want %d %s", tc.method, path, status, body, tc.want, tc.wantBody)
			}
		})
	}
	// The CSRF failure is plain text, as on a real controller.
	_, h, _ := r.do("POST", "/api/pool", pool, "X-CSRFToken")
	if ct := h.Get("Content-Type"); ct != "text/plain" {
		t.Errorf("CSRF failure Content-Type %q", ct)
	}
	// A newer API version than the controller's is refused; an older one is
	// echoed.
	req, _ := http.NewRequest("GET", s.URL()+"/api/pool", nil)
	req.Header.Set("X-Avi-Version", "99.1.1")
	req.AddCookie(&http.Cookie{Name: "sessionid", Value: r.sid})
	resp, err := r.hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("X-Avi-Version 99.1.1: %s", resp.Status)
	}
	_, h, _ = r.do("GET", "/api/pool", "")
	if got := h.Get("AVI_API_VERSION"); got != "20.1.1" {
		t.Errorf("AVI_API_VERSION = %v", got)
	}
	// An expired session gets 401.
	s.ExpireSessions()
	if status, _, _ := r.do("GET", "/api/pool", ""); status != 401 {
		t.Errorf("after ExpireSessions: %d", status)
	}
}

func TestCRUD(t *testing.T) {
	s := avitest.New(avitest.WithTenants("t1"))
	defer s.Close()
	r := login(t, s)

	status, h, body := r.do("POST", "/api/pool", `{"name":"p1","servers":[{"ip":{"addr":"10.0.0.1","type":"V4"},"port":80}]}`)
	if status != 201 {
		t.Fatalf("POST pool: %d %s", status, body)
	}
	p := decode(t, body)
	uuid := p["uuid"].(string)
	if !strings.HasPrefix(uuid, "pool-") || h.Get("Location") != s.URL()+"/api/pool/"+uuid+"#p1" || p["url"] != h.Get("Location") {
		t.Errorf("POST reply: Location %q, url %v, uuid %q", h.Get("Location"), p["url"], uuid)
	}
	// Server defaults, as a 20.1.1 controller fills them.
	server := p["servers"].([]any)[0].(map[string]any)
	if p["enabled"] != true || p["lb_algorithm"] != "LB_ALGORITHM_LEAST_CONNECTIONS" || server["hostname"] != "10.0.0.1" ||
		server["enabled"] != true || !strings.HasSuffix(p["cloud_ref"].(string), "#Default-Cloud") ||
		!strings.HasSuffix(p["vrf_ref"].(string), "#global") || p["tenant_ref"] != s.URL()+"/api/tenant/admin#admin" {
		t.Errorf("defaults not filled: %s", body)
	}

	tests := []struct {
		name, method, path, body string
		want                     int
		wantBody                 string
	}{
		{"duplicate-name", "POST", "/api/pool", `{"name":"p1"}`, 409, "already exists"},
		{"unknown-nested-field", "POST", "/api/pool", `{"name":"p2","servers":[{"ip":{"addr":"10.0.0.2","type":"V4"},"colour":"red"}]}`, 400, "servers[0].colour: unknown field"},
		{"wrong-enum", "POST", "/api/pool", `{"name":"p2","lb_algorithm":"FASTEST"}`, 400, "lb_algorithm: must be one of"},
		{"out-of-range", "POST", "/api/pool", `{"name":"p2","default_server_port":70000}`, 400, "default_server_port"},
		{"missing-name", "POST", "/api/pool", `{}`, 400, "name"},
		{"ref-to-missing", "POST", "/api/pool", `{"name":"p2","health_monitor_refs":["/api/healthmonitor/?name=nope"]}`, 400, "HealthMonitor object not found!"},
		{"ref-wrong-kind", "POST", "/api/pool", `{"name":"p2","health_monitor_refs":["/api/pool/?name=p1"]}`, 400, "health_monitor_refs"},
		{"get-missing", "GET", "/api/pool/pool-nope", "", 404, `{"error":"Pool object not found!"}`},
		{"put-missing", "PUT", "/api/pool/pool-nope", `{"name":"x"}`, 404, "Pool object not found!"},
		{"delete-missing", "DELETE", "/api/pool/pool-nope", "", 404, "Pool object not found!"},
		{"no-match-is-empty-list", "GET", "/api/pool?name=nope", "", 200, `{"count":0,"results":[]}`},
		{"page-size-too-big", "GET", "/api/pool?page_size=201", "", 400, "page_size"},
		{"unknown-type", "GET", "/api/frobnicator", "", 404, ""},
		{"system-object-read-only", "DELETE", "/api/healthmonitor/" + uuidOf(t, r, "healthmonitor", "System-TCP"), "", 403, "system default"},
		{"patch-without-operation", "PATCH", "/api/pool/" + uuid, `{}`, 400, "add, replace or delete"},
		{"patch-unknown-operation", "PATCH", "/api/pool/" + uuid, `{"merge":{}}`, 400, "unknown PATCH operation"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := r.do(tc.method, tc.path, tc.body)
			if status != tc.want || !strings.Contains(body, tc.wantBody) {
				t.Errorf("%s %s = %d %s, want %d with %q", tc.method, tc.path, status, body, tc.want, tc.wantBody)
			}
		})
	}

	// Refs by name, by uuid and in the controller's own form all resolve.
	hmUUID := uuidOf(t, r, "healthmonitor", "System-TCP")
	for i, ref := range []string{"/api/healthmonitor/?name=System-TCP", "/api/healthmonitor/" + hmUUID, s.URL() + "/api/healthmonitor/" + hmUUID + "#System-TCP"} {
		status, _, body := r.do("PUT", "/api/pool/"+uuid, `{"name":"p1","health_monitor_refs":["`+ref+`"]}`)
		if status != 200 || !strings.Contains(body, hmUUID+"#System-TCP") {
			t.Errorf("PUT with ref %d %q: %d %s", i, ref, status, body)
		}
	}
	// Without include_name refs are bare URLs; with it they carry #name.
	_, _, body = r.do("GET", "/api/pool/"+uuid, "")
	if !strings.Contains(body, `"/api/healthmonitor/`+hmUUID+`"`) && !strings.Contains(body, hmUUID+`"`) {
		t.Errorf("GET without include_name: %s", body)
	}
	if strings.Contains(body, "#System-TCP") {
		t.Errorf("GET without include_name carries names: %s", body)
	}
	// A referenced object cannot be deleted.
	status, _, body = r.do("POST", "/api/l4policyset", `{"name":"ps","l4_connection_policy":{"rules":[{"index":0,"name":"r","action":{"select_pool":{"action_type":"L4_RULE_ACTION_SELECT_POOL","pool_ref":"/api/pool/?name=p1"}}}]}}`)
	if status != 201 {
		t.Fatalf("POST l4policyset: %d %s", status, body)
	}
	status, _, body = r.do("DELETE", "/api/pool/"+uuid, "")
	if status != 403 || !strings.Contains(body, "Cannot delete, object is referred by: ['L4PolicySet ps']") {
		t.Errorf("DELETE referenced pool: %d %s", status, body)
	}
	psUUID := decode(t, listBody(t, r, "/api/l4policyset?name=ps"))["results"].([]any)[0].(map[string]any)["uuid"].(string)
	if status, _, body := r.do("DELETE", "/api/l4policyset/"+psUUID, ""); status != 204 || body != "" {
		t.Errorf("DELETE l4policyset: %d %q", status, body)
	}
	if status, _, _ := r.do("DELETE", "/api/pool/"+uuid, ""); status != 204 {
		t.Errorf("DELETE pool: %d", status)
	}

	// Tenants are isolated; unknown ones are refused.
	req := func(tenant string) (int, string) {
		hreq, _ := http.NewRequest("POST", s.URL()+"/api/pool", bytes.NewBufferString(`{"name":"tp"}`))
		hreq.Header.Set("X-Avi-Version", "20.1.1")
		hreq.Header.Set("X-Avi-Tenant", tenant)
		hreq.Header.Set("X-CSRFToken", r.csrf)
		hreq.Header.Set("Referer", s.URL()+"/")
		hreq.Header.Set("Content-Type", "application/json")
		hreq.AddCookie(&http.Cookie{Name: "csrftoken", Value: r.csrf})
		hreq.AddCookie(&http.Cookie{Name: "sessionid", Value: r.sid})
		resp, err := r.hc.Do(hreq)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(data)
	}
	if status, body := req("t1"); status != 201 || !strings.Contains(body, "#t1") {
		t.Errorf("POST in t1: %d %s", status, body)
	}
	if status, body := req("nope"); status != 403 || !strings.Contains(body, "Tenant 'nope' does not exist!") {
		t.Errorf("POST in unknown tenant: %d %s", status, body)
	}
	if got := s.Names("admin", "pool"); len(got) != 0 {
		t.Errorf("admin pools: %v", got)
	}
	if diff := cmp.Diff([]string{"tp"}, s.Names("t1", "pool")); diff != "" {
		t.Errorf("t1 pools (-want +got):\n%s", diff)
	}
}

func listBody(t *testing.T, r *raw, path string) string {
	t.Helper()
	status, _, body := r.do("GET", path, "")
	if status != 200 {
		t.Fatalf("GET %s: %d %s", path, status, body)
	}
	return body
}

func uuidOf(t *testing.T, r *raw, kind, name string) string {
	t.Helper()
	res := decode(t, listBody(t, r, "/api/"+kind+"?name="+url.QueryEscape(name)))["results"].([]any)
	if len(res) != 1 {
		t.Fatalf("%s %s: %d results", kind, name, len(res))
	}
	return res[0].(map[string]any)["uuid"].(string)
}

func TestSystemObjects(t *testing.T) {
	s := avitest.New()
	defer s.Close()
	r := login(t, s)
	for kind, names := range map[string][]string{
		"networkprofile":     {"System-SCTP-Proxy", "System-TCP-Proxy", "System-TCP-Fast-Path", "System-UDP-Fast-Path"},
		"applicationprofile": {"System-L4-Application", "System-HTTP"},
		"healthmonitor":      {"System-SCTP", "System-TCP", "System-UDP", "System-Ping"},
		"cloud":              {"Default-Cloud"},
		"vrfcontext":         {"global"},
		"serviceenginegroup": {"Default-Group"},
		"tenant":             {"admin"},
	} {
		for _, n := range names {
			uuidOf(t, r, kind, n)
		}
	}
	if got := uuidOf(t, r, "tenant", "admin"); got != "admin" {
		t.Errorf("admin tenant uuid %q", got)
	}
}

func TestPaging(t *testing.T) {
	s := avitest.New()
	defer s.Close()
	for i := range 7 {
		if _, err := s.Seed("admin", "pool", map[string]any{"name": "p" + string(rune('a'+i))}); err != nil {
			t.Fatal(err)
		}
	}
	r := login(t, s)
	var names []string
	path := "/api/pool?page_size=3&name.contains=p&include_name=true"
	for pages := 0; path != ""; pages++ {
		page := decode(t, listBody(t, r, path))
		if page["count"].(float64) != 7 {
			t.Errorf("count = %v", page["count"])
		}
		for _, o := range page["results"].([]any) {
			names = append(names, o.(map[string]any)["name"].(string))
		}
		next, _ := page["next"].(string)
		if next == "" {
			if pages != 2 {
				t.Errorf("%d pages, want 3", pages+1)
			}
			break
		}
		u, err := url.Parse(next)
		if err != nil || u.Scheme != "https" || u.Query().Get("name.contains") != "p" || u.Query().Get("page_size") != "3" {
			t.Errorf("next %q is not absolute or lost the query", next)
		}
		path = u.RequestURI()
	}
	if diff := cmp.Diff([]string{"pa", "pb", "pc", "pd", "pe", "pf", "pg"}, names); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
	want := avitest.Calls{{Method: "GET", Kind: "pool", List: true}: 3}
	if diff := cmp.Diff(want, s.Calls()); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
}

func TestVIPAllocation(t *testing.T) {
	s := avitest.New(avitest.WithVIPRange("10.9.0.0/30"), avitest.WithNetwork("vip-net", "192.168.7.0/29"))
	defer s.Close()
	vsvip := func(name, extra string) string {
		return `{"name":"` + name + `","vip":[{"vip_id":"0","auto_allocate_ip":true` + extra + `}]}`
	}
	r := login(t, s)
	tests := []struct {
		name, body string
		want       int
		wantAddr   string
	}{
		{"first", vsvip("a", ""), 201, "10.9.0.1"},
		{"second", vsvip("b", ""), 201, "10.9.0.2"},
		{"exhausted", vsvip("c", ""), 400, "No available free IPs"},
		{"from-network", vsvip("d", `,"ipam_network_subnet":{"network_ref":"/api/network/?name=vip-net"}`), 201, "192.168.7.1"},
		{"static", `{"name":"e","vip":[{"vip_id":"0","ip_address":{"addr":"10.77.0.5","type":"V4"}}]}`, 201, "10.77.0.5"},
		{"static-in-use", `{"name":"f","vip":[{"vip_id":"0","ip_address":{"addr":"10.77.0.5","type":"V4"}}]}`, 400, "already in use"},
		{"v6", vsvip("g", `,"auto_allocate_ip_type":"V6_ONLY"`), 201, "fd00:50::1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, _, body := r.do("POST", "/api/vsvip", tc.body)
			if status != tc.want || !strings.Contains(body, tc.wantAddr) {
				t.Errorf("POST vsvip = %d %s, want %d with %s", status, body, tc.want, tc.wantAddr)
			}
		})
	}
	// Deleting a VsVip frees its address.
	if err := s.Remove("admin", "vsvip", "a"); err != nil {
		t.Fatal(err)
	}
	if status, _, body := r.do("POST", "/api/vsvip", vsvip("c", "")); status != 201 || !strings.Contains(body, "10.9.0.1") {
		t.Errorf("POST after release = %d %s", status, body)
	}
}

func TestFaults(t *testing.T) {
	s := avitest.New(avitest.WithFault(avitest.FailNth("GET", "pool", 2, avitest.Fault{Status: 503, Message: "busy"})))
	defer s.Close()
	r := login(t, s)
	for i, want := range []int{200, 503, 200} {
		if status, _, body := r.do("GET", "/api/pool", ""); status != want {
			t.Errorf("request %d: %d %s, want %d", i, status, body, want)
		}
	}
	if s.Faults() != 1 {
		t.Errorf("Faults() = %d", s.Faults())
	}
	// Dropped connections reach the client as transport errors.
	s.SetFault(func(avitest.Request) *avitest.Fault { return &avitest.Fault{Drop: true} })
	if _, err := s.HTTPClient().Get(s.URL() + "/api/pool"); err == nil {
		t.Error("dropped request succeeded")
	}
	// A write whose reply is dropped still happens.
	s.SetFault(func(r avitest.Request) *avitest.Fault {
		if r.Method == "POST" {
			return &avitest.Fault{DropAfterHandling: true}
		}
		return nil
	})
	req, _ := http.NewRequest("POST", s.URL()+"/api/pool", strings.NewReader(`{"name":"dropped"}`))
	for k, v := range map[string]string{"X-Avi-Version": "20.1.1", "X-CSRFToken": r.csrf, "Referer": s.URL(), "Content-Type": "application/json"} {
		req.Header.Set(k, v)
	}
	req.AddCookie(&http.Cookie{Name: "csrftoken", Value: r.csrf})
	req.AddCookie(&http.Cookie{Name: "sessionid", Value: r.sid})
	if _, err := s.HTTPClient().Do(req); err == nil {
		t.Error("POST with dropped reply succeeded")
	}
	if diff := cmp.Diff([]string{"dropped"}, s.Names("admin", "pool")); diff != "" {
		t.Errorf("pools (-want +got):\n%s", diff)
	}
}

func TestRandomFaultsAreReproducible(t *testing.T) {
	seq := func() []string {
		f := avitest.RandomFaults(7, 0.3)
		var out []string
		for i := range 50 {
			fault := f(avitest.Request{Method: "GET", Kind: "pool", Seq: i + 1})
			if fault != nil {
				out = append(out, strings.TrimSpace(strings.ReplaceAll(
					strings.Join([]string{http.StatusText(fault.Status), boolName("hang", fault.Hang), boolName("drop", fault.Drop),
						boolName("expire", fault.ExpireSession), boolName("dropafter", fault.DropAfterHandling)}, " "), "  ", " ")))
			} else {
				out = append(out, "-")
			}
		}
		return out
	}
	a, b := seq(), seq()
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("same seed, different faults (-first +second):\n%s", diff)
	}
	n := 0
	for _, x := range a {
		if x != "-" {
			n++
		}
	}
	if n < 5 || n > 25 {
		t.Errorf("%d of 50 requests faulted at rate 0.3", n)
	}
	// Logins are never randomly faulted.
	if f := avitest.RandomFaults(1, 1)(avitest.Request{Method: "POST", Path: "/login"}); f != nil {
		t.Errorf("login faulted: %+v", f)
	}
}

func boolName(name string, b bool) string {
	if b {
		return name
	}
	return ""
}

func TestEditAndDecode(t *testing.T) {
	s := avitest.New()
	defer s.Close()
	if _, err := s.Seed("admin", "pool", map[string]any{"name": "p", "health_monitor_refs": []string{"/api/healthmonitor/?name=System-TCP"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Edit("admin", "pool", "p", func(o map[string]any) { o["enabled"] = false }); err != nil {
		t.Fatal(err)
	}
	var p struct {
		Enabled           *bool    `json:"enabled"`
		HealthMonitorRefs []string `json:"health_monitor_refs"`
	}
	if ok, err := s.Decode("admin", "pool", "p", &p); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if p.Enabled == nil || *p.Enabled || len(p.HealthMonitorRefs) != 1 || !strings.HasSuffix(p.HealthMonitorRefs[0], "#System-TCP") {
		t.Errorf("edited pool: %+v", p)
	}
	if err := s.Edit("admin", "pool", "p", func(o map[string]any) { o["lb_algorithm"] = "NOPE" }); err == nil {
		t.Error("Edit accepted an invalid enum")
	}
	if s.Calls().Total() != 0 {
		t.Errorf("Seed/Edit counted calls: %v", s.Calls())
	}
}

func TestWithSEGroups(t *testing.T) {
	s := avitest.New(avitest.WithSEGroups("seg-telco"))
	defer s.Close()
	vs := map[string]any{"name": "vs", "se_group_ref": "/api/serviceenginegroup/?name=seg-telco",
		"services": []any{map[string]any{"port": 80}}}
	if _, err := s.Seed("admin", "virtualservice", vs); err != nil {
		t.Fatalf("a VirtualService in the added SE group: %v", err)
	}
	vs["name"], vs["se_group_ref"] = "vs2", "/api/serviceenginegroup/?name=nope"
	if _, err := s.Seed("admin", "virtualservice", vs); err == nil {
		t.Fatal("a VirtualService in an unknown SE group was accepted")
	}
}
