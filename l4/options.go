package l4

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	utilvalidation "k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/profiles"
)

// BackendMode says how pool servers reach the pods behind a Service.
type BackendMode string

// Backend modes (AKO's serviceType).
const (
	// BackendClusterIP sends traffic straight to pod IPs and target ports,
	// read from the Service's EndpointSlices. The zero value.
	BackendClusterIP BackendMode = "ClusterIP"
	// BackendNodePort sends traffic to every node's InternalIP on the
	// port's nodePort (only nodes with a local endpoint when
	// externalTrafficPolicy is Local).
	BackendNodePort BackendMode = "NodePort"
	// BackendNodePortLocal (Antrea) sends traffic to the node port Antrea
	// maps to each pod, read from the pods' nodeportlocal.antrea.io
	// annotation. Antrea does not map SCTP ports.
	BackendNodePortLocal BackendMode = "NodePortLocal"
)

// IPFamily is the address family of VIPs and pool servers (AKO's ipFamily).
type IPFamily string

// IP families.
const (
	// IPFamilyV4 is IPv4 only, the zero value's meaning.
	IPFamilyV4 IPFamily = "V4"
	// IPFamilyV6 is IPv6 only.
	IPFamilyV6 IPFamily = "V6"
	// IPFamilyV4V6 is dual-stack.
	IPFamilyV4V6 IPFamily = "V4_V6"
)

// Default option values, AKO's defaults.
const (
	DefaultTenant  = "admin"
	DefaultCloud   = "Default-Cloud"
	DefaultSEGroup = "Default-Group"
	DefaultVRF     = "global"
)

// LoadBalancerClass is the default spec.loadBalancerClass of Services this library
// translates.
const LoadBalancerClass = "ako.vmware.com/avi-lb"

// GatewayControllerName is the default GatewayClass controller name of the
// Gateways this library translates.
const GatewayControllerName = "ako.vmware.com/avi-lb"

// Options are the settings of a translation: everything AKO reads from its
// environment, passed explicitly. The zero value of each field is documented;
// ClusterName is required.
type Options struct {
	// ClusterName prefixes every object name and marks ownership. Required;
	// letters, digits, '-' and '_' only.
	ClusterName string `json:"clusterName"`
	// Tenant is the Avi tenant of the objects; "" means "admin".
	Tenant string `json:"tenant,omitempty"`
	// Cloud is the Avi cloud name; "" means "Default-Cloud".
	Cloud string `json:"cloud,omitempty"`
	// SEGroup is the service engine group; "" means "Default-Group".
	SEGroup string `json:"seGroup,omitempty"`
	// VRF is the VRF context; "" means "global". Not used when T1LR is set.
	VRF string `json:"vrf,omitempty"`
	// License is the controller's licence tier. It picks the TCP network
	// profile (System-TCP-Proxy for Enterprise editions, else
	// System-TCP-Fast-Path) and, when known and not Enterprise, SCTP ports
	// carry a warning. "" (unknown) behaves like AKO with no licence read:
	// TCP Fast Path, no warning.
	License profiles.License `json:"license,omitempty"`
	// BackendMode is how pool servers reach pods; "" means ClusterIP.
	BackendMode BackendMode `json:"backendMode,omitempty"`
	// DefaultLBController says whether Services without
	// spec.loadBalancerClass are translated. nil means true (AKO's default);
	// Services with the class ako.vmware.com/avi-lb are always translated.
	DefaultLBController *bool `json:"defaultLBController,omitempty"`
	// VIPNetworks are the networks VIPs are allocated from; only the first
	// is used (several are only meaningful on public clouds).
	VIPNetworks []VIPNetwork `json:"vipNetworks,omitempty"`
	// NodeNetworks are the pool placement networks.
	NodeNetworks []NodeNetwork `json:"nodeNetworks,omitempty"`
	// IPFamily of VIPs and servers. "" follows each Service's
	// spec.ipFamilies: [IPv6] is V6, both families (or ipFamilyPolicy
	// RequireDualStack) are V4_V6, anything else (including unset) is V4.
	// An explicit value applies to every Service, as AKO's ipFamily
	// setting does; a Service that needs a family it does not include
	// (IPv6 only, or RequireDualStack, under V4) is refused.
	IPFamily IPFamily `json:"ipFamily,omitempty"`
	// T1LR is the NSX-T tier-1 logical router path; when set, objects carry
	// tier1_lr instead of a VRF.
	T1LR string `json:"t1lr,omitempty"`
	// EnableRHI advertises VIPs with route health injection.
	EnableRHI bool `json:"enableRhi,omitempty"`
	// BGPPeerLabels select the BGP peers VIPs are advertised to; they need
	// EnableRHI.
	BGPPeerLabels []string `json:"bgpPeerLabels,omitempty"`
	// NodeSelector, when non-empty, keeps only nodes carrying all these
	// labels as NodePort-mode servers (AKO's nodePortSelector).
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// AutoFQDN gives Services a DNS name on their VsVip: "default"
	// (<svc>.<ns>.<subdomain>), "flat" (<svc>-<ns>.<subdomain>), or
	// "disabled"/"" (none). When enabled, the
	// external-dns.alpha.kubernetes.io/hostname annotation replaces the
	// automatic name.
	AutoFQDN AutoFQDN `json:"autoFQDN,omitempty"`
	// FQDNSubdomain is the DNS domain automatic FQDNs live in (AKO reads
	// it from the cloud's DNS profile); without it only annotated names
	// are served.
	FQDNSubdomain string `json:"fqdnSubdomain,omitempty"`
	// HealthzMonitor, in NodePort mode, checks the nodes of a Service with
	// externalTrafficPolicy Local over HTTP GET /healthz on its
	// spec.healthCheckNodePort (kube-proxy answers 200 only where a local
	// endpoint runs) instead of with the protocol's System monitor, so
	// only nodes with local endpoints get traffic.
	HealthzMonitor bool `json:"healthzMonitor,omitempty"`
	// GatewayController is the GatewayClass controllerName (v1) or
	// controller (v1alpha1) this translator serves; "" means
	// "ako.vmware.com/avi-lb".
	GatewayController string `json:"gatewayController,omitempty"`
	// LoadBalancerClass is the spec.loadBalancerClass this translator
	// serves (Services of any other class are NotOurs); "" means
	// "ako.vmware.com/avi-lb", AKO's own class. Two controllers deployed
	// side by side need different classes, or both claim the same Services.
	LoadBalancerClass string `json:"loadBalancerClass,omitempty"`
	// CreatedBy overrides the created_by ownership mark; "" means
	// aviobj.CreatedBy(ClusterName), i.e. "ako-<cluster>".
	CreatedBy string `json:"createdBy,omitempty"`
}

