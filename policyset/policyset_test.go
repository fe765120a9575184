package policyset_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	corev1 "k8s.io/api/core/v1"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/policyset"
)

const (
	tcp  = corev1.ProtocolTCP
	udp  = corev1.ProtocolUDP
	sctp = corev1.ProtocolSCTP
)

func route(p corev1.Protocol, port int32, pool string) policyset.Route {
	return policyset.Route{Port: policyset.Port{Protocol: p, Port: port}, Pool: pool}
}

// wantRule spells out a rule in full, with literal wire values, so the
// table below does not reuse the code under test.
func wantRule(index int32, name string, port int32, protocol, poolRef string) aviobj.L4Rule {
	return aviobj.L4Rule{
		Index: index,
		Name:  name,
		Match: &aviobj.L4RuleMatchTarget{
			Port:     &aviobj.L4RulePortMatch{MatchCriteria: "IS_IN", Ports: []int32{port}},
			Protocol: &aviobj.L4RuleProtocolMatch{MatchCriteria: "IS_IN", Protocol: protocol},
		},
		Action: &aviobj.L4RuleAction{SelectPool: &aviobj.L4RuleActionSelectPool{
			ActionType: "L4_RULE_ACTION_SELECT_POOL",
			PoolRef:    poolRef,
		}},
	}
}

func TestConnectionPolicy(t *testing.T) {
	tests := []struct {
		name   string
		routes []policyset.Route
		want   *aviobj.L4ConnectionPolicy
	}{
		{
			name:   "no-routes",
			routes: nil,
			want:   &aviobj.L4ConnectionPolicy{},
		},
		{
			name:   "sctp-only",
			routes: []policyset.Route{route(sctp, 38412, "c1--ns-amf-SCTP-38412")},
			want: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{
				wantRule(0, "SCTP-38412", 38412, "PROTOCOL_SCTP", "/api/pool/?name=c1--ns-amf-SCTP-38412"),
			}},
		},
		{
			name:   "tcp-only",
			routes: []policyset.Route{route(tcp, 80, "c1--default-svc-TCP-80"), route(tcp, 443, "c1--default-svc-TCP-443")},
			want: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{
				wantRule(0, "TCP-80", 80, "PROTOCOL_TCP", "/api/pool/?name=c1--default-svc-TCP-80"),
				wantRule(1, "TCP-443", 443, "PROTOCOL_TCP", "/api/pool/?name=c1--default-svc-TCP-443"),
			}},
		},
		{
			name:   "udp-only",
			routes: []policyset.Route{route(udp, 53, "c1--kube-system-dns-UDP-53")},
			want: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{
				wantRule(0, "UDP-53", 53, "PROTOCOL_UDP", "/api/pool/?name=c1--kube-system-dns-UDP-53"),
			}},
		},
		{
			name: "mixed-tcp-udp-sctp-same-port",
			routes: []policyset.Route{
				route(tcp, 8080, "cluster--red-ns-testsvc-TCP-8080"),
				route(udp, 8080, "cluster--red-ns-testsvc-UDP-8080"),
				route(sctp, 8080, "cluster--red-ns-testsvc-SCTP-8080"),
			},
			want: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{
				wantRule(0, "TCP-8080", 8080, "PROTOCOL_TCP", "/api/pool/?name=cluster--red-ns-testsvc-TCP-8080"),
				wantRule(1, "UDP-8080", 8080, "PROTOCOL_UDP", "/api/pool/?name=cluster--red-ns-testsvc-UDP-8080"),
				wantRule(2, "SCTP-8080", 8080, "PROTOCOL_SCTP", "/api/pool/?name=cluster--red-ns-testsvc-SCTP-8080"),
			}},
		},
		{
			name:   "given-order-kept-not-sorted",
			routes: []policyset.Route{route(udp, 53, "dns-udp"), route(tcp, 53, "dns-tcp")},
			want: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{
				wantRule(0, "UDP-53", 53, "PROTOCOL_UDP", "/api/pool/?name=dns-udp"),
				wantRule(1, "TCP-53", 53, "PROTOCOL_TCP", "/api/pool/?name=dns-tcp"),
			}},
		},
		{
			name: "unknown-protocols-skipped-without-index-gap",
			routes: []policyset.Route{
				route("ICMP", 0, "icmp"),
				route(tcp, 80, "web"),
				route("", 81, "unset"),
				route("tcp", 82, "lowercase"),
				route(sctp, 38412, "amf"),
			},
			want: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{
				wantRule(0, "TCP-80", 80, "PROTOCOL_TCP", "/api/pool/?name=web"),
				wantRule(1, "SCTP-38412", 38412, "PROTOCOL_SCTP", "/api/pool/?name=amf"),
			}},
		},
		{
			name:   "only-unknown-protocols",
			routes: []policyset.Route{route("ICMP", 0, "icmp")},
			want:   &aviobj.L4ConnectionPolicy{},
		},
		{
			name: "pool-group-selected-instead-of-pool",
			routes: []policyset.Route{
				{Port: policyset.Port{Protocol: tcp, Port: 80}, Pool: "ignored", PoolGroup: "c1--ns-gw-TCP-80"},
				route(udp, 53, "c1--ns-dns-gw-UDP-53"),
			},
			want: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{
				func() aviobj.L4Rule {
					r := wantRule(0, "TCP-80", 80, "PROTOCOL_TCP", "")
					r.Action.SelectPool = &aviobj.L4RuleActionSelectPool{
						ActionType:   "L4_RULE_ACTION_SELECT_POOLGROUP",
						PoolGroupRef: "/api/poolgroup/?name=c1--ns-gw-TCP-80",
					}
					return r
				}(),
				wantRule(1, "UDP-53", 53, "PROTOCOL_UDP", "/api/pool/?name=c1--ns-dns-gw-UDP-53"),
			}},
		},
		{
			name:   "pool-name-escaped-in-ref",
			routes: []policyset.Route{route(tcp, 80, "my pool&#1")},
			want: &aviobj.L4ConnectionPolicy{Rules: []aviobj.L4Rule{
				wantRule(0, "TCP-80", 80, "PROTOCOL_TCP", "/api/pool/?name=my+pool%26%231"),
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := policyset.ConnectionPolicy(tt.routes)
			// An empty rule list is the same on the wire whether nil or not.
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ConnectionPolicy() (-want +got):\n%s", diff)
			}
		})
	}
}

