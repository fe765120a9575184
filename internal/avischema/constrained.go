package avischema

// Constrained reports whether Validate with AtVersion(version) and
// InEdition(edition) could report a version or edition problem (a Problem
// with Introduced or Edition set) for some body of objectType: whether any
// field reachable from objectType was introduced after version, is allowed
// in edition only with some values or not at all, or is an enum and some
// enum value was introduced after version. When it returns false, no body
// of objectType has such a problem, so a caller looking only for them can
// skip Validate. "" for version or edition means that option is not used.
// objectType is a type or collection name, as for Validate; an unknown one
// is reported as constrained.
func (s *Schema) Constrained(objectType, version, edition string) bool {
	t, ok := s.TypeName(objectType)
	if !ok {
		return true
	}
	def := s.facts.Definitions[t]
	if def == nil {
		return true
	}
	edition = CanonicalEdition(edition)
	lateValue := false
	if version != "" {
		for _, in := range valueIntroduced {
			if NewerVersion(in, version) {
				lateValue = true
			}
		}
	}
	seen := map[*definition]bool{}
	var walkDef func(d *definition) bool
	var walkField func(f *Field) bool
	walkField = func(f *Field) bool {
		if f == nil {
			return false
		}
		if version != "" && f.Introduced != "" && NewerVersion(f.Introduced, version) {
			return true
		}
		if edition != "" && f.Editions != nil {
			if allowed, ok := f.Editions[edition]; !ok || allowed != nil {
				return true
			}
		}
		if lateValue && len(f.Enum) > 0 {
			return true
		}
		if f.Ref != "" {
			if d := s.facts.Definitions[f.Ref]; d != nil && walkDef(d) {
				return true
			}
		}
		return walkField(f.Items)
	}
	walkDef = func(d *definition) bool {
		if seen[d] {
			return false
		}
		seen[d] = true
		for _, f := range d.Properties {
			if walkField(f) {
				return true
			}
		}
		return false
	}
	return walkDef(def)
}
