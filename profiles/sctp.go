package profiles

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
)

// SCTPProxySettings tunes the SCTP associations of one port: the settings
// of the controller's SCTPProxyProfile (NetworkProfile sctp_proxy_profile,
// controller 22.1.3 or later, Enterprise editions only). A nil field keeps
// the controller's default; the ranges, units and defaults are the
// schema's. The JSON names are the ones field errors use.
type SCTPProxySettings struct {
	// NumberOfStreams is the number of incoming streams, 1-65535
	// (default 10).
	NumberOfStreams *int32 `json:"numberOfStreams,omitempty"`
	// HeartbeatInterval is the seconds between heartbeats on an idle path,
	// 30-247483647 (default 30).
	HeartbeatInterval *int32 `json:"heartbeatInterval,omitempty"`
	// IdleTimeout closes an association idle for that many seconds,
	// 0-247483647; 0 (the default) never closes it.
	IdleTimeout *int32 `json:"idleTimeout,omitempty"`
	// ReceiveWindow is the send and receive buffer size in KB, 2-65536
	// (default 256).
	ReceiveWindow *int32 `json:"receiveWindow,omitempty"`
	// CookieExpirationTimeout is the seconds a state cookie stays valid,
	// 60-3600 (default 60).
	CookieExpirationTimeout *int32 `json:"cookieExpirationTimeout,omitempty"`
	// MaxRetransmissionsAssociation is the retransmissions after which an
	// association is given up, 1-247483647 (default 10).
	MaxRetransmissionsAssociation *int32 `json:"maxRetransmissionsAssociation,omitempty"`
	// MaxRetransmissionsInitChunks is the retransmissions of an INIT chunk,
	// 1-247483647 (default 8).
	MaxRetransmissionsInitChunks *int32 `json:"maxRetransmissionsInitChunks,omitempty"`
	// ResetTimeout is the seconds a reset may take, 0-247483647; 0 (the
	// default) means 5 times RTO max.
	ResetTimeout *int32 `json:"resetTimeout,omitempty"`
}

// SCTPProxyRange is the allowed range of one SCTPProxySettings field, as
// the schema's SCTPProxyProfile gives it ("Allowed values are 30-247483647").
type SCTPProxyRange struct {
	// Field is the JSON name in SCTPProxySettings; Wire is the schema's.
	Field, Wire string
	// Min and Max bound the value, inclusive.
	Min, Max int32
}

// maxSCTP is the upper bound the schema gives for the open-ended SCTP
// settings (sic: 247483647, not 2147483647).
const maxSCTP = 247483647

// SCTPProxyRanges lists the range of every SCTPProxySettings field, in
// struct order.
func SCTPProxyRanges() []SCTPProxyRange {
	return []SCTPProxyRange{
		{"numberOfStreams", "number_of_streams", 1, 65535},
		{"heartbeatInterval", "heartbeat_interval", 30, maxSCTP},
		{"idleTimeout", "idle_timeout", 0, maxSCTP},
		{"receiveWindow", "receive_window", 2, 65536},
		{"cookieExpirationTimeout", "cookie_expiration_timeout", 60, 3600},
		{"maxRetransmissionsAssociation", "max_retransmissions_association", 1, maxSCTP},
		{"maxRetransmissionsInitChunks", "max_retransmissions_init_chunks", 1, maxSCTP},
		{"resetTimeout", "reset_timeout", 0, maxSCTP},
	}
}

// values returns the fields of s in the order of SCTPProxyRanges.
func (s *SCTPProxySettings) values() []*int32 {
	return []*int32{s.NumberOfStreams, s.HeartbeatInterval, s.IdleTimeout, s.ReceiveWindow,
		s.CookieExpirationTimeout, s.MaxRetransmissionsAssociation, s.MaxRetransmissionsInitChunks, s.ResetTimeout}
}

