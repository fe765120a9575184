package aviobj_test

import (
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

	"github.com/avil4/avil4/aviobj"
)

// TestZeroValues calls every exported function and method of the package
// with zero values (nil objects, a nil Set, zero Refs and Markers...) and
// fails on a panic, or when an exported function or method is not in this
// list.
func TestZeroValues(t *testing.T) {
	checkZeroValues(t, map[string]any{
		"Bool":               aviobj.Bool,
		"Check":              aviobj.Check,
		"CmpOptions":         aviobj.CmpOptions,
		"CopyObject":         aviobj.CopyObject,
		"CreatedBy":          aviobj.CreatedBy,
		"Diff":               aviobj.Diff,
		"Equal":              aviobj.Equal,
		"GroupPoolName":      aviobj.GroupPoolName,
		"IdentityMarkers":    aviobj.IdentityMarkers,
		"IdentityOf":         aviobj.IdentityOf,
		"Int32":              aviobj.Int32,
		"IsValidClusterName": aviobj.IsValidClusterName,
		"LBAlgorithmHashes":  aviobj.LBAlgorithmHashes,
		"LBAlgorithms":       aviobj.LBAlgorithms,
		"MarkerValue":        aviobj.MarkerValue,
		"NameProblem":        aviobj.NameProblem,
		"NamePrefix":         aviobj.NamePrefix,
		"ParseRef":           aviobj.ParseRef,
		"PoolName":           aviobj.PoolName,
		"RefByName":          aviobj.RefByName,
		"RefByUUID":          aviobj.RefByUUID,
		"RefsEqual":          aviobj.RefsEqual,
		"SameIdentity":       aviobj.SameIdentity,
		"ShortenName":        aviobj.ShortenName,
		"TenantNameProblem":  aviobj.TenantNameProblem,
		"VirtualServiceName": aviobj.VirtualServiceName,
	}, map[string]any{
		"VirtualService": aviobj.VirtualService{},
		"VsVip":          aviobj.VsVip{},
		"Pool":           aviobj.Pool{},
		"L4PolicySet":    aviobj.L4PolicySet{},
		"HealthMonitor":  aviobj.HealthMonitor{},
		"Set":            aviobj.Set{},
		"Markers":        aviobj.Markers{},
		"Ref":            aviobj.Ref{},
		"Problem":        aviobj.Problem{},
		"Identity":       aviobj.Identity{},
		"Kind":           aviobj.Kind(""),
		"Origin":         aviobj.Origin(""),
	})
}

// TestNilObjects hands the helpers that take an Object nil interfaces,
// typed nil pointers and Sets holding nothing.
func TestNilObjects(t *testing.T) {
	objs := []aviobj.Object{nil, (*aviobj.VirtualService)(nil), (*aviobj.VsVip)(nil), (*aviobj.Pool)(nil),
		(*aviobj.L4PolicySet)(nil), (*aviobj.HealthMonitor)(nil)}
	for _, o := range objs {
		if o != nil && o.AviName() != "" {
			t.Errorf("%T.AviName() = %q", o, o.AviName())
		}
		if got := aviobj.IdentityMarkers(o); got != nil {
			t.Errorf("IdentityMarkers(%T) = %v", o, got)
		}
		if got := aviobj.IdentityOf(o); !got.IsZero() {
			t.Errorf("IdentityOf(%T) = %v", o, got)
		}
		for _, p := range objs {
			if aviobj.SameIdentity(o, p) {
				t.Errorf("SameIdentity(%T, %T) = true", o, p)
			}
		}
	}
	for _, s := range []*aviobj.Set{nil, {}} {
		if s.Name() != "" || len(s.Objects()) != 0 {
			t.Errorf("%#v: Name %q, Objects %v", s, s.Name(), s.Objects())
		}
		if diff := cmp.Diff(s, s.DeepCopy()); diff != "" {
			t.Errorf("DeepCopy (-orig +copy):\n%s", diff)
		}
		if len(aviobj.Check(s)) == 0 {
			t.Errorf("Check(%#v) finds nothing", s)
		}
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
