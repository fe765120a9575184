package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// lineWidth is the width under which an object or array is printed on one
// line, so golden files stay short without losing structure.
const lineWidth = 120

// node is a JSON value with object keys kept in order.
type node struct {
	scalar json.RawMessage // set for strings, numbers, booleans, null
	keys   []string        // object keys, in order
	vals   []*node         // object values or array elements
	array  bool
}

func parse(dec *json.Decoder) (*node, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		n := &node{array: t == '['}
		for dec.More() {
			if !n.array {
				k, err := dec.Token()
				if err != nil {
					return nil, err
				}
				n.keys = append(n.keys, k.(string))
			}
			v, err := parse(dec)
			if err != nil {
				return nil, err
			}
			n.vals = append(n.vals, v)
		}
		if _, err := dec.Token(); err != nil { // closing delimiter
			return nil, err
		}
		return n, nil
	default:
		b, err := json.Marshal(t)
		if err != nil {
			return nil, err
		}
		return &node{scalar: b}, nil
	}
}

func (n *node) compact(b *strings.Builder) {
	switch {
	case n.scalar != nil:
		b.Write(n.scalar)
	case n.array:
		b.WriteByte('[')
		for i, v := range n.vals {
			if i > 0 {
				b.WriteString(", ")
			}
			v.compact(b)
		}
		b.WriteByte(']')
	default:
		b.WriteByte('{')
		for i, v := range n.vals {
			if i > 0 {
				b.WriteString(", ")
			}
			k, _ := json.Marshal(n.keys[i])
			b.Write(k)
			b.WriteString(": ")
			v.compact(b)
		}
		b.WriteByte('}')
	}
}

func (n *node) print(b *strings.Builder, indent string, used int) {
	var c strings.Builder
	n.compact(&c)
	if n.scalar != nil || len(n.vals) == 0 || used+c.Len() <= lineWidth {
		b.WriteString(c.String())
		return
	}
	open, closing := "{", "}"
	if n.array {
		open, closing = "[", "]"
	}
	inner := indent + "  "
	b.WriteString(open + "\n")
	for i, v := range n.vals {
		b.WriteString(inner)
		used := len(inner)
		if !n.array {
			k, _ := json.Marshal(n.keys[i])
			b.Write(k)
			b.WriteString(": ")
			used += len(k) + 2
		}
		v.print(b, inner, used)
		if i < len(n.vals)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(indent + closing)
}

// Pretty re-indents JSON, printing every object or array that fits in 100
// columns on one line. Key order is kept.
func Pretty(js []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.UseNumber()
	n, err := parse(dec)
	if err != nil {
		return nil, fmt.Errorf("pretty-printing JSON: %w", err)
	}
	var b strings.Builder
	n.print(&b, "", 0)
	b.WriteByte('\n')
	return []byte(b.String()), nil
}
