package l4_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/l4"
)

// TestZeroValues calls every exported function of the Service side with
// nil and zero-value arguments: none panics, and each returns the error or
// zero result its documentation promises.
func TestZeroValues(t *testing.T) {
	opts := baseOptions()
	clusterName := field.ErrorList{field.Required(field.NewPath("options", "clusterName"), "")}
	t.Run("Options.Validate", func(t *testing.T) { matchErrors(t, clusterName, l4.Options{}.Validate()) })
	t.Run("TranslateService zero input and options", func(t *testing.T) {
		matchErrors(t, clusterName, l4.TranslateService(l4.ServiceInput{}, l4.Options{}).Errors)
	})
	t.Run("TranslateService nil Service", func(t *testing.T) {
		matchErrors(t, field.ErrorList{field.Required(field.NewPath("service"), "")}, l4.TranslateService(l4.ServiceInput{}, opts).Errors)
	})
	t.Run("TranslateService zero Service", func(t *testing.T) {
		res := l4.TranslateService(l4.ServiceInput{Service: &corev1.Service{}}, opts)
		matchErrors(t, field.ErrorList{field.Required(field.NewPath("metadata", "name"), ""), field.Required(field.NewPath("metadata", "namespace"), "")}, res.Errors)
		if res.NotOurs != nil || res.Set != nil {
			t.Errorf("NotOurs %v, Set %v", res.NotOurs, res.Set != nil)
		}
	})
	t.Run("TranslateService LoadBalancer with nil maps and no ports", func(t *testing.T) {
		svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "a", Namespace: "b"}, Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer}}
		res := l4.TranslateService(l4.ServiceInput{Service: svc, Namespace: &corev1.Namespace{}}, opts)
		matchErrors(t, field.ErrorList{field.Required(field.NewPath("spec", "ports"), "")}, res.Errors)
		if lb, conds := l4.ServiceStatus(svc, res, nil); len(lb.Ingress) != 0 || conds != nil {
			t.Errorf("status of a refused Service: %v %v", lb, conds)
		}
	})
	t.Run("TranslateSharedVIP zero input", func(t *testing.T) {
		res := l4.TranslateSharedVIP(l4.SharedVIPInput{}, opts)
		matchErrors(t, field.ErrorList{field.Required(field.NewPath("sharedVIPGroup", "namespace"), ""), field.Required(field.NewPath("sharedVIPGroup", "key"), "")}, res.Errors)
		if res.Set != nil || res.NotOurs != nil || res.Members != nil {
			t.Errorf("result %+v", res)
		}
	})
	t.Run("TranslateSharedVIP zero options", func(t *testing.T) {
		matchErrors(t, clusterName, l4.TranslateSharedVIP(l4.SharedVIPInput{}, l4.Options{}).Errors)
	})
	t.Run("TranslateSharedVIP group without members", func(t *testing.T) {
		res := l4.TranslateSharedVIP(l4.SharedVIPInput{Group: l4.SharedVIPGroup{Namespace: "ns", Key: "k"}, Services: []corev1.Service{{}}}, opts)
		if res.NotOurs == nil || res.NotOurs.Reason != l4.NoMembers || len(res.Errors) > 0 {
			t.Errorf("result %+v, want NoMembers", res)
		}
	})
	t.Run("SharedVIPGroupOf", func(t *testing.T) {
		if g, ok := l4.SharedVIPGroupOf(nil); ok || g != (l4.SharedVIPGroup{}) {
			t.Error("nil Service has a group")
		}
		if _, ok := l4.SharedVIPGroupOf(&corev1.Service{}); ok {
			t.Error("zero Service has a group")
		}
	})
	t.Run("SharedVIPGroups", func(t *testing.T) {
		if g := l4.SharedVIPGroups(nil); g != nil {
			t.Errorf("groups of nothing: %v", g)
		}
		if g := l4.SharedVIPGroups([]corev1.Service{{}}); g != nil {
			t.Errorf("groups of a zero Service: %v", g)
		}
	})
	t.Run("SharedVIPGroup.String", func(t *testing.T) {
		if s := (l4.SharedVIPGroup{}).String(); s != "/" {
			t.Errorf("String() = %q", s)
		}
	})
	t.Run("ServiceStatus", func(t *testing.T) {
		for _, svc := range []*corev1.Service{nil, {}} {
			if lb, conds := l4.ServiceStatus(svc, l4.Result{}, nil); len(lb.Ingress) != 0 || conds != nil {
				t.Errorf("ServiceStatus(%v, zero Result) = %v, %v; want zero", svc, lb, conds)
			}
		}
	})
	t.Run("PortOverride.Validate", func(t *testing.T) {
		var o *l4.PortOverride
		matchErrors(t, field.ErrorList{field.Required(nil, "")}, o.Validate(nil))
		matchErrors(t, field.ErrorList{field.NotSupported[string](field.NewPath("port"), "", nil)}, (&l4.PortOverride{}).Validate(nil))
	})
	t.Run("ParsePortOverrides", func(t *testing.T) {
		if got, errs := l4.ParsePortOverrides("", nil); got != nil || errs != nil {
			t.Errorf("ParsePortOverrides(\"\") = %v, %v", got, errs)
		}
		if _, errs := l4.ParsePortOverrides("[{}]", nil); len(errs) != 1 || errs[0].Field != "[0].port" {
			t.Errorf("ParsePortOverrides([{}]) errors %v", errs)
		}
	})
	t.Run("PortResult.Served", func(t *testing.T) {
		if (l4.PortResult{}).Served() {
			t.Error("a zero PortResult is served")
		}
	})
}
