package l4

import (
	"fmt"
	"net/netip"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apivalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/aviobj"
	"github.com/avil4/avil4/profiles"
)

// Validation of the Kubernetes objects a translation reads, before anything
// is built: what the API server would refuse, and what makes no sense for a
// load balancer. Where a rule comes from the API server, the comment names
// the function of k8s.io/kubernetes (v1.37) that holds it; that module
// cannot be imported, so the rule is restated here. doc.go lists every rule.

// validateServiceObject checks what identifies a Service and decides whether
// it is a load balancer at all: TypeMeta (when set), metadata and spec.type.
// It runs before the NotOurs decision, because the objects of a Service are
// named after its namespace and name: without valid ones there is nothing a
// controller could safely create or remove.
func validateServiceObject(svc *corev1.Service) field.ErrorList {
	errs := validateTypeMeta(svc.APIVersion, svc.Kind, "v1", "Service", nil)
	// ValidateServiceCreate (pkg/apis/core/validation/validation.go): the
	// name is a DNS-1123 label since RelaxedServiceNameValidation went GA in
	// v1.37 (KEP-5311; a DNS-1035 label before v1.34), the namespace is
	// required and a DNS-1123 label, labels and annotations are qualified
	// names. The library reads Services from a cache, where the API server
	// has defaulted the namespace already, so an empty one is refused rather
	// than guessed.
	errs = append(errs, apivalidation.ValidateObjectMeta(&svc.ObjectMeta, true, apivalidation.NameIsDNSLabel, field.NewPath("metadata"))...)
	switch svc.Spec.Type {
	case "", corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeExternalName, corev1.ServiceTypeLoadBalancer:
		// "" is the API server's ClusterIP default (SetDefaults_Service).
	default:
		// validateService: supportedServiceType.
		errs = append(errs, field.NotSupported(field.NewPath("spec", "type"), svc.Spec.Type, []corev1.ServiceType{
			corev1.ServiceTypeClusterIP, corev1.ServiceTypeExternalName, corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeNodePort}))
	}
	return errs
}

// validateTypeMeta refuses an apiVersion or kind that is set and is not the
// expected one (typed clients leave both empty, which is fine). root is the
// path of the object (nil for the translated object itself).
func validateTypeMeta(apiVersion, kind, wantVersion, wantKind string, root *field.Path) field.ErrorList {
	var errs field.ErrorList
	if apiVersion != "" && apiVersion != wantVersion {
		errs = append(errs, field.Invalid(child(root, "apiVersion"), apiVersion, fmt.Sprintf("must be %s (or empty): a %s is a %s object", wantVersion, wantKind, wantVersion)))
	}
	if kind != "" && kind != wantKind {
		errs = append(errs, field.Invalid(child(root, "kind"), kind, fmt.Sprintf("must be %s (or empty)", wantKind)))
	}
	return errs
}

// child is root.Child(name), or a new path when root is nil.
func child(root *field.Path, name string) *field.Path {
	if root == nil {
		return field.NewPath(name)
	}
	return root.Child(name)
}

