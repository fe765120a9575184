package l4_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/l4/svcapi"
)

// TestLegacyGatewayNamespace: a legacy Gateway takes its Namespace's
// tenant (with or without a class parametersRef) and, without one, its
// AviInfraSetting annotation; a Namespace of another name is ignored.
func TestLegacyGatewayNamespace(t *testing.T) {
	infra := l4.AviInfraSetting{ObjectMeta: metav1.ObjectMeta{Name: "telco"}}
	infra.Spec.SEGroup = &l4.InfraSEGroup{Name: "seg-telco"}
	ns := func(name string, ann map[string]string) *corev1.Namespace {
		return &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: ann}}
	}
	withParams := legacyClass()
	withParams.Spec.ParametersRef = &svcapi.LocalObjectReference{Group: l4.AviInfraSettingGroup, Kind: "AviInfraSetting", Name: "telco"}
	for _, tc := range []struct {
		name       string
		class      *svcapi.GatewayClass
		ns         *corev1.Namespace
		wantTenant string
		wantSEG    string
		wantErr    string
	}{
		{name: "no Namespace", class: legacyClass(), wantTenant: "admin", wantSEG: "/api/serviceenginegroup/?name=Default-Group"},
		{name: "tenant and infra annotations", class: legacyClass(),
			ns:         ns("ns", map[string]string{l4.AnnotationTenant: "t1", l4.AnnotationInfraSetting: "telco"}),
			wantTenant: "t1", wantSEG: "/api/serviceenginegroup/?name=seg-telco"},
		{name: "another Namespace is ignored", class: legacyClass(),
			ns:         ns("other", map[string]string{l4.AnnotationTenant: "t1", l4.AnnotationInfraSetting: "telco"}),
			wantTenant: "admin", wantSEG: "/api/serviceenginegroup/?name=Default-Group"},
		{name: "class parameters win over the infra annotation, tenant still from the Namespace", class: withParams,
			ns:         ns("ns", map[string]string{l4.AnnotationTenant: "t2", l4.AnnotationInfraSetting: "missing"}),
			wantTenant: "t2", wantSEG: "/api/serviceenginegroup/?name=seg-telco"},
		{name: "missing infra setting", class: legacyClass(),
			ns:      ns("ns", map[string]string{l4.AnnotationInfraSetting: "missing"}),
			wantErr: `namespace.metadata.annotations[aviinfrasetting.ako.vmware.com/name]: Not found: "missing"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := l4.LegacyGatewayInput{Gateway: legacyGateway(), GatewayClass: tc.class, Namespace: tc.ns,
				InfraSettings: []l4.AviInfraSetting{infra}}
			if tc.class.Spec.ParametersRef != nil {
				in.InfraSetting = &infra
			}
			res := l4.TranslateLegacyGateway(in, gwOptions())
			if tc.wantErr != "" {
				if res.Set != nil || len(res.Errors) == 0 {
					t.Fatalf("want refusal, got Set %v errors %v", res.Set != nil, res.Errors)
				}
				if diff := cmp.Diff(tc.wantErr, res.Errors[0].Error()); diff != "" {
					t.Errorf("error (-want +got):\n%s", diff)
				}
				return
			}
			if res.Set == nil {
				t.Fatalf("no Set: %v", res.Errors)
			}
			got := [2]string{res.Set.Tenant, res.Set.VirtualService.SEGroupRef}
			if diff := cmp.Diff([2]string{tc.wantTenant, tc.wantSEG}, got); diff != "" {
				t.Errorf("tenant, SE group (-want +got):\n%s", diff)
			}
		})
	}
}
