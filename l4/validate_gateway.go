package l4

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// This file holds what the API server, with the Gateway API v1.6.3 CRDs
// installed, refuses in the Gateway API objects the translation reads. The
// authority is the CRDs' OpenAPI schema and CEL rules
// (sigs.k8s.io/gateway-api@v1.6.3/config/crd/standard, the "standard"
// channel; "experimental" only adds served versions) and the
// +kubebuilder:validation markers of the Go types they are generated from
// (apis/v1/*_types.go). Each check cites its rule. The translation refuses
// such input before it builds anything, with the exact field path: a
// cluster cannot hold these objects, so they only arrive from files, tests
// and code.

// Served API versions (config/crd/standard, "served: true").
var (
	gatewayAPIVersions        = []string{gatewayv1.GroupVersion.String(), gatewayv1.GroupName + "/v1beta1"}
	referenceGrantAPIVersions = []string{gatewayv1.GroupVersion.String(), gatewayv1.GroupName + "/v1beta1"}
	// TCPRoute and UDPRoute: v1 (standard) and v1alpha2 (served by the
	// experimental channel only, deprecated).
	routeAPIVersions = []string{gatewayv1.GroupVersion.String(), routeV1alpha2}
)

const routeV1alpha2 = gatewayv1.GroupName + "/v1alpha2"

// gwString is a string type of the Gateway API with its length bounds and
// pattern, as its kubebuilder markers declare them.
type gwString struct {
	min, max int
	// re is the pattern, compiled from the marker's text: Go's regexp is the
	// engine the API server matches OpenAPI patterns with, so odd anchoring
	// (the protocol pattern's second alternative has no ^) behaves the same.
	re *regexp.Regexp
	// what describes the pattern in an error.
	what string
}

