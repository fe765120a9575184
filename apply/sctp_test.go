package apply_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/l4"
)

// sctpSet is the Set of Service ns/name with the ports and the
// avil4.io/port-overrides annotation overrides ("" for none).
func sctpSet(t *testing.T, name, overrides string, ports ...port) *aviobj.Set {
	t.Helper()
	in := serviceInput("ns", name, 2, ports...)
	if overrides != "" {
		in.Service.Annotations = map[string]string{l4.AnnotationPortOverrides: overrides}
	}
	return setFor(t, in)
}

// TestApplySCTPProxyLifecycle tells the story of a tuned SCTP port of a
// mixed SCTP+TCP Service: its NetworkProfile is created before the
// VirtualService, a change of settings PUTs the profile only, and removing
// the override updates the VirtualService first, then deletes the profile.
func TestApplySCTPProxyLifecycle(t *testing.T) {
	e := newEnv(t)
	log := &writeLog{}
	e.fake.SetFault(log.fault)
	const np = "c1--ns-mme-SCTP-36412-np"
	ports := []port{sctp(36412), tcp(9090)}

	set := sctpSet(t, "mme", `[{port: SCTP/36412, sctpProxy: {numberOfStreams: 16, heartbeatInterval: 30}}]`, ports...)
	mustApply(t, e, set)
	if diff := cmp.Diff([]string{"POST networkprofile", "POST vsvip", "POST pool", "POST pool", "POST l4policyset", "POST virtualservice"}, log.take()); diff != "" {
		t.Errorf("first apply writes (-want +got):\n%s", diff)
	}
	var live aviobj.NetworkProfile
	if ok, err := e.fake.Decode("admin", "networkprofile", np, &live); !ok || err != nil {
		t.Fatalf("networkprofile %s: %v, %v", np, ok, err)
	}
	if p := live.Profile.SCTPProxyProfile; live.Profile.Type != aviobj.ProtocolTypeSCTPProxy || p == nil || p.NumberOfStreams == nil || *p.NumberOfStreams != 16 {
		t.Errorf("live profile %+v", live.Profile)
	}
	assertConverged(t, e, set)
	mustApply(t, e, set)
	if w := log.take(); len(w) != 0 {
		t.Errorf("converged apply writes %v", w)
	}

	// New settings: the profile alone is updated (the VirtualService
	// refers to it by name).
	set = sctpSet(t, "mme", `[{port: SCTP/36412, sctpProxy: {numberOfStreams: 32, heartbeatInterval: 60, idleTimeout: 0}}]`, ports...)
	mustApply(t, e, set)
	if diff := cmp.Diff([]string{"PUT networkprofile"}, log.take()); diff != "" {
		t.Errorf("settings change writes (-want +got):\n%s", diff)
	}
	assertConverged(t, e, set)

	// Out of band, someone changes the profile: repaired.
	if err := e.fake.Edit("admin", "networkprofile", np, func(o map[string]any) {
		o["profile"].(map[string]any)["sctp_proxy_profile"].(map[string]any)["number_of_streams"] = 4
	}); err != nil {
		t.Fatal(err)
	}
	mustApply(t, e, set)
	if diff := cmp.Diff([]string{"PUT networkprofile"}, log.take()); diff != "" {
		t.Errorf("drift repair writes (-want +got):\n%s", diff)
	}

	// The override removed: the VirtualService stops referring to the
	// profile, then the profile is deleted.
	set = sctpSet(t, "mme", "", ports...)
	ch, err := e.a.Plan(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"update virtualservice c1--ns-mme", "delete networkprofile " + np}, changeList(ch)); diff != "" {
		t.Errorf("plan (-want +got):\n%s", diff)
	}
	mustApply(t, e, set)
	if diff := cmp.Diff([]string{"PUT virtualservice", "DELETE networkprofile"}, log.take()); diff != "" {
		t.Errorf("override removal writes (-want +got):\n%s", diff)
	}
	if names := e.fake.Names("admin", "networkprofile"); strings.Contains(strings.Join(names, ","), "-np") {
		t.Errorf("network profiles left: %v", names)
	}
	assertConverged(t, e, set)
}

