package l4_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/l4"
)

func TestValidateAviInfraSetting(t *testing.T) {
	yes := true
	net := field.NewPath("spec", "network")
	for _, tc := range []struct {
		name  string
		tweak func(*l4.AviInfraSetting)
		want  []wantErr
	}{
		{name: "valid"},
		{
			name:  "wrong apiVersion, a namespace",
			tweak: func(s *l4.AviInfraSetting) { s.APIVersion, s.Namespace = "ako.vmware.com/v1", "ns" },
			want: []wantErr{
				{field.ErrorTypeNotSupported, "apiVersion", "ako.vmware.com/v1beta1"},
				{field.ErrorTypeForbidden, "metadata.namespace", "cluster-scoped"},
			},
		},
		{
			name:  "seGroup without a name (CRD: required)",
			tweak: func(s *l4.AviInfraSetting) { s.Spec.SEGroup.Name = "" },
			want:  []wantErr{{field.ErrorTypeRequired, "spec.seGroup.name", "service engine group"}},
		},
		{
			name:  "seGroup name with a control character",
			tweak: func(s *l4.AviInfraSetting) { s.Spec.SEGroup.Name = "seg\n" },
			want:  []wantErr{{field.ErrorTypeInvalid, "spec.seGroup.name", "not a valid Avi object name"}},
		},
		{
			name: "VIP networks: no name, name and uuid (CRD oneOf), bad uuid, CIDRs of the wrong family and with host bits",
			tweak: func(s *l4.AviInfraSetting) {
				s.Spec.Network.VIPNetworks = []l4.VIPNetwork{
					{CIDR: "10.0.0.0/24"},
					{NetworkName: "a", NetworkUUID: "network-1"},
					{NetworkUUID: "a/b"},
					{NetworkName: "v", CIDR: "2001:db8::/64", V6CIDR: "10.0.0.0/8"},
					{NetworkName: "w", CIDR: "10.0.0.1/24", V6CIDR: "2001:db8::/129"},
				}
			},
			want: []wantErr{
				{field.ErrorTypeRequired, net.Child("vipNetworks").Index(0).Child("networkName").String(), "networkName or a networkUUID"},
				{field.ErrorTypeForbidden, net.Child("vipNetworks").Index(1).Child("networkUUID").String(), "together with networkName"},
				{field.ErrorTypeInvalid, net.Child("vipNetworks").Index(2).Child("networkUUID").String(), "must not contain '/'"},
				{field.ErrorTypeInvalid, net.Child("vipNetworks").Index(3).Child("cidr").String(), "must be an IPv4 CIDR"},
				{field.ErrorTypeInvalid, net.Child("vipNetworks").Index(3).Child("v6cidr").String(), "must be an IPv6 CIDR"},
				{field.ErrorTypeInvalid, net.Child("vipNetworks").Index(4).Child("cidr").String(), "bits set beyond the prefix length"},
				{field.ErrorTypeInvalid, net.Child("vipNetworks").Index(4).Child("v6cidr").String(), "valid CIDR"},
			},
		},
		{
			name: "node networks: no name, bad and empty cidrs",
			tweak: func(s *l4.AviInfraSetting) {
				s.Spec.Network.NodeNetworks = []l4.NodeNetwork{{CIDRs: []string{"192.168.0.0/24"}}, {NetworkName: "n", CIDRs: []string{"nope", ""}}}
			},
			want: []wantErr{
				{field.ErrorTypeRequired, net.Child("nodeNetworks").Index(0).Child("networkName").String(), ""},
				{field.ErrorTypeInvalid, net.Child("nodeNetworks").Index(1).Child("cidrs").Index(0).String(), "valid CIDR"},
				{field.ErrorTypeRequired, net.Child("nodeNetworks").Index(1).Child("cidrs").Index(1).String(), ""},
			},
		},
		{
			name:  "BGP peer labels without RHI (AKO's controller)",
			tweak: func(s *l4.AviInfraSetting) { s.Spec.Network.EnableRHI = nil },
			want:  []wantErr{{field.ErrorTypeForbidden, net.Child("bgpPeerLabels").String(), "enableRhi is true"}},
		},
		{
			name: "129 BGP peer labels, an empty one",
			tweak: func(s *l4.AviInfraSetting) {
				s.Spec.Network.BGPPeerLabels = make([]string, 129)
				for i := range s.Spec.Network.BGPPeerLabels {
					s.Spec.Network.BGPPeerLabels[i] = strings.Repeat("p", i+1)
				}
				s.Spec.Network.BGPPeerLabels[5] = ""
			},
			want: []wantErr{
				{field.ErrorTypeTooMany, net.Child("bgpPeerLabels").String(), "128"},
				{field.ErrorTypeRequired, net.Child("bgpPeerLabels").Index(5).String(), "may not be empty"},
			},
		},
		{
			name: "L7 listeners: bad port, none with SSL (AKO's controller)",
			tweak: func(s *l4.AviInfraSetting) {
				s.Spec.Network.Listeners = []l4.InfraListener{{Port: 0}, {Port: 443}}
			},
			want: []wantErr{
				{field.ErrorTypeInvalid, net.Child("listeners").Index(0).Child("port").String(), "between 1 and 65535"},
				{field.ErrorTypeInvalid, net.Child("listeners").String(), "enableSSL"},
			},
		},
		{
			name: "nsxSettings without t1lr, l7Settings with an unknown shard size",
			tweak: func(s *l4.AviInfraSetting) {
				s.Spec.NSXSettings = &l4.InfraNSXSettings{}
				s.Spec.L7Settings = &l4.InfraL7Settings{ShardSize: "HUGE"}
			},
			want: []wantErr{
				{field.ErrorTypeRequired, "spec.nsxSettings.t1lr", "tier-1"},
				{field.ErrorTypeNotSupported, "spec.l7Settings.shardSize", "DEDICATED"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := &l4.AviInfraSetting{
				TypeMeta:   metav1.TypeMeta{APIVersion: "ako.vmware.com/v1beta1", Kind: "AviInfraSetting"},
				ObjectMeta: metav1.ObjectMeta{Name: "telco"},
				Spec: l4.AviInfraSettingSpec{
					SEGroup: &l4.InfraSEGroup{Name: "seg"},
					Network: &l4.InfraNetwork{
						VIPNetworks:   []l4.VIPNetwork{{NetworkName: "vip", CIDR: "10.0.0.0/24", V6CIDR: "2001:db8::/64"}},
						NodeNetworks:  []l4.NodeNetwork{{NetworkUUID: "network-2", CIDRs: []string{"192.168.0.0/24"}}},
						EnableRHI:     &yes,
						BGPPeerLabels: []string{"peer"},
					},
					NSXSettings: &l4.InfraNSXSettings{T1LR: "/infra/tier-1s/t1"},
				},
			}
			if tc.tweak != nil {
				tc.tweak(s)
			}
			checkErrs(t, l4.ValidateAviInfraSetting(s), tc.want)
		})
	}
}

// TestWithInfraSetting: an invalid setting changes nothing and is reported
// at its own paths, named; the Service side (annotation) sees the same.
func TestWithInfraSetting(t *testing.T) {
	bad := &l4.AviInfraSetting{ObjectMeta: metav1.ObjectMeta{Name: "telco"}, Spec: l4.AviInfraSettingSpec{
		SEGroup: &l4.InfraSEGroup{Name: "seg"},
		Network: &l4.InfraNetwork{VIPNetworks: []l4.VIPNetwork{{NetworkName: "vip", CIDR: "10.0.0.0/33"}}}}}
	o := gwOptions()
	got, errs := o.WithInfraSetting(bad, field.NewPath("gatewayClass", "spec", "parametersRef"))
	checkErrs(t, errs, []wantErr{{field.ErrorTypeInvalid, "spec.network.vipNetworks[0].cidr", "AviInfraSetting telco: must be a valid CIDR"}})
	if diff := cmp.Diff(o, got); diff != "" {
		t.Errorf("options changed by a refused setting (-want +got):\n%s", diff)
	}

	got, errs = o.WithInfraSetting(nil, nil)
	if len(errs) > 0 || !cmp.Equal(o, got) {
		t.Errorf("nil setting: %v, %+v", errs, got)
	}

	rejected := &l4.AviInfraSetting{ObjectMeta: metav1.ObjectMeta{Name: "r"}, Status: l4.AviInfraSettingStatus{Status: "Rejected", Error: "no such SE group"}}
	_, errs = o.WithInfraSetting(rejected, field.NewPath("gatewayClass", "spec", "parametersRef"))
	checkErrs(t, errs, []wantErr{{field.ErrorTypeInvalid, "gatewayClass.spec.parametersRef", "Rejected: no such SE group"}})

	good := &l4.AviInfraSetting{ObjectMeta: metav1.ObjectMeta{Name: "g"}, Spec: l4.AviInfraSettingSpec{SEGroup: &l4.InfraSEGroup{Name: "seg"},
		Network: &l4.InfraNetwork{VIPNetworks: []l4.VIPNetwork{{NetworkName: "vip", CIDR: "10.0.0.0/24"}}}}}
	got, errs = o.WithInfraSetting(good, nil)
	if len(errs) > 0 || got.SEGroup != "seg" || len(got.VIPNetworks) != 1 {
		t.Errorf("valid setting: %v, %+v", errs, got)
	}

	svc := corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "ns", Annotations: map[string]string{l4.AnnotationInfraSetting: "telco"}},
		Spec: corev1.ServiceSpec{Type: corev1.ServiceTypeLoadBalancer, Ports: []corev1.ServicePort{{Port: 38412, Protocol: corev1.ProtocolSCTP}}}}
	res := l4.TranslateService(l4.ServiceInput{Service: &svc, InfraSettings: []l4.AviInfraSetting{*bad}}, o)
	checkErrs(t, res.Errors, []wantErr{{field.ErrorTypeInvalid, "spec.network.vipNetworks[0].cidr", "AviInfraSetting telco:"}})
}
