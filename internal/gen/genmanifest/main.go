package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/avil4/avil4/internal/gen"
)

func main() {
	var c gen.Config
	flag.IntVar(&c.Services, "services", 100, "number of LoadBalancer Services")
	flag.IntVar(&c.Ports, "ports", 3, "ports per Service (cycling TCP, UDP, SCTP)")
	flag.IntVar(&c.Endpoints, "endpoints", 10, "ready endpoints per Service")
	flag.IntVar(&c.Namespaces, "namespaces", 10, "namespaces the Services are spread over")
	flag.IntVar(&c.Nodes, "nodes", 0, "number of Nodes")
	flag.Parse()
	if err := gen.WriteYAML(os.Stdout, c); err != nil {
		fmt.Fprintln(os.Stderr, "genmanifest:", err)
		os.Exit(1)
	}
}
