package avitest_test

import (
	"reflect"
	"testing"

	"github.com/avil4/avil4/avitest"
	"github.com/avil4/avil4/internal/zerotest"
)

// TestZeroValues calls every exported function and method of the package
// with zero values (a nil and a zero Server, nil options, zero faults...)
// and fails on a panic, or when an exported function or method is not in
// this list. The methods are also called, with zero arguments, on a
// running fake.
func TestZeroValues(t *testing.T) {
	zerotest.CheckZeroValues(t, map[string]any{
		"New":                 avitest.New,
		"Start":               avitest.Start,
		"DefaultRandomFaults": avitest.DefaultRandomFaults,
		"RandomFaults":        avitest.RandomFaults,
		"FailNth":             avitest.FailNth,
		"StaleUpdates":        avitest.StaleUpdates,
		"WithEdition":         avitest.WithEdition,
		"WithUsers":           avitest.WithUsers,
		"WithVersion":         avitest.WithVersion,
		"WithVIPRange":        avitest.WithVIPRange,
		"WithNetwork":         avitest.WithNetwork,
		"WithSEGroups":        avitest.WithSEGroups,
		"WithTenants":         avitest.WithTenants,
		"WithFault":           avitest.WithFault,
		"WithRandomFaults":    avitest.WithRandomFaults,
		"WithLatency":         avitest.WithLatency,
		"WithSeed":            avitest.WithSeed,
		"WithPageSize":        avitest.WithPageSize,
		"WithLogger":          avitest.WithLogger,
		"WithTLSCertificate":  avitest.WithTLSCertificate,
	}, map[string]any{
		"Server":  avitest.Server{},
		"Call":    avitest.Call{},
		"Calls":   avitest.Calls(nil),
		"Request": avitest.Request{},
		"Fault":   avitest.Fault{},
	})

	// Every method with zero arguments on a running fake (Close last).
	fake := avitest.New(nil)
	pt := reflect.TypeOf(fake)
	for i := range pt.NumMethod() {
		if m := pt.Method(i); m.Name != "Close" {
			zerotest.CallZero(t, "running Server."+m.Name, reflect.ValueOf(fake).Method(i))
		}
	}
	fake.Close()
	fake.Close()
	// The fault funcs a zero configuration returns let every request
	// through.
	for name, fn := range map[string]avitest.FaultFunc{
		"RandomFaults": avitest.RandomFaults(0, 0),
		"FailNth":      avitest.FailNth("", "", 0, avitest.Fault{}),
	} {
		if f := fn(avitest.Request{}); f != nil {
			t.Errorf("%s(zero)(Request{}) = %+v", name, f)
		}
	}
}

// TestStart returns the errors New panics with.
func TestStart(t *testing.T) {
	for _, opt := range []avitest.Option{avitest.WithVIPRange("not-a-cidr"), avitest.WithNetwork("n", "10.0.0.0/33")} {
		if s, err := avitest.Start(opt); err == nil || s != nil {
			t.Errorf("Start(bad option) = %v, %v; want an error", s, err)
		}
	}
	s, err := avitest.Start(avitest.WithVIPRange("10.9.0.0/24"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.URL() == "" || s.CertPool() == nil {
		t.Errorf("Start gave a Server without URL or certificate")
	}
	var zero avitest.Server
	if _, err := zero.Seed("", "pool", map[string]any{"name": "p"}); err == nil {
		t.Error("Seed on a zero Server succeeded")
	}
	if err := s.Edit("", "pool", "p", nil); err == nil {
		t.Error("Edit with a nil function succeeded")
	}
}
