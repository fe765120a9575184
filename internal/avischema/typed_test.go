package avischema_test

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/avil4/avil4/internal/avischema"
)

// Go types shaped unlike aviobj's, to reach every branch of the typed walk.
type (
	tIPAddr struct {
		Addr string  `json:"addr"`
		Type *string `json:"type,omitempty"`
	}
	tServer struct {
		IP      *tIPAddr `json:"ip,omitempty"`
		Port    int8     `json:"port"`
		Enabled **bool   `json:"enabled,omitempty"`
		Ratio   uint64   `json:"ratio,omitempty"`
		Colour  string   `json:"colour,omitempty"`
	}
	tGeo struct {
		Latitude  int64 `json:"latitude"`
		Longitude uint  `json:"longitude"`
	}
	tPool struct {
		Name                string      `json:"name,omitempty"`
		LBAlgorithm         string      `json:"lb_algorithm"`
		DefaultServerPort   uint16      `json:"default_server_port,omitempty"`
		Enabled             string      `json:"enabled,omitempty"`
		Servers             []*tServer  `json:"servers"`
		HealthMonitorRefs   []string    `json:"health_monitor_refs"`
		ConnRampDuration    int32       `json:"connection_ramp_duration"`
		Description         tIPAddr     `json:"description"`
		AnalyticsPolicy     []int       `json:"analytics_policy,omitempty"`
		MaxConns            int64       `json:"max_concurrent_connections_per_server"`
		Untagged            bool        // encoded as "Untagged": an unknown field
		ignored             int         // unexported: not encoded
		Skipped             string      `json:"-"`
		PlacementNetworks   [][]tIPAddr `json:"placement_networks,omitempty"`
		CapacityEstimation  uint32      `json:"capacity_estimation_ttfb_thresh,omitempty"`
		ServiceMetadata     *string     `json:"service_metadata"`
		ApplicationPersProf bool        `json:"application_persistence_profile_ref,omitempty"`
	}
	tWithMap struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels,omitempty"`
	}
	tEmbedded struct {
		tIPAddr
		Name string `json:"name"`
	}
	tFloat struct {
		Name string  `json:"name"`
		X    float64 `json:"x,omitempty"`
	}
	tBytes struct {
		Name string `json:"name"`
		B    []byte `json:"b,omitempty"`
	}
	tStringOpt struct {
		Name string `json:"name"`
		Port int32  `json:"port,string"`
	}
	tMarshaler struct {
		Name string   `json:"name"`
		M    rawThing `json:"m"`
	}
	rawThing struct{}
)

func (rawThing) MarshalJSON() ([]byte, error) { return []byte(`"x"`), nil }

// TestStructValidatorIsValidate requires that the typed walk reports what
// Validate reports on json.Marshal of the same value, for values that
// reach every kind the walk handles (type mismatches, nulls, unsigned and
// huge integers, integers where the schema has numbers, nested arrays,
// unknown, skipped and missing fields, invalid UTF-8 in enums and refs).
func TestStructValidatorIsValidate(t *testing.T) {
	s := avischema.Embedded()
	sv := s.StructValidator(
		avischema.StructRoot{ObjectType: "pool", Type: reflect.TypeFor[tPool]()},
		avischema.StructRoot{ObjectType: "GeoLocation", Type: reflect.TypeFor[*tGeo]()},
	)
	v4, bad := "V4", "V5\xff"
	tr := true
	ptr := &tr
	meta := "m"
	values := []struct {
		objectType string
		v          any
	}{
		{"pool", &tPool{}},
		{"pool", tPool{Name: "p", LBAlgorithm: "LB_ALGORITHM_ROUND_ROBIN", Servers: []*tServer{}, HealthMonitorRefs: []string{}, ServiceMetadata: &meta}},
		{"pool", &tPool{Name: strings.Repeat("n", 300), LBAlgorithm: "bad\xff\xe2\x82", DefaultServerPort: 65535, Enabled: "yes",
			Servers: []*tServer{nil, {}, {IP: &tIPAddr{Addr: "10.0.0.1", Type: &v4}, Port: -1, Enabled: &ptr, Ratio: math.MaxUint64, Colour: "red"},
				{IP: &tIPAddr{Type: &bad}, Port: 127, Ratio: 5}},
			HealthMonitorRefs:  []string{"/api/pool/?name=x", "/api/healthmonitor/?name=y", "https://ctl/api/vsvip/u#n", "plain", "/api/\xff/x"},
			ConnRampDuration:   301,
			MaxConns:           math.MinInt64,
			Untagged:           true,
			Skipped:            "s",
			ignored:            1,
			PlacementNetworks:  [][]tIPAddr{nil, {{Addr: "a"}}},
			CapacityEstimation: 5001,
			AnalyticsPolicy:    []int{1},
		}},
		{"pool", &tPool{ConnRampDuration: math.MaxInt32, MaxConns: 1e15, DefaultServerPort: 0, CapacityEstimation: math.MaxUint32,
			Servers: make([]*tServer, 5001), ApplicationPersProf: true}},
		{"GeoLocation", &tGeo{Latitude: 91, Longitude: 180}},
		{"GeoLocation", tGeo{Latitude: -1 << 60, Longitude: 1 << 63}},
		{"pool", &tPool{MaxConns: 1 << 62, ConnRampDuration: -99999}},
		{"GeoLocation", &tGeo{Latitude: -90, Longitude: 181}},
	}
	for i, tc := range values {
		body, err := json.Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		want := s.Validate(tc.objectType, body)
		got, ok := sv.Validate(tc.objectType, tc.v)
		if !ok {
			t.Fatalf("value %d: not supported", i)
		}
		if i >= 2 && len(want) == 0 {
			t.Errorf("value %d: the reference finds nothing; the case tests little", i)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("value %d (%s):\n%s\n(-Validate(json) +typed):\n%s", i, tc.objectType, body, diff)
		}
	}
}

