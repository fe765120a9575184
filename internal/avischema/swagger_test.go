package avischema

import (
	"math/big"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseEnum(t *testing.T) {
	tests := []struct {
		desc string
		want []string
	}{
		{" Enum options - V4, DNS, V6. Allowed in Enterprise edition.", []string{"V4", "DNS", "V6"}},
		{"Criterion. Enum options - IS_IN, IS_NOT_IN. Field introduced in 17.2.7.", []string{"IS_IN", "IS_NOT_IN"}},
		{"Enum options - ONLY", []string{"ONLY"}},
		{"Enum options - A,B , C,.", []string{"A", "B", "C"}},
		{"Name of the pool. Allowed in Enterprise edition.", nil},
		{"Allowed values- V4_ONLY), Basic edition", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parseEnum(tt.desc)); diff != "" {
			t.Errorf("parseEnum(%q) mismatch (-want +got):\n%s", tt.desc, diff)
		}
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		desc   string
		want   *Range
		wantOK bool
	}{
		{"Port. Allowed values are 1-65535. Field introduced in 17.2.7.", &Range{1, 65535}, true},
		{"Allowed values are 0-247483647. Unit is SEC.", &Range{0, 247483647}, true},
		{"The range is from -90.0 (south) to +90.0 (north). Allowed values are -90.0-+90.0. Field", &Range{-90, 90}, true},
		{"Allowed values are -180.0-+180.0.", &Range{-180, 180}, true},
		{"Allowed values are 1-65535", &Range{1, 65535}, true},
		{"Allowed values are 10-1.", nil, false},
		{"Allowed values are any.", nil, false},
		{"Allowed in Enterprise edition with any value, Essentials edition(Allowed values- 0), Basic edition(Allowed values- 0).", nil, false},
		{"No range here.", nil, false},
	}
	for _, tt := range tests {
		got, ok := parseRange(tt.desc)
		if ok != tt.wantOK || !cmp.Equal(got, tt.want) {
			t.Errorf("parseRange(%q) = %v, %v; want %v, %v", tt.desc, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestParseSpecial(t *testing.T) {
	tests := []struct {
		desc, format string
		want         []int64
		wantOK       bool
	}{
		{"Allowed values are 1-65535. Special values are 0 - Use server port. Allowed in", "int32", []int64{0}, true},
		{"Special values are 0- Infinite idle time.. Field introduced in 18.2.1.", "uint32", []int64{0}, true},
		{"Allowed values are 1-7200. Special values are 0 - Immediate, -1 - Infinite. Unit is MIN.", "int32", []int64{0, -1}, true},
		{"Allowed values are 0-65534. Special values are 65535 - end of string. Allowed", "uint32", []int64{65535}, true},
		{"Allowed values are 0-63. Special values are MAX - Passthrough. Allowed", "int32", []int64{2147483647}, true},
		{"Allowed values are 0-63. Special values are MAX - Passthrough.", "uint32", []int64{4294967295}, true},
		{"Special values are MAX - Passthrough.", "uint64", nil, false},
		{"Special values are whatever.", "int32", nil, false},
		{"Special values are 0 - off, LOTS - many.", "int32", nil, false},
		{"No special values.", "int32", nil, true},
	}
	for _, tt := range tests {
		got, ok := parseSpecial(tt.desc, tt.format)
		if ok != tt.wantOK || !cmp.Equal(got, tt.want) {
			t.Errorf("parseSpecial(%q, %q) = %v, %v; want %v, %v", tt.desc, tt.format, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestConvertFieldDropsRangeWithUnparsedSpecial(t *testing.T) {
	f, err := convertField(swaggerField{
		Type:        "integer",
		Format:      "int32",
		Description: "Allowed values are 1-10. Special values are SOMETIMES - who knows.",
	})
	if err != nil {
		t.Fatal(err)
	}
	if f.Range != nil {
		t.Errorf("Range = %v, want none: a value outside it may be a special value", f.Range)
	}
}

func TestConvertFieldArrayOfIntegers(t *testing.T) {
	// The shape of L4RulePortMatch.ports: format on the array, range in its
	// description, both applying to the elements.
	f, err := convertField(swaggerField{
		Type:        "array",
		Format:      "uint32",
		Items:       &swaggerField{Type: "integer"},
		Description: "Ports. Allowed values are 1-65535. Minimum of 1 items required. Maximum of 4 items allowed.",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &Field{
		Type:     "array",
		Items:    &Field{Type: "integer", Format: "uint32", Range: &Range{1, 65535}},
		MinItems: 1,
		MaxItems: 4,
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("convertField mismatch (-want +got):\n%s", diff)
	}
}

func TestParseIntLiteral(t *testing.T) {
	tests := []struct {
		lit            string
		want           string // "" when not integral or huge
		integral, huge bool
	}{
		{"0", "0", true, false},
		{"-0", "0", true, false},
		{"80", "80", true, false},
		{"-1", "-1", true, false},
		{"80.0", "80", true, false},
		{"8e1", "80", true, false},
		{"8E+1", "80", true, false},
		{"800e-1", "80", true, false},
		{"1.5", "", false, false},
		{"1e-1", "", false, false},
		{"0.000", "0", true, false},
		{"0e99999999999", "0", true, false},
		{"18446744073709551615", "18446744073709551615", true, false},
		{"123456789012345678901", "", true, true},
		{"1e400", "", true, true},
		{"1e99999999999999999999", "", true, true},
		{"1e-99999999999999999999", "", false, false},
	}
	for _, tt := range tests {
		n, integral, huge := parseIntLiteral(tt.lit)
		got := ""
		if n != nil {
			got = n.String()
		}
		if got != tt.want || integral != tt.integral || huge != tt.huge {
			t.Errorf("parseIntLiteral(%q) = %s, %v, %v; want %s, %v, %v", tt.lit, got, integral, huge, tt.want, tt.integral, tt.huge)
		}
	}
}

func TestFormatBounds(t *testing.T) {
	lo, hi := formatBounds("uint64")
	if lo.Sign() != 0 || hi.Cmp(new(big.Int).SetUint64(1<<64-1)) != 0 {
		t.Errorf("uint64 bounds = %s, %s", lo, hi)
	}
}

func TestRefCollection(t *testing.T) {
	tests := []struct {
		ref  string
		want string
		ok   bool
	}{
		{"/api/pool/?name=x", "pool", true},
		{"/api/pool?name=x", "pool", true},
		{"/api/vsvip/vsvip-1234", "vsvip", true},
		{"https://avi-controller/api/tenant/admin#admin", "tenant", true},
		{"https://10.0.0.1:443/api/applicationprofile/applicationprofile-1#System-HTTP", "applicationprofile", true},
		{"pool-1234", "", false},
		{"https://host", "", false},
		{"/apis/pool/x", "", false},
	}
	for _, tt := range tests {
		got, ok := refCollection(tt.ref)
		if got != tt.want || ok != tt.ok {
			t.Errorf("refCollection(%q) = %q, %v; want %q, %v", tt.ref, got, ok, tt.want, tt.ok)
		}
	}
}