// The string types, from apis/v1/shared_types.go and gateway_types.go.
var (
	// Group: MaxLength=253, Pattern=^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
	gwGroup = gwString{max: 253, re: regexp.MustCompile(`^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`),
		what: "must be empty or a DNS subdomain (lower case letters, digits, '-' and '.')"}
	// Kind: MinLength=1, MaxLength=63, Pattern=^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$
	gwKind = gwString{min: 1, max: 63, re: regexp.MustCompile(`^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$`),
		what: "must start with a letter and hold only letters, digits and '-', not at the end"}
	// ObjectName: MinLength=1, MaxLength=253.
	gwObjectName = gwString{min: 1, max: 253}
	// Namespace: Pattern=^[a-z0-9]([-a-z0-9]*[a-z0-9])?$, MinLength=1, MaxLength=63.
	gwNamespace = gwString{min: 1, max: 63, re: regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`),
		what: "must be a DNS-1123 label (lower case letters, digits and '-', starting and ending with a letter or digit)"}
	// SectionName: Pattern=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$, MinLength=1, MaxLength=253.
	gwSectionName = gwString{min: 1, max: 253, re: regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`),
		what: "must be a DNS-1123 subdomain (lower case letters, digits, '-' and '.', starting and ending with a letter or digit)"}
	// Hostname: MinLength=1, MaxLength=253, Pattern=^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$
	gwHostname = gwString{min: 1, max: 253, re: regexp.MustCompile(`^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`),
		what: "must be a DNS name of lower case letters, digits, '-' and '.', optionally prefixed by '*.'"}
	// ProtocolType: MinLength=1, MaxLength=255,
	// Pattern=^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$
	gwProtocol = gwString{min: 1, max: 255, re: regexp.MustCompile(`^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$`),
		what: "must be a name of letters, digits and '-' (such as TCP) or a domain-prefixed name (such as example.com/proto)"}
	// GatewayController: MinLength=1, MaxLength=253,
	// Pattern=^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$
	gwController = gwString{min: 1, max: 253, re: regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$`),
		what: "must be a domain-prefixed path such as example.com/controller"}
	// AddressType: MinLength=1, MaxLength=253,
	// Pattern=^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$
	gwAddressType = gwString{min: 1, max: 253, re: regexp.MustCompile(`^Hostname|IPAddress|NamedAddress|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$`),
		what: "must be Hostname, IPAddress, NamedAddress or a domain-prefixed type such as example.com/type"}
	// AnnotationKey and LabelKey (the CRD's CEL rule on infrastructure
	// labels and annotations; the Go marker's pattern is the same):
	// ^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$
	// with a prefix shorter than 253 characters.
	gwMetaKey = gwString{min: 1, max: 253, re: regexp.MustCompile(`^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9]$`),
		what: "must be an optional DNS subdomain prefix and '/' followed by a name of up to 63 letters, digits, '-', '_' and '.'"}
	// LabelValue: MinLength=0, MaxLength=63, Pattern=^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$
	gwLabelValue = gwString{max: 63, re: regexp.MustCompile(`^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$`),
		what: "must be empty or letters, digits, '-', '_' and '.', starting and ending with a letter or digit"}
	// AnnotationValue: MinLength=0, MaxLength=4096.
	gwAnnotationValue = gwString{max: 4096}
)

// check returns the errors of v at p. An empty value of a type with a
// minimum length is reported as Required (the schema says "should be at
// least 1 chars long"; the field is required in all but name).
func (s gwString) check(p *field.Path, v string) field.ErrorList {
	switch {
	case v == "" && s.min > 0:
		return field.ErrorList{field.Required(p, "may not be empty")}
	case len(v) < s.min:
		return field.ErrorList{field.Invalid(p, v, fmt.Sprintf("must be at least %d characters long", s.min))}
	case s.max > 0 && len(v) > s.max:
		return field.ErrorList{field.TooLong(p, v, s.max)}
	case s.re != nil && !s.re.MatchString(v):
		return field.ErrorList{field.Invalid(p, v, s.what)}
	}
	return nil
}

// checkPtr checks an optional value: nil is absent and valid.
func checkPtr[T ~string](s gwString, p *field.Path, v *T) field.ErrorList {
	if v == nil {
		return nil
	}
	return s.check(p, string(*v))
}

// gwValidatePort checks a PortNumber: Minimum=1, Maximum=65535.
func gwValidatePort(p *field.Path, v int32) field.ErrorList {
	if msg := validationPort(v); msg != "" {
		return field.ErrorList{field.Invalid(p, v, msg)}
	}
	return nil
}

// gwValidateTypeMeta checks apiVersion and kind when they are set (typed
// clients leave them empty): the kind must be the object's, the version one
// the CRD serves.
func gwValidateTypeMeta(tm metav1.TypeMeta, kind string, versions []string) field.ErrorList {
	var errs field.ErrorList
	if tm.APIVersion != "" && !slices.Contains(versions, tm.APIVersion) {
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), tm.APIVersion, versions))
	}
	if tm.Kind != "" && tm.Kind != kind {
		errs = append(errs, field.NotSupported(field.NewPath("kind"), tm.Kind, []string{kind}))
	}
	return errs
}

// gwValidateObjectMeta checks the name and namespace as the API server does
// for every custom resource: the name is a DNS-1123 subdomain
// (NameIsDNSSubdomain), the namespace of a namespaced object a DNS-1123
// label, and a cluster-scoped object has none.
func gwValidateObjectMeta(m *metav1.ObjectMeta, namespaced bool) field.ErrorList {
	var errs field.ErrorList
	p := field.NewPath("metadata")
	if m.Name == "" {
		errs = append(errs, field.Required(p.Child("name"), "name is required"))
	} else if msgs := validation.IsDNS1123Subdomain(m.Name); len(msgs) > 0 {
		errs = append(errs, field.Invalid(p.Child("name"), m.Name, strings.Join(msgs, "; ")))
	}
	switch {
	case namespaced && m.Namespace == "":
		errs = append(errs, field.Required(p.Child("namespace"), "the object is namespaced"))
	case namespaced:
		if msgs := dns1123LabelProblems(m.Namespace); len(msgs) > 0 {
			errs = append(errs, field.Invalid(p.Child("namespace"), m.Namespace, strings.Join(msgs, "; ")))
		}
	case m.Namespace != "":
		errs = append(errs, field.Forbidden(p.Child("namespace"), "not allowed on this cluster-scoped type"))
	}
	return errs
}

// reroot prefixes the paths of errs (rooted at another object) with root,
// e.g. "gatewayClass": the copies leave errs unchanged.
func reroot(root string, errs field.ErrorList) field.ErrorList {
	out := make(field.ErrorList, 0, len(errs))
	for _, e := range errs {
		c := *e
		c.Field = root + "." + c.Field
		out = append(out, &c)
	}
	return out
}

// gatewayProblems are a Gateway's schema errors by scope.
type gatewayProblems struct {
	// object: apiVersion, kind, metadata, gatewayClassName and other
	// Gateway-wide fields; they refuse the Gateway (Accepted=False Invalid).
	object field.ErrorList
	// listenerSet: the listener count and the listener names (names key
	// the listener status and route sectionNames); they refuse the Gateway
	// (ListenersNotValid).
	listenerSet field.ErrorList
	// listeners[i]: listener i's own fields; they refuse only that
	// listener (Accepted=False UnsupportedValue).
	listeners []field.ErrorList
	// duplicates[i] is the earlier listener with listener i's port,
	// protocol and hostname, or -1; both are Conflicted.
	duplicates []int
	// addresses refuse the Gateway (UnsupportedAddress); addressOK[i] says
	// entry i passed.
	addresses field.ErrorList
	addressOK []bool
	// infrastructure refuses the Gateway (InvalidParameters).
	infrastructure field.ErrorList
}

// fatal reports whether the problems refuse the whole Gateway.
func (g gatewayProblems) fatal() bool {
	return len(g.object)+len(g.listenerSet)+len(g.addresses)+len(g.infrastructure) > 0
}

// all lists every problem, Gateway-wide ones first, then by listener.
func (g gatewayProblems) all(listeners []*gwListener) field.ErrorList {
	errs := append(append(field.ErrorList(nil), g.object...), g.listenerSet...)
	for i := range g.listeners {
		errs = append(errs, g.listeners[i]...)
		if j := g.duplicates[i]; j >= 0 && i < len(listeners) {
			d := field.Duplicate(listeners[i].path, listeners[i].Port.String())
			d.Detail = fmt.Sprintf("%s has the same port, protocol and hostname: the Gateway API requires each listener's to be unique", listeners[j].path)
			errs = append(errs, d)
		}
	}
	errs = append(errs, g.addresses...)
	return append(errs, g.infrastructure...)
}

// ValidateGateway returns everything the API server with the Gateway API
// CRDs would refuse in a v1 Gateway, every problem at once, with paths
// rooted at the Gateway (metadata.name, spec.listeners[1].port, ...). A nil
// Gateway is one Required error.
func ValidateGateway(gw *gatewayv1.Gateway) field.ErrorList {
	if gw == nil {
		return field.ErrorList{field.Required(field.NewPath("gateway"), "no Gateway")}
	}
	return validateGatewayV1(gw).all(v1Listeners(gw))
}

// v1Listeners returns the listeners of gw as the engine sees them.
func v1Listeners(gw *gatewayv1.Gateway) []*gwListener {
	out := make([]*gwListener, len(gw.Spec.Listeners))
	for i, l := range gw.Spec.Listeners {
		out[i] = &gwListener{
			ListenerResult: ListenerResult{Index: i, Name: string(l.Name), Port: Port{Protocol: corev1.Protocol(l.Protocol), Port: l.Port}},
			protocol:       string(l.Protocol),
			tls:            l.TLS != nil,
			path:           field.NewPath("spec", "listeners").Index(i),
			allowed:        l.AllowedRoutes,
		}
		if l.Hostname != nil {
			out[i].hostname = string(*l.Hostname)
		}
	}
	return out
}

// validateGatewayV1 collects the Gateway's schema errors by scope, from
// config/crd/standard/gateway.networking.k8s.io_gateways.yaml (version v1;
// v1beta1 has the same schema).
func validateGatewayV1(gw *gatewayv1.Gateway) gatewayProblems {
	n := len(gw.Spec.Listeners)
	g := gatewayProblems{listeners: make([]field.ErrorList, n), duplicates: make([]int, n)}
	g.object = append(g.object, gwValidateTypeMeta(gw.TypeMeta, "Gateway", gatewayAPIVersions)...)
	g.object = append(g.object, gwValidateObjectMeta(&gw.ObjectMeta, true)...)
	spec := field.NewPath("spec")
	// spec.gatewayClassName: ObjectName (MinLength=1, MaxLength=253), required.
	g.object = append(g.object, gwObjectName.check(spec.Child("gatewayClassName"), string(gw.Spec.GatewayClassName))...)
	if a := gw.Spec.AllowedListeners; a != nil && a.Namespaces != nil && a.Namespaces.From != nil {
		// allowedListeners.namespaces.from: Enum=All;Selector;Same;None.
		from := []gatewayv1.FromNamespaces{gatewayv1.NamespacesFromAll, gatewayv1.NamespacesFromSelector, gatewayv1.NamespacesFromSame, gatewayv1.NamespacesFromNone}
		if !slices.Contains(from, *a.Namespaces.From) {
			g.object = append(g.object, field.NotSupported(spec.Child("allowedListeners", "namespaces", "from"), *a.Namespaces.From, from))
		}
	}

	ls := spec.Child("listeners")
	// spec.listeners: MinItems=1, MaxItems=64.
	switch {
	case n == 0:
		g.listenerSet = append(g.listenerSet, field.Required(ls, "a Gateway needs at least one listener"))
	case n > 64:
		g.listenerSet = append(g.listenerSet, field.TooMany(ls, n, 64))
	}
	names := map[gatewayv1.SectionName]int{}
	for i, l := range gw.Spec.Listeners {
		lp := ls.Index(i)
		// name: SectionName, required; x-kubernetes-list-map-keys [name] and
		// the CEL rule "Listener name must be unique within the Gateway".
		if errs := gwSectionName.check(lp.Child("name"), string(l.Name)); len(errs) > 0 {
			g.listenerSet = append(g.listenerSet, errs...)
		} else if j, dup := names[l.Name]; dup {
			e := field.Duplicate(lp.Child("name"), string(l.Name))
			e.Detail = fmt.Sprintf("spec.listeners[%d] has this name: listener names must be unique within the Gateway", j)
			g.listenerSet = append(g.listenerSet, e)
		} else {
			names[l.Name] = i
		}
		g.listeners[i] = validateListenerV1(l, lp)
		// CEL on spec.listeners: "Combination of port, protocol and
		// hostname must be unique for each listener" (an unset hostname
		// equals only an unset one).
		g.duplicates[i] = -1
		for j := range i {
			m := gw.Spec.Listeners[j]
			if l.Port == m.Port && l.Protocol == m.Protocol && sameHostname(l.Hostname, m.Hostname) {
				g.duplicates[i] = j
				break
			}
		}
	}
	g.addresses, g.addressOK = validateAddressesV1(gw.Spec.Addresses, spec.Child("addresses"))
	g.infrastructure = validateInfrastructure(gw.Spec.Infrastructure, spec.Child("infrastructure"))
	return g
}

func sameHostname(a, b *gatewayv1.Hostname) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// validateListenerV1 checks one listener's own fields.
func validateListenerV1(l gatewayv1.Listener, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	errs = append(errs, gwValidatePort(p.Child("port"), l.Port)...)
	errs = append(errs, gwProtocol.check(p.Child("protocol"), string(l.Protocol))...)
	tcpOrUDP := l.Protocol == gatewayv1.TCPProtocolType || l.Protocol == gatewayv1.UDPProtocolType
	if l.Hostname != nil {
		hp := p.Child("hostname")
		switch {
		case *l.Hostname == "":
			// Hostname: MinLength=1 (the CEL rule below lets TCP and UDP
			// listeners write "", but the length bound applies first).
			errs = append(errs, field.Invalid(hp, "", "must be at least 1 character long; leave it out instead"))
		case tcpOrUDP:
			// CEL on spec.listeners: "hostname must not be specified for
			// protocols ['TCP', 'UDP']".
			errs = append(errs, field.Forbidden(hp, fmt.Sprintf("may not be set on a %s listener: the Gateway API allows no hostname on TCP and UDP listeners", l.Protocol)))
		default:
			errs = append(errs, gwHostname.check(hp, string(*l.Hostname))...)
		}
	}
	if t := l.TLS; t != nil {
		errs = append(errs, validateListenerTLS(t, l.Protocol, p.Child("tls"))...)
	} else if l.Protocol == gatewayv1.TLSProtocolType {
		// CEL on spec.listeners: "tls mode must be set for protocol TLS".
		errs = append(errs, field.Required(p.Child("tls"), "tls mode must be set for protocol TLS"))
	}
	if a := l.AllowedRoutes; a != nil {
		ap := p.Child("allowedRoutes")
		if ns := a.Namespaces; ns != nil && ns.From != nil {
			// allowedRoutes.namespaces.from: Enum=All;Selector;Same.
			from := []gatewayv1.FromNamespaces{gatewayv1.NamespacesFromAll, gatewayv1.NamespacesFromSelector, gatewayv1.NamespacesFromSame}
			if !slices.Contains(from, *ns.From) {
				errs = append(errs, field.NotSupported(ap.Child("namespaces", "from"), *ns.From, from))
			}
		}
		// allowedRoutes.kinds: MaxItems=8; RouteGroupKind: kind required.
		if n := len(a.Kinds); n > 8 {
			errs = append(errs, field.TooMany(ap.Child("kinds"), n, 8))
		}
		for i, k := range a.Kinds {
			kp := ap.Child("kinds").Index(i)
			errs = append(errs, checkPtr(gwGroup, kp.Child("group"), k.Group)...)
			errs = append(errs, gwKind.check(kp.Child("kind"), string(k.Kind))...)
		}
	}
	return errs
}

// validateListenerTLS checks a listener's tls against the CEL rules of
// spec.listeners and of ListenerTLSConfig.
func validateListenerTLS(t *gatewayv1.ListenerTLSConfig, protocol gatewayv1.ProtocolType, tp *field.Path) field.ErrorList {
	var errs field.ErrorList
	mode := gatewayv1.TLSModeTerminate // +kubebuilder:default=Terminate
	if t.Mode != nil {
		mode = *t.Mode
	}
	modes := []gatewayv1.TLSModeType{gatewayv1.TLSModeTerminate, gatewayv1.TLSModePassthrough}
	switch {
	case protocol == gatewayv1.HTTPProtocolType || protocol == gatewayv1.TCPProtocolType || protocol == gatewayv1.UDPProtocolType:
		// CEL: "tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']".
		errs = append(errs, field.Forbidden(tp, fmt.Sprintf("may not be set on a %s listener: the Gateway API allows tls only on HTTPS, TLS and other protocols", protocol)))
	case !slices.Contains(modes, mode):
		// mode: Enum=Terminate;Passthrough.
		errs = append(errs, field.NotSupported(tp.Child("mode"), mode, modes))
	case protocol == gatewayv1.HTTPSProtocolType && mode != gatewayv1.TLSModeTerminate:
		// CEL: "tls mode must be Terminate for protocol HTTPS".
		errs = append(errs, field.Invalid(tp.Child("mode"), mode, "must be Terminate for protocol HTTPS"))
	case mode == gatewayv1.TLSModeTerminate && len(t.CertificateRefs) == 0 && len(t.Options) == 0:
		// CEL on ListenerTLSConfig: "certificateRefs or options must be
		// specified when mode is Terminate".
		errs = append(errs, field.Required(tp.Child("certificateRefs"), "certificateRefs or options must be specified when mode is Terminate"))
	}
	// certificateRefs: MaxItems=64 of SecretObjectReference.
	if n := len(t.CertificateRefs); n > 64 {
		errs = append(errs, field.TooMany(tp.Child("certificateRefs"), n, 64))
	}
	for i, r := range t.CertificateRefs {
		rp := tp.Child("certificateRefs").Index(i)
		errs = append(errs, checkPtr(gwGroup, rp.Child("group"), r.Group)...)
		errs = append(errs, checkPtr(gwKind, rp.Child("kind"), r.Kind)...)
		errs = append(errs, gwObjectName.check(rp.Child("name"), string(r.Name))...)
		errs = append(errs, checkPtr(gwNamespace, rp.Child("namespace"), r.Namespace)...)
	}
	// options: MaxProperties=16, AnnotationKey keys, AnnotationValue values.
	return append(errs, validateStringMap(t.Options, 16, gwMetaKey, gwAnnotationValue, tp.Child("options"))...)
}

// validateStringMap checks a map's size, keys and values (keys in sorted
// order, for stable errors).
func validateStringMap[K, V ~string](m map[K]V, maxItems int, key, value gwString, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if len(m) > maxItems {
		errs = append(errs, field.TooMany(p, len(m), maxItems))
	}
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		kp := p.Key(string(k))
		errs = append(errs, key.check(kp, string(k))...)
		if prefix, _, ok := strings.Cut(string(k), "/"); ok && len(prefix) >= 253 {
			// CEL: "the ... key's prefix must be a DNS subdomain not longer
			// than 253 characters in total" (split("/")[0].size() < 253).
			errs = append(errs, field.Invalid(kp, string(k), "the prefix must be shorter than 253 characters"))
		}
		errs = append(errs, value.check(kp, string(m[k]))...)
	}
	return errs
}

// validateAddressesV1 checks spec.addresses; ok[i] says whether entry i
// passed, so that the support check looks only at valid entries.
func validateAddressesV1(as []gatewayv1.GatewaySpecAddress, p *field.Path) (field.ErrorList, []bool) {
	var errs field.ErrorList
	ok := make([]bool, len(as))
	// addresses: MaxItems=16.
	if n := len(as); n > 16 {
		errs = append(errs, field.TooMany(p, n, 16))
	}
	seen := map[[2]string]int{}
	for i, a := range as {
		ap := p.Index(i)
		var e field.ErrorList
		t := gatewayv1.IPAddressType // +kubebuilder:default=IPAddress
		if a.Type != nil {
			t = *a.Type
			e = append(e, gwAddressType.check(ap.Child("type"), string(t))...)
		}
		vp := ap.Child("value")
		switch {
		case len(a.Value) > 253:
			// value: MaxLength=253.
			e = append(e, field.TooLong(vp, a.Value, 253))
		case a.Value == "":
			// No value: an address of the type is to be assigned.
		case t == gatewayv1.IPAddressType && len(validation.IsValidIPForLegacyField(vp, a.Value, false, nil)) > 0:
			// oneOf: type IPAddress needs a value of format ipv4 or ipv6
			// (kube-openapi parses both leniently, leading zeros allowed).
			e = append(e, field.Invalid(vp, a.Value, "must be an IPv4 or IPv6 address for type IPAddress"))
		case t == gatewayv1.HostnameAddressType && !gwHostname.re.MatchString(a.Value):
			// CEL on GatewaySpecAddress: "Hostname value must be empty or
			// contain only valid characters".
			e = append(e, field.Invalid(vp, a.Value, "must be a DNS name of lower case letters, digits, '-' and '.', optionally prefixed by '*.', for type Hostname"))
		case t == gatewayv1.IPAddressType || t == gatewayv1.HostnameAddressType:
			// CEL on addresses: "IPAddress values must be unique" and
			// "Hostname values must be unique".
			k := [2]string{string(t), a.Value}
			if j, dup := seen[k]; dup {
				d := field.Duplicate(vp, a.Value)
				d.Detail = fmt.Sprintf("spec.addresses[%d] has this value: %s values must be unique", j, t)
				e = append(e, d)
			} else {
				seen[k] = i
			}
		}
		errs = append(errs, e...)
		ok[i] = len(e) == 0
	}
	return errs, ok
}

// validateInfrastructure checks spec.infrastructure: labels (MaxProperties=8)
// and annotations (MaxProperties=16) with the CEL key rules, and a
// parametersRef, which this translator does not support: the Gateway API
// asks for Accepted=False InvalidParameters when the kind is unsupported.
func validateInfrastructure(in *gatewayv1.GatewayInfrastructure, p *field.Path) field.ErrorList {
	if in == nil {
		return nil
	}
	var errs field.ErrorList
	errs = append(errs, validateStringMap(in.Labels, 8, gwMetaKey, gwLabelValue, p.Child("labels"))...)
	errs = append(errs, validateStringMap(in.Annotations, 16, gwMetaKey, gwAnnotationValue, p.Child("annotations"))...)
	if r := in.ParametersRef; r != nil {
		rp := p.Child("parametersRef")
		// LocalParametersReference: group, kind and name, all required.
		refErrs := gwGroup.check(rp.Child("group"), string(r.Group))
		refErrs = append(refErrs, gwKind.check(rp.Child("kind"), string(r.Kind))...)
		refErrs = append(refErrs, gwObjectName.check(rp.Child("name"), r.Name)...)
		if len(refErrs) == 0 {
			refErrs = field.ErrorList{field.Forbidden(rp, fmt.Sprintf("Gateway parameters (%s/%s %s) are not supported: name an AviInfraSetting in the GatewayClass's parametersRef", r.Group, r.Kind, r.Name))}
		}
		errs = append(errs, refErrs...)
	}
	return errs
}
