package profiles

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/avil4/avil4/aviobj"
)

// System network profiles used for L4 virtual services.
const (
	// SCTPProxy terminates SCTP associations on the service engine
	// (controller 22.1.3 or later, Enterprise editions only).
	SCTPProxy = "System-SCTP-Proxy"
	// TCPProxy is the full TCP proxy, chosen for TCP with an Enterprise
	// licence.
	TCPProxy = "System-TCP-Proxy"
	// TCPFastPath forwards TCP without terminating it, chosen for TCP with
	// the other licence tiers.
	TCPFastPath = "System-TCP-Fast-Path"
	// UDPFastPath forwards UDP.
	UDPFastPath = "System-UDP-Fast-Path"
)

// L4Application is the System application profile of every L4 virtual
// service.
const L4Application = "System-L4-Application"

// License is the controller's licence tier (its systemconfiguration
// default_license_tier).
type License string

// Licence tiers.
const (
	LicenseEnterprise                  License = "ENTERPRISE"
	LicenseEnterpriseWithCloudServices License = "ENTERPRISE_WITH_CLOUD_SERVICES"
	LicenseEssentials                  License = "ESSENTIALS"
	LicenseBasic                       License = "BASIC"
)

// Licenses lists the known licence tiers.
func Licenses() []License {
	return []License{LicenseEnterprise, LicenseEnterpriseWithCloudServices, LicenseEssentials, LicenseBasic}
}

// Known reports whether l is one of Licenses.
func (l License) Known() bool {
	for _, k := range Licenses() {
		if l == k {
			return true
		}
	}
	return false
}

// Enterprise reports whether l is an Enterprise edition, the editions that
// may use TCP Proxy and SCTP.
func (l License) Enterprise() bool {
	return l == LicenseEnterprise || l == LicenseEnterpriseWithCloudServices
}

// SCTPAllowed reports whether the schema allows SCTP objects
// (System-SCTP-Proxy, SCTP monitors) under licence l. An unknown ("") tier
// is given the benefit of the doubt.
func SCTPAllowed(l License) bool { return l == "" || l.Enterprise() }

// TCP returns the network profile for TCP ports under licence l:
// System-TCP-Proxy for Enterprise editions, else System-TCP-Fast-Path (also
// for an unknown tier, as AKO does).
func TCP(l License) string {
	if l.Enterprise() {
		return TCPProxy
	}
	return TCPFastPath
}

// Choice is the network profile choice of one L4 VirtualService.
type Choice struct {
	// VirtualService is the VirtualService's network_profile_ref target.
	VirtualService string
	// Override maps a protocol to the override_network_profile_ref target of
	// its service ports. It is set only when the VirtualService mixes
	// protocols, for UDP and SCTP.
	Override map[corev1.Protocol]string
}

// ForPort returns the override profile of a port of protocol p, or "".
func (c Choice) ForPort(p corev1.Protocol) string { return c.Override[p] }

// Mixed reports whether the choice mixes protocols.
func (c Choice) Mixed() bool { return len(c.Override) > 0 }

// Network chooses the network profiles of a VirtualService whose ports use
// the given protocols (repeats allowed, "" counts as TCP):
//
//	only SCTP       System-SCTP-Proxy
//	only UDP        System-UDP-Fast-Path
//	only TCP        TCP(l): System-TCP-Proxy or System-TCP-Fast-Path
//	a mix           TCP(l) if any port is TCP, else System-UDP-Fast-Path;
//	                UDP ports override to System-UDP-Fast-Path,
//	                SCTP ports to System-SCTP-Proxy
//	no ports        TCP(l)
func Network(protocols []corev1.Protocol, l License) Choice {
	var tcp, udp, sctp bool
	for _, p := range protocols {
		switch p {
		case corev1.ProtocolUDP:
			udp = true
		case corev1.ProtocolSCTP:
			sctp = true
		default:
			tcp = true
		}
	}
	switch {
	case sctp && !tcp && !udp:
		return Choice{VirtualService: SCTPProxy}
	case udp && !tcp && !sctp:
		return Choice{VirtualService: UDPFastPath}
	case !udp && !sctp:
		return Choice{VirtualService: TCP(l)}
	}
	c := Choice{VirtualService: UDPFastPath, Override: map[corev1.Protocol]string{}}
	if tcp {
		c.VirtualService = TCP(l)
	}
	if udp {
		c.Override[corev1.ProtocolUDP] = UDPFastPath
	}
	if sctp {
		c.Override[corev1.ProtocolSCTP] = SCTPProxy
	}
	return c
}

// NetworkRef returns the by-name ref of a network profile.
func NetworkRef(name string) string {
	// The System profiles' refs are constants (TestSystemRefsAreRefs).
	switch name {
	case SCTPProxy:
		return "/api/networkprofile/?name=" + SCTPProxy
	case TCPProxy:
		return "/api/networkprofile/?name=" + TCPProxy
	case TCPFastPath:
		return "/api/networkprofile/?name=" + TCPFastPath
	case UDPFastPath:
		return "/api/networkprofile/?name=" + UDPFastPath
	}
	return aviobj.RefByName(aviobj.KindNetworkProfile, name)
}

// ApplicationRef returns the by-name ref of an application profile.
func ApplicationRef(name string) string {
	if name == L4Application {
		return "/api/applicationprofile/?name=" + L4Application
	}
	return aviobj.RefByName(aviobj.KindApplicationProfile, name)
}

// SystemNetworkProtocol returns the protocol a System network profile
// serves (System-SCTP-Proxy: SCTP; System-TCP-Proxy, System-TCP-Fast-Path:
// TCP; System-UDP-Fast-Path, System-UDP-Proxy: UDP), and false for any other
// name, whose protocol only the controller knows.
func SystemNetworkProtocol(name string) (corev1.Protocol, bool) {
	switch name {
	case SCTPProxy, "System-SCTP-Fast-Path":
		return corev1.ProtocolSCTP, true
	case TCPProxy, TCPFastPath:
		return corev1.ProtocolTCP, true
	case UDPFastPath, "System-UDP-Proxy":
		return corev1.ProtocolUDP, true
	}
	return "", false
}

// System application profiles that matter to L4 ports.
const (
	// SSLApplication terminates TLS on an L4 TCP port.
	SSLApplication = "System-SSL-Application"
)

// SystemHTTPApplication reports whether name is one of the System HTTP
// application profiles (System-HTTP, System-Secure-HTTP), which cannot serve
// an L4 port.
func SystemHTTPApplication(name string) bool {
	return name == "System-HTTP" || name == "System-Secure-HTTP"
}
