package healthmon_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/healthmon"
	"github.com/avil4/avil4/internal/avischema"
	"github.com/avil4/avil4/profiles"
)

const tenant = "/api/tenant/?name=admin"

func markers() []aviobj.Marker {
	return aviobj.Markers{ClusterName: "c1", Namespace: "ns", ServiceName: "svc", Port: "38412"}.List()
}

func port(p int32) *int32 { return &p }

// conforms fails t when hm, as sent to a controller, breaks the schema.
func conforms(t *testing.T, hm aviobj.HealthMonitor) {
	t.Helper()
	body, err := json.Marshal(hm)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	for _, p := range avischema.Embedded().Validate("HealthMonitor", body, avischema.ForbidReadOnly()) {
		t.Errorf("schema: %v\nbody: %s", p, body)
	}
}

func TestBuild(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec healthmon.Spec
		want aviobj.HealthMonitor
	}{
		{
			name: "sctp-every-field",
			spec: healthmon.Spec{
				Protocol: corev1.ProtocolSCTP, SendInterval: 5, ReceiveTimeout: 2, FailedChecks: 3, SuccessfulChecks: 1,
				MonitorPort: 38413, Request: "PING", Response: "PONG",
			},
			want: aviobj.HealthMonitor{
				Name: "hm", TenantRef: tenant, Type: "HEALTH_MONITOR_SCTP",
				SendInterval: 5, ReceiveTimeout: 2, FailedChecks: 3, SuccessfulChecks: 1, MonitorPort: port(38413),
				SCTPMonitor: &aviobj.HealthMonitorSCTP{SCTPRequest: "PING", SCTPResponse: "PONG"},
				Markers:     markers(),
			},
		},
		{
			name: "sctp-defaults-sends-empty-sctp-monitor",
			spec: healthmon.Spec{Protocol: corev1.ProtocolSCTP},
			want: aviobj.HealthMonitor{
				Name: "hm", TenantRef: tenant, Type: "HEALTH_MONITOR_SCTP",
				SCTPMonitor: &aviobj.HealthMonitorSCTP{}, Markers: markers(),
			},
		},
		{
			name: "tcp",
			spec: healthmon.Spec{Protocol: corev1.ProtocolTCP, SendInterval: 3600, ReceiveTimeout: 2400, FailedChecks: 50, SuccessfulChecks: 50, MonitorPort: 65535, Request: "HELO\r\n", Response: "250"},
			want: aviobj.HealthMonitor{
				Name: "hm", TenantRef: tenant, Type: "HEALTH_MONITOR_TCP",
				SendInterval: 3600, ReceiveTimeout: 2400, FailedChecks: 50, SuccessfulChecks: 50, MonitorPort: port(65535),
				TCPMonitor: &aviobj.HealthMonitorTCP{TCPRequest: "HELO\r\n", TCPResponse: "250"},
				Markers:    markers(),
			},
		},
		{
			name: "unset-protocol-is-tcp",
			spec: healthmon.Spec{FailedChecks: 1},
			want: aviobj.HealthMonitor{
				Name: "hm", TenantRef: tenant, Type: "HEALTH_MONITOR_TCP", FailedChecks: 1,
				TCPMonitor: &aviobj.HealthMonitorTCP{}, Markers: markers(),
			},
		},
		{
			name: "udp",
			spec: healthmon.Spec{Protocol: corev1.ProtocolUDP, ReceiveTimeout: 1, Request: "status", Response: "ok"},
			want: aviobj.HealthMonitor{
				Name: "hm", TenantRef: tenant, Type: "HEALTH_MONITOR_UDP", ReceiveTimeout: 1,
				UDPMonitor: &aviobj.HealthMonitorUDP{UDPRequest: "status", UDPResponse: "ok"},
				Markers:    markers(),
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if errs := tc.spec.Validate(field.NewPath("spec")); len(errs) != 0 {
				t.Fatalf("Validate: %v", errs)
			}
			got := healthmon.Build("hm", tenant, markers(), tc.spec)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Build (-want +got):\n%s", diff)
			}
			conforms(t, got)
		})
	}
}

