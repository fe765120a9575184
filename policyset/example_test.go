package policyset_test

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/avil4/avil4/policyset"
)

// One VIP serves TCP, UDP and SCTP on port 8080: one rule per (protocol,
// port), each sending its connections to its own pool.
func ExampleConnectionPolicy() {
	routes := []policyset.Route{
		{Port: policyset.Port{Protocol: corev1.ProtocolTCP, Port: 8080}, Pool: "cluster--red-ns-testsvc-TCP-8080"},
		{Port: policyset.Port{Protocol: corev1.ProtocolUDP, Port: 8080}, Pool: "cluster--red-ns-testsvc-UDP-8080"},
		{Port: policyset.Port{Protocol: corev1.ProtocolSCTP, Port: 8080}, Pool: "cluster--red-ns-testsvc-SCTP-8080"},
	}
	for _, r := range policyset.ConnectionPolicy(routes).Rules {
		b, err := json.Marshal(r)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(string(b))
	}
	fmt.Println("Protocol marker:", policyset.ProtocolMarker(routes))
	// Output:
	// {"index":0,"name":"TCP-8080","match":{"port":{"match_criteria":"IS_IN","ports":[8080]},"protocol":{"match_criteria":"IS_IN","protocol":"PROTOCOL_TCP"}},"action":{"select_pool":{"action_type":"L4_RULE_ACTION_SELECT_POOL","pool_ref":"/api/pool/?name=cluster--red-ns-testsvc-TCP-8080"}}}
	// {"index":1,"name":"UDP-8080","match":{"port":{"match_criteria":"IS_IN","ports":[8080]},"protocol":{"match_criteria":"IS_IN","protocol":"PROTOCOL_UDP"}},"action":{"select_pool":{"action_type":"L4_RULE_ACTION_SELECT_POOL","pool_ref":"/api/pool/?name=cluster--red-ns-testsvc-UDP-8080"}}}
	// {"index":2,"name":"SCTP-8080","match":{"port":{"match_criteria":"IS_IN","ports":[8080]},"protocol":{"match_criteria":"IS_IN","protocol":"PROTOCOL_SCTP"}},"action":{"select_pool":{"action_type":"L4_RULE_ACTION_SELECT_POOL","pool_ref":"/api/pool/?name=cluster--red-ns-testsvc-SCTP-8080"}}}
	// Protocol marker: SCTP,TCP,UDP
}

// A Port prints, and travels in JSON, as "<PROTOCOL>/<port>".
func ExamplePort() {
	p := policyset.Port{Protocol: corev1.ProtocolSCTP, Port: 38412}
	b, _ := json.Marshal(p)
	fmt.Println(p, string(b), policyset.RuleName(p))

	var back policyset.Port
	fmt.Println(json.Unmarshal(b, &back), back == p)
	fmt.Println(back.UnmarshalText([]byte("SCTP")))
	// Output:
	// SCTP/38412 "SCTP/38412" SCTP-38412
	// <nil> true
	// port "SCTP": want <PROTOCOL>/<number>
}
