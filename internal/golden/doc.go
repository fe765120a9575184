// Package golden is the golden-file helper of avil4's tests: it declares the
// -update flag once and compares JSON output with a golden file as decoded
// values, printing a go-cmp diff.
package golden