// Build copies the markers: changing the caller's slice later must not
// change the monitor.
func TestBuildCopiesMarkers(t *testing.T) {
	ms := markers()
	hm := healthmon.Build("hm", "", ms, healthmon.Spec{Protocol: corev1.ProtocolSCTP})
	hz := healthmon.Healthz("hz", "", ms, 30000)
	ms[0].Values[0] = "changed"
	if diff := cmp.Diff(markers(), hm.Markers); diff != "" {
		t.Errorf("Build markers after changing the input (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(markers(), hz.Markers); diff != "" {
		t.Errorf("Healthz markers after changing the input (-want +got):\n%s", diff)
	}
}

func TestHealthz(t *testing.T) {
	got := healthmon.Healthz("c1--ns-svc-healthz", tenant, markers(), 31234)
	want := aviobj.HealthMonitor{
		Name:        "c1--ns-svc-healthz",
		TenantRef:   tenant,
		Type:        "HEALTH_MONITOR_HTTP",
		MonitorPort: port(31234),
		HTTPMonitor: &aviobj.HealthMonitorHTTP{HTTPRequest: "GET /healthz HTTP/1.1", HTTPResponseCode: []string{"HTTP_2XX"}},
		Markers:     markers(),
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Healthz (-want +got):\n%s", diff)
	}
	conforms(t, got)
}

func TestSpecValidate(t *testing.T) {
	p := field.NewPath("metadata", "annotations").Key("example.com/health-monitor")
	for _, tc := range []struct {
		name string
		spec healthmon.Spec
		want field.ErrorList
	}{
		{name: "zero-is-all-defaults", spec: healthmon.Spec{}},
		{name: "every-maximum", spec: healthmon.Spec{Protocol: corev1.ProtocolSCTP, SendInterval: 3600, ReceiveTimeout: 2400, FailedChecks: 50, SuccessfulChecks: 50, MonitorPort: 65535}},
		{name: "every-minimum", spec: healthmon.Spec{Protocol: corev1.ProtocolUDP, SendInterval: 2, ReceiveTimeout: 1, FailedChecks: 1, SuccessfulChecks: 1, MonitorPort: 1}},
		{
			name: "unknown-protocol",
			spec: healthmon.Spec{Protocol: "ICMP"},
			want: field.ErrorList{field.NotSupported(p.Child("protocol"), "ICMP", []string{"TCP", "UDP", "SCTP"})},
		},
		{
			name: "lowercase-protocol",
			spec: healthmon.Spec{Protocol: "sctp"},
			want: field.ErrorList{field.NotSupported(p.Child("protocol"), "sctp", []string{"TCP", "UDP", "SCTP"})},
		},
		{
			name: "every-number-too-large-reports-each",
			spec: healthmon.Spec{SendInterval: 3601, ReceiveTimeout: 2401, FailedChecks: 51, SuccessfulChecks: 51, MonitorPort: 65536},
			want: field.ErrorList{
				field.Invalid(p.Child("sendInterval"), 3601, "must be between 1 and 3600, inclusive"),
				field.Invalid(p.Child("receiveTimeout"), 2401, "must be between 1 and 2400, inclusive"),
				field.Invalid(p.Child("failedChecks"), 51, "must be between 1 and 50, inclusive"),
				field.Invalid(p.Child("successfulChecks"), 51, "must be between 1 and 50, inclusive"),
				field.Invalid(p.Child("monitorPort"), 65536, "must be between 1 and 65535, inclusive"),
			},
		},
		{
			name: "negative-numbers",
			spec: healthmon.Spec{SendInterval: -1, FailedChecks: -5, MonitorPort: -1},
			want: field.ErrorList{
				field.Invalid(p.Child("sendInterval"), -1, "must be between 1 and 3600, inclusive"),
				field.Invalid(p.Child("failedChecks"), -5, "must be between 1 and 50, inclusive"),
				field.Invalid(p.Child("monitorPort"), -1, "must be between 1 and 65535, inclusive"),
			},
		},
		{
			name: "receive-timeout-equal-to-send-interval",
			spec: healthmon.Spec{SendInterval: 5, ReceiveTimeout: 5},
			want: field.ErrorList{field.Invalid(p.Child("receiveTimeout"), 5, "must be less than sendInterval")},
		},
		{
			name: "receive-timeout-over-default-send-interval",
			spec: healthmon.Spec{ReceiveTimeout: 10},
			want: field.ErrorList{field.Invalid(p.Child("receiveTimeout"), 10, "must be less than sendInterval (default 10)")},
		},
		{
			name: "send-interval-under-default-receive-timeout",
			spec: healthmon.Spec{SendInterval: 4},
			want: field.ErrorList{field.Invalid(p.Child("sendInterval"), 4, "must be greater than receiveTimeout (default 4)")},
		},
		{name: "send-interval-just-over-default-receive-timeout", spec: healthmon.Spec{SendInterval: 5}},
		{name: "receive-timeout-just-under-default-send-interval", spec: healthmon.Spec{ReceiveTimeout: 9}},
		{
			// An out-of-range value is reported once, not compared again.
			name: "out-of-range-is-not-also-compared",
			spec: healthmon.Spec{SendInterval: 2, ReceiveTimeout: 3000},
			want: field.ErrorList{field.Invalid(p.Child("receiveTimeout"), 3000, "must be between 1 and 2400, inclusive")},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.spec.Validate(p)
			field.ErrorMatcher{}.ByType().ByField().Test(t, tc.want, got)
			field.ErrorMatcher{}.ByType().ByField().ByDetailSubstring().Test(t, tc.want, got)
		})
	}
}

