package profiles_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/internal/avischema"
	"github.com/avil4/avil4/profiles"
)

// TestSCTPProxyRangesMatchSchema holds SCTPProxyRanges to the schema's
// SCTPProxyProfile: every field, its range and its release, and the JSON
// names of SCTPProxySettings and aviobj.SCTPProxyProfile in the same order.
func TestSCTPProxyRangesMatchSchema(t *testing.T) {
	s := avischema.ForTest(t)
	ranges := profiles.SCTPProxyRanges()
	settings := reflect.TypeFor[profiles.SCTPProxySettings]()
	wire := reflect.TypeFor[aviobj.SCTPProxyProfile]()
	if settings.NumField() != len(ranges) || wire.NumField() != len(ranges) {
		t.Fatalf("%d ranges, %d settings, %d wire fields", len(ranges), settings.NumField(), wire.NumField())
	}
	for i, r := range ranges {
		if tag := jsonName(settings.Field(i)); tag != r.Field {
			t.Errorf("SCTPProxySettings field %d is %q, range says %q", i, tag, r.Field)
		}
		if tag := jsonName(wire.Field(i)); tag != r.Wire {
			t.Errorf("aviobj.SCTPProxyProfile field %d is %q, range says %q", i, tag, r.Wire)
		}
		f, ok := s.Lookup("NetworkProfile", "profile.sctp_proxy_profile."+r.Wire)
		if !ok {
			t.Errorf("schema has no profile.sctp_proxy_profile.%s", r.Wire)
			continue
		}
		if f.Range == nil || f.Range.Min != float64(r.Min) || f.Range.Max != float64(r.Max) {
			t.Errorf("%s: schema range %+v, ours %d-%d", r.Wire, f.Range, r.Min, r.Max)
		}
		if f.Introduced != "22.1.3" {
			t.Errorf("%s: introduced %q, want 22.1.3", r.Wire, f.Introduced)
		}
	}
	// No field of the schema's SCTPProxyProfile is left out.
	dir, ok := avischema.Locate()
	if !ok {
		t.Skip("no schema folder")
	}
	raw, err := os.ReadFile(filepath.Join(dir, "NetworkProfile.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Definitions map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
		} `json:"definitions"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for name := range doc.Definitions["SCTPProxyProfile"].Properties {
		names = append(names, name)
	}
	var ours []string
	for _, r := range ranges {
		ours = append(ours, r.Wire)
	}
	slices.Sort(names)
	slices.Sort(ours)
	if diff := cmp.Diff(names, ours); diff != "" {
		t.Errorf("SCTPProxyProfile fields (-schema +ours):\n%s", diff)
	}
}

func jsonName(f reflect.StructField) string {
	n, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	return n
}

func i32(v int32) *int32 { return &v }

func TestSCTPProxyValidate(t *testing.T) {
	p := field.NewPath("sctpProxy")
	tests := []struct {
		name string
		s    *profiles.SCTPProxySettings
		want field.ErrorList
	}{
		{name: "nil", s: nil},
		{name: "one-setting", s: &profiles.SCTPProxySettings{NumberOfStreams: i32(16)}},
		{name: "zero-where-allowed", s: &profiles.SCTPProxySettings{IdleTimeout: i32(0), ResetTimeout: i32(0)}},
		{name: "bounds", s: &profiles.SCTPProxySettings{
			NumberOfStreams: i32(65535), HeartbeatInterval: i32(30), ReceiveWindow: i32(65536),
			CookieExpirationTimeout: i32(3600), MaxRetransmissionsAssociation: i32(1), MaxRetransmissionsInitChunks: i32(247483647),
		}},
		{name: "empty", s: &profiles.SCTPProxySettings{}, want: field.ErrorList{field.Required(p, "")}},
		{name: "every-field-out-of-range", s: &profiles.SCTPProxySettings{
			NumberOfStreams: i32(0), HeartbeatInterval: i32(29), IdleTimeout: i32(-1), ReceiveWindow: i32(65537),
			CookieExpirationTimeout: i32(59), MaxRetransmissionsAssociation: i32(0), MaxRetransmissionsInitChunks: i32(247483648),
			ResetTimeout: i32(-5),
		}, want: field.ErrorList{
			field.Invalid(p.Child("numberOfStreams"), int32(0), "must be between 1 and 65535"),
			field.Invalid(p.Child("heartbeatInterval"), int32(29), "must be between 30 and 247483647 (seconds)"),
			field.Invalid(p.Child("idleTimeout"), int32(-1), "must be between 0 and 247483647 (seconds)"),
			field.Invalid(p.Child("receiveWindow"), int32(65537), "must be between 2 and 65536 (KB)"),
			field.Invalid(p.Child("cookieExpirationTimeout"), int32(59), "must be between 60 and 3600 (seconds)"),
			field.Invalid(p.Child("maxRetransmissionsAssociation"), int32(0), "must be between 1 and 247483647"),
			field.Invalid(p.Child("maxRetransmissionsInitChunks"), int32(247483648), "must be between 1 and 247483647"),
			field.Invalid(p.Child("resetTimeout"), int32(-5), "must be between 0 and 247483647 (seconds)"),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.Validate(p)
			ignoreReqDetail := cmp.FilterPath(func(cp cmp.Path) bool {
				return len(tt.want) == 1 && tt.want[0].Type == field.ErrorTypeRequired && cp.Last().String() == ".Detail"
			}, cmp.Ignore())
			if diff := cmp.Diff(tt.want, got, ignoreReqDetail); diff != "" {
				t.Errorf("Validate (-want +got):\n%s", diff)
			}
		})
	}
}

// TestBuildSCTPProxyIsSchemaClean builds profiles with no, some and all
// settings at their bounds and validates them against the schema, at
// 22.1.3 (accepted) and 22.1.2 (refused: the fields and the type value are
// 22.1.3's).
func TestBuildSCTPProxyIsSchemaClean(t *testing.T) {
	s := avischema.ForTest(t)
	mk := aviobj.Markers{ClusterName: "c1", Namespace: "ns", ServiceName: "amf", Port: "38412", Protocol: "SCTP"}.List()
	all := &profiles.SCTPProxySettings{
		NumberOfStreams: i32(65535), HeartbeatInterval: i32(247483647), IdleTimeout: i32(0), ReceiveWindow: i32(2),
		CookieExpirationTimeout: i32(60), MaxRetransmissionsAssociation: i32(1), MaxRetransmissionsInitChunks: i32(1), ResetTimeout: i32(0),
	}
	for _, settings := range []*profiles.SCTPProxySettings{nil, {HeartbeatInterval: i32(30)}, all} {
		np := profiles.BuildSCTPProxy(profiles.SCTPProxyName("c1--ns-amf", "SCTP", 38412), "/api/tenant/?name=admin", mk, settings)
		body, err := json.Marshal(np)
		if err != nil {
			t.Fatal(err)
		}
		if probs := s.Validate("NetworkProfile", body, avischema.ForbidReadOnly(), avischema.AtVersion("22.1.3"), avischema.InEdition("ENTERPRISE")); len(probs) > 0 {
			t.Errorf("%s: %v", body, probs)
		}
		if probs := s.Validate("NetworkProfile", body, avischema.AtVersion("22.1.2")); len(probs) == 0 {
			t.Errorf("%s accepted at 22.1.2", body)
		}
		if probs := s.Validate("NetworkProfile", body, avischema.InEdition("ESSENTIALS")); len(probs) == 0 {
			t.Errorf("%s accepted in ESSENTIALS", body)
		}
		if probs := aviobj.Check(&aviobj.Set{ClusterName: "c1", NetworkProfiles: []aviobj.NetworkProfile{np},
			VirtualService: &aviobj.VirtualService{Name: "c1--ns-amf", CreatedBy: "ako-c1", Markers: aviobj.Markers{ClusterName: "c1"}.List()}}); len(probs) > 0 {
			t.Errorf("Check: %v", probs)
		}
	}
	if got, want := profiles.SCTPProxyName("c1--ns-amf", "SCTP", 38412), "c1--ns-amf-SCTP-38412-np"; got != want {
		t.Errorf("SCTPProxyName = %q, want %q", got, want)
	}
	if got := profiles.SCTPProxyName(strings.Repeat("a", 260), "SCTP", 38412); len(got) > aviobj.MaxNameLength {
		t.Errorf("SCTPProxyName of a long name is %d long", len(got))
	}
}
