package avitest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/avil4/avil4/avitest"
)

// TestRealClientShapes covers what other Avi clients send (Avi's Go SDK,
// AKO, the Python SDK) and a real controller accepts.
func TestRealClientShapes(t *testing.T) {
	s := avitest.New()
	defer s.Close()
	r := login(t, s)
	pool := `{"name":"p1","servers":[{"ip":{"addr":"10.0.0.1","type":"V4"},"port":80}]}`

	// A double slash, as the Go SDK sends for a path with a leading slash.
	status, _, body := r.do("POST", "//api/pool", pool)
	if status != 201 {
		t.Fatalf("POST //api/pool = %d %s", status, body)
	}
	uuid := decode(t, body)["uuid"].(string)
	if status, _, body := r.do("GET", "//api//pool/"+uuid, ""); status != 200 {
		t.Errorf("GET //api//pool/<uuid> = %d %s", status, body)
	}

	// A PUT of a GET reply: url, uuid, _last_modified and the server
	// defaults are sent back and ignored or accepted.
	_, _, got := r.do("GET", "/api/pool/"+uuid+"?include_name", "")
	edited := strings.Replace(got, `"default_server_port":80`, `"default_server_port":8080`, 1)
	if status, _, body := r.do("PUT", "/api/pool/"+uuid, edited); status != 200 || !strings.Contains(body, `"default_server_port":8080`) {
		t.Errorf("PUT of a GET body = %d %s", status, body)
	}

	// Unknown top-level fields are ignored (application_profile_name, as
	// the 20.1.1 controller accepted); nested ones are not.
	status, _, body = r.do("POST", "/api/pool", `{"name":"p2","application_profile_name":"System-HTTP","redis_db":10}`)
	if status != 201 || strings.Contains(body, "redis_db") {
		t.Errorf("unknown top-level fields: %d %s", status, body)
	}

	// A VsVip without vip_id gets "0".
	status, _, body = r.do("POST", "/api/vsvip", `{"name":"v1","vip":[{"auto_allocate_ip":true}]}`)
	if status != 201 || !strings.Contains(body, `"vip_id":"0"`) {
		t.Errorf("VsVip without vip_id: %d %s", status, body)
	}

	// No X-Avi-Version: the old default, echoed as the controller does,
	// and fields introduced later are left out of the reply.
	status, h, body := r.do("GET", "/api/pool/"+uuid, "", "X-Avi-Version")
	if status != 200 || h.Get("AVI_API_VERSION") != "16_4_2" || strings.Contains(body, `"enable_http2"`) {
		t.Errorf("GET without X-Avi-Version: %d %v %s", status, h["Avi_api_version"], body)
	}
	if _, _, body := r.do("GET", "/api/pool/"+uuid, ""); !strings.Contains(body, `"enable_http2"`) {
		t.Errorf("GET at 20.1.1 lacks enable_http2 (introduced in 18.1.1): %s", body)
	}

	// Slug forces the uuid.
	status, _, body = r.doWith(map[string]string{"Slug": "pool-force-42"}, "POST", "/api/pool", `{"name":"p3"}`)
	if status != 201 || decode(t, body)["uuid"] != "pool-force-42" {
		t.Errorf("POST with Slug: %d %s", status, body)
	}

	// Basic authentication, without session or CSRF token.
	req, _ := http.NewRequest("GET", s.URL()+"/api/pool?name=p1", nil)
	req.SetBasicAuth(s.Username(), s.Password())
	req.Header.Set("X-Avi-Version", "20.1.1")
	resp, err := s.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("basic auth: %s", resp.Status)
	}
}

