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

import (
	"testing"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/avitest"
)

// New starts an avitest fake controller with opts, closed when t ends, and
// returns it with an applier of it made with ao (apply.New of the fake's
// Client). It fails t when the client cannot be made.
func New(t testing.TB, ao apply.Options, opts ...avitest.Option) (*avitest.Server, *apply.Applier) {
	t.Helper()
	fake := avitest.New(opts...)
	t.Cleanup(fake.Close)
	return fake, apply.New(fake.Client(t), ao)
}
