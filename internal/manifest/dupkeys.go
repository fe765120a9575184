package manifest

import (
	"fmt"
	"reflect"

	yamlv3 "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// duplicateKeys finds the keys repeated in a mapping of a YAML document,
// with their field paths, and the document's apiVersion, kind, namespace
// and name as far as they can be read. sigs.k8s.io/yaml refuses such
// documents but names only a line; the paths are found in the document's
// node tree (parsed by go.yaml.in/yaml/v3), following the Go types of known
// kinds so map keys read metadata.annotations[key] as in every other error.
// The errors are nil when the document does not parse or has no duplicate
// key.
func duplicateKeys(doc []byte) (field.ErrorList, header) {
	var root yamlv3.Node
	if err := yamlv3.Unmarshal(doc, &root); err != nil {
		return nil, header{}
	}
	w := &dupWalker{}
	w.walk(&root, nil, nil, 0)
	var h header
	if len(root.Content) == 1 && root.Content[0].Kind == yamlv3.MappingNode {
		top := root.Content[0]
		h.apiVersion, h.kind = scalarMember(top, "apiVersion"), scalarMember(top, "kind")
		if meta := member(top, "metadata"); meta != nil && meta.Kind == yamlv3.MappingNode {
			h.namespace, h.name = scalarMember(meta, "namespace"), scalarMember(meta, "name")
		}
	}
	return w.errs, h
}

// member returns the value of the first key of mapping n, or nil.
func member(n *yamlv3.Node, key string) *yamlv3.Node {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yamlv3.ScalarNode && k.Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// scalarMember returns the scalar value of key in mapping n, or "".
func scalarMember(n *yamlv3.Node, key string) string {
	if v := member(n, key); v != nil && v.Kind == yamlv3.ScalarNode {
		return v.Value
	}
	return ""
}

// maxYAMLDepth bounds the walk of a document's node tree.
const maxYAMLDepth = 1000

type dupWalker struct {
	errs field.ErrorList
}

// walk visits node n at path, read into Go type t (nil when unknown).
// Aliases are not followed: their targets are walked where they are defined.
func (w *dupWalker) walk(n *yamlv3.Node, t reflect.Type, path *field.Path, depth int) {
	if n == nil || depth > maxYAMLDepth || len(w.errs) >= maxFieldErrors {
		return
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch n.Kind {
	case yamlv3.DocumentNode:
		for _, c := range n.Content {
			w.walk(c, t, path, depth+1)
		}
	case yamlv3.MappingNode:
		if t == nil {
			t = nodeType(n)
		}
		first := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yamlv3.ScalarNode || k.Tag == "!!merge" {
				continue
			}
			p, ct := childOf(t, path, k.Value)
			if line, dup := first[k.Value]; dup {
				e := field.Duplicate(p, k.Value)
				e.Detail = fmt.Sprintf("the key is repeated on line %d (first on line %d of the document); keep one", k.Line, line)
				if len(w.errs) < maxFieldErrors {
					w.errs = append(w.errs, e)
				}
				continue
			}
			first[k.Value] = k.Line
			w.walk(v, ct, p, depth+1)
		}
	case yamlv3.SequenceNode:
		var et reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			et = t.Elem()
		}
		for i, c := range n.Content {
			w.walk(c, et, path.Index(i), depth+1)
		}
	}
}

// childOf returns the path and Go type of the member key of a mapping read
// into t.
func childOf(t reflect.Type, path *field.Path, key string) (*field.Path, reflect.Type) {
	switch {
	case t == nil:
		return path.Child(key), nil
	case t.Kind() == reflect.Map:
		return path.Key(key), t.Elem()
	case t.Kind() == reflect.Struct && !customDecoding(t):
		if ft, ok := fieldType(t, key); ok {
			return path.Child(key), ft
		}
	}
	return path.Child(key), nil
}

// nodeType is the Go type of a mapping that names a kind this package
// decodes (by its apiVersion and kind scalars), or nil.
func nodeType(n *yamlv3.Node) reflect.Type {
	if e, ok := lookupKind(scalarMember(n, "apiVersion"), scalarMember(n, "kind")); ok {
		return e.typ
	}
	return nil
}
