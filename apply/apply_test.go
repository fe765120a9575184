package apply_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/l4"
)

// writeLog records the writes that reach the fake, in order, as
// "POST pool"; it lets every request through.
type writeLog struct {
	mu     sync.Mutex
	writes []string
}

func (w *writeLog) fault(r avitest.Request) *avitest.Fault {
	if r.Kind != "" && r.Method != "GET" {
		w.mu.Lock()
		w.writes = append(w.writes, r.Method+" "+string(r.Kind))
		w.mu.Unlock()
	}
	return nil
}

func (w *writeLog) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.writes
	w.writes = nil
	return out
}

// changeList renders Changes as "create pool x" lines in execution order.
func changeList(ch *apply.Changes) []string {
	var out []string
	for _, list := range [][]apply.Change{ch.Create, ch.Update, ch.Delete} {
		for _, c := range list {
			out = append(out, c.String())
		}
	}
	return out
}

func outcomes(r *apply.Result) []string {
	var out []string
	for _, o := range r.Objects {
		out = append(out, string(o.Outcome)+" "+string(o.Kind)+" "+o.Name)
	}
	return out
}

func mustApply(t *testing.T, e *env, set *aviobj.Set) *apply.Result {
	t.Helper()
	res, err := e.a.Apply(context.Background(), set)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return res
}

// assertConverged checks that a Plan of set finds nothing to do.
func assertConverged(t *testing.T, e *env, set *aviobj.Set) {
	t.Helper()
	ch, err := e.a.Plan(context.Background(), set)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if ch.HasChanges() {
		t.Errorf("Plan after Apply is not empty:\n%s", ch)
	}
}

