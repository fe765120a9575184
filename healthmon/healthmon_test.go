package healthmon_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/avil4/avil4/healthmon"
)

func TestMonitors(t *testing.T) {
	type result struct {
		System     string
		Type       string
		TypeOK     bool
		SystemRefs []string
	}
	tests := []struct {
		name     string
		protocol corev1.Protocol
		want     result
	}{
		{
			name:     "sctp",
			protocol: corev1.ProtocolSCTP,
			want:     result{System: "System-SCTP", Type: "HEALTH_MONITOR_SCTP", TypeOK: true, SystemRefs: []string{"/api/healthmonitor/?name=System-SCTP"}},
		},
		{
			name:     "udp",
			protocol: corev1.ProtocolUDP,
			want:     result{System: "System-UDP", Type: "HEALTH_MONITOR_UDP", TypeOK: true, SystemRefs: []string{"/api/healthmonitor/?name=System-UDP"}},
		},
		{
			name:     "tcp",
			protocol: corev1.ProtocolTCP,
			want:     result{System: "System-TCP", Type: "HEALTH_MONITOR_TCP", TypeOK: true, SystemRefs: []string{"/api/healthmonitor/?name=System-TCP"}},
		},
		{
			// An unset protocol gets the TCP System monitor (as AKO), but
			// has no monitor type of its own.
			name:     "unset",
			protocol: "",
			want:     result{System: "System-TCP", Type: "", TypeOK: false, SystemRefs: []string{"/api/healthmonitor/?name=System-TCP"}},
		},
		{
			name:     "unknown-protocol",
			protocol: "ICMP",
			want:     result{System: "System-TCP", Type: "", TypeOK: false, SystemRefs: []string{"/api/healthmonitor/?name=System-TCP"}},
		},
		{
			name:     "lowercase-is-unknown",
			protocol: "sctp",
			want:     result{System: "System-TCP", Type: "", TypeOK: false, SystemRefs: []string{"/api/healthmonitor/?name=System-TCP"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ, ok := healthmon.Type(tt.protocol)
			got := result{
				System:     healthmon.System(tt.protocol),
				Type:       typ,
				TypeOK:     ok,
				SystemRefs: healthmon.SystemRefs(tt.protocol),
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("protocol %q (-want +got):\n%s", tt.protocol, diff)
			}
		})
	}
}

// Each call returns a fresh slice: a caller appending a custom monitor to
// one pool's refs must not change another pool's.
func TestSystemRefsFresh(t *testing.T) {
	a := healthmon.SystemRefs(corev1.ProtocolSCTP)
	a[0] = "changed"
	if diff := cmp.Diff([]string{"/api/healthmonitor/?name=System-SCTP"}, healthmon.SystemRefs(corev1.ProtocolSCTP)); diff != "" {
		t.Errorf("SystemRefs after changing an earlier result (-want +got):\n%s", diff)
	}
}

func TestRef(t *testing.T) {
	tests := []struct {
		name    string
		monitor string
		want    string
	}{
		{name: "system-ping", monitor: healthmon.SystemPing, want: "/api/healthmonitor/?name=System-Ping"},
		{name: "system-http", monitor: healthmon.SystemHTTP, want: "/api/healthmonitor/?name=System-HTTP"},
		{name: "custom-escaped", monitor: "c1 tcp#half/open", want: "/api/healthmonitor/?name=c1+tcp%23half%2Fopen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := healthmon.Ref(tt.monitor); got != tt.want {
				t.Errorf("Ref(%q) = %q, want %q", tt.monitor, got, tt.want)
			}
		})
	}
}
