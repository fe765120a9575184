package apply

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/go-logr/logr"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/client"
)

// DefaultConcurrency is the number of Sets ApplyAll works on at once.
const DefaultConcurrency = 8

// Options configure an Applier.
type Options struct {
	// Logger receives a V(1) line per write and per Set.
	Logger logr.Logger
	// Concurrency bounds how many Sets ApplyAll, PlanAll and DeleteAll work
	// on at once; 0 means DefaultConcurrency.
	Concurrency int
	// OnSetDone, when set, is called once for every Set of an ApplyAll,
	// PlanAll or DeleteAll call as it is finished, with its index in the
	// call and its error (nil when it succeeded), so a caller can show
	// progress. Sets refused before any request (pre-flight, collisions,
	// an unreadable tenant) are reported first. Calls come from the
	// goroutines that process the Sets, so they may be concurrent. A call
	// that fails as a whole (no client) reports none.
	OnSetDone func(index int, err error)
}

// Applier makes the controller hold what Sets describe. It is safe for
// concurrent use; two Applies of the same Set at once converge (the loser of
// a create race re-reads the winner's object). A zero or nil Applier, or one
// made by New with a nil client, returns ErrNoClient from every method.
type Applier struct {
	c         *client.Client
	log       logr.Logger
	conc      int
	onSetDone func(int, error)
	// compat remembers the controller checks of the objects of bulk
	// calls, so a resync does not check unchanged objects again.
	compat compatCache
	// memo remembers the listed objects bulk indexes found equal to their
	// desired ones, so an unchanged object is not decoded again.
	memo listMemo
}

// New returns an Applier writing through c (in each Set's own tenant).
func New(c *client.Client, opts Options) *Applier {
	a := &Applier{c: c, log: opts.Logger, conc: opts.Concurrency, onSetDone: opts.OnSetDone}
	if a.log.GetSink() == nil {
		a.log = logr.Discard()
	}
	if a.conc <= 0 {
		a.conc = DefaultConcurrency
	}
	return a
}

// ready returns ErrNoClient when a cannot talk to a controller.
func (a *Applier) ready() error {
	if a == nil || a.c == nil {
		return ErrNoClient
	}
	return nil
}

// logger is a's logger (a zero Applier's discards).
func (a *Applier) logger() logr.Logger {
	if a.log.GetSink() == nil {
		return logr.Discard()
	}
	return a.log
}

// Key identifies the objects of a Set on the controller when the Set itself
// is gone (its Service was deleted): the name shared by its VirtualService,
// VsVip and L4PolicySet, its tenant, its owner and the Kubernetes object it
// was made for. Keys are comparable and marshal to JSON, to be recorded
// (e.g. in an annotation) before the first write; compare them with
// SameSet.
type Key struct {
	// Tenant of the objects ("" means "admin").
	Tenant string `json:"tenant"`
	// Name of the VirtualService, VsVip and L4PolicySet.
	Name string `json:"name"`
	// ClusterName is the owner's clustername marker.
	ClusterName string `json:"clusterName"`
	// CreatedBy is the owner's created_by ("" means
	// aviobj.CreatedBy(ClusterName)).
	CreatedBy string `json:"createdBy"`
	// Identity is the Service, shared-VIP group or Gateway the Set is made
	// for (aviobj.IdentityOf its VirtualService), so that DeleteKey removes
	// only that object's objects, never those of another Kubernetes object
	// whose names coincide. The zero Identity (a Key recorded by an earlier
	// version, or built by hand without one) makes DeleteKey cautious: it
	// deletes only objects named after the Key (and what they refer to)
	// whose identity markers are absent or name a Kubernetes object whose
	// VirtualService carries the Key's Name; it cannot tell apart two
	// Kubernetes objects whose names coincide. Record KeyOf(set) again to
	// give an old Key its identity.
	Identity aviobj.Identity `json:"identity,omitzero"`
}

// KeyOf returns the Key of a Set; the zero Key for nil.
func KeyOf(set *aviobj.Set) Key {
	if set == nil {
		return Key{}
	}
	return Key{Tenant: set.Tenant, Name: set.Name(), ClusterName: set.ClusterName, CreatedBy: set.CreatedBy,
		Identity: aviobj.IdentityOf(set.VirtualService)}
}

// SameSet reports whether k and o name the same objects: the same tenant,
// name and owner once defaults are applied ("" tenant is "admin", ""
// CreatedBy is aviobj.CreatedBy(ClusterName)), and the same Identity when
// both have one. Use it, not ==, to decide whether the objects recorded
// under an old Key must go: a Key recorded by an earlier version has no
// Identity and names the same objects as KeyOf of the same Set.
func (k Key) SameSet(o Key) bool {
	a, b := k.withDefaults(), o.withDefaults()
	if a.Tenant != b.Tenant || a.Name != b.Name || a.ClusterName != b.ClusterName || a.CreatedBy != b.CreatedBy {
		return false
	}
	return a.Identity.IsZero() || b.Identity.IsZero() || a.Identity == b.Identity
}

func (k Key) withDefaults() Key {
	if k.Tenant == "" {
		k.Tenant = client.DefaultTenant
	}
	if k.CreatedBy == "" && k.ClusterName != "" {
		k.CreatedBy = aviobj.CreatedBy(k.ClusterName)
	}
	return k
}

func (k Key) normalised() (Key, error) {
	if k.ClusterName == "" {
		return k, fmt.Errorf("%w: no cluster name", ErrInvalidSet)
	}
	if k.Name == "" {
		return k, fmt.Errorf("%w: no name (a Set is named by its VirtualService)", ErrInvalidSet)
	}
	return k.withDefaults(), nil
}

