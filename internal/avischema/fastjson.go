package avischema

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// parseValid reads a JSON text that json.Valid accepted into a jvalue tree.
// It is the fast path of parseJSON: the input is known to be well formed,
// so it only splits it (strings without escapes are sliced, not decoded),
// which costs a fraction of encoding/json's token stream. Values are
// allocated in one slab.
func parseValid(data []byte) *jvalue {
	p := fastParser{data: data, slab: make([]jvalue, 0, bytes.Count(data, []byte{':'})+bytes.Count(data, []byte{','})+2)}
	p.space()
	return p.value()
}

type fastParser struct {
	data []byte
	i    int
	slab []jvalue
}

func (p *fastParser) alloc(k jkind) *jvalue {
	if len(p.slab) == cap(p.slab) {
		p.slab = make([]jvalue, 0, 64)
	}
	p.slab = append(p.slab, jvalue{kind: k})
	return &p.slab[len(p.slab)-1]
}

func (p *fastParser) space() {
	for p.i < len(p.data) {
		switch p.data[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *fastParser) value() *jvalue {
	switch c := p.data[p.i]; {
	case c == '{':
		obj := p.alloc(kindObject)
		p.i++
		p.space()
		if p.data[p.i] == '}' {
			p.i++
			return obj
		}
		for {
			p.space()
			key := p.str()
			p.space()
			p.i++ // ':'
			p.space()
			obj.keys = append(obj.keys, key)
			obj.vals = append(obj.vals, p.value())
			p.space()
			if p.data[p.i] == ',' {
				p.i++
				continue
			}
			p.i++ // '}'
			return obj
		}
	case c == '[':
		arr := p.alloc(kindArray)
		p.i++
		p.space()
		if p.data[p.i] == ']' {
			p.i++
			return arr
		}
		for {
			p.space()
			arr.vals = append(arr.vals, p.value())
			p.space()
			if p.data[p.i] == ',' {
				p.i++
				continue
			}
			p.i++ // ']'
			return arr
		}
	case c == '"':
		v := p.alloc(kindString)
		v.s = p.str()
		return v
	case c == 't':
		p.i += 4
		v := p.alloc(kindBool)
		v.s = "true"
		return v
	case c == 'f':
		p.i += 5
		v := p.alloc(kindBool)
		v.s = "false"
		return v
	case c == 'n':
		p.i += 4
		return p.alloc(kindNull)
	default: // a number
		start := p.i
		for p.i < len(p.data) {
			switch p.data[p.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				v := p.alloc(kindNumber)
				v.s = string(p.data[start:p.i])
				return v
			}
			p.i++
		}
		v := p.alloc(kindNumber)
		v.s = string(p.data[start:])
		return v
	}
}

// str reads the string at p.i (its opening quote).
func (p *fastParser) str() string {
	start := p.i
	p.i++
	escaped, high := false, false
	for {
		switch c := p.data[p.i]; c {
		case '\\':
			escaped = true
			p.i += 2
			continue
		case '"':
			p.i++
			// encoding/json turns invalid UTF-8 into U+FFFD: leave that to it.
			if !escaped && (!high || utf8.Valid(p.data[start+1:p.i-1])) {
				return string(p.data[start+1 : p.i-1])
			}
			var s string
			// Valid JSON: the literal always unquotes.
			_ = json.Unmarshal(p.data[start:p.i], &s)
			return s
		default:
			if c >= utf8.RuneSelf {
				high = true
			}
		}
		p.i++
	}
}