// The numeric ranges of Validate are the schema's: a Spec with only range
// errors yields a monitor the schema refuses at the same fields, and an
// accepted one a monitor it accepts.
func TestSpecValidateAgreesWithSchema(t *testing.T) {
	schemaField := map[string]string{
		"sendInterval": "send_interval", "receiveTimeout": "receive_timeout",
		"failedChecks": "failed_checks", "successfulChecks": "successful_checks", "monitorPort": "monitor_port",
	}
	for _, s := range []healthmon.Spec{
		{SendInterval: 3601}, {SendInterval: 3600}, {SendInterval: -1},
		{SendInterval: 3600, ReceiveTimeout: 2401}, {SendInterval: 3600, ReceiveTimeout: 2400},
		{FailedChecks: 51}, {FailedChecks: 50}, {SuccessfulChecks: 51}, {SuccessfulChecks: 1},
		{MonitorPort: 65536}, {MonitorPort: 65535}, {MonitorPort: -3},
	} {
		var want []string
		for _, e := range s.Validate(nil) {
			want = append(want, schemaField[e.Field])
		}
		body, err := json.Marshal(healthmon.Build("hm", "", nil, s))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range avischema.Embedded().Validate("HealthMonitor", body, avischema.ForbidReadOnly()) {
			got = append(got, p.Path)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%+v: fields refused by Validate vs by the schema (-Validate +schema):\n%s", s, diff)
		}
	}
}

func TestValidateHealthz(t *testing.T) {
	p := field.NewPath("spec", "healthCheckNodePort")
	for _, tc := range []struct {
		name string
		port int32
		want field.ErrorList
	}{
		{name: "node-port", port: 31234},
		{name: "unset", port: 0, want: field.ErrorList{field.Required(p, "")}},
		{name: "too-large", port: 70000, want: field.ErrorList{field.Invalid(p, 70000, "")}},
		{name: "negative", port: -1, want: field.ErrorList{field.Invalid(p, -1, "")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			field.ErrorMatcher{}.ByType().ByField().Test(t, tc.want, healthmon.ValidateHealthz(tc.port, p))
		})
	}
}

func TestNames(t *testing.T) {
	long := "c1--" + strings.Repeat("n", 63) + "-" + strings.Repeat("s", 63) + "-" + strings.Repeat("g", 100) + "-SCTP-38412"
	for _, tc := range []struct {
		name, got, want string
	}{
		{name: "pool", got: healthmon.Name("c1--ns-svc-SCTP-38412"), want: "c1--ns-svc-SCTP-38412-hm"},
		{name: "healthz", got: healthmon.HealthzName("c1--ns-svc"), want: "c1--ns-svc-healthz"},
		{name: "long-pool", got: healthmon.Name(long), want: aviobj.ShortenName(long + "-hm")},
		{name: "pool-of-255", got: healthmon.Name(aviobj.ShortenName(long + "x")), want: aviobj.ShortenName(aviobj.ShortenName(long+"x") + "-hm")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("got %q, want %q", tc.got, tc.want)
			}
			if len(tc.got) > aviobj.MaxNameLength {
				t.Errorf("%q is %d characters, over %d", tc.got, len(tc.got), aviobj.MaxNameLength)
			}
		})
	}
	if healthmon.Name(long) == healthmon.Name(long+"1") {
		t.Errorf("two long pool names give the same monitor name %q", healthmon.Name(long))
	}
}

