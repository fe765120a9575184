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
	var sp *profiles.SCTPProxySettings
	if errs := sp.Validate(nil); len(errs) != 0 {
		t.Errorf("nil SCTPProxySettings.Validate = %v", errs)
	}
	if errs := (&profiles.SCTPProxySettings{}).Validate(nil); len(errs) != 1 {
		t.Errorf("empty SCTPProxySettings.Validate = %v, want one error", errs)
	}
	_ = profiles.SCTPProxyRanges()
	_ = profiles.SCTPProxyName("", "", 0)
	if np := profiles.BuildSCTPProxy("", "", nil, nil); np.Profile.Type != "PROTOCOL_TYPE_SCTP_PROXY" || np.Profile.SCTPProxyProfile == nil {
		t.Errorf("BuildSCTPProxy(nil) = %+v", np)
	}
	if profiles.SystemHTTPApplication("") {
		t.Error(`SystemHTTPApplication("") = true`)
	}
}
