package apply_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
)

// markers builds wire markers from key=value pairs.
func markers(kvs ...string) []any {
	var out []any
	for _, kv := range kvs {
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, map[string]any{"key": k, "values": []any{v}})
	}
	return out
}

// setMarkers returns an edit that replaces an object's markers.
func setMarkers(kind aviobj.Kind, name string, kvs ...string) func(*testing.T, *avitest.Server) {
	return func(t *testing.T, f *avitest.Server) {
		t.Helper()
		if err := f.Edit("admin", kind, name, func(o map[string]any) { o["markers"] = markers(kvs...) }); err != nil {
			t.Fatal(err)
		}
	}
}

// withMonitor gives the Set's first pool a custom monitor with the markers
// (nil: only clustername).
func withMonitor(set *aviobj.Set, ms []aviobj.Marker) *aviobj.Set {
	hm := aviobj.HealthMonitor{
		Name: set.Pools[0].Name + "-hm", Type: aviobj.HealthMonitorTypeTCP, TenantRef: "/api/tenant/?name=admin",
		Markers: append([]aviobj.Marker{{Key: aviobj.MarkerClusterName, Values: []string{cluster}}}, ms...),
	}
	set.HealthMonitors = []aviobj.HealthMonitor{hm}
	set.Pools[0].HealthMonitorRefs = []string{aviobj.RefByName(aviobj.KindHealthMonitor, hm.Name)}
	return set
}

