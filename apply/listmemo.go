package apply

import (
	"bytes"
	"encoding/json"
	"hash/maphash"
	"sync"

	"github.com/avil4/avil4/aviobj"
)

// listMemo remembers what a bulk index decided about the objects it listed,
// so that the next resync does not decode and compare them again: for each
// object found equal to its desired objects, the hash of its wire form as
// listed and the hash of the wire form of those desired objects. When a
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

// hasher hashes wire forms for one index goroutine.
type hasher struct {
	seeds [2]maphash.Seed
	buf   bytes.Buffer
	enc   *json.Encoder
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
	h := &hasher{seeds: seeds}
	h.enc = json.NewEncoder(&h.buf)
	h.enc.SetEscapeHTML(false) // a hash needs no HTML-safe form
	return h
}

// wire hashes raw.
func (h *hasher) wire(raw []byte) wireHash {
	return wireHash{maphash.Bytes(h.seeds[0], raw), maphash.Bytes(h.seeds[1], raw)}
}

// desired hashes the wire forms of objs, in order. ok is false when one
// does not encode.
func (h *hasher) desired(objs []aviobj.Object) (wireHash, bool) {
	h.buf.Reset()
	for _, o := range objs {
		if err := h.enc.Encode(o); err != nil { // each ends with a newline
			return wireHash{}, false
		}
	}
	return h.wire(h.buf.Bytes()), true
}
