package main

import (
	"bytes"
	"os"
	"testing"
)

// TestGeneratedCheckIsCurrent fails when aviobj/check_gen.go is not what
// the generator writes for this tree's aviobj types and embedded schema
// facts: run go generate ./aviobj (after deleting check_gen.go if it no
// longer compiles).
func TestGeneratedCheckIsCurrent(t *testing.T) {
	want, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../check_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("aviobj/check_gen.go is stale: run go generate ./aviobj")
	}
}
