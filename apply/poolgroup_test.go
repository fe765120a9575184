package apply_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/l4"
)

// weighted is a backendRef of a TCPRoute: a Service and its weight.
type weighted struct {
	svc    string
	weight int32
}

// weightedGatewaySet translates the Gateway core/gw with one TCP listener
// on 8080 whose TCPRoute names the backends (Services with port 8080 and
// two endpoints each).
func weightedGatewaySet(t *testing.T, backends ...weighted) *aviobj.Set {
	t.Helper()
	cls := &gatewayv1.GatewayClass{
		ObjectMeta: metav1.ObjectMeta{Name: "avi-lb"},
		Spec:       gatewayv1.GatewayClassSpec{ControllerName: l4.GatewayControllerName},
	}
	gw := &gatewayv1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: "gw", Namespace: "core", Generation: 1},
		Spec: gatewayv1.GatewaySpec{GatewayClassName: "avi-lb", Listeners: []gatewayv1.Listener{
			{Name: "sbi", Port: 8080, Protocol: gatewayv1.TCPProtocolType},
		}},
	}
	route := gatewayv1.TCPRoute{
		ObjectMeta: metav1.ObjectMeta{Name: "sbi", Namespace: "core", Generation: 1},
		Spec: gatewayv1.TCPRouteSpec{
			CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: []gatewayv1.ParentReference{{Name: "gw"}}},
			Rules:           []gatewayv1.TCPRouteRule{{}},
		},
	}
	in := l4.GatewayInput{Gateway: gw, GatewayClass: cls}
	for _, b := range backends {
		si := serviceInput("core", b.svc, 2, tcp(8080))
		si.Service.Spec.Type = corev1.ServiceTypeClusterIP
		in.Services = append(in.Services, *si.Service)
		in.EndpointSlices = append(in.EndpointSlices, si.EndpointSlices...)
		route.Spec.Rules[0].BackendRefs = append(route.Spec.Rules[0].BackendRefs, gatewayv1.BackendRef{
			BackendObjectReference: gatewayv1.BackendObjectReference{Name: gatewayv1.ObjectName(b.svc), Port: ptr(gatewayv1.PortNumber(8080))},
			Weight:                 ptr(b.weight),
		})
	}
	in.TCPRoutes = []gatewayv1.TCPRoute{route}
	res := l4.TranslateGateway(in, l4.Options{ClusterName: cluster, License: "ENTERPRISE"})
	if res.Set == nil {
		t.Fatalf("translating Gateway core/gw: %v", res.Errors)
	}
	return res.Set
}

