package reconciler

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// GatewayAPIVersion is the Gateway API release whose CRDs the reconcilers
// are built against (the standard channel serves every kind they read at
// gateway.networking.k8s.io/v1).
const GatewayAPIVersion = "v1.6.3"

// gatewayKinds says which Gateway API kinds the API server serves at
// gateway.networking.k8s.io/v1, as discovered when Setup runs. GatewayClass
// and Gateway are required for any Gateway reconciler; the routes and
// ReferenceGrants are read (and watched) only when served, so an older or
// partial install still serves labelled Services.
type gatewayKinds struct {
	GatewayClass, Gateway, TCPRoute, UDPRoute, ReferenceGrant bool
}

// gateways reports whether the Gateway reconcilers can run at all.
func (k gatewayKinds) gateways() bool { return k.GatewayClass && k.Gateway }

// missing names the kinds not served, for the log.
func (k gatewayKinds) missing() []string {
	var out []string
	for _, m := range []struct {
		kind   string
		served bool
	}{{"GatewayClass", k.GatewayClass}, {"Gateway", k.Gateway}, {"TCPRoute", k.TCPRoute}, {"UDPRoute", k.UDPRoute}, {"ReferenceGrant", k.ReferenceGrant}} {
		if !m.served {
			out = append(out, m.kind)
		}
	}
	return out
}

// discoverGatewayKinds asks the API server (through the manager's REST
// mapper) which Gateway API v1 kinds it serves. A kind that is not served
// is false; any other discovery error is returned, so a flaky API server
// fails Setup rather than silently turning Gateways off.
func discoverGatewayKinds(mapper meta.RESTMapper) (gatewayKinds, error) {
	served := func(kind string) (bool, error) {
		_, err := mapper.RESTMapping(schema.GroupKind{Group: gatewayv1.GroupName, Kind: kind}, gatewayv1.GroupVersion.Version)
		switch {
		case err == nil:
			return true, nil
		case meta.IsNoMatchError(err):
			return false, nil
		}
		return false, fmt.Errorf("discovering %s.%s/%s: %w", kind, gatewayv1.GroupName, gatewayv1.GroupVersion.Version, err)
	}
	var k gatewayKinds
	for _, f := range []struct {
		kind string
		dst  *bool
	}{{"GatewayClass", &k.GatewayClass}, {"Gateway", &k.Gateway}, {"TCPRoute", &k.TCPRoute}, {"UDPRoute", &k.UDPRoute}, {"ReferenceGrant", &k.ReferenceGrant}} {
		ok, err := served(f.kind)
		if err != nil {
			return gatewayKinds{}, err
		}
		*f.dst = ok
	}
	return k, nil
}

// gatewayAbsentMessage is the log line when the Gateway reconcilers do not
// start.
func gatewayAbsentMessage(k gatewayKinds) string {
	return fmt.Sprintf("Gateway API CRDs not served (%s missing at %s/%s): Gateway reconcilers not started, Services are served; "+
		"install the Gateway API %s standard CRDs and restart the operator to serve Gateways",
		strings.Join(k.missing(), ", "), gatewayv1.GroupName, gatewayv1.GroupVersion.Version, GatewayAPIVersion)
}
