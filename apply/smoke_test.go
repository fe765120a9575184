package apply_test

import (
	"context"
	"testing"
)

func TestSmoke(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	set := newSet(t, "ns", "svc", tcp(80), udp(53), sctp(38412))
	ch, err := e.a.Plan(ctx, set)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(ch)
	res, err := e.a.Apply(ctx, set)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res, e.fake.Calls())
	e.fake.ResetCalls()
	res, err = e.a.Apply(ctx, set)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(res, res.Changes, e.fake.Calls())
}