func TestSystemType(t *testing.T) {
	type result struct {
		Type string
		OK   bool
	}
	for _, tc := range []struct {
		name string
		want result
	}{
		{healthmon.SystemTCP, result{"HEALTH_MONITOR_TCP", true}},
		{healthmon.SystemUDP, result{"HEALTH_MONITOR_UDP", true}},
		{healthmon.SystemSCTP, result{"HEALTH_MONITOR_SCTP", true}},
		{healthmon.SystemPing, result{"HEALTH_MONITOR_PING", true}},
		{healthmon.SystemHTTP, result{"HEALTH_MONITOR_HTTP", true}},
		{healthmon.SystemHTTPS, result{"HEALTH_MONITOR_HTTPS", true}},
		{healthmon.SystemDNS, result{"HEALTH_MONITOR_DNS", true}},
		{"system-tcp", result{}},
		{"c1--ns-svc-SCTP-38412-hm", result{}},
		{"", result{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			typ, ok := healthmon.SystemType(tc.name)
			if diff := cmp.Diff(tc.want, result{typ, ok}); diff != "" {
				t.Errorf("SystemType(%q) (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

// Every System monitor a pool gets by default is compatible with its pool.
func TestSystemCompatible(t *testing.T) {
	for _, p := range []corev1.Protocol{"", corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP} {
		typ, ok := healthmon.SystemType(healthmon.System(p))
		if !ok || !healthmon.TypeCompatible(typ, p) {
			t.Errorf("System(%q) = %s (type %q, %v) is not compatible with its pool", p, healthmon.System(p), typ, ok)
		}
	}
}

func TestTypeCompatible(t *testing.T) {
	protocols := []corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP, "", "ICMP"}
	// Rows: monitor types; columns: TCP, UDP, SCTP, "", ICMP.
	for _, tc := range []struct {
		monitorType string
		want        [5]bool
	}{
		{"HEALTH_MONITOR_TCP", [5]bool{true, false, false, true, false}},
		{"HEALTH_MONITOR_HTTPS", [5]bool{true, false, false, true, false}},
		{"HEALTH_MONITOR_UDP", [5]bool{false, true, false, false, false}},
		{"HEALTH_MONITOR_DNS", [5]bool{false, true, false, false, false}},
		{"HEALTH_MONITOR_SCTP", [5]bool{false, false, true, false, false}},
		// PING checks the address; HTTP is Healthz, which checks the node.
		{"HEALTH_MONITOR_PING", [5]bool{true, true, true, true, false}},
		{"HEALTH_MONITOR_HTTP", [5]bool{true, true, true, true, false}},
		{"HEALTH_MONITOR_EXTERNAL", [5]bool{}},
		{"", [5]bool{}},
	} {
		t.Run(tc.monitorType, func(t *testing.T) {
			var got [5]bool
			for i, p := range protocols {
				got[i] = healthmon.TypeCompatible(tc.monitorType, p)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("TypeCompatible(%q, [TCP UDP SCTP \"\" ICMP]) (-want +got):\n%s", tc.monitorType, diff)
			}
		})
	}
}

func TestLicensed(t *testing.T) {
	licences := []profiles.License{profiles.LicenseEnterprise, profiles.LicenseEnterpriseWithCloudServices, profiles.LicenseBasic, profiles.LicenseEssentials, "", "NEW_TIER"}
	// Columns: Enterprise, Enterprise with Cloud Services, Basic, Essentials, unknown, not known here.
	for _, tc := range []struct {
		monitorType string
		want        [6]bool
	}{
		{"HEALTH_MONITOR_SCTP", [6]bool{true, true, false, false, true, false}},
		{"HEALTH_MONITOR_TCP", [6]bool{true, true, true, true, true, true}},
		{"HEALTH_MONITOR_UDP", [6]bool{true, true, true, true, true, true}},
		{"HEALTH_MONITOR_PING", [6]bool{true, true, true, true, true, true}},
		{"HEALTH_MONITOR_HTTP", [6]bool{true, true, true, false, true, false}},
		{"HEALTH_MONITOR_HTTPS", [6]bool{true, true, true, false, true, false}},
		{"HEALTH_MONITOR_DNS", [6]bool{true, true, false, false, true, false}},
	} {
		t.Run(tc.monitorType, func(t *testing.T) {
			var got [6]bool
			for i, l := range licences {
				got[i] = healthmon.Licensed(tc.monitorType, l)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Licensed(%q, %v) (-want +got):\n%s", tc.monitorType, licences, diff)
			}
		})
	}
	// SCTP monitors and the SCTP network profile share their licence rule.
	for _, l := range licences {
		if got, want := healthmon.Licensed(aviobj.HealthMonitorTypeSCTP, l), profiles.SCTPAllowed(l); got != want {
			t.Errorf("Licensed(SCTP, %q) = %v, profiles.SCTPAllowed = %v", l, got, want)
		}
	}
}
