package golden_test

import (
	"fmt"

	"github.com/avil4/avil4/internal/golden"
)

// Pretty keeps short objects and arrays on one line.
func ExamplePretty() {
	out, _ := golden.Pretty([]byte(`{"name":"c1--default-svc","ports":[80,443],"markers":[{"key":"clustername","values":["c1"]}]}`))
	fmt.Print(string(out))
	// Output: {"name": "c1--default-svc", "ports": [80, 443], "markers": [{"key": "clustername", "values": ["c1"]}]}
}
