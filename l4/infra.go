package l4

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// AviInfraSettingGroup is the API group of AviInfraSetting.
const AviInfraSettingGroup = "ako.vmware.com"

// AviInfraSetting mirrors AKO's cluster-scoped AviInfraSetting custom
// resource (ako.vmware.com v1alpha1/v1beta1), with the fields that matter to
// L4 translation. AKO's Go module cannot be downloaded, so the type is
// defined here with the CRD's field names.
type AviInfraSetting struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	Spec   AviInfraSettingSpec   `json:"spec,omitempty"`
	Status AviInfraSettingStatus `json:"status,omitempty"`
}

// AviInfraSettingSpec is the desired infrastructure of the objects an
// AviInfraSetting applies to.
type AviInfraSettingSpec struct {
	SEGroup     *InfraSEGroup     `json:"seGroup,omitempty"`
	Network     *InfraNetwork     `json:"network,omitempty"`
	NSXSettings *InfraNSXSettings `json:"nsxSettings,omitempty"`
	L7Settings  *InfraL7Settings  `json:"l7Settings,omitempty"`
}

// InfraSEGroup names the service engine group.
type InfraSEGroup struct {
	Name string `json:"name,omitempty"`
}

// InfraNetwork holds the VIP and node networks and route advertisement.
type InfraNetwork struct {
	VIPNetworks    []VIPNetwork  `json:"vipNetworks,omitempty"`
	NodeNetworks   []NodeNetwork `json:"nodeNetworks,omitempty"`
	EnableRHI      *bool         `json:"enableRhi,omitempty"`
	EnablePublicIP *bool         `json:"enablePublicIP,omitempty"`
	BGPPeerLabels  []string      `json:"bgpPeerLabels,omitempty"`
	// Listeners is L7-only and ignored here.
	Listeners []InfraListener `json:"listeners,omitempty"`
}

// InfraListener is an L7 listener setting (ignored by L4 translation).
type InfraListener struct {
	Port       int32 `json:"port,omitempty"`
	EnableSSL  *bool `json:"enableSSL,omitempty"`
	EnableHTTP *bool `json:"enableHTTP2,omitempty"`
}

// InfraNSXSettings holds the NSX-T tier-1 logical router.
type InfraNSXSettings struct {
	T1LR string `json:"t1lr,omitempty"`
}

// InfraL7Settings is L7-only and ignored here.
type InfraL7Settings struct {
	ShardSize string `json:"shardSize,omitempty"`
}

// AviInfraSettingStatus is written by the controller that validates the
// setting ("Accepted" or "Rejected").
type AviInfraSettingStatus struct {
	Status string `json:"status,omitempty"`
	Error  string `json:"error,omitempty"`
}

// WithInfraSetting returns o with the AviInfraSetting applied: SE group, VIP
// networks (with cidr/v6cidr), RHI and BGP peer labels, node networks and the
// tier-1 router replace the options' own values where the setting sets
// them. A nil setting returns o unchanged.
//
// A setting that cannot be applied returns o unchanged and errors:
//   - status "Rejected": one error at path (where the setting is named,
//     e.g. gatewayClass.spec.parametersRef);
//   - a setting ValidateAviInfraSetting refuses: its errors, with paths
//     rooted at the setting (spec.network.vipNetworks[0].cidr) and a detail
//     that starts with "AviInfraSetting <name>: ".
//
// AKO applies a setting only once its own controller accepted it; avil4 has
// no such controller, so a setting with no status is validated here and
// applied, and Options.Validate checks the result.
func (o Options) WithInfraSetting(s *AviInfraSetting, path *field.Path) (Options, field.ErrorList) {
	if s == nil {
		return o, nil
	}
	if s.Status.Status == "Rejected" {
		return o, field.ErrorList{field.Invalid(path, s.Name, fmt.Sprintf("AviInfraSetting is Rejected: %s", s.Status.Error))}
	}
	if errs := ValidateAviInfraSetting(s); len(errs) > 0 {
		return o, namedInfraErrors(s.Name, errs)
	}
	sp := s.Spec
	if sp.SEGroup != nil && sp.SEGroup.Name != "" {
		o.SEGroup = sp.SEGroup.Name
	}
	if n := sp.Network; n != nil {
		if len(n.VIPNetworks) > 0 {
			o.VIPNetworks = n.VIPNetworks
		}
		if len(n.NodeNetworks) > 0 {
			o.NodeNetworks = n.NodeNetworks
		}
		if n.EnableRHI != nil {
			o.EnableRHI = *n.EnableRHI
		}
		if len(n.BGPPeerLabels) > 0 {
			o.BGPPeerLabels = n.BGPPeerLabels
		}
	}
	if sp.NSXSettings != nil && sp.NSXSettings.T1LR != "" {
		o.T1LR = sp.NSXSettings.T1LR
	}
	return o, nil
}

// withValidInfraSetting applies s (see WithInfraSetting) and validates the
// resulting options.
func (o Options) withValidInfraSetting(s *AviInfraSetting, path *field.Path) (Options, field.ErrorList) {
	o, errs := o.WithInfraSetting(s, path)
	if len(errs) == 0 {
		errs = o.Validate()
	}
	return o, errs
}
