package avischema

import "testing"

// TestConstrained: avil4's object types carry no version or edition
// restriction for an Enterprise controller of the schema's own version, and
// are restricted for an older release, Essentials and Basic (the facts the
// applier's controller check depends on). An unknown type is constrained.
func TestConstrained(t *testing.T) {
	s := Embedded()
	types := []string{"VirtualService", "VsVip", "Pool", "PoolGroup", "L4PolicySet", "NetworkProfile", "pool", "virtualservice"}
	for _, typ := range types {
		for _, tc := range []struct {
			version, edition string
			want             bool
		}{
			{"", "", false},
			{s.facts.Version, "ENTERPRISE", false},
			{"21.1.4", "ENTERPRISE", true},
			{s.facts.Version, "ESSENTIALS", true},
			{s.facts.Version, "BASIC", true},
		} {
			if got := s.Constrained(typ, tc.version, tc.edition); got != tc.want {
				t.Errorf("Constrained(%s, %q, %q) = %v, want %v", typ, tc.version, tc.edition, got, tc.want)
			}
		}
	}
	if !s.Constrained("NoSuchType", "", "") {
		t.Error("an unknown type is not constrained")
	}
}
