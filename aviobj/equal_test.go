package aviobj_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/aviobj"
)

// live returns what a controller answers for fullSet with include_name:
// every object has uuid, url and _last_modified, and every ref is a full
// URL by uuid with a #name fragment.
func liveSet() *aviobj.Set {
	const host = "https://10.0.0.1"
	s := fullSet()

	hm := &s.HealthMonitors[0]
	hm.UUID, hm.URL, hm.LastModified = "healthmonitor-1", host+"/api/healthmonitor/healthmonitor-1#c1--default-svc-sctp-hm", "1700000000000001"

	s.VsVip.UUID, s.VsVip.URL, s.VsVip.LastModified = "vsvip-1", host+"/api/vsvip/vsvip-1#c1--default-svc", "1700000000000002"
	s.VsVip.TenantRef = host + "/api/tenant/admin#admin"
	s.VsVip.Vip[0].IPAMNetworkSubnet.NetworkRef = host + "/api/network/network-1#vip-net"

	s.Pools[0].UUID, s.Pools[0].URL, s.Pools[0].LastModified = "pool-1", host+"/api/pool/pool-1#c1--default-svc-TCP-80", "1700000000000003"
	s.Pools[0].HealthMonitorRefs = []string{host + "/api/healthmonitor/healthmonitor-system-tcp#System-TCP"}
	s.Pools[1].UUID, s.Pools[1].URL, s.Pools[1].LastModified = "pool-2", host+"/api/pool/pool-2#c1--default-svc-SCTP-9000", "1700000000000004"
	s.Pools[1].HealthMonitorRefs = []string{host + "/api/healthmonitor/healthmonitor-1#c1--default-svc-sctp-hm"}

	ps := s.L4PolicySet
	ps.UUID, ps.URL, ps.LastModified = "l4policyset-1", host+"/api/l4policyset/l4policyset-1#c1--default-svc", "1700000000000005"
	ps.L4ConnectionPolicy.Rules[0].Action.SelectPool.PoolRef = host + "/api/pool/pool-1#c1--default-svc-TCP-80"
	ps.L4ConnectionPolicy.Rules[1].Action.SelectPool.PoolRef = host + "/api/pool/pool-2#c1--default-svc-SCTP-9000"

	vs := s.VirtualService
	vs.UUID, vs.URL, vs.LastModified = "virtualservice-1", host+"/api/virtualservice/virtualservice-1#c1--default-svc", "1700000000000006"
	vs.TenantRef = host + "/api/tenant/admin#admin"
	vs.CloudRef = host + "/api/cloud/cloud-1#Default-Cloud"
	vs.ApplicationProfileRef = host + "/api/applicationprofile/applicationprofile-4#System-L4-Application"
	vs.NetworkProfileRef = host + "/api/networkprofile/networkprofile-1#System-TCP-Proxy"
	vs.VsVipRef = host + "/api/vsvip/vsvip-1#c1--default-svc"
	vs.Services[0].OverrideNetworkProfileRef = host + "/api/networkprofile/networkprofile-9#System-SCTP-Proxy"
	vs.L4Policies[0].L4PolicySetRef = host + "/api/l4policyset/l4policyset-1#c1--default-svc"
	return s
}

