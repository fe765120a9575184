package main

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
)

// claim is the Set translated for one Kubernetes object (a Service, a
// shared-VIP group or a Gateway): the Avi objects it would own.
type claim struct {
	// owner names the Kubernetes object: "Service a/b-c", "shared-VIP
	// group ns/key", "Gateway ns/gw". Two claims with one owner come from
	// one object given twice.
	owner string
	// where says where the object was read ("in.yaml document 2").
	where string
	set   *aviobj.Set
}

// objectKey identifies an Avi object on a controller.
type objectKey struct {
	tenant string
	kind   aviobj.Kind
	name   string
}

// collision says that claims[index] cannot be applied: its Avi object key
// is already an object of claims[first], an earlier claim that is kept.
type collision struct {
	index, first int
	key          objectKey
}

// findCollisions walks the claims in order (the caller gives them in input
// order) and returns, in that order, one collision for every claim that has
// an object (same tenant, kind and name) of an earlier kept claim. A claim
// that collides is dropped: its objects claim nothing, so a later claim
// colliding only with it is kept. A claim's objects are compared
// VirtualService first, then VsVip, L4PolicySet, Pools and HealthMonitors,
// and the first conflict found is the one reported. Claims without a Set
// take no part. The function is pure: it neither changes nor keeps the Sets.
func findCollisions(claims []claim) []collision {
	owners := map[objectKey]int{}
	var out []collision
	for i, c := range claims {
		if c.set == nil {
			continue
		}
		keys := setKeys(c.set)
		found := false
		for _, k := range keys {
			if first, ok := owners[k]; ok {
				out = append(out, collision{index: i, first: first, key: k})
				found = true
				break
			}
		}
		if found {
			continue
		}
		for _, k := range keys {
			owners[k] = i
		}
	}
	return out
}

// setKeys lists the keys of a Set's objects in the order collisions are
// looked for: the names users recognise first.
func setKeys(s *aviobj.Set) []objectKey {
	objs := s.Objects()
	keys := make([]objectKey, 0, len(objs))
	for _, kind := range []aviobj.Kind{aviobj.KindVirtualService, aviobj.KindVsVip, aviobj.KindL4PolicySet, aviobj.KindPool, aviobj.KindHealthMonitor} {
		for _, o := range objs {
			if o.AviKind() == kind {
				keys = append(keys, objectKey{tenant: s.Tenant, kind: kind, name: o.AviName()})
			}
		}
	}
	// Kinds a future Set may add are compared last.
	for _, o := range objs {
		switch o.AviKind() {
		case aviobj.KindVirtualService, aviobj.KindVsVip, aviobj.KindL4PolicySet, aviobj.KindPool, aviobj.KindHealthMonitor:
		default:
			keys = append(keys, objectKey{tenant: s.Tenant, kind: o.AviKind(), name: o.AviName()})
		}
	}
	return keys
}

// fieldError is the error reported on the dropped claim's field path (its
// metadata.name, or its shared-VIP annotation), whose value is value.
func (c collision) fieldError(claims []claim, path *field.Path, value string) *field.Error {
	first, second := claims[c.first], claims[c.index]
	if first.owner == second.owner {
		e := field.Duplicate(path, value)
		e.Detail = fmt.Sprintf("%s is given twice (first in %s); only the first is applied", first.owner, first.where)
		return e
	}
	tenant := ""
	if c.key.tenant != "admin" {
		tenant = fmt.Sprintf(" in tenant %q", c.key.tenant)
	}
	return field.Invalid(path, value, fmt.Sprintf("Avi %s %q%s is already the name of %s's objects; rename one of them",
		c.key.kind, c.key.name, tenant, first.owner))
}
