package zerotest

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
)

// ExportedAPI returns the exported functions ("F") and the exported methods
// of exported types ("T.M") declared in the non-test files of the current directory (the package under test), read
// from the source, so that a new one cannot escape the zero-value test.
func ExportedAPI(t *testing.T) (funcs, methods []string) {
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

// CallZero calls fn with the zero value of every parameter (no variadic
// arguments) and reports a panic as a test error.
func CallZero(t *testing.T, name string, fn reflect.Value) {
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

// CheckZeroValues calls every exported function (funcs, by name) and every
// method of every exported type (types, by name, as zero values) with zero
// arguments, on a zero value and, for pointer methods, on a nil pointer. It
// fails when the source declares a function or method that funcs and types
// do not cover.
func CheckZeroValues(t *testing.T, funcs map[string]any, types map[string]any) {
	t.Helper()
	wantFuncs, wantMethods := ExportedAPI(t)
	var gotFuncs, gotMethods []string
	for name, fn := range funcs {
		gotFuncs = append(gotFuncs, name)
		CallZero(t, name, reflect.ValueOf(fn))
	}
	for name, zero := range types {
		vt := reflect.TypeOf(zero)
		pt := reflect.PointerTo(vt)
		for i := range pt.NumMethod() {
			m := pt.Method(i)
			gotMethods = append(gotMethods, name+"."+m.Name)
			// On a pointer to a zero value.
			CallZero(t, "(&"+name+"{})."+m.Name, reflect.New(vt).MethodByName(m.Name))
			if _, onValue := vt.MethodByName(m.Name); !onValue {
				// A pointer method: on nil too.
				CallZero(t, "(*"+name+")(nil)."+m.Name, reflect.Zero(pt).MethodByName(m.Name))
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
