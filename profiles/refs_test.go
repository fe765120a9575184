package profiles_test

import (
	"testing"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/profiles"
)

// TestSystemRefsAreRefs requires the constant refs of the System profiles
// to be the by-name refs of their names, and other names to get theirs.
func TestSystemRefsAreRefs(t *testing.T) {
	for _, name := range []string{profiles.SCTPProxy, profiles.TCPProxy, profiles.TCPFastPath, profiles.UDPFastPath,
		"System-UDP-Proxy", "my profile", ""} {
		if got, want := profiles.NetworkRef(name), aviobj.RefByName(aviobj.KindNetworkProfile, name); got != want {
			t.Errorf("NetworkRef(%q) = %q, want %q", name, got, want)
		}
	}
	for _, name := range []string{profiles.L4Application, profiles.SSLApplication, "a b"} {
		if got, want := profiles.ApplicationRef(name), aviobj.RefByName(aviobj.KindApplicationProfile, name); got != want {
			t.Errorf("ApplicationRef(%q) = %q, want %q", name, got, want)
		}
	}
}