// preflight returns the Key of a Set that may be applied, or an
// *InvalidSetError listing every reason it may not: aviobj.Check, and
// objects whose identity markers name another Kubernetes object than the
// Set's VirtualService. It reads nothing.
func preflight(set *aviobj.Set) (Key, error) {
	problems := aviobj.Check(set)
	problems = append(problems, identityProblems(set)...)
	if len(problems) > 0 {
		var tenant string
		if set != nil {
			tenant = set.Tenant
		}
		return Key{}, &InvalidSetError{Tenant: tenant, Set: set.Name(), Problems: problems}
	}
	return KeyOf(set).normalised()
}

// preflightMemo is preflight remembering, by the Set's hash, the Sets that
// passed it in the last bulk call: preflight is a function of the Set's
// value alone. It records the hash of each object of set in known and each
// Set that passes in checked (the memo of the next call).
func (a *Applier) preflightMemo(h *hasher, set *aviobj.Set, known map[aviobj.Object]wireHash, checked map[wireHash]Key) (Key, error) {
	if set == nil {
		return preflight(set)
	}
	sh, ok := h.setHash(set, known)
	if !ok {
		return preflight(set)
	}
	if k, ok := a.memo.checkedKey(sh); ok {
		checked[sh] = k
		return k, nil
	}
	k, err := preflight(set)
	if err == nil {
		checked[sh] = k
	}
	return k, err
}

// Plan reads the live state of the Set's objects and returns the writes
// that Apply would make, writing nothing: the library's dry run. A Set that
// fails the pre-flight check is an *InvalidSetError (nothing read); a
// same-named object of another owner a *ForeignObjectError, of another
// Kubernetes object of the same owner a *CollisionError.
func (a *Applier) Plan(ctx context.Context, set *aviobj.Set) (*Changes, error) {
	k, err := preflight(set)
	if err != nil {
		return nil, err
	}
	if err := a.ready(); err != nil {
		return nil, err
	}
	if err := a.checkController(ctx, set, k); err != nil {
		return nil, err
	}
	ch, err := a.plan(ctx, set, k, newGetView(a.c.WithTenant(k.Tenant)))
	if err != nil {
		return nil, fmt.Errorf("planning %s/%s: %w", k.Tenant, k.Name, err)
	}
	return ch, nil
}

// Apply makes the controller hold exactly the Set: it creates what is
// missing in dependency order (HealthMonitors, NetworkProfiles, VsVip,
// Pools, L4PolicySet, VirtualService), updates the owned objects that differ semantically, then
// deletes the owned objects the Set no longer needs (the pool of a removed
// port...) once nothing refers to them. A converged Set costs reads only.
// The Result says what was done and holds the live VIPs.
//
// A Set that fails the pre-flight check (aviobj.Check) is refused with an
// *InvalidSetError before any read or write; an object of another owner or
// another Kubernetes object under one of its names stops it with a
// *ForeignObjectError or *CollisionError before any write. On a later
// error the objects already written stay: they carry the Set's names, owner
// and identity, so the next Apply adopts them and Delete finds them.
func (a *Applier) Apply(ctx context.Context, set *aviobj.Set) (*Result, error) {
	k, err := preflight(set)
	if err != nil {
		return nil, err
	}
	if err := a.ready(); err != nil {
		return nil, err
	}
	if err := a.checkController(ctx, set, k); err != nil {
		return nil, err
	}
	c := a.c.WithTenant(k.Tenant)
	ch, err := a.plan(ctx, set, k, newGetView(c))
	if err != nil {
		return nil, fmt.Errorf("planning %s/%s: %w", k.Tenant, k.Name, err)
	}
	res, err := a.execute(ctx, c, k, set, ch)
	if err != nil {
		return res, fmt.Errorf("applying %s/%s: %w", k.Tenant, k.Name, err)
	}
	return res, nil
}

// Delete removes every object of the Set (those it names and those its
// live objects refer to, owned and made for the Set's Kubernetes object),
// in reverse dependency order. Absent objects are fine; same-named objects
// of other owners or other Kubernetes objects are left alone. The Set need
// not pass the pre-flight check, but it must have a cluster name and a
// VirtualService (its name); a nil Set is an ErrInvalidSet error.
func (a *Applier) Delete(ctx context.Context, set *aviobj.Set) (*Result, error) {
	if set == nil {
		return nil, fmt.Errorf("%w: no Set", ErrInvalidSet)
	}
	k, err := KeyOf(set).normalised()
	if err != nil {
		return nil, err
	}
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.deleteSet(ctx, k, set)
}

// DeleteKey is Delete for a Set known only by its Key; see Key.Identity for
// what a Key without identity deletes.
func (a *Applier) DeleteKey(ctx context.Context, key Key) (*Result, error) {
	k, err := key.normalised()
	if err != nil {
		return nil, err
	}
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.deleteSet(ctx, k, nil)
}

// kindOrder is the dependency order of kinds (create order).
var kindOrder = []aviobj.Kind{
	aviobj.KindHealthMonitor, aviobj.KindNetworkProfile, aviobj.KindVsVip, aviobj.KindPool, aviobj.KindPoolGroup, aviobj.KindL4PolicySet, aviobj.KindVirtualService,
}

func kindRank(k aviobj.Kind) int { return slices.Index(kindOrder, k) }

