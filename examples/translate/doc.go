// Command translate is avil4's main job: it reads Kubernetes manifests and
// prints, as one JSON (or YAML) document, every Avi object avil4 would send
// to a controller for each LoadBalancer Service, shared-VIP group and
// Gateway, in apply order and with Avi field names, plus the errors,
// warnings, per-port results and statuses of each. By default it then
// applies them to an embedded fake Avi controller (twice: the second round
// writes nothing); --dry-run plans, --no-apply only translates, and
// --controller applies to a real controller. The embedded fake allocates
// VIPs from 10.50.0.0/16 and 2001:db8:50::/64 (room for far more than
// 10,000 Services per family); --fake-vip-range sets the range of a family.
//
//	go run ./examples/translate                      # the bundled examples
//	go run ./examples/translate -f svc.yaml -f -     # files and stdin
//	go run ./examples/translate --mode NodePort --license ESSENTIALS -o yaml -f svc.yaml
//
// # Stderr
//
// A heading per Service, shared-VIP group and Gateway, in input order, names
// it and where it was read ("== Service core/amf (svc.yaml document 3)"),
// followed by its errors, warnings and one line of plan or apply outcome;
// objects that are not ours and fine have no heading but with -v, which also
// lists every object of each plan or apply. The closing summary names every
// failing object (kind, namespace/name, file and document) with its first
// error, and every document that could not be decoded. --quiet prints only
// the errors and the summary. Applying more than 40 Sets prints progress
// ("round 1: 120/1000 Set(s) done") at each further tenth or once a second,
// except with --quiet. Printed conditions have no lastTransitionTime
// (the command has no history); YAML keeps the JSON's key order.
//
// # Input
//
// Inputs are multi-document YAML (or JSON), such as kubectl prints. Services,
// EndpointSlices, Nodes, Pods, Namespaces, GatewayClasses, Gateways,
// TCPRoutes, UDPRoutes, ReferenceGrants, legacy networking.x-k8s.io/v1alpha1
// GatewayClasses and Gateways, and AviInfraSettings are read. A List
// (apiVersion v1, kind List, what `kubectl get -o yaml` prints) and a typed
// list such as ServiceList are unpacked into their items; items of a typed
// list may omit kind and apiVersion, as the API server returns them. Kinds
// that are not read (Deployments, Knative Services, Istio Gateways...) get a
// note on stderr. Empty documents and documents of comments only are
// skipped.
//
// # Decode errors
//
// Every document is decoded on its own, strictly, as the API server's strict
// field validation does: keys are case-sensitive (Ports is not ports),
// unknown fields, keys given twice and values of the wrong type are errors,
// each with its field path and list indices (spec.ports[1].port). A known
// kind under an API version that is not read (apiVersion v2 with kind
// Service, a Gateway with apiVersion v1) is an error, as are a document
// without apiVersion or kind, a document that is not a mapping, YAML that
// does not parse, and a List inside a List. A document that cannot be
// decoded is left out; every other document is translated (and applied) as
// usual.
//
// Each decode error names the file, the document (1-based, as the YAML
// reader splits the file at "---" lines; a document of comments only
// counts), the index of the item in a List document (0-based, as in a field
// path), the object's kind and name when they could be read, and the
// problems:
//
//	translate: cannot decode in.yaml document 2, items[3] (v1 Service telco/sip): spec.ports[1].port: Invalid value: "81": must be an integer, not a string
//
// The same errors are in the output, in input order, under decodeErrors
// (omitted when there is none):
//
//	"decodeErrors": [{
//	  "source": "in.yaml", "document": 2, "item": 3,
//	  "apiVersion": "v1", "kind": "Service", "object": "telco/sip",
//	  "errors": [{"field": "spec.ports[1].port", "type": "FieldValueTypeInvalid", "value": "81",
//	              "detail": "must be an integer, not a string", "message": "spec.ports[1].port: ..."}],
//	  "message": "in.yaml document 2, items[3] (v1 Service telco/sip): spec.ports[1].port: ..."
//	}]
//
// item is absent for a document that is not a List; apiVersion, kind and
// object are absent when they could not be read. errors holds the field
// errors (as everywhere in the output: field, type, value, detail, message;
// at most 20 per document); a document that cannot be read at all (YAML
// syntax, not a mapping) has a reason instead, its line numbers counted
// from the start of the document. message is the stderr line.
//
// # Name collisions
//
// Two valid objects of one cluster can give the same Avi names: Services
// a-b/c and a/b-c both make <cluster>--a-b-c; a Service web, a shared-VIP
// group web and a Gateway web of one namespace all make <cluster>--<ns>-web;
// a Service's pool <cluster>--<ns>-a-b-TCP-80 is also the pool of member a
// of a shared-VIP group b. Before anything is planned or applied, the
// translated objects are compared in input order (a shared-VIP group is
// where its first member is): when an object's Avi objects (same kind, name
// and tenant) include one of an earlier kept object's, the later object is
// refused. Its objects are neither planned nor applied and are left out of
// the output; the earlier object is applied as usual. The refusal is an
// error on the later object, in its errors in the output and on stderr:
//
//   - a Service or a Gateway: on metadata.name, "Avi virtualservice
//     "c--a-b-c" is already the name of Service a-b/c's objects; rename one of
//     them" (a Gateway's Programmed (or legacy Ready) condition gives the same
//     reason);
//   - a shared-VIP group: on metadata.annotations[ako.vmware.com/enable-shared-vip]
//     (the key is what to rename), in the group's errors and in each member's;
//   - the same object given twice (one file passed twice): a Duplicate error
//     on metadata.name; the first copy is applied.
//
// # Exit status
//
//   - 0: every object translated cleanly (objects that are not ours are
//     fine) and was applied;
//   - 1: some document could not be decoded, or some Service, shared-VIP
//     group, Gateway or route has errors (collisions included); everything
//     else is still translated, applied and printed;
//   - 2: bad flags, or input that cannot be read (a missing file, a "---"
//     line followed by more than a comment, no object at all);
//   - 3: the controller refused or failed.
package main
