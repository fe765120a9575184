package healthmon_test

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/avil4/avil4/healthmon"
)

// Each pool checks its servers with the System monitor of its protocol.
func ExampleSystem() {
	for _, p := range []corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolUDP, corev1.ProtocolTCP} {
		typ, _ := healthmon.Type(p)
		fmt.Printf("%-4s %-11s %-19s %v\n", p, healthmon.System(p), typ, healthmon.SystemRefs(p))
	}
	// Output:
	// SCTP System-SCTP HEALTH_MONITOR_SCTP [/api/healthmonitor/?name=System-SCTP]
	// UDP  System-UDP  HEALTH_MONITOR_UDP  [/api/healthmonitor/?name=System-UDP]
	// TCP  System-TCP  HEALTH_MONITOR_TCP  [/api/healthmonitor/?name=System-TCP]
}
