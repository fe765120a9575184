package reconciler_test

import (
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	"github.com/avil4/avil4/examples/controller/reconciler"
)

// Scheme knows the built-in kinds and the Gateway API v1 kinds the
// reconcilers read and write.
func ExampleScheme() {
	s := reconciler.Scheme()
	for _, k := range []string{"Gateway", "TCPRoute", "UDPRoute", "ReferenceGrant"} {
		fmt.Println(k, s.Recognizes(schema.GroupVersionKind{Group: gatewayv1.GroupVersion.Group, Version: gatewayv1.GroupVersion.Version, Kind: k}))
	}
	// Output:
	// Gateway true
	// TCPRoute true
	// UDPRoute true
	// ReferenceGrant true
}
