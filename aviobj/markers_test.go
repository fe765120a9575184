package aviobj_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/aviobj"
)

func marker(key, value string) aviobj.Marker {
	return aviobj.Marker{Key: key, Values: []string{value}}
}

func TestMarkersList(t *testing.T) {
	tests := []struct {
		name    string
		markers aviobj.Markers
		want    []aviobj.Marker
	}{
		{
			name:    "vsvip-clustername-only",
			markers: aviobj.Markers{ClusterName: "c1"},
			want:    []aviobj.Marker{marker("clustername", "c1")},
		},
		{
			name:    "dedicated-virtualservice",
			markers: aviobj.Markers{ClusterName: "c1", Namespace: "default", ServiceName: "svc"},
			want: []aviobj.Marker{
				marker("clustername", "c1"),
				marker("Namespace", "default"),
				marker("ServiceName", "svc"),
			},
		},
		{
			name:    "dedicated-pool",
			markers: aviobj.Markers{ClusterName: "c1", Namespace: "default", ServiceName: "svc", Port: "9000"},
			want: []aviobj.Marker{
				marker("clustername", "c1"),
				marker("Namespace", "default"),
				marker("ServiceName", "svc"),
				marker("Port", "9000"),
			},
		},
		{
			name:    "dedicated-l4policyset",
			markers: aviobj.Markers{ClusterName: "c1", Namespace: "default", ServiceName: "svc", Protocol: "SCTP,TCP"},
			want: []aviobj.Marker{
				marker("clustername", "c1"),
				marker("Namespace", "default"),
				marker("ServiceName", "svc"),
				marker("Protocol", "SCTP,TCP"),
			},
		},
		{
			name:    "gateway-virtualservice",
			markers: aviobj.Markers{ClusterName: "c1", Namespace: "gwns", GatewayName: "gw"},
			want: []aviobj.Marker{
				marker("clustername", "c1"),
				marker("Namespace", "gwns"),
				marker("GatewayName", "gw"),
			},
		},
		{
			// Fields are set in reverse order here; List must not care.
			name: "every-field-in-fixed-order",
			markers: aviobj.Markers{
				GatewayName:      "gw",
				Protocol:         "SCTP",
				Port:             "38412",
				ServiceName:      "svc",
				InfraSettingName: "infra",
				Namespace:        "ns",
				ClusterName:      "c1",
			},
			want: []aviobj.Marker{
				marker("clustername", "c1"),
				marker("Namespace", "ns"),
				marker("InfrasettingName", "infra"),
				marker("ServiceName", "svc"),
				marker("Port", "38412"),
				marker("Protocol", "SCTP"),
				marker("GatewayName", "gw"),
			},
		},
		{
			name:    "empty-fields-between-set-ones-skipped",
			markers: aviobj.Markers{ClusterName: "c1", InfraSettingName: "infra", Protocol: "UDP"},
			want: []aviobj.Marker{
				marker("clustername", "c1"),
				marker("InfrasettingName", "infra"),
				marker("Protocol", "UDP"),
			},
		},
		{
			name:    "clustername-always-sent",
			markers: aviobj.Markers{},
			want:    []aviobj.Marker{marker("clustername", "")},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.markers.List()); diff != "" {
				t.Errorf("List() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMarkerValue(t *testing.T) {
	list := []aviobj.Marker{
		marker("clustername", "c1"),
		{Key: "Empty"},
		{Key: "Multi", Values: []string{"first", "second"}},
		marker("Namespace", "ns"),
	}
	tests := []struct {
		name      string
		markers   []aviobj.Marker
		key       string
		want      string
		wantFound bool
	}{
		{name: "first-marker", markers: list, key: "clustername", want: "c1", wantFound: true},
		{name: "later-marker", markers: list, key: "Namespace", want: "ns", wantFound: true},
		{name: "first-of-several-values", markers: list, key: "Multi", want: "first", wantFound: true},
		{name: "present-without-values", markers: list, key: "Empty", want: "", wantFound: true},
		{name: "absent", markers: list, key: "ServiceName", want: "", wantFound: false},
		{name: "keys-are-case-sensitive", markers: list, key: "namespace", want: "", wantFound: false},
		{name: "nil-list", markers: nil, key: "clustername", want: "", wantFound: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, found := aviobj.MarkerValue(tt.markers, tt.key)
			if got != tt.want || found != tt.wantFound {
				t.Errorf("MarkerValue(%q) = %q, %v; want %q, %v", tt.key, got, found, tt.want, tt.wantFound)
			}
		})
	}
}

func TestMarkerValueReadsList(t *testing.T) {
	list := aviobj.Markers{ClusterName: "c1", Namespace: "ns", Port: "80"}.List()
	for key, want := range map[string]string{"clustername": "c1", "Namespace": "ns", "Port": "80"} {
		if got, ok := aviobj.MarkerValue(list, key); !ok || got != want {
			t.Errorf("MarkerValue(List(), %q) = %q, %v; want %q, true", key, got, ok, want)
		}
	}
}

func TestCreatedBy(t *testing.T) {
	tests := []struct {
		cluster string
		want    string
	}{
		{cluster: "c1", want: "ako-c1"},
		{cluster: "my_cluster-2", want: "ako-my_cluster-2"},
	}
	for _, tt := range tests {
		t.Run(tt.cluster, func(t *testing.T) {
			if got := aviobj.CreatedBy(tt.cluster); got != tt.want {
				t.Errorf("CreatedBy(%q) = %q, want %q", tt.cluster, got, tt.want)
			}
		})
	}
}
