package manifest_test

import (
	"fmt"
	"strings"

	"github.com/avil4/avil4/internal/manifest"
)

// Decode sorts a multi-document manifest into typed objects and keeps the
// kinds it does not know.
func ExampleBundle_Decode() {
	var b manifest.Bundle
	err := b.Decode(strings.NewReader(`
apiVersion: v1
kind: Service
metadata: {name: server}
spec: {type: LoadBalancer, ports: [{port: 80, protocol: SCTP}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: sctp-demo}
`), "demo.yaml")
	fmt.Println(err, b.Services[0].Namespace+"/"+b.Services[0].Name, b.Other[0])
	// Output: <nil> default/server apps/v1 Deployment sctp-demo (demo.yaml document 2)
}
