package aviobj_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/aviobj"
)

func mk(m aviobj.Markers) []aviobj.Marker { return m.List() }

// TestIdentity reads identities from objects marked as the l4 translators
// mark them (see l4/testdata/**/*.golden.json).
func TestIdentity(t *testing.T) {
	svc := aviobj.Markers{ClusterName: "c1", Namespace: "ns", ServiceName: "web"}
	grp := aviobj.Markers{ClusterName: "c1", Namespace: "ns", GatewayName: "web"}
	tests := []struct {
		name        string
		obj         aviobj.Object
		wantMarkers []aviobj.Marker
		want        aviobj.Identity
		wantString  string
	}{{
		name:        "service-virtualservice",
		obj:         &aviobj.VirtualService{Markers: mk(svc), ServiceMetadata: `{"namespace_svc_name":["ns/web"]}`},
		wantMarkers: mk(aviobj.Markers{Namespace: "ns", ServiceName: "web"})[1:],
		want:        aviobj.Identity{Origin: aviobj.OriginService, Namespace: "ns", Name: "web"},
		wantString:  "Service ns/web",
	}, {
		name:        "shared-vip-virtualservice",
		obj:         &aviobj.VirtualService{Markers: mk(grp)},
		wantMarkers: mk(aviobj.Markers{Namespace: "ns", GatewayName: "web"})[1:],
		want:        aviobj.Identity{Origin: aviobj.OriginSharedVIP, Namespace: "ns", Name: "web"},
		wantString:  "shared-VIP group ns/web",
	}, {
		name:        "gateway-virtualservice",
		obj:         &aviobj.VirtualService{Markers: mk(grp), ServiceMetadata: `{"gateway":"ns/web"}`},
		wantMarkers: mk(aviobj.Markers{Namespace: "ns", GatewayName: "web"})[1:],
		want:        aviobj.Identity{Origin: aviobj.OriginGateway, Namespace: "ns", Name: "web"},
		wantString:  "Gateway ns/web",
	}, {
		name: "service-policyset-protocols-are-not-identity",
		obj: &aviobj.L4PolicySet{Markers: mk(aviobj.Markers{ClusterName: "c1", Namespace: "ns", ServiceName: "web",
			Protocol: "SCTP,TCP", InfraSettingName: "i"})},
		wantMarkers: mk(aviobj.Markers{Namespace: "ns", ServiceName: "web"})[1:],
		want:        aviobj.Identity{Origin: aviobj.OriginService, Namespace: "ns", Name: "web"},
	}, {
		name:        "group-policyset",
		obj:         &aviobj.L4PolicySet{Markers: mk(grp)},
		wantMarkers: mk(aviobj.Markers{Namespace: "ns", GatewayName: "web"})[1:],
		want:        aviobj.Identity{Origin: aviobj.OriginGroup, Namespace: "ns", Name: "web"},
		wantString:  "Gateway or shared-VIP group ns/web",
	}, {
		name:        "service-pool",
		obj:         &aviobj.Pool{Markers: mk(aviobj.Markers{ClusterName: "c1", Namespace: "ns", ServiceName: "web", Port: "80"})},
		wantMarkers: mk(aviobj.Markers{Namespace: "ns", ServiceName: "web", Port: "80"})[1:],
		want:        aviobj.Identity{Origin: aviobj.OriginService, Namespace: "ns", Name: "web"},
	}, {
		name: "group-pool",
		obj: &aviobj.Pool{Markers: mk(aviobj.Markers{ClusterName: "c1", Namespace: "ns", ServiceName: "api", Port: "80",
			Protocol: "TCP", GatewayName: "web"})},
		wantMarkers: mk(aviobj.Markers{Namespace: "ns", ServiceName: "api", Port: "80", Protocol: "TCP", GatewayName: "web"})[1:],
		want:        aviobj.Identity{Origin: aviobj.OriginGroup, Namespace: "ns", Name: "web"},
	}, {
		name:        "monitor",
		obj:         &aviobj.HealthMonitor{Markers: mk(aviobj.Markers{ClusterName: "c1", Namespace: "ns", ServiceName: "web", Port: "80"})},
		wantMarkers: mk(aviobj.Markers{Namespace: "ns", ServiceName: "web", Port: "80"})[1:],
		want:        aviobj.Identity{Origin: aviobj.OriginService, Namespace: "ns", Name: "web"},
	}, {
		name: "gateway-network-profile",
		obj: &aviobj.NetworkProfile{Markers: mk(aviobj.Markers{ClusterName: "c1", Namespace: "ns", Port: "38412",
			Protocol: "SCTP", GatewayName: "ran"})},
		wantMarkers: mk(aviobj.Markers{Namespace: "ns", Port: "38412", Protocol: "SCTP", GatewayName: "ran"})[1:],
		want:        aviobj.Identity{Origin: aviobj.OriginGroup, Namespace: "ns", Name: "ran"},
	}, {
		name:       "vsvip-has-none",
		obj:        &aviobj.VsVip{Markers: mk(svc)},
		wantString: "no Kubernetes object",
	}, {
		name: "clustername-only",
		obj:  &aviobj.Pool{Markers: mk(aviobj.Markers{ClusterName: "c1"})},
	}, {
		name:        "namespace-only",
		obj:         &aviobj.VirtualService{Markers: mk(aviobj.Markers{ClusterName: "c1", Namespace: "ns"})},
		wantMarkers: mk(aviobj.Markers{Namespace: "ns"})[1:],
		want:        aviobj.Identity{Namespace: "ns"},
		wantString:  "unknown object ns/",
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.wantMarkers, aviobj.IdentityMarkers(tc.obj)); diff != "" {
				t.Errorf("IdentityMarkers (-want +got):\n%s", diff)
			}
			got := aviobj.IdentityOf(tc.obj)
			if got != tc.want {
				t.Errorf("IdentityOf = %+v, want %+v", got, tc.want)
			}
			if tc.wantString != "" && got.String() != tc.wantString {
				t.Errorf("String() = %q, want %q", got.String(), tc.wantString)
			}
		})
	}
}

