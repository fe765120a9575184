package l4

import (
	"net/netip"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
)

// FQDNs of LoadBalancer Services and Gateway listeners: the names a VsVip's
// dns_info asks the controller's DNS to serve, and that status reports.
//
// AKO (internal/nodes/avi_model_l4_translator.go ConstructAviL4VsNode and
// getAutoFQDNForService, internal/lib/lib.go CheckRFC1035,
// CorrectLabelToSatisfyRFC1035, CheckAndShortenLabelToFollowRFC1035) defines
// the behaviour followed here; where this file differs it says so.

// AnnotationExternalDNSHostname lists the FQDNs of a LoadBalancer Service,
// comma-separated (external-dns's annotation). When automatic FQDNs are
// enabled it replaces the automatic FQDN; otherwise it is ignored, as AKO
// ignores it.
const AnnotationExternalDNSHostname = "external-dns.alpha.kubernetes.io/hostname"

// AutoFQDN says whether and how a LoadBalancer Service gets an FQDN of its
// own (AKO's L4Settings.autoFQDN). Any value other than AutoFQDNDefault and
// AutoFQDNFlat, the zero value included, means no automatic FQDN.
type AutoFQDN string

// AutoFQDN modes.
const (
	// AutoFQDNDefault names a Service <service>.<namespace>.<subdomain>.
	AutoFQDNDefault AutoFQDN = "default"
	// AutoFQDNFlat names a Service <service>-<namespace>.<subdomain>, one
	// label under the subdomain (so one wildcard certificate covers every
	// Service); the label is cut to 63 characters.
	AutoFQDNFlat AutoFQDN = "flat"
	// AutoFQDNDisabled gives Services no FQDN, and ignores their
	// external-dns hostname annotation.
	AutoFQDNDisabled AutoFQDN = "disabled"
)

// validateAutoFQDN reports a mode that is none of the constants (nor "").
// AKO silently treats such a value as disabled; a typo such as "Flat"
// deserves an error instead.
func validateAutoFQDN(m AutoFQDN, path *field.Path) field.ErrorList {
	switch m {
	case "", AutoFQDNDefault, AutoFQDNFlat, AutoFQDNDisabled:
		return nil
	}
	return field.ErrorList{field.NotSupported(path, m, []AutoFQDN{AutoFQDNDefault, AutoFQDNFlat, AutoFQDNDisabled})}
}

// enabled reports whether m gives Services FQDNs.
func (m AutoFQDN) enabled() bool { return m == AutoFQDNDefault || m == AutoFQDNFlat }

// Prefixes that make a label starting with a digit a valid RFC 1035 label
// (AKO's FQDN_SVCNAME_PREFIX and FQDN_SVCNAMESPACE_PREFIX).
const (
	fqdnServicePrefix   = "s"
	fqdnNamespacePrefix = "n"
)

// dnsLabelMax is the longest DNS label (RFC 1035).
const dnsLabelMax = validation.DNS1035LabelMaxLength

// flatNamespaceKeep is how much of a namespace flatLabel keeps when the
// service name leaves no room for it either: 48 characters, 75% of a label,
// as AKO.
const flatNamespaceKeep = 48

// serviceFQDNs returns the FQDNs of a LoadBalancer Service, in order and
// without repeats, with an error for each name in its external-dns hostname
// annotation that is not a valid DNS subdomain:
//
//   - mode disabled (or unknown): none; the annotation is ignored (AKO);
//   - annotation present: its names, which replace the automatic FQDN;
//   - otherwise: the automatic FQDN of mode under subdomain, if subdomain
//     is set (AKO: no DNS profile, no FQDN).
//
// AKO uses the annotation's whole value as one FQDN; this function splits it
// on commas as external-dns does (spaces removed, empty entries skipped) and
// accepts a trailing dot, since "a.example.com." is the same name. An
// annotation with no name at all is an error, not a way to drop the
// automatic FQDN. Invalid names are left out; the valid ones are returned.
func serviceFQDNs(svc *corev1.Service, mode AutoFQDN, subdomain string) ([]string, field.ErrorList) {
	if !mode.enabled() {
		return nil, nil
	}
	if v, ok := svc.Annotations[AnnotationExternalDNSHostname]; ok {
		return annotationFQDNs(v, field.NewPath("metadata", "annotations").Key(AnnotationExternalDNSHostname))
	}
	if f := autoFQDN(svc.Name, svc.Namespace, mode, subdomain); f != "" {
		return []string{f}, nil
	}
	return nil, nil
}

