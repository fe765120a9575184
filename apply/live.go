package apply

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/client"
)

// liveObj is an object read from the controller, decoded into its aviobj
// type (fields aviobj does not model drop out).
type liveObj struct {
	kind aviobj.Kind
	uuid string
	name string
	obj  aviobj.Object
	// raw is the object as the controller sent it, fields aviobj does not
	// model included: an update overlays the Set's fields on it. A bulk
	// index drops it for the objects no Set of the call will update.
	raw json.RawMessage
	// equal holds the desired objects a bulk index found this object
	// equal to (diffObjects ""), so planning does not compare them again.
	equal []aviobj.Object
}

// compact drops the raw body of a listed object unless one of the
// desired objects of its name may differ from it (only those are
// updated), and records the ones it equals. It uses equalFast only, so a
// difference costs no diff text here (planning makes it).
//
// An object equal to a desired one is then held as that desired object
// (with its own uuid): planning reads of it only what the equality covers
// (ownership marks, identity markers, the refs it holds other objects
// by), so the decoded copy is dropped too. A VsVip keeps its own: its
// allocated addresses, which the desired one leaves unset, are the VIPs of
// the Result.
func (o *liveObj) compact(desired []aviobj.Object) {
	for _, d := range desired {
		if !equalFast(d, o.obj) {
			return
		}
	}
	o.raw, o.equal = nil, desired
	if len(desired) > 0 && o.kind != aviobj.KindVsVip {
		o.obj = desired[0]
	}
}

// equalTo reports whether the object is known to equal desired.
func (o *liveObj) equalTo(desired aviobj.Object) bool {
	for _, d := range o.equal {
		if d == desired {
			return true
		}
	}
	return false
}

// newObject returns an empty object of kind.
func newObject(kind aviobj.Kind) (aviobj.Object, error) {
	switch kind {
	case aviobj.KindVirtualService:
		return &aviobj.VirtualService{}, nil
	case aviobj.KindVsVip:
		return &aviobj.VsVip{}, nil
	case aviobj.KindPool:
		return &aviobj.Pool{}, nil
	case aviobj.KindPoolGroup:
		return &aviobj.PoolGroup{}, nil
	case aviobj.KindL4PolicySet:
		return &aviobj.L4PolicySet{}, nil
	case aviobj.KindHealthMonitor:
		return &aviobj.HealthMonitor{}, nil
	case aviobj.KindNetworkProfile:
		return &aviobj.NetworkProfile{}, nil
	}
	return nil, fmt.Errorf("%w: kind %q is not managed by the applier", ErrInvalidSet, kind)
}

// decodeLive decodes a controller reply.
func decodeLive(kind aviobj.Kind, raw []byte) (*liveObj, error) {
	obj, err := newObject(kind)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, obj); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", kind, err)
	}
	return newLive(kind, obj, raw), nil
}

// newLive is the live object obj, decoded from raw.
func newLive(kind aviobj.Kind, obj aviobj.Object, raw []byte) *liveObj {
	return &liveObj{kind: kind, uuid: uuidOf(obj), name: obj.AviName(), obj: obj, raw: json.RawMessage(raw)}
}

// listLive lists the objects of kind matching q (client.ListDecoded: each
// read once), calling fn with each. A live object's raw body shares memory
// with its page: fn copies it to keep it without keeping the page.
func listLive(ctx context.Context, c *client.Client, kind aviobj.Kind, q url.Values, fn func(*liveObj) error) error {
	if _, err := newObject(kind); err != nil {
		return err
	}
	return c.ListDecoded(ctx, kind, q, func() any { o, _ := newObject(kind); return o }, func(obj any, raw json.RawMessage) error {
		return fn(newLive(kind, obj.(aviobj.Object), raw))
	})
}

func uuidOf(o aviobj.Object) string {
	switch t := o.(type) {
	case *aviobj.VirtualService:
		return t.UUID
	case *aviobj.VsVip:
		return t.UUID
	case *aviobj.Pool:
		return t.UUID
	case *aviobj.L4PolicySet:
		return t.UUID
	case *aviobj.PoolGroup:
		return t.UUID
	case *aviobj.HealthMonitor:
		return t.UUID
	case *aviobj.NetworkProfile:
		return t.UUID
	}
	return ""
}

