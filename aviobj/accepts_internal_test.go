package aviobj

import (
	"reflect"
	"testing"
)

// TestSchemaAcceptsEveryRoot requires the generated acceptance of
// check_gen.go to handle every object type NewChecker walks (so that the
// generator's roots and NewChecker's do not drift apart), and to leave a
// nil object to the walk.
func TestSchemaAcceptsEveryRoot(t *testing.T) {
	roots, _ := NewChecker().sv.Describe()
	if len(roots) == 0 {
		t.Fatal("NewChecker has no roots")
	}
	for _, r := range roots {
		o, ok := reflect.New(r.Type).Interface().(Object)
		if !ok {
			t.Fatalf("%s is not an Object", r.Type)
		}
		if _, handled := schemaAccepts(o); !handled {
			t.Errorf("check_gen.go does not handle %s: run go generate ./aviobj", r.Type)
		}
		nilObj := reflect.Zero(reflect.PointerTo(r.Type)).Interface().(Object)
		if valid, handled := schemaAccepts(nilObj); valid || !handled {
			t.Errorf("a nil %s: valid %v, handled %v; want false, true", r.Type, valid, handled)
		}
	}
}