func TestControllerEndpoints(t *testing.T) {
	s := avitest.New(avitest.WithVersion("22.1.3"), avitest.WithEdition("ENTERPRISE_WITH_CLOUD_SERVICES"))
	defer s.Close()
	hc := s.HTTPClient()
	// Without a session.
	for _, path := range []string{"/api/initial-data", "/api/cluster/status"} {
		resp, err := hc.Get(s.URL() + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s without a session: %s", path, resp.Status)
		}
	}
	r := login(t, s)
	if _, _, body := r.do("GET", "/api/initial-data", ""); !strings.Contains(body, `"Version":"22.1.3"`) {
		t.Errorf("initial-data: %s", body)
	}
	if _, _, body := r.do("GET", "/api/cluster/status", ""); !strings.Contains(body, "CLUSTER_UP") {
		t.Errorf("cluster/status: %s", body)
	}
	status, _, body := r.do("GET", "/api/systemconfiguration", "")
	if status != 200 || !strings.Contains(body, `"default_license_tier":"ENTERPRISE_WITH_CLOUD_SERVICES"`) {
		t.Fatalf("systemconfiguration: %d %s", status, body)
	}
	// A PUT of the GET body changing the tier changes the edition.
	body = strings.Replace(body, "ENTERPRISE_WITH_CLOUD_SERVICES", "ESSENTIALS", 1)
	if status, _, got := r.do("PUT", "/api/systemconfiguration", body); status != 200 || s.Edition() != "ESSENTIALS" {
		t.Errorf("PUT systemconfiguration: %d %s; edition %s", status, got, s.Edition())
	}
	if status, _, _ := r.do("PUT", "/api/systemconfiguration", `{"default_license_tier":"PLATINUM"}`); status != 400 {
		t.Errorf("PUT systemconfiguration with an unknown tier: %d", status)
	}

	// Tenants: create, use, refuse deletion while used, delete.
	status, _, body = r.do("POST", "/api/tenant", `{"name":"t1"}`)
	if status != 201 {
		t.Fatalf("POST tenant: %d %s", status, body)
	}
	tuuid := decode(t, body)["uuid"].(string)
	if status, _, _ := r.do("POST", "/api/tenant", `{"name":"t1"}`); status != 409 {
		t.Errorf("duplicate tenant: %d", status)
	}
	status, _, body = r.doWith(map[string]string{"X-Avi-Tenant": "t1"}, "POST", "/api/pool", `{"name":"p"}`)
	if status != 201 {
		t.Fatalf("POST pool in t1: %d %s", status, body)
	}
	puuid := decode(t, body)["uuid"].(string)
	if status, _, body := r.do("DELETE", "/api/tenant/"+tuuid, ""); status != 403 || !strings.Contains(body, "Pool p") {
		t.Errorf("DELETE used tenant: %d %s", status, body)
	}
	r.doWith(map[string]string{"X-Avi-Tenant": "t1"}, "DELETE", "/api/pool/"+puuid, "")
	if status, _, body := r.do("DELETE", "/api/tenant/"+tuuid, ""); status != 204 {
		t.Errorf("DELETE tenant: %d %s", status, body)
	}
	if status, _, _ := r.do("DELETE", "/api/tenant/admin", ""); status != 403 {
		t.Errorf("DELETE admin: %d", status)
	}
}

func TestPatch(t *testing.T) {
	s := avitest.New()
	defer s.Close()
	r := login(t, s)
	_, _, body := r.do("POST", "/api/pool", `{"name":"p","description":"d","servers":[{"ip":{"addr":"10.0.0.1","type":"V4"}}]}`)
	path := "/api/pool/" + decode(t, body)["uuid"].(string)
	srv := func(a string) string { return `{"ip":{"addr":"` + a + `","type":"V4"}}` }
	steps := []struct {
		patch string
		want  []string // addresses after the step
		check string   // a substring of the reply
	}{
		{`{"add":{"servers":[` + srv("10.0.0.2") + `]}}`, []string{"10.0.0.1", "10.0.0.2"}, `"description":"d"`},
		{`{"replace":{"servers":[` + srv("10.0.0.3") + `],"description":"e"}}`, []string{"10.0.0.3"}, `"description":"e"`},
		{`{"add":{"servers":[` + srv("10.0.0.4") + `]}}`, []string{"10.0.0.3", "10.0.0.4"}, `"default_server_port":80`},
	}
	for i, st := range steps {
		status, _, body := r.do("PATCH", path, st.patch)
		if status != 200 || !strings.Contains(body, st.check) {
			t.Fatalf("step %d: %d %s", i, status, body)
		}
		servers := decode(t, body)["servers"].([]any)
		var got []string
		for _, e := range servers {
			got = append(got, e.(map[string]any)["ip"].(map[string]any)["addr"].(string))
		}
		if strings.Join(got, ",") != strings.Join(st.want, ",") {
			t.Errorf("step %d: servers %v, want %v", i, got, st.want)
		}
	}
	// delete removes the listed entries (as GET shows them) and scalars.
	_, _, body = r.do("GET", path, "")
	first := decode(t, body)["servers"].([]any)[0]
	del := map[string]any{"delete": map[string]any{"servers": []any{first}, "description": ""}}
	status, _, body := r.do("PATCH", path, string(mustJSON(t, del)))
	if status != 200 || strings.Contains(body, "10.0.0.3") || !strings.Contains(body, "10.0.0.4") || strings.Contains(body, `"description"`) {
		t.Errorf("PATCH delete: %d %s", status, body)
	}
	// A PATCH is validated like a PUT.
	if status, _, _ := r.do("PATCH", path, `{"replace":{"lb_algorithm":"FASTEST"}}`); status != 400 {
		t.Errorf("invalid PATCH: %d", status)
	}
}

