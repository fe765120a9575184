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
