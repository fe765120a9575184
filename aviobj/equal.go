package aviobj

import (
	"reflect"
	"strings"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// CmpOptions returns the go-cmp options that compare Avi objects
// semantically, for Equal, Diff and users' own tests:
//   - server-filled fields (uuid, url, _last_modified) are ignored;
//   - *_ref and *_refs strings are equal when they point at the same object,
//     whatever their form (/api/pool/?name=p, https://host/api/pool/<uuid>#p);
//   - a nil slice equals an empty one.
func CmpOptions() cmp.Options {
	return cmp.Options{
		cmpopts.IgnoreFields(VirtualService{}, "UUID", "URL", "LastModified"),
		cmpopts.IgnoreFields(VsVip{}, "UUID", "URL", "LastModified"),
		cmpopts.IgnoreFields(Pool{}, "UUID", "URL", "LastModified"),
		cmpopts.IgnoreFields(L4PolicySet{}, "UUID", "URL", "LastModified"),
		cmpopts.IgnoreFields(HealthMonitor{}, "UUID", "URL", "LastModified"),
		cmp.FilterPath(isRefPath, cmp.Comparer(RefsEqual)),
		cmpopts.EquateEmpty(),
	}
}

// Equal reports whether a and b are semantically equal (see CmpOptions).
// They are typically a desired object and the same object read back from a
// controller.
func Equal(a, b any) bool { return cmp.Equal(a, b, CmpOptions()) }

// Diff returns a human-readable report of the semantic differences between
// want and got ("-want +got"), or "" when they are equal.
func Diff(want, got any) string { return cmp.Diff(want, got, CmpOptions()) }

// isRefPath reports whether the path ends in a string held by a struct field
// whose JSON name ends in _ref, or in an element of a *_refs slice.
func isRefPath(p cmp.Path) bool {
	if p.Last().Type().Kind() != reflect.String {
		return false
	}
	for i := len(p) - 1; i > 0; i-- {
		sf, ok := p.Index(i).(cmp.StructField)
		if !ok {
			continue
		}
		parent := p.Index(i - 1).Type()
		for parent.Kind() == reflect.Pointer {
			parent = parent.Elem()
		}
		if parent.Kind() != reflect.Struct {
			return false
		}
		f, ok := parent.FieldByName(sf.Name())
		if !ok {
			return false
		}
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return strings.HasSuffix(tag, "_ref") || strings.HasSuffix(tag, "_refs")
	}
	return false
}