// TestApplySCTPProxyOnlyPort: the profile of an SCTP-only Service is the
// VirtualService's network_profile_ref; deleting the Set deletes it after
// the VirtualService.
func TestApplySCTPProxyOnlyPort(t *testing.T) {
	e := newEnv(t)
	log := &writeLog{}
	e.fake.SetFault(log.fault)
	set := sctpSet(t, "amf", `[{port: SCTP/38412, sctpProxy: {numberOfStreams: 16}}]`, sctp(38412))
	if got, want := set.VirtualService.NetworkProfileRef, aviobj.RefByName(aviobj.KindNetworkProfile, "c1--ns-amf-SCTP-38412-np"); got != want {
		t.Fatalf("network_profile_ref %q, want %q", got, want)
	}
	mustApply(t, e, set)
	log.take()
	assertConverged(t, e, set)
	res, err := e.a.Delete(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"DELETE virtualservice", "DELETE l4policyset", "DELETE pool", "DELETE vsvip", "DELETE networkprofile"}, log.take()); diff != "" {
		t.Errorf("delete writes (-want +got):\n%s", diff)
	}
	if len(res.Objects) != 5 {
		t.Errorf("deleted %v", res.Objects)
	}
	// By Key (the Service gone): nothing is left to find.
	mustApply(t, e, set)
	log.take()
	if _, err := e.a.DeleteKey(context.Background(), apply.KeyOf(set)); err != nil {
		t.Fatal(err)
	}
	if e.fake.Count("virtualservice") != 0 || strings.Contains(strings.Join(e.fake.Names("admin", "networkprofile"), ","), "-np") {
		t.Errorf("left after DeleteKey: %v %v", e.fake.Names("admin", "virtualservice"), e.fake.Names("admin", "networkprofile"))
	}
}

// TestApplySCTPProxyVersions: a tuned profile needs 22.1.3 (its fields and
// type value are 22.1.3's); below, the Set is refused before any call.
func TestApplySCTPProxyVersions(t *testing.T) {
	for _, tt := range []struct {
		version string
		refused bool
	}{{"21.1.4", true}, {"22.1.2", true}, {"22.1.3", false}, {"30.2.1", false}} {
		t.Run(tt.version, func(t *testing.T) {
			e := newEnv(t, avitest.WithVersion(tt.version))
			set := sctpSet(t, "amf", `[{port: SCTP/38412, sctpProxy: {heartbeatInterval: 30}}]`, sctp(38412))
			_, err := e.a.Apply(context.Background(), set)
			if !tt.refused {
				if err != nil {
					t.Fatalf("Apply: %v", err)
				}
				assertConverged(t, e, set)
				return
			}
			var ue *apply.UnsupportedError
			if !errors.As(err, &ue) {
				t.Fatalf("Apply = %v, want an *UnsupportedError", err)
			}
			if want := `networkprofile "c1--ns-amf-SCTP-38412-np" profile.sctp_proxy_profile: introduced in 22.1.3`; !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
			if n := e.fake.Calls().Total(); n != 0 {
				t.Errorf("%d calls before the refusal", n)
			}
		})
	}
}

