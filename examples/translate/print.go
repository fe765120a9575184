package main

import (
	"bytes"
	"encoding/json"
	"fmt"

	yamlv3 "go.yaml.in/yaml/v3"
)

// printable returns the output JSON js (indented) as it is printed: a
// condition's lastTransitionTime is left out when it is null (the command
// has no history, so no condition has a transition time), and keys keep
// the order of the output structs. yamlOut converts it to YAML in that
// same order, so that an object's identity (service, gateway, group)
// comes before its objects.
func printable(js []byte) ([]byte, error) {
	var buf bytes.Buffer
	if err := pruneNullTimes(js, &buf); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, buf.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// pruneNullTimes writes raw compacted, without "lastTransitionTime": null
// members.
func pruneNullTimes(raw []byte, buf *bytes.Buffer) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' && raw[0] != '[' {
		return json.Compact(buf, raw)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // { or [
		return err
	}
	open, end := raw[0], byte('}')
	if open == '[' {
		end = ']'
	}
	buf.WriteByte(open)
	first := true
	for dec.More() {
		var key string
		if open == '{' {
			t, err := dec.Token()
			if err != nil {
				return err
			}
			k, ok := t.(string)
			if !ok {
				return fmt.Errorf("object key %v is not a string", t)
			}
			key = k
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		if open == '{' && key == "lastTransitionTime" && string(bytes.TrimSpace(v)) == "null" {
			continue
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		if open == '{' {
			kb, err := json.Marshal(key)
			if err != nil {
				return err
			}
			buf.Write(kb)
			buf.WriteByte(':')
		}
		if err := pruneNullTimes(v, buf); err != nil {
			return err
		}
	}
	buf.WriteByte(end)
	return nil
}

// yamlOut converts JSON to block YAML keeping the order of the keys.
func yamlOut(js []byte) ([]byte, error) {
	var doc yamlv3.Node
	if err := yamlv3.Unmarshal(js, &doc); err != nil {
		return nil, err
	}
	plain(&doc)
	var out bytes.Buffer
	enc := yamlv3.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// plain drops the JSON (flow, quoted) styles, so the encoder writes block
// YAML and quotes only the strings that need it.
func plain(n *yamlv3.Node) {
	n.Style = 0
	for _, c := range n.Content {
		plain(c)
	}
}
