package apply

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/avil4/avil4/aviobj"
)

// claim is whom a Set's objects belong to: an owner (created_by and the
// clustername marker) and an identity (the Service, shared-VIP group or
// Gateway it is made for). An object is the Set's only when both match;
// see judge.
type claim struct {
	createdBy, cluster string
	tenant             string
	// name is the Set's name (that of its VirtualService).
	name string
	// id is the Set's identity; zero for a Key recorded without one.
	id aviobj.Identity
	// vs is the desired VirtualService (nil when deleting by Key).
	vs aviobj.Object
	// liveVS is the live VirtualService of the Set's name, once judged
	// ours.
	liveVS *liveObj
	// holderVS is the live VirtualService holding the Set's name for
	// someone else (another owner or another Kubernetes object), when
	// deleting; held are the uuids of the objects it refers to
	// (transitively), which are left to it.
	holderVS *liveObj
	held     map[string]bool
	// holder is the identity of holderVS when it has the Set's owner (a
	// collision): objects whose markers cannot tell that Kubernetes object
	// from the Set's are left to it too.
	holder *aviobj.Identity
}

// newClaim returns the claim of a normalised Key and, when known, its Set.
func newClaim(k Key, set *aviobj.Set) *claim {
	w := &claim{createdBy: k.CreatedBy, cluster: k.ClusterName, tenant: k.Tenant, name: k.Name, id: k.Identity}
	if set != nil && set.VirtualService != nil {
		w.vs = set.VirtualService
	}
	return w
}

// ownerOf returns how o is marked: created_by, or the clustername marker of
// the types without created_by.
func ownerOf(o aviobj.Object) string {
	switch t := o.(type) {
	case *aviobj.VirtualService:
		return t.CreatedBy
	case *aviobj.Pool:
		return t.CreatedBy
	case *aviobj.L4PolicySet:
		return t.CreatedBy
	case *aviobj.PoolGroup:
		return t.CreatedBy
	case *aviobj.VsVip:
		v, _ := aviobj.MarkerValue(t.Markers, aviobj.MarkerClusterName)
		return v
	case *aviobj.HealthMonitor:
		v, _ := aviobj.MarkerValue(t.Markers, aviobj.MarkerClusterName)
		return v
	case *aviobj.NetworkProfile:
		v, _ := aviobj.MarkerValue(t.Markers, aviobj.MarkerClusterName)
		return v
	}
	return ""
}

// ownedBy reports whether o carries the Set's owner: its created_by, or for
// VsVip, HealthMonitor and NetworkProfile its clustername marker.
func (w *claim) ownedBy(o aviobj.Object) bool {
	switch o.AviKind() {
	case aviobj.KindVsVip, aviobj.KindHealthMonitor, aviobj.KindNetworkProfile:
		return w.cluster != "" && ownerOf(o) == w.cluster
	}
	return w.createdBy != "" && ownerOf(o) == w.createdBy
}

// judge decides whether live belongs to the Set. desired is the Set's
// object of that kind and name, or nil for an object found otherwise (by a
// ref of the Set's live objects, as a stray pool, or by a Key). It returns
// nil for an object of the Set, a *ForeignObjectError for another owner's,
// and a *CollisionError for another Kubernetes object's of the same owner:
//
//   - VirtualService, L4PolicySet, Pool: the same identity markers as the
//     desired object (aviobj.SameIdentity: for VirtualServices the origin
//     too); without a desired object, an identity (aviobj.IdentityOf) that
//     matches the Set's;
//   - HealthMonitor: the same, when it has identity markers; without any,
//     as a VsVip, through the pools that refer to it;
//   - VsVip: it has no identity markers; it is the Set's when every
//     VirtualService referring to it is the Set's, and an orphan (nothing
//     refers to it) of the Set's owner is adopted.
//
// When deleting, an object whose markers cannot tell the Set from the
// Kubernetes object holding the Set's VirtualService name (a shared-VIP
// group and a Gateway of one name and namespace) is left to the holder.
func (w *claim) judge(ctx context.Context, v view, live *liveObj, desired aviobj.Object) error {
	if w.held[live.uuid] {
		return w.collision(live, w.holderVS.obj, w.holderVia(), desired)
	}
	if !w.ownedBy(live.obj) {
		return &ForeignObjectError{Kind: live.kind, Name: live.name, Tenant: w.tenant, UUID: live.uuid, Owner: ownerOf(live.obj)}
	}
	switch {
	case live.kind == aviobj.KindVsVip:
		return w.judgeByReferrers(ctx, v, live, aviobj.KindVirtualService, desired)
	case live.kind == aviobj.KindHealthMonitor && len(aviobj.IdentityMarkers(live.obj)) == 0:
		return w.judgeByReferrers(ctx, v, live, aviobj.KindPool, desired)
	}
	var ok bool
	if desired != nil {
		ok = aviobj.SameIdentity(desired, live.obj)
	} else {
		ok = w.fits(aviobj.IdentityOf(live.obj))
	}
	if !ok {
		return w.collision(live, live.obj, "", desired)
	}
	if w.ambiguous(aviobj.IdentityOf(live.obj)) {
		return w.collision(live, nil, w.holderVia(), desired)
	}
	return nil
}