func TestApplyFirstRound(t *testing.T) {
	e := newEnv(t)
	log := &writeLog{}
	e.fake.SetFault(log.fault)
	set := newSet(t, "ns", "svc", tcp(80), udp(53), sctp(38412))

	ch, err := e.a.Plan(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	if w := e.fake.Calls().Writes(); w != 0 {
		t.Errorf("Plan made %d writes", w)
	}
	wantPlan := []string{
		"create vsvip c1--ns-svc",
		"create pool c1--ns-svc-TCP-80",
		"create pool c1--ns-svc-UDP-53",
		"create pool c1--ns-svc-SCTP-38412",
		"create l4policyset c1--ns-svc",
		"create virtualservice c1--ns-svc",
	}
	if diff := cmp.Diff(wantPlan, changeList(ch)); diff != "" {
		t.Errorf("Plan (-want +got):\n%s", diff)
	}

	res := mustApply(t, e, set)
	wantWrites := []string{"POST vsvip", "POST pool", "POST pool", "POST pool", "POST l4policyset", "POST virtualservice"}
	if diff := cmp.Diff(wantWrites, log.take()); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	wantOutcomes := []string{
		"created vsvip c1--ns-svc",
		"created pool c1--ns-svc-TCP-80",
		"created pool c1--ns-svc-UDP-53",
		"created pool c1--ns-svc-SCTP-38412",
		"created l4policyset c1--ns-svc",
		"created virtualservice c1--ns-svc",
	}
	if diff := cmp.Diff(wantOutcomes, outcomes(res)); diff != "" {
		t.Errorf("outcomes (-want +got):\n%s", diff)
	}
	// Each created object's result carries the uuid the controller gave it
	// (read from the POST reply).
	for _, o := range res.Objects {
		live, ok := e.fake.Object("admin", o.Kind, o.Name)
		if !ok || o.UUID == "" || live["uuid"] != o.UUID {
			t.Errorf("%s %s: result uuid %q, the controller's %v", o.Kind, o.Name, o.UUID, live["uuid"])
		}
	}
	if diff := cmp.Diff(e.fake.VIPs("admin", "c1--ns-svc"), res.VIPs); diff != "" || len(res.VIPs) != 1 {
		t.Errorf("VIPs %v, the fake allocated %v", res.VIPs, e.fake.VIPs("admin", "c1--ns-svc"))
	}
	// What the controller holds equals what was asked for.
	var vs aviobj.VirtualService
	if _, err := e.fake.Decode("admin", "virtualservice", "c1--ns-svc", &vs); err != nil {
		t.Fatal(err)
	}
	if vs.UUID == "" || !strings.Contains(vs.VsVipRef, "#c1--ns-svc") {
		t.Errorf("live VS lacks uuid or named vsvip_ref: %+v", vs)
	}
}

func TestApplySecondRoundNoWrites(t *testing.T) {
	e := newEnv(t)
	set := newSet(t, "ns", "svc", tcp(80), udp(53), sctp(38412))
	first := mustApply(t, e, set)
	e.fake.ResetCalls()

	second := mustApply(t, e, set)
	calls := e.fake.Calls()
	if calls.Writes() != 0 {
		t.Errorf("second Apply made writes: %v", calls)
	}
	// One GET by name per singleton object and one list each for the
	// pools and the custom monitors (which finds stray ones).
	if got := calls.Total(); got != 5 {
		t.Errorf("second Apply made %d reads, want 5: %v", got, calls)
	}
	if second.Writes() != 0 || second.Changes.HasChanges() {
		t.Errorf("second Result reports writes:\n%s", second)
	}
	if diff := cmp.Diff(first.VIPs, second.VIPs); diff != "" {
		t.Errorf("VIPs changed (-first +second):\n%s", diff)
	}
	for _, o := range second.Objects {
		if o.Outcome != apply.Unchanged || o.UUID == "" {
			t.Errorf("%v: want unchanged with a uuid, got %q %q", o, o.Outcome, o.UUID)
		}
	}
}

// TestApplyDrift edits owned objects out of band and checks that the next
// Apply sees and repairs exactly that.
// driftCase is a change made on the controller behind the applier's back,
// and the changes a Plan after it shows.
type driftCase struct {
	name   string
	change func(*testing.T, *avitest.Server)
	want   []string // Plan after the change
}

// driftCases are the changes TestApplyDrift and TestApplyAllDrift repair,
// on the objects of newSet(t, "ns", "svc", tcp(80), sctp(38412), udp(53)).
func driftCases() []driftCase {
	edit := func(kind aviobj.Kind, name string, fn func(map[string]any)) func(*testing.T, *avitest.Server) {
		return func(t *testing.T, f *avitest.Server) {
			if err := f.Edit("admin", kind, name, fn); err != nil {
				t.Fatal(err)
			}
		}
	}
	return []driftCase{{
		name: "pool-server-removed",
		change: edit("pool", "c1--ns-svc-TCP-80", func(o map[string]any) {
			o["servers"] = o["servers"].([]any)[:1]
		}),
		want: []string{"update pool c1--ns-svc-TCP-80"},
	}, {
		name:   "pool-disabled",
		change: edit("pool", "c1--ns-svc-UDP-53", func(o map[string]any) { o["enabled"] = false }),
		want:   []string{"update pool c1--ns-svc-UDP-53"},
	}, {
		name:   "pool-lb-algorithm-changed",
		change: edit("pool", "c1--ns-svc-UDP-53", func(o map[string]any) { o["lb_algorithm"] = "LB_ALGORITHM_ROUND_ROBIN" }),
		want:   []string{"update pool c1--ns-svc-UDP-53"},
	}, {
		name: "vs-override-network-profile-removed",
		change: edit("virtualservice", "c1--ns-svc", func(o map[string]any) {
			delete(o["services"].([]any)[1].(map[string]any), "override_network_profile_ref")
		}),
		want: []string{"update virtualservice c1--ns-svc"},
	}, {
		name: "vs-override-network-profile-changed",
		change: edit("virtualservice", "c1--ns-svc", func(o map[string]any) {
			o["services"].([]any)[1].(map[string]any)["override_network_profile_ref"] = "/api/networkprofile/?name=System-TCP-Fast-Path"
		}),
		want: []string{"update virtualservice c1--ns-svc"},
	}, {
		name:   "vs-traffic-disabled",
		change: edit("virtualservice", "c1--ns-svc", func(o map[string]any) { o["traffic_enabled"] = false }),
		want:   []string{"update virtualservice c1--ns-svc"},
	}, {
		name: "policy-rule-removed",
		change: edit("l4policyset", "c1--ns-svc", func(o map[string]any) {
			p := o["l4_connection_policy"].(map[string]any)
			p["rules"] = p["rules"].([]any)[:2]
		}),
		want: []string{"update l4policyset c1--ns-svc"},
	}, {
		name: "vsvip-marker-added",
		change: edit("vsvip", "c1--ns-svc", func(o map[string]any) {
			o["markers"] = append(o["markers"].([]any), map[string]any{"key": "Namespace", "values": []any{"x"}})
		}),
		want: []string{"update vsvip c1--ns-svc"},
	}, {
		name: "vs-deleted",
		change: func(t *testing.T, f *avitest.Server) {
			if err := f.Remove("admin", "virtualservice", "c1--ns-svc"); err != nil {
				t.Fatal(err)
			}
		},
		want: []string{"create virtualservice c1--ns-svc"},
	}, {
		name: "unmodelled-field-ignored",
		change: edit("pool", "c1--ns-svc-TCP-80", func(o map[string]any) {
			o["connection_ramp_duration"] = 30
		}),
	}, {
		name: "server-defaults-rendered-differently",
		change: edit("virtualservice", "c1--ns-svc", func(o map[string]any) {
			o["enabled"] = true // the default the desired VS leaves unset
			o["type"] = "VS_TYPE_NORMAL"
		}),
	}}
}

func TestApplyDrift(t *testing.T) {
	tests := driftCases()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			set := newSet(t, "ns", "svc", tcp(80), sctp(38412), udp(53))
			first := mustApply(t, e, set)
			tc.change(t, e.fake)

			ch, err := e.a.Plan(context.Background(), set)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, changeList(ch)); diff != "" {
				t.Fatalf("Plan after the change (-want +got):\n%s\n%s", diff, ch)
			}
			for _, u := range ch.Update {
				if u.Diff == "" {
					t.Errorf("%v has no diff", u)
				}
			}
			e.fake.ResetCalls()
			res := mustApply(t, e, set)
			if got := e.fake.Calls().Writes(); got != len(tc.want) {
				t.Errorf("Apply made %d writes, want %d: %v", got, len(tc.want), e.fake.Calls())
			}
			assertConverged(t, e, set)
			if diff := cmp.Diff(first.VIPs, res.VIPs); diff != "" {
				t.Errorf("VIPs changed (-before +after):\n%s", diff)
			}
		})
	}
}