// plan works out the Changes of a Set from a view of the live state. The
// VirtualService is read and judged first: when its name is held by another
// owner or another Kubernetes object, that is the error, whatever else
// collides.
func (a *Applier) plan(ctx context.Context, set *aviobj.Set, k Key, v view) (*Changes, error) {
	w := newClaim(k, set)
	ch := newChanges(k)
	if set.VirtualService != nil {
		live, err := v.byName(ctx, aviobj.KindVirtualService, set.VirtualService.Name)
		if err != nil {
			return nil, err
		}
		if live != nil {
			if err := w.judge(ctx, v, live, set.VirtualService); err != nil {
				return nil, err
			}
			w.liveVS = live
		}
	}
	// One list per kind reads all the Set's pools and custom monitors (and
	// stray ones): by name prefix for a dedicated Service, by marker for a
	// group.
	for _, kind := range strayKinds(w) {
		if _, err := prefetch(ctx, v, w, kind); err != nil {
			return nil, err
		}
	}
	objs := set.Objects()
	desired := make(map[string]bool, len(objs))
	lives := make([]*liveObj, 0, len(objs))
	ch.order = slices.Grow(ch.order, len(objs))
	for _, obj := range objs {
		kind, name := obj.AviKind(), obj.AviName()
		key := string(kind) + " " + name // a kind has no space
		desired[key] = true
		ch.order = append(ch.order, key)
		var live *liveObj
		if kind == aviobj.KindVirtualService {
			live = w.liveVS
		} else {
			var err error
			if live, err = v.byName(ctx, kind, name); err != nil {
				return nil, err
			}
			if live != nil {
				if err := w.judge(ctx, v, live, obj); err != nil {
					return nil, err
				}
			}
		}
		if live == nil {
			c := Change{Action: ActionCreate, Kind: kind, Name: name, desired: obj}
			ch.Create = append(ch.Create, c)
			ch.writes = append(ch.writes, c)
			continue
		}
		lives = append(lives, live)
		if kind == aviobj.KindVsVip {
			ch.vsvip = live
		}
		if d := liveDiff(obj, live); d != "" {
			c := Change{Action: ActionUpdate, Kind: kind, Name: name, UUID: live.uuid, Diff: d, desired: obj, live: live}
			ch.Update = append(ch.Update, c)
			ch.writes = append(ch.writes, c)
		} else {
			ch.Unchanged = append(ch.Unchanged, key)
			ch.uuids[key] = live.uuid
		}
	}
	stale, err := a.staleObjects(ctx, v, w, lives, func(kind aviobj.Kind, name string) bool {
		return desired[string(kind)+" "+name]
	})
	if err != nil {
		return nil, err
	}
	for _, o := range stale {
		ch.Delete = append(ch.Delete, Change{Action: ActionDelete, Kind: o.kind, Name: o.name, UUID: o.uuid, live: o})
	}
	return ch, nil
}

// liveDiff is diffObjects(desired, live.obj), known "" when a bulk index
// compared them already.
func liveDiff(desired aviobj.Object, live *liveObj) string {
	if live.equalTo(desired) {
		return ""
	}
	return diffObjects(desired, live.obj)
}

// staleObjects finds the objects that belong to the Set (judge) but that it
// no longer needs: targets of the refs of its live objects (followed
// transitively) and stray pools, minus the desired ones. They are returned
// in delete order. Objects of other owners or other Kubernetes objects are
// neither returned nor followed.
func (a *Applier) staleObjects(ctx context.Context, v view, w *claim, lives []*liveObj, isDesired func(aviobj.Kind, string) bool) ([]*liveObj, error) {
	seen := map[string]bool{}
	for _, l := range lives {
		seen[l.uuid] = true
	}
	var stale []*liveObj
	queue := slices.Clone(lives)
	add := func(o *liveObj) error {
		if o == nil || seen[o.uuid] {
			return nil
		}
		seen[o.uuid] = true
		if isDesired(o.kind, o.name) {
			return nil
		}
		if err := w.judge(ctx, v, o, nil); err != nil {
			if errors.Is(err, ErrForeignObject) {
				a.logger().V(1).Info("leaving an object of someone else alone", "kind", o.kind, "name", o.name, "reason", err.Error())
				return nil
			}
			return err
		}
		stale = append(stale, o)
		queue = append(queue, o)
		return nil
	}
	for _, kind := range strayKinds(w) {
		found, err := strays(ctx, v, w, kind)
		if err != nil {
			return nil, err
		}
		for _, o := range found {
			if err := add(o); err != nil {
				return nil, err
			}
		}
	}
	for len(queue) > 0 {
		o := queue[0]
		queue = queue[1:]
		for _, ref := range outgoingRefs(o.obj) {
			r, err := aviobj.ParseRef(ref)
			if err != nil || kindRank(r.Kind) < 0 {
				continue
			}
			if r.Name != "" && (isDesired(r.Kind, r.Name) || strings.HasPrefix(r.Name, "System-")) {
				continue
			}
			var t *liveObj
			if r.UUID != "" {
				t, err = v.byUUID(ctx, r.Kind, r.UUID)
			} else {
				t, err = v.byName(ctx, r.Kind, r.Name)
			}
			if err != nil {
				return nil, err
			}
			if err := add(t); err != nil {
				return nil, err
			}
		}
	}
	sort.SliceStable(stale, func(i, j int) bool { return kindRank(stale[i].kind) > kindRank(stale[j].kind) })
	return stale, nil
}