// hold records vs, the live VirtualService of the Set's name, as held by
// someone else, and reads what it refers to (transitively), which is then
// never taken for the Set's.
func (w *claim) hold(ctx context.Context, v view, vs *liveObj) error {
	w.holderVS = vs
	w.held = map[string]bool{}
	if w.ownedBy(vs.obj) {
		id := aviobj.IdentityOf(vs.obj)
		w.holder = &id
	}
	queue := []*liveObj{vs}
	for len(queue) > 0 {
		o := queue[0]
		queue = queue[1:]
		for _, ref := range outgoingRefs(o.obj) {
			r, err := aviobj.ParseRef(ref)
			if err != nil || kindRank(r.Kind) < 0 || strings.HasPrefix(r.Name, "System-") {
				continue
			}
			var t *liveObj
			if r.UUID != "" {
				t, err = v.byUUID(ctx, r.Kind, r.UUID)
			} else {
				t, err = v.byName(ctx, r.Kind, r.Name)
			}
			if err != nil {
				return err
			}
			if t != nil && !w.held[t.uuid] {
				w.held[t.uuid] = true
				queue = append(queue, t)
			}
		}
	}
	return nil
}

// fits reports whether an object with identity id (and no desired
// counterpart) belongs to the Set: id matches the Set's identity. A Set
// known only by a Key without identity (recorded by an earlier version)
// accepts an object without identity markers, or one whose markers name a
// Kubernetes object whose VirtualService would carry the Set's name; an
// object whose markers name another stays.
func (w *claim) fits(id aviobj.Identity) bool {
	if w.id.IsZero() {
		return id.IsZero() || id.VirtualServiceName(w.cluster) == w.name
	}
	return id.Matches(w.id)
}

// ambiguous reports whether an object with identity id could be the holder's
// as well as the Set's.
func (w *claim) ambiguous(id aviobj.Identity) bool {
	return w.holder != nil && !id.IsZero() && id.Matches(*w.holder)
}

func (w *claim) holderVia() string {
	return fmt.Sprintf("virtualservice %q", w.name)
}

// judgeByReferrers judges an object without identity markers (a VsVip, a
// HealthMonitor made without them) by the objects of kind refKind that
// refer to it: each must be the Set's. The Set's own live VirtualService
// referring to its VsVip settles it without a read; otherwise one list
// (refers_to) finds the referrers. An object nothing refers to is an orphan
// of the Set's owner, left by a run that stopped before its referrer was
// written, and is adopted.
func (w *claim) judgeByReferrers(ctx context.Context, v view, live *liveObj, refKind aviobj.Kind, desired aviobj.Object) error {
	if live.kind == aviobj.KindVsVip && w.liveVS != nil && refersTo(w.liveVS.obj, live) {
		return nil
	}
	refs, err := v.referrers(ctx, refKind, live)
	if err != nil {
		return err
	}
	for _, r := range refs {
		if w.referrerFits(r) {
			continue
		}
		return w.collision(live, r.obj, fmt.Sprintf("%s %q", r.kind, r.name), desired)
	}
	return nil
}

// referrerFits reports whether a referrer is the Set's: its owner, and the
// identity of the Set's VirtualService (or, without one, the Set's).
func (w *claim) referrerFits(r *liveObj) bool {
	if !w.ownedBy(r.obj) {
		return false
	}
	if w.liveVS != nil && r.uuid == w.liveVS.uuid {
		return true
	}
	id := aviobj.IdentityOf(r.obj)
	if w.ambiguous(id) {
		return false
	}
	if r.kind == aviobj.KindVirtualService && w.vs != nil {
		return aviobj.SameIdentity(w.vs, r.obj)
	}
	return w.fits(id)
}

// refersTo reports whether o holds a ref to target (by uuid, or by name
// when the ref has no uuid).
func refersTo(o aviobj.Object, target *liveObj) bool {
	for _, ref := range outgoingRefs(o) {
		r, err := aviobj.ParseRef(ref)
		if err != nil || r.Kind != target.kind {
			continue
		}
		if r.UUID != "" && r.UUID == target.uuid || r.UUID == "" && r.Name == target.name {
			return true
		}
	}
	return false
}

// collision builds the error for live, which belongs to the Kubernetes
// object holderObj's identity markers name (holderObj nil: the holder of
// the Set's name), found through via.
func (w *claim) collision(live *liveObj, holderObj aviobj.Object, via string, desired aviobj.Object) *CollisionError {
	e := &CollisionError{Kind: live.kind, Name: live.name, Tenant: w.tenant, UUID: live.uuid, Via: via, Wanted: w.id}
	switch {
	case holderObj != nil:
		e.Holder, e.HolderMarkers = aviobj.IdentityOf(holderObj), aviobj.IdentityMarkers(holderObj)
	case w.holder != nil:
		e.Holder, e.HolderMarkers = *w.holder, aviobj.IdentityMarkers(live.obj)
	}
	if desired == nil {
		desired = w.vs
	}
	if desired != nil {
		e.WantedMarkers = aviobj.IdentityMarkers(desired)
	}
	return e
}