func TestSameIdentity(t *testing.T) {
	pool := func(kvs aviobj.Markers) *aviobj.Pool { return &aviobj.Pool{Markers: kvs.List()} }
	vs := func(kvs aviobj.Markers, md string) *aviobj.VirtualService {
		return &aviobj.VirtualService{Markers: kvs.List(), ServiceMetadata: md}
	}
	base := aviobj.Markers{ClusterName: "c1", Namespace: "ns", ServiceName: "svc", Port: "80"}
	basePool := pool(base)
	tests := []struct {
		name string
		a, b aviobj.Object
		want bool
	}{
		{"equal", pool(base), pool(base), true},
		{"owner-is-not-identity", pool(base), pool(aviobj.Markers{ClusterName: "c2", Namespace: "ns", ServiceName: "svc", Port: "80"}), true},
		{"order-does-not-matter", pool(base), &aviobj.Pool{Markers: []aviobj.Marker{{Key: "Port", Values: []string{"80"}},
			{Key: "ServiceName", Values: []string{"svc"}}, {Key: "Namespace", Values: []string{"ns"}}}}, true},
		{"other-port", pool(base), pool(aviobj.Markers{ClusterName: "c1", Namespace: "ns", ServiceName: "svc", Port: "81"}), false},
		{"extra-gateway-name", pool(base), pool(aviobj.Markers{ClusterName: "c1", Namespace: "ns", ServiceName: "svc", Port: "80", GatewayName: "g"}), false},
		{"missing-markers", pool(base), &aviobj.Pool{}, false},
		{"hyphen-shift", pool(aviobj.Markers{Namespace: "a-b", ServiceName: "c"}), pool(aviobj.Markers{Namespace: "a", ServiceName: "b-c"}), false},
		{"policyset-protocols", &aviobj.L4PolicySet{Markers: aviobj.Markers{Namespace: "ns", ServiceName: "s", Protocol: "TCP"}.List()},
			&aviobj.L4PolicySet{Markers: aviobj.Markers{Namespace: "ns", ServiceName: "s", Protocol: "SCTP,TCP"}.List()}, true},
		{"gateway-vs-shared-vip", vs(aviobj.Markers{Namespace: "ns", GatewayName: "g"}, `{"gateway":"ns/g"}`),
			vs(aviobj.Markers{Namespace: "ns", GatewayName: "g"}, ""), false},
		{"two-gateways-metadata", vs(aviobj.Markers{Namespace: "ns", GatewayName: "g"}, `{"gateway":"ns/g"}`),
			vs(aviobj.Markers{Namespace: "ns", GatewayName: "g"}, `{"gateway":"ns/g","x":1}`), true},
		{"service-vs-shared-vip", vs(aviobj.Markers{Namespace: "ns", ServiceName: "g"}, ""), vs(aviobj.Markers{Namespace: "ns", GatewayName: "g"}, ""), false},
		{"kinds-differ", pool(base), &aviobj.HealthMonitor{Markers: base.List()}, false},
		{"nil", nil, pool(base), false},
		{"same-object", basePool, basePool, true},
		{"same-nil-pointer", (*aviobj.Pool)(nil), (*aviobj.Pool)(nil), false},
		{"marker-twice", pool(base), &aviobj.Pool{Markers: append(base.List(), aviobj.Marker{Key: "Port", Values: []string{"80"}})}, false},
		{"values-split", &aviobj.Pool{Markers: []aviobj.Marker{{Key: "Namespace", Values: []string{"a,b"}}}},
			&aviobj.Pool{Markers: []aviobj.Marker{{Key: "Namespace", Values: []string{"a", "b"}}}}, false},
		{"values-order", &aviobj.Pool{Markers: []aviobj.Marker{{Key: "Namespace", Values: []string{"a", "b"}}}},
			&aviobj.Pool{Markers: []aviobj.Marker{{Key: "Namespace", Values: []string{"b", "a"}}}}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := aviobj.SameIdentity(tc.a, tc.b); got != tc.want {
				t.Errorf("SameIdentity = %v, want %v", got, tc.want)
			}
			if got := aviobj.SameIdentity(tc.b, tc.a); got != tc.want {
				t.Errorf("SameIdentity (swapped) = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestIdentityMatches(t *testing.T) {
	id := func(o aviobj.Origin, ns, n string) aviobj.Identity {
		return aviobj.Identity{Origin: o, Namespace: ns, Name: n}
	}
	tests := []struct {
		a, b aviobj.Identity
		want bool
	}{
		{id(aviobj.OriginService, "ns", "x"), id(aviobj.OriginService, "ns", "x"), true},
		{id(aviobj.OriginService, "ns", "x"), id(aviobj.OriginSharedVIP, "ns", "x"), false},
		{id(aviobj.OriginService, "ns", "x"), id(aviobj.OriginGroup, "ns", "x"), false},
		{id(aviobj.OriginGroup, "ns", "x"), id(aviobj.OriginGateway, "ns", "x"), true},
		{id(aviobj.OriginGroup, "ns", "x"), id(aviobj.OriginSharedVIP, "ns", "x"), true},
		{id(aviobj.OriginGateway, "ns", "x"), id(aviobj.OriginSharedVIP, "ns", "x"), false},
		{id(aviobj.OriginService, "ns", "x"), id(aviobj.OriginService, "ns", "y"), false},
		{id(aviobj.OriginService, "a-b", "c"), id(aviobj.OriginService, "a", "b-c"), false},
		{aviobj.Identity{}, aviobj.Identity{}, true},
		{aviobj.Identity{}, id(aviobj.OriginService, "ns", "x"), false},
	}
	for _, tc := range tests {
		if got := tc.a.Matches(tc.b); got != tc.want {
			t.Errorf("%v.Matches(%v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := tc.b.Matches(tc.a); got != tc.want {
			t.Errorf("%v.Matches(%v) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
	if got := id(aviobj.OriginService, "a-b", "c").VirtualServiceName("c1"); got != "c1--a-b-c" {
		t.Errorf("VirtualServiceName = %q", got)
	}
	if got := (aviobj.Identity{}).VirtualServiceName("c1"); got != "" {
		t.Errorf("zero VirtualServiceName = %q", got)
	}
}
