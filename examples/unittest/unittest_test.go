package unittest_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json with the current output")

const (
	cluster   = "demo"
	namespace = "ran"
	name      = "amf"
)

// Pool names follow <cluster>--<namespace>-<service>-<PROTOCOL>-<port>.
var (
	sctpPool = aviobj.PoolName(cluster, namespace, name, "SCTP", 38412)
	tcpPool  = aviobj.PoolName(cluster, namespace, name, "TCP", 80)
)

// translate returns the Set avil4 makes of a LoadBalancer Service with an
// SCTP port (NGAP) and a TCP port, backed by two ready pods.
func translate(t *testing.T) *aviobj.Set {
	t.Helper()
	svc := &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace},
		Spec: corev1.ServiceSpec{
			Type: corev1.ServiceTypeLoadBalancer,
			Ports: []corev1.ServicePort{
				{Name: "ngap", Protocol: corev1.ProtocolSCTP, Port: 38412},
				{Name: "http", Protocol: corev1.ProtocolTCP, Port: 80},
			},
		},
	}
	slice := discoveryv1.EndpointSlice{
		ObjectMeta:  metav1.ObjectMeta{Name: name + "-abcde", Namespace: namespace, Labels: map[string]string{discoveryv1.LabelServiceName: name}},
		AddressType: discoveryv1.AddressTypeIPv4,
		Ports: []discoveryv1.EndpointPort{
			{Name: new("ngap"), Protocol: new(corev1.ProtocolSCTP), Port: new(int32(38412))},
			{Name: new("http"), Protocol: new(corev1.ProtocolTCP), Port: new(int32(8080))},
		},
		Endpoints: []discoveryv1.Endpoint{
			{Addresses: []string{"10.244.1.7"}, Conditions: discoveryv1.EndpointConditions{Ready: new(true)}},
			{Addresses: []string{"10.244.2.9"}, Conditions: discoveryv1.EndpointConditions{Ready: new(true)}},
		},
	}
	res := l4.TranslateService(l4.ServiceInput{Service: svc, EndpointSlices: []discoveryv1.EndpointSlice{slice}},
		l4.Options{ClusterName: cluster, License: profiles.LicenseEnterprise})
	if res.Set == nil || len(res.Errors) > 0 {
		t.Fatalf("translation failed: notOurs=%v errors=%v", res.NotOurs, res.Errors)
	}
	return res.Set
}

// (a) The whole output against a committed golden file.
func TestTranslateGolden(t *testing.T) {
	got := translate(t)
	golden := filepath.Join("testdata", name+".golden.json")
	if *update {
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	var want aviobj.Set
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&want, got, aviobj.CmpOptions()); diff != "" {
		t.Errorf("translation differs from %s (-want +got; go test -update rewrites it):\n%s", golden, diff)
	}
}

// (b) The facts this repository relies on, whatever else changes.
func TestTranslateSCTPFacts(t *testing.T) {
	set := translate(t)
	ref := aviobj.RefByName

	// Mixed protocols: the VirtualService takes the TCP profile and the SCTP
	// port overrides it.
	vs := set.VirtualService
	if !aviobj.RefsEqual(vs.NetworkProfileRef, ref(aviobj.KindNetworkProfile, "System-TCP-Proxy")) {
		t.Errorf("VS network profile = %q, want System-TCP-Proxy", vs.NetworkProfileRef)
	}
	for _, s := range vs.Services {
		want := "" // the TCP port uses the VS profile
		if s.Port == 38412 {
			want = ref(aviobj.KindNetworkProfile, "System-SCTP-Proxy")
		}
		if !aviobj.RefsEqual(s.OverrideNetworkProfileRef, want) {
			t.Errorf("port %d override = %q, want %q", s.Port, s.OverrideNetworkProfileRef, want)
		}
	}

	// The SCTP pool is checked by the System SCTP monitor.
	i := slices.IndexFunc(set.Pools, func(p aviobj.Pool) bool { return p.Name == sctpPool })
	if i < 0 {
		t.Fatalf("no pool %s", sctpPool)
	}
	if hm := set.Pools[i].HealthMonitorRefs; len(hm) != 1 || !aviobj.RefsEqual(hm[0], ref(aviobj.KindHealthMonitor, "System-SCTP")) {
		t.Errorf("SCTP pool monitors = %q, want [System-SCTP]", hm)
	}

	// Its L4 rule matches SCTP on 38412 and selects it.
	var found bool
	for _, r := range set.L4PolicySet.L4ConnectionPolicy.Rules {
		if r.Match.Protocol.Protocol != aviobj.ProtocolSCTP {
			continue
		}
		found = true
		if !slices.Equal(r.Match.Port.Ports, []int32{38412}) || !aviobj.RefsEqual(r.Action.SelectPool.PoolRef, ref(aviobj.KindPool, sctpPool)) {
			t.Errorf("SCTP rule matches %v and selects %q", r.Match.Port.Ports, r.Action.SelectPool.PoolRef)
		}
	}
	if !found {
		t.Error("no PROTOCOL_SCTP rule")
	}
}