func TestVersionsAndEditions(t *testing.T) {
	hm := `{"name":"m","type":"HEALTH_MONITOR_SCTP","sctp_monitor":{"sctp_request":"x"}}`
	vs := func(r *raw, np string) (int, string) {
		_, _, body := r.do("POST", "/api/vsvip", `{"name":"vip-`+np+`","vip":[{"auto_allocate_ip":true}]}`)
		vip := decode(t, body)["uuid"].(string)
		status, _, body := r.do("POST", "/api/virtualservice", `{"name":"vs-`+np+`","vsvip_ref":"/api/vsvip/`+vip+`",
			"services":[{"port":38412}],"application_profile_ref":"/api/applicationprofile/?name=System-L4-Application",
			"network_profile_ref":"/api/networkprofile/?name=`+np+`"}`)
		return status, body
	}
	t.Run("21.1.4 has no SCTP", func(t *testing.T) {
		s := avitest.New(avitest.WithVersion("21.1.4"))
		defer s.Close()
		r := login(t, s)
		status, _, body := r.doWith(map[string]string{"X-Avi-Version": "21.1.4"}, "POST", "/api/healthmonitor", `{"name":"m","type":"HEALTH_MONITOR_SCTP"}`)
		if status != 400 || !strings.Contains(body, "Incoming request (v21_1_4) has value (HEALTH_MONITOR_SCTP) of field (type) introduced in later versions(v22_1_3).") {
			t.Errorf("SCTP monitor at 21.1.4: %d %s", status, body)
		}
		if n := s.Names("admin", "healthmonitor"); len(n) != 0 {
			t.Errorf("monitors %v", n)
		}
		if status, _, body := r.do("GET", "/api/networkprofile?name=System-SCTP-Proxy", ""); !strings.Contains(body, `"count":0`) {
			t.Errorf("System-SCTP-Proxy on 21.1.4: %d %s", status, body)
		}
		if status, _ := vs(r, "System-SCTP-Proxy"); status != 400 {
			t.Errorf("VS on System-SCTP-Proxy at 21.1.4: %d", status)
		}
		if status, _, _ := r.doWith(map[string]string{"X-Avi-Version": "22.1.3"}, "GET", "/api/pool", ""); status != 400 {
			t.Errorf("X-Avi-Version newer than the controller: %d", status)
		}
	})
	t.Run("field newer than the request", func(t *testing.T) {
		s := avitest.New()
		defer s.Close()
		r := login(t, s)
		status, _, body := r.doWith(map[string]string{"X-Avi-Version": "21.1.4"}, "POST", "/api/healthmonitor", `{"name":"m","type":"HEALTH_MONITOR_TCP","sctp_monitor":{}}`)
		if status != 400 || !strings.Contains(body, "Incoming request (v21_1_4) has field (sctp_monitor) introduced in later versions(v22_1_3).") {
			t.Errorf("sctp_monitor at 21.1.4: %d %s", status, body)
		}
		for _, v := range []string{"22.1.3", "30.2.1"} {
			if status, _, body := r.doWith(map[string]string{"X-Avi-Version": v}, "POST", "/api/healthmonitor", strings.Replace(hm, `"m"`, `"m`+v+`"`, 1)); status != 201 {
				t.Errorf("SCTP monitor at %s: %d %s", v, status, body)
			}
		}
		if status, _ := vs(r, "System-SCTP-Proxy"); status != 201 {
			t.Errorf("VS on System-SCTP-Proxy: %d", status)
		}
	})
	for _, ed := range []string{"ESSENTIALS", "BASIC"} {
		t.Run(ed, func(t *testing.T) {
			s := avitest.New(avitest.WithEdition(ed))
			defer s.Close()
			r := login(t, s)
			r.version = "30.2.1"
			status, _, body := r.do("POST", "/api/healthmonitor", hm)
			if status != 400 || !strings.Contains(body, "in the "+ed+" edition") {
				t.Errorf("SCTP monitor in %s: %d %s", ed, status, body)
			}
			if status, body := vs(r, "System-SCTP-Proxy"); status != 400 || !strings.Contains(body, "NetworkProfile System-SCTP-Proxy cannot be used in the "+ed+" edition") {
				t.Errorf("VS on System-SCTP-Proxy in %s: %d %s", ed, status, body)
			}
			if status, _, body := r.do("POST", "/api/healthmonitor", `{"name":"tcp","type":"HEALTH_MONITOR_TCP"}`); status != 201 {
				t.Errorf("TCP monitor in %s: %d %s", ed, status, body)
			}
		})
	}
}

