package apply_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/avil4/avil4/apply"
	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/avitest"
)

// TestControllerVersionsAndEditions applies Sets to fakes of several
// releases and editions: a Set the controller does not have is refused
// before any write, naming the object and field.
func TestControllerVersionsAndEditions(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name, version, edition string
		ports                  []port
		wantFields             []string // substrings of the refused fields; nil: applied
	}{
		{"sctp on 21.1.4", "21.1.4", "", []port{sctp(38412)}, []string{
			`virtualservice "c1--ns-svc" network_profile_ref: networkprofile System-SCTP-Proxy exists from 22.1.3 on, later than the requested version 21.1.4`,
			`l4policyset "c1--ns-svc" l4_connection_policy.rules[0].match.protocol.protocol: value PROTOCOL_SCTP introduced in 22.1.3, later than the requested version 21.1.4`,
			`healthmonitor System-SCTP exists from 22.1.3 on`,
		}},
		{"sctp on 22.1.3", "22.1.3", "", []port{sctp(38412)}, nil},
		{"sctp on 30.2.1", "30.2.1", "", []port{sctp(38412)}, nil},
		{"sctp on a newer controller (spoken as 30.2.1)", "31.1.1", "", []port{sctp(38412)}, nil},
		{"sctp on enterprise with cloud services", "", "ENTERPRISE_WITH_CLOUD_SERVICES", []port{sctp(38412)}, nil},
		{"sctp on essentials", "", "ESSENTIALS", []port{sctp(38412)}, []string{
			`virtualservice "c1--ns-svc" network_profile_ref: networkprofile System-SCTP-Proxy is not allowed in the ESSENTIALS edition`,
			`pool "c1--ns-svc-SCTP-38412" health_monitor_refs[0]: healthmonitor System-SCTP is not allowed in the ESSENTIALS edition`,
		}},
		{"sctp on basic", "", "BASIC", []port{sctp(38412), tcp(80)}, []string{
			`networkprofile System-SCTP-Proxy is not allowed in the BASIC edition`,
		}},
		{"tcp and udp on 21.1.4", "21.1.4", "", []port{tcp(80), udp(53)}, nil},
		// The schema allows markers (RoleFilterMatchLabel) and L4 policy
		// protocol matches in the Enterprise editions only, and avil4
		// needs both: no Set can be applied to Essentials or Basic.
		{"tcp on essentials", "", "ESSENTIALS", []port{tcp(80)}, []string{
			`markers[0].key: not allowed in the ESSENTIALS edition`,
			`l4_connection_policy.rules[0].match.protocol: not allowed in the ESSENTIALS edition`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, avitest.WithVersion(tt.version), avitest.WithEdition(tt.edition))
			set := newSet(t, "ns", "svc", tt.ports...)
			_, planErr := e.a.Plan(ctx, set)
			res, err := e.a.Apply(ctx, set)
			if tt.wantFields == nil {
				if err != nil || planErr != nil {
					t.Fatalf("Apply = %v (Plan %v), want success", err, planErr)
				}
				if e.fake.Count("virtualservice") != 1 {
					t.Errorf("no VirtualService written")
				}
				return
			}
			var ue *apply.UnsupportedError
			if !errors.Is(err, apply.ErrUnsupported) || !errors.As(err, &ue) || res != nil {
				t.Fatalf("Apply = %v, %v; want an *UnsupportedError", res, err)
			}
			if !errors.Is(planErr, apply.ErrUnsupported) {
				t.Errorf("Plan = %v, want ErrUnsupported", planErr)
			}
			msg := err.Error()
			for _, want := range tt.wantFields {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
			for _, f := range ue.Fields {
				if f.Kind == "" || f.Name == "" || f.Field == "" || f.Reason == "" {
					t.Errorf("field %+v does not name its object and field", f)
				}
			}
			if n := e.fake.Calls().Total(); n != 0 {
				t.Errorf("%d API calls (%v), want none: the refusal comes before any read or write", n, e.fake.Calls())
			}
			if tt.edition != "" {
				return
			}
			// ApplyAll refuses that Set alone.
			other := newSet(t, "ns", "web", tcp(80))
			_, err = e.a.ApplyAll(ctx, []*aviobj.Set{set, other})
			failed := apply.FailedSets(err)
			if len(failed) != 1 || failed[0].Index != 0 || !errors.Is(failed[0], apply.ErrUnsupported) {
				t.Errorf("ApplyAll = %v, want set 0 refused alone", err)
			}
			if e.fake.Count("virtualservice") != 1 {
				t.Errorf("virtual services %v, want only web's", e.fake.Names("admin", "virtualservice"))
			}
		})
	}
}