// markersOf returns the markers of o.
func markersOf(o aviobj.Object) []aviobj.Marker {
	switch t := o.(type) {
	case *aviobj.VirtualService:
		return t.Markers
	case *aviobj.VsVip:
		return t.Markers
	case *aviobj.Pool:
		return t.Markers
	case *aviobj.L4PolicySet:
		return t.Markers
	case *aviobj.PoolGroup:
		return t.Markers
	case *aviobj.HealthMonitor:
		return t.Markers
	case *aviobj.NetworkProfile:
		return t.Markers
	}
	return nil
}

// outgoingRefs returns the refs through which o holds other objects of a
// Set: a VirtualService its VsVip, pool, policy sets and tuned network
// profiles (those named "...-np", see profiles.SCTPProxyName: a network
// profile of another name is a System or user profile, never the Set's), a
// policy set its pools and pool groups, a pool group its pools, a pool its
// health monitors.
func outgoingRefs(o aviobj.Object) []string {
	var refs []string
	add := func(r string) {
		if r != "" {
			refs = append(refs, r)
		}
	}
	switch t := o.(type) {
	case *aviobj.VirtualService:
		add(t.VsVipRef)
		add(t.PoolRef)
		for _, p := range t.L4Policies {
			add(p.L4PolicySetRef)
		}
		add(ownedNetworkProfile(t.NetworkProfileRef))
		for _, s := range t.Services {
			add(ownedNetworkProfile(s.OverrideNetworkProfileRef))
		}
	case *aviobj.L4PolicySet:
		if t.L4ConnectionPolicy != nil {
			for _, r := range t.L4ConnectionPolicy.Rules {
				if r.Action != nil && r.Action.SelectPool != nil {
					add(r.Action.SelectPool.PoolRef)
					add(r.Action.SelectPool.PoolGroupRef)
				}
			}
		}
	case *aviobj.PoolGroup:
		for _, m := range t.Members {
			add(m.PoolRef)
		}
	case *aviobj.Pool:
		for _, r := range t.HealthMonitorRefs {
			add(r)
		}
	}
	return refs
}

// view reads live objects for planning. Absent objects are (nil, nil).
type view interface {
	byName(ctx context.Context, kind aviobj.Kind, name string) (*liveObj, error)
	byUUID(ctx context.Context, kind aviobj.Kind, uuid string) (*liveObj, error)
	// withPrefix returns the objects whose names start with prefix.
	withPrefix(ctx context.Context, kind aviobj.Kind, prefix string) ([]*liveObj, error)
	// withMarker returns the objects carrying the marker key with value;
	// all those the applier looks for have names starting with
	// namePrefix.
	withMarker(ctx context.Context, kind aviobj.Kind, key, value, namePrefix string) ([]*liveObj, error)
	// referrers returns the objects of kind that refer to target.
	referrers(ctx context.Context, kind aviobj.Kind, target *liveObj) ([]*liveObj, error)
}

// getView reads objects one request at a time (GET by name, one filtered
// list for the pools of a Set), remembering what it read.
type getView struct {
	c       *client.Client
	mu      sync.Mutex
	cache   map[string]*liveObj            // kind/name -> obj (nil: absent)
	lists   map[string]map[string]*liveObj // kind/prefix -> name -> obj
	marked  map[string][]*liveObj          // kind/key=value -> objs
	byUUIDs map[string]*liveObj
}

func newGetView(c *client.Client) *getView {
	return &getView{c: c, cache: map[string]*liveObj{}, lists: map[string]map[string]*liveObj{},
		marked: map[string][]*liveObj{}, byUUIDs: map[string]*liveObj{}}
}

