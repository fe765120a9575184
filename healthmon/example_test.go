package healthmon_test

import (
	"encoding/json"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/healthmon"
)

// Each pool checks its servers with the System monitor of its protocol.
func ExampleSystem() {
	for _, p := range []corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolUDP, corev1.ProtocolTCP} {
		typ, _ := healthmon.Type(p)
		fmt.Printf("%-4s %-11s %-19s %v\n", p, healthmon.System(p), typ, healthmon.SystemRefs(p))
	}
	// Output:
	// SCTP System-SCTP HEALTH_MONITOR_SCTP [/api/healthmonitor/?name=System-SCTP]
	// UDP  System-UDP  HEALTH_MONITOR_UDP  [/api/healthmonitor/?name=System-UDP]
	// TCP  System-TCP  HEALTH_MONITOR_TCP  [/api/healthmonitor/?name=System-TCP]
}

// An SCTP pool (an NGAP endpoint on 38412, say) checked every 5 seconds with
// a request and an expected answer instead of System-SCTP.
func ExampleBuild() {
	pool := aviobj.PoolName("c1", "ran", "amf", "SCTP", 38412)
	spec := healthmon.Spec{Protocol: corev1.ProtocolSCTP, SendInterval: 5, ReceiveTimeout: 2, Request: "ping", Response: "pong"}
	if errs := spec.Validate(field.NewPath("spec")); len(errs) > 0 {
		fmt.Println(errs.ToAggregate())
		return
	}
	markers := aviobj.Markers{ClusterName: "c1", Namespace: "ran", ServiceName: "amf", Port: "38412"}.List()
	hm := healthmon.Build(healthmon.Name(pool), aviobj.RefByName(aviobj.KindTenant, "admin"), markers, spec)
	b, _ := json.Marshal(hm)
	fmt.Println(string(b))
	fmt.Println("pool health_monitor_refs:", []string{healthmon.Ref(hm.Name)})

	bad := healthmon.Spec{Protocol: corev1.ProtocolSCTP, SendInterval: 5, ReceiveTimeout: 5, FailedChecks: 99}
	for _, e := range bad.Validate(field.NewPath("spec")) {
		fmt.Println(e)
	}
	// Output:
	// {"name":"c1--ran-amf-SCTP-38412-hm","tenant_ref":"/api/tenant/?name=admin","type":"HEALTH_MONITOR_SCTP","send_interval":5,"receive_timeout":2,"sctp_monitor":{"sctp_request":"ping","sctp_response":"pong"},"markers":[{"key":"clustername","values":["c1"]},{"key":"Namespace","values":["ran"]},{"key":"ServiceName","values":["amf"]},{"key":"Port","values":["38412"]}]}
	// pool health_monitor_refs: [/api/healthmonitor/?name=c1--ran-amf-SCTP-38412-hm]
	// spec.failedChecks: Invalid value: 99: must be between 1 and 50, inclusive
	// spec.receiveTimeout: Invalid value: 5: must be less than sendInterval
}

// A Service with externalTrafficPolicy: Local in NodePort mode: one monitor
// asks kube-proxy on each node whether the node has a local endpoint, for the
// Service's pools of every protocol.
func ExampleHealthz() {
	hm := healthmon.Healthz(healthmon.HealthzName("c1--ran-amf"), "", nil, 32017)
	b, _ := json.Marshal(hm)
	fmt.Println(string(b))
	for _, p := range []corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolUDP, corev1.ProtocolTCP} {
		fmt.Println(p, healthmon.TypeCompatible(hm.Type, p))
	}
	// Output:
	// {"name":"c1--ran-amf-healthz","type":"HEALTH_MONITOR_HTTP","monitor_port":32017,"http_monitor":{"http_request":"GET /healthz HTTP/1.1","http_response_code":["HTTP_2XX"]}}
	// SCTP true
	// UDP true
	// TCP true
}