func TestStaleUpdate(t *testing.T) {
	s := avitest.New(avitest.WithFault(avitest.StaleUpdates("vsvip", 1)))
	defer s.Close()
	r := login(t, s)
	_, _, body := r.do("POST", "/api/vsvip", `{"name":"v","vip":[{"auto_allocate_ip":true}]}`)
	v := decode(t, body)
	path := "/api/vsvip/" + v["uuid"].(string)
	status, _, got := r.do("PUT", path, body)
	if status != 412 || !strings.Contains(got, "Need to reload object data VsVip") {
		t.Errorf("first PUT: %d %s", status, got)
	}
	_, _, again := r.do("GET", path, "")
	if decode(t, again)["_last_modified"] == v["_last_modified"] {
		t.Error("a stale update did not move _last_modified")
	}
	if status, _, got := r.do("PUT", path, again); status != 200 {
		t.Errorf("PUT after re-reading: %d %s", status, got)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSCTPProxyNetworkProfile: the fake stores a tuned SCTP proxy profile
// from 22.1.3 on, refuses it at 21.1.4 with the controller's message,
// refuses a value out of the schema's range, and a VirtualService can use
// it as its profile and as a port's override.
func TestSCTPProxyNetworkProfile(t *testing.T) {
	np := `{"name":"np","profile":{"type":"PROTOCOL_TYPE_SCTP_PROXY","sctp_proxy_profile":{"number_of_streams":16,"heartbeat_interval":30,"idle_timeout":0}}}`
	s := avitest.New()
	defer s.Close()
	r := login(t, s)
	r.version = "30.2.1"
	if status, _, body := r.doWith(map[string]string{"X-Avi-Version": "21.1.4"}, "POST", "/api/networkprofile", np); status != 400 ||
		!strings.Contains(body, "introduced in later versions(v22_1_3)") {
		t.Errorf("tuned SCTP profile at 21.1.4: %d %s", status, body)
	}
	if status, _, body := r.do("POST", "/api/networkprofile", strings.Replace(np, `"heartbeat_interval":30`, `"heartbeat_interval":29`, 1)); status != 400 ||
		!strings.Contains(body, "heartbeat_interval") {
		t.Errorf("heartbeat_interval 29: %d %s", status, body)
	}
	status, _, body := r.do("POST", "/api/networkprofile", np)
	if status != 201 {
		t.Fatalf("tuned SCTP profile: %d %s", status, body)
	}
	var got struct {
		Profile struct {
			Type string         `json:"type"`
			SCTP map[string]any `json:"sctp_proxy_profile"`
		} `json:"profile"`
	}
	if ok, err := s.Decode("admin", "networkprofile", "np", &got); !ok || err != nil || got.Profile.Type != "PROTOCOL_TYPE_SCTP_PROXY" || got.Profile.SCTP["number_of_streams"] != float64(16) {
		t.Errorf("stored %+v (%v, %v)", got, ok, err)
	}
	_, _, body = r.do("POST", "/api/vsvip", `{"name":"vip","vip":[{"auto_allocate_ip":true}]}`)
	vip := decode(t, body)["uuid"].(string)
	status, _, body = r.do("POST", "/api/virtualservice", `{"name":"vs","vsvip_ref":"/api/vsvip/`+vip+`",
		"services":[{"port":38412},{"port":9090,"override_network_profile_ref":"/api/networkprofile/?name=System-TCP-Proxy"},{"port":36412,"override_network_profile_ref":"/api/networkprofile/?name=np"}],
		"application_profile_ref":"/api/applicationprofile/?name=System-L4-Application",
		"network_profile_ref":"/api/networkprofile/?name=np"}`)
	if status != 201 {
		t.Errorf("VS on the tuned profile: %d %s", status, body)
	}
}