// (c) Applying to the in-memory controller: created, converged, repaired.
func TestApplyToFakeController(t *testing.T) {
	set := translate(t)
	fake := avitest.New(avitest.WithVIPRange("10.50.0.0/24"))
	t.Cleanup(fake.Close)
	applier := apply.New(fake.Client(t), apply.Options{})
	ctx := t.Context()

	// First Apply: everything is created and a VIP allocated.
	res, err := applier.Apply(ctx, set)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Count(apply.Created), len(set.Objects()); got != want {
		t.Errorf("created %d objects, want %d:\n%s", got, want, res)
	}
	if got, want := fake.Names("admin", aviobj.KindPool), []string{sctpPool, tcpPool}; !slices.Equal(got, want) {
		t.Errorf("pools on the controller = %q, want %q", got, want)
	}
	if n := fake.Count(aviobj.KindVirtualService); n != 1 {
		t.Errorf("%d virtual services, want 1", n)
	}
	if vips := fake.VIPs("admin", set.VsVip.Name); len(res.VIPs) != 1 || !slices.Equal(res.VIPs, vips) {
		t.Errorf("Result VIPs %q, controller VIPs %q", res.VIPs, vips)
	}
	var live aviobj.Pool
	if ok, err := fake.Decode("admin", aviobj.KindPool, sctpPool, &live); !ok || err != nil {
		t.Fatalf("decode %s: %v %v", sctpPool, ok, err)
	}
	if len(live.Servers) != 2 || live.Servers[0].Port != 38412 {
		t.Errorf("live SCTP pool servers = %+v", live.Servers)
	}

	// Second Apply: converged, so reads only.
	fake.ResetCalls()
	res, err = applier.Apply(ctx, set)
	if err != nil {
		t.Fatal(err)
	}
	if res.Writes() != 0 || fake.Calls().Writes() != 0 {
		t.Errorf("second Apply wrote: result %d writes, controller saw %v", res.Writes(), fake.Calls())
	}

	// Someone switches the SCTP pool to a TCP monitor in the UI...
	err = fake.Edit("admin", aviobj.KindPool, sctpPool, func(o map[string]any) {
		o["health_monitor_refs"] = []any{aviobj.RefByName(aviobj.KindHealthMonitor, "System-TCP")}
	})
	if err != nil {
		t.Fatal(err)
	}
	// ...and the next Apply puts System-SCTP back with one PUT.
	fake.ResetCalls()
	res, err = applier.Apply(ctx, set)
	if err != nil {
		t.Fatal(err)
	}
	if res.Count(apply.Updated) != 1 || fake.Calls().Kind("pool").Method("PUT") != 1 {
		t.Errorf("repair: %s; calls %v", res, fake.Calls())
	}
	live = aviobj.Pool{}
	if _, err := fake.Decode("admin", aviobj.KindPool, sctpPool, &live); err != nil {
		t.Fatal(err)
	}
	if !aviobj.RefsEqual(live.HealthMonitorRefs[0], aviobj.RefByName(aviobj.KindHealthMonitor, "System-SCTP")) {
		t.Errorf("after repair the SCTP pool monitors are %q", live.HealthMonitorRefs)
	}
}
