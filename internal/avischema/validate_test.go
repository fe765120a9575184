package avischema

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Small, realistic bodies of the kind the project sends to a controller.
var validBodies = []struct {
	name, typ, body string
}{
	{"pool", "Pool", `{
		"name": "gw-default-http-pool",
		"tenant_ref": "/api/tenant/?name=admin",
		"cloud_ref": "/api/cloud/?name=Default-Cloud",
		"lb_algorithm": "LB_ALGORITHM_ROUND_ROBIN",
		"default_server_port": 8080,
		"graceful_disable_timeout": -1,
		"health_monitor_refs": ["/api/healthmonitor/?name=hm-sctp"],
		"servers": [
			{"ip": {"addr": "10.0.0.11", "type": "V4"}, "port": 8080, "enabled": true},
			{"ip": {"addr": "fd00::12", "type": "V6"}, "port": 0, "ratio": 2}
		],
		"markers": [{"key": "clustername", "values": ["prod"]}]
	}`},
	{"pool by REST name", "pool", `{"name": "p", "servers": [{"ip": {"addr": "10.0.0.1", "type": "V4"}}]}`},
	{"vsvip", "VsVip", `{"name": "vip-1", "vip": [{"vip_id": "0", "auto_allocate_ip": true}]}`},
	{"vsvip with address", "vsvip", `{
		"name": "vip-2",
		"tenant_ref": "/api/tenant/?name=admin",
		"vip": [{"vip_id": "0", "enabled": true, "ip_address": {"addr": "192.0.2.10", "type": "V4"}}]
	}`},
	{"virtualservice", "VirtualService", `{
		"name": "vs-1",
		"type": "VS_TYPE_NORMAL",
		"enabled": true,
		"vsvip_ref": "/api/vsvip/?name=vip-1",
		"pool_ref": "/api/pool/?name=x",
		"application_profile_ref": "/api/applicationprofile/?name=System-L4-Application",
		"network_profile_ref": "/api/networkprofile/?name=System-TCP-Proxy",
		"services": [
			{"port": 80},
			{"port": 5000, "port_range_end": 5010, "override_network_profile_ref": "/api/networkprofile/?name=System-UDP-Fast-Path"},
			{"port": 443, "port_range_end": 0, "enable_ssl": false}
		],
		"l4_policies": [{"index": 1, "l4_policy_set_ref": "/api/l4policyset/?name=ps-1"}]
	}`},
	{"l4policyset", "L4PolicySet", `{
		"name": "ps-1",
		"tenant_ref": "/api/tenant/?name=admin",
		"l4_connection_policy": {"rules": [{
			"name": "sctp-80",
			"index": 1,
			"enable": true,
			"match": {
				"protocol": {"match_criteria": "IS_IN", "protocol": "PROTOCOL_SCTP"},
				"port": {"match_criteria": "IS_IN", "ports": [80], "port_ranges": [{"start": 8000, "end": 8010}]}
			},
			"action": {"select_pool": {"action_type": "L4_RULE_ACTION_SELECT_POOL", "pool_ref": "/api/pool/?name=x"}}
		}]}
	}`},
	{"healthmonitor", "HealthMonitor", `{
		"name": "hm-sctp",
		"type": "HEALTH_MONITOR_SCTP",
		"send_interval": 10,
		"receive_timeout": 4,
		"successful_checks": 2,
		"failed_checks": 2,
		"sctp_monitor": {"sctp_request": "ping", "sctp_response": "pong"}
	}`},
	{"healthmonitor special port", "healthmonitor", `{"name": "hm", "type": "HEALTH_MONITOR_TCP", "monitor_port": 0}`},
	{"poolgroup", "PoolGroup", `{"name": "pg", "members": [{"pool_ref": "/api/pool/?name=x", "ratio": 0}]}`},
	{"networkprofile", "NetworkProfile", `{"name": "np", "profile": {"type": "PROTOCOL_TYPE_UDP_FAST_PATH", "udp_fast_path_profile": {"per_pkt_loadbalance": false}}}`},
	{"networkprofile union type defaulted", "NetworkProfile", `{"name": "np", "profile": {}}`},
	{"applicationprofile", "ApplicationProfile", `{"name": "ap", "type": "APPLICATION_PROFILE_TYPE_L4"}`},
	{"integral float for integer", "Pool", `{"name": "p", "default_server_port": 80.0}`},
	{"exponent for integer", "Pool", `{"name": "p", "default_server_port": 8e1}`},
	{"read-only fields allowed by default", "Pool", `{"name": "p", "url": "https://ctl/api/pool/pool-1#p", "_last_modified": "1595317883372279"}`},
	{"full URL reference", "VirtualService", `{"name": "v", "pool_ref": "https://ctl/api/pool/pool-1#p"}`},
	{"uuid reference is not checked", "VirtualService", `{"name": "v", "pool_ref": "pool-1"}`},
	{"number in range", "Pool", `{"name": "p", "servers": [{"ip": {"addr": "10.0.0.1", "type": "V4"}, "location": {"latitude": -90, "longitude": 180.0}}]}`},
}

