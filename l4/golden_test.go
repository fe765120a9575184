package l4_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"k8s.io/apimachinery/pkg/util/validation/field"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/golden"
	"github.com/avil4/avil4/internal/manifest"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

// testCase is the optional first document of a golden input file.
type testCase struct {
	APIVersion  string     `json:"apiVersion"`
	Kind        string     `json:"kind"`
	Description string     `json:"description"`
	Options     l4.Options `json:"options"`
	// VIPs are the addresses the controller allocated, for the status.
	VIPs []string `json:"vips"`
}

// serviceOutput is what a golden file shows for one Service: the objects,
// errors, warnings and status side by side.
type serviceOutput struct {
	Service  string          `json:"service"`
	NotOurs  *l4.NotOurs     `json:"notOurs,omitempty"`
	Errors   []string        `json:"errors,omitempty"`
	Warnings []string        `json:"warnings,omitempty"`
	Ports    []l4.PortResult `json:"ports,omitempty"`
	Status   *statusOutput   `json:"status,omitempty"`
	Set      any             `json:"set,omitempty"`
}

// gatewayOutput is what a golden file shows for one Gateway.
type gatewayOutput struct {
	Gateway    string              `json:"gateway"`
	APIVersion string              `json:"apiVersion"`
	NotOurs    *l4.NotOurs         `json:"notOurs,omitempty"`
	Errors     []string            `json:"errors,omitempty"`
	Warnings   []string            `json:"warnings,omitempty"`
	Listeners  []l4.ListenerResult `json:"listeners,omitempty"`
	Routes     []routeOutput       `json:"routes,omitempty"`
	Status     any                 `json:"status,omitempty"`
	Set        *aviobj.Set         `json:"set,omitempty"`
}

type routeOutput struct {
	Route   string                        `json:"route"`
	Errors  []string                      `json:"errors,omitempty"`
	Parents []gatewayv1.RouteParentStatus `json:"parents"`
}

func errorStrings(errs field.ErrorList) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func gatewayOut(name, apiVersion string, res l4.GatewayResult, status any) gatewayOutput {
	o := gatewayOutput{
		Gateway: name, APIVersion: apiVersion, NotOurs: res.NotOurs, Errors: errorStrings(res.Errors),
		Warnings: res.Warnings, Listeners: res.Listeners, Set: res.Set,
	}
	if res.NotOurs == nil {
		o.Status = status
	}
	for _, r := range res.Routes {
		o.Routes = append(o.Routes, routeOutput{Route: r.Kind + " " + r.Namespace + "/" + r.Name, Errors: errorStrings(r.Errors), Parents: r.Parents})
	}
	return o
}

// translateGateways translates every Gateway of the bundle, both API
// versions.
func translateGateways(tc testCase, b *manifest.Bundle) []gatewayOutput {
	var out []gatewayOutput
	for i := range b.Gateways {
		gw := &b.Gateways[i]
		res := l4.TranslateGateway(b.GatewayInput(i), tc.Options)
		out = append(out, gatewayOut(gw.Namespace+"/"+gw.Name, "gateway.networking.k8s.io/v1", res, l4.GatewayStatus(gw, res, tc.VIPs)))
	}
	for i := range b.LegacyGateways {
		gw := &b.LegacyGateways[i]
		res := l4.TranslateLegacyGateway(b.LegacyGatewayInput(i), tc.Options)
		out = append(out, gatewayOut(gw.Namespace+"/"+gw.Name, "networking.x-k8s.io/v1alpha1", res, l4.LegacyGatewayStatus(gw, res, tc.VIPs)))
	}
	return out
}

type statusOutput struct {
	LoadBalancer corev1.LoadBalancerStatus `json:"loadBalancer"`
	Conditions   []metav1.Condition        `json:"conditions,omitempty"`
}

type goldenFile struct {
	Description string            `json:"description"`
	Services    []serviceOutput   `json:"services,omitempty"`
	SharedVIPs  []sharedVIPOutput `json:"sharedVIPs,omitempty"`
	Gateways    []gatewayOutput   `json:"gateways,omitempty"`
}

// sharedVIPOutput is what a golden file shows for one shared-VIP group.
type sharedVIPOutput struct {
	Group    string          `json:"group"`
	NotOurs  *l4.NotOurs     `json:"notOurs,omitempty"`
	Errors   []string        `json:"errors,omitempty"`
	Warnings []string        `json:"warnings,omitempty"`
	Members  []serviceOutput `json:"members,omitempty"`
	Set      *aviobj.Set     `json:"set,omitempty"`
}

