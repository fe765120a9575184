package l4

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"unicode"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
)

// What an AviInfraSetting may not hold. The authorities are AKO's CRD
// (helm/ako/crds/ako.vmware.com_aviinfrasettings.yaml, v1alpha1 and v1beta1
// alike), the checks AKO's own controller makes before it marks a setting
// Accepted (ValidateAviInfraSetting in internal/k8s/validator.go), and the
// Avi controller's schema for the fields the setting fills in
// (shared/avi-schema).

// aviInfraSettingAPIVersions are the versions AKO's CRD serves.
var aviInfraSettingAPIVersions = []string{AviInfraSettingGroup + "/v1alpha1", AviInfraSettingGroup + "/v1beta1"}

// shardSizes are the l7Settings.shardSize enum of AKO's CRD.
var shardSizes = []string{"SMALL", "MEDIUM", "LARGE", "DEDICATED"}

// maxBGPPeerLabels is the Avi schema's bound on VsVip.bgp_peer_labels
// ("Maximum of 128 items allowed").
const maxBGPPeerLabels = 128

// ValidateAviInfraSetting returns every reason the setting cannot be
// applied, with paths rooted at the setting (spec.network.vipNetworks[0].cidr,
// ...): what AKO's CRD refuses, what AKO's controller rejects (CIDRs of the
// wrong family, BGP peer labels without RHI, L7 listeners without SSL), and
// names the Avi controller cannot hold. A nil setting is one Required error.
// The status is not looked at (see WithInfraSetting).
func ValidateAviInfraSetting(s *AviInfraSetting) field.ErrorList {
	if s == nil {
		return field.ErrorList{field.Required(field.NewPath("aviInfraSetting"), "no AviInfraSetting")}
	}
	errs := gwValidateTypeMeta(s.TypeMeta, "AviInfraSetting", aviInfraSettingAPIVersions)
	// Cluster-scoped (scope: Cluster); a custom resource name is a DNS-1123
	// subdomain.
	errs = append(errs, gwValidateObjectMeta(&s.ObjectMeta, false)...)
	spec := field.NewPath("spec")
	if g := s.Spec.SEGroup; g != nil {
		// seGroup: required [name]; the name is an Avi object name.
		errs = append(errs, aviName(spec.Child("seGroup", "name"), g.Name, "a service engine group")...)
	}
	if n := s.Spec.Network; n != nil {
		np := spec.Child("network")
		for i, v := range n.VIPNetworks {
			vp := np.Child("vipNetworks").Index(i)
			errs = append(errs, infraNetworkRef(vp, v.NetworkName, v.NetworkUUID)...)
			// AKO's controller: cidr must match its IPv4 CIDR pattern and
			// v6cidr its IPv6 one.
			errs = append(errs, infraCIDR(vp.Child("cidr"), v.CIDR, false)...)
			errs = append(errs, infraCIDR(vp.Child("v6cidr"), v.V6CIDR, true)...)
		}
		for i, v := range n.NodeNetworks {
			vp := np.Child("nodeNetworks").Index(i)
			errs = append(errs, infraNetworkRef(vp, v.NetworkName, v.NetworkUUID)...)
			for j, c := range v.CIDRs {
				// Pool placement_networks subnets: a CIDR of either family.
				if c == "" {
					errs = append(errs, field.Required(vp.Child("cidrs").Index(j), "may not be empty"))
					continue
				}
				errs = append(errs, validation.IsValidCIDRForLegacyField(vp.Child("cidrs").Index(j), c, true, nil)...)
			}
		}
		lp := np.Child("bgpPeerLabels")
		switch {
		case len(n.BGPPeerLabels) > 0 && (n.EnableRHI == nil || !*n.EnableRHI):
			// AKO's controller: "BGPPeerLabels cannot be set if EnableRhi is false."
			errs = append(errs, field.Forbidden(lp, "may only be set when spec.network.enableRhi is true"))
		case len(n.BGPPeerLabels) > maxBGPPeerLabels:
			errs = append(errs, field.TooMany(lp, len(n.BGPPeerLabels), maxBGPPeerLabels))
		}
		for i, l := range n.BGPPeerLabels {
			if l == "" {
				errs = append(errs, field.Required(lp.Index(i), "a BGP peer label may not be empty"))
			} else if msg := controlProblem(l); msg != "" {
				errs = append(errs, field.Invalid(lp.Index(i), l, msg))
			}
		}
		ssl := false
		for i, l := range n.Listeners {
			// listeners (L7): port required, Minimum=1, Maximum=65535.
			errs = append(errs, gwValidatePort(np.Child("listeners").Index(i).Child("port"), l.Port)...)
			ssl = ssl || (l.EnableSSL != nil && *l.EnableSSL)
		}
		if len(n.Listeners) > 0 && !ssl {
			// AKO's controller: "One of the port in aviInfraSetting must have
			// SSL enabled" (L7 only, but it rejects the whole setting).
			errs = append(errs, field.Invalid(np.Child("listeners"), len(n.Listeners), "one listener must have enableSSL true"))
		}
	}
	if x := s.Spec.NSXSettings; x != nil {
		// nsxSettings: required [t1lr].
		p := spec.Child("nsxSettings", "t1lr")
		if x.T1LR == "" {
			errs = append(errs, field.Required(p, "the NSX-T tier-1 logical router path is required when nsxSettings is set"))
		} else if msg := controlProblem(x.T1LR); msg != "" {
			errs = append(errs, field.Invalid(p, x.T1LR, msg))
		}
	}
	if l7 := s.Spec.L7Settings; l7 != nil {
		// l7Settings: required [shardSize], Enum SMALL;MEDIUM;LARGE;DEDICATED.
		p := spec.Child("l7Settings", "shardSize")
		if l7.ShardSize == "" {
			errs = append(errs, field.Required(p, "required when l7Settings is set"))
		} else if !slices.Contains(shardSizes, l7.ShardSize) {
			errs = append(errs, field.NotSupported(p, l7.ShardSize, shardSizes))
		}
	}
	return errs
}