// strayNames are what follows "<set name>-" in the names of a dedicated
// Service's pools and custom monitors.
var strayNames = map[aviobj.Kind]*regexp.Regexp{
	aviobj.KindPool:          regexp.MustCompile(`^(TCP|UDP|SCTP)-[0-9]+$`),
	aviobj.KindHealthMonitor: regexp.MustCompile(`^((TCP|UDP|SCTP)-[0-9]+-hm|healthz)$`),
}

// strayKinds are the kinds whose objects a Set may leave behind when a run
// stops between dropping a reference and deleting the target: pools and
// custom monitors, and for a Gateway or shared-VIP group (whose weighted
// routes have them) pool groups.
func strayKinds(w *claim) []aviobj.Kind {
	if isGroup(w.id) {
		return []aviobj.Kind{aviobj.KindHealthMonitor, aviobj.KindPool, aviobj.KindPoolGroup}
	}
	return []aviobj.Kind{aviobj.KindHealthMonitor, aviobj.KindPool}
}

// isGroup reports whether id is a shared-VIP group's or a Gateway's.
func isGroup(id aviobj.Identity) bool {
	return id.Origin == aviobj.OriginSharedVIP || id.Origin == aviobj.OriginGateway || id.Origin == aviobj.OriginGroup
}

// prefetch reads, with one list, the pools or custom monitors of the Set
// (and stray ones): by name prefix for a dedicated Service, by marker for a
// group. Later reads of the Set's objects of that kind are answered from it.
func prefetch(ctx context.Context, v view, w *claim, kind aviobj.Kind) ([]*liveObj, error) {
	if isGroup(w.id) {
		return v.withMarker(ctx, kind, aviobj.MarkerGatewayName, w.id.Name, groupPoolPrefix(w.cluster, w.id))
	}
	return v.withPrefix(ctx, kind, w.name+"-")
}

// strays returns the pools or custom monitors of the Set that nothing may
// refer to any more (a run that stopped between dropping a port's rule or a
// pool's monitor and deleting it leaves one), by owner and identity:
//
//   - a dedicated Service's: those named "<set name>-..." whose identity is
//     the Service;
//   - a shared-VIP group's or Gateway's, whose pools are named after their
//     backend Services: those with the group's GatewayName marker whose
//     identity is the group;
//   - a Key without identity: those named "<set name>-<PROTOCOL>-<port>"
//     (monitors "...-hm" or "<set name>-healthz") whose markers name no
//     other Kubernetes object.
func strays(ctx context.Context, v view, w *claim, kind aviobj.Kind) ([]*liveObj, error) {
	if w.name == "" {
		return nil, nil
	}
	cands, err := prefetch(ctx, v, w, kind)
	if err != nil {
		return nil, err
	}
	var out []*liveObj
	for _, o := range cands {
		if !w.ownedBy(o.obj) {
			continue
		}
		id := aviobj.IdentityOf(o.obj)
		switch {
		case w.id.IsZero():
			if !strings.HasPrefix(o.name, w.name+"-") || !strayNames[kind].MatchString(o.name[len(w.name)+1:]) || !w.fits(id) {
				continue
			}
		case !id.Matches(w.id) || w.ambiguous(id):
			continue
		}
		out = append(out, o)
	}
	return out, nil
}

// groupPoolPrefix is the start every pool name of a group has,
// "<cluster>--<namespace>-", cut to what ShortenName always keeps.
func groupPoolPrefix(cluster string, id aviobj.Identity) string {
	p := aviobj.NamePrefix(cluster) + id.Namespace + "-"
	if len(p) > keptPrefix {
		p = p[:keptPrefix]
	}
	return p
}

// keptPrefix is a length of name prefix that aviobj.ShortenName never cuts
// (it keeps MaxNameLength-17 bytes, less a partial character).
const keptPrefix = aviobj.MaxNameLength - 17 - 4

// identityProblems returns the objects of a Set whose identity markers name
// another Kubernetes object than its VirtualService's: once written, the
// next run could not tell them from another Set's.
func identityProblems(set *aviobj.Set) []aviobj.Problem {
	if set == nil || set.VirtualService == nil {
		return nil
	}
	want := aviobj.IdentityOf(set.VirtualService)
	if want.IsZero() {
		return nil
	}
	var out []aviobj.Problem
	for _, o := range set.Objects() {
		if o.AviKind() == aviobj.KindVirtualService {
			continue
		}
		if id := aviobj.IdentityOf(o); !id.IsZero() && !id.Matches(want) {
			out = append(out, aviobj.Problem{Kind: o.AviKind(), Name: o.AviName(), Field: "markers",
				Message: fmt.Sprintf("identity markers name %s, but the Set's VirtualService names %s", id, want)})
		}
	}
	return out
}
