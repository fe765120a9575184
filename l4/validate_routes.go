package l4

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
)

// What the API server refuses in GatewayClasses, TCPRoutes, UDPRoutes and
// ReferenceGrants (config/crd/standard of sigs.k8s.io/gateway-api@v1.6.3,
// and the experimental channel's v1alpha2 routes). See validate_gateway.go.

// ValidateGatewayClass returns everything the API server with the Gateway
// API CRDs would refuse in a v1 GatewayClass
// (gateway.networking.k8s.io_gatewayclasses.yaml), with paths rooted at the
// class. A nil class is one Required error.
func ValidateGatewayClass(c *gatewayv1.GatewayClass) field.ErrorList {
	if c == nil {
		return field.ErrorList{field.Required(field.NewPath("gatewayClass"), "no GatewayClass")}
	}
	errs := gwValidateTypeMeta(c.TypeMeta, "GatewayClass", gatewayAPIVersions)
	errs = append(errs, gwValidateObjectMeta(&c.ObjectMeta, false)...)
	spec := field.NewPath("spec")
	// controllerName: GatewayController, required.
	errs = append(errs, gwController.check(spec.Child("controllerName"), string(c.Spec.ControllerName))...)
	// description: MaxLength=64.
	if d := c.Spec.Description; d != nil && len(*d) > 64 {
		errs = append(errs, field.TooLong(spec.Child("description"), *d, 64))
	}
	if r := c.Spec.ParametersRef; r != nil {
		// ParametersReference: group, kind and name required; namespace
		// optional.
		rp := spec.Child("parametersRef")
		errs = append(errs, gwGroup.check(rp.Child("group"), string(r.Group))...)
		errs = append(errs, gwKind.check(rp.Child("kind"), string(r.Kind))...)
		errs = append(errs, gwObjectName.check(rp.Child("name"), r.Name)...)
		errs = append(errs, checkPtr(gwNamespace, rp.Child("namespace"), r.Namespace)...)
	}
	return errs
}

// routeView is a TCPRoute or UDPRoute as the translation reads it.
type routeView struct {
	kind  gatewayv1.Kind
	tm    metav1.TypeMeta
	meta  *metav1.ObjectMeta
	spec  gatewayv1.CommonRouteSpec
	rules []routeRule
}

type routeRule struct {
	name *gatewayv1.SectionName
	refs []gatewayv1.BackendRef
}

func tcpRouteView(r *gatewayv1.TCPRoute) routeView {
	v := routeView{kind: "TCPRoute", tm: r.TypeMeta, meta: &r.ObjectMeta, spec: r.Spec.CommonRouteSpec}
	for _, rule := range r.Spec.Rules {
		v.rules = append(v.rules, routeRule{name: rule.Name, refs: rule.BackendRefs})
	}
	return v
}

func udpRouteView(r *gatewayv1.UDPRoute) routeView {
	v := routeView{kind: "UDPRoute", tm: r.TypeMeta, meta: &r.ObjectMeta, spec: r.Spec.CommonRouteSpec}
	for _, rule := range r.Spec.Rules {
		v.rules = append(v.rules, routeRule{name: rule.Name, refs: rule.BackendRefs})
	}
	return v
}

// ValidateTCPRoute returns everything the API server with the Gateway API
// CRDs would refuse in a TCPRoute (gateway.networking.k8s.io_tcproutes.yaml:
// v1, or v1alpha2 when its apiVersion says so), with paths rooted at the
// route. A nil route is one Required error.
func ValidateTCPRoute(r *gatewayv1.TCPRoute) field.ErrorList {
	if r == nil {
		return field.ErrorList{field.Required(field.NewPath("tcpRoute"), "no TCPRoute")}
	}
	return validateRoute(tcpRouteView(r))
}

// ValidateUDPRoute is ValidateTCPRoute for a UDPRoute
// (gateway.networking.k8s.io_udproutes.yaml, the same schema).
func ValidateUDPRoute(r *gatewayv1.UDPRoute) field.ErrorList {
	if r == nil {
		return field.ErrorList{field.Required(field.NewPath("udpRoute"), "no UDPRoute")}
	}
	return validateRoute(udpRouteView(r))
}

