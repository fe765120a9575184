// Package gen generates large, valid inputs for the scale benchmarks: N
// LoadBalancer Services with their EndpointSlices (and Nodes), as typed
// objects or as a multi-document YAML manifest the translate command reads.
//
// Everything is deterministic: the same Config gives the same objects, so a
// benchmark run can be repeated and compared. Services are spread over
// namespaces, every Service has Config.Ports ports (cycling TCP, UDP, SCTP
// on distinct numbers) and one EndpointSlice with Config.Endpoints ready
// endpoints serving every port. Addresses come from 10.128.0.0/9 and never
// repeat within a Service.
//
// The command gen/genmanifest writes the manifest to stdout:
//
//	go run ./internal/gen/genmanifest -services 1000 > /tmp/1000.yaml
//	go run ./examples/translate -f /tmp/1000.yaml >/dev/null
package gen
