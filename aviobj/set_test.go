package aviobj_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/aviobj"
)

// fullSet is a dedicated Service with a TCP and an SCTP port and one custom
// health monitor, as a translation would produce it. Every call returns a
// fresh value, so tests can compare against it after mutating another.
func fullSet() *aviobj.Set {
	const (
		vs      = "c1--default-svc"
		poolTCP = "c1--default-svc-TCP-80"
		poolSCP = "c1--default-svc-SCTP-9000"
	)
	return &aviobj.Set{
		Tenant:      "admin",
		ClusterName: "c1",
		CreatedBy:   "ako-c1",
		HealthMonitors: []aviobj.HealthMonitor{{
			Name:        "c1--default-svc-sctp-hm",
			Type:        aviobj.HealthMonitorTypeSCTP,
			MonitorPort: aviobj.Int32(9090),
			SCTPMonitor: &aviobj.HealthMonitorSCTP{SCTPRequest: "ping"},
			Markers:     aviobj.Markers{ClusterName: "c1"}.List(),
		}},
		VsVip: &aviobj.VsVip{
			Name:      vs,
			TenantRef: aviobj.RefByName(aviobj.KindTenant, "admin"),
			Vip: []aviobj.Vip{{
				VipID:          "0",
				AutoAllocateIP: aviobj.Bool(true),
				IPAddress:      &aviobj.IPAddr{Addr: "10.0.0.5", Type: aviobj.IPTypeV4},
				IPAMNetworkSubnet: &aviobj.IPNetworkSubnet{
					NetworkRef: aviobj.RefByName(aviobj.KindNetwork, "vip-net"),
				},
			}},
			Markers: aviobj.Markers{ClusterName: "c1"}.List(),
		},
		Pools: []aviobj.Pool{
			{
				Name:              poolTCP,
				CreatedBy:         "ako-c1",
				HealthMonitorRefs: []string{aviobj.RefByName(aviobj.KindHealthMonitor, "System-TCP")},
				Servers: []aviobj.Server{{
					IP:           aviobj.IPAddr{Addr: "10.0.0.5", Type: aviobj.IPTypeV4},
					Port:         8080,
					Enabled:      aviobj.Bool(true),
					ExternalUUID: "10.0.0.5:8080",
					ServerNode:   "n1",
				}},
				Markers: aviobj.Markers{ClusterName: "c1", Namespace: "default", ServiceName: "svc", Port: "80"}.List(),
			},
			{
				Name:              poolSCP,
				CreatedBy:         "ako-c1",
				HealthMonitorRefs: []string{aviobj.RefByName(aviobj.KindHealthMonitor, "c1--default-svc-sctp-hm")},
				Servers: []aviobj.Server{{
					IP:           aviobj.IPAddr{Addr: "10.0.0.5", Type: aviobj.IPTypeV4},
					Port:         9090,
					Enabled:      aviobj.Bool(true),
					ExternalUUID: "10.0.0.5:9090",
					ServerNode:   "n1",
				}},
				Markers: aviobj.Markers{ClusterName: "c1", Namespace: "default", ServiceName: "svc", Port: "9000"}.List(),
			},
		},
		L4PolicySet: &aviobj.L4PolicySet{
			Name:      vs,
			CreatedBy: "ako-c1",
			L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{
				rule(0, "TCP-80", 80, aviobj.ProtocolTCP, poolTCP),
				rule(1, "SCTP-9000", 9000, aviobj.ProtocolSCTP, poolSCP),
			}},
			Markers: aviobj.Markers{ClusterName: "c1", Namespace: "default", ServiceName: "svc", Protocol: "SCTP,TCP"}.List(),
		},
		VirtualService: &aviobj.VirtualService{
			Name:                  vs,
			CreatedBy:             "ako-c1",
			TenantRef:             aviobj.RefByName(aviobj.KindTenant, "admin"),
			CloudRef:              aviobj.RefByName(aviobj.KindCloud, "Default-Cloud"),
			ApplicationProfileRef: aviobj.RefByName(aviobj.KindApplicationProfile, "System-L4-Application"),
			NetworkProfileRef:     aviobj.RefByName(aviobj.KindNetworkProfile, "System-TCP-Proxy"),
			VsVipRef:              aviobj.RefByName(aviobj.KindVsVip, vs),
			Services: []aviobj.Service{
				{Port: 9000, PortRangeEnd: 9000, OverrideNetworkProfileRef: aviobj.RefByName(aviobj.KindNetworkProfile, "System-SCTP-Proxy")},
				{Port: 80, PortRangeEnd: 80},
			},
			L4Policies:                  []aviobj.L4Policies{{Index: 0, L4PolicySetRef: aviobj.RefByName(aviobj.KindL4PolicySet, vs)}},
			TrafficEnabled:              aviobj.Bool(true),
			RemoveListeningPortOnVsDown: aviobj.Bool(true),
			Markers:                     aviobj.Markers{ClusterName: "c1", Namespace: "default", ServiceName: "svc"}.List(),
		},
	}
}