// validateServiceSpec checks the whole-Service fields of a LoadBalancer
// Service of ours (ports are checked one by one by validatePorts): IP
// families against themselves and against the controller's IP family
// option, traffic policies, session affinity, the health check node port,
// the selector, and the annotations that change the VirtualService. opt is
// the IP family option as given ("" follows the Service).
func validateServiceSpec(svc *corev1.Service, opt IPFamily) field.ErrorList {
	// Paths are built only for errors: translation stays allocation-light.
	spec := func(names ...string) *field.Path { return field.NewPath("spec", names...) }
	errs := validateIPFamilies(svc, opt)

	// validateServiceExternalTrafficPolicy: Cluster or Local ("" is
	// defaulted to Cluster by SetDefaults_Service).
	switch p := svc.Spec.ExternalTrafficPolicy; p {
	case "", corev1.ServiceExternalTrafficPolicyCluster, corev1.ServiceExternalTrafficPolicyLocal:
	default:
		errs = append(errs, field.NotSupported(spec("externalTrafficPolicy"), p, []corev1.ServiceExternalTrafficPolicy{
			corev1.ServiceExternalTrafficPolicyCluster, corev1.ServiceExternalTrafficPolicyLocal}))
	}
	// validateServiceInternalTrafficFieldsValue: Cluster or Local.
	if p := svc.Spec.InternalTrafficPolicy; p != nil && *p != corev1.ServiceInternalTrafficPolicyCluster && *p != corev1.ServiceInternalTrafficPolicyLocal {
		errs = append(errs, field.NotSupported(spec("internalTrafficPolicy"), *p, []corev1.ServiceInternalTrafficPolicy{
			corev1.ServiceInternalTrafficPolicyCluster, corev1.ServiceInternalTrafficPolicyLocal}))
	}
	// validateService (supportedSessionAffinityType) and
	// validateClientIPAffinityConfig; SetDefaults_Service fills "" and an
	// unset ClientIP timeout, and drops the config with None.
	switch a := svc.Spec.SessionAffinity; a {
	case "", corev1.ServiceAffinityNone:
	case corev1.ServiceAffinityClientIP:
		if c := svc.Spec.SessionAffinityConfig; c != nil && c.ClientIP != nil && c.ClientIP.TimeoutSeconds != nil {
			if t := *c.ClientIP.TimeoutSeconds; t <= 0 || t > maxClientIPAffinitySeconds {
				errs = append(errs, field.Invalid(spec("sessionAffinityConfig", "clientIP", "timeoutSeconds"), t,
					fmt.Sprintf("must be greater than 0 and at most %d", maxClientIPAffinitySeconds)))
			}
		}
	default:
		errs = append(errs, field.NotSupported(spec("sessionAffinity"), a, []corev1.ServiceAffinity{corev1.ServiceAffinityClientIP, corev1.ServiceAffinityNone}))
	}
	// validateServiceExternalTrafficPolicy: a health check node port only
	// with externalTrafficPolicy Local, and in the port range. (Unset is
	// fine here: the API server allocates it, and NodePort mode reports it.)
	if hc := svc.Spec.HealthCheckNodePort; hc != 0 {
		if svc.Spec.ExternalTrafficPolicy != corev1.ServiceExternalTrafficPolicyLocal {
			errs = append(errs, field.Invalid(spec("healthCheckNodePort"), hc, "may only be set when externalTrafficPolicy is Local"))
		}
		for _, msg := range validation.IsValidPortNum(int(hc)) {
			errs = append(errs, field.Invalid(spec("healthCheckNodePort"), hc, msg))
		}
	}
	// validateService: the selector is a set of labels. NodePortLocal mode
	// selects pods with it.
	if len(svc.Spec.Selector) > 0 {
		errs = append(errs, metav1validation.ValidateLabels(svc.Spec.Selector, spec("selector"))...)
	}
	errs = append(errs, validateApplicationProfile(svc)...)
	return errs
}

// serviceFamilies returns the IP families a Service has once the API server
// stored it: spec.ipFamilies as listed, completed with the other family
// when ipFamilyPolicy is RequireDualStack (initIPFamilyFields,
// pkg/registry/core/service/storage/alloc.go, adds it on a dual-stack
// cluster and refuses the Service on any other, so a stored
// RequireDualStack Service always has both).
func serviceFamilies(svc *corev1.Service) (v4, v6 bool) {
	for _, f := range svc.Spec.IPFamilies {
		v4 = v4 || f == corev1.IPv4Protocol
		v6 = v6 || f == corev1.IPv6Protocol
	}
	if p := svc.Spec.IPFamilyPolicy; p != nil && *p == corev1.IPFamilyPolicyRequireDualStack {
		v4, v6 = true, true
	}
	return v4, v6
}

