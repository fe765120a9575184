package l4

import (
	"slices"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/avil4/avil4/l4/svcapi"
)

// What the API server refuses in the legacy networking.x-k8s.io/v1alpha1
// GatewayClass and Gateway, from the CRDs of sigs.k8s.io/service-apis
// v0.1.0 (config/crd/bases/networking.x-k8s.io_gateways.yaml and
// _gatewayclasses.yaml; the fields are listed in shared/reference/peers.md
// §2.5). This version has no CEL rules and few patterns: listener
// uniqueness was left to a webhook, so repeated ports are handled like AKO
// does, as conflicts (see validateListeners).

// legacyString is a string bound of the v0.1.0 CRDs (no patterns).
var (
	legacyName253 = gwString{min: 1, max: 253}
	legacyMax253  = gwString{max: 253}
)

// ValidateLegacyGatewayClass returns everything the API server would refuse
// in a networking.x-k8s.io/v1alpha1 GatewayClass, with paths rooted at the
// class. A nil class is one Required error.
func ValidateLegacyGatewayClass(c *svcapi.GatewayClass) field.ErrorList {
	if c == nil {
		return field.ErrorList{field.Required(field.NewPath("gatewayClass"), "no GatewayClass")}
	}
	errs := gwValidateTypeMeta(c.TypeMeta, "GatewayClass", []string{svcapi.APIVersion})
	errs = append(errs, gwValidateObjectMeta(&c.ObjectMeta, false)...)
	spec := field.NewPath("spec")
	// controller: required, MaxLength=253 ("cannot be empty").
	errs = append(errs, legacyName253.check(spec.Child("controller"), c.Spec.Controller)...)
	if r := c.Spec.ParametersRef; r != nil {
		// parametersRef: group (MaxLength=253), kind and name
		// (MinLength=1, MaxLength=253), all required.
		rp := spec.Child("parametersRef")
		errs = append(errs, legacyMax253.check(rp.Child("group"), r.Group)...)
		errs = append(errs, legacyName253.check(rp.Child("kind"), r.Kind)...)
		errs = append(errs, legacyName253.check(rp.Child("name"), r.Name)...)
	}
	return errs
}

// ValidateLegacyGateway returns everything the API server would refuse in
// a networking.x-k8s.io/v1alpha1 Gateway, with paths rooted at the Gateway.
// AKO's own rule on routes.selector.matchLabels is not part of it (see
// TranslateLegacyGateway). A nil Gateway is one Required error.
func ValidateLegacyGateway(gw *svcapi.Gateway) field.ErrorList {
	if gw == nil {
		return field.ErrorList{field.Required(field.NewPath("gateway"), "no Gateway")}
	}
	return validateLegacyGateway(gw).all(nil)
}

// validateLegacyGateway collects the Gateway's schema errors by scope.
func validateLegacyGateway(gw *svcapi.Gateway) gatewayProblems {
	n := len(gw.Spec.Listeners)
	g := gatewayProblems{listeners: make([]field.ErrorList, n), duplicates: make([]int, n)}
	g.object = append(g.object, gwValidateTypeMeta(gw.TypeMeta, "Gateway", []string{svcapi.APIVersion})...)
	g.object = append(g.object, gwValidateObjectMeta(&gw.ObjectMeta, true)...)
	spec := field.NewPath("spec")
	// gatewayClassName: required, MinLength=1, MaxLength=253.
	g.object = append(g.object, legacyName253.check(spec.Child("gatewayClassName"), gw.Spec.GatewayClassName)...)
	ls := spec.Child("listeners")
	// listeners: required, MinItems=1, MaxItems=64.
	switch {
	case n == 0:
		g.listenerSet = append(g.listenerSet, field.Required(ls, "a Gateway needs at least one listener"))
	case n > 64:
		g.listenerSet = append(g.listenerSet, field.TooMany(ls, n, 64))
	}
	for i, l := range gw.Spec.Listeners {
		g.duplicates[i] = -1
		g.listeners[i] = validateLegacyListener(l, ls.Index(i))
	}
	ap := spec.Child("addresses")
	// addresses: MaxItems=16; type Enum=IPAddress;NamedAddress (default
	// IPAddress); value required, MinLength=1, MaxLength=253.
	if len(gw.Spec.Addresses) > 16 {
		g.addresses = append(g.addresses, field.TooMany(ap, len(gw.Spec.Addresses), 16))
	}
	g.addressOK = make([]bool, len(gw.Spec.Addresses))
	types := []string{svcapi.IPAddressType, svcapi.NamedAddressType}
	for i, a := range gw.Spec.Addresses {
		var e field.ErrorList
		if a.Type != nil && !slices.Contains(types, *a.Type) {
			e = append(e, field.NotSupported(ap.Index(i).Child("type"), *a.Type, types))
		}
		e = append(e, legacyName253.check(ap.Index(i).Child("value"), a.Value)...)
		g.addresses = append(g.addresses, e...)
		g.addressOK[i] = len(e) == 0
	}
	return g
}

// validateLegacyListener checks one v1alpha1 listener's own fields.
func validateLegacyListener(l svcapi.Listener, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if l.Hostname != nil {
		// hostname: MinLength=1, MaxLength=253 (no pattern in this version).
		if *l.Hostname == "" {
			errs = append(errs, field.Invalid(p.Child("hostname"), "", "must be at least 1 character long; leave it out instead"))
		} else {
			errs = append(errs, legacyName253.check(p.Child("hostname"), *l.Hostname)...)
		}
	}
	// port: Minimum=1, Maximum=65535. protocol: a required string, any
	// value (the translator refuses the ones it cannot serve).
	errs = append(errs, gwValidatePort(p.Child("port"), l.Port)...)
	rp := p.Child("routes")
	// routes: group MaxLength=253; kind required; namespaces.from
	// Enum=All;Selector;Same.
	errs = append(errs, legacyMax253.check(rp.Child("group"), l.Routes.Group)...)
	if ns := l.Routes.Namespaces; ns != nil && ns.From != nil {
		from := []string{"All", "Selector", "Same"}
		if !slices.Contains(from, *ns.From) {
			errs = append(errs, field.NotSupported(rp.Child("namespaces", "from"), *ns.From, from))
		}
	}
	if t := l.TLS; t != nil {
		tp := p.Child("tls")
		// tls.mode: Enum=Terminate;Passthrough.
		if t.Mode != nil && *t.Mode != "Terminate" && *t.Mode != "Passthrough" {
			errs = append(errs, field.NotSupported(tp.Child("mode"), *t.Mode, []string{"Terminate", "Passthrough"}))
		}
		if r := t.CertificateRef; r != nil {
			// certificateRef: group (MaxLength=253), kind and name
			// (MinLength=1, MaxLength=253), all required.
			cp := tp.Child("certificateRef")
			errs = append(errs, legacyMax253.check(cp.Child("group"), r.Group)...)
			errs = append(errs, legacyName253.check(cp.Child("kind"), r.Kind)...)
			errs = append(errs, legacyName253.check(cp.Child("name"), r.Name)...)
		}
		// routeOverride.certificate: Enum=Allow;Deny.
		if o := t.RouteOverride; o != nil && o.Certificate != nil && *o.Certificate != "Allow" && *o.Certificate != "Deny" {
			errs = append(errs, field.NotSupported(tp.Child("routeOverride", "certificate"), *o.Certificate, []string{"Allow", "Deny"}))
		}
	}
	return errs
}
