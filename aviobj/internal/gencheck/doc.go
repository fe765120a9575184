// Command gencheck writes aviobj/check_gen.go: for each object type of
// package aviobj, a function that reports whether a value has none of the
// problems the schema walk of aviobj.Check (avischema.StructValidator on
// the embedded schema facts) would find, field by field, without
// reflection. It only ever accepts: a value it does not accept is walked
// as before, so a rule it does not model costs time, never a missed
// problem. Run it from the aviobj folder (go generate ./aviobj); the
// embedded facts and the aviobj types are compiled into the file, so it is
// regenerated when either changes (TestGeneratedCheckIsCurrent fails until
// then). TestCheckTypedIsJSON compares Check, which uses it, with the JSON
// reference on every l4 golden Set and tens of thousands of mutations.
package main
