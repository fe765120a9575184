package avitest_test

import (
	"testing"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
)

// TestClientShortcuts: Client and NewClient reach the fake as its
// first user; edits apply in order; a Server not made by New gives an error
// (nil with a nil t).
func TestClientShortcuts(t *testing.T) {
	fake := avitest.New(avitest.WithTenants("telco"))
	defer fake.Close()
	ctx := t.Context()

	c := fake.Client(t)
	if err := c.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: "p"}, nil); err != nil {
		t.Fatal(err)
	}
	tc, err := fake.NewClient(nil, func(o *client.Options) { o.Tenant = "admin" }, func(o *client.Options) { o.Tenant = "telco" })
	if err != nil {
		t.Fatal(err)
	}
	if err := tc.Create(ctx, aviobj.KindPool, aviobj.Pool{Name: "q"}, nil); err != nil {
		t.Fatal(err)
	}
	if got := fake.Names("*", aviobj.KindPool); len(got) != 2 || got[0] != "admin/p" || got[1] != "telco/q" {
		t.Errorf("pools = %q, want [admin/p telco/q]", got)
	}
	if a := apply.New(fake.Client(t), apply.Options{}); a == nil {
		t.Fatal("apply.New(fake.Client(t)) = nil")
	}
	if o := fake.ClientOptions(); o.URL != fake.URL() || o.Username != fake.Username() || string(o.Password) != fake.Password() || o.CAPool == nil {
		t.Errorf("ClientOptions = %+v", o)
	}

	var zero avitest.Server
	if c, err := zero.NewClient(); c != nil || err == nil {
		t.Errorf("zero Server: NewClient = %v, %v; want an error", c, err)
	}
	if c := zero.Client(nil); c != nil {
		t.Errorf("zero Server: Client(nil) = %v, want nil", c)
	}
	if o := zero.ClientOptions(); o.URL != "" {
		t.Errorf("zero Server: ClientOptions = %+v, want zero", o)
	}
}
