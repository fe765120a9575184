package statusmerge_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4/statusmerge"
)

var (
	t0 = metav1.NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	t1 = metav1.NewTime(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
)

func cond(typ string, status metav1.ConditionStatus, reason string, at metav1.Time) metav1.Condition {
	return metav1.Condition{Type: typ, Status: status, Reason: reason, Message: reason + ".", LastTransitionTime: at}
}

func TestConditions(t *testing.T) {
	existing := []metav1.Condition{cond("Programmed", metav1.ConditionTrue, "Synced", t0), cond("Other", metav1.ConditionTrue, "Theirs", t0)}
	for _, tc := range []struct {
		name        string
		conds       []metav1.Condition
		want        []metav1.Condition
		wantChanged bool
	}{
		{"none", nil, existing, false},
		{"same status keeps the transition time", []metav1.Condition{cond("Programmed", metav1.ConditionTrue, "Synced", t1)}, existing, false},
		{"new message, same status: time kept", []metav1.Condition{{Type: "Programmed", Status: metav1.ConditionTrue, Reason: "Synced", Message: "again.", LastTransitionTime: t1}},
			[]metav1.Condition{{Type: "Programmed", Status: metav1.ConditionTrue, Reason: "Synced", Message: "again.", LastTransitionTime: t0}, existing[1]}, true},
		{"status change takes the new time", []metav1.Condition{cond("Programmed", metav1.ConditionFalse, "SyncFailed", t1)},
			[]metav1.Condition{cond("Programmed", metav1.ConditionFalse, "SyncFailed", t1), existing[1]}, true},
		{"new type appended", []metav1.Condition{cond("Degraded", metav1.ConditionFalse, "AsExpected", t1)},
			append(append([]metav1.Condition{}, existing...), cond("Degraded", metav1.ConditionFalse, "AsExpected", t1)), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := append([]metav1.Condition{}, existing...)
			got, changed := statusmerge.Conditions(existing, tc.conds...)
			if diff := cmp.Diff(tc.want, got); diff != "" || changed != tc.wantChanged {
				t.Errorf("changed = %v, want %v; conditions (-want +got):\n%s", changed, tc.wantChanged, diff)
			}
			if diff := cmp.Diff(before, existing); diff != "" {
				t.Errorf("existing was changed:\n%s", diff)
			}
		})
	}
	// A new condition without a time gets the current one.
	got, _ := statusmerge.Conditions(nil, metav1.Condition{Type: "X", Status: metav1.ConditionTrue, Reason: "R"})
	if got[0].LastTransitionTime.IsZero() {
		t.Error("a new condition without a time kept a zero LastTransitionTime")
	}
}

func TestRemoveConditions(t *testing.T) {
	existing := []metav1.Condition{cond("A", metav1.ConditionTrue, "R", t0), cond("B", metav1.ConditionTrue, "R", t0), cond("C", metav1.ConditionTrue, "R", t0)}
	got, changed := statusmerge.RemoveConditions(existing, "A", "C", "Z")
	if diff := cmp.Diff([]metav1.Condition{existing[1]}, got); diff != "" || !changed {
		t.Errorf("changed = %v; (-want +got):\n%s", changed, diff)
	}
	if _, changed := statusmerge.RemoveConditions(existing, "Z"); changed {
		t.Error("removing an absent type reported a change")
	}
}

func TestService(t *testing.T) {
	vip := corev1.LoadBalancerIPModeVIP
	programmed := cond("avil4.io/Programmed", metav1.ConditionTrue, "Synced", t0)
	current := corev1.ServiceStatus{
		LoadBalancer: corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "10.50.0.1", IPMode: &vip}}},
		Conditions:   []metav1.Condition{programmed},
	}
	for _, tc := range []struct {
		name        string
		lb          corev1.LoadBalancerStatus
		conds       []metav1.Condition
		wantIngress []corev1.LoadBalancerIngress
		wantChanged bool
	}{
		{"converged: ipMode defaulted as the API server does", corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "10.50.0.1"}}},
			[]metav1.Condition{cond("avil4.io/Programmed", metav1.ConditionTrue, "Synced", t1)}, current.LoadBalancer.Ingress, false},
		{"new VIP", corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{IP: "10.50.0.2"}}}, nil,
			[]corev1.LoadBalancerIngress{{IP: "10.50.0.2", IPMode: &vip}}, true},
		{"VIP withdrawn", corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{}}, nil, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changed := statusmerge.Service(current, tc.lb, tc.conds)
			if diff := cmp.Diff(tc.wantIngress, got.LoadBalancer.Ingress); diff != "" || changed != tc.wantChanged {
				t.Errorf("changed = %v, want %v; ingress (-want +got):\n%s", changed, tc.wantChanged, diff)
			}
			if diff := cmp.Diff([]metav1.Condition{programmed}, got.Conditions); diff != "" {
				t.Errorf("conditions (-want +got):\n%s", diff)
			}
		})
	}
	if n := statusmerge.NormalizeLoadBalancer(corev1.LoadBalancerStatus{Ingress: []corev1.LoadBalancerIngress{{Hostname: "a.example"}}}); n.Ingress[0].IPMode != nil {
		t.Error("a hostname ingress got an ipMode")
	}
}

