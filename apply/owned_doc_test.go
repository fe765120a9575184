package apply

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/avil4/avil4/aviobj"
)

// TestOwnedFieldsDoc checks that the per-kind list of the fields avil4
// owns, stated in doc.go (# Limits), is what the code overlays: for every
// object type of an aviobj.Set, the fields of ownedFields, in the order of
// the aviobj struct.
func TestOwnedFieldsDoc(t *testing.T) {
	src, err := os.ReadFile("doc.go")
	if err != nil {
		t.Fatal(err)
	}
	documented := documentedOwnedFields(t, string(src))

	setType := reflect.TypeOf(aviobj.Set{})
	objType := reflect.TypeOf((*aviobj.Object)(nil)).Elem()
	var kinds []string
	for i := range setType.NumField() {
		ft := setType.Field(i).Type
		if ft.Kind() == reflect.Slice || ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if ft.Kind() != reflect.Struct || !reflect.PointerTo(ft).Implements(objType) {
			continue
		}
		kind := ft.Name()
		kinds = append(kinds, kind)
		obj := reflect.New(ft).Interface().(aviobj.Object)
		owned := ownedFields(obj)
		// The struct order, restricted to what ownedFields returns.
		var want []string
		for j := range ft.NumField() {
			name, _, _ := strings.Cut(ft.Field(j).Tag.Get("json"), ",")
			if owned[name] && !slices.Contains(want, name) {
				want = append(want, name)
			}
		}
		if len(want) != len(owned) {
			t.Errorf("%s: ownedFields has %d fields, the struct order %d", kind, len(owned), len(want))
		}
		got, ok := documented[kind]
		if !ok {
			t.Errorf("doc.go lists no owned fields for %s; the code owns: %s.", kind, strings.Join(want, ", "))
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("doc.go's owned fields of %s differ from the code's:\n\tdoc:  %s\n\tcode: %s", kind,
				strings.Join(got, ", "), strings.Join(want, ", "))
		}
	}
	for kind := range documented {
		if !slices.Contains(kinds, kind) {
			t.Errorf("doc.go lists owned fields for %s, which is not an object type of aviobj.Set", kind)
		}
	}
	if len(kinds) == 0 {
		t.Fatal("no object types found in aviobj.Set")
	}
}

var ownedItem = regexp.MustCompile(`^([A-Za-z0-9]+): (.*)\.$`)

// documentedOwnedFields reads the bullet list of the # Limits section of
// doc.go: "//   - Kind: field, field, ...", continued on "//     " lines.
func documentedOwnedFields(t *testing.T, src string) map[string][]string {
	t.Helper()
	_, limits, ok := strings.Cut(src, "\n// # Limits\n")
	if !ok {
		t.Fatal("doc.go has no # Limits section")
	}
	limits, _, _ = strings.Cut(limits, "\n// # ")
	var items []string
	for _, line := range strings.Split(limits, "\n") {
		switch {
		case strings.HasPrefix(line, "//   - "):
			items = append(items, strings.TrimPrefix(line, "//   - "))
		case strings.HasPrefix(line, "//     ") && len(items) > 0:
			items[len(items)-1] += " " + strings.TrimPrefix(line, "//     ")
		}
	}
	out := map[string][]string{}
	for _, it := range items {
		m := ownedItem.FindStringSubmatch(it)
		if m == nil {
			t.Errorf("doc.go: owned-fields item not of the form \"Kind: field, field.\": %q", it)
			continue
		}
		fields := strings.Split(m[2], ", ")
		for i := range fields {
			fields[i] = strings.TrimSpace(fields[i])
		}
		out[m[1]] = fields
	}
	if len(out) == 0 {
		t.Fatal("doc.go's # Limits lists no owned fields")
	}
	return out
}