func TestApplyPortChanges(t *testing.T) {
	tests := []struct {
		name       string
		from, to   []port
		wantPlan   []string
		wantWrites []string
	}{{
		name:     "port-removed",
		from:     []port{tcp(80), udp(53), sctp(38412)},
		to:       []port{tcp(80), udp(53)},
		wantPlan: []string{"update l4policyset c1--ns-svc", "update virtualservice c1--ns-svc", "delete pool c1--ns-svc-SCTP-38412"},
		// The pool goes only once nothing refers to it.
		wantWrites: []string{"PUT l4policyset", "PUT virtualservice", "DELETE pool"},
	}, {
		name:       "port-added",
		from:       []port{tcp(80)},
		to:         []port{tcp(80), sctp(38412)},
		wantPlan:   []string{"create pool c1--ns-svc-SCTP-38412", "update l4policyset c1--ns-svc", "update virtualservice c1--ns-svc"},
		wantWrites: []string{"POST pool", "PUT l4policyset", "PUT virtualservice"},
	}, {
		name:     "port-number-changed",
		from:     []port{tcp(80), udp(53), sctp(38412)},
		to:       []port{tcp(80), udp(53), sctp(38413)},
		wantPlan: []string{"create pool c1--ns-svc-SCTP-38413", "update l4policyset c1--ns-svc", "update virtualservice c1--ns-svc", "delete pool c1--ns-svc-SCTP-38412"},
		wantWrites: []string{
			"POST pool", "PUT l4policyset", "PUT virtualservice", "DELETE pool",
		},
	}, {
		name:       "protocol-changed",
		from:       []port{tcp(53)},
		to:         []port{udp(53)},
		wantPlan:   []string{"create pool c1--ns-svc-UDP-53", "update l4policyset c1--ns-svc", "update virtualservice c1--ns-svc", "delete pool c1--ns-svc-TCP-53"},
		wantWrites: []string{"POST pool", "PUT l4policyset", "PUT virtualservice", "DELETE pool"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			mustApply(t, e, newSet(t, "ns", "svc", tc.from...))
			log := &writeLog{}
			e.fake.SetFault(log.fault)
			to := newSet(t, "ns", "svc", tc.to...)
			ch, err := e.a.Plan(context.Background(), to)
			if err != nil {
				t.Fatal(err)
			}
			got := changeList(ch)
			// Changes lists creates, updates, deletes; compare as a set of lines.
			if diff := cmp.Diff(sortedCopy(tc.wantPlan), sortedCopy(got)); diff != "" {
				t.Errorf("Plan (-want +got):\n%s", diff)
			}
			mustApply(t, e, to)
			if diff := cmp.Diff(tc.wantWrites, log.take()); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
			assertConverged(t, e, to)
			var want []string
			for _, p := range to.Pools {
				want = append(want, p.Name)
			}
			if diff := cmp.Diff(sortedCopy(want), e.fake.Names("admin", "pool")); diff != "" {
				t.Errorf("pools (-want +got):\n%s", diff)
			}
		})
	}
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestApplyRecoversStrayPool stops a port removal after the policy set
// dropped the pool but before the pool's DELETE went through; the next
// Apply finds the pool by name and markers and deletes it.
func TestApplyRecoversStrayPool(t *testing.T) {
	e := newEnv(t)
	mustApply(t, e, newSet(t, "ns", "svc", tcp(80), sctp(38412)))
	e.fake.SetFault(func(r avitest.Request) *avitest.Fault {
		if r.Method == "DELETE" && r.Kind == "pool" {
			return &avitest.Fault{Status: 400, Message: "Configuration is frozen"}
		}
		return nil
	})
	to := newSet(t, "ns", "svc", tcp(80))
	if _, err := e.a.Apply(context.Background(), to); err == nil || !strings.Contains(err.Error(), "Configuration is frozen") {
		t.Fatalf("Apply = %v, want the DELETE error", err)
	}
	e.fake.SetFault(nil)
	ch, err := e.a.Plan(context.Background(), to)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"delete pool c1--ns-svc-SCTP-38412"}, changeList(ch)); diff != "" {
		t.Errorf("Plan (-want +got):\n%s", diff)
	}
	mustApply(t, e, to)
	if diff := cmp.Diff([]string{"c1--ns-svc-TCP-80"}, e.fake.Names("admin", "pool")); diff != "" {
		t.Errorf("pools (-want +got):\n%s", diff)
	}
}

