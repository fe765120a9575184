package apply_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
)

// applyAll is ApplyAll of sets, failing t on an error; it returns the
// Results and the writes it made.
func applyAll(t *testing.T, e *env, sets ...*aviobj.Set) ([]*apply.Result, int) {
	t.Helper()
	e.fake.ResetCalls()
	res, err := e.a.ApplyAll(context.Background(), sets)
	if err != nil {
		t.Fatalf("ApplyAll: %v", err)
	}
	return res, e.fake.Calls().Writes()
}

// TestApplyAllDrift makes each change of driftCases after resyncs that
// filled the Applier's memo of unchanged objects (ApplyAll, then ApplyAll
// again with nothing to do, whose objects all come from the memo): a
// change on the controller must still be seen and repaired, and the
// resync after it make no write.
func TestApplyAllDrift(t *testing.T) {
	for _, tc := range driftCases() {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			set := newSet(t, "ns", "svc", tcp(80), sctp(38412), udp(53))
			first, _ := applyAll(t, e, set)
			for round := range 2 {
				res, writes := applyAll(t, e, set)
				if writes != 0 {
					t.Fatalf("resync %d made %d writes: %v", round, writes, e.fake.Calls())
				}
				if diff := cmp.Diff(first[0].VIPs, res[0].VIPs); diff != "" || len(res[0].VIPs) == 0 {
					t.Errorf("resync %d: VIPs (-first +resync):\n%s", round, diff)
				}
			}
			tc.change(t, e.fake)

			changes, err := e.a.PlanAll(context.Background(), []*aviobj.Set{set})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, changeList(changes[0])); diff != "" {
				t.Fatalf("PlanAll after the change (-want +got):\n%s\n%s", diff, changes[0])
			}
			if _, writes := applyAll(t, e, set); writes != len(tc.want) {
				t.Errorf("ApplyAll made %d writes, want %d: %v", writes, len(tc.want), e.fake.Calls())
			}
			res, writes := applyAll(t, e, set)
			if writes != 0 {
				t.Errorf("the resync after the repair made %d writes: %v", writes, e.fake.Calls())
			}
			if diff := cmp.Diff(first[0].VIPs, res[0].VIPs); diff != "" {
				t.Errorf("VIPs changed (-before +after):\n%s", diff)
			}
		})
	}
}

// TestApplyAllDesiredChange changes the Sets (not the controller) after
// resyncs that filled the memo: the objects whose desired form changed are
// updated, the others are left alone.
func TestApplyAllDesiredChange(t *testing.T) {
	e := newEnv(t)
	a := setFor(t, serviceInput("ns", "a", 3, tcp(80), udp(53)))
	b := newSet(t, "ns", "b", sctp(38412))
	applyAll(t, e, a, b)
	applyAll(t, e, a, b)
	if _, writes := applyAll(t, e, a, b); writes != 0 {
		t.Fatalf("resync made %d writes", writes)
	}
	// Fewer endpoints: both pools of a change, b does not.
	a2 := setFor(t, serviceInput("ns", "a", 2, tcp(80), udp(53)))
	changes, err := e.a.PlanAll(context.Background(), []*aviobj.Set{a2, b})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"update pool c1--ns-a-TCP-80", "update pool c1--ns-a-UDP-53"}
	if diff := cmp.Diff(want, changeList(changes[0])); diff != "" || changes[1].HasChanges() {
		t.Fatalf("PlanAll (-want +got):\n%s\n%s\n%s", diff, changes[0], changes[1])
	}
	if _, writes := applyAll(t, e, a2, b); writes != 2 {
		t.Errorf("ApplyAll made %d writes, want 2: %v", writes, e.fake.Calls())
	}
	// And back: the memo of the first form was replaced, nothing is
	// taken for equal that is not.
	if _, writes := applyAll(t, e, a, b); writes != 2 {
		t.Errorf("ApplyAll back made %d writes, want 2: %v", writes, e.fake.Calls())
	}
	if _, writes := applyAll(t, e, a, b); writes != 0 {
		t.Errorf("resync made %d writes", writes)
	}
}

// TestApplyAllChecksChangedSets: the pre-flight check of a Set is
// remembered by the Set's value only. A Set changed in place after it
// passed (same pointers, a server port out of range) is refused, and a
// refused Set stays refused, call after call; nothing is written for it.
func TestApplyAllChecksChangedSets(t *testing.T) {
	e := newEnv(t)
	good := newSet(t, "ns", "a", tcp(80))
	bad := newSet(t, "ns", "b", udp(53))
	applyAll(t, e, good, bad)
	applyAll(t, e, good, bad)
	bad.Pools[0].Servers[0].Port = 70000
	for round := range 3 {
		e.fake.ResetCalls()
		res, err := e.a.ApplyAll(context.Background(), []*aviobj.Set{good, bad})
		var invalid *apply.InvalidSetError
		if !errors.As(err, &invalid) || invalid.Set != bad.Name() {
			t.Fatalf("round %d: ApplyAll = %v, want the InvalidSetError of %s", round, err, bad.Name())
		}
		if res[0] == nil || res[0].Count(apply.Unchanged) != 4 {
			t.Errorf("round %d: the good Set: %v", round, res[0])
		}
		if w := e.fake.Calls().Writes(); w != 0 {
			t.Errorf("round %d: %d writes", round, w)
		}
	}
	bad.Pools[0].Servers[0].Port = 1053
	if _, writes := applyAll(t, e, good, bad); writes != 0 {
		t.Errorf("back to its applied form: %d writes", writes)
	}
}

// TestApplyAllOwnerChangedBehindItsBack: after warm resyncs (objects from
// the memo), another owner takes a pool over on the controller (its
// created_by changed by hand). The next ApplyAll sees it: the Set fails
// with a *ForeignObjectError, nothing is written, and the other Set of the
// call is unaffected.
func TestApplyAllOwnerChangedBehindItsBack(t *testing.T) {
	e := newEnv(t)
	a := newSet(t, "ns", "a", tcp(80))
	b := newSet(t, "ns", "b", udp(53))
	applyAll(t, e, a, b)
	applyAll(t, e, a, b)
	if _, writes := applyAll(t, e, a, b); writes != 0 {
		t.Fatalf("resync made %d writes", writes)
	}
	if err := e.fake.Edit("admin", aviobj.KindPool, "c1--ns-a-TCP-80", func(o map[string]any) { o["created_by"] = "ako-other" }); err != nil {
		t.Fatal(err)
	}
	e.fake.ResetCalls()
	res, err := e.a.ApplyAll(context.Background(), []*aviobj.Set{a, b})
	var foreign *apply.ForeignObjectError
	if !errors.As(err, &foreign) || foreign.Name != "c1--ns-a-TCP-80" {
		t.Fatalf("ApplyAll = %v, want the ForeignObjectError of the pool", err)
	}
	if w := e.fake.Calls().Writes(); w != 0 {
		t.Errorf("%d writes: %v", w, e.fake.Calls())
	}
	if res[1] == nil || res[1].Count(apply.Unchanged) != 4 {
		t.Errorf("the other Set: %v", res[1])
	}
}
