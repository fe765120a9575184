package aviobj_test

import (
	"encoding/json"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/aviobj"
)

// goldenSets returns the Set of every translation in the l4 golden files
// (each "set" member, decoded), named by file and position.
func goldenSets(t *testing.T) map[string]*aviobj.Set {
	t.Helper()
	var files []string
	err := filepath.WalkDir("../l4/testdata", func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".golden.json") {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sets := map[string]*aviobj.Set{}
	var walk func(file, where string, v any)
	walk = func(file, where string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if k == "set" {
					if _, ok := e.(map[string]any); ok {
						raw, err := json.Marshal(e)
						if err != nil {
							t.Fatal(err)
						}
						s := new(aviobj.Set)
						if err := json.Unmarshal(raw, s); err != nil {
							t.Fatalf("%s %s: %v", file, where, err)
						}
						sets[file+" "+where+"/set"] = s
						continue
					}
				}
				walk(file, where+"/"+k, e)
			}
		case []any:
			for i, e := range x {
				walk(file, where+"/"+itoa(i), e)
			}
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(f, "", v)
	}
	if len(sets) < 50 {
		t.Fatalf("found %d Sets in the l4 goldens, want at least 50", len(sets))
	}
	return sets
}

func itoa(i int) string { return strconv.Itoa(i) }

// step is one move from a value to a part of it: field i of a struct,
// element i of a slice, or (i == -1) the target of a pointer.
type step struct {
	field bool
	i     int
}

// sites lists the paths to every settable part of v (v itself included),
// keeping at most the first two and the last element of each slice.
func sites(v reflect.Value, path []step, out *[][]step) {
	*out = append(*out, append([]step(nil), path...))
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			sites(v.Elem(), append(path, step{i: -1}), out)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				sites(v.Field(i), append(path, step{field: true, i: i}), out)
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if i < 2 || i == v.Len()-1 {
				sites(v.Index(i), append(path, step{i: i}), out)
			}
		}
	}
}

func follow(v reflect.Value, path []step) reflect.Value {
	for _, s := range path {
		switch {
		case s.field:
			v = v.Field(s.i)
		case s.i < 0:
			v = v.Elem()
		default:
			v = v.Index(s.i)
		}
	}
	return v
}

// variants returns the changes tried at a value of v's type: values out
// of range, of the wrong form, too long, not UTF-8, refs of the wrong kind
// or to nothing, nil and zero parts, duplicated and too many elements.
func variants(v reflect.Value, depth int) []func(reflect.Value) {
	set := func(x any) func(reflect.Value) {
		return func(v reflect.Value) { v.Set(reflect.ValueOf(x).Convert(v.Type())) }
	}
	var out []func(reflect.Value)
	switch v.Kind() {
	case reflect.String:
		for _, s := range []string{"", "X", "LB_ALGORITHM_MAGIC", strings.Repeat("a", 300), "a\xffb\xe2\x82", "\x00ctl",
			"/api/pool/?name=nope", "/api/tenant/?name=telco", "/api/vsvip/vsvip-uuid", "https://ctl/api/pool/pool-1#p%201",
			"/api/poolgroup/?name=pg", "/api/healthmonitor/?name=System-TCP", "api/x", "10.0.0.300", "fd00::1", "10.1.2.3",
			"V4", "V6", "DNS", "PROTOCOL_UDP", "IS_NOT_IN", "a b&c", "ténant"} {
			out = append(out, set(s))
		}
	case reflect.Int32, reflect.Int, reflect.Int64:
		for _, n := range []int64{-1, 0, 1, 2, 999, 1001, 65535, 65536, math.MaxInt32, math.MinInt32} {
			out = append(out, set(n))
		}
	case reflect.Bool:
		out = append(out, func(v reflect.Value) { v.SetBool(!v.Bool()) })
	case reflect.Pointer:
		out = append(out, func(v reflect.Value) {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			} else {
				v.SetZero()
			}
		})
	case reflect.Struct:
		out = append(out, func(v reflect.Value) { v.SetZero() })
	case reflect.Slice:
		out = append(out,
			func(v reflect.Value) { v.SetZero() },
			func(v reflect.Value) { v.Set(reflect.MakeSlice(v.Type(), 0, 0)) },
			func(v reflect.Value) { v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem()))) },
			func(v reflect.Value) {
				if v.Len() > 0 {
					v.Set(reflect.Append(v, v.Index(0)))
				}
			})
		if depth <= 2 {
			out = append(out, func(v reflect.Value) {
				n := reflect.MakeSlice(v.Type(), 2049, 2049)
				for i := range n.Len() {
					if v.Len() > 0 {
						n.Index(i).Set(v.Index(0))
					}
				}
				v.Set(n)
			})
		}
	}
	return out
}