// TestApplyStrayPoolOfOtherServiceKept checks that pools of a Service whose
// name extends ours (svc-a vs svc) are not taken for strays.
func TestApplyStrayPoolOfOtherServiceKept(t *testing.T) {
	e := newEnv(t)
	other := newSet(t, "ns", "svc-a", tcp(80))
	mustApply(t, e, other)
	mustApply(t, e, newSet(t, "ns", "svc", tcp(80)))
	ch, err := e.a.Plan(context.Background(), newSet(t, "ns", "svc", udp(53)))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ch.Delete {
		if strings.Contains(d.Name, "svc-a") {
			t.Errorf("plan deletes %v of another Service", d)
		}
	}
	assertConverged(t, e, other)
}

func TestApplyPartialFailure(t *testing.T) {
	e := newEnv(t)
	set := newSet(t, "ns", "svc", tcp(80), udp(53), sctp(38412))
	e.fake.SetFault(func(r avitest.Request) *avitest.Fault {
		if r.Method == "POST" && r.Kind == "l4policyset" {
			return &avitest.Fault{Status: 400, Message: "Configuration is disallowed during upgrade"}
		}
		return nil
	})
	res, err := e.a.Apply(context.Background(), set)
	if err == nil {
		t.Fatal("Apply succeeded, want the POST l4policyset error")
	}
	if got := len(res.Objects); got != 4 {
		t.Errorf("partial Result has %d objects, want the VsVip and 3 pools:\n%s", got, res)
	}
	e.fake.SetFault(nil)

	t.Run("rerun-converges", func(t *testing.T) {
		e.fake.ResetCalls()
		mustApply(t, e, set.DeepCopy())
		if got := e.fake.Calls().Writes(); got != 2 {
			t.Errorf("re-run made %d writes, want 2 (policy set and VS): %v", got, e.fake.Calls())
		}
		assertConverged(t, e, set)
	})
	t.Run("delete-cleans-up", func(t *testing.T) {
		if _, err := e.a.Delete(context.Background(), set); err != nil {
			t.Fatal(err)
		}
		for _, kind := range []aviobj.Kind{"vsvip", "pool", "l4policyset", "virtualservice"} {
			if names := e.fake.Names("admin", kind); len(names) != 0 {
				t.Errorf("%s left: %v", kind, names)
			}
		}
	})
}

