package healthmon

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/profiles"
)

// More System health monitors, for SystemType and TypeCompatible.
const (
	SystemHTTPS = "System-HTTPS"
	SystemDNS   = "System-DNS"
)

// Monitor types that have no constant in aviobj.
const (
	typeHTTPS = "HEALTH_MONITOR_HTTPS"
	typeDNS   = "HEALTH_MONITOR_DNS"
)

// Controller defaults (HealthMonitor schema) of the fields Spec leaves at 0.
const (
	DefaultSendInterval     = 10
	DefaultReceiveTimeout   = 4
	DefaultFailedChecks     = 2
	DefaultSuccessfulChecks = 2
)

// Allowed ranges, from the HealthMonitor schema ("Allowed values are 1-3600").
const (
	maxSendInterval   = 3600
	maxReceiveTimeout = 2400
	maxChecks         = 50
	maxPort           = 65535
)

// HealthzPath is the path kube-proxy answers on a Service's
// healthCheckNodePort.
const HealthzPath = "/healthz"

// Spec is a custom health monitor for one pool. The pool's protocol decides
// the monitor type: HEALTH_MONITOR_SCTP for SCTP, HEALTH_MONITOR_UDP for UDP,
// HEALTH_MONITOR_TCP for TCP (and "", which Kubernetes defaults to TCP). A
// zero number means the controller's default; the JSON names are the ones
// field errors use.
type Spec struct {
	// Protocol is the protocol of the pool the monitor checks.
	Protocol corev1.Protocol `json:"protocol,omitempty"`
	// SendInterval is the seconds between checks, 1-3600 (default 10).
	SendInterval int32 `json:"sendInterval,omitempty"`
	// ReceiveTimeout is the seconds a response may take, 1-2400 (default
	// 4); it must be less than SendInterval.
	ReceiveTimeout int32 `json:"receiveTimeout,omitempty"`
	// FailedChecks marks a server down after that many failures in a row,
	// 1-50 (default 2).
	FailedChecks int32 `json:"failedChecks,omitempty"`
	// SuccessfulChecks marks a server up after that many successes in a
	// row, 1-50 (default 2).
	SuccessfulChecks int32 `json:"successfulChecks,omitempty"`
	// MonitorPort is the port checked instead of the server's, 1-65535;
	// 0 checks the server's port. Traffic still goes to the server's port.
	MonitorPort int32 `json:"monitorPort,omitempty"`
	// Request is sent once the connection (SCTP association) is up, or as
	// the UDP datagram: the tcp_request, udp_request or sctp_request.
	Request string `json:"request,omitempty"`
	// Response must appear in the first 2 KB of the server's answer; ""
	// requires no answer (TCP, SCTP): the tcp_response, udp_response or
	// sctp_response.
	Response string `json:"response,omitempty"`
}

// Validate reports every problem of s, each at its field under path
// (path.Child("sendInterval"), ...): a protocol other than TCP, UDP and
// SCTP, numbers outside the schema's ranges (0 is always accepted: the
// default), and a receive timeout not less than the send interval, counting
// the controller's defaults (10 and 4) for fields left at 0.
func (s Spec) Validate(path *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch s.Protocol {
	case "", corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP:
	default:
		errs = append(errs, field.NotSupported(path.Child("protocol"), s.Protocol,
			[]corev1.Protocol{corev1.ProtocolTCP, corev1.ProtocolUDP, corev1.ProtocolSCTP}))
	}
	siOK := inRange(&errs, path.Child("sendInterval"), s.SendInterval, maxSendInterval)
	rtOK := inRange(&errs, path.Child("receiveTimeout"), s.ReceiveTimeout, maxReceiveTimeout)
	inRange(&errs, path.Child("failedChecks"), s.FailedChecks, maxChecks)
	inRange(&errs, path.Child("successfulChecks"), s.SuccessfulChecks, maxChecks)
	inRange(&errs, path.Child("monitorPort"), s.MonitorPort, maxPort)
	// receive_timeout must be less than send_interval, defaults included;
	// the error goes to the field the user set.
	if siOK && rtOK {
		switch si, rt := s.SendInterval, s.ReceiveTimeout; {
		case si != 0 && rt != 0 && rt >= si:
			errs = append(errs, field.Invalid(path.Child("receiveTimeout"), rt, "must be less than sendInterval"))
		case si == 0 && rt >= DefaultSendInterval:
			errs = append(errs, field.Invalid(path.Child("receiveTimeout"), rt,
				fmt.Sprintf("must be less than sendInterval (default %d)", DefaultSendInterval)))
		case rt == 0 && si != 0 && si <= DefaultReceiveTimeout:
			errs = append(errs, field.Invalid(path.Child("sendInterval"), si,
				fmt.Sprintf("must be greater than receiveTimeout (default %d)", DefaultReceiveTimeout)))
		}
	}
	return errs
}