// VIPNetwork is a network VIPs are allocated from, by name or uuid, with
// optional subnets.
type VIPNetwork struct {
	NetworkName string `json:"networkName,omitempty"`
	NetworkUUID string `json:"networkUUID,omitempty"`
	// CIDR is the IPv4 subnet, e.g. "10.10.10.0/24".
	CIDR string `json:"cidr,omitempty"`
	// V6CIDR is the IPv6 subnet, e.g. "2001:db8::/64".
	V6CIDR string `json:"v6cidr,omitempty"`
}

// NodeNetwork is a network through which service engines reach nodes, with
// its subnets.
type NodeNetwork struct {
	NetworkName string   `json:"networkName,omitempty"`
	NetworkUUID string   `json:"networkUUID,omitempty"`
	CIDRs       []string `json:"cidrs,omitempty"`
}

// withDefaults returns o with every "" default filled in.
func (o Options) withDefaults() Options {
	if o.Tenant == "" {
		o.Tenant = DefaultTenant
	}
	if o.Cloud == "" {
		o.Cloud = DefaultCloud
	}
	if o.SEGroup == "" {
		o.SEGroup = DefaultSEGroup
	}
	if o.VRF == "" {
		o.VRF = DefaultVRF
	}
	if o.BackendMode == "" {
		o.BackendMode = BackendClusterIP
	}
	if o.CreatedBy == "" {
		o.CreatedBy = aviobj.CreatedBy(o.ClusterName)
	}
	if o.GatewayController == "" {
		o.GatewayController = GatewayControllerName
	}
	if o.LoadBalancerClass == "" {
		o.LoadBalancerClass = LoadBalancerClass
	}
	return o
}

// familyFor returns the IP family of svc's VIP and servers.
func (o Options) familyFor(svc *corev1.Service) IPFamily {
	if o.IPFamily != "" {
		return o.IPFamily
	}
	v4, v6 := serviceFamilies(svc)
	switch {
	case v4 && v6:
		return IPFamilyV4V6
	case v6:
		return IPFamilyV6
	}
	return IPFamilyV4
}

func (o Options) servesNoClass() bool { return o.DefaultLBController == nil || *o.DefaultLBController }

func (o Options) v4() bool { return o.IPFamily != IPFamilyV6 }
func (o Options) v6() bool { return o.IPFamily == IPFamilyV6 || o.IPFamily == IPFamilyV4V6 }

