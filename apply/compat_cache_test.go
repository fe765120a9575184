package apply

import (
	"fmt"
	"testing"

	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/internal/gen"
	"github.com/avil4/avil4/l4"
)

// TestCompatCacheIsExact: the bulk path remembers each object's controller
// check, and what it remembers is what the check finds, for each version
// and edition (an SCTP Set refused before 22.1.3 and outside Enterprise);
// a changed controller description is not answered from the cache.
func TestCompatCacheIsExact(t *testing.T) {
	res := genSet(t)
	k, err := KeyOf(res.Set).normalised()
	if err != nil {
		t.Fatal(err)
	}
	var cache compatCache
	refused := 0
	for _, info := range []client.Info{
		{Version: "30.2.1", APIVersion: "30.2.1", Edition: client.EditionEnterprise},
		{Version: "21.1.4", APIVersion: "21.1.4", Edition: client.EditionEnterprise},
		{Version: "22.1.3", APIVersion: "22.1.3", Edition: client.EditionEnterprise},
		{Version: "30.2.1", APIVersion: "30.2.1", Edition: client.EditionEssentials},
		{Version: "30.2.1", APIVersion: "30.2.1", Edition: client.EditionEnterprise},
	} {
		want := checkController(res.Set, k, info)
		if want != nil {
			refused++
		}
		for round := range 2 {
			got := checkControllerWith(res.Set, k, info, &cache)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%+v round %d: %v, want %v", info, round, got, want)
			}
		}
	}
	if refused != 2 {
		t.Errorf("%d descriptions refused the SCTP Set, want 2", refused)
	}
}

// TestCompatSkipsUnconstrainedKinds: for an Enterprise controller of the
// schema's version every kind of a Set is known to be unconstrained, so the
// bulk path checks nothing (what TestCompatCacheIsExact shows gives the
// same answer as checking); for 21.1.4 every kind is checked.
func TestCompatSkipsUnconstrainedKinds(t *testing.T) {
	res := genSet(t)
	k, err := KeyOf(res.Set).normalised()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		info client.Info
		want bool
	}{
		{client.Info{Version: "30.2.1", APIVersion: "30.2.1", Edition: client.EditionEnterprise}, false},
		{client.Info{Version: "21.1.4", APIVersion: "21.1.4", Edition: client.EditionEnterprise}, true},
	} {
		var cache compatCache
		for _, o := range res.Set.Objects() {
			if got := cache.constrained(tc.info, o.AviKind()); got != tc.want {
				t.Errorf("%s at %s: constrained = %v, want %v", o.AviKind(), tc.info.APIVersion, got, tc.want)
			}
		}
		// An unconstrained kind's objects are neither checked nor remembered.
		_ = checkControllerWith(res.Set, k, tc.info, &cache)
		if remembered := len(cache.m); (remembered > 0) != tc.want {
			t.Errorf("at %s: %d objects remembered, want them only when constrained", tc.info.APIVersion, remembered)
		}
	}
}

// genSet is the translation of one generated Service (TCP, UDP and SCTP).
func genSet(t *testing.T) l4.Result {
	t.Helper()
	objs := gen.Generate(gen.Config{Services: 1})
	res := l4.TranslateService(l4.ServiceInput{Service: &objs.Services[0], EndpointSlices: objs.EndpointSlices},
		l4.Options{ClusterName: "c1", License: "ENTERPRISE"})
	if res.Set == nil {
		t.Fatal(res.Errors)
	}
	return res
}
