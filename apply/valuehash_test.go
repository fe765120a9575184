package apply

import (
	"bytes"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/gen"
	"github.com/avil4/avil4/l4"
)

// fillRandom sets every field reachable from v (settable) to a random
// value: strings (empty, ASCII, non-ASCII, long), bools, numbers of every
// sign and size, pointers nil or set, slices nil, empty or with elements.
func fillRandom(rng *rand.Rand, v reflect.Value, depth int) {
	strs := []string{"", "a", "pool-1", "é€", "/api/pool/?name=x", string(make([]byte, 300))}
	switch v.Kind() {
	case reflect.String:
		v.SetString(strs[rng.IntN(len(strs))])
	case reflect.Bool:
		v.SetBool(rng.IntN(2) == 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n := []int64{0, 1, -1, 127, 128, -129, 65535, 1 << 31, -1 << 31}[rng.IntN(9)]
		if v.OverflowInt(n) {
			n = 1
		}
		v.SetInt(n)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(rng.IntN(300)))
	case reflect.Pointer:
		if depth > 6 || rng.IntN(3) == 0 {
			v.SetZero()
			return
		}
		p := reflect.New(v.Type().Elem())
		fillRandom(rng, p.Elem(), depth+1)
		v.Set(p)
	case reflect.Slice:
		switch r := rng.IntN(3); {
		case depth > 6 || r == 0:
			v.SetZero()
		case r == 1:
			v.Set(reflect.MakeSlice(v.Type(), 0, rng.IntN(2)))
		default:
			s := reflect.MakeSlice(v.Type(), 1+rng.IntN(3), 4)
			for i := range s.Len() {
				fillRandom(rng, s.Index(i), depth+1)
			}
			v.Set(s)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fillRandom(rng, v.Field(i), depth+1)
		}
	}
}

// TestTypedValueIsAppendValue requires the generated encoder
// (valuehash_gen.go) to write, for every object type, the very bytes the
// reflective appendValue writes: on translated objects, on random values
// of every field, on zero values and on nil pointers. A field added to an
// aviobj type without regenerating (go generate ./apply) fails here.
func TestTypedValueIsAppendValue(t *testing.T) {
	same := func(what string, o aviobj.Object) {
		t.Helper()
		typed, ok := appendObjectValue(nil, o)
		if !ok {
			t.Fatalf("%s: %T has no generated encoder", what, o)
		}
		refl, ok := appendValue(nil, reflect.ValueOf(o))
		if !ok {
			t.Fatalf("%s: %T does not encode by reflection", what, o)
		}
		if !bytes.Equal(typed, refl) {
			t.Fatalf("%s %T: generated encoding\n%q\ndiffers from appendValue's\n%q", what, o, typed, refl)
		}
	}
	objs := gen.Generate(gen.Config{Services: 3, Endpoints: 3})
	for i := range objs.Services {
		res := l4.TranslateService(l4.ServiceInput{Service: &objs.Services[i], EndpointSlices: objs.EndpointSlices},
			l4.Options{ClusterName: "c1", License: "ENTERPRISE"})
		if res.Set == nil {
			t.Fatal(res.Errors)
		}
		for _, o := range res.Set.Objects() {
			same("translated", o)
		}
	}
	kinds := []aviobj.Object{&aviobj.VirtualService{}, &aviobj.VsVip{}, &aviobj.Pool{}, &aviobj.PoolGroup{},
		&aviobj.L4PolicySet{}, &aviobj.HealthMonitor{}, &aviobj.NetworkProfile{}}
	rng := rand.New(rand.NewPCG(5, 6))
	for _, k := range kinds {
		same("zero", k)
		same("nil", reflect.Zero(reflect.TypeOf(k)).Interface().(aviobj.Object))
		for range 300 {
			o := reflect.New(reflect.TypeOf(k).Elem())
			fillRandom(rng, o.Elem(), 0)
			same("random", o.Interface().(aviobj.Object))
		}
	}
}