// validateIPFamilies checks spec.ipFamilies and spec.ipFamilyPolicy as the
// API server does, and against an explicit IP family option.
func validateIPFamilies(svc *corev1.Service, opt IPFamily) field.ErrorList {
	famPath := func() *field.Path { return field.NewPath("spec", "ipFamilies") }
	polPath := func() *field.Path { return field.NewPath("spec", "ipFamilyPolicy") }
	var errs field.ErrorList
	fams := svc.Spec.IPFamilies
	// ValidateServiceClusterIPsRelatedFields: IPv4 or IPv6, no repeats
	// (which also caps the list at two).
	for i, f := range fams {
		if f != corev1.IPv4Protocol && f != corev1.IPv6Protocol {
			errs = append(errs, field.NotSupported(famPath().Index(i), f, []corev1.IPFamily{corev1.IPv4Protocol, corev1.IPv6Protocol}))
		}
		for _, g := range fams[:i] {
			if g == f {
				errs = append(errs, field.Duplicate(famPath().Index(i), f))
				break
			}
		}
	}
	pol := svc.Spec.IPFamilyPolicy
	if pol != nil {
		switch *pol {
		case corev1.IPFamilyPolicySingleStack, corev1.IPFamilyPolicyPreferDualStack, corev1.IPFamilyPolicyRequireDualStack:
		default:
			errs = append(errs, field.NotSupported(polPath(), *pol, []corev1.IPFamilyPolicy{
				corev1.IPFamilyPolicyPreferDualStack, corev1.IPFamilyPolicyRequireDualStack, corev1.IPFamilyPolicySingleStack}))
		}
	}
	// initIPFamilyFields (pkg/registry/core/service/storage/alloc.go): a
	// SingleStack Service has one family; an unset policy is SingleStack
	// on create.
	if len(fams) == 2 && len(errs) == 0 {
		const why = "must be RequireDualStack or PreferDualStack when spec.ipFamilies lists two families"
		switch {
		case pol == nil:
			errs = append(errs, field.Required(polPath(), why+" (unset means SingleStack, the API server's default)"))
		case *pol == corev1.IPFamilyPolicySingleStack:
			errs = append(errs, field.Invalid(polPath(), *pol, why))
		}
	}
	if len(errs) > 0 || opt == "" {
		return errs
	}
	// An explicit IP family option applies to every Service (as AKO's
	// ipFamily): a Service must not need a family the VIPs do not have.
	optV4, optV6 := opt != IPFamilyV6, opt == IPFamilyV6 || opt == IPFamilyV4V6
	served := func(f corev1.IPFamily) bool {
		return f == corev1.IPv4Protocol && optV4 || f == corev1.IPv6Protocol && optV6
	}
	switch {
	case pol != nil && *pol == corev1.IPFamilyPolicyRequireDualStack && !(optV4 && optV6):
		errs = append(errs, field.Invalid(polPath(), *pol, fmt.Sprintf("cannot be served: the VIPs of this controller are %s only (options.ipFamily)", opt)))
	case pol != nil && *pol == corev1.IPFamilyPolicyPreferDualStack:
		// One served family is enough.
		for _, f := range fams {
			if served(f) {
				return errs
			}
		}
		if len(fams) > 0 {
			errs = append(errs, field.Invalid(famPath(), fams, fmt.Sprintf("cannot be served: the VIPs of this controller are %s only (options.ipFamily)", opt)))
		}
	default:
		for i, f := range fams {
			if !served(f) {
				errs = append(errs, field.Invalid(famPath().Index(i), f, fmt.Sprintf("cannot be served: the VIPs of this controller are %s only (options.ipFamily)", opt)))
			}
		}
	}
	return errs
}

// validateApplicationProfile refuses a VirtualService application profile
// (annotation ako.vmware.com/application-profile) that cannot serve every
// port. The controller's ApplicationProfile.type enum has L4, HTTP, SSL,
// DNS, SYSLOG and SIP profiles; of the System ones, System-HTTP and
// System-Secure-HTTP are HTTP profiles and System-SSL-Application
// terminates TLS, all three over TCP only (AKO's L4Rule admission,
// ValidateL4RuleObj, asks a TCP proxy network profile for SSL), so on a
// Service with UDP or SCTP ports only an L4 profile such as
// System-L4-Application fits. Other names are the user's profiles, whose
// type only the controller knows: they are accepted.
func validateApplicationProfile(svc *corev1.Service) field.ErrorList {
	ap := svc.Annotations[AnnotationApplicationProfile]
	if !profiles.SystemHTTPApplication(ap) && ap != profiles.SSLApplication {
		return nil
	}
	for i := range svc.Spec.Ports {
		if p := protocolOf(svc.Spec.Ports[i].Protocol); p == corev1.ProtocolUDP || p == corev1.ProtocolSCTP {
			kind := "an HTTP application profile"
			if ap == profiles.SSLApplication {
				kind = "an SSL application profile"
			}
			return field.ErrorList{field.Forbidden(field.NewPath("metadata", "annotations").Key(AnnotationApplicationProfile), fmt.Sprintf(
				"%s is %s, which needs TCP, and cannot serve spec.ports[%d] (%s/%d): only an L4 application profile such as %s serves UDP and SCTP ports",
				ap, kind, i, p, svc.Spec.Ports[i].Port, profiles.L4Application))}
		}
	}
	return nil
}

