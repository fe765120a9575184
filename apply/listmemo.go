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
	tenant map[string]map[wireHash]memoEntry
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
	buf   []byte
}

// forTenant returns the memo of tenant (nil when there is none) and a
// hasher.
func (m *listMemo) forTenant(tenant string) (map[wireHash]memoEntry, [2]maphash.Seed) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.seeded {
		m.seeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
		m.seeded = true
	}
	return m.tenant[tenant], m.seeds
}

// replace makes entries the memo of tenant.
func (m *listMemo) replace(tenant string, entries map[wireHash]memoEntry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	total := len(entries)
	for t, e := range m.tenant {
		if t != tenant {
			total += len(e)
		}
	}
	if m.tenant == nil || total > maxMemoEntries {
		m.tenant = map[string]map[wireHash]memoEntry{}
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

// desired hashes objs, in order: an encoding of each Go value that two
// values share only when they are deeply equal (appendValue), which is
// cheaper than their JSON. ok is false when a value holds something the
// encoding does not cover (no aviobj type does).
func (h *hasher) desired(objs []aviobj.Object) (wireHash, bool) {
	h.buf = h.buf[:0]
	for _, o := range objs {
		h.buf = binary.AppendUvarint(h.buf, uint64(len(o.AviKind())))
		h.buf = append(h.buf, o.AviKind()...)
		var ok bool
		if h.buf, ok = appendValue(h.buf, reflect.ValueOf(o)); !ok {
			return wireHash{}, false
		}
	}
	return h.wire(h.buf), true
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
