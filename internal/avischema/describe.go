package avischema

import (
	"reflect"
	"strings"
)

// PlanDesc describes how a StructValidator checks one Go struct type, for
// a generator of code that accepts the values the walk finds no problem
// in (aviobj/internal/gencheck).
type PlanDesc struct {
	// Type is the Go struct type.
	Type reflect.Type
	// Unsupported is set when the walk does not check this type (it then
	// reports that the value is not supported, and the caller validates the
	// JSON instead).
	Unsupported bool
	// Fields are the encoded fields, in encoding order.
	Fields []FieldDesc
	// Required are the required properties without a default: a property
	// no field encodes (Field -1) is always missing.
	Required []RequiredDesc
}

// FieldDesc is one encoded field of a PlanDesc.
type FieldDesc struct {
	// Index is the Go field's index in its struct.
	Index int
	// Name is its JSON name.
	Name string
	// OmitEmpty reports the omitempty option.
	OmitEmpty bool
	// Prop is the schema property; nil for a field the schema does not
	// know (an unknown field when sent).
	Prop *Field
	// Trivial is set when no value of the Go type can be a problem.
	Trivial bool
	// Sub is the index (in the PlanDesc list) of the struct plan reached
	// from this field through pointers, slices and arrays, or -1.
	Sub int
}

// RequiredDesc is a required property of a PlanDesc.
type RequiredDesc struct {
	// Name is the property.
	Name string
	// Field is the index in Fields of the field that encodes it, or -1.
	Field int
}

// RootDesc is a root of a StructValidator.
type RootDesc struct {
	// ObjectType is the object type as given.
	ObjectType string
	// Type is the Go struct type.
	Type reflect.Type
	// Plan is the index of its plan, or -1 when the type is not supported.
	Plan int
}

// Describe returns the roots and the plans of sv, as Validate uses them.
func (sv *StructValidator) Describe() ([]RootDesc, []PlanDesc) {
	roots := make([]RootDesc, len(sv.roots))
	for i, r := range sv.roots {
		roots[i] = RootDesc{ObjectType: r.name, Type: r.typ, Plan: int(r.plan)}
	}
	plans := make([]PlanDesc, len(sv.plans))
	for i, p := range sv.plans {
		d := PlanDesc{Type: p.typ, Unsupported: p.unsupported}
		for _, f := range sv.fields[p.lo:p.hi] {
			d.Fields = append(d.Fields, FieldDesc{Index: f.index, Name: f.name, OmitEmpty: f.omitEmpty, Prop: f.prop,
				Trivial: f.trivial, Sub: int(f.sub)})
		}
		for _, r := range sv.reqs[p.reqLo:p.reqHi] {
			field := -1
			if r.field >= 0 {
				field = int(r.field - p.lo)
			}
			d.Required = append(d.Required, RequiredDesc{Name: r.name, Field: field})
		}
		plans[i] = d
	}
	return roots, plans
}

// RefCollectionOf returns the collection a ref to object type refersTo
// must name ("Pool" -> "pool"), as Validate compares it.
func (s *Schema) RefCollectionOf(refersTo string) string {
	if c, ok := s.facts.Objects[refersTo]; ok {
		return c
	}
	return strings.ToLower(refersTo)
}

// RefNamesCollection reports whether ref names collection want, or is not
// written as a REST path at all (a bare uuid or name): the cases in which
// Validate finds no problem with a valid UTF-8 ref of a field whose
// RefersTo names the object type of want.
func RefNamesCollection(ref, want string) bool {
	seg, ok := refCollection(ref)
	return !ok || seg == want
}

// Int64Bounds returns the range of an integer of the given format, as
// Validate checks it when the schema gives no range.
func Int64Bounds(format string) (lo, hi int64) { return int64Bounds(format) }
