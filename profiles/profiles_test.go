package profiles_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/avil4/avil4/profiles"
)

const (
	tcp  = corev1.ProtocolTCP
	udp  = corev1.ProtocolUDP
	sctp = corev1.ProtocolSCTP
)

// tcpByLicence stands for "the TCP profile of the row's licence" in the
// protocol table below.
const tcpByLicence = "<TCP profile of the licence>"

func TestNetwork(t *testing.T) {
	licences := []struct {
		licence profiles.License
		tcp     string
	}{
		{licence: "ENTERPRISE", tcp: "System-TCP-Proxy"},
		{licence: "ENTERPRISE_WITH_CLOUD_SERVICES", tcp: "System-TCP-Proxy"},
		{licence: "ESSENTIALS", tcp: "System-TCP-Fast-Path"},
		{licence: "BASIC", tcp: "System-TCP-Fast-Path"},
		{licence: "", tcp: "System-TCP-Fast-Path"},
		{licence: "ENTERPRISE_16", tcp: "System-TCP-Fast-Path"},
	}
	protocolSets := []struct {
		name      string
		protocols []corev1.Protocol
		// wantVS is the VirtualService profile; tcpByLicence means the
		// licence's TCP profile.
		wantVS       string
		wantOverride map[corev1.Protocol]string
	}{
		{name: "no-ports", protocols: nil, wantVS: tcpByLicence},
		{name: "tcp-only", protocols: []corev1.Protocol{tcp}, wantVS: tcpByLicence},
		{name: "unset-protocol-counts-as-tcp", protocols: []corev1.Protocol{""}, wantVS: tcpByLicence},
		{name: "tcp-and-unset", protocols: []corev1.Protocol{tcp, "", tcp}, wantVS: tcpByLicence},
		{name: "udp-only", protocols: []corev1.Protocol{udp}, wantVS: "System-UDP-Fast-Path"},
		{name: "udp-repeated", protocols: []corev1.Protocol{udp, udp, udp}, wantVS: "System-UDP-Fast-Path"},
		{name: "sctp-only", protocols: []corev1.Protocol{sctp}, wantVS: "System-SCTP-Proxy"},
		{name: "sctp-repeated", protocols: []corev1.Protocol{sctp, sctp}, wantVS: "System-SCTP-Proxy"},
		{
			name:         "tcp-udp",
			protocols:    []corev1.Protocol{tcp, udp},
			wantVS:       tcpByLicence,
			wantOverride: map[corev1.Protocol]string{udp: "System-UDP-Fast-Path"},
		},
		{
			name:         "unset-udp",
			protocols:    []corev1.Protocol{udp, ""},
			wantVS:       tcpByLicence,
			wantOverride: map[corev1.Protocol]string{udp: "System-UDP-Fast-Path"},
		},
		{
			name:         "tcp-sctp",
			protocols:    []corev1.Protocol{sctp, tcp},
			wantVS:       tcpByLicence,
			wantOverride: map[corev1.Protocol]string{sctp: "System-SCTP-Proxy"},
		},
		{
			name:         "udp-sctp-takes-udp-base",
			protocols:    []corev1.Protocol{sctp, udp},
			wantVS:       "System-UDP-Fast-Path",
			wantOverride: map[corev1.Protocol]string{udp: "System-UDP-Fast-Path", sctp: "System-SCTP-Proxy"},
		},
		{
			name:         "mixed-tcp-udp-sctp-same-port",
			protocols:    []corev1.Protocol{tcp, udp, sctp},
			wantVS:       tcpByLicence,
			wantOverride: map[corev1.Protocol]string{udp: "System-UDP-Fast-Path", sctp: "System-SCTP-Proxy"},
		},
		{
			name:         "mixed-with-repeats",
			protocols:    []corev1.Protocol{sctp, udp, sctp, tcp, udp, tcp},
			wantVS:       tcpByLicence,
			wantOverride: map[corev1.Protocol]string{udp: "System-UDP-Fast-Path", sctp: "System-SCTP-Proxy"},
		},
	}
	for _, l := range licences {
		for _, ps := range protocolSets {
			name := string(l.licence)
			if name == "" {
				name = "unknown-licence"
			}
			t.Run(name+"/"+ps.name, func(t *testing.T) {
				want := profiles.Choice{VirtualService: ps.wantVS, Override: ps.wantOverride}
				if want.VirtualService == tcpByLicence {
					want.VirtualService = l.tcp
				}
				got := profiles.Network(ps.protocols, l.licence)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Network(%q, %q) (-want +got):\n%s", ps.protocols, l.licence, diff)
				}
				if mixed := len(ps.wantOverride) > 0; got.Mixed() != mixed {
					t.Errorf("Mixed() = %v, want %v", got.Mixed(), mixed)
				}
				for _, p := range []corev1.Protocol{tcp, udp, sctp, ""} {
					if got, want := got.ForPort(p), ps.wantOverride[p]; got != want {
						t.Errorf("ForPort(%q) = %q, want %q", p, got, want)
					}
				}
			})
		}
	}
}