// execute carries out a plan: creates and updates in dependency order, then
// deletes in reverse order.
func (a *Applier) execute(ctx context.Context, c *client.Client, k Key, set *aviobj.Set, ch *Changes) (*Result, error) {
	res := &Result{Tenant: k.Tenant, Set: k.Name, Changes: ch}
	w := newClaim(k, set)
	log := a.logger().WithValues("tenant", k.Tenant, "set", k.Name)
	vsvip := ch.vsvip
	done := map[string]ObjectResult{}
	for _, wr := range ch.writes {
		var (
			live    *liveObj
			outcome Outcome
			err     error
		)
		switch wr.Action {
		case ActionCreate:
			live, outcome, err = a.create(ctx, c, w, wr)
		case ActionUpdate:
			live, outcome, err = a.update(ctx, c, wr)
		}
		if err != nil {
			res.Objects = orderedResults(ch, done)
			return res, err
		}
		log.V(1).Info("object "+string(outcome), "kind", wr.Kind, "name", wr.Name, "uuid", live.uuid)
		done[string(wr.Kind)+" "+wr.Name] = ObjectResult{Kind: wr.Kind, Name: wr.Name, UUID: live.uuid, Outcome: outcome}
		if wr.Kind == aviobj.KindVsVip {
			vsvip = live
		}
	}
	for _, u := range ch.Unchanged {
		kind, name, _ := strings.Cut(u, " ")
		done[u] = ObjectResult{Kind: aviobj.Kind(kind), Name: name, UUID: ch.uuids[u], Outcome: Unchanged}
	}
	res.Objects = orderedResults(ch, done)
	for _, d := range ch.Delete {
		if err := c.Delete(ctx, d.Kind, d.UUID); err != nil && !client.IsNotFound(err) {
			return res, fmt.Errorf("deleting %s %q: %w", d.Kind, d.Name, err)
		}
		log.V(1).Info("object deleted", "kind", d.Kind, "name", d.Name, "uuid", d.UUID)
		res.Objects = append(res.Objects, ObjectResult{Kind: d.Kind, Name: d.Name, UUID: d.UUID, Outcome: Deleted})
	}
	if vsvip != nil {
		res.VIPs = vipAddresses(vsvip.obj.(*aviobj.VsVip))
	}
	return res, nil
}

// orderedResults lists the results of the Set's objects in apply order.
func orderedResults(ch *Changes, done map[string]ObjectResult) []ObjectResult {
	out := make([]ObjectResult, 0, len(done))
	for _, key := range ch.order {
		if r, ok := done[key]; ok {
			out = append(out, r)
		}
	}
	return out
}

// create POSTs a new object. A 409 means the name was taken meanwhile (or
// an earlier attempt of this POST went through): the object is re-read and,
// if it is the Set's (judge), converged like an update.
func (a *Applier) create(ctx context.Context, c *client.Client, w *claim, wr Change) (*liveObj, Outcome, error) {
	var raw json.RawMessage
	err := c.Create(ctx, wr.Kind, wireBody(wr.desired), &raw)
	if err == nil {
		o, err := decodeCreated(wr, raw)
		if err != nil {
			return nil, "", fmt.Errorf("creating %s %q: %w", wr.Kind, wr.Name, err)
		}
		return o, Created, nil
	}
	if !client.IsConflict(err) {
		return nil, "", fmt.Errorf("creating %s %q: %w", wr.Kind, wr.Name, err)
	}
	raw = nil
	if err := c.GetByName(ctx, wr.Kind, wr.Name, &raw); err != nil {
		return nil, "", fmt.Errorf("re-reading %s %q after a conflict: %w", wr.Kind, wr.Name, err)
	}
	live, err := decodeLive(wr.Kind, raw)
	if err != nil {
		return nil, "", err
	}
	if err := w.judge(ctx, newGetView(c), live, wr.desired); err != nil {
		return nil, "", err
	}
	if wr.Kind == aviobj.KindVirtualService {
		w.liveVS = live
	}
	if diffObjects(wr.desired, live.obj) == "" {
		return live, Created, nil
	}
	wr.live, wr.UUID = live, live.uuid
	o, _, err := a.update(ctx, c, wr)
	return o, Created, err
}

// decodeCreated reads the controller's reply to the POST of wr. Of a
// created object only its uuid is used, except a VsVip's, whose allocated
// addresses are the Set's VIPs: that one is decoded whole, the others only
// for their uuid (and held as the desired object they were created from).
func decodeCreated(wr Change, raw json.RawMessage) (*liveObj, error) {
	if wr.Kind == aviobj.KindVsVip || wr.desired == nil {
		return decodeLive(wr.Kind, raw)
	}
	var reply struct {
		UUID string `json:"uuid"`
	}
	if err := json.Unmarshal(raw, &reply); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", wr.Kind, err)
	}
	return &liveObj{kind: wr.Kind, uuid: reply.UUID, name: wr.Name, obj: wr.desired, raw: raw}, nil
}

// MaxStaleRetries bounds the re-reads of an update that the controller
// refuses with 412 "Need to reload object data" (another writer changed
// the object meanwhile): the object is read again and the update retried
// up to this many times.
const MaxStaleRetries = 3

