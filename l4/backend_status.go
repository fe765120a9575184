package l4

import (
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/l4/svcapi"
)

// BackendServiceStatus is what a Gateway says about one Service it serves:
// the status.loadBalancer AKO writes on a Gateway's backend Services.
type BackendServiceStatus struct {
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	// LoadBalancer has one ingress entry per VIP of the Gateway, with the
	// hostname of the first listener serving the Service that has one
	// (its own hostname, else the Service's FQDN among the VsVip's, such
	// as an auto FQDN "<svc>.<ns>.<subdomain>"), as AKO.
	LoadBalancer corev1.LoadBalancerStatus `json:"loadBalancer"`
}

// GatewayBackendStatus computes, for a v1 Gateway's translation result and
// the VIPs the controller holds for it (as the applier reports them), the
// status of every Service bound to a served listener (by the gateway
// labels or a route's backendRefs), sorted by namespace and name. It is
// pure: writing it is the caller's business. Nothing is bound, and nil is
// returned, for a Gateway that is not ours, refused, or without a VIP yet.
//
// Kubernetes 1.29 and later refuse status.loadBalancer.ingress on a
// Service that is not of type LoadBalancer (and a Gateway backend is not:
// labelled LoadBalancer Services are refused as backends), so an operator
// on such a cluster reports this elsewhere (examples/controller writes it
// in a Service condition).
func GatewayBackendStatus(gw *gatewayv1.Gateway, res GatewayResult, vips []string) []BackendServiceStatus {
	if gw == nil {
		return nil
	}
	return backendStatus(res, vips, func(i int) string {
		if i < len(gw.Spec.Listeners) && gw.Spec.Listeners[i].Hostname != nil {
			return string(*gw.Spec.Listeners[i].Hostname)
		}
		return ""
	})
}

// LegacyGatewayBackendStatus is GatewayBackendStatus for a
// networking.x-k8s.io/v1alpha1 Gateway and the result of
// TranslateLegacyGateway.
func LegacyGatewayBackendStatus(gw *svcapi.Gateway, res GatewayResult, vips []string) []BackendServiceStatus {
	if gw == nil {
		return nil
	}
	return backendStatus(res, vips, func(i int) string {
		if i < len(gw.Spec.Listeners) && gw.Spec.Listeners[i].Hostname != nil {
			return *gw.Spec.Listeners[i].Hostname
		}
		return ""
	})
}

func backendStatus(res GatewayResult, vips []string, hostname func(int) string) []BackendServiceStatus {
	if res.NotOurs != nil || res.Set == nil || len(vips) == 0 {
		return nil
	}
	var fqdns []string
	if v := res.Set.VsVip; v != nil {
		for _, d := range v.DNSInfo {
			fqdns = append(fqdns, d.FQDN)
		}
	}
	type entry struct {
		ns, name, host string
	}
	var entries []entry
	for _, l := range res.Listeners {
		if !l.Served() {
			continue
		}
		for _, b := range l.Backends {
			nsName, _, _ := strings.Cut(b, ":")
			ns, name, ok := strings.Cut(nsName, "/")
			if !ok {
				continue
			}
			host := hostname(l.Index)
			if host == "" {
				prefix := name + "." + ns + "."
				if i := slices.IndexFunc(fqdns, func(f string) bool { return strings.HasPrefix(f, prefix) }); i >= 0 {
					host = fqdns[i]
				}
			}
			i := slices.IndexFunc(entries, func(e entry) bool { return e.ns == ns && e.name == name })
			switch {
			case i < 0:
				entries = append(entries, entry{ns, name, host})
			case entries[i].host == "":
				entries[i].host = host
			}
		}
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if c := strings.Compare(a.ns, b.ns); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	out := make([]BackendServiceStatus, 0, len(entries))
	for _, e := range entries {
		st := BackendServiceStatus{Namespace: e.ns, Name: e.name}
		for _, ip := range vips {
			st.LoadBalancer.Ingress = append(st.LoadBalancer.Ingress, corev1.LoadBalancerIngress{IP: ip, Hostname: e.host})
		}
		out = append(out, st)
	}
	return out
}