// infraNetworkRef checks a network named by name or uuid: AKO's CRD says
// oneOf required networkName / networkUUID, so exactly one.
func infraNetworkRef(p *field.Path, name, uuid string) field.ErrorList {
	switch {
	case name == "" && uuid == "":
		return field.ErrorList{field.Required(p.Child("networkName"), "a network needs a networkName or a networkUUID")}
	case name != "" && uuid != "":
		return field.ErrorList{field.Forbidden(p.Child("networkUUID"), "may not be set together with networkName: name the network one way")}
	case name != "":
		return aviName(p.Child("networkName"), name, "a network")
	}
	// A uuid becomes the path segment of /api/network/<uuid>.
	if strings.ContainsAny(uuid, "/?#% ") || controlProblem(uuid) != "" {
		return field.ErrorList{field.Invalid(p.Child("networkUUID"), uuid, "must not contain '/', '?', '#', '%', spaces or control characters")}
	}
	return nil
}

// aviName checks the name of an Avi object the setting refers to.
func aviName(p *field.Path, name, what string) field.ErrorList {
	if name == "" {
		return field.ErrorList{field.Required(p, "names "+what)}
	}
	if msg := aviobj.NameProblem(name); msg != "" {
		return field.ErrorList{field.Invalid(p, name, "is not a valid Avi object name: "+msg)}
	}
	return nil
}

// controlProblem says why s, a string sent to the controller, is refused:
// invalid UTF-8 or control characters.
func controlProblem(s string) string {
	if strings.ToValidUTF8(s, "\uFFFD") != s {
		return "must be valid UTF-8"
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return "must not contain control characters"
	}
	return ""
}

// infraCIDR checks a VIP network subnet: a CIDR of the family, with no host
// bits set (the Avi subnet is the prefix's address and length).
func infraCIDR(p *field.Path, cidr string, v6 bool) field.ErrorList {
	if cidr == "" {
		return nil
	}
	if errs := validation.IsValidCIDRForLegacyField(p, cidr, true, nil); len(errs) > 0 {
		return errs
	}
	pfx, _ := netip.ParsePrefix(cidr)
	switch {
	case v6 && !pfx.Addr().Is6():
		return field.ErrorList{field.Invalid(p, cidr, "must be an IPv6 CIDR (use cidr for IPv4)")}
	case !v6 && !pfx.Addr().Is4():
		return field.ErrorList{field.Invalid(p, cidr, "must be an IPv4 CIDR (use v6cidr for IPv6)")}
	}
	return nil
}

// namedInfraErrors returns copies of a setting's errors (rooted at the
// setting) whose detail names it, so that they read right among a
// Service's or Gateway's errors.
func namedInfraErrors(name string, errs field.ErrorList) field.ErrorList {
	out := make(field.ErrorList, 0, len(errs))
	for _, e := range errs {
		c := *e
		c.Detail = strings.TrimSuffix(fmt.Sprintf("AviInfraSetting %s: %s", name, c.Detail), ": ")
		out = append(out, &c)
	}
	return out
}
