package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"

	"github.com/avil4/avil4/internal/avischema"
)

func main() {
	schemaDir := flag.String("schema", "", "folder of the Avi swagger *.json files (e.g. ../shared/avi-schema)")
	out := flag.String("out", "", "file to write (e.g. internal/avischema/facts.json)")
	check := flag.Bool("check", false, "only report whether -out is up to date (exit status 1 if not)")
	flag.Parse()
	if *schemaDir == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -schema DIR -out FILE [-check]")
		os.Exit(2)
	}
	if err := run(*schemaDir, *out, *check); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(schemaDir, out string, check bool) error {
	s, err := avischema.Load(schemaDir)
	if err != nil {
		return err
	}
	data, err := s.Snapshot()
	if err != nil {
		return err
	}
	if check {
		old, err := os.ReadFile(out)
		if err != nil {
			return err
		}
		if !bytes.Equal(old, data) {
			return fmt.Errorf("%s is stale; regenerate it with -schema %s -out %s", out, schemaDir, out)
		}
		return nil
	}
	return os.WriteFile(out, data, 0o644)
}
