package jsonscan_test

import (
	"fmt"

	"github.com/avil4/avil4/internal/jsonscan"
)

// The elements of a page's results, as sub-slices of the page.
func Example() {
	page := []byte(`{"count": 2, "results": [{"name": "a"}, {"name": "b", "port": 80}]}`)
	_, err := jsonscan.Members(page, 0, 1, func(key []byte, v int) (int, error) {
		if string(key) != `"results"` {
			return jsonscan.Value(page, v, 1)
		}
		return jsonscan.Elements(page, v, 2, func(elem []byte) error {
			fmt.Println(string(elem))
			return nil
		})
	})
	fmt.Println(err)
	_, err = jsonscan.Value([]byte(`[1, 2,]`), 0, 0)
	fmt.Println(err)
	// Output:
	// {"name": "a"}
	// {"name": "b", "port": 80}
	// <nil>
	// invalid character ']' looking for beginning of value at offset 6
}
