package reconciler

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/avil4/avil4/l4"
)

// overridesPath is the field path of a Service's port-overrides annotation,
// as l4 roots its errors.
var overridesPath = field.NewPath("metadata", "annotations").Key(l4.AnnotationPortOverrides).String()

// strippedOverrides is a Service with the bad entries of its
// avil4.io/port-overrides annotation left out.
type strippedOverrides struct {
	// svc is a copy of the Service whose annotation holds the good
	// entries only (or no annotation when none is good).
	svc *corev1.Service
	// ignored are the errors of the entries left out, with their paths in
	// the Service as written.
	ignored field.ErrorList
	// index maps an entry's position in svc's annotation to its position
	// in the annotation as written.
	index []int
}

// isOverrideError reports whether e is about the port-overrides annotation
// (the whole value or one entry).
func isOverrideError(e *field.Error) bool {
	return e.Field == overridesPath || strings.HasPrefix(e.Field, overridesPath+"[")
}

// withoutBadOverrides returns the Service without the override entries errs
// name, or nil when errs name none. Every entry an error names is left out
// (a bad field, a bad port, the later of two entries for one port); an
// error on the whole value (not a list) leaves every entry out. The other
// errors in errs are not looked at: translating the copy tells whether
// they still refuse the Service.
func withoutBadOverrides(svc *corev1.Service, errs field.ErrorList) *strippedOverrides {
	bad := map[int]bool{}
	all := false
	var ignored field.ErrorList
	for _, e := range errs {
		if !isOverrideError(e) {
			continue
		}
		ignored = append(ignored, e)
		i, ok := entryIndex(e.Field)
		if !ok {
			all = true
			continue
		}
		bad[i] = true
	}
	if len(ignored) == 0 {
		return nil
	}
	out := &strippedOverrides{svc: svc.DeepCopy(), ignored: ignored}
	var entries []json.RawMessage
	if js, err := yaml.YAMLToJSON([]byte(svc.Annotations[l4.AnnotationPortOverrides])); all || err != nil || json.Unmarshal(js, &entries) != nil {
		entries = nil
	}
	var kept []json.RawMessage
	for i, e := range entries {
		if !bad[i] {
			kept = append(kept, e)
			out.index = append(out.index, i)
		}
	}
	if len(kept) == 0 {
		delete(out.svc.Annotations, l4.AnnotationPortOverrides)
		return out
	}
	b, err := json.Marshal(kept)
	if err != nil { // cannot happen: every entry is JSON already
		delete(out.svc.Annotations, l4.AnnotationPortOverrides)
		out.index = nil
		return out
	}
	out.svc.Annotations[l4.AnnotationPortOverrides] = string(b)
	return out
}

// entryIndex reads i from a path "<overridesPath>[i]...".
func entryIndex(path string) (int, bool) {
	rest, ok := strings.CutPrefix(path, overridesPath+"[")
	if !ok {
		return 0, false
	}
	n, _, ok := strings.Cut(rest, "]")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(n)
	return i, err == nil
}

// remap rewrites the paths of entries in messages of the stripped
// Service's translation (warnings such as "...[0].port: TCP/81 matches no
// port") to the positions in the annotation as written.
func (s *strippedOverrides) remap(msgs []string) []string {
	out := make([]string, len(msgs))
	for j, m := range msgs {
		out[j] = m
		i, ok := entryIndex(m)
		if !ok || i >= len(s.index) {
			continue
		}
		old := fmt.Sprintf("%s[%d]", overridesPath, i)
		out[j] = fmt.Sprintf("%s[%d]", overridesPath, s.index[i]) + strings.TrimPrefix(m, old)
	}
	return out
}
