package jsonscan

import (
	"errors"
	"fmt"
)

// MaxDepth is the deepest nesting of arrays and objects the scanner
// accepts: encoding/json's limit, so that both refuse the same input.
const MaxDepth = 10000

// ErrTooDeep is a value nested deeper than MaxDepth.
var ErrTooDeep = errors.New("exceeded max depth")

// SyntaxError is invalid JSON at an offset.
func SyntaxError(b []byte, i int, what string) error {
	if i >= len(b) {
		return errors.New("unexpected end of JSON input")
	}
	return fmt.Errorf("invalid character %q %s at offset %d", b[i], what, i)
}

// SkipSpace returns the offset of the first byte at or after i that is not
// JSON whitespace.
func SkipSpace(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n':
			i++
		default:
			return i
		}
	}
	return i
}

// Value returns the end of the JSON value that starts at b[i] (no
// leading whitespace), nested depth deep (0 at the top), checking its
// syntax as encoding/json does (json.Valid accepts a value iff Value does:
// FuzzScanValue in package client): it reads each byte
// once and decodes nothing, which is several times faster than a
// json.Decoder finding the same span.
func Value(b []byte, i, depth int) (int, error) {
	if i >= len(b) {
		return i, SyntaxError(b, i, "")
	}
	switch c := b[i]; {
	case c == '{':
		return scanObject(b, i, depth+1)
	case c == '[':
		return scanArray(b, i, depth+1)
	case c == '"':
		return scanString(b, i)
	case c == '-' || (c >= '0' && c <= '9'):
		return Number(b, i)
	case c == 't':
		return Literal(b, i, "true")
	case c == 'f':
		return Literal(b, i, "false")
	case c == 'n':
		return Literal(b, i, "null")
	}
	return i, SyntaxError(b, i, "looking for beginning of value")
}

// Literal reads lit (true, false or null) at b[i].
func Literal(b []byte, i int, lit string) (int, error) {
	for j := 0; j < len(lit); j++ {
		if i+j >= len(b) || b[i+j] != lit[j] {
			return i + j, SyntaxError(b, i+j, "in literal "+lit)
		}
	}
	return i + len(lit), nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// Number reads the number at b[i]: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func Number(b []byte, i int) (int, error) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && isDigit(b[i]):
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	default:
		return i, SyntaxError(b, i, "in numeric literal")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || !isDigit(b[i]) {
			return i, SyntaxError(b, i, "after decimal point in numeric literal")
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if i >= len(b) || !isDigit(b[i]) {
			return i, SyntaxError(b, i, "in exponent of numeric literal")
		}
		for i < len(b) && isDigit(b[i]) {
			i++
		}
	}
	return i, nil
}

// scanString reads a string from its opening quote to past its closing
// one: no control characters, escapes of \" \\ \/ \b \f \n \r \t and
// \uXXXX only (bytes are not checked as UTF-8, as encoding/json does not).
func scanString(b []byte, i int) (int, error) {
	i++
	for i < len(b) {
		for _, c := range b[i:] { // no bounds check per byte
			if !plain[c] {
				break
			}
			i++
		}
		if i >= len(b) {
			break
		}
		c := b[i]
		switch {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			i++
			if i >= len(b) {
				return i, SyntaxError(b, i, "")
			}
			switch b[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i++
			case 'u':
				i++
				for k := 0; k < 4; k++ {
					if i >= len(b) || !isHex(b[i]) {
						return i, SyntaxError(b, i, "in \\u hexadecimal character escape")
					}
					i++
				}
			default:
				return i, SyntaxError(b, i, "in string escape code")
			}
		case c < 0x20:
			return i, SyntaxError(b, i, "in string literal")
		default:
			i++
		}
	}
	return i, SyntaxError(b, i, "")
}

// plain marks the bytes a string holds as they are: not a control
// character, a quote or a backslash.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 256; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

func isHex(c byte) bool {
	return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// scanObject reads an object from its '{' to past its '}'.
func scanObject(b []byte, i, depth int) (int, error) {
	return Members(b, i, depth, nil)
}

// scanArray reads an array from its '[' to past its ']'.
func scanArray(b []byte, i, depth int) (int, error) {
	return Elements(b, i, depth, nil)
}

// Members reads the object at b[i] (its '{'), nested depth deep (1 for
// a top-level object), and returns its end. For each member, fn gets the
// key's span (quotes included) and the offset of its value, and returns
// the value's end; a nil fn scans the value.
func Members(b []byte, i, depth int, fn func(key []byte, v int) (int, error)) (int, error) {
	if depth > MaxDepth {
		return i, ErrTooDeep
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return i, SyntaxError(b, i, "looking for beginning of object key string")
		}
		kend, err := scanString(b, i)
		if err != nil {
			return kend, err
		}
		key := b[i:kend]
		i = SkipSpace(b, kend)
		if i >= len(b) || b[i] != ':' {
			return i, SyntaxError(b, i, "after object key")
		}
		i = SkipSpace(b, i+1)
		if fn == nil {
			i, err = Value(b, i, depth)
		} else {
			i, err = fn(key, i)
		}
		if err != nil {
			return i, err
		}
		i = SkipSpace(b, i)
		if i >= len(b) {
			return i, SyntaxError(b, i, "")
		}
		switch b[i] {
		case ',':
			i = SkipSpace(b, i+1)
		case '}':
			return i + 1, nil
		default:
			return i, SyntaxError(b, i, "after object key:value pair")
		}
	}
}

// Elements reads the array at b[i] (its '['), nested depth deep (1 for
// a top-level array), and returns its end, calling fn (unless nil) with
// the span of each element.
func Elements(b []byte, i, depth int, fn func(elem []byte) error) (int, error) {
	if depth > MaxDepth {
		return i, ErrTooDeep
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for {
		end, err := Value(b, i, depth)
		if err != nil {
			return end, err
		}
		if fn != nil {
			if err := fn(b[i:end]); err != nil {
				return end, err
			}
		}
		i = SkipSpace(b, end)
		if i >= len(b) {
			return i, SyntaxError(b, i, "")
		}
		switch b[i] {
		case ',':
			i = SkipSpace(b, i+1)
		case ']':
			return i + 1, nil
		default:
			return i, SyntaxError(b, i, "after array element")
		}
	}
}
