package client

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readPage is what decodeBody made of a body, for comparisons.
type readPage struct {
	Err   bool
	Raws  []string
	Next  string
	Count int
}

func readWith(memo *pageMemo, body []byte) readPage {
	p := decodedPage{memo: memo}
	err := p.decodeBody(body)
	r := readPage{Err: err != nil, Next: p.next, Count: p.count}
	for _, raw := range p.raws {
		r.Raws = append(r.Raws, string(raw))
	}
	return r
}

// TestPageMemoSeesEveryByte changes each byte of a remembered page in turn
// (to one that keeps it valid JSON where one does, else to one that does
// not) and requires the memo to read the changed page as a fresh scan
// reads it: a remembered split is used only for the very same bytes.
func TestPageMemoSeesEveryByte(t *testing.T) {
	page := []byte(`{"count": 2, "results": [{"name": "a", "port": 80}, {"name": "bc", "x": [1, null]}], "next": "/api/pool?page=2"}`)
	memo := newPageMemo()
	want := readWith(nil, page)
	if got := readWith(memo, page); want.Err || len(want.Raws) != 2 || !cmp.Equal(want, got) {
		t.Fatalf("first read %+v, scan %+v", got, want)
	}
	if got := readWith(memo, bytes.Clone(page)); !cmp.Equal(want, got) {
		t.Fatalf("remembered read %+v, scan %+v", got, want)
	}
	for i := range page {
		for _, c := range []byte{'9', 'z', ' ', '"', ']'} {
			if page[i] == c {
				continue
			}
			changed := bytes.Clone(page)
			changed[i] = c
			want := readWith(nil, changed)
			if got := readWith(memo, changed); !cmp.Equal(want, got) {
				t.Fatalf("byte %d set to %q: memo read %+v, scan %+v", i, c, got, want)
			}
			// And the original still reads as before.
			if got := readWith(memo, page); !cmp.Equal(readWith(nil, page), got) {
				t.Fatalf("after byte %d set to %q, the original reads %+v", i, c, got)
			}
		}
	}
}

// TestPageMemoBounds fills a small memo past its bounds: the oldest pages
// go first, the counts stay within them, and a page of more elements than
// the whole memo holds is read but not remembered.
func TestPageMemoBounds(t *testing.T) {
	memo := newPageMemo()
	memo.maxPages, memo.maxSpans = 4, 10
	page := func(i, n int) []byte {
		elems := make([]string, n)
		for k := range elems {
			elems[k] = fmt.Sprintf(`{"i":%d}`, i)
		}
		return []byte(`{"results":[` + strings.Join(elems, ",") + `]}`)
	}
	for i := range 6 {
		readWith(memo, page(i, 1))
	}
	check := func(when string, wantPages, wantSpans int, remembered, forgotten []int, n int) {
		t.Helper()
		if len(memo.pages) != wantPages || len(memo.order) != wantPages || memo.spans != wantSpans {
			t.Errorf("%s: %d pages (order %d), %d elements; want %d, %d", when, len(memo.pages), len(memo.order), memo.spans, wantPages, wantSpans)
		}
		for _, i := range remembered {
			if _, ok := memo.get(memo.key(page(i, n))); !ok {
				t.Errorf("%s: page %d forgotten", when, i)
			}
		}
		for _, i := range forgotten {
			if _, ok := memo.get(memo.key(page(i, n))); ok {
				t.Errorf("%s: page %d still remembered", when, i)
			}
		}
	}
	check("6 pages of 1", 4, 4, []int{2, 3, 4, 5}, []int{0, 1}, 1)
	readWith(memo, page(10, 8)) // 4 + 8 > 10: the oldest go until it fits
	check("then one of 8", 3, 10, []int{4, 5}, []int{2, 3}, 1)
	if _, ok := memo.get(memo.key(page(10, 8))); !ok {
		t.Errorf("the page of 8 was not remembered")
	}
	big := page(20, 11)
	if got := readWith(memo, big); got.Err || len(got.Raws) != 11 {
		t.Errorf("a page larger than the memo reads %+v", got)
	}
	if _, ok := memo.get(memo.key(big)); ok {
		t.Errorf("a page larger than the memo was remembered")
	}
}