func translateSharedVIPs(tc testCase, b *manifest.Bundle) []sharedVIPOutput {
	var out []sharedVIPOutput
	for _, g := range l4.SharedVIPGroups(b.Services) {
		res := l4.TranslateSharedVIP(b.SharedVIPInput(g), tc.Options)
		o := sharedVIPOutput{Group: g.String(), NotOurs: res.NotOurs, Errors: errorStrings(res.Errors), Warnings: res.Warnings, Set: res.Set}
		for _, m := range res.Members {
			mo := serviceOutput{Service: m.Service.Namespace + "/" + m.Service.Name, NotOurs: m.Result.NotOurs,
				Errors: errorStrings(m.Result.Errors), Warnings: m.Result.Warnings, Ports: m.Result.Ports}
			if lb, conds := l4.ServiceStatus(m.Service, m.Result, tc.VIPs); len(lb.Ingress) > 0 || len(conds) > 0 {
				mo.Status = &statusOutput{LoadBalancer: lb, Conditions: conds}
			}
			o.Members = append(o.Members, mo)
		}
		out = append(out, o)
	}
	return out
}

// loadCase reads a golden input: its TestCase header (defaults when absent)
// and the Kubernetes objects.
func loadCase(t testing.TB, path string) (testCase, *manifest.Bundle) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b manifest.Bundle
	if err := b.Decode(f, filepath.Base(path)); err != nil {
		t.Fatal(err)
	}
	tc := testCase{Options: l4.Options{ClusterName: "cluster", License: profiles.LicenseEnterprise}}
	for _, d := range b.Other {
		if d.Kind == "TestCase" {
			tc = testCase{}
			if err := manifest.Strict(d.JSON, &tc); err != nil {
				t.Fatalf("%s: %v", d, err)
			}
		}
	}
	return tc, &b
}

func translateAll(tc testCase, b *manifest.Bundle) []serviceOutput {
	var out []serviceOutput
	for i := range b.Services {
		svc := &b.Services[i]
		res := l4.TranslateService(b.ServiceInput(i), tc.Options)
		o := serviceOutput{
			Service:  svc.Namespace + "/" + svc.Name,
			NotOurs:  res.NotOurs,
			Warnings: res.Warnings,
			Ports:    res.Ports,
		}
		for _, e := range res.Errors {
			o.Errors = append(o.Errors, e.Error())
		}
		if res.Set != nil {
			o.Set = res.Set
		}
		if lb, conds := l4.ServiceStatus(svc, res, tc.VIPs); len(lb.Ingress) > 0 || len(conds) > 0 {
			o.Status = &statusOutput{LoadBalancer: lb, Conditions: conds}
		}
		out = append(out, o)
	}
	return out
}

// TestGolden translates every testdata/service/*.yaml and compares the
// result with <case>.golden.json (-update rewrites them). The bundled
// example manifests are cases too, with the translate command's defaults.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob("testdata/service/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"gateway", "sharedvip", "overrides"} {
		more, _ := filepath.Glob("testdata/" + dir + "/*.yaml")
		inputs = append(inputs, more...)
	}
	examples, _ := filepath.Glob("../examples/manifests/*.yaml")
	inputs = append(inputs, examples...)
	if len(inputs) < 10 {
		t.Fatalf("found only %d golden inputs; is the working directory the l4 package?", len(inputs))
	}
	for _, in := range inputs {
		name := strings.TrimSuffix(filepath.Base(in), ".yaml")
		out := strings.TrimSuffix(in, ".yaml") + ".golden.json"
		if strings.HasPrefix(in, "../") {
			out = filepath.Join("testdata/examples", name+".golden.json")
		}
		t.Run(name, func(t *testing.T) {
			tc, b := loadCase(t, in)
			before := golden.Marshal(t, b)
			got := translateAll(tc, b)
			gws := translateGateways(tc, b)
			svips := translateSharedVIPs(tc, b)
			if diff := cmp.Diff(string(before), string(golden.Marshal(t, b))); diff != "" {
				t.Errorf("translation modified its input (-before +after):\n%s", diff)
			}
			golden.CompareJSON(t, out, golden.Marshal(t, goldenFile{Description: tc.Description, Services: got, SharedVIPs: svips, Gateways: gws}))
		})
	}
}
