package apply

import (
	"testing"

	"github.com/avil4/avil4/aviobj"
)

// TestDiffObjects pins down which live values count as differences.
func TestDiffObjects(t *testing.T) {
	b := aviobj.Bool
	i32 := aviobj.Int32
	tests := []struct {
		name          string
		desired, live aviobj.Object
		wantDiff      bool
	}{{
		name:    "refs-by-name-and-by-uuid",
		desired: &aviobj.Pool{Name: "p", HealthMonitorRefs: []string{"/api/healthmonitor/?name=System-TCP"}},
		live:    &aviobj.Pool{Name: "p", UUID: "pool-1", HealthMonitorRefs: []string{"https://h/api/healthmonitor/healthmonitor-9#System-TCP"}},
	}, {
		name:     "ref-to-another-object",
		desired:  &aviobj.Pool{Name: "p", HealthMonitorRefs: []string{"/api/healthmonitor/?name=System-TCP"}},
		live:     &aviobj.Pool{Name: "p", HealthMonitorRefs: []string{"https://h/api/healthmonitor/healthmonitor-9#System-UDP"}},
		wantDiff: true,
	}, {
		name:    "unset-pointer-live-default",
		desired: &aviobj.Pool{Name: "p"},
		live:    &aviobj.Pool{Name: "p", Enabled: b(true), GracefulDisableTimeout: i32(1), LBAlgorithm: "LB_ALGORITHM_LEAST_CONNECTIONS"},
	}, {
		name:     "unset-pointer-live-not-default",
		desired:  &aviobj.Pool{Name: "p"},
		live:     &aviobj.Pool{Name: "p", Enabled: b(false)},
		wantDiff: true,
	}, {
		name:    "unset-bool-live-false",
		desired: &aviobj.VirtualService{Name: "v"},
		live:    &aviobj.VirtualService{Name: "v", EnableRHI: b(false), IgnPoolNetReach: b(false)},
	}, {
		name:     "unset-bool-live-true-without-default",
		desired:  &aviobj.VirtualService{Name: "v"},
		live:     &aviobj.VirtualService{Name: "v", EnableRHI: b(true)},
		wantDiff: true,
	}, {
		name:    "server-filled-refs",
		desired: &aviobj.VirtualService{Name: "v"},
		live: &aviobj.VirtualService{Name: "v", CloudRef: "https://h/api/cloud/cloud-1#Default-Cloud",
			SEGroupRef: "https://h/api/serviceenginegroup/seg-1#Default-Group", TenantRef: "https://h/api/tenant/admin#admin"},
	}, {
		name:    "port-range-end-filled",
		desired: &aviobj.VirtualService{Name: "v", Services: []aviobj.Service{{Port: 80}}},
		live:    &aviobj.VirtualService{Name: "v", Services: []aviobj.Service{{Port: 80, PortRangeEnd: 80, EnableHTTP2: b(false)}}},
	}, {
		name:    "override-profile-removed",
		desired: &aviobj.VirtualService{Name: "v", Services: []aviobj.Service{{Port: 80}, {Port: 53}}},
		live: &aviobj.VirtualService{Name: "v", Services: []aviobj.Service{{Port: 80},
			{Port: 53, OverrideNetworkProfileRef: "https://h/api/networkprofile/np-1#System-UDP-Fast-Path"}}},
		wantDiff: true,
	}, {
		name:    "allocated-vip",
		desired: &aviobj.VsVip{Name: "v", Vip: []aviobj.Vip{{VipID: "0", AutoAllocateIP: b(true)}}},
		live: &aviobj.VsVip{Name: "v", Vip: []aviobj.Vip{{VipID: "0", AutoAllocateIP: b(true), Enabled: b(true),
			AutoAllocateIPType: "V4_ONLY", IPAddress: &aviobj.IPAddr{Addr: "10.0.0.1", Type: "V4"}}}},
	}, {
		name:     "preferred-vip-differs",
		desired:  &aviobj.VsVip{Name: "v", Vip: []aviobj.Vip{{VipID: "0", IPAddress: &aviobj.IPAddr{Addr: "10.0.0.2", Type: "V4"}}}},
		live:     &aviobj.VsVip{Name: "v", Vip: []aviobj.Vip{{VipID: "0", IPAddress: &aviobj.IPAddr{Addr: "10.0.0.1", Type: "V4"}}}},
		wantDiff: true,
	}, {
		name:     "vip-disabled",
		desired:  &aviobj.VsVip{Name: "v", Vip: []aviobj.Vip{{VipID: "0"}}},
		live:     &aviobj.VsVip{Name: "v", Vip: []aviobj.Vip{{VipID: "0", Enabled: b(false)}}},
		wantDiff: true,
	}, {
		name:    "server-hostname-filled",
		desired: &aviobj.Pool{Name: "p", Servers: []aviobj.Server{{IP: aviobj.IPAddr{Addr: "10.1.0.1", Type: "V4"}, Port: 80, Enabled: b(true)}}},
		live: &aviobj.Pool{Name: "p", Servers: []aviobj.Server{{IP: aviobj.IPAddr{Addr: "10.1.0.1", Type: "V4"}, Port: 80, Enabled: b(true),
			Hostname: "10.1.0.1"}}},
	}, {
		name:     "server-removed",
		desired:  &aviobj.Pool{Name: "p", Servers: []aviobj.Server{{IP: aviobj.IPAddr{Addr: "10.1.0.1", Type: "V4"}}}},
		live:     &aviobj.Pool{Name: "p"},
		wantDiff: true,
	}, {
		name:    "empty-and-nil-slices",
		desired: &aviobj.Pool{Name: "p", Servers: []aviobj.Server{}, Markers: nil},
		live:    &aviobj.Pool{Name: "p", Markers: []aviobj.Marker{}},
	}, {
		name:    "rule-enable-default",
		desired: &aviobj.L4PolicySet{Name: "s", L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{{Name: "r"}}}},
		live:    &aviobj.L4PolicySet{Name: "s", IsInternalPolicy: b(false), L4ConnectionPolicy: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{{Name: "r", Enable: b(true)}}}},
	}, {
		name:    "health-monitor-defaults",
		desired: &aviobj.HealthMonitor{Name: "h", Type: aviobj.HealthMonitorTypeTCP},
		live:    &aviobj.HealthMonitor{Name: "h", Type: aviobj.HealthMonitorTypeTCP, SendInterval: 10, ReceiveTimeout: 4, FailedChecks: 2, SuccessfulChecks: 2},
	}, {
		name:     "health-monitor-interval-changed",
		desired:  &aviobj.HealthMonitor{Name: "h", Type: aviobj.HealthMonitorTypeTCP},
		live:     &aviobj.HealthMonitor{Name: "h", Type: aviobj.HealthMonitorTypeTCP, SendInterval: 30},
		wantDiff: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := diffObjects(tc.desired, tc.live)
			if (d != "") != tc.wantDiff {
				t.Errorf("diffObjects = %q, want a diff: %v", d, tc.wantDiff)
			}
			// The fast path never hides a difference go-cmp sees.
			if d == "" && !aviobj.Equal(tc.desired, normalise(tc.desired, tc.live)) {
				t.Error("canonical forms equal but go-cmp differs")
			}
		})
	}
}

