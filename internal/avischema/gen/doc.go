// Command gen writes the embedded snapshot of the Avi schema facts used by
// package avischema (internal/avischema/facts.json).
//
// It loads the swagger documents of a schema folder with avischema.Load, which
// keeps only the definitions reachable from the object types and reduces each
// property to its parsed type, enum, range, special values, item counts,
// reference target, readOnly flag and default, and writes avischema's compact
// snapshot of them. Run it from the repository root:
//
//	go run ./internal/avischema/gen -schema ../shared/avi-schema -out internal/avischema/facts.json
//
// With -check it writes nothing and exits with status 1 when the file at -out
// differs from what it would write.
package main
