// Command translate is avil4's main job: it reads Kubernetes manifests and
// prints, as one JSON (or YAML) document, every Avi object avil4 would send
// to a controller for each LoadBalancer Service, in apply order and with Avi
// field names, plus the errors, warnings and per-port results of each
// Service.
//
//	go run ./examples/translate                      # the bundled examples
//	go run ./examples/translate -f svc.yaml -f -     # files and stdin
//	go run ./examples/translate --mode NodePort --license ESSENTIALS -o yaml -f svc.yaml
//
// Inputs are multi-document YAML. Services, EndpointSlices, Nodes and Pods
// are read (strictly: an unknown field is an error); other kinds
// (Deployments, ...) are skipped with a note on stderr.
//
// Exit status: 0 when every Service translated cleanly (Services that are
// not ours are fine), 1 when any Service has errors, 2 for bad flags or
// unreadable input.
package main
