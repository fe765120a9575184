package apply_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
)

// TestApplyUnderRandomFaults applies 200 Sets while 10% of the API requests
// fail (5xx, hangs until the client times out, expired sessions, connections
// dropped before or after the write), repeating Apply for the failed Sets
// as a controller would requeue them, then checks that the controller holds
// exactly the desired objects and that foreign objects were not touched.
func TestApplyUnderRandomFaults(t *testing.T) {
	const n = 200
	fake := avitest.New()
	t.Cleanup(fake.Close)
	c, err := client.New(client.Options{
		URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password()),
		CAPool: fake.CertPool(),
		// Long enough for a 200-object list page under -race on a busy
		// machine; a hang costs that much, so hangs are rarer below.
		Timeout: 2 * time.Second,
		Retry:   client.RetryPolicy{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond},
	})
	if err != nil {
		t.Fatal(err)
	}
	a := apply.New(c, apply.Options{Concurrency: 8})
	ctx := context.Background()

	sets := make([]*aviobj.Set, n)
	for i := range sets {
		sets[i] = newSet(t, "ns", fmt.Sprintf("svc-%03d", i), tcp(80), udp(53), sctp(38412))
	}
	// A foreign pool with a name of its own, and one that collides with a
	// pool of the last Set (which therefore never converges).
	foreign := aviobj.Pool{Name: "other--ns-svc-TCP-80", CreatedBy: "ako-other"}
	if _, err := fake.Seed("admin", "pool", foreign); err != nil {
		t.Fatal(err)
	}
	collide := aviobj.Pool{Name: sets[n-1].Pools[0].Name, CreatedBy: "ako-other"}
	if _, err := fake.Seed("admin", "pool", collide); err != nil {
		t.Fatal(err)
	}
	foreignBefore := snapshot(t, fake, "pool", foreign.Name, collide.Name)

	var faults []avitest.Fault
	for range 2 {
		faults = append(faults,
			avitest.Fault{Status: 500}, avitest.Fault{Status: 502}, avitest.Fault{Status: 503},
			avitest.Fault{ExpireSession: true}, avitest.Fault{Drop: true}, avitest.Fault{DropAfterHandling: true})
	}
	faults = append(faults, avitest.Fault{Hang: true}) // the client times out
	fake.SetFault(avitest.RandomFaults(42, 0.10, faults...))
	pending := sets[:n-1]
	for round := 1; len(pending) > 0; round++ {
		if round > 30 {
			t.Fatalf("%d Sets still failing after %d rounds", len(pending), round-1)
		}
		// Alternate single Applies and bulk ApplyAll.
		var failed []*aviobj.Set
		if round%2 == 1 {
			results, err := a.ApplyAll(ctx, pending)
			for _, se := range apply.FailedSets(err) {
				failed = append(failed, pending[se.Index])
			}
			for i, r := range results {
				if (r == nil) != slices.Contains(failed, pending[i]) {
					t.Fatalf("result %d is %v but FailedSets says failed=%v", i, r, slices.Contains(failed, pending[i]))
				}
			}
		} else {
			for _, s := range pending {
				if _, err := a.Apply(ctx, s); err != nil {
					failed = append(failed, s)
				}
			}
		}
		t.Logf("round %d: %d of %d Sets failed", round, len(failed), len(pending))
		pending = failed
	}
	if fake.Faults() < 100 {
		t.Errorf("only %d requests were faulted, want many", fake.Faults())
	}
	t.Logf("%d requests faulted", fake.Faults())
	// The colliding Set fails with a foreign-object error, faults or not.
	fake.SetFault(nil)
	_, err = a.Apply(ctx, sets[n-1])
	if !errorsIsForeign(err) {
		t.Errorf("Apply(colliding set) = %v, want a foreign-object error", err)
	}

	// Exactly the desired objects, each semantically equal to its Set's.
	want := map[string][]string{}
	for _, s := range sets[:n-1] {
		for _, o := range s.Objects() {
			want[string(o.AviKind())] = append(want[string(o.AviKind())], o.AviName())
		}
	}
	want["pool"] = append(want["pool"], foreign.Name, collide.Name)
	for kind, names := range want {
		sort.Strings(names)
		if diff := cmp.Diff(names, fake.Names("admin", aviobj.Kind(kind))); diff != "" {
			t.Errorf("%s names (-want +got):\n%s", kind, diff)
		}
	}
	if diff := cmp.Diff(foreignBefore, snapshot(t, fake, "pool", foreign.Name, collide.Name)); diff != "" {
		t.Errorf("foreign pools changed (-before +after):\n%s", diff)
	}
	// Every VsVip got its own address.
	seen := map[string]string{}
	for _, s := range sets[:n-1] {
		vips := fake.VIPs("admin", s.VsVip.Name)
		if len(vips) != 1 {
			t.Errorf("vsvip %s holds %v", s.VsVip.Name, vips)
			continue
		}
		if other, dup := seen[vips[0]]; dup {
			t.Errorf("vsvips %s and %s share %s", other, s.VsVip.Name, vips[0])
		}
		seen[vips[0]] = s.VsVip.Name
	}
	// A resync without faults writes nothing.
	fake.ResetCalls()
	if _, err := a.ApplyAll(ctx, sets[:n-1]); err != nil {
		t.Fatal(err)
	}
	if w := fake.Calls().Writes(); w != 0 {
		t.Errorf("resync after convergence made %d writes, want 0: %v", w, fake.Calls())
	}
}

func errorsIsForeign(err error) bool {
	var fe *apply.ForeignObjectError
	return err != nil && asForeign(err, &fe)
}

// snapshot returns objects as the fake holds them.
func snapshot(t *testing.T, fake *avitest.Server, kind aviobj.Kind, names ...string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, n := range names {
		o, ok := fake.Object("admin", kind, n)
		if !ok {
			t.Fatalf("%s %s missing", kind, n)
		}
		out[n] = o
	}
	return out
}
