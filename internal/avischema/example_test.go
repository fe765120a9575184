package avischema_test

import (
	"fmt"

	"github.com/avil4/avil4/internal/avischema"
)

func Example() {
	body := []byte(`{
		"name": "vip-1",
		"url": "https://ctl/api/vsvip/vsvip-1#vip-1",
		"vip": [{"ip_address": {"addr": "192.0.2.1", "type": "V5"}, "colour": "red"}]
	}`)
	for _, p := range avischema.Embedded().Validate("vsvip", body, avischema.ForbidReadOnly()) {
		fmt.Println(p)
	}
	// Output:
	// url: read-only field must not be set
	// vip[0].ip_address.type: must be one of V4, DNS, V6, got "V5"
	// vip[0].colour: unknown field
	// vip[0].vip_id: required field is missing
}

func ExampleSchema_Enum() {
	s := avischema.Embedded()
	values, _ := s.Enum("L4PolicySet", "l4_connection_policy.rules[0].match.protocol.protocol")
	fmt.Println(values)
	port, _ := s.Lookup("HealthMonitor", "monitor_port")
	fmt.Println(port.Range.Min, port.Range.Max, port.Special)
	// Output:
	// [PROTOCOL_ICMP PROTOCOL_TCP PROTOCOL_UDP PROTOCOL_SCTP]
	// 1 65535 [0]
}