// TestCheckTypedIsJSON runs Check's typed schema walk and the reference
// implementation (the zero Checker: json.Marshal of each object, validated
// by avischema) on the Set of every l4 golden translation and on each of
// them changed in one place (every field of every object, see variants),
// and requires the same problems, in the same order.
func TestCheckTypedIsJSON(t *testing.T) {
	typed, reference := aviobj.NewChecker(), new(aviobj.Checker)
	var runs, withProblems int
	compare := func(what string, s *aviobj.Set) {
		t.Helper()
		runs++
		want := reference.Check(s)
		if len(want) > 0 {
			withProblems++
		}
		if diff := cmp.Diff(want, typed.Check(s)); diff != "" {
			t.Fatalf("%s: typed Check differs from the JSON reference (-json +typed):\n%s", what, diff)
		}
		if diff := cmp.Diff(want, aviobj.Check(s)); diff != "" {
			t.Fatalf("%s: Check differs from the JSON reference (-json +Check):\n%s", what, diff)
		}
	}
	sets := goldenSets(t)
	names := slices.Sorted(maps.Keys(sets))
	// Every Set is checked as it is; a Set is also mutated in every place
	// when it holds a field (by Go path, indexes left out) that no Set
	// mutated before held, which keeps the run short.
	covered := map[string]bool{}
	for _, name := range names {
		s := sets[name]
		compare(name, s)
		var paths [][]step
		sites(reflect.ValueOf(s).Elem(), nil, &paths)
		novel := false
		for _, p := range paths {
			k := typePath(reflect.TypeOf(*s), p)
			if !covered[k] {
				covered[k], novel = true, true
			}
		}
		if !novel {
			continue
		}
		for _, p := range paths {
			orig := follow(reflect.ValueOf(s).Elem(), p)
			for vi, mutate := range variants(orig, len(p)) {
				c := s.DeepCopy()
				mutate(follow(reflect.ValueOf(c).Elem(), p))
				compare(name+" "+pathString(reflect.TypeOf(*s), p)+" variant "+itoa(vi), c)
			}
		}
	}
	t.Logf("%d Sets compared, %d with problems", runs, withProblems)
	if withProblems*10 < runs {
		t.Errorf("only %d of %d mutated Sets have problems: the mutations test little", withProblems, runs)
	}
}

// typePath names a path by Go field names, without indexes.
func typePath(t reflect.Type, path []step) string {
	var b strings.Builder
	for _, s := range path {
		if s.field {
			b.WriteString("." + t.Field(s.i).Name)
			t = t.Field(s.i).Type
		} else {
			t = t.Elem()
		}
	}
	return b.String()
}

// pathString names a path by Go field names, for failure messages.
func pathString(t reflect.Type, path []step) string {
	var b strings.Builder
	for _, s := range path {
		switch {
		case s.field:
			b.WriteString("." + t.Field(s.i).Name)
			t = t.Field(s.i).Type
		case s.i < 0:
			t = t.Elem()
		default:
			b.WriteString("[" + itoa(s.i) + "]")
			t = t.Elem()
		}
	}
	return b.String()
}

// TestSchemaAcceptsGoldenSets requires the generated acceptance to take
// every object of every l4 golden Set (all of which pass Check): the walk
// runs only for what it does not accept, so on real translations it must
// not run at all.
func TestSchemaAcceptsGoldenSets(t *testing.T) {
	n := 0
	for name, s := range goldenSets(t) {
		if probs := aviobj.Check(s); len(probs) > 0 {
			continue
		}
		for _, o := range s.Objects() {
			n++
			if valid, handled := aviobj.SchemaAccepts(o); !valid || !handled {
				t.Errorf("%s: %s %s is left to the walk (valid %v, handled %v)", name, o.AviKind(), o.AviName(), valid, handled)
			}
		}
	}
	if n < 200 {
		t.Errorf("only %d objects of valid golden Sets", n)
	}
}
