package svcapi_test

import (
	"fmt"

	"sigs.k8s.io/yaml"

	"github.com/avil4/avil4/l4/svcapi"
)

// The seed's legacy Gateway decodes into these types.
func ExampleGateway() {
	var gw svcapi.Gateway
	err := yaml.UnmarshalStrict([]byte(`
apiVersion: networking.x-k8s.io/v1alpha1
kind: Gateway
metadata: {name: my-gateway, namespace: svcapi}
spec:
  gatewayClassName: avi-lb
  listeners:
  - port: 6060
    protocol: SCTP
    routes:
      group: v1
      kind: services
      selector:
        matchLabels: {ako.vmware.com/gateway-name: my-gateway, ako.vmware.com/gateway-namespace: svcapi}
`), &gw)
	fmt.Println(err, gw.Spec.Listeners[0].Protocol, gw.Spec.Listeners[0].Port, gw.Spec.Listeners[0].Routes.Selector.MatchLabels["ako.vmware.com/gateway-name"])
	// Output: <nil> SCTP 6060 my-gateway
}
