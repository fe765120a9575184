package apply_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
)

// TestPreflightRefusal gives Plan, Apply and ApplyAll Sets that fail the
// pre-flight check: each is refused with an *InvalidSetError listing every
// problem, before any request; a re-run of the last good Set then makes no
// write.
func TestPreflightRefusal(t *testing.T) {
	tests := []struct {
		name string
		bad  func(*aviobj.Set) *aviobj.Set
		// want lists the problems, as Problem.String renders them.
		want []string
	}{{
		name: "nil",
		bad:  func(*aviobj.Set) *aviobj.Set { return nil },
		want: []string{"no Set"},
	}, {
		name: "no-virtualservice",
		bad:  func(s *aviobj.Set) *aviobj.Set { s.VirtualService = nil; return s },
		want: []string{"virtualservice: required: a Set is named by its VirtualService"},
	}, {
		name: "two-bad-ports",
		bad: func(s *aviobj.Set) *aviobj.Set {
			s.Pools[0].Servers[0].Port = 70000
			s.Pools[1].Servers[1].Port = -1
			return s
		},
	}, {
		name: "pool-of-another-service",
		bad: func(s *aviobj.Set) *aviobj.Set {
			s.Pools[1].Markers = aviobj.Markers{ClusterName: cluster, Namespace: "ns", ServiceName: "other", Port: "53"}.List()
			return s
		},
		want: []string{`pool "c1--ns-svc-UDP-53": markers: identity markers name Service ns/other, but the Set's VirtualService names Service ns/svc`},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t)
			good := newSet(t, "ns", "svc", tcp(80), udp(53))
			mustApply(t, e, good)
			bad := tc.bad(good.DeepCopy())
			e.fake.ResetCalls()

			var problems [][]aviobj.Problem
			check := func(op string, err error) {
				t.Helper()
				var ie *apply.InvalidSetError
				if !errors.Is(err, apply.ErrInvalidSet) || !errors.As(err, &ie) || len(ie.Problems) == 0 {
					t.Fatalf("%s = %v, want an *InvalidSetError", op, err)
				}
				problems = append(problems, ie.Problems)
			}
			_, err := e.a.Plan(ctx, bad)
			check("Plan", err)
			_, err = e.a.Apply(ctx, bad)
			check("Apply", err)
			_, err = e.a.PlanAll(ctx, []*aviobj.Set{bad})
			check("PlanAll", err)
			if n := e.fake.Calls().Total(); n != 0 {
				t.Errorf("refusing the Set made %d requests: %v", n, e.fake.Calls())
			}
			// In ApplyAll the bad Set fails alone: the calls are the
			// good Set's four POSTs and the reads before them.
			other := newSet(t, "ns", "other", tcp(80))
			results, err := e.a.ApplyAll(ctx, []*aviobj.Set{bad, other})
			check("ApplyAll", err)
			if failed := apply.FailedSets(err); len(failed) != 1 || failed[0].Index != 0 || results[0] != nil || results[1] == nil {
				t.Errorf("ApplyAll: FailedSets %v, results %v", failed, results)
			}
			if calls := e.fake.Calls(); calls.Method("POST") != len(other.Objects()) || calls.Writes() != len(other.Objects()) {
				t.Errorf("ApplyAll calls %v, want %d POSTs (the good Set's)", calls, len(other.Objects()))
			}
			for _, p := range problems[1:] {
				if diff := cmp.Diff(problems[0], p); diff != "" {
					t.Errorf("operations disagree on the problems (-Plan +other):\n%s", diff)
				}
			}
			if tc.want != nil {
				var got []string
				for _, p := range problems[0] {
					got = append(got, p.String())
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("problems (-want +got):\n%s", diff)
				}
			} else if len(problems[0]) < 2 {
				t.Errorf("problems %v, want one per bad port", problems[0])
			}
			e.fake.ResetCalls()
			if res := mustApply(t, e, good); res.Writes() != 0 || e.fake.Calls().Writes() != 0 {
				t.Errorf("re-run after the refusal wrote:\n%s", res)
			}
		})
	}
}

// TestPreflightReadsNothing refuses an invalid Set without a single request.
func TestPreflightReadsNothing(t *testing.T) {
	e := newEnv(t)
	bad := newSet(t, "ns", "svc", tcp(80))
	bad.ClusterName = "bad name"
	if _, err := e.a.Apply(context.Background(), bad); !errors.Is(err, apply.ErrInvalidSet) {
		t.Fatalf("Apply = %v", err)
	}
	if n := e.fake.Calls().Total(); n != 0 {
		t.Errorf("a refused Set made %d requests: %v", n, e.fake.Calls())
	}
}

// nthWrite fails the n-th write (POST, PUT, DELETE) the fake sees with a
// 400 the client does not retry, and counts writes.
type nthWrite struct {
	mu     sync.Mutex
	n      int
	writes int
}

