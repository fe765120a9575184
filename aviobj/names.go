package aviobj

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"unicode/utf8"
)

// MaxNameLength is the longest object name the controller accepts.
const MaxNameLength = 255

// nameHashLength is the number of hex digits of the SHA-256 of the full name
// that replace the tail of an over-long name.
const nameHashLength = 16

// ShortenName returns name unchanged when it fits in MaxNameLength, and
// otherwise a deterministic shortening: the first characters of name (so the
// cluster prefix and as much of the rest as fits stay readable), a "-", and
// the first 16 hex digits of the SHA-256 of the full name. Two different
// over-long names shorten to different names unless their hashes collide.
func ShortenName(name string) string {
	if len(name) <= MaxNameLength {
		return name
	}
	sum := sha256.Sum256([]byte(name))
	keep := MaxNameLength - 1 - nameHashLength
	// Never cut a multi-byte character in two.
	for keep > 0 && !utf8.RuneStart(name[keep]) {
		keep--
	}
	return name[:keep] + "-" + hex.EncodeToString(sum[:])[:nameHashLength]
}

// NamePrefix is the prefix of every object name of a cluster: "<cluster>--".
func NamePrefix(cluster string) string { return cluster + "--" }

// VirtualServiceName is the name of the VirtualService, VsVip and L4PolicySet
// of a dedicated LoadBalancer Service: <cluster>--<namespace>-<service>.
// The same shape names a Gateway's objects (<cluster>--<gwns>-<gateway>) and a
// shared-VIP group's (<cluster>--<namespace>-<key>).
func VirtualServiceName(cluster, namespace, name string) string {
	return ShortenName(NamePrefix(cluster) + namespace + "-" + name)
}

// PoolName is the name of the pool of one port of a dedicated LoadBalancer
// Service: <cluster>--<namespace>-<service>-<PROTOCOL>-<port>, where port is
// the service port.
func PoolName(cluster, namespace, service, protocol string, port int32) string {
	return ShortenName(NamePrefix(cluster) + namespace + "-" + service + "-" + protocol + "-" + strconv.Itoa(int(port)))
}

// GroupPoolName is the name of the pool of one port of a Service that is a
// backend of a Gateway or a member of a shared-VIP group:
// <cluster>--<namespace>-<service>-<group>-<PROTOCOL>-<port>, where group is
// the Gateway name or the shared-VIP key and namespace the Gateway's (or the
// group's) namespace.
func GroupPoolName(cluster, namespace, service, group, protocol string, port int32) string {
	return ShortenName(NamePrefix(cluster) + namespace + "-" + service + "-" + group + "-" + protocol + "-" + strconv.Itoa(int(port)))
}

// PoolGroupName is the name of the pool group of one listener of a Gateway
// whose route has several weighted backends:
// <cluster>--<namespace>-<gateway>-<PROTOCOL>-<port>, where namespace is the
// Gateway's and port the listener's. Its member pools are named by
// GroupPoolName, one per backend Service.
func PoolGroupName(cluster, namespace, gateway, protocol string, port int32) string {
	return ShortenName(NamePrefix(cluster) + namespace + "-" + gateway + "-" + protocol + "-" + strconv.Itoa(int(port)))
}
