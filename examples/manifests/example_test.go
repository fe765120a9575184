package manifests_test

import (
	"fmt"
	"io/fs"

	"github.com/avil4/avil4/examples/manifests"
)

// FS holds the bundled manifests, the seed's two among them.
func ExampleFS() {
	names, _ := fs.Glob(manifests.FS(), "sctp-*.yaml")
	fmt.Println(names)
	// Output: [sctp-gateway-v1alpha1.yaml sctp-loadbalancer.yaml]
}
