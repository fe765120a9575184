package profiles_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/avil4/avil4/profiles"
)

// A Service with TCP, UDP and SCTP ports on an Essentials controller: the
// VirtualService takes TCP Fast Path, and the UDP and SCTP ports override
// it with their own profiles.
func ExampleNetwork() {
	ports := []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}
	c := profiles.Network(ports, profiles.LicenseEssentials)
	fmt.Println("virtualservice:", profiles.NetworkRef(c.VirtualService))
	for _, p := range ports {
		fmt.Printf("%s port override: %q\n", p, c.ForPort(p))
	}
	fmt.Println("SCTP allowed:", profiles.SCTPAllowed(profiles.LicenseEssentials))
	// Output:
	// virtualservice: /api/networkprofile/?name=System-TCP-Fast-Path
	// TCP port override: ""
	// UDP port override: "System-UDP-Fast-Path"
	// SCTP port override: "System-SCTP-Proxy"
	// SCTP allowed: false
}

// With an Enterprise licence a TCP-only Service gets the full TCP proxy.
func ExampleTCP() {
	fmt.Println(profiles.TCP(profiles.LicenseEnterprise))
	fmt.Println(profiles.TCP(profiles.LicenseBasic))
	// Output:
	// System-TCP-Proxy
	// System-TCP-Fast-Path
}
