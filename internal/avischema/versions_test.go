package avischema

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseEditions(t *testing.T) {
	tests := []struct {
		desc string
		want map[string][]string
	}{
		{"Health monitor for SCTP. Field introduced in 22.1.3. Allowed in Enterprise edition with any value, Enterprise with Cloud Services edition.",
			map[string][]string{"ENTERPRISE": nil, "ENTERPRISE_WITH_CLOUD_SERVICES": nil}},
		{"Type. Enum options - A, B. Allowed in Enterprise edition with any value, Essentials edition(Allowed values- A,B), Basic edition(Allowed values- A), Enterprise with Cloud Services edition.",
			map[string][]string{"ENTERPRISE": nil, "ESSENTIALS": {"A", "B"}, "BASIC": {"A"}, "ENTERPRISE_WITH_CLOUD_SERVICES": nil}},
		{"Allowed in Enterprise edition with any value, Essentials, Basic, Enterprise with Cloud Services edition.", nil},
		{"Allowed in Enterprise edition with any value, Basic, Enterprise with Cloud Services edition.",
			map[string][]string{"ENTERPRISE": nil, "BASIC": nil, "ENTERPRISE_WITH_CLOUD_SERVICES": nil}},
		{"Allowed in Platinum edition.", nil},
		{"No edition sentence.", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parseEditions(tt.desc)); diff != "" {
			t.Errorf("parseEditions(%q) (-want +got):\n%s", tt.desc, diff)
		}
	}
	if got := parseIntroduced("x. Field introduced in 22.1.3. Unit is SEC."); got != "22.1.3" {
		t.Errorf("parseIntroduced = %q, want 22.1.3", got)
	}
}

func TestCompareVersions(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"22.1.3", "21.1.4", 1}, {"21.1.4", "22.1.3", -1}, {"20_1_1", "20.1.1", 0},
		{"20.1.1-9046", "20.1.1", 0}, {"30.2.1", "30.2", 1}, {"16_4_2", "18.2.6", -1},
	}
	for _, tt := range tests {
		if got := CompareVersions(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareVersions(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestValidateVersionAndEdition(t *testing.T) {
	s := Embedded()
	sctpMonitor := `{"name":"m","type":"HEALTH_MONITOR_SCTP","sctp_monitor":{}}`
	tests := []struct {
		name, typ, body string
		opts            []Option
		want            []string // substrings, one per problem
	}{
		{"sctp at 30.2.1", "HealthMonitor", sctpMonitor, []Option{AtVersion("30.2.1")}, nil},
		{"sctp at 22.1.3", "HealthMonitor", sctpMonitor, []Option{AtVersion("22.1.3")}, nil},
		{"sctp at 21.1.4", "HealthMonitor", sctpMonitor, []Option{AtVersion("21.1.4")},
			[]string{"type: value HEALTH_MONITOR_SCTP introduced in 22.1.3, later than the requested version 21.1.4",
				"sctp_monitor: introduced in 22.1.3, later than the requested version 21.1.4"}},
		{"sctp enterprise", "HealthMonitor", sctpMonitor, []Option{InEdition("ENTERPRISE")}, nil},
		{"sctp enterprise 18", "HealthMonitor", sctpMonitor, []Option{InEdition("enterprise_18")}, nil},
		{"sctp essentials", "HealthMonitor", `{"name":"m","type":"HEALTH_MONITOR_SCTP","sctp_monitor":{"sctp_request":"x"}}`, []Option{InEdition("ESSENTIALS")},
			[]string{"type: must be one of HEALTH_MONITOR_PING, HEALTH_MONITOR_TCP, HEALTH_MONITOR_UDP in the ESSENTIALS edition, got HEALTH_MONITOR_SCTP",
				"sctp_monitor: not allowed in the ESSENTIALS edition"}},
		{"default value allowed", "HealthMonitor", `{"name":"m","type":"HEALTH_MONITOR_TCP","sctp_monitor":{}}`, []Option{InEdition("ESSENTIALS")}, nil},
		{"tcp at 16.4.2", "HealthMonitor", `{"name":"m","type":"HEALTH_MONITOR_TCP"}`, []Option{AtVersion("16.4.2")}, nil},
		{"sctp network profile basic", "NetworkProfile", `{"name":"n","profile":{"type":"PROTOCOL_TYPE_SCTP_PROXY"}}`, []Option{InEdition("BASIC")},
			[]string{"profile.type: must be one of PROTOCOL_TYPE_TCP_PROXY, PROTOCOL_TYPE_TCP_FAST_PATH, PROTOCOL_TYPE_UDP_FAST_PATH in the BASIC edition"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Validate(tt.typ, []byte(tt.body), tt.opts...)
			if len(got) != len(tt.want) {
				t.Fatalf("Validate = %v, want %d problems %v", got, len(tt.want), tt.want)
			}
			for i, p := range got {
				if !strings.Contains(p.String(), tt.want[i]) {
					t.Errorf("problem %d = %q, want it to contain %q", i, p, tt.want[i])
				}
			}
		})
	}
}

// TestPlainVersionPartsIsVersionParts requires the allocation-free parse
// to read every version it accepts as versionParts reads it, over versions
// drawn from digits, separators, signs, letters and long parts.
func TestPlainVersionPartsIsVersionParts(t *testing.T) {
	alphabet := []string{"0", "1", "9", "22", ".", "_", "..", "-", "+", "a", "1234567890123456789", "123456789012345678"}
	rng := rand.New(rand.NewPCG(3, 4))
	accepted := 0
	for range 100000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		v := b.String()
		var out [8]int
		n, ok := plainVersionParts(v, &out)
		if !ok {
			continue
		}
		accepted++
		if want := versionParts(v); !slices.Equal(out[:n], want) && !(n == 0 && len(want) == 0) {
			t.Fatalf("plainVersionParts(%q) = %v, versionParts = %v", v, out[:n], want)
		}
	}
	if accepted < 10000 {
		t.Errorf("only %d versions took the plain parse", accepted)
	}
}