// update PUTs the desired object over the live one, keeping the addresses
// the controller allocated to a VsVip. A 412 (stale object) re-reads the
// object and retries, at most MaxStaleRetries times.
func (a *Applier) update(ctx context.Context, c *client.Client, wr Change) (*liveObj, Outcome, error) {
	var raw json.RawMessage
	for retry := 0; ; retry++ {
		body := wr.desired
		if vv, ok := wr.desired.(*aviobj.VsVip); ok {
			body = keepAllocatedVIPs(vv, wr.live.obj.(*aviobj.VsVip))
		}
		raw = nil
		err := c.Update(ctx, wr.Kind, wr.live.uuid, overlay(wr.live.raw, wireBody(body)), &raw)
		if err == nil {
			break
		}
		if !client.IsStale(err) || retry >= MaxStaleRetries {
			return nil, "", fmt.Errorf("updating %s %q: %w", wr.Kind, wr.Name, err)
		}
		a.logger().V(1).Info("stale update, re-reading", "kind", wr.Kind, "name", wr.Name, "retry", retry+1)
		var fresh json.RawMessage
		if err := c.Get(ctx, wr.Kind, wr.live.uuid, &fresh); err != nil {
			return nil, "", fmt.Errorf("re-reading %s %q after a stale update: %w", wr.Kind, wr.Name, err)
		}
		live, err := decodeLive(wr.Kind, fresh)
		if err != nil {
			return nil, "", fmt.Errorf("re-reading %s %q after a stale update: %w", wr.Kind, wr.Name, err)
		}
		wr.live = live
	}
	o, err := decodeLive(wr.Kind, raw)
	if err != nil {
		return nil, "", fmt.Errorf("updating %s %q: %w", wr.Kind, wr.Name, err)
	}
	return o, Updated, nil
}

// wireBody returns o without the fields the controller sets (uuid, url,
// _last_modified), which a body must not carry.
func wireBody(o aviobj.Object) aviobj.Object {
	cp := reflect.ValueOf(aviobj.CopyObject(o))
	for _, f := range []string{"UUID", "URL", "LastModified"} {
		if fv := cp.Elem().FieldByName(f); fv.IsValid() {
			fv.SetString("")
		}
	}
	return cp.Interface().(aviobj.Object)
}

// keepAllocatedVIPs returns a copy of desired whose auto-allocated VIPs
// without an address carry the address the controller allocated (matched by
// vip_id), so that a PUT does not give the VIP a new address.
func keepAllocatedVIPs(desired, live *aviobj.VsVip) *aviobj.VsVip {
	out := *desired
	out.Vip = slices.Clone(desired.Vip)
	for i := range out.Vip {
		d := &out.Vip[i]
		for _, l := range live.Vip {
			if l.VipID != d.VipID {
				continue
			}
			if d.IPAddress == nil && l.IPAddress != nil && wantsFamily(d, aviobj.AutoAllocateV4Only) {
				ip := *l.IPAddress
				d.IPAddress = &ip
			}
			if d.IP6Address == nil && l.IP6Address != nil && wantsFamily(d, aviobj.AutoAllocateV6Only) {
				ip := *l.IP6Address
				d.IP6Address = &ip
			}
		}
	}
	return &out
}

// wantsFamily reports whether an auto-allocating VIP allocates the family
// (V4_ONLY or V6_ONLY; V4_V6 both).
func wantsFamily(v *aviobj.Vip, family string) bool {
	if v.AutoAllocateIP == nil || !*v.AutoAllocateIP {
		return false
	}
	t := v.AutoAllocateIPType
	if t == "" {
		t = aviobj.AutoAllocateV4Only
	}
	return t == family || t == aviobj.AutoAllocateV4V6
}

// vipAddresses lists the addresses of a VsVip, IPv4 first.
func vipAddresses(v *aviobj.VsVip) []string {
	var v4, v6 []string
	for _, vip := range v.Vip {
		if vip.IPAddress != nil && vip.IPAddress.Addr != "" {
			v4 = append(v4, vip.IPAddress.Addr)
		}
		if vip.IP6Address != nil && vip.IP6Address.Addr != "" {
			v6 = append(v6, vip.IP6Address.Addr)
		}
	}
	return append(v4, v6...)
}

// deleteSet removes the objects of a Set (set may be nil: by key).
func (a *Applier) deleteSet(ctx context.Context, k Key, set *aviobj.Set) (*Result, error) {
	c := a.c.WithTenant(k.Tenant)
	res, err := a.deleteWith(ctx, c, k, set, newGetView(c))
	if err != nil {
		return res, fmt.Errorf("deleting %s/%s: %w", k.Tenant, k.Name, err)
	}
	return res, nil
}