// inRange appends an error unless v is 0 (the default) or within 1..hi,
// and reports whether v was accepted.
func inRange(errs *field.ErrorList, p *field.Path, v, hi int32) bool {
	if v == 0 || (v >= 1 && v <= hi) {
		return true
	}
	*errs = append(*errs, field.Invalid(p, v, fmt.Sprintf("must be between 1 and %d, inclusive", hi)))
	return false
}

// Build returns the HealthMonitor of spec s, named name, for tenant
// tenantRef (a ref, "" for none), with markers. s should have passed
// Validate; a protocol other than UDP and SCTP gets a TCP monitor, as
// System does. The type's sub-object (sctp_monitor, udp_monitor,
// tcp_monitor) is always sent, empty when s has no request or response.
func Build(name, tenantRef string, markers []aviobj.Marker, s Spec) aviobj.HealthMonitor {
	hm := aviobj.HealthMonitor{
		Name:             name,
		TenantRef:        tenantRef,
		SendInterval:     s.SendInterval,
		ReceiveTimeout:   s.ReceiveTimeout,
		FailedChecks:     s.FailedChecks,
		SuccessfulChecks: s.SuccessfulChecks,
		Markers:          cloneMarkers(markers),
	}
	if s.MonitorPort != 0 {
		p := s.MonitorPort
		hm.MonitorPort = &p
	}
	switch s.Protocol {
	case corev1.ProtocolSCTP:
		hm.Type = aviobj.HealthMonitorTypeSCTP
		hm.SCTPMonitor = &aviobj.HealthMonitorSCTP{SCTPRequest: s.Request, SCTPResponse: s.Response}
	case corev1.ProtocolUDP:
		hm.Type = aviobj.HealthMonitorTypeUDP
		hm.UDPMonitor = &aviobj.HealthMonitorUDP{UDPRequest: s.Request, UDPResponse: s.Response}
	default:
		hm.Type = aviobj.HealthMonitorTypeTCP
		hm.TCPMonitor = &aviobj.HealthMonitorTCP{TCPRequest: s.Request, TCPResponse: s.Response}
	}
	return hm
}

// Healthz returns an HTTP monitor that sends "GET /healthz HTTP/1.1" to
// each server's address on healthCheckNodePort and expects a 2xx answer.
//
// Use it for the pools of a Service with externalTrafficPolicy: Local in
// NodePort mode: the servers are nodes, and kube-proxy answers 200 on the
// Service's spec.healthCheckNodePort only on nodes that have a ready local
// endpoint (503 elsewhere), so traffic goes only to nodes that will not drop
// it. cloud-provider-openstack does the same. The monitor checks the node,
// not the Service's port, so it suits pools of every protocol, SCTP and UDP
// included. Check the port with ValidateHealthz first. The controller adds
// the Host header an HTTP/1.1 request needs (exact_http_request is unset).
func Healthz(name, tenantRef string, markers []aviobj.Marker, healthCheckNodePort int32) aviobj.HealthMonitor {
	p := healthCheckNodePort
	return aviobj.HealthMonitor{
		Name:        name,
		TenantRef:   tenantRef,
		Type:        aviobj.HealthMonitorTypeHTTP,
		MonitorPort: &p,
		HTTPMonitor: &aviobj.HealthMonitorHTTP{
			HTTPRequest:      "GET " + HealthzPath + " HTTP/1.1",
			HTTPResponseCode: []string{"HTTP_2XX"},
		},
		Markers: cloneMarkers(markers),
	}
}

