package l4

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
)

// TestServicePortLocatorIsPoolLocator requires the lazy locator of a
// Service's pre-flight problems to give the paths of the map by pool name
// TranslateService used to build (the last port of a pool winning;
// services at spec.ports; anything else nowhere).
func TestServicePortLocatorIsPoolLocator(t *testing.T) {
	ports := []servicePort{{index: 0, pool: "p-a"}, {index: 2, pool: "p-b"}, {index: 3, pool: "p-a"}, {index: 5, pool: ""}}
	pools := map[string]*field.Path{}
	for _, p := range ports {
		pools[p.pool] = field.NewPath("spec", "ports").Index(p.index)
	}
	// The map TranslateService built before the lazy locator.
	want := func(p aviobj.Problem) *field.Path {
		switch {
		case p.Kind == aviobj.KindPool || p.Kind == aviobj.KindPoolGroup:
			return pools[p.Name]
		case p.Kind == aviobj.KindVirtualService && p.Field == "services":
			return field.NewPath("spec", "ports")
		}
		return nil
	}
	got := servicePortLocator(ports)
	for _, p := range []aviobj.Problem{
		{Kind: aviobj.KindPool, Name: "p-a"}, {Kind: aviobj.KindPool, Name: "p-b"}, {Kind: aviobj.KindPool, Name: "p-c"},
		{Kind: aviobj.KindPoolGroup, Name: "p-b"}, {Kind: aviobj.KindPool, Name: ""},
		{Kind: aviobj.KindVirtualService, Name: "vs", Field: "services"}, {Kind: aviobj.KindVirtualService, Name: "vs", Field: "name"},
		{Kind: aviobj.KindVsVip, Name: "p-a"},
	} {
		if w, g := want(p).String(), got(p).String(); w != g {
			t.Errorf("%s %q %s: path %q, want %q", p.Kind, p.Name, p.Field, g, w)
		}
	}
}
