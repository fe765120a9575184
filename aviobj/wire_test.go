package aviobj_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/aviobj"
)

// TestWireJSON checks what goes on the wire: fields whose zero value means
// something are sent, unset optional fields are not. Both sides are decoded
// into generic JSON values, so key order does not matter.
func TestWireJSON(t *testing.T) {
	tests := []struct {
		name string
		obj  any
		want string
	}{
		{
			name: "virtualservice-name-only",
			obj:  aviobj.VirtualService{Name: "vs"},
			want: `{"name":"vs"}`,
		},
		{
			name: "virtualservice-traffic-disabled-is-sent",
			obj:  aviobj.VirtualService{Name: "vs", TrafficEnabled: aviobj.Bool(false), Enabled: aviobj.Bool(false)},
			want: `{"name":"vs","traffic_enabled":false,"enabled":false}`,
		},
		{
			name: "virtualservice-server-fields-unset-are-absent",
			obj:  aviobj.VirtualService{Name: "vs", UUID: "", URL: "", LastModified: ""},
			want: `{"name":"vs"}`,
		},
		{
			name: "virtualservice-dedicated-body",
			obj: aviobj.VirtualService{
				Name:              "c1--default-svc",
				NetworkProfileRef: "/api/networkprofile/?name=System-TCP-Proxy",
				Services: []aviobj.Service{
					{Port: 9000, PortRangeEnd: 9000, OverrideNetworkProfileRef: "/api/networkprofile/?name=System-SCTP-Proxy"},
					{Port: 80},
				},
				L4Policies:                  []aviobj.L4Policies{{L4PolicySetRef: "/api/l4policyset/?name=c1--default-svc"}},
				TrafficEnabled:              aviobj.Bool(true),
				RemoveListeningPortOnVsDown: aviobj.Bool(true),
				Markers:                     []aviobj.Marker{{Key: "clustername", Values: []string{"c1"}}},
			},
			want: `{
				"name": "c1--default-svc",
				"network_profile_ref": "/api/networkprofile/?name=System-TCP-Proxy",
				"services": [
					{"port": 9000, "port_range_end": 9000, "enable_ssl": false, "override_network_profile_ref": "/api/networkprofile/?name=System-SCTP-Proxy"},
					{"port": 80, "enable_ssl": false}
				],
				"l4_policies": [{"index": 0, "l4_policy_set_ref": "/api/l4policyset/?name=c1--default-svc"}],
				"traffic_enabled": true,
				"remove_listening_port_on_vs_down": true,
				"markers": [{"key": "clustername", "values": ["c1"]}]
			}`,
		},
		{
			name: "service-port-and-enable-ssl-always-sent",
			obj:  aviobj.Service{},
			want: `{"port":0,"enable_ssl":false}`,
		},
		{
			name: "service-http2-false-is-sent",
			obj:  aviobj.Service{Port: 443, EnableSSL: true, EnableHTTP2: aviobj.Bool(false)},
			want: `{"port":443,"enable_ssl":true,"enable_http2":false}`,
		},
		{
			name: "l4policies-index-zero-is-sent",
			obj:  aviobj.L4Policies{L4PolicySetRef: "/api/l4policyset/?name=ps"},
			want: `{"index":0,"l4_policy_set_ref":"/api/l4policyset/?name=ps"}`,
		},
		{
			name: "vsvip-name-only",
			obj:  aviobj.VsVip{Name: "v"},
			want: `{"name":"v"}`,
		},
		{
			name: "vip-id-always-sent",
			obj:  aviobj.Vip{},
			want: `{"vip_id":""}`,
		},
		{
			name: "vip-auto-allocated",
			obj: aviobj.Vip{
				VipID:              "0",
				AutoAllocateIP:     aviobj.Bool(true),
				AutoAllocateIPType: aviobj.AutoAllocateV4Only,
				IPAMNetworkSubnet:  &aviobj.IPNetworkSubnet{NetworkRef: "/api/network/?name=vip-net"},
			},
			want: `{"vip_id":"0","auto_allocate_ip":true,"auto_allocate_ip_type":"V4_ONLY","ipam_network_subnet":{"network_ref":"/api/network/?name=vip-net"}}`,
		},
		{
			name: "vip-preferred-address-no-auto-allocation",
			obj:  aviobj.Vip{VipID: "0", AutoAllocateIP: aviobj.Bool(false), IPAddress: &aviobj.IPAddr{Addr: "10.0.0.5", Type: aviobj.IPTypeV4}},
			want: `{"vip_id":"0","auto_allocate_ip":false,"ip_address":{"addr":"10.0.0.5","type":"V4"}}`,
		},
		{
			name: "subnet-mask-zero-is-sent",
			obj:  aviobj.IPAddrPrefix{IPAddr: aviobj.IPAddr{Addr: "0.0.0.0", Type: aviobj.IPTypeV4}},
			want: `{"ip_addr":{"addr":"0.0.0.0","type":"V4"},"mask":0}`,
		},
		{
			name: "pool-name-only",
			obj:  aviobj.Pool{Name: "p"},
			want: `{"name":"p"}`,
		},
		{
			name: "pool-false-and-zero-pointers-are-sent",
			obj:  aviobj.Pool{Name: "p", SNIEnabled: aviobj.Bool(false), GracefulDisableTimeout: aviobj.Int32(0), MinServersUp: aviobj.Int32(0)},
			want: `{"name":"p","sni_enabled":false,"graceful_disable_timeout":0,"min_servers_up":0}`,
		},
		{
			name: "server-disabled-is-sent",
			obj:  aviobj.Server{IP: aviobj.IPAddr{Addr: "10.0.0.5", Type: aviobj.IPTypeV4}, Port: 8080, Enabled: aviobj.Bool(false), ExternalUUID: "10.0.0.5:8080"},
			want: `{"ip":{"addr":"10.0.0.5","type":"V4"},"port":8080,"enabled":false,"external_uuid":"10.0.0.5:8080"}`,
		},
		{
			name: "server-unset-optional-fields-absent",
			obj:  aviobj.Server{IP: aviobj.IPAddr{Addr: "fd00::5", Type: aviobj.IPTypeV6}},
			want: `{"ip":{"addr":"fd00::5","type":"V6"}}`,
		},
		{
			name: "l4policyset-rule-index-zero-is-sent",
			obj: aviobj.L4PolicySet{
				Name: "ps",
				L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{
					rule(0, "SCTP-38412", 38412, aviobj.ProtocolSCTP, "c1--ns-svc-SCTP-38412"),
				}},
			},
			want: `{
				"name": "ps",
				"l4_connection_policy": {"rules": [{
					"index": 0,
					"name": "SCTP-38412",
					"match": {
						"port": {"match_criteria": "IS_IN", "ports": [38412]},
						"protocol": {"match_criteria": "IS_IN", "protocol": "PROTOCOL_SCTP"}
					},
					"action": {"select_pool": {"action_type": "L4_RULE_ACTION_SELECT_POOL", "pool_ref": "/api/pool/?name=c1--ns-svc-SCTP-38412"}}
				}]}
			}`,
		},
		{
			name: "l4rule-minimal",
			obj:  aviobj.L4Rule{},
			want: `{"index":0,"name":""}`,
		},
		{
			name: "l4rule-enable-false-is-sent",
			obj:  aviobj.L4Rule{Index: 2, Name: "r", Enable: aviobj.Bool(false)},
			want: `{"index":2,"name":"r","enable":false}`,
		},
		{
			name: "l4rule-required-match-fields-sent",
			obj:  aviobj.L4RuleMatchTarget{Port: &aviobj.L4RulePortMatch{}, Protocol: &aviobj.L4RuleProtocolMatch{}},
			want: `{"port":{"match_criteria":""},"protocol":{"match_criteria":"","protocol":""}}`,
		},
		{
			name: "port-range-zero-bounds-sent",
			obj:  aviobj.PortRange{},
			want: `{"start":0,"end":0}`,
		},
		{
			name: "select-pool-action-type-always-sent",
			obj:  aviobj.L4RuleActionSelectPool{},
			want: `{"action_type":""}`,
		},
		{
			name: "healthmonitor-type-always-sent-no-created-by",
			obj:  aviobj.HealthMonitor{Name: "hm"},
			want: `{"name":"hm","type":""}`,
		},
		{
			name: "healthmonitor-sctp",
			obj: aviobj.HealthMonitor{
				Name:        "hm",
				Type:        aviobj.HealthMonitorTypeSCTP,
				MonitorPort: aviobj.Int32(0),
				SCTPMonitor: &aviobj.HealthMonitorSCTP{},
				TCPMonitor:  &aviobj.HealthMonitorTCP{TCPHalfOpen: aviobj.Bool(false)},
			},
			want: `{"name":"hm","type":"HEALTH_MONITOR_SCTP","monitor_port":0,"sctp_monitor":{},"tcp_monitor":{"tcp_half_open":false}}`,
		},
		{
			name: "networkprofile-type-always-sent-no-created-by",
			obj:  aviobj.NetworkProfile{Name: "np"},
			want: `{"name":"np","profile":{"type":""}}`,
		},
		{
			name: "networkprofile-sctp-proxy-zero-is-sent",
			obj: aviobj.NetworkProfile{Name: "np", Profile: aviobj.NetworkProfileUnion{
				Type:             aviobj.ProtocolTypeSCTPProxy,
				SCTPProxyProfile: &aviobj.SCTPProxyProfile{NumberOfStreams: aviobj.Int32(16), IdleTimeout: aviobj.Int32(0)},
			}},
			want: `{"name":"np","profile":{"type":"PROTOCOL_TYPE_SCTP_PROXY","sctp_proxy_profile":{"number_of_streams":16,"idle_timeout":0}}}`,
		},
		{
			name: "marker-without-values",
			obj:  aviobj.Marker{Key: "clustername"},
			want: `{"key":"clustername"}`,
		},
		{
			name: "set",
			obj:  aviobj.Set{Tenant: "admin", ClusterName: "c1", CreatedBy: "ako-c1"},
			want: `{"tenant":"admin","clusterName":"c1","createdBy":"ako-c1"}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.obj)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			var got, want any
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatalf("bad want JSON: %v", err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("JSON of %T (-want +got):\n%s\ngot: %s", tt.obj, diff, b)
			}
		})
	}
}

// VsVip, HealthMonitor and NetworkProfile have no created_by in the schema:
// sending it is a schema error, so the types must not be able to carry it.
func TestWireNoCreatedBy(t *testing.T) {
	for _, obj := range []any{aviobj.VsVip{Name: "v"}, aviobj.HealthMonitor{Name: "h"}, aviobj.NetworkProfile{Name: "n"}} {
		b, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		if _, ok := m["created_by"]; ok {
			t.Errorf("%T marshals created_by: %s", obj, b)
		}
	}
}

// A controller's answer decodes: server-filled fields land in their
// fields, and fields avil4 does not model are ignored.
func TestWireDecodeLive(t *testing.T) {
	const live = `{
		"url": "https://10.0.0.1/api/pool/pool-1#c1--default-svc-SCTP-9000",
		"uuid": "pool-1",
		"_last_modified": "1700000000000000",
		"name": "c1--default-svc-SCTP-9000",
		"tenant_ref": "https://10.0.0.1/api/tenant/admin#admin",
		"cloud_ref": "https://10.0.0.1/api/cloud/cloud-1#Default-Cloud",
		"created_by": "ako-c1",
		"enabled": true,
		"lb_algorithm": "LB_ALGORITHM_LEAST_CONNECTIONS",
		"health_monitor_refs": ["https://10.0.0.1/api/healthmonitor/healthmonitor-3#System-SCTP"],
		"servers": [{"ip": {"addr": "10.0.0.5", "type": "V4"}, "port": 9090, "enabled": false, "ratio": 1, "hostname": "10.0.0.5"}],
		"markers": [{"key": "clustername", "values": ["c1"]}],
		"inline_health_monitor": true,
		"fail_action": {"type": "FAIL_ACTION_CLOSE_CONN"}
	}`
	var got aviobj.Pool
	if err := json.Unmarshal([]byte(live), &got); err != nil {
		t.Fatal(err)
	}
	want := aviobj.Pool{
		URL:               "https://10.0.0.1/api/pool/pool-1#c1--default-svc-SCTP-9000",
		UUID:              "pool-1",
		LastModified:      "1700000000000000",
		Name:              "c1--default-svc-SCTP-9000",
		TenantRef:         "https://10.0.0.1/api/tenant/admin#admin",
		CloudRef:          "https://10.0.0.1/api/cloud/cloud-1#Default-Cloud",
		CreatedBy:         "ako-c1",
		Enabled:           aviobj.Bool(true),
		LBAlgorithm:       "LB_ALGORITHM_LEAST_CONNECTIONS",
		HealthMonitorRefs: []string{"https://10.0.0.1/api/healthmonitor/healthmonitor-3#System-SCTP"},
		Servers:           []aviobj.Server{{IP: aviobj.IPAddr{Addr: "10.0.0.5", Type: "V4"}, Port: 9090, Enabled: aviobj.Bool(false), Hostname: "10.0.0.5"}},
		Markers:           []aviobj.Marker{{Key: "clustername", Values: []string{"c1"}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded live pool (-want +got):\n%s", diff)
	}
}
