// Command translate shows what avil4 would create on an Avi controller for
// Kubernetes manifests. See doc.go.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
