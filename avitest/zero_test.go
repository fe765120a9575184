package avitest_test

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

	"github.com/avil4/avil4/avitest"
)

// TestZeroValues calls every exported function and method of the package
// with zero values (a nil and a zero Server, nil options, zero faults...)
// and fails on a panic, or when an exported function or method is not in
// this list. The methods are also called, with zero arguments, on a
// running fake.
func TestZeroValues(t *testing.T) {
	checkZeroValues(t, map[string]any{
		"New":                 avitest.New,
		"Start":               avitest.Start,
		"DefaultRandomFaults": avitest.DefaultRandomFaults,
		"RandomFaults":        avitest.RandomFaults,
		"FailNth":             avitest.FailNth,
		"WithUsers":           avitest.WithUsers,
		"WithVersion":         avitest.WithVersion,
		"WithVIPRange":        avitest.WithVIPRange,
		"WithNetwork":         avitest.WithNetwork,
		"WithSEGroups":        avitest.WithSEGroups,
		"WithTenants":         avitest.WithTenants,
		"WithFault":           avitest.WithFault,
		"WithRandomFaults":    avitest.WithRandomFaults,
		"WithLatency":         avitest.WithLatency,
		"WithSeed":            avitest.WithSeed,
		"WithPageSize":        avitest.WithPageSize,
		"WithLogger":          avitest.WithLogger,
		"WithTLSCertificate":  avitest.WithTLSCertificate,
	}, map[string]any{
		"Server":  avitest.Server{},
		"Call":    avitest.Call{},
		"Calls":   avitest.Calls(nil),
		"Request": avitest.Request{},
		"Fault":   avitest.Fault{},
	})

	// Every method with zero arguments on a running fake (Close last).
	fake := avitest.New(nil)
	pt := reflect.TypeOf(fake)
	for i := range pt.NumMethod() {
		if m := pt.Method(i); m.Name != "Close" {
			callZero(t, "running Server."+m.Name, reflect.ValueOf(fake).Method(i))
		}
	}
	fake.Close()
	fake.Close()
	// The fault funcs a zero configuration returns let every request
	// through.
	for name, fn := range map[string]avitest.FaultFunc{
		"RandomFaults": avitest.RandomFaults(0, 0),
		"FailNth":      avitest.FailNth("", "", 0, avitest.Fault{}),
	} {
		if f := fn(avitest.Request{}); f != nil {
			t.Errorf("%s(zero)(Request{}) = %+v", name, f)
		}
	}
}

// TestStart returns the errors New panics with.
func TestStart(t *testing.T) {
	for _, opt := range []avitest.Option{avitest.WithVIPRange("not-a-cidr"), avitest.WithNetwork("n", "10.0.0.0/33")} {
		if s, err := avitest.Start(opt); err == nil || s != nil {
			t.Errorf("Start(bad option) = %v, %v; want an error", s, err)
		}
	}
	s, err := avitest.Start(avitest.WithVIPRange("10.9.0.0/24"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.URL() == "" || s.CertPool() == nil {
		t.Errorf("Start gave a Server without URL or certificate")
	}
	var zero avitest.Server
	if _, err := zero.Seed("", "pool", map[string]any{"name": "p"}); err == nil {
		t.Error("Seed on a zero Server succeeded")
	}
	if err := s.Edit("", "pool", "p", nil); err == nil {
		t.Error("Edit with a nil function succeeded")
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