func TestValidateAcceptsValidBodies(t *testing.T) {
	run := func(t *testing.T, s *Schema) {
		for _, tt := range validBodies {
			t.Run(tt.name, func(t *testing.T) {
				if got := s.Validate(tt.typ, []byte(tt.body)); len(got) > 0 {
					t.Errorf("Validate(%s) = %v, want no problems", tt.typ, got)
				}
			})
		}
	}
	t.Run("embedded", func(t *testing.T) { run(t, Embedded()) })
	t.Run("loaded", func(t *testing.T) { run(t, ForTest(t)) })
}

func TestValidateReportsViolations(t *testing.T) {
	tests := []struct {
		name, typ, body string
		opts            []Option
		want            []Problem
	}{
		{
			name: "unknown field at top level",
			typ:  "Pool", body: `{"name": "p", "colour": "red"}`,
			want: []Problem{{Path: "colour", Message: "unknown field"}},
		},
		{
			name: "unknown field nested",
			typ:  "VirtualService", body: `{"name": "v", "services": [{"port": 80}, {"port": 81, "override_network_profile": "x"}]}`,
			want: []Problem{{Path: "services[1].override_network_profile", Message: "unknown field"}},
		},
		{
			name: "string for integer",
			typ:  "Pool", body: `{"name": "p", "default_server_port": "80"}`,
			want: []Problem{{Path: "default_server_port", Message: "must be an integer, got string"}},
		},
		{
			name: "non-integral number for integer",
			typ:  "Pool", body: `{"name": "p", "default_server_port": 1.5}`,
			want: []Problem{{Path: "default_server_port", Message: "must be an integer, got 1.5"}},
		},
		{
			name: "object for array",
			typ:  "Pool", body: `{"name": "p", "servers": {"ip": {"addr": "10.0.0.1", "type": "V4"}}}`,
			want: []Problem{{Path: "servers", Message: "must be an array, got object"}},
		},
		{
			name: "number for string, string for boolean, array for object",
			typ:  "Pool", body: `{"name": 7, "enabled": "true", "conn_pool_properties": []}`,
			want: []Problem{
				{Path: "name", Message: "must be a string, got number"},
				{Path: "enabled", Message: "must be a boolean, got string"},
				{Path: "conn_pool_properties", Message: "must be an object, got array"},
			},
		},
		{
			name: "bad enum",
			typ:  "L4PolicySet", body: `{"name": "ps", "l4_connection_policy": {"rules": [{"name": "r", "index": 1,
				"match": {"protocol": {"match_criteria": "IS_IN", "protocol": "PROTOCOL_FOO"}}}]}}`,
			want: []Problem{{Path: "l4_connection_policy.rules[0].match.protocol.protocol",
				Message: `must be one of PROTOCOL_ICMP, PROTOCOL_TCP, PROTOCOL_UDP, PROTOCOL_SCTP, got "PROTOCOL_FOO"`}},
		},
		{
			name: "bad enum in vip address",
			typ:  "VsVip", body: `{"name": "v", "vip": [{"vip_id": "0", "ip_address": {"addr": "1.2.3.4", "type": "V5"}}]}`,
			want: []Problem{{Path: "vip[0].ip_address.type", Message: `must be one of V4, DNS, V6, got "V5"`}},
		},
		{
			name: "port out of range in array of integers",
			typ:  "L4PolicySet", body: `{"name": "ps", "l4_connection_policy": {"rules": [{"name": "r", "index": 1,
				"match": {"port": {"match_criteria": "IS_IN", "ports": [80, 0, 65536]}}}]}}`,
			want: []Problem{
				{Path: "l4_connection_policy.rules[0].match.port.ports[1]", Message: "must be between 1 and 65535, got 0"},
				{Path: "l4_connection_policy.rules[0].match.port.ports[2]", Message: "must be between 1 and 65535, got 65536"},
			},
		},
		{
			name: "item counts and item ranges",
			typ:  "HealthMonitor", body: `{"name": "hm", "type": "HEALTH_MONITOR_HTTP",
				"http_monitor": {"http_response_code": [], "maintenance_code": [503, 100, 503, 503, 503]}}`,
			want: []Problem{
				{Path: "http_monitor.http_response_code", Message: "must have at least 1 item, got 0"},
				{Path: "http_monitor.maintenance_code", Message: "must have at most 4 items, got 5"},
				{Path: "http_monitor.maintenance_code[1]", Message: "must be between 101 and 599, got 100"},
			},
		},
		{
			name: "number out of range",
			typ:  "Pool", body: `{"name": "p", "servers": [{"ip": {"addr": "10.0.0.1", "type": "V4"},
				"location": {"latitude": 48.85, "longitude": -181}}]}`,
			want: []Problem{{Path: "servers[0].location.longitude", Message: "must be between -180 and 180, got -181"}},
		},
		{
			name: "out of range with special values",
			typ:  "VirtualService", body: `{"name": "v", "services": [{"port": 80, "port_range_end": 70000}]}`,
			want: []Problem{{Path: "services[0].port_range_end", Message: "must be between 1 and 65535 or one of 0, got 70000"}},
		},
		{
			name: "negative special value is only allowed where listed",
			typ:  "Pool", body: `{"name": "p", "graceful_disable_timeout": -2, "connection_ramp_duration": -1}`,
			want: []Problem{
				{Path: "graceful_disable_timeout", Message: "must be between 1 and 7200 or one of 0, -1, got -2"},
				{Path: "connection_ramp_duration", Message: "must be between 1 and 300 or one of 0, got -1"},
			},
		},
		{
			name: "integer beyond its format",
			typ:  "VirtualService", body: `{"name": "v", "min_pools_up": -1, "weight": 1e30}`,
			want: []Problem{
				{Path: "min_pools_up", Message: "must be between 0 and 4294967295, got -1"},
				{Path: "weight", Message: "must be between 1 and 128, got 1e30"},
			},
		},
		{
			name: "missing required fields",
			typ:  "L4PolicySet", body: `{"l4_connection_policy": {"rules": [{"name": "r",
				"match": {"client_ip": {"match_criteria": "IS_IN", "addrs": [{"addr": "10.0.0.1"}]}}}]}}`,
			want: []Problem{
				{Path: "l4_connection_policy.rules[0].match.client_ip.addrs[0].type", Message: "required field is missing"},
				{Path: "l4_connection_policy.rules[0].index", Message: "required field is missing"},
				{Path: "name", Message: "required field is missing"},
			},
		},
		{
			name: "required object missing",
			typ:  "NetworkProfile", body: `{"name": "np"}`,
			want: []Problem{{Path: "profile", Message: "required field is missing"}},
		},
		{
			name: "read-only fields forbidden with the option",
			typ:  "VsVip", body: `{"name": "v", "url": "https://ctl/api/vsvip/vsvip-1#v", "_last_modified": "1", "uuid": "vsvip-1"}`,
			opts: []Option{ForbidReadOnly()},
			want: []Problem{
				{Path: "url", Message: "read-only field must not be set"},
				{Path: "_last_modified", Message: "read-only field must not be set"},
			},
		},
		{
			name: "nested read-only field forbidden",
			typ:  "VirtualService", body: `{"name": "v", "sp_pool_refs": ["/api/pool/?name=x"]}`,
			opts: []Option{ForbidReadOnly()},
			want: []Problem{{Path: "sp_pool_refs", Message: "read-only field must not be set"}},
		},
		{
			name: "null is a problem by default",
			typ:  "Pool", body: `{"name": "p", "lb_algorithm": null, "servers": [null]}`,
			want: []Problem{{Path: "lb_algorithm", Message: "must not be null"}, {Path: "servers[0]", Message: "must not be null"}},
		},
		{
			name: "null is absent with AllowNull",
			typ:  "Pool", body: `{"name": null, "lb_algorithm": null}`,
			opts: []Option{AllowNull()},
			want: []Problem{{Path: "name", Message: "required field is missing"}},
		},
		{
			name: "reference to the wrong object type",
			typ:  "VirtualService", body: `{"name": "v", "pool_ref": "/api/poolgroup/?name=pg", "vsvip_ref": "https://ctl/api/pool/pool-1#p"}`,
			want: []Problem{
				{Path: "pool_ref", Message: `must be a reference to a Pool (/api/pool/...), got "/api/poolgroup/?name=pg"`},
				{Path: "vsvip_ref", Message: `must be a reference to a VsVip (/api/vsvip/...), got "https://ctl/api/pool/pool-1#p"`},
			},
		},
		{
			name: "duplicate field",
			typ:  "Pool", body: `{"name": "p", "name": "q"}`,
			want: []Problem{{Path: "name", Message: "duplicate field"}},
		},
		{
			name: "body not an object",
			typ:  "Pool", body: `[]`,
			want: []Problem{{Path: "", Message: "must be an object, got array"}},
		},
		{
			name: "invalid JSON",
			typ:  "Pool", body: `{"name": `,
			want: []Problem{{Path: "", Message: "invalid JSON: unexpected EOF"}},
		},
		{
			name: "trailing data",
			typ:  "Pool", body: `{"name": "p"} {}`,
			want: []Problem{{Path: "", Message: "invalid JSON: unexpected data after the top-level value"}},
		},
		{
			name: "unknown object type",
			typ:  "Gateway", body: `{}`,
			want: []Problem{{Path: "", Message: `unknown object type "Gateway"`}},
		},
		{
			name: "every problem, not the first",
			typ:  "HealthMonitor", body: `{"type": "HEALTH_MONITOR_SCTPX", "monitor_port": 65536, "sctp_monitor": {"sctp_request": 1, "extra": true}}`,
			want: []Problem{
				{Path: "type", Message: `must be one of HEALTH_MONITOR_PING, HEALTH_MONITOR_TCP, HEALTH_MONITOR_HTTP, HEALTH_MONITOR_HTTPS, HEALTH_MONITOR_EXTERNAL, HEALTH_MONITOR_UDP, HEALTH_MONITOR_DNS, HEALTH_MONITOR_GSLB, HEALTH_MONITOR_SIP, HEALTH_MONITOR_RADIUS, HEALTH_MONITOR_SMTP, HEALTH_MONITOR_SMTPS, HEALTH_MONITOR_POP3, HEALTH_MONITOR_POP3S, HEALTH_MONITOR_IMAP, HEALTH_MONITOR_IMAPS, HEALTH_MONITOR_FTP, HEALTH_MONITOR_FTPS, HEALTH_MONITOR_LDAP, HEALTH_MONITOR_LDAPS, HEALTH_MONITOR_SCTP, got "HEALTH_MONITOR_SCTPX"`},
				{Path: "monitor_port", Message: "must be between 1 and 65535 or one of 0, got 65536"},
				{Path: "sctp_monitor.sctp_request", Message: "must be a string, got number"},
				{Path: "sctp_monitor.extra", Message: "unknown field"},
				{Path: "name", Message: "required field is missing"},
			},
		},
	}
	run := func(t *testing.T, s *Schema) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got := s.Validate(tt.typ, []byte(tt.body), tt.opts...)
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("Validate(%s, %s) mismatch (-want +got):\n%s", tt.typ, tt.body, diff)
				}
			})
		}
	}
	t.Run("embedded", func(t *testing.T) { run(t, Embedded()) })
	t.Run("loaded", func(t *testing.T) { run(t, ForTest(t)) })
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{Path: "vip[0].ip_address.type", Message: `must be one of V4, DNS, V6, got "V5"`}, `vip[0].ip_address.type: must be one of V4, DNS, V6, got "V5"`},
		{Problem{Path: "", Message: "must be an object, got array"}, "<root>: must be an object, got array"},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// TestRecordedControllerReplies validates objects a real (older, 20.1.1)
// controller returned. Fields that controller version had and the schema no
// longer lists are tolerated; any other problem means the validator rejects
// what a controller produces.
func TestRecordedControllerReplies(t *testing.T) {
	s := ForTest(t)
	dir, _ := Locate()
	file := filepath.Join(dir, "..", "avi-recordings", "test_basic_vs.json")
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		t.Skipf("no recordings at %s", file)
	}
	if err != nil {
		t.Fatal(err)
	}
	var rec struct {
		Interactions []struct {
			Request struct {
				Method, URI string
			}
			Response struct {
				Body struct {
					String string
				}
			}
		}
	}
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, in := range rec.Interactions {
		_, rest, ok := strings.Cut(in.Request.URI, "/api/")
		if !ok || in.Request.Method != "POST" {
			continue
		}
		typ, ok := s.TypeName(rest)
		if !ok {
			continue
		}
		seen++
		for _, p := range s.Validate(typ, []byte(in.Response.Body.String)) {
			if p.Message != "unknown field" {
				t.Errorf("%s reply: %s", typ, p)
			}
		}
	}
	if seen == 0 {
		t.Errorf("no POST replies of known object types in %s", file)
	}
}
