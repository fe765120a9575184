// Package zerotest holds the helpers of the zero-value tests: every exported
// function and method of a package is called with zero and nil arguments,
// and the list of what is called is compared with what the package's source
// declares, so that a new export cannot escape the test.
package zerotest