func TestEqual(t *testing.T) {
	tests := []struct {
		name string
		a, b any
		want bool
		// wantInDiff is text the Diff of an unequal pair must mention.
		wantInDiff string
	}{
		{
			name: "desired-set-equals-live-set",
			a:    fullSet(),
			b:    liveSet(),
			want: true,
		},
		{
			name: "server-filled-fields-ignored-on-every-kind",
			a: []any{
				aviobj.VirtualService{Name: "a"}, aviobj.VsVip{Name: "a"}, aviobj.Pool{Name: "a"},
				aviobj.L4PolicySet{Name: "a"}, aviobj.HealthMonitor{Name: "a"},
			},
			b: []any{
				aviobj.VirtualService{Name: "a", UUID: "u1", URL: "https://h/api/virtualservice/u1", LastModified: "1"},
				aviobj.VsVip{Name: "a", UUID: "u2", URL: "https://h/api/vsvip/u2", LastModified: "2"},
				aviobj.Pool{Name: "a", UUID: "u3", URL: "https://h/api/pool/u3", LastModified: "3"},
				aviobj.L4PolicySet{Name: "a", UUID: "u4", URL: "https://h/api/l4policyset/u4", LastModified: "4"},
				aviobj.HealthMonitor{Name: "a", UUID: "u5", URL: "https://h/api/healthmonitor/u5", LastModified: "5"},
			},
			want: true,
		},
		{
			name: "virtualservice-pool-ref-by-name-vs-controller-form",
			a:    &aviobj.VirtualService{Name: "vs", PoolRef: "/api/pool/?name=p"},
			b:    &aviobj.VirtualService{Name: "vs", PoolRef: "https://10.0.0.1/api/pool/pool-abc#p"},
			want: true,
		},
		{
			name:       "virtualservice-pool-ref-to-another-pool",
			a:          &aviobj.VirtualService{Name: "vs", PoolRef: "/api/pool/?name=p"},
			b:          &aviobj.VirtualService{Name: "vs", PoolRef: "https://10.0.0.1/api/pool/pool-abc#other-pool"},
			want:       false,
			wantInDiff: "other-pool",
		},
		{
			name:       "virtualservice-pool-ref-by-name-vs-bare-uuid",
			a:          &aviobj.VirtualService{Name: "vs", PoolRef: "/api/pool/?name=p"},
			b:          &aviobj.VirtualService{Name: "vs", PoolRef: "https://10.0.0.1/api/pool/pool-abc"},
			want:       false,
			wantInDiff: "pool-abc",
		},
		{
			name: "l4policyset-rule-pool-ref-by-name-vs-controller-form",
			a:    &aviobj.L4PolicySet{Name: "ps", L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{rule(0, "TCP-80", 80, aviobj.ProtocolTCP, "p")}}},
			b: func() *aviobj.L4PolicySet {
				r := rule(0, "TCP-80", 80, aviobj.ProtocolTCP, "p")
				r.Action.SelectPool.PoolRef = "https://10.0.0.1/api/pool/pool-abc#p"
				return &aviobj.L4PolicySet{Name: "ps", L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{r}}}
			}(),
			want: true,
		},
		{
			name:       "l4policyset-rule-selects-another-pool",
			a:          &aviobj.L4PolicySet{Name: "ps", L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{rule(0, "TCP-80", 80, aviobj.ProtocolTCP, "p")}}},
			b:          &aviobj.L4PolicySet{Name: "ps", L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{rule(0, "TCP-80", 80, aviobj.ProtocolTCP, "stale-pool")}}},
			want:       false,
			wantInDiff: "stale-pool",
		},
		{
			name:       "l4policyset-rule-port-differs",
			a:          &aviobj.L4PolicySet{Name: "ps", L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{rule(0, "SCTP-38412", 38412, aviobj.ProtocolSCTP, "p")}}},
			b:          &aviobj.L4PolicySet{Name: "ps", L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{rule(0, "SCTP-38412", 38413, aviobj.ProtocolSCTP, "p")}}},
			want:       false,
			wantInDiff: "38413",
		},
		{
			name: "pool-health-monitor-refs-by-name-vs-controller-form",
			a:    &aviobj.Pool{Name: "p", HealthMonitorRefs: []string{"/api/healthmonitor/?name=System-SCTP", "/api/healthmonitor?name=System-Ping"}},
			b:    &aviobj.Pool{Name: "p", HealthMonitorRefs: []string{"https://10.0.0.1/api/healthmonitor/hm-1#System-SCTP", "https://10.0.0.1/api/healthmonitor/hm-2#System-Ping"}},
			want: true,
		},
		{
			name:       "pool-health-monitor-refs-other-monitor",
			a:          &aviobj.Pool{Name: "p", HealthMonitorRefs: []string{"/api/healthmonitor/?name=System-SCTP"}},
			b:          &aviobj.Pool{Name: "p", HealthMonitorRefs: []string{"https://10.0.0.1/api/healthmonitor/hm-1#System-TCP"}},
			want:       false,
			wantInDiff: "System-TCP",
		},
		{
			name:       "pool-health-monitor-refs-extra-monitor",
			a:          &aviobj.Pool{Name: "p", HealthMonitorRefs: []string{"/api/healthmonitor/?name=System-SCTP"}},
			b:          &aviobj.Pool{Name: "p", HealthMonitorRefs: []string{"https://10.0.0.1/api/healthmonitor/hm-1#System-SCTP", "https://10.0.0.1/api/healthmonitor/hm-2#System-Ping"}},
			want:       false,
			wantInDiff: "System-Ping",
		},
		{
			name:       "pool-server-address-differs",
			a:          &aviobj.Pool{Name: "p", Servers: []aviobj.Server{{IP: aviobj.IPAddr{Addr: "10.0.0.5", Type: "V4"}, Port: 8080}}},
			b:          &aviobj.Pool{Name: "p", Servers: []aviobj.Server{{IP: aviobj.IPAddr{Addr: "10.0.0.6", Type: "V4"}, Port: 8080}}},
			want:       false,
			wantInDiff: "10.0.0.6",
		},
		{
			name:       "pool-server-disabled",
			a:          &aviobj.Pool{Name: "p", Servers: []aviobj.Server{{IP: aviobj.IPAddr{Addr: "10.0.0.5", Type: "V4"}, Enabled: aviobj.Bool(true)}}},
			b:          &aviobj.Pool{Name: "p", Servers: []aviobj.Server{{IP: aviobj.IPAddr{Addr: "10.0.0.5", Type: "V4"}, Enabled: aviobj.Bool(false)}}},
			want:       false,
			wantInDiff: "Enabled",
		},
		{
			name:       "pool-server-missing",
			a:          &aviobj.Pool{Name: "p", Servers: []aviobj.Server{{IP: aviobj.IPAddr{Addr: "10.0.0.5", Type: "V4"}}, {IP: aviobj.IPAddr{Addr: "10.0.0.7", Type: "V4"}}}},
			b:          &aviobj.Pool{Name: "p", Servers: []aviobj.Server{{IP: aviobj.IPAddr{Addr: "10.0.0.5", Type: "V4"}}}},
			want:       false,
			wantInDiff: "10.0.0.7",
		},
		{
			name:       "virtualservice-service-port-differs",
			a:          &aviobj.VirtualService{Name: "vs", Services: []aviobj.Service{{Port: 38412}}},
			b:          &aviobj.VirtualService{Name: "vs", Services: []aviobj.Service{{Port: 38413}}},
			want:       false,
			wantInDiff: "38413",
		},
		{
			name:       "virtualservice-override-profile-differs",
			a:          &aviobj.VirtualService{Name: "vs", Services: []aviobj.Service{{Port: 53, OverrideNetworkProfileRef: "/api/networkprofile/?name=System-UDP-Fast-Path"}}},
			b:          &aviobj.VirtualService{Name: "vs", Services: []aviobj.Service{{Port: 53, OverrideNetworkProfileRef: "https://10.0.0.1/api/networkprofile/np-1#System-SCTP-Proxy"}}},
			want:       false,
			wantInDiff: "System-SCTP-Proxy",
		},
		{
			name:       "name-differs-even-when-uuid-matches",
			a:          &aviobj.Pool{Name: "p", UUID: "pool-1"},
			b:          &aviobj.Pool{Name: "q", UUID: "pool-1"},
			want:       false,
			wantInDiff: `"q"`,
		},
		{
			// Only *_ref and *_refs fields are refs; other strings compare
			// as strings even when they look like refs.
			name:       "ref-like-description-compared-as-string",
			a:          &aviobj.Pool{Name: "p", Description: "/api/pool/?name=p"},
			b:          &aviobj.Pool{Name: "p", Description: "https://10.0.0.1/api/pool/pool-abc#p"},
			want:       false,
			wantInDiff: "pool-abc",
		},
		{
			name:       "ref-like-marker-values-compared-as-strings",
			a:          &aviobj.VsVip{Name: "v", Markers: []aviobj.Marker{{Key: "k", Values: []string{"/api/pool/?name=p"}}}},
			b:          &aviobj.VsVip{Name: "v", Markers: []aviobj.Marker{{Key: "k", Values: []string{"https://10.0.0.1/api/pool/pool-abc#p"}}}},
			want:       false,
			wantInDiff: "pool-abc",
		},
		{
			name: "nil-and-empty-slices-equal",
			a:    &aviobj.Pool{Name: "p"},
			b: &aviobj.Pool{
				Name:              "p",
				HealthMonitorRefs: []string{},
				PlacementNetworks: []aviobj.PlacementNetwork{},
				Servers:           []aviobj.Server{},
				Markers:           []aviobj.Marker{},
			},
			want: true,
		},
		{
			name: "nil-and-empty-nested-slices-equal",
			a:    &aviobj.L4PolicySet{Name: "ps", L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{}, Markers: []aviobj.Marker{{Key: "clustername"}}},
			b:    &aviobj.L4PolicySet{Name: "ps", L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{}}, Markers: []aviobj.Marker{{Key: "clustername", Values: []string{}}}},
			want: true,
		},
		{
			name:       "nil-pointer-vs-set-pointer-differs",
			a:          &aviobj.L4PolicySet{Name: "ps"},
			b:          &aviobj.L4PolicySet{Name: "ps", L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{}},
			want:       false,
			wantInDiff: "L4ConnectionPolicy",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := aviobj.Equal(tt.a, tt.b); got != tt.want {
				t.Errorf("Equal(a, b) = %v, want %v", got, tt.want)
			}
			if got := aviobj.Equal(tt.b, tt.a); got != tt.want {
				t.Errorf("Equal(b, a) = %v, want %v", got, tt.want)
			}
			diff := aviobj.Diff(tt.a, tt.b)
			if tt.want && diff != "" {
				t.Errorf("Diff of equal objects is not empty:\n%s", diff)
			}
			if !tt.want {
				if diff == "" {
					t.Errorf("Diff of unequal objects is empty")
				} else if !strings.Contains(diff, tt.wantInDiff) {
					t.Errorf("Diff does not mention %q:\n%s", tt.wantInDiff, diff)
				}
			}
			// Users' own tests pass CmpOptions to go-cmp directly.
			if got := cmp.Equal(tt.a, tt.b, aviobj.CmpOptions()); got != tt.want {
				t.Errorf("cmp.Equal(a, b, CmpOptions()) = %v, want %v", got, tt.want)
			}
		})
	}
}

// Diff reports "-want +got": the first argument's values are marked "-".
func TestDiffDirection(t *testing.T) {
	want := &aviobj.VirtualService{Name: "vs", Services: []aviobj.Service{{Port: 80}}}
	got := &aviobj.VirtualService{Name: "vs", Services: []aviobj.Service{{Port: 8080}}}
	diff := aviobj.Diff(want, got)
	var minus, plus bool
	for _, line := range strings.Split(diff, "\n") {
		trimmed := strings.TrimSpace(line)
		minus = minus || (strings.HasPrefix(trimmed, "-") && strings.Contains(line, "80") && !strings.Contains(line, "8080"))
		plus = plus || (strings.HasPrefix(trimmed, "+") && strings.Contains(line, "8080"))
	}
	if !minus || !plus {
		t.Errorf("Diff(want, got) should mark 80 with - and 8080 with +:\n%s", diff)
	}
}

// A live set stays equal to the desired one after a deep copy (the copy
// is what a planner would hand to the applier).
func TestEqualAfterDeepCopy(t *testing.T) {
	if diff := aviobj.Diff(fullSet(), liveSet().DeepCopy()); diff != "" {
		t.Errorf("Diff(desired, copy of live) (-want +got):\n%s", diff)
	}
}
