package apply

import (
	"reflect"
	"testing"

	"github.com/avil4/avil4/aviobj"
)

// mutations calls fn with copies of o each changed in one place: every
// field reachable from it set to its zero value and to another value, every
// slice emptied (nil and non-nil), shortened and lengthened, every pointer
// cleared and pointed at a zero value.
func mutations(o aviobj.Object, fn func(aviobj.Object, string)) {
	var sites int
	walkSites(reflect.ValueOf(o).Elem(), func(reflect.Value, string) { sites++ })
	for k := range sites {
		for m := range 5 {
			cp := aviobj.CopyObject(o)
			i := 0
			desc := ""
			walkSites(reflect.ValueOf(cp).Elem(), func(v reflect.Value, name string) {
				if i == k && v.CanSet() {
					desc = mutate(v, m, name)
				}
				i++
			})
			if desc != "" {
				fn(cp, desc)
			}
		}
	}
}

func walkSites(v reflect.Value, visit func(reflect.Value, string)) {
	switch v.Kind() {
	case reflect.Struct:
		for i := range v.NumField() {
			f := v.Field(i)
			visit(f, v.Type().Field(i).Name)
			walkSites(f, visit)
		}
	case reflect.Pointer:
		if !v.IsNil() {
			walkSites(v.Elem(), visit)
		}
	case reflect.Slice:
		for i := range v.Len() {
			visit(v.Index(i), "[]")
			walkSites(v.Index(i), visit)
		}
	}
}

// mutate changes v in the m-th way and describes it ("" when m does not
// apply to v's kind).
func mutate(v reflect.Value, m int, name string) string {
	if m == 0 {
		v.Set(reflect.Zero(v.Type()))
		return name + " zeroed"
	}
	switch v.Kind() {
	case reflect.String:
		vals := []string{"", "x", "/api/pool/?name=other", "https://h/api/pool/pool-1#" + v.String(), v.String() + "y"}
		v.SetString(vals[m])
	case reflect.Bool:
		if m > 1 {
			return ""
		}
		v.SetBool(!v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + int64(m))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(v.Uint() + uint64(m))
	case reflect.Pointer:
		switch m {
		case 1:
			v.Set(reflect.New(v.Type().Elem()))
		default:
			return ""
		}
	case reflect.Slice:
		switch m {
		case 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, 0))
		case 2:
			if v.Len() == 0 {
				return ""
			}
			v.Set(v.Slice(0, v.Len()-1))
		case 3:
			v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
		case 4:
			if v.Len() == 0 {
				return ""
			}
			v.Set(reflect.Append(v, v.Index(0)))
		}
	default:
		return ""
	}
	return name + " changed"
}

// canonEqual is the decision equalFast must imply: the canonical forms of
// desired and of live normalised against it are equal.
func canonEqual(desired, live aviobj.Object) bool {
	return reflect.DeepEqual(canonical(desired), canonical(normalise(desired, live)))
}

// TestEqualFastIsExact: whenever equalFast says equal, the reflection path
// says so too, for generated objects as read back from the fake, with the
// live or the desired object changed in any one place; and it says equal
// for every unchanged pair (the no-op resync it exists for).
func TestEqualFastIsExact(t *testing.T) {
	desired, live := comparePairs(t, 2)
	cases, fastEqual := 0, 0
	check := func(d, l aviobj.Object, desc string) {
		cases++
		if equalFast(d, l) {
			fastEqual++
			if !canonEqual(d, l) {
				t.Errorf("%s %s, %s: equalFast says equal, the reflection path does not:\n%s",
					d.AviKind(), d.AviName(), desc, aviobj.Diff(d, normalise(d, l)))
			}
		}
	}
	for i := range desired {
		if !equalFast(desired[i], live[i]) {
			t.Errorf("%s %s: unchanged pair not equal", desired[i].AviKind(), desired[i].AviName())
		}
		mutations(live[i], func(l aviobj.Object, desc string) { check(desired[i], l, "live "+desc) })
		mutations(desired[i], func(d aviobj.Object, desc string) { check(d, live[i], "desired "+desc) })
	}
	t.Logf("%d cases, %d judged equal by equalFast", cases, fastEqual)
	if cases < 1000 {
		t.Errorf("only %d cases", cases)
	}
}

// TestQuickRef: quickRef finds what aviobj.ParseRef finds, or declines.
func TestQuickRef(t *testing.T) {
	refs := []string{
		"/api/pool/?name=p", "/api/pool?name=p", "/api/pool/pool-1", "/api/pool/pool-1#p", "https://h/api/pool/pool-1#p",
		"https://10.0.0.1:443/api/pool/pool-1#p", "http://h/api/pool/pool-1/#p", "https://h/api/pool/?name=p#q",
		"/api/pool/?name=a+b", "/api/pool/?name=a%20b", "/api/pool/?name=a&x=1", "/api/pool/?x=1", "/api/pool/p-1#50%",
		"/api/pool/p-1#a b", "/api/pool/a/b#n", "/api//x#n", "/apix/pool/1#n", "pool-1", "", "#n", "/api/pool/#n",
		"https://[::1]/api/pool/1#n", "https://h/api/pool/1?name=#n", "/api/pool/?name=#n", "https://h/x/api/pool/1#n",
		"/api/tenant/?name=admin", "https://h/api/healthmonitor/healthmonitor-9#System-TCP", "/api/pool/?name=p;q",
	}
	for _, s := range refs {
		kind, name, ok := quickRef(s)
		r, err := aviobj.ParseRef(s)
		switch {
		case !ok:
			continue
		case err != nil:
			t.Errorf("quickRef(%q) = %s %q, ParseRef fails: %v", s, kind, name, err)
		case string(r.Kind) != kind || r.Name != name:
			t.Errorf("quickRef(%q) = %s %q, ParseRef %s %q", s, kind, name, r.Kind, r.Name)
		}
	}
	for _, a := range refs {
		for _, b := range refs {
			if got, want := refEqual(a, b), canonicalRef(a) == canonicalRef(b); got != want {
				t.Errorf("refEqual(%q, %q) = %v, want %v", a, b, got, want)
			}
		}
	}
}