// Validate checks every set field against its range, with paths under
// path, e.g. "sctpProxy.heartbeatInterval: Invalid value: 10: must be
// between 30 and 247483647 (seconds)". Settings with no field set are an
// error on path: the port would get a copy of System-SCTP-Proxy. A nil s is
// valid (nothing to tune).
func (s *SCTPProxySettings) Validate(path *field.Path) field.ErrorList {
	if s == nil {
		return nil
	}
	var errs field.ErrorList
	set := false
	for i, r := range SCTPProxyRanges() {
		v := s.values()[i]
		if v == nil {
			continue
		}
		set = true
		if *v < r.Min || *v > r.Max {
			errs = append(errs, field.Invalid(path.Child(r.Field), *v, fmt.Sprintf("must be between %d and %d%s", r.Min, r.Max, sctpUnit(r.Field))))
		}
	}
	if !set {
		errs = append(errs, field.Required(path, "at least one setting: "+
			"numberOfStreams, heartbeatInterval, idleTimeout, receiveWindow, cookieExpirationTimeout, "+
			"maxRetransmissionsAssociation, maxRetransmissionsInitChunks or resetTimeout "+
			"(without any, leave sctpProxy out: the port is served by "+SCTPProxy+")"))
	}
	return errs
}

// sctpUnit is the unit of an SCTP setting in an error message.
func sctpUnit(fieldName string) string {
	switch fieldName {
	case "numberOfStreams", "maxRetransmissionsAssociation", "maxRetransmissionsInitChunks":
		return ""
	case "receiveWindow":
		return " (KB)"
	}
	return " (seconds)"
}

// SCTPProxyName returns the name of the NetworkProfile of the port
// (protocol, port) of the VirtualService named virtualServiceName:
// "<virtualservice>-<PROTOCOL>-<port>-np", shortened like every object name
// when over 255 characters. Each tuned port has its own profile, even when
// two ports have the same settings: a port's settings then change, and its
// profile is deleted, without touching another port.
func SCTPProxyName(virtualServiceName, protocol string, port int32) string {
	return aviobj.ShortenName(fmt.Sprintf("%s-%s-%d-np", virtualServiceName, protocol, port))
}

// BuildSCTPProxy returns the NetworkProfile of type PROTOCOL_TYPE_SCTP_PROXY
// holding the settings s (nil: the controller's defaults), in the tenant
// tenantRef, with a copy of markers (the owning port's: clustername,
// Namespace, ServiceName or GatewayName, Port, Protocol).
func BuildSCTPProxy(name, tenantRef string, markers []aviobj.Marker, s *SCTPProxySettings) aviobj.NetworkProfile {
	p := &aviobj.SCTPProxyProfile{}
	if s != nil {
		p = &aviobj.SCTPProxyProfile{
			NumberOfStreams:               copyInt(s.NumberOfStreams),
			HeartbeatInterval:             copyInt(s.HeartbeatInterval),
			IdleTimeout:                   copyInt(s.IdleTimeout),
			ReceiveWindow:                 copyInt(s.ReceiveWindow),
			CookieExpirationTimeout:       copyInt(s.CookieExpirationTimeout),
			MaxRetransmissionsAssociation: copyInt(s.MaxRetransmissionsAssociation),
			MaxRetransmissionsInitChunks:  copyInt(s.MaxRetransmissionsInitChunks),
			ResetTimeout:                  copyInt(s.ResetTimeout),
		}
	}
	var ms []aviobj.Marker
	for _, m := range markers {
		ms = append(ms, aviobj.Marker{Key: m.Key, Values: append([]string(nil), m.Values...)})
	}
	return aviobj.NetworkProfile{
		Name:      name,
		TenantRef: tenantRef,
		Profile:   aviobj.NetworkProfileUnion{Type: aviobj.ProtocolTypeSCTPProxy, SCTPProxyProfile: p},
		Markers:   ms,
	}
}

func copyInt(p *int32) *int32 {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
