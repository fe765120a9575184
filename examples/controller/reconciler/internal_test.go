package reconciler

import (
	"slices"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/l4"
)

// TestDriftMessageNamesFields: an update's event names the changed fields
// by their Avi (JSON) paths and shows the changed lines.
func TestDriftMessageNamesFields(t *testing.T) {
	on, off := true, false
	want := aviobj.VirtualService{Name: "c1--ns-amf", TrafficEnabled: &on, Services: []aviobj.Service{{Port: 80}, {Port: 90}}}
	live := aviobj.VirtualService{Name: "c1--ns-amf", TrafficEnabled: &off, Services: []aviobj.Service{{Port: 80}, {Port: 91}}}
	c := apply.Change{Action: apply.ActionUpdate, Kind: aviobj.KindVirtualService, Name: want.Name, Diff: aviobj.Diff(&want, &live)}
	fields, lines := diffFields(c.Diff)
	if !slices.Equal(fields, []string{"services.port", "traffic_enabled"}) {
		t.Errorf("fields %q", fields)
	}
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "-Port: 90") {
		t.Errorf("lines %q", lines)
	}
	msg := driftMessage(c)
	for _, part := range []string{`virtualservice "c1--ns-amf"`, "in services.port, traffic_enabled", "-TrafficEnabled: &true"} {
		if !strings.Contains(msg, part) {
			t.Errorf("message %q lacks %q", msg, part)
		}
	}
	if got := driftMessage(apply.Change{Action: apply.ActionCreate, Kind: aviobj.KindPool, Name: "p"}); !strings.Contains(got, `pool "p" is missing`) {
		t.Errorf("create message %q", got)
	}
	if f, _ := diffFields("not a diff"); !slices.Equal(f, []string{"some field"}) {
		t.Errorf("unreadable diff: fields %q", f)
	}
}

// TestWithoutBadOverrides: the entries errors name are left out, the
// others kept in order, and paths of the stripped annotation map back to
// the annotation as written.
func TestWithoutBadOverrides(t *testing.T) {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "s", Annotations: map[string]string{l4.AnnotationPortOverrides: `
- port: TCP/80
  lbAlgorithm: LB_ALGORITHM_ROUND_ROBIN
- port: SCTP/38412
  lbAlgorithm: NOPE
- port: UDP/9999
`}}}
	p := field.NewPath("metadata", "annotations").Key(l4.AnnotationPortOverrides)
	errs := field.ErrorList{
		field.NotSupported(p.Index(1).Child("lbAlgorithm"), "NOPE", []string{"LB_ALGORITHM_ROUND_ROBIN"}),
		field.Invalid(field.NewPath("spec", "loadBalancerIP"), "x", "must be an IP"),
	}
	s := withoutBadOverrides(svc, errs)
	if s == nil || len(s.ignored) != 1 || !slices.Equal(s.index, []int{0, 2}) {
		t.Fatalf("stripped %+v", s)
	}
	if got := s.svc.Annotations[l4.AnnotationPortOverrides]; got != `[{"lbAlgorithm":"LB_ALGORITHM_ROUND_ROBIN","port":"TCP/80"},{"port":"UDP/9999"}]` {
		t.Errorf("annotation %s", got)
	}
	if strings.Contains(svc.Annotations[l4.AnnotationPortOverrides], `"port"`) {
		t.Error("the Service itself was changed")
	}
	got := s.remap([]string{p.Index(1).Child("port").String() + ": UDP/9999 matches no port of the Service and is ignored", "spec.ports[0]: other"})
	if want := p.Index(2).Child("port").String() + ": UDP/9999 matches no port of the Service and is ignored"; got[0] != want || got[1] != "spec.ports[0]: other" {
		t.Errorf("remapped %q", got)
	}
	if withoutBadOverrides(svc, errs[1:]) != nil {
		t.Error("no override error, yet stripped")
	}
	whole := withoutBadOverrides(svc, field.ErrorList{field.Invalid(p, "x", "must be a list")})
	if _, ok := whole.svc.Annotations[l4.AnnotationPortOverrides]; ok || whole.index != nil {
		t.Errorf("an error on the whole value keeps %q", whole.svc.Annotations[l4.AnnotationPortOverrides])
	}
}

// TestDegradedCondition: notices keep their order, reasons and dedupe;
// announce emits only those not announced before.
func TestDegradedCondition(t *testing.T) {
	ns := notices(field.ErrorList{field.Invalid(field.NewPath("a"), 1, "bad")}, field.ErrorList{field.Forbidden(field.NewPath("spec", "ports").Index(0), "no")}, []string{"w1", "w1"}, []string{"w2"})
	if len(ns) != 4 || ns[0].reason != ReasonOverrideIgnored || ns[1].reason != ReasonPortNotServed || ns[3].text != "w2" {
		t.Fatalf("notices %+v", ns)
	}
	c := degradedCondition(3, ns)
	if c.Status != metav1.ConditionTrue || c.Reason != ReasonOverrideIgnored || len(strings.Split(c.Message, "\n")) != 4 {
		t.Errorf("condition %+v", c)
	}
	before := announced([]metav1.Condition{c})
	if len(before) != 4 || !before["w1"] {
		t.Errorf("announced %v", before)
	}
	if c := degradedCondition(3, nil); c.Status != metav1.ConditionFalse || c.Reason != ReasonServedAsWritten {
		t.Errorf("empty condition %+v", c)
	}
}
