// Command genvaluehash writes apply/valuehash_gen.go: for each object type
// of package aviobj, a function that appends the encoding appendValue
// (apply/listmemo.go) makes of a value of that type, written out field by
// field instead of walked by reflection. Run it from the apply folder
// (go generate ./apply); TestTypedValueIsAppendValue fails when the file
// is stale or differs from appendValue on any value.
package main