func (v *getView) byName(ctx context.Context, kind aviobj.Kind, name string) (*liveObj, error) {
	v.mu.Lock()
	if o, ok := v.cache[string(kind)+"/"+name]; ok {
		v.mu.Unlock()
		return o, nil
	}
	for key, objs := range v.lists {
		k, prefix, _ := strings.Cut(key, "/")
		if k == string(kind) && strings.HasPrefix(name, prefix) {
			v.mu.Unlock()
			return objs[name], nil
		}
	}
	v.mu.Unlock()
	var raw json.RawMessage
	err := v.c.GetByName(ctx, kind, name, &raw)
	if client.IsNotFound(err) {
		v.remember(kind, name, nil)
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s %q: %w", kind, name, err)
	}
	o, err := decodeLive(kind, raw)
	if err != nil {
		return nil, err
	}
	v.remember(kind, name, o)
	return o, nil
}

func (v *getView) remember(kind aviobj.Kind, name string, o *liveObj) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.cache[string(kind)+"/"+name] = o
	if o != nil {
		v.byUUIDs[o.uuid] = o
	}
}

func (v *getView) byUUID(ctx context.Context, kind aviobj.Kind, uuid string) (*liveObj, error) {
	v.mu.Lock()
	if o, ok := v.byUUIDs[uuid]; ok {
		v.mu.Unlock()
		return o, nil
	}
	v.mu.Unlock()
	var raw json.RawMessage
	err := v.c.Get(ctx, kind, uuid, &raw)
	if client.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", kind, uuid, err)
	}
	o, err := decodeLive(kind, raw)
	if err != nil {
		return nil, err
	}
	v.remember(kind, o.name, o)
	return o, nil
}

