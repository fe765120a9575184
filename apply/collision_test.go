package apply_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
)

// managedKinds are the object types the applier writes.
var managedKinds = []aviobj.Kind{"healthmonitor", "vsvip", "pool", "l4policyset", "virtualservice"}

// snapshotAll returns every non-system object of the managed kinds in
// admin, as the fake holds it (with _last_modified, which every write
// changes).
func snapshotAll(t *testing.T, fake *avitest.Server) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, kind := range managedKinds {
		for _, n := range fake.Names("admin", kind) {
			o, ok := fake.Object("admin", kind, n)
			if !ok {
				t.Fatalf("%s %s vanished", kind, n)
			}
			out[string(kind)+" "+n] = o
		}
	}
	return out
}

// TestCollisionStories applies a Set A, then a Set B of another Kubernetes
// object whose Avi names coincide with some of A's, in every shape names
// can collide: B is refused with a *CollisionError before any write by
// Plan, Apply and ApplyAll; Delete, DeleteKey and DeleteAll of B leave every
// object of A unchanged; A re-applies with no write; once A is deleted, B
// applies.
func TestCollisionStories(t *testing.T) {
	amf := backend{"amf", []port{sctp(38412)}}
	tests := []struct {
		name     string
		a, b     func(t *testing.T) *aviobj.Set
		wantKind aviobj.Kind
		wantName string
		wantErr  string
	}{{
		name:     "services-a-b/c-and-a/b-c",
		a:        func(t *testing.T) *aviobj.Set { return newSet(t, "a-b", "c", tcp(80), udp(53)) },
		b:        func(t *testing.T) *aviobj.Set { return newSet(t, "a", "b-c", tcp(80)) },
		wantKind: aviobj.KindVirtualService, wantName: "c1--a-b-c",
		wantErr: `virtualservice "c1--a-b-c" belongs to Service a-b/c, not to Service a/b-c: rename one of them: name collision`,
	}, {
		name:     "service-then-shared-vip-key",
		a:        func(t *testing.T) *aviobj.Set { return newSet(t, "n", "web", tcp(80)) },
		b:        func(t *testing.T) *aviobj.Set { return groupSet(t, "n", "web", backend{"api", []port{tcp(8080)}}) },
		wantKind: aviobj.KindVirtualService, wantName: "c1--n-web",
		wantErr: `virtualservice "c1--n-web" belongs to Service n/web, not to shared-VIP group n/web: rename one of them: name collision`,
	}, {
		name:     "shared-vip-key-then-service",
		a:        func(t *testing.T) *aviobj.Set { return groupSet(t, "n", "web", backend{"api", []port{tcp(8080)}}) },
		b:        func(t *testing.T) *aviobj.Set { return newSet(t, "n", "web", tcp(80)) },
		wantKind: aviobj.KindVirtualService, wantName: "c1--n-web",
		wantErr: `virtualservice "c1--n-web" belongs to shared-VIP group n/web, not to Service n/web: rename one of them: name collision`,
	}, {
		// Every name and every pool marker coincide; only the
		// VirtualService's service_metadata tells them apart.
		name:     "gateway-then-shared-vip-key",
		a:        func(t *testing.T) *aviobj.Set { return gatewaySet(t, "core", "ran", amf) },
		b:        func(t *testing.T) *aviobj.Set { return groupSet(t, "core", "ran", amf) },
		wantKind: aviobj.KindVirtualService, wantName: "c1--core-ran",
		wantErr: `virtualservice "c1--core-ran" belongs to Gateway core/ran, not to shared-VIP group core/ran: rename one of them: name collision`,
	}, {
		name:     "shared-vip-key-then-gateway",
		a:        func(t *testing.T) *aviobj.Set { return groupSet(t, "core", "ran", amf) },
		b:        func(t *testing.T) *aviobj.Set { return gatewaySet(t, "core", "ran", amf) },
		wantKind: aviobj.KindVirtualService, wantName: "c1--core-ran",
		wantErr: `virtualservice "c1--core-ran" belongs to shared-VIP group core/ran, not to Gateway core/ran: rename one of them: name collision`,
	}, {
		name:     "gateway-then-service",
		a:        func(t *testing.T) *aviobj.Set { return gatewaySet(t, "core", "ran", amf) },
		b:        func(t *testing.T) *aviobj.Set { return newSet(t, "core", "ran", sctp(38412)) },
		wantKind: aviobj.KindVirtualService, wantName: "c1--core-ran",
		wantErr: `virtualservice "c1--core-ran" belongs to Gateway core/ran, not to Service core/ran: rename one of them: name collision`,
	}, {
		// Only a pool collides: member b-c of group d and member b of
		// group c-d are both c1--a-b-c-d-TCP-80.
		name:     "pools-of-two-groups",
		a:        func(t *testing.T) *aviobj.Set { return groupSet(t, "a", "d", backend{"b-c", []port{tcp(80)}}) },
		b:        func(t *testing.T) *aviobj.Set { return groupSet(t, "a", "c-d", backend{"b", []port{tcp(80)}}) },
		wantKind: aviobj.KindPool, wantName: "c1--a-b-c-d-TCP-80",
		wantErr: `pool "c1--a-b-c-d-TCP-80" belongs to Gateway or shared-VIP group a/d, not to shared-VIP group a/c-d: rename one of them: name collision`,
	}, {
		name:     "pool-of-a-service-and-of-a-group",
		a:        func(t *testing.T) *aviobj.Set { return newSet(t, "a", "b-x", tcp(80)) },
		b:        func(t *testing.T) *aviobj.Set { return groupSet(t, "a", "x", backend{"b", []port{tcp(80)}}) },
		wantKind: aviobj.KindPool, wantName: "c1--a-b-x-TCP-80",
		wantErr: `pool "c1--a-b-x-TCP-80" belongs to Service a/b-x, not to shared-VIP group a/x: rename one of them: name collision`,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e := newEnv(t)
			a, b := tc.a(t), tc.b(t)
			mustApply(t, e, a)
			before := snapshotAll(t, e.fake)
			e.fake.ResetCalls()

			check := func(op string, err error) {
				t.Helper()
				if !errors.Is(err, apply.ErrCollision) || !errors.Is(err, apply.ErrForeignObject) {
					t.Fatalf("%s(B) = %v, want a collision", op, err)
				}
				var ce *apply.CollisionError
				if !errors.As(err, &ce) {
					t.Fatalf("%s(B) = %v, want a *CollisionError", op, err)
				}
				if ce.Kind != tc.wantKind || ce.Name != tc.wantName || ce.UUID == "" || ce.Error() != tc.wantErr {
					t.Errorf("%s(B) error %+v\n got %s\nwant %s", op, ce, ce, tc.wantErr)
				}
			}
			_, err := e.a.Plan(ctx, b)
			check("Plan", err)
			_, err = e.a.Apply(ctx, b)
			check("Apply", err)
			_, err = e.a.ApplyAll(ctx, []*aviobj.Set{b})
			check("ApplyAll", err)
			if failed := apply.FailedSets(err); len(failed) != 1 || failed[0].Index != 0 {
				t.Errorf("FailedSets = %v", failed)
			}
			if w := e.fake.Calls().Writes(); w != 0 {
				t.Errorf("refusing B made %d writes: %v", w, e.fake.Calls())
			}

			for _, del := range []struct {
				name string
				fn   func() error
			}{
				{"Delete", func() error { _, err := e.a.Delete(ctx, b); return err }},
				{"DeleteKey", func() error { _, err := e.a.DeleteKey(ctx, apply.KeyOf(b)); return err }},
				{"DeleteAll", func() error { _, err := e.a.DeleteAll(ctx, []*aviobj.Set{b}); return err }},
			} {
				if err := del.fn(); err != nil {
					t.Errorf("%s(B): %v", del.name, err)
				}
				if diff := cmp.Diff(before, snapshotAll(t, e.fake)); diff != "" {
					t.Fatalf("%s(B) changed the controller (-before +after):\n%s", del.name, diff)
				}
			}
			if w := e.fake.Calls().Writes(); w != 0 {
				t.Errorf("deleting B made %d writes: %v", w, e.fake.Calls())
			}

			// A is untouched and converged.
			if res := mustApply(t, e, a); res.Writes() != 0 {
				t.Errorf("A re-applied with writes:\n%s", res)
			}
			if w := e.fake.Calls().Writes(); w != 0 {
				t.Errorf("re-applying A made %d writes: %v", w, e.fake.Calls())
			}

			// Once A is gone, the names are free for B.
			if _, err := e.a.Delete(ctx, a); err != nil {
				t.Fatal(err)
			}
			if left := snapshotAll(t, e.fake); len(left) != 0 {
				t.Fatalf("Delete(A) left %d objects", len(left))
			}
			mustApply(t, e, b)
			assertConverged(t, e, b)
		})
	}
}

