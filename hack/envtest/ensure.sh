#!/usr/bin/env bash
# Print a directory holding kube-apiserver and etcd for controller-runtime envtest,
# building them from the Go module proxy on the first call (see README.md).
#
#   KUBEBUILDER_ASSETS=$(hack/envtest/ensure.sh) go test ./...
#
# stdout is only the directory; all build output goes to stderr.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"
export GOWORK=off # a parent go.work must not change the build list

{ read -r k8s_version; read -r etcd_version; } < <(
	go list -m -f '{{.Version}}' k8s.io/kubernetes go.etcd.io/etcd/server/v3)
{ read -r goos; read -r goarch; } < <(go env GOHOSTOS GOHOSTARCH)

cache="${ENVTEST_ASSETS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/avil4/envtest}"
dir="$cache/k8s-${k8s_version}_etcd-${etcd_version}_${goos}-${goarch}"

complete() { [[ -x "$1/kube-apiserver" && -x "$1/etcd" ]]; }

if complete "$dir"; then
	echo "$dir"
	exit 0
fi

mkdir -p "$cache"
tmp="$(mktemp -d "$dir.tmp.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

echo "envtest: building kube-apiserver $k8s_version and etcd $etcd_version into $dir (cold: ~3.5 min, ~2.4 GB RAM)" >&2
minor="${k8s_version#v*.}"
minor="${minor%%.*}"
major="${k8s_version#v}"
major="${major%%.*}"
export CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch"
# Keep these flags stable: changing cgo or -trimpath rebuilds nearly everything.
go build -trimpath -ldflags "-s -w \
	-X k8s.io/component-base/version.gitVersion=$k8s_version \
	-X k8s.io/component-base/version.gitMajor=$major \
	-X k8s.io/component-base/version.gitMinor=$minor \
	-X k8s.io/component-base/version.gitTreeState=clean" \
	-o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver >&2
go build -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3 >&2
chmod 755 "$tmp" "$tmp/kube-apiserver" "$tmp/etcd"

if complete "$dir"; then
	: # a concurrent run finished first; keep its result, drop ours
else
	rm -rf "$dir" # leftover without both binaries
	mv "$tmp" "$dir"
fi
echo "$dir"
