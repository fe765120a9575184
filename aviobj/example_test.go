package aviobj_test

import (
	"fmt"
	"strings"

	"github.com/avil4/avil4/aviobj"
)

// ParseRef reads every form a ref takes on the wire; refs to the same object
// compare equal whatever their form.
func ExampleParseRef() {
	for _, s := range []string{
		"/api/pool/?name=my+pool",
		"/api/pool/pool-abc",
		"https://10.0.0.1/api/pool/pool-abc#my%20pool",
	} {
		r, err := aviobj.ParseRef(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("kind=%s uuid=%q name=%q\n", r.Kind, r.UUID, r.Name)
	}
	fmt.Println(aviobj.RefsEqual("/api/pool/?name=my+pool", "https://10.0.0.1/api/pool/pool-abc#my%20pool"))
	// Output:
	// kind=pool uuid="" name="my pool"
	// kind=pool uuid="pool-abc" name=""
	// kind=pool uuid="pool-abc" name="my pool"
	// true
}

// Over-long names are shortened deterministically to exactly 255
// characters, keeping the readable start.
func ExampleShortenName() {
	name := aviobj.PoolName("cluster", "red-ns", strings.Repeat("very-long-service-", 20), "SCTP", 38412)
	fmt.Println(len(name))
	fmt.Println(name[:30])
	fmt.Println(aviobj.PoolName("cluster", "red-ns", "testsvc", "SCTP", 8080))
	// Output:
	// 255
	// cluster--red-ns-very-long-serv
	// cluster--red-ns-testsvc-SCTP-8080
}

// Diff compares a desired object with the controller's copy: server-filled
// fields are ignored and refs by name match refs by uuid with a #name.
func ExampleDiff() {
	desired := &aviobj.Pool{
		Name:              "cluster--red-ns-testsvc-SCTP-8080",
		HealthMonitorRefs: []string{aviobj.RefByName(aviobj.KindHealthMonitor, "System-SCTP")},
	}
	live := &aviobj.Pool{
		UUID:              "pool-1",
		URL:               "https://10.0.0.1/api/pool/pool-1#cluster--red-ns-testsvc-SCTP-8080",
		Name:              "cluster--red-ns-testsvc-SCTP-8080",
		HealthMonitorRefs: []string{"https://10.0.0.1/api/healthmonitor/healthmonitor-3#System-SCTP"},
	}
	fmt.Printf("equal=%v diff=%q\n", aviobj.Equal(desired, live), aviobj.Diff(desired, live))
	// Output:
	// equal=true diff=""
}

// Objects lists a Set in creation order; delete in reverse.
func ExampleSet_Objects() {
	s := &aviobj.Set{
		VirtualService: &aviobj.VirtualService{Name: "c1--default-svc"},
		L4PolicySet:    &aviobj.L4PolicySet{Name: "c1--default-svc"},
		Pools:          []aviobj.Pool{{Name: "c1--default-svc-TCP-80"}, {Name: "c1--default-svc-SCTP-9000"}},
		VsVip:          &aviobj.VsVip{Name: "c1--default-svc"},
	}
	for _, o := range s.Objects() {
		fmt.Println(o.AviKind(), o.AviName())
	}
	// Output:
	// vsvip c1--default-svc
	// pool c1--default-svc-TCP-80
	// pool c1--default-svc-SCTP-9000
	// l4policyset c1--default-svc
	// virtualservice c1--default-svc
}

// Markers.List gives the markers in AKO's order.
func ExampleMarkers_List() {
	m := aviobj.Markers{ClusterName: "c1", Namespace: "default", ServiceName: "svc", Port: "9000"}
	for _, mk := range m.List() {
		fmt.Println(mk.Key, mk.Values)
	}
	// Output:
	// clustername [c1]
	// Namespace [default]
	// ServiceName [svc]
	// Port [9000]
}

// Two Services whose Avi names coincide are told apart by their identity
// markers.
func ExampleIdentityOf() {
	a := &aviobj.VirtualService{Name: aviobj.VirtualServiceName("c1", "a-b", "c"),
		Markers: aviobj.Markers{ClusterName: "c1", Namespace: "a-b", ServiceName: "c"}.List()}
	b := &aviobj.VirtualService{Name: aviobj.VirtualServiceName("c1", "a", "b-c"),
		Markers: aviobj.Markers{ClusterName: "c1", Namespace: "a", ServiceName: "b-c"}.List()}
	fmt.Println(a.Name == b.Name, aviobj.SameIdentity(a, b))
	fmt.Println(aviobj.IdentityOf(a), "/", aviobj.IdentityOf(b))
	// Output:
	// true false
	// Service a-b/c / Service a/b-c
}
