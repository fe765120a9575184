#!/usr/bin/env bash
# Proves the library's dependency footprint (issue 15): a user module pinned at
# controller-runtime $CR_VERSION that imports l4, apply, client and avitest
# keeps that controller-runtime after `go mod tidy`, and importing avil4 adds
# none of the example operator's dependencies (controller-runtime, client-go,
# prometheus, zap) through the library's go.mod.
#
#   hack/check-footprint.sh
#
# Needs the module proxy (controller-runtime $CR_VERSION is fetched through it),
# nothing else. Run by .ci/run; ordinary `go test` stays offline.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CR_VERSION=v0.24.1
export GOWORK=off GOFLAGS=-mod=mod GOTOOLCHAIN=local

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# versions DIR MODULE...: "path version" per module in DIR's build list.
versions() {
	local dir="$1"
	shift
	(cd "$dir" && go list -m -f '{{.Path}} {{.Version}}' "$@")
}

# 1. The library itself: its go.mod requires none of the operator's
# dependencies, and no package of the module (tests included) compiles one in.
# (The module graph, go list -m all, still names k8s.io/client-go: gateway-api's
# own go.mod requires it; no avil4 package imports it.)
banned='sigs\.k8s\.io/controller-runtime|k8s\.io/client-go|github\.com/prometheus/|go\.uber\.org/zap|k8s\.io/apiserver'
echo "footprint: the library module's go.mod and its packages' dependencies (GOWORK=off)"
if found=$(grep -E "^[[:space:]]*($banned)" "$root/go.mod"); then
	echo "FAIL: the library's go.mod requires the operator's dependencies:"
	echo "$found"
	exit 1
fi
if found=$(cd "$root" && go list -deps -test ./... | grep -E "^($banned)"); then
	echo "FAIL: library packages import the operator's dependencies:"
	echo "$found" | head -20
	exit 1
fi

# 2. The baseline: what controller-runtime $CR_VERSION alone implies.
mkdir "$tmp/base" "$tmp/user"
cat >"$tmp/base/go.mod" <<MOD
module example.com/base

go 1.26.0

require sigs.k8s.io/controller-runtime $CR_VERSION
MOD
cat >"$tmp/base/main.go" <<'GO'
package main

import _ "sigs.k8s.io/controller-runtime/pkg/client"

func main() {}
GO
(cd "$tmp/base" && go mod tidy)

# 3. The user: the same pin, plus avil4 (replaced by this checkout).
cat >"$tmp/user/go.mod" <<MOD
module example.com/user

go 1.26.0

require (
	github.com/avil4/avil4 v0.0.0-00010101000000-000000000000
	sigs.k8s.io/controller-runtime $CR_VERSION
)

replace github.com/avil4/avil4 => $root
MOD
cat >"$tmp/user/main.go" <<'GO'
// Command user is a scratch module embedding avil4 beside controller-runtime.
package main

import (
	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/client"
	"github.com/avil4/avil4/l4"
	_ "sigs.k8s.io/controller-runtime/pkg/client"
)

var (
	_ = l4.TranslateService
	_ *apply.Applier
	_ *client.Client
)

func main() {}
GO
cat >"$tmp/user/main_test.go" <<'GO'
package main

import (
	"testing"

	"github.com/avil4/avil4/avitest"
)

var _ *avitest.Server

func TestNothing(t *testing.T) {}
GO
(cd "$tmp/user" && go mod tidy)
(cd "$tmp/user" && go vet ./...)

mods=(sigs.k8s.io/controller-runtime k8s.io/client-go k8s.io/api k8s.io/apimachinery)
base="$(versions "$tmp/base" "${mods[@]}")"
user="$(versions "$tmp/user" "${mods[@]}")"
echo "footprint: controller-runtime $CR_VERSION alone -> with avil4 (go mod tidy)"
paste -d' ' <(echo "$base") <(echo "$user" | cut -d' ' -f2) | awk '{ printf "  %-32s %-10s -> %s%s\n", $1, $2, $3, ($2 == $3 ? "" : "  (raised)") }'

got="$(echo "$user" | awk '$1 == "sigs.k8s.io/controller-runtime" { print $2 }')"
if [ "$got" != "$CR_VERSION" ]; then
	echo "FAIL: importing avil4 moved sigs.k8s.io/controller-runtime from $CR_VERSION to $got"
	exit 1
fi
# client-go, api and apimachinery may move by a patch release (gateway-api's
# go.mod asks for one), never to another minor, which would no longer match
# controller-runtime $CR_VERSION.
minor() { echo "$1" | cut -d. -f1,2; }
while read -r path b; do
	u="$(echo "$user" | awk -v p="$path" '$1 == p { print $2 }')"
	if [ "$(minor "$b")" != "$(minor "$u")" ]; then
		echo "FAIL: importing avil4 moved $path from $b to $u (another minor)"
		exit 1
	fi
done <<<"$base"
echo "footprint: controller-runtime stays $CR_VERSION; client-go, api and apimachinery keep its minor"
