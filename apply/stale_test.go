package apply_test

import (
	"context"
	"errors"
	"testing"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
)

// TestStaleUpdateRetried: an update answered 412 "Need to reload object
// data" is read again and retried, at most apply.MaxStaleRetries times.
func TestStaleUpdateRetried(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name  string
		stale int
		ok    bool
	}{
		{"one stale reply", 1, true},
		{"as many as the bound", apply.MaxStaleRetries, true},
		{"more than the bound", apply.MaxStaleRetries + 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			set := newSet(t, "ns", "svc", tcp(80))
			if _, err := e.a.Apply(ctx, set); err != nil {
				t.Fatal(err)
			}
			// An out-of-band change to repair, then stale replies to the PUT.
			if err := e.fake.Edit("admin", "vsvip", set.VsVip.Name, func(o map[string]any) { o["east_west_placement"] = true }); err != nil {
				t.Fatal(err)
			}
			vip := e.fake.VIPs("admin", set.VsVip.Name)
			e.fake.SetFault(avitest.StaleUpdates("vsvip", tt.stale))
			e.fake.ResetCalls()
			_, err := e.a.Apply(ctx, set)
			puts := e.fake.Calls()[avitest.Call{Method: "PUT", Kind: "vsvip"}]
			if !tt.ok {
				if !errors.Is(err, client.ErrStale) || puts != apply.MaxStaleRetries+1 {
					t.Fatalf("Apply = %v after %d PUTs, want ErrStale after %d", err, puts, apply.MaxStaleRetries+1)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply = %v", err)
			}
			if puts != tt.stale+1 || e.fake.Calls()[avitest.Call{Method: "GET", Kind: "vsvip"}] != tt.stale {
				t.Errorf("calls %v, want %d PUTs and %d re-reads", e.fake.Calls(), tt.stale+1, tt.stale)
			}
			if got := e.fake.VIPs("admin", set.VsVip.Name); len(got) != 1 || got[0] != vip[0] {
				t.Errorf("VIP moved from %v to %v", vip, got)
			}
			if ch, err := e.a.Plan(ctx, set); err != nil || ch.HasChanges() {
				t.Errorf("after the retry, Plan = %v, %v; want no changes", ch, err)
			}
		})
	}
}
