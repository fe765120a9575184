package apply

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"reflect"
	"sync"

	"github.com/avil4/avil4/aviobj"
)

// listMemo remembers what a bulk index decided about the objects it listed,
// so that the next resync does not decode and compare them again: for each
// object found equal to its desired objects, the hash of its wire form as
// listed and the hash of those desired objects (of an encoding of their Go
// values, see appendValue: deeply equal values only share one). When a
// later list brings the very same bytes and the Sets the very same desired
// objects, the object is equal again (equality is a function of the two,
// and the Applier's comparison does not change between calls), so it is
// held as compact would hold it without being decoded.
//
// The hashes are 128 bits (two maphash seeds of this process), so a false
// "same" needs a collision of both. Any change on the controller (an
// admin's edit, a new _last_modified, another rendering by another
// controller version or API version) or in the Sets changes a hash, and the
// object takes the full path. The memo of a tenant is replaced by each
// index of that tenant and holds only objects that list listed, so it is
// bounded by the objects on the controller (about 450 bytes each, a
// VsVip's decoded copy included).
type listMemo struct {
	mu     sync.Mutex
	seeded bool
	seeds  [2]maphash.Seed
	tenant map[string]kindMemo
	// checked holds the Sets (by setHash) that passed preflight in the
	// last bulk call, with their Keys: preflight is a function of the Set's
	// value, so an unchanged Set is not checked again.
	checked map[wireHash]Key
}

// kindMemo is the memo of one tenant, by object kind (each kind's list
// fills its own map, so no merge is needed).
type kindMemo map[aviobj.Kind]map[wireHash]memoEntry

// size is the number of entries of all kinds.
func (k kindMemo) size() int {
	n := 0
	for _, m := range k {
		n += len(m)
	}
	return n
}

// wireHash is a 128-bit hash of a wire form.
type wireHash [2]uint64

// memoEntry is what listMemo knows of one listed object.
type memoEntry struct {
	kind    aviobj.Kind
	uuid    string
	name    string
	size    int      // of the wire form, checked besides its hash
	desired wireHash // of the desired objects it equals
	// vsvip is the decoded VsVip (a VsVip is held as read, for its
	// allocated VIPs); nil for the other kinds.
	vsvip *aviobj.VsVip
}

// maxMemoEntries bounds the entries of all tenants together; past it, the
// memos of other tenants are dropped when one is replaced.
const maxMemoEntries = 1 << 20

// hasher hashes wire forms and desired objects for one index goroutine.
type hasher struct {
	seeds [2]maphash.Seed
	buf   []byte // an object's value encoding
	list  []byte // the kinds and hashes of a list of objects or a Set
}

// forTenant returns the memo of tenant (nil when there is none) and the
// seeds to hash with.
func (m *listMemo) forTenant(tenant string) (kindMemo, [2]maphash.Seed) {
	seeds := m.hashSeeds()
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tenant[tenant], seeds
}

// hashSeeds returns the memo's seeds, made on first use.
func (m *listMemo) hashSeeds() [2]maphash.Seed {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.seeded {
		m.seeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
		m.seeded = true
	}
	return m.seeds
}

// replace makes entries the memo of tenant.
func (m *listMemo) replace(tenant string, entries kindMemo) {
	m.mu.Lock()
	defer m.mu.Unlock()
	total := entries.size()
	for t, e := range m.tenant {
		if t != tenant {
			total += e.size()
		}
	}
	if m.tenant == nil || total > maxMemoEntries {
		m.tenant = map[string]kindMemo{}
	}
	m.tenant[tenant] = entries
}

func newHasher(seeds [2]maphash.Seed) *hasher {
	return &hasher{seeds: seeds}
}

// wire hashes raw.
func (h *hasher) wire(raw []byte) wireHash {
	return wireHash{maphash.Bytes(h.seeds[0], raw), maphash.Bytes(h.seeds[1], raw)}
}