func TestDelete(t *testing.T) {
	for _, byKey := range []bool{false, true} {
		name := "by-set"
		if byKey {
			name = "by-key"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			set := newSet(t, "ns", "svc", tcp(80), udp(53), sctp(38412))
			mustApply(t, e, set)
			// A pool the live policy set still refers to but the Set forgot.
			stale := set.DeepCopy()
			log := &writeLog{}
			e.fake.SetFault(log.fault)
			del := func() (*apply.Result, error) {
				if byKey {
					return e.a.DeleteKey(context.Background(), apply.KeyOf(stale))
				}
				return e.a.Delete(context.Background(), stale)
			}
			res, err := del()
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"DELETE virtualservice", "DELETE l4policyset", "DELETE pool", "DELETE pool", "DELETE pool", "DELETE vsvip"}
			if diff := cmp.Diff(want, log.take()); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
			if res.Count(apply.Deleted) != 6 {
				t.Errorf("Result:\n%s", res)
			}
			for _, kind := range []aviobj.Kind{"vsvip", "pool", "l4policyset", "virtualservice"} {
				if names := e.fake.Names("admin", kind); len(names) != 0 {
					t.Errorf("%s left: %v", kind, names)
				}
			}
			// Deleting what is gone is a no-op.
			if _, err := del(); err != nil {
				t.Fatal(err)
			}
			if w := log.take(); len(w) != 0 {
				t.Errorf("second Delete wrote %v", w)
			}
		})
	}
}

func TestDeleteAfterOutOfBandDeletion(t *testing.T) {
	e := newEnv(t)
	set := newSet(t, "ns", "svc", tcp(80))
	mustApply(t, e, set)
	// The reply to the VS DELETE is lost: the retried DELETE gets 404,
	// which is success.
	e.fake.SetFault(avitest.FailNth("DELETE", "virtualservice", 1, avitest.Fault{DropAfterHandling: true}))
	if _, err := e.a.Delete(context.Background(), set); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.Calls()[avitest.Call{Method: "DELETE", Kind: "virtualservice"}]; got != 2 {
		t.Errorf("DELETE virtualservice = %d, want 2", got)
	}
}

func TestApplyForeignObject(t *testing.T) {
	set := newSet(t, "ns", "svc", tcp(80), sctp(38412))
	tests := []struct {
		name    string
		kind    aviobj.Kind
		obj     any
		wantErr string
	}{{
		name:    "pool-of-another-cluster",
		kind:    "pool",
		obj:     aviobj.Pool{Name: "c1--ns-svc-SCTP-38412", CreatedBy: "ako-other"},
		wantErr: `pool "c1--ns-svc-SCTP-38412" is not owned by this cluster (created_by "ako-other"): foreign object`,
	}, {
		name:    "unmarked-virtualservice",
		kind:    "virtualservice",
		obj:     aviobj.VirtualService{Name: "c1--ns-svc"},
		wantErr: `virtualservice "c1--ns-svc" is not owned by this cluster (created_by ""): foreign object`,
	}, {
		name: "vsvip-of-another-cluster",
		kind: "vsvip",
		obj: aviobj.VsVip{Name: "c1--ns-svc", Vip: []aviobj.Vip{{VipID: "0", AutoAllocateIP: aviobj.Bool(true)}},
			Markers: []aviobj.Marker{{Key: "clustername", Values: []string{"c2"}}}},
		wantErr: `vsvip "c1--ns-svc" is not owned by this cluster (clustername marker "c2"): foreign object`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			if _, err := e.fake.Seed("admin", tc.kind, tc.obj); err != nil {
				t.Fatal(err)
			}
			before, _ := e.fake.Object("admin", tc.kind, objName(tc.obj))
			e.fake.ResetCalls()
			for _, op := range []string{"Plan", "Apply"} {
				var err error
				if op == "Plan" {
					_, err = e.a.Plan(context.Background(), set)
				} else {
					_, err = e.a.Apply(context.Background(), set)
				}
				if !errors.Is(err, apply.ErrForeignObject) {
					t.Fatalf("%s = %v, want ErrForeignObject", op, err)
				}
				var fe *apply.ForeignObjectError
				if !errors.As(err, &fe) || fe.Error() != tc.wantErr {
					t.Errorf("%s error:\n got %v\nwant %s", op, fe, tc.wantErr)
				}
			}
			if w := e.fake.Calls().Writes(); w != 0 {
				t.Errorf("a blocked Set made %d writes", w)
			}
			// Delete leaves the foreign object alone.
			if _, err := e.a.Delete(context.Background(), set); err != nil {
				t.Fatal(err)
			}
			after, ok := e.fake.Object("admin", tc.kind, objName(tc.obj))
			if diff := cmp.Diff(before, after); !ok || diff != "" {
				t.Errorf("foreign object changed (-before +after):\n%s", diff)
			}
		})
	}
}

