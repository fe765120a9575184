package profiles_test

import (
	"testing"

	"github.com/avil4/avil4/profiles"
)

// TestZeroValues calls every exported function and method with zero and nil
// arguments: none may panic, and each zero result is the documented one.
func TestZeroValues(t *testing.T) {
	var l profiles.License
	if l.Known() {
		t.Error(`License("").Known() = true`)
	}
	_ = l.Enterprise()
	if !profiles.SCTPAllowed(l) {
		t.Error(`SCTPAllowed("") = false; an empty licence is AKO's default and allows SCTP`)
	}
	if profiles.TCP(l) == "" {
		t.Error(`TCP("") = ""`)
	}
	_ = profiles.Licenses()
	var c profiles.Choice
	if c.ForPort("") != "" || c.Mixed() {
		t.Errorf("zero Choice: ForPort %q, Mixed %v", c.ForPort(""), c.Mixed())
	}
	if ch := profiles.Network(nil, l); ch.VirtualService == "" {
		t.Errorf("Network(nil) = %+v, want a base profile", ch)
	}
	_ = profiles.NetworkRef("")
	_ = profiles.ApplicationRef("")
	if _, ok := profiles.SystemNetworkProtocol(""); ok {
		t.Error(`SystemNetworkProtocol("") ok`)
	}
	if profiles.SystemHTTPApplication("") {
		t.Error(`SystemHTTPApplication("") = true`)
	}
}