func (a *Applier) deleteWith(ctx context.Context, c *client.Client, k Key, set *aviobj.Set, v view) (*Result, error) {
	w := newClaim(k, set)
	log := a.logger()
	// The named objects: those of the Set, or the Key's name for each
	// kind; the VirtualService first, as it decides the rest.
	type named struct {
		kind    aviobj.Kind
		name    string
		desired aviobj.Object
	}
	names := []named{{aviobj.KindVirtualService, k.Name, w.vs}}
	if set != nil {
		for _, o := range set.Objects() {
			if o.AviKind() != aviobj.KindVirtualService || o.AviName() != k.Name {
				names = append(names, named{o.AviKind(), o.AviName(), o})
			}
		}
	}
	for _, kind := range []aviobj.Kind{aviobj.KindVsVip, aviobj.KindL4PolicySet} {
		names = append(names, named{kind, k.Name, nil})
	}
	var (
		lives []*liveObj
		seen  = map[string]bool{}
	)
	for i, n := range names {
		o, err := v.byName(ctx, n.kind, n.name)
		if err != nil {
			return nil, err
		}
		if o == nil || seen[o.uuid] {
			continue
		}
		seen[o.uuid] = true
		if err := w.judge(ctx, v, o, n.desired); err != nil {
			if i == 0 && errors.Is(err, ErrForeignObject) {
				// Someone else holds the name: what it refers to, and
				// what cannot be told from it, is its.
				if herr := w.hold(ctx, v, o); herr != nil {
					return nil, herr
				}
			}
			if errors.Is(err, ErrForeignObject) {
				log.V(1).Info("leaving an object of someone else alone", "kind", o.kind, "name", o.name, "reason", err.Error())
				continue
			}
			return nil, err
		}
		if i == 0 {
			w.liveVS = o
		}
		lives = append(lives, o)
	}
	more, err := a.staleObjects(ctx, v, w, lives, func(aviobj.Kind, string) bool { return false })
	if err != nil {
		return nil, err
	}
	all := append(lives, more...)
	sort.SliceStable(all, func(i, j int) bool { return kindRank(all[i].kind) > kindRank(all[j].kind) })
	res := &Result{Tenant: k.Tenant, Set: k.Name, Changes: newChanges(k)}
	for _, o := range all {
		res.Changes.Delete = append(res.Changes.Delete, Change{Action: ActionDelete, Kind: o.kind, Name: o.name, UUID: o.uuid})
	}
	for _, o := range all {
		if err := c.Delete(ctx, o.kind, o.uuid); err != nil && !client.IsNotFound(err) {
			return res, fmt.Errorf("deleting %s %q: %w", o.kind, o.name, err)
		}
		log.V(1).Info("object deleted", "tenant", k.Tenant, "kind", o.kind, "name", o.name, "uuid", o.uuid)
		res.Objects = append(res.Objects, ObjectResult{Kind: o.kind, Name: o.name, UUID: o.uuid, Outcome: Deleted})
	}
	return res, nil
}

// Bulk operations.

// ApplyAll applies many Sets: it reads the live state of each object type
// once per tenant with paged lists (instead of GETs per object), then
// applies the Sets with at most Options.Concurrency at once. results[i]
// belongs to sets[i] and is nil when that Set failed; the error then joins
// a *SetError per failed Set (see FailedSets). A failed Set does not stop
// the others: a Set that fails the pre-flight check (a nil one included)
// fails alone with an *InvalidSetError and nothing read or written for it,
// and of two Sets naming the same object for different Kubernetes objects
// the later one fails with a *CollisionError before any write.
func (a *Applier) ApplyAll(ctx context.Context, sets []*aviobj.Set) ([]*Result, error) {
	return a.bulk(ctx, sets, true, func(ctx context.Context, c *client.Client, set *aviobj.Set, k Key, v view) (*Result, error) {
		ch, err := a.plan(ctx, set, k, v)
		if err != nil {
			return nil, fmt.Errorf("planning %s/%s: %w", k.Tenant, k.Name, err)
		}
		res, err := a.execute(ctx, c, k, set, ch)
		if err != nil {
			return res, fmt.Errorf("applying %s/%s: %w", k.Tenant, k.Name, err)
		}
		return res, nil
	})
}

// PlanAll is Plan for many Sets, reading and refusing like ApplyAll. The
// Result of each Set holds only its Changes.
func (a *Applier) PlanAll(ctx context.Context, sets []*aviobj.Set) ([]*Changes, error) {
	results, err := a.bulk(ctx, sets, true, func(ctx context.Context, _ *client.Client, set *aviobj.Set, k Key, v view) (*Result, error) {
		ch, err := a.plan(ctx, set, k, v)
		if err != nil {
			return nil, fmt.Errorf("planning %s/%s: %w", k.Tenant, k.Name, err)
		}
		return &Result{Tenant: k.Tenant, Set: k.Name, Changes: ch}, nil
	})
	out := make([]*Changes, len(results))
	for i, r := range results {
		if r != nil {
			out[i] = r.Changes
		}
	}
	return out, err
}

// DeleteAll is Delete for many Sets, reading like ApplyAll. A nil or
// nameless Set fails alone.
func (a *Applier) DeleteAll(ctx context.Context, sets []*aviobj.Set) ([]*Result, error) {
	return a.bulk(ctx, sets, false, func(ctx context.Context, c *client.Client, set *aviobj.Set, k Key, v view) (*Result, error) {
		res, err := a.deleteWith(ctx, c, k, set, v)
		if err != nil {
			return res, fmt.Errorf("deleting %s/%s: %w", k.Tenant, k.Name, err)
		}
		return res, nil
	})
}

type setFunc func(ctx context.Context, c *client.Client, set *aviobj.Set, k Key, v view) (*Result, error)