// validateRoute checks a TCPRoute or UDPRoute.
func validateRoute(r routeView) field.ErrorList {
	errs := gwValidateTypeMeta(r.tm, string(r.kind), routeAPIVersions)
	errs = append(errs, gwValidateObjectMeta(r.meta, true)...)
	spec := field.NewPath("spec")
	errs = append(errs, validateParentRefs(r.spec.ParentRefs, spec.Child("parentRefs"))...)

	rp := spec.Child("rules")
	// rules: MinItems=1 and MaxItems=1 in v1 (apis/v1/tcproute_types.go),
	// MaxItems=16 in v1alpha2 (apis/v1alpha2/tcproute_types.go), which also
	// has the CEL rule "Rule name must be unique within the route". A
	// route without apiVersion is taken as v1, the version of its Go type.
	maxRules := 1
	if r.tm.APIVersion == routeV1alpha2 {
		maxRules = 16
	}
	switch n := len(r.rules); {
	case n == 0:
		errs = append(errs, field.Required(rp, fmt.Sprintf("a %s needs a rule", r.kind)))
	case n > maxRules:
		e := field.TooMany(rp, n, maxRules)
		if maxRules == 1 {
			e.Detail += fmt.Sprintf(" (%s; %s allowed up to 16)", gatewayv1.GroupVersion, routeV1alpha2)
		}
		errs = append(errs, e)
	}
	ruleNames := map[gatewayv1.SectionName]int{}
	for i, rule := range r.rules {
		p := rp.Index(i)
		if rule.name != nil {
			if e := gwSectionName.check(p.Child("name"), string(*rule.name)); len(e) > 0 {
				errs = append(errs, e...)
			} else if j, dup := ruleNames[*rule.name]; dup {
				d := field.Duplicate(p.Child("name"), string(*rule.name))
				d.Detail = fmt.Sprintf("spec.rules[%d] has this name: rule names must be unique within the route", j)
				errs = append(errs, d)
			} else {
				ruleNames[*rule.name] = i
			}
		}
		errs = append(errs, validateBackendRefs(rule.refs, p.Child("backendRefs"))...)
	}
	return errs
}

// validateParentRefs checks CommonRouteSpec.parentRefs: MaxItems=32, each
// ParentReference's fields, and the two CEL rules on the list.
func validateParentRefs(refs []gatewayv1.ParentReference, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	if n := len(refs); n > 32 {
		errs = append(errs, field.TooMany(p, n, 32))
	}
	for i, r := range refs {
		rp := p.Index(i)
		errs = append(errs, checkPtr(gwGroup, rp.Child("group"), r.Group)...)
		errs = append(errs, checkPtr(gwKind, rp.Child("kind"), r.Kind)...)
		errs = append(errs, checkPtr(gwNamespace, rp.Child("namespace"), r.Namespace)...)
		errs = append(errs, gwObjectName.check(rp.Child("name"), string(r.Name))...)
		errs = append(errs, checkPtr(gwSectionName, rp.Child("sectionName"), r.SectionName)...)
		if r.Port != nil {
			errs = append(errs, gwValidatePort(rp.Child("port"), *r.Port)...)
		}
		// CEL: "sectionName must be specified when parentRefs includes 2 or
		// more references to the same parent" and "sectionName must be
		// unique when parentRefs includes 2 or more references to the same
		// parent". The same parent: group, kind and name equal (after
		// defaulting), and both namespaces unset/empty or both equal.
		for j := range i {
			q := refs[j]
			if !sameParent(r, q) {
				continue
			}
			if hasSection(r) != hasSection(q) {
				errs = append(errs, field.Required(rp.Child("sectionName"), fmt.Sprintf(
					"spec.parentRefs[%d] names the same parent: sectionName must be set on every reference to a parent named more than once", j)))
				break
			}
			if sectionOf(r) == sectionOf(q) {
				d := field.Duplicate(rp, parentRefString(r))
				d.Detail = fmt.Sprintf("spec.parentRefs[%d] names the same parent and sectionName: sectionName must be unique per parent", j)
				errs = append(errs, d)
				break
			}
		}
	}
	return errs
}

func sameParent(a, b gatewayv1.ParentReference) bool {
	group := func(r gatewayv1.ParentReference) gatewayv1.Group {
		if r.Group == nil {
			return gatewayv1.GroupName // +kubebuilder:default=gateway.networking.k8s.io
		}
		return *r.Group
	}
	kind := func(r gatewayv1.ParentReference) gatewayv1.Kind {
		if r.Kind == nil {
			return "Gateway" // +kubebuilder:default=Gateway
		}
		return *r.Kind
	}
	ns := func(r gatewayv1.ParentReference) (gatewayv1.Namespace, bool) {
		if r.Namespace == nil {
			return "", false
		}
		return *r.Namespace, *r.Namespace != ""
	}
	an, aset := ns(a)
	bn, bset := ns(b)
	return group(a) == group(b) && kind(a) == kind(b) && a.Name == b.Name && aset == bset && an == bn
}

