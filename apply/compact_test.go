package apply

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/internal/gen"
	"github.com/avil4/avil4/l4"
)

// TestBulkIndexKeepsOnlyWhatDiffers: the bulk index of a resync holds an
// object equal to its desired one as that desired object, without its raw
// body (a VsVip as read, for its VIPs); an object changed out of band keeps
// what it was read as, and the resync repairs it with one PUT whose
// overlay keeps the fields avil4 does not model.
func TestBulkIndexKeepsOnlyWhatDiffers(t *testing.T) {
	objs := gen.Generate(gen.Config{Services: 3, Endpoints: 2})
	fake := avitest.New()
	defer fake.Close()
	sets := make([]*aviobj.Set, len(objs.Services))
	keys := make([]Key, len(sets))
	for i := range objs.Services {
		res := l4.TranslateService(l4.ServiceInput{Service: &objs.Services[i], EndpointSlices: objs.EndpointSlices[i : i+1]},
			l4.Options{ClusterName: "c1", License: "ENTERPRISE"})
		if res.Set == nil {
			t.Fatal(res.Errors)
		}
		sets[i] = res.Set
		keys[i], _ = KeyOf(res.Set).normalised()
		for _, o := range res.Set.Objects() {
			if _, err := fake.Seed("", o.AviKind(), o); err != nil {
				t.Fatal(err)
			}
		}
	}
	drifted := sets[1].Pools[0].Name
	if err := fake.Edit("", "pool", drifted, func(m map[string]any) {
		m["lb_algorithm"] = "LB_ALGORITHM_ROUND_ROBIN"
		m["connection_ramp_duration"] = 7 // not modelled by aviobj
	}); err != nil {
		t.Fatal(err)
	}
	c, err := client.New(client.Options{URL: fake.URL(), Username: fake.Username(), Password: client.Password(fake.Password()), CAPool: fake.CertPool()})
	if err != nil {
		t.Fatal(err)
	}
	a := New(c, Options{})
	v, err := a.index(context.Background(), c, sets, keys, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sets {
		for _, d := range s.Objects() {
			o := v.names[d.AviKind()][d.AviName()]
			switch {
			case o == nil:
				t.Fatalf("%s %s not indexed", d.AviKind(), d.AviName())
			case d.AviName() == drifted:
				if o.raw == nil || o.obj == d || o.equalTo(d) {
					t.Errorf("drifted pool %s: raw kept %v, held as desired %v", drifted, o.raw != nil, o.obj == d)
				}
			case o.raw != nil || !o.equalTo(d):
				t.Errorf("%s %s: raw kept %v, known equal %v", d.AviKind(), d.AviName(), o.raw != nil, o.equalTo(d))
			case d.AviKind() == aviobj.KindVsVip && o.obj == d:
				t.Errorf("VsVip %s held as desired: its VIPs would be lost", d.AviName())
			case d.AviKind() != aviobj.KindVsVip && o.obj != d:
				t.Errorf("%s %s: held as read, not as the desired object", d.AviKind(), d.AviName())
			}
		}
	}
	fake.ResetCalls()
	results, err := a.ApplyAll(context.Background(), sets)
	if err != nil {
		t.Fatal(err)
	}
	if w := fake.Calls().Writes(); w != 1 {
		t.Errorf("%d writes, want 1 (the drifted pool)", w)
	}
	for i, r := range results {
		if len(r.VIPs) != 1 {
			t.Errorf("set %d: VIPs %v, want one", i, r.VIPs)
		}
	}
	live, _ := fake.Object("", "pool", drifted)
	if live["lb_algorithm"] != "LB_ALGORITHM_LEAST_CONNECTIONS" || fmt.Sprint(live["connection_ramp_duration"]) != "7" {
		t.Errorf("repaired pool: lb_algorithm %v, connection_ramp_duration %v", live["lb_algorithm"], live["connection_ramp_duration"])
	}
}

// TestIndexObjectMemo checks indexObject's use of the memo: an object
// whose wire form and desired objects are those of an entry is taken from
// it without being decoded (here its wire form does not even decode), and
// is held as compact would hold it; with other desired objects, another
// kind or no memo, it is decoded.
func TestIndexObjectMemo(t *testing.T) {
	var m listMemo
	_, seeds := m.forTenant("admin")
	h := newHasher(seeds)
	pool := &aviobj.Pool{Name: "c1--ns-svc-TCP-80", Enabled: new(true)}
	other := &aviobj.Pool{Name: "c1--ns-svc-TCP-80", Enabled: new(false)}
	raw := []byte(`{"not": json`)
	dh, ok := h.desired([]aviobj.Object{pool}, nil)
	if !ok {
		t.Fatal("desired does not encode")
	}
	wh := h.wire(raw)
	memo := map[wireHash]memoEntry{wh: {kind: aviobj.KindPool, uuid: "pool-1", name: pool.Name, size: len(raw), desired: dh}}
	desired := map[string][]aviobj.Object{pool.Name: {pool}}

	o, e, err := indexObject(h, memo, aviobj.KindPool, raw, wh, desired, nil)
	if err != nil {
		t.Fatalf("a remembered object was decoded: %v", err)
	}
	if o.obj != pool || o.uuid != "pool-1" || o.raw != nil || !o.equalTo(pool) || e == nil || *e != memo[wh] {
		t.Errorf("from the memo: %+v, entry %+v", o, e)
	}
	if _, _, err := indexObject(h, memo, aviobj.KindPool, raw, wh, map[string][]aviobj.Object{pool.Name: {other}}, nil); err == nil {
		t.Error("other desired objects: not decoded")
	}
	if _, _, err := indexObject(h, memo, aviobj.KindVirtualService, raw, wh, desired, nil); err == nil {
		t.Error("another kind: not decoded")
	}
	if _, _, err := indexObject(h, nil, aviobj.KindPool, raw, wh, desired, nil); err == nil {
		t.Error("no memo: not decoded")
	}
}

// TestDesiredHashSeesEveryField checks the encoding the memo hashes desired
// objects by: a deep copy hashes the same, and changing any one field at
// any depth (a string, bool or number; a pointer or slice made nil or
// non-nil; a slice element added) hashes differently. The objects are
// those of generated Services with every optional part set that the
// generator sets.
func TestDesiredHashSeesEveryField(t *testing.T) {
	var m listMemo
	_, seeds := m.forTenant("admin")
	h := newHasher(seeds)
	objs := gen.Generate(gen.Config{Services: 1, Endpoints: 2})
	res := l4.TranslateService(l4.ServiceInput{Service: &objs.Services[0], EndpointSlices: objs.EndpointSlices[:1]},
		l4.Options{ClusterName: "c1", License: "ENTERPRISE"})
	if res.Set == nil {
		t.Fatal(res.Errors)
	}
	hashOf := func(o aviobj.Object) wireHash {
		t.Helper()
		wh, ok := h.desired([]aviobj.Object{o}, nil)
		if !ok {
			t.Fatalf("%s %s does not hash", o.AviKind(), o.AviName())
		}
		return wh
	}
	mutations := 0
	for _, o := range res.Set.Objects() {
		want := hashOf(o)
		if got := hashOf(aviobj.CopyObject(o)); got != want {
			t.Errorf("%s %s: a deep copy hashes differently", o.AviKind(), o.AviName())
		}
		// Each mutation is made on a fresh copy, reached by its path of
		// field and element indexes (-1: through a pointer).
		var walk func(path []int, v reflect.Value)
		at := func(root aviobj.Object, path []int) reflect.Value {
			v := reflect.ValueOf(root).Elem()
			for _, i := range path {
				switch {
				case i < 0: // through a pointer
					v = v.Elem()
				case v.Kind() == reflect.Slice:
					v = v.Index(i)
				default:
					v = v.Field(i)
				}
			}
			return v
		}
		check := func(path []int, what string, change func(reflect.Value)) {
			c := aviobj.CopyObject(o)
			change(at(c, path))
			mutations++
			if hashOf(c) == want {
				t.Errorf("%s %s: %s at %v hashes the same", o.AviKind(), o.AviName(), what, path)
			}
		}
		walk = func(path []int, v reflect.Value) {
			path = slices.Clip(path)
			switch v.Kind() {
			case reflect.String:
				check(path, "a longer string", func(v reflect.Value) { v.SetString(v.String() + "x") })
			case reflect.Bool:
				check(path, "a flipped bool", func(v reflect.Value) { v.SetBool(!v.Bool()) })
			case reflect.Int32, reflect.Int64, reflect.Int:
				check(path, "a number + 1", func(v reflect.Value) { v.SetInt(v.Int() + 1) })
			case reflect.Pointer:
				if v.IsNil() {
					check(path, "a nil pointer set", func(v reflect.Value) { v.Set(reflect.New(v.Type().Elem())) })
					return
				}
				check(path, "a pointer made nil", func(v reflect.Value) { v.SetZero() })
				walk(append(path, -1), v.Elem())
			case reflect.Slice:
				if v.IsNil() {
					check(path, "a nil slice made empty", func(v reflect.Value) { v.Set(reflect.MakeSlice(v.Type(), 0, 0)) })
					return
				}
				check(path, "a slice made nil", func(v reflect.Value) { v.SetZero() })
				check(path, "an element appended", func(v reflect.Value) { v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem()))) })
				for i := range v.Len() {
					walk(append(path, i), v.Index(i))
				}
			case reflect.Struct:
				for i := range v.NumField() {
					walk(append(path, i), v.Field(i))
				}
			}
		}
		walk(nil, reflect.ValueOf(o).Elem())
	}
	if mutations < 200 {
		t.Errorf("only %d mutations: the walk does not reach the fields", mutations)
	}
	t.Logf("%d mutations", mutations)
}