// bulk runs fn on every Set that passes the pre-flight check (apply) or has
// a Key (delete).
func (a *Applier) bulk(ctx context.Context, sets []*aviobj.Set, apply bool, fn setFunc) ([]*Result, error) {
	results := make([]*Result, len(sets))
	if err := a.ready(); err != nil {
		return results, err
	}
	errs := make([]error, len(sets))
	keys := make([]Key, len(sets))
	byTenant := map[string][]int{}
	// The hash of each desired object's value, made once: for the memo of
	// Sets that passed preflight and for the index's memo of listed ones.
	known := map[aviobj.Object]wireHash{}
	h := newHasher(a.memo.hashSeeds())
	checked := map[wireHash]Key{}
	for i, set := range sets {
		var k Key
		var err error
		switch {
		case apply:
			k, err = a.preflightMemo(h, set, known, checked)
		case set == nil:
			err = fmt.Errorf("%w: no Set", ErrInvalidSet)
		default:
			k, err = KeyOf(set).normalised()
		}
		if err != nil {
			errs[i] = fmt.Errorf("set %d (%s): %w", i, set.Name(), err)
			keys[i] = KeyOf(set).withDefaults()
			continue
		}
		keys[i] = k
		byTenant[k.Tenant] = append(byTenant[k.Tenant], i)
	}
	if apply {
		a.memo.replaceChecked(checked)
		crossCollisions(sets, keys, errs)
		a.checkControllerAll(ctx, sets, keys, errs)
	}
	views := map[string]view{}
	tenants := make([]string, 0, len(byTenant))
	for t := range byTenant {
		tenants = append(tenants, t)
	}
	sort.Strings(tenants)
	for _, t := range tenants {
		var tsets []*aviobj.Set
		var tkeys []Key
		for _, i := range byTenant[t] {
			if errs[i] == nil {
				tsets, tkeys = append(tsets, sets[i]), append(tkeys, keys[i])
			}
		}
		if len(tsets) == 0 {
			continue
		}
		v, err := a.index(ctx, a.c.WithTenant(t), tsets, tkeys, known)
		if err != nil {
			for _, i := range byTenant[t] {
				if errs[i] == nil {
					errs[i] = fmt.Errorf("reading tenant %s: %w", t, err)
				}
			}
			continue
		}
		views[t] = v
	}
	conc := a.conc
	if conc <= 0 {
		conc = DefaultConcurrency
	}
	done := func(int, error) {}
	if a.onSetDone != nil {
		done = a.onSetDone
	}
	for i, err := range errs {
		if err != nil {
			done(i, err)
		}
	}
	sem := make(chan struct{}, conc)
	var wg sync.WaitGroup
	for _, t := range tenants {
		v := views[t]
		if v == nil {
			continue
		}
		c := a.c.WithTenant(t)
		for _, i := range byTenant[t] {
			if errs[i] != nil {
				continue
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				errs[i] = ctx.Err()
				done(i, errs[i])
				continue
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				results[i], errs[i] = fn(ctx, c, sets[i], keys[i], v)
				done(i, errs[i])
			}()
		}
	}
	wg.Wait()
	var all []error
	for i, err := range errs {
		if err != nil {
			results[i] = nil
			all = append(all, &SetError{Index: i, Tenant: keys[i].Tenant, Set: sets[i].Name(), Err: err})
		}
	}
	return results, errors.Join(all...)
}

// crossCollisions fails each Set that names an object of an earlier Set of
// the same call made for another Kubernetes object (or with other identity
// markers), before anything is read: the earlier Set goes first.
func crossCollisions(sets []*aviobj.Set, keys []Key, errs []error) {
	type first struct {
		index int
		obj   aviobj.Object
	}
	type objectID struct {
		tenant string
		kind   aviobj.Kind
		name   string
	}
	seen := make(map[objectID]first, 6*len(sets))
	for i, set := range sets {
		if errs[i] != nil {
			continue
		}
		objs := set.Objects()
		// The VirtualService (the last object) first, as Plan judges it.
		for k := range objs {
			o := objs[(k+len(objs)-1)%len(objs)]
			id := objectID{keys[i].Tenant, o.AviKind(), o.AviName()}
			f, dup := seen[id]
			if !dup {
				seen[id] = first{i, o}
				continue
			}
			if keys[f.index].Identity == keys[i].Identity && (o.AviKind() == aviobj.KindVsVip || aviobj.SameIdentity(f.obj, o)) {
				continue
			}
			errs[i] = fmt.Errorf("set %d (%s): %w", i, set.Name(), &CollisionError{
				Kind: o.AviKind(), Name: o.AviName(), Tenant: keys[i].Tenant,
				Holder: keys[f.index].Identity, HolderMarkers: aviobj.IdentityMarkers(f.obj),
				Via:    fmt.Sprintf("set %d of this call", f.index),
				Wanted: keys[i].Identity, WantedMarkers: aviobj.IdentityMarkers(o),
			})
			break
		}
	}
}

// SetError is the failure of one Set of ApplyAll, PlanAll or DeleteAll;
// the error they return joins one per failed Set (see FailedSets).
type SetError struct {
	// Index of the Set in the slice given.
	Index int
	// Tenant and Set name.
	Tenant, Set string
	// Err is the Set's error (e.g. a *ForeignObjectError).
	Err error
}

// Error implements error; Err already names the Set.
func (e *SetError) Error() string {
	if e == nil || e.Err == nil {
		return "<nil>"
	}
	return e.Err.Error()
}