// Network must not depend on the order of the ports.
func TestNetworkOrderIndependent(t *testing.T) {
	orders := [][]corev1.Protocol{
		{tcp, udp, sctp}, {tcp, sctp, udp}, {udp, tcp, sctp},
		{udp, sctp, tcp}, {sctp, tcp, udp}, {sctp, udp, tcp},
	}
	want := profiles.Network(orders[0], profiles.LicenseEssentials)
	for _, o := range orders[1:] {
		if diff := cmp.Diff(want, profiles.Network(o, profiles.LicenseEssentials)); diff != "" {
			t.Errorf("Network(%q) differs from Network(%q) (-want +got):\n%s", o, orders[0], diff)
		}
	}
}

func TestLicense(t *testing.T) {
	tests := []struct {
		licence         profiles.License
		wantKnown       bool
		wantEnterprise  bool
		wantSCTPAllowed bool
		wantTCP         string
	}{
		{licence: "ENTERPRISE", wantKnown: true, wantEnterprise: true, wantSCTPAllowed: true, wantTCP: "System-TCP-Proxy"},
		{licence: "ENTERPRISE_WITH_CLOUD_SERVICES", wantKnown: true, wantEnterprise: true, wantSCTPAllowed: true, wantTCP: "System-TCP-Proxy"},
		{licence: "ESSENTIALS", wantKnown: true, wantEnterprise: false, wantSCTPAllowed: false, wantTCP: "System-TCP-Fast-Path"},
		{licence: "BASIC", wantKnown: true, wantEnterprise: false, wantSCTPAllowed: false, wantTCP: "System-TCP-Fast-Path"},
		// Unknown tier: not enterprise, but SCTP gets the benefit of the doubt.
		{licence: "", wantKnown: false, wantEnterprise: false, wantSCTPAllowed: true, wantTCP: "System-TCP-Fast-Path"},
		{licence: "ENTERPRISE_16", wantKnown: false, wantEnterprise: false, wantSCTPAllowed: false, wantTCP: "System-TCP-Fast-Path"},
		{licence: "enterprise", wantKnown: false, wantEnterprise: false, wantSCTPAllowed: false, wantTCP: "System-TCP-Fast-Path"},
	}
	for _, tt := range tests {
		name := string(tt.licence)
		if name == "" {
			name = "unknown-licence"
		}
		t.Run(name, func(t *testing.T) {
			type result struct {
				Known, Enterprise, SCTPAllowed bool
				TCP                            string
			}
			want := result{tt.wantKnown, tt.wantEnterprise, tt.wantSCTPAllowed, tt.wantTCP}
			got := result{tt.licence.Known(), tt.licence.Enterprise(), profiles.SCTPAllowed(tt.licence), profiles.TCP(tt.licence)}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("licence %q (-want +got):\n%s", tt.licence, diff)
			}
		})
	}
}

func TestLicenses(t *testing.T) {
	want := []profiles.License{"ENTERPRISE", "ENTERPRISE_WITH_CLOUD_SERVICES", "ESSENTIALS", "BASIC"}
	if diff := cmp.Diff(want, profiles.Licenses()); diff != "" {
		t.Errorf("Licenses() (-want +got):\n%s", diff)
	}
}

func TestRefs(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "network-sctp-proxy", got: profiles.NetworkRef(profiles.SCTPProxy), want: "/api/networkprofile/?name=System-SCTP-Proxy"},
		{name: "network-tcp-proxy", got: profiles.NetworkRef(profiles.TCPProxy), want: "/api/networkprofile/?name=System-TCP-Proxy"},
		{name: "network-tcp-fast-path", got: profiles.NetworkRef(profiles.TCPFastPath), want: "/api/networkprofile/?name=System-TCP-Fast-Path"},
		{name: "network-udp-fast-path", got: profiles.NetworkRef(profiles.UDPFastPath), want: "/api/networkprofile/?name=System-UDP-Fast-Path"},
		{name: "network-custom-escaped", got: profiles.NetworkRef("my profile&co"), want: "/api/networkprofile/?name=my+profile%26co"},
		{name: "application-l4", got: profiles.ApplicationRef(profiles.L4Application), want: "/api/applicationprofile/?name=System-L4-Application"},
		{name: "application-custom", got: profiles.ApplicationRef("custom-l4"), want: "/api/applicationprofile/?name=custom-l4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
