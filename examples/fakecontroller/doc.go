// Command fakecontroller runs avil4's in-memory fake Avi Controller (package
// avitest) as a standalone process, so that your own operator, curl, an Avi
// SDK or avil4's translate command can talk to it.
//
//	go run ./examples/fakecontroller                       # until Ctrl-C
//	go run ./examples/fakecontroller --tenant telco --vip-range 10.60.0.0/24
//	go run ./examples/fakecontroller -o json --dir /tmp/avi
//	go run ./examples/fakecontroller --fault-rate 0.05 --seed 7 -v
//	go run ./examples/fakecontroller --avi-version 21.1.4 --edition ESSENTIALS
//
// --avi-version makes it behave like that controller release (no SCTP System
// objects before 22.1.3, fields newer than the request refused) and
// --edition like that licence edition (what the edition does not allow is
// refused); both are printed (AVI_API_VERSION, AVI_EDITION).
//
// It serves HTTPS on a free loopback port (127.0.0.1) with a certificate of
// its own CA (see TLS below), accepts one user (admin) with a random
// password, writes that password (mode 0600, no newline) to the file
// "password" of --dir (default: a new temporary directory, removed on exit)
// beside the CA certificate "ca.pem", and prints how to reach it on stdout:
//
//	export AVI_CONTROLLER=https://127.0.0.1:41235
//	export AVI_USERNAME=admin
//	export AVI_PASSWORD_FILE=/tmp/avitest-123/password
//	export AVI_CA_FILE=/tmp/avitest-123/ca.pem
//	export AVI_API_VERSION=30.2.1
//	export AVI_EDITION=ENTERPRISE
//	export AVI_TENANT=admin
//	# log in and list pools: ...curl commands...
//	# ready
//
// Every line is valid shell, so a script can start it in the background and
// source its output once the "# ready" line is there:
//
//	go run ./examples/fakecontroller > /tmp/avi.env &
//	until grep -q '^# ready' /tmp/avi.env; do sleep 0.2; done
//	. /tmp/avi.env
//	curl --cacert "$AVI_CA_FILE" -c /tmp/avi.cookies \
//	  --data-urlencode "username=$AVI_USERNAME" --data-urlencode "password@$AVI_PASSWORD_FILE" \
//	  "$AVI_CONTROLLER/login"
//	curl --cacert "$AVI_CA_FILE" -b /tmp/avi.cookies -H "X-Avi-Version: $AVI_API_VERSION" \
//	  "$AVI_CONTROLLER/api/pool"
//	go run ./examples/translate --controller "$AVI_CONTROLLER" --username "$AVI_USERNAME" \
//	  --password-file "$AVI_PASSWORD_FILE" --ca-file "$AVI_CA_FILE"
//
// # TLS
//
// The fake never serves httptest's built-in certificate, whose private key
// is published in Go's source (trusting it would let anyone impersonate any
// TLS server to you). Instead, per --dir, it makes:
//
//   - a CA: an ECDSA P-256 key, CA:TRUE with path length 0, key usage
//     certSign, named "avil4 fake Avi controller CA", valid one year, and
//     name-constrained to the names below, so that even trusted it vouches
//     for nothing else. Its certificate is "ca.pem" (mode 0644): trust that
//     file, e.g. curl --cacert, --ca-file of the translate command,
//     --avi-ca-file of the example operator.
//   - a serving certificate it signs: CA:FALSE, extended key usage
//     serverAuth, for localhost, 127.0.0.1 and ::1 plus every --cert-host,
//     as long as the CA: "server.pem" (0644) with its key "server-key.pem"
//     (0600).
//
// The CA's private key is never written: it signs the serving certificate
// and is dropped, so no file of --dir can mint another certificate. A
// restart with the same --dir reuses the three files when ca.pem is a CA
// this command made, the key file is a regular file readable by its owner
// only, the key matches server.pem, and server.pem verifies against ca.pem
// for every host for at least another 7 days. Otherwise it makes a new CA
// and serving certificate (and says why on stderr), and ca.pem must be
// trusted anew. All files are written to a temporary file and renamed, with
// their modes set exactly.
//
// With -o json the same facts are one JSON object on stdout (url, username,
// passwordFile, caFile, version, tenants, dir) and the example commands go
// to stderr.
//
// Flags:
//
//	--dir DIR          where to write password, ca.pem, server.pem and server-key.pem
//	                   (created 0700 if missing; kept on exit and reused by the next run)
//	--cert-host H      an extra DNS name or IP the serving certificate covers (repeatable)
//	--vip-range CIDR   range auto-allocated VIPs come from (default 10.50.0.0/24); repeat for IPv6
//	--avi-version V    controller version reported at login, newest X-Avi-Version accepted
//	--tenant NAME      an extra tenant besides admin (repeatable)
//	--seed N           seed of uuids, session ids and random faults (default 1)
//	--fault-rate R     probability 0..1 that an /api/ request gets a random fault
//	                   (500/502/503, a hang, an expired session, a dropped connection)
//	--latency D        delay every /api/ request, e.g. 50ms
//	-o env|json        output format (default env)
//	-v                 log every request on stderr
//	--version          print the module, version and VCS revision built from, and exit
//
// The process serves until SIGINT or SIGTERM, then closes the server. The
// port is chosen by the system (the fake is an httptest server); read it from
// the output. What the fake models, and what it does not, is the doc of
// package github.com/avil4/avil4/avitest. State lives in memory only: every
// run starts with the controller's system objects and nothing else.
package main