func TestKeepAllocatedVIPs(t *testing.T) {
	b := aviobj.Bool
	desired := &aviobj.VsVip{Name: "v", Vip: []aviobj.Vip{{VipID: "0", AutoAllocateIP: b(true), AutoAllocateIPType: aviobj.AutoAllocateV4V6}}}
	live := &aviobj.VsVip{Name: "v", Vip: []aviobj.Vip{{VipID: "0",
		IPAddress: &aviobj.IPAddr{Addr: "10.0.0.1", Type: "V4"}, IP6Address: &aviobj.IPAddr{Addr: "fd00::1", Type: "V6"}}}}
	got := keepAllocatedVIPs(desired, live)
	if got.Vip[0].IPAddress == nil || got.Vip[0].IPAddress.Addr != "10.0.0.1" || got.Vip[0].IP6Address == nil {
		t.Errorf("addresses not carried over: %+v", got.Vip[0])
	}
	if desired.Vip[0].IPAddress != nil {
		t.Error("desired was modified")
	}
	if diff := vipAddresses(got); len(diff) != 2 || diff[0] != "10.0.0.1" {
		t.Errorf("vipAddresses = %v", diff)
	}
}

func TestCommonPrefix(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"c1--a", "c1--b-TCP-80"}, "c1--"},
		{[]string{"x", "y"}, ""},
		{[]string{"same", "same"}, "same"},
	} {
		if got := commonPrefix(tc.in); got != tc.want {
			t.Errorf("commonPrefix(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
