package avitest

import (
	"bytes"
	"encoding/json"
	"errors"
	"sync"

	"github.com/avil4/avil4/internal/avischema"
)

// schemaDef is one definition of the embedded schema facts.
type schemaDef struct {
	Required   []string                    `json:"required"`
	Properties map[string]*avischema.Field `json:"properties"`
}

var (
	defsOnce sync.Once
	defs     map[string]*schemaDef
)

// definitions returns every definition of the embedded schema, to list the
// properties of a type (the avischema API looks fields up one at a time).
func definitions() map[string]*schemaDef {
	defsOnce.Do(func() {
		var snap struct {
			Definitions map[string]*schemaDef `json:"definitions"`
		}
		data, err := avischema.Embedded().Snapshot()
		if err == nil {
			err = json.Unmarshal(data, &snap)
		}
		if err != nil {
			panic("avitest: reading embedded schema facts: " + err.Error())
		}
		defs = snap.Definitions
	})
	return defs
}

// decodeJSON decodes data keeping numbers as json.Number.
func decodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// defaults caches the decoded schema default of each field.
var defaults sync.Map // *avischema.Field -> any (errBadDefault: not JSON)

var errBadDefault = errors.New("bad default")

// defaultValue returns a fresh copy of the decoded default of f.
func defaultValue(f *avischema.Field) (any, bool) {
	d, ok := defaults.Load(f)
	if !ok {
		v, err := decodeJSON(f.Default)
		if err != nil {
			v = errBadDefault
		}
		d, _ = defaults.LoadOrStore(f, v)
	}
	if d == errBadDefault {
		return nil, false
	}
	return deepCopy(d), true
}

// fillDefaults adds, like a controller, the schema default of every absent
// property of m (and false for absent booleans without a default), then
// recurses into present sub-objects.
func fillDefaults(typeName string, m map[string]any) {
	def := definitions()[typeName]
	if def == nil {
		return
	}
	for name, f := range def.Properties {
		v, ok := m[name]
		if !ok {
			switch {
			case f.ReadOnly:
			case f.Default != nil:
				if d, ok := defaultValue(f); ok {
					m[name] = d
				}
			case f.Type == "boolean":
				m[name] = false
			}
			continue
		}
		switch f.Type {
		case "object":
			if sub, ok := v.(map[string]any); ok && f.Ref != "" {
				fillDefaults(f.Ref, sub)
			}
		case "array":
			if f.Items == nil || f.Items.Type != "object" || f.Items.Ref == "" {
				continue
			}
			if list, ok := v.([]any); ok {
				for _, e := range list {
					if sub, ok := e.(map[string]any); ok {
						fillDefaults(f.Items.Ref, sub)
					}
				}
			}
		}
	}
}
