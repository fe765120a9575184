package l4_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/avil4/avil4/l4"
	"github.com/avil4/avil4/profiles"
)

func member(name, key string, t corev1.ServiceType, ports ...corev1.ServicePort) corev1.Service {
	s := corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns"},
		Spec:       corev1.ServiceSpec{Type: t, Ports: ports},
	}
	if key != "" {
		s.Annotations = map[string]string{l4.AnnotationSharedVIP: key}
	}
	return s
}

func sctp(port int32) corev1.ServicePort {
	return corev1.ServicePort{Name: "s", Port: port, Protocol: corev1.ProtocolSCTP}
}

func udp(port int32) corev1.ServicePort {
	return corev1.ServicePort{Name: "u", Port: port, Protocol: corev1.ProtocolUDP}
}

// desiredPools translates every group and every dedicated Service and
// returns each VirtualService's pool names: the state an applier would
// converge to.
func desiredPools(t *testing.T, svcs []corev1.Service) map[string][]string {
	t.Helper()
	opts := l4.Options{ClusterName: "c1", License: profiles.LicenseEnterprise}
	out := map[string][]string{}
	for _, g := range l4.SharedVIPGroups(svcs) {
		res := l4.TranslateSharedVIP(l4.SharedVIPInput{Group: g, Services: svcs}, opts)
		if res.Set != nil {
			for _, p := range res.Set.Pools {
				out[res.Set.Name()] = append(out[res.Set.Name()], p.Name)
			}
		}
	}
	for i := range svcs {
		res := l4.TranslateService(l4.ServiceInput{Service: &svcs[i]}, opts)
		if res.Set != nil {
			for _, p := range res.Set.Pools {
				out[res.Set.Name()] = append(out[res.Set.Name()], p.Name)
			}
		}
	}
	return out
}

// TestSharedVIPMembershipStory: members join, leave, change type and change
// key; after each step every VirtualService holds exactly its members'
// pools, so an applier removes exactly the departed member's pools.
func TestSharedVIPMembershipStory(t *testing.T) {
	lb := corev1.ServiceTypeLoadBalancer
	steps := []struct {
		name string
		svcs []corev1.Service
		want map[string][]string
	}{
		{
			name: "a and b share VIP k",
			svcs: []corev1.Service{member("a", "k", lb, sctp(5000)), member("b", "k", lb, udp(53))},
			want: map[string][]string{"c1--ns-k": {"c1--ns-a-k-SCTP-5000", "c1--ns-b-k-UDP-53"}},
		},
		{
			name: "b leaves the group and gets its own VIP; a keeps only its pool",
			svcs: []corev1.Service{member("a", "k", lb, sctp(5000)), member("b", "", lb, udp(53))},
			want: map[string][]string{"c1--ns-k": {"c1--ns-a-k-SCTP-5000"}, "c1--ns-b": {"c1--ns-b-UDP-53"}},
		},
		{
			name: "b joins group j instead",
			svcs: []corev1.Service{member("a", "k", lb, sctp(5000)), member("b", "j", lb, udp(53))},
			want: map[string][]string{"c1--ns-k": {"c1--ns-a-k-SCTP-5000"}, "c1--ns-j": {"c1--ns-b-j-UDP-53"}},
		},
		{
			name: "b becomes ClusterIP: group j has no members and nothing else is created",
			svcs: []corev1.Service{member("a", "k", lb, sctp(5000)), member("b", "j", corev1.ServiceTypeClusterIP, udp(53))},
			want: map[string][]string{"c1--ns-k": {"c1--ns-a-k-SCTP-5000"}},
		},
		{
			name: "c joins k with a port a already serves: c's other port is added, the clash is not",
			svcs: []corev1.Service{member("a", "k", lb, sctp(5000)), member("c", "k", lb, sctp(5000), udp(5000))},
			want: map[string][]string{"c1--ns-k": {"c1--ns-a-k-SCTP-5000", "c1--ns-c-k-UDP-5000"}},
		},
	}
	for _, s := range steps {
		if diff := cmp.Diff(s.want, desiredPools(t, s.svcs)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", s.name, diff)
		}
	}
}