// TestOwnershipRules applies a Set, changes the controller as the case
// says, and checks how Plan judges each live object: the Set's (the plan
// shown), another owner's (*ForeignObjectError) or another Kubernetes
// object's of the same owner (*CollisionError).
func TestOwnershipRules(t *testing.T) {
	svcSet := func(t *testing.T) *aviobj.Set { return newSet(t, "ns", "svc", tcp(80), sctp(38412)) }
	grpSet := func(t *testing.T) *aviobj.Set { return groupSet(t, "ns", "grp", backend{"api", []port{tcp(80)}}) }
	// svcPoolMonitor has a custom monitor with the pool's markers.
	svcPoolMonitor := func(t *testing.T) *aviobj.Set {
		s := svcSet(t)
		return withMonitor(s, s.Pools[0].Markers[1:])
	}
	// bareMonitor has a custom monitor with only the clustername marker.
	bareMonitor := func(t *testing.T) *aviobj.Set { return withMonitor(svcSet(t), nil) }
	remove := func(kind aviobj.Kind, name string) func(*testing.T, *avitest.Server) {
		return func(t *testing.T, f *avitest.Server) {
			t.Helper()
			if err := f.Remove("admin", kind, name); err != nil {
				t.Fatal(err)
			}
		}
	}
	seed := func(kind aviobj.Kind, body any) func(*testing.T, *avitest.Server) {
		return func(t *testing.T, f *avitest.Server) {
			t.Helper()
			if _, err := f.Seed("admin", kind, body); err != nil {
				t.Fatal(err)
			}
		}
	}
	both := func(fns ...func(*testing.T, *avitest.Server)) func(*testing.T, *avitest.Server) {
		return func(t *testing.T, f *avitest.Server) {
			for _, fn := range fns {
				fn(t, f)
			}
		}
	}
	// thief is a VirtualService of Service ns/thief (same owner) that
	// refers to the VsVip c1--ns-svc.
	thief := func(t *testing.T) aviobj.VirtualService {
		vs := *newSet(t, "ns", "thief", tcp(80)).VirtualService
		vs.VsVipRef = aviobj.RefByName(aviobj.KindVsVip, "c1--ns-svc")
		vs.L4Policies = nil
		return vs
	}
	// otherPool is a pool of Service ns/other (same owner) that uses the
	// monitor c1--ns-svc-TCP-80-hm.
	otherPool := func(t *testing.T) aviobj.Pool {
		p := newSet(t, "ns", "other", tcp(80)).Pools[0]
		p.HealthMonitorRefs = []string{aviobj.RefByName(aviobj.KindHealthMonitor, "c1--ns-svc-TCP-80-hm")}
		return p
	}

	tests := []struct {
		name   string
		set    func(*testing.T) *aviobj.Set
		before func(*testing.T, *avitest.Server) // before the first Apply
		change func(*testing.T, *avitest.Server) // after it
		// wantPlan is the Plan when the object is the Set's; otherwise
		// wantErr is "foreign" or "collision" on wantObj ("kind name"),
		// and wantMsg a fragment of the message.
		wantPlan []string
		wantErr  string
		wantObj  string
		wantMsg  string
	}{{
		name:     "vs-same-identity-edited-otherwise",
		set:      svcSet,
		change:   setMarkers("virtualservice", "c1--ns-svc", "clustername=c1", "Namespace=ns", "InfrasettingName=x", "ServiceName=svc"),
		wantPlan: []string{"update virtualservice c1--ns-svc"},
	}, {
		name:    "vs-other-service",
		set:     svcSet,
		change:  setMarkers("virtualservice", "c1--ns-svc", "clustername=c1", "Namespace=ns", "ServiceName=other"),
		wantErr: "collision", wantObj: "virtualservice c1--ns-svc", wantMsg: "belongs to Service ns/other, not to Service ns/svc",
	}, {
		name:    "vs-identity-markers-removed",
		set:     svcSet,
		change:  setMarkers("virtualservice", "c1--ns-svc", "clustername=c1"),
		wantErr: "collision", wantObj: "virtualservice c1--ns-svc", wantMsg: "belongs to no Kubernetes object, not to Service ns/svc",
	}, {
		name:    "vs-service-marker-added-to-group",
		set:     grpSet,
		change:  setMarkers("virtualservice", "c1--ns-grp", "clustername=c1", "Namespace=ns", "ServiceName=api", "GatewayName=grp"),
		wantErr: "collision", wantObj: "virtualservice c1--ns-grp",
		wantMsg: "belongs to shared-VIP group ns/grp (markers Namespace=ns ServiceName=api GatewayName=grp), not to shared-VIP group ns/grp (markers Namespace=ns GatewayName=grp)",
	}, {
		name: "vs-of-group-made-a-gateway",
		set:  grpSet,
		change: func(t *testing.T, f *avitest.Server) {
			if err := f.Edit("admin", "virtualservice", "c1--ns-grp", func(o map[string]any) { o["service_metadata"] = `{"gateway":"ns/grp"}` }); err != nil {
				t.Fatal(err)
			}
		},
		wantErr: "collision", wantObj: "virtualservice c1--ns-grp", wantMsg: "belongs to Gateway ns/grp, not to shared-VIP group ns/grp",
	}, {
		name: "vs-of-another-owner",
		set:  svcSet,
		change: func(t *testing.T, f *avitest.Server) {
			editField(t, f, "virtualservice", "c1--ns-svc", "created_by", "ako-c2")
		},
		wantErr: "foreign", wantObj: "virtualservice c1--ns-svc",
	}, {
		// Port and Protocol of a policy set list what it serves.
		name:     "policyset-protocol-marker-changed",
		set:      svcSet,
		change:   setMarkers("l4policyset", "c1--ns-svc", "clustername=c1", "Namespace=ns", "ServiceName=svc", "Protocol=UDP", "Port=1"),
		wantPlan: []string{"update l4policyset c1--ns-svc"},
	}, {
		name:    "policyset-other-namespace",
		set:     svcSet,
		change:  setMarkers("l4policyset", "c1--ns-svc", "clustername=c1", "Namespace=other", "ServiceName=svc", "Protocol=SCTP,TCP"),
		wantErr: "collision", wantObj: "l4policyset c1--ns-svc", wantMsg: "belongs to Service other/svc, not to Service ns/svc",
	}, {
		name:    "pool-other-port",
		set:     svcSet,
		change:  setMarkers("pool", "c1--ns-svc-TCP-80", "clustername=c1", "Namespace=ns", "ServiceName=svc", "Port=81"),
		wantErr: "collision", wantObj: "pool c1--ns-svc-TCP-80",
		wantMsg: "belongs to Service ns/svc (markers Namespace=ns ServiceName=svc Port=81), not to Service ns/svc (markers Namespace=ns ServiceName=svc Port=80)",
	}, {
		name:    "pool-gateway-marker-added",
		set:     svcSet,
		change:  setMarkers("pool", "c1--ns-svc-TCP-80", "clustername=c1", "Namespace=ns", "ServiceName=svc", "Port=80", "Protocol=TCP", "GatewayName=svc"),
		wantErr: "collision", wantObj: "pool c1--ns-svc-TCP-80", wantMsg: "belongs to Gateway or shared-VIP group ns/svc, not to Service ns/svc",
	}, {
		name: "pool-of-another-owner",
		set:  svcSet,
		change: func(t *testing.T, f *avitest.Server) {
			editField(t, f, "pool", "c1--ns-svc-TCP-80", "created_by", "ako-c2")
		},
		wantErr: "foreign", wantObj: "pool c1--ns-svc-TCP-80",
	}, {
		// A run stopped after the VsVip: nothing refers to it, it is adopted.
		name:     "vsvip-orphan-adopted",
		set:      svcSet,
		change:   both(remove("virtualservice", "c1--ns-svc")),
		wantPlan: []string{"create virtualservice c1--ns-svc"},
	}, {
		name: "vsvip-used-by-another-service",
		set:  svcSet,
		change: func(t *testing.T, f *avitest.Server) {
			remove("virtualservice", "c1--ns-svc")(t, f)
			seed("virtualservice", thief(t))(t, f)
		},
		wantErr: "collision", wantObj: "vsvip c1--ns-svc",
		wantMsg: `belongs to Service ns/thief through virtualservice "c1--ns-thief", not to Service ns/svc`,
	}, {
		name:    "vsvip-of-another-cluster",
		set:     svcSet,
		change:  setMarkers("vsvip", "c1--ns-svc", "clustername=c2"),
		wantErr: "foreign", wantObj: "vsvip c1--ns-svc",
	}, {
		name:    "monitor-other-service",
		set:     svcPoolMonitor,
		change:  setMarkers("healthmonitor", "c1--ns-svc-TCP-80-hm", "clustername=c1", "Namespace=ns", "ServiceName=other", "Port=80"),
		wantErr: "collision", wantObj: "healthmonitor c1--ns-svc-TCP-80-hm", wantMsg: "belongs to Service ns/other, not to Service ns/svc",
	}, {
		name:     "monitor-without-markers-used-by-the-set",
		set:      bareMonitor,
		change:   func(*testing.T, *avitest.Server) {},
		wantPlan: nil,
	}, {
		name:    "monitor-without-markers-used-by-another-service",
		set:     bareMonitor,
		change:  func(t *testing.T, f *avitest.Server) { seed("pool", otherPool(t))(t, f) },
		wantErr: "collision", wantObj: "healthmonitor c1--ns-svc-TCP-80-hm",
		wantMsg: `belongs to Service ns/other through pool "c1--ns-other-TCP-80", not to Service ns/svc`,
	}, {
		name: "monitor-without-markers-orphan-adopted",
		set:  bareMonitor,
		before: seed("healthmonitor", aviobj.HealthMonitor{Name: "c1--ns-svc-TCP-80-hm", Type: aviobj.HealthMonitorTypeUDP,
			Markers: []aviobj.Marker{{Key: aviobj.MarkerClusterName, Values: []string{cluster}}}}),
		change: func(t *testing.T, f *avitest.Server) {
			// Checked on the first round below: the Apply updated it.
			var hm aviobj.HealthMonitor
			if _, err := f.Decode("admin", "healthmonitor", "c1--ns-svc-TCP-80-hm", &hm); err != nil || hm.Type != aviobj.HealthMonitorTypeTCP {
				t.Errorf("orphan monitor not adopted: %+v, %v", hm, err)
			}
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			set := tc.set(t)
			if tc.before != nil {
				tc.before(t, e.fake)
			}
			mustApply(t, e, set)
			tc.change(t, e.fake)
			before := snapshotAll(t, e.fake)
			e.fake.ResetCalls()
			ch, err := e.a.Plan(context.Background(), set)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Plan: %v", err)
				}
				if diff := cmp.Diff(tc.wantPlan, changeList(ch)); diff != "" {
					t.Errorf("Plan (-want +got):\n%s", diff)
				}
				mustApply(t, e, set)
				assertConverged(t, e, set)
				return
			}
			var kind aviobj.Kind
			var name string
			switch tc.wantErr {
			case "foreign":
				var fe *apply.ForeignObjectError
				if !errors.As(err, &fe) {
					t.Fatalf("Plan = %v, want a *ForeignObjectError", err)
				}
				kind, name = fe.Kind, fe.Name
			case "collision":
				var ce *apply.CollisionError
				if !errors.As(err, &ce) || !errors.Is(err, apply.ErrForeignObject) {
					t.Fatalf("Plan = %v, want a *CollisionError", err)
				}
				kind, name = ce.Kind, ce.Name
				if !strings.Contains(ce.Error(), tc.wantMsg) {
					t.Errorf("error %q does not say %q", ce, tc.wantMsg)
				}
			}
			if got := string(kind) + " " + name; got != tc.wantObj {
				t.Errorf("error names %s, want %s", got, tc.wantObj)
			}
			if _, err := e.a.Apply(context.Background(), set); !errors.Is(err, apply.ErrForeignObject) {
				t.Errorf("Apply = %v, want the same refusal", err)
			}
			if w := e.fake.Calls().Writes(); w != 0 {
				t.Errorf("refused Set made %d writes: %v", w, e.fake.Calls())
			}
			if diff := cmp.Diff(before, snapshotAll(t, e.fake)); diff != "" {
				t.Errorf("controller changed (-before +after):\n%s", diff)
			}
		})
	}
}