// object returns the hash of o's value (see appendValue), from known
// (read-only; may be nil) when it holds o. ok is false when the value
// holds something appendValue does not cover.
func (h *hasher) object(o aviobj.Object, known map[aviobj.Object]wireHash) (wireHash, bool) {
	if wh, ok := known[o]; ok {
		return wh, true
	}
	var ok bool
	// The generated encoder of the aviobj types, else the reflective one
	// (they write the same bytes: TestTypedValueIsAppendValue).
	if h.buf, ok = appendObjectValue(h.buf[:0], o); !ok {
		if h.buf, ok = appendValue(h.buf[:0], reflect.ValueOf(o)); !ok {
			return wireHash{}, false
		}
	}
	return h.wire(h.buf), true
}

// desired hashes objs, in order, from the hashes of their values and
// their kinds. ok is false when one does not hash.
func (h *hasher) desired(objs []aviobj.Object, known map[aviobj.Object]wireHash) (wireHash, bool) {
	h.list = h.list[:0]
	for _, o := range objs {
		wh, ok := h.object(o, known)
		if !ok {
			return wireHash{}, false
		}
		h.list = appendKindHash(h.list, o.AviKind(), wh)
	}
	return h.wire(h.list), true
}

// setHash hashes a Set from its own fields and the kinds and value hashes
// of its objects in Objects order (which, with the kinds, gives the Set's
// shape), recording each object's hash in known. ok is false when an
// object does not hash.
func (h *hasher) setHash(set *aviobj.Set, known map[aviobj.Object]wireHash) (wireHash, bool) {
	b := h.list[:0]
	for _, f := range []string{set.Tenant, set.ClusterName, set.CreatedBy} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	for _, o := range set.Objects() {
		wh, ok := h.object(o, nil)
		if !ok {
			return wireHash{}, false
		}
		known[o] = wh
		b = appendKindHash(b, o.AviKind(), wh)
	}
	h.list = b
	return h.wire(b), true
}

// appendKindHash appends a kind and a hash, self-delimited.
func appendKindHash(b []byte, kind aviobj.Kind, wh wireHash) []byte {
	b = binary.AppendUvarint(b, uint64(len(kind)))
	b = append(b, kind...)
	b = binary.LittleEndian.AppendUint64(b, wh[0])
	return binary.LittleEndian.AppendUint64(b, wh[1])
}

// checkedKey returns the Key of a Set of hash sh that passed preflight in
// the last bulk call.
func (m *listMemo) checkedKey(sh wireHash) (Key, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k, ok := m.checked[sh]
	return k, ok
}

// replaceChecked makes checked the Sets known to pass preflight.
func (m *listMemo) replaceChecked(checked map[wireHash]Key) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.checked = checked
}

// appendValue appends an encoding of v to b: scalars in fixed width or
// length-prefixed, pointers and slices with a nil mark (nil and empty
// differ), slices with their length, structs field by field in
// declaration order. For values of one type, two encodings are equal only
// when the values are deeply equal. ok is false for kinds the aviobj types
// do not use (maps, interfaces, channels, funcs).
func appendValue(b []byte, v reflect.Value) ([]byte, bool) {
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		b = binary.AppendUvarint(b, uint64(len(s)))
		return append(b, s...), true
	case reflect.Bool:
		if v.Bool() {
			return append(b, 1), true
		}
		return append(b, 0), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return binary.AppendVarint(b, v.Int()), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return binary.AppendUvarint(b, v.Uint()), true
	case reflect.Float32, reflect.Float64:
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Float())), true
	case reflect.Pointer:
		if v.IsNil() {
			return append(b, 0), true
		}
		return appendValue(append(b, 1), v.Elem())
	case reflect.Slice:
		if v.IsNil() {
			return append(b, 0), true
		}
		b = binary.AppendUvarint(append(b, 1), uint64(v.Len()))
		for i := range v.Len() {
			var ok bool
			if b, ok = appendValue(b, v.Index(i)); !ok {
				return b, false
			}
		}
		return b, true
	case reflect.Struct:
		for i := range v.NumField() {
			var ok bool
			if b, ok = appendValue(b, v.Field(i)); !ok {
				return b, false
			}
		}
		return b, true
	}
	return b, false
}
