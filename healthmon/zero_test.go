package healthmon_test

import (
	"testing"

	"github.com/avil4/avil4/healthmon"
)

// TestZeroValues calls every exported function and method with zero and nil
// arguments: none may panic.
func TestZeroValues(t *testing.T) {
	var s healthmon.Spec
	// A zero Spec is a TCP monitor with the controller's defaults: valid.
	if errs := s.Validate(nil); len(errs) != 0 {
		t.Errorf("zero Spec: %v", errs)
	}
	_ = healthmon.Build("", "", nil, s)
	_ = healthmon.Healthz("", "", nil, 0)
	if errs := healthmon.ValidateHealthz(0, nil); len(errs) == 0 {
		t.Error("ValidateHealthz(0) accepted port 0")
	}
	_ = healthmon.Name("")
	_ = healthmon.HealthzName("")
	if _, ok := healthmon.SystemType(""); ok {
		t.Error(`SystemType("") ok`)
	}
	_ = healthmon.TypeCompatible("", "")
	_ = healthmon.Licensed("", "")
	_ = healthmon.System("")
	if _, ok := healthmon.Type(""); ok {
		t.Error(`Type("") ok`)
	}
	_ = healthmon.Ref("")
	_ = healthmon.SystemRefs("")
}