// editField sets one top-level field of a live object out of band.
func editField(t *testing.T, f *avitest.Server, kind aviobj.Kind, name, field string, value any) {
	t.Helper()
	if err := f.Edit("admin", kind, name, func(o map[string]any) { o[field] = value }); err != nil {
		t.Fatal(err)
	}
}

// TestMarkersEditedByHand follows an admin who edits the markers of live
// objects in the controller's UI: what no longer names the Service is never
// updated, taken over or deleted, Delete removes the rest, and restoring
// the markers lets the Service converge again.
func TestMarkersEditedByHand(t *testing.T) {
	ctx := context.Background()
	t.Run("pool-marker", func(t *testing.T) {
		e := newEnv(t)
		set := newSet(t, "ns", "svc", tcp(80), udp(53))
		mustApply(t, e, set)
		setMarkers("pool", "c1--ns-svc-TCP-80", "clustername=c1", "Namespace=ns", "ServiceName=x", "Port=80")(t, e.fake)
		edited, _ := e.fake.Object("admin", "pool", "c1--ns-svc-TCP-80")
		e.fake.ResetCalls()
		if _, err := e.a.Apply(ctx, set); !errors.Is(err, apply.ErrCollision) {
			t.Fatalf("Apply = %v, want a collision", err)
		}
		if w := e.fake.Calls().Writes(); w != 0 {
			t.Errorf("Apply made %d writes", w)
		}
		// Delete removes everything but the pool that names Service ns/x.
		res, err := e.a.Delete(ctx, set)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"deleted virtualservice c1--ns-svc", "deleted l4policyset c1--ns-svc", "deleted pool c1--ns-svc-UDP-53", "deleted vsvip c1--ns-svc"}
		if diff := cmp.Diff(want, outcomes(res)); diff != "" {
			t.Errorf("Delete (-want +got):\n%s", diff)
		}
		after, ok := e.fake.Object("admin", "pool", "c1--ns-svc-TCP-80")
		if diff := cmp.Diff(edited, after); !ok || diff != "" {
			t.Errorf("edited pool changed (-before +after):\n%s", diff)
		}
		// The admin puts the marker back: the Service is served again.
		setMarkers("pool", "c1--ns-svc-TCP-80", "clustername=c1", "Namespace=ns", "ServiceName=svc", "Port=80")(t, e.fake)
		mustApply(t, e, set)
		assertConverged(t, e, set)
	})
	t.Run("virtualservice-marker", func(t *testing.T) {
		e := newEnv(t)
		set := newSet(t, "ns", "svc", tcp(80))
		mustApply(t, e, set)
		setMarkers("virtualservice", "c1--ns-svc", "clustername=c1", "Namespace=ns", "ServiceName=x")(t, e.fake)
		before := snapshotAll(t, e.fake)
		e.fake.ResetCalls()
		if _, err := e.a.Apply(ctx, set); !errors.Is(err, apply.ErrCollision) {
			t.Fatalf("Apply = %v, want a collision", err)
		}
		// What the VirtualService of "Service ns/x" uses is its: Delete
		// and DeleteKey leave all of it.
		for _, del := range []func() error{
			func() error { _, err := e.a.Delete(ctx, set); return err },
			func() error { _, err := e.a.DeleteKey(ctx, apply.KeyOf(set)); return err },
		} {
			if err := del(); err != nil {
				t.Fatal(err)
			}
		}
		if w := e.fake.Calls().Writes(); w != 0 {
			t.Errorf("%d writes: %v", w, e.fake.Calls())
		}
		if diff := cmp.Diff(before, snapshotAll(t, e.fake)); diff != "" {
			t.Errorf("controller changed (-before +after):\n%s", diff)
		}
		setMarkers("virtualservice", "c1--ns-svc", "clustername=c1", "Namespace=ns", "ServiceName=svc")(t, e.fake)
		e.fake.ResetCalls()
		mustApply(t, e, set)
		if w := e.fake.Calls().Writes(); w != 0 {
			t.Errorf("Apply after the markers were restored made %d writes", w)
		}
	})
}

