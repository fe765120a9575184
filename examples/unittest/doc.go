// Package unittest is a runnable example of how another repository unit-tests
// its own use of avil4: the code is in unittest_test.go, the golden file in
// testdata/. Run it with
//
//	go test ./examples/unittest/
//	go test ./examples/unittest/ -update   # rewrite testdata/*.golden.json after a deliberate change
//
// It shows three kinds of tests, fastest first, all offline:
//
//   - A golden-file test: l4.TranslateService is a pure function, so its
//     output for a fixed Service (here an SCTP + TCP Service) can be
//     committed as JSON and compared with cmp.Diff(want, got,
//     aviobj.CmpOptions()). The options ignore server-filled fields and
//     compare refs by target, so a golden file may also be written by hand
//     with /api/pool/?name=... refs. A change in the translation shows up as
//     a field-level diff in review; -update rewrites the file.
//   - Assertions on the facts that matter to you, which survive unrelated
//     changes better than a golden file: the VirtualService keeps the TCP
//     profile (System-TCP-Proxy with an Enterprise licence) and its SCTP port
//     overrides it with System-SCTP-Proxy, the SCTP pool is checked by
//     System-SCTP, and its L4 rule matches PROTOCOL_SCTP on the port.
//   - An apply test against package avitest, an in-memory Avi Controller
//     served over HTTPS on loopback: apply.Apply creates the objects (the
//     fake allocates a VIP), a second Apply writes nothing (Result.Writes and
//     the fake's own request counts, Server.Calls().Writes(), are both zero),
//     and an out-of-band edit made with Server.Edit, as a user of the Avi UI
//     would, is repaired by the next Apply. Server.Names, Count, Decode and
//     VIPs read what the fake holds without going through the API.
//
// # Copying it
//
// Copy unittest_test.go and testdata/ into a package of your repository,
// rename the package clause (the file uses the external test package
// unittest_test, so any name_test works), replace the Service with your own
// (or a Service your code builds) and run go test with -update once to
// write the golden file; review and commit it. The imports are
//
//	github.com/avil4/avil4/l4        // TranslateService, Options
//	github.com/avil4/avil4/profiles  // LicenseEnterprise
//	github.com/avil4/avil4/aviobj    // Set, Pool, CmpOptions, PoolName, RefByName, RefsEqual
//	github.com/avil4/avil4/apply     // New, Apply, Result
//	github.com/avil4/avil4/client    // New, Options, Password
//	github.com/avil4/avil4/avitest   // New, WithVIPRange, Server
//	github.com/google/go-cmp/cmp     // Diff
//
// plus k8s.io/api for the Service and EndpointSlice. Nothing else is needed:
// no cluster, no controller, no network beyond 127.0.0.1, and the whole file
// runs in well under a second.
package unittest