// ValidateHealthz reports a healthCheckNodePort Healthz cannot use: 0 (not
// allocated, so Required) or one outside 1-65535.
func ValidateHealthz(healthCheckNodePort int32, path *field.Path) field.ErrorList {
	if healthCheckNodePort == 0 {
		return field.ErrorList{field.Required(path, "must be set to check nodes with /healthz")}
	}
	var errs field.ErrorList
	inRange(&errs, path, healthCheckNodePort, maxPort)
	return errs
}

func cloneMarkers(ms []aviobj.Marker) []aviobj.Marker {
	if ms == nil {
		return nil
	}
	out := make([]aviobj.Marker, len(ms))
	for i, m := range ms {
		out[i] = aviobj.Marker{Key: m.Key, Values: append([]string(nil), m.Values...)}
	}
	return out
}

// Name returns the name of the custom monitor of the pool named poolName:
// "<pool>-hm", shortened like every object name when over 255 characters.
func Name(poolName string) string { return aviobj.ShortenName(poolName + "-hm") }

// HealthzName returns the name of the Healthz monitor shared by the pools
// of one VirtualService: "<virtualservice>-healthz", shortened when over 255
// characters. (A Service has one healthCheckNodePort for all its ports.)
func HealthzName(virtualServiceName string) string {
	return aviobj.ShortenName(virtualServiceName + "-healthz")
}

// SystemType returns the type of a System monitor by name, and false for
// any other name (a custom monitor, whose type only the controller knows).
func SystemType(name string) (string, bool) {
	switch name {
	case SystemTCP:
		return aviobj.HealthMonitorTypeTCP, true
	case SystemUDP:
		return aviobj.HealthMonitorTypeUDP, true
	case SystemSCTP:
		return aviobj.HealthMonitorTypeSCTP, true
	case SystemPing:
		return aviobj.HealthMonitorTypePing, true
	case SystemHTTP:
		return aviobj.HealthMonitorTypeHTTP, true
	case SystemHTTPS:
		return typeHTTPS, true
	case SystemDNS:
		return typeDNS, true
	}
	return "", false
}

// TypeCompatible reports whether a monitor of type monitorType can check
// the servers of a pool of protocol p ("" counts as TCP):
//
//	TCP   HEALTH_MONITOR_TCP, _HTTP, _HTTPS, _PING
//	UDP   HEALTH_MONITOR_UDP, _DNS, _PING, _HTTP
//	SCTP  HEALTH_MONITOR_SCTP, _PING, _HTTP
//
// PING checks the server's address, whatever its protocol. HTTP is allowed
// on UDP and SCTP pools only for Healthz, which checks kube-proxy on the
// node's healthCheckNodePort rather than the server's port; an HTTP monitor
// without a monitor_port on such a pool would fail, and TypeCompatible
// cannot tell. Any other protocol is compatible with nothing.
func TypeCompatible(monitorType string, p corev1.Protocol) bool {
	switch monitorType {
	case aviobj.HealthMonitorTypePing, aviobj.HealthMonitorTypeHTTP:
		return p == "" || p == corev1.ProtocolTCP || p == corev1.ProtocolUDP || p == corev1.ProtocolSCTP
	case aviobj.HealthMonitorTypeTCP, typeHTTPS:
		return p == "" || p == corev1.ProtocolTCP
	case aviobj.HealthMonitorTypeUDP, typeDNS:
		return p == corev1.ProtocolUDP
	case aviobj.HealthMonitorTypeSCTP:
		return p == corev1.ProtocolSCTP
	}
	return false
}

// Licensed reports whether the schema allows monitors of type monitorType
// under licence l: Essentials allows PING, TCP and UDP; Basic adds HTTP and
// HTTPS; Enterprise editions allow every type (SCTP only there). An unknown
// ("") tier is given the benefit of the doubt, as profiles.SCTPAllowed does;
// a tier this package does not know gets the types every edition allows.
func Licensed(monitorType string, l profiles.License) bool {
	if l == "" || l.Enterprise() {
		return true
	}
	switch monitorType {
	case aviobj.HealthMonitorTypePing, aviobj.HealthMonitorTypeTCP, aviobj.HealthMonitorTypeUDP:
		return true
	case aviobj.HealthMonitorTypeHTTP, typeHTTPS:
		return l == profiles.LicenseBasic
	}
	return false
}