// TestCollisionInOneApplyAll gives ApplyAll two Sets that name the same
// object for different Services: the first is applied, the second fails
// with a *CollisionError before anything is written for it.
func TestCollisionInOneApplyAll(t *testing.T) {
	e := newEnv(t)
	a, b := newSet(t, "a-b", "c", tcp(80)), newSet(t, "a", "b-c", tcp(80))
	results, err := e.a.ApplyAll(context.Background(), []*aviobj.Set{a, b})
	failed := apply.FailedSets(err)
	if len(failed) != 1 || failed[0].Index != 1 || !errors.Is(failed[0], apply.ErrCollision) {
		t.Fatalf("FailedSets = %v (err %v)", failed, err)
	}
	want := `virtualservice "c1--a-b-c" belongs to Service a-b/c through set 0 of this call, not to Service a/b-c: rename one of them: name collision`
	var ce *apply.CollisionError
	if !errors.As(err, &ce) || ce.Error() != want {
		t.Errorf("error\n got %v\nwant %s", ce, want)
	}
	if results[0] == nil || results[1] != nil {
		t.Errorf("results = %v", results)
	}
	if got := e.fake.Calls()[avitest.Call{Method: "POST", Kind: "virtualservice"}]; got != 1 {
		t.Errorf("POST virtualservice = %d, want 1 (A's)", got)
	}
	assertConverged(t, e, a)
}