func hasSection(r gatewayv1.ParentReference) bool {
	return r.SectionName != nil && *r.SectionName != ""
}

func sectionOf(r gatewayv1.ParentReference) gatewayv1.SectionName {
	if r.SectionName == nil {
		return ""
	}
	return *r.SectionName
}

func parentRefString(r gatewayv1.ParentReference) string {
	s := string(r.Name)
	if r.Namespace != nil && *r.Namespace != "" {
		s = string(*r.Namespace) + "/" + s
	}
	if hasSection(r) {
		s += "/" + string(*r.SectionName)
	}
	return s
}

// validateBackendRefs checks a rule's backendRefs (MinItems=1, MaxItems=16)
// and each BackendRef: the BackendObjectReference fields, weight
// (Minimum=0, Maximum=1000000) and the CEL rule "Must have port for Service
// reference".
func validateBackendRefs(refs []gatewayv1.BackendRef, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	switch n := len(refs); {
	case n == 0:
		errs = append(errs, field.Required(p, "a rule needs at least one backendRef"))
	case n > 16:
		errs = append(errs, field.TooMany(p, n, 16))
	}
	for i, r := range refs {
		rp := p.Index(i)
		errs = append(errs, checkPtr(gwGroup, rp.Child("group"), r.Group)...)
		errs = append(errs, checkPtr(gwKind, rp.Child("kind"), r.Kind)...)
		errs = append(errs, gwObjectName.check(rp.Child("name"), string(r.Name))...)
		errs = append(errs, checkPtr(gwNamespace, rp.Child("namespace"), r.Namespace)...)
		if r.Port != nil {
			errs = append(errs, gwValidatePort(rp.Child("port"), *r.Port)...)
		} else if (r.Group == nil || *r.Group == "") && (r.Kind == nil || *r.Kind == "Service") {
			// group defaults to "" and kind to Service.
			errs = append(errs, field.Required(rp.Child("port"), "a Service backend needs a port"))
		}
		if w := r.Weight; w != nil && (*w < 0 || *w > 1000000) {
			errs = append(errs, field.Invalid(rp.Child("weight"), *w, "must be between 0 and 1000000, inclusive"))
		}
	}
	return errs
}

// ValidateReferenceGrant returns everything the API server with the Gateway
// API CRDs would refuse in a ReferenceGrant
// (gateway.networking.k8s.io_referencegrants.yaml, v1 and v1beta1), with
// paths rooted at the grant. A nil grant is one Required error. The
// translation ignores an invalid grant, as the cluster would not hold it,
// and warns about it where it would have allowed a reference.
func ValidateReferenceGrant(g *gatewayv1.ReferenceGrant) field.ErrorList {
	if g == nil {
		return field.ErrorList{field.Required(field.NewPath("referenceGrant"), "no ReferenceGrant")}
	}
	errs := gwValidateTypeMeta(g.TypeMeta, "ReferenceGrant", referenceGrantAPIVersions)
	errs = append(errs, gwValidateObjectMeta(&g.ObjectMeta, true)...)
	spec := field.NewPath("spec")
	fp, tp := spec.Child("from"), spec.Child("to")
	// from and to: MinItems=1, MaxItems=16.
	for _, l := range []struct {
		p *field.Path
		n int
	}{{fp, len(g.Spec.From)}, {tp, len(g.Spec.To)}} {
		switch {
		case l.n == 0:
			errs = append(errs, field.Required(l.p, "a ReferenceGrant needs at least one entry"))
		case l.n > 16:
			errs = append(errs, field.TooMany(l.p, l.n, 16))
		}
	}
	for i, f := range g.Spec.From {
		// ReferenceGrantFrom: group, kind and namespace required.
		p := fp.Index(i)
		errs = append(errs, gwGroup.check(p.Child("group"), string(f.Group))...)
		errs = append(errs, gwKind.check(p.Child("kind"), string(f.Kind))...)
		errs = append(errs, gwNamespace.check(p.Child("namespace"), string(f.Namespace))...)
	}
	for i, t := range g.Spec.To {
		// ReferenceGrantTo: group and kind required, name optional.
		p := tp.Index(i)
		errs = append(errs, gwGroup.check(p.Child("group"), string(t.Group))...)
		errs = append(errs, gwKind.check(p.Child("kind"), string(t.Kind))...)
		errs = append(errs, checkPtr(gwObjectName, p.Child("name"), t.Name)...)
	}
	return errs
}