func TestGateway(t *testing.T) {
	accepted := cond("Accepted", metav1.ConditionTrue, "Accepted", t0)
	listener := func(name string, routes int32, at metav1.Time) gatewayv1.ListenerStatus {
		return gatewayv1.ListenerStatus{Name: gatewayv1.SectionName(name), AttachedRoutes: routes,
			SupportedKinds: []gatewayv1.RouteGroupKind{}, Conditions: []metav1.Condition{cond("Programmed", metav1.ConditionTrue, "Programmed", at)}}
	}
	addr := []gatewayv1.GatewayStatusAddress{{Value: "10.50.0.1"}}
	current := gatewayv1.GatewayStatus{Addresses: addr, Conditions: []metav1.Condition{accepted}, Listeners: []gatewayv1.ListenerStatus{listener("sctp", 1, t0)}}
	for _, tc := range []struct {
		name        string
		want        gatewayv1.GatewayStatus
		wantStatus  gatewayv1.GatewayStatus
		wantChanged bool
	}{
		{"converged: transition times kept",
			gatewayv1.GatewayStatus{Addresses: addr, Conditions: []metav1.Condition{cond("Accepted", metav1.ConditionTrue, "Accepted", t1)}, Listeners: []gatewayv1.ListenerStatus{listener("sctp", 1, t1)}},
			current, false},
		{"attached routes change",
			gatewayv1.GatewayStatus{Addresses: addr, Conditions: []metav1.Condition{accepted}, Listeners: []gatewayv1.ListenerStatus{listener("sctp", 2, t1)}},
			gatewayv1.GatewayStatus{Addresses: addr, Conditions: []metav1.Condition{accepted}, Listeners: []gatewayv1.ListenerStatus{listener("sctp", 2, t0)}}, true},
		{"listener added, addresses gone",
			gatewayv1.GatewayStatus{Conditions: []metav1.Condition{accepted}, Listeners: []gatewayv1.ListenerStatus{listener("sctp", 1, t1), listener("udp", 0, t1)}},
			gatewayv1.GatewayStatus{Conditions: []metav1.Condition{accepted}, Listeners: []gatewayv1.ListenerStatus{listener("sctp", 1, t0), listener("udp", 0, t1)}}, true},
		{"listener removed",
			gatewayv1.GatewayStatus{Addresses: addr, Conditions: []metav1.Condition{accepted}},
			gatewayv1.GatewayStatus{Addresses: addr, Conditions: []metav1.Condition{accepted}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changed := statusmerge.Gateway(current, tc.want)
			if diff := cmp.Diff(tc.wantStatus, got); diff != "" || changed != tc.wantChanged {
				t.Errorf("changed = %v, want %v; status (-want +got):\n%s", changed, tc.wantChanged, diff)
			}
		})
	}
	if _, changed := statusmerge.Gateway(gatewayv1.GatewayStatus{Addresses: []gatewayv1.GatewayStatusAddress{}}, gatewayv1.GatewayStatus{}); changed {
		t.Error("empty and nil addresses differ")
	}
}

func TestRouteParents(t *testing.T) {
	const ours, theirs = gatewayv1.GatewayController("avil4.io/l4-gateway"), gatewayv1.GatewayController("example.com/other")
	ref := func(name string) gatewayv1.ParentReference {
		return gatewayv1.ParentReference{Name: gatewayv1.ObjectName(name)}
	}
	parent := func(name string, c gatewayv1.GatewayController, status metav1.ConditionStatus, at metav1.Time) gatewayv1.RouteParentStatus {
		return gatewayv1.RouteParentStatus{ParentRef: ref(name), ControllerName: c, Conditions: []metav1.Condition{cond("Accepted", status, "R", at)}}
	}
	existing := []gatewayv1.RouteParentStatus{parent("gw", theirs, metav1.ConditionTrue, t0), parent("gw", ours, metav1.ConditionTrue, t0), parent("old", ours, metav1.ConditionTrue, t0)}
	for _, tc := range []struct {
		name        string
		ours        []gatewayv1.RouteParentStatus
		want        []gatewayv1.RouteParentStatus
		wantChanged bool
	}{
		{"converged", []gatewayv1.RouteParentStatus{parent("gw", ours, metav1.ConditionTrue, t1)},
			[]gatewayv1.RouteParentStatus{existing[1], existing[0], existing[2]}, false},
		{"refused", []gatewayv1.RouteParentStatus{parent("gw", ours, metav1.ConditionFalse, t1)},
			[]gatewayv1.RouteParentStatus{parent("gw", ours, metav1.ConditionFalse, t1), existing[0], existing[2]}, true},
		{"new parent", []gatewayv1.RouteParentStatus{parent("new", ours, metav1.ConditionTrue, t1)},
			[]gatewayv1.RouteParentStatus{parent("new", ours, metav1.ConditionTrue, t1), existing[0], existing[1], existing[2]}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, changed := statusmerge.RouteParents(existing, tc.ours, ours)
			if diff := cmp.Diff(tc.want, got); diff != "" || changed != tc.wantChanged {
				t.Errorf("changed = %v, want %v; parents (-want +got):\n%s", changed, tc.wantChanged, diff)
			}
		})
	}
}
