package l4

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/profiles"
)

// TestPoolGroupRatios: backendRef weights (0-1000000) become member ratios
// (0-1000): kept when they fit, reduced by their GCD, else scaled with every
// non-zero weight keeping at least 1.
func TestPoolGroupRatios(t *testing.T) {
	tests := []struct {
		name    string
		weights []int32
		want    []int32
		exact   bool
	}{
		{"fit-80-20", []int32{80, 20}, []int32{80, 20}, true},
		{"zero-kept", []int32{1, 2, 0}, []int32{1, 2, 0}, true},
		{"all-zero", []int32{0, 0}, []int32{0, 0}, true},
		{"max-ratio-fits", []int32{1000, 1}, []int32{1000, 1}, true},
		{"gcd-reduces", []int32{800000, 200000}, []int32{4, 1}, true},
		{"gcd-reduces-to-1000", []int32{1000000, 1000}, []int32{1000, 1}, true},
		{"scaled", []int32{1000000, 1001, 0}, []int32{1000, 1, 0}, false},
		{"scaled-small-kept-at-1", []int32{1000000, 3}, []int32{1000, 1}, false},
		{"scaled-rounded", []int32{1001, 500}, []int32{1000, 500}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, exact := poolGroupRatios(tt.weights)
			if diff := cmp.Diff(tt.want, got); diff != "" || exact != tt.exact {
				t.Errorf("poolGroupRatios(%v) = %v, %v; want %v, %v (-want +got):\n%s", tt.weights, got, exact, tt.want, tt.exact, diff)
			}
		})
	}
}

// weightedInput is a Gateway core/gw with one TCP listener on 8080 and a
// TCPRoute naming refs; Services a, b and c (port 8080) exist.
func weightedInput(refs ...gatewayv1.BackendRef) GatewayInput {
	in := GatewayInput{
		GatewayClass: &gatewayv1.GatewayClass{
			ObjectMeta: metav1.ObjectMeta{Name: "avi-lb"},
			Spec:       gatewayv1.GatewayClassSpec{ControllerName: GatewayControllerName},
		},
		Gateway: &gatewayv1.Gateway{
			ObjectMeta: metav1.ObjectMeta{Name: "gw", Namespace: "core"},
			Spec: gatewayv1.GatewaySpec{GatewayClassName: "avi-lb", Listeners: []gatewayv1.Listener{
				{Name: "sbi", Port: 8080, Protocol: gatewayv1.TCPProtocolType},
			}},
		},
		TCPRoutes: []gatewayv1.TCPRoute{{
			ObjectMeta: metav1.ObjectMeta{Name: "sbi", Namespace: "core"},
			Spec: gatewayv1.TCPRouteSpec{
				CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{Name: "gw"}}},
				Rules:           []gatewayv1.TCPRouteRule{{BackendRefs: refs}},
			},
		}},
	}
	for _, n := range []string{"a", "b", "c"} {
		in.Services = append(in.Services, corev1.Service{
			ObjectMeta: metav1.ObjectMeta{Name: n, Namespace: "core"},
			Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "tcp", Port: 8080, Protocol: corev1.ProtocolTCP}}},
		})
	}
	return in
}

func ref(name string, weight *int32) gatewayv1.BackendRef {
	return gatewayv1.BackendRef{
		BackendObjectReference: gatewayv1.BackendObjectReference{Name: gatewayv1.ObjectName(name), Port: ptrTo(gatewayv1.PortNumber(8080))},
		Weight:                 weight,
	}
}