func objName(o any) string {
	switch t := o.(type) {
	case aviobj.Pool:
		return t.Name
	case aviobj.VirtualService:
		return t.Name
	case aviobj.VsVip:
		return t.Name
	}
	return ""
}

// TestApplyRetriedCreate loses the reply to a POST that went through: the
// client retries, gets 409, and the applier adopts its own object.
func TestApplyRetriedCreate(t *testing.T) {
	e := newEnv(t)
	e.fake.SetFault(avitest.FailNth("POST", "pool", 2, avitest.Fault{DropAfterHandling: true}))
	set := newSet(t, "ns", "svc", tcp(80), udp(53))
	res := mustApply(t, e, set)
	if got := res.Count(apply.Created); got != 5 {
		t.Errorf("Result:\n%s", res)
	}
	if got := e.fake.Calls()[avitest.Call{Method: "POST", Kind: "pool"}]; got != 3 {
		t.Errorf("POST pool = %d, want 3 (one retried)", got)
	}
	assertConverged(t, e, set)
}

func TestApplyConcurrentSameSet(t *testing.T) {
	e := newEnv(t)
	set := newSet(t, "ns", "svc", tcp(80), udp(53), sctp(38412))
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.a.Apply(context.Background(), set)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.Count("pool"); got != 3 {
		t.Errorf("%d pools, want 3", got)
	}
	assertConverged(t, e, set)
}

func TestApplyPreferredVIP(t *testing.T) {
	e := newEnv(t)
	in := serviceInput("ns", "svc", 1, tcp(80))
	in.Service.Annotations = map[string]string{l4.AnnotationLoadBalancerIP: "10.50.3.3"}
	res := mustApply(t, e, setFor(t, in))
	if diff := cmp.Diff([]string{"10.50.3.3"}, res.VIPs); diff != "" {
		t.Errorf("VIPs (-want +got):\n%s", diff)
	}
	in.Service.Annotations[l4.AnnotationLoadBalancerIP] = "10.50.3.4"
	ch, err := e.a.Plan(context.Background(), setFor(t, in))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"update vsvip c1--ns-svc"}, changeList(ch)); diff != "" {
		t.Errorf("Plan (-want +got):\n%s", diff)
	}
	res = mustApply(t, e, setFor(t, in))
	if diff := cmp.Diff([]string{"10.50.3.4"}, res.VIPs); diff != "" {
		t.Errorf("VIPs (-want +got):\n%s", diff)
	}
}

// TestApplyKeepsAllocatedVIP updates a VsVip whose address the controller
// allocated: the PUT carries the address back, so the VIP does not move.
func TestApplyKeepsAllocatedVIP(t *testing.T) {
	e := newEnv(t)
	set := newSet(t, "ns", "svc", tcp(80))
	first := mustApply(t, e, set)
	set.VsVip.Markers = append(set.VsVip.Markers, aviobj.Marker{Key: "Namespace", Values: []string{"ns"}})
	second := mustApply(t, e, set)
	if second.Count(apply.Updated) != 1 {
		t.Fatalf("Result:\n%s", second)
	}
	if diff := cmp.Diff(first.VIPs, second.VIPs); diff != "" || len(first.VIPs) == 0 {
		t.Errorf("VIP moved (-before +after):\n%s", diff)
	}
}