// TestApplyAllSCTPProxy: the bulk path lists network profiles when a Set
// has some, and finds a stale one through the fallback read when none has.
func TestApplyAllSCTPProxy(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	tuned := []*aviobj.Set{
		sctpSet(t, "amf", `[{port: SCTP/38412, sctpProxy: {numberOfStreams: 16}}]`, sctp(38412)),
		sctpSet(t, "mme", `[{port: SCTP/36412, sctpProxy: {numberOfStreams: 32}}]`, sctp(36412), tcp(9090)),
	}
	if _, err := e.a.ApplyAll(ctx, tuned); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.Names("admin", "networkprofile"); !strings.Contains(strings.Join(got, ","), "c1--ns-amf-SCTP-38412-np,c1--ns-mme-SCTP-36412-np") {
		t.Errorf("network profiles %v", got)
	}
	plain := []*aviobj.Set{sctpSet(t, "amf", "", sctp(38412)), sctpSet(t, "mme", "", sctp(36412), tcp(9090))}
	if _, err := e.a.ApplyAll(ctx, plain); err != nil {
		t.Fatal(err)
	}
	if got := e.fake.Names("admin", "networkprofile"); strings.Contains(strings.Join(got, ","), "-np") {
		t.Errorf("network profiles left: %v", got)
	}
	changes, err := e.a.PlanAll(ctx, plain)
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range changes {
		if ch.HasChanges() {
			t.Errorf("not converged:\n%s", ch)
		}
	}
}

// tunedGatewaySet is the Set of Gateway ns/gw with an SCTP listener
// "ngap" on 38412 served by Service amf, tuned by the
// avil4.io/listener-overrides annotation overrides ("" for none).
func tunedGatewaySet(t *testing.T, overrides string) *aviobj.Set {
	t.Helper()
	cls := &gatewayv1.GatewayClass{
		ObjectMeta: metav1.ObjectMeta{Name: "avi-lb"},
		Spec:       gatewayv1.GatewayClassSpec{ControllerName: l4.GatewayControllerName},
	}
	gw := &gatewayv1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: "gw", Namespace: "ns", Generation: 1},
		Spec: gatewayv1.GatewaySpec{GatewayClassName: "avi-lb", Listeners: []gatewayv1.Listener{
			{Name: "ngap", Port: 38412, Protocol: "SCTP"}, {Name: "sbi", Port: 8080, Protocol: "TCP"},
		}},
	}
	if overrides != "" {
		gw.Annotations = map[string]string{l4.AnnotationListenerOverrides: overrides}
	}
	si := serviceInput("ns", "amf", 2, sctp(38412), tcp(8080))
	si.Service.Spec.Type = corev1.ServiceTypeClusterIP
	si.Service.Labels = map[string]string{l4.LabelGatewayName: "gw", l4.LabelGatewayNamespace: "ns"}
	res := l4.TranslateGateway(l4.GatewayInput{Gateway: gw, GatewayClass: cls, Services: []corev1.Service{*si.Service}, EndpointSlices: si.EndpointSlices},
		l4.Options{ClusterName: cluster, License: "ENTERPRISE"})
	if res.Set == nil {
		t.Fatalf("translating the Gateway: %v", res.Errors)
	}
	return res.Set
}

// TestApplyGatewaySCTPProxy: a tuned Gateway listener's profile (identity:
// the Gateway's markers and the port) follows the same lifecycle.
func TestApplyGatewaySCTPProxy(t *testing.T) {
	e := newEnv(t)
	log := &writeLog{}
	e.fake.SetFault(log.fault)
	set := tunedGatewaySet(t, `[{listener: ngap, sctpProxy: {numberOfStreams: 16}}]`)
	mustApply(t, e, set)
	if diff := cmp.Diff([]string{"POST networkprofile", "POST vsvip", "POST pool", "POST pool", "POST l4policyset", "POST virtualservice"}, log.take()); diff != "" {
		t.Errorf("first apply writes (-want +got):\n%s", diff)
	}
	assertConverged(t, e, set)
	set = tunedGatewaySet(t, `[{port: SCTP/38412, sctpProxy: {numberOfStreams: 8}}]`)
	mustApply(t, e, set)
	if diff := cmp.Diff([]string{"PUT networkprofile"}, log.take()); diff != "" {
		t.Errorf("settings change writes (-want +got):\n%s", diff)
	}
	set = tunedGatewaySet(t, "")
	mustApply(t, e, set)
	if diff := cmp.Diff([]string{"PUT virtualservice", "DELETE networkprofile"}, log.take()); diff != "" {
		t.Errorf("override removal writes (-want +got):\n%s", diff)
	}
	assertConverged(t, e, set)
}