// TestDeleteKeyIdentity checks what DeleteKey removes once the
// VirtualService is gone: with the Key's identity, only pools whose markers
// name the Key's Service; with a Key recorded without identity, only pools
// named "<name>-<PROTOCOL>-<port>" whose markers name no Kubernetes object
// of another name.
func TestDeleteKeyIdentity(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		name := "key-with-identity"
		if legacy {
			name = "key-without-identity"
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t)
			set := newSet(t, "ns", "svc", tcp(80), udp(53))
			mustApply(t, e, set)
			other := newSet(t, "ns", "svc-a", tcp(80)) // pool c1--ns-svc-a-TCP-80
			mustApply(t, e, other)
			grp := groupSet(t, "ns", "g", backend{"svc", []port{tcp(80)}}) // pool c1--ns-svc-g-TCP-80
			mustApply(t, e, grp)
			// A pool named like the Set's whose markers an admin changed,
			// left alone in both modes.
			seedPool := newSet(t, "ns", "svc", sctp(9)).Pools[0]
			seedPool.Markers = []aviobj.Marker{{Key: "clustername", Values: []string{cluster}}, {Key: "Namespace", Values: []string{"ns"}},
				{Key: "ServiceName", Values: []string{"elsewhere"}}, {Key: "Port", Values: []string{"9"}}}
			if _, err := e.fake.Seed("admin", "pool", seedPool); err != nil {
				t.Fatal(err)
			}
			if err := e.fake.Remove("admin", "virtualservice", "c1--ns-svc"); err != nil {
				t.Fatal(err)
			}
			if err := e.fake.Remove("admin", "l4policyset", "c1--ns-svc"); err != nil {
				t.Fatal(err)
			}
			key := apply.KeyOf(set)
			if legacy {
				key.Identity = aviobj.Identity{}
			}
			res, err := e.a.DeleteKey(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"deleted pool c1--ns-svc-TCP-80", "deleted pool c1--ns-svc-UDP-53", "deleted vsvip c1--ns-svc"}
			if diff := cmp.Diff(want, outcomes(res)); diff != "" {
				t.Errorf("DeleteKey (-want +got):\n%s", diff)
			}
			wantPools := []string{"c1--ns-svc-SCTP-9", "c1--ns-svc-a-TCP-80", "c1--ns-svc-g-TCP-80"}
			if diff := cmp.Diff(wantPools, e.fake.Names("admin", "pool")); diff != "" {
				t.Errorf("pools left (-want +got):\n%s", diff)
			}
			assertConverged(t, e, other)
			assertConverged(t, e, grp)
		})
	}
}

