package client

import (
	"encoding/json"
	"hash/maphash"
	"sync"
)

// pageMemo remembers how list pages read: for a 128-bit hash (two maphash
// seeds of this process) and the length of a page's body, the offsets of
// the elements of its results, its next link and its count. Reading a page
// is a function of its bytes alone, so a page whose body hashes like one
// read before is split as it was, without being scanned again: a resync
// that lists an unchanged controller hashes each page (several GB/s)
// instead of checking its syntax byte by byte (a few hundred MB/s). A
// changed byte anywhere changes the hash and the page is read in full.
// Only pages that read without error are remembered.
//
// The memo is bounded by maxPages pages and maxSpans elements (8 bytes
// each; maxMemoPages and maxMemoSpans by default, about 8 MB); past either,
// the oldest pages are forgotten first.
type pageMemo struct {
	seeds              [2]maphash.Seed
	maxPages, maxSpans int

	mu    sync.Mutex
	pages map[pageKey]*pageSplit
	order []pageKey // oldest first
	spans int       // elements held by pages
}

const (
	maxMemoPages = 4096
	maxMemoSpans = 1 << 20
)

// pageKey identifies a body by its hashes and length.
type pageKey struct {
	h [2]uint64
	n int
}

// pageSplit is what reading a page found.
type pageSplit struct {
	spans []uint32 // start and end of each element, in pairs
	next  string
	count int
}

func newPageMemo() *pageMemo {
	return &pageMemo{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}, pages: map[pageKey]*pageSplit{},
		maxPages: maxMemoPages, maxSpans: maxMemoSpans}
}

// key hashes body.
func (m *pageMemo) key(body []byte) pageKey {
	return pageKey{h: [2]uint64{maphash.Bytes(m.seeds[0], body), maphash.Bytes(m.seeds[1], body)}, n: len(body)}
}

// get returns what reading the body of key found, if it is remembered.
func (m *pageMemo) get(k pageKey) (*pageSplit, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.pages[k]
	return s, ok
}

// put remembers that the body of key reads as raws (sub-slices of body),
// next and count.
func (m *pageMemo) put(k pageKey, body []byte, raws []json.RawMessage, next string, count int) {
	if len(body) > 1<<32-1 || len(raws) > m.maxSpans {
		return
	}
	s := &pageSplit{spans: make([]uint32, 0, 2*len(raws)), next: next, count: count}
	for _, r := range raws {
		// r is body[start:end], so its capacity is cap(body)-start.
		start := cap(body) - cap(r)
		s.spans = append(s.spans, uint32(start), uint32(start+len(r)))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.pages[k]; ok {
		return
	}
	for len(m.order) > 0 && (len(m.pages) >= m.maxPages || m.spans+len(raws) > m.maxSpans) {
		old := m.order[0]
		m.order = m.order[1:]
		if o, ok := m.pages[old]; ok {
			m.spans -= len(o.spans) / 2
			delete(m.pages, old)
		}
	}
	m.pages[k] = s
	m.order = append(m.order, k)
	m.spans += len(raws)
}

// fill appends body's elements as s found them to raws.
func (s *pageSplit) fill(body []byte, raws []json.RawMessage) []json.RawMessage {
	for i := 0; i+1 < len(s.spans); i += 2 {
		raws = append(raws, json.RawMessage(body[s.spans[i]:s.spans[i+1]]))
	}
	return raws
}