func TestApplyHealthMonitors(t *testing.T) {
	e := newEnv(t)
	set := newSet(t, "ns", "svc", tcp(80))
	hm := aviobj.HealthMonitor{
		Name: "c1--ns-svc-hm", Type: aviobj.HealthMonitorTypeTCP, TenantRef: "/api/tenant/?name=admin",
		Markers: []aviobj.Marker{{Key: aviobj.MarkerClusterName, Values: []string{cluster}}},
	}
	set.HealthMonitors = []aviobj.HealthMonitor{hm}
	set.Pools[0].HealthMonitorRefs = []string{aviobj.RefByName(aviobj.KindHealthMonitor, hm.Name)}
	log := &writeLog{}
	e.fake.SetFault(log.fault)
	mustApply(t, e, set)
	if diff := cmp.Diff([]string{"POST healthmonitor", "POST vsvip", "POST pool", "POST l4policyset", "POST virtualservice"}, log.take()); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	assertConverged(t, e, set)

	// Dropping the monitor updates the pool first, then deletes it.
	set.HealthMonitors = nil
	set.Pools[0].HealthMonitorRefs = []string{aviobj.RefByName(aviobj.KindHealthMonitor, "System-TCP")}
	mustApply(t, e, set)
	if diff := cmp.Diff([]string{"PUT pool", "DELETE healthmonitor"}, log.take()); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	if names := e.fake.Names("admin", "healthmonitor"); len(names) != 0 {
		t.Errorf("monitors left: %v", names)
	}
}

func TestApplyAll(t *testing.T) {
	e := newEnv(t)
	var sets []*aviobj.Set
	for _, name := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		sets = append(sets, newSet(t, "ns", name, tcp(80), udp(53), sctp(38412)))
	}
	results, err := e.a.ApplyAll(context.Background(), sets)
	if err != nil {
		t.Fatal(err)
	}
	calls := e.fake.Calls()
	if got, want := calls.Method("POST"), 60; got != want || calls.Writes() != want {
		t.Errorf("first sync: %d POSTs, %d writes, want %d POSTs only: %v", got, calls.Writes(), want, calls)
	}
	for i, r := range results {
		if r.Count(apply.Created) != 6 || len(r.VIPs) != 1 {
			t.Errorf("result %d:\n%s", i, r)
		}
	}
	e.fake.ResetCalls()
	if _, err := e.a.ApplyAll(context.Background(), sets); err != nil {
		t.Fatal(err)
	}
	calls = e.fake.Calls()
	want := avitest.Calls{
		{Method: "GET", Kind: "healthmonitor", List: true}:  1,
		{Method: "GET", Kind: "vsvip", List: true}:          1,
		{Method: "GET", Kind: "pool", List: true}:           1,
		{Method: "GET", Kind: "l4policyset", List: true}:    1,
		{Method: "GET", Kind: "virtualservice", List: true}: 1,
	}
	if diff := cmp.Diff(want, calls); diff != "" {
		t.Errorf("no-op resync calls (-want +got):\n%s", diff)
	}
	changes, err := e.a.PlanAll(context.Background(), sets)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range changes {
		if ch.HasChanges() {
			t.Errorf("PlanAll: %s", ch)
		}
	}
	if _, err := e.a.DeleteAll(context.Background(), sets); err != nil {
		t.Fatal(err)
	}
	if n := e.fake.Count("pool") + e.fake.Count("virtualservice"); n != 0 {
		t.Errorf("%d objects left after DeleteAll", n)
	}
}

func TestApplyAllReportsFailedSets(t *testing.T) {
	e := newEnv(t)
	good := newSet(t, "ns", "good", tcp(80))
	bad := newSet(t, "ns", "bad", tcp(80))
	if _, err := e.fake.Seed("admin", "virtualservice", aviobj.VirtualService{Name: bad.Name(), CreatedBy: "someone"}); err != nil {
		t.Fatal(err)
	}
	results, err := e.a.ApplyAll(context.Background(), []*aviobj.Set{bad, good})
	failed := apply.FailedSets(err)
	if len(failed) != 1 || failed[0].Index != 0 || !errors.Is(failed[0], apply.ErrForeignObject) {
		t.Fatalf("FailedSets = %v (err %v)", failed, err)
	}
	if results[0] != nil || results[1] == nil {
		t.Errorf("results = %v", results)
	}
}

