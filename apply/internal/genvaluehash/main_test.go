package main

import (
	"bytes"
	"os"
	"testing"
)

// TestGeneratedFileIsCurrent fails when apply/valuehash_gen.go is not what
// the generator writes for the aviobj types of this tree: run
// go generate ./apply.
func TestGeneratedFileIsCurrent(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../valuehash_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("apply/valuehash_gen.go is stale: run go generate ./apply")
	}
}
