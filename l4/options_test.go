package l4_test

import (
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/l4"
)

func TestOptionsValidate(t *testing.T) {
	p := field.NewPath("options")
	for _, tc := range []struct {
		name  string
		tweak func(*l4.Options)
		want  []string // field paths with an error, in order
	}{
		{name: "valid", tweak: func(*l4.Options) {}},
		{name: "own load balancer class", tweak: func(o *l4.Options) { o.LoadBalancerClass = "example.com/l4" }},
		{name: "class without a domain", tweak: func(o *l4.Options) { o.LoadBalancerClass = "l4" }, want: []string{p.Child("loadBalancerClass").String()}},
		{name: "class with a bad domain", tweak: func(o *l4.Options) { o.LoadBalancerClass = "Example_com/l4" }, want: []string{p.Child("loadBalancerClass").String()}},
		{name: "bad cluster name", tweak: func(o *l4.Options) { o.ClusterName = "a b" }, want: []string{p.Child("clusterName").String()}},
		{name: "peer labels without RHI", tweak: func(o *l4.Options) { o.BGPPeerLabels = []string{"x"} }, want: []string{p.Child("bgpPeerLabels").String()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := l4.Options{ClusterName: "c"}
			tc.tweak(&o)
			var got []string
			for _, e := range o.Validate() {
				got = append(got, e.Field)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("Validate() = %v, want errors on %v", o.Validate(), tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("error %d on %s, want %s", i, got[i], tc.want[i])
				}
			}
		})
	}
}
