package healthmon_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/healthmon"
)

// TestSystemRefsAreRefs requires the constant refs of the System monitors
// to be the by-name refs of their names, for every protocol.
func TestSystemRefsAreRefs(t *testing.T) {
	for _, p := range []corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolTCP, corev1.ProtocolUDP, "", "QUIC"} {
		got := healthmon.SystemRefs(p)
		if want := aviobj.RefByName(aviobj.KindHealthMonitor, healthmon.System(p)); len(got) != 1 || got[0] != want {
			t.Errorf("SystemRefs(%q) = %q, want [%q]", p, got, want)
		}
	}
}
