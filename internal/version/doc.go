// Package version reports what a command was built from, for the commands'
// --version flag: the main module's path and version as the Go toolchain
// recorded them (runtime/debug.ReadBuildInfo), and the VCS revision when the
// build was made in a checkout.
package version
