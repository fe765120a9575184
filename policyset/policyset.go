package policyset

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/avil4/avil4/aviobj"
)

// Port is a (protocol, port) pair, the key of everything L4: a VIP can serve
// each pair once, and each pair gets one pool and one rule. It prints as
// "SCTP/38412".
type Port struct {
	Protocol corev1.Protocol
	Port     int32
}

// String returns "<PROTOCOL>/<port>".
func (p Port) String() string { return string(p.Protocol) + "/" + strconv.Itoa(int(p.Port)) }

// Compare orders ports by protocol name, then number.
func (p Port) Compare(o Port) int {
	if c := strings.Compare(string(p.Protocol), string(o.Protocol)); c != 0 {
		return c
	}
	return int(p.Port) - int(o.Port)
}

// AviProtocol returns the L4 rule protocol of a Kubernetes protocol
// (PROTOCOL_TCP, PROTOCOL_UDP or PROTOCOL_SCTP), and false for any other.
func AviProtocol(p corev1.Protocol) (string, bool) {
	switch p {
	case corev1.ProtocolTCP:
		return aviobj.ProtocolTCP, true
	case corev1.ProtocolUDP:
		return aviobj.ProtocolUDP, true
	case corev1.ProtocolSCTP:
		return aviobj.ProtocolSCTP, true
	}
	return "", false
}

// Route sends the connections of one (protocol, port) to a pool, or to a
// pool group.
type Route struct {
	Port
	// Pool is the name of the pool the rule selects.
	Pool string
	// PoolGroup, when set, is the name of the pool group the rule selects
	// instead (L4_RULE_ACTION_SELECT_POOLGROUP); Pool is then ignored.
	PoolGroup string
}

// RuleName is the name of the rule for port p: "<PROTOCOL>-<port>", e.g.
// "SCTP-38412". Rule names are unique within a policy set because a port is.
func RuleName(p Port) string { return string(p.Protocol) + "-" + strconv.Itoa(int(p.Port)) }

// ConnectionPolicy builds one rule per route, in the given order, indexed
// 0..n-1: match destination port IS_IN [port] and protocol IS_IN
// PROTOCOL_<P>, action L4_RULE_ACTION_SELECT_POOL to the route's pool (by
// name), or L4_RULE_ACTION_SELECT_POOLGROUP to its pool group when it has
// one. Routes with a protocol AviProtocol does not know are skipped; callers
// validate protocols first.
func ConnectionPolicy(routes []Route) *aviobj.L4ConnectionPolicy {
	// The rules' parts are allocated once per policy, not once per rule.
	n := len(routes)
	rules := make([]aviobj.L4Rule, 0, n)
	matches := make([]aviobj.L4RuleMatchTarget, n)
	ports := make([]aviobj.L4RulePortMatch, n)
	protos := make([]aviobj.L4RuleProtocolMatch, n)
	actions := make([]aviobj.L4RuleAction, n)
	selects := make([]aviobj.L4RuleActionSelectPool, n)
	numbers := make([]int32, n)
	for _, r := range routes {
		proto, ok := AviProtocol(r.Protocol)
		if !ok {
			continue
		}
		i := len(rules)
		numbers[i] = r.Port.Port
		ports[i] = aviobj.L4RulePortMatch{MatchCriteria: aviobj.MatchIsIn, Ports: numbers[i : i+1 : i+1]}
		protos[i] = aviobj.L4RuleProtocolMatch{MatchCriteria: aviobj.MatchIsIn, Protocol: proto}
		matches[i] = aviobj.L4RuleMatchTarget{Port: &ports[i], Protocol: &protos[i]}
		if r.PoolGroup != "" {
			selects[i] = aviobj.L4RuleActionSelectPool{ActionType: aviobj.ActionSelectPoolGroup, PoolGroupRef: aviobj.RefByName(aviobj.KindPoolGroup, r.PoolGroup)}
		} else {
			selects[i] = aviobj.L4RuleActionSelectPool{ActionType: aviobj.ActionSelectPool, PoolRef: aviobj.RefByName(aviobj.KindPool, r.Pool)}
		}
		actions[i] = aviobj.L4RuleAction{SelectPool: &selects[i]}
		rules = append(rules, aviobj.L4Rule{
			Index:  int32(i),
			Name:   RuleName(r.Port),
			Match:  &matches[i],
			Action: &actions[i],
		})
	}
	return &aviobj.L4ConnectionPolicy{Rules: rules}
}

// ProtocolMarker is the value of the L4PolicySet's Protocol marker: the
// sorted, distinct protocols of the routes joined by commas, e.g.
// "SCTP,TCP,UDP".
func ProtocolMarker(routes []Route) string {
	ps := make([]string, 0, 3)
	for _, r := range routes {
		if !slices.Contains(ps, string(r.Protocol)) {
			ps = append(ps, string(r.Protocol))
		}
	}
	slices.Sort(ps)
	return strings.Join(ps, ",")
}

// Ref returns the by-name ref of an L4PolicySet.
func Ref(name string) string { return aviobj.RefByName(aviobj.KindL4PolicySet, name) }

// MarshalText writes p as "SCTP/38412", so a Port is a readable JSON value
// and map key.
func (p Port) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText reads "SCTP/38412". A nil p is an error.
func (p *Port) UnmarshalText(b []byte) error {
	if p == nil {
		return fmt.Errorf("port %q: UnmarshalText into a nil *Port", b)
	}
	proto, num, ok := strings.Cut(string(b), "/")
	n, err := strconv.ParseInt(num, 10, 32)
	// A Port may describe an invalid spec (TCP/70000 in an error report), so
	// any non-negative int32 is read back; only the form is enforced.
	if !ok || err != nil || proto == "" || n < 0 || strconv.FormatInt(n, 10) != num {
		return fmt.Errorf("port %q: want <PROTOCOL>/<number>", b)
	}
	*p = Port{Protocol: corev1.Protocol(proto), Port: int32(n)}
	return nil
}