// TestPoolGroupLifecycle follows a weighted TCPRoute through Apply against
// the fake controller: created in dependency order (pools, then the pool
// group, then the policy set), converged with zero writes, new weights are
// one PUT of the pool group, a removed backend takes its pool and
// membership with it, and back to one backend the rule selects the pool
// and the pool group is deleted; Delete removes everything in reverse
// order. Every step ends converged with nothing stale.
func TestPoolGroupLifecycle(t *testing.T) {
	e := newEnv(t)
	log := &writeLog{}
	e.fake.SetFault(log.fault)
	ctx := context.Background()
	const (
		pg   = "c1--core-gw-TCP-8080"
		vsvc = "c1--core-gw"
	)
	pool := func(svc string) string { return "c1--core-" + svc + "-gw-TCP-8080" }

	// members reads the live pool group as "pool=ratio" (pool by name).
	members := func(t *testing.T) []string {
		t.Helper()
		var live aviobj.PoolGroup
		ok, err := e.fake.Decode("admin", "poolgroup", pg, &live)
		if err != nil || !ok {
			t.Fatalf("pool group %s: found %v, %v", pg, ok, err)
		}
		var out []string
		for _, m := range live.Members {
			r, err := aviobj.ParseRef(m.PoolRef)
			if err != nil || m.Ratio == nil {
				t.Fatalf("member %+v: %v", m, err)
			}
			out = append(out, fmt.Sprintf("%s=%d", r.Name, *m.Ratio))
		}
		return out
	}
	steps := []struct {
		name        string
		backends    []weighted
		wantWrites  []string
		wantPools   []string
		wantMembers []string // nil: no pool group
		wantAction  string
	}{
		{
			name:     "create 70/20/10",
			backends: []weighted{{"a", 70}, {"b", 20}, {"c", 10}},
			wantWrites: []string{"POST vsvip", "POST pool", "POST pool", "POST pool", "POST poolgroup",
				"POST l4policyset", "POST virtualservice"},
			wantPools:   []string{pool("a"), pool("b"), pool("c")},
			wantMembers: []string{pool("a") + "=70", pool("b") + "=20", pool("c") + "=10"},
			wantAction:  aviobj.ActionSelectPoolGroup,
		},
		{
			name:        "weights changed: one PUT of the pool group",
			backends:    []weighted{{"a", 50}, {"b", 30}, {"c", 0}},
			wantWrites:  []string{"PUT poolgroup"},
			wantPools:   []string{pool("a"), pool("b"), pool("c")},
			wantMembers: []string{pool("a") + "=50", pool("b") + "=30", pool("c") + "=0"},
			wantAction:  aviobj.ActionSelectPoolGroup,
		},
		{
			name:        "backend c removed: its membership, then its pool",
			backends:    []weighted{{"a", 50}, {"b", 30}},
			wantWrites:  []string{"PUT poolgroup", "DELETE pool"},
			wantPools:   []string{pool("a"), pool("b")},
			wantMembers: []string{pool("a") + "=50", pool("b") + "=30"},
			wantAction:  aviobj.ActionSelectPoolGroup,
		},
		{
			name:       "back to one backend: the rule selects its pool, the pool group and b's pool go",
			backends:   []weighted{{"a", 1}},
			wantWrites: []string{"PUT l4policyset", "DELETE poolgroup", "DELETE pool"},
			wantPools:  []string{pool("a")},
			wantAction: aviobj.ActionSelectPool,
		},
		{
			name:        "two backends again: a pool group over the kept pool and a new one",
			backends:    []weighted{{"a", 80}, {"b", 20}},
			wantWrites:  []string{"POST pool", "POST poolgroup", "PUT l4policyset"},
			wantPools:   []string{pool("a"), pool("b")},
			wantMembers: []string{pool("a") + "=80", pool("b") + "=20"},
			wantAction:  aviobj.ActionSelectPoolGroup,
		},
	}
	var set *aviobj.Set
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			set = weightedGatewaySet(t, st.backends...)
			log.take()
			mustApply(t, e, set)
			if diff := cmp.Diff(st.wantWrites, log.take()); diff != "" {
				t.Errorf("writes (-want +got):\n%s", diff)
			}
			assertConverged(t, e, set)
			if diff := cmp.Diff(st.wantPools, e.fake.Names("admin", "pool")); diff != "" {
				t.Errorf("pools on the controller (-want +got):\n%s", diff)
			}
			if st.wantMembers == nil {
				if n := e.fake.Names("admin", "poolgroup"); len(n) != 0 {
					t.Errorf("pool groups left: %v", n)
				}
			} else if diff := cmp.Diff(st.wantMembers, members(t)); diff != "" {
				t.Errorf("pool group members (-want +got):\n%s", diff)
			}
			var ps aviobj.L4PolicySet
			if _, err := e.fake.Decode("admin", "l4policyset", vsvc, &ps); err != nil {
				t.Fatal(err)
			}
			if got := ps.L4ConnectionPolicy.Rules[0].Action.SelectPool.ActionType; got != st.wantAction {
				t.Errorf("rule action %s, want %s", got, st.wantAction)
			}
		})
	}

	// DeleteKey (the Gateway is gone) finds the pool group through the
	// policy set and deletes it after its referrer, before its pools.
	log.take()
	if _, err := e.a.DeleteKey(ctx, apply.KeyOf(set)); err != nil {
		t.Fatal(err)
	}
	want := []string{"DELETE virtualservice", "DELETE l4policyset", "DELETE poolgroup", "DELETE pool", "DELETE pool", "DELETE vsvip"}
	if diff := cmp.Diff(want, log.take()); diff != "" {
		t.Errorf("delete writes (-want +got):\n%s", diff)
	}
	for _, kind := range []aviobj.Kind{aviobj.KindVirtualService, aviobj.KindVsVip, aviobj.KindPool, aviobj.KindPoolGroup, aviobj.KindL4PolicySet} {
		if n := e.fake.Names("admin", kind); len(n) != 0 {
			t.Errorf("%s left after DeleteKey: %v", kind, n)
		}
	}
}

// TestPoolGroupStrayFound: a pool group left behind by a run that stopped
// after the policy set stopped referring to it is found by its Gateway
// marker and deleted, with its pools.
func TestPoolGroupStrayFound(t *testing.T) {
	e := newEnv(t)
	mustApply(t, e, weightedGatewaySet(t, weighted{"a", 1}, weighted{"b", 1}))
	one := weightedGatewaySet(t, weighted{"a", 1})
	// The run that went to one backend stopped after its PUT of the policy
	// set: the pool group and b's pool are stray.
	if err := e.fake.Edit("admin", "l4policyset", "c1--core-gw", func(obj map[string]any) {
		var policy any
		b, _ := json.Marshal(one.L4PolicySet.L4ConnectionPolicy)
		_ = json.Unmarshal(b, &policy)
		obj["l4_connection_policy"] = policy
	}); err != nil {
		t.Fatal(err)
	}
	ch, err := e.a.Plan(context.Background(), one)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"delete poolgroup c1--core-gw-TCP-8080", "delete pool c1--core-b-gw-TCP-8080"}
	if diff := cmp.Diff(want, changeList(ch)); diff != "" {
		t.Errorf("Plan (-want +got):\n%s", diff)
	}
	mustApply(t, e, one)
	assertConverged(t, e, one)
	if n := e.fake.Names("admin", "poolgroup"); len(n) != 0 {
		t.Errorf("pool groups left: %v", n)
	}
}