// Unwrap returns Err (nil for a nil *SetError).
func (e *SetError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// FailedSets returns the *SetError of every failed Set in an error returned
// by ApplyAll, PlanAll or DeleteAll.
func FailedSets(err error) []*SetError {
	var out []*SetError
	var walk func(error)
	walk = func(err error) {
		if se, ok := err.(*SetError); ok {
			out = append(out, se)
			return
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// index lists every object type the Sets use (NetworkProfiles only when a
// Set has some, a stale one being read through the fallback; PoolGroups
// only when a Set is a Gateway's or shared-VIP group's), in parallel,
// filtered by the longest name prefix the Sets share.
func (a *Applier) index(ctx context.Context, c *client.Client, sets []*aviobj.Set, keys []Key, known map[aviobj.Object]wireHash) (*indexView, error) {
	kinds := []aviobj.Kind{aviobj.KindHealthMonitor, aviobj.KindVsVip, aviobj.KindPool, aviobj.KindL4PolicySet, aviobj.KindVirtualService}
	if slices.ContainsFunc(sets, func(s *aviobj.Set) bool { return len(s.NetworkProfiles) > 0 }) {
		kinds = append(kinds, aviobj.KindNetworkProfile)
	}
	names := make([]string, 0, 6*len(sets))
	for i, s := range sets {
		if isGroup(keys[i].Identity) {
			// Stray pools of a group are found by marker among the
			// names of its namespace.
			names = append(names, groupPoolPrefix(keys[i].ClusterName, keys[i].Identity))
			if !slices.Contains(kinds, aviobj.KindPoolGroup) {
				kinds = append(kinds, aviobj.KindPoolGroup)
			}
		}
		for _, o := range s.Objects() {
			names = append(names, o.AviName())
		}
	}
	prefix := commonPrefix(names)
	if len(prefix) < 3 {
		prefix = ""
	}
	v := &indexView{
		filter:   prefix,
		listed:   map[aviobj.Kind]bool{},
		names:    map[aviobj.Kind]map[string]*liveObj{},
		uuids:    make(map[string]*liveObj, len(names)),
		sorted:   map[aviobj.Kind][]*liveObj{},
		fallback: newGetView(c),
	}
	// The desired objects by kind and name: each live object is compared
	// with them as its page arrives, and keeps its raw body (for an
	// update's overlay) only when one differs. The others, by far most in
	// a resync, are held decoded only.
	desired := map[aviobj.Kind]map[string][]aviobj.Object{}
	for _, s := range sets {
		for _, o := range s.Objects() {
			m := desired[o.AviKind()]
			if m == nil {
				m = make(map[string][]aviobj.Object, len(sets)) // about one object of a kind per Set
				desired[o.AviKind()] = m
			}
			m[o.AviName()] = append(m[o.AviName()], o)
		}
	}
	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs = make([]error, len(kinds))
	)
	memo, seeds := a.memo.forTenant(c.Tenant())
	nextMemo := make(kindMemo, len(kinds))
	for i, kind := range kinds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			q := url.Values{}
			if prefix != "" {
				q.Set("name.contains", prefix)
			}
			// Sized for a steady state: what is listed is what is desired.
			// Nothing of raw is kept beyond the callback (indexObject
			// copies what it keeps), so each page is read into the
			// buffer of the one before.
			var (
				objs = make([]*liveObj, 0, len(desired[kind]))
				h    = newHasher(seeds)
				kept = make(map[wireHash]memoEntry, len(desired[kind]))
			)
			err := c.ListBorrowed(ctx, kind, q, func(raw json.RawMessage) error {
				wh := h.wire(raw)
				o, e, err := indexObject(h, memo[kind], kind, raw, wh, desired[kind], known)
				if err != nil {
					return err
				}
				if e != nil {
					kept[wh] = *e
				}
				objs = append(objs, o)
				return nil
			})
			if err != nil {
				errs[i] = err
				return
			}
			sort.Slice(objs, func(i, j int) bool { return objs[i].name < objs[j].name })
			mu.Lock()
			defer mu.Unlock()
			v.listed[kind] = true
			v.sorted[kind] = objs
			m := make(map[string]*liveObj, len(objs))
			for _, o := range objs {
				m[o.name] = o
				v.uuids[o.uuid] = o
			}
			v.names[kind] = m
			nextMemo[kind] = kept
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	a.memo.replace(c.Tenant(), nextMemo)
	return v, nil
}

// indexObject turns one listed object of kind into what the index holds,
// given the desired objects of kind by name, and returns the memo entry to
// keep for it (nil for none). An object whose wire form and desired objects
// are those of an entry of memo is held as compact held it then, without
// being decoded; any other is decoded and compacted, and remembered when it
// equals its desired objects. wh is the hash of raw, which shares memory
// with its page: what is kept of it is copied.
func indexObject(h *hasher, memo map[wireHash]memoEntry, kind aviobj.Kind, raw []byte, wh wireHash, desired map[string][]aviobj.Object, known map[aviobj.Object]wireHash) (*liveObj, *memoEntry, error) {
	if memo != nil {
		if e, ok := memo[wh]; ok && e.kind == kind && e.size == len(raw) {
			ds := desired[e.name]
			if len(ds) == 0 {
				// Not desired in this call: decoded, and remembered as it was.
				o, err := decodeLive(kind, raw)
				if err != nil {
					return nil, nil, err
				}
				o.compact(nil)
				return o, &e, nil
			}
			if dh, ok := h.desired(ds, known); ok && dh == e.desired {
				o := &liveObj{kind: kind, uuid: e.uuid, name: e.name, obj: ds[0], equal: ds}
				if e.vsvip != nil {
					o.obj = aviobj.CopyObject(e.vsvip)
				}
				return o, &e, nil
			}
		}
	}
	o, err := decodeLive(kind, raw)
	if err != nil {
		return nil, nil, err
	}
	ds := desired[o.name]
	o.compact(ds)
	if o.raw != nil {
		o.raw = bytes.Clone(o.raw)
		return o, nil, nil
	}
	if len(ds) == 0 {
		return o, nil, nil
	}
	dh, ok := h.desired(ds, known)
	if !ok {
		return o, nil, nil
	}
	e := &memoEntry{kind: kind, uuid: o.uuid, name: o.name, size: len(raw), desired: dh}
	if vv, isVsVip := o.obj.(*aviobj.VsVip); isVsVip {
		e.vsvip = aviobj.CopyObject(vv).(*aviobj.VsVip)
	}
	return o, e, nil
}

// commonPrefix is the longest prefix of all names.
func commonPrefix(names []string) string {
	if len(names) == 0 {
		return ""
	}
	p := names[0]
	for _, n := range names[1:] {
		for !strings.HasPrefix(n, p) {
			p = p[:len(p)-1]
		}
	}
	return p
}
