package healthmon

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/avil4/avil4/aviobj"
)

// System health monitors that exist on every controller.
const (
	SystemTCP  = "System-TCP"
	SystemUDP  = "System-UDP"
	SystemSCTP = "System-SCTP"
	SystemPing = "System-Ping"
	SystemHTTP = "System-HTTP"
)

// System returns the System monitor for pools of protocol p: System-SCTP for
// SCTP, System-UDP for UDP, System-TCP for TCP and anything else (as AKO).
func System(p corev1.Protocol) string {
	switch p {
	case corev1.ProtocolSCTP:
		return SystemSCTP
	case corev1.ProtocolUDP:
		return SystemUDP
	default:
		return SystemTCP
	}
}

// Type returns the HealthMonitor type that checks protocol p, and false for
// a protocol with no monitor type.
func Type(p corev1.Protocol) (string, bool) {
	switch p {
	case corev1.ProtocolSCTP:
		return aviobj.HealthMonitorTypeSCTP, true
	case corev1.ProtocolUDP:
		return aviobj.HealthMonitorTypeUDP, true
	case corev1.ProtocolTCP:
		return aviobj.HealthMonitorTypeTCP, true
	}
	return "", false
}

// Ref returns the by-name ref of a health monitor.
func Ref(name string) string { return aviobj.RefByName(aviobj.KindHealthMonitor, name) }

// SystemRefs returns the health_monitor_refs of a pool of protocol p.
func SystemRefs(p corev1.Protocol) []string { return []string{systemRef(p)} }

// systemRef is Ref(System(p)), a constant (TestSystemRefsAreRefs).
func systemRef(p corev1.Protocol) string {
	switch p {
	case corev1.ProtocolSCTP:
		return "/api/healthmonitor/?name=" + SystemSCTP
	case corev1.ProtocolUDP:
		return "/api/healthmonitor/?name=" + SystemUDP
	default:
		return "/api/healthmonitor/?name=" + SystemTCP
	}
}