// annotationFQDNs parses the value of the external-dns hostname annotation.
func annotationFQDNs(value string, path *field.Path) ([]string, field.ErrorList) {
	var out []string
	var errs field.ErrorList
	for _, name := range strings.Split(strings.ReplaceAll(value, " ", ""), ",") {
		if name == "" {
			continue
		}
		fqdn := strings.TrimSuffix(name, ".")
		if msgs := validation.IsDNS1123Subdomain(fqdn); len(msgs) > 0 {
			errs = append(errs, field.Invalid(path, name, strings.Join(msgs, "; ")))
			continue
		}
		if !slices.Contains(out, fqdn) {
			out = append(out, fqdn)
		}
	}
	if out == nil && errs == nil {
		errs = append(errs, field.Invalid(path, value, "must list at least one DNS name"))
	}
	return out, errs
}

// autoFQDN returns the automatic FQDN of Service namespace/name under
// subdomain (a leading "." is dropped), or "" when mode gives none or
// subdomain is empty. A name or namespace that is not an RFC 1035 label
// (one starting with a digit) is prefixed with "s" or "n" when that makes it
// one; in flat mode the first label is cut to 63 characters by flatLabel.
func autoFQDN(name, namespace string, mode AutoFQDN, subdomain string) string {
	subdomain = strings.TrimPrefix(subdomain, ".")
	if !mode.enabled() || subdomain == "" {
		return ""
	}
	name = rfc1035Label(name, fqdnServicePrefix)
	namespace = rfc1035Label(namespace, fqdnNamespacePrefix)
	if mode == AutoFQDNFlat {
		return flatLabel(name, namespace) + "." + subdomain
	}
	return name + "." + namespace + "." + subdomain
}

// rfc1035Label returns label, or prefix+label when label is not an RFC 1035
// label and prefix+label is (AKO's CorrectLabelToSatisfyRFC1035). A label
// the prefix does not fix (63 characters already) is returned unchanged.
func rfc1035Label(label, prefix string) string {
	if len(validation.IsDNS1035Label(label)) == 0 || len(validation.IsDNS1035Label(prefix+label)) > 0 {
		return label
	}
	return prefix + label
}

// flatLabel returns "<name>-<namespace>" cut to a 63-character DNS label the
// way AKO's CheckAndShortenLabelToFollowRFC1035 does: the name is cut to the
// room the namespace leaves; when the namespace leaves none (62 characters
// or more), the namespace is cut instead, to the room the whole name leaves,
// or to 48 characters when the name is that long too, trailing '-' are
// dropped from it, and the name is cut to what remains.
func flatLabel(name, namespace string) string {
	if len(name)+1+len(namespace) > dnsLabelMax {
		room := dnsLabelMax - 1 - len(namespace)
		if room <= 0 {
			keep := dnsLabelMax - 1 - len(name)
			if keep <= 0 {
				keep = flatNamespaceKeep
			}
			namespace = strings.TrimRight(namespace[:min(keep, len(namespace))], "-")
			room = dnsLabelMax - 1 - len(namespace)
		}
		name = name[:min(room, len(name))]
	}
	return name + "-" + namespace
}

// validateListenerHostname reports a Gateway listener hostname an L4
// virtual service cannot serve as its FQDN: a wildcard ("*.example.com",
// valid for Gateway API, but one VIP's DNS record needs one name), an IP
// address, or anything else that is not a valid DNS subdomain. An empty
// hostname is valid (no FQDN); a valid one is used as it is.
func validateListenerHostname(hostname string, path *field.Path) field.ErrorList {
	switch {
	case hostname == "":
		return nil
	case strings.HasPrefix(hostname, "*."):
		return field.ErrorList{field.Forbidden(path, "may not be a wildcard on an L4 listener")}
	}
	if _, err := netip.ParseAddr(hostname); err == nil {
		return field.ErrorList{field.Invalid(path, hostname, "must be a DNS name, not an IP address")}
	}
	if msgs := validation.IsDNS1123Subdomain(hostname); len(msgs) > 0 {
		return field.ErrorList{field.Invalid(path, hostname, strings.Join(msgs, "; "))}
	}
	return nil
}

// validateFQDNSubdomain reports a subdomain option (a leading "." allowed)
// that is not a valid DNS subdomain; "" is valid and means no automatic FQDN.
func validateFQDNSubdomain(subdomain string, path *field.Path) field.ErrorList {
	s := strings.TrimPrefix(subdomain, ".")
	if s == "" {
		return nil
	}
	if msgs := validation.IsDNS1123Subdomain(s); len(msgs) > 0 {
		return field.ErrorList{field.Invalid(path, subdomain, strings.Join(msgs, "; "))}
	}
	return nil
}

// dnsInfo returns a VsVip's dns_info: one entry per distinct FQDN, in the
// order they were found (as AKO), or nil for none. The first one is the
// Service's status hostname.
func dnsInfo(fqdns []string) []aviobj.DNSInfo {
	var out []aviobj.DNSInfo
	for _, f := range fqdns {
		if f != "" && !slices.ContainsFunc(out, func(d aviobj.DNSInfo) bool { return d.FQDN == f }) {
			out = append(out, aviobj.DNSInfo{FQDN: f})
		}
	}
	return out
}
