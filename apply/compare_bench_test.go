package apply

import (
	"encoding/json"
	"testing"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/internal/gen"
	"github.com/avil4/avil4/l4"
)

// comparePairs returns the objects of n generated Services (3 ports, 10
// endpoints) and the same objects as a controller returns them: stored in
// the fake (server defaults filled, refs by uuid) and read back.
func comparePairs(tb testing.TB, n int) (desired, live []aviobj.Object) {
	tb.Helper()
	objs := gen.Generate(gen.Config{Services: n})
	s := avitest.New()
	defer s.Close()
	for i := range objs.Services {
		res := l4.TranslateService(l4.ServiceInput{Service: &objs.Services[i], EndpointSlices: objs.EndpointSlices[i : i+1]},
			l4.Options{ClusterName: "bench", License: "ENTERPRISE"})
		if res.Set == nil {
			tb.Fatalf("translating %d: %v", i, res.Errors)
		}
		for _, o := range res.Set.Objects() {
			if _, err := s.Seed("", o.AviKind(), o); err != nil {
				tb.Fatal(err)
			}
			body, _ := s.Object("", o.AviKind(), o.AviName())
			raw, _ := json.Marshal(body)
			l, err := decodeLive(o.AviKind(), raw)
			if err != nil {
				tb.Fatal(err)
			}
			desired, live = append(desired, o), append(live, l.obj)
		}
	}
	return desired, live
}

// TestGeneratedPairsAreEqual: the objects of generated Services read back
// from the fake compare equal, the premise of BenchmarkNoopCompare.
func TestGeneratedPairsAreEqual(t *testing.T) {
	desired, live := comparePairs(t, 5)
	for i := range desired {
		if d := diffObjects(desired[i], live[i]); d != "" {
			t.Errorf("%s %s differs:\n%s", desired[i].AviKind(), desired[i].AviName(), d)
		}
	}
}

// BenchmarkNoopCompare compares desired objects with their unchanged live
// counterparts, as a no-op resync does for every object: one op is one
// object (VsVip, pools, L4PolicySet and VirtualService in turn).
//
//	go test ./apply -run '^$' -bench NoopCompare -benchmem
func BenchmarkNoopCompare(b *testing.B) {
	desired, live := comparePairs(b, 20)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		j := i % len(desired)
		if diffObjects(desired[j], live[j]) != "" {
			b.Fatal("differs")
		}
	}
}