// Rules must be independent values: changing one rule's ports must not
// change another's, nor a later call's.
func TestConnectionPolicyRulesIndependent(t *testing.T) {
	routes := []policyset.Route{route(tcp, 80, "a"), route(udp, 80, "b")}
	got := policyset.ConnectionPolicy(routes)
	got.Rules[0].Match.Port.Ports[0] = 1
	if p := got.Rules[1].Match.Port.Ports[0]; p != 80 {
		t.Errorf("rule 1 port = %d after changing rule 0, want 80", p)
	}
	if p := policyset.ConnectionPolicy(routes).Rules[0].Match.Port.Ports[0]; p != 80 {
		t.Errorf("a fresh ConnectionPolicy has rule 0 port %d, want 80", p)
	}
}

func TestProtocolMarker(t *testing.T) {
	tests := []struct {
		name   string
		routes []policyset.Route
		want   string
	}{
		{name: "no-routes", routes: nil, want: ""},
		{name: "sctp-only", routes: []policyset.Route{route(sctp, 38412, "p")}, want: "SCTP"},
		{name: "repeats-collapse", routes: []policyset.Route{route(tcp, 80, "a"), route(tcp, 443, "b")}, want: "TCP"},
		{name: "tcp-sctp-sorted", routes: []policyset.Route{route(tcp, 80, "a"), route(sctp, 9000, "b")}, want: "SCTP,TCP"},
		{
			name:   "all-three-sorted-distinct",
			routes: []policyset.Route{route(udp, 8080, "u"), route(tcp, 8080, "t"), route(sctp, 8080, "s"), route(tcp, 80, "t2"), route(udp, 53, "u2")},
			want:   "SCTP,TCP,UDP",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := policyset.ProtocolMarker(tt.routes); got != tt.want {
				t.Errorf("ProtocolMarker() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAviProtocol(t *testing.T) {
	tests := []struct {
		protocol corev1.Protocol
		want     string
		wantOK   bool
	}{
		{protocol: tcp, want: "PROTOCOL_TCP", wantOK: true},
		{protocol: udp, want: "PROTOCOL_UDP", wantOK: true},
		{protocol: sctp, want: "PROTOCOL_SCTP", wantOK: true},
		{protocol: "", want: "", wantOK: false},
		{protocol: "ICMP", want: "", wantOK: false},
		{protocol: "sctp", want: "", wantOK: false},
	}
	for _, tt := range tests {
		t.Run("protocol-"+string(tt.protocol), func(t *testing.T) {
			got, ok := policyset.AviProtocol(tt.protocol)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("AviProtocol(%q) = %q, %v; want %q, %v", tt.protocol, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		name string
		got  string
		want string
	}{
		{name: "port-string-sctp", got: policyset.Port{Protocol: sctp, Port: 38412}.String(), want: "SCTP/38412"},
		{name: "port-string-udp", got: policyset.Port{Protocol: udp, Port: 53}.String(), want: "UDP/53"},
		{name: "port-string-zero", got: policyset.Port{}.String(), want: "/0"},
		{name: "rule-name-sctp", got: policyset.RuleName(policyset.Port{Protocol: sctp, Port: 38412}), want: "SCTP-38412"},
		{name: "rule-name-tcp", got: policyset.RuleName(policyset.Port{Protocol: tcp, Port: 8080}), want: "TCP-8080"},
		{name: "ref", got: policyset.Ref("c1--default-svc"), want: "/api/l4policyset/?name=c1--default-svc"},
		{name: "ref-escaped", got: policyset.Ref("a b"), want: "/api/l4policyset/?name=a+b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func TestPortCompare(t *testing.T) {
	tests := []struct {
		name string
		a, b policyset.Port
		want int
	}{
		{name: "equal", a: policyset.Port{Protocol: tcp, Port: 80}, b: policyset.Port{Protocol: tcp, Port: 80}, want: 0},
		{name: "protocol-first", a: policyset.Port{Protocol: sctp, Port: 9000}, b: policyset.Port{Protocol: tcp, Port: 80}, want: -1},
		{name: "protocol-before-number", a: policyset.Port{Protocol: udp, Port: 1}, b: policyset.Port{Protocol: tcp, Port: 65535}, want: 1},
		{name: "number-within-protocol", a: policyset.Port{Protocol: tcp, Port: 80}, b: policyset.Port{Protocol: tcp, Port: 443}, want: -1},
		{name: "numeric-not-lexical", a: policyset.Port{Protocol: tcp, Port: 443}, b: policyset.Port{Protocol: tcp, Port: 80}, want: 1},
		{name: "extremes", a: policyset.Port{Protocol: tcp, Port: 0}, b: policyset.Port{Protocol: tcp, Port: 2147483647}, want: -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sign(tt.a.Compare(tt.b)); got != tt.want {
				t.Errorf("%v.Compare(%v) sign = %d, want %d", tt.a, tt.b, got, tt.want)
			}
			if got := sign(tt.b.Compare(tt.a)); got != -tt.want {
				t.Errorf("%v.Compare(%v) sign = %d, want %d", tt.b, tt.a, got, -tt.want)
			}
		})
	}
}

func TestPortSort(t *testing.T) {
	ports := []policyset.Port{
		{Protocol: udp, Port: 8080}, {Protocol: tcp, Port: 80}, {Protocol: sctp, Port: 8080},
		{Protocol: tcp, Port: 443}, {Protocol: sctp, Port: 38412}, {Protocol: tcp, Port: 8080},
	}
	slices.SortFunc(ports, policyset.Port.Compare)
	want := []policyset.Port{
		{Protocol: sctp, Port: 8080}, {Protocol: sctp, Port: 38412},
		{Protocol: tcp, Port: 80}, {Protocol: tcp, Port: 443}, {Protocol: tcp, Port: 8080},
		{Protocol: udp, Port: 8080},
	}
	if diff := cmp.Diff(want, ports); diff != "" {
		t.Errorf("sorted ports (-want +got):\n%s", diff)
	}
}

func TestPortJSON(t *testing.T) {
	type doc struct {
		Port  policyset.Port            `json:"port"`
		Pools map[policyset.Port]string `json:"pools"`
	}
	in := doc{
		Port: policyset.Port{Protocol: sctp, Port: 38412},
		Pools: map[policyset.Port]string{
			{Protocol: tcp, Port: 8080}:  "t",
			{Protocol: sctp, Port: 8080}: "s",
		},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const wantJSON = `{"port":"SCTP/38412","pools":{"SCTP/8080":"s","TCP/8080":"t"}}`
	if string(b) != wantJSON {
		t.Errorf("Marshal = %s, want %s", b, wantJSON)
	}
	var out doc
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if diff := cmp.Diff(in, out); diff != "" {
		t.Errorf("JSON round trip (-want +got):\n%s", diff)
	}
}

func TestPortUnmarshalText(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    policyset.Port
		wantErr bool
	}{
		{name: "sctp", in: "SCTP/38412", want: policyset.Port{Protocol: sctp, Port: 38412}},
		{name: "udp", in: "UDP/53", want: policyset.Port{Protocol: udp, Port: 53}},
		{name: "tcp-max-port", in: "TCP/65535", want: policyset.Port{Protocol: tcp, Port: 65535}},
		{name: "no-number", in: "SCTP", wantErr: true},
		{name: "empty-number", in: "SCTP/", wantErr: true},
		{name: "non-numeric", in: "SCTP/x", wantErr: true},
		{name: "trailing-garbage", in: "SCTP/38412/x", wantErr: true},
		{name: "beyond-int32", in: "TCP/2147483648", wantErr: true},
		{name: "empty", in: "", wantErr: true},
		{name: "no-protocol", in: "/80", wantErr: true},
		{name: "negative", in: "TCP/-1", wantErr: true},
		{name: "plus-sign", in: "TCP/+80", wantErr: true},
		{name: "out-of-range-kept-for-error-reports", in: "TCP/70000", want: policyset.Port{Protocol: tcp, Port: 70000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sentinel := policyset.Port{Protocol: "UNCHANGED", Port: 1}
			got := sentinel
			err := got.UnmarshalText([]byte(tt.in))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("UnmarshalText(%q) = %v, want an error", tt.in, got)
				}
				if diff := cmp.Diff(sentinel, got); diff != "" {
					t.Errorf("UnmarshalText(%q) changed the port on error (-want +got):\n%s", tt.in, diff)
				}
				return
			}
			if err != nil {
				t.Fatalf("UnmarshalText(%q): %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("UnmarshalText(%q) (-want +got):\n%s", tt.in, diff)
			}
			text, err := got.MarshalText()
			if err != nil || string(text) != tt.in {
				t.Errorf("MarshalText() = %q, %v; want %q", text, err, tt.in)
			}
		})
	}
}

func TestPortJSONErrors(t *testing.T) {
	for _, in := range []string{`"SCTP"`, `"SCTP/x"`} {
		var p policyset.Port
		if err := json.Unmarshal([]byte(in), &p); err == nil {
			t.Errorf("json.Unmarshal(%s) = %v, want an error", in, p)
		}
	}
}