// TestWeightedRoutes: how backendRef weights become a pool, a pool group
// or nothing, with the warnings and route conditions that go with them.
func TestWeightedRoutes(t *testing.T) {
	w := func(v int32) *int32 { return &v }
	tests := []struct {
		name         string
		refs         []gatewayv1.BackendRef
		license      profiles.License
		wantPool     string
		wantMembers  []PoolGroupMember
		wantWarnings []string
		wantResolved metav1.ConditionStatus
	}{{
		name:         "one backend, default weight: a pool",
		refs:         []gatewayv1.BackendRef{ref("a", nil)},
		wantPool:     "c1--core-a-gw-TCP-8080",
		wantResolved: metav1.ConditionTrue,
	}, {
		name:         "one backend of weight 0: nothing served",
		refs:         []gatewayv1.BackendRef{ref("a", w(0))},
		wantResolved: metav1.ConditionTrue,
	}, {
		name: "a backend named twice: one member, weights summed",
		refs: []gatewayv1.BackendRef{ref("a", w(2)), ref("b", nil), ref("a", w(3))},
		wantMembers: []PoolGroupMember{
			{Pool: "c1--core-a-gw-TCP-8080", Backend: "core/a:8080", Weight: 5, Ratio: 5},
			{Pool: "c1--core-b-gw-TCP-8080", Backend: "core/b:8080", Weight: 1, Ratio: 1},
		},
		wantResolved: metav1.ConditionTrue,
	}, {
		name: "weights over 1000 without a common divisor: scaled, with a warning",
		refs: []gatewayv1.BackendRef{ref("a", w(1000000)), ref("b", w(1001)), ref("c", w(0))},
		wantMembers: []PoolGroupMember{
			{Pool: "c1--core-a-gw-TCP-8080", Backend: "core/a:8080", Weight: 1000000, Ratio: 1000},
			{Pool: "c1--core-b-gw-TCP-8080", Backend: "core/b:8080", Weight: 1001, Ratio: 1},
			{Pool: "c1--core-c-gw-TCP-8080", Backend: "core/c:8080", Weight: 0, Ratio: 0},
		},
		wantWarnings: []string{`listener "sbi": backend weights [1000000 1001 0] are scaled to the pool group ratios [1000 1 0] (the controller allows 0-1000)`},
		wantResolved: metav1.ConditionTrue,
	}, {
		name:    "Essentials licence: a warning",
		refs:    []gatewayv1.BackendRef{ref("a", w(80)), ref("b", w(20))},
		license: profiles.LicenseEssentials,
		wantMembers: []PoolGroupMember{
			{Pool: "c1--core-a-gw-TCP-8080", Backend: "core/a:8080", Weight: 80, Ratio: 80},
			{Pool: "c1--core-b-gw-TCP-8080", Backend: "core/b:8080", Weight: 20, Ratio: 20},
		},
		wantWarnings: []string{`listener "sbi": a pool group of several backends needs an Enterprise licence: the controller allows L4_RULE_ACTION_SELECT_POOLGROUP and member ratios other than 1 only in Enterprise editions (licence is ESSENTIALS)`},
		wantResolved: metav1.ConditionTrue,
	}, {
		name:         "a missing Service of weight 0 is still a reference that does not resolve",
		refs:         []gatewayv1.BackendRef{ref("a", nil), ref("gone", w(0))},
		wantPool:     "c1--core-a-gw-TCP-8080",
		wantResolved: metav1.ConditionFalse,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lic := tt.license
			if lic == "" {
				lic = profiles.LicenseEnterprise
			}
			res := TranslateGateway(weightedInput(tt.refs...), Options{ClusterName: "c1", License: lic})
			if res.Set == nil || len(res.Listeners) != 1 || len(res.Routes) != 1 {
				t.Fatalf("no Set, listener or route: %v", res.Errors)
			}
			l := res.Listeners[0]
			if l.Pool != tt.wantPool {
				t.Errorf("pool %q, want %q", l.Pool, tt.wantPool)
			}
			if diff := cmp.Diff(tt.wantMembers, l.Members); diff != "" {
				t.Errorf("members (-want +got):\n%s", diff)
			}
			wantGroups := 0
			if tt.wantMembers != nil {
				wantGroups = 1
			}
			if (l.PoolGroup != "") != (wantGroups == 1) || len(res.Set.PoolGroups) != wantGroups {
				t.Errorf("pool group %q, Set holds %d", l.PoolGroup, len(res.Set.PoolGroups))
			}
			if diff := cmp.Diff(tt.wantWarnings, res.Warnings); diff != "" {
				t.Errorf("warnings (-want +got):\n%s", diff)
			}
			if c := meta.FindStatusCondition(res.Routes[0].Parents[0].Conditions, string(gatewayv1.RouteConditionResolvedRefs)); c == nil || c.Status != tt.wantResolved {
				t.Errorf("ResolvedRefs %v, want %s", c, tt.wantResolved)
			}
		})
	}
}
