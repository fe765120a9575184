package aviobj_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/zerotest"
)

// TestZeroValues calls every exported function and method of the package
// with zero values (nil objects, a nil Set, zero Refs and Markers...) and
// fails on a panic, or when an exported function or method is not in this
// list.
func TestZeroValues(t *testing.T) {
	zerotest.CheckZeroValues(t, map[string]any{
		"Bool":               aviobj.Bool,
		"Check":              aviobj.Check,
		"CmpOptions":         aviobj.CmpOptions,
		"CopyObject":         aviobj.CopyObject,
		"CreatedBy":          aviobj.CreatedBy,
		"Diff":               aviobj.Diff,
		"Equal":              aviobj.Equal,
		"GroupPoolName":      aviobj.GroupPoolName,
		"IdentityMarkers":    aviobj.IdentityMarkers,
		"IdentityOf":         aviobj.IdentityOf,
		"Int32":              aviobj.Int32,
		"IsValidClusterName": aviobj.IsValidClusterName,
		"LBAlgorithmHashes":  aviobj.LBAlgorithmHashes,
		"LBAlgorithms":       aviobj.LBAlgorithms,
		"MarkerValue":        aviobj.MarkerValue,
		"NameProblem":        aviobj.NameProblem,
		"NamePrefix":         aviobj.NamePrefix,
		"NewChecker":         aviobj.NewChecker,
		"ParseRef":           aviobj.ParseRef,
		"PoolGroupName":      aviobj.PoolGroupName,
		"PoolName":           aviobj.PoolName,
		"RefByName":          aviobj.RefByName,
		"RefByUUID":          aviobj.RefByUUID,
		"RefsEqual":          aviobj.RefsEqual,
		"SameIdentity":       aviobj.SameIdentity,
		"ShortenName":        aviobj.ShortenName,
		"TenantNameProblem":  aviobj.TenantNameProblem,
		"VirtualServiceName": aviobj.VirtualServiceName,
	}, map[string]any{
		"VirtualService": aviobj.VirtualService{},
		"VsVip":          aviobj.VsVip{},
		"Pool":           aviobj.Pool{},
		"PoolGroup":      aviobj.PoolGroup{},
		"L4PolicySet":    aviobj.L4PolicySet{},
		"HealthMonitor":  aviobj.HealthMonitor{},
		"NetworkProfile": aviobj.NetworkProfile{},
		"Set":            aviobj.Set{},
		"Checker":        aviobj.Checker{},
		"Markers":        aviobj.Markers{},
		"Ref":            aviobj.Ref{},
		"Problem":        aviobj.Problem{},
		"Identity":       aviobj.Identity{},
		"Kind":           aviobj.Kind(""),
		"Origin":         aviobj.Origin(""),
	})
}

// TestNilObjects hands the helpers that take an Object nil interfaces,
// typed nil pointers and Sets holding nothing.
func TestNilObjects(t *testing.T) {
	objs := []aviobj.Object{nil, (*aviobj.VirtualService)(nil), (*aviobj.VsVip)(nil), (*aviobj.Pool)(nil),
		(*aviobj.L4PolicySet)(nil), (*aviobj.HealthMonitor)(nil), (*aviobj.NetworkProfile)(nil)}
	for _, o := range objs {
		if o != nil && o.AviName() != "" {
			t.Errorf("%T.AviName() = %q", o, o.AviName())
		}
		if got := aviobj.IdentityMarkers(o); got != nil {
			t.Errorf("IdentityMarkers(%T) = %v", o, got)
		}
		if got := aviobj.IdentityOf(o); !got.IsZero() {
			t.Errorf("IdentityOf(%T) = %v", o, got)
		}
		for _, p := range objs {
			if aviobj.SameIdentity(o, p) {
				t.Errorf("SameIdentity(%T, %T) = true", o, p)
			}
		}
	}
	for _, s := range []*aviobj.Set{nil, {}} {
		if s.Name() != "" || len(s.Objects()) != 0 {
			t.Errorf("%#v: Name %q, Objects %v", s, s.Name(), s.Objects())
		}
		if diff := cmp.Diff(s, s.DeepCopy()); diff != "" {
			t.Errorf("DeepCopy (-orig +copy):\n%s", diff)
		}
		if len(aviobj.Check(s)) == 0 {
			t.Errorf("Check(%#v) finds nothing", s)
		}
	}
}
