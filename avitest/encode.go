package avitest

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/avil4/avil4/internal/avischema"
)

// appendView appends the JSON of an object as renderView shows it, without
// building the rendered copy: the stored body is walked once, refs are
// rendered as they are written, and "url" is added. The bytes are those
// json.Marshal writes for renderView's map (keys sorted, HTML-safe
// escaping), which TestAppendViewIsMarshal checks.
func (s *Server) appendView(b []byte, v *view, includeName bool) []byte {
	keys := make([]string, 0, len(v.body)+1)
	for k := range v.body {
		if k != "url" {
			keys = append(keys, k)
		}
	}
	keys = append(keys, "url")
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, k)
		b = append(b, ':')
		if k == "url" {
			b = appendString(b, s.viewURL(v.kind, v.uuid, v.name, includeName))
			continue
		}
		if k == "key" && v.kind == "sslkeyandcertificate" {
			// The private key reads "<sensitive>", as renderViewAt shows it.
			b = appendString(b, "<sensitive>")
			continue
		}
		b = s.appendField(b, v, k, v.body[k], includeName)
	}
	return append(b, '}')
}

// appendField appends the value of field k, rendering it as renderRefs
// does: a string of a *_ref field and the strings of a *_refs list are refs.
func (s *Server) appendField(b []byte, v *view, k string, val any, includeName bool) []byte {
	switch x := val.(type) {
	case string:
		if strings.HasSuffix(k, "_ref") {
			return appendString(b, s.renderRef(v, x, includeName))
		}
		return appendString(b, x)
	case []any:
		refs := strings.HasSuffix(k, "_refs")
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if str, ok := e.(string); ok && refs {
				b = appendString(b, s.renderRef(v, str, includeName))
				continue
			}
			b = s.appendValue(b, v, e, includeName)
		}
		return append(b, ']')
	}
	return s.appendValue(b, v, val, includeName)
}

// appendValue appends a value that is not a field's own (a list element)
// or is not a string or list.
func (s *Server) appendValue(b []byte, v *view, val any, includeName bool) []byte {
	switch x := val.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = s.appendField(b, v, k, x[k], includeName)
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = s.appendValue(b, v, e, includeName)
		}
		return append(b, ']')
	case string:
		return appendString(b, x)
	case bool:
		if x {
			return append(b, "true"...)
		}
		return append(b, "false"...)
	case nil:
		return append(b, "null"...)
	case json.Number:
		if x != "" && (x[0] == '-' || x[0] >= '0' && x[0] <= '9') && json.Valid([]byte(x)) {
			return append(b, x...)
		}
	}
	data, err := json.Marshal(val)
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, data...)
}

// encodeView appends the JSON of an object as a reply at version shows
// it: appendView, or, at a version older than the schema's (whose reply
// leaves newer fields out), the encoding of renderViewAt.
func (s *Server) encodeView(b []byte, v *view, includeName bool, version string) []byte {
	if version != "" && writable(v.kind) && avischema.NewerVersion(avischema.Embedded().Version(), version) {
		return append(b, marshal(s.renderViewAt(v, includeName, version))...)
	}
	return s.appendView(b, v, includeName)
}

const hex = "0123456789abcdef"

// appendString appends s as a JSON string, escaped as json.Marshal does
// (HTML-safe: <, > and & as \u003c..., U+2028 and U+2029 escaped,
// invalid UTF-8 as U+FFFD).
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
