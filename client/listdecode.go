package client

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/avil4/avil4/internal/jsonscan"
)

// bodyDecoder is an out value that reads a reply body itself (see
// decodeReply) instead of being passed to json.Unmarshal.
type bodyDecoder interface {
	decodeBody(body []byte) error
}

// bodyReuser is an out value that lends the request a buffer to read the
// reply body into (see readBody): the page reader of ListBorrowed hands
// each page the previous page's buffer.
type bodyReuser interface {
	reuseBuffer() []byte
}

// decodedPage is the envelope of a list reply whose objects are decoded,
// as the page is read, into values made by newObj. Each object's JSON is
// kept as a sub-slice of the body (no copy).
type decodedPage struct {
	newObj func() any
	objs   []any
	raws   []json.RawMessage
	count  int
	next   string
	// reuse is lent to the request to read the body into (nil: a new
	// buffer); body is the body decodeBody last read.
	reuse []byte
	body  []byte
	// memo, if set, remembers how pages read (see pageMemo).
	memo *pageMemo
}

func (p *decodedPage) reuseBuffer() []byte { return p.reuse }

// decodeBody reads a list reply: jsonscan.Value checks the page's syntax and
// finds each element of results (a sub-slice of body, not a copy), and,
// when newObj is set, json.Unmarshal decodes each element into its value.
// It accepts and refuses what json.Unmarshal into listPage and then into
// each value does (FuzzDecodedPage): one JSON object or null, count an
// integer, next a string, results an array or null, keys matched
// case-insensitively, a repeated key's last value winning, unknown keys
// skipped, nothing after it but whitespace. A body that p.memo remembers
// is split as it was before, without a scan.
func (p *decodedPage) decodeBody(body []byte) error {
	p.objs, p.raws, p.body = p.objs[:0], p.raws[:0], body
	var key pageKey
	if p.memo != nil {
		key = p.memo.key(body)
		if s, ok := p.memo.get(key); ok {
			p.raws, p.next, p.count = s.fill(body, p.raws), s.next, s.count
			return p.decodeObjects()
		}
	}
	if err := p.split(body); err != nil {
		return err
	}
	if p.memo != nil {
		p.memo.put(key, body, p.raws, p.next, p.count)
	}
	return p.decodeObjects()
}

// split checks body's syntax and finds the elements of its results.
func (p *decodedPage) split(body []byte) error {
	i := jsonscan.SkipSpace(body, 0)
	var (
		end int
		err error
	)
	switch {
	case i < len(body) && body[i] == '{':
		end, err = p.decodeFields(body, i)
	case i < len(body) && body[i] == 'n':
		end, err = jsonscan.Literal(body, i, "null") // a null page is an empty one
	default:
		if end, err = jsonscan.Value(body, i, 0); err == nil {
			err = fmt.Errorf("cannot unmarshal %s into a list page", describeValue(body[i]))
		}
	}
	if err != nil {
		return err
	}
	if j := jsonscan.SkipSpace(body, end); j != len(body) {
		return jsonscan.SyntaxError(body, j, "after top-level value")
	}
	return nil
}

// decodeObjects decodes each element into a value of newObj, if set.
func (p *decodedPage) decodeObjects() error {
	if p.newObj == nil {
		return nil
	}
	for _, raw := range p.raws {
		obj := p.newObj()
		if err := json.Unmarshal(raw, obj); err != nil {
			return err
		}
		p.objs = append(p.objs, obj)
	}
	return nil
}

// decodeFields reads the envelope object at body[i] (its '{') and returns
// its end.
func (p *decodedPage) decodeFields(body []byte, i int) (int, error) {
	return jsonscan.Members(body, i, 1, func(key []byte, v int) (int, error) {
		name := key[1 : len(key)-1]
		if bytes.IndexByte(name, '\\') >= 0 {
			var s string
			if err := json.Unmarshal(key, &s); err != nil {
				return v, err
			}
			name = []byte(s)
		}
		// Keys match as json.Unmarshal matches them: case-insensitively.
		if bytes.EqualFold(name, []byte("results")) && v < len(body) && body[v] == '[' {
			p.raws = p.raws[:0]
			return jsonscan.Elements(body, v, 2, func(elem []byte) error {
				p.raws = append(p.raws, json.RawMessage(elem))
				return nil
			})
		}
		end, err := jsonscan.Value(body, v, 1)
		if err != nil {
			return end, err
		}
		val := body[v:end]
		switch {
		case bytes.EqualFold(name, []byte("results")):
			if val[0] != 'n' {
				return end, fmt.Errorf("results: cannot unmarshal %s into an array of objects", describeValue(val[0]))
			}
			p.raws = p.raws[:0] // null
		case bytes.EqualFold(name, []byte("count")):
			var n *int
			if err := json.Unmarshal(val, &n); err != nil {
				return end, fmt.Errorf("count: %w", err)
			}
			if n != nil {
				p.count = *n
			}
		case bytes.EqualFold(name, []byte("next")):
			var s *string
			if err := json.Unmarshal(val, &s); err != nil {
				return end, fmt.Errorf("next: %w", err)
			}
			if s != nil {
				p.next = *s
			}
		}
		return end, nil
	})
}

// describeValue names the JSON value starting with c for an error message.
func describeValue(c byte) string {
	switch c {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}
