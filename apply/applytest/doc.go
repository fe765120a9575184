// Package applytest gives a test an applier of an in-memory Avi controller
// in one call:
//
//	fake, applier := applytest.New(t, apply.Options{}, avitest.WithVIPRange("10.50.0.0/24"))
//	res, err := applier.Apply(ctx, set)
//
// It is a package of its own because package apply's tests use avitest, so
// avitest cannot import apply; for a client alone, use avitest's
// Server.Client.
package applytest
