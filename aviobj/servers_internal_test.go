package aviobj

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
)

// TestServersOrderedFindsNoProblem draws server lists from addresses that
// are valid, invalid, of the wrong type, alike under another spelling or
// DNS names, sorted or not, and requires that whenever serversOrdered
// lets checkObject skip serverProblems, serverProblems has nothing to
// report. It also requires the shortcut to be taken for lists sorted as
// l4 sorts them, so that the test cannot pass by never taking it.
func TestServersOrderedFindsNoProblem(t *testing.T) {
	addrs := []IPAddr{
		{Addr: "10.0.0.1", Type: IPTypeV4}, {Addr: "10.0.0.2", Type: IPTypeV4}, {Addr: "10.0.0.10", Type: IPTypeV4},
		{Addr: "10.0.0.9", Type: IPTypeV4}, {Addr: "2001:db8::1", Type: IPTypeV6}, {Addr: "2001:db8::a", Type: IPTypeV6},
		{Addr: "2001:DB8::1", Type: IPTypeV6}, {Addr: "2001:db8:0::1", Type: IPTypeV6}, // alike, spelt otherwise
		{Addr: "::ffff:10.0.0.1", Type: IPTypeV6}, {Addr: "10.0.0.1", Type: IPTypeV6}, {Addr: "2001:db8::1", Type: IPTypeV4},
		{Addr: "fe80::1%eth0", Type: IPTypeV6}, {Addr: "10.0.0.256", Type: IPTypeV4}, {Addr: "", Type: IPTypeV4},
		{Addr: "svc.example", Type: IPTypeDNS}, {Addr: "10.0.0.3", Type: ""}, {Addr: "010.0.0.4", Type: IPTypeV4},
	}
	ports := []int32{80, 443, 443, 8080}
	rng := rand.New(rand.NewPCG(1, 2))
	var ordered, sorted int
	for range 200000 {
		servers := make([]Server, rng.IntN(24))
		for i := range servers {
			servers[i] = Server{IP: addrs[rng.IntN(len(addrs))], Port: ports[rng.IntN(len(ports))]}
		}
		if rng.IntN(2) == 0 {
			// As l4 sorts them (by parsed address, then port), with the
			// invalid ones first.
			slices.SortFunc(servers, func(a, b Server) int {
				x, errA := netip.ParseAddr(a.IP.Addr)
				y, errB := netip.ParseAddr(b.IP.Addr)
				if errA != nil || errB != nil {
					return min(1, max(-1, boolInt(errB != nil)-boolInt(errA != nil)))
				}
				if c := x.Compare(y); c != 0 {
					return c
				}
				return int(a.Port) - int(b.Port)
			})
		}
		if !serversOrdered(servers) {
			continue
		}
		ordered++
		if len(servers) > 1 {
			sorted++
		}
		var problems []string
		serverProblems(servers, func(field, msg string) { problems = append(problems, field+": "+msg) })
		if len(problems) > 0 {
			t.Fatalf("serversOrdered(%v) = true, but serverProblems reports %q", servers, problems)
		}
	}
	if sorted < 1000 {
		t.Errorf("the shortcut was taken for %d lists (%d of more than one server): too few to mean anything", ordered, sorted)
	}
	t.Logf("shortcut taken for %d lists, %d of more than one server", ordered, sorted)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
