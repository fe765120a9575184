// Package testskip makes a test that cannot run for want of an outside
// asset (the envtest binaries, the ../shared folder) honest about it: it
// skips with the reason and the command that makes it run, says so where
// `go test ./...` shows it, and fails instead when the asset is required
// (CI sets the variables below).
//
// `go test` in package-list mode prints only the "ok" line of a passing
// package, hiding t.Skip messages and the test's stderr. So Skip also
// writes a "SKIP" line to the controlling terminal (/dev/tty) when stderr
// is not one, once per distinct message in a test binary: a developer
// running the tests sees what was skipped; a log without a terminal has
// it with -v, and CI fails instead of skipping.
package testskip