func rule(index int32, name string, port int32, protocol, pool string) aviobj.L4Rule {
	return aviobj.L4Rule{
		Index: index,
		Name:  name,
		Match: &aviobj.L4RuleMatchTarget{
			Port:     &aviobj.L4RulePortMatch{MatchCriteria: aviobj.MatchIsIn, Ports: []int32{port}},
			Protocol: &aviobj.L4RuleProtocolMatch{MatchCriteria: aviobj.MatchIsIn, Protocol: protocol},
		},
		Action: &aviobj.L4RuleAction{SelectPool: &aviobj.L4RuleActionSelectPool{
			ActionType: aviobj.ActionSelectPool,
			PoolRef:    aviobj.RefByName(aviobj.KindPool, pool),
		}},
	}
}

// kindNames renders objects as "<kind>/<name>" for readable diffs.
func kindNames(objs []aviobj.Object) []string {
	var out []string
	for _, o := range objs {
		out = append(out, string(o.AviKind())+"/"+o.AviName())
	}
	return out
}

func TestSetObjects(t *testing.T) {
	tests := []struct {
		name string
		set  *aviobj.Set
		want []string
	}{
		{
			name: "full-set-in-apply-order",
			set:  fullSet(),
			want: []string{
				"healthmonitor/c1--default-svc-sctp-hm",
				"vsvip/c1--default-svc",
				"pool/c1--default-svc-TCP-80",
				"pool/c1--default-svc-SCTP-9000",
				"l4policyset/c1--default-svc",
				"virtualservice/c1--default-svc",
			},
		},
		{
			name: "fields-filled-in-reverse-order",
			set: &aviobj.Set{
				VirtualService: &aviobj.VirtualService{Name: "vs"},
				L4PolicySet:    &aviobj.L4PolicySet{Name: "ps"},
				PoolGroups:     []aviobj.PoolGroup{{Name: "pg"}},
				Pools:          []aviobj.Pool{{Name: "p1"}, {Name: "p2"}, {Name: "p3"}},
				VsVip:          &aviobj.VsVip{Name: "vip"},
				HealthMonitors: []aviobj.HealthMonitor{{Name: "hm1"}, {Name: "hm2"}},
			},
			want: []string{"healthmonitor/hm1", "healthmonitor/hm2", "vsvip/vip", "pool/p1", "pool/p2", "pool/p3", "poolgroup/pg", "l4policyset/ps", "virtualservice/vs"},
		},
		{
			name: "pools-only",
			set:  &aviobj.Set{Pools: []aviobj.Pool{{Name: "p1"}, {Name: "p2"}}},
			want: []string{"pool/p1", "pool/p2"},
		},
		{
			name: "virtualservice-and-vsvip-only",
			set:  &aviobj.Set{VirtualService: &aviobj.VirtualService{Name: "vs"}, VsVip: &aviobj.VsVip{Name: "vs"}},
			want: []string{"vsvip/vs", "virtualservice/vs"},
		},
		{
			name: "healthmonitors-and-l4policyset",
			set:  &aviobj.Set{L4PolicySet: &aviobj.L4PolicySet{Name: "ps"}, HealthMonitors: []aviobj.HealthMonitor{{Name: "hm"}}},
			want: []string{"healthmonitor/hm", "l4policyset/ps"},
		},
		{
			name: "empty-set",
			set:  &aviobj.Set{Tenant: "admin", ClusterName: "c1"},
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, kindNames(tt.set.Objects())); diff != "" {
				t.Errorf("Objects() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSetObjectsNil(t *testing.T) {
	var s *aviobj.Set
	if got := s.Objects(); got != nil {
		t.Errorf("(*Set)(nil).Objects() = %v, want nil", kindNames(got))
	}
}

// Objects returns pointers into the Set: an applier that writes back server
// fields (uuid) through them updates the Set itself.
func TestSetObjectsPointIntoSet(t *testing.T) {
	s := fullSet()
	for _, o := range s.Objects() {
		switch o := o.(type) {
		case *aviobj.HealthMonitor:
			o.UUID = "hm-uuid"
		case *aviobj.VsVip:
			o.UUID = "vsvip-uuid"
		case *aviobj.Pool:
			o.UUID = "pool-uuid-" + o.Name
		case *aviobj.L4PolicySet:
			o.UUID = "ps-uuid"
		case *aviobj.VirtualService:
			o.UUID = "vs-uuid"
		default:
			t.Fatalf("Objects() returned an unexpected %T", o)
		}
	}
	got := []string{
		s.HealthMonitors[0].UUID,
		s.VsVip.UUID,
		s.Pools[0].UUID,
		s.Pools[1].UUID,
		s.L4PolicySet.UUID,
		s.VirtualService.UUID,
	}
	want := []string{
		"hm-uuid",
		"vsvip-uuid",
		"pool-uuid-c1--default-svc-TCP-80",
		"pool-uuid-c1--default-svc-SCTP-9000",
		"ps-uuid",
		"vs-uuid",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("UUIDs written through Objects() (-want +got):\n%s", diff)
	}
}

func TestObjectKindAndName(t *testing.T) {
	tests := []struct {
		name     string
		obj      aviobj.Object
		wantKind aviobj.Kind
		wantName string
	}{
		{name: "virtualservice", obj: &aviobj.VirtualService{Name: "a"}, wantKind: "virtualservice", wantName: "a"},
		{name: "vsvip", obj: &aviobj.VsVip{Name: "b"}, wantKind: "vsvip", wantName: "b"},
		{name: "pool", obj: &aviobj.Pool{Name: "c"}, wantKind: "pool", wantName: "c"},
		{name: "l4policyset", obj: &aviobj.L4PolicySet{Name: "d"}, wantKind: "l4policyset", wantName: "d"},
		{name: "healthmonitor", obj: &aviobj.HealthMonitor{Name: "e"}, wantKind: "healthmonitor", wantName: "e"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if k, n := tt.obj.AviKind(), tt.obj.AviName(); k != tt.wantKind || n != tt.wantName {
				t.Errorf("AviKind(), AviName() = %q, %q; want %q, %q", k, n, tt.wantKind, tt.wantName)
			}
		})
	}
}

func TestSetName(t *testing.T) {
	tests := []struct {
		name string
		set  *aviobj.Set
		want string
	}{
		{name: "nil-set", set: nil, want: ""},
		{name: "no-virtualservice", set: &aviobj.Set{Pools: []aviobj.Pool{{Name: "p"}}}, want: ""},
		{name: "virtualservice-name", set: fullSet(), want: "c1--default-svc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.set.Name(); got != tt.want {
				t.Errorf("Name() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSetDeepCopy(t *testing.T) {
	orig := fullSet()
	orig.VirtualService.UUID = "virtualservice-1"
	orig.VirtualService.URL = "https://10.0.0.1/api/virtualservice/virtualservice-1"
	orig.Pools[0].LastModified = "1700000000000000"

	cp := orig.DeepCopy()
	// Exact comparison, no semantic options: the copy must be identical.
	if diff := cmp.Diff(orig, cp); diff != "" {
		t.Fatalf("DeepCopy() differs from the original (-orig +copy):\n%s", diff)
	}

	// Mutate everything reachable through the copy, including through
	// pointers and nested slices.
	cp.Tenant = "other"
	cp.HealthMonitors[0].Name = "changed"
	*cp.HealthMonitors[0].MonitorPort = 1
	cp.HealthMonitors[0].SCTPMonitor.SCTPRequest = "changed"
	cp.VsVip.Vip[0].IPAddress.Addr = "192.0.2.1"
	*cp.VsVip.Vip[0].AutoAllocateIP = false
	cp.VsVip.Markers[0].Values[0] = "changed"
	cp.Pools[0].HealthMonitorRefs[0] = "/api/healthmonitor/?name=changed"
	*cp.Pools[0].Servers[0].Enabled = false
	cp.Pools[1].Servers[0].Port = 1
	cp.Pools = append(cp.Pools, aviobj.Pool{Name: "extra"})
	cp.L4PolicySet.L4ConnectionPolicy.Rules[0].Match.Port.Ports[0] = 1
	cp.L4PolicySet.L4ConnectionPolicy.Rules[1].Action.SelectPool.PoolRef = "/api/pool/?name=changed"
	cp.VirtualService.Services[0].Port = 1
	*cp.VirtualService.TrafficEnabled = false
	cp.VirtualService.L4Policies[0].Index = 7
	cp.VirtualService.UUID = "changed"

	want := fullSet()
	want.VirtualService.UUID = "virtualservice-1"
	want.VirtualService.URL = "https://10.0.0.1/api/virtualservice/virtualservice-1"
	want.Pools[0].LastModified = "1700000000000000"
	if diff := cmp.Diff(want, orig); diff != "" {
		t.Errorf("mutating the copy changed the original (-want +got):\n%s", diff)
	}
}

func TestSetDeepCopyNil(t *testing.T) {
	var s *aviobj.Set
	if got := s.DeepCopy(); got != nil {
		t.Errorf("(*Set)(nil).DeepCopy() = %#v, want nil", got)
	}
}

func TestPointerHelpers(t *testing.T) {
	f, tr := aviobj.Bool(false), aviobj.Bool(true)
	if *f || !*tr || f == aviobj.Bool(false) {
		t.Errorf("Bool: got %v, %v; want false, true, and a fresh pointer per call", *f, *tr)
	}
	if got := *aviobj.Int32(0); got != 0 {
		t.Errorf("*Int32(0) = %d", got)
	}
	if got := *aviobj.Int32(38412); got != 38412 {
		t.Errorf("*Int32(38412) = %d", got)
	}
}
