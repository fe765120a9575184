package avil4_test

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeEmbedding: the README's "Embedding" section quotes
// example_test.go (everything after the package clause) as its first go
// block, so the code a reader copies is the code the tests compile and run.
func TestReadmeEmbedding(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(readme), "\n## Embedding\n")
	if !ok {
		t.Fatal(`README.md has no "## Embedding" section`)
	}
	_, block, ok := strings.Cut(section, "\n```go\n")
	if !ok {
		t.Fatal(`README.md's "Embedding" section has no go block`)
	}
	block, _, ok = strings.Cut(block, "\n```\n")
	if !ok {
		t.Fatal(`README.md's "Embedding" go block is not closed`)
	}
	want, ok := strings.CutPrefix(string(src), "package avil4_test\n\n")
	if !ok {
		t.Fatal("example_test.go does not start with its package clause and a blank line")
	}
	if got := block + "\n"; got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("README.md's Embedding block differs from example_test.go at line %d of the block:\nREADME:  %q\nexample: %q\n(copy example_test.go after its package clause into the README)", i+1, g, w)
			}
		}
	}
}
