package apply

import (
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
	case aviobj.KindL4PolicySet:
		return &aviobj.L4PolicySet{}, nil
	case aviobj.KindHealthMonitor:
		return &aviobj.HealthMonitor{}, nil
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
	return &liveObj{kind: kind, uuid: uuidOf(obj), name: obj.AviName(), obj: obj}, nil
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
	case *aviobj.HealthMonitor:
		return t.UUID
	}
	return ""
}

// owner identifies the objects of one cluster.
type owner struct {
	createdBy, cluster string
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
	case *aviobj.VsVip:
		v, _ := aviobj.MarkerValue(t.Markers, aviobj.MarkerClusterName)
		return v
	case *aviobj.HealthMonitor:
		v, _ := aviobj.MarkerValue(t.Markers, aviobj.MarkerClusterName)
		return v
	}
	return ""
}

// owns reports whether o belongs to the owner.
func (w owner) owns(o aviobj.Object) bool {
	switch o.AviKind() {
	case aviobj.KindVsVip, aviobj.KindHealthMonitor:
		return w.cluster != "" && ownerOf(o) == w.cluster
	}
	return w.createdBy != "" && ownerOf(o) == w.createdBy
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
	case *aviobj.HealthMonitor:
		return t.Markers
	}
	return nil
}

// outgoingRefs returns the refs through which o holds other objects of a
// Set: a VirtualService its VsVip, pool and policy sets, a policy set its
// pools, a pool its health monitors.
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
	case *aviobj.L4PolicySet:
		if t.L4ConnectionPolicy != nil {
			for _, r := range t.L4ConnectionPolicy.Rules {
				if r.Action != nil && r.Action.SelectPool != nil {
					add(r.Action.SelectPool.PoolRef)
				}
			}
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
	// withPrefix returns the pools whose names start with prefix.
	withPrefix(ctx context.Context, kind aviobj.Kind, prefix string) ([]*liveObj, error)
}

// getView reads objects one request at a time (GET by name, one filtered
// list for the pools of a Set), remembering what it read.
type getView struct {
	c       *client.Client
	mu      sync.Mutex
	cache   map[string]*liveObj            // kind/name -> obj (nil: absent)
	lists   map[string]map[string]*liveObj // kind/prefix -> name -> obj
	byUUIDs map[string]*liveObj
}

func newGetView(c *client.Client) *getView {
	return &getView{c: c, cache: map[string]*liveObj{}, lists: map[string]map[string]*liveObj{}, byUUIDs: map[string]*liveObj{}}
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
		err := v.c.List(ctx, kind, url.Values{"name.contains": {prefix}}, func(raw json.RawMessage) error {
			o, err := decodeLive(kind, raw)
			if err != nil {
				return err
			}
			if strings.HasPrefix(o.name, prefix) {
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