// Validate checks the options and returns every problem, with paths
// rooted at "options" (options.clusterName, options.tenant, ...). The zero
// Options lacks only a cluster name.
func (o Options) Validate() field.ErrorList {
	var errs field.ErrorList
	p := field.NewPath("options")
	switch {
	case o.ClusterName == "":
		errs = append(errs, field.Required(p.Child("clusterName"), "the cluster name prefixes every object name"))
	case !aviobj.IsValidClusterName(o.ClusterName):
		errs = append(errs, field.Invalid(p.Child("clusterName"), o.ClusterName, "must consist of letters, digits, '-' and '_'"))
	}
	if msg := aviobj.TenantNameProblem(o.Tenant); msg != "" {
		errs = append(errs, field.Invalid(p.Child("tenant"), o.Tenant, msg))
	}
	for _, n := range []struct{ name, value string }{{"cloud", o.Cloud}, {"seGroup", o.SEGroup}, {"vrf", o.VRF}} {
		if msg := aviobj.NameProblem(n.value); n.value != "" && msg != "" {
			errs = append(errs, field.Invalid(p.Child(n.name), n.value, msg))
		}
	}
	if o.License != "" && !o.License.Known() {
		errs = append(errs, field.NotSupported(p.Child("license"), o.License, profiles.Licenses()))
	}
	switch o.BackendMode {
	case "", BackendClusterIP, BackendNodePort, BackendNodePortLocal:
	default:
		errs = append(errs, field.NotSupported(p.Child("backendMode"), o.BackendMode,
			[]BackendMode{BackendClusterIP, BackendNodePort, BackendNodePortLocal}))
	}
	switch o.IPFamily {
	case "", IPFamilyV4, IPFamilyV6, IPFamilyV4V6:
	default:
		errs = append(errs, field.NotSupported(p.Child("ipFamily"), o.IPFamily, []IPFamily{IPFamilyV4, IPFamilyV6, IPFamilyV4V6}))
	}
	if o.LoadBalancerClass != "" {
		// The API server's own rule for spec.loadBalancerClass: a class
		// that is not a domain-prefixed path matches no Service.
		errs = append(errs, utilvalidation.IsDomainPrefixedPath(p.Child("loadBalancerClass"), o.LoadBalancerClass)...)
	}
	errs = append(errs, validateAutoFQDN(o.AutoFQDN, p.Child("autoFQDN"))...)
	errs = append(errs, validateFQDNSubdomain(o.FQDNSubdomain, p.Child("fqdnSubdomain"))...)
	if len(o.NodeSelector) > 0 {
		errs = append(errs, metav1validation.ValidateLabels(o.NodeSelector, p.Child("nodeSelector"))...)
	}
	if len(o.BGPPeerLabels) > 0 && !o.EnableRHI {
		errs = append(errs, field.Forbidden(p.Child("bgpPeerLabels"), "may only be used when enableRhi is true"))
	}
	for i, n := range o.VIPNetworks {
		np := p.Child("vipNetworks").Index(i)
		if n.NetworkName == "" && n.NetworkUUID == "" {
			errs = append(errs, field.Required(np.Child("networkName"), "a VIP network needs a name or a uuid"))
		}
		errs = append(errs, validateCIDR(np.Child("cidr"), n.CIDR, false)...)
		errs = append(errs, validateCIDR(np.Child("v6cidr"), n.V6CIDR, true)...)
	}
	for i, n := range o.NodeNetworks {
		np := p.Child("nodeNetworks").Index(i)
		if n.NetworkName == "" && n.NetworkUUID == "" {
			errs = append(errs, field.Required(np.Child("networkName"), "a node network needs a name or a uuid"))
		}
		for j, c := range n.CIDRs {
			if _, err := netip.ParsePrefix(c); err != nil {
				errs = append(errs, field.Invalid(np.Child("cidrs").Index(j), c, "must be a valid CIDR"))
			}
		}
	}
	return errs
}

func validateCIDR(p *field.Path, cidr string, v6 bool) field.ErrorList {
	if cidr == "" {
		return nil
	}
	pfx, err := netip.ParsePrefix(cidr)
	switch {
	case err != nil:
		return field.ErrorList{field.Invalid(p, cidr, "must be a valid CIDR")}
	case v6 && !pfx.Addr().Is6():
		return field.ErrorList{field.Invalid(p, cidr, "must be an IPv6 CIDR")}
	case !v6 && !pfx.Addr().Is4():
		return field.ErrorList{field.Invalid(p, cidr, "must be an IPv4 CIDR")}
	}
	return nil
}

// prefix converts a validated CIDR into the Avi subnet form.
func prefix(cidr string) *aviobj.IPAddrPrefix {
	pfx, err := netip.ParsePrefix(cidr)
	if err != nil {
		return nil
	}
	t := aviobj.IPTypeV4
	if pfx.Addr().Is6() {
		t = aviobj.IPTypeV6
	}
	return &aviobj.IPAddrPrefix{IPAddr: aviobj.IPAddr{Addr: pfx.Addr().String(), Type: t}, Mask: int32(pfx.Bits())}
}
