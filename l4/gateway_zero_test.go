package l4_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/l4/svcapi"
)

// TestGatewayZeroValues calls every exported Gateway function with zero
// values: each returns an error or its documented zero result, and none
// panics.
func TestGatewayZeroValues(t *testing.T) {
	required := func(t *testing.T, errs field.ErrorList, path string) {
		t.Helper()
		checkErrs(t, errs, []wantErr{{field.ErrorTypeRequired, path, ""}})
	}
	t.Run("TranslateGateway", func(t *testing.T) {
		res := l4.TranslateGateway(l4.GatewayInput{}, l4.Options{})
		required(t, res.Errors, "options.clusterName")
		res = l4.TranslateGateway(l4.GatewayInput{}, gwOptions())
		required(t, res.Errors, "gateway")
		if res.Set != nil || res.NotOurs != nil {
			t.Errorf("%+v", res)
		}
		// A zero Gateway: no class name, so refused (not NotOurs), with
		// every missing field named.
		res = l4.TranslateGateway(l4.GatewayInput{Gateway: &gatewayv1.Gateway{}}, gwOptions())
		checkErrs(t, res.Errors, []wantErr{
			{field.ErrorTypeRequired, "metadata.name", ""},
			{field.ErrorTypeRequired, "metadata.namespace", ""},
			{field.ErrorTypeRequired, "spec.gatewayClassName", ""},
			{field.ErrorTypeRequired, "spec.listeners", ""},
		})
		// A zero class with a matching zero-named Gateway is still refused.
		res = l4.TranslateGateway(l4.GatewayInput{Gateway: &gatewayv1.Gateway{}, GatewayClass: &gatewayv1.GatewayClass{}}, gwOptions())
		if res.Set != nil || len(res.Errors) == 0 {
			t.Errorf("%+v", res)
		}
		res = l4.TranslateGateway(l4.GatewayInput{Gateway: gwGateway()}, gwOptions())
		if res.NotOurs == nil || res.NotOurs.Reason != l4.NoGatewayClass || len(res.Errors) > 0 {
			t.Errorf("nil class: %+v", res)
		}
	})
	t.Run("TranslateLegacyGateway", func(t *testing.T) {
		res := l4.TranslateLegacyGateway(l4.LegacyGatewayInput{}, l4.Options{})
		required(t, res.Errors, "options.clusterName")
		res = l4.TranslateLegacyGateway(l4.LegacyGatewayInput{}, gwOptions())
		required(t, res.Errors, "gateway")
		res = l4.TranslateLegacyGateway(l4.LegacyGatewayInput{Gateway: &svcapi.Gateway{}, GatewayClass: &svcapi.GatewayClass{}}, gwOptions())
		if res.Set != nil || len(res.Errors) == 0 {
			t.Errorf("%+v", res)
		}
		res = l4.TranslateLegacyGateway(l4.LegacyGatewayInput{Gateway: legacyGateway()}, gwOptions())
		if res.NotOurs == nil || len(res.Errors) > 0 {
			t.Errorf("nil class: %+v", res)
		}
	})
	t.Run("GatewayStatus", func(t *testing.T) {
		if diff := cmp.Diff(gatewayv1.GatewayStatus{}, l4.GatewayStatus(nil, l4.GatewayResult{}, nil)); diff != "" {
			t.Errorf("nil Gateway: %s", diff)
		}
		st := l4.GatewayStatus(&gatewayv1.Gateway{}, l4.GatewayResult{}, nil)
		if len(st.Conditions) != 1 || st.Conditions[0].Type != string(gatewayv1.GatewayConditionProgrammed) || len(st.Listeners) != 0 {
			t.Errorf("zero Gateway and result: %+v", st)
		}
		res := l4.TranslateGateway(l4.GatewayInput{Gateway: &gatewayv1.Gateway{}}, gwOptions())
		_ = l4.GatewayStatus(&gatewayv1.Gateway{}, res, []string{"10.0.0.1"})
	})
	t.Run("LegacyGatewayStatus", func(t *testing.T) {
		st := l4.LegacyGatewayStatus(nil, l4.GatewayResult{}, nil)
		if len(st.Conditions) != 0 || len(st.Listeners) != 0 || st.Addresses == nil {
			t.Errorf("nil Gateway: %+v", st)
		}
		st = l4.LegacyGatewayStatus(&svcapi.Gateway{}, l4.GatewayResult{}, nil)
		if len(st.Conditions) != 2 {
			t.Errorf("zero Gateway: %+v", st)
		}
	})
	t.Run("validators", func(t *testing.T) {
		required(t, l4.ValidateGateway(nil), "gateway")
		required(t, l4.ValidateGatewayClass(nil), "gatewayClass")
		required(t, l4.ValidateTCPRoute(nil), "tcpRoute")
		required(t, l4.ValidateUDPRoute(nil), "udpRoute")
		required(t, l4.ValidateReferenceGrant(nil), "referenceGrant")
		required(t, l4.ValidateLegacyGateway(nil), "gateway")
		required(t, l4.ValidateLegacyGatewayClass(nil), "gatewayClass")
		required(t, l4.ValidateAviInfraSetting(nil), "aviInfraSetting")
		for name, errs := range map[string]field.ErrorList{
			"Gateway":            l4.ValidateGateway(&gatewayv1.Gateway{}),
			"GatewayClass":       l4.ValidateGatewayClass(&gatewayv1.GatewayClass{}),
			"TCPRoute":           l4.ValidateTCPRoute(&gatewayv1.TCPRoute{}),
			"UDPRoute":           l4.ValidateUDPRoute(&gatewayv1.UDPRoute{}),
			"ReferenceGrant":     l4.ValidateReferenceGrant(&gatewayv1.ReferenceGrant{}),
			"LegacyGateway":      l4.ValidateLegacyGateway(&svcapi.Gateway{}),
			"LegacyGatewayClass": l4.ValidateLegacyGatewayClass(&svcapi.GatewayClass{}),
			"AviInfraSetting":    l4.ValidateAviInfraSetting(&l4.AviInfraSetting{}),
		} {
			// Every zero object lacks at least its name.
			found := false
			for _, e := range errs {
				found = found || e.Field == "metadata.name" && e.Type == field.ErrorTypeRequired
			}
			if !found {
				t.Errorf("%s: no Required metadata.name in %v", name, errs)
			}
		}
	})
	t.Run("WithInfraSetting", func(t *testing.T) {
		o, errs := gwOptions().WithInfraSetting(nil, nil)
		if len(errs) > 0 || !cmp.Equal(o, gwOptions()) {
			t.Errorf("%v %+v", errs, o)
		}
		_, errs = gwOptions().WithInfraSetting(&l4.AviInfraSetting{}, nil)
		required(t, errs, "metadata.name")
	})
	t.Run("ListenerResult", func(t *testing.T) {
		if (l4.ListenerResult{}).Served() {
			t.Error("a zero listener result is served")
		}
	})
}
