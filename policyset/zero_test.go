package policyset_test

import (
	"testing"

	"github.com/avil4/avil4/policyset"
)

// TestZeroValues calls every exported function and method with zero and nil
// arguments: none may panic.
func TestZeroValues(t *testing.T) {
	var p policyset.Port
	_ = p.String()
	_ = p.Compare(policyset.Port{})
	_, _ = policyset.AviProtocol("")
	_ = policyset.RuleName(p)
	if cp := policyset.ConnectionPolicy(nil); cp == nil || len(cp.Rules) != 0 {
		t.Errorf("ConnectionPolicy(nil) = %+v, want an empty policy", cp)
	}
	if cp := policyset.ConnectionPolicy([]policyset.Route{{}}); len(cp.Rules) != 0 {
		t.Errorf("ConnectionPolicy of a zero Route = %d rules, want none (no protocol)", len(cp.Rules))
	}
	if m := policyset.ProtocolMarker(nil); m != "" {
		t.Errorf("ProtocolMarker(nil) = %q", m)
	}
	_ = policyset.Ref("")
	if _, err := p.MarshalText(); err != nil {
		t.Errorf("MarshalText: %v", err)
	}
	var nilPort *policyset.Port
	if err := nilPort.UnmarshalText([]byte("TCP/80")); err == nil {
		t.Error("UnmarshalText into a nil *Port: no error")
	}
	if err := p.UnmarshalText(nil); err == nil {
		t.Error("UnmarshalText(nil): no error")
	}
}
