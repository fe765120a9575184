// Command genmanifest writes a generated scale-test manifest (see package
// internal/gen) to stdout:
//
//	go run ./internal/gen/genmanifest -services 1000 -ports 3 -endpoints 10 > /tmp/1000.yaml
package main
