package aviobj_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/avil4/avil4/aviobj"
)

// shortened is ShortenName's documented result for an over-long name: the
// first 238 bytes, "-", and the first 16 hex digits of the SHA-256 of the
// whole name (238+1+16 = 255).
func shortened(name string) string {
	sum := sha256.Sum256([]byte(name))
	return name[:238] + "-" + hex.EncodeToString(sum[:])[:16]
}

func TestShortenName(t *testing.T) {
	long256 := "cluster--" + strings.Repeat("a", 256-len("cluster--"))
	long1000 := "cluster--" + strings.Repeat("n", 1000-len("cluster--"))
	tests := []struct {
		name string
		in   string
		want string
	}{
		{name: "empty", in: "", want: ""},
		{name: "short-unchanged", in: "cluster--red-ns-testsvc", want: "cluster--red-ns-testsvc"},
		{name: "254-unchanged", in: strings.Repeat("x", 254), want: strings.Repeat("x", 254)},
		{name: "255-unchanged", in: strings.Repeat("x", 255), want: strings.Repeat("x", 255)},
		{name: "256-shortened", in: long256, want: shortened(long256)},
		{name: "1000-shortened", in: long1000, want: shortened(long1000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := aviobj.ShortenName(tt.in)
			if got != tt.want {
				t.Errorf("ShortenName(%d chars) = %q, want %q", len(tt.in), got, tt.want)
			}
			if len(got) > aviobj.MaxNameLength {
				t.Errorf("ShortenName(%d chars) has %d chars, more than %d", len(tt.in), len(got), aviobj.MaxNameLength)
			}
			if again := aviobj.ShortenName(tt.in); again != got {
				t.Errorf("ShortenName is not deterministic: %q then %q", got, again)
			}
			if twice := aviobj.ShortenName(got); twice != got {
				t.Errorf("ShortenName(ShortenName(x)) = %q, want %q (a shortened name must fit)", twice, got)
			}
		})
	}
}

func TestShortenNameProperties(t *testing.T) {
	for _, n := range []int{256, 300, 1000} {
		name := "c1--" + strings.Repeat("s", n-len("c1--"))
		got := aviobj.ShortenName(name)
		if len(got) != aviobj.MaxNameLength {
			t.Errorf("ShortenName(%d chars) has %d chars, want exactly %d", n, len(got), aviobj.MaxNameLength)
		}
		if !strings.HasPrefix(got, name[:238]) {
			t.Errorf("ShortenName(%d chars) = %q does not keep the first 238 chars of the name", n, got)
		}
	}
}

// Names that differ only after the kept prefix must not collide: that is
// what the hash is for (two ports of one long-named Service, say).
func TestShortenNameDistinctTails(t *testing.T) {
	common := strings.Repeat("p", 238)
	a := aviobj.ShortenName(common + strings.Repeat("a", 30))
	b := aviobj.ShortenName(common + strings.Repeat("b", 30))
	if a == b {
		t.Errorf("two names sharing their first 238 chars both shorten to %q", a)
	}
	tcp := aviobj.PoolName("c1", "ns", strings.Repeat("s", 260), "TCP", 80)
	udp := aviobj.PoolName("c1", "ns", strings.Repeat("s", 260), "UDP", 80)
	if tcp == udp {
		t.Errorf("pools TCP/80 and UDP/80 of a long-named Service both shorten to %q", tcp)
	}
}

func TestObjectNames(t *testing.T) {
	long := strings.Repeat("s", 300)
	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "name-prefix", got: aviobj.NamePrefix("cluster"), want: "cluster--"},
		{name: "virtualservice", got: aviobj.VirtualServiceName("cluster", "red-ns", "testsvc"), want: "cluster--red-ns-testsvc"},
		{name: "virtualservice-gateway", got: aviobj.VirtualServiceName("c1", "gwns", "my-gateway"), want: "c1--gwns-my-gateway"},
		{name: "pool-sctp", got: aviobj.PoolName("cluster", "red-ns", "testsvc", "SCTP", 8080), want: "cluster--red-ns-testsvc-SCTP-8080"},
		{name: "pool-tcp", got: aviobj.PoolName("c1", "default", "svc", "TCP", 80), want: "c1--default-svc-TCP-80"},
		{name: "pool-udp-high-port", got: aviobj.PoolName("c1", "default", "svc", "UDP", 65535), want: "c1--default-svc-UDP-65535"},
		{name: "group-pool-gateway", got: aviobj.GroupPoolName("cluster", "gwns", "backend", "my-gateway", "SCTP", 38412), want: "cluster--gwns-backend-my-gateway-SCTP-38412"},
		{name: "group-pool-shared-vip", got: aviobj.GroupPoolName("c1", "red", "dns", "shared-key", "UDP", 53), want: "c1--red-dns-shared-key-UDP-53"},
		{name: "virtualservice-long-is-shortened", got: aviobj.VirtualServiceName("c1", "ns", long), want: shortened("c1--ns-" + long)},
		{name: "pool-long-is-shortened", got: aviobj.PoolName("c1", "ns", long, "SCTP", 38412), want: shortened("c1--ns-" + long + "-SCTP-38412")},
		{name: "group-pool-long-is-shortened", got: aviobj.GroupPoolName("c1", "ns", long, "gw", "TCP", 80), want: shortened("c1--ns-" + long + "-gw-TCP-80")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}