// TestKeyJSON checks that a Key recorded by an earlier version (no
// identity) still decodes, names the same Set, and that KeyOf's identity
// survives a round trip.
func TestKeyJSON(t *testing.T) {
	set := newSet(t, "ns", "svc", tcp(80))
	k := apply.KeyOf(set)
	if want := (aviobj.Identity{Origin: aviobj.OriginService, Namespace: "ns", Name: "svc"}); k.Identity != want {
		t.Errorf("KeyOf identity = %+v, want %+v", k.Identity, want)
	}
	data, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"tenant":"admin","name":"c1--ns-svc","clusterName":"c1","createdBy":"ako-c1","identity":{"origin":"Service","namespace":"ns","name":"svc"}}`
	if string(data) != want {
		t.Errorf("Key JSON\n got %s\nwant %s", data, want)
	}
	var back apply.Key
	if err := json.Unmarshal(data, &back); err != nil || back != k {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	var old apply.Key
	if err := json.Unmarshal([]byte(`{"tenant":"admin","name":"c1--ns-svc","clusterName":"c1","createdBy":"ako-c1"}`), &old); err != nil {
		t.Fatal(err)
	}
	if data, _ := json.Marshal(old); strings.Contains(string(data), "identity") {
		t.Errorf("a Key without identity marshals one: %s", data)
	}
	if !k.SameSet(old) || !old.SameSet(k) {
		t.Errorf("%+v and %+v should name the same Set", k, old)
	}
	if k.SameSet(apply.KeyOf(newSet(t, "ns", "svc2", tcp(80)))) {
		t.Error("Keys of two Services name the same Set")
	}
	other := k
	other.Identity.Namespace = "x"
	if k.SameSet(other) {
		t.Error("Keys with different identities name the same Set")
	}
	if !(apply.Key{Name: "n", ClusterName: "c"}).SameSet(apply.Key{Tenant: "admin", Name: "n", ClusterName: "c", CreatedBy: "ako-c"}) {
		t.Error("defaults are not applied")
	}
}