func TestChangesJSON(t *testing.T) {
	e := newEnv(t)
	set := newSet(t, "ns", "svc", tcp(80))
	mustApply(t, e, set)
	set.Pools[0].Servers = set.Pools[0].Servers[:1]
	ch, err := e.a.Plan(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(ch)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Tenant, Set string
		Create      []apply.Change
		Update      []struct{ Action, Kind, Name, UUID, Diff string }
		Delete      []apply.Change
		Unchanged   []string
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.Tenant != "admin" || got.Set != "c1--ns-svc" || len(got.Update) != 1 ||
		got.Update[0].Action != "update" || got.Update[0].UUID == "" || !strings.Contains(got.Update[0].Diff, "10.1.0.2") {
		t.Errorf("Changes JSON: %s", data)
	}
	if !strings.Contains(ch.String(), "~ pool c1--ns-svc-TCP-80") {
		t.Errorf("Changes.String():\n%s", ch)
	}
}

// TestDeleteKeyAfterPartialDelete stops a Delete after the VirtualService and
// the policy set are gone; DeleteKey, which knows only the name, still finds
// the pools by name and owner.
func TestDeleteKeyAfterPartialDelete(t *testing.T) {
	e := newEnv(t)
	set := newSet(t, "ns", "svc", tcp(80), udp(53))
	mustApply(t, e, set)
	other := newSet(t, "ns", "svc-a", tcp(80)) // its pool shares the prefix c1--ns-svc-
	mustApply(t, e, other)
	e.fake.SetFault(avitest.FailNth("DELETE", "pool", 1, avitest.Fault{Status: 400, Message: "Configuration is frozen"}))
	if _, err := e.a.Delete(context.Background(), set); err == nil {
		t.Fatal("Delete succeeded, want the DELETE pool error")
	}
	if names := e.fake.Names("admin", "l4policyset"); len(names) != 1 || names[0] != "c1--ns-svc-a" {
		t.Fatalf("policy sets left: %v", names)
	}
	e.fake.SetFault(nil)
	res, err := e.a.DeleteKey(context.Background(), apply.Key{Name: "c1--ns-svc", ClusterName: cluster})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"deleted pool c1--ns-svc-TCP-80", "deleted pool c1--ns-svc-UDP-53", "deleted vsvip c1--ns-svc"}
	if diff := cmp.Diff(want, outcomes(res)); diff != "" {
		t.Errorf("DeleteKey (-want +got):\n%s", diff)
	}
	assertConverged(t, e, other)
}

func TestApplyInTenant(t *testing.T) {
	e := newEnv(t, avitest.WithTenants("t1"))
	in := serviceInput("ns", "svc", 2, tcp(80), sctp(38412))
	res := l4.TranslateService(in, l4.Options{ClusterName: cluster, Tenant: "t1", License: "ENTERPRISE"})
	set := res.Set
	// Server fields in the desired objects (say, read back earlier) are
	// not sent.
	set.VirtualService.UUID, set.VirtualService.URL = "virtualservice-stale", "https://old/api/virtualservice/x"
	mustApply(t, e, set)
	if got := e.fake.Names("t1", "pool"); len(got) != 2 {
		t.Errorf("pools in t1: %v", got)
	}
	if got := e.fake.Names("admin", "virtualservice"); len(got) != 0 {
		t.Errorf("objects leaked into admin: %v", got)
	}
	assertConverged(t, e, set)
	if _, err := e.a.DeleteKey(context.Background(), apply.KeyOf(set)); err != nil {
		t.Fatal(err)
	}
	if n := len(e.fake.Names("t1", "pool")) + len(e.fake.Names("t1", "vsvip")); n != 0 {
		t.Errorf("%d objects left in t1", n)
	}
}

// TestOnSetDone: OnSetDone hears of every Set of a bulk call exactly once,
// with its index and its error: a Set refused before any request (a
// collision with the Set before it) and the Sets that were applied.
func TestOnSetDone(t *testing.T) {
	e := newEnv(t)
	var mu sync.Mutex
	got := map[int]error{}
	calls := 0
	a := apply.New(e.c, apply.Options{Concurrency: 2, OnSetDone: func(i int, err error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		got[i] = err
	}})
	first := newSet(t, "a-b", "c", tcp(80))
	clash := newSet(t, "a", "b-c", tcp(80)) // the same Avi names: refused
	other := newSet(t, "ns", "other", udp(53))
	if _, err := a.ApplyAll(context.Background(), []*aviobj.Set{first, clash, other}); err == nil {
		t.Fatal("ApplyAll with a collision: no error")
	}
	if calls != 3 || got[0] != nil || got[2] != nil || !errors.Is(got[1], apply.ErrCollision) {
		t.Errorf("OnSetDone: %d calls, %v; want 3 calls, only index 1 failing with ErrCollision", calls, got)
	}
	calls = 0
	if _, err := a.PlanAll(context.Background(), []*aviobj.Set{first, other}); err != nil {
		t.Fatal(err)
	}
	if calls != 2 {
		t.Errorf("PlanAll: OnSetDone called %d times, want 2", calls)
	}
}