// withPrefix lists the objects whose names contain prefix (the API has
// name.contains, not a prefix filter) and keeps those starting with it.
// Later byName calls for names with that prefix are answered from the list.
func (v *getView) withPrefix(ctx context.Context, kind aviobj.Kind, prefix string) ([]*liveObj, error) {
	key := string(kind) + "/" + prefix
	v.mu.Lock()
	objs, ok := v.lists[key]
	v.mu.Unlock()
	if !ok {
		objs = map[string]*liveObj{}
		err := listLive(ctx, v.c, kind, url.Values{"name.contains": {prefix}}, func(o *liveObj) error {
			if strings.HasPrefix(o.name, prefix) {
				o.raw = bytes.Clone(o.raw)
				objs[o.name] = o
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		v.mu.Lock()
		v.lists[key] = objs
		for _, o := range objs {
			v.byUUIDs[o.uuid] = o
		}
		v.mu.Unlock()
	}
	out := make([]*liveObj, 0, len(objs))
	for _, o := range objs {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b *liveObj) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

// withMarker lists the objects with the marker key=value (label_key,
// label_value) whose names start with namePrefix. They answer later byName
// calls for their names (a name not among them may still exist without the
// marker).
func (v *getView) withMarker(ctx context.Context, kind aviobj.Kind, key, value, namePrefix string) ([]*liveObj, error) {
	mk := string(kind) + "/" + key + "=" + value + "/" + namePrefix
	v.mu.Lock()
	objs, ok := v.marked[mk]
	v.mu.Unlock()
	if ok {
		return objs, nil
	}
	q := url.Values{"label_key": {key}, "label_value": {value}}
	if namePrefix != "" {
		q.Set("name.contains", namePrefix)
	}
	objs, err := v.list(ctx, kind, q, func(o *liveObj) bool {
		return strings.HasPrefix(o.name, namePrefix) && hasMarker(o.obj, key, value)
	})
	if err != nil {
		return nil, err
	}
	v.mu.Lock()
	v.marked[mk] = objs
	for _, o := range objs {
		if _, known := v.cache[string(kind)+"/"+o.name]; !known {
			v.cache[string(kind)+"/"+o.name] = o
		}
	}
	v.mu.Unlock()
	return objs, nil
}

// referrers lists the objects of kind that refer to target (refers_to).
func (v *getView) referrers(ctx context.Context, kind aviobj.Kind, target *liveObj) ([]*liveObj, error) {
	q := url.Values{"refers_to": {string(target.kind) + ":" + target.uuid}}
	objs, err := v.list(ctx, kind, q, func(o *liveObj) bool { return refersTo(o.obj, target) })
	if err != nil {
		return nil, fmt.Errorf("reading what refers to %s %q: %w", target.kind, target.name, err)
	}
	return objs, nil
}

// list reads the objects of kind matching query and keep, sorted by name,
// and remembers their uuids.
func (v *getView) list(ctx context.Context, kind aviobj.Kind, q url.Values, keep func(*liveObj) bool) ([]*liveObj, error) {
	var out []*liveObj
	err := listLive(ctx, v.c, kind, q, func(o *liveObj) error {
		if keep(o) {
			o.raw = bytes.Clone(o.raw)
			out = append(out, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b *liveObj) int { return strings.Compare(a.name, b.name) })
	v.mu.Lock()
	for _, o := range out {
		v.byUUIDs[o.uuid] = o
	}
	v.mu.Unlock()
	return out, nil
}

// hasMarker reports whether o carries the marker key with value among its
// values.
func hasMarker(o aviobj.Object, key, value string) bool {
	for _, m := range markersOf(o) {
		if m.Key == key && slices.Contains(m.Values, value) {
			return true
		}
	}
	return false
}

// indexView answers from paged lists of whole kinds read once for many Sets
// (ApplyAll), filtered by a name fragment all the Sets' names share. It
// falls back to a getView for kinds it did not list, names outside the
// filter, and uuids it does not hold (a ref to an object of another name).
type indexView struct {
	listed   map[aviobj.Kind]bool
	filter   string // name.contains of the lists ("" for none)
	names    map[aviobj.Kind]map[string]*liveObj
	uuids    map[string]*liveObj
	sorted   map[aviobj.Kind][]*liveObj // by name, for prefix queries
	fallback *getView
}

func (v *indexView) covers(kind aviobj.Kind, name string) bool {
	return v.listed[kind] && strings.Contains(name, v.filter)
}

func (v *indexView) byName(ctx context.Context, kind aviobj.Kind, name string) (*liveObj, error) {
	if !v.covers(kind, name) {
		return v.fallback.byName(ctx, kind, name)
	}
	return v.names[kind][name], nil
}

func (v *indexView) byUUID(ctx context.Context, kind aviobj.Kind, uuid string) (*liveObj, error) {
	if o, ok := v.uuids[uuid]; ok && o.kind == kind {
		return o, nil
	}
	return v.fallback.byUUID(ctx, kind, uuid)
}

// withMarker answers from the listed objects when every name starting with
// namePrefix contains the filter of the lists.
func (v *indexView) withMarker(ctx context.Context, kind aviobj.Kind, key, value, namePrefix string) ([]*liveObj, error) {
	if !v.listed[kind] || !strings.HasPrefix(namePrefix, v.filter) {
		return v.fallback.withMarker(ctx, kind, key, value, namePrefix)
	}
	var out []*liveObj
	for _, o := range v.sorted[kind] {
		if strings.HasPrefix(o.name, namePrefix) && hasMarker(o.obj, key, value) {
			out = append(out, o)
		}
	}
	return out, nil
}

// referrers asks the controller: a referrer may have any name.
func (v *indexView) referrers(ctx context.Context, kind aviobj.Kind, target *liveObj) ([]*liveObj, error) {
	return v.fallback.referrers(ctx, kind, target)
}

func (v *indexView) withPrefix(ctx context.Context, kind aviobj.Kind, prefix string) ([]*liveObj, error) {
	if !v.covers(kind, prefix) {
		return v.fallback.withPrefix(ctx, kind, prefix)
	}
	all := v.sorted[kind]
	i, _ := slices.BinarySearchFunc(all, prefix, func(o *liveObj, p string) int { return strings.Compare(o.name, p) })
	var out []*liveObj
	for ; i < len(all) && strings.HasPrefix(all[i].name, prefix); i++ {
		out = append(out, all[i])
	}
	return out, nil
}

// ownedNetworkProfile returns ref when it names a network profile a Set
// may own ("<virtualservice>-<PROTOCOL>-<port>-np"), else "": following
// the refs to System and user profiles would cost a read each plan.
func ownedNetworkProfile(ref string) string {
	r, err := aviobj.ParseRef(ref)
	if err != nil || !strings.HasSuffix(r.Name, "-np") {
		return ""
	}
	return ref
}
