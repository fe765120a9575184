package client

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// bodyDecoder is an out value that reads a reply body itself (see
// decodeReply) instead of being passed to json.Unmarshal.
type bodyDecoder interface {
	decodeBody(body []byte) error
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
}

// decodeBody reads a list reply: scanValue checks the page's syntax and
// finds each element of results (a sub-slice of body, not a copy), and,
// when newObj is set, json.Unmarshal decodes each element into its value.
// It accepts and refuses what json.Unmarshal into listPage and then into
// each value does (FuzzDecodedPage): one JSON object or null, count an
// integer, next a string, results an array or null, keys matched
// case-insensitively, a repeated key's last value winning, unknown keys
// skipped, nothing after it but whitespace.
func (p *decodedPage) decodeBody(body []byte) error {
	p.objs, p.raws = p.objs[:0], p.raws[:0]
	i := skipSpace(body, 0)
	var (
		end int
		err error
	)
	switch {
	case i < len(body) && body[i] == '{':
		end, err = p.decodeFields(body, i)
	case i < len(body) && body[i] == 'n':
		end, err = scanLiteral(body, i, "null") // a null page is an empty one
	default:
		if end, err = scanValue(body, i, 0); err == nil {
			err = fmt.Errorf("cannot unmarshal %s into a list page", describeValue(body[i]))
		}
	}
	if err != nil {
		return err
	}
	if j := skipSpace(body, end); j != len(body) {
		return syntaxError(body, j, "after top-level value")
	}
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
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(body) || body[i] != '"' {
			return i, syntaxError(body, i, "looking for beginning of object key string")
		}
		kend, err := scanString(body, i)
		if err != nil {
			return kend, err
		}
		key := body[i+1 : kend-1]
		if bytes.IndexByte(key, '\\') >= 0 {
			var s string
			if err := json.Unmarshal(body[i:kend], &s); err != nil {
				return kend, err
			}
			key = []byte(s)
		}
		i = skipSpace(body, kend)
		if i >= len(body) || body[i] != ':' {
			return i, syntaxError(body, i, "after object key")
		}
		i = skipSpace(body, i+1)
		var vend int
		// Keys match as json.Unmarshal matches them: case-insensitively.
		switch {
		case bytes.EqualFold(key, []byte("results")) && i < len(body) && body[i] == '[':
			p.raws = p.raws[:0]
			vend, err = eachElement(body, i, 2, func(elem []byte) error {
				p.raws = append(p.raws, json.RawMessage(elem))
				return nil
			})
		default:
			vend, err = scanValue(body, i, 1)
			if err != nil {
				break
			}
			v := body[i:vend]
			switch {
			case bytes.EqualFold(key, []byte("results")):
				if v[0] != 'n' {
					err = fmt.Errorf("results: cannot unmarshal %s into an array of objects", describeValue(v[0]))
				}
				p.raws = p.raws[:0] // null
			case bytes.EqualFold(key, []byte("count")):
				var n *int
				if err = json.Unmarshal(v, &n); err != nil {
					err = fmt.Errorf("count: %w", err)
				} else if n != nil {
					p.count = *n
				}
			case bytes.EqualFold(key, []byte("next")):
				var s *string
				if err = json.Unmarshal(v, &s); err != nil {
					err = fmt.Errorf("next: %w", err)
				} else if s != nil {
					p.next = *s
				}
			}
		}
		if err != nil {
			return vend, err
		}
		i = skipSpace(body, vend)
		if i >= len(body) {
			return i, syntaxError(body, i, "")
		}
		switch body[i] {
		case ',':
			i = skipSpace(body, i+1)
		case '}':
			return i + 1, nil
		default:
			return i, syntaxError(body, i, "after object key:value pair")
		}
	}
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