func (f *nthWrite) fault(r avitest.Request) *avitest.Fault {
	if r.Kind == "" || r.Method == "GET" {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	if f.writes == f.n {
		return &avitest.Fault{Status: 400, Message: "Configuration is frozen"}
	}
	return nil
}

// TestEveryFailedPrefixIsFinished runs each change and makes its n-th write
// fail, for every n: the objects written before stay, and a re-run finishes
// the change, leaving exactly the desired objects and a Plan without
// changes. Deletion is checked the same way.
func TestEveryFailedPrefixIsFinished(t *testing.T) {
	amf, smf := backend{"amf", []port{sctp(38412)}}, backend{"smf", []port{udp(8805), tcp(8805)}}
	tests := []struct {
		name     string
		from, to func(t *testing.T) *aviobj.Set // from nil: nothing yet; to nil: delete from
		byKey    bool
	}{{
		name: "create-service",
		to:   func(t *testing.T) *aviobj.Set { return newSet(t, "ns", "svc", tcp(80), udp(53), sctp(38412)) },
	}, {
		name: "create-service-with-monitor",
		to: func(t *testing.T) *aviobj.Set {
			s := newSet(t, "ns", "svc", tcp(80), udp(53))
			return withMonitor(s, s.Pools[0].Markers[1:])
		},
	}, {
		name: "service-ports-changed",
		from: func(t *testing.T) *aviobj.Set { return newSet(t, "ns", "svc", tcp(80), udp(53), sctp(38412)) },
		to:   func(t *testing.T) *aviobj.Set { return newSet(t, "ns", "svc", tcp(80), sctp(38413)) },
	}, {
		name: "monitor-dropped",
		from: func(t *testing.T) *aviobj.Set {
			s := newSet(t, "ns", "svc", tcp(80))
			return withMonitor(s, s.Pools[0].Markers[1:])
		},
		to: func(t *testing.T) *aviobj.Set { return newSet(t, "ns", "svc", tcp(80)) },
	}, {
		name: "create-gateway",
		to:   func(t *testing.T) *aviobj.Set { return gatewaySet(t, "core", "ran", amf, smf) },
	}, {
		name: "group-member-left",
		from: func(t *testing.T) *aviobj.Set { return groupSet(t, "core", "vip", amf, smf) },
		to:   func(t *testing.T) *aviobj.Set { return groupSet(t, "core", "vip", amf) },
	}, {
		name: "gateway-listener-removed",
		from: func(t *testing.T) *aviobj.Set { return gatewaySet(t, "core", "ran", amf, smf) },
		to:   func(t *testing.T) *aviobj.Set { return gatewaySet(t, "core", "ran", smf) },
	}, {
		name: "delete-service",
		from: func(t *testing.T) *aviobj.Set { return newSet(t, "ns", "svc", tcp(80), udp(53)) },
	}, {
		name:  "delete-group-by-key",
		from:  func(t *testing.T) *aviobj.Set { return groupSet(t, "core", "vip", amf, smf) },
		byKey: true,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			var from, to *aviobj.Set
			if tc.from != nil {
				from = tc.from(t)
			}
			if tc.to != nil {
				to = tc.to(t)
			}
			run := func(e *env) error {
				switch {
				case to != nil:
					_, err := e.a.Apply(ctx, to)
					return err
				case tc.byKey:
					_, err := e.a.DeleteKey(ctx, apply.KeyOf(from))
					return err
				default:
					_, err := e.a.Delete(ctx, from)
					return err
				}
			}
			setup := func(t *testing.T) (*env, *nthWrite) {
				e := newEnv(t)
				if from != nil {
					mustApply(t, e, from)
				}
				f := &nthWrite{}
				e.fake.SetFault(f.fault)
				return e, f
			}
			// A clean run counts the writes.
			e, f := setup(t)
			if err := run(e); err != nil {
				t.Fatal(err)
			}
			total := f.writes
			want := desiredNames(to)
			if diff := cmp.Diff(want, liveNames(e.fake)); diff != "" {
				t.Fatalf("clean run (-want +got):\n%s", diff)
			}
			if total == 0 {
				t.Fatal("the change makes no write")
			}
			for n := 1; n <= total; n++ {
				t.Run(fmt.Sprintf("write-%d-of-%d-fails", n, total), func(t *testing.T) {
					e, f := setup(t)
					f.n = n
					if err := run(e); err == nil {
						t.Fatal("the run succeeded although a write failed")
					}
					f.n = 0
					if err := run(e); err != nil {
						t.Fatalf("re-run: %v", err)
					}
					if diff := cmp.Diff(want, liveNames(e.fake)); diff != "" {
						t.Errorf("after the re-run (-want +got):\n%s", diff)
					}
					if to != nil {
						assertConverged(t, e, to)
						if vips := e.fake.VIPs("admin", to.Name()); len(vips) != 1 {
							t.Errorf("VIPs %v", vips)
						}
					}
				})
			}
		})
	}
}

// desiredNames lists "kind name" of the Set's objects, sorted.
func desiredNames(s *aviobj.Set) []string {
	out := []string{}
	for _, o := range s.Objects() {
		out = append(out, string(o.AviKind())+" "+o.AviName())
	}
	sort.Strings(out)
	return out
}

// liveNames lists "kind name" of the objects the fake holds in admin, sorted.
func liveNames(f *avitest.Server) []string {
	out := []string{}
	for _, kind := range managedKinds {
		for _, n := range f.Names("admin", kind) {
			out = append(out, string(kind)+" "+n)
		}
	}
	sort.Strings(out)
	return out
}
