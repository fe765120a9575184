package aviobj_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/aviobj"
)

func TestCheckAcceptsFullSet(t *testing.T) {
	if probs := aviobj.Check(fullSet()); len(probs) != 0 {
		t.Fatalf("Check(fullSet()) = %v, want none", probs)
	}
}

func TestCheck(t *testing.T) {
	const vs = "c1--default-svc"
	tooManyServices := func(s *aviobj.Set) {
		s.VirtualService.Services = make([]aviobj.Service, 2049)
		for i := range s.VirtualService.Services {
			s.VirtualService.Services[i] = aviobj.Service{Port: int32(i + 1), PortRangeEnd: int32(i + 1)}
		}
	}
	// withPoolGroup makes rule 0 select a pool group "pg" over both pools,
	// 80/20, and returns it.
	withPoolGroup := func(s *aviobj.Set) *aviobj.PoolGroup {
		p := s.Pools[0]
		s.PoolGroups = []aviobj.PoolGroup{{Name: "pg", TenantRef: p.TenantRef, CreatedBy: p.CreatedBy, Markers: p.Markers,
			Members: []aviobj.PoolGroupMember{
				{PoolRef: aviobj.RefByName(aviobj.KindPool, s.Pools[0].Name), Ratio: aviobj.Int32(80)},
				{PoolRef: aviobj.RefByName(aviobj.KindPool, s.Pools[1].Name), Ratio: aviobj.Int32(20)},
			}}}
		sp := s.L4PolicySet.L4ConnectionPolicy.Rules[0].Action.SelectPool
		sp.ActionType, sp.PoolRef, sp.PoolGroupRef = aviobj.ActionSelectPoolGroup, "", aviobj.RefByName(aviobj.KindPoolGroup, "pg")
		return &s.PoolGroups[0]
	}
	tests := []struct {
		name   string
		mutate func(*aviobj.Set)
		want   []aviobj.Problem
	}{{
		name:   "pool group 80/20 with a weight-0 member",
		mutate: func(s *aviobj.Set) { withPoolGroup(s).Members[1].Ratio = aviobj.Int32(0) },
	}, {
		name:   "pool group member not in the Set",
		mutate: func(s *aviobj.Set) { withPoolGroup(s).Members[1].PoolRef = aviobj.RefByName(aviobj.KindPool, "gone") },
		want: []aviobj.Problem{{Kind: aviobj.KindPoolGroup, Name: "pg", Field: "members[1].pool_ref",
			Message: `refers to pool "gone", which is not in the Set`}},
	}, {
		name: "pool group member twice",
		mutate: func(s *aviobj.Set) {
			g := withPoolGroup(s)
			g.Members[1].PoolRef = g.Members[0].PoolRef
		},
		want: []aviobj.Problem{{Kind: aviobj.KindPoolGroup, Name: "pg", Field: "members[1].pool_ref", Message: "the same pool as members[0]"}},
	}, {
		name:   "pool group ratio over 1000",
		mutate: func(s *aviobj.Set) { withPoolGroup(s).Members[0].Ratio = aviobj.Int32(1001) },
		want: []aviobj.Problem{{Kind: aviobj.KindPoolGroup, Name: "pg", Field: "members[0].ratio",
			Message: "must be between 1 and 1000 or one of 0, got 1001"}},
	}, {
		name: "rule selects a pool group the Set does not hold",
		mutate: func(s *aviobj.Set) {
			withPoolGroup(s)
			s.PoolGroups = nil
		},
		want: []aviobj.Problem{{Kind: aviobj.KindL4PolicySet, Name: vs, Field: "l4_connection_policy.rules[0].action.select_pool.pool_group_ref",
			Message: `refers to poolgroup "pg", which is not in the Set`}},
	}, {
		name:   "no cluster name",
		mutate: func(s *aviobj.Set) { s.ClusterName = "" },
		// Every object then also lacks the owner's marks.
		want: []aviobj.Problem{{Field: "clusterName", Message: `must be a non-empty run of letters, digits, '-' and '_' of at most 255 characters, got ""`}},
	}, {
		name:   "tenant star",
		mutate: func(s *aviobj.Set) { s.Tenant = "*" },
		want:   []aviobj.Problem{{Field: "tenant", Message: `"*" means every tenant to the controller; name one tenant`}},
	}, {
		name:   "tenant with a slash",
		mutate: func(s *aviobj.Set) { s.Tenant = "a/b" },
		want:   []aviobj.Problem{{Field: "tenant", Message: "must not contain any of / ? # & , *"}},
	}, {
		name:   "no virtual service",
		mutate: func(s *aviobj.Set) { s.VirtualService = nil },
		want:   []aviobj.Problem{{Field: "virtualservice", Message: "required: a Set is named by its VirtualService"}},
	}, {
		name:   "more than 2048 services",
		mutate: tooManyServices,
		want:   []aviobj.Problem{{Kind: aviobj.KindVirtualService, Name: vs, Field: "services", Message: "must have at most 2048 items, got 2049"}},
	}, {
		name:   "negative server port",
		mutate: func(s *aviobj.Set) { s.Pools[0].Servers[0].Port = -1 },
		want:   []aviobj.Problem{{Kind: aviobj.KindPool, Name: "c1--default-svc-TCP-80", Field: "servers[0].port", Message: "must be between 1 and 65535 or one of 0, got -1"}},
	}, {
		name:   "server address not an IP",
		mutate: func(s *aviobj.Set) { s.Pools[0].Servers[0].IP.Addr = "node-1" },
		want:   []aviobj.Problem{{Kind: aviobj.KindPool, Name: "c1--default-svc-TCP-80", Field: "servers[0].ip", Message: `addr "node-1" is not an IP address`}},
	}, {
		name:   "server address of the wrong family",
		mutate: func(s *aviobj.Set) { s.Pools[0].Servers[0].IP.Addr = "fd00::1" },
		want:   []aviobj.Problem{{Kind: aviobj.KindPool, Name: "c1--default-svc-TCP-80", Field: "servers[0].ip", Message: `addr "fd00::1" is not an IPv4 address (type V4)`}},
	}, {
		name: "duplicate server",
		mutate: func(s *aviobj.Set) {
			s.Pools[0].Servers = append(s.Pools[0].Servers, s.Pools[0].Servers[0])
		},
		want: []aviobj.Problem{{Kind: aviobj.KindPool, Name: "c1--default-svc-TCP-80", Field: "servers[1]", Message: "the same address and port as servers[0]"}},
	}, {
		name: "network profile setting out of the schema's range",
		mutate: func(s *aviobj.Set) {
			s.NetworkProfiles = []aviobj.NetworkProfile{{Name: "c1--default-svc-SCTP-38412-np", Markers: []aviobj.Marker{{Key: aviobj.MarkerClusterName, Values: []string{"c1"}}},
				Profile: aviobj.NetworkProfileUnion{Type: aviobj.ProtocolTypeSCTPProxy, SCTPProxyProfile: &aviobj.SCTPProxyProfile{ReceiveWindow: aviobj.Int32(1)}}}}
		},
		want: []aviobj.Problem{{Kind: aviobj.KindNetworkProfile, Name: "c1--default-svc-SCTP-38412-np", Field: "profile.sctp_proxy_profile.receive_window", Message: "must be between 2 and 65536, got 1"}},
	}, {
		name: "network profile without the owner's marker",
		mutate: func(s *aviobj.Set) {
			s.NetworkProfiles = []aviobj.NetworkProfile{{Name: "np", Profile: aviobj.NetworkProfileUnion{Type: aviobj.ProtocolTypeSCTPProxy}}}
		},
		want: []aviobj.Problem{{Kind: aviobj.KindNetworkProfile, Name: "np", Field: "markers", Message: `must carry the clustername marker "c1"`}},
	}, {
		name:   "static VIP not an IP",
		mutate: func(s *aviobj.Set) { s.VsVip.Vip[0].IPAddress.Addr = "10.0.0.300" },
		want:   []aviobj.Problem{{Kind: aviobj.KindVsVip, Name: vs, Field: "vip[0].ip_address", Message: `addr "10.0.0.300" is not an IP address`}},
	}, {
		name:   "name too long",
		mutate: func(s *aviobj.Set) { s.HealthMonitors[0].Name = strings.Repeat("h", 256) },
		want:   []aviobj.Problem{{Kind: aviobj.KindHealthMonitor, Name: strings.Repeat("h", 256), Field: "name", Message: "must be at most 255 characters, got 256"}},
	}, {
		name:   "duplicate pool name",
		mutate: func(s *aviobj.Set) { s.Pools[1].Name = s.Pools[0].Name },
		want: []aviobj.Problem{
			{Kind: aviobj.KindPool, Name: "c1--default-svc-TCP-80", Field: "name", Message: "another pool of the Set has this name"},
			{Kind: aviobj.KindL4PolicySet, Name: vs, Field: "l4_connection_policy.rules[1].action.select_pool.pool_ref",
				Message: `refers to pool "c1--default-svc-SCTP-9000", which is not in the Set`},
		},
	}, {
		name:   "rule selects a pool the Set does not hold",
		mutate: func(s *aviobj.Set) { s.Pools = s.Pools[:1] },
		want: []aviobj.Problem{{Kind: aviobj.KindL4PolicySet, Name: vs, Field: "l4_connection_policy.rules[1].action.select_pool.pool_ref",
			Message: `refers to pool "c1--default-svc-SCTP-9000", which is not in the Set`}},
	}, {
		name:   "virtual service without its VsVip",
		mutate: func(s *aviobj.Set) { s.VsVip = nil },
		want:   []aviobj.Problem{{Kind: aviobj.KindVirtualService, Name: vs, Field: "vsvip_ref", Message: `refers to vsvip "c1--default-svc", which is not in the Set`}},
	}, {
		name: "duplicate rule index",
		mutate: func(s *aviobj.Set) {
			s.L4PolicySet.L4ConnectionPolicy.Rules[1].Index = s.L4PolicySet.L4ConnectionPolicy.Rules[0].Index
		},
		want: []aviobj.Problem{{Kind: aviobj.KindL4PolicySet, Name: vs, Field: "l4_connection_policy.rules[1].index", Message: "index 0 is used by an earlier rule"}},
	}, {
		name:   "another owner's created_by",
		mutate: func(s *aviobj.Set) { s.Pools[0].CreatedBy = "ako-other" },
		want:   []aviobj.Problem{{Kind: aviobj.KindPool, Name: "c1--default-svc-TCP-80", Field: "created_by", Message: `must be the Set's owner "ako-c1", got "ako-other"`}},
	}, {
		name:   "no clustername marker",
		mutate: func(s *aviobj.Set) { s.VsVip.Markers = nil },
		want:   []aviobj.Problem{{Kind: aviobj.KindVsVip, Name: vs, Field: "markers", Message: `must carry the clustername marker "c1"`}},
	}, {
		name:   "tenant_ref of another tenant",
		mutate: func(s *aviobj.Set) { s.VsVip.TenantRef = aviobj.RefByName(aviobj.KindTenant, "telco") },
		want:   []aviobj.Problem{{Kind: aviobj.KindVsVip, Name: vs, Field: "tenant_ref", Message: `names tenant "telco", but the Set is in tenant "admin"`}},
	}, {
		name:   "unknown enum value",
		mutate: func(s *aviobj.Set) { s.Pools[0].LBAlgorithm = "LB_ALGORITHM_MAGIC" },
		want:   []aviobj.Problem{{Kind: aviobj.KindPool, Name: "c1--default-svc-TCP-80", Field: "lb_algorithm"}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := fullSet()
			tc.mutate(s)
			got := aviobj.Check(s)
			if tc.name == "no cluster name" {
				// Only the first problem is pinned; the rest name each object.
				if len(got) < 1+len(s.Objects()) {
					t.Fatalf("Check = %v, want a Set problem and one per object", got)
				}
				got = got[:1]
			}
			if tc.name == "unknown enum value" && len(got) == 1 {
				if !strings.HasPrefix(got[0].Message, "must be one of ") {
					t.Errorf("message = %q, want an enum problem", got[0].Message)
				}
				got[0].Message = ""
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Check (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckNil(t *testing.T) {
	if got := aviobj.Check(nil); len(got) != 1 || got[0].Message != "no Set" {
		t.Errorf("Check(nil) = %v", got)
	}
}

func TestTenantNameProblem(t *testing.T) {
	for name, bad := range map[string]bool{
		"": false, "admin": false, "telco-5g": false, "Tenant With Spaces": false, "ténant": false,
		"*": true, " admin": true, "admin ": true, "a,b": true, "a?b": true, "a#b": true, "a&b": true,
		"a\nb": true, "\xff": true, strings.Repeat("t", 256): true,
	} {
		if got := aviobj.TenantNameProblem(name) != ""; got != bad {
			t.Errorf("TenantNameProblem(%q) refused = %v, want %v", name, got, bad)
		}
	}
}

func TestIsValidClusterName(t *testing.T) {
	for name, ok := range map[string]bool{
		"c1": true, "prod_eu-1": true, "": false, "a.b": false, "a b": false, "é": false, strings.Repeat("c", 256): false,
	} {
		if got := aviobj.IsValidClusterName(name); got != ok {
			t.Errorf("IsValidClusterName(%q) = %v, want %v", name, got, ok)
		}
	}
}

func ExampleCheck() {
	set := &aviobj.Set{
		Tenant:      "*",
		ClusterName: "c1",
		VirtualService: &aviobj.VirtualService{
			Name:      "c1--default-svc",
			CreatedBy: "ako-c1",
			VsVipRef:  aviobj.RefByName(aviobj.KindVsVip, "c1--default-svc"),
			Markers:   aviobj.Markers{ClusterName: "c1"}.List(),
		},
	}
	for _, p := range aviobj.Check(set) {
		fmt.Println(p)
	}
	// Output:
	// tenant: "*" means every tenant to the controller; name one tenant
	// virtualservice "c1--default-svc": vsvip_ref: refers to vsvip "c1--default-svc", which is not in the Set
}