// TestStructValidatorFallsBack: types the walk does not model are refused
// (ok false), so that the caller validates their JSON instead; so are
// values of a type or object type it was not built for.
func TestStructValidatorFallsBack(t *testing.T) {
	s := avischema.Embedded()
	roots := []any{tWithMap{}, tEmbedded{}, tFloat{}, tBytes{}, tStringOpt{}, tMarshaler{}}
	var rs []avischema.StructRoot
	for _, r := range roots {
		rs = append(rs, avischema.StructRoot{ObjectType: "Pool", Type: reflect.TypeOf(r)})
	}
	rs = append(rs, avischema.StructRoot{ObjectType: "NoSuchType", Type: reflect.TypeFor[tPool]()},
		avischema.StructRoot{ObjectType: "Pool", Type: reflect.TypeFor[string]()})
	sv := s.StructValidator(rs...)
	for _, r := range roots {
		if _, ok := sv.Validate("Pool", r); ok {
			t.Errorf("%T: supported, want a fallback", r)
		}
	}
	if _, ok := sv.Validate("pool", tFloat{}); ok {
		t.Errorf("object type pool: supported, but the root was built for Pool")
	}
	if _, ok := sv.Validate("NoSuchType", tPool{}); ok {
		t.Errorf("unknown object type: supported")
	}
	if _, ok := sv.Validate("Pool", "x"); ok {
		t.Errorf("string root: supported")
	}
}

type (
	tValidServer struct {
		IP   tIPAddr `json:"ip"`
		Port int32   `json:"port"`
	}
	tValidPool struct {
		Name              string         `json:"name"`
		LBAlgorithm       string         `json:"lb_algorithm,omitempty"`
		HealthMonitorRefs []string       `json:"health_monitor_refs,omitempty"`
		Servers           []tValidServer `json:"servers,omitempty"`
	}
)

// TestStructValidatorAllocs: a valid value costs no allocation.
func TestStructValidatorAllocs(t *testing.T) {
	sv := avischema.Embedded().StructValidator(avischema.StructRoot{ObjectType: "Pool", Type: reflect.TypeFor[tValidPool]()})
	v4 := "V4"
	p := &tValidPool{Name: "p", LBAlgorithm: "LB_ALGORITHM_ROUND_ROBIN", HealthMonitorRefs: []string{"/api/healthmonitor/?name=h"}}
	for i := range 20 {
		p.Servers = append(p.Servers, tValidServer{IP: tIPAddr{Addr: "10.0.0.1", Type: &v4}, Port: int32(80 + i)})
	}
	if probs, ok := sv.Validate("Pool", p); !ok || len(probs) != 0 {
		t.Fatalf("Validate = %v, %v; want no problems", probs, ok)
	}
	if allocs := testing.AllocsPerRun(100, func() { sv.Validate("Pool", p) }); allocs != 0 {
		t.Errorf("Validate of a valid value: %v allocations, want 0", allocs)
	}
}
