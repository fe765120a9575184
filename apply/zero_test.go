package apply_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
)

// TestZeroValues calls every exported function and method of the package
// with zero values (a zero Applier, nil Sets, nil *Result and *Changes,
// zero Keys...) and fails on a panic, or when an exported function or
// method is not in this list.
func TestZeroValues(t *testing.T) {
	checkZeroValues(t, map[string]any{
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

// exportedAPI returns the exported functions ("F") and the exported methods
// of exported types ("T.M") declared in the package's non-test files, read
// from the source, so that a new one cannot escape the zero-value test.
func exportedAPI(t *testing.T) (funcs, methods []string) {
	t.Helper()
	fset := token.NewFileSet()
	paths, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || !fd.Name.IsExported() {
				continue
			}
			if fd.Recv == nil {
				funcs = append(funcs, fd.Name.Name)
				continue
			}
			typ := fd.Recv.List[0].Type
			if st, ok := typ.(*ast.StarExpr); ok {
				typ = st.X
			}
			if id, ok := typ.(*ast.Ident); ok && id.IsExported() {
				methods = append(methods, id.Name+"."+fd.Name.Name)
			}
		}
	}
	sort.Strings(funcs)
	sort.Strings(methods)
	return funcs, methods
}

// callZero calls fn with the zero value of every parameter (no variadic
// arguments) and reports a panic as a test error.
func callZero(t *testing.T, name string, fn reflect.Value) {
	t.Helper()
	ft := fn.Type()
	n := ft.NumIn()
	if ft.IsVariadic() {
		n--
	}
	args := make([]reflect.Value, n)
	for i := range args {
		args[i] = reflect.Zero(ft.In(i))
	}
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s with zero arguments panics: %v", name, r)
		}
	}()
	fn.Call(args)
}

// checkZeroValues calls every exported function (funcs, by name) and every
// method of every exported type (types, by name, as zero values) with zero
// arguments, on a zero value and, for pointer methods, on a nil pointer. It
// fails when the source declares a function or method that funcs and types
// do not cover.
func checkZeroValues(t *testing.T, funcs map[string]any, types map[string]any) {
	t.Helper()
	wantFuncs, wantMethods := exportedAPI(t)
	var gotFuncs, gotMethods []string
	for name, fn := range funcs {
		gotFuncs = append(gotFuncs, name)
		callZero(t, name, reflect.ValueOf(fn))
	}
	for name, zero := range types {
		vt := reflect.TypeOf(zero)
		pt := reflect.PointerTo(vt)
		for i := range pt.NumMethod() {
			m := pt.Method(i)
			gotMethods = append(gotMethods, name+"."+m.Name)
			// On a pointer to a zero value.
			callZero(t, "(&"+name+"{})."+m.Name, reflect.New(vt).MethodByName(m.Name))
			if _, onValue := vt.MethodByName(m.Name); !onValue {
				// A pointer method: on nil too.
				callZero(t, "(*"+name+")(nil)."+m.Name, reflect.Zero(pt).MethodByName(m.Name))
			}
		}
	}
	sort.Strings(gotFuncs)
	sort.Strings(gotMethods)
	if diff := cmp.Diff(wantFuncs, gotFuncs); diff != "" {
		t.Errorf("exported functions not covered (-declared +covered):\n%s", diff)
	}
	// Methods promoted from embedded types or declared elsewhere may be
	// extra; every declared one must be covered.
	for _, m := range wantMethods {
		if !slices.Contains(gotMethods, m) {
			t.Errorf("method %s is not covered: add its type to the zero-value test", m)
		}
	}
}