// sharedVIPKeyProblems returns why key cannot be a shared-VIP key, or nil.
// A key names Avi objects (<cluster>--<ns>-<key>, pools
// <cluster>--<ns>-<svc>-<key>-...) beside the namespace and Service name
// it is joined with, is their GatewayName marker, and names the group in
// reconcile requests and annotations of the example operator: like a
// namespace, it must be a DNS-1123 label (AKO takes any string).
func sharedVIPKeyProblems(key string) []string {
	if key == "" {
		return []string{"must not be empty: it names the shared VirtualService"}
	}
	return validation.IsDNS1123Label(key)
}

// validateSharedVIPKey is the error for an invalid shared-VIP annotation
// of a Service, or nil.
func validateSharedVIPKey(svc *corev1.Service) field.ErrorList {
	key, ok := svc.Annotations[AnnotationSharedVIP]
	if !ok {
		return nil
	}
	if msgs := sharedVIPKeyProblems(key); len(msgs) > 0 {
		return field.ErrorList{field.Invalid(field.NewPath("metadata", "annotations").Key(AnnotationSharedVIP), key, strings.Join(msgs, "; "))}
	}
	return nil
}

// validateTenantAnnotation checks the ako.vmware.com/tenant-name annotation
// of the Namespace (path: its annotation), with aviobj.TenantNameProblem.
func validateTenantAnnotation(ns *corev1.Namespace) field.ErrorList {
	if ns == nil {
		return nil
	}
	t, ok := ns.Annotations[AnnotationTenant]
	if !ok || t == "" {
		return nil
	}
	if msg := aviobj.TenantNameProblem(t); msg != "" {
		return field.ErrorList{field.Invalid(field.NewPath("namespace", "metadata", "annotations").Key(AnnotationTenant), t,
			fmt.Sprintf("the Avi tenant of Namespace %s: %s", ns.Name, msg))}
	}
	return nil
}

// maxClientIPAffinitySeconds is the longest ClientIP session affinity
// (core.MaxClientIPServiceAffinitySeconds, pkg/apis/core/types.go): a day.
const maxClientIPAffinitySeconds = 86400

// broadcast4 is the IPv4 limited broadcast address.
var broadcast4 = netip.AddrFrom4([4]byte{255, 255, 255, 255})

// addrUseProblem returns why a cannot be a VIP or a pool server, or "": the
// unspecified, loopback, link-local and multicast ranges (the ranges
// ValidateEndpointIP, pkg/apis/core/validation/validation.go, refuses for
// endpoints, plus all multicast) and the IPv4 broadcast address.
func addrUseProblem(a netip.Addr) string {
	switch {
	case a.IsUnspecified():
		return "may not be unspecified (" + a.String() + ")"
	case a.IsLoopback():
		return "may not be in the loopback range (127.0.0.0/8, ::1/128)"
	case a.IsLinkLocalUnicast():
		return "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
	case a.IsMulticast():
		return "may not be a multicast address (224.0.0.0/4, ff00::/8)"
	case a == broadcast4:
		return "may not be the broadcast address 255.255.255.255"
	}
	return ""
}

// parseAddr parses an address the way the API server's strict IP
// validation does (validation.IsValidIP, StrictIPCIDRValidation): no zone,
// no IPv4-mapped IPv6 form, and then addrUseProblem. It returns the address
// or why it is refused.
func parseAddr(s string) (netip.Addr, string) {
	a, err := netip.ParseAddr(s)
	switch {
	case err != nil || a.Zone() != "":
		return netip.Addr{}, "must be a valid IP address (e.g. 10.9.8.7 or 2001:db8::ffff)"
	case a.Is4In6():
		return netip.Addr{}, "must not be an IPv4-mapped IPv6 address"
	}
	if msg := addrUseProblem(a); msg != "" {
		return netip.Addr{}, msg
	}
	return a, ""
}
