package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
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

// decodeBody reads a list reply in one pass over each object: a
// json.Decoder validates and decodes each element of results into its own
// value, and the element's bytes are the span the decoder consumed. It
// accepts and refuses what json.Unmarshal into listPage and then into
// each value does (FuzzDecodedPage): one JSON object, count an integer,
// next a string, results an array or null, keys
// matched case-insensitively, unknown keys skipped, nothing after it.
func (p *decodedPage) decodeBody(body []byte) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != nil { // a null page is an empty one
		if d, ok := tok.(json.Delim); !ok || d != '{' {
			return fmt.Errorf("cannot unmarshal %v into a list page", describeToken(tok))
		}
		if err := p.decodeFields(dec, body); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errors.New("invalid character after top-level value")
		}
		return err
	}
	return nil
}

// decodeFields reads the keys of the envelope after its '{', and its '}'.
func (p *decodedPage) decodeFields(dec *json.Decoder, body []byte) error {
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		// Keys match as json.Unmarshal matches them: case-insensitively.
		key, _ := tok.(string)
		switch {
		case strings.EqualFold(key, "count"):
			var n *int
			if err := dec.Decode(&n); err != nil {
				return fmt.Errorf("count: %w", err)
			}
			if n != nil {
				p.count = *n
			}
		case strings.EqualFold(key, "next"):
			var s *string
			if err := dec.Decode(&s); err != nil {
				return fmt.Errorf("next: %w", err)
			}
			if s != nil {
				p.next = *s
			}
		case strings.EqualFold(key, "results"):
			if err := p.decodeResults(dec, body); err != nil {
				return fmt.Errorf("results: %w", err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
		}
	}
	_, err := dec.Token() // '}': More said the object ended
	return err
}

// decodeResults reads the results array (or null), replacing what an
// earlier results key gave, as json.Unmarshal does.
func (p *decodedPage) decodeResults(dec *json.Decoder, body []byte) error {
	p.objs, p.raws = p.objs[:0], p.raws[:0]
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("cannot unmarshal %v into an array of objects", describeToken(tok))
	}
	for dec.More() {
		start := dec.InputOffset()
		obj := p.newObj()
		if err := dec.Decode(obj); err != nil {
			return err
		}
		raw := bytes.TrimLeft(body[start:dec.InputOffset()], ", \t\r\n")
		p.objs = append(p.objs, obj)
		p.raws = append(p.raws, json.RawMessage(raw))
	}
	_, err = dec.Token() // ']': More said the array ended
	return err
}

// describeToken names a JSON token for an error message.
func describeToken(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		return fmt.Sprintf("%q", string(t))
	case string:
		return "a string"
	case bool:
		return "a boolean"
	default:
		return "a number"
	}
}
