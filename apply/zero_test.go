package apply_test

import (
	"context"
	"errors"
	"testing"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/zerotest"
)

// TestZeroValues calls every exported function and method of the package
// with zero values (a zero Applier, nil Sets, nil *Result and *Changes,
// zero Keys...) and fails on a panic, or when an exported function or
// method is not in this list.
func TestZeroValues(t *testing.T) {
	zerotest.CheckZeroValues(t, map[string]any{
		"New":        apply.New,
		"KeyOf":      apply.KeyOf,
		"FailedSets": apply.FailedSets,
	}, map[string]any{
		"Options":            apply.Options{},
		"Applier":            apply.Applier{},
		"Key":                apply.Key{},
		"Action":             apply.Action(""),
		"Change":             apply.Change{},
		"Changes":            apply.Changes{},
		"Outcome":            apply.Outcome(""),
		"ObjectResult":       apply.ObjectResult{},
		"Result":             apply.Result{},
		"ForeignObjectError": apply.ForeignObjectError{},
		"CollisionError":     apply.CollisionError{},
		"InvalidSetError":    apply.InvalidSetError{},
		"UnsupportedError":   apply.UnsupportedError{},
		"Unsupported":        apply.Unsupported{},
		"SetError":           apply.SetError{},
	})
}

// TestNilInputs gives an Applier with a client, and one without, the nil
// and empty inputs a caller can hand it, and checks the typed errors and
// zero results.
func TestNilInputs(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	for _, tc := range []struct {
		name string
		a    *apply.Applier
		// noClient: every call is ErrNoClient (after the Set's own
		// checks).
		noClient bool
	}{
		{"with-client", e.a, false},
		{"new-nil-client", apply.New(nil, apply.Options{}), true},
		{"zero", &apply.Applier{}, true},
		{"nil", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			good := newSet(t, "ns", "svc", tcp(80))
			if _, err := tc.a.Apply(ctx, nil); !errors.Is(err, apply.ErrInvalidSet) {
				t.Errorf("Apply(nil) = %v, want ErrInvalidSet", err)
			}
			if _, err := tc.a.Plan(ctx, nil); !errors.Is(err, apply.ErrInvalidSet) {
				t.Errorf("Plan(nil) = %v, want ErrInvalidSet", err)
			}
			if _, err := tc.a.Delete(ctx, nil); !errors.Is(err, apply.ErrInvalidSet) {
				t.Errorf("Delete(nil) = %v, want ErrInvalidSet", err)
			}
			if _, err := tc.a.Delete(ctx, &aviobj.Set{ClusterName: cluster}); !errors.Is(err, apply.ErrInvalidSet) {
				t.Errorf("Delete(nameless) = %v, want ErrInvalidSet", err)
			}
			if _, err := tc.a.DeleteKey(ctx, apply.Key{}); !errors.Is(err, apply.ErrInvalidSet) {
				t.Errorf("DeleteKey(Key{}) = %v, want ErrInvalidSet", err)
			}
			if _, err := tc.a.DeleteKey(ctx, apply.Key{ClusterName: cluster}); !errors.Is(err, apply.ErrInvalidSet) {
				t.Errorf("DeleteKey(nameless) = %v, want ErrInvalidSet", err)
			}
			for name, bulk := range map[string]func([]*aviobj.Set) (int, error){
				"ApplyAll":  func(s []*aviobj.Set) (int, error) { r, err := tc.a.ApplyAll(ctx, s); return len(r), err },
				"PlanAll":   func(s []*aviobj.Set) (int, error) { r, err := tc.a.PlanAll(ctx, s); return len(r), err },
				"DeleteAll": func(s []*aviobj.Set) (int, error) { r, err := tc.a.DeleteAll(ctx, s); return len(r), err },
			} {
				n, err := bulk([]*aviobj.Set{nil, good})
				if n != 2 {
					t.Errorf("%s returned %d results for 2 Sets", name, n)
				}
				if tc.noClient {
					if !errors.Is(err, apply.ErrNoClient) {
						t.Errorf("%s = %v, want ErrNoClient", name, err)
					}
					continue
				}
				failed := apply.FailedSets(err)
				if len(failed) != 1 || failed[0].Index != 0 || !errors.Is(failed[0], apply.ErrInvalidSet) {
					t.Errorf("%s([nil, good]) failed %v (%v), want the nil Set alone", name, failed, err)
				}
				if n, err := bulk(nil); n != 0 || err != nil {
					t.Errorf("%s(nil) = %d results, %v", name, n, err)
				}
			}
			if !tc.noClient {
				return
			}
			if _, err := tc.a.Apply(ctx, good); !errors.Is(err, apply.ErrNoClient) {
				t.Errorf("Apply = %v, want ErrNoClient", err)
			}
			if _, err := tc.a.Plan(ctx, good); !errors.Is(err, apply.ErrNoClient) {
				t.Errorf("Plan = %v, want ErrNoClient", err)
			}
			if _, err := tc.a.Delete(ctx, good); !errors.Is(err, apply.ErrNoClient) {
				t.Errorf("Delete = %v, want ErrNoClient", err)
			}
			if _, err := tc.a.DeleteKey(ctx, apply.KeyOf(good)); !errors.Is(err, apply.ErrNoClient) {
				t.Errorf("DeleteKey = %v, want ErrNoClient", err)
			}
		})
	}
	if k := apply.KeyOf(nil); k != (apply.Key{}) {
		t.Errorf("KeyOf(nil) = %+v", k)
	}
	var r *apply.Result
	var c *apply.Changes
	if r.Writes() != 0 || r.Count(apply.Created) != 0 || r.String() != "<nil>" || c.HasChanges() || c.Len() != 0 || c.String() != "<nil>" {
		t.Error("nil *Result or *Changes report something")
	}
	if got := apply.FailedSets(nil); got != nil {
		t.Errorf("FailedSets(nil) = %v", got)
	}
	if got := apply.FailedSets(errors.Join(errors.New("x"), nil)); got != nil {
		t.Errorf("FailedSets(other error) = %v", got)
	}
}
